/* SPDX-License-Identifier: Apache-2.0 */
/* Who is at the other end of a unix socket. Implements Linux syscall
 * getsockopt(2) for SOL_SOCKET's SO_PEERCRED, SO_PEERGROUPS and
 * SO_PEERPIDFD; the filter runs every other option natively.
 *
 * Linux records the process that calls connect(2) as the accepting side's
 * peer. The guest's connects to unix names are made for it, by the gofer
 * (a path, which resolves in the view) or the sentry (an abstract name,
 * read from guest memory): the kernel records one of them, outside the
 * guest's pid namespace. So the sentry records each connect of a stream or
 * seqpacket socket it or the gofer made: the connecting socket (inode and
 * SO_COOKIE), the guest process that asked and the effective ids and
 * groups it had, as Linux takes them at the connect. A read of one of the
 * options asks sock_diag, in the guest's network namespace, for the
 * inode of the socket's peer; a record of that socket, confirmed by its
 * cookie (an inode number alone could be a new socket's), answers. Every
 * other socket is asked natively on the sentry's copy, its pid given as the
 * guest's pid namespace numbers it. The guest cannot make a record say
 * anything but the truth: the sentry writes it from the notification's
 * caller and its /proc status, never from guest memory. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"
#include "syscalls/net.h"

#define ARG(i) (c->req->data.args[i])

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* NGROUPS_MAX: as many groups as a process may have. */
#define PEER_GROUPS_MAX 65536

#define PEER_RECORDS 1024
struct peer_record {
	uint64_t cookie; /* the connecting socket's SO_COOKIE; 0: empty */
	uint32_t ino;	 /* its inode, as sock_diag names a peer */
	pid_t tgid;	 /* the process that connected, as the host numbers it */
	pid_t vtgid;	 /* ... and as the guest does */
	uint64_t
		serial; /* its leader's task serial: a process that reused both numbers is not it */
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t groups[GOFER_MAX_GROUPS];
};
static struct peer_record records[PEER_RECORDS];
static size_t records_next;

/* SO_TYPE of a unix socket whose connect records a peer (stream,
 * seqpacket), else 0. */
static int peer_kind(int sock)
{
	int domain = 0, type = 0;
	socklen_t l = sizeof(domain);
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &l) < 0 || domain != AF_UNIX)
		return 0;
	l = sizeof(type);
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
		return 0;
	return type == SOCK_STREAM || type == SOCK_SEQPACKET ? type : 0;
}

void peercred_record(struct sc_ctx *c, int sock)
{
	struct stat st;
	uint64_t cookie = 0;
	socklen_t l = sizeof(cookie);
	struct creds cr;
	if (!peer_kind(sock) || fstat(sock, &st) < 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_COOKIE, &cookie, &l) < 0 || !cookie ||
	    task_read_creds(c->s, c->req->pid, &cr) < 0)
		return;
	task_vids(c->s, c->t);
	const struct task *leader = task_find(c->s, c->t->tgid);
	struct peer_record *r = &records[records_next++ % PEER_RECORDS];
	*r = (struct peer_record){
		.cookie = cookie,
		.ino = (uint32_t)st.st_ino,
		.tgid = c->t->tgid,
		.vtgid = c->t->vtgid,
		.serial = leader ? leader->serial : 0,
		.euid = cr.euid,
		.egid = cr.egid,
		.ngroups = cr.ngroups,
	};
	memcpy(r->groups, cr.groups, (size_t)cr.ngroups * sizeof(gid_t));
}

/* One sock_diag question about the unix socket ino (cookie: the kernel
 * answers only if it is that socket's; UINT64_MAX: any): 0, with the
 * peer's inode in *peer_ino when show asks for it (0: none), or -errno. */
static int diag_ask(int diag_fd, uint32_t ino, uint64_t cookie, uint32_t show, uint32_t *peer_ino)
{
	struct {
		struct nlmsghdr nh;
		struct unix_diag_req r;
	} req = {
		.nh = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST},
		.r = {.sdiag_family = AF_UNIX,
		      .udiag_states = UINT32_MAX,
		      .udiag_ino = ino,
		      .udiag_show = show,
		      .udiag_cookie = {(uint32_t)cookie, (uint32_t)(cookie >> 32)}},
	};
	/* The kernel answers within the send: nothing to wait for. */
	if (send(diag_fd, &req, sizeof(req), 0) < 0)
		return -errno;
	union {
		struct nlmsghdr nh;
		char buf[512];
	} ans;
	ssize_t n = recv(diag_fd, &ans, sizeof(ans), MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(&ans.nh, (size_t)n))
		return -EIO;
	if (ans.nh.nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(&ans.nh);
		return e->error ? e->error : -EIO;
	}
	if (ans.nh.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    ans.nh.nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
		return -EIO;
	if (peer_ino)
		*peer_ino = 0;
	const struct unix_diag_msg *m = NLMSG_DATA(&ans.nh);
	struct rtattr *a = (struct rtattr *)(void *)((char *)m + NLMSG_ALIGN(sizeof(*m)));
	unsigned int left = ans.nh.nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*m)));
	for (; peer_ino && RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			memcpy(peer_ino, RTA_DATA(a), sizeof(uint32_t));
	return 0;
}

