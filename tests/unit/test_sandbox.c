/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox library (sandbox/sandbox.h) driven directly, without the CLI:
 * a command's exit status, a signal sent with sandbox_kill, the timeout, and
 * the error value of a bad config or a view that cannot be built; processes
 * started with sandbox_exec and fds served with sandbox_watch; a failed
 * return to the caller's IPC namespace failing the sandbox alone; and the
 * error value itself (common/error.h); the parser of limits' text.
 *
 * The sandboxes need root: without it the whole test skips. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/error.h"
#include "common/exec_proto.h"
#include "common/util.h"
#include "sandbox/sandbox.h"
#include "time_scale.h"

static char *test_env[] = {"PATH=/usr/bin:/bin", "HOME=/root", NULL};

static struct sandbox_config config(char **argv)
{
	return (struct sandbox_config){
		.argv = argv,
		.envp = test_env,
		.cwd = "/",
		.rootfs = "/",
		.hostname = "test",
		.audit_fd = -1,
	};
}

/* ---- the error value ---- */

START_TEST(error_set_and_context)
{
	struct rc_error err;
	ck_assert_int_eq(rc_error_set(&err, ENOENT, "opening %s", "x"), -ENOENT);
	ck_assert_int_eq(err.errno_value, ENOENT);
	ck_assert_str_eq(err.msg, "opening x");
	ck_assert_int_eq(rc_error_context(&err, "volume %d", 2), -ENOENT);
	ck_assert_str_eq(err.msg, "volume 2: opening x");
	ck_assert_int_eq(rc_error_set_errno(&err, EACCES, "audit"), -EACCES);
	ck_assert_str_eq(err.msg, "audit: Permission denied");
	/* No errno: EIO. */
	ck_assert_int_eq(rc_error_set(&err, 0, "the gofer failed"), -EIO);
	ck_assert_int_eq(err.errno_value, EIO);
	ck_assert_int_eq(rc_error_set(NULL, EINVAL, "nobody asked"), -EINVAL);
}
END_TEST

START_TEST(error_context_cuts_what_does_not_fit)
{
	struct rc_error err;
	char long_msg[600];
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = 0;
	rc_error_set(&err, EINVAL, "%s", long_msg);
	rc_error_context(&err, "ctx");
	ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
	ck_assert_int_eq(strncmp(err.msg, "ctx: xxx", 8), 0);
}
END_TEST

/* ---- sandboxes ---- */

static int run(char **argv, double timeout_s, struct sandbox_status *st)
{
	struct sandbox_config cfg = config(argv);
	struct rc_error err = {0};
	cfg.timeout_s = timeout_s;
	int r = sandbox_run(&cfg, st, &err);
	if (r < 0)
		ck_abort_msg("sandbox_run: %s", err.msg);
	return r;
}

START_TEST(true_exits_0)
{
	struct sandbox_status st;
	ck_assert_int_eq(run((char *[]){"/bin/true", NULL}, 0, &st), 0);
	ck_assert_int_eq(st.exit_code, 0);
	ck_assert(!st.timed_out);
}
END_TEST

START_TEST(exit_status_is_the_commands)
{
	struct sandbox_status st;
	run((char *[]){"/bin/sh", "-c", "exit 3", NULL}, 0, &st);
	ck_assert_int_eq(st.exit_code, 3);
	run((char *[]){"/bin/sh", "-c", "kill -TERM $$", NULL}, 0, &st);
	ck_assert_int_eq(st.exit_code, 128 + SIGTERM);
}
END_TEST

/* Whether a process runs `sleep ARG` (the guest's command has started: a
 * signal sent before init starts it has no command to reach). */
static bool sleep_runs(const char *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;
	char want[64];
	int wlen = snprintf(want, sizeof(want), "/bin/sleep%c%s", 0, arg) + 1;
	while (d && !found && (e = readdir(d))) {
		char path[300], buf[64];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		close(fd);
		found = n == wlen && memcmp(buf, want, (size_t)n) == 0;
	}
	if (d)
		closedir(d);
	return found;
}

