/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's settings beyond memory, pids and the CPU quota, in one
 * hierarchy, written as crun writes them: the CPU share and real-time
 * budget, the cpuset, block I/O weights and throttles, hugetlb limits,
 * the v1 network classifiers and v2's key/value files (unified). They go
 * to the sandbox cgroup, which bounds all of it: its disk I/O is the
 * gofer's (the only process touching host files), its CPU the sentry's
 * and the guest's. Where the guest's part needs them too (v1's cpuset,
 * whose every cgroup must hold CPUs to hold tasks; net_cls and net_prio,
 * which a child copies only when made), they are written there as well. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_impl.h"

/* v2's cpu.weight for v1's cpu.shares, as crun converts it: [2, 262144]
 * linearly onto [1, 10000]. */
uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* v2's io.weight for blkio.weight, as crun converts it where io.bfq.weight
 * is missing: [10, 1000] linearly onto [1, 10000]. */
uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
	return 1 + (weight - 10) * 9999 / 990;
}

/* The controller a v2 file name belongs to ("memory.high": CG_MEMORY),
 * or -1 (cgroup.*, or one the sandbox does not know). */
static int unified_controller(const char *key)
{
	static const struct {
		const char *prefix;
		enum cg_controller ctl;
	} map[] = {{"memory.", CG_MEMORY}, {"pids.", CG_PIDS}, {"cpu.", CG_CPU},
		   {"cpuset.", CG_CPUSET}, {"io.", CG_BLKIO},  {"hugetlb.", CG_HUGETLB}};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strncmp(key, map[i].prefix, strlen(map[i].prefix)) == 0)
			return (int)map[i].ctl;
	return -1;
}

/* Whether a v2 file is the container's to set on its guest part rather
 * than on the sandbox cgroup. memory.oom.group=1 asks the OOM killer to
 * kill the whole cgroup along with its victim: on the sandbox cgroup that
 * would be the sentry and the gofer too; on the guest part it is every
 * guest task, which is what a container asks for, and the sentry stays to
 * report it. */
static bool unified_guest_scoped(const char *key)
{
	return strcmp(key, "memory.oom.group") == 0;
}

unsigned cg_resources_needed(const struct cg_limits *l)
{
	unsigned m = 0;
	const struct cg_more *x = l->more;
	if (l->cpu_shares || l->cpu_rt_period_us || l->cpu_rt_runtime_set)
		m |= 1u << CG_CPU;
	if (l->cpuset_cpus[0] || l->cpuset_mems[0])
		m |= 1u << CG_CPUSET;
	if (l->blkio_weight || (x && (x->blkio_leaf_weight || x->nblkio)))
		m |= 1u << CG_BLKIO;
	if (!x)
		return m;
	if (x->nhugetlb)
		m |= 1u << CG_HUGETLB;
	if (x->net_classid_set)
		m |= 1u << CG_NET_CLS;
	if (x->nnet_prio)
		m |= 1u << CG_NET_PRIO;
	for (size_t i = 0; i < x->nunified; i++) {
		int c = unified_controller(x->unified[i].key);
		if (c >= 0)
			m |= 1u << c;
	}
	return m;
}

int cg_resources_check(const enum cg_version version[CG_NCONTROLLERS], bool all_v2,
		       const struct cg_limits *l, struct rc_error *err)
{
	const struct cg_more *x = l->more;
	if ((l->cpu_rt_period_us || l->cpu_rt_runtime_set) && version[CG_CPU] == CG_V2)
		return rc_error_set(err, EOPNOTSUPP,
				    "a real-time CPU period or runtime cannot be set with cgroup "
				    "v2 (it has no cpu.rt_period_us)");
	if (x && x->blkio_leaf_weight && version[CG_BLKIO] == CG_V2)
		return rc_error_set(err, EOPNOTSUPP,
				    "a block I/O leaf weight cannot be set with "
				    "cgroup v2 (it has no blkio.leaf_weight)");
	if (x && x->nunified && !all_v2)
		return rc_error_set(err, EOPNOTSUPP,
				    "unified (cgroup v2) settings cannot be applied: the sandbox's "
				    "cgroups are not all on cgroup v2");
	return 0;
}

/* Writes value to an existing file (no O_CREAT: a file the host lacks is
 * -ENOENT, where cgroupfs would say EACCES to a create). */
