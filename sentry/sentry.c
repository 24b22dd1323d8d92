/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's process: its start from a struct sentry_config (the guest
 * spawned, the view's root and cwd opened, the sentry isolated), then its
 * event loop: seccomp notifications from the guest, ptrace events (through
 * SIGCHLD), the gofer's liveness, and the deferred answers of calls that
 * wait for something the guest controls. */
#include "sentry/sentry.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/error.h"
#include "common/util.h"
#include "sentry/audit.h"
#include "sentry/counters.h"
#include "sentry/guest.h"
#include "sentry/ptrace.h"
#include "sentry/self_filter.h"
#include "syscalls/table.h"

#define ERESTARTSYS   512
#define DEFER_TICK_MS 10

struct deferred {
	struct seccomp_notif *req;
	sc_poll_fn poll;
	void (*drop)(void *arg);
	void *arg;
	int intr_error; /* the answer when a signal ends the wait */
	int watch_fd;	/* a copy of the fd whose readiness ends the wait, or -1 */
	uint32_t ready; /* the events the watch reported since the last poll */
	bool fired;	/* the watch reported, and is disarmed (EPOLLONESHOT) */
	/* The poll may run before the caller's liveness is checked
	 * (sentry_defer_poll_first). */
	bool poll_first;
	struct deferred *next;
};

static struct deferred *deferred_list;
/* Set by sentry_defer() while a handler runs. */
static struct deferred *deferring;
/* The loop's epoll set, where deferred answers' fds are watched. Each
 * entry's data: its kind in the low 32 bits, and for EV_WATCH the watched
 * fd in the high ones. */
static int loop_ep = -1;
#define EV_NOTIF  0
#define EV_WAKE	  1
#define EV_GOFER  2
#define EV_WATCH  3
#define EV_FD(fd) ((uint64_t)(uint32_t)(fd) << 32)

static void respond(struct sentry *s, struct sc_ctx *c)
{
	if (c->answered)
		return;
	gofer_settle(s);
	if (c->install_fd >= 0) {
		int fd = c->install_fd;
		c->install_fd = -1;
		if (c->error == 0) {
			/* Installed first and answered after the sentry's copy
			 * is closed: with SECCOMP_ADDFD_FLAG_SEND the woken
			 * guest could close its fd before the sentry closed
			 * the copy, and the last close (IN_CLOSE_WRITE, a
			 * FIFO's EOF, the end of ETXTBSY) would come late, at
			 * the sentry's. The caller cannot leave between the
			 * two (WAIT_KILLABLE_RECV: only death, which takes
			 * the fd with it; on a kernel without it, before
			 * 5.19, a signal there would leave the fd installed
			 * and the call restarted). */
			struct seccomp_notif_addfd a = {
				.id = c->req->id,
				.flags = 0,
				.srcfd = (uint32_t)fd,
				.newfd = 0,
				.newfd_flags = c->install_flags,
			};
			int r = sentry_addfd(s, &a);
			int err = errno;
			close(fd);
			if (r < 0 && err == ENOENT)
				return; /* the caller is gone */
			if (r < 0)
				c->error = -err;
			else
				c->val = r;
			c->cont = false;
		} else {
			close(fd);
		}
	}
	struct seccomp_notif_resp resp = {
		.id = c->req->id,
		.val = c->error ? 0 : c->val,
		.error = c->error,
		.flags = 0,
	};
	if (c->cont && c->error == 0) {
		resp.val = 0;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		log_debug("answering notification: %s", strerror(errno));
}

void sentry_defer(struct sc_ctx *c, sc_poll_fn poll_fn, void (*drop)(void *arg), void *arg)
{
	struct deferred *d = xcalloc(1, sizeof(*d));
	d->req = xmalloc(c->s->sizes.seccomp_notif);
	memcpy(d->req, c->req, c->s->sizes.seccomp_notif);
	d->poll = poll_fn;
	d->drop = drop;
	d->arg = arg;
	d->intr_error = -ERESTARTSYS;
	d->watch_fd = -1;
	deferring = d;
}

/* A watch reports once (EPOLLONESHOT): one that has reported is left
 * in the epoll set, disarmed, when its fd is closed, which saves an
 * EPOLL_CTL_DEL per wait. The kernel removes such an entry once the last
 * fd of its file (the guest's own socket, usually) is closed; until then
 * the same file watched again under the same fd number finds it (EEXIST)
 * and re-arms it. One that has not reported is removed, so that nothing
 * reports for an fd number that names another file by then. */
bool sentry_defer_watch(int fd, uint32_t events)
{
	if (!deferring || loop_ep < 0 || deferring->watch_fd >= 0)
		return false;
	struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.u64 = EV_WATCH | EV_FD(fd)};
	if (epoll_ctl(loop_ep, EPOLL_CTL_ADD, fd, &ev) < 0 &&
	    (errno != EEXIST || epoll_ctl(loop_ep, EPOLL_CTL_MOD, fd, &ev) < 0))
		return false; /* the tick still polls it */
	deferring->watch_fd = fd;
	return true;
}

