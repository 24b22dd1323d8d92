/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox life cycle as a library: what `runsc-c do`, `runsc-c policy
 * learn` (and the OCI runtime and the sandbox service) build on. The caller
 * decides everything in a struct sandbox_config; the library forks the gofer
 * and the sentry in the right order, waits for them to be ready, supervises
 * them (signals, the terminal, the timeout) and tears everything down.
 *
 *	sandbox_create   block the signals the sandbox takes, fork the gofer
 *	                 (it builds the view), build the guest's filters, open
 *	                 the terminal
 *	sandbox_start    fork the sentry, which starts the guest's command;
 *	                 returns once the guest runs
 *	sandbox_wait     supervise until the sentry exits: its status is the
 *	                 command's
 *	sandbox_kill     send a signal to the guest's init (which forwards it)
 *	sandbox_exec     start another process in the running guest
 *	sandbox_destroy  kill what is left, restore the terminal, free
 *
 * Errors come back as a negative errno and a struct rc_error naming what
 * failed; the library prints nothing for the user. The calling process must
 * be single-threaded (the forks skip atfork handlers), runs one sandbox at
 * a time (the sentry is forked without an exec and would inherit what the
 * process holds of another), and keeps SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD and SANDBOX_SIGNAL_KILL blocked from
 * sandbox_create on: the supervisor takes them through a signalfd and
 * forwards them, and one that comes after the sandbox ended must not kill
 * the caller. */
#ifndef RUNSC_SANDBOX_SANDBOX_H
#define RUNSC_SANDBOX_SANDBOX_H

#include <linux/filter.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/limits.h"
#include "common/path_masks.h"
#include "common/proc_attrs.h"
#include "common/publish.h"
#include "common/sysctl.h"
#include "gofer/gofer.h"
#include "sandbox/cgroup.h"

struct policy_view;

