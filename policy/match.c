/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled policy's decisions: the glob matcher (see policy.h for the
 * syntax), the checks of paths and globs, and what the rules of a view say
 * about a path, an exec or a connection. Pure code: no syscalls, no
 * allocation. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/policy.h"

/* ---- glob matching ---- */

/* A span of a path or glob: one component, without slashes. */
struct span {
	const char *s;
	size_t n;
};

/* Reads the component starting at *p (which points at '/' or at the end)
 * and advances *p past it. False at the end. Empty components ("//") are
 * skipped; canonical paths and checked globs have none. */
static bool next_component(const char **p, struct span *out)
{
	const char *s = *p;
	while (*s == '/')
		s++;
	if (*s == '\0') {
		*p = s;
		return false;
	}
	const char *e = s;
	while (*e != '\0' && *e != '/')
		e++;
	out->s = s;
	out->n = (size_t)(e - s);
	*p = e;
	return true;
}

static bool is_globstar(const struct span *c)
{
	return c->n == 2 && c->s[0] == '*' && c->s[1] == '*';
}

/* One component against one name: '*' any run, '?' one byte, '\c' the byte
 * c. The classic two-pointer match with one backtrack point: O(n*m) at
 * worst, no recursion. */
static bool component_match(const struct span *pat, const struct span *name)
{
	size_t pi = 0, ni = 0;
	size_t star_pi = SIZE_MAX, star_ni = 0;

	while (ni < name->n) {
		if (pi < pat->n && pat->s[pi] == '*') {
			star_pi = ++pi;
			star_ni = ni;
			continue;
		}
		if (pi < pat->n) {
			char c = pat->s[pi];
			size_t step = 1;
			bool any = c == '?';
			if (c == '\\' && pi + 1 < pat->n) {
				c = pat->s[pi + 1];
				step = 2;
			}
			if (any || c == name->s[ni]) {
				pi += step;
				ni++;
				continue;
			}
		}
		if (star_pi == SIZE_MAX)
			return false;
		pi = star_pi;
		ni = ++star_ni;
	}
	while (pi < pat->n && pat->s[pi] == '*')
		pi++;
	return pi == pat->n;
}

/* The same algorithm one level up: components are the elements and "**"
 * the star. With prefix, running out of glob components while the path
 * has more is a match (an implicit trailing "**"). */
/* Matches the components of path against glob, backtracking into the last
 * "**". Returns 0 when path is used up (*g_rest: what is left of the glob,
 * *star_seen: a "**" was passed), 1 when the glob ran out first and prefix
 * matching was asked for, -1 when they cannot match. */
static int glob_walk(const char *glob, const char *path, bool prefix, const char **g_rest,
		     bool *star_seen)
{
	const char *g = glob, *p = path;
	const char *star_g = NULL, *star_p = NULL;
	struct span gc, pc;

	for (;;) {
		const char *g_next = g, *p_next = p;
		if (!next_component(&p_next, &pc))
			break;
		bool have_g = next_component(&g_next, &gc);
		if (have_g && is_globstar(&gc)) {
			star_g = g_next;
			star_p = p;
			g = g_next;
			continue;
		}
		if (have_g && component_match(&gc, &pc)) {
			g = g_next;
			p = p_next;
			continue;
		}
		if (!have_g && prefix)
			return 1;
		if (!star_g)
			return -1;
		/* Let the last "**" take one more component and retry. */
		const char *sp = star_p;
		next_component(&sp, &pc);
		star_p = sp;
		p = sp;
		g = star_g;
	}
	*g_rest = g;
	*star_seen = star_g != NULL;
	return 0;
}

static bool glob_match(const char *glob, const char *path, bool prefix)
{
	const char *g;
	bool star;
	struct span gc;
	int r = glob_walk(glob, path, prefix, &g, &star);
	if (r != 0)
		return r > 0;
	/* The path is used up: what is left of the glob must be "**" only. */
	while (next_component(&g, &gc)) {
		if (!is_globstar(&gc))
			return false;
	}
	return true;
}

/* For a directory: once its components are used up, any glob component
 * left can be matched by a name below it, and a "**" already passed can
 * take one more component of the directory and leave the glob's last
 * component for a name below. */
