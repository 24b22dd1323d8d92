/* SPDX-License-Identifier: Apache-2.0 */
/* YAML policies: parsing (libyaml events into a small tree with positions,
 * then a schema walk that collects every problem), `extends` and merging.
 * policy_emit.c prints and compiles the result; policies/README.md documents
 * the format. */
#include "runsc-c/policy_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "common/util.h"
#include "policy/policy.h"
#include "runsc-c/policy_doc.h"
#include "syscalls/table.h"

#define FILE_MAX	   (1u << 20) /* bytes of one policy file */
#define TREE_MAX_DEPTH	   32
#define TREE_MAX_NODES	   65536
#define LIST_MAX	   4096 /* entries of one list in one file */
#define EXTENDS_MAX	   16	/* files in one extends chain */
#define PROBLEMS_MAX	   100
#define NAME_MAX_LEN	   64
#define TIMEOUT_MAX_MS	   (366ULL * 24 * 3600 * 1000)
#define CPU_MAX_MILLI	   (1024ULL * 1000)
#define PIDS_MAX	   4194304ULL
#define POLICY_INSTALL_DIR "/usr/share/runsc-c/policies"

const char *const pd_res_names[RES_N] = {"memory", "pids", "cpu", "timeout", "disk"};

/* ---- problems ---- */

struct loader {
	const struct policy_load_opts *opts;
	struct policy_problems *pr;
	size_t pr_start;
	bool stop; /* too many problems */
	char **files;
	size_t nfiles;
	struct {
		const char *file;
		dev_t dev;
		ino_t ino;
		bool real;
	} chain[EXTENDS_MAX];
	size_t depth;
};

void policy_problems_free(struct policy_problems *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		free(pr->lines[i]);
	free(pr->lines);
	memset(pr, 0, sizeof(*pr));
}

void *pd_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 8;
	while (n < need)
		n *= 2;
	void *q = reallocarray(p, n, size);
	if (!q)
		die("out of memory");
	*cap = n;
	return q;
}

static void add_line(struct policy_problems *pr, char *line)
{
	pr->lines = pd_grow(pr->lines, &pr->cap, pr->n + 1, sizeof(char *));
	pr->lines[pr->n++] = line;
}

void policy_problem_add(struct policy_problems *pr, const char *fmt, ...)
{
	va_list ap;
	char *line;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("out of memory");
	add_line(pr, line);
}

__attribute__((format(printf, 5, 0))) static void vproblem(struct loader *ld, const char *file,
							   uint32_t line, uint32_t col,
							   const char *fmt, va_list ap)
{
	if (ld->stop)
		return;
	char *msg = NULL, *out = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	if (line)
		xasprintf(&out, "%s:%u:%u: %s", file, line, col, msg);
	else
		xasprintf(&out, "%s: %s", file, msg);
	free(msg);
	add_line(ld->pr, out);
	if (ld->pr->n - ld->pr_start >= PROBLEMS_MAX) {
		xasprintf(&out, "%s:%u:%u: too many problems; stopping here", file, line, col);
		add_line(ld->pr, out);
		ld->stop = true;
	}
}

__attribute__((format(printf, 5, 6))) static void
problem(struct loader *ld, const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(ld, file, line, col, fmt, ap);
	va_end(ap);
}

/* A string from the file, fit for a one-line message: control characters
 * escaped, long ones cut. */
struct qbuf {
	char s[100];
};

static const char *q(struct qbuf *b, const char *s)
{
	size_t o = 0;
	for (; *s && o < sizeof(b->s) - 8; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(b->s + o, sizeof(b->s) - o, "\\x%02x", c);
		else
			b->s[o++] = (char)c;
	}
	if (*s) {
		memcpy(b->s + o, "...", 3);
		o += 3;
	}
	b->s[o] = '\0';
	return b->s;
}

/* ---- the YAML tree ---- */

enum ytype { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ytype type;
	uint32_t line, col;  /* 1-based */
	char *s;	     /* scalar */
	bool plain;	     /* an unquoted scalar */
	struct ynode **kids; /* sequence items; mapping keys and values in turn */
	size_t n, cap;
};

struct pctx {
	struct loader *ld;
	const char *fname;
	uint32_t file;
	struct policy_doc *doc;
};

static void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

__attribute__((format(printf, 3, 4))) static void err(struct pctx *c, const struct ynode *n,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c->ld, c->fname, n ? n->line : 1, n ? n->col : 1, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void err_mark(struct pctx *c, const yaml_mark_t *m,
							   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c->ld, c->fname, (uint32_t)m->line + 1, (uint32_t)m->column + 1, fmt, ap);
	va_end(ap);
}

static void syntax_problem(struct pctx *c, const yaml_parser_t *p, const char *buf, size_t len)
{
	yaml_mark_t m = p->problem_mark;
	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset only. */
		m.line = m.column = 0;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
	}
	if (p->error == YAML_MEMORY_ERROR)
		die("out of memory");
	const char *what = p->problem ? p->problem : "malformed YAML";
	if (p->context)
		err_mark(c, &m, "syntax error: %s %s", what, p->context);
	else
		err_mark(c, &m, "syntax error: %s", what);
}

static bool has_tag(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.tag != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.tag != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.tag != NULL;
	default:
		return false;
	}
}

struct tree_builder {
	struct pctx *c;
	struct ynode *root;
	struct ynode *stack[TREE_MAX_DEPTH];
	size_t depth;
	size_t nodes;
	size_t docs;
};

