/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's linux.resources (also `runsc-c update --resources`'s
 * LinuxResources) and linux.cgroupsPath: the sandbox's limits and where
 * its cgroups are. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* One integer of linux.resources: *out, or -1 when absent or null. */
static int resource_int(struct json_object *obj, const char *key, const char *field, int64_t *out,
			struct rc_error *err)
{
	struct json_object *v;
	*out = -1;
	int r = oci_member(obj, key, json_type_int, field, false, &v, err);
	if (r == 0 && v)
		*out = json_object_get_int64(v);
	return r;
}

/* One part of resources (memory, pids, cpu), or NULL. */
static int resource_part(struct json_object *res, const char *prefix, const char *key,
			 struct json_object **out, struct rc_error *err)
{
	char field[96];
	*out = NULL;
	snprintf(field, sizeof(field), "%s.%s", prefix, key);
	return res ? oci_member(res, key, json_type_object, field, false, out, err) : 0;
}

/* One limit of resources: field is prefix.part.key. */
static int resource_limit(struct json_object *res, const char *prefix, const char *part,
			  const char *key, int64_t *out, struct rc_error *err)
{
	struct json_object *obj;
	char field[128];
	*out = -1;
	int r = resource_part(res, prefix, part, &obj, err);
	snprintf(field, sizeof(field), "%s.%s.%s", prefix, part, key);
	return r < 0 || !obj ? r : resource_int(obj, key, field, out, err);
}

/* memory's fields beside limit: reservation (a soft limit), swap
 * (memory+swap; -1 no bound), swappiness (0..100; -1 none, as runc
 * reads it), disableOOMKiller; kernel and kernelTCP are deprecated and
 * ignored with a warning, as runc ignores them. 0 and -1 mean not given. */
/* field = prefix.memory.key, for an error or a warning. */
static const char *memory_field(char *field, size_t size, const char *prefix, const char *key)
{
	snprintf(field, size, "%s.memory.%s", prefix, key);
	return field;
}

static int memory_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
			struct rc_error *err)
{
	struct json_object *mem, *v;
	char field[128];
	int64_t reservation, swap, swappiness;
	int r = resource_part(res, prefix, "memory", &mem, err);
	if (r < 0 || !mem)
		return r;
	if ((r = resource_int(mem, "reservation",
			      memory_field(field, sizeof(field), prefix, "reservation"),
			      &reservation, err)) < 0)
		return r;
	if (reservation < -1)
		return oci_bad(err, field, "expected a number of bytes, or -1");
	l->memory_reservation = reservation > 0 ? (uint64_t)reservation : 0;
	if ((r = resource_int(mem, "swap", memory_field(field, sizeof(field), prefix, "swap"),
			      &swap, err)) < 0)
		return r;
	if (swap < -1)
		return oci_bad(err, field, "expected a number of bytes (memory+swap), or -1");
	l->memory_swap = swap == -1 && json_object_object_get_ex(mem, "swap", &v) && v ? UINT64_MAX
			 : swap > 0 ? (uint64_t)swap
				    : 0;
	if (l->memory_swap && l->memory_swap != UINT64_MAX && l->memory_bytes &&
	    l->memory_swap < l->memory_bytes)
		return oci_bad(err, field,
			       "%lld is below memory.limit (%llu): swap is memory+swap, at least "
			       "the memory limit",
			       (long long)swap, (unsigned long long)l->memory_bytes);
	if ((r = resource_int(mem, "swappiness",
			      memory_field(field, sizeof(field), prefix, "swappiness"), &swappiness,
			      err)) < 0)
		return r;
	if (swappiness < -1 || swappiness > 100)
		return oci_bad(err, field, "%lld: expected 0 to 100", (long long)swappiness);
	l->swappiness_set = swappiness >= 0;
	l->swappiness = swappiness >= 0 ? (uint8_t)swappiness : 0;
	if ((r = oci_member(mem, "disableOOMKiller", json_type_boolean,
			    memory_field(field, sizeof(field), prefix, "disableOOMKiller"), false,
			    &v, err)) < 0)
		return r;
	l->oom_kill_disable = v && json_object_get_boolean(v);
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "kernelTCP" : "kernel";
		if (json_object_object_get_ex(mem, key, &v) && v)
			oci_warn("%s: kernel memory limits are deprecated and ignored",
				 memory_field(field, sizeof(field), prefix, key));
	}
	return 0;
}

/* PREFIX.PART.limit as a bound (none when not above 0), refused below what
 * a sandbox needs to start. */
