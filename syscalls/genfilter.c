/* SPDX-License-Identifier: Apache-2.0 */
/* Build-time tool: compiles the guest filter from the syscall table and
 * writes its BPF to a file, which runsc-c embeds, so that no sandbox start
 * pays for libseccomp's compilation. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscalls/table.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	int r = sc_filter_export_guest(fd);
	if (r < 0 || close(fd) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(r < 0 ? -r : 5));
		return 1;
	}
	return 0;
}
