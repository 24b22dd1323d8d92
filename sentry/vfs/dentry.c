/* SPDX-License-Identifier: Apache-2.0 */
/* The dentry cache (sentry/dcache.h) as the VFS's lookups use it: set up
 * on first use with the volumes' trees as volatile, keyed by the calling
 * thread's path and ids, and filled from the gofer's answers. The cache
 * itself knows no guest and no gofer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/dcache.h"
#include "sentry/perm.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* stat, statx, access(F_OK) and readlink of a path whose object the cache
 * keeps are answered from its O_PATH fd; known failures answer stat,
 * access, readlink and opens that create nothing. The gofer hands over the
 * O_PATH fd instead of doing the operation itself: at a path's first
 * lookup while kept objects get reused, else at its second (a scan of
 * distinct paths then costs what it did without the cache). A name the
 * guest creates with open(O_CREAT) is kept at once (dc_learn_created):
 * the open's own fd names the object, and a creation leaves every entry
 * valid (gofer_client.c: names_change). */

static void dc_names_changed(struct sentry *s, enum names_change change,
			     const struct gofer_gone *gone, size_t ngone)
{
	if (!s->dcache)
		return;
	struct dcache_obj objs[GOFER_GONE_MAX];
	size_t n = ngone < GOFER_GONE_MAX ? ngone : GOFER_GONE_MAX;
	for (size_t i = 0; i < n; i++) {
		objs[i].dev = gone[i].dev;
		objs[i].ino = gone[i].ino;
		objs[i].mode = gone[i].mode;
	}
	switch (change) {
	case NAMES_ADDED:
		dcache_names_added(s->dcache);
		break;
	case NAMES_MOVED: {
		uint64_t ids[GOFER_GONE_MAX][2];
		for (size_t i = 0; i < n; i++) {
			ids[i][0] = objs[i].dev;
			ids[i][1] = objs[i].ino;
		}
		dcache_objects_moved(s->dcache, ids, n);
		break;
	}
	case NAMES_DIRS:
		dcache_dirs_changed(s->dcache, objs, n, false);
		break;
	case NAMES_DIRS_REMOVED:
		dcache_dirs_changed(s->dcache, objs, n, true);
		break;
	case NAMES_KEPT:
		break;
	case NAMES_CHANGED:
	default:
		dcache_clear(s->dcache);
		break;
	}
}

/* A volume's tree, as its path was given and as the view resolved it (its
 * mount point is where the given path led through the view's symlinks). */
static int dc_add_volume(struct sentry *s, struct dcache *d, const char *guest_path)
{
	int r = dcache_add_volatile(d, guest_path);
	if (r < 0)
		return r;
	/* The sentry's own lookup, as root with every capability over files. */
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_PATH | O_CLOEXEC, .caps = GOFER_CAPS_FS};
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
	r = vfs_fd_path(s, obj, view, sizeof(view));
	return r < 0 ? r : dcache_add_volatile(d, view);
}

/* The devices mounted more than once in the view (the gofer's mount
 * namespace), where a directory can have two paths. Left unknown (every
 * device counts) when the table cannot be read. */
static void dc_find_aliases(struct sentry *s, struct dcache *d)
{
	if (s->gofer_pid <= 0)
		return;
	char path[32];
	snprintf(path, sizeof(path), "%d/mountinfo", (int)s->gofer_pid);
	int fd = openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("dcache: %s: %s", path, strerror(errno));
		return;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	uint64_t devs[256], aliased[256];
	size_t ndevs = 0, naliased = 0;
	bool complete = true;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		unsigned int major, minor;
		if (sscanf(line, "%*u %*u %u:%u", &major, &minor) != 2) {
			complete = false;
			continue;
		}
		uint64_t dev = (uint64_t)makedev(major, minor);
		size_t i = 0;
		while (i < ndevs && devs[i] != dev)
			i++;
		if (i == ndevs) {
			if (ndevs == sizeof(devs) / sizeof(devs[0])) {
				complete = false;
				break;
			}
			devs[ndevs++] = dev;
			continue;
		}
		size_t j = 0;
		while (j < naliased && aliased[j] != dev)
			j++;
		if (j == naliased)
			aliased[naliased++] = dev;
	}
	fclose(f);
	log_debug("dcache: %zu mounts' devices, %zu mounted twice%s", ndevs, naliased,
		  complete ? "" : " (incomplete: all count)");
	if (complete)
		dcache_set_aliased(d, aliased, naliased);
}

