/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c exec [FLAGS] ID [COMMAND [ARG...]]: another process in a running
 * container, as runc exec runs one: in the same sandbox, under the same
 * sentry, gofer and filters as the container's program (sandbox_exec).
 *
 *	--process, -p FILE     the process as JSON (runc's process.json);
 *	                       the other process flags are then ignored
 *	--env, -e NAME=VALUE   added to (or replacing in) config.json's env
 *	--cwd DIR              instead of config.json's process.cwd
 *	--user, -u UID[:GID]   instead of config.json's process.user
 *	--additional-gids, -g  a supplementary group (repeatable)
 *	--detach, -d           return once the process runs
 *	--pid-file FILE        the pid that stands for the process
 *	--tty, -t              a terminal (process.terminal, as runc sets it
 *	                       from this flag): its master goes to
 *	                       --console-socket, or without one this runsc-c
 *	                       relays it to its own stdin and stdout (raw mode
 *	                       when stdin is a terminal, its window size
 *	                       followed), as runc exec -t does
 *	--console-socket S     the terminal's master goes to S (console.c)
 *
 * Without --process the process is config.json's (from the container's
 * bundle) with COMMAND as its args and the flags applied, as runc does.
 *
 * The process lives in the guest's pid namespace, so no host process of
 * the caller's can be it. This runsc-c stands for it instead: it stays
 * until the process ends and exits with its status, forwards the signals
 * it gets to it (kill(1) of the pid file's pid reaches the process), and
 * if it is killed, the process is killed too. With --detach a child of it
 * does so, whose pid goes to the pid file, and exec returns once the
 * process runs: the caller's subreaper (containerd's shim, conmon) reaps
 * that child and gets the process's status. Failures to start exit with
 * 255, as runc exec's do. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/proto.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

struct exec_opts {
	const char *process_file;
	const char *cwd;
	const char *user;
	const char *pid_file;
	bool detach;
	bool ignore_paused; /* a paused container's exec waits for resume */
	bool tty;
	const char *console_socket;
	unsigned int preserve_fds; /* fds 3 to 2 + N are the process's too */
	char *env[256];
	size_t nenv;
	gid_t groups[OCI_GROUPS_MAX];
	size_t ngroups;
	const char *id;
	char **args; /* the command, argv after the id */
	int nargs;
};

