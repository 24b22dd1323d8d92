/* SPDX-License-Identifier: Apache-2.0 */
/* What the serving side knows about the view (struct gofer_state, in
 * gofer.h): the identities of its root and of the redirect points, the
 * mounts it is made of, and the checks on request fds built on those. A
 * request's fd is only used once these have said where it lies. */
#ifndef RUNSC_GOFER_VIEW_STATE_H
#define RUNSC_GOFER_VIEW_STATE_H

#include <linux/magic.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "gofer/gofer.h"

#ifndef PIPEFS_MAGIC
#define PIPEFS_MAGIC 0x50495045
#endif
#ifndef SOCKFS_MAGIC
#define SOCKFS_MAGIC 0x534F434B
#endif
#ifndef ANON_INODE_FS_MAGIC
#define ANON_INODE_FS_MAGIC 0x09041934
#endif

/* s is the inode id names (a recorded identity; a missing one never matches). */
bool ident_is(const struct gofer_ident *id, const struct stat *s);
/* s is the view's /proc directory. */
bool is_proc(const struct gofer_state *st, const struct stat *s);

/* A dirfd that paths are resolved from: a directory on a view mount.
 * Returns 0, -ENOTDIR, -EBADF or -errno. A dirfd found good is kept with
 * its attributes as st->checked_fd and st->checked_st. */
int check_dirfd(struct gofer_state *st, int fd);
/* fd's attributes as fstat(2) gives them: those check_dirfd kept in this
 * request, or fstat's. 0 or -1 with errno. */
int checked_fstat(const struct gofer_state *st, int fd, struct stat *s);
/* An fd that is itself the object (AT_EMPTY_PATH): anything but a procfs
 * or nsfs file. Returns 0, -EBADF or -errno. */
int check_anyfd(int fd);
/* An fd whose inode a request changes: on a view mount, a memfd, a pipe, a
 * socket or an anonymous inode. Returns 0, -EBADF, -EPERM or -errno. */
int check_mutable_fd(const struct gofer_state *st, int fd);
/* fd's object is on one of the view's mounts. */
bool fd_in_view(const struct gofer_state *st, int fd);
/* fd lies on one of the kernel's internal mounts (a memfd). */
bool is_internal_mount(int fd);

#endif
