/* SPDX-License-Identifier: Apache-2.0 */
/* The guest init's builtins (enum exec_builtin, common/exec_proto.h):
 * what a process init started runs in place of a program of the view. */
#ifndef RUNSC_GUEST_BUILTIN_H
#define RUNSC_GUEST_BUILTIN_H

#include <stdint.h>

/* Runs builtin b (not EXEC_BUILTIN_NONE) with argv (argc strings) on the
 * calling process's fds 0, 1 and 2; returns its exit status. It calls
 * nothing that allocates: it runs in a fork of init, under the guest's
 * filters, where every call it makes is one a program could make. */
int guest_builtin_run(uint32_t b, int argc, char *const *argv);

#endif
