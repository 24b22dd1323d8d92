/* SPDX-License-Identifier: Apache-2.0 */
/* The parsers of a limit's text (common/limits.h). */
#include "common/limits.h"

#include <errno.h>
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
