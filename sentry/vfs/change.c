/* SPDX-License-Identifier: Apache-2.0 */
/* Operations that change names or attributes (mkdir, mknod, unlink,
 * rename, link, symlink, chmod, chown, truncate, utimens), and inotify
 * watches on paths. All go through the gofer; the sentry's own /proc
 * refuses them as Linux's procfs would, but a /proc link that leads back
 * into the view is followed. The gofer's answer moves the dentry cache
 * (sentry/gofer_client.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* A redirect into /proc that leads back into the view (/proc/<pid>/cwd,
 * root, exe, a file's fd/N, or ".." out of /proc): returns 1 with the view
 * path in target, and the op is redone there through the gofer. rest: the
 * redirect's rest of the path. */
static int proc_follow(struct sc_ctx *c, const struct gofer_resp *resp, const char *rest,
		       bool nofollow, char *target)
{
	if (resp->redirect != GOFER_REDIR_PROC)
		return 0;
	struct stat st;
	if (procfs_stat_ex(c, rest, nofollow, &st, target, PATH_MAX) == PROCFS_REOPEN_PATH)
		return 1;
	if (nofollow)
		return 0;
	/* /proc/<pid>/fd/N of a file from the view (chmod("/proc/self/fd/N")
	 * is how glibc and tar change a file they hold as O_PATH): the link's
	 * text is the file's path in the view. */
	char view[PATH_MAX];
	size_t len = 0;
	if (procfs_readlink_ex(c, rest, target, PATH_MAX, &len, view, sizeof(view)) != 0 ||
	    len == 0 || len >= PATH_MAX)
		return 0;
	target[len] = 0;
	if (target[0] != '/' || strncmp(target, "/proc/", 6) == 0 || strstr(target, " (deleted)"))
		return 0;
	return 1;
}

struct change_walk {
	struct vfs_walk w;
	const struct gofer_req *req;
	int proc_err;
	bool nofollow;
	bool redirected;
	int obj_fd; /* what the answer carried (GOP_MKDIR, GOP_MKNOD: the new object) */
	int64_t *val_out;
};

static int change_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct change_walk *cw = (struct change_walk *)w;
	struct gofer_req copy = *cw->req;
	if (cw->obj_fd >= 0) {
		close(cw->obj_fd);
		cw->obj_fd = -1;
	}
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &copy, resp, &cw->obj_fd);
}

static int change_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct change_walk *cw = (struct change_walk *)w;
	*cw->val_out = resp->val;
	return 0;
}

static int change_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct change_walk *cw = (struct change_walk *)w;
	bool nofollow = (cw->req->flags & AT_SYMLINK_NOFOLLOW) || cw->nofollow;
	cw->redirected = true;
	if (proc_follow(w->c, resp, where, nofollow, w->path))
		return PROCFS_REOPEN_PATH;
	if (resp->redirect == GOFER_REDIR_PROC) {
		bool creates = cw->req->op == GOP_MKDIR || cw->req->op == GOP_MKNOD;
		int r = procfs_change_error(w->c, where, nofollow, creates);
		if (r < 0)
			return r;
	}
	return cw->proc_err;
}

static const struct vfs_walk_ops change_ops = {
	.call = change_call,
	.view = change_view,
	.redirect = change_redirect,
};

int vfs_path_op(struct sc_ctx *c, int guest_dirfd, char *path, const struct gofer_req *req,
		int proc_err, bool nofollow, int64_t *val_out)
{
	char guest_path[PATH_MAX];
	bool made = req->op == GOP_MKDIR || req->op == GOP_MKNOD;
	if (made)
		snprintf(guest_path, sizeof(guest_path), "%s", path);
	/* A mknod's set-id bits are the sentry's to keep, never the host's. */
	struct gofer_req sent = *req;
	mode_t node_mode = req->op == GOP_MKNOD ? (mode_t)req->mode & 07777 : 0;
	sent.mode &= req->op == GOP_MKNOD ? ~(uint32_t)VFS_SETID_BITS : ~0u;
	struct change_walk cw = {
		.w = {.ops = &change_ops, .c = c, .guest_dirfd = guest_dirfd, .path = path},
		.req = &sent,
		.proc_err = proc_err,
		.nofollow = nofollow,
		.obj_fd = -1,
		.val_out = val_out,
	};
	int r = vfs_walk_run(&cw.w);
	_cleanup_close_ int obj = cw.obj_fd;
	if (r != 0 || !made || obj < 0 || cw.redirected)
		return r;
	if (req->op == GOP_MKNOD) {
		if ((node_mode & VFS_SETID_BITS) || setid_any(c->s))
			setid_made_node(c, guest_dirfd, guest_path, obj, node_mode);
		return r;
	}
	/* The new directory answers the next lookups of its name (a
	 * redirect made it elsewhere: not learned). */
	setid_made_dir(c->s, obj);
	dc_learn_made(c, guest_dirfd, guest_path, &obj, true);
	return r;
}

/* link(2) whose source reached the sentry's /proc (rest) with
 * AT_SYMLINK_FOLLOW: a /proc/<pid>/fd/N link is followed to the object
 * itself, as Linux does (how an O_TMPFILE file is linked into place), and
 * a path that leads back into the view is linked from there. */
