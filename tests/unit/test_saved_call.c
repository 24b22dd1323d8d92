/* SPDX-License-Identifier: Apache-2.0 */
/* The registers the sentry saved for a call it rewrote or restarted
 * (sentry/clone3.c) come back only at that call's own exit stop: a save
 * left over from a call that never reached it is dropped at the next call
 * instead of being written over that call's registers. A traced child
 * stopped at the exit of a getppid plays the guest. */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sentry/clone3.h"
#include "sentry/sentry.h"

/* A child stopped at the syscall-exit stop of its getppid. */
static pid_t child_at_getppid_exit(void)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (;;)
			syscall(SYS_getppid);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSTOPPED(status));
	ck_assert_int_eq(
		ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL), 0);
	for (;;) {
		ck_assert_int_eq(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80));
		struct user_regs_struct regs;
		ck_assert_int_eq(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
		/* An exit stop has the call's result in rax, not -ENOSYS. */
		if (regs.orig_rax == SYS_getppid && (long long)regs.rax != -ENOSYS)
			return pid;
	}
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Restores a save of the stopped call at its exit stop, with rip and
 * run_nr as given and a changed rdi: whether it was applied (rdi changed),
 * and the save is gone either way. */
static bool restore_with(pid_t pid, const struct user_regs_struct *regs, uint64_t rip,
			 uint64_t run_nr)
{
	struct task t = {.tid = pid, .tgid = pid};
	struct user_regs_struct after;
	t.saved_call = saved_call_new(regs);
	t.saved_call->rip = rip;
	t.saved_call->run_nr = run_nr;
	t.saved_call->args[0] = regs->rdi ^ 0x5a5a;
	bool restored = saved_call_restore(&t, true);
	ck_assert_ptr_null(t.saved_call);
	ck_assert_int_eq(ptrace(PTRACE_GETREGS, pid, 0, &after), 0);
	ck_assert_uint_eq(after.rdi, restored ? regs->rdi ^ 0x5a5a : regs->rdi);
	return restored;
}

START_TEST(test_stale_save_dropped)
{
	pid_t pid = child_at_getppid_exit();
	struct user_regs_struct regs;
	ck_assert_int_eq(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
	/* The same call number returning elsewhere: another call site. */
	ck_assert(!restore_with(pid, &regs, regs.rip + 16, regs.orig_rax));
	/* The same place, another call (a clone3 rewritten into clone whose
	 * exit stop never came). */
	ck_assert(!restore_with(pid, &regs, regs.rip, SYS_clone));
	/* Its own call: the registers come back. */
	ck_assert(restore_with(pid, &regs, regs.rip, regs.orig_rax));
	reap(pid);
}
END_TEST

START_TEST(test_drop_at_entry)
{
	struct user_regs_struct regs = {.orig_rax = SYS_rt_sigtimedwait, .rip = 0x401000};
	struct task t = {.tid = 1};
	/* The restarted call's own entry keeps it. */
	t.saved_call = saved_call_new(&regs);
	saved_call_drop_stale(&t, SYS_rt_sigtimedwait, 0x401000);
	ck_assert_ptr_nonnull(t.saved_call);
	/* Any other call, or the same one from elsewhere, drops it. */
	saved_call_drop_stale(&t, SYS_rt_sigtimedwait, 0x402000);
	ck_assert_ptr_null(t.saved_call);
	t.saved_call = saved_call_new(&regs);
	saved_call_drop_stale(&t, SYS_getpid, 0x401000);
	ck_assert_ptr_null(t.saved_call);
	/* A clone3 child's copy waits for its first stop, not a call. */
	t.saved_call = saved_call_new(&regs);
	t.saved_call->child = true;
	saved_call_drop_stale(&t, SYS_getpid, 0x401000);
	ck_assert_ptr_nonnull(t.saved_call);
	free(t.saved_call);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("saved_call");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stale_save_dropped);
	tcase_add_test(tc, test_drop_at_entry);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
