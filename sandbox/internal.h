/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the sandbox library: the state of one sandbox, shared by its life
 * cycle (sandbox.c), the terminal relay (term.c) and the supervisor loop
 * (supervise.c). Not for callers of the library: they see sandbox/sandbox.h. */
#ifndef RUNSC_SANDBOX_INTERNAL_H
#define RUNSC_SANDBOX_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>

#include "sandbox/cgroup.h"
#include "sandbox/sandbox.h"

struct sentry_hooks;

/* The guest's terminal, relayed to the caller's or handed on whole. */
struct term {
	bool active;
	bool relayed;	      /* relayed to the caller's stdin and stdout */
	int master;	      /* ours until taken (term_take), or -1 */
	int slave;	      /* the guest's stdio, until the sentry holds it */
	struct termios saved; /* the caller's terminal before it went raw */
	bool saved_ok;
};

/* What woke the supervisor: the low byte of each epoll entry's data.u64
 * (supervise.c). A watch's entry holds its slot and generation above it. */
enum sandbox_event {
	SANDBOX_EV_SIGNAL,   /* the signalfd: a signal to forward, SIGWINCH or SIGCHLD */
	SANDBOX_EV_TIMEOUT,  /* the timerfd of the config's timeout */
	SANDBOX_EV_STDIN,    /* the caller's terminal has input for the guest's */
	SANDBOX_EV_TERMINAL, /* the guest's terminal has output for the caller's */
	SANDBOX_EV_CONTROL,  /* the guest's init reports on exec'd processes */
	SANDBOX_EV_WATCH,    /* a caller's fd (sandbox_watch) */
};

/* A caller's fd in the supervisor's loop. */
struct sandbox_watch {
	int fd; /* -1: a free slot */
	uint32_t gen;
	sandbox_watch_fn fn;
	void *arg;
};

/* A process asked for with sandbox_exec that has not ended yet. */
struct sandbox_exec_pending {
	uint32_t id;
	bool started;
	sandbox_exec_fn fn; /* NULL once forgotten */
	void *arg;
	char argv0[128]; /* for its errors */
	char cwd[128];
};

struct sandbox {
	const struct sandbox_config *cfg;
	sigset_t sigmask; /* the signals the supervisor takes */
	sigset_t oldmask; /* the caller's mask before any sandbox: the gofer's and the sentry's */
	int gofer_sock;	  /* the sentry's end of the gofer's socket, until it is forked */
	int ready_fd;	  /* the gofer's word on the view, until read */
	/* The page the gofer shares with its client (common/gofer_shared.h):
	 * its memfd, until the sentry is forked, and the launcher's mapping
	 * (for a terminal's open), or -1 and NULL. */
	int gofer_shared_fd;
	struct gofer_shared *gofer_shared;
	pid_t gofer_pid;  /* 0 once reaped */
	pid_t sentry_pid; /* 0 once reaped */
	pid_t init_pid;	  /* the guest's init (host pid), 0 if it never ran */
	/* The guest's seccomp listener and a pidfd of its init, which the
	 * sentry hands over before the guest runs and which are held until
	 * the guest is gone (sentry_end), or -1: a guest never outlives the
	 * listener, so its trapped calls wait rather than get ENOSYS. */
	int guest_listener;
	int init_pidfd;
	struct term term;
	int pty_factory; /* term_factory_open, with cfg->exec_terminals; or -1 */
	/* The supervisor's event sources (supervise.c). */
	int signal_fd;
	int timer_fd;
	int epoll_fd;
	bool stdin_open;
	/* Its cgroups (limits.c), or NULL when the host has none it can use
	 * and none was required (warning says why). */
	struct cgroup *cg;
	/* limits.c: the channel that hands the sentry the guest's cgroups
	 * ([0] the launcher's end, [1] the sentry's), or -1. */
	int cg_chan[2];
	char id[SANDBOX_ID_MAX + 1];
	char warning[600];
	struct timespec started; /* CLOCK_MONOTONIC at sandbox_start */
	struct network *net;	 /* network.c: the route out under egress, or NULL */
	int netns_fd;		 /* cfg->netns opened, until the sentry's fork; or -1 */
	int ipcns_fd;		 /* the guest's IPC namespace (the gofer's), or -1 */
	int caller_ipcns_fd;	 /* the caller's, while the gofer is forked */
	/* exec.c: our end of the channel to the guest's init, or -1, and
	 * the processes asked for through it. */
	int control_fd;
	struct sandbox_exec_pending *execs;
	size_t nexecs;
	uint32_t next_exec_id;
	/* A START sent without all its fds whose EXEC_OP_ABORT did not go
	 * either (a full channel): sent once the channel has room (the loop
	 * waits for EPOLLOUT), or before the next START. Or 0. */
	uint32_t abort_exec_id;
	/* supervise.c: the callers' fds in the loop. */
	struct sandbox_watch *watches;
	size_t nwatches;
};

/* sandbox/term.c */
/* Opens the guest's terminal from the view's devpts (through the gofer) with
 * the caller's window size and modes, and puts the caller's terminal in raw
 * mode. 0 or -errno. */
int term_open(struct term *t, int gofer_sock, struct gofer_shared *shared,
	      const struct sandbox_config *cfg);
/* A handle on the view's devpts (a pty master of its own, never used as
 * one), from which term_new makes more terminals after the gofer's socket
 * is gone. */
int term_factory_open(int gofer_sock, struct gofer_shared *shared, const struct sandbox_config *cfg,
		      int *factory);
/* A new pty of that devpts: *master (ours), *slave (for the guest), the
 * slave's name in the guest. 0 or -errno. */
