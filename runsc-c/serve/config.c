/* SPDX-License-Identifier: Apache-2.0 */
/* The service's config file (YAML, libyaml):
 *
 *	pool:
 *	  size: 4            # warm sandboxes of the default template
 *	max_sandboxes: 256   # running at once, the pools included
 *	template:            # what POST /sandboxes without a template gets
 *	  policy: default
 *	  limits: {memory: 512M, pids: 1024, cpus: 1, disk: 1G}
 *	templates:           # more, by name: POST /sandboxes {"template": NAME}
 *	  small:
 *	    policy: strict
 *	    limits: {memory: 256M}
 *	    pool: {size: 2}
 *	    rootfs: /srv/images/alpine     # the view's root (runsc-c do --rootfs)
 *	    volumes: [/srv/data:/data:ro]  # HOST:GUEST[:ro|:rw] (runsc-c do -v)
 *
 * Every problem names FILE:LINE:COLUMN. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "sandbox/sandbox.h"

struct cfg_ctx {
	const char *path;
	yaml_document_t *doc;
	struct serve_template *t; /* the template being read */
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
typedef int (*member_fn)(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
			 struct serve_config *cfg);

static int each(struct cfg_ctx *x, yaml_node_t *map, const char *what, member_fn fn,
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

bool serve_limit_ok(const char *key, const char *text, char *why, size_t why_size)
{
	struct cg_limits limits = {0};
	uint64_t disk_bytes = 0;
	struct rc_error err;
	if (sandbox_limit_parse(key, text, &limits, &disk_bytes, &err) == 0)
		return true;
	snprintf(why, why_size, "limits.%s: %s", key, err.msg);
	return false;
}

static int limit(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		 struct serve_config *cfg)
{
	(void)cfg;
	char **slot = strcmp(key, "memory") == 0 ? &x->t->memory
		      : strcmp(key, "pids") == 0 ? &x->t->pids
		      : strcmp(key, "cpus") == 0 ? &x->t->cpus
		      : strcmp(key, "disk") == 0 ? &x->t->disk
						 : NULL;
	if (!slot)
		return bad(x, k, "limits: unknown key '%s' (memory, pids, cpus, disk)", key);
	const char *s = scalar(v);
	if (!s)
		return bad(x, v, "limits.%s: expected a value", key);
	char why[600];
	if (!serve_limit_ok(key, s, why, sizeof(why)))
		return bad(x, v, "%s", why);
	free(*slot);
	*slot = xstrdup(s);
	return 0;
}

static int pool_member(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		       struct serve_config *cfg)
{
	(void)cfg;
	if (strcmp(key, "size") == 0)
		return number(x, v, "pool.size", 1000, &x->t->pool_size);
	return bad(x, k, "pool: unknown key '%s' (size)", key);
}

/* rootfs: an existing directory, kept resolved. */
static int rootfs(struct cfg_ctx *x, yaml_node_t *v)
{
	const char *s = scalar(v);
	struct stat st;
	if (!s || s[0] != '/')
		return bad(x, v, "rootfs: expected an absolute path");
	if (stat(s, &st) < 0 || !S_ISDIR(st.st_mode))
		return bad(x, v, "rootfs: '%s': not a directory", s);
	char *real = realpath(s, NULL);
	if (!real)
		return bad(x, v, "rootfs: '%s': %s", s, strerror(errno));
	free(x->t->rootfs);
	x->t->rootfs = real;
	return 0;
}

/* Absolute, without a ".." component. */
static bool guest_path_valid(const char *p)
{
	if (p[0] != '/' || strlen(p) >= PATH_MAX)
		return false;
	for (const char *q = p; *q;) {
		while (*q == '/')
			q++;
		size_t n = strcspn(q, "/");
		if (n == 2 && q[0] == '.' && q[1] == '.')
			return false;
		q += n;
	}
	return true;
}

/* One volume, HOST:GUEST[:ro|:rw], checked as `runsc-c do -v` checks it,
 * here so that a mistake names its line. */
static int volume(struct cfg_ctx *x, yaml_node_t *v)
{
	const char *s = scalar(v);
	if (!s)
		return bad(x, v, "volumes: expected HOST:GUEST[:ro|:rw]");
	_cleanup_free_ char *copy = xstrdup(s);
	char *host = copy, *guest = strchr(copy, ':');
	char *mode = guest ? strchr(guest + 1, ':') : NULL;
	if (guest)
		*guest++ = 0;
	if (mode)
		*mode++ = 0;
	if (!guest || !*host || !*guest)
		return bad(x, v, "volumes: '%s': expected HOST:GUEST[:ro|:rw]", s);
	if (mode && strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
		return bad(x, v, "volumes: '%s': the mode must be ro or rw", s);
	if (host[0] != '/')
		return bad(x, v, "volumes: '%s': the host path must be absolute", s);
	if (!guest_path_valid(guest))
		return bad(x, v, "volumes: '%s': the guest path must be absolute, without ..", s);
	_cleanup_free_ char *real = realpath(host, NULL);
	if (!real)
		return bad(x, v, "volumes: '%s': the host path: %s", s, strerror(errno));
	if (strchr(real, ':'))
		return bad(x, v, "volumes: '%s': the host path resolves to '%s', with a ':'", s,
			   real);
	if (x->t->nvolumes == SERVE_VOLUMES_MAX)
		return bad(x, v, "volumes: more than %d", SERVE_VOLUMES_MAX);
	x->t->volumes = realloc(x->t->volumes, (x->t->nvolumes + 1) * sizeof(char *));
	if (!x->t->volumes)
		abort();
	xasprintf(&x->t->volumes[x->t->nvolumes++], "%s:%s:%s", real, guest, mode ? mode : "rw");
	return 0;
}

static int volumes(struct cfg_ctx *x, yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return bad(x, v, "volumes: expected a list of HOST:GUEST[:ro|:rw]");
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++)
		if (volume(x, yaml_document_get_node(x->doc, *i)) < 0)
			return -1;
	return 0;
}

static int template_member(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
			   struct serve_config *cfg)
{
	if (strcmp(key, "policy") == 0) {
		const char *s = scalar(v);
		if (!s || !*s || s[0] == '-')
			return bad(x, v, "policy: expected a policy name or file");
		free(x->t->policy);
		x->t->policy = xstrdup(s);
		return 0;
	}
	if (strcmp(key, "limits") == 0)
		return each(x, v, "limits", limit, cfg);
	if (strcmp(key, "rootfs") == 0)
		return rootfs(x, v);
	if (strcmp(key, "volumes") == 0)
		return volumes(x, v);
	/* A named template has its pool inside it; the default's is the
	 * top-level pool. */
	bool named = x->t != &cfg->tmpl[0];
	if (strcmp(key, "pool") == 0 && named)
		return each(x, v, "pool", pool_member, cfg);
	return bad(x, k, "template: unknown key '%s' (policy, limits, rootfs, volumes%s)", key,
		   named ? ", pool" : "");
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    s[i]))
			return false;
	return true;
}