struct sandbox_config {
	char **argv; /* the command; argv[0] is looked up in the guest's PATH */
	/* One of the guest init's builtins (enum exec_builtin,
	 * common/exec_proto.h) as the command in place of a program: argv[0]
	 * names it, argv[1] on are its arguments. 0: exec argv[0]. */
	uint32_t builtin;
	char **envp;	    /* the guest's whole environment */
	const char *cwd;    /* working directory in the view (absolute) */
	const char *rootfs; /* host directory; "/" is the host's root, secrets hidden */
	bool root_readonly; /* writes to the root fail (EROFS); volumes are as given */
	const struct gofer_volume *volumes;
	size_t nvolumes;
	/* Masked and read-only paths (common/path_masks.h): the gofer applies
	 * those of the view, the sentry those of /proc. */
	struct path_masks masks;
	bool user_set; /* run as uid:gid; else as 0:0 */
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups with user_set (at most
			      * EXEC_MAX_GROUPS); none: gid alone */
	size_t ngroups;
	/* The command's rlimits, umask and capabilities (common/proc_attrs.h),
	 * or NULL for the guest's defaults. */
	const struct proc_attrs *attrs;
	/* A seccomp filter of the caller's (an OCI config's linux.seccomp),
	 * stacked on the sandbox's for the command and every exec'd process:
	 * the kernel takes the most restrictive action of the two. NULL:
	 * none. It must keep the exec loader's calls (RUNSC_NR_LOADER,
	 * prctl(PR_SET_MM)) and init's PATH search (RUNSC_NR_EXEC_SEARCH)
	 * allowed. */
	const struct sock_fprog *filter;
	const char *hostname;
	/* Sysctls of the guest's own namespaces (common/sysctl.h), set before
	 * its command runs; a failure fails sandbox_start. */
	const struct sysctl_set *sysctls;
	size_t nsysctls;
	/* A network namespace for the guest to join (a path such as
	 * /run/netns/NAME or /proc/PID/ns/net: an OCI config's
	 * linux.namespaces), whose interfaces and routes are its own; NULL: a
	 * new one with loopback alone. Not with publish nor the policy's
	 * network mode egress, which make the route out themselves. */
	const char *netns;
	/* No /dev/mqueue in the view (an OCI config that mounts none); the
	 * guest's IPC namespace, with its message queues, is there either
	 * way. */
	bool no_mqueue;
	/* /dev/shm's tmpfs options and flags (an OCI config's), or NULL: the
	 * sandbox's own. */
	const struct gofer_tmpfs *shm;
	/* /dev's tmpfs options and flags (an OCI config's tmpfs at /dev), or
	 * NULL: the sandbox's own, read-only /dev. */
	const struct gofer_tmpfs *dev;
	/* /dev/core -> /proc/kcore in /dev, as runc and crun make it (OCI). */
	bool dev_core;
	/* The caller's fds 3 to 2 + preserve_fds are the command's too, at
	 * the same numbers (runc's --preserve-fds); the caller may close them
	 * once sandbox_start returned. At most SANDBOX_PRESERVE_FDS_MAX. */
	unsigned int preserve_fds;
	/* Socket activation: the command's environment gets LISTEN_PID with
	 * the command's own pid (as it sees it), set right before its exec. */
	bool listen_pid;
	/* Ports of the guest published on the host (common/publish.h): the
	 * route out forwards exactly these and nothing else. They need the
	 * policy's network mode egress (sandbox_start refuses them without
	 * it), and no two may take the same host socket. */
	const struct publish *publish;
	size_t npublish;
	/* How the caller named each of them, for messages ("--publish:
	 * '8080:80'"), or NULL: "publishing" and its canonical text. A
	 * published port the host cannot carry out (a taken port, an address
	 * not the host's, a route out that cannot publish) stops
	 * sandbox_start with a message starting with that name. */
	const char *const *publish_names;
	/* The compiled policy (policy/policy.h), or NULL: no rules. It must
	 * stay alive and unchanged until sandbox_destroy. */
	const struct policy_view *policy;
	/* With a policy: every allowed access goes to audit_fd too (`runsc-c
	 * policy learn`). */
	bool learn;
	int audit_fd;	  /* JSON lines of the policy's decisions, or -1 */
	double timeout_s; /* wall-clock limit from sandbox_start; 0: none */
	/* The caller's stdin and stdout are a terminal: the guest gets a
	 * terminal of its own, relayed to them. Else the guest inherits the
	 * caller's fds 0, 1 and 2. */
	bool terminal;
	/* With terminal: the terminal is the caller's to hand on, not relayed
	 * (an OCI console socket). Its master, taken with
	 * sandbox_terminal_take() before sandbox_start, starts at the size 0x0
	 * with the kernel's default modes; the caller's own terminal is left
	 * alone. */
	bool terminal_detached;
	/* sandbox_terminal_new can make terminals for processes started with
	 * sandbox_exec (the sandbox keeps a handle on its devpts). */
	bool exec_terminals;
	/* Resource limits, enforced through the sandbox's cgroups
	 * (sandbox/cgroup.h; 0: none). memory and pids bound the guest, and
	 * the sandbox as a whole gets what its sentry and gofer need on
	 * top. */
	struct cg_limits limits;
	/* The limits were asked for (a flag, a policy, a runtime config):
	 * where cgroups cannot enforce them, the sandbox does not start.
	 * Otherwise it starts unbounded and sandbox_warning() says why. */
	bool limits_required;
	uint64_t disk_bytes; /* size of the private writable layer; 0: 512 MiB */
	/* Names the sandbox's cgroups (runsc-c/<id>) and its audit records;
	 * NULL: random. At most SANDBOX_ID_MAX bytes of [A-Za-z0-9_.-]. */
	const char *id;
	/* The sandbox's cgroups at this cgroup path in every hierarchy
	 * instead of runsc-c/<id> (cgroup.h: cg_path_normal; an OCI config's
	 * linux.cgroupsPath); NULL: runsc-c/<id>. The cgroup must not exist
	 * yet; its missing parents are made. With a path, cgroups are
	 * required: where they cannot be made the sandbox does not start. */
	const char *cgroup_path;
	/* sandbox_status.stats is filled at the end (all the cgroups'
	 * statistics); else only what oom_killed needs is read. */
	bool want_stats;
	/* Nothing will pause the sandbox or read its usage by id (runsc-c
	 * do): on v1 it gets no freezer cgroup, and a cpuacct one only with
	 * want_stats. */
	bool no_control_by_id;
	/* The cgroups are made by sandbox_create (an OCI runtime's create,
	 * after which they exist), not while sandbox_start starts the sentry
	 * (off the start's critical path: what a caller that starts at once
	 * wants). */
	bool cgroups_at_create;
};

