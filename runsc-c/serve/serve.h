/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox service (docs/api.md). Two programs:
 *
 *	runsc-c-serve   the daemon: HTTP/1.1 + JSON (libmicrohttpd, json-c),
 *	                the sandbox table, the warm pool (serve/daemon.c,
 *	                serve/http.c, serve/sandboxes.c, serve/config.c).
 *	                `runsc-c serve` execs it. It is a separate binary so
 *	                that the HTTP library and its TLS dependencies never
 *	                enter runsc-c, whose sentry and gofer are forks of it.
 *	runsc-c serve-monitor
 *	                one per sandbox (serve/monitor.c): owns the sandbox
 *	                through the library, single-threaded, as the OCI
 *	                monitor does.
 *
 * The daemon spawns a monitor with `runsc-c serve-monitor ID --nofile=N
 * DO-FLAGS -- runsc-c-idle`, fd 3 a SOCK_SEQPACKET socket to the daemon (the
 * control connection) and fd 4 the daemon's log. N is the soft
 * RLIMIT_NOFILE the daemon was started with: the daemon raises its own to
 * hold a control connection per sandbox, and the monitor sets N back
 * before it makes the sandbox, so a guest gets the caller's limit as
 * under `runsc-c do`. The monitor creates and starts
 * the sandbox with the idle holder (the guest init's idle builtin, no
 * program of the view) as its first process and answers one
 * message on fd 3: SERVE_READY + JSON {"env": [...], "cwd": "..."} (what
 * an exec gets by default), or nothing (it exits, its stderr says why).
 * Then the daemon sends:
 *
 *	SERVE_CLAIM + decimal seconds   the sandbox is handed to a caller;
 *	                                a timeout (0: none) runs from now
 *	SERVE_EXEC with one fd          a connection that speaks the OCI exec
 *	                                protocol (runsc-c/oci/oci.h) for one
 *	                                process; for one with a terminal its
 *	                                stdio is a stream socket over which
 *	                                the monitor sends the pty's master,
 *	                                as to an OCI console socket
 *
 * The monitor ends the sandbox when fd 3 hangs up (DELETE, or the daemon
 * died) or at the timeout, then exits. */
#ifndef RUNSC_SERVE_SERVE_H
#define RUNSC_SERVE_SERVE_H

#define SERVE_READY 'R'
#define SERVE_CLAIM 'C'
#define SERVE_EXEC  'X'

#define SERVE_CTL_FD 3
#define SERVE_LOG_FD 4

/* The largest control message (the ready answer). */
#define SERVE_MSG_MAX (128u << 10)

int cmd_serve_monitor(int argc, char **argv);
/* `runsc-c serve ...`: execs runsc-c-serve from runsc-c's own directory. */
int cmd_serve(int argc, char **argv);

#endif
