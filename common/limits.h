/* SPDX-License-Identifier: Apache-2.0 */
/* The least each resource limit of a sandbox may be: what a sandbox needs
 * to start its command (the guest's init and the command; the loader's and
 * the dynamic linker's mappings). The flags of `runsc-c do`, a policy's
 * resources: section and the sandbox library refuse less, naming these.
 *
 * And the parsers of a limit's text that they share (common/limits.c):
 * sandbox_limit_parse (sandbox/sandbox.h) is made of them, and a caller
 * whose syntax is the same uses them too, so that a value means one thing
 * and a bad one gets one message wherever it is given. */
#ifndef RUNSC_COMMON_LIMITS_H
#define RUNSC_COMMON_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

#define LIMIT_MEMORY_MIN    (16ULL << 20)
#define LIMIT_PIDS_MIN	    2ULL
#define LIMIT_PIDS_MAX	    4194304ULL /* the kernel's pid_max limit */
#define LIMIT_DISK_MIN	    (1ULL << 20)
#define LIMIT_CPU_MILLI_MIN 10ULL /* the kernel's least quota: 1 ms per 100 ms */

/* A size (size_parse: bytes, or k m g t as powers of 1024, "Mi" and "MB"
 * alike) of at least least bytes: 0, or -EINVAL with err saying "'TEXT':
 * expected ..." or "'TEXT' is below what a sandbox needs to start: ...". */
int limit_size_parse(const char *text, uint64_t least, uint64_t *out, struct rc_error *err);
/* A number of tasks, decimal digits only, LIMIT_PIDS_MIN to
 * LIMIT_PIDS_MAX: 0, or -EINVAL with err as above. */
int limit_pids_parse(const char *text, uint64_t *out, struct rc_error *err);
/* A number of CPUs as a plain decimal, N or N.N (no sign, exponent, hex,
 * inf or nan), from LIMIT_CPU_MILLI_MIN / 1000 to the host's online
 * CPUs: 0, or -EINVAL with err as above. */
int limit_cpus_parse(const char *text, double *out, struct rc_error *err);
/* A cpuset list as cpuset.cpus and cpuset.mems take it ("0-3,6"), of
 * CPUs (mems: memory nodes) the host has online: 0, or -EINVAL with err
 * saying "'TEXT': expected ..." or naming the host's. */
#define LIMIT_CPUSET_IDS 1024
int limit_cpuset_parse(const char *text, bool mems, struct rc_error *err);

#endif
