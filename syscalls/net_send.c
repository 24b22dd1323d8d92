/* SPDX-License-Identifier: Apache-2.0 */
/* Sends that may name a destination. Implements Linux syscalls sendto(2),
 * sendmsg(2) and sendmmsg(2) for the calls the guest filter traps: sendto
 * with an address or MSG_FASTOPEN, and every sendmsg and sendmmsg (BPF
 * cannot read their headers). A unix datagram sent to a path reaches the
 * socket file in the view, as connect(2) does.
 *
 * The sentry copies each header, address, data and control message out of
 * guest memory once, decides every destination on its copy as connect(2)
 * is decided (net.c), and sends the copy itself on the guest's socket,
 * fetched with pidfd_getfd. Nothing is read from guest memory after the
 * decision and the call is never CONTINUEd: a guest thread that rewrites
 * the address or swaps the fd meanwhile changes nothing that is sent. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/policy.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"
#include "syscalls/net.h"

#define ARG(i) (c->req->data.args[i])

/* How much one call copies. A datagram above the bound is EMSGSIZE
 * (Linux's own limits are lower: 65507 bytes for UDP, the send buffer for
 * unix datagrams); a stream gets a short send, as a signal would give. */
#define SEND_DGRAM_MAX	 (1u << 20)
#define SEND_STREAM_MAX	 (256u << 10)
#define SEND_CONTROL_MAX 65536 /* more than net.core.optmem_max: ENOBUFS */
#define SEND_FDS_MAX	 253   /* SCM_MAX_FD */

/* One message, copied. */
struct send_msg {
	struct sockaddr_storage name;
	socklen_t namelen;
	bool has_name;
	char *data;
	size_t len;
	char *control;
	size_t controllen;
	int dest_fd;	/* a unix path destination, resolved (-1: none) */
	bool has_creds; /* carries SCM_CREDENTIALS */
};

/* One trapped call: the copies, and what a deferred wait needs. */
struct send_op {
	int sock; /* the guest's socket, owned */
	int domain;
	int type;
	int flags; /* the guest's flags */
	bool is_sendto;
	bool mmsg;
	uint64_t vec_vaddr; /* sendmmsg: the guest's array, for msg_len */
	unsigned int n;	    /* messages to send */
	unsigned int nm;    /* messages copied (or allocated) */
	struct send_msg *m;
	struct mmsghdr *hdr;
	struct iovec *iov;
	int procfd;	       /* the host's /proc while a destination is a path in it */
	int fds[SEND_FDS_MAX]; /* SCM_RIGHTS fds fetched from the guest */
	size_t nfds;
	uint64_t deadline_ns;
};

static void op_free(void *arg)
{
	struct send_op *op = arg;
	if (op->sock >= 0)
		close(op->sock);
	for (size_t i = 0; i < op->nfds; i++)
		close(op->fds[i]);
	for (unsigned int i = 0; op->m && i < op->nm; i++) {
		if (op->m[i].dest_fd >= 0)
			close(op->m[i].dest_fd);
		free(op->m[i].data);
		free(op->m[i].control);
	}
	free(op->m);
	free(op->hdr);
	free(op->iov);
	free(op);
}

/* What each socket the guest sent on is: its domain and type, which never
 * change, by its cookie (SO_COOKIE: a number the kernel gives one socket
 * and never another while it runs, where fd and inode numbers are reused).
 * A guest fd closed and taken again by another socket, a dup, a socket
 * passed in over a unix socket: each is known by the socket itself, so a
 * kind found here is always that socket's, and whether a destination is
 * decided never rests on a stale entry. One getsockopt then replaces two on
 * every send but a socket's first; an entry another socket took over costs
 * those two again. */
#define SOCK_KINDS 512
static struct sock_kind {
	uint64_t cookie; /* 0: empty (the kernel's cookies start at 1) */
	int domain;
	int type;
} sock_kinds[SOCK_KINDS];

static int sock_kind(int sock, int *domain, int *type)
{
	uint64_t cookie = 0;
	socklen_t l = sizeof(cookie);
	if (getsockopt(sock, SOL_SOCKET, SO_COOKIE, &cookie, &l) < 0) {
		if (errno == ENOTSOCK)
			return -ENOTSOCK;
		cookie = 0;
	}
	/* Cookies are handed out in order: their low bits spread. */
	struct sock_kind *k = &sock_kinds[cookie % SOCK_KINDS];
	if (cookie && k->cookie == cookie) {
		*domain = k->domain;
		*type = k->type;
		return 0;
	}
	l = sizeof(*domain);
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, domain, &l) < 0)
		return -errno; /* ENOTSOCK */
	l = sizeof(*type);
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, type, &l) < 0)
		return -errno;
	if (cookie)
		*k = (struct sock_kind){.cookie = cookie, .domain = *domain, .type = *type};
	return 0;
}