bool policy_glob_may_match_below(const char *glob, const char *dir)
{
	const char *g;
	bool star;
	struct span gc;
	if (glob_walk(glob, dir, false, &g, &star) != 0)
		return false;
	return next_component(&g, &gc) || star;
}

bool policy_glob_match(const char *glob, const char *path)
{
	return glob_match(glob, path, false);
}

bool policy_glob_match_prefix(const char *glob, const char *path)
{
	return glob_match(glob, path, true);
}

bool policy_path_is_canonical(const char *path)
{
	if (path[0] != '/')
		return false;
	size_t len = strnlen(path, POLICY_PATH_MAX);
	if (len >= POLICY_PATH_MAX)
		return false;
	if (len == 1)
		return true;
	if (path[len - 1] == '/')
		return false;
	const char *p = path;
	while (*p) {
		/* p points at a '/': the component follows. */
		const char *s = p + 1;
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0)
			return false;
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		p = e;
	}
	return true;
}

bool policy_glob_component_is_literal(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '*' || s[i] == '?' || s[i] == '\\')
			return false;
	}
	return true;
}

static int glob_fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

static int glob_check_component(const char *s, size_t n, const char **why)
{
	if (n == 1 && s[0] == '.')
		return glob_fail(why, "a '.' component (write the path without it)");
	if (n == 2 && s[0] == '.' && s[1] == '.')
		return glob_fail(why, "a '..' component (rules name resolved paths)");
	if (n == 2 && s[0] == '*' && s[1] == '*')
		return 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			if (i + 1 == n)
				return glob_fail(why,
						 "'\\' at the end of a component escapes nothing");
			i++;
			break;
		case '*':
			if (i + 1 < n && s[i + 1] == '*')
				return glob_fail(why, "'**' must be a whole path component");
			break;
		case '[':
		case ']':
		case '{':
		case '}':
			return glob_fail(why, "'[', ']', '{' and '}' are reserved; escape them "
					      "with '\\' to match the character");
		default:
			break;
		}
	}
	return 0;
}

int policy_glob_check(const char *glob, const char **why)
{
	size_t len = strnlen(glob, POLICY_PATH_MAX);
	if (len == 0)
		return glob_fail(why, "an empty path");
	if (len >= POLICY_PATH_MAX)
		return glob_fail(why, "a path longer than 4095 bytes");
	if (glob[0] != '/')
		return glob_fail(why, "a path must be absolute (start with '/')");
	if (len > 1 && glob[len - 1] == '/')
		return glob_fail(why, "a trailing '/' (write /dir for the directory, /dir/** "
				      "for it and everything below)");
	const char *p = glob;
	while (*p) {
		const char *s = p + 1;
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0 && *e == '/')
			return glob_fail(why, "an empty path component ('//')");
		int r = glob_check_component(s, n, why);
		if (r < 0)
			return r;
		p = e;
	}
	return 0;
}

bool policy_env_name_valid(const char *s, size_t len, bool wildcards)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || (wildcards && ch == '*');
		if (!ok)
			return false;
	}
	return true;
}

bool policy_env_name_match(const char *pattern, const char *name)
{
	struct span pat = {pattern, strlen(pattern)};
	struct span nm = {name, strlen(name)};
	/* Names hold no '\\' or '?' that the parser lets through, so the
	 * component matcher is exactly '*'-matching here. */
	return component_match(&pat, &nm);
}

/* ---- decisions on a view ---- */

static void set_index(uint32_t *out, uint32_t v)
{
	if (out)
		*out = v;
}

/* The last rule of a kind whose glob matches, or POLICY_NO_RULE. */
static uint32_t last_match(const struct policy_view *pv, enum policy_rule_kind kind,
			   const char *path, bool prefix)
{
	uint32_t first = pv->first[kind];
	for (uint32_t i = pv->hdr->rule_count[kind]; i > 0; i--) {
		uint32_t idx = first + i - 1;
		if (glob_match(pv->strings + pv->rules[idx].glob, path, prefix))
			return idx;
	}
	return POLICY_NO_RULE;
}

bool policy_path_hidden(const struct policy_view *pv, const char *resolved_path,
			uint32_t *rule_index)
{
	set_index(rule_index, POLICY_NO_RULE);
	if (!policy_path_is_canonical(resolved_path))
		return false;
	uint32_t idx = last_match(pv, POLICY_RULE_HIDDEN, resolved_path, true);
	set_index(rule_index, idx);
	return idx != POLICY_NO_RULE;
}

