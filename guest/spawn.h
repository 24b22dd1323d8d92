/* SPDX-License-Identifier: Apache-2.0 */
/* The last steps of a process the guest's init forked for a command (the
 * first one, guest/init.c, and each exec, guest/control.c): taking on the
 * command's user and execing it. Both do what the plain calls do, with as
 * few calls trapped by the sentry as that takes: a traced identity call
 * costs two ptrace stops, and a failed execve of a PATH candidate a ptrace
 * stop and a walk in the gofer, where a probe of the same path is a
 * notification the sentry's dentry cache answers. */
#ifndef RUNSC_GUEST_SPAWN_H
#define RUNSC_GUEST_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* setgroups(groups), setresgid(gid x 3), setresuid(uid x 3), each left
 * out when the process already has exactly those ids: 0, or -1 with
 * errno set. */
int spawn_set_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups);

/* execvpe(file, argv, envp) with the PATH of the process's environ: the
 * sentry searches the PATH in one call (RUNSC_NR_EXEC_SEARCH) and the
 * process execs the candidate it found. When the sentry finds none, its
 * errno is glibc's; whenever the search or that exec fails otherwise,
 * glibc's execvpe runs the whole search, so the error (and the ENOEXEC
 * fallback to /bin/sh) is exactly its own. Returns only on failure, with
 * errno set. */
void spawn_execvpe(const char *file, char *const argv[], char *const envp[]);

#endif
