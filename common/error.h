/* SPDX-License-Identifier: Apache-2.0 */
/* An error value for setup code: an errno and a message that names what
 * failed, filled where the failure happens and given context on the way up
 * ("opening a terminal: ..."), then printed once by whoever reports to the
 * user. The per-syscall paths of the sentry and the gofer keep returning
 * -errno: this is for the steps that build a sandbox, not for handlers. */
#ifndef RUNSC_COMMON_ERROR_H
#define RUNSC_COMMON_ERROR_H

#include <stdio.h>

struct rc_error {
	int errno_value; /* what failed, as an errno (EIO where none applies) */
	char msg[512];	 /* what failed and why, without a program prefix */
};

/* Sets err (NULL: only the return value) to the message fmt makes. Returns
 * -errno_value (-EIO when errno_value is 0), for `return rc_error_set(...)`. */
int rc_error_set(struct rc_error *err, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with ": strerror(errno_value)" appended. */
int rc_error_set_errno(struct rc_error *err, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Puts context in front of the message: "CONTEXT: message". Returns
 * -err->errno_value as rc_error_set does. */
int rc_error_context(struct rc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "prefix: message" and a newline to out. */
void rc_error_print(const struct rc_error *err, const char *prefix, FILE *out);

#endif
