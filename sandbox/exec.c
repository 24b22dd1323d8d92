/* SPDX-License-Identifier: Apache-2.0 */
/* More processes in a running sandbox (sandbox_exec, sandbox.h): the
 * supervisor's end of the control channel to the guest's init
 * (common/exec_proto.h, guest/control.c).
 *
 * A request is one message with the process's stdio and a sealed memfd
 * of its argv, environment and cwd; init forks and answers later, so the
 * answers are read in sandbox_wait's loop (SANDBOX_EV_CONTROL) and handed
 * to each caller's callback. Nothing here waits on the guest: the request
 * is sent without blocking, and a full channel is an error. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/proto.h"
#include "common/util.h"
#include "sandbox/internal.h"

static const char *stage_name(uint32_t stage)
{
	switch (stage) {
	case EXEC_STAGE_REQUEST:
		return "the guest's init refused the request";
	case EXEC_STAGE_LIMIT:
		return "too many processes started through exec run already";
	case EXEC_STAGE_FORK:
		return "forking in the guest";
	case EXEC_STAGE_CWD:
		return "changing to the working directory";
	case EXEC_STAGE_USER:
		return "setting the user";
	case EXEC_STAGE_FILTER:
		return "installing the policy's syscall filter";
	case EXEC_STAGE_EXEC:
		return "exec";
	case EXEC_STAGE_TTY:
		return "taking the terminal as the controlling terminal";
	case EXEC_STAGE_LIMITS:
		return "setting the rlimits";
	case EXEC_STAGE_CAPS:
		return "setting the capabilities";
	case EXEC_STAGE_SECCOMP:
		return "installing the container's seccomp filter";
	default:
		return "starting the process";
	}
}

/* What failed, for the caller's error. */
static void stage_error(struct rc_error *err, const struct sandbox_exec_pending *p, uint32_t stage,
			int errno_value)
{
	char what[400];
	switch (stage) {
	case EXEC_STAGE_CWD:
		snprintf(what, sizeof(what), "changing to the working directory '%s'", p->cwd);
		break;
	case EXEC_STAGE_EXEC:
		/* The guest's init knows the process's limit, not this side. */
		if (errno_value == EMFILE)
			exec_emfile_describe(what, sizeof(what), p->argv0, RLIM_INFINITY, 0);
		else
			snprintf(what, sizeof(what), "exec '%s'", p->argv0);
		break;
	default:
		snprintf(what, sizeof(what), "%s", stage_name(stage));
		break;
	}
	if (errno_value > 0)
		rc_error_set_errno(err, errno_value, "%s", what);
	else
		rc_error_set(err, EIO, "%s", what);
}

static struct sandbox_exec_pending *pending_find(struct sandbox *sb, uint32_t id)
{
	for (size_t i = 0; i < sb->nexecs; i++)
		if (sb->execs[i].id == id)
			return &sb->execs[i];
	return NULL;
}

/* Removes a pending process (after its last event). */
static void pending_drop(struct sandbox *sb, struct sandbox_exec_pending *p)
{
	size_t i = (size_t)(p - sb->execs);
	sb->execs[i] = sb->execs[--sb->nexecs];
}

static void deliver(struct sandbox *sb, sandbox_exec_fn fn, void *arg,
		    const struct sandbox_exec_event *ev)
{
	if (fn)
		fn(sb, ev, arg);
}

/* EBADF naming the first of the request's fds that is not open, or 0. */
static int fds_check(const struct sandbox_exec_config *ec, struct rc_error *err)
{
	for (int i = 0; i < EXEC_STDIO_FDS; i++)
		if (fcntl(ec->stdio[i], F_GETFD) < 0)
			return rc_error_set_errno(err, errno, "exec: stdio fd %d", ec->stdio[i]);
	if (ec->report && fcntl(ec->report_fd, F_GETFD) < 0)
		return rc_error_set_errno(err, errno, "exec: the report connection");
	for (unsigned int i = 0; i < ec->npreserve; i++)
		if (fcntl(ec->preserve[i], F_GETFD) < 0)
			return rc_error_set_errno(err, errno, "exec: fd %d, to be preserved",
						  ec->preserve[i]);
	return 0;
}