static int limit_at_least(const char *prefix, const char *part, int64_t value,
			  unsigned long long min, uint64_t *out, struct rc_error *err)
{
	char field[128];
	snprintf(field, sizeof(field), "%s.%s.limit", prefix, part);
	if (value > 0 && (uint64_t)value < min)
		return oci_bad(err, field,
			       "%lld is below what a sandbox needs to start: at least %llu",
			       (long long)value, min);
	*out = value > 0 ? (uint64_t)value : 0;
	return 0;
}

int oci_resources_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
			struct cg_more *more, struct rc_error *err)
{
	int64_t mem_limit, pids_limit, quota, period;
	char field[128];
	int r = resource_limit(res, prefix, "memory", "limit", &mem_limit, err);
	if (r == 0)
		r = resource_limit(res, prefix, "pids", "limit", &pids_limit, err);
	if (r == 0)
		r = resource_limit(res, prefix, "cpu", "quota", &quota, err);
	if (r == 0)
		r = resource_limit(res, prefix, "cpu", "period", &period, err);
	if (r < 0)
		return r;
	*l = (struct cg_limits){0};
	if ((r = limit_at_least(prefix, "memory", mem_limit, LIMIT_MEMORY_MIN, &l->memory_bytes,
				err)) < 0 ||
	    (r = memory_parse(res, prefix, l, err)) < 0 ||
	    (r = limit_at_least(prefix, "pids", pids_limit, LIMIT_PIDS_MIN, &l->pids, err)) < 0)
		return r;
	snprintf(field, sizeof(field), "%s.cpu.period", prefix);
	if (period == 0 || period > 1000000 || (period > 0 && period < 1000))
		return oci_bad(err, field, "expected 1000 to 1000000 (us)");
	if (quota > 0) {
		l->cpu_period_us = period > 0 ? (uint64_t)period : SANDBOX_CPU_PERIOD_US;
		l->cpu_quota_us = (uint64_t)quota;
		snprintf(field, sizeof(field), "%s.cpu.quota", prefix);
		if (l->cpu_quota_us * 1000 < l->cpu_period_us * LIMIT_CPU_MILLI_MIN)
			return oci_bad(err, field, "%lld is below 0.01 CPU of its period",
				       (long long)quota);
	}
	return oci_resources_more_parse(res, prefix, l, more, err);
}

/* linux.resources: what a container runtime honours of it. A limit given
 * here is required: where cgroups cannot enforce it, create fails. */
int oci_config_resources(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *linux_, *res = NULL;
	struct cg_limits given;
	int r = oci_member(doc, "linux", json_type_object, "linux", false, &linux_, err);
	if (r == 0 && linux_)
		r = oci_member(linux_, "resources", json_type_object, "linux.resources", false,
			       &res, err);
	if (r == 0)
		r = oci_resources_parse(res, "linux.resources", &given, &c->more, err);
	if (r < 0)
		return r;
	oci_policy_resources(c, &given);
	sandbox_limits_default(&c->limits);
	if (given.memory_bytes)
		c->limits.memory_bytes = given.memory_bytes;
	if (given.pids)
		c->limits.pids = given.pids;
	if (given.cpu_quota_us) {
		c->limits.cpu_quota_us = given.cpu_quota_us;
		c->limits.cpu_period_us = given.cpu_period_us;
	}
	c->limits.memory_reservation = given.memory_reservation;
	c->limits.memory_swap = given.memory_swap;
	c->limits.swappiness_set = given.swappiness_set;
	c->limits.swappiness = given.swappiness;
	c->limits.oom_kill_disable = given.oom_kill_disable;
	c->limits.cpu_shares = given.cpu_shares;
	c->limits.cpu_rt_period_us = given.cpu_rt_period_us;
	c->limits.cpu_rt_runtime_set = given.cpu_rt_runtime_set;
	c->limits.cpu_rt_runtime_us = given.cpu_rt_runtime_us;
	memcpy(c->limits.cpuset_cpus, given.cpuset_cpus, sizeof(given.cpuset_cpus));
	memcpy(c->limits.cpuset_mems, given.cpuset_mems, sizeof(given.cpuset_mems));
	c->limits.blkio_weight = given.blkio_weight;
	c->limits.more = given.more;
	if (given.memory_swap && given.memory_swap != UINT64_MAX && c->limits.memory_bytes &&
	    given.memory_swap < c->limits.memory_bytes)
		return oci_bad(err, "linux.resources.memory.swap",
			       "%llu is below the sandbox's default memory limit (%llu): swap is "
			       "memory+swap, give memory.limit as well",
			       (unsigned long long)given.memory_swap,
			       (unsigned long long)c->limits.memory_bytes);
	c->limits_given = given.memory_bytes || given.pids || given.cpu_quota_us ||
			  cg_memory_given(&given) || oci_resources_more_given(&given);
	/* runsc-c update may give a running container a CPU quota, share or
	 * cpuset, or a block I/O weight. */
	c->limits.cpu_updatable = true;
	return 0;
}

