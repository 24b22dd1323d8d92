/* SPDX-License-Identifier: Apache-2.0 */
/* elfinfo against real files, and against what Linux's own execve says
 * about the same file: the native errno is the expected one. */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sentry/elfinfo.h"

#define LD_SO "/lib64/ld-linux-x86-64.so.2"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/runsc-elfinfo-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static int inspect_path(const char *path, struct elfinfo *info)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	ck_assert_int_ge(fd, 0);
	err = elfinfo_inspect(fd, info);
	close(fd);
	return err;
}

static int check_interp_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	ck_assert_int_ge(fd, 0);
	err = elfinfo_check_interp(fd);
	close(fd);
	return err;
}

/* What Linux's execve answers for path: 0 if it ran, else the errno. */
static int native_exec_errno(const char *path)
{
	int p[2], err = 0, status;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *const argv[] = {(char *)path, NULL};
		char *const envp[] = {NULL};
		int devnull = open("/dev/null", O_RDWR);

		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execve(path, argv, envp);
		err = errno;
		if (write(p[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return err;
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* A copy of /bin/true, with edit applied to its bytes. */
static char *true_copy(const char *name, size_t keep, void (*edit)(unsigned char *, size_t))
{
	static unsigned char buf[1 << 20];
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, (ssize_t)sizeof(buf));
	if (edit)
		edit(buf, (size_t)n);
	if (keep && keep < (size_t)n)
		n = (ssize_t)keep;
	char *path = tmp_path(name);

	write_file(path, buf, (size_t)n);
	return path;
}

/* Expects elfinfo to give err for path, and Linux's execve to agree. */
static void expect_like_linux(const char *path, int err)
{
	struct elfinfo info;

	ck_assert_int_eq(inspect_path(path, &info), err);
	ck_assert_int_eq(native_exec_errno(path), -err);
}

START_TEST(test_dynamic_pie)
{
	struct elfinfo info;

	ck_assert_int_eq(inspect_path("/bin/true", &info), 0);
	ck_assert_int_eq(info.fmt, BINFMT_ELF);
	ck_assert_int_eq(info.e_type, ET_DYN);
	ck_assert(info.has_interp);
	ck_assert_str_eq(info.interp, LD_SO);
	ck_assert_int_eq(check_interp_path(LD_SO), 0);
}
END_TEST

/* The static, non-PIE program the build links (tests/unit/static_probe.c). */
static const char *static_probe(void)
{
	const char *p = getenv("RUNSC_STATIC_PROBE");

	ck_assert_msg(p && *p, "RUNSC_STATIC_PROBE must name the built static probe");
	return p;
}

/* What a file's own headers say, read here rather than assumed: its type
 * and whether it names an interpreter. */
static void native_elf(const char *path, unsigned *e_type, bool *has_interp)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &eh, sizeof(eh), 0), (ssize_t)sizeof(eh));
	ck_assert_int_eq(memcmp(eh.e_ident, ELFMAG, SELFMAG), 0);
	*e_type = eh.e_type;
	*has_interp = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		off_t at = (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize);

		ck_assert_int_eq(pread(fd, &ph, sizeof(ph), at), (ssize_t)sizeof(ph));
		if (ph.p_type == PT_INTERP)
			*has_interp = true;
	}
	close(fd);
}

START_TEST(test_static)
{
	const char *path = static_probe();
	struct elfinfo info;
	unsigned e_type;
	bool interp;

	native_elf(path, &e_type, &interp);
	ck_assert_msg(e_type == ET_EXEC && !interp, "%s: e_type %u, PT_INTERP %d: not static", path,
		      e_type, interp);
	ck_assert_int_eq(inspect_path(path, &info), 0);
	ck_assert_int_eq(info.fmt, BINFMT_ELF);
	ck_assert_int_eq(info.e_type, ET_EXEC);
	ck_assert(!info.has_interp);

	/* busybox as its own headers describe it: static on some hosts,
	 * dynamic on others. */
	if (access("/bin/busybox", R_OK) == 0) {
		native_elf("/bin/busybox", &e_type, &interp);
		ck_assert_int_eq(inspect_path("/bin/busybox", &info), 0);
		ck_assert_int_eq(info.fmt, BINFMT_ELF);
		ck_assert_uint_eq(info.e_type, e_type);
		ck_assert_int_eq(info.has_interp, interp);
	}
}
END_TEST

