/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: the container's own profile, compiled with libseccomp
 * into a filter that the guest's init stacks on the sandbox's own for the
 * program and every exec'd process (sandbox.h: filter). When two filters
 * disagree the kernel takes the most restrictive action, so the profile
 * can only take away: a call it denies fails with its errno (or kills)
 * before the sentry sees it, a call it allows is still the sandbox's to
 * decide.
 *
 *	defaultAction, defaultErrnoRet   the action of calls no rule names
 *	syscalls[].names, action,        rules; args with distinct indices
 *	  errnoRet, args[].index,        make one rule (all must match),
 *	  value, valueTwo, op            a repeated index one rule per arg
 *	                                 (runc's reading)
 *	architectures                    checked; the filter is x86-64's
 *	                                 alone: the sandbox's filter kills
 *	                                 every call of another architecture
 *	flags                            checked; SECCOMP_FILTER_FLAG_LOG and
 *	                                 _SPEC_ALLOW are not applied
 *
 * SCMP_ACT_TRACE answers ENOSYS, as Linux does for a process nobody
 * traces (the sentry is the guest's tracer, for its own ends);
 * SCMP_ACT_NOTIFY, which needs a listener agent, is refused. Names
 * libseccomp does not know are left out, as runc does. The exec loader's
 * reserved call and, unless the profile names prctl, its
 * prctl(PR_SET_MM, PR_SET_MM_MAP) are allowed: without them no exec
 * could finish under a profile that denies by default. */
#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "common/bpf_blob.h"
#include "common/compat.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

#define ARG_MAX_INDEX 5

struct action_name {
	const char *name;
	uint32_t action; /* with the errno 0 */
	bool takes_errno;
};

static const struct action_name actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
	{"SCMP_ACT_TRACE", SCMP_ACT_ERRNO(0), true},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} compares[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE},
	{"SCMP_CMP_LT", SCMP_CMP_LT},
	{"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ},
	{"SCMP_CMP_GE", SCMP_CMP_GE},
	{"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static const char *const known_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					  "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

/* An errno of errnoRet: 1..4095. */
static int errno_value(struct json_object *obj, const char *key, const char *field, int *out,
		       struct rc_error *err)
{
	struct json_object *v;
	int r = oci_member(obj, key, json_type_int, field, false, &v, err);
	if (r < 0 || !v)
		return r;
	int64_t e = json_object_get_int64(v);
	if (e < 1 || e > 4095)
		return oci_bad(err, field, "%lld: expected an errno, 1 to 4095", (long long)e);
	*out = (int)e;
	return 1;
}

/* The action of obj's key action (and errno key_errno), as libseccomp's. */
static int parse_action(struct json_object *obj, const char *key, const char *key_errno,
			const char *prefix, int default_errno, uint32_t *out, struct rc_error *err)
{
	char f[128], fe[128];
	struct json_object *v;
	snprintf(f, sizeof(f), "%s.%s", prefix, key);
	snprintf(fe, sizeof(fe), "%s.%s", prefix, key_errno);
	int r = oci_member(obj, key, json_type_string, f, true, &v, err);
	int e = default_errno;
	int given = r < 0 ? r : errno_value(obj, key_errno, fe, &e, err);
	if (given < 0)
		return given;
	const char *name = json_object_get_string(v);
	if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		return oci_bad(err, f, "SCMP_ACT_NOTIFY is not supported (no listener agent)");
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		if (given && !actions[i].takes_errno)
			return oci_bad(err, fe, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
		if (strcmp(name, "SCMP_ACT_TRACE") == 0)
			e = ENOSYS; /* what a call nobody traces gets */
		*out = actions[i].takes_errno ? SCMP_ACT_ERRNO((uint32_t)e) : actions[i].action;
		return 0;
	}
	return oci_bad(err, f, "'%s' is not an action (SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)", name);
}

static int parse_arg(struct json_object *a, const char *field, struct scmp_arg_cmp *out,
		     struct rc_error *err)
{
	char f[192];
	struct json_object *idx, *val, *val2, *op;
	if (!json_object_is_type(a, json_type_object))
		return oci_bad(err, field, "expected an object");
	snprintf(f, sizeof(f), "%s.index", field);
	int r = oci_member(a, "index", json_type_int, f, true, &idx, err);
	if (r == 0 &&
	    (json_object_get_int64(idx) < 0 || json_object_get_int64(idx) > ARG_MAX_INDEX))
		r = oci_bad(err, f, "expected 0 to %d", ARG_MAX_INDEX);
	snprintf(f, sizeof(f), "%s.value", field);
	if (r == 0)
		r = oci_member(a, "value", json_type_int, f, true, &val, err);
	snprintf(f, sizeof(f), "%s.valueTwo", field);
	if (r == 0)
		r = oci_member(a, "valueTwo", json_type_int, f, false, &val2, err);
	snprintf(f, sizeof(f), "%s.op", field);
	if (r == 0)
		r = oci_member(a, "op", json_type_string, f, true, &op, err);
	if (r < 0)
		return r;
	const char *name = json_object_get_string(op);
	size_t k = 0;
	while (k < ARRAY_SIZE(compares) && strcmp(compares[k].name, name) != 0)
		k++;
	if (k == ARRAY_SIZE(compares))
		return oci_bad(err, f, "'%s' is not a comparison (SCMP_CMP_EQ, ...)", name);
	*out = (struct scmp_arg_cmp){
		.arg = (unsigned int)json_object_get_int64(idx),
		.op = compares[k].op,
		.datum_a = json_object_get_uint64(val),
		.datum_b = val2 ? json_object_get_uint64(val2) : 0,
	};
	return 0;
}

/* One rule for nr: args with distinct indices together, else one per arg. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *args,
		    unsigned int nargs)
{
	bool distinct = true;
	for (unsigned int i = 0; i < nargs; i++)
		for (unsigned int k = i + 1; k < nargs; k++)
			distinct &= args[i].arg != args[k].arg;
	if (distinct)
		return seccomp_rule_add_array(ctx, action, nr, nargs, args);
	for (unsigned int i = 0; i < nargs; i++) {
		int r = seccomp_rule_add_array(ctx, action, nr, 1, &args[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_rule(scmp_filter_ctx ctx, struct json_object *rule, const char *field,
		      uint32_t default_action, int default_errno, bool *names_prctl,
		      struct rc_error *err)
{
	char f[160];
	struct json_object *names, *args;
	struct scmp_arg_cmp cmp[ARG_MAX_INDEX + 1];
	unsigned int ncmp = 0;
	uint32_t action;
	if (!json_object_is_type(rule, json_type_object))
		return oci_bad(err, field, "expected an object");
	snprintf(f, sizeof(f), "%s.names", field);
	int r = oci_member(rule, "names", json_type_array, f, true, &names, err);
	if (r == 0 && json_object_array_length(names) == 0)
		r = oci_bad(err, f, "must not be empty");
	if (r == 0)
		r = parse_action(rule, "action", "errnoRet", field, default_errno, &action, err);
	snprintf(f, sizeof(f), "%s.args", field);
	if (r == 0)
		r = oci_member(rule, "args", json_type_array, f, false, &args, err);
	if (r == 0 && args && json_object_array_length(args) > ARRAY_SIZE(cmp))
		r = oci_bad(err, f, "more than %zu", ARRAY_SIZE(cmp));
	for (size_t i = 0; r == 0 && args && i < json_object_array_length(args); i++) {
		snprintf(f, sizeof(f), "%s.args[%zu]", field, i);
		r = parse_arg(json_object_array_get_idx(args, i), f, &cmp[ncmp++], err);
	}
	for (size_t i = 0; r == 0 && i < json_object_array_length(names); i++) {
		struct json_object *n = json_object_array_get_idx(names, i);
		snprintf(f, sizeof(f), "%s.names[%zu]", field, i);
		if (!json_object_is_type(n, json_type_string))
			return oci_bad(err, f, "expected a string");
		const char *name = json_object_get_string(n);
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			oci_debug("%s: '%s': no such system call, left out", f, name);
			continue;
		}
		*names_prctl |= strcmp(name, "prctl") == 0;
		/* A rule that does what the default does adds nothing (and
		 * libseccomp refuses it). */
		if (action == default_action)
			continue;
		int e = add_rule(ctx, action, nr, cmp, ncmp);
		if (e < 0)
			return oci_bad(err, f, "'%s': %s", name, strerror(-e));
	}
	return r;
}

static int parse_arches(struct json_object *sc, struct rc_error *err)
{
	struct json_object *arr;
	int r = oci_member(sc, "architectures", json_type_array, "linux.seccomp.architectures",
			   false, &arr, err);
	for (size_t i = 0; r == 0 && arr && i < json_object_array_length(arr); i++) {
		struct json_object *a = json_object_array_get_idx(arr, i);
		char f[96], lower[32];
		snprintf(f, sizeof(f), "linux.seccomp.architectures[%zu]", i);
		const char *name =
			json_object_is_type(a, json_type_string) ? json_object_get_string(a) : NULL;
		if (!name || strncmp(name, "SCMP_ARCH_", 10) != 0 ||
		    strlen(name + 10) >= sizeof(lower))
			return oci_bad(err, f, "expected a name SCMP_ARCH_X");
		size_t k = 0;
		for (const char *c = name + 10; *c; c++)
			lower[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		lower[k] = 0;
		if (seccomp_arch_resolve_name(lower) == 0)
			return oci_bad(err, f, "'%s': not an architecture libseccomp knows", name);
	}
	return r;
}

static int parse_flags(struct json_object *sc, struct rc_error *err)
{
	struct json_object *arr, *lp;
	int r = oci_member(sc, "flags", json_type_array, "linux.seccomp.flags", false, &arr, err);
	if (r == 0)
		r = oci_member(sc, "listenerPath", json_type_string, "linux.seccomp.listenerPath",
			       false, &lp, err);
	if (r == 0 && lp && json_object_get_string(lp)[0])
		return oci_bad(err, "linux.seccomp.listenerPath",
			       "not supported (no listener agent)");
	for (size_t i = 0; r == 0 && arr && i < json_object_array_length(arr); i++) {
		struct json_object *fl = json_object_array_get_idx(arr, i);
		char f[96];
		snprintf(f, sizeof(f), "linux.seccomp.flags[%zu]", i);
		const char *name =
			json_object_is_type(fl, json_type_string) ? json_object_get_string(fl) : "";
		size_t k = 0;
		while (k < ARRAY_SIZE(known_flags) && strcmp(known_flags[k], name) != 0)
			k++;
		if (k == ARRAY_SIZE(known_flags))
			return oci_bad(err, f, "'%s': not a seccomp filter flag", name);
	}
	return r;
}

/* What the exec loader needs under any profile (see above). */
static int loader_rules(scmp_filter_ctx ctx, bool names_prctl, uint32_t default_action)
{
	if (default_action == SCMP_ACT_ALLOW)
		return 0;
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, RUNSC_NR_LOADER, 0);
	/* The guest init's PATH search for an exec'd process (it falls back
	 * to execvpe when refused, but a profile may kill instead). */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, RUNSC_NR_EXEC_SEARCH, 0);
	if (r == 0 && !names_prctl)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
				     SCMP_A0(SCMP_CMP_EQ, PR_SET_MM),
				     SCMP_A1(SCMP_CMP_EQ, PR_SET_MM_MAP));
	return r;
}

