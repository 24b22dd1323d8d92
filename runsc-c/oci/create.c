/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c create --bundle DIR [--pid-file F] [--console-socket S] ID: forks the container's
 * monitor (monitor.c), waits for its word that the sandbox is created (or
 * its error), writes the state and the pid file (the monitor's pid) and
 * returns. The monitor stays behind as a child of the caller's subreaper,
 * waiting for `start`.
 *
 * The state directory is locked from the start: a state, start or delete
 * of the same id waits for the create to finish. On any failure nothing is
 * left: the monitor is killed and reaped (it is still our child) and the
 * directory removed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	unsigned int preserve_fds;
	unsigned int listen_fds; /* LISTEN_FDS, ahead of --preserve-fds's */
	const char *id;
};

static int create_parse(struct create_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"pid-file", required_argument, NULL, 'p'},
		{"console-socket", required_argument, NULL, 'c'},
		{"no-pivot", no_argument, NULL, 'n'},
		{"no-new-keyring", no_argument, NULL, 'k'},
		{"preserve-fds", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct create_opts){.bundle = "."};
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+b:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'f':
			if (oci_preserve_fds_arg(argv, optarg, &o->preserve_fds) < 0)
				return -1;
			break;
		case 'n':
		case 'k':
			break; /* the view is always pivot_rooted; no keyrings inside */
		case '?':
		default:
			oci_bad_flag(argv);
			return -1;
		}
	}
	o->id = oci_id_arg(argc, argv, optind, 0);
	if (!o->id)
		return -1;
	/* Before anything of runsc-c's own is opened (see oci.h). */
	return oci_inherited_fds_take(argv, o->preserve_fds, &o->listen_fds);
}

/* The monitor's one message: "ok SANDBOX-ID" (the id into sid), or the
 * error. */
static int ready_wait(int fd, pid_t monitor, char *sid, struct rc_error *err)
{
	char msg[600];
	ssize_t n;
	do
		n = read(fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	msg[n > 0 ? n : 0] = 0;
	if (n > 3 && strncmp(msg, "ok ", 3) == 0 && strlen(msg + 3) <= SANDBOX_ID_MAX) {
		strcpy(sid, msg + 3);
		return 0;
	}
	/* After an error the monitor has torn its sandbox down and exits. */
	if (n <= 0)
		kill(monitor, SIGKILL);
	while (waitpid(monitor, NULL, 0) < 0 && errno == EINTR)
		;
	if (n > 0)
		return rc_error_set(err, EIO, "%s", msg);
	return rc_error_set(err, EIO, "the container's process exited during its setup");
}

static void stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* Forks the monitor; returns its pid once it reported the sandbox created. */
static pid_t monitor_fork(const struct oci_config *c, const struct oci_dir *d, int console_fd,
			  char *sid, struct rc_error *err)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return rc_error_set_errno(err, errno, "pipe");
	pid_t pid = fork_single_threaded();
	if (pid == 0) {
		/* A descriptor of its own: the lock stays with our one. */
		int dir_fd = openat(d->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(d->fd);
		close(ready[0]);
		/* With its terminal on the console socket, the program's stdio is
		 * the pty: the monitor lets go of create's, as runc's init does,
		 * since a caller may wait for its end (containerd's shim reads
		 * create's output to EOF). */
		if (c->process.terminal && console_fd >= 0)
			stdio_to_null();
		exit(oci_monitor(c, dir_fd, ready[1], console_fd));
	}
	int e = errno;
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		return rc_error_set_errno(err, e, "fork");
	}
	int r = ready_wait(ready[0], pid, sid, err);
	close(ready[0]);
	return r < 0 ? r : pid;
}

int oci_create(const char *id, const char *pid_file, const struct oci_config *c,
	       struct rc_error *err)
{
	int r = oci_console_check(c->process.terminal, c->console_socket, err);
	if (r < 0)
		return r;
	int console_fd = -1;
	if (c->console_socket && (console_fd = oci_console_connect(c->console_socket, err)) < 0)
		return console_fd;
	struct oci_dir d;
	r = oci_dir_create(id, &d, err);
	if (r < 0) {
		if (console_fd >= 0)
			close(console_fd);
		return r;
	}
	char sid[SANDBOX_ID_MAX + 1];
	pid_t pid = monitor_fork(c, &d, console_fd, sid, err);
	if (console_fd >= 0)
		close(console_fd);
	if (pid < 0) {
		oci_dir_remove(&d);
		return pid;
	}
	struct oci_state st = {
		.pid = pid,
		.pid_start_time = oci_pid_start_time(pid),
		.bundle = c->bundle,
		.rootfs = c->rootfs,
		.annotations = c->annotations,
		.poststop = c->hooks[OCI_HOOK_POSTSTOP],
	};
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.sandbox_id, sizeof(st.sandbox_id), "%s", sid);
	snprintf(st.cgroup_path, sizeof(st.cgroup_path), "%s", c->cgroup_path);
	oci_time_now(st.created, sizeof(st.created));
	r = oci_state_write(&d, &st, err);
	if (r == 0 && pid_file)
		r = oci_pid_file_write(pid_file, pid, err);
	if (r < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		oci_dir_remove(&d);
		return r;
	}
	oci_dir_close(&d);
	return 0;
}

int oci_cmd_create(int argc, char **argv)
{
	struct create_opts o;
	struct oci_config c;
	struct rc_error err;
	if (create_parse(&o, argc, argv) < 0)
		return OCI_EXIT_ERROR;
	if (oci_config_load(o.bundle, &c, &err) < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	c.console_socket = o.console_socket;
	c.preserve_fds = o.preserve_fds;
	c.id = o.id;
	oci_listen_fds_apply(&c, o.listen_fds);
	int r = oci_create(o.id, o.pid_file, &c, &err);
	if (r < 0)
		oci_error("%s", err.msg);
	oci_config_free(&c);
	return r < 0 ? OCI_EXIT_ERROR : 0;
}
