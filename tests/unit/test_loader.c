/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec loader on its own: this test plays the sentry. A child installs a
 * filter that sends only the loader's reserved call to a listener, hands the
 * listener over and execs the loader binary ($RUNSC_LOADER); the parent
 * answers the call with ADDFD'd fds of a real program and a loader_info, and
 * checks what the program does and how /proc shows it.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/loader_abi.h"
#include "time_scale.h"

#define LD_SO	   "/lib64/ld-linux-x86-64.so.2"
#define TIMEOUT_MS (10000 * time_scale())

struct run_spec {
	const char *exe;	 /* the ELF the loader maps */
	const char *interp;	 /* its PT_INTERP, or NULL */
	const char *const *argv; /* what the loader itself is exec'd with */
	const char *const *envp;
	const char *const *prefix; /* "#!" argv prefix, NULL-terminated, or NULL */
	const char *execfn;
	const char *comm;
	int answer_error; /* fail the reserved call with this errno instead */
	bool hold;	  /* inspect /proc once the program printed "ready" */
};

struct run_result {
	int status;
	char out[8192];
	size_t out_len;
	char cmdline[4096];
	size_t cmdline_len;
	char comm[32];
	char maps[65536];
	int loader_fds[2]; /* the fd numbers ADDFD gave the loader */
	bool loader_fds_open;
	uint64_t at_entry, at_phdr;
	char at_execfn[256];
};

static const char *loader_path(void)
{
	const char *p = getenv("RUNSC_LOADER");

	ck_assert_msg(p && *p, "RUNSC_LOADER must name the built loader binary");
	return p;
}

/* The static, non-PIE program the build links (tests/unit/static_probe.c). */
static const char *static_probe(void)
{
	const char *p = getenv("RUNSC_STATIC_PROBE");

	ck_assert_msg(p && *p, "RUNSC_STATIC_PROBE must name the built static probe");
	return p;
}

/* What a program's own headers say, read here rather than assumed. */
struct elf_facts {
	Elf64_Ehdr eh;
	char interp[256];    /* its PT_INTERP, or "" */
	uint64_t first_load; /* p_vaddr of its first PT_LOAD */
	uint64_t phdr;	     /* where its program headers are once loaded at 0 bias */
};

static void read_elf(const char *path, struct elf_facts *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool have_load = false, have_phdr = false;

	memset(f, 0, sizeof(*f));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &f->eh, sizeof(f->eh), 0), (ssize_t)sizeof(f->eh));
	ck_assert_int_eq(memcmp(f->eh.e_ident, ELFMAG, SELFMAG), 0);
	for (unsigned i = 0; i < f->eh.e_phnum; i++) {
		Elf64_Phdr ph;
		off_t at = (off_t)(f->eh.e_phoff + (uint64_t)i * f->eh.e_phentsize);

		ck_assert_int_eq(pread(fd, &ph, sizeof(ph), at), (ssize_t)sizeof(ph));
		if (ph.p_type == PT_INTERP) {
			ck_assert_uint_lt(ph.p_filesz, sizeof(f->interp));
			ck_assert_int_eq(pread(fd, f->interp, ph.p_filesz, (off_t)ph.p_offset),
					 (ssize_t)ph.p_filesz);
		} else if (ph.p_type == PT_PHDR) {
			f->phdr = ph.p_vaddr;
			have_phdr = true;
		} else if (ph.p_type == PT_LOAD && !have_load) {
			f->first_load = ph.p_vaddr;
			have_load = true;
		}
		/* As Linux does without a PT_PHDR: the PT_LOAD that holds
		 * the headers in the file holds them in memory. */
		if (ph.p_type == PT_LOAD && !have_phdr && ph.p_offset <= f->eh.e_phoff &&
		    f->eh.e_phoff < ph.p_offset + ph.p_filesz) {
			f->phdr = ph.p_vaddr + (f->eh.e_phoff - ph.p_offset);
			have_phdr = true;
		}
	}
	close(fd);
	ck_assert(have_load && have_phdr);
}

static int send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
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
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RUNSC_NR_LOADER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    &prog);
}

static _Noreturn void child(const struct run_spec *spec, int sock, int in_fd, int out_fd)
{
	int listener;

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(120);
	listener = install_filter();
	if (listener < 0 || send_fd(sock, listener) < 0)
		_exit(121);
	close(listener);
	close(sock);
	close(in_fd);
	close(out_fd);
	execve(loader_path(), (char *const *)spec->argv, (char *const *)spec->envp);
	_exit(122);
}

static size_t put_str(char *dst, size_t at, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(dst + at, s, n);
	return at + n;
}