/* The guest's socket and what it is. */
static int op_open(struct sc_ctx *c, struct send_op *op, unsigned int n)
{
	op->procfd = -1;
	op->sock = guest_getfd(c, (int)ARG(0));
	if (op->sock < 0)
		return op->sock;
	int r = sock_kind(op->sock, &op->domain, &op->type);
	if (r < 0)
		return r;
	op->n = n;
	op->nm = n;
	op->m = xcalloc(n ? n : 1, sizeof(*op->m));
	for (unsigned int i = 0; i < (n ? n : 1); i++)
		op->m[i].dest_fd = -1;
	return 0;
}

static int copy_name(struct sc_ctx *c, uint64_t vaddr, int64_t len, struct send_msg *m)
{
	if (len < 0 || (uint64_t)len > sizeof(m->name))
		return -EINVAL;
	int r = guest_read(c->req->pid, vaddr, &m->name, (size_t)len);
	if (r < 0)
		return r;
	m->namelen = (socklen_t)len;
	m->has_name = true;
	return 0;
}

/* The bytes of iov (guest addresses) into one buffer of the sentry. */
static int copy_data(struct sc_ctx *c, const struct send_op *op, const struct iovec *iov,
		     size_t niov, struct send_msg *m)
{
	size_t total = 0;
	for (size_t i = 0; i < niov; i++) {
		if ((ssize_t)iov[i].iov_len < 0 || iov[i].iov_len > (size_t)INT_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	if (op->type == SOCK_STREAM)
		total = total < SEND_STREAM_MAX ? total : SEND_STREAM_MAX;
	else if (total > SEND_DGRAM_MAX)
		return -EMSGSIZE;
	m->data = xmalloc(total ? total : 1);
	size_t done = 0;
	for (size_t i = 0; i < niov && done < total; i++) {
		size_t n = iov[i].iov_len < total - done ? iov[i].iov_len : total - done;
		int r = n ? guest_read(c->req->pid, (uint64_t)(uintptr_t)iov[i].iov_base,
				       m->data + done, n)
			  : 0;
		if (r < 0)
			return r;
		done += n;
	}
	m->len = total;
	return 0;
}

/* SCM_CREDENTIALS: the guest speaks for itself as Linux lets it
 * (scm_check_creds): its own pid, its real or effective ids, other ids of
 * the guest's namespace with CAP_SETUID or CAP_SETGID. The sentry sends
 * the message, so the pid becomes the host's number of the same process
 * (the receiving kernel shows it in the receiver's namespace). Another
 * process's pid, which Linux grants CAP_SYS_ADMIN: EPERM. */
#define CAP_SETGID_BIT (1ULL << 6)
#define CAP_SETUID_BIT (1ULL << 7)
static int fix_creds(struct sc_ctx *c, struct cmsghdr *cm)
{
	struct ucred uc;
	if (cm->cmsg_len != CMSG_LEN(sizeof(uc)))
		return -EINVAL;
	memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
	if (uc.uid >= GUEST_ID_COUNT || uc.gid >= GUEST_ID_COUNT)
		return -EINVAL;
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	bool uid_ok = uc.uid == cr.ruid || uc.uid == cr.euid || (cr.cap_eff & CAP_SETUID_BIT);
	bool gid_ok = uc.gid == cr.rgid || uc.gid == cr.egid || (cr.cap_eff & CAP_SETGID_BIT);
	task_vids(c->s, c->t);
	if (c->t->vtgid <= 0 || uc.pid != c->t->vtgid || !uid_ok || !gid_ok)
		return -EPERM;
	uc.pid = c->t->tgid;
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	return 0;
}

/* SCM_RIGHTS names fds of the guest: each becomes the sentry's copy of that
 * fd. The walk is the kernel's (__scm_send), and a control message the
 * kernel would refuse is refused here first, so no fd number of the guest
 * ever reaches the kernel as one of the sentry's. SCM_CREDENTIALS is
 * checked for the guest (fix_creds). */
static int fix_control(struct sc_ctx *c, struct send_op *op, struct send_msg *m)
{
	size_t off = 0;
	while (off + sizeof(struct cmsghdr) <= m->controllen) {
		struct cmsghdr *cm = (struct cmsghdr *)(void *)(m->control + off);
		if (cm->cmsg_len < sizeof(*cm) || cm->cmsg_len > m->controllen - off)
			return -EINVAL;
		/* Other families ignore SCM_CREDENTIALS (__sock_cmsg_send). */
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS &&
		    op->domain == AF_UNIX) {
			int r = fix_creds(c, cm);
			if (r < 0)
				return r;
			m->has_creds = true;
		}
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			if (op->domain != AF_UNIX)
				return -EINVAL;
			size_t nfd = (cm->cmsg_len - sizeof(*cm)) / sizeof(int);
			unsigned char *p = CMSG_DATA(cm);
			for (size_t i = 0; i < nfd; i++) {
				int gfd;
				memcpy(&gfd, p + i * sizeof(int), sizeof(int));
				if (op->nfds == SEND_FDS_MAX)
					return -EINVAL;
				int fd = guest_getfd(c, gfd);
				if (fd < 0)
					return fd == -ESRCH ? fd : -EBADF;
				op->fds[op->nfds++] = fd;
				memcpy(p + i * sizeof(int), &fd, sizeof(int));
			}
		}
		off += CMSG_ALIGN(cm->cmsg_len);
	}
	return 0;
}

