/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI runtime's command line: the global flags runc accepts before the
 * subcommand (--root, --log, --log-format, --debug, --systemd-cgroup) and
 * the dispatch to one subcommand. Flags are read as runc's Go flag package
 * reads them: -flag and --flag, with the value after '=' or as the next
 * argument. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

struct oci_globals oci_globals = {.root = OCI_DEFAULT_ROOT};

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{"spec", oci_cmd_spec},		{"run", oci_cmd_run},	    {"create", oci_cmd_create},
	{"start", oci_cmd_start},	{"kill", oci_cmd_kill},	    {"delete", oci_cmd_delete},
	{"state", oci_cmd_state},	{"list", oci_cmd_list},	    {"ps", oci_cmd_ps},
	{"features", oci_cmd_features}, {"exec", oci_cmd_exec},	    {"pause", oci_cmd_pause},
	{"resume", oci_cmd_resume},	{"update", oci_cmd_update}, {"events", oci_cmd_events},
};

bool oci_is_command(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return true;
	return false;
}

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD_CGROUP,
};

/* A bad flag: the error and runc's status. */
__attribute__((format(printf, 1, 2))) static int bad_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	oci_error("%s", msg);
	return OCI_EXIT_ERROR;
}

const char *oci_only_id_arg(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		optind = 2;
		oci_bad_flag(argv);
		return NULL;
	}
	return oci_id_arg(argc, argv, 1, 0);
}

const char *oci_id_arg(int argc, char **argv, int first, int extra)
{
	int n = argc - first;
	if (n < 1 || n > 1 + extra) {
		oci_error("%s: expected %s", argv[0],
			  extra ? "the container id and at most one more argument"
				: "exactly one argument, the container id");
		return NULL;
	}
	if (!oci_id_valid(argv[first])) {
		oci_error("'%s': invalid container id (letters, digits, _ + - . only)",
			  argv[first]);
		return NULL;
	}
	return argv[first];
}

int oci_bad_flag(char **argv)
{
	if (optopt && optopt < 256)
		oci_error("%s: -%c: unknown flag or missing value", argv[0], optopt);
	else
		oci_error("%s: %s: unknown flag or missing value", argv[0], argv[optind - 1]);
	return OCI_EXIT_ERROR;
}

/* Fds first to first + count - 1 are all open in the caller (what, with
 * count, names them in the error). The --log file is runsc-c's own: where
 * it took a number the caller left free, that number is not open. */
static int fds_open(char **argv, const char *what, unsigned long count, unsigned long first)
{
	for (unsigned long fd = first; fd < first + count; fd++) {
		if ((int)fd == oci_log_fd() || fcntl((int)fd, F_GETFD) < 0) {
			oci_error("%s: %s %lu: fd %lu is not open", argv[0], what, count, fd);
			return -1;
		}
	}
	return 0;
}

/* A count of fds (what names it: the flag or variable) from 0 to max. */
static int fds_count(char **argv, const char *what, const char *arg, unsigned int max,
		     unsigned int *n)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || *end || errno || v > max) {
		oci_error("%s: %s: expected a number from 0 to %u, got '%s'", argv[0], what, max,
			  arg);
		return -1;
	}
	*n = (unsigned int)v;
	return 0;
}

int oci_preserve_fds_arg(char **argv, const char *arg, unsigned int *n)
{
	if (fds_count(argv, "--preserve-fds", arg, SANDBOX_PRESERVE_FDS_MAX, n) < 0)
		return -1;
	return fds_open(argv, "--preserve-fds", *n, 3);
}

int oci_listen_fds_arg(char **argv, unsigned int preserve_fds, unsigned int *n)
{
	const char *v = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char *end;

	*n = 0;
	/* sd_listen_fds(3)'s rule, which runc applies to itself: the fds are
	 * runsc-c's only where LISTEN_PID names it. */
	if (!v || !pid)
		return 0;
	errno = 0;
	long listen_pid = strtol(pid, &end, 10);
	if (!isdigit((unsigned char)pid[0]) || *end || errno || listen_pid != (long)getpid())
		return 0;
	if (fds_count(argv, "LISTEN_FDS", v, SANDBOX_PRESERVE_FDS_MAX - preserve_fds, n) < 0 ||
	    fds_open(argv, "LISTEN_FDS", *n, 3) < 0)
		return -1;
	/* --preserve-fds's fds follow the listening ones (runc's order). */
	if (*n && fds_open(argv, "--preserve-fds", preserve_fds, 3 + *n) < 0)
		return -1;
	return 0;
}

int oci_inherited_fds_take(char **argv, unsigned int preserve_fds, unsigned int *listen_fds)
{
	if (oci_listen_fds_arg(argv, preserve_fds, listen_fds) < 0)
		return -1;
	oci_stray_fds_close(*listen_fds + preserve_fds);
	return 0;
}

void oci_listen_fds_apply(struct oci_config *c, unsigned int n)
{
	static char listen_fds[32];

	if (n == 0)
		return;
	c->preserve_fds += n;
	snprintf(listen_fds, sizeof(listen_fds), "LISTEN_FDS=%u", n);
	char **envp = env_replaced(c->process.envp, listen_fds);
	if (!envp)
		die("out of memory");
	free(c->process.envp);
	c->process.envp = envp;
	c->listen_pid = true;
}

void oci_stray_fds_close(unsigned int keep)
{
	/* No exec separates runsc-c from the monitor or an exec's stand-in:
	 * whatever fd the caller left open would stay open in them, and a
	 * caller reading a pipe to its end would wait for the container's. */
	unsigned int from = 3 + keep;
	int log = oci_log_fd();
	if (log >= 0 && (unsigned int)log >= from) {
		if ((unsigned int)log > from)
			syscall(SYS_close_range, from, (unsigned int)log - 1, 0);
		from = (unsigned int)log + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

void oci_preserve_fds_close(unsigned int n)
{
	if (n)
		syscall(SYS_close_range, 3, 2 + n, 0);
}

int oci_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, OPT_ROOT},
		{"log", required_argument, NULL, OPT_LOG},
		{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
		{"debug", no_argument, NULL, OPT_DEBUG},
		{"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
		{NULL, 0, NULL, 0},
	};
	const char *bad_format = NULL;
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ROOT:
			if (optarg[0] != '/')
				return bad_usage("--root: '%s': expected an absolute path", optarg);
			oci_globals.root = optarg;
			break;
		case OPT_LOG:
			oci_globals.log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				oci_globals.log_json = true;
			else if (strcmp(optarg, "text") == 0)
				oci_globals.log_json = false;
			else
				bad_format = optarg;
			break;
		case OPT_DEBUG:
			oci_globals.debug = true;
			log_verbose = 1;
			break;
		case OPT_SYSTEMD_CGROUP:
			oci_globals.systemd_cgroup = true;
			break;
		case '?':
		default:
			return bad_usage("%s: unknown global flag or missing value",
					 argv[optind - 1]);
		}
	}
	if (oci_log_open() < 0)
		return OCI_EXIT_ERROR;
	if (bad_format)
		return bad_usage("--log-format: '%s': expected text or json", bad_format);
	if (oci_globals.systemd_cgroup)
		oci_warn("--systemd-cgroup: runsc-c makes no systemd unit; a linux.cgroupsPath of "
			 "systemd's form slice:prefix:name goes where systemd would put its scope, "
			 "through cgroupfs");
	if (optind >= argc)
		return bad_usage("%s", "missing COMMAND (runsc-c --help lists them)");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].fn(argc - optind, argv + optind);
	return bad_usage("'%s': unknown command", argv[optind]);
}