/* systemd's slice name (a-b.slice) as the cgroup path systemd gives it
 * (/a.slice/a-b.slice) into out at *n; "-.slice" is the root. */
static int slice_expand(const char *slice, char *out, size_t size, size_t *n)
{
	size_t len = strlen(slice), suffix = strlen(".slice");
	if (strcmp(slice, "-.slice") == 0)
		return 0;
	if (len <= suffix || strcmp(slice + len - suffix, ".slice") != 0 || strchr(slice, '/') ||
	    slice[0] == '-' || strstr(slice, "--") || slice[len - suffix - 1] == '-')
		return -EINVAL;
	/* Each '-' ends an ancestor: a-b-c.slice is in a-b.slice in a.slice. */
	for (size_t i = 0; i < len - suffix; i++) {
		if (slice[i] != '-')
			continue;
		int w = snprintf(out + *n, size - *n, "/%.*s.slice", (int)i, slice);
		if (w < 0 || (size_t)w >= size - *n)
			return -EINVAL;
		*n += (size_t)w;
	}
	int w = snprintf(out + *n, size - *n, "/%s", slice);
	if (w < 0 || (size_t)w >= size - *n)
		return -EINVAL;
	*n += (size_t)w;
	return 0;
}

/* With --systemd-cgroup, linux.cgroupsPath is systemd's "slice:prefix:name"
 * (what containerd's SystemdCgroup and the kubelet's systemd driver
 * give). runsc-c makes no systemd unit: the cgroup goes where systemd
 * would put that unit, SLICE's path then PREFIX-NAME.scope, through
 * cgroupfs as any other path. */
static int systemd_path(const char *spec, char *out, size_t size, struct rc_error *err)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return oci_bad(err, "linux.cgroupsPath",
			       "'%s': with --systemd-cgroup, expected systemd's slice:prefix:name",
			       spec);
	char slice[256];
	if (c1 - spec >= (ptrdiff_t)sizeof(slice))
		return oci_bad(err, "linux.cgroupsPath", "'%s': slice name too long", spec);
	snprintf(slice, sizeof(slice), "%.*s", (int)(c1 - spec), spec);
	size_t n = 0;
	out[0] = '\0';
	if (slice_expand(slice[0] ? slice : "system.slice", out, size, &n) < 0)
		return oci_bad(err, "linux.cgroupsPath", "'%s': '%s' is not a systemd slice name",
			       spec, slice);
	const char *name = c2 + 1;
	int prefix_len = (int)(c2 - c1 - 1);
	size_t len = strlen(name);
	int w;
	if (len > 6 && strcmp(name + len - 6, ".slice") == 0)
		w = snprintf(out + n, size - n, "/%s", name);
	else if (prefix_len > 0)
		w = snprintf(out + n, size - n, "/%.*s-%s.scope", prefix_len, c1 + 1, name);
	else
		w = snprintf(out + n, size - n, "/%s.scope", name);
	if (!name[0] || w < 0 || (size_t)w >= size - n)
		return oci_bad(err, "linux.cgroupsPath",
			       "'%s': expected systemd's slice:prefix:name", spec);
	return 0;
}

/* linux.cgroupsPath: where the sandbox's cgroups go in every hierarchy
 * instead of runsc-c/<sandbox id>, as runc's and crun's cgroupfs drivers
 * place a container's (a relative path from each hierarchy's root, as
 * crun does); refused when it leads out of the hierarchy or cannot name
 * a cgroup (cg_path_normal). */
int oci_cgroups_path_parse(struct oci_config *c, struct json_object *linux_, struct rc_error *err)
{
	struct json_object *v;
	int r = oci_member(linux_, "cgroupsPath", json_type_string, "linux.cgroupsPath", false, &v,
			   err);
	if (r < 0 || !v || !json_object_get_string_len(v))
		return r;
	const char *given = json_object_get_string(v);
	if (strlen(given) != (size_t)json_object_get_string_len(v))
		return oci_bad(err, "linux.cgroupsPath", "must not hold a NUL byte");
	char systemd[CG_PATH_MAX + 64];
	const char *path = given;
	if (oci_globals.systemd_cgroup && given[0] != '/') {
		r = systemd_path(given, systemd, sizeof(systemd), err);
		if (r < 0)
			return r;
		path = systemd;
	}
	const char *why = NULL;
	if (cg_path_normal(path, c->cgroup_path, sizeof(c->cgroup_path), &why) < 0)
		return oci_bad(err, "linux.cgroupsPath", "'%s': %s", given, why);
	return 0;
}