/* The cache, set up on first use once the volumes are known; under a
 * policy without room for entries, as only the trees the host may change
 * are asked of it then (dc_trees). */
static struct dcache *dc_setup(struct sentry *s)
{
	if (s->dcache || s->dcache_off)
		return s->dcache;
	s->dcache_off = true;
	if (!s->volumes_known)
		return NULL;
	/* Positive entries hold fds: half of the limit at most (the rest
	 * is for tasks' pidfds, cwds and the guest fds a call fetches; a
	 * full table makes the cache start over, gofer_client.c). */
	size_t max_fds = DCACHE_MAX_FDS;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 2 < max_fds)
		max_fds = (size_t)(rl.rlim_cur / 2);
	struct dcache *d = s->policy ? dcache_new(1, 0) : dcache_new(DCACHE_MAX_ENTRIES, max_fds);
	for (size_t i = 0; i < s->nvolume_paths; i++) {
		int r = dc_add_volume(s, d, s->volume_paths[i]);
		if (r < 0) {
			log_debug("dentry cache off: volume %s: %s", s->volume_paths[i],
				  strerror(-r));
			dcache_free(d);
			return NULL;
		}
	}
	dc_find_aliases(s, d);
	s->dcache = d;
	s->dcache_off = false;
	if (!s->policy) /* else it holds no entries to keep exact */
		s->names_changed = dc_names_changed;
	return d;
}

struct dcache *dc_get(struct sentry *s)
{
	/* Under a policy every lookup goes to the gofer, which decides it:
	 * the cache's O_PATH fds are filled by lookups a policy allows even
	 * for `access: none` paths (stat sees them), and answering readlink
	 * or access from them would skip the rules and the audit log. */
	return s->policy ? NULL : dc_setup(s);
}

struct dcache *dc_trees(struct sentry *s)
{
	return dc_setup(s);
}

