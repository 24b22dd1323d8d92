/* SPDX-License-Identifier: Apache-2.0 */
/* A second thread rewrites the path buffer of open() while the main thread
 * opens it in a loop. The sentry must decide on one copy of the path and act
 * on that copy: whatever the interleaving, the probe never reads a hidden
 * file, never writes through a read-only volume, and the sentry survives.
 *
 * Expects -v RW:/rw -v RO:/ro:ro with RO/f an existing file; the driver
 * checks afterwards that RO/f and the host's /etc are unchanged. */
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define PATH_CAP 64

static volatile char path_buf[PATH_CAP];
static atomic_bool stop_flipping;
static const char *flip_a, *flip_b;

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop_flipping, memory_order_relaxed)) {
		const char *srcs[2] = {flip_a, flip_b};
		for (int k = 0; k < 2; k++) {
			size_t n = strlen(srcs[k]) + 1;
			/* Byte by byte, so a reader can see any mixture of the two. */
			for (size_t i = 0; i < n; i++)
				path_buf[i] = srcs[k][i];
		}
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start_flipping(pthread_t *t, const char *a, const char *b)
{
	flip_a = a;
	flip_b = b;
	for (size_t i = 0; i <= strlen(a); i++)
		path_buf[i] = a[i];
	atomic_store(&stop_flipping, false);
	if (pthread_create(t, NULL, flipper, NULL) != 0) {
		perror("pthread_create");
		exit(2);
	}
}

static void stop(pthread_t t)
{
	atomic_store(&stop_flipping, true);
	pthread_join(t, NULL);
}

static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Phase 1: a plain file of /etc (/etc/hostname) against hidden files. Any
 * successful open must give that file (same inode) or at least nothing
 * shaped like shadow. */
static void race_read_hidden(const char *hidden)
{
	char expect[4096], got[4096];
	struct stat want_st, st;
	const char *plain = probe_plain_etc_file();
	int fd = open(plain, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &want_st) < 0) {
		probe_result(false, "race-read-setup", "open %s: %s", plain, errno_name(errno));
		return;
	}
	ssize_t want_len = read_all(fd, expect, sizeof(expect));
	close(fd);

	pthread_t t;
	start_flipping(&t, plain, hidden);
	long opened = 0, enoent = 0, other_err = 0, other_file = 0, leaked = 0;
	int first_other_errno = 0;
	double end = now_s() + 1.0;
	while (now_s() < end) {
		fd = open((const char *)path_buf, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				enoent++;
			else if (!other_err++)
				first_other_errno = errno;
			continue;
		}
		opened++;
		ssize_t n = read_all(fd, got, sizeof(got) - 1);
		fstat(fd, &st);
		close(fd);
		if (n < 0)
			continue;
		got[n] = 0;
		if (strstr(got, "root:") || strstr(got, ":$") || strstr(got, ":!"))
			leaked++;
		if (st.st_ino != want_st.st_ino || n != want_len || memcmp(got, expect, (size_t)n))
			other_file++;
	}
	stop(t);
	char name[128];
	snprintf(name, sizeof(name), "race-read %s", hidden);
	probe_result(leaked == 0 && opened > 0, name,
		     "%ld opens of %s, %ld ENOENT, %ld other errors (first %s), "
		     "%ld opened another file, %ld looked like shadow",
		     opened, plain, enoent, other_err,
		     other_err ? errno_name(first_other_errno) : "-", other_file, leaked);
}

/* Phase 2: a creating, appending open flipping between a writable path and a
 * read-only or hidden one. Writes may only land where the view allows. */
static void race_write(const char *name, const char *ok_path, const char *bad_path)
{
	pthread_t t;
	start_flipping(&t, ok_path, bad_path);
	long written = 0, refused = 0;
	double end = now_s() + 0.5;
	while (now_s() < end) {
		int fd = open((const char *)path_buf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0644);
		if (fd < 0) {
			refused++;
			continue;
		}
		if (write(fd, "x", 1) == 1)
			written++;
		close(fd);
	}
	stop(t);
	probe_result(written > 0, name, "%ld writes, %ld refused opens", written, refused);
}

/* Phase 3: an O_PATH fd of the read-only volume's file and a writable file
 * swapped at one fd number by a second thread, while the main thread aims
 * the calls that trap only for O_PATH fds (F_SETFL, F_GETFL, fstat,
 * fstatfs, syncfs, an unlisted ioctl) and write at that number. However
 * the sentry's look and the call interleave, a write lands only in the
 * writable file and the O_PATH fd itself still refuses I/O. */
static atomic_int swap_fd = -1;
static int swap_a, swap_b;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop_flipping, memory_order_relaxed)) {
		dup2(swap_a, atomic_load(&swap_fd));
		dup2(swap_b, atomic_load(&swap_fd));
	}
	return NULL;
}

static void race_opath(void)
{
	swap_a = open("/ro/f", O_PATH | O_CLOEXEC);
	swap_b = open("/rw/swap", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int target = open("/rw/swap", O_RDONLY | O_CLOEXEC);
	if (swap_a < 0 || swap_b < 0 || target < 0) {
		probe_result(false, "race-opath", "setup: %s", errno_name(errno));
		return;
	}
	atomic_store(&swap_fd, target);
	atomic_store(&stop_flipping, false);
	pthread_t t;
	if (pthread_create(&t, NULL, swapper, NULL) != 0) {
		probe_result(false, "race-opath", "pthread_create failed");
		return;
	}
	long written = 0;
	double end = now_s() + 0.5;
	while (now_s() < end) {
		struct stat st;
		struct statfs sfs;
		int version;
		fcntl(target, F_SETFL, O_APPEND | O_NONBLOCK);
		fcntl(target, F_GETFL);
		syscall(SYS_fstat, target, &st);
		fstatfs(target, &sfs);
		syncfs(target);
		ioctl(target, FS_IOC_GETVERSION, &version);
		if (write(target, "x", 1) == 1)
			written++;
	}
	stop(t);
	char c;
	errno = 0;
	bool refuses = read(swap_a, &c, 1) < 0 && errno == EBADF && write(swap_a, "x", 1) < 0 &&
		       errno == EBADF;
	struct stat st;
	bool sized = stat("/rw/swap", &st) == 0 && st.st_size == written;
	probe_result(refuses && sized && written > 0, "race-opath",
		     "%ld writes, all in the writable file: %s; the O_PATH fd refuses I/O: %s",
		     written, sized ? "yes" : "no", refuses ? "yes" : "no");
	close(target);
	close(swap_a);
	close(swap_b);
}

int main(void)
{
	probe_guard("race");
	race_read_hidden("/etc/shadow");
	race_read_hidden("/etc/../etc/gshadow");
	race_write("race-write rw volume vs read-only volume", "/rw/w", "/ro/f");
	race_write("race-write rw volume vs /etc/shadow", "/rw/w", "/etc/shadow");
	race_opath();

	/* The sentry survived: ordinary calls still work. */
	int fd = open(probe_plain_etc_file(), O_RDONLY | O_CLOEXEC);
	probe_result(fd >= 0, "sentry-alive", "open after the races: %s",
		     fd >= 0 ? "ok" : errno_name(errno));
	if (fd >= 0)
		close(fd);
	fd = open("/ro/f", O_WRONLY | O_APPEND | O_CLOEXEC);
	probe_result(fd < 0 && errno == EROFS, "ro-still-ro", "open(/ro/f, O_WRONLY): %s",
		     fd < 0 ? errno_name(errno) : "succeeded");
	return probe_done();
}
