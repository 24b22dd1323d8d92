/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's memory settings in one hierarchy (struct cg_limits): the
 * limit and swap, the soft limit, and on v1 swappiness and the OOM killer.
 * The guest's values go to guest/, the whole sandbox's (the guest's plus
 * what the sentry and the gofer may take) to the sandbox cgroup; the OOM
 * killer is turned off for the guest alone, so that the sentry and the
 * gofer never wait on a full sandbox for memory nobody frees. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_impl.h"

int cg_write_pair(int id_fd, int guest_fd, const char *name, uint64_t guest_value,
		  uint64_t kernel_reserve)
{
	int r = cg_write_u64_at(id_fd, name, guest_value + kernel_reserve);
	return r ? r : cg_write_u64_at(guest_fd, name, guest_value);
}

bool cg_memory_given(const struct cg_limits *l)
{
	return l->memory_bytes || l->memory_swap || l->memory_reservation || l->swappiness_set ||
	       l->oom_kill_disable;
}

int cg_memory_check(enum cg_version version, const struct cg_limits *l, struct rc_error *err)
{
	if (version != CG_V2)
		return 0;
	if (l->swappiness_set)
		return rc_error_set(err, EOPNOTSUPP,
				    "memory swappiness cannot be set with cgroup v2 (it has no "
				    "memory.swappiness)");
	if (l->oom_kill_disable)
		return rc_error_set(err, EOPNOTSUPP,
				    "the OOM killer cannot be disabled with cgroup v2 (it has no "
				    "memory.oom_control)");
	return 0;
}

int cg_memory_swap_check(int guest_fd, enum cg_version version, const struct cg_limits *l,
			 struct rc_error *err)
{
	if (!l->memory_swap || l->memory_swap == UINT64_MAX || l->memory_bytes)
		return 0;
	uint64_t limit;
	if (!cg_read_u64(guest_fd, version == CG_V2 ? "memory.max" : "memory.limit_in_bytes",
			 &limit) ||
	    l->memory_swap >= limit)
		return 0;
	if (limit == UINT64_MAX)
		return rc_error_set(err, EINVAL,
				    "a memory+swap limit of %llu bytes needs a memory limit, and "
				    "the sandbox has none",
				    (unsigned long long)l->memory_swap);
	return rc_error_set(err, EINVAL,
			    "a memory+swap limit of %llu bytes is below the memory limit (%llu)",
			    (unsigned long long)l->memory_swap, (unsigned long long)limit);
}

/* memory+swap on v1, UINT64_MAX: no bound ("-1"). */
static int memsw_pair(int id_fd, int guest_fd, uint64_t memsw)
{
	static const char f[] = "memory.memsw.limit_in_bytes";
	if (memsw != UINT64_MAX)
		return cg_write_pair(id_fd, guest_fd, f, memsw, CG_KERNEL_MEMORY);
	int r = cg_write_at(id_fd, f, "-1");
	return r ? r : cg_write_at(guest_fd, f, "-1");
}

/* v1 keeps memory+swap >= memory: a raise writes memsw first, a cut
 * memory first. Without memory_swap, memsw follows the memory limit. */
static int v1_limit(int id_fd, int guest_fd, const struct cg_limits *l, bool swap)
{
	static const char mem[] = "memory.limit_in_bytes";
	uint64_t memsw = !swap ? 0 : l->memory_swap ? l->memory_swap : l->memory_bytes;
	if (!l->memory_bytes)
		return memsw ? memsw_pair(id_fd, guest_fd, memsw) : 0;
	int r = cg_write_pair(id_fd, guest_fd, mem, l->memory_bytes, CG_KERNEL_MEMORY);
	if (!memsw)
		return r;
	if (!r)
		return memsw_pair(id_fd, guest_fd, memsw);
	if (r != -EINVAL)
		return r;
	r = memsw_pair(id_fd, guest_fd, memsw);
	return r ? r : cg_write_pair(id_fd, guest_fd, mem, l->memory_bytes, CG_KERNEL_MEMORY);
}

/* v2 counts swap apart: the guest's memory.swap.max is memory_swap less
 * the memory limit (the one given, else the guest's current one), 0
 * without memory_swap. */
static int v2_limit(int id_fd, int guest_fd, const struct cg_limits *l, bool swap)
{
	static const char swap_max[] = "memory.swap.max";
	int r = 0;
	if (l->memory_bytes)
		r = cg_write_pair(id_fd, guest_fd, "memory.max", l->memory_bytes, CG_KERNEL_MEMORY);
	if (r || !swap || (!l->memory_bytes && !l->memory_swap))
		return r;
	if (!l->memory_swap)
		return cg_write_at(guest_fd, swap_max, "0");
	if (l->memory_swap == UINT64_MAX)
		return cg_write_at(guest_fd, swap_max, "max");
	uint64_t limit = l->memory_bytes;
	if (!limit && !cg_read_u64(guest_fd, "memory.max", &limit))
		return -EIO;
	if (limit == UINT64_MAX || l->memory_swap < limit)
		return -EINVAL;
	return cg_write_u64_at(guest_fd, swap_max, l->memory_swap - limit);
}

int cg_memory_apply(int id_fd, int guest_fd, enum cg_version version, const struct cg_limits *l,
		    bool swap)
{
	bool v2 = version == CG_V2;
	int r = v2 ? v2_limit(id_fd, guest_fd, l, swap) : v1_limit(id_fd, guest_fd, l, swap);
	if (!r && l->memory_reservation)
		r = cg_write_pair(id_fd, guest_fd, v2 ? "memory.low" : "memory.soft_limit_in_bytes",
				  l->memory_reservation, CG_KERNEL_MEMORY);
	if (!r && l->swappiness_set && !v2) {
		r = cg_write_u64_at(id_fd, "memory.swappiness", l->swappiness);
		if (!r)
			r = cg_write_u64_at(guest_fd, "memory.swappiness", l->swappiness);
	}
	if (!r && l->oom_kill_disable && !v2)
		r = cg_write_at(guest_fd, "memory.oom_control", "1");
	return r;
}
