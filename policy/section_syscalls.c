/* SPDX-License-Identifier: Apache-2.0 */
/* The syscalls section of a policy: extra denials, by name. The names and
 * their classes come from the syscall table (syscalls/table.h). This file
 * is the one place in policy/ that reads it: only the compiler needs it
 * (the blob holds numbers), and the policy's tests and fuzz target rely on
 * that table's symbols (the fuzz target links a few rows of its own). */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "policy/sections.h"
#include "syscalls/table.h"

static const char *const undeniable[] = {
	"exit", "exit_group", "rt_sigreturn", "restart_syscall", "runsc_loader",
};

static void syscall_unknown(struct pd_ctx *c, const struct ynode *n)
{
	const char **names = xcalloc(sc_table_len, sizeof(*names));
	for (size_t i = 0; i < sc_table_len; i++)
		names[i] = sc_table[i].name;
	const char *found = pd_suggest(n->s, names, sc_table_len);
	free(names);
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
