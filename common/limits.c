/* SPDX-License-Identifier: Apache-2.0 */
/* The parsers of a limit's text (common/limits.h). */
#include "common/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

/* The text as a message shows it: control bytes escaped, at most 64
 * bytes of it (a file's value may hold anything). */
static const char *shown(const char *text, char *buf, size_t size)
{
	size_t o = 0;
	for (const char *p = text; *p && o + 8 < size; p++) {
		unsigned char c = (unsigned char)*p;
		if (p - text >= 64) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = 0;
	return buf;
}

int limit_size_parse(const char *text, uint64_t least, uint64_t *out, struct rc_error *err)
{
	uint64_t bytes;
	char b[128];
	if (size_parse(text, &bytes) < 0)
		return rc_error_set(err, EINVAL, "'%s': expected a size such as 512M or 2G",
				    shown(text, b, sizeof(b)));
	if (bytes < least)
		return rc_error_set(err, EINVAL,
				    "'%s' is below what a sandbox needs to start: at least %lluM",
				    shown(text, b, sizeof(b)), (unsigned long long)least >> 20);
	*out = bytes;
	return 0;
}

int limit_pids_parse(const char *text, uint64_t *out, struct rc_error *err)
{
	char *end = NULL;
	char b[128];
	errno = 0;
	unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
	if (v == 0 || errno || *end || v > LIMIT_PIDS_MAX)
		return rc_error_set(err, EINVAL,
				    "'%s': expected a number of tasks from %llu to %llu",
				    shown(text, b, sizeof(b)), LIMIT_PIDS_MIN, LIMIT_PIDS_MAX);
	if (v < LIMIT_PIDS_MIN)
		return rc_error_set(err, EINVAL,
				    "'%s' is below what a sandbox needs to start: at least %llu",
				    shown(text, b, sizeof(b)), LIMIT_PIDS_MIN);
	*out = v;
	return 0;
}

/* Digits, then optionally a point and at least one more digit. */
static bool plain_decimal(const char *text)
{
	size_t whole = strspn(text, "0123456789");
	if (whole == 0)
		return false;
	if (text[whole] == 0)
		return true;
	if (text[whole] != '.')
		return false;
	size_t frac = strspn(text + whole + 1, "0123456789");
	return frac > 0 && text[whole + 1 + frac] == 0;
}

int limit_cpus_parse(const char *text, double *out, struct rc_error *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char b[128];
	if (ncpu < 1)
		ncpu = 1;
	if (!plain_decimal(text))
		return rc_error_set(err, EINVAL,
				    "'%s': expected a number of CPUs such as 0.5 or 2 (digits, "
				    "optionally a point and more digits)",
				    shown(text, b, sizeof(b)));
	/* Plain digits: strtod reads them as written; a long run of them
	 * only grows past the range below. */
	double v = strtod(text, NULL);
	if (!(v > 0))
		return rc_error_set(err, EINVAL, "'%s': expected a number of CPUs such as 0.5 or 2",
				    shown(text, b, sizeof(b)));
	if (v < LIMIT_CPU_MILLI_MIN / 1000.0 || v > (double)ncpu)
		return rc_error_set(err, EINVAL,
				    "'%s': expected from 0.01 to %ld (the host's CPUs)",
				    shown(text, b, sizeof(b)), ncpu);
	*out = v;
	return 0;
}

/* A cpuset list's ids into set (bit i: id i): 0, -1 when it is not a
 * list, -2 when it names an id from LIMIT_CPUSET_IDS on (no host has). */
static int list_ids(const char *text, uint64_t set[LIMIT_CPUSET_IDS / 64])
{
	memset(set, 0, LIMIT_CPUSET_IDS / 8);
	const char *p = text;
	while (*p && *p != '\n') {
		char *end;
		if (*p < '0' || *p > '9')
			return -1;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo)
			return -1;
		if (hi >= LIMIT_CPUSET_IDS)
			return -2;
		for (unsigned long i = lo; i <= hi; i++)
			set[i / 64] |= 1ULL << (i % 64);
		p = end;
		if (*p == ',' && p[1] && p[1] != '\n')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return p == text ? -1 : 0;
}

int limit_cpuset_parse(const char *text, bool mems, struct rc_error *err)
{
	const char *what = mems ? "memory node" : "CPU";
	const char *online =
		mems ? "/sys/devices/system/node/online" : "/sys/devices/system/cpu/online";
	uint64_t want[LIMIT_CPUSET_IDS / 64], have[LIMIT_CPUSET_IDS / 64];
	char b[128];
	int r = list_ids(text, want);
	if (r == -1 || strchr(text, '\n'))
		return rc_error_set(err, EINVAL,
				    "'%s': expected a list of %s numbers and ranges such as 0-3,6",
				    shown(text, b, sizeof(b)), what);
	/* A host without NUMA has no node directory: node 0 alone. */
	_cleanup_free_ char *host = NULL;
	if (read_file_at(AT_FDCWD, online, &host) < 0 || list_ids(host, have) < 0) {
		free(host);
		host = xstrdup("0");
		list_ids(host, have);
	}
	for (size_t i = 0; i < LIMIT_CPUSET_IDS / 64; i++)
		if (r == -2 || (want[i] & ~have[i]))
			return rc_error_set(err, EINVAL, "'%s': the host's online %ss are %s",
					    shown(text, b, sizeof(b)), what,
					    shown(host, b + 64, sizeof(b) - 64));
	return 0;
}
