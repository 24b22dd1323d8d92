/* SPDX-License-Identifier: Apache-2.0 */
/* What the serving side knows about the view: the identities of its root
 * and of the redirect points (/proc, /dev, /dev/tty), the st_dev and mount
 * ids of its mounts, and the checks that decide whether a request's fd lies
 * in the view. view.c records the mounts while building; the handlers only
 * read them. */
#include "gofer/view_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "common/util.h"

static void ident_set(struct gofer_ident *id, const struct stat *s)
{
	id->valid = true;
	id->dev = s->st_dev;
	id->ino = s->st_ino;
}

bool ident_is(const struct gofer_ident *id, const struct stat *s)
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
	st->checked_fd = -1;
	ident_set(&st->root, &s);
	ident_at(&st->proc, root_fd, "proc");
	ident_at(&st->devdir, root_fd, "dev");
	ident_at(&st->sysdir, root_fd, "sys");
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

bool is_proc(const struct gofer_state *st, const struct stat *s)
{
	return S_ISDIR(s->st_mode) && ident_is(&st->proc, s);
}

/* What fstat(2) would say, from a statx(2) of STATX_BASIC_STATS. */
static void stat_of_statx(const struct statx *stx, struct stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_dev = makedev(stx->stx_dev_major, stx->stx_dev_minor);
	s->st_ino = (ino_t)stx->stx_ino;
	s->st_mode = stx->stx_mode;
	s->st_nlink = stx->stx_nlink;
	s->st_uid = stx->stx_uid;
	s->st_gid = stx->stx_gid;
	s->st_rdev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);
	s->st_size = (off_t)stx->stx_size;
	s->st_blksize = (blksize_t)stx->stx_blksize;
	s->st_blocks = (blkcnt_t)stx->stx_blocks;
	s->st_atim.tv_sec = stx->stx_atime.tv_sec;
	s->st_atim.tv_nsec = stx->stx_atime.tv_nsec;
	s->st_mtim.tv_sec = stx->stx_mtime.tv_sec;
	s->st_mtim.tv_nsec = stx->stx_mtime.tv_nsec;
	s->st_ctim.tv_sec = stx->stx_ctime.tv_sec;
	s->st_ctim.tv_nsec = stx->stx_ctime.tv_nsec;
}

/* One statx(2) tells a dirfd's type, device and mount (every request
 * with a dirfd asks), and the attributes the walk from it needs. */
static int dirfd_in_view(const struct gofer_state *st, int fd, struct statx *stx)
{
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_MNT_ID,
		  stx) < 0)
		return -errno;
	if (!(stx->stx_mask & STATX_TYPE))
		return -EIO;
	if (!S_ISDIR(stx->stx_mode))
		return -ENOTDIR;
	if (!view_dev(st, makedev(stx->stx_dev_major, stx->stx_dev_minor)))
		return -EBADF;
	/* Without mount ids (Linux before 5.8) the device check alone
	 * stands, as in view_mount. */
	if (!(stx->stx_mask & STATX_MNT_ID) || stx->stx_mnt_id == 0 || !st->nview_mnts)
		return 0;
	for (size_t i = 0; i < st->nview_mnts; i++)
		if (st->view_mnts[i] == stx->stx_mnt_id)
			return 0;
	return -EBADF;
}

int check_dirfd(struct gofer_state *st, int fd)
{
	struct statx stx;
	int r = dirfd_in_view(st, fd, &stx);
	if (r < 0 || (stx.stx_mask & STATX_BASIC_STATS) != STATX_BASIC_STATS)
		return r;
	stat_of_statx(&stx, &st->checked_st);
	st->checked_fd = fd;
	return 0;
}

int checked_fstat(const struct gofer_state *st, int fd, struct stat *s)
{
	if (fd >= 0 && fd == st->checked_fd) {
		*s = st->checked_st;
		return 0;
	}
	return fstat(fd, s);
}

/* An fd that is itself the object (AT_EMPTY_PATH): anything but a procfs
 * or nsfs file, whose operations reach beyond the sandbox. */
int check_anyfd(int fd)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == NSFS_MAGIC)
		return -EBADF;
	return 0;
}

/* Is fd's object on one of the view's mounts? The mount id decides: an
 * overlay file's st_dev is its layer's, not the overlay's. The st_dev check
 * stands in only where the kernel gives no mount ids. */
bool fd_in_view(const struct gofer_state *st, int fd)
{
	if (mount_id_at(fd, "") && st->nview_mnts)
		return view_mount(st, fd);
	struct stat s;
	return fstat(fd, &s) == 0 && view_dev(st, s.st_dev);
}

/* The kernel reports mount id 0 for its internal mounts (memfds). */
bool is_internal_mount(int fd)
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
int check_mutable_fd(const struct gofer_state *st, int fd)
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
