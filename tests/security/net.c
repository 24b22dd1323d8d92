/* SPDX-License-Identifier: Apache-2.0 */
/* The host's listeners are unreachable: a TCP listener on 127.0.0.1 and on
 * the host's own address, an abstract unix socket and a unix socket path of
 * the host (not exposed by a volume). VSOCK and packet sockets are refused.
 * Usage: net TCP_PORT HOST_ADDR HOST_ADDR_PORT ABSTRACT_NAME UNIX_PATH
 *        net --connect UNIX_PATH (the positive control: must connect) */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* A connect that could hang (a silently dropped SYN) is bounded to 3 s. */
static int connect_bounded(int fd, const struct sockaddr *sa, socklen_t len)
{
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (poll(&p, 1, 3000) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	int err = 0;
	socklen_t el = sizeof(err);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static void tcp(const char *name, const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, addr, &sin.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		probe_result(true, name, "socket: %s", errno_name(errno));
		return;
	}
	int r = connect_bounded(fd, (struct sockaddr *)&sin, sizeof(sin));
	int err = errno;
	close(fd);
	probe_result(r < 0 && (err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH ||
			       err == EACCES || err == EPERM),
		     name, "%s", r < 0 ? errno_name(err) : "connected to the host's listener");
}

static int unix_connect(const char *path, bool abstract)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n + 2 > sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path + (abstract ? 1 : 0), path, n);
	/* The leading NUL of an abstract name, or the trailing NUL of a path. */
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int r = connect_bounded(fd, (struct sockaddr *)&sun, len);
	int err = errno;
	close(fd);
	errno = err;
	return r;
}

static void refused_socket(const char *name, int domain, int type, int proto)
{
	int fd = socket(domain, type | SOCK_CLOEXEC, proto);
	int err = errno;
	if (fd >= 0)
		close(fd);
	probe_result(fd < 0, name, "%s", fd < 0 ? errno_name(err) : "created");
}

int main(int argc, char **argv)
{
	probe_guard("net");
	if (argc == 3 && strcmp(argv[1], "--connect") == 0) {
		int r = unix_connect(argv[2], false);
		probe_result(r == 0, "a unix socket exposed by a volume is reachable", "%s",
			     r == 0 ? "connected" : errno_name(errno));
		return probe_done();
	}
	if (argc < 6) {
		fprintf(stderr, "usage: net TCP_PORT HOST_ADDR HOST_ADDR_PORT ABSTRACT UNIX_PATH\n");
		return 2;
	}
	tcp("tcp 127.0.0.1 listener of the host", "127.0.0.1", atoi(argv[1]));
	if (strcmp(argv[2], "-") != 0)
		tcp("tcp listener on the host's address", argv[2], atoi(argv[3]));

	int r = unix_connect(argv[4], true);
	int err = errno;
	probe_result(r < 0 && (err == ECONNREFUSED || err == ENOENT || err == EACCES), "abstract unix socket of the host", "%s",
		     r < 0 ? errno_name(err) : "connected");
	r = unix_connect(argv[5], false);
	err = errno;
	probe_result(r < 0, "unix socket path of the host outside any volume", "%s",
		     r < 0 ? errno_name(err) : "connected");

	refused_socket("AF_VSOCK socket", AF_VSOCK, SOCK_STREAM, 0);
	refused_socket("AF_PACKET socket", AF_PACKET, SOCK_RAW, htons(3));
	refused_socket("AF_NETLINK NETLINK_AUDIT socket", AF_NETLINK, SOCK_RAW, 9);
	refused_socket("AF_BLUETOOTH socket", 31, SOCK_STREAM, 0);

	/* The guest's own loopback works: a positive control for the above. */
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	bool own = l >= 0 && bind(l, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(l, 1) == 0 &&
		   getsockname(l, (struct sockaddr *)&sin, &sl) == 0;
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	own = own && c >= 0 && connect_bounded(c, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	probe_result(own, "the guest's own loopback listener is reachable", "%s",
		     own ? "connected" : errno_name(errno));
	return probe_done();
}
