/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's DNS resolver reads what the guest sends it (through
 * libresolv) and lives in the host's network namespace, where it asks the
 * host's resolver. Once it listens and has dropped to uid 65534, it runs
 * under this allowlist, one row per system call with the reason it needs
 * it; anything else kills it. It can open no file, make no unix or netlink
 * socket (only IPv4 and IPv6 ones, for the queries it asks), exec nothing
 * and change no identity: a resolver taken over by a hostile query can
 * only send datagrams and connect where a nobody process could. */
#include <errno.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "common/bpf_blob.h"
#include "common/util.h"
#include "sandbox/resolver_filter.h"

enum arg_rule {
	ANY,	     /* every argument value */
	NO_EXEC_MAP, /* arg 2 (prot) without PROT_EXEC */
	INET_ONLY,   /* arg 0 (domain) AF_INET or AF_INET6 */
};

struct allowed {
	int nr;
	const char *name;
	enum arg_rule rule;
	const char *why;
};

/* clang-format off */
#define ALLOW(sys, rule, why) {SYS_##sys, #sys, rule, why}
/* clang-format on */

static const struct allowed allowed[] = {
	/* the guest's queries */
	ALLOW(poll, ANY, "wait for a query or an answer"),
	ALLOW(recvfrom, ANY, "read a query (UDP, TCP) or an upstream answer"),
	ALLOW(sendto, ANY, "answer a query, ask upstream"),
	ALLOW(accept4, ANY, "a TCP client of 127.0.0.53"),
	ALLOW(setsockopt, ANY, "a send timeout on a TCP client; libresolv's options"),
	ALLOW(close, ANY, "end a TCP client or an upstream socket"),
	ALLOW(write, ANY, "TCP answers, audit records"),
	/* asking the host's resolver (libresolv's res_nsend) */
	ALLOW(socket, INET_ONLY, "a UDP or TCP socket to the upstream resolver"),
	ALLOW(connect, ANY, "to the upstream resolver"),
	ALLOW(sendmmsg, ANY, "libresolv's parallel queries"),
	ALLOW(recvmsg, ANY, "libresolv"),
	ALLOW(writev, ANY, "a query over TCP"),
	ALLOW(read, ANY, "an answer over TCP"),
	ALLOW(getsockname, ANY, "libresolv"),
	ALLOW(fcntl, ANY, "libresolv's non-blocking sockets"),
	ALLOW(getrandom, ANY, "query ids"),
	ALLOW(getpid, ANY, "query ids on older libcs"),
	ALLOW(clock_gettime, ANY, "timeouts, binding expiry (without the vDSO)"),
	ALLOW(gettimeofday, ANY, "audit time (without the vDSO)"),
	/* the process */
	ALLOW(exit_group, ANY, "exit"),
	ALLOW(exit, ANY, "exit"),
	ALLOW(restart_syscall, ANY, "resume a poll after a stop"),
	ALLOW(rt_sigreturn, ANY, "return from a signal handler (sanitizer runtimes)"),
	ALLOW(sigaltstack, ANY, "sanitizer runtimes"),
	/* memory */
	ALLOW(brk, ANY, "malloc"),
	ALLOW(mmap, NO_EXEC_MAP, "malloc; never executable"),
	ALLOW(munmap, ANY, "free"),
	ALLOW(mremap, ANY, "realloc"),
	ALLOW(madvise, ANY, "the allocator returning memory"),
	ALLOW(mprotect, NO_EXEC_MAP, "the allocator; never executable"),
	ALLOW(futex, ANY, "libc and allocator locks"),
	ALLOW(sched_yield, ANY, "spin locks of sanitizer runtimes' allocators"),
};

bool resolver_filter_entry(size_t i, const char **name, const char **why)
{
	if (i >= ARRAY_SIZE(allowed))
		return false;
	*name = allowed[i].name;
	*why = allowed[i].why;
	return true;
}

static int add_rule(scmp_filter_ctx ctx, const struct allowed *a)
{
	switch (a->rule) {
	case ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 0);
	case NO_EXEC_MAP:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
					SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	case INET_ONLY: {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
					 SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_INET));
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
					     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)AF_INET6));
		return r;
	}
	default:
		return -EINVAL;
	}
}

static int build_ctx(scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(allowed); i++)
		r = add_rule(ctx, &allowed[i]);
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

int resolver_filter_export(int fd)
{
	return bpf_filter_export(build_ctx, fd);
}

extern const char runsc_resolver_bpf[] __attribute__((weak));
extern const char runsc_resolver_bpf_end[] __attribute__((weak));

int resolver_filter_apply(void)
{
	return bpf_filter_install_all_threads(runsc_resolver_bpf, runsc_resolver_bpf_end,
					      build_ctx);
}
