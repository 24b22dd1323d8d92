/* SPDX-License-Identifier: Apache-2.0 */
/* The one syscall table: a row per x86-64 syscall. The guest filter, the
 * `runsc-c syscalls` report and the docs are generated from it; a handler not
 * in the table does not exist. */
#ifndef RUNSC_SYSCALLS_TABLE_H
#define RUNSC_SYSCALLS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sc_ctx;

enum sc_class {
	SC_NATIVE, /* SECCOMP_RET_ALLOW, possibly after argument checks in BPF */
	SC_SENTRY, /* SECCOMP_RET_USER_NOTIF: the handler emulates it */
	SC_EXEC,   /* SECCOMP_RET_TRACE: the sentry's exec path */
	SC_DENIED, /* SECCOMP_RET_ERRNO(err) */
	SC_TRACED, /* SECCOMP_RET_TRACE, then native: the sentry drops what it
		      cached of the thread's identity (ids, groups, caps, umask) */
	SC_NCLASSES,
};

enum sc_status {
	SC_SUPPORTED,
	SC_PARTIAL,	/* note says what is missing */
	SC_UNSUPPORTED, /* returns err */
};

/* An argument check compiled into BPF for a native row. Rules are tried in
 * order; a call matching none goes to the sentry, whose handler answers it
 * (e.g. ENOTTY for an unknown ioctl). A traced row's rules split its calls
 * into those that run natively and those that stop (SCR_TRACE) and must
 * leave none over. */
enum sc_rule_op {
	SCR_EQ,	       /* arg == a */
	SCR_MASKED_EQ, /* (arg & a) == b */
	SCR_NE,	       /* arg != a */
	SCR_LT,	       /* arg < a (unsigned, all 64 bits) */
	SCR_GT,	       /* arg > a (unsigned, all 64 bits) */
};
enum sc_rule_action {
	SCR_ALLOW,
	SCR_ERRNO, /* fail with err */
	SCR_TRACE, /* a traced row's stop (SECCOMP_RET_TRACE) */
};
struct sc_cond {
	unsigned int arg; /* 0..5 */
	enum sc_rule_op op;
	uint64_t a, b;
};
/* A rule matches when all its conditions (on different args) hold. */
#define SC_RULE_MAX_COND 3
struct sc_rule {
	enum sc_rule_action action;
	int err;
	unsigned int ncond; /* 1..SC_RULE_MAX_COND */
	struct sc_cond cond[SC_RULE_MAX_COND];
};

typedef int (*sc_handler)(struct sc_ctx *c);

struct sc_row {
	int nr;
	const char *name;
	enum sc_class cls;
	sc_handler handler; /* SC_SENTRY rows, and native rows whose rules leave
			     * calls to the sentry: answers the notification */
	sc_handler trace;   /* SC_EXEC and SC_TRACED rows: runs at the call's
			     * PTRACE_EVENT_SECCOMP stop (sentry/ptrace.c) */
	const struct sc_rule *rules;
	size_t nrules;
	/* A native row that only the egress variant of the guest filter
	 * narrows: with network mode egress its rules (none: no call) stay
	 * native and the rest goes to the handler; otherwise every call runs
	 * natively (the guest's network namespace holds only loopback). */
	bool net_egress;
	enum sc_status status;
	int err;	  /* SC_DENIED / SC_UNSUPPORTED: the errno returned */
	const char *note; /* SC_PARTIAL: what is missing */
	const char *why;  /* one line: why this class is safe */
};

extern const struct sc_row sc_table[];
extern const size_t sc_table_len;

/* Row for a syscall number, or NULL (unknown: ENOSYS + audit). */
const struct sc_row *sc_lookup(int nr);
const struct sc_row *sc_lookup_name(const char *name);

/* "native", "sentry", "exec", "denied"; "supported", "partial", "unsupported". */
const char *sc_class_name(enum sc_class cls);
const char *sc_status_name(enum sc_status status);

/* SECCOMP_RET_DATA of the SECCOMP_RET_TRACE rows, per class, which the
 * sentry's ptrace dispatcher reads at the PTRACE_EVENT_SECCOMP stop. A
 * guest's own stacked filter may return TRACE with any data for any call
 * (and of two filters returning TRACE, the kernel reports the data of the
 * one installed last: the guest's), so the dispatcher takes the row from the
 * syscall number and the data only tells whether the stop is the table's. */
#define SC_EXEC_TRACE_DATA  1 /* SC_EXEC rows */
#define SC_CREDS_TRACE_DATA 2 /* SC_TRACED rows */
/* The data a class's TRACE carries, or 0 for a class that does not trace. */
uint16_t sc_trace_data(enum sc_class cls);

/* Builds the guest filter from the table and loads it into the calling
 * thread with SECCOMP_FILTER_FLAG_NEW_LISTENER (and WAIT_KILLABLE_RECV).
 * Returns the listener fd or -errno. Requires no_new_privs. */
int sc_filter_install_guest(void);
/* Builds and caches the guest filter's BPF without loading it, so that a
 * launcher can pay for it once before forking guests. 0 or -errno. */
int sc_filter_prepare_guest(void);
/* The same for a sandbox whose policy's network mode is egress: the
 * net_egress rows send what their rules do not allow to the sentry. Built
 * at run time (only the plain filter is embedded). */
int sc_filter_prepare_guest_egress(void);
int sc_filter_install_guest_egress(void);
/* Exports the guest filter as BPF (for tests): writes to fd. */
int sc_filter_export_guest(int fd);
/* A policy's syscalls.deny: builds (before forking) a second filter that
 * fails these numbers with EPERM and allows the rest; n == 0 builds none.
 * 0 or -errno. */
int sc_filter_prepare_policy(const int *nrs, size_t n);
/* Loads the filter prepared above into the calling thread, on top of the
 * guest filter (which lets seccomp(2) without a listener through); 0 when
 * there is none. Requires no_new_privs. 0 or -errno. */
int sc_filter_install_policy(void);

/* Counts per class and status (for the report and the README). */
struct sc_counts {
	size_t cls[SC_NCLASSES];
	size_t status[3];
	size_t total;
};
void sc_table_count(struct sc_counts *out);

/* Prints the table (`runsc-c syscalls`); format "text" or "markdown". */
int sc_table_print(FILE *out, const char *format);

#endif
