/* SPDX-License-Identifier: Apache-2.0 */
/* The pure half of the sentry's /proc: the tree's tables and the path walk
 * over them (the text of synthesized files is in procfs_text.c). No system
 * calls; see sentry/procfs.h. */
#include "sentry/procfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sorted by name, as a listing shows them. */
const struct pent procfs_top_entries[] = {
	{"cmdline", PT_REG, PW_CMDLINE, 0, NULL},
	{"cpuinfo", PT_REG, PW_HOST, 0, NULL},
	{"filesystems", PT_REG, PW_HOST, 0, NULL},
	{"loadavg", PT_REG, PW_LOADAVG, 0, NULL},
	{"meminfo", PT_REG, PW_MEMINFO, 0, NULL},
	{"mounts", PT_LNK, PW_TEXT_LINK, 0, "self/mounts"},
	{"net", PT_LNK, PW_TEXT_LINK, 0, "self/net"},
	{"self", PT_LNK, PW_SELF, 0, NULL},
	{"stat", PT_REG, PW_HOST, 0, NULL},
	{"swaps", PT_REG, PW_SWAPS, 0, NULL},
	{"sys", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"thread-self", PT_LNK, PW_THREAD_SELF, 0, NULL},
	{"uptime", PT_REG, PW_HOST, 0, NULL},
	{"version", PT_REG, PW_VERSION, 0, NULL},
	{"vmstat", PT_REG, PW_HOST, 0, NULL},
};
const size_t procfs_top_count = sizeof(procfs_top_entries) / sizeof(procfs_top_entries[0]);

/* The per-process entries served. Others Linux has (mem, ns/, attr/,
 * stack, syscall, ...) are absent: they would expose or change the host's
 * view of the process rather than the guest's. */
const struct pent procfs_pid_entries[] = {
	{"auxv", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"cgroup", PT_REG, PW_CGROUP, 0, NULL},
	{"cmdline", PT_REG, PW_GUEST, 0, NULL},
	{"comm", PT_REG, PW_GUEST, 0, NULL},
	{"coredump_filter", PT_REG, PW_GUEST, PE_TGID_ONLY, NULL},
	{"cwd", PT_LNK, PW_CWD, PE_PTRACE, NULL},
	{"environ", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"exe", PT_LNK, PW_EXE, PE_PTRACE, NULL},
	{"fd", PT_DIR, PW_FD_DIR, PE_PTRACE, NULL},
	{"fdinfo", PT_DIR, PW_FDINFO_DIR, PE_PTRACE, NULL},
	{"gid_map", PT_REG, PW_GUEST, 0, NULL},
	{"io", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"limits", PT_REG, PW_GUEST, 0, NULL},
	{"loginuid", PT_REG, PW_GUEST, 0, NULL},
	{"maps", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"mountinfo", PT_REG, PW_MOUNTINFO, 0, NULL},
	{"mounts", PT_REG, PW_MOUNTS, 0, NULL},
	{"net", PT_DIR, PW_NET_DIR, 0, NULL},
	{"oom_adj", PT_REG, PW_GUEST, 0, NULL},
	{"oom_score", PT_REG, PW_GUEST, 0, NULL},
	{"oom_score_adj", PT_REG, PW_GUEST, 0, NULL},
	{"pagemap", PT_REG, PW_PAGEMAP, PE_PTRACE, NULL},
	{"personality", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"projid_map", PT_REG, PW_GUEST, 0, NULL},
	{"root", PT_LNK, PW_ROOT, PE_PTRACE, NULL},
	{"sched", PT_REG, PW_GUEST, 0, NULL},
	{"schedstat", PT_REG, PW_GUEST, 0, NULL},
	{"sessionid", PT_REG, PW_GUEST, 0, NULL},
	{"setgroups", PT_REG, PW_GUEST, 0, NULL},
	{"smaps", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"smaps_rollup", PT_REG, PW_GUEST, PE_PTRACE, NULL},
	{"stat", PT_REG, PW_GUEST, 0, NULL},
	{"statm", PT_REG, PW_GUEST, 0, NULL},
	{"status", PT_REG, PW_GUEST, 0, NULL},
	{"task", PT_DIR, PW_TASK_DIR, PE_TGID_ONLY, NULL},
	{"uid_map", PT_REG, PW_GUEST, 0, NULL},
	{"wchan", PT_REG, PW_GUEST, 0, NULL},
};
const size_t procfs_pid_count = sizeof(procfs_pid_entries) / sizeof(procfs_pid_entries[0]);

