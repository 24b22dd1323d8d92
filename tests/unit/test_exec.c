/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sentry/exec.c inside a small sentry of the test's own: a guest child in a
 * private mount namespace whose root is a tmpfs holding /loader (plus the
 * host's /usr, /etc, /tmp, ... bound in, so that programs find their
 * libraries without an openat emulation), a filter that traces execve and
 * execveat and notifies the loader's reserved call, a ptrace loop, and a
 * stand-in gofer thread that opens host files. Each scenario runs natively
 * and in the guest; the native result is the expected one.
 *
 * Needs root (mount namespace, chroot) and $RUNSC_LOADER.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/gofer_shared.h"
#include "common/loader_abi.h"
#include "common/util.h"
#include "sentry/sentry.h"
#include "time_scale.h"

#define TIMEOUT_MS (20000 * time_scale())

/* ---- what the rest of the sentry would provide ---- */

bool procfs_owns_fd(struct sentry *s, int host_fd, const struct stat *st, char *prefix, size_t size)
{
	(void)s;
	(void)host_fd;
	(void)st;
	(void)prefix;
	(void)size;
	return false;
}

bool procfs_prefix_gone(struct sentry *s, const char *prefix)
{
	(void)s;
	(void)prefix;
	return false;
}

/* The sentry's /proc as exec's open walks it, for the paths these tests
 * exec: self/fd/<n> is the calling thread's fd, anything else a file of
 * /proc itself. */
int procfs_link_object_ex(struct sc_ctx *c, const char *rest, int *fd_out, char *view_path,
			  size_t size)
{
	(void)view_path;
	(void)size;
	*fd_out = -1;
	int guest_fd;
	char tail;
	if (sscanf(rest, "self/fd/%d%c", &guest_fd, &tail) != 1)
		return -EXDEV;
	int pidfd = sys_pidfd_open(c->t->tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -ESRCH;
	int fd = sys_pidfd_getfd(pidfd, guest_fd, 0);
	close(pidfd);
	if (fd < 0)
		return -ENOENT;
	*fd_out = fd;
	return 0;
}

int procfs_stat_ex(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st,
		   char *view_path, size_t size)
{
	(void)c;
	(void)rest;
	(void)nofollow;
	(void)st;
	(void)view_path;
	(void)size;
	return -ENOENT;
}

/* ---- the stand-in gofer: GOP_EXEC_OPEN on the host's files ---- */

/* /proc/... and /dev/fd/... are the sentry's: redirect with the rest. */
static bool proc_redirect(const char *path, struct gofer_resp *resp)
{
	const char *rest = NULL;
	char buf[GOFER_PATH_MAX];

	if (strncmp(path, "/proc/", 6) == 0) {
		rest = path + 6;
	} else if (strncmp(path, "/dev/fd/", 8) == 0) {
		snprintf(buf, sizeof(buf), "self/fd/%s", path + 8);
		rest = buf;
	}
	if (!rest)
		return false;
	resp->redirect = GOFER_REDIR_PROC;
	resp->data_len = (uint32_t)strlen(rest);
	memcpy(resp->data, rest, resp->data_len);
	return true;
}

static int exec_open_host(const struct gofer_req *req, int dirfd, struct gofer_resp *resp)
{
	int flags = O_RDONLY | O_CLOEXEC;
	struct stat st;
	char link[64];
	ssize_t n;

	if (req->flags & AT_SYMLINK_NOFOLLOW)
		flags |= O_NOFOLLOW;
	int fd = openat(dirfd, req->data, flags);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		close(fd);
		return -EACCES;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, resp->data, sizeof(resp->data));
	resp->data_len = n > 0 ? (uint32_t)n : 0;
	return fd;
}

/* The gofer thread's counts of the fds it sent and closed: in the same
 * process, the page needs no mapping. */
static struct gofer_shared test_gofer_shared;

