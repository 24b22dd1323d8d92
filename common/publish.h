/* SPDX-License-Identifier: Apache-2.0 */
/* Published ports: a server in an egress sandbox reachable from the host.
 * One grammar for `runsc-c do -p` and a policy's network.publish list:
 *
 *	[HOSTIP:]HOSTPORT:GUESTPORT[/tcp|/udp]
 *
 * HOSTIP is an IPv4 address or an IPv6 address in brackets ([::1]); without
 * it the port is published on every address of the host, IPv4 and IPv6.
 * Ports are 1..65535; the protocol is tcp unless /udp is given. The route
 * out (sandbox/network.c) hands these to pasta as its -t/-u forwards and
 * nothing else: without an entry, nothing on the host can connect in. */
#ifndef RUNSC_COMMON_PUBLISH_H
#define RUNSC_COMMON_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this many entries in a policy's network.publish list (after
 * extends), and as many -p flags. */
#define PUBLISH_MAX 64

/* Longest canonical text: "[" IPv6 "]:65535:65535/udp". */
#define PUBLISH_TEXT_MAX 72

struct publish {
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family; /* 0: every host address; AF_INET or AF_INET6 */
	uint16_t host_port;
	uint16_t guest_port;
	uint8_t addr[16]; /* family's address, network byte order; zero for 0 */
};

/* Parses text into *p: NULL, or why not (a phrase for after the text). */
const char *publish_parse(const char *text, struct publish *p);

/* Whether a and b take the same host port of one protocol. Even on two
 * different host addresses they cannot both be published: pasta keeps one
 * forward per port and protocol (it refuses overlapping specs). */
bool publish_conflict(const struct publish *a, const struct publish *b);

/* The canonical text ("127.0.0.1:8080:80/tcp", "[::1]:53:53/udp",
 * "8080:80/tcp"), into buf of at least PUBLISH_TEXT_MAX bytes. */
void publish_format(const struct publish *p, char *buf, size_t size);

/* pasta's spec for one forward ("8080:80", "127.0.0.1/8080:80",
 * "::1/8080:80"), for its -t or -u. */
void publish_pasta_spec(const struct publish *p, char *buf, size_t size);

#endif
