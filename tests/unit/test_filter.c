/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall table and the guest filter built from it. The filter tests load
 * the real filter into a forked child (with no_new_privs, as the guest runs)
 * while the parent plays the sentry on the listener. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "common/bpf_blob.h"
#include "common/compat.h"
#include "gofer/gofer.h"
#include "sentry/self_filter.h"
#include "syscalls/table.h"
#include "time_scale.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#define NR_FCHMODAT2  452
#define NR_SETXATTRAT 463

/* What the test supervisor answers: uname gets a value, everything else an
 * errno that no native call here produces, so a result shows it was
 * notified. */
#define UNAME_ANSWER   7
#define NOTIFIED_ERRNO EXDEV

/* ---- the table ---- */

START_TEST(test_rows_unique)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		for (size_t j = i + 1; j < sc_table_len; j++) {
			ck_assert_msg(sc_table[i].nr != sc_table[j].nr, "number %d twice (%s, %s)",
				      sc_table[i].nr, sc_table[i].name, sc_table[j].name);
			ck_assert_msg(strcmp(sc_table[i].name, sc_table[j].name) != 0,
				      "name %s twice", sc_table[i].name);
		}
	}
}
END_TEST

START_TEST(test_rows_cover_linux)
{
	/* Linux 6.18 x86-64 assigns 0..336 and 424..469. */
	for (int nr = 0; nr < 1100; nr++) {
		bool linux_nr = (nr <= 336) || (nr >= 424 && nr <= 469);
		const struct sc_row *r = sc_lookup(nr);

		if (linux_nr || nr == RUNSC_NR_LOADER || nr == RUNSC_NR_EXEC_SEARCH) {
			ck_assert_msg(r != NULL, "no row for syscall %d", nr);
			ck_assert_int_eq(r->nr, nr);
			ck_assert_ptr_eq(sc_lookup_name(r->name), r);
		} else {
			ck_assert_msg(r == NULL, "row %d (%s) is not a Linux syscall", nr, r->name);
		}
	}
	ck_assert_ptr_null(sc_lookup(-1));
	ck_assert_ptr_null(sc_lookup(__X32_SYSCALL_BIT | 39));
	ck_assert_ptr_null(sc_lookup_name("no_such_call"));
	ck_assert_int_eq(sc_lookup_name("openat")->nr, SYS_openat);
	ck_assert_int_eq(sc_lookup_name("clone3")->nr, SYS_clone3);
	ck_assert_int_eq(sc_lookup_name("file_setattr")->nr, 469);
	ck_assert_str_eq(sc_lookup(RUNSC_NR_LOADER)->name, "runsc_loader");
	ck_assert_str_eq(sc_lookup(RUNSC_NR_EXEC_SEARCH)->name, "runsc_exec_search");
}
END_TEST

static void check_rules(const struct sc_row *r)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const struct sc_rule *rule = &r->rules[i];

		ck_assert_msg(rule->ncond >= 1 && rule->ncond <= SC_RULE_MAX_COND, "%s rule %zu",
			      r->name, i);
		for (unsigned int k = 0; k < rule->ncond; k++) {
			ck_assert_msg(rule->cond[k].arg <= 5, "%s rule %zu", r->name, i);
			for (unsigned int m = k + 1; m < rule->ncond; m++)
				ck_assert_msg(rule->cond[k].arg != rule->cond[m].arg,
					      "%s rule %zu: two conditions on one argument",
					      r->name, i);
		}
		if (rule->action == SCR_ERRNO)
			ck_assert_msg(rule->err > 0, "%s rule %zu", r->name, i);
	}
}

