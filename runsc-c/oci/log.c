/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI runtime's messages. Errors go to stderr and to the --log file,
 * where containerd and podman read them after a failed call: with
 * --log-format json as runc writes them, one JSON object a line
 * ({"level":"error","msg":"...","time":"..."}), else as runc's text lines
 * (time="..." level=error msg="..."). Warnings and debug messages go to the
 * log only, or to stderr when there is none. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

static int log_fd = -1;

void oci_time_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", date, ts.tv_nsec);
}

int oci_log_open(void)
{
	if (!oci_globals.log_path)
		return 0;
	log_fd = open(oci_globals.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		fprintf(stderr, "runsc-c: --log: '%s': %s\n", oci_globals.log_path,
			strerror(errno));
		return -1;
	}
	return 0;
}

int oci_log_fd(void)
{
	return log_fd;
}

/* One line in the log, written at once (several processes may append). */
static void log_line(const char *level, const char *msg)
{
	char now[64];
	oci_time_now(now, sizeof(now));
	char *line = NULL;
	if (oci_globals.log_json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(now));
		xasprintf(&line, "%s\n",
			  json_object_to_json_string_ext(
				  o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		/* Quoted as Go's %q would quote it, for the characters that
		 * matter: the quote and the backslash. */
		struct json_object *s = json_object_new_string(msg);
		xasprintf(&line, "time=\"%s\" level=%s msg=%s\n", now, level,
			  json_object_to_json_string_ext(s, JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(s);
	}
	(void)!write(log_fd, line, strlen(line));
	free(line);
}

static void vmessage(const char *level, bool to_stderr, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_fd >= 0)
		log_line(level, msg);
	if (to_stderr || log_fd < 0) {
		char *line = NULL;
		xasprintf(&line, "runsc-c: %s\n", msg);
		(void)!write(STDERR_FILENO, line, strlen(line));
		free(line);
	}
}

void oci_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("error", true, fmt, ap);
	va_end(ap);
}

void oci_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage("warning", false, fmt, ap);
	va_end(ap);
}

void oci_debug(const char *fmt, ...)
{
	if (!oci_globals.debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmessage("debug", false, fmt, ap);
	va_end(ap);
}
