/* SPDX-License-Identifier: Apache-2.0 */
/* Inside sandbox/cgroup.c and sandbox/cgroup_stats.c: a sandbox's cgroups
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
	enum cg_version version;
	unsigned controllers; /* 1 << enum cg_controller */
	int lock_fd;	      /* the sandbox cgroup, flock'ed while it lives */
	int base_fd;	      /* its parent where it was made here, or -1 */
};

struct cgroup {
	struct cg_hierarchy h[CG_NCONTROLLERS];
	int nh;
	int of[CG_NCONTROLLERS]; /* controller -> index in h, or -1 */
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

#endif
