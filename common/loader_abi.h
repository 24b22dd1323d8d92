/* SPDX-License-Identifier: Apache-2.0 */
/* What the exec loader receives from the sentry through its reserved call
 * syscall(RUNSC_NR_LOADER, struct loader_info *buf, size_t bufsize). The
 * sentry installs the interpreter's fd (if any) with
 * SECCOMP_IOCTL_NOTIF_ADDFD, writes this structure into the loader's
 * buffer, and installs the binary's fd with SECCOMP_ADDFD_FLAG_SEND: the
 * call returns the binary's fd. */
#ifndef RUNSC_COMMON_LOADER_ABI_H
#define RUNSC_COMMON_LOADER_ABI_H

#include <stdint.h>

#define LOADER_PATH	    "/loader"
#define LOADER_INFO_VERSION 2
#define LOADER_INFO_MAX	    8192

struct loader_info {
	uint32_t version;
	/* The ELF object to run (for a script: its interpreter) is the
	 * call's result; this is its PT_INTERP, or -1 for a static binary. */
	int32_t interp_fd;
	/* For "#!" scripts: how many strings replace argv[0]. The new argv is
	 * these strings followed by the original argv[1..]. 0: argv unchanged. */
	uint32_t argv_prefix_count;
	uint32_t strings_len; /* bytes used in strings */
	/* NUL-separated: argv_prefix_count prefix strings, then AT_EXECFN (the
	 * filename given to execve), then the process name (comm, ≤ 15 bytes). */
	char strings[];
};

#endif
