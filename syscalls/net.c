/* SPDX-License-Identifier: Apache-2.0 */
/* Socket addresses. Implements Linux syscalls bind(2), connect(2),
 * getsockname(2) and getpeername(2): unix socket paths are resolved in the
 * view by the gofer, on the guest's own socket; other addresses are applied by the sentry to
 * the guest's socket, which lives in the guest's network namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/dns_bind.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sentry/audit.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "syscalls/handlers.h"
#include "syscalls/net.h"

#define ARG(i) (c->req->data.args[i])

/* The guest's network namespace is its own: loopback and the unspecified
 * address (which connects to loopback) reach only the sandbox. */
static bool addr_is_local(int family, const uint8_t *a)
{
	static const uint8_t zero[16];
	policy_addr_unmap(&family, &a);
	if (family == AF_INET)
		return a[0] == 127 || memcmp(a, zero, 4) == 0;
	return memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1);
}

/* ss names loopback or the unspecified address (IPv4 or IPv6). */
static bool net_addr_local(const struct sockaddr_storage *ss, socklen_t len)
{
	if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return addr_is_local(AF_INET,
				     (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr);
	if (ss->ss_family == AF_INET6 && len >= offsetof(struct sockaddr_in6, sin6_scope_id))
		return addr_is_local(AF_INET6,
				     ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr);
	return false;
}

int net_decide(struct sc_ctx *c, const struct sockaddr_storage *ss, socklen_t len,
	       const char *access)
{
	const struct policy_view *pv = c->s->policy;
	const uint8_t *addr;
	uint16_t port;
	int family = ss->ss_family;
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		addr = (const uint8_t *)&in->sin_addr;
		port = ntohs(in->sin_port);
	} else if (family == AF_INET6 && len >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
		/* Linux takes the 24 bytes of RFC 2133's sockaddr_in6 too. */
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		addr = in6->sin6_addr.s6_addr;
		port = ntohs(in6->sin6_port);
	} else {
		return 0; /* AF_UNSPEC, abstract names, short addresses: the kernel's */
	}
	if (!pv || addr_is_local(family, addr))
		return 0;
	uint32_t rule;
	char host[DNS_BIND_NAME_MAX + 1];
	bool ok =
		policy_net_allows_bound(pv, c->s->dns_table, dns_bind_size(DNS_BIND_SLOTS), family,
					addr, port, dns_bind_now_ns(), &rule, host, sizeof(host));
	if (!audit_wanted(c, ok))
		return ok ? 0 : policy_net_mode(pv) == POLICY_NET_EGRESS ? -EPERM : -ENETUNREACH;
	char text[INET6_ADDRSTRLEN], object[INET6_ADDRSTRLEN + 16];
	if (!inet_ntop(family, addr, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	snprintf(object, sizeof(object), family == AF_INET6 ? "[%s]:%u" : "%s:%u", text,
		 (unsigned)port);
	audit_net_decision(c, object, host, access, ok, rule);
	if (ok)
		return 0;
	return policy_net_mode(pv) == POLICY_NET_EGRESS ? -EPERM : -ENETUNREACH;
}

/* A connect the guest asked to wait for. */
struct conn_wait {
	int sock;
	int fl;		      /* the socket's file flags at the call (O_NONBLOCK clear) */
	bool retry;	      /* AF_UNIX with a full backlog: connect again each tick */
	bool watched;	      /* sock belongs to the loop's watch (sentry_defer_watch) */
	uint32_t tag;	      /* AF_UNIX: the connect's peercred tag */
	uint64_t start_ns;    /* when the call began (CLOCK_MONOTONIC) */
	bool deadline_read;   /* deadline_ns holds the socket's SO_SNDTIMEO's */
	uint64_t deadline_ns; /* start_ns + the socket's SO_SNDTIMEO, or 0 */
	socklen_t len;
	struct sockaddr_storage ss;
	struct gofer_req *req; /* a unix socket path: the gofer connects again */
	int dir;	       /* req's base directory (a copy of the cwd's fd), or -1 */
};

static void conn_drop(void *arg)
{
	struct conn_wait *w = arg;
	if (!w->watched)
		close(w->sock);
	if (w->dir >= 0)
		close(w->dir);
	free(w->req);
	free(w);
}

uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The socket's SO_SNDTIMEO in nanoseconds (0: none). */
static uint64_t send_timeout_ns(int sock)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);
	if (getsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, &l) < 0)
		return 0;
	return (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000ULL;
}

