/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP side of the sandbox service: libmicrohttpd with a thread per
 * connection, so that a connection streaming one exec's output, or
 * waiting for a sandbox to start, holds up no other. Requests and answers
 * are JSON (json-c); every error is {"error": "..."} with an HTTP status.
 * The routes are in docs/api.md. */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/serve.h"

#define CHUNK_MAX (32u << 10)

struct serve_http {
	struct MHD_Daemon *mhd;
	char *token;
};

/* A request's body as it comes in. */
struct req {
	char *body;
	size_t len;
	bool too_big;
};

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answers with o (taken). */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct json_object *o)
{
	char *text;
	xasprintf(&text, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	enum MHD_Result r = reply_text(c, status, text);
	free(text);
	return r;
}

static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	return reply(c, status, o);
}

/* ---- request bodies ---- */

/* The body as a JSON object whose members are all in allowed (an empty
 * body is {}); NULL after an answer was queued into *ret. */
static struct json_object *body_object(struct MHD_Connection *c, const struct req *rq,
				       const char *const *allowed, enum MHD_Result *ret)
{
	if (rq->len == 0)
		return json_object_new_object();
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, rq->body, (int)rq->len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (e != json_tokener_success || !o) {
		json_object_put(o);
		*ret = fail(c, 400, "the body is not JSON: %s at byte %zu",
			    json_tokener_error_desc(
				    e == json_tokener_success ? json_tokener_continue : e),
			    end);
		return NULL;
	}
	for (; end < rq->len && strchr(" \t\r\n", rq->body[end]); end++)
		;
	if (end != rq->len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*ret = fail(c, 400, "the body must be one JSON object");
		return NULL;
	}
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			known = known || strcmp(*a, key) == 0;
		if (!known) {
			*ret = fail(c, 400, "unknown field '%.64s'", key);
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

/* Checks member name of o is of type t (when present): its value or NULL;
 * false after an answer was queued. */
static bool member(struct MHD_Connection *c, struct json_object *o, const char *name, json_type t,
		   struct json_object **out, enum MHD_Result *ret)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, name, out) || *out == NULL) {
		*out = NULL;
		return true;
	}
	bool ok = json_object_is_type(*out, t) ||
		  (t == json_type_double && json_object_is_type(*out, json_type_int));
	if (!ok) {
		*ret = fail(c, 400, "'%s' must be %s", name,
			    t == json_type_string   ? "a string"
			    : t == json_type_object ? "an object"
			    : t == json_type_array  ? "an array"
			    : t == json_type_int    ? "an integer"
						    : "a number");
		return false;
	}
	return true;
}

/* A string with no NUL and at most max bytes. */
static bool plain_string(struct json_object *v, size_t max)
{
	size_t n = (size_t)json_object_get_string_len(v);
	return n <= max && strlen(json_object_get_string(v)) == n;
}

/* env: an object of NAME: "value" strings. */
static bool check_env(struct MHD_Connection *c, struct json_object *env, enum MHD_Result *ret)
{
	if (!env)
		return true;
	if (json_object_object_length(env) > 256) {
		*ret = fail(c, 400, "'env': more than 256 variables");
		return false;
	}
	json_object_object_foreach(env, k, v)
	{
		bool name_ok = *k && !strchr(k, '=') && strlen(k) <= 256;
		if (!name_ok || !json_object_is_type(v, json_type_string) ||
		    !plain_string(v, 64 << 10)) {
			*ret = fail(c, 400, "'env': '%.64s' must be a NAME: \"value\" string", k);
			return false;
		}
	}
	return true;
}

static bool check_cwd(struct MHD_Connection *c, struct json_object *cwd, enum MHD_Result *ret)
{
	if (cwd && (!plain_string(cwd, 4096) || json_object_get_string(cwd)[0] != '/')) {
		*ret = fail(c, 400, "'cwd' must be an absolute path");
		return false;
	}
	return true;
}

/* ---- POST /sandboxes ---- */

