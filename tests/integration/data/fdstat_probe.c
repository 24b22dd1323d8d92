/* SPDX-License-Identifier: Apache-2.0 */
/* The stat of an fd itself: newfstatat(fd, "", AT_EMPTY_PATH) and
 * statx(fd, "", AT_EMPTY_PATH) (glibc's fstat and what coreutils use), on
 * every kind of fd a program holds: files of the rootfs, of a volume and of
 * the writable layer, directories, a deleted file, a pipe, a socket, an
 * eventfd, a memfd, O_PATH fds (a file, a directory, a symlink), /dev/null, a
 * /proc file, the cwd (AT_FDCWD) and an fd received over SCM_RIGHTS. For
 * each it prints what a view leaves as it is (type, permissions, owner,
 * size of non-directories, link count, device numbers of a device) and
 * whether both calls agree in every field with fstat(2), which runs
 * natively in the sandbox too. Then Linux's errors, and a race: one thread
 * stats an fd number while another swaps what it names with dup2 and
 * closes it; every answer must be one of the files it named, or EBADF.
 * Usage: fdstat_probe DATA_DIR SCRATCH_DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int sys_fstatat(int fd, const char *path, struct stat *st, int flags)
{
	return (int)syscall(SYS_newfstatat, fd, path, st, flags);
}

static int sys_statx(int fd, const char *path, int flags, unsigned int mask, struct statx *sx)
{
	return (int)syscall(SYS_statx, fd, path, flags, mask, sx);
}

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	case S_IFCHR: return "char-device";
	case S_IFBLK: return "block-device";
	case 0: return "anon";
	default: return "other";
	}
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
	       a->st_nlink == b->st_nlink && a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
	       a->st_rdev == b->st_rdev && a->st_size == b->st_size &&
	       a->st_blksize == b->st_blksize && a->st_blocks == b->st_blocks &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static bool same_statx(const struct stat *a, const struct statx *x)
{
	return (x->stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS &&
	       a->st_dev == makedev(x->stx_dev_major, x->stx_dev_minor) && a->st_ino == x->stx_ino &&
	       a->st_mode == x->stx_mode && a->st_nlink == x->stx_nlink && a->st_uid == x->stx_uid &&
	       a->st_gid == x->stx_gid &&
	       a->st_rdev == makedev(x->stx_rdev_major, x->stx_rdev_minor) &&
	       (uint64_t)a->st_size == x->stx_size && (uint64_t)a->st_blocks == x->stx_blocks &&
	       a->st_mtim.tv_sec == x->stx_mtime.tv_sec &&
	       (uint32_t)a->st_mtim.tv_nsec == x->stx_mtime.tv_nsec;
}

/* One fd: what a view keeps, and whether the trapped calls agree with
 * fstat. brief: print the type alone (a file the sandbox synthesizes). */
static void probe(const char *name, int fd, bool brief)
{
	struct stat st0, st1, st2;
	struct statx sx;
	if (fd < 0) {
		printf("%s: cannot open: %s\n", name, strerror(errno));
		return;
	}
	if (fstat(fd, &st0) < 0) {
		printf("%s: fstat: %s\n", name, strerror(errno));
		return;
	}
	int r1 = sys_fstatat(fd, "", &st1, AT_EMPTY_PATH);
	int e1 = errno;
	int r2 = sys_fstatat(fd, "", &st2, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	int e2 = errno;
	int r3 = sys_statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx);
	int e3 = errno;
	printf("%s: %s", name, type_name(st0.st_mode));
	if (!brief) {
		printf(" mode %o uid %u gid %u", (unsigned)(st0.st_mode & 07777),
		       (unsigned)st0.st_uid, (unsigned)st0.st_gid);
		if (!S_ISDIR(st0.st_mode))
			printf(" size %lld nlink %lu", (long long)st0.st_size,
			       (unsigned long)st0.st_nlink);
		if (S_ISCHR(st0.st_mode) || S_ISBLK(st0.st_mode))
			printf(" rdev %u:%u", major(st0.st_rdev), minor(st0.st_rdev));
	}
	printf("; newfstatat %s", r1 < 0 ? strerror(e1) : same_stat(&st0, &st1) ? "= fstat" : "DIFFERS");
	printf("; nofollow %s", r2 < 0 ? strerror(e2) : same_stat(&st0, &st2) ? "= fstat" : "DIFFERS");
	printf("; statx %s\n", r3 < 0 ? strerror(e3) : same_statx(&st0, &sx) ? "= fstat" : "DIFFERS");
}

static int send_fd(int sock, int fd)
{
	char byte = 'x';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void error_case(const char *name, int r, int want)
{
	int err = errno;
	if (r == 0)
		printf("%s: succeeded\n", name);
	else
		printf("%s: %s%s\n", name, strerror(err), err == want ? "" : " (unexpected)");
}

/* ---- the race ---- */

#define RACE_CALLS 3000
static int race_fd;		    /* the fd number both threads use */
static int race_srcs[3];	    /* what the swapper puts there */
static struct stat race_objs[3];    /* their identities */
static atomic_int race_done;

static void *swapper(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !atomic_load(&race_done); i++) {
		if (i % 4 == 3)
			close(race_fd);
		else
			dup2(race_srcs[i % 4], race_fd);
	}
	return NULL;
}

static bool known(dev_t dev, ino_t ino)
{
	for (int i = 0; i < 3; i++)
		if (race_objs[i].st_dev == dev && race_objs[i].st_ino == ino)
			return true;
	return false;
}

