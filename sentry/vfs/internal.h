/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of sentry/vfs/ share: the dentry cache's lookups
 * (dentry.c), the walk that follows redirects and /proc links (walk.c) and
 * the cwd's kept path (cwd.c). Not for use outside sentry/vfs/: the rest of
 * the sentry and the handlers call sentry/vfs.h. */
#ifndef RUNSC_SENTRY_VFS_INTERNAL_H
#define RUNSC_SENTRY_VFS_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "common/proto.h"
#include "sentry/dcache.h"

struct sc_ctx;
struct sentry;

/* ---- dentry.c: the dentry cache as path lookups see it ---- */

/* The sentry's cache, made on first use; NULL when it is off. */
struct dcache *dc_get(struct sentry *s);

/* The same cache under a policy too, where it holds no entries: which
 * trees the host may change (the exec cache's keys). NULL when off. */
struct dcache *dc_trees(struct sentry *s);

/* One path lookup as the cache sees it; d is NULL when it cannot be
 * cached. */
struct dc_query {
	struct dcache *d;
	struct dcache_key key;
	/* path[0, base_len) is the view path of the directory a relative
	 * lookup started from (its fd's, or the cwd's); 0 for an absolute
	 * one, which starts at the root. */
	size_t base_len;
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
void dc_query(struct sc_ctx *c, int guest_dirfd, const char *path, bool follow, bool real_ids,
	      struct dc_query *q);
/* Looks q up. Returns 1 with hit filled (the object), a negative errno the
 * lookup is known to fail with, or 0 when the caller asks the gofer.
 * want_obj: the caller can use an object (else only failures answer). */
int dc_find(struct sc_ctx *c, int guest_dirfd, const char *path, struct dc_query *q, bool want_obj,
	    struct dc_hit *hit);
void dc_hit_release(struct dc_hit *hit);
/* statx(2) of q's object when the cache keeps it, in one call where
 * dc_find's fstat and a statx took two: 1 with sx filled, a negative
 * errno, 2 when the kept object went (dropped: the caller asks the gofer),
 * 0 when the cache keeps no object for q (the caller goes on with
 * dc_find). */
int dc_statx_kept(struct sc_ctx *c, struct dc_query *q, int at_flags, unsigned int mask,
		  struct statx *sx);
/* Is val, the fd a positive entry for key holds, still linked and the
 * object st describes? */
bool dc_keeps(struct dcache *d, const struct dcache_key *key, int val, const struct stat *st);
/* What the gofer answered a lookup q keys. exists: r says the path
 * resolved (0, or EINVAL from readlink of something else than a link). */
void dc_learn(struct dc_query *q, int r, bool exists, const struct gofer_resp *resp);
/* An open of path from guest_dirfd by the calling thread created or opened
 * fd's object (O_CREAT): the cache keeps it for the key that follows a
 * final symlink, or, when the name is the object itself (O_EXCL, which
 * made it, or O_NOFOLLOW), for the one that does not (lstat's, which tools
 * that create files use on them). st: fd's attributes as the gofer's
 * answer gave them. */
void dc_learn_created(struct sc_ctx *c, int guest_dirfd, const char *path, bool name_is_object,
		      int fd, const struct stat *st);
/* A mkdir or symlink of path from guest_dirfd by the calling thread made
 * obj (an O_PATH fd the gofer answered with, the caller's): the cache
 * keeps it for the key that does not follow a final symlink, and for a
 * directory (is_dir) for the one that does too (stat's and lstat's alike:
 * tar, find and rm -r look new directories up both ways). The cache may
 * take obj itself: *obj is then -1. */
void dc_learn_made(struct sc_ctx *c, int guest_dirfd, const char *path, int *obj, bool is_dir);

/* ---- cwd.c ---- */

/* The cwd's path in the view, kept until a name changes. NULL when it has
 * none (removed). */
const char *dc_cwd_path(struct sc_ctx *c);

/* ---- walk.c: an operation through the gofer, following redirects ---- */

/* A /proc link followed back into the view counts as one hop; this many
 * end the walk with ELOOP. */
#define VFS_MAX_HOPS 8

struct vfs_walk;

/* The steps of one operation. The walk runs call; when the view answered,
 * view; when the gofer redirected into the sentry's own files, redirect; and
 * redoes the operation at the path redirect leaves in w->path while it
 * returns PROCFS_REOPEN_PATH. */
struct vfs_walk_ops {
	/* Sends the operation for w->path through the gofer. Returns the
	 * gofer's answer (0 or a negative errno) with resp filled. */
	int (*call)(struct vfs_walk *w, struct gofer_resp *resp);
	/* Optional: the answer to a failed call (else its errno). */
	int (*failed)(struct vfs_walk *w, int err, const struct gofer_resp *resp);
	/* The view answered. */
	int (*view)(struct vfs_walk *w, const struct gofer_resp *resp);
	/* The gofer redirected: where is the rest of the path in /proc, or
	 * PROCFS_TTY for /dev/tty. */
	int (*redirect)(struct vfs_walk *w, const struct gofer_resp *resp, const char *where);
	/* The first answer teaches the dentry cache (w->q) whether the path
	 * resolves; learn_skip: an error that tells nothing about the name
	 * (open's ENOTDIR may be O_DIRECTORY's), learn_found: an error that
	 * still says the path resolved (readlink's EINVAL). 0: none. */
	int learn_skip;
	int learn_found;
};

struct vfs_walk {
	const struct vfs_walk_ops *ops;
	struct sc_ctx *c;
	int guest_dirfd;
	char *path;	    /* PATH_MAX: the guest's path, then the view's */
	struct dc_query *q; /* the lookup the first answer teaches, or NULL */
};

/* Runs w's operation: the answer of its view or redirect step, a failed
 * call's errno, or -ELOOP after VFS_MAX_HOPS. */
int vfs_walk_run(struct vfs_walk *w);

#endif
