/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's cgroups over v1, v2 and the hybrid layout (sandbox/cgroup.h).
 * Files are written relative to directory fds, one short write each, as the
 * kernel expects for cgroup control files. */
#include "sandbox/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/cgroup_impl.h"

static const char *const controller_names[CG_NCONTROLLERS] = {
	[CG_MEMORY] = "memory",	  [CG_PIDS] = "pids",	    [CG_CPU] = "cpu",
	[CG_CPUACCT] = "cpuacct", [CG_CPUSET] = "cpuset",   [CG_BLKIO] = "blkio",
	[CG_HUGETLB] = "hugetlb", [CG_NET_CLS] = "net_cls", [CG_NET_PRIO] = "net_prio",
	[CG_FREEZER] = "freezer",
};
/* Their names on v2 (NULL: none there); cpuacct's numbers come from
 * cpu.stat. */
static const char *const v2_names[CG_NCONTROLLERS] = {
	[CG_MEMORY] = "memory",	  [CG_PIDS] = "pids",	    [CG_CPU] = "cpu",
	[CG_CPUACCT] = "cpu",	  [CG_CPUSET] = "cpuset",   [CG_BLKIO] = "io",
	[CG_HUGETLB] = "hugetlb", [CG_FREEZER] = "freezer",
};
static const char *const part_names[] = {[CG_PART_KERNEL] = "kernel", [CG_PART_GUEST] = "guest"};

const char *cg_layout_name(enum cg_layout layout)
{
	switch (layout) {
	case CG_LAYOUT_V1:
		return "v1";
	case CG_LAYOUT_V2:
		return "v2";
	case CG_LAYOUT_HYBRID:
		return "hybrid (v1 controllers and a cgroup2 mount)";
	case CG_LAYOUT_NONE:
		break;
	default:
		break;
	}
	return "none";
}

/* snprintf that reports truncation: paths here are built from a mount
 * point and short names, so a truncated one is an error, never a guess. */
__attribute__((format(printf, 3, 4))) static bool path_fmt(char *buf, size_t size, const char *fmt,
							   ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}

/* A sandbox id that is one plain directory name. */
static bool id_names_cgroup(const char *id)
{
	return id[0] && id[0] != '.' && strlen(id) <= 128 && !strchr(id, '/');
}

/* cg_path_normal's work; out holds what was made of path so far. */
static int path_normal(const char *path, char *out, size_t size, const char **why)
{
	size_t n = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (!len)
			break;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
			*why = "a '.' or '..' component is not allowed (the path must stay inside "
			       "each hierarchy)";
			return -EINVAL;
		}
		if (memchr(p, '\n', len)) {
			*why = "a cgroup name cannot hold a newline";
			return -EINVAL;
		}
		if (len > NAME_MAX) {
			*why = "a component is longer than 255 bytes";
			return -EINVAL;
		}
		if (n + 1 + len >= size || n + 1 + len > CG_PATH_MAX) {
			*why = "longer than 512 bytes";
			return -EINVAL;
		}
		out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	out[n] = '\0';
	if (n == 0) {
		*why = "names the root cgroup";
		return -EINVAL;
	}
	size_t base = strlen(CG_BASE);
	if (strncmp(out + 1, CG_BASE, base) == 0 && (out[1 + base] == '/' || !out[1 + base])) {
		*why = "/" CG_BASE " holds the cgroups of sandboxes without a path";
		return -EINVAL;
	}
	return 0;
}

int cg_path_normal(const char *path, char *out, size_t size, const char **why)
{
	int r = size ? path_normal(path, out, size, why) : -EINVAL;
	/* Never a part of a refused path: a caller that goes on would name
	 * another cgroup. */
	if (r < 0 && size)
		out[0] = '\0';
	if (!size)
		*why = "no room";
	return r;
}

/* The sandbox cgroup's path below each hierarchy's root, without the
 * leading '/': CG_BASE/<id>, or path made normal. */
static int sandbox_rel(const char *id, const char *path, char *rel, size_t size,
		       struct rc_error *err)
{
	if (!path) {
		if (!id_names_cgroup(id))
			return rc_error_set(err, EINVAL, "sandbox id '%s' cannot name a cgroup",
					    id);
		path_fmt(rel, size, "%s/%s", CG_BASE, id);
		return 0;
	}
	char normal[CG_PATH_MAX + 1];
	const char *why = NULL;
	if (cg_path_normal(path, normal, sizeof(normal), &why) < 0)
		return rc_error_set(err, EINVAL, "cgroup path '%s': %s", path, why);
	path_fmt(rel, size, "%s", normal + 1);
	return 0;
}

