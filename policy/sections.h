/* SPDX-License-Identifier: Apache-2.0 */
/* The section parsers of a policy file: one function per top-level key,
 * each reading its part of the tree into the document (section_*.c), and
 * the walk over the top level (sections.c). Internal to the policy parser. */
#ifndef RUNSC_POLICY_SECTIONS_H
#define RUNSC_POLICY_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/yaml.h"

/* Reads a whole file's tree into c->doc; problems go to c->ld. */
void pd_walk_top(struct pd_ctx *c, const struct ynode *root);

/* The top-level sections, as pd_key_fn. */
void pd_sec_filesystem(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		       void *arg);
void pd_sec_hidden(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_tmpfs(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_exec(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_network(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_resources(struct pd_ctx *c, const struct ynode *key, const struct ynode *val,
		      void *arg);
void pd_sec_syscalls(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_env(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);
void pd_sec_audit(struct pd_ctx *c, const struct ynode *key, const struct ynode *val, void *arg);

/* A profile name: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a
 * letter or digit. _n: the first n bytes of s. */
bool pd_valid_name(const char *s);
bool pd_valid_name_n(const char *s, size_t n);

/* Decimal digits only, without overflow. */
bool pd_parse_uint(const char *s, uint64_t *out);

#endif