bool dc_keeps(struct dcache *d, const struct dcache_key *key, int val, const struct stat *st)
{
	struct stat kept;
	return fstat(val, &kept) == 0 && kept.st_nlink > 0 && kept.st_dev == st->st_dev &&
	       kept.st_ino == st->st_ino &&
	       dcache_obj_is(d, key, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
}

/* "." and "//" inside a path change nothing about where it leads: such
 * spellings (tar's "./d/f") share the plain one's key. Left as it is: a
 * path with "..", one that ends in "/" or "/." (a final "." follows a
 * symlink that lstat's key would not, and asks for a directory). */
static void dc_key_normalize(char *path, size_t size)
{
	size_t len = strlen(path);
	if (len < 2 || path[len - 1] == '/' || (path[len - 1] == '.' && path[len - 2] == '/') ||
	    (!strstr(path, "/./") && !strstr(path, "//")))
		return;
	char norm[PATH_MAX];
	if (dcache_normalize(path, norm, sizeof(norm)) > 0 && strlen(norm) < size)
		memcpy(path, norm, strlen(norm) + 1);
}

static int dc_fill(struct sc_ctx *c, int guest_dirfd, const char *path, struct dc_query *q,
		   struct dc_hit *hit);

/* Is dir (a directory fd, st its attributes) the object the cache keeps
 * for path as an absolute lookup by cred? Asks the gofer once when the
 * path is not kept yet. */
static bool dc_dir_is_cached(struct sc_ctx *c, struct dcache *d, const char *path, uint32_t cred,
			     const struct stat *st)
{
	struct dc_query q = {.d = d};
	snprintf(q.path, sizeof(q.path), "%s", path);
	if (!dcache_key_init(d, &q.key, q.path, cred, 0))
		return false;
	struct dc_hit hit = {.fd = -1};
	int val = -1;
	switch (dcache_lookup(d, &q.key, &val)) {
	case DCACHE_POS:
		return dc_keeps(d, &q.key, val, st);
	case DCACHE_SEEN:
	case DCACHE_MISS:
		if (!dcache_room(d) || dc_fill(c, AT_FDCWD, q.path, &q, &hit) <= 0)
			return false;
		break;
	default:
		return false;
	}
	bool same = hit.st.st_dev == st->st_dev && hit.st.st_ino == st->st_ino && !hit.owned;
	dc_hit_release(&hit);
	return same;
}

/* The key prefix of a lookup relative to guest_dirfd: the directory's path
 * in the view, when the cache keeps that very directory for the path
 * looked up as an absolute one by the same ids. The absolute lookup then
 * needs nothing the relative one did not (search permission on the
 * directory's ancestors was granted to these ids, and every change of
 * names or permissions since would have dropped the entry), so the two
 * share the absolute key. The fd is the one the gofer's request uses
 * (guest_dirfd_pinned). */
static bool dc_dirfd_path(struct sc_ctx *c, struct dcache *d, int guest_dirfd, uint32_t cred,
			  char *out, size_t size)
{
	bool own;
	int fd = guest_dirfd_pinned(c, guest_dirfd, &own);
	if (fd < 0)
		return false;
	struct stat st;
	char prefix[64];
	bool ok = sc_ctx_fstat(c, fd, &st) == 0 &&
		  !procfs_owns_fd(c->s, fd, &st, prefix, sizeof(prefix)) && S_ISDIR(st.st_mode) &&
		  st.st_nlink > 0 && vfs_fd_live_path(c->s, fd, out, size) > 0;
	if (own)
		close(fd);
	return ok && dc_dir_is_cached(c, d, out, cred, &st);
}

/* Keys a lookup of path from guest_dirfd by the calling thread. follow: a
 * final symlink is followed. real_ids: access(2) without AT_EACCESS, which
 * resolves with the real ids (cached only where they and the capabilities
 * that go with them are the fs ids' own). */
void dc_query(struct sc_ctx *c, int guest_dirfd, const char *path, bool follow, bool real_ids,
	      struct dc_query *q)
{
	q->d = NULL;
	q->base_len = 0;
	if (path[0] == 0)
		return;
	struct dcache *d = dc_get(c->s);
	if (!d)
		return;
	struct creds cr;
	if (task_read_creds(c->s, c->req->pid, &cr) < 0)
		return;
	if (real_ids && (cr.ruid != cr.fsuid || cr.rgid != cr.fsgid ||
			 creds_file_caps(&cr, true) != creds_file_caps(&cr, false)))
		return;
	uint32_t groups[GOFER_MAX_GROUPS];
	for (int i = 0; i < cr.ngroups; i++)
		groups[i] = cr.groups[i];
	int cred = dcache_cred(d, cr.fsuid, cr.fsgid, (uint32_t)cr.ngroups, groups,
			       creds_file_caps(&cr, false));
	uint8_t flags = follow ? DCACHE_FOLLOW : 0;
	int n;
	if (path[0] == '/') {
		n = snprintf(q->path, sizeof(q->path), "%s", path);
	} else if (guest_dirfd != AT_FDCWD) {
		char dir[PATH_MAX];
		if (!dc_dirfd_path(c, d, guest_dirfd, (uint32_t)cred, dir, sizeof(dir)))
			return;
		n = snprintf(q->path, sizeof(q->path), "%s/%s", strcmp(dir, "/") ? dir : "", path);
		q->base_len = strcmp(dir, "/") ? strlen(dir) : 0;
	} else {
		/* Relative keys are their own: a lookup from the cwd needs no
		 * search permission on the cwd's ancestors. */
		const char *cwd = dc_cwd_path(c);
		if (!cwd)
			return;
		n = snprintf(q->path, sizeof(q->path), "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
		q->base_len = strcmp(cwd, "/") ? strlen(cwd) : 0;
		flags |= DCACHE_RELATIVE;
	}
	if (n < 0 || (size_t)n >= sizeof(q->path))
		return;
	dc_key_normalize(q->path, sizeof(q->path));
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
	resp.rule = GOFER_RULE_NONE;
	int r = gofer_path_call(c, guest_dirfd, path, &req, &resp, &fd);
	_cleanup_close_ int obj = fd;
	if ((r == -ENOENT || r == -ENOTDIR) && !resp.redirect && resp.rule == GOFER_RULE_NONE) {
		dcache_put_neg(q->d, &q->key, r);
		return r;
	}
	if (r < 0 || resp.redirect || obj < 0) {
		/* The caller's own request answers (and says why, and has a
		 * policy's refusal audited), now and next time. */
		dcache_put_plain(q->d, &q->key);
		return 0;
	}
	hit->st = resp.u.st; /* the gofer's fstat of obj (GOP_OPEN) */
	char view[PATH_MAX];
	const char *view_path = vfs_fd_path(c->s, obj, view, sizeof(view)) > 0 ? view : NULL;
	hit->fd = take_fd(&obj);
	hit->owned = !dcache_put_pos_st(q->d, &q->key, hit->fd, view_path, (uint64_t)hit->st.st_dev,
					(uint64_t)hit->st.st_ino);
	return 1;
}

/* Looks q up. Returns 1 with hit filled (the object), a negative errno the
 * lookup is known to fail with, or 0 when the caller asks the gofer.
 * want_obj: the caller can use an object (else only failures answer). */
int dc_find(struct sc_ctx *c, int guest_dirfd, const char *path, struct dc_query *q, bool want_obj,
	    struct dc_hit *hit)
{
	if (!q->d)
		return 0;
	int val = -1;
	switch (dcache_lookup(q->d, &q->key, &val)) {
	case DCACHE_POS:
		if (!want_obj)
			return 0;
		/* A name the sentry did not remove can still go: a pty's
		 * /dev/pts entry when its master is closed. An object whose
		 * ids changed since it was kept (an overlay copy-up) would
		 * be missed by dcache_objects_moved: not cached either. */
		if (fstat(val, &hit->st) < 0 || hit->st.st_nlink == 0 ||
		    !dcache_obj_is(q->d, &q->key, (uint64_t)hit->st.st_dev,
				   (uint64_t)hit->st.st_ino)) {
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

int dc_statx_kept(struct sc_ctx *c, struct dc_query *q, int at_flags, unsigned int mask,
		  struct statx *sx)
{
	int val = -1;
	if (!q->d || dcache_lookup(q->d, &q->key, &val) != DCACHE_POS)
		return 0;
	const unsigned int need = STATX_TYPE | STATX_INO | STATX_NLINK;
	if (statx(val, "", AT_EMPTY_PATH | (at_flags & AT_STATX_SYNC_TYPE), mask, sx) < 0) {
		int err = -errno;
		return notif_valid(c) ? err : -ESRCH;
	}
	/* As dc_find's fstat: still linked, still the object kept. */
	if ((sx->stx_mask & need) != need || sx->stx_nlink == 0 ||
	    !dcache_obj_is(q->d, &q->key, (uint64_t)makedev(sx->stx_dev_major, sx->stx_dev_minor),
			   sx->stx_ino)) {
		dcache_drop(q->d, &q->key);
		return 2;
	}
	return notif_valid(c) ? 1 : -ESRCH;
}

void dc_hit_release(struct dc_hit *hit)
{
	if (hit->owned && hit->fd >= 0)
		close(hit->fd);
	hit->fd = -1;
}

/* What the gofer answered a lookup q keys. exists: r says the path
 * resolved (0, or EINVAL from readlink of something else than a link). */
void dc_learn(struct dc_query *q, int r, bool exists, const struct gofer_resp *resp)
{
	if (!q->d)
		return;
	if (!exists && r != -ENOENT && r != -ENOTDIR)
		return; /* may not have come from the gofer: resp is not read */
	if (resp->redirect || resp->rule != GOFER_RULE_NONE)
		return; /* the sentry's, or a policy's refusal (audited each time) */
	if (exists)
		dcache_put_seen(q->d, &q->key);
	else
		dcache_put_neg(q->d, &q->key, r);
}

/* Is q's key the view path of the object a lookup that does not follow a
 * final symlink finds? Yes when the key's directories after the lookup's
 * start (a view path itself) are each known to be their own view path
 * (dcache_direct): the lookup then followed no symlink and no "..", and
 * its last component is the object's name. */
static bool dc_key_is_view_path(struct dc_query *q)
{
	const char *p = q->key.path;
	size_t len = q->key.len;
	if (q->base_len >= len || p[q->base_len] != '/')
		return false;
	for (size_t i = q->base_len + 1; i < len; i++) {
		if (p[i] != '/')
			continue;
		if (!dcache_direct(q->d, p, i))
			return false;
	}
	/* The last component is a name, not "." or "..". */
	const char *last = strrchr(p, '/') + 1;
	return *last && strcmp(last, ".") != 0 && strcmp(last, "..") != 0;
}

/* Keeps fd (an O_PATH fd; st its attributes, or NULL) for the lookup of
 * path from guest_dirfd by the calling thread; follow: the key that
 * follows a final symlink. Returns true when the cache took fd; the caller
 * keeps it otherwise. */
static bool dc_keep(struct sc_ctx *c, int guest_dirfd, const char *path, bool follow, int fd,
		    const struct stat *st)
{
	struct dc_query q;
	dc_query(c, guest_dirfd, path, follow, false, &q);
	if (!q.d || !dcache_room(q.d))
		return false;
	char view[PATH_MAX];
	const char *view_path;
	if (!follow && dc_key_is_view_path(&q))
		view_path = q.key.path; /* what the readlink below would say */
	else
		view_path = vfs_fd_path(c->s, fd, view, sizeof(view)) > 0 ? view : NULL;
	if (st)
		return dcache_put_pos_st(q.d, &q.key, fd, view_path, (uint64_t)st->st_dev,
					 (uint64_t)st->st_ino);
	return dcache_put_pos(q.d, &q.key, fd, view_path);
}

/* dc_keep of a copy of obj (the caller's). */
static void dc_keep_dup(struct sc_ctx *c, int guest_dirfd, const char *path, bool follow, int obj)
{
	int fd = fcntl(obj, F_DUPFD_CLOEXEC, 3);
	if (fd >= 0 && !dc_keep(c, guest_dirfd, path, follow, fd, NULL))
		close(fd);
}

void dc_learn_created(struct sc_ctx *c, int guest_dirfd, const char *path, bool name_is_object,
		      int fd, const struct stat *st)
{
	/* The cache keeps an O_PATH fd: one open for writing would hold the
	 * file busy (ETXTBSY for its exec). */
	char link[32];
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	int obj = openat(c->s->host_procfd, link, O_PATH | O_CLOEXEC);
	if (obj >= 0 && obj < 3) {
		/* The cache's fds stay clear of stdio's numbers. */
		dc_keep_dup(c, guest_dirfd, path, !name_is_object, obj);
		close(obj);
	} else if (obj >= 0 && !dc_keep(c, guest_dirfd, path, !name_is_object, obj, st)) {
		close(obj);
	} else if (obj >= 0 && S_ISREG(st->st_mode)) {
		c->s->created_dev = (uint64_t)st->st_dev;
		c->s->created_ino = (uint64_t)st->st_ino;
		c->s->created_gen = c->s->files_gen;
		c->s->created_known = true;
	}
}

void dc_learn_made(struct sc_ctx *c, int guest_dirfd, const char *path, int *obj, bool is_dir)
{
	if (!dc_get(c->s))
		return;
	/* One query, one fstat and one view path serve both keys: they
	 * differ in DCACHE_FOLLOW alone, and a directory is no symlink to
	 * follow. */
	struct dc_query q;
	dc_query(c, guest_dirfd, path, false, false, &q);
	struct stat st;
	if (!q.d || !dcache_room(q.d) || fstat(*obj, &st) < 0)
		return;
	char view[PATH_MAX];
	const char *view_path;
	if (dc_key_is_view_path(&q))
		view_path = q.key.path; /* what the readlink below would say */
	else
		view_path = vfs_fd_path(c->s, *obj, view, sizeof(view)) > 0 ? view : NULL;
	struct dcache_key keys[2] = {q.key, q.key};
	keys[1].flags |= DCACHE_FOLLOW;
	int n = is_dir ? 2 : 1;
	for (int i = 0; i < n; i++) {
		/* The last key takes obj itself, kept clear of stdio's
		 * numbers; the others a copy. */
		if (!dcache_room(q.d))
			return;
		bool take = i == n - 1 && *obj >= 3;
		int fd = take ? *obj : fcntl(*obj, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return;
		if (!dcache_put_pos_st(q.d, &keys[i], fd, view_path, (uint64_t)st.st_dev,
				       (uint64_t)st.st_ino)) {
			if (!take)
				close(fd);
			return;
		}
		if (take)
			*obj = -1;
	}
}
