/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer's own seccomp filter, installed once the view is built and the
 * gofer has pivot_rooted into it. It is an allowlist kept as a table, one
 * row per system call with the reason the gofer needs it; anything else
 * kills the process. No mount, no exec, no new sockets, no namespaces, no
 * ptrace: a gofer taken over by a bad request can only do what serving
 * requests already lets it do, inside the view. */
#include "gofer/gofer.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "common/bpf_blob.h"
#include "common/util.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

enum arg_rule {
	ANY,	     /* every argument value */
	NO_EXEC_MAP, /* arg 2 (prot) without PROT_EXEC */
	FCNTL_CMDS,  /* arg 1 (cmd) among the commands the gofer uses */
	OWN_FSIZE,   /* arg 0 (pid) 0 and arg 1 (resource) RLIMIT_FSIZE */
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
	/* serving */
	ALLOW(recvmsg, ANY, "receive a request and its fds"),
	ALLOW(sendmsg, ANY, "send an answer and its fd"),
	ALLOW(close, ANY, "close request fds and walk fds"),
	ALLOW(write, ANY, "log lines on stderr, the ready pipe"),
	ALLOW(exit_group, ANY, "exit when the sentry hangs up"),
	ALLOW(exit, ANY, "exit"),
	ALLOW(sigaltstack, ANY, "sanitizer runtimes at exit"),
	ALLOW(restart_syscall, ANY, "resume a call interrupted by a stop"),
	/* credentials of the guest for each request */
	ALLOW(setgroups, ANY, "the guest's supplementary groups"),
	ALLOW(setfsuid, ANY, "the guest's fsuid for permission checks and ownership"),
	ALLOW(setfsgid, ANY, "the guest's fsgid"),
	ALLOW(capset, ANY, "the guest's capabilities over files (only within its own)"),
	ALLOW(setresuid, ANY, "the guest's euid around connect (SO_PEERCRED)"),
	ALLOW(setresgid, ANY, "the guest's egid around connect"),
	ALLOW(umask, ANY, "the guest's umask around bind"),
	/* walking and opening inside the view */
	ALLOW(openat, ANY, "open a path component (O_PATH) or a directory to list"),
	ALLOW(openat2, ANY, "open with RESOLVE_NO_MAGICLINKS / RESOLVE_IN_ROOT"),
	ALLOW(newfstatat, ANY, "stat an fd or a final name"),
	ALLOW(fstat, ANY, "stat an fd"),
	ALLOW(statx, ANY, "GOP_STATX"),
	ALLOW(readlinkat, ANY, "expand symlinks, GOP_READLINK, d_path of an fd for the policy"),
	ALLOW(getdents64, ANY, "find a directory's name for its path"),
	ALLOW(fstatfs, ANY, "GOP_STATFS, procfs/nsfs and noexec checks"),
	ALLOW(fcntl, FCNTL_CMDS, "dup, file status flags, read lease (ETXTBSY)"),
	ALLOW(fchdir, ANY, "bind/connect/inotify on a name in its directory"),
	/* operations */
	ALLOW(faccessat2, ANY, "GOP_ACCESS, exec permission"),
	ALLOW(faccessat, ANY, "GOP_ACCESS on libcs that probe it"),
	ALLOW(mkdirat, ANY, "GOP_MKDIR"),
	ALLOW(mknodat, ANY, "GOP_MKNOD (FIFOs, regular and socket files)"),
	ALLOW(unlinkat, ANY, "GOP_UNLINK"),
	ALLOW(renameat2, ANY, "GOP_RENAME"),
	ALLOW(linkat, ANY, "GOP_LINK"),
	ALLOW(symlinkat, ANY, "GOP_SYMLINK"),
	ALLOW(fchmodat2, ANY, "GOP_CHMOD on an O_PATH fd"),
	ALLOW(fchownat, ANY, "GOP_CHOWN"),
	ALLOW(utimensat, ANY, "GOP_UTIMENS"),
	ALLOW(truncate, ANY, "GOP_TRUNCATE, by name in the file's directory"),
	ALLOW(prlimit64, OWN_FSIZE, "GOP_TRUNCATE under the guest's RLIMIT_FSIZE, its own"),
	ALLOW(ftruncate, ANY, "O_TRUNC of an open by the guest's root, after its mode check"),
	ALLOW(bind, ANY, "GOP_BIND on the guest's AF_UNIX socket"),
	ALLOW(connect, ANY, "GOP_CONNECT on the guest's AF_UNIX socket"),
	ALLOW(getsockopt, ANY, "check that the socket is AF_UNIX"),
	ALLOW(inotify_add_watch, ANY, "GOP_INOTIFY_ADD on the guest's inotify fd"),
	/* memory */
	ALLOW(brk, ANY, "malloc"),
	ALLOW(mmap, NO_EXEC_MAP, "malloc; never executable"),
	ALLOW(munmap, ANY, "free"),
	ALLOW(mremap, ANY, "realloc"),
	ALLOW(madvise, ANY, "the allocator returning memory"),
	ALLOW(mprotect, NO_EXEC_MAP, "the allocator; never executable"),
	ALLOW(futex, ANY, "libc and allocator locks; the wake after a sent fd's close"),
};

static const int fcntl_cmds[] = {
	F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_SETLEASE,
};

bool gofer_self_filter_entry(size_t i, const char **name, const char **why)
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
	case FCNTL_CMDS:
		for (size_t i = 0; i < ARRAY_SIZE(fcntl_cmds); i++) {
			int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
						 SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[i]));
			if (r < 0)
				return r;
		}
		return 0;
	case OWN_FSIZE:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 2, SCMP_A0(SCMP_CMP_EQ, 0),
					SCMP_A1(SCMP_CMP_EQ, RLIMIT_FSIZE));
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

int gofer_self_filter_export(int fd)
{
	return bpf_filter_export(build_ctx, fd);
}

extern const char runsc_gofer_bpf[] __attribute__((weak));
extern const char runsc_gofer_bpf_end[] __attribute__((weak));

int gofer_self_filter_apply(void)
{
	return bpf_filter_install(runsc_gofer_bpf, runsc_gofer_bpf_end, build_ctx);
}
