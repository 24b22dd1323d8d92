/* SPDX-License-Identifier: Apache-2.0 */
/* Path syscalls: the sentry copies the path out of guest memory once,
 * resolves it through the gofer (or its own /proc), and installs or writes
 * back the result. Implements Linux syscalls open(2), openat(2), openat2(2),
 * creat(2), the stat family, access(2) family, readlink(2), getcwd(2),
 * chdir(2), fchdir(2), mkdir(2), rmdir(2), unlink(2), rename(2), link(2),
 * symlink(2), chmod(2), chown(2), truncate(2), utimensat(2), utimes(2),
 * utime(2), statfs(2), mknod(2), the path xattr calls and
 * inotify_add_watch(2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "common/compat.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sentry/audit.h"
#include "sentry/dcache.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"

#define ARG(i)	      (c->req->data.args[i])
#define MAX_PROC_HOPS 8
/* Set-id bits never reach a file: with ids mapped one to one, a set-user-id
 * file written into a volume would run as its owner on the host. chmod with
 * them fails EPERM (as fchmod's BPF rule does); creation strips them. */
#define SETID_BITS (S_ISUID | S_ISGID)

static int fail(struct sc_ctx *c, int err)
{
	c->error = err;
	return 0;
}

static int ok(struct sc_ctx *c, int64_t val)
{
	c->val = val;
	return 0;
}

static int read_path(struct sc_ctx *c, uint64_t addr, char *buf)
{
	ssize_t n = ctx_read_path(c, addr, buf);
	return n < 0 ? (int)n : 0;
}

/* A redirect into /proc that leads back into the view (/proc/<pid>/cwd,
 * root, exe, a file's fd/N, or ".." out of /proc): returns 1 with the view
 * path in target, and the op is redone there through the gofer. */
static int proc_follow(struct sc_ctx *c, const struct gofer_resp *resp, bool nofollow, char *target)
{
	if (resp->redirect != GOFER_REDIR_PROC)
		return 0;
	char rest[GOFER_PATH_MAX + 1];
	struct stat st;
	memcpy(rest, resp->data, resp->data_len);
	rest[resp->data_len] = 0;
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

static void resp_rest(const struct gofer_resp *resp, char *rest)
{
	memcpy(rest, resp->data, resp->data_len);
	rest[resp->data_len] = 0;
}

/* ---- the dentry cache (sentry/dcache.h) ----
 *
 * stat, statx, access(F_OK) and readlink of a path whose object the cache
 * keeps are answered from its O_PATH fd; known failures answer stat,
 * access, readlink and opens that create nothing. The gofer hands over the
 * O_PATH fd instead of doing the operation itself: at a path's first
 * lookup while kept objects get reused, else at its second (a scan of
 * distinct paths then costs what it did without the cache). */

static void dc_names_changed(struct sentry *s, bool added_only)
{
	if (!s->dcache)
		return;
	if (added_only)
		dcache_names_added(s->dcache);
	else
		dcache_clear(s->dcache);
}

/* A volume's tree, as its path was given and as the view resolved it (its
 * mount point is where the given path led through the view's symlinks). */
static int dc_add_volume(struct sentry *s, struct dcache *d, const char *guest_path)
{
	int r = dcache_add_volatile(d, guest_path);
	if (r < 0)
		return r;
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_PATH | O_CLOEXEC};
	struct gofer_resp resp;
	size_t len = strlen(guest_path) + 1;
	if (len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	req.path_len = (uint32_t)len;
	memcpy(req.data, guest_path, len);
	int fd = -1;
	r = gofer_call(s, &req, NULL, 0, &resp, &fd);
	_cleanup_close_ int obj = fd;
	if (r < 0)
		return r;
	if (resp.redirect || obj < 0)
		return -EINVAL;
	char view[PATH_MAX];
	r = fd_view_path(s, obj, view, sizeof(view));
	return r < 0 ? r : dcache_add_volatile(d, view);
}

static struct dcache *dc_get(struct sentry *s)
{
	if (s->dcache || s->dcache_off)
		return s->dcache;
	s->dcache_off = true;
	/* Under a policy every lookup goes to the gofer, which decides it:
	 * the cache's O_PATH fds are filled by lookups a policy allows even
	 * for `access: none` paths (stat sees them), and answering readlink
	 * or access from them would skip the rules and the audit log. */
	if (!s->volumes_known || s->policy)
		return NULL;
	/* Positive entries hold fds: a quarter of the limit at most. */
	size_t max_fds = DCACHE_MAX_FDS;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < max_fds)
		max_fds = (size_t)(rl.rlim_cur / 4);
	struct dcache *d = dcache_new(DCACHE_MAX_ENTRIES, max_fds);
	for (size_t i = 0; i < s->nvolume_paths; i++) {
		int r = dc_add_volume(s, d, s->volume_paths[i]);
		if (r < 0) {
			log_debug("dentry cache off: volume %s: %s", s->volume_paths[i],
				  strerror(-r));
			dcache_free(d);
			return NULL;
		}
	}
	s->dcache = d;
	s->dcache_off = false;
	s->names_changed = dc_names_changed;
	return d;
}

/* The cwd's path in the view, kept until a name changes. NULL when it has
 * none (removed). */
static const char *dc_cwd_path(struct sc_ctx *c)
{
	struct fsinfo *fs = c->t->fs;
	if (fs->cwd_path && fs->cwd_gen == c->s->names_gen)
		return fs->cwd_path;
	free(fs->cwd_path);
	fs->cwd_path = NULL;
	char buf[PATH_MAX];
	int n = fd_view_path(c->s, fs->cwd_fd, buf, sizeof(buf));
	static const char deleted[] = " (deleted)";
	if (n <= 0 || buf[0] != '/' ||
	    ((size_t)n >= sizeof(deleted) - 1 &&
	     strcmp(buf + n - (sizeof(deleted) - 1), deleted) == 0))
		return NULL;
	fs->cwd_path = xstrdup(buf);
	fs->cwd_gen = c->s->names_gen;
	return fs->cwd_path;
}

/* One path lookup as the cache sees it; d is NULL when it cannot be
 * cached. */