static void *gofer_thread(void *arg)
{
	int sock = (int)(intptr_t)arg;
	struct gofer_req *req = malloc(sizeof(*req));
	struct gofer_resp *resp = malloc(sizeof(*resp));

	for (;;) {
		int fds[3], nfds = 0, fd = -1;
		ssize_t n = recv_msg_fds(sock, req, sizeof(*req), fds, 3, &nfds);

		if (n <= 0)
			break;
		memset(resp, 0, GOFER_RESP_HDR_SIZE);
		int dirfd = (req->fd_mask & GOFER_FD_DIR) && nfds > 0 ? fds[0] : AT_FDCWD;

		if (req->op != GOP_EXEC_OPEN)
			resp->err = -ENOSYS;
		else if (req->data[0] != '/' || !proc_redirect(req->data, resp))
			fd = exec_open_host(req, dirfd, resp);
		if (fd < 0 && !resp->redirect && !resp->err)
			resp->err = fd;
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (fd >= 0)
			gofer_shared_sent(&test_gofer_shared);
		send_msg_fds(sock, resp, GOFER_RESP_HDR_SIZE + resp->data_len, &fd, fd >= 0);
		if (fd >= 0) {
			close(fd);
			gofer_shared_released(&test_gofer_shared);
		}
	}
	free(req);
	free(resp);
	close(sock);
	return NULL;
}

/* ---- scenarios: run in the child; return errno if the exec failed ---- */

typedef int (*scenario_fn)(const void *arg);

struct exec_args {
	const char *path;
	const char *const *argv;
	const char *const *envp;
	const char *dir; /* execveat: open this directory as dirfd */
	int flags;
};

static const char *const no_env[] = {"PATH=/usr/bin:/bin", NULL};

static int sc_execve(const void *arg)
{
	const struct exec_args *a = arg;

	execve(a->path, (char *const *)a->argv, (char *const *)(a->envp ? a->envp : no_env));
	return errno;
}

static int sc_execveat(const void *arg)
{
	const struct exec_args *a = arg;
	int dirfd = open(a->dir, O_PATH | O_DIRECTORY);

	syscall(SYS_execveat, dirfd, a->path, a->argv, a->envp ? a->envp : no_env, a->flags);
	return errno;
}

struct memfd_args {
	const char *src;
	const char *by_path; /* execve this path (naming fd 20) instead of fexecve */
	const char *const *argv;
	mode_t mode;
	unsigned int memfd_flags;
};

static int sc_memfd(const void *arg)
{
	const struct memfd_args *a = arg;
	int fd = memfd_create("prog", a->memfd_flags);
	int src = open(a->src, O_RDONLY);
	char buf[65536];
	ssize_t n;

	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return EIO;
	if (a->mode)
		fchmod(fd, a->mode);
	/* The same fd number natively and in the guest ("/dev/fd/20"). */
	if (dup3(fd, 20, a->memfd_flags & MFD_CLOEXEC ? O_CLOEXEC : 0) < 0)
		return errno;
	if (a->by_path)
		execve(a->by_path, (char *const *)a->argv, (char *const *)no_env);
	else
		syscall(SYS_execveat, 20, "", a->argv, no_env, AT_EMPTY_PATH);
	return errno;
}

/* The vfork child's exec must leave the parent's stack intact. */
static int sc_vfork(const void *arg)
{
	const char *const child_argv[] = {"echo", "child", NULL};
	const char *const parent_argv[] = {"echo", "parent", "ok", NULL};
	volatile int canary = 0x5a5a;
	int status;
	pid_t pid;

	(void)arg;
	pid = vfork();
	if (pid == 0) {
		execve("/bin/echo", (char *const *)child_argv, (char *const *)no_env);
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || canary != 0x5a5a)
		return EFAULT;
	execve("/bin/echo", (char *const *)parent_argv, (char *const *)no_env);
	return errno;
}

