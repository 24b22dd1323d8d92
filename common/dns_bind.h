/* SPDX-License-Identifier: Apache-2.0 */
/* The names a sandbox's resolver answered, and the addresses they resolved
 * to: a fixed table in memory shared between the resolver (the one writer,
 * sandbox/resolver.c) and the sentry (the reader, syscalls/net.c), which
 * allows a connect or send to an address when a `host:` rule of the policy
 * matches a name bound to it.
 *
 * Each binding is one name and one address with an expiry on
 * CLOCK_MONOTONIC (the answer's TTL, kept between DNS_BIND_TTL_MIN_S and
 * DNS_BIND_TTL_MAX_S). The writer takes a free or expired slot, else the
 * slot that expires first (a full table forgets the oldest answers, not the
 * new one). Each slot carries a sequence count (odd while it is written),
 * so the reader, in another process, never acts on a half-written slot.
 * The reader trusts nothing of the table's contents beyond one slot's
 * bytes: names are bounded and NUL-terminated on its copy. */
#ifndef RUNSC_COMMON_DNS_BIND_H
#define RUNSC_COMMON_DNS_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_BIND_NAME_MAX 253 /* a DNS name in text, without the last dot */
#define DNS_BIND_SLOTS	  1024
/* A program may keep an address a little longer than its TTL (or get a
 * TTL of 0): bindings last at least this long. */
#define DNS_BIND_TTL_MIN_S 300
#define DNS_BIND_TTL_MAX_S 86400

struct dns_bind_slot {
	uint32_t seq;	/* odd while the writer changes the slot */
	uint8_t family; /* AF_INET, AF_INET6; 0: free */
	uint8_t reserved[3];
	uint64_t expires_ns; /* CLOCK_MONOTONIC */
	uint8_t addr[16];    /* network byte order; 4 bytes for AF_INET */
	char name[DNS_BIND_NAME_MAX + 1];
};

struct dns_bind_table {
	uint32_t magic;
	uint32_t nslots;
	uint32_t used; /* slots [0, used) have been written */
	uint32_t reserved;
	struct dns_bind_slot slot[];
};

/* Bytes of a table of nslots slots. */
size_t dns_bind_size(uint32_t nslots);
/* Initialises zeroed memory of dns_bind_size(nslots) bytes. */
void dns_bind_init(struct dns_bind_table *t, uint32_t nslots);
/* A table in a shared anonymous mapping (inherited across fork), or NULL
 * with errno set. dns_bind_free() unmaps it. */
struct dns_bind_table *dns_bind_new(void);
void dns_bind_free(struct dns_bind_table *t);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t dns_bind_now_ns(void);

/* Records that name (lower case, no last dot, at most DNS_BIND_NAME_MAX
 * bytes) resolved to addr at now_ns with ttl_s: refreshes the slot of the
 * same binding, else takes a free or expired slot, else the one that
 * expires first. 0, or -EINVAL (bad name or family). Writer only. */
int dns_bind_add(struct dns_bind_table *t, const char *name, int family, const uint8_t *addr,
		 uint32_t ttl_s, uint64_t now_ns);

/* Calls fn with each name bound to addr that has not expired at now_ns,
 * until fn returns true; returns whether one did. t_size: the bytes the
 * reader mapped (bounds the walk whatever the table says). */
typedef bool (*dns_bind_fn)(const char *name, void *arg);
bool dns_bind_lookup(const struct dns_bind_table *t, size_t t_size, int family, const uint8_t *addr,
		     uint64_t now_ns, dns_bind_fn fn, void *arg);

#endif
