/* SPDX-License-Identifier: Apache-2.0 */
/* /proc and /dev/tty for the guest, once the gofer has redirected a path
 * walk here: open, stat, readlink and access of a path, the guest's fds of
 * the tree, and setup. The tree and its path walk are in procfs_path.c;
 * the procfs_*.c files (sentry/procfs_internal.h says which does what)
 * give its nodes real file descriptors, because read, mmap, getdents64 and
 * ioctl on them run natively in the guest:
 *
 * - a file is a sealed memfd holding the content produced at open, handed
 *   out through a read-only reopen (writes fail with EBADF, as on a read-only
 *   open); per-process content comes from a procfs mounted in the guest's pid
 *   namespace, so pids, PPid and TracerPid are the guest's;
 * - a directory is a directory of a detached tmpfs that mirrors the tree
 *   (one directory per /proc path, refreshed at each open, dead pids pruned),
 *   filled with empty files, directories and links of the right names and
 *   types; the guest gets it through a read-only clone of that mount;
 * - links (self, exe, cwd, fd/N, ...) are answered by procfs_readlink; the
 *   mirror holds placeholder links only so that getdents64 shows DT_LNK.
 *
 * Where this differs from Linux:
 * - File content is a snapshot taken at open: reading again from offset 0
 *   without reopening shows the same text. Seek, poll and mmap behave as on
 *   a regular file (Linux refuses mmap of most proc files). fstat on an open
 *   file shows its real size, mode 0444 and root as its owner; stat of the
 *   path shows size 0 and the process's owner as Linux does.
 * - A listing is the state at open, in the tmpfs's order (pids unsorted).
 *   fstat and fstatfs on an open directory show the tmpfs (root as owner,
 *   TMPFS_MAGIC).
 * - Every file is read-only: opening for writing gets EACCES even for root
 *   (Linux lets root open and fails the write, and accepts writes to comm,
 *   oom_score_adj and a few others); EROFS at or below a config's
 *   read-only path (an OCI config's linux.readonlyPaths).
 * - A masked path (linux.maskedPaths) is an empty directory, or a file that
 *   is the host's null device (opened, stat'ed and written as runc's bind
 *   of /dev/null over it would be); readlink of its fd in /proc/<pid>/fd
 *   says /dev/null, and a listing shows it as a regular file.
 * - /proc/<pid>/mounts and mountinfo are the view's real table, which the
 *   gofer read from the kernel when it built the view (GOP_MOUNTS, asked
 *   once), with /proc made the sentry's procfs and the config's /proc
 *   covers (read-only and masked paths) below it; a fixed table
 *   (procfs_default_mounts) only when the gofer has none.
 * - Access to another process's environ, maps, fd/, exe, ... follows a
 *   simplified ptrace rule: same thread group, CAP_SYS_PTRACE, or equal
 *   uids and gids; the target's dumpable flag is not considered.
 * - Opening /proc/<pid>/fd/N (and /dev/fd/N) reopens the object itself when
 *   that grants no more access than the process's fd has; otherwise a file
 *   or directory of the view is reopened by its path through the gofer
 *   (policy and permissions apply again; a file from outside the view, such
 *   as an inherited stdout, is then looked up by the same path in the view),
 *   and a deleted file gets EACCES.
 *   Pipes, FIFOs and devices are reopened after a permission check, without
 *   blocking: a write-only open of a FIFO without a reader gets ENXIO.
 * - /dev/tty is the sandbox's terminal whether or not the caller has it as
 *   its controlling terminal; fstat of the open fd shows the terminal device
 *   (e.g. 136:0) while stat of the path shows 5:0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

/* fd links that lead to other /proc nodes, followed in one call. */
#define MAX_REENTRY 8

/* A FIFO or device opened without waiting for a peer or carrier, then
 * given the guest's blocking mode. */
