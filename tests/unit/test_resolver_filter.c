/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox resolver's seccomp filter (sandbox/resolver_filter.c) lets
 * its worker threads allocate and free side by side for as long as they
 * serve: with a sanitizer runtime, whose allocator locks spin and then
 * yield (sched_yield), as with glibc's or jemalloc's. A call it does not
 * allow still kills the process. Each case runs in a child made for it,
 * shaped like the resolver: the threads started first, the filter then
 * installed on all of them at once. */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/resolver_filter.h"

#define THREADS 8
#define ROUNDS	100000

static pthread_barrier_t started, filtered, done, never;

/* Blocks of mixed sizes, from the small size classes to separate maps. */
static void churn(unsigned seed)
{
	for (int i = 0; i < ROUNDS; i++) {
		size_t n = (size_t)(rand_r(&seed) % 70000) + 1;
		char *volatile p = malloc(n);
		if (!p)
			_exit(2);
		p[0] = 1;
		p[n - 1] = 1;
		free(p);
	}
}

static void *worker(void *arg)
{
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&filtered);
	churn((unsigned)(uintptr_t)arg);
	pthread_barrier_wait(&done);
	/* A worker never ends (a thread's end makes calls the filter
	 * refuses, as in the resolver): the process ends with the first. */
	pthread_barrier_wait(&never);
	return NULL;
}

/* Runs body in a child with THREADS threads under the filter; its status. */
static int run_filtered(void (*body)(void))
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (pthread_barrier_init(&started, NULL, THREADS) != 0 ||
		    pthread_barrier_init(&filtered, NULL, THREADS) != 0 ||
		    pthread_barrier_init(&done, NULL, THREADS) != 0 ||
		    pthread_barrier_init(&never, NULL, THREADS + 1) != 0)
			_exit(3);
		for (int i = 1; i < THREADS; i++) {
			pthread_t t;
			if (pthread_create(&t, NULL, worker, (void *)(uintptr_t)i) != 0)
				_exit(3);
		}
		pthread_barrier_wait(&started);
		if (resolver_filter_apply() < 0)
			_exit(4);
		pthread_barrier_wait(&filtered);
		body();
		pthread_barrier_wait(&done);
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void churn_main(void)
{
	churn(0);
}

static void open_file(void)
{
	churn(0);
	open("/etc/hostname", O_RDONLY);
}

START_TEST(test_threads_allocate_side_by_side)
{
	for (int i = 0; i < 3; i++) {
		int status = run_filtered(churn_main);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "round %d: status %#x (signal %d)", i, status,
			      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
}
END_TEST

START_TEST(test_refused_call_kills)
{
	int status = run_filtered(open_file);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "status %#x", status);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("resolver_filter");
	TCase *tc = tcase_create("filter");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_threads_allocate_side_by_side);
	tcase_add_test(tc, test_refused_call_kills);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
