/* SPDX-License-Identifier: Apache-2.0 */
/* What a directory of the sentry's /proc holds: its table entries, and the
 * pids, tids, fds and net/ nodes the guest's procfs lists. procfs_mirror.c
 * makes a directory of the mirror tmpfs hold these names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

void procfs_dlist_free(struct dlist *l)
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
void procfs_dlist_sort(struct dlist *l)
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
int procfs_read_dir(int dirfd, bool numeric_only, enum pn_type force_type, struct dlist *l)
{
	char buf[8192];
	for (;;) {
		ssize_t n = getdents64(dirfd, buf, sizeof(buf));
		if (n < 0)
			return procfs_gone(errno);
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
		return procfs_gone(errno);
	return procfs_read_dir(fd, numeric_only, force_type, l);
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
	task_vids_all(pc->s);
	task_foreach(pc->s, add_tgid, l);
	return 0;
}

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

/* What a directory node holds. */
/* The entries of tab one level below the directory dir ("" for /proc/sys)
 * that skip (when given) does not hold. */
static void list_sys_table(const struct pent *tab, size_t n, const char *dir,
			   const struct pent *skip, size_t nskip, struct dlist *l)
{
	size_t len = strlen(dir);
	for (size_t i = 0; i < n; i++) {
		const char *name = tab[i].name;
		if (len > 0 && (strncmp(name, dir, len) != 0 || name[len] != '/'))
			continue;
		bool dup = false;
		for (size_t k = 0; !dup && k < nskip; k++)
			dup = strcmp(skip[k].name, name) == 0;
		name += len > 0 ? len + 1 : 0;
		if (!dup && !strchr(name, '/'))
			dlist_add(l, name, tab[i].type);
	}
}

/* The entries of /proc/sys or a directory below it: the table's paths
 * one level below the directory's, and the config's sysctls'. */
static void list_sys(const struct pctx *pc, const struct pnode *n, struct dlist *l)
{
	const char *dir = n->kind == PN_TOP ? "" : n->ent->name;
	list_sys_table(procfs_sys_entries, procfs_sys_count, dir, NULL, 0, l);
	if (pc->w.sys_extra)
		list_sys_table(pc->w.sys_extra, pc->w.nsys_extra, dir, procfs_sys_entries,
			       procfs_sys_count, l);
}

/* The masked paths directly in directory n that the tree leaves out but
 * the host's procfs has: the walk shows them (procfs_path.c), and so does
 * the listing, as runc's masks leave them in place. */
static void add_masked(struct pctx *pc, const struct pnode *n, struct dlist *l)
{
	const struct path_masks *m = pc->w.masks;
	if (!m || n->kind == PN_PID || n->kind == PN_ENTRY || n->kind == PN_NET)
		return;
	size_t len = strlen(n->path);
	for (size_t i = 0; i < m->nmasked; i++) {
		const char *p = m->masked[i];
		if (len && (strncmp(p, n->path, len) != 0 || p[len] != '/'))
			continue;
		const char *name = p + (len ? len + 1 : 0);
		if (!name[0] || strchr(name, '/') || (!len && procfs_name_to_int(name) >= 0))
			continue;
		bool have = false;
		for (size_t k = 0; !have && k < l->n; k++)
			have = strcmp(l->v[k].name, name) == 0;
		int type = have ? 0 : procfs_host_type(pc, p);
		if (type == PT_DIR || type == PT_REG)
			dlist_add(l, name, (enum pn_type)type);
	}
}

static int list_node(struct pctx *pc, const struct pnode *n, struct dlist *l);

int procfs_list_node(struct pctx *pc, const struct pnode *n, struct dlist *l)
{
	if (n->kind == PN_MASKED)
		return n->type == PT_DIR ? 0 : -ENOTDIR;
	int r = list_node(pc, n, l);
	if (r == 0)
		add_masked(pc, n, l);
	return r;
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
			if (r == 0 && pc->c && pc->c->t)
				task_vids(pc->s, pc->c->t);
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
	case PN_SYS:
		if (n->type != PT_DIR)
			return -ENOTDIR;
		list_sys(pc, n, l);
		return 0;
	case PN_TOP:
		if (n->ent->what != PW_SYS_DIR)
			return -ENOTDIR;
		list_sys(pc, n, l);
		return 0;
	case PN_FD:
	case PN_FDINFO:
	default:
		return -ENOTDIR;
	}
}