/* posix_spawn runs the exec on a small mmap'd stack. */
static int sc_spawn(const void *arg)
{
	const char *const argv[] = {"echo", "spawned", NULL};
	int status;
	pid_t pid;

	(void)arg;
	if (posix_spawn(&pid, "/bin/echo", NULL, NULL, (char *const *)argv,
			(char *const *)no_env) != 0)
		return ENOEXEC;
	if (waitpid(pid, &status, 0) != pid)
		return ECHILD;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) + 10 : 100);
}

/* An exec with rsp 64 bytes above the bottom of a one-page stack mapping
 * (a guard page below): no room below the red zone. */
static int sc_tiny_stack(const void *arg)
{
	static const char path[] = "/bin/echo";
	static const char *const argv[] = {"echo", "tiny", NULL};
	char *map =
		mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long ret;

	(void)arg;
	if (map == MAP_FAILED || mprotect(map, 4096, PROT_NONE) < 0)
		return ENOMEM;
	char *sp = map + 4096 + 64;

	__asm__ volatile("mov %%rsp, %%r12\n\t"
			 "mov %[sp], %%rsp\n\t"
			 "syscall\n\t"
			 "mov %%r12, %%rsp"
			 : "=a"(ret)
			 : "a"((long)SYS_execve), "D"(path), "S"(argv), "d"(no_env), [sp] "r"(sp)
			 : "r12", "rcx", "r11", "memory");
	return (int)-ret;
}

static void *exec_thread(void *arg)
{
	const char *const argv[] = {"echo", "from", "thread", NULL};

	(void)arg;
	execve("/bin/echo", (char *const *)argv, (char *const *)no_env);
	_exit(98);
}

static int sc_thread(const void *arg)
{
	pthread_t th;

	(void)arg;
	if (pthread_create(&th, NULL, exec_thread, NULL) != 0)
		return EAGAIN;
	pthread_join(th, NULL);
	return EINTR;
}

/* ---- running a scenario natively and in the guest ---- */

struct outcome {
	int err; /* errno the scenario reported, 0 if it exec'd */
	int status;
	char out[8192];
};

static char root_dir[64]; /* mount point of the guest's root tmpfs */
static char work_dir[64]; /* scratch files, also the guest's cwd */

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
}

static _Noreturn void child_run(scenario_fn fn, const void *arg, int out_fd, int err_fd)
{
	int err;

	dup2(out_fd, 1);
	dup2(out_fd, 2);
	if (chdir(work_dir) < 0)
		_exit(120);
	err = fn(arg);
	if (write(err_fd, &err, sizeof(err)) != sizeof(err))
		_exit(121);
	_exit(127);
}

static void collect(pid_t pid, int out_fd, int err_fd, struct outcome *o)
{
	read_all(out_fd, o->out, sizeof(o->out));
	if (read(err_fd, &o->err, sizeof(o->err)) != sizeof(o->err))
		o->err = 0;
	ck_assert_int_eq(waitpid(pid, &o->status, __WALL), pid);
}

