/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer's life: build the view, lock down, tell the parent it is ready,
 * then answer the sentry's requests one message at a time until the sentry
 * hangs up. Single-threaded by design: the per-request credential switches
 * (setfsuid and friends) are per thread, and one request at a time keeps
 * them exact. */
#include "gofer/gofer.h"

#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/gofer_shared.h"
#include "common/util.h"
#include "gofer/creds.h"

/* "what failed: why" on the ready pipe, then exit 1. */
static _Noreturn void fail_ready(int ready_fd, const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s\n", msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (ready_fd < 0 || write_all(ready_fd, line, (size_t)n) < 0)
		log_msg("%s", msg);
	_exit(1);
}

/* A setup step that failed with -errno err: "what: why", as the view's
 * steps report theirs. */
static _Noreturn void fail_step(int ready_fd, const char *what, int err)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(-err));
	fail_ready(ready_fd, msg);
}

/* Only what serving requests needs: acting as the guest's ids (and as the
 * guest's root over the view), and read leases on files it does not own.
 * Mount and namespace powers go with the view being built. */
static int drop_capabilities(void)
{
	static const int keep[] = {
		CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
		CAP_FSETID, CAP_SETGID,	      CAP_SETUID,	   CAP_LEASE,
	};
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {0};
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

/* The gofer needs its socket, the ready pipe, stderr and the learn log: an fd inherited
 * by accident must not reach into the host. */
static void close_other_fds(const struct gofer_config *cfg)
{
	int keep[3] = {cfg->sock, cfg->ready_fd, cfg->learn ? cfg->learn_fd : -1};
	for (size_t i = 1; i < ARRAY_SIZE(keep); i++) {
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	}
	unsigned int from = 3;
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		if (keep[i] < 0 || (unsigned int)keep[i] < from)
			continue;
		if ((unsigned int)keep[i] > from)
			close_range(from, (unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static _Noreturn void serve(struct gofer_state *st, int sock, struct gofer_shared *shared)
{
	/* One byte more than the largest request, to notice a longer one. */
	size_t req_size = sizeof(struct gofer_req) + 1;
	struct gofer_req *req = xmalloc(req_size);
	struct gofer_resp *resp = xmalloc(sizeof(*resp));

	for (;;) {
		int fds[4];
		int nfds = 0;
		ssize_t n = recv_msg_fds(sock, req, req_size, fds, (int)ARRAY_SIZE(fds), &nfds);
		if (n == 0)
			_exit(0);
		if (n < 0 && n != -EPROTO)
			_exit(n == -ECONNRESET ? 0 : 1);

		size_t out;
		int fd_out = -1;
		if (n < 0 || (size_t)n >= req_size) {
			memset(resp, 0, GOFER_RESP_HDR_SIZE);
			resp->err = -EPROTO;
			out = GOFER_RESP_HDR_SIZE;
		} else {
			out = gofer_handle(st, req, (size_t)n, fds, nfds, resp, &fd_out);
		}
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (fd_out >= 0)
			gofer_shared_sent(shared);
		int r = send_msg_fds(sock, resp, out, &fd_out, fd_out >= 0 ? 1 : 0);
		if (fd_out >= 0) {
			close(fd_out);
			gofer_shared_released(shared);
		}
		if (r == -EPIPE || r == -ECONNRESET)
			_exit(0);
		if (r < 0)
			_exit(1);
	}
}

_Noreturn void gofer_main(const struct gofer_config *cfg)
{
	/* A gofer without its sandbox serves no one. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The terminal's signals are for the guest (the CLI forwards them); a
	 * gofer killed or stopped by them would take the sandbox's files along.
	 * SIGXFSZ comes with a truncate past the guest's RLIMIT_FSIZE, which the
	 * gofer applies to itself for the call (GOP_TRUNCATE). */
	static const int ignored[] = {SIGPIPE, SIGINT,	SIGQUIT, SIGHUP,
				      SIGTSTP, SIGTTIN, SIGTTOU, SIGXFSZ};
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		signal(ignored[i], SIG_IGN);
	/* Modes in requests are final: the sentry applies the guest's umask. */
	umask(0);
	/* Sending an fd fails (ETOOMANYREFS) while the fds in flight of the
	 * gofer's user, host-wide, exceed its soft RLIMIT_NOFILE: the caller's
	 * (256 in a shell that lowered it) would let other processes of that
	 * user end the sandbox by keeping fds in flight. */
	int raise = nofile_limit_raise(NULL);
	if (raise < 0)
		log_debug("raising the gofer's RLIMIT_NOFILE: %s", strerror(-raise));
	close_other_fds(cfg);

	struct gofer_state st = {
		.root_fd = -1, .checked_fd = -1, .mounts_fd = -1, .sys_lock_fd = -1};
	char err[1024];
	int r = gofer_view_build(cfg, &st, err, sizeof(err));
	if (r < 0)
		fail_ready(cfg->ready_fd, err);
	r = drop_capabilities();
	if (r < 0)
		fail_step(cfg->ready_fd, "dropping the gofer's capabilities", r);
	r = creds_init(&st);
	if (r < 0)
		fail_step(cfg->ready_fd, "reading the gofer's capabilities", r);
	r = gofer_self_filter_apply();
	if (r < 0)
		fail_step(cfg->ready_fd, "installing the gofer's seccomp filter", r);
	if (cfg->ready_fd >= 0) {
		if (write(cfg->ready_fd, "", 0) < 0 || close(cfg->ready_fd) < 0)
			_exit(1);
	}
	serve(&st, cfg->sock, cfg->shared);
}
