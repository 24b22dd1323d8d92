/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp filters compiled at build time (runsc-c-genfilter) and embedded in
 * runsc-c as [start, end) byte ranges, so that no sandbox start pays for
 * libseccomp's compilation. The symbols are weak: the build-time tool and
 * the unit tests, which embed nothing, compile at run time instead. */
#ifndef RUNSC_COMMON_BPF_BLOB_H
#define RUNSC_COMMON_BPF_BLOB_H

#include <linux/filter.h>

/* The program of an embedded filter. 0, or -ENOENT when the blob is absent,
 * -EINVAL when it is not a whole number of instructions within BPF_MAXINSNS. */
int bpf_blob_prog(const char *start, const char *end, struct sock_fprog *prog);

/* Installs an embedded filter on the calling thread, setting no_new_privs
 * first as libseccomp's seccomp_load() does. 0, or a negative errno. */
int bpf_blob_install(const char *start, const char *end);

#endif
