/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c as an OCI runtime: the runc command-line contract (create, start,
 * state, kill, delete, list, run, spec) that containerd's runc shim and
 * podman call, over the sandbox library (sandbox/sandbox.h).
 *
 * One file per job: cli.c (global flags, dispatch), log.c (errors to stderr
 * and the --log file), config.c (config.json to a sandbox config), state.c
 * (the state directory, its lock and state file), and one file per
 * subcommand group: spec.c, run.c, create.c + monitor.c, start.c, kill.c,
 * delete.c, query.c (state, list), ps.c, features.c.
 *
 * The container's process. `create` forks a monitor that stays alive for
 * the container's life: it creates the sandbox (the gofer builds the view),
 * then waits on a unix socket in the state directory (CONTROL_SOCKET) for
 * `start`, starts the sandbox, supervises it with sandbox_wait and exits
 * with the program's status. The monitor's pid is the container's pid (the
 * pid file, `state`): it is a descendant of the caller of `create`
 * (containerd's shim is a subreaper and reaps it), `kill` signals it (the
 * library's supervisor forwards SIGTERM, SIGINT, ... to the guest; SIGKILL
 * kills the sentry and the gofer through their PDEATHSIG, and so the
 * guest). `run` is the same in one process: it is its own monitor.
 *
 * The state directory ROOT/ID holds state.json (written by the command
 * that holds the lock, atomically: a temporary file renamed over it) and,
 * while the container is created, the monitor's control socket. The lock
 * is a flock on the directory itself: exclusive for create, start, kill,
 * delete and run's bookkeeping, shared for state and list. The monitor
 * never takes it. Status is computed, as runc does: stopped when the
 * monitor (pid + start time, so a reused pid does not count) is gone or a
 * zombie, else created until `start` succeeded, then running. */
#ifndef RUNSC_OCI_OCI_H
#define RUNSC_OCI_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "gofer/gofer.h"
#include "sandbox/sandbox.h"

#include <json-c/json_object.h>
#include <linux/filter.h>

#include "common/proc_attrs.h"

#define OCI_VERSION	    "1.0.2-dev"
#define OCI_DEFAULT_ROOT    "/run/runsc-c"
#define OCI_STATE_FILE	    "state.json"
#define OCI_CONTROL_SOCKET  "control"
#define OCI_EXIT_ERROR	    1 /* runc's status for every failure of its own */
#define OCI_ID_MAX	    255
#define OCI_START_TIMEOUT_S 60

/* ---- cli.c: the global flags every call accepts ---- */
struct oci_globals {
	const char *root;     /* --root: the state directories */
	const char *log_path; /* --log */
	bool log_json;	      /* --log-format json */
	bool debug;	      /* --debug */
	/* --systemd-cgroup: linux.cgroupsPath is systemd's slice:prefix:name,
	 * placed where systemd would place its scope (config.c). */
	bool systemd_cgroup;
};
extern struct oci_globals oci_globals;

/* Whether cmd is one of the OCI subcommands. */
bool oci_is_command(const char *cmd);
/* runsc-c [GLOBAL FLAGS] COMMAND [FLAGS] [ARGS]; argv[0] is "runsc-c". */
int oci_main(int argc, char **argv);
/* The container id after a subcommand's flags (argv[first]): exactly one
 * argument (more when extra > 0 may follow), a valid id. NULL after
 * printing the error. */
const char *oci_id_arg(int argc, char **argv, int first, int extra);
/* The id of a subcommand that takes no flags (state, pause, resume):
 * NULL after printing the error. */
const char *oci_only_id_arg(int argc, char **argv);
/* A subcommand's flag that is unknown or lacks its value: the error. */
int oci_bad_flag(char **argv);
/* --preserve-fds N (argv[0] the subcommand): 0 to SANDBOX_PRESERVE_FDS_MAX,
 * fds 3 to 2 + N open. -1 after printing the error. */
int oci_preserve_fds_arg(char **argv, const char *arg, unsigned int *n);
/* Closes every fd the caller left open above 2 but the first keep (those
 * of --preserve-fds and LISTEN_FDS) and runsc-c's --log file, as runc
 * leaves none of them in a process that outlives the call. Called once
 * the flags are read, before runsc-c opens anything else. */