/* A limit as a do flag's text: a string as given, or a number. */
static bool limit_text(struct MHD_Connection *c, struct json_object *limits, const char *name,
		       char **out, enum MHD_Result *ret)
{
	struct json_object *v;
	*out = NULL;
	if (!json_object_object_get_ex(limits, name, &v) || !v)
		return true;
	if (json_object_is_type(v, json_type_string) && plain_string(v, 64) &&
	    json_object_get_string(v)[0] != '-') {
		*out = xstrdup(json_object_get_string(v));
	} else if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) {
		xasprintf(out, "%lld", (long long)json_object_get_int64(v));
	} else if (json_object_is_type(v, json_type_double) && json_object_get_double(v) > 0) {
		xasprintf(out, "%.6g", json_object_get_double(v));
	} else {
		*ret = fail(c, 400, "'limits.%s' must be a positive number or a size string", name);
		return false;
	}
	return true;
}

static enum MHD_Result create(struct MHD_Connection *c, const struct req *rq,
			      const struct serve_config *cfg)
{
	static const char *const allowed[] = {"policy", "limits", "env", "cwd", "timeout", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct json_object *policy, *limits, *env, *cwd, *timeout;
	struct serve_template t = {0};
	bool ok = member(c, o, "policy", json_type_string, &policy, &ret) &&
		  member(c, o, "limits", json_type_object, &limits, &ret) &&
		  member(c, o, "env", json_type_object, &env, &ret) &&
		  member(c, o, "cwd", json_type_string, &cwd, &ret) &&
		  member(c, o, "timeout", json_type_double, &timeout, &ret) &&
		  check_env(c, env, &ret) && check_cwd(c, cwd, &ret);
	if (ok && policy &&
	    (!plain_string(policy, 4096) || !*json_object_get_string(policy) ||
	     json_object_get_string(policy)[0] == '-')) {
		ret = fail(c, 400, "'policy' must name a policy");
		ok = false;
	}
	if (ok && timeout &&
	    !(json_object_get_double(timeout) >= 0 && json_object_get_double(timeout) <= 1e9)) {
		ret = fail(c, 400, "'timeout' must be seconds, 0 to 1e9");
		ok = false;
	}
	if (ok && limits) {
		json_object_object_foreach(limits, k, v)
		{
			(void)v;
			if (strcmp(k, "memory") && strcmp(k, "pids") && strcmp(k, "cpus")) {
				ret = fail(c, 400, "unknown field 'limits.%s'", k);
				ok = false;
				break;
			}
		}
		ok = ok && limit_text(c, limits, "memory", &t.memory, &ret) &&
		     limit_text(c, limits, "pids", &t.pids, &ret) &&
		     limit_text(c, limits, "cpus", &t.cpus, &ret);
	}
	if (ok) {
		bool custom = policy || limits;
		if (!custom) {
			t = cfg->tmpl;
		} else {
			t.policy = policy ? (char *)json_object_get_string(policy) : NULL;
		}
		struct serve_create req = {
			.tmpl = &t,
			.from_pool = !custom,
			.timeout_s = timeout ? json_object_get_double(timeout) : 0,
			.policy =
				policy ? (char *)json_object_get_string(policy) : cfg->tmpl.policy,
			.limits = limits,
			.env = env,
			.cwd = cwd ? json_object_get_string(cwd) : NULL,
		};
		struct sbx *s;
		char *msg = NULL;
		int status = sbx_create(&req, &s, &msg);
		if (status) {
			ret = fail(c, (unsigned)status, "%s", msg);
			free(msg);
		} else {
			struct json_object *a = json_object_new_object();
			json_object_object_add(a, "id", json_object_new_string(s->id));
			sbx_put(s);
			ret = reply(c, 201, a);
		}
		if (custom) {
			free(t.memory);
			free(t.pids);
			free(t.cpus);
		}
	} else {
		free(t.memory);
		free(t.pids);
		free(t.cpus);
	}
	json_object_put(o);
	return ret;
}

/* ---- POST /sandboxes/ID/exec ---- */

struct exec_stream {
	int sock;  /* the OCI exec protocol's connection to the monitor */
	int out_r; /* the process's stdout and stderr */
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

static void stream_free(void *arg)
{
	struct exec_stream *st = arg;
	/* Closing the connection kills the process if it still runs. */
	if (st->sock >= 0)
		close(st->sock);
	if (st->out_r >= 0)
		close(st->out_r);
	if (st->err_r >= 0)
		close(st->err_r);
	if (st->in_w >= 0)
		close(st->in_w);
	free(st->in);
	free(st->line);
	free(st);
}

/* How many bytes at the end of buf[0..n) begin an incomplete UTF-8
 * character. */
static size_t utf8_tail(const unsigned char *buf, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned char b = buf[n - back];
		if ((b & 0xc0) == 0x80)
			continue;
		size_t need = (b & 0xe0) == 0xc0   ? 2
			      : (b & 0xf0) == 0xe0 ? 3
			      : (b & 0xf8) == 0xf0 ? 4
						   : 1;
		return need > back ? back : 0;
	}
	return 0;
}

static void set_line(struct exec_stream *st, struct json_object *o)
{
	free(st->line);
	xasprintf(&st->line, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	st->line_len = strlen(st->line);
	st->line_off = 0;
}

/* Reads one of the output pipes into a line; false at its end. */
static bool read_output(struct exec_stream *st, int which)
{
	int *fd = which == 0 ? &st->out_r : &st->err_r;
	unsigned char buf[CHUNK_MAX + 4];
	size_t have = st->ncarry[which];
	memcpy(buf, st->carry[which], have);
	ssize_t n = read(*fd, buf + have, CHUNK_MAX);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	size_t len = have + (n > 0 ? (size_t)n : 0);
	size_t keep = n > 0 ? utf8_tail(buf, len) : 0;
	st->ncarry[which] = keep;
	memcpy(st->carry[which], buf + len - keep, keep);
	len -= keep;
	if (len > 0) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, which == 0 ? "stdout" : "stderr",
				       json_object_new_string_len((const char *)buf, (int)len));
		set_line(st, o);
	}
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return false;
	}
	return true;
}

