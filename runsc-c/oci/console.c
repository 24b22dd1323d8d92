/* SPDX-License-Identifier: Apache-2.0 */
/* --console-socket S, as runc has it: the container's terminal (a pty of
 * the sandbox's own devpts, whose slave is the program's controlling
 * terminal and stdio) has its master sent over the unix socket S with
 * SCM_RIGHTS, the slave's name in the guest (/dev/pts/N) as the message's
 * data. The client owns the master from then on: it sets the window size
 * (the guest's program gets SIGWINCH from the kernel), reads and writes;
 * runsc-c keeps no copy. The guest only ever holds the slave. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

int oci_console_check(bool terminal, const char *console_socket, struct rc_error *err)
{
	if (console_socket && !terminal)
		return rc_error_set(err, EINVAL,
				    "--console-socket: process.terminal is false, so there is "
				    "no terminal to send");
	if (terminal && !console_socket)
		return rc_error_set(err, EINVAL,
				    "process.terminal: needs --console-socket, where the "
				    "terminal's master goes");
	return 0;
}

/* Connects through an O_PATH descriptor of the socket (symlinks followed,
 * as runc's dial does), so a long path does not meet the 108-byte limit
 * and a path that is no socket gets a message saying so. */
int oci_console_connect(const char *path, struct rc_error *err)
{
	int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return rc_error_set_errno(err, errno, "--console-socket %s", path);
	struct stat st;
	if (fstat(pfd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close(pfd);
		return rc_error_set(err, ENOTSOCK, "--console-socket %s: not a socket", path);
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d", pfd);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		close(pfd);
		return rc_error_set_errno(err, e, "--console-socket %s: connecting", path);
	}
	close(pfd);
	return fd;
}

int oci_console_send_master(int conn, int master, const char *name, struct rc_error *err)
{
	int r = send_msg_fds(conn, name, strlen(name), &master, 1);
	if (r < 0)
		return rc_error_set_errno(err, -r, "--console-socket: sending the terminal");
	return 0;
}

int oci_console_send(struct sandbox *sb, int conn, struct rc_error *err)
{
	char name[64];
	int master = sandbox_terminal_take(sb, name, sizeof(name));
	if (master < 0)
		return rc_error_set_errno(err, -master, "--console-socket: the terminal");
	int r = oci_console_send_master(conn, master, name, err);
	close(master);
	return r;
}
