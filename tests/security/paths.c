/* SPDX-License-Identifier: Apache-2.0 */
/* Symlink, "..", hard-link, /proc and /dev/fd tricks towards hidden paths.
 * Hidden files are absent from the view: every trick must end in ENOENT
 * (or, for /proc links the sandbox does not offer, some other failure), and
 * no directory listing may show them. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

static const char *const hidden[] = {
	"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
};

/* The open must fail with ENOENT. */
static void expect_enoent(const char *what, int fd)
{
	int err = errno;
	if (fd >= 0) {
		probe_result(false, what, "succeeded (fd %d)", fd);
		close(fd);
		return;
	}
	probe_result(err == ENOENT, what, "%s", errno_name(err));
}

/* Any failure will do (a /proc link the sandbox may not offer at all). */
static void expect_failure(const char *what, int fd)
{
	int err = errno;
	if (fd >= 0) {
		char buf[64];
		ssize_t n = read(fd, buf, sizeof(buf));
		probe_result(false, what, "succeeded (read %zd bytes)", n);
		close(fd);
		return;
	}
	probe_result(true, what, "%s", errno_name(err));
}

static void path_tricks(void)
{
	char what[256];
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		snprintf(what, sizeof(what), "open %s", hidden[i]);
		expect_enoent(what, open(hidden[i], O_RDONLY));
		struct stat st;
		snprintf(what, sizeof(what), "stat %s", hidden[i]);
		errno = 0;
		int r = stat(hidden[i], &st);
		probe_result(r < 0 && errno == ENOENT, what, "%s", r < 0 ? errno_name(errno) : "found");
	}
	expect_enoent("open /etc/../etc/./shadow", open("/etc/../etc/./shadow", O_RDONLY));
	expect_enoent("open /../../../etc/shadow", open("/../../../etc/shadow", O_RDONLY));
	expect_enoent("open //etc//shadow", open("//etc//shadow", O_RDONLY));
	expect_enoent("open /etc/ssh/../shadow", open("/etc/ssh/../shadow", O_RDONLY));
	expect_enoent("open /usr/../etc/shadow", open("/usr/../etc/shadow", O_RDONLY));
	expect_enoent("open O_PATH /etc/shadow", open("/etc/shadow", O_PATH));
	errno = 0;
	int acc = access("/etc/shadow", F_OK);
	probe_result(acc < 0 && errno == ENOENT, "access /etc/shadow", "%s",
		     acc < 0 ? errno_name(errno) : "found");

	int etc = open("/etc", O_RDONLY | O_DIRECTORY);
	if (etc < 0) {
		probe_result(false, "open /etc", "%s", errno_name(errno));
		return;
	}
	expect_enoent("openat(/etc fd, shadow)", openat(etc, "shadow", O_RDONLY));
	expect_enoent("openat(/etc fd, ../etc/shadow)", openat(etc, "../etc/shadow", O_RDONLY));
	expect_enoent("openat(/etc fd, ./gshadow)", openat(etc, "./gshadow", O_RDONLY));
	snprintf(what, sizeof(what), "/dev/fd/%d/shadow", etc);
	expect_enoent(what, open(what, O_RDONLY));
	snprintf(what, sizeof(what), "/proc/self/fd/%d/shadow", etc);
	expect_enoent(what, open(what, O_RDONLY));
	snprintf(what, sizeof(what), "/proc/self/fd/%d/../etc/shadow", etc);
	expect_enoent(what, open(what, O_RDONLY));

	/* fchdir and relative paths. */
	if (fchdir(etc) == 0) {
		expect_enoent("after fchdir(/etc): open shadow", open("shadow", O_RDONLY));
		expect_enoent("after fchdir(/etc): open ../../etc/shadow",
			      open("../../etc/shadow", O_RDONLY));
	}
	if (chdir("/tmp") == 0)
		expect_enoent("from /tmp: ../../../../etc/shadow",
			      open("../../../../etc/shadow", O_RDONLY));
	close(etc);

	/* Symlinks the guest makes itself. */
	unlink("/tmp/s");
	int r = symlink("/etc/shadow", "/tmp/s");
	probe_result(r == 0, "symlink /tmp/s -> /etc/shadow can be made", "%s",
		     r == 0 ? "ok" : errno_name(errno));
	expect_enoent("open /tmp/s (-> /etc/shadow)", open("/tmp/s", O_RDONLY));
	unlink("/tmp/rel");
	symlink("../etc/../etc/shadow", "/tmp/rel");
	expect_enoent("open /tmp/rel (-> ../etc/../etc/shadow)", open("/tmp/rel", O_RDONLY));
	unlink("/tmp/etcdir");
	symlink("/etc", "/tmp/etcdir");
	expect_enoent("open /tmp/etcdir/shadow", open("/tmp/etcdir/shadow", O_RDONLY));
	unlink("/tmp/loop");
	symlink("/proc/self/root/etc/shadow", "/tmp/loop");
	expect_enoent("open /tmp/loop (-> /proc/self/root/etc/shadow)", open("/tmp/loop", O_RDONLY));

	/* Hard links and renames of hidden files. */
	unlink("/tmp/h");
	errno = 0;
	r = link("/etc/shadow", "/tmp/h");
	probe_result(r < 0 && errno == ENOENT, "link(/etc/shadow, /tmp/h) fails", "%s",
		     r < 0 ? errno_name(errno) : "succeeded");
	expect_enoent("open /tmp/h afterwards", open("/tmp/h", O_RDONLY));
	errno = 0;
	r = linkat(AT_FDCWD, "/tmp/s", AT_FDCWD, "/tmp/h2", AT_SYMLINK_FOLLOW);
	probe_result(r < 0 && errno == ENOENT, "linkat(/tmp/s, AT_SYMLINK_FOLLOW) fails", "%s",
		     r < 0 ? errno_name(errno) : "succeeded");
	errno = 0;
	r = rename("/etc/shadow", "/tmp/renamed");
	probe_result(r < 0 && errno == ENOENT, "rename(/etc/shadow, /tmp/renamed) fails", "%s",
		     r < 0 ? errno_name(errno) : "succeeded");

	/* /proc routes towards the root. */
	expect_failure("open /proc/self/root/etc/shadow", open("/proc/self/root/etc/shadow", O_RDONLY));
	expect_failure("open /proc/1/root/etc/shadow", open("/proc/1/root/etc/shadow", O_RDONLY));
	expect_failure("open /proc/1/cwd/etc/shadow", open("/proc/1/cwd/etc/shadow", O_RDONLY));
	expect_failure("open /proc/self/cwd/../../etc/shadow",
		       open("/proc/self/cwd/../../etc/shadow", O_RDONLY));
	expect_failure("open /proc/1/root/root/.bashrc", open("/proc/1/root/root/.bashrc", O_RDONLY));
	expect_failure("open /proc/self/fd/0/../../etc/shadow",
		       open("/proc/self/fd/0/../../etc/shadow", O_RDONLY));
}