START_TEST(test_text)
{
	const char text[] = "echo not a program\n";
	char *path = tmp_path("text");

	write_file(path, text, sizeof(text) - 1);
	expect_like_linux(path, -ENOEXEC);
	/* As an interpreter: shorter than an ELF header. */
	ck_assert_int_eq(check_interp_path(path), -EIO);

	path = tmp_path("empty");
	write_file(path, "", 0);
	expect_like_linux(path, -ENOEXEC);

	path = tmp_path("magic-only");
	write_file(path, ELFMAG, SELFMAG);
	expect_like_linux(path, -ENOEXEC);
}
END_TEST

static void expect_script(const char *line, const char *interp, const char *arg)
{
	struct elfinfo info;
	int err = elfinfo_parse_script(line, strlen(line), &info);

	ck_assert_msg(err == 0, "\"%s\": %d", line, err);
	ck_assert_int_eq(info.fmt, BINFMT_SCRIPT);
	ck_assert_str_eq(info.script_interp, interp);
	ck_assert_int_eq(info.has_script_arg, arg != NULL);
	if (arg)
		ck_assert_str_eq(info.script_arg, arg);
}

START_TEST(test_script_lines)
{
	char long_arg[400], long_name[400];
	struct elfinfo info;

	expect_script("#!/bin/sh\necho hi\n", "/bin/sh", NULL);
	expect_script("#!/bin/sh", "/bin/sh", NULL);
	expect_script("#! \t/usr/bin/env   python3 -u  \t\nprint()\n", "/usr/bin/env",
		      "python3 -u");
	expect_script("#!/bin/sh -e\n", "/bin/sh", "-e");
	expect_script("#!/bin/sh\t-e x\n", "/bin/sh", "-e x");
	ck_assert_int_eq(elfinfo_parse_script("#!\n", 3, &info), -ENOEXEC);
	ck_assert_int_eq(elfinfo_parse_script("#!  \t \n", 7, &info), -ENOEXEC);
	ck_assert_int_eq(elfinfo_parse_script("#\n", 2, &info), -ENOEXEC);

	/* No newline within 256 bytes: the argument may be cut... */
	snprintf(long_arg, sizeof(long_arg), "#!/bin/sh %0300d", 0);
	ck_assert_int_eq(elfinfo_parse_script(long_arg, strlen(long_arg), &info), 0);
	ck_assert_str_eq(info.script_interp, "/bin/sh");
	ck_assert_uint_eq(strlen(info.script_arg), BINPRM_BUF_SIZE - 1 - strlen("#!/bin/sh "));
	/* ...but a cut interpreter name is refused. */
	memset(long_name, 'a', sizeof(long_name));
	memcpy(long_name, "#!/", 3);
	ck_assert_int_eq(elfinfo_parse_script(long_name, sizeof(long_name), &info), -ENOEXEC);
}
END_TEST

START_TEST(test_script_files)
{
	struct elfinfo info;
	char *path = tmp_path("script");
	const char script[] = "#!/bin/sh -e\nexit 0\n";

	write_file(path, script, sizeof(script) - 1);
	expect_like_linux(path, 0);
	ck_assert_int_eq(inspect_path(path, &info), 0);
	ck_assert_int_eq(info.fmt, BINFMT_SCRIPT);
	ck_assert_str_eq(info.script_interp, "/bin/sh");
	ck_assert_str_eq(info.script_arg, "-e");

	path = tmp_path("blank-script");
	write_file(path, "#!   \nexit 0\n", 13);
	expect_like_linux(path, -ENOEXEC);
}
END_TEST

/* An ELF32 header (i386): not for this machine's native loader. */
START_TEST(test_elf32)
{
	union {
		Elf32_Ehdr eh;
		char pad[128];
	} u = {0};
	Elf32_Ehdr eh = {0};
	char *path = tmp_path("elf32");

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf32_Phdr);
	eh.e_phnum = 0;
	u.eh = eh;
	write_file(path, &u, sizeof(u));
	/* Linux with IA32 emulation would try it (and fail on no segments);
	 * the guest filter kills 32-bit calls, so the sentry refuses it. */
	struct elfinfo info;

	ck_assert_int_eq(inspect_path(path, &info), -ENOEXEC);
	ck_assert_int_eq(check_interp_path(path), -ELIBBAD);
}
END_TEST