static int addfd(int listener, uint64_t id, int fd, uint32_t flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = flags,
		.srcfd = (uint32_t)fd,
		.newfd = 0,
		.newfd_flags = O_CLOEXEC,
	};

	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
}

/* What the sentry does in exec_loader_call. */
static void answer(int listener, const struct run_spec *spec, int *loader_fds)
{
	struct seccomp_notif_sizes sizes;
	struct pollfd pfd = {.fd = listener, .events = POLLIN};

	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes), 0);
	ck_assert_msg(poll(&pfd, 1, TIMEOUT_MS) == 1 && (pfd.revents & POLLIN),
		      "the loader made no reserved call");

	struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);

	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(resp);
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req), 0);
	ck_assert_int_eq(req->data.nr, RUNSC_NR_LOADER);
	resp->id = req->id;
	if (spec->answer_error) {
		resp->error = -spec->answer_error;
		goto send;
	}

	int exe = open(spec->exe, O_RDONLY | O_CLOEXEC);
	int interp = spec->interp ? open(spec->interp, O_RDONLY | O_CLOEXEC) : -1;

	ck_assert_int_ge(exe, 0);
	ck_assert(!spec->interp || interp >= 0);

	char *buf = calloc(1, LOADER_INFO_MAX);
	struct loader_info *info = (struct loader_info *)buf;
	size_t at = 0;

	ck_assert_ptr_nonnull(buf);
	info->version = LOADER_INFO_VERSION;
	info->interp_fd = interp >= 0 ? addfd(listener, req->id, interp, 0) : -1;
	ck_assert(interp < 0 || info->interp_fd >= 0);
	loader_fds[1] = info->interp_fd;
	for (const char *const *p = spec->prefix; p && *p; p++) {
		at = put_str(info->strings, at, *p);
		info->argv_prefix_count++;
	}
	at = put_str(info->strings, at, spec->execfn);
	at = put_str(info->strings, at, spec->comm);
	info->strings_len = (uint32_t)at;

	size_t len = offsetof(struct loader_info, strings) + at;
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)req->data.args[0], .iov_len = len};

	ck_assert_uint_ge(req->data.args[1], len);
	ck_assert_int_eq(process_vm_writev(req->pid, &local, 1, &remote, 1, 0), (ssize_t)len);
	/* The binary's fd answers the call (its number is the result). */
	loader_fds[0] = addfd(listener, req->id, exe, SECCOMP_ADDFD_FLAG_SEND);
	ck_assert_int_ge(loader_fds[0], 0);
	close(exe);
	if (interp >= 0)
		close(interp);
	free(buf);
	free(req);
	free(resp);
	return;
send:
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp), 0);
	free(req);
	free(resp);
}

static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

/* Reads the auxv the program ended up with, as the kernel reports it
 * (PR_SET_MM_MAP's copy), and the AT_EXECFN string it points at. */
static void read_auxv(pid_t pid, struct run_result *res)
{
	uint64_t auxv[128];
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = read(fd, auxv, sizeof(auxv));
	close(fd);
	ck_assert_int_gt(n, 0);
	for (size_t i = 0; i + 1 < (size_t)n / 8; i += 2) {
		if (auxv[i] == AT_ENTRY)
			res->at_entry = auxv[i + 1];
		if (auxv[i] == AT_PHDR)
			res->at_phdr = auxv[i + 1];
		if (auxv[i] != AT_EXECFN)
			continue;
		struct iovec local = {.iov_base = res->at_execfn,
				      .iov_len = sizeof(res->at_execfn) - 1};
		struct iovec remote = {.iov_base = (void *)(uintptr_t)auxv[i + 1],
				       .iov_len = sizeof(res->at_execfn) - 1};

		ck_assert_int_gt(process_vm_readv(pid, &local, 1, &remote, 1, 0), 0);
	}
}