static void deferred_free(struct deferred *d)
{
	if (d->watch_fd >= 0) {
		if (!d->fired)
			epoll_ctl(loop_ep, EPOLL_CTL_DEL, d->watch_fd, NULL);
		close(d->watch_fd);
	}
	free(d->req);
	free(d);
}

void sentry_defer_intr_error(int error)
{
	if (deferring)
		deferring->intr_error = error;
}

void sentry_defer_poll_first(void)
{
	if (deferring)
		deferring->poll_first = true;
}

/* The watch of a deferred answer reported events on fd: its poll gets
 * them at the tick that follows. */
static void deferred_ready(int fd, uint32_t events)
{
	for (struct deferred *d = deferred_list; d; d = d->next) {
		if (d->watch_fd == fd) {
			d->ready |= events;
			d->fired = true;
			return;
		}
	}
}

static const char *syscall_name(int nr)
{
	const struct sc_row *row = sc_lookup(nr);
	return row ? row->name : NULL;
}

static void dispatch(struct sentry *s, struct seccomp_notif *req)
{
	struct task *t = task_get(s, (pid_t)req->pid);
	struct sc_ctx c = {.s = s, .t = t, .req = req, .install_fd = -1, .pin_ok = true};
	if (!t->fs) {
		int fd = fcntl(s->root_fd, F_DUPFD_CLOEXEC, 0);
		t->fs = fsinfo_new(fd);
	}
	const struct sc_row *row = NULL;
	if (req->data.arch == AUDIT_ARCH_X86_64)
		row = sc_lookup(req->data.nr);
	if (!row || !row->handler) {
		log_debug("unsupported syscall %d from %d: ENOSYS", req->data.nr, req->pid);
		audit_unknown_syscall(&c);
		c.error = -ENOSYS;
		respond(s, &c);
		return;
	}
	deferring = NULL;
	counters_call_begin(req->data.nr);
	int r = row->handler(&c);
	counters_call_end();
	sc_ctx_unpin(&c);
	if (r == SC_DEFER && deferring) {
		deferring->next = deferred_list;
		deferred_list = deferring;
		deferring = NULL;
		return;
	}
	respond(s, &c);
}

/* Does the thread have a signal pending that it does not block? */
static bool signal_pending(struct sentry *s, pid_t tid)
{
	char buf[4096];
	if (task_status_read(s, tid, buf, sizeof(buf)) < 0)
		return false;
	unsigned long long pnd = 0, shd = 0, blk = 0;
	char *p;
	if ((p = strstr(buf, "\nSigPnd:")))
		pnd = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nShdPnd:")))
		shd = strtoull(p + 8, NULL, 16);
	if ((p = strstr(buf, "\nSigBlk:")))
		blk = strtoull(p + 8, NULL, 16);
	return ((pnd | shd) & ~blk) != 0;
}

