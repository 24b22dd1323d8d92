/* SPDX-License-Identifier: Apache-2.0 */
/* The network section of a policy: the mode, and allow and deny entries
 * naming a DNS name or an address range, with ports. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/util.h"
#include "policy/policy.h"
#include "policy/sections.h"

/* ---- network ---- */

static bool valid_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/* A DNS name in lower case, optionally "*." and a name. */
static bool parse_host(const char *s, char **out, bool *wildcard)
{
	*wildcard = strncmp(s, "*.", 2) == 0;
	if (*wildcard)
		s += 2;
	size_t len = strlen(s);
	if (len == 0 || len > 253)
		return false;
	char *h = xstrdup(s);
	for (char *p = h; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	for (const char *p = h;;) {
		size_t n = strcspn(p, ".");
		if (!valid_label(p, n)) {
			free(h);
			return false;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*out = h;
	return true;
}

/* An address or address/prefix, with no bits set below the prefix. */
static const char *parse_cidr(const char *s, struct pd_net_rule *r)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return "expected an address or address/prefix such as 10.0.0.0/8";
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	unsigned int max;
	if (inet_pton(AF_INET, addr, r->addr) == 1) {
		r->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, r->addr) == 1) {
		r->family = AF_INET6;
		max = 128;
	} else {
		return "expected an address or address/prefix such as 10.0.0.0/8";
	}
	uint64_t prefix = max;
	if (slash && (!pd_parse_uint(slash + 1, &prefix) || prefix > max))
		return "the prefix length is out of range";
	r->prefix = (uint8_t)prefix;
	for (unsigned int bit = (unsigned int)prefix; bit < max; bit++) {
		if (r->addr[bit / 8] & (0x80u >> (bit % 8)))
			return "bits are set below the prefix length";
	}
	return NULL;
}

static bool parse_port_item(const struct ynode *n, struct pd_port_range *pr)
{
	uint64_t lo, hi;
	const char *dash = strchr(n->s, '-');
	if (!dash) {
		if (!pd_parse_uint(n->s, &lo))
			return false;
		hi = lo;
	} else {
		char first[16];
		size_t len = (size_t)(dash - n->s);
		if (len == 0 || len >= sizeof(first))
			return false;
		memcpy(first, n->s, len);
		first[len] = '\0';
		if (!pd_parse_uint(first, &lo) || !pd_parse_uint(dash + 1, &hi))
			return false;
	}
	if (lo == 0 || hi > 65535 || lo > hi)
		return false;
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return true;
}

struct net_entry {
	struct pd_net_rule r;
	const struct ynode *host, *cidr;
	bool ok;
};

static void net_host(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	e->host = val;
	struct pd_qbuf b;
	unsigned char tmp[16];
	if (!pd_want_string(c, val, "host")) {
		e->ok = false;
	} else if (inet_pton(AF_INET, val->s, tmp) == 1 || inet_pton(AF_INET6, val->s, tmp) == 1) {
		pd_err(c, val, "host: '%s' is an address: write it as cidr", pd_quote(&b, val->s));
		e->ok = false;
	} else if (!parse_host(val->s, &e->r.host, &e->r.wildcard)) {
		pd_err(c, val,
		       "host: '%s' is not a DNS name (letters, digits and '-' in labels "
		       "separated by '.', optionally after '*.')",
		       pd_quote(&b, val->s));
		e->ok = false;
	}
}

static void net_cidr(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	e->cidr = val;
	struct pd_qbuf b;
	if (!pd_want_string(c, val, "cidr")) {
		e->ok = false;
		return;
	}
	const char *why = parse_cidr(val->s, &e->r);
	if (why) {
		pd_err(c, val, "cidr: '%s': %s", pd_quote(&b, val->s), why);
		e->ok = false;
		return;
	}
	e->r.cidr = xstrdup(val->s);
}

static void net_ports(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	size_t count, cap = 0;
	if (!pd_want_seq(c, val, "ports", &count)) {
		e->ok = false;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct ynode *n = val->kids[i];
		struct pd_port_range pr;
		struct pd_qbuf b;
		if (n->type != Y_SCALAR || yn_is_null(n)) {
			pd_err(c, n, "ports: expected a port or a range such as 8000-8100, got %s",
			       yn_got(n));
			e->ok = false;
			continue;
		}
		if (!parse_port_item(n, &pr)) {
			pd_err(c, n,
			       "ports: expected a port (1-65535) or a range such as 8000-8100, "
			       "got '%s'",
			       pd_quote(&b, n->s));
			e->ok = false;
			continue;
		}
		e->r.ports = pd_grow(e->r.ports, &cap, e->r.nports + 1, sizeof(pr));
		e->r.ports[e->r.nports++] = pr;
	}
	if (count == 0) {
		pd_err(c, val,
		       "ports: an empty list allows nothing; leave ports out to allow every port");
		e->ok = false;
	}
}

static const struct pd_keyspec net_entry_keys[] = {
	{"host", net_host},
	{"cidr", net_cidr},
	{"ports", net_ports},
};

void pd_net_rule_free(struct pd_net_rule *r)
{
	free(r->host);
	free(r->cidr);
	free(r->ports);
}

static void net_list(struct pd_ctx *c, const struct ynode *val, bool deny)
{
	const char *what = deny ? "network.deny" : "network.allow";
	size_t count, cap = c->doc->nnet;
	if (!pd_want_seq(c, val, what, &count))
		return;
	struct policy_doc *d = c->doc;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (n->type != Y_MAP) {
			pd_err(c, n, "%s: each entry is a mapping with host or cidr, got %s", what,
			       yn_got(n));
			continue;
		}
		struct net_entry e = {.ok = true};
		char where[32];
		snprintf(where, sizeof(where), "a %s entry", what);
		pd_walk_map(c, n, where, net_entry_keys, ARRAY_SIZE(net_entry_keys), &e);
		if (!e.host && !e.cidr)
			pd_err(c, n, "a %s entry without host or cidr", what);
		if (e.host && e.cidr)
			pd_err(c, n, "a %s entry with both host and cidr: write two entries", what);
		if (!e.ok || !e.host == !e.cidr) {
			pd_net_rule_free(&e.r);
			continue;
		}
		e.r.at = pd_at(c, n);
		e.r.deny = deny;
		d->net = pd_grow(d->net, &cap, d->nnet + 1, sizeof(*d->net));
		d->net[d->nnet++] = e.r;
	}
}