static bool fds_open(pid_t pid, const int *fds, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fds[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/* Reads the program's output; stops early after "ready\n" when asked. */
static void read_output(int fd, struct run_result *res, bool until_ready)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	while (res->out_len < sizeof(res->out) - 1) {
		if (until_ready && strstr(res->out, "ready\n"))
			return;
		ck_assert_msg(poll(&pfd, 1, TIMEOUT_MS) == 1, "program output timed out");
		ssize_t n = read(fd, res->out + res->out_len, sizeof(res->out) - 1 - res->out_len);

		if (n <= 0)
			return;
		res->out_len += (size_t)n;
		res->out[res->out_len] = '\0';
	}
}

static void run(const struct run_spec *spec, struct run_result *res)
{
	int sv[2], in[2], out[2];

	memset(res, 0, sizeof(*res));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);

	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(spec, sv[1], in[0], out[1]);
	close(sv[1]);
	close(in[0]);
	close(out[1]);

	int listener = recv_fd(sv[0]);

	ck_assert_int_ge(listener, 0);
	res->loader_fds[0] = res->loader_fds[1] = -1;
	answer(listener, spec, res->loader_fds);
	read_output(out[0], res, spec->hold);
	if (spec->hold) {
		ssize_t n = read_proc(pid, "cmdline", res->cmdline, sizeof(res->cmdline));

		res->cmdline_len = n > 0 ? (size_t)n : 0;
		read_proc(pid, "comm", res->comm, sizeof(res->comm));
		read_proc(pid, "maps", res->maps, sizeof(res->maps));
		res->loader_fds_open = fds_open(pid, res->loader_fds, 2);
		read_auxv(pid, res);
		ck_assert_int_eq(write(in[1], "go\n", 3), 3);
		read_output(out[0], res, false);
	}
	close(in[1]);
	close(out[0]);
	close(sv[0]);
	close(listener);
	ck_assert_int_eq(waitpid(pid, &res->status, 0), pid);
}

static const char *const plain_env[] = {"PATH=/usr/bin:/bin", "FOO=bar", NULL};

START_TEST(test_true)
{
	const char *const argv[] = {"true", NULL};
	struct run_spec spec = {
		.exe = "/bin/true",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.execfn = "/bin/true",
		.comm = "true",
	};
	struct run_result res;

	run(&spec, &res);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %#x",
		      res.status);
}
END_TEST

START_TEST(test_dynamic_shell)
{
	const char *const argv[] = {"sh", "-c", "echo $0 $1 $FOO; exit 3", "zero", "one", NULL};
	struct run_spec spec = {
		.exe = "/bin/sh",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.execfn = "/bin/sh",
		.comm = "sh",
	};
	struct run_result res;

	run(&spec, &res);
	ck_assert_str_eq(res.out, "zero one bar\n");
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 3, "status %#x",
		      res.status);
}
END_TEST

START_TEST(test_static)
{
	const char *const argv[] = {"static_probe", "echo", "hi", NULL};
	struct run_spec spec = {
		.exe = static_probe(),
		.argv = argv,
		.envp = plain_env,
		.execfn = static_probe(),
		.comm = "static_probe",
	};
	struct run_result res;
	struct elf_facts f;

	read_elf(spec.exe, &f);
	ck_assert_msg(f.eh.e_type == ET_EXEC && !f.interp[0], "%s is not static", spec.exe);
	run(&spec, &res);
	ck_assert_str_eq(res.out, "hi\n");
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %#x",
		      res.status);
}
END_TEST

/* A real program of the host's, handed over as its headers describe it:
 * busybox is static on some hosts and dynamic on others. */
START_TEST(test_busybox)
{
	const char *const argv[] = {"busybox", "echo", "hi", NULL};
	struct run_spec spec = {
		.exe = "/bin/busybox",
		.argv = argv,
		.envp = plain_env,
		.execfn = "/bin/busybox",
		.comm = "busybox",
	};
	struct run_result res;
	struct elf_facts f;

	if (access(spec.exe, R_OK) != 0) {
		printf("# test_busybox skipped: no /bin/busybox on this host\n");
		return;
	}
	read_elf(spec.exe, &f);
	spec.interp = f.interp[0] ? f.interp : NULL;
	run(&spec, &res);
	ck_assert_str_eq(res.out, "hi\n");
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %#x",
		      res.status);
}
END_TEST

/* What /proc shows for a plain dynamic program: argv as given, the name set,
 * a [heap] at the brk PR_SET_MM_MAP placed, the loader's fds closed. */
START_TEST(test_proc_view)
{
	const char *const argv[] = {"sh", "-c", "echo ready; read x; echo done", NULL};
	struct run_spec spec = {
		.exe = "/bin/sh",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.execfn = "/bin/sh",
		.comm = "dash",
		.hold = true,
	};
	static const char want[] = "sh\0-c\0echo ready; read x; echo done";
	struct run_result res;

	run(&spec, &res);
	ck_assert_str_eq(res.out, "ready\ndone\n");
	ck_assert_uint_eq(res.cmdline_len, sizeof(want));
	ck_assert_mem_eq(res.cmdline, want, sizeof(want));
	ck_assert_str_eq(res.comm, "dash\n");
	ck_assert_msg(strstr(res.maps, "[heap]"), "no [heap] in\n%s", res.maps);
	ck_assert_msg(strstr(res.maps, "[stack]"), "no [stack] in\n%s", res.maps);
	ck_assert(!res.loader_fds_open);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %#x",
		      res.status);
}
END_TEST