/* Attaches a node for a scalar or the start of a collection. False when
 * the file is beyond what a policy may be. */
static bool tree_add(struct tree_builder *t, const yaml_event_t *ev)
{
	if (has_tag(ev)) {
		err_mark(t->c, &ev->start_mark, "YAML tags are not supported");
		return false;
	}
	if (++t->nodes > TREE_MAX_NODES) {
		err_mark(t->c, &ev->start_mark, "more than %u entries in one file", TREE_MAX_NODES);
		return false;
	}
	bool container = ev->type != YAML_SCALAR_EVENT;
	if (container && t->depth == TREE_MAX_DEPTH) {
		err_mark(t->c, &ev->start_mark, "nested more than %u levels deep", TREE_MAX_DEPTH);
		return false;
	}
	if (!container && strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length) {
		err_mark(t->c, &ev->start_mark, "a NUL character in a string");
		return false;
	}
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->line = (uint32_t)ev->start_mark.line + 1;
	n->col = (uint32_t)ev->start_mark.column + 1;
	if (container) {
		n->type = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
	} else {
		n->type = Y_SCALAR;
		n->s = xstrdup((const char *)ev->data.scalar.value);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	}
	if (t->depth == 0) {
		ynode_free(t->root);
		t->root = n;
	} else {
		struct ynode *parent = t->stack[t->depth - 1];
		parent->kids = pd_grow(parent->kids, &parent->cap, parent->n + 1, sizeof(n));
		parent->kids[parent->n++] = n;
	}
	if (container)
		t->stack[t->depth++] = n;
	return true;
}

/* One event; false to stop (an error, or the end of the stream). */
static bool tree_event(struct tree_builder *t, const yaml_event_t *ev, bool *done)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		return false;
	case YAML_DOCUMENT_START_EVENT:
		if (++t->docs > 1) {
			err_mark(t->c, &ev->start_mark,
				 "more than one YAML document in a policy file");
			return false;
		}
		return true;
	case YAML_ALIAS_EVENT:
		err_mark(t->c, &ev->start_mark,
			 "YAML aliases are not supported: write the value out");
		return false;
	case YAML_SCALAR_EVENT:
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return tree_add(t, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (t->depth > 0)
			t->depth--;
		return true;
	default:
		return true;
	}
}

static struct ynode *parse_tree(struct pctx *c, const char *buf, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		die("out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	struct tree_builder t = {.c = c};
	bool done = false, ok = true;
	while (ok) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_problem(c, &p, buf, len);
			break;
		}
		ok = tree_event(&t, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!done) {
		ynode_free(t.root);
		return NULL;
	}
	if (!t.root)
		err(c, NULL,
		    "an empty policy: expected a mapping with apiVersion: %s and kind: Policy",
		    POLICY_API_VERSION);
	return t.root;
}

/* ---- node helpers ---- */

static const char *type_name(const struct ynode *n)
{
	switch (n->type) {
	case Y_SEQ:
		return "a list";
	case Y_MAP:
		return "a mapping";
	case Y_SCALAR:
	default:
		return "a scalar";
	}
}

static bool is_null(const struct ynode *n)
{
	if (n->type != Y_SCALAR || !n->plain)
		return false;
	return n->s[0] == '\0' || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
	       strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
}

static const char *got(const struct ynode *n)
{
	return is_null(n) ? "nothing" : type_name(n);
}

/* A string value (any scalar but null). */
static bool want_string(struct pctx *c, const struct ynode *n, const char *what)
{
	if (n->type == Y_SCALAR && !is_null(n))
		return true;
	err(c, n, "%s: expected a string, got %s", what, got(n));
	return false;
}

static bool want_bool(struct pctx *c, const struct ynode *n, const char *what, int *out)
{
	if (n->type == Y_SCALAR && n->plain && strcmp(n->s, "true") == 0) {
		*out = 1;
		return true;
	}
	if (n->type == Y_SCALAR && n->plain && strcmp(n->s, "false") == 0) {
		*out = 0;
		return true;
	}
	struct qbuf b;
	if (n->type == Y_SCALAR && !is_null(n))
		err(c, n, "%s: expected true or false, got '%s'", what, q(&b, n->s));
	else
		err(c, n, "%s: expected true or false, got %s", what, got(n));
	return false;
}

/* A list, or nothing (an empty list). How many entries to read. */
static bool want_seq(struct pctx *c, const struct ynode *n, const char *what, size_t *count)
{
	*count = 0;
	if (is_null(n))
		return true;
	if (n->type != Y_SEQ) {
		err(c, n, "%s: expected a list, got %s", what, got(n));
		return false;
	}
	*count = n->n;
	if (n->n > LIST_MAX) {
		err(c, n, "%s: more than %u entries", what, LIST_MAX);
		*count = LIST_MAX;
	}
	return true;
}

static bool want_map(struct pctx *c, const struct ynode *n, const char *what)
{
	if (n->type == Y_MAP || is_null(n))
		return true;
	err(c, n, "%s: expected a mapping, got %s", what, got(n));
	return false;
}

static struct pd_origin at(const struct pctx *c, const struct ynode *n)
{
	return (struct pd_origin){.file = c->file, .line = n->line, .col = n->col};
}

