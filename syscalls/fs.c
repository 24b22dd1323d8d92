/* SPDX-License-Identifier: Apache-2.0 */
/* Path syscalls: the sentry copies the path out of guest memory once,
 * checks the flags, has its VFS (sentry/vfs.h) resolve the path and do the
 * operation, and installs or writes back the result. Implements Linux syscalls open(2), openat(2),
 * openat2(2), creat(2), the stat family, access(2) family, readlink(2), getcwd(2), chdir(2),
 * fchdir(2), mkdir(2), rmdir(2), unlink(2), rename(2), link(2), symlink(2), chmod(2),
 * fchmodat2(2), chown(2), truncate(2), utimensat(2), utimes(2), utime(2), statfs(2), mknod(2), the
 * path xattr calls and inotify_add_watch(2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "common/compat.h"
#include "common/proto.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"
#include "sentry/vfs.h"
#include "syscalls/handlers.h"

#define ARG(i) (c->req->data.args[i])

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

static int do_open(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t flags64,
		   uint64_t mode64, uint64_t resolve)
{
	char path[PATH_MAX];
	int r = read_path(c, path_addr, path);
	if (r < 0)
		return fail(c, r);
	int flags = (int)flags64;
	int fd = -1;
	r = vfs_open(c, guest_dirfd, path, flags, (mode_t)mode64, resolve, &fd);
	if (r == SC_DEFER)
		return SC_DEFER;
	if (r < 0)
		return fail(c, r);
	c->install_fd = fd;
	c->install_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
	return 0;
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

/* The guest's user namespace shows ids it does not map as the overflow
 * ids (/proc/sys/kernel/overflowuid and overflowgid: 65534), as the
 * kernel does for fstat on the guest's own fds. */
