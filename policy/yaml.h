/* SPDX-License-Identifier: Apache-2.0 */
/* The YAML document tree of a policy file and the typed getters the section
 * parsers read it with; every problem names file:line:column. Internal to
 * the policy parser (yaml.c, section*.c, load.c). */
#ifndef RUNSC_POLICY_YAML_H
#define RUNSC_POLICY_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/compile.h"
#include "policy/doc.h"

#define PD_LIST_MAX 4096 /* entries of one list in one file */
#define EXTENDS_MAX 16	 /* files in one extends chain */

/* One load: the problems found so far and the extends chain being read. */
struct pd_loader {
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

enum ytype { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ytype type;
	uint32_t line, col;  /* 1-based */
	char *s;	     /* scalar */
	bool plain;	     /* an unquoted scalar */
	struct ynode **kids; /* sequence items; mapping keys and values in turn */
	size_t n, cap;
};

/* The file being parsed. */
struct pd_ctx {
	struct pd_loader *ld;
	const char *fname;
	uint32_t file;
	struct policy_doc *doc;
};

/* ---- problems ---- */

/* A problem at file:line:col (line 0: the file as a whole). After
 * PROBLEMS_MAX of them, one more says so and the load stops. */
void pd_problem(struct pd_loader *ld, const char *file, uint32_t line, uint32_t col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A problem at a node of the file being parsed (NULL: its start). */
void pd_err(struct pd_ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A string from the file, fit for a one-line message: control characters
 * escaped, long ones cut. */
struct pd_qbuf {
	char s[100];
};
const char *pd_quote(struct pd_qbuf *b, const char *s);

/* ---- the tree ---- */

/* Parses a whole file into a tree; NULL after a problem. */
struct ynode *yn_parse(struct pd_ctx *c, const char *buf, size_t len);
void yn_free(struct ynode *n);
/* "a list", "a mapping", "a scalar". */
const char *yn_type_name(const struct ynode *n);
/* A plain scalar YAML reads as null ("", ~, null). */
bool yn_is_null(const struct ynode *n);
/* What a node is, for "expected X, got Y": "nothing" for null. */
const char *yn_got(const struct ynode *n);

/* ---- typed getters: false after reporting the problem ---- */

/* A string value (any scalar but null). */
bool pd_want_string(struct pd_ctx *c, const struct ynode *n, const char *what);
bool pd_want_bool(struct pd_ctx *c, const struct ynode *n, const char *what, int *out);
/* A list, or nothing (an empty list); *count: how many entries to read. */
bool pd_want_seq(struct pd_ctx *c, const struct ynode *n, const char *what, size_t *count);
/* A mapping, or nothing. */
bool pd_want_map(struct pd_ctx *c, const struct ynode *n, const char *what);
/* Where a node was written. */
struct pd_origin pd_at(const struct pd_ctx *c, const struct ynode *n);

/* Edit distance, for "did you mean". Strings longer than 63 bytes never
 * match (SIZE_MAX). */
size_t pd_distance(const char *a, const char *b);
/* The closest candidate within a third of the word's length, or NULL. */
const char *pd_suggest(const char *word, const char *const *cands, size_t n);

/* ---- mappings ---- */

typedef void (*pd_key_fn)(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
			  void *arg);

struct pd_keyspec {
	const char *name;
	pd_key_fn fn;
};

#define PD_KEYS_MAX 16

/* Walks a mapping's keys (at most PD_KEYS_MAX known ones): unknown and
 * duplicate keys are problems; each known key's function gets its value.
 * Returns a bit per key seen. */
uint32_t pd_walk_map(struct pd_ctx *c, const struct ynode *map, const char *where,
		     const struct pd_keyspec *keys, size_t nkeys, void *arg);

#endif