/* An id of the guest's id map (0..GUEST_ID_MAX) for flag. */
static int parse_id_flag(const char *s, const char *flag, unsigned int *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > GUEST_ID_MAX || s[0] == '-') {
		oci_error("exec: %s: '%s': expected a number in 0..%u", flag, s, GUEST_ID_MAX);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int exec_parse(struct exec_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"process", required_argument, NULL, 'p'},
		{"env", required_argument, NULL, 'e'},
		{"cwd", required_argument, NULL, 'w'},
		{"user", required_argument, NULL, 'u'},
		{"additional-gids", required_argument, NULL, 'g'},
		{"detach", no_argument, NULL, 'd'},
		{"pid-file", required_argument, NULL, 'P'},
		{"tty", no_argument, NULL, 't'},
		{"console-socket", required_argument, NULL, 'C'},
		{"cap", required_argument, NULL, 'c'},
		{"cgroup", required_argument, NULL, 'G'},
		{"preserve-fds", required_argument, NULL, 'f'},
		{"no-new-privs", no_argument, NULL, 'n'},
		{"ignore-paused", no_argument, NULL, 'i'},
		{"apparmor", required_argument, NULL, 'a'},
		{"process-label", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct exec_opts){0};
	opterr = 0;
	optind = 0;
	int ch;
	unsigned int gid;
	while ((ch = getopt_long_only(argc, argv, "+p:e:u:g:dtc:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o->process_file = optarg;
			break;
		case 'e':
			if (o->nenv == ARRAY_SIZE(o->env)) {
				oci_error("exec: --env: more than %zu", ARRAY_SIZE(o->env));
				return -1;
			}
			o->env[o->nenv++] = optarg;
			break;
		case 'w':
			o->cwd = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'g':
			if (parse_id_flag(optarg, "--additional-gids", &gid) < 0)
				return -1;
			if (o->ngroups == OCI_GROUPS_MAX) {
				oci_error("exec: --additional-gids: more than %d groups",
					  OCI_GROUPS_MAX);
				return -1;
			}
			o->groups[o->ngroups++] = gid;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 't':
			o->tty = true;
			break;
		case 'C':
			o->console_socket = optarg;
			break;
		case 'c':
			oci_error("exec: --cap: an exec'd process gets the container's "
				  "capabilities, no others");
			return -1;
		case 'G':
			oci_error(
				"exec: --cgroup: an exec'd process runs in the container's cgroup");
			return -1;
		case 'f':
			/* At most SANDBOX_PRESERVE_FDS_MAX, as many as
			 * SANDBOX_EXEC_PRESERVE_MAX. */
			if (oci_preserve_fds_arg(argv, optarg, &o->preserve_fds) < 0)
				return -1;
			break;
		case 'n': /* always: the whole guest runs with no_new_privs */
			break;
		case 'i':
			o->ignore_paused = true;
			break;
		case 'a':
		case 'l':
			oci_debug("exec: %s: no LSM labels in the sandbox, ignored",
				  argv[optind - 1]);
			break;
		case '?':
		default:
			oci_bad_flag(argv);
			return -1;
		}
	}
	if (optind >= argc) {
		oci_error("exec: expected the container id");
		return -1;
	}
	if (!oci_id_valid(argv[optind])) {
		oci_error("'%s': invalid container id (letters, digits, _ + - . only)",
			  argv[optind]);
		return -1;
	}
	o->id = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	if (!o->process_file && o->nargs == 0) {
		oci_error("exec: expected a command after the container id (or --process)");
		return -1;
	}
	/* A --detach's stand-in outlives this call (oci.h). */
	oci_stray_fds_close(o->preserve_fds);
	return 0;
}

/* Reads a JSON file of at most OCI_EXEC_PROCESS_MAX bytes. */
static int json_file(const char *path, struct json_object **out, struct rc_error *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return rc_error_set_errno(err, errno, "%s", path);
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)OCI_EXEC_PROCESS_MAX)
		return rc_error_set(err, E2BIG, "%s: larger than %u MiB", path,
				    OCI_EXEC_PROCESS_MAX >> 20);
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_file_at(AT_FDCWD, path, &text);
	if (n < 0)
		return rc_error_set_errno(err, (int)-n, "%s", path);
	if ((size_t)n > OCI_EXEC_PROCESS_MAX)
		return rc_error_set(err, E2BIG, "%s: larger than %u MiB", path,
				    OCI_EXEC_PROCESS_MAX >> 20);
	return oci_json_parse(path, text, (size_t)n, out, err);
}

/* Sets NAME=VALUE in a JSON array of strings: replaces the entry of the
 * same NAME, else appends. */
static void env_set(struct json_object *env, const char *entry)
{
	size_t name_len = strcspn(entry, "=");
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		struct json_object *e = json_object_array_get_idx(env, i);
		const char *s =
			json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
		if (s && strncmp(s, entry, name_len) == 0 && s[name_len] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(entry));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(entry));
}

