/* SPDX-License-Identifier: Apache-2.0 */
/* The mapping that holds an address (sentry/maps_query.h). The text of
 * /proc/<tid>/maps costs a read per page of it and the kernel formats every
 * mapping; PROCMAP_QUERY asks for the one. */
#include "sentry/maps_query.h"

#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef PROCMAP_QUERY
/* include/uapi/linux/fs.h, Linux 6.11. */
struct procmap_query {
	__u64 size;
	__u64 query_flags;
	__u64 query_addr;
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;
	__u64 vma_page_size;
	__u64 vma_offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 vma_name_size;
	__u32 build_id_size;
	__u64 vma_name_addr;
	__u64 build_id_addr;
};
#define PROCMAP_QUERY		   _IOWR('f', 17, struct procmap_query)
#define PROCMAP_QUERY_VMA_WRITABLE 0x02
#endif

int maps_query_ioctl(int maps_fd, uint64_t addr, struct maps_vma *vma)
{
	struct procmap_query q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_addr = addr; /* no flags: the mapping covering addr only */
	if (ioctl(maps_fd, PROCMAP_QUERY, &q) < 0)
		return -errno;
	vma->start = q.vma_start;
	vma->end = q.vma_end;
	vma->writable = (q.vma_flags & PROCMAP_QUERY_VMA_WRITABLE) != 0;
	return 0;
}

/* Whether line (NUL-terminated) is the mapping that holds addr. */
static bool line_holds(const char *line, uint64_t addr, struct maps_vma *vma)
{
	unsigned long start, end;
	char perms[5];

	if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3 || addr < start || addr >= end)
		return false;
	*vma = (struct maps_vma){.start = start, .end = end, .writable = perms[1] == 'w'};
	return true;
}

int maps_query_text(int maps_fd, uint64_t addr, struct maps_vma *vma)
{
	char buf[8192 + 1]; /* a line: about 80 bytes and a path of up to PATH_MAX */
	size_t have = 0;
	off_t at = 0;

	for (;;) {
		ssize_t n = pread(maps_fd, buf + have, sizeof(buf) - 1 - have, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		at += n;
		have += (size_t)n;
		buf[have] = '\0';
		char *line = buf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (line_holds(line, addr, vma))
				return 0;
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		if (n == 0) /* the end; a last line without a newline */
			return have && line_holds(line, addr, vma) ? 0 : -ENOENT;
		if (have == sizeof(buf) - 1)
			return -EIO; /* no line is that long */
		memmove(buf, line, have);
	}
}

int maps_query(int maps_fd, uint64_t addr, struct maps_vma *vma)
{
	static bool no_ioctl;

	if (!no_ioctl) {
		int r = maps_query_ioctl(maps_fd, addr, vma);
		if (r != -ENOTTY && r != -EINVAL)
			return r;
		no_ioctl = true;
	}
	return maps_query_text(maps_fd, addr, vma);
}