/* The subset of /proc/sys that programs read to learn the limits they run
 * under, with the values the sandbox really has: the host's where the
 * guest gets the host's (the kernel enforces them), the sandbox's own for
 * its names and core_pattern (no guest process dumps core: its RLIMIT_CORE
 * is 0; the host's pattern would name a host path or handler). Every file is read-only (opening one
 * for writing gets EACCES, as it does for the root of an unprivileged user namespace, which does
 * not own these files). */
const struct pent procfs_sys_entries[] = {
	{"fs", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"fs/file-max", PT_REG, PW_HOST, 0, NULL},
	{"fs/inotify", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"fs/inotify/max_queued_events", PT_REG, PW_HOST, 0, NULL},
	{"fs/inotify/max_user_instances", PT_REG, PW_HOST, 0, NULL},
	{"fs/inotify/max_user_watches", PT_REG, PW_HOST, 0, NULL},
	{"fs/lease-break-time", PT_REG, PW_HOST, 0, NULL},
	{"fs/nr_open", PT_REG, PW_HOST, 0, NULL},
	{"fs/pipe-max-size", PT_REG, PW_HOST, 0, NULL},
	{"fs/pipe-user-pages-hard", PT_REG, PW_HOST, 0, NULL},
	{"fs/pipe-user-pages-soft", PT_REG, PW_HOST, 0, NULL},
	{"kernel", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"kernel/core_pattern", PT_REG, PW_SYS_CORE_PATTERN, 0, NULL},
	{"kernel/domainname", PT_REG, PW_SYS_DOMAINNAME, 0, NULL},
	{"kernel/hostname", PT_REG, PW_SYS_HOSTNAME, 0, NULL},
	{"kernel/ngroups_max", PT_REG, PW_HOST, 0, NULL},
	{"kernel/osrelease", PT_REG, PW_SYS_OSRELEASE, 0, NULL},
	{"kernel/ostype", PT_REG, PW_SYS_OSTYPE, 0, NULL},
	{"kernel/pid_max", PT_REG, PW_HOST, 0, NULL},
	{"kernel/tainted", PT_REG, PW_HOST, 0, NULL},
	{"net", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"net/core", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"net/core/somaxconn", PT_REG, PW_HOST, 0, NULL},
	{"vm", PT_DIR, PW_SYS_DIR, 0, NULL},
	{"vm/max_map_count", PT_REG, PW_HOST, 0, NULL},
	{"vm/overcommit_memory", PT_REG, PW_HOST, 0, NULL},
};
const size_t procfs_sys_count = sizeof(procfs_sys_entries) / sizeof(procfs_sys_entries[0]);

