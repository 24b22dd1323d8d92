/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c do [FLAGS] -- COMMAND [ARG...]: run one command in a new sandbox.
 *
 * Processes: this one relays the terminal, forwards signals and enforces the
 * timeout; the gofer builds the view and serves file requests; the sentry
 * creates the guest, traces it and answers its trapped syscalls. */
#include "runsc-c/do.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/gofer.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "sentry/guest.h"
#include "sentry/self_filter.h"
#include "sentry/sentry.h"
#include "syscalls/table.h"

#define DEFAULT_PATH	   "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define UPPER_SIZE_DEFAULT (512ULL << 20)
#define EXIT_SETUP	   125
#define EXIT_TIMEOUT	   124

struct do_opts {
	struct gofer_volume volumes[64];
	size_t nvolumes;
	char *env[256];
	size_t nenv;
	/* The -e flags again: they override the policy's env. */
	const char *env_flags[256];
	size_t nenv_flags;
	const struct policy_view *policy; /* or NULL */
	const char *policy_ref;		  /* --policy NAME|FILE, or NULL */
	const char *audit_path;		  /* --audit FILE, or NULL */
	bool learn;			  /* --learn: every allowed access goes to the audit file */
	int audit_fd;
	const char *cwd;
	const char *rootfs;
	double timeout_s;
	bool quiet;
	bool user_set;
	uid_t uid;
	gid_t gid;
	const char *hostname;
	char **argv;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: runsc-c do [FLAGS] -- COMMAND [ARG...]\n"
		"  -v, --volume HOST:GUEST[:ro|:rw]  bind a host path into the sandbox (rw by "
		"default)\n"
		"  -e, --env NAME=VALUE              set an environment variable\n"
		"      --cwd DIR                     working directory (default /)\n"
		"      --rootfs DIR                  root file system (default: the host's /, "
		"read-only)\n"
		"      --timeout SECONDS             wall-clock limit; exit status 124 when "
		"reached\n"
		"      --user UID[:GID]              run as this user (default 0:0)\n"
		"      --hostname NAME               the sandbox's host name (default runsc-c)\n"
		"      --policy NAME|FILE            apply a policy (policies/README.md)\n"
		"      --audit FILE                  append the policy's decisions to FILE as JSON "
		"lines\n"
		"      --quiet                       no messages from runsc-c itself\n"
		"      --debug                       log the sentry's decisions\n");
}

__attribute__((format(printf, 2, 3))) _Noreturn static void bad_flag(const char *flag,
								     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "runsc-c do: %s: ", flag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static bool valid_guest_path(const char *p)
{
	if (p[0] != '/' || strlen(p) >= PATH_MAX)
		return false;
	for (const char *q = p; (q = strstr(q, "..")); q += 2) {
		bool start = q == p || q[-1] == '/';
		bool end = q[2] == 0 || q[2] == '/';
		if (start && end)
			return false;
	}
	return true;
}

static void parse_volume(struct do_opts *o, char *spec)
{
	if (o->nvolumes >= ARRAY_SIZE(o->volumes))
		bad_flag("--volume", "too many volumes (at most 64)");
	char *copy = xstrdup(spec);
	char *host = copy, *guest = strchr(copy, ':');
	if (!guest)
		bad_flag("--volume", "'%s': expected HOST:GUEST[:ro|:rw]", spec);
	*guest++ = 0;
	char *mode = strchr(guest, ':');
	bool ro = false;
	if (mode) {
		*mode++ = 0;
		if (strcmp(mode, "ro") == 0)
			ro = true;
		else if (strcmp(mode, "rw") != 0)
			bad_flag("--volume", "'%s': the mode must be ro or rw", spec);
	}
	if (host[0] == 0 || guest[0] == 0)
		bad_flag("--volume", "'%s': expected HOST:GUEST[:ro|:rw]", spec);
	char *real = realpath(host, NULL);
	if (!real)
		bad_flag("--volume", "'%s': the host path does not exist", host);
	if (!valid_guest_path(guest))
		bad_flag("--volume", "'%s': the guest path must be absolute, without ..", guest);
	struct gofer_volume *v = &o->volumes[o->nvolumes++];
	v->host = real;
	v->guest = guest;
	v->ro = ro;
}

static bool valid_env_name(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

static void env_set(struct do_opts *o, const char *entry)
{
	size_t name_len = strcspn(entry, "=");
	for (size_t i = 0; i < o->nenv; i++) {
		if (strncmp(o->env[i], entry, name_len) == 0 && o->env[i][name_len] == '=') {
			free(o->env[i]);
			o->env[i] = xstrdup(entry);
			return;
		}
	}
	if (o->nenv >= ARRAY_SIZE(o->env) - 1)
		bad_flag("--env", "too many variables (at most 255)");
	o->env[o->nenv++] = xstrdup(entry);
}

static void parse_user(struct do_opts *o, const char *spec)
{
	char *end;
	errno = 0;
	unsigned long uid = strtoul(spec, &end, 10);
	unsigned long gid = uid;
	if (end == spec || errno || uid > 65535)
		bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..65535", spec);
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || errno || gid > 65535)
			bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..65535",
				 spec);
	}
	if (*end)
		bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..65535", spec);
	o->user_set = true;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
}

