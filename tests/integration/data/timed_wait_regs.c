/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sigtimedwait with a timeout while a child sends an ignored signal
 * every 10 ms: the wait ends at its timeout (EAGAIN), and the timeout's
 * register (rdx) and the timespec are as the caller left them, although
 * the sandbox restarts the wait with a timeout of its own. */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
	signal(SIGUSR2, SIG_IGN);
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		for (;;) {
			if (kill(parent, SIGUSR2))
				_exit(0);
			usleep(10000);
		}
	}
	unsigned long set = 1UL << (SIGUSR1 - 1);
	struct timespec ts = {0, 200000000};
	long ret;
	register unsigned long r10 __asm__("r10") = 8;
	unsigned long rdx_in = (unsigned long)&ts, rdx_out;
	__asm__ volatile("syscall"
			 : "=a"(ret), "=d"(rdx_out)
			 : "a"(SYS_rt_sigtimedwait), "D"(&set), "S"(0), "d"(rdx_in), "r"(r10)
			 : "rcx", "r11", "memory");
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	printf("ret %ld rdx %s ts %ld.%09ld\n", ret, rdx_out == rdx_in ? "kept" : "CHANGED",
	       ts.tv_sec, ts.tv_nsec);
	return 0;
}