static struct pd_item *list_add(struct pd_list *l)
{
	l->v = pd_grow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	struct pd_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void list_free(struct pd_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Edit distance, for "did you mean". Strings longer than 63 bytes never
 * match. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return SIZE_MAX;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The closest candidate within a third of the word's length, or NULL. */
static const char *suggest(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) / 3 + 1, best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);
		if (d <= limit && d < best) {
			best = d;
			found = cands[i];
		}
	}
	return found;
}

/* ---- walking mappings ---- */

typedef void (*key_fn)(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg);

struct keyspec {
	const char *name;
	key_fn fn;
};

#define KEYS_MAX 16

/* Walks a mapping's keys: unknown and duplicate keys are problems; each
 * known key's function gets its value. Returns a bit per key seen. */
static uint32_t walk_map(struct pctx *c, const struct ynode *map, const char *where,
			 const struct keyspec *keys, size_t nkeys, void *arg)
{
	const struct ynode *seen[KEYS_MAX] = {0};
	uint32_t mask = 0;
	if (map->type != Y_MAP)
		return 0;
	for (size_t i = 0; i + 1 < map->n && !c->ld->stop; i += 2) {
		const struct ynode *key = map->kids[i], *val = map->kids[i + 1];
		struct qbuf b;
		if (key->type != Y_SCALAR) {
			err(c, key, "%s: a key must be a name, got %s", where, type_name(key));
			continue;
		}
		size_t j = 0;
		while (j < nkeys && strcmp(keys[j].name, key->s) != 0)
			j++;
		if (j == nkeys) {
			const char *names[KEYS_MAX];
			for (size_t k = 0; k < nkeys; k++)
				names[k] = keys[k].name;
			const char *s = suggest(key->s, names, nkeys);
			if (s) {
				err(c, key, "unknown key '%s' in %s (did you mean '%s'?)",
				    q(&b, key->s), where, s);
			} else {
				char list[256] = "";
				for (size_t k = 0; k < nkeys; k++) {
					strncat(list, k ? ", " : "",
						sizeof(list) - strlen(list) - 1);
					strncat(list, names[k], sizeof(list) - strlen(list) - 1);
				}
				err(c, key, "unknown key '%s' in %s (expected %s)", q(&b, key->s),
				    where, list);
			}
			continue;
		}
		if (seen[j]) {
			err(c, key, "duplicate key '%s' (first at line %u, column %u)",
			    keys[j].name, seen[j]->line, seen[j]->col);
			continue;
		}
		seen[j] = key;
		mask |= 1u << j;
		keys[j].fn(c, key, val, arg);
	}
	return mask;
}

/* ---- paths ---- */

static bool want_glob(struct pctx *c, const struct ynode *n, const char *what)
{
	if (!want_string(c, n, what))
		return false;
	const char *why;
	struct qbuf b;
	if (policy_glob_check(n->s, &why) < 0) {
		err(c, n, "%s: bad path '%s': %s", what, q(&b, n->s), why);
		return false;
	}
	return true;
}

static void glob_list(struct pctx *c, const struct ynode *val, const char *what, struct pd_list *l,
		      bool literal)
{
	size_t count;
	if (!want_seq(c, val, what, &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (!want_glob(c, n, what))
			continue;
		struct qbuf b;
		if (literal && !policy_glob_component_is_literal(n->s, strlen(n->s))) {
			err(c, n, "%s: '%s' must be a plain path, without wildcards", what,
			    q(&b, n->s));
			continue;
		}
		if (literal && strcmp(n->s, "/") == 0) {
			err(c, n, "%s: not the root itself", what);
			continue;
		}
		if (!literal && l == &c->doc->hidden && policy_glob_match(n->s, "/")) {
			err(c, n, "%s: '%s' would hide the root and everything in it", what,
			    q(&b, n->s));
			continue;
		}
		struct pd_item *it = list_add(l);
		it->text = xstrdup(n->s);
		it->at = at(c, n);
	}
}

/* filesystem: [{path, access}] */

struct fs_rule {
	const struct ynode *path, *access;
	int access_val;
	bool ok;
};

static void fs_path(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct fs_rule *r = arg;
	r->path = val;
	if (!want_glob(c, val, "path"))
		r->ok = false;
}

static void fs_access(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct fs_rule *r = arg;
	r->access = val;
	struct qbuf b;
	if (!want_string(c, val, "access")) {
		r->ok = false;
	} else if (strcmp(val->s, "none") == 0) {
		r->access_val = POLICY_ACCESS_NONE;
	} else if (strcmp(val->s, "read") == 0) {
		r->access_val = POLICY_ACCESS_READ;
	} else if (strcmp(val->s, "write") == 0) {
		r->access_val = POLICY_ACCESS_WRITE;
	} else if (strcmp(val->s, "hidden") == 0) {
		err(c, val,
		    "access: expected none, read or write (a path is hidden by listing it "
		    "under hidden:)");
		r->ok = false;
	} else {
		err(c, val, "access: expected none, read or write, got '%s'", q(&b, val->s));
		r->ok = false;
	}
}

static const struct keyspec fs_keys[] = {{"path", fs_path}, {"access", fs_access}};

static void sec_filesystem(struct pctx *c, const struct ynode *key, const struct ynode *val,
			   void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!want_seq(c, val, "filesystem", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (n->type != Y_MAP) {
			err(c, n, "filesystem: each rule is a mapping with path and access, got %s",
			    got(n));
			continue;
		}
		struct fs_rule r = {.ok = true};
		walk_map(c, n, "a filesystem rule", fs_keys, ARRAY_SIZE(fs_keys), &r);
		if (!r.path)
			err(c, n, "a filesystem rule without path");
		if (!r.access)
			err(c, n, "a filesystem rule without access (none, read or write)");
		if (!r.ok || !r.path || !r.access)
			continue;
		struct pd_item *it = list_add(&c->doc->fs);
		it->text = xstrdup(r.path->s);
		it->access = (uint8_t)r.access_val;
		it->at = at(c, n);
	}
}

static void sec_hidden(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "hidden", &c->doc->hidden, false);
}