uint64_t send_deadline(int sock)
{
	uint64_t timeout_ns = send_timeout_ns(sock);
	return timeout_ns ? mono_ns() + timeout_ns : 0;
}

/* The wait's deadline (0: none), read from the socket the first time the
 * wait is found still going: most handshakes end before that, and their
 * connect needs no getsockopt. With a deadline, a signal ends the wait with
 * EINTR, as Linux's does; without, the call restarts under SA_RESTART. */
static uint64_t conn_deadline(struct conn_wait *w)
{
	if (!w->deadline_read) {
		uint64_t timeout_ns = send_timeout_ns(w->sock);
		w->deadline_ns = timeout_ns ? w->start_ns + timeout_ns : 0;
		w->deadline_read = true;
		if (w->deadline_ns)
			sentry_defer_intr_error(-EINTR);
	}
	return w->deadline_ns;
}

/* connect(2) without blocking the sentry: 0 done, or -errno (EINPROGRESS,
 * EALREADY and EAGAIN mean not yet). When it could wait, O_NONBLOCK is set
 * for the call and the flags fl put back. */
static int connect_once(int sock, int fl, bool can_wait, const struct sockaddr_storage *ss,
			socklen_t len, uint32_t tag)
{
	if (can_wait && fcntl(sock, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	int r = tag ? peercred_connect(sock, (const struct sockaddr *)ss, len, tag)
		: connect(sock, (const struct sockaddr *)ss, len) < 0 ? -errno
								      : 0;
	if (can_wait)
		(void)fcntl(sock, F_SETFL, fl);
	return r;
}

static bool not_yet(int r, const struct conn_wait *w)
{
	return w->retry ? r == -EAGAIN : r == -EINPROGRESS || r == -EALREADY;
}

/* A unix socket name the gofer redirected into /proc, where no socket can
 * be: what Linux answers there. bind (a final link not followed) finds the
 * name taken (EADDRINUSE) or cannot make it (ENOENT, as procfs's lookup
 * answers for a new name); connect and sendto find no socket at a name that
 * exists (ECONNREFUSED) and the lookup's error for one that does not. A
 * /proc link back into the view is not followed for sockets. */
static int unix_proc_error(struct sc_ctx *c, const struct gofer_resp *resp, bool bind_op)
{
	char rest[GOFER_PATH_MAX + 1];
	char view[PATH_MAX];
	struct stat st;
	if (resp->redirect == GOFER_REDIR_TTY)
		return bind_op ? -EADDRINUSE : -ECONNREFUSED; /* the terminal exists */
	if (resp->redirect != GOFER_REDIR_PROC || resp->data_len >= sizeof(rest))
		return -ECONNREFUSED;
	memcpy(rest, resp->data, resp->data_len);
	rest[resp->data_len] = 0;
	int r = procfs_stat_ex(c, rest, bind_op, &st, view, sizeof(view));
	if (r == PROCFS_REOPEN_PATH)
		return -ECONNREFUSED;
	if (r < 0)
		return r;
	return bind_op ? -EADDRINUSE : -ECONNREFUSED;
}

/* Tries the connect again: once the handshake has ended, connect(2) on the
 * socket returns what the blocking call would (0, or the error with the
 * socket left unconnected), and leaves the socket in Linux's state. */
static void peer_file_record(int sock, const struct stat *file);
static int unix_call(struct sc_ctx *c, struct gofer_req *req, int dir, int sock,
		     struct gofer_resp *resp, int *fd_out);

static bool conn_poll(struct sc_ctx *c, void *arg)
{
	struct conn_wait *w = arg;
	int r;
	if (w->req) {
		struct gofer_resp resp;
		r = unix_call(c, w->req, w->dir, w->sock, &resp, NULL);
		if (r == 0 && resp.redirect)
			r = unix_proc_error(c, &resp, false);
		if (r == 0)
			peer_file_record(w->sock, &resp.u.st);
	} else if (w->retry) {
		r = connect_once(w->sock, w->fl, true, &w->ss, w->len, w->tag);
	} else {
		/* A stream socket reports POLLOUT only once its handshake has
		 * ended: connect(2) then answers without waiting, and needs
		 * no O_NONBLOCK. Without it (an error, or not yet) the call
		 * is tried as at first, with the flags read at the call. What
		 * the loop's watch reported needs no poll(2) to learn again. */
		uint32_t ev = c->watch_events;
		struct pollfd p = {.fd = w->sock, .events = POLLOUT};
		if (!ev && poll(&p, 1, 0) == 1)
			ev = (p.revents & POLLOUT ? EPOLLOUT : 0) |
			     (p.revents & (POLLERR | POLLHUP) ? EPOLLERR : 0);
		if (ev & EPOLLOUT)
			r = connect(w->sock, (const struct sockaddr *)&w->ss, w->len) < 0 ? -errno
											  : 0;
		else if (ev & (EPOLLERR | EPOLLHUP))
			r = connect_once(w->sock, w->fl, true, &w->ss, w->len, w->tag);
		else
			r = -EALREADY;
	}
	if (not_yet(r, w)) {
		uint64_t deadline_ns = conn_deadline(w);
		if (!deadline_ns || mono_ns() < deadline_ns)
			return false;
		/* SO_SNDTIMEO ran out: Linux says EAGAIN for a unix socket,
		 * EINPROGRESS for TCP, and the connect goes on. */
		r = w->retry ? -EAGAIN : -EINPROGRESS;
	}
	if (r == 0 && (w->req || w->ss.ss_family == AF_UNIX))
		peercred_record(c, w->sock,
				w->req ? (uint32_t)w->req->arg[GOFER_ARG_PEER_TAG] : w->tag);
	c->error = r;
	conn_drop(w);
	return true;
}

/* connect(2) of the guest's socket (owned here) to an address the policy
 * allowed. A blocking socket's wait (a TCP handshake, a full listen
 * backlog) is deferred: the sentry's loop never waits on a peer. */
static int connect_nowait(struct sc_ctx *c, int sock, const struct sockaddr_storage *ss,
			  socklen_t len)
{
	/* A socket without O_NONBLOCK: the guest waits for the connect to
	 * end (a datagram socket's connect never waits, and gives the same
	 * answer with O_NONBLOCK set for the call). */
	int fl = fcntl(sock, F_GETFL);
	bool can_wait = fl >= 0 && !(fl & O_NONBLOCK);
	uint32_t tag = ss->ss_family == AF_UNIX ? peercred_tag() : 0;
	int r = fl < 0 ? -errno : connect_once(sock, fl, can_wait, ss, len, tag);
	struct conn_wait *w = xcalloc(1, sizeof(*w));
	w->sock = sock;
	w->tag = tag;
	w->dir = -1;
	w->fl = fl;
	w->start_ns = mono_ns();
	w->retry = ss->ss_family == AF_UNIX;
	w->len = len;
	memcpy(&w->ss, ss, sizeof(w->ss));
	if (!can_wait || !not_yet(r, w)) {
		if (r == 0 && ss->ss_family == AF_UNIX)
			peercred_record(c, sock, tag);
		c->error = r;
		conn_drop(w);
		return 0;
	}
	/* Over loopback the handshake is often done already; to any other
	 * address (the route out is pasta) it takes a round trip, and the
	 * watch below reports it when it ends. */
	if (!w->retry && net_addr_local(ss, len) && conn_poll(c, w))
		return 0;
	sentry_defer(c, conn_poll, conn_drop, w);
	/* The poll only finishes the connect on the sentry's copy of the
	 * guest's socket. */
	sentry_defer_poll_first();
	/* The handshake's end makes the socket writable: answer then, not
	 * at the next tick. */
	w->watched = sentry_defer_watch(sock, EPOLLOUT);
	/* A deadline read above, before the wait was deferred (later ones
	 * set this in the poll). */
	if (w->deadline_ns)
		sentry_defer_intr_error(-EINTR);
	return SC_DEFER;
}

/* A port below the guest's network namespace's
 * net.ipv4.ip_unprivileged_port_start (1024 in every new one, where the
 * guest's /proc/sys cannot change it; a joined one's is read at start)
 * takes CAP_NET_BIND_SERVICE: EACCES otherwise, after the checks
 * inet_bind() and inet6_bind() make first (length, family; an IPv4
 * address that is not local comes first too and is left to the kernel's
 * order after this one). 0 to go on. */
#define CAP_NET_BIND_SERVICE_BIT (1ULL << 10)
static int bind_privileged_port(struct sc_ctx *c, const struct sockaddr_storage *ss, socklen_t len)
{
	uint16_t port;
	if (ss->ss_family == AF_INET6) {
		if (len < offsetof(struct sockaddr_in6, sin6_scope_id))
			return 0; /* the kernel's EINVAL */
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	} else if (ss->ss_family == AF_INET || ss->ss_family == AF_UNSPEC) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		if (len < sizeof(*in) ||
		    (ss->ss_family == AF_UNSPEC && in->sin_addr.s_addr != htonl(INADDR_ANY)))
			return 0; /* the kernel's EINVAL or EAFNOSUPPORT */
		port = ntohs(in->sin_port);
	} else {
		return 0;
	}
	if (port == 0 || port >= c->s->unpriv_port_start)
		return 0;
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	return cr.cap_eff & CAP_NET_BIND_SERVICE_BIT ? 0 : -EACCES;
}

/* The request naming a unix socket path as the guest gave it, with the
 * caller's credentials: 0 or -errno. A relative name resolves from the
 * task's cwd, as Linux's does (only the name's own components are
 * searched): *dir_out is then the cwd's fd (the sentry's), which goes to
 * the gofer before the socket; -1 otherwise. */
static int unix_req(struct sc_ctx *c, const struct sockaddr_un *sun, size_t len,
		    struct gofer_req *req, struct creds *cr, int *dir_out)
{
	*dir_out = -1;
	/* unix_validate_addr; a name may fill sun_path without a NUL. */
	if (len > sizeof(*sun))
		return -EINVAL;
	size_t plen = strnlen(sun->sun_path, len - offsetof(struct sockaddr_un, sun_path));
	char path[sizeof(sun->sun_path) + 1];
	memcpy(path, sun->sun_path, plen);
	path[plen] = 0;
	char abs[PATH_MAX + 64];
	const char *use;
	int dir = gofer_cwd_base(c, path, abs, sizeof(abs), &use);
	if (dir < -1)
		return dir;
	size_t use_len = strlen(use) + 1;
	if (use_len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	req->path_len = (uint32_t)use_len;
	memcpy(req->data, use, use_len);
	req->fd_mask = GOFER_FD_OBJ | (dir >= 0 ? GOFER_FD_DIR : 0);
	int r = task_read_creds(c->s, c->req->pid, cr);
	if (r < 0)
		return r;
	creds_to_req(cr, false, req);
	if (!notif_valid(c))
		return -ESRCH;
	*dir_out = dir;
	return 0;
}

/* The gofer's request of unix_req on the guest's socket sock, with the
 * directory dir (or -1) the name is relative to. */
static int unix_call(struct sc_ctx *c, struct gofer_req *req, int dir, int sock,
		     struct gofer_resp *resp, int *fd_out)
{
	int fds[2], n = 0;
	if (dir >= 0)
		fds[n++] = dir;
	fds[n++] = sock;
	return gofer_call(c->s, req, fds, n, resp, fd_out);
}

bool net_unix_path(const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;
	return len > offsetof(struct sockaddr_un, sun_path) && ss->ss_family == AF_UNIX &&
	       sun->sun_path[0] != 0;
}

int net_unix_dest(struct sc_ctx *c, int sock, const struct sockaddr_storage *ss, socklen_t len)
{
	struct gofer_req req = {.op = GOP_CONNECT, .flags = GOFER_CONNECT_DEST};
	struct gofer_resp resp;
	struct creds cr;
	int dir;
	int r = unix_req(c, (const struct sockaddr_un *)ss, len, &req, &cr, &dir);
	int fd = -1;
	if (r == 0)
		r = unix_call(c, &req, dir, sock, &resp, &fd);
	if (r == 0 && resp.redirect)
		r = unix_proc_error(c, &resp, false);
	if (r < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return r < 0 ? r : -EIO;
	}
	return fd;
}

/* The names guest sockets were bound to by path. The gofer binds a name
 * from inside its directory, so the kernel records only the last
 * component; getsockname(2) answers the path the guest gave. Keyed by the
 * socket's inode (sockfs numbers are not reused while the socket lives),
 * by the socket file made (a connect reaches the socket by it) and by that
 * file as sock_diag names it (the sockets accept(2) makes share it); the
 * oldest record makes room for a new one, and a record is used only while
 * the kernel's name is its last component. */
#define BOUND_NAMES 1024
struct bound_name {
	ino_t ino;
	dev_t file_dev; /* the socket file, or 0 */
	ino_t file_ino;
	struct unix_diag_vfs vfs; /* the socket file, as sock_diag names it; or 0 */
	socklen_t len;		  /* of the sockaddr_un, as Linux gives it */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
};
static struct bound_name bound_names[BOUND_NAMES];
static size_t bound_next;

/* The socket files guest sockets connected to by path: getpeername(2)
 * gives the name the listener was bound to, found by that file. */
#define PEER_FILES 1024
struct peer_file {
	ino_t ino; /* the connected socket's */
	dev_t file_dev;
	ino_t file_ino;
};
static struct peer_file peer_files[PEER_FILES];
static size_t peer_next;

static ino_t sock_ino(int sock)
{
	struct stat st;
	return fstat(sock, &st) == 0 ? st.st_ino : 0;
}

/* The socket file of a unix socket bound by path, or of one accept(2)
 * made from such a listener, as sock_diag names it (the kernel's own
 * device and inode numbers): 0, or -errno. */
static int unix_vfs(struct sentry *s, int sock, struct unix_diag_vfs *vfs)
{
	ino_t ino = sock_ino(sock);
	if (s->diag_fd < 0 || !ino)
		return -ENOENT;
	struct {
		struct nlmsghdr nh;
		struct unix_diag_req r;
	} req = {
		.nh = {.nlmsg_len = sizeof(req),
		       .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST},
		.r = {.sdiag_family = AF_UNIX,
		      .udiag_states = UINT32_MAX,
		      .udiag_ino = (uint32_t)ino,
		      .udiag_show = UDIAG_SHOW_VFS,
		      .udiag_cookie = {UINT32_MAX, UINT32_MAX}},
	};
	/* The kernel answers within the send: nothing to wait for. */
	if (send(s->diag_fd, &req, sizeof(req), 0) < 0)
		return -errno;
	union {
		struct nlmsghdr nh;
		char buf[512];
	} ans;
	ssize_t n = recv(s->diag_fd, &ans, sizeof(ans), MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(&ans.nh, (size_t)n) || ans.nh.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    ans.nh.nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
		return -ENOENT;
	const struct unix_diag_msg *m = NLMSG_DATA(&ans.nh);
	struct rtattr *a = (struct rtattr *)(void *)((char *)m + NLMSG_ALIGN(sizeof(*m)));
	unsigned int left = ans.nh.nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*m)));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(*vfs)) {
			memcpy(vfs, RTA_DATA(a), sizeof(*vfs));
			return 0;
		}
	}
	return -ENOENT;
}

