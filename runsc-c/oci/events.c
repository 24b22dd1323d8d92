/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c events [--stats] [--interval DURATION] ID: runc's events as JSON
 * lines. With --stats, one {"type": "stats", "id": ID, "data": {...}} of
 * what the container uses now and exit. Without, a stats event every
 * interval (5s by default; Go's duration syntax as runc: 500ms, 2s, 1m30s)
 * and an {"type": "oom"} event as soon as the kernel's OOM killer killed
 * in the container, until the container stops (runc keeps reporting
 * errors instead; ending lets a caller wait on it).
 *
 * data holds runc's cpu (usage total, kernel, user in ns; throttling),
 * memory (usage: usage, max, limit, failcnt in bytes) and pids (current,
 * limit; 0: none) from the sandbox's cgroups: memory and CPU of the whole
 * sandbox, the sentry and gofer included; tasks and limits the guest's. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runsc-c/oci/oci.h"

#define OOM_POLL_MS 100

/* Go's time.ParseDuration for the units runc's users write: a sequence of
 * NUMBER UNIT (ns, us, ms, s, m, h); ms, or -1. */
static long long duration_ms(const char *text)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
	double total = 0;
	const char *p = text;
	if (!*p)
		return -1;
	while (*p) {
		char *end;
		errno = 0;
		double v = (*p >= '0' && *p <= '9') || *p == '.' ? strtod(p, &end) : -1;
		if (v < 0 || errno || end == p)
			return -1;
		size_t best = 0, best_len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (strncmp(end, units[i].unit, n) == 0 && n > best_len)
				best = i, best_len = n;
		}
		if (!best_len)
			return -1;
		total += v * units[best].ms;
		p = end + best_len;
	}
	return total > 1e12 ? -1 : (long long)ceil(total);
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* runc's types.Stats of the container. */
static struct json_object *stats_json(const struct cg_usage *u)
{
	struct json_object *cpu = json_object_new_object(), *usage = json_object_new_object();
	json_object_object_add(usage, "total", u64(u->cpu_ns));
	json_object_object_add(usage, "kernel", u64(u->cpu_system_ns));
	json_object_object_add(usage, "user", u64(u->cpu_user_ns));
	json_object_object_add(cpu, "usage", usage);
	struct json_object *thr = json_object_new_object();
	json_object_object_add(thr, "throttledPeriods", u64(u->cpu_throttled));
	json_object_object_add(cpu, "throttling", thr);

	struct json_object *mem = json_object_new_object(), *mu = json_object_new_object();
	json_object_object_add(mu, "limit", u64(u->memory_limit_bytes));
	json_object_object_add(mu, "usage", u64(u->memory_bytes));
	json_object_object_add(mu, "max", u64(u->memory_peak_bytes));
	json_object_object_add(mu, "failcnt", u64(u->memory_limit_hits));
	json_object_object_add(mem, "usage", mu);

	struct json_object *pids = json_object_new_object();
	json_object_object_add(pids, "current", u64(u->pids));
	json_object_object_add(pids, "limit", u64(u->pids_limit == UINT64_MAX ? 0 : u->pids_limit));

	struct json_object *data = json_object_new_object();
	json_object_object_add(data, "cpu", cpu);
	json_object_object_add(data, "memory", mem);
	json_object_object_add(data, "pids", pids);
	return data;
}

static void emit(const char *type, const char *id, struct json_object *data)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(o, "data", data);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
}

/* The container's state, read afresh (its status changes meanwhile). */
static int load(const char *id, struct oci_state *st, enum oci_status *s)
{
	struct oci_dir d;
	if (oci_state_load(id, false, &d, st) < 0)
		return -1;
	oci_dir_close(&d);
	*s = oci_state_status(st);
	if (*s == OCI_STOPPED || !st->sandbox_id[0]) {
		oci_error("container with id %s is not running", id);
		oci_state_free(st);
		return -1;
	}
	return 0;
}

/* Whether container id still runs (or is paused). */
static bool alive(const char *id)
{
	struct oci_dir d;
	struct oci_state st;
	struct rc_error err;
	if (oci_dir_open(id, false, &d, &err) < 0 || oci_state_read(&d, &st, &err) < 0) {
		oci_dir_close(&d);
		return false;
	}
	oci_dir_close(&d);
	enum oci_status s = oci_state_status(&st);
	oci_state_free(&st);
	return s == OCI_RUNNING || s == OCI_PAUSED || s == OCI_CREATED;
}

static int stream(const char *id, const char *sid, const char *cgpath, long long interval_ms)
{
	struct cg_usage u;
	struct rc_error err;
	if (sandbox_usage(sid, cgpath, &u, &err) < 0) {
		oci_error("events: %s", err.msg);
		return OCI_EXIT_ERROR;
	}
	uint64_t ooms = u.oom_kills;
	long long since_ms = interval_ms;
	for (;;) {
		if (since_ms >= interval_ms) {
			emit("stats", id, stats_json(&u));
			since_ms = 0;
		}
		nanosleep(&(struct timespec){.tv_nsec = OOM_POLL_MS * 1000000L}, NULL);
		since_ms += OOM_POLL_MS;
		if (!alive(id) || sandbox_usage(sid, cgpath, &u, &err) < 0)
			return 0; /* the container ended */
		for (; ooms < u.oom_kills; ooms++)
			emit("oom", id, NULL);
	}
}

int oci_cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"stats", no_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	bool stats = false;
	long long interval_ms = 5000;
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 's') {
			stats = true;
		} else if (ch == 'i') {
			interval_ms = duration_ms(optarg);
			if (interval_ms <= 0) {
				oci_error("events: --interval: '%s': expected a duration such as "
					  "500ms or 5s",
					  optarg);
				return OCI_EXIT_ERROR;
			}
		} else {
			return oci_bad_flag(argv);
		}
	}
	const char *id = oci_id_arg(argc, argv, optind, 0);
	if (!id)
		return OCI_EXIT_ERROR;
	struct oci_state st;
	enum oci_status s;
	if (load(id, &st, &s) < 0)
		return OCI_EXIT_ERROR;
	char sid[sizeof(st.sandbox_id)], cgpath[sizeof(st.cgroup_path)];
	memcpy(sid, st.sandbox_id, sizeof(sid));
	memcpy(cgpath, st.cgroup_path, sizeof(cgpath));
	oci_state_free(&st);
	if (!stats)
		return stream(id, sid, cgpath[0] ? cgpath : NULL, interval_ms);
	struct cg_usage u;
	struct rc_error err;
	if (sandbox_usage(sid, cgpath[0] ? cgpath : NULL, &u, &err) < 0) {
		oci_error("events: %s", err.msg);
		return OCI_EXIT_ERROR;
	}
	emit("stats", id, stats_json(&u));
	return 0;
}