enum {
	OPT_CWD = 256,
	OPT_ROOTFS,
	OPT_TIMEOUT,
	OPT_QUIET,
	OPT_USER,
	OPT_HOSTNAME,
	OPT_DEBUG,
	OPT_HELP,
	OPT_AUDIT,
	OPT_POLICY,
	OPT_LEARN,
};

static void parse_args(struct do_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"volume", required_argument, NULL, 'v'},
		{"env", required_argument, NULL, 'e'},
		{"cwd", required_argument, NULL, OPT_CWD},
		{"rootfs", required_argument, NULL, OPT_ROOTFS},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"user", required_argument, NULL, OPT_USER},
		{"hostname", required_argument, NULL, OPT_HOSTNAME},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"help", no_argument, NULL, OPT_HELP},
		{"audit", required_argument, NULL, OPT_AUDIT},
		{"policy", required_argument, NULL, OPT_POLICY},
		{"learn", no_argument, NULL, OPT_LEARN},
		{NULL, 0, NULL, 0},
	};
	const char *term = getenv("TERM");
	env_set(o, "PATH=" DEFAULT_PATH);
	env_set(o, "HOME=/root");
	if (term && isatty(STDIN_FILENO)) {
		char *t;
		xasprintf(&t, "TERM=%s", term);
		env_set(o, t);
	} else {
		env_set(o, "TERM=dumb");
	}
	env_set(o, "LANG=C.UTF-8");
	o->cwd = "/";
	o->rootfs = "/";
	o->hostname = "runsc-c";
	opterr = 0;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "+v:e:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			parse_volume(o, optarg);
			break;
		case 'e': {
			const char *eq = strchr(optarg, '=');
			if (!eq || !valid_env_name(optarg, (size_t)(eq - optarg)))
				bad_flag("--env", "'%s': expected NAME=VALUE", optarg);
			env_set(o, optarg);
			if (o->nenv_flags < ARRAY_SIZE(o->env_flags))
				o->env_flags[o->nenv_flags++] = optarg;
			break;
		}
		case OPT_CWD:
			if (!valid_guest_path(optarg))
				bad_flag("--cwd", "'%s': expected an absolute path", optarg);
			o->cwd = optarg;
			break;
		case OPT_ROOTFS: {
			struct stat st;
			if (stat(optarg, &st) < 0 || !S_ISDIR(st.st_mode))
				bad_flag("--rootfs", "'%s': not a directory", optarg);
			o->rootfs = realpath(optarg, NULL);
			if (!o->rootfs)
				bad_flag("--rootfs", "'%s': cannot be resolved", optarg);
			break;
		}
		case OPT_TIMEOUT: {
			char *end;
			errno = 0;
			double v = strtod(optarg, &end);
			if (end == optarg || *end || errno || !(v > 0) || v > 1e9)
				bad_flag("--timeout", "'%s': expected a positive number of seconds",
					 optarg);
			o->timeout_s = v;
			break;
		}
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_USER:
			parse_user(o, optarg);
			break;
		case OPT_HOSTNAME:
			if (optarg[0] == 0 || strlen(optarg) > 64)
				bad_flag("--hostname", "'%s': expected 1 to 64 characters", optarg);
			o->hostname = optarg;
			break;
		case OPT_DEBUG:
			log_verbose = 1;
			break;
		case OPT_POLICY:
			if (optarg[0] == 0)
				bad_flag("--policy", "expected a profile name or a file");
			o->policy_ref = optarg;
			break;
		case OPT_AUDIT:
			if (optarg[0] == 0)
				bad_flag("--audit", "expected a file name");
			o->audit_path = optarg;
			break;
		case OPT_LEARN:
			/* Not in the usage: `runsc-c policy learn` passes it. */
			o->learn = true;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case '?':
		default:
			if (optopt)
				fprintf(stderr, "runsc-c do: -%c: unknown flag or missing value\n",
					optopt);
			else
				fprintf(stderr, "runsc-c do: %s: unknown flag or missing value\n",
					argv[optind - 1]);
			usage(stderr);
			exit(2);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "runsc-c do: missing COMMAND\n");
		usage(stderr);
		exit(2);
	}
	o->argv = argv + optind;
	o->env[o->nenv] = NULL;
	if (o->user_set && o->uid != 0)
		env_set(o, "HOME=/");
	o->env[o->nenv] = NULL;
	if (!o->rootfs || strcmp(o->rootfs, "/") != 0)
		log_debug("rootfs %s", o->rootfs);
}