/* The process from config.json's with the flags applied. */
static int process_from_flags(const struct exec_opts *o, const char *bundle,
			      struct json_object **out, struct rc_error *err)
{
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", bundle);
	struct json_object *doc, *proc = NULL, *v;
	int r = json_file(path, &doc, err);
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(doc, "process", &v) ||
	    !json_object_is_type(v, json_type_object) || json_object_deep_copy(v, &proc, NULL) < 0)
		proc = json_object_new_object();
	json_object_put(doc);
	struct json_object *args = json_object_new_array();
	for (int i = 0; i < o->nargs; i++)
		json_object_array_add(args, json_object_new_string(o->args[i]));
	json_object_object_add(proc, "args", args);
	if (o->cwd)
		json_object_object_add(proc, "cwd", json_object_new_string(o->cwd));
	if (o->nenv) {
		struct json_object *env;
		if (!json_object_object_get_ex(proc, "env", &env) ||
		    !json_object_is_type(env, json_type_array)) {
			env = json_object_new_array();
			json_object_object_add(proc, "env", env);
		}
		for (size_t i = 0; i < o->nenv; i++) {
			if (!strchr(o->env[i], '=') || o->env[i][0] == '=') {
				json_object_put(proc);
				return rc_error_set(err, EINVAL, "--env: '%s': expected NAME=VALUE",
						    o->env[i]);
			}
			env_set(env, o->env[i]);
		}
	}
	struct json_object *user;
	if (!json_object_object_get_ex(proc, "user", &user) ||
	    !json_object_is_type(user, json_type_object)) {
		user = json_object_new_object();
		json_object_object_add(proc, "user", user);
	}
	if (o->user) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", o->user);
		char *colon = strchr(buf, ':');
		if (colon)
			*colon = 0;
		unsigned int uid, gid;
		if (parse_id_flag(buf, "--user", &uid) < 0 ||
		    (colon && parse_id_flag(colon + 1, "--user", &gid) < 0)) {
			json_object_put(proc);
			return rc_error_set(err, EINVAL, "--user: '%s': expected UID[:GID]",
					    o->user);
		}
		json_object_object_add(user, "uid", json_object_new_int64(uid));
		if (colon)
			json_object_object_add(user, "gid", json_object_new_int64(gid));
	}
	json_object_object_add(proc, "terminal", json_object_new_boolean(o->tty));
	if (o->ngroups) {
		struct json_object *groups;
		if (!json_object_object_get_ex(user, "additionalGids", &groups) ||
		    !json_object_is_type(groups, json_type_array)) {
			groups = json_object_new_array();
			json_object_object_add(user, "additionalGids", groups);
		}
		for (size_t i = 0; i < o->ngroups; i++)
			json_object_array_add(groups, json_object_new_int64(o->groups[i]));
	}
	*out = proc;
	return 0;
}

/* The process as JSON in a sealed memfd, checked as the monitor will
 * check it. The fd, or -errno with err filled. */
static int process_memfd(const struct exec_opts *o, const char *bundle, uint32_t *len,
			 bool *terminal, struct rc_error *err)
{
	struct json_object *proc;
	int r = o->process_file ? json_file(o->process_file, &proc, err)
				: process_from_flags(o, bundle, &proc, err);
	if (r < 0)
		return r;
	struct oci_process p;
	r = oci_process_parse(proc, o->process_file ? "" : "process.", &p, err);
	if (r < 0) {
		if (o->process_file)
			rc_error_context(err, "%s", o->process_file);
		json_object_put(proc);
		return r;
	}
	*terminal = p.terminal;
	/* Without a console socket a foreground exec relays the terminal
	 * itself; a detached one would have nobody to relay it. */
	r = p.terminal && !o->console_socket && !o->detach
		    ? 0
		    : oci_console_check(p.terminal, o->console_socket, err);
	oci_process_free(&p);
	if (r < 0) {
		json_object_put(proc);
		return r;
	}
	size_t n;
	const char *text = json_object_to_json_string_length(proc, JSON_C_TO_STRING_PLAIN, &n);
	if (n > OCI_EXEC_PROCESS_MAX) {
		json_object_put(proc);
		return rc_error_set(err, E2BIG, "the process is %zu bytes of JSON (at most %u MiB)",
				    n, OCI_EXEC_PROCESS_MAX >> 20);
	}
	int fd = memfd_create("runsc-c-process", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	r = fd < 0 ? -errno : write_all(fd, text, n);
	json_object_put(proc);
	if (r == 0 &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		r = -errno;
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return rc_error_set_errno(err, -r, "passing the process");
	}
	*len = (uint32_t)n;
	return fd;
}

/* Connects to the running container's monitor; its bundle into *bundle. */
static int monitor_connect(const char *id, bool ignore_paused, char **bundle, struct rc_error *err)
{
	struct oci_dir d;
	struct oci_state st;
	if (oci_dir_open(id, false, &d, err) < 0 || oci_state_read(&d, &st, err) < 0) {
		oci_dir_close(&d);
		return -err->errno_value;
	}
	int r = 0;
	enum oci_status s = oci_state_status(&st);
	if (s == OCI_STOPPED)
		r = rc_error_set(err, EINVAL, "cannot exec in a stopped container");
	else if (s == OCI_CREATED)
		r = rc_error_set(err, EINVAL, "cannot exec in a container that has not started");
	else if (s == OCI_PAUSED && !ignore_paused)
		r = rc_error_set(err, EINVAL,
				 "cannot exec in a paused container (use --ignore-paused to "
				 "override)");
	int fd = r < 0 ? -1 : oci_control_connect(d.fd);
	if (r == 0 && fd < 0)
		r = fd == -ENOENT || fd == -ECONNREFUSED
			    ? rc_error_set(err, ESRCH, "container '%s' is not running", id)
			    : rc_error_set_errno(err, -fd, "reaching the container's process");
	if (r == 0)
		*bundle = xstrdup(st.bundle);
	else if (fd >= 0)
		close(fd);
	oci_state_free(&st);
	oci_dir_close(&d);
	return r < 0 ? r : fd;
}

/* The signals this process passes on to the exec'd one: all but those
 * that cannot be caught, SIGCHLD, and the ones the kernel raises for a
 * fault of this process itself. */
static void forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	static const int kept[] = {SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS,
				   SIGILL,  SIGFPE,  SIGTRAP, SIGSYS};
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		sigdelset(set, kept[i]);
}

