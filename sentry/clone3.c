/* SPDX-License-Identifier: Apache-2.0 */
/* Implements Linux syscall clone3(2) by rewriting it into clone(2).
 *
 * The struct is copied out of guest memory once, at the call's
 * PTRACE_EVENT_SECCOMP stop, and checked in the kernel's order (size, the
 * struct's fields, then the flags). What clone(2) can express becomes the
 * stopped thread's registers and the syscall number 56; the kernel then runs
 * that clone, which the guest filter checks again (namespace flags and
 * CLONE_UNTRACED already failed here). Nothing is read from guest memory
 * after the decision, so another thread rewriting the struct changes
 * nothing.
 *
 * What clone(2) cannot express is refused, and the table marks the row
 * partial: set_tid (EPERM), CLONE_INTO_CGROUP (EBADF for an fd that is not
 * a cgroup2 directory, else EACCES) and CLONE_CLEAR_SIGHAND (EINVAL, which
 * glibc's posix_spawn answers by falling back to clone). CLONE_PARENT_SETTID
 * next to CLONE_PIDFD, which clone(2) gives one register for both, is done
 * by the sentry: it stores the tid at the clone event, before the child
 * runs. */
#include "sentry/clone3.h"

#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* struct clone_args of <linux/sched.h>, whose header clashes with glibc's
 * <sched.h>; the kernel's sizes of its three versions. */
struct guest_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size; /* version 1 */
	uint64_t cgroup;		/* version 2 */
};
#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_VER2 88
#define CLONE3_MAX_SIZE	     4096 /* the kernel's PAGE_SIZE bound */
#define MAX_PID_NS_LEVEL     32
#define KERNEL_NSIG	     64 /* the kernel's _NSIG (glibc's counts signal 0) */
#define CSIGNAL_BITS	     0xffULL
#define CLONE_LEGACY_FLAGS   0xffffffffULL
#define CLONE_DETACHED_FLAG  0x00400000ULL
/* access_ok()'s bound with 4-level page tables. */
#define TASK_SIZE_MAX ((1ULL << 47) - 4096)

#define NS_FLAGS                                                                                  \
	((uint64_t)(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME))

/* The trailing bytes of a struct larger than the kernel's must be zero
 * (copy_struct_from_user): E2BIG otherwise, EFAULT if unreadable. */
static int check_zeroed(pid_t tid, uint64_t addr, size_t len)
{
	char buf[512];

	while (len > 0) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);
		int r = guest_read(tid, addr, buf, n);

		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return -E2BIG;
		addr += n;
		len -= n;
	}
	return 0;
}

