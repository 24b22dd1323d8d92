/* SPDX-License-Identifier: Apache-2.0 */
/* Files of a sandbox: GET and PUT /sandboxes/ID/files?path=P, and
 * ?path=P&list=1 for a directory. Every access is made by a process in
 * the sandbox, started as an exec is, that runs one of the guest init's
 * builtins (read, write, list: common/exec_proto.h) in place of a
 * program, so the view needs none: it goes through the sentry, the gofer
 * and the policy like any other guest access, so a path (with ..,
 * symlinks, /proc) means exactly what it means to the guest and reaches
 * nothing the guest could not. Contents are streamed both ways through
 * pipes: the daemon holds one chunk. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/http.h"

#define FILE_CHUNK  (64u << 10)
#define LIST_MAX    (16u << 20) /* bytes of a directory listing */
#define STDERR_KEEP 1024

/* ?path=: absolute, no NUL (MHD decodes %00), at most 4096 bytes; other
 * arguments than path and list are refused. NULL after an answer. */
struct args_check {
	bool bad;
	char name[64];
};

static enum MHD_Result arg_seen(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind, (void)value;
	struct args_check *a = cls;
	if (strcmp(key, "path") != 0 && strcmp(key, "list") != 0 && !a->bad) {
		a->bad = true;
		snprintf(a->name, sizeof(a->name), "%s", key);
	}
	return MHD_YES;
}

static const char *path_arg(struct MHD_Connection *c, enum MHD_Result *ret)
{
	struct args_check a = {0};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, arg_seen, &a);
	if (a.bad) {
		*ret = fail(c, 400, "unknown query argument '%s' (path, list)", a.name);
		return NULL;
	}
	const char *path = NULL;
	size_t n = 0;
	if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "path", 4, &path, &n) !=
		    MHD_YES ||
	    !path || n == 0 || path[0] != '/' || strlen(path) != n || n > 4096) {
		*ret = fail(c, 400, "?path= must be an absolute path in the sandbox");
		return NULL;
	}
	return path;
}

/* Starts builtin b with argv (strings) in s with the sandbox's env and
 * cwd. */
static int start(struct sbx *s, uint32_t b, const char *const *argv, struct guest_io *io, char *msg,
		 size_t size)
{
	struct json_object *a = json_object_new_array();
	for (; *argv; argv++)
		json_object_array_add(a, json_object_new_string(*argv));
	struct json_object *proc = process_json(s, a, NULL, NULL);
	int guest_pid;
	io->builtin = b;
	int status = exec_start(s, proc, io, &guest_pid, msg, size);
	json_object_put(proc);
	json_object_put(a);
	return status;
}

/* What the builtin said on stderr (strerror's text, after it ended), as
 * an HTTP error. */
static enum MHD_Result fail_stderr(struct MHD_Connection *c, const char *what, const char *text)
{
	unsigned status = strstr(text, "No such file") || strstr(text, "nonexistent")	       ? 404
			  : strstr(text, "Permission denied") || strstr(text, "not permitted") ? 403
			  : strstr(text, "No space left") || strstr(text, "quota exceeded")
				  ? 507 /* the writable layer (limits.disk) is full */
				  : 400;
	return fail(c, status, "%s: %s", what, *text ? text : "failed");
}

static void read_stderr(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = 0;
	/* Keep the last line: the error, after anything else. */
	char *nl = strrchr(buf, '\n');
	if (nl)
		memmove(buf, nl + 1, strlen(nl + 1) + 1);
}

/* Blocks until fd is readable or the client went: false if it went. */
static bool wait_readable(int fd, int conn_fd)
{
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = conn_fd, .events = POLLRDHUP}};
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return false;
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return false;
		if (p[0].revents)
			return true;
	}
}

/* ---- GET: a file's contents, streamed ---- */

struct download {
	struct sbx *sb;
	struct guest_io io;
	int conn_fd;
	char *buf;
	size_t len, off;
};

static void download_free(void *arg)
{
	struct download *d = arg;
	guest_io_close(&d->io); /* kills the reader if the client went first */
	sbx_exec_end(d->sb);
	sbx_put(d->sb);
	free(d->buf);
	free(d);
}

static ssize_t download_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct download *d = arg;
	while (d->off == d->len) {
		if (!wait_readable(d->io.out_r, d->conn_fd))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		ssize_t n = read(d->io.out_r, d->buf, FILE_CHUNK);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			/* The end: a reader that failed midway (an I/O error)
			 * cuts the stream short rather than end it cleanly. */
			return exec_wait(&d->io) == 0 ? MHD_CONTENT_READER_END_OF_STREAM
						      : MHD_CONTENT_READER_END_WITH_ERROR;
		}
		d->len = (size_t)n;
		d->off = 0;
	}
	size_t n = d->len - d->off < max ? d->len - d->off : max;
	memcpy(buf, d->buf + d->off, n);
	d->off += n;
	return (ssize_t)n;
}

static int conn_fd_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? ci->connect_fd : -1;
}