static int named_template(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
			  struct serve_config *cfg)
{
	if (!name_valid(key))
		return bad(x, k, "templates: '%s': a name is 1 to 64 of [A-Za-z0-9_.-]", key);
	if (serve_template_find(cfg, key) >= 0)
		return bad(x, k, "templates: '%s' is there already", key);
	if (cfg->ntmpl == SERVE_TEMPLATES_MAX)
		return bad(x, k, "templates: more than %d", SERVE_TEMPLATES_MAX - 1);
	x->t = &cfg->tmpl[cfg->ntmpl++];
	x->t->name = xstrdup(key);
	int r = each(x, v, key, template_member, cfg);
	x->t = &cfg->tmpl[0];
	return r;
}

static int top_member(struct cfg_ctx *x, const char *key, yaml_node_t *k, yaml_node_t *v,
		      struct serve_config *cfg)
{
	x->t = &cfg->tmpl[0];
	if (strcmp(key, "pool") == 0)
		return each(x, v, "pool", pool_member, cfg);
	if (strcmp(key, "template") == 0)
		return each(x, v, "template", template_member, cfg);
	if (strcmp(key, "templates") == 0)
		return each(x, v, "templates", named_template, cfg);
	if (strcmp(key, "max_sandboxes") == 0)
		return number(x, v, "max_sandboxes", 100000, &cfg->max_sandboxes);
	return bad(x, k, "unknown key '%s' (pool, template, templates, max_sandboxes)", key);
}

int serve_template_find(const struct serve_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->ntmpl; i++)
		if (strcmp(cfg->tmpl[i].name, name) == 0)
			return (int)i;
	return -1;
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
		struct cfg_ctx x = {.path = path, .doc = &doc, .t = &cfg->tmpl[0]};
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (root)
			r = each(&x, root, "the config", top_member, cfg);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	unsigned pools = 0;
	for (unsigned i = 0; i < cfg->ntmpl; i++)
		pools += cfg->tmpl[i].pool_size;
	if (r == 0 && pools > cfg->max_sandboxes) {
		fprintf(stderr, "%s: the pools' sizes add up to %u, more than max_sandboxes %u\n",
			path, pools, cfg->max_sandboxes);
		r = -1;
	}
	return r;
}