static void bound_name_record(struct sentry *s, int sock, const struct sockaddr_un *sun,
			      socklen_t len, const struct stat *file)
{
	ino_t ino = sock_ino(sock);
	size_t plen = strnlen(sun->sun_path, len - offsetof(struct sockaddr_un, sun_path));
	if (!ino)
		return;
	/* A name without a directory is the kernel's own: its record only
	 * tells the socket file's newest name (bound_name_find). */
	struct bound_name *b = &bound_names[bound_next++ % BOUND_NAMES];
	b->ino = ino;
	b->file_dev = file->st_ino ? file->st_dev : 0;
	b->file_ino = file->st_ino;
	if (unix_vfs(s, sock, &b->vfs) < 0)
		b->vfs = (struct unix_diag_vfs){0};
	memcpy(b->path, sun->sun_path, plen);
	b->path[plen] = 0;
	b->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
}

static void peer_file_record(int sock, const struct stat *file)
{
	ino_t ino = sock_ino(sock);
	if (!ino || !file->st_ino)
		return;
	for (size_t i = 0; i < PEER_FILES; i++) {
		if (peer_files[i].ino == ino) { /* connected again (datagram) */
			peer_files[i].file_dev = file->st_dev;
			peer_files[i].file_ino = file->st_ino;
			return;
		}
	}
	struct peer_file *p = &peer_files[peer_next++ % PEER_FILES];
	p->ino = ino;
	p->file_dev = file->st_dev;
	p->file_ino = file->st_ino;
}