static bool file_exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	path_fmt(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* Does a cgroup2 directory whose cgroup.controllers reads list offer this
 * controller? The freezer is no controller there: every cgroup but the
 * root has cgroup.freeze. */
static bool v2_offers(const char *list, const char *controller)
{
	if (strcmp(controller, "freezer") == 0)
		return true;
	size_t n = strlen(controller);
	for (const char *w = list; (w = strstr(w, controller)); w += n)
		if ((w == list || w[-1] == ' ') && (w[n] == ' ' || w[n] == '\n' || !w[n]))
			return true;
	return false;
}

/* dir's cgroup.controllers (read once: a pure v2 host asks it for every
 * controller), or NULL where dir is no cgroup2 directory. */
static char *v2_controllers(const char *dir)
{
	char p[PATH_MAX];
	char *list = NULL;
	path_fmt(p, sizeof(p), "%s/cgroup.controllers", dir);
	if (read_file_at(AT_FDCWD, p, &list) < 0) {
		free(list);
		return NULL;
	}
	return list;
}

int cg_host_detect(const char *root, struct cg_host *host, struct rc_error *err)
{
	memset(host, 0, sizeof(*host));
	/* Every path below is the root, a controller's name and a sandbox id:
	 * with this margin none can be cut short. */
	if (!path_fmt(host->root, sizeof(host->root) - 256, "%s", root ? root : "/sys/fs/cgroup"))
		return rc_error_set(err, ENAMETOOLONG, "cgroup root %s: path too long", root);
	_cleanup_free_ char *root_list = v2_controllers(host->root);
	bool pure_v2 = root_list != NULL;
	char unified[PATH_MAX];
	path_fmt(unified, sizeof(unified), "%s/unified", host->root);
	_cleanup_free_ char *unified_list = pure_v2 ? NULL : v2_controllers(unified);
	bool has_unified = unified_list != NULL;
	bool any_v1 = false, found = false;

	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		const char *name = controller_names[c];
		char v1[PATH_MAX];
		path_fmt(v1, sizeof(v1), "%s/%s", host->root, name);
		const char *v2name = v2_names[c];
		if (pure_v2 && v2name && v2_offers(root_list, v2name)) {
			host->version[c] = CG_V2;
			path_fmt(host->mount[c], sizeof(host->mount[c]), "%s", host->root);
		} else if (!pure_v2 && file_exists(v1, "cgroup.procs")) {
			host->version[c] = CG_V1;
			any_v1 = true;
			/* A controller's folder is a symlink where it shares a
			 * hierarchy (cpu -> cpu,cpuacct): only then is it resolved. */
			char real[PATH_MAX], link[8];
			if (readlink(v1, link, sizeof(link)) >= 0 && realpath(v1, real) &&
			    strlen(real) < sizeof(host->mount[c]) - 256)
				path_fmt(host->mount[c], sizeof(host->mount[c]), "%s", real);
			else
				path_fmt(host->mount[c], sizeof(host->mount[c]), "%s", v1);
		} else if (has_unified && v2name && v2_offers(unified_list, v2name)) {
			host->version[c] = CG_V2;
			path_fmt(host->mount[c], sizeof(host->mount[c]), "%s", unified);
		} else {
			continue;
		}
		found = true;
	}
	if (pure_v2)
		host->layout = CG_LAYOUT_V2;
	else if (any_v1 && has_unified)
		host->layout = CG_LAYOUT_HYBRID;
	else if (any_v1)
		host->layout = CG_LAYOUT_V1;
	else if (has_unified)
		host->layout = CG_LAYOUT_V2;
	if (!found)
		return rc_error_set(err, ENOENT,
				    "no cgroup hierarchy under %s holds the memory, pids or cpu "
				    "controller",
				    host->root);
	return 0;
}

int cg_write_at(int dirfd, const char *name, const char *value)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, value, strlen(value));
	int r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

int cg_write_u64_at(int dirfd, const char *name, uint64_t v)
{
	char buf[32];
	path_fmt(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return cg_write_at(dirfd, name, buf);
}

bool cg_read_key(int dirfd, const char *file, const char *key, uint64_t *out)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dirfd, file, &text) < 0)
		return false;
	size_t klen = strlen(key);
	for (char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*out = strtoull(line + klen + 1, NULL, 10);
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

bool cg_read_u64(int dirfd, const char *file, uint64_t *out)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dirfd, file, &text) < 0)
		return false;
	if (strncmp(text, "max", 3) == 0) {
		*out = UINT64_MAX;
		return true;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text)
		return false;
	*out = v;
	return true;
}