static void sec_tmpfs(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "tmpfs", &c->doc->tmpfs, true);
}

/* exec: {allow, deny} */

static void exec_allow(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	/* "allow:" with no value is absent, like an empty section; only an
	 * explicit empty list allows nothing. */
	if (is_null(val))
		return;
	c->doc->exec_allow_set = true;
	c->doc->exec_allow_at = at(c, key);
	glob_list(c, val, "exec.allow", &c->doc->exec_allow, false);
}

static void exec_deny(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	glob_list(c, val, "exec.deny", &c->doc->exec_deny, false);
}

static const struct keyspec exec_keys[] = {{"allow", exec_allow}, {"deny", exec_deny}};

static void sec_exec(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (want_map(c, val, "exec"))
		walk_map(c, val, "exec", exec_keys, ARRAY_SIZE(exec_keys), NULL);
}

/* ---- numbers ---- */

/* Decimal digits with at most `frac` digits after a '.', scaled by
 * 10^frac. Returns the first byte after the number, or NULL. */
static const char *parse_decimal(const char *s, unsigned int frac, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
			return NULL;
	}
	unsigned int digits = 0;
	if (*p == '.' && frac > 0) {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++digits > frac)
				return NULL;
			if (__builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, *p - '0', &v))
				return NULL;
		}
	}
	for (; digits < frac; digits++) {
		if (__builtin_mul_overflow(v, 10, &v))
			return NULL;
	}
	*out = v;
	return p;
}

static bool parse_uint(const char *s, uint64_t *out)
{
	const char *e = parse_decimal(s, 0, out);
	return e && *e == '\0';
}

/* 512Mi, 2G, 1048576: Kubernetes' suffixes (K M G T powers of 1000, Ki Mi
 * Gi Ti of 1024). */
static bool parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{"", 1},
		{"K", 1000ULL},
		{"k", 1000ULL},
		{"M", 1000000ULL},
		{"G", 1000000000ULL},
		{"T", 1000000000000ULL},
		{"Ki", 1ULL << 10},
		{"Mi", 1ULL << 20},
		{"Gi", 1ULL << 30},
		{"Ti", 1ULL << 40},
	};
	uint64_t v;
	const char *e = parse_decimal(s, 0, &v);
	if (!e)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(e, units[i].suffix) == 0)
			return !__builtin_mul_overflow(v, units[i].mult, out) && *out > 0;
	}
	return false;
}

/* 2, 0.5, 1.25 (CPUs) or 500m (millicores). */
static bool parse_cpu(const char *s, uint64_t *milli)
{
	const char *e = parse_decimal(s, 3, milli);
	if (e && *e == '\0')
		return *milli > 0 && *milli <= CPU_MAX_MILLI;
	e = parse_decimal(s, 0, milli);
	return e && strcmp(e, "m") == 0 && *milli > 0 && *milli <= CPU_MAX_MILLI;
}

/* 30, 30s, 1.5s, 10m, 2h (seconds when no unit is given), 500ms. */
static bool parse_duration(const char *s, uint64_t *ms)
{
	uint64_t v;
	const char *e = parse_decimal(s, 0, &v);
	if (e && strcmp(e, "ms") == 0) {
		*ms = v;
	} else {
		e = parse_decimal(s, 3, &v); /* thousandths of the unit */
		if (!e)
			return false;
		uint64_t mult;
		if (*e == '\0' || strcmp(e, "s") == 0)
			mult = 1;
		else if (strcmp(e, "m") == 0)
			mult = 60;
		else if (strcmp(e, "h") == 0)
			mult = 3600;
		else
			return false;
		if (__builtin_mul_overflow(v, mult, ms))
			return false;
	}
	return *ms > 0 && *ms <= TIMEOUT_MAX_MS;
}

/* ---- resources ---- */

static void res_value(struct pctx *c, const struct ynode *key, const struct ynode *val,
		      enum pd_res k)
{
	const char *name = pd_res_names[k];
	if (!want_string(c, val, name))
		return;
	uint64_t v = 0;
	bool ok;
	const char *expect;
	switch (k) {
	case RES_MEMORY:
	case RES_DISK:
		ok = parse_size(val->s, &v);
		expect = "a size such as 512Mi or 2G";
		break;
	case RES_PIDS:
		ok = parse_uint(val->s, &v) && v > 0 && v <= PIDS_MAX;
		expect = "a number of processes from 1 to 4194304";
		break;
	case RES_CPU:
		ok = parse_cpu(val->s, &v);
		expect = "a number of CPUs such as 2, 0.5 or 500m";
		break;
	case RES_TIMEOUT:
	default:
		ok = parse_duration(val->s, &v);
		expect = "a duration such as 30, 90s, 10m or 2h";
		break;
	}
	struct qbuf b;
	if (!ok) {
		err(c, val, "%s: expected %s, got '%s'", name, expect, q(&b, val->s));
		return;
	}
	c->doc->res[k] = v;
	c->doc->res_set |= 1u << k;
	c->doc->res_at[k] = at(c, key);
}