START_TEST(test_rows_well_formed)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_row *r = &sc_table[i];

		ck_assert_msg(r->why && r->why[0], "%s has no why", r->name);
		ck_assert_msg(strchr(r->why, '\n') == NULL, "%s: why is one line", r->name);
		if (r->status == SC_PARTIAL)
			ck_assert_msg(r->note && r->note[0], "partial %s says not what", r->name);
		switch (r->cls) {
		case SC_SENTRY:
			ck_assert_msg(r->handler != NULL, "sentry row %s has no handler", r->name);
			ck_assert_msg(r->nrules == 0 && r->trace == NULL, "%s", r->name);
			break;
		case SC_NATIVE:
			if (r->nrules)
				check_rules(r);
			else if (!r->net_egress)
				ck_assert_msg(r->handler == NULL, "%s", r->name);
			/* Under egress what the rules leave goes to the handler. */
			if (r->net_egress)
				ck_assert_msg(r->handler != NULL, "%s", r->name);
			ck_assert_msg(r->trace == NULL, "%s", r->name);
			break;
		case SC_EXEC:
		case SC_TRACED:
			/* Their handler runs at the TRACE stop, never for a
			 * notification; a traced row's rules say which calls
			 * stop. */
			ck_assert_msg(r->handler == NULL, "%s", r->name);
			ck_assert_msg(r->nrules == 0 || r->cls == SC_TRACED, "%s", r->name);
			if (r->nrules) {
				bool stops = false;
				check_rules(r);
				for (size_t k = 0; k < r->nrules; k++)
					stops = stops || r->rules[k].action == SCR_TRACE;
				ck_assert_msg(stops, "traced %s: no rule stops", r->name);
			}
			ck_assert_msg(r->trace != NULL, "%s row %s has no trace handler",
				      sc_class_name(r->cls), r->name);
			ck_assert_uint_ne(sc_trace_data(r->cls), 0);
			break;
		case SC_DENIED:
			ck_assert_msg(r->handler == NULL && r->nrules == 0 && r->trace == NULL,
				      "%s", r->name);
			ck_assert_msg(r->err > 0 && r->err < 4096, "denied %s has no errno",
				      r->name);
			ck_assert_msg(r->status == SC_UNSUPPORTED, "denied %s", r->name);
			break;
		default:
			ck_abort_msg("%s: bad class", r->name);
		}
	}
	/* Rows whose rules leave calls to the sentry name the handler that
	 * answers them. */
	static const char *const ruled[] = {"ioctl",   "socket",  "socketpair", "clone",
					    "unshare", "seccomp", "fcntl"};
	for (size_t i = 0; i < sizeof(ruled) / sizeof(ruled[0]); i++) {
		const struct sc_row *r = sc_lookup_name(ruled[i]);

		ck_assert_msg(r->nrules > 0 && r->handler != NULL, "%s", ruled[i]);
	}
	/* clone3 stops for the sentry, which reads its struct; a TRACE with
	 * no tracer fails with ENOSYS, on which glibc falls back to clone. */
	ck_assert_int_eq(sc_lookup(SYS_clone3)->cls, SC_TRACED);
	ck_assert_ptr_nonnull(sc_lookup(SYS_clone3)->trace);
	ck_assert_int_eq(sc_lookup(SYS_execve)->cls, SC_EXEC);
	ck_assert_int_eq(sc_lookup(SYS_execveat)->cls, SC_EXEC);
	/* The two TRACE classes carry different data, so a stop tells which
	 * the filter meant. */
	ck_assert_uint_eq(sc_trace_data(SC_EXEC), SC_EXEC_TRACE_DATA);
	ck_assert_uint_eq(sc_trace_data(SC_TRACED), SC_CREDS_TRACE_DATA);
	ck_assert_uint_ne(SC_EXEC_TRACE_DATA, SC_CREDS_TRACE_DATA);
	ck_assert_uint_eq(sc_trace_data(SC_SENTRY), 0);
}
END_TEST