static void deferred_tick(struct sentry *s)
{
	for (struct deferred **pp = &deferred_list; *pp;) {
		struct deferred *d = *pp;
		struct task *t = task_get(s, (pid_t)d->req->pid);
		struct sc_ctx c = {
			.s = s, .t = t, .req = d->req, .install_fd = -1, .watch_events = d->ready};
		bool done, polled = false;
		d->ready = 0;
		/* What the call waited for is looked at before the signals:
		 * a wait that has ended answers with its result, as the
		 * kernel's does when a signal comes after the wake-up, and
		 * the thread's /proc status is read only while it waits. A
		 * poll without side effects (sentry_defer_poll_first) runs
		 * before the caller's liveness is checked: a wait that has
		 * ended then costs no check (an answer to a caller that is
		 * gone fails harmlessly). The poll may set the answer for a
		 * signal (sentry_defer_intr_error). */
		deferring = d;
		if (d->poll_first) {
			polled = true;
			done = d->poll(&c, d->arg);
		}
		if (polled && done) {
			respond(s, &c);
		} else if (!notif_valid(&c)) {
			d->drop(d->arg);
			done = true;
		} else if (!polled && d->poll(&c, d->arg)) {
			respond(s, &c);
			done = true;
		} else if (signal_pending(s, (pid_t)d->req->pid)) {
			/* The kernel turns this into EINTR or a restart, as it
			 * would for a blocking call interrupted by a signal. */
			d->drop(d->arg);
			c.error = d->intr_error;
			respond(s, &c);
			done = true;
		} else {
			done = false;
		}
		deferring = NULL;
		if (done) {
			*pp = d->next;
			deferred_free(d);
		} else {
			pp = &d->next;
		}
	}
}

/* With no deferred answer to time, the loop waits in
 * SECCOMP_IOCTL_NOTIF_RECV itself: a notification then wakes it on the
 * guest's own CPU (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP). A wait in
 * epoll_wait is woken through epoll's own queue, which places the sentry
 * on an idle CPU: guest and sentry then chase each other across CPUs and
 * every round trip pays a cross-CPU wake-up (about 40 µs on these VMs).
 *
 * SIGCHLD ends such a wait: ptrace events, and runsc-c's word that the
 * gofer died. It stays unblocked (SA_RESTART, so that the calls a handler
 * makes resume after it), and its handler only records it: the loop looks
 * at that record after each notification, at no cost in system calls.
 * A SIGCHLD that comes after the loop looked but before the receive has
 * started must not be missed until the next notification. The receive is
 * therefore made by recv_cancellable below, which looks at the record
 * itself right before its syscall instruction; a handler that interrupts
 * it anywhere from that look up to the syscall instruction (where the
 * kernel leaves a receive it is about to restart) sends it to an exit
 * that returns -EINTR instead, as musl's thread cancellation does. The
 * handler makes no system call, and the loop none to undo it. While the
 * epoll wait is armed the handler writes the wake eventfd, which the
 * epoll set watches. Blocking SIGCHLD outside the receive cost two
 * rt_sigprocmask calls per notification; now only an answer that installs
 * an fd with SECCOMP_ADDFD_FLAG_SEND (exec's loader) blocks it
 * (sentry_addfds). */
static int wake_fd = -1;
static volatile sig_atomic_t epoll_armed, woken, gofer_due;

/* long recv_cancellable(int fd, unsigned long cmd, void *arg,
 *                       volatile sig_atomic_t *woken):
 * ioctl(fd, cmd, arg) unless *woken is set; the raw result (-errno). */
long recv_cancellable(int fd, unsigned long cmd, void *arg, volatile sig_atomic_t *stop);
extern const char recv_window_start[], recv_window_syscall[], recv_window_cancel[];
__asm__(".pushsection .text\n"
	".globl recv_cancellable\n"
	".hidden recv_cancellable\n"
	".type recv_cancellable,@function\n"
	"recv_cancellable:\n"
	".globl recv_window_start\n"
	".hidden recv_window_start\n"
	"recv_window_start:\n"
	"	cmpl $0, (%rcx)\n"
	"	jne recv_window_cancel\n"
	"	movl $16, %eax\n" /* SYS_ioctl */
	".globl recv_window_syscall\n"
	".hidden recv_window_syscall\n"
	"recv_window_syscall:\n"
	"	syscall\n"
	"	ret\n"
	".globl recv_window_cancel\n"
	".hidden recv_window_cancel\n"
	"recv_window_cancel:\n"
	"	movq $-4, %rax\n" /* -EINTR */
	"	ret\n"
	".size recv_cancellable, .-recv_cancellable\n"
	".popsection\n");

