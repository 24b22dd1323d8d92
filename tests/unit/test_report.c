/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON report of a run (`runsc-c do --stats`): every field, what is
 * unknown as null, which limits were hit, and the file replaced whole. */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/report.h"

static json_object *parse(const struct sandbox_report *r)
{
	char *text = report_json(r);
	json_object *o = json_tokener_parse(text);
	free(text);
	ck_assert_ptr_nonnull(o);
	return o;
}

static json_object *get(json_object *o, const char *a, const char *b)
{
	json_object *v = NULL;
	ck_assert(json_object_object_get_ex(o, a, &v));
	if (b)
		ck_assert(json_object_object_get_ex(v, b, &v) || (v = NULL, 1));
	return v;
}

START_TEST(test_full)
{
	struct sandbox_report r = {
		.exit_status = 137,
		.term_signal = 9,
		.wall_us = 1234,
		.limits = {.memory_bytes = 64 << 20,
			   .pids = 100,
			   .cpu_quota_us = 50000,
			   .cpu_period_us = 100000},
		.have_cgroups = true,
		.stats = {.memory_peak_bytes = 70 << 20,
			  .memory_peak_known = true,
			  .cpu_user_us = 10,
			  .cpu_system_us = 20,
			  .cpu_known = true,
			  .pids_peak = 7,
			  .pids_peak_known = true,
			  .oom_kills = 1,
			  .pids_refused = 3,
			  .cpu_throttled = 2},
	};
	json_object *o = parse(&r);
	ck_assert_int_eq(json_object_get_int(get(o, "exit_status", NULL)), 137);
	ck_assert_int_eq(json_object_get_int(get(o, "signal", NULL)), 9);
	ck_assert_int_eq(json_object_get_int64(get(o, "wall_us", NULL)), 1234);
	ck_assert_int_eq(json_object_get_int64(get(o, "memory", "limit_bytes")), 64 << 20);
	ck_assert_int_eq(json_object_get_int64(get(o, "memory", "peak_bytes")), 70 << 20);
	ck_assert_int_eq(json_object_get_int64(get(o, "memory", "oom_kills")), 1);
	ck_assert_int_eq(json_object_get_int64(get(o, "cpu", "user_us")), 10);
	ck_assert_int_eq(json_object_get_int64(get(o, "cpu", "system_us")), 20);
	ck_assert(json_object_get_double(get(o, "cpu", "limit_cpus")) == 0.5);
	ck_assert_int_eq(json_object_get_int64(get(o, "pids", "peak")), 7);
	ck_assert_int_eq(json_object_get_int64(get(o, "pids", "refused_forks")), 3);
	json_object *hit = get(o, "limits_hit", NULL);
	ck_assert_int_eq((int)json_object_array_length(hit), 3);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(hit, 0)), "memory");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(hit, 1)), "pids");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(hit, 2)), "cpu");
	json_object_put(o);
}
END_TEST

/* No cgroups: usage is unknown (null), not 0; a timeout is still said. */
START_TEST(test_unknown)
{
	struct sandbox_report r = {.exit_status = 124, .timed_out = true};
	json_object *o = parse(&r);
	ck_assert_ptr_null(get(o, "signal", NULL));
	ck_assert_ptr_null(get(o, "memory", "peak_bytes"));
	ck_assert_ptr_null(get(o, "memory", "limit_bytes"));
	ck_assert_ptr_null(get(o, "cpu", "user_us"));
	ck_assert_ptr_null(get(o, "pids", "peak"));
	json_object *hit = get(o, "limits_hit", NULL);
	ck_assert_int_eq((int)json_object_array_length(hit), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(hit, 0)), "timeout");
	json_object_put(o);
}
END_TEST

START_TEST(test_write)
{
	char dir[] = "/tmp/runsc-report.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/stats.json", dir);
	struct sandbox_report r = {.exit_status = 3};
	struct rc_error err;
	ck_assert_int_eq(report_write_json(path, &r, &err), 0);
	json_object *o = json_object_from_file(path);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_object_get_int(get(o, "exit_status", NULL)), 3);
	json_object_put(o);
	/* Only the report is left in the directory (no temporary file). */
	char tmpl[80];
	snprintf(tmpl, sizeof(tmpl), "%s/stats.json.tmp-%d", dir, (int)getpid());
	ck_assert_int_ne(access(tmpl, F_OK), 0);
	unlink(path);
	/* A directory that does not exist: an error naming the flag. */
	snprintf(path, sizeof(path), "%s/none/stats.json", dir);
	ck_assert_int_eq(report_write_json(path, &r, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "--stats"));
	rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_write);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
