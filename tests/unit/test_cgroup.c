/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's cgroups: layout detection, the files written for limits and
 * read for statistics on trees of plain files shaped like a cgroup2 mount,
 * a v1 host and the hybrid of both; then, where this host has the memory and
 * pids controllers, real cgroups: a pids limit holds, the sandbox's cgroups
 * go away, and the sweep removes what a dead launcher left; and the sweep
 * on a real cgroup2 hierarchy laid out as a pure v2 host's. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/util.h"
#include "sandbox/cgroup.h"

static char tree[256];

static void put(const char *rel, const char *content)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
	ck_assert_int_eq(system(cmd), 0);
	*slash = '/';
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static char *get(const char *rel)
{
	static char buf[256];
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void tree_setup(void)
{
	snprintf(tree, sizeof(tree), "/tmp/runsc-c-test-cgroup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	/* The count of living sandboxes (a System V semaphore set per
	 * cgroup root) of each test's tree goes with the test's own IPC
	 * namespace. */
	(void)unshare(CLONE_NEWIPC);
}

static void tree_teardown(void)
{
	nftw(tree, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const struct cg_limits limits = {
	.memory_bytes = 256ULL << 20,
	.pids = 100,
	.cpu_quota_us = 50000,
	.cpu_period_us = 100000,
};

START_TEST(test_v2_tree)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char want[64];

	put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.layout, CG_LAYOUT_V2);
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		/* net_cls and net_prio are v1's alone. */
		bool v1_only = c == CG_NET_CLS || c == CG_NET_PRIO;
		ck_assert_int_eq(host.version[c], v1_only ? CG_ABSENT : CG_V2);
		ck_assert_str_eq(host.mount[c], v1_only ? "" : tree);
	}
	ck_assert_int_eq(cg_create(&host, "sb1", NULL, &limits, &cg, &err), 0);
	ck_assert_str_eq(get("cgroup.subtree_control"), "+memory +pids +cpu ");
	ck_assert_str_eq(get("runsc-c/cgroup.subtree_control"), "+memory +pids +cpu ");
	ck_assert_str_eq(get("runsc-c/sb1/cgroup.subtree_control"), "+memory +pids +cpu ");
	snprintf(want, sizeof(want), "%llu", (256ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("runsc-c/sb1/memory.max"), want);
	ck_assert_str_eq(get("runsc-c/sb1/guest/memory.max"), "268435456");
	ck_assert_str_eq(get("runsc-c/sb1/guest/pids.max"), "100");
	snprintf(want, sizeof(want), "%d", 100 + CG_KERNEL_PIDS);
	ck_assert_str_eq(get("runsc-c/sb1/pids.max"), want);
	ck_assert_str_eq(get("runsc-c/sb1/cpu.max"), "50000 100000");
	ck_assert_ptr_null(get("runsc-c/sb1/guest/memory.swap.max")); /* no swap here */
	ck_assert_ptr_nonnull(strstr(cg_path(cg, CG_PIDS), "/runsc-c/sb1"));

	ck_assert_int_eq(cg_attach(cg, CG_PART_GUEST, 4321, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb1/guest/cgroup.procs"), "4321");
	ck_assert_int_eq(cg_attach(cg, CG_PART_KERNEL, 1234, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb1/kernel/cgroup.procs"), "1234");
	/* The same through files opened ahead (the sentry's quick move). */
	struct cg_procs procs;
	ck_assert_int_eq(cg_procs_open(cg, CG_PART_GUEST, &procs, &err), 0);
	ck_assert_int_eq(cg_procs_attach(&procs, 4322, &err), 0);
	cg_procs_close(&procs);
	cg_procs_close(&procs);
	ck_assert_str_eq(get("runsc-c/sb1/guest/cgroup.procs"), "4322");
	ck_assert_int_eq(cg_procs_open(cg, CG_PART_KERNEL, &procs, &err), 0);
	ck_assert_int_eq(cg_procs_attach(&procs, 1235, &err), 0);
	cg_procs_close(&procs);
	ck_assert_str_eq(get("runsc-c/sb1/kernel/cgroup.procs"), "1235");

	put("runsc-c/sb1/memory.peak", "123456789\n");
	put("runsc-c/sb1/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
	put("runsc-c/sb1/guest/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
	put("runsc-c/sb1/cpu.stat", "usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\n"
				    "nr_periods 9\nnr_throttled 7\nthrottled_usec 5\n");
	put("runsc-c/sb1/guest/pids.peak", "42\n");
	put("runsc-c/sb1/guest/pids.events", "max 5\n");
	put("runsc-c/sb1/guest/memory.current", "1048576\n");
	struct cg_stats st;
	cg_stats_read(cg, &st);
	ck_assert(st.memory_peak_known);
	ck_assert_uint_eq(st.memory_peak_bytes, 123456789);
	ck_assert(st.cpu_known);
	ck_assert_uint_eq(st.cpu_user_us, 2000);
	ck_assert_uint_eq(st.cpu_system_us, 1000);
	ck_assert_uint_eq(st.cpu_throttled, 7);
	ck_assert(st.pids_peak_known);
	ck_assert_uint_eq(st.pids_peak, 42);
	ck_assert_uint_eq(st.pids_refused, 5);
	ck_assert_uint_eq(st.oom_kills, 1);
	ck_assert_uint_eq(st.memory_limit_hits, 3);

	enum cg_version ver;
	int dir = cg_guest_memory_dir(cg, &ver);
	ck_assert_int_ge(dir, 0);
	ck_assert_int_eq(ver, CG_V2);
	uint64_t limit, usage;
	ck_assert_int_eq(cg_memory_read(dir, ver, &limit, &usage), 0);
	ck_assert_uint_eq(limit, 256ULL << 20);
	ck_assert_uint_eq(usage, 1048576);
	put("runsc-c/sb1/guest/memory.max", "max\n");
	ck_assert_int_eq(cg_memory_read(dir, ver, &limit, &usage), 0);
	ck_assert_uint_eq(limit, UINT64_MAX);
	uint64_t cache, inactive;
	put("runsc-c/sb1/guest/memory.stat",
	    "anon 100\nfile 8192\nfile_mapped 4096\ninactive_anon 0\ninactive_file 4096\n");
	cg_memory_cache_read(dir, ver, &cache, &inactive);
	ck_assert_uint_eq(cache, 8192);
	ck_assert_uint_eq(inactive, 4096);
	close(dir);
	cg_destroy(cg);
}
END_TEST

/* Swap present: the guest gets none, so swap is no way past its limit. */
START_TEST(test_v2_swap)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;

	put("cgroup.controllers", "memory pids\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_CPU], CG_ABSENT);
	struct cg_limits l = {.memory_bytes = 1 << 20};
	put("runsc-c/memory.swap.max", "max\n");
	ck_assert_int_eq(cg_create(&host, "sb2", NULL, &l, &cg, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb2/guest/memory.swap.max"), "0");
	ck_assert_ptr_null(get("runsc-c/sb2/guest/pids.max"));
	cg_destroy(cg);
	/* An id in use is refused, not shared. */
	ck_assert_int_lt(cg_create(&host, "sb2", NULL, &l, &cg, &err), 0);
	ck_assert_int_eq(err.errno_value, EEXIST);
	ck_assert_ptr_nonnull(strstr(err.msg, "runsc-c/sb2"));
	cg_destroy(cg);
}
END_TEST

/* linux.resources.memory's other fields on v2: memory.low for the
 * reservation, memory.swap.max the part of memory+swap above the limit
 * (or above the guest's current limit in an update), "max" for no bound;
 * swappiness and the OOM killer off are refused with nothing made. */
START_TEST(test_v2_memory_fields)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char want[64];

	put("cgroup.controllers", "memory pids\n");
	put("runsc-c/memory.swap.max", "max\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	struct cg_limits l = {.memory_bytes = 64ULL << 20,
			      .memory_swap = 96ULL << 20,
			      .memory_reservation = 32ULL << 20};
	ck_assert_int_eq(cg_create(&host, "sm", NULL, &l, &cg, &err), 0);
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.max"), "67108864");
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.swap.max"), "33554432");
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.low"), "33554432");
	snprintf(want, sizeof(want), "%llu", (32ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("runsc-c/sm/memory.low"), want);
	ck_assert_ptr_null(get("runsc-c/sm/guest/memory.swappiness"));
	ck_assert_ptr_null(get("runsc-c/sm/guest/memory.oom_control"));
	/* An update of swap alone: the part above the limit the guest has
	 * (a real sandbox cgroup has memory.swap.max, as its guest part). */
	put("runsc-c/sm/memory.swap.max", "max\n");
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_swap = 80ULL << 20}, &err), 0);
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.swap.max"), "16777216");
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_swap = UINT64_MAX}, &err), 0);
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.swap.max"), "max");
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_swap = 1 << 20}, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg,
				     "memory+swap limit of 1048576 bytes is below the memory limit "
				     "(67108864)"));
	ck_assert_str_eq(get("runsc-c/sm/guest/memory.swap.max"), "max");
	/* v2 has neither memory.swappiness nor memory.oom_control. */
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.swappiness_set = true}, &err),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "swappiness"));
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.oom_kill_disable = true}, &err),
			 -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "OOM killer"));
	cg_destroy(cg);
	l = (struct cg_limits){.memory_bytes = 64ULL << 20, .swappiness_set = true};
	ck_assert_int_eq(cg_create(&host, "sn", NULL, &l, &cg, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "cgroup v2"));
	ck_assert_ptr_null(get("runsc-c/sn"));
}
END_TEST

