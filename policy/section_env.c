/* SPDX-License-Identifier: Apache-2.0 */
/* The env and audit sections of a policy: the variables that pass or are
 * set, and which decisions are written to the audit log. */
#include <string.h>

#include "common/util.h"
#include "policy/policy.h"
#include "policy/sections.h"

/* ---- env ---- */

static void env_pass(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!pd_want_seq(c, val, "env.pass", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		struct pd_qbuf b;
		if (!pd_want_string(c, n, "env.pass"))
			continue;
		if (!policy_env_name_valid(n->s, strlen(n->s), true)) {
			pd_err(c, n,
			       "env.pass: '%s' is not a variable name (letters, digits, '_', "
			       "and '*' as a wildcard)",
			       pd_quote(&b, n->s));
			continue;
		}
		struct pd_item *it = pd_list_add(&c->doc->env_pass);
		it->text = xstrdup(n->s);
		it->at = pd_at(c, n);
	}
}

static void env_set(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (!pd_want_map(c, val, "env.set"))
		return;
	struct pd_list *l = &c->doc->env_set;
	size_t first = l->n;
	for (size_t i = 0; i + 1 < val->n && !c->ld->stop; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];
		struct pd_qbuf b;
		if (i / 2 >= PD_LIST_MAX) {
			pd_err(c, k, "env.set: more than %u entries", PD_LIST_MAX);
			break;
		}
		if (k->type != Y_SCALAR || !policy_env_name_valid(k->s, strlen(k->s), false)) {
			pd_err(c, k,
			       "env.set: '%s' is not a variable name (letters, digits and '_')",
			       k->type == Y_SCALAR ? pd_quote(&b, k->s) : yn_type_name(k));
			continue;
		}
		if (!pd_want_string(c, v, "env.set"))
			continue;
		bool dup = false;
		for (size_t j = first; j < l->n && !dup; j++) {
			if (strcmp(l->v[j].text, k->s) == 0) {
				pd_err(c, k, "duplicate key '%s' (first at line %u, column %u)",
				       k->s, l->v[j].at.line, l->v[j].at.col);
				dup = true;
			}
		}
		if (dup)
			continue;
		struct pd_item *it = pd_list_add(l);
		it->text = xstrdup(k->s);
		it->value = xstrdup(v->s);
		it->at = pd_at(c, k);
	}
}

static const struct pd_keyspec env_keys[] = {{"pass", env_pass}, {"set", env_set}};

void pd_sec_env(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (pd_want_map(c, val, "env"))
		pd_walk_map(c, val, "env", env_keys, ARRAY_SIZE(env_keys), NULL);
}

/* ---- audit ---- */

static void audit_denied(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			 void *arg)
{
	(void)arg;
	if (pd_want_bool(c, val, "audit.denied", &c->doc->audit_denied))
		c->doc->audit_at[0] = pd_at(c, key);
}

static void audit_allowed(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			  void *arg)
{
	(void)arg;
	if (pd_want_bool(c, val, "audit.allowed", &c->doc->audit_allowed))
		c->doc->audit_at[1] = pd_at(c, key);
}

static const struct pd_keyspec audit_keys[] = {{"denied", audit_denied},
					       {"allowed", audit_allowed}};

void pd_sec_audit(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (pd_want_map(c, val, "audit"))
		pd_walk_map(c, val, "audit", audit_keys, ARRAY_SIZE(audit_keys), NULL);
}
