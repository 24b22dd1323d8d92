/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notif: the bare seccomp user-notification round trip, the floor under every call
 * the sentry answers.
 *
 *   notif [-n N] [-a] [-e] [-w]
 *
 * A child installs a filter that sends uname(2) to a listener and passes the
 * listener to its parent, a supervisor that does nothing but answer each
 * notification with 0. The child times N calls and prints
 *   notif_us=X sync_wakeup=0|1 epoll=0|1
 * By default the listener has SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP set (the
 * supervisor and the caller hand the CPU to each other); -a leaves it unset. -e
 * makes the supervisor wait in epoll_wait before each receive, as an event loop does;
 * -w makes it write a struct utsname into the caller with process_vm_writev(2)
 * before answering, as a real uname handler must.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#if defined(__x86_64__)
#define BENCH_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define BENCH_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "notif: unknown architecture"
#endif

#define WARMUP_CALLS 1000
#define DEADLINE_S   120

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int install_listener(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BENCH_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]), .filter = insns};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	return fd < 0 ? -errno : (int)fd;
}

static int send_fd(int sock, int fd)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* The traced side: install the filter, hand over the listener, time the calls. */
static int caller(int sock, long n)
{
	struct utsname uts;
	char go;
	int fd = install_listener();

	if (fd < 0) {
		fprintf(stderr, "notif: seccomp listener: %s\n", strerror(-fd));
		return 1;
	}
	if (send_fd(sock, fd) < 0 || read(sock, &go, 1) != 1)
		return 1;
	close(fd);
	for (long i = 0; i < WARMUP_CALLS; i++)
		syscall(SYS_uname, &uts);
	double t0 = now_us();
	for (long i = 0; i < n; i++)
		syscall(SYS_uname, &uts);
	double per_call_us = (now_us() - t0) / n;
	return write(sock, &per_call_us, sizeof(per_call_us)) == sizeof(per_call_us) ? 0 : 1;
}

static int wait_readable(int epfd)
{
	struct epoll_event ev;

	for (;;) {
		int n = epoll_wait(epfd, &ev, 1, -1);
		if (n == 1)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* What a uname handler does besides answering: copy the result into the caller. */
static int write_result(const struct seccomp_notif *req)
{
	static const struct utsname uts = {.sysname = "Linux"};
	struct iovec local = {.iov_base = (void *)&uts, .iov_len = sizeof(uts)};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)req->data.args[0],
			       .iov_len = sizeof(uts)};

	return process_vm_writev((pid_t)req->pid, &local, 1, &remote, 1, 0) < 0 ? -errno : 0;
}

/* The supervisor: answer exactly `calls` notifications with a return value of 0. */
static int serve(int listener, long calls, int use_epoll, int copy_out)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int epfd = -1;

	if (use_epoll) {
		struct epoll_event ev = {.events = EPOLLIN};
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) < 0)
			return -errno;
	}
	for (long i = 0; i < calls; i++) {
		if (epfd >= 0 && wait_readable(epfd) < 0)
			return -errno;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			return -errno;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (copy_out && write_result(&req) < 0)
			resp.error = -EFAULT;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = 20000;
	int sync_wakeup = 1, use_epoll = 0, copy_out = 0, opt, sv[2];

	while ((opt = getopt(argc, argv, "n:aew")) != -1) {
		switch (opt) {
		case 'n':
			n = atol(optarg);
			break;
		case 'a':
			sync_wakeup = 0;
			break;
		case 'e':
			use_epoll = 1;
			break;
		case 'w':
			copy_out = 1;
			break;
		default:
			fprintf(stderr, "usage: notif [-n N] [-a] [-e] [-w]\n");
			return 2;
		}
	}
	alarm(DEADLINE_S);
	if (n < 1 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(sv[0]);
		_exit(caller(sv[1], n));
	}
	close(sv[1]);
	int listener = recv_fd(sv[0]);
	if (listener < 0) {
		fprintf(stderr, "notif: no listener from the child\n");
		return 1;
	}
	if (sync_wakeup) {
		uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) < 0) {
			fprintf(stderr, "notif: SYNC_WAKE_UP: %s\n", strerror(errno));
			sync_wakeup = 0;
		}
	}
	if (write(sv[0], "g", 1) != 1)
		return 1;
	int err = serve(listener, WARMUP_CALLS + n, use_epoll, copy_out);
	if (err < 0) {
		fprintf(stderr, "notif: supervisor: %s\n", strerror(-err));
		kill(pid, SIGKILL);
	}
	double per_call_us = 0;
	ssize_t got = read(sv[0], &per_call_us, sizeof(per_call_us));
	int status;
	waitpid(pid, &status, 0);
	if (err < 0 || got != sizeof(per_call_us) || status != 0)
		return 1;
	printf("notif_us=%.3f sync_wakeup=%d epoll=%d copy_out=%d\n", per_call_us, sync_wakeup,
	       use_epoll, copy_out);
	return 0;
}
