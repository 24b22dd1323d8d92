/* SPDX-License-Identifier: Apache-2.0 */
/* 32-bit (int $0x80) and x32 system calls never execute in the sandbox:
 * the filter is written for the x86-64 table only and kills the caller with
 * SIGSYS. Where the host kernel refuses int $0x80 itself (IA-32 emulation
 * off), the call dies before seccomp sees it, natively and in the sandbox
 * alike; "host-int80" makes the same call outside any sandbox so that the
 * driver can tell which kind of host it runs on (i386 getpid changes
 * nothing, so that mode needs no guard).
 * Usage: x32 int80 | x32 x32 | x32 host-int80. Prints SURVIVED (exit 1)
 * if a sandboxed call was not killed. */
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
	if (argc == 2 && strcmp(argv[1], "host-int80") == 0) {
		printf("host: int $0x80 returned %ld\n", int80(20));
		return 0;
	}
	probe_guard("x32");
	if (argc < 2) {
		fprintf(stderr, "usage: x32 int80|x32|host-int80\n");
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