#define OVERFLOW_ID 65534u
static uint32_t guest_id(uint32_t host_id)
{
	return host_id < GUEST_ID_COUNT ? host_id : OVERFLOW_ID;
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
	r = vfs_stat(c, guest_dirfd, path, at_flags, &st);
	if (r < 0)
		return fail(c, r);
	setid_show_stat(c->s, &st);
	st.st_uid = guest_id(st.st_uid);
	st.st_gid = guest_id(st.st_gid);
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

/* The raw fstat(2) and fstatfs(2) trap only for O_PATH fds, which the
 * guest holds as placeholders (sentry/opath.h): when the fd is none, the
 * call goes on natively. A placeholder is answered for the object it
 * stands for, as newfstatat(fd, "", AT_EMPTY_PATH) is. fstat(2) is also
 * answered here for a file with set-id bits the sentry keeps (setid.h),
 * which the host's mode lacks: the answer is the native one plus them. */
int sys_fstat(struct sc_ctx *c)
{
	int fd = (int)ARG(0);
	char empty[1] = "";
	struct stat st;
	int r;
	if (opath_guest_flags(c->s, (pid_t)c->req->pid, fd) < 0) {
		if (!setid_any(c->s) || vfs_stat(c, fd, empty, AT_EMPTY_PATH, &st) < 0 ||
		    setid_bits(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino) == 0) {
			c->cont = true;
			return 0;
		}
	} else {
		r = vfs_stat(c, fd, empty, AT_EMPTY_PATH, &st);
		if (r < 0)
			return fail(c, r);
	}
	setid_show_stat(c->s, &st);
	st.st_uid = guest_id(st.st_uid);
	st.st_gid = guest_id(st.st_gid);
	r = guest_write(c->req->pid, ARG(1), &st, sizeof(st));
	return r < 0 ? fail(c, r) : ok(c, 0);
}

/* Whether the guest's fd is a file of the sandbox's /sys: never before the
 * guest opened one there (no system call then), else one stat of the host
 * /proc's link for the fd. */
static bool guest_fd_in_sysfs(struct sc_ctx *c, int guest_fd)
{
	char link[48];
	struct stat st;

	if (!c->s->sysfs_opened || guest_fd < 0)
		return false;
	snprintf(link, sizeof(link), "%d/fd/%d", (int)c->req->pid, guest_fd);
	return fstatat(c->s->host_procfd, link, &st, 0) == 0 && st.st_dev == c->s->sysfs_dev;
}

/* fstatfs(2) runs natively but on two kinds of fd: an O_PATH placeholder,
 * answered for the object it stands for, and a file of the sandbox's /sys,
 * an overlay answered as the sysfs that statfs(2) of its path shows. */
int sys_fstatfs(struct sc_ctx *c)
{
	int guest_fd = (int)ARG(0);
	bool placeholder = opath_guest_flags(c->s, (pid_t)c->req->pid, guest_fd) >= 0;
	if (!placeholder && !guest_fd_in_sysfs(c, guest_fd)) {
		c->cont = true;
		return 0;
	}
	int obj = guest_getfd(c, guest_fd);
	if (obj < 0)
		return fail(c, obj);
	struct statfs sfs;
	struct stat st;
	int r = fstatfs(obj, &sfs) < 0 ? -errno : 0;
	if (r == 0 && c->s->sysfs_opened && sfs.f_type == OVERLAYFS_SUPER_MAGIC &&
	    fstat(obj, &st) == 0 && st.st_dev == c->s->sysfs_dev)
		gofer_statfs_as_sysfs(&sfs);
	close(obj);
	if (r < 0)
		return fail(c, r);
	r = guest_write(c->req->pid, ARG(1), &sfs, sizeof(sfs));
	return r < 0 ? fail(c, r) : ok(c, 0);
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
	r = vfs_statx(c, guest_dirfd, path, at_flags, mask, &sx);
	if (r < 0)
		return fail(c, r);
	setid_show_statx(c->s, &sx);
	sx.stx_uid = guest_id(sx.stx_uid);
	sx.stx_gid = guest_id(sx.stx_gid);
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
	r = vfs_access(c, guest_dirfd, path, mode, at_flags);
	return r < 0 ? fail(c, r) : ok(c, 0);
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
	char target[PATH_MAX];
	size_t len = 0;
	r = vfs_readlink(c, guest_dirfd, path, target, sizeof(target), &len);
	if (r < 0)
		return fail(c, r);
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

int sys_getcwd(struct sc_ctx *c)
{
	char buf[PATH_MAX];
	const char *path;
	int r = vfs_getcwd(c, buf, sizeof(buf), &path);
	if (r < 0)
		return fail(c, r);
	size_t n = (size_t)r;
	if ((uint64_t)n + 1 > ARG(1))
		return fail(c, -ERANGE);
	r = guest_write(c->req->pid, ARG(0), path, n + 1);
	return r < 0 ? fail(c, r) : ok(c, (int64_t)n + 1);
}

int sys_chdir(struct sc_ctx *c)
{
	char path[PATH_MAX];
	int r = read_path(c, ARG(0), path);
	if (r < 0)
		return fail(c, r);
	r = vfs_chdir(c, path);
	return r < 0 ? fail(c, r) : ok(c, 0);
}

int sys_fchdir(struct sc_ctx *c)
{
	int r = vfs_fchdir(c, (int)ARG(0));
	return r < 0 ? fail(c, r) : ok(c, 0);
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
	int64_t val = 0;
	r = vfs_path_op(c, guest_dirfd, path, req, proc_err, nofollow, &val);
	return r < 0 ? fail(c, r) : ok(c, val);
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
	struct gofer_req req = {.op = GOP_MKDIR, .mode = mode & 07777 & ~mask & ~VFS_SETID_BITS};
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
				.mode = type |
					(mode & 07777 & ~mask)}; /* set-id bits: the sentry's */
	req.arg[GOFER_ARG_DEV] = dev;
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
	r = vfs_path2_op(c, dirfd1, path, dirfd2, path2, req);
	return r < 0 ? fail(c, r) : ok(c, 0);
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
	/* Linux refuses these combinations before it looks at anything. */
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return fail(c, -EINVAL);
	/* A whiteout is a device node (0/0): the sandbox makes none. */
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

/* The set-id bits go to the gofer, which keeps them from the host and
 * says in its answer which the sentry keeps (sentry/setid.h). */
int sys_chmod(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(1) & 07777};
	return path_op(c, AT_FDCWD, ARG(0), &req, -EACCES, false);
}

int sys_fchmodat(struct sc_ctx *c)
{
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(2) & 07777};
	return path_op(c, (int)ARG(0), ARG(1), &req, -EACCES, false);
}

/* fchmodat2(2): fchmodat with flags. The mode of a symlink itself
 * (AT_SYMLINK_NOFOLLOW) cannot change: the gofer answers EOPNOTSUPP, as
 * Linux does since 6.6. An empty path with AT_EMPTY_PATH is fchmod(2) of
 * dirfd (or of the cwd for AT_FDCWD). */
int sys_fchmodat2(struct sc_ctx *c)
{
	unsigned int flags = (unsigned int)ARG(3);
	if (flags & ~(unsigned int)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(2) & 07777, .flags = flags};
	char path[PATH_MAX];
	int r = read_path(c, ARG(1), path);
	if (r < 0)
		return fail(c, r);
	if (path[0] == 0 && (flags & AT_EMPTY_PATH)) {
		r = vfs_fd_op(c, (int)ARG(0), &req, -EPERM);
		return r < 0 ? fail(c, r) : ok(c, 0);
	}
	int64_t val = 0;
	r = vfs_path_op(c, (int)ARG(0), path, &req, -EACCES, false, &val);
	return r < 0 ? fail(c, r) : ok(c, 0);
}

