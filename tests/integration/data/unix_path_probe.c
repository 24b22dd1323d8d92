/* SPDX-License-Identifier: Apache-2.0 */
/* Unix sockets named by path, run natively and in the sandbox with the
 * outputs compared: datagrams sent by name to a bound socket (absolute,
 * relative, through a symlink) and the errors of names that reach no
 * socket. argv[1]: a scratch directory. Prints no path, only results. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t sun_of(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static const char *err(int r)
{
	static char buf[64];
	if (r >= 0)
		snprintf(buf, sizeof(buf), "ok %d", r);
	else
		snprintf(buf, sizeof(buf), "%s", strerrorname_np(errno));
	return buf;
}

/* Sends "hi" to path on a fresh unbound datagram socket; what rx got. */
static void send_to(const char *what, int rx, const char *path, int type)
{
	int s = socket(AF_UNIX, type, 0);
	struct sockaddr_un sa;
	socklen_t len = sun_of(&sa, path);
	int r = (int)sendto(s, "hi", 2, MSG_DONTWAIT, (struct sockaddr *)&sa, len);
	printf("sendto %s: %s", what, err(r));
	if (r >= 0 && rx >= 0) {
		char buf[8] = {0};
		ssize_t n = recv(rx, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		printf(", received %zd \"%s\"", n, n > 0 ? buf : "");
	}
	printf("\n");
	close(s);
}

int main(int argc, char **argv)
{
	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: unix_path_probe DIR\n");
		return 2;
	}
	char abs[256];
	snprintf(abs, sizeof(abs), "%s/rx.sock", argv[1]);
	int rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sa;
	socklen_t len = sun_of(&sa, abs);
	if (bind(rx, (struct sockaddr *)&sa, len) < 0) {
		perror("bind");
		return 1;
	}
	send_to("absolute", rx, abs, SOCK_DGRAM);
	send_to("relative", rx, "rx.sock", SOCK_DGRAM);
	if (mkdir("x", 0755) == 0) {
		char rel[300];
		snprintf(rel, sizeof(rel), "x/../rx.sock");
		send_to("through a directory and ..", rx, rel, SOCK_DGRAM);
	}
	if (symlink("rx.sock", "link.sock") == 0)
		send_to("through a symlink", rx, "link.sock", SOCK_DGRAM);
	if (symlink("missing", "dangling") == 0)
		send_to("a dangling symlink", rx, "dangling", SOCK_DGRAM);
	send_to("a missing name", -1, "missing.sock", SOCK_DGRAM);
	FILE *f = fopen("plain", "w");
	if (f)
		fclose(f);
	send_to("a regular file", -1, "plain", SOCK_DGRAM);
	send_to("a directory", -1, "x", SOCK_DGRAM);
	send_to("below a regular file", -1, "plain/y", SOCK_DGRAM);
	send_to("on a stream socket", -1, "rx.sock", SOCK_STREAM);
	send_to("on a seqpacket socket", -1, "rx.sock", SOCK_SEQPACKET);

	/* A stream listener refuses datagrams: EPROTOTYPE. */
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	len = sun_of(&sa, "listen.sock");
	if (bind(ls, (struct sockaddr *)&sa, len) == 0 && listen(ls, 1) == 0)
		send_to("a stream listener", -1, "listen.sock", SOCK_DGRAM);

	/* The receiver sees the sender's own bound name. */
	int tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	len = sun_of(&sa, "tx.sock");
	if (bind(tx, (struct sockaddr *)&sa, len) < 0)
		perror("bind tx");
	len = sun_of(&sa, abs);
	int r = (int)sendto(tx, "yo", 2, 0, (struct sockaddr *)&sa, len);
	printf("sendto from a bound socket: %s\n", err(r));
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	char buf[8] = {0};
	ssize_t n = recvfrom(rx, buf, sizeof(buf) - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	printf("recvfrom: %zd \"%s\", from a name: %s\n", n, n > 0 ? buf : "",
	       fl > offsetof(struct sockaddr_un, sun_path) ? "yes" : "no");

	/* The name length checks come first. */
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memset(sa.sun_path, 'a', sizeof(sa.sun_path));
	r = (int)sendto(tx, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa) + 1);
	printf("sendto a name longer than sockaddr_un: %s\n", err(r));
	r = (int)sendto(tx, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa));
	printf("sendto a name of 108 bytes without NUL: %s\n", err(r));
	sa.sun_family = AF_INET;
	r = (int)sendto(tx, "x", 1, 0, (struct sockaddr *)&sa, 16);
	printf("sendto an AF_INET name on a unix socket: %s\n", err(r));
	return 0;
}
