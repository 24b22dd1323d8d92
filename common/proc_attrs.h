/* SPDX-License-Identifier: Apache-2.0 */
/* What a guest process starts with besides its argv, environment, working
 * directory and ids: resource limits, umask and capabilities (an OCI
 * config's process.rlimits, umask and capabilities). The guest's init
 * applies them in the process it forks, before its exec: for the command
 * (guest/init.c) and for each process started with exec (guest/control.c,
 * where they travel inside struct exec_msg). Plain data of a fixed size;
 * proc_attrs_valid() is the one check both sides make. */
#ifndef RUNSC_COMMON_PROC_ATTRS_H
#define RUNSC_COMMON_PROC_ATTRS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#define PROC_RLIMITS_MAX 16 /* RLIM_NLIMITS on x86-64 */
#define PROC_CAP_LAST	 40 /* CAP_CHECKPOINT_RESTORE */

/* Capabilities whose checks the host kernel makes against the initial
 * user namespace (or that the sandbox refuses outright: device nodes, raw
 * sockets, clocks, modules, reboot), so a root of the guest's user
 * namespace would hold them in name only: the guest's init drops them
 * from every set, and no config brings them back. */
#define PROC_CAPS_UNHONOURED                                                 \
	((1ULL << 9) /* LINUX_IMMUTABLE */ | (1ULL << 13) /* NET_RAW */ |    \
	 (1ULL << 14) /* IPC_LOCK */ | (1ULL << 16) /* SYS_MODULE */ |       \
	 (1ULL << 17) /* SYS_RAWIO */ | (1ULL << 20) /* SYS_PACCT */ |       \
	 (1ULL << 22) /* SYS_BOOT */ | (1ULL << 23) /* SYS_NICE */ |         \
	 (1ULL << 24) /* SYS_RESOURCE */ | (1ULL << 25) /* SYS_TIME */ |     \
	 (1ULL << 26) /* SYS_TTY_CONFIG */ | (1ULL << 27) /* MKNOD */ |      \
	 (1ULL << 29) /* AUDIT_WRITE */ | (1ULL << 30) /* AUDIT_CONTROL */ | \
	 (1ULL << 32) /* MAC_OVERRIDE */ | (1ULL << 33) /* MAC_ADMIN */ |    \
	 (1ULL << 34) /* SYSLOG */ | (1ULL << 35) /* WAKE_ALARM */ |         \
	 (1ULL << 36) /* BLOCK_SUSPEND */ | (1ULL << 37) /* AUDIT_READ */ |  \
	 (1ULL << 38) /* PERFMON */ | (1ULL << 39) /* BPF */)

struct proc_rlimit {
	uint32_t resource; /* RLIMIT_* */
	uint32_t pad;
	uint64_t soft, hard; /* RLIM_INFINITY: unlimited */
};

struct proc_attrs {
	uint32_t nrlimits; /* <= PROC_RLIMITS_MAX, each resource once */
	uint32_t umask_set;
	uint32_t umask; /* 0..0777, with umask_set */
	/* With caps_set: the capability sets (bit N: capability N), each
	 * within what the sandbox honours (the guest's init drops the rest
	 * from every set anyway). Without: the guest's default. */
	uint32_t caps_set;
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	struct proc_rlimit rlimits[PROC_RLIMITS_MAX];
};

static inline bool proc_attrs_valid(const struct proc_attrs *a)
{
	const uint64_t all = (2ULL << PROC_CAP_LAST) - 1;
	if (a->nrlimits > PROC_RLIMITS_MAX || a->umask_set > 1 || a->umask > 0777 ||
	    a->caps_set > 1)
		return false;
	if ((a->cap_bounding | a->cap_effective | a->cap_permitted | a->cap_inheritable |
	     a->cap_ambient) &
	    ~all)
		return false;
	uint32_t seen = 0;
	for (uint32_t i = 0; i < a->nrlimits; i++) {
		const struct proc_rlimit *r = &a->rlimits[i];
		if (r->resource >= PROC_RLIMITS_MAX || (seen & (1U << r->resource)) ||
		    r->soft > r->hard)
			return false;
		seen |= 1U << r->resource;
	}
	return true;
}

#endif
