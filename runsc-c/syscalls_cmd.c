/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c syscalls [--format text|markdown] [--counts]`: the syscall table
 * as the sandbox applies it: class, status, errno and why the class is safe.
 * docs/syscalls.md holds this command's markdown output, and
 * tests/docs-syscalls.sh checks that it still does. */
#include "runsc-c/syscalls_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "syscalls/table.h"

#define USAGE "usage: runsc-c syscalls [--format text|markdown] [--counts]\n"

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("runsc-c syscalls: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n" USAGE, stderr);
	return 2;
}

static int print_counts(FILE *out)
{
	struct sc_counts n;

	sc_table_count(&n);
	errno = 0;
	fprintf(out, "native %zu, traced %zu, sentry %zu, exec %zu, denied %zu; ", n.cls[SC_NATIVE],
		n.cls[SC_TRACED], n.cls[SC_SENTRY], n.cls[SC_EXEC], n.cls[SC_DENIED]);
	fprintf(out, "supported %zu, partial %zu, unsupported %zu; total %zu\n",
		n.status[SC_SUPPORTED], n.status[SC_PARTIAL], n.status[SC_UNSUPPORTED], n.total);
	if (fflush(out) != 0 || ferror(out))
		return errno > 0 ? -errno : -EIO;
	return 0;
}

static bool valid_format(const char *format)
{
	return strcmp(format, "text") == 0 || strcmp(format, "markdown") == 0;
}

int cmd_syscalls(int argc, char **argv)
{
	const char *format = "text";
	bool counts = false;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--counts") == 0) {
			counts = true;
		} else if (strcmp(arg, "--format") == 0) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value: text or markdown", arg);
			format = argv[++i];
		} else if (strncmp(arg, "--format=", 9) == 0) {
			format = arg + 9;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(USAGE, stdout);
			return 0;
		} else {
			return usage_error("'%s': unknown flag", arg);
		}
	}
	if (!valid_format(format))
		return usage_error("--format '%s': expected text or markdown", format);

	r = counts ? print_counts(stdout) : sc_table_print(stdout, format);
	if (r < 0) {
		fprintf(stderr, "runsc-c syscalls: writing the table: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
