/* SPDX-License-Identifier: Apache-2.0 */
/* /proc and /dev/tty for the guest, once the gofer has redirected a path
 * walk here. The tree and its path walk are in procfs_path.c; this file
 * gives its nodes real file descriptors, because read, mmap, getdents64
 * and ioctl on them run natively in the guest:
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
 *   oom_score_adj and a few others).
 * - /proc/<pid>/mounts and mountinfo are a fixed table (the gofer's mounts
 *   are not visible here); see procfs_default_mounts.
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
#include "sentry/procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/perm.h"
#include "sentry/sentry.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

#define CAP_SYS_PTRACE_BIT (1ULL << 19)

/* fd links that lead to other /proc nodes, followed in one call. */
#define MAX_REENTRY 8
/* Pid directories created in the mirror between two prunes of dead ones. */
#define PRUNE_EVERY 64
/* Text of the mirror's placeholder links: never read, readlink is trapped. */
#define MIRROR_LINK_TEXT "/"
/* Bounds the mirror: a few pids' trees and fd tables of thousands. */
#define MIRROR_OPTS_INODES "131072"

struct procfs_state {
	int mirror_rw; /* root of the detached tmpfs, for the sentry's changes */
	int mirror_ro; /* a read-only clone: the fds the guest gets come from it */
	dev_t mirror_dev;
	dev_t memfd_dev;
	unsigned int pid_dirs_made; /* pid and tid directories, since the last prune */
	bool warned_full;
	pthread_mutex_t lock; /* the mirror's contents */
};

/* One call into procfs: the caller, and the world the walk asks. */
struct pctx {
	struct sc_ctx *c;
	struct sentry *s;
	struct procfs_state *ps;
	struct procfs_world w;
	int depth;
};

/* ---- small helpers ---- */

static int type_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return PT_DIR;
	if (S_ISREG(mode))
		return PT_REG;
	if (S_ISLNK(mode))
		return PT_LNK;
	return 0;
}

/* A process that went away reads as ESRCH from some proc files. */
static int gone(int err)
{
	return err == ESRCH ? -ENOENT : -err;
}

/* readlinkat into a NUL-terminated buffer; -ENAMETOOLONG if it did not fit. */
static int read_link_at(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, path, buf, size - 1);
	if (n < 0)
		return gone(errno);
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = 0;
	return (int)n;
}

static int fd_link(struct sentry *s, int fd, char *buf, size_t size)
{
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", fd);
	return read_link_at(s->host_procfd, path, buf, size);
}

/* Opens the object behind one of the sentry's fds anew, as the guest's
 * open of /proc/self/fd/N would. Creating flags are dropped (the object
 * exists); O_NOCTTY always, so a terminal never becomes the sentry's. */
static int magic_reopen(struct sentry *s, int fd, int flags)
{
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", fd);
	flags &= ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_NOATIME | __O_TMPFILE | O_CLOEXEC);
	int r = openat(s->host_procfd, path, flags | O_CLOEXEC | O_NOCTTY);
	return r < 0 ? -errno : r;
}

/* A FIFO or device opened without waiting for a peer or carrier, then
 * given the guest's blocking mode. */
static int reopen_nowait(struct sentry *s, int fd, int flags)
{
	int r = magic_reopen(s, fd, flags | O_NONBLOCK);
	if (r < 0 || (flags & O_NONBLOCK) || (flags & O_PATH))
		return r;
	int fl = fcntl(r, F_GETFL);
	if (fl >= 0)
		fcntl(r, F_SETFL, fl & ~O_NONBLOCK);
	return r;
}

static bool wants_write(int flags)
{
	int acc = flags & O_ACCMODE;
	return acc == O_WRONLY || acc == O_RDWR || acc == O_ACCMODE || (flags & O_TRUNC);
}

static bool wants_read(int flags)
{
	int acc = flags & O_ACCMODE;
	return acc == O_RDONLY || acc == O_RDWR || acc == O_ACCMODE;
}

/* Would an open with flags get nothing the fd opened with have lacks? */
static bool access_subset(int flags, int have)
{
	if (flags & O_PATH)
		return true;
	if (have & O_PATH)
		return false;
	int hacc = have & O_ACCMODE;
	bool hr = hacc == O_RDONLY || hacc == O_RDWR;
	bool hw = hacc == O_WRONLY || hacc == O_RDWR;
	return (!wants_read(flags) || hr) && (!wants_write(flags) || hw);
}

static void synth_stat(enum pn_type type, struct stat *st)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	memset(st, 0, sizeof(*st));
	st->st_mode = type == PT_DIR   ? S_IFDIR | 0555
		      : type == PT_LNK ? S_IFLNK | 0777
				       : S_IFREG | 0444;
	st->st_nlink = type == PT_DIR ? 2 : 1;
	st->st_blksize = 1024;
	st->st_atim = st->st_mtim = st->st_ctim = now;
}