enum policy_access policy_file_access(const struct policy_view *pv, const char *resolved_path,
				      uint32_t *rule_index)
{
	set_index(rule_index, POLICY_NO_RULE);
	if (!policy_path_is_canonical(resolved_path))
		return POLICY_ACCESS_NONE;
	uint32_t idx = last_match(pv, POLICY_RULE_HIDDEN, resolved_path, true);
	if (idx != POLICY_NO_RULE) {
		set_index(rule_index, idx);
		return POLICY_ACCESS_HIDDEN;
	}
	idx = last_match(pv, POLICY_RULE_FILE, resolved_path, false);
	if (idx == POLICY_NO_RULE)
		return POLICY_ACCESS_UNSET;
	set_index(rule_index, idx);
	return (enum policy_access)pv->rules[idx].access;
}

bool policy_exec_allowed(const struct policy_view *pv, const char *resolved_path,
			 uint32_t *rule_index)
{
	set_index(rule_index, POLICY_NO_RULE);
	if (!policy_path_is_canonical(resolved_path))
		return false;
	uint32_t idx = last_match(pv, POLICY_RULE_EXEC_DENY, resolved_path, false);
	if (idx != POLICY_NO_RULE) {
		set_index(rule_index, idx);
		return false;
	}
	if (pv->hdr->rule_count[POLICY_RULE_EXEC_ALLOWLIST] == 0)
		return true;
	idx = last_match(pv, POLICY_RULE_EXEC_ALLOW, resolved_path, false);
	if (idx != POLICY_NO_RULE) {
		set_index(rule_index, idx);
		return true;
	}
	set_index(rule_index, pv->first[POLICY_RULE_EXEC_ALLOWLIST]);
	return false;
}

bool policy_env_pass_allows(const struct policy_view *pv, const char *name)
{
	for (uint32_t i = 0; i < pv->hdr->env_pass_count; i++) {
		if (policy_env_name_match(pv->strings + pv->env[i].name, name))
			return true;
	}
	return false;
}

/* ---- network ---- */

/* Whether the first bits of a and b agree. */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00 >> rest);
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool net_rule_matches(const struct policy_net_rule *n, int family, const uint8_t *addr,
			     uint16_t port)
{
	if (n->kind != POLICY_NET_CIDR || port < n->port_lo || port > n->port_hi)
		return false;
	if (n->family == family)
		return prefix_equal(n->addr, addr, n->prefix_len);
	/* A rule written as an IPv4-mapped range (::ffff:10.0.0.0/104) is the
	 * IPv4 range it maps: addresses are decided in their IPv4 form. */
	return family == AF_INET && n->family == AF_INET6 && n->prefix_len >= 96 &&
	       memcmp(n->addr, v4_mapped, sizeof(v4_mapped)) == 0 &&
	       prefix_equal(n->addr + 12, addr, n->prefix_len - 96u);
}

void policy_addr_unmap(int *family, const uint8_t **addr)
{
	if (*family == AF_INET6 && memcmp(*addr, v4_mapped, sizeof(v4_mapped)) == 0) {
		*family = AF_INET;
		*addr += sizeof(v4_mapped);
	}
}

bool policy_net_allows(const struct policy_view *pv, int family, const uint8_t *addr, uint16_t port,
		       uint32_t *rule)
{
	static const uint8_t ll4[4] = {169, 254, 0, 0};
	static const uint8_t ll6[16] = {0xfe, 0x80};
	set_index(rule, POLICY_NO_RULE);
	policy_addr_unmap(&family, &addr);
	if ((family != AF_INET && family != AF_INET6) || port == 0 ||
	    policy_net_mode(pv) != POLICY_NET_EGRESS)
		return false;
	const uint8_t *ll = family == AF_INET ? ll4 : ll6;
	unsigned ll_bits = family == AF_INET ? 16 : 10;
	bool link_local = prefix_equal(addr, ll, ll_bits);
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if ((n->flags & POLICY_NET_F_DENY) && net_rule_matches(n, family, addr, port)) {
			set_index(rule, i);
			return false;
		}
	}
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if ((n->flags & POLICY_NET_F_DENY) || !net_rule_matches(n, family, addr, port))
			continue;
		unsigned bits = n->family == family ? n->prefix_len : n->prefix_len - 96u;
		if (link_local && bits < ll_bits)
			continue; /* 0.0.0.0/0 does not name the link */
		set_index(rule, i);
		return true;
	}
	return false;
}