/* The record of the connect that made sock's peer, or NULL: the peer's
 * inode from sock_diag, the newest record of it whose cookie the kernel
 * confirms. A peer closed since has no inode left to find. */
static const struct peer_record *record_of_peer(struct sentry *s, int sock)
{
	struct stat st;
	uint32_t peer = 0;
	if (s->diag_fd < 0 || !peer_kind(sock) || fstat(sock, &st) < 0 ||
	    diag_ask(s->diag_fd, (uint32_t)st.st_ino, UINT64_MAX, UDIAG_SHOW_PEER, &peer) < 0 ||
	    !peer)
		return NULL;
	for (size_t i = 1; i <= PEER_RECORDS; i++) {
		const struct peer_record *r = &records[(records_next - i) % PEER_RECORDS];
		if (r->cookie && r->ino == peer &&
		    diag_ask(s->diag_fd, peer, r->cookie, UDIAG_SHOW_NAME, NULL) == 0)
			return r;
	}
	return NULL;
}

/* A host pid as the guest's pid namespace numbers it: 0 for a process
 * outside it (the sentry, the gofer) or gone, as Linux gives a reader
 * that cannot see the process. */
static pid_t guest_pid(struct sentry *s, pid_t host_pid)
{
	struct task *t = host_pid > 0 ? task_find(s, host_pid) : NULL;
	if (!t)
		return 0;
	task_vids(s, t);
	return t->vtgid > 0 ? t->vtgid : 0;
}

/* SO_PEERCRED as the guest's pid namespace sees it. A peer the sentry
 * connected whose connecting socket is gone (so no record is found) shows
 * the sentry's ids: Linux's answer for no credentials (-1) is given
 * instead, never the sentry's own. */
static int peer_ucred(struct sentry *s, int sock, struct ucred *uc)
{
	const struct peer_record *r = record_of_peer(s, sock);
	if (r) {
		*uc = (struct ucred){.pid = r->vtgid, .uid = r->euid, .gid = r->egid};
		return 0;
	}
	socklen_t l = sizeof(*uc);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, uc, &l) < 0)
		return -errno;
	if (uc->pid > 0 && uc->pid == getpid())
		uc->uid = uc->gid = (uint32_t)-1;
	uc->pid = guest_pid(s, uc->pid);
	return 0;
}

/* SO_PEERGROUPS into groups (room for max, in gids): their count, or
 * -errno. When they do not fit, *need is the count. */
static int peer_groups(struct sentry *s, int sock, gid_t *groups, int max, int *need)
{
	const struct peer_record *r = record_of_peer(s, sock);
	if (r) {
		*need = r->ngroups;
		if (r->ngroups > max)
			return -ERANGE;
		memcpy(groups, r->groups, (size_t)r->ngroups * sizeof(gid_t));
		return r->ngroups;
	}
	struct ucred uc;
	socklen_t l = sizeof(uc);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &uc, &l) == 0 && uc.pid > 0 &&
	    uc.pid == getpid())
		return -ENODATA; /* the sentry's own, as for peer_ucred */
	l = (socklen_t)((size_t)max * sizeof(gid_t));
	if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, groups, &l) < 0) {
		*need = (int)(l / sizeof(gid_t));
		return -errno;
	}
	return (int)(l / sizeof(gid_t));
}

/* SO_PEERPIDFD: a pidfd (the sentry's) of the guest process at the other
 * end, or -errno. Never one of a process outside the guest: a peer that
 * is not a guest task any more reads as Linux 6.6 answers for a peer that
 * has exited (EINVAL). */