/* fchmod(2), fchown(2): by the sentry on its copy of the fd where the
 * gofer would do just that (sentry/vfs/fd_attr.c), else through the gofer,
 * which refuses fds that are not the view's (a host file the launcher
 * passed as stdio). */
static int fd_attr_op(struct sc_ctx *c, struct gofer_req *req)
{
	int r = vfs_fd_op(c, (int)ARG(0), req, -EPERM);
	return r < 0 ? fail(c, r) : ok(c, 0);
}

int sys_fchmod(struct sc_ctx *c)
{
	int r = vfs_fd_chmod_here(c, (int)ARG(0), (mode_t)ARG(1) & 07777);
	if (r != 0)
		return r < 0 ? fail(c, r) : ok(c, 0);
	struct gofer_req req = {.op = GOP_CHMOD, .mode = (uint32_t)ARG(1) & 07777};
	return fd_attr_op(c, &req);
}

int sys_fchown(struct sc_ctx *c)
{
	int r = vfs_fd_chown_here(c, (int)ARG(0), (uint32_t)ARG(1), (uint32_t)ARG(2));
	if (r != 0)
		return r < 0 ? fail(c, r) : ok(c, 0);
	struct gofer_req req = {.op = GOP_CHOWN};
	req.arg[GOFER_ARG_UID] = (uint32_t)ARG(1); /* -1: GOFER_ID_KEEP */
	req.arg[GOFER_ARG_GID] = (uint32_t)ARG(2);
	return fd_attr_op(c, &req);
}

static int do_chown(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr, uint64_t uid,
		    uint64_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_CHOWN, .flags = (uint32_t)flags};
	req.arg[GOFER_ARG_UID] = (uint32_t)uid; /* -1: GOFER_ID_KEEP */
	req.arg[GOFER_ARG_GID] = (uint32_t)gid;
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
	char path[PATH_MAX];
	int r = read_path(c, ARG(0), path);
	if (r < 0)
		return fail(c, r);
	/* The gofer truncates under the caller's RLIMIT_FSIZE; growing a file
	 * past it fails with EFBIG and, as Linux's inode_newsize_ok sends it to
	 * the caller, SIGXFSZ. That check comes first among the size checks, so
	 * EFBIG for a length above the limit is the limit's. */
	rlim_t fsize = task_rlimit(c->s, c->req->pid, RLIMIT_FSIZE, RLIM_INFINITY);
	struct gofer_req req = {.op = GOP_TRUNCATE};
	req.arg[GOFER_ARG_LENGTH] = ARG(1);
	req.arg[GOFER_ARG_FSIZE] = fsize;
	int64_t val = 0;
	char copy[PATH_MAX];
	memcpy(copy, path, sizeof(copy));
	r = vfs_path_op(c, AT_FDCWD, path, &req, -EACCES, false, &val);
	if (r == 0 && setid_any(c->s))
		setid_path_written(c, copy);
	if (r == -EFBIG && fsize != RLIM_INFINITY && ARG(1) > fsize)
		(void)syscall(SYS_tgkill, c->t->tgid, (pid_t)c->req->pid, SIGXFSZ);
	return r < 0 ? fail(c, r) : ok(c, val);
}

static int do_utimens(struct sc_ctx *c, int guest_dirfd, uint64_t path_addr,
		      const struct timespec *ts, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	struct gofer_req req = {.op = GOP_UTIMENS, .flags = (uint32_t)flags};
	if (!ts) {
		req.mode = GOFER_TIMES_NOW;
	} else {
		for (int i = 0; i < 2; i++) {
			if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
			    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
				return fail(c, -EINVAL);
		}
		req.arg[GOFER_ARG_ATIME_SEC] = (uint64_t)ts[0].tv_sec;
		req.arg[GOFER_ARG_ATIME_NSEC] = (uint64_t)ts[0].tv_nsec;
		req.arg[GOFER_ARG_MTIME_SEC] = (uint64_t)ts[1].tv_sec;
		req.arg[GOFER_ARG_MTIME_NSEC] = (uint64_t)ts[1].tv_nsec;
	}
	if (path_addr == 0) {
		/* utimensat(fd, NULL, ...): futimens(2) on the fd itself. */
		if (guest_dirfd == AT_FDCWD)
			return fail(c, -EFAULT);
		int r = vfs_fd_utimens_here(c, guest_dirfd, ts);
		if (r != 0)
			return r < 0 ? fail(c, r) : ok(c, 0);
		r = vfs_fd_op(c, guest_dirfd, &req, 0);
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
	struct statfs sfs;
	r = vfs_statfs(c, path, &sfs);
	if (r < 0)
		return fail(c, r);
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
	r = vfs_inotify_add_watch(c, obj, path, (uint32_t)ARG(2));
	return r < 0 ? fail(c, r) : ok(c, r);
}