static enum MHD_Result download(struct MHD_Connection *c, struct sbx *s, const char *path)
{
	struct download *d = xcalloc(1, sizeof(*d));
	d->sb = s;
	d->io = (struct guest_io){-1, -1, -1, -1};
	d->conn_fd = conn_fd_of(c);
	d->buf = xmalloc(FILE_CHUNK);
	sbx_exec_begin(s);
	const char *argv[] = {"runsc-c-read", path, NULL};
	char msg[600];
	int status = start(s, EXEC_BUILTIN_READ, argv, &d->io, msg, sizeof(msg));
	if (status) {
		download_free(d);
		return fail(c, (unsigned)status, "%s", msg);
	}
	close(d->io.in_w);
	d->io.in_w = -1;
	/* The first chunk decides the answer: data is 200 and a stream; an
	 * end without data is 200 and empty, or the reader's error. */
	ssize_t n = -1;
	while (n < 0) {
		if (!wait_readable(d->io.out_r, d->conn_fd)) {
			download_free(d);
			return MHD_NO;
		}
		n = read(d->io.out_r, d->buf, FILE_CHUNK);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			n = 0;
	}
	if (n == 0) {
		int code = exec_wait(&d->io);
		char err[STDERR_KEEP];
		read_stderr(d->io.err_r, err, sizeof(err));
		download_free(d);
		if (code != 0)
			return fail_stderr(c, path, err);
		return reply_bytes(c, 200, "application/octet-stream", "", 0);
	}
	d->len = (size_t)n;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, FILE_CHUNK,
								   download_read, d, download_free);
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- GET ?list=1: a directory's entries ---- */

static const char *type_name(char t)
{
	switch (t) {
	case 'f':
		return "file";
	case 'd':
		return "dir";
	case 'l':
		return "symlink";
	case 'p':
		return "fifo";
	case 's':
		return "socket";
	case 'c':
		return "char";
	case 'b':
		return "block";
	case '?':
		return "other";
	default:
		return "other";
	}
}

/* A number of a record, or JSON null for "-" (lstat failed). */
static struct json_object *field_json(const char *text, bool real)
{
	if (strcmp(text, "-") == 0)
		return NULL;
	return real ? json_object_new_double(strtod(text, NULL))
		    : json_object_new_int64(strtoll(text, NULL, 10));
}

/* The list builtin's records (common/exec_proto.h). */
static struct json_object *parse_listing(char *buf, size_t len)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < len;) {
		char *rec = buf + i;
		size_t rlen = strnlen(rec, len - i);
		i += rlen + 1;
		char *f[4] = {rec, NULL, NULL, NULL};
		for (int k = 1; k < 4; k++) {
			char *tab = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (tab)
				*tab = 0, f[k] = tab + 1;
		}
		if (!f[3] || !f[3][0])
			continue;
		size_t nlen = strlen(f[3]);
		char *name = xmalloc(nlen * 3 + 1);
		size_t clean = utf8_clean((const unsigned char *)f[3], nlen, name);
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string_len(name, (int)clean));
		json_object_object_add(e, "type", json_object_new_string(type_name(f[0][0])));
		json_object_object_add(e, "size", field_json(f[1], false));
		json_object_object_add(e, "mtime", field_json(f[2], true));
		json_object_array_add(a, e);
		free(name);
	}
	return a;
}

static enum MHD_Result list(struct MHD_Connection *c, struct sbx *s, const char *path)
{
	struct guest_io io = {-1, -1, -1, -1};
	sbx_exec_begin(s);
	const char *argv[] = {"runsc-c-list", path, NULL};
	char msg[600];
	int status = start(s, EXEC_BUILTIN_LIST, argv, &io, msg, sizeof(msg));
	if (status) {
		guest_io_close(&io);
		sbx_exec_end(s);
		return fail(c, (unsigned)status, "%s", msg);
	}
	close(io.in_w);
	io.in_w = -1;
	int conn_fd = conn_fd_of(c);
	char *buf = xmalloc(LIST_MAX + 1);
	size_t len = 0;
	bool gone = false, too_big = false;
	for (;;) {
		if (!wait_readable(io.out_r, conn_fd)) {
			gone = true;
			break;
		}
		ssize_t n = read(io.out_r, buf + len, LIST_MAX - len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == LIST_MAX) {
			too_big = true;
			break;
		}
	}
	enum MHD_Result ret = MHD_NO;
	if (!gone && !too_big) {
		int code = exec_wait(&io);
		char err[STDERR_KEEP];
		read_stderr(io.err_r, err, sizeof(err));
		buf[len] = 0;
		if (code != 0)
			ret = fail_stderr(c, path, err);
		else
			ret = reply(c, 200, parse_listing(buf, len));
	} else if (too_big) {
		ret = fail(c, 413, "%s: the listing is larger than %u bytes", path, LIST_MAX);
	}
	free(buf);
	guest_io_close(&io);
	sbx_exec_end(s);
	return ret;
}

