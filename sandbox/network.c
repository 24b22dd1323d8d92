/* SPDX-License-Identifier: Apache-2.0 */
/* The route out of a sandbox whose policy's network mode is egress: one
 * pasta (Debian's passt) per sandbox, attached to the guest's network
 * namespace before the guest runs anything, killed with the sandbox. Where
 * pasta is not installed, slirp4netns takes its place (or where
 * RUNSC_C_NET_ENGINE=slirp4netns asks for it; =pasta insists on pasta;
 * any other value is refused before anything starts: sandbox_net_env_check,
 * which runsc-c do calls while it reads its flags).
 *
 * Order: the sentry creates the guest's namespaces; its guest_attach hook
 * (wrapped here around the cgroup one) sends the init's host pid to the
 * library and waits; the library starts pasta on that namespace, waits
 * until pasta has configured it (pasta writes its pid file then), and
 * answers; only then does the guest's command start. Once pasta is up,
 * the sandbox's DNS resolver (resolver.c) starts on the same namespace,
 * with the table of bindings made here before the sentry's fork: shared
 * with the resolver, read-only in the sentry. With mode none nothing of
 * this runs: the namespace keeps only loopback.
 *
 * pasta gives the namespace an interface with the host's addresses, a
 * default route, IPv4 and IPv6. Port forwarding from the namespace to the
 * host is off (-T/-U none: nothing of the host's loopback is mapped in);
 * from the host into the namespace pasta forwards exactly the config's
 * published ports (-t/-u with their specs) and nothing else (-t none,
 * -u none: pasta's own default would be to follow the guest's listeners,
 * and to mirror TCP forwards on UDP). Each published host socket is tried
 * here first, because pasta only warns about a port it cannot bind (and
 * takes what it can: the IPv6 half of a port whose IPv4 half is busy). The
 * gateway is not mapped to the host
 * (--no-map-gw), so the host's own loopback is not reachable. pasta
 * answers a connect the host refuses with a reset the guest's kernel drops
 * (it lacks the ACK flag); a classifier on the namespace's interface
 * (netlink_refusals_pass) adds the flag, so the guest's connect fails with
 * ECONNREFUSED at once, as with a route of its own.
 *
 * slirp4netns (--configure) gives the namespace a tap0 with 10.0.2.100/24
 * and the gateway 10.0.2.2; IPv6 (fd00::100/64, the gateway fd00::2) is
 * set here before the guest runs (slirp_ipv6); its own DNS forwarder
 * (--disable-dns) and the gateway's way to the host's loopback
 * (--disable-host-loopback) are off, it forwards nothing into the
 * namespace, and it cannot publish ports here (a published port then
 * stops network_prepare: the host cannot carry it out). It writes its ready fd once the namespace
 * is configured, where pasta writes its pid file. Either engine runs as a child of the library with
 * PR_SET_PDEATHSIG (it stays root: dropping to another user would clear the death signal), so a
 * kill -9 of runsc-c takes it along; every other exit path kills it (and the resolver) in
 * sandbox_destroy. Which
 * destinations a guest may reach is the sentry's decision on every connect
 * and send (syscalls/net*.c). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "common/compat.h"
#include "common/dns_bind.h"
#include "common/publish.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sandbox/internal.h"
#include "sentry/sentry.h"

/* How long the engine may take to configure the namespace. */
#define ENGINE_READY_MS 10000

enum net_engine { ENGINE_PASTA, ENGINE_SLIRP4NETNS };
static const char *const engine_name[] = {"pasta", "slirp4netns"};
static const char *const engine_package[] = {"passt", "slirp4netns"};