static void net_allow(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	net_list(c, val, false);
}

static void net_deny(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	net_list(c, val, true);
}

static void net_mode(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct pd_qbuf b;
	if (!pd_want_string(c, val, "network.mode"))
		return;
	if (strcmp(val->s, "none") == 0)
		c->doc->net_mode = POLICY_NET_NONE;
	else if (strcmp(val->s, "egress") == 0)
		c->doc->net_mode = POLICY_NET_EGRESS;
	else
		pd_err(c, val, "network.mode: expected none or egress, got '%s'",
		       pd_quote(&b, val->s));
}

/* The first allow entry of a document, or NULL. */
const struct pd_net_rule *pd_first_allow(const struct policy_doc *d)
{
	for (size_t i = 0; i < d->nnet; i++) {
		if (!d->net[i].deny)
			return &d->net[i];
	}
	return NULL;
}

/* network.publish: strings in the grammar of `runsc-c do -p`
 * (common/publish.h). */
static void net_publish(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			void *arg)
{
	(void)key;
	(void)arg;
	size_t count, cap = c->doc->npublish;
	if (!pd_want_seq(c, val, "network.publish", &count))
		return;
	if (count > PUBLISH_MAX) {
		pd_err(c, val, "network.publish: more than %d entries", PUBLISH_MAX);
		return;
	}
	struct policy_doc *d = c->doc;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		struct pd_qbuf b;
		if (n->type != Y_SCALAR || yn_is_null(n)) {
			pd_err(c, n,
			       "network.publish: expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp] such "
			       "as \"8080:80\", got %s",
			       yn_got(n));
			continue;
		}
		struct pd_publish e = {.at = pd_at(c, n)};
		const char *why = publish_parse(n->s, &e.p);
		if (why) {
			pd_err(c, n, "network.publish: '%s': %s", pd_quote(&b, n->s), why);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < d->npublish && !dup; j++) {
			if (!publish_conflict(&e.p, &d->publish[j].p))
				continue;
			pd_err(c, n,
			       "network.publish: '%s': the host port is already published by the "
			       "entry at line %u",
			       pd_quote(&b, n->s), d->publish[j].at.line);
			dup = true;
		}
		if (dup)
			continue;
		d->publish = pd_grow(d->publish, &cap, d->npublish + 1, sizeof(*d->publish));
		d->publish[d->npublish++] = e;
	}
}

static const struct pd_keyspec net_keys[] = {
	{"mode", net_mode},
	{"allow", net_allow},
	{"deny", net_deny},
	{"publish", net_publish},
};

void pd_sec_network(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (!pd_want_map(c, val, "network"))
		return;
	pd_walk_map(c, val, "network", net_keys, ARRAY_SIZE(net_keys), NULL);
	const struct pd_net_rule *r = pd_first_allow(c->doc);
	if (c->doc->net_mode == POLICY_NET_NONE && r)
		pd_problem(c->ld, c->fname, r->at.line, r->at.col,
			   "network: allow entries need mode: egress");
	if (c->doc->net_mode == POLICY_NET_NONE && c->doc->npublish)
		pd_problem(c->ld, c->fname, c->doc->publish[0].at.line, c->doc->publish[0].at.col,
			   "network: publish entries need mode: egress");
}