struct dc_query {
	struct dcache *d;
	struct dcache_key key;
	char path[PATH_MAX];
};

/* What a lookup found: the object's fd (the cache's, or owned when the
 * cache did not keep it) and its attributes. */
struct dc_hit {
	int fd;
	bool owned;
	struct stat st;
};

/* Keys a lookup of path from guest_dirfd by the calling thread. follow: a
 * final symlink is followed. real_ids: access(2) without AT_EACCESS, which
 * resolves with the real ids (cached only where they are the fs ids). */
static void dc_query(struct sc_ctx *c, int guest_dirfd, const char *path, bool follow,
		     bool real_ids, struct dc_query *q)
{
	q->d = NULL;
	if (path[0] == 0 || (path[0] != '/' && guest_dirfd != AT_FDCWD))
		return;
	struct dcache *d = dc_get(c->s);
	if (!d)
		return;
	struct creds cr;
	if (task_read_creds(c->s, c->req->pid, &cr) < 0)
		return;
	if (real_ids && (cr.ruid != cr.fsuid || cr.rgid != cr.fsgid))
		return;
	uint32_t groups[GOFER_MAX_GROUPS];
	for (int i = 0; i < cr.ngroups; i++)
		groups[i] = cr.groups[i];
	int cred = dcache_cred(d, cr.fsuid, cr.fsgid, (uint32_t)cr.ngroups, groups);
	uint8_t flags = follow ? DCACHE_FOLLOW : 0;
	int n;
	if (path[0] == '/') {
		n = snprintf(q->path, sizeof(q->path), "%s", path);
	} else {
		/* Relative keys are their own: a lookup from the cwd needs no
		 * search permission on the cwd's ancestors. */
		const char *cwd = dc_cwd_path(c);
		if (!cwd)
			return;
		n = snprintf(q->path, sizeof(q->path), "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
		flags |= DCACHE_RELATIVE;
	}
	if (n < 0 || (size_t)n >= sizeof(q->path))
		return;
	if (dcache_key_init(d, &q->key, q->path, (uint32_t)cred, flags))
		q->d = d;
}

/* The gofer hands over an O_PATH fd of the object, which answers this
 * lookup and later ones. Returns as dc_find. */
static int dc_fill(struct sc_ctx *c, int guest_dirfd, const char *path, struct dc_query *q,
		   struct dc_hit *hit)
{
	int flags = O_PATH | O_CLOEXEC | ((q->key.flags & DCACHE_FOLLOW) ? 0 : O_NOFOLLOW);
	struct gofer_req req = {.op = GOP_OPEN, .flags = (uint32_t)flags};
	struct gofer_resp resp;
	int fd = -1;
	resp.redirect = GOFER_REDIR_NONE;
	resp.rule = 0;
	int r = gofer_path_call(c, guest_dirfd, path, &req, &resp, &fd);
	_cleanup_close_ int obj = fd;
	if ((r == -ENOENT || r == -ENOTDIR) && !resp.redirect && !resp.rule) {
		dcache_put_neg(q->d, &q->key, r);
		return r;
	}
	if (r < 0 || resp.redirect || obj < 0 || fstat(obj, &hit->st) < 0) {
		/* The caller's own request answers (and says why, and has a
		 * policy's refusal audited), now and next time. */
		dcache_put_plain(q->d, &q->key);
		return 0;
	}
	char view[PATH_MAX];
	const char *view_path = NULL;
	if (dcache_has_volatile(q->d) && fd_view_path(c->s, obj, view, sizeof(view)) > 0)
		view_path = view;
	hit->fd = take_fd(&obj);
	hit->owned = !dcache_put_pos(q->d, &q->key, hit->fd, view_path);
	return 1;
}

/* Looks q up. Returns 1 with hit filled (the object), a negative errno the
 * lookup is known to fail with, or 0 when the caller asks the gofer.
 * want_obj: the caller can use an object (else only failures answer). */
static int dc_find(struct sc_ctx *c, int guest_dirfd, const char *path, struct dc_query *q,
		   bool want_obj, struct dc_hit *hit)
{
	if (!q->d)
		return 0;
	int val = -1;
	switch (dcache_lookup(q->d, &q->key, &val)) {
	case DCACHE_POS:
		if (!want_obj)
			return 0;
		/* A name the sentry did not remove can still go: a pty's
		 * /dev/pts entry when its master is closed. */
		if (fstat(val, &hit->st) < 0 || hit->st.st_nlink == 0) {
			dcache_drop(q->d, &q->key);
			return 0;
		}
		if (!notif_valid(c))
			return -ESRCH;
		hit->fd = val;
		hit->owned = false;
		return 1;
	case DCACHE_NEG:
		return notif_valid(c) ? val : -ESRCH;
	case DCACHE_SEEN:
		return want_obj && dcache_room(q->d) ? dc_fill(c, guest_dirfd, path, q, hit) : 0;
	case DCACHE_MISS:
		if (want_obj && dcache_room(q->d) && dcache_eager(q->d))
			return dc_fill(c, guest_dirfd, path, q, hit);
		return 0;
	case DCACHE_PLAIN:
	default:
		return 0;
	}
}

static void dc_hit_release(struct dc_hit *hit)
{
	if (hit->owned && hit->fd >= 0)
		close(hit->fd);
	hit->fd = -1;
}

/* What the gofer answered a lookup q keys. exists: r says the path
 * resolved (0, or EINVAL from readlink of something else than a link). */
static void dc_learn(struct dc_query *q, int r, bool exists, const struct gofer_resp *resp)
{
	if (!q->d)
		return;
	if (!exists && r != -ENOENT && r != -ENOTDIR)
		return; /* may not have come from the gofer: resp is not read */
	if (resp->redirect || resp->rule)
		return; /* the sentry's, or a policy's refusal (audited each time) */
	if (exists)
		dcache_put_seen(q->d, &q->key);
	else
		dcache_put_neg(q->d, &q->key, r);
}

/* ---- open ---- */

struct fifo_wait {
	int fd;		/* reader: the FIFO opened non-blocking */
	int want_flags; /* the guest's flags */
	int guest_dirfd;
	struct gofer_req req; /* writer: the open to retry */
	char path[PATH_MAX];
};

static void fifo_drop(void *arg)
{
	struct fifo_wait *w = arg;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

/* Hands the FIFO over with the guest's blocking mode. */
static void fifo_finish(struct sc_ctx *c, struct fifo_wait *w)
{
	if (!(w->want_flags & O_NONBLOCK)) {
		int fl = fcntl(w->fd, F_GETFL);
		if (fl >= 0)
			fcntl(w->fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	c->install_fd = take_fd(&w->fd);
	c->install_flags = (w->want_flags & O_CLOEXEC) ? O_CLOEXEC : 0;
}

/* A blocking read open of a FIFO returns once a writer is there. tee(2)
 * tells without consuming anything: 0 means no writer (end of file),
 * EAGAIN a writer with nothing written yet, > 0 data. A writer that came and
 * left without writing before the next tick is missed. */
static bool fifo_reader_poll(struct sc_ctx *c, void *arg)
{
	struct fifo_wait *w = arg;
	int scratch[2];
	if (pipe2(scratch, O_CLOEXEC | O_NONBLOCK) < 0)
		return false;
	ssize_t n = tee(w->fd, scratch[1], 1, SPLICE_F_NONBLOCK);
	int err = errno;
	close(scratch[0]);
	close(scratch[1]);
	if (n == 0 || (n < 0 && err != EAGAIN))
		return false;
	fifo_finish(c, w);
	fifo_drop(w);
	return true;
}

/* A blocking write open of a FIFO retries until a reader exists. */
static bool fifo_writer_poll(struct sc_ctx *c, void *arg)
{
	struct fifo_wait *w = arg;
	struct gofer_resp resp;
	int fd = -1;
	struct gofer_req req = w->req;
	int r = gofer_path_call(c, w->guest_dirfd, w->path, &req, &resp, &fd);
	if (r == -ENXIO && resp.val == 1)
		return false;
	if (r < 0) {
		c->error = r;
	} else {
		w->fd = fd;
		fifo_finish(c, w);
	}
	fifo_drop(w);
	return true;
}

/* Returns 1 when the open continues in the view at path. */
static int open_redirect(struct sc_ctx *c, const struct gofer_resp *resp, int flags, char *path)
{
	char rest[GOFER_PATH_MAX + 1];
	int fd = -1;
	resp_rest(resp, rest);
	int r = procfs_open_ex(c, resp->redirect == GOFER_REDIR_TTY ? PROCFS_TTY : rest, flags, &fd,
			       path, PATH_MAX);
	if (r == PROCFS_REOPEN_PATH)
		return 1;
	if (r < 0)
		return fail(c, r);
	c->install_fd = fd;
	c->install_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
	return 0;
}

static int do_open(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t flags64,
		   uint64_t mode64, uint64_t resolve)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	int flags = (int)flags64;
	struct creds cr;
	mode_t mode = (mode_t)mode64 & 07777;
	bool opath = false;
	if (flags & O_PATH) {
		/* SECCOMP_IOCTL_NOTIF_ADDFD cannot install O_PATH files (the
		 * kernel looks the source fd up with fget, which skips them):
		 * the guest gets a read-only fd of the object instead, which
		 * needs read permission where O_PATH needs none. */
		flags = O_RDONLY | O_NONBLOCK | (flags & (O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
		opath = true;
	}
	if ((flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE) {
		r = task_read_creds(c->s, c->req->pid, &cr);
		if (r < 0)
			return fail(c, r);
		mode &= ~cr.umask & ~SETID_BITS;
	}
	/* A path known not to resolve fails an open that creates nothing
	 * with the same error, before any flag could matter. */
	struct dc_query q = {.d = NULL};
	if (!(flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))) && resolve == 0) {
		struct dc_hit hit;
		dc_query(c, guest_dirfd, path, !(flags & O_NOFOLLOW), false, &q);
		r = dc_find(c, guest_dirfd, path, &q, false, &hit);
		if (r < 0)
			return fail(c, r);
	}
	for (int hop = 0; hop < MAX_PROC_HOPS; hop++) {
		struct gofer_req req = {.op = GOP_OPEN, .flags = (uint32_t)flags, .mode = mode};
		struct gofer_resp resp;
		int fd = -1;
		req.arg[0] = resolve;
		resp.rule = 0;
		r = gofer_path_call(c, guest_dirfd, path, &req, &resp, &fd);
		/* ENOTDIR may be O_DIRECTORY's: not the name's. */
		if (hop == 0 && r != -ENOTDIR)
			dc_learn(&q, r, r == 0, &resp);
		if (r == -ENXIO && resp.val == 1 && !(flags & O_NONBLOCK)) {
			struct fifo_wait *w = xcalloc(1, sizeof(*w));
			w->fd = -1;
			w->want_flags = flags;
			w->guest_dirfd = guest_dirfd;
			w->req = req;
			memcpy(w->path, path, sizeof(w->path));
			sentry_defer(c, fifo_writer_poll, fifo_drop, w);
			return SC_DEFER;
		}
		if (r < 0)
			return fail(c, r);
		if (resp.redirect) {
			if (open_redirect(c, &resp, flags, path) == 1)
				continue;
			return 0;
		}
		if (fd < 0)
			return fail(c, -EIO);
		if (resp.val == 1 && !(flags & O_NONBLOCK) && (flags & O_ACCMODE) == O_RDONLY) {
			struct fifo_wait *w = xcalloc(1, sizeof(*w));
			w->fd = fd;
			w->want_flags = flags;
			sentry_defer(c, fifo_reader_poll, fifo_drop, w);
			return SC_DEFER;
		}
		if (opath) {
			struct stat st;
			if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
				fcntl(fd, F_SETFL, 0);
		}
		c->install_fd = fd;
		c->install_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
		return 0;
	}
	return fail(c, -ELOOP);
}

/* open(2) and openat(2) ignore flag bits they do not know (openat2 does not). */
#define VALID_OPEN_FLAGS                                                                       \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
	 FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |  \
	 O_SYNC | O_PATH | __O_TMPFILE)

int sys_open(struct sc_ctx *c)
{
	return do_open(c, AT_FDCWD, ARG(0), ARG(1) & VALID_OPEN_FLAGS, ARG(2), 0);
}

int sys_openat(struct sc_ctx *c)
{
	return do_open(c, (int)ARG(0), ARG(1), ARG(2) & VALID_OPEN_FLAGS, ARG(3), 0);
}

int sys_creat(struct sc_ctx *c)
{
	return do_open(c, AT_FDCWD, ARG(0), O_CREAT | O_WRONLY | O_TRUNC, ARG(1), 0);
}

int sys_openat2(struct sc_ctx *c)
{
	struct open_how how;
	uint64_t size = ARG(3);
	if (size < sizeof(how))
		return fail(c, -EINVAL);
	if (size > 4096)
		return fail(c, -E2BIG);
	int r = guest_read(c->req->pid, ARG(2), &how, sizeof(how));
	if (r < 0)
		return fail(c, r);
	/* Fields this kernel does not know must be zero, as Linux checks. */
	for (uint64_t off = sizeof(how); off < size; off += 8) {
		uint64_t extra = 0;
		size_t n = size - off < 8 ? (size_t)(size - off) : 8;
		r = guest_read(c->req->pid, ARG(2) + off, &extra, n);
		if (r < 0)
			return fail(c, r);
		if (extra)
			return fail(c, -E2BIG);
	}
	if (how.flags >> 32)
		return fail(c, -EINVAL);
	if (!(how.flags & O_CREAT) && (how.flags & __O_TMPFILE) != __O_TMPFILE && how.mode)
		return fail(c, -EINVAL);
	if (how.mode & ~07777ULL)
		return fail(c, -EINVAL);
	const uint64_t known = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
			       RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED;
	if (how.resolve & ~known)
		return fail(c, -EINVAL);
	if (how.resolve & RESOLVE_CACHED)
		return fail(c, -EAGAIN); /* Linux: the lookup could not be done from the cache */
	return do_open(c, (int)ARG(0), ARG(1), how.flags, how.mode, how.resolve);
}

/* ---- stat ---- */

static int stat_emptypath(struct sc_ctx *c, int guest_dirfd, struct stat *st)
{
	/* The cwd is the sentry's own fd. */
	if (guest_dirfd == AT_FDCWD)
		return fstat(c->t->fs->cwd_fd, st) < 0 ? -errno : 0;
	int fd = guest_getfd(c, guest_dirfd);
	if (fd < 0)
		return fd;
	int r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Resolves and stats a path; follows /proc links into the view. */
static int stat_path(struct sc_ctx *c, int guest_dirfd, char *path, int at_flags, struct stat *st)
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
	for (int hop = 0; hop < MAX_PROC_HOPS; hop++) {
		struct gofer_req req = {.op = GOP_STAT, .flags = (uint32_t)at_flags};
		struct gofer_resp resp;
		int r = gofer_path_call(c, guest_dirfd, path, &req, &resp, NULL);
		if (hop == 0)
			dc_learn(&q, r, r == 0, &resp);
		if (r < 0)
			return r;
		if (!resp.redirect) {
			*st = resp.u.st;
			return 0;
		}
		char rest[GOFER_PATH_MAX + 1];
		resp_rest(&resp, rest);
		r = procfs_stat_ex(c, resp.redirect == GOFER_REDIR_TTY ? PROCFS_TTY : rest,
				   at_flags & AT_SYMLINK_NOFOLLOW, st, path, PATH_MAX);
		if (r == PROCFS_REOPEN_PATH)
			continue;
		return r;
	}
	return -ELOOP;
}

static int do_stat(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t buf_addr,
		   int at_flags)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	if (at_flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return fail(c, -EINVAL);
	struct stat st;
	r = stat_path(c, guest_dirfd, path, at_flags, &st);
	if (r < 0)
		return fail(c, r);
	r = guest_write(c->req->pid, buf_addr, &st, sizeof(st));
	return r < 0 ? fail(c, r) : ok(c, 0);
}

int sys_stat(struct sc_ctx *c)
{
	return do_stat(c, AT_FDCWD, ARG(0), ARG(1), 0);
}

int sys_lstat(struct sc_ctx *c)
{
	return do_stat(c, AT_FDCWD, ARG(0), ARG(1), AT_SYMLINK_NOFOLLOW);
}

int sys_newfstatat(struct sc_ctx *c)
{
	return do_stat(c, (int)ARG(0), ARG(1), ARG(2), (int)ARG(3));
}

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

int sys_statx(struct sc_ctx *c)
{
	char path[PATH_MAX];
	int guest_dirfd = (int)ARG(0);
	int at_flags = (int)ARG(2);
	unsigned int mask = (unsigned int)ARG(3);
	int r = read_path(c, ARG(1), path);
	if (r < 0)
		return fail(c, r);
	if (at_flags &
	    ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return fail(c, -EINVAL);
	if ((at_flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return fail(c, -EINVAL);
	if (mask & STATX__RESERVED)
		return fail(c, -EINVAL);
	struct statx sx;
	if (path[0] == 0 && (at_flags & AT_EMPTY_PATH)) {
		int fd = guest_dirfd == AT_FDCWD ? c->t->fs->cwd_fd : guest_getfd(c, guest_dirfd);
		if (fd < 0)
			return fail(c, fd);
		r = statx(fd, "", AT_EMPTY_PATH | (at_flags & AT_STATX_SYNC_TYPE), mask, &sx);
		r = r < 0 ? -errno : 0;
		if (guest_dirfd != AT_FDCWD)
			close(fd);
		if (r < 0)
			return fail(c, r);
	} else {
		bool done = false;
		struct dc_query q;
		struct dc_hit hit;
		dc_query(c, guest_dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), false, &q);
		r = dc_find(c, guest_dirfd, path, &q, true, &hit);
		if (r < 0)
			return fail(c, r);
		if (r > 0) {
			/* STATX_NLINK is filled whatever the mask asks. */
			r = statx(hit.fd, "", AT_EMPTY_PATH | (at_flags & AT_STATX_SYNC_TYPE), mask,
				  &sx);
			r = r < 0 ? -errno : 0;
			dc_hit_release(&hit);
			if (r < 0)
				return fail(c, r);
			done = true;
		}
		for (int hop = 0; hop < MAX_PROC_HOPS && !done; hop++) {
			struct gofer_req req = {.op = GOP_STATX, .flags = (uint32_t)at_flags};
			struct gofer_resp resp;
			req.arg[0] = mask;
			r = gofer_path_call(c, guest_dirfd, path, &req, &resp, NULL);
			if (hop == 0)
				dc_learn(&q, r, r == 0, &resp);
			if (r < 0)
				return fail(c, r);
			if (!resp.redirect) {
				sx = resp.u.stx;
				done = true;
				break;
			}
			struct stat st;
			char rest[GOFER_PATH_MAX + 1];
			resp_rest(&resp, rest);
			r = procfs_stat_ex(c, resp.redirect == GOFER_REDIR_TTY ? PROCFS_TTY : rest,
					   at_flags & AT_SYMLINK_NOFOLLOW, &st, path, PATH_MAX);
			if (r == PROCFS_REOPEN_PATH)
				continue;
			if (r < 0)
				return fail(c, r);
			stat_to_statx(&st, &sx);
			done = true;
		}
		if (!done)
			return fail(c, -ELOOP);
	}
	r = guest_write(c->req->pid, ARG(4), &sx, sizeof(sx));
	return r < 0 ? fail(c, r) : ok(c, 0);
}

/* ---- access ---- */

static int do_access(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, int mode, int at_flags)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	if (mode & ~(R_OK | W_OK | X_OK))
		return fail(c, -EINVAL);
	if (at_flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	/* Existence alone (F_OK) can be answered from the cache; a failed
	 * lookup answers every mode. */
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, !(at_flags & AT_SYMLINK_NOFOLLOW), !(at_flags & AT_EACCESS),
		 &q);
	r = dc_find(c, guest_dirfd, path, &q, mode == F_OK, &hit);
	if (r > 0)
		dc_hit_release(&hit);
	if (r != 0)
		return r < 0 ? fail(c, r) : ok(c, 0);
	for (int hop = 0; hop < MAX_PROC_HOPS; hop++) {
		struct gofer_req req = {
			.op = GOP_ACCESS, .flags = (uint32_t)at_flags, .mode = (uint32_t)mode};
		struct gofer_resp resp;
		r = gofer_path_call(c, guest_dirfd, path, &req, &resp, NULL);
		if (hop == 0)
			dc_learn(&q, r, r == 0, &resp);
		if (r < 0)
			return fail(c, r);
		if (!resp.redirect)
			return ok(c, 0);
		char rest[GOFER_PATH_MAX + 1];
		resp_rest(&resp, rest);
		r = procfs_access_ex(c, resp.redirect == GOFER_REDIR_TTY ? PROCFS_TTY : rest, mode,
				     path, PATH_MAX);
		if (r == PROCFS_REOPEN_PATH)
			continue;
		return r < 0 ? fail(c, r) : ok(c, 0);
	}
	return fail(c, -ELOOP);
}

int sys_access(struct sc_ctx *c)
{
	return do_access(c, AT_FDCWD, ARG(0), (int)ARG(1), 0);
}

int sys_faccessat(struct sc_ctx *c)
{
	return do_access(c, (int)ARG(0), ARG(1), (int)ARG(2), 0);
}

int sys_faccessat2(struct sc_ctx *c)
{
	return do_access(c, (int)ARG(0), ARG(1), (int)ARG(2), (int)ARG(3));
}

/* ---- readlink ---- */

static int do_readlink(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t buf_addr,
		       int64_t size)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	if (size <= 0)
		return fail(c, -EINVAL);
	if (path[0] == 0) {
		/* readlinkat(fd, "") reads an O_PATH symlink fd; else ENOENT. */
		struct stat st;
		int fd = guest_dirfd == AT_FDCWD ? -1 : guest_getfd(c, guest_dirfd);
		if (guest_dirfd != AT_FDCWD && fd < 0)
			return fail(c, fd);
		bool link = fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
		if (fd >= 0)
			close(fd);
		if (!link)
			return fail(c, -ENOENT);
	}
	char target[PATH_MAX];
	size_t len = 0;
	int hop;
	bool answered = false;
	struct dc_query q;
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, false, false, &q);
	r = dc_find(c, guest_dirfd, path, &q, true, &hit);
	if (r < 0)
		return fail(c, r);
	if (r > 0) {
		ssize_t n = -EINVAL;
		if (S_ISLNK(hit.st.st_mode)) {
			n = readlinkat(hit.fd, "", target, sizeof(target));
			if (n < 0)
				n = -errno;
		}
		dc_hit_release(&hit);
		if (n < 0)
			return fail(c, (int)n);
		len = (size_t)n;
		answered = true;
	}
	for (hop = 0; hop < MAX_PROC_HOPS && !answered; hop++) {
		struct gofer_req req = {.op = GOP_READLINK, .flags = path[0] ? 0 : AT_EMPTY_PATH};
		struct gofer_resp resp;
		r = gofer_path_call(c, guest_dirfd, path, &req, &resp, NULL);
		if (hop == 0)
			dc_learn(&q, r, r == 0 || r == -EINVAL, &resp);
		if (r < 0)
			return fail(c, r);
		if (!resp.redirect) {
			len = resp.data_len;
			memcpy(target, resp.data, len);
			break;
		}
		if (resp.redirect == GOFER_REDIR_TTY)
			return fail(c, -EINVAL);
		char rest[GOFER_PATH_MAX + 1];
		resp_rest(&resp, rest);
		r = procfs_readlink_ex(c, rest, target, sizeof(target), &len, path, sizeof(path));
		if (r == PROCFS_REOPEN_PATH)
			continue;
		if (r < 0)
			return fail(c, r);
		if (len > sizeof(target))
			len = sizeof(target);
		break;
	}
	if (!answered && hop == MAX_PROC_HOPS)
		return fail(c, -ELOOP);
	if (len > (uint64_t)size)
		len = (size_t)size;
	r = guest_write(c->req->pid, buf_addr, target, len);
	return r < 0 ? fail(c, r) : ok(c, (int64_t)len);
}

int sys_readlink(struct sc_ctx *c)
{
	return do_readlink(c, AT_FDCWD, ARG(0), ARG(1), (int64_t)(int)ARG(2));
}

int sys_readlinkat(struct sc_ctx *c)
{
	return do_readlink(c, (int)ARG(0), ARG(1), ARG(2), (int64_t)(int)ARG(3));
}

/* ---- cwd ---- */

int fd_view_path(struct sentry *s, int fd, char *buf, size_t size)
{
	char link[32];
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	ssize_t n = readlinkat(s->host_procfd, link, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

/* The cwd's path as the kernel tells it now; -ENOENT once it was removed,
 * as getcwd(2) fails then. */
static int cwd_read_path(struct sc_ctx *c, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	int n = fd_view_path(c->s, c->t->fs->cwd_fd, buf, size);
	if (n < 0)
		return n;
	struct stat st;
	if ((size_t)n > dlen && strcmp(buf + n - dlen, deleted) == 0 &&
	    fstat(c->t->fs->cwd_fd, &st) == 0 && st.st_nlink == 0)
		return -ENOENT;
	return n;
}

int sys_getcwd(struct sc_ctx *c)
{
	/* Outside volumes a directory's path changes only by the sentry's
	 * own requests: the path kept for the dentry cache (dc_cwd_path)
	 * answers without asking the kernel again. */
	struct dcache *d = dc_get(c->s);
	const char *path = d ? dc_cwd_path(c) : NULL;
	char buf[PATH_MAX];
	size_t n;
	if (path && !dcache_volatile(d, path)) {
		n = strlen(path);
	} else {
		int r = cwd_read_path(c, buf, sizeof(buf));
		if (r < 0)
			return fail(c, r);
		path = buf;
		n = (size_t)r;
	}
	if ((uint64_t)n + 1 > ARG(1))
		return fail(c, -ERANGE);
	int r = guest_write(c->req->pid, ARG(0), path, n + 1);
	return r < 0 ? fail(c, r) : ok(c, (int64_t)n + 1);
}

static void set_cwd(struct sc_ctx *c, int fd)
{
	struct fsinfo *fs = c->t->fs;
	if (fs->cwd_fd >= 0)
		close(fs->cwd_fd);
	fs->cwd_fd = fd;
	free(fs->cwd_path);
	fs->cwd_path = NULL;
}

int sys_chdir(struct sc_ctx *c)
{
	char path[PATH_MAX];
	int r = read_path(c, ARG(0), path);
	if (r < 0)
		return fail(c, r);
	struct gofer_req req = {.op = GOP_ACCESS, .mode = X_OK, .flags = AT_EACCESS};
	struct gofer_resp resp;
	r = gofer_path_call(c, AT_FDCWD, path, &req, &resp, NULL);
	if (r < 0)
		return fail(c, r);
	if (resp.redirect)
		return fail(c, -EACCES); /* a cwd inside /proc is not supported */
	struct gofer_req oreq = {.op = GOP_OPEN, .flags = O_PATH | O_DIRECTORY | O_CLOEXEC};
	int fd = -1;
	r = gofer_path_call(c, AT_FDCWD, path, &oreq, &resp, &fd);
	if (r < 0)
		return fail(c, r);
	if (fd < 0)
		return fail(c, -EACCES);
	set_cwd(c, fd);
	return ok(c, 0);
}

int sys_fchdir(struct sc_ctx *c)
{
	int fd = guest_getfd(c, (int)ARG(0));
	if (fd < 0)
		return fail(c, fd);
	struct stat st;
	char prefix[64];
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(c, -ENOTDIR);
	}
	if (procfs_owns_fd(c->s, fd, prefix, sizeof(prefix))) {
		close(fd);
		return fail(c, -EACCES); /* a cwd inside /proc is not supported */
	}
	close(fd);
	/* The gofer checks that the directory is one of the view's (not a host
	 * directory the launcher handed over) and that the caller may search
	 * it, as fchdir(2) does. */
	struct gofer_req req = {.op = GOP_ACCESS, .mode = X_OK, .flags = AT_EACCESS};
	struct gofer_resp resp;
	int r = gofer_path_call(c, (int)ARG(0), ".", &req, &resp, NULL);
	if (r < 0)
		return fail(c, r);
	struct gofer_req oreq = {.op = GOP_OPEN, .flags = O_PATH | O_DIRECTORY | O_CLOEXEC};
	int dir = -1;
	r = gofer_path_call(c, (int)ARG(0), ".", &oreq, &resp, &dir);
	if (r < 0)
		return fail(c, r);
	if (dir < 0)
		return fail(c, -EACCES);
	set_cwd(c, dir);
	return ok(c, 0);
}

/* ---- creating and removing names ---- */

/* Runs a one-path mutation; /proc refuses it as Linux's procfs would. */
static int path_op(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, struct gofer_req *req,
		   int proc_err, bool nofollow)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	for (int hop = 0; hop < MAX_PROC_HOPS; hop++) {
		struct gofer_req copy = *req;
		struct gofer_resp resp;
		r = gofer_path_call(c, guest_dirfd, path, &copy, &resp, NULL);
		if (r < 0)
			return fail(c, r);
		if (!resp.redirect)
			return ok(c, resp.val);
		char target[PATH_MAX];
		if (proc_follow(c, &resp, (req->flags & AT_SYMLINK_NOFOLLOW) || nofollow, target)) {
			memcpy(path, target, sizeof(path));
			continue;
		}
		return fail(c, proc_err);
	}
	return fail(c, -ELOOP);
}

static int umask_of(struct sc_ctx *c, mode_t *mask)
{
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	*mask = cr.umask;
	return 0;
}

static int do_mkdir(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, mode_t mode)
{
	mode_t mask;
	int r = umask_of(c, &mask);
	if (r < 0)
		return fail(c, r);
	struct gofer_req req = {.op = GOP_MKDIR, .mode = mode & 07777 & ~mask & ~S_ISUID};
	return path_op(c, guest_dirfd, path_addr, &req, -ENOENT, true);
}

int sys_mkdir(struct sc_ctx *c)
{
	return do_mkdir(c, AT_FDCWD, ARG(0), (mode_t)ARG(1));
}

int sys_mkdirat(struct sc_ctx *c)
{
	return do_mkdir(c, (int)ARG(0), ARG(1), (mode_t)ARG(2));
}

static int do_mknod(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, mode_t mode,
		    uint64_t dev)
{
	mode_t type = mode & S_IFMT;
	if (type == 0)
		type = S_IFREG;
	if (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK)
		return fail(c, -EPERM);
	if (type != S_IFREG && type != S_IFIFO)
		return fail(c, -EINVAL);
	mode_t mask;
	int r = umask_of(c, &mask);
	if (r < 0)
		return fail(c, r);
	struct gofer_req req = {.op = GOP_MKNOD,
				.mode = type | (mode & 07777 & ~mask & ~SETID_BITS)};
	req.arg[0] = dev;
	return path_op(c, guest_dirfd, path_addr, &req, -ENOENT, true);
}

int sys_mknod(struct sc_ctx *c)
{
	return do_mknod(c, AT_FDCWD, ARG(0), (mode_t)ARG(1), ARG(2));
}

int sys_mknodat(struct sc_ctx *c)
{
	return do_mknod(c, (int)ARG(0), ARG(1), (mode_t)ARG(2), ARG(3));
}

int sys_rmdir(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_UNLINK, .flags = AT_REMOVEDIR};
	return path_op(c, AT_FDCWD, ARG(0), &req, -EACCES, true);
}

int sys_unlink(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_UNLINK};
	return path_op(c, AT_FDCWD, ARG(0), &req, -EACCES, true);
}

