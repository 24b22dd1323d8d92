/* SPDX-License-Identifier: Apache-2.0 */
/* Who is at the other end of a unix socket. Implements Linux syscall
 * getsockopt(2) for SOL_SOCKET's SO_PEERCRED, SO_PEERGROUPS and
 * SO_PEERPIDFD; the filter runs every other option natively.
 *
 * Linux records the process that calls connect(2) as the accepting side's
 * peer, and keeps that record as long as the accepted socket lives. The
 * guest's connects to unix names are made for it, by the gofer (a path,
 * which resolves in the view) or the sentry (an abstract name, read from
 * guest memory): the kernel records one of them, outside the guest's pid
 * namespace. So each such connect runs with a tag of the sentry's as its
 * effective gid (the fs ids, which the connect's checks use, stay the
 * guest's), and the sentry records under that tag the guest process that
 * asked, a pidfd of it and the effective ids and groups it had, as Linux
 * takes them at the connect. The kernel keeps the tag with the accepted
 * socket whatever the connecting socket and process do later: a read of
 * one of the options asks the kernel for the peer's credentials, and a
 * peer made by the sentry or the gofer with a tag of a record is that
 * record's. Every other socket is asked natively on the sentry's copy,
 * its pid given as the guest's pid namespace numbers it.
 *
 * The guest cannot make a record say anything but the truth, nor a socket
 * name a record not its own: the sentry writes a record from the
 * notification's caller and its /proc status, never from guest memory; a
 * tag is used once, and only the sentry and the gofer connect with one
 * (the guest's own sockets have their maker as peer, a guest process). */
#include <errno.h>
#include <fcntl.h>
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

/* The newest records, each in the slot its tag names. */
#define PEER_RECORDS 1024
struct peer_record {
	uint32_t tag;	/* 0: empty */
	ino_t conn_ino; /* the connecting socket's inode */
	int pidfd;	/* the process that connected (the sentry's), or -1 */
	pid_t vtgid;	/* its pid, as the guest numbers it */
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t groups[GOFER_MAX_GROUPS];
};
static struct peer_record records[PEER_RECORDS];
/* Tags run from PEER_TAG_FIRST up to PEER_TAG_LAST, skipping the sentry's
 * own egid (a connect it could not tag carries that); once they have run
 * out, connects carry PEER_TAG_NONE, which no record has. They lie above
 * every gid a host gives its groups and users (2^31 and up): a host
 * process accepting a connect the sandbox made for the guest (a socket of
 * a volume) sees a gid that names none of the host's groups. */
#define PEER_TAG_FIRST 0x80000000u
#define PEER_TAG_NONE  (UINT32_MAX - 1)
#define PEER_TAG_LAST  (UINT32_MAX - 2)
static uint32_t tag_last = PEER_TAG_FIRST - 1;

/* The sentry's effective gid, which it changes only around a connect. */
static gid_t own_egid(void)
{
	static gid_t own = (gid_t)-1;
	if (own == (gid_t)-1)
		own = getegid();
	return own;
}

uint32_t peercred_tag(void)
{
	uint32_t own = (uint32_t)own_egid();
	if (tag_last >= PEER_TAG_LAST)
		return PEER_TAG_NONE;
	if (++tag_last == own && tag_last < PEER_TAG_LAST)
		tag_last++;
	return tag_last == own ? PEER_TAG_NONE : tag_last;
}

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

int peercred_connect(int sock, const struct sockaddr *sa, socklen_t len, uint32_t tag)
{
	gid_t own = own_egid();
	/* Per thread, as the kernel keeps ids: the raw call, not libc's. */
	bool tagged = syscall(SYS_setresgid, -1, (gid_t)tag, -1) == 0;
	int r = connect(sock, sa, len) < 0 ? -errno : 0;
	if (tagged && syscall(SYS_setresgid, -1, own, -1) < 0)
		die_errno("restoring the sentry's effective gid");
	return r;
}

void peercred_record(struct sc_ctx *c, int sock, uint32_t tag)
{
	struct creds cr;
	struct stat st;
	if (tag < PEER_TAG_FIRST || tag > PEER_TAG_LAST || !peer_kind(sock) ||
	    fstat(sock, &st) < 0 || task_read_creds(c->s, c->req->pid, &cr) < 0)
		return;
	task_vids(c->s, c->t);
	struct peer_record *r = &records[tag % PEER_RECORDS];
	if (r->tag && r->pidfd >= 0)
		close(r->pidfd);
	/* The sentry reaps the caller, which is waiting for this answer:
	 * its pid names it. */
	*r = (struct peer_record){
		.tag = tag,
		.conn_ino = st.st_ino,
		.pidfd = sys_pidfd_open(c->t->tgid, 0),
		.vtgid = c->t->vtgid,
		.euid = cr.euid,
		.egid = cr.egid,
		.ngroups = cr.ngroups,
	};
	memcpy(r->groups, cr.groups, (size_t)cr.ngroups * sizeof(gid_t));
	/* Read after the caller may have died and its pid been taken by
	 * another process (a connect answered from the deferred list): the
	 * record stands only if the call is still waiting. */
	if (!notif_valid(c)) {
		if (r->pidfd >= 0)
			close(r->pidfd);
		*r = (struct peer_record){.tag = 0, .pidfd = -1};
	}
}

