/* SPDX-License-Identifier: Apache-2.0 */
/* What a set-group-id directory gives the objects made in it, and the
 * set-id bits an open(O_CREAT), an O_TMPFILE open or a mknod asks for
 * (sentry/setid.h): Linux's
 * inode_init_owner and mode_strip_sgid. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/proto.h"
#include "sentry/perm.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"
#include "sentry/vfs.h"

#define SETID_BITS (S_ISUID | S_ISGID)

/* The gofer gives the object of fd the group gid, as root: Linux gives a
 * set-group-id directory's group to what is made in it whatever groups
 * the caller has. Returns 0 or -errno. */
static int give_group(struct sentry *s, int fd, gid_t gid)
{
	struct gofer_req req = {.op = GOP_CHOWN,
				.flags = AT_EMPTY_PATH,
				.fd_mask = GOFER_FD_DIR,
				.path_len = 1,
				.caps = GOFER_CAPS_FS};
	req.arg[GOFER_ARG_UID] = GOFER_ID_KEEP;
	req.arg[GOFER_ARG_GID] = (uint32_t)gid;
	struct gofer_resp resp;
	return gofer_call(s, &req, &fd, 1, &resp, NULL);
}

void setid_made_dir(struct sentry *s, int obj)
{
	struct stat st, parent;
	if (!setid_any(s) || fstat(obj, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (!setid_any_dirs(s) || fstatat(obj, "..", &parent, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !(setid_bits(s, (uint64_t)parent.st_dev, (uint64_t)parent.st_ino) & S_ISGID)) {
		/* a new object: nothing the number meant before */
		(void)setid_set(s, (uint64_t)st.st_dev, (uint64_t)st.st_ino, st.st_mode, 0);
		return;
	}
	if (st.st_gid != parent.st_gid && give_group(s, obj, parent.st_gid) != 0)
		return;
	(void)setid_set(s, (uint64_t)st.st_dev, (uint64_t)st.st_ino, st.st_mode, S_ISGID);
}

/* Linux's F_CREATED_QUERY (6.12): did the open that made this file
 * description create the file? */
#define SETID_F_CREATED_QUERY 1028
#define SETID_CAP_FSETID      4

/* The directory path's last name is in (".", "/" or the path up to its
 * last slash). */
static void parent_of(const char *path, char *parent, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(parent, size, ".");
	else if (slash == path)
		snprintf(parent, size, "/");
	else
		snprintf(parent, size, "%.*s", (int)(slash - path), path);
}

/* Does path's directory have S_ISGID the sentry keeps? Then *dir is
 * its stat. */
static bool in_setgid_dir(struct sc_ctx *c, int guest_dirfd, const char *path, struct stat *dir)
{
	char parent[PATH_MAX];
	parent_of(path, parent, sizeof(parent));
	return setid_any_dirs(c->s) && vfs_stat(c, guest_dirfd, parent, 0, dir) == 0 &&
	       (setid_bits(c->s, (uint64_t)dir->st_dev, (uint64_t)dir->st_ino) & S_ISGID);
}

/* The object st (fd: an fd of it) made with mode, in a directory that
 * gives its group when setgid_dir (dir: its stat): keeps the set-id bits
 * of mode, less S_ISGID of a group-executable mode when the caller is
 * neither in that group nor holds CAP_FSETID (mode_strip_sgid). */
static void made_with_mode(struct sc_ctx *c, int fd, const struct stat *st, mode_t mode,
			   bool setgid_dir, const struct stat *dir)
{
	struct sentry *s = c->s;
	mode_t bits = mode & SETID_BITS;
	if (setgid_dir) {
		struct creds cr;
		if ((bits & S_ISGID) && (mode & S_IXGRP) &&
		    (task_read_creds(s, c->req->pid, &cr) < 0 ||
		     (!(cr.cap_eff & (1ull << SETID_CAP_FSETID)) &&
		      !perm_in_group(&cr, dir->st_gid, PERM_FS_IDS))))
			bits &= ~(mode_t)S_ISGID;
		if (st->st_gid != dir->st_gid && give_group(s, fd, dir->st_gid) != 0)
			return;
	}
	(void)setid_set(s, (uint64_t)st->st_dev, (uint64_t)st->st_ino, st->st_mode, bits);
}

void setid_created(struct sc_ctx *c, int guest_dirfd, const char *path, int fd, mode_t mode)
{
	struct stat st, dir;
	if (fcntl(fd, SETID_F_CREATED_QUERY) != 1 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	made_with_mode(c, fd, &st, mode, in_setgid_dir(c, guest_dirfd, path, &dir), &dir);
}

void setid_made_tmpfile(struct sc_ctx *c, int guest_dirfd, const char *dir_path, int fd,
			mode_t mode)
{
	struct stat st, dir;
	char path[PATH_MAX];
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	snprintf(path, sizeof(path), "%s", dir_path);
	bool setgid_dir = setid_any_dirs(c->s) && vfs_stat(c, guest_dirfd, path, 0, &dir) == 0 &&
			  (setid_bits(c->s, (uint64_t)dir.st_dev, (uint64_t)dir.st_ino) & S_ISGID);
	made_with_mode(c, fd, &st, mode, setgid_dir, &dir);
}

void setid_made_node(struct sc_ctx *c, int guest_dirfd, const char *path, int obj, mode_t mode)
{
	struct stat st, dir;
	if (fstat(obj, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))
		return;
	made_with_mode(c, obj, &st, mode, in_setgid_dir(c, guest_dirfd, path, &dir), &dir);
}

void setid_made_link(struct sc_ctx *c, int guest_dirfd, const char *path, int obj)
{
	struct stat st, dir;
	if (in_setgid_dir(c, guest_dirfd, path, &dir) && fstat(obj, &st) == 0 &&
	    st.st_gid != dir.st_gid)
		(void)give_group(c->s, obj, dir.st_gid);
}

static bool has_fsetid(struct sc_ctx *c)
{
	struct creds cr;
	return task_read_creds(c->s, c->req->pid, &cr) == 0 &&
	       (cr.cap_eff & (1ull << SETID_CAP_FSETID));
}

void setid_fd_written(struct sc_ctx *c, int fd)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    setid_bits(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino) && !has_fsetid(c))
		setid_written(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino, st.st_mode);
}

void setid_path_written(struct sc_ctx *c, char *path)
{
	struct stat st;
	if (vfs_stat(c, AT_FDCWD, path, 0, &st) == 0 && S_ISREG(st.st_mode) &&
	    setid_bits(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino) && !has_fsetid(c))
		setid_written(c->s, (uint64_t)st.st_dev, (uint64_t)st.st_ino, st.st_mode);
}