void oci_stray_fds_close(unsigned int keep);
/* Closes the caller's preserved fds once the sandbox has its own. */
void oci_preserve_fds_close(unsigned int n);
struct oci_config;
/* Socket activation (run, create), as runc takes it: with LISTEN_FDS=N and
 * LISTEN_PID naming runsc-c in its environment, the caller's fds 3 to
 * 2 + N go to the program ahead of --preserve-fds's. Called as the flags
 * are parsed, before runsc-c opens a file of its own (only --log's is
 * open then, and counts as not open): fds 3 to 2 + N + preserve_fds must
 * all be open, so no fd runsc-c opens later can take one of their
 * numbers. *n is N (0 where LISTEN_PID names another process, or none).
 * -1 after printing the error. */
int oci_listen_fds_arg(char **argv, unsigned int preserve_fds, unsigned int *n);
/* For run and create, which take both: oci_listen_fds_arg, then
 * oci_stray_fds_close of all but the listening and preserved fds. */
int oci_inherited_fds_take(char **argv, unsigned int preserve_fds, unsigned int *listen_fds);
/* Once the config is loaded: c->preserve_fds (--preserve-fds's count)
 * grows by N, and the program gets LISTEN_FDS=N and LISTEN_PID with its
 * own pid. */
void oci_listen_fds_apply(struct oci_config *c, unsigned int n);

/* ---- log.c ---- */
/* Opens --log (appending); messages go there as text or JSON lines. */
int oci_log_open(void);
/* The --log file's fd, or -1. */
int oci_log_fd(void);
/* An error: "runsc-c: MSG" on stderr and a level "error" line in the log. */
void oci_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning: in the log, or on stderr when there is none. */
void oci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* With --debug: in the log, or on stderr when there is none. */
void oci_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The current time as RFC 3339 with nanoseconds, UTC. */
void oci_time_now(char *buf, size_t size);

/* ---- config.c: config.json ---- */
#define OCI_GROUPS_MAX 32 /* process.user.additionalGids */

/* An invalid value: -EINVAL with err "FIELD: WHY". */
int oci_bad(struct rc_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* obj's member key of the given type, or *out NULL when absent (or null);
 * -EINVAL naming field when of another type, or absent and required. */
int oci_member(struct json_object *obj, const char *key, enum json_type type, const char *field,
	       bool required, struct json_object **out, struct rc_error *err);

/* A process object: config.json's "process", or exec's process.json. */
struct oci_process {
	char **argv; /* the strings live in the parsed document */
	char **envp;
	const char *cwd;
	bool user_set;
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* user.additionalGids */
	size_t ngroups;
	bool terminal;
	/* consoleSize: the terminal's size when it starts (0: not given). */
	unsigned short console_rows, console_cols;
	/* rlimits, user.umask, capabilities (process_attrs.c) */
	struct proc_attrs attrs;
};
/* Reads proc; an invalid value fails with err naming the field as prefix
 * + its path ("process." + "args: must not be empty"). */
int oci_process_parse(struct json_object *proc, const char *prefix, struct oci_process *p,
		      struct rc_error *err);
void oci_process_free(struct oci_process *p);
/* process_attrs.c: rlimits, user.umask, capabilities and noNewPrivileges
 * of proc, checked, into a (errors as oci_process_parse's). */
int oci_process_attrs_parse(struct json_object *proc, const char *prefix, struct proc_attrs *a,
			    struct rc_error *err);
/* Raises the caller's own hard limits to those a asks for, which the
 * guest inherits (it cannot raise them itself); the error names the
 * field where the host refuses. */
int oci_rlimits_reach(const struct proc_attrs *a, const char *prefix, struct rc_error *err);
/* hooks.c: config.json's hooks, run on the host (see there). */
enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};
extern const char *const oci_hook_names[OCI_HOOK_KINDS];
/* The state a hook reads on its stdin. */
struct oci_hook_state {
	const char *id;
	const char *status; /* creating, created, running, stopped */
	pid_t pid;
	const char *bundle;
	struct json_object *annotations; /* or NULL */
};
/* doc's hooks, checked: hooks[kind] is its array (inside doc) or NULL. */
int oci_hooks_parse(struct json_object *doc, struct json_object **hooks, struct rc_error *err);
/* Runs the hooks of one kind in order; the first failure is the error. */
int oci_hooks_run(struct json_object *const *hooks, enum oci_hook_kind kind,
		  const struct oci_hook_state *hs, struct rc_error *err);
