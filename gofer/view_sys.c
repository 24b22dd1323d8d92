/* SPDX-License-Identifier: Apache-2.0 */
/* The view's /sys: the sandbox's own small sysfs, never the host's.
 *
 * A read-only tmpfs, filled before it is attached, with what programs read
 * to size themselves and nothing of the host's devices, firmware or kernel
 * knobs:
 *
 *   block bus class dev devices firmware fs kernel module power
 *                      Linux's top-level directories, empty but for:
 *   devices/system/cpu/{online,possible,present}
 *                      the sandbox's CPUs: those of the gofer's affinity
 *                      (the caller's: taskset) that the host has online
 *   devices/system/cpu/cpuN/{online,topology/..,cache/indexK/..}
 *                      for each of them, the host's topology and cache
 *                      description (read-only copies)
 *   fs/cgroup          empty
 *   kernel/mm/transparent_hugepage/{enabled,defrag,hpage_pmd_size,
 *   shmem_enabled}     the host's values, read-only
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

static int populate_cpus(int sys_fd)
{
	cpu_set_t set;
	int r = sandbox_cpus(&set);
	if (r < 0)
		return r;
	char list[4096];
	size_t len = cpu_list(&set, list, sizeof(list));
	static const char *const lists[] = {"online", "possible", "present"};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "devices/system/cpu/%s", lists[i]);
		if ((r = put_file(sys_fd, rel, list, len)) < 0)
			return r;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d", cpu);
		if ((r = mkdirs_at(sys_fd, rel)) < 0)
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

static int populate_sys(struct view *v, int sys_fd)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_dirs); i++)
		if (mkdirat(sys_fd, top_dirs[i], 0755) < 0)
			return view_fail(v, -errno, "creating /sys/%s", top_dirs[i]);
	int r = mkdirs_at(sys_fd, "fs/cgroup");
	if (r < 0)
		return view_fail(v, r, "creating /sys/fs/cgroup");
	if ((r = populate_cpus(sys_fd)) < 0)
		return view_fail(v, r, "creating /sys/devices/system/cpu");
	for (size_t i = 0; i < ARRAY_SIZE(thp_files); i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "kernel/mm/transparent_hugepage/%s", thp_files[i]);
		if ((r = copy_host_file(sys_fd, rel, rel)) < 0)
			return view_fail(v, r, "creating /sys/%s", rel);
	}
	return 0;
}

int mount_sys(struct view *v)
{
	int r = mkdirs_in_view(v, "sys");
	if (r < 0)
		return view_fail(v, r, "creating /sys");
	_cleanup_close_ int target = open_in_view(v, "sys", O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return view_fail(v, target, "opening /sys");
	/* No size or inode bound: what it holds is the host's CPU topology,
	 * cache and THP files, one page each (about 40 on a 2-CPU machine,
	 * more with more CPUs), counted in the sandbox's memory cgroup, and
	 * it is read-only once filled. */
	const struct fs_opt opts[] = {{"source", "sysfs"}, {"mode", "755"}};
	_cleanup_close_ int mnt_fd =
		fs_new(v, "tmpfs", opts, ARRAY_SIZE(opts),
		       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, "/sys");
	if (mnt_fd < 0)
		return mnt_fd;
	_cleanup_close_ int sys_fd = openat(mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys_fd < 0)
		return view_fail(v, -errno, "opening the new /sys");
	r = populate_sys(v, sys_fd);
	if (r < 0)
		return r;
	/* The file system itself read-only, not only its mount: writes fail
	 * with EROFS before any permission check, as on a read-only sysfs. */
	_cleanup_close_ int fs_fd = fspick(mnt_fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	if (fs_fd < 0 || fsconfig(fs_fd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(fs_fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return view_fail(v, -errno, "making /sys read-only");
	r = set_attrs(mnt_fd, MOUNT_ATTR_RDONLY, false);
	if (r < 0)
		return view_fail(v, r, "making /sys read-only");
	struct statx stx;
	if (statx(mnt_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return view_fail(v, errno ? -errno : -ENOSYS, "reading /sys's mount id");
	v->sys_mnt_id = stx.stx_mnt_id;
	r = attach(mnt_fd, target);
	return r < 0 ? view_fail(v, r, "attaching /sys") : 0;
}
