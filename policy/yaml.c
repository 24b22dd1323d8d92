/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML side of the policy parser: libyaml events into a small tree with
 * positions, the typed getters the section parsers read it with, and the
 * problems they report, each naming file:line:column. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/util.h"
#include "policy/yaml.h"

#define TREE_MAX_DEPTH 32
#define TREE_MAX_NODES 65536
#define PROBLEMS_MAX   100

/* ---- problems ---- */

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

__attribute__((format(printf, 5, 0))) static void vproblem(struct pd_loader *ld, const char *file,
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

void pd_problem(struct pd_loader *ld, const char *file, uint32_t line, uint32_t col,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(ld, file, line, col, fmt, ap);
	va_end(ap);
}

const char *pd_quote(struct pd_qbuf *b, const char *s)
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

void yn_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		yn_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

void pd_err(struct pd_ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c->ld, c->fname, n ? n->line : 1, n ? n->col : 1, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void err_mark(struct pd_ctx *c, const yaml_mark_t *m,
							   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(c->ld, c->fname, (uint32_t)m->line + 1, (uint32_t)m->column + 1, fmt, ap);
	va_end(ap);
}

static void syntax_problem(struct pd_ctx *c, const yaml_parser_t *p, const char *buf, size_t len)
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
	struct pd_ctx *c;
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
		yn_free(t->root);
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

struct ynode *yn_parse(struct pd_ctx *c, const char *buf, size_t len)
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
		yn_free(t.root);
		return NULL;
	}
	if (!t.root)
		pd_err(c, NULL,
		       "an empty policy: expected a mapping with apiVersion: %s and kind: Policy",
		       POLICY_API_VERSION);
	return t.root;
}

/* ---- node helpers ---- */

const char *yn_type_name(const struct ynode *n)
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

bool yn_is_null(const struct ynode *n)
{
	if (n->type != Y_SCALAR || !n->plain)
		return false;
	return n->s[0] == '\0' || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
	       strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
}

const char *yn_got(const struct ynode *n)
{
	return yn_is_null(n) ? "nothing" : yn_type_name(n);
}

/* A string value (any scalar but null). */
bool pd_want_string(struct pd_ctx *c, const struct ynode *n, const char *what)
{
	if (n->type == Y_SCALAR && !yn_is_null(n))
		return true;
	pd_err(c, n, "%s: expected a string, got %s", what, yn_got(n));
	return false;
}

bool pd_want_bool(struct pd_ctx *c, const struct ynode *n, const char *what, int *out)
{
	if (n->type == Y_SCALAR && n->plain && strcmp(n->s, "true") == 0) {
		*out = 1;
		return true;
	}
	if (n->type == Y_SCALAR && n->plain && strcmp(n->s, "false") == 0) {
		*out = 0;
		return true;
	}
	struct pd_qbuf b;
	if (n->type == Y_SCALAR && !yn_is_null(n))
		pd_err(c, n, "%s: expected true or false, got '%s'", what, pd_quote(&b, n->s));
	else
		pd_err(c, n, "%s: expected true or false, got %s", what, yn_got(n));
	return false;
}

/* A list, or nothing (an empty list). How many entries to read. */
bool pd_want_seq(struct pd_ctx *c, const struct ynode *n, const char *what, size_t *count)
{
	*count = 0;
	if (yn_is_null(n))
		return true;
	if (n->type != Y_SEQ) {
		pd_err(c, n, "%s: expected a list, got %s", what, yn_got(n));
		return false;
	}
	*count = n->n;
	if (n->n > PD_LIST_MAX) {
		pd_err(c, n, "%s: more than %u entries", what, PD_LIST_MAX);
		*count = PD_LIST_MAX;
	}
	return true;
}

bool pd_want_map(struct pd_ctx *c, const struct ynode *n, const char *what)
{
	if (n->type == Y_MAP || yn_is_null(n))
		return true;
	pd_err(c, n, "%s: expected a mapping, got %s", what, yn_got(n));
	return false;
}

struct pd_origin pd_at(const struct pd_ctx *c, const struct ynode *n)
{
	return (struct pd_origin){.file = c->file, .line = n->line, .col = n->col};
}

size_t pd_distance(const char *a, const char *b)
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

const char *pd_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t limit = strlen(word) / 3 + 1, best = SIZE_MAX;
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = pd_distance(word, cands[i]);
		if (d <= limit && d < best) {
			best = d;
			found = cands[i];
		}
	}
	return found;
}

/* Walks a mapping's keys: unknown and duplicate keys are problems; each
 * known key's function gets its value. Returns a bit per key seen. */
uint32_t pd_walk_map(struct pd_ctx *c, const struct ynode *map, const char *where,
		     const struct pd_keyspec *keys, size_t nkeys, void *arg)
{
	const struct ynode *seen[PD_KEYS_MAX] = {0};
	uint32_t mask = 0;
	if (map->type != Y_MAP)
		return 0;
	for (size_t i = 0; i + 1 < map->n && !c->ld->stop; i += 2) {
		const struct ynode *key = map->kids[i], *val = map->kids[i + 1];
		struct pd_qbuf b;
		if (key->type != Y_SCALAR) {
			pd_err(c, key, "%s: a key must be a name, got %s", where,
			       yn_type_name(key));
			continue;
		}
		size_t j = 0;
		while (j < nkeys && strcmp(keys[j].name, key->s) != 0)
			j++;
		if (j == nkeys) {
			const char *names[PD_KEYS_MAX];
			for (size_t k = 0; k < nkeys; k++)
				names[k] = keys[k].name;
			const char *s = pd_suggest(key->s, names, nkeys);
			if (s) {
				pd_err(c, key, "unknown key '%s' in %s (did you mean '%s'?)",
				       pd_quote(&b, key->s), where, s);
			} else {
				char list[256] = "";
				for (size_t k = 0; k < nkeys; k++) {
					strncat(list, k ? ", " : "",
						sizeof(list) - strlen(list) - 1);
					strncat(list, names[k], sizeof(list) - strlen(list) - 1);
				}
				pd_err(c, key, "unknown key '%s' in %s (expected %s)",
				       pd_quote(&b, key->s), where, list);
			}
			continue;
		}
		if (seen[j]) {
			pd_err(c, key, "duplicate key '%s' (first at line %u, column %u)",
			       keys[j].name, seen[j]->line, seen[j]->col);
			continue;
		}
		seen[j] = key;
		mask |= 1u << j;
		keys[j].fn(c, key, val, arg);
	}
	return mask;
}
