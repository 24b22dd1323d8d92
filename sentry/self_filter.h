/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNSC_SENTRY_SELF_FILTER_H
#define RUNSC_SENTRY_SELF_FILTER_H

/* Moves the sentry into an empty mount namespace. */
int sentry_isolate(void);
/* Applies the sentry's own seccomp allowlist (the one compiled at build
 * time when runsc-c embeds it). */
int sentry_filter_install(void);
/* Writes the allowlist as BPF to fd (for the build). */
int sentry_filter_export(int fd);

#endif
