/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's memory, read and written with process_vm_readv/writev. Every
 * argument the sentry decides on is copied out once, here. */
#include "sentry/sentry.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

int guest_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	if (len == 0)
		return 0;
	ssize_t r = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (r < 0)
		return errno == ESRCH ? -ESRCH : -EFAULT;
	if ((size_t)r != len)
		return -EFAULT;
	return 0;
}

int guest_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = {.iov_base = (void *)buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	if (len == 0)
		return 0;
	ssize_t r = process_vm_writev(tid, &local, 1, &remote, 1, 0);
	if (r < 0)
		return errno == ESRCH ? -ESRCH : -EFAULT;
	if ((size_t)r != len)
		return -EFAULT;
	return 0;
}

ssize_t guest_read_str(pid_t tid, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;
	if (addr == 0)
		return -EFAULT;
	while (got < max) {
		/* Read up to the end of the current page: the next page may not
		 * be mapped although the string ends before it. */
		uint64_t a = addr + got;
		size_t chunk = 4096 - (size_t)(a & 4095);
		if (chunk > max - got)
			chunk = max - got;
		int r = guest_read(tid, a, buf + got, chunk);
		if (r < 0)
			return r;
		char *nul = memchr(buf + got, 0, chunk);
		if (nul)
			return nul - buf;
		got += chunk;
	}
	buf[max - 1] = 0;
	return -ENAMETOOLONG;
}
