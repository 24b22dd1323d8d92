/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry is the ptracer of every guest task. The state machine:
 *
 *   event                          action
 *   PTRACE_EVENT_SECCOMP           a SECCOMP_RET_TRACE row: the syscall
 *                                  number picks the table's row, whose trace
 *                                  handler runs (execve/execveat: exec.c
 *                                  decides and rewrites, then continue;
 *                                  set*id, capset, umask, and any stop no row
 *                                  claims: drop the cached ids and continue
 *                                  to the syscall-exit stop)
 *   syscall-exit (SIGTRAP|0x80)    after such a call: drop them again;
 *                                  after a call the sentry rewrote
 *                                  (clone3, pidfd_send_signal, a timed
 *                                  wait restarted): put the
 *                                  guest's argument registers back
 *   PTRACE_EVENT_CLONE/FORK/VFORK  record the child (shared or copied cwd,
 *                                  from the clone flags read at the stop);
 *                                  continue the parent (to its syscall-exit
 *                                  stop after a clone3 the sentry rewrote),
 *                                  release the child
 *   PTRACE_EVENT_EXEC              re-key a non-leader thread to the leader's
 *                                  tid; the loader's reserved call is now due
 *   PTRACE_EVENT_STOP, SIGTRAP     a new child's first stop: continue it once
 *                                  its parent's event told us its fs state
 *                                  (and a clone3 child's registers are back)
 *   PTRACE_EVENT_STOP, stop signal group-stop: PTRACE_LISTEN, so that SIGCONT
 *                                  resumes it as without a tracer
 *   signal-delivery-stop           continue with the same signal; one
 *                                  the task ignores that cut short a wait
 *                                  Linux never restarts: the wait again,
 *                                  with the time left if it had a timeout
 *                                  (ignored_wake, sentry/timed_wait.c)
 *   exit / killed                  reaped at once (the real parent's wait and
 *                                  exec's thread teardown depend on it)
 */
#include "sentry/ptrace.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/clone3.h"
#include "sentry/timed_wait.h"
#include "syscalls/table.h"

#ifndef CLONE_VM
#define CLONE_VM     0x00000100
#define CLONE_FS     0x00000200
#define CLONE_VFORK  0x00004000
#define CLONE_THREAD 0x00010000
#endif

int ptrace_seize_init(struct sentry *s, pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, RUNSC_PTRACE_OPTIONS) < 0)
		return -errno;
	struct task *t = task_get(s, pid);
	t->attached = true;
	return 0;
}

static void cont(pid_t tid, int sig)
{
	if (ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		log_debug("PTRACE_CONT %d: %s", tid, strerror(errno));
}

/* Is sig ignored by thread tid (SIG_IGN, or the default action of
 * SIGCHLD, SIGURG, SIGWINCH, SIGCONT)? From its /proc status. */
static bool sig_ignored(struct sentry *s, pid_t tid, int sig)
{
	char buf[4096];
	if (task_status_read(s, tid, buf, sizeof(buf)) < 0)
		return false;
	unsigned long long ign = 0, cgt = 0, bit = 1ull << (sig - 1);
	const char *p = strstr(buf, "\nSigIgn:");
	const char *q = strstr(buf, "\nSigCgt:");
	if (!p || !q || sscanf(p, "\nSigIgn: %llx", &ign) != 1 ||
	    sscanf(q, "\nSigCgt: %llx", &cgt) != 1)
		return false;
	if (ign & bit)
		return true;
	bool dfl_ignore = sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
	return dfl_ignore && !(cgt & bit);
}

#define RUNSC_ERESTARTNOHAND 514

/* Linux discards a signal the task ignores when it is sent; a traced task
 * is sent it anyway (the tracer is told of every signal), and it wakes the
 * waits Linux never restarts, which then fail with EINTR although no
 * signal was delivered. At the signal-delivery-stop of such a signal, a
 * wait without a timeout (sigwaitinfo, rt_sigtimedwait with NULL,
 * epoll_wait and epoll_pwait with -1, epoll_pwait2 with NULL) is made
 * -ERESTARTNOHAND: the kernel discards the signal and restarts the call,
 * or, if a signal with a handler is delivered too, gives EINTR as Linux
 * does. rt_sigtimedwait and epoll_pwait2 with a timeout restart the same
 * way with the time left (sentry/timed_wait.c); epoll_wait and epoll_pwait
 * with one are left to fail, since they run without a stop that would
 * tell when they began (docs/ltp.md). Returns whether it restarted. */
static bool ignored_wake(struct sentry *s, struct task *t, int sig)
{
	struct user_regs_struct regs;
	pid_t tid = t->tid;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0 || (long long)regs.rax != -EINTR)
		return false;
	bool untimed;
	switch ((long long)regs.orig_rax) {
	case SYS_rt_sigtimedwait:
		untimed = regs.rdx == 0;
		break;
	case SYS_epoll_pwait2:
		untimed = regs.r10 == 0;
		break;
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		untimed = (int)regs.r10 < 0;
		if (!untimed)
			return false;
		break;
	default:
		return false;
	}
	if (!sig_ignored(s, tid, sig) || (!untimed && !timed_wait_restart(t, &regs)))
		return false;
	regs.rax = (unsigned long long)-RUNSC_ERESTARTNOHAND;
	if (ptrace(PTRACE_SETREGS, tid, 0, &regs) < 0) {
		timed_wait_signal_passed(t);
		return false;
	}
	cont(tid, 0);
	return true;
}