static void wake_handler(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	ucontext_t *uc = uctx;
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	int saved = errno;
	woken = 1;
	/* A SIGCHLD the kernel raised tells of a child (a guest task); one a
	 * process sent is runsc-c's word that the gofer died. Two SIGCHLDs
	 * pending at once are delivered as one, so the loop also looks at the
	 * gofer now and then (GOFER_CHECK_EVERY). */
	if (si->si_code <= 0)
		gofer_due = 1;
	if (ip >= (uintptr_t)recv_window_start && ip <= (uintptr_t)recv_window_syscall)
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)recv_window_cancel;
	if (epoll_armed) {
		uint64_t one = 1;
		(void)!write(wake_fd, &one, sizeof(one));
	}
	errno = saved;
}

static void wait_init(int eventfd)
{
	wake_fd = eventfd;
	struct sigaction sa = {.sa_sigaction = wake_handler, .sa_flags = SA_RESTART | SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		die_errno("the sentry's SIGCHLD handler");
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* One that came while it was blocked is delivered here. */
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
}

static void gofer_check(struct sentry *s)
{
	struct pollfd p = {.fd = s->gofer, .events = POLLRDHUP};
	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		die("the gofer died; stopping the sandbox");
}

/* Wake-ups between two looks at the gofer when no SIGCHLD said it died:
 * runsc-c's SIGCHLD may have merged with a pending one of a guest task. */
#define GOFER_CHECK_EVERY 64

/* Handles the SIGCHLDs recorded since the last look. One that comes while
 * this runs is recorded again and handled at the next look. */
static void wake_handle(struct sentry *s)
{
	static unsigned int since_check;
	woken = 0;
	ptrace_reap(s);
	if (gofer_due || ++since_check >= GOFER_CHECK_EVERY) {
		gofer_due = 0;
		since_check = 0;
		gofer_check(s);
	}
}

/* Waits for and answers one notification, or handles what ended the wait.
 * Returns false once no task holds the filter any more (the receive then
 * fails at once, and the loop must wait for the last SIGCHLD elsewhere). */
static bool wait_in_recv(struct sentry *s, struct seccomp_notif *req)
{
	memset(req, 0, s->sizes.seccomp_notif);
	long r = recv_cancellable(s->listener, SECCOMP_IOCTL_NOTIF_RECV, req, &woken);
	/* A notification received is answered before the events that came
	 * with it: a caller reaped first would leave a record for a dead tid. */
	if (r == 0)
		dispatch(s, req);
	if (woken) {
		wake_handle(s);
		return true;
	}
	if (r == 0)
		return true;
	if (r == -ENOENT) {
		/* The caller died, or the filter has no task left. */
		struct pollfd p = {.fd = s->listener, .events = POLLIN};
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)))
			return false;
	} else if (r != -EINTR) {
		die("receiving a seccomp notification: %s", strerror((int)-r));
	}
	return true;
}

static void recv_notification(struct sentry *s, struct seccomp_notif *req)
{
	memset(req, 0, s->sizes.seccomp_notif);
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		if (errno == EINTR || errno == ENOENT)
			return;
		die_errno("receiving a seccomp notification");
	}
	dispatch(s, req);
}