static void v1_tree(bool unified)
{
	static const char *const ctl[] = {"memory", "pids", "cpu", "cpuacct", "freezer"};
	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%s/cgroup.procs", ctl[i]);
		put(rel, "");
	}
	if (unified)
		put("unified/cgroup.controllers", "hugetlb\n");
}

START_TEST(test_hybrid_tree)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char want[64];

	v1_tree(true);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.layout, CG_LAYOUT_HYBRID);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		ck_assert_int_eq(host.version[c], c == CG_HUGETLB		       ? CG_V2
						  : c <= CG_CPUACCT || c == CG_FREEZER ? CG_V1
										       : CG_ABSENT);
	ck_assert_int_eq(cg_create(&host, "sb1", NULL, &limits, &cg, &err), 0);
	snprintf(want, sizeof(want), "%llu", (256ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("memory/runsc-c/sb1/memory.limit_in_bytes"), want);
	ck_assert_str_eq(get("memory/runsc-c/sb1/guest/memory.limit_in_bytes"), "268435456");
	ck_assert_str_eq(get("pids/runsc-c/sb1/guest/pids.max"), "100");
	ck_assert_str_eq(get("cpu/runsc-c/sb1/cpu.cfs_quota_us"), "50000");
	ck_assert_str_eq(get("cpu/runsc-c/sb1/cpu.cfs_period_us"), "100000");
	ck_assert_ptr_nonnull(get("cpuacct/runsc-c/sb1/guest"));
	ck_assert_ptr_null(get("unified/runsc-c"));
	ck_assert_ptr_null(get("memory/runsc-c/sb1/cgroup.subtree_control"));
	ck_assert_int_eq(cg_attach(cg, CG_PART_GUEST, 77, &err), 0);
	ck_assert_str_eq(get("memory/runsc-c/sb1/guest/cgroup.procs"), "77");
	ck_assert_str_eq(get("cpuacct/runsc-c/sb1/guest/cgroup.procs"), "77");
	/* v1: the sentry and the gofer sit in the sandbox cgroup itself. */
	ck_assert_ptr_null(get("memory/runsc-c/sb1/kernel"));
	ck_assert_int_eq(cg_attach(cg, CG_PART_KERNEL, 78, &err), 0);
	ck_assert_str_eq(get("memory/runsc-c/sb1/cgroup.procs"), "78");
	ck_assert_str_eq(get("pids/runsc-c/sb1/cgroup.procs"), "78");
	struct cg_procs procs;
	ck_assert_int_eq(cg_procs_open(cg, CG_PART_KERNEL, &procs, &err), 0);
	ck_assert_int_eq(cg_procs_attach(&procs, 79, &err), 0);
	cg_procs_close(&procs);
	ck_assert_str_eq(get("memory/runsc-c/sb1/cgroup.procs"), "79");
	ck_assert_str_eq(get("pids/runsc-c/sb1/cgroup.procs"), "79");
	ck_assert_int_eq(cg_procs_open(cg, CG_PART_GUEST, &procs, &err), 0);
	ck_assert_int_eq(cg_procs_attach(&procs, 80, &err), 0);
	cg_procs_close(&procs);
	ck_assert_str_eq(get("memory/runsc-c/sb1/guest/cgroup.procs"), "80");
	ck_assert_str_eq(get("cpuacct/runsc-c/sb1/guest/cgroup.procs"), "80");

	put("memory/runsc-c/sb1/memory.max_usage_in_bytes", "5555\n");
	put("memory/runsc-c/sb1/guest/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put("memory/runsc-c/sb1/guest/memory.failcnt", "9\n");
	put("cpuacct/runsc-c/sb1/cpuacct.usage_user", "7000000\n");
	put("cpuacct/runsc-c/sb1/cpuacct.usage_sys", "3000000\n");
	put("pids/runsc-c/sb1/guest/pids.peak", "3\n");
	struct cg_stats st;
	cg_stats_read(cg, &st);
	ck_assert_uint_eq(st.memory_peak_bytes, 5555);
	ck_assert_uint_eq(st.oom_kills, 2);
	ck_assert_uint_eq(st.memory_limit_hits, 9);
	ck_assert(st.cpu_known);
	ck_assert_uint_eq(st.cpu_user_us, 7000);
	ck_assert_uint_eq(st.cpu_system_us, 3000);
	ck_assert_uint_eq(st.pids_peak, 3);

	enum cg_version ver;
	uint64_t limit, usage;
	int dir = cg_guest_memory_dir(cg, &ver);
	ck_assert_int_eq(ver, CG_V1);
	put("memory/runsc-c/sb1/guest/memory.limit_in_bytes", "9223372036854771712\n");
	put("memory/runsc-c/sb1/guest/memory.usage_in_bytes", "4096\n");
	ck_assert_int_eq(cg_memory_read(dir, ver, &limit, &usage), 0);
	ck_assert_uint_eq(limit, UINT64_MAX);
	ck_assert_uint_eq(usage, 4096);
	close(dir);
	cg_destroy(cg);
}
END_TEST

/* The same fields on v1: memory.soft_limit_in_bytes, memsw as
 * memory+swap itself (-1: no bound), swappiness in both cgroups, the OOM
 * killer off in the guest's alone. */
START_TEST(test_v1_memory_fields)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char want[64];

	v1_tree(true);
	put("memory/runsc-c/memory.memsw.limit_in_bytes", "9223372036854771712\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	struct cg_limits l = {.memory_bytes = 64ULL << 20,
			      .memory_swap = 96ULL << 20,
			      .memory_reservation = 32ULL << 20,
			      .swappiness_set = true,
			      .swappiness = 0,
			      .oom_kill_disable = true};
	ck_assert_int_eq(cg_create(&host, "sm", NULL, &l, &cg, &err), 0);
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.limit_in_bytes"), "67108864");
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.memsw.limit_in_bytes"), "100663296");
	snprintf(want, sizeof(want), "%llu", (96ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("memory/runsc-c/sm/memory.memsw.limit_in_bytes"), want);
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.soft_limit_in_bytes"), "33554432");
	snprintf(want, sizeof(want), "%llu", (32ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("memory/runsc-c/sm/memory.soft_limit_in_bytes"), want);
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.swappiness"), "0");
	ck_assert_str_eq(get("memory/runsc-c/sm/memory.swappiness"), "0");
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.oom_control"), "1");
	ck_assert_ptr_null(get("memory/runsc-c/sm/memory.oom_control"));
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_swap = UINT64_MAX}, &err), 0);
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.memsw.limit_in_bytes"), "-1");
	ck_assert_str_eq(get("memory/runsc-c/sm/memory.memsw.limit_in_bytes"), "-1");
	/* Without memory_swap, memsw follows the memory limit. */
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_bytes = 48ULL << 20}, &err), 0);
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.memsw.limit_in_bytes"), "50331648");
	/* memory+swap alone below the guest's memory limit: named, nothing
	 * written (the kernel's answer would be a bare EINVAL). */
	ck_assert_int_eq(cg_update(cg, &(struct cg_limits){.memory_swap = 32ULL << 20}, &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(
		strstr(err.msg, "memory+swap limit of 33554432 bytes is below the memory limit "
				"(50331648)"));
	ck_assert_str_eq(get("memory/runsc-c/sm/guest/memory.memsw.limit_in_bytes"), "50331648");
	cg_destroy(cg);
}
END_TEST

START_TEST(test_v1_tree)
{
	struct cg_host host;
	struct rc_error err;

	v1_tree(false);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.layout, CG_LAYOUT_V1);
}
END_TEST

/* Pause on v2: cgroup.freeze of the guest part, done once cgroup.events
 * says frozen; never frozen means thawed again and EBUSY. Then live
 * limits and usage, all through cg_open as another process would. */
