/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's init: pid 1 of the guest's pid namespace, run in the child the
 * sentry clones into fresh namespaces. It builds the guest's side (its
 * procfs, loopback, the loader's mount namespace, the user namespace once
 * the sentry has mapped it, the session and terminal, no_new_privs, the
 * seccomp filter whose listener it hands to the sentry), then starts the
 * command, forwards signals to it, reaps orphans and exits with the
 * command's status (a signal N becomes 128+N). */
#include "guest/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/mount.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/loader_abi.h"
#include "common/util.h"
#include "guest/attrs.h"
#include "guest/builtin.h"
#include "guest/control.h"
#include "guest/spawn.h"
#include "syscalls/table.h"

extern char **environ;

/* The exec loader, embedded at build time (scripts/embed-blob.sh). */
extern const char runsc_loader_blob[];
extern const char runsc_loader_blob_end[];

_Noreturn static void init_fail(int sock, const char *what)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "E%s: %s", what, strerror(errno));
	if (n > 0)
		(void)!write(sock, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(125);
}

static int make_guest_procfs(void)
{
	int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "subset", "pid", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		close(fs);
		return -1;
	}
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	close(fs);
	return mnt;
}

static void loopback_up(void)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
	close(sock);
}

/* The guest's whole mount namespace: a read-only tmpfs with the loader. */
static int make_loader_root(void)
{
	const char *dir = "/tmp";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755") < 0)
		return -1;
	char path[64];
	snprintf(path, sizeof(path), "%s%s", dir, LOADER_PATH);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0555);
	if (fd < 0)
		return -1;
	size_t len = (size_t)(runsc_loader_blob_end - runsc_loader_blob);
	if (write_all(fd, runsc_loader_blob, len) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return -1;
	if (chdir(dir) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return -1;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -1;
	return 0;
}

static pid_t command_pid;

_Noreturn static void command_fail(const char *what)
{
	fprintf(stderr, "runsc-c: %s: %s\n", what, strerror(errno));
	_exit(125);
}

/* Socket activation: sd_listen_fds(3) takes the fds only where LISTEN_PID
 * is the caller's own pid. The command is not pid 1 here (init is), so it
 * gets its pid, in place of runc's LISTEN_PID=1, and last, as runc appends
 * it. */
static char **env_with_listen_pid(char **envp)
{
	static char entry[sizeof("LISTEN_PID=") + 16];

	snprintf(entry, sizeof(entry), "LISTEN_PID=%d", (int)getpid());
	char **out = env_replaced(envp, entry);
	if (!out)
		command_fail("setting LISTEN_PID");
	return out;
}

/* The command is one of init's builtins: its name becomes the process's
 * title, in place of the launcher's command line (argv is copied first:
 * it may live where the title goes). */
_Noreturn static void run_builtin(uint32_t builtin, char *const *argv)
{
	static char copy[4096];
	char *args[16];
	size_t used = 0;
	int argc = 0;
	while (argv[argc])
		argc++;
	if (argc >= (int)ARRAY_SIZE(args))
		_exit(guest_builtin_run(builtin, argc, argv)); /* no title: too long to copy */
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;
		if (used + len > sizeof(copy))
			_exit(guest_builtin_run(builtin, argc, argv));
		args[i] = memcpy(copy + used, argv[i], len);
		used += len;
	}
	args[argc] = NULL;
	proc_title_set(args[0]);
	_exit(guest_builtin_run(builtin, argc, args));
}

