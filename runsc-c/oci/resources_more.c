/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources beyond memory, pids and the CPU quota (resources.c):
 * cpu's shares, real-time budget and cpuset, blockIO, hugepageLimits,
 * network, unified and devices, checked as crun and the runtime spec
 * take them; a bad value is an error naming its field
 * (linux.resources.cpu.shares: ...). devices is checked and otherwise
 * moot: the sandbox's /dev is its own (gofer/view_dev.c), holding no
 * host device but the harmless ones, and the gofer makes no device
 * nodes, so no guest process can reach a device the list would deny
 * (gVisor's runsc ignores the list for the same reason). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* An optional integer member from lo to hi: *set says whether given. */
static int int_in(struct json_object *obj, const char *key, const char *field, int64_t lo,
		  int64_t hi, bool *set, int64_t *out, struct rc_error *err)
{
	struct json_object *v;
	*set = false;
	*out = 0;
	int r = oci_member(obj, key, json_type_int, field, false, &v, err);
	if (r < 0 || !v)
		return r;
	errno = 0;
	int64_t n = json_object_get_int64(v);
	if (errno || n < lo || n > hi)
		return oci_bad(err, field, "%lld: expected %lld to %lld", (long long)n,
			       (long long)lo, (long long)hi);
	*set = true;
	*out = n;
	return 0;
}

/* A required integer member from lo to hi. */
static int int_required(struct json_object *obj, const char *key, const char *field, int64_t lo,
			int64_t hi, int64_t *out, struct rc_error *err)
{
	bool set;
	int r = int_in(obj, key, field, lo, hi, &set, out, err);
	return r < 0 ? r : set ? 0 : oci_bad(err, field, "missing");
}

#define FIELD(buf, ...) (snprintf(buf, sizeof(buf), __VA_ARGS__), buf)

static int cpuset_list(struct json_object *cpu, const char *prefix, const char *key, bool mems,
		       char *out, size_t size, struct rc_error *err)
{
	struct json_object *v;
	char field[128];
	FIELD(field, "%s.cpu.%s", prefix, key);
	int r = oci_member(cpu, key, json_type_string, field, false, &v, err);
	if (r < 0 || !v || !json_object_get_string_len(v))
		return r;
	const char *text = json_object_get_string(v);
	struct rc_error why;
	if ((size_t)json_object_get_string_len(v) >= size)
		return oci_bad(err, field, "longer than %zu bytes", size - 1);
	if (limit_cpuset_parse(text, mems, &why) < 0)
		return oci_bad(err, field, "%s", why.msg);
	snprintf(out, size, "%s", text);
	return 0;
}

/* cpu: shares (2 to 262144 as v1's cpu.shares takes them; 0 none),
 * realtimePeriod and realtimeRuntime (0 none, as crun reads them), cpus,
 * mems; idle (cgroup v2's cpu.idle, 0 or 1) only as 0, what the sandbox
 * gives: a group of SCHED_IDLE it does not make, and a limit it does not
 * enforce is refused, never dropped. */
static int cpu_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
		     struct rc_error *err)
{
	struct json_object *cpu;
	char field[128];
	bool set;
	int64_t v;
	int r = res ? oci_member(res, "cpu", json_type_object, FIELD(field, "%s.cpu", prefix),
				 false, &cpu, err)
		    : 0;
	if (r < 0 || !res || !cpu)
		return r;
	if ((r = int_in(cpu, "shares", FIELD(field, "%s.cpu.shares", prefix), 0, 262144, &set, &v,
			err)) < 0)
		return r;
	if (v == 1)
		return oci_bad(err, field, "1: expected 2 to 262144 (or 0: none)");
	l->cpu_shares = (uint64_t)v;
	if ((r = int_in(cpu, "realtimePeriod", FIELD(field, "%s.cpu.realtimePeriod", prefix), 0,
			1000000, &set, &v, err)) < 0)
		return r;
	l->cpu_rt_period_us = (uint64_t)v;
	if ((r = int_in(cpu, "realtimeRuntime", FIELD(field, "%s.cpu.realtimeRuntime", prefix), -1,
			1000000, &set, &v, err)) < 0)
		return r;
	l->cpu_rt_runtime_set = v != 0;
	l->cpu_rt_runtime_us = v;
	if ((r = int_in(cpu, "idle", FIELD(field, "%s.cpu.idle", prefix), 0, 1, &set, &v, err)) < 0)
		return r;
	if (v)
		return oci_bad(err, field, "1: the sandbox does not enforce this limit");
	if ((r = cpuset_list(cpu, prefix, "cpus", false, l->cpuset_cpus, sizeof(l->cpuset_cpus),
			     err)) < 0)
		return r;
	return cpuset_list(cpu, prefix, "mems", true, l->cpuset_mems, sizeof(l->cpuset_mems), err);
}

