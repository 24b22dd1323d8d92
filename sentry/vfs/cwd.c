/* SPDX-License-Identifier: Apache-2.0 */
/* The cwd of a task (a directory fd from the gofer or of the sentry's /proc,
 * per fs_struct) and the view paths of the fds the sentry holds: getcwd, and
 * the cwd's path the dentry cache keys relative lookups with. chdir and
 * fchdir are in chdir.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/dcache.h"
#include "sentry/procfs.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

int vfs_fd_path(struct sentry *s, int fd, char *buf, size_t size)
{
	char link[32];
	if (fd < 0)
		return -ENOMEM; /* a cwd the sentry had no fd for (fsinfo) */
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	ssize_t n = readlinkat(s->host_procfd, link, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

int vfs_fd_live_path(struct sentry *s, int fd, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	int n = vfs_fd_path(s, fd, buf, size);
	if (n < 0)
		return n;
	if (n == 0 || buf[0] != '/' || ((size_t)n >= dlen && strcmp(buf + n - dlen, deleted) == 0))
		return -ENOENT;
	return n;
}

const char *dc_cwd_path(struct sc_ctx *c)
{
	struct fsinfo *fs = c->t->fs;
	if (fs->cwd_proc)
		return NULL; /* the sentry's /proc: not the cache's */
	if (fs->cwd_path && fs->cwd_gen == c->s->names_gen)
		return fs->cwd_path;
	free(fs->cwd_path);
	fs->cwd_path = NULL;
	char buf[PATH_MAX];
	if (vfs_fd_live_path(c->s, fs->cwd_fd, buf, sizeof(buf)) <= 0)
		return NULL;
	fs->cwd_path = xstrdup(buf);
	fs->cwd_gen = c->s->names_gen;
	return fs->cwd_path;
}

/* The cwd's path as the kernel tells it now; -ENOENT once it was removed,
 * as getcwd(2) fails then. */
static int cwd_read_path(struct sc_ctx *c, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	int n = vfs_fd_path(c->s, c->t->fs->cwd_fd, buf, size);
	if (n < 0)
		return n;
	struct stat st;
	if ((size_t)n > dlen && strcmp(buf + n - dlen, deleted) == 0 &&
	    fstat(c->t->fs->cwd_fd, &st) == 0 && st.st_nlink == 0)
		return -ENOENT;
	return n;
}

int vfs_cwd_proc_path(struct sc_ctx *c, char *buf, size_t size)
{
	if (!procfs_owns_fd(c->s, c->t->fs->cwd_fd, NULL, buf, size) ||
	    procfs_prefix_gone(c->s, buf))
		return -ENOENT;
	return (int)strlen(buf);
}

int vfs_cwd_text(struct sc_ctx *c, char *buf, size_t size)
{
	if (!c->t->fs->cwd_proc)
		return vfs_fd_path(c->s, c->t->fs->cwd_fd, buf, size);
	int n = vfs_cwd_proc_path(c, buf, size);
	return n == -ENOENT ? -ESRCH : n;
}

int vfs_getcwd(struct sc_ctx *c, char *buf, size_t size, const char **path_out)
{
	if (c->t->fs->cwd_proc) {
		*path_out = buf;
		return vfs_cwd_proc_path(c, buf, size);
	}
	/* Outside volumes a directory's path changes only by the sentry's
	 * own requests: the path kept for the dentry cache (dc_cwd_path)
	 * answers without asking the kernel again. */
	struct dcache *d = dc_get(c->s);
	const char *path = d ? dc_cwd_path(c) : NULL;
	if (path && !dcache_volatile(d, path)) {
		*path_out = path;
		return (int)strlen(path);
	}
	int r = cwd_read_path(c, buf, size);
	if (r < 0)
		return r;
	*path_out = buf;
	return r;
}
