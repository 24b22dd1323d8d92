/* SPDX-License-Identifier: Apache-2.0 */
/* A running exec of the service as exec.c streams it, shared with
 * exec_input.c, which writes its stdin and resizes its terminal. */
#ifndef RUNSC_SERVE_EXEC_STREAM_H
#define RUNSC_SERVE_EXEC_STREAM_H

#include <json-c/json.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runsc-c/serve/daemon.h"

struct exec_stream {
	/* In the list of running execs, for signals, stdin and resizes. */
	char sid[SERVE_ID_LEN + 1];
	uint64_t no;
	struct exec_stream *next;
	int refs;     /* under execs_lock: the stream, and a stdin writer */
	bool ended;   /* under execs_lock: the stream is over */
	bool writing; /* under execs_lock: a stdin request is writing */
	bool tty;     /* input_fd is the terminal's master */
	int input_fd; /* stdin left open for POST .../stdin; -1: none */
	struct sbx *sb;
	pthread_mutex_t mu; /* sock: the stream's thread and a signal's */
	int sock;	    /* the OCI exec protocol's connection to the monitor */
	int out_r;	    /* the process's stdout and stderr */
	int err_r;
	int in_w; /* its stdin, while there is some to write */
	char *in;
	size_t in_len, in_off;
	int conn_fd; /* the HTTP client's, to notice it went */
	bool exited;
	int exit_code;
	bool done;
	/* A JSON line being handed out, and bytes held back from the end of
	 * a read because they began a UTF-8 character not complete yet. */
	char *line;
	size_t line_len, line_off;
	char carry[2][4];
	size_t ncarry[2];
};

/* Guards the list of running execs, and refs, ended and writing. */
extern pthread_mutex_t execs_lock;

/* Exec no_text (decimal) of sandbox sid while its stream runs, with a
 * reference (exec_stream_unref), or NULL. */
struct exec_stream *exec_stream_find(const char *sid, const char *no_text);
void exec_stream_unref(struct exec_stream *st);
/* Member name of o, a terminal's rows or cols: 1..65535, dflt when
 * absent; false after an answer was queued into *ret. */
bool exec_tty_size(struct MHD_Connection *c, struct json_object *o, const char *name, int dflt,
		   int *out, enum MHD_Result *ret);

#endif
