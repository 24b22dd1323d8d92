/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c serve-monitor ID DO-FLAGS -- HOLDER`: one sandbox of the
 * sandbox service (serve.h has the protocol). The sandbox is made exactly
 * as `runsc-c do` makes one from the same flags (policy, limits); its
 * command is the idle holder, the guest init's idle builtin (HOLDER is
 * its name), and every user command is an exec served by the OCI
 * monitor's code (oci_exec_adopt), all in the library's loop. */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/exec_proto.h"
#include "common/util.h"
#include "runsc-c/do.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/serve/serve.h"

static int timer_fd = -1;
static bool ending;

static void end_sandbox(struct sandbox *sb)
{
	if (ending)
		return;
	ending = true;
	/* The guest's init forwards it to the holder: the command ends, and
	 * with it the guest's pid namespace and every exec'd process. */
	sandbox_kill(sb, SIGKILL, NULL);
}

static void on_timer(struct sandbox *sb, int fd, void *arg)
{
	(void)arg;
	uint64_t n;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	sandbox_unwatch(sb, fd);
	end_sandbox(sb);
}

static void claim(struct sandbox *sb, const char *text)
{
	char *end;
	double s = strtod(text, &end);
	if (*end || !(s > 0) || s > 1e9 || timer_fd >= 0)
		return;
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec it = {.it_value = {.tv_sec = (time_t)s,
					     .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)}};
	if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0)
		it.it_value.tv_nsec = 1;
	if (timer_fd < 0 || timerfd_settime(timer_fd, 0, &it, NULL) < 0 ||
	    sandbox_watch(sb, timer_fd, on_timer, NULL, NULL) < 0)
		end_sandbox(sb); /* a timeout that cannot be kept ends it now */
}

static void on_control(struct sandbox *sb, int fd, void *arg)
{
	(void)arg;
	char buf[64];
	int fds[1];
	int nfds = 0;
	ssize_t n = recv_msg_fds(fd, buf, sizeof(buf) - 1, fds, 1, &nfds);
	if (n == -EAGAIN || n == -EINTR)
		return;
	if (n <= 0) {
		/* The daemon deleted the sandbox, or is gone. */
		sandbox_unwatch(sb, fd);
		end_sandbox(sb);
		return;
	}
	buf[n] = 0;
	if (buf[0] == SERVE_EXEC && nfds == 1) {
		oci_exec_adopt(sb, fds[0], true);
		return;
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	if (buf[0] == SERVE_CLAIM)
		claim(sb, buf + 1);
}

/* SERVE_READY and what an exec gets by default. */
static int send_ready(const struct sandbox_config *cfg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *env = json_object_new_array();
	for (char **e = cfg->envp; *e; e++)
		json_object_array_add(env, json_object_new_string(*e));
	json_object_object_add(o, "env", env);
	json_object_object_add(o, "cwd", json_object_new_string(cfg->cwd ? cfg->cwd : "/"));
	size_t n;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);
	int r = -E2BIG;
	if (n + 1 <= SERVE_MSG_MAX) {
		char *msg = xmalloc(n + 1);
		msg[0] = SERVE_READY;
		memcpy(msg + 1, text, n);
		r = send(SERVE_CTL_FD, msg, n + 1, MSG_NOSIGNAL) < 0 ? -errno : 0;
		free(msg);
	}
	json_object_put(o);
	return r;
}

/* --nofile=N: the soft RLIMIT_NOFILE to set back (serve.h). */
static bool nofile_restore(const char *arg)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(arg, &end, 10);
	struct rlimit rl;
	if (!*arg || *end || errno || getrlimit(RLIMIT_NOFILE, &rl) < 0 || n > rl.rlim_max)
		return false;
	rl.rlim_cur = (rlim_t)n;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

int cmd_serve_monitor(int argc, char **argv)
{
	if (argc < 4 || !oci_id_valid(argv[1]) || strncmp(argv[2], "--nofile=", 9) != 0 ||
	    !nofile_restore(argv[2] + 9)) {
		fprintf(stderr, "runsc-c serve-monitor: started by runsc-c serve only\n");
		return 2;
	}
	/* The id stands where do_parse expects "do", after --nofile. */
	argv[2] = argv[1];
	argc--;
	argv++;
	setsid();
	static struct do_opts o;
	struct sandbox_config cfg;
	/* argv[1] (the id) stands where do_parse expects "do". */
	do_parse(&o, argc - 1, argv + 1);
	do_config(&o, &cfg);
	cfg.id = argv[1];
	cfg.terminal = false;
	cfg.exec_terminals = true; /* execs with "tty": true */
	cfg.timeout_s = 0;
	/* Every process of a service sandbox runs as 0:0 with group 0 alone,
	 * as `docker exec` gives root in a Debian image and as each exec asks
	 * (exec.c): named here, the guest's init takes those groups once
	 * (guest/init.c), so that no exec changes its groups, a call the
	 * sentry traces. The service's own groups never reach a sandbox. */
	cfg.user_set = true;
	cfg.uid = 0;
	cfg.gid = 0;
	cfg.groups = NULL;
	cfg.ngroups = 0;
	/* The holder is init's idle builtin: the view needs no program. */
	cfg.builtin = EXEC_BUILTIN_IDLE;

	struct sandbox *sb = NULL;
	struct rc_error err;
	int r = sandbox_create(&cfg, &sb, &err);
	if (r == 0)
		r = sandbox_start(sb, &err);
	if (r == 0 && sandbox_watch(sb, SERVE_CTL_FD, on_control, NULL, &err) < 0)
		r = -1;
	if (r == 0 && send_ready(&cfg) < 0)
		r = rc_error_set(&err, EPIPE, "the service is gone");
	if (r < 0) {
		fprintf(stderr, "runsc-c: %s\n", err.msg);
		sandbox_destroy(sb);
		return 125;
	}
	/* From now on the daemon no longer reads our stderr: its log does. */
	dup2(SERVE_LOG_FD, STDERR_FILENO);
	close(SERVE_LOG_FD);
	struct sandbox_status status;
	r = sandbox_wait(sb, &status, &err);
	oci_exec_serve_end(sb);
	sandbox_destroy(sb);
	if (timer_fd >= 0)
		close(timer_fd);
	return r < 0 ? 125 : 0;
}

int cmd_serve(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("runsc-c serve: /proc/self/exe");
		return 125;
	}
	self[n] = 0;
	char *slash = strrchr(self, '/');
	_cleanup_free_ char *daemon = NULL;
	xasprintf(&daemon, "%.*s/runsc-c-serve", (int)(slash - self), self);
	argv[0] = daemon;
	(void)argc;
	execv(daemon, argv);
	fprintf(stderr, "runsc-c serve: %s: %s\n", daemon, strerror(errno));
	return 125;
}