/* Waits for the monitor's next message; -errno with err filled when the
 * connection ended. */
static int msg_recv(int conn, struct oci_exec_msg *m, struct rc_error *err)
{
	ssize_t n;
	do
		n = recv(conn, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*m) && m->magic == OCI_EXEC_MAGIC) {
		m->text[sizeof(m->text) - 1] = 0;
		return 0;
	}
	if (n > 0)
		return rc_error_set(err, EPROTO, "the container's process sent a malformed answer");
	return rc_error_set(err, ESRCH, "the container's process exited");
}

/* The terminal this runsc-c relays (exec -t without a console socket):
 * the master, and the caller's terminal settings to restore. */
struct relay {
	int master;
	bool raw;
	struct termios saved;
};

static void relay_resize(const struct relay *t)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

static void relay_start(struct relay *t)
{
	relay_resize(t);
	if (tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		t->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
}

/* Copies what one read of from gives to to; false at the end of from. A
 * failed write loses the output, as on a closed terminal, and goes on. */
static bool relay_copy(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n > 0)
		(void)write_all(to, buf, (size_t)n);
	return n > 0;
}

/* The output the process left in the terminal, then the caller's
 * terminal as it was. */
static void relay_end(struct relay *t)
{
	/* Until nothing is left to read now: a process the exec'd one left
	 * in the background may still hold the terminal (EAGAIN, not EIO). */
	char buf[16384];
	ssize_t n;
	fcntl(t->master, F_SETFL, O_NONBLOCK);
	while ((n = read(t->master, buf, sizeof(buf))) > 0)
		(void)write_all(STDOUT_FILENO, buf, (size_t)n);
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	close(t->master);
}

/* Stands for the process from its start to its end: forwards signals,
 * returns its status. With t, relays the terminal too. */
static int stand_in(int conn, int sig_fd, struct relay *t)
{
	/* The process holds the caller's stdio now; this stand-in lets go,
	 * so the caller sees EOF when the process closes them. A relayed
	 * terminal keeps them: they are the relay's ends. */
	int null_fd = t ? -1 : open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd >= 0) {
		for (int i = 0; i < 3; i++)
			dup2(null_fd, i);
		close(null_fd);
	}
	if (t)
		relay_start(t);
	bool in_open = t != NULL, out_open = t != NULL;
	for (;;) {
		struct pollfd p[4] = {{.fd = conn, .events = POLLIN},
				      {.fd = sig_fd, .events = POLLIN},
				      {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
				      {.fd = out_open ? t->master : -1, .events = POLLIN}};
		if (poll(p, 4, -1) < 0)
			continue;
		struct signalfd_siginfo si;
		while ((p[1].revents & POLLIN) && read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			/* A relayed terminal's new size: the kernel sends the
			 * process SIGWINCH when the master's size changes. */
			if (t && si.ssi_signo == SIGWINCH) {
				relay_resize(t);
				continue;
			}
			struct oci_exec_msg m = {.magic = OCI_EXEC_MAGIC,
						 .op = OCI_EXEC_SIGNAL,
						 .value = (int32_t)si.ssi_signo};
			(void)!send(conn, &m, sizeof(m), MSG_NOSIGNAL);
		}
		if (p[2].revents)
			in_open = relay_copy(STDIN_FILENO, t->master);
		if (p[3].revents)
			out_open = relay_copy(t->master, STDOUT_FILENO);
		if (!p[0].revents)
			continue;
		struct oci_exec_msg m;
		struct rc_error err;
		int r = msg_recv(conn, &m, &err);
		if (r == 0 && m.op != OCI_EXEC_EXITED)
			continue;
		if (t)
			relay_end(t);
		if (r == 0)
			return m.value;
		/* The container ended under the process (its monitor was
		 * killed): so did the process. */
		oci_error("exec: %s", err.msg);
		return 128 + SIGKILL;
	}
}

