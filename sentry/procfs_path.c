/* SPDX-License-Identifier: Apache-2.0 */
/* The pure half of the sentry's /proc: the tree's tables, the path walk and
 * the text of synthesized files. No system calls; see sentry/procfs.h. */
#include "sentry/procfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* Sorted by name, as a listing shows them. */
const struct pent procfs_top_entries[] = {
	{"cmdline", PT_REG, PW_CMDLINE, 0, NULL},
	{"cpuinfo", PT_REG, PW_HOST, 0, NULL},
	{"filesystems", PT_REG, PW_HOST, 0, NULL},
	{"loadavg", PT_REG, PW_LOADAVG, 0, NULL},
	{"meminfo", PT_REG, PW_HOST, 0, NULL},
	{"mounts", PT_LNK, PW_TEXT_LINK, 0, "self/mounts"},
	{"net", PT_LNK, PW_TEXT_LINK, 0, "self/net"},
	{"self", PT_LNK, PW_SELF, 0, NULL},
	{"stat", PT_REG, PW_HOST, 0, NULL},
	{"swaps", PT_REG, PW_SWAPS, 0, NULL},
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

/* Looks name up in the directory parent. */
static int lookup(const struct procfs_world *w, const struct pnode *parent, const char *name,
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
	case PN_TOP:
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

/* ---- the mount table ---- */

size_t procfs_default_mounts(struct procfs_mount *out, size_t max, dev_t root_dev, dev_t proc_dev)
{
	const struct procfs_mount tab[] = {
		{1, 0, 0, 0, "/", "/", "rw,relatime", "overlay", "overlay", "rw"},
		{2, 1, 0, 0, "/", "/proc", "rw,nosuid,nodev,noexec,relatime", "proc", "proc", "rw"},
		{3, 1, 0, 5, "/", "/dev", "rw,nosuid", "tmpfs", "tmpfs", "rw,size=65536k,mode=755"},
		{4, 3, 0, 6, "/", "/dev/pts", "rw,nosuid,noexec,relatime", "devpts", "devpts",
		 "rw,gid=5,mode=620,ptmxmode=666"},
		{5, 3, 0, 7, "/", "/dev/shm", "rw,nosuid,nodev,noexec,relatime", "tmpfs", "shm",
		 "rw,size=65536k"},
		{6, 1, 0, 8, "/", "/sys", "ro,nosuid,nodev,noexec,relatime", "tmpfs", "tmpfs",
		 "ro"},
		{7, 1, 0, 9, "/", "/root", "rw,nosuid,nodev,relatime", "tmpfs", "tmpfs",
		 "rw,mode=700"},
		{8, 1, 0, 10, "/", "/home", "rw,nosuid,nodev,relatime", "tmpfs", "tmpfs",
		 "rw,mode=755"},
		{9, 1, 0, 11, "/", "/run", "rw,nosuid,nodev,relatime", "tmpfs", "tmpfs",
		 "rw,mode=755"},
	};
	size_t n = sizeof(tab) / sizeof(tab[0]);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = tab[i];
	if (n > 0) {
		out[0].major = major(root_dev);
		out[0].minor = minor(root_dev);
	}
	if (n > 1) {
		out[1].major = major(proc_dev);
		out[1].minor = minor(proc_dev);
	}
	return n;
}

/* Appends to a bounded buffer, counting what would not fit. */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void sb_putc(struct sbuf *b, char ch)
{
	if (b->len + 1 < b->size)
		b->buf[b->len] = ch;
	b->len++;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

/* Linux's mangle(): space, tab, newline and backslash as octal escapes. */
static void sb_put_escaped(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
			char esc[5];
			snprintf(esc, sizeof(esc), "\\%03o", (unsigned char)*s);
			sb_puts(b, esc);
		} else {
			sb_putc(b, *s);
		}
	}
}

static void sb_put_uint(struct sbuf *b, unsigned long v)
{
	char num[24];
	snprintf(num, sizeof(num), "%lu", v);
	sb_puts(b, num);
}

/* The super block options without their leading rw/ro, which /proc/mounts
 * shows once, from the mount options. */
static const char *super_opts_tail(const char *opts)
{
	if (strncmp(opts, "rw", 2) == 0 || strncmp(opts, "ro", 2) == 0) {
		if (opts[2] == ',')
			return opts + 3;
		if (opts[2] == 0)
			return opts + 2;
	}
	return opts;
}

size_t procfs_render_mounts(const struct procfs_mount *m, size_t n, bool mountinfo, char *buf,
			    size_t size)
{
	struct sbuf b = {.buf = buf, .size = size};
	for (size_t i = 0; i < n; i++) {
		if (mountinfo) {
			sb_put_uint(&b, (unsigned long)m[i].id);
			sb_putc(&b, ' ');
			sb_put_uint(&b, (unsigned long)m[i].parent_id);
			sb_putc(&b, ' ');
			sb_put_uint(&b, m[i].major);
			sb_putc(&b, ':');
			sb_put_uint(&b, m[i].minor);
			sb_putc(&b, ' ');
			sb_put_escaped(&b, m[i].root);
			sb_putc(&b, ' ');
			sb_put_escaped(&b, m[i].mountpoint);
			sb_putc(&b, ' ');
			sb_puts(&b, m[i].mount_opts);
			sb_puts(&b, " - ");
			sb_put_escaped(&b, m[i].fstype);
			sb_putc(&b, ' ');
			sb_put_escaped(&b, m[i].source);
			sb_putc(&b, ' ');
			sb_puts(&b, m[i].super_opts);
			sb_putc(&b, '\n');
		} else {
			sb_put_escaped(&b, m[i].source);
			sb_putc(&b, ' ');
			sb_put_escaped(&b, m[i].mountpoint);
			sb_putc(&b, ' ');
			sb_put_escaped(&b, m[i].fstype);
			sb_putc(&b, ' ');
			sb_puts(&b, m[i].mount_opts);
			const char *extra = super_opts_tail(m[i].super_opts);
			if (*extra) {
				sb_putc(&b, ',');
				sb_puts(&b, extra);
			}
			sb_puts(&b, " 0 0\n");
		}
	}
	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = 0;
	return b.len;
}

/* ---- small rewrites ---- */

int procfs_rewrite_loadavg(const char *in, int running, int threads, pid_t last_pid, char *out,
			   size_t size)
{
	char l1[32], l5[32], l15[32];
	if (sscanf(in, "%31s %31s %31s", l1, l5, l15) != 3)
		return -EINVAL;
	int n = snprintf(out, size, "%s %s %s %d/%d %d\n", l1, l5, l15, running, threads,
			 (int)last_pid);
	return n < 0 ? -EINVAL : n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int procfs_fix_fd_link(char *text, size_t size, enum fd_origin origin)
{
	static const char deleted[] = " (deleted)";
	static const char memfd[] = "/memfd:" PROCFS_MEMFD_PREFIX;
	size_t len = strlen(text);
	switch (origin) {
	case FD_MIRROR: {
		/* "/" is /proc itself; "/12/fd" is below it. */
		size_t skip = strcmp(text, "/") == 0 || strncmp(text, "/ (", 3) == 0 ? 1 : 0;
		if (len + 5 - skip >= size)
			return -ENAMETOOLONG;
		memmove(text + 5, text + skip, len - skip + 1);
		memcpy(text, "/proc", 5);
		return (int)(len + 5 - skip);
	}
	case FD_MEMFD:
		if (strncmp(text, memfd, sizeof(memfd) - 1) != 0 || !ends_with(text, deleted))
			return (int)len;
		len -= sizeof(memfd) - 1 + sizeof(deleted) - 1;
		memmove(text, text + sizeof(memfd) - 1, len);
		text[len] = 0;
		return (int)len;
	case FD_OTHER:
	default:
		return (int)len;
	}
}

static int parse_four(const char *p, unsigned long v[4])
{
	char *end;
	for (int i = 0; i < 4; i++) {
		v[i] = strtoul(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	return 0;
}

int procfs_parse_status(const char *status, struct procfs_ids *ids)
{
	bool have_uid = false, have_gid = false;
	memset(ids, 0, sizeof(*ids));
	for (const char *line = status; line && *line;) {
		unsigned long v[4];
		if (strncmp(line, "Tgid:", 5) == 0) {
			ids->tgid = (pid_t)strtol(line + 5, NULL, 10);
		} else if (strncmp(line, "Uid:", 4) == 0 && parse_four(line + 4, v) == 0) {
			for (int i = 0; i < 4; i++)
				ids->uid[i] = (uid_t)v[i];
			have_uid = true;
		} else if (strncmp(line, "Gid:", 4) == 0 && parse_four(line + 4, v) == 0) {
			for (int i = 0; i < 4; i++)
				ids->gid[i] = (gid_t)v[i];
			have_gid = true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return have_uid && have_gid ? 0 : -EINVAL;
}
