/* SPDX-License-Identifier: Apache-2.0 */
/* Implements Linux syscalls chdir(2) and fchdir(2): the cwd becomes a
 * directory of the view (the gofer's fd) or of the sentry's own /proc (its
 * mirror's fd, resolved from its /proc path on use). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/procfs.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

static void set_cwd(struct sc_ctx *c, int fd, bool in_proc)
{
	struct fsinfo *fs = c->t->fs;
	fsinfo_cwd_release(fs);
	fs->cwd_fd = fd;
	fs->cwd_proc = in_proc;
	free(fs->cwd_path);
	fs->cwd_path = NULL;
}

/* A directory of the sentry's /proc as the cwd (fd taken), once the caller
 * may search it: chdir(2)'s permission check, made by procfs as for any
 * path there. Its fd stays the sentry's: relative paths resolve from its
 * /proc path (base_dir in sentry/gofer_client.c). */
static int chdir_proc(struct sc_ctx *c, int fd)
{
	char path[PROCFS_NODE_PATH + 8];
	char view[PATH_MAX];
	if (!procfs_owns_fd(c->s, fd, NULL, path, sizeof(path)) || strncmp(path, "/proc", 5) != 0 ||
	    (path[5] != '/' && path[5] != 0)) {
		close(fd);
		return -ENOENT;
	}
	const char *rest = path[5] ? path + 6 : "";
	int r = procfs_access_ex(c, rest, X_OK, view, sizeof(view));
	if (r == PROCFS_REOPEN_PATH)
		r = -ENOENT; /* a directory of /proc is no link back into the view */
	if (r < 0) {
		close(fd);
		return r;
	}
	set_cwd(c, fd, true);
	return 0;
}

/* chdir(2): the path resolved as an open would (through /proc and its links
 * back into the view), ENOENT, ENOTDIR or ELOOP from that walk first; then
 * search permission on the directory it found. */
int vfs_chdir(struct sc_ctx *c, const char *path)
{
	char walk_path[PATH_MAX];
	snprintf(walk_path, sizeof(walk_path), "%s", path);
	int fd = -1;
	int r = vfs_open_object(c, AT_FDCWD, walk_path, O_PATH | O_DIRECTORY | O_CLOEXEC, &fd);
	if (r < 0)
		return r;
	char prefix[PROCFS_NODE_PATH + 8];
	if (procfs_owns_fd(c->s, fd, NULL, prefix, sizeof(prefix)))
		return chdir_proc(c, fd);
	/* A view directory (the guest's path, or one a /proc link led to): the
	 * gofer checks search permission on it. */
	struct gofer_req req = {.op = GOP_ACCESS, .mode = X_OK, .flags = AT_EACCESS};
	struct gofer_resp resp;
	r = gofer_fd_path_call(c, fd, ".", &req, &resp, NULL);
	if (r == 0 && resp.redirect)
		r = -ENOENT;
	if (r < 0) {
		close(fd);
		return r;
	}
	set_cwd(c, fd, false);
	return 0;
}

int vfs_fchdir(struct sc_ctx *c, int guest_fd)
{
	int fd = guest_getfd(c, guest_fd);
	if (fd < 0)
		return fd;
	struct stat st;
	char prefix[PROCFS_NODE_PATH + 8];
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	if (procfs_owns_fd(c->s, fd, &st, prefix, sizeof(prefix)))
		return chdir_proc(c, fd);
	close(fd);
	/* The gofer checks that the directory is one of the view's (not a host
	 * directory the launcher handed over) and that the caller may search
	 * it, as fchdir(2) does. */
	struct gofer_req req = {.op = GOP_ACCESS, .mode = X_OK, .flags = AT_EACCESS};
	struct gofer_resp resp;
	int r = gofer_path_call(c, guest_fd, ".", &req, &resp, NULL);
	if (r < 0)
		return r;
	struct gofer_req oreq = {.op = GOP_OPEN, .flags = O_PATH | O_DIRECTORY | O_CLOEXEC};
	int dir = -1;
	r = gofer_path_call(c, guest_fd, ".", &oreq, &resp, &dir);
	if (r < 0)
		return r;
	if (dir < 0)
		return -EACCES;
	set_cwd(c, dir, false);
	return 0;
}
