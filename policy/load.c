/* SPDX-License-Identifier: Apache-2.0 */
/* Loading a policy: reading its file, following its `extends` chain to
 * shipped profiles or other files, and merging the chain into the
 * effective policy. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/policy.h"
#include "policy/sections.h"

#define FILE_MAX	   (1u << 20) /* bytes of one policy file */
#define POLICY_INSTALL_DIR "/usr/share/runsc-c/policies"

/* ---- documents, merging ---- */

struct pd_item *pd_list_add(struct pd_list *l)
{
	l->v = pd_grow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	struct pd_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

void pd_list_free(struct pd_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct policy_doc *doc_new(void)
{
	struct policy_doc *d = xcalloc(1, sizeof(*d));
	d->net_mode = -1;
	d->audit_denied = -1;
	d->audit_allowed = -1;
	return d;
}

void policy_doc_free(struct policy_doc *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->description);
	free(d->extends);
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	free(d->files);
	free(d->chain);
	struct pd_list *lists[] = {&d->fs,	  &d->hidden,  &d->tmpfs,    &d->exec_allow,
				   &d->exec_deny, &d->sc_deny, &d->env_pass, &d->env_set};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		pd_list_free(lists[i]);
	for (size_t i = 0; i < d->nnet; i++)
		pd_net_rule_free(&d->net[i]);
	free(d->net);
	free(d->publish);
	free(d);
}

const char *policy_doc_name(const struct policy_doc *doc)
{
	return doc->name ? doc->name : "";
}

/* child = parent's entries, then child's. */
static void list_prepend(struct pd_list *child, struct pd_list *parent)
{
	if (parent->n == 0)
		return;
	size_t n = parent->n + child->n, cap = 0;
	struct pd_item *v = pd_grow(NULL, &cap, n, sizeof(*v));
	if (parent->n)
		memcpy(v, parent->v, parent->n * sizeof(*v));
	if (child->n)
		memcpy(v + parent->n, child->v, child->n * sizeof(*v));
	free(child->v);
	free(parent->v);
	child->v = v;
	child->n = n;
	child->cap = cap;
	memset(parent, 0, sizeof(*parent));
}

/* env.set: the parent's variables in their order, with the child's values
 * replacing those of the same name, then the child's new ones. */
static void merge_env_set(struct pd_list *child, struct pd_list *parent)
{
	for (size_t i = 0; i < parent->n; i++) {
		for (size_t j = 0; j < child->n; j++) {
			if (child->v[j].text && strcmp(parent->v[i].text, child->v[j].text) == 0) {
				free(parent->v[i].text);
				free(parent->v[i].value);
				parent->v[i] = child->v[j];
				child->v[j].text = NULL;
				child->v[j].value = NULL;
			}
		}
	}
	size_t keep = 0;
	for (size_t j = 0; j < child->n; j++) {
		if (child->v[j].text)
			child->v[keep++] = child->v[j];
	}
	child->n = keep;
	list_prepend(child, parent);
}

/* network.publish: the parent's entries, then the child's; a child's entry
 * taking a host socket one of the parent's takes is a problem at it. Its
 * own entries need egress from it or its parent. */
static void publish_merge(struct pd_ctx *c, struct policy_doc *child, struct policy_doc *parent)
{
	if (child->npublish && child->net_mode < 0 && parent->net_mode != POLICY_NET_EGRESS) {
		const struct pd_origin *o = &child->publish[0].at;
		pd_problem(c->ld, c->fname, o->line, o->col,
			   "network: publish entries need mode: egress");
	}
	for (size_t i = 0; i < child->npublish; i++) {
		for (size_t j = 0; j < parent->npublish; j++) {
			if (!publish_conflict(&child->publish[i].p, &parent->publish[j].p))
				continue;
			char text[PUBLISH_TEXT_MAX];
			publish_format(&parent->publish[j].p, text, sizeof(text));
			const struct pd_origin *o = &child->publish[i].at;
			pd_problem(c->ld, c->fname, o->line, o->col,
				   "network.publish: the host port is already published by the "
				   "parent's entry '%s'",
				   text);
		}
	}
	if (!parent->npublish)
		return;
	size_t n = parent->npublish + child->npublish;
	if (n > PUBLISH_MAX)
		pd_problem(
			c->ld, c->fname, child->extends_at.line, child->extends_at.col,
			"extends: more than %d network.publish entries with those of the parents",
			PUBLISH_MAX);
	struct pd_publish *v = xcalloc(n, sizeof(*v));
	memcpy(v, parent->publish, parent->npublish * sizeof(*v));
	if (child->npublish)
		memcpy(v + parent->npublish, child->publish, child->npublish * sizeof(*v));
	free(child->publish);
	child->publish = v;
	child->npublish = n;
}

/* Merges the effective parent into a child that has only its own file's
 * content: rule lists append (the parent's first), scalars and mappings
 * override key by key, name and description stay the child's. */
static void merge(struct pd_ctx *c, struct policy_doc *child, struct policy_doc *parent)
{
	list_prepend(&child->fs, &parent->fs);
	list_prepend(&child->hidden, &parent->hidden);
	list_prepend(&child->tmpfs, &parent->tmpfs);
	list_prepend(&child->exec_allow, &parent->exec_allow);
	list_prepend(&child->exec_deny, &parent->exec_deny);
	list_prepend(&child->sc_deny, &parent->sc_deny);
	list_prepend(&child->env_pass, &parent->env_pass);
	merge_env_set(&child->env_set, &parent->env_set);
	if (!child->exec_allow_set && parent->exec_allow_set) {
		child->exec_allow_set = true;
		child->exec_allow_at = parent->exec_allow_at;
	}

	/* The child's own allow entries need egress, from it or its parent. */
	const struct pd_net_rule *own = pd_first_allow(child);
	if (child->net_mode < 0 && own && parent->net_mode != POLICY_NET_EGRESS) {
		const struct pd_origin *o = &own->at;
		pd_problem(c->ld, c->fname, o->line, o->col,
			   "network: allow entries need mode: egress");
	}
	if (child->net_mode < 0)
		child->net_mode = parent->net_mode;
	if (parent->nnet > 0) {
		size_t n = parent->nnet + child->nnet, cap = 0;
		struct pd_net_rule *v = pd_grow(NULL, &cap, n, sizeof(*v));
		memcpy(v, parent->net, parent->nnet * sizeof(*v));
		if (child->nnet)
			memcpy(v + parent->nnet, child->net, child->nnet * sizeof(*v));
		free(child->net);
		free(parent->net);
		parent->net = NULL;
		parent->nnet = 0;
		child->net = v;
		child->nnet = n;
	}
	publish_merge(c, child, parent);
	for (size_t k = 0; k < RES_N; k++) {
		if (!(child->res_set & (1u << k)) && (parent->res_set & (1u << k))) {
			child->res[k] = parent->res[k];
			child->res_at[k] = parent->res_at[k];
			child->res_set |= 1u << k;
		}
	}
	if (child->audit_denied < 0) {
		child->audit_denied = parent->audit_denied;
		child->audit_at[0] = parent->audit_at[0];
	}
	if (child->audit_allowed < 0) {
		child->audit_allowed = parent->audit_allowed;
		child->audit_at[1] = parent->audit_at[1];
	}
	/* The effective policy must stay within what one file may hold, so
	 * that what `show` prints is a valid policy in its turn. */
	const struct {
		const char *name;
		size_t n;
	} sizes[] = {
		{"filesystem", child->fs.n},	   {"hidden", child->hidden.n},
		{"tmpfs", child->tmpfs.n},	   {"exec.allow", child->exec_allow.n},
		{"exec.deny", child->exec_deny.n}, {"syscalls.deny", child->sc_deny.n},
		{"env.pass", child->env_pass.n},   {"env.set", child->env_set.n},
		{"network", child->nnet},	   {"network.publish", child->npublish},
	};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i].n > PD_LIST_MAX)
			pd_problem(c->ld, c->fname, child->extends_at.line, child->extends_at.col,
				   "extends: more than %u %s entries with those of the parents",
				   PD_LIST_MAX, sizes[i].name);
	}
	size_t cap = 0;
	uint32_t *chain = pd_grow(NULL, &cap, 1 + parent->nchain, sizeof(*chain));
	chain[0] = c->file;
	memcpy(chain + 1, parent->chain, parent->nchain * sizeof(*chain));
	free(child->chain);
	child->chain = chain;
	child->nchain = 1 + parent->nchain;
}