START_TEST(test_truncated)
{
	/* Header intact, program headers cut off. */
	expect_like_linux(true_copy("truncated", 100, NULL), -ENOEXEC);
}
END_TEST

static void edit_machine(unsigned char *buf, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	ck_assert_uint_ge(len, sizeof(*eh));
	eh->e_machine = EM_AARCH64;
}

static void edit_type(unsigned char *buf, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	ck_assert_uint_ge(len, sizeof(*eh));
	eh->e_type = ET_REL;
}

/* PT_INTERP without its terminating NUL. */
static void edit_interp(unsigned char *buf, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_INTERP)
			continue;
		ck_assert_uint_lt(ph[i].p_offset + ph[i].p_filesz, len);
		buf[ph[i].p_offset + ph[i].p_filesz - 1] = 'x';
		return;
	}
	ck_abort_msg("no PT_INTERP in /bin/true");
}

/* Points PT_INTERP at another (shorter) path. */
static const char *interp_target;

static void edit_interp_target(unsigned char *buf, size_t len)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);
	size_t n = strlen(interp_target) + 1;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_INTERP)
			continue;
		ck_assert_uint_lt(ph[i].p_offset + ph[i].p_filesz, len);
		ck_assert_uint_ge(ph[i].p_filesz, n);
		memset(buf + ph[i].p_offset, 0, ph[i].p_filesz);
		memcpy(buf + ph[i].p_offset, interp_target, n);
		return;
	}
	ck_abort_msg("no PT_INTERP in /bin/true");
}

/* An interpreter that is not ELF: ELIBBAD, or EIO when it is too short to
 * hold an ELF header. Found only when the interpreter is checked. */
static void expect_bad_interp(const char *target, int err)
{
	struct elfinfo info;
	char *path;

	interp_target = target;
	path = true_copy("interp-bad", 0, edit_interp_target);
	ck_assert_int_eq(inspect_path(path, &info), 0);
	ck_assert_str_eq(info.interp, target);
	ck_assert_int_eq(native_exec_errno(path), -err);
	ck_assert_int_eq(check_interp_path(target), err);
}

START_TEST(test_bad_headers)
{
	expect_like_linux(true_copy("machine", 0, edit_machine), -ENOEXEC);
	expect_like_linux(true_copy("type", 0, edit_type), -ENOEXEC);
	expect_like_linux(true_copy("interp-nul", 0, edit_interp), -ENOEXEC);
	if (access("/bin/gzexe", X_OK) == 0)
		expect_bad_interp("/bin/gzexe", -ELIBBAD);
	/* A tiny executable file of our own. */
	char tiny[256];

	snprintf(tiny, sizeof(tiny), "%s", tmp_path("i"));
	write_file(tiny, "#!", 2);
	if (strlen(tiny) < sizeof(LD_SO))
		expect_bad_interp(tiny, -EIO);
}
END_TEST

/* /bin/true with its program header table and PT_INTERP string moved past
 * the first pages of the file (appended at its end): read from the file
 * rather than from the bytes read first. */
START_TEST(test_far_headers)
{
	static unsigned char buf[1 << 20];
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	struct elfinfo info;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) / 2);
	close(fd);
	ck_assert_int_gt(n, 8192);
	size_t end = ((size_t)n + 7) & ~7UL;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	size_t ph_size = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + end);

	memcpy(ph, buf + eh->e_phoff, ph_size);
	eh->e_phoff = end;
	size_t at = end + ph_size;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_INTERP)
			continue;
		memcpy(buf + at, buf + ph[i].p_offset, ph[i].p_filesz);
		ph[i].p_offset = at;
		at += ph[i].p_filesz;
	}
	char *path = tmp_path("far-headers");

	write_file(path, buf, at);
	expect_like_linux(path, 0);
	ck_assert_int_eq(inspect_path(path, &info), 0);
	ck_assert(info.has_interp);
	ck_assert_str_eq(info.interp, LD_SO);
	/* As an interpreter, too. */
	ck_assert_int_eq(check_interp_path(path), 0);
}
END_TEST

static Suite *elfinfo_suite(void)
{
	Suite *s = suite_create("elfinfo");
	TCase *tc = tcase_create("inspect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dynamic_pie);
	tcase_add_test(tc, test_static);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_script_lines);
	tcase_add_test(tc, test_script_files);
	tcase_add_test(tc, test_elf32);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_headers);
	tcase_add_test(tc, test_far_headers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(elfinfo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
