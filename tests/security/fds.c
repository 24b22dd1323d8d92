/* SPDX-License-Identifier: Apache-2.0 */
/* The guest starts with fds 0, 1 and 2 only: nothing of runsc-c, the sentry
 * or the gofer (listener, sockets, pipes) leaks into it. */
#include <fcntl.h>
#include <unistd.h>

#include "probe.h"

int main(void)
{
	probe_guard("fds");
	for (int fd = 0; fd < 3; fd++) {
		int r = fcntl(fd, F_GETFD);
		probe_result(r >= 0, "fd 0-2 open", "fd %d: %s", fd, r >= 0 ? "open" : errno_name(errno));
	}
	char open_fds[512] = "";
	int bad = 0;
	for (int fd = 3; fd < 1024; fd++) {
		errno = 0;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) {
			char one[32];
			snprintf(one, sizeof(one), " %d(%s)", fd, errno ? errno_name(errno) : "open");
			strncat(open_fds, one, sizeof(open_fds) - strlen(open_fds) - 1);
			bad++;
		}
	}
	probe_result(bad == 0, "fds 3-1023 are EBADF", "%s", bad ? open_fds : "all closed");
	return probe_done();
}
