/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel interfaces newer than Debian 12's headers, defined where missing. */
#ifndef RUNSC_COMMON_COMPAT_H
#define RUNSC_COMMON_COMPAT_H

#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/types.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Syscall number reserved for the exec loader's request to the sentry. It is
 * not a Linux syscall; the guest filter sends it to the sentry, which honours
 * it once, right after the loader's own exec. */
#define RUNSC_NR_LOADER 1023
/* Syscall number reserved for execvp's PATH search in one call (sentry/exec.c
 * says what it answers). Not a Linux syscall either; any guest process may
 * make it: it tells no more than the execs it stands for would. */
#define RUNSC_NR_EXEC_SEARCH 1022

int sys_pidfd_open(pid_t pid, unsigned int flags);
int sys_pidfd_getfd(int pidfd, int targetfd, unsigned int flags);
int sys_pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags);
long raw_openat2(int dirfd, const char *path, struct open_how *how, size_t size);
int sys_seccomp(unsigned int op, unsigned int flags, void *args);

#endif
