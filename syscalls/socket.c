/* SPDX-License-Identifier: Apache-2.0 */
/* Implements Linux syscalls socket(2) and socketpair(2) for the calls the
 * guest filter did not let through (syscalls/table.c: socket_rules,
 * socketpair_rules). Every such call fails, with the errno Linux gives, in
 * Linux's order: flags, family range, type range, then the family's own
 * checks of type and protocol. A family, type or protocol the sandbox does
 * not offer answers as a kernel without it would (EAFNOSUPPORT,
 * ESOCKTNOSUPPORT, EPROTONOSUPPORT); raw and packet sockets answer as they
 * do for a process without CAP_NET_RAW (EPERM). A socketpair of a family
 * the sandbox offers but that has no pairs gets EOPNOTSUPP, as on Linux. */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "policy/policy.h"
#include "sentry/audit.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"

#define ARG(i) (c->req->data.args[i])

/* Linux's bounds: NPROTO (AF_MAX), SOCK_MAX, IPPROTO_MAX, netlink's
 * MAX_LINKS; the socket type's low nibble (SOCK_TYPE_MASK). */
#define LINUX_NPROTO	  46
#define LINUX_SOCK_MAX	  11
#define LINUX_IPPROTO_MAX 263
#define NETLINK_MAX_LINKS 32
#define SOCK_TYPE_BITS	  0xf

/* inet_create() and inet6_create(): what the sandbox's network namespace
 * serves is TCP, UDP and ping sockets (what the filter allows); the rest
 * answers as a kernel without that protocol. 0: offered. */
static int inet_errno(int family, int type, int protocol)
{
	if (protocol < 0 || protocol >= LINUX_IPPROTO_MAX)
		return -EINVAL;
	switch (type) {
	case SOCK_STREAM:
		return protocol == 0 || protocol == IPPROTO_TCP ? 0 : -EPROTONOSUPPORT;
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP)
			return 0;
		if (protocol == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
			return 0;
		return -EPROTONOSUPPORT;
	case SOCK_RAW:
		/* The raw entry's protocol is the wildcard IPPROTO_IP, which
		 * matches a named protocol only: protocol 0 finds no entry,
		 * before the capability check. */
		if (protocol == 0)
			return -EPROTONOSUPPORT;
		return -EPERM; /* as without CAP_NET_RAW */
	default:
		return -ESOCKTNOSUPPORT;
	}
}

/* socket(2)'s answer for family, type (with its flags) and protocol: 0
 * when the sandbox offers such a socket, else a negative errno. */
static int create_errno(int family, unsigned int type_arg, int protocol)
{
	if (type_arg & ~(unsigned int)(SOCK_TYPE_BITS | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	int type = (int)(type_arg & SOCK_TYPE_BITS);
	if (family < 0 || family >= LINUX_NPROTO)
		return -EAFNOSUPPORT;
	if (type >= LINUX_SOCK_MAX)
		return -EINVAL;
	/* __sock_create() makes AF_INET's SOCK_PACKET a packet socket. */
	if (family == AF_INET && type == SOCK_PACKET)
		family = AF_PACKET;
	switch (family) {
	case AF_UNIX:
		if (protocol != 0 && protocol != AF_UNIX)
			return -EPROTONOSUPPORT;
		if (type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET ||
		    type == SOCK_RAW)
			return 0;
		return -ESOCKTNOSUPPORT;
	case AF_INET:
	case AF_INET6:
		return inet_errno(family, type, protocol);
	case AF_NETLINK:
		if (type != SOCK_RAW && type != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		if (protocol < 0 || protocol >= NETLINK_MAX_LINKS)
			return -EPROTONOSUPPORT;
		/* Other protocols reach nftables, xfrm, audit, ...: as a
		 * kernel that does not register them. */
		return protocol == NETLINK_ROUTE ? 0 : -EPROTONOSUPPORT;
	case AF_PACKET:
		return -EPERM; /* as without CAP_NET_RAW, checked before the type */
	default:
		return -EAFNOSUPPORT;
	}
}

/* socket and socketpair share their first three arguments. */
int sys_socket_other(struct sc_ctx *c)
{
	int family = (int)ARG(0);
	unsigned int type_arg = (unsigned int)ARG(1);
	int protocol = (int)ARG(2);
	int type = (int)(type_arg & SOCK_TYPE_BITS);
	int r = create_errno(family, type_arg, protocol);

	if (c->req->data.nr == SYS_socketpair) {
		/* Only unix sockets come in pairs; the filter lets them
		 * through, so an offered family here has none. */
		c->error = r < 0 ? r : -EOPNOTSUPP;
		return 0;
	}
	/* The filter allows every socket the sandbox offers: one that came
	 * here anyway is refused as an unknown protocol, never made. */
	c->error = r < 0 ? r : -EPROTONOSUPPORT;
	/* Under egress a raw socket, a packet socket or a family the sentry
	 * does not decide would be a way out it never sees: refused as a
	 * connect is, with EPERM and an audit record (a malformed call keeps
	 * its EINVAL). */
	bool known = family == AF_UNIX || family == AF_INET || family == AF_INET6 ||
		     family == AF_NETLINK;
	const struct policy_view *pv = c->s->policy;
	if (pv && policy_net_mode(pv) == POLICY_NET_EGRESS && r != -EINVAL &&
	    (type == SOCK_RAW || type == SOCK_PACKET || !known)) {
		char object[48];
		snprintf(object, sizeof(object), "family %d type %d protocol %d", family, type,
			 protocol);
		audit_net_decision(c, object, NULL, "socket", false, POLICY_NO_RULE);
		c->error = -EPERM;
	}
	return 0;
}
