/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/<pid>/pagemap: one 64-bit entry per virtual page of the process.
 * Linux shows a reader without CAP_SYS_ADMIN the flag bits (present,
 * swapped, file-backed or shared, exclusively mapped, soft-dirty, ...)
 * with the page frame numbers zeroed, which is what the guest gets: the
 * guest procfs's file read by the sentry, bits 0-54 cleared, so no host
 * physical address reaches the guest. Programs pread the entry of an
 * address at offset (address / page size) * 8, so the file is a sealed
 * memfd as large as the whole user address space (sparse: 256 GiB of
 * holes, which read as zero entries: not present), with the entries of
 * the mapped ranges written in at open. At most PAGEMAP_BUDGET bytes of
 * entries are read per open (4 GiB of mapped address space): past them
 * (huge reservations such as a sanitizer's shadow) entries read as zero.
 * The budget bounds the sentry's work per open (its loop answers no one
 * meanwhile) and the memory each open fd holds: the memfd's pages count
 * in the sandbox's cgroup, under its memory limit, for as long as the
 * guest keeps the fd. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

#define PAGE_SIZE_BYTES	 4096ULL
#define USER_SPACE_END	 (1ULL << 47) /* x86-64, 4-level page tables */
#define PAGEMAP_SIZE	 (USER_SPACE_END / PAGE_SIZE_BYTES * 8)
#define PAGEMAP_PFN_BITS ((1ULL << 55) - 1)
#define PAGEMAP_BUDGET	 (8ULL << 20)
#define PAGEMAP_CHUNK	 (64 * 1024)

/* Copies the entries of [start, end) from src to dst, frame numbers
 * cleared; chunks of zero entries stay holes. Lowers *budget by what it
 * read. */
static int copy_range(int src, int dst, uint64_t start, uint64_t end, uint64_t *budget)
{
	_cleanup_free_ uint64_t *buf = xmalloc(PAGEMAP_CHUNK);
	uint64_t off = start / PAGE_SIZE_BYTES * 8, stop = end / PAGE_SIZE_BYTES * 8;

	while (off<stop && * budget> 0) {
		size_t want = stop - off < PAGEMAP_CHUNK ? (size_t)(stop - off) : PAGEMAP_CHUNK;
		if (want > *budget)
			want = (size_t)*budget;
		ssize_t got = pread(src, buf, want, (off_t)off);
		if (got < 0)
			return -errno;
		if (got == 0)
			return 0;
		*budget -= (uint64_t)got;
		bool any = false;
		for (size_t i = 0; i < (size_t)got / 8; i++) {
			buf[i] &= ~PAGEMAP_PFN_BITS;
			any = any || buf[i];
		}
		/* lseek and write: the sentry's own filter has no pwrite */
		if (any &&
		    (lseek(dst, (off_t)off, SEEK_SET) < 0 || write_all(dst, buf, (size_t)got) < 0))
			return -EIO;
		off += (uint64_t)got;
	}
	return 0;
}

int procfs_pagemap_open(struct pctx *pc, const struct pnode *n, int flags)
{
	char maps[PATH_MAX];
	const char *base = strrchr(n->path, '/');
	size_t dir_len = base ? (size_t)(base - n->path) + 1 : 0;
	if (snprintf(maps, sizeof(maps), "%.*smaps", (int)dir_len, n->path) >= (int)sizeof(maps))
		return -ENAMETOOLONG;
	_cleanup_close_ int src = openat(pc->s->guest_procfd, n->path, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return procfs_gone(errno);
	_cleanup_free_ char *text = NULL;
	ssize_t len = read_file_at(pc->s->guest_procfd, maps, &text);
	if (len < 0)
		return procfs_gone((int)-len);
	_cleanup_close_ int fd = procfs_node_memfd(n);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)PAGEMAP_SIZE) < 0)
		return -errno;
	uint64_t budget = PAGEMAP_BUDGET;
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		uint64_t start, end;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) != 2 ||
		    start >= USER_SPACE_END)
			continue;
		int r = copy_range(src, fd, start, end < USER_SPACE_END ? end : USER_SPACE_END,
				   &budget);
		if (r < 0)
			return r;
	}
	return procfs_seal_reopen(pc, fd, 0400, flags);
}
