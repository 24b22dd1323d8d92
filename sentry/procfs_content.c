/* SPDX-License-Identifier: Apache-2.0 */
/* The text of the files of the sentry's /proc, produced at open: the
 * host's or the guest's procfs file as is, or synthesized (version,
 * cmdline, swaps, loadavg with the guest's threads, cgroup, the mount
 * table), then sealed into a memfd that the guest reads natively. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

static int count_task(struct task *t, void *arg)
{
	int *v = arg; /* [threads, last vtid] */
	v[0]++;
	if (t->vtid > v[1])
		v[1] = t->vtid;
	return 0;
}

int procfs_task_count(struct sentry *s, pid_t *last_vtid)
{
	int v[2] = {0, 0};
	task_vids_all(s);
	task_foreach(s, count_task, v);
	if (last_vtid)
		*last_vtid = v[1];
	return v[0] > 0 ? v[0] : 1;
}

static ssize_t loadavg_content(struct pctx *pc, char **out)
{
	_cleanup_free_ char *host = NULL;
	ssize_t n = read_file_at(pc->s->host_procfd, "loadavg", &host);
	if (n < 0)
		return n;
	pid_t last = 0;
	int threads = procfs_task_count(pc->s, &last);
	char buf[128];
	int len = procfs_rewrite_loadavg(host, 1, threads, last, buf, sizeof(buf));
	if (len < 0)
		return len;
	*out = xstrdup(buf);
	return len;
}

ssize_t procfs_meminfo(struct sentry *s, char **out)
{
	_cleanup_free_ char *host = NULL;
	ssize_t n = read_file_at(s->host_procfd, "meminfo", &host);
	const struct sentry_hooks *h = s->hooks;
	struct sentry_memory m;
	if (n < 0 || !h->memory_read || h->memory_read(h->arg, &m) < 0 || m.limit == UINT64_MAX) {
		*out = host;
		host = NULL;
		return n;
	}
	unsigned long long host_kb = 0;
	if (sscanf(host, "MemTotal: %llu kB", &host_kb) == 1 && m.limit >> 10 >= host_kb) {
		*out = host;
		host = NULL;
		return n;
	}
	return procfs_rewrite_meminfo(host, m.limit, m.usage, m.cache, m.inactive_file, out);
}

/* The gofer's table of the view (GOP_MOUNTS), read once: a copy the caller
 * frees, or NULL when the gofer has none. */
static char *view_mounts(struct pctx *pc)
{
	struct procfs_state *ps = pc->ps;
	pthread_mutex_lock(&ps->mounts_lock);
	if (!ps->mounts_fetched) {
		struct gofer_req req = {.op = GOP_MOUNTS};
		struct gofer_resp resp;
		int fd = -1;
		int r = gofer_call(pc->s, &req, NULL, 0, &resp, &fd);
		struct stat st;
		if (r == 0 && fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= 0) {
			char *text = xmalloc((size_t)st.st_size + 1);
			ssize_t got = pread(fd, text, (size_t)st.st_size, 0);
			if (got == st.st_size) {
				text[got] = '\0';
				ps->view_mounts = text;
			} else {
				free(text);
			}
		}
		if (fd >= 0)
			close(fd);
		/* A failed call (the fd table full) is tried again next time. */
		ps->mounts_fetched = r != -ENOMEM;
	}
	char *copy = ps->view_mounts ? xstrdup(ps->view_mounts) : NULL;
	pthread_mutex_unlock(&ps->mounts_lock);
	return copy;
}

/* The config's read-only and masked paths of /proc that the guest's /proc
 * has, as covers of it, in the order they were applied. */
static size_t proc_covers(struct pctx *pc, struct procfs_cover_row *out, size_t max)
{
	const struct path_masks *pm = &pc->ps->masks;
	size_t n = 0;
	for (size_t k = 0; k < pm->nreadonly + pm->nmasked && n < max; k++) {
		bool ro = k < pm->nreadonly;
		const char *rel = ro ? pm->readonly[k] : pm->masked[k - pm->nreadonly];
		struct pnode node;
		char view[8];
		if (!*rel || procfs_walk(&pc->w, rel, false, &node, view, sizeof(view)) != 0)
			continue;
		if (node.type == PT_LNK)
			continue;
		out[n].rel = rel;
		out[n].what = ro		    ? PROCFS_COVER_READONLY
			      : node.type == PT_DIR ? PROCFS_COVER_MASKED_DIR
						    : PROCFS_COVER_MASKED_FILE;
		n++;
	}
	return n;
}