/* A "#!" script: the sentry hands /bin/sh and the argv prefix
 * [interpreter, script]; the original argv[0] is dropped. */
START_TEST(test_script)
{
	char dir[] = "/tmp/runsc-loader-XXXXXX";
	char script[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/script", dir);

	FILE *f = fopen(script, "w");

	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\necho ready\nread x\necho \"$0|$1|$2\"\nexit 7\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(script, 0755), 0);

	const char *const argv[] = {"argv0-dropped", "one", "two words", NULL};
	const char *const prefix[] = {"/bin/sh", script, NULL};
	struct run_spec spec = {
		.exe = "/bin/sh",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.prefix = prefix,
		.execfn = script,
		.comm = "script",
		.hold = true,
	};
	struct run_result res;
	char want_out[256], want_cmdline[256];
	int n;

	run(&spec, &res);
	snprintf(want_out, sizeof(want_out), "ready\n%s|one|two words\n", script);
	ck_assert_str_eq(res.out, want_out);
	n = snprintf(want_cmdline, sizeof(want_cmdline), "/bin/sh%c%s%cone%ctwo words", 0, script,
		     0, 0);
	ck_assert_uint_eq(res.cmdline_len, (size_t)n + 1);
	ck_assert_mem_eq(res.cmdline, want_cmdline, (size_t)n + 1);
	ck_assert_str_eq(res.comm, "script\n");
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 7, "status %#x",
		      res.status);
	unlink(script);
	rmdir(dir);
}
END_TEST

/* Python's startup reads AT_EXECFN-adjacent auxv state and the cwd. */
START_TEST(test_python)
{
	const char *const argv[] = {"python3", "-c", "import sys,os; print(sys.argv, os.getcwd())",
				    NULL};
	struct run_spec spec = {
		.exe = "/usr/bin/python3",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.execfn = "/usr/bin/python3",
		.comm = "python3",
	};
	struct run_result res;
	char cwd[4096], want[4200];

	if (access("/usr/bin/python3", X_OK) != 0)
		return;
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "['-c'] %s\n", cwd);
	run(&spec, &res);
	ck_assert_str_eq(res.out, want);
	ck_assert_msg(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %#x",
		      res.status);
}
END_TEST

/* The auxv the program sees: AT_EXECFN is the name the sentry passed, not
 * the loader's; AT_ENTRY and AT_PHDR belong to the program. */
START_TEST(test_auxv)
{
	const char *const argv[] = {"static_probe", "hold", NULL};
	struct run_spec spec = {
		.exe = static_probe(),
		.argv = argv,
		.envp = plain_env,
		.execfn = "/virtual/name",
		.comm = "probe",
		.hold = true,
	};
	struct run_result res;
	struct elf_facts f;
	char mapping[32];

	read_elf(spec.exe, &f);
	ck_assert_msg(f.eh.e_type == ET_EXEC && !f.interp[0], "%s is not static", spec.exe);
	run(&spec, &res);
	ck_assert_str_eq(res.out, "ready\ndone\n");
	ck_assert_str_eq(res.at_execfn, "/virtual/name");
	ck_assert_uint_eq(res.at_entry, f.eh.e_entry);
	ck_assert_uint_eq(res.at_phdr, f.phdr);
	/* An ET_EXEC program: its own mappings are where its headers
	 * asked, and the loader stays mapped beside it. */
	snprintf(mapping, sizeof(mapping), "%08llx-",
		 (unsigned long long)(f.first_load & ~0xfffULL));
	ck_assert_msg(strstr(res.maps, mapping), "no program mapping at %s in\n%s", mapping,
		      res.maps);
	ck_assert_msg(strstr(res.maps, "loader"), "no loader mapping in\n%s", res.maps);
}
END_TEST

START_TEST(test_error_kills)
{
	const char *const argv[] = {"true", NULL};
	struct run_spec spec = {
		.exe = "/bin/true",
		.interp = LD_SO,
		.argv = argv,
		.envp = plain_env,
		.execfn = "/bin/true",
		.comm = "true",
		.answer_error = EPERM,
	};
	struct run_result res;

	run(&spec, &res);
	ck_assert_msg(WIFSIGNALED(res.status) && WTERMSIG(res.status) == SIGKILL, "status %#x",
		      res.status);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("exec");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_true);
	tcase_add_test(tc, test_dynamic_shell);
	tcase_add_test(tc, test_static);
	tcase_add_test(tc, test_busybox);
	tcase_add_test(tc, test_proc_view);
	tcase_add_test(tc, test_script);
	tcase_add_test(tc, test_python);
	tcase_add_test(tc, test_auxv);
	tcase_add_test(tc, test_error_kills);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
