/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's life cycle: the gofer and the sentry forked in the order that
 * lets their setups overlap, the readiness of each, and the teardown.
 *
 * Processes: the caller relays the terminal, forwards signals and enforces
 * the timeout (supervise.c); the gofer builds the view and serves file
 * requests; the sentry creates the guest, traces it and answers its trapped
 * syscalls. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/gofer_shared.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sandbox/internal.h"
#include "sentry/sentry.h"
#include "syscalls/table.h"

/* The signals the supervisor takes through its signalfd. */
static const int supervised_signals[] = {SIGINT,  SIGTERM, SIGHUP,   SIGQUIT,
					 SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};

/* The calling process's signal mask before its first sandbox blocked the
 * supervised signals (they stay blocked: see sandbox.h): the mask the gofer
 * and the sentry of every sandbox start with. */
static sigset_t caller_mask;
static bool caller_mask_saved;

static int config_check(const struct sandbox_config *cfg, struct rc_error *err)
{
	if (!cfg->argv || !cfg->argv[0])
		return rc_error_set(err, EINVAL, "the sandbox's config names no command");
	if (!cfg->envp)
		return rc_error_set(err, EINVAL, "the sandbox's config has no environment");
	if (cfg->builtin >= EXEC_BUILTIN_COUNT || (cfg->builtin && cfg->terminal))
		return rc_error_set(err, EINVAL, "the sandbox's config names no builtin %u",
				    cfg->builtin);
	if (!cfg->rootfs || !cfg->cwd || cfg->cwd[0] != '/')
		return rc_error_set(err, EINVAL,
				    "the sandbox's config needs a rootfs and an absolute cwd");
	if (!cfg->hostname)
		return rc_error_set(err, EINVAL, "the sandbox's config has no host name");
	if (cfg->nvolumes && !cfg->volumes)
		return rc_error_set(err, EINVAL, "the sandbox's config lacks its volumes");
	if (cfg->ngroups > EXEC_MAX_GROUPS || (cfg->ngroups && !cfg->groups))
		return rc_error_set(err, EINVAL, "the sandbox's config has more than %d groups",
				    EXEC_MAX_GROUPS);
	for (size_t i = 0; i < cfg->masks.nmasked + cfg->masks.nreadonly; i++) {
		const char *p = i < cfg->masks.nmasked
					? cfg->masks.masked[i]
					: cfg->masks.readonly[i - cfg->masks.nmasked];
		if (!p || p[0] != '/' || !p[1])
			return rc_error_set(err, EINVAL,
					    "the sandbox's config has a masked or read-only path "
					    "that is not absolute below /");
	}
	if (cfg->netns &&
	    (cfg->npublish || (cfg->policy && policy_net_mode(cfg->policy) == POLICY_NET_EGRESS)))
		return rc_error_set(err, EINVAL,
				    "the network namespace %s carries the sandbox's network: "
				    "publishing ports and network mode egress need one of the "
				    "sandbox's own",
				    cfg->netns);
	if (cfg->preserve_fds > SANDBOX_PRESERVE_FDS_MAX)
		return rc_error_set(err, EINVAL, "the sandbox's config preserves more than %d fds",
				    SANDBOX_PRESERVE_FDS_MAX);
	for (unsigned int fd = 3; fd < 3 + cfg->preserve_fds; fd++)
		if (fcntl((int)fd, F_GETFD) < 0)
			return rc_error_set(err, EBADF, "fd %u, to be preserved, is not open", fd);
	if (cfg->attrs && !proc_attrs_valid(cfg->attrs))
		return rc_error_set(
			err, EINVAL,
			"the sandbox's config has invalid rlimits, umask or capabilities");
	return 0;
}

/* ---- the gofer ---- */

_Noreturn static void gofer_child(struct sandbox *sb, int sock, int ready_fd)
{
	const struct sandbox_config *cfg = sb->cfg;
	log_prefix = "runsc-c: gofer";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "runsc-c-gofer");
	sigprocmask(SIG_SETMASK, &sb->oldmask, NULL);
	close(sb->gofer_sock);
	close(sb->ready_fd);
	close(sb->caller_ipcns_fd);
	close(sb->ipcns_fd);
	struct gofer_shared *shared = gofer_shared_map(sb->gofer_shared_fd);
	if (!shared)
		die_errno("mapping the page shared with the sentry");
	close(sb->gofer_shared_fd);
	struct gofer_config gc = {
		.rootfs = cfg->rootfs,
		.root_readonly = cfg->root_readonly,
		.hide_host_secrets = strcmp(cfg->rootfs, "/") == 0,
		.volumes = cfg->volumes,
		.nvolumes = cfg->nvolumes,
		.masks = cfg->masks,
		.upper_size = cfg->disk_bytes ? cfg->disk_bytes : SANDBOX_DISK_DEFAULT,
		.sock = sock,
		.shared = shared,
		.ready_fd = ready_fd,
		.policy = cfg->policy,
		.learn = cfg->learn,
		.learn_fd = cfg->audit_fd,
		.mqueue = !cfg->no_mqueue,
		.sys_cache = getenv(SANDBOX_SYS_CACHE_ENV),
		.shm = cfg->shm,
		.dev = cfg->dev,
		.dev_core = cfg->dev_core,
	};
	if (!gc.sys_cache || !gc.sys_cache[0])
		gc.sys_cache = SANDBOX_SYS_CACHE;
	gofer_main(&gc);
}

