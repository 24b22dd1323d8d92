/* SPDX-License-Identifier: Apache-2.0 */
/* Published ports (common/publish.h): the grammar of -p and of a policy's
 * network.publish entries. */
#include "common/publish.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* 1..65535 in decimal digits only, no sign, no leading '+'. */
static bool parse_port(const char *s, size_t len, uint16_t *port)
{
	if (len == 0 || len > 5)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

const char *publish_parse(const char *text, struct publish *p)
{
	static const char form[] = "expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp], such as 8080:80 "
				   "or 127.0.0.1:8080:80/tcp";
	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	size_t len = strlen(text);
	if (len == 0 || len >= PUBLISH_TEXT_MAX)
		return form;
	char buf[PUBLISH_TEXT_MAX];
	memcpy(buf, text, len + 1);
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		if (strcmp(slash + 1, "udp") == 0)
			p->proto = IPPROTO_UDP;
		else if (strcmp(slash + 1, "tcp") != 0)
			return "the protocol must be tcp or udp";
	}
	char *ports = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':')
			return "an IPv6 host address is written in brackets: [::1]:8080:80";
		*close = 0;
		if (inet_pton(AF_INET6, buf + 1, p->addr) != 1)
			return "the host address is not an IPv6 address";
		p->family = AF_INET6;
		ports = close + 2;
	} else {
		char *first = strchr(buf, ':');
		char *last = strrchr(buf, ':');
		if (!first)
			return form;
		if (first != last) {
			if (strchr(first + 1, ':') != last)
				return "an IPv6 host address is written in brackets: [::1]:8080:80";
			*first = 0;
			if (inet_pton(AF_INET, buf, p->addr) != 1)
				return "the host address is not an IPv4 address (IPv6 goes in "
				       "brackets)";
			p->family = AF_INET;
			ports = first + 1;
		}
	}
	char *colon = strchr(ports, ':');
	if (!colon)
		return form;
	if (!parse_port(ports, (size_t)(colon - ports), &p->host_port))
		return "the host port must be a number from 1 to 65535";
	if (!parse_port(colon + 1, strlen(colon + 1), &p->guest_port))
		return "the guest port must be a number from 1 to 65535";
	return NULL;
}

bool publish_conflict(const struct publish *a, const struct publish *b)
{
	return a->proto == b->proto && a->host_port == b->host_port;
}

static void addr_text(const struct publish *p, char *buf, size_t size)
{
	if (!inet_ntop(p->family, p->addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void publish_format(const struct publish *p, char *buf, size_t size)
{
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	char a[INET6_ADDRSTRLEN];
	if (p->family == 0) {
		snprintf(buf, size, "%u:%u/%s", p->host_port, p->guest_port, proto);
		return;
	}
	addr_text(p, a, sizeof(a));
	snprintf(buf, size, p->family == AF_INET6 ? "[%s]:%u:%u/%s" : "%s:%u:%u/%s", a,
		 p->host_port, p->guest_port, proto);
}

void publish_pasta_spec(const struct publish *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	if (p->family == 0) {
		snprintf(buf, size, "%u:%u", p->host_port, p->guest_port);
		return;
	}
	addr_text(p, a, sizeof(a));
	snprintf(buf, size, "%s/%u:%u", a, p->host_port, p->guest_port);
}
