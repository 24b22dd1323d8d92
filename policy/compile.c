/* SPDX-License-Identifier: Apache-2.0 */
/* The effective policy compiled into the flat blob of policy/policy.h,
 * which the gofer and the sentry load without parsing YAML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "policy/compile.h"
#include "policy/doc.h"
#include "policy/policy.h"

struct blob_builder {
	struct policy_rule *rules;
	size_t nrules, caprules;
	struct policy_syscall *sc;
	size_t nsc, capsc;
	struct policy_env *env;
	size_t nenv, capenv;
	struct policy_net_rule *net;
	size_t nnet, capnet;
	struct policy_publish *pub;
	size_t npub;
	char *str;
	size_t nstr, capstr;
	uint32_t *file_off;
	uint32_t kind_count[POLICY_RULE_NKINDS];
	bool too_big;
};

static uint32_t bb_str(struct blob_builder *b, const char *s)
{
	if (!*s)
		return 0;
	size_t n = strlen(s) + 1;
	if (b->nstr + n > POLICY_BLOB_MAX) {
		b->too_big = true;
		return 0;
	}
	b->str = pd_grow(b->str, &b->capstr, b->nstr + n, 1);
	memcpy(b->str + b->nstr, s, n);
	uint32_t off = (uint32_t)b->nstr;
	b->nstr += n;
	return off;
}

static struct policy_origin bb_origin(const struct blob_builder *b, const struct pd_origin *o)
{
	return (struct policy_origin){
		.file = b->file_off[o->file], .line = o->line, .column = o->col};
}

static void bb_rule(struct blob_builder *b, enum policy_rule_kind kind, int access, int flags,
		    const char *glob, const char *text, const struct pd_origin *o)
{
	if (b->nrules >= POLICY_BLOB_MAX / sizeof(struct policy_rule)) {
		b->too_big = true;
		return;
	}
	b->rules = pd_grow(b->rules, &b->caprules, b->nrules + 1, sizeof(*b->rules));
	b->rules[b->nrules++] = (struct policy_rule){
		.kind = (uint8_t)kind,
		.access = (uint8_t)access,
		.flags = (uint16_t)flags,
		.glob = bb_str(b, glob),
		.text = bb_str(b, text),
		.origin = bb_origin(b, o),
	};
	b->kind_count[kind]++;
}

static int canon(const struct policy_root *root, const char *text, bool follow, char **out)
{
	if (!root) {
		*out = xstrdup(text);
		return 0;
	}
	return policy_canon_glob(root, text, follow, out);
}

/* A rule naming a symlink holds for the link's own path too (unlink,
 * rename, lstat of the link), as an alias record before the main one. */
static int bb_file_rules(struct blob_builder *b, const struct policy_doc *d,
			 const struct policy_root *root)
{
	for (size_t i = 0; i < d->fs.n; i++) {
		const struct pd_item *it = &d->fs.v[i];
		char *follow = NULL, *own = NULL;
		int r = canon(root, it->text, true, &follow);
		if (r == 0)
			r = canon(root, it->text, false, &own);
		if (r == 0 && strcmp(follow, own) != 0)
			bb_rule(b, POLICY_RULE_FILE, it->access, POLICY_RULE_F_ALIAS, own, it->text,
				&it->at);
		if (r == 0)
			bb_rule(b, POLICY_RULE_FILE, it->access, 0, follow, it->text, &it->at);
		free(follow);
		free(own);
		if (r < 0)
			return r;
	}
	return 0;
}

static int bb_glob_rules(struct blob_builder *b, const struct pd_list *l,
			 enum policy_rule_kind kind, int access, bool follow,
			 const struct policy_root *root)
{
	for (size_t i = 0; i < l->n; i++) {
		char *g;
		int r = canon(root, l->v[i].text, follow, &g);
		if (r < 0)
			return r;
		bb_rule(b, kind, access, 0, g, l->v[i].text, &l->v[i].at);
		free(g);
	}
	return 0;
}