static void run_native(scenario_fn fn, const void *arg, struct outcome *o)
{
	int out[2], err[2];

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child_run(fn, arg, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	collect(pid, out[0], err[0], o);
	close(out[0]);
	close(err[0]);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	close(out);
	return 0;
}

/* The guest's root: a tmpfs with /loader, the host's system directories
 * bound in (symlinks such as /bin -> usr/bin copied as links). */
static int enter_root(void)
{
	static const char *const dirs[] = {"bin", "sbin", "lib", "lib32", "lib64",
					   "usr", "etc",  "tmp", "proc",  "dev"};
	char path[256];
	const char *loader = getenv("RUNSC_LOADER");

	if (!loader || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", root_dir, "tmpfs", 0, "size=4m") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s%s", root_dir, LOADER_PATH);
	if (copy_file(loader, path, 0755) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char host[64], target[256];
		struct stat st;

		snprintf(host, sizeof(host), "/%s", dirs[i]);
		snprintf(path, sizeof(path), "%s/%s", root_dir, dirs[i]);
		if (lstat(host, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(host, target, sizeof(target) - 1);

			if (n < 0)
				return -1;
			target[n] = 0;
			if (symlink(target, path) < 0)
				return -1;
			continue;
		}
		if (mkdir(path, 0755) < 0 || mount(host, path, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -1;
	}
	if (chdir(root_dir) < 0 || chroot(".") < 0)
		return -1;
	return 0;
}

static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RUNSC_NR_LOADER, 1, 2),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = ARRAY_SIZE(code), .filter = code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static _Noreturn void guest_child(scenario_fn fn, const void *arg, int sock, int out_fd, int err_fd)
{
	char go;
	int listener;

	if (enter_root() < 0)
		_exit(110);
	listener = install_filter();
	if (listener < 0 || send_msg_fds(sock, "l", 1, &listener, 1) < 0)
		_exit(111);
	close(listener);
	/* Wait until the sentry is our tracer. */
	if (read(sock, &go, 1) != 1)
		_exit(112);
	close(sock);
	child_run(fn, arg, out_fd, err_fd);
}

static void answer_notification(struct sentry *s)
{
	struct seccomp_notif *req = xcalloc(1, s->sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = xcalloc(1, s->sizes.seccomp_notif_resp);

	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) {
		struct sc_ctx c = {
			.s = s, .t = task_get(s, (pid_t)req->pid), .req = req, .install_fd = -1};

		if (req->data.nr == RUNSC_NR_LOADER)
			exec_loader_call(&c);
		else
			c.error = -ENOSYS;
		resp->id = req->id;
		resp->error = c.error;
		resp->val = c.error ? 0 : c.val;
		if (!c.answered)
			ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	free(req);
	free(resp);
}

static void on_stop(struct sentry *s, pid_t tid, int status, struct task *main_task)
{
	struct task *t = task_get(s, tid);
	int event = status >> 16, sig = 0;
	unsigned long msg = 0;

	if (!t->fs)
		t->fs = fsinfo_new(fcntl(main_task->fs->cwd_fd, F_DUPFD_CLOEXEC, 0));
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		exec_trace_stop(&(struct sc_ctx){.s = s, .t = t, .install_fd = -1});
		break;
	case PTRACE_EVENT_EXEC:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && (pid_t)msg != tid) {
			task_rekey(s, (pid_t)msg, tid);
			t = task_get(s, tid);
		}
		t->loader_expected = t->exec != NULL;
		break;
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0) {
			struct task *child = task_get(s, (pid_t)msg);

			child->tgid = event == PTRACE_EVENT_CLONE ? t->tgid : child->tid;
			if (!child->fs)
				child->fs = fsinfo_new(fcntl(t->fs->cwd_fd, F_DUPFD_CLOEXEC, 0));
		}
		break;
	case 0:
		sig = WSTOPSIG(status);
		break;
	default:
		break;
	}
	ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig);
}

