/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the hostile probes of tests/security. A probe attacks the
 * sandbox from inside: before anything else it makes sure it runs in one
 * (seccomp filter mode and runsc-c's kernel release), and otherwise refuses
 * with exit status 77, so that running it natively as root changes nothing.
 *
 * Output: one line per check, "PASS name: detail" or "FAIL name: detail",
 * then "DONE" (a missing DONE means the probe died: the driver fails it). */
#ifndef RUNSC_C_TESTS_SECURITY_PROBE_H
#define RUNSC_C_TESTS_SECURITY_PROBE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PROBE_REFUSED 77

static int probe_failures;

static inline void probe_guard(const char *name)
{
	struct utsname u;
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	bool in_sandbox = mode == 2 && uname(&u) == 0 && strstr(u.release, "runsc-c") != NULL;
	if (!in_sandbox) {
		fprintf(stderr,
			"%s: refusing to run: not inside a runsc-c sandbox (seccomp mode %d)\n",
			name, mode);
		exit(PROBE_REFUSED);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* A plain file of /etc that is no secret, for calls that must work beside
 * the hidden ones: /etc/hostname where the image has one (not every image
 * does), else one of base-files. */
static inline const char *probe_plain_etc_file(void)
{
	static const char *const candidates[] = {"/etc/hostname", "/etc/debian_version",
						 "/etc/os-release"};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return candidates[0];
}

__attribute__((format(printf, 3, 4))) static inline void probe_result(bool pass,
								       const char *name,
								       const char *fmt, ...)
{
	va_list ap;
	printf("%s %s: ", pass ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		probe_failures++;
}

static inline const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "E?";
}

static inline int probe_done(void)
{
	printf("DONE\n");
	fflush(stdout);
	return probe_failures ? 1 : 0;
}

#endif
