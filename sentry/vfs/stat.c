/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups that change nothing: stat, statx, access, readlink and statfs.
 * The first four are answered from the dentry cache where it keeps the
 * path's object (stat, statx, readlink, access's F_OK) or knows the path
 * fails; the rest go through the gofer or the sentry's /proc and /dev/tty. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* ---- stat and statx ---- */

static void stat_to_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime.tv_sec = st->st_atim.tv_sec;
	sx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
	sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
	sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
	sx->stx_rdev_major = major(st->st_rdev);
	sx->stx_rdev_minor = minor(st->st_rdev);
	sx->stx_dev_major = major(st->st_dev);
	sx->stx_dev_minor = minor(st->st_dev);
}

/* One walk for both: sx set means statx (with mask), else stat into st. */
struct stat_walk {
	struct vfs_walk w;
	int at_flags;
	unsigned int mask;
	struct stat *st;
	struct statx *sx;
};

static int stat_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct stat_walk *sw = (struct stat_walk *)w;
	if (sw->sx) {
		struct gofer_req req = {.op = GOP_STATX, .flags = (uint32_t)sw->at_flags};
		req.arg[GOFER_ARG_STATX_MASK] = sw->mask;
		return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, NULL);
	}
	struct gofer_req req = {.op = GOP_STAT, .flags = (uint32_t)sw->at_flags};
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, NULL);
}

static int stat_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct stat_walk *sw = (struct stat_walk *)w;
	if (sw->sx)
		*sw->sx = resp->u.stx;
	else
		*sw->st = resp->u.st;
	return 0;
}

static int stat_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct stat_walk *sw = (struct stat_walk *)w;
	struct stat st;
	(void)resp;
	int r = procfs_stat_ex(w->c, where, sw->at_flags & AT_SYMLINK_NOFOLLOW,
			       sw->sx ? &st : sw->st, w->path, PATH_MAX);
	if (r == 0 && sw->sx)
		stat_to_statx(&st, sw->sx);
	return r;
}

static const struct vfs_walk_ops stat_ops = {
	.call = stat_call,
	.view = stat_view,
	.redirect = stat_redirect,
};

/* The object of a guest fd itself (AT_EMPTY_PATH with an empty path):
 * one stat of the host /proc's link for that fd, where fetching the fd
 * (pidfd_getfd), stat'ing it and closing it took three calls. The link
 * leads to the very file the fd holds, whatever it is (a file of the view
 * or a deleted one, a pipe, a socket, a memfd, an O_PATH fd of a symlink),
 * without resolving any name the guest gave, so the answer is fstat(2)'s;
 * an fd closed meanwhile has no link: EBADF, as a native call that lost
 * the race gets. The tid is the notification's: it cannot name another
 * thread while the sentry answers, since every guest thread is the
 * sentry's tracee and one that dies stays a zombie until the sentry reaps
 * it, between notifications. The cwd is the sentry's own fd. */
static int guest_fd_link(struct sc_ctx *c, int guest_fd, char *link, size_t size)
{
	if (guest_fd < 0)
		return -EBADF;
	snprintf(link, size, "%d/fd/%d", (int)c->req->pid, guest_fd);
	return 0;
}

static int stat_emptypath(struct sc_ctx *c, int guest_dirfd, struct stat *st)
{
	if (guest_dirfd == AT_FDCWD) {
		if (c->t->fs->cwd_fd < 0)
			return -ENOMEM; /* see struct fsinfo */
		return fstat(c->t->fs->cwd_fd, st) < 0 ? -errno : 0;
	}
	char link[48];
	int r = guest_fd_link(c, guest_dirfd, link, sizeof(link));
	if (r < 0)
		return r;
	if (fstatat(c->s->host_procfd, link, st, 0) < 0)
		return errno == ENOENT ? -EBADF : -errno;
	/* An O_PATH fd's placeholder: the object it stands for. */
	int obj = opath_object(c->s, st);
	if (obj >= 0 && fstat(obj, st) < 0)
		return -errno;
	return 0;
}