/* ---- the caller's rights over a process ---- */

static int caller_creds(struct pctx *pc, struct creds *cr)
{
	int r = task_read_creds(pc->s, pc->c->t->tid, cr);
	return r < 0 ? -ESRCH : 0;
}

/* Linux's PTRACE_MODE_READ_FSCREDS check, simplified (see the top). */
static int may_ptrace(struct pctx *pc, pid_t pid)
{
	if (pid == pc->w.self_tgid || pid == pc->w.self_tid)
		return 0;
	char path[32];
	_cleanup_free_ char *text = NULL;
	snprintf(path, sizeof(path), "%d/status", (int)pid);
	if (pc->s->guest_procfd < 0)
		return -ENOENT;
	ssize_t n = read_file_at(pc->s->guest_procfd, path, &text);
	if (n < 0)
		return gone((int)-n);
	struct procfs_ids ids;
	if (procfs_parse_status(text, &ids) < 0)
		return -EACCES;
	if (ids.tgid == pc->w.self_tgid)
		return 0;
	struct creds cr;
	int r = caller_creds(pc, &cr);
	if (r < 0)
		return r;
	if (cr.cap_eff & CAP_SYS_PTRACE_BIT)
		return 0;
	for (int i = 0; i < 3; i++)
		if (ids.uid[i] != cr.fsuid || ids.gid[i] != cr.fsgid)
			return -EACCES;
	return 0;
}

/* Entries Linux guards with a ptrace access check of the process. */
static bool needs_ptrace(const struct pnode *n)
{
	if (n->kind == PN_FD || n->kind == PN_FDINFO)
		return true;
	return n->kind == PN_ENTRY && (n->ent->flags & PE_PTRACE);
}

/* Unix permission bits of an object the guest reaches through an fd it
 * holds, for the caller. want: R_OK|W_OK|X_OK. */
static int dac_check(struct pctx *pc, const struct stat *st, int want, enum perm_ids ids)
{
	struct creds cr;
	int r = caller_creds(pc, &cr);
	if (r < 0)
		return r;
	return perm_check(st, &cr, want, ids);
}

static int flags_to_want(int flags)
{
	return (wants_read(flags) ? R_OK : 0) | (wants_write(flags) ? W_OK : 0);
}

/* ---- the world the walk asks ---- */

static struct task *task_of(struct pctx *pc, const struct pnode *n)
{
	struct task *t = task_find_vtid(pc->s, n->tid ? n->tid : n->pid);
	if (!t && n->tid)
		t = task_find_vtid(pc->s, n->pid);
	return t;
}

static int guest_type_cb(void *arg, const char *path)
{
	struct pctx *pc = arg;
	struct stat st;
	if (pc->s->guest_procfd < 0)
		return -ENOENT;
	if (fstatat(pc->s->guest_procfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == EACCES ? -EACCES : -ENOENT;
	int type = type_of(st.st_mode);
	return type ? type : -ENOENT;
}

/* The text of /proc/<pid>/fd/N as the guest should see it. */
static int fd_link_text(struct pctx *pc, const char *path, char *buf, size_t size)
{
	int n = read_link_at(pc->s->guest_procfd, path, buf, size);
	if (n < 0)
		return n;
	struct stat st;
	enum fd_origin origin = FD_OTHER;
	if (fstatat(pc->s->guest_procfd, path, &st, 0) == 0) {
		if (st.st_dev == pc->ps->mirror_dev)
			origin = FD_MIRROR;
		else if (st.st_dev == pc->ps->memfd_dev)
			origin = FD_MEMFD;
	}
	return procfs_fix_fd_link(buf, size, origin);
}

static int exe_text(struct pctx *pc, const struct pnode *n, char *buf, size_t size)
{
	struct task *t = task_of(pc, n);
	if (!t || !t->exe)
		return -ENOENT;
	int len = snprintf(buf, size, "%s", t->exe);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : len;
}

/* The cwd the sentry keeps for the task is a gofer fd: the kernel names it
 * by its path in the view, as the gofer pivot_root'ed there. */
static int cwd_text(struct pctx *pc, const struct pnode *n, char *buf, size_t size)
{
	struct task *t = task_of(pc, n);
	if (t && t->fs && t->fs->cwd_fd >= 0)
		return fd_link(pc->s, t->fs->cwd_fd, buf, size);
	return read_link_at(pc->s->guest_procfd, n->path, buf, size);
}

static int link_text_cb(void *arg, const struct pnode *n, char *buf, size_t size)
{
	struct pctx *pc = arg;
	int r = may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	if (n->kind == PN_FD)
		return fd_link_text(pc, n->path, buf, size);
	switch (n->ent->what) {
	case PW_EXE:
		return exe_text(pc, n, buf, size);
	case PW_CWD:
		return cwd_text(pc, n, buf, size);
	default:
		return -EINVAL;
	}
}

static int pctx_init(struct pctx *pc, struct sc_ctx *c)
{
	memset(pc, 0, sizeof(*pc));
	if (!c || !c->s || !c->t)
		return -ESRCH;
	pc->c = c;
	pc->s = c->s;
	pc->ps = c->s->procfs;
	if (!pc->ps)
		return -ENOENT;
	pc->w.arg = pc;
	pc->w.self_tgid = c->t->vtgid;
	pc->w.self_tid = c->t->vtid;
	pc->w.guest_type = guest_type_cb;
	pc->w.link_text = link_text_cb;
	return 0;
}

/* ---- directory lists ---- */

struct dent {
	char *name;
	enum pn_type type;
};

struct dlist {
	struct dent *v;
	size_t n, cap;
};

static void dlist_free(struct dlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void dlist_add(struct dlist *l, const char *name, enum pn_type type)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		struct dent *v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			die("out of memory");
		l->v = v;
	}
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].type = type;
	l->n++;
}

