/* SPDX-License-Identifier: Apache-2.0 */
/* The handler of GOP_OPEN: the fast path with the guest's own RESOLVE_*
 * flags, the walk when a redirect may explain a failure, the policy decided
 * before an open that may create or change a file, and the O_NONBLOCK and
 * FIFO rules of the answer (see gofer.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/creds.h"
#include "gofer/decide.h"
#include "gofer/request.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

/* Gives the fd the guest's own O_NONBLOCK setting, except for FIFOs (see
 * gofer.h). */
static int open_done(struct ctx *c, int fd, const struct stat *s)
{
	if (S_ISFIFO(s->st_mode)) {
		c->resp->val = GOFER_OPEN_FIFO;
	} else if (!(c->req->flags & (O_NONBLOCK | O_PATH))) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
			return -errno;
	}
	return 0;
}

/* With the guest's RESOLVE_* flags, the walk (which does not apply them)
 * may only go where the fast path could have gone: it runs when entering
 * the empty /proc explains the failure, and not below a guest's own root. */
static bool open_walk_allowed(struct ctx *c, int start, uint64_t resolve, int err)
{
	if (!(resolve & ~(uint64_t)RESOLVE_NO_MAGICLINKS))
		return fast_errno(err);
	if (err != ENOENT && err != ENOTDIR && err != EROFS && err != ENXIO)
		return false;
	if (!(resolve & RESOLVE_IN_ROOT) || start < 0)
		return true;
	struct stat s;
	return fstat(start, &s) == 0 && ident_is(&c->st->root, &s);
}

static bool open_creates(uint32_t flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static enum need open_need(uint32_t flags)
{
	if (flags & O_PATH)
		return NEED_SEE;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) || open_creates(flags))
		return NEED_WRITE;
	return NEED_READ;
}

/* What the opened object needs (a creation was decided before). */
static enum need open_post_need(uint32_t flags)
{
	if (flags & O_PATH)
		return NEED_SEE;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return NEED_WRITE;
	return NEED_READ;
}

/* An open that may create or change a file is decided before it is made:
 * on the walked-to name (the walk then serves the open itself, so what is
 * checked is what is opened). */
static int open_decide_walk(struct ctx *c, const struct gofer_walk *w)
{
	uint32_t flags = c->req->flags;
	if (!has_policy(c) || w->redirect)
		return 0;
	if (!w->exists && !(flags & O_CREAT))
		return 0; /* ENOENT comes from the open */
	enum need need = open_post_need(flags);
	if (!w->exists || (flags & O_TMPFILE) == O_TMPFILE)
		need = NEED_WRITE;
	return decide_name(c, w->parent_fd, w->last, need);
}

/* The same with the guest's RESOLVE_* flags, which only the fast path
 * applies: the object (or the parent of the name to create) is found by
 * openat2(2) with those flags. A name to create through a dangling symlink
 * is refused: the link's target is only known to the open itself. */