/* Runs them all; each failure is a warning (poststart, poststop). */
void oci_hooks_warn(struct json_object *const *hooks, enum oci_hook_kind kind,
		    const struct oci_hook_state *hs);

struct oci_config;
/* The state of c's container with status, its process pid. */
struct oci_hook_state oci_hook_state_of(const struct oci_config *c, const char *status, pid_t pid);
/* prestart, createRuntime and createContainer, as create runs them. */
int oci_hooks_create(const struct oci_config *c, struct rc_error *err);

/* seccomp.c: linux.seccomp (linux_ may be NULL) compiled to *prog (len
 * 0: none; the caller frees prog->filter). */
int oci_seccomp_parse(struct json_object *linux_, struct sock_fprog *prog, struct rc_error *err);
/* The features document's parts: the capabilities the sandbox honours
 * (process_attrs.c), what linux.seccomp takes (seccomp.c). */
struct json_object *oci_caps_honoured(void);
struct json_object *oci_seccomp_features(void);
/* "RLIMIT_NOFILE" for RLIMIT_NOFILE. */
const char *oci_rlimit_name(uint32_t resource);
/* Parses text (from path) as one JSON object; errors name the line and
 * column. */
int oci_json_parse(const char *path, const char *text, size_t len, struct json_object **out,
		   struct rc_error *err);

struct oci_config {
	struct json_object *doc; /* the parsed file: the strings below live in it */
	char *bundle;		 /* absolute */
	char *rootfs;		 /* absolute, resolved */
	bool root_readonly;
	struct oci_process process;
	const char *hostname;
	/* linux.sysctl, checked (sysctl.c): keys and values inside doc. */
	struct sysctl_set *sysctls;
	size_t nsysctls;
	/* linux.namespaces' network path, inside doc, or NULL: a new one. */
	const char *netns;
	bool mqueue;		 /* a mount of type mqueue (at /dev/mqueue) */
	struct gofer_tmpfs *shm; /* a tmpfs mount at /dev/shm (owned), or NULL */
	struct gofer_tmpfs *dev; /* a tmpfs mount at /dev (owned), or NULL */
	struct gofer_volume *volumes;
	size_t nvolumes;
	struct json_object *annotations;	   /* an object, inside doc, or NULL */
	struct cg_limits limits;		   /* linux.resources, or the defaults */
	struct cg_more more;			   /* what limits.more points at */
	bool limits_given;			   /* linux.resources named a limit */
	struct sock_fprog seccomp;		   /* linux.seccomp compiled; len 0: none */
	struct json_object *hooks[OCI_HOOK_KINDS]; /* inside doc, or NULL */
	/* linux.maskedPaths and readonlyPaths, made normal (owned). */
	char **masked;
	size_t nmasked;
	char **readonly;
	size_t nreadonly;
	/* annotations dev.runsc-c.policy (compiled for the view, owned) and
	 * dev.runsc-c.audit (the file, opened for appending), or NULL and -1;
	 * what the policy adds: its network.publish entries, the disk size
	 * and the time limit of its resources section. */
	struct policy_view *policy;
	int audit_fd;
	struct publish publish[PUBLISH_MAX];
	size_t npublish;
	uint64_t disk_bytes;
	double timeout_s;
	/* The container's id, set by the command (the hooks' state). */
	const char *id;
	/* The sandbox's own id (random), which names its cgroups: kept in the
	 * state so that delete removes what a killed monitor left. */
	char sandbox_id[SANDBOX_ID_MAX + 1];
	/* linux.cgroupsPath made normal (cg_path_normal), where the sandbox's
	 * cgroups are instead of runsc-c/<sandbox_id>; "" when not given. */
	char cgroup_path[CG_PATH_MAX + 1];
	/* --console-socket (console.c), set by the command: with
	 * process.terminal, the terminal goes there instead of being relayed. */
	const char *console_socket;
	/* --preserve-fds, set by the command: fds 3 to 2 + N are the
	 * program's too. */
	unsigned int preserve_fds;
	/* Socket activation (oci_listen_fds): the program's environment gets
	 * LISTEN_PID with the program's pid, set at its exec. */
	bool listen_pid;
};
/* Reads BUNDLE/config.json. An invalid value fails with err naming the
 * field ("process.args: must not be empty"); unknown fields are ignored. */