static void race(int a, int b, int c)
{
	race_srcs[0] = a;
	race_srcs[1] = b;
	race_srcs[2] = c;
	for (int i = 0; i < 3; i++)
		fstat(race_srcs[i], &race_objs[i]);
	race_fd = dup(a);
	pthread_t th;
	if (race_fd < 0 || pthread_create(&th, NULL, swapper, NULL) != 0) {
		printf("race: setup failed\n");
		return;
	}
	long unexpected = 0;
	for (int i = 0; i < RACE_CALLS; i++) {
		struct stat st;
		struct statx sx;
		if (sys_fstatat(race_fd, "", &st, AT_EMPTY_PATH) == 0) {
			if (!known(st.st_dev, st.st_ino))
				unexpected++;
		} else if (errno != EBADF) {
			unexpected++;
		}
		if (sys_statx(race_fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0) {
			if (!known(makedev(sx.stx_dev_major, sx.stx_dev_minor), sx.stx_ino))
				unexpected++;
		} else if (errno != EBADF) {
			unexpected++;
		}
	}
	atomic_store(&race_done, 1);
	pthread_join(th, NULL);
	printf("race with dup2 and close: %ld answers not of a file the fd named\n", unexpected);
}

int main(int argc, char **argv)
{
	char path[4096], path2[4096];
	if (argc != 3)
		return 2;
	const char *data = argv[1], *scratch = argv[2];

	probe("rootfs file", open("/etc/passwd", O_RDONLY), false);
	probe("rootfs directory", open("/usr/share", O_RDONLY | O_DIRECTORY), false);
	snprintf(path, sizeof(path), "%s/fdstat_probe.c", data);
	probe("volume file", open(path, O_RDONLY), false);
	probe("volume directory", open(data, O_RDONLY | O_DIRECTORY), false);
	snprintf(path, sizeof(path), "%s/written", scratch);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
	if (fd >= 0 && write(fd, "hello", 5) != 5)
		return 1;
	probe("writable layer file", fd, false);
	snprintf(path, sizeof(path), "%s/deleted", scratch);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd >= 0 && (write(fd, "abc", 3) != 3 || unlink(path) < 0))
		return 1;
	probe("deleted file", fd, false);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	probe("pipe", p[0], false);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	probe("socket", sv[0], false);
	probe("eventfd", eventfd(0, 0), false);
	fd = memfd_create("probe", 0);
	if (fd >= 0 && write(fd, "12345678", 8) != 8)
		return 1;
	probe("memfd", fd, false);
	probe("O_PATH file", open("/etc/passwd", O_PATH), false);
	probe("O_PATH directory", open("/usr/share", O_PATH | O_DIRECTORY), false);
	probe("O_PATH symlink", open("/usr/bin/python3", O_PATH | O_NOFOLLOW), false);
	probe("/dev/null", open("/dev/null", O_RDONLY), false);
	/* The sandbox serves /proc files of its own: only the type compares. */
	probe("/proc/self/status", open("/proc/self/status", O_RDONLY), true);
	probe("/proc/self directory", open("/proc/self", O_RDONLY | O_DIRECTORY), true);
	fd = open("/etc/passwd", O_RDONLY);
	if (send_fd(sv[0], fd) < 0)
		return 1;
	close(fd);
	probe("received over SCM_RIGHTS", recv_fd(sv[1]), false);

	/* The cwd: AT_FDCWD with an empty path. */
	if (chdir(data) < 0)
		return 1;
	struct stat cwd_st, st;
	stat(".", &cwd_st);
	int r = sys_fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH);
	printf("cwd (AT_FDCWD, \"\"): %s\n",
	       r < 0 ? strerror(errno) : same_stat(&cwd_st, &st) ? "= stat(\".\")" : "DIFFERS");

	/* Linux's errors. */
	error_case("negative fd", sys_fstatat(-5, "", &st, AT_EMPTY_PATH), EBADF);
	error_case("fd never opened", sys_fstatat(987, "", &st, AT_EMPTY_PATH), EBADF);
	fd = open("/etc/passwd", O_RDONLY);
	close(fd);
	error_case("fd just closed", sys_fstatat(fd, "", &st, AT_EMPTY_PATH), EBADF);
	struct statx sx;
	error_case("statx of a closed fd", sys_statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx),
		   EBADF);
	fd = open("/etc/passwd", O_RDONLY);
	error_case("empty path without AT_EMPTY_PATH", sys_fstatat(fd, "", &st, 0), ENOENT);
	error_case("statx with a reserved mask bit",
		   sys_statx(fd, "", AT_EMPTY_PATH, STATX__RESERVED, &sx), EINVAL);
	error_case("unreadable path pointer",
		   sys_fstatat(fd, (const char *)8, &st, AT_EMPTY_PATH), EFAULT);
	error_case("unwritable buffer",
		   sys_fstatat(fd, "", (struct stat *)8, AT_EMPTY_PATH), EFAULT);
	/* A name with AT_EMPTY_PATH is resolved from the fd, as without it. */
	int dfd = open(data, O_RDONLY | O_DIRECTORY);
	snprintf(path2, sizeof(path2), "%s/fdstat_probe.c", data);
	struct stat by_path;
	stat(path2, &by_path);
	r = sys_fstatat(dfd, "fdstat_probe.c", &st, AT_EMPTY_PATH);
	printf("a name with AT_EMPTY_PATH: %s\n",
	       r < 0 ? strerror(errno) : same_stat(&by_path, &st) ? "= stat of the name" : "DIFFERS");
	error_case("a missing name with AT_EMPTY_PATH",
		   sys_fstatat(dfd, "no-such-file", &st, AT_EMPTY_PATH), ENOENT);
	error_case("a name from a file fd", sys_fstatat(fd, "x", &st, AT_EMPTY_PATH), ENOTDIR);

	/* The race: the fd names /etc/passwd, the volume's directory, the
	 * pipe, or nothing. */
	race(fd, dfd, p[1]);
	return 0;
}
