/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysprobe: the cost of one system call, measured from the inside.
 *
 *   sysprobe [N]
 *
 * Loops uname(2) (a call the sentry answers: it traps) and getppid(2) (a call the
 * guest makes natively) N times each, after a warm-up, and prints
 *   uname_us=X getppid_us=X
 * Calls go through syscall(2) so that no libc caching hides a call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define WARMUP_CALLS 1000

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long loop_uname(long n)
{
	struct utsname uts;
	long failures = 0;

	for (long i = 0; i < n; i++) {
		if (syscall(SYS_uname, &uts) != 0)
			failures++;
	}
	return failures;
}

static long loop_getppid(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++)
		sum += syscall(SYS_getppid);
	return sum;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;

	if (n < 1) {
		fprintf(stderr, "usage: sysprobe [N]\n");
		return 2;
	}
	loop_uname(WARMUP_CALLS);
	double t0 = now_us();
	long failures = loop_uname(n);
	double t1 = now_us();
	loop_getppid(WARMUP_CALLS);
	double t2 = now_us();
	volatile long sink = loop_getppid(n);
	double t3 = now_us();

	(void)sink;
	if (failures) {
		fprintf(stderr, "sysprobe: %ld of %ld uname calls failed\n", failures, n);
		return 1;
	}
	printf("uname_us=%.3f getppid_us=%.3f\n", (t1 - t0) / n, (t3 - t2) / n);
	return 0;
}
