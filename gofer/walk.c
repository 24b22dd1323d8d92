/* SPDX-License-Identifier: Apache-2.0 */
/* The path walk every request shares.
 *
 * Every request names its object by (dirfd, path). Resolution stays inside
 * the view: the process root is the view's root, so ".." and absolute
 * symlinks are bounded by the kernel, and the view holds no procfs, so there
 * are no magic links to jump through. The fast path is one openat2(2) with
 * RESOLVE_NO_MAGICLINKS. When it fails in a way a redirect could explain,
 * the walk below resolves the path one component at a time (all but the
 * last in one openat2 when it can), noticing when it enters /proc or
 * reaches /dev/tty: those trees belong to the sentry, which gets the rest of
 * the path back. A fast path that ends on /proc or /dev/tty itself is a
 * redirect with nothing left. */
#include "gofer/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_state.h"

#define MAX_SYMLINKS 40 /* Linux's MAXSYMLINKS */

/* ---- the fast path ---- */

/* Failures that a walk into a redirect point could explain. */
bool fast_errno(int e)
{
	return e == ENOENT || e == ENOTDIR || e == EROFS || e == EACCES || e == ELOOP ||
	       e == ENXIO || e == EAGAIN;
}

/* The fast path needs the kernel to bound the lookup by the view's root:
 * it does for absolute paths and paths from the root (RESOLVE_IN_ROOT on
 * the root's fd) and, when the process root is the view's, for all. */
bool fast_possible(const struct gofer_state *st, int start, const char *path, uint64_t resolve)
{
	return path[0] == '/' || start < 0 || st->root_is_process_root || (resolve & GUEST_ROOTED);
}

/* One openat2(2) of path from start (-1: the root), with the guest's own
 * RESOLVE_* flags added. Returns the fd or -errno. */
