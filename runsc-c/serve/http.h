/* SPDX-License-Identifier: Apache-2.0 */
/* What the HTTP side's files share (http.c: requests, answers, routing;
 * exec.c: streamed execs and their signals). */
#ifndef RUNSC_SERVE_HTTP_H
#define RUNSC_SERVE_HTTP_H

#include <json-c/json.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct upload;

/* A request's body as it comes in; a file upload goes to its writer. */
struct req {
	char *body;
	size_t len;
	bool too_big;
	bool is_upload; /* PUT /sandboxes/ID/files */
	char sid[32];
	struct upload *upload;
	/* POST /sandboxes/ID/exec/N/stdin: exec N, and how the writing goes
	 * (exec_input.c). */
	bool is_stdin;
	char exec_no[24];
	struct stdin_write *stdin_write;
};

/* Answers with o (taken). */
enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct json_object *o);
/* Answers len bytes of type. */
enum MHD_Result reply_bytes(struct MHD_Connection *c, unsigned status, const char *type,
			    const char *bytes, size_t len);
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

struct sbx;

/* A process in a sandbox, as the daemon holds it: the OCI exec protocol's
 * connection to the monitor, its stdin (non-blocking) and its stdout and
 * stderr (non-blocking). -1: none. */
struct guest_io {
	int sock;
	int out_r;
	int err_r;
	int in_w;
	/* Set by the caller: the process gets a terminal (its JSON says
	 * "terminal": true). Then out_r is the terminal's master, in_w a
	 * copy of it, err_r -1. */
	bool tty;
	/* Set by the caller: one of the guest init's builtins (enum
	 * exec_builtin, common/exec_proto.h) in place of exec'ing argv[0],
	 * or 0. */
	uint32_t builtin;
};

/* The process JSON: argv, env (the monitor's, the sandbox's, env's, each
 * over the one before; env may be NULL), cwd (NULL: the sandbox's). */
struct json_object *process_json(const struct sbx *s, struct json_object *argv,
				 struct json_object *env, struct json_object *cwd);
/* Asks s's monitor for the process and waits until it runs: 0 and io, or
 * an HTTP status with msg (io may hold fds then: guest_io_close). */
int exec_start(struct sbx *s, struct json_object *proc, struct guest_io *io, int *guest_pid,
	       char *msg, size_t msg_size);
void guest_io_close(struct guest_io *io);
/* Reads the protocol's messages until the process ended: its status, or
 * 128 + SIGKILL if the sandbox ended under it. Closes io->sock. */
int exec_wait(struct guest_io *io);

/* POST /sandboxes/ID/exec and /sandboxes/ID/exec/N/signal (exec.c), and
 * /sandboxes/ID/exec/N/resize (exec_input.c). */
enum MHD_Result http_exec(struct MHD_Connection *c, const struct req *rq, const char *id);
enum MHD_Result http_exec_signal(struct MHD_Connection *c, const struct req *rq, const char *sid,
				 const char *no_text);
enum MHD_Result http_exec_resize(struct MHD_Connection *c, const struct req *rq, const char *sid,
				 const char *no_text);
/* POST /sandboxes/ID/exec/N/stdin[?eof=1]: the body, streamed as it
 * comes, is written to the process's stdin (exec_input.c). */
void http_stdin_data(struct MHD_Connection *c, struct req *rq, const char *data, size_t size);
enum MHD_Result http_stdin_end(struct MHD_Connection *c, struct req *rq);
void http_stdin_free(struct req *rq);

/* Copies buf[0..len) (NUL-terminated after) into out (3 * len bytes) as
 * valid UTF-8: a byte that begins no valid sequence becomes U+FFFD. */
size_t utf8_clean(const unsigned char *buf, size_t len, char *out);

/* GET /sandboxes/ID/files?path=P[&list=1]; PUT streams the body into
 * the file (files.c). */
enum MHD_Result http_files_get(struct MHD_Connection *c, const char *sid);
bool http_files_put_data(struct MHD_Connection *c, struct req *rq, const char *sid,
			 const char *data, size_t size);
enum MHD_Result http_files_put_end(struct MHD_Connection *c, struct req *rq, const char *sid);
void http_files_put_free(struct req *rq);

/* GET /sandboxes/ID/watch?path=DIR: its inotify events as JSON lines
 * (watch.c). */
enum MHD_Result http_watch(struct MHD_Connection *c, const char *sid);

#endif