START_TEST(kill_reaches_the_command)
{
	struct sandbox_config cfg = config((char *[]){"/bin/sleep", "30.5", NULL});
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	for (int i = 0; i < 200 * time_scale() && !sleep_runs("30.5"); i++)
		usleep(50 * 1000);
	ck_assert_msg(sandbox_kill(sb, SIGTERM, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	/* The guest is gone: a signal now reaches nothing, not whatever
	 * process took its init's pid. */
	ck_assert_int_eq(sandbox_kill(sb, SIGTERM, &err), -ESRCH);
	sandbox_destroy(sb);
	ck_assert_int_eq(st.exit_code, 128 + SIGTERM);
	ck_assert(!st.timed_out);
}
END_TEST

START_TEST(timeout_kills_the_guest)
{
	struct sandbox_status st;
	/* Long enough for the guest to start even on a loaded machine, far
	 * shorter than its sleep: a timeout, whatever the machine. */
	run((char *[]){"/bin/sleep", "30", NULL}, 2.0 * time_scale(), &st);
	ck_assert(st.timed_out);
	ck_assert_int_eq(st.exit_code, 128 + SIGKILL);
}
END_TEST

START_TEST(bad_config_is_an_error)
{
	struct sandbox_config cfg = config(NULL);
	struct sandbox *sb = (struct sandbox *)&cfg;
	struct rc_error err = {0};
	ck_assert_int_eq(sandbox_create(&cfg, &sb, &err), -EINVAL);
	ck_assert_ptr_null(sb);
	ck_assert_int_eq(err.errno_value, EINVAL);
	ck_assert(strstr(err.msg, "no command") != NULL);
	cfg = config((char *[]){"/bin/true", NULL});
	cfg.cwd = "relative";
	ck_assert_int_eq(sandbox_create(&cfg, &sb, &err), -EINVAL);
	ck_assert(strstr(err.msg, "absolute cwd") != NULL);
}
END_TEST

START_TEST(missing_rootfs_fails_the_start)
{
	struct sandbox_config cfg = config((char *[]){"/bin/true", NULL});
	cfg.rootfs = "/nonexistent-runsc-c-rootfs";
	struct sandbox *sb;
	struct rc_error err = {0};
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	int r = sandbox_start(sb, &err);
	sandbox_destroy(sb);
	ck_assert_int_lt(r, 0);
	ck_assert_int_eq(r, -err.errno_value);
	ck_assert_msg(strncmp(err.msg, "building the sandbox's view: ", 29) == 0, "%s", err.msg);
}
END_TEST

/* The way back to the caller's IPC namespace after the gofer's fork,
 * refused (a filter makes setns of an IPC namespace fail with EPERM):
 * this sandbox fails with an error naming it, and the caller (a service
 * that runs others) lives on. */
START_TEST(ipcns_return_failure_fails_the_sandbox)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 1,
					  SCMP_A1(SCMP_CMP_EQ, CLONE_NEWIPC)),
			 0);
	ck_assert_int_eq(seccomp_load(ctx), 0);
	seccomp_release(ctx);
	struct sandbox_config cfg = config((char *[]){"/bin/true", NULL});
	struct sandbox *sb;
	struct rc_error err = {0};
	ck_assert_int_eq(sandbox_create(&cfg, &sb, &err), -EPERM);
	ck_assert_ptr_null(sb);
	ck_assert_msg(strstr(err.msg, "returning to the caller's IPC namespace"), "%s", err.msg);
}
END_TEST

/* ---- sandbox_exec and sandbox_watch ---- */

struct exec_seen {
	int started, failed, exited;
	pid_t guest_pid;
	int exit_code;
	struct rc_error err;
	bool kill_on_start; /* end the sandbox's command once it started */
};

/* Records the events; the command is ended once the process ended (or
 * started, with kill_on_start), so sandbox_wait returns. */
static void on_exec(struct sandbox *sb, const struct sandbox_exec_event *ev, void *arg)
{
	struct exec_seen *seen = arg;
	switch (ev->kind) {
	case SANDBOX_EXEC_STARTED:
		seen->started++;
		seen->guest_pid = ev->guest_pid;
		if (seen->kill_on_start)
			sandbox_kill(sb, SIGKILL, NULL);
		return;
	case SANDBOX_EXEC_FAILED:
		seen->failed++;
		seen->err = ev->err;
		break;
	case SANDBOX_EXEC_EXITED:
		seen->exited++;
		seen->exit_code = ev->exit_code;
		break;
	default:
		ck_abort_msg("unknown event %d", (int)ev->kind);
	}
	sandbox_kill(sb, SIGKILL, NULL);
}

/* Runs argv (builtin b, or a program for 0) with sandbox_exec in a
 * sandbox whose command is init's idle builtin; returns what the process
 * wrote to its stdout. */
