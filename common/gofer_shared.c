/* SPDX-License-Identifier: Apache-2.0 */
/* The page the gofer shares with its client (common/gofer_shared.h). */
#include "common/gofer_shared.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How long the client sleeps before it looks whether the gofer still
 * lives: a gofer that died wakes no one. */
#define SETTLE_CHECK_NS 20000000L

int gofer_shared_create(void)
{
	int fd = memfd_create("runsc-c-gofer-shared", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	/* Sealed at its size: no holder can shrink it under another's
	 * mapping (SIGBUS). */
	if (ftruncate(fd, (off_t)sysconf(_SC_PAGESIZE)) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

struct gofer_shared *gofer_shared_map(int fd)
{
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_DONTFORK) < 0) {
		int e = errno;
		munmap(p, len);
		errno = e;
		return NULL;
	}
	return p;
}

void gofer_shared_unmap(struct gofer_shared *sh)
{
	if (sh)
		munmap(sh, (size_t)sysconf(_SC_PAGESIZE));
}

void gofer_shared_sent(struct gofer_shared *sh)
{
	atomic_fetch_add(&sh->fds_sent, 1);
}

void gofer_shared_released(struct gofer_shared *sh)
{
	/* Sequentially consistent: the count is stored before waiting is
	 * read, as the client stores waiting before it reads the count, so
	 * one of the two sees the other's. */
	atomic_fetch_add(&sh->fds_released, 1);
	if (atomic_load(&sh->waiting))
		syscall(SYS_futex, &sh->fds_released, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Whether the gofer is gone (0: no, -EPIPE: its end of sock is closed) or
 * broke the protocol (-EPROTO): the gofer sends nothing unasked, so
 * anything to read now is a malformed answer. */
static int gofer_check(int sock)
{
	char c;
	ssize_t n = recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		return -EPROTO;
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		return -EPIPE;
	return 0;
}

int gofer_shared_settle(struct gofer_shared *sh, int sock)
{
	uint32_t sent = atomic_load(&sh->fds_sent);
	uint32_t released = atomic_load(&sh->fds_released);
	if (released == sent)
		return 0;
	atomic_store(&sh->waiting, 1);
	int r = 0;
	for (;;) {
		released = atomic_load(&sh->fds_released);
		/* More closes than answers would be the gofer's error: no wait
		 * can end it. */
		int32_t ahead = (int32_t)(sent - released);
		if (ahead <= 0) {
			r = ahead < 0 ? -EPROTO : 0;
			break;
		}
		struct timespec ts = {.tv_nsec = SETTLE_CHECK_NS};
		long w = syscall(SYS_futex, &sh->fds_released, FUTEX_WAIT, released, &ts, NULL, 0);
		if (w < 0 && errno == ETIMEDOUT && (r = gofer_check(sock)) < 0)
			break;
	}
	atomic_store(&sh->waiting, 0);
	return r;
}
