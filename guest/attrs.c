/* SPDX-License-Identifier: Apache-2.0 */
/* A process's rlimits, umask, capabilities and the container's seccomp
 * filter, set between fork and exec (guest/attrs.h). */
#include "guest/attrs.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int attrs_apply_limits(const struct proc_attrs *a)
{
	for (uint32_t i = 0; i < a->nrlimits; i++) {
		const struct proc_rlimit *r = &a->rlimits[i];
		struct rlimit rl = {.rlim_cur = r->soft, .rlim_max = r->hard};
		if (setrlimit((__rlimit_resource_t)r->resource, &rl) < 0)
			return -1;
	}
	if (a->umask_set)
		umask((mode_t)a->umask);
	return 0;
}

int attrs_caps_before_user(const struct proc_attrs *a)
{
	if (!a->caps_set)
		return 0;
	for (int cap = 0; cap <= PROC_CAP_LAST; cap++) {
		if (a->cap_bounding & (1ULL << cap))
			continue;
		/* EINVAL: a kernel older than the capability. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	}
	/* A change to a user other than root would clear the permitted set. */
	return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
}

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

int attrs_caps_after_user(const struct proc_attrs *a)
{
	if (!a->caps_set)
		return 0;
	struct cap_header hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct cap_data data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	/* Never more than the process holds: the sandbox dropped what it does
	 * not honour from every set already. */
	uint64_t held = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
	uint64_t perm = a->cap_permitted & held;
	uint64_t eff = a->cap_effective & perm;
	uint64_t inh =
		a->cap_inheritable &
		(perm | ((uint64_t)data[0].inheritable | (uint64_t)data[1].inheritable << 32));
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(eff >> (32 * i));
		data[i].permitted = (uint32_t)(perm >> (32 * i));
		data[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	for (int cap = 0; cap <= PROC_CAP_LAST; cap++) {
		/* Linux keeps an ambient capability only while it is both
		 * permitted and inheritable; runc skips the others too. */
		uint64_t bit = 1ULL << cap;
		if ((a->cap_ambient & bit) && (perm & inh & bit) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return -1;
	}
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

int attrs_filter_install(const struct sock_fprog *prog)
{
	if (!prog || prog->len == 0)
		return 0;
	/* no_new_privs holds in the whole guest already. */
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
}
