/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c-serve (`runsc-c serve`): the sandbox service's daemon.
 *
 *	--listen unix:PATH | tcp:ADDR:PORT   where to take requests
 *	--token-file FILE                    a bearer token every request
 *	                                     must carry; required for tcp:
 *	--config FILE                        the YAML config (config.c)
 *
 * It runs until SIGTERM, SIGINT or SIGHUP, then ends every sandbox and
 * waits for them. Sandboxes do not outlive the daemon: a monitor ends its
 * sandbox when its connection to the daemon hangs up, so a daemon that is
 * killed takes its sandboxes with it (docs/api.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "sandbox/sandbox.h"

static int log_out = STDERR_FILENO;

void serve_log(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dprintf(log_out, "runsc-c serve: %s\n", msg);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: runsc-c serve --listen unix:PATH | tcp:ADDR:PORT [--token-file FILE]\n"
		     "                     [--config FILE]\n"
		     "\n"
		     "The sandbox service: an HTTP/1.1 + JSON API (docs/api.md).\n"
		     "  --listen unix:PATH      a unix socket (mode 0600)\n"
		     "  --listen tcp:ADDR:PORT  TCP; needs --token-file\n"
		     "  --token-file FILE       requests must carry Authorization: Bearer TOKEN\n"
		     "                          (FILE must not be readable by group or others)\n"
		     "  --config FILE           YAML: pool: {size: N}, max_sandboxes: N,\n"
		     "                          template: {policy: NAME, limits: {...}},\n"
		     "                          templates: {NAME: {policy, limits, pool}}\n");
}

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "runsc-c serve: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static char *read_token(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		usage_error("--token-file: %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		usage_error("--token-file: %s: not a regular file", path);
	if (st.st_mode & 077)
		usage_error("--token-file: %s: readable by group or others (chmod 600 it)", path);
	char buf[4097];
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		usage_error("--token-file: %s: %s", path, strerror(errno));
	if (n == (ssize_t)sizeof(buf))
		usage_error("--token-file: %s: longer than 4096 bytes", path);
	while (n > 0 && strchr(" \t\r\n", buf[n - 1]))
		n--;
	buf[n] = 0;
	if (n < 16)
		usage_error("--token-file: %s: the token must have at least 16 characters", path);
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
			usage_error("--token-file: %s: the token must be one word of printable "
				    "characters",
				    path);
	return xstrdup(buf);
}

/* Open files the daemon keeps besides one per sandbox: its listening
 * socket, log and threads' fds, and the requests under way (a
 * connection, and for an exec or a file transfer four more). */
#define FD_RESERVE 512

/* The daemon holds a control connection per sandbox: its soft
 * RLIMIT_NOFILE goes up to the hard one, which must leave room for
 * max_sandboxes and the requests. The soft limit it was started with is
 * returned (the monitors set it back for the sandboxes). */
static unsigned long nofile_raise(unsigned max_sandboxes)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		usage_error("RLIMIT_NOFILE: %s", strerror(errno));
	unsigned long start = (unsigned long)rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		usage_error("raising RLIMIT_NOFILE to %llu: %s", (unsigned long long)rl.rlim_max,
			    strerror(errno));
	if (rl.rlim_max != RLIM_INFINITY &&
	    (unsigned long long)rl.rlim_max < (unsigned long long)max_sandboxes + FD_RESERVE)
		usage_error("max_sandboxes %u needs %u open files and RLIMIT_NOFILE allows %llu: "
			    "lower max_sandboxes or raise the hard limit (ulimit -Hn)",
			    max_sandboxes, max_sandboxes + FD_RESERVE,
			    (unsigned long long)rl.rlim_max);
	return start;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (!*path || strlen(path) >= sizeof(a.sun_path))
		usage_error("--listen unix:%s: the path must have 1 to %zu bytes", path,
			    sizeof(a.sun_path) - 1);
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		usage_error("socket: %s", strerror(errno));
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			usage_error("--listen unix:%s: exists and is not a socket", path);
		/* A socket another daemon still serves is not taken over. */
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			usage_error("--listen unix:%s: another service listens there", path);
		unlink(path);
	}
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, 4096) < 0)
		usage_error("--listen unix:%s: %s", path, strerror(errno));
	return fd;
}

