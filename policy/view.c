/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled policy as received: validation of a blob that crossed a
 * trust boundary, and the accessors the gofer and the sentry read it with.
 * Pure code: no syscalls, no allocation. */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy.h"

_Static_assert(sizeof(struct policy_origin) == 12, "policy_origin layout");
_Static_assert(sizeof(struct policy_rule) == 24, "policy_rule layout");
_Static_assert(sizeof(struct policy_syscall) == 16, "policy_syscall layout");
_Static_assert(sizeof(struct policy_env) == 24, "policy_env layout");
_Static_assert(sizeof(struct policy_net_rule) == 40, "policy_net_rule layout");
_Static_assert(sizeof(struct policy_publish) == 40, "policy_publish layout");
_Static_assert(sizeof(struct policy_resources) == 48, "policy_resources layout");
_Static_assert(sizeof(struct policy_header) == 152, "policy_header layout");
_Static_assert(offsetof(struct policy_header, resources) % 8 == 0, "resources alignment");

/* ---- validation ---- */

static bool section_ok(const struct policy_section *s, size_t rec_size, size_t hdr_size, size_t len)
{
	if (s->count == 0)
		return s->off == 0 || (s->off % 8 == 0 && s->off <= len);
	if (s->off % 8 != 0 || s->off < hdr_size || s->off > len)
		return false;
	return (uint64_t)s->count * rec_size <= (uint64_t)(len - s->off);
}

static bool string_ok(const struct policy_header *h, uint32_t off)
{
	return off < h->strings_size;
}

static bool origin_ok(const struct policy_header *h, const struct policy_origin *o)
{
	return string_ok(h, o->file);
}

static int check_rules(const struct policy_header *h, const struct policy_rule *rules,
		       const char *strings)
{
	uint32_t idx = 0;
	for (uint32_t kind = 0; kind < POLICY_RULE_NKINDS; kind++) {
		for (uint32_t i = 0; i < h->rule_count[kind]; i++, idx++) {
			const struct policy_rule *r = &rules[idx];
			if (r->kind != kind || (r->flags & ~POLICY_RULE_F_ALIAS) != 0)
				return -EINVAL;
			if (!string_ok(h, r->glob) || !string_ok(h, r->text) ||
			    !origin_ok(h, &r->origin))
				return -EINVAL;
			if (kind != POLICY_RULE_EXEC_ALLOWLIST && strings[r->glob] != '/')
				return -EINVAL;
			if (r->flags && kind != POLICY_RULE_FILE)
				return -EINVAL;
			switch (kind) {
			case POLICY_RULE_FILE:
				if (r->access != POLICY_ACCESS_NONE &&
				    r->access != POLICY_ACCESS_READ &&
				    r->access != POLICY_ACCESS_WRITE)
					return -EINVAL;
				break;
			case POLICY_RULE_HIDDEN:
				if (r->access != POLICY_ACCESS_HIDDEN)
					return -EINVAL;
				break;
			default:
				if (r->access != POLICY_ACCESS_UNSET)
					return -EINVAL;
				break;
			}
		}
	}
	/* An allow glob without the list record would be ignored silently. */
	if (h->rule_count[POLICY_RULE_EXEC_ALLOWLIST] > 1 ||
	    (h->rule_count[POLICY_RULE_EXEC_ALLOWLIST] == 0 &&
	     h->rule_count[POLICY_RULE_EXEC_ALLOW] > 0))
		return -EINVAL;
	return 0;
}

static int check_net(const struct policy_header *h, const struct policy_net_rule *net,
		     const char *strings)
{
	for (uint32_t i = 0; i < h->net.count; i++) {
		const struct policy_net_rule *n = &net[i];
		if (!string_ok(h, n->host) || !origin_ok(h, &n->origin))
			return -EINVAL;
		if (n->port_lo == 0 || n->port_lo > n->port_hi)
			return -EINVAL;
		if ((n->flags & ~(POLICY_NET_F_WILDCARD | POLICY_NET_F_DENY)) != 0)
			return -EINVAL;
		if (n->kind == POLICY_NET_HOST) {
			if (strings[n->host] == '\0' || n->family || n->prefix_len)
				return -EINVAL;
			continue;
		}
		if (n->kind != POLICY_NET_CIDR || (n->flags & POLICY_NET_F_WILDCARD) || n->host)
			return -EINVAL;
		if (!(n->family == AF_INET && n->prefix_len <= 32) &&
		    !(n->family == AF_INET6 && n->prefix_len <= 128))
			return -EINVAL;
	}
	return 0;
}

