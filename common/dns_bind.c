/* SPDX-License-Identifier: Apache-2.0 */
/* The table of DNS bindings shared by a sandbox's resolver and its sentry
 * (see dns_bind.h). One writer, readers in other processes: a sequence
 * count per slot, as a seqlock. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include "common/dns_bind.h"

#define DNS_BIND_MAGIC 0x444e5342u /* "DNSB" */

size_t dns_bind_size(uint32_t nslots)
{
	return sizeof(struct dns_bind_table) + (size_t)nslots * sizeof(struct dns_bind_slot);
}

void dns_bind_init(struct dns_bind_table *t, uint32_t nslots)
{
	t->magic = DNS_BIND_MAGIC;
	t->nslots = nslots;
	t->used = 0;
}

struct dns_bind_table *dns_bind_new(void)
{
	size_t size = dns_bind_size(DNS_BIND_SLOTS);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	dns_bind_init(p, DNS_BIND_SLOTS);
	return p;
}

void dns_bind_free(struct dns_bind_table *t)
{
	if (t)
		munmap(t, dns_bind_size(t->nslots));
}

uint64_t dns_bind_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static bool slot_is(const struct dns_bind_slot *s, const char *name, int family,
		    const uint8_t *addr)
{
	return s->family == family && memcmp(s->addr, addr, addr_len(family)) == 0 &&
	       strcmp(s->name, name) == 0;
}

static void slot_write(struct dns_bind_slot *s, const char *name, size_t name_len, int family,
		       const uint8_t *addr, uint64_t expires_ns)
{
	uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->family = (uint8_t)family;
	memset(s->addr, 0, sizeof(s->addr));
	memcpy(s->addr, addr, addr_len(family));
	memset(s->name, 0, sizeof(s->name));
	memcpy(s->name, name, name_len);
	s->expires_ns = expires_ns;
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

int dns_bind_add(struct dns_bind_table *t, const char *name, int family, const uint8_t *addr,
		 uint32_t ttl_s, uint64_t now_ns)
{
	size_t name_len = strlen(name);
	if (!addr_len(family) || name_len == 0 || name_len > DNS_BIND_NAME_MAX)
		return -EINVAL;
	if (ttl_s < DNS_BIND_TTL_MIN_S)
		ttl_s = DNS_BIND_TTL_MIN_S;
	if (ttl_s > DNS_BIND_TTL_MAX_S)
		ttl_s = DNS_BIND_TTL_MAX_S;
	uint64_t expires_ns = now_ns + (uint64_t)ttl_s * 1000000000ull;

	uint32_t used = t->used, pick = UINT32_MAX;
	for (uint32_t i = 0; i < used; i++) {
		struct dns_bind_slot *s = &t->slot[i];
		if (s->family && slot_is(s, name, family, addr)) {
			if (s->expires_ns < expires_ns)
				slot_write(s, name, name_len, family, addr, expires_ns);
			return 0;
		}
	}
	for (uint32_t i = 0; i < used && pick == UINT32_MAX; i++)
		if (!t->slot[i].family || t->slot[i].expires_ns <= now_ns)
			pick = i;
	if (pick == UINT32_MAX && used < t->nslots) {
		pick = used;
		__atomic_store_n(&t->used, used + 1, __ATOMIC_RELEASE);
	}
	if (pick == UINT32_MAX) {
		/* Full: the binding that would expire first makes room. */
		pick = 0;
		for (uint32_t i = 1; i < used; i++)
			if (t->slot[i].expires_ns < t->slot[pick].expires_ns)
				pick = i;
	}
	slot_write(&t->slot[pick], name, name_len, family, addr, expires_ns);
	return 0;
}

/* A consistent copy of slot i, or false if it is being written. */
static bool slot_read(const struct dns_bind_slot *s, struct dns_bind_slot *out)
{
	for (int tries = 0; tries < 4; tries++) {
		uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		memcpy(out, s, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) == seq) {
			out->name[DNS_BIND_NAME_MAX] = '\0';
			return true;
		}
	}
	return false;
}

bool dns_bind_lookup(const struct dns_bind_table *t, size_t t_size, int family, const uint8_t *addr,
		     uint64_t now_ns, dns_bind_fn fn, void *arg)
{
	size_t alen = addr_len(family);
	if (!t || !alen || t_size < sizeof(*t))
		return false;
	size_t cap = (t_size - sizeof(*t)) / sizeof(struct dns_bind_slot);
	size_t used = __atomic_load_n(&t->used, __ATOMIC_ACQUIRE);
	if (used > cap)
		used = cap;
	for (size_t i = 0; i < used; i++) {
		struct dns_bind_slot copy;
		if (!slot_read(&t->slot[i], &copy) || copy.family != family ||
		    copy.expires_ns <= now_ns || memcmp(copy.addr, addr, alen) != 0 ||
		    !copy.name[0])
			continue;
		if (fn(copy.name, arg))
			return true;
	}
	return false;
}
