/* SPDX-License-Identifier: Apache-2.0 */
/* The argument space of an exec (sentry/exec_args.c). */
#ifndef RUNSC_SENTRY_EXEC_ARGS_H
#define RUNSC_SENTRY_EXEC_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sentry/sentry.h"

/* Linux's limit on one argument string, its NUL included (fs/exec.c). */
#define MAX_ARG_STRLEN (32 * 4096)

/* One execve/execveat as the guest made it. */
struct exec_call {
	bool at;
	int dirfd;
	int flags;
	uint64_t path_addr, argv_addr, envp_addr;
};

/* Bytes of argv/envp strings as copy_strings counts them. */
struct arg_space {
	size_t budget;
	size_t used;
	size_t argv0_len; /* what the next "#!" level drops */
};

/* Counts bytes against the budget: -E2BIG when they do not fit. */
int exec_arg_add(struct arg_space *a, size_t bytes);
/* bprm_stack_limits and copy_strings: E2BIG and EFAULT as Linux decides,
 * for the calling task's argv and envp and the file name; fills a. */
int exec_check_args(struct sc_ctx *c, const struct exec_call *call, const char *filename,
		    struct arg_space *a);

#endif