/* A new task starts with its parent's ids (fork and clone copy them). The
 * parent sits in its clone event stop, so ids the cache holds for it are
 * still its own: the child's first request then reads no status. */
static void inherit_creds(const struct task *parent, struct task *child)
{
	if (!parent->creds_valid || child->creds_valid)
		return;
	if (!child->creds)
		child->creds = xmalloc(sizeof(*child->creds));
	*child->creds = *parent->creds;
	child->creds_valid = true;
}

/* A new task is released only once its fs state is known. */
static void release_child(struct task *child)
{
	if (child->held && child->fs) {
		child->held = false;
		saved_call_restore(child, false);
		cont(child->tid, 0);
	}
}

static void on_clone(struct sentry *s, struct task *parent, int event)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg) < 0)
		return;
	pid_t child_tid = (pid_t)msg;
	unsigned long flags = 0;
	struct user_regs_struct regs;
	/* clone(2) (and clone3, which the sentry rewrote into it) reports a
	 * fork or vfork event when its exit signal is SIGCHLD or it has
	 * CLONE_VFORK: its flags count for those too. */
	if (ptrace(PTRACE_GETREGS, parent->tid, 0, &regs) == 0 && regs.orig_rax == SYS_clone)
		flags = regs.rdi;
	else if (event == PTRACE_EVENT_VFORK)
		flags = CLONE_VM | CLONE_VFORK;
	struct task *child = task_get(s, child_tid);

	child->attached = true;
	if (!child->fs) {
		/* A failed dup leaves a cwd_fd of -1 (struct fsinfo). */
		if (!parent->fs)
			parent->fs = fsinfo_new(fcntl(s->root_fd, F_DUPFD_CLOEXEC, 0));
		if (flags & CLONE_FS) {
			child->fs = parent->fs;
			parent->fs->refs++;
		} else {
			child->fs = fsinfo_copy(parent->fs);
		}
	}
	free(child->exe);
	child->exe = parent->exe ? xstrdup(parent->exe) : NULL;
	inherit_creds(parent, child);
	/* Its ids in the guest's pid namespace are read when first needed
	 * (task_vids): most children exec or exit without. */
	if (flags & CLONE_THREAD) {
		child->tgid = parent->tgid;
		child->vtgid = parent->vtgid;
	}
	if (parent->saved_call)
		task_vids(s, child); /* clone3's parent_tid wants it now */
	clone3_on_clone(parent, child);
	release_child(child);
}

static void on_exec(struct sentry *s, pid_t tid)
{
	unsigned long former = 0;
	if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &former) == 0 && (pid_t)former != tid) {
		/* A non-leader thread exec'd: it now has the leader's tid, and
		 * the leader's record is gone. */
		task_rekey(s, (pid_t)former, tid);
	}
	struct task *t = task_get(s, tid);
	t->loader_expected = t->exec != NULL;
	task_creds_after_exec(t); /* exec recomputes capabilities */
				  /* Exec keeps the thread group's ids; a re-keyed thread took the
				   * leader's (task_rekey). */
}

