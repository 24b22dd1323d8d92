/* SPDX-License-Identifier: Apache-2.0 */
/* One JSON line per policy decision, and per call the syscall table has no
 * handler for (audit_unknown_syscall):
 *   {"time": "2026-01-02T03:04:05.678Z", "sandbox": "...", "pid": 7,
 *    "comm": "sh", "syscall": "openat", "object": "/data/x", "access": "read",
 *    "decision": "deny", "rule": "policy.yaml:12"}
 * "rule" is null when no rule of the file decided (a path that is not in
 * resolved form). Strings are escaped so that any path makes valid JSON:
 * invalid UTF-8 bytes become \u00XX, and a record whose object had such
 * bytes says so with "object_invalid_utf8": true (a reader cannot tell
 * \u00e9 from a valid "é" otherwise). */
#include "sentry/audit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/utf8.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sentry/sentry.h"
#include "syscalls/table.h"

/* Weak: unit tests link parts of the sentry without the syscall table (their
 * callers name the syscall); a record then carries the number. */
extern const struct sc_row *sc_lookup(int nr) __attribute__((weak));

struct jbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		jb_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* s as a JSON string (or null); false when s was not valid UTF-8. */
static bool jb_str(struct jbuf *b, const char *s)
{
	if (!s) {
		jb_put(b, "null", 4);
		return true;
	}
	char *esc = malloc(6 * strlen(s) + 1);
	bool valid = true;

	if (!esc) {
		b->failed = true;
		return true;
	}
	size_t n = utf8_json_escape(s, esc, &valid);
	jb_put(b, "\"", 1);
	jb_put(b, esc, n);
	jb_put(b, "\"", 1);
	free(esc);
	return valid;
}

static bool jb_field(struct jbuf *b, const char *key, const char *value)
{
	jb_printf(b, ", \"%s\": ", key);
	return jb_str(b, value);
}

static void audit_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* The calling thread's name as the kernel has it, else its program's. */
static void task_comm(struct sc_ctx *c, char *buf, size_t size)
{
	_cleanup_free_ char *text = NULL;
	char path[64];

	buf[0] = '\0';
	if (!c->t)
		return;
	snprintf(path, sizeof(path), "%d/comm", c->t->tid);
	if (read_file_at(c->s->host_procfd, path, &text) >= 0 && text[0]) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(buf, size, "%s", text);
		return;
	}
	if (c->t->exe) {
		const char *base = strrchr(c->t->exe, '/');

		snprintf(buf, size, "%s", base ? base + 1 : c->t->exe);
	}
}

bool audit_wanted(struct sc_ctx *c, bool allow)
{
	const struct policy_view *pv = c->s->policy;
	if (!pv || c->s->audit_fd < 0)
		return false;
	return allow ? policy_audit_allowed(pv) : policy_audit_denied(pv);
}

/* rule: where the deciding rule was written, or NULL. */
static void audit_record(struct sc_ctx *c, const char *syscall, const char *object,
			 const char *host, const char *access, bool allow, const char *rule)
{
	struct sentry *s = c->s;
	struct jbuf b = {0};
	char when[64], comm[64], nr_name[16];

	if (!syscall && c->req && sc_lookup && sc_lookup(c->req->data.nr))
		syscall = sc_lookup(c->req->data.nr)->name;
	if (!syscall) {
		snprintf(nr_name, sizeof(nr_name), "%d", c->req ? c->req->data.nr : -1);
		syscall = nr_name;
	}
	audit_time(when, sizeof(when));
	task_comm(c, comm, sizeof(comm));

	jb_put(&b, "{\"time\": ", 9);
	jb_str(&b, when);
	jb_field(&b, "sandbox", s->sandbox_id);
	if (c->t)
		task_vids(s, c->t);
	jb_printf(&b, ", \"pid\": %d", c->t ? (int)c->t->vtgid : 0);
	jb_field(&b, "comm", comm);
	jb_field(&b, "syscall", syscall);
	if (!jb_field(&b, "object", object ? object : ""))
		jb_put(&b, ", \"object_invalid_utf8\": true", 29);
	if (host && host[0])
		jb_field(&b, "host", host);
	jb_field(&b, "access", access);
	jb_field(&b, "decision", allow ? "allow" : "deny");
	jb_field(&b, "rule", rule);
	jb_put(&b, "}\n", 2);
	if (!b.failed) {
		ssize_t n;

		do
			n = write(s->audit_fd, b.p, b.len);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)b.len)
			log_debug("audit record: %s", n < 0 ? strerror(errno) : "short write");
	}
	free(b.p);
}

void audit_decision(struct sc_ctx *c, const char *syscall, const char *object, const char *access,
		    bool allow, uint32_t rule_index)
{
	char rule[POLICY_PATH_MAX + 16];
	const char *file;
	uint32_t line;

	if (!audit_wanted(c, allow))
		return;
	bool has_rule = policy_rule_origin(c->s->policy, rule_index, &file, &line) == 0;
	if (has_rule)
		snprintf(rule, sizeof(rule), "%s:%u", file, line);
	audit_record(c, syscall, object, NULL, access, allow, has_rule ? rule : NULL);
}

void audit_net_decision(struct sc_ctx *c, const char *object, const char *host, const char *access,
			bool allow, uint32_t net_rule)
{
	char rule[POLICY_PATH_MAX + 16];
	const char *file;
	uint32_t line;

	if (!audit_wanted(c, allow))
		return;
	bool has_rule = policy_net_rule_origin(c->s->policy, net_rule, &file, &line) == 0;
	if (has_rule)
		snprintf(rule, sizeof(rule), "%s:%u", file, line);
	audit_record(c, NULL, object, host, access, allow, has_rule ? rule : NULL);
}

void audit_unknown_syscall(struct sc_ctx *c)
{
	const struct policy_view *pv = c->s->policy;
	char object[32];

	if (c->s->audit_fd < 0 || (pv && !policy_audit_denied(pv)))
		return;
	snprintf(object, sizeof(object), "nr %d", c->req->data.nr);
	audit_record(c, NULL, object, NULL, "syscall", false, NULL);
}