START_TEST(test_v2_freeze_update_usage)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *made, *cg;

	put("cgroup.controllers", "cpu memory pids\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_FREEZER], CG_V2);
	ck_assert_int_eq(cg_open(&host, "sb4", NULL, &cg, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "sb4"));
	ck_assert_int_eq(cg_create(&host, "sb4", NULL, &limits, &made, &err), 0);
	ck_assert_int_eq(cg_open(&host, "sb4", NULL, &cg, &err), 0);

	put("runsc-c/sb4/guest/cgroup.events", "populated 1\nfrozen 1\n");
	ck_assert_int_eq(cg_freeze(cg, true, 50, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb4/guest/cgroup.freeze"), "1");
	ck_assert_ptr_null(get("runsc-c/sb4/cgroup.freeze")); /* sentry, gofer run */
	ck_assert_int_eq(cg_frozen(cg), 1);
	ck_assert_int_eq(cg_freeze(cg, false, 50, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb4/guest/cgroup.freeze"), "0");
	ck_assert_int_eq(cg_frozen(cg), 0);
	put("runsc-c/sb4/guest/cgroup.events", "populated 1\nfrozen 0\n");
	ck_assert_int_eq(cg_freeze(cg, true, 3, &err), -EBUSY);
	ck_assert_ptr_nonnull(strstr(err.msg, "cgroup.events"));
	ck_assert_str_eq(get("runsc-c/sb4/guest/cgroup.freeze"), "0");

	struct cg_limits l = {.pids = 50, .memory_bytes = 64ULL << 20};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb4/guest/pids.max"), "50");
	ck_assert_str_eq(get("runsc-c/sb4/guest/memory.max"), "67108864");
	ck_assert_str_eq(get("runsc-c/sb4/cpu.max"), "50000 100000"); /* unchanged */
	l = (struct cg_limits){.cpu_quota_us = 20000, .cpu_period_us = 100000};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("runsc-c/sb4/cpu.max"), "20000 100000");

	put("runsc-c/sb4/memory.current", "4096\n");
	put("runsc-c/sb4/memory.peak", "8192\n");
	put("runsc-c/sb4/guest/pids.current", "3\n");
	put("runsc-c/sb4/cpu.stat", "usage_usec 30\nuser_usec 20\nsystem_usec 10\n");
	struct cg_usage u;
	cg_usage_read(cg, &u);
	ck_assert(u.memory_known && u.pids_known && u.cpu_known);
	ck_assert_uint_eq(u.memory_bytes, 4096);
	ck_assert_uint_eq(u.memory_peak_bytes, 8192);
	ck_assert_uint_eq(u.memory_limit_bytes, 64ULL << 20);
	ck_assert_uint_eq(u.pids, 3);
	ck_assert_uint_eq(u.pids_limit, 50);
	ck_assert_uint_eq(u.cpu_ns, 30000);
	ck_assert_uint_eq(u.cpu_user_ns, 20000);
	ck_assert_uint_eq(u.cpu_quota_us, 20000);
	cg_close(cg);
	ck_assert_ptr_nonnull(get("runsc-c/sb4/guest/pids.max")); /* close removes nothing */
	cg_destroy(made);
}
END_TEST

/* v1: freezer.state; with no freezer at all, pausing says why. */
START_TEST(test_v1_freeze)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *made, *cg;

	v1_tree(true);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_FREEZER], CG_V1);
	ck_assert_int_eq(cg_create(&host, "sb5", NULL, &limits, &made, &err), 0);
	ck_assert_int_eq(cg_open(&host, "sb5", NULL, &cg, &err), 0);
	put("freezer/runsc-c/sb5/guest/freezer.state", "THAWED\n");
	ck_assert_int_eq(cg_frozen(cg), 0);
	/* A plain file reads back what was written: FROZEN at once. */
	ck_assert_int_eq(cg_freeze(cg, true, 50, &err), 0);
	ck_assert_str_eq(get("freezer/runsc-c/sb5/guest/freezer.state"), "FROZEN");
	ck_assert_int_eq(cg_frozen(cg), 1);
	ck_assert_int_eq(cg_freeze(cg, false, 50, &err), 0);
	ck_assert_str_eq(get("freezer/runsc-c/sb5/guest/freezer.state"), "THAWED");
	cg_close(cg);
	cg_destroy(made);
	tree_teardown();
	tree_setup();

	put("memory/cgroup.procs", "");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_FREEZER], CG_ABSENT);
	ck_assert_int_eq(cg_create(&host, "sb6", NULL, &(struct cg_limits){0}, &made, &err), 0);
	ck_assert_int_eq(cg_open(&host, "sb6", NULL, &cg, &err), 0);
	ck_assert_int_eq(cg_freeze(cg, true, 50, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "freezer"));
	ck_assert_int_eq(cg_frozen(cg), 0);
	cg_close(cg);
	cg_destroy(made);
}
END_TEST

/* A sandbox nothing pauses or asks for its usage (runsc-c do): on v1 no
 * freezer cgroup, and no cpuacct one unless its statistics are wanted;
 * cg_open still finds it, and its OOM kills are read alone. On v2 the
 * freezer is a file of the one hierarchy, which stays. */
START_TEST(test_skipped_hierarchies)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *made, *cg;
	struct cg_limits l = {
		.memory_bytes = 64ULL << 20, .no_cpu_stats = true, .no_freezer = true};

	v1_tree(true);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(cg_create(&host, "sb7", NULL, &l, &made, &err), 0);
	ck_assert_ptr_nonnull(get("memory/runsc-c/sb7/guest"));
	ck_assert_ptr_nonnull(get("pids/runsc-c/sb7/guest"));
	ck_assert_ptr_null(get("cpuacct/runsc-c/sb7"));
	ck_assert_ptr_null(get("cpu/runsc-c/sb7"));
	ck_assert_ptr_null(get("freezer/runsc-c/sb7"));
	ck_assert_str_eq(cg_path(made, CG_FREEZER), "");
	put("memory/runsc-c/sb7/memory.oom_control", "oom_kill_disable 0\noom_kill 1\n");
	put("memory/runsc-c/sb7/guest/memory.oom_control", "oom_kill_disable 0\noom_kill 2\n");
	ck_assert_uint_eq(cg_oom_kills(made), 3);
	struct cg_stats st;
	cg_stats_read(made, &st);
	ck_assert(!st.cpu_known);
	ck_assert_uint_eq(st.oom_kills, 3);
	ck_assert_int_eq(cg_open(&host, "sb7", NULL, &cg, &err), 0);
	ck_assert_int_eq(cg_freeze(cg, true, 50, &err), -EOPNOTSUPP);
	cg_close(cg);
	cg_destroy(made);

	/* With statistics wanted, cpuacct comes back. */
	l.no_cpu_stats = false;
	ck_assert_int_eq(cg_create(&host, "sb8", NULL, &l, &made, &err), 0);
	ck_assert_ptr_nonnull(get("cpuacct/runsc-c/sb8/guest"));
	ck_assert_ptr_null(get("freezer/runsc-c/sb8"));
	cg_destroy(made);
	tree_teardown();
	tree_setup();

	put("cgroup.controllers", "cpu memory pids\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	l.no_cpu_stats = true;
	ck_assert_int_eq(cg_create(&host, "sb9", NULL, &l, &made, &err), 0);
	ck_assert_str_ne(cg_path(made, CG_FREEZER), "");
	put("runsc-c/sb9/memory.events", "max 0\noom 1\noom_kill 4\n");
	ck_assert_uint_eq(cg_oom_kills(made), 4);
	put("runsc-c/sb9/guest/cgroup.events", "populated 1\nfrozen 0\n");
	ck_assert_int_eq(cg_frozen(made), 0);
	cg_destroy(made);
}
END_TEST

START_TEST(test_nothing)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;

	ck_assert_int_eq(cg_host_detect(tree, &host, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, tree));
	/* Only pids here: a memory limit refuses, and nothing is made. */
	put("pids/cgroup.procs", "");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	struct cg_limits l = {.memory_bytes = 1 << 20, .pids = 10};
	ck_assert_int_eq(cg_create(&host, "sb1", NULL, &l, &cg, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "memory"));
	ck_assert_ptr_null(get("pids/runsc-c/sb1"));
	ck_assert_int_eq(cg_create(&host, "a/b", NULL, &(struct cg_limits){.pids = 1}, &cg, &err),
			 -EINVAL);
}
END_TEST

/* A caller's cgroup path (an OCI config's linux.cgroupsPath): made
 * normal, or refused where it leads out of the hierarchy, names the root,
 * cannot name a cgroup or lies in runsc-c's own folder. */
