/* SPDX-License-Identifier: Apache-2.0 */
/* The monitor's side of `runsc-c exec` (the protocol is in oci.h): while
 * the container runs, its control socket stays open and each connection
 * may ask for one process in the guest. Everything runs in the sandbox
 * library's loop (sandbox_watch), so any number of execs are served at
 * once and none of them can hold the monitor: connections are
 * non-blocking, a request's JSON comes in the request itself or in a
 * sealed memfd, of bounded size either way, and answers are sent without
 * waiting.
 *
 * The request is checked here again, field by field, as config.json is:
 * the client is another runsc-c, but the monitor trusts only what it
 * parsed itself. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* One client connection. */
struct exec_conn {
	int fd;
	bool builtins;	  /* its request may name a builtin */
	bool requested;	  /* its one request came */
	bool pending;	  /* the sandbox has the process (STARTED or not yet) */
	bool reported;	  /* init reports the start to the client itself */
	uint32_t exec_id; /* while pending */
	/* A request whose preserved fds come in OCI_EXEC_FDS messages: it
	 * and its fds so far (owned), until all are there. */
	struct oci_exec_msg req;
	int *gather;
	int ngather;
	struct exec_conn *next;
};

static struct exec_conn *conns;

static void answer(int fd, enum oci_exec_op op, int32_t value, const char *text)
{
	struct oci_exec_msg m = {.magic = OCI_EXEC_MAGIC, .op = op, .value = value};
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	(void)!send(fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void oci_exec_refuse(int conn, const char *why)
{
	answer(conn, OCI_EXEC_FAILED, 0, why);
}

static void conn_close(struct sandbox *sb, struct exec_conn *c)
{
	if (c->pending) {
		/* The client stood for the process: it goes with it. */
		sandbox_exec_kill(sb, c->exec_id, SIGKILL, NULL);
		sandbox_exec_forget(sb, c->exec_id);
	}
	for (int i = 0; i < c->ngather; i++)
		close(c->gather[i]);
	free(c->gather);
	sandbox_unwatch(sb, c->fd);
	close(c->fd);
	for (struct exec_conn **p = &conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	free(c);
}

static void on_exec_event(struct sandbox *sb, const struct sandbox_exec_event *ev, void *arg)
{
	struct exec_conn *c = arg;
	switch (ev->kind) {
	case SANDBOX_EXEC_STARTED:
		/* Init's own report came first; a copy would only wake the
		 * client for nothing. The end is answered all the same: a
		 * client that closes the connection at init's report of it
		 * loses nothing, and one whose report was lost (a full
		 * connection) still learns it. */
		if (!c->reported)
			answer(c->fd, OCI_EXEC_STARTED, ev->guest_pid, NULL);
		return;
	case SANDBOX_EXEC_FAILED:
		c->pending = false;
		answer(c->fd, OCI_EXEC_FAILED, ev->err.errno_value, ev->err.msg);
		conn_close(sb, c);
		return;
	case SANDBOX_EXEC_EXITED:
		c->pending = false;
		answer(c->fd, OCI_EXEC_EXITED, ev->exit_code, NULL);
		conn_close(sb, c);
		return;
	default:
		return;
	}
}

/* The request's process JSON: a sealed memfd of exactly len bytes. */
static int json_read(int fd, uint32_t len, struct json_object **out, struct rc_error *err)
{
	const int seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
	int have = fcntl(fd, F_GET_SEALS);
	struct stat st;
	if (have < 0 || (have & seals) != seals || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size != (off_t)len)
		return rc_error_set(err, EINVAL, "the request's process is not a sealed memfd");
	if (len == 0 || len > OCI_EXEC_PROCESS_MAX)
		return rc_error_set(err, E2BIG, "the process JSON has %u bytes (at most %u)", len,
				    OCI_EXEC_PROCESS_MAX);
	_cleanup_free_ char *text = xmalloc(len + 1);
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, text + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rc_error_set_errno(err, n < 0 ? errno : EIO, "reading the process");
		got += (size_t)n;
	}
	text[len] = 0;
	return oci_json_parse("process", text, len, out, err);
}

/* Starts the process a request asks for; the error if it cannot. Its
 * JSON is text (m->len bytes, NUL-terminated after) when it came in the
 * request, else the memfd fds[3]. */
static int request_start(struct sandbox *sb, struct exec_conn *c, const struct oci_exec_msg *m,
			 const int *fds, const char *text, struct rc_error *err)
{
	/* A builtin in place of a program (OCI_EXEC_REQUEST_BUILTIN, the
	 * service's alone), or fds to preserve (OCI_EXEC_REQUEST). */
	bool builtin = m->op == OCI_EXEC_REQUEST_BUILTIN;
	if (builtin && (!c->builtins || m->value <= 0 || (uint32_t)m->value >= EXEC_BUILTIN_COUNT))
		return rc_error_set(err, EINVAL, "malformed request");
	struct json_object *doc = NULL;
	struct oci_process p;
	int r = text ? oci_json_parse("process", text, m->len, &doc, err)
		     : json_read(fds[3], m->len, &doc, err);
	if (r == 0)
		r = oci_process_parse(doc, "process.", &p, err);
	if (r < 0) {
		json_object_put(doc);
		return r;
	}
	/* With a terminal, fds[0..2] are the console socket's connection. */
	int master = -1, slave = -1;
	char name[64];
	if (p.terminal &&
	    (r = sandbox_terminal_new(sb, &master, &slave, name, sizeof(name), err)) == 0) {
		/* Sized before the process starts, so its first look is right. */
		struct winsize ws = {.ws_row = p.console_rows, .ws_col = p.console_cols};
		if ((ws.ws_row || ws.ws_col) && ioctl(master, TIOCSWINSZ, &ws) < 0)
			r = rc_error_set_errno(err, errno, "process.consoleSize");
		if (r == 0)
			r = oci_console_send_master(fds[0], master, name, err);
	}
	if (r == 0) {
		struct sandbox_exec_config ec = {
			.argv = p.argv,
			.envp = p.envp,
			.cwd = p.cwd,
			.user_set = p.user_set,
			.uid = p.uid,
			.gid = p.gid,
			.groups = p.groups,
			.ngroups = p.ngroups,
			.attrs = &p.attrs,
			.stdio = {fds[0], fds[1], fds[2]},
			.tty = p.terminal,
			.preserve = fds + 4,
			.npreserve = builtin ? 0 : (unsigned int)m->value,
			.builtin = builtin ? (uint32_t)m->value : 0,
			/* The service waits on the connection: init tells
			 * it the start and the end first-hand (this
			 * monitor's answer of the end follows, as for any
			 * client). */
			.report = c->builtins,
			.report_fd = c->fd,
		};
		if (p.terminal)
			ec.stdio[0] = ec.stdio[1] = ec.stdio[2] = slave;
		r = sandbox_exec(sb, &ec, on_exec_event, c, &c->exec_id, err);
		c->reported = r == 0 && ec.report;
	}
	if (master >= 0)
		close(master);
	if (slave >= 0)
		close(slave);
	oci_process_free(&p);
	json_object_put(doc);
	if (r == 0)
		c->pending = true;
	return r;
}

/* The fds of a request or an OCI_EXEC_FDS message taken into c->gather
 * (*nfds then 0: c owns them). True once they are all there. */
static bool gather_fds(struct exec_conn *c, const struct oci_exec_msg *m, int *fds, int *nfds)
{
	if (m->op == OCI_EXEC_REQUEST) {
		c->req = *m;
		c->gather = xcalloc(4 + (size_t)m->value, sizeof(int));
	}
	memcpy(c->gather + c->ngather, fds, sizeof(int) * (size_t)*nfds);
	c->ngather += *nfds;
	*nfds = 0;
	return c->ngather == 4 + c->req.value;
}

/* A message: the header, and a request's process JSON after it when it
 * comes inline; one byte more than the most that may come, so that a
 * longer message, cut short by the kernel, is seen as too long. */
static char msg_buf[sizeof(struct oci_exec_msg) + OCI_EXEC_INLINE_MAX + 2];

static void on_conn(struct sandbox *sb, int fd, void *arg)
{
	struct exec_conn *c = arg;
	struct oci_exec_msg m = {0};
	int fds[MSG_FDS_MAX];
	int nfds = 0;
	ssize_t n =
		recv_msg_fds(fd, msg_buf, sizeof(msg_buf) - 1, fds, (int)ARRAY_SIZE(fds), &nfds);
	if (n == -EAGAIN || n == -EINTR)
		return;
	if (n <= 0) {
		conn_close(sb, c);
		return;
	}
	memcpy(&m, msg_buf, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m));
	bool valid = n == (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC;
	/* A request (without preserved fds) whose JSON follows it: exactly
	 * len bytes, the three stdio fds and no memfd. */
	const char *text = msg_buf + sizeof(m);
	bool inlined =
		n > (ssize_t)sizeof(m) && m.magic == OCI_EXEC_MAGIC && m.len > 0 &&
		m.len <= OCI_EXEC_INLINE_MAX && (size_t)n == sizeof(m) + m.len && nfds == 3 &&
		(m.op == OCI_EXEC_REQUEST_BUILTIN || (m.op == OCI_EXEC_REQUEST && m.value == 0));
	msg_buf[n] = 0;
	struct rc_error err;
	/* A request, and the OCI_EXEC_FDS messages its preserved fds need. */
	bool taken = false, start = false;
	if (valid && !c->requested && m.op == OCI_EXEC_REQUEST && m.value >= 0 &&
	    m.value <= SANDBOX_EXEC_PRESERVE_MAX &&
	    nfds == 4 + (m.value < OCI_EXEC_FIRST_PRESERVE ? m.value : OCI_EXEC_FIRST_PRESERVE)) {
		c->requested = taken = true;
		start = gather_fds(c, &m, fds, &nfds);
	} else if (valid && c->gather && m.op == OCI_EXEC_FDS && nfds > 0 &&
		   nfds <= 4 + c->req.value - c->ngather) {
		taken = true;
		start = gather_fds(c, &m, fds, &nfds);
	}
	if (start) {
		int r = request_start(sb, c, &c->req, c->gather, NULL, &err);
		for (int i = 0; i < c->ngather; i++)
			close(c->gather[i]);
		free(c->gather);
		c->gather = NULL;
		c->ngather = 0;
		if (r < 0) {
			answer(fd, OCI_EXEC_FAILED, err.errno_value, err.msg);
			conn_close(sb, c);
		}
	} else if (taken) {
		/* More of the request's fds to come. */
	} else if (c->gather) {
		answer(fd, OCI_EXEC_FAILED, 0, "malformed request");
		conn_close(sb, c);
	} else if (!c->requested &&
		   ((valid && m.op == OCI_EXEC_REQUEST_BUILTIN && nfds == 4) || inlined)) {
		c->requested = true;
		if (request_start(sb, c, &m, fds, inlined ? text : NULL, &err) < 0) {
			answer(fd, OCI_EXEC_FAILED, err.errno_value, err.msg);
			conn_close(sb, c);
		}
	} else if (valid && m.op == OCI_EXEC_SIGNAL && nfds == 0) {
		if (c->pending)
			sandbox_exec_kill(sb, c->exec_id, m.value, NULL);
	} else if (n == 5 && memcmp(&m, "start", 5) == 0) {
		(void)!send(fd, "cannot start an already running container", 42,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		conn_close(sb, c);
	} else {
		answer(fd, OCI_EXEC_FAILED, 0, "malformed request");
		conn_close(sb, c);
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

int oci_exec_adopt(struct sandbox *sb, int cfd, bool builtins)
{
	int fl = fcntl(cfd, F_GETFL);
	struct rc_error err;
	if (fl < 0 || fcntl(cfd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(cfd);
		return -errno;
	}
	struct exec_conn *c = xcalloc(1, sizeof(*c));
	c->fd = cfd;
	c->builtins = builtins;
	int r = sandbox_watch(sb, cfd, on_conn, c, &err);
	if (r < 0) {
		oci_exec_refuse(cfd, err.msg);
		close(cfd);
		free(c);
		return r;
	}
	c->next = conns;
	conns = c;
	return 0;
}

static void on_listen(struct sandbox *sb, int fd, void *arg)
{
	(void)arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd >= 0)
		oci_exec_adopt(sb, cfd, false);
}

int oci_exec_serve(struct sandbox *sb, int listen_fd, struct rc_error *err)
{
	int fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return rc_error_set_errno(err, errno, "the control socket");
	return sandbox_watch(sb, listen_fd, on_listen, NULL, err);
}

void oci_exec_serve_end(struct sandbox *sb)
{
	while (conns)
		conn_close(sb, conns);
}
