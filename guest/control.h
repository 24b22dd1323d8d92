/* SPDX-License-Identifier: Apache-2.0 */
/* The guest init's side of the control channel (common/exec_proto.h):
 * starting further processes in the guest on the supervisor's request
 * (`runsc-c exec`) and telling it how each one started and ended.
 *
 * A process started so is a child of init, forked the way the command
 * was: the same namespaces, cgroup, seccomp filters (the guest's, and the
 * policy's stacked on it), no_new_privs, capabilities and sentry, its
 * program exec'd through the sentry's exec path, or one of init's
 * builtins (guest/builtin.h) run in its place. It gets its own stdio
 * from the request and no other fd; its environment, working directory
 * and user are the request's. */
#ifndef RUNSC_GUEST_CONTROL_H
#define RUNSC_GUEST_CONTROL_H

#include <linux/filter.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/exec_proto.h"

/* The most pollfds control_pollfds fills. */
#define CONTROL_POLL_MAX (1 + EXEC_MAX_RUNNING)

/* fd: init's end of the channel, or -1 (no exec). child_mask: the signal
 * mask each started process gets. */
void control_init(int fd, const sigset_t *child_mask, const struct sock_fprog *filter);
/* What init's loop polls for the channel: fills at most CONTROL_POLL_MAX
 * entries and returns their count. */
int control_pollfds(struct pollfd *p);
/* Handles what poll reported on those entries. */
void control_events(const struct pollfd *p, int n);
/* A child of init was reaped: true if it was a started process (whose end
 * has been reported), false if it is none of the channel's. */
bool control_reaped(pid_t pid, int status);

/* Closes every fd of the calling process from `from` on, except those in
 * keep (negative entries are skipped). */
void close_fds_except(unsigned int from, const int *keep, size_t n);

#endif