static void read_exec_msg(struct exec_stream *st)
{
	struct oci_exec_msg m;
	ssize_t n = recv(st->sock, &m, sizeof(m), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_EXITED) {
		st->exited = true;
		st->exit_code = m.value;
	} else if (n <= 0 && !st->exited) {
		/* The sandbox ended under it. */
		st->exited = true;
		st->exit_code = 128 + SIGKILL;
	}
	if (n <= 0 || st->exited) {
		close(st->sock);
		st->sock = -1;
	}
}

static ssize_t stream_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct exec_stream *st = arg;
	while (st->line_off == st->line_len) {
		if (st->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		struct pollfd p[5];
		int np = 0, i_out = -1, i_err = -1, i_sock = -1, i_in = -1;
		if (st->out_r >= 0)
			p[i_out = np++] = (struct pollfd){.fd = st->out_r, .events = POLLIN};
		if (st->err_r >= 0)
			p[i_err = np++] = (struct pollfd){.fd = st->err_r, .events = POLLIN};
		if (st->sock >= 0)
			p[i_sock = np++] = (struct pollfd){.fd = st->sock, .events = POLLIN};
		if (st->in_w >= 0)
			p[i_in = np++] = (struct pollfd){.fd = st->in_w, .events = POLLOUT};
		int i_conn = np;
		p[np++] = (struct pollfd){.fd = st->conn_fd, .events = POLLRDHUP};
		/* After the process ended, what is left in the pipes is read,
		 * then the exit status is the last line: its children may
		 * keep the pipes open, nobody waits for them. */
		int r = poll(p, (nfds_t)np, st->exited ? 0 : -1);
		if (r < 0 && errno != EINTR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (r < 0)
			continue;
		if (p[i_conn].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (i_in >= 0 && p[i_in].revents) {
			ssize_t n = write(st->in_w, st->in + st->in_off, st->in_len - st->in_off);
			if (n > 0)
				st->in_off += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    st->in_off == st->in_len) {
				close(st->in_w);
				st->in_w = -1;
			}
		}
		if (i_out >= 0 && p[i_out].revents)
			read_output(st, 0);
		if (st->line_off < st->line_len)
			break;
		if (i_err >= 0 && p[i_err].revents)
			read_output(st, 1);
		if (st->line_off < st->line_len)
			break;
		if (i_sock >= 0 && p[i_sock].revents)
			read_exec_msg(st);
		if (st->exited && r == 0) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "exit", json_object_new_int(st->exit_code));
			set_line(st, o);
			st->done = true;
		}
	}
	size_t n = st->line_len - st->line_off;
	if (n > max)
		n = max;
	memcpy(buf, st->line + st->line_off, n);
	st->line_off += n;
	return (ssize_t)n;
}

