/* SPDX-License-Identifier: Apache-2.0 */
/* The one syscall table: a row for every x86-64 syscall number Linux 6.18
 * defines (0..336 and 424..469; 337..423 were never assigned on x86-64), plus
 * the exec loader's reserved call. The guest filter (filter.c), the sentry's
 * dispatch and the `runsc-c syscalls` report all read this table.
 *
 * Class rules of thumb:
 * - native: the call touches only the caller, fds the sentry installed, or
 *   state the guest's own namespaces (user, pid, ipc, net, uts) bound;
 * - sentry: the call names a path, an address or host identity, so the sentry
 *   copies the arguments once and performs it itself or through the gofer;
 * - denied ENOSYS: not offered, and callers probe for it and fall back;
 * - denied EPERM: administers the host kernel or escapes the sandbox's view. */
#include "syscalls/table.h"

#include <errno.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "common/compat.h"
#include "syscalls/handlers.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* termios2 requests: asm/ioctls.h spells them with struct termios2, which
 * cannot be declared next to glibc's termios. */
#define IOC_TCGETS2  0x802c542aU
#define IOC_TCSETS2  0x402c542bU
#define IOC_TCSETSW2 0x402c542cU
#define IOC_TCSETSF2 0x402c542dU

/* Every namespace flag. For clone() the low byte is the exit signal, so the
 * kernel never reads 0x80 there as CLONE_NEWTIME; keeping it in the mask only
 * sends exit signals above 127 (all invalid) to the sentry. */
#define NS_FLAGS                                                                                  \
	((uint64_t)(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME))

/* Compare the low 32 bits only: int and unsigned int arguments may carry
 * garbage in the upper half of the register, which the kernel ignores. */
#define ARG32(n, v)                                                                   \
	{                                                                             \
		.arg = (n), .op = SCR_MASKED_EQ, .a = 0xffffffffU, .b = (uint32_t)(v) \
	}
#define MASKED(n, mask, v)                                             \
	{                                                              \
		.arg = (n), .op = SCR_MASKED_EQ, .a = (mask), .b = (v) \
	}
#define ALLOW1(c0)                                              \
	{                                                       \
		.action = SCR_ALLOW, .ncond = 1, .cond = { c0 } \
	}
#define ALLOW2(c0, c1)                                              \
	{                                                           \
		.action = SCR_ALLOW, .ncond = 2, .cond = { c0, c1 } \
	}
#define ALLOW3(c0, c1, c2)                                              \
	{                                                               \
		.action = SCR_ALLOW, .ncond = 3, .cond = { c0, c1, c2 } \
	}
#define IOCTL_OK(cmd) ALLOW1(ARG32(1, cmd))
#define IOCTL_EPERM(cmd)                                                                 \
	{                                                                                \
		.action = SCR_ERRNO, .err = EPERM, .ncond = 1, .cond = { ARG32(1, cmd) } \
	}

/* ioctl: known-harmless commands run natively; the four that can type into
 * or take over a terminal the guest shares with the user fail with EPERM
 * (dev.tty.legacy_tiocsti is 1 on the project's machines: CVE-2017-5226
 * class); everything else reaches sys_ioctl_other, which answers ENOTTY. */
static const struct sc_rule ioctl_rules[] = {
	/* terminal attributes and window size */
	IOCTL_OK(TCGETS),
	IOCTL_OK(TIOCGWINSZ),
	IOCTL_OK(FIONREAD),
	IOCTL_OK(FIONBIO),
	IOCTL_OK(FIOCLEX),
	IOCTL_OK(FIONCLEX),
	IOCTL_OK(TCSETS),
	IOCTL_OK(TCSETSW),
	IOCTL_OK(TCSETSF),
	IOCTL_OK(TCGETA),
	IOCTL_OK(TCSETA),
	IOCTL_OK(TCSETAW),
	IOCTL_OK(TCSETAF),
	IOCTL_OK(IOC_TCGETS2),
	IOCTL_OK(IOC_TCSETS2),
	IOCTL_OK(IOC_TCSETSW2),
	IOCTL_OK(IOC_TCSETSF2),
	IOCTL_OK(TIOCSWINSZ),
	IOCTL_OK(TIOCGLCKTRMIOS),
	/* job control: the guest runs in its own session */
	IOCTL_OK(TIOCGPGRP),
	IOCTL_OK(TIOCSPGRP),
	IOCTL_OK(TIOCSCTTY),
	IOCTL_OK(TIOCNOTTY),
	IOCTL_OK(TIOCGSID),
	/* line control */
	IOCTL_OK(TIOCOUTQ),
	IOCTL_OK(TCFLSH),
	IOCTL_OK(TCXONC),
	IOCTL_OK(TCSBRK),
	IOCTL_OK(TCSBRKP),
	IOCTL_OK(TIOCSBRK),
	IOCTL_OK(TIOCCBRK),
	IOCTL_OK(TIOCEXCL),
	IOCTL_OK(TIOCNXCL),
	IOCTL_OK(TIOCGEXCL),
	IOCTL_OK(TIOCGETD),
	IOCTL_OK(TIOCMGET),
	/* pseudo-terminals of the sandbox's own devpts */
	IOCTL_OK(TIOCGPTN),
	IOCTL_OK(TIOCSPTLCK),
	IOCTL_OK(TIOCGPTLCK),
	IOCTL_OK(TIOCGPTPEER),
	IOCTL_OK(TIOCPKT),
	IOCTL_OK(TIOCGPKT),
	/* fds and sockets */
	IOCTL_OK(FIOASYNC),
	IOCTL_OK(FIOQSIZE),
	IOCTL_OK(FIOGETOWN),
	IOCTL_OK(FIOSETOWN),
	IOCTL_OK(SIOCGPGRP),
	IOCTL_OK(SIOCSPGRP),
	IOCTL_OK(SIOCATMARK),
	IOCTL_OK(FS_IOC_GETFLAGS),
	/* interface queries answer from the guest's own network namespace */
	IOCTL_OK(SIOCGIFCONF),
	IOCTL_OK(SIOCGIFFLAGS),
	IOCTL_OK(SIOCGIFINDEX),
	IOCTL_OK(SIOCGIFNAME),
	IOCTL_OK(SIOCGIFADDR),
	IOCTL_OK(SIOCGIFNETMASK),
	IOCTL_OK(SIOCGIFBRDADDR),
	IOCTL_OK(SIOCGIFMTU),
	IOCTL_OK(SIOCGIFHWADDR),
	/* refused outright */
	IOCTL_EPERM(TIOCSTI),
	IOCTL_EPERM(TIOCLINUX),
	IOCTL_EPERM(TIOCSETD),
	IOCTL_EPERM(TIOCCONS),
};