/* A PTRACE_EVENT_SECCOMP stop: one PTRACE_GETREGS gives the call (number,
 * arguments) and the registers an exec rewrites. The number picks the row:
 * the filter's SECCOMP_RET_DATA cannot, since a guest's own filter may
 * stop any call with data of its choosing (table.h), and an exec must
 * reach the sentry whichever filter stopped it. Every stop is of a 64-bit
 * call: the sandbox's filter kills 32-bit and x32 calls, and a kill takes
 * precedence over any filter's TRACE. A stop no row's trace handler claims
 * (a guest filter's TRACE of some other call, or a thread that cannot be
 * read) drops the cached ids, as a traced row does. */
static void on_seccomp_stop(struct sentry *s, struct task *t)
{
	struct user_regs_struct regs;
	struct seccomp_notif req = {.id = 0, .pid = (uint32_t)t->tid};
	struct sc_ctx c = {.s = s, .t = t, .req = &req, .install_fd = -1, .at_trace_stop = true};
	sc_handler handler = creds_trace_stop;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) == 0) {
		const struct sc_row *row = sc_lookup((int)regs.orig_rax);

		req.data.nr = (int)regs.orig_rax;
		req.data.arch = AUDIT_ARCH_X86_64;
		req.data.instruction_pointer = regs.rip;
		req.data.args[0] = regs.rdi;
		req.data.args[1] = regs.rsi;
		req.data.args[2] = regs.rdx;
		req.data.args[3] = regs.r10;
		req.data.args[4] = regs.r8;
		req.data.args[5] = regs.r9;
		c.regs = &regs;
		saved_call_drop_stale(t, regs.orig_rax, regs.rip);
		if (row && row->trace)
			handler = row->trace;
	}
	if (handler(&c) == SC_TRACE_EXIT) {
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0 && errno != ESRCH)
			log_debug("PTRACE_SYSCALL %d: %s", t->tid, strerror(errno));
		return;
	}
	cont(t->tid, 0);
}

static void on_stopped(struct sentry *s, pid_t tid, int status)
{
	int sig = WSTOPSIG(status);
	int event = (status >> 16) & 0xff;
	struct task *t = task_get(s, tid);
	t->attached = true;
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(s, t);
		return;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		on_clone(s, t, event);
		if (t->saved_call && !t->saved_call->child) {
			/* to the syscall-exit stop, where its registers
			 * come back */
			if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0 && errno != ESRCH)
				log_debug("PTRACE_SYSCALL %d: %s", tid, strerror(errno));
			return;
		}
		cont(tid, 0);
		return;
	case PTRACE_EVENT_EXEC:
		on_exec(s, tid);
		cont(tid, 0);
		return;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* group-stop: stay stopped until SIGCONT, like untraced */
			if (ptrace(PTRACE_LISTEN, tid, 0, 0) < 0 && errno != ESRCH)
				log_debug("PTRACE_LISTEN %d: %s", tid, strerror(errno));
			return;
		}
		if (!t->fs) {
			/* the parent's clone event has not arrived yet */
			t->held = true;
			return;
		}
		saved_call_restore(t, false);
		cont(tid, 0);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			/* The syscall-exit stop a trace handler asked for
			 * (SC_TRACE_EXIT): a call the sentry rewrote (clone3,
			 * pidfd_send_signal), or an identity call, has run. */
			if (!saved_call_restore(t, true))
				task_creds_invalidate_all(s);
			cont(tid, 0);
			return;
		}
		if (!ignored_wake(s, t, sig)) {
			timed_wait_signal_passed(t);
			cont(tid, sig);
		}
		return;
	default:
		cont(tid, 0);
		return;
	}
}

void ptrace_reap(struct sentry *s)
{
	for (;;) {
		int status;
		pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid <= 0)
			return;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid == s->init_pid) {
				s->init_status = status;
				s->init_exited = true;
			}
			task_remove(s, tid);
			continue;
		}
		if (WIFSTOPPED(status))
			on_stopped(s, tid, status);
	}
}
