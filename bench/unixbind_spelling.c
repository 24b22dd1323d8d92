/* SPDX-License-Identifier: Apache-2.0 */
/* bench/unixbind_spelling.c DIR COUNT: what it costs to bind a unix socket
 * so that the kernel records a path as spelled ("/tmp/x/s-N.sock") while
 * its file lands in DIR, named only by an fd: the spelling's directories
 * are made in a detached tmpfs (fsopen/fsmount: no path reaches it), a
 * clone of DIR (open_tree) is moved to where the spelling's walk ends, the
 * caller's root is set to the tmpfs for the bind and back afterwards, and
 * the tree goes with its last fd. Runs in a private mount namespace (as
 * root); prints the name the kernel recorded and the time per bind, split
 * into building the tree, the bind, and dropping the tree. An option for
 * accept(2)/recvfrom(2)/recvmsg(2) giving a peer's path as its guest bound
 * it (bench/results/unixaddr-2026-12-07f.md).
 *
 * Its first line is "plan: COUNT binds" and its last "ran: N binds", N
 * counting the binds that completed and were checked (the kernel recorded
 * the spelling, the socket file is in DIR): a run that stops early says
 * so and exits 1, and tests/integration/bench_probes.sh compares the two
 * lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* The binds that completed and were checked: printed on every exit. */
static int binds_ran;

static int fail(const char *what)
{
	perror(what);
	printf("ran: %d binds\n", binds_ran);
	return 1;
}

/* Whether socket s is bound to the spelling sa names and its file is in
 * the directory dir_fd, as name. */
static int check_bind(int s, const struct sockaddr_un *sa, int dir_fd, const char *name)
{
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	struct stat st;
	size_t want = offsetof(struct sockaddr_un, sun_path) + strlen(sa->sun_path) + 1;
	if (getsockname(s, (struct sockaddr *)&got, &len) < 0)
		return fail("getsockname");
	if (len != want || strcmp(got.sun_path, sa->sun_path) != 0) {
		fprintf(stderr, "bind %d: the kernel recorded \"%.*s\", not \"%s\"\n", binds_ran,
			(int)(len > offsetof(struct sockaddr_un, sun_path)
				      ? len - offsetof(struct sockaddr_un, sun_path)
				      : 0),
			got.sun_path, sa->sun_path);
		return fail("the recorded name");
	}
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(name);
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return fail(name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return fprintf(stderr, "usage: unixbind_spelling DIR COUNT\n"), 2;
	char *end;
	errno = 0;
	long count = strtol(argv[2], &end, 10);
	if (errno || end == argv[2] || *end || count < 1 || count > INT_MAX) {
		fprintf(stderr,
			"unixbind_spelling: COUNT: expected a number of binds from 1 to %d, got "
			"\"%s\"\n",
			INT_MAX, argv[2]);
		return 2;
	}
	int n = (int)count;
	printf("plan: %d binds\n", n);
	fflush(stdout);
	if (unshare(CLONE_NEWNS) < 0)
		return fail("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("mount --make-rprivate /");
	int dir_fd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 || root_fd < 0)
		return fail(argv[1]);
	double t0 = now_us(), build_us = 0, bind_us = 0, drop_us = 0;
	for (int i = 0; i < n; i++) {
		double a = now_us();
		int fs_fd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fs_fd < 0 ||
		    syscall(SYS_fsconfig, fs_fd, FSCONFIG_SET_STRING, "size", "64k", 0) < 0 ||
		    syscall(SYS_fsconfig, fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return fail("fsopen tmpfs");
		int mnt_fd = (int)syscall(SYS_fsmount, fs_fd, FSMOUNT_CLOEXEC, 0);
		close(fs_fd);
		if (mnt_fd < 0)
			return fail("fsmount");
		if (fchdir(mnt_fd) < 0 || chroot(".") < 0)
			return fail("chroot into the detached tmpfs");
		if (mkdir("/tmp", 0700) < 0 || mkdir("/tmp/x", 0700) < 0)
			return fail("mkdir");
		int tree_fd = (int)syscall(SYS_open_tree, dir_fd, "",
					   OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
		if (tree_fd < 0)
			return fail("open_tree");
		if (syscall(SYS_move_mount, tree_fd, "", AT_FDCWD, "/tmp/x",
			    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fail("move_mount into the detached tmpfs");
		close(tree_fd);
		build_us += now_us() - a;
		a = now_us();
		int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/x/s-%d.sock", i);
		if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return fail("bind");
		bind_us += now_us() - a;
		a = now_us();
		if (fchdir(root_fd) < 0 || chroot(".") < 0)
			return fail("chroot back");
		close(mnt_fd);
		drop_us += now_us() - a;
		/* Checked outside the timed steps. */
		double check_start = now_us();
		char name[32];
		snprintf(name, sizeof(name), "s-%d.sock", i);
		if (check_bind(s, &sa, dir_fd, name))
			return 1;
		if (i == 0)
			printf("recorded: %s (len %zu)\n", sa.sun_path,
			       offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1);
		close(s);
		binds_ran++;
		t0 += now_us() - check_start;
	}
	printf("%d binds: %.1f us each (tree %.1f, socket+bind %.1f, drop %.1f)\n", n,
	       (now_us() - t0) / n, build_us / n, bind_us / n, drop_us / n);
	printf("ran: %d binds\n", binds_ran);
	return binds_ran == n ? 0 : 1;
}