static int open_dir(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* v2: a controller is usable in a child only once every ancestor lists it
 * in cgroup.subtree_control. */
static int v2_enable(int dirfd, unsigned controllers)
{
	char buf[96] = "";
	if (controllers & (1u << CG_MEMORY))
		strcat(buf, "+memory ");
	if (controllers & (1u << CG_PIDS))
		strcat(buf, "+pids ");
	if (controllers & ((1u << CG_CPU) | (1u << CG_CPUACCT)))
		strcat(buf, "+cpu ");
	if (controllers & (1u << CG_CPUSET))
		strcat(buf, "+cpuset ");
	if (controllers & (1u << CG_BLKIO))
		strcat(buf, "+io ");
	if (controllers & (1u << CG_HUGETLB))
		strcat(buf, "+hugetlb ");
	return buf[0] ? cg_write_at(dirfd, "cgroup.subtree_control", buf) : 0;
}

/* The limits in one hierarchy; v1 and v2 differ only in file names and in
 * how cpu's quota is written (memory's: cgroup_memory.c, the rest:
 * cgroup_resources.c). *file names the file that failed, when known. */
static int apply_limits(int id_fd, int guest_fd, enum cg_version version, unsigned controllers,
			const struct cg_limits *l, bool swap, const char **file)
{
	bool v2 = version == CG_V2;
	int r = cg_resources_apply(id_fd, guest_fd, version, controllers, l, file);
	if (r)
		return r;
	if ((controllers & (1u << CG_MEMORY)) &&
	    (r = cg_memory_apply(id_fd, guest_fd, version, l, swap)))
		return r;
	if ((controllers & (1u << CG_PIDS)) && l->pids) {
		r = cg_write_pair(id_fd, guest_fd, "pids.max", l->pids, CG_KERNEL_PIDS);
		if (r)
			return r;
	}
	if ((controllers & (1u << CG_CPU)) && l->cpu_quota_us) {
		if (v2) {
			char buf[64];
			path_fmt(buf, sizeof(buf), "%llu %llu", (unsigned long long)l->cpu_quota_us,
				 (unsigned long long)l->cpu_period_us);
			r = cg_write_at(id_fd, "cpu.max", buf);
		} else {
			r = cg_write_u64_at(id_fd, "cpu.cfs_period_us", l->cpu_period_us);
			if (!r)
				r = cg_write_u64_at(id_fd, "cpu.cfs_quota_us", l->cpu_quota_us);
		}
	}
	return r;
}

/* Which controllers the limits need: a controller that is asked for and
 * missing makes creation fail rather than run unbounded. */
static unsigned needed_controllers(const struct cg_limits *l)
{
	unsigned m = 0;
	if (cg_memory_given(l))
		m |= 1u << CG_MEMORY;
	if (l->pids)
		m |= 1u << CG_PIDS;
	if (l->cpu_quota_us)
		m |= 1u << CG_CPU;
	return m | cg_resources_needed(l);
}

/* Kills what is left in one cgroup directory: cgroup.kill where the kernel
 * has it (v2, 5.14+), else SIGKILL to each process listed, until empty. */
static void kill_all(int dirfd)
{
	if (cg_write_at(dirfd, "cgroup.kill", "1") == 0)
		return;
	for (int round = 0; round < 50; round++) {
		_cleanup_free_ char *procs = NULL;
		if (read_file_at(dirfd, "cgroup.procs", &procs) <= 0)
			return;
		for (char *save = NULL, *w = strtok_r(procs, "\n", &save); w;
		     w = strtok_r(NULL, "\n", &save))
			kill((pid_t)atoi(w), SIGKILL);
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* Thaws a cgroup whose freezer file exists (never creates one). */
static void thaw_existing(int dirfd)
{
	static const char *const file[] = {"freezer.state", "cgroup.freeze"};
	static const char *const value[] = {"THAWED", "0"};
	for (size_t i = 0; i < ARRAY_SIZE(file); i++) {
		_cleanup_close_ int fd = openat(dirfd, file[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			(void)!write(fd, value[i], strlen(value[i]));
	}
}

/* rmdir that waits (bounded) for killed processes to leave. */
static int rmdir_wait(int parent_fd, const char *name)
{
	for (int i = 0; i < 500; i++) {
		if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		struct timespec ts = {0, 2 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -EBUSY;
}

/* Removes <parent_fd>/<name>; only when processes hold it (EBUSY) are
 * they killed first, so that removing an empty cgroup costs one call. */
static int remove_cgroup(int parent_fd, const char *name)
{
	if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -errno;
	_cleanup_close_ int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		/* A frozen v1 task acts on SIGKILL only once thawed. */
		thaw_existing(fd);
		kill_all(fd);
	}
	return rmdir_wait(parent_fd, name);
}

int cg_remove_sandbox_dir(int base_fd, const char *name)
{
	_cleanup_close_ int id_fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (id_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (size_t p = 0; p < ARRAY_SIZE(part_names); p++)
		remove_cgroup(id_fd, part_names[p]);
	return remove_cgroup(base_fd, name);
}

static void hierarchy_remove(struct cg_hierarchy *h)
{
	char *slash = strrchr(h->path, '/');
	if (slash && h->base_fd >= 0 && h->lock_fd >= 0) {
		/* Made here: its parent and itself are open, and its parts
		 * are known (v1 has no kernel part). */
		for (size_t p = h->version == CG_V2 ? 0 : CG_PART_GUEST; p < ARRAY_SIZE(part_names);
		     p++)
			remove_cgroup(h->lock_fd, part_names[p]);
		remove_cgroup(h->base_fd, slash + 1);
	} else if (slash) {
		*slash = '\0';
		_cleanup_close_ int base_fd = open_dir(h->path);
		*slash = '/';
		if (base_fd >= 0)
			cg_remove_sandbox_dir(base_fd, slash + 1);
	}
	if (h->lock_fd >= 0)
		close(h->lock_fd);
	if (h->base_fd >= 0)
		close(h->base_fd);
	h->lock_fd = -1;
	h->base_fd = -1;
}

/* Makes the base folder (and on v2 passes the controllers down to it). */
static int base_prepare(const char *mount, enum cg_version version, unsigned controllers,
			char *base, size_t size, struct rc_error *err)
{
	if (!path_fmt(base, size, "%s/%s", mount, CG_BASE))
		return rc_error_set(err, ENAMETOOLONG, "cgroup %s/%s: path too long", mount,
				    CG_BASE);
	if (mkdir(base, 0755) < 0 && errno != EEXIST)
		return rc_error_set_errno(err, errno, "creating cgroup %s", base);
	if (version == CG_V2) {
		_cleanup_close_ int root_fd = open_dir(mount);
		_cleanup_close_ int base_fd = open_dir(base);
		int r = root_fd < 0 || base_fd < 0 ? -errno : v2_enable(root_fd, controllers);
		if (!r)
			r = v2_enable(base_fd, controllers);
		if (r)
			return rc_error_set_errno(err, -r, "enabling controllers for %s", base);
	}
	return 0;
}

/* The inside of a fresh sandbox cgroup: its children and the limits. */
static int hierarchy_fill(struct cg_hierarchy *h, int base_fd, const struct cg_limits *limits,
			  struct rc_error *err)
{
	int r;
	if (h->version == CG_V2 && (r = v2_enable(h->lock_fd, h->controllers)) < 0)
		return rc_error_set_errno(err, -r, "enabling controllers for %s", h->path);
	/* v1 lets the sentry and the gofer sit in the sandbox cgroup itself:
	 * one cgroup fewer to make and remove per hierarchy. */
	for (size_t p = h->version == CG_V2 ? 0 : CG_PART_GUEST; p < ARRAY_SIZE(part_names); p++)
		if (mkdirat(h->lock_fd, part_names[p], 0755) < 0)
			return rc_error_set_errno(err, errno, "creating cgroup %s/%s", h->path,
						  part_names[p]);
	_cleanup_close_ int guest_fd =
		openat(h->lock_fd, part_names[CG_PART_GUEST], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (guest_fd < 0)
		return rc_error_set_errno(err, errno, "opening cgroup %s/guest", h->path);
	/* Swap accounting shows in every memory cgroup's files, the base's too. */
	bool swap =
		(h->controllers & (1u << CG_MEMORY)) && cg_memory_given(limits) &&
		faccessat(base_fd,
			  h->version == CG_V2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
			  F_OK, 0) == 0;
	if (h->version == CG_V1 && (h->controllers & (1u << CG_CPUSET)) &&
	    (r = cg_cpuset_fill(base_fd, h->lock_fd, guest_fd, h->path, h->mount_len)) < 0)
		return rc_error_set_errno(err, -r, "giving cgroup %s its parent's cpuset", h->path);
	const char *file = NULL;
	r = apply_limits(h->lock_fd, guest_fd, h->version, h->controllers, limits, swap, &file);
	if (r)
		return rc_error_set_errno(err, -r, "setting limits in cgroup %s%s%s", h->path,
					  file ? ": " : "", file ? file : "");
	return 0;
}

/* The sandbox cgroup parent_fd/name (parent the parent's path), fresh,
 * with its children, limits and lock; removed again on failure. */
static int leaf_create(struct cg_hierarchy *h, int parent_fd, const char *parent, const char *name,
		       const struct cg_limits *limits, struct rc_error *err)
{
	if (!path_fmt(h->path, sizeof(h->path), "%s/%s", parent, name))
		return rc_error_set(err, ENAMETOOLONG, "cgroup %s/%s: path too long", parent, name);
	if (mkdirat(parent_fd, name, 0755) < 0)
		return rc_error_set_errno(err, errno, "creating cgroup %s", h->path);
	int r;
	h->lock_fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (h->lock_fd < 0 || flock(h->lock_fd, LOCK_EX) < 0)
		r = rc_error_set_errno(err, errno, "opening cgroup %s", h->path);
	else
		r = hierarchy_fill(h, parent_fd, limits, err);
	if (r)
		hierarchy_remove(h);
	return r;
}

/* One hierarchy: runsc-c/<id>/{kernel,guest} with limits, and the lock. The
 * base folder is share-locked meanwhile so that cg_sweep() cannot take a
 * cgroup that is being made for one whose launcher died. */
static int hierarchy_create(struct cg_hierarchy *h, const char *mount, const char *id,
			    const struct cg_limits *limits, struct rc_error *err)
{
	char base[PATH_MAX];
	_cleanup_close_ int base_fd = -1;
	/* A v1 base, once made, needs nothing more (v2 passes the
	 * controllers down each time, as someone may have taken them). */
	if (h->version == CG_V1 && path_fmt(base, sizeof(base), "%s/%s", mount, CG_BASE))
		base_fd = open_dir(base);
	if (base_fd < 0) {
		int r = base_prepare(mount, h->version, h->controllers, base, sizeof(base), err);
		if (r)
			return r;
		base_fd = open_dir(base);
	}
	if (base_fd < 0 || flock(base_fd, LOCK_SH) < 0)
		return rc_error_set_errno(err, errno, "opening cgroup %s", base);
	if (!id_names_cgroup(id))
		return rc_error_set(err, EINVAL, "sandbox id '%s' cannot name a cgroup", id);
	int r = leaf_create(h, base_fd, base, id, limits, err);
	if (r)
		return r;
	/* Kept for the removal, unlocked: the cgroup has its own lock now. */
	flock(base_fd, LOCK_UN);
	h->base_fd = base_fd;
	base_fd = -1;
	return 0;
}

/* One hierarchy at the caller's path rel (normal, without its leading
 * '/'): the missing parents made (on v2 each passes the controllers
 * down), then the sandbox cgroup, which must not exist yet. Nothing is
 * followed but directories: a symlink on the way fails. */
static int hierarchy_create_at(struct cg_hierarchy *h, const char *mount, const char *rel,
			       const struct cg_limits *limits, struct rc_error *err)
{
	char parent[PATH_MAX];
	if (!path_fmt(parent, sizeof(parent), "%s", mount))
		return rc_error_set(err, ENAMETOOLONG, "cgroup %s: path too long", mount);
	_cleanup_close_ int fd = open_dir(mount);
	if (fd < 0)
		return rc_error_set_errno(err, errno, "opening cgroup %s", mount);
	char buf[CG_PATH_MAX + 1];
	path_fmt(buf, sizeof(buf), "%s", rel);
	char *name = buf;
	for (char *slash; (slash = strchr(name, '/')); name = slash + 1) {
		*slash = '\0';
		int r = h->version == CG_V2 ? v2_enable(fd, h->controllers) : 0;
		if (r)
			return rc_error_set_errno(err, -r, "enabling controllers for %s", parent);
		size_t n = strlen(parent);
		if (!path_fmt(parent + n, sizeof(parent) - n, "/%s", name))
			return rc_error_set(err, ENAMETOOLONG, "cgroup %s/%s: path too long",
					    parent, name);
		if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
			return rc_error_set_errno(err, errno, "creating cgroup %s", parent);
		int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return rc_error_set_errno(err, errno, "opening cgroup %s", parent);
		close(fd);
		fd = next;
	}
	int r = h->version == CG_V2 ? v2_enable(fd, h->controllers) : 0;
	if (r)
		return rc_error_set_errno(err, -r, "enabling controllers for %s", parent);
	r = leaf_create(h, fd, parent, name, limits, err);
	if (r)
		return r;
	h->base_fd = fd; /* kept for the removal */
	fd = -1;
	return 0;
}

/* Whether controller c can be left out of a sandbox's cgroups: it is in
 * skip and no controller kept shares its hierarchy (v2 keeps them all in
 * one; v1 may mount cpu and cpuacct together). */
static bool plan_skips(const struct cg_host *host, unsigned skip, int c)
{
	if (!(skip & (1u << c)))
		return false;
	for (int k = 0; k < CG_NCONTROLLERS; k++)
		if (!(skip & (1u << k)) && host->version[k] != CG_ABSENT &&
		    strcmp(host->mount[k], host->mount[c]) == 0)
			return false;
	return true;
}

/* The controllers of settings alone (no limit `runsc-c do` sets). */
#define CG_SETTINGS_CONTROLLERS                                                           \
	((1u << CG_CPUSET) | (1u << CG_BLKIO) | (1u << CG_HUGETLB) | (1u << CG_NET_CLS) | \
	 (1u << CG_NET_PRIO))

/* Which hierarchies a sandbox has cgroups in, one per mount, in the order
 * of enum cg_controller (memory's first), without those of the
 * controllers in skip that plan_skips() lets go; until they are made or
 * opened, each path holds the mount and a '/'. */
static struct cgroup *cg_plan(const struct cg_host *host, unsigned skip)
{
	struct cgroup *cg = xcalloc(1, sizeof(*cg));
	cg->live_id = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		cg->of[c] = -1;
		if (host->version[c] == CG_ABSENT || plan_skips(host, skip, c))
			continue;
		for (int i = 0; i < cg->nh; i++)
			if (cg->h[i].version == host->version[c] &&
			    strncmp(cg->h[i].path, host->mount[c], strlen(host->mount[c])) == 0 &&
			    cg->h[i].path[strlen(host->mount[c])] == '/')
				cg->of[c] = i;
		if (cg->of[c] < 0) {
			cg->of[c] = cg->nh++;
			/* Until hierarchy_create fills it, path holds the mount. */
			snprintf(cg->h[cg->of[c]].path, sizeof(cg->h[0].path), "%s/",
				 host->mount[c]);
			cg->h[cg->of[c]].mount_len = strlen(host->mount[c]);
			cg->h[cg->of[c]].version = host->version[c];
			cg->h[cg->of[c]].lock_fd = -1;
			cg->h[cg->of[c]].base_fd = -1;
		}
		/* Where a hierarchy holds them all (v2), the settings'
		 * controllers a sandbox does without are not enabled for it:
		 * no more than before they were known. */
		if (!(skip & (1u << c) & CG_SETTINGS_CONTROLLERS))
			cg->h[cg->of[c]].controllers |= 1u << c;
	}
	return cg;
}

/* The controllers a sandbox with these limits can do without: cpu without
 * a quota or share (its time comes from cpuacct, and nothing is
 * throttled), cpuset and blkio without a setting unless an update may
 * bring one, hugetlb and the network classifiers without a setting, and
 * what the limits' no_* fields name. */
static unsigned plan_skip(const struct cg_limits *l)
{
	unsigned need = needed_controllers(l), skip = 0;
	const unsigned updatable = (1u << CG_CPU) | (1u << CG_CPUSET) | (1u << CG_BLKIO);
	const unsigned optional = (1u << CG_CPU) | CG_SETTINGS_CONTROLLERS;
	skip |= optional & ~need & ~(l->cpu_updatable ? updatable : 0);
	if (l->no_cpu_stats)
		skip |= 1u << CG_CPUACCT;
	if (l->no_freezer)
		skip |= 1u << CG_FREEZER;
	return skip;
}

int cg_create(const struct cg_host *host, const char *id, const char *path,
	      const struct cg_limits *limits, struct cgroup **out, struct rc_error *err)
{
	*out = NULL;
	char rel[PATH_MAX];
	int r = sandbox_rel(id, path, rel, sizeof(rel), err);
	if (r)
		return r;
	unsigned need = needed_controllers(limits);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if ((need & (1u << c)) && host->version[c] == CG_ABSENT)
			return rc_error_set(err, EOPNOTSUPP,
					    "a %s limit needs the %s cgroup controller, which no "
					    "cgroup hierarchy under %s offers",
					    controller_names[c], controller_names[c], host->root);
	if ((r = cg_memory_check(host->version[CG_MEMORY], limits, err)) < 0 ||
	    (r = cg_resources_check(host->version, host->layout == CG_LAYOUT_V2, limits, err)) < 0)
		return r;
	struct cgroup *cg = cg_plan(host, plan_skip(limits));
	/* Counted among the living before a cgroup of it exists: cg_sweep()
	 * never finds more of them than are counted. */
	if (!path)
		cg_live_hold(host, cg);
	for (int i = 0; i < cg->nh; i++) {
		char mount[PATH_MAX];
		path_fmt(mount, sizeof(mount), "%s", cg->h[i].path);
		mount[strlen(mount) - 1] = '\0';
		r = path ? hierarchy_create_at(&cg->h[i], mount, rel, limits, err)
			 : hierarchy_create(&cg->h[i], mount, id, limits, err);
		if (r) {
			cg->nh = i;
			cg_destroy(cg);
			return r;
		}
	}
	*out = cg;
	return 0;
}

int cg_attach(struct cgroup *cg, enum cg_part part, pid_t pid, struct rc_error *err)
{
	char name[32];
	path_fmt(name, sizeof(name), "%s/cgroup.procs", part_names[part]);
	for (int i = 0; i < cg->nh; i++) {
		/* The kernel part is the sandbox cgroup itself on v1. */
		bool own = part == CG_PART_KERNEL && cg->h[i].version == CG_V1;
		int r = cg_write_u64_at(cg->h[i].lock_fd, own ? "cgroup.procs" : name,
					(uint64_t)pid);
		if (r)
			return rc_error_set_errno(err, -r, "moving process %d into cgroup %s/%s",
						  (int)pid, cg->h[i].path, part_names[part]);
	}
	return 0;
}

void cg_procs_close(struct cg_procs *procs)
{
	for (int i = 0; i < procs->n; i++)
		if (procs->fd[i] >= 0)
			close(procs->fd[i]);
	procs->n = 0;
}

int cg_procs_open(const struct cgroup *cg, enum cg_part part, struct cg_procs *procs,
		  struct rc_error *err)
{
	char name[32];
	path_fmt(name, sizeof(name), "%s/cgroup.procs", part_names[part]);
	*procs = (struct cg_procs){.cg = cg, .part = part};
	for (int i = 0; i < cg->nh; i++) {
		/* The kernel part is the sandbox cgroup itself on v1. */
		bool own = part == CG_PART_KERNEL && cg->h[i].version == CG_V1;
		/* O_CREAT as cg_write_at: a test's tree of plain files. */
		procs->fd[i] = openat(cg->h[i].lock_fd, own ? "cgroup.procs" : name,
				      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		procs->n = i + 1;
		if (procs->fd[i] < 0) {
			int e = errno;
			cg_procs_close(procs);
			return rc_error_set_errno(err, e, "opening cgroup %s/%s", cg->h[i].path,
						  own ? "cgroup.procs" : name);
		}
	}
	return 0;
}

int cg_procs_attach(const struct cg_procs *procs, pid_t pid, struct rc_error *err)
{
	char buf[16];
	path_fmt(buf, sizeof(buf), "%d", (int)pid);
	for (int i = 0; i < procs->n; i++)
		if (write(procs->fd[i], buf, strlen(buf)) < 0)
			return rc_error_set_errno(err, errno, "moving process %d into cgroup %s/%s",
						  (int)pid, procs->cg ? procs->cg->h[i].path : "",
						  part_names[procs->part]);
	return 0;
}

const char *cg_path(const struct cgroup *cg, enum cg_controller ctl)
{
	return cg->of[ctl] < 0 ? "" : cg->h[cg->of[ctl]].path;
}

int cg_ctl_dir(const struct cgroup *cg, enum cg_controller ctl, const char *part)
{
	if (cg->of[ctl] < 0)
		return -1;
	int id_fd = cg->h[cg->of[ctl]].lock_fd;
	return openat(id_fd, part ? part : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

void cg_destroy(struct cgroup *cg)
{
	if (!cg)
		return;
	/* The freezer's hierarchy first: a frozen v1 task dies of SIGKILL
	 * only once thawed, which removing its freezer cgroup does. */
	for (int i = cg->nh - 1; i >= 0; i--)
		hierarchy_remove(&cg->h[i]);
	cg_live_release(cg);
	free(cg);
}

bool cg_first_in_mount(const struct cg_host *host, int c)
{
	if (host->version[c] == CG_ABSENT)
		return false;
	for (int i = 0; i < c; i++)
		if (host->version[i] != CG_ABSENT && strcmp(host->mount[i], host->mount[c]) == 0)
			return false;
	return true;
}

int cg_remove(const struct cg_host *host, const char *id, const char *path)
{
	char rel[PATH_MAX];
	struct rc_error err;
	if (sandbox_rel(id, path, rel, sizeof(rel), &err) < 0)
		return -EINVAL;
	/* rel is the parent's path and the sandbox cgroup's name. */
	char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	if (slash)
		*slash = '\0';
	int r = 0;
	/* The freezer's hierarchy first, as cg_destroy does. */
	for (int c = CG_NCONTROLLERS - 1; c >= 0; c--) {
		if (!cg_first_in_mount(host, c))
			continue;
		char parent[PATH_MAX];
		if (!path_fmt(parent, sizeof(parent), "%s/%s", host->mount[c], slash ? rel : ""))
			return -ENAMETOOLONG;
		_cleanup_close_ int parent_fd = open_dir(parent);
		int e = parent_fd < 0 ? (errno == ENOENT ? 0 : -errno)
				      : cg_remove_sandbox_dir(parent_fd, name);
		if (e < 0 && !r)
			r = e;
	}
	return r;
}

/* ---- a living sandbox, from any process ---- */

int cg_open(const struct cg_host *host, const char *id, const char *path, struct cgroup **out,
	    struct rc_error *err)
{
	*out = NULL;
	char rel[PATH_MAX];
	int r = sandbox_rel(id, path, rel, sizeof(rel), err);
	if (r)
		return r;
	/* A sandbox may lack the hierarchies plan_skip() lets go: without a
	 * CPU quota no cpu cgroup, never paused no freezer cgroup. */
	const unsigned optional = (1u << CG_CPU) | (1u << CG_CPUACCT) | (1u << CG_CPUSET) |
				  (1u << CG_BLKIO) | (1u << CG_HUGETLB) | (1u << CG_NET_CLS) |
				  (1u << CG_NET_PRIO) | (1u << CG_FREEZER);
	unsigned skip = 0;
	struct cgroup *cg = cg_plan(host, skip);
	for (int i = 0; i < cg->nh; i++) {
		struct cg_hierarchy *h = &cg->h[i];
		size_t n = strlen(h->path);
		if (!path_fmt(h->path + n, sizeof(h->path) - n, "%s", rel) ||
		    (h->lock_fd = open_dir(h->path)) < 0) {
			int e = errno;
			bool retry = e == ENOENT && !(h->controllers & ~optional);
			skip |= h->controllers;
			cg->nh = i;
			cg_close(cg);
			if (retry) {
				cg = cg_plan(host, skip);
				i = -1;
				continue;
			}
			return rc_error_set_errno(err, e, "sandbox %s has no cgroups",
						  path ? path : id);
		}
	}
	*out = cg;
	return 0;
}

void cg_close(struct cgroup *cg)
{
	if (!cg)
		return;
	for (int i = 0; i < cg->nh; i++)
		if (cg->h[i].lock_fd >= 0)
			close(cg->h[i].lock_fd);
	free(cg);
}

int cg_update(struct cgroup *cg, const struct cg_limits *limits, struct rc_error *err)
{
	unsigned need = needed_controllers(limits);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if ((need & (1u << c)) && cg->of[c] < 0)
			return rc_error_set(err, EOPNOTSUPP,
					    "a %s limit needs the %s cgroup controller, which the "
					    "sandbox's cgroups lack",
					    controller_names[c], controller_names[c]);
	int m = cg->of[CG_MEMORY];
	enum cg_version version[CG_NCONTROLLERS];
	bool all_v2 = true;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		version[c] = cg->of[c] < 0 ? CG_ABSENT : cg->h[cg->of[c]].version;
	for (int i = 0; i < cg->nh; i++)
		all_v2 = all_v2 && cg->h[i].version == CG_V2;
	if (cg_memory_check(m < 0 ? CG_ABSENT : cg->h[m].version, limits, err) < 0 ||
	    cg_resources_check(version, all_v2, limits, err) < 0)
		return -err->errno_value;
	for (int i = 0; i < cg->nh; i++) {
		struct cg_hierarchy *h = &cg->h[i];
		_cleanup_close_ int guest_fd = openat(h->lock_fd, part_names[CG_PART_GUEST],
						      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (guest_fd < 0)
			return rc_error_set_errno(err, errno, "opening cgroup %s/guest", h->path);
		bool swap = faccessat(h->lock_fd,
				      h->version == CG_V2 ? "memory.swap.max"
							  : "memory.memsw.limit_in_bytes",
				      F_OK, 0) == 0;
		if (swap && (h->controllers & (1u << CG_MEMORY)) &&
		    cg_memory_swap_check(guest_fd, h->version, limits, err) < 0)
			return -err->errno_value;
		const char *file = NULL;
		int r = apply_limits(h->lock_fd, guest_fd, h->version, h->controllers, limits, swap,
				     &file);
		if (r)
			return rc_error_set_errno(err, -r, "changing limits in cgroup %s%s%s",
						  h->path, file ? ": " : "", file ? file : "");
	}
	return 0;
}