struct network {
	int req[2]; /* sentry -> library: the init's host pid */
	int ack[2]; /* library -> sentry: "" when the route is up, else why not */
	pid_t engine_pid;
	pid_t resolver_pid;
	/* Their pidfds: the supervisor may have reaped one that died early,
	 * and a pid alone could name another process by the end. */
	int engine_pidfd, resolver_pidfd;
	struct dns_bind_table *dns; /* shared with the resolver (sandbox/resolver.c) */
	/* The hooks the sentry runs: the cgroups' ones, then the route's. */
	struct sentry_hooks hooks;
	const struct sentry_hooks *inner;
	/* The engine's command line, made before any fork. */
	enum net_engine engine;
	char *engine_file; /* where it is: PATH was searched before the fork */
	char **engine_argv;
	size_t engine_argc;
};

static bool egress(const struct sandbox *sb)
{
	return sb->cfg->policy && policy_net_mode(sb->cfg->policy) == POLICY_NET_EGRESS;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
}

static void argv_add(struct network *n, const char *arg)
{
	n->engine_argv = realloc(n->engine_argv, (n->engine_argc + 2) * sizeof(char *));
	if (!n->engine_argv)
		die("out of memory");
	n->engine_argv[n->engine_argc++] = xstrdup(arg);
	n->engine_argv[n->engine_argc] = NULL;
}

/* -t and -u: each published port of the protocol, or none. */
static void argv_forwards(struct network *n, const struct sandbox_config *cfg, int proto)
{
	bool any = false;
	for (size_t i = 0; i < cfg->npublish; i++) {
		char spec[PUBLISH_TEXT_MAX];
		if (cfg->publish[i].proto != proto)
			continue;
		publish_pasta_spec(&cfg->publish[i], spec, sizeof(spec));
		argv_add(n, proto == IPPROTO_UDP ? "-u" : "-t");
		argv_add(n, spec);
		any = true;
	}
	if (!any) {
		argv_add(n, proto == IPPROTO_UDP ? "-u" : "-t");
		argv_add(n, "none");
	}
}

/* fd 3 is the guest's namespace, fd 4 the ready pipe (see engine_exec). */
static void slirp_argv_build(struct network *n)
{
	static const char *const args[] = {
		"slirp4netns",	   "--configure",   "--mtu=65520",  "--disable-host-loopback",
		"--disable-dns",   "--enable-ipv6", "--ready-fd=4", "--netns-type=path",
		"/proc/self/fd/3", "tap0"};
	for (size_t i = 0; i < ARRAY_SIZE(args); i++)
		argv_add(n, args[i]);
}

/* Where prog is in PATH (as execvp would search it), into file; false if
 * it is in none of its directories. */
static bool in_path(const char *prog, char *file, size_t size)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (const char *p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		if (len && snprintf(file, size, "%.*s/%s", (int)len, p, prog) < (int)size &&
		    access(file, X_OK) == 0)
			return true;
		p += len + (colon ? 1 : 0);
	}
	return false;
}

/* The engine RUNSC_C_NET_ENGINE names into *out (*set false where it is
 * unset or empty). */
static int engine_named(enum net_engine *out, bool *set, struct rc_error *err)
{
	const char *v = getenv("RUNSC_C_NET_ENGINE");
	*set = v && *v;
	if (!*set)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(engine_name); i++) {
		if (strcmp(v, engine_name[i]) == 0) {
			*out = (enum net_engine)i;
			return 0;
		}
	}
	return rc_error_set(err, EINVAL,
			    "RUNSC_C_NET_ENGINE: expected pasta or slirp4netns, got '%s'", v);
}

int sandbox_net_env_check(struct rc_error *err)
{
	enum net_engine engine;
	struct in_addr up;
	bool set;
	int r = engine_named(&engine, &set, err);
	return r < 0 ? r : resolver_upstream(&up, &set, err);
}

/* The engine and its file: RUNSC_C_NET_ENGINE's, else pasta where
 * installed, else slirp4netns where installed. None: an error naming
 * both and their Debian packages. */
