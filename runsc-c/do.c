/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c do [FLAGS] -- COMMAND [ARG...]: run one command in a new sandbox.
 *
 * The flags become a struct sandbox_config (with the policy compiled for the
 * sandbox's view, the audit file opened and the environment settled), the
 * sandbox library (sandbox/sandbox.h) runs it, and its status becomes the
 * exit status: the command's, 124 on timeout, 125 when the sandbox could not
 * be set up, 2 for a bad flag or policy (or a bad value of the route out's
 * variables, RUNSC_C_NET_ENGINE and RUNSC_C_DNS_UPSTREAM). */
#include "runsc-c/do.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proto.h"
#include "common/util.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "runsc-c/policy_setup.h"
#include "sandbox/report.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define EXIT_SETUP   125
#define EXIT_TIMEOUT 124

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
		"  -p, --publish [HOSTIP:]HOSTPORT:GUESTPORT[/udp]\n"
		"                                    publish a guest port on the host (needs a "
		"policy\n"
		"                                    with network mode egress; repeatable)\n"
		"      --policy NAME|FILE            apply a policy (policies/README.md)\n"
		"      --audit FILE                  append the policy's decisions to FILE as JSON "
		"lines\n"
		"      --memory SIZE                 memory limit (k, M, G: powers of 1024; "
		"default: half the host's)\n"
		"      --pids N                      limit on tasks (default 4096)\n"
		"      --cpus N.N                    CPU time limit, in CPUs (default: none)\n"
		"      --disk SIZE                   size of the writable layer (default 512M)\n"
		"      --stats FILE                  at exit, write what the sandbox used as JSON\n"
		"      --id ID                       the sandbox's id, naming its cgroups "
		"(runsc-c/ID;\n"
		"                                    default: random)\n"
		"      --quiet                       no messages from runsc-c itself\n"
		"      --debug                       log the sentry's decisions, and at exit its\n"
		"                                    counts of calls and gofer requests and the\n"
		"                                    time spent waiting for cgroup work\n");
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

/* A bad resource limit: exit 125, as for a sandbox that cannot start. */
__attribute__((format(printf, 2, 3))) _Noreturn static void bad_limit(const char *flag,
								      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "runsc-c do: %s: ", flag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_SETUP);
}

/* --memory, --pids, --cpus or --disk (sandbox_limit_parse). */
static void parse_limit(struct do_opts *o, const char *flag, const char *text)
{
	struct rc_error err;
	if (sandbox_limit_parse(flag + 2, text, &o->limits, &o->disk_bytes, &err) < 0)
		bad_limit(flag, "%s", err.msg);
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

/* -p [HOSTIP:]HOSTPORT:GUESTPORT[/udp]: one entry more; two that would
 * take the same host socket are refused here. */
static void parse_publish(struct do_opts *o, const char *spec)
{
	struct publish p;
	const char *why = publish_parse(spec, &p);
	if (why)
		bad_flag("--publish", "'%s': %s", spec, why);
	if (o->npublish_flags >= ARRAY_SIZE(o->publish_flags))
		bad_flag("--publish", "too many published ports (at most %d)", PUBLISH_MAX);
	for (size_t i = 0; i < o->npublish_flags; i++) {
		struct publish q;
		publish_parse(o->publish_flags[i], &q);
		if (publish_conflict(&p, &q))
			bad_flag("--publish", "'%s': host port %u/%s is already published by '%s'",
				 spec, p.host_port, p.proto == IPPROTO_UDP ? "udp" : "tcp",
				 o->publish_flags[i]);
	}
	o->publish_flags[o->npublish_flags++] = spec;
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
	if (end == spec || errno || uid > GUEST_ID_MAX)
		bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..%u", spec,
			 GUEST_ID_MAX);
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || errno || gid > GUEST_ID_MAX)
			bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..%u", spec,
				 GUEST_ID_MAX);
	}
	if (*end)
		bad_flag("--user", "'%s': expected UID[:GID] with numbers in 0..%u", spec,
			 GUEST_ID_MAX);
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
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_DISK,
	OPT_STATS,
	OPT_ID,
};

