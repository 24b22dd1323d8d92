/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c do`: its flags, and the sandbox config they make. `runsc-c policy
 * learn` takes the same flags and adds its own settings to them. */
#ifndef RUNSC_CLI_DO_H
#define RUNSC_CLI_DO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "gofer/gofer.h"
#include "sandbox/sandbox.h"

struct policy_view;

struct do_opts {
	struct gofer_volume volumes[64];
	size_t nvolumes;
	/* The policy's network.publish entries, then the -p flags'. */
	struct publish publish[2 * PUBLISH_MAX];
	size_t npublish;
	/* How each of publish is named in messages: "--publish: '8080:80'"
	 * (as given), "network.publish: '8080:80/tcp'". */
	char *publish_names[2 * PUBLISH_MAX];
	const char *publish_flags[PUBLISH_MAX]; /* the -p values, as given */
	size_t npublish_flags;
	char *env[256];
	size_t nenv;
	/* The -e flags again: they override the policy's env. */
	const char *env_flags[256];
	size_t nenv_flags;
	const struct policy_view *policy; /* or NULL */
	const char *policy_ref;		  /* --policy NAME|FILE, or NULL */
	const char *audit_path;		  /* --audit FILE, or NULL */
	bool learn; /* every allowed access goes to the audit file (policy learn) */
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
	/* Resource limits from the flags (0: not given): they override the
	 * policy's resources, which override the defaults. */
	struct cg_limits limits;
	uint64_t disk_bytes;
	bool timeout_given;
	bool limits_given;	/* a limit was asked for: unenforceable refuses */
	const char *stats_path; /* --stats FILE, or NULL */
	/* > 0: at the end of a run whose command was started, do_run writes
	 * one byte to this fd, so a caller can tell the command's own 125
	 * from a sandbox that never ran (policy learn). */
	int started_fd;
	const char *id; /* --id ID, or NULL: random */
};

/* The published ports into o->publish: pv's network.publish entries, then
 * the -p flags. A flag for a host port pv publishes, or any without
 * network mode egress, is a bad flag (exit 2). do_config calls it. */
void do_publish(struct do_opts *o, const struct policy_view *pv);

/* Parses `do`'s flags and COMMAND (argv[0] is "do"). A bad flag is one
 * message and exit 2; --help prints the usage and exits 0. */
void do_parse(struct do_opts *o, int argc, char **argv);
/* Loads and compiles the policy for the sandbox's view, opens the audit
 * file and settles the environment, and fills cfg from o (which must outlive
 * the sandbox). A problem is one message per line and exit 2. */
void do_config(struct do_opts *o, struct sandbox_config *cfg);
/* Runs the sandbox cfg describes to its end and returns the exit status:
 * the command's, 124 after the timeout, 137 with a message when the memory
 * limit was reached, 125 when the sandbox could not be set up (with the
 * error printed); writes --stats. */
int do_run(const struct do_opts *o, const struct sandbox_config *cfg);

int cmd_do(int argc, char **argv);

#endif
