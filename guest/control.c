/* SPDX-License-Identifier: Apache-2.0 */
/* The guest init's side of the control channel (guest/control.h,
 * common/exec_proto.h).
 *
 * A start request becomes a vfork (a fork for a builtin, which runs in
 * the child); the child sets itself up (stdio, user, working directory,
 * the policy's filter) and execs, and tells how far it got through a
 * close-on-exec pipe: nothing before EOF means its exec succeeded (the
 * kernel closed the pipe when it exec'd the loader the sentry pointed it
 * at), else the stage and errno of the failure. Init waits for a vfork
 * child only until it has exec'd or failed, then reads the pipe; it never
 * waits on the pipe itself: a word not there yet (the kernel releases the
 * parent of a vfork a moment before it closes the close-on-exec fds), and
 * a builtin's, is polled with the channel and its signals, and a child
 * reaped first has its pipe read then (it is complete). */
#include "guest/control.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "guest/attrs.h"
#include "guest/builtin.h"
#include "guest/spawn.h"
#include "syscalls/table.h"

extern char **environ;

/* A process started for the supervisor. */
struct running {
	uint32_t id;   /* 0: a free slot */
	pid_t pid;     /* in the guest's pid namespace */
	int status_fd; /* the child's word on its start (non-blocking), or -1 once read */
	bool started;  /* reported EXEC_EV_STARTED: its end is due */
	int report_fd; /* the caller's report connection (exec_proto.h), or -1 */
};

static int control_fd = -1;
static sigset_t child_sigmask;
static const struct sock_fprog *container_filter;
static struct running runs[EXEC_MAX_RUNNING];

void control_init(int fd, const sigset_t *child_mask, const struct sock_fprog *filter)
{
	control_fd = fd;
	container_filter = filter;
	child_sigmask = *child_mask;
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++)
		runs[i] = (struct running){.status_fd = -1, .report_fd = -1};
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