/* The process JSON of the OCI exec protocol, in a sealed memfd. */
static int process_memfd(struct json_object *proc, uint32_t *len)
{
	size_t n;
	const char *text = json_object_to_json_string_length(proc, JSON_C_TO_STRING_PLAIN, &n);
	if (n > OCI_EXEC_PROCESS_MAX)
		return -E2BIG;
	int fd = memfd_create("runsc-c-process", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write_all(fd, text, n) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		close(fd);
		return -EIO;
	}
	*len = (uint32_t)n;
	return fd;
}

/* The process: args, the env (the monitor's, the sandbox's, the exec's,
 * each over the one before), the cwd. */
static struct json_object *process_json(const struct sbx *s, struct json_object *argv,
					struct json_object *env, struct json_object *cwd)
{
	struct json_object *merged = json_object_new_object();
	size_t nbase = json_object_array_length(s->base_env);
	for (size_t i = 0; i < nbase; i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(s->base_env, i));
		const char *eq = strchr(e, '=');
		if (!eq)
			continue;
		char *name = strndup(e, (size_t)(eq - e));
		json_object_object_add(merged, name, json_object_new_string(eq + 1));
		free(name);
	}
	struct json_object *layers[2] = {s->env, env};
	for (int l = 0; l < 2; l++) {
		if (!layers[l])
			continue;
		json_object_object_foreach(layers[l], k, v)
			json_object_object_add(merged, k, json_object_get(v));
	}
	struct json_object *envs = json_object_new_array();
	json_object_object_foreach(merged, k, v)
	{
		char *e;
		xasprintf(&e, "%s=%s", k, json_object_get_string(v));
		json_object_array_add(envs, json_object_new_string(e));
		free(e);
	}
	json_object_put(merged);
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "args", json_object_get(argv));
	json_object_object_add(p, "env", envs);
	json_object_object_add(p, "cwd",
			       json_object_new_string(cwd      ? json_object_get_string(cwd)
						      : s->cwd ? s->cwd
							       : s->base_cwd));
	struct json_object *user = json_object_new_object();
	json_object_object_add(user, "uid", json_object_new_int(0));
	json_object_object_add(user, "gid", json_object_new_int(0));
	json_object_object_add(p, "user", user);
	return p;
}

/* Asks the monitor for the process and waits until it runs: 0, or an
 * HTTP status with msg. */