/* Sends the request and waits for the start. 0, or -errno with err. */
/* With a terminal, the console socket's connection takes the place of the
 * stdio: the monitor sends the terminal's master over it. The preserved
 * fds 3 to 2 + npreserve go with it. */
static int request(int conn, int process_fd, uint32_t len, int console_fd, unsigned int npreserve,
		   struct rc_error *err)
{
	struct oci_exec_msg m = {.magic = OCI_EXEC_MAGIC,
				 .op = OCI_EXEC_REQUEST,
				 .len = len,
				 .value = (int32_t)npreserve};
	int fds[4 + SANDBOX_EXEC_PRESERVE_MAX] = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO,
						  process_fd};
	if (console_fd >= 0)
		fds[0] = fds[1] = fds[2] = console_fd;
	for (unsigned int i = 0; i < npreserve; i++)
		fds[4 + i] = 3 + (int)i;
	/* What one message carries, the rest in OCI_EXEC_FDS messages. */
	int nfds = 4 + (int)npreserve, sent = nfds < MSG_FDS_MAX ? nfds : MSG_FDS_MAX;
	int r = send_msg_fds(conn, &m, sizeof(m), fds, sent);
	struct oci_exec_msg more = {.magic = OCI_EXEC_MAGIC, .op = OCI_EXEC_FDS};
	while (r >= 0 && sent < nfds) {
		int k = nfds - sent < MSG_FDS_MAX ? nfds - sent : MSG_FDS_MAX;
		r = send_msg_fds(conn, &more, sizeof(more), fds + sent, k);
		sent += k;
	}
	if (r < 0)
		return rc_error_set_errno(err, -r, "reaching the container's process");
	struct pollfd p = {.fd = conn, .events = POLLIN};
	if (poll(&p, 1, OCI_START_TIMEOUT_S * 1000) == 0)
		return rc_error_set(err, ETIMEDOUT, "the container's process did not answer");
	r = msg_recv(conn, &m, err);
	if (r < 0)
		return r;
	if (m.op == OCI_EXEC_FAILED)
		return rc_error_set(err, EIO, "%s", m.text);
	if (m.op != OCI_EXEC_STARTED)
		return rc_error_set(err, EPROTO, "the container's process sent a malformed answer");
	return 0;
}

/* The terminal's master, which the monitor sent over the other end of
 * relay_sock before it reported the start. -errno with err. */
static int relay_master(int relay_sock, struct rc_error *err)
{
	char name[64];
	int master = -1, n = 0;
	ssize_t got = recv_msg_fds(relay_sock, name, sizeof(name), &master, 1, &n);
	if (got < 0)
		return rc_error_set_errno(err, (int)-got, "receiving the terminal");
	if (n != 1 || master < 0)
		return rc_error_set(err, EPROTO, "the container's process sent no terminal");
	return master;
}

/* The whole exec from the request on: reports the start on report_fd (a
 * pipe to the parent of a --detach, "ok" or the error) or writes the pid
 * file, then returns the process's status (or 255). With relay_sock (the
 * far end of console_fd), relays the terminal the monitor sends there. */
