/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c: the command line. One file per subcommand; this one dispatches. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "runsc-c/do.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/policy.h"
#include "runsc-c/serve/serve.h"
#include "runsc-c/syscalls_cmd.h"

#ifdef HAVE_JEMALLOC
/* Every sandbox has a sentry and a gofer: a small footprint matters more
 * than allocator throughput. One arena, no per-thread caches, no background
 * thread, and freed pages returned quickly. */
extern const char *malloc_conf;
const char *malloc_conf = "narenas:1,tcache:false,background_thread:false,"
			  "dirty_decay_ms:1000,muzzy_decay_ms:0,lg_extent_max_active_fit:4";
#endif

static void usage(FILE *out)
{
	fprintf(out, "usage: runsc-c COMMAND [ARGS]\n"
		     "\n"
		     "commands:\n"
		     "  do [FLAGS] -- CMD [ARG...]   run a command in a new sandbox\n"
		     "  policy check NAME|FILE...    check YAML policies\n"
		     "  policy show NAME|FILE        the effective policy after extends\n"
		     "  syscalls [--format text|markdown] [--counts]\n"
		     "                               the syscall table: class, status, reason\n"
		     "  serve --listen unix:PATH|tcp:ADDR:PORT [--token-file F] [--config F]\n"
		     "                               the sandbox service (docs/api.md)\n"
		     "  version                      print the version\n"
		     "\n"
		     "OCI runtime (runc's command line; docs/oci.md):\n"
		     "  [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		     "  spec [--bundle DIR]          write a default config.json\n"
		     "  run [--bundle DIR] [--pid-file F] ID\n"
		     "                               create and start, in the foreground\n"
		     "  create --bundle DIR [--pid-file F] ID\n"
		     "  start ID | state ID | kill ID [SIGNAL] | delete [--force] ID\n"
		     "  list [--format table|json] | ps [--format json] ID | features\n"
		     "  exec [-e NAME=VALUE] [--cwd DIR] [-u UID[:GID]] [-d] [--pid-file F]\n"
		     "       [--process FILE] ID [COMMAND [ARG...]]\n"
		     "                               another process in the running container\n");
}

int main(int argc, char **argv)
{
	/* Before anything opens a file: a caller may have closed 0, 1 or 2
	 * (a shim with stdin closed), and the --log file, the state lock or
	 * a socket must not take their places. */
	int r = stdio_fds_fill();
	if (r < 0) {
		errno = -r;
		die_errno("opening /dev/null for a closed fd 0, 1 or 2");
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	proc_title_init(argc, argv);
	const char *cmd = argv[1];
	if (strcmp(cmd, "do") == 0)
		return cmd_do(argc - 1, argv + 1);
	if (strcmp(cmd, "syscalls") == 0)
		return cmd_syscalls(argc - 1, argv + 1);
	if (strcmp(cmd, "policy") == 0)
		return cmd_policy(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "serve-monitor") == 0)
		return cmd_serve_monitor(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("runsc-c 0.1.0\n");
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	/* The OCI runtime: its subcommands, and runc's global flags before
	 * one (runsc-c --root DIR create ...). */
	if (oci_is_command(cmd) || cmd[0] == '-')
		return oci_main(argc, argv);
	fprintf(stderr, "runsc-c: '%s': unknown command\n", cmd);
	usage(stderr);
	return 2;
}
