/* SPDX-License-Identifier: Apache-2.0 */
/* O_PATH fds, run natively and in the sandbox with the outputs compared:
 * what opens (a symlink itself with O_NOFOLLOW), what an O_PATH fd refuses
 * (read, write, fchmod, fchown, ioctl, mmap, getdents64, most fcntl
 * commands: EBADF), what F_GETFL shows, and what it serves (fstat, the raw
 * fstat and fstatfs calls, fstatat with AT_EMPTY_PATH, fchdir, openat relative to it,
 * readlinkat of "", linkat through /proc/self/fd/N, dup, close), in a
 * child too, and many of them opened and closed, some held throughout.
 * argv[1]: a scratch directory, or --tty (/dev/tty, with a controlling
 * terminal), or --stat PATH... (what an O_PATH fd of each is). Prints no
 * path but those given, only results. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	if (r >= 0)
		printf("%s: ok\n", what);
	else
		printf("%s: %s\n", what, strerrorname_np(errno));
}

static void show_stat(const char *what, int r, const struct stat *st, const struct stat *want)
{
	if (r < 0) {
		printf("%s: %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: type %o, same file %s\n", what, st->st_mode & S_IFMT,
	       st->st_ino == want->st_ino && st->st_dev == want->st_dev ? "yes" : "no");
}

/* What an O_PATH fd of the file st describes answers. */
static void probe_fd(const char *what, int fd, const struct stat *want,
		     const struct statfs *want_fs)
{
	char buf[16];
	char name[64];
	struct stat st;
	snprintf(name, sizeof(name), "%s: fstat", what);
	show_stat(name, fstat(fd, &st), &st, want);
	snprintf(name, sizeof(name), "%s: fstatat(\"\", AT_EMPTY_PATH)", what);
	show_stat(name, fstatat(fd, "", &st, AT_EMPTY_PATH), &st, want);
	snprintf(name, sizeof(name), "%s: read", what);
	show(name, read(fd, buf, sizeof(buf)));
	snprintf(name, sizeof(name), "%s: write", what);
	show(name, write(fd, "x", 1));
	snprintf(name, sizeof(name), "%s: fchmod", what);
	show(name, fchmod(fd, want->st_mode & 07777));
	snprintf(name, sizeof(name), "%s: fchown", what);
	show(name, fchown(fd, (uid_t)-1, (gid_t)-1));
	/* fcntl: what F_GETFL shows, and the commands an O_PATH fd refuses. */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		printf("%s: F_GETFL: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: F_GETFL: %#o\n", what, (unsigned)fl);
	snprintf(name, sizeof(name), "%s: F_SETFL O_NONBLOCK", what);
	show(name, fcntl(fd, F_SETFL, O_NONBLOCK));
	snprintf(name, sizeof(name), "%s: F_GETOWN", what);
	show(name, fcntl(fd, F_GETOWN));
	snprintf(name, sizeof(name), "%s: F_GETPIPE_SZ", what);
	show(name, fcntl(fd, F_GETPIPE_SZ));
	snprintf(name, sizeof(name), "%s: F_GET_SEALS", what);
	show(name, fcntl(fd, F_GET_SEALS));
	snprintf(name, sizeof(name), "%s: F_GETFD", what);
	show(name, fcntl(fd, F_GETFD));
	snprintf(name, sizeof(name), "%s: an unknown fcntl command", what);
	show(name, fcntl(fd, 999));
	/* The raw system calls (glibc's fstat is newfstatat). */
	snprintf(name, sizeof(name), "%s: fstat system call", what);
	show_stat(name, (int)syscall(SYS_fstat, fd, &st), &st, want);
	struct statfs sfs;
	snprintf(name, sizeof(name), "%s: fstatfs", what);
	if (fstatfs(fd, &sfs) < 0)
		show(name, -1);
	else
		printf("%s: the object's file system: %s\n", name,
		       sfs.f_type == want_fs->f_type && sfs.f_blocks == want_fs->f_blocks ? "yes"
											  : "no");
	snprintf(name, sizeof(name), "%s: flock", what);
	show(name, flock(fd, LOCK_SH));
	snprintf(name, sizeof(name), "%s: syncfs", what);
	show(name, syncfs(fd));
	/* listen: an O_PATH fd is refused before the socket is looked for
	 * (EBADF, not ENOTSOCK). */
	snprintf(name, sizeof(name), "%s: listen", what);
	show(name, listen(fd, 1));
	snprintf(name, sizeof(name), "%s: ioctl FS_IOC_GETVERSION", what);
	int version;
	show(name, ioctl(fd, FS_IOC_GETVERSION, &version));
	/* These run natively on the sandbox's stand-in for an O_PATH fd and
	 * fail with other errnos (README): that they fail is compared. */
	struct termios tio;
	printf("%s: ioctl TCGETS %s\n", what, ioctl(fd, TCGETS, &tio) < 0 ? "fails" : "succeeds");
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("%s: mmap %s\n", what, p == MAP_FAILED ? "fails" : "succeeds");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	int one = 1;
	socklen_t one_len = sizeof(one);
	printf("%s: accept %s\n", what, accept(fd, NULL, NULL) < 0 ? "fails" : "succeeds");
	printf("%s: accept4 %s\n", what,
	       accept4(fd, NULL, NULL, SOCK_CLOEXEC) < 0 ? "fails" : "succeeds");
	printf("%s: shutdown %s\n", what, shutdown(fd, SHUT_RDWR) < 0 ? "fails" : "succeeds");
	printf("%s: getsockopt %s\n", what,
	       getsockopt(fd, SOL_SOCKET, SO_TYPE, &one, &one_len) < 0 ? "fails" : "succeeds");
	printf("%s: setsockopt %s\n", what,
	       setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ? "fails"
										  : "succeeds");
	printf("%s: recv %s\n", what,
	       recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 ? "fails" : "succeeds");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN};
	printf("%s: epoll_ctl EPOLL_CTL_ADD %s\n", what,
	       epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? "fails" : "succeeds");
	close(ep);
	char dents[1024];
	printf("%s: getdents64 %s\n", what,
	       syscall(SYS_getdents64, fd, dents, sizeof(dents)) < 0 ? "fails" : "succeeds");
	int d = dup(fd);
	snprintf(name, sizeof(name), "%s: dup", what);
	show(name, d);
	if (d >= 0) {
		snprintf(name, sizeof(name), "%s: fstat of the dup", what);
		show_stat(name, fstat(d, &st), &st, want);
		snprintf(name, sizeof(name), "%s: read of the dup", what);
		show(name, read(d, buf, sizeof(buf)));
		snprintf(name, sizeof(name), "%s: close of the dup", what);
		show(name, close(d));
	}
}

