/* SPDX-License-Identifier: Apache-2.0 */
/* The least each resource limit of a sandbox may be: what a sandbox needs
 * to start its command (the guest's init and the command; the loader's and
 * the dynamic linker's mappings). The flags of `runsc-c do`, a policy's
 * resources: section and the sandbox library refuse less, naming these. */
#ifndef RUNSC_COMMON_LIMITS_H
#define RUNSC_COMMON_LIMITS_H

#define LIMIT_MEMORY_MIN    (16ULL << 20)
#define LIMIT_PIDS_MIN	    2ULL
#define LIMIT_DISK_MIN	    (1ULL << 20)
#define LIMIT_CPU_MILLI_MIN 10ULL /* the kernel's least quota: 1 ms per 100 ms */

#endif