/* copy_clone_args_from_user(): the struct and its set_tid array. */
static int copy_args(pid_t tid, uint64_t uaddr, uint64_t usize, struct guest_clone_args *a,
		     pid_t *set_tid)
{
	int r;

	if (usize > CLONE3_MAX_SIZE)
		return -E2BIG;
	if (usize < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	if (usize > sizeof(*a)) {
		r = check_zeroed(tid, uaddr + sizeof(*a), (size_t)usize - sizeof(*a));
		if (r < 0)
			return r;
	}
	r = guest_read(tid, uaddr, a, usize < sizeof(*a) ? (size_t)usize : sizeof(*a));
	if (r < 0)
		return r;
	if (a->set_tid_size > MAX_PID_NS_LEVEL)
		return -EINVAL;
	if (!a->set_tid != !a->set_tid_size)
		return -EINVAL;
	if ((a->exit_signal & ~CSIGNAL_BITS) || a->exit_signal > KERNEL_NSIG)
		return -EINVAL;
	if ((a->flags & CLONE_INTO_CGROUP) && (a->cgroup > INT_MAX || usize < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	if (a->set_tid) {
		r = guest_read(tid, a->set_tid, set_tid, (size_t)a->set_tid_size * sizeof(pid_t));
		if (r < 0)
			return r;
	}
	return 0;
}

/* clone3_args_valid(). */
static bool args_valid(const struct guest_clone_args *a)
{
	if (a->flags & ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return false;
	if (a->flags & (CLONE_DETACHED_FLAG | (CSIGNAL_BITS & ~(uint64_t)CLONE_NEWTIME)))
		return false;
	if ((a->flags & CLONE_SIGHAND) && (a->flags & CLONE_CLEAR_SIGHAND))
		return false;
	if ((a->flags & (CLONE_THREAD | CLONE_PARENT)) && a->exit_signal)
		return false;
	if (a->stack == 0)
		return a->stack_size == 0;
	return a->stack_size != 0 && a->stack_size <= TASK_SIZE_MAX &&
	       a->stack <= TASK_SIZE_MAX - a->stack_size;
}

/* The cgroup fd of CLONE_INTO_CGROUP: the sandbox keeps its tasks in the
 * cgroup it made, so a real cgroup2 directory gets EACCES, as a cgroup the
 * caller may not write to does; anything else is EBADF, as on Linux. */
static int cgroup_errno(const struct sc_ctx *c, int guest_fd)
{
	struct statfs sfs;
	int fd = guest_getfd(c, guest_fd);
	int r;

	if (fd == -ENOMEM)
		return fd;
	if (fd < 0)
		return -EBADF;
	r = fstatfs(fd, &sfs);
	close(fd);
	if (r == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
		return -EACCES;
	return -EBADF;
}

/* The sandbox's own refusals, after Linux's checks passed. */
static int policy_errno(const struct sc_ctx *c, const struct guest_clone_args *a,
			const pid_t *set_tid)
{
	/* As for clone(2): namespaces are the sandbox's, and an untraced
	 * task would escape the sentry's eye. */
	if (a->flags & NS_FLAGS) {
		/* copy_process() refuses these before it asks for any
		 * permission. */
		uint64_t f = a->flags;

		if ((f & CLONE_FS) && (f & (CLONE_NEWNS | CLONE_NEWUSER)))
			return -EINVAL;
		if ((f & CLONE_THREAD) && (f & (CLONE_NEWUSER | CLONE_NEWPID)))
			return -EINVAL;
		return -EPERM;
	}
	if (a->flags & CLONE_UNTRACED)
		return -EPERM;
	/* Choosing pids takes CAP_CHECKPOINT_RESTORE over the guest's pid
	 * namespace, which the sandbox does not grant; an impossible pid is
	 * EINVAL first, as in alloc_pid(). */
	for (uint64_t i = 0; i < a->set_tid_size; i++)
		if (set_tid[i] < 1)
			return -EINVAL;
	if (a->set_tid_size)
		return -EPERM;
	if (a->flags & CLONE_INTO_CGROUP)
		return cgroup_errno(c, (int)a->cgroup);
	/* Resetting the child's handlers has no clone(2) form. */
	if (a->flags & CLONE_CLEAR_SIGHAND)
		return -EINVAL;
	return 0;
}

int clone3_trace_stop(struct sc_ctx *c)
{
	struct task *t = c->t;
	struct user_regs_struct regs;
	struct guest_clone_args a;
	pid_t set_tid[MAX_PID_NS_LEVEL];
	int r;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) < 0)
		return 0; /* gone: nothing runs */
	if (regs.orig_rax != SYS_clone3)
		return creds_trace_stop(c);
	r = copy_args(t->tid, regs.rdi, regs.rsi, &a, set_tid);
	if (r == 0 && !args_valid(&a))
		r = -EINVAL;
	if (r == 0)
		r = policy_errno(c, &a, set_tid);
	if (r < 0) {
		task_fail_call(t->tid, &regs, r);
		return 0;
	}

	struct saved_call *saved = saved_call_new(&regs);
	const uint64_t both = CLONE_PIDFD | CLONE_PARENT_SETTID;
	uint64_t flags = a.flags;

	/* clone(2) takes one address for both; the same address twice is
	 * left to the kernel, which refuses it for clone3 too. */
	if ((flags & both) == both && a.pidfd != a.parent_tid) {
		flags &= ~(uint64_t)CLONE_PARENT_SETTID;
		saved->parent_tid = a.parent_tid;
	}
	regs.orig_rax = SYS_clone;
	saved->run_nr = SYS_clone;
	regs.rdi = (flags & CLONE_LEGACY_FLAGS) | a.exit_signal;
	regs.rsi = a.stack ? a.stack + a.stack_size : 0;
	regs.rdx = (flags & CLONE_PIDFD) ? a.pidfd : a.parent_tid;
	regs.r10 = a.child_tid;
	regs.r8 = a.tls;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0) {
		free(saved);
		return 0;
	}
	free(t->saved_call);
	t->saved_call = saved;
	return SC_TRACE_EXIT;
}

void clone3_on_clone(struct task *parent, struct task *child)
{
	const struct saved_call *p = parent->saved_call;

	if (!p)
		return;
	if (p->parent_tid && child->vtid > 0) {
		int32_t vtid = child->vtid;

		/* Linux ignores a bad address here too. */
		(void)guest_write(parent->tid, p->parent_tid, &vtid, sizeof(vtid));
	}
	free(child->saved_call);
	child->saved_call = xmalloc(sizeof(*child->saved_call));
	*child->saved_call = *p;
	child->saved_call->parent_tid = 0;
	child->saved_call->child = true;
}

struct saved_call *saved_call_new(const struct user_regs_struct *regs)
{
	struct saved_call *saved = xcalloc(1, sizeof(*saved));

	saved->nr = regs->orig_rax;
	saved->run_nr = regs->orig_rax;
	saved->rip = regs->rip;
	saved->args[0] = regs->rdi;
	saved->args[1] = regs->rsi;
	saved->args[2] = regs->rdx;
	saved->args[3] = regs->r10;
	saved->args[4] = regs->r8;
	saved->args[5] = regs->r9;
	return saved;
}

bool saved_call_matches(const struct saved_call *saved, uint64_t nr, uint64_t rip)
{
	return saved->run_nr == nr && saved->rip == rip;
}

void saved_call_drop_stale(struct task *t, uint64_t nr, uint64_t rip)
{
	struct saved_call *saved = t->saved_call;
	/* At its entry stop the call still has the guest's number. */
	if (!saved || saved->child || (saved->nr == nr && saved->rip == rip))
		return;
	t->saved_call = NULL;
	free(saved);
}

bool saved_call_restore(struct task *t, bool at_exit)
{
	struct user_regs_struct regs;
	struct saved_call *saved = t->saved_call;

	if (!saved || saved->child == at_exit)
		return false;
	t->saved_call = NULL;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) == 0) {
		if (at_exit && !saved_call_matches(saved, regs.orig_rax, regs.rip)) {
			free(saved);
			return false;
		}
		regs.rdi = saved->args[0];
		regs.rsi = saved->args[1];
		regs.rdx = saved->args[2];
		regs.r10 = saved->args[3];
		regs.r8 = saved->args[4];
		regs.r9 = saved->args[5];
		/* A call interrupted by a signal (a clone's -ERESTARTNOINTR)
		 * is restarted from orig_rax with these registers: it must be
		 * the guest's call again, which stops here again. */
		if (at_exit)
			regs.orig_rax = saved->nr;
		if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0 && errno != ESRCH)
			log_debug("clone3 by %d: PTRACE_SETREGS: %s", t->tid, strerror(errno));
	}
	free(saved);
	return true;
}