static void sift_down(struct dent *v, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && strcmp(v[child].name, v[child + 1].name) < 0)
			child++;
		if (strcmp(v[root].name, v[child].name) >= 0)
			return;
		struct dent tmp = v[root];
		v[root] = v[child];
		v[child] = tmp;
	}
}

/* Sorts by name. A heapsort rather than qsort: glibc's qsort calls
 * sysinfo(2) to size its buffer, which the sentry's own filter refuses. */
static void dlist_sort(struct dlist *l)
{
	for (size_t i = l->n / 2; i-- > 0;)
		sift_down(l->v, i, l->n);
	for (size_t end = l->n; end-- > 1;) {
		struct dent tmp = l->v[0];
		l->v[0] = l->v[end];
		l->v[end] = tmp;
		sift_down(l->v, 0, end);
	}
}

static enum pn_type dtype_to_pt(unsigned char d_type)
{
	switch (d_type) {
	case DT_DIR:
		return PT_DIR;
	case DT_REG:
		return PT_REG;
	case DT_LNK:
		return PT_LNK;
	default:
		return 0;
	}
}

/* Reads the names of an open directory. numeric_only keeps pid, tid and
 * fd names; force_type, if set, is the type they all get. */
static int read_dir(int dirfd, bool numeric_only, enum pn_type force_type, struct dlist *l)
{
	char buf[8192];
	for (;;) {
		ssize_t n = getdents64(dirfd, buf, sizeof(buf));
		if (n < 0)
			return gone(errno);
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (numeric_only && procfs_name_to_int(d->d_name) < 0)
				continue;
			enum pn_type type = force_type ? force_type : dtype_to_pt(d->d_type);
			if (type)
				dlist_add(l, d->d_name, type);
		}
	}
}