static bool bound_name_matches(const struct bound_name *b, const struct sockaddr_un *sun)
{
	const char *last = strrchr(b->path, '/');
	return last && strcmp(last + 1, sun->sun_path) == 0;
}

/* The path the socket with inode ino was bound to when the kernel's name
 * (sun) is its last component, else NULL. */
static const struct bound_name *bound_name_of(ino_t ino, const struct sockaddr_un *sun)
{
	for (size_t i = 0; ino && i < BOUND_NAMES; i++) {
		const struct bound_name *b = &bound_names[i];
		if (b->ino == ino && bound_name_matches(b, sun))
			return b;
	}
	return NULL;
}

/* The path sock was bound to, or for a socket accept(2) made the path its
 * listener was bound to (the newest record of their socket file), when
 * the kernel's name (sun) is its last component, else NULL. */
static const struct bound_name *bound_name_find(struct sentry *s, int sock,
						const struct sockaddr_un *sun)
{
	const struct bound_name *b = bound_name_of(sock_ino(sock), sun);
	struct unix_diag_vfs vfs;
	if (b || unix_vfs(s, sock, &vfs) < 0 || !vfs.udiag_vfs_ino)
		return b;
	/* The newest name of the file: an inode number freed and used again
	 * (a socket file removed, another made) names the new one. */
	for (size_t i = 1; i <= BOUND_NAMES; i++) {
		b = &bound_names[(bound_next - i) % BOUND_NAMES];
		if (b->vfs.udiag_vfs_ino == vfs.udiag_vfs_ino &&
		    b->vfs.udiag_vfs_dev == vfs.udiag_vfs_dev)
			return bound_name_matches(b, sun) ? b : NULL;
	}
	return NULL;
}

