/* SPDX-License-Identifier: Apache-2.0 */
/* The one syscall table: a row for every x86-64 syscall number Linux 6.18
 * defines (0..336 and 424..469; 337..423 were never assigned on x86-64), plus
 * the exec loader's reserved call. The guest filter (filter.c), the sentry's
 * two dispatchers (notifications in sentry/sentry.c, SECCOMP_RET_TRACE stops
 * in sentry/ptrace.c), the `runsc-c syscalls` report and docs/syscalls.md all
 * come from this table.
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
#include <fcntl.h>
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
#include "sentry/clone3.h"
#include "sentry/sentry.h"
#include "sentry/timed_wait.h"
#include "syscalls/handlers.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* termios2 requests: asm/ioctls.h spells them with struct termios2, which
 * cannot be declared next to glibc's termios. */
#define IOC_TCGETS2  0x802c542aU
#define IOC_TCSETS2  0x402c542bU
#define IOC_TCSETSW2 0x402c542cU
#define IOC_TCSETSF2 0x402c542dU

/* fcntl commands of Linux 6.10 and 6.12 that glibc 2.36 does not name. */
#define FCNTL_F_DUPFD_QUERY   1027
#define FCNTL_F_CREATED_QUERY 1028

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
#define NE(n, v)                                   \
	{                                          \
		.arg = (n), .op = SCR_NE, .a = (v) \
	}