START_TEST(test_path_normal)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"/default/c1", "/default/c1"},
		{"default/c1", "/default/c1"}, /* relative: from the root, as crun */
		{"//a///b/", "/a/b"},
		{"/k8s.io/abc:def", "/k8s.io/abc:def"},
		{"/runsc-cx/a", "/runsc-cx/a"},
		{"/a/runsc-c", "/a/runsc-c"},
	};
	static const char *const bad[] = {
		"",	  "/",	  "///",   "/a/../b",  "..",	     "/a/..",
		"../etc", "/./a", "/a\nb", "/runsc-c", "/runsc-c/x", "runsc-c//x",
	};
	char out[CG_PATH_MAX + 1];
	const char *why;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		why = NULL;
		ck_assert_msg(cg_path_normal(good[i].in, out, sizeof(out), &why) == 0, "%s: %s",
			      good[i].in, why);
		ck_assert_str_eq(out, good[i].out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		why = NULL;
		ck_assert_msg(cg_path_normal(bad[i], out, sizeof(out), &why) == -EINVAL, "%s",
			      bad[i]);
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(out, ""); /* nothing of it left to use */
	}
	char longname[300], longpath[700];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(cg_path_normal(longname, out, sizeof(out), &why), -EINVAL);
	for (size_t i = 0; i + 2 < sizeof(longpath); i += 2)
		memcpy(longpath + i, "/a", 2);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(cg_path_normal(longpath, out, sizeof(out), &why), -EINVAL);
}
END_TEST

/* cpuset lists as cpuset.cpus takes them: CPU 0 is online on every
 * host; a bad list and one beyond the host's CPUs are told apart. */
START_TEST(test_cpuset_lists)
{
	struct rc_error err;
	static const char *const good[] = {"0", "0-0", "0,0", "0-0,0"};
	static const char *const bad[] = {"",	"-1",	"0-", "1-0", "0,",
					  ",0", "0,,1", "a",  "0 1", "0\n"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_int_eq(limit_cpuset_parse(good[i], false, &err), 0);
	ck_assert_int_eq(limit_cpuset_parse("0", true, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(limit_cpuset_parse(bad[i], false, &err), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "expected a list of CPU numbers"));
	}
	ck_assert_int_eq(limit_cpuset_parse("0-99999", false, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "the host's online CPUs are"));
	ck_assert_int_eq(limit_cpuset_parse("1023", true, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "the host's online memory nodes are"));
}
END_TEST

/* crun's conversions for v2, at the ends of each range and in between
 * (the values crun 1.8.1 writes). */
START_TEST(test_v2_conversions)
{
	ck_assert_uint_eq(cg_shares_to_weight(0), 0);
	ck_assert_uint_eq(cg_shares_to_weight(2), 1);
	ck_assert_uint_eq(cg_shares_to_weight(1024), 39);
	ck_assert_uint_eq(cg_shares_to_weight(262144), 10000);
	ck_assert_uint_eq(cg_blkio_to_io_weight(10), 1);
	ck_assert_uint_eq(cg_blkio_to_io_weight(500), 4950);
	ck_assert_uint_eq(cg_blkio_to_io_weight(1000), 10000);
}
END_TEST

/* linux.resources' other settings on a cgroup2 tree: the controllers
 * passed down only when asked for, cpu.weight converted, the cpuset, the
 * io weight (io.bfq.weight, else io.weight converted) and io.max lines,
 * hugetlb, unified last (memory.oom.group in the guest part); a real-time budget, a leaf weight and
 * the v1 network classifiers are refused with nothing written. */
START_TEST(test_v2_settings)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;

	put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_BLKIO], CG_V2);
	ck_assert_int_eq(host.version[CG_NET_CLS], CG_ABSENT);
	struct cg_limits l = {
		.pids = 100, .cpu_shares = 1024, .cpuset_cpus = "0", .cpuset_mems = "0"};
	ck_assert_int_eq(cg_create(&host, "s1", NULL, &l, &cg, &err), 0);
	ck_assert_str_eq(get("runsc-c/s1/cgroup.subtree_control"), "+memory +pids +cpu +cpuset ");
	ck_assert_str_eq(get("runsc-c/s1/cpu.weight"), "39");
	ck_assert_str_eq(get("runsc-c/s1/cpuset.cpus"), "0");
	ck_assert_str_eq(get("runsc-c/s1/cpuset.mems"), "0");
	ck_assert_ptr_null(get("runsc-c/s1/guest/cpuset.cpus")); /* inherits on v2 */
	/* An update opens the cgroups as another process (runsc-c update). */
	struct cgroup *made = cg;
	ck_assert_int_eq(cg_open(&host, "s1", NULL, &cg, &err), 0);

	/* The files a real io, hugetlb and memory cgroup has. */
	put("runsc-c/s1/io.weight", "default 100\n");
	put("runsc-c/s1/io.max", "");
	put("runsc-c/s1/hugetlb.2MB.max", "max\n");
	put("runsc-c/s1/memory.high", "max\n");
	put("runsc-c/s1/memory.oom.group", "0\n");
	put("runsc-c/s1/guest/memory.oom.group", "0\n");
	struct cg_more more = {
		.blkio = {{.kind = CG_BLKIO_READ_BPS, .major = 8, .minor = 0, .value = 1048576},
			  {.kind = CG_BLKIO_WRITE_IOPS, .major = 8, .minor = 16, .value = 100}},
		.nblkio = 2,
		.hugetlb = {{.page_size = "2MB", .limit = 1 << 30}},
		.nhugetlb = 1,
		.unified = {{.key = "memory.high", .value = "50000000"},
			    {.key = "memory.oom.group", .value = "1"}},
		.nunified = 2,
	};
	l = (struct cg_limits){.blkio_weight = 500, .more = &more};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("runsc-c/s1/io.weight"), "4950");
	ck_assert_str_eq(get("runsc-c/s1/io.max"), "8:0 rbps=1048576\n8:16 wiops=100\n");
	ck_assert_str_eq(get("runsc-c/s1/hugetlb.2MB.max"), "1073741824");
	ck_assert_str_eq(get("runsc-c/s1/memory.high"), "50000000");
	/* An OOM kill of the whole group takes the guest's tasks alone. */
	ck_assert_str_eq(get("runsc-c/s1/guest/memory.oom.group"), "1");
	ck_assert_str_eq(get("runsc-c/s1/memory.oom.group"), "0\n");
	ck_assert_str_eq(get("runsc-c/s1/cpu.weight"), "39"); /* unchanged */
	put("runsc-c/s1/io.bfq.weight", "default 100\n");
	l = (struct cg_limits){.blkio_weight = 200};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("runsc-c/s1/io.bfq.weight"), "200");
	/* A page size the host lacks: the file named. */
	more = (struct cg_more){.hugetlb = {{.page_size = "1GB", .limit = 1}}, .nhugetlb = 1};
	l = (struct cg_limits){.more = &more};
	ck_assert_int_eq(cg_update(cg, &l, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "hugetlb.1GB.max"));

	l = (struct cg_limits){.cpu_rt_period_us = 1000};
	ck_assert_int_eq(cg_update(cg, &l, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "real-time"));
	ck_assert_ptr_null(get("runsc-c/s1/cpu.rt_period_us"));
	more = (struct cg_more){.blkio_leaf_weight = 100};
	l = (struct cg_limits){.more = &more};
	ck_assert_int_eq(cg_update(cg, &l, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "leaf weight"));
	more = (struct cg_more){.net_classid_set = true, .net_classid = 0x100001};
	ck_assert_int_eq(cg_update(cg, &l, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "net_cls"));
	cg_close(cg);
	cg_destroy(made);
	l = (struct cg_limits){.cpu_rt_runtime_set = true, .cpu_rt_runtime_us = 1000};
	ck_assert_int_eq(cg_create(&host, "s2", NULL, &l, &cg, &err), -EOPNOTSUPP);
	ck_assert_ptr_null(get("runsc-c/s2"));
	/* Without those settings, nothing more is passed down than before. */
	ck_assert_int_eq(cg_create(&host, "s3", NULL, &(struct cg_limits){.pids = 10}, &cg, &err),
			 0);
	ck_assert_str_eq(get("runsc-c/s3/cgroup.subtree_control"), "+memory +pids +cpu ");
	cg_destroy(cg);
}
END_TEST

/* The same on v1: cpu.shares and the real-time budget as given, each
 * cpuset cgroup made given its parent's CPUs and nodes (the base's from
 * the root), a grown or shrunk cpuset in the right order, blkio files
 * (a missing blkio.weight named), net_cls and net_prio in both parts,
 * unified refused. */