static void run_guest(scenario_fn fn, const void *arg, struct outcome *o)
{
	int out[2], err[2], sv[2], gv[2];
	struct sentry *s = xcalloc(1, sizeof(*s));
	pthread_t gofer;

	s->gofer_shared = &test_gofer_shared;

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gv), 0);
	ck_assert_int_eq(pthread_create(&gofer, NULL, gofer_thread, (void *)(intptr_t)gv[1]), 0);

	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		guest_child(fn, arg, sv[1], out[1], err[1]);
	close(sv[1]);
	close(out[1]);
	close(err[1]);
	ck_assert_int_eq(ptrace(PTRACE_SEIZE, pid, 0,
				PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE |
					PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
					PTRACE_O_EXITKILL),
			 0);

	char byte;
	int nfds = 0;

	ck_assert_int_eq(recv_msg_fds(sv[0], &byte, 1, &s->listener, 1, &nfds), 1);
	ck_assert_int_eq(nfds, 1);
	s->gofer = gv[0];
	s->host_procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &s->sizes), 0);

	struct task *main_task = task_get(s, pid);

	main_task->fs = fsinfo_new(open(work_dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
	ck_assert_int_eq(write(sv[0], "g", 1), 1);

	/* The output pipe is drained as we go: a full pipe would stall the
	 * guest and with it the loop. */
	size_t out_len = 0;
	bool done = false, out_open = true;
	time_t deadline = time(NULL) + TIMEOUT_MS / 1000;

	while (!done && time(NULL) < deadline) {
		struct pollfd p[2] = {{.fd = s->listener, .events = POLLIN},
				      {.fd = out_open ? out[0] : -1, .events = POLLIN}};
		int status;
		pid_t tid;

		poll(p, 2, 5);
		if (p[0].revents & POLLIN)
			answer_notification(s);
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(out[0], o->out + out_len, sizeof(o->out) - 1 - out_len);

			if (n <= 0)
				out_open = false;
			else
				out_len += (size_t)n;
		}
		while ((tid = waitpid(-1, &status, __WALL | WNOHANG)) > 0) {
			if (WIFSTOPPED(status)) {
				on_stop(s, tid, status, main_task);
				continue;
			}
			if (tid == pid) {
				o->status = status;
				done = true;
			}
			task_remove(s, tid);
		}
	}
	ck_assert_msg(done, "the guest did not finish");
	read_all(out[0], o->out + out_len, sizeof(o->out) - out_len);
	if (read(err[0], &o->err, sizeof(o->err)) != sizeof(o->err))
		o->err = 0;
	close(gv[0]);
	pthread_join(gofer, NULL);
	close(out[0]);
	close(err[0]);
	close(sv[0]);
	close(s->listener);
	close(s->host_procfd);
	for (size_t i = 0; i < ARRAY_SIZE(s->tasks); i++)
		while (s->tasks[i])
			task_remove(s, s->tasks[i]->tid);
	free(s);
}

/* Runs a scenario both ways; the guest must do what Linux did. */
static void expect_like_linux(scenario_fn fn, const void *arg, struct outcome *guest)
{
	struct outcome native;

	run_native(fn, arg, &native);
	run_guest(fn, arg, guest);
	ck_assert_msg(guest->err == native.err, "errno: guest %d (%s), native %d (%s)", guest->err,
		      strerror(guest->err), native.err, strerror(native.err));
	ck_assert_str_eq(guest->out, native.out);
	ck_assert_msg(guest->status == native.status, "status: guest %#x, native %#x",
		      guest->status, native.status);
}