/* One of blockIO's device lists: each {major, minor} and its value. */
static int blkio_devices(struct json_object *bio, const char *prefix, const char *key,
			 enum cg_blkio_kind kind, struct cg_more *x, struct rc_error *err)
{
	struct json_object *list;
	char field[160];
	int r = oci_member(bio, key, json_type_array, FIELD(field, "%s.blockIO.%s", prefix, key),
			   false, &list, err);
	if (r < 0 || !list)
		return r;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		char at[128];
		FIELD(at, "%s.blockIO.%s[%zu]", prefix, key, i);
		if (!json_object_is_type(d, json_type_object))
			return oci_bad(err, at, "expected an object");
		if (x->nblkio == CG_BLKIO_MAX)
			return oci_bad(err, at, "more than %d devices in blockIO", CG_BLKIO_MAX);
		struct cg_blkio_device *dev = &x->blkio[x->nblkio];
		int64_t major, minor, value = 0, leaf = 0;
		bool set, leaf_set = false;
		*dev = (struct cg_blkio_device){.kind = kind};
		if ((r = int_required(d, "major", FIELD(field, "%s.major", at), 0, UINT32_MAX,
				      &major, err)) < 0 ||
		    (r = int_required(d, "minor", FIELD(field, "%s.minor", at), 0, UINT32_MAX,
				      &minor, err)) < 0)
			return r;
		if (kind == CG_BLKIO_WEIGHT) {
			if ((r = int_in(d, "weight", FIELD(field, "%s.weight", at), 10, 1000, &set,
					&value, err)) < 0 ||
			    (r = int_in(d, "leafWeight", FIELD(field, "%s.leafWeight", at), 10,
					1000, &leaf_set, &leaf, err)) < 0)
				return r;
			if (!set && !leaf_set)
				return oci_bad(err, at, "expected weight or leafWeight");
		} else if ((r = int_required(d, "rate", FIELD(field, "%s.rate", at), 0, INT64_MAX,
					     &value, err)) < 0) {
			return r;
		}
		dev->major = (uint64_t)major;
		dev->minor = (uint64_t)minor;
		dev->value = (uint64_t)value;
		dev->leaf_weight = (uint16_t)leaf;
		x->nblkio++;
	}
	return 0;
}

static int blkio_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
		       struct cg_more *x, struct rc_error *err)
{
	static const struct {
		const char *key;
		enum cg_blkio_kind kind;
	} lists[] = {
		{"weightDevice", CG_BLKIO_WEIGHT},
		{"throttleReadBpsDevice", CG_BLKIO_READ_BPS},
		{"throttleWriteBpsDevice", CG_BLKIO_WRITE_BPS},
		{"throttleReadIOPSDevice", CG_BLKIO_READ_IOPS},
		{"throttleWriteIOPSDevice", CG_BLKIO_WRITE_IOPS},
	};
	struct json_object *bio;
	char field[128];
	bool set;
	int64_t v;
	int r = oci_member(res, "blockIO", json_type_object, FIELD(field, "%s.blockIO", prefix),
			   false, &bio, err);
	if (r < 0 || !bio)
		return r;
	/* 0 is none, as runc and crun read it. */
	if ((r = int_in(bio, "weight", FIELD(field, "%s.blockIO.weight", prefix), 0, 1000, &set, &v,
			err)) < 0)
		return r;
	if (v && v < 10)
		return oci_bad(err, field, "%lld: expected 10 to 1000 (or 0: none)", (long long)v);
	l->blkio_weight = (uint16_t)v;
	if ((r = int_in(bio, "leafWeight", FIELD(field, "%s.blockIO.leafWeight", prefix), 0, 1000,
			&set, &v, err)) < 0)
		return r;
	if (v && v < 10)
		return oci_bad(err, field, "%lld: expected 10 to 1000 (or 0: none)", (long long)v);
	x->blkio_leaf_weight = (uint16_t)v;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if ((r = blkio_devices(bio, prefix, lists[i].key, lists[i].kind, x, err)) < 0)
			return r;
	return 0;
}

/* A hugepage size as hugetlb's files name it: digits, then KB, MB or GB. */
static bool page_size_valid(const char *s, size_t len)
{
	size_t digits = strspn(s, "0123456789");
	return strlen(s) == len && digits > 0 && digits < 10 && s[0] != '0' &&
	       (strcmp(s + digits, "KB") == 0 || strcmp(s + digits, "MB") == 0 ||
		strcmp(s + digits, "GB") == 0);
}

