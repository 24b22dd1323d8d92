/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of the requests that act on a guest's own fd with a path: bind
 * and connect of a unix socket, inotify_add_watch. These calls take no
 * dirfd, so each runs in the directory of the name (in_dir). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "gofer/creds.h"
#include "gofer/decide.h"
#include "gofer/request.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

static int check_unix_socket(int fd)
{
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	if (!S_ISSOCK(s.st_mode))
		return -ENOTSOCK;
	int domain = 0;
	socklen_t len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return -errno;
	return domain == AF_UNIX ? 0 : -EAFNOSUPPORT;
}

static int sun_of(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);
	if (n > sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			   (n < sizeof(sa->sun_path) ? 1 : 0));
	return 0;
}

int op_bind(struct ctx *c)
{
	int r = check_unix_socket(c->obj);
	if (r < 0)
		return r;
	_cleanup_walk_ struct gofer_walk w;
	r = req_parent_allowed(c, GOFER_WHICH_ONLY, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	struct sockaddr_un sa;
	socklen_t len;
	r = sun_of(w.last, &sa, &len);
	if (r == 0)
		r = in_dir(&w);
	if (r == 0) {
		/* The socket file's mode: the guest's umask, in req->mode. */
		mode_t old = umask((mode_t)(c->req->mode & GOFER_UMASK_BITS));
		r = bind(c->obj, (struct sockaddr *)&sa, len) < 0 ? -errno : 0;
		umask(old);
		/* The socket file made: the sentry names the socket by it
		 * when a peer connects (getpeername). */
		if (r == 0 && fstatat(w.parent_fd, w.last, &c->resp->u.st, AT_SYMLINK_NOFOLLOW) < 0)
			memset(&c->resp->u.st, 0, sizeof(c->resp->u.st));
		back_to_root(c);
	}
	return r;
}

/* The destination of a datagram sent by name: the socket file, which the
 * guest must be able to write (unix_find_bsd's MAY_WRITE), as an O_PATH fd
 * the sentry names the destination by (/proc/self/fd/N). */
static int connect_dest(struct ctx *c, const struct gofer_walk *w)
{
	if (!w->exists)
		return -ENOENT;
	if (!S_ISSOCK(w->st.st_mode))
		return -ECONNREFUSED;
	if (faccessat(w->parent_fd, w->last, W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	int fd = openat(w->parent_fd, w->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*c->fd_out = fd;
	return 0;
}

int op_connect(struct ctx *c)
{
	int r = check_unix_socket(c->obj);
	if (r < 0)
		return r;
	_cleanup_walk_ struct gofer_walk w;
	r = req_name_allowed(c, GOFER_WALK_FOLLOW, false, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	if (c->req->flags & GOFER_CONNECT_DEST)
		return connect_dest(c, &w);
	struct sockaddr_un sa;
	socklen_t len;
	r = sun_of(w.last, &sa, &len);
	int fl = fcntl(c->obj, F_GETFL);
	if (r == 0 && fl < 0)
		r = -errno;
	if (r == 0)
		r = in_dir(&w);
	if (r == 0) {
		/* Never wait for the peer: the sentry owns waiting. */
		if (!(fl & O_NONBLOCK) && fcntl(c->obj, F_SETFL, fl | O_NONBLOCK) < 0)
			r = -errno;
		if (r == 0)
			r = creds_connect_as_guest(c->st, c->obj, &sa, len,
						   (gid_t)c->req->arg[GOFER_ARG_PEER_TAG]);
		if (r == 0)
			c->resp->u.st = w.st; /* the socket file connected to */
		if (!(fl & O_NONBLOCK) && fcntl(c->obj, F_SETFL, fl) < 0 && r == 0)
			r = -errno;
		back_to_root(c);
	}
	return r;
}

int op_inotify_add(struct ctx *c)
{
	struct statfs sfs;
	if (fstatfs(c->obj, &sfs) < 0)
		return -errno;
	if (sfs.f_type != ANON_INODE_FS_MAGIC)
		return -EINVAL;
	uint32_t mask = (uint32_t)c->req->arg[GOFER_ARG_INOTIFY_MASK];
	enum gofer_walk_mode mode =
		(mask & IN_DONT_FOLLOW) ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW;
	_cleanup_walk_ struct gofer_walk w;
	int r = req_name_allowed(c, mode, true, NEED_READ, &w);
	if (r != REQ_GO_ON)
		return r;
	r = in_dir(&w);
	if (r == 0) {
		int wd = inotify_add_watch(c->obj, w.last, mask | IN_DONT_FOLLOW);
		r = wd < 0 ? -errno : 0;
		c->resp->val = wd;
		back_to_root(c);
	}
	return r;
}