/* The kernel's record of sock's peer, in *native (pid as the sentry's pid
 * namespace numbers it): 0 or -errno; *rec is the sentry's record of the
 * connect that made it, or NULL. *ours: the peer is the sentry or the
 * gofer (a connect made for the guest). */
static int peer_native(struct sentry *s, int sock, struct ucred *native,
		       const struct peer_record **rec, bool *ours)
{
	socklen_t l = sizeof(*native);
	*rec = NULL;
	*ours = false;
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, native, &l) < 0)
		return -errno;
	static pid_t sentry_pid;
	if (!sentry_pid)
		sentry_pid = getpid();
	*ours = native->pid > 0 && (native->pid == sentry_pid || native->pid == s->gofer_pid);
	uint32_t tag = native->gid;
	const struct peer_record *r = &records[tag % PEER_RECORDS];
	if (*ours && tag >= PEER_TAG_FIRST && tag <= PEER_TAG_LAST && r->tag == tag &&
	    peer_kind(sock))
		*rec = r;
	return 0;
}

ino_t peercred_connector(struct sentry *s, int sock)
{
	struct ucred uc;
	const struct peer_record *r;
	bool ours;
	return peer_native(s, sock, &uc, &r, &ours) == 0 && r ? r->conn_ino : 0;
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

/* SO_PEERCRED as the guest's pid namespace sees it. A peer the sandbox
 * connected whose record is gone (PEER_RECORDS newer connects took its
 * place) has pid 0 and ids -1, Linux's answer for no credentials, never
 * the sentry's or the gofer's own or a tag. */
static int peer_ucred(struct sentry *s, int sock, struct ucred *uc)
{
	const struct peer_record *r;
	bool ours;
	int err = peer_native(s, sock, uc, &r, &ours);
	if (err < 0)
		return err;
	if (r)
		*uc = (struct ucred){.pid = r->vtgid, .uid = r->euid, .gid = r->egid};
	else if (ours)
		*uc = (struct ucred){.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
	else
		uc->pid = guest_pid(s, uc->pid);
	return 0;
}

/* SO_PEERGROUPS into groups (room for max, in gids): their count, or
 * -errno. When they do not fit, *need is the count. */
static int peer_groups(struct sentry *s, int sock, gid_t *groups, int max, int *need)
{
	const struct peer_record *r;
	bool ours;
	struct ucred uc = {0};
	if (peer_native(s, sock, &uc, &r, &ours) == 0 && r) {
		*need = r->ngroups;
		if (r->ngroups > max)
			return -ERANGE;
		memcpy(groups, r->groups, (size_t)r->ngroups * sizeof(gid_t));
		return r->ngroups;
	}
	if (ours)
		return -ENODATA; /* as for peer_ucred */
	socklen_t l = (socklen_t)((size_t)max * sizeof(gid_t));
	if (getsockopt(sock, SOL_SOCKET, SO_PEERGROUPS, groups, &l) < 0) {
		*need = (int)(l / sizeof(gid_t));
		return -errno;
	}
	return (int)(l / sizeof(gid_t));
}

/* SO_PEERPIDFD: a pidfd (the sentry's) of the guest process at the other
 * end, or -errno. A recorded peer's is the pidfd the sentry opened at the
 * connect: like the kernel's, it names that process after it has exited
 * and been reaped. Never one of a process outside the guest: a peer that
 * is not a guest task reads as Linux 6.6 answers for a peer that has
 * exited (EINVAL). */
static int peer_pidfd(struct sentry *s, int sock)
{
	const struct peer_record *r;
	bool ours;
	struct ucred uc = {0};
	if (peer_native(s, sock, &uc, &r, &ours) == 0 && r) {
		if (r->pidfd < 0)
			return -EINVAL;
		int pidfd = fcntl(r->pidfd, F_DUPFD_CLOEXEC, 0);
		return pidfd < 0 ? -sentry_fd_errno(errno) : pidfd;
	}
	/* The kernel's answer to a socket without a peer (ENODATA,
	 * ENOTSOCK, ...) first. */
	int fd;
	socklen_t l = sizeof(fd);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &fd, &l) < 0)
		return -errno;
	close(fd);
	if (ours || !task_find(s, uc.pid))
		return -EINVAL;
	/* The sentry is the task's tracer and reaps it: while it is in the
	 * table its pid names it. */
	int pidfd = sys_pidfd_open(uc.pid, 0);
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
