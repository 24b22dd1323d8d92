/* SPDX-License-Identifier: Apache-2.0 */
/* Implements Linux syscall pidfd_send_signal(2) for a /proc/<pid>
 * directory fd, which Linux takes as a pidfd of that process. The sandbox's
 * /proc directories are its own (a tmpfs the sentry fills), so the kernel
 * would answer EBADF: at the call's TRACE stop the sentry looks at the fd,
 * and for one of its /proc/<pid> directories rewrites the call into
 * kill(pid, sig), or rt_sigqueueinfo(pid, sig, info) when a siginfo is
 * given. The caller then sends the signal itself, with its own identity and
 * the kernel's permission checks. Any other fd (a pidfd from pidfd_open or
 * clone, or something that is none) keeps the call as it is, for the
 * kernel to answer.
 *
 * What the sentry decides on is the fd, not guest memory; a thread that
 * swaps the fd meanwhile gets a kill of the pid the sentry saw, which the
 * caller may send with kill(2) anyway. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/clone3.h"
#include "sentry/sentry.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* The pid of a /proc/<pid> directory path, 0 for another path, -1 for a
 * directory whose process is gone. */
static pid_t proc_dir_pid(const char *path)
{
	if (strcmp(path, "/proc/.gone") == 0)
		return -1;
	if (strncmp(path, "/proc/", 6) != 0)
		return 0;
	char *end;
	long pid = strtol(path + 6, &end, 10);
	if (end == path + 6 || *end != 0 || pid <= 0 || pid > INT_MAX || path[6] == '0')
		return 0;
	return (pid_t)pid;
}

int pidfd_signal_trace_stop(struct sc_ctx *c)
{
	struct task *t = c->t;
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) < 0)
		return 0;
	if (regs.orig_rax != SYS_pidfd_send_signal)
		return creds_trace_stop(c);
	int fd = guest_getfd(c, (int)regs.rdi);
	if (fd < 0)
		return 0; /* the kernel's EBADF */
	char path[PATH_MAX];
	bool ours = procfs_owns_fd(c->s, fd, NULL, path, sizeof(path));
	close(fd);
	pid_t pid = ours ? proc_dir_pid(path) : 0;
	if (pid == 0)
		return 0;
	/* Flags select other targets (PIDFD_SIGNAL_*): not translated. */
	if ((unsigned int)regs.r10 != 0) {
		task_fail_call(t->tid, &regs, -EINVAL);
		return 0;
	}
	if (pid < 0) {
		task_fail_call(t->tid, &regs, -ESRCH);
		return 0;
	}
	if (regs.rdx) {
		/* pidfd_send_signal checks the siginfo's signal; the rest is
		 * rt_sigqueueinfo's to check, as it is pidfd_send_signal's. */
		int signo;
		int r = guest_read(t->tid, regs.rdx, &signo, sizeof(signo));
		if (r < 0 || signo != (int)regs.rsi) {
			task_fail_call(t->tid, &regs, r < 0 ? r : -EINVAL);
			return 0;
		}
	}
	struct saved_call *saved = saved_call_new(&regs);
	regs.orig_rax = regs.rdx ? SYS_rt_sigqueueinfo : SYS_kill;
	saved->run_nr = regs.orig_rax;
	regs.rdi = (unsigned long long)pid;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0) {
		free(saved);
		return 0;
	}
	free(t->saved_call);
	t->saved_call = saved;
	return SC_TRACE_EXIT;
}
