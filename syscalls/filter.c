/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's seccomp filter, generated from the syscall table:
 *   native rows  -> SECCOMP_RET_ALLOW (or their argument rules)
 *   sentry rows  -> the default action, SECCOMP_RET_USER_NOTIF
 *   exec rows    -> SECCOMP_RET_TRACE with data 1 (SC_EXEC_TRACE_DATA)
 *   traced rows  -> SECCOMP_RET_TRACE with data 2 (SC_CREDS_TRACE_DATA); with
 *                   argument rules, the calls they stop, the rest native
 *   denied rows  -> SECCOMP_RET_ERRNO(err): the kernel answers, the sentry
 *                   never hears of the call
 *   unknown nrs  -> SECCOMP_RET_USER_NOTIF (the sentry answers ENOSYS + audit)
 *   other arches -> SECCOMP_RET_KILL_PROCESS (int 0x80 and x32 calls)
 *
 * libseccomp compiles the table once per process; the program is kept and
 * loaded with a raw seccomp(2), because libseccomp 2.5 cannot ask for
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV. */
#include "syscalls/table.h"

#include <errno.h>
#include <linux/filter.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/bpf_blob.h"
#include "common/compat.h"

static pthread_mutex_t guest_prog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sock_filter *guest_prog;
static unsigned short guest_prog_len;

static int rule_cmp(const struct sc_cond *c, struct scmp_arg_cmp *out)
{
	if (c->arg > 5)
		return -EINVAL;
	switch (c->op) {
	case SCR_EQ:
		*out = SCMP_CMP64(c->arg, SCMP_CMP_EQ, c->a, 0);
		return 0;
	case SCR_MASKED_EQ:
		*out = SCMP_CMP64(c->arg, SCMP_CMP_MASKED_EQ, c->a, c->b);
		return 0;
	case SCR_NE:
		*out = SCMP_CMP64(c->arg, SCMP_CMP_NE, c->a, 0);
		return 0;
	case SCR_LT:
		*out = SCMP_CMP64(c->arg, SCMP_CMP_LT, c->a, 0);
		return 0;
	case SCR_GT:
		*out = SCMP_CMP64(c->arg, SCMP_CMP_GT, c->a, 0);
		return 0;
	default:
		return -EINVAL;
	}
}

static int add_rule(scmp_filter_ctx ctx, int nr, const struct sc_rule *rule)
{
	struct scmp_arg_cmp cmp[SC_RULE_MAX_COND];
	uint32_t action;
	int r;

	if (rule->ncond < 1 || rule->ncond > SC_RULE_MAX_COND)
		return -EINVAL;
	for (unsigned int i = 0; i < rule->ncond; i++) {
		r = rule_cmp(&rule->cond[i], &cmp[i]);
		if (r < 0)
			return r;
	}
	switch (rule->action) {
	case SCR_ALLOW:
		action = SCMP_ACT_ALLOW;
		break;
	case SCR_ERRNO:
		action = SCMP_ACT_ERRNO((uint32_t)rule->err);
		break;
	case SCR_TRACE:
		action = SCMP_ACT_TRACE(sc_trace_data(SC_TRACED));
		break;
	default:
		return -EINVAL;
	}
	return seccomp_rule_add_exact_array(ctx, action, nr, rule->ncond, cmp);
}

static int add_row(scmp_filter_ctx ctx, const struct sc_row *row, bool egress)
{
	int r;

	switch (row->cls) {
	case SC_NATIVE:
		if (row->net_egress && !egress)
			return seccomp_rule_add_exact(ctx, SCMP_ACT_ALLOW, row->nr, 0);
		if (!row->nrules && !row->net_egress)
			return seccomp_rule_add_exact(ctx, SCMP_ACT_ALLOW, row->nr, 0);
		for (size_t i = 0; i < row->nrules; i++) {
			r = add_rule(ctx, row->nr, &row->rules[i]);
			if (r < 0)
				return r;
		}
		return 0;
	case SC_SENTRY:
		/* The default action already notifies; libseccomp refuses
		 * rules whose action equals the default. */
		return 0;
	case SC_TRACED:
		for (size_t i = 0; i < row->nrules; i++) {
			r = add_rule(ctx, row->nr, &row->rules[i]);
			if (r < 0)
				return r;
		}
		if (row->nrules)
			return 0;
		/* fall through */
	case SC_EXEC:
		return seccomp_rule_add_exact(ctx, SCMP_ACT_TRACE(sc_trace_data(row->cls)), row->nr,
					      0);
	case SC_DENIED:
		return seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO((uint32_t)row->err), row->nr, 0);
	default:
		return -EINVAL;
	}
}

