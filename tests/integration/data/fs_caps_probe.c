/* SPDX-License-Identifier: Apache-2.0 */
/* The capabilities over files, run as root natively and in the sandbox with
 * the outputs compared: a child per case drops capabilities from its
 * effective set (capset; the permitted set stays) and tries what each one
 * governs on files of its own case directory, made by the parent with all
 * of them: opening a mode-000 file for reading and for writing, listing
 * and searching a mode-000 directory, making a name in one, executing a
 * file with only its owner's x bit, access(2) (real ids: the permitted
 * set) and faccessat(AT_EACCESS), chmod, explicit times, O_NOATIME and a
 * hard link (fs.protected_hardlinks) on another user's file, chown (by
 * name, and by fd of a file it just made), and unlinking another user's
 * file from another user's sticky directory. A
 * lookup made with all capabilities first must not answer the same lookup
 * without them; capabilities raised again are honoured again; a user
 * other than root with CAP_DAC_OVERRIDE kept (PR_SET_KEEPCAPS) reads what
 * root's mode bits alone forbid. argv[1]: a scratch directory, where the
 * probe works in a directory of its own and removes it. Prints no path,
 * only results. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define OTHER  1000 /* another user's files */
#define BIT(c) (1ULL << (c))

static void show(const char *what, long r)
{
	if (r >= 0)
		printf("  %s: ok\n", what);
	else
		printf("  %s: %s\n", what, strerrorname_np(errno));
}

static void must(const char *what, int r)
{
	if (r < 0) {
		printf("setup %s: %s\n", what, strerrorname_np(errno));
		exit(1);
	}
}

static int get_caps(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &hdr, d) < 0)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* The effective set becomes eff (within the permitted set). */
static int set_eff(uint64_t eff)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &hdr, d) < 0)
		return -1;
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	return (int)syscall(SYS_capset, &hdr, d);
}

static void make_file(const char *path, const char *text, uid_t uid, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	must(path, fd);
	must(path, (int)write(fd, text, strlen(text)));
	close(fd);
	must(path, chown(path, uid, uid));
	must(path, chmod(path, mode));
}

/* The case's files, made with every capability. */
static void make_case(void)
{
	make_file("secret", "secret\n", 0, 0);
	must("dir", mkdir("dir", 0700));
	make_file("dir/inner", "inner\n", 0, 0644);
	must("dir", chmod("dir", 0));
	make_file("theirs", "theirs\n", OTHER, 0600);
	make_file("mine", "mine\n", 0, 0644);
	must("sticky", mkdir("sticky", 0777));
	must("sticky", chown("sticky", OTHER + 1, OTHER + 1));
	must("sticky", chmod("sticky", 01777));
	make_file("sticky/theirs", "x\n", OTHER, 0644);
	/* An executable for its owner (another user) alone. */
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int out = open("prog", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	must("prog", in < 0 ? in : out);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		must("prog", (int)write(out, buf, (size_t)n));
	close(in);
	close(out);
	must("prog", chown("prog", OTHER, OTHER));
	must("prog", chmod("prog", 0100));
}

static long open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd;
}

static long list_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	closedir(d);
	return 0;
}

static long run_prog(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"prog", "--exit", NULL};
		execv("prog", argv);
		_exit(errno == EACCES ? 13 : 1);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 13) {
		errno = EACCES;
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : (errno = EIO, -1);
}

