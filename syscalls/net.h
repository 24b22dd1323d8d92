/* SPDX-License-Identifier: Apache-2.0 */
/* What connect(2) (net.c) and the sends with an address (net_send.c) share:
 * the policy's decision on a destination and the SO_SNDTIMEO deadline of a
 * deferred wait. */
#ifndef RUNSC_SYSCALLS_NET_H
#define RUNSC_SYSCALLS_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct sc_ctx;

/* The policy's decision on a connection or datagram to an IP address
 * (its cidr entries, and its host entries through the names the sandbox's
 * resolver bound to the address), audited with access ("connect",
 * "send"). 0 when it may go ahead (also for loopback, for families other
 * than IPv4 and IPv6 and for addresses too short to name one: the kernel
 * answers those), else the error: ENETUNREACH without a network (mode:
 * none, as the namespace's own routing would say), EPERM for an address
 * egress does not allow (as a local firewall rule gives). */
int net_decide(struct sc_ctx *c, const struct sockaddr_storage *ss, socklen_t len,
	       const char *access);

/* ss names a unix socket by path (not abstract, not unnamed). */
bool net_unix_path(const struct sockaddr_storage *ss, socklen_t len);
/* The socket file a datagram sent on the guest's unix socket sock to the
 * path in ss reaches, decided and resolved in the view as connect(2) is:
 * an O_PATH fd of it (the sentry names it /proc/self/fd/N) or -errno. */
int net_unix_dest(struct sc_ctx *c, int sock, const struct sockaddr_storage *ss, socklen_t len);

/* syscalls/peercred.c: notes that the calling guest process connected the
 * unix socket sock (the sentry's copy), for its peer's SO_PEERCRED and
 * SO_PEERPIDFD; only stream and seqpacket sockets record a peer. */
void peercred_record(struct sc_ctx *c, int sock);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);
/* When a blocking connect or send on this socket gives up: SO_SNDTIMEO
 * bounds it on Linux (0: never). */
uint64_t send_deadline(int sock);

#endif