_Noreturn static void run_command(const struct guest_config *cfg, const sigset_t *oldmask)
{
	setpgid(0, 0);
	if (cfg->tty) {
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(cfg->stdio[0], getpid());
	}
	for (int i = 0; i < 3; i++) {
		if (cfg->stdio[i] != i && dup2(cfg->stdio[i], i) < 0)
			_exit(125);
	}
	syscall(SYS_close_range, 3 + cfg->preserve_fds, ~0U, 0);
	for (unsigned int fd = 3; fd < 3 + cfg->preserve_fds; fd++)
		fcntl((int)fd, F_SETFD, 0);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	static const struct proc_attrs none;
	const struct proc_attrs *attrs = cfg->attrs ? cfg->attrs : &none;
	if (attrs_apply_limits(attrs) < 0)
		command_fail("setting the rlimits");
	if (attrs_caps_before_user(attrs) < 0)
		command_fail("setting the capability bounding set");
	if (cfg->user_set) {
		gid_t gid = cfg->gid;
		bool own = cfg->ngroups == 0;
		if (spawn_set_user(cfg->uid, gid, own ? &gid : cfg->groups,
				   own ? 1 : cfg->ngroups) < 0) {
			char what[64];
			snprintf(what, sizeof(what), "setting user %u:%u", cfg->uid, cfg->gid);
			command_fail(what);
		}
	}
	if (attrs_caps_after_user(attrs) < 0)
		command_fail("setting the capabilities");
	/* The policy's syscalls.deny binds the command, not this init. */
	int fr = sc_filter_install_policy();
	if (fr < 0) {
		errno = -fr;
		command_fail("installing the policy's syscall filter");
	}
	/* The container's filter last: it may deny what the steps above do. */
	if (attrs_filter_install(cfg->filter) < 0)
		command_fail("installing the container's seccomp filter");
	if (cfg->builtin)
		run_builtin(cfg->builtin, cfg->argv);
	char **envp = cfg->listen_pid ? env_with_listen_pid(cfg->envp) : cfg->envp;
	/* execvpe searches the PATH of the process's own environment: the
	 * command's (config.json's process.env), not init's, which is empty. */
	environ = envp;
	spawn_execvpe(cfg->argv[0], cfg->argv, envp);
	int err = errno;
	struct rlimit nofile;
	if (err == EMFILE && getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		char what[PATH_MAX + 256];
		exec_emfile_describe(what, sizeof(what), cfg->argv[0], nofile.rlim_cur,
				     cfg->preserve_fds);
		fprintf(stderr, "runsc-c: %s: %s\n", what, strerror(err));
	} else
		fprintf(stderr, "runsc-c: %s: %s\n", cfg->argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* Signals: forwarded to the command, except SIGCHLD: reap everything,
 * report the processes started for exec, exit with the command's status. */
static void on_signals(int sig_fd)
{
	struct signalfd_siginfo si;
	bool child = false;
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			child = true;
		else
			kill(command_pid, (int)si.ssi_signo);
	}
	if (!child)
		return;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			break;
		if (pid != command_pid) {
			control_reaped(pid, status);
			continue;
		}
		if (WIFEXITED(status))
			_exit(WEXITSTATUS(status));
		_exit(128 + WTERMSIG(status));
	}
}

/* pid 1: forward signals to the command, reap everything, serve the exec
 * channel, exit with the command's status. */
_Noreturn static void init_loop(const struct guest_config *cfg)
{
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int sig_fd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0)
		_exit(125);
	command_pid = fork_single_threaded();
	if (command_pid < 0)
		_exit(125);
	if (command_pid == 0)
		run_command(cfg, &old);
	/* Only the command needed the launcher's argv. */
	proc_title_set("runsc-c-init");
	for (int i = 0; i < 3; i++)
		if (cfg->stdio[i] > 2)
			close(cfg->stdio[i]);
	if (cfg->preserve_fds)
		syscall(SYS_close_range, 3, 2 + cfg->preserve_fds, 0);
	control_init(cfg->control_fd, &old, cfg->filter);
	for (;;) {
		struct pollfd p[1 + CONTROL_POLL_MAX];
		p[0] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
		int n = 1 + control_pollfds(p + 1);
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		if (p[0].revents)
			on_signals(sig_fd);
		control_events(p + 1, n - 1);
	}
}

/* The capabilities the sandbox does not honour (PROC_CAPS_UNHONOURED)
 * leave the bounding, permitted, effective and inheritable sets, and
 * capget and /proc/<pid>/status tell what holds: a program that trusts
 * capget (e.g. before lowering oom_score_adj or raising a hard rlimit,
 * both CAP_SYS_RESOURCE) sees the truth. */
