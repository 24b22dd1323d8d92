/* SPDX-License-Identifier: Apache-2.0 */
/* The error value of setup code (common/error.h). */
#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static int error_return(int errno_value)
{
	return errno_value > 0 ? -errno_value : -EIO;
}

static void error_vset(struct rc_error *err, int errno_value, const char *fmt, va_list ap)
{
	err->errno_value = errno_value > 0 ? errno_value : EIO;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int rc_error_set(struct rc_error *err, int errno_value, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		error_vset(err, errno_value, fmt, ap);
		va_end(ap);
	}
	return error_return(errno_value);
}

int rc_error_set_errno(struct rc_error *err, int errno_value, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		error_vset(err, errno_value, fmt, ap);
		va_end(ap);
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(err->errno_value));
	}
	return error_return(errno_value);
}

int rc_error_context(struct rc_error *err, const char *fmt, ...)
{
	if (!err)
		return -EIO;
	char context[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	/* "CONTEXT: " moves the message right; what no longer fits is cut. */
	size_t len = n > 0 ? (size_t)n + 2 : 0;
	if (len > 2 && len < sizeof(err->msg)) {
		size_t keep = strnlen(err->msg, sizeof(err->msg) - 1);
		if (keep > sizeof(err->msg) - 1 - len)
			keep = sizeof(err->msg) - 1 - len;
		memmove(err->msg + len, err->msg, keep);
		err->msg[len + keep] = 0;
		memcpy(err->msg, context, len - 2);
		memcpy(err->msg + len - 2, ": ", 2);
	}
	return error_return(err->errno_value);
}

void rc_error_print(const struct rc_error *err, const char *prefix, FILE *out)
{
	fprintf(out, "%s: %s\n", prefix, err->msg);
	fflush(out);
}