/* CLONE_UNTRACED would start a task the sentry never sees (no clone event,
 * no exec stop): refused like the namespace flags. */
static const struct sc_rule clone_rules[] = {
	ALLOW1(MASKED(0, NS_FLAGS | CLONE_UNTRACED, 0)),
};

/* CLONE_FS goes to the sentry, which keeps each fs_struct's cwd itself. */
static const struct sc_rule unshare_rules[] = {
	ALLOW1(MASKED(0, NS_FLAGS | CLONE_FS, 0)),
};

/* The socket type's low nibble; SOCK_NONBLOCK and SOCK_CLOEXEC sit above. */
#define SOCK_TYPE(t)		     MASKED(1, 0xf, t)
#define INET_OK(family, type, proto) ALLOW3(ARG32(0, family), SOCK_TYPE(type), ARG32(2, proto))

/* What the guest's own network namespace serves: unix sockets, TCP, UDP,
 * ping sockets and NETLINK_ROUTE. Other families and protocols would
 * autoload kernel modules (sctp, l2tp, rds, ...) or reach code that the
 * guest's CAP_NET_RAW/CAP_NET_ADMIN over its namespace opens (raw packets,
 * nftables, xfrm), so they go to the sentry, which refuses them. */
static const struct sc_rule socket_rules[] = {
	ALLOW1(ARG32(0, AF_UNIX)),
	INET_OK(AF_INET, SOCK_STREAM, 0),
	INET_OK(AF_INET, SOCK_STREAM, IPPROTO_TCP),
	INET_OK(AF_INET, SOCK_DGRAM, 0),
	INET_OK(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
	INET_OK(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
	INET_OK(AF_INET6, SOCK_STREAM, 0),
	INET_OK(AF_INET6, SOCK_STREAM, IPPROTO_TCP),
	INET_OK(AF_INET6, SOCK_DGRAM, 0),
	INET_OK(AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
	INET_OK(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6),
	ALLOW2(ARG32(0, AF_NETLINK), ARG32(2, NETLINK_ROUTE)),
};

/* socketpair creates its sockets like socket does (a family's module would
 * load before the call fails); only AF_UNIX pairs exist. The same sentry
 * handler refuses the rest: its first three arguments are socket's. */
static const struct sc_rule socketpair_rules[] = {
	ALLOW1(ARG32(0, AF_UNIX)),
};

/* A guest may stack filters of its own, but never take a listener: a second
 * listener filter could answer notifications meant for the sentry (and
 * returns EBUSY anyway once ours is installed). */
static const struct sc_rule seccomp_rules[] = {
	ALLOW1(ARG32(0, SECCOMP_SET_MODE_STRICT)),
	ALLOW2(ARG32(0, SECCOMP_SET_MODE_FILTER), MASKED(1, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0)),
	ALLOW1(ARG32(0, SECCOMP_GET_ACTION_AVAIL)),
	ALLOW1(ARG32(0, SECCOMP_GET_NOTIF_SIZES)),
};

#define ROW(n, nm, c, h, st, e, nt, w)                                                           \
	{                                                                                        \
		.nr = (n), .name = (nm), .cls = (c), .handler = (h), .status = (st), .err = (e), \
		.note = (nt), .why = (w)                                                         \
	}
#define NATIVE(n, nm, w)       ROW(n, nm, SC_NATIVE, NULL, SC_SUPPORTED, 0, NULL, w)
#define NATIVE_P(n, nm, nt, w) ROW(n, nm, SC_NATIVE, NULL, SC_PARTIAL, 0, nt, w)
#define RULED(n, nm, h, r, nt, w)                                                        \
	{                                                                                \
		.nr = (n), .name = (nm), .cls = SC_NATIVE, .handler = (h), .rules = (r), \
		.nrules = N_ELEMS(r), .status = SC_PARTIAL, .note = (nt), .why = (w)     \
	}
#define SENTRY(n, nm, h, w)	  ROW(n, nm, SC_SENTRY, h, SC_SUPPORTED, 0, NULL, w)
#define SENTRY_P(n, nm, h, nt, w) ROW(n, nm, SC_SENTRY, h, SC_PARTIAL, 0, nt, w)
/* Served by the sentry, whose whole answer is an error. */
#define SENTRY_E(n, nm, h, e, nt, w) ROW(n, nm, SC_SENTRY, h, SC_PARTIAL, e, nt, w)
#define EXEC(n, nm, w)		     ROW(n, nm, SC_EXEC, NULL, SC_SUPPORTED, 0, NULL, w)
#define DENY(n, nm, e, w)	     ROW(n, nm, SC_DENIED, NULL, SC_UNSUPPORTED, e, NULL, w)
#define TRACED(n, nm, w)	     ROW(n, nm, SC_TRACED, NULL, SC_SUPPORTED, 0, NULL, w)

/* Reasons shared by many rows. */
#define W_FD	  "acts only on fds the guest holds, each installed after a policy check"
#define W_FDIO	  "I/O on an fd the guest holds, each installed after a policy check"
#define W_MEM	  "changes only the caller's own address space"
#define W_SIG	  "signals reach only tasks in the guest's pid namespace"
#define W_SIGSELF "the caller's own signal state"
#define W_TIME	  "reads a clock or sleeps; host clocks stay untouched"
#define W_TIMER	  "a timer of the caller; expiry signals stay in the guest"
#define W_ID                                                                                     \
	"bounded by the guest's user namespace; the stop makes the sentry re-read the thread's " \
	"ids"
#define W_IDGET	     "reads the caller's ids in its own user namespace"
#define W_PID	     "process ids and groups of the guest's own pid namespace"
#define W_SCHED	     "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"
#define W_SYSV	     "SysV IPC objects live in the guest's own IPC namespace"
#define W_MQ	     "POSIX queues live in the guest's IPC namespace; names are not host paths"
#define W_NEWFD	     "creates an anonymous fd that refers to no host path"
#define W_SOCKFD     "on a socket the guest created in its own network namespace"
#define W_AIO	     "asynchronous I/O on fds the guest holds"
#define W_PATH	     "names a path: resolved by the sentry, performed by the gofer inside the view"
#define W_XATTR	     "names a path: the sentry answers and nothing reaches the host"
#define W_DIR	     "lists a directory fd the guest holds; hidden paths are absent from the view"
#define W_NI	     "no entry point in Linux x86-64 either: ENOSYS as Linux answers"
#define W_HOST	     "administers the host kernel; no sandboxed program needs it"
#define W_MOUNT	     "the sentry keeps the mount table; the guest's own mount namespace is empty"
#define W_NOTOFFERED "not offered; callers probe for it and fall back on ENOSYS"
#define W_PTRACE     "the sentry is the guests' tracer; another tracer would bypass it"

#define N_XATTR "extended attributes by path are not offered: ENOTSUP"
#define N_PARTIAL_UNIX_ADDR \
	"AF_UNIX path addresses resolve in the guest's empty mount namespace: ENOENT"

const struct sc_row sc_table[] = {
	NATIVE(0, "read", W_FDIO),
	NATIVE(1, "write", W_FDIO),
	SENTRY(2, "open", sys_open, W_PATH),
	NATIVE(3, "close", W_FD),
	SENTRY(4, "stat", sys_stat, W_PATH),
	NATIVE(5, "fstat", W_FD),
	SENTRY(6, "lstat", sys_lstat, W_PATH),
	NATIVE(7, "poll", W_FD),
	NATIVE(8, "lseek", W_FD),
	NATIVE(9, "mmap", "maps anonymous memory or an fd the guest holds into itself"),
	NATIVE(10, "mprotect", W_MEM),
	NATIVE(11, "munmap", W_MEM),
	NATIVE(12, "brk", W_MEM),
	NATIVE(13, "rt_sigaction", W_SIGSELF),
	NATIVE(14, "rt_sigprocmask", W_SIGSELF),
	NATIVE(15, "rt_sigreturn", W_SIGSELF),
	RULED(16, "ioctl", sys_ioctl_other, ioctl_rules,
	      "commands outside the allowlist: ENOTTY; TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS: "
	      "EPERM",
	      "BPF allows only terminal, fd and interface-query commands on fds the guest holds"),
	NATIVE(17, "pread64", W_FDIO),
	NATIVE(18, "pwrite64", W_FDIO),
	NATIVE(19, "readv", W_FDIO),
	NATIVE(20, "writev", W_FDIO),
	SENTRY(21, "access", sys_access, W_PATH),
	NATIVE(22, "pipe", W_NEWFD),
	NATIVE(23, "select", W_FD),
	NATIVE(24, "sched_yield", "gives up the caller's own time slice"),
	NATIVE(25, "mremap", W_MEM),
	NATIVE(26, "msync", W_MEM),
	NATIVE(27, "mincore", W_MEM),
	NATIVE(28, "madvise", W_MEM),
	NATIVE(29, "shmget", W_SYSV),
	NATIVE(30, "shmat", W_SYSV),
	NATIVE(31, "shmctl", W_SYSV),
	NATIVE(32, "dup", W_FD),
	NATIVE(33, "dup2", W_FD),
	NATIVE(34, "pause", W_SIGSELF),
	NATIVE(35, "nanosleep", W_TIME),
	NATIVE(36, "getitimer", W_TIMER),
	NATIVE(37, "alarm", W_TIMER),
	NATIVE(38, "setitimer", W_TIMER),
	NATIVE(39, "getpid", W_PID),
	NATIVE(40, "sendfile", W_FDIO),
	RULED(41, "socket", sys_socket_other, socket_rules,
	      "only AF_UNIX, TCP, UDP, ping and NETLINK_ROUTE sockets; others: EAFNOSUPPORT",
	      "BPF allows what the guest's own network namespace serves; the rest is refused"),
	SENTRY_P(42, "connect", sys_connect,
		 "AF_UNIX paths via the gofer; SO_PEERCRED of a connect reports the gofer",
		 "names an address: the sentry decides and connects the guest's socket itself"),
	NATIVE(43, "accept", W_SOCKFD),
	NATIVE_P(44, "sendto", N_PARTIAL_UNIX_ADDR,
		 "the guest's network namespace bounds where a datagram can go"),
	NATIVE(45, "recvfrom", W_SOCKFD),
	NATIVE_P(46, "sendmsg", N_PARTIAL_UNIX_ADDR,
		 "the guest's network namespace bounds where a datagram can go"),
	NATIVE(47, "recvmsg", W_SOCKFD),
	NATIVE(48, "shutdown", W_SOCKFD),
	SENTRY_P(49, "bind", sys_bind, "AF_UNIX paths via the gofer",
		 "names an address: the sentry decides and binds the guest's socket itself"),
	NATIVE(50, "listen", W_SOCKFD),
	NATIVE(51, "getsockname", W_SOCKFD),
	NATIVE(52, "getpeername", W_SOCKFD),
	RULED(53, "socketpair", sys_socket_other, socketpair_rules,
	      "only AF_UNIX; others: EAFNOSUPPORT",
	      "BPF allows AF_UNIX pairs, which refer to no host path"),
	NATIVE(54, "setsockopt", W_SOCKFD),
	NATIVE(55, "getsockopt", W_SOCKFD),
	RULED(56, "clone", sys_clone_ns, clone_rules, "CLONE_NEW* and CLONE_UNTRACED: EPERM",
	      "BPF allows clone without namespace flags; the sentry traces the new task"),
	NATIVE(57, "fork", "the child inherits the filter and is traced by the sentry"),
	NATIVE(58, "vfork", "the child inherits the filter and is traced by the sentry"),
	EXEC(59, "execve", "the sentry resolves the path and starts its loader at the TRACE stop"),
	NATIVE(60, "exit", "ends the calling thread"),
	NATIVE(61, "wait4", W_PID),
	NATIVE(62, "kill", W_SIG),
	SENTRY(63, "uname", sys_uname, "the sentry reports the sandbox's own system identity"),
	NATIVE(64, "semget", W_SYSV),
	NATIVE(65, "semop", W_SYSV),
	NATIVE(66, "semctl", W_SYSV),
	NATIVE(67, "shmdt", W_SYSV),
	NATIVE(68, "msgget", W_SYSV),
	NATIVE(69, "msgsnd", W_SYSV),
	NATIVE(70, "msgrcv", W_SYSV),
	NATIVE(71, "msgctl", W_SYSV),
	NATIVE(72, "fcntl", W_FD),
	NATIVE(73, "flock", W_FD),
	NATIVE(74, "fsync", W_FD),
	NATIVE(75, "fdatasync", W_FD),
	SENTRY(76, "truncate", sys_truncate, W_PATH),
	NATIVE(77, "ftruncate", W_FD),
	NATIVE(78, "getdents", W_DIR),
	SENTRY(79, "getcwd", sys_getcwd, "the sentry reports the cwd as a path inside the view"),
	SENTRY(80, "chdir", sys_chdir, W_PATH),
	SENTRY(81, "fchdir", sys_fchdir, "the sentry keeps each task's cwd"),
	SENTRY(82, "rename", sys_rename, W_PATH),
	SENTRY(83, "mkdir", sys_mkdir, W_PATH),
	SENTRY(84, "rmdir", sys_rmdir, W_PATH),
	SENTRY(85, "creat", sys_creat, W_PATH),
	SENTRY(86, "link", sys_link, W_PATH),
	SENTRY(87, "unlink", sys_unlink, W_PATH),
	SENTRY(88, "symlink", sys_symlink, W_PATH),
	SENTRY(89, "readlink", sys_readlink, W_PATH),
	SENTRY(90, "chmod", sys_chmod, W_PATH),
	SENTRY(91, "fchmod", sys_fchmod,
	       "the gofer changes only files of the view, memfds, pipes and sockets, never set-id "
	       "bits"),
	SENTRY(92, "chown", sys_chown, W_PATH),
	SENTRY(93, "fchown", sys_fchown,
	       "the gofer changes only files of the view, memfds, pipes and sockets: a host file "
	       "handed over as stdio stays as it is"),
	SENTRY(94, "lchown", sys_lchown, W_PATH),
	TRACED(95, "umask",
	       "the caller's own mask; the stop makes the sentry re-read it for creations"),
	NATIVE(96, "gettimeofday", W_TIME),
	NATIVE(97, "getrlimit", "reads the caller's own limits"),
	NATIVE(98, "getrusage", "reads the usage of the caller and its children"),
	NATIVE_P(99, "sysinfo", "reports the host's memory, load and uptime",
		 "read-only counters; changes nothing"),
	NATIVE(100, "times", "reads the caller's own cpu times"),
	DENY(101, "ptrace", EPERM, W_PTRACE),
	NATIVE(102, "getuid", W_IDGET),
	DENY(103, "syslog", EPERM, "the host kernel's log is not the guest's"),
	NATIVE(104, "getgid", W_IDGET),
	TRACED(105, "setuid", W_ID),
	TRACED(106, "setgid", W_ID),
	NATIVE(107, "geteuid", W_IDGET),
	NATIVE(108, "getegid", W_IDGET),
	NATIVE(109, "setpgid", W_PID),
	NATIVE(110, "getppid", W_PID),
	NATIVE(111, "getpgrp", W_PID),
	NATIVE(112, "setsid", W_PID),
	TRACED(113, "setreuid", W_ID),
	TRACED(114, "setregid", W_ID),
	NATIVE(115, "getgroups", W_IDGET),
	TRACED(116, "setgroups", W_ID),
	TRACED(117, "setresuid", W_ID),
	NATIVE(118, "getresuid", W_IDGET),
	TRACED(119, "setresgid", W_ID),
	NATIVE(120, "getresgid", W_IDGET),
	NATIVE(121, "getpgid", W_PID),
	TRACED(122, "setfsuid", W_ID),
	TRACED(123, "setfsgid", W_ID),
	NATIVE(124, "getsid", W_PID),
	NATIVE(125, "capget", "capabilities count only in the guest's own user namespace"),
	TRACED(126, "capset",
	       "capabilities count only in the guest's user namespace; the sentry re-reads them"),
	NATIVE(127, "rt_sigpending", W_SIGSELF),
	NATIVE(128, "rt_sigtimedwait", W_SIGSELF),
	NATIVE(129, "rt_sigqueueinfo", W_SIG),
	NATIVE(130, "rt_sigsuspend", W_SIGSELF),
	NATIVE(131, "sigaltstack", W_SIGSELF),
	SENTRY(132, "utime", sys_utime, W_PATH),
	SENTRY(133, "mknod", sys_mknod, W_PATH),
	DENY(134, "uselib", ENOSYS, W_NI),
	NATIVE(135, "personality",
	       "the caller's exec domain; no_new_privs and mmap_min_addr still hold"),
	DENY(136, "ustat", ENOSYS, "obsolete; would describe host file systems by device number"),
	SENTRY(137, "statfs", sys_statfs, W_PATH),
	NATIVE(138, "fstatfs", W_FD),
	DENY(139, "sysfs", ENOSYS, "obsolete; would list the host kernel's file system types"),
	NATIVE(140, "getpriority", W_SCHED),
	NATIVE(141, "setpriority", W_SCHED),
	NATIVE(142, "sched_setparam", W_SCHED),
	NATIVE(143, "sched_getparam", W_SCHED),
	NATIVE(144, "sched_setscheduler", W_SCHED),
	NATIVE(145, "sched_getscheduler", W_SCHED),
	NATIVE(146, "sched_get_priority_max", "reads a constant of the scheduler"),
	NATIVE(147, "sched_get_priority_min", "reads a constant of the scheduler"),
	NATIVE(148, "sched_rr_get_interval", W_SCHED),
	NATIVE(149, "mlock", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(150, "munlock", W_MEM),
	NATIVE(151, "mlockall", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(152, "munlockall", W_MEM),
	DENY(153, "vhangup", EPERM, "would hang up a terminal the guest may share with the user"),
	DENY(154, "modify_ldt", EPERM,
	     "16-bit segments are not offered; a rich source of kernel bugs"),
	DENY(155, "pivot_root", EPERM, W_MOUNT),
	DENY(156, "_sysctl", ENOSYS, "removed from Linux: ENOSYS as Linux answers"),
	NATIVE(157, "prctl", "per-process settings; those needing host privilege still fail"),
	NATIVE(158, "arch_prctl", "the caller's own TLS base and cpu features"),
	DENY(159, "adjtimex", EPERM, "the host clock is not the guest's to steer"),
	NATIVE(160, "setrlimit", "can only lower hard limits: raising needs host CAP_SYS_RESOURCE"),
	DENY(161, "chroot", EPERM,
	     "the sentry resolves paths; a host-kernel root would mean nothing"),
	NATIVE(162, "sync", "flushes dirty data; reveals and changes nothing"),
	DENY(163, "acct", EPERM, W_HOST),
	DENY(164, "settimeofday", EPERM, "the host clock is not the guest's to set"),
	DENY(165, "mount", EPERM, W_MOUNT),
	DENY(166, "umount2", EPERM, W_MOUNT),
	DENY(167, "swapon", EPERM, W_HOST),
	DENY(168, "swapoff", EPERM, W_HOST),
	DENY(169, "reboot", EPERM, W_HOST),
	SENTRY(170, "sethostname", sys_sethostname, "the sentry keeps the sandbox's hostname"),
	SENTRY(171, "setdomainname", sys_setdomainname,
	       "the sentry keeps the sandbox's domain name"),
	DENY(172, "iopl", EPERM, "hardware I/O ports are the host's"),
	DENY(173, "ioperm", EPERM, "hardware I/O ports are the host's"),
	DENY(174, "create_module", ENOSYS, W_NI),
	DENY(175, "init_module", EPERM, W_HOST),
	DENY(176, "delete_module", EPERM, W_HOST),
	DENY(177, "get_kernel_syms", ENOSYS, W_NI),
	DENY(178, "query_module", ENOSYS, W_NI),
	DENY(179, "quotactl", EPERM, W_HOST),
	DENY(180, "nfsservctl", ENOSYS, W_NI),
	DENY(181, "getpmsg", ENOSYS, W_NI),
	DENY(182, "putpmsg", ENOSYS, W_NI),
	DENY(183, "afs_syscall", ENOSYS, W_NI),
	DENY(184, "tuxcall", ENOSYS, W_NI),
	DENY(185, "security", ENOSYS, W_NI),
	NATIVE(186, "gettid", W_PID),
	NATIVE(187, "readahead", W_FD),
	SENTRY_E(188, "setxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	SENTRY_E(189, "lsetxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	DENY(190, "fsetxattr", EOPNOTSUPP,
	     "would let guest root set security.capability on volume files: ENOTSUP"),
	SENTRY_E(191, "getxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	SENTRY_E(192, "lgetxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	NATIVE(193, "fgetxattr", "reads attributes of a file the guest holds open"),
	SENTRY_E(194, "listxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	SENTRY_E(195, "llistxattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	NATIVE(196, "flistxattr", "reads attributes of a file the guest holds open"),
	SENTRY_E(197, "removexattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	SENTRY_E(198, "lremovexattr", sys_path_xattr, EOPNOTSUPP, N_XATTR, W_XATTR),
	DENY(199, "fremovexattr", EOPNOTSUPP,
	     "attribute writes by fd are refused as fsetxattr's are"),
	NATIVE(200, "tkill", W_SIG),
	NATIVE(201, "time", W_TIME),
	NATIVE(202, "futex", "waits on the caller's own memory"),
	NATIVE(203, "sched_setaffinity", "tasks of the guest's pid namespace, within its cpuset"),
	NATIVE(204, "sched_getaffinity", W_SCHED),
	DENY(205, "set_thread_area", ENOSYS, W_NI),
	NATIVE(206, "io_setup", W_AIO),
	NATIVE(207, "io_destroy", W_AIO),
	NATIVE(208, "io_getevents", W_AIO),
	NATIVE(209, "io_submit", W_AIO),
	NATIVE(210, "io_cancel", W_AIO),
	DENY(211, "get_thread_area", ENOSYS, W_NI),
	DENY(212, "lookup_dcookie", ENOSYS, "removed in Linux 6.8: ENOSYS as Linux answers"),
	NATIVE(213, "epoll_create", W_NEWFD),
	DENY(214, "epoll_ctl_old", ENOSYS, W_NI),
	DENY(215, "epoll_wait_old", ENOSYS, W_NI),
	NATIVE(216, "remap_file_pages", W_MEM),
	NATIVE(217, "getdents64", W_DIR),
	NATIVE(218, "set_tid_address", "the caller's own thread state"),
	NATIVE(219, "restart_syscall", "resumes the caller's interrupted call"),
	NATIVE(220, "semtimedop", W_SYSV),
	NATIVE(221, "fadvise64", W_FD),
	NATIVE(222, "timer_create", W_TIMER),
	NATIVE(223, "timer_settime", W_TIMER),
	NATIVE(224, "timer_gettime", W_TIMER),
	NATIVE(225, "timer_getoverrun", W_TIMER),
	NATIVE(226, "timer_delete", W_TIMER),
	DENY(227, "clock_settime", EPERM, "the host clock is not the guest's to set"),
	NATIVE(228, "clock_gettime", W_TIME),
	NATIVE(229, "clock_getres", W_TIME),
	NATIVE(230, "clock_nanosleep", W_TIME),
	NATIVE(231, "exit_group", "ends the calling process"),
	NATIVE(232, "epoll_wait", W_FD),
	NATIVE(233, "epoll_ctl", W_FD),
	NATIVE(234, "tgkill", W_SIG),
	SENTRY(235, "utimes", sys_utimes, W_PATH),
	DENY(236, "vserver", ENOSYS, W_NI),
	NATIVE(237, "mbind", W_MEM),
	NATIVE(238, "set_mempolicy", "the caller's own NUMA policy"),
	NATIVE(239, "get_mempolicy", "the caller's own NUMA policy"),
	NATIVE(240, "mq_open", W_MQ),
	NATIVE(241, "mq_unlink", W_MQ),
	NATIVE(242, "mq_timedsend", W_MQ),
	NATIVE(243, "mq_timedreceive", W_MQ),
	NATIVE(244, "mq_notify", W_MQ),
	NATIVE(245, "mq_getsetattr", W_MQ),
	DENY(246, "kexec_load", EPERM, W_HOST),
	NATIVE(247, "waitid", W_PID),
	DENY(248, "add_key", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	DENY(249, "request_key", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	DENY(250, "keyctl", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	NATIVE(251, "ioprio_set", "I/O priority of tasks in the guest's pid namespace"),
	NATIVE(252, "ioprio_get", "I/O priority of tasks in the guest's pid namespace"),
	NATIVE(253, "inotify_init", W_NEWFD),
	SENTRY_P(254, "inotify_add_watch", sys_inotify_add_watch,
		 "the gofer places the watch; synthesized /proc and /dev files report no events",
		 W_PATH),
	NATIVE(255, "inotify_rm_watch", W_FD),
	DENY(256, "migrate_pages", EPERM, "moves another process's memory between NUMA nodes"),
	SENTRY(257, "openat", sys_openat, W_PATH),
	SENTRY(258, "mkdirat", sys_mkdirat, W_PATH),
	SENTRY(259, "mknodat", sys_mknodat, W_PATH),
	SENTRY(260, "fchownat", sys_fchownat, W_PATH),
	SENTRY(261, "futimesat", sys_futimesat, W_PATH),
	SENTRY(262, "newfstatat", sys_newfstatat, W_PATH),
	SENTRY(263, "unlinkat", sys_unlinkat, W_PATH),
	SENTRY(264, "renameat", sys_renameat, W_PATH),
	SENTRY(265, "linkat", sys_linkat, W_PATH),
	SENTRY(266, "symlinkat", sys_symlinkat, W_PATH),
	SENTRY(267, "readlinkat", sys_readlinkat, W_PATH),
	SENTRY(268, "fchmodat", sys_fchmodat, W_PATH),
	SENTRY(269, "faccessat", sys_faccessat, W_PATH),
	NATIVE(270, "pselect6", W_FD),
	NATIVE(271, "ppoll", W_FD),
	RULED(272, "unshare", sys_unshare_ns, unshare_rules, "CLONE_NEW* flags: EPERM",
	      "BPF allows unsharing fds, fs and SysV undo state; namespace flags are refused"),
	NATIVE(273, "set_robust_list", "the caller's own futex list"),
	NATIVE(274, "get_robust_list", "futex lists of tasks in the guest's pid namespace"),
	NATIVE(275, "splice", W_FDIO),
	NATIVE(276, "tee", W_FDIO),
	NATIVE(277, "sync_file_range", W_FD),
	NATIVE(278, "vmsplice", W_FDIO),
	NATIVE(279, "move_pages", "the caller's own pages, or those of a task it may trace"),
	SENTRY(280, "utimensat", sys_utimensat, W_PATH),
	NATIVE(281, "epoll_pwait", W_FD),
	NATIVE(282, "signalfd", W_NEWFD),
	NATIVE(283, "timerfd_create", W_NEWFD),
	NATIVE(284, "eventfd", W_NEWFD),
	NATIVE(285, "fallocate",
	       "on an fd the guest holds; disk use is bounded by the writable layer"),
	NATIVE(286, "timerfd_settime", W_FD),
	NATIVE(287, "timerfd_gettime", W_FD),
	NATIVE(288, "accept4", W_SOCKFD),
	NATIVE(289, "signalfd4", W_NEWFD),
	NATIVE(290, "eventfd2", W_NEWFD),
	NATIVE(291, "epoll_create1", W_NEWFD),
	NATIVE(292, "dup3", W_FD),
	NATIVE(293, "pipe2", W_NEWFD),
	NATIVE(294, "inotify_init1", W_NEWFD),
	NATIVE(295, "preadv", W_FDIO),
	NATIVE(296, "pwritev", W_FDIO),
	NATIVE(297, "rt_tgsigqueueinfo", W_SIG),
	DENY(298, "perf_event_open", EPERM,
	     "exposes host-wide counters and a large kernel surface"),
	NATIVE(299, "recvmmsg", W_SOCKFD),
	DENY(300, "fanotify_init", EPERM, "would watch host file systems beyond the view"),
	DENY(301, "fanotify_mark", EPERM, "would watch host file systems beyond the view"),
	NATIVE(302, "prlimit64",
	       "tasks of the guest's pid namespace; raising needs host CAP_SYS_RESOURCE"),
	DENY(303, "name_to_handle_at", EOPNOTSUPP,
	     "handles name host inodes; EOPNOTSUPP is what callers fall back on"),
	DENY(304, "open_by_handle_at", EPERM, "opens host inodes by number, bypassing the view"),
	DENY(305, "clock_adjtime", EPERM, "the host clock is not the guest's to steer"),
	NATIVE(306, "syncfs", W_FD),
	NATIVE_P(307, "sendmmsg", N_PARTIAL_UNIX_ADDR,
		 "the guest's network namespace bounds where a datagram can go"),
	DENY(308, "setns", EPERM, "namespaces are the sandbox's boundary"),
	NATIVE(309, "getcpu", "reads which cpu the caller runs on"),
	DENY(310, "process_vm_readv", EPERM, W_PTRACE),
	DENY(311, "process_vm_writev", EPERM, W_PTRACE),
	DENY(312, "kcmp", EPERM, "compares kernel objects by address: ptrace-class access"),
	DENY(313, "finit_module", EPERM, W_HOST),
	NATIVE(314, "sched_setattr", W_SCHED),
	NATIVE(315, "sched_getattr", W_SCHED),
	SENTRY(316, "renameat2", sys_renameat2, W_PATH),
	RULED(317, "seccomp", sys_seccomp_other, seccomp_rules,
	      "SECCOMP_FILTER_FLAG_NEW_LISTENER: EPERM",
	      "stacked guest filters only narrow; a guest listener could steal notifications"),
	NATIVE(318, "getrandom", "reads the kernel's random pool"),
	NATIVE(319, "memfd_create", "creates anonymous memory; its name is not a host path"),
	DENY(320, "kexec_file_load", EPERM, W_HOST),
	DENY(321, "bpf", EPERM, "eBPF is a large kernel surface and can read host state"),
	EXEC(322, "execveat", "the sentry resolves the path or fd and starts its loader"),
	DENY(323, "userfaultfd", EPERM,
	     "stalls kernel copies at will: a favourite exploit primitive"),
	NATIVE(324, "membarrier", "orders memory between the caller's own threads"),
	NATIVE(325, "mlock2", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(326, "copy_file_range", W_FDIO),
	NATIVE(327, "preadv2", W_FDIO),
	NATIVE(328, "pwritev2", W_FDIO),
	NATIVE(329, "pkey_mprotect", W_MEM),
	NATIVE(330, "pkey_alloc", W_MEM),
	NATIVE(331, "pkey_free", W_MEM),
	SENTRY(332, "statx", sys_statx, W_PATH),
	NATIVE(333, "io_pgetevents", W_AIO),
	NATIVE(334, "rseq", "the caller's own restartable-sequence area"),
	NATIVE(335, "uretprobe", "only the kernel's uprobe trampolines call it; others get SIGILL"),
	NATIVE(336, "uprobe", "only the kernel's uprobe trampolines call it; others fail"),
	NATIVE(424, "pidfd_send_signal", W_SIG),
	DENY(425, "io_uring_setup", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(426, "io_uring_enter", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(427, "io_uring_register", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(428, "open_tree", EPERM, W_MOUNT),
	DENY(429, "move_mount", EPERM, W_MOUNT),
	DENY(430, "fsopen", EPERM, W_MOUNT),
	DENY(431, "fsconfig", EPERM, W_MOUNT),
	DENY(432, "fsmount", EPERM, W_MOUNT),
	DENY(433, "fspick", EPERM, W_MOUNT),
	NATIVE(434, "pidfd_open", "tasks of the guest's pid namespace only"),
	DENY(435, "clone3", ENOSYS,
	     "BPF cannot read its flags struct; glibc falls back to clone only on ENOSYS"),
	NATIVE(436, "close_range", W_FD),
	SENTRY_P(437, "openat2", sys_openat2, "RESOLVE_CACHED unsupported", W_PATH),
	DENY(438, "pidfd_getfd", EPERM, W_PTRACE),
	SENTRY(439, "faccessat2", sys_faccessat2, W_PATH),
	DENY(440, "process_madvise", EPERM,
	     "acts on another process's memory: ptrace-class access"),
	NATIVE(441, "epoll_pwait2", W_FD),
	DENY(442, "mount_setattr", EPERM, W_MOUNT),
	DENY(443, "quotactl_fd", EPERM, W_HOST),
	DENY(444, "landlock_create_ruleset", ENOSYS,
	     "opens go through the gofer, where a guest ruleset would not apply; ENOSYS says so"),
	DENY(445, "landlock_add_rule", ENOSYS,
	     "landlock is not offered (see landlock_create_ruleset)"),
	DENY(446, "landlock_restrict_self", ENOSYS,
	     "landlock is not offered (see landlock_create_ruleset)"),
	DENY(447, "memfd_secret", ENOSYS, W_NOTOFFERED),
	DENY(448, "process_mrelease", ENOSYS, W_NOTOFFERED),
	NATIVE(449, "futex_waitv", "waits on the caller's own memory"),
	NATIVE(450, "set_mempolicy_home_node", W_MEM),
	DENY(451, "cachestat", ENOSYS,
	     "page-cache state is a side channel on host files; not offered"),
	DENY(452, "fchmodat2", ENOSYS, "libc falls back to fchmodat, which the sentry serves"),
	DENY(453, "map_shadow_stack", ENOSYS, W_NOTOFFERED),
	NATIVE(454, "futex_wake", "wakes waiters on the caller's own memory"),
	NATIVE(455, "futex_wait", "waits on the caller's own memory"),
	NATIVE(456, "futex_requeue", "moves waiters on the caller's own memory"),
	DENY(457, "statmount", ENOSYS, W_MOUNT),
	DENY(458, "listmount", ENOSYS, W_MOUNT),
	DENY(459, "lsm_get_self_attr", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(460, "lsm_set_self_attr", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(461, "lsm_list_modules", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(462, "mseal", ENOSYS, W_NOTOFFERED),
	DENY(463, "setxattrat", ENOSYS, "names a path; callers fall back to setxattr"),
	DENY(464, "getxattrat", ENOSYS, "names a path; callers fall back to getxattr"),
	DENY(465, "listxattrat", ENOSYS, "names a path; callers fall back to listxattr"),
	DENY(466, "removexattrat", ENOSYS, "names a path; callers fall back to removexattr"),
	DENY(467, "open_tree_attr", EPERM, W_MOUNT),
	DENY(468, "file_getattr", ENOSYS, "names a path; not offered"),
	DENY(469, "file_setattr", ENOSYS, "names a path; not offered"),
	SENTRY(RUNSC_NR_LOADER, "runsc_loader", sys_loader,
	       "not a Linux call: honoured once, right after the sentry exec'd its loader"),
};

const size_t sc_table_len = N_ELEMS(sc_table);

/* Numbers 0..INDEX_SIZE-1 map to a row index + 1 (0: no row). Built once on
 * first use: the sentry looks a row up for every notification. */
#define INDEX_SIZE 1024
static uint16_t row_index[INDEX_SIZE];
static pthread_once_t row_index_once = PTHREAD_ONCE_INIT;

static void build_row_index(void)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		int nr = sc_table[i].nr;

		if (nr < 0 || nr >= INDEX_SIZE || row_index[nr])
			continue; /* tests/unit/test_filter.c rejects such rows */
		row_index[nr] = (uint16_t)(i + 1);
	}
}

const struct sc_row *sc_lookup(int nr)
{
	if (nr < 0 || nr >= INDEX_SIZE)
		return NULL;
	pthread_once(&row_index_once, build_row_index);
	if (!row_index[nr])
		return NULL;
	return &sc_table[row_index[nr] - 1];
}

const struct sc_row *sc_lookup_name(const char *name)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		if (strcmp(sc_table[i].name, name) == 0)
			return &sc_table[i];
	}
	return NULL;
}

/* Counts Linux syscalls only: the loader's reserved call is not one. */
void sc_table_count(struct sc_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_row *r = &sc_table[i];

		if (r->nr == RUNSC_NR_LOADER)
			continue;
		out->cls[r->cls]++;
		out->status[r->status]++;
		out->total++;
	}
}

const char *sc_class_name(enum sc_class cls)
{
	switch (cls) {
	case SC_NATIVE:
		return "native";
	case SC_SENTRY:
		return "sentry";
	case SC_EXEC:
		return "exec";
	case SC_DENIED:
		return "denied";
	case SC_TRACED:
		return "traced";
	default:
		return "?";
	}
}

const char *sc_status_name(enum sc_status status)
{
	switch (status) {
	case SC_SUPPORTED:
		return "supported";
	case SC_PARTIAL:
		return "partial";
	case SC_UNSUPPORTED:
		return "unsupported";
	default:
		return "?";
	}
}

static const char *err_name(int err)
{
	const char *name;

	if (!err)
		return "-";
	name = strerrorname_np(err);
	return name ? name : "?";
}

static void print_text_row(FILE *out, const struct sc_row *r)
{
	fprintf(out, "%4d  %-24s %-7s %-12s %-11s %s", r->nr, r->name, sc_class_name(r->cls),
		sc_status_name(r->status), err_name(r->err), r->why);
	if (r->note && r->status == SC_PARTIAL)
		fprintf(out, " [%s]", r->note);
	fputc('\n', out);
}

/* Markdown cells: a '|' would end the cell. */
static void put_md_cell(FILE *out, const char *s)
{
	fputs("| ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc(' ', out);
}

static void print_md_row(FILE *out, const struct sc_row *r)
{
	char nr[16];

	snprintf(nr, sizeof(nr), "%d", r->nr);
	put_md_cell(out, nr);
	put_md_cell(out, r->name);
	put_md_cell(out, sc_class_name(r->cls));
	put_md_cell(out, sc_status_name(r->status));
	put_md_cell(out, err_name(r->err));
	put_md_cell(out, r->status == SC_PARTIAL ? r->note : "");
	put_md_cell(out, r->why);
	fputs("|\n", out);
}

int sc_table_print(FILE *out, const char *format)
{
	bool markdown;

	if (strcmp(format, "text") == 0)
		markdown = false;
	else if (strcmp(format, "markdown") == 0)
		markdown = true;
	else
		return -EINVAL;

	errno = 0; /* a failed write leaves its errno for the report below */
	if (markdown) {
		fputs("| nr | name | class | status | errno | missing | why |\n", out);
		fputs("| ---: | --- | --- | --- | --- | --- | --- |\n", out);
	} else {
		fprintf(out, "%4s  %-24s %-7s %-12s %-11s %s\n", "nr", "name", "class", "status",
			"errno", "why");
	}
	for (size_t i = 0; i < sc_table_len; i++) {
		if (markdown)
			print_md_row(out, &sc_table[i]);
		else
			print_text_row(out, &sc_table[i]);
	}
	if (fflush(out) != 0 || ferror(out))
		return errno > 0 ? -errno : -EIO;
	return 0;
}