int fast_open(struct gofer_state *st, int start, const char *path, uint64_t flags, uint64_t mode,
	      uint64_t resolve)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = mode,
		.resolve = RESOLVE_NO_MAGICLINKS | resolve,
	};
	int base = start;
	if (resolve & GUEST_ROOTED) {
		/* The guest's dirfd bounds the lookup; it lies in the view. */
		base = start >= 0 ? start : st->root_fd;
	} else if (path[0] == '/' || start < 0) {
		base = st->root_fd;
		how.resolve |= RESOLVE_IN_ROOT;
	}
	int fd = (int)raw_openat2(base, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* The redirect an object found by the fast path stands for: it is the
 * redirect point itself, so nothing of the path is left. */
bool redirect_obj(const struct gofer_state *st, const struct stat *s, struct gofer_walk *w)
{
	if (is_proc(st, s))
		w->redirect = GOFER_REDIR_PROC;
	else if (ident_is(&st->tty, s))
		w->redirect = GOFER_REDIR_TTY;
	else
		return false;
	w->parent_fd = -1;
	w->rest[0] = '\0';
	w->rest_len = 0;
	return true;
}

/* ---- the component-by-component walk ---- */

struct walker {
	struct gofer_state *st;
	struct gofer_walk *w;
	enum gofer_walk_mode mode;
	int cur;	/* the directory reached so far */
	bool cur_owned; /* else borrowed (root_fd or the start fd) */
	struct stat cur_st;
	bool cur_is_root;
	int nlinks;
	int which; /* bufs[which] holds the path being walked */
	char bufs[2][GOFER_PATH_MAX];
};

static void walker_set_cur(struct walker *k, int fd, bool owned, const struct stat *s)
{
	if (k->cur_owned && k->cur >= 0)
		close(k->cur);
	k->cur = fd;
	k->cur_owned = owned;
	k->cur_st = *s;
	k->cur_is_root = ident_is(&k->st->root, s);
}

static int walker_to_root(struct walker *k)
{
	struct stat s;
	if (fstat(k->st->root_fd, &s) < 0)
		return -errno;
	walker_set_cur(k, k->st->root_fd, false, &s);
	k->w->vpath_len = 0;
	return 0;
}

static int vpath_push(struct gofer_walk *w, const char *comp)
{
	size_t n = strlen(comp);
	if (w->vpath_len + 1 + n >= sizeof(w->vpath))
		return -ENAMETOOLONG;
	w->vpath[w->vpath_len++] = '/';
	memcpy(w->vpath + w->vpath_len, comp, n);
	w->vpath_len += n;
	return 0;
}

static void vpath_pop(struct gofer_walk *w)
{
	while (w->vpath_len > 0 && w->vpath[w->vpath_len - 1] != '/')
		w->vpath_len--;
	if (w->vpath_len > 0)
		w->vpath_len--;
}

static void walk_redirect(struct walker *k, uint32_t kind, const char *rest)
{
	struct gofer_walk *w = k->w;
	size_t n = strlen(rest);
	w->redirect = kind;
	memcpy(w->rest, rest, n + 1);
	w->rest_len = n;
}

/* Ends the walk with the object in k->cur under the name `last`. */
static int walk_finish(struct walker *k, const char *last, bool slash)
{
	struct gofer_walk *w = k->w;
	size_t n = strlen(last);
	memcpy(w->last, last, n);
	if (slash)
		w->last[n++] = '/';
	w->last[n] = '\0';
	w->parent_fd = k->cur;
	w->parent_owned = k->cur_owned;
	w->parent_is_root = k->cur_is_root;
	k->cur = -1;
	k->cur_owned = false;
	return 0;
}

/* The object is the directory reached so far. */
static int walk_finish_dir(struct walker *k)
{
	k->w->exists = true;
	k->w->st = k->cur_st;
	if (is_proc(k->st, &k->cur_st)) {
		walk_redirect(k, GOFER_REDIR_PROC, "");
		return 0;
	}
	return walk_finish(k, ".", false);
}

/* Replaces the path being walked by target + "/" + rest. */
static int walk_splice(struct walker *k, const char *target, size_t tlen, const char *rest,
		       bool slash, char **p)
{
	if (++k->nlinks > MAX_SYMLINKS)
		return -ELOOP;
	if (tlen == 0)
		return -ENOENT;
	size_t rlen = strlen(rest);
	if (tlen + 1 + rlen + 1 > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	char *dst = k->bufs[k->which ^ 1];
	size_t n = tlen;
	memcpy(dst, target, tlen);
	if (rlen || slash)
		dst[n++] = '/';
	memcpy(dst + n, rest, rlen + 1);
	k->which ^= 1;
	*p = dst;
	return 0;
}

int read_link(int dir_fd, const char *name, char *buf, size_t size, size_t *len)
{
	ssize_t r = readlinkat(dir_fd, name, buf, size);
	if (r < 0)
		return -errno;
	if ((size_t)r >= size)
		return -ENAMETOOLONG;
	buf[r] = '\0';
	*len = (size_t)r;
	return 0;
}

static int walk_dotdot(struct walker *k)
{
	if (k->cur_is_root)
		return 0;
	int fd = openat(k->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat s;
	if (fstat(fd, &s) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	walker_set_cur(k, fd, true, &s);
	vpath_pop(k->w);
	return 0;
}

/* One component that is not the last. Returns 0 to go on, 1 when the walk
 * ended on a redirect, or -errno. */
static int walk_step(struct walker *k, const char *comp, const char *rest, char **p)
{
	if (strcmp(comp, ".") == 0) {
		*p = (char *)rest;
		return 0;
	}
	if (strcmp(comp, "..") == 0) {
		*p = (char *)rest;
		return walk_dotdot(k);
	}
	_cleanup_close_ int fd = openat(k->cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	if (S_ISLNK(s.st_mode)) {
		char target[GOFER_PATH_MAX];
		size_t tlen = 0;
		int r = read_link(fd, "", target, sizeof(target), &tlen);
		if (r < 0)
			return r;
		return walk_splice(k, target, tlen, rest, false, p);
	}
	if (!S_ISDIR(s.st_mode))
		return -ENOTDIR;
	if (is_proc(k->st, &s)) {
		/* "/proc/.." is the root again, as on Linux. */
		const char *q = rest;
		while (q[0] == '.' && (q[1] == '/' || q[1] == '\0'))
			q += strspn(q + 1, "/") + 1;
		if (q[0] == '.' && q[1] == '.' && (q[2] == '/' || q[2] == '\0')) {
			*p = (char *)q + 2 + strspn(q + 2, "/");
			return 0;
		}
		walk_redirect(k, GOFER_REDIR_PROC, q);
		return 1;
	}
	int r = vpath_push(k->w, comp);
	if (r < 0)
		return r;
	walker_set_cur(k, take_fd(&fd), true, &s);
	*p = (char *)rest;
	return 0;
}

/* The last component in PARENT mode: left for the operation, but a name
 * that is the redirect point itself is still redirected. /proc is a mount
 * on the root and /dev is read-only, so the names identify them. */
static int walk_last_parent(struct walker *k, const char *comp, bool slash)
{
	if (k->cur_is_root && name_is(comp, "proc")) {
		walk_redirect(k, GOFER_REDIR_PROC, "");
		return 0;
	}
	if (ident_is(&k->st->devdir, &k->cur_st) && name_is(comp, "tty")) {
		walk_redirect(k, GOFER_REDIR_TTY, "");
		return 0;
	}
	int r = vpath_push(k->w, comp);
	if (r < 0)
		return r;
	return walk_finish(k, comp, slash);
}

/* The last component. Returns 0 when the walk is done, 1 when a symlink was
 * expanded into *p, or -errno. */
static int walk_last(struct walker *k, const char *comp, bool slash, char **p)
{
	struct gofer_walk *w = k->w;

	if (k->mode == GOFER_WALK_PARENT)
		return walk_last_parent(k, comp, slash);
	if (name_is(comp, ".") || name_is(comp, "..")) {
		if (name_is(comp, "..")) {
			int r = walk_dotdot(k);
			if (r < 0)
				return r;
		}
		return walk_finish_dir(k);
	}

	struct stat s;
	if (fstatat(k->cur, comp, &s, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		w->exists = false;
		int r = vpath_push(w, comp);
		return r < 0 ? r : walk_finish(k, comp, slash);
	}
	if (S_ISLNK(s.st_mode) && (k->mode == GOFER_WALK_FOLLOW || slash)) {
		char target[GOFER_PATH_MAX];
		size_t tlen = 0;
		int r = read_link(k->cur, comp, target, sizeof(target), &tlen);
		if (r < 0)
			return r;
		r = walk_splice(k, target, tlen, "", slash, p);
		return r < 0 ? r : 1;
	}
	w->exists = true;
	w->st = s;
	if (slash && !S_ISDIR(s.st_mode))
		return -ENOTDIR;
	if (is_proc(k->st, &s)) {
		walk_redirect(k, GOFER_REDIR_PROC, "");
		return 0;
	}
	if (ident_is(&k->st->tty, &s)) {
		walk_redirect(k, GOFER_REDIR_TTY, "");
		return 0;
	}
	int r = vpath_push(w, comp);
	return r < 0 ? r : walk_finish(k, comp, slash);
}

static int walk_start(struct walker *k, int start_fd, const char *path, unsigned int wflags)
{
	if (path[0] == '/' || start_fd < 0)
		return walker_to_root(k);
	struct stat s;
	if (checked_fstat(k->st, start_fd, &s) < 0)
		return -errno;
	if (!S_ISDIR(s.st_mode))
		return -ENOTDIR;
	walker_set_cur(k, start_fd, false, &s);
	if (!(wflags & GOFER_WALK_WANT_PATH))
		return 0;
	ssize_t n = dir_path_as_gofer(k->st, start_fd, k->w->vpath, sizeof(k->w->vpath));
	if (n < 0)
		return (int)n;
	/* vpath holds "/a/b" or "/" (root: empty). */
	k->w->vpath_len = (n == 1) ? 0 : (size_t)n;
	return 0;
}

/* The last component of path is [*begin, *end): trailing slashes are left
 * out, and a path of slashes alone keeps its first. */
void last_component(const char *path, size_t *begin, size_t *end)
{
	size_t e = strlen(path);
	while (e > 1 && path[e - 1] == '/')
		e--;
	size_t b = e;
	while (b > 0 && path[b - 1] != '/')
		b--;
	*begin = b;
	*end = e;
}

/* All but the last component in one openat2(2), when that is possible: a
 * missing file then costs a few system calls however deep it is. A prefix
 * that is or enters /proc falls back to the walk, which finds the rest. */
static char *walk_fast_prefix(struct walker *k, int start_fd, char *path)
{
	size_t begin, end;
	last_component(path, &begin, &end);
	size_t lead = strspn(path, "/");
	if (begin == 0 || begin <= lead)
		return path;
	char *dir = k->bufs[k->which ^ 1]; /* scratch until a symlink is spliced */
	memcpy(dir, path, begin);
	dir[begin] = '\0';
	if (!fast_possible(k->st, start_fd, dir, 0))
		return path;
	int fd = fast_open(k->st, start_fd, dir, O_PATH | O_DIRECTORY, 0, 0);
	if (fd < 0)
		return path;
	struct stat s;
	if (fstat(fd, &s) < 0 || is_proc(k->st, &s)) {
		close(fd);
		return path;
	}
	walker_set_cur(k, fd, true, &s);
	return path + begin;
}

static int walk_loop(struct walker *k, char *p)
{
	for (;;) {
		if (*p == '/') {
			int r = walker_to_root(k);
			if (r < 0)
				return r;
			while (*p == '/')
				p++;
		}
		if (*p == '\0')
			return walk_finish_dir(k);
		char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		if (clen > NAME_MAX_LEN)
			return -ENAMETOOLONG;
		char comp[NAME_MAX_LEN + 1];
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		char *rest = end;
		while (*rest == '/')
			rest++;
		int r;
		if (*rest == '\0') {
			r = walk_last(k, comp, *end == '/', &p);
			if (r != 1)
				return r;
			continue;
		}
		r = walk_step(k, comp, rest, &p);
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

int gofer_walk(struct gofer_state *st, int start_fd, const char *path, enum gofer_walk_mode mode,
	       unsigned int wflags, struct gofer_walk *w)
{
	w->parent_fd = -1;
	w->parent_is_root = false;
	w->last[0] = '\0';
	w->exists = false;
	w->redirect = GOFER_REDIR_NONE;
	w->rest_len = 0;
	w->rest[0] = '\0';
	w->vpath_len = 0;

	size_t len = strlen(path);
	if (len >= GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;

	struct walker *k = malloc(sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->st = st;
	k->w = w;
	k->mode = mode;
	k->cur = -1;
	k->cur_owned = false;
	k->nlinks = 0;
	k->which = 0;
	memcpy(k->bufs[0], path, len + 1);

	int r = walk_start(k, start_fd, path, wflags);
	if (r == 0) {
		char *p = k->bufs[0];
		if (!(wflags & GOFER_WALK_WANT_PATH))
			p = walk_fast_prefix(k, start_fd, p);
		r = walk_loop(k, p);
	}
	if (k->cur_owned && k->cur >= 0)
		close(k->cur);
	free(k);
	if (r < 0) {
		gofer_walk_release(w);
		return r;
	}
	if (w->vpath_len == 0) {
		w->vpath[0] = '/';
		w->vpath_len = 1;
	}
	w->vpath[w->vpath_len] = '\0';
	return 0;
}

void gofer_walk_release(struct gofer_walk *w)
{
	if (w->parent_fd >= 0 && w->parent_owned)
		close(w->parent_fd);
	w->parent_fd = -1;
	w->parent_owned = false;
}

void gofer_walk_freep(struct gofer_walk **w)
{
	if (!*w)
		return;
	gofer_walk_release(*w);
	free(*w);
}

/* ---- the final object ---- */

/* Opens the final object found by a walk, never following a symlink. */
int open_final(const struct gofer_walk *w, uint64_t flags, uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = mode,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)raw_openat2(w->parent_fd, w->last, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

void obj_release(struct obj *o)
{
	if (o->owned && o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}

/* Resolves path to its final object. Returns 0 with o filled, 0 with
 * w->redirect set, or -errno. */
int resolve_obj(struct gofer_state *st, int start, const char *path, bool follow,
		struct gofer_walk *w, struct obj *o)
{
	o->fd = -1;
	o->owned = true;
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;

	int fd = -ENOENT;
	if (fast_possible(st, start, path, 0))
		fd = fast_open(st, start, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, 0);
	if (fd >= 0) {
		if (fstat(fd, &o->st) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (redirect_obj(st, &o->st, w)) {
			close(fd);
			return 0;
		}
		o->fd = fd;
		return 0;
	}
	if (!fast_errno(-fd))
		return fd;

	int r = gofer_walk(st, start, path, follow ? GOFER_WALK_FOLLOW : GOFER_WALK_NOFOLLOW, 0, w);
	if (r < 0 || w->redirect)
		return r;
	if (!w->exists) {
		gofer_walk_release(w);
		return -ENOENT;
	}
	fd = open_final(w, O_PATH | O_NOFOLLOW, 0);
	gofer_walk_release(w);
	if (fd < 0)
		return fd;
	if (fstat(fd, &o->st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	o->fd = fd;
	return 0;
}
