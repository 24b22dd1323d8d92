/* SPDX-License-Identifier: Apache-2.0 */
/* Socket addresses. Implements Linux syscalls bind(2) and connect(2): unix
 * socket paths are resolved in the view by the gofer, on the guest's own
 * socket; other addresses are applied by the sentry to the guest's socket,
 * which lives in the guest's network namespace. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"

#define ARG(i) (c->req->data.args[i])

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
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	bool unix_path = len > offsetof(struct sockaddr_un, sun_path) && ss.ss_family == AF_UNIX &&
			 sun->sun_path[0] != 0;
	if (!unix_path) {
		/* Abstract names and IP addresses are namespaced by the guest's
		 * own network namespace, which holds the socket. */
		r = op == GOP_BIND ? bind(sock, (struct sockaddr *)&ss, (socklen_t)len)
				   : connect(sock, (struct sockaddr *)&ss, (socklen_t)len);
		r = r < 0 ? -errno : 0;
		c->error = r;
		return 0;
	}
	size_t plen = strnlen(sun->sun_path, len - offsetof(struct sockaddr_un, sun_path));
	if (plen >= sizeof(sun->sun_path)) {
		c->error = -EINVAL;
		return 0;
	}
	char path[sizeof(sun->sun_path) + 1];
	memcpy(path, sun->sun_path, plen);
	path[plen] = 0;
	struct gofer_req req = {.op = op};
	struct gofer_resp resp;
	req.path_len = (uint32_t)plen + 1;
	memcpy(req.data, path, req.path_len);
	if (path[0] != '/') {
		char cwd[4096];
		int n = fd_view_path(c->s, c->t->fs->cwd_fd, cwd, sizeof(cwd));
		if (n < 0 || (size_t)n + plen + 2 > GOFER_PATH_MAX) {
			c->error = -ENAMETOOLONG;
			return 0;
		}
		cwd[n] = '/';
		memcpy(cwd + n + 1, path, plen + 1);
		req.path_len = (uint32_t)(n + 1 + plen + 1);
		memcpy(req.data, cwd, req.path_len);
	}
	req.fd_mask = GOFER_FD_OBJ;
	struct creds cr;
	r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0) {
		c->error = r;
		return 0;
	}
	creds_to_req(&cr, false, &req);
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		return 0;
	}
	if (op == GOP_BIND)
		req.mode = cr.umask; /* the socket file's mode, as bind(2) makes it */
	r = gofer_call(c->s, &req, &sock, 1, &resp, NULL);
	if (r == 0 && resp.redirect)
		r = -ECONNREFUSED;
	c->error = r;
	return 0;
}

int sys_bind(struct sc_ctx *c)
{
	return sock_addr_op(c, GOP_BIND);
}

int sys_connect(struct sc_ctx *c)
{
	return sock_addr_op(c, GOP_CONNECT);
}

/* Families and protocols the filter did not let through (socket and
 * socketpair share their first three arguments). */
int sys_socket_other(struct sc_ctx *c)
{
	int family = (int)ARG(0);
	int type = (int)ARG(1) & 0xf;
	if (family == AF_UNIX || family == AF_INET || family == AF_INET6 || family == AF_NETLINK)
		c->error = type == SOCK_RAW ? -EPERM : -EPROTONOSUPPORT;
	else
		c->error = -EAFNOSUPPORT;
	return 0;
}