static void exec_builtin_in_sandbox(uint32_t b, char **argv, const char *cwd,
				    struct exec_seen *seen, char *out, size_t out_size)
{
	struct sandbox_config cfg = config((char *[]){"runsc-c-idle", NULL});
	cfg.builtin = EXEC_BUILTIN_IDLE;
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	int pipefd[2];
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	struct sandbox_exec_config ec = {
		.argv = argv,
		.envp = test_env,
		.cwd = cwd,
		.stdio = {STDIN_FILENO, pipefd[1], STDERR_FILENO},
		.builtin = b,
	};
	uint32_t id;
	ck_assert_msg(sandbox_exec(sb, &ec, on_exec, seen, &id, &err) == 0, "%s", err.msg);
	close(pipefd[1]);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	ssize_t n = read(pipefd[0], out, out_size - 1);
	out[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
}

static void exec_in_sandbox(char **argv, const char *cwd, struct exec_seen *seen, char *out,
			    size_t out_size)
{
	exec_builtin_in_sandbox(0, argv, cwd, seen, out, out_size);
}

START_TEST(exec_reports_start_and_status)
{
	struct exec_seen seen = {0};
	char out[64];
	exec_in_sandbox((char *[]){"sh", "-c", "echo $(pwd) $PATH; exit 3", NULL}, "/tmp", &seen,
			out, sizeof(out));
	ck_assert_int_eq(seen.started, 1);
	ck_assert_int_gt(seen.guest_pid, 1);
	ck_assert_int_eq(seen.exited, 1);
	ck_assert_int_eq(seen.failed, 0);
	ck_assert_int_eq(seen.exit_code, 3);
	ck_assert_str_eq(out, "/tmp /usr/bin:/bin\n");
}
END_TEST

START_TEST(exec_failure_names_the_stage)
{
	struct exec_seen seen = {0};
	char out[64];
	exec_in_sandbox((char *[]){"/nonexistent-runsc-c", NULL}, NULL, &seen, out, sizeof(out));
	ck_assert_int_eq(seen.started + seen.exited, 0);
	ck_assert_int_eq(seen.failed, 1);
	ck_assert_int_eq(seen.err.errno_value, ENOENT);
	ck_assert_str_eq(seen.err.msg, "exec '/nonexistent-runsc-c': No such file or directory");
	seen = (struct exec_seen){0};
	exec_in_sandbox((char *[]){"true", NULL}, "/nonexistent-dir", &seen, out, sizeof(out));
	ck_assert_int_eq(seen.failed, 1);
	ck_assert_str_eq(seen.err.msg, "changing to the working directory '/nonexistent-dir': "
				       "No such file or directory");
}
END_TEST

START_TEST(exec_ends_with_the_command)
{
	struct exec_seen seen = {.kill_on_start = true};
	char out[64];
	exec_in_sandbox((char *[]){"/bin/sleep", "30.4", NULL}, NULL, &seen, out, sizeof(out));
	ck_assert_int_eq(seen.started, 1);
	ck_assert_int_eq(seen.exited, 1);
	ck_assert_int_eq(seen.exit_code, 128 + SIGKILL);
}
END_TEST

/* A builtin runs in the guest with the request's cwd: a relative path is
 * the guest's, resolved by the sentry; its errors are its exit status. */
START_TEST(exec_builtins)
{
	struct exec_seen seen = {0};
	char out[4096];
	exec_builtin_in_sandbox(EXEC_BUILTIN_READ,
				(char *[]){"runsc-c-read", "debian_version", NULL}, "/etc", &seen,
				out, sizeof(out));
	ck_assert_msg(seen.started == 1, "%s", seen.err.msg);
	ck_assert_int_eq(seen.exited, 1);
	ck_assert_int_eq(seen.exit_code, 0);
	char *native = NULL;
	ck_assert_int_gt(read_file_at(AT_FDCWD, "/etc/debian_version", &native), 0);
	ck_assert_str_eq(out, native);
	free(native);
	seen = (struct exec_seen){0};
	exec_builtin_in_sandbox(EXEC_BUILTIN_READ,
				(char *[]){"runsc-c-read", "/proc/self/comm", NULL}, NULL, &seen,
				out, sizeof(out));
	ck_assert_int_eq(seen.exit_code, 0);
	ck_assert_str_eq(out, "runsc-c-read\n");
	seen = (struct exec_seen){0};
	exec_builtin_in_sandbox(EXEC_BUILTIN_READ, (char *[]){"runsc-c-read", "/nonexistent", NULL},
				NULL, &seen, out, sizeof(out));
	ck_assert_int_eq(seen.started + seen.exited, 2);
	ck_assert_int_eq(seen.exit_code, 1);
	seen = (struct exec_seen){0};
	exec_builtin_in_sandbox(EXEC_BUILTIN_LIST, (char *[]){"runsc-c-list", NULL}, NULL, &seen,
				out, sizeof(out));
	ck_assert_int_eq(seen.exit_code, 2); /* no path: its arguments are wrong */
	seen = (struct exec_seen){0};
	exec_builtin_in_sandbox(EXEC_BUILTIN_LIST,
				(char *[]){"runsc-c-list", "/proc/self/fd", NULL}, NULL, &seen, out,
				sizeof(out));
	ck_assert_int_eq(seen.exit_code, 0);
	/* Its fds: 0, 1, 2 (and the directory it reads), nothing of init's:
	 * records "l\tSIZE\tMTIME\tNAME\0" for symlinks. */
	unsigned seen_fds = 0;
	for (const char *rec = out; *rec; rec += strlen(rec) + 1) {
		const char *name = strrchr(rec, '\t');
		ck_assert_msg(rec[0] == 'l' && name, "%s", rec);
		int fd = atoi(name + 1);
		ck_assert_msg(fd >= 0 && fd <= 3, "fd %d is open in the builtin", fd);
		seen_fds |= 1u << fd;
	}
	ck_assert_uint_eq(seen_fds & 7u, 7u);
}
END_TEST

START_TEST(exec_bad_requests)
{
	struct sandbox_config cfg = config((char *[]){"/bin/true", NULL});
	struct sandbox *sb;
	struct rc_error err = {0};
	uint32_t id;
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	struct sandbox_exec_config ec = {
		.argv = (char *[]){"true", NULL},
		.envp = test_env,
		.stdio = {0, 1, 2},
	};
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -ESRCH);
	ec.cwd = "relative";
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EINVAL);
	ec.cwd = NULL;
	ec.stdio[1] = 999;
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EBADF);
	ec.stdio[1] = 1;
	ec.argv = (char *[]){"", NULL};
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EINVAL);
	ec.argv = (char *[]){"runsc-c-read", "/x", NULL};
	ec.builtin = EXEC_BUILTIN_COUNT;
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EINVAL);
	ec.builtin = EXEC_BUILTIN_READ;
	ec.tty = true;
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "exec: a builtin has no terminal");
	ck_assert_int_eq(sandbox_watch(sb, 0, NULL, NULL, &err), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

/* A bad fd in a running sandbox is EBADF naming it, with nothing sent to
 * the guest's init (the sendmsg refuses the whole request, or the fds of
 * later messages are checked before the first goes): the next exec runs
 * as if the bad ones never came. */
START_TEST(exec_bad_fd_sends_nothing)
{
	struct sandbox_config cfg = config((char *[]){"runsc-c-idle", NULL});
	cfg.builtin = EXEC_BUILTIN_IDLE;
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	uint32_t id;
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	int closed = dup(STDERR_FILENO);
	ck_assert_int_ge(closed, 0);
	close(closed);
	struct sandbox_exec_config ec = {
		.argv = (char *[]){"true", NULL},
		.envp = test_env,
		.stdio = {0, closed, 2},
	};
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EBADF);
	char want[64];
	snprintf(want, sizeof(want), "exec: stdio fd %d: Bad file descriptor", closed);
	ck_assert_str_eq(err.msg, want);
	/* Arguments too long for the START come in a memfd, which would take
	 * the closed fd's number: still EBADF, never the memfd as stdout. */
	char long_arg[2 * EXEC_INLINE_MAX];
	memset(long_arg, 'x', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = 0;
	ec.argv = (char *[]){"echo", long_arg, NULL};
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EBADF);
	ck_assert_str_eq(err.msg, want);
	ec.argv = (char *[]){"true", NULL};
	ec.stdio[1] = 1;
	ec.report = true;
	ec.report_fd = closed;
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EBADF);
	ck_assert_str_eq(err.msg, "exec: the report connection: Bad file descriptor");
	ec.report = false;
	/* More fds than the START carries: the last, bad, is refused first. */
	int preserve[EXEC_MSG_FDS + 8];
	unsigned int np = EXEC_MSG_FDS + 8;
	for (unsigned int i = 0; i + 1 < np; i++)
		preserve[i] = STDERR_FILENO;
	preserve[np - 1] = closed;
	ec.preserve = preserve;
	ec.npreserve = np;
	ck_assert_int_eq(sandbox_exec(sb, &ec, on_exec, NULL, &id, &err), -EBADF);
	snprintf(want, sizeof(want), "exec: fd %d, to be preserved: Bad file descriptor", closed);
	ck_assert_str_eq(err.msg, want);
	ec.preserve = NULL;
	ec.npreserve = 0;
	struct exec_seen seen = {0};
	ec.argv = (char *[]){"sh", "-c", "exit 7", NULL};
	ck_assert_msg(sandbox_exec(sb, &ec, on_exec, &seen, &id, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	ck_assert_int_eq(seen.started, 1);
	ck_assert_int_eq(seen.failed, 0);
	ck_assert_int_eq(seen.exited, 1);
	ck_assert_int_eq(seen.exit_code, 7);
}
END_TEST

/* The host pid of the guest's init of the one sandbox this test runs:
 * the descendant of this process that is pid 1 in its own namespace. */
static pid_t init_host_pid(void)
{
	DIR *d = opendir("/proc");
	ck_assert_ptr_nonnull(d);
	pid_t found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		char path[64], buf[2048];
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		bool pid1 = false;
		while (fgets(buf, sizeof(buf), f))
			if (strncmp(buf, "NSpid:", 6) == 0) {
				char *last = strrchr(buf, '\t');
				pid1 = last && strcmp(last, "\t1\n") == 0 &&
				       last != strchr(buf, '\t');
			}
		fclose(f);
		/* Ours: its parents lead here. */
		for (pid_t p = pid; pid1 && p > 1 && !found;) {
			snprintf(path, sizeof(path), "/proc/%d/stat", p);
			f = fopen(path, "r");
			if (!f)
				break;
			int ppid = 0;
			if (fgets(buf, sizeof(buf), f) && strrchr(buf, ')'))
				sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid);
			fclose(f);
			if (ppid == getpid())
				found = pid;
			p = ppid;
		}
	}
	closedir(d);
	ck_assert_msg(found > 0, "no guest init found under pid %d", getpid());
	return found;
}