START_TEST(test_v1_settings)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;

	v1_tree(false);
	put("cpuset/cgroup.procs", "");
	put("cpuset/cpuset.cpus", "0-3\n");
	put("cpuset/cpuset.mems", "0\n");
	put("blkio/cgroup.procs", "");
	put("net_cls/cgroup.procs", "");
	put("net_prio/cgroup.procs", "");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.version[CG_CPUSET], CG_V1);
	struct cg_limits l = {.pids = 100, .cpu_updatable = true, .cpu_shares = 512};
	ck_assert_int_eq(cg_create(&host, "s1", NULL, &l, &cg, &err), 0);
	ck_assert_str_eq(get("cpu/runsc-c/s1/cpu.shares"), "512");
	ck_assert_str_eq(get("cpuset/runsc-c/cpuset.cpus"), "0-3\n");
	ck_assert_str_eq(get("cpuset/runsc-c/s1/cpuset.cpus"), "0-3\n");
	ck_assert_str_eq(get("cpuset/runsc-c/s1/guest/cpuset.mems"), "0\n");
	ck_assert_ptr_nonnull(get("blkio/runsc-c/s1/guest"));
	ck_assert_ptr_null(get("net_cls/runsc-c")); /* not asked for */

	l = (struct cg_limits){.cpuset_cpus = "1"};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("cpuset/runsc-c/s1/cpuset.cpus"), "1");
	ck_assert_str_eq(get("cpuset/runsc-c/s1/guest/cpuset.cpus"), "1");
	put("cpu/runsc-c/s1/cpu.rt_period_us", "1000000\n");
	put("cpu/runsc-c/s1/cpu.rt_runtime_us", "0\n");
	l = (struct cg_limits){
		.cpu_rt_period_us = 500000, .cpu_rt_runtime_set = true, .cpu_rt_runtime_us = -1};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("cpu/runsc-c/s1/cpu.rt_period_us"), "500000");
	ck_assert_str_eq(get("cpu/runsc-c/s1/cpu.rt_runtime_us"), "-1");

	/* This host's blkio has no weight files (no BFQ): named. */
	l = (struct cg_limits){.blkio_weight = 300};
	ck_assert_int_eq(cg_update(cg, &l, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "blkio.weight"));
	put("blkio/runsc-c/s1/blkio.weight", "100\n");
	put("blkio/runsc-c/s1/blkio.weight_device", "");
	put("blkio/runsc-c/s1/blkio.leaf_weight_device", "");
	put("blkio/runsc-c/s1/blkio.throttle.write_bps_device", "");
	struct cg_more more = {
		.blkio = {{.kind = CG_BLKIO_WEIGHT,
			   .major = 8,
			   .minor = 0,
			   .value = 300,
			   .leaf_weight = 200},
			  {.kind = CG_BLKIO_WRITE_BPS, .major = 8, .minor = 0, .value = 4096}},
		.nblkio = 2,
	};
	l = (struct cg_limits){.blkio_weight = 300, .more = &more};
	ck_assert_int_eq(cg_update(cg, &l, &err), 0);
	ck_assert_str_eq(get("blkio/runsc-c/s1/blkio.weight"), "300");
	ck_assert_str_eq(get("blkio/runsc-c/s1/blkio.weight_device"), "8:0 300\n");
	ck_assert_str_eq(get("blkio/runsc-c/s1/blkio.leaf_weight_device"), "8:0 200\n");
	ck_assert_str_eq(get("blkio/runsc-c/s1/blkio.throttle.write_bps_device"), "8:0 4096\n");
	more = (struct cg_more){.unified = {{.key = "memory.high", .value = "1"}}, .nunified = 1};
	l = (struct cg_limits){.more = &more};
	ck_assert_int_eq(cg_update(cg, &l, &err), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err.msg, "cgroup v2"));
	cg_destroy(cg);

	/* net_cls and net_prio: made when asked for, both parts set. */
	more = (struct cg_more){.net_classid_set = true,
				.net_classid = 0x100001,
				.net_prio = {{.iface = "lo", .priority = 5}},
				.nnet_prio = 1};
	l = (struct cg_limits){.more = &more};
	ck_assert_int_eq(cg_create(&host, "s2", NULL, &l, &cg, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "net_cls.classid"));
	ck_assert_ptr_null(get("net_cls/runsc-c/s2"));
	cg_destroy(cg);
}
END_TEST

/* A sandbox at a caller's path, on v2 and the hybrid: its cgroups there in
 * every hierarchy with the usual parts and limits, the parents made (on v2
 * passing the controllers down), an existing cgroup refused and left
 * alone, cg_open and cg_remove by the path; the parents stay. */
START_TEST(test_caller_path_v2)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg, *opened;

	put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(cg_create(&host, "sb1", "/default/c1", &limits, &cg, &err), 0);
	ck_assert_str_eq(get("cgroup.subtree_control"), "+memory +pids +cpu ");
	ck_assert_str_eq(get("default/cgroup.subtree_control"), "+memory +pids +cpu ");
	ck_assert_str_eq(get("default/c1/cgroup.subtree_control"), "+memory +pids +cpu ");
	ck_assert_str_eq(get("default/c1/guest/pids.max"), "100");
	ck_assert_str_eq(get("default/c1/cpu.max"), "50000 100000");
	ck_assert_ptr_null(get("runsc-c"));
	ck_assert_ptr_nonnull(strstr(cg_path(cg, CG_MEMORY), "/default/c1"));
	ck_assert_int_eq(cg_attach(cg, CG_PART_GUEST, 4321, &err), 0);
	ck_assert_str_eq(get("default/c1/guest/cgroup.procs"), "4321");
	/* Another sandbox at the same path is refused, and the first stays. */
	struct cgroup *second;
	ck_assert_int_eq(cg_create(&host, "sb2", "default/c1", &limits, &second, &err), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err.msg, "default/c1"));
	ck_assert_str_eq(get("default/c1/guest/cgroup.procs"), "4321");
	/* Another process finds it by the path. */
	ck_assert_int_eq(cg_open(&host, "sb1", "/default/c1", &opened, &err), 0);
	ck_assert_str_eq(cg_path(opened, CG_PIDS), cg_path(cg, CG_PIDS));
	cg_close(opened);
	ck_assert_int_eq(cg_open(&host, "sb1", "/default/c2", &opened, &err), -ENOENT);
	ck_assert_int_eq(cg_open(&host, "sb1", "/default/../c1", &opened, &err), -EINVAL);
	ck_assert_int_eq(cg_create(&host, "sb1", "/a/../../b", &limits, &second, &err), -EINVAL);
	ck_assert_ptr_null(get("b"));
	cg_destroy(cg);
}
END_TEST

START_TEST(test_caller_path_hybrid)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char want[64];

	v1_tree(true);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(cg_create(&host, "sb1", "/k8s.io/c1", &limits, &cg, &err), 0);
	snprintf(want, sizeof(want), "%llu", (256ULL << 20) + CG_KERNEL_MEMORY);
	ck_assert_str_eq(get("memory/k8s.io/c1/memory.limit_in_bytes"), want);
	ck_assert_str_eq(get("memory/k8s.io/c1/guest/memory.limit_in_bytes"), "268435456");
	ck_assert_str_eq(get("pids/k8s.io/c1/guest/pids.max"), "100");
	ck_assert_str_eq(get("cpu/k8s.io/c1/cpu.cfs_quota_us"), "50000");
	ck_assert_ptr_nonnull(get("freezer/k8s.io/c1/guest"));
	ck_assert_ptr_null(get("memory/k8s.io/cgroup.subtree_control"));
	ck_assert_ptr_null(get("memory/runsc-c"));
	ck_assert_ptr_null(get("unified/k8s.io"));
	ck_assert_int_eq(cg_attach(cg, CG_PART_KERNEL, 78, &err), 0);
	ck_assert_str_eq(get("pids/k8s.io/c1/cgroup.procs"), "78");
	cg_destroy(cg);
}
END_TEST

/* A directory of the tree, made with its parents (a cgroup left empty). */
static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", tree, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static bool in_tree(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	return stat(p, &st) == 0;
}

/* A launcher killed while it made or removed its cgroups leaves a sandbox
 * cgroup in any subset of the hierarchies: the sweep lists each one under
 * its own base lock and removes those nobody holds, next to a living
 * sandbox it leaves alone; a hierarchy where a sandbox is being made (its
 * base lock held shared) waits for the next sweep. Hierarchies: v2 (one),
 * v1 (five) and the hybrid where the freezer is the cgroup2 mount's. */
