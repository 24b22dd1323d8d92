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

/* Writes a result into the memory of the task tid. No
 * SECCOMP_IOCTL_NOTIF_ID_VALID check comes before it, and none is needed
 * to keep a write from reaching another process: every guest task is
 * traced by the sentry from its birth (PTRACE_O_TRACECLONE and friends),
 * and a traced task that exits stays a zombie, holding its tid, until the
 * sentry waits for it, which happens only in ptrace_reap, between two
 * answers (wake_handle). So while a notification is being answered its tid
 * names the caller or the caller's zombie, where the write fails. A
 * deferred answer's caller is checked again before a poll that may write
 * (deferred_tick; a poll run before that check writes nothing). The one
 * way a guest tid changes owner without that wait is an exec by a
 * non-leader thread, which takes over its leader's tid: a write meant for
 * the killed leader then lands in the same thread group's new image,
 * memory that group's own code writes anyway. */
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