static int fds_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* An exec whose fds take more than one message (a START and
 * EXEC_OP_FDS), cut off after the START: the next such exec in the same
 * sandbox runs its own command with its own fds, and the guest's init
 * keeps none of the first one's fds. The cut: an io_uring fd among those
 * of the second message, which sendmsg refuses (EINVAL) though it is
 * open. In order on the channel: the cut request, then a signal to a
 * running process, whose end tells that init has read all before it. */
struct cut_exec {
	struct sandbox_exec_config next;
	pid_t init;
	int io_uring_fd;
	uint32_t idle_id, next_id;
	int fds_before, fds_after_cut, fds_at_end;
	int cut_r;
	char cut_msg[sizeof(((struct rc_error *)0)->msg)];
	struct exec_seen seen;
	int step;
};

#define CUT_PRESERVE (EXEC_MSG_FDS + 8)

/* The exec that is cut: its fds take two messages, and the second holds
 * an io_uring fd, which the kernel refuses to pass. */
static struct sandbox_exec_config cut_config(int preserve[CUT_PRESERVE], int io_uring_fd)
{
	static char *argv[] = {"sh", "-c", "echo wrong", NULL};
	for (int i = 0; i < CUT_PRESERVE; i++)
		preserve[i] = STDERR_FILENO;
	preserve[CUT_PRESERVE - 2] = io_uring_fd;
	return (struct sandbox_exec_config){
		.argv = argv,
		.envp = test_env,
		.stdio = {STDIN_FILENO, STDERR_FILENO, STDERR_FILENO},
		.preserve = preserve,
		.npreserve = CUT_PRESERVE,
	};
}

static void on_cut_exec(struct sandbox *sb, const struct sandbox_exec_event *ev, void *arg)
{
	struct cut_exec *c = arg;
	struct rc_error err = {0};
	if (c->step == 0 && ev->kind == SANDBOX_EXEC_STARTED && ev->exec_id == c->idle_id) {
		c->step = 1;
		c->fds_before = fds_of(c->init);
		int preserve[CUT_PRESERVE];
		struct sandbox_exec_config ec = cut_config(preserve, c->io_uring_fd);
		uint32_t id;
		c->cut_r = sandbox_exec(sb, &ec, on_exec, &c->seen, &id, &err);
		snprintf(c->cut_msg, sizeof(c->cut_msg), "%s", err.msg);
		if (sandbox_exec_kill(sb, c->idle_id, SIGTERM, &err) < 0)
			sandbox_kill(sb, SIGKILL, NULL);
		return;
	}
	if (c->step == 1 && ev->kind == SANDBOX_EXEC_EXITED && ev->exec_id == c->idle_id) {
		c->step = 2;
		c->fds_after_cut = fds_of(c->init);
		if (sandbox_exec(sb, &c->next, on_cut_exec, c, &c->next_id, &err) < 0) {
			c->seen.err = err;
			sandbox_kill(sb, SIGKILL, NULL);
		}
		return;
	}
	if (c->step == 2 && ev->exec_id == c->next_id) {
		if (ev->kind == SANDBOX_EXEC_STARTED) {
			c->seen.started++;
			return;
		}
		c->step = 3;
		if (ev->kind == SANDBOX_EXEC_FAILED) {
			c->seen.failed++;
			c->seen.err = ev->err;
		} else {
			c->seen.exited++;
			c->seen.exit_code = ev->exit_code;
		}
		c->fds_at_end = fds_of(c->init);
		sandbox_kill(sb, SIGKILL, NULL);
		return;
	}
	ck_abort_msg("event %d of exec %u at step %d", (int)ev->kind, ev->exec_id, c->step);
}

