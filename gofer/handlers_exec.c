/* SPDX-License-Identifier: Apache-2.0 */
/* The handler of GOP_EXEC_OPEN: the file execve(2) would load, with the
 * checks execve makes (a regular file, execute permission, no noexec
 * mount, no writer), opened by the gofer itself so execute-only files load
 * too (see gofer.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "gofer/creds.h"
#include "gofer/decide.h"
#include "gofer/request.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

#ifndef ST_NOEXEC
#define ST_NOEXEC 8
#endif

/* No writer may hold the file: a read lease is refused (EAGAIN) while the
 * file is open for writing anywhere. File systems without leases pass. */
static int check_no_writer(int fd)
{
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return errno == EAGAIN ? -ETXTBSY : 0;
	if (fcntl(fd, F_SETLEASE, F_UNLCK) < 0)
		return -errno;
	return 0;
}

static int check_exec_mount(int fd)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return (sfs.f_flags & ST_NOEXEC) ? -EACCES : 0;
}

/* execveat(fd, "", AT_EMPTY_PATH): the guest's own fd. */
static int exec_open_fd(struct ctx *c)
{
	int r = check_anyfd(c->dir);
	if (r < 0)
		return r;
	struct stat s;
	if (fstat(c->dir, &s) < 0)
		return -errno;
	if (!S_ISREG(s.st_mode))
		return -EACCES;
	r = decide_fd(c, c->dir, NEED_READ);
	if (r < 0)
		return r;
	if (syscall(SYS_faccessat2, c->dir, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
		return -errno;
	r = check_exec_mount(c->dir);
	if (r < 0)
		return r;
	int fl = fcntl(c->dir, F_GETFL);
	if (fl < 0)
		return -errno;
	if ((fl & O_PATH) || (fl & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	_cleanup_close_ int fd = fcntl(c->dir, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	if ((fl & O_ACCMODE) == O_RDONLY) {
		creds_root(c->st);
		r = check_no_writer(fd);
		int e = creds_back(c->st);
		if (r < 0 || e < 0)
			return r < 0 ? r : e;
	}
	*c->fd_out = take_fd(&fd);
	return 0;
}

/* Opens the walked-to file as the gofer (execute-only files load too) and
 * checks it is still the file that was checked. */
static int exec_open_final(struct ctx *c, const struct gofer_walk *w)
{
	creds_root(c->st);
	_cleanup_close_ int fd = open_final(w, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	int e = creds_back(c->st);
	if (fd < 0 || e < 0)
		return fd < 0 ? fd : e;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	if (s.st_dev != w->st.st_dev || s.st_ino != w->st.st_ino || !S_ISREG(s.st_mode))
		return -EAGAIN;
	int r = check_exec_mount(fd);
	if (r < 0)
		return r;
	creds_root(c->st);
	r = check_no_writer(fd);
	e = creds_back(c->st);
	if (r < 0 || e < 0)
		return r < 0 ? r : e;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	*c->fd_out = take_fd(&fd);
	return 0;
}

int op_exec_open(struct ctx *c)
{
	if (empty_path_obj(c))
		return exec_open_fd(c);
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	bool nofollow = c->req->flags & AT_SYMLINK_NOFOLLOW;
	_cleanup_walk_free_ struct gofer_walk *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = gofer_walk(c->st, start, c->path, nofollow ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW,
		       GOFER_WALK_WANT_PATH, w);
	if (r == 0 && w->redirect)
		r = answer_redirect(c, w, GOFER_WHICH_ONLY);
	else if (r == 0 && !w->exists)
		r = -ENOENT;
	else if (r == 0 && S_ISLNK(w->st.st_mode))
		r = -ELOOP;
	else if (r == 0 && !S_ISREG(w->st.st_mode))
		r = -EACCES;
	else if (r == 0 && decide_name(c, w->parent_fd, w->last, NEED_READ) < 0)
		r = -EACCES;
	else if (r == 0 && syscall(SYS_faccessat2, w->parent_fd, w->last, X_OK,
				   AT_EACCESS | AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	else if (r == 0)
		r = exec_open_final(c, w);
	if (r == 0 && !w->redirect)
		r = set_data(c->resp, w->vpath, w->vpath_len);
	return r;
}