static int sentry_loop(struct sentry *s)
{
	if (s->sizes.seccomp_notif == 0 && sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &s->sizes) < 0)
		die_errno("SECCOMP_GET_NOTIF_SIZES");
	struct seccomp_notif *req = xcalloc(1, s->sizes.seccomp_notif);
	/* Keep the guest and the sentry on one CPU for the round trip. */
	uint64_t sync_flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, sync_flags) < 0)
		log_debug("SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: %s", strerror(errno));

	_cleanup_close_ int evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	if (evfd < 0 || ep < 0)
		die_errno("sentry event loop");
	loop_ep = ep;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EV_NOTIF};
	epoll_ctl(ep, EPOLL_CTL_ADD, s->listener, &ev);
	ev.data.u64 = EV_WAKE;
	epoll_ctl(ep, EPOLL_CTL_ADD, evfd, &ev);
	ev.events = EPOLLRDHUP;
	ev.data.u64 = EV_GOFER;
	epoll_ctl(ep, EPOLL_CTL_ADD, s->gofer, &ev);

	bool listener_open = true;
	wait_init(evfd);
	/* Events may have queued before the handler was in place. */
	ptrace_reap(s);
	while (!s->init_exited) {
		/* A guest resumed other than by an answer (ptrace) may hold
		 * an fd from the gofer too. */
		gofer_settle(s);
		if (!deferred_list && listener_open) {
			if (!wait_in_recv(s, req)) {
				epoll_ctl(ep, EPOLL_CTL_DEL, s->listener, NULL);
				listener_open = false;
			}
			continue;
		}
		struct epoll_event evs[8];
		int timeout = deferred_list ? DEFER_TICK_MS : -1;
		int n = 0;
		epoll_armed = 1;
		if (!woken)
			n = epoll_wait(ep, evs, 8, timeout);
		epoll_armed = 0;
		if (n < 0 && errno != EINTR)
			die_errno("epoll_wait");
		if (woken)
			wake_handle(s);
		for (int i = 0; i < n; i++) {
			switch ((uint32_t)evs[i].data.u64) {
			case EV_NOTIF:
				if (evs[i].events & EPOLLIN) {
					recv_notification(s, req);
				} else if (evs[i].events & (EPOLLHUP | EPOLLERR)) {
					/* No task holds the filter any more. */
					epoll_ctl(ep, EPOLL_CTL_DEL, s->listener, NULL);
					listener_open = false;
				}
				break;
			case EV_WAKE: {
				/* The handler's wake-up: handled above. */
				uint64_t count;
				(void)!read(evfd, &count, sizeof(count));
				break;
			}
			case EV_GOFER:
				die("the gofer died; stopping the sandbox");
			case EV_WATCH:
				deferred_ready((int)(evs[i].data.u64 >> 32), evs[i].events);
				break;
			default:
				break;
			}
		}
		if (deferred_list)
			deferred_tick(s);
	}
	(void)listener_open;
	free(req);
	counters_log(syscall_name);
	/* No guest task is left to ask for anything: the gofer sees the end of
	 * its socket and tears its view down while the sentry exits. */
	close(s->gofer);
	s->gofer = -1;
	int st = s->init_status;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

/* ---- the sentry's start ---- */

/* A sandbox id for audit records: 16 random hex digits. */
static void sandbox_id_make(char *buf, size_t size)
{
	uint8_t raw[8] = {0};
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw))
			memset(raw, 0, sizeof(raw));
		close(fd);
	}
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, size - 2 * i, "%02x", raw[i]);
}

static int open_view_dir(struct sentry *s, const char *path, const struct sentry_config *cfg)
{
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_PATH | O_DIRECTORY | O_CLOEXEC};
	struct gofer_resp resp;
	int fd = -1;
	req.uid = cfg->user_set ? cfg->uid : 0;
	req.gid = cfg->user_set ? cfg->gid : 0;
	/* The capabilities the guest's first program starts with: the given
	 * effective set (for a user other than root exec leaves the ambient
	 * ones of it), or root's all. */
	const struct proc_attrs *a = cfg->attrs;
	uint64_t caps = req.uid == 0 ? GOFER_CAPS_FS : 0;
	if (a && a->caps_set)
		caps = a->cap_effective & (req.uid == 0 ? ~0ULL : a->cap_ambient);
	req.caps = (uint32_t)caps & GOFER_CAPS_FS;
	req.path_len = (uint32_t)strlen(path) + 1;
	memcpy(req.data, path, req.path_len);
	int r = gofer_call(s, &req, NULL, 0, &resp, &fd);
	if (r == 0 && fd < 0)
		r = -ENOTDIR;
	return r < 0 ? r : fd;
}

/* The sentry is woken by tasks that wait for it (a guest thread's
 * notification, the gofer's answer) or that carry on without it (a guest
 * thread that took the fd of an ADDFD answer). Neither gains from the
 * sentry preempting the task that woke it: the waiter blocks at once
 * anyway, and the one that carries on would be switched out and back only
 * for the sentry to find nothing to receive yet. SCHED_BATCH skips that
 * wake-up preemption; the sentry's share of the CPU stays a normal task's.
 * The sentry's children (the guest is spawned before this) start as
 * normal tasks (SCHED_RESET_ON_FORK). */
static void batch_scheduling(void)
{
	struct sched_param sp = {.sched_priority = 0};
	if (sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &sp) < 0)
		log_debug("SCHED_BATCH for the sentry: %s", strerror(errno));
}