static int peer_pidfd(struct sentry *s, int sock)
{
	const struct peer_record *r = record_of_peer(s, sock);
	pid_t host_pid;
	if (r) {
		struct task *t = task_find(s, r->tgid);
		if (!t || t->serial != r->serial)
			return -EINVAL;
		task_vids(s, t);
		if (t->vtgid != r->vtgid)
			return -EINVAL;
		host_pid = r->tgid;
	} else {
		/* The kernel's answer to a socket without a peer (ENODATA,
		 * ENOTSOCK, ...) first. */
		int fd;
		socklen_t l = sizeof(fd);
		if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &fd, &l) < 0)
			return -errno;
		close(fd);
		struct ucred uc;
		l = sizeof(uc);
		if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &uc, &l) < 0)
			return -errno;
		if (!task_find(s, uc.pid))
			return -EINVAL;
		host_pid = uc.pid;
	}
	/* The sentry is the task's tracer and reaps it: while it is in the
	 * table its pid names it. */
	int pidfd = sys_pidfd_open(host_pid, 0);
	return pidfd < 0 ? -sentry_fd_errno(errno) : pidfd;
}

/* The option's value out to the guest, as sk_getsockopt copies it: at
 * most the length it asked for, and the length written back. */
static int copy_out(struct sc_ctx *c, const void *val, int len)
{
	if (guest_write(c->req->pid, ARG(3), val, (size_t)len) < 0 ||
	    guest_write(c->req->pid, ARG(4), &len, sizeof(len)) < 0)
		return -EFAULT;
	return 0;
}

/* SO_PEERGROUPS as sk_getsockopt answers it: ERANGE with the length
 * needed when the guest's is short, else the groups and their length. */
static int copy_groups(struct sc_ctx *c, int sock, int len)
{
	int max = PEER_GROUPS_MAX, need = 0;
	_cleanup_free_ gid_t *groups = xcalloc((size_t)max, sizeof(gid_t));
	int n = peer_groups(c->s, sock, groups, max, &need);
	if (n == -ERANGE) {
		int need_len = need * (int)sizeof(gid_t);
		return guest_write(c->req->pid, ARG(4), &need_len, sizeof(need_len)) < 0 ? -EFAULT
											 : -ERANGE;
	}
	if (n < 0)
		return n;
	int bytes = n * (int)sizeof(gid_t);
	if (len < bytes) {
		return guest_write(c->req->pid, ARG(4), &bytes, sizeof(bytes)) < 0 ? -EFAULT
										   : -ERANGE;
	}
	return copy_out(c, groups, bytes);
}

/* SO_PEERPIDFD: the pidfd installed in the guest and its number written
 * out, or -errno. */
static int copy_pidfd(struct sc_ctx *c, int sock, int len)
{
	int n = len < (int)sizeof(int) ? len : (int)sizeof(int);
	/* Where the fd number goes must take it before the fd is installed:
	 * Linux installs none when the copy fails. */
	int none = -1;
	if (copy_out(c, &none, n) < 0)
		return -EFAULT;
	int pidfd = peer_pidfd(c->s, sock);
	if (pidfd < 0)
		return pidfd;
	struct seccomp_notif_addfd a = {
		.id = c->req->id,
		.srcfd = (uint32_t)pidfd,
		.newfd_flags = O_CLOEXEC, /* pidfds always are */
	};
	int guest_fd = sentry_addfd(c->s, &a);
	int err = errno;
	close(pidfd);
	if (guest_fd < 0)
		return err == ENOENT ? -ESRCH : -err;
	return copy_out(c, &guest_fd, n);
}

/* One of the three options of the guest's fd: 0 or -errno. */
static int peer_option(struct sc_ctx *c, int opt)
{
	if (opath_guest_flags(c->s, (pid_t)c->req->pid, (int)ARG(0)) >= 0)
		return -EBADF;
	int len;
	if (guest_read(c->req->pid, ARG(4), &len, sizeof(len)) < 0)
		return -EFAULT;
	int sock = guest_getfd(c, (int)ARG(0));
	if (sock < 0)
		return sock;
	_cleanup_close_ int sock_owned = sock;
	if (len < 0)
		return -EINVAL;
	if (!notif_valid(c))
		return -ESRCH;
	if (opt == SO_PEERGROUPS)
		return copy_groups(c, sock, len);
	if (opt == SO_PEERPIDFD)
		return copy_pidfd(c, sock, len);
	struct ucred uc;
	int r = peer_ucred(c->s, sock, &uc);
	return r < 0 ? r : copy_out(c, &uc, len < (int)sizeof(uc) ? len : (int)sizeof(uc));
}

int sys_getsockopt(struct sc_ctx *c)
{
	int opt = (int)ARG(2);
	/* Others reach here too (levels the guest's sockets seldom use,
	 * registers with bits above an int's, which the kernel ignores:
	 * syscalls/table.c): the kernel answers them. The decision reads
	 * registers only, so CONTINUE is safe. */
	if ((int)ARG(1) != SOL_SOCKET ||
	    (opt != SO_PEERCRED && opt != SO_PEERGROUPS && opt != SO_PEERPIDFD))
		c->cont = true;
	else
		c->error = peer_option(c, opt);
	return 0;
}