int sys_unlinkat(struct sc_ctx *c)
{
	int flags = (int)ARG(2);
	if (flags & ~AT_REMOVEDIR)
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_UNLINK, .flags = (uint32_t)flags};
	return path_op(c, (int)ARG(0), ARG(1), &req, -EACCES, true);
}

/* Two-path operations: rename, link, symlink. */
static int path2_op(struct sc_ctx *c, int dirfd1, uint64_t addr1, int dirfd2, uint64_t addr2,
		    struct gofer_req *req)
{
	char path[PATH_MAX], path2[PATH_MAX];
	int r = read_path(c, addr1, path);
	if (r < 0)
		return fail(c, r);
	r = read_path(c, addr2, path2);
	if (r < 0)
		return fail(c, r);
	struct gofer_resp resp;
	r = gofer_path2_call(c, dirfd1, path, dirfd2, path2, req, &resp);
	if (r < 0)
		return fail(c, r);
	if (resp.redirect)
		return fail(c, req->op == GOP_RENAME ? -EXDEV : -EACCES);
	return ok(c, 0);
}

int sys_rename(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_RENAME};
	return path2_op(c, AT_FDCWD, ARG(0), AT_FDCWD, ARG(1), &req);
}

int sys_renameat(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_RENAME};
	return path2_op(c, (int)ARG(0), ARG(1), (int)ARG(2), ARG(3), &req);
}