static int open_decide_resolved(struct ctx *c, int start, uint64_t resolve, bool nofollow)
{
	uint32_t flags = c->req->flags;
	const char *path = c->path;
	_cleanup_close_ int fd =
		fast_open(c->st, start, path, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0, resolve);
	if (fd >= 0) {
		struct gofer_walk w;
		struct stat s;
		if (fstat(fd, &s) < 0 || redirect_obj(c->st, &s, &w))
			return 0;
		enum need need = open_post_need(flags);
		if ((flags & O_TMPFILE) == O_TMPFILE)
			need = NEED_WRITE;
		return decide_fd(c, fd, need);
	}
	if (fd != -ENOENT || !(flags & O_CREAT))
		return 0;
	char dir[GOFER_PATH_MAX];
	size_t b, n;
	last_component(path, &b, &n);
	if (b == 0) {
		strcpy(dir, ".");
	} else {
		memcpy(dir, path, b);
		dir[b] = '\0';
	}
	char last[NAME_MAX_LEN + 1];
	if (n - b > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	memcpy(last, path + b, n - b);
	last[n - b] = '\0';
	_cleanup_close_ int pfd = fast_open(c->st, start, dir, O_PATH | O_DIRECTORY, 0, resolve);
	if (pfd < 0)
		return 0;
	struct stat s;
	if (fstatat(pfd, last, &s, AT_SYMLINK_NOFOLLOW) == 0)
		return -EACCES;
	return decide_name(c, pfd, last, NEED_WRITE);
}

/* The access an open asks for (may_open's MAY_READ and MAY_WRITE). */
static int open_want(uint32_t flags)
{
	if (flags & O_PATH)
		return 0;
	int want = (flags & O_ACCMODE) == O_RDONLY   ? R_OK
		   : (flags & O_ACCMODE) == O_WRONLY ? W_OK
						     : R_OK | W_OK;
	return (flags & O_TRUNC) ? want | W_OK : want;
}

/* The guest's root opened an inode it has no capability over (its owner
 * is outside the guest's user namespace): the mode bits decide, as Linux
 * decides for that root. O_TRUNC was held back for this check (see
 * op_open) and is applied once it passed. An empty file opened with
 * O_CREAT is left alone: it is almost always the one this open made,
 * which Linux does not truncate (no IN_MODIFY, no new mtime). */
static int open_root_may(struct ctx *c, int fd, const struct stat *s)
{
	uint32_t flags = c->req->flags;
	int r = creds_root_may(c->st, s, open_want(flags));
	bool made = (flags & O_CREAT) && s->st_size == 0;
	if (r == 0 && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY && S_ISREG(s->st_mode) &&
	    c->st->fs_uid == 0 && !made && ftruncate(fd, 0) < 0)
		r = -errno;
	return r;
}

/* The answer to an open that made fd (s: its fstat): the policy decides on
 * the object opened, and the fd gets its O_NONBLOCK setting. On success
 * the answer takes fd. */
static int open_answer(struct ctx *c, int *fd, const struct stat *s)
{
	int r = decide_fd(c, *fd, open_post_need(c->req->flags));
	if (r == 0)
		r = open_root_may(c, *fd, s);
	if (r == 0)
		r = open_done(c, *fd, s);
	if (r == 0) {
		c->resp->u.st = *s;
		/* The sentry answers fstatfs(2) of it as statfs of its path. */
		if (c->st->sysdir.valid && s->st_dev == c->st->sysdir.dev)
			c->resp->val = GOFER_OPEN_SYSFS;
		*c->fd_out = take_fd(fd);
	}
	return r;
}

int op_open(struct ctx *c)
{
	uint32_t flags = c->req->flags;
	uint64_t resolve = c->req->arg[GOFER_ARG_RESOLVE];
	uint64_t oflags = flags | O_NONBLOCK | O_NOCTTY;
	/* The guest's root truncates only what it may write: O_TRUNC waits
	 * for open_root_may's check (a read-only O_TRUNC keeps the kernel's). */
	if (c->st->fs_uid == 0 && (flags & O_ACCMODE) != O_RDONLY)
		oflags &= ~(uint64_t)O_TRUNC;
	/* openat2(2) refuses what O_PATH ignores. */
	if (flags & O_PATH)
		oflags = flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* Set-id bits never reach the host (the sentry keeps them). */
	uint64_t mode = (flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))
				? c->req->mode & ~(uint64_t)(S_ISUID | S_ISGID)
				: 0;
	int start;
	/* RESOLVE_BENEATH and RESOLVE_IN_ROOT bound even absolute paths by the dirfd. */
	int r = start_of(c, c->dir, (resolve & GUEST_ROOTED) ? "" : c->path, &start);
	if (r < 0)
		return r;

	bool nofollow = (flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL));
	/* With a policy, an open that may change something is decided first. */
	bool decide_first = has_policy(c) && open_need(flags) == NEED_WRITE;
	bool guest_resolve = resolve & ~(uint64_t)RESOLVE_NO_MAGICLINKS;
	if (decide_first && guest_resolve) {
		r = open_decide_resolved(c, start, resolve, nofollow);
		if (r < 0)
			return r;
	}
	_cleanup_close_ int fd = -ENOENT;
	if (fast_possible(c->st, start, c->path, resolve) && !(decide_first && !guest_resolve))
		fd = fast_open(c->st, start, c->path, oflags, mode, resolve);
	if (fd >= 0) {
		struct stat s;
		if (fstat(fd, &s) < 0)
			return -errno;
		struct gofer_walk w; /* only a redirect */
		if (redirect_obj(c->st, &s, &w))
			return answer_redirect(c, &w, GOFER_WHICH_ONLY);
		return open_answer(c, &fd, &s);
	}
	if (!open_walk_allowed(c, start, resolve, -fd))
		return fd;

	_cleanup_walk_ struct gofer_walk w;
	r = gofer_walk(c->st, start, c->path, nofollow ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW, 0,
		       &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, GOFER_WHICH_ONLY);
	r = decide_first ? open_decide_walk(c, &w) : 0;
	if (r < 0)
		return r;
	fd = open_final(&w, oflags, mode);
	gofer_walk_release(&w); /* early: what follows needs fd alone */
	if (fd == -ENXIO && w.exists && S_ISFIFO(w.st.st_mode))
		c->resp->val = GOFER_OPEN_FIFO;
	if (fd < 0)
		return fd;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	return open_answer(c, &fd, &s);
}
