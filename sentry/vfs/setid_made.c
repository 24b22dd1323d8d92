/* SPDX-License-Identifier: Apache-2.0 */
/* What a set-group-id directory gives the objects made in it, and the
 * set-id bits an open(O_CREAT) asks for (sentry/setid.h): Linux's
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
	if (!setid_any_dirs(s) || fstat(obj, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    fstatat(obj, "..", &parent, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !(setid_bits(s, (uint64_t)parent.st_dev, (uint64_t)parent.st_ino) & S_ISGID))
		return;
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

void setid_created(struct sc_ctx *c, int guest_dirfd, const char *path, int fd, mode_t mode)
{
	struct sentry *s = c->s;
	struct stat st;
	if (fcntl(fd, SETID_F_CREATED_QUERY) != 1 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	mode_t bits = mode & SETID_BITS;
	struct stat dir;
	if (in_setgid_dir(c, guest_dirfd, path, &dir)) {
		struct creds cr;
		if ((bits & S_ISGID) && (mode & S_IXGRP) &&
		    (task_read_creds(s, c->req->pid, &cr) < 0 ||
		     (!(cr.cap_eff & (1ull << SETID_CAP_FSETID)) &&
		      !perm_in_group(&cr, dir.st_gid, PERM_FS_IDS))))
			bits &= ~(mode_t)S_ISGID;
		if (st.st_gid != dir.st_gid && give_group(s, fd, dir.st_gid) != 0)
			return;
	}
	(void)setid_set(s, (uint64_t)st.st_dev, (uint64_t)st.st_ino, st.st_mode, bits);
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