static int engine_pick(enum net_engine *out, char *file, size_t size, struct rc_error *err)
{
	bool set;
	int r = engine_named(out, &set, err);
	if (r < 0)
		return r;
	if (set) {
		if (in_path(engine_name[*out], file, size))
			return 0;
		return rc_error_set(err, ENOENT,
				    "RUNSC_C_NET_ENGINE=%s: %s (Debian package %s) is not "
				    "installed: it is in no directory of PATH",
				    engine_name[*out], engine_name[*out], engine_package[*out]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(engine_name); i++) {
		if (in_path(engine_name[i], file, size)) {
			*out = (enum net_engine)i;
			return 0;
		}
	}
	return rc_error_set(err, ENOENT,
			    "network mode egress needs a route out: pasta (Debian package passt) "
			    "or slirp4netns (Debian package slirp4netns), and neither is "
			    "installed: they are in no directory of PATH");
}

static void pasta_argv_build(struct network *n, const struct sandbox_config *cfg)
{
	static const char *const head[] = {"pasta",	   "--config-net", "--no-map-gw", "--quiet",
					   "--foreground", "--runas",	   "0",		  "-T",
					   "none",	   "-U",	   "none"};
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		argv_add(n, head[i]);
	argv_forwards(n, cfg, IPPROTO_TCP);
	argv_forwards(n, cfg, IPPROTO_UDP);
	static const char *const tail[] = {"--pid", "/proc/self/fd/4", "--netns", "/proc/self/fd/3",
					   "--netns-only"};
	for (size_t i = 0; i < ARRAY_SIZE(tail); i++)
		argv_add(n, tail[i]);
}

/* How the caller named published port i, for messages. */
static const char *publish_name(const struct sandbox_config *cfg, size_t i, char *buf, size_t size)
{
	if (cfg->publish_names && cfg->publish_names[i])
		return cfg->publish_names[i];
	char text[PUBLISH_TEXT_MAX];
	publish_format(&cfg->publish[i], text, sizeof(text));
	snprintf(buf, size, "publishing %s", text);
	return buf;
}

/* Binds the host socket published port i needs, and lets it go: a port
 * that is taken (or privileged, for a caller without the right), or an
 * address the host does not have, is a clear error now rather than a
 * forward pasta silently leaves out. Every address: the IPv6 wildcard
 * without IPV6_V6ONLY (both halves), or the IPv4 one on a host without
 * IPv6. */
static int publish_try(const struct sandbox_config *cfg, size_t i, struct rc_error *err)
{
	const struct publish *p = &cfg->publish[i];
	int type = p->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int family = p->family ? p->family : AF_INET6;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (fd < 0 && p->family == 0 && errno == EAFNOSUPPORT)
		fd = socket(family = AF_INET, type | SOCK_CLOEXEC, 0);
	char buf[PUBLISH_TEXT_MAX + 16];
	const char *name = publish_name(cfg, i, buf, sizeof(buf));
	if (fd < 0)
		return rc_error_set_errno(err, errno, "%s: socket", name);
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p->host_port);
		if (p->family)
			memcpy(&in6->sin6_addr, p->addr, 16);
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(p->host_port);
		if (p->family)
			memcpy(&in->sin_addr, p->addr, 4);
		len = sizeof(*in);
	}
	int r = bind(fd, (struct sockaddr *)&ss, len);
	if (r == 0 && type == SOCK_STREAM)
		r = listen(fd, 1);
	int e = errno;
	close(fd);
	if (r == 0)
		return 0;
	const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
	if (e == EADDRNOTAVAIL) {
		char a[INET6_ADDRSTRLEN] = "?";
		inet_ntop(p->family, p->addr, a, sizeof(a));
		return rc_error_set_errno(err, e, "%s: %s is not an address of this host", name, a);
	}
	if (e == EADDRINUSE)
		return rc_error_set_errno(err, e, "%s: host port %u/%s is taken", name,
					  p->host_port, proto);
	return rc_error_set_errno(err, e, "%s: host port %u/%s cannot be taken", name, p->host_port,
				  proto);
}

