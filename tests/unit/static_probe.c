/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A static, non-PIE program (ET_EXEC, no PT_INTERP) for the elfinfo and
 * loader tests: the build links it so, whatever the host's own binaries are
 * (busybox is static on some machines and dynamic on others). The tests read
 * its ELF header themselves rather than assume an address.
 *
 *   static_probe echo WORD...   prints the words, like echo
 *   static_probe hold           prints "ready", reads a line, prints "done"
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "echo") == 0) {
		for (int i = 2; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "");
		printf("\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "hold") == 0) {
		char line[64];

		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		printf("done\n");
		return 0;
	}
	fprintf(stderr, "usage: static_probe echo WORD... | static_probe hold\n");
	return 2;
}
