/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the CLI, the sentry and the gofer: scope-exit
 * cleanup, logging, fd passing over unix sockets. */
#ifndef RUNSC_COMMON_UTIL_H
#define RUNSC_COMMON_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED	      __attribute__((unused))

void cleanup_freep(void *p);
void cleanup_closep(const int *fd);
void cleanup_fclosep(FILE **f);
#define _cleanup_free_	 __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_	 __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))

/* Moves ownership out of a cleanup variable. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
static inline void *take_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}

/* Logging. The prefix names the process ("runsc-c", "sentry", "gofer"). */
extern const char *log_prefix;
extern int log_verbose;
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* die() with ": strerror(errno)" appended. */
_Noreturn void die_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens /dev/null (O_RDWR, inherited across exec) onto each of fds 0, 1
 * and 2 that is closed, as daemons do first thing: else the first fds the
 * process opens itself (a log file, a lock, a socket) take those numbers
 * and are then written to as stdio, or handed to a child as its stdio.
 * Returns 0, or -errno when /dev/null cannot be opened. */
int stdio_fds_fill(void);

/* The words for an exec that failed with EMFILE because the sandbox's exec
 * loader, which takes fds below the process's RLIMIT_NOFILE, found none
 * free: the same line wherever it is reported, the caller appending
 * ": strerror(EMFILE)". A reporter that knows the process's soft limit
 * passes it in nofile_cur (with the count of fds preserved for it), one
 * that does not passes RLIM_INFINITY. */
void exec_emfile_describe(char *buf, size_t len, const char *argv0, rlim_t nofile_cur,
			  unsigned preserved);

/* CLOCK_MONOTONIC in milliseconds: for the spans --debug reports. */
double mono_ms(void);

/* The most fds one message carries (the kernel's SCM_MAX_FD). */
#define MSG_FDS_MAX 253
/* Raises the process's soft RLIMIT_NOFILE to its hard one. Returns 1 when
 * it raised it, with the limit before in *old (may be NULL) for a caller
 * that puts it back; 0 when the soft limit already was the hard one;
 * -errno when it could not. */
int nofile_limit_raise(struct rlimit *old);
/* Sends len bytes and nfds (at most MSG_FDS_MAX) file descriptors in one
 * message. */
int send_msg_fds(int sock, const void *buf, size_t len, const int *fds, int nfds);
/* send_msg_fds with the soft RLIMIT_NOFILE raised to the hard one for the
 * call, and then put back: Linux refuses to send fds (ETOOMANYREFS) while
 * the fds the sender's user has in flight, host-wide, exceed its soft
 * limit, which a caller may have lowered (ulimit -Sn 256) for what it
 * runs. */
int send_msg_fds_raised(int sock, const void *buf, size_t len, const int *fds, int nfds);
/* Receives one message; stores up to max_fds received fds (others closed) and
 * their count in *nfds. Returns bytes read, 0 on EOF, -errno on error. */
ssize_t recv_msg_fds(int sock, void *buf, size_t len, int *fds, int max_fds, int *nfds);

/* The memory of the process's argv strings, so a forked helper can show a
 * name of its own in ps instead of the launcher's command line. */
void proc_title_init(int argc, char **argv);
void proc_title_set(const char *title);
/* Wipes the launcher's environment from a forked helper's memory, so that
 * /proc/<pid>/environ of the guest's init shows nothing of the caller's. */
void proc_env_clear(void);

/* fork(2) for a process with a single thread: no atfork handlers run. The
 * allocator's handlers lock and unlock every arena mutex around a fork,
 * which writes to each page holding one and so costs a copy-on-write fault
 * per page in parent and child; with one thread no lock can be held at the
 * fork, so there is nothing for them to protect. */
pid_t fork_single_threaded(void);

/* Waits up to ms milliseconds (ms < 0: without limit) for the process of
 * a pidfd to exit, through signals; does not reap it. Whether it did. */
bool pidfd_wait_exit(int pidfd, int ms);

int write_all(int fd, const void *buf, size_t len);
/* Undoes the kernel's octal escapes of /proc/<pid>/mountinfo fields
 * ("\\040" for a space) in place. */
void unescape_octal(char *s);

/* Reads a whole small file relative to dirfd into a malloc'd NUL-terminated
 * buffer. Returns length or -errno. */
ssize_t read_file_at(int dirfd, const char *path, char **out);
int write_file_at(int dirfd, const char *path, const char *content);

/* 512M, 2G, 1.5g, 64Mi, 1048576: k, M, G and T are powers of 1024, as
 * for docker run's --memory and runc update's ("i" and "B" may follow).
 * 0, or -EINVAL for anything else (also for 0 bytes). */
int size_parse(const char *text, uint64_t *bytes);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
/* A new NULL-terminated environment: envp without the entries of entry's
 * name (its text up to and including '='), and entry last, as runc appends
 * a variable it sets (the last one counts). The strings stay envp's and
 * entry itself. NULL when out of memory. */
char **env_replaced(char *const *envp, char *entry);
char *xstrdup(const char *s);
int xasprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