/* Without a network mode, or with none, allow entries have no effect:
 * the effective policy drops them (a parent's, since a file's own ones
 * without egress are a problem). */
static void finish(struct policy_doc *d)
{
	if (d->net_mode != POLICY_NET_EGRESS) {
		for (size_t i = 0; i < d->nnet; i++)
			pd_net_rule_free(&d->net[i]);
		d->nnet = 0;
		free(d->publish);
		d->publish = NULL;
		d->npublish = 0;
	}
	if (d->net_mode < 0)
		d->net_mode = POLICY_NET_NONE;
	if (d->audit_denied < 0)
		d->audit_denied = 1;
	if (d->audit_allowed < 0)
		d->audit_allowed = 0;
}

/* ---- files and extends ---- */

const char *const *policy_search_dirs(void)
{
	static const char *const dirs[] = {
#ifdef RUNSC_POLICY_DIR
		RUNSC_POLICY_DIR,
#endif
#ifdef RUNSC_POLICY_INSTALL_DIR
		RUNSC_POLICY_INSTALL_DIR,
#endif
		POLICY_INSTALL_DIR,
		NULL,
	};
	return dirs;
}

bool policy_ref_is_name(const char *ref)
{
	size_t n = strlen(ref);
	if (strchr(ref, '/'))
		return false;
	if ((n > 5 && strcmp(ref + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(ref + n - 4, ".yml") == 0))
		return false;
	return pd_valid_name(ref);
}

/* Reads a whole policy file: a regular file of at most FILE_MAX bytes. */
static int read_policy_file(const char *path, char **buf, size_t *len, struct stat *st)
{
	*buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		int e = S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return e;
	}
	if (st->st_size > (off_t)FILE_MAX) {
		close(fd);
		return -EFBIG;
	}
	char *b = xmalloc((size_t)st->st_size + 1);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, b + n, (size_t)st->st_size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(b);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > (size_t)st->st_size) {
			free(b);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static const char *read_error(int e)
{
	switch (e) {
	case -EINVAL:
		return "not a regular file";
	case -EFBIG:
		return "larger than 1 MiB";
	default:
		return strerror(-e);
	}
}

static uint32_t intern_file(struct pd_loader *ld, const char *name)
{
	size_t cap = ld->nfiles;
	ld->files = pd_grow(ld->files, &cap, ld->nfiles + 1, sizeof(char *));
	ld->files[ld->nfiles] = xstrdup(name);
	return (uint32_t)ld->nfiles++;
}

static struct policy_doc *load_text(struct pd_loader *ld, const char *file, const char *buf,
				    size_t len);

/* Whether dirs[i] already came earlier in the list (the build-time and
 * the standard install directory can be the same). */
static bool dir_repeated(const char *const *dirs, size_t i)
{
	for (size_t k = 0; k < i; k++) {
		if (strcmp(dirs[k], dirs[i]) == 0)
			return true;
	}
	return false;
}

/* Finds a shipped profile by name: the first directory that has it. */
static char *find_shipped(const struct pd_loader *ld, const char *name)
{
	const char *const *dirs =
		ld->opts && ld->opts->search_dirs ? ld->opts->search_dirs : policy_search_dirs();
	size_t n = ld->opts && ld->opts->search_dirs ? ld->opts->nsearch_dirs : SIZE_MAX;
	for (size_t i = 0; i < n && dirs[i]; i++) {
		if (dir_repeated(dirs, i))
			continue;
		char *path;
		xasprintf(&path, "%s/%s.yaml", dirs[i], name);
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

static void list_dirs(const struct pd_loader *ld, char *out, size_t size)
{
	const char *const *dirs =
		ld->opts && ld->opts->search_dirs ? ld->opts->search_dirs : policy_search_dirs();
	size_t n = ld->opts && ld->opts->search_dirs ? ld->opts->nsearch_dirs : SIZE_MAX;
	out[0] = '\0';
	for (size_t i = 0; i < n && dirs[i]; i++) {
		if (dir_repeated(dirs, i))
			continue;
		strncat(out, i ? ", " : "", size - strlen(out) - 1);
		strncat(out, dirs[i], size - strlen(out) - 1);
	}
}

/* The path an `extends` names, relative to the extending file's directory. */
static char *extends_path(struct pd_ctx *c, const char *ref)
{
	struct pd_qbuf b;
	if (policy_ref_is_name(ref)) {
		char *path = find_shipped(c->ld, ref);
		if (!path) {
			char dirs[512];
			list_dirs(c->ld, dirs, sizeof(dirs));
			const struct pd_origin *o = &c->doc->extends_at;
			pd_problem(c->ld, c->fname, o->line, o->col,
				   "extends: no shipped profile named '%s' (looked in %s)",
				   pd_quote(&b, ref), dirs);
		}
		return path;
	}
	if (c->ld->opts && c->ld->opts->shipped_only) {
		const struct pd_origin *o = &c->doc->extends_at;
		pd_problem(c->ld, c->fname, o->line, o->col,
			   "extends: only shipped profile names are allowed here, got '%s'",
			   pd_quote(&b, ref));
		return NULL;
	}
	const char *slash = strrchr(c->fname, '/');
	char *path;
	if (ref[0] == '/' || !slash)
		path = xstrdup(ref);
	else
		xasprintf(&path, "%.*s/%s", (int)(slash - c->fname), c->fname, ref);
	return path;
}

static struct policy_doc *load_extends(struct pd_ctx *c)
{
	struct pd_loader *ld = c->ld;
	const struct pd_origin *o = &c->doc->extends_at;
	struct pd_qbuf b;
	if (ld->depth >= EXTENDS_MAX) {
		pd_problem(ld, c->fname, o->line, o->col,
			   "extends: more than %u profiles in a chain", EXTENDS_MAX);
		return NULL;
	}
	char *path = extends_path(c, c->doc->extends);
	if (!path)
		return NULL;
	char *buf;
	size_t len;
	struct stat st;
	int r = read_policy_file(path, &buf, &len, &st);
	if (r < 0) {
		pd_problem(ld, c->fname, o->line, o->col, "extends: cannot read '%s': %s",
			   pd_quote(&b, path), read_error(r));
		free(path);
		return NULL;
	}
	for (size_t i = 0; i < ld->depth; i++) {
		if (!ld->chain[i].real || ld->chain[i].dev != st.st_dev ||
		    ld->chain[i].ino != st.st_ino)
			continue;
		char cycle[1024] = "";
		for (size_t k = i; k < ld->depth; k++) {
			strncat(cycle, ld->chain[k].file, sizeof(cycle) - strlen(cycle) - 1);
			strncat(cycle, " -> ", sizeof(cycle) - strlen(cycle) - 1);
		}
		strncat(cycle, path, sizeof(cycle) - strlen(cycle) - 1);
		pd_problem(ld, c->fname, o->line, o->col, "extends: a cycle: %s", cycle);
		free(buf);
		free(path);
		return NULL;
	}
	ld->chain[ld->depth].dev = st.st_dev;
	ld->chain[ld->depth].ino = st.st_ino;
	ld->chain[ld->depth].real = true;
	struct policy_doc *parent = load_text(ld, path, buf, len);
	free(buf);
	free(path);
	return parent;
}

/* Parses one file and, recursively, what it extends. The caller has filled
 * ld->chain[ld->depth] with the file's identity. */
static struct policy_doc *load_text(struct pd_loader *ld, const char *file, const char *buf,
				    size_t len)
{
	struct policy_doc *doc = doc_new();
	struct pd_ctx c = {.ld = ld, .doc = doc};
	c.file = intern_file(ld, file);
	c.fname = ld->files[c.file];
	ld->chain[ld->depth].file = c.fname;
	ld->depth++;

	struct ynode *root = yn_parse(&c, buf, len);
	if (root)
		pd_walk_top(&c, root);
	yn_free(root);

	if (!doc->name) {
		/* The file's base name, without its extension. */
		const char *base = strrchr(file, '/');
		base = base ? base + 1 : file;
		size_t n = strcspn(base, ".");
		doc->name = pd_valid_name_n(base, n) ? strndup(base, n) : xstrdup("policy");
		if (!doc->name)
			die("out of memory");
	}
	struct policy_doc *parent = doc->extends && !ld->stop ? load_extends(&c) : NULL;
	if (parent) {
		merge(&c, doc, parent);
		policy_doc_free(parent);
	} else {
		doc->chain = xmalloc(sizeof(*doc->chain));
		doc->chain[0] = c.file;
		doc->nchain = 1;
		const struct pd_net_rule *own = pd_first_allow(doc);
		if (!doc->extends && own && doc->net_mode < 0) {
			const struct pd_origin *o = &own->at;
			pd_problem(ld, c.fname, o->line, o->col,
				   "network: allow entries need mode: egress");
		}
		if (!doc->extends && doc->npublish && doc->net_mode < 0) {
			const struct pd_origin *o = &doc->publish[0].at;
			pd_problem(ld, c.fname, o->line, o->col,
				   "network: publish entries need mode: egress");
		}
	}
	ld->depth--;
	return doc;
}

static struct policy_doc *load_done(struct pd_loader *ld, struct policy_doc *doc)
{
	if (!doc || ld->pr->n > ld->pr_start) {
		policy_doc_free(doc);
		for (size_t i = 0; i < ld->nfiles; i++)
			free(ld->files[i]);
		free(ld->files);
		return NULL;
	}
	doc->files = ld->files;
	doc->nfiles = ld->nfiles;
	finish(doc);
	return doc;
}

struct policy_doc *policy_load_buffer(const char *file, const char *buf, size_t len,
				      const struct policy_load_opts *opts,
				      struct policy_problems *pr)
{
	struct pd_loader ld = {.opts = opts, .pr = pr, .pr_start = pr->n};
	if (len > FILE_MAX) {
		pd_problem(&ld, file, 0, 0, "larger than 1 MiB");
		return NULL;
	}
	return load_done(&ld, load_text(&ld, file, buf, len));
}

struct policy_doc *policy_load(const char *ref, const struct policy_load_opts *opts,
			       struct policy_problems *pr)
{
	struct pd_loader ld = {.opts = opts, .pr = pr, .pr_start = pr->n};
	char *path;
	struct pd_qbuf b;
	if (policy_ref_is_name(ref)) {
		path = find_shipped(&ld, ref);
		if (!path) {
			char dirs[512];
			list_dirs(&ld, dirs, sizeof(dirs));
			pd_problem(&ld, ref, 0, 0, "no shipped profile named '%s' (looked in %s)",
				   pd_quote(&b, ref), dirs);
			return NULL;
		}
	} else {
		path = xstrdup(ref);
	}
	char *buf;
	size_t len;
	struct stat st;
	int r = read_policy_file(path, &buf, &len, &st);
	if (r < 0) {
		pd_problem(&ld, path, 0, 0, "cannot read: %s", read_error(r));
		free(path);
		return NULL;
	}
	ld.chain[0].dev = st.st_dev;
	ld.chain[0].ino = st.st_ino;
	ld.chain[0].real = true;
	struct policy_doc *doc = load_text(&ld, path, buf, len);
	free(buf);
	free(path);
	return load_done(&ld, doc);
}
