/* SPDX-License-Identifier: Apache-2.0 */
/* What a sandbox's cgroups say it used: at its end (cg_stats_read, or only
 * cg_oom_kills), while it runs (cg_usage_read) and for /proc/meminfo
 * (cg_memory_read). sandbox/cgroup.h describes each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_impl.h"

/* Tasks the OOM killer killed in the sandbox: v1 counts each cgroup on
 * its own, v2's memory.events the subtree (the sandbox's covers the
 * guest). */
static uint64_t oom_kills_at(int mem, int mem_guest, enum cg_version version)
{
	uint64_t v, kills = 0;
	if (version == CG_V2)
		return mem >= 0 && cg_read_key(mem, "memory.events", "oom_kill", &v) ? v : 0;
	for (int i = 0; i < 2; i++) {
		int fd = i ? mem : mem_guest;
		if (fd >= 0 && cg_read_key(fd, "memory.oom_control", "oom_kill", &v))
			kills += v;
	}
	return kills;
}

uint64_t cg_oom_kills(struct cgroup *cg)
{
	if (cg->of[CG_MEMORY] < 0)
		return 0;
	enum cg_version version = cg->h[cg->of[CG_MEMORY]].version;
	int mem = cg->h[cg->of[CG_MEMORY]].lock_fd;
	_cleanup_close_ int mem_guest = version == CG_V1 ? cg_ctl_dir(cg, CG_MEMORY, "guest") : -1;
	return oom_kills_at(mem, mem_guest, version);
}

static void stats_v1(struct cgroup *cg, struct cg_stats *st)
{
	_cleanup_close_ int mem = cg_ctl_dir(cg, CG_MEMORY, NULL);
	_cleanup_close_ int mem_guest = cg_ctl_dir(cg, CG_MEMORY, "guest");
	_cleanup_close_ int acct = cg_ctl_dir(cg, CG_CPUACCT, NULL);
	_cleanup_close_ int cpu = cg_ctl_dir(cg, CG_CPU, NULL);
	uint64_t v;
	if (mem >= 0)
		st->memory_peak_known =
			cg_read_u64(mem, "memory.max_usage_in_bytes", &st->memory_peak_bytes);
	st->oom_kills = oom_kills_at(mem, mem_guest, CG_V1);
	if (mem_guest >= 0 && cg_read_u64(mem_guest, "memory.failcnt", &v))
		st->memory_limit_hits += v;
	uint64_t user_ns, sys_ns;
	if (acct >= 0 && cg_read_u64(acct, "cpuacct.usage_user", &user_ns) &&
	    cg_read_u64(acct, "cpuacct.usage_sys", &sys_ns)) {
		st->cpu_user_us = user_ns / 1000;
		st->cpu_system_us = sys_ns / 1000;
		st->cpu_known = true;
	}
	if (cpu >= 0 && cg_read_key(cpu, "cpu.stat", "nr_throttled", &v))
		st->cpu_throttled = v;
}

static void stats_v2(struct cgroup *cg, struct cg_stats *st)
{
	_cleanup_close_ int mem = cg_ctl_dir(cg, CG_MEMORY, NULL);
	_cleanup_close_ int mem_guest = cg_ctl_dir(cg, CG_MEMORY, "guest");
	_cleanup_close_ int cpu = cg_ctl_dir(cg, CG_CPU, NULL);
	uint64_t v;
	if (mem >= 0)
		st->memory_peak_known = cg_read_u64(mem, "memory.peak", &st->memory_peak_bytes);
	st->oom_kills = oom_kills_at(mem, mem_guest, CG_V2);
	if (mem_guest >= 0 && cg_read_key(mem_guest, "memory.events", "max", &v))
		st->memory_limit_hits += v;
	if (cpu >= 0 && cg_read_key(cpu, "cpu.stat", "user_usec", &st->cpu_user_us) &&
	    cg_read_key(cpu, "cpu.stat", "system_usec", &st->cpu_system_us))
		st->cpu_known = true;
	if (cpu >= 0 && cg_read_key(cpu, "cpu.stat", "nr_throttled", &v))
		st->cpu_throttled = v;
}

void cg_stats_read(struct cgroup *cg, struct cg_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (cg->of[CG_MEMORY] >= 0 && cg->h[cg->of[CG_MEMORY]].version == CG_V2)
		stats_v2(cg, st);
	else
		stats_v1(cg, st);
	_cleanup_close_ int pids_guest = cg_ctl_dir(cg, CG_PIDS, "guest");
	_cleanup_close_ int pids = cg_ctl_dir(cg, CG_PIDS, NULL);
	uint64_t v;
	if (pids_guest >= 0)
		st->pids_peak_known = cg_read_u64(pids_guest, "pids.peak", &st->pids_peak);
	for (int i = 0; i < 2; i++) {
		int fd = i ? pids : pids_guest;
		if (fd >= 0 && cg_read_key(fd, "pids.events", "max", &v))
			st->pids_refused += v;
	}
}

int cg_guest_memory_dir(struct cgroup *cg, enum cg_version *version)
{
	if (cg->of[CG_MEMORY] < 0)
		return -1;
	*version = cg->h[cg->of[CG_MEMORY]].version;
	return cg_ctl_dir(cg, CG_MEMORY, "guest");
}