void close_fds_except(unsigned int from, const int *keep, size_t n)
{
	int sorted[16];
	size_t m = 0;
	for (size_t i = 0; i < n && m < ARRAY_SIZE(sorted); i++)
		if (keep[i] >= 0 && (unsigned int)keep[i] >= from)
			sorted[m++] = keep[i];
	qsort(sorted, m, sizeof(int), cmp_int);
	for (size_t i = 0; i < m; i++) {
		if ((unsigned int)sorted[i] > from)
			syscall(SYS_close_range, from, (unsigned int)sorted[i] - 1, 0);
		from = (unsigned int)sorted[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

static void send_event(uint32_t op, uint32_t id, int32_t arg, uint32_t stage)
{
	if (control_fd < 0)
		return;
	struct exec_msg m = {.magic = EXEC_MAGIC, .op = op, .id = id, .arg = arg, .stage = stage};
	/* write, not sendmsg: the egress filter traps sendmsg. */
	ssize_t n;
	do
		n = write(control_fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
}

/* An event of r's, to the supervisor and to the caller's report
 * connection (never waited on: a full or gone caller loses it, and its
 * SIGPIPE stays blocked in init). */
static void report_event(const struct running *r, uint32_t op, int32_t arg, uint32_t stage)
{
	/* The caller's first: it is the one waiting. A failure's text is
	 * the supervisor's to make. */
	if (r->report_fd >= 0 && op != EXEC_EV_FAILED) {
		struct exec_msg m = {.magic = EXEC_MAGIC, .op = op, .id = r->id, .arg = arg};
		(void)!write(r->report_fd, &m, sizeof(m));
	}
	send_event(op, r->id, arg, stage);
}

static void running_clear(struct running *r)
{
	if (r->report_fd >= 0)
		close(r->report_fd);
	*r = (struct running){.status_fd = -1, .report_fd = -1};
}

/* ---- the child ---- */

struct start {
	const struct exec_msg *req;
	int stdio[EXEC_STDIO_FDS];
	const int *preserve; /* req->npreserve fds: its 3, 4, ... */
	char **argv;
	char **envp;
	const char *cwd;
	bool init_at_root; /* init's own cwd is the view's root */
	sigset_t disposed; /* signals init does not leave at SIG_DFL */
	int status_fd;	   /* the write end of the child's status pipe */
};

/* The signals whose disposition in init is not SIG_DFL, which its child
 * sets back (one call each, not one per signal). Init sets none after it
 * starts, so they are looked up once. */
static const sigset_t *init_disposed(void)
{
	static sigset_t set;
	static bool known;
	if (!known) {
		sigemptyset(&set);
		for (int sig = 1; sig < NSIG; sig++) {
			struct sigaction old;
			if (sigaction(sig, NULL, &old) == 0 && old.sa_handler != SIG_DFL)
				sigaddset(&set, sig);
		}
		known = true;
	}
	return &set;
}

/* Whether init's cwd is "/", asked of the sentry once (a guest cannot
 * move init, nor the root of its view). */
static bool init_at_root(void)
{
	static int known = -1;
	char buf[2];
	if (known < 0)
		known = getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0;
	return known == 1;
}

_Noreturn static void child_fail(int status_fd, enum exec_stage stage, int err)
{
	int32_t word[2] = {(int32_t)stage, err};
	(void)!write(status_fd, word, sizeof(word));
	_exit(err == ENOENT ? 127 : 126);
}

_Noreturn static void child_run(const struct start *s, int status_fd)
{
	/* 0, 1, 2, the preserved fds at 3 to 2 + npreserve (open across the
	 * exec), the status pipe after them (closed by it). Everything goes
	 * out of the way of those numbers first: any of them may be where
	 * another must go. */
	const struct exec_msg *req = s->req;
	int np = (int)req->npreserve, low = 4 + np > 16 ? 4 + np : 16;
	int high[EXEC_STDIO_FDS + EXEC_PRESERVE_MAX + 1];
	for (int i = 0; i < EXEC_STDIO_FDS; i++)
		high[i] = fcntl(s->stdio[i], F_DUPFD_CLOEXEC, low);
	for (int i = 0; i < np; i++)
		high[EXEC_STDIO_FDS + i] = fcntl(s->preserve[i], F_DUPFD_CLOEXEC, low);
	high[EXEC_STDIO_FDS + np] = fcntl(status_fd, F_DUPFD_CLOEXEC, low);
	/* EMFILE where RLIMIT_NOFILE is below the fds moved up: the limits'
	 * failure, said as such. */
	for (int i = 0; i <= EXEC_STDIO_FDS + np; i++)
		if (high[i] < 0)
			child_fail(status_fd, EXEC_STAGE_LIMITS, EMFILE);
	/* dup2 leaves the new fd without close-on-exec. */
	for (int i = 0; i < EXEC_STDIO_FDS + np; i++)
		if (dup2(high[i], i) < 0)
			_exit(125);
	if (dup3(high[EXEC_STDIO_FDS + np], 3 + np, O_CLOEXEC) < 0)
		_exit(125);
	status_fd = 3 + np;
	/* Nothing of init's (the channel, other requests' fds) is passed on. */
	syscall(SYS_close_range, 4 + np, ~0U, 0);
	if (!req->tty)
		setpgid(0, 0);
	else if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)
		child_fail(status_fd, EXEC_STAGE_TTY, errno);
	if (attrs_apply_limits(&req->attrs) < 0)
		child_fail(status_fd, EXEC_STAGE_LIMITS, errno);
	if (attrs_caps_before_user(&req->attrs) < 0)
		child_fail(status_fd, EXEC_STAGE_CAPS, errno);
	if (req->user_set) {
		gid_t groups[EXEC_MAX_GROUPS];
		size_t n = req->ngroups;
		for (size_t i = 0; i < n; i++)
			groups[i] = req->groups[i];
		if (n == 0)
			groups[n++] = req->gid; /* as the command's: its own gid */
		if (spawn_set_user(req->uid, req->gid, groups, n) < 0)
			child_fail(status_fd, EXEC_STAGE_USER, errno);
	}
	if (attrs_caps_after_user(&req->attrs) < 0)
		child_fail(status_fd, EXEC_STAGE_CAPS, errno);
	/* As the user: the sentry resolves it in the view with their rights.
	 * "/" for a root with every capability, where init is already, has
	 * nothing to resolve and no right to check: the process has it. */
	bool stay = s->init_at_root && strcmp(s->cwd, "/") == 0 && !req->attrs.caps_set &&
		    getuid() == 0;
	if (s->cwd[0] && !stay && chdir(s->cwd) < 0)
		child_fail(status_fd, EXEC_STAGE_CWD, errno);
	int fr = sc_filter_install_policy();
	if (fr < 0)
		child_fail(status_fd, EXEC_STAGE_FILTER, -fr);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&s->disposed, sig) == 1)
			signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &child_sigmask, NULL);
	/* The container's filter last: it may deny what the steps above do. */
	if (attrs_filter_install(container_filter) < 0)
		child_fail(status_fd, EXEC_STAGE_SECCOMP, errno);
	if (req->builtin != EXEC_BUILTIN_NONE) {
		/* Started: init reads the end of the status pipe as it reads
		 * an exec's. */
		close(status_fd);
		proc_title_set(s->argv[0]);
		_exit(guest_builtin_run(req->builtin, (int)req->argc, s->argv));
	}
	/* execvpe searches the PATH of the process's own environment: the
	 * request's, as runc's exec does. */
	environ = s->envp;
	spawn_execvpe(s->argv[0], s->argv, s->envp);
	child_fail(status_fd, EXEC_STAGE_EXEC, errno);
}

