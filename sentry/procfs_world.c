/* SPDX-License-Identifier: Apache-2.0 */
/* One call into the sentry's /proc: its context (struct pctx), and the
 * answers to what the path walk of procfs_path.c asks of the world (the
 * type of a node of the guest's procfs, the text of exe, cwd and fd/N
 * links), read from the guest's procfs and the task table. Also the small
 * helpers over the host's and guest's procfs the other procfs files use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/opath.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

/* ---- small helpers ---- */

int procfs_type_of(mode_t mode)
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
int procfs_gone(int err)
{
	return err == ESRCH ? -ENOENT : -err;
}

/* readlinkat into a NUL-terminated buffer; -ENAMETOOLONG if it did not fit. */
int procfs_read_link_at(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, path, buf, size - 1);
	if (n < 0)
		return procfs_gone(errno);
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = 0;
	return (int)n;
}

int procfs_fd_link(struct sentry *s, int fd, char *buf, size_t size)
{
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", fd);
	return procfs_read_link_at(s->host_procfd, path, buf, size);
}

/* Opens the object behind one of the sentry's fds anew, as the guest's
 * open of /proc/self/fd/N would. Creating flags are dropped (the object
 * exists); O_NOCTTY always, so a terminal never becomes the sentry's. */
int procfs_magic_reopen(struct sentry *s, int fd, int flags)
{
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", fd);
	/* O_TMPFILE without its O_DIRECTORY part: a directory asked for stays
	 * asked for (ENOTDIR for a FIFO or device, as Linux gives). */
	flags &= ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_NOATIME | (__O_TMPFILE & ~O_DIRECTORY) |
		   O_CLOEXEC);
	int r = openat(s->host_procfd, path, flags | O_CLOEXEC | O_NOCTTY);
	return r < 0 ? -errno : r;
}

/* ---- the world the walk asks ---- */

struct task *procfs_task_of(struct pctx *pc, const struct pnode *n)
{
	struct task *t = task_find_vtid(pc->s, n->tid ? n->tid : n->pid);
	if (!t && n->tid)
		t = task_find_vtid(pc->s, n->pid);
	return t;
}

int procfs_guest_type(void *arg, const char *path)
{
	struct pctx *pc = arg;
	struct stat st;
	if (pc->s->guest_procfd < 0)
		return -ENOENT;
	if (fstatat(pc->s->guest_procfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == EACCES ? -EACCES : -ENOENT;
	int type = procfs_type_of(st.st_mode);
	return type ? type : -ENOENT;
}

int procfs_host_type(void *arg, const char *path)
{
	struct pctx *pc = arg;
	struct stat st;
	if (pc->s->host_procfd < 0 || !path[0])
		return -ENOENT;
	if (fstatat(pc->s->host_procfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -ENOENT;
	int type = procfs_type_of(st.st_mode);
	return type ? type : -ENOENT;
}

/* The text of /proc/<pid>/fd/N as the guest should see it. */
int procfs_fd_link_text(struct pctx *pc, const char *path, char *buf, size_t size)
{
	int n = procfs_read_link_at(pc->s->guest_procfd, path, buf, size);
	if (n < 0)
		return n;
	struct stat st;
	enum fd_origin origin = FD_OTHER;
	if (fstatat(pc->s->guest_procfd, path, &st, 0) == 0) {
		/* An O_PATH fd's placeholder: the object it stands for. */
		int obj = opath_object(pc->s, &st);
		if (obj >= 0) {
			n = procfs_fd_link(pc->s, obj, buf, size);
			if (n < 0 || fstat(obj, &st) < 0)
				return n;
		}
		if (st.st_dev == pc->ps->mirror_dev)
			origin = FD_MIRROR;
		else if (st.st_dev == pc->ps->memfd_dev)
			origin = FD_MEMFD;
	}
	return procfs_fix_fd_link(buf, size, origin);
}

static int exe_text(struct pctx *pc, const struct pnode *n, char *buf, size_t size)
{
	struct task *t = procfs_task_of(pc, n);
	if (!t || !t->exe)
		return -ENOENT;
	int len = snprintf(buf, size, "%s", t->exe);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : len;
}

/* The cwd the sentry keeps for the task is a gofer fd, which the kernel
 * names by its path in the view, as the gofer pivot_root'ed there, or a
 * directory of the sentry's /proc. */
static int cwd_text(struct pctx *pc, const struct pnode *n, char *buf, size_t size)
{
	struct task *t = procfs_task_of(pc, n);
	if (t && t->fs && t->fs->cwd_fd >= 0 && t->fs->cwd_proc) {
		/* A directory of the sentry's /proc: its /proc path. */
		if (!procfs_owns_fd(pc->s, t->fs->cwd_fd, NULL, buf, size))
			return -ENOENT;
		return (int)strlen(buf);
	}
	if (t && t->fs && t->fs->cwd_fd >= 0)
		return procfs_fd_link(pc->s, t->fs->cwd_fd, buf, size);
	return procfs_read_link_at(pc->s->guest_procfd, n->path, buf, size);
}

static int link_text_cb(void *arg, const struct pnode *n, char *buf, size_t size)
{
	struct pctx *pc = arg;
	int r = procfs_may_ptrace(pc, n->pid);
	if (r < 0)
		return r;
	if (n->kind == PN_FD)
		return procfs_fd_link_text(pc, n->path, buf, size);
	switch (n->ent->what) {
	case PW_EXE:
		return exe_text(pc, n, buf, size);
	case PW_CWD:
		return cwd_text(pc, n, buf, size);
	default:
		return -EINVAL;
	}
}

int procfs_pctx_init(struct pctx *pc, struct sc_ctx *c)
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
	task_vids(c->s, c->t);
	pc->w.self_tgid = c->t->vtgid;
	pc->w.self_tid = c->t->vtid;
	pc->w.guest_type = procfs_guest_type;
	pc->w.link_text = link_text_cb;
	pc->w.sys_extra = c->s->sysctl_ents;
	pc->w.nsys_extra = c->s->nsysctl_ents;
	if (pc->ps->masks.nmasked || pc->ps->masks.nreadonly) {
		pc->w.masks = &pc->ps->masks;
		pc->w.host_type = procfs_host_type;
	}
	return 0;
}
