/* SPDX-License-Identifier: Apache-2.0 */
/* Audit records of policy decisions and of the syscall table's refusals
 * that reach the sentry: one JSON line each, on the fd the command line
 * opened (struct sentry.audit_fd). */
#ifndef RUNSC_SENTRY_AUDIT_H
#define RUNSC_SENTRY_AUDIT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>

struct sc_ctx;

/* The access an open(2) with these flags asks for. */
static inline const char *audit_open_access(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) ? "write" : "read";
}

/* Records one decision of the policy when the policy asks for it
 * (audit.denied for refusals, audit.allowed for the rest) and an audit fd
 * is open. syscall: the name to record, or NULL for the call c answers.
 * object: the path (or address) asked for. access: "read", "write",
 * "exec", "connect", ... rule_index: the filesystem or exec rule that
 * decided, or POLICY_NO_RULE. The record goes out in a single write(2), so
 * that records of concurrent writers to an O_APPEND file never interleave. */
void audit_decision(struct sc_ctx *c, const char *syscall, const char *object, const char *access,
		    bool allow, uint32_t rule_index);
/* Whether a decision that allows (or denies) is recorded at all: a caller
 * can skip making the record's text when it is not. */
bool audit_wanted(struct sc_ctx *c, bool allow);
/* The same for a decision of a network rule (an index of policy_net_rule(),
 * or POLICY_NO_RULE). access: "connect", "send" or "socket". host: a name
 * the sandbox's resolver bound to the address ("host": ..., for `policy
 * learn`), or NULL or "". */
void audit_net_decision(struct sc_ctx *c, const char *object, const char *host, const char *access,
			bool allow, uint32_t net_rule);
/* Records a call the syscall table has no handler for (an unknown number),
 * which the sentry answers ENOSYS: "object": "nr N", "access": "syscall",
 * "decision": "deny", "rule": null. A refusal of the table rather than of a
 * policy, so it is written whenever an audit fd is open, with or without a
 * policy, unless the policy turns refusals off (audit.denied: false). */
void audit_unknown_syscall(struct sc_ctx *c);

#endif
