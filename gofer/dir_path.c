/* SPDX-License-Identifier: Apache-2.0 */
/* The path of a directory inside the view, found by climbing ".." to the
 * view's root and looking each step's name up in its parent: for getcwd
 * and for walks that must know the absolute path of what they reach. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "gofer/creds.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

/* Finds the name under which directory `child` appears in `parent_fd`. A
 * mount point's entry reports the covered inode in d_ino, and overlayfs may
 * report the lower one, so the second pass stats every directory entry. */
static int find_name(int parent_fd, const struct stat *child, char *name, size_t size)
{
	for (int pass = 0; pass < 2; pass++) {
		int fd = openat(parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		DIR *d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -ENOMEM;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (name_is(de->d_name, ".") || name_is(de->d_name, ".."))
				continue;
			if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
				continue;
			if (pass == 0 && de->d_ino != child->st_ino)
				continue;
			struct stat s;
			if (fstatat(dirfd(d), de->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (s.st_dev == child->st_dev && s.st_ino == child->st_ino &&
			    strlen(de->d_name) < size) {
				strcpy(name, de->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -ENOENT;
}

ssize_t gofer_dir_path(struct gofer_state *st, int dir_fd, char *buf, size_t size)
{
	if (size < 2)
		return -ENAMETOOLONG;
	/* Built backwards from the end of buf. */
	size_t pos = size - 1;
	buf[pos] = '\0';
	_cleanup_close_ int cur = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	struct stat cs;
	if (fstat(cur, &cs) < 0)
		return -errno;
	while (!ident_is(&st->root, &cs)) {
		int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0)
			return -errno;
		close(cur);
		cur = parent;
		struct stat ps;
		if (fstat(parent, &ps) < 0)
			return -errno;
		if (ps.st_dev == cs.st_dev && ps.st_ino == cs.st_ino)
			return -ENOENT; /* the top, and not the view's root */
		char name[NAME_MAX_LEN + 1];
		int r = find_name(parent, &cs, name, sizeof(name));
		if (r < 0)
			return r;
		size_t n = strlen(name);
		if (n + 1 > pos)
			return -ENAMETOOLONG;
		pos -= n;
		memcpy(buf + pos, name, n);
		buf[--pos] = '/';
		cs = ps;
	}
	if (pos == size - 1)
		buf[--pos] = '/';
	size_t len = size - 1 - pos;
	memmove(buf, buf + pos, len + 1);
	return (ssize_t)len;
}

/* A directory's path is found by reading its ancestors, which the guest's
 * ids may not allow: the gofer reads them with its own. */
ssize_t dir_path_as_gofer(struct gofer_state *st, int dir_fd, char *buf, size_t size)
{
	creds_root(st);
	ssize_t n = gofer_dir_path(st, dir_fd, buf, size);
	int r = creds_back(st);
	return r < 0 ? r : n;
}