START_TEST(test_counts)
{
	struct sc_counts n;
	size_t cls_sum = 0, status_sum = 0;

	sc_table_count(&n);
	for (int i = 0; i < SC_NCLASSES; i++)
		cls_sum += n.cls[i];
	for (int i = 0; i < 3; i++)
		status_sum += n.status[i];
	ck_assert_uint_eq(n.total, sc_table_len - 2); /* not the two reserved calls */
	ck_assert_uint_eq(n.total, 337 + 46);
	ck_assert_uint_eq(cls_sum, n.total);
	ck_assert_uint_eq(status_sum, n.total);
	ck_assert_uint_eq(n.cls[SC_EXEC], 2);
	/* Every call that changes a thread's ids stops for the sentry. */
	static const char *const traced[] = {"setuid",	  "setgid",    "setreuid", "setregid",
					     "setresuid", "setresgid", "setfsuid", "setfsgid",
					     "setgroups", "capset",    "umask"};
	for (size_t i = 0; i < sizeof(traced) / sizeof(traced[0]); i++)
		ck_assert_msg(sc_lookup_name(traced[i])->cls == SC_TRACED, "%s", traced[i]);
}
END_TEST

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_print)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&buf, &size);
	ck_assert_int_eq(sc_table_print(f, "text"), 0);
	fclose(f);
	ck_assert_uint_eq(count_lines(buf), sc_table_len + 1);
	ck_assert_ptr_nonnull(strstr(buf, "clone3"));
	ck_assert_ptr_nonnull(strstr(buf, "ENOSYS"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &size);
	ck_assert_int_eq(sc_table_print(f, "markdown"), 0);
	fclose(f);
	ck_assert_uint_eq(count_lines(buf), sc_table_len + 2);
	ck_assert_int_eq(strncmp(buf, "| nr |", 6), 0);
	free(buf);

	f = fopen("/dev/null", "w");
	ck_assert_int_eq(sc_table_print(f, "yaml"), -EINVAL);
	fclose(f);
}
END_TEST

START_TEST(test_export)
{
	unsigned char insn[8];
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t size;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sc_filter_export_guest(fd), 0);
	size = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(size, 0);
	ck_assert_int_eq(size % 8, 0);
	ck_assert_int_le(size / 8, 4096);
	/* The first instruction loads seccomp_data.arch. */
	ck_assert_int_eq(pread(fd, insn, sizeof(insn), 0), (ssize_t)sizeof(insn));
	ck_assert_int_eq(insn[0] | insn[1] << 8, 0x20);
	ck_assert_int_eq(insn[4], 4);
	close(fd);
}
END_TEST

/* ---- the sentry's and gofer's own allowlists, as runsc-c embeds them ---- */

/* The BPF an export function writes, in memory. */
static char *exported(int (*export)(int fd), size_t *len)
{
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(export(fd), 0);
	off_t size = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(size, 0);
	char *buf = malloc((size_t)size);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, (size_t)size, 0), size);
	close(fd);
	*len = (size_t)size;
	return buf;
}

/* In a child: the filter installed from the blob lets an allowed call
 * through and kills on one it does not list (chroot, harmless here: the
 * directory does not exist). */
static void check_self_filter(int (*export)(int fd))
{
	size_t len;
	char *buf = exported(export, &len);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (bpf_blob_install(buf, buf + len) < 0)
			_exit(3);
		if (syscall(SYS_getpid) <= 0)
			_exit(4);
		syscall(SYS_chroot, "/nonexistent-runsc-c-test-dir");
		_exit(5);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "status %#x", status);
	free(buf);
}

START_TEST(test_sentry_self_filter)
{
	check_self_filter(sentry_filter_export);
}
END_TEST

START_TEST(test_gofer_self_filter)
{
	check_self_filter(gofer_self_filter_export);
}
END_TEST

START_TEST(test_blob_checks)
{
	static const char insns[16];
	struct sock_fprog prog;
	ck_assert_int_eq(bpf_blob_prog(NULL, NULL, &prog), -ENOENT);
	ck_assert_int_eq(bpf_blob_prog(insns, insns, &prog), -EINVAL);
	ck_assert_int_eq(bpf_blob_prog(insns, insns + 12, &prog), -EINVAL);
	ck_assert_int_eq(bpf_blob_prog(insns + 8, insns, &prog), -EINVAL);
	ck_assert_int_eq(bpf_blob_prog(insns, insns + 16, &prog), 0);
	ck_assert_int_eq(prog.len, 2);
}
END_TEST

/* ---- the filter in a child ---- */

/* The filter traps sendmsg, and no one answers yet: the child writes the
 * listener's number and the parent takes it with pidfd_getfd, as the
 * guest's init does. */
static int send_fd(int sock, int fd)
{
	return write(sock, &fd, sizeof(fd)) == (ssize_t)sizeof(fd) ? 0 : -1;
}

