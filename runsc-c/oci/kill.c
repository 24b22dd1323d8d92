/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c kill [--all] ID [SIGNAL]: sends SIGNAL (a name, with or without
 * SIG, or a number; SIGTERM by default) to the container's process, its
 * monitor. The sandbox library's supervisor there forwards SIGTERM, SIGINT,
 * SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to the guest, whose init passes
 * them to the program; SIGKILL of a started container has the monitor
 * kill the guest (SANDBOX_SIGNAL_KILL), its sentry answering to the end,
 * and waits for the monitor to end (SIGKILL of a monitor that has not
 * ended after 5 s; of one whose container never started, at once). Stop signals would stop the
 * monitor, not the program: they are refused (`pause` stops a container).
 * A paused container's guest gets its signal when resumed, except SIGKILL,
 * which also thaws it so that it dies, as runc does. --all is the same:
 * every process of the guest dies with its init. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	  {"QUIT", SIGQUIT},	 {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},	 {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},	 {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},	 {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},	 {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},	 {"URG", SIGURG},
	{"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
	{"WINCH", SIGWINCH},   {"IO", SIGIO},	  {"POLL", SIGPOLL},	 {"PWR", SIGPWR},
	{"SYS", SIGSYS},
};

/* A signal name or number; 0 if it is neither. */
static int parse_signal(const char *s)
{
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long n = strtol(s, &end, 10);
		return *end || n < 1 || n > SIGRTMAX ? 0 : (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	return 0;
}

int oci_cmd_kill(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+a", longopts, NULL)) != -1)
		if (ch != 'a')
			return oci_bad_flag(argv);
	const char *id = oci_id_arg(argc, argv, optind, 1);
	if (!id)
		return OCI_EXIT_ERROR;
	const char *name = optind + 1 < argc ? argv[optind + 1] : "TERM";
	int sig = parse_signal(name);
	if (!sig) {
		oci_error("kill: '%s': not a signal name or number", name);
		return OCI_EXIT_ERROR;
	}
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		oci_error("kill: %s: stop signals are not supported (runsc-c pause stops a "
			  "container)",
			  name);
		return OCI_EXIT_ERROR;
	}
	struct oci_dir d;
	struct oci_state st;
	struct rc_error err;
	if (oci_dir_open(id, false, &d, &err) < 0 || oci_state_read(&d, &st, &err) < 0) {
		oci_dir_close(&d);
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	int r = 0;
	if (oci_state_status(&st) == OCI_STOPPED) {
		oci_error("container '%s' is not running", id);
		r = -ESRCH;
	} else if ((r = oci_signal(&st, sig)) < 0) {
		oci_error("kill: %s", strerror(-r));
	}
	oci_state_free(&st);
	oci_dir_close(&d);
	return r < 0 ? OCI_EXIT_ERROR : 0;
}