int oci_config_load(const char *bundle, struct oci_config *c, struct rc_error *err);
/* A path from the config: absolute, or relative to the bundle. */
char *oci_bundle_path(const struct oci_config *c, const char *p);

/* sysctl.c: linux.sysctl (linux_ an object) into c->sysctls, each one
 * checked as runc checks it; after linux.namespaces. */
int oci_sysctl_parse(struct oci_config *c, struct json_object *linux_, struct rc_error *err);
void oci_sysctl_free(struct oci_config *c);

/* ---- annotations.c: dev.runsc-c.policy and dev.runsc-c.audit ---- */
/* oci/tmpfs.c: mounts[i] (field) of type tmpfs at dest, with its options
 * opts, as a tmpfs volume of c; a bad option is an error naming field. */
int oci_parse_tmpfs(struct oci_config *c, struct json_object *m, const char *field,
		    const char *dest, char **opts, struct rc_error *err);
void oci_tmpfs_free(const struct gofer_tmpfs *t);

/* The policy, compiled for the view of c's rootfs and volumes (so after
 * the mounts are read); its problems are err. */
int oci_policy_annotation(struct oci_config *c, struct rc_error *err);
/* The policy's resources: the limits given (linux.resources') leaves
 * unset, its disk size and time limit. */
void oci_policy_resources(struct oci_config *c, struct cg_limits *given);
/* The audit file, opened once the rest of the config is valid. */
int oci_audit_annotation(struct oci_config *c, struct rc_error *err);

/* linux.resources into c->limits (the policy's resources for what it
 * leaves, then the defaults), and linux.cgroupsPath into c->cgroup_path
 * (resources.c). */
int oci_config_resources(struct oci_config *c, struct json_object *doc, struct rc_error *err);
int oci_cgroups_path_parse(struct oci_config *c, struct json_object *linux_, struct rc_error *err);
/* A LinuxResources object (config.json's linux.resources, update -r):
 * the memory, pids and cpu limits it gives, 0 for those it does not.
 * Errors name the field as prefix.memory.limit, ... res may be NULL. */
int oci_resources_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
			struct cg_more *more, struct rc_error *err);
/* resources_more.c: the rest of a LinuxResources object (cpu's shares,
 * real-time budget and cpuset, blockIO, hugepageLimits, network,
 * unified, devices) into l, and into more with l->more pointing at it
 * when any of those is given. */
int oci_resources_more_parse(struct json_object *res, const char *prefix, struct cg_limits *l,
			     struct cg_more *more, struct rc_error *err);
/* Whether l holds any of those. */
bool oci_resources_more_given(const struct cg_limits *l);
/* The sandbox's config; a terminal for the console socket, else only when
 * stdin and stdout are one. */
void oci_config_sandbox(const struct oci_config *c, struct sandbox_config *cfg);
void oci_config_free(struct oci_config *c);

