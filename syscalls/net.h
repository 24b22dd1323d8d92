/* SPDX-License-Identifier: Apache-2.0 */
/* What connect(2) (net.c) and the sends with an address (net_send.c) share:
 * the policy's decision on a destination and the SO_SNDTIMEO deadline of a
 * deferred wait. */
#ifndef RUNSC_SYSCALLS_NET_H
#define RUNSC_SYSCALLS_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

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

/* syscalls/peercred.c: a new tag for a connect of a unix socket made for
 * the guest: the effective gid the connect runs with (GOP_CONNECT's
 * GOFER_ARG_PEER_TAG, peercred_connect). */
uint32_t peercred_tag(void);
/* connect(2) by the sentry, with tag as its effective gid. 0 or -errno. */
int peercred_connect(int sock, const struct sockaddr *sa, socklen_t len, uint32_t tag);
/* Notes that the calling guest process connected the unix socket sock (the
 * sentry's copy) with tag, for its peer's SO_PEERCRED, SO_PEERGROUPS and
 * SO_PEERPIDFD; only stream and seqpacket sockets record a peer. */
void peercred_record(struct sc_ctx *c, int sock, uint32_t tag);
/* The inode of the socket whose connect the sandbox made for the guest
 * and that is the peer of sock (the sentry's copy of a socket accept(2)
 * made), as recorded at the connect; 0 when there is no such record. */
struct sentry;
ino_t peercred_connector(struct sentry *s, int sock);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);
/* When a blocking connect or send on this socket gives up: SO_SNDTIMEO
 * bounds it on Linux (0: never). */
uint64_t send_deadline(int sock);

#endif