/* One guest msghdr (already read) into m. */
static int copy_msg(struct sc_ctx *c, struct send_op *op, const struct msghdr *um,
		    struct send_msg *m)
{
	int r;
	if (um->msg_name && um->msg_namelen) {
		int64_t nl = (int32_t)um->msg_namelen;
		/* sendmsg(2) clamps a long name; sendto(2) refuses it. */
		if (nl > (int64_t)sizeof(m->name))
			nl = sizeof(m->name);
		r = copy_name(c, (uint64_t)(uintptr_t)um->msg_name, nl, m);
		if (r < 0)
			return r;
	}
	if (um->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	_cleanup_free_ struct iovec *iov =
		xcalloc(um->msg_iovlen ? um->msg_iovlen : 1, sizeof(*iov));
	if (um->msg_iovlen) {
		r = guest_read(c->req->pid, (uint64_t)(uintptr_t)um->msg_iov, iov,
			       um->msg_iovlen * sizeof(*iov));
		if (r < 0)
			return r;
	}
	r = copy_data(c, op, iov, um->msg_iovlen, m);
	if (r < 0)
		return r;
	if (um->msg_controllen > INT_MAX || um->msg_controllen > SEND_CONTROL_MAX)
		return -ENOBUFS;
	if (um->msg_controllen) {
		m->controllen = um->msg_controllen;
		m->control = xcalloc(1, m->controllen);
		r = guest_read(c->req->pid, (uint64_t)(uintptr_t)um->msg_control, m->control,
			       m->controllen);
		if (r < 0)
			return r;
		return fix_control(c, op, m);
	}
	return 0;
}

/* A unix datagram sent to a path: the guest's names resolve in the view,
 * not in the guest's empty mount namespace. The socket file, decided and
 * resolved as connect(2) resolves it, is named by the sentry's own fd of
 * it, self/fd/N relative to the host's /proc, the sentry's working
 * directory for the send alone (its root is empty). Stream sockets
 * refuse a name and seqpacket ones ignore it: the kernel answers them. */
static int resolve_unix_dest(struct sc_ctx *c, struct send_op *op, struct send_msg *m)
{
	if (op->domain != AF_UNIX || op->type != SOCK_DGRAM || !m->has_name ||
	    !net_unix_path(&m->name, m->namelen))
		return 0;
	int fd = net_unix_dest(c, op->sock, &m->name, m->namelen);
	if (fd < 0)
		return fd;
	m->dest_fd = fd;
	op->procfd = c->s->host_procfd;
	struct sockaddr_un *sun = (struct sockaddr_un *)&m->name;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	int n = snprintf(sun->sun_path, sizeof(sun->sun_path), "self/fd/%d", fd);
	m->namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
	return 0;
}

/* A unix message carries its sender's credentials to a receiver that set
 * SO_PASSCRED: Linux gives the caller's pid and real ids unless the
 * message names its own (scm_send). The sentry sends it, so it names the
 * guest's explicitly, or the receiver would see the sentry. */
static int add_own_creds(struct sc_ctx *c, struct send_msg *m)
{
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	struct ucred uc = {.pid = c->t->tgid, .uid = cr.ruid, .gid = cr.rgid};
	size_t at = CMSG_ALIGN(m->controllen);
	char *control = xcalloc(1, at + CMSG_SPACE(sizeof(uc)));
	if (m->controllen)
		memcpy(control, m->control, m->controllen);
	struct cmsghdr *cm = (struct cmsghdr *)(void *)(control + at);
	cm->cmsg_len = CMSG_LEN(sizeof(uc));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	free(m->control);
	m->control = control;
	m->controllen = at + CMSG_SPACE(sizeof(uc));
	m->has_creds = true;
	return 0;
}

/* The policy's word on one message's destination. A stream socket ignores
 * the address unless MSG_FASTOPEN connects with it; unix sockets stay in
 * the guest's namespaces, their paths in the view. Without network mode
 * egress the guest's namespace holds only loopback: the kernel answers. */
static int decide_msg(struct sc_ctx *c, struct send_op *op, struct send_msg *m)
{
	if (op->domain == AF_UNIX) {
		int r = m->has_creds ? 0 : add_own_creds(c, m);
		return r < 0 ? r : resolve_unix_dest(c, op, m);
	}
	if (!m->has_name || (op->domain != AF_INET && op->domain != AF_INET6))
		return 0;
	if (!c->s->policy || policy_net_mode(c->s->policy) != POLICY_NET_EGRESS)
		return 0;
	if (op->type == SOCK_STREAM && !(op->flags & MSG_FASTOPEN))
		return 0;
	struct sockaddr_storage ss = m->name;
	/* An IPv4 datagram socket takes AF_UNSPEC as AF_INET (udp_sendmsg). */
	if (ss.ss_family == AF_UNSPEC && op->domain == AF_INET)
		ss.ss_family = AF_INET;
	return net_decide(c, &ss, m->namelen, "send");
}

static int send_here(struct send_op *op);

/* The sentry's working directory: its empty root, or the host's /proc
 * while a send names a destination in it. */
static int sentry_cwd(int procfd)
{
	static int root = -1;
	if (root < 0)
		root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	return fchdir(procfd >= 0 ? procfd : root) < 0 ? -errno : 0;
}

/* The send itself, never waiting: a count (messages for sendmmsg, bytes
 * otherwise) or -errno. */
static int send_now(struct send_op *op)
{
	if (op->procfd < 0)
		return send_here(op);
	int r = sentry_cwd(op->procfd);
	if (r == 0)
		r = send_here(op);
	if (sentry_cwd(-1) < 0)
		die_errno("returning to the sentry's root");
	return r;
}

static int send_here(struct send_op *op)
{
	int flags = op->flags | MSG_DONTWAIT | MSG_NOSIGNAL;
	ssize_t r;
	/* sendto's message may carry the guest's credentials (add_own_creds). */
	if (op->is_sendto && !op->m[0].controllen) {
		struct send_msg *m = &op->m[0];
		r = sendto(op->sock, m->data, m->len, flags,
			   m->has_name ? (struct sockaddr *)&m->name : NULL,
			   m->has_name ? m->namelen : 0);
		return r < 0 ? -errno : (int)r;
	}
	if (!op->hdr) {
		op->hdr = xcalloc(op->n, sizeof(*op->hdr));
		op->iov = xcalloc(op->n, sizeof(*op->iov));
	}
	for (unsigned int i = 0; i < op->n; i++) {
		struct send_msg *m = &op->m[i];
		struct msghdr *h = &op->hdr[i].msg_hdr;
		op->iov[i] = (struct iovec){.iov_base = m->data, .iov_len = m->len};
		*h = (struct msghdr){
			.msg_name = m->has_name ? &m->name : NULL,
			.msg_namelen = m->has_name ? m->namelen : 0,
			.msg_iov = &op->iov[i],
			.msg_iovlen = 1,
			.msg_control = m->control,
			.msg_controllen = m->controllen,
		};
	}
	if (op->mmsg)
		r = sendmmsg(op->sock, op->hdr, op->n, flags);
	else
		r = sendmsg(op->sock, &op->hdr[0].msg_hdr, flags);
	return r < 0 ? -errno : (int)r;
}

/* The answer, as Linux gives it: sendmmsg's msg_len of each message sent,
 * SIGPIPE for a broken stream without MSG_NOSIGNAL. */
static void send_finish(struct sc_ctx *c, struct send_op *op, int r)
{
	if (r == -EPIPE && !(op->flags & MSG_NOSIGNAL))
		(void)syscall(SYS_tgkill, c->t->tgid, (pid_t)c->req->pid, SIGPIPE);
	for (int i = 0; op->mmsg && i < r; i++) {
		uint64_t at = op->vec_vaddr + (uint64_t)i * sizeof(struct mmsghdr) +
			      offsetof(struct mmsghdr, msg_len);
		(void)guest_write(c->req->pid, at, &op->hdr[i].msg_len, sizeof(unsigned int));
	}
	c->error = r < 0 ? r : 0;
	c->val = r < 0 ? 0 : r;
}

static bool guest_waits(const struct send_op *op)
{
	int fl = fcntl(op->sock, F_GETFL);
	return fl >= 0 && !(fl & O_NONBLOCK) && !(op->flags & MSG_DONTWAIT);
}

/* A blocking send retried each tick until the socket takes it (or
 * SO_SNDTIMEO ends the wait with EAGAIN, as Linux does). */
static bool send_poll(struct sc_ctx *c, void *arg)
{
	struct send_op *op = arg;
	int r = send_now(op);
	if (r == -EAGAIN && (!op->deadline_ns || mono_ns() < op->deadline_ns))
		return false;
	send_finish(c, op, r);
	op_free(op);
	return true;
}

/* Sends the first n messages of op (all decided), waiting as the guest's
 * socket would without blocking the sentry's loop. Owns op. */
static int send_run(struct sc_ctx *c, struct send_op *op, unsigned int n)
{
	op->n = n;
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		op_free(op);
		return 0;
	}
	int r = send_now(op);
	bool tfo_wait = r == -EINPROGRESS && op->type == SOCK_STREAM && guest_waits(op);
	if ((r != -EAGAIN || !guest_waits(op)) && !tfo_wait) {
		send_finish(c, op, r);
		op_free(op);
		return 0;
	}
	if (tfo_wait) {
		/* The SYN left without the data (no Fast Open cookie yet):
		 * a blocking send waits for the connection, then sends. */
		op->flags &= ~MSG_FASTOPEN;
		op->m[0].has_name = false;
	}
	op->deadline_ns = send_deadline(op->sock);
	sentry_defer(c, send_poll, op_free, op);
	if (op->deadline_ns)
		sentry_defer_intr_error(-EINTR);
	return SC_DEFER;
}