/* ---- state.c: ROOT/ID ---- */
enum oci_status { OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct oci_state {
	char id[OCI_ID_MAX + 1];
	pid_t pid;			   /* the monitor */
	unsigned long long pid_start_time; /* its start time (/proc/PID/stat) */
	bool started;
	/* The sandbox's id (sandbox_id), which names its cgroups: pause,
	 * resume, update and events act on it, delete removes what a killed
	 * monitor left. "" in a state written before it was recorded. */
	char sandbox_id[SANDBOX_ID_MAX + 1];
	/* Its cgroups' path (config.json's linux.cgroupsPath, made normal),
	 * or "": runsc-c/<sandbox_id>. */
	char cgroup_path[CG_PATH_MAX + 1];
	char *bundle;
	char *rootfs;
	char created[64];
	struct json_object *annotations; /* owned; NULL: none */
	/* config.json's hooks.poststop, for delete: owned when read, NULL:
	 * none. */
	struct json_object *poststop;
};

/* An open, locked state directory. */
struct oci_dir {
	int fd; /* the directory, flocked; -1 when closed */
	char id[OCI_ID_MAX + 1];
};

/* Whether id is a valid container id (runc's: [A-Za-z0-9_+.-], not . or ..). */
bool oci_id_valid(const char *id);
/* Makes ROOT/ID and locks it exclusively. -EEXIST if the id is taken. */
int oci_dir_create(const char *id, struct oci_dir *d, struct rc_error *err);
/* Opens and locks ROOT/ID (exclusive or shared). -ENOENT if absent. */
int oci_dir_open(const char *id, bool exclusive, struct oci_dir *d, struct rc_error *err);
/* Removes ROOT/ID and everything in it; closes (unlocks) d. */
void oci_dir_remove(struct oci_dir *d);
void oci_dir_close(struct oci_dir *d);

/* Writes state.json atomically. */
int oci_state_write(const struct oci_dir *d, const struct oci_state *st, struct rc_error *err);
/* Reads state.json: -ENOENT when there is none (a container being
 * created, or one whose creator died before writing it). */
int oci_state_read(const struct oci_dir *d, struct oci_state *st, struct rc_error *err);
void oci_state_free(struct oci_state *st);
/* The cgroup path of st's sandbox for the sandbox library, or NULL. */
static inline const char *oci_cgroup_path(const struct oci_state *st)
{
	return st->cgroup_path[0] ? st->cgroup_path : NULL;
}
/* created, running or stopped, from the monitor's liveness; paused when
 * running with the guest frozen. */
enum oci_status oci_state_status(const struct oci_state *st);
const char *oci_status_name(enum oci_status s);
/* The start time of a live process (field 22 of /proc/PID/stat), 0 if it is
 * gone or a zombie. */
unsigned long long oci_pid_start_time(pid_t pid);
/* runc's state JSON of the container (owner as given). */
struct json_object *oci_state_json(const struct oci_state *st, const char *owner);
/* Sends sig to the container's process; SIGKILL also thaws a paused
 * guest, which acts on it only once thawed (runc does the same). */
int oci_signal(const struct oci_state *st, int sig);
/* Opens and locks ROOT/ID and reads its state; prints the error and
 * returns -1 (nothing left open) if it cannot. */
int oci_state_load(const char *id, bool exclusive, struct oci_dir *d, struct oci_state *st);
/* Writes the pid file atomically. */
int oci_pid_file_write(const char *path, pid_t pid, struct rc_error *err);

/* ---- exec: `runsc-c exec` (exec.c) and the monitor's side (monitor_exec.c) ----
 *
 * `runsc-c exec` connects to the monitor's control socket and sends one
 * OCI_EXEC_REQUEST with its stdin, stdout and stderr and a sealed memfd of
 * len bytes: the process as JSON (runc's process.json), then value
 * (--preserve-fds, at most SANDBOX_EXEC_PRESERVE_MAX) more fds, the
 * process's 3 to 2 + value: up to OCI_EXEC_FIRST_PRESERVE in the request,
 * the rest right after it in OCI_EXEC_FDS messages of up to MSG_FDS_MAX
 * each (what one message carries). The monitor
 * parses it again (oci_process_parse) and asks the sandbox for it
 * (sandbox_exec), then answers OCI_EXEC_STARTED (value: the pid in the
 * guest) or OCI_EXEC_FAILED (text: why; value: the errno behind it, or
 * 0 for a malformed request), and after STARTED, once the
 * process ended, OCI_EXEC_EXITED (value: its status as a shell shows it).
 * Meanwhile the client may send OCI_EXEC_SIGNAL (value: the signal) as
 * often as it likes; if it goes away, the process is killed (SIGKILL):
 * the client is the process's stand-in for the caller, who waits on it
 * and signals it. On a connection of the sandbox service's
 * (oci_exec_adopt with builtins), an OCI_EXEC_REQUEST_BUILTIN, with the
 * same four fds and no more, names in value one of the guest init's
 * builtins (enum exec_builtin, common/exec_proto.h) that the process
 * runs in place of exec'ing args[0]. Either request, without preserved
 * fds, may carry its JSON in place of the memfd: the len bytes (1 to
 * OCI_EXEC_INLINE_MAX) follow the struct in the same message, which then
 * carries the three stdio fds alone. On such a connection the guest init
 * writes the process's start and end itself (struct exec_msg's
 * EXEC_EV_STARTED and EXEC_EV_EXITED, the report of common/exec_proto.h):
 * the monitor then answers no OCI_EXEC_STARTED, only the rest. */
#define OCI_EXEC_MAGIC	     0x6f657863u /* "cxeo" */
#define OCI_EXEC_PROCESS_MAX (4u << 20)	 /* bytes of process JSON */
#define OCI_EXEC_INLINE_MAX  (64u << 10) /* bytes of process JSON in the request */
#define OCI_EXIT_EXEC_ERROR  255	 /* runc exec's status when it cannot exec */

enum oci_exec_op {
	OCI_EXEC_REQUEST = 1,
	OCI_EXEC_SIGNAL,
	OCI_EXEC_STARTED,
	OCI_EXEC_FAILED,
	OCI_EXEC_EXITED,
	OCI_EXEC_REQUEST_BUILTIN,
	OCI_EXEC_FDS,
};
#define OCI_EXEC_FIRST_PRESERVE (MSG_FDS_MAX - 4)

struct oci_exec_msg {
	uint32_t magic;
	uint32_t op; /* enum oci_exec_op */
	int32_t value;
	uint32_t len;
	char text[512];
};

/* Binds and listens on the control socket of the state directory dir_fd
 * (monitor.c). The socket, or -errno with err filled. */
int oci_control_listen(int dir_fd, struct rc_error *err);
/* A connection to the monitor's control socket in dir_fd, or -errno
 * (-ENOENT, -ECONNREFUSED: no monitor listens). */
int oci_control_connect(int dir_fd);
/* The monitor serves exec requests on listen_fd (its control socket,
 * non-blocking) from sandbox_wait's loop until oci_exec_serve_end. */
int oci_exec_serve(struct sandbox *sb, int listen_fd, struct rc_error *err);
/* Closes every connection still open. */
void oci_exec_serve_end(struct sandbox *sb);
/* Serves exec requests on one connection the caller already has (the
 * sandbox service's monitor gets them over its own socket); takes cfd.
 * builtins: its requests may name a builtin. */
int oci_exec_adopt(struct sandbox *sb, int cfd, bool builtins);
/* Answers an exec request that came before the container started. */
void oci_exec_refuse(int conn, const char *why);

/* ---- monitor.c: the container's process (see above) ---- */
/* Runs in the forked monitor: creates the sandbox, reports on ready_fd
 * ("" for ready, else the error) and closes it, waits for start, runs the
 * sandbox to its end. dir_fd is the state directory (not locked by the
 * monitor). Returns the exit status. */
int oci_monitor(const struct oci_config *c, int dir_fd, int ready_fd, int console_fd);

/* ---- console.c: --console-socket ---- */
/* runc's rules: a console socket needs process.terminal, and a detached
 * process with a terminal needs a console socket (runsc-c relays a
 * terminal only for run in the foreground). */
int oci_console_check(bool terminal, const char *console_socket, struct rc_error *err);
/* A connection to the console socket at path (which must be a socket). */
int oci_console_connect(const char *path, struct rc_error *err);
/* Sends the terminal of sb (terminal_detached) over conn: its master, the
 * slave's name as the data; keeps no copy. */
int oci_console_send(struct sandbox *sb, int conn, struct rc_error *err);
/* Sends master with name as the data over conn (the caller keeps master). */
int oci_console_send_master(int conn, int master, const char *name, struct rc_error *err);

/* ---- the steps of a life cycle, for the subcommands and run --detach ---- */
/* Creates container id (create.c): the monitor runs, the state and the pid
 * file are written. */
int oci_create(const char *id, const char *pid_file, const struct oci_config *c,
	       struct rc_error *err);
/* Starts a created container (start.c); err must not be NULL. */
int oci_start(const char *id, struct rc_error *err);
/* Removes a container (delete.c): killed first if created, or if running
 * with force; with force a missing one is no error. err may be NULL. */
int oci_delete(const char *id, bool force, struct rc_error *err);

/* ---- the subcommands; argv[0] is the subcommand's name ---- */
int oci_cmd_spec(int argc, char **argv);
int oci_cmd_run(int argc, char **argv);
int oci_cmd_create(int argc, char **argv);
int oci_cmd_start(int argc, char **argv);
int oci_cmd_kill(int argc, char **argv);
int oci_cmd_delete(int argc, char **argv);
int oci_cmd_state(int argc, char **argv);
int oci_cmd_list(int argc, char **argv);
int oci_cmd_ps(int argc, char **argv);
int oci_cmd_features(int argc, char **argv);
int oci_cmd_exec(int argc, char **argv);
int oci_cmd_pause(int argc, char **argv);
int oci_cmd_resume(int argc, char **argv);
int oci_cmd_update(int argc, char **argv);
int oci_cmd_events(int argc, char **argv);

#endif