START_TEST(exec_cut_between_messages_leaves_nothing)
{
	struct io_uring_params params = {0};
	int ring = (int)syscall(__NR_io_uring_setup, 1, &params);
	/* The cut needs an io_uring fd: a kernel without io_uring (ENOSYS)
	 * or with it disabled (kernel.io_uring_disabled: EPERM) gives none. */
	if (ring < 0 && (errno == ENOSYS || errno == EPERM)) {
		printf("# exec_cut_between_messages_leaves_nothing skipped: io_uring_setup: %s\n",
		       strerror(errno));
		return;
	}
	ck_assert_msg(ring >= 0, "io_uring_setup: %s", strerror(errno));
	struct sandbox_config cfg = config((char *[]){"runsc-c-idle", NULL});
	cfg.builtin = EXEC_BUILTIN_IDLE;
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	/* The next exec: its stdout and its last preserved fd (263) on two
	 * pipes, every other preserved fd /dev/null. */
	int out[2], last[2];
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(last, O_CLOEXEC), 0);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(null_fd, 0);
	int preserve[CUT_PRESERVE];
	for (int i = 0; i < CUT_PRESERVE; i++)
		preserve[i] = null_fd;
	preserve[CUT_PRESERVE - 1] = last[1];
	char script[200];
	snprintf(script, sizeof(script),
		 "echo right; echo last >&%d; ls /proc/self/fd | wc -l >&%d", 2 + CUT_PRESERVE,
		 2 + CUT_PRESERVE);
	struct cut_exec c = {
		.next = {.argv = (char *[]){"bash", "-c", script, NULL},
			 .envp = test_env,
			 .stdio = {null_fd, out[1], STDERR_FILENO},
			 .preserve = preserve,
			 .npreserve = CUT_PRESERVE},
		.init = init_host_pid(),
		.io_uring_fd = ring,
	};
	struct sandbox_exec_config idle = {
		.argv = (char *[]){"runsc-c-idle", NULL},
		.envp = test_env,
		.stdio = {null_fd, null_fd, STDERR_FILENO},
		.builtin = EXEC_BUILTIN_IDLE,
	};
	ck_assert_msg(sandbox_exec(sb, &idle, on_cut_exec, &c, &c.idle_id, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	close(out[1]);
	close(last[1]);
	char text[64] = {0}, text_last[64] = {0};
	ck_assert_int_ge(read(out[0], text, sizeof(text) - 1), 0);
	ck_assert_int_ge(read(last[0], text_last, sizeof(text_last) - 1), 0);
	close(out[0]);
	close(last[0]);
	close(null_fd);
	close(ring);
	ck_assert_int_eq(c.step, 3);
	ck_assert_int_eq(c.cut_r, -EINVAL);
	ck_assert_msg(strstr(c.cut_msg, "asking the guest's init for the process"), "%s",
		      c.cut_msg);
	ck_assert_int_eq(c.seen.failed, 0);
	ck_assert_msg(c.seen.exited == 1 && c.seen.started == 1, "%s", c.seen.err.msg);
	ck_assert_int_eq(c.seen.exit_code, 0);
	ck_assert_str_eq(text, "right\n");
	/* 0, 1, 2, the preserved ones, and ls's directory. */
	char want[64];
	snprintf(want, sizeof(want), "last\n%d\n", 3 + CUT_PRESERVE + 1);
	ck_assert_str_eq(text_last, want);
	ck_assert_int_eq(c.fds_after_cut, c.fds_before);
	ck_assert_int_eq(c.fds_at_end, c.fds_before);
}
END_TEST

/* The socket of the sandbox's channel to init: the one SOCK_SEQPACKET
 * socket among the fds that sandbox_start opened (not in `before`). */
static int channel_fd(const bool *before, int nbefore)
{
	int found = -1;
	for (int fd = 0; fd < 1024; fd++) {
		if (fd < nbefore && before[fd])
			continue;
		int type;
		socklen_t len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
			continue;
		ck_assert_msg(found < 0, "two new SOCK_SEQPACKET fds: %d and %d", found, fd);
		found = fd;
	}
	ck_assert_msg(found >= 0, "no channel socket found");
	return found;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	ck_assert_ptr_nonnull(p);
	return p[2];
}

/* A cut exec whose EXEC_OP_ABORT meets a full channel: init, stopped,
 * reads nothing; the channel is filled with signals to a running process
 * and its send buffer made just big enough for the START. The START goes,
 * its second message is refused (an io_uring fd) and the abort finds no
 * room. Once init reads again, the loop sends the abort by itself (no
 * further request) and init drops the fds it held. */
struct full_abort {
	pid_t init;
	int ctl, io_uring_fd, timer;
	uint32_t idle_id;
	int fds_before, fds_held, fds_last, signals, polls;
	int cut_r;
	char cut_msg[sizeof(((struct rc_error *)0)->msg)];
	bool dropped;
};

static void on_full_timer(struct sandbox *sb, int fd, void *arg)
{
	struct full_abort *f = arg;
	uint64_t ticks;
	ck_assert_int_eq(read(fd, &ticks, sizeof(ticks)), (ssize_t)sizeof(ticks));
	f->fds_last = fds_of(f->init);
	if (f->fds_last == f->fds_before)
		f->dropped = true;
	if (f->dropped || ++f->polls > 100 * time_scale()) {
		sandbox_unwatch(sb, fd);
		sandbox_kill(sb, SIGKILL, NULL);
	}
}

static void on_full_exec(struct sandbox *sb, const struct sandbox_exec_event *ev, void *arg)
{
	struct full_abort *f = arg;
	struct rc_error err = {0};
	if (ev->kind != SANDBOX_EXEC_STARTED || ev->exec_id != f->idle_id)
		return;
	f->fds_before = fds_of(f->init);
	ck_assert_int_eq(kill(f->init, SIGSTOP), 0);
	/* Stopped ('T'), or 't' under a tracer. */
	for (int i = 0; i < 1000 && !strchr("Tt", proc_state(f->init)); i++)
		usleep(1000);
	ck_assert_msg(strchr("Tt", proc_state(f->init)), "init is not stopped");
	int r;
	while ((r = sandbox_exec_kill(sb, f->idle_id, SIGWINCH, &err)) == 0)
		f->signals++;
	ck_assert_msg(r == -EAGAIN, "%s", err.msg);
	/* Room for one message more: a send goes while what waits is below
	 * the send buffer's size (twice SO_SNDBUF). */
	int queued = 0;
	ck_assert_int_eq(ioctl(f->ctl, SIOCOUTQ, &queued), 0);
	int size = queued / 2 + 1;
	ck_assert_int_eq(setsockopt(f->ctl, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
	int preserve[CUT_PRESERVE];
	struct sandbox_exec_config ec = cut_config(preserve, f->io_uring_fd);
	uint32_t id;
	f->cut_r = sandbox_exec(sb, &ec, on_exec, NULL, &id, &err);
	snprintf(f->cut_msg, sizeof(f->cut_msg), "%s", err.msg);
	ck_assert_int_eq(kill(f->init, SIGCONT), 0);
	/* Init reads the signals and the START, and holds its fds. */
	for (int i = 0; i < 1000 * time_scale() && fds_of(f->init) == f->fds_before; i++)
		usleep(1000);
	f->fds_held = fds_of(f->init);
	struct itimerspec its = {.it_interval = {0, 50000000}, .it_value = {0, 50000000}};
	ck_assert_int_eq(timerfd_settime(f->timer, 0, &its, NULL), 0);
	ck_assert_msg(sandbox_watch(sb, f->timer, on_full_timer, f, &err) == 0, "%s", err.msg);
}

START_TEST(exec_abort_on_a_full_channel_goes_when_there_is_room)
{
	struct io_uring_params params = {0};
	int ring = (int)syscall(__NR_io_uring_setup, 1, &params);
	if (ring < 0 && (errno == ENOSYS || errno == EPERM)) {
		printf("# exec_abort_on_a_full_channel_goes_when_there_is_room skipped: "
		       "io_uring_setup: %s\n",
		       strerror(errno));
		return;
	}
	ck_assert_msg(ring >= 0, "io_uring_setup: %s", strerror(errno));
	bool before[1024] = {0};
	for (int fd = 0; fd < 1024; fd++)
		before[fd] = fcntl(fd, F_GETFD) >= 0;
	struct sandbox_config cfg = config((char *[]){"runsc-c-idle", NULL});
	cfg.builtin = EXEC_BUILTIN_IDLE;
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(null_fd, 0);
	struct full_abort f = {
		.init = init_host_pid(),
		.ctl = channel_fd(before, 1024),
		.io_uring_fd = ring,
		.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK),
	};
	ck_assert_int_ge(f.timer, 0);
	struct sandbox_exec_config idle = {
		.argv = (char *[]){"runsc-c-idle", NULL},
		.envp = test_env,
		.stdio = {null_fd, null_fd, STDERR_FILENO},
		.builtin = EXEC_BUILTIN_IDLE,
	};
	ck_assert_msg(sandbox_exec(sb, &idle, on_full_exec, &f, &f.idle_id, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	close(f.timer);
	close(null_fd);
	close(ring);
	ck_assert_int_gt(f.signals, 0);
	ck_assert_int_eq(f.cut_r, -EINVAL);
	ck_assert_msg(strstr(f.cut_msg, "asking the guest's init for the process"), "%s",
		      f.cut_msg);
	ck_assert_msg(f.fds_held > f.fds_before, "init held no fds of the cut exec (%d, %d)",
		      f.fds_held, f.fds_before);
	ck_assert_msg(f.dropped, "init still holds %d fds more than before the cut exec",
		      f.fds_last - f.fds_before);
}
END_TEST

/* A malformed message naming the START init holds (one whose fds come in
 * more messages) fails that START once: one EXEC_EV_FAILED for its id.
 * Written on the channel by hand, read back before the loop runs; a
 * malformed message of another id after it marks the end. */
static void channel_send(int ctl, const struct exec_msg *m, const int *fds, int nfds)
{
	ck_assert_int_eq(send_msg_fds(ctl, m, sizeof(*m), fds, nfds), 0);
}

START_TEST(exec_malformed_message_fails_the_held_start_once)
{
	bool before[1024] = {0};
	for (int fd = 0; fd < 1024; fd++)
		before[fd] = fcntl(fd, F_GETFD) >= 0;
	struct sandbox_config cfg = config((char *[]){"runsc-c-idle", NULL});
	cfg.builtin = EXEC_BUILTIN_IDLE;
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	int ctl = channel_fd(before, 1024);
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(null_fd, 0);
	int fds[EXEC_MSG_FDS];
	for (int i = 0; i < EXEC_MSG_FDS; i++)
		fds[i] = null_fd;
	struct exec_msg start = {.magic = EXEC_MAGIC,
				 .op = EXEC_OP_START,
				 .id = 1000,
				 .argc = 1,
				 .data_len = 3,
				 .npreserve = CUT_PRESERVE};
	channel_send(ctl, &start, fds, EXEC_MSG_FDS);
	struct exec_msg bad = {.magic = EXEC_MAGIC, .op = 99, .id = 1000};
	channel_send(ctl, &bad, NULL, 0);
	bad.id = 1001;
	channel_send(ctl, &bad, NULL, 0);
	int failed_held = 0, other = 0;
	bool end = false;
	while (!end) {
		struct pollfd p = {.fd = ctl, .events = POLLIN};
		ck_assert_msg(poll(&p, 1, (int)(5000 * time_scale())) == 1, "no answer from init");
		struct exec_msg m;
		ck_assert_int_eq(recv(ctl, &m, sizeof(m), 0), (ssize_t)sizeof(m));
		if (m.op == EXEC_EV_FAILED && m.id == 1000)
			failed_held++;
		else if (m.op == EXEC_EV_FAILED && m.id == 1001)
			end = true;
		else
			other++;
	}
	sandbox_kill(sb, SIGKILL, NULL);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	close(null_fd);
	ck_assert_int_eq(failed_held, 1);
	ck_assert_int_eq(other, 0);
}
END_TEST

static int watch_calls;

static void on_pipe(struct sandbox *sb, int fd, void *arg)
{
	(void)arg;
	char c;
	ck_assert_int_eq(read(fd, &c, 1), 1);
	watch_calls++;
	sandbox_unwatch(sb, fd);
	sandbox_kill(sb, SIGKILL, NULL);
}

START_TEST(watch_serves_a_callers_fd)
{
	struct sandbox_config cfg = config((char *[]){"/bin/sleep", "30.6", NULL});
	struct sandbox *sb;
	struct sandbox_status st;
	struct rc_error err = {0};
	int pipefd[2];
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	ck_assert_msg(sandbox_create(&cfg, &sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_start(sb, &err) == 0, "%s", err.msg);
	ck_assert_msg(sandbox_watch(sb, pipefd[0], on_pipe, NULL, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(write(pipefd[1], "x", 1), 1);
	ck_assert_msg(sandbox_wait(sb, &st, &err) == 0, "%s", err.msg);
	sandbox_destroy(sb);
	ck_assert_int_eq(watch_calls, 1);
	ck_assert_int_eq(st.exit_code, 128 + SIGKILL);
	close(pipefd[0]);
	close(pipefd[1]);
}
END_TEST

/* ---- a limit's text (sandbox_limit_parse) ---- */

START_TEST(limit_parse_takes_what_the_flags_take)
{
	struct cg_limits l = {0};
	uint64_t disk = 0;
	struct rc_error err;
	ck_assert_int_eq(sandbox_limit_parse("memory", "64M", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.memory_bytes, 64ULL << 20);
	ck_assert_int_eq(sandbox_limit_parse("memory", "67108864", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.memory_bytes, 64ULL << 20);
	ck_assert_int_eq(sandbox_limit_parse("pids", "64", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.pids, 64);
	ck_assert_int_eq(sandbox_limit_parse("pids", "2", &l, &disk, &err), 0);
	ck_assert_int_eq(sandbox_limit_parse("cpus", "0.5", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.cpu_quota_us, SANDBOX_CPU_PERIOD_US / 2);
	ck_assert_uint_eq(l.cpu_period_us, SANDBOX_CPU_PERIOD_US);
	ck_assert_int_eq(sandbox_limit_parse("cpus", "1", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.cpu_quota_us, SANDBOX_CPU_PERIOD_US);
	ck_assert_int_eq(sandbox_limit_parse("cpus", "0.01", &l, &disk, &err), 0);
	ck_assert_uint_eq(l.cpu_quota_us, SANDBOX_CPU_PERIOD_US / 100);
	ck_assert_int_eq(sandbox_limit_parse("disk", "8M", &l, &disk, &err), 0);
	ck_assert_uint_eq(disk, 8ULL << 20);
}
END_TEST

START_TEST(limit_parse_refuses_naming_the_text)
{
	static const struct {
		const char *name, *text, *msg;
	} bad[] = {
		{"pids", "-1", "'-1': expected a number of tasks from 2 to 4194304"},
		{"pids", "0", "'0': expected a number of tasks from 2 to 4194304"},
		{"pids", "1", "'1' is below what a sandbox needs to start: at least 2"},
		{"pids", "abc", "'abc': expected a number of tasks"},
		{"pids", "1e30", "'1e30': expected a number of tasks"},
		{"pids", "4194305", "'4194305': expected a number of tasks"},
		{"pids", "18446744073709551616", "expected a number of tasks"},
		{"pids", "", "'': expected a number of tasks"},
		{"cpus", "-0.5", "'-0.5': expected a number of CPUs"},
		{"cpus", "0", "'0': expected a number of CPUs"},
		{"cpus", "nan", "'nan': expected a number of CPUs"},
		{"cpus", "0.001", "'0.001': expected from 0.01 to"},
		{"cpus", "1e30", "'1e30': expected a number of CPUs"},
		{"cpus", "1e0", "'1e0': expected a number of CPUs such as 0.5 or 2 (digits"},
		{"cpus", "0x1p0", "'0x1p0': expected a number of CPUs"},
		{"cpus", "inf", "'inf': expected a number of CPUs"},
		{"cpus", "1.", "'1.': expected a number of CPUs"},
		{"cpus", ".5", "'.5': expected a number of CPUs"},
		{"cpus", "0.5e0", "'0.5e0': expected a number of CPUs"},
		{"cpus", "+1", "'+1': expected a number of CPUs"},
		{"cpus", "1 ", "'1 ': expected a number of CPUs"},
		{"cpus", "0.00", "'0.00': expected a number of CPUs"},
		{"cpus", "1000", "'1000': expected from 0.01 to"},
		{"memory", "12Q", "'12Q': expected a size such as 512M or 2G"},
		{"memory", "1k", "'1k' is below what a sandbox needs to start: at least 16M"},
		{"memory", "1e30", "'1e30': expected a size"},
		{"memory", "1e9", "'1e9': expected a size"},
		{"memory", "0x1p30", "'0x1p30': expected a size"},
		{"memory", "1.5.3G", "'1.5.3G': expected a size"},
		{"disk", "0", "'0': expected a size"},
		{"disk", "-1G", "'-1G': expected a size"},
		{"disk", "512k", "at least 1M"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_limits l = {0};
		uint64_t disk = 0;
		struct rc_error err = {0};
		ck_assert_int_eq(sandbox_limit_parse(bad[i].name, bad[i].text, &l, &disk, &err),
				 -EINVAL);
		ck_assert_msg(strstr(err.msg, bad[i].msg), "%s '%s': %s", bad[i].name, bad[i].text,
			      err.msg);
		/* Nothing is set by a refused value. */
		ck_assert_uint_eq(l.memory_bytes | l.pids | l.cpu_quota_us | disk, 0);
	}
	struct cg_limits l = {0};
	uint64_t disk = 0;
	struct rc_error err;
	ck_assert_int_eq(sandbox_limit_parse("gpus", "1", &l, &disk, &err), -ENOENT);
}
END_TEST

/* The route out's variables: unset, empty or one of the engines (an IPv4
 * address for the upstream) pass; anything else is refused naming the
 * variable and its value. */
START_TEST(net_env_check_names_the_variable)
{
	static const struct {
		const char *engine, *upstream, *msg;
	} cases[] = {
		{NULL, NULL, NULL},
		{"", "", NULL},
		{"pasta", "192.0.2.53", NULL},
		{"slirp4netns", NULL, NULL},
		{"nonsense", NULL,
		 "RUNSC_C_NET_ENGINE: expected pasta or slirp4netns, got 'nonsense'"},
		{"Pasta", NULL, "RUNSC_C_NET_ENGINE: expected pasta or slirp4netns, got 'Pasta'"},
		{"pasta ", NULL, "got 'pasta '"},
		{NULL, "2001:db8::53",
		 "RUNSC_C_DNS_UPSTREAM: expected an IPv4 address, got '2001:db8::53'"},
		{"pasta", "192.0.2.300",
		 "RUNSC_C_DNS_UPSTREAM: expected an IPv4 address, got '192.0.2.300'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rc_error err = {0};
		if (cases[i].engine)
			setenv("RUNSC_C_NET_ENGINE", cases[i].engine, 1);
		else
			unsetenv("RUNSC_C_NET_ENGINE");
		if (cases[i].upstream)
			setenv("RUNSC_C_DNS_UPSTREAM", cases[i].upstream, 1);
		else
			unsetenv("RUNSC_C_DNS_UPSTREAM");
		int r = sandbox_net_env_check(&err);
		if (!cases[i].msg) {
			ck_assert_msg(r == 0, "case %zu: %s", i, err.msg);
			continue;
		}
		ck_assert_int_eq(r, -EINVAL);
		ck_assert_msg(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
	}
	unsetenv("RUNSC_C_NET_ENGINE");
	unsetenv("RUNSC_C_DNS_UPSTREAM");
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *e = tcase_create("error");
	tcase_add_test(e, error_set_and_context);
	tcase_add_test(e, error_context_cuts_what_does_not_fit);
	suite_add_tcase(s, e);
	TCase *lim = tcase_create("limits");
	tcase_add_test(lim, limit_parse_takes_what_the_flags_take);
	tcase_add_test(lim, limit_parse_refuses_naming_the_text);
	tcase_add_test(lim, net_env_check_names_the_variable);
	suite_add_tcase(s, lim);
	TCase *t = tcase_create("life cycle");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, true_exits_0);
	tcase_add_test(t, exit_status_is_the_commands);
	tcase_add_test(t, kill_reaches_the_command);
	tcase_add_test(t, timeout_kills_the_guest);
	tcase_add_test(t, bad_config_is_an_error);
	tcase_add_test(t, missing_rootfs_fails_the_start);
	tcase_add_test(t, ipcns_return_failure_fails_the_sandbox);
	suite_add_tcase(s, t);
	TCase *x = tcase_create("exec");
	tcase_set_timeout(x, 60);
	tcase_add_test(x, exec_reports_start_and_status);
	tcase_add_test(x, exec_failure_names_the_stage);
	tcase_add_test(x, exec_ends_with_the_command);
	tcase_add_test(x, exec_builtins);
	tcase_add_test(x, exec_bad_requests);
	tcase_add_test(x, exec_bad_fd_sends_nothing);
	tcase_add_test(x, exec_cut_between_messages_leaves_nothing);
	tcase_add_test(x, exec_abort_on_a_full_channel_goes_when_there_is_room);
	tcase_add_test(x, exec_malformed_message_fails_the_held_start_once);
	tcase_add_test(x, watch_serves_a_callers_fd);
	suite_add_tcase(s, x);
	return s;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("the sandboxes need root: skipped\n");
		return 77;
	}
	SRunner *sr = srunner_create(sandbox_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
