/* SPDX-License-Identifier: Apache-2.0 */
/* What one sandbox run used and how it ended, as JSON (`runsc-c do
 * --stats FILE`): what an agent platform bills and reports. */
#ifndef RUNSC_SANDBOX_REPORT_H
#define RUNSC_SANDBOX_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "sandbox/cgroup.h"

struct sandbox_report {
	int exit_status;  /* the status `runsc-c do` exits with */
	int term_signal;  /* the signal the command died of, or 0 */
	uint64_t wall_us; /* from start to the command's end */
	uint64_t timeout_ms;
	bool timed_out;
	struct cg_limits limits; /* what was enforced (0: none) */
	bool have_cgroups;	 /* stats below are from the sandbox's cgroups */
	struct cg_stats stats;
};

/* Which limits the run reached. */
bool report_memory_hit(const struct sandbox_report *r);
bool report_pids_hit(const struct sandbox_report *r);
bool report_cpu_hit(const struct sandbox_report *r);

/* Writes the report to path (replaced whole: a reader never sees half of
 * it). */
int report_write_json(const char *path, const struct sandbox_report *r, struct rc_error *err);
/* The JSON text, malloc'd. */
char *report_json(const struct sandbox_report *r);

#endif
