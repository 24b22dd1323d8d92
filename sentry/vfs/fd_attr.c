/* SPDX-License-Identifier: Apache-2.0 */
/* futimens(2) (utimensat(fd, NULL, ...)) on a file the guest holds, done
 * by the sentry on its own copy of the guest's fd instead of by the gofer.
 *
 * An O_PATH fd gets EBADF, as from Linux. The rest is done here only
 * where the gofer would do exactly this: no policy (the dentry cache
 * is on), the fd is a regular file or directory, not O_PATH, still linked,
 * owned by the caller's fsuid (so Linux lets the caller set any times,
 * and the sentry's own privileges decide nothing), and it is the very
 * object (st_dev, st_ino) the dentry cache keeps for the fd's path in the
 * view: an object of the view, not a host file handed over as stdio, not
 * a /proc or /dev file of the sentry's, not below a volume the host also
 * changes. A read-only mount answers EROFS and an overlay copies the file
 * up, as for the gofer: the kernel decides those on the same open file.
 * Everything else goes to the gofer, as before. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/dcache.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* Is fd (attributes st) the object the cache keeps for its own path? */
static bool fd_is_cached_obj(struct sc_ctx *c, int fd, const struct stat *st)
{
	char path[PATH_MAX];
	char prefix[64];
	if (procfs_owns_fd(c->s, fd, prefix, sizeof(prefix)) ||
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

int vfs_fd_utimens_here(struct sc_ctx *c, int guest_fd, const struct timespec *ts)
{
	int fd = guest_getfd(c, guest_fd);
	if (fd < 0)
		return 0; /* the gofer's way says why */
	_cleanup_close_ int own = fd;
	/* Linux takes no O_PATH fd here (the gofer's utimensat with
	 * AT_EMPTY_PATH would). */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_PATH))
		return -EBADF;
	struct creds cr;
	if (fl < 0 || !dc_get(c->s) || task_read_creds(c->s, c->req->pid, &cr) < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_nlink == 0 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) || st.st_uid != (uid_t)cr.fsuid)
		return 0;
	if (!fd_is_cached_obj(c, fd, &st))
		return 0;
	if (!notif_valid(c))
		return -ESRCH;
	/* glibc's utimensat wants a path: the system call takes NULL. */
	if (syscall(SYS_utimensat, fd, NULL, ts, 0) < 0)
		return -errno;
	return 1;
}
