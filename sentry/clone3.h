/* SPDX-License-Identifier: Apache-2.0 */
/* clone3(2): a seccomp filter cannot read its argument struct, so the call
 * stops for the sentry (SECCOMP_RET_TRACE), which copies the struct once,
 * checks it as Linux does and rewrites the stopped call into the clone(2)
 * the guest filter already allows. The guest's argument registers are put
 * back afterwards in the parent (at the call's exit) and in the child (at
 * its first stop), so that code after the syscall instruction (glibc keeps
 * the thread function and its argument there) finds them as clone3 left
 * them. */
#ifndef RUNSC_SENTRY_CLONE3_H
#define RUNSC_SENTRY_CLONE3_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

#include "sentry/sentry.h"

/* A call the sentry rewrote at its TRACE stop into another (clone3 into
 * clone; pidfd_send_signal of a /proc/<pid> fd into kill, sentry/pidfd.c):
 * what the task waits to have put back (struct task.saved_call). */
struct saved_call {
	uint64_t nr; /* the call the guest made */
	/* The call the kernel runs in its place (its exit stop's orig_rax)
	 * and where it returns to: the save belongs to that one call, and a
	 * stop of any other (a restart that never came) drops it unused. */
	uint64_t run_nr;
	uint64_t rip;
	/* rdi, rsi, rdx, r10, r8, r9 as the guest made the call */
	uint64_t args[6];
	/* CLONE_PARENT_SETTID's address when CLONE_PIDFD took clone's register
	 * for its own address: the sentry stores the child's tid there at the
	 * clone event, before the child runs. 0: nothing to store. */
	uint64_t parent_tid;
	/* A clone3 child's copy, put back at its first stop; otherwise the
	 * caller's, put back at the call's syscall-exit stop. */
	bool child;
};

/* The clone3 row's handler at its PTRACE_EVENT_SECCOMP stop: fails the call
 * with Linux's errno, or rewrites it into clone and returns SC_TRACE_EXIT
 * (the registers come back at the call's exit). */
int clone3_trace_stop(struct sc_ctx *c);
/* At the parent's clone event (ptrace.c): hands the child the registers it
 * must start with and stores CLONE_PARENT_SETTID's tid if the sentry owes
 * it. The child's vtid must be known. */
void clone3_on_clone(struct task *parent, struct task *child);
/* sentry/pidfd.c: pidfd_send_signal's handler at its PTRACE_EVENT_SECCOMP
 * stop: a /proc/<pid> directory fd becomes kill(pid) (or rt_sigqueueinfo);
 * any other fd is the kernel's. */
int pidfd_signal_trace_stop(struct sc_ctx *c);

/* Saves the stopped call's number, return address and argument registers
 * (regs as PTRACE_GETREGS read them) for saved_call_restore. A caller that
 * rewrites the call's number sets run_nr to the new one. */
struct saved_call *saved_call_new(const struct user_regs_struct *regs);
/* The save is for the call numbered nr (as the kernel runs it) that
 * returns to rip. */
bool saved_call_matches(const struct saved_call *saved, uint64_t nr, uint64_t rip);
/* Puts back a task's registers if it waits for them at this stop (at_exit:
 * the call's syscall-exit stop, which must be its call's; else a new
 * child's first stop); true if it did. A caller's save found at the exit
 * stop of another call is stale: it is dropped, the registers untouched. */
bool saved_call_restore(struct task *t, bool at_exit);
/* At the PTRACE_EVENT_SECCOMP stop of a call (nr, rip): drops a caller's
 * save that is not for it (the call it was for ended without its exit
 * stop). */
void saved_call_drop_stale(struct task *t, uint64_t nr, uint64_t rip);

#endif
