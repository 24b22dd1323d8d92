/* SPDX-License-Identifier: Apache-2.0 */
/* The network decision with names: a connection to an address no cidr
 * entry decides is allowed when a host entry matches a name the sandbox's
 * resolver bound to that address (common/dns_bind.h). Pure code: reads the
 * table, no syscalls. */
#include <stdio.h>
#include <string.h>

#include "common/dns_bind.h"
#include "policy/policy.h"

struct bound_walk {
	const struct policy_view *pv;
	uint16_t port;
	bool decide; /* look for a host entry that allows; else only a name */
	uint32_t rule;
	char *host;
	size_t host_size;
};

static void put_host(struct bound_walk *w, const char *name, bool replace)
{
	if (w->host && w->host_size && (replace || !w->host[0]))
		snprintf(w->host, w->host_size, "%s", name);
}

static bool bound_name(const char *name, void *arg)
{
	struct bound_walk *w = arg;
	put_host(w, name, false);
	if (!w->decide)
		return true;
	uint32_t r;
	if (!policy_net_host_allows(w->pv, name, w->port, &r))
		return false;
	w->rule = r;
	put_host(w, name, true);
	return true;
}

bool policy_net_allows_bound(const struct policy_view *pv, const struct dns_bind_table *table,
			     size_t t_size, int family, const uint8_t *addr, uint16_t port,
			     uint64_t now_ns, uint32_t *rule, char *host, size_t host_size)
{
	uint32_t r;
	if (host && host_size)
		host[0] = '\0';
	bool ok = policy_net_allows(pv, family, addr, port, &r);
	if (rule)
		*rule = r;
	if (!table)
		return ok;
	policy_addr_unmap(&family, &addr);
	struct bound_walk w = {.pv = pv, .port = port, .host = host, .host_size = host_size};
	if (ok || r != POLICY_NO_RULE || !policy_net_addr_bindable(pv, family, addr)) {
		/* Decided by a cidr entry (or never by a name): the name only
		 * goes to the audit record. */
		dns_bind_lookup(table, t_size, family, addr, now_ns, bound_name, &w);
		return ok;
	}
	w.decide = true;
	if (!dns_bind_lookup(table, t_size, family, addr, now_ns, bound_name, &w))
		return false;
	if (rule)
		*rule = w.rule;
	return true;
}
