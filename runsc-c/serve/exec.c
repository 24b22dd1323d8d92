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

#include "common/exec_proto.h"
#include "common/utf8.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/exec_stream.h"
#include "runsc-c/serve/http.h"
#include "runsc-c/serve/serve.h"

#define CHUNK_MAX (32u << 10)

/* ---- POST /sandboxes/ID/exec ---- */

pthread_mutex_t execs_lock = PTHREAD_MUTEX_INITIALIZER;
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

void exec_stream_unref(struct exec_stream *st)
{
	pthread_mutex_lock(&execs_lock);
	bool last = --st->refs == 0;
	pthread_mutex_unlock(&execs_lock);
	if (!last)
		return;
	if (st->input_fd >= 0)
		close(st->input_fd);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

/* The end of the stream (the response is done or the client went): the
 * process is killed if it still runs; a stdin writer may still hold st. */
static void stream_free(void *arg)
{
	struct exec_stream *st = arg;
	stream_unlist(st);
	pthread_mutex_lock(&execs_lock);
	st->ended = true;
	pthread_mutex_unlock(&execs_lock);
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
	st->in = st->line = NULL;
	exec_stream_unref(st);
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

/* One answer on an exec's connection, as recv: the monitor's (struct
 * oci_exec_msg), or the guest init's own report of the process's start
 * or end (struct exec_msg, common/exec_proto.h: the monitor asks init
 * for it), given as the monitor's STARTED or EXITED. The start comes
 * from init alone; of the end, init's comes first and the monitor's copy
 * that may follow reads as a repeat. */
static ssize_t answer_recv(int sock, struct oci_exec_msg *m, int flags)
{
	union {
		struct oci_exec_msg oci;
		struct exec_msg init;
	} u;
	ssize_t n = recv(sock, &u, sizeof(u), flags);
	m->magic = 0;
	if (n == (ssize_t)sizeof(u.oci) && u.oci.magic == OCI_EXEC_MAGIC) {
		*m = u.oci;
	} else if (n == (ssize_t)sizeof(u.init) && u.init.magic == EXEC_MAGIC &&
		   (u.init.op == EXEC_EV_STARTED || u.init.op == EXEC_EV_EXITED)) {
		*m = (struct oci_exec_msg){.magic = OCI_EXEC_MAGIC,
					   .op = u.init.op == EXEC_EV_STARTED ? OCI_EXEC_STARTED
									      : OCI_EXEC_EXITED,
					   .value = u.init.arg};
		n = (ssize_t)sizeof(*m);
	}
	return n;
}

static void read_exec_msg(struct exec_stream *st)
{
	struct oci_exec_msg m;
	ssize_t n = answer_recv(st->sock, &m, MSG_DONTWAIT);
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
		ssize_t n = answer_recv(io->sock, &m, 0);
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

/* The process JSON of the OCI exec protocol, text[0..n), in a sealed
 * memfd. */
static int process_memfd(const char *text, size_t n)
{
	int fd = memfd_create("runsc-c-process", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write_all(fd, text, n) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* Sends the request m for the process text[0..m->len) with its stdio
 * fds[0..2]: the JSON in the same message when it fits (no memfd to make
 * and read), else in a sealed memfd. */
static int request_send(int sock, const struct oci_exec_msg *m, const char *text, int fds[4])
{
	if (m->len <= OCI_EXEC_INLINE_MAX) {
		char *buf = xmalloc(sizeof(*m) + m->len);
		memcpy(buf, m, sizeof(*m));
		memcpy(buf + sizeof(*m), text, m->len);
		int r = send_msg_fds(sock, buf, sizeof(*m) + m->len, fds, 3);
		free(buf);
		return r;
	}
	int mfd = process_memfd(text, m->len);
	if (mfd < 0)
		return mfd;
	fds[3] = mfd;
	int r = send_msg_fds(sock, m, sizeof(*m), fds, 4);
	close(mfd);
	return r;
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

/* The process's stdio: three pipes, or with a terminal one stream socket
 * that stands for all three, over which the monitor sends the master
 * (the OCI console socket's protocol). fds[0..2] go to the monitor, the
 * daemon's ends into io. */
static int stdio_open(struct guest_io *io, int fds[3], int *console)
{
	*console = -1;
	if (io->tty) {
		int cs[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cs) < 0)
			return -errno;
		*console = cs[0];
		fds[0] = fds[1] = fds[2] = cs[1];
		return 0;
	}
	int p[3][2];
	for (int i = 0; i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC) < 0) {
			int e = errno;
			for (int j = 0; j < i; j++)
				close(p[j][0]), close(p[j][1]);
			return -e;
		}
	}
	io->in_w = p[0][1];
	io->out_r = p[1][0];
	io->err_r = p[2][0];
	fds[0] = p[0][0];
	fds[1] = p[1][1];
	fds[2] = p[2][1];
	fcntl(io->in_w, F_SETFL, O_NONBLOCK);
	fcntl(io->out_r, F_SETFL, O_NONBLOCK);
	fcntl(io->err_r, F_SETFL, O_NONBLOCK);
	return 0;
}

/* The terminal's master, which the monitor sent before it started the
 * process: out_r, and in_w a copy. */
static int master_receive(struct guest_io *io, int console)
{
	struct pollfd p = {.fd = console, .events = POLLIN};
	char name[64];
	int master = -1, nfds = 0;
	if (poll(&p, 1, 5000) != 1 ||
	    recv_msg_fds(console, name, sizeof(name), &master, 1, &nfds) <= 0 || nfds != 1)
		return -EPROTO;
	io->out_r = master;
	io->in_w = fcntl(master, F_DUPFD_CLOEXEC, 0);
	fcntl(master, F_SETFL, O_NONBLOCK);
	return io->in_w < 0 ? -errno : 0;
}

/* Asks the monitor for the process and waits until it runs: 0, or an
 * HTTP status with msg. */
int exec_start(struct sbx *s, struct json_object *proc, struct guest_io *io, int *guest_pid,
	       char *msg, size_t msg_size)
{
	int fds[4], sv[2], console = -1;
	int r = stdio_open(io, fds, &console);
	if (r < 0)
		return snprintf(msg, msg_size, "the process's stdio: %s", strerror(-r)),
		       serve_errno_status(-r);
	size_t len;
	const char *text = json_object_to_json_string_length(proc, JSON_C_TO_STRING_PLAIN, &len);
	int status = 0;
	if (len > OCI_EXEC_PROCESS_MAX) {
		snprintf(msg, msg_size, "the process: %s", strerror(E2BIG));
		status = 400;
	} else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(msg, msg_size, "socketpair: %s", strerror(errno));
		status = serve_errno_status(errno);
	} else {
		io->sock = sv[0];
		char x = SERVE_EXEC;
		struct oci_exec_msg m = {.magic = OCI_EXEC_MAGIC,
					 .op = io->builtin ? OCI_EXEC_REQUEST_BUILTIN
							   : OCI_EXEC_REQUEST,
					 .value = (int32_t)io->builtin,
					 .len = (uint32_t)len};
		if (send_msg_fds(s->ctl, &x, 1, &sv[1], 1) < 0) {
			snprintf(msg, msg_size, "sandbox %s has ended", s->id);
			status = 404;
		} else if ((r = request_send(sv[0], &m, text, fds)) < 0) {
			snprintf(msg, msg_size, "sending the process: %s", strerror(-r));
			status = r == -EPIPE || r == -ECONNRESET ? 404 : serve_errno_status(-r);
		}
		close(sv[1]);
	}
	close(fds[0]);
	if (!io->tty) {
		close(fds[1]);
		close(fds[2]);
	}
	if (status) {
		if (console >= 0)
			close(console);
		return status;
	}
	/* The first answer: STARTED, or FAILED and why. */
	struct pollfd p = {.fd = io->sock, .events = POLLIN};
	struct oci_exec_msg m;
	ssize_t n = poll(&p, 1, SERVE_START_WAIT_S * 1000) > 0 ? answer_recv(io->sock, &m, 0) : -1;
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_STARTED) {
		*guest_pid = m.value;
		r = console >= 0 ? master_receive(io, console) : 0;
		if (console >= 0)
			close(console);
		if (r < 0)
			return snprintf(msg, msg_size, "the terminal: %s", strerror(-r)), 500;
		return 0;
	}
	if (console >= 0)
		close(console);
	if (n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.op == OCI_EXEC_FAILED) {
		m.text[sizeof(m.text) - 1] = 0;
		snprintf(msg, msg_size, "%s", m.text);
		/* What ran out (the execs an init runs at once, the sandbox's
		 * tasks, the host's ptys or memory) may be there later. */
		return m.value == EAGAIN || m.value == ENOSPC || m.value == ENOMEM ||
				       m.value == EMFILE || m.value == ENFILE
			       ? 503
			       : 400;
	}
	snprintf(msg, msg_size, "sandbox %s ended before the process started", s->id);
	return 500;
}

/* An exec request's fields, checked. */
struct exec_args {
	struct json_object *argv, *env, *cwd, *in;
	bool in_open; /* "stdin": true, or a terminal */
	bool tty;
	int rows, cols;
};

/* rows or cols of a terminal: 1..65535, default dflt. */
bool exec_tty_size(struct MHD_Connection *c, struct json_object *o, const char *name, int dflt,
		   int *out, enum MHD_Result *ret)
{
	struct json_object *v;
	if (!member(c, o, name, json_type_int, &v, ret))
		return false;
	*out = v ? (int)json_object_get_int64(v) : dflt;
	if (v && (json_object_get_int64(v) < 1 || json_object_get_int64(v) > 65535)) {
		*ret = fail(c, 400, "'%s' must be 1 to 65535", name);
		return false;
	}
	return true;
}

static bool exec_args_check(struct MHD_Connection *c, struct json_object *o, struct exec_args *a,
			    enum MHD_Result *ret)
{
	struct json_object *tty = NULL, *in = NULL;
	json_object_object_get_ex(o, "stdin", &in);
	bool ok = member(c, o, "argv", json_type_array, &a->argv, ret) &&
		  member(c, o, "env", json_type_object, &a->env, ret) &&
		  member(c, o, "cwd", json_type_string, &a->cwd, ret) &&
		  member(c, o, "tty", json_type_boolean, &tty, ret) && check_env(c, a->env, ret) &&
		  check_cwd(c, a->cwd, ret);
	a->tty = tty && json_object_get_boolean(tty);
	if (ok && in && json_object_is_type(in, json_type_boolean)) {
		a->in_open = json_object_get_boolean(in);
	} else if (ok && in && json_object_is_type(in, json_type_string)) {
		a->in = in;
	} else if (ok && in) {
		*ret = fail(c, 400,
			    "'stdin' must be a string, or true to send it with "
			    "POST /sandboxes/ID/exec/N/stdin");
		ok = false;
	}
	if (ok && a->tty && a->in) {
		*ret = fail(c, 400,
			    "'stdin' with 'tty': send a terminal's input with "
			    "POST /sandboxes/ID/exec/N/stdin");
		ok = false;
	}
	if (ok && !a->tty &&
	    (json_object_object_get_ex(o, "rows", NULL) ||
	     json_object_object_get_ex(o, "cols", NULL))) {
		*ret = fail(c, 400, "'rows' and 'cols' size a terminal: they need \"tty\": true");
		ok = false;
	}
	ok = ok && exec_tty_size(c, o, "rows", 24, &a->rows, ret) &&
	     exec_tty_size(c, o, "cols", 80, &a->cols, ret);
	a->in_open = a->in_open || a->tty;
	size_t argc = ok && a->argv ? json_object_array_length(a->argv) : 0;
	if (ok && (argc == 0 || argc > 4096)) {
		*ret = fail(c, 400, "'argv' must be 1 to 4096 strings");
		ok = false;
	}
	for (size_t i = 0; ok && i < argc; i++) {
		struct json_object *v = json_object_array_get_idx(a->argv, i);
		if (!v || !json_object_is_type(v, json_type_string) ||
		    !plain_string(v, 128 << 10)) {
			*ret = fail(c, 400, "'argv[%zu]' must be a string", i);
			ok = false;
		}
	}
	return ok;
}

/* The stream of a started process: its fds taken from io, the first line
 * ready, listed for signals, stdin and resizes. */
static void stream_begin(struct exec_stream *st, struct guest_io *io, const struct exec_args *a,
			 const char *id, int guest_pid)
{
	st->sock = io->sock;
	st->out_r = io->out_r;
	st->err_r = io->err_r;
	st->tty = a->tty;
	if (a->in_open) {
		st->input_fd = io->in_w;
	} else if (st->in_len > 0) {
		st->in_w = io->in_w;
	} else {
		close(io->in_w);
	}
	snprintf(st->sid, sizeof(st->sid), "%s", id);
	pthread_mutex_lock(&execs_lock);
	st->no = ++exec_count;
	st->next = execs;
	execs = st;
	pthread_mutex_unlock(&execs_lock);
	/* The first line names the process, for signals. */
	struct json_object *first = json_object_new_object();
	json_object_object_add(first, "exec", json_object_new_int64((int64_t)st->no));
	json_object_object_add(first, "pid", json_object_new_int(guest_pid));
	set_line(st, first);
}

enum MHD_Result http_exec(struct MHD_Connection *c, const struct req *rq, const char *id)
{
	static const char *const allowed[] = {"argv", "env",  "cwd",  "stdin",
					      "tty",  "rows", "cols", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct exec_args a = {0};
	bool ok = exec_args_check(c, o, &a, &ret);
	struct sbx *s = ok ? sbx_get(id) : NULL;
	if (ok && !s) {
		ret = fail(c, 404, "no sandbox '%s'", id);
		ok = false;
	} else if (ok && sbx_paused(s)) {
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
	st->sock = st->out_r = st->err_r = st->in_w = st->input_fd = -1;
	st->refs = 1;
	st->sb = s; /* the reference, until the stream ends */
	sbx_exec_begin(s);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	st->conn_fd = ci ? ci->connect_fd : -1;
	if (a.in) {
		st->in_len = (size_t)json_object_get_string_len(a.in);
		st->in = xmalloc(st->in_len + 1);
		memcpy(st->in, json_object_get_string(a.in), st->in_len);
	}
	struct json_object *proc = process_json(s, a.argv, a.env, a.cwd);
	if (a.tty) {
		struct json_object *size = json_object_new_object();
		json_object_object_add(size, "height", json_object_new_int(a.rows));
		json_object_object_add(size, "width", json_object_new_int(a.cols));
		json_object_object_add(proc, "terminal", json_object_new_boolean(1));
		json_object_object_add(proc, "consoleSize", size);
	}
	char msg[600];
	int guest_pid = 0;
	struct guest_io io = {.sock = -1, .out_r = -1, .err_r = -1, .in_w = -1, .tty = a.tty};
	int status = exec_start(s, proc, &io, &guest_pid, msg, sizeof(msg));
	json_object_put(proc);
	json_object_put(o);
	if (status) {
		guest_io_close(&io);
		stream_free(st);
		return fail(c, (unsigned)status, "%s", msg);
	}
	stream_begin(st, &io, &a, id, guest_pid);
	struct MHD_Response *r = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, CHUNK_MAX + 256, stream_read, st, stream_free);
	MHD_add_response_header(r, "Content-Type", "application/x-ndjson");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

struct exec_stream *exec_stream_find(const char *sid, const char *no_text)
{
	char *end;
	errno = 0;
	unsigned long long no = strtoull(no_text, &end, 10);
	if (!*no_text || *end || errno || !isdigit((unsigned char)no_text[0]))
		return NULL;
	struct exec_stream *st;
	pthread_mutex_lock(&execs_lock);
	for (st = execs; st; st = st->next) {
		if (st->no == no && strcmp(st->sid, sid) == 0 && !st->ended) {
			st->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&execs_lock);
	return st;
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
