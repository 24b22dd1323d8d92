/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's VFS: what a path names, for the syscall handlers and exec.
 *
 * Handlers copy their arguments out of guest memory and decide their
 * flags; the VFS resolves the path (relative to the caller's cwd or a guest
 * dirfd), answers from the dentry cache where it can (sentry/dcache.h), and
 * otherwise sends the operation to its back-ends: the gofer's view, and the
 * sentry's own /proc and /dev/tty (sentry/procfs.c) where the gofer
 * redirects. A /proc link that leads back into the view (/proc/<pid>/cwd,
 * exe, a file's fd/N) is followed by redoing the operation in the view: the
 * "hop" walk of sentry/vfs/walk.c, shared by every operation.
 *
 * The files of sentry/vfs/: dentry.c (the dentry cache set-up, lookups
 * and what answers teach it), walk.c (the redirect-and-hop walk), cwd.c
 * (the cwd and the view paths of fds), chdir.c (chdir, fchdir), open.c,
 * exec_open.c (exec's open), stat.c (stat, statx, access, readlink,
 * statfs) and change.c (operations that change names or attributes). */
#ifndef RUNSC_SENTRY_VFS_H
#define RUNSC_SENTRY_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include "common/proto.h"

struct sc_ctx;
struct sentry;

/* Set-id bits never reach a host file: with ids mapped one to one, a
 * set-user-id file written into a volume would run as its owner on the
 * host. The gofer strips them from every mode it gives the host; the
 * sentry keeps the guest's (sentry/setid.h). */
#define VFS_SETID_BITS (S_ISUID | S_ISGID)

/* Paths below are guest paths (absolute, or relative to guest_dirfd, where
 * AT_FDCWD is the calling task's cwd) in a PATH_MAX buffer that the VFS may
 * rewrite while it follows /proc links into the view. Calls return 0 (or a
 * value where said) or a negative errno, as Linux would. */

/* open(2) with the guest's flags (O_PATH included), mode and openat2's
 * resolve: 0 with *fd_out the sentry-held fd to install (O_CLOEXEC in the
 * guest when flags has it), or SC_DEFER when a blocking FIFO open waits for
 * its peer (the wait then answers the call). */
/* The object path names, as the sentry's own fd (O_PATH for the view's, a
 * directory of the sentry's mirror for /proc's), never a placeholder: for
 * chdir. flags: O_NOFOLLOW, O_DIRECTORY. path is left holding the view path
 * the walk ended at when a /proc link led back into the view. */
int vfs_open_object(struct sc_ctx *c, int guest_dirfd, char *path, int flags, int *fd_out);
int vfs_open(struct sc_ctx *c, int guest_dirfd, char *path, int flags, mode_t mode,
	     uint64_t resolve, int *fd_out);

/* The file an exec names (vfs_exec_open). */
struct vfs_exec_file {
	int fd;			/* the file, or -1 */
	struct exec_fd *shared; /* fd's reference when the exec cache keeps it too: the
				   holder puts it (exec_fd_put) and never closes fd */
	char *view_path;	/* malloc'd: its path in the view, when the gofer opened it */
	bool guest_fd;		/* fd is the file of a guest's fd, not checked for exec yet */
	uint32_t
		rule; /* a refusal by the policy: gofer_rule_of(index); GOFER_RULE_NONE otherwise */
};

/* exec's open, at the exec's ptrace stop (do_open_execat's lookup): path
 * with flags (AT_SYMLINK_NOFOLLOW) from guest_dirfd; an empty path names
 * guest_dirfd's file itself. 0 with out->fd either the file the gofer
 * opened for exec (read-only, out->view_path) or, with out->guest_fd, the
 * file of a guest's fd (fexecve, /proc/<pid>/fd/N) for the caller to check
 * as Linux checks an fd it is handed. After a failure out->rule may be
 * set (the policy refused: path then holds the path the gofer refused), and
 * out->fd, when not -1, is still the caller's to close (or out->shared to
 * put). */
int vfs_exec_open(struct sc_ctx *c, int guest_dirfd, char *path, int flags,
		  struct vfs_exec_file *out);

/* stat(2) family; at_flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
int vfs_stat(struct sc_ctx *c, int guest_dirfd, char *path, int at_flags, struct stat *st);
int vfs_statx(struct sc_ctx *c, int guest_dirfd, char *path, int at_flags, unsigned int mask,
	      struct statx *sx);
/* access(2) family; at_flags: AT_EACCESS, AT_SYMLINK_NOFOLLOW. */
int vfs_access(struct sc_ctx *c, int guest_dirfd, char *path, int mode, int at_flags);
/* readlink(2): the link's text in target (size >= PATH_MAX, not
 * NUL-terminated), its length in *len_out. */
int vfs_readlink(struct sc_ctx *c, int guest_dirfd, char *path, char *target, size_t size,
		 size_t *len_out);
/* statfs(2); /proc's answer is made up like Linux's procfs. */
int vfs_statfs(struct sc_ctx *c, char *path, struct statfs *out);

/* One-path operations that change a name or attributes (mkdir, mknod,
 * unlink, chmod, chown, truncate, utimens): req says which, and *val_out
 * receives the gofer's value. /proc refuses them with proc_err as Linux's
 * procfs would, except where a /proc link leads back into the view (and
 * nofollow does not stop at it). */
int vfs_path_op(struct sc_ctx *c, int guest_dirfd, char *path, const struct gofer_req *req,
		int proc_err, bool nofollow, int64_t *val_out);
/* Two-path operations: rename, link, symlink (path is the link's text). */
int vfs_path2_op(struct sc_ctx *c, int guest_dirfd, const char *path, int guest_dirfd2,
		 const char *path2, struct gofer_req *req);
/* An operation on a guest fd itself (fchmod, fchown, futimens): through the
 * gofer, which refuses fds that are not the view's (a host file the
 * launcher passed as stdio). redirect_err answers for the sentry's own
 * files (0: success). */
int vfs_fd_op(struct sc_ctx *c, int guest_fd, struct gofer_req *req, int redirect_err);
/* futimens(2) of guest_fd done by the sentry where the gofer would do just
 * that (sentry/vfs/fd_attr.c): 1 when done, a negative errno when done and
 * failed, 0 when the gofer must do it. ts: NULL for now. */
int vfs_fd_utimens_here(struct sc_ctx *c, int guest_fd, const struct timespec *ts);
/* fchmod(2) and fchown(2) of guest_fd done by the sentry where the gofer
 * would do just that: answers as vfs_fd_utimens_here. uid, gid:
 * GOFER_ID_KEEP for chown's -1. */
int vfs_fd_chmod_here(struct sc_ctx *c, int guest_fd, mode_t mode);
int vfs_fd_chown_here(struct sc_ctx *c, int guest_fd, uint32_t uid, uint32_t gid);
/* inotify_add_watch(2) of path on the sentry's copy of the guest's inotify
 * fd: the watch descriptor. */
int vfs_inotify_add_watch(struct sc_ctx *c, int inotify_fd, char *path, uint32_t mask);

/* The cwd. vfs_getcwd: its path's length, *path_out pointing at buf or at
 * the path the VFS keeps (valid until the next VFS call); -ENOENT once
 * it was removed. */
int vfs_getcwd(struct sc_ctx *c, char *buf, size_t size, const char **path_out);
/* The cwd's path for a relative path the gofer resolves from the view's
 * root (a unix socket's, an inotify watch's): the view path of its fd, or
 * its /proc path (-ESRCH once its process is gone, as lookups from there
 * fail). */
int vfs_cwd_text(struct sc_ctx *c, char *buf, size_t size);
/* The /proc path of a cwd inside the sentry's /proc (fsinfo.cwd_proc):
 * its length, or -ENOENT once its process is gone. */
int vfs_cwd_proc_path(struct sc_ctx *c, char *buf, size_t size);
int vfs_chdir(struct sc_ctx *c, const char *path);
int vfs_fchdir(struct sc_ctx *c, int guest_fd);

/* The path inside the view of an fd the sentry holds (a gofer fd, or one
 * taken from the guest): its length, NUL-terminated in buf. */
int vfs_fd_path(struct sentry *s, int fd, char *buf, size_t size);
/* The same for an object still linked in the view: its length, or -ENOENT
 * when the kernel names it " (deleted)" or by no absolute path. */
int vfs_fd_live_path(struct sentry *s, int fd, char *buf, size_t size);

#endif
