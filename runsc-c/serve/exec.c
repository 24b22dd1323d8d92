/* SPDX-License-Identifier: Apache-2.0 */
/* Execs of the sandbox service: POST /sandboxes/ID/exec starts a process
 * through the sandbox's monitor (the OCI exec protocol, runsc-c/oci/oci.h)
 * and streams its output as JSON lines from the connection's own thread;
 * POST /sandboxes/ID/exec/N/signal signals a running one. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/utf8.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/http.h"
#include "runsc-c/serve/serve.h"

#define CHUNK_MAX (32u << 10)

/* ---- POST /sandboxes/ID/exec ---- */

struct exec_stream {
	/* In the list of running execs, for signals (exec_signal). */
	char sid[SERVE_ID_LEN + 1];
	uint64_t no;
	struct exec_stream *next;
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

static pthread_mutex_t execs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct exec_stream *execs;
static uint64_t exec_count;

static void stream_unlist(struct exec_stream *st)
{
	pthread_mutex_lock(&execs_lock);
	for (struct exec_stream **p = &execs; *p; p = &(*p)->next) {
		if (*p == st) {
			*p = st->next;
			break;
		}
	}
	pthread_mutex_unlock(&execs_lock);
}

static void stream_free(void *arg)
{
	struct exec_stream *st = arg;
	stream_unlist(st);
	pthread_mutex_destroy(&st->mu);
	sbx_exec_end(st->sb);
	sbx_put(st->sb);
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

/* Copies buf[0..len) (NUL-terminated after) into out as valid UTF-8: a
 * byte that does not begin a valid sequence becomes U+FFFD, so that every
 * line is JSON any parser takes. out has room for 3 * len bytes. */
size_t utf8_clean(const unsigned char *buf, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = buf[i] ? utf8_decode(buf + i, &cp) : 1;
		if (n == 0 || i + n > len) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, buf + i, n);
		o += n;
		i += n;
	}
	return o;
}

/* Reads one of the output pipes into a line; false at its end. */
static bool read_output(struct exec_stream *st, int which)
{
	int *fd = which == 0 ? &st->out_r : &st->err_r;
	unsigned char buf[CHUNK_MAX + 8];
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
		buf[len] = 0; /* utf8_decode stops at a NUL */
		char *text = xmalloc(len * 3 + 1);
		size_t tlen = utf8_clean(buf, len, text);
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, which == 0 ? "stdout" : "stderr",
				       json_object_new_string_len(text, (int)tlen));
		free(text);
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
		pthread_mutex_lock(&st->mu);
		close(st->sock);
		st->sock = -1;
		pthread_mutex_unlock(&st->mu);
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

