/* SPDX-License-Identifier: Apache-2.0 */
/* The top level of a policy file: apiVersion, kind, name, description,
 * extends, and the table of sections whose parsers live in section_*.c. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "policy/sections.h"

#define NAME_MAX_LEN 64

/* ---- the top level ---- */

bool pd_valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_LEN ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* A file's base name as a default name, when it is a valid one. */
bool pd_valid_name_n(const char *s, size_t n)
{
	char buf[NAME_MAX_LEN + 1];
	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return pd_valid_name(buf);
}

static void top_api(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct pd_qbuf b;
	if (pd_want_string(c, val, "apiVersion") && strcmp(val->s, POLICY_API_VERSION) != 0)
		pd_err(c, val, "apiVersion: expected %s, got '%s'", POLICY_API_VERSION,
		       pd_quote(&b, val->s));
}

static void top_kind(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct pd_qbuf b;
	if (pd_want_string(c, val, "kind") && strcmp(val->s, "Policy") != 0)
		pd_err(c, val, "kind: expected Policy, got '%s'", pd_quote(&b, val->s));
}

static void top_name(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct pd_qbuf b;
	if (!pd_want_string(c, val, "name"))
		return;
	if (!pd_valid_name(val->s)) {
		pd_err(c, val,
		       "name: '%s' is not a profile name (1 to 64 of a-z, 0-9, '.', '_', '-', "
		       "starting with a letter or digit)",
		       pd_quote(&b, val->s));
		return;
	}
	free(c->doc->name);
	c->doc->name = xstrdup(val->s);
}

static void top_description(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			    void *arg)
{
	(void)key;
	(void)arg;
	if (!pd_want_string(c, val, "description"))
		return;
	free(c->doc->description);
	c->doc->description = xstrdup(val->s);
}

static void top_extends(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			void *arg)
{
	(void)key;
	(void)arg;
	if (!pd_want_string(c, val, "extends"))
		return;
	c->doc->extends = xstrdup(val->s);
	c->doc->extends_at = pd_at(c, val);
}

static const struct pd_keyspec top_keys[] = {
	{"apiVersion", top_api},
	{"kind", top_kind},
	{"name", top_name},
	{"description", top_description},
	{"extends", top_extends},
	{"filesystem", pd_sec_filesystem},
	{"hidden", pd_sec_hidden},
	{"tmpfs", pd_sec_tmpfs},
	{"exec", pd_sec_exec},
	{"network", pd_sec_network},
	{"resources", pd_sec_resources},
	{"syscalls", pd_sec_syscalls},
	{"env", pd_sec_env},
	{"audit", pd_sec_audit},
};

_Static_assert(ARRAY_SIZE(top_keys) <= PD_KEYS_MAX, "pd_walk_map tracks at most PD_KEYS_MAX keys");

void pd_walk_top(struct pd_ctx *c, const struct ynode *root)
{
	if (root->type != Y_MAP) {
		pd_err(c, root, "a policy is a mapping (apiVersion, kind, filesystem, ...), got %s",
		       yn_got(root));
		return;
	}
	uint32_t seen = pd_walk_map(c, root, "the policy", top_keys, ARRAY_SIZE(top_keys), NULL);
	if (c->ld->stop)
		return;
	if (!(seen & 1u))
		pd_err(c, root, "missing apiVersion (%s)", POLICY_API_VERSION);
	if (!(seen & 2u))
		pd_err(c, root, "missing kind (Policy)");
}