static int build(scmp_filter_ctx ctx, struct json_object *sc, uint32_t default_action,
		 int default_errno, struct rc_error *err)
{
	struct json_object *rules;
	bool names_prctl = false;
	int r = parse_arches(sc, err);
	if (r == 0)
		r = parse_flags(sc, err);
	if (r == 0)
		r = oci_member(sc, "syscalls", json_type_array, "linux.seccomp.syscalls", false,
			       &rules, err);
	for (size_t i = 0; r == 0 && rules && i < json_object_array_length(rules); i++) {
		char f[64];
		snprintf(f, sizeof(f), "linux.seccomp.syscalls[%zu]", i);
		r = parse_rule(ctx, json_object_array_get_idx(rules, i), f, default_action,
			       default_errno, &names_prctl, err);
	}
	if (r < 0)
		return r;
	int e = loader_rules(ctx, names_prctl, default_action);
	if (e < 0)
		return rc_error_set_errno(err, -e, "linux.seccomp: the exec loader's rules");
	return 0;
}

int oci_seccomp_parse(struct json_object *linux_, struct sock_fprog *prog, struct rc_error *err)
{
	struct json_object *sc;
	*prog = (struct sock_fprog){0};
	int r = linux_ ? oci_member(linux_, "seccomp", json_type_object, "linux.seccomp", false,
				    &sc, err)
		       : 0;
	if (r < 0 || !linux_ || !sc)
		return r;
	int default_errno = EPERM;
	uint32_t default_action;
	r = errno_value(sc, "defaultErrnoRet", "linux.seccomp.defaultErrnoRet", &default_errno,
			err);
	if (r >= 0)
		r = parse_action(sc, "defaultAction", "defaultErrnoRet", "linux.seccomp",
				 default_errno, &default_action, err);
	if (r < 0)
		return r;
	scmp_filter_ctx ctx = seccomp_init(default_action);
	if (!ctx)
		return rc_error_set(err, ENOMEM, "linux.seccomp: libseccomp's context");
	/* Other architectures are the sandbox's filter's to kill. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		r = rc_error_set_errno(err, -r, "linux.seccomp: libseccomp's attributes");
	if (r == 0)
		r = build(ctx, sc, default_action, default_errno, err);
	if (r == 0) {
		int e = bpf_filter_export_memory(ctx, prog);
		if (e < 0)
			r = rc_error_set_errno(err, -e, "linux.seccomp: compiling the filter");
	}
	seccomp_release(ctx);
	return r;
}

struct json_object *oci_seccomp_features(void)
{
	struct json_object *o = json_object_new_object(), *acts = json_object_new_array(),
			   *ops = json_object_new_array(), *archs = json_object_new_array(),
			   *flags = json_object_new_array();
	json_object_object_add(o, "enabled", json_object_new_boolean(true));
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		json_object_array_add(acts, json_object_new_string(actions[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(compares); i++)
		json_object_array_add(ops, json_object_new_string(compares[i].name));
	json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X86_64"));
	json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X86"));
	json_object_array_add(archs, json_object_new_string("SCMP_ARCH_X32"));
	json_object_array_add(flags, json_object_new_string("SECCOMP_FILTER_FLAG_TSYNC"));
	json_object_object_add(o, "actions", acts);
	json_object_object_add(o, "operators", ops);
	json_object_object_add(o, "archs", archs);
	json_object_object_add(o, "supportedFlags", flags);
	return o;
}
