/* SPDX-License-Identifier: Apache-2.0 */
/* The service's config file (YAML, libyaml):
 *
 *	pool:
 *	  size: 4            # warm sandboxes of the default template
 *	max_sandboxes: 256   # running at once, the pool included
 *	template:            # what POST /sandboxes without policy/limits gets
 *	  policy: default
 *	  limits: {memory: 512M, pids: 1024, cpus: 1}
 *
 * Every problem names FILE:LINE:COLUMN. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"

struct cfg_ctx {
	const char *path;
	yaml_document_t *doc;
};

static int bad(const struct cfg_ctx *x, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(const struct cfg_ctx *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%zu:%zu: %s\n", x->path, n->start_mark.line + 1,
		n->start_mark.column + 1, msg);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int number(const struct cfg_ctx *x, const yaml_node_t *n, const char *what, unsigned max,
		  unsigned *out)
{
	const char *s = scalar(n);
	char *end;
	errno = 0;
	unsigned long v = s ? strtoul(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v > max || s[0] == '-')
		return bad(x, n, "%s: expected a number in 0..%u", what, max);
	*out = (unsigned)v;
	return 0;
}

/* A mapping's members: fn(key, value) for each. */
typedef int (*member_fn)(const struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
			 struct serve_config *cfg);

static int each(const struct cfg_ctx *x, yaml_node_t *map, const char *what, member_fn fn,
		struct serve_config *cfg)
{
	if (map->type != YAML_MAPPING_NODE)
		return bad(x, map, "%s: expected a mapping", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
		const char *key = scalar(k);
		if (!key)
			return bad(x, k, "%s: keys are names", what);
		if (fn(x, key, k, v, cfg) < 0)
			return -1;
	}
	return 0;
}

static int limit(const struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		 struct serve_config *cfg)
{
	char **slot = strcmp(key, "memory") == 0 ? &cfg->tmpl.memory
		      : strcmp(key, "pids") == 0 ? &cfg->tmpl.pids
		      : strcmp(key, "cpus") == 0 ? &cfg->tmpl.cpus
						 : NULL;
	if (!slot)
		return bad(x, k, "template.limits: unknown key '%s' (memory, pids, cpus)", key);
	const char *s = scalar(v);
	if (!s || !*s || s[0] == '-')
		return bad(x, v, "template.limits.%s: expected a value", key);
	free(*slot);
	*slot = xstrdup(s);
	return 0;
}

static int template_member(const struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
			   struct serve_config *cfg)
{
	if (strcmp(key, "policy") == 0) {
		const char *s = scalar(v);
		if (!s || !*s || s[0] == '-')
			return bad(x, v, "template.policy: expected a policy name or file");
		free(cfg->tmpl.policy);
		cfg->tmpl.policy = xstrdup(s);
		return 0;
	}
	if (strcmp(key, "limits") == 0)
		return each(x, v, "template.limits", limit, cfg);
	return bad(x, k, "template: unknown key '%s' (policy, limits)", key);
}

static int pool_member(const struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		       struct serve_config *cfg)
{
	if (strcmp(key, "size") == 0)
		return number(x, v, "pool.size", 1000, &cfg->pool_size);
	return bad(x, k, "pool: unknown key '%s' (size)", key);
}

static int top_member(const struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		      struct serve_config *cfg)
{
	if (strcmp(key, "pool") == 0)
		return each(x, v, "pool", pool_member, cfg);
	if (strcmp(key, "template") == 0)
		return each(x, v, "template", template_member, cfg);
	if (strcmp(key, "max_sandboxes") == 0)
		return number(x, v, "max_sandboxes", 100000, &cfg->max_sandboxes);
	return bad(x, k, "unknown key '%s' (pool, template, max_sandboxes)", key);
}

int serve_config_load(const char *path, struct serve_config *cfg)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int r = 0;
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1,
			parser.problem ? parser.problem : "invalid YAML");
		r = -1;
	} else {
		struct cfg_ctx x = {.path = path, .doc = &doc};
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (root)
			r = each(&x, root, "the config", top_member, cfg);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (r == 0 && cfg->pool_size > cfg->max_sandboxes) {
		fprintf(stderr, "%s: pool.size %u is more than max_sandboxes %u\n", path,
			cfg->pool_size, cfg->max_sandboxes);
		r = -1;
	}
	return r;
}