static int recv_fd(int sock, pid_t child)
{
	int num;
	if (read(sock, &num, sizeof(num)) != (ssize_t)sizeof(num))
		return -1;
	int pidfd = sys_pidfd_open(child, 0);
	if (pidfd < 0)
		return -1;
	int fd = sys_pidfd_getfd(pidfd, num, 0);
	close(pidfd);
	if (fd >= 0 && write(sock, "A", 1) != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Child side: no_new_privs, then the guest filter. Returns the listener. */
static int child_enter_guest_filter(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(90);
	int listener = sc_filter_install_guest();
	if (listener < 0)
		_exit(91);
	return listener;
}

enum expect {
	EXPECT_OK,    /* ret >= 0 */
	EXPECT_ERRNO, /* ret == -1 with errno */
	EXPECT_VALUE, /* ret == value */
	/* A call the filter lets through whose answer depends on the host's
	 * kernel (AF_INET6 is absent where IPv6 is disabled at boot): the
	 * same success or errno as the call gets here, outside the filter.
	 * Only for probes that return an fd on success. */
	EXPECT_AS_HOST,
};

struct probe {
	const char *what;
	enum expect expect;
	long value; /* errno or value */
};

struct result {
	long ret;
	int err;
};

static int probe_pipe[2];
static int memfd;

static long do_probe(int i)
{
	static const char tiocsti_byte = 'x';
	static const struct timespec zero_ts;
	struct winsize ws;
	struct utsname uts;
	struct seccomp_notif_sizes sizes;
	struct stat st;
	struct statfs sfs;
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {.len = 1, .filter = &allow};
	char *argv[] = {"x", NULL};
	int pair[2];
	pid_t pid;
	long r;

	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	switch (i) {
	case 0:
		return syscall(SYS_getpid);
	case 1:
		return syscall(SYS_keyctl, 0, 0, 0, 0, 0);
	case 2:
		return syscall(SYS_bpf, 0, NULL, 0);
	case 3:
		return syscall(SYS_clone3, NULL, 0);
	case 4:
		return ioctl(probe_pipe[0], TIOCSTI, &tiocsti_byte);
	case 5:
		return ioctl(probe_pipe[0], TIOCGWINSZ, &ws);
	case 6: /* the kernel reads ioctl's cmd as 32 bits: so must the filter */
		return syscall(SYS_ioctl, probe_pipe[0], (1UL << 32) | TIOCGWINSZ, &ws);
	case 7:
		return ioctl(probe_pipe[0], 0x12345678, NULL);
	case 8:
		return syscall(SYS_uname, &uts);
	case 9:
		return syscall(1000);
	case 10:
		return syscall(400);
	case 11:
		return syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY);
	case 12:
		return syscall(RUNSC_NR_LOADER);
	case 13: /* TRACE with no tracer attached */
		return syscall(SYS_execve, "/nonexistent", argv, NULL);
	case 14:
		return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	case 15:
		return socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	case 16:
		return socket(AF_INET, SOCK_RAW, 1);
	case 17:
		return socket(AF_PACKET, SOCK_RAW, 0);
	case 18:
		return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	case 19:
		return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	case 20:
		return unshare(CLONE_NEWUTS);
	case 21:
		return unshare(CLONE_FILES);
	case 22:
		return syscall(SYS_unshare, CLONE_NEWTIME);
	case 23:
		return syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	case 24:
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return -1;
		return waitpid(pid, NULL, 0) == pid ? 0 : -1;
	case 25:
		return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	case 26:
		return syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes);
	case 27:
		return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	case 28:
		return fsetxattr(probe_pipe[0], "user.x", "1", 1, 0);
	case 29:
		return syscall(SYS_statx, AT_FDCWD, "/", 0, 0, NULL);
	case 30:
		return syscall(NR_SETXATTRAT, AT_FDCWD, "/", 0, "user.x", NULL, 0);
	case 31:
		return syscall(NR_FCHMODAT2, AT_FDCWD, "/", 0755, 0);
	case 32:
		return syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL);
	case 33:
		r = syscall(SYS_personality, 0xffffffffUL);
		return r < 0 ? r : 0;
	case 34:
		return socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	case 35:
		return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	case 36:
		return socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP);
	case 37:
		return socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	case 38:
		return socketpair(AF_INET, SOCK_STREAM, 0, pair);
	case 39:
		return fchmod(memfd, 04755);
	case 40:
		return fchmod(memfd, 02755);
	case 41:
		return fchmod(memfd, 0640);
	case 42:
		return syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
	case 43:
		return syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
	/* fcntl: what an O_PATH fd allows runs natively, the rest traps;
	 * the raw fstat, fstatfs and syncfs trap (O_PATH placeholders). */
	case 44:
		return syscall(SYS_fcntl, probe_pipe[0], F_GETFD);
	case 45:
		r = syscall(SYS_fcntl, probe_pipe[0], F_DUPFD_CLOEXEC, 100);
		if (r >= 0)
			close((int)r);
		return r < 0 ? r : 0;
	case 46:
		return syscall(SYS_fcntl, probe_pipe[0], F_GETFL);
	case 47:
		return syscall(SYS_fcntl, probe_pipe[0], F_SETFL, O_NONBLOCK);
	case 48: /* the kernel reads fcntl's cmd as 32 bits: so must the filter */
		return syscall(SYS_fcntl, probe_pipe[0], (1UL << 32) | F_GETFD);
	case 49:
		return syscall(SYS_fstat, probe_pipe[0], &st);
	case 50:
		return syscall(SYS_fstatfs, probe_pipe[0], &sfs);
	case 51:
		return syscall(SYS_syncfs, probe_pipe[0]);
	case 52: /* stops (ENOSYS without a tracer) */
		return syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero_ts, sizeof(long));
	case 53: /* native: the pending SIGUSR1 */
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		raise(SIGUSR1);
		return syscall(SYS_rt_sigtimedwait, &usr1, NULL, NULL, sizeof(long));
	case 54:
		return syscall(SYS_epoll_pwait2, -1, NULL, 1, &zero_ts, NULL, sizeof(long));
	case 55: /* native: EBADF */
		return syscall(SYS_epoll_pwait2, -1, NULL, 1, NULL, NULL, sizeof(long));
	default:
		return -2;
	}
}

