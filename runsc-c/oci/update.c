/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c update [FLAGS] ID: changes a running (or paused) container's
 * limits live, in its sandbox's cgroups (sandbox_update), with runc's
 * flags: --memory SIZE (k, m, g, t), --memory-reservation SIZE,
 * --memory-swap SIZE (memory+swap; -1 no bound), --pids-limit N,
 * --cpu-quota US with --cpu-period US (100000 when not given),
 * --cpu-share N, --cpu-rt-period US, --cpu-rt-runtime US, --cpuset-cpus
 * LIST, --cpuset-mems LIST, --blkio-weight N, or -r FILE ("-": stdin), a
 * LinuxResources object as in config.json's linux.resources, every field
 * of which counts (flags given as well win). --kernel-memory and
 * --kernel-memory-tcp are ignored with a warning, as runc ignores them.
 * runc's other flags name settings the sandbox does not apply: they fail,
 * naming the flag. A limit not given stays as it is. --memory and
 * --pids-limit are read by sandbox_limit_parse, as `runsc-c do --memory`
 * and --pids are (bytes, or k m g t as powers of 1024; a number of tasks):
 * runc's own syntax, with the same least values and messages; the CPU
 * and blkio flags as the same field of linux.resources is read. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

enum {
	OPT_MEMORY = 256,
	OPT_PIDS,
	OPT_QUOTA,
	OPT_PERIOD,
	OPT_RESERVATION,
	OPT_SWAP,
	OPT_KERNEL,
	OPT_SHARES,
	OPT_CPUS,
	OPT_MEMS,
	OPT_BLKIO,
	OPT_RT_PERIOD,
	OPT_RT_RUNTIME,
	OPT_UNSUPPORTED
};

static int bad_value(const char *flag, const char *value, const char *expected)
{
	oci_error("update: --%s: '%s': expected %s", flag, value, expected);
	return -1;
}

static int parse_u64(const char *flag, const char *text, uint64_t least, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
	if (!v || errno || *end || v < least) {
		char want[64];
		snprintf(want, sizeof(want), "a number of at least %llu",
			 (unsigned long long)least);
		return bad_value(flag, text, want);
	}
	*out = v;
	return 0;
}

/* --memory or --pids-limit: sandbox_limit_parse's limit name. */
static int parse_limit(const char *flag, const char *name, const char *text, struct cg_limits *l)
{
	struct rc_error err;
	uint64_t disk = 0;
	if (sandbox_limit_parse(name, text, l, &disk, &err) < 0) {
		oci_error("update: --%s: %s", flag, err.msg);
		return -1;
	}
	return 0;
}

/* --memory-reservation SIZE, --memory-swap SIZE or -1 (no bound): sizes
 * as --memory's. */