/* A builtin runs in the child for as long as it runs: a fork. */
static pid_t fork_child(const struct start *s)
{
	pid_t pid = fork_single_threaded();
	if (pid == 0)
		child_run(s, s->status_fd);
	return pid;
}

/* The stack of a vfork child. One at a time: init waits while it runs.
 * Room for glibc's execvpe, which copies argv on it to run a script
 * without "#!" (4096 arguments at most, request_valid). */
static char vfork_stack[256 << 10] __attribute__((aligned(64)));

static int vfork_main(void *arg)
{
	const struct start *s = arg;
	child_run(s, s->status_fd);
}

/* A program runs after an exec: the child shares init's memory until
 * then (CLONE_VM | CLONE_VFORK) and init waits, so that neither copies
 * init's page tables nor takes the copy-on-write faults a fork costs.
 * The child writes to nothing of init's but errno (its thread's, shared)
 * and environ, which init sets back; init blocks every signal (it reads
 * them from a signalfd), so no handler of init's runs in the child
 * before it sets its own mask. */
static pid_t spawn_vfork(const struct start *s)
{
	char **env = environ;
	pid_t pid = clone(vfork_main, vfork_stack + sizeof(vfork_stack),
			  CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)s);
	int err = errno;
	environ = env;
	errno = err;
	return pid;
}

/* AddressSanitizer keeps its state, and the shadow of the child's stack
 * frames, in the memory a vfork child shares with init: its builds fork. */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_VFORK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPAWN_VFORK 0
#endif
#endif
#ifndef SPAWN_VFORK
#define SPAWN_VFORK 1
#endif

/* ---- init's side ---- */

static bool status_read(struct running *r);

/* Splits the request's data into argv, envp and cwd; false if it does not
 * hold exactly what the header says. */
static bool data_split(const struct exec_msg *req, char *data, struct start *s)
{
	size_t want = (size_t)req->argc + req->envc + 1, found = 0;
	if (req->data_len == 0 || data[req->data_len - 1] != 0)
		return false;
	for (uint32_t i = 0; i < req->data_len; i++)
		found += data[i] == 0;
	if (found != want)
		return false;
	s->argv = xcalloc((size_t)req->argc + 1, sizeof(char *));
	s->envp = xcalloc((size_t)req->envc + 1, sizeof(char *));
	char *p = data;
	for (uint32_t i = 0; i < req->argc; i++, p += strlen(p) + 1)
		s->argv[i] = p;
	for (uint32_t i = 0; i < req->envc; i++, p += strlen(p) + 1)
		s->envp[i] = p;
	s->cwd = p;
	return s->argv[0][0] != 0 && (s->cwd[0] == 0 || s->cwd[0] == '/');
}

/* The request's data: a sealed memfd of exactly data_len bytes or more
 * (request_valid bounds data_len; a shorter file ends the reads below
 * early, so its size needs no fstat, which the sentry would answer). */
