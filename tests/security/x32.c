/* SPDX-License-Identifier: Apache-2.0 */
/* 32-bit (int $0x80) and x32 system calls must kill the caller with SIGSYS:
 * the filter is written for the x86-64 table only.
 * Usage: x32 int80 | x32 x32. Prints SURVIVED (exit 1) if not killed. */
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

#define X32_SYSCALL_BIT 0x40000000L

static long int80(long nr)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static long x32_call(long nr)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr | X32_SYSCALL_BIT) : "rcx", "r11", "memory");
	return ret;
}

int main(int argc, char **argv)
{
	probe_guard("x32");
	if (argc < 2) {
		fprintf(stderr, "usage: x32 int80|x32\n");
		return 2;
	}
	printf("calling\n");
	fflush(stdout);
	long r;
	if (strcmp(argv[1], "int80") == 0)
		r = int80(20); /* getpid in the i386 table */
	else
		r = x32_call(SYS_getpid);
	printf("SURVIVED: returned %ld\n", r);
	return 1;
}
