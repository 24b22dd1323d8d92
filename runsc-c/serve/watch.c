/* SPDX-License-Identifier: Apache-2.0 */
/* GET /sandboxes/ID/watch?path=DIR: a directory's inotify events, streamed
 * as JSON lines.
 *
 * The watch is made by a process in the sandbox, started as an exec is,
 * that runs the guest init's watch builtin (common/exec_proto.h) in place
 * of a program, so the view needs none: its inotify_add_watch goes to the
 * sentry, and the gofer adds the watch on the guest's own inotify fd, so
 * the path means what it means to the guest and the policy decides on it
 * like on any guest access. The process copies the raw event records to
 * its stdout; the daemon decodes them itself, checking every length, and
 * writes the JSON: what comes out of a sandbox is never passed on as it
 * is. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/http.h"

#define WATCH_BUF  (64u << 10)
#define WATCH_NAME 4096 /* at most, padding included; the kernel's is 256 */
#define WATCH_ERR  1024

/* The events a watch asks for: changes, not reads. */
#define WATCH_MASK                                                                          \
	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | \
	 IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static const struct {
	uint32_t bit;
	const char *name;
} event_names[] = {
	{IN_MODIFY, "modify"},		 {IN_ATTRIB, "attrib"},
	{IN_CLOSE_WRITE, "close_write"}, {IN_MOVED_FROM, "moved_from"},
	{IN_MOVED_TO, "moved_to"},	 {IN_CREATE, "create"},
	{IN_DELETE, "delete"},		 {IN_DELETE_SELF, "delete_self"},
	{IN_MOVE_SELF, "move_self"},	 {IN_UNMOUNT, "unmount"},
	{IN_Q_OVERFLOW, "overflow"},	 {IN_IGNORED, "ignored"},
};

struct watch {
	struct sbx *sb;
	struct guest_io io;
	int conn_fd;
	/* Raw records read and not decoded yet. */
	unsigned char raw[WATCH_BUF + sizeof(struct inotify_event) + WATCH_NAME];
	size_t raw_len;
	/* JSON lines ready to hand out. */
	char *out;
	size_t out_len, out_off;
	bool ended; /* the watch is gone (ignored) or the watcher ended */
};

static void watch_free(void *arg)
{
	struct watch *w = arg;
	guest_io_close(&w->io); /* the watcher is killed with its connection */
	sbx_exec_end(w->sb);
	sbx_put(w->sb);
	free(w->out);
	free(w);
}

static void out_add(struct watch *w, struct json_object *o)
{
	size_t n;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);
	w->out = realloc(w->out, w->out_len + n + 2);
	if (!w->out)
		abort();
	memcpy(w->out + w->out_len, text, n);
	w->out_len += n;
	w->out[w->out_len++] = '\n';
	json_object_put(o);
}

/* One record as a JSON line. */
static void event_json(struct watch *w, const struct inotify_event *ev)
{
	struct json_object *o = json_object_new_object();
	struct json_object *names = json_object_new_array();
	for (size_t i = 0; i < ARRAY_SIZE(event_names); i++)
		if (ev->mask & event_names[i].bit)
			json_object_array_add(names, json_object_new_string(event_names[i].name));
	json_object_object_add(o, "events", names);
	size_t len = strnlen(ev->name, ev->len);
	if (len) {
		char *text = xmalloc(len * 3 + 1);
		unsigned char *copy = xmalloc(len + 1);
		memcpy(copy, ev->name, len);
		copy[len] = 0;
		size_t tlen = utf8_clean(copy, len, text);
		json_object_object_add(o, "name", json_object_new_string_len(text, (int)tlen));
		free(copy);
		free(text);
	}
	json_object_object_add(o, "dir", json_object_new_boolean(!!(ev->mask & IN_ISDIR)));
	if (ev->cookie)
		json_object_object_add(o, "cookie", json_object_new_int64(ev->cookie));
	out_add(w, o);
	if (ev->mask & IN_IGNORED)
		w->ended = true; /* the directory went, or its file system */
}

/* Decodes the whole records in raw; false on a record no kernel writes. */
static bool decode(struct watch *w)
{
	size_t off = 0;
	while (!w->ended && w->raw_len - off >= sizeof(struct inotify_event)) {
		struct inotify_event ev;
		memcpy(&ev, w->raw + off, sizeof(ev));
		if (ev.len > WATCH_NAME)
			return false;
		size_t size = sizeof(ev) + ev.len;
		if (w->raw_len - off < size)
			break;
		struct inotify_event *full = xmalloc(size + 1);
		memcpy(full, w->raw + off, size);
		event_json(w, full);
		free(full);
		off += size;
	}
	memmove(w->raw, w->raw + off, w->raw_len - off);
	w->raw_len -= off;
	return true;
}