int term_new(int factory, int *master, int *slave, char *name, size_t name_len);
/* The detached terminal's master for the caller, its slave's name in name;
 * -ENOTTY without one. */
int term_take(struct term *t, char *name, size_t name_len);
/* Gives the caller's terminal its modes back. */
void term_restore(struct term *t);
/* Copies what from has to to. False once from or to is closed. */
bool term_relay(int from, int to);
/* The caller's window size changed (SIGWINCH): the guest's follows. */
void term_resize(const struct term *t);
/* Copies what the guest wrote just before it exited. */
void term_drain(const struct term *t);

/* sandbox/network.c: the route out under network mode egress (pasta). Before
 * the sentry's fork: its pipes (0 or -errno with err). In the sentry's child:
 * the hooks to give it (inner's, then the route's). After the fork: answers
 * the sentry's hook by starting pasta (0, or -EIO: the sentry reports it).
 * At the end: kills pasta. */
int network_prepare(struct sandbox *sb, struct rc_error *err);
const struct sentry_hooks *network_sentry_hooks(struct sandbox *sb,
						const struct sentry_hooks *inner);
int network_start(struct sandbox *sb);
void network_stop(struct sandbox *sb);

/* sandbox/resolver.c: the sandbox's own DNS resolver under egress. The
 * upstream RUNSC_C_DNS_UPSTREAM names, if any (0, or -EINVAL with err).
 * resolver_start: listening on 127.0.0.53 in the namespace of init (host
 * pid), recording bindings in table; its pid, or -1 with why in msg. */
struct dns_bind_table;
struct in_addr;
int resolver_upstream(struct in_addr *addr, bool *set, struct rc_error *err);
pid_t resolver_start(struct sandbox *sb, struct dns_bind_table *table, pid_t init, char *msg,
		     size_t size);
/* netlink.c: gives ifname, in the network namespace ns_fd, the IPv6
 * address addr/prefix_len (usable at once: no duplicate address detection)
 * and a default route via gateway. 0 (also on a kernel without IPv6, or
 * with IPv6 turned off on ifname) or -errno. */
struct in6_addr;
int netlink_ipv6_configure(int ns_fd, const char *ifname, const struct in6_addr *addr,
			   unsigned prefix_len, const struct in6_addr *gateway);
/* netlink.c: in the network namespace ns_fd, the engine's TCP resets
 * without ACK (pasta's answer to a refused connect) get one on their way in,
 * so a connecting guest takes them (ECONNREFUSED). 0 or -errno. */
int netlink_refusals_pass(int ns_fd);
/* network.c: the bindings' table for the sentry (read-only there), or NULL. */
const struct dns_bind_table *network_dns_table(struct sandbox *sb);

/* sandbox/limits.c */
/* Names the sandbox and checks its limits (0, or -EINVAL with err
 * filled), before anything of it is made. */
int limits_prepare(struct sandbox *sb, struct rc_error *err);
/* Makes the sandbox's cgroups with the config's limits. 0, or -errno with
 * err filled (a required limit that cannot be enforced). */
int limits_create(struct sandbox *sb, struct rc_error *err);
/* Before the sentry's fork: the channel on which the launcher hands the
 * sentry the guest's cgroups (0, or -errno with err filled). */
int limits_channel_open(struct sandbox *sb, struct rc_error *err);
/* After the sentry's fork, while the sentry starts: makes the cgroups
 * (unless sandbox_create made them: cgroups_at_create), moves the gofer
 * and the sentry into the kernel part and hands the sentry the guest
 * part, for the init's move, which it waits for. 0, or -errno with err
 * filled: the sentry, told nothing, must then be killed before its init
 * runs anything. */
int limits_start(struct sandbox *sb, struct rc_error *err);
/* Removes what dead sandboxes left (cg_sweep), where the sandbox has
 * cgroups: in the launcher while the sentry starts, off the start's
 * critical path. */
void limits_sweep(struct sandbox *sb);
/* In a helper of the sandbox (pasta, the resolver), first thing: moves it
 * into the sandbox's kernel cgroup. 0, or -errno with err filled. (The
 * sentry moves the gofer and itself: limits.c.) */
int limits_enter_kernel(struct sandbox *sb, struct rc_error *err);
/* In the sentry's process: the hooks that move the guest's init into its
 * cgroups (waiting for limits_start's word) and read the guest's memory
 * for /proc/meminfo. */
const struct sentry_hooks *limits_sentry_hooks(struct sandbox *sb);
/* At the sandbox's end: what it used, into status. */
void limits_status(struct sandbox *sb, struct sandbox_status *status);
/* Kills what is left in the sandbox's cgroups and removes them. */
void limits_destroy(struct sandbox *sb);

/* sandbox/exec.c */
/* The guest's init sent something (SANDBOX_EV_CONTROL). */
void exec_on_control(struct sandbox *sb);
/* Registers (EPOLL_CTL_ADD) or updates (EPOLL_CTL_MOD) the channel in the
 * loop's epoll: EPOLLIN, and EPOLLOUT while an EXEC_OP_ABORT is owed. */
void exec_control_events(struct sandbox *sb, int op);
/* The sandbox ended: what init sent last is read, every process still
 * pending is reported as ended, the channel closed. */
void exec_end(struct sandbox *sb);

/* sandbox/supervise.c */
/* The signalfd, the epoll set and the timeout's timer, once the guest runs. */
void supervise_init(struct sandbox *sb);
/* SIGKILL and reap a child (nothing for pid <= 0). */
void kill_wait(pid_t pid);
/* The sentry is killed and reaped (if it still runs), then the guest it
 * leaves: its init is killed (its pid namespace with it) and waited for,
 * and only then is the guest's listener let go. */
void sentry_end(struct sandbox *sb);

#endif