static void bb_syscalls(struct blob_builder *b, const struct policy_doc *d)
{
	for (size_t i = 0; i < d->sc_deny.n; i++) {
		const struct pd_item *it = &d->sc_deny.v[i];
		bool dup = false;
		for (size_t k = 0; k < b->nsc && !dup; k++)
			dup = b->sc[k].nr == (uint32_t)it->nr;
		if (dup)
			continue;
		b->sc = pd_grow(b->sc, &b->capsc, b->nsc + 1, sizeof(*b->sc));
		b->sc[b->nsc++] = (struct policy_syscall){.nr = (uint32_t)it->nr,
							  .origin = bb_origin(b, &it->at)};
	}
}

static void bb_env(struct blob_builder *b, const struct pd_list *l, enum policy_env_kind kind)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct pd_item *it = &l->v[i];
		b->env = pd_grow(b->env, &b->capenv, b->nenv + 1, sizeof(*b->env));
		b->env[b->nenv++] = (struct policy_env){
			.kind = kind,
			.name = bb_str(b, it->text),
			.value = bb_str(b, it->value ? it->value : ""),
			.origin = bb_origin(b, &it->at),
		};
	}
}

static void bb_net(struct blob_builder *b, const struct policy_doc *d)
{
	for (size_t i = 0; i < d->nnet; i++) {
		const struct pd_net_rule *r = &d->net[i];
		struct pd_port_range all = {1, 65535};
		size_t n = r->nports ? r->nports : 1;
		for (size_t k = 0; k < n; k++) {
			const struct pd_port_range *pr = r->nports ? &r->ports[k] : &all;
			struct policy_net_rule nr = {
				.kind = r->host ? POLICY_NET_HOST : POLICY_NET_CIDR,
				.family = r->host ? 0 : r->family,
				.prefix_len = r->host ? 0 : r->prefix,
				.flags = (r->wildcard ? POLICY_NET_F_WILDCARD : 0) |
					 (r->deny ? POLICY_NET_F_DENY : 0),
				.port_lo = pr->lo,
				.port_hi = pr->hi,
				.host = r->host ? bb_str(b, r->host) : 0,
				.origin = bb_origin(b, &r->at),
			};
			if (!r->host)
				memcpy(nr.addr, r->addr, sizeof(nr.addr));
			b->net = pd_grow(b->net, &b->capnet, b->nnet + 1, sizeof(*b->net));
			b->net[b->nnet++] = nr;
		}
	}
}

