/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers named by the syscall table, grouped by the file that implements
 * them. Each returns 0 after filling c->val / c->error / c->install_fd.
 *
 * The SECCOMP_RET_TRACE rows name handlers that run at the call's ptrace
 * stop rather than for a notification, and live with the sentry state they
 * act on (declared in sentry/sentry.h): exec_trace_stop (sentry/exec.c) for
 * execve and execveat, creds_trace_stop (sentry/notify.c) for the calls that
 * change a thread's ids, groups, capabilities or umask. */
#ifndef RUNSC_SYSCALLS_HANDLERS_H
#define RUNSC_SYSCALLS_HANDLERS_H

struct sc_ctx;

/* syscalls/fs.c */
int sys_open(struct sc_ctx *c);
int sys_openat(struct sc_ctx *c);
int sys_openat2(struct sc_ctx *c);
int sys_creat(struct sc_ctx *c);
int sys_stat(struct sc_ctx *c);
int sys_lstat(struct sc_ctx *c);
int sys_newfstatat(struct sc_ctx *c);
int sys_fstat(struct sc_ctx *c); /* O_PATH placeholders only */
int sys_fstatfs(struct sc_ctx *c);
int sys_getdents64(struct sc_ctx *c);
int sys_statx(struct sc_ctx *c);
int sys_access(struct sc_ctx *c);
int sys_faccessat(struct sc_ctx *c);
int sys_faccessat2(struct sc_ctx *c);
int sys_readlink(struct sc_ctx *c);
int sys_readlinkat(struct sc_ctx *c);
int sys_getcwd(struct sc_ctx *c);
int sys_chdir(struct sc_ctx *c);
int sys_fchdir(struct sc_ctx *c);
int sys_mkdir(struct sc_ctx *c);
int sys_mkdirat(struct sc_ctx *c);
int sys_rmdir(struct sc_ctx *c);
int sys_unlink(struct sc_ctx *c);
int sys_unlinkat(struct sc_ctx *c);
int sys_rename(struct sc_ctx *c);
int sys_renameat(struct sc_ctx *c);
int sys_renameat2(struct sc_ctx *c);
int sys_link(struct sc_ctx *c);
int sys_linkat(struct sc_ctx *c);
int sys_symlink(struct sc_ctx *c);
int sys_symlinkat(struct sc_ctx *c);
int sys_chmod(struct sc_ctx *c);
int sys_fchmod(struct sc_ctx *c);
int sys_fchown(struct sc_ctx *c);
int sys_fchmodat(struct sc_ctx *c);
int sys_fchmodat2(struct sc_ctx *c);
int sys_chown(struct sc_ctx *c);
int sys_lchown(struct sc_ctx *c);
int sys_fchownat(struct sc_ctx *c);
int sys_truncate(struct sc_ctx *c);
int sys_utimensat(struct sc_ctx *c);
int sys_utimes(struct sc_ctx *c);
int sys_utime(struct sc_ctx *c);
int sys_futimesat(struct sc_ctx *c);
int sys_statfs(struct sc_ctx *c);
int sys_mknod(struct sc_ctx *c);
int sys_mknodat(struct sc_ctx *c);
int sys_path_xattr(struct sc_ctx *c); /* setxattr, lgetxattr, ...: ENOTSUP */
int sys_inotify_add_watch(struct sc_ctx *c);

/* syscalls/net.c */
int sys_bind(struct sc_ctx *c);
int sys_connect(struct sc_ctx *c);
int sys_getsockname(struct sc_ctx *c);
int sys_getpeername(struct sc_ctx *c);

/* syscalls/peercred.c */
int sys_getsockopt(struct sc_ctx *c); /* SO_PEERCRED, SO_PEERPIDFD */

/* syscalls/socket.c */
int sys_socket_other(struct sc_ctx *c); /* socket, socketpair BPF did not allow */

/* syscalls/net_send.c: trapped only under network mode egress */
int sys_sendto(struct sc_ctx *c);
int sys_sendmsg(struct sc_ctx *c);
int sys_sendmmsg(struct sc_ctx *c);

/* syscalls/misc.c */
int sys_uname(struct sc_ctx *c);
int sys_sysinfo(struct sc_ctx *c);
int sys_sethostname(struct sc_ctx *c);
int sys_setdomainname(struct sc_ctx *c);
int sys_ioctl_other(struct sc_ctx *c);	 /* commands BPF did not allow: ENOTTY */
int sys_fcntl_other(struct sc_ctx *c);	 /* commands BPF did not allow */
int sys_fd_not_opath(struct sc_ctx *c);	 /* EBADF on O_PATH placeholders, else native */
int sys_clone_ns(struct sc_ctx *c);	 /* clone with namespace flags: EPERM */
int sys_unshare_ns(struct sc_ctx *c);	 /* unshare with namespace flags: EPERM */
int sys_seccomp_other(struct sc_ctx *c); /* seccomp ops BPF did not allow: EPERM */
int sys_loader(struct sc_ctx *c);	 /* the exec loader's reserved call */
int sys_exec_search(struct sc_ctx *c);	 /* execvp's PATH search in one call */

#endif
