/* SPDX-License-Identifier: Apache-2.0 */
/* The text of the files the sentry's /proc synthesizes, and of what it
 * reads back: the mount table and its mounts/mountinfo rendering, the
 * loadavg rewrite, fd link texts as the guest should see them, and the ids
 * of a status file. Pure (no system calls), like procfs_path.c, so unit
 * tests drive it directly; see sentry/procfs.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "common/util.h"
#include "sentry/procfs.h"

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
		{6, 1, 0, 8, "/", "/sys", "ro,nosuid,nodev,noexec,relatime", "sysfs", "sysfs",
		 "rw"},
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

static bool parse_mount_row(char *line, struct procfs_mount *m)
{
	char *f[6], *save = NULL, *tok, *end;
	for (int i = 0; i < 6; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return false;
	while ((tok = strtok_r(NULL, " ", &save)) && strcmp(tok, "-") != 0)
		; /* optional fields */
	char *fstype = strtok_r(NULL, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	char *super = strtok_r(NULL, " ", &save);
	if (!tok || !fstype || !source || !super)
		return false;
	long id = strtol(f[0], &end, 10);
	if (*end || id <= 0 || id > INT32_MAX)
		return false;
	long parent = strtol(f[1], &end, 10);
	if (*end || parent < 0 || parent > INT32_MAX)
		return false;
	if (sscanf(f[2], "%u:%u", &m->major, &m->minor) != 2)
		return false;
	char *fields[] = {f[3], f[4], fstype, source};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		unescape_octal(fields[i]);
	m->id = (int)id;
	m->parent_id = (int)parent;
	m->root = f[3];
	m->mountpoint = f[4];
	m->mount_opts = f[5];
	m->fstype = fstype;
	m->source = source;
	m->super_opts = super;
	return true;
}

size_t procfs_parse_mountinfo(char *text, struct procfs_mount *out, size_t max)
{
	size_t n = 0;
	for (char *line = text, *next; line && *line && n < max; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (parse_mount_row(line, &out[n]))
			n++;
	}
	return n;
}

/* The row on top at path (the last one mounted there), or -1. */
static ssize_t top_row(const struct procfs_mount *m, size_t n, const char *path)
{
	for (size_t i = n; i-- > 0;)
		if (strcmp(m[i].mountpoint, path) == 0)
			return (ssize_t)i;
	return -1;
}

/* A row of a file system whose source is its type (proc, tmpfs). */
static void set_row(struct procfs_mount *r, dev_t dev, const char *root, const char *opts,
		    const char *fstype, const char *super)
{
	r->major = major(dev);
	r->minor = minor(dev);
	r->root = root;
	r->mount_opts = opts;
	r->fstype = fstype;
	r->source = fstype;
	r->super_opts = super;
}