static int parse_size(const char *flag, const char *text, bool unbounded, uint64_t *out)
{
	struct rc_error err;
	if (unbounded && strcmp(text, "-1") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (limit_size_parse(text, 1, out, &err) < 0) {
		oci_error("update: --%s: %s", flag, err.msg);
		return -1;
	}
	return 0;
}

/* The CPU and block I/O settings given in from (not 0 or "") into to. */
static void settings_merge(const struct cg_limits *from, struct cg_limits *to)
{
	if (from->cpu_shares)
		to->cpu_shares = from->cpu_shares;
	if (from->cpu_rt_period_us)
		to->cpu_rt_period_us = from->cpu_rt_period_us;
	if (from->cpu_rt_runtime_set) {
		to->cpu_rt_runtime_set = true;
		to->cpu_rt_runtime_us = from->cpu_rt_runtime_us;
	}
	if (from->cpuset_cpus[0])
		memcpy(to->cpuset_cpus, from->cpuset_cpus, sizeof(to->cpuset_cpus));
	if (from->cpuset_mems[0])
		memcpy(to->cpuset_mems, from->cpuset_mems, sizeof(to->cpuset_mems));
	if (from->blkio_weight)
		to->blkio_weight = from->blkio_weight;
}

/* A flag's value as the same field of -r's LinuxResources would be
 * read (the same ranges and messages, naming the flag): the flag's text
 * as a number (a string for cpus and mems) into {"cpu"|"blockIO": {key:
 * value}}. */
static int parse_as_field(const char *flag, const char *part, const char *key, const char *text,
			  bool string, struct cg_limits *l)
{
	struct json_object *res = json_object_new_object(), *obj = json_object_new_object();
	json_object_object_add(res, part, obj);
	char *end = NULL;
	errno = 0;
	long long v = string ? 0 : strtoll(text, &end, 10);
	int r = 0;
	if (!string && (errno || end == text || *end))
		r = bad_value(flag, text, "a number");
	else
		json_object_object_add(
			obj, key, string ? json_object_new_string(text) : json_object_new_int64(v));
	struct cg_limits parsed = {0};
	struct cg_more more;
	struct rc_error err;
	if (r == 0 && oci_resources_more_parse(res, "resources", &parsed, &more, &err) < 0) {
		/* "resources.cpu.shares: WHY" as "--cpu-share: WHY". */
		const char *why = strstr(err.msg, ": ");
		oci_error("update: --%s: %s", flag, why ? why + 2 : err.msg);
		r = -1;
	}
	json_object_put(res);
	if (r < 0)
		return -1;
	settings_merge(&parsed, l);
	return 0;
}

/* -r FILE: a LinuxResources object. */
static int resources_file(const char *path, struct cg_limits *l, struct cg_more *more)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_file_at(AT_FDCWD, strcmp(path, "-") == 0 ? "/dev/stdin" : path, &text);
	if (n < 0) {
		oci_error("update: -r %s: %s", path, strerror((int)-n));
		return -1;
	}
	struct json_object *doc = NULL;
	struct rc_error err;
	int r = oci_json_parse(path, text, (size_t)n, &doc, &err);
	if (r == 0 && !json_object_is_type(doc, json_type_object))
		r = rc_error_set(&err, EINVAL, "%s: expected a JSON object", path);
	if (r == 0 && (r = oci_resources_parse(doc, "resources", l, more, &err)) < 0)
		rc_error_context(&err, "%s", path);
	json_object_put(doc);
	if (r < 0)
		oci_error("update: %s", err.msg);
	return r < 0 ? -1 : 0;
}

