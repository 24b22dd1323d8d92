/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's own confinement: once the guest exists, the sentry moves into
 * an empty mount namespace (it reaches the host's /proc only through the fd
 * it opened before, and the view only through gofer fds) and runs under a
 * seccomp allowlist kept as a table here. Anything else kills it, and with
 * it the guest. */
#include "sentry/self_filter.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/bpf_blob.h"
#include "common/util.h"

struct self_row {
	int nr;
	const char *why;
};

static const struct self_row sentry_allowed[] = {
	{SCMP_SYS(read), "notification, wake eventfd, gofer and proc reads"},
	{SCMP_SYS(pread64), "proc files"},
	{SCMP_SYS(write), "answers written to memfds and logs"},
	{SCMP_SYS(writev), "logging through stdio"},
	{SCMP_SYS(close), "fds it fetched or received"},
	{SCMP_SYS(close_range), "bulk close"},
	{SCMP_SYS(openat), "relative to the host /proc fd and its own tmpfs; its root is empty"},
	{SCMP_SYS(readlinkat), "fd paths under /proc"},
	{SCMP_SYS(fchdir), "the host /proc for the one send whose unix destination is an fd of it"},
	{SCMP_SYS(fstat), "fds it holds"},
	{SCMP_SYS(newfstatat),
	 "fds it holds (AT_EMPTY_PATH), guest fds by the host /proc's fd links"},
	{SCMP_SYS(statx), "fds it holds (AT_EMPTY_PATH), guest fds by the host /proc's fd links"},
	{SCMP_SYS(fstatfs), "telling synthesized fds apart"},
	{SCMP_SYS(lseek), "memfd contents"},
	{SCMP_SYS(getdents64), "listing /proc directories"},
	{SCMP_SYS(mmap), "allocator"},
	{SCMP_SYS(munmap), "allocator"},
	{SCMP_SYS(mremap), "allocator"},
	{SCMP_SYS(mprotect), "allocator"},
	{SCMP_SYS(madvise), "allocator"},
	{SCMP_SYS(brk), "allocator"},
	{SCMP_SYS(futex), "allocator locks; the wait for the gofer's close of a sent fd"},
	{SCMP_SYS(rt_sigprocmask), "signal masks"},
	{SCMP_SYS(rt_sigaction), "signal dispositions"},
	{SCMP_SYS(rt_sigreturn), "signal return"},
	{SCMP_SYS(ioctl), "seccomp notification ioctls; PROCMAP_QUERY on a guest's maps"},
	{SCMP_SYS(sysinfo), "uptime and loads for the guest's sysinfo"},
	{SCMP_SYS(epoll_wait), "event loop"},
	{SCMP_SYS(epoll_pwait), "event loop"},
	{SCMP_SYS(epoll_ctl), "event loop"},
	{SCMP_SYS(epoll_create1), "event loop"},
	{SCMP_SYS(eventfd2), "event loop wake-ups"},
	{SCMP_SYS(poll), "FIFO waits"},
	{SCMP_SYS(tee), "is a FIFO's writer there (nothing consumed)"},
	{SCMP_SYS(pipe2), "scratch pipe for the FIFO check"},
	{SCMP_SYS(ppoll), "FIFO waits"},
	{SCMP_SYS(wait4), "ptrace events, reaping"},
	{SCMP_SYS(waitid), "ptrace events, reaping"},
	{SCMP_SYS(ptrace), "the guest's tracer"},
	{SCMP_SYS(process_vm_readv), "copying guest arguments"},
	{SCMP_SYS(process_vm_writev), "writing results into guest memory"},
	{SCMP_SYS(pidfd_open), "fetching guest fds"},
	{SCMP_SYS(pidfd_getfd), "fetching guest fds"},
	{SCMP_SYS(sendmsg), "gofer requests"},
	{SCMP_SYS(recvmsg), "gofer answers"},
	{SCMP_SYS(sendto), "gofer requests"},
	{SCMP_SYS(sendmmsg), "guest datagrams the policy allowed, sent on the guest's socket"},
	{SCMP_SYS(recvfrom), "gofer answers; whether the gofer lives"},
	{SCMP_SYS(bind), "guest sockets, in the guest's network namespace"},
	{SCMP_SYS(connect), "guest sockets, in the guest's network namespace"},
	{SCMP_SYS(getsockopt), "the outcome of a guest connect in progress (SO_ERROR)"},
	{SCMP_SYS(getsockname), "getsockname of a guest socket"},
	{SCMP_SYS(getpeername), "getpeername of a guest socket"},
	{SCMP_SYS(fcntl), "fd flags"},
	{SCMP_SYS(dup), "fd copies"},
	{SCMP_SYS(memfd_create), "synthesized file contents"},
	{SCMP_SYS(ftruncate), "synthesized file contents"},
	{SCMP_SYS(mkdirat), "synthesized directories in its own tmpfs"},
	{SCMP_SYS(symlinkat), "synthesized directories in its own tmpfs"},
	{SCMP_SYS(unlinkat), "synthesized directories in its own tmpfs"},
	{SCMP_SYS(fchmod), "synthesized directories; a guest's view file (vfs/fd_attr.c)"},
	{SCMP_SYS(fchown), "a guest's view file on the sentry's copy of its fd (vfs/fd_attr.c)"},
	{SCMP_SYS(getpid), "logging"},
	{SCMP_SYS(gettid), "allocator"},
	{SCMP_SYS(getppid), "logging"},
	{SCMP_SYS(kill), "killing the guest on fatal errors"},
	{SCMP_SYS(tgkill), "abort; SIGPIPE and SIGXFSZ to a guest thread"},
	{SCMP_SYS(capget), "a guest thread's capabilities after its exec"},
	{SCMP_SYS(prlimit64),
	 "reading a guest's stack limit for exec, its file size limit for truncate"},
	{SCMP_SYS(clock_gettime), "time"},
	{SCMP_SYS(clock_nanosleep), "short waits"},
	{SCMP_SYS(nanosleep), "short waits"},
	{SCMP_SYS(getrandom), "allocator"},
	{SCMP_SYS(sched_yield), "allocator"},
	{SCMP_SYS(sched_getaffinity), "allocator"},
	{SCMP_SYS(sched_setaffinity), "keeping the gofer on the sentry's CPU"},
	{SCMP_SYS(getcpu), "the CPU it runs on (when the vDSO does not answer)"},
	{SCMP_SYS(rseq), "libc"},
	{SCMP_SYS(prctl), "process name"},
	{SCMP_SYS(getegid), "its own effective gid, which no peercred tag is (peercred.c)"},
	{SCMP_SYS(setresgid), "the effective gid a guest connect is tagged with (peercred.c)"},
	{SCMP_SYS(exit), "exit"},
	{SCMP_SYS(exit_group), "exit"},
	{SCMP_SYS(sigaltstack), "sanitizer runtimes at exit"},
};