/* The path the peer of sock, connected by path, was bound to when the
 * kernel's name (sun) is its last component, else NULL. The newest record
 * of the socket file wins. For a socket accept(2) made, its peer is the
 * socket the sandbox connected for the guest, and the path that one was
 * bound to. */
static const struct bound_name *peer_name_find(struct sentry *s, int sock,
					       const struct sockaddr_un *sun)
{
	ino_t ino = sock_ino(sock), connector = peercred_connector(s, sock);
	if (connector)
		return bound_name_of(connector, sun);
	const struct peer_file *p = NULL;
	for (size_t i = 0; ino && i < PEER_FILES && !p; i++)
		if (peer_files[i].ino == ino)
			p = &peer_files[i];
	for (size_t i = 1; p && i <= BOUND_NAMES; i++) {
		const struct bound_name *b = &bound_names[(bound_next - i) % BOUND_NAMES];
		if (b->file_ino == p->file_ino && b->file_dev == p->file_dev)
			return bound_name_matches(b, sun) ? b : NULL;
	}
	return NULL;
}

static int sock_addr_op(struct sc_ctx *c, enum gofer_op op)
{
	struct sockaddr_storage ss;
	uint64_t len = ARG(2);
	if (len > sizeof(ss) || (int64_t)len < 0) {
		c->error = -EINVAL;
		return 0;
	}
	memset(&ss, 0, sizeof(ss));
	int r = guest_read(c->req->pid, ARG(1), &ss, (size_t)len);
	if (r < 0) {
		c->error = r;
		return 0;
	}
	int sock = guest_getfd(c, (int)ARG(0));
	if (sock < 0) {
		c->error = sock;
		return 0;
	}
	_cleanup_close_ int sock_owned = sock;
	/* The address was read by tid: it is the caller's only while the
	 * notification is pending. */
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		return 0;
	}
	if (!net_unix_path(&ss, (socklen_t)len)) {
		/* Abstract names and IP addresses are namespaced by the guest's
		 * own network namespace, which holds the socket. */
		if (op == GOP_BIND) {
			/* The sentry binds with its own capabilities: the
			 * caller's are checked here. */
			r = bind_privileged_port(c, &ss, (socklen_t)len);
			if (r == 0 && bind(sock, (struct sockaddr *)&ss, (socklen_t)len) < 0)
				r = -errno;
			c->error = r;
			return 0;
		}
		r = net_decide(c, &ss, (socklen_t)len, "connect");
		if (r < 0) {
			c->error = r;
			return 0;
		}
		sock_owned = -1;
		return connect_nowait(c, sock, &ss, (socklen_t)len);
	}
	struct gofer_req req = {.op = op};
	struct gofer_resp resp;
	struct creds cr;
	int dir;
	r = unix_req(c, (struct sockaddr_un *)&ss, (size_t)len, &req, &cr, &dir);
	if (r < 0) {
		c->error = r;
		return 0;
	}
	if (op == GOP_BIND)
		req.mode = cr.umask; /* the socket file's mode, as bind(2) makes it */
	else
		req.arg[GOFER_ARG_PEER_TAG] = peercred_tag();
	r = unix_call(c, &req, dir, sock, &resp, NULL);
	if (r == 0 && resp.redirect)
		r = unix_proc_error(c, &resp, op == GOP_BIND);
	if (r == 0 && op == GOP_BIND)
		bound_name_record(c->s, sock, (struct sockaddr_un *)&ss, (socklen_t)len,
				  &resp.u.st);
	if (r == 0 && op == GOP_CONNECT) {
		peer_file_record(sock, &resp.u.st);
		peercred_record(c, sock, (uint32_t)req.arg[GOFER_ARG_PEER_TAG]);
	}
	int fl = r == -EAGAIN && op == GOP_CONNECT ? fcntl(sock, F_GETFL) : -1;
	if (fl >= 0 && !(fl & O_NONBLOCK)) {
		/* The listener's backlog is full: a blocking connect waits for
		 * room (the gofer never does; it is asked again each tick). */
		struct conn_wait *w = xcalloc(1, sizeof(*w));
		w->sock = sock;
		sock_owned = -1;
		w->retry = true;
		/* The cwd the name is relative to may change meanwhile. */
		w->dir = dir >= 0 ? fcntl(dir, F_DUPFD_CLOEXEC, 0) : -1;
		if (dir >= 0 && w->dir < 0) {
			c->error = -sentry_fd_errno(errno);
			conn_drop(w);
			return 0;
		}
		w->req = xmalloc(sizeof(req));
		memcpy(w->req, &req, sizeof(req));
		w->deadline_ns = send_deadline(sock);
		w->deadline_read = true;
		sentry_defer(c, conn_poll, conn_drop, w);
		if (w->deadline_ns)
			sentry_defer_intr_error(-EINTR);
		return SC_DEFER;
	}
	c->error = r;
	return 0;
}