#define SANDBOX_ID_MAX		 64
#define SANDBOX_PRESERVE_FDS_MAX 1024
#define SANDBOX_DISK_DEFAULT	 (512ULL << 20)
#define SANDBOX_PIDS_DEFAULT	 4096
#define SANDBOX_CPU_PERIOD_US	 100000
/* Where the host's shared /sys trees live (docs/oci.md, "The sandbox's
 * /sys"); the environment variable names another directory. */
#define SANDBOX_SYS_CACHE     "/run/runsc-c/sys"
#define SANDBOX_SYS_CACHE_ENV "RUNSC_C_SYS_CACHE"

/* A limit's text, as `runsc-c do --memory/--pids/--cpus/--disk` and the
 * sandbox service's limits take it (name: memory, pids, cpus or disk):
 * memory and disk a size (size_parse) of at least LIMIT_MEMORY_MIN and
 * LIMIT_DISK_MIN, pids a number of tasks, cpus a number of CPUs (0.01 up
 * to the host's), set in limits (the cpu quota and period) or *disk_bytes.
 * 0, or -EINVAL with err naming the text and what was expected (-ENOENT:
 * no limit of that name). The one parser of these values, made of
 * common/limits.h's for sizes and tasks. */
int sandbox_limit_parse(const char *name, const char *text, struct cg_limits *limits,
			uint64_t *disk_bytes, struct rc_error *err);

/* The environment variables that steer a network mode egress sandbox,
 * checked before anything starts: RUNSC_C_NET_ENGINE (pasta or
 * slirp4netns) and RUNSC_C_DNS_UPSTREAM (an IPv4 address), each unset,
 * empty or valid. 0, or -EINVAL with err naming the variable and its value.
 * sandbox_start checks them again (whether the engine is installed too). */
int sandbox_net_env_check(struct rc_error *err);

/* An id sandbox_config.id may hold. */
bool sandbox_id_valid(const char *id);

/* The limits a sandbox gets when its caller names none: 4096 tasks and
 * half of the host's memory, so that a fork bomb or a memory bomb is held
 * out of the box. */
void sandbox_limits_default(struct cg_limits *limits);

/* How a sandbox ended (sandbox_wait). */
struct sandbox_status {
	/* The command's status as a shell shows it: its exit code, or 128+N
	 * if it died of signal N (so also when the sentry did). */
	int exit_code;
	/* The guest's init ran, so the command was started (or its exec
	 * failed as in a shell). false: the sandbox failed before that (its
	 * network, its view...) with a message, and exit_code is the sentry's (125). */
	bool started;
	bool timed_out; /* the config's timeout ended it (the guest was killed) */
	/* The command died of SIGKILL from the kernel's OOM killer: the
	 * memory limit was reached. */
	bool oom_killed;
	uint64_t wall_us; /* from sandbox_start to the command's end */
	/* What the sandbox used (from its cgroups), when it had them and the
	 * config's want_stats asked. */
	bool have_stats;
	struct cg_stats stats;
};

struct sandbox;

/* Every function returns 0 or a negative errno with err filled. cfg must
 * stay alive until sandbox_destroy. After a failure of sandbox_create, *sb
 * is NULL and nothing is left; after any other, call sandbox_destroy. */
