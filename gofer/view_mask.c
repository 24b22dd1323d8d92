/* SPDX-License-Identifier: Apache-2.0 */
/* Masked and read-only paths of the view (common/path_masks.h), as runc
 * and crun apply an OCI config's linux.maskedPaths and readonlyPaths, once
 * every other mount of the view is in place:
 *
 *   read-only   a recursive bind of the path over itself, read-only: writes
 *               there fail with EROFS
 *   masked      a directory gets an empty read-only tmpfs over it; anything
 *               else the host's /dev/null, bound read-only (reads nothing,
 *               takes writes, as the null device does)
 *
 * Read-only paths first, then masked ones, in the config's order, as runc
 * does. Each path is resolved inside the view (RESOLVE_IN_ROOT): a symlink
 * of the rootfs pointing at /etc/passwd or out of the rootfs leads to the
 * view's own file, and every mount is made in the gofer's private mount
 * namespace, so nothing of the host is masked or changed. A path the view
 * does not have is skipped, as runc skips it. Paths at or below /proc are
 * the sentry's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_build.h"

/* Whether the opened target is the view's root (a symlink to "/"), or
 * the /dev/tty placeholder, whose identity the walk redirects by: neither
 * may be covered. */
static int target_check(struct view *v, const char *path, int target)
{
	struct stat s, root, tty;
	if (fstat(target, &s) < 0 || fstat(v->root_fd, &root) < 0)
		return view_fail(v, -errno, "%s", path);
	if (s.st_dev == root.st_dev && s.st_ino == root.st_ino)
		return view_fail(v, -EINVAL, "%s resolves to the root of the view", path);
	if (fstatat(v->root_fd, "dev/tty", &tty, AT_SYMLINK_NOFOLLOW) == 0 &&
	    s.st_dev == tty.st_dev && s.st_ino == tty.st_ino) {
		log_msg("view: %s is /dev/tty, the sandbox's terminal: left as it is", path);
		return 1;
	}
	return 0;
}

/* The path inside the view that a mask or read-only rule names, opened
 * O_PATH (symlinks followed inside the view) and checked; *fd_out is -1
 * when the rule has nothing to act on: not in the view, or the sandbox's
 * terminal. */
static int open_target(struct view *v, const char *path, int *fd_out)
{
	*fd_out = -1;
	const char *rel = path;
	while (*rel == '/')
		rel++;
	int fd = open_in_view(v, rel, O_PATH, 0);
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP) {
		log_debug("view: %s is not in the view: skipped", path);
		return 0;
	}
	if (fd < 0)
		return view_fail(v, fd, "opening %s", path);
	int r = target_check(v, path, fd);
	if (r != 0) {
		close(fd);
		return r < 0 ? r : 0;
	}
	*fd_out = fd;
	return 0;
}

static int readonly_path(struct view *v, const char *path)
{
	_cleanup_close_ int target = -1;
	int r = open_target(v, path, &target);
	if (r < 0 || target < 0)
		return r;
	int mnt_fd = bind_clone(target, true, MOUNT_ATTR_RDONLY);
	if (mnt_fd < 0)
		return view_fail(v, mnt_fd, "making %s read-only", path);
	r = attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "making %s read-only", path) : 0;
}

/* The host's null device (1:3), for masking files. */
static int open_null(struct view *v, int *null_fd)
{
	if (*null_fd >= 0)
		return 0;
	int fd = open("/dev/null", O_PATH | O_CLOEXEC);
	struct stat s;
	if (fd < 0 || fstat(fd, &s) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return view_fail(v, -e, "opening the host's /dev/null");
	}
	if (!S_ISCHR(s.st_mode) || s.st_rdev != makedev(1, 3)) {
		close(fd);
		return view_fail(v, -ENODEV, "the host's /dev/null");
	}
	*null_fd = fd;
	return 0;
}

static int mask_path(struct view *v, const char *path, int *null_fd)
{
	_cleanup_close_ int target = -1;
	int r = open_target(v, path, &target);
	if (r < 0 || target < 0)
		return r;
	struct stat s;
	if (fstat(target, &s) < 0)
		return view_fail(v, -errno, "masking %s", path);
	int mnt_fd;
	if (S_ISDIR(s.st_mode)) {
		/* runc's: a tmpfs of the default mode, read-only. */
		const struct fs_opt opts[] = {{"size", "4k"}, {"nr_inodes", "1"}};
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "masking %s", path);
		mnt_fd = fs_new(v, "tmpfs", opts, ARRAY_SIZE(opts),
				MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					MOUNT_ATTR_NOEXEC,
				what);
		if (mnt_fd < 0)
			return mnt_fd;
	} else {
		r = open_null(v, null_fd);
		if (r < 0)
			return r;
		mnt_fd = bind_clone(*null_fd, false,
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
		if (mnt_fd < 0)
			return view_fail(v, mnt_fd, "masking %s", path);
	}
	r = attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "masking %s", path) : 0;
}

int mask_view(struct view *v)
{
	const struct path_masks *m = &v->cfg->masks;
	const char *rel;
	int r = 0;
	for (size_t i = 0; r == 0 && i < m->nreadonly; i++)
		if (!path_masks_in_proc(m->readonly[i], &rel))
			r = readonly_path(v, m->readonly[i]);
	_cleanup_close_ int null_fd = -1;
	for (size_t i = 0; r == 0 && i < m->nmasked; i++)
		if (!path_masks_in_proc(m->masked[i], &rel))
			r = mask_path(v, m->masked[i], &null_fd);
	return r;
}
