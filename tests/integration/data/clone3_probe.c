/* SPDX-License-Identifier: Apache-2.0 */
/* clone3(2) as programs meet it: Linux's errors for bad structs, fork-like,
 * vfork-like and thread children, pidfds, the tid stores, and the argument
 * registers, which the syscall instruction keeps in both parent and child.
 * Prints one line per case.
 *
 * Usage: clone3_probe common    cases whose answer is Linux's (compared
 *                               with a native run)
 *        clone3_probe sandbox   what the sandbox refuses on purpose (run only
 *                               inside it) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

extern char **environ;

static const char *err_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

/* A clone3 whose child, if one is made, exits at once with status 3 and is
 * reaped here. Prints the errno or the child's status. */
static void try(const char *name, const void *a, size_t size)
{
	long r = syscall(SYS_clone3, a, size);

	if (r == 0)
		_exit(3);
	if (r < 0) {
		printf("%s: %s\n", name, err_name(errno));
		return;
	}
	int st;
	if (waitpid((pid_t)r, &st, __WALL) != r)
		printf("%s: child not reaped: %s\n", name, err_name(errno));
	else
		printf("%s: child exit %d\n", name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

#define K_RDX 0x11111111UL
#define K_R10 0x22222222UL
#define K_R8  0x33333333UL
#define K_R9  0x44444444UL

/* clone3 from assembly, with marker values in the four argument registers
 * it does not use. The child compares all six with what the parent passed
 * (and rsp with the stack it was given, if any) without touching memory
 * but *result, stores the number of the first that differs (0: none) at
 * *result and exits; the parent returns the call's result and what it
 * finds in its own registers afterwards. */
static long clone3_asm(struct args *a, size_t size, uint64_t sp, int *result, uint64_t out[6])
{
	register uint64_t rdi __asm__("rdi") = (uint64_t)a;
	register uint64_t rsi __asm__("rsi") = size;
	register uint64_t rdx __asm__("rdx") = K_RDX;
	register uint64_t r10 __asm__("r10") = K_R10;
	register uint64_t r8 __asm__("r8") = K_R8;
	register uint64_t r9 __asm__("r9") = K_R9;
	register uint64_t r12 __asm__("r12") = (uint64_t)a;
	register uint64_t r13 __asm__("r13") = size;
	register uint64_t r14 __asm__("r14") = (uint64_t)result;
	register uint64_t r15 __asm__("r15") = sp;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 9f\n\t"
			 "mov $1, %%eax\n\t"
			 "cmp %%r12, %%rdi\n\t"
			 "jne 8f\n\t"
			 "mov $2, %%eax\n\t"
			 "cmp %%r13, %%rsi\n\t"
			 "jne 8f\n\t"
			 "mov $3, %%eax\n\t"
			 "cmp $0x11111111, %%rdx\n\t"
			 "jne 8f\n\t"
			 "mov $4, %%eax\n\t"
			 "cmp $0x22222222, %%r10\n\t"
			 "jne 8f\n\t"
			 "mov $5, %%eax\n\t"
			 "cmp $0x33333333, %%r8\n\t"
			 "jne 8f\n\t"
			 "mov $6, %%eax\n\t"
			 "cmp $0x44444444, %%r9\n\t"
			 "jne 8f\n\t"
			 "mov $7, %%eax\n\t"
			 "test %%r15, %%r15\n\t"
			 "jz 7f\n\t"
			 "cmp %%r15, %%rsp\n\t"
			 "jne 8f\n\t"
			 "7: xor %%eax, %%eax\n\t"
			 "8: mov %%eax, (%%r14)\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov $60, %%eax\n\t"
			 "syscall\n\t"
			 "ud2\n\t"
			 "9:"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"((long)SYS_clone3), "r"(r12), "r"(r13), "r"(r14), "r"(r15)
			 : "rcx", "r11", "memory", "cc");
	out[0] = rdi;
	out[1] = rsi;
	out[2] = rdx;
	out[3] = r10;
	out[4] = r8;
	out[5] = r9;
	return ret;
}

static const char *regs_word(const struct args *a, size_t size, const uint64_t r[6])
{
	bool same = r[0] == (uint64_t)a && r[1] == size && r[2] == K_RDX && r[3] == K_R10 &&
		    r[4] == K_R8 && r[5] == K_R9;
	return same ? "kept" : "changed";
}

/* A fork-like child (its own memory: the result comes back as its exit
 * status), a vfork-like child on a stack of its own, and a thread. */
static void registers(void)
{
	struct args a = {.exit_signal = SIGCHLD};
	uint64_t out[6];
	int result = -1, st;
	long r = clone3_asm(&a, sizeof(a), 0, &result, out);

	if (r < 0) {
		printf("registers, fork-like: %s\n", err_name((int)-r));
	} else {
		waitpid((pid_t)r, &st, 0);
		printf("registers, fork-like: parent's %s, child's first difference %d\n",
		       regs_word(&a, sizeof(a), out), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}

	size_t stack_size = 64 * 1024;
	char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		printf("mmap: %s\n", err_name(errno));
		return;
	}
	struct args v = {.flags = CLONE_VM | CLONE_VFORK,
			 .exit_signal = SIGCHLD,
			 .stack = (uint64_t)stack,
			 .stack_size = stack_size};
	result = -1;
	r = clone3_asm(&v, 64, (uint64_t)stack + stack_size, &result, out);
	if (r < 0) {
		printf("registers, vfork-like: %s\n", err_name((int)-r));
	} else {
		waitpid((pid_t)r, &st, 0);
		printf("registers, vfork-like: parent's %s, child's first difference %d\n",
		       regs_word(&v, 64, out), result);
	}

	/* A thread: CLONE_CHILD_CLEARTID wakes the parent once it exited. */
	static volatile pid_t ctid;
	struct args t = {.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				  CLONE_SYSVSEM | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
				  CLONE_PARENT_SETTID,
			 .stack = (uint64_t)stack,
			 .stack_size = stack_size};
	pid_t ptid = 0;
	t.child_tid = (uint64_t)&ctid;
	t.parent_tid = (uint64_t)&ptid;
	ctid = -1;
	result = -1;
	r = clone3_asm(&t, sizeof(t), (uint64_t)stack + stack_size, &result, out);
	if (r < 0) {
		printf("registers, thread: %s\n", err_name((int)-r));
	} else {
		pid_t v2;
		while ((v2 = ctid) != 0)
			syscall(SYS_futex, &ctid, FUTEX_WAIT, v2, NULL, NULL, 0);
		printf("registers, thread: parent's %s, child's first difference %d, "
		       "parent_tid is the thread's tid: %s\n",
		       regs_word(&t, sizeof(t), out), result, ptid == r ? "yes" : "no");
	}
	munmap(stack, stack_size);
}

static void pidfds(void)
{
	int pidfd = -1;
	pid_t ptid = 0;
	struct args a = {.flags = CLONE_PIDFD | CLONE_PARENT_SETTID,
			 .exit_signal = SIGCHLD,
			 .pidfd = (uint64_t)&pidfd,
			 .parent_tid = (uint64_t)&ptid};
	long r = syscall(SYS_clone3, &a, sizeof(a));

	if (r == 0)
		_exit(4);
	if (r < 0) {
		printf("CLONE_PIDFD|CLONE_PARENT_SETTID: %s\n", err_name(errno));
	} else {
		siginfo_t si = {0};
		int w = waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
		printf("CLONE_PIDFD|CLONE_PARENT_SETTID: parent_tid is the pid: %s, waitid on "
		       "the pidfd: %d, status %d\n",
		       ptid == r ? "yes" : "no", w, si.si_status);
		close(pidfd);
	}
	/* Both at one address: refused by clone3 as by clone. */
	a.parent_tid = a.pidfd;
	try("CLONE_PIDFD|CLONE_PARENT_SETTID at one address", &a, sizeof(a));

	/* The child's own tid stored in the child. */
	pid_t ctid = 0;
	struct args c = {
		.flags = CLONE_CHILD_SETTID, .exit_signal = SIGCHLD, .child_tid = (uint64_t)&ctid};
	r = syscall(SYS_clone3, &c, sizeof(c));
	if (r == 0)
		_exit(ctid == getpid() ? 0 : 1);
	int st;
	if (r > 0 && waitpid((pid_t)r, &st, 0) == r)
		printf("CLONE_CHILD_SETTID: child saw its tid: %s\n",
		       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
	else
		printf("CLONE_CHILD_SETTID: %s\n", err_name(errno));
}

static void *thread_fn(void *arg)
{
	return (char *)arg + 1;
}

/* What glibc builds on clone3: threads and posix_spawn. */
static void libc_users(void)
{
	for (int i = 0; i < 4; i++) {
		pthread_t t;
		void *res = NULL;
		if (pthread_create(&t, NULL, thread_fn, (char *)0 + i) != 0 ||
		    pthread_join(t, &res) != 0)
			printf("pthread %d failed\n", i);
		else
			printf("pthread %d returned %ld\n", i, (long)((char *)res - (char *)0));
	}
	char *argv[] = {"sh", "-c", "exit 6", NULL};
	pid_t pid;
	int e = posix_spawnp(&pid, "sh", NULL, NULL, argv, environ);
	int st = 0;
	if (e == 0)
		waitpid(pid, &st, 0);
	printf("posix_spawnp: %s, exit %d\n", e ? err_name(e) : "ok",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void common(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct args a = {.exit_signal = SIGCHLD};
	pid_t tids[2] = {12345, 0};

	setvbuf(stdout, NULL, _IONBF, 0);
	try("NULL struct", NULL, 64);
	try("size 63", &a, 63);
	try("size 4097", &a, 4097);
	try("size 64", &a, 64);
	try("size 88", &a, 88);
	/* The rest of a larger struct must be zero. */
	memcpy(page, &a, sizeof(a));
	try("size 4096, zero tail", page, 4096);
	page[200] = 1;
	try("size 4096, non-zero tail", page, 4096);
	page[200] = 0;
	memcpy(page + 4096 - 96, &a, sizeof(a));
	page[4095] = 1;
	try("size 96, non-zero tail", page + 4096 - 96, 96);
	page[4095] = 0;
	munmap(page + 4096, 4096);
	memcpy(page + 4096 - sizeof(a), &a, sizeof(a));
	try("size 100, tail unreadable", page + 4096 - sizeof(a), 100);

	struct args b = a;
	b.flags = 1ULL << 40;
	try("unknown flag", &b, sizeof(b));
	b.flags = SIGCHLD;
	try("signal in flags", &b, sizeof(b));
	b.flags = 0x00400000; /* CLONE_DETACHED */
	try("CLONE_DETACHED", &b, sizeof(b));
	b = a;
	b.exit_signal = 65;
	try("exit signal 65", &b, sizeof(b));
	b.exit_signal = (1ULL << 32) | SIGCHLD;
	try("exit signal with high bits", &b, sizeof(b));
	b = a;
	b.flags = CLONE_THREAD;
	b.exit_signal = 0;
	try("CLONE_THREAD without CLONE_SIGHAND", &b, sizeof(b));
	b.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	b.exit_signal = SIGCHLD;
	try("CLONE_THREAD with an exit signal", &b, sizeof(b));
	b = a;
	b.flags = CLONE_SIGHAND | CLONE_CLEAR_SIGHAND | CLONE_VM;
	try("CLONE_SIGHAND with CLONE_CLEAR_SIGHAND", &b, sizeof(b));
	b.flags = CLONE_SIGHAND;
	try("CLONE_SIGHAND without CLONE_VM", &b, sizeof(b));
	b = a;
	b.flags = CLONE_NEWNS | CLONE_FS;
	try("CLONE_NEWNS with CLONE_FS", &b, sizeof(b));
	b = a;
	b.stack = (uint64_t)&b;
	try("stack without a size", &b, sizeof(b));
	b.stack = 0;
	b.stack_size = 4096;
	try("stack size without a stack", &b, sizeof(b));
	b.stack = ~0ULL - 4095;
	try("stack beyond user space", &b, sizeof(b));
	b = a;
	b.set_tid_size = 1;
	try("set_tid_size without set_tid", &b, sizeof(b));
	b.set_tid = (uint64_t)tids;
	b.set_tid_size = 0;
	try("set_tid without a size", &b, sizeof(b));
	b.set_tid_size = 33;
	try("set_tid_size 33", &b, sizeof(b));
	b.set_tid = 8;
	b.set_tid_size = 1;
	try("set_tid unreadable", &b, sizeof(b));
	b.set_tid = (uint64_t)(tids + 1);
	try("set_tid 0", &b, sizeof(b));
	b.set_tid = (uint64_t)tids;
	try("set_tid 12345", &b, sizeof(b));
	b = a;
	b.flags = CLONE_INTO_CGROUP;
	try("CLONE_INTO_CGROUP in a version 0 struct", &b, 64);
	b.cgroup = (uint64_t)INT_MAX + 1;
	try("CLONE_INTO_CGROUP fd above INT_MAX", &b, sizeof(b));
	b.cgroup = 999;
	try("CLONE_INTO_CGROUP of a closed fd", &b, sizeof(b));
	int dirfd = open("/", O_RDONLY | O_DIRECTORY);
	b.cgroup = (uint64_t)dirfd;
	try("CLONE_INTO_CGROUP of a directory that is no cgroup", &b, sizeof(b));
	close(dirfd);

	registers();
	pidfds();
	libc_users();
}

/* Refusals of the sandbox's own (see docs/syscalls.md). */
static void sandbox(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2) {
		fprintf(stderr, "clone3_probe sandbox: not inside the sandbox\n");
		exit(2);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	struct args a = {.exit_signal = SIGCHLD};
	pid_t tid = 12345;

	a.flags = CLONE_NEWUSER;
	try("CLONE_NEWUSER", &a, sizeof(a));
	a.flags = CLONE_NEWNET;
	try("CLONE_NEWNET", &a, sizeof(a));
	a.flags = CLONE_UNTRACED;
	try("CLONE_UNTRACED", &a, sizeof(a));
	a.flags = CLONE_CLEAR_SIGHAND;
	try("CLONE_CLEAR_SIGHAND", &a, sizeof(a));
	a.flags = 0;
	a.set_tid = (uint64_t)&tid;
	a.set_tid_size = 1;
	try("set_tid", &a, sizeof(a));
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "common") == 0)
		common();
	else if (argc == 2 && strcmp(argv[1], "sandbox") == 0)
		sandbox();
	else {
		fprintf(stderr, "usage: clone3_probe common|sandbox\n");
		return 2;
	}
	return 0;
}
