/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp filters compiled at build time (runsc-c-genfilter) and embedded in
 * runsc-c as [start, end) byte ranges, so that no sandbox start pays for
 * libseccomp's compilation. The symbols are weak: the build-time tool and
 * the unit tests, which embed nothing, compile at run time instead. */
#ifndef RUNSC_COMMON_BPF_BLOB_H
#define RUNSC_COMMON_BPF_BLOB_H

#include <linux/filter.h>
#include <seccomp.h>

/* The program of an embedded filter. 0, or -ENOENT when the blob is absent,
 * -EINVAL when it is not a whole number of instructions within BPF_MAXINSNS. */
int bpf_blob_prog(const char *start, const char *end, struct sock_fprog *prog);

/* Installs an embedded filter on the calling thread, setting no_new_privs
 * first as libseccomp's seccomp_load() does. 0, or a negative errno. */
int bpf_blob_install(const char *start, const char *end);

/* Builds a filter with libseccomp: 0 and *ctx, or a negative errno. */
typedef int (*bpf_build_fn)(scmp_filter_ctx *ctx);
/* Writes the filter build makes to fd as BPF (for the build to embed). */
int bpf_filter_export(bpf_build_fn build, int fd);
/* Installs the embedded filter [start, end), or, when runsc-c embeds none,
 * the one build makes. 0, or a negative errno. */
int bpf_filter_install(const char *start, const char *end, bpf_build_fn build);
/* The same on every thread of the process at once (SECCOMP_FILTER_FLAG_TSYNC):
 * -EAGAIN when a thread cannot take it (it has a filter of its own). */
int bpf_filter_install_all_threads(const char *start, const char *end, bpf_build_fn build);

/* The BPF of ctx in memory: prog->filter is the caller's to free. 0, or a
 * negative errno (-E2BIG past BPF_MAXINSNS). */
int bpf_filter_export_memory(scmp_filter_ctx ctx, struct sock_fprog *prog);

#endif