static int exec_session(int conn, int process_fd, uint32_t len, int console_fd, int relay_sock,
			unsigned int npreserve, int report_fd, const char *pid_file)
{
	sigset_t set;
	forwarded_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	struct rc_error err;
	int r = sig_fd < 0 ? rc_error_set_errno(&err, errno, "signalfd")
			   : request(conn, process_fd, len, console_fd, npreserve, &err);
	close(process_fd);
	/* The process has its own copies: the caller sees a pipe's end once
	 * the process closes it, not when this stand-in exits. */
	oci_preserve_fds_close(npreserve);
	if (console_fd >= 0)
		close(console_fd);
	struct relay relay = {.master = -1};
	if (r == 0 && relay_sock >= 0 && (relay.master = relay_master(relay_sock, &err)) < 0)
		r = relay.master;
	if (relay_sock >= 0)
		close(relay_sock);
	if (r == 0 && report_fd < 0 && pid_file)
		r = oci_pid_file_write(pid_file, getpid(), &err);
	if (report_fd >= 0) {
		const char *word = r < 0 ? err.msg : "ok";
		(void)!write(report_fd, word, strlen(word));
		close(report_fd);
	} else if (r < 0) {
		oci_error("exec failed: %s", err.msg);
	}
	if (r < 0) {
		if (relay.master >= 0)
			close(relay.master);
		return OCI_EXIT_EXEC_ERROR;
	}
	return stand_in(conn, sig_fd, relay.master >= 0 ? &relay : NULL);
}

/* --detach: a child stands in; this returns once the process runs. */
static int exec_detached(int conn, int process_fd, uint32_t len, int console_fd,
			 unsigned int npreserve, const char *pid_file)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		oci_error("exec failed: pipe: %s", strerror(errno));
		return OCI_EXIT_EXEC_ERROR;
	}
	pid_t pid = fork_single_threaded();
	if (pid == 0) {
		close(report[0]);
		proc_title_set("runsc-c-exec");
		_exit(exec_session(conn, process_fd, len, console_fd, -1, npreserve, report[1],
				   NULL));
	}
	oci_preserve_fds_close(npreserve);
	int fork_errno = errno;
	close(report[1]);
	close(conn);
	close(process_fd);
	if (console_fd >= 0)
		close(console_fd);
	if (pid < 0) {
		close(report[0]);
		oci_error("exec failed: fork: %s", strerror(fork_errno));
		return OCI_EXIT_EXEC_ERROR;
	}
	char word[600];
	ssize_t n;
	do
		n = read(report[0], word, sizeof(word) - 1);
	while (n < 0 && errno == EINTR);
	close(report[0]);
	word[n > 0 ? n : 0] = 0;
	struct rc_error err;
	int r = 0;
	if (n <= 0)
		r = rc_error_set(&err, EIO,
				 "the exec's stand-in exited before the process started");
	else if (strcmp(word, "ok") != 0)
		r = rc_error_set(&err, EIO, "%s", word);
	if (r == 0 && pid_file && oci_pid_file_write(pid_file, pid, &err) < 0) {
		kill(pid, SIGKILL);
		r = -1;
	}
	if (r < 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		oci_error("exec failed: %s", err.msg);
		return OCI_EXIT_EXEC_ERROR;
	}
	return 0;
}

int oci_cmd_exec(int argc, char **argv)
{
	struct exec_opts o;
	if (exec_parse(&o, argc, argv) < 0)
		return OCI_EXIT_ERROR;
	struct rc_error err;
	_cleanup_free_ char *bundle = NULL;
	int conn = monitor_connect(o.id, o.ignore_paused, &bundle, &err);
	if (conn < 0) {
		oci_error("exec failed: %s", err.msg);
		return OCI_EXIT_EXEC_ERROR;
	}
	uint32_t len = 0;
	bool terminal = false;
	int process_fd = process_memfd(&o, bundle, &len, &terminal, &err);
	int console_fd = -1, relay_sock = -1;
	if (process_fd >= 0 && terminal && o.console_socket &&
	    (console_fd = oci_console_connect(o.console_socket, &err)) < 0) {
		close(process_fd);
		process_fd = -1;
	}
	/* No console socket: this runsc-c is its own, and relays. */
	int sp[2];
	if (process_fd >= 0 && terminal && !o.console_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0) {
			console_fd = sp[0];
			relay_sock = sp[1];
		} else {
			rc_error_set_errno(&err, errno, "socketpair");
			close(process_fd);
			process_fd = -1;
		}
	}
	if (process_fd < 0) {
		close(conn);
		oci_error("exec failed: %s", err.msg);
		return OCI_EXIT_EXEC_ERROR;
	}
	if (o.detach)
		return exec_detached(conn, process_fd, len, console_fd, o.preserve_fds, o.pid_file);
	int status = exec_session(conn, process_fd, len, console_fd, relay_sock, o.preserve_fds, -1,
				  o.pid_file);
	close(conn);
	return status;
}
