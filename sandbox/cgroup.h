/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's cgroups: one interface over cgroup v1, v2 and the hybrid of
 * both that many hosts mount (v1 controllers under /sys/fs/cgroup/<name>, a
 * cgroup2 mount at /sys/fs/cgroup/unified).
 *
 * Each sandbox gets runsc-c/<id> in every hierarchy that holds a controller
 * it uses (or the cgroup path its caller gives, an OCI config's
 * linux.cgroupsPath), with two children on v2: `kernel` (the sentry and the gofer)
 * and `guest` (the guest's tree). The sandbox cgroup bounds the whole sandbox,
 * the guest cgroup the guest alone, so that an OOM kill for the guest's
 * limit can only land on a guest process. v2 forbids processes in a cgroup
 * whose children have controllers, which is why the sandbox cgroup itself
 * holds none there; v1 has no such rule, and the sentry and the gofer sit
 * in the sandbox cgroup itself (CG_PART_KERNEL names it), one cgroup fewer
 * to make and remove per hierarchy.
 *
 * A sandbox's launcher holds a lock (flock) on its sandbox cgroup for as
 * long as the sandbox lives, and is counted among the living sandboxes;
 * cg_sweep() removes the cgroups of sandboxes whose launcher died without
 * removing them (SIGKILL), so nothing accumulates. It looks in runsc-c/
 * alone: a sandbox at a path of its caller's is removed by that caller
 * (cg_remove with the path), and no cgroup outside runsc-c/ is ever
 * swept. */
#ifndef RUNSC_SANDBOX_CGROUP_H
#define RUNSC_SANDBOX_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* The folder under each hierarchy's root that holds every sandbox. */
#define CG_BASE "runsc-c"

/* CG_FREEZER is v1's freezer hierarchy, or on v2 the cgroup.freeze file
 * every non-root cgroup has (no controller to enable); it stays last (its
 * hierarchy is removed first). CG_BLKIO is v2's io; CG_NET_CLS and
 * CG_NET_PRIO are v1's alone. */
enum cg_controller {
	CG_MEMORY,
	CG_PIDS,
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_BLKIO,
	CG_HUGETLB,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_FREEZER,
	CG_NCONTROLLERS
};
enum cg_version { CG_ABSENT, CG_V1, CG_V2 };
enum cg_layout { CG_LAYOUT_NONE, CG_LAYOUT_V1, CG_LAYOUT_V2, CG_LAYOUT_HYBRID };
/* The two children of a sandbox cgroup. */
enum cg_part { CG_PART_KERNEL, CG_PART_GUEST };

/* Where this host keeps each controller. */
struct cg_host {
	char root[PATH_MAX]; /* "/sys/fs/cgroup", or a test's tree */
	enum cg_layout layout;
	enum cg_version version[CG_NCONTROLLERS];
	/* The hierarchy's mount holding the controller ("" when absent). */
	char mount[CG_NCONTROLLERS][PATH_MAX];
};

/* linux.resources' settings beyond those `update` changes (struct
 * cg_limits' more), written to the sandbox cgroup (cgroup_resources.c):
 * its disk I/O is the gofer's, its hugetlb pages and sockets the guest's. */
enum cg_blkio_kind {
	CG_BLKIO_WEIGHT, /* weightDevice: value the weight, leaf_weight beside */
	CG_BLKIO_READ_BPS,
	CG_BLKIO_WRITE_BPS,
	CG_BLKIO_READ_IOPS,
	CG_BLKIO_WRITE_IOPS,
};
#define CG_BLKIO_MAX	   32
#define CG_HUGETLB_MAX	   8
#define CG_NET_PRIO_MAX	   16
#define CG_UNIFIED_MAX	   32
#define CG_UNIFIED_KEY_MAX 64
#define CG_UNIFIED_VAL_MAX 256
struct cg_more {
	uint16_t blkio_leaf_weight; /* v1 blkio.leaf_weight; 0 none */
	struct cg_blkio_device {
		enum cg_blkio_kind kind;
		uint64_t major, minor;
		uint64_t value;	      /* a weight, bytes or operations per second */
		uint16_t leaf_weight; /* CG_BLKIO_WEIGHT on v1 */
	} blkio[CG_BLKIO_MAX];
	size_t nblkio;
	struct {
		char page_size[16]; /* "2MB", as hugetlb's file names spell it */
		uint64_t limit;
	} hugetlb[CG_HUGETLB_MAX];
	size_t nhugetlb;
	bool net_classid_set; /* v1 net_cls.classid */
	uint32_t net_classid;
	struct {
		char iface[16];
		uint32_t priority;
	} net_prio[CG_NET_PRIO_MAX]; /* v1 net_prio.ifpriomap */
	size_t nnet_prio;
	struct {
		char key[CG_UNIFIED_KEY_MAX];
		char value[CG_UNIFIED_VAL_MAX];
	} unified[CG_UNIFIED_MAX]; /* v2 files, written last */
	size_t nunified;
};

/* A cpuset list ("0-3,6"), as cpuset.cpus and cpuset.mems take it. */
#define CG_CPUSET_MAX 128

/* Limits; 0 means none. memory and pids bound the guest; the sandbox
 * cgroup gets them plus CG_KERNEL_MEMORY / CG_KERNEL_PIDS for the sentry
 * and gofer. cpu bounds the whole sandbox. */
struct cg_limits {
	uint64_t memory_bytes;
	uint64_t pids;
	uint64_t cpu_quota_us; /* per cpu_period_us */
	uint64_t cpu_period_us;
	/* The sandbox's CPU share: v1 cpu.shares, v2 cpu.weight as crun
	 * converts it (1 + (shares - 2) * 9999 / 262142). */
	uint64_t cpu_shares;
	/* v1 cpu.rt_period_us and cpu.rt_runtime_us (runtime -1: no bound);
	 * cgroup v2 has no real-time budget: refused there, as crun does. */
	uint64_t cpu_rt_period_us;
	bool cpu_rt_runtime_set;
	int64_t cpu_rt_runtime_us;
	/* The CPUs and memory nodes the sandbox may use ("" any), in the
	 * sandbox cgroup and its parts. */
	char cpuset_cpus[CG_CPUSET_MAX];
	char cpuset_mems[CG_CPUSET_MAX];
	/* v1 blkio.weight, v2 io.bfq.weight (else io.weight converted as
	 * crun does): 10..1000, 0 none. */
	uint16_t blkio_weight;
	/* cpu, cpuset and blkio cgroups even without a limit in them, where
	 * the host keeps those in hierarchies of their own: a later update
	 * may set one. */
	bool cpu_updatable;
	/* The rest (NULL: none), owned by the caller. */
	const struct cg_more *more;
	/* Hierarchies a sandbox can do without, where they are hierarchies
	 * of their own (v1): cpuacct where its CPU time is never read, the
	 * freezer where it is never paused. Each one skipped saves making,
	 * joining and removing three cgroups. */
	bool no_cpu_stats;
	bool no_freezer;
	/* The guest's other memory settings (an OCI config's
	 * linux.resources.memory; 0 or false: not given), in its memory
	 * cgroup (cgroup_memory.c): a soft limit (v1
	 * memory.soft_limit_in_bytes, v2 memory.low), memory+swap (v1
	 * memory.memsw.limit_in_bytes, v2 memory.swap.max the part above
	 * memory_bytes; UINT64_MAX: no bound), and, v1 only, swappiness and
	 * the OOM killer turned off (memory.oom_control). Without
	 * memory_swap, swap is no way past the memory limit. */
	uint64_t memory_reservation;
	uint64_t memory_swap;
	bool swappiness_set;
	uint8_t swappiness; /* 0..100 */
	bool oom_kill_disable;
};
/* crun's conversions for v2: cpu.weight of cpu.shares, io.weight of a
 * blkio weight. */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* Whether l sets anything in the memory controller. */
bool cg_memory_given(const struct cg_limits *l);
#define CG_KERNEL_MEMORY (64ULL << 20)
#define CG_KERNEL_PIDS	 64

/* What a sandbox used, read at its end. A field that the host cannot tell
 * is 0 (and its *_known flag false). */
struct cg_stats {
	uint64_t memory_peak_bytes; /* the whole sandbox */
	bool memory_peak_known;
	uint64_t cpu_user_us, cpu_system_us; /* the whole sandbox */
	bool cpu_known;
	uint64_t pids_peak; /* the guest */
	bool pids_peak_known;
	uint64_t oom_kills;	    /* in the guest or the sandbox */
	uint64_t pids_refused;	    /* forks refused at the pids limit */
	uint64_t cpu_throttled;	    /* periods the quota was exhausted */
	uint64_t memory_limit_hits; /* times usage reached the limit (v1 failcnt, v2 max) */
};

struct cgroup;

/* The longest cgroup path a sandbox may be given. */
#define CG_PATH_MAX 512

/* A sandbox's cgroup path as its caller gives it (an OCI config's
 * linux.cgroupsPath) made normal into out: one leading '/', no empty
 * component, no trailing '/'. A relative path is taken from each
 * hierarchy's root, as crun takes it. -EINVAL with *why saying what is
 * wrong for a path naming the root cgroup, with a `.` or `..` component
 * (nothing may lead out of the hierarchy), a component with a newline or
 * longer than NAME_MAX, a path longer than CG_PATH_MAX, or one in CG_BASE
 * (the cgroups of sandboxes without a path, which cg_sweep() removes);
 * out is then "". */
int cg_path_normal(const char *path, char *out, size_t size, const char **why);

/* Finds the controllers under root (NULL: /sys/fs/cgroup). Returns 0, or a
 * negative errno with err filled when no hierarchy holds any of them. */
int cg_host_detect(const char *root, struct cg_host *host, struct rc_error *err);
const char *cg_layout_name(enum cg_layout layout);

/* Makes runsc-c/<id> (with path: that cgroup path, cg_path_normal, and
 * its missing parents; -EEXIST if the cgroup exists) and its children in
 * every hierarchy, applies limits and takes the sandbox's lock. On
 * failure nothing is left behind but parents made on the way, which
 * stay, as runc and crun leave them. */
int cg_create(const struct cg_host *host, const char *id, const char *path,
	      const struct cg_limits *limits, struct cgroup **out, struct rc_error *err);
/* Moves pid (and, for a process, all its threads) into one part. */
int cg_attach(struct cgroup *cg, enum cg_part part, pid_t pid, struct rc_error *err);
/* One part's cgroup.procs in every hierarchy, opened ahead so that a move
 * that must be quick (the guest's init, which waits for it) costs one
 * write per hierarchy. The files may be handed to another process, which
 * fills in part, fd and n itself (cg NULL: errors name no path). */
struct cg_procs {
	const struct cgroup *cg;
	enum cg_part part;
	int fd[CG_NCONTROLLERS];
	int n;
};
int cg_procs_open(const struct cgroup *cg, enum cg_part part, struct cg_procs *procs,
		  struct rc_error *err);
int cg_procs_attach(const struct cg_procs *procs, pid_t pid, struct rc_error *err);
/* Closes the files (safe after a failed open, and twice). */
void cg_procs_close(struct cg_procs *procs);
/* Reads what the sandbox used so far. */
void cg_stats_read(struct cgroup *cg, struct cg_stats *st);
/* Of those, only how many tasks the OOM killer killed in the sandbox (what
 * an exit by SIGKILL needs to be told apart), with one or two reads. */
uint64_t cg_oom_kills(struct cgroup *cg);
/* A directory fd of the guest's memory cgroup (for /proc/meminfo) and its
 * version, or -1. The caller owns the fd. */
int cg_guest_memory_dir(struct cgroup *cg, enum cg_version *version);
/* The guest's memory limit (UINT64_MAX: none) and current use, from a
 * directory fd cg_guest_memory_dir() gave. */
int cg_memory_read(int dirfd, enum cg_version version, uint64_t *limit, uint64_t *usage);
/* Of that use, the page cache and its reclaimable (inactive) part; 0 for
 * what memory.stat does not say. */
void cg_memory_cache_read(int dirfd, enum cg_version version, uint64_t *cache,
			  uint64_t *inactive_file);
/* Kills every process left in the sandbox's cgroups, removes them and
 * frees cg. Safe on NULL. */
void cg_destroy(struct cgroup *cg);
/* Removes what sandboxes whose launcher died left behind, in every
 * hierarchy: each one is listed under its own base lock, and a sandbox
 * cgroup there whose lock nobody holds is removed (a launcher killed while
 * it made or removed its cgroups leaves them in any subset of the
 * hierarchies). A base that holds no more sandbox cgroups (its link count
 * says how many) than living sandboxes count there (cgroup_sweep.c) is not
 * opened: with nothing left by a dead one, a sweep costs a few calls
 * however many sandboxes live. Returns how many sandbox cgroups
 * (runsc-c/<id>, one per hierarchy) it removed; adds to *looked (unless
 * NULL) how many it had to look into. */
int cg_sweep(const struct cg_host *host, unsigned *looked);
/* Kills what is left in the cgroups of sandbox id (with path: at that
 * path), whose launcher is gone, and removes them in every hierarchy; the
 * path's parents stay. Returns 0, or a negative errno (an id that cannot
 * name a cgroup, a path cg_path_normal refuses: -EINVAL). */
int cg_remove(const struct cg_host *host, const char *id, const char *path);
/* The sandbox cgroup's path in one controller's hierarchy ("" if absent). */
const char *cg_path(const struct cgroup *cg, enum cg_controller ctl);

/* ---- a living sandbox, from any process (pause, update, usage) ---- */

/* Opens the cgroups of sandbox id (runsc-c/<id> in every hierarchy, or
 * path when not NULL) that another process made, without its lock.
 * -ENOENT with err filled when it has none. Free with cg_close, which
 * removes nothing. */
int cg_open(const struct cg_host *host, const char *id, const char *path, struct cgroup **out,
	    struct rc_error *err);
void cg_close(struct cgroup *cg);

/* Freezes or thaws the guest part: v1 freezer.state FROZEN/THAWED, v2
 * cgroup.freeze 1/0, then waits up to timeout_ms until the kernel says the
 * guest is frozen (v1 freezer.state FROZEN, v2 cgroup.events "frozen 1");
 * if it never does, the guest is thawed again and -EBUSY returned. The
 * sentry and the gofer are not frozen: a guest task waiting for the
 * sentry's answer to a notification can only stop once answered, so a
 * frozen sentry could keep the guest from ever reaching FROZEN.
 * -EOPNOTSUPP when no hierarchy offers a freezer. */
int cg_freeze(struct cgroup *cg, bool frozen, int timeout_ms, struct rc_error *err);
#define CG_FREEZE_TIMEOUT_MS 5000
/* 1 if the guest part is frozen (or freezing), 0 if not, -errno. */
int cg_frozen(struct cgroup *cg);
/* Changes the limits of a living sandbox; a 0 field stays as it is. */
int cg_update(struct cgroup *cg, const struct cg_limits *limits, struct rc_error *err);

/* What a sandbox uses now. Memory and CPU count the whole sandbox (sentry
 * and gofer included), tasks the guest; the limits are the guest's. An
 * unknown number is 0 with its flag false; a limit of UINT64_MAX is none. */
struct cg_usage {
	bool memory_known, pids_known, cpu_known;
	uint64_t memory_bytes, memory_peak_bytes, memory_limit_bytes;
	uint64_t pids, pids_limit;
	uint64_t cpu_ns, cpu_user_ns, cpu_system_ns;
	uint64_t cpu_quota_us, cpu_period_us;		      /* quota 0: none */
	uint64_t cpu_throttled, oom_kills, memory_limit_hits; /* as in cg_stats */
};
void cg_usage_read(struct cgroup *cg, struct cg_usage *u);

#endif
