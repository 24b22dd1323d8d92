/* SPDX-License-Identifier: Apache-2.0 */
#include "common/bpf_blob.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/compat.h"

int bpf_blob_prog(const char *start, const char *end, struct sock_fprog *prog)
{
	if (!start || !end)
		return -ENOENT;
	size_t size = (size_t)(end - start);
	if (end < start || size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -EINVAL;
	prog->len = (unsigned short)(size / sizeof(struct sock_filter));
	prog->filter = (struct sock_filter *)(uintptr_t)start;
	return 0;
}

static int blob_install(const char *start, const char *end, unsigned flags)
{
	struct sock_fprog prog;
	int r = bpf_blob_prog(start, end, &prog);
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* With TSYNC the result is the id of a thread that could not follow. */
	r = (int)sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0)
		return -errno;
	return r > 0 ? -EAGAIN : 0;
}

int bpf_blob_install(const char *start, const char *end)
{
	return blob_install(start, end, 0);
}

int bpf_filter_export(bpf_build_fn build, int fd)
{
	scmp_filter_ctx ctx;
	int r = build(&ctx);
	if (r < 0)
		return r;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	return r;
}

static int filter_install(const char *start, const char *end, bpf_build_fn build, bool all_threads)
{
	int r = blob_install(start, end, all_threads ? SECCOMP_FILTER_FLAG_TSYNC : 0);
	if (r != -ENOENT)
		return r;
	scmp_filter_ctx ctx;
	r = build(&ctx);
	if (r < 0)
		return r;
	if (all_threads)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? r : 0;
}

int bpf_filter_install(const char *start, const char *end, bpf_build_fn build)
{
	return filter_install(start, end, build, false);
}

int bpf_filter_install_all_threads(const char *start, const char *end, bpf_build_fn build)
{
	return filter_install(start, end, build, true);
}

int bpf_filter_export_memory(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	int memfd = memfd_create("runsc-c-bpf", MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, memfd);
	off_t size = r < 0 ? 0 : lseek(memfd, 0, SEEK_END);
	if (r == 0 && (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
		       size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -E2BIG;
	struct sock_filter *buf = r < 0 ? NULL : malloc((size_t)size);
	if (r == 0 && !buf)
		r = -ENOMEM;
	if (r == 0 && pread(memfd, buf, (size_t)size, 0) != size)
		r = -EIO;
	close(memfd);
	if (r < 0) {
		free(buf);
		return r;
	}
	prog->filter = buf;
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	return 0;
}