/* The flags into l; the id's index in argv, or -1 after the error. */
static int update_parse(int argc, char **argv, struct cg_limits *l, struct cg_more *more)
{
	static const struct option longopts[] = {
		{"resources", required_argument, NULL, 'r'},
		{"memory", required_argument, NULL, OPT_MEMORY},
		{"pids-limit", required_argument, NULL, OPT_PIDS},
		{"cpu-quota", required_argument, NULL, OPT_QUOTA},
		{"cpu-period", required_argument, NULL, OPT_PERIOD},
		{"blkio-weight", required_argument, NULL, OPT_BLKIO},
		{"cpu-share", required_argument, NULL, OPT_SHARES},
		{"cpu-shares", required_argument, NULL, OPT_SHARES},
		{"cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD},
		{"cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME},
		{"cpu-idle", required_argument, NULL, OPT_UNSUPPORTED},
		{"cpuset-cpus", required_argument, NULL, OPT_CPUS},
		{"cpuset-mems", required_argument, NULL, OPT_MEMS},
		{"kernel-memory", required_argument, NULL, OPT_KERNEL},
		{"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL},
		{"memory-reservation", required_argument, NULL, OPT_RESERVATION},
		{"memory-swap", required_argument, NULL, OPT_SWAP},
		{"l3-cache-schema", required_argument, NULL, OPT_UNSUPPORTED},
		{"mem-bw-schema", required_argument, NULL, OPT_UNSUPPORTED},
		{NULL, 0, NULL, 0},
	};
	struct cg_limits flags = {0};
	const char *resources = NULL;
	opterr = 0;
	optind = 0;
	int ch, idx = 0, r = 0;
	while (r == 0 && (ch = getopt_long_only(argc, argv, "+r:", longopts, &idx)) != -1) {
		switch (ch) {
		case 'r':
			resources = optarg;
			break;
		case OPT_MEMORY:
			r = parse_limit("memory", "memory", optarg, &flags);
			break;
		case OPT_PIDS:
			r = parse_limit("pids-limit", "pids", optarg, &flags);
			break;
		case OPT_QUOTA:
			r = parse_u64("cpu-quota", optarg, 1000, &flags.cpu_quota_us);
			break;
		case OPT_PERIOD:
			r = parse_u64("cpu-period", optarg, 1000, &flags.cpu_period_us);
			break;
		case OPT_RESERVATION:
			r = parse_size("memory-reservation", optarg, false,
				       &flags.memory_reservation);
			break;
		case OPT_SWAP:
			r = parse_size("memory-swap", optarg, true, &flags.memory_swap);
			break;
		case OPT_SHARES:
			r = parse_as_field(longopts[idx].name, "cpu", "shares", optarg, false,
					   &flags);
			break;
		case OPT_RT_PERIOD:
			r = parse_as_field("cpu-rt-period", "cpu", "realtimePeriod", optarg, false,
					   &flags);
			break;
		case OPT_RT_RUNTIME:
			r = parse_as_field("cpu-rt-runtime", "cpu", "realtimeRuntime", optarg,
					   false, &flags);
			break;
		case OPT_CPUS:
			r = parse_as_field("cpuset-cpus", "cpu", "cpus", optarg, true, &flags);
			break;
		case OPT_MEMS:
			r = parse_as_field("cpuset-mems", "cpu", "mems", optarg, true, &flags);
			break;
		case OPT_BLKIO:
			r = parse_as_field("blkio-weight", "blockIO", "weight", optarg, false,
					   &flags);
			break;
		case OPT_KERNEL:
			oci_warn("update: --%s: kernel memory limits are deprecated and ignored",
				 longopts[idx].name);
			break;
		case OPT_UNSUPPORTED:
			oci_error("update: --%s: the sandbox does not enforce this limit",
				  longopts[idx].name);
			return -1;
		default:
			oci_bad_flag(argv);
			return -1;
		}
	}
	if (r < 0 || (resources && resources_file(resources, l, more) < 0))
		return -1;
	settings_merge(&flags, l);
	if (flags.memory_bytes)
		l->memory_bytes = flags.memory_bytes;
	if (flags.pids)
		l->pids = flags.pids;
	if (flags.memory_reservation)
		l->memory_reservation = flags.memory_reservation;
	if (flags.memory_swap)
		l->memory_swap = flags.memory_swap;
	if (flags.cpu_period_us && !flags.cpu_quota_us && !l->cpu_quota_us) {
		oci_error("update: --cpu-period: needs --cpu-quota");
		return -1;
	}
	if (flags.cpu_quota_us)
		l->cpu_quota_us = flags.cpu_quota_us;
	if (flags.cpu_period_us)
		l->cpu_period_us = flags.cpu_period_us;
	if (l->cpu_quota_us && !l->cpu_period_us)
		l->cpu_period_us = SANDBOX_CPU_PERIOD_US;
	return optind;
}

int oci_cmd_update(int argc, char **argv)
{
	struct cg_limits l = {0};
	static struct cg_more more;
	int first = update_parse(argc, argv, &l, &more);
	if (first < 0)
		return OCI_EXIT_ERROR;
	const char *id = oci_id_arg(argc, argv, first, 0);
	if (!id)
		return OCI_EXIT_ERROR;
	struct oci_dir d;
	struct oci_state st;
	if (oci_state_load(id, true, &d, &st) < 0)
		return OCI_EXIT_ERROR;
	struct rc_error err;
	enum oci_status s = oci_state_status(&st);
	int r = 0;
	if (s != OCI_RUNNING && s != OCI_PAUSED && s != OCI_CREATED)
		r = rc_error_set(&err, EINVAL, "container not running");
	else if (!st.sandbox_id[0])
		r = rc_error_set(&err, ENOENT, "container '%s' has no sandbox cgroups", id);
	else
		r = sandbox_update(st.sandbox_id, oci_cgroup_path(&st), &l, &err);
	if (r < 0)
		oci_error("update: %s", err.msg);
	oci_state_free(&st);
	oci_dir_close(&d);
	return r < 0 ? OCI_EXIT_ERROR : 0;
}
