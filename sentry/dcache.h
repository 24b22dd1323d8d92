/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's dentry cache: what a path named when it was last resolved,
 * so that repeated lookups (an interpreter's import system stats the same
 * directories again and again) do not each cost a gofer round trip.
 *
 * An entry binds a key (the path string, whether its last symlink is
 * followed, and the caller's ids, which decide search permission) to the
 * object it resolved to, held as an O_PATH fd, or to the error the lookup
 * failed with (ENOENT, ENOTDIR). Attributes are never cached: the object's
 * size and times change through native writes, so callers stat the fd.
 *
 * Exactness. Every name or permission a guest can change, it changes
 * through the sentry; the sentry drops the whole cache after each such
 * request (dcache_clear), except after one that only adds names (a
 * creation, a link): that cannot change where an existing path leads, only
 * make a failed lookup succeed, so it drops the failures alone
 * (dcache_names_added); and after an unlink or rename that only removed or
 * moved names of objects that are neither directories nor symlinks: the
 * paths that led to those objects are dropped, and the failures
 * (dcache_objects_moved); and after an rmdir, a rename of a directory or
 * a symlink, or a directory's chmod or chown: the failures, the entries
 * of the objects, every entry whose lookup may have gone through a
 * symlink or ".." (its key is not its object's path in the view), and the
 * entries at or below the directory's path, known from an entry of the
 * directory itself on a device mounted once in the view
 * (dcache_dirs_changed; without such an entry the cache starts over). A
 * chmod or chown of a file that is neither a directory nor a symlink
 * decides no lookup and drops nothing. What the host may change
 * underneath (the trees of volumes) is "volatile": no key below a volatile tree is cached, and when
 * volatile trees exist an object is cached only when its path in the view
 * is the key itself (no symlink on the way could have led into a volatile
 * tree) and failures are not cached at all (a missing name cannot say
 * which way the lookup went). A name can also go without the sentry: a
 * pty's /dev/pts entry when its last fd is closed; callers treat an object
 * whose link count dropped to 0 as not cached. The rest of the view (the
 * rootfs and the host's submounts, overlays whose lower layers overlayfs
 * requires to stay unchanged while mounted) counts as changed by the guest
 * alone.
 *
 * Lookups relative to a directory fd are keyed by the directory's path
 * when the cache keeps that very directory (st_dev, st_ino) for that path
 * looked up absolutely by the same ids (sentry/vfs/dentry.c): the absolute
 * lookup needs what the relative one needs and more (search permission on
 * the ancestors), so both share the absolute key.
 *
 * This file is the cache alone (no guest, no gofer): sentry/vfs/dentry.c asks it
 * and fills it. */
#ifndef RUNSC_SENTRY_DCACHE_H
#define RUNSC_SENTRY_DCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dcache;

enum dcache_kind {
	DCACHE_MISS = 0,
	DCACHE_SEEN,  /* resolved before (not kept): this lookup keeps an fd */
	DCACHE_POS,   /* *val: the object's O_PATH fd, owned by the cache */
	DCACHE_NEG,   /* *val: the negative errno the lookup failed with */
	DCACHE_PLAIN, /* keeping its object failed: the caller's own request answers */
};

/* Key flags */
#define DCACHE_FOLLOW	0x1 /* a symlink as the last component is followed */
#define DCACHE_RELATIVE 0x2 /* the path was relative: the cwd's path + "/" + it */

struct dcache_key {
	const char *path; /* absolute; borrowed for the key's life */
	size_t len;
	uint32_t hash;
	uint32_t cred; /* from dcache_cred() */
	uint8_t flags;
};

/* Bounds: entries (when reached, the cache starts over), and fds held by
 * positive entries (when reached, no more objects are kept until the
 * cache starts over). */
#define DCACHE_MAX_ENTRIES 16384
#define DCACHE_MAX_FDS	   8192
#define DCACHE_MAX_CREDS   16

struct dcache *dcache_new(size_t max_entries, size_t max_fds);
void dcache_free(struct dcache *d);
/* Adds a tree the host may change (a volume's path in the view). Paths
 * with ".." are refused (-EINVAL). */
int dcache_add_volatile(struct dcache *d, const char *path);
bool dcache_has_volatile(const struct dcache *d);
/* Drops every entry and closes their fds. */
void dcache_clear(struct dcache *d);
/* Names were added (nothing removed, renamed or re-permitted): the
 * failures known so far may be stale. */
void dcache_names_added(struct dcache *d);
/* The names of these objects (st_dev, st_ino), none a directory or a
 * symlink, went or moved, and a moved one may have replaced another name:
 * the paths that led to them may lead elsewhere or nowhere now, and
 * failures may be stale. Every other path leads where it did, since a
 * path's way runs through directories and symlinks alone. */
void dcache_objects_moved(struct dcache *d, const uint64_t (*ids)[2], size_t n);
/* An object whose name or permissions changed: a directory's change
 * reaches every path through it. */
struct dcache_obj {
	uint64_t dev, ino;
	uint32_t mode; /* st_mode: its type decides */
};
#define DCACHE_MAX_OBJS 2
/* The names of these objects (one at least a directory or a symlink)
 * went or moved, or their permissions changed: failures may be stale;
 * every path that ran through a symlink or ".." may lead elsewhere, and
 * so may every path at or below a directory among them. A kept object's
 * path is exactly its key when the key is the object's path in the view
 * (no symlink and no ".." on the way: dcache_put_pos_st's view_path);
 * such entries of paths outside the directories stay, when each
 * directory's path is known from an entry of its own and its device is
 * not mounted twice in the view (dcache_set_aliased). Otherwise the cache
 * starts over. emptied: the directories among objs were removed (rmdir,
 * which only empty ones pass): every entry below them went with its own
 * object already, and their paths need not be known. */
void dcache_dirs_changed(struct dcache *d, const struct dcache_obj *objs, size_t n, bool emptied);
/* The devices mounted more than once in the view, where a directory can
 * have two paths. Until this is called every device counts as such. */
void dcache_set_aliased(struct dcache *d, const uint64_t *devs, size_t n);
/* A small id for a set of ids (fsuid, fsgid, groups) and capabilities over
 * files (GOFER_CAPS_FS bits): lookups by one may fail where by another they
 * pass. When the table is full the cache starts over. */
int dcache_cred(struct dcache *d, uint32_t uid, uint32_t gid, uint32_t ngroups,
		const uint32_t *groups, uint32_t caps);

/* Fills k for path. Returns false when path must not be cached: not
 * absolute, too long, with a trailing slash, or below a volatile tree
 * (and, when volatile trees exist, with a ".." component). */
bool dcache_key_init(const struct dcache *d, struct dcache_key *k, const char *path, uint32_t cred,
		     uint8_t flags);

enum dcache_kind dcache_lookup(struct dcache *d, const struct dcache_key *k, int *val);
/* Is k's kept object still the one (st_dev, st_ino) it was when kept? An
 * overlay file's ids can change at its copy-up, and dcache_objects_moved
 * finds objects by the ids they had when kept: one whose ids moved is not
 * cached any more. */
bool dcache_obj_is(struct dcache *d, const struct dcache_key *k, uint64_t dev, uint64_t ino);
/* Forgets k (a positive entry whose object went away). */
void dcache_drop(struct dcache *d, const struct dcache_key *k);
/* Records that k resolved (without keeping its object), unless more is
 * known about it. */
void dcache_put_seen(struct dcache *d, const struct dcache_key *k);
/* Records that k's object cannot be kept (the gofer would not hand it
 * over): lookups of k go their own way until the cache starts over. */
void dcache_put_plain(struct dcache *d, const struct dcache_key *k);
/* Keeps fd (an O_PATH fd of what k resolved to) and returns true; the
 * cache owns fd then. view_path is fd's path in the view (or NULL): when
 * it equals the key's path the entry outlives changes of directories
 * elsewhere (dcache_dirs_changed); when volatile trees exist the object is
 * kept only when it equals the key's path normalized. Returns false and leaves fd to the caller
 * otherwise (also when the fds run out). */
bool dcache_put_pos(struct dcache *d, const struct dcache_key *k, int fd, const char *view_path);
/* dcache_put_pos with fd's st_dev and st_ino known already. */
bool dcache_put_pos_st(struct dcache *d, const struct dcache_key *k, int fd, const char *view_path,
		       uint64_t dev, uint64_t ino);
/* Does path[0, len) lead, through no symlink and no "..", to an object
 * whose path in the view it is? Yes when a positive entry that follows a
 * final symlink keeps an object for it as its own path in the view
 * (direct), for any ids: which way names lead does not depend on who
 * looks, and every change of the way drops such an entry. */
bool dcache_direct(struct dcache *d, const char *path, size_t len);
/* Should a path's first lookup keep its object at once (rather than on
 * its second)? Yes while kept objects answer later lookups; a scan of
 * distinct paths would only pay for fds it never uses. */
bool dcache_eager(const struct dcache *d);
/* Can another object be kept? */
bool dcache_room(const struct dcache *d);
/* Records that k failed with err (-ENOENT or -ENOTDIR); others are not
 * kept. */
void dcache_put_neg(struct dcache *d, const struct dcache_key *k, int err);

/* "/a//b/./c/" -> "/a/b/c". Returns the length, or -1 for a path that is
 * not absolute, has a ".." component or does not fit. */
int dcache_normalize(const char *path, char *out, size_t size);
/* Is the normalized path at or below one of the volatile trees? */
bool dcache_volatile(const struct dcache *d, const char *norm);

/* Counters, for tests and logs. */
struct dcache_stats {
	uint64_t hits, misses, clears;
	size_t entries, fds;
};
void dcache_get_stats(const struct dcache *d, struct dcache_stats *st);

#endif
