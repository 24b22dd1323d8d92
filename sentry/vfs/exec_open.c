/* SPDX-License-Identifier: Apache-2.0 */
/* exec's open: the file an execve or execveat names, resolved by the walk
 * every path operation takes (sentry/vfs/walk.c). The gofer opens it for
 * exec (GOP_EXEC_OPEN) in the view, or redirects into /proc, where
 * <who>/exe leads back into the view and <who>/fd/<n> names a guest's fd.
 * Runs at the exec's ptrace stop. What Linux checks on an fd it is handed,
 * the policy's exec rules and the file's format are sentry/exec.c's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* A guest fd of a thread held in a ptrace stop. guest_getfd() wants a
 * pending notification; here the stop itself keeps the tid from being
 * reused until the sentry reaps it. */
static int stopped_getfd(struct sentry *s, pid_t tid, int guest_fd)
{
	if (guest_fd < 0)
		return -EBADF;
	_cleanup_close_ int pidfd = sys_pidfd_open(tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -sentry_task_errno(errno);
	int fd = sys_pidfd_getfd(pidfd, guest_fd, 0);
	return fd < 0 ? -sentry_fd_errno(errno) : opath_resolve(s, fd);
}

/* A /proc path the gofer redirected, walked as any other /proc path ("."
 * and "..", self, thread-self and task/<tid> alike): a /proc/<pid>/fd/<n>
 * link takes the guest's fd (into out, 0); the exe link, and links that
 * lead back into the view, continue there at the path left in next
 * (PROCFS_REOPEN_PATH); every other file of /proc is a directory or has no
 * x bit (EACCES). With AT_SYMLINK_NOFOLLOW a final link is ELOOP. */
static int exec_proc(struct sc_ctx *c, const char *rest, int flags, struct vfs_exec_file *out,
		     char *next, size_t next_size)
{
	int r;
	if (flags & AT_SYMLINK_NOFOLLOW) {
		struct stat st;
		r = procfs_stat_ex(c, rest, true, &st, next, next_size);
		if (r == PROCFS_REOPEN_PATH || r < 0)
			return r;
		return S_ISLNK(st.st_mode) ? -ELOOP : -EACCES;
	}
	int fd = -1;
	r = procfs_link_object_ex(c, rest, &fd, next, next_size);
	if (r == PROCFS_REOPEN_PATH)
		return r;
	if (r == -EXDEV)
		return -EACCES;
	if (r < 0)
		return r;
	out->fd = fd;
	out->guest_fd = true;
	return 0;
}

/* ---- the exec open's steps (sentry/vfs/walk.c) ---- */

struct exec_walk {
	struct vfs_walk w;
	int flags; /* the exec's: AT_SYMLINK_NOFOLLOW */
	int fd;	   /* what the gofer handed over, or -1 */
	struct vfs_exec_file *out;
};

/* GOP_EXEC_OPEN of w->path. */
static int exec_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct exec_walk *e = (struct exec_walk *)w;
	struct gofer_req req;

	memset(&req, 0, sizeof(req));
	req.op = GOP_EXEC_OPEN;
	req.flags = (uint32_t)(e->flags & AT_SYMLINK_NOFOLLOW);
	e->fd = -1;
	resp->rule = GOFER_RULE_NONE;
	if (w->path[0] != '/' && w->guest_dirfd == AT_FDCWD && !w->c->t->fs)
		return -ENOENT;
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, &e->fd);
}

/* A refusal: the policy rule behind it, for exec's audit record. */
static int exec_failed(struct vfs_walk *w, int err, const struct gofer_resp *resp)
{
	((struct exec_walk *)w)->out->rule = resp->rule;
	return err;
}

static int exec_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct exec_walk *e = (struct exec_walk *)w;
	if (e->fd < 0)
		return -EIO;
	e->out->fd = e->fd;
	e->out->view_path = strndup(resp->data, resp->data_len);
	return e->out->view_path ? 0 : -ENOMEM;
}

/* /proc: a guest's fd, or the exec continues in the view at the exe path
 * exec_proc leaves in w->path. /dev/tty is a character device. */
static int exec_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct exec_walk *e = (struct exec_walk *)w;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	if (resp->redirect != GOFER_REDIR_PROC)
		return -EACCES;
	int r = exec_proc(w->c, where, e->flags, e->out, w->path, PATH_MAX);
	if (r == PROCFS_REOPEN_PATH)
		w->guest_dirfd = AT_FDCWD;
	return r;
}

static const struct vfs_walk_ops exec_ops = {
	.call = exec_call,
	.failed = exec_failed,
	.view = exec_view,
	.redirect = exec_redirect,
};

int vfs_exec_open(struct sc_ctx *c, int guest_dirfd, char *path, int flags,
		  struct vfs_exec_file *out)
{
	*out = (struct vfs_exec_file){
		.fd = -1, .view_path = NULL, .guest_fd = false, .rule = GOFER_RULE_NONE};
	if (path[0] == '\0') {
		if (guest_dirfd == AT_FDCWD)
			return -EACCES; /* the cwd: a directory */
		int fd = stopped_getfd(c->s, c->t->tid, guest_dirfd);
		if (fd < 0)
			return fd;
		out->fd = fd;
		out->guest_fd = true;
		return 0;
	}
	/* The dentry cache is neither asked nor taught: every exec's open
	 * goes to the gofer, which checks the file for exec itself. */
	struct exec_walk e = {
		.w = {.ops = &exec_ops,
		      .c = c,
		      .guest_dirfd = guest_dirfd,
		      .path = path,
		      .q = NULL},
		.flags = flags,
		.fd = -1,
		.out = out,
	};
	return vfs_walk_run(&e.w);
}