/* A network interface's name as the kernel takes one. */
static bool iface_valid(const char *s, size_t len)
{
	return len > 0 && len < 16 && strlen(s) == len && !strpbrk(s, "/ \t\n:") &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* A list of objects holding one string and one number each, as
 * hugepageLimits ({pageSize, limit}) and network.priorities ({name,
 * priority}) hold them. */
struct pair_shape {
	const char *text_key, *number_key;
	bool (*text_valid)(const char *s, size_t len);
	const char *text_expected; /* what the message says after 'TEXT': */
	int64_t number_max;	   /* the number in 0..number_max */
	size_t max;		   /* entries */
	const char *max_what;	   /* "page sizes" */
	/* Keeps entry i in x. */
	void (*store)(struct cg_more *x, size_t i, const char *text, int64_t number);
};

static int pairs_parse(struct json_object *list, const char *list_field,
		       const struct pair_shape *shape, struct cg_more *x, struct rc_error *err)
{
	char field[192];
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(list, i), *text;
		char at[176];
		int64_t v;
		int r;
		FIELD(at, "%s[%zu]", list_field, i);
		if (!json_object_is_type(o, json_type_object))
			return oci_bad(err, at, "expected an object");
		if (i == shape->max)
			return oci_bad(err, at, "more than %zu %s", shape->max, shape->max_what);
		if ((r = oci_member(o, shape->text_key, json_type_string,
				    FIELD(field, "%s.%s", at, shape->text_key), true, &text, err)) <
		    0)
			return r;
		const char *t = json_object_get_string(text);
		if (!shape->text_valid(t, (size_t)json_object_get_string_len(text)))
			return oci_bad(err, field, "'%s': %s", t, shape->text_expected);
		if ((r = int_required(o, shape->number_key,
				      FIELD(field, "%s.%s", at, shape->number_key), 0,
				      shape->number_max, &v, err)) < 0)
			return r;
		shape->store(x, i, t, v);
	}
	return 0;
}

static void hugetlb_store(struct cg_more *x, size_t i, const char *page_size, int64_t limit)
{
	snprintf(x->hugetlb[i].page_size, sizeof(x->hugetlb[i].page_size), "%s", page_size);
	x->hugetlb[i].limit = (uint64_t)limit;
	x->nhugetlb = i + 1;
}

static void net_prio_store(struct cg_more *x, size_t i, const char *iface, int64_t priority)
{
	snprintf(x->net_prio[i].iface, sizeof(x->net_prio[i].iface), "%s", iface);
	x->net_prio[i].priority = (uint32_t)priority;
	x->nnet_prio = i + 1;
}

enum { PAIRS_HUGETLB, PAIRS_NET_PRIO };
static const struct pair_shape pair_shapes[] = {
	[PAIRS_HUGETLB] = {"pageSize", "limit", page_size_valid,
			   "expected a size such as 2MB or 1GB", INT64_MAX, CG_HUGETLB_MAX,
			   "page sizes", hugetlb_store},
	[PAIRS_NET_PRIO] = {"name", "priority", iface_valid, "not a network interface name",
			    UINT32_MAX, CG_NET_PRIO_MAX, "interfaces", net_prio_store},
};

static int hugetlb_parse(struct json_object *res, const char *prefix, struct cg_more *x,
			 struct rc_error *err)
{
	struct json_object *list;
	char field[160];
	int r = oci_member(res, "hugepageLimits", json_type_array,
			   FIELD(field, "%s.hugepageLimits", prefix), false, &list, err);
	if (r < 0 || !list)
		return r;
	return pairs_parse(list, field, &pair_shapes[PAIRS_HUGETLB], x, err);
}

static int network_parse(struct json_object *res, const char *prefix, struct cg_more *x,
			 struct rc_error *err)
{
	struct json_object *net, *list;
	char field[160];
	int64_t v;
	int r = oci_member(res, "network", json_type_object, FIELD(field, "%s.network", prefix),
			   false, &net, err);
	if (r < 0 || !net)
		return r;
	if ((r = int_in(net, "classID", FIELD(field, "%s.network.classID", prefix), 0, UINT32_MAX,
			&x->net_classid_set, &v, err)) < 0)
		return r;
	x->net_classid_set = v != 0; /* 0 none, as crun reads it */
	x->net_classid = (uint32_t)v;
	if ((r = oci_member(net, "priorities", json_type_array,
			    FIELD(field, "%s.network.priorities", prefix), false, &list, err)) <
		    0 ||
	    !list)
		return r;
	return pairs_parse(list, field, &pair_shapes[PAIRS_NET_PRIO], x, err);
}

/* A v2 file the sandbox cgroup may be given: a controller's file
 * (memory.high), or cgroup.max.depth and cgroup.max.descendants; no other
 * cgroup.* file, whose processes, children and controllers are the
 * sandbox's own layout. */
static bool unified_key_valid(const char *key, size_t len)
{
	if (len == 0 || len >= CG_UNIFIED_KEY_MAX || strlen(key) != len || strchr(key, '/') ||
	    key[0] == '.' || !strchr(key, '.'))
		return false;
	if (strncmp(key, "cgroup.", 7) == 0)
		return strcmp(key, "cgroup.max.depth") == 0 ||
		       strcmp(key, "cgroup.max.descendants") == 0;
	return true;
}

