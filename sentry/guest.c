/* SPDX-License-Identifier: Apache-2.0 */
/* Creating the guest: its init process in fresh namespaces, a mount
 * namespace that holds nothing but the exec loader, the user namespace, the
 * seccomp filter whose listener the sentry keeps, and then the command.
 *
 * The init is pid 1 of the guest's pid namespace: it forwards signals to the
 * command, reaps orphans and exits with the command's status (a signal N
 * becomes 128+N). */
#include "sentry/guest.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/loader_abi.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sentry/ptrace.h"
#include "syscalls/table.h"

#define GUEST_NS_FLAGS \
	(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static int write_id_maps(struct sentry *s, pid_t pid)
{
	char path[64], map[32];
	snprintf(map, sizeof(map), "0 0 %u\n", GUEST_ID_COUNT);
	snprintf(path, sizeof(path), "%d/uid_map", pid);
	int r = write_file_at(s->host_procfd, path, map);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%d/gid_map", pid);
	return write_file_at(s->host_procfd, path, map);
}

/* Reads one message of init: either the expected fd or an error text. */
static int recv_from_init(int sock, pid_t pid, char tag, int *fd, char *err, size_t err_size)
{
	char buf[256];
	int nfds = 0;
	ssize_t n = recv_msg_fds(sock, buf, sizeof(buf) - 1, fd, 1, &nfds);
	if (n <= 0) {
		snprintf(err, err_size, "the guest's init exited during setup");
		return -1;
	}
	buf[n] = 0;
	if (buf[0] == 'E') {
		snprintf(err, err_size, "%s", buf + 1);
		return -1;
	}
	/* Init's filter traps sendmsg, which no sentry answers yet: init
	 * writes the listener's number and the sentry takes it. */
	if (tag == 'L' && buf[0] == 'N' && n == 1 + (ssize_t)sizeof(int) && nfds == 0) {
		int num;
		memcpy(&num, buf + 1, sizeof(num));
		*fd = -1;
		int pidfd = sys_pidfd_open(pid, 0);
		if (pidfd >= 0) {
			*fd = sys_pidfd_getfd(pidfd, num, 0);
			close(pidfd);
		}
		if (*fd < 0) {
			snprintf(err, err_size, "taking the guest's seccomp listener: %s",
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	if (buf[0] != tag || nfds != 1) {
		snprintf(err, err_size, "unexpected message from the guest's init");
		return -1;
	}
	return 0;
}

/* Sends the guest's listener and a pidfd of its init on sock, before the
 * guest runs anything: from then on the listener outlives this sentry
 * (the message holds it until the launcher takes it), so a guest whose
 * sentry died waits in its trapped calls until it is killed instead of
 * getting ENOSYS from the kernel for each (invariant 6). */
static int listener_hand_over(int sock, int listener, pid_t init)
{
	int pidfd = sys_pidfd_open(init, 0);
	if (pidfd < 0)
		return -errno;
	int fds[2] = {listener, pidfd};
	int r = send_msg_fds(sock, "H", 1, fds, 2);
	close(pidfd);
	return r;
}

/* In the guest's child: joins the namespace fd names (when not -1) and
 * closes it, or reports why not on sock and exits. */
static void join_ns(int fd, int type, const char *what, int sock)
{
	if (fd < 0)
		return;
	if (setns(fd, type) < 0) {
		char msg[128];
		int len = snprintf(msg, sizeof(msg), "Ejoining the %s namespace: %s", what,
				   strerror(errno));
		(void)!write(sock, msg, (size_t)len);
		_exit(125);
	}
	close(fd);
}

pid_t guest_spawn(struct sentry *s, const struct guest_config *cfg, char *err, size_t err_size)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		snprintf(err, err_size, "socketpair: %s", strerror(errno));
		return -1;
	}
	/* A network namespace given to join (an OCI config's) takes the
	 * place of a new one. It is joined while the child is still root of
	 * the host's user namespace, the namespace's owner: the guest's root,
	 * in the user namespace made next, has no capability over it. */
	unsigned long flags = GUEST_NS_FLAGS;
	if (cfg->netns_fd >= 0)
		flags &= ~(unsigned long)CLONE_NEWNET;
	if (cfg->ipcns_fd >= 0)
		flags &= ~(unsigned long)CLONE_NEWIPC;
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		snprintf(err, err_size, "creating the guest's namespaces: %s", strerror(errno));
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	if (pid == 0) {
		close(sp[0]);
		join_ns(cfg->netns_fd, CLONE_NEWNET, "network", sp[1]);
		/* The sandbox's IPC namespace, made for the gofer (whose view
		 * mounts its mqueue file system), joined as the network's. */
		join_ns(cfg->ipcns_fd, CLONE_NEWIPC, "IPC", sp[1]);
		/* Under egress the filter traps the sends that name a
		 * destination (syscalls/net_send.c). */
		struct guest_config gc = *cfg;
		gc.net_egress = s->policy && policy_net_mode(s->policy) == POLICY_NET_EGRESS;
		guest_init_main(&gc, sp[1]);
	}
	close(sp[1]);
	int sock = sp[0];
	s->init_pid = pid;
	int r = 0;
	char buf[256];
	ssize_t n = read(sock, buf, sizeof(buf) - 1);
	if (n != 1 || buf[0] != SYNC_USERNS) {
		if (n > 1 && buf[0] == 'E') {
			buf[n] = 0;
			snprintf(err, err_size, "%s", buf + 1);
		} else {
			snprintf(err, err_size, "the guest's init exited during setup");
		}
		goto fail;
	}
	/* Into the guest's cgroups while its init waits for its id maps:
	 * nothing of the guest runs outside them. */
	if (s->hooks->guest_attach &&
	    (r = s->hooks->guest_attach(s->hooks->arg, pid, err, err_size)) < 0)
		goto fail;
	r = write_id_maps(s, pid);
	if (r < 0) {
		snprintf(err, err_size, "writing the guest's id maps: %s", strerror(-r));
		goto fail;
	}
	if (guest_sync_send(sock, SYNC_MAPPED) < 0)
		goto fail;
	if (recv_from_init(sock, pid, 'P', &s->guest_procfd, err, err_size) < 0)
		goto fail;
	if (recv_from_init(sock, pid, 'L', &s->listener, err, err_size) < 0)
		goto fail;
	r = ptrace_seize_init(s, pid);
	if (r < 0) {
		snprintf(err, err_size, "tracing the guest's init: %s", strerror(-r));
		goto fail;
	}
	if (cfg->hold_fd >= 0 && (r = listener_hand_over(cfg->hold_fd, s->listener, pid)) < 0) {
		snprintf(err, err_size, "handing the guest's listener to the launcher: %s",
			 strerror(-r));
		goto fail;
	}
	if (guest_sync_send(sock, SYNC_GO) < 0)
		goto fail;
	close(sock);
	return pid;
fail:
	close(sock);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	s->init_pid = 0;
	return -1;
}