static const struct probe probes[] = {
	{"getpid", EXPECT_OK, 0},
	{"keyctl", EXPECT_ERRNO, EPERM},
	{"bpf", EXPECT_ERRNO, EPERM},
	{"clone3", EXPECT_ERRNO, ENOSYS},
	{"ioctl TIOCSTI", EXPECT_ERRNO, EPERM},
	{"ioctl TIOCGWINSZ (native: ENOTTY on a pipe)", EXPECT_ERRNO, ENOTTY},
	{"ioctl TIOCGWINSZ with upper bits", EXPECT_ERRNO, ENOTTY},
	{"ioctl unknown", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"uname", EXPECT_VALUE, UNAME_ANSWER},
	{"syscall 1000", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"syscall 400", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"openat", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"loader call", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"execve", EXPECT_ERRNO, ENOSYS},
	{"socket AF_UNIX", EXPECT_OK, 0},
	{"socket AF_INET6 dgram", EXPECT_AS_HOST, 0},
	{"socket AF_INET raw", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"socket AF_PACKET", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"socket NETLINK_ROUTE", EXPECT_OK, 0},
	{"socket NETLINK_NETFILTER", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"unshare CLONE_NEWUTS", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"unshare CLONE_FILES", EXPECT_OK, 0},
	{"unshare CLONE_NEWTIME", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"clone CLONE_NEWUSER", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fork", EXPECT_OK, 0},
	{"seccomp NEW_LISTENER", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"seccomp GET_NOTIF_SIZES", EXPECT_OK, 0},
	{"seccomp stacked filter", EXPECT_OK, 0},
	{"fsetxattr", EXPECT_ERRNO, EOPNOTSUPP},
	{"statx", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"setxattrat", EXPECT_ERRNO, ENOSYS},
	{"fchmodat2", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"mount", EXPECT_ERRNO, EPERM},
	{"personality query", EXPECT_OK, 0},
	{"socket SCTP", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"socket TCP", EXPECT_OK, 0},
	{"socket stream UDP", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"socketpair AF_UNIX", EXPECT_OK, 0},
	{"socketpair AF_INET", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fchmod set-user-id", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fchmod set-group-id", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fchmod 0640", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"clone CLONE_UNTRACED", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"clone CLONE_NEWNS", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fcntl F_GETFD", EXPECT_OK, 0},
	{"fcntl F_DUPFD_CLOEXEC", EXPECT_OK, 0},
	{"fcntl F_GETFL", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fcntl F_SETFL", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fcntl F_GETFD with upper bits", EXPECT_OK, 0},
	{"fstat", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"fstatfs", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"syncfs", EXPECT_ERRNO, NOTIFIED_ERRNO},
	{"rt_sigtimedwait with a timeout", EXPECT_ERRNO, ENOSYS},
	{"rt_sigtimedwait without one", EXPECT_VALUE, SIGUSR1},
	{"epoll_pwait2 with a timeout", EXPECT_ERRNO, ENOSYS},
	{"epoll_pwait2 without one", EXPECT_ERRNO, EBADF},
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/* Runs in the child under the filter: no stdio (glibc's fstat is a
 * newfstatat, which the filter sends to the sentry). */
static _Noreturn void run_probes(int sock, int results_fd)
{
	struct result res[NPROBES];
	int listener = child_enter_guest_filter();

	char ack;
	if (send_fd(sock, listener) < 0 || read(sock, &ack, 1) != 1)
		_exit(92);
	close(listener); /* the parent has its own copy by now */
	for (size_t i = 0; i < NPROBES; i++) {
		errno = 0;
		res[i].ret = do_probe((int)i);
		res[i].err = errno;
	}
	if (write(results_fd, res, sizeof(res)) != (ssize_t)sizeof(res))
		_exit(93);
	_exit(0);
}

/* Parent side: answers notifications until the child is gone. Records the
 * syscall numbers it saw. */
static size_t supervise(int listener, pid_t child, int *seen, size_t max_seen)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t nseen = 0;
	int pidfd = sys_pidfd_open(child, 0);

	ck_assert_int_ge(pidfd, 0);
	ck_assert_int_eq(sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes), 0);
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = listener, .events = POLLIN},
					{.fd = pidfd, .events = POLLIN}};
		int n = poll(pfd, 2, 10000 * time_scale());

		ck_assert_msg(n > 0, "child neither called nor exited");
		if (pfd[0].revents & POLLIN) {
			memset(req, 0, sizes.seccomp_notif);
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
				continue;
			if (nseen < max_seen)
				seen[nseen++] = req->data.nr;
			memset(resp, 0, sizes.seccomp_notif_resp);
			resp->id = req->id;
			if (req->data.nr == SYS_uname)
				resp->val = UNAME_ANSWER;
			else
				resp->error = -NOTIFIED_ERRNO;
			(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
			continue;
		}
		if (pfd[1].revents & POLLIN)
			break;
		if (pfd[0].revents & (POLLHUP | POLLERR))
			break;
	}
	free(req);
	free(resp);
	close(pidfd);
	return nseen;
}

