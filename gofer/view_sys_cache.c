/* SPDX-License-Identifier: Apache-2.0 */
/* The host's shared trees of the sandbox's /sys (view_sys.c): built once
 * per host and content, then shown read-only in every view that asks for
 * the same one, so that a start neither copies the host's per-CPU files
 * nor pays a page for each of them.
 *
 *   CACHE/                 root's own, mode 0700 (made so when missing);
 *                          every directory above it root's and writable
 *                          by no one else (or sticky, as /tmp)
 *     BOOT_ID.KEY/         one per boot of the host and content (the
 *                          sandbox's CPUs, the host's THP settings):
 *       tree/              what /sys shows, every file and directory
 *                          immutable (FS_IMMUTABLE_FL)
 *       empty/             an empty immutable directory (an overlay
 *                          needs two layers when it has no upper)
 *       lock               an empty immutable file: each sandbox that
 *                          shows the tree holds flock(LOCK_SH) on it
 *                          for its life (its gofer keeps it open)
 *     .runsc-c-build/      a tree being built, under the lock
 *     .runsc-c-remove/     a tree being removed, under the lock
 *
 * A tree is used only as found: BOOT_ID.KEY/tree and BOOT_ID.KEY/empty
 * reached without a symlink or a mount crossing, directories mode 0755
 * owned by root:root, immutable. Immutability is what makes the check of
 * the tree's root enough: nothing below it can be added, removed, renamed
 * or written without CAP_LINUX_IMMUTABLE in the host's user namespace
 * (clearing the flag first), which no guest has, whatever volumes give it.
 * A tree that fails the check is removed and built again.
 *
 * Building takes flock(2) on CACHE, without waiting: a start that finds
 * another one building makes its own private tree this once. The tree is
 * made in .runsc-c-build and renamed to its name complete, so a start that does
 * not take the lock never sees half a tree.
 *
 * Removing also happens under the lock on CACHE, and only to a tree whose
 * own lock is taken exclusively without waiting: no sandbox shows it.
 * The lock file goes first, then the tree is renamed to .runsc-c-remove
 * and emptied. A start takes the lock shared, then checks the file is
 * still linked (a remover that held it unlinked it), and only then opens
 * the tree: holding the lock of a linked file, it knows no one removes
 * the tree it opens. The trees of earlier boots go (no sandbox of theirs
 * runs); of this boot's, at most TREES_KEPT stay: the start that builds
 * one, and any start that finds more than TREES_KEPT directories in
 * CACHE (its link count tells, on the file systems that count a
 * directory's subdirectories: tmpfs, ext4, xfs), removes the least
 * recently used that no sandbox shows until TREES_KEPT are left (each
 * start that shows a tree sets BOOT_ID.KEY's mtime). A tree with no lock file
 * is not removed by this: a sandbox of a runsc-c that took no lock may
 * show it. Sealing and removing walk one file system and one mount, the
 * cache's: a mount inside a tree or in the place of one (a bind mount of
 * the same file system too) is another's files, left alone and logged. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_build.h"

#define BUILD_DIR  ".runsc-c-build"
#define REMOVE_DIR ".runsc-c-remove"
#define LOCK_NAME  "lock"
/* Trees of this boot kept when no sandbox shows them: one per CPU set and
 * THP setting in use lately (docs/oci.md, "The sandbox's /sys"). */
#define TREES_KEPT 8
/* Deeper than any tree view_sys.c makes: a deeper one is not ours. */
#define TREE_DEPTH_MAX 16

/* Every directory on the way to the cache, and the cache itself, must be
 * root's; those above it writable by no one else unless sticky (a user
 * cannot rename root's entries of /tmp), the cache itself 0700. */
static int check_dir(int fd, bool last, struct stat *s)
{
	if (fstat(fd, s) < 0)
		return -errno;
	if (!S_ISDIR(s->st_mode) || s->st_uid != 0)
		return -EPERM;
	if (last)
		return (s->st_mode & 07777) == 0700 ? 0 : -EPERM;
	return !(s->st_mode & 022) || (s->st_mode & S_ISVTX) ? 0 : -EPERM;
}

/* Opens the cache directory path (absolute), making it and what is missing
 * on the way (0711; the cache 0700), each component checked. *nlink: the
 * cache's link count. */
