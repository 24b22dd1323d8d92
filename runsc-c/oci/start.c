/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c start ID: asks a created container's monitor (monitor.c) over
 * its control socket to start the program, and waits for its answer: "ok"
 * once the guest runs, else why it could not. Then the state says
 * running. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* Sends "start" and returns the monitor's answer in msg. */
static int control_start(const struct oci_dir *d, char *msg, size_t size, struct rc_error *err)
{
	_cleanup_close_ int fd = oci_control_connect(d->fd);
	if (fd < 0)
		return rc_error_set_errno(err, -fd, "reaching the container's process");
	if (send(fd, "start", 5, MSG_NOSIGNAL) != 5)
		return rc_error_set_errno(err, errno, "reaching the container's process");
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, OCI_START_TIMEOUT_S * 1000);
	if (n == 0)
		return rc_error_set(err, ETIMEDOUT, "the container's process did not answer");
	ssize_t len = n < 0 ? -1 : recv(fd, msg, size - 1, 0);
	if (len <= 0)
		return rc_error_set(err, EIO, "the container's process exited before it started");
	msg[len] = 0;
	return 0;
}

int oci_start(const char *id, struct rc_error *err)
{
	struct oci_dir d;
	struct oci_state st;
	if (oci_dir_open(id, true, &d, err) < 0 || oci_state_read(&d, &st, err) < 0) {
		oci_dir_close(&d);
		return -err->errno_value;
	}
	int r;
	char answer[600];
	enum oci_status s = oci_state_status(&st);
	if (s == OCI_STOPPED)
		r = rc_error_set(err, EINVAL, "cannot start a container that has stopped");
	else if (s == OCI_RUNNING || s == OCI_PAUSED)
		r = rc_error_set(err, EINVAL, "cannot start an already running container");
	else if ((r = control_start(&d, answer, sizeof(answer), err)) == 0 &&
		 strcmp(answer, "ok") != 0)
		r = rc_error_set(err, EIO, "%s", answer);
	if (r == 0) {
		st.started = true;
		r = oci_state_write(&d, &st, err);
	}
	oci_state_free(&st);
	oci_dir_close(&d);
	return r;
}

int oci_cmd_start(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		optind = 2;
		return oci_bad_flag(argv);
	}
	const char *id = oci_id_arg(argc, argv, 1, 0);
	struct rc_error err;
	if (!id)
		return OCI_EXIT_ERROR;
	if (oci_start(id, &err) < 0) {
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	return 0;
}