static const struct option longopts[] = {
	{"volume", required_argument, NULL, 'v'},
	{"env", required_argument, NULL, 'e'},
	{"cwd", required_argument, NULL, OPT_CWD},
	{"rootfs", required_argument, NULL, OPT_ROOTFS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"user", required_argument, NULL, OPT_USER},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"publish", required_argument, NULL, 'p'},
	{"debug", no_argument, NULL, OPT_DEBUG},
	{"help", no_argument, NULL, OPT_HELP},
	{"audit", required_argument, NULL, OPT_AUDIT},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"pids", required_argument, NULL, OPT_PIDS},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"disk", required_argument, NULL, OPT_DISK},
	{"stats", required_argument, NULL, OPT_STATS},
	{"id", required_argument, NULL, OPT_ID},
	{NULL, 0, NULL, 0},
};

/* --memory, --pids, --cpus, --disk and --stats. */
static void parse_limit_flag(struct do_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case OPT_MEMORY:
		parse_limit(o, "--memory", arg);
		o->limits_given = true;
		break;
	case OPT_PIDS:
		parse_limit(o, "--pids", arg);
		o->limits_given = true;
		break;
	case OPT_CPUS:
		parse_limit(o, "--cpus", arg);
		o->limits_given = true;
		break;
	case OPT_DISK:
		parse_limit(o, "--disk", arg);
		break;
	case OPT_STATS:
	default:
		if (arg[0] == 0)
			bad_flag("--stats", "expected a file name");
		o->stats_path = arg;
		break;
	}
}

/* What a sandbox gets without flags: PATH, HOME, TERM (the caller's when
 * stdin is a terminal) and LANG, the root directory, the host's / and the
 * host name runsc-c. */
static void set_defaults(struct do_opts *o)
{
	const char *term = getenv("TERM");
	env_set(o, "PATH=" DEFAULT_PATH);
	env_set(o, "HOME=/root");
	if (term && isatty(STDIN_FILENO)) {
		char *t;
		xasprintf(&t, "TERM=%s", term);
		env_set(o, t);
		free(t);
	} else {
		env_set(o, "TERM=dumb");
	}
	env_set(o, "LANG=C.UTF-8");
	o->cwd = "/";
	o->rootfs = "/";
	o->hostname = "runsc-c";
}

void do_parse(struct do_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	set_defaults(o);
	opterr = 0;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "+v:e:p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			parse_volume(o, optarg);
			break;
		case 'e': {
			const char *eq = strchr(optarg, '=');
			if (!eq || !policy_env_name_valid(optarg, (size_t)(eq - optarg), false))
				bad_flag("--env", "'%s': expected NAME=VALUE", optarg);
			env_set(o, optarg);
			if (o->nenv_flags < ARRAY_SIZE(o->env_flags))
				o->env_flags[o->nenv_flags++] = optarg;
			break;
		}
		case 'p':
			parse_publish(o, optarg);
			break;
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
			o->timeout_given = true;
			break;
		}
		case OPT_MEMORY:
		case OPT_PIDS:
		case OPT_CPUS:
		case OPT_DISK:
		case OPT_STATS:
			parse_limit_flag(o, ch, optarg);
			break;
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_ID:
			if (!sandbox_id_valid(optarg))
				bad_flag("--id",
					 "'%s': expected 1 to %d of A-Z a-z 0-9 _ . - (not first . "
					 "or -)",
					 optarg, SANDBOX_ID_MAX);
			o->id = optarg;
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

/* --policy: loaded and compiled here, once; the gofer and the sentry are
 * forks of this process and inherit the compiled blob, which stays alive
 * (and unchanged) for as long as the sandbox. Problems: one line each,
 * exit 2, nothing started. */
static void policy_setup(struct do_opts *o)
{
	struct policy_problems pr = {0};
	struct policy_view *pv;
	if (policy_setup_view(o->policy_ref, o->rootfs, o->volumes, o->nvolumes, o->learn, &pv,
			      &pr) < 0) {
		for (size_t i = 0; i < pr.n; i++)
			fprintf(stderr, "%s\n", pr.lines[i]);
		policy_problems_free(&pr);
		exit(2);
	}
	policy_problems_free(&pr);
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
		if ((*e)[name_len] == '=' && policy_env_name_valid(name, name_len, false) &&
		    policy_env_pass_allows(pv, name))
			env_set(o, *e);
		free(name);
	}
	for (size_t i = 0; i < o->nenv_flags; i++)
		env_set(o, o->env_flags[i]);
	o->env[o->nenv] = NULL;
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

