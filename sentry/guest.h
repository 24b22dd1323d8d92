/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNSC_SENTRY_GUEST_H
#define RUNSC_SENTRY_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "guest/init.h"
#include "sentry/sentry.h"

/* Creates the guest's init (a child of the calling sentry), receives its
 * procfs and seccomp listener into s, and seizes it. Returns init's host pid,
 * or -1 with a message in err. */
pid_t guest_spawn(struct sentry *s, const struct guest_config *cfg, char *err, size_t err_size);

#endif
