/* SPDX-License-Identifier: Apache-2.0 */
/* Addresses and routes set in a sandbox's network namespace through
 * rtnetlink (netlink_ipv6_configure in internal.h): what slirp4netns leaves
 * to a router advertisement that comes only after the guest runs.
 *
 * A child does the work: it joins the namespace (setns), so the library's
 * own threads and namespace are never touched, asks the kernel with two
 * requests (RTM_NEWADDR, RTM_NEWROUTE) and reads each one's acknowledgement,
 * and exits with 0 or the errno the kernel answered. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "common/util.h"
#include "sandbox/internal.h"

struct nl_req {
	struct nlmsghdr hdr;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	};
	char attrs[128];
};

static void attr_put(struct nl_req *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->hdr.nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends req and reads the kernel's acknowledgement: 0 or -errno. */
static int nl_talk(int fd, struct nl_req *req, uint32_t seq)
{
	req->hdr.nlmsg_seq = seq;
	req->hdr.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		union {
			struct nlmsghdr hdr;
			char buf[4096];
		} ans;
		ssize_t n = recv(fd, &ans, sizeof(ans), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = &ans.hdr; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EPROTO;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			return e->error;
		}
	}
}

/* The child's work, in the namespace: 0 or -errno. */
static int configure(const char *ifname, const struct in6_addr *addr, unsigned prefix_len,
		     const struct in6_addr *gateway)
{
	int probe = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return errno == EAFNOSUPPORT ? 0 : -errno; /* a kernel without IPv6 */
	close(probe);
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -errno;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct nl_req req = {0};
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.hdr.nlmsg_type = RTM_NEWADDR;
	req.hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.ifa = (struct ifaddrmsg){
		.ifa_family = AF_INET6,
		.ifa_prefixlen = (unsigned char)prefix_len,
		.ifa_flags = IFA_F_NODAD,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = ifindex,
	};
	/* Usable at once: no duplicate address detection, whose second of
	 * "tentative" is what the guest would otherwise meet. */
	uint32_t flags = IFA_F_NODAD;
	attr_put(&req, IFA_LOCAL, addr, sizeof(*addr));
	attr_put(&req, IFA_ADDRESS, addr, sizeof(*addr));
	attr_put(&req, IFA_FLAGS, &flags, sizeof(flags));
	int r = nl_talk(fd, &req, 1);
	if (r == -EACCES) {
		/* IPv6 is turned off on the interface (disable_ipv6): nothing
		 * to configure, as on a kernel without it. */
		close(fd);
		return 0;
	}
	if (r == 0) {
		memset(&req, 0, sizeof(req));
		req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
		req.hdr.nlmsg_type = RTM_NEWROUTE;
		req.hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		req.rt = (struct rtmsg){
			.rtm_family = AF_INET6,
			.rtm_table = RT_TABLE_MAIN,
			.rtm_protocol = RTPROT_STATIC,
			.rtm_scope = RT_SCOPE_UNIVERSE,
			.rtm_type = RTN_UNICAST,
		};
		uint32_t oif = ifindex;
		attr_put(&req, RTA_GATEWAY, gateway, sizeof(*gateway));
		attr_put(&req, RTA_OIF, &oif, sizeof(oif));
		r = nl_talk(fd, &req, 2);
	}
	close(fd);
	return r;
}

int netlink_ipv6_configure(int ns_fd, const char *ifname, const struct in6_addr *addr,
			   unsigned prefix_len, const struct in6_addr *gateway)
{
	pid_t pid = fork_single_threaded();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setns(ns_fd, CLONE_NEWNET) < 0)
			_exit(errno);
		int r = configure(ifname, addr, prefix_len, gateway);
		_exit(r < 0 && -r < 256 ? -r : r < 0 ? EIO : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
}
