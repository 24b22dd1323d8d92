/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c delete [--force] ID: removes a container's state. A stopped
 * container's (also a stale one, whose monitor died) goes at once; a
 * created one's monitor is killed first, as runc does; a running or paused
 * one needs --force, which kills it (a paused guest is thawed to die). A
 * directory without state.json is one whose create died before writing it
 * (a live create would hold the lock): it goes too. With --force, an id
 * that does not exist is no error. Each way, the sandbox's cgroups (and any
 * process still in them) go with it. With --force, a state that cannot be
 * read (corrupt) goes too, once its monitor, found on the control socket,
 * is killed; its sandbox's cgroups cannot be named then: under runsc-c/
 * the next sandbox's sweep removes them, at a cgroupsPath they stay. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

#define GONE_TIMEOUT_MS 10000

/* SIGKILL the monitor and wait until it is gone (or a zombie its parent
 * has still to reap): the sentry and the gofer die with it. */
static int kill_monitor(const struct oci_state *st)
{
	int r = oci_signal(st, SIGKILL);
	if (r < 0 && r != -ESRCH)
		return r;
	for (int ms = 0; ms < GONE_TIMEOUT_MS; ms += 10) {
		if (oci_state_status(st) == OCI_STOPPED)
			return 0;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	return -ETIMEDOUT;
}

/* The pid of the process listening on dir_fd's control socket (the
 * kernel keeps the credentials of the one that called listen), or -1. */
static pid_t control_peer(int dir_fd)
{
	_cleanup_close_ int fd = oci_control_connect(dir_fd);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.pid <= 0)
		return -1;
	return cred.pid;
}

/* delete --force of a container whose state cannot be read: its monitor
 * is still found, as the process on its control socket, and killed (the
 * sentry and the gofer die with it, and so the guest). The socket is asked
 * again once the pid is held in a pidfd, so that a monitor that ended and
 * a pid used again in between are never taken for each other. Returns 0
 * when no monitor listens or it is gone, -ETIMEDOUT if it outlives the
 * wait. */
static int kill_unknown_monitor(int dir_fd)
{
	pid_t pid = control_peer(dir_fd);
	if (pid < 0)
		return 0;
	_cleanup_close_ int pidfd = sys_pidfd_open(pid, 0);
	if (pidfd < 0 || control_peer(dir_fd) != pid)
		return 0;
	if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0)
		return errno == ESRCH ? 0 : -errno;
	return pidfd_wait_exit(pidfd, GONE_TIMEOUT_MS) ? 0 : -ETIMEDOUT;
}

int oci_delete(const char *id, bool force, struct rc_error *err)
{
	struct oci_dir d;
	struct oci_state st;
	int r = oci_dir_open(id, true, &d, err);
	if (r < 0)
		return force && r == -ENOENT ? 0 : r;
	r = oci_state_read(&d, &st, err);
	if (r == -ENOENT) {
		oci_dir_remove(&d);
		return 0;
	}
	if (r < 0 && !force) {
		rc_error_context(err, "delete --force removes it");
		oci_dir_close(&d);
		return r;
	}
	if (r < 0) {
		/* --force: nothing in the state can be trusted, but its monitor
		 * may still run. */
		r = kill_unknown_monitor(d.fd);
		if (r < 0) {
			rc_error_set_errno(err, -r, "killing container '%s'", id);
			oci_dir_close(&d);
			return r;
		}
		oci_dir_remove(&d);
		return 0;
	}
	enum oci_status s = oci_state_status(&st);
	r = 0;
	if ((s == OCI_RUNNING || s == OCI_PAUSED) && !force)
		r = rc_error_set(err, EBUSY, "cannot delete container '%s' that is not stopped: %s",
				 id, oci_status_name(s));
	else if (s != OCI_STOPPED && (r = kill_monitor(&st)) < 0)
		rc_error_set_errno(err, -r, "killing container '%s'", id);
	/* The monitor is gone: what its sandbox left (it was killed, or its
	 * sentry and gofer outlived it) goes too. */
	if (r == 0 && st.sandbox_id[0] &&
	    (r = sandbox_remove_leftovers(st.sandbox_id, oci_cgroup_path(&st))) < 0)
		rc_error_set_errno(err, -r, "removing the cgroups of container '%s'", id);
	if (r == 0 && st.poststop) {
		struct json_object *hooks[OCI_HOOK_KINDS] = {[OCI_HOOK_POSTSTOP] = st.poststop};
		struct oci_hook_state hs = {
			.id = id,
			.status = "stopped",
			.pid = st.pid,
			.bundle = st.bundle,
			.annotations = st.annotations,
		};
		oci_hooks_warn(hooks, OCI_HOOK_POSTSTOP, &hs);
	}
	if (r == 0)
		oci_dir_remove(&d);
	else
		oci_dir_close(&d);
	oci_state_free(&st);
	return r;
}

int oci_cmd_delete(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"force", no_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	bool force = false;
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+f", longopts, NULL)) != -1) {
		if (ch != 'f')
			return oci_bad_flag(argv);
		force = true;
	}
	const char *id = oci_id_arg(argc, argv, optind, 0);
	struct rc_error err;
	if (!id)
		return OCI_EXIT_ERROR;
	if (oci_delete(id, force, &err) < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	return 0;
}
