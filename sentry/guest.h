/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNSC_SENTRY_GUEST_H
#define RUNSC_SENTRY_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "sentry/sentry.h"

struct guest_config {
	char **argv; /* the command; argv[0] is looked up in the guest's PATH */
	char **envp; /* the guest's whole environment */
	bool user_set;
	uid_t uid;
	gid_t gid;
	const char *hostname;
	int stdio[3]; /* the guest's fds 0, 1, 2 */
	bool tty;     /* stdio[0] is a terminal the guest may own */
};

/* Creates the guest's init (a child of the calling sentry), receives its
 * procfs and seccomp listener into s, and seizes it. Returns init's host pid,
 * or -1 with a message in err. */
pid_t guest_spawn(struct sentry *s, const struct guest_config *cfg, char *err, size_t err_size);

#endif