static int exec_start(struct sbx *s, struct json_object *proc, struct exec_stream *st, char *msg,
		      size_t msg_size)
{
	int in[2], out[2], err[2], sv[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return snprintf(msg, msg_size, "pipe: %s", strerror(errno)), 500;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return snprintf(msg, msg_size, "pipe: %s", strerror(errno)), 500;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return snprintf(msg, msg_size, "pipe: %s", strerror(errno)), 500;
	}
	st->in_w = in[1];
	st->out_r = out[0];
	st->err_r = err[0];
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	uint32_t len = 0;
	int mfd = process_memfd(proc, &len);
	int status = 0;
	if (mfd < 0) {
		snprintf(msg, msg_size, "the process: %s", strerror(-mfd));
		status = 400;
	} else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(msg, msg_size, "socketpair: %s", strerror(errno));
		status = 500;
	} else {
		st->sock = sv[0];
		char x = SERVE_EXEC;
		struct oci_exec_msg m = {
			.magic = OCI_EXEC_MAGIC, .op = OCI_EXEC_REQUEST, .len = len};
		int fds[4] = {in[0], out[1], err[1], mfd};
		if (send_msg_fds(s->ctl, &x, 1, &sv[1], 1) < 0 ||
		    send_msg_fds(sv[0], &m, sizeof(m), fds, 4) < 0) {
			snprintf(msg, msg_size, "sandbox %s has ended", s->id);
			status = 404;
		}
		close(sv[1]);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (mfd >= 0)
		close(mfd);
	if (status)
		return status;
	/* The first answer: STARTED, or FAILED and why. */
	struct pollfd p = {.fd = st->sock, .events = POLLIN};
	struct oci_exec_msg m;
	ssize_t n =
		poll(&p, 1, SERVE_START_WAIT_S * 1000) > 0 ? recv(st->sock, &m, sizeof(m), 0) : -1;
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_STARTED)
		return 0;
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_FAILED) {
		m.text[sizeof(m.text) - 1] = 0;
		snprintf(msg, msg_size, "%s", m.text);
		return 400;
	}
	snprintf(msg, msg_size, "sandbox %s ended before the process started", s->id);
	return 500;
}

