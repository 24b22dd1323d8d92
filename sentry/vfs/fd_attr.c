/* SPDX-License-Identifier: Apache-2.0 */
/* futimens(2) (utimensat(fd, NULL, ...)), fchmod(2) and fchown(2) on a
 * file the guest holds, done by the sentry on its own copy of the guest's
 * fd instead of by the gofer.
 *
 * This is done here only where the gofer would do exactly this: no
 * policy (the dentry cache is on), the fd is a regular file or directory
 * (for fchmod and fchown a regular file), still linked, owned
 * by the caller's fsuid, and it is the very object (st_dev, st_ino) the
 * dentry cache keeps for the fd's path in the view: an object of the view,
 * not a host file handed over as stdio, not a /proc or /dev file of the
 * sentry's, not below a volume the host also changes. A read-only mount
 * answers EROFS and an overlay copies the file up, as for the gofer:
 * the kernel decides those on the same open file.
 *
 * The owner may set any times and any mode (set-id bits, and a mode
 * change of a file that has them, go to the gofer: sentry/setid.h), so
 * the sentry's own privileges decide nothing there. fchmod and fchown are
 * done here on regular files only: a directory's mode and owner decide
 * search permission, which the dentry cache follows through the gofer's
 * answers. fchown is done here only where Linux lets the owner do it
 * without privilege: the owner stays and the group stays or is one of the
 * caller's (or, for a caller with CAP_CHOWN in its effective set, any ids
 * the sandbox maps: the gofer would act with that capability, which the
 * sentry has too), and the file has no set-id bits (what a chown clears of
 * them depends on the caller's privileges). Everything else goes to the
 * gofer, as before.
 *
 * An O_PATH open hands the guest a read-only fd (sentry/vfs/open.c), so a
 * guest's fd is never O_PATH here; one that is gets EBADF, as from Linux:
 * from the call done here on it (which the kernel refuses on an O_PATH
 * fd), or before it would go to the gofer. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/proto.h"
#include "common/util.h"
#include "sentry/dcache.h"
#include "sentry/perm.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* Is fd (attributes st) the object the cache keeps for its own path? */
static bool fd_is_cached_obj(struct sc_ctx *c, int fd, const struct stat *st)
{
	/* The file the guest's last open created and the cache kept at its
	 * path, no file of the view changed since: the same object, with no
	 * readlink of the fd and no stat of the kept one. */
	struct sentry *s = c->s;
	if (s->created_known && s->created_gen == s->files_gen &&
	    (uint64_t)st->st_dev == s->created_dev && (uint64_t)st->st_ino == s->created_ino)
		return true;
	char path[PATH_MAX];
	char prefix[64];
	if (procfs_owns_fd(c->s, fd, st, prefix, sizeof(prefix)) ||
	    vfs_fd_live_path(c->s, fd, path, sizeof(path)) <= 0)
		return false;
	for (int follow = 0; follow < 2; follow++) {
		struct dc_query q;
		dc_query(c, AT_FDCWD, path, follow != 0, false, &q);
		if (!q.d)
			return false;
		int val = -1;
		if (dcache_lookup(q.d, &q.key, &val) == DCACHE_POS &&
		    dc_keeps(q.d, &q.key, val, st))
			return true;
	}
	return false;
}

/* The gofer's *at(fd, "", AT_EMPTY_PATH) would take an O_PATH fd; Linux's
 * fchmod, fchown and futimens do not: -EBADF for one, else 0 (the gofer's
 * way). */
static int gofer_way(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_PATH) ? -EBADF : 0;
}

/* The sentry's copy of guest_fd when an attribute change of its file by
 * its owner can be done here: 1 with *fd_out (the caller closes it), st
 * and cr filled; -EBADF for an O_PATH fd, as from Linux; 0 when the gofer
 * must do it. dirs_ok: directories too (their times decide no lookup;
 * their mode and owner decide search permission, which the dentry cache
 * has to follow: those changes go through the gofer). */
static int fd_here(struct sc_ctx *c, int guest_fd, bool dirs_ok, int *fd_out, struct stat *st,
		   struct creds *cr)
{
	*fd_out = -1;
	int fd = guest_getfd(c, guest_fd);
	if (fd < 0)
		return 0; /* the gofer's way says why */
	_cleanup_close_ int own = fd;
	if (dc_get(c->s) && task_read_creds(c->s, c->req->pid, cr) == 0 && fstat(fd, st) == 0 &&
	    st->st_nlink > 0 && (S_ISREG(st->st_mode) || (dirs_ok && S_ISDIR(st->st_mode))) &&
	    st->st_uid == (uid_t)cr->fsuid && fd_is_cached_obj(c, fd, st)) {
		if (!notif_valid(c))
			return -ESRCH;
		/* On an O_PATH fd, the call done here fails with EBADF, as
		 * the guest's own would. */
		*fd_out = take_fd(&own);
		return 1;
	}
	return gofer_way(fd);
}

int vfs_fd_utimens_here(struct sc_ctx *c, int guest_fd, const struct timespec *ts)
{
	struct stat st;
	struct creds cr;
	int fd;
	int r = fd_here(c, guest_fd, true, &fd, &st, &cr);
	if (r <= 0)
		return r;
	_cleanup_close_ int own = fd;
	/* glibc's utimensat wants a path: the system call takes NULL. */
	if (syscall(SYS_utimensat, fd, NULL, ts, 0) < 0)
		return -errno;
	return 1;
}

int vfs_fd_chmod_here(struct sc_ctx *c, int guest_fd, mode_t mode)
{
	if (mode & ~(mode_t)07777 || mode & VFS_SETID_BITS)
		return 0;
	struct stat st;
	struct creds cr;
	int fd;
	int r = fd_here(c, guest_fd, false, &fd, &st, &cr);
	if (r <= 0)
		return r;
	_cleanup_close_ int own = fd;
	/* Set-id bits the sentry keeps go with the gofer's answer. */
	if (setid_bits(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino))
		return gofer_way(fd);
	c->s->files_gen++;
	return fchmod(fd, mode) < 0 ? -errno : 1;
}

int vfs_fd_chown_here(struct sc_ctx *c, int guest_fd, uint32_t uid, uint32_t gid)
{
	struct stat st;
	struct creds cr;
	int fd;
	int r = fd_here(c, guest_fd, false, &fd, &st, &cr);
	if (r <= 0)
		return r;
	_cleanup_close_ int own = fd;
	bool chown_cap = creds_file_caps(&cr, false) & (1u << CAP_CHOWN);
	bool uid_ok = uid == GOFER_ID_KEEP || uid == (uint32_t)st.st_uid ||
		      (chown_cap && uid <= GUEST_ID_MAX);
	bool gid_ok = gid == GOFER_ID_KEEP || gid == (uint32_t)st.st_gid ||
		      (chown_cap && gid <= GUEST_ID_MAX) ||
		      perm_in_group(&cr, (gid_t)gid, PERM_FS_IDS);
	if (!uid_ok || !gid_ok || (st.st_mode & VFS_SETID_BITS) ||
	    setid_bits(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino))
		return gofer_way(fd);
	c->s->files_gen++;
	return fchown(fd, (uid_t)uid, (gid_t)gid) < 0 ? -errno : 1;
}