static void res_memory(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_MEMORY);
}

static void res_pids(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_PIDS);
}

static void res_cpu(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_CPU);
}

static void res_timeout(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_TIMEOUT);
}

static void res_disk(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)arg;
	res_value(c, key, val, RES_DISK);
}

static const struct keyspec res_keys[] = {
	{"memory", res_memory},	  {"pids", res_pids}, {"cpu", res_cpu},
	{"timeout", res_timeout}, {"disk", res_disk},
};

static void sec_resources(struct pctx *c, const struct ynode *key, const struct ynode *val,
			  void *arg)
{
	(void)key;
	(void)arg;
	if (want_map(c, val, "resources"))
		walk_map(c, val, "resources", res_keys, ARRAY_SIZE(res_keys), NULL);
}

/* ---- network ---- */

static bool valid_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/* A DNS name in lower case, optionally "*." and a name. */
static bool parse_host(const char *s, char **out, bool *wildcard)
{
	*wildcard = strncmp(s, "*.", 2) == 0;
	if (*wildcard)
		s += 2;
	size_t len = strlen(s);
	if (len == 0 || len > 253)
		return false;
	char *h = xstrdup(s);
	for (char *p = h; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	for (const char *p = h;;) {
		size_t n = strcspn(p, ".");
		if (!valid_label(p, n)) {
			free(h);
			return false;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*out = h;
	return true;
}

/* An address or address/prefix, with no bits set below the prefix. */
static const char *parse_cidr(const char *s, struct pd_net_rule *r)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return "expected an address or address/prefix such as 10.0.0.0/8";
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	unsigned int max;
	if (inet_pton(AF_INET, addr, r->addr) == 1) {
		r->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, r->addr) == 1) {
		r->family = AF_INET6;
		max = 128;
	} else {
		return "expected an address or address/prefix such as 10.0.0.0/8";
	}
	uint64_t prefix = max;
	if (slash && (!parse_uint(slash + 1, &prefix) || prefix > max))
		return "the prefix length is out of range";
	r->prefix = (uint8_t)prefix;
	for (unsigned int bit = (unsigned int)prefix; bit < max; bit++) {
		if (r->addr[bit / 8] & (0x80u >> (bit % 8)))
			return "bits are set below the prefix length";
	}
	return NULL;
}

static bool parse_port_item(const struct ynode *n, struct pd_port_range *pr)
{
	uint64_t lo, hi;
	const char *dash = strchr(n->s, '-');
	if (!dash) {
		if (!parse_uint(n->s, &lo))
			return false;
		hi = lo;
	} else {
		char first[16];
		size_t len = (size_t)(dash - n->s);
		if (len == 0 || len >= sizeof(first))
			return false;
		memcpy(first, n->s, len);
		first[len] = '\0';
		if (!parse_uint(first, &lo) || !parse_uint(dash + 1, &hi))
			return false;
	}
	if (lo == 0 || hi > 65535 || lo > hi)
		return false;
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	return true;
}

struct net_entry {
	struct pd_net_rule r;
	const struct ynode *host, *cidr;
	bool ok;
};

static void net_host(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	e->host = val;
	struct qbuf b;
	unsigned char tmp[16];
	if (!want_string(c, val, "host")) {
		e->ok = false;
	} else if (inet_pton(AF_INET, val->s, tmp) == 1 || inet_pton(AF_INET6, val->s, tmp) == 1) {
		err(c, val, "host: '%s' is an address: write it as cidr", q(&b, val->s));
		e->ok = false;
	} else if (!parse_host(val->s, &e->r.host, &e->r.wildcard)) {
		err(c, val,
		    "host: '%s' is not a DNS name (letters, digits and '-' in labels "
		    "separated by '.', optionally after '*.')",
		    q(&b, val->s));
		e->ok = false;
	}
}

static void net_cidr(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	e->cidr = val;
	struct qbuf b;
	if (!want_string(c, val, "cidr")) {
		e->ok = false;
		return;
	}
	const char *why = parse_cidr(val->s, &e->r);
	if (why) {
		err(c, val, "cidr: '%s': %s", q(&b, val->s), why);
		e->ok = false;
		return;
	}
	e->r.cidr = xstrdup(val->s);
}

static void net_ports(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	struct net_entry *e = arg;
	size_t count, cap = 0;
	if (!want_seq(c, val, "ports", &count)) {
		e->ok = false;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct ynode *n = val->kids[i];
		struct pd_port_range pr;
		struct qbuf b;
		if (n->type != Y_SCALAR || is_null(n)) {
			err(c, n, "ports: expected a port or a range such as 8000-8100, got %s",
			    got(n));
			e->ok = false;
			continue;
		}
		if (!parse_port_item(n, &pr)) {
			err(c, n,
			    "ports: expected a port (1-65535) or a range such as 8000-8100, "
			    "got '%s'",
			    q(&b, n->s));
			e->ok = false;
			continue;
		}
		e->r.ports = pd_grow(e->r.ports, &cap, e->r.nports + 1, sizeof(pr));
		e->r.ports[e->r.nports++] = pr;
	}
	if (count == 0) {
		err(c, val,
		    "ports: an empty list allows nothing; leave ports out to allow every port");
		e->ok = false;
	}
}

static const struct keyspec net_entry_keys[] = {
	{"host", net_host},
	{"cidr", net_cidr},
	{"ports", net_ports},
};

static void net_rule_free(struct pd_net_rule *r)
{
	free(r->host);
	free(r->cidr);
	free(r->ports);
}

static void net_list(struct pctx *c, const struct ynode *val, bool deny)
{
	const char *what = deny ? "network.deny" : "network.allow";
	size_t count, cap = c->doc->nnet;
	if (!want_seq(c, val, what, &count))
		return;
	struct policy_doc *d = c->doc;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (n->type != Y_MAP) {
			err(c, n, "%s: each entry is a mapping with host or cidr, got %s", what,
			    got(n));
			continue;
		}
		struct net_entry e = {.ok = true};
		char where[32];
		snprintf(where, sizeof(where), "a %s entry", what);
		walk_map(c, n, where, net_entry_keys, ARRAY_SIZE(net_entry_keys), &e);
		if (!e.host && !e.cidr)
			err(c, n, "a %s entry without host or cidr", what);
		if (e.host && e.cidr)
			err(c, n, "a %s entry with both host and cidr: write two entries", what);
		if (!e.ok || !e.host == !e.cidr) {
			net_rule_free(&e.r);
			continue;
		}
		e.r.at = at(c, n);
		e.r.deny = deny;
		d->net = pd_grow(d->net, &cap, d->nnet + 1, sizeof(*d->net));
		d->net[d->nnet++] = e.r;
	}
}

