/* SPDX-License-Identifier: Apache-2.0 */
/* Input to a running exec of the service: POST /sandboxes/ID/exec/N/stdin
 * streams a request's body to its stdin (a pipe, or its terminal), and
 * POST /sandboxes/ID/exec/N/resize sizes its terminal. Each runs in its
 * own connection's thread, beside the thread that streams the exec's
 * output (exec.c), and holds a reference to the exec meanwhile. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/exec_stream.h"
#include "runsc-c/serve/http.h"

/* ---- POST /sandboxes/ID/exec/N/resize ---- */

enum MHD_Result http_exec_resize(struct MHD_Connection *c, const struct req *rq, const char *sid,
				 const char *no_text)
{
	static const char *const allowed[] = {"rows", "cols", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	int rows, cols;
	bool ok = exec_tty_size(c, o, "rows", 0, &rows, &ret) &&
		  exec_tty_size(c, o, "cols", 0, &cols, &ret);
	json_object_put(o);
	if (ok && (!rows || !cols))
		return fail(c, 400, "'rows' and 'cols' are both needed");
	if (!ok)
		return ret;
	struct exec_stream *st = exec_stream_find(sid, no_text);
	if (!st)
		return fail(c, 404, "no running exec '%.32s' in sandbox '%s'", no_text, sid);
	int r = 0;
	if (st->tty) {
		/* The kernel sends SIGWINCH to the terminal's foreground. */
		struct winsize ws = {.ws_row = (unsigned short)rows,
				     .ws_col = (unsigned short)cols};
		r = ioctl(st->input_fd, TIOCSWINSZ, &ws) < 0 ? errno : 0;
	}
	bool tty = st->tty;
	exec_stream_unref(st);
	if (!tty)
		return fail(c, 409, "exec %s has no terminal (it was started without \"tty\")",
			    no_text);
	if (r)
		return fail(c, 500, "resizing the terminal: %s", strerror(r));
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, "rows", json_object_new_int(rows));
	json_object_object_add(a, "cols", json_object_new_int(cols));
	return reply(c, 200, a);
}

/* ---- POST /sandboxes/ID/exec/N/stdin[?eof=1] ---- */

/* One stdin request: the body goes to the process as it comes, written
 * before the next piece is read, so the daemon holds no more than
 * libmicrohttpd's buffer of it whatever its size. */
struct stdin_write {
	struct exec_stream *st; /* a reference; NULL once failed */
	unsigned status;	/* an error to answer, or 0 */
	char msg[160];
	uint64_t written;
	int conn_fd;
};

static void stdin_fail(struct stdin_write *w, unsigned status, const char *msg)
{
	if (w->status == 0) {
		w->status = status;
		snprintf(w->msg, sizeof(w->msg), "%s", msg);
	}
}

/* Takes exec N for this request: only one request writes at a time. */
static struct stdin_write *stdin_begin(struct MHD_Connection *c, struct req *rq)
{
	struct stdin_write *w = xcalloc(1, sizeof(*w));
	rq->stdin_write = w;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	w->conn_fd = ci ? ci->connect_fd : -1;
	const char *eof = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "eof");
	if (eof && strcmp(eof, "1") != 0 && strcmp(eof, "0") != 0) {
		stdin_fail(w, 400, "'eof' must be 0 or 1");
		return w;
	}
	struct exec_stream *st = exec_stream_find(rq->sid, rq->exec_no);
	if (!st) {
		stdin_fail(w, 404, "no running exec");
		return w;
	}
	pthread_mutex_lock(&execs_lock);
	bool busy = st->writing;
	bool open = st->input_fd >= 0;
	if (!busy && open)
		st->writing = true;
	pthread_mutex_unlock(&execs_lock);
	if (busy || !open) {
		stdin_fail(w, 409,
			   busy	     ? "another request is writing this exec's stdin"
			   : st->tty ? "the terminal's input was closed"
				     : "this exec's stdin is not open: start it with "
				       "\"stdin\": true, or it was closed (eof=1)");
		exec_stream_unref(st);
		return w;
	}
	w->st = st;
	return w;
}

/* Writes all of data to the process's stdin, waiting while its pipe or
 * terminal is full; gives up when the exec ends or the client goes. */
static void stdin_write_all(struct stdin_write *w, const char *data, size_t size)
{
	struct exec_stream *st = w->st;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(st->input_fd, data + off, size - off);
		if (n > 0) {
			off += (size_t)n;
			w->written += (uint64_t)n;
			continue;
		}
		if (n < 0 && errno == EPIPE) {
			stdin_fail(w, 409, "the process closed its stdin");
			return;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			stdin_fail(w, 500, strerror(errno));
			return;
		}
		struct pollfd p[2] = {{.fd = st->input_fd, .events = POLLOUT},
				      {.fd = w->conn_fd, .events = POLLRDHUP}};
		if (poll(p, w->conn_fd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR) {
			stdin_fail(w, 500, strerror(errno));
			return;
		}
		pthread_mutex_lock(&execs_lock);
		bool ended = st->ended;
		pthread_mutex_unlock(&execs_lock);
		if (ended) {
			stdin_fail(w, 409, "the exec ended");
			return;
		}
		if (w->conn_fd >= 0 && (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))) {
			stdin_fail(w, 400, "the client went");
			return;
		}
	}
}

void http_stdin_data(struct MHD_Connection *c, struct req *rq, const char *data, size_t size)
{
	struct stdin_write *w = rq->stdin_write ? rq->stdin_write : stdin_begin(c, rq);
	if (w->status == 0 && w->st)
		stdin_write_all(w, data, size);
}

/* End of file: a pipe is closed; a terminal gets its EOF character (^D
 * unless the program changed it), as a user at it would type. */
static int stdin_close(struct exec_stream *st)
{
	if (st->tty) {
		struct termios t;
		if (tcgetattr(st->input_fd, &t) < 0)
			return -errno;
		char eof = (char)t.c_cc[VEOF];
		return write(st->input_fd, &eof, 1) == 1 ? 0 : -errno;
	}
	pthread_mutex_lock(&execs_lock);
	int fd = st->input_fd;
	st->input_fd = -1;
	pthread_mutex_unlock(&execs_lock);
	close(fd);
	return 0;
}

enum MHD_Result http_stdin_end(struct MHD_Connection *c, struct req *rq)
{
	struct stdin_write *w = rq->stdin_write ? rq->stdin_write : stdin_begin(c, rq);
	const char *eof = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "eof");
	if (w->status == 0 && w->st && eof && strcmp(eof, "1") == 0) {
		int r = stdin_close(w->st);
		if (r < 0)
			stdin_fail(w, 500, strerror(-r));
	}
	if (w->status == 404)
		return fail(c, 404, "no running exec '%.32s' in sandbox '%s'", rq->exec_no,
			    rq->sid);
	if (w->status)
		return fail(c, w->status, "exec %s: %s (%llu bytes written)", rq->exec_no, w->msg,
			    (unsigned long long)w->written);
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, "written", json_object_new_int64((int64_t)w->written));
	json_object_object_add(a, "eof", json_object_new_boolean(eof && strcmp(eof, "1") == 0));
	return reply(c, 200, a);
}

void http_stdin_free(struct req *rq)
{
	struct stdin_write *w = rq->stdin_write;
	if (!w)
		return;
	if (w->st) {
		pthread_mutex_lock(&execs_lock);
		w->st->writing = false;
		pthread_mutex_unlock(&execs_lock);
		exec_stream_unref(w->st);
	}
	free(w);
	rq->stdin_write = NULL;
}