/* The limits: the flags', then the policy's resources for what the flags
 * leave, then the defaults for memory and pids. Limits from a flag or the
 * policy are required: where they cannot be enforced, nothing starts. */
static void limits_settle(struct do_opts *o, const struct policy_view *pv)
{
	const struct policy_resources *res = pv ? policy_resources(pv) : NULL;
	struct cg_limits *l = &o->limits;
	if (res && (res->set & POLICY_RES_MEMORY) && !l->memory_bytes)
		l->memory_bytes = res->memory_bytes;
	if (res && (res->set & POLICY_RES_PIDS) && !l->pids)
		l->pids = res->pids;
	if (res && (res->set & POLICY_RES_CPU) && !l->cpu_quota_us) {
		l->cpu_period_us = SANDBOX_CPU_PERIOD_US;
		l->cpu_quota_us = res->cpu_millicores * SANDBOX_CPU_PERIOD_US / 1000;
	}
	if (res && (res->set & POLICY_RES_DISK) && !o->disk_bytes)
		o->disk_bytes = res->disk_bytes;
	if (res && (res->set & POLICY_RES_TIMEOUT) && !o->timeout_given)
		o->timeout_s = (double)res->timeout_ms / 1000.0;
	if (res && (res->set & (POLICY_RES_MEMORY | POLICY_RES_PIDS | POLICY_RES_CPU)))
		o->limits_given = true;
	struct cg_limits def;
	sandbox_limits_default(&def);
	if (!l->memory_bytes)
		l->memory_bytes = def.memory_bytes;
	if (!l->pids)
		l->pids = def.pids;
}

/* The published ports: the policy's network.publish entries, then the -p
 * flags, each with its name for messages. A flag taking a host socket one
 * of the policy's entries takes, or any publishing without a route (no
 * policy, or network mode none), is a bad flag: exit 2, nothing starts.
 * What the host then cannot carry out (a taken port, slirp4netns as the
 * route out) is the library's to find: exit 125 (sandbox/network.c). */
void do_publish(struct do_opts *o, const struct policy_view *pv)
{
	o->npublish = 0;
	uint32_t n = pv ? policy_publish_count(pv) : 0;
	/* A valid policy has at most PUBLISH_MAX (policy/view.c). */
	for (uint32_t i = 0; i < n && o->npublish < PUBLISH_MAX; i++) {
		char text[PUBLISH_TEXT_MAX];
		policy_publish(pv, i, &o->publish[o->npublish]);
		publish_format(&o->publish[o->npublish], text, sizeof(text));
		free(o->publish_names[o->npublish]);
		xasprintf(&o->publish_names[o->npublish++], "network.publish: '%s'", text);
	}
	size_t from_policy = o->npublish;
	for (size_t i = 0; i < o->npublish_flags; i++) {
		const char *spec = o->publish_flags[i];
		struct publish p;
		publish_parse(spec, &p);
		if (!pv || policy_net_mode(pv) != POLICY_NET_EGRESS)
			bad_flag("--publish",
				 "'%s': publishing needs a policy with network mode egress "
				 "(--policy); %s",
				 spec,
				 pv ? "this policy's mode none gives the sandbox no network"
				    : "without one the sandbox has no network");
		for (size_t j = 0; j < from_policy; j++) {
			if (!publish_conflict(&p, &o->publish[j]))
				continue;
			char text[PUBLISH_TEXT_MAX];
			publish_format(&o->publish[j], text, sizeof(text));
			bad_flag("--publish",
				 "'%s': host port %u/%s is already published by the policy's "
				 "network.publish entry '%s'",
				 spec, p.host_port, p.proto == IPPROTO_UDP ? "udp" : "tcp", text);
		}
		free(o->publish_names[o->npublish]);
		xasprintf(&o->publish_names[o->npublish], "--publish: '%s'", spec);
		o->publish[o->npublish++] = p;
	}
}