static void try_all(void)
{
	struct stat st;
	struct timespec ts[2] = {{.tv_sec = 1000}, {.tv_sec = 2000}};
	show("open mode 000 for reading", open_close("secret", O_RDONLY));
	show("open mode 000 for writing", open_close("secret", O_WRONLY));
	show("list a mode 000 directory", list_dir("dir"));
	show("stat in a mode 000 directory", stat("dir/inner", &st));
	show("create in a mode 000 directory", mknod("dir/new", S_IFREG | 0644, 0));
	show("execute an owner-only program of another user", run_prog());
	show("access R_OK of mode 000", access("secret", R_OK));
	show("faccessat R_OK AT_EACCESS of mode 000",
	     faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
	show("chmod another user's file", chmod("theirs", 0640));
	show("explicit times on another user's file", utimensat(AT_FDCWD, "theirs", ts, 0));
	show("current times on another user's file", utimensat(AT_FDCWD, "theirs", NULL, 0));
	show("O_NOATIME on another user's file", open_close("theirs", O_RDONLY | O_NOATIME));
	show("hard link to another user's file", link("theirs", "theirs.link"));
	show("chown own file to another user", chown("mine", OTHER, -1));
	show("chgrp own file to another group", chown("mine", -1, OTHER));
	show("unlink another user's file from a sticky directory", unlink("sticky/theirs"));
	/* A file it made by its absolute path and holds: the sandbox may
	 * change such a file's owner without the gofer. */
	char made[4200];
	if (!getcwd(made, 4096))
		strcpy(made, ".");
	strcat(made, "/made");
	int fd = open(made, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	show("fchown a file just made to another user", fd < 0 ? -1 : fchown(fd, OTHER, -1));
	show("fchown a file just made to another group", fd < 0 ? -1 : fchown(fd, -1, OTHER));
	if (fd >= 0)
		close(fd);
}

struct drop {
	const char *name;
	uint64_t caps;
};

static void run_case(const char *top, int i, const struct drop *c, int how)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "case%d", i);
	must("case", mkdir(dir, 0755));
	must("case", chdir(dir));
	make_case();
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t eff, prm;
		struct stat st;
		if (get_caps(&eff, &prm) < 0)
			_exit(2);
		printf("%s:\n", c->name);
		if (how == 1) {
			/* Looked up with every capability first, often enough
			 * for the sandbox to keep what it found. */
			for (int k = 0; k < 3; k++)
				show("stat in a mode 000 directory, all capabilities",
				     stat("dir/inner", &st));
		} else if (how == 2) {
			/* A user other than root that keeps CAP_DAC_OVERRIDE. */
			if (prctl(PR_SET_KEEPCAPS, 1) < 0 || setresgid(OTHER, OTHER, OTHER) < 0 ||
			    setresuid(OTHER, OTHER, OTHER) < 0)
				_exit(3);
			if (get_caps(&eff, &prm) < 0)
				_exit(2);
			eff = prm & c->caps;
		}
		if (how != 2)
			eff &= ~c->caps;
		if (set_eff(eff) < 0)
			_exit(4);
		try_all();
		if (how == 1) {
			show("stat in a mode 000 directory again", stat("dir/inner", &st));
			eff |= c->caps;
			show("capabilities raised again", set_eff(eff));
			show("open mode 000 for reading, raised again",
			     open_close("secret", O_RDONLY));
			for (int k = 0; k < 2; k++)
				show("stat in a mode 000 directory, raised again",
				     stat("dir/inner", &st));
		}
		fflush(stdout);
		_exit(0);
	}
	int status;
	must("wait", (int)waitpid(pid, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("%s: child status %d\n", c->name, status);
	must("case", chdir(top));
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argc != 2 || chdir(argv[1]) < 0 || mkdir("fs_caps", 0755) < 0 || chdir("fs_caps") < 0) {
		fprintf(stderr, "usage: fs_caps_probe SCRATCH\n");
		return 2;
	}
	if (getuid() != 0) {
		fprintf(stderr, "fs_caps_probe: runs as root\n");
		return 2;
	}
	static const struct drop drops[] = {
		{"all capabilities", 0},
		{"without CAP_DAC_OVERRIDE", BIT(CAP_DAC_OVERRIDE)},
		{"without CAP_DAC_READ_SEARCH", BIT(CAP_DAC_READ_SEARCH)},
		{"without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH",
		 BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH)},
		{"without CAP_FOWNER", BIT(CAP_FOWNER)},
		{"without CAP_DAC_OVERRIDE and CAP_FOWNER",
		 BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FOWNER)},
		{"without CAP_CHOWN", BIT(CAP_CHOWN)},
		{"without CAP_FSETID", BIT(CAP_FSETID)},
		{"without any of them", BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) |
						BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) |
						BIT(CAP_FSETID)},
	};
	static const struct drop lookup = {"without both DAC capabilities after a lookup",
					   BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH)};
	static const struct drop user = {"uid 1000 with CAP_DAC_OVERRIDE", BIT(CAP_DAC_OVERRIDE)};
	char top[4096];
	if (!getcwd(top, sizeof(top)))
		return 1;
	int n = 0;
	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		run_case(top, n++, &drops[i], 0);
	run_case(top, n++, &lookup, 1);
	run_case(top, n++, &user, 2);
	/* Made with every capability, removed with them. */
	pid_t pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", top, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
		printf("cleanup failed\n");
	return 0;
}