size_t procfs_add_proc_mounts(struct procfs_mount *m, size_t n, size_t max, dev_t proc_dev,
			      dev_t masked_dev, struct procfs_cover_row *covers, size_t ncovers)
{
	ssize_t proc = top_row(m, n, "/proc");
	if (proc < 0)
		return n;
	set_row(&m[proc], proc_dev, "/", "rw,nosuid,nodev,noexec,relatime", "proc", "rw");
	ssize_t null_row = top_row(m, n, "/dev/null");
	int next_id = 0;
	for (size_t i = 0; i < n; i++)
		if (m[i].id > next_id)
			next_id = m[i].id;
	for (size_t i = 0; i < ncovers && n < max; i++) {
		struct procfs_cover_row *c = &covers[i];
		struct procfs_mount *r = &m[n];
		snprintf(c->mountpoint, sizeof(c->mountpoint), "/proc/%s", c->rel);
		snprintf(c->root, sizeof(c->root), "/%s", c->rel);
		*r = (struct procfs_mount){
			.id = ++next_id,
			.parent_id = m[proc].id,
			.major = m[proc].major,
			.minor = m[proc].minor,
			.root = c->root,
			.mountpoint = c->mountpoint,
			.mount_opts = "ro,nosuid,nodev,noexec,relatime",
			.fstype = "proc",
			.source = "proc",
			.super_opts = "rw",
		};
		/* A cover below another one hangs from it. */
		for (size_t j = n; j-- > (size_t)proc + 1;) {
			size_t len = strlen(m[j].mountpoint);
			if (strncmp(c->mountpoint, m[j].mountpoint, len) == 0 &&
			    (c->mountpoint[len] == '/' || c->mountpoint[len] == '\0')) {
				r->parent_id = m[j].id;
				break;
			}
		}
		if (c->what == PROCFS_COVER_MASKED_DIR) {
			set_row(r, masked_dev, "/", "ro,relatime", "tmpfs", "ro");
		} else if (c->what == PROCFS_COVER_MASKED_FILE) {
			r->mount_opts = "ro,relatime";
			if (null_row >= 0) {
				const struct procfs_mount *d = &m[null_row];
				r->major = d->major;
				r->minor = d->minor;
				r->root = d->root;
				r->fstype = d->fstype;
				r->source = d->source;
				r->super_opts = d->super_opts;
			} else {
				r->major = r->minor = 0;
				r->root = "/null";
				r->fstype = "devtmpfs";
				r->source = "devtmpfs";
			}
		}
		n++;
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

ssize_t procfs_rewrite_cgroup(const char *in, char **out)
{
	/* Each line out is its ID:CONTROLLERS: and "/\n": at most twice
	 * the line it comes from with its newline. */
	size_t cap = 2 * strlen(in) + 8, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (const char *line = in; *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *c1 = memchr(line, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line)) : NULL;
		if (c2 && (size_t)(c2 + 1 - line) + 3 <= cap - len) {
			memcpy(buf + len, line, (size_t)(c2 + 1 - line));
			len += (size_t)(c2 + 1 - line);
			buf[len++] = '/';
			buf[len++] = '\n';
		}
		line += n + (end ? 1 : 0);
	}
	if (len == 0)
		len = (size_t)snprintf(buf, cap, "0::/\n");
	buf[len] = 0;
	*out = buf;
	return (ssize_t)len;
}

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

/* One line of meminfo with a new value, as Linux prints it. */
static bool meminfo_line(char **buf, size_t *len, size_t *cap, const char *line, size_t n,
			 const uint64_t *value)
{
	char tmp[128];
	if (value) {
		size_t klen = (size_t)(strchr(line, ':') - line) + 1;
		int k = snprintf(tmp, sizeof(tmp), "%-16.*s%8llu kB\n", (int)klen, line,
				 (unsigned long long)(*value >> 10));
		line = tmp;
		n = k > 0 ? (size_t)k : 0;
	}
	if (*len + n + 1 > *cap) {
		char *grown = realloc(*buf, (*len + n + 1) * 2);
		if (!grown)
			return false;
		*buf = grown;
		*cap = (*len + n + 1) * 2;
	}
	memcpy(*buf + *len, line, n);
	*len += n;
	(*buf)[*len] = 0;
	return true;
}

ssize_t procfs_rewrite_meminfo(const char *in, uint64_t limit, uint64_t usage, uint64_t cache,
			       uint64_t inactive_file, char **out)
{
	if (usage > limit)
		usage = limit;
	uint64_t free_b = limit - usage;
	uint64_t avail = free_b + (inactive_file < usage ? inactive_file : usage);
	uint64_t zero = 0;
	cache = cache < usage ? cache : usage;
	const struct {
		const char *key;
		const uint64_t *value;
	} keys[] = {
		{"MemTotal:", &limit}, {"MemFree:", &free_b}, {"MemAvailable:", &avail},
		{"Buffers:", &zero},   {"Cached:", &cache},   {"SwapCached:", &zero},
		{"SwapTotal:", &zero}, {"SwapFree:", &zero},  {"SReclaimable:", &zero},
	};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (const char *line = in; *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
		const uint64_t *value = NULL;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !value; i++)
			if (strncmp(line, keys[i].key, strlen(keys[i].key)) == 0)
				value = keys[i].value;
		/* The host's shared memory, no more than the guest's use. */
		unsigned long long shmem_kb;
		if (!value && sscanf(line, "Shmem: %llu kB", &shmem_kb) == 1 &&
		    shmem_kb << 10 > usage)
			value = &usage;
		if (!meminfo_line(&buf, &len, &cap, line, n, value)) {
			free(buf);
			return -ENOMEM;
		}
		line += n;
	}
	if (!buf)
		return -EINVAL;
	*out = buf;
	return (ssize_t)len;
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