int sys_renameat2(struct sc_ctx *c)
{
	unsigned int flags = (unsigned int)ARG(4);
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return fail(c, -EINVAL);
	if (flags & RENAME_WHITEOUT)
		return fail(c, -EPERM);
	struct gofer_req req = {.op = GOP_RENAME, .flags = flags};
	return path2_op(c, (int)ARG(0), ARG(1), (int)ARG(2), ARG(3), &req);
}

int sys_link(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_LINK};
	return path2_op(c, AT_FDCWD, ARG(0), AT_FDCWD, ARG(1), &req);
}

int sys_linkat(struct sc_ctx *c)
{
	int flags = (int)ARG(4);
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_LINK, .flags = (uint32_t)flags};
	return path2_op(c, (int)ARG(0), ARG(1), (int)ARG(2), ARG(3), &req);
}

int sys_symlink(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_SYMLINK};
	return path2_op(c, AT_FDCWD, ARG(0), AT_FDCWD, ARG(1), &req);
}

int sys_symlinkat(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_SYMLINK};
	return path2_op(c, AT_FDCWD, ARG(0), (int)ARG(1), ARG(2), &req);
}

/* ---- attributes ---- */

int sys_chmod(struct sc_ctx *c)
{
	if (ARG(1) & SETID_BITS)
		return fail(c, -EPERM);
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(1) & 07777};
	return path_op(c, AT_FDCWD, ARG(0), &req, -EACCES, false);
}

