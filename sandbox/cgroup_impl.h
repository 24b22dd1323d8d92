/* SPDX-License-Identifier: Apache-2.0 */
/* Inside sandbox/cgroup.c, cgroup_memory.c and cgroup_stats.c: a sandbox's cgroups
 * and the helpers that read their files. */
#ifndef RUNSC_SANDBOX_CGROUP_IMPL_H
#define RUNSC_SANDBOX_CGROUP_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "sandbox/cgroup.h"

/* One hierarchy a sandbox has cgroups in. */
struct cg_hierarchy {
	char path[PATH_MAX]; /* <mount>/runsc-c/<id> */
	size_t mount_len;    /* of path's leading mount */
	enum cg_version version;
	unsigned controllers; /* 1 << enum cg_controller */
	int lock_fd;	      /* the sandbox cgroup, flock'ed while it lives */
	int base_fd;	      /* its parent where it was made here, or -1 */
};

struct cgroup {
	struct cg_hierarchy h[CG_NCONTROLLERS];
	int nh;
	int of[CG_NCONTROLLERS]; /* controller -> index in h, or -1 */
	/* The units this sandbox holds in the count of living sandboxes
	 * (cgroup_sweep.c): the set's id (-1: none) and one slot per
	 * hierarchy it has a cgroup in under CG_BASE. */
	int live_id;
	unsigned short live_slot[CG_NCONTROLLERS];
	int nlive;
};

/* Writes value to dirfd/name in one write; O_CREAT|O_TRUNC as a shell's
 * `echo > file` (the same on cgroupfs, and the unit tests' trees of plain
 * files work). 0 or -errno. */
int cg_write_at(int dirfd, const char *name, const char *value);
/* A file holding one number ("max": UINT64_MAX); false if unreadable. */
bool cg_read_u64(int dirfd, const char *file, uint64_t *out);
/* The number after key in "key value" lines (memory.events, cpu.stat,
 * memory.oom_control, ...); false if absent. */
bool cg_read_key(int dirfd, const char *file, const char *key, uint64_t *out);
/* A new fd of the sandbox cgroup (part NULL) or one of its parts in ctl's
 * hierarchy, or -1. */
int cg_ctl_dir(const struct cgroup *cg, enum cg_controller ctl, const char *part);

/* Kills and removes <base_fd>/<name> with its two children. */
int cg_remove_sandbox_dir(int base_fd, const char *name);
/* Whether controller c is the first one held in its hierarchy (so that
 * each hierarchy is visited once; its index names the hierarchy in the
 * count of living sandboxes). */
bool cg_first_in_mount(const struct cg_host *host, int c);

/* cgroup_sweep.c. A sandbox made under CG_BASE counts itself among the
 * living ones in each of its hierarchies before it makes a cgroup there
 * (cg_live_hold, after cg_plan), and stops counting once its cgroups are
 * removed (cg_live_release): the kernel takes the units back from a
 * launcher that dies without that, so cg_sweep() looks into a hierarchy
 * only where it holds more sandbox cgroups than living sandboxes count
 * there. Both are best effort: a count that cannot be kept makes the
 * sweep look everywhere, as it would without one. */
void cg_live_hold(const struct cg_host *host, struct cgroup *cg);
void cg_live_release(struct cgroup *cg);

/* The same with a number. */
int cg_write_u64_at(int dirfd, const char *name, uint64_t v);

/* cgroup_memory.c. A limit for the guest in guest/, and for the whole
 * sandbox (the guest's plus kernel_reserve for the sentry and gofer) in
 * the sandbox cgroup. */
int cg_write_pair(int id_fd, int guest_fd, const char *name, uint64_t guest_value,
		  uint64_t kernel_reserve);
/* -EOPNOTSUPP with err filled when l asks what a memory hierarchy of that
 * version cannot do (swappiness, the OOM killer off: v1 only). */
int cg_memory_check(enum cg_version version, const struct cg_limits *l, struct rc_error *err);
/* -EINVAL with err filled when l gives memory+swap alone (no memory
 * limit) below the guest's current memory limit, which the kernel would
 * refuse with a bare EINVAL; the message names both numbers. */
int cg_memory_swap_check(int guest_fd, enum cg_version version, const struct cg_limits *l,
			 struct rc_error *err);
/* l's memory settings in one hierarchy's sandbox cgroup (id_fd) and its
 * guest part; swap: the hierarchy accounts swap. 0 or -errno. */
int cg_memory_apply(int id_fd, int guest_fd, enum cg_version version, const struct cg_limits *l,
		    bool swap);

/* cgroup_resources.c. The controllers l's other settings need. */
unsigned cg_resources_needed(const struct cg_limits *l);
/* -EOPNOTSUPP with err filled when l asks what the hierarchies (each
 * controller's version; all_v2: the sandbox's cgroups are all on v2)
 * cannot do: a real-time budget or a leaf weight on v2, unified on v1. */
int cg_resources_check(const enum cg_version version[CG_NCONTROLLERS], bool all_v2,
		       const struct cg_limits *l, struct rc_error *err);
/* l's settings beyond memory, pids and the quota in one hierarchy's
 * sandbox cgroup (id_fd) and, where needed, its guest part; 0, or -errno
 * with *file the file that failed. */
int cg_resources_apply(int id_fd, int guest_fd, enum cg_version version, unsigned controllers,
		       const struct cg_limits *l, const char **file);
/* Gives each empty v1 cpuset cgroup below the mount (path's first
 * mount_len bytes) down to path/guest its parent's CPUs and memory
 * nodes. 0 or -errno. */
int cg_cpuset_inherit(const char *path, size_t mount_len);
/* The same for a sandbox cgroup just made (id_fd, its part guest_fd, both
 * empty) in parent_fd: the parent's copied, with the walk only where the
 * parent is empty itself. */
int cg_cpuset_fill(int parent_fd, int id_fd, int guest_fd, const char *path, size_t mount_len);

#endif