static int read_guest_dir(struct pctx *pc, const char *path, bool numeric_only,
			  enum pn_type force_type, struct dlist *l)
{
	if (pc->s->guest_procfd < 0)
		return -ENOENT;
	_cleanup_close_ int fd = openat(pc->s->guest_procfd, path[0] ? path : ".",
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return gone(errno);
	return read_dir(fd, numeric_only, force_type, l);
}

static int add_tgid(struct task *t, void *arg)
{
	struct dlist *l = arg;
	char name[16];
	if (t->vtgid <= 0)
		return 0;
	snprintf(name, sizeof(name), "%d", (int)t->vtgid);
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return 0;
	dlist_add(l, name, PT_DIR);
	return 0;
}

/* Without the guest's procfs, the thread groups the sentry knows. */
static int list_tasks(struct pctx *pc, struct dlist *l)
{
	task_foreach(pc->s, add_tgid, l);
	return 0;
}

/* What a directory node holds. */
/* Linux lists the fd of the directory being read in the caller's own
 * fd/ listing. That fd is installed after the listing is made: it will be
 * the lowest free number (another thread opening at the same time can take
 * it first; then the listing is off by that fd). */
static void add_own_fd(struct dlist *l)
{
	/* The lowest free number is at most l->n: mark the ones in use. */
	bool *used = calloc(l->n + 1, sizeof(*used));
	if (!used)
		return;
	for (size_t i = 0; i < l->n; i++) {
		char *end;
		unsigned long v = strtoul(l->v[i].name, &end, 10);
		if (*end == 0 && v <= l->n)
			used[v] = true;
	}
	size_t fd = 0;
	while (used[fd])
		fd++;
	free(used);
	char name[24];
	snprintf(name, sizeof(name), "%zu", fd);
	dlist_add(l, name, PT_LNK);
}

static int list_node(struct pctx *pc, const struct pnode *n, struct dlist *l)
{
	switch (n->kind) {
	case PN_ROOT:
		for (size_t i = 0; i < procfs_top_count; i++)
			dlist_add(l, procfs_top_entries[i].name, procfs_top_entries[i].type);
		if (pc->s->guest_procfd < 0)
			return list_tasks(pc, l);
		return read_guest_dir(pc, "", true, PT_DIR, l);
	case PN_PID:
		for (size_t i = 0; i < procfs_pid_count; i++)
			if (procfs_pent_visible(&procfs_pid_entries[i], n))
				dlist_add(l, procfs_pid_entries[i].name,
					  procfs_pid_entries[i].type);
		return 0;
	case PN_NET:
		return read_guest_dir(pc, n->path, false, 0, l);
	case PN_ENTRY:
		switch (n->ent->what) {
		case PW_TASK_DIR:
			return read_guest_dir(pc, n->path, true, PT_DIR, l);
		case PW_FD_DIR: {
			int r = read_guest_dir(pc, n->path, true, PT_LNK, l);
			if (r == 0 && pc->c && pc->c->t && n->pid == pc->c->t->vtgid)
				add_own_fd(l);
			return r;
		}
		case PW_FDINFO_DIR:
			return read_guest_dir(pc, n->path, true, PT_REG, l);
		case PW_NET_DIR:
			return read_guest_dir(pc, n->path, false, 0, l);
		default:
			return -ENOTDIR;
		}
	case PN_TOP:
	case PN_FD:
	case PN_FDINFO:
	default:
		return -ENOTDIR;
	}
}

/* ---- the mirror tmpfs (callers hold ps->lock) ---- */

static const char *mpath(const char *path)
{
	return path[0] ? path : ".";
}

/* Creates one mirror node below dirfd. Files are made with openat, which
 * the sentry's own filter allows, rather than mknodat. */
static int make_node(struct procfs_state *ps, int dirfd, const char *path, enum pn_type type)
{
	int r;
	switch (type) {
	case PT_DIR:
		r = mkdirat(dirfd, path, 0555);
		break;
	case PT_REG:
		r = openat(dirfd, path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
		if (r >= 0)
			r = close(r);
		break;
	case PT_LNK:
		r = symlinkat(MIRROR_LINK_TEXT, dirfd, path);
		break;
	default:
		return -EINVAL;
	}
	if (r < 0 && errno != EEXIST) {
		if ((errno == ENOSPC || errno == ENOMEM) && !ps->warned_full) {
			ps->warned_full = true;
			log_msg("procfs: the /proc mirror is full; listings are incomplete");
		}
		return -errno;
	}
	return 0;
}

static int remove_tree(int dirfd, const char *name, int depth)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return -errno;
	if (depth > PROCFS_MAX_DEPTH)
		return -ELOOP;
	_cleanup_close_ int fd =
		openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	struct dlist l = {0};
	int r = read_dir(fd, false, PT_REG, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		r = remove_tree(fd, l.v[i].name, depth + 1);
	dlist_free(&l);
	if (r == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* Removes the entries of a mirror directory whose guest node has gone. */
static void prune_dir(struct pctx *pc, const char *path)
{
	struct procfs_state *ps = pc->ps;
	_cleanup_close_ int fd =
		openat(ps->mirror_rw, mpath(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct dlist l = {0};
	char child[PROCFS_NODE_PATH];
	if (read_dir(fd, true, PT_DIR, &l) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			snprintf(child, sizeof(child), "%s%s%s", path, path[0] ? "/" : "",
				 l.v[i].name);
			if (guest_type_cb(pc, child) != PT_DIR) {
				remove_tree(fd, l.v[i].name, 0);
			} else if (!path[0]) {
				snprintf(child, sizeof(child), "%s/task", l.v[i].name);
				prune_dir(pc, child);
			}
		}
	}
	dlist_free(&l);
}

/* Pid and tid directories made since the last prune count towards the
 * next: the mirror of processes and threads that have gone is removed. */
static bool counts_for_prune(const char *path)
{
	char pid[16], tid[16];
	if (procfs_name_to_int(path) > 0)
		return true;
	return sscanf(path, "%15[0-9]/task/%15[0-9]", pid, tid) == 2 &&
	       strlen(pid) + strlen(tid) + 6 == strlen(path);
}

/* Makes one node exist with the given type, replacing one of another. */
static int ensure_one(struct pctx *pc, const char *path, enum pn_type type)
{
	struct procfs_state *ps = pc->ps;
	struct stat st;
	if (fstatat(ps->mirror_rw, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (type_of(st.st_mode) == (int)type)
			return 0;
		int r = remove_tree(ps->mirror_rw, path, 0);
		if (r < 0)
			return r;
	} else if (errno != ENOENT) {
		return -errno;
	}
	if (type == PT_DIR && counts_for_prune(path) && ++ps->pid_dirs_made > PRUNE_EVERY) {
		ps->pid_dirs_made = 0;
		prune_dir(pc, "");
	}
	return make_node(ps, ps->mirror_rw, path, type);
}

/* Makes the node at path (and its parents) exist in the mirror. */
static int mirror_ensure(struct pctx *pc, const char *path, enum pn_type type)
{
	char buf[PROCFS_NODE_PATH];
	if (!path[0])
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		int r = ensure_one(pc, buf, PT_DIR);
		*p = '/';
		if (r < 0)
			return r;
	}
	return ensure_one(pc, buf, type);
}

/* Makes the open mirror directory dirfd hold exactly the entries of want. */
static void mirror_sync(struct pctx *pc, int dirfd, struct dlist *want)
{
	struct dlist have = {0};
	if (read_dir(dirfd, false, 0, &have) < 0) {
		dlist_free(&have);
		return;
	}
	dlist_sort(&have);
	dlist_sort(want);
	size_t i = 0, j = 0;
	while (i < have.n || j < want->n) {
		int cmp = i == have.n	 ? 1
			  : j == want->n ? -1
					 : strcmp(have.v[i].name, want->v[j].name);
		if (cmp < 0) {
			remove_tree(dirfd, have.v[i++].name, 1);
			continue;
		}
		if (cmp == 0 && have.v[i].type == want->v[j].type) {
			i++;
			j++;
			continue;
		}
		if (cmp == 0)
			remove_tree(dirfd, have.v[i++].name, 1);
		const struct dent *d = &want->v[j++];
		make_node(pc->ps, dirfd, d->name, d->type);
	}
	dlist_free(&have);
}

/* ---- where a node's metadata comes from ---- */

/* The real procfs node a node stands for: the host's for /proc's own
 * files, the guest's for per-process ones. */
static int twin_stat(struct pctx *pc, const struct pnode *n, bool follow, struct stat *st)
{
	int dirfd =
		n->kind == PN_ROOT || n->kind == PN_TOP ? pc->s->host_procfd : pc->s->guest_procfd;
	if (dirfd < 0)
		return -ENOENT;
	if (fstatat(dirfd, mpath(n->path), st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		return gone(errno);
	return 0;
}

static int mirror_stat(struct pctx *pc, const struct pnode *n, struct stat *st)
{
	pthread_mutex_lock(&pc->ps->lock);
	int r = mirror_ensure(pc, n->path, n->type);
	if (r == 0 && fstatat(pc->ps->mirror_rw, mpath(n->path), st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	pthread_mutex_unlock(&pc->ps->lock);
	return r;
}

/* A node's stat: the real node's metadata with the mirror's identity, so
 * that it matches fstat of a directory the guest opened and the inode
 * numbers getdents64 shows. */
static int node_stat(struct pctx *pc, const struct pnode *n, struct stat *st)
{
	int r = twin_stat(pc, n, false, st);
	if (r == -ENOENT && (n->kind == PN_TOP || n->kind == PN_ROOT))
		synth_stat(n->type, st);
	else if (r < 0)
		return r;
	if (type_of(st->st_mode) != (int)n->type)
		return -ENOENT;
	struct stat mst;
	r = mirror_stat(pc, n, &mst);
	if (r < 0)
		return r;
	st->st_dev = mst.st_dev;
	st->st_ino = mst.st_ino;
	if (n->kind == PN_ROOT)
		st->st_nlink = mst.st_nlink;
	return 0;
}

/* ---- file content ---- */

static int count_task(struct task *t, void *arg)
{
	int *v = arg; /* [threads, last vtid] */
	v[0]++;
	if (t->vtid > v[1])
		v[1] = t->vtid;
	return 0;
}

static ssize_t loadavg_content(struct pctx *pc, char **out)
{
	_cleanup_free_ char *host = NULL;
	ssize_t n = read_file_at(pc->s->host_procfd, "loadavg", &host);
	if (n < 0)
		return n;
	int v[2] = {0, 0};
	task_foreach(pc->s, count_task, v);
	char buf[128];
	int len = procfs_rewrite_loadavg(host, 1, v[0] > 0 ? v[0] : 1, v[1], buf, sizeof(buf));
	if (len < 0)
		return len;
	*out = xstrdup(buf);
	return len;
}

static ssize_t mounts_content(struct pctx *pc, bool mountinfo, char **out)
{
	struct stat st;
	dev_t root_dev = makedev(0, 30);
	if (pc->s->root_fd >= 0 && fstat(pc->s->root_fd, &st) == 0)
		root_dev = st.st_dev;
	struct procfs_mount m[16];
	size_t n = procfs_default_mounts(m, ARRAY_SIZE(m), root_dev, pc->ps->mirror_dev);
	size_t len = procfs_render_mounts(m, n, mountinfo, NULL, 0);
	*out = xmalloc(len + 1);
	procfs_render_mounts(m, n, mountinfo, *out, len + 1);
	return (ssize_t)len;
}

static ssize_t top_content(struct pctx *pc, const struct pent *e, char **out)
{
	switch (e->what) {
	case PW_HOST:
		return read_file_at(pc->s->host_procfd, e->name, out);
	case PW_LOADAVG:
		return loadavg_content(pc, out);
	case PW_VERSION:
		return xasprintf(out, "Linux version %s (runsc-c@runsc-c) (gcc, GNU ld) %s\n",
				 RUNSC_UNAME_RELEASE, RUNSC_UNAME_VERSION);
	case PW_CMDLINE:
		return xasprintf(out, "BOOT_IMAGE=/vmlinuz-%s ro quiet\n", RUNSC_UNAME_RELEASE);
	case PW_SWAPS:
		return xasprintf(out, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	default:
		return -EINVAL;
	}
}

static ssize_t node_content(struct pctx *pc, const struct pnode *n, char **out)
{
	ssize_t r;
	switch (n->kind) {
	case PN_TOP:
		return top_content(pc, n->ent, out);
	case PN_FDINFO:
	case PN_NET:
		r = read_file_at(pc->s->guest_procfd, n->path, out);
		return r < 0 ? gone((int)-r) : r;
	case PN_ENTRY:
		switch (n->ent->what) {
		case PW_GUEST:
			r = read_file_at(pc->s->guest_procfd, n->path, out);
			return r < 0 ? gone((int)-r) : r;
		case PW_CGROUP:
			return xasprintf(out, "0::/\n");
		case PW_MOUNTS:
			return mounts_content(pc, false, out);
		case PW_MOUNTINFO:
			return mounts_content(pc, true, out);
		default:
			return -EINVAL;
		}
	case PN_ROOT:
	case PN_PID:
	case PN_FD:
	default:
		return -EINVAL;
	}
}

static int new_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd < 0 ? -errno : fd;
}

/* Puts content into a sealed memfd and returns a read-only fd of it. */
static int seal_content(struct pctx *pc, const struct pnode *n, const char *data, size_t len,
			int flags)
{
	char name[250];
	int nl = snprintf(name, sizeof(name), PROCFS_MEMFD_PREFIX "/proc/%s", n->path);
	if (nl < 0 || (size_t)nl >= sizeof(name))
		snprintf(name, sizeof(name), "runsc-proc-file");
	_cleanup_close_ int fd = new_memfd(name);
	if (fd < 0)
		return fd;
	int r = write_all(fd, data, len);
	if (r < 0)
		return r;
	(void)!fchmod(fd, 0444);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return magic_reopen(pc->s, fd, O_RDONLY | (flags & O_NONBLOCK));
}

/* ---- open ---- */

static int open_node(struct pctx *pc, const char *rest, int flags, int *fd_out, char *view,
		     size_t view_size);

static int open_mirror(struct pctx *pc, const struct pnode *n, int oflags)
{
	pthread_mutex_lock(&pc->ps->lock);
	int r = mirror_ensure(pc, n->path, n->type);
	pthread_mutex_unlock(&pc->ps->lock);
	if (r < 0)
		return r;
	r = openat(pc->ps->mirror_ro, mpath(n->path), oflags | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

static int open_link(struct pctx *pc, const struct pnode *n, int flags, int *fd_out)
{
	if (!(flags & O_PATH))
		return -ELOOP;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	int fd = open_mirror(pc, n, O_PATH | O_NOFOLLOW);
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
		int fd = open_mirror(pc, n, O_PATH);
		if (fd < 0)
			return fd;
		*fd_out = fd;
		return 0;
	}
	if (wants_write(flags))
		return -EACCES;
	int r;
	if (needs_ptrace(n)) {
		r = may_ptrace(pc, n->pid);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *data = NULL;
	ssize_t len = node_content(pc, n, &data);
	if (len < 0)
		return (int)len;
	int fd = seal_content(pc, n, data, (size_t)len, flags);
	if (fd < 0)
		return fd;
	*fd_out = fd;
	return 0;
}

/* Refreshes the mirror of directory n and gives it the real node's mode. */
static int fill_dir(struct pctx *pc, const struct pnode *n)
{
	struct dlist want = {0};
	int r = list_node(pc, n, &want);
	if (r < 0) {
		dlist_free(&want);
		return r;
	}
	struct stat twin, cur;
	bool have_twin = n->kind != PN_ROOT && twin_stat(pc, n, false, &twin) == 0;
	pthread_mutex_lock(&pc->ps->lock);
	r = mirror_ensure(pc, n->path, PT_DIR);
	int dirfd = -1;
	if (r == 0) {
		dirfd = openat(pc->ps->mirror_rw, mpath(n->path),
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			r = -errno;
	}
	if (dirfd >= 0) {
		mirror_sync(pc, dirfd, &want);
		if (have_twin && fstat(dirfd, &cur) == 0 &&
		    (cur.st_mode & 07777) != (twin.st_mode & 07777))
			(void)!fchmod(dirfd, twin.st_mode & 07777);
		close(dirfd);
	}
	pthread_mutex_unlock(&pc->ps->lock);
	dlist_free(&want);
	return r;
}

static int open_dir(struct pctx *pc, const struct pnode *n, int flags, int *fd_out)
{
	if ((flags & __O_TMPFILE) == __O_TMPFILE)
		return -EOPNOTSUPP;
	int r;
	if (flags & O_PATH) {
		r = open_mirror(pc, n, O_PATH | O_DIRECTORY);
	} else {
		if (wants_write(flags) || (flags & O_CREAT))
			return -EISDIR;
		if (needs_ptrace(n)) {
			r = may_ptrace(pc, n->pid);
			if (r < 0)
				return r;
		}
		r = fill_dir(pc, n);
		if (r < 0)
			return r;
		r = openat(pc->ps->mirror_ro, mpath(n->path),
			   O_RDONLY | O_DIRECTORY | O_CLOEXEC | (flags & O_NONBLOCK));
		if (r < 0)
			r = -errno;
	}
	if (r < 0)
		return r;
	*fd_out = r;
	return 0;
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
	int r = fd_link(pc->s, fd, buf, size);
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
	struct task *t = task_of(pc, n);
	if (!t)
		return -ENOENT;
	_cleanup_close_ int pidfd = sys_pidfd_open(t->tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -ENOENT;
	int fd = sys_pidfd_getfd(pidfd, n->fd, 0);
	if (fd < 0)
		return errno == EBADF ? -ENOENT : -errno;
	return fd;
}

static int open_fd_object(struct pctx *pc, const struct pnode *n, int flags, int *fd_out,
			  char *view, size_t view_size)
{
	int r = may_ptrace(pc, n->pid);
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
	bool subset = access_subset(flags, have);
	bool on_fs = (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && st.st_dev != pc->ps->memfd_dev;
	if (on_fs) {
		if (subset && !(flags & __O_TMPFILE)) {
			r = magic_reopen(pc->s, obj, flags);
		} else if (S_ISDIR(st.st_mode) || st.st_nlink > 0) {
			r = fd_link(pc->s, obj, path, sizeof(path));
			return r < 0 ? r : set_view(view, view_size, path);
		} else {
			return -EACCES; /* a deleted file, and more access than the fd has */
		}
	} else {
		if (!subset) {
			r = dac_check(pc, &st, flags_to_want(flags), PERM_FS_IDS);
			if (r < 0)
				return r;
		}
		r = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
			    ? reopen_nowait(pc->s, obj, flags)
			    : magic_reopen(pc->s, obj, flags);
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
	if (r < 0)
		return r;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (n.kind == PN_FD && n.followed)
		return open_fd_object(pc, &n, flags, fd_out, view, view_size);
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
	int r = pctx_init(&pc, c);
	if (r < 0)
		return r;
	if (strcmp(rest, PROCFS_TTY) == 0)
		return tty_open(&pc, flags, fd_out);
	return open_node(&pc, rest, flags, fd_out, view_path, size);
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
	synth_stat(PT_REG, st);
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
	int r = may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	if (fstatat(pc->s->guest_procfd, n->path, st, 0) < 0)
		return gone(errno);
	if (st->st_dev == pc->ps->mirror_dev || st->st_dev == pc->ps->memfd_dev) {
		char text[PATH_MAX];
		r = fd_link_text(pc, n->path, text, sizeof(text));
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
	return node_stat(pc, &n, st);
}

int procfs_stat_ex(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st,
		   char *view_path, size_t size)
{
	struct pctx pc;
	if (size)
		view_path[0] = 0;
	int r = pctx_init(&pc, c);
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
	int r = pctx_init(&pc, c);
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
	if (needs_ptrace(&n)) {
		r = may_ptrace(&pc, n.pid);
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
	int r = may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	struct stat st;
	if (fstatat(pc->s->guest_procfd, n->path, &st, 0) < 0)
		return gone(errno);
	if (n->must_dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	char text[PATH_MAX];
	r = fd_link_text(pc, n->path, text, sizeof(text));
	if (r < 0)
		return r;
	if (strncmp(text, "/proc", 5) == 0 && (!text[5] || text[5] == '/'))
		return access_node(pc, text + 5, mode, view, view_size);
	bool on_fs = (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && st.st_dev != pc->ps->memfd_dev;
	if (on_fs && text[0] == '/' && st.st_nlink > 0)
		return set_view(view, view_size, text); /* the gofer applies the policy */
	return dac_check(pc, &st, mode, PERM_REAL_IDS);
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
	if (mode & W_OK)
		return -EACCES;
	if ((mode & X_OK) && n.type != PT_DIR)
		return -EACCES;
	if ((mode & (R_OK | X_OK)) && needs_ptrace(&n))
		return may_ptrace(pc, n.pid);
	return 0;
}

int procfs_access_ex(struct sc_ctx *c, const char *rest, int mode, char *view_path, size_t size)
{
	struct pctx pc;
	if (size)
		view_path[0] = 0;
	int r = pctx_init(&pc, c);
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

/* ---- fds the guest holds ---- */

bool procfs_owns_fd(struct sentry *s, int host_fd, char *prefix, size_t size)
{
	struct procfs_state *ps = s->procfs;
	struct stat st;
	if (!ps || fstat(host_fd, &st) < 0 || st.st_dev != ps->mirror_dev)
		return false;
	char text[PATH_MAX];
	int r = fd_link(s, host_fd, text, sizeof(text));
	if (r >= 0)
		r = procfs_fix_fd_link(text, sizeof(text), FD_MIRROR);
	/* A node removed since (its process is gone) resolves nothing. */
	if (r < 0 || strstr(text, " (deleted)") || (size_t)r >= size)
		snprintf(text, sizeof(text), "/proc/.gone");
	snprintf(prefix, size, "%s", text);
	return true;
}

/* ---- setup ---- */

static int fs_config(int fsfd, const char *key, const char *value)
{
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return -errno;
	return 0;
}

/* The detached tmpfs that mirrors the tree's directories. */
static int make_mirror(struct procfs_state *ps)
{
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	int r = fs_config(fsfd, "mode", "0555");
	if (r == 0)
		r = fs_config(fsfd, "nr_inodes", MIRROR_OPTS_INODES);
	if (r == 0)
		r = fs_config(fsfd, "size", "1m");
	if (r == 0 && syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		r = -errno;
	if (r < 0)
		return r;
	ps->mirror_rw = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
				     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (ps->mirror_rw < 0)
		return -errno;
	/* The guest's fds come from a read-only clone, so that fchmod and the
	 * like on them fail as they do on procfs. */
	ps->mirror_ro = (int)syscall(SYS_open_tree, ps->mirror_rw, "",
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (ps->mirror_ro >= 0) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (syscall(SYS_mount_setattr, ps->mirror_ro, "", AT_EMPTY_PATH, &attr,
			    sizeof(attr)) < 0) {
			close(ps->mirror_ro);
			ps->mirror_ro = -1;
		}
	}
	if (ps->mirror_ro < 0) {
		log_debug("procfs: no read-only clone of the /proc mirror: %s", strerror(errno));
		ps->mirror_ro = fcntl(ps->mirror_rw, F_DUPFD_CLOEXEC, 0);
		if (ps->mirror_ro < 0)
			return -errno;
	}
	struct stat st;
	if (fstat(ps->mirror_rw, &st) < 0)
		return -errno;
	ps->mirror_dev = st.st_dev;
	return 0;
}

static int probe_memfd_dev(struct procfs_state *ps)
{
	_cleanup_close_ int fd = new_memfd("runsc-probe");
	struct stat st;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	ps->memfd_dev = st.st_dev;
	return 0;
}

int procfs_init(struct sentry *s)
{
	struct procfs_state *ps = xcalloc(1, sizeof(*ps));
	ps->mirror_rw = ps->mirror_ro = -1;
	int r = make_mirror(ps);
	if (r == 0)
		r = probe_memfd_dev(ps);
	if (r < 0) {
		if (ps->mirror_rw >= 0)
			close(ps->mirror_rw);
		if (ps->mirror_ro >= 0)
			close(ps->mirror_ro);
		free(ps);
		return r;
	}
	pthread_mutex_init(&ps->lock, NULL);
	s->procfs = ps;
	return 0;
}