int sys_fchmodat(struct sc_ctx *c)
{
	if (ARG(2) & SETID_BITS)
		return fail(c, -EPERM);
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(2) & 07777};
	return path_op(c, (int)ARG(0), ARG(1), &req, -EACCES, false);
}

/* fchmod(2), fchown(2): through the gofer, which refuses fds that are not
 * the view's (a host file the launcher passed as stdio). */
static int fd_attr_op(struct sc_ctx *c, struct gofer_req *req)
{
	struct gofer_resp resp;
	req->flags |= AT_EMPTY_PATH;
	int r = gofer_path_call(c, (int)ARG(0), "", req, &resp, NULL);
	if (r == 0 && resp.redirect)
		r = -EPERM;
	return r < 0 ? fail(c, r) : ok(c, 0);
}

int sys_fchmod(struct sc_ctx *c)
{
	if (ARG(1) & SETID_BITS)
		return fail(c, -EPERM);
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(1) & 07777};
	return fd_attr_op(c, &req);
}

int sys_fchown(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_CHOWN};
	req.arg[0] = (uint32_t)ARG(1);
	req.arg[1] = (uint32_t)ARG(2);
	return fd_attr_op(c, &req);
}

static int do_chown(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t uid,
		    uint64_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_CHOWN, .flags = (uint32_t)flags};
	req.arg[0] = (uint32_t)uid;
	req.arg[1] = (uint32_t)gid;
	return path_op(c, guest_dirfd, path_addr, &req, -EACCES, false);
}