enum MHD_Result http_files_get(struct MHD_Connection *c, const char *sid)
{
	enum MHD_Result ret = MHD_NO;
	const char *path = path_arg(c, &ret);
	if (!path)
		return ret;
	struct sbx *s = sbx_get(sid);
	if (!s)
		return fail(c, 404, "no sandbox '%s'", sid);
	const char *l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "list");
	if (l && strcmp(l, "1") != 0 && strcmp(l, "true") != 0 && strcmp(l, "0") != 0 &&
	    strcmp(l, "false") != 0) {
		sbx_put(s);
		return fail(c, 400, "?list= must be 1 or 0");
	}
	if (l && (strcmp(l, "1") == 0 || strcmp(l, "true") == 0)) {
		ret = list(c, s, path);
		sbx_put(s);
		return ret;
	}
	return download(c, s, path); /* takes the reference */
}

/* ---- PUT: a file's contents, streamed in ---- */

struct upload {
	struct sbx *sb;
	struct guest_io io;
	int status; /* an HTTP status once it failed, else 0 */
	char msg[600];
	uint64_t bytes;
	char err[STDERR_KEEP];
	size_t err_len;
};

/* Starts the writer: the write builtin. */
static struct upload *upload_start(struct MHD_Connection *c, const char *sid)
{
	struct upload *u = xcalloc(1, sizeof(*u));
	u->io = (struct guest_io){-1, -1, -1, -1};
	enum MHD_Result ignored;
	const char *path = path_arg(c, &ignored);
	if (!path) {
		u->status = 400;
		snprintf(u->msg, sizeof(u->msg), "?path= must be an absolute path in the sandbox");
		return u;
	}
	u->sb = sbx_get(sid);
	if (!u->sb) {
		u->status = 404;
		snprintf(u->msg, sizeof(u->msg), "no sandbox '%s'", sid);
		return u;
	}
	sbx_exec_begin(u->sb);
	const char *argv[] = {"runsc-c-write", path, NULL};
	u->status = start(u->sb, EXEC_BUILTIN_WRITE, argv, &u->io, u->msg, sizeof(u->msg));
	if (u->status == 0) {
		close(u->io.out_r);
		u->io.out_r = -1;
	}
	return u;
}

/* Keeps the start of what the writer says on stderr, and drops the rest
 * so that it never blocks on a full pipe. */
static void upload_drain_stderr(struct upload *u)
{
	char tmp[4096];
	ssize_t n;
	while ((n = read(u->io.err_r, tmp, sizeof(tmp))) > 0) {
		size_t room = sizeof(u->err) - 1 - u->err_len;
		size_t k = (size_t)n < room ? (size_t)n : room;
		memcpy(u->err + u->err_len, tmp, k);
		u->err_len += k;
	}
}

static void upload_write(struct upload *u, const char *data, size_t size)
{
	size_t off = 0;
	while (off < size && u->status == 0) {
		struct pollfd p[2] = {{.fd = u->io.in_w, .events = POLLOUT},
				      {.fd = u->io.err_r, .events = POLLIN}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			upload_drain_stderr(u);
		if (!p[0].revents)
			continue;
		ssize_t n = write(u->io.in_w, data + off, size - off);
		if (n > 0) {
			off += (size_t)n;
			u->bytes += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			/* The writer ended early: its status says why. */
			u->status = -1;
		}
	}
}

bool http_files_put_data(struct MHD_Connection *c, struct req *rq, const char *sid,
			 const char *data, size_t size)
{
	if (!rq->upload)
		rq->upload = upload_start(c, sid);
	upload_write(rq->upload, data, size);
	return true;
}

enum MHD_Result http_files_put_end(struct MHD_Connection *c, struct req *rq, const char *sid)
{
	if (!rq->upload)
		rq->upload = upload_start(c, sid); /* an empty file */
	struct upload *u = rq->upload;
	if (u->status > 0)
		return fail(c, (unsigned)u->status, "%s", u->msg);
	close(u->io.in_w);
	u->io.in_w = -1;
	int code = exec_wait(&u->io);
	upload_drain_stderr(u);
	u->err[u->err_len] = 0;
	char *path = NULL;
	enum MHD_Result ignored;
	const char *p = path_arg(c, &ignored);
	xasprintf(&path, "%s", p ? p : "?");
	enum MHD_Result ret;
	if (code != 0) {
		char *nl;
		while (u->err_len && u->err[u->err_len - 1] == '\n')
			u->err[--u->err_len] = 0;
		nl = strrchr(u->err, '\n');
		ret = fail_stderr(c, path, nl ? nl + 1 : u->err);
	} else {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(path));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)u->bytes));
		ret = reply(c, 201, o);
	}
	free(path);
	return ret;
}

void http_files_put_free(struct req *rq)
{
	struct upload *u = rq->upload;
	if (!u)
		return;
	guest_io_close(&u->io); /* kills the writer if the client went first */
	if (u->sb) {
		sbx_exec_end(u->sb);
		sbx_put(u->sb);
	}
	free(u);
	rq->upload = NULL;
}