/* ---- what a policy adds ---- */

/* The paths of the view that are not the rootfs's, for canonicalising the
 * policy's rule paths: the volumes (their host directories), the sandbox's
 * own /proc, /sys and /dev and the policy's tmpfs entries (nothing below
 * them to resolve). */
static struct policy_mount *policy_mounts(const struct do_opts *o, const void *plain_blob,
					  size_t plain_len, size_t *n)
{
	struct policy_view pv;
	uint32_t ntmpfs = 0;
	if (policy_view_init(&pv, plain_blob, plain_len) == 0)
		ntmpfs = policy_rule_count(&pv, POLICY_RULE_TMPFS);
	struct policy_mount *m = xcalloc(3 + ntmpfs + o->nvolumes, sizeof(*m));
	static const char *const own[] = {"/proc", "/sys", "/dev"};
	*n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		m[(*n)++] = (struct policy_mount){.guest_path = own[i], .host_fd = -1};
	for (uint32_t i = 0; i < ntmpfs; i++) {
		uint32_t idx = policy_rule_first(&pv, POLICY_RULE_TMPFS) + i;
		m[(*n)++] = (struct policy_mount){.guest_path = xstrdup(policy_rule_glob(&pv, idx)),
						  .host_fd = -1};
	}
	/* Later volumes mount over earlier ones and over tmpfs entries. */
	for (size_t i = 0; i < o->nvolumes; i++) {
		int fd = open(o->volumes[i].host, O_PATH | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
			close(fd);
			fd = -1;
		}
		m[(*n)++] = (struct policy_mount){.guest_path = o->volumes[i].guest, .host_fd = fd};
	}
	return m;
}

/* --policy: loaded and compiled here, once; the gofer and the sentry are
 * forks of this process and inherit the compiled blob, which stays alive
 * (and unchanged) for as long as the sandbox. Problems: one line each,
 * exit 2, nothing started. */
