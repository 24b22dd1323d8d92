/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNSC_SENTRY_PTRACE_H
#define RUNSC_SENTRY_PTRACE_H

#include "sentry/sentry.h"

#define RUNSC_PTRACE_OPTIONS                                                                   \
	(PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | \
	 PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD)

/* Seizes the guest's init; every descendant is then traced automatically. */
int ptrace_seize_init(struct sentry *s, pid_t pid);
/* Collects and handles every pending wait status. */
void ptrace_reap(struct sentry *s);

#endif
