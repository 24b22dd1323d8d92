/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer's request handlers and the path walk they share.
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
 * redirect with nothing left.
 *
 * Operations act on the resolved (parent directory, final name) with the
 * *at() system calls, or on an O_PATH fd of the final object, so the kernel
 * never follows a final symlink the walk did not decide to follow. */
#include "gofer/gofer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "policy/policy.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef ST_NOEXEC
#define ST_NOEXEC 8
#endif

#define MAX_SYMLINKS 40 /* Linux's MAXSYMLINKS */
#define NAME_MAX_LEN 255

/* ---- the view's identity ---- */

static void ident_set(struct gofer_ident *id, const struct stat *s)
{
	id->valid = true;
	id->dev = s->st_dev;
	id->ino = s->st_ino;
}

static bool ident_is(const struct gofer_ident *id, const struct stat *s)
{
	return id->valid && id->dev == s->st_dev && id->ino == s->st_ino;
}

static void ident_at(struct gofer_ident *id, int dir_fd, const char *path)
{
	struct stat s;
	if (fstatat(dir_fd, path, &s, AT_SYMLINK_NOFOLLOW) == 0)
		ident_set(id, &s);
}

int gofer_state_init(struct gofer_state *st, int root_fd, bool root_is_process_root)
{
	struct stat s;
	if (fstat(root_fd, &s) < 0)
		return -errno;
	if (!S_ISDIR(s.st_mode))
		return -ENOTDIR;
	st->root_fd = root_fd;
	st->root_is_process_root = root_is_process_root;
	ident_set(&st->root, &s);
	ident_at(&st->proc, root_fd, "proc");
	ident_at(&st->devdir, root_fd, "dev");
	ident_at(&st->tty, root_fd, "dev/tty");
	return gofer_state_add_mount(st, root_fd, "");
}

void gofer_state_add_dev(struct gofer_state *st, dev_t dev)
{
	for (size_t i = 0; i < st->nview_devs; i++)
		if (st->view_devs[i] == dev)
			return;
	dev_t *n = realloc(st->view_devs, (st->nview_devs + 1) * sizeof(*n));
	if (!n)
		die("out of memory");
	n[st->nview_devs++] = dev;
	st->view_devs = n;
}

static bool view_dev(const struct gofer_state *st, dev_t dev)
{
	for (size_t i = 0; i < st->nview_devs; i++)
		if (st->view_devs[i] == dev)
			return true;
	return false;
}