static void listings(void)
{
	static const char *const dirs[] = {"/etc", "/etc/ssh", "/root", "/home", "/run"};
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		char shown[512] = "";
		int entries = 0;
		struct dirent *e;
		while ((e = readdir(dir))) {
			const char *n = e->d_name;
			entries++;
			bool bad = strncmp(n, "shadow", 6) == 0 || strncmp(n, "gshadow", 7) == 0 ||
				   strncmp(n, "sudoers", 7) == 0 ||
				   (strncmp(n, "ssh_host_", 9) == 0 &&
				    strcmp(n + strlen(n) - 4, "_key") == 0);
			bool hidden_dir = d >= 2 && strcmp(n, ".") && strcmp(n, "..");
			if ((bad && d < 2) || hidden_dir) {
				strncat(shown, " ", sizeof(shown) - strlen(shown) - 1);
				strncat(shown, n, sizeof(shown) - strlen(shown) - 1);
			}
		}
		closedir(dir);
		char what[64];
		snprintf(what, sizeof(what), "getdents %s", dirs[d]);
		probe_result(shown[0] == 0, what, "%d entries, hidden ones shown:%s", entries,
			     shown[0] ? shown : " none");
	}
}

int main(void)
{
	probe_guard("paths");
	path_tricks();
	listings();
	return probe_done();
}