static int unified_parse(struct json_object *res, const char *prefix, struct cg_more *x,
			 struct rc_error *err)
{
	struct json_object *obj;
	char field[CG_UNIFIED_KEY_MAX + 64];
	int r = oci_member(res, "unified", json_type_object, FIELD(field, "%s.unified", prefix),
			   false, &obj, err);
	if (r < 0 || !obj)
		return r;
	json_object_object_foreach(obj, key, val)
	{
		FIELD(field, "%s.unified.%.*s", prefix, CG_UNIFIED_KEY_MAX, key);
		if (!unified_key_valid(key, strlen(key)))
			return oci_bad(err, field,
				       "not a cgroup v2 file the container's cgroup may be given "
				       "(a controller's file such as memory.high, without '/')");
		if (!json_object_is_type(val, json_type_string))
			return oci_bad(err, field, "expected a string");
		size_t len = (size_t)json_object_get_string_len(val);
		if (len >= CG_UNIFIED_VAL_MAX || strlen(json_object_get_string(val)) != len)
			return oci_bad(err, field, "longer than %d bytes, or holding a NUL byte",
				       CG_UNIFIED_VAL_MAX - 1);
		if (x->nunified == CG_UNIFIED_MAX)
			return oci_bad(err, field, "more than %d files", CG_UNIFIED_MAX);
		snprintf(x->unified[x->nunified].key, CG_UNIFIED_KEY_MAX, "%s", key);
		snprintf(x->unified[x->nunified].value, CG_UNIFIED_VAL_MAX, "%s",
			 json_object_get_string(val));
		x->nunified++;
	}
	return 0;
}

/* devices: checked as the spec has it (allow required, type a, b or c,
 * access of r, w and m), then moot (above). */
static int devices_parse(struct json_object *res, const char *prefix, struct rc_error *err)
{
	struct json_object *list, *v;
	char field[160];
	int r = oci_member(res, "devices", json_type_array, FIELD(field, "%s.devices", prefix),
			   false, &list, err);
	if (r < 0 || !list)
		return r;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);
		char at[128];
		int64_t num;
		bool set;
		FIELD(at, "%s.devices[%zu]", prefix, i);
		if (!json_object_is_type(d, json_type_object))
			return oci_bad(err, at, "expected an object");
		if ((r = oci_member(d, "allow", json_type_boolean, FIELD(field, "%s.allow", at),
				    true, &v, err)) < 0 ||
		    (r = oci_member(d, "type", json_type_string, FIELD(field, "%s.type", at), false,
				    &v, err)) < 0)
			return r;
		if (v && (json_object_get_string_len(v) != 1 ||
			  !strchr("abc", json_object_get_string(v)[0])))
			return oci_bad(err, field, "'%s': expected a, b or c",
				       json_object_get_string(v));
		if ((r = oci_member(d, "access", json_type_string, FIELD(field, "%s.access", at),
				    false, &v, err)) < 0)
			return r;
		const char *access = v ? json_object_get_string(v) : "";
		if (strspn(access, "rwm") != strlen(access) || strlen(access) > 3)
			return oci_bad(err, field, "'%s': expected letters of r, w and m", access);
		if ((r = int_in(d, "major", FIELD(field, "%s.major", at), -1, UINT32_MAX, &set,
				&num, err)) < 0 ||
		    (r = int_in(d, "minor", FIELD(field, "%s.minor", at), -1, UINT32_MAX, &set,
				&num, err)) < 0)
			return r;
	}
	return 0;
}

int oci_resources_more_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
			     struct cg_more *x, struct rc_error *err)
{
	*x = (struct cg_more){0};
	l->more = NULL;
	int r = cpu_parse(res, prefix, l, err);
	if (r < 0 || !res)
		return r;
	if ((r = blkio_parse(res, prefix, l, x, err)) < 0 ||
	    (r = hugetlb_parse(res, prefix, x, err)) < 0 ||
	    (r = network_parse(res, prefix, x, err)) < 0 ||
	    (r = unified_parse(res, prefix, x, err)) < 0 ||
	    (r = devices_parse(res, prefix, err)) < 0)
		return r;
	if (x->blkio_leaf_weight || x->nblkio || x->nhugetlb || x->net_classid_set ||
	    x->nnet_prio || x->nunified)
		l->more = x;
	return 0;
}

bool oci_resources_more_given(const struct cg_limits *l)
{
	return l->cpu_shares || l->cpu_rt_period_us || l->cpu_rt_runtime_set || l->cpuset_cpus[0] ||
	       l->cpuset_mems[0] || l->blkio_weight || l->more;
}