/* The mount id of fd's (or path's) mount; 0 if the kernel does not say. */
static uint64_t mount_id_at(int dir_fd, const char *path)
{
	struct statx stx;
	int flags = AT_SYMLINK_NOFOLLOW | (path[0] ? 0 : AT_EMPTY_PATH);
	if (statx(dir_fd, path, flags, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

int gofer_state_add_mount(struct gofer_state *st, int dir_fd, const char *path)
{
	struct stat s;
	int flags = AT_SYMLINK_NOFOLLOW | (path[0] ? 0 : AT_EMPTY_PATH);
	if (fstatat(dir_fd, path, &s, flags) < 0)
		return -errno;
	gofer_state_add_dev(st, s.st_dev);
	uint64_t id = mount_id_at(dir_fd, path);
	if (!id)
		return 0;
	for (size_t i = 0; i < st->nview_mnts; i++)
		if (st->view_mnts[i] == id)
			return 0;
	uint64_t *n = realloc(st->view_mnts, (st->nview_mnts + 1) * sizeof(*n));
	if (!n)
		die("out of memory");
	n[st->nview_mnts++] = id;
	st->view_mnts = n;
	return 0;
}

/* fd is on one of the view's own mounts. Without mount ids (Linux before
 * 5.8) the st_dev check alone stands. */
static bool view_mount(const struct gofer_state *st, int fd)
{
	uint64_t id = mount_id_at(fd, "");
	if (!id || !st->nview_mnts)
		return true;
	for (size_t i = 0; i < st->nview_mnts; i++)
		if (st->view_mnts[i] == id)
			return true;
	return false;
}

static bool is_proc(const struct gofer_state *st, const struct stat *s)
{
	return S_ISDIR(s->st_mode) && ident_is(&st->proc, s);
}

/* ---- credentials ---- */

/* The fs ids decide permission checks and the owner of new files. They
 * are only switched when they change (a guest running as root costs no
 * system call); groups likewise, and with fsuid 0 they do not matter. */
static int creds_fs(struct gofer_state *st, uint32_t uid, uint32_t gid)
{
	if (st->fs_uid == uid && st->fs_gid == gid)
		return 0;
	setfsgid(gid);
	setfsuid(uid);
	st->fs_gid = (uint32_t)setfsgid((gid_t)-1);
	st->fs_uid = (uint32_t)setfsuid((uid_t)-1);
	return st->fs_uid == uid && st->fs_gid == gid ? 0 : -EPERM;
}

/* Back to the gofer's own ids, for the work it does as itself. */
static void creds_root(struct gofer_state *st)
{
	if (creds_fs(st, 0, 0) < 0)
		die("cannot return to fsuid 0");
}

/* ... and to the ids of the request being served. */
static int creds_back(struct gofer_state *st)
{
	return creds_fs(st, st->uid, st->gid);
}

static int creds_guest(struct gofer_state *st, const struct gofer_req *req)
{
	st->uid = req->uid;
	st->gid = req->gid;
	if (!st->groups_set || st->ngroups != req->ngroups ||
	    memcmp(st->groups, req->groups, req->ngroups * sizeof(uint32_t)) != 0) {
		gid_t groups[GOFER_MAX_GROUPS];
		for (uint32_t i = 0; i < req->ngroups; i++)
			groups[i] = req->groups[i];
		st->groups_set = false;
		if (syscall(SYS_setgroups, (size_t)req->ngroups, groups) < 0)
			return -errno;
		memcpy(st->groups, req->groups, req->ngroups * sizeof(uint32_t));
		st->ngroups = req->ngroups;
		st->groups_set = true;
	}
	int r = creds_back(st);
	if (r < 0)
		creds_root(st);
	return r;
}

/* ---- the fast path ---- */

/* Failures that a walk into a redirect point could explain. */
static bool fast_errno(int e)
{
	return e == ENOENT || e == ENOTDIR || e == EROFS || e == EACCES || e == ELOOP ||
	       e == ENXIO || e == EAGAIN;
}

#define GUEST_ROOTED (RESOLVE_BENEATH | RESOLVE_IN_ROOT)

/* The fast path needs the kernel to bound the lookup by the view's root:
 * it does for absolute paths and paths from the root (RESOLVE_IN_ROOT on
 * the root's fd) and, when the process root is the view's, for all. */
static bool fast_possible(const struct gofer_state *st, int start, const char *path,
			  uint64_t resolve)
{
	return path[0] == '/' || start < 0 || st->root_is_process_root || (resolve & GUEST_ROOTED);
}

/* One openat2(2) of path from start (-1: the root), with the guest's own
 * RESOLVE_* flags added. Returns the fd or -errno. */
static int fast_open(struct gofer_state *st, int start, const char *path, uint64_t flags,
		     uint64_t mode, uint64_t resolve)
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
static bool redirect_obj(const struct gofer_state *st, const struct stat *s, struct gofer_walk *w)
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
	if (!k->cur_owned) {
		int fd = fcntl(k->cur, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
		k->cur = fd;
		k->cur_owned = true;
	}
	w->parent_fd = k->cur;
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

static int read_link(int dir_fd, const char *name, char *buf, size_t size, size_t *len)
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

static bool name_is(const char *comp, const char *name)
{
	return strcmp(comp, name) == 0;
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

/* A directory's path is found by reading its ancestors, which the guest's
 * ids may not allow: the gofer reads them with its own. */
static ssize_t dir_path_as_gofer(struct gofer_state *st, int dir_fd, char *buf, size_t size)
{
	creds_root(st);
	ssize_t n = gofer_dir_path(st, dir_fd, buf, size);
	int r = creds_back(st);
	return r < 0 ? r : n;
}

static int walk_start(struct walker *k, int start_fd, const char *path, unsigned int wflags)
{
	if (path[0] == '/' || start_fd < 0)
		return walker_to_root(k);
	struct stat s;
	if (fstat(start_fd, &s) < 0)
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
static void last_component(const char *path, size_t *begin, size_t *end)
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
	if (w->parent_fd >= 0)
		close(w->parent_fd);
	w->parent_fd = -1;
}

/* ---- the path of a directory, found by climbing ".." ---- */

/* Finds the name under which directory `child` appears in `parent_fd`. A
 * mount point's entry reports the covered inode in d_ino, and overlayfs may
 * report the lower one, so the second pass stats every directory entry. */
static int find_name(int parent_fd, const struct stat *child, char *name, size_t size)
{
	for (int pass = 0; pass < 2; pass++) {
		int fd = openat(parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		DIR *d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -ENOMEM;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (name_is(de->d_name, ".") || name_is(de->d_name, ".."))
				continue;
			if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
				continue;
			if (pass == 0 && de->d_ino != child->st_ino)
				continue;
			struct stat s;
			if (fstatat(dirfd(d), de->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (s.st_dev == child->st_dev && s.st_ino == child->st_ino &&
			    strlen(de->d_name) < size) {
				strcpy(name, de->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -ENOENT;
}

ssize_t gofer_dir_path(struct gofer_state *st, int dir_fd, char *buf, size_t size)
{
	if (size < 2)
		return -ENAMETOOLONG;
	/* Built backwards from the end of buf. */
	size_t pos = size - 1;
	buf[pos] = '\0';
	_cleanup_close_ int cur = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	struct stat cs;
	if (fstat(cur, &cs) < 0)
		return -errno;
	while (!ident_is(&st->root, &cs)) {
		int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0)
			return -errno;
		close(cur);
		cur = parent;
		struct stat ps;
		if (fstat(parent, &ps) < 0)
			return -errno;
		if (ps.st_dev == cs.st_dev && ps.st_ino == cs.st_ino)
			return -ENOENT; /* the top, and not the view's root */
		char name[NAME_MAX_LEN + 1];
		int r = find_name(parent, &cs, name, sizeof(name));
		if (r < 0)
			return r;
		size_t n = strlen(name);
		if (n + 1 > pos)
			return -ENAMETOOLONG;
		pos -= n;
		memcpy(buf + pos, name, n);
		buf[--pos] = '/';
		cs = ps;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	size_t len = size - 1 - pos;
	memmove(buf, buf + pos, len + 1);
	return (ssize_t)len;
}

/* Opens the final object found by a walk, never following a symlink. */
static int open_final(const struct gofer_walk *w, uint64_t flags, uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = mode,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)raw_openat2(w->parent_fd, w->last, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* An object an operation acts on: an O_PATH fd (owned) or the request's
 * own fd (AT_EMPTY_PATH, borrowed). */
struct obj {
	int fd;
	bool owned;
	struct stat st;
};

static void obj_release(struct obj *o)
{
	if (o->owned && o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}

/* Resolves path to its final object. Returns 0 with o filled, 0 with
 * w->redirect set, or -errno. */
static int resolve_obj(struct gofer_state *st, int start, const char *path, bool follow,
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

/* ---- request context ---- */

struct ctx {
	struct gofer_state *st;
	const struct gofer_req *req;
	const char *path;
	const char *path2;
	int dir; /* the request's fds, -1 when absent */
	int dir2;
	int obj;
	struct gofer_resp *resp;
	int *fd_out;
};

static int set_data(struct gofer_resp *resp, const char *s, size_t n)
{
	if (n > sizeof(resp->data))
		return -ENAMETOOLONG;
	memcpy(resp->data, s, n);
	resp->data_len = (uint32_t)n;
	return 0;
}

static int answer_redirect(struct ctx *c, const struct gofer_walk *w, int which)
{
	c->resp->redirect = w->redirect;
	c->resp->val = which;
	return set_data(c->resp, w->rest, w->rest_len);
}

/* A dirfd that paths are resolved from: a directory on a view mount. */
static int check_dirfd(const struct gofer_state *st, int fd)
{
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	if (!S_ISDIR(s.st_mode))
		return -ENOTDIR;
	if (!view_dev(st, s.st_dev) || !view_mount(st, fd))
		return -EBADF;
	return 0;
}

/* An fd that is itself the object (AT_EMPTY_PATH): anything but a procfs
 * or nsfs file, whose operations reach beyond the sandbox. */
static int check_anyfd(int fd)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == NSFS_MAGIC)
		return -EBADF;
	return 0;
}

#ifndef PIPEFS_MAGIC
#define PIPEFS_MAGIC 0x50495045
#endif
#ifndef SOCKFS_MAGIC
#define SOCKFS_MAGIC 0x534F434B
#endif
#ifndef ANON_INODE_FS_MAGIC
#define ANON_INODE_FS_MAGIC 0x09041934
#endif

/* Is fd's object on one of the view's mounts? The mount id decides: an
 * overlay file's st_dev is its layer's, not the overlay's. The st_dev check
 * stands in only where the kernel gives no mount ids. */
static bool fd_in_view(const struct gofer_state *st, int fd)
{
	if (mount_id_at(fd, "") && st->nview_mnts)
		return view_mount(st, fd);
	struct stat s;
	return fstat(fd, &s) == 0 && view_dev(st, s.st_dev);
}

/* The kernel reports mount id 0 for its internal mounts (memfds). */
static bool is_internal_mount(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return false;
	return (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id == 0;
}

/* An fd whose inode a request changes (chmod, chown, utimens, link by fd):
 * on a mount of the view, a memfd, a pipe, a socket or an anonymous inode.
 * Anything else came from the host (stdio the launcher handed over): guest
 * root would otherwise change a host file's owner or mode as host root. */
static int check_mutable_fd(const struct gofer_state *st, int fd)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type == PIPEFS_MAGIC || sfs.f_type == SOCKFS_MAGIC ||
	    sfs.f_type == ANON_INODE_FS_MAGIC)
		return 0;
	if (sfs.f_type == TMPFS_MAGIC && is_internal_mount(fd))
		return 0; /* a memfd: the kernel's own shmem mount */
	if (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == NSFS_MAGIC)
		return -EBADF;
	return fd_in_view(st, fd) ? 0 : -EPERM;
}

static bool op_mutates(uint32_t op)
{
	return op == GOP_CHMOD || op == GOP_CHOWN || op == GOP_UTIMENS || op == GOP_LINK ||
	       op == GOP_TRUNCATE;
}

/* Where a path starts: its dirfd (validated) or, for absolute paths and
 * requests without one, the root (-1). */
static int start_of(struct ctx *c, int dirfd, const char *path, int *start)
{
	*start = -1;
	if (path[0] == '/' || dirfd < 0)
		return 0;
	int r = check_dirfd(c->st, dirfd);
	if (r < 0)
		return r;
	*start = dirfd;
	return 0;
}

static bool empty_path_obj(const struct ctx *c)
{
	return c->path[0] == '\0';
}

/* The object of a path request that may name its fd (AT_EMPTY_PATH). */
static int ctx_obj(struct ctx *c, bool follow, struct gofer_walk *w, struct obj *o)
{
	w->redirect = GOFER_REDIR_NONE;
	w->parent_fd = -1;
	if (empty_path_obj(c)) {
		int r = op_mutates(c->req->op) ? check_mutable_fd(c->st, c->dir)
					       : check_anyfd(c->dir);
		if (r < 0)
			return r;
		o->fd = c->dir;
		o->owned = false;
		return fstat(o->fd, &o->st) < 0 ? -errno : 0;
	}
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	return resolve_obj(c->st, start, c->path, follow, w, o);
}

static bool follows(const struct gofer_req *req)
{
	return !(req->flags & AT_SYMLINK_NOFOLLOW);
}

/* ---- the policy's file rules (see gofer.h) ---- */

enum need {
	NEED_SEE,   /* stat: only hidden paths are refused */
	NEED_READ,  /* open for reading, list, readlink, exec */
	NEED_WRITE, /* anything that creates, changes or removes */
};

static bool has_policy(const struct ctx *c)
{
	return c->st->policy != NULL;
}

/* One line of the learn log (see gofer.h). Bytes JSON cannot carry as
 * they are become \u00XX; invalid UTF-8 is escaped byte by byte too. */
static void learn_record(const struct gofer_state *st, const char *vpath, enum need need)
{
	static const char head[] = "{\"source\": \"gofer\", \"object\": \"";
	char line[sizeof(head) + 6 * GOFER_PATH_MAX + 64];
	size_t n = sizeof(head) - 1;
	memcpy(line, head, n);
	for (const unsigned char *u = (const unsigned char *)vpath; *u; u++) {
		if (*u == '"' || *u == '\\') {
			line[n++] = '\\';
			line[n++] = (char)*u;
		} else if (*u < 0x20 || *u >= 0x7f) {
			n += (size_t)snprintf(line + n, 7, "\\u%04x", *u);
		} else {
			line[n++] = (char)*u;
		}
	}
	n += (size_t)snprintf(line + n, sizeof(line) - n,
			      "\", \"access\": \"%s\", \"decision\": \"allow\"}\n",
			      need == NEED_WRITE ? "write" : "read");
	ssize_t w;
	do
		w = write(st->learn_fd, line, n);
	while (w < 0 && errno == EINTR);
}

/* The decision on a path inside the view. */
static int decide(struct ctx *c, const char *vpath, enum need need)
{
	uint32_t rule = POLICY_NO_RULE;
	enum policy_access a = policy_file_access(c->st->policy, vpath, &rule);
	int r = 0;
	if (a == POLICY_ACCESS_HIDDEN)
		r = -ENOENT;
	else if (a == POLICY_ACCESS_NONE && need != NEED_SEE)
		r = -EACCES;
	else if (a == POLICY_ACCESS_READ && need == NEED_WRITE)
		r = -EACCES;
	if (r < 0 && rule != POLICY_NO_RULE)
		c->resp->rule = rule + 1;
	if (r == 0 && need != NEED_SEE && c->st->learn)
		learn_record(c->st, vpath, need);
	return r;
}

/* The path inside the view of what fd refers to (see gofer.h). -ENOENT
 * for what has no path (pipes, sockets, anonymous inodes). */
static int fd_vpath(const struct gofer_state *st, int fd, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char link[32];
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	ssize_t n = readlinkat(st->host_procfd, link, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (buf[0] != '/')
		return -ENOENT;
	struct stat s;
	if ((size_t)n > dlen && strcmp(buf + n - dlen, deleted) == 0 && fstat(fd, &s) == 0 &&
	    s.st_nlink == 0)
		buf[n - dlen] = '\0';
	return 0;
}

/* The decision on the object of fd. Objects outside the view's mounts
 * (memfds, pipes, the launcher's stdio) are not the policy's. */
static int decide_fd(struct ctx *c, int fd, enum need need)
{
	if (!has_policy(c))
		return 0;
	if (is_internal_mount(fd) || !fd_in_view(c->st, fd))
		return 0;
	char path[GOFER_PATH_MAX];
	int r = fd_vpath(c->st, fd, path, sizeof(path));
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : decide(c, path, need);
}

/* parent_fd's path, "/" and name, with a trailing "/", "." and ".." taken
 * as the kernel will. */
static int name_vpath(struct ctx *c, int parent_fd, const char *name, char *path, size_t size)
{
	int r = fd_vpath(c->st, parent_fd, path, size);
	if (r < 0)
		return r == -ENOENT ? -EACCES : r;
	char last[NAME_MAX_LEN + 2];
	snprintf(last, sizeof(last), "%s", name);
	size_t ln = strlen(last);
	while (ln > 0 && last[ln - 1] == '/')
		last[--ln] = '\0';
	if (ln == 0 || name_is(last, "."))
		return 0;
	size_t n = strlen(path);
	if (name_is(last, "..")) {
		while (n > 1 && path[n - 1] != '/')
			n--;
		path[n > 1 ? n - 1 : 1] = '\0';
		return 0;
	}
	if (n + 1 + ln >= size)
		return -ENAMETOOLONG;
	if (n > 1)
		path[n++] = '/';
	memcpy(path + n, last, ln + 1);
	return 0;
}

static int decide_name(struct ctx *c, int parent_fd, const char *name, enum need need)
{
	if (!has_policy(c))
		return 0;
	char path[GOFER_PATH_MAX];
	int r = name_vpath(c, parent_fd, name, path, sizeof(path));
	return r < 0 ? r : decide(c, path, need);
}

static int decide_obj(struct ctx *c, const struct obj *o, enum need need)
{
	return decide_fd(c, o->fd, need);
}

/* A rule other than write may apply below dir, and no later write rule
 * covers all of dir's subtree: moving dir would carry those paths out from
 * under it (or bring others under it). Hidden rules always count. */
static int subtree_rule(const struct policy_view *pv, const char *dir, uint32_t *rule)
{
	uint32_t hfirst = policy_rule_first(pv, POLICY_RULE_HIDDEN);
	for (uint32_t i = 0; i < policy_rule_count(pv, POLICY_RULE_HIDDEN); i++) {
		if (policy_glob_may_match_below(policy_rule_glob(pv, hfirst + i), dir)) {
			*rule = hfirst + i;
			return -EACCES;
		}
	}
	uint32_t first = policy_rule_first(pv, POLICY_RULE_FILE);
	uint32_t count = policy_rule_count(pv, POLICY_RULE_FILE);
	for (uint32_t i = count; i-- > 0;) {
		const struct policy_rule *pr = policy_rule(pv, first + i);
		const char *glob = policy_rule_glob(pv, first + i);
		if (pr->access == POLICY_ACCESS_WRITE) {
			/* P followed by a last component "**", with P matching dir or
			 * an ancestor, covers all below it. */
			char base[POLICY_PATH_MAX];
			size_t n = strlen(glob);
			if (n >= 3 && strcmp(glob + n - 3, "/**") == 0 && n < sizeof(base)) {
				memcpy(base, glob, n - 3);
				base[n - 3] = '\0';
				if (!base[0] || policy_glob_match_prefix(base, dir))
					return 0;
			}
			continue;
		}
		if (policy_glob_may_match_below(glob, dir)) {
			*rule = first + i;
			return -EACCES;
		}
	}
	return 0;
}

/* Renaming a directory moves everything below it. */
static int decide_rename_dir(struct ctx *c, const struct gofer_walk *w1,
			     const struct gofer_walk *w2)
{
	struct stat s;
	if (fstatat(w1->parent_fd, w1->last, &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(s.st_mode))
		return 0;
	const struct gofer_walk *ws[2] = {w1, w2};
	for (int i = 0; i < 2; i++) {
		char path[GOFER_PATH_MAX];
		int r = name_vpath(c, ws[i]->parent_fd, ws[i]->last, path, sizeof(path));
		uint32_t rule = POLICY_NO_RULE;
		if (r == 0)
			r = subtree_rule(c->st->policy, path, &rule);
		if (r < 0) {
			if (rule != POLICY_NO_RULE)
				c->resp->rule = rule + 1;
			return r;
		}
	}
	return 0;
}

/* ---- handlers ---- */

static int op_stat(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_SEE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	c->resp->u.st = o.st;
	obj_release(&o);
	return 0;
}

static int op_statx(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_SEE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	int flags = AT_EMPTY_PATH | (int)(c->req->flags & AT_STATX_SYNC_TYPE);
	r = statx(o.fd, "", flags, (unsigned int)c->req->arg[0], &c->resp->u.stx);
	r = r < 0 ? -errno : 0;
	obj_release(&o);
	return r;
}

static int op_access(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	enum need need = (c->req->mode & W_OK)		  ? NEED_WRITE
			 : (c->req->mode & (R_OK | X_OK)) ? NEED_READ
							  : NEED_SEE;
	r = decide_obj(c, &o, need);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	/* The ids in the request are the ones to check with (AT_EACCESS). */
	r = (int)syscall(SYS_faccessat2, o.fd, "", (int)c->req->mode, AT_EACCESS | AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	obj_release(&o);
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

static int op_readlink(struct ctx *c)
{
	if (empty_path_obj(c)) {
		int r = check_anyfd(c->dir);
		return r < 0 ? r : readlink_dir_path(c);
	}
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, false, &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	if (!S_ISLNK(o.st.st_mode)) {
		obj_release(&o);
		return -EINVAL;
	}
	r = decide_obj(c, &o, NEED_READ);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	char target[GOFER_PATH_MAX];
	size_t n = 0;
	r = read_link(o.fd, "", target, sizeof(target), &n);
	obj_release(&o);
	return r < 0 ? r : set_data(c->resp, target, n);
}

static int op_chmod(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_WRITE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	if (S_ISLNK(o.st.st_mode)) {
		obj_release(&o);
		return -EOPNOTSUPP; /* as fchmodat2(AT_SYMLINK_NOFOLLOW) */
	}
	r = (int)syscall(SYS_fchmodat2, o.fd, "", (mode_t)c->req->mode, AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	obj_release(&o);
	return r;
}

static int op_chown(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_WRITE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	r = fchownat(o.fd, "", (uid_t)c->req->arg[0], (gid_t)c->req->arg[1], AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	obj_release(&o);
	return r;
}

static int op_utimens(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, follows(c->req), &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_WRITE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	struct timespec ts[2] = {
		{.tv_sec = (time_t)c->req->arg[0], .tv_nsec = (long)c->req->arg[1]},
		{.tv_sec = (time_t)c->req->arg[2], .tv_nsec = (long)c->req->arg[3]},
	};
	r = utimensat(o.fd, "", c->req->mode == 1 ? NULL : ts, AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	obj_release(&o);
	return r;
}

static int op_statfs(struct ctx *c)
{
	struct gofer_walk w;
	struct obj o;
	int r = ctx_obj(c, true, &w, &o);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_obj(c, &o, NEED_SEE);
	if (r < 0) {
		obj_release(&o);
		return r;
	}
	r = fstatfs(o.fd, &c->resp->u.sfs) < 0 ? -errno : 0;
	obj_release(&o);
	return r;
}

/* A parent-shaped path of the request: (parent, last). which: 1 or 2. */
static int ctx_parent(struct ctx *c, int dirfd, const char *path, struct gofer_walk *w)
{
	int start;
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	int r = start_of(c, dirfd, path, &start);
	if (r < 0)
		return r;
	return gofer_walk(c->st, start, path, GOFER_WALK_PARENT, 0, w);
}

static int op_mkdir(struct ctx *c)
{
	struct gofer_walk w;
	int r = ctx_parent(c, c->dir, c->path, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r < 0) {
		gofer_walk_release(&w);
		return r;
	}
	r = mkdirat(w.parent_fd, w.last, (mode_t)c->req->mode) < 0 ? -errno : 0;
	gofer_walk_release(&w);
	return r;
}

static int op_mknod(struct ctx *c)
{
	struct gofer_walk w;
	int r = ctx_parent(c, c->dir, c->path, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r < 0) {
		gofer_walk_release(&w);
		return r;
	}
	mode_t mode = (mode_t)c->req->mode;
	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	r = mknodat(w.parent_fd, w.last, mode, 0) < 0 ? -errno : 0;
	gofer_walk_release(&w);
	return r;
}

static int op_unlink(struct ctx *c)
{
	struct gofer_walk w;
	int r = ctx_parent(c, c->dir, c->path, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r < 0) {
		gofer_walk_release(&w);
		return r;
	}
	r = unlinkat(w.parent_fd, w.last, (int)(c->req->flags & AT_REMOVEDIR)) < 0 ? -errno : 0;
	gofer_walk_release(&w);
	return r;
}

static int op_rename(struct ctx *c)
{
	struct gofer_walk w1, w2;
	int r = ctx_parent(c, c->dir, c->path, &w1);
	if (r < 0 || w1.redirect)
		return r < 0 ? r : answer_redirect(c, &w1, 1);
	r = ctx_parent(c, c->dir2, c->path2, &w2);
	if (r < 0 || w2.redirect) {
		gofer_walk_release(&w1);
		return r < 0 ? r : answer_redirect(c, &w2, 2);
	}
	r = decide_name(c, w1.parent_fd, w1.last, NEED_WRITE);
	if (r == 0)
		r = decide_name(c, w2.parent_fd, w2.last, NEED_WRITE);
	if (r == 0 && has_policy(c))
		r = decide_rename_dir(c, &w1, &w2);
	if (r < 0) {
		gofer_walk_release(&w1);
		gofer_walk_release(&w2);
		return r;
	}
	/* Not glibc's renameat2(), which turns flags 0 into renameat(2). */
	r = (int)syscall(SYS_renameat2, w1.parent_fd, w1.last, w2.parent_fd, w2.last,
			 c->req->flags);
	r = r < 0 ? -errno : 0;
	gofer_walk_release(&w1);
	gofer_walk_release(&w2);
	return r;
}

/* The source of link(2): the fd itself, the followed object, or the name. */
static int link_source(struct ctx *c, struct gofer_walk *w)
{
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	if (empty_path_obj(c))
		return check_mutable_fd(c->st, c->dir);
	if (!(c->req->flags & AT_SYMLINK_FOLLOW))
		return ctx_parent(c, c->dir, c->path, w);
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	r = gofer_walk(c->st, start, c->path, GOFER_WALK_FOLLOW, 0, w);
	if (r == 0 && !w->redirect && !w->exists) {
		gofer_walk_release(w);
		return -ENOENT;
	}
	return r;
}

static int op_link(struct ctx *c)
{
	struct gofer_walk w1, w2;
	int r = link_source(c, &w1);
	if (r < 0 || w1.redirect)
		return r < 0 ? r : answer_redirect(c, &w1, 1);
	r = ctx_parent(c, c->dir2, c->path2, &w2);
	if (r < 0 || w2.redirect) {
		gofer_walk_release(&w1);
		return r < 0 ? r : answer_redirect(c, &w2, 2);
	}
	if (empty_path_obj(c))
		r = decide_fd(c, c->dir, NEED_WRITE);
	else
		r = decide_name(c, w1.parent_fd, w1.last, NEED_WRITE);
	if (r == 0)
		r = decide_name(c, w2.parent_fd, w2.last, NEED_WRITE);
	if (r < 0) {
		gofer_walk_release(&w1);
		gofer_walk_release(&w2);
		return r;
	}
	if (empty_path_obj(c))
		r = linkat(c->dir, "", w2.parent_fd, w2.last, AT_EMPTY_PATH);
	else
		r = linkat(w1.parent_fd, w1.last, w2.parent_fd, w2.last, 0);
	r = r < 0 ? -errno : 0;
	gofer_walk_release(&w1);
	gofer_walk_release(&w2);
	return r;
}

static int op_symlink(struct ctx *c)
{
	struct gofer_walk w;
	int r = ctx_parent(c, c->dir2, c->path2, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 2);
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r < 0) {
		gofer_walk_release(&w);
		return r;
	}
	r = symlinkat(c->path, w.parent_fd, w.last) < 0 ? -errno : 0;
	gofer_walk_release(&w);
	return r;
}

/* Gives the fd the guest's own O_NONBLOCK setting, except for FIFOs (see
 * gofer.h). */
static int open_done(struct ctx *c, int fd, const struct stat *s)
{
	if (S_ISFIFO(s->st_mode)) {
		c->resp->val = 1;
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

static int op_open(struct ctx *c)
{
	uint32_t flags = c->req->flags;
	uint64_t resolve = c->req->arg[0];
	uint64_t oflags = flags | O_NONBLOCK | O_NOCTTY;
	/* openat2(2) refuses what O_PATH ignores. */
	if (flags & O_PATH)
		oflags = flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t mode = (flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))) ? c->req->mode : 0;
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
	struct gofer_walk w;
	if (fd >= 0) {
		struct stat s;
		if (fstat(fd, &s) < 0)
			return -errno;
		if (redirect_obj(c->st, &s, &w))
			return answer_redirect(c, &w, 0);
		r = decide_fd(c, fd, open_post_need(flags));
		if (r == 0)
			r = open_done(c, fd, &s);
		if (r == 0)
			*c->fd_out = take_fd(&fd);
		return r;
	}
	if (!open_walk_allowed(c, start, resolve, -fd))
		return fd;

	r = gofer_walk(c->st, start, c->path, nofollow ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW, 0,
		       &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	r = decide_first ? open_decide_walk(c, &w) : 0;
	if (r < 0) {
		gofer_walk_release(&w);
		return r;
	}
	fd = open_final(&w, oflags, mode);
	gofer_walk_release(&w);
	if (fd == -ENXIO && w.exists && S_ISFIFO(w.st.st_mode))
		c->resp->val = 1;
	if (fd < 0)
		return fd;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return -errno;
	r = decide_fd(c, fd, open_post_need(flags));
	if (r == 0)
		r = open_done(c, fd, &s);
	if (r == 0)
		*c->fd_out = take_fd(&fd);
	return r;
}

/* Makes the object's directory the cwd, so its name is a relative path: the
 * way to hand a path to calls that take no dirfd (truncate, bind, connect,
 * inotify_add_watch) without procfs. */
static int in_dir(const struct gofer_walk *w)
{
	if (fchdir(w->parent_fd) < 0)
		return -errno;
	return 0;
}

static void back_to_root(struct ctx *c)
{
	if (fchdir(c->st->root_fd) < 0)
		die_errno("returning to the view's root");
}

/* truncate(2) by name in the file's directory: its checks and errors are
 * Linux's (EISDIR, EINVAL for FIFOs, ETXTBSY), and no open is seen. */
static int op_truncate(struct ctx *c)
{
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	struct gofer_walk w;
	r = gofer_walk(c->st, start, c->path, GOFER_WALK_FOLLOW, 0, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	if (!w.exists)
		r = -ENOENT;
	if (r == 0)
		r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r == 0)
		r = in_dir(&w);
	if (r == 0) {
		r = truncate(w.last, (off_t)c->req->arg[0]) < 0 ? -errno : 0;
		back_to_root(c);
	}
	gofer_walk_release(&w);
	return r;
}

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

static int op_bind(struct ctx *c)
{
	int r = check_unix_socket(c->obj);
	if (r < 0)
		return r;
	struct gofer_walk w;
	r = ctx_parent(c, c->dir, c->path, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	struct sockaddr_un sa;
	socklen_t len;
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r == 0)
		r = sun_of(w.last, &sa, &len);
	if (r == 0)
		r = in_dir(&w);
	if (r == 0) {
		/* The socket file's mode: the guest's umask, in req->mode. */
		mode_t old = umask((mode_t)(c->req->mode & 0777));
		r = bind(c->obj, (struct sockaddr *)&sa, len) < 0 ? -errno : 0;
		umask(old);
		back_to_root(c);
	}
	gofer_walk_release(&w);
	return r;
}

/* connect(2) records the caller's credentials for the peer's SO_PEERCRED:
 * run it with the guest's effective ids, not only its fs ids. */
static int connect_as_guest(struct ctx *c, const struct sockaddr_un *sa, socklen_t len)
{
	if (syscall(SYS_setresgid, -1, c->st->gid, -1) < 0)
		return -errno;
	if (syscall(SYS_setresuid, -1, c->st->uid, -1) < 0) {
		int e = errno;
		if (syscall(SYS_setresgid, -1, 0, -1) < 0)
			die_errno("restoring the effective gid");
		c->st->fs_gid = 0;
		return -e;
	}
	int r = connect(c->obj, (const struct sockaddr *)sa, len) < 0 ? -errno : 0;
	if (syscall(SYS_setresuid, -1, 0, -1) < 0 || syscall(SYS_setresgid, -1, 0, -1) < 0)
		die_errno("restoring the effective ids");
	/* Setting the effective ids set the fs ids along: they are 0 again. */
	c->st->fs_uid = 0;
	c->st->fs_gid = 0;
	int e = creds_back(c->st);
	return r < 0 ? r : e;
}

static int op_connect(struct ctx *c)
{
	int r = check_unix_socket(c->obj);
	if (r < 0)
		return r;
	int start;
	r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	struct gofer_walk w;
	r = gofer_walk(c->st, start, c->path, GOFER_WALK_FOLLOW, 0, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	struct sockaddr_un sa;
	socklen_t len;
	r = decide_name(c, w.parent_fd, w.last, NEED_WRITE);
	if (r == 0)
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
			r = connect_as_guest(c, &sa, len);
		if (!(fl & O_NONBLOCK) && fcntl(c->obj, F_SETFL, fl) < 0 && r == 0)
			r = -errno;
		back_to_root(c);
	}
	gofer_walk_release(&w);
	return r;
}

static int op_inotify_add(struct ctx *c)
{
	struct statfs sfs;
	if (fstatfs(c->obj, &sfs) < 0)
		return -errno;
	if (sfs.f_type != ANON_INODE_FS_MAGIC)
		return -EINVAL;
	uint32_t mask = (uint32_t)c->req->arg[0];
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	struct gofer_walk w;
	enum gofer_walk_mode mode =
		(mask & IN_DONT_FOLLOW) ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW;
	r = gofer_walk(c->st, start, c->path, mode, 0, &w);
	if (r < 0 || w.redirect)
		return r < 0 ? r : answer_redirect(c, &w, 0);
	if (!w.exists) {
		gofer_walk_release(&w);
		return -ENOENT;
	}
	r = decide_name(c, w.parent_fd, w.last, NEED_READ);
	if (r == 0)
		r = in_dir(&w);
	if (r == 0) {
		int wd = inotify_add_watch(c->obj, w.last, mask | IN_DONT_FOLLOW);
		r = wd < 0 ? -errno : 0;
		c->resp->val = wd;
		back_to_root(c);
	}
	gofer_walk_release(&w);
	return r;
}

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

static int op_exec_open(struct ctx *c)
{
	if (empty_path_obj(c))
		return exec_open_fd(c);
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	bool nofollow = c->req->flags & AT_SYMLINK_NOFOLLOW;
	struct gofer_walk *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = gofer_walk(c->st, start, c->path, nofollow ? GOFER_WALK_NOFOLLOW : GOFER_WALK_FOLLOW,
		       GOFER_WALK_WANT_PATH, w);
	if (r == 0 && w->redirect)
		r = answer_redirect(c, w, 0);
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
	gofer_walk_release(w);
	free(w);
	return r;
}

/* ---- dispatch ---- */

typedef int (*op_fn)(struct ctx *c);

static const op_fn ops[GOP_OP_MAX] = {
	[GOP_OPEN] = op_open,
	[GOP_STAT] = op_stat,
	[GOP_STATX] = op_statx,
	[GOP_ACCESS] = op_access,
	[GOP_READLINK] = op_readlink,
	[GOP_MKDIR] = op_mkdir,
	[GOP_MKNOD] = op_mknod,
	[GOP_UNLINK] = op_unlink,
	[GOP_RENAME] = op_rename,
	[GOP_LINK] = op_link,
	[GOP_SYMLINK] = op_symlink,
	[GOP_CHMOD] = op_chmod,
	[GOP_CHOWN] = op_chown,
	[GOP_TRUNCATE] = op_truncate,
	[GOP_UTIMENS] = op_utimens,
	[GOP_STATFS] = op_statfs,
	[GOP_BIND] = op_bind,
	[GOP_CONNECT] = op_connect,
	[GOP_INOTIFY_ADD] = op_inotify_add,
	[GOP_EXEC_OPEN] = op_exec_open,
};

size_t gofer_handle(struct gofer_state *st, const struct gofer_req *req, size_t len, const int *fds,
		    int nfds, struct gofer_resp *resp, int *fd_out)
{
	memset(resp, 0, GOFER_RESP_HDR_SIZE);
	*fd_out = -1;
	int r = gofer_req_check(req, len, nfds);
	if (r < 0) {
		resp->err = r;
		return GOFER_RESP_HDR_SIZE;
	}

	struct ctx c = {
		.st = st,
		.req = req,
		.path = req->data,
		.path2 = req->data + req->path_len,
		.dir = -1,
		.dir2 = -1,
		.obj = -1,
		.resp = resp,
		.fd_out = fd_out,
	};
	int i = 0;
	if (req->fd_mask & GOFER_FD_DIR)
		c.dir = fds[i++];
	if (req->fd_mask & GOFER_FD_DIR2)
		c.dir2 = fds[i++];
	if (req->fd_mask & GOFER_FD_OBJ)
		c.obj = fds[i++];

	if (!ops[req->op]) {
		resp->err = -ENOTSUP;
		return GOFER_RESP_HDR_SIZE;
	}
	/* The ids stay in force after the request: between requests the gofer
	 * only receives and sends messages, and a guest running as one user
	 * then costs no credential switch at all. */
	r = creds_guest(st, req);
	if (r == 0)
		r = ops[req->op](&c);
	if (r < 0) {
		resp->err = r;
		if (*fd_out >= 0) {
			close(*fd_out);
			*fd_out = -1;
		}
		if (!resp->redirect)
			resp->data_len = 0;
	}
	return GOFER_RESP_HDR_SIZE + resp->data_len;
}