static int listen_tcp(const char *spec, char *shown, size_t shown_size)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host))
		usage_error("--listen tcp:%s: expected tcp:ADDR:PORT", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = 0;
		h++;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE},
			*ai;
	int r = getaddrinfo(h, colon + 1, &hints, &ai);
	if (r != 0)
		usage_error("--listen tcp:%s: %s (a numeric address and port)", spec,
			    gai_strerror(r));
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 4096) < 0)
		usage_error("--listen tcp:%s: %s", spec, strerror(errno));
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char hb[NI_MAXHOST], pb[NI_MAXSERV];
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, hb, sizeof(hb), pb, sizeof(pb),
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(shown, shown_size, "tcp:%s%s%s:%s", ss.ss_family == AF_INET6 ? "[" : "",
			 hb, ss.ss_family == AF_INET6 ? "]" : "", pb);
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"token-file", required_argument, NULL, 't'},
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *listen_spec = NULL, *token_file = NULL, *config_file = NULL;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen_spec = optarg;
			break;
		case 't':
			token_file = optarg;
			break;
		case 'c':
			config_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "runsc-c serve: '%s': unknown flag or missing value\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		usage_error("'%s': unexpected argument", argv[optind]);
	if (!listen_spec)
		usage_error("--listen unix:PATH or tcp:ADDR:PORT is required");
	bool tcp = strncmp(listen_spec, "tcp:", 4) == 0;
	if (!tcp && strncmp(listen_spec, "unix:", 5) != 0)
		usage_error("--listen %s: expected unix:PATH or tcp:ADDR:PORT", listen_spec);
	if (tcp && !token_file)
		usage_error(
			"--listen %s: TCP needs --token-file (remote callers must authenticate)",
			listen_spec);

	/* The route out's variables, read by every egress sandbox the service
	 * makes: a bad value stops the service now, as it stops runsc-c do. */
	struct rc_error err;
	if (sandbox_net_env_check(&err) < 0)
		usage_error("%s", err.msg);

	static struct serve_config cfg = {
		.max_sandboxes = 256, .tmpl = {{.name = "default"}}, .ntmpl = 1};
	if (config_file && serve_config_load(config_file, &cfg) < 0)
		return 2;
	char *token = token_file ? read_token(token_file) : NULL;
	unsigned long nofile = nofile_raise(cfg.max_sandboxes);

	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		usage_error("/proc/self/exe: %s", strerror(errno));
	self[n] = 0;
	char *slash = strrchr(self, '/');
	char *runsc;
	xasprintf(&runsc, "%.*s/runsc-c", (int)(slash - self), self);
	if (access(runsc, X_OK) < 0)
		usage_error("%s: %s (runsc-c-serve runs the runsc-c beside it)", runsc,
			    strerror(errno));

	char shown[NI_MAXHOST + NI_MAXSERV + 16];
	snprintf(shown, sizeof(shown), "%s", listen_spec);
	int lfd = tcp ? listen_tcp(listen_spec + 4, shown, sizeof(shown))
		      : listen_unix(listen_spec + 5);

	/* Signals: SIGPIPE ignored (a client that went is an error on its
	 * socket), the ending ones taken by sigwait below only. */
	signal(SIGPIPE, SIG_IGN);
	sigset_t ending;
	sigemptyset(&ending);
	sigaddset(&ending, SIGTERM);
	sigaddset(&ending, SIGINT);
	sigaddset(&ending, SIGHUP);
	sigaddset(&ending, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &ending, NULL);
	sigdelset(&ending, SIGCHLD);

	log_out = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
	if (log_out < 0)
		usage_error("stderr: %s", strerror(errno));
	sbx_init(runsc, log_out, &cfg, nofile);
	char *msg = NULL;
	struct serve_http *h = http_start(lfd, token, &cfg, &msg);
	if (!h)
		usage_error("%s", msg);
	serve_log("listening on %s (pool size %u, %u templates, at most %u sandboxes)", shown,
		  cfg.tmpl[0].pool_size, cfg.ntmpl, cfg.max_sandboxes);
	int sig = 0;
	sigwait(&ending, &sig);
	serve_log("%s: ending every sandbox", strsignal(sig));
	sbx_shutdown();
	http_stop(h);
	close(lfd);
	if (!tcp)
		unlink(listen_spec + 5);
	serve_log("stopped");
	return 0;
}