/* The guest's IPC namespace is made here, for the gofer to be forked into
 * (its view mounts the namespace's mqueue file system at /dev/mqueue) and
 * for the guest to join (sandbox.h). The calling thread enters it for the
 * fork, and ipcns_leave takes it back to its own: a thread's namespaces
 * are its own, so no other thread of the caller is affected. Where the
 * way back fails, this sandbox fails (the caller, a service among
 * others, goes on; its thread stays in the sandbox's IPC namespace, which
 * holds nothing of the host's). 0 or -errno. */
static int ipcns_leave(struct sandbox *sb)
{
	int r = setns(sb->caller_ipcns_fd, CLONE_NEWIPC) < 0 ? -errno : 0;
	close(sb->caller_ipcns_fd);
	sb->caller_ipcns_fd = -1;
	return r;
}

static int ipcns_new(struct sandbox *sb, struct rc_error *err)
{
	sb->caller_ipcns_fd = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (sb->caller_ipcns_fd < 0)
		return rc_error_set_errno(err, errno, "creating the sandbox's IPC namespace");
	int r = unshare(CLONE_NEWIPC) < 0 ? -errno : 0;
	if (r == 0 && (sb->ipcns_fd = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	if (r < 0) {
		int back = ipcns_leave(sb);
		return back < 0 ? rc_error_set_errno(err, -back,
						     "returning to the caller's IPC namespace")
				: rc_error_set_errno(err, -r,
						     "creating the sandbox's IPC namespace");
	}
	return 0;
}

static int gofer_fork(struct sandbox *sb, struct rc_error *err)
{
	int gsock[2], ready[2];
	int shared_fd = gofer_shared_create();
	if (shared_fd < 0)
		return rc_error_set_errno(err, -shared_fd,
					  "creating the page shared with the gofer");
	sb->gofer_shared_fd = shared_fd; /* sandbox_destroy closes it */
	sb->gofer_shared = gofer_shared_map(shared_fd);
	if (!sb->gofer_shared)
		return rc_error_set_errno(err, errno, "mapping the page shared with the gofer");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gsock) < 0)
		return rc_error_set_errno(err, errno, "creating the sandbox's sockets");
	if (pipe2(ready, O_CLOEXEC) < 0) {
		int e = errno;
		close(gsock[0]);
		close(gsock[1]);
		return rc_error_set_errno(err, e, "creating the sandbox's sockets");
	}
	sb->gofer_sock = gsock[0];
	sb->ready_fd = ready[0];
	double t0 = mono_ms();
	int r = ipcns_new(sb, err);
	double ipcns_ms = mono_ms() - t0;
	if (r < 0) {
		close(gsock[1]);
		close(ready[1]);
		return r;
	}
	pid_t pid = fork_single_threaded();
	if (pid == 0)
		gofer_child(sb, gsock[1], ready[1]);
	int e = errno;
	t0 = mono_ms();
	int back = ipcns_leave(sb);
	log_debug("the sandbox's IPC namespace (for /dev/mqueue): %.3f ms",
		  ipcns_ms + mono_ms() - t0);
	close(gsock[1]);
	close(ready[1]);
	if (pid < 0)
		return rc_error_set_errno(err, e, "fork");
	sb->gofer_pid = pid; /* sandbox_destroy ends it */
	if (back < 0)
		return rc_error_set_errno(err, -back, "returning to the caller's IPC namespace");
	return 0;
}

/* Waits for the gofer's word on the view: nothing (ready) or one line of
 * error, which becomes err. Closes the pipe. */
