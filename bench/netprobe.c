/* SPDX-License-Identifier: Apache-2.0 */
/* The network benchmark's probe, run natively, under runsc-c and in a
 * network namespace behind plain pasta alike.
 *
 *   netprobe serve PORT           TCP server on every IPv4 address: a client
 *                                 that sends "GET N\n" receives N bytes; one
 *                                 that closes at once is simply closed.
 *   netprobe get HOST PORT BYTES  downloads BYTES from the server and prints
 *                                 "get bytes=B seconds=S mib_per_s=R"
 *   netprobe connect HOST PORT N  N sequential connect + close, each timed
 *                                 from socket() to the end of close(); prints
 *                                 "connect n=N median_us=M p99_us=P mean_us=A"
 *
 * Exit status 0 on success, 1 with a message on stderr otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "netprobe: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_ulong(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "netprobe: '%s': expected a number up to %llu\n", s, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int addr_of(const char *host, const char *port, struct sockaddr_in *sin)
{
	unsigned long long p;
	if (parse_ulong(port, 65535, &p) < 0)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		fprintf(stderr, "netprobe: '%s': expected an IPv4 address\n", host);
		return -1;
	}
	return 0;
}

/* One client of the server: a request line, or nothing. */
static void serve_one(int fd, char *buf)
{
	size_t got = 0;
	while (got < 63) {
		ssize_t n = read(fd, buf + got, 63 - got);
		if (n <= 0)
			return;
		got += (size_t)n;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = 0;
	unsigned long long left;
	if (sscanf(buf, "GET %llu", &left) != 1)
		return;
	memset(buf, 'x', CHUNK);
	while (left) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			return;
		left -= (unsigned long long)w;
	}
}

static int serve(const char *port)
{
	struct sockaddr_in sin;
	if (addr_of("0.0.0.0", port, &sin) < 0)
		return 1;
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (ls < 0)
		return fail("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 1024) < 0)
		return fail("bind/listen");
	signal(SIGCHLD, SIG_IGN); /* downloads run in children, reaped by the kernel */
	char *buf = malloc(CHUNK);
	if (!buf)
		return fail("malloc");
	for (;;) {
		int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return fail("accept");
		}
		/* A connect-only client closes at once: read sees the end. A
		 * download gets a child, so the next client is not held up. */
		char c;
		ssize_t n = recv(fd, &c, 1, MSG_PEEK);
		if (n == 1 && fork() == 0) {
			serve_one(fd, buf);
			_exit(0);
		}
		close(fd);
	}
}

static int get(const char *host, const char *port, const char *bytes)
{
	struct sockaddr_in sin;
	unsigned long long want;
	if (addr_of(host, port, &sin) < 0 || parse_ulong(bytes, 1ULL << 40, &want) < 0)
		return 1;
	char *buf = malloc(CHUNK);
	if (!buf)
		return fail("malloc");
	double t0 = now_s();
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return fail("connect");
	int len = snprintf(buf, 64, "GET %llu\n", want);
	if (write(fd, buf, (size_t)len) != len)
		return fail("write");
	unsigned long long got = 0;
	while (got < want) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0)
			return fail("read");
		if (n == 0)
			break;
		got += (unsigned long long)n;
	}
	double dt = now_s() - t0;
	close(fd);
	if (got != want) {
		fprintf(stderr, "netprobe: got %llu of %llu bytes\n", got, want);
		return 1;
	}
	printf("get bytes=%llu seconds=%.3f mib_per_s=%.1f\n", got, dt,
	       (double)got / (1 << 20) / dt);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int connects(const char *host, const char *port, const char *count)
{
	struct sockaddr_in sin;
	unsigned long long n;
	if (addr_of(host, port, &sin) < 0 || parse_ulong(count, 1000000, &n) < 0 || n == 0)
		return 1;
	double *us = calloc(n, sizeof(double));
	if (!us)
		return fail("calloc");
	double sum = 0;
	for (unsigned long long i = 0; i < n; i++) {
		double t0 = now_s();
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return fail("socket");
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return fail("connect");
		close(fd);
		us[i] = (now_s() - t0) * 1e6;
		sum += us[i];
	}
	qsort(us, n, sizeof(double), cmp_double);
	size_t p99 = (size_t)((double)n * 0.99);
	if (p99 >= n)
		p99 = n - 1;
	printf("connect n=%llu median_us=%.1f p99_us=%.1f mean_us=%.1f\n", n, us[n / 2], us[p99],
	       sum / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc == 5 && strcmp(argv[1], "get") == 0)
		return get(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "connect") == 0)
		return connects(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: netprobe serve PORT | get HOST PORT BYTES | connect HOST PORT N\n");
	return 2;
}