static void bb_publish(struct blob_builder *b, const struct policy_doc *d)
{
	if (d->net_mode != POLICY_NET_EGRESS || !d->npublish)
		return;
	b->pub = xcalloc(d->npublish, sizeof(*b->pub));
	for (size_t i = 0; i < d->npublish; i++) {
		const struct publish *p = &d->publish[i].p;
		struct policy_publish *out = &b->pub[b->npub++];
		out->proto = p->proto;
		out->family = p->family;
		out->host_port = p->host_port;
		out->guest_port = p->guest_port;
		memcpy(out->addr, p->addr, sizeof(out->addr));
		out->origin = bb_origin(b, &d->publish[i].at);
	}
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void bb_free(struct blob_builder *b)
{
	free(b->rules);
	free(b->sc);
	free(b->env);
	free(b->net);
	free(b->pub);
	free(b->str);
	free(b->file_off);
}

static int bb_fill(struct blob_builder *b, const struct policy_doc *d,
		   const struct policy_root *root)
{
	b->str = pd_grow(NULL, &b->capstr, 1, 1);
	b->str[0] = '\0';
	b->nstr = 1;
	b->file_off = xcalloc(d->nfiles ? d->nfiles : 1, sizeof(uint32_t));
	for (size_t i = 0; i < d->nfiles; i++)
		b->file_off[i] = bb_str(b, d->files[i]);

	int r = bb_file_rules(b, d, root);
	if (r == 0)
		r = bb_glob_rules(b, &d->hidden, POLICY_RULE_HIDDEN, POLICY_ACCESS_HIDDEN, false,
				  root);
	if (r == 0)
		r = bb_glob_rules(b, &d->tmpfs, POLICY_RULE_TMPFS, 0, true, root);
	if (r == 0)
		r = bb_glob_rules(b, &d->exec_allow, POLICY_RULE_EXEC_ALLOW, 0, true, root);
	if (r == 0)
		r = bb_glob_rules(b, &d->exec_deny, POLICY_RULE_EXEC_DENY, 0, true, root);
	if (r < 0)
		return r;
	if (d->exec_allow_set)
		bb_rule(b, POLICY_RULE_EXEC_ALLOWLIST, 0, 0, "", "exec.allow", &d->exec_allow_at);
	bb_syscalls(b, d);
	bb_env(b, &d->env_pass, POLICY_ENV_PASS);
	bb_env(b, &d->env_set, POLICY_ENV_SET);
	bb_net(b, d);
	bb_publish(b, d);
	return b->too_big ? -E2BIG : 0;
}

int policy_compile(const struct policy_doc *d, const struct policy_root *root, void **blob,
		   size_t *len)
{
	*blob = NULL;
	*len = 0;
	struct blob_builder b = {0};
	uint32_t name = 0;
	int r = bb_fill(&b, d, root);
	if (r == 0)
		name = bb_str(&b, d->name ? d->name : "");

	struct policy_header h = {
		.magic = POLICY_MAGIC,
		.version = POLICY_VERSION,
		.header_size = sizeof(h),
		.flags = (d->audit_denied ? POLICY_F_AUDIT_DENIED : 0) |
			 (d->audit_allowed == 1 ? POLICY_F_AUDIT_ALLOWED : 0),
		.name = name,
		.net_mode = d->net_mode == POLICY_NET_EGRESS ? POLICY_NET_EGRESS : POLICY_NET_NONE,
		.env_pass_count = (uint32_t)d->env_pass.n,
	};
	size_t off = sizeof(h);
	struct {
		struct policy_section *sec;
		size_t count, size;
	} secs[] = {
		{&h.rules, b.nrules, sizeof(struct policy_rule)},
		{&h.syscalls, b.nsc, sizeof(struct policy_syscall)},
		{&h.env, b.nenv, sizeof(struct policy_env)},
		{&h.net, b.nnet, sizeof(struct policy_net_rule)},
		{&h.publish, b.npub, sizeof(struct policy_publish)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		secs[i].sec->off = (uint32_t)off;
		secs[i].sec->count = (uint32_t)secs[i].count;
		off = align8(off + secs[i].count * secs[i].size);
		if (off > POLICY_BLOB_MAX)
			r = r ? r : -E2BIG;
	}
	h.strings_off = (uint32_t)off;
	h.strings_size = (uint32_t)b.nstr;
	off += b.nstr;
	if (r == 0 && off > POLICY_BLOB_MAX)
		r = -E2BIG;
	if (r < 0) {
		bb_free(&b);
		return r;
	}
	h.total_size = (uint32_t)off;
	memcpy(h.rule_count, b.kind_count, sizeof(h.rule_count));
	for (size_t k = 0; k < RES_N; k++) {
		if (d->res_set & (1u << k))
			h.resources.set |= 1u << k;
	}
	h.resources.memory_bytes = d->res[RES_MEMORY];
	h.resources.pids = d->res[RES_PIDS];
	h.resources.cpu_millicores = d->res[RES_CPU];
	h.resources.timeout_ms = d->res[RES_TIMEOUT];
	h.resources.disk_bytes = d->res[RES_DISK];

	uint8_t *out = xcalloc(1, off);
	memcpy(out, &h, sizeof(h));
	if (b.nrules)
		memcpy(out + h.rules.off, b.rules, b.nrules * sizeof(*b.rules));
	if (b.nsc)
		memcpy(out + h.syscalls.off, b.sc, b.nsc * sizeof(*b.sc));
	if (b.nenv)
		memcpy(out + h.env.off, b.env, b.nenv * sizeof(*b.env));
	if (b.nnet)
		memcpy(out + h.net.off, b.net, b.nnet * sizeof(*b.net));
	if (b.npub)
		memcpy(out + h.publish.off, b.pub, b.npub * sizeof(*b.pub));
	memcpy(out + h.strings_off, b.str, b.nstr);
	bb_free(&b);
	r = policy_blob_validate(out, off);
	if (r < 0) {
		free(out);
		return r;
	}
	*blob = out;
	*len = off;
	return 0;
}
