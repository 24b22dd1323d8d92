/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit tests' own deadlines (a poll for a child, a wait for output),
 * stretched on slower builds: tests/meson.build sets RUNSC_TIME_SCALE (3 for
 * a sanitizer build, which runs everything a few times slower), so that one
 * deadline holds on every build and machine without being loose on all.
 */
#ifndef RUNSC_TESTS_TIME_SCALE_H
#define RUNSC_TESTS_TIME_SCALE_H

#include <stdlib.h>

static inline int time_scale(void)
{
	const char *s = getenv("RUNSC_TIME_SCALE");
	int n = s ? atoi(s) : 1;

	return n > 0 ? n : 1;
}

#endif