static ssize_t watch_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct watch *w = arg;
	while (w->out_off == w->out_len) {
		w->out_off = w->out_len = 0;
		if (w->ended)
			return MHD_CONTENT_READER_END_OF_STREAM;
		struct pollfd p[2] = {{.fd = w->io.out_r, .events = POLLIN},
				      {.fd = w->conn_fd, .events = POLLRDHUP}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (!p[0].revents)
			continue;
		ssize_t n = read(w->io.out_r, w->raw + w->raw_len, WATCH_BUF);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			/* The watcher ended (the sandbox did, or it was
			 * killed): the stream ends, cut short. */
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		w->raw_len += (size_t)n;
		if (!decode(w)) {
			serve_log("watch: a malformed event record from the sandbox");
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	size_t n = w->out_len - w->out_off < max ? w->out_len - w->out_off : max;
	memcpy(buf, w->out + w->out_off, n);
	w->out_off += n;
	return (ssize_t)n;
}

/* ?path=: absolute, no NUL, at most 4096 bytes, no ".." component (a
 * watch names the directory itself, never a way out of it); no other
 * argument. NULL after an answer was queued. */
static const char *watch_path(struct MHD_Connection *c, enum MHD_Result *ret)
{
	const char *path = NULL;
	size_t n = 0;
	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "path", 4, &path, &n) !=
		    MHD_YES ||
	    !path || n == 0 || path[0] != '/' || strlen(path) != n || n > 4096) {
		*ret = fail(c, 400, "?path= must be an absolute path in the sandbox");
		return NULL;
	}
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			*ret = fail(c, 400, "?path= must not contain '..'");
			return NULL;
		}
		p += len;
	}
	if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL) != 1) {
		*ret = fail(c, 400, "?path= is the only query argument of watch");
		return NULL;
	}
	return path;
}

/* Waits for the watcher's 'R', or its end: 0, or an HTTP status with the
 * reason in msg. */
static int watch_ready(struct watch *w, char *msg, size_t size)
{
	unsigned char b = 0;
	ssize_t n = -1;
	while (n < 0) {
		struct pollfd p[2] = {{.fd = w->io.out_r, .events = POLLIN},
				      {.fd = w->conn_fd, .events = POLLRDHUP}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return snprintf(msg, size, "poll: %s", strerror(errno)), 500;
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return snprintf(msg, size, "the client went"), 400;
		n = read(w->io.out_r, &b, 1);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			n = 0;
	}
	if (n == 1 && b == EXEC_WATCH_READY)
		return 0;
	/* It failed: its stderr says why. */
	exec_wait(&w->io);
	char err[WATCH_ERR];
	size_t len = 0;
	ssize_t r;
	while (len + 1 < sizeof(err) &&
	       (r = read(w->io.err_r, err + len, sizeof(err) - 1 - len)) > 0)
		len += (size_t)r;
	while (len && err[len - 1] == '\n')
		len--;
	err[len] = 0;
	char *nl = strrchr(err, '\n');
	const char *last = nl ? nl + 1 : err;
	snprintf(msg, size, "watch: %s", *last ? last : "the watcher failed");
	if (strstr(last, "No such file"))
		return 404;
	if (strstr(last, "Permission denied") || strstr(last, "not permitted"))
		return 403;
	return 400;
}

enum MHD_Result http_watch(struct MHD_Connection *c, const char *sid)
{
	enum MHD_Result ret = MHD_NO;
	const char *path = watch_path(c, &ret);
	if (!path)
		return ret;
	struct sbx *s = sbx_get(sid);
	if (!s)
		return fail(c, 404, "no sandbox '%s'", sid);
	struct watch *w = xcalloc(1, sizeof(*w));
	w->sb = s;
	w->io = (struct guest_io){-1, -1, -1, -1};
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	w->conn_fd = ci ? ci->connect_fd : -1;
	sbx_exec_begin(s);
	char mask[16];
	snprintf(mask, sizeof(mask), "%u", (unsigned)WATCH_MASK);
	struct json_object *argv = json_object_new_array();
	const char *args[] = {"runsc-c-watch", path, mask};
	for (size_t i = 0; i < ARRAY_SIZE(args); i++)
		json_object_array_add(argv, json_object_new_string(args[i]));
	struct json_object *proc = process_json(s, argv, NULL, NULL);
	char msg[WATCH_ERR + 64];
	int guest_pid;
	w->io.builtin = EXEC_BUILTIN_WATCH;
	int status = exec_start(s, proc, &w->io, &guest_pid, msg, sizeof(msg));
	json_object_put(proc);
	json_object_put(argv);
	if (status == 0) {
		close(w->io.in_w);
		w->io.in_w = -1;
		status = watch_ready(w, msg, sizeof(msg));
	}
	if (status) {
		watch_free(w);
		return fail(c, (unsigned)status, "%s", msg);
	}
	struct json_object *first = json_object_new_object();
	json_object_object_add(first, "watching", json_object_new_string(path));
	out_add(w, first);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, WATCH_BUF,
								   watch_read, w, watch_free);
	MHD_add_response_header(r, "Content-Type", "application/x-ndjson");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}