static enum MHD_Result exec(struct MHD_Connection *c, const struct req *rq, const char *id)
{
	static const char *const allowed[] = {"argv", "env", "cwd", "stdin", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct json_object *argv, *env, *cwd, *in;
	bool ok = member(c, o, "argv", json_type_array, &argv, &ret) &&
		  member(c, o, "env", json_type_object, &env, &ret) &&
		  member(c, o, "cwd", json_type_string, &cwd, &ret) &&
		  member(c, o, "stdin", json_type_string, &in, &ret) && check_env(c, env, &ret) &&
		  check_cwd(c, cwd, &ret);
	size_t argc = ok && argv ? json_object_array_length(argv) : 0;
	if (ok && (argc == 0 || argc > 4096)) {
		ret = fail(c, 400, "'argv' must be 1 to 4096 strings");
		ok = false;
	}
	for (size_t i = 0; ok && i < argc; i++) {
		struct json_object *a = json_object_array_get_idx(argv, i);
		if (!a || !json_object_is_type(a, json_type_string) ||
		    !plain_string(a, 128 << 10)) {
			ret = fail(c, 400, "'argv[%zu]' must be a string", i);
			ok = false;
		}
	}
	struct sbx *s = ok ? sbx_get(id) : NULL;
	if (ok && !s) {
		ret = fail(c, 404, "no sandbox '%s'", id);
		ok = false;
	}
	if (!ok) {
		json_object_put(o);
		return ret;
	}
	struct exec_stream *st = xcalloc(1, sizeof(*st));
	st->sock = st->out_r = st->err_r = st->in_w = -1;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	st->conn_fd = ci ? ci->connect_fd : -1;
	if (in) {
		st->in_len = (size_t)json_object_get_string_len(in);
		st->in = xmalloc(st->in_len + 1);
		memcpy(st->in, json_object_get_string(in), st->in_len);
	}
	struct json_object *proc = process_json(s, argv, env, cwd);
	char msg[600];
	int status = exec_start(s, proc, st, msg, sizeof(msg));
	json_object_put(proc);
	sbx_put(s);
	json_object_put(o);
	if (status) {
		stream_free(st);
		return fail(c, (unsigned)status, "%s", msg);
	}
	if (st->in_len == 0) {
		close(st->in_w);
		st->in_w = -1;
	}
	struct MHD_Response *r = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, CHUNK_MAX + 256, stream_read, st, stream_free);
	MHD_add_response_header(r, "Content-Type", "application/x-ndjson");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- routing ---- */

static bool id_valid(const char *s, size_t n)
{
	if (n != SERVE_ID_LEN || strncmp(s, "sb-", 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static bool authorized(struct MHD_Connection *c, const char *token)
{
	if (!token)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	size_t a = strlen(h), b = strlen(token);
	unsigned char diff = a != b;
	for (size_t i = 0; i < a && i < b; i++)
		diff |= (unsigned char)(h[i] ^ token[i]);
	return diff == 0;
}

static enum MHD_Result route(struct MHD_Connection *c, const char *url, const char *method,
			     const struct req *rq, const struct serve_config *cfg)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0,
	     del = strcmp(method, "DELETE") == 0;
	if (strcmp(url, "/sandboxes") == 0) {
		if (post)
			return create(c, rq, cfg);
		if (get)
			return reply(c, 200, sbx_list());
		return fail(c, 405, "%s /sandboxes: only GET and POST", method);
	}
	if (strcmp(url, "/pool") == 0) {
		if (get)
			return reply(c, 200, sbx_pool_json());
		return fail(c, 405, "%s /pool: only GET", method);
	}
	if (strncmp(url, "/sandboxes/", 11) != 0)
		return fail(c, 404, "no such endpoint: %.200s", url);
	const char *id = url + 11;
	size_t n = strcspn(id, "/");
	const char *rest = id + n;
	if (!id_valid(id, n))
		return fail(c, 404, "no sandbox '%.*s'", (int)(n > 64 ? 64 : n), id);
	char sid[SERVE_ID_LEN + 1];
	memcpy(sid, id, n);
	sid[n] = 0;
	if (*rest == 0) {
		if (get) {
			struct sbx *s = sbx_get(sid);
			if (!s)
				return fail(c, 404, "no sandbox '%s'", sid);
			struct json_object *o = sbx_json(s);
			sbx_put(s);
			return reply(c, 200, o);
		}
		if (del) {
			if (sbx_delete(sid) < 0)
				return fail(c, 404, "no sandbox '%s'", sid);
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(sid));
			json_object_object_add(o, "deleted", json_object_new_boolean(1));
			return reply(c, 200, o);
		}
		return fail(c, 405, "%s /sandboxes/ID: only GET and DELETE", method);
	}
	if (strcmp(rest, "/exec") == 0) {
		if (post)
			return exec(c, rq, sid);
		return fail(c, 405, "%s /sandboxes/ID/exec: only POST", method);
	}
	return fail(c, 404, "no such endpoint: %.200s", url);
}

static const struct serve_config *http_config;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	(void)version;
	struct serve_http *h = cls;
	struct req *rq = *con_cls;
	if (!rq) {
		*con_cls = xcalloc(1, sizeof(struct req));
		return MHD_YES;
	}
	if (*data_size) {
		if (!rq->too_big && rq->len + *data_size <= SERVE_BODY_MAX) {
			rq->body = realloc(rq->body, rq->len + *data_size + 1);
			if (!rq->body)
				abort();
			memcpy(rq->body + rq->len, data, *data_size);
			rq->len += *data_size;
		} else {
			rq->too_big = true;
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (!authorized(c, h->token))
		return fail(c, 401, "a bearer token is required (Authorization: Bearer TOKEN)");
	if (rq->too_big)
		return fail(c, 413, "the body is larger than %u bytes", SERVE_BODY_MAX);
	return route(c, url, method, rq, http_config);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)c, (void)code;
	struct req *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	serve_log("http: %s", msg);
}

struct serve_http *http_start(int listen_fd, const char *token, const struct serve_config *cfg,
			      char **msg)
{
	struct serve_http *h = xcalloc(1, sizeof(*h));
	h->token = token ? xstrdup(token) : NULL;
	http_config = cfg;
	h->mhd = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
		MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(64 << 10), MHD_OPTION_END);
	if (!h->mhd) {
		xasprintf(msg, "libmicrohttpd could not start on the listening socket");
		free(h->token);
		free(h);
		return NULL;
	}
	return h;
}

void http_stop(struct serve_http *h)
{
	MHD_stop_daemon(h->mhd);
	free(h->token);
	free(h);
}