int network_prepare(struct sandbox *sb, struct rc_error *err)
{
	if (sb->cfg->npublish && !egress(sb))
		return rc_error_set(err, EINVAL,
				    "publishing ports needs the policy's network mode egress "
				    "(with mode none the sandbox has no route to the host)");
	if (!egress(sb) || sb->net)
		return 0;
	enum net_engine engine = ENGINE_PASTA;
	char file[4096];
	int r = engine_pick(&engine, file, sizeof(file), err);
	if (r < 0)
		return r;
	if (engine == ENGINE_SLIRP4NETNS && sb->cfg->npublish) {
		char buf[PUBLISH_TEXT_MAX + 16];
		return rc_error_set(err, EOPNOTSUPP,
				    "%s: the route out here is slirp4netns, which cannot publish "
				    "ports; publishing needs pasta (Debian package passt)",
				    publish_name(sb->cfg, 0, buf, sizeof(buf)));
	}
	for (size_t i = 0; i < sb->cfg->npublish; i++) {
		r = publish_try(sb->cfg, i, err);
		if (r < 0)
			return r;
	}
	struct network *n = xcalloc(1, sizeof(*n));
	n->req[0] = n->req[1] = n->ack[0] = n->ack[1] = -1;
	n->engine_pidfd = n->resolver_pidfd = -1;
	sb->net = n;
	n->engine = engine;
	n->engine_file = xstrdup(file);
	if (engine == ENGINE_SLIRP4NETNS)
		slirp_argv_build(n);
	else
		pasta_argv_build(n, sb->cfg);
	if (pipe2(n->req, O_CLOEXEC) < 0 || pipe2(n->ack, O_CLOEXEC) < 0)
		return rc_error_set_errno(err, errno, "creating the network's pipes");
	struct in_addr up;
	bool set;
	r = resolver_upstream(&up, &set, err);
	if (r < 0)
		return r;
	n->dns = dns_bind_new();
	if (!n->dns)
		return rc_error_set_errno(err, errno, "the sandbox's DNS bindings");
	return 0;
}

/* ---- the sentry's side (its process) ---- */

static int net_guest_attach(void *arg, pid_t pid, char *err, size_t err_size)
{
	struct network *n = arg;
	if (n->inner && n->inner->guest_attach) {
		int r = n->inner->guest_attach(n->inner->arg, pid, err, err_size);
		if (r < 0)
			return r;
	}
	char msg[256];
	ssize_t got = -1;
	if (write(n->req[1], &pid, sizeof(pid)) == (ssize_t)sizeof(pid)) {
		do
			got = read(n->ack[0], msg, sizeof(msg) - 1);
		while (got < 0 && errno == EINTR);
	}
	if (got >= 1 && msg[0] == 0)
		return 0;
	if (got <= 0)
		snprintf(err, err_size, "the sandbox's network: no answer");
	else
		snprintf(err, err_size, "%.*s", (int)got, msg);
	return -EIO;
}

static int net_memory_read(void *arg, struct sentry_memory *m)
{
	struct network *n = arg;
	if (!n->inner || !n->inner->memory_read)
		return -ENOSYS;
	return n->inner->memory_read(n->inner->arg, m);
}

const struct sentry_hooks *network_sentry_hooks(struct sandbox *sb,
						const struct sentry_hooks *inner)
{
	struct network *n = sb->net;
	if (!n)
		return inner;
	close(n->req[0]);
	close(n->ack[1]);
	/* The resolver writes the bindings; the sentry only reads them. */
	if (n->dns)
		mprotect(n->dns, dns_bind_size(DNS_BIND_SLOTS), PROT_READ);
	n->inner = inner;
	n->hooks = (struct sentry_hooks){
		.guest_attach = net_guest_attach,
		.memory_read = inner && inner->memory_read ? net_memory_read : NULL,
		.arg = n,
	};
	return &n->hooks;
}

/* ---- the library's side ---- */