static int view_wait(struct sandbox *sb, struct rc_error *err)
{
	char msg[512];
	ssize_t n;
	if (sb->ready_fd < 0)
		return 0; /* waited for already */
	do
		n = read(sb->ready_fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	close(sb->ready_fd);
	sb->ready_fd = -1;
	if (n == 0)
		return 0;
	msg[n > 0 ? n : 0] = 0;
	waitpid(sb->gofer_pid, NULL, 0);
	sb->gofer_pid = 0;
	return rc_error_set(err, EIO, "building the sandbox's view: %s",
			    n > 0 ? msg : "the gofer failed");
}

/* ---- the guest's filters ---- */

/* syscalls.deny becomes a filter stacked on the guest's, built now so the
 * guest only loads it. */
static int policy_filter_prepare(const struct policy_view *pv)
{
	uint32_t n = policy_syscall_deny_count(pv);
	_cleanup_free_ int *nrs = xcalloc(n + 1, sizeof(*nrs));

	for (uint32_t i = 0; i < n; i++) {
		nrs[i] = policy_syscall_deny_nr(pv, i);
		if (nrs[i] < 0)
			return -EINVAL;
	}
	return sc_filter_prepare_policy(nrs, n);
}

/* Built while the gofer sets up the view; the guest inherits them. */
static int filters_prepare(const struct sandbox_config *cfg, struct rc_error *err)
{
	int r = sc_filter_prepare_guest();
	if (r == 0 && cfg->policy && policy_net_mode(cfg->policy) == POLICY_NET_EGRESS)
		r = sc_filter_prepare_guest_egress();
	if (r < 0)
		return rc_error_set_errno(err, -r, "building the guest's seccomp filter");
	if (cfg->policy && (r = policy_filter_prepare(cfg->policy)) < 0)
		return rc_error_set_errno(err, -r, "building the policy's seccomp filter");
	return 0;
}

/* The sentry starts while the gofer builds the view; only a terminal (from
 * the view's devpts) needs the view first. */
static int terminal_open(struct sandbox *sb, struct rc_error *err)
{
	int r = view_wait(sb, err);
	if (r < 0)
		return r;
	r = term_open(&sb->term, sb->gofer_sock, sb->gofer_shared, sb->cfg);
	if (r < 0) {
		kill_wait(sb->gofer_pid);
		sb->gofer_pid = 0;
		return rc_error_set_errno(err, -r, "opening a terminal");
	}
	return 0;
}

static int pty_factory_open(struct sandbox *sb, struct rc_error *err)
{
	int r = view_wait(sb, err);
	if (r < 0)
		return r;
	r = term_factory_open(sb->gofer_sock, sb->gofer_shared, sb->cfg, &sb->pty_factory);
	if (r < 0) {
		kill_wait(sb->gofer_pid);
		sb->gofer_pid = 0;
		return rc_error_set_errno(err, -r, "opening the sandbox's devpts");
	}
	return 0;
}

/* The network namespace to join, opened after the gofer's fork (the gofer
 * never holds it) and checked to be one. */
static int netns_open(struct sandbox *sb, struct rc_error *err)
{
	const char *path = sb->cfg->netns;
	sb->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sb->netns_fd < 0)
		return rc_error_set_errno(err, errno, "network namespace %s", path);
	int type = ioctl(sb->netns_fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET)
		return rc_error_set(err, EINVAL, "%s is not a network namespace", path);
	return 0;
}

static struct sandbox *sandbox_new(const struct sandbox_config *cfg)
{
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	sb->cfg = cfg;
	sb->gofer_sock = -1;
	sb->ready_fd = -1;
	sb->gofer_shared_fd = -1;
	sb->term.master = -1;
	sb->term.slave = -1;
	sb->pty_factory = -1;
	sb->signal_fd = -1;
	sb->timer_fd = -1;
	sb->epoll_fd = -1;
	sb->control_fd = -1;
	sb->guest_listener = -1;
	sb->init_pidfd = -1;
	sb->netns_fd = -1;
	sb->cg_chan[0] = sb->cg_chan[1] = -1;
	sb->ipcns_fd = -1;
	sb->caller_ipcns_fd = -1;
	return sb;
}