/* A host entry against a DNS name (lower case, no last dot): the name
 * itself, or for "*.example.com" any name below example.com. */
static bool host_rule_matches(const struct policy_view *pv, const struct policy_net_rule *n,
			      const char *name)
{
	if (n->kind != POLICY_NET_HOST)
		return false;
	const char *host = policy_string(pv, n->host);
	if (!(n->flags & POLICY_NET_F_WILDCARD))
		return strcmp(host, name) == 0;
	size_t hl = strlen(host), nl = strlen(name);
	return nl > hl + 1 && name[nl - hl - 1] == '.' && strcmp(name + nl - hl, host) == 0;
}

bool policy_net_name_allowed(const struct policy_view *pv, const char *name, uint32_t *rule)
{
	set_index(rule, POLICY_NO_RULE);
	if (policy_net_mode(pv) != POLICY_NET_EGRESS)
		return false;
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if ((n->flags & POLICY_NET_F_DENY) && host_rule_matches(pv, n, name)) {
			set_index(rule, i);
			return false;
		}
	}
	uint32_t every = POLICY_NO_RULE;
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if (n->flags & POLICY_NET_F_DENY)
			continue;
		if (host_rule_matches(pv, n, name)) {
			set_index(rule, i);
			return true;
		}
		if (n->kind == POLICY_NET_CIDR && n->prefix_len == 0 && every == POLICY_NO_RULE)
			every = i;
	}
	set_index(rule, every);
	return every != POLICY_NO_RULE;
}

bool policy_net_host_allows(const struct policy_view *pv, const char *name, uint16_t port,
			    uint32_t *rule)
{
	set_index(rule, POLICY_NO_RULE);
	if (policy_net_mode(pv) != POLICY_NET_EGRESS || port == 0)
		return false;
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if ((n->flags & POLICY_NET_F_DENY) && host_rule_matches(pv, n, name) &&
		    port >= n->port_lo && port <= n->port_hi) {
			set_index(rule, i);
			return false;
		}
	}
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *n = &pv->net[i];
		if (!(n->flags & POLICY_NET_F_DENY) && host_rule_matches(pv, n, name) &&
		    port >= n->port_lo && port <= n->port_hi) {
			set_index(rule, i);
			return true;
		}
	}
	return false;
}

/* Ranges a public name has no business resolving to (the targets of DNS
 * rebinding): this host, private and shared networks, link-local and
 * metadata, multicast and reserved. */
struct special_range {
	uint8_t addr[16];
	uint8_t bits;
};

static const struct special_range special4[] = {
	{{0}, 8},	  {{10}, 8},	   {{100, 64}, 10},   {{127}, 8},
	{{169, 254}, 16}, {{172, 16}, 12}, {{192, 0, 0}, 24}, {{192, 168}, 16},
	{{198, 18}, 15},  {{224}, 3}, /* multicast and 240/4 */
};

static const struct special_range special6[] = {
	{{0}, 127},	    /* :: and ::1 */
	{{0xfc}, 7},	    /* unique local */
	{{0xfe, 0x80}, 10}, /* link-local */
	{{0xfe, 0xc0}, 10}, /* site-local */
	{{0xff}, 8},	    /* multicast */
};

bool policy_net_addr_bindable(const struct policy_view *pv, int family, const uint8_t *addr)
{
	policy_addr_unmap(&family, &addr);
	const struct special_range *r = family == AF_INET ? special4 : special6;
	size_t n = family == AF_INET	? sizeof(special4) / sizeof(special4[0])
		   : family == AF_INET6 ? sizeof(special6) / sizeof(special6[0])
					: 0;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (prefix_equal(addr, r[i].addr, r[i].bits))
			return false;
	for (uint32_t i = 0; i < pv->hdr->net.count; i++) {
		const struct policy_net_rule *nr = &pv->net[i];
		/* A deny entry for every port: no answer may bind its range. */
		if ((nr->flags & POLICY_NET_F_DENY) && nr->kind == POLICY_NET_CIDR &&
		    nr->port_lo == 1 && nr->port_hi == 65535 &&
		    net_rule_matches(nr, family, addr, 1))
			return false;
	}
	return true;
}