static void net_allow(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	net_list(c, val, false);
}

static void net_deny(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	net_list(c, val, true);
}

static void net_mode(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct qbuf b;
	if (!want_string(c, val, "network.mode"))
		return;
	if (strcmp(val->s, "none") == 0)
		c->doc->net_mode = POLICY_NET_NONE;
	else if (strcmp(val->s, "egress") == 0)
		c->doc->net_mode = POLICY_NET_EGRESS;
	else
		err(c, val, "network.mode: expected none or egress, got '%s'", q(&b, val->s));
}

/* The first allow entry of a document, or NULL. */
static const struct pd_net_rule *first_allow(const struct policy_doc *d)
{
	for (size_t i = 0; i < d->nnet; i++) {
		if (!d->net[i].deny)
			return &d->net[i];
	}
	return NULL;
}

static const struct keyspec net_keys[] = {
	{"mode", net_mode},
	{"allow", net_allow},
	{"deny", net_deny},
};

static void sec_network(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (!want_map(c, val, "network"))
		return;
	walk_map(c, val, "network", net_keys, ARRAY_SIZE(net_keys), NULL);
	const struct pd_net_rule *r = first_allow(c->doc);
	if (c->doc->net_mode == POLICY_NET_NONE && r)
		problem(c->ld, c->fname, r->at.line, r->at.col,
			"network: allow entries need mode: egress");
}

/* ---- syscalls ---- */

static const char *const undeniable[] = {
	"exit", "exit_group", "rt_sigreturn", "restart_syscall", "runsc_loader",
};

static void syscall_unknown(struct pctx *c, const struct ynode *n)
{
	size_t limit = strlen(n->s) / 3 + 1, best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; i < sc_table_len; i++) {
		size_t d = distance(n->s, sc_table[i].name);
		if (d <= limit && d < best) {
			best = d;
			found = sc_table[i].name;
		}
	}
	struct qbuf b;
	if (found)
		err(c, n, "syscalls.deny: unknown syscall '%s' (did you mean '%s'?)", q(&b, n->s),
		    found);
	else
		err(c, n, "syscalls.deny: unknown syscall '%s'", q(&b, n->s));
}

static void sc_deny(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!want_seq(c, val, "syscalls.deny", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		if (!want_string(c, n, "syscalls.deny"))
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
			err(c, n, "syscalls.deny: %s cannot be denied: every program needs it",
			    n->s);
			continue;
		}
		if (row->cls == SC_EXEC) {
			err(c, n,
			    "syscalls.deny: %s cannot be denied: restrict it with exec.allow "
			    "and exec.deny",
			    n->s);
			continue;
		}
		struct pd_item *it = list_add(&c->doc->sc_deny);
		it->text = xstrdup(n->s);
		it->nr = row->nr;
		it->at = at(c, n);
	}
}

static const struct keyspec sc_keys[] = {{"deny", sc_deny}};

static void sec_syscalls(struct pctx *c, const struct ynode *key, const struct ynode *val,
			 void *arg)
{
	(void)key;
	(void)arg;
	if (want_map(c, val, "syscalls"))
		walk_map(c, val, "syscalls", sc_keys, ARRAY_SIZE(sc_keys), NULL);
}

/* ---- env ---- */

/* A variable name; with wildcards, '*' may stand anywhere. */
static bool valid_env_name(const char *s, bool wildcards)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		char ch = *s;
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || (wildcards && ch == '*');
		if (!ok)
			return false;
	}
	return true;
}

static void env_pass(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	size_t count;
	if (!want_seq(c, val, "env.pass", &count))
		return;
	for (size_t i = 0; i < count && !c->ld->stop; i++) {
		const struct ynode *n = val->kids[i];
		struct qbuf b;
		if (!want_string(c, n, "env.pass"))
			continue;
		if (!valid_env_name(n->s, true)) {
			err(c, n,
			    "env.pass: '%s' is not a variable name (letters, digits, '_', "
			    "and '*' as a wildcard)",
			    q(&b, n->s));
			continue;
		}
		struct pd_item *it = list_add(&c->doc->env_pass);
		it->text = xstrdup(n->s);
		it->at = at(c, n);
	}
}

