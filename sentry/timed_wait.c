/* SPDX-License-Identifier: Apache-2.0 */
/* Restarting a timed wait that a signal the waiter ignores cut short
 * (sentry/timed_wait.h). */
#include "sentry/timed_wait.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

#include "sentry/clone3.h"

#define NSEC_PER_SEC 1000000000L
/* Below the x86-64 red zone, which the guest's code may use. */
#define RED_ZONE 128

/* Which argument holds the call's timeout, or -1. */
static int timeout_arg(uint64_t nr)
{
	switch (nr) {
	case SYS_rt_sigtimedwait:
		return 2;
	case SYS_epoll_pwait2:
		return 3;
	default:
		return -1;
	}
}

static unsigned long long *arg_reg(struct user_regs_struct *regs, int arg)
{
	return arg == 2 ? &regs->rdx : &regs->r10;
}

int timed_wait_trace_stop(struct sc_ctx *c)
{
	struct task *t = c->t;
	uint64_t nr = (uint64_t)c->req->data.nr;
	int arg = timeout_arg(nr);
	/* A call the sentry restarted: its timeout is the sentry's, and the
	 * guest's register comes back at its exit. A save for another call
	 * was dropped at this stop (saved_call_drop_stale). */
	bool restarted = t->saved_call && !t->saved_call->child &&
			 saved_call_matches(t->saved_call, nr, c->req->data.instruction_pointer);
	struct timespec ts, now;

	t->wait.armed = false;
	if (arg < 0)
		return 0;
	uint64_t addr = c->req->data.args[arg];
	/* An invalid timeout is the kernel's to refuse (EFAULT, EINVAL). */
	if (addr && guest_read(t->tid, addr, &ts, sizeof(ts)) == 0 && ts.tv_sec >= 0 &&
	    ts.tv_nsec >= 0 && ts.tv_nsec < NSEC_PER_SEC &&
	    clock_gettime(CLOCK_MONOTONIC, &now) == 0) {
		t->wait.deadline.tv_sec = now.tv_sec + ts.tv_sec;
		t->wait.deadline.tv_nsec = now.tv_nsec + ts.tv_nsec;
		if (t->wait.deadline.tv_nsec >= NSEC_PER_SEC) {
			t->wait.deadline.tv_sec++;
			t->wait.deadline.tv_nsec -= NSEC_PER_SEC;
		}
		t->wait.nr = nr;
		t->wait.rip = c->req->data.instruction_pointer;
		t->wait.timeout_addr = restarted ? t->saved_call->args[arg] : addr;
		t->wait.armed = true;
	}
	return restarted ? SC_TRACE_EXIT : 0;
}

bool timed_wait_restart(struct task *t, struct user_regs_struct *regs)
{
	int arg = timeout_arg(regs->orig_rax);
	struct timespec now, left;

	if (arg < 0 || !t->wait.armed || t->wait.nr != regs->orig_rax || t->wait.rip != regs->rip ||
	    t->wait.timeout_addr != *arg_reg(regs, arg) || t->saved_call ||
	    clock_gettime(CLOCK_MONOTONIC, &now) < 0)
		return false;
	left.tv_sec = t->wait.deadline.tv_sec - now.tv_sec;
	left.tv_nsec = t->wait.deadline.tv_nsec - now.tv_nsec;
	if (left.tv_nsec < 0) {
		left.tv_sec--;
		left.tv_nsec += NSEC_PER_SEC;
	}
	if (left.tv_sec < 0)
		left.tv_sec = left.tv_nsec = 0; /* the kernel answers as at the timeout */
	uint64_t scratch = (regs->rsp - RED_ZONE - sizeof(left)) & ~(uint64_t)15;
	/* A stack that cannot take it (its mapping ends there: a remote write
	 * does not grow it) leaves the call's EINTR. */
	if (guest_write(t->tid, scratch, &left, sizeof(left)) < 0)
		return false;
	t->saved_call = saved_call_new(regs);
	*arg_reg(regs, arg) = scratch;
	return true;
}

void timed_wait_signal_passed(struct task *t)
{
	if (t->saved_call && !t->saved_call->child && timeout_arg(t->saved_call->nr) >= 0)
		saved_call_restore(t, true);
}