static int check_publish(const struct policy_header *h, const struct policy_publish *pub)
{
	static const uint8_t zero[16];
	for (uint32_t i = 0; i < h->publish.count; i++) {
		const struct policy_publish *p = &pub[i];
		if (!origin_ok(h, &p->origin) || p->reserved || p->reserved2)
			return -EINVAL;
		if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
			return -EINVAL;
		if (p->family != 0 && p->family != AF_INET && p->family != AF_INET6)
			return -EINVAL;
		if (p->family == 0 && memcmp(p->addr, zero, sizeof(zero)) != 0)
			return -EINVAL;
		if (p->family == AF_INET && memcmp(p->addr + 4, zero, 12) != 0)
			return -EINVAL;
		if (p->host_port == 0 || p->guest_port == 0)
			return -EINVAL;
	}
	if (h->publish.count > PUBLISH_MAX)
		return -EINVAL;
	/* Only egress has a route to publish on. */
	if (h->publish.count && h->net_mode != POLICY_NET_EGRESS)
		return -EINVAL;
	return 0;
}

static int check_env(const struct policy_header *h, const struct policy_env *env)
{
	if (h->env_pass_count > h->env.count)
		return -EINVAL;
	for (uint32_t i = 0; i < h->env.count; i++) {
		const struct policy_env *e = &env[i];
		uint32_t want = i < h->env_pass_count ? POLICY_ENV_PASS : POLICY_ENV_SET;
		if (e->kind != want || !string_ok(h, e->name) || !string_ok(h, e->value) ||
		    !origin_ok(h, &e->origin))
			return -EINVAL;
	}
	return 0;
}

static int check_syscalls(const struct policy_header *h, const struct policy_syscall *sc)
{
	for (uint32_t i = 0; i < h->syscalls.count; i++) {
		if (sc[i].nr >= 4096 || !origin_ok(h, &sc[i].origin))
			return -EINVAL;
	}
	return 0;
}

static int check_header(const struct policy_header *h, size_t len)
{
	if (h->magic != POLICY_MAGIC)
		return -EINVAL;
	if (h->version != POLICY_VERSION)
		return -EPROTO;
	if (h->header_size != sizeof(*h) || h->total_size != len)
		return -EINVAL;
	if ((h->flags & ~(POLICY_F_AUDIT_DENIED | POLICY_F_AUDIT_ALLOWED)) != 0)
		return -EINVAL;
	if (h->net_mode != POLICY_NET_NONE && h->net_mode != POLICY_NET_EGRESS)
		return -EINVAL;
	if ((h->resources.set & ~POLICY_RES_ALL) != 0 || h->reserved || h->resources.reserved)
		return -EINVAL;
	if (!section_ok(&h->rules, sizeof(struct policy_rule), sizeof(*h), len) ||
	    !section_ok(&h->syscalls, sizeof(struct policy_syscall), sizeof(*h), len) ||
	    !section_ok(&h->env, sizeof(struct policy_env), sizeof(*h), len) ||
	    !section_ok(&h->net, sizeof(struct policy_net_rule), sizeof(*h), len) ||
	    !section_ok(&h->publish, sizeof(struct policy_publish), sizeof(*h), len))
		return -EINVAL;
	if (h->strings_size == 0 || h->strings_off < sizeof(*h) || h->strings_off > len ||
	    h->strings_size > len - h->strings_off)
		return -EINVAL;
	uint64_t sum = 0;
	for (size_t k = 0; k < POLICY_RULE_NKINDS; k++)
		sum += h->rule_count[k];
	if (sum != h->rules.count)
		return -EINVAL;
	return string_ok(h, h->name) ? 0 : -EINVAL;
}

int policy_view_init(struct policy_view *pv, const void *blob, size_t len)
{
	memset(pv, 0, sizeof(*pv));
	if (!blob || len < sizeof(struct policy_header) || ((uintptr_t)blob % 8) != 0)
		return -EINVAL;
	if (len > POLICY_BLOB_MAX)
		return -E2BIG;
	const uint8_t *base = blob;
	const struct policy_header *h = blob;
	int r = check_header(h, len);
	if (r < 0)
		return r;
	const char *strings = (const char *)base + h->strings_off;
	if (strings[0] != '\0' || strings[h->strings_size - 1] != '\0')
		return -EINVAL;
	const struct policy_rule *rules = (const void *)(base + h->rules.off);
	const struct policy_syscall *sc = (const void *)(base + h->syscalls.off);
	const struct policy_env *env = (const void *)(base + h->env.off);
	const struct policy_net_rule *net = (const void *)(base + h->net.off);
	const struct policy_publish *pub = (const void *)(base + h->publish.off);
	r = check_rules(h, rules, strings);
	if (r == 0)
		r = check_syscalls(h, sc);
	if (r == 0)
		r = check_env(h, env);
	if (r == 0)
		r = check_net(h, net, strings);
	if (r == 0)
		r = check_publish(h, pub);
	if (r < 0)
		return r;

	pv->hdr = h;
	pv->rules = rules;
	pv->syscalls = sc;
	pv->env = env;
	pv->net = net;
	pv->publish = pub;
	pv->strings = strings;
	pv->strings_size = h->strings_size;
	uint32_t first = 0;
	for (size_t k = 0; k < POLICY_RULE_NKINDS; k++) {
		pv->first[k] = first;
		first += h->rule_count[k];
	}
	return 0;
}