static char *data_read(const struct exec_msg *req, int fd)
{
	const int seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
	int have = fcntl(fd, F_GET_SEALS);
	if (have < 0 || (have & seals) != seals)
		return NULL;
	char *data = xmalloc((size_t)req->data_len + 1);
	size_t got = 0;
	while (got < req->data_len) {
		ssize_t n = pread(fd, data + got, req->data_len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(data);
			return NULL;
		}
		got += (size_t)n;
	}
	data[req->data_len] = 0;
	return data;
}

static bool request_valid(const struct exec_msg *m, int nfds)
{
	return m->magic == EXEC_MAGIC && m->id != 0 && m->report <= 1 &&
	       m->npreserve + m->report <= EXEC_PRESERVE_MAX &&
	       nfds == EXEC_START_FDS + (int)m->npreserve + (int)m->report && m->argc >= 1 &&
	       m->argc <= EXEC_DATA_MAX && m->envc <= EXEC_DATA_MAX && m->data_len > 0 &&
	       m->data_len <= EXEC_DATA_MAX && m->ngroups <= EXEC_MAX_GROUPS && m->user_set <= 1 &&
	       m->uid <= 65535 && m->gid <= 65535 && proc_attrs_valid(&m->attrs) &&
	       m->builtin < EXEC_BUILTIN_COUNT && !(m->builtin && m->tty);
}

static struct running *slot_by_id(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++)
		if (runs[i].id == id)
			return &runs[i];
	return NULL;
}

/* A START: its fds (fds[EXEC_STDIO_FDS], the data's memfd, -1 when the
 * data came inline, in inl). */
static void on_start(const struct exec_msg *req, const int *fds, int nfds, const char *inl)
{
	if (!request_valid(req, nfds) || slot_by_id(req->id)) {
		send_event(EXEC_EV_FAILED, req->id, EINVAL, EXEC_STAGE_REQUEST);
		return;
	}
	struct running *slot = slot_by_id(0);
	if (!slot) {
		send_event(EXEC_EV_FAILED, req->id, EAGAIN, EXEC_STAGE_LIMIT);
		return;
	}
	struct start s = {.req = req};
	_cleanup_free_ char *data = inl ? xmalloc((size_t)req->data_len + 1) : NULL;
	if (inl) {
		memcpy(data, inl, req->data_len);
		data[req->data_len] = 0;
	} else {
		data = data_read(req, fds[EXEC_STDIO_FDS]);
	}
	if (!data || !data_split(req, data, &s)) {
		free(s.argv);
		free(s.envp);
		send_event(EXEC_EV_FAILED, req->id, EINVAL, EXEC_STAGE_REQUEST);
		return;
	}
	memcpy(s.stdio, fds, sizeof(s.stdio));
	s.preserve = fds + EXEC_START_FDS;
	s.init_at_root = init_at_root();
	s.disposed = *init_disposed();
	int pipefd[2];
	pid_t pid = -1;
	int err;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err = errno;
	} else {
		s.status_fd = pipefd[1];
		pid = SPAWN_VFORK && req->builtin == EXEC_BUILTIN_NONE ? spawn_vfork(&s)
								       : fork_child(&s);
		err = errno;
		close(pipefd[1]);
		if (pid < 0)
			close(pipefd[0]);
	}
	free(s.argv);
	free(s.envp);
	if (pid < 0) {
		send_event(EXEC_EV_FAILED, req->id, err, EXEC_STAGE_FORK);
		return;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	*slot = (struct running){
		.id = req->id, .pid = pid, .status_fd = pipefd[0], .report_fd = -1};
	if (req->report)
		slot->report_fd = fcntl(fds[EXEC_START_FDS + req->npreserve], F_DUPFD_CLOEXEC, 0);
	/* After a vfork the child has exec'd or failed: its word is usually
	 * there already (else the pipe is polled as after a fork). */
	if (SPAWN_VFORK && req->builtin == EXEC_BUILTIN_NONE)
		status_read(slot);
}

/* Reads the child's word on its start: reports it and returns true, or
 * false when there is none yet. */