/* The engine's process: the guest's namespace as fd 3, the write end of the
 * ready pipe as fd 4 (pasta's pid file, slirp4netns's ready fd: written
 * once the namespace is set up).
 * It joins the sandbox's cgroup first: the guest makes it allocate (every
 * connection has buffers), so its memory and tasks count against the
 * sandbox's limits as the sentry's and the gofer's do. */
_Noreturn static void engine_exec(struct sandbox *sb, pid_t parent, int ns_fd, int ready_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	struct rc_error err = {0};
	if (limits_enter_kernel(sb, &err) < 0)
		_exit(125);
	setpgid(0, 0); /* the terminal's signals are the supervisor's to pass on */
	/* Out of the way of 0..4 first, so no dup2 below overwrites the other. */
	ns_fd = fcntl(ns_fd, F_DUPFD, 10);
	ready_fd = fcntl(ready_fd, F_DUPFD, 10);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0 ||
	    dup2(ns_fd, 3) < 0 || dup2(ready_fd, 4) < 0)
		_exit(125);
	/* dup2 onto itself keeps O_CLOEXEC */
	if (fcntl(3, F_SETFD, 0) < 0 || fcntl(4, F_SETFD, 0) < 0)
		_exit(125);
	for (int fd = 5; fd < 1024; fd++)
		close(fd);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct network *n = sb->net;
	execv(n->engine_file, n->engine_argv);
	_exit(127);
}

/* slirp4netns's IPv6 network, as it documents it: fd00::/64, the gateway
 * (its own host) at fd00::2. */
#define SLIRP_IPV6_ADDR	   "fd00::100"
#define SLIRP_IPV6_GATEWAY "fd00::2"

/* --configure gives tap0 its IPv4 address and route only: IPv6 would come
 * from slirp4netns's router advertisement, which arrives after the guest
 * has started (an IPv6 connect right at the start would find no route:
 * ENETUNREACH). The guest gets the address and default route now, before
 * it runs; a later advertisement adds its own address and route beside
 * them, to the same gateway. */
static int slirp_ipv6(int ns_fd)
{
	struct in6_addr addr, gateway;
	inet_pton(AF_INET6, SLIRP_IPV6_ADDR, &addr);
	inet_pton(AF_INET6, SLIRP_IPV6_GATEWAY, &gateway);
	return netlink_ipv6_configure(ns_fd, "tap0", &addr, 64, &gateway);
}

/* Starts the engine on the namespace of init (host pid) and waits until it
 * is configured. "" or why not, into msg. */