/* The argv, environment and cwd, packed as the protocol says: in *inl
 * (malloc'd, *len bytes) when they fit in the START (EXEC_INLINE_MAX, and
 * the START carries every fd), the return value then -1; else in a sealed
 * memfd, returned. -errno with err filled on failure. */
static int data_make(const struct sandbox_exec_config *ec, uint32_t *argc, uint32_t *envc,
		     uint32_t *len, char **inl, struct rc_error *err)
{
	bool one_message = EXEC_STDIO_FDS + ec->npreserve + ec->report <= EXEC_MSG_FDS;
	size_t total = 0, na = 0, ne = 0;
	for (; ec->argv[na]; na++)
		total += strlen(ec->argv[na]) + 1;
	for (; ec->envp[ne]; ne++)
		total += strlen(ec->envp[ne]) + 1;
	const char *cwd = ec->cwd ? ec->cwd : "";
	total += strlen(cwd) + 1;
	if (total > EXEC_DATA_MAX)
		return rc_error_set(err, E2BIG, "the arguments, environment and cwd exceed %u MiB",
				    EXEC_DATA_MAX >> 20);
	char *buf = xmalloc(total);
	char *p = buf;
	for (size_t i = 0; i < na; i++)
		p = stpcpy(p, ec->argv[i]) + 1;
	for (size_t i = 0; i < ne; i++)
		p = stpcpy(p, ec->envp[i]) + 1;
	stpcpy(p, cwd);
	*argc = (uint32_t)na;
	*envc = (uint32_t)ne;
	*len = (uint32_t)total;
	if (one_message && total <= EXEC_INLINE_MAX) {
		*inl = buf;
		return -1;
	}
	/* The request's fds are checked before the memfd is made, which
	 * could take the number of one that is closed; and before a START
	 * is sent that more messages follow (one sent cannot be taken back). */
	int r = fds_check(ec, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	int fd = memfd_create("runsc-c-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		free(buf);
		return rc_error_set_errno(err, errno, "memfd_create");
	}
	r = write_all(fd, buf, total);
	free(buf);
	if (r == 0 &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return rc_error_set_errno(err, -r, "writing the process's arguments");
	}
	return fd;
}

_Static_assert(SANDBOX_EXEC_PRESERVE_MAX == EXEC_PRESERVE_MAX, "the preserved fds");
_Static_assert(EXEC_MSG_FDS <= MSG_FDS_MAX, "one message's fds");

/* One message with its nfds fds (at most EXEC_MSG_FDS) and after the
 * struct data[0..len) (a START's inline data, or none), without waiting:
 * a full channel fails. */
static int request_send(int sock, const struct exec_msg *m, const char *data, size_t len,
			const int *fds, size_t nfds)
{
	struct iovec iov[2] = {{.iov_base = (void *)m, .iov_len = sizeof(*m)},
			       {.iov_base = (void *)data, .iov_len = len}};
	union {
		char buf[CMSG_SPACE(sizeof(int) * EXEC_MSG_FDS)];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = iov,
			     .msg_iovlen = len ? 2 : 1,
			     .msg_control = u.buf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * nfds)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(sizeof(*m) + len) ? 0 : -EIO;
}

/* What the loop waits for on the channel: init's answers, and while an
 * EXEC_OP_ABORT is owed, room to send it. Before sandbox_wait's loop is
 * set up (no epoll yet) supervise_init asks for the same. */
void exec_control_events(struct sandbox *sb, int op)
{
	if (sb->epoll_fd < 0 || sb->control_fd < 0)
		return;
	struct epoll_event ev = {.events = EPOLLIN | (sb->abort_exec_id ? EPOLLOUT : 0u),
				 .data.u64 = SANDBOX_EV_CONTROL};
	epoll_ctl(sb->epoll_fd, op, sb->control_fd, &ev);
}

/* Tells init that the START of sb->abort_exec_id gets no more fds, so it
 * drops what it holds of it (common/exec_proto.h). The abort is not lost:
 * while the channel is full (-EAGAIN) it stays owed, the loop waits for
 * room (EPOLLOUT) and sends it then, and the next request sends it first.
 * Any other error is a broken channel: init is gone (EPIPE, ECONNRESET),
 * and with it all it held, so nothing is owed any more; the loop sees the
 * channel's end and fails what was pending. */
static int abort_send(struct sandbox *sb)
{
	if (!sb->abort_exec_id)
		return 0;
	struct exec_msg m = {.magic = EXEC_MAGIC, .op = EXEC_OP_ABORT, .id = sb->abort_exec_id};
	ssize_t n;
	do
		n = send(sb->control_fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	int r = n < 0 && (errno == EAGAIN || errno == ENOBUFS) ? -EAGAIN : 0;
	if (r == 0)
		sb->abort_exec_id = 0;
	exec_control_events(sb, EPOLL_CTL_MOD);
	return r;
}

static int config_check(const struct sandbox_exec_config *ec, struct rc_error *err)
{
	if (!ec->argv || !ec->argv[0] || !ec->argv[0][0])
		return rc_error_set(err, EINVAL, "exec: no command");
	if (!ec->envp)
		return rc_error_set(err, EINVAL, "exec: no environment");
	if (ec->cwd && ec->cwd[0] != '/')
		return rc_error_set(err, EINVAL, "exec: the working directory '%s' is not absolute",
				    ec->cwd);
	if (ec->ngroups > EXEC_MAX_GROUPS)
		return rc_error_set(err, EINVAL, "exec: more than %d supplementary groups",
				    EXEC_MAX_GROUPS);
	if (ec->user_set && (ec->uid > GUEST_ID_MAX || ec->gid > GUEST_ID_MAX))
		return rc_error_set(err, EINVAL, "exec: %u:%u is outside the guest's ids (0..%u)",
				    ec->uid, ec->gid, GUEST_ID_MAX);
	for (size_t i = 0; i < ec->ngroups; i++)
		if (ec->groups[i] > GUEST_ID_MAX)
			return rc_error_set(err, EINVAL,
					    "exec: group %u is outside the guest's ids (0..%u)",
					    ec->groups[i], GUEST_ID_MAX);
	if (ec->builtin >= EXEC_BUILTIN_COUNT)
		return rc_error_set(err, EINVAL, "exec: no builtin %u", ec->builtin);
	if (ec->builtin && ec->tty)
		return rc_error_set(err, EINVAL, "exec: a builtin has no terminal");
	if (ec->attrs && !proc_attrs_valid(ec->attrs))
		return rc_error_set(err, EINVAL, "exec: invalid rlimits, umask or capabilities");
	if (ec->npreserve + ec->report > SANDBOX_EXEC_PRESERVE_MAX)
		return rc_error_set(err, EINVAL, "exec: more than %d fds to preserve",
				    SANDBOX_EXEC_PRESERVE_MAX - ec->report);
	return 0;
}

int sandbox_exec(struct sandbox *sb, const struct sandbox_exec_config *ec, sandbox_exec_fn fn,
		 void *arg, uint32_t *exec_id, struct rc_error *err)
{
	int r = config_check(ec, err);
	if (r < 0)
		return r;
	/* A bad fd is EBADF before the sandbox's state is looked at. A
	 * request whose START carries every fd and nothing opened here has
	 * them checked by its sendmsg (EBADF, and nothing sent), and named
	 * only after such a failure: a service exec pays no fcntl per fd.
	 * Else data_make checks them first. */
	if ((sb->control_fd < 0 || sb->init_pid <= 0 || sb->nexecs >= EXEC_MAX_RUNNING) &&
	    (r = fds_check(ec, err)) < 0)
		return r;
	if (sb->control_fd < 0 || sb->init_pid <= 0)
		return rc_error_set(err, ESRCH, "the sandbox's guest is not running");
	if (sb->nexecs >= EXEC_MAX_RUNNING)
		return rc_error_set(
			err, EAGAIN,
			"%d processes started through exec run already; that is the most",
			EXEC_MAX_RUNNING);
	/* A START left without its last fds is given up before another
	 * goes: init never takes this one's fds for the rest of that one. */
	if (sb->abort_exec_id && abort_send(sb) < 0)
		return rc_error_set(err, EAGAIN, "the guest's init is not taking requests");
	struct exec_msg m = {.magic = EXEC_MAGIC, .op = EXEC_OP_START};
	_cleanup_free_ char *inl = NULL;
	int data_fd = data_make(ec, &m.argc, &m.envc, &m.data_len, &inl, err);
	if (data_fd < 0 && !inl)
		return data_fd;
	if (++sb->next_exec_id == 0)
		sb->next_exec_id = 1;
	m.id = sb->next_exec_id;
	m.tty = ec->tty;
	m.builtin = ec->builtin;
	m.user_set = ec->user_set;
	m.uid = ec->uid;
	m.gid = ec->gid;
	m.ngroups = (uint32_t)ec->ngroups;
	for (size_t i = 0; i < ec->ngroups; i++)
		m.groups[i] = ec->groups[i];
	if (ec->attrs)
		m.attrs = *ec->attrs;
	m.npreserve = ec->npreserve;
	/* The stdio, the memfd unless the data is inline, the preserved fds,
	 * the report connection. */
	int fds[EXEC_START_FDS + EXEC_PRESERVE_MAX] = {ec->stdio[0], ec->stdio[1], ec->stdio[2],
						       data_fd};
	size_t nfds = inl ? EXEC_STDIO_FDS : EXEC_START_FDS;
	for (unsigned int i = 0; i < ec->npreserve; i++)
		fds[nfds++] = ec->preserve[i];
	m.report = ec->report;
	if (ec->report)
		fds[nfds++] = ec->report_fd;
	/* The START with the fds one message carries, the rest after it in
	 * EXEC_OP_FDS messages (common/exec_proto.h). */
	size_t sent = nfds < EXEC_MSG_FDS ? nfds : EXEC_MSG_FDS;
	r = request_send(sb->control_fd, &m, inl, inl ? m.data_len : 0, fds, sent);
	struct exec_msg more = {.magic = EXEC_MAGIC, .op = EXEC_OP_FDS, .id = m.id};
	while (r == 0 && sent < nfds) {
		size_t k = nfds - sent < EXEC_MSG_FDS ? nfds - sent : EXEC_MSG_FDS;
		r = request_send(sb->control_fd, &more, NULL, 0, fds + sent, k);
		sent += k;
		/* The START went, the rest did not: init is told to drop
		 * what it holds of it (now, or once the channel has room). */
		if (r < 0) {
			sb->abort_exec_id = m.id;
			(void)abort_send(sb);
		}
	}
	if (data_fd >= 0)
		close(data_fd);
	if (r == -EBADF && fds_check(ec, err) < 0)
		return -EBADF;
	if (r == -EAGAIN)
		return rc_error_set(err, EAGAIN, "the guest's init is not taking requests");
	if (r < 0)
		return rc_error_set_errno(err, -r, "asking the guest's init for the process");
	sb->execs = realloc(sb->execs, (sb->nexecs + 1) * sizeof(*sb->execs));
	if (!sb->execs)
		abort();
	struct sandbox_exec_pending *p = &sb->execs[sb->nexecs++];
	*p = (struct sandbox_exec_pending){.id = m.id, .fn = fn, .arg = arg};
	snprintf(p->argv0, sizeof(p->argv0), "%s", ec->argv[0]);
	snprintf(p->cwd, sizeof(p->cwd), "%s", ec->cwd ? ec->cwd : "");
	*exec_id = m.id;
	return 0;
}

int sandbox_exec_kill(struct sandbox *sb, uint32_t exec_id, int sig, struct rc_error *err)
{
	struct sandbox_exec_pending *p = pending_find(sb, exec_id);
	if (!p || sb->control_fd < 0)
		return rc_error_set(err, ESRCH, "the process is not running");
	if (sig <= 0 || sig >= NSIG)
		return rc_error_set(err, EINVAL, "%d: not a signal", sig);
	struct exec_msg m = {.magic = EXEC_MAGIC, .op = EXEC_OP_SIGNAL, .id = exec_id, .arg = sig};
	if (send(sb->control_fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return rc_error_set_errno(err, errno, "signalling the process");
	return 0;
}

void sandbox_exec_forget(struct sandbox *sb, uint32_t exec_id)
{
	struct sandbox_exec_pending *p = pending_find(sb, exec_id);
	if (p)
		p->fn = NULL;
}

/* One message of init's. */
static void on_message(struct sandbox *sb, const struct exec_msg *m)
{
	struct sandbox_exec_pending *p = m->magic == EXEC_MAGIC ? pending_find(sb, m->id) : NULL;
	if (!p)
		return;
	struct sandbox_exec_event ev = {.exec_id = m->id};
	sandbox_exec_fn fn = p->fn;
	void *arg = p->arg;
	switch (m->op) {
	case EXEC_EV_STARTED:
		if (p->started)
			return;
		p->started = true;
		ev.kind = SANDBOX_EXEC_STARTED;
		ev.guest_pid = m->arg;
		deliver(sb, fn, arg, &ev);
		return;
	case EXEC_EV_FAILED:
		if (p->started)
			return;
		ev.kind = SANDBOX_EXEC_FAILED;
		stage_error(&ev.err, p, m->stage, m->arg);
		pending_drop(sb, p);
		deliver(sb, fn, arg, &ev);
		return;
	case EXEC_EV_EXITED:
		if (!p->started)
			return;
		pending_drop(sb, p);
		ev.kind = SANDBOX_EXEC_EXITED;
		ev.exit_code = m->arg;
		deliver(sb, fn, arg, &ev);
		return;
	default:
		return;
	}
}

/* Every process still pending ends: init is gone. */
static void pending_end_all(struct sandbox *sb)
{
	while (sb->nexecs > 0) {
		struct sandbox_exec_pending p = sb->execs[sb->nexecs - 1];
		sb->nexecs--;
		struct sandbox_exec_event ev = {.exec_id = p.id};
		if (p.started) {
			ev.kind = SANDBOX_EXEC_EXITED;
			ev.exit_code = 128 + SIGKILL;
		} else {
			ev.kind = SANDBOX_EXEC_FAILED;
			rc_error_set(&ev.err, ESRCH, "the container's process ended first");
		}
		deliver(sb, p.fn, p.arg, &ev);
	}
}

static void channel_close(struct sandbox *sb)
{
	if (sb->control_fd < 0)
		return;
	if (sb->epoll_fd >= 0)
		epoll_ctl(sb->epoll_fd, EPOLL_CTL_DEL, sb->control_fd, NULL);
	close(sb->control_fd);
	sb->control_fd = -1;
	/* Init is gone with what it held of a cut request. */
	sb->abort_exec_id = 0;
}

/* Reads what init sent; false once it is gone. */
static bool channel_read(struct sandbox *sb)
{
	for (;;) {
		struct exec_msg m;
		ssize_t n = recv(sb->control_fd, &m, sizeof(m), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0)
			return false;
		if (n == (ssize_t)sizeof(m))
			on_message(sb, &m);
	}
}

void exec_on_control(struct sandbox *sb)
{
	if (sb->control_fd >= 0 && sb->abort_exec_id)
		(void)abort_send(sb);
	if (sb->control_fd >= 0 && !channel_read(sb)) {
		channel_close(sb);
		pending_end_all(sb);
	}
}

void exec_end(struct sandbox *sb)
{
	if (sb->control_fd >= 0)
		(void)channel_read(sb);
	channel_close(sb);
	pending_end_all(sb);
	free(sb->execs);
	sb->execs = NULL;
}