static void sweep_tree(const char *const *hier, size_t n, bool v2_parts)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *live;
	char rel[512];

	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(cg_create(&host, "live", NULL, &limits, &live, &err), 0);
	/* One stale sandbox in each hierarchy alone, one in all of them. */
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/stale-%zu/guest", hier[i], i);
		mkdirs(rel);
		snprintf(rel, sizeof(rel), "%s/runsc-c/stale-all/guest", hier[i]);
		mkdirs(rel);
		if (v2_parts) {
			snprintf(rel, sizeof(rel), "%s/runsc-c/stale-all/kernel", hier[i]);
			mkdirs(rel);
		}
	}
	/* A sandbox being made in the first hierarchy holds its base shared. */
	snprintf(rel, sizeof(rel), "%s/%s/runsc-c", tree, hier[0]);
	int busy = open(rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(busy, 0);
	ck_assert_int_eq(flock(busy, LOCK_SH), 0);
	ck_assert_int_eq(cg_sweep(&host, NULL), (int)(2 * n - 2));
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/stale-%zu", hier[i], i);
		ck_assert_msg(in_tree(rel) == (i == 0), "%s", rel);
		snprintf(rel, sizeof(rel), "%s/runsc-c/stale-all", hier[i]);
		ck_assert_msg(in_tree(rel) == (i == 0), "%s", rel);
	}
	close(busy);
	ck_assert_int_eq(cg_sweep(&host, NULL), 2);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/stale-%zu", hier[i], i);
		ck_assert_msg(!in_tree(rel), "%s is left", rel);
		snprintf(rel, sizeof(rel), "%s/runsc-c/live/guest", hier[i]);
		ck_assert_msg(in_tree(rel), "%s was removed", rel);
	}
	ck_assert_int_eq(cg_sweep(&host, NULL), 0);
	cg_destroy(live);

	/* What `delete` removes of a sandbox whose launcher is gone: its
	 * cgroups in every hierarchy, wherever they are left. */
	for (size_t i = 0; i < n; i += 2) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/gone/guest", hier[i]);
		mkdirs(rel);
	}
	ck_assert_int_eq(cg_remove(&host, "gone", NULL), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/gone", hier[i]);
		ck_assert_msg(!in_tree(rel), "%s is left", rel);
	}
	ck_assert_int_eq(cg_remove(&host, "gone", NULL), 0);
	ck_assert_int_eq(cg_remove(&host, "..", NULL), -EINVAL);
}

/* The count of living sandboxes: with none dead, a sweep looks into no
 * sandbox cgroup however many live; a cgroup that no living sandbox counts
 * (one a dead launcher left, made here by hand, or that of a launcher that
 * exited without removing it: the kernel gives its count back) makes it
 * look, and go. */
START_TEST(test_sweep_counts_living)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *live[3];
	char id[64];
	unsigned looked = 0;

	v1_tree(false);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(live); i++) {
		snprintf(id, sizeof(id), "live-%zu", i);
		ck_assert_int_eq(cg_create(&host, id, NULL, &limits, &live[i], &err), 0);
	}
	ck_assert_int_eq(cg_sweep(&host, &looked), 0);
	ck_assert_uint_eq(looked, 0);
	mkdirs("pids/runsc-c/dead/guest");
	ck_assert_int_eq(cg_sweep(&host, &looked), 1);
	ck_assert_uint_ge(looked, ARRAY_SIZE(live) + 1);
	ck_assert(!in_tree("pids/runsc-c/dead"));
	looked = 0;
	ck_assert_int_eq(cg_sweep(&host, &looked), 0);
	ck_assert_uint_eq(looked, 0);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct cgroup *cg;
		_exit(cg_create(&host, "exited", NULL, &limits, &cg, &err) == 0 ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert(in_tree("memory/runsc-c/exited/guest"));
	ck_assert_int_gt(cg_sweep(&host, &looked), 0);
	ck_assert_uint_gt(looked, 0);
	/* (The tree's limit files are plain files, which keep a directory
	 * from being removed: cpuacct's has none.) */
	ck_assert(!in_tree("cpuacct/runsc-c/exited"));
	for (size_t i = 0; i < ARRAY_SIZE(live); i++) {
		snprintf(id, sizeof(id), "memory/runsc-c/live-%zu/guest", i);
		ck_assert_msg(in_tree(id), "%s was removed", id);
		cg_destroy(live[i]);
	}
}
END_TEST

START_TEST(test_sweep_v2_tree)
{
	static const char *const hier[] = {"."};
	put("cgroup.controllers", "cpu memory pids\n");
	sweep_tree(hier, ARRAY_SIZE(hier), true);
}
END_TEST

START_TEST(test_sweep_v1_tree)
{
	static const char *const hier[] = {"memory", "pids", "cpu", "cpuacct", "freezer"};
	v1_tree(false);
	sweep_tree(hier, ARRAY_SIZE(hier), false);
}
END_TEST

/* A v1 freezer hierarchy where a sandbox is being made may hold a frozen
 * leftover, whose tasks die only once thawed there: the other hierarchies
 * keep theirs for the next sweep too, rather than wait for tasks that
 * cannot die. */
