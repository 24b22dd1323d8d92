/* SPDX-License-Identifier: Apache-2.0 */
/* What a process started with `runsc-c exec` sees of itself: run in a
 * container by tests/oci/oci.sh. It first makes sure it runs inside a
 * runsc-c sandbox (seccomp filter mode, runsc-c's kernel release) and
 * otherwise refuses with status 77. Then one line per fact:
 *
 *	seccomp MODE        2: under a seccomp filter
 *	nnp N               1: no_new_privs
 *	fds LIST            the fds it holds (only its stdio)
 *	marker TEXT         /etc/oci-marker of the container's rootfs
 *	host PATH yes|no    whether a host path (argv[1]) is visible
 *	exec PATH ERRNO     execve of a host binary (argv[2]) fails so
 *	pid1 COMM           the guest's init
 *	init sockets ...    whether the init's sockets (its exec channel) can be
 *	                    reopened through /proc/1/fd (they cannot)
 *	winsize R C         stdin's window size (TIOCGWINSZ), or "none"
 *
 * Usage: probe HOST_PATH HOST_BINARY. Built static: the rootfs has no
 * libc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

static void print_file(const char *label, const char *path)
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	printf("%s %s\n", label, f ? buf : strerror(errno));
}

int main(int argc, char **argv)
{
	struct utsname u;
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (mode != 2 || uname(&u) < 0 || !strstr(u.release, "runsc-c")) {
		fprintf(stderr, "probe: refusing to run: not inside a runsc-c sandbox\n");
		return 77;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: probe HOST_PATH HOST_BINARY\n");
		return 2;
	}
	printf("seccomp %d\n", mode);
	printf("nnp %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	DIR *d = opendir("/proc/self/fd");
	printf("fds");
	if (d) {
		int self = dirfd(d);
		int fds[64], n = 0;
		for (struct dirent *e; (e = readdir(d)) && n < 64;) {
			if (e->d_name[0] == '.' || atoi(e->d_name) == self)
				continue;
			fds[n++] = atoi(e->d_name);
		}
		closedir(d);
		/* sorted, small n */
		for (int i = 0; i < n; i++)
			for (int k = i + 1; k < n; k++)
				if (fds[k] < fds[i]) {
					int t = fds[i];
					fds[i] = fds[k];
					fds[k] = t;
				}
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? "," : " ", fds[i]);
	}
	printf("\n");
	print_file("marker", "/etc/oci-marker");
	printf("host %s %s\n", argv[1], access(argv[1], F_OK) == 0 ? "yes" : "no");
	char *args[] = {argv[2], NULL};
	execv(argv[2], args);
	printf("exec %s %s\n", argv[2], strerror(errno));
	print_file("pid1", "/proc/1/comm");
	/* The init's sockets (its channel to the supervisor) cannot be
	 * reopened through /proc, as no socket can on Linux. */
	int sockets = 0, opened = 0;
	d = opendir("/proc/1/fd");
	for (struct dirent *e; d && (e = readdir(d));) {
		char path[300], target[64] = "";
		snprintf(path, sizeof(path), "/proc/1/fd/%s", e->d_name);
		if (readlink(path, target, sizeof(target) - 1) < 0 || strncmp(target, "socket:", 7))
			continue;
		sockets++;
		int fd = open(path, O_RDWR);
		if (fd >= 0) {
			opened++;
			close(fd);
		}
	}
	if (d)
		closedir(d);
	printf("init sockets %s opened %d\n", sockets ? "listed" : "none", opened);
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		printf("winsize %u %u\n", ws.ws_row, ws.ws_col);
	else
		printf("winsize none\n");
	return 0;
}