/* /proc's own files (the sandbox serves them itself). */
static void probe_proc(const char *path, int flags)
{
	int fd = open(path, O_PATH | flags);
	if (fd < 0) {
		printf("%s: open O_PATH: %s\n", path, strerrorname_np(errno));
		return;
	}
	char buf[16];
	ssize_t n = read(fd, buf, sizeof(buf));
	printf("%s: read: %s\n", path, n < 0 ? strerrorname_np(errno) : "ok");
	printf("%s: F_GETFL: %#o\n", path, (unsigned)fcntl(fd, F_GETFL));
	struct stat st, want;
	int r = (flags & O_NOFOLLOW) ? lstat(path, &want) : stat(path, &want);
	char name[96];
	snprintf(name, sizeof(name), "%s: fstat", path);
	if (r < 0)
		show(name, r);
	else
		show_stat(name, fstat(fd, &st), &st, &want);
	close(fd);
}

/* --tty: /dev/tty, run with a controlling terminal. */
static int probe_tty(void)
{
	int fd = open("/dev/tty", O_PATH);
	show("/dev/tty: open O_PATH", fd);
	if (fd < 0)
		return 0;
	char buf[4];
	show("/dev/tty: read", read(fd, buf, sizeof(buf)));
	show("/dev/tty: write", write(fd, "x", 1));
	printf("/dev/tty: F_GETFL: %#o\n", (unsigned)fcntl(fd, F_GETFL));
	struct stat st;
	if (fstat(fd, &st) < 0)
		show("/dev/tty: fstat", -1);
	else
		printf("/dev/tty: fstat: type %o\n", st.st_mode & S_IFMT);
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	int t = open(link, O_RDWR | O_NOCTTY);
	show("/dev/tty: open of /proc/self/fd/N", t);
	if (t >= 0)
		printf("/dev/tty: it is a terminal: %s\n", isatty(t) ? "yes" : "no");
	return 0;
}

/* --stat PATH...: for each, what an O_PATH fd of it is (fstat against
 * stat) and that it refuses reading. */
