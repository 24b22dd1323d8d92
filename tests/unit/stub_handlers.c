/* SPDX-License-Identifier: Apache-2.0 */
/* Every handler of syscalls/handlers.h answering -ENOSYS, so that the table
 * and the filter can be tested without the sentry. Linked only into unit
 * tests that do not link the core library. */
#include <errno.h>

#include "syscalls/handlers.h"

#define STUB(name)                                                                       \
	int name(struct sc_ctx *c)                                                       \
	{                                                                                \
		(void)c;                                                                 \
		return -ENOSYS;                                                          \
	}

STUB(sys_open)
STUB(sys_openat)
STUB(sys_openat2)
STUB(sys_creat)
STUB(sys_stat)
STUB(sys_lstat)
STUB(sys_newfstatat)
STUB(sys_statx)
STUB(sys_access)
STUB(sys_faccessat)
STUB(sys_faccessat2)
STUB(sys_readlink)
STUB(sys_readlinkat)
STUB(sys_getcwd)
STUB(sys_chdir)
STUB(sys_fchdir)
STUB(sys_mkdir)
STUB(sys_mkdirat)
STUB(sys_rmdir)
STUB(sys_unlink)
STUB(sys_unlinkat)
STUB(sys_rename)
STUB(sys_renameat)
STUB(sys_renameat2)
STUB(sys_link)
STUB(sys_linkat)
STUB(sys_symlink)
STUB(sys_symlinkat)
STUB(sys_chmod)
STUB(sys_fchmodat)
STUB(sys_chown)
STUB(sys_lchown)
STUB(sys_fchownat)
STUB(sys_truncate)
STUB(sys_utimensat)
STUB(sys_utimes)
STUB(sys_utime)
STUB(sys_futimesat)
STUB(sys_statfs)
STUB(sys_mknod)
STUB(sys_mknodat)
STUB(sys_path_xattr)
STUB(sys_inotify_add_watch)
STUB(sys_bind)
STUB(sys_connect)
STUB(sys_socket_other)
STUB(sys_uname)
STUB(sys_sethostname)
STUB(sys_setdomainname)
STUB(sys_ioctl_other)
STUB(sys_clone_ns)
STUB(sys_unshare_ns)
STUB(sys_seccomp_other)
STUB(sys_loader)