int sys_sendto(struct sc_ctx *c)
{
	struct send_op *op = xcalloc(1, sizeof(*op));
	op->is_sendto = true;
	op->flags = (int)ARG(3);
	int r = op_open(c, op, 1);
	struct send_msg *m = op->m;
	if (r == 0 && ARG(4))
		r = copy_name(c, ARG(4), (int32_t)ARG(5), m);
	if (r == 0) {
		struct iovec iov = {.iov_base = (void *)(uintptr_t)ARG(1),
				    .iov_len = ARG(2) > INT_MAX ? INT_MAX : ARG(2)};
		r = copy_data(c, op, &iov, 1, m);
	}
	if (r == 0)
		r = decide_msg(c, op, m);
	if (r < 0) {
		c->error = r;
		op_free(op);
		return 0;
	}
	return send_run(c, op, 1);
}

int sys_sendmsg(struct sc_ctx *c)
{
	struct send_op *op = xcalloc(1, sizeof(*op));
	op->flags = (int)ARG(2);
	struct msghdr um;
	int r = op_open(c, op, 1);
	if (r == 0)
		r = guest_read(c->req->pid, ARG(1), &um, sizeof(um));
	if (r == 0)
		r = copy_msg(c, op, &um, &op->m[0]);
	if (r == 0)
		r = decide_msg(c, op, &op->m[0]);
	if (r < 0) {
		c->error = r;
		op_free(op);
		return 0;
	}
	return send_run(c, op, 1);
}

/* Each message is copied and decided in turn; the first that fails (a
 * refused destination, a bad header) ends the batch there: the messages
 * before it are sent and counted, as Linux counts them, and the failure is
 * the answer only when it is the first message's. */
int sys_sendmmsg(struct sc_ctx *c)
{
	unsigned int vlen = (unsigned int)ARG(2);
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	struct send_op *op = xcalloc(1, sizeof(*op));
	op->flags = (int)ARG(3);
	op->mmsg = true;
	op->vec_vaddr = ARG(1);
	int r = op_open(c, op, vlen);
	unsigned int ok = 0;
	while (r == 0 && ok < vlen) {
		struct mmsghdr uh;
		r = guest_read(c->req->pid, op->vec_vaddr + (uint64_t)ok * sizeof(uh), &uh,
			       sizeof(uh));
		if (r == 0)
			r = copy_msg(c, op, &uh.msg_hdr, &op->m[ok]);
		if (r == 0)
			r = decide_msg(c, op, &op->m[ok]);
		if (r == 0)
			ok++;
	}
	if (ok == 0) {
		c->error = r;
		op_free(op);
		return 0;
	}
	return send_run(c, op, ok);
}
