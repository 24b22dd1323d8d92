/* SPDX-License-Identifier: Apache-2.0 */
/* The supervisor: while the guest runs, the process that created the sandbox
 * forwards signals to the guest's init, relays the terminal, enforces the
 * timeout, and notices when the sentry (whose status is the command's) or
 * the gofer exits. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sandbox/internal.h"

static void watch(struct sandbox *sb, int fd, enum sandbox_event what)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = what};
	epoll_ctl(sb->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

/* A watch's epoll tag: its kind, slot and generation (a slot freed and
 * reused within one batch of events is not mistaken for the old one). */
static uint64_t watch_tag(size_t slot, uint32_t gen)
{
	return SANDBOX_EV_WATCH | (uint64_t)slot << 8 | (uint64_t)gen << 32;
}

int sandbox_watch(struct sandbox *sb, int fd, sandbox_watch_fn fn, void *arg, struct rc_error *err)
{
	if (sb->epoll_fd < 0)
		return rc_error_set(err, EINVAL, "the sandbox has not started");
	size_t slot = 0;
	while (slot < sb->nwatches && sb->watches[slot].fd >= 0)
		slot++;
	if (slot == sb->nwatches) {
		if (slot >= (1u << 24))
			return rc_error_set(err, EMFILE, "too many watched fds");
		sb->watches = realloc(sb->watches, (slot + 1) * sizeof(*sb->watches));
		if (!sb->watches)
			abort();
		sb->watches[slot] = (struct sandbox_watch){.fd = -1};
		sb->nwatches++;
	}
	struct sandbox_watch *w = &sb->watches[slot];
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = watch_tag(slot, w->gen + 1)};
	if (epoll_ctl(sb->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return rc_error_set_errno(err, errno, "watching fd %d", fd);
	w->gen++;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	return 0;
}

void sandbox_unwatch(struct sandbox *sb, int fd)
{
	for (size_t i = 0; i < sb->nwatches; i++) {
		if (sb->watches[i].fd != fd)
			continue;
		if (sb->epoll_fd >= 0)
			epoll_ctl(sb->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
		sb->watches[i].fd = -1;
		sb->watches[i].gen++;
	}
}

static void on_watch(struct sandbox *sb, uint64_t tag)
{
	size_t slot = (size_t)(tag >> 8) & 0xffffff;
	uint32_t gen = (uint32_t)(tag >> 32);
	if (slot >= sb->nwatches || sb->watches[slot].fd < 0 || sb->watches[slot].gen != gen)
		return;
	struct sandbox_watch w = sb->watches[slot];
	w.fn(sb, w.fd, w.arg);
}

void kill_wait(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void supervise_init(struct sandbox *sb)
{
	const struct sandbox_config *cfg = sb->cfg;
	sb->signal_fd = signalfd(-1, &sb->sigmask, SFD_CLOEXEC | SFD_NONBLOCK);
	sb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	watch(sb, sb->signal_fd, SANDBOX_EV_SIGNAL);
	if (cfg->timeout_s > 0) {
		sb->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		struct itimerspec its = {0};
		its.it_value.tv_sec = (time_t)cfg->timeout_s;
		its.it_value.tv_nsec = (long)((cfg->timeout_s - (double)its.it_value.tv_sec) * 1e9);
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
		timerfd_settime(sb->timer_fd, 0, &its, NULL);
		watch(sb, sb->timer_fd, SANDBOX_EV_TIMEOUT);
	}
	if (sb->term.relayed) {
		watch(sb, STDIN_FILENO, SANDBOX_EV_STDIN);
		watch(sb, sb->term.master, SANDBOX_EV_TERMINAL);
	}
	exec_control_events(sb, EPOLL_CTL_ADD);
	sb->stdin_open = true;
}

int sandbox_kill(struct sandbox *sb, int sig, struct rc_error *err)
{
	if (sb->init_pid <= 0)
		return rc_error_set(err, ESRCH, "the sandbox's guest is not running");
	/* By its pidfd: the pid may be another process's once the init is
	 * reaped (sentry_end closes the pidfd after that). */
	if (sb->init_pidfd < 0)
		return rc_error_set(err, ESRCH, "the sandbox's guest has ended");
	if (sys_pidfd_send_signal(sb->init_pidfd, sig, NULL, 0) < 0)
		return rc_error_set_errno(err, errno, "signalling the guest's init");
	return 0;
}

/* Signals: forwarded to the guest's init, except SIGWINCH (the terminal's
 * size) and SIGCHLD (a child of ours exited). Returns the sentry's status
 * once it exited, else -1. */
static int on_signals(struct sandbox *sb)
{
	struct signalfd_siginfo si;
	while (read(sb->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGWINCH && sb->term.relayed)
			term_resize(&sb->term);
		else if (sig == SANDBOX_SIGNAL_KILL)
			sandbox_kill(sb, SIGKILL, NULL);
		else if (sig != SIGCHLD && sig != SIGWINCH && sb->init_pid > 0)
			sandbox_kill(sb, sig, NULL);
	}
	int exit_code = -1;
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == sb->gofer_pid) {
			/* The sentry notices a dead gofer and stops the guest
			 * itself; a SIGCHLD ends its wait for the guest's next
			 * call. */
			sb->gofer_pid = 0;
			if (sb->sentry_pid > 0)
				kill(sb->sentry_pid, SIGCHLD);
		} else if (p == sb->sentry_pid) {
			sb->sentry_pid = 0;
			if (WIFEXITED(st))
				exit_code = WEXITSTATUS(st);
			else
				exit_code = 128 + WTERMSIG(st);
			sentry_end(sb);
		}
	}
	return exit_code;
}

/* How long a sentry may take to follow its killed guest out. */
#define SENTRY_GRACE_MS 2000

/* Waits up to ms milliseconds for a child to exit, without reaping it. */
static void wait_exit(pid_t pid, int ms)
{
	int fd = pid > 0 ? sys_pidfd_open(pid, 0) : -1;
	if (fd < 0)
		return;
	(void)pidfd_wait_exit(fd, ms);
	close(fd);
}

/* How long the guest's tasks may take to die once its init is killed. */
#define GUEST_GRACE_MS 10000

void sentry_end(struct sandbox *sb)
{
	kill_wait(sb->sentry_pid);
	sb->sentry_pid = 0;
	/* The init dies of the sentry's death too (its PDEATHSIG); the
	 * kernel kills the rest of its pid namespace and reports the init's
	 * exit once they are gone. Until then their trapped calls wait on
	 * the listener held here. */
	if (sb->init_pidfd >= 0) {
		sys_pidfd_send_signal(sb->init_pidfd, SIGKILL, NULL, 0);
		if (!pidfd_wait_exit(sb->init_pidfd, GUEST_GRACE_MS))
			log_debug("the guest's init has not ended %d ms after its SIGKILL: its "
				  "listener is closed now, its last calls may get ENOSYS",
				  GUEST_GRACE_MS);
		close(sb->init_pidfd);
		sb->init_pidfd = -1;
	}
	if (sb->guest_listener >= 0) {
		close(sb->guest_listener);
		sb->guest_listener = -1;
	}
}

/* The timeout: the guest is killed, then its sentry. The sentry goes last:
 * a guest task still running once the sentry's listener is closed gets
 * ENOSYS from the kernel for every trapped call ("Function not
 * implemented" from a shell of a fork storm), and killing the guest's init
 * only queues a SIGKILL that the other tasks outrun on a busy machine. The
 * sentry ends by itself when it sees the init exit, which the kernel
 * reports only once every other task of the guest's pid namespace is gone;
 * a sentry that has not ended after a grace period is killed. */
static int on_timeout(struct sandbox *sb, struct sandbox_status *status)
{
	status->timed_out = true;
	if (sb->init_pid > 0) {
		sandbox_kill(sb, SIGKILL, NULL);
		wait_exit(sb->sentry_pid, SENTRY_GRACE_MS);
	}
	sentry_end(sb);
	return 128 + SIGKILL;
}

/* One event; returns the command's status once the sandbox ended, else -1. */
static int on_event(struct sandbox *sb, uint64_t tag, struct sandbox_status *status)
{
	switch ((enum sandbox_event)(tag & 0xff)) {
	case SANDBOX_EV_SIGNAL:
		return on_signals(sb);
	case SANDBOX_EV_TIMEOUT:
		return on_timeout(sb, status);
	case SANDBOX_EV_STDIN:
		if (sb->stdin_open && !term_relay(STDIN_FILENO, sb->term.master)) {
			sb->stdin_open = false;
			epoll_ctl(sb->epoll_fd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
		}
		return -1;
	case SANDBOX_EV_TERMINAL:
		if (!term_relay(sb->term.master, STDOUT_FILENO))
			epoll_ctl(sb->epoll_fd, EPOLL_CTL_DEL, sb->term.master, NULL);
		return -1;
	case SANDBOX_EV_CONTROL:
		exec_on_control(sb);
		return -1;
	case SANDBOX_EV_WATCH:
		on_watch(sb, tag);
		return -1;
	default:
		return -1;
	}
}

int sandbox_wait(struct sandbox *sb, struct sandbox_status *status, struct rc_error *err)
{
	int exit_code = -1;
	int wait_errno = 0;
	*status = (struct sandbox_status){0};
	while (exit_code < 0) {
		struct epoll_event evs[16];
		int ne = epoll_wait(sb->epoll_fd, evs, (int)ARRAY_SIZE(evs), -1);
		if (ne < 0) {
			if (errno == EINTR)
				continue;
			wait_errno = errno;
			break;
		}
		for (int i = 0; i < ne && exit_code < 0; i++)
			exit_code = on_event(sb, evs[i].data.u64, status);
	}
	/* What the guest's init said last about exec'd processes; any still
	 * running ended with the guest. */
	exec_end(sb);
	/* Output the guest wrote just before it exited. */
	if (sb->term.relayed)
		term_drain(&sb->term);
	if (exit_code < 0)
		return rc_error_set_errno(err, wait_errno, "supervising the sandbox");
	status->exit_code = exit_code;
	status->started = sb->init_pid > 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	status->wall_us = (uint64_t)(now.tv_sec - sb->started.tv_sec) * 1000000 +
			  (uint64_t)((now.tv_nsec - sb->started.tv_nsec) / 1000);
	limits_status(sb, status);
	return 0;
}
