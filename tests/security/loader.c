/* SPDX-License-Identifier: Apache-2.0 */
/* The exec loader's reserved call is honoured only for the loader the
 * sentry just exec'd. A guest that makes the call itself gets EPERM, no
 * fd and no byte in its buffer: from a running program (twice), from a
 * second thread, from a vfork child, after a non-leader thread's exec, and
 * after an exec the sentry had pointed at its loader but that failed (the
 * guest's own stacked filter refuses the rewritten call), when an exec
 * decision is pending for the caller. Execs still work afterwards.
 *
 * Usage: probe-loader, or probe-loader reserved (one check, then exit:
 * what a thread's exec runs). */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "probe.h"

/* common/compat.h's RUNSC_NR_LOADER: the probe is built without it. */
#define NR_LOADER 1023
#define BUF_SIZE  8192
#define FDS_SEEN  64

static char buf[BUF_SIZE];

static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < FDS_SEEN; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static bool buf_untouched(void)
{
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i])
			return false;
	return true;
}

/* The call, and whether it was refused with nothing given. */
static bool refused(char *detail, size_t size)
{
	int before = open_fds();
	memset(buf, 0, sizeof(buf));
	errno = 0;
	long r = syscall(NR_LOADER, buf, sizeof(buf), 0);
	int err = errno, after = open_fds();
	bool ok = r == -1 && err == EPERM && after == before && buf_untouched();
	snprintf(detail, size, "result %ld (%s), fds %d -> %d, buffer %s", r,
		 r < 0 ? errno_name(err) : "-", before, after, buf_untouched() ? "untouched" : "written");
	return ok;
}

static void check(const char *name)
{
	char detail[160];
	bool ok = refused(detail, sizeof(detail));
	probe_result(ok, name, "%s", detail);
}

static void *thread_call(void *arg)
{
	(void)arg;
	check("reserved call from a second thread");
	return NULL;
}

static char *self_path;

static void *thread_exec(void *arg)
{
	(void)arg;
	char *argv[] = {self_path, "reserved", NULL};
	execv(self_path, argv);
	printf("FAIL thread exec: %s\n", errno_name(errno));
	fflush(stdout);
	_exit(1);
}

static void vfork_child(void)
{
	static volatile long result, err;
	static volatile int fds_before, fds_after;
	fds_before = open_fds();
	pid_t pid = vfork();
	if (pid == 0) {
		result = syscall(NR_LOADER, buf, sizeof(buf), 0);
		err = errno;
		fds_after = open_fds();
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	probe_result(result == -1 && err == EPERM && fds_after == fds_before && buf_untouched(),
		     "reserved call from a vfork child", "result %ld (%s), fds %d -> %d", result,
		     errno_name((int)err), fds_before, fds_after);
}

static int wait_status(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A non-leader thread execs this probe ("reserved"): the new program's
 * call is refused as any program's is. */
static void thread_exec_then_call(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, thread_exec, NULL);
		pause();
		_exit(1);
	}
	int rc = wait_status(pid);
	probe_result(rc == 0, "a non-leader thread's exec runs, and its program is refused",
		     "exit %d", rc);
}

/* The guest's own filter, stacked on the sandbox's: an execve with argv
 * and a path other than the ones given fails with EXDEV. The sentry's
 * TRACE stop sees the call as given, decides and points it at its loader;
 * the filters run again after the stop and this one refuses the rewritten
 * call. The exec decision the sentry made is then pending for a program
 * that goes on running. */
static int refuse_rewritten_exec(const char *path, char *const *argv)
{
	uint64_t p = (uintptr_t)path, a = (uintptr_t)argv;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)a, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)p, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(p >> 32), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

static void failed_exec_then_call(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		static char path[] = "/bin/true";
		static char *argv[] = {path, NULL};
		if (refuse_rewritten_exec(path, argv) < 0) {
			probe_result(false, "stacked filter", "%s", errno_name(errno));
			fflush(stdout);
			_exit(1);
		}
		execv(path, argv);
		int err = errno;
		probe_result(err == EXDEV, "an exec refused after the sentry's rewrite fails",
			     "%s", errno_name(err));
		check("reserved call after an exec that failed after the rewrite");
		check("reserved call after that, again");
		fflush(stdout);
		_exit(probe_failures ? 1 : 0);
	}
	int rc = wait_status(pid);
	probe_result(rc == 0, "the program whose exec failed goes on", "exit %d", rc);
}

static void exec_still_works(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(126);
	}
	int rc = wait_status(pid);
	probe_result(rc == 0, "an exec afterwards runs its program", "exit %d", rc);
}

int main(int argc, char **argv)
{
	probe_guard("loader");
	self_path = argv[0];
	if (argc > 1 && strcmp(argv[1], "reserved") == 0) {
		char detail[160];
		bool ok = refused(detail, sizeof(detail));
		printf("%s reserved call after a thread's exec: %s\n", ok ? "PASS" : "FAIL", detail);
		return ok ? 0 : 1;
	}
	check("reserved call from a program");
	check("reserved call from a program, twice");
	pthread_t th;
	pthread_create(&th, NULL, thread_call, NULL);
	pthread_join(th, NULL);
	vfork_child();
	thread_exec_then_call();
	failed_exec_then_call();
	exec_still_works();
	return probe_done();
}
