/* SPDX-License-Identifier: Apache-2.0 */
/* Compiled and run by the differential test: gcc's driver, cc1, as and ld
 * all run in the sandbox, which exercises exec, vfork and temp files. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world from %s with %d argument(s)\n", argc > 0 ? "a compiled program" : "?",
	       argc - 1);
	for (int i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	return 0;
}
