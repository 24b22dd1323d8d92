/* SPDX-License-Identifier: Apache-2.0 */
/* The control channel between the process that made a sandbox (the
 * sandbox library's supervisor, sandbox/exec.c) and the guest's init
 * (guest/control.c): one SOCK_SEQPACKET socket pair, made before the
 * sentry's fork; init keeps its end for the sandbox's life. Through it the
 * supervisor asks init to start another process in the guest (`runsc-c
 * exec`) and init tells how each one started and ended.
 *
 * Every message is one struct exec_msg. EXEC_OP_START carries four fds by
 * SCM_RIGHTS: the new process's stdin, stdout and stderr and a sealed
 * memfd of data_len bytes holding, NUL-terminated each, the argc argv
 * strings, the envc environment strings and the working directory (an
 * absolute path in the view, or "" for init's); then npreserve more,
 * which become the process's fds 3 to 2 + npreserve (runc's exec
 * --preserve-fds); then, with report set, one more: a connection of the
 * supervisor's caller on which init also writes this process's
 * EXEC_EV_STARTED and EXEC_EV_EXITED (the same struct exec_msg) and which
 * it closes at the process's end, so that the caller learns them without
 * a hop through the supervisor. Of these fds, up to EXEC_MSG_FDS (what
 * one message carries) come with the START itself, the rest in
 * EXEC_OP_FDS messages of the same id that follow it at once, up to
 * EXEC_MSG_FDS each. A supervisor that cannot send all of them (a full
 * channel, a refused fd, a failed sendmsg) sends EXEC_OP_ABORT of the
 * id instead, or before its next START when even that does not go: init
 * then closes the fds it received for that START and answers nothing.
 * While init holds such a part-received START, only EXEC_OP_FDS of its
 * id, EXEC_OP_ABORT and EXEC_OP_SIGNAL are taken: anything else (fds of
 * another id, more fds than announced, a malformed message) fails the
 * START held, with EXEC_EV_FAILED of its id, before the message is
 * looked at on its own; a new START is then a request of its own, never
 * the rest of the one held. Data of at most EXEC_INLINE_MAX bytes may
 * come in the START message itself, right after the struct (exactly
 * data_len bytes), when that message carries every fd: then it carries no
 * memfd, only the stdio, preserved and report fds. Both sides check every
 * field; a message that breaks a rule is answered with EXEC_EV_FAILED
 * (stage EXEC_STAGE_REQUEST) and has no other effect.
 *
 * For each START not aborted init answers exactly one of: EXEC_EV_FAILED, or
 * EXEC_EV_STARTED and later EXEC_EV_EXITED. Should init exit first (the
 * sandbox's command ended: the pid namespace kills the rest), the
 * supervisor counts every process still running as killed by SIGKILL. */
#ifndef RUNSC_COMMON_EXEC_PROTO_H
#define RUNSC_COMMON_EXEC_PROTO_H

#include <stdint.h>

#include "common/proc_attrs.h"

#define EXEC_MAGIC	 0x72634578u /* "xEcr" */
#define EXEC_MAX_GROUPS	 32	     /* supplementary groups of one process */
#define EXEC_MAX_RUNNING 64	     /* processes one init runs for exec at once */
#define EXEC_DATA_MAX	 (8u << 20)  /* argv, env and cwd together */
/* ... in the START itself: small, so that EXEC_MAX_RUNNING of them fit
 * in the channel's send buffer at once, as they do with a memfd. */
#define EXEC_INLINE_MAX 1024u
#define EXEC_STDIO_FDS	3
#define EXEC_START_FDS	(EXEC_STDIO_FDS + 1)
/* Fds one message carries (Linux's SCM_MAX_FD), and the preserved fds of
 * one START: those its own message carries beside the four, and in all. */
#define EXEC_MSG_FDS	    253
#define EXEC_FIRST_PRESERVE (EXEC_MSG_FDS - EXEC_START_FDS)
#define EXEC_PRESERVE_MAX   1024

enum exec_op {
	/* supervisor → init */
	EXEC_OP_START = 1, /* start a process: id, argc, envc, data_len, user; 4 fds */
	EXEC_OP_SIGNAL,	   /* send signal arg to process id (if it still runs) */
	EXEC_OP_FDS,	   /* more preserved fds of the START of id, in order */
	/* init → supervisor */
	EXEC_EV_STARTED, /* process id runs: arg is its pid in the guest */
	EXEC_EV_FAILED,	 /* process id did not start: arg is the errno, stage says where */
	EXEC_EV_EXITED,	 /* process id ended: arg is its status as a shell shows it */
	/* supervisor → init */
	EXEC_OP_ABORT, /* the START of id will get no more fds: drop it, answer nothing */
};