int sys_chown(struct sc_ctx *c)
{
	return do_chown(c, AT_FDCWD, ARG(0), ARG(1), ARG(2), 0);
}

int sys_lchown(struct sc_ctx *c)
{
	return do_chown(c, AT_FDCWD, ARG(0), ARG(1), ARG(2), AT_SYMLINK_NOFOLLOW);
}

int sys_fchownat(struct sc_ctx *c)
{
	return do_chown(c, (int)ARG(0), ARG(1), ARG(2), ARG(3), (int)ARG(4));
}

int sys_truncate(struct sc_ctx *c)
{
	if ((int64_t)ARG(1) < 0)
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_TRUNCATE};
	req.arg[0] = ARG(1);
	return path_op(c, AT_FDCWD, ARG(0), &req, -EACCES, false);
}

static int do_utimens(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr,
		      const struct timespec *ts, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_UTIMENS, .flags = (uint32_t)flags};
	if (!ts) {
		req.mode = 1;
	} else {
		for (int i = 0; i < 2; i++) {
			if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
			    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
				return fail(c, -EINVAL);
		}
		req.arg[0] = (uint64_t)ts[0].tv_sec;
		req.arg[1] = (uint64_t)ts[0].tv_nsec;
		req.arg[2] = (uint64_t)ts[1].tv_sec;
		req.arg[3] = (uint64_t)ts[1].tv_nsec;
	}
	if (path_addr == 0) {
		/* utimensat(fd, NULL, ...): futimens(2) on the fd itself. */
		if (guest_dirfd == AT_FDCWD)
			return fail(c, -EFAULT);
		req.flags |= AT_EMPTY_PATH;
		struct gofer_resp resp;
		int r = gofer_path_call(c, guest_dirfd, "", &req, &resp, NULL);
		return r < 0 ? fail(c, r) : ok(c, 0);
	}
	return path_op(c, guest_dirfd, path_addr, &req, -EACCES, false);
}