static int link_from_proc(struct sc_ctx *c, const char *rest, int guest_dirfd2, const char *path2,
			  const struct gofer_req *req)
{
	char view[PATH_MAX];
	_cleanup_close_ int obj = -1;
	int r = procfs_link_object_ex(c, rest, &obj, view, sizeof(view));
	if (r < 0)
		return r;
	struct gofer_req copy = *req;
	struct gofer_resp resp;
	if (r == PROCFS_REOPEN_PATH)
		r = gofer_path2_call(c, AT_FDCWD, view, guest_dirfd2, path2, &copy, &resp, NULL);
	else
		r = gofer_link_fd_call(c, obj, guest_dirfd2, path2, &copy, &resp);
	return r == 0 && resp.redirect ? -EXDEV : r;
}

/* The new name of a link or symlink reached the sentry's /proc (rest):
 * Linux looks it up before anything else, and procfs makes no names, so
 * EEXIST for a name that is there, else the lookup's error. A path that
 * leads back into the view (/proc/self/cwd/NAME) is redone there. */
static int new_name_in_proc(struct sc_ctx *c, int guest_dirfd, const char *path, const char *rest,
			    const struct gofer_req *req)
{
	struct stat st;
	char view[PATH_MAX];
	int r = procfs_stat_ex(c, rest, true, &st, view, sizeof(view));
	if (r == 0)
		return -EEXIST;
	if (r != PROCFS_REOPEN_PATH)
		return r;
	struct gofer_req copy = *req;
	struct gofer_resp resp;
	r = gofer_path2_call(c, guest_dirfd, path, AT_FDCWD, view, &copy, &resp, NULL);
	return r == 0 && resp.redirect ? -EXDEV : r;
}

/* A rename or link between the view and the sentry's own files (/proc,
 * /dev/tty) crosses mounts: EXDEV, which Linux checks before any
 * permission, once both names are looked up. */
int vfs_path2_op(struct sc_ctx *c, int guest_dirfd, const char *path, int guest_dirfd2,
		 const char *path2, struct gofer_req *req)
{
	struct gofer_resp resp;
	struct gofer_req copy = *req;
	int fd = -1;
	int r = gofer_path2_call(c, guest_dirfd, path, guest_dirfd2, path2, &copy, &resp, &fd);
	_cleanup_close_ int obj = fd;
	if (r < 0)
		return r;
	if (!resp.redirect) {
		/* A new symlink answers the next lstat and readlink of its
		 * name. */
		if (req->op == GOP_SYMLINK && obj >= 0) {
			setid_made_link(c, guest_dirfd2, path2, obj);
			dc_learn_made(c, guest_dirfd2, path2, &obj, false);
		}
		return 0;
	}
	char rest[GOFER_PATH_MAX + 1];
	memcpy(rest, resp.data, resp.data_len);
	rest[resp.data_len] = 0;
	bool makes_name = req->op == GOP_LINK || req->op == GOP_SYMLINK;
	if (makes_name && resp.val == GOFER_WHICH_PATH2)
		return resp.redirect == GOFER_REDIR_PROC
			       ? new_name_in_proc(c, guest_dirfd, path, rest, req)
			       : -EEXIST; /* /dev/tty */
	if (req->op == GOP_LINK && (req->flags & AT_SYMLINK_FOLLOW) &&
	    resp.redirect == GOFER_REDIR_PROC)
		return link_from_proc(c, rest, guest_dirfd2, path2, req);
	return -EXDEV;
}

int vfs_fd_op(struct sc_ctx *c, int guest_fd, struct gofer_req *req, int redirect_err)
{
	struct gofer_resp resp;
	req->flags |= AT_EMPTY_PATH;
	int r = gofer_path_call(c, guest_fd, "", req, &resp, NULL);
	if (r == 0 && resp.redirect)
		r = redirect_err;
	return r;
}

/* The gofer adds the watch on the guest's own inotify fd; a relative path
 * resolves from the task's cwd, sent before the inotify fd. */
int vfs_inotify_add_watch(struct sc_ctx *c, int inotify_fd, char *path, uint32_t mask)
{
	struct gofer_req req = {.op = GOP_INOTIFY_ADD};
	req.arg[GOFER_ARG_INOTIFY_MASK] = mask;
	char abs[PATH_MAX + 64];
	const char *use;
	int dir = gofer_cwd_base(c, path, abs, sizeof(abs), &use);
	if (dir < -1)
		return dir;
	req.path_len = (uint32_t)strlen(use) + 1;
	if (req.path_len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(req.data, use, req.path_len);
	req.fd_mask = GOFER_FD_OBJ | (dir >= 0 ? GOFER_FD_DIR : 0);
	int fds[2] = {dir, inotify_fd};
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	creds_to_req(&cr, false, &req);
	if (!notif_valid(c))
		return -ESRCH;
	struct gofer_resp resp;
	r = gofer_call(c->s, &req, dir >= 0 ? fds : fds + 1, dir >= 0 ? 2 : 1, &resp, NULL);
	if (r < 0)
		return r;
	if (resp.redirect)
		return -EACCES;
	return (int)resp.val;
}
