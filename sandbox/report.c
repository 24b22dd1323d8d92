/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON report of one run (sandbox/report.h), written with json-c. */
#include "sandbox/report.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

bool report_memory_hit(const struct sandbox_report *r)
{
	return r->limits.memory_bytes && (r->stats.oom_kills || r->stats.memory_limit_hits);
}

bool report_pids_hit(const struct sandbox_report *r)
{
	return r->limits.pids && r->stats.pids_refused;
}

bool report_cpu_hit(const struct sandbox_report *r)
{
	return r->limits.cpu_quota_us && r->stats.cpu_throttled;
}

static json_object *u64_or_null(bool known, uint64_t v)
{
	return known ? json_object_new_uint64(v) : NULL;
}

static json_object *memory_json(const struct sandbox_report *r)
{
	json_object *o = json_object_new_object();
	bool cg = r->have_cgroups;
	json_object_object_add(o, "limit_bytes",
			       u64_or_null(r->limits.memory_bytes != 0, r->limits.memory_bytes));
	json_object_object_add(
		o, "peak_bytes",
		u64_or_null(cg && r->stats.memory_peak_known, r->stats.memory_peak_bytes));
	json_object_object_add(o, "oom_kills", u64_or_null(cg, r->stats.oom_kills));
	return o;
}

static json_object *cpu_json(const struct sandbox_report *r)
{
	json_object *o = json_object_new_object();
	bool known = r->have_cgroups && r->stats.cpu_known;
	json_object_object_add(o, "user_us", u64_or_null(known, r->stats.cpu_user_us));
	json_object_object_add(o, "system_us", u64_or_null(known, r->stats.cpu_system_us));
	json_object_object_add(o, "limit_cpus",
			       r->limits.cpu_quota_us
				       ? json_object_new_double((double)r->limits.cpu_quota_us /
								(double)r->limits.cpu_period_us)
				       : NULL);
	json_object_object_add(o, "throttled_periods",
			       u64_or_null(r->have_cgroups, r->stats.cpu_throttled));
	return o;
}

static json_object *pids_json(const struct sandbox_report *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "limit", u64_or_null(r->limits.pids != 0, r->limits.pids));
	json_object_object_add(
		o, "peak",
		u64_or_null(r->have_cgroups && r->stats.pids_peak_known, r->stats.pids_peak));
	json_object_object_add(o, "refused_forks",
			       u64_or_null(r->have_cgroups, r->stats.pids_refused));
	return o;
}

char *report_json(const struct sandbox_report *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "exit_status", json_object_new_int(r->exit_status));
	json_object_object_add(o, "signal",
			       r->term_signal ? json_object_new_int(r->term_signal) : NULL);
	json_object_object_add(o, "wall_us", json_object_new_uint64(r->wall_us));
	json_object_object_add(o, "memory", memory_json(r));
	json_object_object_add(o, "cpu", cpu_json(r));
	json_object_object_add(o, "pids", pids_json(r));
	json_object *hit = json_object_new_array();
	if (report_memory_hit(r))
		json_object_array_add(hit, json_object_new_string("memory"));
	if (report_pids_hit(r))
		json_object_array_add(hit, json_object_new_string("pids"));
	if (report_cpu_hit(r))
		json_object_array_add(hit, json_object_new_string("cpu"));
	if (r->timed_out)
		json_object_array_add(hit, json_object_new_string("timeout"));
	json_object_object_add(o, "limits_hit", hit);
	char *text = xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

int report_write_json(const char *path, const struct sandbox_report *r, struct rc_error *err)
{
	_cleanup_free_ char *text = report_json(r);
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return rc_error_set(err, ENAMETOOLONG, "--stats %s: path too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return rc_error_set_errno(err, errno, "writing --stats %s", path);
	int r1 = write_all(fd, text, strlen(text));
	int r2 = r1 < 0 ? 0 : write_all(fd, "\n", 1);
	if (close(fd) < 0 && !r1 && !r2)
		r1 = -errno;
	if (r1 < 0 || r2 < 0 || rename(tmp, path) < 0) {
		int e = r1 < 0 ? -r1 : r2 < 0 ? -r2 : errno;
		unlink(tmp);
		return rc_error_set_errno(err, e, "writing --stats %s", path);
	}
	return 0;
}