/* The sentry's own state, from its config. */
static struct sentry *sentry_new(const struct sentry_config *cfg)
{
	struct sentry *s = xcalloc(1, sizeof(*s));
	s->gofer = cfg->gofer_sock;
	s->gofer_pid = cfg->gofer_pid;
	s->gofer_shared = cfg->gofer_shared;
	s->gofer_cpu = -1;
	s->tty_fd = cfg->tty_fd;
	s->init_status = -1;
	s->listener = -1;
	s->guest_procfd = -1;
	s->diag_fd = -1;
	s->policy = cfg->policy;
	s->audit_fd = cfg->audit_fd;
	s->dns_table = cfg->dns_table;
	static const struct sentry_hooks no_hooks;
	s->hooks = cfg->hooks ? cfg->hooks : &no_hooks;
	if (cfg->sandbox_id)
		snprintf(s->sandbox_id, sizeof(s->sandbox_id), "%s", cfg->sandbox_id);
	else
		sandbox_id_make(s->sandbox_id, sizeof(s->sandbox_id));
	/* What the host may change in the view: the volumes (the sentry's
	 * dentry cache never keeps what lies in them). */
	s->volume_paths = cfg->volume_paths;
	s->nvolume_paths = cfg->nvolume_paths;
	s->volumes_known = true;
	snprintf(s->hostname, sizeof(s->hostname), "%s", cfg->hostname);
	/* Linux's name for none, as uname and /proc/sys show it. */
	snprintf(s->domainname, sizeof(s->domainname), "(none)");
	s->unpriv_port_start = 1024;
	return s;
}

/* Runs fn(s, arg) in the network namespace netns_fd names: the sentry
 * enters it and goes back. fn's result, or -errno. */
