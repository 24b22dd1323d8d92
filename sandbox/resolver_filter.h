/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp filter of the sandbox's DNS resolver (sandbox/resolver.c):
 * an allowlist, compiled at build time (runsc-c-genfilter resolver) and
 * installed once the resolver has dropped its privileges. */
#ifndef RUNSC_SANDBOX_RESOLVER_FILTER_H
#define RUNSC_SANDBOX_RESOLVER_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the filter's BPF to fd (for the build). 0, or -errno. */
int resolver_filter_export(int fd);
/* Installs it on every thread of the calling process. 0, or -errno. */
int resolver_filter_apply(void);
/* Row i of the allowlist: false past the end. */
bool resolver_filter_entry(size_t i, const char **name, const char **why);

#endif
