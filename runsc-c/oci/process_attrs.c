/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of a process object (config.json's "process", exec's
 * process.json) that become its attributes (common/proc_attrs.h):
 *
 *	rlimits          [{type: "RLIMIT_X", soft, hard}]: set before its exec;
 *	                 RLIMIT_CORE stays 0 (core dumps would be written by
 *	                 the host kernel, outside the sandbox)
 *	user.umask       its umask
 *	capabilities     bounding, effective, permitted, inheritable, ambient:
 *	                 "CAP_X" names, within what the sandbox honours (the
 *	                 guest's init has dropped the others from every set)
 *	noNewPrivileges  checked: no_new_privs holds in every sandbox (an
 *	                 exec never grants privileges there; docs/oci.md) */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "runsc-c/oci/oci.h"

static const char *const rlimit_names[PROC_RLIMITS_MAX] = {
	[RLIMIT_CPU] = "RLIMIT_CPU",	       [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
	[RLIMIT_DATA] = "RLIMIT_DATA",	       [RLIMIT_STACK] = "RLIMIT_STACK",
	[RLIMIT_CORE] = "RLIMIT_CORE",	       [RLIMIT_RSS] = "RLIMIT_RSS",
	[RLIMIT_NPROC] = "RLIMIT_NPROC",       [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
	[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
	[RLIMIT_LOCKS] = "RLIMIT_LOCKS",       [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
	[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",     [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

static const char *const cap_names[PROC_CAP_LAST + 1] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* A uint64 of a JSON integer (json-c holds those above INT64_MAX too). */
static int u64_value(struct json_object *obj, const char *key, const char *field, uint64_t *out,
		     struct rc_error *err)
{
	struct json_object *v;
	int r = oci_member(obj, key, json_type_int, field, true, &v, err);
	if (r < 0)
		return r;
	if (json_object_get_int64(v) < 0)
		return oci_bad(err, field, "must not be negative");
	*out = json_object_get_uint64(v);
	return 0;
}

static int parse_rlimit(struct proc_attrs *a, struct json_object *rl, const char *field,
			struct rc_error *err)
{
	char f[160];
	struct json_object *type;
	if (!json_object_is_type(rl, json_type_object))
		return oci_bad(err, field, "expected an object");
	snprintf(f, sizeof(f), "%s.type", field);
	int r = oci_member(rl, "type", json_type_string, f, true, &type, err);
	if (r < 0)
		return r;
	const char *name = json_object_get_string(type);
	uint32_t res = 0;
	while (res < PROC_RLIMITS_MAX && strcmp(rlimit_names[res], name) != 0)
		res++;
	if (res == PROC_RLIMITS_MAX)
		return oci_bad(err, f,
			       "'%s' is not a resource limit (RLIMIT_NOFILE, RLIMIT_NPROC, ...)",
			       name);
	for (uint32_t i = 0; i < a->nrlimits; i++)
		if (a->rlimits[i].resource == res)
			return oci_bad(err, f, "%s given twice", name);
	struct proc_rlimit *out = &a->rlimits[a->nrlimits];
	out->resource = res;
	snprintf(f, sizeof(f), "%s.soft", field);
	r = u64_value(rl, "soft", f, &out->soft, err);
	snprintf(f, sizeof(f), "%s.hard", field);
	if (r == 0)
		r = u64_value(rl, "hard", f, &out->hard, err);
	if (r < 0)
		return r;
	if (out->soft > out->hard)
		return oci_bad(err, field, "soft %llu is above hard %llu",
			       (unsigned long long)out->soft, (unsigned long long)out->hard);
	if (res == RLIMIT_CORE && out->hard > 0) {
		oci_warn("%s: RLIMIT_CORE stays 0: no process of a sandbox dumps core", field);
		out->soft = out->hard = 0;
	}
	a->nrlimits++;
	return 0;
}

static int parse_rlimits(struct proc_attrs *a, struct json_object *proc, const char *prefix,
			 struct rc_error *err)
{
	char field[96];
	struct json_object *arr;
	snprintf(field, sizeof(field), "%srlimits", prefix);
	int r = oci_member(proc, "rlimits", json_type_array, field, false, &arr, err);
	if (r < 0 || !arr)
		return r;
	size_t n = json_object_array_length(arr);
	if (n > PROC_RLIMITS_MAX)
		return oci_bad(err, field, "more than %d limits", PROC_RLIMITS_MAX);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char f[128];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		r = parse_rlimit(a, json_object_array_get_idx(arr, i), f, err);
	}
	return r;
}

static int parse_umask(struct proc_attrs *a, struct json_object *proc, const char *prefix,
		       struct rc_error *err)
{
	char field[96];
	struct json_object *user, *v = NULL;
	snprintf(field, sizeof(field), "%suser.umask", prefix);
	if (json_object_object_get_ex(proc, "user", &user) &&
	    json_object_is_type(user, json_type_object)) {
		int r = oci_member(user, "umask", json_type_int, field, false, &v, err);
		if (r < 0)
			return r;
	}
	if (!v)
		return 0;
	int64_t m = json_object_get_int64(v);
	if (m < 0 || m > 0777)
		return oci_bad(err, field, "%lld: expected 0 to 0777 (511)", (long long)m);
	a->umask_set = 1;
	a->umask = (uint32_t)m;
	return 0;
}

/* One set of capabilities: names the sandbox does not know are left out
 * with a warning, as runc does. */
static int cap_set(struct json_object *caps, const char *key, const char *prefix, uint64_t *out,
		   struct rc_error *err)
{
	char field[96];
	struct json_object *arr;
	snprintf(field, sizeof(field), "%scapabilities.%s", prefix, key);
	*out = 0;
	int r = oci_member(caps, key, json_type_array, field, false, &arr, err);
	if (r < 0 || !arr)
		return r;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char f[128];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!json_object_is_type(e, json_type_string))
			return oci_bad(err, f, "expected a string");
		const char *name = json_object_get_string(e);
		int cap = 0;
		while (cap <= PROC_CAP_LAST && strcmp(cap_names[cap], name) != 0)
			cap++;
		if (cap > PROC_CAP_LAST)
			oci_warn("%s: unknown capability '%s' left out", f, name);
		else
			*out |= 1ULL << cap;
	}
	return 0;
}

static int parse_caps(struct proc_attrs *a, struct json_object *proc, const char *prefix,
		      struct rc_error *err)
{
	char field[96];
	struct json_object *caps;
	snprintf(field, sizeof(field), "%scapabilities", prefix);
	int r = oci_member(proc, "capabilities", json_type_object, field, false, &caps, err);
	if (r < 0 || !caps)
		return r;
	r = cap_set(caps, "bounding", prefix, &a->cap_bounding, err);
	if (r == 0)
		r = cap_set(caps, "effective", prefix, &a->cap_effective, err);
	if (r == 0)
		r = cap_set(caps, "permitted", prefix, &a->cap_permitted, err);
	if (r == 0)
		r = cap_set(caps, "inheritable", prefix, &a->cap_inheritable, err);
	if (r == 0)
		r = cap_set(caps, "ambient", prefix, &a->cap_ambient, err);
	a->caps_set = r == 0;
	return r;
}

int oci_process_attrs_parse(struct json_object *proc, const char *prefix, struct proc_attrs *a,
			    struct rc_error *err)
{
	char field[96];
	struct json_object *nnp;
	memset(a, 0, sizeof(*a));
	snprintf(field, sizeof(field), "%snoNewPrivileges", prefix);
	/* false is allowed and changes nothing: no_new_privs holds in the
	 * whole guest (docs/oci.md). */
	int r = oci_member(proc, "noNewPrivileges", json_type_boolean, field, false, &nnp, err);
	if (r == 0)
		r = parse_rlimits(a, proc, prefix, err);
	if (r == 0)
		r = parse_umask(a, proc, prefix, err);
	if (r == 0)
		r = parse_caps(a, proc, prefix, err);
	return r;
}

const char *oci_rlimit_name(uint32_t resource)
{
	return resource < PROC_RLIMITS_MAX ? rlimit_names[resource] : "?";
}

int oci_rlimits_reach(const struct proc_attrs *a, const char *prefix, struct rc_error *err)
{
	for (uint32_t i = 0; i < a->nrlimits; i++) {
		const struct proc_rlimit *r = &a->rlimits[i];
		struct rlimit cur;
		if (getrlimit((__rlimit_resource_t)r->resource, &cur) < 0)
			return rc_error_set_errno(err, errno, "getrlimit");
		if (r->hard <= cur.rlim_max)
			continue;
		/* The guest cannot raise a hard limit (it would need
		 * CAP_SYS_RESOURCE of the host): it inherits it from here. */
		struct rlimit raised = {.rlim_cur = cur.rlim_cur, .rlim_max = r->hard};
		if (setrlimit((__rlimit_resource_t)r->resource, &raised) < 0) {
			char field[128];
			snprintf(field, sizeof(field), "%srlimits[%u].hard", prefix, i);
			return oci_bad(err, field,
				       "%s %llu is above the hard limit of %llu runsc-c runs "
				       "with, and raising it failed: %s",
				       oci_rlimit_name(r->resource), (unsigned long long)r->hard,
				       (unsigned long long)cur.rlim_max, strerror(errno));
		}
	}
	return 0;
}

struct json_object *oci_caps_honoured(void)
{
	struct json_object *a = json_object_new_array();
	for (int cap = 0; cap <= PROC_CAP_LAST; cap++)
		if (!(PROC_CAPS_UNHONOURED & (1ULL << cap)))
			json_object_array_add(a, json_object_new_string(cap_names[cap]));
	return a;
}