int sys_bind(struct sc_ctx *c)
{
	return sock_addr_op(c, GOP_BIND);
}

/* getsockname(2) and getpeername(2): the kernel's answer, with a unix
 * socket's path as the guest bound it; the copy-out is move_addr_to_user's
 * (the length read first, the name truncated to it, the full length
 * written back). */
static int sock_name(struct sc_ctx *c, bool peer)
{
	int sock = guest_getfd(c, (int)ARG(0));
	if (sock < 0) {
		c->error = sock;
		return 0;
	}
	_cleanup_close_ int sock_owned = sock;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t klen = sizeof(ss);
	int r = peer ? getpeername(sock, (struct sockaddr *)&ss, &klen)
		     : getsockname(sock, (struct sockaddr *)&ss, &klen);
	if (r < 0) {
		c->error = -errno;
		return 0;
	}
	int32_t len;
	if (guest_read(c->req->pid, ARG(2), &len, sizeof(len)) < 0) {
		c->error = -EFAULT;
		return 0;
	}
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	if (ss.ss_family == AF_UNIX && klen > offsetof(struct sockaddr_un, sun_path) &&
	    sun->sun_path[0]) {
		const struct bound_name *b =
			peer ? peer_name_find(c->s, sock, sun) : bound_name_find(c->s, sock, sun);
		if (b) {
			memcpy(sun->sun_path, b->path,
			       b->len - offsetof(struct sockaddr_un, sun_path));
			klen = b->len;
		}
	}
	if (len < 0) {
		c->error = -EINVAL;
		return 0;
	}
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		return 0;
	}
	size_t n = (socklen_t)len < klen ? (size_t)len : klen;
	if (n && guest_write(c->req->pid, ARG(1), &ss, n) < 0) {
		c->error = -EFAULT;
		return 0;
	}
	if (guest_write(c->req->pid, ARG(2), &klen, sizeof(klen)) < 0)
		c->error = -EFAULT;
	return 0;
}

int sys_getsockname(struct sc_ctx *c)
{
	return sock_name(c, false);
}

int sys_getpeername(struct sc_ctx *c)
{
	return sock_name(c, true);
}

int sys_connect(struct sc_ctx *c)
{
	return sock_addr_op(c, GOP_CONNECT);
}
