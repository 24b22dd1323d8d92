/* SPDX-License-Identifier: Apache-2.0 */
/* What the exec loader receives from the sentry through its reserved call
 * syscall(RUNSC_NR_LOADER, struct loader_info *buf, size_t bufsize). The
 * sentry installs the fds with SECCOMP_IOCTL_NOTIF_ADDFD and writes this
 * structure into the loader's buffer before answering 0. */
#ifndef RUNSC_COMMON_LOADER_ABI_H
#define RUNSC_COMMON_LOADER_ABI_H

#include <stdint.h>

#define LOADER_PATH	    "/loader"
#define LOADER_INFO_VERSION 1
#define LOADER_INFO_MAX	    8192

struct loader_info {
	uint32_t version;
	int32_t exe_fd;	   /* the ELF object to run (for a script: its interpreter) */
	int32_t interp_fd; /* the object's PT_INTERP, or -1 for a static binary */
	/* For "#!" scripts: how many strings replace argv[0]. The new argv is
	 * these strings followed by the original argv[1..]. 0: argv unchanged. */
	uint32_t argv_prefix_count;
	uint32_t strings_len; /* bytes used in strings */
	uint32_t pad;
	/* NUL-separated: argv_prefix_count prefix strings, then AT_EXECFN (the
	 * filename given to execve), then the process name (comm, ≤ 15 bytes). */
	char strings[];
};

#endif
