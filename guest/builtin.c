/* SPDX-License-Identifier: Apache-2.0 */
/* The guest init's builtins (guest/builtin.h, common/exec_proto.h).
 *
 * Each runs in a process init forked for a start request, under the
 * guest's seccomp filter, the policy's and the container's, with the
 * request's user and working directory: a path it opens is resolved by
 * the sentry in the view with that user's rights and the policy's rules,
 * exactly as for a program, and the fds it reads and writes are the ones
 * the sentry installed. They use plain system calls and fixed buffers
 * only (no allocation, no stdio). */
#include "guest/builtin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/util.h"

#define BUILTIN_BUF (64u << 10)

/* One buffer for every builtin: each process runs one. */
static char buf[BUILTIN_BUF] __attribute__((aligned(8)));

/* strerror's text for e on stderr: exit status 1. */
static int fail(int e)
{
	const char *text = strerror(e);
	(void)!write_all(STDERR_FILENO, text, strlen(text));
	(void)!write_all(STDERR_FILENO, "\n", 1);
	return 1;
}

static int usage(const char *name)
{
	(void)!write_all(STDERR_FILENO, name, strlen(name));
	(void)!write_all(STDERR_FILENO, ": wrong arguments\n", 18);
	return 2;
}

/* Copies from until its end into to: 0, or an errno. */
static int copy(int from, int to)
{
	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		int r = write_all(to, buf, (size_t)n);
		if (r < 0)
			return -r;
	}
}

static int builtin_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	int e = copy(fd, STDOUT_FILENO);
	close(fd);
	return e ? fail(e) : 0;
}

static int builtin_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0666);
	if (fd < 0)
		return fail(errno);
	int e = copy(STDIN_FILENO, fd);
	/* A file system that reports a failed write only at close. */
	if (close(fd) < 0 && !e && errno != EINTR)
		e = errno;
	return e ? fail(e) : 0;
}

static char type_of_mode(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	default:
		return '?';
	}
}

static char type_of_dtype(unsigned char t)
{
	switch (t) {
	case DT_REG:
		return 'f';
	case DT_DIR:
		return 'd';
	case DT_LNK:
		return 'l';
	case DT_FIFO:
		return 'p';
	case DT_SOCK:
		return 's';
	case DT_CHR:
		return 'c';
	case DT_BLK:
		return 'b';
	default:
		return '?';
	}
}

/* The records waiting to be written, apart from the getdents buffer. */
static char out[BUILTIN_BUF];
static size_t out_len;

static int out_flush(void)
{
	int r = write_all(STDOUT_FILENO, out, out_len);
	out_len = 0;
	return -r;
}

/* One entry's record (common/exec_proto.h): 0, or an errno. */
static int list_entry(int dir_fd, const char *name, unsigned char d_type)
{
	struct stat st;
	char type, size[24] = "-", mtime[48] = "-";
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		type = type_of_mode(st.st_mode);
		snprintf(size, sizeof(size), "%" PRId64, (int64_t)st.st_size);
		snprintf(mtime, sizeof(mtime), "%" PRId64 ".%09ld", (int64_t)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec);
	} else if (errno == ENOENT) {
		return 0; /* removed since the directory was read */
	} else {
		type = type_of_dtype(d_type);
	}
	size_t need = 2 + strlen(size) + 1 + strlen(mtime) + 1 + strlen(name) + 1;
	if (out_len + need > sizeof(out)) {
		int e = out_flush();
		if (e)
			return e;
	}
	out_len += (size_t)snprintf(out + out_len, sizeof(out) - out_len, "%c\t%s\t%s\t%s", type,
				    size, mtime, name) +
		   1; /* the NUL snprintf wrote ends the record */
	return 0;
}

static int builtin_list(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	int e = 0;
	while (!e) {
		ssize_t n = getdents64(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n && !e;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
				e = list_entry(fd, d->d_name, d->d_type);
		}
	}
	close(fd);
	if (!e)
		e = out_flush();
	return e ? fail(e) : 0;
}

static int builtin_watch(const char *path, const char *mask_text)
{
	char *end;
	errno = 0;
	unsigned long mask = strtoul(mask_text, &end, 10);
	if (!*mask_text || *end || errno || mask == 0 || mask > UINT32_MAX)
		return usage("watch");
	int fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	if (inotify_add_watch(fd, path, (uint32_t)mask) < 0)
		return fail(errno);
	const char ready = EXEC_WATCH_READY;
	if (write_all(STDOUT_FILENO, &ready, 1) < 0)
		return 1;
	/* Until the reader goes (EPIPE, or SIGPIPE) or a signal ends it. */
	int e = copy(fd, STDOUT_FILENO);
	return e ? fail(e) : 0;
}

int guest_builtin_run(uint32_t b, int argc, char *const *argv)
{
	const char *name = argc > 0 ? argv[0] : "builtin";
	switch (b) {
	case EXEC_BUILTIN_READ:
		return argc == 2 ? builtin_read(argv[1]) : usage(name);
	case EXEC_BUILTIN_WRITE:
		return argc == 2 ? builtin_write(argv[1]) : usage(name);
	case EXEC_BUILTIN_LIST:
		return argc == 2 ? builtin_list(argv[1]) : usage(name);
	case EXEC_BUILTIN_WATCH:
		return argc == 3 ? builtin_watch(argv[1], argv[2]) : usage(name);
	case EXEC_BUILTIN_IDLE:
		if (argc != 1)
			return usage(name);
		for (;;)
			pause();
	default:
		return usage(name);
	}
}