static void engine_start(struct sandbox *sb, pid_t init, char *msg, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)init);
	int ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	int ready[2] = {-1, -1};
	if (ns_fd < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		snprintf(msg, size, "the guest's network namespace: %s", strerror(errno));
		if (ns_fd >= 0)
			close(ns_fd);
		return;
	}
	pid_t parent = getpid();
	pid_t pid = fork_single_threaded();
	if (pid == 0)
		engine_exec(sb, parent, ns_fd, ready[1]);
	close(ready[1]);
	if (pid < 0) {
		snprintf(msg, size, "starting %s: %s", engine_name[sb->net->engine],
			 strerror(errno));
		close(ns_fd);
		close(ready[0]);
		return;
	}
	struct network *n = sb->net;
	n->engine_pid = pid;
	n->engine_pidfd = sys_pidfd_open(pid, 0);
	struct pollfd p = {.fd = ready[0], .events = POLLIN};
	char buf[32];
	ssize_t got = 0;
	int polled = poll(&p, 1, ENGINE_READY_MS);
	if (polled == 1)
		got = read(ready[0], buf, sizeof(buf));
	close(ready[0]);
	if (got > 0 && n->engine == ENGINE_SLIRP4NETNS) {
		int r = slirp_ipv6(ns_fd);
		if (r < 0) {
			snprintf(msg, size,
				 "slirp4netns: configuring the sandbox's IPv6 (" SLIRP_IPV6_ADDR
				 "/64 via " SLIRP_IPV6_GATEWAY "): %s",
				 strerror(-r));
			close(ns_fd);
			kill_wait(pid);
			n->engine_pid = 0;
			return;
		}
	}
	if (got > 0 && n->engine == ENGINE_PASTA) {
		/* Not fatal: without it a refused connect still fails, only
		 * after the guest's SYN retries instead of at once. */
		int r = netlink_refusals_pass(ns_fd);
		if (r < 0)
			log_msg("pasta: a refused connection will reach the guest only as a "
				"timeout (the classifier passing its resets on: %s)",
				strerror(-r));
	}
	close(ns_fd);
	if (got > 0) {
		n->resolver_pid = resolver_start(sb, n->dns, init, msg, size);
		if (n->resolver_pid > 0) {
			n->resolver_pidfd = sys_pidfd_open(n->resolver_pid, 0);
			return;
		}
		n->resolver_pid = 0;
		kill_wait(pid);
		n->engine_pid = 0;
		return;
	}
	/* The ready pipe closed unwritten: the engine is exiting. */
	int st = 0;
	bool exited = false;
	if (polled == 1 && n->engine_pidfd >= 0) {
		struct pollfd e = {.fd = n->engine_pidfd, .events = POLLIN};
		exited = poll(&e, 1, 1000) == 1 && waitpid(pid, &st, WNOHANG) == pid;
	}
	if (!exited)
		kill_wait(pid);
	if (n->engine_pidfd >= 0)
		close(n->engine_pidfd);
	n->engine_pidfd = -1;
	n->engine_pid = 0;
	const char *name = engine_name[n->engine];
	if (!exited)
		snprintf(msg, size,
			 "the network's route out (%s) did not configure the sandbox's network "
			 "within %d s",
			 name, ENGINE_READY_MS / 1000);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(msg, size, "the network's route out (%s, %s) could not be executed", name,
			 n->engine_file);
	else if (WIFEXITED(st))
		snprintf(msg, size,
			 "the network's route out (%s) did not start: it exited with status %d",
			 name, WEXITSTATUS(st));
	else
		snprintf(msg, size,
			 "the network's route out (%s) did not start: it died of signal %d", name,
			 WTERMSIG(st));
}

const struct dns_bind_table *network_dns_table(struct sandbox *sb)
{
	return sb->net ? sb->net->dns : NULL;
}

int network_start(struct sandbox *sb)
{
	struct network *n = sb->net;
	if (!n)
		return 0;
	close(n->req[1]);
	n->req[1] = -1;
	close(n->ack[0]);
	n->ack[0] = -1;
	pid_t init;
	ssize_t got;
	do
		got = read(n->req[0], &init, sizeof(init));
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(init))
		return 0; /* the sentry failed before: it says why */
	char msg[256];
	engine_start(sb, init, msg, sizeof(msg));
	(void)!write(n->ack[1], msg, strlen(msg) + (msg[0] == 0));
	return msg[0] ? -EIO : 0;
}

/* Kills and reaps a child of ours through its pidfd: one the supervisor
 * reaped already gets no signal, and waitpid then finds no child. */
static void stop_child(pid_t pid, int pidfd)
{
	if (pid <= 0 || pidfd < 0) {
		kill_wait(pid);
	} else {
		sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (pidfd >= 0)
		close(pidfd);
}

void network_stop(struct sandbox *sb)
{
	struct network *n = sb->net;
	if (!n)
		return;
	stop_child(n->resolver_pid, n->resolver_pidfd);
	stop_child(n->engine_pid, n->engine_pidfd);
	dns_bind_free(n->dns);
	close_pair(n->req);
	close_pair(n->ack);
	for (size_t i = 0; i < n->engine_argc; i++)
		free(n->engine_argv[i]);
	free(n->engine_argv);
	free(n->engine_file);
	free(n);
	sb->net = NULL;
}