int sys_utimensat(struct sc_ctx *c)
{
	struct timespec ts[2];
	if (ARG(2)) {
		int r = guest_read(c->req->pid, ARG(2), ts, sizeof(ts));
		if (r < 0)
			return fail(c, r);
	}
	return do_utimens(c, (int)ARG(0), ARG(1), ARG(2) ? ts : NULL, (int)ARG(3));
}

static int do_utimes_tv(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t tv_addr)
{
	struct timeval tv[2];
	struct timespec ts[2];
	if (!tv_addr)
		return do_utimens(c, guest_dirfd, path_addr, NULL, 0);
	int r = guest_read(c->req->pid, tv_addr, tv, sizeof(tv));
	if (r < 0)
		return fail(c, r);
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return fail(c, -EINVAL);
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	if (!path_addr)
		return fail(c, -EFAULT);
	return do_utimens(c, guest_dirfd, path_addr, ts, 0);
}

int sys_utimes(struct sc_ctx *c)
{
	return do_utimes_tv(c, AT_FDCWD, ARG(0), ARG(1));
}

int sys_futimesat(struct sc_ctx *c)
{
	return do_utimes_tv(c, (int)ARG(0), ARG(1), ARG(2));
}

int sys_utime(struct sc_ctx *c)
{
	struct utimbuf ub;
	struct timespec ts[2];
	if (!ARG(1))
		return do_utimens(c, AT_FDCWD, ARG(0), NULL, 0);
	int r = guest_read(c->req->pid, ARG(1), &ub, sizeof(ub));
	if (r < 0)
		return fail(c, r);
	ts[0].tv_sec = ub.actime;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = ub.modtime;
	ts[1].tv_nsec = 0;
	return do_utimens(c, AT_FDCWD, ARG(0), ts, 0);
}

