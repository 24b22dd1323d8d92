/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c run [--bundle DIR] [--pid-file F] [--console-socket S] ID: create and start in the
 * foreground, as runc run does. This process is the container's process
 * (its pid is in the state and the pid file): it supervises the sandbox,
 * so `kill ID SIGNAL` reaches the guest through it, and exits with the
 * program's status. The state directory exists while the container runs
 * and is removed when it ends; its control socket serves `runsc-c exec`
 * meanwhile (monitor_exec.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

struct run_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	unsigned int preserve_fds;
	unsigned int listen_fds; /* LISTEN_FDS, ahead of --preserve-fds's */
	const char *id;
	bool detach;
};

static int run_parse(struct run_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"pid-file", required_argument, NULL, 'p'},
		{"detach", no_argument, NULL, 'd'},
		{"console-socket", required_argument, NULL, 'c'},
		{"no-pivot", no_argument, NULL, 'n'},
		{"no-new-keyring", no_argument, NULL, 'k'},
		{"preserve-fds", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct run_opts){.bundle = "."};
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+b:d", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'd':
			o->detach = true;
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

/* Creates the state directory and starts the sandbox, whose control
 * socket (*listen_fd) serves exec; leaves the state unlocked once
 * written. */
static int run_start(const struct run_opts *o, const struct oci_config *c,
		     const struct sandbox_config *cfg, struct sandbox **sb, int *listen_fd,
		     struct rc_error *err)
{
	struct oci_dir d;
	*listen_fd = -1;
	int r = oci_dir_create(o->id, &d, err);
	if (r < 0)
		return r;
	r = sandbox_create(cfg, sb, err);
	if (r == 0 && o->console_socket) {
		int conn = oci_console_connect(o->console_socket, err);
		r = conn < 0 ? conn : oci_console_send(*sb, conn, err);
		if (conn >= 0)
			close(conn);
	}
	struct oci_hook_state hs = oci_hook_state_of(c, "created", getpid());
	if (r == 0 && (r = oci_hooks_create(c, err)) == 0)
		r = oci_hooks_run(c->hooks, OCI_HOOK_START_CONTAINER, &hs, err);
	if (r < 0 && *sb) {
		sandbox_destroy(*sb);
		*sb = NULL;
	}
	if (r == 0 && (r = sandbox_start(*sb, err)) < 0) {
		sandbox_destroy(*sb);
		*sb = NULL;
	}
	if (r == 0) {
		oci_preserve_fds_close(c->preserve_fds);
		hs.status = "running";
		oci_hooks_warn(c->hooks, OCI_HOOK_POSTSTART, &hs);
	}
	if (r == 0 && (r = *listen_fd = oci_control_listen(d.fd, err)) >= 0)
		r = oci_exec_serve(*sb, *listen_fd, err);
	struct oci_state st = {
		.pid = getpid(),
		.pid_start_time = oci_pid_start_time(getpid()),
		.started = true,
		.bundle = c->bundle,
		.rootfs = c->rootfs,
		.annotations = c->annotations,
		.poststop = c->hooks[OCI_HOOK_POSTSTOP],
	};
	snprintf(st.id, sizeof(st.id), "%s", o->id);
	snprintf(st.sandbox_id, sizeof(st.sandbox_id), "%s", c->sandbox_id);
	snprintf(st.cgroup_path, sizeof(st.cgroup_path), "%s", c->cgroup_path);
	oci_time_now(st.created, sizeof(st.created));
	if (r == 0)
		r = oci_state_write(&d, &st, err);
	if (r == 0 && o->pid_file)
		r = oci_pid_file_write(o->pid_file, getpid(), err);
	if (r < 0) {
		sandbox_destroy(*sb);
		*sb = NULL;
		if (*listen_fd >= 0)
			close(*listen_fd);
		*listen_fd = -1;
		oci_dir_remove(&d);
		return r;
	}
	oci_dir_close(&d);
	return 0;
}

/* The state goes when the container does (unless a delete took it). */
static void run_forget(const char *id)
{
	struct oci_dir d;
	struct oci_state st;
	if (oci_dir_open(id, true, &d, NULL) < 0)
		return;
	if (oci_state_read(&d, &st, NULL) == 0 && st.pid == getpid())
		oci_dir_remove(&d);
	else
		oci_dir_close(&d);
	oci_state_free(&st);
}

/* run --detach: create and start, and return; a container that cannot
 * start is deleted. */
static int run_detached(const struct run_opts *o, struct oci_config *c)
{
	struct rc_error err;
	int r = oci_create(o->id, o->pid_file, c, &err);
	if (r == 0 && (r = oci_start(o->id, &err)) < 0)
		oci_delete(o->id, true, NULL);
	if (r < 0)
		oci_error("%s", err.msg);
	oci_config_free(c);
	return r < 0 ? OCI_EXIT_ERROR : 0;
}

int oci_cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct oci_config c;
	struct rc_error err;
	if (run_parse(&o, argc, argv) < 0)
		return OCI_EXIT_ERROR;
	if (oci_config_load(o.bundle, &c, &err) < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	c.console_socket = o.console_socket;
	c.preserve_fds = o.preserve_fds;
	c.id = o.id;
	oci_listen_fds_apply(&c, o.listen_fds);
	if (o.detach)
		return run_detached(&o, &c);
	if (c.console_socket && oci_console_check(c.process.terminal, c.console_socket, &err) < 0) {
		oci_error("%s", err.msg);
		oci_config_free(&c);
		return OCI_EXIT_ERROR;
	}
	struct sandbox_config cfg;
	struct sandbox *sb = NULL;
	int listen_fd;
	oci_config_sandbox(&c, &cfg);
	if (run_start(&o, &c, &cfg, &sb, &listen_fd, &err) < 0) {
		oci_error("%s", err.msg);
		oci_config_free(&c);
		return OCI_EXIT_ERROR;
	}
	struct sandbox_status status;
	int r = sandbox_wait(sb, &status, &err);
	oci_exec_serve_end(sb);
	close(listen_fd);
	sandbox_destroy(sb);
	run_forget(o.id);
	struct oci_hook_state hs = oci_hook_state_of(&c, "stopped", getpid());
	oci_hooks_warn(c.hooks, OCI_HOOK_POSTSTOP, &hs);
	oci_config_free(&c);
	if (r < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	return status.exit_code;
}
