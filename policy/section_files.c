/* SPDX-License-Identifier: Apache-2.0 */
/* The file-system sections of a policy: filesystem, hidden, tmpfs and
 * exec, all lists of globs. */
#include <string.h>

#include "common/util.h"
#include "policy/policy.h"
#include "policy/sections.h"

/* ---- paths ---- */

static bool want_glob(struct pd_ctx *c, const struct ynode *n, const char *what)
{
	if (!pd_want_string(c, n, what))
		return false;
	const char *why;
	struct pd_qbuf b;
	if (policy_glob_check(n->s, &why) < 0) {
		pd_err(c, n, "%s: bad path '%s': %s", what, pd_quote(&b, n->s), why);
		return false;
	}
	return true;
}

static void glob_list(struct pd_ctx *c, const struct ynode *val, const char *what,
		      struct pd_list *l, bool literal)
{
	size_t count;
	if (!pd_want_seq(c, val, what, &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (!want_glob(c, n, what))
			continue;
		struct pd_qbuf b;
		if (literal && !policy_glob_component_is_literal(n->s, strlen(n->s))) {
			pd_err(c, n, "%s: '%s' must be a plain path, without wildcards", what,
			       pd_quote(&b, n->s));
			continue;
		}
		if (literal && strcmp(n->s, "/") == 0) {
			pd_err(c, n, "%s: not the root itself", what);
			continue;
		}
		if (!literal && l == &c->doc->hidden && policy_glob_match(n->s, "/")) {
			pd_err(c, n, "%s: '%s' would hide the root and everything in it", what,
			       pd_quote(&b, n->s));
			continue;
		}
		struct pd_item *it = pd_list_add(l);
		it->text = xstrdup(n->s);
		it->at = pd_at(c, n);
	}
}

/* filesystem: [{path, access}] */

struct fs_rule {
	const struct ynode *path, *access;
	int access_val;
	bool ok;
};

static void fs_path(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct fs_rule *r = arg;
	r->path = val;
	if (!want_glob(c, val, "path"))
		r->ok = false;
}

static void fs_access(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct fs_rule *r = arg;
	r->access = val;
	struct pd_qbuf b;
	if (!pd_want_string(c, val, "access")) {
		r->ok = false;
	} else if (strcmp(val->s, "none") == 0) {
		r->access_val = POLICY_ACCESS_NONE;
	} else if (strcmp(val->s, "read") == 0) {
		r->access_val = POLICY_ACCESS_READ;
	} else if (strcmp(val->s, "write") == 0) {
		r->access_val = POLICY_ACCESS_WRITE;
	} else if (strcmp(val->s, "hidden") == 0) {
		pd_err(c, val,
		       "access: expected none, read or write (a path is hidden by listing it "
		       "under hidden:)");
		r->ok = false;
	} else {
		pd_err(c, val, "access: expected none, read or write, got '%s'",
		       pd_quote(&b, val->s));
		r->ok = false;
	}
}

static const struct pd_keyspec fs_keys[] = {{"path", fs_path}, {"access", fs_access}};

void pd_sec_filesystem(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		       void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!pd_want_seq(c, val, "filesystem", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (n->type != Y_MAP) {
			pd_err(c, n,
			       "filesystem: each rule is a mapping with path and access, got %s",
			       yn_got(n));
			continue;
		}
		struct fs_rule r = {.ok = true};
		pd_walk_map(c, n, "a filesystem rule", fs_keys, ARRAY_SIZE(fs_keys), &r);
		if (!r.path)
			pd_err(c, n, "a filesystem rule without path");
		if (!r.access)
			pd_err(c, n, "a filesystem rule without access (none, read or write)");
		if (!r.ok || !r.path || !r.access)
			continue;
		struct pd_item *it = pd_list_add(&c->doc->fs);
		it->text = xstrdup(r.path->s);
		it->access = (uint8_t)r.access_val;
		it->at = pd_at(c, n);
	}
}

void pd_sec_hidden(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "hidden", &c->doc->hidden, false);
}

void pd_sec_tmpfs(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "tmpfs", &c->doc->tmpfs, true);
}

/* exec: {allow, deny} */

static void exec_allow(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		       void *arg)
{
	(void)arg;
	/* "allow:" with no value is absent, like an empty section; only an
	 * explicit empty list allows nothing. */
	if (yn_is_null(val))
		return;
	c->doc->exec_allow_set = true;
	c->doc->exec_allow_at = pd_at(c, key);
	glob_list(c, val, "exec.allow", &c->doc->exec_allow, false);
}

static void exec_deny(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "exec.deny", &c->doc->exec_deny, false);
}

static const struct pd_keyspec exec_keys[] = {{"allow", exec_allow}, {"deny", exec_deny}};

void pd_sec_exec(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (pd_want_map(c, val, "exec"))
		pd_walk_map(c, val, "exec", exec_keys, ARRAY_SIZE(exec_keys), NULL);
}
