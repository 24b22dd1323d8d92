/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's init (guest/init.c) and the handshake it makes with the
 * sentry that created it, over a socket pair. */
#ifndef RUNSC_GUEST_INIT_H
#define RUNSC_GUEST_INIT_H

#include <errno.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/proc_attrs.h"

struct guest_config {
	char **argv; /* the command; argv[0] is looked up in the guest's PATH */
	/* One of init's builtins (enum exec_builtin) in place of exec'ing
	 * argv[0], or 0. */
	uint32_t builtin;
	char **envp; /* the guest's whole environment */
	bool user_set;
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups with user_set; none: gid alone */
	size_t ngroups;
	const struct proc_attrs *attrs;	 /* rlimits, umask, capabilities; or NULL */
	const struct sock_fprog *filter; /* the container's seccomp filter, or NULL */
	const char *hostname;
	/* A network namespace to join before the user namespace is made (the
	 * sentry does it, guest_spawn), or -1: a new one, whose loopback init
	 * brings up. */
	int netns_fd;
	/* The IPC namespace to join (the one whose mqueue file system the
	 * view shows at /dev/mqueue), or -1: a new one. */
	int ipcns_fd;
	int stdio[3];
	/* The command also gets fds 3 to 2 + preserve_fds as they are
	 * (runc's --preserve-fds); init keeps them until its fork. */
	unsigned int preserve_fds; /* the guest's fds 0, 1, 2 */
	/* Socket activation: the command's environment gets LISTEN_PID=<its
	 * pid>, the pid getpid() gives it (init is pid 1). */
	bool listen_pid;
	bool tty;	 /* stdio[0] is a terminal the guest may own */
	bool net_egress; /* the policy's network mode is egress: the filter's egress variant */
	int control_fd;	 /* init's end of the exec channel (guest/control.h), or -1 */
	/* The sentry's: the socket guest_spawn hands the guest's listener
	 * and a pidfd of its init to before the guest runs (sentry_config's
	 * report_fd), or -1. Init does not keep it. */
	int hold_fd;
};

/* The handshake: init has made its user namespace; the sentry has written
 * its id maps; the sentry holds the listener and traces init: go. */
#define SYNC_USERNS 'U'
#define SYNC_MAPPED 'M'
#define SYNC_GO	    'G'

static inline int guest_sync_wait(int sock, char expect)
{
	char c;
	ssize_t n;
	do
		n = read(sock, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 && c == expect ? 0 : -1;
}

static inline int guest_sync_send(int sock, char c)
{
	return write(sock, &c, 1) == 1 ? 0 : -1;
}

/* A procfs of the guest's pid namespace, detached, for the sentry. */
/* Runs in the child cloned into the guest's namespaces; sock is its end
 * of the handshake. Never returns. */
_Noreturn void guest_init_main(const struct guest_config *cfg, int sock);

#endif
