/* SPDX-License-Identifier: Apache-2.0 */
/* A socket-activated service's view (sd_listen_fds(3)), for oci-preserve-fds:
 * the fds are the program's only where LISTEN_PID is its own pid; then
 * fds 3 to 2 + LISTEN_FDS are the sockets. Prints what it finds, accepts a
 * connection on fd 3, reads a line and answers it, and lists its open fds
 * above 2 with what they are (preserved fds follow the listening ones). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(int fd)
{
	struct stat st;
	int type = 0, listening = 0;
	socklen_t len = sizeof(int);

	if (fstat(fd, &st) < 0)
		return strerror(errno);
	if (!S_ISSOCK(st.st_mode))
		return S_ISREG(st.st_mode) ? "file" : "other";
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return strerror(errno);
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		return strerror(errno);
	if (type == SOCK_STREAM)
		return listening ? "stream socket, listening" : "stream socket";
	return type == SOCK_DGRAM ? "datagram socket" : "socket";
}

int main(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int n = 0;

	printf("LISTEN_FDS %s, LISTEN_PID %s\n", fds ? fds : "unset",
	       !pid			     ? "unset"
	       : atol(pid) == (long)getpid() ? "is my pid"
					     : "is another pid");
	if (pid && fds && atol(pid) == (long)getpid())
		n = atoi(fds);
	printf("sd_listen_fds: %d\n", n);
	for (int fd = 3; fd < 3 + n; fd++)
		printf("fd %d: %s\n", fd, kind(fd));
	if (n > 0) {
		int conn = accept(3, NULL, NULL);
		char line[64] = "";
		if (conn < 0) {
			printf("accept on fd 3: %s\n", strerror(errno));
		} else {
			ssize_t got = read(conn, line, sizeof(line) - 1);
			line[got > 0 ? got : 0] = '\0';
			printf("accepted on fd 3, read: %s", line);
			const char answer[] = "pong\n";
			if (write(conn, answer, sizeof(answer) - 1) < 0)
				printf("write: %s\n", strerror(errno));
			close(conn);
		}
	}
	/* Every open fd above 2 (the directory's own fd is the last one
	 * opened: left out). */
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("/proc/self/fd: %s\n", strerror(errno));
		return 1;
	}
	int mine = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == mine)
			continue;
		if (fd >= 3 + n)
			printf("open fd %d: %s\n", fd, kind(fd));
	}
	closedir(d);
	return 0;
}