static void env_set(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (!want_map(c, val, "env.set"))
		return;
	struct pd_list *l = &c->doc->env_set;
	size_t first = l->n;
	for (size_t i = 0; i + 1 < val->n && !c->ld->stop; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];
		struct qbuf b;
		if (i / 2 >= LIST_MAX) {
			err(c, k, "env.set: more than %u entries", LIST_MAX);
			break;
		}
		if (k->type != Y_SCALAR || !valid_env_name(k->s, false)) {
			err(c, k, "env.set: '%s' is not a variable name (letters, digits and '_')",
			    k->type == Y_SCALAR ? q(&b, k->s) : type_name(k));
			continue;
		}
		if (!want_string(c, v, "env.set"))
			continue;
		bool dup = false;
		for (size_t j = first; j < l->n && !dup; j++) {
			if (strcmp(l->v[j].text, k->s) == 0) {
				err(c, k, "duplicate key '%s' (first at line %u, column %u)", k->s,
				    l->v[j].at.line, l->v[j].at.col);
				dup = true;
			}
		}
		if (dup)
			continue;
		struct pd_item *it = list_add(l);
		it->text = xstrdup(k->s);
		it->value = xstrdup(v->s);
		it->at = at(c, k);
	}
}

static const struct keyspec env_keys[] = {{"pass", env_pass}, {"set", env_set}};

static void sec_env(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (want_map(c, val, "env"))
		walk_map(c, val, "env", env_keys, ARRAY_SIZE(env_keys), NULL);
}

/* ---- audit ---- */

static void audit_denied(struct pctx *c, const struct ynode *key, const struct ynode *val,
			 void *arg)
{
	(void)arg;
	if (want_bool(c, val, "audit.denied", &c->doc->audit_denied))
		c->doc->audit_at[0] = at(c, key);
}

static void audit_allowed(struct pctx *c, const struct ynode *key, const struct ynode *val,
			  void *arg)
{
	(void)arg;
	if (want_bool(c, val, "audit.allowed", &c->doc->audit_allowed))
		c->doc->audit_at[1] = at(c, key);
}

static const struct keyspec audit_keys[] = {{"denied", audit_denied}, {"allowed", audit_allowed}};

static void sec_audit(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (want_map(c, val, "audit"))
		walk_map(c, val, "audit", audit_keys, ARRAY_SIZE(audit_keys), NULL);
}

/* ---- the top level ---- */

static bool valid_name(const char *s)
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
static bool valid_name_n(const char *s, size_t n)
{
	char buf[NAME_MAX_LEN + 1];
	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return valid_name(buf);
}

static void top_api(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct qbuf b;
	if (want_string(c, val, "apiVersion") && strcmp(val->s, POLICY_API_VERSION) != 0)
		err(c, val, "apiVersion: expected %s, got '%s'", POLICY_API_VERSION, q(&b, val->s));
}

static void top_kind(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct qbuf b;
	if (want_string(c, val, "kind") && strcmp(val->s, "Policy") != 0)
		err(c, val, "kind: expected Policy, got '%s'", q(&b, val->s));
}

static void top_name(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	struct qbuf b;
	if (!want_string(c, val, "name"))
		return;
	if (!valid_name(val->s)) {
		err(c, val,
		    "name: '%s' is not a profile name (1 to 64 of a-z, 0-9, '.', '_', '-', "
		    "starting with a letter or digit)",
		    q(&b, val->s));
		return;
	}
	free(c->doc->name);
	c->doc->name = xstrdup(val->s);
}

static void top_description(struct pctx *c, const struct ynode *key, const struct ynode *val,
			    void *arg)
{
	(void)key;
	(void)arg;
	if (!want_string(c, val, "description"))
		return;
	free(c->doc->description);
	c->doc->description = xstrdup(val->s);
}

static void top_extends(struct pctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
	(void)key;
	(void)arg;
	if (!want_string(c, val, "extends"))
		return;
	c->doc->extends = xstrdup(val->s);
	c->doc->extends_at = at(c, val);
}

static const struct keyspec top_keys[] = {
	{"apiVersion", top_api},
	{"kind", top_kind},
	{"name", top_name},
	{"description", top_description},
	{"extends", top_extends},
	{"filesystem", sec_filesystem},
	{"hidden", sec_hidden},
	{"tmpfs", sec_tmpfs},
	{"exec", sec_exec},
	{"network", sec_network},
	{"resources", sec_resources},
	{"syscalls", sec_syscalls},
	{"env", sec_env},
	{"audit", sec_audit},
};

_Static_assert(ARRAY_SIZE(top_keys) <= KEYS_MAX, "walk_map tracks at most KEYS_MAX keys");

static void walk_top(struct pctx *c, const struct ynode *root)
{
	if (root->type != Y_MAP) {
		err(c, root, "a policy is a mapping (apiVersion, kind, filesystem, ...), got %s",
		    got(root));
		return;
	}
	uint32_t seen = walk_map(c, root, "the policy", top_keys, ARRAY_SIZE(top_keys), NULL);
	if (c->ld->stop)
		return;
	if (!(seen & 1u))
		err(c, root, "missing apiVersion (%s)", POLICY_API_VERSION);
	if (!(seen & 2u))
		err(c, root, "missing kind (Policy)");
}