static void policy_setup(struct do_opts *o)
{
	struct policy_problems pr = {0};
	struct policy_doc *doc = policy_load(o->policy_ref, NULL, &pr);
	void *plain = NULL, *blob = NULL;
	size_t plain_len = 0, len = 0;
	int r = doc ? policy_compile(doc, NULL, &plain, &plain_len) : 0;
	struct policy_mount *mounts = NULL;
	size_t nmounts = 0;
	if (doc && r == 0) {
		mounts = policy_mounts(o, plain, plain_len, &nmounts);
		struct policy_root root = {
			.rootfs_fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC),
			.mounts = mounts,
			.nmounts = nmounts,
		};
		if (root.rootfs_fd < 0)
			r = -errno;
		else
			r = policy_compile(doc, &root, &blob, &len);
		if (root.rootfs_fd >= 0)
			close(root.rootfs_fd);
		for (size_t i = 0; i < nmounts; i++)
			if (mounts[i].host_fd >= 0)
				close(mounts[i].host_fd);
		/* The tmpfs entries' paths are copies: after /proc, /sys and
		 * /dev, before the volumes (see policy_mounts). */
		for (size_t i = 3; i + o->nvolumes < nmounts; i++)
			free((char *)mounts[i].guest_path);
		free(mounts);
	}
	free(plain);
	if (doc && r < 0)
		policy_problem_add(&pr, "%s: cannot compile: %s", o->policy_ref, strerror(-r));
	/* Learning records allowed decisions whatever the policy says (and
	 * keeps the sentry's dentry cache, which would hide opens, off). */
	if (doc && r == 0 && o->learn)
		((struct policy_header *)blob)->flags |= POLICY_F_AUDIT_ALLOWED;
	struct policy_view *pv = xcalloc(1, sizeof(*pv));
	if (doc && r == 0 && (r = policy_view_init(pv, blob, len)) < 0)
		policy_problem_add(&pr, "%s: compiled policy refused: %s", o->policy_ref,
				   strerror(-r));
	if (!doc || r < 0 || pr.n) {
		for (size_t i = 0; i < pr.n; i++)
			fprintf(stderr, "%s\n", pr.lines[i]);
		if (!pr.n)
			fprintf(stderr, "%s: cannot be loaded\n", o->policy_ref);
		policy_problems_free(&pr);
		policy_doc_free(doc);
		free(pv);
		free(blob);
		exit(2);
	}
	policy_problems_free(&pr);
	policy_doc_free(doc);
	o->policy = pv;
}

/* The guest's environment under a policy: the defaults, then env.set, then
 * the caller's variables env.pass lets through, then the -e flags again. */
static void policy_env_apply(struct do_opts *o, const struct policy_view *pv)
{
	extern char **environ;
	const char *value;

	for (uint32_t i = 0; i < policy_env_set_count(pv); i++) {
		const char *name = policy_env_set(pv, i, &value);
		char *entry;

		if (!name)
			break;
		xasprintf(&entry, "%s=%s", name, value);
		env_set(o, entry);
		free(entry);
	}
	for (char **e = environ; e && *e; e++) {
		size_t name_len = strcspn(*e, "=");
		char *name = strndup(*e, name_len);

		if (!name)
			die("out of memory");
		if ((*e)[name_len] == '=' && valid_env_name(name, name_len) &&
		    policy_env_pass_allows(pv, name))
			env_set(o, *e);
		free(name);
	}
	for (size_t i = 0; i < o->nenv_flags; i++)
		env_set(o, o->env_flags[i]);
	o->env[o->nenv] = NULL;
}

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

/* --audit FILE: opened by the caller's own rights, before any sandboxing,
 * and handed to the sentry, which writes the records. */
