/* SPDX-License-Identifier: Apache-2.0 */
/* What the HTTP side's files share (http.c: requests, answers, routing;
 * exec.c: streamed execs and their signals). */
#ifndef RUNSC_SERVE_HTTP_H
#define RUNSC_SERVE_HTTP_H

#include <json-c/json.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

/* A request's body as it comes in. */
struct req {
	char *body;
	size_t len;
	bool too_big;
};

/* Answers with o (taken). */
enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct json_object *o);
/* Answers {"error": ...}. */
enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The body as a JSON object whose members are all in allowed (an empty
 * body is {}); NULL after an answer was queued into *ret. */
struct json_object *body_object(struct MHD_Connection *c, const struct req *rq,
				const char *const *allowed, enum MHD_Result *ret);
/* Checks member name of o is of type t (when present): its value or NULL
 * into *out; false after an answer was queued. */
bool member(struct MHD_Connection *c, struct json_object *o, const char *name, json_type t,
	    struct json_object **out, enum MHD_Result *ret);
/* A string with no NUL and at most max bytes. */
bool plain_string(struct json_object *v, size_t max);
bool check_env(struct MHD_Connection *c, struct json_object *env, enum MHD_Result *ret);
bool check_cwd(struct MHD_Connection *c, struct json_object *cwd, enum MHD_Result *ret);

/* POST /sandboxes/ID/exec and /sandboxes/ID/exec/N/signal (exec.c). */
enum MHD_Result http_exec(struct MHD_Connection *c, const struct req *rq, const char *id);
enum MHD_Result http_exec_signal(struct MHD_Connection *c, const struct req *rq, const char *sid,
				 const char *no_text);

#endif
