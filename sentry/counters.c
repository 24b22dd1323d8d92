/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's work counters (sentry/counters.h). Off unless the sentry
 * logs its decisions: then each notification costs two reads of the vDSO
 * clock. */
#include "sentry/counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"

/* The table's numbers end below 1024 (the loader's reserved call included);
 * anything else is counted as "other". */
#define COUNTED_NRS 1024

struct call_count {
	uint64_t calls;
	uint64_t gofer;	  /* gofer requests made while answering */
	uint64_t busy_ns; /* time in the handler */
};

static struct call_count counts[COUNTED_NRS + 1];
static int current = -1; /* index in counts while a handler runs */
static uint64_t began_ns;
static uint64_t gofer_outside; /* requests outside any handler (exec stops, start) */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void counters_call_begin(int nr)
{
	if (!log_verbose)
		return;
	current = nr >= 0 && nr < COUNTED_NRS ? nr : COUNTED_NRS;
	counts[current].calls++;
	began_ns = now_ns();
}

void counters_call_end(void)
{
	if (!log_verbose || current < 0)
		return;
	counts[current].busy_ns += now_ns() - began_ns;
	current = -1;
}

void counters_gofer(uint32_t op)
{
	(void)op;
	if (!log_verbose)
		return;
	if (current >= 0)
		counts[current].gofer++;
	else
		gofer_outside++;
}

static int by_calls(const void *a, const void *b)
{
	const struct call_count *x = &counts[*(const int *)a], *y = &counts[*(const int *)b];
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return *(const int *)a - *(const int *)b;
}

void counters_log(const char *(*name_of)(int nr))
{
	if (!log_verbose)
		return;
	static int order[COUNTED_NRS + 1];
	size_t n = 0;
	uint64_t calls = 0, gofer = gofer_outside;
	for (int i = 0; i <= COUNTED_NRS; i++) {
		if (counts[i].calls) {
			order[n++] = i;
			calls += counts[i].calls;
			gofer += counts[i].gofer;
		}
	}
	qsort(order, n, sizeof(order[0]), by_calls);
	/* The sentry's CPU time: unlike wall times, it hardly moves with what
	 * else runs on the machine. */
	struct timespec cpu = {0, 0};
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	log_debug("counters: %llu notifications, %llu gofer requests (%llu outside a call), "
		  "%.1f ms of CPU time in the sentry",
		  (unsigned long long)calls, (unsigned long long)gofer,
		  (unsigned long long)gofer_outside,
		  (double)cpu.tv_sec * 1e3 + (double)cpu.tv_nsec / 1e6);
	for (size_t k = 0; k < n; k++) {
		int i = order[k];
		const char *name = i < COUNTED_NRS ? name_of(i) : NULL;
		const struct call_count *cc = &counts[i];
		log_debug("counters: %-18s %7llu calls %7llu gofer %8.2f us/call in the handler",
			  name ? name : "other", (unsigned long long)cc->calls,
			  (unsigned long long)cc->gofer,
			  (double)cc->busy_ns / 1000.0 / (double)cc->calls);
	}
}
