/* SPDX-License-Identifier: Apache-2.0 */
/* The argument space of an exec, measured as Linux does (bprm_stack_limits
 * and copy_strings in fs/exec.c): the pointer arrays counted and the strings
 * measured in guest memory, in batches, so that E2BIG and EFAULT are decided
 * at the exec's TRACE stop, before the call is pointed at the loader. */
#include "sentry/exec_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>

#include "common/util.h"

#define ARG_SPACE_MIN (32 * 4096) /* ARG_MAX: allowed whatever the stack limit */
#define STK_LIM	      (8UL << 20) /* _STK_LIM */
/* Argument strings are measured STR_BATCH at a time, from a first read of
 * STR_PEEK bytes each (see strings_len). */
#define STR_BATCH 64
#define STR_PEEK  256
/* Pointers of argv and envp kept from counting them (see guest_vec). */
#define VEC_HEAD 512
#define PAGE	 4096UL

/* A guest pointer array (argv or envp) as counted: its first pointers are
 * kept, so that measuring the strings does not read them again. */
struct guest_vec {
	uint64_t addr;
	size_t count;
	size_t nhead;
	uint64_t head[VEC_HEAD];
};

/* Counts a guest pointer array (NULL ends it; a NULL array is empty). */
static int vector_count(pid_t tid, struct guest_vec *v, size_t max)
{
	uint64_t ptrs[512];

	v->count = 0;
	v->nhead = 0;
	if (!v->addr)
		return 0;
	for (uint64_t addr = v->addr;;) {
		size_t n = (PAGE - (addr & (PAGE - 1))) / sizeof(uint64_t);

		if (n == 0)
			n = 1; /* a pointer straddling two pages */
		if (n > ARRAY_SIZE(ptrs))
			n = ARRAY_SIZE(ptrs);
		int r = guest_read(tid, addr, ptrs, n * sizeof(uint64_t));

		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			if (!ptrs[i])
				return 0;
			if (v->nhead == v->count && v->nhead < VEC_HEAD)
				v->head[v->nhead++] = ptrs[i];
			if (++v->count > max)
				return -E2BIG;
		}
		addr += n * sizeof(uint64_t);
	}
}

/* Pointers i..i+n-1 of a counted array. */
static int vector_ptrs(pid_t tid, const struct guest_vec *v, size_t i, size_t n, uint64_t *out)
{
	size_t kept = i < v->nhead ? v->nhead - i : 0;

	if (n == 0)
		return 0;
	if (kept > n)
		kept = n;
	memcpy(out, v->head + i, kept * sizeof(uint64_t));
	if (kept == n)
		return 0;
	return guest_read(tid, v->addr + (i + kept) * sizeof(uint64_t), out + kept,
			  (n - kept) * sizeof(uint64_t));
}

/* strnlen_user from byte `from` on (the bytes before it hold no NUL): the
 * length of a guest string, -E2BIG beyond MAX_ARG_STRLEN, -EFAULT if
 * unreadable. */
static ssize_t guest_strlen(pid_t tid, uint64_t addr, size_t from)
{
	char buf[PAGE];
	size_t len = from;

	if (!addr)
		return -EFAULT;
	while (len < MAX_ARG_STRLEN) {
		uint64_t a = addr + len;
		size_t n = PAGE - (a & (PAGE - 1));
		int r = guest_read(tid, a, buf, n);

		if (r < 0)
			return r;
		char *nul = memchr(buf, '\0', n);

		if (nul) {
			len += (size_t)(nul - buf);
			return len < MAX_ARG_STRLEN ? (ssize_t)len : -E2BIG;
		}
		len += n;
	}
	return -E2BIG;
}

/* Reads the first bytes of n strings (up to STR_PEEK each, never across a
 * page end: an unreadable page then fails its own string alone) in one
 * call. Returns how many leading strings were read; peek[j] is how many
 * bytes of string j are in buf. */
static size_t strings_peek(pid_t tid, const uint64_t *ptrs, size_t n, char *buf, size_t *peek)
{
	struct iovec local[STR_BATCH], remote[STR_BATCH];
	size_t done = 0, at = 0;

	for (size_t j = 0; j < n; j++) {
		peek[j] = PAGE - (ptrs[j] & (PAGE - 1));
		if (peek[j] > STR_PEEK)
			peek[j] = STR_PEEK;
		local[j] = (struct iovec){.iov_base = buf + j * STR_PEEK, .iov_len = peek[j]};
		remote[j] =
			(struct iovec){.iov_base = (void *)(uintptr_t)ptrs[j], .iov_len = peek[j]};
	}
	ssize_t r = process_vm_readv(tid, local, n, remote, n, 0);

	if (r < 0)
		return 0;
	while (done < n && at + peek[done] <= (size_t)r)
		at += peek[done++];
	return done;
}

