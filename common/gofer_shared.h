/* SPDX-License-Identifier: Apache-2.0 */
/* The page the gofer shares with its client (the sentry; the launcher
 * before it, for a terminal): how many answers carried an fd and how many
 * of those fds the gofer has closed since. An fd the gofer sent stays open
 * in the gofer until its close, and the guest's close of the file must be
 * the last one (close events, OFD and flock locks, a FIFO's EOF, exec's
 * ETXTBSY), so the client lets the guest run on with such an fd only once
 * both counts agree. The counts cost no system call on either side where
 * the gofer has closed its copy by the time the client looks, which is the
 * rule; otherwise the client sleeps on a futex the gofer wakes.
 *
 * The launcher makes the page (a memfd) before it forks the gofer; the
 * gofer and the sentry map it and close the memfd, and no process they
 * fork inherits the mapping (MADV_DONTFORK): the guest never sees it. */
#ifndef RUNSC_COMMON_GOFER_SHARED_H
#define RUNSC_COMMON_GOFER_SHARED_H

#include <stdatomic.h>
#include <stdint.h>

struct gofer_shared {
	_Atomic uint32_t fds_sent;     /* answers with an fd, counted before the send */
	_Atomic uint32_t fds_released; /* of those, fds the gofer has closed (futex word) */
	_Atomic uint32_t waiting;      /* the client sleeps on fds_released */
};

/* A memfd sized for the page (close-on-exec), or -errno. */
int gofer_shared_create(void);
/* Maps fd's page (not inherited by fork); NULL with errno on failure. */
struct gofer_shared *gofer_shared_map(int fd);
void gofer_shared_unmap(struct gofer_shared *sh);

/* The gofer: counts an answer that carries an fd (before sending it), then
 * the close of its own copy (after the close), waking a waiting client. */
void gofer_shared_sent(struct gofer_shared *sh);
void gofer_shared_released(struct gofer_shared *sh);

/* The client: returns once the gofer has closed every fd it sent (0),
 * -EPIPE when the gofer is gone (its end of sock closed) before that, or
 * -EPROTO when it broke the protocol (more closes than answers, or an
 * unasked message on sock). */
int gofer_shared_settle(struct gofer_shared *sh, int sock);

#endif