static int write_existing(int dirfd, const char *name, const char *value)
{
	int fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, value, strlen(value)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int write_existing_u64(int dirfd, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return write_existing(dirfd, name, buf);
}

/* v1 cpuset: a grown set is written to the sandbox cgroup first, a
 * shrunk one to the guest's first (a v1 child must stay within its
 * parent); v2 has no such rule and the guest's part inherits. */
static int cpuset_pair(int id_fd, int guest_fd, bool v2, const char *name, const char *value)
{
	int r = cg_write_at(id_fd, name, value);
	if (v2)
		return r;
	if (!r)
		return cg_write_at(guest_fd, name, value);
	int first = cg_write_at(guest_fd, name, value);
	return first ? r : cg_write_at(id_fd, name, value);
}

/* A v1 cpuset cgroup holds tasks only once it has CPUs and memory nodes:
 * an empty one gets its parent's, as crun does for the cgroups it makes.
 * Each component of path below its mount, then guest, in turn. */
int cg_cpuset_inherit(const char *path, size_t mount_len)
{
	char mount[PATH_MAX], rest[PATH_MAX];
	if (mount_len >= sizeof(mount) || strlen(path) < mount_len)
		return -EINVAL;
	snprintf(mount, sizeof(mount), "%.*s", (int)mount_len, path);
	snprintf(rest, sizeof(rest), "%s/guest", path + mount_len);
	_cleanup_close_ int fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char *save = NULL;
	for (char *name = strtok_r(rest, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		int child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0)
			return -errno;
		static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			_cleanup_free_ char *own = NULL, *up = NULL;
			if (read_file_at(child, files[i], &own) >= 0 && own[0] && own[0] != '\n')
				continue;
			int r = read_file_at(fd, files[i], &up) < 0
					? -EIO
					: cg_write_at(child, files[i], up);
			if (r) {
				close(child);
				return r;
			}
		}
		close(fd);
		fd = child;
	}
	return 0;
}

int cg_cpuset_fill(int parent_fd, int id_fd, int guest_fd, const char *path, size_t mount_len)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *up = NULL;
		/* A parent made empty on the way (or by someone): the walk. */
		if (read_file_at(parent_fd, files[i], &up) < 0 || !up[0] || up[0] == '\n')
			return cg_cpuset_inherit(path, mount_len);
		int r = cg_write_at(id_fd, files[i], up);
		if (!r)
			r = cg_write_at(guest_fd, files[i], up);
		if (r)
			return r;
	}
	return 0;
}

/* One line per device of the kinds (1 << enum cg_blkio_kind) into name,
 * through one open file (the kernel takes one rule per write). v2's
 * io.max gets "key=value" with key[kind]. */
