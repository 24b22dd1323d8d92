/* SPDX-License-Identifier: Apache-2.0 */
/* Build-time tool: compiles a seccomp filter and writes its BPF to a file,
 * which runsc-c embeds, so that no sandbox start pays for libseccomp's
 * compilation. KIND: guest (from the syscall table), sentry, gofer or
 * resolver (their own allowlists). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "sandbox/resolver_filter.h"
#include "sentry/self_filter.h"
#include "syscalls/table.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s guest|sentry|gofer|resolver OUTPUT\n", argv[0]);
		return 2;
	}
	int (*export)(int fd) = NULL;
	if (strcmp(argv[1], "guest") == 0)
		export = sc_filter_export_guest;
	else if (strcmp(argv[1], "sentry") == 0)
		export = sentry_filter_export;
	else if (strcmp(argv[1], "gofer") == 0)
		export = gofer_self_filter_export;
	else if (strcmp(argv[1], "resolver") == 0)
		export = resolver_filter_export;
	if (!export) {
		fprintf(stderr, "%s: unknown filter %s\n", argv[0], argv[1]);
		return 2;
	}
	int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	int r = export(fd);
	if (r < 0 || close(fd) < 0) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(r < 0 ? -r : 5));
		return 1;
	}
	return 0;
}