static int drop_unhonoured_caps(void)
{
	struct {
		uint32_t version;
		int pid;
	} hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct {
		uint32_t effective, permitted, inheritable;
	} data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	for (int cap = 0; cap <= PROC_CAP_LAST; cap++) {
		if (!(PROC_CAPS_UNHONOURED & (1ULL << cap)))
			continue;
		/* EINVAL: a kernel older than the capability; nothing to drop. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
		uint32_t bit = 1U << (cap % 32);
		data[cap / 32].effective &= ~bit;
		data[cap / 32].permitted &= ~bit;
		data[cap / 32].inheritable &= ~bit;
	}
	return syscall(SYS_capset, &hdr, data) < 0 ? -1 : 0;
}

_Noreturn void guest_init_main(const struct guest_config *cfg, int sock)
{
	/* The sentry's death ends the guest (its parent is outside the pid
	 * namespace, so getppid() says 0 here; the socket tells instead). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The clone copied the sentry's fd table (its gofer socket, the
	 * host's /proc): init keeps only what it uses. */
	int keep[] = {0, 1, 2, cfg->stdio[0], cfg->stdio[1], cfg->stdio[2], sock, cfg->control_fd};
	/* The caller's preserved fds (3 on) are the command's. */
	close_fds_except(3 + cfg->preserve_fds, keep, ARRAY_SIZE(keep));
	proc_env_clear(); /* the guest gets cfg->envp, a copy */
	int procfs = make_guest_procfs();
	if (procfs < 0)
		init_fail(sock, "mounting the guest's procfs");
	/* A joined network namespace is left as it is given. */
	if (cfg->netns_fd < 0)
		loopback_up();
	if (cfg->hostname)
		sethostname(cfg->hostname, strlen(cfg->hostname));
	if (make_loader_root() < 0)
		init_fail(sock, "building the loader's mount namespace");
	if (unshare(CLONE_NEWUSER) < 0)
		init_fail(sock, "creating the user namespace");
	if (guest_sync_send(sock, SYNC_USERNS) < 0 || guest_sync_wait(sock, SYNC_MAPPED) < 0)
		_exit(125);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		init_fail(sock, "becoming root in the user namespace");
	/* A sandbox run as a named user (an OCI config's process.user,
	 * `do --user`, every sandbox of the service) gives init that user's
	 * supplementary groups (the gid alone without a list): the command
	 * and every exec'd process of that user find them set and leave out
	 * their setgroups, a call the sentry traces (two ptrace stops),
	 * where init's, before its filter, is a plain call once per sandbox.
	 * Init's rights do not depend on them: it is root with every
	 * capability of the guest's user namespace. Without a user the
	 * launcher's groups stay, as the command has them natively. */
	if (cfg->user_set) {
		gid_t own_gid = cfg->gid;
		if (setgroups(cfg->ngroups ? cfg->ngroups : 1,
			      cfg->ngroups ? cfg->groups : &own_gid) < 0)
			init_fail(sock, "setting the supplementary groups");
	}
	if (setsid() < 0)
		init_fail(sock, "setsid");
	if (cfg->tty && ioctl(cfg->stdio[0], TIOCSCTTY, 0) < 0)
		init_fail(sock, "setting the controlling terminal");
	if (drop_unhonoured_caps() < 0)
		init_fail(sock, "dropping the capabilities the sandbox does not honour");
	/* No core dumps, hard limit too: the host kernel would write them
	 * outside the sandbox, into the guest's host-side directory or to the
	 * host's core_pattern pipe handler (root, the initial namespaces),
	 * past the gofer and the policy. README lists this difference. */
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		init_fail(sock, "no_new_privs");
	if (send_msg_fds_raised(sock, "P", 1, &procfs, 1) < 0)
		_exit(125);
	close(procfs);
	int listener =
		cfg->net_egress ? sc_filter_install_guest_egress() : sc_filter_install_guest();
	if (listener < 0) {
		errno = -listener;
		init_fail(sock, "installing the seccomp filter");
	}
	char num[1 + sizeof(int)] = {'N'};
	memcpy(num + 1, &listener, sizeof(int));
	/* The filter now traps sendmsg: the sentry takes the listener by its
	 * number (pidfd_getfd) instead. */
	if (write(sock, num, sizeof(num)) != (ssize_t)sizeof(num))
		_exit(125);
	if (guest_sync_wait(sock, SYNC_GO) < 0)
		_exit(125);
	close(listener); /* the sentry has it by now */
	close(sock);
	init_loop(cfg);
}