int sandbox_create(const struct sandbox_config *cfg, struct sandbox **sb, struct rc_error *err);
int sandbox_start(struct sandbox *sb, struct rc_error *err);
/* Sent to the process supervising a sandbox (sandbox_wait), this signal
 * kills the guest's init with SIGKILL, and with it every process of the
 * guest, while the sentry still answers: the way to kill a sandbox from
 * another process (runsc-c kill ID KILL). A SIGKILL of the supervisor
 * itself kills the guest too, but the guest's trapped calls get ENOSYS
 * from the kernel in the moment between. */
#define SANDBOX_SIGNAL_KILL (SIGRTMAX)
int sandbox_wait(struct sandbox *sb, struct sandbox_status *status, struct rc_error *err);
/* Sends sig to the guest's init, which forwards it to the command. */
int sandbox_kill(struct sandbox *sb, int sig, struct rc_error *err);
void sandbox_destroy(struct sandbox *sb);
/* Removes what sandbox id (made with cgroup_path, or NULL) left behind
 * when its launcher was killed (its cgroups, and any process still in
 * them). For the caller that knows the launcher is gone, as `runsc-c
 * delete` does; a no-op for a sandbox that ended cleanly. Returns 0 or a
 * negative errno. */
int sandbox_remove_leftovers(const char *id, const char *cgroup_path);
/* The master of a terminal_detached sandbox's terminal, now the caller's
 * (close-on-exec), with the guest's path of its slave (/dev/pts/N) in name;
 * -ENOTTY when there is none or it was taken already. */
int sandbox_terminal_take(struct sandbox *sb, char *name, size_t name_len);
/* With exec_terminals, after sandbox_create: a new terminal of the
 * sandbox's devpts for sandbox_exec (tty). *master is the caller's,
 * *slave goes into the exec's stdio and is closed after sandbox_exec; name
 * is the slave's path in the guest. Both close-on-exec; the size starts
 * at 0x0. */
int sandbox_terminal_new(struct sandbox *sb, int *master, int *slave, char *name, size_t name_len,
			 struct rc_error *err);
/* After sandbox_create: NULL, or why the default limits could not be
 * applied (the sandbox runs without them). */
const char *sandbox_warning(const struct sandbox *sb);
/* After sandbox_create: the id that names its cgroups (cfg->id or a random
 * one), for the calls below. */
const char *sandbox_id(const struct sandbox *sb);

/* ---- a living sandbox by id, from any process (sandbox/limits.c) ----
 *
 * Each call names the sandbox by its id and the cgroup_path it was made
 * with (NULL: none, its cgroups are runsc-c/<id>).
 * Pausing freezes the guest's cgroup (cgroup.h: cg_freeze) and returns
 * once every guest task has stopped; the sentry and the gofer keep
 * running, so calls a guest task had made are answered and their task
 * then stops. Resuming thaws it. Each returns 0 or a negative errno with
 * err filled: -ENOENT for an id without cgroups, -EOPNOTSUPP where the
 * host has no freezer. */
int sandbox_pause(const char *id, const char *cgroup_path, struct rc_error *err);
int sandbox_resume(const char *id, const char *cgroup_path, struct rc_error *err);
/* 1 when paused, 0 when not (or it has no cgroups). */
int sandbox_paused(const char *id, const char *cgroup_path);
/* New limits for a living sandbox (0 fields stay), checked as at create. */
int sandbox_update(const char *id, const char *cgroup_path, const struct cg_limits *limits,
		   struct rc_error *err);
/* What it uses now (cgroup.h: struct cg_usage). */
int sandbox_usage(const char *id, const char *cgroup_path, struct cg_usage *usage,
		  struct rc_error *err);