START_TEST(test_sweep_waits_for_freezer)
{
	static const char *const hier[] = {"memory", "pids", "freezer"};
	struct cg_host host;
	struct rc_error err;
	char rel[512];

	v1_tree(false);
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(hier); i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/frozen/guest", hier[i]);
		mkdirs(rel);
	}
	snprintf(rel, sizeof(rel), "%s/freezer/runsc-c", tree);
	int busy = open(rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(busy, 0);
	ck_assert_int_eq(flock(busy, LOCK_SH), 0);
	ck_assert_int_eq(cg_sweep(&host, NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(hier); i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/frozen", hier[i]);
		ck_assert_msg(in_tree(rel), "%s was removed", rel);
	}
	close(busy);
	ck_assert_int_eq(cg_sweep(&host, NULL), 3);
	for (size_t i = 0; i < ARRAY_SIZE(hier); i++) {
		snprintf(rel, sizeof(rel), "%s/runsc-c/frozen", hier[i]);
		ck_assert_msg(!in_tree(rel), "%s is left", rel);
	}
}
END_TEST

START_TEST(test_sweep_hybrid_tree)
{
	/* No v1 freezer: the sandbox's is the cgroup2 mount's cgroup.freeze. */
	static const char *const hier[] = {"memory", "pids", "cpu", "cpuacct", "unified"};
	for (size_t i = 0; i < 4; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%s/cgroup.procs", hier[i]);
		put(rel, "");
	}
	put("unified/cgroup.controllers", "hugetlb\n");
	struct cg_host host;
	struct rc_error err;
	ck_assert_int_eq(cg_host_detect(tree, &host, &err), 0);
	ck_assert_int_eq(host.layout, CG_LAYOUT_HYBRID);
	ck_assert_int_eq(host.version[CG_FREEZER], CG_V2);
	sweep_tree(hier, ARRAY_SIZE(hier), false);
}
END_TEST

/* The host's own cgroups, where it has the controllers. */
static bool host_ready(struct cg_host *host)
{
	struct rc_error err;
	if (geteuid() != 0 || cg_host_detect(NULL, host, &err) < 0)
		return false;
	return host->version[CG_MEMORY] != CG_ABSENT && host->version[CG_PIDS] != CG_ABSENT;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Sweeps until every path is gone. Other sandboxes may be starting on
 * this host meanwhile (the test suite runs in parallel): a hierarchy one
 * of them is making its cgroups in is left for the next sweep, and their
 * own sweeps may remove a leftover first. Bounded: a leftover that stays
 * fails the test. */
static void sweep_until_gone(const struct cg_host *host, char *const *paths, size_t n)
{
	for (int tries = 0; tries < 500; tries++) {
		cg_sweep(host, NULL);
		size_t left = 0;
		for (size_t i = 0; i < n; i++)
			left += paths[i][0] && exists(paths[i]);
		if (!left)
			return;
		usleep(10000);
	}
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!paths[i][0] || !exists(paths[i]), "%s is left", paths[i]);
}

START_TEST(test_host_pids_limit)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *cg;
	char id[64], path[PATH_MAX];
	int sync[2];

	if (!host_ready(&host))
		return;
	snprintf(id, sizeof(id), "test-%d", (int)getpid());
	struct cg_limits l = {.memory_bytes = 64ULL << 20, .pids = 4};
	ck_assert_msg(cg_create(&host, id, NULL, &l, &cg, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/guest", cg_path(cg, CG_PIDS));
	ck_assert(exists(path));
	ck_assert_int_eq(pipe(sync), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		char c;
		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(90);
		/* The child and 3 of its children fill the limit of 4. */
		int made = 0, refused = 0;
		for (int i = 0; i < 8; i++) {
			pid_t p = fork();
			if (p == 0) {
				pause();
				_exit(0);
			}
			if (p > 0)
				made++;
			else if (errno == EAGAIN)
				refused++;
		}
		kill(0, SIGKILL);
		_exit(made == 3 && refused == 5 ? 0 : 10 + made);
	}
	close(sync[0]);
	/* Its own process group, so that kill(0) stays inside. */
	setpgid(child, child);
	ck_assert_msg(cg_attach(cg, CG_PART_GUEST, child, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(write(sync[1], "x", 1), 1);
	close(sync[1]);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFSIGNALED(status) || WEXITSTATUS(status) == 0, "status %#x", status);
	struct cg_stats st;
	cg_stats_read(cg, &st);
	ck_assert_uint_ge(st.pids_refused, 5);
	if (st.pids_peak_known)
		ck_assert_uint_eq(st.pids_peak, 4);
	snprintf(path, sizeof(path), "%s", cg_path(cg, CG_PIDS));
	cg_destroy(cg);
	ck_assert_msg(!exists(path), "%s is left", path);
}
END_TEST

/* A launcher that dies without cleaning up leaves a cgroup nobody holds the
 * lock of: the next sweep removes it, and never one whose sandbox lives. */
START_TEST(test_host_sweep)
{
	struct cg_host host;
	struct rc_error err;
	struct cgroup *live;
	char dead_path[PATH_MAX + 64], live_id[64];

	if (!host_ready(&host))
		return;
	snprintf(live_id, sizeof(live_id), "test-live-%d", (int)getpid());
	ck_assert_msg(
		cg_create(&host, live_id, NULL, &(struct cg_limits){.pids = 10}, &live, &err) == 0,
		"%s", err.msg);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct cgroup *cg;
		char id[64];
		snprintf(id, sizeof(id), "test-dead-%d", (int)getpid());
		if (cg_create(&host, id, NULL, &(struct cg_limits){.pids = 10}, &cg, &err) != 0)
			_exit(1);
		_exit(0); /* as if killed: no cg_destroy */
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	snprintf(dead_path, sizeof(dead_path), "%s/%s/test-dead-%d", host.mount[CG_PIDS], CG_BASE,
		 (int)child);
	char *paths[] = {dead_path};
	sweep_until_gone(&host, paths, 1);
	ck_assert(exists(cg_path(live, CG_PIDS)));
	cg_destroy(live);
}
END_TEST

/* A host cgroup directory, made as a killed launcher leaves it. */
static int host_mkdir(const struct cg_host *host, enum cg_controller c, const char *id, char *path,
		      size_t size)
{
	snprintf(path, size, "%s/%s", host->mount[c], CG_BASE);
	ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, size, "%s/%s/%s", host->mount[c], CG_BASE, id);
	/* Locked while the test fills it, so that no other sandbox's sweep
	 * takes it meanwhile (one may between the mkdir and the lock: then
	 * again); the caller closes the lock. */
	int lock = -1;
	for (int tries = 0; lock < 0 && tries < 100; tries++) {
		ck_assert_int_eq(mkdir(path, 0755), 0);
		lock = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lock >= 0 && (flock(lock, LOCK_EX | LOCK_NB) < 0 || !exists(path))) {
			close(lock);
			lock = -1;
		}
		if (lock < 0)
			rmdir(path);
	}
	ck_assert_msg(lock >= 0, "%s: always taken by a sweep before it was locked", path);
	size_t n = strlen(path);
	snprintf(path + n, size - n, "/guest");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	path[n] = '\0';
	return lock;
}

/* What a launcher killed while it made or removed its cgroups leaves on
 * this host: a sandbox cgroup in the pids, freezer or cpuacct hierarchy
 * and none in memory's, one of them holding a frozen process. The sweep
 * removes each (thawing and killing the process) and keeps every cgroup
 * of a living sandbox. */
START_TEST(test_host_sweep_partial)
{
	static const enum cg_controller alone[] = {CG_PIDS, CG_FREEZER, CG_CPUACCT};
	struct cg_host host;
	struct rc_error err;
	struct cgroup *live;
	char path[ARRAY_SIZE(alone)][PATH_MAX + 64], id[64], live_id[64], file[PATH_MAX + 128];

	if (!host_ready(&host))
		return;
	snprintf(live_id, sizeof(live_id), "test-live-%d", (int)getpid());
	struct cg_limits l = {.memory_bytes = 64ULL << 20, .pids = 10};
	ck_assert_msg(cg_create(&host, live_id, NULL, &l, &live, &err) == 0, "%s", err.msg);
	int locks[ARRAY_SIZE(alone)];
	for (size_t i = 0; i < ARRAY_SIZE(alone); i++) {
		locks[i] = -1;
		path[i][0] = '\0';
		if (host.version[alone[i]] != CG_V1 ||
		    strcmp(host.mount[alone[i]], host.mount[CG_MEMORY]) == 0)
			continue;
		snprintf(id, sizeof(id), "test-stale-%zu-%d", i, (int)getpid());
		locks[i] = host_mkdir(&host, alone[i], id, path[i], sizeof(path[i]));
	}
	pid_t frozen = -1;
	if (path[1][0]) {
		int ready[2];
		ck_assert_int_eq(pipe(ready), 0);
		frozen = fork();
		ck_assert_int_ge(frozen, 0);
		if (frozen == 0) {
			/* The launcher's locks are not its to hold: let go of
			 * them before it is frozen. */
			for (size_t i = 0; i < ARRAY_SIZE(alone); i++)
				if (locks[i] >= 0)
					close(locks[i]);
			close(ready[0]);
			close(ready[1]);
			for (;;)
				pause();
		}
		close(ready[1]);
		char c;
		ck_assert_int_eq(read(ready[0], &c, 1), 0); /* its end closed */
		close(ready[0]);
		snprintf(file, sizeof(file), "%s/guest/cgroup.procs", path[1]);
		FILE *f = fopen(file, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "%d", (int)frozen);
		ck_assert_int_eq(fclose(f), 0);
		snprintf(file, sizeof(file), "%s/guest/freezer.state", path[1]);
		f = fopen(file, "w");
		ck_assert_ptr_nonnull(f);
		fputs("FROZEN", f);
		ck_assert_int_eq(fclose(f), 0);
	}
	/* The launcher is gone: its locks with it. */
	for (size_t i = 0; i < ARRAY_SIZE(alone); i++)
		if (locks[i] >= 0)
			close(locks[i]);
	char *paths[ARRAY_SIZE(alone)];
	for (size_t i = 0; i < ARRAY_SIZE(alone); i++)
		paths[i] = path[i];
	sweep_until_gone(&host, paths, ARRAY_SIZE(alone));
	if (frozen > 0) {
		int status;
		ck_assert_int_eq(waitpid(frozen, &status, 0), frozen);
		ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (cg_path(live, c)[0])
			ck_assert_msg(exists(cg_path(live, c)), "%s was removed", cg_path(live, c));
	if (host.version[CG_FREEZER] != CG_ABSENT)
		ck_assert(exists(cg_path(live, CG_FREEZER)));
	cg_destroy(live);
}
END_TEST

/* A sandbox at a caller's path on the host: its cgroups there in every
 * hierarchy; the sweep never takes it, even once its launcher died (only
 * runsc-c's own folder is swept); cg_remove by the path removes it with
 * what runs in it, and leaves the parent. */
START_TEST(test_host_caller_path)
{
	struct cg_host host;
	char parent[64], path[128], dir[PATH_MAX + 256];
	int ready[2];

	if (!host_ready(&host))
		return;
	snprintf(parent, sizeof(parent), "/runsc-c-test-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/c1", parent);
	ck_assert_int_eq(pipe(ready), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct cgroup *cg;
		struct rc_error err;
		close(ready[0]);
		if (cg_create(&host, "sbp", path, &(struct cg_limits){.pids = 10}, &cg, &err) !=
			    0 ||
		    cg_attach(cg, CG_PART_GUEST, getpid(), &err) != 0)
			_exit(1);
		pid_t sleeper = fork();
		if (sleeper == 0) {
			execlp("sleep", "sleep", "60", (char *)NULL);
			_exit(127);
		}
		(void)!write(ready[1], "x", 1);
		_exit(0); /* as if killed: no cg_destroy, a process left in it */
	}
	close(ready[1]);
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	for (int k = 0; k < CG_NCONTROLLERS; k++) {
		if (host.version[k] == CG_ABSENT || (k != CG_MEMORY && k != CG_PIDS))
			continue;
		snprintf(dir, sizeof(dir), "%s%s/guest/cgroup.procs", host.mount[k], path);
		ck_assert_msg(exists(dir), "%s is missing", dir);
	}
	cg_sweep(&host, NULL);
	snprintf(dir, sizeof(dir), "%s%s", host.mount[CG_PIDS], path);
	ck_assert_msg(exists(dir), "the sweep removed %s", dir);
	ck_assert_int_eq(cg_remove(&host, "sbp", path), 0);
	ck_assert_msg(!exists(dir), "%s is left", dir);
	snprintf(dir, sizeof(dir), "%s%s", host.mount[CG_PIDS], parent);
	ck_assert_msg(exists(dir), "the parent %s went too", dir);
	for (int k = 0; k < CG_NCONTROLLERS; k++) {
		if (host.version[k] == CG_ABSENT)
			continue;
		snprintf(dir, sizeof(dir), "%s%s", host.mount[k], parent);
		rmdir(dir);
	}
}
END_TEST

/* A cgroup2 mount of this host, or NULL: the hybrid's, else a pure v2
 * host's. */
static const char *v2_mount(void)
{
	static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		struct statfs fs;
		if (statfs(mounts[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
			return mounts[i];
	}
	return NULL;
}

/* Kills every process in the cgroup2 cgroup dir and below it (cgroup.kill,
 * else each pid in cgroup.procs) and removes them, the deepest first. */
static void v2_tree_clear(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		FILE *f = fopen(path, "r");
		for (int pid; f && fscanf(f, "%d", &pid) == 1;)
			kill(pid, SIGKILL);
		if (f)
			fclose(f);
	}
	if (fd >= 0)
		close(fd);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		v2_tree_clear(path);
	}
	if (d)
		closedir(d);
	/* A killed process leaves its cgroup a moment later. */
	for (int tries = 0; tries < 200 && rmdir(dir) < 0 && errno == EBUSY; tries++)
		usleep(10000);
}

/* Unchecked fixture, before and after the host's tests: the roots
 * test_host_sweep_v2 left, those of processes gone. A failed check ends
 * the test's process with _exit (no atexit handler runs) and its timeout
 * with SIGKILL, and check then kills the process group (the sleeper);
 * the cgroups stay until this removes them. */
static void v2_leftovers_clear(void)
{
	static const char *const mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		DIR *d = opendir(mounts[i]);
		for (struct dirent *e; d && (e = readdir(d));) {
			int pid;
			char end;
			if (sscanf(e->d_name, "runsc-c-test-v2-%d%c", &pid, &end) != 1 ||
			    pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
				continue;
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s", mounts[i], e->d_name);
			v2_tree_clear(path);
		}
		if (d)
			closedir(d);
	}
}

/* The sweep on a real cgroup2 hierarchy laid out as a pure v2 host's: a
 * cgroup of the test's own in the host's cgroup2 mount is the root it is
 * given (its cgroup.controllers makes the layout v2). The sweep needs no
 * controller (directories, cgroup.procs, cgroup.kill, removal), so this
 * runs on the hybrid hosts whose cgroup2 mount has none enabled, next to
 * no other sandbox's cgroups. A launcher that died with a process in its
 * guest cgroup leaves it: the sweep kills that process and removes the
 * sandbox's cgroups, keeps a living sandbox's, and with none dead looks
 * into none. */
START_TEST(test_host_sweep_v2)
{
	const char *mount = v2_mount();
	if (geteuid() != 0 || !mount)
		return;
	char root[PATH_MAX], dir[PATH_MAX + 64];
	snprintf(root, sizeof(root), "%s/runsc-c-test-v2-%d", mount, (int)getpid());
	ck_assert_msg(mkdir(root, 0755) == 0, "%s: %s", root, strerror(errno));
	/* The count of living sandboxes is a semaphore set per root: this
	 * test's goes with its own IPC namespace. */
	ck_assert_int_eq(unshare(CLONE_NEWIPC), 0);
	struct cg_host host;
	struct rc_error err;
	ck_assert_msg(cg_host_detect(root, &host, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(host.layout, CG_LAYOUT_V2);
	struct cgroup *live;
	ck_assert_msg(cg_create(&host, "live", NULL, &(struct cg_limits){0}, &live, &err) == 0,
		      "%s", err.msg);
	int ready[2];
	ck_assert_int_eq(pipe(ready), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct cgroup *cg;
		close(ready[0]);
		if (cg_create(&host, "dead", NULL, &(struct cg_limits){0}, &cg, &err) != 0 ||
		    cg_attach(cg, CG_PART_GUEST, getpid(), &err) != 0)
			_exit(1);
		/* Ready once the process runs sleep: until its exec it
		 * holds the launcher's lock too. */
		int execd[2];
		if (pipe2(execd, O_CLOEXEC) < 0)
			_exit(1);
		pid_t sleeper = fork();
		if (sleeper == 0) {
			close(ready[1]);
			execlp("sleep", "sleep", "60", (char *)NULL);
			_exit(127);
		}
		close(execd[1]);
		char c;
		if (sleeper < 0 || read(execd[0], &c, 1) != 0)
			_exit(1);
		(void)!write(ready[1], &sleeper, sizeof(sleeper));
		_exit(0); /* as if killed: no cg_destroy, a process left in it */
	}
	close(ready[1]);
	pid_t sleeper = -1;
	ck_assert_int_eq(read(ready[0], &sleeper, sizeof(sleeper)), sizeof(sleeper));
	close(ready[0]);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	snprintf(dir, sizeof(dir), "%s/%s/dead/guest/cgroup.procs", root, CG_BASE);
	FILE *f = fopen(dir, "r");
	ck_assert_ptr_nonnull(f);
	int in_guest = -1;
	ck_assert_int_eq(fscanf(f, "%d", &in_guest), 1);
	fclose(f);
	ck_assert_int_eq(in_guest, sleeper);

	unsigned looked = 0;
	ck_assert_int_eq(cg_sweep(&host, &looked), 1);
	ck_assert_uint_gt(looked, 0);
	snprintf(dir, sizeof(dir), "%s/%s/dead", root, CG_BASE);
	ck_assert_msg(!exists(dir), "%s is left", dir);
	/* Killed, then reaped by whoever inherited it. */
	for (int tries = 0; tries < 500 && kill(sleeper, 0) == 0; tries++)
		usleep(10000);
	ck_assert_msg(kill(sleeper, 0) < 0 && errno == ESRCH, "process %d lives on", (int)sleeper);
	snprintf(dir, sizeof(dir), "%s/guest", cg_path(live, CG_FREEZER));
	ck_assert_msg(exists(dir), "%s was removed", dir);
	looked = 0;
	ck_assert_int_eq(cg_sweep(&host, &looked), 0);
	ck_assert_uint_eq(looked, 0);
	snprintf(dir, sizeof(dir), "%s", cg_path(live, CG_FREEZER));
	cg_destroy(live);
	ck_assert_msg(!exists(dir), "%s is left", dir);
	snprintf(dir, sizeof(dir), "%s/%s", root, CG_BASE);
	rmdir(dir);
	ck_assert_msg(rmdir(root) == 0, "%s: %s", root, strerror(errno));
}
END_TEST

static Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *trees = tcase_create("trees");
	TCase *hostc = tcase_create("host");

	tcase_add_checked_fixture(trees, tree_setup, tree_teardown);
	tcase_add_test(trees, test_v2_tree);
	tcase_add_test(trees, test_v2_swap);
	tcase_add_test(trees, test_v2_memory_fields);
	tcase_add_test(trees, test_v1_memory_fields);
	tcase_add_test(trees, test_hybrid_tree);
	tcase_add_test(trees, test_v1_tree);
	tcase_add_test(trees, test_nothing);
	tcase_add_test(trees, test_skipped_hierarchies);
	tcase_add_test(trees, test_v2_freeze_update_usage);
	tcase_add_test(trees, test_v1_freeze);
	tcase_add_test(trees, test_sweep_v2_tree);
	tcase_add_test(trees, test_sweep_v1_tree);
	tcase_add_test(trees, test_sweep_hybrid_tree);
	tcase_add_test(trees, test_sweep_waits_for_freezer);
	tcase_add_test(trees, test_sweep_counts_living);
	tcase_add_test(trees, test_path_normal);
	tcase_add_test(trees, test_caller_path_v2);
	tcase_add_test(trees, test_caller_path_hybrid);
	tcase_add_test(trees, test_v2_conversions);
	tcase_add_test(trees, test_cpuset_lists);
	tcase_add_test(trees, test_v2_settings);
	tcase_add_test(trees, test_v1_settings);
	suite_add_tcase(s, trees);
	tcase_add_test(hostc, test_host_pids_limit);
	tcase_add_test(hostc, test_host_sweep);
	tcase_add_test(hostc, test_host_sweep_partial);
	tcase_add_test(hostc, test_host_caller_path);
	tcase_add_unchecked_fixture(hostc, v2_leftovers_clear, v2_leftovers_clear);
	tcase_add_test(hostc, test_host_sweep_v2);
	tcase_set_timeout(hostc, 30);
	suite_add_tcase(s, hostc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cgroup_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