static bool seen_nr(const int *seen, size_t nseen, int nr)
{
	for (size_t i = 0; i < nseen; i++) {
		if (seen[i] == nr)
			return true;
	}
	return false;
}

static void check_result(size_t i, const struct result *r, const struct result *host)
{
	const struct probe *p = &probes[i];

	switch (p->expect) {
	case EXPECT_OK:
		ck_assert_msg(r->ret >= 0, "%s: got %ld errno %d (%s)", p->what, r->ret, r->err,
			      strerror(r->err));
		break;
	case EXPECT_ERRNO:
		ck_assert_msg(r->ret == -1 && r->err == p->value,
			      "%s: got %ld errno %d (%s), want errno %ld (%s)", p->what, r->ret,
			      r->err, strerror(r->err), p->value, strerror((int)p->value));
		break;
	case EXPECT_VALUE:
		ck_assert_msg(r->ret == p->value, "%s: got %ld errno %d, want %ld", p->what, r->ret,
			      r->err, p->value);
		break;
	case EXPECT_AS_HOST:
		ck_assert_msg(
			host->ret >= 0 ? r->ret >= 0 : r->ret == -1 && r->err == host->err,
			"%s: got %ld errno %d (%s), the host without the filter %ld errno %d (%s)",
			p->what, r->ret, r->err, strerror(r->err), host->ret, host->err,
			strerror(host->err));
		break;
	default:
		ck_abort();
	}
}