int sys_statfs(struct sc_ctx *c)
{
	char path[PATH_MAX];
	int r = read_path(c, ARG(0), path);
	if (r < 0)
		return fail(c, r);
	struct gofer_req req = {.op = GOP_STATFS};
	struct gofer_resp resp;
	r = gofer_path_call(c, AT_FDCWD, path, &req, &resp, NULL);
	if (r < 0)
		return fail(c, r);
	struct statfs sfs = resp.u.sfs;
	if (resp.redirect) {
		memset(&sfs, 0, sizeof(sfs));
		sfs.f_type = 0x9fa0; /* PROC_SUPER_MAGIC */
		sfs.f_bsize = 4096;
		sfs.f_namelen = 255;
		sfs.f_frsize = 4096;
	}
	r = guest_write(c->req->pid, ARG(1), &sfs, sizeof(sfs));
	return r < 0 ? fail(c, r) : ok(c, 0);
}

int sys_path_xattr(struct sc_ctx *c)
{
	return fail(c, -ENOTSUP);
}

int sys_inotify_add_watch(struct sc_ctx *c)
{
	char path[PATH_MAX];
	int r = read_path(c, ARG(1), path);
	if (r < 0)
		return fail(c, r);
	int ifd = guest_getfd(c, (int)ARG(0));
	if (ifd < 0)
		return fail(c, ifd);
	_cleanup_close_ int obj = ifd;
	struct gofer_req req = {.op = GOP_INOTIFY_ADD};
	req.arg[0] = (uint32_t)ARG(2);
	req.path_len = (uint32_t)strlen(path) + 1;
	if (path[0] != '/') {
		char abs[PATH_MAX + 2];
		char cwd[PATH_MAX];
		int n = fd_view_path(c->s, c->t->fs->cwd_fd, cwd, sizeof(cwd));
		if (n < 0)
			return fail(c, n);
		if (snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= (int)sizeof(path))
			return fail(c, -ENAMETOOLONG);
		memcpy(path, abs, sizeof(path));
		req.path_len = (uint32_t)strlen(path) + 1;
	}
	memcpy(req.data, path, req.path_len);
	req.fd_mask = GOFER_FD_OBJ;
	struct creds cr;
	r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return fail(c, r);
	creds_to_req(&cr, false, &req);
	if (!notif_valid(c))
		return fail(c, -ESRCH);
	struct gofer_resp resp;
	r = gofer_call(c->s, &req, &obj, 1, &resp, NULL);
	if (r < 0)
		return fail(c, r);
	if (resp.redirect)
		return fail(c, -EACCES);
	return ok(c, resp.val);
}
