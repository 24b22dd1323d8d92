/* SPDX-License-Identifier: Apache-2.0 */
/* The mirror: a detached tmpfs with one directory per /proc directory the
 * guest opened, refreshed at each open and filled with empty files,
 * directories and placeholder links of the right names and types, so that
 * getdents64 on the fd the guest gets runs natively. The mirror also gives
 * every node its device and inode numbers (procfs_node_stat), so that stat
 * matches fstat and getdents64. Directories of processes that went away
 * are pruned now and then. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

/* Pid directories created in the mirror between two prunes of dead ones. */
#define PRUNE_EVERY 64
/* Text of the mirror's placeholder links: never read, readlink is trapped. */
#define MIRROR_LINK_TEXT "/"
/* Bounds the mirror: a few pids' trees and fd tables of thousands. */
#define MIRROR_OPTS_INODES "131072"

/* ---- the mirror tmpfs (callers hold ps->lock) ---- */

const char *procfs_mpath(const char *path)
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
	int r = procfs_read_dir(fd, false, PT_REG, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		r = remove_tree(fd, l.v[i].name, depth + 1);
	procfs_dlist_free(&l);
	if (r == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* Removes the entries of a mirror directory whose guest node has gone. */
static void prune_dir(struct pctx *pc, const char *path)
{
	struct procfs_state *ps = pc->ps;
	_cleanup_close_ int fd =
		openat(ps->mirror_rw, procfs_mpath(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct dlist l = {0};
	char child[PROCFS_NODE_PATH];
	if (procfs_read_dir(fd, true, PT_DIR, &l) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			snprintf(child, sizeof(child), "%s%s%s", path, path[0] ? "/" : "",
				 l.v[i].name);
			if (procfs_guest_type(pc, child) != PT_DIR) {
				remove_tree(fd, l.v[i].name, 0);
			} else if (!path[0]) {
				snprintf(child, sizeof(child), "%s/task", l.v[i].name);
				prune_dir(pc, child);
			}
		}
	}
	procfs_dlist_free(&l);
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
		if (procfs_type_of(st.st_mode) == (int)type)
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
	if (procfs_read_dir(dirfd, false, 0, &have) < 0) {
		procfs_dlist_free(&have);
		return;
	}
	procfs_dlist_sort(&have);
	procfs_dlist_sort(want);
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
	procfs_dlist_free(&have);
}

/* ---- where a node's metadata comes from ---- */

void procfs_synth_stat(enum pn_type type, struct stat *st)
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

/* The real procfs node a node stands for: the host's for /proc's own
 * files, the guest's for per-process ones. */
static int twin_stat(struct pctx *pc, const struct pnode *n, bool follow, struct stat *st)
{
	if (n->kind == PN_MASKED) {
		/* runc's mask: a tmpfs of the default mode, or /dev/null. */
		if (n->type != PT_DIR)
			return fstat(pc->ps->null_fd, st) < 0 ? -errno : 0;
		procfs_synth_stat(PT_DIR, st);
		st->st_mode = S_IFDIR | 01777;
		return 0;
	}
	int dirfd = n->kind == PN_ROOT || n->kind == PN_TOP || n->kind == PN_SYS
			    ? pc->s->host_procfd
			    : pc->s->guest_procfd;
	if (dirfd < 0)
		return -ENOENT;
	if (fstatat(dirfd, procfs_mpath(n->path), st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		return procfs_gone(errno);
	return 0;
}

static int mirror_stat(struct pctx *pc, const struct pnode *n, struct stat *st)
{
	pthread_mutex_lock(&pc->ps->lock);
	int r = mirror_ensure(pc, n->path, n->type);
	if (r == 0 &&
	    fstatat(pc->ps->mirror_rw, procfs_mpath(n->path), st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	pthread_mutex_unlock(&pc->ps->lock);
	return r;
}

/* A node's stat: the real node's metadata with the mirror's identity, so
 * that it matches fstat of a directory the guest opened and the inode
 * numbers getdents64 shows. */
int procfs_node_stat(struct pctx *pc, const struct pnode *n, struct stat *st)
{
	int r = twin_stat(pc, n, false, st);
	if (n->kind == PN_MASKED && n->type != PT_DIR)
		return r; /* the null device itself, as fstat of its fd shows */
	if (r == -ENOENT && (n->kind == PN_TOP || n->kind == PN_ROOT || n->kind == PN_SYS))
		procfs_synth_stat(n->type, st);
	else if (r < 0)
		return r;
	if (procfs_type_of(st->st_mode) != (int)n->type)
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

/* ---- what open and setup ask of the mirror ---- */

int procfs_open_mirror(struct pctx *pc, const struct pnode *n, int oflags)
{
	pthread_mutex_lock(&pc->ps->lock);
	int r = mirror_ensure(pc, n->path, n->type);
	pthread_mutex_unlock(&pc->ps->lock);
	if (r < 0)
		return r;
	r = openat(pc->ps->mirror_ro, procfs_mpath(n->path), oflags | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

/* Refreshes the mirror of directory n and gives it the real node's mode. */
int procfs_fill_dir(struct pctx *pc, const struct pnode *n)
{
	struct dlist want = {0};
	int r = procfs_list_node(pc, n, &want);
	if (r < 0) {
		procfs_dlist_free(&want);
		return r;
	}
	struct stat twin, cur;
	bool have_twin = n->kind != PN_ROOT && twin_stat(pc, n, false, &twin) == 0;
	pthread_mutex_lock(&pc->ps->lock);
	r = mirror_ensure(pc, n->path, PT_DIR);
	int dirfd = -1;
	if (r == 0) {
		dirfd = openat(pc->ps->mirror_rw, procfs_mpath(n->path),
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
	procfs_dlist_free(&want);
	return r;
}

static int fs_config(int fsfd, const char *key, const char *value)
{
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return -errno;
	return 0;
}

/* The detached tmpfs that mirrors the tree's directories. */
int procfs_make_mirror(struct procfs_state *ps)
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