START_TEST(test_filter_actions)
{
	struct result res[NPROBES], host[NPROBES] = {0};
	int seen[64];
	int sock[2], results[2];
	int listener, status;
	size_t nseen;
	pid_t child;

	/* Build before forking, as a launcher does. */
	ck_assert_int_eq(sc_filter_prepare_guest(), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock), 0);
	ck_assert_int_eq(pipe2(results, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(probe_pipe, O_CLOEXEC), 0);
	memfd = memfd_create("probe", MFD_CLOEXEC);
	ck_assert_int_ge(memfd, 0);
	for (size_t i = 0; i < NPROBES; i++) {
		if (probes[i].expect != EXPECT_AS_HOST)
			continue;
		errno = 0;
		host[i].ret = do_probe((int)i);
		host[i].err = errno;
		if (host[i].ret >= 0)
			close((int)host[i].ret);
	}
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		run_probes(sock[1], results[1]);
	close(sock[1]);
	close(results[1]);

	listener = recv_fd(sock[0], child);
	ck_assert_msg(listener >= 0, "no listener from the child");
	nseen = supervise(listener, child, seen, 64);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	ck_assert_int_eq(read(results[0], res, sizeof(res)), (ssize_t)sizeof(res));
	for (size_t i = 0; i < NPROBES; i++)
		check_result(i, &res[i], &host[i]);

	ck_assert_msg(seen_nr(seen, nseen, SYS_uname), "uname was not notified");
	ck_assert_msg(seen_nr(seen, nseen, 1000), "syscall 1000 was not notified");
	ck_assert_msg(seen_nr(seen, nseen, RUNSC_NR_LOADER), "loader call was not notified");
	ck_assert_msg(!seen_nr(seen, nseen, SYS_getpid), "getpid was notified");
	ck_assert_msg(!seen_nr(seen, nseen, SYS_clone3), "clone3 was notified");
	close(listener);
	close(sock[0]);
	close(results[0]);
}
END_TEST

/* Runs fn in a child under the guest filter; returns its wait status. */
static int run_filtered(void (*fn)(void), bool filtered)
{
	int status;
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* The kernel's signal, not a sanitizer's report of it: the
		 * sanitizers catch SIGSEGV and exit instead. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGSYS, SIG_DFL);
		if (filtered)
			close(child_enter_guest_filter());
		fn();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	return status;
}

static void call_x32_getpid(void)
{
	syscall(__X32_SYSCALL_BIT | SYS_getpid);
}

static void call_int80_getpid(void)
{
	long ret;

	/* i386 getpid is 20. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	(void)ret;
}

START_TEST(test_x32_killed)
{
	int status = run_filtered(call_x32_getpid, true);

	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "x32 call: status %#x, want SIGSYS", status);
}
END_TEST

START_TEST(test_int80_killed)
{
	int host_status = run_filtered(call_int80_getpid, false);
	int status = run_filtered(call_int80_getpid, true);

	/* Without IA-32 emulation the host kills the caller before seccomp
	 * sees the call; the filtered call must then die the same way. Either
	 * way it never returns. */
	if (WIFSIGNALED(host_status) && WTERMSIG(status) != SIGSYS) {
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == WTERMSIG(host_status),
			      "int 0x80 call: status %#x, host status %#x", status, host_status);
		return;
	}
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "int 0x80 call: status %#x, want SIGSYS", status);
}
END_TEST

static Suite *filter_suite(void)
{
	Suite *s = suite_create("syscall table and guest filter");
	TCase *table = tcase_create("table");
	TCase *filter = tcase_create("filter");

	tcase_add_test(table, test_rows_unique);
	tcase_add_test(table, test_rows_cover_linux);
	tcase_add_test(table, test_rows_well_formed);
	tcase_add_test(table, test_counts);
	tcase_add_test(table, test_print);
	suite_add_tcase(s, table);

	tcase_add_test(filter, test_export);
	tcase_add_test(filter, test_sentry_self_filter);
	tcase_add_test(filter, test_gofer_self_filter);
	tcase_add_test(filter, test_blob_checks);
	tcase_add_test(filter, test_filter_actions);
	tcase_add_test(filter, test_x32_killed);
	tcase_add_test(filter, test_int80_killed);
	tcase_set_timeout(filter, 30);
	suite_add_tcase(s, filter);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(filter_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
