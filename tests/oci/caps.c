/* SPDX-License-Identifier: Apache-2.0 */
/* Whether the capabilities a guest process holds, as capget(2) reports
 * them, are the ones the sandbox honours: for each capability below, one
 * line "NAME held=H works=W", H from capget's effective set and W from
 * trying what it allows:
 *
 *	CAP_NET_RAW           socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)
 *	CAP_MKNOD             mknod of a character device (1:3) in /tmp
 *	CAP_AUDIT_WRITE       an AUDIT_USER message on a NETLINK_AUDIT socket
 *	CAP_NET_BIND_SERVICE  bind of TCP port 80 on 127.0.0.1
 *
 * With the argument "privs" it prints instead what no_new_privs decides,
 * for a set-user-ID copy of it run by another user:
 *
 *	nnp prctl=N status=N  PR_GET_NO_NEW_PRIVS and /proc/self/status's
 *	                      NoNewPrivs
 *	uid R E S             getresuid: whether the exec made it root
 *
 * Run by tests/oci/process.sh in a container, under runsc-c and under
 * crun (the reference: what Linux reports and allows for the same
 * config.json). These are what a host kernel would let a holder do, so
 * the probe first makes sure it runs inside a runsc-c sandbox (seccomp
 * filter mode, runsc-c's kernel release) or as the first process of a
 * pid namespace of its own (a container's, crun's) and otherwise refuses
 * with status 77. Built static: the rootfs has no libc. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

static int held(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

static int net_raw(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int mknod_char(void)
{
	const char *path = "/tmp/caps-probe-node";
	unlink(path);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) < 0)
		return 0;
	unlink(path);
	return 1;
}

static int audit_write(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (fd < 0)
		return 0;
	struct {
		struct nlmsghdr h;
		char text[64];
	} msg;
	memset(&msg, 0, sizeof(msg));
	snprintf(msg.text, sizeof(msg.text), "runsc-c caps probe");
	msg.h.nlmsg_len = NLMSG_LENGTH(strlen(msg.text) + 1);
	msg.h.nlmsg_type = AUDIT_USER;
	msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	struct sockaddr_nl to = {.nl_family = AF_NETLINK};
	ssize_t n = sendto(fd, &msg, msg.h.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to));
	int works = 0;
	if (n >= 0) {
		/* The kernel's answer: an ack with error 0 means it was taken. */
		struct {
			struct nlmsghdr h;
			struct nlmsgerr e;
		} ack;
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, &ack, sizeof(ack), 0);
		works = n >= (ssize_t)sizeof(ack.h) && ack.h.nlmsg_type == NLMSG_ERROR &&
			ack.e.error == 0;
	}
	close(fd);
	return works;
}

static int bind_80(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int works = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return works;
}

/* NoNewPrivs of /proc/self/status, or -1. */
static int status_nnp(void)
{
	char line[256];
	int v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "NoNewPrivs: %d", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int privs(void)
{
	uid_t r, e, s;
	printf("nnp prctl=%d status=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), status_nnp());
	if (getresuid(&r, &e, &s) < 0)
		return 1;
	printf("uid %u %u %u\n", (unsigned)r, (unsigned)e, (unsigned)s);
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;
	bool sandboxed = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 && uname(&u) == 0 &&
			 strstr(u.release, "runsc-c");
	if (!sandboxed && getpid() != 1) {
		fprintf(stderr, "caps probe: refusing to run: not inside a runsc-c sandbox "
				"or a container\n");
		return 77;
	}
	if (argc > 1 && strcmp(argv[1], "privs") == 0)
		return privs();
	static const struct {
		const char *name;
		unsigned int cap;
		int (*works)(void);
	} caps[] = {
		{"CAP_NET_RAW", CAP_NET_RAW, net_raw},
		{"CAP_MKNOD", CAP_MKNOD, mknod_char},
		{"CAP_AUDIT_WRITE", CAP_AUDIT_WRITE, audit_write},
		{"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE, bind_80},
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf("%s held=%d works=%d\n", caps[i].name, held(caps[i].cap), caps[i].works());
	return 0;
}