static int in_netns(struct sentry *s, int netns_fd, int (*fn)(struct sentry *s, void *arg),
		    void *arg)
{
	int own = openat(s->host_procfd, "self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return -errno;
	int r = setns(netns_fd, CLONE_NEWNET) < 0 ? -errno : 0;
	if (r == 0) {
		r = fn(s, arg);
		if (setns(own, CLONE_NEWNET) < 0)
			die_errno("returning to the sentry's network namespace");
	}
	close(own);
	return r;
}

static int read_unpriv_port_start(struct sentry *s, void *arg)
{
	ssize_t n = read_file_at(s->host_procfd, "sys/net/ipv4/ip_unprivileged_port_start", arg);
	return n < 0 ? (int)n : 0;
}

/* A joined network namespace's net.ipv4.ip_unprivileged_port_start, read
 * in that namespace (/proc/sys shows the reader's) through the sentry's fd
 * of the host's /proc. 0 or -errno. */
static int joined_unpriv_port_start(struct sentry *s, int netns_fd)
{
	char *text = NULL;
	int r = in_netns(s, netns_fd, read_unpriv_port_start, &text);
	if (r == 0) {
		char *end;
		unsigned long v = strtoul(text, &end, 10);
		if (end == text || v > 65536)
			r = -EINVAL;
		else
			s->unpriv_port_start = (unsigned int)v;
	}
	free(text);
	return r;
}

static int make_diag_socket(struct sentry *s, void *arg)
{
	(void)arg;
	s->diag_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	return s->diag_fd < 0 ? -errno : 0;
}

/* The sock_diag socket through which the sentry asks which socket file a
 * guest unix socket accept(2) made shares with its listener (syscalls/
 * net.c): made in the guest's network namespace (the one it joins, or the
 * one its init was made in), since sock_diag answers about the asking
 * socket's namespace alone. Without it such a socket's getsockname(2)
 * shows the last component of its listener's path. */
static void guest_diag_socket(struct sentry *s, int netns_fd, pid_t init)
{
	char path[64];
	snprintf(path, sizeof(path), "%d/ns/net", (int)init);
	int fd = netns_fd >= 0 ? netns_fd : openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? -errno : in_netns(s, fd, make_diag_socket, NULL);
	if (r < 0)
		log_debug("a sock_diag socket in the guest's network namespace: %s", strerror(-r));
	if (fd >= 0 && fd != netns_fd)
		close(fd);
}

/* The sentry's start: its /proc, the guest (its command waits for the
 * loop), the view's root and cwd, the sentry isolated under its filter.
 * Returns the guest init's host pid, or -errno with err filled. */
static pid_t sentry_start(struct sentry *s, const struct sentry_config *cfg, struct rc_error *err)
{
	s->host_procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->host_procfd < 0)
		return rc_error_set_errno(err, errno, "opening /proc");
	int r = procfs_init(s, cfg->masks);
	if (r < 0)
		return rc_error_set(err, -r, "setting up the sandbox's /proc");
	if (cfg->netns_fd >= 0) {
		r = joined_unpriv_port_start(s, cfg->netns_fd);
		if (r < 0)
			return rc_error_set_errno(err, -r,
						  "reading the joined network namespace's "
						  "ip_unprivileged_port_start");
	}
	struct guest_config gc = {
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
		.hostname = cfg->hostname,
		.netns_fd = cfg->netns_fd,
		.ipcns_fd = cfg->ipcns_fd,
		.preserve_fds = cfg->preserve_fds,
		.listen_pid = cfg->listen_pid,
		.tty = cfg->tty_fd >= 0,
		.control_fd = cfg->control_fd,
		.hold_fd = cfg->report_fd,
	};
	for (int i = 0; i < 3; i++)
		gc.stdio[i] = cfg->tty_fd >= 0 ? cfg->tty_fd : i;
	/* The guest's namespaces are made while the gofer may still be
	 * building the view; its command runs only once the loop runs. */
	char msg[sizeof(err->msg)] = "";
	pid_t init = guest_spawn(s, &gc, msg, sizeof(msg));
	if (init > 0)
		guest_diag_socket(s, cfg->netns_fd, init);
	if (cfg->control_fd >= 0)
		close(cfg->control_fd);
	if (cfg->netns_fd >= 0)
		close(cfg->netns_fd);
	if (cfg->ipcns_fd >= 0)
		close(cfg->ipcns_fd);
	if (cfg->preserve_fds)
		syscall(SYS_close_range, 3, 2 + cfg->preserve_fds, 0);
	if (init < 0)
		return rc_error_set(err, EIO, "starting the guest: %s", msg);
	r = sentry_sysctls_apply(s, cfg->sysctls, cfg->nsysctls, init, err);
	if (r < 0)
		return r;
	/* The sentry holds fds per guest task (its cwd's directory, a pidfd),
	 * so the guest's pids limit rather than the caller's RLIMIT_NOFILE
	 * bounds what it needs: its soft limit goes up to the hard one (the
	 * guest, spawned before, keeps the caller's). A sentry out of fds
	 * still answers the call that needed one, with ENOMEM
	 * (sentry_fd_errno). */
	r = nofile_limit_raise(NULL);
	if (r < 0)
		log_debug("raising the sentry's RLIMIT_NOFILE: %s", strerror(-r));
	batch_scheduling();
	s->root_fd = open_view_dir(s, "/", cfg);
	if (s->root_fd < 0)
		return rc_error_set_errno(err, -s->root_fd, "opening the view's root");
	int cwd_fd = open_view_dir(s, cfg->cwd, cfg);
	if (cwd_fd < 0)
		return rc_error_set_errno(err, -cwd_fd, "--cwd %s", cfg->cwd);
	struct task *it = task_get(s, init);
	it->fs = fsinfo_new(cwd_fd);
	/* The guest holds its own stdio now. */
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	}
	if (sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &s->sizes) < 0)
		return rc_error_set_errno(err, errno, "SECCOMP_GET_NOTIF_SIZES");
	r = sentry_isolate();
	if (r < 0)
		return rc_error_set_errno(err, -r, "isolating the sentry");
	r = sentry_filter_install();
	if (r < 0)
		return rc_error_set_errno(err, -r, "the sentry's seccomp filter");
	return init;
}

_Noreturn void sentry_run(const struct sentry_config *cfg)
{
	struct sentry *s = sentry_new(cfg);
	struct rc_error err;
	pid_t init = sentry_start(s, cfg, &err);
	if (init < 0) {
		/* The error goes to whoever started the sandbox, as one
		 * message on the report socket; printed as die() would where
		 * that fails. */
		if (write(cfg->report_fd, &err, sizeof(err)) != (ssize_t)sizeof(err))
			rc_error_print(&err, log_prefix, stderr);
		_exit(125);
	}
	(void)!write(cfg->report_fd, &init, sizeof(init));
	close(cfg->report_fd);
	_exit(sentry_loop(s));
}