/* ---- more processes in a running sandbox (sandbox/exec.c) ----
 *
 * After sandbox_start, sandbox_exec starts another process in the guest,
 * as `runsc-c exec` does: the guest's init forks it the way it forked the
 * command (same namespaces, cgroup, seccomp filters, sentry and gofer),
 * and its program is exec'd through the sentry's exec path, inside the
 * view. What becomes of it is told through fn, called from sandbox_wait's
 * loop (or from sandbox_destroy): STARTED then EXITED, or FAILED. When
 * the command ends first, the guest's pid namespace ends every other
 * process: each still running is reported EXITED with 128+SIGKILL. */
struct sandbox_exec_config {
	char *const *argv; /* argv[0] is looked up in envp's PATH */
	char *const *envp;
	const char *cwd; /* absolute, in the view; NULL: the command's */
	bool user_set;	 /* run as uid:gid with groups; else as 0:0 */
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups; none: gid alone */
	size_t ngroups;
	const struct proc_attrs *attrs; /* rlimits, umask, capabilities; or NULL */
	int stdio[3];			/* its fds 0, 1, 2 (the guest gets copies) */
	/* stdio[0] is a terminal (sandbox_terminal_new's slave): the process
	 * leads a session of its own with it as the controlling terminal. */
	bool tty;
	/* Fds that become the process's 3 to 2 + npreserve (the guest gets
	 * copies; runc's exec --preserve-fds); at most
	 * SANDBOX_EXEC_PRESERVE_MAX. */
	const int *preserve;
	unsigned int npreserve;
	/* One of the guest init's builtins (enum exec_builtin,
	 * common/exec_proto.h) in place of a program: argv[0] names it,
	 * argv[1] on are its arguments; never with tty. 0: exec argv[0]. */
	uint32_t builtin;
	/* report_fd, a connection of the caller's, gets the process's start
	 * and end straight from the guest's init (common/exec_proto.h), each
	 * before the callback's event; the callback still gets every event.
	 * With at most SANDBOX_EXEC_PRESERVE_MAX - 1 fds preserved. */
	bool report;
	int report_fd;
};
/* The most fds one sandbox_exec preserves: what one message to the
 * guest's init carries beside the process's stdio and arguments. */
#define SANDBOX_EXEC_PRESERVE_MAX 1024

enum sandbox_exec_event_kind {
	SANDBOX_EXEC_STARTED, /* its program runs: guest_pid */
	SANDBOX_EXEC_FAILED,  /* it did not start: err */
	SANDBOX_EXEC_EXITED,  /* it ended: exit_code (128+N for signal N) */
};

struct sandbox_exec_event {
	enum sandbox_exec_event_kind kind;
	uint32_t exec_id;
	pid_t guest_pid;
	int exit_code;
	struct rc_error err;
};

typedef void (*sandbox_exec_fn)(struct sandbox *sb, const struct sandbox_exec_event *ev, void *arg);

/* Asks for the process; 0 and *exec_id, or -errno with err filled (a bad
 * config, the sandbox not running, too many at once). */
int sandbox_exec(struct sandbox *sb, const struct sandbox_exec_config *ec, sandbox_exec_fn fn,
		 void *arg, uint32_t *exec_id, struct rc_error *err);
/* Sends sig to that process while it runs. */
int sandbox_exec_kill(struct sandbox *sb, uint32_t exec_id, int sig, struct rc_error *err);
/* fn is no longer called for that process (its caller went away). */
void sandbox_exec_forget(struct sandbox *sb, uint32_t exec_id);

/* More event sources for sandbox_wait's loop, after sandbox_start: fn runs
 * whenever fd is readable (or hung up), until sandbox_unwatch(fd). fn may
 * watch and unwatch fds, its own included. */
typedef void (*sandbox_watch_fn)(struct sandbox *sb, int fd, void *arg);
int sandbox_watch(struct sandbox *sb, int fd, sandbox_watch_fn fn, void *arg, struct rc_error *err);
void sandbox_unwatch(struct sandbox *sb, int fd);

/* create, start, wait and destroy in one: the life of a sandbox that runs
 * one command to its end. */
int sandbox_run(const struct sandbox_config *cfg, struct sandbox_status *status,
		struct rc_error *err);

#endif
