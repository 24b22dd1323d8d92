/* SPDX-License-Identifier: Apache-2.0 */
/* The one mapping of a process that holds an address, from its
 * /proc/<tid>/maps: by the PROCMAP_QUERY ioctl (Linux 6.11+), or by reading
 * the text on kernels without it. */
#ifndef RUNSC_SENTRY_MAPS_QUERY_H
#define RUNSC_SENTRY_MAPS_QUERY_H

#include <stdbool.h>
#include <stdint.h>

struct maps_vma {
	uint64_t start, end; /* [start, end) */
	bool writable;
};

/* On maps_fd, an open /proc/<tid>/maps: 0 and *vma for the mapping that
 * holds addr, -ENOENT when none does, -ENOTTY or -EINVAL when the kernel
 * has no PROCMAP_QUERY, another -errno on failure. */
int maps_query_ioctl(int maps_fd, uint64_t addr, struct maps_vma *vma);
/* The same answer from the text of maps_fd (read with pread from its start). */
int maps_query_text(int maps_fd, uint64_t addr, struct maps_vma *vma);
/* The ioctl, and the text when the kernel lacks the ioctl (remembered). */
int maps_query(int maps_fd, uint64_t addr, struct maps_vma *vma);

#endif