static ssize_t mounts_content(struct pctx *pc, bool mountinfo, char **out)
{
	struct stat st;
	dev_t root_dev = makedev(0, 30);
	if (pc->s->root_fd >= 0 && fstat(pc->s->root_fd, &st) == 0)
		root_dev = st.st_dev;
	_cleanup_free_ char *text = view_mounts(pc);
	size_t rows = 16;
	for (const char *p = text; p && *p; p++)
		rows += *p == '\n';
	const struct path_masks *pm = &pc->ps->masks;
	size_t ncovers = pm->nreadonly + pm->nmasked;
	rows += ncovers;
	_cleanup_free_ struct procfs_mount *m = xcalloc(rows, sizeof(*m));
	_cleanup_free_ struct procfs_cover_row *covers = xcalloc(ncovers + 1, sizeof(*covers));
	size_t n;
	if (text) {
		n = procfs_parse_mountinfo(text, m, rows);
		ncovers = proc_covers(pc, covers, ncovers);
		n = procfs_add_proc_mounts(m, n, rows, pc->ps->mirror_dev, pc->ps->mirror_dev,
					   covers, ncovers);
	} else {
		n = procfs_default_mounts(m, rows, root_dev, pc->ps->mirror_dev);
	}
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
	case PW_MEMINFO:
		return procfs_meminfo(pc->s, out);
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

static ssize_t sys_content(struct pctx *pc, const struct pnode *n, char **out)
{
	switch (n->ent->what) {
	case PW_HOST:
		return read_file_at(pc->s->host_procfd, n->path, out);
	case PW_SYS_HOSTNAME:
		return xasprintf(out, "%s\n", pc->s->hostname);
	case PW_SYS_DOMAINNAME:
		return xasprintf(out, "%s\n", pc->s->domainname);
	case PW_SYS_SET:
		return xasprintf(out, "%s", n->ent->text);
	case PW_SYS_OSRELEASE:
		return xasprintf(out, "%s\n", RUNSC_UNAME_RELEASE);
	case PW_SYS_OSTYPE:
		return xasprintf(out, "Linux\n");
	case PW_SYS_CORE_PATTERN:
		return xasprintf(out, "core\n");
	default:
		return -EINVAL;
	}
}

/* The guest's init is a fork of runsc-c, never exec'd in the sandbox: the
 * lines of its maps and smaps for runsc-c's program (the sentry's own)
 * would name the program's host path. They show as an anonymous
 * mapping's, without device, inode or name. Returns the text's length. */
static ssize_t maps_hide_host(struct pctx *pc, char *text, ssize_t len)
{
	static char exe[PATH_MAX + 2] = ""; /* " " and the path */
	if (!exe[0]) {
		ssize_t n = readlinkat(pc->s->host_procfd, "self/exe", exe + 1, PATH_MAX);
		if (n <= 0)
			return len;
		exe[0] = ' ';
		exe[n + 1] = 0;
	}
	size_t exe_len = strlen(exe);
	char *w = text;
	for (char *line = text; line < text + len;) {
		char *end = memchr(line, '\n', (size_t)(text + len - line));
		size_t line_len = end ? (size_t)(end - line) + 1 : (size_t)(text + len - line);
		char *name = memmem(line, line_len, exe, exe_len);
		unsigned long long start, stop;
		char perms[8];
		if (name && sscanf(line, "%llx-%llx %7s", &start, &stop, perms) == 3) {
			/* At most as long as the line it replaces. */
			int n = snprintf(w, line_len + 1, "%llx-%llx %s 00000000 00:00 0 \n", start,
					 stop, perms);
			w += n > 0 && (size_t)n <= line_len ? (size_t)n : 0;
		} else {
			memmove(w, line, line_len);
			w += line_len;
		}
		line += line_len;
	}
	return w - text;
}

ssize_t procfs_node_content(struct pctx *pc, const struct pnode *n, char **out)
{
	ssize_t r;
	switch (n->kind) {
	case PN_TOP:
		return top_content(pc, n->ent, out);
	case PN_SYS:
		return sys_content(pc, n, out);
	case PN_FDINFO:
	case PN_NET:
		r = read_file_at(pc->s->guest_procfd, n->path, out);
		return r < 0 ? procfs_gone((int)-r) : r;
	case PN_ENTRY:
		switch (n->ent->what) {
		case PW_GUEST:
			r = read_file_at(pc->s->guest_procfd, n->path, out);
			if (r > 0 && (strcmp(n->ent->name, "maps") == 0 ||
				      strcmp(n->ent->name, "smaps") == 0))
				r = maps_hide_host(pc, *out, r);
			return r < 0 ? procfs_gone((int)-r) : r;
		case PW_CGROUP: {
			/* The hierarchies are the host's; the sentry's own
			 * lines name them. */
			_cleanup_free_ char *host = NULL;
			if (read_file_at(pc->s->host_procfd, "self/cgroup", &host) < 0)
				return xasprintf(out, "0::/\n");
			return procfs_rewrite_cgroup(host, out);
		}
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

int procfs_new_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd < 0 ? -errno : fd;
}

int procfs_node_memfd(const struct pnode *n)
{
	char name[250];
	int nl = snprintf(name, sizeof(name), PROCFS_MEMFD_PREFIX "/proc/%s", n->path);
	if (nl < 0 || (size_t)nl >= sizeof(name))
		snprintf(name, sizeof(name), "runsc-proc-file");
	return procfs_new_memfd(name);
}

int procfs_seal_reopen(struct pctx *pc, int fd, mode_t mode, int flags)
{
	(void)!fchmod(fd, mode);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return procfs_magic_reopen(pc->s, fd, O_RDONLY | (flags & O_NONBLOCK));
}

/* Puts content into a sealed memfd and returns a read-only fd of it. */
int procfs_seal_content(struct pctx *pc, const struct pnode *n, const char *data, size_t len,
			int flags)
{
	_cleanup_close_ int fd = procfs_node_memfd(n);
	if (fd < 0)
		return fd;
	int r = write_all(fd, data, len);
	if (r < 0)
		return r;
	return procfs_seal_reopen(pc, fd, 0444, flags);
}

int procfs_probe_memfd_dev(struct procfs_state *ps)
{
	_cleanup_close_ int fd = procfs_new_memfd("runsc-probe");
	struct stat st;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	ps->memfd_dev = st.st_dev;
	return 0;
}