static int probe_stat(int n, char **paths)
{
	for (int i = 0; i < n; i++) {
		int fd = open(paths[i], O_PATH | O_CLOEXEC);
		if (fd < 0) {
			printf("%s: open O_PATH: %s\n", paths[i], strerrorname_np(errno));
			continue;
		}
		struct stat st, want;
		char name[256];
		snprintf(name, sizeof(name), "%s: fstat", paths[i]);
		if (stat(paths[i], &want) < 0)
			show(name, -1);
		else
			show_stat(name, fstat(fd, &st), &st, &want);
		char c;
		snprintf(name, sizeof(name), "%s: read", paths[i]);
		show(name, read(fd, &c, 1));
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--stat") == 0)
		return probe_stat(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "--tty") == 0)
		return probe_tty();
	if (argc != 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: opath_probe DIR\n");
		return 2;
	}
	if (mkdir("d", 0755) < 0 || symlink("f", "link") < 0 || symlink("d", "dlink") < 0) {
		perror("opath_probe: setup");
		return 2;
	}
	FILE *f = fopen("f", "w");
	if (!f || fputs("content\n", f) < 0 || fclose(f) != 0) {
		perror("opath_probe: setup");
		return 2;
	}
	f = fopen("d/inner", "w");
	if (!f || fputs("inner\n", f) < 0 || fclose(f) != 0) {
		perror("opath_probe: setup");
		return 2;
	}
	struct stat st_f, st_d, st_link;
	struct statfs fs_here;
	if (stat("f", &st_f) < 0 || stat("d", &st_d) < 0 || lstat("link", &st_link) < 0 ||
	    statfs(".", &fs_here) < 0) {
		perror("opath_probe: setup");
		return 2;
	}

	/* A regular file. */
	int ff = open("f", O_PATH);
	show("open(file, O_PATH)", ff);
	if (ff >= 0)
		probe_fd("file", ff, &st_f, &fs_here);

	/* A directory: fchdir into it, openat relative to it. */
	int fd_d = open("d", O_PATH | O_DIRECTORY);
	show("open(dir, O_PATH|O_DIRECTORY)", fd_d);
	if (fd_d >= 0) {
		probe_fd("dir", fd_d, &st_d, &fs_here);
		int in = openat(fd_d, "inner", O_RDONLY);
		show("dir: openat(dirfd, \"inner\")", in);
		if (in >= 0) {
			char buf[16] = {0};
			ssize_t n = read(in, buf, sizeof(buf) - 1);
			printf("dir: read of the file opened relative to it: %zd \"%.*s\"\n", n,
			       n > 0 ? (int)n - 1 : 0, buf);
			close(in);
		}
		struct stat st;
		show("dir: fstatat(dirfd, \"inner\")", fstatat(fd_d, "inner", &st, 0));
		int cwd = open(".", O_PATH | O_DIRECTORY);
		show("dir: fchdir", fchdir(fd_d));
		char here[4096];
		if (getcwd(here, sizeof(here))) {
			const char *base = strrchr(here, '/');
			printf("dir: cwd after fchdir ends in %s\n", base ? base : here);
		}
		show("dir: open relative to the new cwd", open("inner", O_RDONLY));
		if (cwd >= 0 && fchdir(cwd) < 0)
			return 2;
	}

	/* A symlink itself. */
	int fl = open("link", O_PATH | O_NOFOLLOW);
	show("open(symlink, O_PATH|O_NOFOLLOW)", fl);
	if (fl >= 0) {
		probe_fd("symlink", fl, &st_link, &fs_here);
		char target[64] = {0};
		ssize_t n = readlinkat(fl, "", target, sizeof(target) - 1);
		if (n < 0)
			printf("symlink: readlinkat(fd, \"\"): %s\n", strerrorname_np(errno));
		else
			printf("symlink: readlinkat(fd, \"\"): \"%s\"\n", target);
		show("symlink: fchdir", fchdir(fl));
	}
	/* /proc: a file, a directory, symlinks themselves; openat relative
	 * to the directory, its /proc/self/fd/N link. */
	probe_proc("/proc/self/status", 0);
	probe_proc("/proc/meminfo", 0);
	probe_proc("/proc/self", O_DIRECTORY);
	probe_proc("/proc/self", O_NOFOLLOW);
	probe_proc("/proc/self/exe", O_NOFOLLOW);
	int pd = open("/proc/self", O_PATH | O_DIRECTORY);
	if (pd >= 0) {
		int in = openat(pd, "status", O_RDONLY);
		char buf[8] = {0};
		if (in < 0)
			printf("/proc/self: openat(dirfd, \"status\"): %s\n",
			       strerrorname_np(errno));
		else
			printf("/proc/self: openat(dirfd, \"status\") reads \"%.5s\"\n",
			       read(in, buf, 5) == 5 ? buf : "");
		char link[64], got[64] = {0}, want[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", pd);
		snprintf(want, sizeof(want), "/proc/%d", (int)getpid());
		ssize_t n = readlink(link, got, sizeof(got) - 1);
		printf("/proc/self: readlink(/proc/self/fd/N) names it: %s\n",
		       n < 0			? strerrorname_np(errno)
		       : strcmp(got, want) == 0 ? "yes"
						: got);
		if (in >= 0)
			close(in);
		close(pd);
	}
	/* glibc's fchmodat(AT_SYMLINK_NOFOLLOW) opens the name O_PATH|O_NOFOLLOW,
	 * refuses a symlink (EOPNOTSUPP) and changes anything else through
	 * /proc/self/fd/N. */
	show("fchmodat(symlink, AT_SYMLINK_NOFOLLOW)",
	     fchmodat(AT_FDCWD, "link", 0600, AT_SYMLINK_NOFOLLOW));
	show("fchmodat(file, AT_SYMLINK_NOFOLLOW)",
	     fchmodat(AT_FDCWD, "f", 0640, AT_SYMLINK_NOFOLLOW));
	struct stat st_mode;
	if (stat("f", &st_mode) == 0)
		printf("the file's mode after it: %o\n", st_mode.st_mode & 07777);
	/* A symlink followed (no O_NOFOLLOW): the file it names. */
	int fl2 = open("link", O_PATH);
	show("open(symlink, O_PATH)", fl2);
	if (fl2 >= 0) {
		struct stat st;
		show_stat("followed symlink: fstat", fstat(fl2, &st), &st, &st_f);
	}
	/* A symlink to a directory with O_DIRECTORY|O_NOFOLLOW: ENOTDIR. */
	show("open(dir symlink, O_PATH|O_DIRECTORY|O_NOFOLLOW)",
	     open("dlink", O_PATH | O_DIRECTORY | O_NOFOLLOW));
	/* A missing name. */
	show("open(missing, O_PATH)", open("missing", O_PATH));

	/* linkat through /proc/self/fd/N: a new name for the fd's file. */
	if (ff >= 0) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ff);
		char here[4096], want[4200], got[4200] = {0};
		if (!getcwd(here, sizeof(here)))
			return 2;
		snprintf(want, sizeof(want), "%s/f", here);
		ssize_t n = readlink(proc, got, sizeof(got) - 1);
		if (n < 0)
			printf("readlink(/proc/self/fd/N): %s\n", strerrorname_np(errno));
		else
			printf("readlink(/proc/self/fd/N) names the file: %s\n",
			       strcmp(got, want) == 0 ? "yes" : "no");
		show("linkat(/proc/self/fd/N, AT_SYMLINK_FOLLOW)",
		     linkat(AT_FDCWD, proc, AT_FDCWD, "f2", AT_SYMLINK_FOLLOW));
		struct stat st;
		show_stat("the new name", stat("f2", &st), &st, &st_f);
		show("close(file)", close(ff));
		show("close(file) again", close(ff));
	}
	/* A symlink's fd through /proc/self/fd/N with AT_SYMLINK_FOLLOW links
	 * the symlink itself. */
	if (fl >= 0) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fl);
		show("linkat(symlink's /proc/self/fd/N, AT_SYMLINK_FOLLOW)",
		     linkat(AT_FDCWD, proc, AT_FDCWD, "link2", AT_SYMLINK_FOLLOW));
		struct stat st;
		show_stat("the symlink's new name", lstat("link2", &st), &st, &st_link);
	}

	/* A child holds its parent's O_PATH fds. */
	int fc = open("f", O_PATH);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct stat st;
		show_stat("child: fstat of its parent's O_PATH fd", fstat(fc, &st), &st, &st_f);
		char buf[4];
		show("child: read of it", read(fc, buf, sizeof(buf)));
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	close(fc);

	/* More opened and closed than the sandbox keeps at once (OPATH_MAX),
	 * a hundred held throughout: each held one still names its file. */
	int held[100];
	int opened = 0, failed = 0;
	for (int i = 0; i < 100; i++)
		held[i] = open(i % 2 ? "f" : "d", O_PATH);
	for (int i = 0; i < 5000; i++) {
		int t = open(i % 3 ? "link" : "d", O_PATH | O_NOFOLLOW);
		if (t < 0)
			failed++;
		else
			opened++;
		close(t);
	}
	int right = 0;
	for (int i = 0; i < 100; i++) {
		struct stat st;
		const struct stat *want = i % 2 ? &st_f : &st_d;
		if (fstat(held[i], &st) == 0 && st.st_ino == want->st_ino &&
		    st.st_dev == want->st_dev)
			right++;
		close(held[i]);
	}
	printf("5000 opened and closed: %d ok, %d failed; held ones still right: %d of 100\n",
	       opened, failed, right);
	return 0;
}
