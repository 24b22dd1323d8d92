/* SPDX-License-Identifier: Apache-2.0 */
/* The view's /sys: the sandbox's own small sysfs, never the host's.
 *
 * A read-only file system with what programs read to size themselves and
 * nothing of the host's devices, firmware or kernel knobs:
 *
 *   block bus class dev devices firmware fs kernel module power
 *                      Linux's top-level directories, empty but for:
 *   devices/system/cpu/{online,possible,present}
 *                      the sandbox's CPUs: those of the launcher's
 *                      affinity (the caller's: taskset) that the host has
 *                      online
 *   devices/system/cpu/cpuN/{online,topology/..,cache/indexK/..}
 *                      for each of them, the host's topology and cache
 *                      description (read-only copies)
 *   fs/cgroup          empty
 *   kernel/mm/transparent_hugepage/{enabled,defrag,hpage_pmd_size,
 *   shmem_enabled}     the host's values, read-only
 *
 * The files are made once per host and content, in a tree the sandboxes
 * that ask for the same one share (view_sys_cache.c), or when none can be
 * shared, in the sandbox's scratch tmpfs. Each view shows the tree as a
 * read-only overlay of its own (mount_sys).
 *
 * The mount table shows it as type sysfs, source sysfs (view_mounts.c),
 * and statfs(2) of a path in it answers SYSFS_MAGIC (op_statfs): it is the
 * sandbox's sysfs, as gVisor's is its own. Files are mode 0444 and owned by
 * root, as sysfs shows its read-only attributes. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_build.h"

/* Where the host's attributes are read from (before the pivot_root). */
#define HOST_SYS "/sys"

static const char *const top_dirs[] = {"block",	   "bus", "class",  "dev",    "devices",
				       "firmware", "fs",  "kernel", "module", "power"};

/* Copied per CPU from the host's devices/system/cpu/cpuN, when present. */
static const char *const cpu_files[] = {
	"online",
	"topology/core_id",
	"topology/physical_package_id",
	"topology/die_id",
	"topology/cluster_id",
	"topology/core_cpus_list",
	"topology/core_siblings_list",
	"topology/thread_siblings_list",
	"topology/package_cpus_list",
	"topology/die_cpus_list",
	"topology/cluster_cpus_list",
	"topology/core_cpus",
	"topology/core_siblings",
	"topology/thread_siblings",
	"topology/package_cpus",
	"topology/die_cpus",
	"topology/cluster_cpus",
};
static const char *const cache_files[] = {
	"id",
	"level",
	"type",
	"size",
	"coherency_line_size",
	"ways_of_associativity",
	"number_of_sets",
	"physical_line_partition",
	"shared_cpu_list",
	"shared_cpu_map",
};
#define MAX_CACHE_INDEX 8

static const char *const thp_files[] = {"enabled", "defrag", "hpage_pmd_size", "shmem_enabled"};

/* One directory of mkdirs_at (0755; one that exists is fine). */
static int dir_at(void *arg, const char *prefix)
{
	int dir_fd = *(const int *)arg;
	return mkdirat(dir_fd, prefix, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* mkdir -p rel below dir_fd, a tmpfs of the gofer's own (no symlinks). */
static int mkdirs_at(int dir_fd, const char *rel)
{
	return path_prefixes(rel, dir_at, &dir_fd);
}

/* A read-only attribute file rel (its directory made when missing)
 * holding text. */
static int put_file(int dir_fd, const char *rel, const char *text, size_t len)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	_cleanup_close_ int fd = openat(dir_fd, rel, flags, 0444);
	const char *slash = strrchr(rel, '/');
	if (fd < 0 && errno == ENOENT && slash) {
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - rel), rel);
		int r = mkdirs_at(dir_fd, parent);
		if (r < 0)
			return r;
		fd = openat(dir_fd, rel, flags, 0444);
	}
	/* 0444 as asked: the gofer runs with umask 0 (gofer_main). */
	if (fd < 0)
		return -errno;
	return write_all(fd, text, len);
}

/* A copy of the host's HOST_SYS/host_rel as rel; nothing when the host
 * has no such file (or it cannot be read). */
static int copy_host_file(int dir_fd, const char *rel, const char *host_rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), HOST_SYS "/%s", host_rel);
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file_at(AT_FDCWD, path, &buf);
	if (n < 0)
		return 0;
	return put_file(dir_fd, rel, buf, (size_t)n);
}

/* The CPUs the sandbox runs on: its launcher's affinity (what `taskset`
 * gave runsc-c), those online on the host. Not the gofer's own: the
 * sentry moves the gofer to the CPU it runs on (gofer_follow), which may
 * happen while the view is still being built. */