static int statx_emptypath(struct sc_ctx *c, int guest_dirfd, int at_flags, unsigned int mask,
			   struct statx *sx)
{
	int sync = at_flags & AT_STATX_SYNC_TYPE;
	if (guest_dirfd == AT_FDCWD) {
		if (c->t->fs->cwd_fd < 0)
			return -ENOMEM; /* see struct fsinfo */
		return statx(c->t->fs->cwd_fd, "", AT_EMPTY_PATH | sync, mask, sx) < 0 ? -errno : 0;
	}
	char link[48];
	int r = guest_fd_link(c, guest_dirfd, link, sizeof(link));
	if (r < 0)
		return r;
	if (statx(c->s->host_procfd, link, AT_NO_AUTOMOUNT | sync, mask, sx) < 0)
		return errno == ENOENT ? -EBADF : -errno;
	/* An O_PATH fd's placeholder: the object it stands for. */
	if ((sx->stx_mask & (STATX_TYPE | STATX_INO)) == (STATX_TYPE | STATX_INO)) {
		struct stat id = {
			.st_dev = makedev(sx->stx_dev_major, sx->stx_dev_minor),
			.st_ino = sx->stx_ino,
			.st_mode = sx->stx_mode,
		};
		int obj = opath_object(c->s, &id);
		if (obj >= 0 && statx(obj, "", AT_EMPTY_PATH | sync, mask, sx) < 0)
			return -errno;
	}
	return 0;
}

int vfs_stat(struct sc_ctx *c, int guest_dirfd, char *path, int at_flags, struct stat *st)
{
	if (path[0] == 0 && (at_flags & AT_EMPTY_PATH))
		return stat_emptypath(c, guest_dirfd, st);
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), false, &q);
	int found = dc_find(c, guest_dirfd, path, &q, true, &hit);
	if (found != 0) {
		if (found > 0) {
			*st = hit.st;
			dc_hit_release(&hit);
		}
		return found < 0 ? found : 0;
	}
	struct stat_walk sw = {
		.w = {.ops = &stat_ops, .c = c, .guest_dirfd = guest_dirfd, .path = path, .q = &q},
		.at_flags = at_flags,
		.st = st,
	};
	return vfs_walk_run(&sw.w);
}

int vfs_statx(struct sc_ctx *c, int guest_dirfd, char *path, int at_flags, unsigned int mask,
	      struct statx *sx)
{
	int r;
	if (path[0] == 0 && (at_flags & AT_EMPTY_PATH))
		return statx_emptypath(c, guest_dirfd, at_flags, mask, sx);
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), false, &q);
	r = dc_statx_kept(c, &q, at_flags, mask, sx);
	if (r < 0 || r == 1)
		return r < 0 ? r : 0;
	r = r == 2 ? 0 : dc_find(c, guest_dirfd, path, &q, true, &hit);
	if (r < 0)
		return r;
	if (r > 0) {
		/* STATX_NLINK is filled whatever the mask asks. */
		r = statx(hit.fd, "", AT_EMPTY_PATH | (at_flags & AT_STATX_SYNC_TYPE), mask, sx);
		r = r < 0 ? -errno : 0;
		dc_hit_release(&hit);
		return r;
	}
	struct stat_walk sw = {
		.w = {.ops = &stat_ops, .c = c, .guest_dirfd = guest_dirfd, .path = path, .q = &q},
		.at_flags = at_flags,
		.mask = mask,
		.sx = sx,
	};
	return vfs_walk_run(&sw.w);
}

/* ---- access ---- */

struct access_walk {
	struct vfs_walk w;
	int mode;
	int at_flags;
};

static int access_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct access_walk *aw = (struct access_walk *)w;
	struct gofer_req req = {
		.op = GOP_ACCESS, .flags = (uint32_t)aw->at_flags, .mode = (uint32_t)aw->mode};
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, NULL);
}

static int access_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	(void)w;
	(void)resp;
	return 0;
}

static int access_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct access_walk *aw = (struct access_walk *)w;
	(void)resp;
	int r = procfs_access_ex(w->c, where, aw->mode, w->path, PATH_MAX);
	return r == PROCFS_REOPEN_PATH || r < 0 ? r : 0;
}

static const struct vfs_walk_ops access_ops = {
	.call = access_call,
	.view = access_view,
	.redirect = access_redirect,
};