static void setup(void)
{
	snprintf(root_dir, sizeof(root_dir), "/tmp/runsc-exec-root-XXXXXX");
	snprintf(work_dir, sizeof(work_dir), "/tmp/runsc-exec-work-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root_dir));
	ck_assert_ptr_nonnull(mkdtemp(work_dir));
}

static void teardown(void)
{
	char cmd[160];

	rmdir(root_dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work_dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *work_file(const char *name, const char *content, mode_t mode)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", work_dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return p;
}

/* The static, non-PIE program the build links (tests/unit/static_probe.c),
 * copied where the guest sees it: busybox is static on some hosts only. */
static char *static_probe_copy(void)
{
	static char path[160];
	const char *src = getenv("RUNSC_STATIC_PROBE");

	ck_assert_msg(src && *src, "RUNSC_STATIC_PROBE must name the built static probe");
	snprintf(path, sizeof(path), "%s/static_probe", work_dir);
	ck_assert_int_eq(copy_file(src, path, 0755), 0);
	return path;
}

/* ---- cases ---- */

START_TEST(test_programs)
{
	const char *const sh_argv[] = {"sh", "-c", "echo $0 $1 $X; exit 4", "zero", "one", NULL};
	const char *const sh_env[] = {"X=ex", NULL};
	const char *const bb_argv[] = {"busybox", "echo", "static", NULL};
	const char *const sp_argv[] = {"static_probe", "echo", "static", NULL};
	const struct exec_args cases[] = {
		{.path = "/bin/true", .argv = (const char *const[]){"true", NULL}},
		{.path = "/bin/sh", .argv = sh_argv, .envp = sh_env},
		{.path = "/bin/busybox", .argv = bb_argv},
		{.path = static_probe_copy(), .argv = sp_argv},
		/* relative to the cwd, and an empty argv */
		{.path = "../../bin/echo", .argv = (const char *const[]){NULL}},
	};
	struct outcome o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_like_linux(sc_execve, &cases[i], &o);
	ck_assert_str_eq(o.out, "\n");
}
END_TEST

START_TEST(test_errors)
{
	const char *const argv[] = {"x", NULL};
	const struct exec_args cases[] = {
		{.path = "/nonexistent", .argv = argv},
		{.path = "/bin/true/x", .argv = argv},
		{.path = "", .argv = argv},
		{.path = work_file("text", "echo text\n", 0755), .argv = argv},
		{.path = work_file("empty", "", 0755), .argv = argv},
		{.path = work_file("blank", "#!  \n", 0755), .argv = argv},
		{.path = work_file("noint", "#!/nonexistent/sh\n", 0755), .argv = argv},
		{.path = "/bin/true", .argv = (const char *const *)8},
		{.path = "/bin/true", .argv = argv, .envp = (const char *const[]){(char *)8, NULL}},
	};
	struct outcome o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		expect_like_linux(sc_execve, &cases[i], &o);
		ck_assert_msg(o.err != 0, "case %zu ran", i);
	}
}
END_TEST

START_TEST(test_e2big)
{
	size_t big = 128 * 1024;
	char *huge = malloc(big + 1), *mid = malloc(100 * 1024);
	const char *many[72];
	struct outcome o;

	memset(huge, 'a', big);
	huge[big] = 0;
	memset(mid, 'b', 100 * 1024 - 1);
	mid[100 * 1024 - 1] = 0;
	many[0] = "true";
	/* 7 MB: beyond even the 6 MiB cap of an unlimited stack */
	for (int i = 1; i < 71; i++)
		many[i] = mid;
	many[71] = NULL;

	const struct exec_args one = {.path = "/bin/true",
				      .argv = (const char *const[]){"true", huge, NULL}};
	const struct exec_args total = {.path = "/bin/true", .argv = many};

	huge[big - 1] = 0; /* exactly MAX_ARG_STRLEN with its NUL: allowed */
	expect_like_linux(sc_execve, &one, &o);
	ck_assert_int_eq(o.err, 0);
	huge[big - 1] = 'a';
	expect_like_linux(sc_execve, &one, &o);
	ck_assert_int_eq(o.err, E2BIG);
	expect_like_linux(sc_execve, &total, &o);
	ck_assert_int_eq(o.err, E2BIG);
	free(huge);
	free(mid);
}
END_TEST

START_TEST(test_scripts)
{
	char line[256], name[16], *prev;
	struct outcome o;

	prev = work_file("s0", "#!/bin/sh -e\necho \"$0|$1|$2\"\n", 0755);
	for (int i = 1; i <= 6; i++) {
		snprintf(line, sizeof(line), "#!%s\n", prev);
		snprintf(name, sizeof(name), "s%d", i);
		prev = work_file(name, line, 0755);
		const struct exec_args a = {.path = prev,
					    .argv = (const char *const[]){"x", "a1", NULL}};

		expect_like_linux(sc_execve, &a, &o);
		ck_assert_int_eq(o.err, i <= 4 ? 0 : ELOOP);
	}
	/* A script named relative to the cwd, with an argument line. */
	work_file("rel", "#!/usr/bin/env  sh\necho rel \"$0\" \"$1\"\n", 0755);
	const struct exec_args rel = {.path = "./rel",
				      .argv = (const char *const[]){"r", "q", NULL}};

	expect_like_linux(sc_execve, &rel, &o);
	ck_assert_str_eq(o.out, "rel ./rel q\n");
}
END_TEST

START_TEST(test_execveat)
{
	const char *const argv[] = {"echo", "at", NULL};
	const struct exec_args cases[] = {
		{.dir = "/usr/bin", .path = "echo", .argv = argv},
		{.dir = "/nonexistent-dir", .path = "echo", .argv = argv},
		{.dir = "/usr/bin", .path = "/bin/echo", .argv = argv},
		/* /bin is a symlink; the final component is what counts */
		{.dir = "/", .path = "bin/echo", .argv = argv, .flags = AT_SYMLINK_NOFOLLOW},
		{.dir = "/",
		 .path = "lib64/ld-linux-x86-64.so.2",
		 .argv = argv,
		 .flags = AT_SYMLINK_NOFOLLOW},
		{.dir = "/usr/bin", .path = "echo", .argv = argv, .flags = 0x8000},
		{.dir = "/usr/bin", .path = "", .argv = argv, .flags = AT_EMPTY_PATH},
	};
	struct outcome o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_like_linux(sc_execveat, &cases[i], &o);
}
END_TEST

START_TEST(test_fexecve)
{
	const char *const comm_argv[] = {"cat", "/proc/self/comm", NULL};
	const char *const bb_argv[] = {"busybox", "echo", "memfd", NULL};
	const char *const sp_argv[] = {"static_probe", "echo", "memfd", NULL};
	const char *const sh_argv[] = {"sh", "-c", "echo $0", NULL};
	const struct memfd_args cases[] = {
		{.src = "/bin/cat", .argv = comm_argv},
		{.src = "/bin/busybox", .argv = bb_argv},
		{.src = static_probe_copy(), .argv = sp_argv},
		{.src = "/bin/sh", .argv = sh_argv, .memfd_flags = MFD_CLOEXEC},
		{.src = "/bin/cat", .argv = comm_argv, .mode = 0644},
		/* a script through a close-on-exec fd: ENOENT */
		{.src = work_file("fs", "#!/bin/sh\necho $0\n", 0755),
		 .argv = sh_argv,
		 .memfd_flags = MFD_CLOEXEC},
		{.src = "/bin/cat", .argv = comm_argv, .by_path = "/proc/self/fd/20"},
		{.src = "/bin/cat", .argv = comm_argv, .by_path = "/dev/fd/20"},
		{.src = "/bin/cat", .argv = comm_argv, .by_path = "/proc/self/fd/21"},
		{.src = "/bin/cat", .argv = comm_argv, .by_path = "/proc/self/fd/1"},
		{.src = work_file("fs2", "#!/bin/sh\necho $0\n", 0755), .argv = sh_argv},
	};
	struct outcome o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_like_linux(sc_memfd, &cases[i], &o);
	ck_assert_str_eq(o.out, "/dev/fd/20\n");
}
END_TEST

START_TEST(test_vfork_spawn_thread)
{
	struct outcome o;

	expect_like_linux(sc_vfork, NULL, &o);
	ck_assert_str_eq(o.out, "child\nparent ok\n");
	expect_like_linux(sc_spawn, NULL, &o);
	ck_assert_str_eq(o.out, "spawned\n");
	expect_like_linux(sc_thread, NULL, &o);
	ck_assert_str_eq(o.out, "from thread\n");
	expect_like_linux(sc_tiny_stack, NULL, &o);
	ck_assert_str_eq(o.out, "tiny\n");
}
END_TEST

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("trace_stop");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_programs);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_e2big);
	tcase_add_test(tc, test_scripts);
	tcase_add_test(tc, test_execveat);
	tcase_add_test(tc, test_fexecve);
	tcase_add_test(tc, test_vfork_spawn_thread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(exec_suite());
	int failed;

	if (geteuid() != 0 || !getenv("RUNSC_LOADER")) {
		fprintf(stderr, "test_exec needs root and $RUNSC_LOADER; skipped\n");
		return 77;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