/* Where a start failed (EXEC_EV_FAILED). */
enum exec_stage {
	EXEC_STAGE_REQUEST = 1, /* the request itself (its fds, its data) */
	EXEC_STAGE_LIMIT,	/* EXEC_MAX_RUNNING processes already run */
	EXEC_STAGE_FORK,	/* init could not fork */
	EXEC_STAGE_CWD,		/* chdir to the working directory */
	EXEC_STAGE_USER,	/* setgroups, setresgid, setresuid */
	EXEC_STAGE_FILTER,	/* the policy's syscall filter */
	EXEC_STAGE_EXEC,	/* execve (through the sentry's exec path) */
	EXEC_STAGE_TTY,		/* setsid and TIOCSCTTY of its terminal */
	EXEC_STAGE_LIMITS,	/* its rlimits and umask */
	EXEC_STAGE_CAPS,	/* its capabilities */
	EXEC_STAGE_SECCOMP,	/* the container's seccomp filter */
};

/* What an EXEC_OP_START process runs: a program of the view (exec'd
 * through the sentry), or one of init's builtins (guest/builtin.c). A
 * builtin runs in the process init forked, after every step a program's
 * start takes (stdio, user, cwd, the policy's and the container's
 * filters), in place of the exec: its calls go to the sentry, the gofer
 * and the policy exactly as a program's would, and the view needs no
 * program for it. argv[0] names it in messages, argv[1] on are its
 * arguments; it never has a terminal. A builtin that fails writes
 * strerror's text for the errno, one line, to its stderr and exits 1
 * (2 for arguments it does not take). */
enum exec_builtin {
	EXEC_BUILTIN_NONE = 0, /* exec argv[0], looked up in the env's PATH */
	/* argv[1] a path: the file's bytes to stdout. */
	EXEC_BUILTIN_READ,
	/* argv[1] a path: creates the file (mode 0666 less the umask) or
	 * truncates it, and writes stdin into it until its end. */
	EXEC_BUILTIN_WRITE,
	/* argv[1] a directory (a symlink to one is followed): its entries
	 * (not . and ..) to stdout, one record each (below). */
	EXEC_BUILTIN_LIST,
	/* argv[1] a directory, argv[2] an inotify mask in decimal: the byte
	 * EXEC_WATCH_READY once the watch is in place, then the kernel's
	 * inotify records as they come, copied unchanged. */
	EXEC_BUILTIN_WATCH,
	/* No arguments: waits until a signal ends it (the idle holder). */
	EXEC_BUILTIN_IDLE,
	EXEC_BUILTIN_COUNT,
};

/* A record of EXEC_BUILTIN_LIST: "TYPE\tSIZE\tMTIME\tNAME\0". TYPE is one
 * of f d l p s c b (find's %y) or ? (another kind); SIZE is in bytes and
 * MTIME "SECONDS.NANOSECONDS", both from lstat, or "-" when lstat failed
 * (TYPE then comes from the directory entry). An entry that is gone by
 * its lstat is left out. */

/* EXEC_BUILTIN_WATCH's first byte: the watch is in place. */
#define EXEC_WATCH_READY 'R'

struct exec_msg {
	uint32_t magic; /* EXEC_MAGIC */
	uint32_t op;	/* enum exec_op */
	uint32_t id;	/* the supervisor's name for the process, never 0 */
	int32_t arg;	/* signal, pid, errno or exit status (see enum exec_op) */
	uint32_t stage; /* enum exec_stage, for EXEC_EV_FAILED */
	/* EXEC_OP_START only: */
	uint32_t argc; /* >= 1 */
	uint32_t envc;
	uint32_t data_len; /* <= EXEC_DATA_MAX */
	uint32_t tty;	   /* 1: stdin is its controlling terminal, in its own session */
	uint32_t builtin;  /* enum exec_builtin; with tty 0 */
	uint32_t user_set; /* 0: init's ids (root); 1: uid, gid and groups */
	uint32_t uid;
	uint32_t gid;
	uint32_t ngroups; /* <= EXEC_MAX_GROUPS */
	uint32_t groups[EXEC_MAX_GROUPS];
	struct proc_attrs attrs; /* proc_attrs_valid() */
	uint32_t npreserve;	 /* <= EXEC_PRESERVE_MAX fds after the four (see above) */
	uint32_t report; /* 1: the report connection after them (npreserve + 1 <= EXEC_PRESERVE_MAX)
			  */
};

#endif