int policy_blob_validate(const void *blob, size_t len)
{
	struct policy_view pv;
	return policy_view_init(&pv, blob, len);
}

/* ---- lookups ---- */

const char *policy_string(const struct policy_view *pv, uint32_t off)
{
	return off < pv->strings_size ? pv->strings + off : "";
}

uint32_t policy_rule_count(const struct policy_view *pv, enum policy_rule_kind kind)
{
	return (unsigned)kind < POLICY_RULE_NKINDS ? pv->hdr->rule_count[kind] : 0;
}

uint32_t policy_rule_first(const struct policy_view *pv, enum policy_rule_kind kind)
{
	return (unsigned)kind < POLICY_RULE_NKINDS ? pv->first[kind] : 0;
}

const struct policy_rule *policy_rule(const struct policy_view *pv, uint32_t index)
{
	return index < pv->hdr->rules.count ? &pv->rules[index] : NULL;
}

const char *policy_rule_glob(const struct policy_view *pv, uint32_t index)
{
	const struct policy_rule *r = policy_rule(pv, index);
	return r ? policy_string(pv, r->glob) : NULL;
}

const char *policy_rule_text(const struct policy_view *pv, uint32_t index)
{
	const struct policy_rule *r = policy_rule(pv, index);
	return r ? policy_string(pv, r->text) : NULL;
}

int policy_rule_origin(const struct policy_view *pv, uint32_t index, const char **file,
		       uint32_t *line)
{
	const struct policy_rule *r = policy_rule(pv, index);
	if (!r)
		return -ENOENT;
	if (file)
		*file = policy_string(pv, r->origin.file);
	if (line)
		*line = r->origin.line;
	return 0;
}

const char *policy_name(const struct policy_view *pv)
{
	return policy_string(pv, pv->hdr->name);
}

bool policy_audit_denied(const struct policy_view *pv)
{
	return (pv->hdr->flags & POLICY_F_AUDIT_DENIED) != 0;
}

bool policy_audit_allowed(const struct policy_view *pv)
{
	return (pv->hdr->flags & POLICY_F_AUDIT_ALLOWED) != 0;
}

uint32_t policy_syscall_deny_count(const struct policy_view *pv)
{
	return pv->hdr->syscalls.count;
}

int policy_syscall_deny_nr(const struct policy_view *pv, uint32_t i)
{
	return i < pv->hdr->syscalls.count ? (int)pv->syscalls[i].nr : -ENOENT;
}

uint32_t policy_env_pass_count(const struct policy_view *pv)
{
	return pv->hdr->env_pass_count;
}

const char *policy_env_pass(const struct policy_view *pv, uint32_t i)
{
	return i < pv->hdr->env_pass_count ? policy_string(pv, pv->env[i].name) : NULL;
}

uint32_t policy_env_set_count(const struct policy_view *pv)
{
	return pv->hdr->env.count - pv->hdr->env_pass_count;
}

const char *policy_env_set(const struct policy_view *pv, uint32_t i, const char **value)
{
	if (i >= policy_env_set_count(pv))
		return NULL;
	const struct policy_env *e = &pv->env[pv->hdr->env_pass_count + i];
	if (value)
		*value = policy_string(pv, e->value);
	return policy_string(pv, e->name);
}

enum policy_net_mode policy_net_mode(const struct policy_view *pv)
{
	return (enum policy_net_mode)pv->hdr->net_mode;
}

uint32_t policy_net_rule_count(const struct policy_view *pv)
{
	return pv->hdr->net.count;
}

const struct policy_net_rule *policy_net_rule(const struct policy_view *pv, uint32_t i)
{
	return i < pv->hdr->net.count ? &pv->net[i] : NULL;
}

const char *policy_net_rule_host(const struct policy_view *pv, uint32_t i)
{
	const struct policy_net_rule *n = policy_net_rule(pv, i);
	return n ? policy_string(pv, n->host) : NULL;
}

uint32_t policy_publish_count(const struct policy_view *pv)
{
	return pv->hdr->publish.count;
}

int policy_publish(const struct policy_view *pv, uint32_t i, struct publish *out)
{
	if (i >= pv->hdr->publish.count)
		return -ENOENT;
	const struct policy_publish *p = &pv->publish[i];
	*out = (struct publish){
		.proto = p->proto,
		.family = p->family,
		.host_port = p->host_port,
		.guest_port = p->guest_port,
	};
	memcpy(out->addr, p->addr, sizeof(out->addr));
	return 0;
}

int policy_net_rule_origin(const struct policy_view *pv, uint32_t i, const char **file,
			   uint32_t *line)
{
	const struct policy_net_rule *n = policy_net_rule(pv, i);
	if (!n)
		return -ENOENT;
	if (file)
		*file = policy_string(pv, n->origin.file);
	if (line)
		*line = n->origin.line;
	return 0;
}

const struct policy_resources *policy_resources(const struct policy_view *pv)
{
	return &pv->hdr->resources;
}
