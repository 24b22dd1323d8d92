/* SPDX-License-Identifier: Apache-2.0 */
/* The syscalls section of a policy: extra denials, by name. The names and
 * their classes come from the syscall table (syscalls/table.h): this file
 * is the only one of policy/ that reads it, and only the CLI's compiler
 * uses it; the gofer and the sentry never link it in through policy.h. */
#include <stdint.h>
#include <string.h>

#include "common/util.h"
#include "policy/sections.h"
#include "syscalls/table.h"

/* ---- syscalls ---- */

static const char *const undeniable[] = {
	"exit", "exit_group", "rt_sigreturn", "restart_syscall", "runsc_loader",
};

static void syscall_unknown(struct pd_ctx *c, const struct ynode *n)
{
	size_t limit = strlen(n->s) / 3 + 1, best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; i < sc_table_len; i++) {
		size_t d = pd_distance(n->s, sc_table[i].name);
		if (d <= limit && d < best) {
			best = d;
			found = sc_table[i].name;
		}
	}
	struct pd_qbuf b;
	if (found)
		pd_err(c, n, "syscalls.deny: unknown syscall '%s' (did you mean '%s'?)",
		       pd_quote(&b, n->s), found);
	else
		pd_err(c, n, "syscalls.deny: unknown syscall '%s'", pd_quote(&b, n->s));
}

static void sc_deny(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!pd_want_seq(c, val, "syscalls.deny", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (!pd_want_string(c, n, "syscalls.deny"))
			continue;
		const struct sc_row *row = sc_lookup_name(n->s);
		if (!row) {
			syscall_unknown(c, n);
			continue;
		}
		bool bad = false;
		for (size_t k = 0; k < ARRAY_SIZE(undeniable); k++)
			bad |= strcmp(n->s, undeniable[k]) == 0;
		if (bad) {
			pd_err(c, n, "syscalls.deny: %s cannot be denied: every program needs it",
			       n->s);
			continue;
		}
		if (row->cls == SC_EXEC) {
			pd_err(c, n,
			       "syscalls.deny: %s cannot be denied: restrict it with exec.allow "
			       "and exec.deny",
			       n->s);
			continue;
		}
		struct pd_item *it = pd_list_add(&c->doc->sc_deny);
		it->text = xstrdup(n->s);
		it->nr = row->nr;
		it->at = pd_at(c, n);
	}
}

static const struct pd_keyspec sc_keys[] = {{"deny", sc_deny}};

void pd_sec_syscalls(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (pd_want_map(c, val, "syscalls"))
		pd_walk_map(c, val, "syscalls", sc_keys, ARRAY_SIZE(sc_keys), NULL);
}