static int reopen_nowait(struct sentry *s, int fd, int flags)
{
	int r = procfs_magic_reopen(s, fd, flags | O_NONBLOCK);
	if (r < 0 || (flags & O_NONBLOCK) || (flags & O_PATH))
		return r;
	int fl = fcntl(r, F_GETFL);
	if (fl >= 0)
		fcntl(r, F_SETFL, fl & ~O_NONBLOCK);
	return r;
}

/* ---- open ---- */

static int open_node(struct pctx *pc, const char *rest, int flags, int *fd_out, char *view,
		     size_t view_size);

static int open_link(struct pctx *pc, const struct pnode *n, int flags, int *fd_out)
{
	if (!(flags & O_PATH))
		return -ELOOP;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	int fd = procfs_open_mirror(pc, n, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	*fd_out = fd;
	return 0;
}

static int open_file(struct pctx *pc, const struct pnode *n, int flags, int *fd_out)
{
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if (flags & O_PATH) {
		int fd = procfs_open_mirror(pc, n, O_PATH);
		if (fd < 0)
			return fd;
		*fd_out = fd;
		return 0;
	}
	if (procfs_wants_write(flags))
		return n->readonly ? -EROFS : -EACCES;
	int r;
	if (procfs_needs_ptrace(n)) {
		r = procfs_may_ptrace(pc, n->pid);
		if (r < 0)
			return r;
	}
	if (n->kind == PN_ENTRY && n->ent->what == PW_PAGEMAP) {
		int fd = procfs_pagemap_open(pc, n, flags);
		if (fd < 0)
			return fd;
		*fd_out = fd;
		return 0;
	}
	_cleanup_free_ char *data = NULL;
	ssize_t len = procfs_node_content(pc, n, &data);
	if (len < 0)
		return (int)len;
	int fd = procfs_seal_content(pc, n, data, (size_t)len, flags);
	if (fd < 0)
		return fd;
	*fd_out = fd;
	return 0;
}

static int open_dir(struct pctx *pc, const struct pnode *n, int flags, int *fd_out)
{
	if ((flags & __O_TMPFILE) == __O_TMPFILE)
		return -EOPNOTSUPP;
	int r;
	if (flags & O_PATH) {
		r = procfs_open_mirror(pc, n, O_PATH | O_DIRECTORY);
	} else {
		if (procfs_wants_write(flags) || (flags & O_CREAT))
			return -EISDIR;
		if (procfs_needs_ptrace(n)) {
			r = procfs_may_ptrace(pc, n->pid);
			if (r < 0)
				return r;
		}
		r = procfs_fill_dir(pc, n);
		if (r < 0)
			return r;
		r = openat(pc->ps->mirror_ro, procfs_mpath(n->path),
			   O_RDONLY | O_DIRECTORY | O_CLOEXEC | (flags & O_NONBLOCK));
		if (r < 0)
			r = -errno;
	}
	if (r < 0)
		return r;
	*fd_out = r;
	return 0;
}

/* A masked file is the null device (procfs_path.c): opened as runc's bind
 * of /dev/null over it would be, writes included. */
static int open_masked_file(struct pctx *pc, int flags, int *fd_out)
{
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if (pc->ps->null_fd < 0)
		return -ENXIO;
	int fd = reopen_nowait(pc->s, pc->ps->null_fd, flags);
	if (fd < 0)
		return fd;
	*fd_out = fd;
	return 0;
}

/* A name that does not exist, created in a masked directory (an empty
 * read-only file system under runc): EROFS. rest's last component is the
 * name. */
static int create_error(struct pctx *pc, const char *rest)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", rest);
	size_t len = strlen(parent);
	while (len > 0 && parent[len - 1] == '/')
		parent[--len] = 0;
	char *slash = strrchr(parent, '/');
	if (slash)
		slash[1] = 0;
	else
		parent[0] = 0;
	struct pnode n;
	char view[PATH_MAX];
	int r = procfs_walk(&pc->w, parent, true, &n, view, sizeof(view));
	return r == 0 && n.kind == PN_MASKED && n.type == PT_DIR ? -EROFS : -ENOENT;
}

