/* SPDX-License-Identifier: Apache-2.0 */
/* The resources section of a policy: sizes, counts, CPUs and durations,
 * and the number parsers they share with the network section.
 *
 * pids is read by the parser `runsc-c do --pids` and `runsc-c update
 * --pids-limit` use (common/limits.h), as its syntax is theirs. Sizes are
 * Kubernetes quantities (K M G T are powers of 1000, Ki Mi Gi Ti of 1024,
 * integers only), where the flags' k m g t are powers of 1024 and take
 * fractions; cpu takes millicores (500m) and any count, where --cpus takes
 * up to the host's CPUs: these keep their own parsers below, with the
 * same least values (common/limits.h). */
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "common/util.h"
#include "policy/sections.h"

#define TIMEOUT_MAX_MS (366ULL * 24 * 3600 * 1000)
#define CPU_MAX_MILLI  (1024ULL * 1000)

const char *const pd_res_names[RES_N] = {"memory", "pids", "cpu", "timeout", "disk"};

/* ---- numbers ---- */

/* Decimal digits with at most `frac` digits after a '.', scaled by
 * 10^frac. Returns the first byte after the number, or NULL. */
static const char *parse_decimal(const char *s, unsigned int frac, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
			return NULL;
	}
	unsigned int digits = 0;
	if (*p == '.' && frac > 0) {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++digits > frac)
				return NULL;
			if (__builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, *p - '0', &v))
				return NULL;
		}
	}
	for (; digits < frac; digits++) {
		if (__builtin_mul_overflow(v, 10, &v))
			return NULL;
	}
	*out = v;
	return p;
}

bool pd_parse_uint(const char *s, uint64_t *out)
{
	const char *e = parse_decimal(s, 0, out);
	return e && *e == '\0';
}

/* 512Mi, 2G, 1048576: Kubernetes' suffixes (K M G T powers of 1000, Ki Mi
 * Gi Ti of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{"", 1},
		{"K", 1000ULL},
		{"k", 1000ULL},
		{"M", 1000000ULL},
		{"G", 1000000000ULL},
		{"T", 1000000000000ULL},
		{"Ki", 1ULL << 10},
		{"Mi", 1ULL << 20},
		{"Gi", 1ULL << 30},
		{"Ti", 1ULL << 40},
	};
	uint64_t v;
	const char *e = parse_decimal(s, 0, &v);
	if (!e)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(e, units[i].suffix) == 0)
			return !__builtin_mul_overflow(v, units[i].mult, out) && *out > 0;
	}
	return false;
}

/* 2, 0.5, 1.25 (CPUs) or 500m (millicores). */
static bool parse_cpu(const char *s, uint64_t *milli)
{
	const char *e = parse_decimal(s, 3, milli);
	if (e && *e == '\0')
		return *milli > 0 && *milli <= CPU_MAX_MILLI;
	e = parse_decimal(s, 0, milli);
	return e && strcmp(e, "m") == 0 && *milli > 0 && *milli <= CPU_MAX_MILLI;
}

/* 30, 30s, 1.5s, 10m, 2h (seconds when no unit is given), 500ms. */
static bool parse_duration(const char *s, uint64_t *ms)
{
	uint64_t v;
	const char *e = parse_decimal(s, 0, &v);
	if (e && strcmp(e, "ms") == 0) {
		*ms = v;
	} else {
		e = parse_decimal(s, 3, &v); /* thousandths of the unit */
		if (!e)
			return false;
		uint64_t mult;
		if (*e == '\0' || strcmp(e, "s") == 0)
			mult = 1;
		else if (strcmp(e, "m") == 0)
			mult = 60;
		else if (strcmp(e, "h") == 0)
			mult = 3600;
		else
			return false;
		if (__builtin_mul_overflow(v, mult, ms))
			return false;
	}
	return *ms > 0 && *ms <= TIMEOUT_MAX_MS;
}

/* ---- resources ---- */

static void res_value(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		      enum pd_res k)
{
	const char *name = pd_res_names[k];
	if (!pd_want_string(c, val, name))
		return;
	uint64_t v = 0;
	bool ok;
	const char *expect;
	switch (k) {
	case RES_MEMORY:
	case RES_DISK:
		ok = parse_size(val->s, &v);
		expect = "a size such as 512Mi or 2G";
		break;
	case RES_PIDS: {
		struct rc_error err;
		if (limit_pids_parse(val->s, &v, &err) < 0) {
			pd_err(c, val, "%s: %s", name, err.msg);
			return;
		}
		ok = true;
		expect = NULL;
		break;
	}
	case RES_CPU:
		ok = parse_cpu(val->s, &v);
		expect = "a number of CPUs such as 2, 0.5 or 500m";
		break;
	case RES_TIMEOUT:
	default:
		ok = parse_duration(val->s, &v);
		expect = "a duration such as 30, 90s, 10m or 2h";
		break;
	}
	struct pd_qbuf b;
	if (!ok) {
		pd_err(c, val, "%s: expected %s, got '%s'", name, expect, pd_quote(&b, val->s));
		return;
	}
	/* What a sandbox needs to start (common/limits.h). */
	static const struct {
		uint64_t min;
		const char *text;
	} least[RES_N] = {
		[RES_MEMORY] = {LIMIT_MEMORY_MIN, "16Mi"},
		[RES_PIDS] = {LIMIT_PIDS_MIN, "2"},
		[RES_CPU] = {LIMIT_CPU_MILLI_MIN, "10m"},
		[RES_DISK] = {LIMIT_DISK_MIN, "1Mi"},
	};
	if (v < least[k].min) {
		pd_err(c, val, "%s: '%s' is below what a sandbox needs to start: at least %s", name,
		       pd_quote(&b, val->s), least[k].text);
		return;
	}
	c->doc->res[k] = v;
	c->doc->res_set |= 1u << k;
	c->doc->res_at[k] = pd_at(c, key);
}

static void res_memory(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		       void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_MEMORY);
}

static void res_pids(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_PIDS);
}

static void res_cpu(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_CPU);
}

static void res_timeout(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_TIMEOUT);
}

static void res_disk(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_DISK);
}

static const struct pd_keyspec res_keys[] = {
	{"memory", res_memory},	  {"pids", res_pids}, {"cpu", res_cpu},
	{"timeout", res_timeout}, {"disk", res_disk},
};

void pd_sec_resources(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (pd_want_map(c, val, "resources"))
		pd_walk_map(c, val, "resources", res_keys, ARRAY_SIZE(res_keys), NULL);
}
