/* SPDX-License-Identifier: Apache-2.0 */
/* The container's monitor: the process `create` forks and leaves behind,
 * whose pid is the container's (oci.h says why).
 *
 *	1. sandbox_create: the gofer builds the view; with a console
 *	   socket, the terminal's master goes there (console.c)
 *	2. listen on ROOT/ID/control, tell `create` "ok" (or the error)
 *	3. wait for `start` on the socket, or for a signal: SIGTERM, SIGINT,
 *	   SIGHUP, SIGQUIT, SIGUSR1 or SIGUSR2 end a created container (the
 *	   library keeps them blocked, as a process with default handlers
 *	   would die of them); SIGKILL needs no help
 *	   (before 2: the hooks prestart, createRuntime, createContainer;
 *	   a failure is create's)
 *	4. the startContainer hooks, sandbox_start, the poststart hooks,
 *	   answer `start` ("ok" or the error)
 *	5. sandbox_wait (the library's supervisor forwards those signals to
 *	   the guest from now on), serving `runsc-c exec` on the control
 *	   socket meanwhile (monitor_exec.c), exit with the program's status
 *
 * Its stdio is the caller's of `create`, and the guest's. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

static const int ending_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

/* The control socket: dir_fd's "control", bound through /proc/self/fd so
 * that a long --root does not meet the 108-byte limit of socket paths. */
int oci_control_listen(int dir_fd, struct rc_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir_fd,
		 OCI_CONTROL_SOCKET);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rc_error_set_errno(err, errno, "creating the control socket");
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		return rc_error_set_errno(err, e, "binding the control socket");
	}
	return fd;
}

int oci_control_connect(int dir_fd)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir_fd,
		 OCI_CONTROL_SOCKET);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void report(int fd, const char *msg)
{
	(void)!write(fd, msg, strlen(msg));
	close(fd);
}

/* Waits for `start`: the accepted connection, or -(128 + signal). */
static int wait_start(int listen_fd, int sig_fd)
{
	struct pollfd p[2] = {{.fd = listen_fd, .events = POLLIN},
			      {.fd = sig_fd, .events = POLLIN}};
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -(128 + SIGKILL);
		struct signalfd_siginfo si;
		if ((p[1].revents & POLLIN) && read(sig_fd, &si, sizeof(si)) == sizeof(si))
			return -(128 + (int)si.ssi_signo);
		if (!(p[0].revents & POLLIN))
			continue;
		int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0)
			continue;
		struct oci_exec_msg req = {0};
		int fds[4];
		int nfds = 0;
		ssize_t n = recv_msg_fds(conn, &req, sizeof(req), fds, 4, &nfds);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (n == 5 && memcmp(&req, "start", 5) == 0)
			return conn;
		if (n == (ssize_t)sizeof(req) && req.magic == OCI_EXEC_MAGIC)
			oci_exec_refuse(conn, "cannot exec in a container that has not started");
		else
			(void)!send(conn, "unknown request", 15, MSG_NOSIGNAL);
		close(conn);
	}
}

/* Steps 3 to 5: returns the exit status. */
static int monitor_run(const struct oci_config *c, struct sandbox *sb, int dir_fd, int listen_fd,
		       int sig_fd)
{
	int conn = wait_start(listen_fd, sig_fd);
	close(sig_fd);
	struct rc_error err;
	struct oci_hook_state hs = oci_hook_state_of(c, "created", getpid());
	int r = conn < 0 ? conn : oci_hooks_run(c->hooks, OCI_HOOK_START_CONTAINER, &hs, &err);
	if (r == 0)
		r = sandbox_start(sb, &err);
	if (r == 0) {
		oci_preserve_fds_close(c->preserve_fds);
		hs.status = "running";
		oci_hooks_warn(c->hooks, OCI_HOOK_POSTSTART, &hs);
	}
	/* From now on the control socket takes exec requests. */
	if (r == 0)
		r = oci_exec_serve(sb, listen_fd, &err);
	if (conn >= 0) {
		const char *answer = r < 0 ? err.msg : "ok";
		(void)!send(conn, answer, strlen(answer), MSG_NOSIGNAL);
		close(conn);
	}
	/* A failed start was start's to report. */
	bool started = r == 0;
	struct sandbox_status status;
	if (started)
		r = sandbox_wait(sb, &status, &err);
	oci_exec_serve_end(sb);
	unlinkat(dir_fd, OCI_CONTROL_SOCKET, 0);
	close(listen_fd);
	close(dir_fd);
	if (conn < 0)
		return -conn;
	if (!started)
		return OCI_EXIT_ERROR;
	if (r < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	return status.exit_code;
}

int oci_monitor(const struct oci_config *c, int dir_fd, int ready_fd, int console_fd)
{
	setsid();
	struct sandbox_config cfg;
	oci_config_sandbox(c, &cfg);
	struct sandbox *sb;
	struct rc_error err;
	int r = sandbox_create(&cfg, &sb, &err);
	if (r == 0 && console_fd >= 0)
		r = oci_console_send(sb, console_fd, &err);
	if (console_fd >= 0)
		close(console_fd);
	int listen_fd = r < 0 ? -1 : oci_control_listen(dir_fd, &err);
	if (listen_fd >= 0 && (r = oci_hooks_create(c, &err)) < 0) {
		close(listen_fd);
		listen_fd = -1;
	}
	if (r < 0 || listen_fd < 0) {
		sandbox_destroy(sb);
		report(ready_fd, err.msg);
		return OCI_EXIT_ERROR;
	}
	sigset_t mask;
	sigemptyset(&mask);
	for (size_t i = 0; i < ARRAY_SIZE(ending_signals); i++)
		sigaddset(&mask, ending_signals[i]);
	int sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	char ready[16 + SANDBOX_ID_MAX];
	snprintf(ready, sizeof(ready), "ok %s", sandbox_id(sb));
	report(ready_fd, ready);
	r = monitor_run(c, sb, dir_fd, listen_fd, sig_fd);
	sandbox_destroy(sb);
	return r;
}