static int set_view(char *view, size_t view_size, const char *path)
{
	int n = snprintf(view, view_size, "%s", path);
	return n < 0 || (size_t)n >= view_size ? -ENAMETOOLONG : PROCFS_REOPEN_PATH;
}

/* The /proc path of an object of the mirror or one of the sentry's
 * memfds, or "" if it is neither. */
static int proc_path_of(struct pctx *pc, int fd, const struct stat *st, char *buf, size_t size)
{
	enum fd_origin origin = st->st_dev == pc->ps->mirror_dev  ? FD_MIRROR
				: st->st_dev == pc->ps->memfd_dev ? FD_MEMFD
								  : FD_OTHER;
	buf[0] = 0;
	if (origin == FD_OTHER)
		return 0;
	int r = procfs_fd_link(pc->s, fd, buf, size);
	if (r >= 0)
		r = procfs_fix_fd_link(buf, size, origin);
	if (r < 0 || strncmp(buf, "/proc", 5) != 0 || (buf[5] && buf[5] != '/'))
		buf[0] = 0;
	return r < 0 ? r : 0;
}

/* Fetches the fd a /proc/<pid>/fd/<n> node names. The task table keeps a
 * traced task until the sentry reaps it, so its host tid cannot have been
 * reused while it is found there. */
