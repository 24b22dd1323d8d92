/* SPDX-License-Identifier: Apache-2.0 */
/* The effective policy as the parser builds it (files, positions, the text
 * of every entry): shared by the parser (yaml.c, section*.c, load.c) and by
 * the code that prints (print.c) and compiles it (compile.c). Internal to
 * policy/: everything else goes through policy/compile.h. */
#ifndef RUNSC_POLICY_DOC_H
#define RUNSC_POLICY_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/publish.h"

#define POLICY_API_VERSION "runsc-c/v1"

struct pd_origin {
	uint32_t file; /* index into policy_doc.files */
	uint32_t line;
	uint32_t col;
};

/* One entry of a list: a glob, a name, a pattern, a name=value. */
struct pd_item {
	char *text;
	char *value; /* env.set */
	struct pd_origin at;
	uint8_t access; /* filesystem rules */
	int nr;		/* syscalls.deny */
};

struct pd_list {
	struct pd_item *v;
	size_t n, cap;
};

struct pd_port_range {
	uint16_t lo, hi;
};

struct pd_net_rule {
	char *host; /* lower case, without "*."; NULL for a cidr */
	bool wildcard;
	char *cidr; /* as written */
	uint8_t family, prefix, addr[16];
	struct pd_port_range *ports; /* none: every port */
	size_t nports;
	bool deny; /* network.deny */
	struct pd_origin at;
};

/* network.publish: one published port. */
struct pd_publish {
	struct publish p;
	struct pd_origin at;
};

enum pd_res { RES_MEMORY, RES_PIDS, RES_CPU, RES_TIMEOUT, RES_DISK, RES_N };
extern const char *const pd_res_names[RES_N];

struct policy_doc {
	char *name;
	char *description;
	char *extends; /* this file's own, before merging */
	struct pd_origin extends_at;
	char **files; /* every file of the chain; origins index it */
	size_t nfiles;
	uint32_t *chain; /* files from this one down to the base */
	size_t nchain;

	struct pd_list fs, hidden, tmpfs, exec_allow, exec_deny, sc_deny, env_pass, env_set;
	bool exec_allow_set;
	struct pd_origin exec_allow_at;
	int net_mode; /* -1: not given */
	struct pd_net_rule *net;
	size_t nnet;
	struct pd_publish *publish; /* network.publish */
	size_t npublish;
	uint64_t res[RES_N];
	uint32_t res_set; /* bit per enum pd_res */
	struct pd_origin res_at[RES_N];
	int audit_denied, audit_allowed; /* -1: not given */
	struct pd_origin audit_at[2];
};

/* Grows an array to hold need elements of size bytes; dies when memory is
 * short. */
void *pd_grow(void *p, size_t *cap, size_t need, size_t size);

/* A new, zeroed entry at the end of a list. */
struct pd_item *pd_list_add(struct pd_list *l);
void pd_list_free(struct pd_list *l);
void pd_net_rule_free(struct pd_net_rule *r);
/* The first allow entry of a document, or NULL. */
const struct pd_net_rule *pd_first_allow(const struct policy_doc *d);

#endif