static bool status_read(struct running *r)
{
	int32_t word[2];
	ssize_t n;
	do
		n = read(r->status_fd, word, sizeof(word));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return false;
	close(r->status_fd);
	r->status_fd = -1;
	if (n == 0) {
		r->started = true;
		report_event(r, EXEC_EV_STARTED, r->pid, 0);
	} else if (n == (ssize_t)sizeof(word)) {
		report_event(r, EXEC_EV_FAILED, word[1], (uint32_t)word[0]);
	} else {
		/* The child died before it could say (e.g. killed). */
		report_event(r, EXEC_EV_FAILED, EIO, EXEC_STAGE_FORK);
	}
	return true;
}

static void on_signal(const struct exec_msg *req)
{
	struct running *r = slot_by_id(req->id);
	if (r && req->id != 0 && req->arg > 0 && req->arg < NSIG)
		kill(r->pid, req->arg);
}

/* A START whose preserved fds come in more messages (EXEC_OP_FDS): its
 * request and the fds so far, until they are all there. */
static struct {
	bool active;
	struct exec_msg req;
	int fds[EXEC_START_FDS + EXEC_PRESERVE_MAX];
	int nfds;
} gather;

static void gather_end(void)
{
	for (int i = 0; i < gather.nfds; i++)
		close(gather.fds[i]);
	gather.active = false;
	gather.nfds = 0;
}

/* The START held fails: something came that is not the rest of it. */
static void gather_fail(void)
{
	if (gather.active)
		send_event(EXEC_EV_FAILED, gather.req.id, EINVAL, EXEC_STAGE_REQUEST);
	gather_end();
}

/* The fds of message m (a START or EXEC_OP_FDS, nfds of them), taken
 * into gather when they belong there: then *nfds is 0 (gather owns them).
 * A START that is complete goes to on_start; one whose fds come after it
 * is kept until they are there. A START while one is kept fails the one
 * kept (its supervisor gave it up) and is a request of its own; fds that
 * are not the rest of the START kept fail it and are refused. */
static void on_start_part(const struct exec_msg *m, int *fds, int *nfds)
{
	if (m->op == EXEC_OP_START) {
		gather_fail();
		if (m->report <= 1 && m->npreserve + m->report > EXEC_FIRST_PRESERVE &&
		    m->npreserve + m->report <= EXEC_PRESERVE_MAX && *nfds == EXEC_MSG_FDS) {
			gather.active = true;
			gather.req = *m;
			memcpy(gather.fds, fds, sizeof(int) * (size_t)*nfds);
			gather.nfds = *nfds;
			*nfds = 0;
			return;
		}
		on_start(m, fds, *nfds, NULL);
		return;
	}
	size_t want = EXEC_START_FDS + gather.req.npreserve + gather.req.report;
	if (!gather.active || m->id != gather.req.id || *nfds <= 0 ||
	    (size_t)(gather.nfds + *nfds) > want) {
		bool held = gather.active && m->id == gather.req.id;
		gather_fail();
		if (!held)
			send_event(EXEC_EV_FAILED, m->id, EINVAL, EXEC_STAGE_REQUEST);
		return;
	}
	memcpy(gather.fds + gather.nfds, fds, sizeof(int) * (size_t)*nfds);
	gather.nfds += *nfds;
	*nfds = 0;
	if ((size_t)gather.nfds == want) {
		on_start(&gather.req, gather.fds, gather.nfds, NULL);
		gather_end();
	}
}

/* EXEC_OP_ABORT: the supervisor gave up the START of id part-way; its
 * fds received so far are closed, and nothing is answered (an id not
 * held was answered already, or replaced by a newer START). */
static void on_abort(const struct exec_msg *m)
{
	if (gather.active && gather.req.id == m->id)
		gather_end();
}

/* A START whose data came inline (n bytes of message): on_start with a
 * -1 where the memfd would be. Any START still gathering its fds fails. */
static void on_start_inline(const struct exec_msg *m, const char *data, const int *fds, int nfds)
{
	gather_fail();
	int all[EXEC_MSG_FDS + 1] = {-1, -1, -1, -1};
	int nall = nfds < EXEC_STDIO_FDS ? nfds : nfds + 1;
	for (int i = 0; i < nfds; i++)
		all[i < EXEC_STDIO_FDS ? i : i + 1] = fds[i];
	on_start(m, all, nall, data);
}