static int fetch_fd(struct pctx *pc, const struct pnode *n)
{
	struct task *t = procfs_task_of(pc, n);
	if (!t)
		return -ENOENT;
	_cleanup_close_ int pidfd = sys_pidfd_open(t->tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -ENOENT;
	int fd = sys_pidfd_getfd(pidfd, n->fd, 0);
	if (fd < 0)
		return errno == EBADF ? -ENOENT : -errno;
	return opath_resolve(pc->s, fd);
}

static int open_fd_object(struct pctx *pc, const struct pnode *n, int flags, int *fd_out,
			  char *view, size_t view_size)
{
	int r = procfs_may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	_cleanup_close_ int obj = fetch_fd(pc, n);
	if (obj < 0)
		return obj;
	struct stat st;
	if (fstat(obj, &st) < 0)
		return -errno;
	if (n->must_dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	char path[PATH_MAX];
	r = proc_path_of(pc, obj, &st, path, sizeof(path));
	if (r < 0)
		return r;
	/* Linux lands on the object itself: a link there is not followed. */
	if (path[0])
		return open_node(pc, path + 5, flags | O_NOFOLLOW, fd_out, view, view_size);
	int have = fcntl(obj, F_GETFL);
	if (have < 0)
		return -errno;
	bool subset = procfs_access_subset(flags, have);
	bool on_fs = (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && st.st_dev != pc->ps->memfd_dev;
	if (on_fs) {
		if (subset && !(flags & __O_TMPFILE)) {
			r = procfs_magic_reopen(pc->s, obj, flags);
		} else if (S_ISDIR(st.st_mode) || st.st_nlink > 0) {
			r = procfs_fd_link(pc->s, obj, path, sizeof(path));
			return r < 0 ? r : set_view(view, view_size, path);
		} else {
			return -EACCES; /* a deleted file, and more access than the fd has */
		}
	} else {
		if (!subset) {
			r = procfs_dac_check(pc, &st, procfs_flags_to_want(flags), PERM_FS_IDS);
			if (r < 0)
				return r;
		}
		r = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
			    ? reopen_nowait(pc->s, obj, flags)
			    : procfs_magic_reopen(pc->s, obj, flags);
	}
	if (r < 0)
		return r;
	*fd_out = r;
	return 0;
}

static int tty_open(struct pctx *pc, int flags, int *fd_out)
{
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (pc->s->tty_fd < 0)
		return -ENXIO;
	int fd = reopen_nowait(pc->s, pc->s->tty_fd, flags);
	if (fd < 0)
		return fd;
	*fd_out = fd;
	return 0;
}

static int open_node(struct pctx *pc, const char *rest, int flags, int *fd_out, char *view,
		     size_t view_size)
{
	if (++pc->depth > MAX_REENTRY)
		return -ELOOP;
	struct pnode n;
	int r = procfs_walk(&pc->w, rest, !(flags & O_NOFOLLOW), &n, view, view_size);
	if (r == PROCFS_WALK_VIEW)
		return PROCFS_REOPEN_PATH;
	if (r == -ENOENT && (flags & O_CREAT) && pc->w.masks)
		return create_error(pc, rest);
	if (r < 0)
		return r;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (n.kind == PN_FD && n.followed)
		return open_fd_object(pc, &n, flags, fd_out, view, view_size);
	/* A masked file is the null device, for O_PATH too; a masked symlink
	 * opened O_PATH|O_NOFOLLOW stays the link. */
	if (n.kind == PN_MASKED && n.type != PT_DIR && (!(flags & O_PATH) || n.type == PT_REG))
		return open_masked_file(pc, flags, fd_out);
	switch (n.type) {
	case PT_DIR:
		return open_dir(pc, &n, flags, fd_out);
	case PT_REG:
		return open_file(pc, &n, flags, fd_out);
	case PT_LNK:
	default:
		return open_link(pc, &n, flags, fd_out);
	}
}

int procfs_open_ex(struct sc_ctx *c, const char *rest, int flags, int *fd_out, char *view_path,
		   size_t size)
{
	struct pctx pc;
	*fd_out = -1;
	if (size)
		view_path[0] = 0;
	int r = procfs_pctx_init(&pc, c);
	if (r < 0)
		return r;
	if (strcmp(rest, PROCFS_TTY) == 0)
		return tty_open(&pc, flags, fd_out);
	return open_node(&pc, rest, flags, fd_out, view_path, size);
}

int procfs_link_object_ex(struct sc_ctx *c, const char *rest, int *fd_out, char *view_path,
			  size_t size)
{
	struct pctx pc;
	*fd_out = -1;
	view_path[0] = 0;
	int r = procfs_pctx_init(&pc, c);
	if (r < 0)
		return r;
	struct pnode n;
	r = procfs_walk(&pc.w, rest, true, &n, view_path, size);
	if (r == PROCFS_WALK_VIEW)
		return PROCFS_REOPEN_PATH;
	if (r < 0)
		return r;
	if (n.kind != PN_FD || !n.followed)
		return -EXDEV; /* a file of /proc itself */
	r = procfs_may_ptrace(&pc, n.pid);
	if (r < 0)
		return r;
	int obj = fetch_fd(&pc, &n);
	if (obj < 0)
		return obj;
	*fd_out = obj;
	return 0;
}

int procfs_open(struct sc_ctx *c, const char *rest, int flags, int *fd_out)
{
	char view[PATH_MAX];
	int r = procfs_open_ex(c, rest, flags, fd_out, view, sizeof(view));
	return r == PROCFS_REOPEN_PATH ? -ENOENT : r;
}

/* ---- stat ---- */

/* Linux's /dev/tty node: 5:0, crw-rw-rw- root tty. */
static int tty_stat(struct pctx *pc, struct stat *st)
{
	struct stat term;
	procfs_synth_stat(PT_REG, st);
	st->st_mode = S_IFCHR | 0666;
	st->st_rdev = makedev(5, 0);
	st->st_gid = 5;
	st->st_dev = makedev(0, 5);
	st->st_ino = 0x7fffffffffffff05ULL;
	st->st_blksize = 4096;
	if (pc->s->tty_fd >= 0 && fstat(pc->s->tty_fd, &term) == 0) {
		st->st_atim = term.st_atim;
		st->st_mtim = term.st_mtim;
		st->st_ctim = term.st_ctim;
	}
	return 0;
}

static int stat_node(struct pctx *pc, const char *rest, bool nofollow, struct stat *st, char *view,
		     size_t view_size);

static int stat_fd_object(struct pctx *pc, const struct pnode *n, struct stat *st, char *view,
			  size_t view_size)
{
	int r = procfs_may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	if (fstatat(pc->s->guest_procfd, n->path, st, 0) < 0)
		return procfs_gone(errno);
	if (st->st_dev == pc->ps->mirror_dev || st->st_dev == pc->ps->memfd_dev) {
		char text[PATH_MAX];
		r = procfs_fd_link_text(pc, n->path, text, sizeof(text));
		if (r >= 0 && strncmp(text, "/proc", 5) == 0 && (!text[5] || text[5] == '/'))
			return stat_node(pc, text + 5, true, st, view, view_size);
	}
	if (n->must_dir && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	return 0;
}

static int stat_node(struct pctx *pc, const char *rest, bool nofollow, struct stat *st, char *view,
		     size_t view_size)
{
	if (++pc->depth > MAX_REENTRY)
		return -ELOOP;
	struct pnode n;
	int r = procfs_walk(&pc->w, rest, !nofollow, &n, view, view_size);
	if (r == PROCFS_WALK_VIEW)
		return PROCFS_REOPEN_PATH;
	if (r < 0)
		return r;
	if (n.kind == PN_FD && n.followed)
		return stat_fd_object(pc, &n, st, view, view_size);
	return procfs_node_stat(pc, &n, st);
}

int procfs_stat_ex(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st,
		   char *view_path, size_t size)
{
	struct pctx pc;
	if (size)
		view_path[0] = 0;
	int r = procfs_pctx_init(&pc, c);
	if (r < 0)
		return r;
	if (strcmp(rest, PROCFS_TTY) == 0)
		return tty_stat(&pc, st);
	return stat_node(&pc, rest, nofollow, st, view_path, size);
}

int procfs_stat(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st)
{
	char view[PATH_MAX];
	int r = procfs_stat_ex(c, rest, nofollow, st, view, sizeof(view));
	return r == PROCFS_REOPEN_PATH ? -ENOENT : r;
}

/* ---- readlink ---- */

int procfs_readlink_ex(struct sc_ctx *c, const char *rest, char *buf, size_t size, size_t *len_out,
		       char *view_path, size_t view_size)
{
	struct pctx pc;
	struct pnode n;
	*len_out = 0;
	if (view_size)
		view_path[0] = 0;
	int r = procfs_pctx_init(&pc, c);
	if (r < 0)
		return r;
	if (strcmp(rest, PROCFS_TTY) == 0)
		return -EINVAL;
	r = procfs_walk(&pc.w, rest, false, &n, view_path, view_size);
	if (r == PROCFS_WALK_VIEW)
		return PROCFS_REOPEN_PATH;
	if (r < 0)
		return r;
	if (n.type != PT_LNK)
		return -EINVAL;
	if (procfs_needs_ptrace(&n)) {
		r = procfs_may_ptrace(&pc, n.pid);
		if (r < 0)
			return r;
	}
	char text[PATH_MAX];
	int len = procfs_link_text(&pc.w, &n, text, sizeof(text));
	if (len < 0)
		return len;
	if (size > 0) {
		size_t copy = (size_t)len < size ? (size_t)len + 1 : size;
		memcpy(buf, text, copy);
	}
	*len_out = (size_t)len;
	return 0;
}

int procfs_readlink(struct sc_ctx *c, const char *rest, char *buf, size_t size)
{
	char view[PATH_MAX];
	size_t len;
	int r = procfs_readlink_ex(c, rest, buf, size, &len, view, sizeof(view));
	if (r == PROCFS_REOPEN_PATH)
		return -ENOENT;
	return r < 0 ? r : (int)len;
}

/* ---- access ---- */

static int access_node(struct pctx *pc, const char *rest, int mode, char *view, size_t view_size);

static int access_fd_object(struct pctx *pc, const struct pnode *n, int mode, char *view,
			    size_t view_size)
{
	int r = procfs_may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	struct stat st;
	if (fstatat(pc->s->guest_procfd, n->path, &st, 0) < 0)
		return procfs_gone(errno);
	if (n->must_dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	char text[PATH_MAX];
	r = procfs_fd_link_text(pc, n->path, text, sizeof(text));
	if (r < 0)
		return r;
	if (strncmp(text, "/proc", 5) == 0 && (!text[5] || text[5] == '/'))
		return access_node(pc, text + 5, mode, view, view_size);
	bool on_fs = (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && st.st_dev != pc->ps->memfd_dev;
	if (on_fs && text[0] == '/' && st.st_nlink > 0)
		return set_view(view, view_size, text); /* the gofer applies the policy */
	return procfs_dac_check(pc, &st, mode, PERM_REAL_IDS);
}

static int access_node(struct pctx *pc, const char *rest, int mode, char *view, size_t view_size)
{
	if (++pc->depth > MAX_REENTRY)
		return -ELOOP;
	struct pnode n;
	int r = procfs_walk(&pc->w, rest, true, &n, view, view_size);
	if (r == PROCFS_WALK_VIEW)
		return PROCFS_REOPEN_PATH;
	if (r < 0)
		return r;
	if (n.kind == PN_FD && n.followed)
		return access_fd_object(pc, &n, mode, view, view_size);
	if (n.kind == PN_MASKED && n.type != PT_DIR)
		return (mode & X_OK) ? -EACCES : 0; /* the null device, rw for all */
	if (mode & W_OK)
		return n.readonly ? -EROFS : -EACCES;
	if ((mode & X_OK) && n.type != PT_DIR)
		return -EACCES;
	if ((mode & (R_OK | X_OK)) && procfs_needs_ptrace(&n))
		return procfs_may_ptrace(pc, n.pid);
	return 0;
}

int procfs_access_ex(struct sc_ctx *c, const char *rest, int mode, char *view_path, size_t size)
{
	struct pctx pc;
	if (size)
		view_path[0] = 0;
	int r = procfs_pctx_init(&pc, c);
	if (r < 0)
		return r;
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (strcmp(rest, PROCFS_TTY) == 0)
		return (mode & X_OK) ? -EACCES : 0;
	return access_node(&pc, rest, mode, view_path, size);
}

int procfs_access(struct sc_ctx *c, const char *rest, int mode)
{
	char view[PATH_MAX];
	int r = procfs_access_ex(c, rest, mode, view, sizeof(view));
	return r == PROCFS_REOPEN_PATH ? -ENOENT : r;
}

/* ---- changes ---- */

int procfs_change_error(struct sc_ctx *c, const char *rest, bool nofollow, bool creates)
{
	struct pctx pc;
	if (procfs_pctx_init(&pc, c) < 0 || strcmp(rest, PROCFS_TTY) == 0)
		return 0;
	struct pnode n;
	char view[PATH_MAX];
	int r = procfs_walk(&pc.w, rest, !nofollow, &n, view, sizeof(view));
	if (r == 0)
		return n.readonly && !creates ? -EROFS : 0;
	if (r == -ENOENT && creates)
		return pc.w.masks && create_error(&pc, rest) == -EROFS ? -EROFS : 0;
	/* The lookup fails first, as on Linux (chmod of a missing name). */
	return r < 0 && !creates ? r : 0;
}

/* ---- fds the guest holds ---- */

bool procfs_owns_fd(struct sentry *s, int host_fd, const struct stat *st, char *prefix, size_t size)
{
	struct procfs_state *ps = s->procfs;
	struct stat own;
	if (!ps)
		return false;
	if (!st) {
		if (fstat(host_fd, &own) < 0)
			return false;
		st = &own;
	}
	if (st->st_dev != ps->mirror_dev)
		return false;
	char text[PATH_MAX];
	int r = procfs_fd_link(s, host_fd, text, sizeof(text));
	if (r >= 0)
		r = procfs_fix_fd_link(text, sizeof(text), FD_MIRROR);
	/* A node removed since (its process is gone) resolves nothing. */
	if (r < 0 || strstr(text, " (deleted)") || (size_t)r >= size)
		snprintf(text, sizeof(text), "%s", PROCFS_GONE_PATH);
	snprintf(prefix, size, "%s", text);
	return true;
}

bool procfs_prefix_gone(struct sentry *s, const char *prefix)
{
	if (strcmp(prefix, PROCFS_GONE_PATH) == 0)
		return true;
	/* "/proc/<pid>" or "/proc/<pid>/task/<tid>", and what is below them. */
	char who[64];
	const char *p = prefix + 5;
	if (strncmp(prefix, "/proc/", 6) != 0 || p[1] < '1' || p[1] > '9')
		return false;
	size_t len = 1 + strspn(p + 1, "0123456789");
	if (strncmp(p + len, "/task/", 6) == 0 && p[len + 6] >= '1' && p[len + 6] <= '9')
		len += 6 + strspn(p + len + 6, "0123456789");
	if (p[len] != 0 && p[len] != '/')
		return false;
	if (len >= sizeof(who))
		return true;
	snprintf(who, sizeof(who), "%.*s", (int)(len - 1), p + 1);
	struct stat st;
	return fstatat(s->guest_procfd, who, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

/* ---- setup ---- */

/* The masked and read-only paths of /proc, below it. */
static int masks_init(struct procfs_state *ps, const struct path_masks *m)
{
	const char *rel;
	const char **masked = xcalloc(m ? m->nmasked + 1 : 1, sizeof(*masked));
	const char **readonly = xcalloc(m ? m->nreadonly + 1 : 1, sizeof(*readonly));
	ps->masks = (struct path_masks){.masked = masked, .readonly = readonly};
	for (size_t i = 0; m && i < m->nmasked; i++)
		if (path_masks_in_proc(m->masked[i], &rel))
			masked[ps->masks.nmasked++] = rel;
	for (size_t i = 0; m && i < m->nreadonly; i++)
		if (path_masks_in_proc(m->readonly[i], &rel))
			readonly[ps->masks.nreadonly++] = rel;
	if (!ps->masks.nmasked)
		return 0;
	ps->null_fd = open("/dev/null", O_PATH | O_CLOEXEC);
	struct stat st;
	if (ps->null_fd < 0 || fstat(ps->null_fd, &st) < 0)
		return -errno;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) ? 0 : -ENODEV;
}

static void masks_free(struct procfs_state *ps)
{
	free((void *)ps->masks.masked);
	free((void *)ps->masks.readonly);
	if (ps->null_fd >= 0)
		close(ps->null_fd);
}

int procfs_init(struct sentry *s, const struct path_masks *masks)
{
	struct procfs_state *ps = xcalloc(1, sizeof(*ps));
	ps->mirror_rw = ps->mirror_ro = ps->null_fd = -1;
	int r = masks_init(ps, masks);
	if (r == 0)
		r = procfs_make_mirror(ps);
	if (r == 0)
		r = procfs_probe_memfd_dev(ps);
	if (r < 0) {
		if (ps->mirror_rw >= 0)
			close(ps->mirror_rw);
		if (ps->mirror_ro >= 0)
			close(ps->mirror_ro);
		masks_free(ps);
		free(ps);
		return r;
	}
	pthread_mutex_init(&ps->lock, NULL);
	pthread_mutex_init(&ps->mounts_lock, NULL);
	s->procfs = ps;
	return 0;
}