void guest_io_close(struct guest_io *io)
{
	int *fds[] = {&io->sock, &io->out_r, &io->err_r, &io->in_w};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int exec_wait(struct guest_io *io)
{
	int code = 128 + SIGKILL;
	for (;;) {
		struct oci_exec_msg m;
		ssize_t n = recv(io->sock, &m, sizeof(m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_EXITED)
			code = m.value;
		else if (n > 0)
			continue;
		break;
	}
	close(io->sock);
	io->sock = -1;
	return code;
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
struct json_object *process_json(const struct sbx *s, struct json_object *argv,
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
int exec_start(struct sbx *s, struct json_object *proc, struct guest_io *io, int *guest_pid,
	       char *msg, size_t msg_size)
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
	io->in_w = in[1];
	io->out_r = out[0];
	io->err_r = err[0];
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
		io->sock = sv[0];
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
	struct pollfd p = {.fd = io->sock, .events = POLLIN};
	struct oci_exec_msg m;
	ssize_t n =
		poll(&p, 1, SERVE_START_WAIT_S * 1000) > 0 ? recv(io->sock, &m, sizeof(m), 0) : -1;
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_STARTED) {
		*guest_pid = m.value;
		return 0;
	}
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_FAILED) {
		m.text[sizeof(m.text) - 1] = 0;
		snprintf(msg, msg_size, "%s", m.text);
		return 400;
	}
	snprintf(msg, msg_size, "sandbox %s ended before the process started", s->id);
	return 500;
}

enum MHD_Result http_exec(struct MHD_Connection *c, const struct req *rq, const char *id)
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
	} else if (ok && sandbox_paused(id) == 1) {
		/* Its init would only fork the process once resumed. */
		ret = fail(c, 409, "sandbox '%s' is paused: resume it to exec", id);
		sbx_put(s);
		ok = false;
	}
	if (!ok) {
		json_object_put(o);
		return ret;
	}
	struct exec_stream *st = xcalloc(1, sizeof(*st));
	pthread_mutex_init(&st->mu, NULL);
	st->sock = st->out_r = st->err_r = st->in_w = -1;
	st->sb = s; /* the reference, until the stream ends */
	sbx_exec_begin(s);
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
	int guest_pid = 0;
	struct guest_io io = {.sock = -1, .out_r = -1, .err_r = -1, .in_w = -1};
	int status = exec_start(s, proc, &io, &guest_pid, msg, sizeof(msg));
	st->sock = io.sock;
	st->out_r = io.out_r;
	st->err_r = io.err_r;
	st->in_w = io.in_w;
	json_object_put(proc);
	json_object_put(o);
	if (status) {
		stream_free(st);
		return fail(c, (unsigned)status, "%s", msg);
	}
	if (st->in_len == 0) {
		close(st->in_w);
		st->in_w = -1;
	}
	/* The first line names the process, for signals. */
	snprintf(st->sid, sizeof(st->sid), "%s", id);
	pthread_mutex_lock(&execs_lock);
	st->no = ++exec_count;
	st->next = execs;
	execs = st;
	pthread_mutex_unlock(&execs_lock);
	struct json_object *first = json_object_new_object();
	json_object_object_add(first, "exec", json_object_new_int64((int64_t)st->no));
	json_object_object_add(first, "pid", json_object_new_int(guest_pid));
	set_line(st, first);
	struct MHD_Response *r = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, CHUNK_MAX + 256, stream_read, st, stream_free);
	MHD_add_response_header(r, "Content-Type", "application/x-ndjson");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- POST /sandboxes/ID/exec/N/signal ---- */

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"KILL", SIGKILL},
	{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM},   {"CONT", SIGCONT},
	{"STOP", SIGSTOP}, {"ALRM", SIGALRM}, {"WINCH", SIGWINCH},
};

enum MHD_Result http_exec_signal(struct MHD_Connection *c, const struct req *rq, const char *sid,
				 const char *no_text)
{
	static const char *const allowed[] = {"signal", NULL};
	enum MHD_Result ret = MHD_NO;
	char *end;
	errno = 0;
	unsigned long long no = strtoull(no_text, &end, 10);
	if (!*no_text || *end || errno || no_text[0] == '0' || !isdigit((unsigned char)no_text[0]))
		return fail(c, 404, "no exec '%.32s' in sandbox '%s'", no_text, sid);
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct json_object *v = NULL;
	json_object_object_get_ex(o, "signal", &v);
	int sig = 0;
	if (v && json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 1 &&
	    json_object_get_int64(v) <= SIGRTMAX) {
		sig = (int)json_object_get_int64(v);
	} else if (v && json_object_is_type(v, json_type_string)) {
		const char *name = json_object_get_string(v);
		if (strncmp(name, "SIG", 3) == 0)
			name += 3;
		for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
			if (strcmp(name, signal_names[i].name) == 0)
				sig = signal_names[i].sig;
	}
	if (!sig) {
		json_object_put(o);
		return fail(c, 400, "'signal' must be a number 1..%d or a name (TERM, KILL, ...)",
			    SIGRTMAX);
	}
	json_object_put(o);
	bool sent = false;
	pthread_mutex_lock(&execs_lock);
	for (struct exec_stream *st = execs; st; st = st->next) {
		if (st->no != no || strcmp(st->sid, sid) != 0)
			continue;
		pthread_mutex_lock(&st->mu);
		struct oci_exec_msg m = {
			.magic = OCI_EXEC_MAGIC, .op = OCI_EXEC_SIGNAL, .value = sig};
		sent = st->sock >= 0 &&
		       send(st->sock, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) == sizeof(m);
		pthread_mutex_unlock(&st->mu);
		break;
	}
	pthread_mutex_unlock(&execs_lock);
	if (!sent)
		return fail(c, 404, "no running exec %llu in sandbox '%s'", no, sid);
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, "signal", json_object_new_int(sig));
	return reply(c, 200, a);
}