/* A message: the struct, and a START's inline data after it; one byte
 * more than the most that may come, so that a longer message, cut short
 * by the kernel, is seen as too long. */
static char channel_buf[sizeof(struct exec_msg) + EXEC_INLINE_MAX + 1];

static void on_channel(void)
{
	struct exec_msg m = {0};
	int fds[EXEC_MSG_FDS];
	int nfds = 0;
	ssize_t n = recv_msg_fds(control_fd, channel_buf, sizeof(channel_buf), fds,
				 (int)ARRAY_SIZE(fds), &nfds);
	if (n > 0)
		memcpy(&m, channel_buf, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m));
	if (n == 0 || (n < 0 && n != -EAGAIN && n != -EINTR)) {
		/* The supervisor is gone; the sandbox goes with it. */
		close(control_fd);
		control_fd = -1;
	} else if (n > (ssize_t)sizeof(m) && m.magic == EXEC_MAGIC && m.op == EXEC_OP_START &&
		   m.data_len <= EXEC_INLINE_MAX && (size_t)n == sizeof(m) + m.data_len) {
		on_start_inline(&m, channel_buf + sizeof(m), fds, nfds);
	} else if (n == (ssize_t)sizeof(m) && m.magic == EXEC_MAGIC &&
		   (m.op == EXEC_OP_START || m.op == EXEC_OP_FDS)) {
		on_start_part(&m, fds, &nfds);
	} else if (n == (ssize_t)sizeof(m) && m.magic == EXEC_MAGIC && m.op == EXEC_OP_SIGNAL &&
		   nfds == 0) {
		on_signal(&m);
	} else if (n == (ssize_t)sizeof(m) && m.magic == EXEC_MAGIC && m.op == EXEC_OP_ABORT &&
		   nfds == 0) {
		on_abort(&m);
	} else if (n > 0) {
		/* One EXEC_EV_FAILED per id: a malformed message naming the
		 * START held fails that START only. */
		uint32_t id = n == (ssize_t)sizeof(m) ? m.id : 0;
		bool held = gather.active && id && id == gather.req.id;
		gather_fail();
		if (!held)
			send_event(EXEC_EV_FAILED, id, EINVAL, EXEC_STAGE_REQUEST);
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

int control_pollfds(struct pollfd *p)
{
	int n = 0;
	if (control_fd < 0)
		return 0;
	p[n++] = (struct pollfd){.fd = control_fd, .events = POLLIN};
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++)
		if (runs[i].id && runs[i].status_fd >= 0)
			p[n++] = (struct pollfd){.fd = runs[i].status_fd, .events = POLLIN};
	return n;
}

void control_events(const struct pollfd *p, int n)
{
	for (int i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		if (p[i].fd == control_fd) {
			on_channel();
			continue;
		}
		/* A pollfd of a status pipe read (and closed) since the poll
		 * matches no slot, or a new one whose read finds nothing. */
		for (size_t k = 0; k < ARRAY_SIZE(runs); k++)
			if (runs[k].id && runs[k].status_fd == p[i].fd)
				status_read(&runs[k]);
	}
}

bool control_reaped(pid_t pid, int status)
{
	struct running *r = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(runs) && !r; i++)
		if (runs[i].id && runs[i].pid == pid)
			r = &runs[i];
	if (!r)
		return false;
	/* It has exited: a word on a failed start, which it writes before it
	 * exits, is in the pipe. None, with the pipe not even at its end,
	 * means a copy of the write end outlived the child for a moment
	 * elsewhere: the child failed at nothing, so it started, as when the
	 * pipe ends, and its status is the process's (one killed by SIGKILL
	 * right after its exec ends with 137, not as an exec that failed). */
	if (r->status_fd >= 0 && !status_read(r)) {
		close(r->status_fd);
		r->status_fd = -1;
		r->started = true;
		report_event(r, EXEC_EV_STARTED, r->pid, 0);
	}
	if (r->started) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		report_event(r, EXEC_EV_EXITED, code, 0);
	}
	running_clear(r);
	return true;
}