/* strnlen_user of n guest strings, in order: len[j] is a length or a
 * negative errno. Stops at the first error and returns its index (n if
 * none). Most strings are short and many: one read measures a batch. */
static size_t strings_len(pid_t tid, const uint64_t *ptrs, size_t n, char *buf, ssize_t *len)
{
	size_t peek[STR_BATCH];

	for (size_t j = 0; j < n;) {
		size_t ok = strings_peek(tid, ptrs + j, n - j, buf, peek);

		for (size_t k = 0; k < ok; k++, j++) {
			const char *str = buf + k * STR_PEEK;
			const char *nul = memchr(str, '\0', peek[k]);

			len[j] = nul ? nul - str : guest_strlen(tid, ptrs[j], peek[k]);
			if (len[j] >= MAX_ARG_STRLEN)
				len[j] = -E2BIG;
			if (len[j] < 0)
				return j;
		}
		if (j < n) {
			/* Where the read stopped: this string alone decides. */
			len[j] = guest_strlen(tid, ptrs[j], 0);
			if (len[j] < 0)
				return j;
			j++;
		}
	}
	return n;
}

int exec_arg_add(struct arg_space *a, size_t bytes)
{
	a->used += bytes;
	return a->used > a->budget ? -E2BIG : 0;
}

/* The pointers of strings k..k+n-1 in the order do_execveat_common copies
 * them: envp's from the last to the first, then argv's likewise. */
static int order_ptrs(pid_t tid, const struct guest_vec *env, const struct guest_vec *argv,
		      size_t k, size_t n, uint64_t *out)
{
	uint64_t got[STR_BATCH];

	for (size_t done = 0; done < n;) {
		bool in_env = k + done < env->count;
		const struct guest_vec *v = in_env ? env : argv;
		size_t pos = in_env ? k + done : k + done - env->count;
		size_t m = v->count - pos < n - done ? v->count - pos : n - done;
		int r = vector_ptrs(tid, v, v->count - pos - m, m, got);

		if (r < 0)
			return r;
		for (size_t j = 0; j < m; j++)
			out[done + j] = got[m - 1 - j];
		done += m;
	}
	return 0;
}

/* copy_strings of envp, then argv: each string's length against the
 * space left, in Linux's order, so that the first error is Linux's. */
static int vector_strings(pid_t tid, const struct guest_vec *env, const struct guest_vec *argv,
			  struct arg_space *a)
{
	_cleanup_free_ char *buf = xmalloc(STR_BATCH * STR_PEEK);
	uint64_t ptrs[STR_BATCH];
	ssize_t len[STR_BATCH];
	size_t total = env->count + argv->count;

	for (size_t i = 0; i < total;) {
		size_t n = total - i < STR_BATCH ? total - i : STR_BATCH;
		int r = order_ptrs(tid, env, argv, i, n, ptrs);

		if (r < 0)
			return r;
		size_t good = strings_len(tid, ptrs, n, buf, len);

		for (size_t j = 0; j < n; j++, i++) {
			if (j == good)
				return (int)len[j];
			if (argv->count && i == total - 1)
				a->argv0_len = (size_t)len[j]; /* argv[0] comes last */
			r = exec_arg_add(a, (size_t)len[j] + 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* bprm_stack_limits and copy_strings: E2BIG and EFAULT as Linux decides. */
int exec_check_args(struct sc_ctx *c, const struct exec_call *call, const char *filename,
		    struct arg_space *a)
{
	pid_t tid = c->t->tid;
	size_t limit = STK_LIM / 4 * 3, rlim = task_rlimit(c->s, tid, RLIMIT_STACK, STK_LIM);
	size_t ptrs;
	int r;

	if (rlim / 4 < limit)
		limit = rlim / 4;
	if (limit < ARG_SPACE_MIN)
		limit = ARG_SPACE_MIN;

	_cleanup_free_ struct guest_vec *argv = xmalloc(sizeof(*argv));
	_cleanup_free_ struct guest_vec *env = xmalloc(sizeof(*env));

	argv->addr = call->argv_addr;
	env->addr = call->envp_addr;
	r = vector_count(tid, argv, limit / sizeof(void *));
	if (r < 0)
		return r;
	r = vector_count(tid, env, limit / sizeof(void *));
	if (r < 0)
		return r;
	ptrs = ((argv->count ? argv->count : 1) + env->count) * sizeof(void *);
	if (limit <= ptrs)
		return -E2BIG;
	a->budget = limit - ptrs;
	a->used = 0;
	a->argv0_len = 0;
	r = exec_arg_add(a, strlen(filename) + 1);
	if (r == 0)
		r = vector_strings(tid, env, argv, a);
	if (r == 0 && argv->count == 0)
		r = exec_arg_add(a, 1); /* Linux runs an empty argv with argv[0] = "" */
	return r;
}
