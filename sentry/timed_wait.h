/* SPDX-License-Identifier: Apache-2.0 */
/* Waits with a timeout that Linux never restarts after a signal
 * (rt_sigtimedwait, epoll_pwait2) and a signal the waiter ignores. Linux
 * discards such a signal when it is sent, so the wait goes on; a traced
 * task is sent it anyway and the wait ends with EINTR. The wait stops
 * first (SECCOMP_RET_TRACE), where the sentry notes its deadline; at the
 * signal-delivery-stop of an ignored signal that cut it short, the sentry
 * points the timeout argument at the time left (a timespec it writes below
 * the thread's stack red zone) and has the kernel restart the call
 * (-ERESTARTNOHAND, the signal discarded); the restarted call stops again
 * and its argument register is put back at its exit. */
#ifndef RUNSC_SENTRY_TIMED_WAIT_H
#define RUNSC_SENTRY_TIMED_WAIT_H

#include <stdbool.h>
#include <sys/user.h>

#include "sentry/sentry.h"

/* The rows' handler at the PTRACE_EVENT_SECCOMP stop of a timed wait. */
int timed_wait_trace_stop(struct sc_ctx *c);
/* At a signal-delivery-stop of an ignored signal whose arrival ended the
 * stopped thread's timed wait (regs as PTRACE_GETREGS read them, rax
 * -EINTR): writes the time left and points the call's timeout argument in
 * regs at it. The caller makes the call restart. False: leave it EINTR. */
bool timed_wait_restart(struct task *t, struct user_regs_struct *regs);
/* At a signal-delivery-stop passing a signal on: a restart prepared by
 * timed_wait_restart will not happen (the signal ends the call), so the
 * guest's argument registers come back now. */
void timed_wait_signal_passed(struct task *t);

#endif