#define TRACE1(c0)                                              \
	{                                                       \
		.action = SCR_TRACE, .ncond = 1, .cond = { c0 } \
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
	IOCTL_OK(SIOCGIFTXQLEN),
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

/* fcntl: the commands an O_PATH fd allows (F_DUPFD, F_DUPFD_CLOEXEC,
 * F_GETFD, F_SETFD, F_DUPFD_QUERY, F_CREATED_QUERY), which act the same on
 * its placeholder, and the record locks, which databases take on every
 * transaction, run natively. The rest (F_GETFL, F_SETFL, owners, signals,
 * leases, pipe sizes, seals, hints, unknown commands) traps to
 * sys_fcntl_other: EBADF or F_GETFL's O_PATH on a placeholder, the native
 * call on anything else. */
static const struct sc_rule fcntl_rules[] = {
	ALLOW1(ARG32(1, F_DUPFD)),
	ALLOW1(ARG32(1, F_DUPFD_CLOEXEC)),
	ALLOW1(ARG32(1, F_GETFD)),
	ALLOW1(ARG32(1, F_SETFD)),
	ALLOW1(ARG32(1, F_GETLK)),
	ALLOW1(ARG32(1, F_SETLK)),
	ALLOW1(ARG32(1, F_SETLKW)),
	ALLOW1(ARG32(1, F_OFD_GETLK)),
	ALLOW1(ARG32(1, F_OFD_SETLK)),
	ALLOW1(ARG32(1, F_OFD_SETLKW)),
	ALLOW1(ARG32(1, FCNTL_F_DUPFD_QUERY)),
	ALLOW1(ARG32(1, FCNTL_F_CREATED_QUERY)),
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

/* sendto(2) without an address (send(2), the hot path) and without
 * MSG_FASTOPEN names no destination: native. The rest goes to the sentry:
 * a unix path names a file in the view, an IP address is the policy's
 * under network mode egress. */
static const struct sc_rule sendto_rules[] = {
	ALLOW2(MASKED(4, UINT64_MAX, 0), MASKED(3, MSG_FASTOPEN, 0)),
};

/* getsockopt: SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD go to the sentry (peercred.c); other options
 * below 128 of the guest's sockets' levels natively (all 64 bits compared; else CONTINUE). */
#define LEVEL_OK(l)		ALLOW1(MASKED(1, UINT64_MAX, l))
#define PEER_OPT_BLOCK(mask, v) ALLOW2(LEVEL_IS_SOCKET, MASKED(2, ~(uint64_t)(mask), v))
#define LEVEL_IS_SOCKET		MASKED(1, UINT64_MAX, SOL_SOCKET)
static const struct sc_rule getsockopt_rules[] = {
	LEVEL_OK(IPPROTO_IP),	  /* IP: the levels of the guest's sockets */
	LEVEL_OK(IPPROTO_TCP),	  /* TCP */
	LEVEL_OK(IPPROTO_UDP),	  /* UDP */
	LEVEL_OK(IPPROTO_IPV6),	  /* IPv6 */
	LEVEL_OK(IPPROTO_ICMPV6), /* ICMPv6 */
	LEVEL_OK(SOL_RAW),	  /* raw */
	LEVEL_OK(SOL_NETLINK),	  /* netlink */
	PEER_OPT_BLOCK(15, 0),	  /* SOL_SOCKET: 0..15 */
	PEER_OPT_BLOCK(0, 16),	  /* 16 */
	PEER_OPT_BLOCK(1, 18),	  /* 18, 19 */
	PEER_OPT_BLOCK(3, 20),	  /* 20..23 */
	PEER_OPT_BLOCK(7, 24),	  /* 24..31 */
	PEER_OPT_BLOCK(15, 32),	  /* 32..47 */
	PEER_OPT_BLOCK(7, 48),	  /* 48..55 */
	PEER_OPT_BLOCK(1, 56),	  /* 56, 57 */
	PEER_OPT_BLOCK(0, 58),	  /* 59: SO_PEERGROUPS */
	PEER_OPT_BLOCK(3, 60),	  /* 60..63 */
	PEER_OPT_BLOCK(7, 64),	  /* 64..71 */
	PEER_OPT_BLOCK(3, 72),	  /* 72..75 */
	PEER_OPT_BLOCK(0, 76),	  /* 77: SO_PEERPIDFD */
	PEER_OPT_BLOCK(1, 78),	  /* 78, 79 */
	PEER_OPT_BLOCK(15, 80),	  /* 80..95 */
	PEER_OPT_BLOCK(31, 96),	  /* 96..127 */
};
_Static_assert(SO_PEERCRED == 17 && SO_PEERGROUPS == 59, "the blocks above leave out these");

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
/* Native, but under network mode egress what the rules (if any) do not
 * allow goes to the handler (see struct sc_row.net_egress). */
#define NET_EGRESS(n, nm, h, r, cnt, nt, w)                                              \
	{                                                                                \
		.nr = (n), .name = (nm), .cls = SC_NATIVE, .handler = (h), .rules = (r), \
		.nrules = (cnt), .net_egress = true, .status = SC_PARTIAL, .note = (nt), \
		.why = (w)                                                               \
	}
#define SENTRY(n, nm, h, w)	  ROW(n, nm, SC_SENTRY, h, SC_SUPPORTED, 0, NULL, w)
#define SENTRY_P(n, nm, h, nt, w) ROW(n, nm, SC_SENTRY, h, SC_PARTIAL, 0, nt, w)
/* Served by the sentry, whose whole answer is an error. */
#define SENTRY_E(n, nm, h, e, nt, w) ROW(n, nm, SC_SENTRY, h, SC_PARTIAL, e, nt, w)
#define DENY(n, nm, e, w)	     ROW(n, nm, SC_DENIED, NULL, SC_UNSUPPORTED, e, NULL, w)
/* SECCOMP_RET_TRACE rows: their handler runs at the PTRACE_EVENT_SECCOMP
 * stop (sentry/ptrace.c), not for a notification. */
#define TRACE_ROW(n, nm, c, t, w)                                                          \
	{                                                                                  \
		.nr = (n), .name = (nm), .cls = (c), .trace = (t), .status = SC_SUPPORTED, \
		.why = (w)                                                                 \
	}
#define EXEC(n, nm, t, w)   TRACE_ROW(n, nm, SC_EXEC, t, w)
#define TRACED(n, nm, t, w) TRACE_ROW(n, nm, SC_TRACED, t, w)
/* Traced rows whose rules stop only some calls; the rest run natively. */
#define TRACED_RULED(n, nm, t, r, w)                                                   \
	{                                                                              \
		.nr = (n), .name = (nm), .cls = SC_TRACED, .trace = (t), .rules = (r), \
		.nrules = N_ELEMS(r), .status = SC_SUPPORTED, .why = (w)               \
	}
#define TRACED_P(n, nm, t, nt, w)                                                              \
	{                                                                                      \
		.nr = (n), .name = (nm), .cls = SC_TRACED, .trace = (t), .status = SC_PARTIAL, \
		.note = (nt), .why = (w)                                                       \
	}

/* Timed waits that Linux never restarts after a signal (rt_sigtimedwait,
 * epoll_pwait2): a wait without a timeout runs natively; one with a
 * timeout stops first, so that the sentry notes its deadline and, when a
 * signal the task ignores cuts it short (a traced task is sent every
 * signal), restarts it with the time left instead of letting it fail with
 * EINTR (sentry/timed_wait.c). The stop reads the timeout and decides
 * nothing with it: the kernel reads the guest's own. */
static const struct sc_rule sigtimedwait_rules[] = {
	ALLOW1(MASKED(2, UINT64_MAX, 0)),
	TRACE1(NE(2, 0)),
};
static const struct sc_rule epoll_pwait2_rules[] = {
	ALLOW1(MASKED(3, UINT64_MAX, 0)),
	TRACE1(NE(3, 0)),
};

/* Calls on an fd the guest holds. fstat, fstatfs, fgetxattr and flistxattr
 * run natively: they take no name, and the fd's file was installed by the
 * sentry after a policy check (or is a pipe, socket or memfd of the
 * guest's own). newfstatat(fd, "", AT_EMPTY_PATH) and statx(fd, "",
 * AT_EMPTY_PATH), which is how glibc makes fstat, act on the fd alone too,
 * yet trap: a filter sees the path's pointer, not whether the string is
 * empty, and a non-empty name would be resolved by the host kernel from
 * the fd (a directory of the view), past the policy's hidden rules, the
 * sentry's /proc and its resolution of absolute symlinks. Reading the string and answering
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE would not do either: another thread
 * can write a name into it between the sentry's read and the kernel's.
 * The sentry answers them without the gofer, with one stat of the host
 * /proc's link for that fd (sentry/vfs/stat.c), which leads to the file
 * the fd holds and resolves no name of the guest's; ids and device
 * numbers are then the kernel's, exactly as fstat reports them (the
 * guest's user namespace maps ids one to one). getcwd is answered from
 * the path the sentry keeps for the cwd (sentry/vfs/cwd.c).
 *
 * futimens (utimensat(fd, NULL, times, 0)) names no path either, and a
 * filter could let exactly that form through (path 0, flags 0), yet it
 * traps, because the kernel's own answer is not always the sandbox's. The
 * guest's root holds CAP_FOWNER over every file whose owner its user
 * namespace maps (ids 0-65535, one to one), and a futimens needs nothing
 * else: natively it would set any times on a host file that the launcher
 * handed over as stdio, even one the guest may only read (`runsc-c do cmd
 * </etc/passwd`, or the host's /dev/null), and on a file below a
 * policy's read-only rule inside a writable mount. The filter sees the fd
 * number, not which file it names. The view's own files are the ones the
 * kernel would decide rightly (EROFS on its read-only mounts, a copy-up on
 * the writable layer), so the sentry does those itself on its copy of the
 * fd, without the gofer, when no policy is loaded and the caller owns the
 * file (sentry/vfs/fd_attr.c: 8 system calls of the sentry's; after the
 * open that created the file, as tar does, it needs no readlink of the
 * fd); anything else goes to the gofer, which refuses files outside the
 * view (EPERM). Measured: tar's futimens are 5,000 of the 27,382
 * notifications of untar + find + stat + rm of 5,000 files. */

/* O_PATH (openat, openat2, sentry/opath.c): SECCOMP_IOCTL_NOTIF_ADDFD
 * refuses an O_PATH file (measured here: EBADF, though the same fd crosses
 * a unix socket intact), so the guest gets a placeholder and the sentry
 * keeps the gofer's O_PATH fd of the object. Why that is safe: the
 * placeholder is an empty memfd of the sentry's opened with access mode 3,
 * which the kernel opens for neither reading nor writing. Every native row
 * that a guest can aim at it (read, write, pread64, pwrite64, readv,
 * writev, sendfile, splice, copy_file_range, fallocate, flock: EBADF;
 * ftruncate: EINVAL; mmap: EACCES; lseek, fsync, fdatasync, fadvise64,
 * poll, epoll_ctl, record locks, ioctl's allowlist, getdents64) reaches
 * only that empty memfd; fchmod and fchown trap and fail with EBADF as on
 * Linux. The object's fd never enters the guest's table: trapped calls that
 * take a guest fd get it in the placeholder's place (guest_getfd), so what
 * they may do with it is what the sentry and the gofer allow an O_PATH fd,
 * path resolution included.
 *
 * A filter cannot tell a placeholder from another fd, so a call trapped for
 * placeholders traps for every fd. fstat, fstatfs, syncfs, listen, the
 * fcntl commands outside fcntl_rules and the ioctls outside the allowlist trap;
 * on any other fd the sentry lets the call go on natively
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE; before any placeholder exists it does
 * not even look at the fd). That is safe because the arguments are
 * registers the kernel reads itself and the decision reads no guest memory:
 * a thread that swaps the fd number for a placeholder between the sentry's
 * look and the call only gets the native call on the placeholder, which is
 * what the rows above allow anyway. The price, measured on these machines:
 * one notification round trip per call, 16 to 20 us against 2 to 3 us
 * natively on a quiet machine (up to 110 us under load), and about half
 * what glibc's fstat (newfstatat, trapped already) takes in the same runs.
 * Programs seldom make these calls (counted natively: none in python3.11 -c
 * pass, gcc -c, git status, ls -l or an sqlite3 insert; one F_GETFL in bash
 * running a script, two calls in tar c). The raw fstat is what musl's fstat
 * and Go's os.File.Stat make (Go's os.ReadFile: one per file, beside the
 * openat that traps anyway); go build makes 43 fstat and 55 F_GETFL against
 * 4503 newfstatat and 844 openat. lseek, mmap of a file, getdents, fsync,
 * fdatasync, ftruncate, fadvise64, poll, epoll_ctl, TCGETS and FIONREAD
 * stay native: ordinary programs make them many times (python3.11 -c
 * 'import json': 53 lseek, 23 mmap of a file, 29 ioctl; ls and git one
 * getdents64 per 32 KiB of names; a database an fsync per transaction), so
 * the round trip would cost every program for an answer only a placeholder
 * gets wrong. The socket calls other than listen (once per listening
 * socket) stay native too, and answer ENOTSOCK on a placeholder where
 * Linux gives EBADF: a node HTTP server and client on loopback make, per
 * connection, one accept4, two shutdown, three EPOLL_CTL_ADD, two
 * setsockopt and one getsockopt, against one trapped connect; trapping
 * accept4 alone took 2,000 connections from 3.5-4.4 s to 4.8-5.3 s on a
 * loaded machine (bench/results/opath-socket-2026-12-07c.md).
 * getdents64 traps all the same, for the inode numbers of the writable
 * layer's directories (syscalls/dir.c), which every listing there would
 * get wrong. */

/* One row per line, the reason why its class is safe written out on it, so
 * that `grep -w NAME syscalls/table.c` answers "supported, and why is it
 * safe?" (docs/syscalls.md, generated from this table, answers it too). */
/* clang-format off */
const struct sc_row sc_table[] = {
	NATIVE(0, "read", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(1, "write", "I/O on an fd the guest holds, each installed after a policy check"),
	SENTRY(2, "open", sys_open, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(3, "close", "acts only on fds the guest holds, each installed after a policy check"),
	SENTRY(4, "stat", sys_stat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(5, "fstat", sys_fstat, "runs natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE) unless the fd is an O_PATH placeholder, which is answered for its object as newfstatat(fd, \"\", AT_EMPTY_PATH) is, or its file has set-id bits the sentry keeps, which the answer adds"),
	SENTRY(6, "lstat", sys_lstat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(7, "poll", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(8, "lseek", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(9, "mmap", "maps anonymous memory or an fd the guest holds into itself"),
	NATIVE(10, "mprotect", "changes only the caller's own address space"),
	NATIVE(11, "munmap", "changes only the caller's own address space"),
	NATIVE(12, "brk", "changes only the caller's own address space"),
	NATIVE(13, "rt_sigaction", "the caller's own signal state"),
	NATIVE(14, "rt_sigprocmask", "the caller's own signal state"),
	NATIVE(15, "rt_sigreturn", "the caller's own signal state"),
	RULED(16, "ioctl", sys_ioctl_other, ioctl_rules, "commands outside the allowlist: ENOTTY; TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS: EPERM", "BPF allows only terminal, fd and interface-query commands on fds the guest holds"),
	NATIVE(17, "pread64", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(18, "pwrite64", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(19, "readv", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(20, "writev", "I/O on an fd the guest holds, each installed after a policy check"),
	SENTRY(21, "access", sys_access, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(22, "pipe", "creates an anonymous fd that refers to no host path"),
	NATIVE(23, "select", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(24, "sched_yield", "gives up the caller's own time slice"),
	NATIVE(25, "mremap", "changes only the caller's own address space"),
	NATIVE(26, "msync", "changes only the caller's own address space"),
	NATIVE(27, "mincore", "changes only the caller's own address space"),
	NATIVE(28, "madvise", "changes only the caller's own address space"),
	NATIVE(29, "shmget", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(30, "shmat", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(31, "shmctl", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(32, "dup", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(33, "dup2", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(34, "pause", "the caller's own signal state"),
	NATIVE(35, "nanosleep", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(36, "getitimer", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(37, "alarm", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(38, "setitimer", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(39, "getpid", "process ids and groups of the guest's own pid namespace"),
	NATIVE(40, "sendfile", "I/O on an fd the guest holds, each installed after a policy check"),
	RULED(41, "socket", sys_socket_other, socket_rules, "only AF_UNIX, TCP, UDP, ping and NETLINK_ROUTE sockets; other families EAFNOSUPPORT, types ESOCKTNOSUPPORT, protocols EPROTONOSUPPORT (as a kernel without them), raw and packet sockets EPERM (as without CAP_NET_RAW); under network mode egress other families too: EPERM, audited", "BPF allows what the guest's own network namespace serves; the rest is refused"),
	SENTRY_P(42, "connect", sys_connect, "AF_UNIX paths via the gofer, abstract names via the sentry, tagged by an effective gid of the sentry's; the accepting side's SO_PEERCRED is the sentry's (getsockopt)", "names an address: the sentry decides and connects the guest's socket itself"),
	NATIVE_P(43, "accept", "on an O_PATH fd ENOTSOCK, where Linux gives EBADF; the address of a unix peer bound by a path with a directory in it is the path's last component (README)", "on a socket the guest created in its own network namespace"),
	RULED(44, "sendto", sys_sendto, sendto_rules, "an AF_UNIX path address on a stream or seqpacket socket is the kernel's (EOPNOTSUPP, or ignored)", "without an address native; with one the sentry sends a copy: a unix path resolves in the view as connect does, an IP address is decided under network mode egress"),
	NATIVE_P(45, "recvfrom", "the address of a unix peer bound by a path with a directory in it is the path's last component (README)", "on a socket the guest created in its own network namespace"),
	SENTRY_P(46, "sendmsg", sys_sendmsg, "SCM_CREDENTIALS naming another process (which Linux grants CAP_SYS_ADMIN): EPERM", "BPF cannot read the header: the sentry copies the message, resolves a unix path address in the view, decides an IP address under network mode egress and sends the copy"),
	NATIVE_P(47, "recvmsg", "the address of a unix peer bound by a path with a directory in it is the path's last component (README)", "on a socket the guest created in its own network namespace"),
	NATIVE(48, "shutdown", "on a socket the guest created in its own network namespace"),
	SENTRY_P(49, "bind", sys_bind, "AF_UNIX paths via the gofer", "names an address: the sentry decides and binds the guest's socket itself"),
	SENTRY(50, "listen", sys_fd_not_opath, "runs natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE) unless the fd is an O_PATH placeholder (EBADF, as Linux); on a socket the guest created in its own network namespace"),
	SENTRY_P(51, "getsockname", sys_getsockname, "a unix socket bound by a path with a directory in it, and a socket accept(2) made from such a listener, show the path's last component once the sandbox has bound 1024 more sockets by path (the sentry keeps the guest's spelling of its last 1024 binds)", "the sentry asks the kernel on the guest's socket and gives a unix socket's path as the guest bound it, or for one accept(2) made its listener's, found by their socket file through sock_diag (the gofer binds by the last component)"),
	SENTRY_P(52, "getpeername", sys_getpeername, "a peer bound by path outside the sandbox (a host socket in a volume, a host process connected to a guest listener) shows the last component of its path", "the sentry asks the kernel on the guest's socket and gives the path a unix listener was bound to, found by the socket file the guest connected to, or for a socket accept(2) made the path its connecting socket was bound to, found by the record of the connect (getsockopt)"),
	RULED(53, "socketpair", sys_socket_other, socketpair_rules, "only AF_UNIX; other families fail as socket does, or with EOPNOTSUPP where socket would succeed", "BPF allows AF_UNIX pairs, which refer to no host path"),
	NATIVE(54, "setsockopt", "on a socket the guest created in its own network namespace"),
	RULED(55, "getsockopt", sys_getsockopt, getsockopt_rules, "SO_PEERCRED, SO_PEERGROUPS and SO_PEERPIDFD of a unix socket the sandbox connected for the guest answer from the sentry's record of the connect, kept for the sandbox's last 1024 connects; an older one reads as no credentials (pid 0, ids -1, ENODATA, EINVAL) (README)", "native for the levels of the guest's sockets but for SO_PEERCRED, SO_PEERGROUPS and SO_PEERPIDFD, which the sentry answers from what it recorded at the connect it made for the guest (the kernel's record names the sentry or the gofer), never a pid or pidfd of a process outside the guest"),
	RULED(56, "clone", sys_clone_ns, clone_rules, "CLONE_NEW* and CLONE_UNTRACED: EPERM", "BPF allows clone without namespace flags; the sentry traces the new task"),
	NATIVE(57, "fork", "the child inherits the filter and is traced by the sentry"),
	NATIVE(58, "vfork", "the child inherits the filter and is traced by the sentry"),
	EXEC(59, "execve", exec_trace_stop, "the sentry resolves the path and starts its loader at the TRACE stop"),
	NATIVE(60, "exit", "ends the calling thread"),
	NATIVE(61, "wait4", "process ids and groups of the guest's own pid namespace"),
	NATIVE(62, "kill", "signals reach only tasks in the guest's pid namespace"),
	SENTRY(63, "uname", sys_uname, "the sentry reports the sandbox's own system identity"),
	NATIVE(64, "semget", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(65, "semop", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(66, "semctl", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(67, "shmdt", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(68, "msgget", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(69, "msgsnd", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(70, "msgrcv", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(71, "msgctl", "SysV IPC objects live in the guest's own IPC namespace"),
	RULED(72, "fcntl", sys_fcntl_other, fcntl_rules, "on an O_PATH fd the record-lock commands act on its placeholder (F_GETLK and F_SETLK with F_UNLCK succeed; Linux: EBADF)", "acts only on fds the guest holds; commands outside the allowlist trap and run natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE) unless the fd is an O_PATH placeholder"),
	NATIVE(73, "flock", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(74, "fsync", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(75, "fdatasync", "acts only on fds the guest holds, each installed after a policy check"),
	SENTRY(76, "truncate", sys_truncate, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(77, "ftruncate", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(78, "getdents", "lists a directory fd the guest holds; hidden paths are absent from the view"),
	SENTRY(79, "getcwd", sys_getcwd, "the sentry reports the cwd as a path inside the view"),
	SENTRY(80, "chdir", sys_chdir, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(81, "fchdir", sys_fchdir, "the sentry keeps each task's cwd"),
	SENTRY(82, "rename", sys_rename, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(83, "mkdir", sys_mkdir, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(84, "rmdir", sys_rmdir, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(85, "creat", sys_creat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(86, "link", sys_link, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(87, "unlink", sys_unlink, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(88, "symlink", sys_symlink, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(89, "readlink", sys_readlink, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(90, "chmod", sys_chmod, "names a path: resolved by the sentry, performed by the gofer inside the view; set-id bits are kept by the sentry (sentry/setid.h), never given to the host"),
	SENTRY(91, "fchmod", sys_fchmod, "the gofer changes only files of the view, memfds, pipes and sockets, never the host's set-id bits (the sentry keeps the guest's); on a regular file the caller owns and the dentry cache keeps as its path's object, done by the sentry on its copy of the fd: a file of the view, whose owner may set any mode"),
	SENTRY(92, "chown", sys_chown, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(93, "fchown", sys_fchown, "the gofer changes only files of the view, memfds, pipes and sockets: a host file handed over as stdio stays as it is; on a regular file without set-id bits the caller owns and the dentry cache keeps as its path's object, done by the sentry on its copy of the fd where Linux lets the owner do it (its own group, or any mapped ids for a caller holding CAP_CHOWN, as the gofer would)"),
	SENTRY(94, "lchown", sys_lchown, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	TRACED(95, "umask", creds_trace_stop, "the caller's own mask; the stop makes the sentry re-read it for creations"),
	NATIVE(96, "gettimeofday", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(97, "getrlimit", "reads the caller's own limits; RLIMIT_CORE is 0 (no core dumps, see README)"),
	NATIVE(98, "getrusage", "reads the usage of the caller and its children"),
	SENTRY(99, "sysinfo", sys_sysinfo, "the sentry reports the memory /proc/meminfo shows (the sandbox's bound) and the guest's threads; natively it would report the host's memory and process count"),
	NATIVE(100, "times", "reads the caller's own cpu times"),
	DENY(101, "ptrace", EPERM, "the sentry is the guests' tracer; another tracer would bypass it"),
	NATIVE(102, "getuid", "reads the caller's ids in its own user namespace"),
	DENY(103, "syslog", EPERM, "the host kernel's log is not the guest's"),
	NATIVE(104, "getgid", "reads the caller's ids in its own user namespace"),
	TRACED(105, "setuid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	TRACED(106, "setgid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	NATIVE(107, "geteuid", "reads the caller's ids in its own user namespace"),
	NATIVE(108, "getegid", "reads the caller's ids in its own user namespace"),
	NATIVE(109, "setpgid", "process ids and groups of the guest's own pid namespace"),
	NATIVE(110, "getppid", "process ids and groups of the guest's own pid namespace"),
	NATIVE(111, "getpgrp", "process ids and groups of the guest's own pid namespace"),
	NATIVE(112, "setsid", "process ids and groups of the guest's own pid namespace"),
	TRACED(113, "setreuid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	TRACED(114, "setregid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	NATIVE(115, "getgroups", "reads the caller's ids in its own user namespace"),
	TRACED(116, "setgroups", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	TRACED(117, "setresuid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	NATIVE(118, "getresuid", "reads the caller's ids in its own user namespace"),
	TRACED(119, "setresgid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	NATIVE(120, "getresgid", "reads the caller's ids in its own user namespace"),
	NATIVE(121, "getpgid", "process ids and groups of the guest's own pid namespace"),
	TRACED(122, "setfsuid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	TRACED(123, "setfsgid", creds_trace_stop, "bounded by the guest's user namespace; the stop makes the sentry re-read the thread's ids"),
	NATIVE(124, "getsid", "process ids and groups of the guest's own pid namespace"),
	NATIVE(125, "capget", "the guest's user namespace, without the capabilities only the host's initial namespace honours (the guest's init drops them)"),
	TRACED(126, "capset", creds_trace_stop, "capabilities count only in the guest's user namespace; the sentry re-reads them, and the gofer acts with the ones over files"),
	NATIVE(127, "rt_sigpending", "the caller's own signal state"),
	TRACED_RULED(128, "rt_sigtimedwait", timed_wait_trace_stop, sigtimedwait_rules, "the caller's own signal state; a wait with a timeout stops so that an ignored signal does not end it early, the kernel reading the guest's timeout"),
	NATIVE(129, "rt_sigqueueinfo", "signals reach only tasks in the guest's pid namespace"),
	NATIVE(130, "rt_sigsuspend", "the caller's own signal state"),
	NATIVE(131, "sigaltstack", "the caller's own signal state"),
	SENTRY(132, "utime", sys_utime, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(133, "mknod", sys_mknod, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	DENY(134, "uselib", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	NATIVE(135, "personality", "the caller's exec domain; no_new_privs and mmap_min_addr still hold"),
	DENY(136, "ustat", ENOSYS, "obsolete; would describe host file systems by device number"),
	SENTRY(137, "statfs", sys_statfs, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(138, "fstatfs", sys_fstatfs, "runs natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE) unless the fd is an O_PATH placeholder, which is answered for the object the sentry holds, or a file of the sandbox's /sys, answered as sysfs"),
	DENY(139, "sysfs", ENOSYS, "obsolete; would list the host kernel's file system types"),
	NATIVE(140, "getpriority", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(141, "setpriority", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(142, "sched_setparam", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(143, "sched_getparam", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(144, "sched_setscheduler", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(145, "sched_getscheduler", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(146, "sched_get_priority_max", "reads a constant of the scheduler"),
	NATIVE(147, "sched_get_priority_min", "reads a constant of the scheduler"),
	NATIVE(148, "sched_rr_get_interval", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(149, "mlock", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(150, "munlock", "changes only the caller's own address space"),
	NATIVE(151, "mlockall", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(152, "munlockall", "changes only the caller's own address space"),
	DENY(153, "vhangup", EPERM, "would hang up a terminal the guest may share with the user"),
	DENY(154, "modify_ldt", EPERM, "16-bit segments are not offered; a rich source of kernel bugs"),
	DENY(155, "pivot_root", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(156, "_sysctl", ENOSYS, "removed from Linux: ENOSYS as Linux answers"),
	NATIVE(157, "prctl", "per-process settings; those needing host privilege still fail"),
	NATIVE(158, "arch_prctl", "the caller's own TLS base and cpu features"),
	DENY(159, "adjtimex", EPERM, "the host clock is not the guest's to steer"),
	NATIVE(160, "setrlimit", "can only lower hard limits: raising needs host CAP_SYS_RESOURCE; RLIMIT_CORE stays 0"),
	DENY(161, "chroot", EPERM, "the sentry resolves paths; a host-kernel root would mean nothing"),
	NATIVE(162, "sync", "flushes dirty data; reveals and changes nothing"),
	DENY(163, "acct", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(164, "settimeofday", EPERM, "the host clock is not the guest's to set"),
	DENY(165, "mount", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(166, "umount2", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(167, "swapon", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(168, "swapoff", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(169, "reboot", EPERM, "administers the host kernel; no sandboxed program needs it"),
	SENTRY(170, "sethostname", sys_sethostname, "the sentry keeps the sandbox's hostname"),
	SENTRY(171, "setdomainname", sys_setdomainname, "the sentry keeps the sandbox's domain name"),
	DENY(172, "iopl", EPERM, "hardware I/O ports are the host's"),
	DENY(173, "ioperm", EPERM, "hardware I/O ports are the host's"),
	DENY(174, "create_module", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(175, "init_module", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(176, "delete_module", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(177, "get_kernel_syms", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(178, "query_module", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(179, "quotactl", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(180, "nfsservctl", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(181, "getpmsg", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(182, "putpmsg", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(183, "afs_syscall", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(184, "tuxcall", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(185, "security", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	NATIVE(186, "gettid", "process ids and groups of the guest's own pid namespace"),
	NATIVE(187, "readahead", "acts only on fds the guest holds, each installed after a policy check"),
	SENTRY_E(188, "setxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	SENTRY_E(189, "lsetxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	DENY(190, "fsetxattr", EOPNOTSUPP, "would let guest root set security.capability on volume files: ENOTSUP"),
	SENTRY_E(191, "getxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	SENTRY_E(192, "lgetxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	NATIVE(193, "fgetxattr", "reads attributes of a file the guest holds open"),
	SENTRY_E(194, "listxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	SENTRY_E(195, "llistxattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	NATIVE(196, "flistxattr", "reads attributes of a file the guest holds open"),
	SENTRY_E(197, "removexattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	SENTRY_E(198, "lremovexattr", sys_path_xattr, EOPNOTSUPP, "extended attributes by path are not offered: ENOTSUP", "names a path: the sentry answers and nothing reaches the host"),
	DENY(199, "fremovexattr", EOPNOTSUPP, "attribute writes by fd are refused as fsetxattr's are"),
	NATIVE(200, "tkill", "signals reach only tasks in the guest's pid namespace"),
	NATIVE(201, "time", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(202, "futex", "waits on the caller's own memory"),
	NATIVE(203, "sched_setaffinity", "tasks of the guest's pid namespace, within its cpuset"),
	NATIVE(204, "sched_getaffinity", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	DENY(205, "set_thread_area", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	NATIVE(206, "io_setup", "asynchronous I/O on fds the guest holds"),
	NATIVE(207, "io_destroy", "asynchronous I/O on fds the guest holds"),
	NATIVE(208, "io_getevents", "asynchronous I/O on fds the guest holds"),
	NATIVE(209, "io_submit", "asynchronous I/O on fds the guest holds"),
	NATIVE(210, "io_cancel", "asynchronous I/O on fds the guest holds"),
	DENY(211, "get_thread_area", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(212, "lookup_dcookie", ENOSYS, "removed in Linux 6.8: ENOSYS as Linux answers"),
	NATIVE(213, "epoll_create", "creates an anonymous fd that refers to no host path"),
	DENY(214, "epoll_ctl_old", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	DENY(215, "epoll_wait_old", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	NATIVE(216, "remap_file_pages", "changes only the caller's own address space"),
	SENTRY(217, "getdents64", sys_getdents64, "lists a directory fd the guest holds (hidden paths are absent from the view): natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE), or for a directory of the writable layer by the sentry on the guest's own open file, with each directory's inode number as stat gives it"),
	NATIVE(218, "set_tid_address", "the caller's own thread state"),
	NATIVE(219, "restart_syscall", "resumes the caller's interrupted call"),
	NATIVE(220, "semtimedop", "SysV IPC objects live in the guest's own IPC namespace"),
	NATIVE(221, "fadvise64", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(222, "timer_create", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(223, "timer_settime", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(224, "timer_gettime", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(225, "timer_getoverrun", "a timer of the caller; expiry signals stay in the guest"),
	NATIVE(226, "timer_delete", "a timer of the caller; expiry signals stay in the guest"),
	DENY(227, "clock_settime", EPERM, "the host clock is not the guest's to set"),
	NATIVE(228, "clock_gettime", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(229, "clock_getres", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(230, "clock_nanosleep", "reads a clock or sleeps; host clocks stay untouched"),
	NATIVE(231, "exit_group", "ends the calling process"),
	NATIVE(232, "epoll_wait", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(233, "epoll_ctl", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(234, "tgkill", "signals reach only tasks in the guest's pid namespace"),
	SENTRY(235, "utimes", sys_utimes, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	DENY(236, "vserver", ENOSYS, "no entry point in Linux x86-64 either: ENOSYS as Linux answers"),
	NATIVE(237, "mbind", "changes only the caller's own address space"),
	NATIVE(238, "set_mempolicy", "the caller's own NUMA policy"),
	NATIVE(239, "get_mempolicy", "the caller's own NUMA policy"),
	NATIVE(240, "mq_open", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	NATIVE(241, "mq_unlink", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	NATIVE(242, "mq_timedsend", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	NATIVE(243, "mq_timedreceive", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	NATIVE(244, "mq_notify", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	NATIVE(245, "mq_getsetattr", "POSIX queues live in the guest's IPC namespace; names are not host paths"),
	DENY(246, "kexec_load", EPERM, "administers the host kernel; no sandboxed program needs it"),
	NATIVE(247, "waitid", "process ids and groups of the guest's own pid namespace"),
	DENY(248, "add_key", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	DENY(249, "request_key", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	DENY(250, "keyctl", EPERM, "kernel keyrings are shared with the host, not namespaced"),
	NATIVE(251, "ioprio_set", "I/O priority of tasks in the guest's pid namespace"),
	NATIVE(252, "ioprio_get", "I/O priority of tasks in the guest's pid namespace"),
	NATIVE(253, "inotify_init", "creates an anonymous fd that refers to no host path"),
	SENTRY_P(254, "inotify_add_watch", sys_inotify_add_watch, "the gofer places the watch; synthesized /proc and /dev files report no events", "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(255, "inotify_rm_watch", "acts only on fds the guest holds, each installed after a policy check"),
	DENY(256, "migrate_pages", EPERM, "moves another process's memory between NUMA nodes"),
	SENTRY(257, "openat", sys_openat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(258, "mkdirat", sys_mkdirat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(259, "mknodat", sys_mknodat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(260, "fchownat", sys_fchownat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(261, "futimesat", sys_futimesat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(262, "newfstatat", sys_newfstatat, "names a path: resolved by the sentry, performed by the gofer inside the view; an fd's own stat (AT_EMPTY_PATH) is the sentry's, of the file the fd holds"),
	SENTRY(263, "unlinkat", sys_unlinkat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(264, "renameat", sys_renameat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(265, "linkat", sys_linkat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(266, "symlinkat", sys_symlinkat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(267, "readlinkat", sys_readlinkat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	SENTRY(268, "fchmodat", sys_fchmodat, "names a path: resolved by the sentry, performed by the gofer inside the view; set-id bits are kept by the sentry, never given to the host"),
	SENTRY(269, "faccessat", sys_faccessat, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	NATIVE(270, "pselect6", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(271, "ppoll", "acts only on fds the guest holds, each installed after a policy check"),
	RULED(272, "unshare", sys_unshare_ns, unshare_rules, "CLONE_NEW* flags: EPERM", "BPF allows unsharing fds, fs and SysV undo state; namespace flags are refused"),
	NATIVE(273, "set_robust_list", "the caller's own futex list"),
	NATIVE(274, "get_robust_list", "futex lists of tasks in the guest's pid namespace"),
	NATIVE(275, "splice", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(276, "tee", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(277, "sync_file_range", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(278, "vmsplice", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(279, "move_pages", "the caller's own pages, or those of a task it may trace"),
	SENTRY(280, "utimensat", sys_utimensat, "names a path: resolved by the sentry, performed by the gofer inside the view; with a NULL path (futimens) on a file the caller owns and the dentry cache keeps as its path's object, done by the sentry on its copy of the fd: a file of the view, where the caller may set any times"),
	NATIVE(281, "epoll_pwait", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(282, "signalfd", "creates an anonymous fd that refers to no host path"),
	NATIVE(283, "timerfd_create", "creates an anonymous fd that refers to no host path"),
	NATIVE(284, "eventfd", "creates an anonymous fd that refers to no host path"),
	NATIVE(285, "fallocate", "on an fd the guest holds; disk use is bounded by the writable layer"),
	NATIVE(286, "timerfd_settime", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(287, "timerfd_gettime", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE_P(288, "accept4", "on an O_PATH fd ENOTSOCK, where Linux gives EBADF; the address of a unix peer bound by a path with a directory in it is the path's last component (README)", "on a socket the guest created in its own network namespace"),
	NATIVE(289, "signalfd4", "creates an anonymous fd that refers to no host path"),
	NATIVE(290, "eventfd2", "creates an anonymous fd that refers to no host path"),
	NATIVE(291, "epoll_create1", "creates an anonymous fd that refers to no host path"),
	NATIVE(292, "dup3", "acts only on fds the guest holds, each installed after a policy check"),
	NATIVE(293, "pipe2", "creates an anonymous fd that refers to no host path"),
	NATIVE(294, "inotify_init1", "creates an anonymous fd that refers to no host path"),
	NATIVE(295, "preadv", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(296, "pwritev", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(297, "rt_tgsigqueueinfo", "signals reach only tasks in the guest's pid namespace"),
	DENY(298, "perf_event_open", EPERM, "exposes host-wide counters and a large kernel surface"),
	NATIVE_P(299, "recvmmsg", "the address of a unix peer bound by a path with a directory in it is the path's last component (README)", "on a socket the guest created in its own network namespace"),
	DENY(300, "fanotify_init", EPERM, "would watch host file systems beyond the view"),
	DENY(301, "fanotify_mark", EPERM, "would watch host file systems beyond the view"),
	NATIVE(302, "prlimit64", "tasks of the guest's pid namespace; raising needs host CAP_SYS_RESOURCE"),
	DENY(303, "name_to_handle_at", EOPNOTSUPP, "handles name host inodes; EOPNOTSUPP is what callers fall back on"),
	DENY(304, "open_by_handle_at", EPERM, "opens host inodes by number, bypassing the view"),
	DENY(305, "clock_adjtime", EPERM, "the host clock is not the guest's to steer"),
	SENTRY(306, "syncfs", sys_fd_not_opath, "runs natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE) unless the fd is an O_PATH placeholder (EBADF, as Linux)"),
	SENTRY_P(307, "sendmmsg", sys_sendmmsg, "SCM_CREDENTIALS naming another process (which Linux grants CAP_SYS_ADMIN): EPERM", "BPF cannot read the headers: the sentry copies each message, resolves each unix path address in the view, decides each IP address under network mode egress and sends the copies"),
	DENY(308, "setns", EPERM, "namespaces are the sandbox's boundary"),
	NATIVE(309, "getcpu", "reads which cpu the caller runs on"),
	DENY(310, "process_vm_readv", EPERM, "the sentry is the guests' tracer; another tracer would bypass it"),
	DENY(311, "process_vm_writev", EPERM, "the sentry is the guests' tracer; another tracer would bypass it"),
	DENY(312, "kcmp", EPERM, "compares kernel objects by address: ptrace-class access"),
	DENY(313, "finit_module", EPERM, "administers the host kernel; no sandboxed program needs it"),
	NATIVE(314, "sched_setattr", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	NATIVE(315, "sched_getattr", "tasks of the guest's pid namespace; raising priority needs host CAP_SYS_NICE"),
	SENTRY_P(316, "renameat2", sys_renameat2, "RENAME_WHITEOUT: EPERM (a whiteout is a device node)", "names a path: resolved by the sentry, performed by the gofer inside the view"),
	RULED(317, "seccomp", sys_seccomp_other, seccomp_rules, "SECCOMP_FILTER_FLAG_NEW_LISTENER: EPERM", "stacked guest filters only narrow; a guest listener could steal notifications"),
	NATIVE(318, "getrandom", "reads the kernel's random pool"),
	NATIVE(319, "memfd_create", "creates anonymous memory; its name is not a host path"),
	DENY(320, "kexec_file_load", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(321, "bpf", EPERM, "eBPF is a large kernel surface and can read host state"),
	EXEC(322, "execveat", exec_trace_stop, "the sentry resolves the path or fd and starts its loader"),
	DENY(323, "userfaultfd", EPERM, "stalls kernel copies at will: a favourite exploit primitive"),
	NATIVE(324, "membarrier", "orders memory between the caller's own threads"),
	NATIVE(325, "mlock2", "the caller's memory, bounded by RLIMIT_MEMLOCK and the cgroup"),
	NATIVE(326, "copy_file_range", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(327, "preadv2", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(328, "pwritev2", "I/O on an fd the guest holds, each installed after a policy check"),
	NATIVE(329, "pkey_mprotect", "changes only the caller's own address space"),
	NATIVE(330, "pkey_alloc", "changes only the caller's own address space"),
	NATIVE(331, "pkey_free", "changes only the caller's own address space"),
	SENTRY(332, "statx", sys_statx, "names a path: resolved by the sentry, performed by the gofer inside the view; an fd's own stat (AT_EMPTY_PATH) is the sentry's, of the file the fd holds"),
	NATIVE(333, "io_pgetevents", "asynchronous I/O on fds the guest holds"),
	NATIVE(334, "rseq", "the caller's own restartable-sequence area"),
	NATIVE(335, "uretprobe", "only the kernel's uprobe trampolines call it; others get SIGILL"),
	NATIVE(336, "uprobe", "only the kernel's uprobe trampolines call it; others fail"),
	TRACED_P(424, "pidfd_send_signal", pidfd_signal_trace_stop, "a /proc/<pid> fd with flags: EINVAL", "signals reach only tasks in the guest's pid namespace; at the stop a /proc/<pid> directory fd of the sentry's becomes the caller's own kill of that pid"),
	DENY(425, "io_uring_setup", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(426, "io_uring_enter", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(427, "io_uring_register", EPERM, "io_uring would run I/O the filter never sees"),
	DENY(428, "open_tree", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(429, "move_mount", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(430, "fsopen", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(431, "fsconfig", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(432, "fsmount", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(433, "fspick", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	NATIVE(434, "pidfd_open", "tasks of the guest's pid namespace only"),
	TRACED_P(435, "clone3", clone3_trace_stop, "set_tid: EPERM; CLONE_INTO_CGROUP: EACCES (EBADF for an fd that is no cgroup2 directory); CLONE_CLEAR_SIGHAND: EINVAL (glibc's posix_spawn then uses clone)", "BPF cannot read its struct: at the stop the sentry copies it once, checks it as Linux does and rewrites the call into the clone the filter allows"),
	NATIVE(436, "close_range", "acts only on fds the guest holds, each installed after a policy check"),
	SENTRY_P(437, "openat2", sys_openat2, "RESOLVE_CACHED unsupported", "names a path: resolved by the sentry, performed by the gofer inside the view"),
	DENY(438, "pidfd_getfd", EPERM, "the sentry is the guests' tracer; another tracer would bypass it"),
	SENTRY(439, "faccessat2", sys_faccessat2, "names a path: resolved by the sentry, performed by the gofer inside the view"),
	DENY(440, "process_madvise", EPERM, "acts on another process's memory: ptrace-class access"),
	TRACED_RULED(441, "epoll_pwait2", timed_wait_trace_stop, epoll_pwait2_rules, "acts only on fds the guest holds, each installed after a policy check; a wait with a timeout stops so that an ignored signal does not end it early"),
	DENY(442, "mount_setattr", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(443, "quotactl_fd", EPERM, "administers the host kernel; no sandboxed program needs it"),
	DENY(444, "landlock_create_ruleset", ENOSYS, "opens go through the gofer, where a guest ruleset would not apply; ENOSYS says so"),
	DENY(445, "landlock_add_rule", ENOSYS, "landlock is not offered (see landlock_create_ruleset)"),
	DENY(446, "landlock_restrict_self", ENOSYS, "landlock is not offered (see landlock_create_ruleset)"),
	DENY(447, "memfd_secret", ENOSYS, "not offered; callers probe for it and fall back on ENOSYS"),
	DENY(448, "process_mrelease", ENOSYS, "not offered; callers probe for it and fall back on ENOSYS"),
	NATIVE(449, "futex_waitv", "waits on the caller's own memory"),
	NATIVE(450, "set_mempolicy_home_node", "changes only the caller's own address space"),
	DENY(451, "cachestat", ENOSYS, "page-cache state is a side channel on host files; not offered"),
	SENTRY(452, "fchmodat2", sys_fchmodat2, "names a path: resolved by the sentry, performed by the gofer inside the view; set-id bits are kept by the sentry, never given to the host"),
	DENY(453, "map_shadow_stack", ENOSYS, "not offered; callers probe for it and fall back on ENOSYS"),
	NATIVE(454, "futex_wake", "wakes waiters on the caller's own memory"),
	NATIVE(455, "futex_wait", "waits on the caller's own memory"),
	NATIVE(456, "futex_requeue", "moves waiters on the caller's own memory"),
	DENY(457, "statmount", ENOSYS, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(458, "listmount", ENOSYS, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(459, "lsm_get_self_attr", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(460, "lsm_set_self_attr", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(461, "lsm_list_modules", ENOSYS, "host LSM state is not the guest's; not offered"),
	DENY(462, "mseal", ENOSYS, "not offered; callers probe for it and fall back on ENOSYS"),
	DENY(463, "setxattrat", ENOSYS, "names a path; callers fall back to setxattr"),
	DENY(464, "getxattrat", ENOSYS, "names a path; callers fall back to getxattr"),
	DENY(465, "listxattrat", ENOSYS, "names a path; callers fall back to listxattr"),
	DENY(466, "removexattrat", ENOSYS, "names a path; callers fall back to removexattr"),
	DENY(467, "open_tree_attr", EPERM, "the sentry keeps the mount table; the guest's own mount namespace is empty"),
	DENY(468, "file_getattr", ENOSYS, "names a path; not offered"),
	DENY(469, "file_setattr", ENOSYS, "names a path; not offered"),
	SENTRY(RUNSC_NR_EXEC_SEARCH, "runsc_exec_search", sys_exec_search, "not a Linux call: execvp's PATH search, each candidate decided as its exec's open and the policy's exec rules decide it (refusals audited as an exec's); tells no more than those execs would"),
	SENTRY(RUNSC_NR_LOADER, "runsc_loader", sys_loader, "not a Linux call: honoured once, after the kernel's exec event for the loader the sentry exec'd (a pending decision proves no exec)"),
};
/* clang-format on */

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

/* Counts Linux syscalls only: the reserved calls are not. */
void sc_table_count(struct sc_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_row *r = &sc_table[i];

		if (r->nr == RUNSC_NR_LOADER || r->nr == RUNSC_NR_EXEC_SEARCH)
			continue;
		out->cls[r->cls]++;
		out->status[r->status]++;
		out->total++;
	}
}

uint16_t sc_trace_data(enum sc_class cls)
{
	switch (cls) {
	case SC_EXEC:
		return SC_EXEC_TRACE_DATA;
	case SC_TRACED:
		return SC_CREDS_TRACE_DATA;
	default:
		return 0;
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
