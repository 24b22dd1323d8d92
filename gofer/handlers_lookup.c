/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of the requests that look at an object and change nothing:
 * stat, statx, access, readlink and statfs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/decide.h"
#include "gofer/request.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

int op_stat(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), NEED_SEE, &o);
	if (r != REQ_GO_ON)
		return r;
	c->resp->u.st = o.st;
	return 0;
}

int op_statx(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), NEED_SEE, &o);
	if (r != REQ_GO_ON)
		return r;
	int flags = AT_EMPTY_PATH | (int)(c->req->flags & AT_STATX_SYNC_TYPE);
	r = statx(o.fd, "", flags, (unsigned int)c->req->arg[GOFER_ARG_STATX_MASK],
		  &c->resp->u.stx);
	r = r < 0 ? -errno : 0;
	return r;
}

int op_access(struct ctx *c)
{
	enum need need = (c->req->mode & W_OK)		  ? NEED_WRITE
			 : (c->req->mode & (R_OK | X_OK)) ? NEED_READ
							  : NEED_SEE;
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), need, &o);
	if (r != REQ_GO_ON)
		return r;
	/* The ids in the request are the ones to check with (AT_EACCESS). */
	r = (int)syscall(SYS_faccessat2, o.fd, "", (int)c->req->mode, AT_EACCESS | AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	return r;
}

static int readlink_dir_path(struct ctx *c)
{
	struct stat s;
	if (fstat(c->dir, &s) < 0)
		return -errno;
	if (S_ISLNK(s.st_mode)) {
		char target[GOFER_PATH_MAX];
		size_t n = 0;
		int r = decide_fd(c, c->dir, NEED_READ);
		if (r < 0)
			return r;
		r = read_link(c->dir, "", target, sizeof(target), &n);
		return r < 0 ? r : set_data(c->resp, target, n);
	}
	if (!S_ISDIR(s.st_mode) || !(c->req->flags & AT_EMPTY_PATH) || check_dirfd(c->st, c->dir))
		return -ENOENT;
	char buf[GOFER_PATH_MAX];
	ssize_t n = dir_path_as_gofer(c->st, c->dir, buf, sizeof(buf));
	return n < 0 ? (int)n : set_data(c->resp, buf, (size_t)n);
}

int op_readlink(struct ctx *c)
{
	if (empty_path_obj(c)) {
		int r = check_anyfd(c->dir);
		return r < 0 ? r : readlink_dir_path(c);
	}
	_cleanup_obj_ struct obj o;
	int r = req_obj(c, false, &o);
	if (r != REQ_GO_ON)
		return r;
	if (!S_ISLNK(o.st.st_mode))
		return -EINVAL;
	r = decide_obj(c, &o, NEED_READ);
	if (r < 0)
		return r;
	char target[GOFER_PATH_MAX];
	size_t n = 0;
	r = read_link(o.fd, "", target, sizeof(target), &n);
	return r < 0 ? r : set_data(c->resp, target, n);
}

int op_statfs(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, true, NEED_SEE, &o);
	if (r != REQ_GO_ON)
		return r;
	struct statfs *sfs = &c->resp->u.sfs;
	if (fstatfs(o.fd, sfs) < 0)
		return -errno;
	/* The sandbox's /sys (gofer/view_sys.c), an overlay of its own,
	 * answers as a sysfs does. */
	struct stat s;
	if (sfs->f_type == OVERLAYFS_SUPER_MAGIC && c->st->sysdir.valid && fstat(o.fd, &s) == 0 &&
	    s.st_dev == c->st->sysdir.dev)
		gofer_statfs_as_sysfs(sfs);
	return 0;
}

int op_mounts(struct ctx *c)
{
	if (c->st->mounts_fd < 0)
		return -ENOENT;
	int fd = fcntl(c->st->mounts_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	*c->fd_out = fd;
	return 0;
}