static int build_ctx(scmp_filter_ctx *out, bool egress)
{
	scmp_filter_ctx ctx;
	int r;

	ctx = seccomp_init(SCMP_ACT_NOTIFY);
	if (!ctx)
		return -ENOMEM;
	/* A 32-bit (int 0x80) call fails the arch check; libseccomp sends x32
	 * numbers (nr >= 0x40000000) of an x86-64-only filter to the same
	 * action. tests/unit/test_filter.c checks both. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* A binary search over syscall numbers instead of a linear chain. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; r == 0 && i < sc_table_len; i++)
		r = add_row(ctx, &sc_table[i], egress);
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

/* libseccomp 2.5 exports only to an fd: go through a memfd. */
static int export_to_memory(scmp_filter_ctx ctx, struct sock_filter **prog, unsigned short *len)
{
	struct sock_filter *buf;
	off_t size;
	int memfd;
	int r;

	memfd = memfd_create("runsc-guest-bpf", MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, memfd);
	if (r < 0)
		goto out;
	size = lseek(memfd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = -E2BIG;
		goto out;
	}
	buf = malloc((size_t)size);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if (pread(memfd, buf, (size_t)size, 0) != size) {
		free(buf);
		r = -EIO;
		goto out;
	}
	*prog = buf;
	*len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	r = 0;
out:
	close(memfd);
	return r;
}

/* The filter compiled at build time (runsc-c embeds it; the build-time tool
 * and the unit tests, which do not, compile it at run time). */
extern const char runsc_guest_bpf[] __attribute__((weak));
extern const char runsc_guest_bpf_end[] __attribute__((weak));

static bool use_embedded(void)
{
	struct sock_fprog prog;
	if (bpf_blob_prog(runsc_guest_bpf, runsc_guest_bpf_end, &prog) < 0)
		return false;
	guest_prog = prog.filter;
	guest_prog_len = prog.len;
	return true;
}

int sc_filter_prepare_guest(void)
{
	scmp_filter_ctx ctx;
	int r = 0;

	pthread_mutex_lock(&guest_prog_lock);
	if (guest_prog || use_embedded())
		goto out;
	r = build_ctx(&ctx, false);
	if (r < 0)
		goto out;
	r = export_to_memory(ctx, &guest_prog, &guest_prog_len);
	seccomp_release(ctx);
out:
	pthread_mutex_unlock(&guest_prog_lock);
	return r;
}

/* The egress variant, built at run time by the first sandbox that asks. */
static struct sock_filter *egress_prog;
static unsigned short egress_prog_len;

int sc_filter_prepare_guest_egress(void)
{
	scmp_filter_ctx ctx;
	int r = 0;

	pthread_mutex_lock(&guest_prog_lock);
	if (egress_prog)
		goto out;
	r = build_ctx(&ctx, true);
	if (r < 0)
		goto out;
	r = export_to_memory(ctx, &egress_prog, &egress_prog_len);
	seccomp_release(ctx);
out:
	pthread_mutex_unlock(&guest_prog_lock);
	return r;
}

static int install_listener(struct sock_fprog prog)
{
	int listener_fd = sys_seccomp(
		SECCOMP_SET_MODE_FILTER,
		SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	/* Linux before 5.19 lacks WAIT_KILLABLE_RECV: the guest then runs,
	 * but a notified call interrupted by a signal is retried. */
	if (listener_fd < 0 && errno == EINVAL)
		listener_fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
					  &prog);
	if (listener_fd < 0)
		return -errno;
	return listener_fd;
}

int sc_filter_install_guest(void)
{
	int r = sc_filter_prepare_guest();
	if (r < 0)
		return r;
	return install_listener((struct sock_fprog){.len = guest_prog_len, .filter = guest_prog});
}

int sc_filter_install_guest_egress(void)
{
	int r = sc_filter_prepare_guest_egress();
	if (r < 0)
		return r;
	return install_listener((struct sock_fprog){.len = egress_prog_len, .filter = egress_prog});
}

int sc_filter_export_guest(int fd)
{
	const char *p;
	size_t left;
	int r;

	r = sc_filter_prepare_guest();
	if (r < 0)
		return r;
	p = (const char *)guest_prog;
	left = guest_prog_len * sizeof(struct sock_filter);
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* A policy's syscalls.deny, stacked on the guest filter: when filters
 * disagree the kernel takes the most restrictive action, so ERRNO here wins
 * over the guest filter's ALLOW, TRACE and USER_NOTIF. */
static struct sock_filter *policy_prog;
static unsigned short policy_prog_len;

int sc_filter_prepare_policy(const int *nrs, size_t n)
{
	scmp_filter_ctx ctx;
	int r = 0;

	if (n == 0)
		return 0;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* Other architectures are the guest filter's to kill. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EPERM), nrs[i], 0);
	if (r == 0) {
		free(policy_prog);
		policy_prog = NULL;
		r = export_to_memory(ctx, &policy_prog, &policy_prog_len);
	}
	seccomp_release(ctx);
	return r;
}

int sc_filter_install_policy(void)
{
	struct sock_fprog prog;

	if (!policy_prog)
		return 0;
	prog.len = policy_prog_len;
	prog.filter = policy_prog;
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -errno : 0;
}
