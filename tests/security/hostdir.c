/* SPDX-License-Identifier: Apache-2.0 */
/* The launcher hands the guest a directory of the host as stdin (`< /`).
 * A path relative to that fd, or to a cwd set from it, must not reach the
 * host's files: the gofer accepts a dirfd only on one of the view's own
 * mounts (its mount id), not merely on a file system the view also mounts.
 * Every lookup from fd 0 fails with EBADF; the host directory's own mode,
 * owner and times stay as they are (EPERM).
 *
 * Run as: runsc-c do -v PROBES:/probes -- /probes/probe-hostdir < /
 * With "--mutate" (stdin a scratch directory of the host, never "/") it
 * also tries to create, remove and rename entries and to change the
 * directory's attributes; the driver checks the host directory afterwards. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

/* The call must fail with the given errno. */
static void expect_errno(const char *what, int r, int want)
{
	int err = errno;
	if (r >= 0) {
		probe_result(false, what, "succeeded (%d)", r);
		return;
	}
	probe_result(err == want, what, "%s", errno_name(err));
}

static void lookups(void)
{
	struct stat st;
	expect_errno("openat(host dirfd, etc/shadow)", openat(0, "etc/shadow", O_RDONLY), EBADF);
	expect_errno("fstatat(host dirfd, etc/shadow)", fstatat(0, "etc/shadow", &st, 0), EBADF);
	expect_errno("openat(host dirfd, ..)", openat(0, "..", O_RDONLY | O_DIRECTORY), EBADF);
	char *argv[] = {"true", NULL};
	expect_errno("execveat(host dirfd, usr/bin/true)",
		     (int)syscall(SYS_execveat, 0, "usr/bin/true", argv, NULL, 0), EBADF);
	/* A cwd set from the host fd must not resolve on the host either;
	 * refusing the fchdir itself is as good. */
	if (fchdir(0) < 0) {
		probe_result(true, "fchdir(host dirfd)", "%s", errno_name(errno));
		return;
	}
	expect_errno("fchdir(host dirfd) + open(etc/shadow)", open("etc/shadow", O_RDONLY), EBADF);
	expect_errno("fchdir(host dirfd) + stat(etc/shadow)", stat("etc/shadow", &st), EBADF);
}

static void mutations(void)
{
	expect_errno("mkdirat(host dirfd, made)", mkdirat(0, "made", 0755), EBADF);
	expect_errno("openat(host dirfd, made-file, O_CREAT)",
		     openat(0, "made-file", O_WRONLY | O_CREAT, 0644), EBADF);
	expect_errno("symlinkat(/etc/shadow, host dirfd, made-link)",
		     symlinkat("/etc/shadow", 0, "made-link"), EBADF);
	expect_errno("unlinkat(host dirfd, keep)", unlinkat(0, "keep", 0), EBADF);
	expect_errno("renameat(host dirfd, keep, host dirfd, renamed)",
		     renameat(0, "keep", 0, "renamed"), EBADF);
	expect_errno("fchmod(host dirfd, 0777)", fchmod(0, 0777), EPERM);
	expect_errno("fchown(host dirfd, 0, 0)", fchown(0, 0, 0), EPERM);
	const struct timespec epoch[2] = {{0, 0}, {0, 0}};
	expect_errno("futimens(host dirfd, epoch)", futimens(0, epoch), EPERM);
}

int main(int argc, char **argv)
{
	probe_guard("hostdir");
	struct stat st;
	if (fstat(0, &st) < 0 || !S_ISDIR(st.st_mode)) {
		probe_result(false, "stdin-is-dir", "run with a host directory as stdin (< /)");
		return probe_done();
	}
	bool mutate = argc > 1 && strcmp(argv[1], "--mutate") == 0;
	if (mutate)
		mutations();
	lookups();
	return probe_done();
}