void do_config(struct do_opts *o, struct sandbox_config *cfg)
{
	if (o->quiet)
		log_prefix = "runsc-c";
	if (o->policy_ref)
		policy_setup(o);
	/* The route out's variables, as bad flags: before anything starts. */
	struct rc_error err;
	if (o->policy && policy_net_mode(o->policy) == POLICY_NET_EGRESS &&
	    sandbox_net_env_check(&err) < 0) {
		fprintf(stderr, "runsc-c do: %s\n", err.msg);
		exit(2);
	}
	audit_open(o);
	if (o->policy)
		policy_env_apply(o, o->policy);
	limits_settle(o, o->policy);
	do_publish(o, o->policy);
	*cfg = (struct sandbox_config){
		.argv = o->argv,
		.envp = o->env,
		.cwd = o->cwd,
		.rootfs = o->rootfs,
		.volumes = o->volumes,
		.nvolumes = o->nvolumes,
		.user_set = o->user_set,
		.uid = o->uid,
		.gid = o->gid,
		.hostname = o->hostname,
		.publish = o->publish,
		.npublish = o->npublish,
		.publish_names = (const char *const *)o->publish_names,
		.policy = o->policy,
		.learn = o->learn,
		.audit_fd = o->audit_fd,
		.timeout_s = o->timeout_s,
		.terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO),
		.limits = o->limits,
		.limits_required = o->limits_given,
		.disk_bytes = o->disk_bytes,
		.id = o->id,
		.want_stats = o->stats_path != NULL,
	};
}

/* 64 MiB, 2 GiB, 1536 KiB. */
static const char *size_text(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;
	while (u + 1 < ARRAY_SIZE(units) && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)bytes, units[u]);
	return buf;
}

/* --stats FILE: what the run used and how it ended. */
static void stats_write(const struct do_opts *o, const struct sandbox_config *cfg,
			const struct sandbox_status *status, int exit_status)
{
	struct sandbox_report rep = {
		.exit_status = exit_status,
		.term_signal = status->exit_code > 128 ? status->exit_code - 128 : 0,
		.wall_us = status->wall_us,
		.timeout_ms = (uint64_t)(o->timeout_s * 1000),
		.timed_out = status->timed_out,
		.limits = cfg->limits,
		.have_cgroups = status->have_stats,
		.stats = status->stats,
	};
	struct rc_error err;
	if (report_write_json(o->stats_path, &rep, &err) < 0)
		rc_error_print(&err, "runsc-c", stderr);
}

/* The exit status for a sandbox that ran (r == 0) or could not (err). */
static int do_status(const struct do_opts *o, const struct sandbox_config *cfg, int r,
		     const struct sandbox_status *status, const struct rc_error *err)
{
	if (r < 0) {
		rc_error_print(err, "runsc-c", stderr);
		return EXIT_SETUP;
	}
	int exit_status = status->exit_code;
	char size[32];
	if (status->timed_out) {
		if (!o->quiet)
			fprintf(stderr, "runsc-c: timed out after %g seconds\n", o->timeout_s);
		exit_status = EXIT_TIMEOUT;
	} else if (status->oom_killed && !o->quiet) {
		fprintf(stderr,
			"runsc-c: the sandbox's memory limit (%s) was reached: the kernel killed "
			"the command\n",
			size_text(cfg->limits.memory_bytes, size, sizeof(size)));
	}
	if (o->stats_path)
		stats_write(o, cfg, status, exit_status);
	return exit_status;
}

int do_run(const struct do_opts *o, const struct sandbox_config *cfg)
{
	struct sandbox *sb;
	struct sandbox_status status = {0};
	struct rc_error err;
	int r = sandbox_create(cfg, &sb, &err);
	if (r == 0) {
		/* The cgroups are made while the sandbox starts: whether the
		 * default limits could be applied is known after. */
		r = sandbox_start(sb, &err);
		const char *warning = r == 0 ? sandbox_warning(sb) : NULL;
		if (warning && !o->quiet)
			fprintf(stderr, "runsc-c: %s\n", warning);
		if (r == 0)
			r = sandbox_wait(sb, &status, &err);
		sandbox_destroy(sb);
	}
	if (r == 0 && status.started && o->started_fd > 0)
		(void)!write(o->started_fd, "", 1);
	return do_status(o, cfg, r, &status, &err);
}

int cmd_do(int argc, char **argv)
{
	/* Static: what the options hold lives until runsc-c exits. */
	static struct do_opts o;
	struct sandbox_config cfg;

	do_parse(&o, argc, argv);
	do_config(&o, &cfg);
	/* Nothing pauses a do sandbox or asks for its usage by id (the
	 * service's sandboxes, which share do_config, may be). */
	cfg.no_control_by_id = true;
	return do_run(&o, &cfg);
}