int vfs_access(struct sc_ctx *c, int guest_dirfd, char *path, int mode, int at_flags)
{
	/* Existence alone (F_OK) can be answered from the cache; a failed
	 * lookup answers every mode. */
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), !(at_flags & AT_EACCESS),
		 &q);
	int r = dc_find(c, guest_dirfd, path, &q, mode == F_OK, &hit);
	if (r > 0)
		dc_hit_release(&hit);
	if (r != 0)
		return r < 0 ? r : 0;
	struct access_walk aw = {
		.w = {.ops = &access_ops,
		      .c = c,
		      .guest_dirfd = guest_dirfd,
		      .path = path,
		      .q = &q},
		.mode = mode,
		.at_flags = at_flags,
	};
	return vfs_walk_run(&aw.w);
}

/* ---- readlink ---- */

struct readlink_walk {
	struct vfs_walk w;
	char *target;
	size_t size;
	size_t *len_out;
};

static int readlink_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct gofer_req req = {.op = GOP_READLINK, .flags = w->path[0] ? 0 : AT_EMPTY_PATH};
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, NULL);
}

static int readlink_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct readlink_walk *rw = (struct readlink_walk *)w;
	*rw->len_out = resp->data_len;
	memcpy(rw->target, resp->data, resp->data_len);
	return 0;
}

static int readlink_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct readlink_walk *rw = (struct readlink_walk *)w;
	if (resp->redirect == GOFER_REDIR_TTY)
		return -EINVAL;
	size_t len = 0;
	int r = procfs_readlink_ex(w->c, where, rw->target, rw->size, &len, w->path, PATH_MAX);
	if (r == PROCFS_REOPEN_PATH || r < 0)
		return r;
	*rw->len_out = len > rw->size ? rw->size : len;
	return 0;
}

static const struct vfs_walk_ops readlink_ops = {
	.call = readlink_call,
	.view = readlink_view,
	.redirect = readlink_redirect,
	.learn_found = -EINVAL, /* not a link: the path resolved */
};

/* readlinkat(fd, "") reads an O_PATH symlink fd; else ENOENT. */
static int readlink_emptypath(struct sc_ctx *c, int guest_dirfd)
{
	struct stat st;
	int fd = guest_dirfd == AT_FDCWD ? -1 : guest_getfd(c, guest_dirfd);
	if (guest_dirfd != AT_FDCWD && fd < 0)
		return fd;
	bool link = fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
	if (fd >= 0)
		close(fd);
	return link ? 0 : -ENOENT;
}

int vfs_readlink(struct sc_ctx *c, int guest_dirfd, char *path, char *target, size_t size,
		 size_t *len_out)
{
	int r;
	if (path[0] == 0) {
		r = readlink_emptypath(c, guest_dirfd);
		if (r < 0)
			return r;
	}
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, false, false, &q);
	r = dc_find(c, guest_dirfd, path, &q, true, &hit);
	if (r < 0)
		return r;
	if (r > 0) {
		ssize_t n = -EINVAL;
		if (S_ISLNK(hit.st.st_mode)) {
			n = readlinkat(hit.fd, "", target, size);
			if (n < 0)
				n = -errno;
		}
		dc_hit_release(&hit);
		if (n < 0)
			return (int)n;
		*len_out = (size_t)n;
		return 0;
	}
	struct readlink_walk rw = {
		.w = {.ops = &readlink_ops,
		      .c = c,
		      .guest_dirfd = guest_dirfd,
		      .path = path,
		      .q = &q},
		.target = target,
		.size = size,
		.len_out = len_out,
	};
	return vfs_walk_run(&rw.w);
}

/* ---- statfs ---- */

int vfs_statfs(struct sc_ctx *c, char *path, struct statfs *out)
{
	struct gofer_req req = {.op = GOP_STATFS};
	struct gofer_resp resp;
	int r = gofer_path_call(c, AT_FDCWD, path, &req, &resp, NULL);
	if (r < 0)
		return r;
	*out = resp.u.sfs;
	if (resp.redirect) {
		memset(out, 0, sizeof(*out));
		out->f_type = 0x9fa0; /* PROC_SUPER_MAGIC */
		out->f_bsize = 4096;
		out->f_namelen = 255;
		out->f_frsize = 4096;
	}
	return 0;
}