/* ---- documents, merging ---- */

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
		list_free(lists[i]);
	for (size_t i = 0; i < d->nnet; i++)
		net_rule_free(&d->net[i]);
	free(d->net);
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

/* Merges the effective parent into a child that has only its own file's
 * content: rule lists append (the parent's first), scalars and mappings
 * override key by key, name and description stay the child's. */
static void merge(struct pctx *c, struct policy_doc *child, struct policy_doc *parent)
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
	const struct pd_net_rule *own = first_allow(child);
	if (child->net_mode < 0 && own && parent->net_mode != POLICY_NET_EGRESS) {
		const struct pd_origin *o = &own->at;
		problem(c->ld, c->fname, o->line, o->col,
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
		{"network", child->nnet},
	};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (sizes[i].n > LIST_MAX)
			problem(c->ld, c->fname, child->extends_at.line, child->extends_at.col,
				"extends: more than %u %s entries with those of the parents",
				LIST_MAX, sizes[i].name);
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
			net_rule_free(&d->net[i]);
		d->nnet = 0;
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
	return valid_name(ref);
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

static uint32_t intern_file(struct loader *ld, const char *name)
{
	size_t cap = ld->nfiles;
	ld->files = pd_grow(ld->files, &cap, ld->nfiles + 1, sizeof(char *));
	ld->files[ld->nfiles] = xstrdup(name);
	return (uint32_t)ld->nfiles++;
}

static struct policy_doc *load_text(struct loader *ld, const char *file, const char *buf,
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
static char *find_shipped(const struct loader *ld, const char *name)
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

static void list_dirs(const struct loader *ld, char *out, size_t size)
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
static char *extends_path(struct pctx *c, const char *ref)
{
	struct qbuf b;
	if (policy_ref_is_name(ref)) {
		char *path = find_shipped(c->ld, ref);
		if (!path) {
			char dirs[512];
			list_dirs(c->ld, dirs, sizeof(dirs));
			const struct pd_origin *o = &c->doc->extends_at;
			problem(c->ld, c->fname, o->line, o->col,
				"extends: no shipped profile named '%s' (looked in %s)", q(&b, ref),
				dirs);
		}
		return path;
	}
	if (c->ld->opts && c->ld->opts->shipped_only) {
		const struct pd_origin *o = &c->doc->extends_at;
		problem(c->ld, c->fname, o->line, o->col,
			"extends: only shipped profile names are allowed here, got '%s'",
			q(&b, ref));
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

static struct policy_doc *load_extends(struct pctx *c)
{
	struct loader *ld = c->ld;
	const struct pd_origin *o = &c->doc->extends_at;
	struct qbuf b;
	if (ld->depth >= EXTENDS_MAX) {
		problem(ld, c->fname, o->line, o->col, "extends: more than %u profiles in a chain",
			EXTENDS_MAX);
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
		problem(ld, c->fname, o->line, o->col, "extends: cannot read '%s': %s", q(&b, path),
			read_error(r));
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
		problem(ld, c->fname, o->line, o->col, "extends: a cycle: %s", cycle);
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
static struct policy_doc *load_text(struct loader *ld, const char *file, const char *buf,
				    size_t len)
{
	struct policy_doc *doc = doc_new();
	struct pctx c = {.ld = ld, .doc = doc};
	c.file = intern_file(ld, file);
	c.fname = ld->files[c.file];
	ld->chain[ld->depth].file = c.fname;
	ld->depth++;

	struct ynode *root = parse_tree(&c, buf, len);
	if (root)
		walk_top(&c, root);
	ynode_free(root);

	if (!doc->name) {
		/* The file's base name, without its extension. */
		const char *base = strrchr(file, '/');
		base = base ? base + 1 : file;
		size_t n = strcspn(base, ".");
		doc->name = valid_name_n(base, n) ? strndup(base, n) : xstrdup("policy");
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
		const struct pd_net_rule *own = first_allow(doc);
		if (!doc->extends && own && doc->net_mode < 0) {
			const struct pd_origin *o = &own->at;
			problem(ld, c.fname, o->line, o->col,
				"network: allow entries need mode: egress");
		}
	}
	ld->depth--;
	return doc;
}

static struct policy_doc *load_done(struct loader *ld, struct policy_doc *doc)
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
	struct loader ld = {.opts = opts, .pr = pr, .pr_start = pr->n};
	if (len > FILE_MAX) {
		problem(&ld, file, 0, 0, "larger than 1 MiB");
		return NULL;
	}
	return load_done(&ld, load_text(&ld, file, buf, len));
}

struct policy_doc *policy_load(const char *ref, const struct policy_load_opts *opts,
			       struct policy_problems *pr)
{
	struct loader ld = {.opts = opts, .pr = pr, .pr_start = pr->n};
	char *path;
	struct qbuf b;
	if (policy_ref_is_name(ref)) {
		path = find_shipped(&ld, ref);
		if (!path) {
			char dirs[512];
			list_dirs(&ld, dirs, sizeof(dirs));
			problem(&ld, ref, 0, 0, "no shipped profile named '%s' (looked in %s)",
				q(&b, ref), dirs);
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
		problem(&ld, path, 0, 0, "cannot read: %s", read_error(r));
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