static void audit_open(struct do_opts *o)
{
	o->audit_fd = -1;
	if (!o->audit_path)
		return;
	o->audit_fd = open(o->audit_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (o->audit_fd < 0) {
		fprintf(stderr, "runsc-c do: --audit: '%s': %s\n", o->audit_path, strerror(errno));
		exit(2);
	}
}

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

/* ---- the terminal ---- */

struct term {
	bool active;
	int master;
	int slave;
	struct termios saved;
	bool saved_ok;
};

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* The guest's terminal comes from the sandbox's own devpts instance (opened
 * through the gofer), so that ttyname() inside finds it under /dev/pts. */
static int term_open(struct term *t, int gofer_sock, const struct do_opts *o)
{
	struct sentry s = {.gofer = gofer_sock};
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_RDWR | O_NOCTTY | O_CLOEXEC};
	struct gofer_resp resp;
	req.uid = o->user_set ? o->uid : 0;
	req.gid = o->user_set ? o->gid : 0;
	req.path_len = sizeof("/dev/ptmx");
	memcpy(req.data, "/dev/ptmx", req.path_len);
	int r = gofer_call(&s, &req, NULL, 0, &resp, &t->master);
	if (r < 0)
		return r;
	if (t->master < 0)
		return -ENOTTY;
	int unlock = 0;
	if (ioctl(t->master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	t->slave = ioctl(t->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->slave < 0)
		return -errno;
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
	if (tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		t->saved_ok = true;
		tcsetattr(t->slave, TCSANOW, &t->saved);
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	t->active = true;
	return 0;
}

static void term_restore(struct term *t)
{
	if (t->active && t->saved_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

static bool relay(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && (errno == EAGAIN || errno == EINTR);
	return write_all(to, buf, (size_t)n) == 0;
}

/* ---- the sentry's process ---- */

static int open_view_dir(struct sentry *s, const char *path, const struct do_opts *o)
{
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_PATH | O_DIRECTORY | O_CLOEXEC};
	struct gofer_resp resp;
	int fd = -1;
	req.uid = o->user_set ? o->uid : 0;
	req.gid = o->user_set ? o->gid : 0;
	req.path_len = (uint32_t)strlen(path) + 1;
	memcpy(req.data, path, req.path_len);
	int r = gofer_call(s, &req, NULL, 0, &resp, &fd);
	if (r == 0 && fd < 0)
		r = -ENOTDIR;
	return r < 0 ? r : fd;
}

_Noreturn static void sentry_process(const struct do_opts *o, int gofer_sock, pid_t gofer_pid,
				     int report_fd, const struct term *t)
{
	log_prefix = "runsc-c: sentry";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "runsc-c-sentry");
	struct sentry *s = xcalloc(1, sizeof(*s));
	s->gofer = gofer_sock;
	s->gofer_pid = gofer_pid;
	s->gofer_cpu = -1;
	s->tty_fd = t->active ? t->slave : -1;
	s->init_status = -1;
	s->listener = -1;
	s->guest_procfd = -1;
	s->policy = o->policy;
	s->audit_fd = o->audit_fd;
	sandbox_id_make(s->sandbox_id, sizeof(s->sandbox_id));
	/* What the host may change in the view: the volumes (the sentry's
	 * dentry cache never keeps what lies in them). */
	const char **vols = xcalloc(o->nvolumes + 1, sizeof(*vols));
	for (size_t i = 0; i < o->nvolumes; i++)
		vols[i] = o->volumes[i].guest;
	s->volume_paths = vols;
	s->nvolume_paths = o->nvolumes;
	s->volumes_known = true;
	snprintf(s->hostname, sizeof(s->hostname), "%s", o->hostname);
	s->host_procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->host_procfd < 0)
		die_errno("opening /proc");
	if (procfs_init(s) < 0)
		die("setting up the sandbox's /proc");
	struct guest_config gc = {
		.argv = o->argv,
		.envp = (char **)o->env,
		.user_set = o->user_set,
		.uid = o->uid,
		.gid = o->gid,
		.hostname = o->hostname,
		.tty = t->active,
	};
	for (int i = 0; i < 3; i++)
		gc.stdio[i] = t->active ? t->slave : i;
	/* The guest's namespaces are made while the gofer may still be
	 * building the view; its command runs only once the loop runs. */
	char err[512];
	pid_t init = guest_spawn(s, &gc, err, sizeof(err));
	if (init < 0)
		die("starting the guest: %s", err);
	s->root_fd = open_view_dir(s, "/", o);
	if (s->root_fd < 0)
		die("opening the view's root: %s", strerror(-s->root_fd));
	int cwd_fd = open_view_dir(s, o->cwd, o);
	if (cwd_fd < 0)
		die("--cwd %s: %s", o->cwd, strerror(-cwd_fd));
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
		die_errno("SECCOMP_GET_NOTIF_SIZES");
	int r = sentry_isolate();
	if (r < 0)
		die("isolating the sentry: %s", strerror(-r));
	r = sentry_filter_install();
	if (r < 0)
		die("the sentry's seccomp filter: %s", strerror(-r));
	(void)!write(report_fd, &init, sizeof(init));
	close(report_fd);
	_exit(sentry_main(s));
}

/* ---- the launcher ---- */

/* Waits for the gofer's word on the view: nothing (ready) or one line of
 * error, which is printed. Closes the pipe. */
static bool view_failed(int ready_fd, pid_t gofer)
{
	char msg[512];
	ssize_t n;
	do
		n = read(ready_fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	close(ready_fd);
	if (n == 0)
		return false;
	msg[n > 0 ? n : 0] = 0;
	waitpid(gofer, NULL, 0);
	fprintf(stderr, "runsc-c: building the sandbox's view: %s\n",
		n > 0 ? msg : "the gofer failed");
	return true;
}

static void kill_wait(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int cmd_do(int argc, char **argv)
{
	/* Static: what the options hold lives until runsc-c exits. */
	static struct do_opts o;
	memset(&o, 0, sizeof(o));
	parse_args(&o, argc, argv);
	if (o.quiet)
		log_prefix = "runsc-c";
	if (o.learn && (!o.policy_ref || !o.audit_path))
		bad_flag("--learn", "needs --policy and --audit");
	if (o.policy_ref)
		policy_setup(&o);
	audit_open(&o);
	if (o.policy)
		policy_env_apply(&o, o.policy);

	/* Signals that end the sandbox are taken through a signalfd. */
	sigset_t mask, oldmask;
	sigemptyset(&mask);
	int fwd[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};
	for (size_t i = 0; i < ARRAY_SIZE(fwd); i++)
		sigaddset(&mask, fwd[i]);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);

	int gsock[2], ready[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gsock) < 0 ||
	    pipe2(ready, O_CLOEXEC) < 0)
		die_errno("creating the sandbox's sockets");
	pid_t gofer = fork_single_threaded();
	if (gofer < 0)
		die_errno("fork");
	if (gofer == 0) {
		log_prefix = "runsc-c: gofer";
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "runsc-c-gofer");
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		close(gsock[0]);
		close(ready[0]);
		struct gofer_config gc = {
			.rootfs = o.rootfs,
			.hide_host_secrets = strcmp(o.rootfs, "/") == 0,
			.volumes = o.volumes,
			.nvolumes = o.nvolumes,
			.upper_size = UPPER_SIZE_DEFAULT,
			.sock = gsock[1],
			.ready_fd = ready[1],
			.policy = o.policy,
			.learn = o.learn,
			.learn_fd = o.audit_fd,
		};
		gofer_main(&gc);
	}
	close(gsock[1]);
	close(ready[1]);
	/* Built while the gofer sets up the view; the guest inherits it. */
	int fr = sc_filter_prepare_guest();
	if (fr < 0)
		die("building the guest's seccomp filter: %s", strerror(-fr));
	if (o.policy && (fr = policy_filter_prepare(o.policy)) < 0)
		die("building the policy's seccomp filter: %s", strerror(-fr));
	/* The sentry starts while the gofer builds the view; only a terminal
	 * (from the view's devpts) needs the view first. */
	struct term t = {.master = -1, .slave = -1};
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		bool failed = view_failed(ready[0], gofer);
		ready[0] = -1;
		if (failed)
			return EXIT_SETUP;
		int r = term_open(&t, gsock[0], &o);
		if (r < 0) {
			kill_wait(gofer);
			fprintf(stderr, "runsc-c: opening a terminal: %s\n", strerror(-r));
			return EXIT_SETUP;
		}
	}

	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid_t sentry = fork_single_threaded();
	if (sentry < 0)
		die_errno("fork");
	if (sentry == 0) {
		close(report[0]);
		if (ready[0] >= 0)
			close(ready[0]);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		if (t.active)
			close(t.master);
		sentry_process(&o, gsock[0], gofer, report[1], &t);
	}
	close(report[1]);
	close(gsock[0]);
	pid_t init = 0;
	if (read(report[0], &init, sizeof(init)) != sizeof(init))
		init = 0;
	close(report[0]);
	if (init == 0 && ready[0] >= 0 && view_failed(ready[0], gofer)) {
		kill_wait(sentry);
		return EXIT_SETUP;
	}
	if (ready[0] >= 0)
		close(ready[0]);
	if (t.active) {
		close(t.slave);
		t.slave = -1;
	}

	_cleanup_close_ int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	_cleanup_close_ int timer = -1;
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN};
	ev.data.u32 = 0;
	epoll_ctl(ep, EPOLL_CTL_ADD, sigfd, &ev);
	if (o.timeout_s > 0) {
		timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		struct itimerspec its = {0};
		its.it_value.tv_sec = (time_t)o.timeout_s;
		its.it_value.tv_nsec = (long)((o.timeout_s - (double)its.it_value.tv_sec) * 1e9);
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
		timerfd_settime(timer, 0, &its, NULL);
		ev.data.u32 = 1;
		epoll_ctl(ep, EPOLL_CTL_ADD, timer, &ev);
	}
	if (t.active) {
		ev.data.u32 = 2;
		epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev);
		ev.data.u32 = 3;
		epoll_ctl(ep, EPOLL_CTL_ADD, t.master, &ev);
	}

	int exit_code = -1;
	bool timed_out = false;
	bool stdin_open = true;
	while (exit_code < 0) {
		struct epoll_event evs[4];
		int ne = epoll_wait(ep, evs, 4, -1);
		if (ne < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < ne && exit_code < 0; i++) {
			switch (evs[i].data.u32) {
			case 0: {
				struct signalfd_siginfo si;
				while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
					int sig = (int)si.ssi_signo;
					if (sig == SIGWINCH && t.active) {
						struct winsize ws;
						if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
							ioctl(t.master, TIOCSWINSZ, &ws);
					} else if (sig != SIGCHLD && sig != SIGWINCH && init > 0) {
						kill(init, sig);
					}
				}
				int st;
				pid_t p;
				while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
					if (p == gofer) {
						/* The sentry notices a dead gofer
						 * and stops the guest itself; a
						 * SIGCHLD ends its wait for the
						 * guest's next call. */
						gofer = 0;
						if (sentry > 0)
							kill(sentry, SIGCHLD);
					} else if (p == sentry) {
						sentry = 0;
						if (WIFEXITED(st))
							exit_code = WEXITSTATUS(st);
						else
							exit_code = 128 + WTERMSIG(st);
					}
				}
				break;
			}
			case 1:
				timed_out = true;
				if (init > 0)
					kill(init, SIGKILL);
				kill_wait(sentry);
				sentry = 0;
				exit_code = EXIT_TIMEOUT;
				break;
			case 2:
				if (stdin_open && !relay(STDIN_FILENO, t.master)) {
					stdin_open = false;
					epoll_ctl(ep, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
				}
				break;
			case 3:
				if (!relay(t.master, STDOUT_FILENO))
					epoll_ctl(ep, EPOLL_CTL_DEL, t.master, NULL);
				break;
			default:
				break;
			}
		}
	}
	if (t.active) {
		/* Output the guest wrote just before it exited. */
		char buf[16384];
		ssize_t got;
		fcntl(t.master, F_SETFL, O_NONBLOCK);
		while ((got = read(t.master, buf, sizeof(buf))) > 0)
			if (write_all(STDOUT_FILENO, buf, (size_t)got) < 0)
				break;
		term_restore(&t);
	}
	kill_wait(sentry);
	kill_wait(gofer);
	if (timed_out && !o.quiet)
		fprintf(stderr, "runsc-c: timed out after %g seconds\n", o.timeout_s);
	return exit_code < 0 ? EXIT_SETUP : exit_code;
}