int cg_memory_read(int dirfd, enum cg_version version, uint64_t *limit, uint64_t *usage)
{
	bool v2 = version == CG_V2;
	if (!cg_read_u64(dirfd, v2 ? "memory.max" : "memory.limit_in_bytes", limit) ||
	    !cg_read_u64(dirfd, v2 ? "memory.current" : "memory.usage_in_bytes", usage))
		return -EIO;
	/* v1 says "no limit" with a huge page-aligned number. */
	if (!v2 && *limit >= (UINT64_MAX >> 2))
		*limit = UINT64_MAX;
	return 0;
}

void cg_memory_cache_read(int dirfd, enum cg_version version, uint64_t *cache,
			  uint64_t *inactive_file)
{
	bool v2 = version == CG_V2;
	*cache = *inactive_file = 0;
	cg_read_key(dirfd, "memory.stat", v2 ? "file" : "total_cache", cache);
	cg_read_key(dirfd, "memory.stat", v2 ? "inactive_file" : "total_inactive_file",
		    inactive_file);
}

static void usage_v1(struct cgroup *cg, struct cg_usage *u)
{
	_cleanup_close_ int mem = cg_ctl_dir(cg, CG_MEMORY, NULL);
	_cleanup_close_ int mem_guest = cg_ctl_dir(cg, CG_MEMORY, "guest");
	_cleanup_close_ int acct = cg_ctl_dir(cg, CG_CPUACCT, NULL);
	_cleanup_close_ int cpu = cg_ctl_dir(cg, CG_CPU, NULL);
	u->memory_known = mem >= 0 && cg_read_u64(mem, "memory.usage_in_bytes", &u->memory_bytes);
	if (mem >= 0)
		cg_read_u64(mem, "memory.max_usage_in_bytes", &u->memory_peak_bytes);
	if (mem_guest >= 0 &&
	    cg_read_u64(mem_guest, "memory.limit_in_bytes", &u->memory_limit_bytes) &&
	    u->memory_limit_bytes >= (UINT64_MAX >> 2))
		u->memory_limit_bytes = UINT64_MAX;
	u->cpu_known = acct >= 0 && cg_read_u64(acct, "cpuacct.usage", &u->cpu_ns);
	if (acct >= 0) {
		cg_read_u64(acct, "cpuacct.usage_user", &u->cpu_user_ns);
		cg_read_u64(acct, "cpuacct.usage_sys", &u->cpu_system_ns);
	}
	uint64_t quota = 0;
	if (cpu >= 0 && cg_read_u64(cpu, "cpu.cfs_period_us", &u->cpu_period_us) &&
	    cg_read_u64(cpu, "cpu.cfs_quota_us", &quota))
		u->cpu_quota_us = (int64_t)quota > 0 ? quota : 0;
}

static void usage_v2(struct cgroup *cg, struct cg_usage *u)
{
	_cleanup_close_ int mem = cg_ctl_dir(cg, CG_MEMORY, NULL);
	_cleanup_close_ int mem_guest = cg_ctl_dir(cg, CG_MEMORY, "guest");
	_cleanup_close_ int cpu = cg_ctl_dir(cg, CG_CPU, NULL);
	u->memory_known = mem >= 0 && cg_read_u64(mem, "memory.current", &u->memory_bytes);
	if (mem >= 0)
		cg_read_u64(mem, "memory.peak", &u->memory_peak_bytes);
	if (mem_guest >= 0)
		cg_read_u64(mem_guest, "memory.max", &u->memory_limit_bytes);
	uint64_t us = 0;
	u->cpu_known = cpu >= 0 && cg_read_key(cpu, "cpu.stat", "usage_usec", &us);
	u->cpu_ns = us * 1000;
	if (cpu >= 0 && cg_read_key(cpu, "cpu.stat", "user_usec", &us))
		u->cpu_user_ns = us * 1000;
	if (cpu >= 0 && cg_read_key(cpu, "cpu.stat", "system_usec", &us))
		u->cpu_system_ns = us * 1000;
	_cleanup_free_ char *max = NULL;
	unsigned long long quota, period;
	if (cpu >= 0 && read_file_at(cpu, "cpu.max", &max) > 0 &&
	    sscanf(max, "%llu %llu", &quota, &period) == 2) {
		u->cpu_quota_us = quota;
		u->cpu_period_us = period;
	}
}

void cg_usage_read(struct cgroup *cg, struct cg_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->memory_limit_bytes = u->pids_limit = UINT64_MAX;
	if (cg->of[CG_MEMORY] >= 0 && cg->h[cg->of[CG_MEMORY]].version == CG_V2)
		usage_v2(cg, u);
	else
		usage_v1(cg, u);
	struct cg_stats st;
	cg_stats_read(cg, &st);
	u->cpu_throttled = st.cpu_throttled;
	u->oom_kills = st.oom_kills;
	u->memory_limit_hits = st.memory_limit_hits;
	_cleanup_close_ int pids = cg_ctl_dir(cg, CG_PIDS, "guest");
	u->pids_known = pids >= 0 && cg_read_u64(pids, "pids.current", &u->pids);
	if (pids >= 0)
		cg_read_u64(pids, "pids.max", &u->pids_limit);
}