/* The sentry connects, binds and sends on the guest's sockets itself, and
 * the kernel checks some of those acts against the caller: a netlink
 * message sent with an address (rtnetlink's changes of addresses, links
 * and routes), a netlink connect to a process or group, the SO_MARK,
 * SO_PRIORITY and IPv6 option control messages. The guest's root has no
 * network capability over its network namespace, which the host's user
 * namespace owns (a new one, or one the sandbox joined), so the sentry
 * keeps none either: it answers as the kernel answers the guest. */
static int drop_net_capabilities(void)
{
	static const int drop[] = {CAP_NET_ADMIN, CAP_NET_RAW};
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
		uint32_t bit = 1u << (drop[i] % 32);
		data[drop[i] / 32].effective &= ~bit;
		data[drop[i] / 32].permitted &= ~bit;
		data[drop[i] / 32].inheritable &= ~bit;
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int sentry_isolate(void)
{
	int r = drop_net_capabilities();
	if (r < 0)
		return r;
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
		  "size=4k,mode=0555") < 0)
		return -errno;
	if (chdir("/tmp") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

static int build_ctx(scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sentry_allowed) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sentry_allowed[i].nr, 0);
	/* futimens(2) of a guest's file on the sentry's copy of its fd
	 * (sentry/vfs/fd_attr.c): an fd only, never a path. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(utimensat), 1,
				     SCMP_A1(SCMP_CMP_EQ, 0));
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

int sentry_filter_export(int fd)
{
	return bpf_filter_export(build_ctx, fd);
}

extern const char runsc_sentry_bpf[] __attribute__((weak));
extern const char runsc_sentry_bpf_end[] __attribute__((weak));

int sentry_filter_install(void)
{
	return bpf_filter_install(runsc_sentry_bpf, runsc_sentry_bpf_end, build_ctx);
}