int sandbox_create(const struct sandbox_config *cfg, struct sandbox **out, struct rc_error *err)
{
	*out = NULL;
	int r = config_check(cfg, err);
	if (r < 0)
		return r;
	struct sandbox *sb = sandbox_new(cfg);
	/* Signals that end the sandbox are taken through a signalfd. */
	sigemptyset(&sb->sigmask);
	for (size_t i = 0; i < ARRAY_SIZE(supervised_signals); i++)
		sigaddset(&sb->sigmask, supervised_signals[i]);
	sigaddset(&sb->sigmask, SANDBOX_SIGNAL_KILL);
	sigset_t old;
	sigprocmask(SIG_BLOCK, &sb->sigmask, &old);
	if (!caller_mask_saved) {
		caller_mask = old;
		caller_mask_saved = true;
	}
	sb->oldmask = caller_mask;

	/* The cgroups are made while the sentry starts (limits_start), or
	 * here, while the gofer builds the view, for a caller that needs
	 * them before the start. */
	r = limits_prepare(sb, err);
	if (r == 0)
		r = gofer_fork(sb, err);
	if (r == 0 && cfg->cgroups_at_create)
		r = limits_create(sb, err);
	if (r == 0 && cfg->netns)
		r = netns_open(sb, err);
	if (r == 0)
		r = filters_prepare(cfg, err);
	if (r == 0 && cfg->terminal)
		r = terminal_open(sb, err);
	if (r == 0 && cfg->exec_terminals)
		r = pty_factory_open(sb, err);
	if (r < 0) {
		sandbox_destroy(sb);
		return r;
	}
	*out = sb;
	return 0;
}

/* ---- the sentry ---- */

_Noreturn static void sentry_child(struct sandbox *sb, int report_fd, int control_fd)
{
	const struct sandbox_config *cfg = sb->cfg;
	if (sb->ready_fd >= 0)
		close(sb->ready_fd);
	close(sb->control_fd);
	sigprocmask(SIG_SETMASK, &sb->oldmask, NULL);
	if (sb->term.master >= 0)
		close(sb->term.master);
	if (sb->pty_factory >= 0)
		close(sb->pty_factory);
	log_prefix = "runsc-c: sentry";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "runsc-c-sentry");
	struct gofer_shared *shared = gofer_shared_map(sb->gofer_shared_fd);
	if (!shared)
		die_errno("mapping the page shared with the gofer");
	close(sb->gofer_shared_fd);
	const char **vols = xcalloc(cfg->nvolumes + 1, sizeof(*vols));
	for (size_t i = 0; i < cfg->nvolumes; i++)
		vols[i] = cfg->volumes[i].guest;
	struct sentry_config sc = {
		.gofer_sock = sb->gofer_sock,
		.gofer_pid = sb->gofer_pid,
		.gofer_shared = shared,
		.argv = cfg->argv,
		.builtin = cfg->builtin,
		.envp = cfg->envp,
		.user_set = cfg->user_set,
		.uid = cfg->uid,
		.gid = cfg->gid,
		.groups = cfg->groups,
		.ngroups = cfg->ngroups,
		.attrs = cfg->attrs,
		.filter = cfg->filter,
		.cwd = cfg->cwd,
		.hostname = cfg->hostname,
		.sysctls = cfg->sysctls,
		.nsysctls = cfg->nsysctls,
		.netns_fd = sb->netns_fd,
		.ipcns_fd = sb->ipcns_fd,
		.preserve_fds = cfg->preserve_fds,
		.listen_pid = cfg->listen_pid,
		.masks = &cfg->masks,
		.tty_fd = sb->term.active ? sb->term.slave : -1,
		.control_fd = control_fd,
		.policy = cfg->policy,
		.audit_fd = cfg->audit_fd,
		.volume_paths = vols,
		.nvolume_paths = cfg->nvolumes,
		.report_fd = report_fd,
		.hooks = network_sentry_hooks(sb, limits_sentry_hooks(sb)),
		.sandbox_id = sb->id,
		.dns_table = network_dns_table(sb),
	};
	sentry_run(&sc);
}

/* Reads the sentry's report (sentry_config's report_fd): the guest's
 * listener and its init's pidfd, handed over first, are kept; returns the
 * size of the next message, the init's pid or the sentry's error, read
 * into buf (0: the sentry ended without one), or -errno where the socket
 * could not be read (the sandbox does not start then: a guest would run
 * whose listener nobody outside its sentry holds). */
static ssize_t report_read(struct sandbox *sb, int fd, void *buf, size_t size)
{
	for (;;) {
		int fds[2], nfds;
		ssize_t n = recv_msg_fds(fd, buf, size, fds, 2, &nfds);
		if (n == 1 && nfds == 2 && *(char *)buf == 'H' && sb->guest_listener < 0) {
			sb->guest_listener = fds[0];
			sb->init_pidfd = fds[1];
			continue;
		}
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return n;
	}
}