static int sandbox_cpus(cpu_set_t *set)
{
	CPU_ZERO(set);
	if (sched_getaffinity(getppid(), sizeof(*set), set) < 0)
		return -errno;
	_cleanup_free_ char *online = NULL;
	if (read_file_at(AT_FDCWD, HOST_SYS "/devices/system/cpu/online", &online) < 0)
		return 0;
	cpu_set_t host;
	CPU_ZERO(&host);
	for (char *p = online; *p && *p != '\n';) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			break;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long i = a; i <= b && i < CPU_SETSIZE; i++)
			CPU_SET(i, &host);
		p = *end == ',' ? end + 1 : end;
	}
	CPU_AND(set, set, &host);
	return 0;
}

/* set as a Linux CPU list ("0-3,6\n"). */
static size_t cpu_list(const cpu_set_t *set, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, set))
			continue;
		int j = i;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
			j++;
		int n = j > i ? snprintf(out + len, size - len, "%s%d-%d", len ? "," : "", i, j)
			      : snprintf(out + len, size - len, "%s%d", len ? "," : "", i);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
		i = j;
	}
	if (len + 1 < size) {
		out[len++] = '\n';
		out[len] = '\0';
	}
	return len;
}

/* What the host gives the sandbox's /sys, read at every start: it names
 * the shared tree (view_sys_cache.c) and, when that is built, fills it. */
struct sys_host {
	cpu_set_t cpus;
	char cpu_list[4096];
	size_t cpu_list_len;
	struct {
		char *text; /* NULL: the host has no such file */
		size_t len;
	} thp[ARRAY_SIZE(thp_files)];
	char boot_id[64]; /* "": unknown, and no tree is shared */
};

static void sys_host_free(struct sys_host *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(h->thp); i++)
		free(h->thp[i].text);
}

static int sys_host_read(struct sys_host *h)
{
	int r = sandbox_cpus(&h->cpus);
	if (r < 0)
		return r;
	h->cpu_list_len = cpu_list(&h->cpus, h->cpu_list, sizeof(h->cpu_list));
	for (size_t i = 0; i < ARRAY_SIZE(thp_files); i++) {
		char path[128];
		snprintf(path, sizeof(path), HOST_SYS "/kernel/mm/transparent_hugepage/%s",
			 thp_files[i]);
		ssize_t n = read_file_at(AT_FDCWD, path, &h->thp[i].text);
		h->thp[i].len = n > 0 ? (size_t)n : 0;
	}
	_cleanup_free_ char *boot_id = NULL;
	ssize_t n = read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", &boot_id);
	if (n > 0 && (size_t)n < sizeof(h->boot_id) && !strchr(boot_id, '/'))
		snprintf(h->boot_id, sizeof(h->boot_id), "%.*s", (int)strcspn(boot_id, "\n"),
			 boot_id);
	return 0;
}

/* FNV-1a, 64 bits: names a tree by what it holds (not a secret: only
 * runsc-c writes the cache, and it checks what it finds there). */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* BOOT_ID.HASH of what the tree holds; the version changes with what
 * view_sys.c puts in a tree. */
static void sys_key(const struct sys_host *h, char *key, size_t size)
{
	static const char version[] = "runsc-c /sys 2"; /* 2: with a lock */
	uint64_t x = fnv1a(0xcbf29ce484222325ull, version, sizeof(version));
	x = fnv1a(x, h->cpu_list, h->cpu_list_len + 1);
	for (size_t i = 0; i < ARRAY_SIZE(h->thp); i++) {
		char absent = h->thp[i].text ? 1 : 0;
		x = fnv1a(x, &absent, 1);
		x = fnv1a(x, h->thp[i].text ? h->thp[i].text : "", h->thp[i].len + 1);
	}
	snprintf(key, size, "%s.%016llx", h->boot_id, (unsigned long long)x);
}

static int populate_cpus(int sys_fd, const struct sys_host *h)
{
	static const char *const lists[] = {"online", "possible", "present"};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "devices/system/cpu/%s", lists[i]);
		int r = put_file(sys_fd, rel, h->cpu_list, h->cpu_list_len);
		if (r < 0)
			return r;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &h->cpus))
			continue;
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d", cpu);
		int r = mkdirs_at(sys_fd, rel);
		if (r < 0)
			return r;
		for (size_t i = 0; i < ARRAY_SIZE(cpu_files); i++) {
			snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/%s", cpu,
				 cpu_files[i]);
			if ((r = copy_host_file(sys_fd, rel, rel)) < 0)
				return r;
		}
		for (int k = 0; k < MAX_CACHE_INDEX; k++) {
			/* The host numbers its caches from 0 without gaps. */
			snprintf(rel, sizeof(rel),
				 HOST_SYS "/devices/system/cpu/cpu%d/cache/index%d", cpu, k);
			if (access(rel, F_OK) < 0)
				break;
			for (size_t i = 0; i < ARRAY_SIZE(cache_files); i++) {
				snprintf(rel, sizeof(rel),
					 "devices/system/cpu/cpu%d/cache/index%d/%s", cpu, k,
					 cache_files[i]);
				if ((r = copy_host_file(sys_fd, rel, rel)) < 0)
					return r;
			}
		}
	}
	return 0;
}