static int cache_dir_open(const char *path, int *out, nlink_t *nlink)
{
	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return -EINVAL;
	char buf[PATH_MAX];
	strcpy(buf, path);
	_cleanup_close_ int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat s;
	/* "/" alone is the cache itself, held to the cache's rules. */
	int r = check_dir(fd, strspn(path, "/") == strlen(path), &s);
	char *save = NULL;
	for (char *name = strtok_r(buf, "/", &save); r == 0 && name;) {
		char *next = strtok_r(NULL, "/", &save);
		bool last = !next;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return -EINVAL;
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT) {
			if (mkdirat(fd, name, last ? 0700 : 0711) < 0 && errno != EEXIST)
				return -errno;
			sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (sub < 0)
			return -errno;
		close(fd);
		fd = sub;
		r = check_dir(fd, last, &s);
		name = next;
	}
	if (r == 0) {
		*out = take_fd(&fd);
		*nlink = s.st_nlink;
	}
	return r;
}

static int set_immutable(int fd, bool on)
{
	int flags;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return -errno;
	int want = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	if (want != flags && ioctl(fd, FS_IOC_SETFLAGS, &want) < 0)
		return -errno;
	return 0;
}

/* What BOOT_ID.KEY/tree and /empty must be: see the top. */
static int check_tree_dir(int fd)
{
	struct stat s;
	int flags;
	if (fstat(fd, &s) < 0 || ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return -errno;
	if (!S_ISDIR(s.st_mode) || s.st_uid != 0 || s.st_gid != 0 || (s.st_mode & 07777) != 0755 ||
	    !(flags & FS_IMMUTABLE_FL))
		return -EPERM;
	return 0;
}

/* Opens path below dir_fd, never through a symlink or a mount crossing
 * (-EXDEV): an fd or -errno. */
static int beneath_open(int dir_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)raw_openat2(dir_fd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* Opens name of the entry dir (a name of the cache), never through a
 * symlink or a mount crossing: an fd or -errno. */
static int entry_file_open(int cache_fd, const char *dir, const char *name, int flags)
{
	char rel[NAME_MAX + 16];
	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	return beneath_open(cache_fd, rel, flags);
}

static int open_tree_dir(int cache_fd, const char *key, const char *name)
{
	_cleanup_close_ int fd = entry_file_open(cache_fd, key, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	int r = check_tree_dir(fd);
	return r < 0 ? r : take_fd(&fd);
}

/* Opens dir's lock file (never a FIFO's wait) and takes it as op says
 * (LOCK_SH or LOCK_EX, never waiting): the fd, -ENOENT (no lock file, or
 * one a remover unlinked), -EWOULDBLOCK (held the other way), -EPERM
 * (not a file of root's) or another -errno. */
static int lock_take(int cache_fd, const char *dir, int op)
{
	_cleanup_close_ int fd =
		entry_file_open(cache_fd, dir, LOCK_NAME, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return fd == -ELOOP || fd == -EXDEV || fd == -ENOTDIR ? -EPERM : fd;
	struct stat s;
	if (flock(fd, op | LOCK_NB) < 0 || fstat(fd, &s) < 0)
		return -errno;
	if (!S_ISREG(s.st_mode) || s.st_uid != 0)
		return -EPERM;
	/* Unlinked by a remover between our open and our lock. */
	if (s.st_nlink == 0)
		return -ENOENT;
	return take_fd(&fd);
}

/* The tree of key, if it is there and as runsc-c made it, its lock held
 * shared: 0, -ENOENT (not there, or being removed), -EPERM (not to be
 * trusted) or another -errno. */
static int entry_open(int cache_fd, const char *key, struct sys_tree *t)
{
	_cleanup_close_ int lock = lock_take(cache_fd, key, LOCK_SH);
	if (lock == -EWOULDBLOCK)
		return -ENOENT;
	if (lock == -ENOENT) {
		/* An entry without its lock file is not as runsc-c makes it. */
		struct stat s;
		if (fstatat(cache_fd, key, &s, AT_SYMLINK_NOFOLLOW) == 0)
			return -EPERM;
		return -errno;
	}
	if (lock < 0)
		return lock;
	int tree = open_tree_dir(cache_fd, key, "tree");
	if (tree < 0)
		return tree == -ENOENT || tree == -ELOOP || tree == -EXDEV || tree == -ENOTDIR
			       ? -EPERM
			       : tree;
	int empty = open_tree_dir(cache_fd, key, "empty");
	if (empty < 0) {
		close(tree);
		return empty == -ENOENT || empty == -ELOOP || empty == -EXDEV || empty == -ENOTDIR
			       ? -EPERM
			       : empty;
	}
	t->tree_fd = tree;
	t->empty_fd = empty;
	t->lock_fd = take_fd(&lock);
	/* Used now: the sweep removes the trees least recently used first,
	 * by the entry's mtime (the entry itself is not immutable; its lock,
	 * held, keeps it from a remover meanwhile). One system call a start;
	 * a tree whose time stays keeps its place in that order. */
	if (utimensat(cache_fd, key, NULL, AT_SYMLINK_NOFOLLOW) < 0)
		log_debug("/sys: marking %s used: %s", key, strerror(errno));
	return 0;
}

enum tree_op {
	/* Starts writing the files' pages back, not waiting: making a file
	 * immutable waits for its writeback (ext4), one file after another,
	 * unless it is already under way for all of them. */
	TREE_WRITEBACK,
	TREE_SEAL,   /* makes every directory and regular file immutable */
	TREE_REMOVE, /* clears the flag and removes everything */
};

/* Opens name of dir_fd for a walk of a tree: an fd or -errno. The kernel
 * refuses a mount crossing (RESOLVE_NO_XDEV: another file system, a bind
 * mount of the same one, an automount point) before it opens anything
 * there: -EXDEV, with a log line naming the place. A tree is one file
 * system on one mount; a mount in it holds another's files, never to
 * open, clear flags on, seal or remove. */
static int tree_open(int dir_fd, const char *name, int flags)
{
	int fd = beneath_open(dir_fd, name, flags);
	if (fd != -EXDEV)
		return fd;
	char proc[32], dir[PATH_MAX];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dir_fd);
	ssize_t n = readlink(proc, dir, sizeof(dir) - 1);
	dir[n > 0 ? n : 0] = '\0';
	log_msg("/sys: %s%s%s is another file system (a mount inside a tree of the cache): "
		"left alone",
		dir, dir[0] ? "/" : "", name);
	return -EXDEV;
}

/* Applies op to everything below dir_fd, all on its mount (a mount
 * inside is refused: tree_open). Only what a tree can hold is
 * opened: directories and regular files (O_NONBLOCK, never a FIFO or a
 * device); anything else is only removed. */
static int tree_apply(int dir_fd, enum tree_op op, int depth)
{
	if (depth > TREE_DEPTH_MAX)
		return -ELOOP;
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (errno = 0, e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		unsigned char type = e->d_type;
		struct stat s;
		if (type == DT_UNKNOWN && fstatat(dir_fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0)
			type = S_ISDIR(s.st_mode)   ? DT_DIR
			       : S_ISREG(s.st_mode) ? DT_REG
						    : DT_UNKNOWN;
		if (type == DT_DIR || type == DT_REG) {
			int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY |
				    (type == DT_DIR ? O_DIRECTORY : 0);
			_cleanup_close_ int sub = tree_open(dir_fd, name, flags);
			if (sub < 0) {
				r = sub;
				break;
			}
			if (op == TREE_WRITEBACK)
				r = type == DT_REG && sync_file_range(sub, 0, 0,
								      SYNC_FILE_RANGE_WRITE) < 0
					    ? -errno
					    : 0;
			else
				r = set_immutable(sub, op == TREE_SEAL);
			if (r == 0 && type == DT_DIR)
				r = tree_apply(sub, op, depth + 1);
		}
		if (r == 0 && op == TREE_REMOVE &&
		    unlinkat(dir_fd, name, type == DT_DIR ? AT_REMOVEDIR : 0) < 0)
			r = -errno;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

/* Removes name (a directory of the cache) with everything below it, all
 * on the cache's file system. */
static int tree_remove(int cache_fd, const char *name)
{
	_cleanup_close_ int fd = tree_open(cache_fd, name, O_RDONLY | O_DIRECTORY);
	if (fd == -ENOENT || fd == -EXDEV)
		return fd == -ENOENT ? 0 : fd;
	if (fd < 0)
		return unlinkat(cache_fd, name, 0) < 0 ? -errno : 0;
	int r = set_immutable(fd, false);
	if (r == 0)
		r = tree_apply(fd, TREE_REMOVE, 0);
	if (r == 0 && unlinkat(cache_fd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

/* Under the lock on the cache: removes the entry name unless a sandbox
 * shows it (-EBUSY: its lock is held). One without a lock file goes only
 * when !need_lock. The lock file goes first, so that a start that took
 * it shared a moment later sees it unlinked (entry_open). */
static int entry_remove(int cache_fd, const char *name, bool need_lock)
{
	/* What an earlier removal left (a mount inside it: tree_open) goes
	 * first, before the lock is touched: while it stays, no other entry
	 * loses its lock, each is left whole and in use. */
	int r = tree_remove(cache_fd, REMOVE_DIR);
	if (r < 0)
		return r;
	_cleanup_close_ int lock = lock_take(cache_fd, name, LOCK_EX);
	if (lock == -EWOULDBLOCK || (lock < 0 && need_lock))
		return -EBUSY;
	if (lock >= 0) {
		char rel[NAME_MAX + 16];
		snprintf(rel, sizeof(rel), "%s/" LOCK_NAME, name);
		r = set_immutable(lock, false);
		if (r < 0)
			return r;
		if (unlinkat(cache_fd, rel, 0) < 0)
			return -errno;
	}
	/* Out of the way at once: a start may build the same name again. */
	if (renameat2(cache_fd, name, cache_fd, REMOVE_DIR, RENAME_NOREPLACE) < 0)
		return errno == ENOENT ? 0 : -errno;
	return tree_remove(cache_fd, REMOVE_DIR);
}

/* A name runsc-c gives in the cache: BOOT_ID.KEY (a boot id is a UUID,
 * 36 characters; a key 16 hex digits), BUILD_DIR or REMOVE_DIR. The sweep
 * removes nothing else, wherever RUNSC_C_SYS_CACHE points. */
static bool cache_name(const char *name)
{
	if (strcmp(name, BUILD_DIR) == 0 || strcmp(name, REMOVE_DIR) == 0)
		return true;
	if (strlen(name) != 36 + 1 + 16 || name[36] != '.')
		return false;
	for (size_t i = 0; name[i]; i++)
		if (i != 36 && !isxdigit((unsigned char)name[i]) &&
		    !(name[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)))
			return false;
	return true;
}

struct kept_tree {
	char name[36 + 1 + 16 + 1];
	struct timespec mtime; /* when a start last showed it (entry_open) */
};

static int kept_tree_cmp(const void *a, const void *b)
{
	const struct timespec *x = &((const struct kept_tree *)a)->mtime;
	const struct timespec *y = &((const struct kept_tree *)b)->mtime;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

static int kept_tree_add(struct kept_tree **trees, size_t *n, size_t *cap, const char *name,
			 const struct stat *s)
{
	if (*n == *cap) {
		struct kept_tree *more = reallocarray(*trees, 2 * *cap + 16, sizeof(**trees));
		if (!more)
			return -ENOMEM;
		*trees = more;
		*cap = 2 * *cap + 16;
	}
	struct kept_tree *t = &(*trees)[(*n)++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->mtime = s->st_mtim;
	return 0;
}

/* Under the lock on the cache: removes the trees of earlier boots (no
 * sandbox of theirs runs) and what a build or a removal left half done;
 * of this boot's trees (boot_prefix), the least recently used that no
 * sandbox shows until TREES_KEPT are left. */
static int sweep(int cache_fd, const char *boot_prefix)
{
	int fd = openat(cache_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return -e;
	}
	_cleanup_free_ struct kept_tree *trees = NULL;
	size_t ntrees = 0, cap = 0;
	/* The first error is reported; what else can go, goes. */
	int r = 0, err = 0;
	size_t n = strlen(boot_prefix);
	for (struct dirent *e; (e = readdir(d));) {
		const char *name = e->d_name;
		struct stat s;
		if (!cache_name(name))
			continue;
		if (name[0] == '.')
			r = tree_remove(cache_fd, name);
		else if (strncmp(name, boot_prefix, n) != 0)
			r = entry_remove(cache_fd, name, false);
		else if (fstatat(cache_fd, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
			r = -errno;
		else
			r = kept_tree_add(&trees, &ntrees, &cap, name, &s);
		if (!err && r < 0 && r != -EBUSY && r != -ENOENT)
			err = r;
		/* A mount inside what a removal left: nothing more goes
		 * until it does (entry_remove). */
		if (r == -EXDEV)
			break;
	}
	closedir(d);
	if (ntrees > 1)
		qsort(trees, ntrees, sizeof(*trees), kept_tree_cmp);
	for (size_t i = 0, left = ntrees; i < ntrees && left > TREES_KEPT; i++) {
		r = entry_remove(cache_fd, trees[i].name, true);
		if (r == 0)
			left--;
		else if (!err && r != -EBUSY)
			err = r;
		if (r == -EXDEV)
			break;
	}
	return err;
}
/* Under the lock: builds key's tree in BUILD_DIR and renames it into place. */
static int build(int cache_fd, const char *key, sys_tree_fill_fn fill, void *arg)
{
	int r = tree_remove(cache_fd, BUILD_DIR);
	if (r < 0)
		return r;
	if (mkdirat(cache_fd, BUILD_DIR, 0700) < 0)
		return -errno;
	_cleanup_close_ int build_fd = tree_open(cache_fd, BUILD_DIR, O_RDONLY | O_DIRECTORY);
	if (build_fd < 0)
		return build_fd;
	static const char *const dirs[] = {"tree", "empty"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(build_fd, dirs[i], 0755) < 0)
			return -errno;
	_cleanup_close_ int lock_fd = openat(
		build_fd, LOCK_NAME, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (lock_fd < 0)
		return -errno;
	_cleanup_close_ int tree_fd = tree_open(build_fd, "tree", O_RDONLY | O_DIRECTORY);
	if (tree_fd < 0)
		return tree_fd;
	_cleanup_close_ int empty_fd = tree_open(build_fd, "empty", O_RDONLY | O_DIRECTORY);
	if (empty_fd < 0)
		return empty_fd;
	if ((r = fill(arg, tree_fd)) < 0 || (r = tree_apply(tree_fd, TREE_WRITEBACK, 0)) < 0 ||
	    (r = tree_apply(tree_fd, TREE_SEAL, 0)) < 0 || (r = set_immutable(tree_fd, true)) < 0 ||
	    (r = set_immutable(empty_fd, true)) < 0 || (r = set_immutable(lock_fd, true)) < 0)
		return r;
	if (renameat2(cache_fd, BUILD_DIR, cache_fd, key, RENAME_NOREPLACE) < 0)
		return -errno;
	return 0;
}

/* The start that finds more than TREES_KEPT directories in the cache
 * (its link count: two, its name and its ".", plus each subdirectory's "..")
 * sweeps it, unless another start holds the lock on it: that one sweeps. */
static void sweep_when_full(int cache_fd, nlink_t nlink, const char *cache, const char *boot_prefix)
{
	if (nlink <= TREES_KEPT + 2 || flock(cache_fd, LOCK_EX | LOCK_NB) < 0)
		return;
	int r = sweep(cache_fd, boot_prefix);
	if (r < 0)
		log_debug("/sys: sweeping %s: %s", cache, strerror(-r));
	(void)flock(cache_fd, LOCK_UN);
}

int sys_tree_shared(const char *cache, const char *key, const char *keep_prefix,
		    sys_tree_fill_fn fill, void *arg, struct sys_tree *t, char *why,
		    size_t why_size)
{
	why[0] = '\0';
	_cleanup_close_ int cache_fd = -1;
	nlink_t nlink = 0;
	int r = cache_dir_open(cache, &cache_fd, &nlink);
	if (r == -EPERM)
		snprintf(why, why_size,
			 "%s, or a directory above it, is not root's own or is writable by "
			 "others",
			 cache);
	if (r < 0)
		return r;
	r = entry_open(cache_fd, key, t);
	if (r == 0)
		sweep_when_full(cache_fd, nlink, cache, keep_prefix);
	if (r != -ENOENT && r != -EPERM)
		return r;
	/* Another start is building or sweeping: not waited for. */
	if (flock(cache_fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	/* Built or fixed while we were looking. */
	r = entry_open(cache_fd, key, t);
	if (r != -ENOENT && r != -EPERM)
		return r;
	/* Not removed while a sandbox shows it (-EBUSY): this sandbox's
	 * own tree this time. */
	if (r == -EPERM) {
		if ((r = entry_remove(cache_fd, key, false)) < 0)
			return r;
		snprintf(why, why_size, "%s/%s is not as runsc-c makes it: built again", cache,
			 key);
	}
	r = build(cache_fd, key, fill, arg);
	if (r < 0) {
		(void)tree_remove(cache_fd, BUILD_DIR);
		return r;
	}
	/* Held shared before the sweep, which then leaves the new tree alone. */
	r = entry_open(cache_fd, key, t);
	/* An old tree that will not go does not keep the new one from use. */
	int swept = sweep(cache_fd, keep_prefix);
	if (swept < 0)
		log_debug("/sys: sweeping %s: %s", cache, strerror(-swept));
	return r;
}