int sandbox_start(struct sandbox *sb, struct rc_error *err)
{
	int report[2];
	int nr = network_prepare(sb, err);
	if (nr < 0)
		return nr;
	/* The exec channel (exec.c): the guest's init gets the other end. */
	int control[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) < 0)
		return rc_error_set_errno(err, errno, "socketpair");
	sb->control_fd = control[0];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) < 0) {
		close(control[1]);
		return rc_error_set_errno(err, errno, "socketpair");
	}
	int r = limits_channel_open(sb, err);
	if (r < 0) {
		close(report[0]);
		close(report[1]);
		close(control[1]);
		return r;
	}
	pid_t pid = fork_single_threaded();
	if (pid < 0) {
		int e = errno;
		close(report[0]);
		close(report[1]);
		close(control[1]);
		return rc_error_set_errno(err, e, "fork");
	}
	if (pid == 0) {
		close(report[0]);
		sentry_child(sb, report[1], control[1]);
	}
	close(control[1]);
	sb->sentry_pid = pid;
	clock_gettime(CLOCK_MONOTONIC, &sb->started);
	close(report[1]);
	close(sb->gofer_sock);
	sb->gofer_sock = -1;
	close(sb->gofer_shared_fd);
	sb->gofer_shared_fd = -1;
	/* The cgroups, while the sentry starts: its guest's init waits for
	 * them before it runs anything. Where they cannot be made, the
	 * sentry is killed before that, and the error is ours to report. */
	r = limits_start(sb, err);
	if (r < 0) {
		close(report[0]);
		sentry_end(sb);
		return r;
	}
	(void)network_start(sb);
	limits_sweep(sb);
	/* The guest init's pid, or the sentry's error (sentry_run). */
	union {
		pid_t init;
		struct rc_error err;
	} rep = {0};
	ssize_t n = report_read(sb, report[0], &rep, sizeof(rep));
	pid_t init = n == (ssize_t)sizeof(rep.init) && sb->init_pidfd >= 0 ? rep.init : 0;
	close(report[0]);
	if (n < 0) {
		sentry_end(sb);
		return rc_error_set_errno(err, (int)-n, "receiving the guest's listener");
	}
	/* A sentry that died before the guest ran: the view's failure, if the
	 * gofer has one, says why; else the sentry's own. */
	if (init == 0 && sb->ready_fd >= 0)
		r = view_wait(sb, err);
	if (r == 0 && n == (ssize_t)sizeof(rep.err)) {
		if (err)
			*err = rep.err;
		r = -(rep.err.errno_value ? rep.err.errno_value : EIO);
	}
	if (r < 0) {
		sentry_end(sb);
		return r;
	}
	if (sb->ready_fd >= 0) {
		close(sb->ready_fd);
		sb->ready_fd = -1;
	}
	sb->init_pid = init;
	if (sb->term.active) {
		close(sb->term.slave);
		sb->term.slave = -1;
	}
	supervise_init(sb);
	return 0;
}

/* ---- the end ---- */

int sandbox_terminal_take(struct sandbox *sb, char *name, size_t name_len)
{
	return term_take(&sb->term, name, name_len);
}

int sandbox_terminal_new(struct sandbox *sb, int *master, int *slave, char *name, size_t name_len,
			 struct rc_error *err)
{
	if (sb->pty_factory < 0)
		return rc_error_set(err, ENOTTY, "the sandbox makes no terminals for exec");
	int r = term_new(sb->pty_factory, master, slave, name, name_len);
	return r < 0 ? rc_error_set_errno(err, -r, "opening a terminal") : 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void sandbox_destroy(struct sandbox *sb)
{
	if (!sb)
		return;
	term_restore(&sb->term);
	exec_end(sb);
	sentry_end(sb);
	kill_wait(sb->gofer_pid);
	network_stop(sb);
	close_fd(&sb->signal_fd);
	close_fd(&sb->timer_fd);
	close_fd(&sb->epoll_fd);
	close_fd(&sb->term.master);
	close_fd(&sb->term.slave);
	close_fd(&sb->pty_factory);
	close_fd(&sb->gofer_sock);
	close_fd(&sb->ready_fd);
	close_fd(&sb->gofer_shared_fd);
	gofer_shared_unmap(sb->gofer_shared);
	close_fd(&sb->netns_fd);
	close_fd(&sb->cg_chan[0]);
	close_fd(&sb->cg_chan[1]);
	close_fd(&sb->ipcns_fd);
	free(sb->watches);
	limits_destroy(sb);
	free(sb);
}

int sandbox_run(const struct sandbox_config *cfg, struct sandbox_status *status,
		struct rc_error *err)
{
	struct sandbox *sb;
	int r = sandbox_create(cfg, &sb, err);
	if (r < 0)
		return r;
	r = sandbox_start(sb, err);
	if (r == 0)
		r = sandbox_wait(sb, status, err);
	sandbox_destroy(sb);
	return r;
}