static int device_lines(int dirfd, const char *name, const struct cg_more *x, unsigned kinds,
			const char *const *key, bool leaf)
{
	int fd = -1, r = 0;
	for (size_t i = 0; i < x->nblkio && !r; i++) {
		const struct cg_blkio_device *d = &x->blkio[i];
		if (!(kinds & (1u << d->kind)))
			continue;
		if (fd < 0 && (fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
			return -errno;
		char line[96];
		if (key)
			snprintf(line, sizeof(line), "%llu:%llu %s=%llu\n",
				 (unsigned long long)d->major, (unsigned long long)d->minor,
				 key[d->kind], (unsigned long long)d->value);
		else
			snprintf(line, sizeof(line), "%llu:%llu %llu\n",
				 (unsigned long long)d->major, (unsigned long long)d->minor,
				 (unsigned long long)(leaf ? d->leaf_weight : d->value));
		if (write(fd, line, strlen(line)) < 0)
			r = -errno;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* A write that names its file when it fails. */
#define TRY(call, name)                 \
	do {                            \
		int r_ = (call);        \
		if (r_) {               \
			*file = (name); \
			return r_;      \
		}                       \
	} while (0)

static int cpu_apply(int id_fd, bool v2, const struct cg_limits *l, const char **file)
{
	if (l->cpu_shares)
		TRY(v2 ? cg_write_u64_at(id_fd, "cpu.weight", cg_shares_to_weight(l->cpu_shares))
		       : cg_write_u64_at(id_fd, "cpu.shares", l->cpu_shares),
		    v2 ? "cpu.weight" : "cpu.shares");
	if (v2)
		return 0;
	if (l->cpu_rt_period_us)
		TRY(write_existing_u64(id_fd, "cpu.rt_period_us", l->cpu_rt_period_us),
		    "cpu.rt_period_us");
	if (l->cpu_rt_runtime_set) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", (long long)l->cpu_rt_runtime_us);
		TRY(write_existing(id_fd, "cpu.rt_runtime_us", buf), "cpu.rt_runtime_us");
	}
	return 0;
}

static int blkio_apply(int id_fd, bool v2, const struct cg_limits *l, const char **file)
{
	static const char *const v1_throttle[] = {
		[CG_BLKIO_READ_BPS] = "blkio.throttle.read_bps_device",
		[CG_BLKIO_WRITE_BPS] = "blkio.throttle.write_bps_device",
		[CG_BLKIO_READ_IOPS] = "blkio.throttle.read_iops_device",
		[CG_BLKIO_WRITE_IOPS] = "blkio.throttle.write_iops_device",
	};
	static const char *const v2_key[] = {
		[CG_BLKIO_READ_BPS] = "rbps",
		[CG_BLKIO_WRITE_BPS] = "wbps",
		[CG_BLKIO_READ_IOPS] = "riops",
		[CG_BLKIO_WRITE_IOPS] = "wiops",
	};
	const struct cg_more *x = l->more;
	if (l->blkio_weight && !v2)
		TRY(write_existing_u64(id_fd, "blkio.weight", l->blkio_weight), "blkio.weight");
	if (l->blkio_weight && v2) {
		int r = write_existing_u64(id_fd, "io.bfq.weight", l->blkio_weight);
		if (r == -ENOENT)
			TRY(write_existing_u64(id_fd, "io.weight",
					       cg_blkio_to_io_weight(l->blkio_weight)),
			    "io.weight");
		else
			TRY(r, "io.bfq.weight");
	}
	if (!x)
		return 0;
	if (x->blkio_leaf_weight)
		TRY(write_existing_u64(id_fd, "blkio.leaf_weight", x->blkio_leaf_weight),
		    "blkio.leaf_weight");
	const unsigned weight = 1u << CG_BLKIO_WEIGHT, throttles = 0xfu << CG_BLKIO_READ_BPS;
	if (v2) {
		TRY(device_lines(id_fd, "io.bfq.weight", x, weight, NULL, false), "io.bfq.weight");
		TRY(device_lines(id_fd, "io.max", x, throttles, v2_key, false), "io.max");
		return 0;
	}
	TRY(device_lines(id_fd, "blkio.weight_device", x, weight, NULL, false),
	    "blkio.weight_device");
	TRY(device_lines(id_fd, "blkio.leaf_weight_device", x, weight, NULL, true),
	    "blkio.leaf_weight_device");
	for (int k = CG_BLKIO_READ_BPS; k <= CG_BLKIO_WRITE_IOPS; k++)
		TRY(device_lines(id_fd, v1_throttle[k], x, 1u << k, NULL, false), v1_throttle[k]);
	return 0;
}

static int hugetlb_apply(int id_fd, bool v2, const struct cg_more *x, const char **file)
{
	static char name[64];
	for (size_t i = 0; i < x->nhugetlb; i++) {
		snprintf(name, sizeof(name), "hugetlb.%s.%s", x->hugetlb[i].page_size,
			 v2 ? "max" : "limit_in_bytes");
		TRY(write_existing_u64(id_fd, name, x->hugetlb[i].limit), name);
	}
	return 0;
}

/* net_cls and net_prio: the sandbox cgroup and the guest's part, which
 * copied its parent's values when it was made, before these. */
static int net_apply(int id_fd, int guest_fd, unsigned controllers, const struct cg_more *x,
		     const char **file)
{
	int fds[] = {id_fd, guest_fd};
	for (size_t f = 0; f < ARRAY_SIZE(fds); f++) {
		if ((controllers & (1u << CG_NET_CLS)) && x->net_classid_set)
			TRY(write_existing_u64(fds[f], "net_cls.classid", x->net_classid),
			    "net_cls.classid");
		if (!(controllers & (1u << CG_NET_PRIO)))
			continue;
		for (size_t i = 0; i < x->nnet_prio; i++) {
			char line[48];
			snprintf(line, sizeof(line), "%s %u\n", x->net_prio[i].iface,
				 (unsigned)x->net_prio[i].priority);
			TRY(write_existing(fds[f], "net_prio.ifpriomap", line),
			    "net_prio.ifpriomap");
		}
	}
	return 0;
}

int cg_resources_apply(int id_fd, int guest_fd, enum cg_version version, unsigned controllers,
		       const struct cg_limits *l, const char **file)
{
	bool v2 = version == CG_V2;
	const struct cg_more *x = l->more;
	*file = NULL;
	if (controllers & (1u << CG_CPU)) {
		int r = cpu_apply(id_fd, v2, l, file);
		if (r)
			return r;
	}
	if (controllers & (1u << CG_CPUSET)) {
		/* The kernel says EINVAL for a set outside the parent's. */
		if (l->cpuset_cpus[0])
			TRY(cpuset_pair(id_fd, guest_fd, v2, "cpuset.cpus", l->cpuset_cpus),
			    "cpuset.cpus (the CPUs must be within its parent cgroup's)");
		if (l->cpuset_mems[0])
			TRY(cpuset_pair(id_fd, guest_fd, v2, "cpuset.mems", l->cpuset_mems),
			    "cpuset.mems (the nodes must be within its parent cgroup's)");
	}
	if (controllers & (1u << CG_BLKIO)) {
		int r = blkio_apply(id_fd, v2, l, file);
		if (r)
			return r;
	}
	if (!x)
		return 0;
	if (controllers & (1u << CG_HUGETLB)) {
		int r = hugetlb_apply(id_fd, v2, x, file);
		if (r)
			return r;
	}
	if (controllers & ((1u << CG_NET_CLS) | (1u << CG_NET_PRIO))) {
		int r = net_apply(id_fd, guest_fd, controllers, x, file);
		if (r)
			return r;
	}
	/* Last, as crun writes them: they win over the fields above. In the
	 * v2 hierarchy, whatever controllers it holds: they are asked for
	 * only when all of the sandbox's cgroups are there
	 * (cg_resources_check), so this is once per sandbox. */
	if (v2)
		for (size_t i = 0; i < x->nunified; i++)
			TRY(write_existing(unified_guest_scoped(x->unified[i].key) ? guest_fd
										   : id_fd,
					   x->unified[i].key, x->unified[i].value),
			    x->unified[i].key);
	return 0;
}