/* What /sys shows, made in the empty directory sys_fd (sys_tree_fill_fn). */
static int populate_sys(void *arg, int sys_fd)
{
	const struct sys_host *h = arg;
	for (size_t i = 0; i < ARRAY_SIZE(top_dirs); i++)
		if (mkdirat(sys_fd, top_dirs[i], 0755) < 0)
			return -errno;
	int r = mkdirs_at(sys_fd, "fs/cgroup");
	if (r < 0 || (r = populate_cpus(sys_fd, h)) < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(thp_files); i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "kernel/mm/transparent_hugepage/%s", thp_files[i]);
		if (h->thp[i].text &&
		    (r = put_file(sys_fd, rel, h->thp[i].text, h->thp[i].len)) < 0)
			return r;
	}
	return 0;
}

/* A tree of this sandbox's own, in the scratch tmpfs: when no shared one
 * can be had (no cache directory, another start building it, a file
 * system without immutable files). */
static int private_tree(struct view *v, struct sys_host *h, struct sys_tree *t)
{
	if (mkdirat(v->staging_fd, "sys", 0700) < 0)
		return view_fail(v, -errno, "creating /sys");
	_cleanup_close_ int dir = openat(v->staging_fd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || mkdirat(dir, "tree", 0755) < 0 || mkdirat(dir, "empty", 0755) < 0)
		return view_fail(v, -errno, "creating /sys");
	t->tree_fd = openat(dir, "tree", O_PATH | O_DIRECTORY | O_CLOEXEC);
	t->empty_fd = openat(dir, "empty", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->tree_fd < 0 || t->empty_fd < 0)
		return view_fail(v, -errno, "opening /sys");
	int r = populate_sys(h, t->tree_fd);
	return r < 0 ? view_fail(v, r, "creating /sys's files") : 0;
}

int sys_prepare(struct view *v)
{
	struct sys_host *h = xcalloc(1, sizeof(*h));
	v->sys_host = h;
	int r = sys_host_read(h);
	if (r < 0)
		return view_fail(v, r, "reading the host's CPUs");
	const char *cache = v->cfg->sys_cache;
	if (!cache || !h->boot_id[0])
		return 0;
	char key[NAME_MAX], keep[80], why[PATH_MAX + 128];
	sys_key(h, key, sizeof(key));
	snprintf(keep, sizeof(keep), "%s.", h->boot_id);
	r = sys_tree_shared(cache, key, keep, populate_sys, h, &v->sys, why, sizeof(why));
	if (why[0])
		log_msg("/sys: %s", why);
	if (r < 0)
		log_debug("/sys: no shared tree in %s (%s): this sandbox's own", cache,
			  strerror(-r));
	return 0;
}

void sys_release(struct view *v)
{
	if (v->sys_host) {
		sys_host_free(v->sys_host);
		free(v->sys_host);
		v->sys_host = NULL;
	}
	int fds[] = {v->sys.tree_fd, v->sys.empty_fd, v->sys.lock_fd};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	v->sys = (struct sys_tree){-1, -1, -1};
}

int mount_sys(struct view *v)
{
	int r = mkdirs_in_view(v, "sys");
	if (r < 0)
		return view_fail(v, r, "creating /sys");
	_cleanup_close_ int target = open_in_view(v, "sys", O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return view_fail(v, target, "opening /sys");
	if (v->sys.tree_fd < 0 && (r = private_tree(v, v->sys_host, &v->sys)) < 0)
		return r;
	/* An overlay with no upper layer: a file system of its own, read-only
	 * itself (writes fail with EROFS before any permission check, as on a
	 * read-only sysfs), with a device of its own (statfs below tells it
	 * by that) and no path to the tree's directories on the host: ".."
	 * of its root is the view's root. Both layers are on one file system,
	 * so files and directories show the overlay's st_dev alike. Its
	 * inodes are made when looked up: a sandbox pays for the files it
	 * reads, not for the host's CPUs. */
	char lower[64];
	snprintf(lower, sizeof(lower), "/proc/self/fd/%d:/proc/self/fd/%d", v->sys.tree_fd,
		 v->sys.empty_fd);
	const struct fs_opt opts[] = {{"source", "sysfs"}, {"lowerdir", lower}};
	_cleanup_close_ int mnt_fd =
		fs_new(v, "overlay", opts, ARRAY_SIZE(opts),
		       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		       "/sys");
	if (mnt_fd < 0)
		return mnt_fd;
	struct statx stx;
	if (statx(mnt_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return view_fail(v, errno ? -errno : -ENOSYS, "reading /sys's mount id");
	v->sys_mnt_id = stx.stx_mnt_id;
	r = attach(mnt_fd, target);
	if (r < 0)
		return view_fail(v, r, "attaching /sys");
	/* The sandbox shows the shared tree until the gofer ends. */
	v->st->sys_lock_fd = take_fd(&v->sys.lock_fd);
	return 0;
}