long procfs_name_to_int(const char *name)
{
	size_t len = strlen(name);
	long n = 0;
	if (len == 0 || (len > 1 && name[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		if (n >= (INT_MAX - 9) / 10)
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

bool procfs_pent_visible(const struct pent *e, const struct pnode *dir)
{
	return !(dir->tid != 0 && (e->flags & PE_TGID_ONLY));
}

static const struct pent *find_pent(const struct pent *tab, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

static int child_path(struct pnode *child, const struct pnode *parent, const char *name)
{
	char buf[PROCFS_NODE_PATH];
	int n = snprintf(buf, sizeof(buf), "%s%s%s", parent->path, parent->path[0] ? "/" : "",
			 name);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(child->path, buf, (size_t)n + 1);
	return 0;
}

/* A numbered child (a pid, tid or fd) that the guest's procfs must hold
 * with type want. */
static int numbered_child(const struct procfs_world *w, const struct pnode *parent,
			  const char *name, enum pn_type want, long *num, struct pnode *child)
{
	*num = procfs_name_to_int(name);
	if (*num < 0 || (*num == 0 && want == PT_DIR))
		return -ENOENT;
	int r = child_path(child, parent, name);
	if (r < 0)
		return r;
	r = w->guest_type(w->arg, child->path);
	if (r < 0)
		return r;
	return r == (int)want ? 0 : -ENOENT;
}

static int lookup_in_entry(const struct procfs_world *w, const struct pnode *parent,
			   const char *name, struct pnode *child)
{
	long num;
	int r;
	switch (parent->kind == PN_NET ? PW_NET_DIR : parent->ent->what) {
	case PW_TASK_DIR:
		r = numbered_child(w, parent, name, PT_DIR, &num, child);
		if (r < 0)
			return r;
		child->kind = PN_PID;
		child->type = PT_DIR;
		child->ent = NULL;
		child->tid = (pid_t)num;
		return 0;
	case PW_FD_DIR:
		r = numbered_child(w, parent, name, PT_LNK, &num, child);
		if (r < 0)
			return r;
		child->kind = PN_FD;
		child->type = PT_LNK;
		child->fd = (int)num;
		return 0;
	case PW_FDINFO_DIR:
		r = numbered_child(w, parent, name, PT_REG, &num, child);
		if (r < 0)
			return r;
		child->kind = PN_FDINFO;
		child->type = PT_REG;
		child->fd = (int)num;
		return 0;
	case PW_NET_DIR:
		r = child_path(child, parent, name);
		if (r < 0)
			return r;
		r = w->guest_type(w->arg, child->path);
		if (r < 0)
			return r;
		if (r != PT_DIR && r != PT_REG)
			return -ENOENT;
		child->kind = PN_NET;
		child->type = (enum pn_type)r;
		return 0;
	default:
		return -ENOTDIR;
	}
}

/* Looks name up in parent, /proc/sys or a directory below it. */
static int lookup_in_sys(const struct procfs_world *w, const struct pnode *parent, const char *name,
			 struct pnode *child)
{
	int r = child_path(child, parent, name);
	if (r < 0)
		return r;
	const char *path = child->path + strlen("sys/");
	const struct pent *e = w->sys_extra ? find_pent(w->sys_extra, w->nsys_extra, path) : NULL;
	if (!e)
		e = find_pent(procfs_sys_entries, procfs_sys_count, path);
	if (!e)
		return -ENOENT;
	child->kind = PN_SYS;
	child->type = e->type;
	child->ent = e;
	return 0;
}

bool procfs_path_listed(const char *const *list, size_t n, const char *path, bool or_below)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]);
		if (len == 0 ? (!path[0] || or_below)
			     : strncmp(path, list[i], len) == 0 &&
				       (path[len] == 0 || (or_below && path[len] == '/')))
			return true;
	}
	return false;
}

/* Gives n its masked and read-only state: masks apply to the node the
 * path names (never to a link: what it leads to is looked up anew). */
static void apply_masks(const struct procfs_world *w, const struct pnode *parent, struct pnode *n)
{
	const struct path_masks *m = w->masks;
	n->readonly = parent && parent->readonly;
	if (!m)
		return;
	if (procfs_path_listed(m->readonly, m->nreadonly, n->path, false))
		n->readonly = true;
	if (n->type != PT_LNK && procfs_path_listed(m->masked, m->nmasked, n->path, false)) {
		n->kind = PN_MASKED;
		n->ent = NULL;
		n->readonly = true;
	}
}

/* A masked path the tree leaves out, shown as runc shows it when the
 * host's procfs has it (/proc/kcore, /proc/keys): parent's child name. */
static int lookup_masked(const struct procfs_world *w, const struct pnode *parent, const char *name,
			 struct pnode *child)
{
	if (!w->masks || !w->host_type || parent->kind == PN_PID || parent->kind == PN_ENTRY ||
	    parent->kind == PN_NET)
		return -ENOENT;
	memset(child, 0, sizeof(*child));
	int r = child_path(child, parent, name);
	if (r < 0)
		return r;
	if (!procfs_path_listed(w->masks->masked, w->masks->nmasked, child->path, false))
		return -ENOENT;
	r = w->host_type(w->arg, child->path);
	if (r != PT_DIR && r != PT_REG)
		return -ENOENT;
	child->kind = PN_MASKED;
	child->type = (enum pn_type)r;
	child->readonly = true;
	return 0;
}

/* Looks name up in the directory parent, the tree's own nodes. */
static int lookup_tree(const struct procfs_world *w, const struct pnode *parent, const char *name,
		       struct pnode *child);

/* Looks name up in the directory parent. */
static int lookup(const struct procfs_world *w, const struct pnode *parent, const char *name,
		  struct pnode *child)
{
	if (parent->kind == PN_MASKED)
		return parent->type == PT_DIR ? -ENOENT : -ENOTDIR;
	int r = lookup_tree(w, parent, name, child);
	/* Not a pid: those are the guest's alone. */
	if (r == -ENOENT && !(parent->kind == PN_ROOT && procfs_name_to_int(name) >= 0))
		return lookup_masked(w, parent, name, child);
	if (r == 0)
		apply_masks(w, parent, child);
	return r;
}

static int lookup_tree(const struct procfs_world *w, const struct pnode *parent, const char *name,
		       struct pnode *child)
{
	const struct pent *e;
	long num;
	int r;
	memset(child, 0, sizeof(*child));
	child->pid = parent->pid;
	child->tid = parent->tid;
	child->ent = parent->ent;
	switch (parent->kind) {
	case PN_ROOT:
		if (procfs_name_to_int(name) >= 0) {
			r = numbered_child(w, parent, name, PT_DIR, &num, child);
			if (r < 0)
				return r;
			child->kind = PN_PID;
			child->type = PT_DIR;
			child->pid = (pid_t)num;
			return 0;
		}
		e = find_pent(procfs_top_entries, procfs_top_count, name);
		if (!e)
			return -ENOENT;
		child->kind = PN_TOP;
		child->type = e->type;
		child->ent = e;
		return child_path(child, parent, name);
	case PN_PID:
		e = find_pent(procfs_pid_entries, procfs_pid_count, name);
		if (!e || !procfs_pent_visible(e, parent))
			return -ENOENT;
		child->kind = PN_ENTRY;
		child->type = e->type;
		child->ent = e;
		return child_path(child, parent, name);
	case PN_ENTRY:
	case PN_NET:
		return lookup_in_entry(w, parent, name, child);
	case PN_SYS:
		return parent->type == PT_DIR ? lookup_in_sys(w, parent, name, child) : -ENOTDIR;
	case PN_TOP:
		if (parent->ent->what == PW_SYS_DIR)
			return lookup_in_sys(w, parent, name, child);
		return -ENOTDIR;
	case PN_FD:
	case PN_FDINFO:
	default:
		return -ENOTDIR;
	}
}

int procfs_link_text(const struct procfs_world *w, const struct pnode *n, char *buf, size_t size)
{
	int len;
	if (n->type != PT_LNK)
		return -EINVAL;
	if (n->kind == PN_FD)
		return w->link_text(w->arg, n, buf, size);
	switch (n->ent->what) {
	case PW_SELF:
		len = snprintf(buf, size, "%d", (int)w->self_tgid);
		break;
	case PW_THREAD_SELF:
		len = snprintf(buf, size, "%d/task/%d", (int)w->self_tgid, (int)w->self_tid);
		break;
	case PW_TEXT_LINK:
		len = snprintf(buf, size, "%s", n->ent->text);
		break;
	case PW_ROOT:
		len = snprintf(buf, size, "/");
		break;
	case PW_EXE:
	case PW_CWD:
		return w->link_text(w->arg, n, buf, size);
	default:
		return -EINVAL;
	}
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : len;
}

/* The state of one walk: the stack of directories from /proc down, and the
 * path still to walk (a followed link's text is put in front of it). */
struct walker {
	const struct procfs_world *w;
	struct pnode *stack; /* PROCFS_MAX_DEPTH nodes; stack[0] is /proc */
	int depth;
	int links;
	char *buf; /* holds the path being walked */
	size_t cap;
	const char *pos; /* what is left of it */
};

/* Joins base and tail into out, runs of slashes made one. */
static int join(char *out, size_t size, const char *base, const char *tail)
{
	bool sep = base[0] && tail[0] && tail[0] != '/';
	int n = snprintf(out, size, "%s%s%s", base, sep ? "/" : "", tail);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	size_t w = 0;
	for (size_t r = 0; out[r]; r++)
		if (out[r] != '/' || w == 0 || out[w - 1] != '/')
			out[w++] = out[r];
	out[w] = 0;
	return 0;
}

/* Makes text followed by tail the path left to walk. */
static int splice(struct walker *wk, const char *text, const char *tail)
{
	char *tmp = malloc(wk->cap);
	if (!tmp)
		return -ENOMEM;
	int r = join(tmp, wk->cap, text, tail);
	if (r == 0) {
		memcpy(wk->buf, tmp, strlen(tmp) + 1);
		wk->pos = wk->buf;
	}
	free(tmp);
	return r;
}

static bool under_proc(const char *text)
{
	return strncmp(text, "/proc", 5) == 0 && (text[5] == 0 || text[5] == '/');
}

/* Follows the link n whose name was just walked; tail is what came after
 * it. Its text is walked from the directory holding it. */
static int follow(struct walker *wk, const struct pnode *n, const char *tail, char *view,
		  size_t view_size)
{
	if (++wk->links > PROCFS_MAX_LINKS)
		return -ELOOP;
	char *text = malloc(wk->cap);
	if (!text)
		return -ENOMEM;
	int r = procfs_link_text(wk->w, n, text, wk->cap);
	if (r < 0)
		goto out;
	r = 0;
	if (under_proc(text)) {
		wk->depth = 1;
		r = splice(wk, text + 5, tail);
	} else if (text[0] == '/') {
		r = join(view, view_size, text, tail);
		if (r == 0)
			r = PROCFS_WALK_VIEW;
	} else if (n->kind == PN_FD) {
		r = -ENOTDIR; /* "pipe:[12]" and the like hold no names */
	} else {
		r = splice(wk, text, tail);
	}
out:
	free(text);
	return r;
}

static bool rest_is_empty(const char *p)
{
	while (*p == '/')
		p++;
	return *p == 0;
}

/* Walks one component of wk->pos. */
static int walk_step(struct walker *wk, bool follow_last, char *view, size_t view_size)
{
	char name[NAME_MAX + 1];
	const char *p = wk->pos;
	while (*p == '/')
		p++;
	const char *tail = strchrnul(p, '/');
	if ((size_t)(tail - p) > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, p, (size_t)(tail - p));
	name[tail - p] = 0;
	bool last = rest_is_empty(tail);
	bool slash = last && *tail == '/';
	struct pnode *top = &wk->stack[wk->depth - 1];
	if (top->type != PT_DIR)
		return -ENOTDIR;
	wk->pos = tail;
	if (strcmp(name, ".") == 0)
		return 0;
	if (strcmp(name, "..") == 0) {
		if (wk->depth > 1) {
			wk->depth--;
			return 0;
		}
		int r = join(view, view_size, "/", tail);
		return r < 0 ? r : PROCFS_WALK_VIEW;
	}
	if (wk->depth >= PROCFS_MAX_DEPTH)
		return -ENAMETOOLONG;
	struct pnode *child = &wk->stack[wk->depth];
	int r = lookup(wk->w, top, name, child);
	if (r < 0)
		return r;
	bool follow_it = !last || follow_last || slash;
	if (child->type != PT_LNK || !follow_it) {
		wk->depth++;
		return 0;
	}
	if (child->kind == PN_FD && last) {
		child->followed = true;
		wk->depth++;
		return 0;
	}
	struct pnode link = *child;
	return follow(wk, &link, tail, view, view_size);
}

int procfs_walk(const struct procfs_world *w, const char *rest, bool follow_last, struct pnode *out,
		char *view, size_t view_size)
{
	struct walker wk = {.w = w, .depth = 1, .cap = 2 * PATH_MAX};
	size_t len = strlen(rest);
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	int r = -ENOMEM;
	wk.stack = calloc(PROCFS_MAX_DEPTH, sizeof(*wk.stack));
	wk.buf = malloc(wk.cap);
	if (!wk.stack || !wk.buf)
		goto out;
	memcpy(wk.buf, rest, len + 1);
	wk.pos = wk.buf;
	wk.stack[0].kind = PN_ROOT;
	wk.stack[0].type = PT_DIR;
	apply_masks(w, NULL, &wk.stack[0]);
	r = 0;
	while (r == 0 && !rest_is_empty(wk.pos))
		r = walk_step(&wk, follow_last, view, view_size);
	if (r != 0)
		goto out;
	*out = wk.stack[wk.depth - 1];
	/* A trailing slash asks for a directory, through any links. */
	if (len > 0 && rest[len - 1] == '/') {
		if (out->kind == PN_FD && out->followed)
			out->must_dir = true;
		else if (out->type != PT_DIR)
			r = -ENOTDIR;
	}
out:
	free(wk.stack);
	free(wk.buf);
	return r;
}
