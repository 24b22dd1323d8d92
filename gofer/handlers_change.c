/* SPDX-License-Identifier: Apache-2.0 */
/* Handlers of the requests that change the file tree: an inode's
 * attributes (chmod, chown, utimens, truncate) and the names in a
 * directory (mkdir, mknod, unlink, rename, link, symlink). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "gofer/creds.h"
#include "gofer/decide.h"
#include "gofer/request.h"
#include "gofer/view_state.h"
#include "gofer/walk.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* What name in dir names now (proto.h: struct gofer_gone). Returns 1, 0
 * when it names nothing (ENOENT), or -1 when that is not known. */
static int gone_stat(int dir, const char *name, struct gofer_gone *g)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	*g = (struct gofer_gone){
		.dev = (uint64_t)st.st_dev,
		.ino = (uint64_t)st.st_ino,
		.mode = (uint32_t)st.st_mode,
		.nlink = (uint32_t)st.st_nlink,
		.gid = (uint32_t)st.st_gid,
	};
	return 1;
}

static void gone_answer(struct ctx *c, const struct gofer_gone *g, int n)
{
	if (n > 0)
		(void)set_data(c->resp, (const char *)g, (size_t)n * sizeof(*g));
}

/* chmod and chown answer with the object they changed (proto.h), as it
 * is now (an overlay's copy-up may have given it another inode number);
 * setid: the set-id bits the sentry keeps for it. */
static void changed_answer(struct ctx *c, int fd, const struct stat *before, mode_t setid)
{
	struct stat now;
	const struct stat *st = fstat(fd, &now) == 0 ? &now : before;
	struct gofer_gone g = {
		.dev = (uint64_t)st->st_dev,
		.ino = (uint64_t)st->st_ino,
		.mode = (uint32_t)(st->st_mode | setid),
		.nlink = (uint32_t)st->st_nlink,
		.gid = (uint32_t)st->st_gid,
	};
	gone_answer(c, &g, 1);
}

/* Does the caller hold CAP_FSETID (in its effective set, as the request
 * carries it) over the inode, or is it in the inode's group? Linux's in_group_or_capable, which
 * decides whether a chmod keeps S_ISGID. */
static bool in_group_or_fsetid(const struct gofer_state *st, const struct gofer_req *req,
			       const struct stat *inode)
{
	if ((req->caps & (1u << CAP_FSETID)) && !creds_root_lacks_caps_over(st, inode))
		return true;
	if (inode->st_gid == (gid_t)req->gid)
		return true;
	for (uint32_t i = 0; i < req->ngroups && i < GOFER_MAX_GROUPS; i++)
		if (inode->st_gid == (gid_t)req->groups[i])
			return true;
	return false;
}

int op_chmod(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), NEED_WRITE, &o);
	if (r != REQ_GO_ON)
		return r;
	if (S_ISLNK(o.st.st_mode))
		return -EOPNOTSUPP; /* as fchmodat2(AT_SYMLINK_NOFOLLOW) */
	/* Only the owner or CAP_FOWNER (inode_owner_or_capable). */
	if (creds_root_lacks_caps_over(c->st, &o.st))
		return -EPERM;
	/* Set-id bits never reach the host: the sentry keeps them, and the
	 * answer says which (the object's owner may set them; S_ISGID only
	 * for a group of its own, or with CAP_FSETID). */
	mode_t mode = (mode_t)c->req->mode & 07777;
	mode_t setid = mode & (S_ISUID | S_ISGID);
	if ((setid & S_ISGID) && !in_group_or_fsetid(c->st, c->req, &o.st))
		setid &= ~(mode_t)S_ISGID;
	r = (int)syscall(SYS_fchmodat2, o.fd, "", mode & ~(mode_t)(S_ISUID | S_ISGID),
			 AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	if (r == 0)
		changed_answer(c, o.fd, &o.st, setid);
	return r;
}

int op_chown(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), NEED_WRITE, &o);
	if (r != REQ_GO_ON)
		return r;
	/* Without CAP_CHOWN over the inode, root (never its unmapped owner)
	 * may only leave both ids as they are (chown_ok, chgrp_ok). */
	if (creds_root_lacks_caps_over(c->st, &o.st) &&
	    (c->req->arg[GOFER_ARG_UID] != GOFER_ID_KEEP ||
	     c->req->arg[GOFER_ARG_GID] != GOFER_ID_KEEP))
		return -EPERM;
	/* GOFER_ID_KEEP is chown(2)'s -1 as it is. */
	r = fchownat(o.fd, "", (uid_t)c->req->arg[GOFER_ARG_UID], (gid_t)c->req->arg[GOFER_ARG_GID],
		     AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	if (r == 0)
		changed_answer(c, o.fd, &o.st, 0);
	return r;
}

int op_utimens(struct ctx *c)
{
	_cleanup_obj_ struct obj o;
	int r = req_obj_allowed(c, follows(c->req), NEED_WRITE, &o);
	if (r != REQ_GO_ON)
		return r;
	struct timespec ts[2] = {
		{.tv_sec = (time_t)c->req->arg[GOFER_ARG_ATIME_SEC],
		 .tv_nsec = (long)c->req->arg[GOFER_ARG_ATIME_NSEC]},
		{.tv_sec = (time_t)c->req->arg[GOFER_ARG_MTIME_SEC],
		 .tv_nsec = (long)c->req->arg[GOFER_ARG_MTIME_NSEC]},
	};
	r = utimensat(o.fd, "", c->req->mode == GOFER_TIMES_NOW ? NULL : ts, AT_EMPTY_PATH);
	r = r < 0 ? -errno : 0;
	return r;
}

/* truncate(2) by name in the file's directory: its checks and errors are
 * Linux's (EISDIR, EINVAL for FIFOs, ETXTBSY), and no open is seen. */
/* truncate(2) under the caller's RLIMIT_FSIZE, made the gofer's own soft
 * limit for the call so that the kernel decides as for the caller (EFBIG
 * only when the file grows past it, after the other checks); the gofer
 * ignores the SIGXFSZ that comes with it, the sentry sends the caller its
 * own. */
static int truncate_limited(const char *name, off_t length, uint64_t fsize)
{
	struct rlimit own, lim;
	if (getrlimit(RLIMIT_FSIZE, &own) < 0)
		return -errno;
	lim = own;
	lim.rlim_cur = fsize < own.rlim_max ? fsize : own.rlim_max;
	bool change = lim.rlim_cur != own.rlim_cur;
	if (change && setrlimit(RLIMIT_FSIZE, &lim) < 0)
		return -errno;
	int r = truncate(name, length) < 0 ? -errno : 0;
	if (change && setrlimit(RLIMIT_FSIZE, &own) < 0)
		die_errno("restoring the gofer's file size limit");
	return r;
}

int op_truncate(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w;
	int r = req_name_allowed(c, GOFER_WALK_FOLLOW, true, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	r = in_dir(&w);
	if (r == 0) {
		r = truncate_limited(w.last, (off_t)c->req->arg[GOFER_ARG_LENGTH],
				     c->req->arg[GOFER_ARG_FSIZE]);
		back_to_root(c);
	}
	return r;
}

/* The name just made, as an O_PATH fd in the answer (proto.h: GOP_MKDIR,
 * GOP_MKNOD, GOP_SYMLINK): the gofer serves one request at a time, so the name still
 * names what was made. None when it cannot be opened. */
static void made_obj(struct ctx *c, int parent_fd, const char *name, int dir_flag)
{
	*c->fd_out = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC | dir_flag);
}

int op_mkdir(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w;
	int r = req_parent_allowed(c, GOFER_WHICH_ONLY, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	r = mkdirat(w.parent_fd, w.last, (mode_t)c->req->mode) < 0 ? -errno : 0;
	if (r == 0)
		made_obj(c, w.parent_fd, w.last, O_DIRECTORY);
	return r;
}

int op_mknod(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w;
	int r = req_parent_allowed(c, GOFER_WHICH_ONLY, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	mode_t mode = (mode_t)c->req->mode;
	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	/* The host never gets set-id bits: the sentry keeps them. */
	mode &= ~(mode_t)(S_ISUID | S_ISGID);
	r = mknodat(w.parent_fd, w.last, mode, 0) < 0 ? -errno : 0;
	if (r == 0)
		made_obj(c, w.parent_fd, w.last, 0);
	return r;
}

int op_unlink(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w;
	int r = req_parent_allowed(c, GOFER_WHICH_ONLY, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	struct gofer_gone g[1];
	int n = gone_stat(w.parent_fd, w.last, &g[0]);
	r = unlinkat(w.parent_fd, w.last, (int)(c->req->flags & AT_REMOVEDIR)) < 0 ? -errno : 0;
	if (r == 0)
		gone_answer(c, g, n);
	return r;
}

int op_rename(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w1;
	int r = req_parent(c, GOFER_WHICH_PATH, &w1);
	if (r != REQ_GO_ON)
		return r;
	_cleanup_walk_ struct gofer_walk w2;
	r = req_parent(c, GOFER_WHICH_PATH2, &w2);
	if (r != REQ_GO_ON)
		return r;
	r = decide_name(c, w1.parent_fd, w1.last, NEED_WRITE);
	if (r == 0)
		r = decide_name(c, w2.parent_fd, w2.last, NEED_WRITE);
	if (r == 0 && has_policy(c))
		r = decide_rename_dir(c, &w1, &w2);
	if (r < 0)
		return r;
	struct gofer_gone g[GOFER_GONE_MAX];
	int n = gone_stat(w1.parent_fd, w1.last, &g[0]);
	if (n == 1) {
		int t = gone_stat(w2.parent_fd, w2.last, &g[1]);
		n = t < 0 ? -1 : 1 + t;
	}
	/* Not glibc's renameat2(), which turns flags 0 into renameat(2). */
	r = (int)syscall(SYS_renameat2, w1.parent_fd, w1.last, w2.parent_fd, w2.last,
			 c->req->flags);
	r = r < 0 ? -errno : 0;
	if (r == 0)
		gone_answer(c, g, n);
	return r;
}

/* The source of link(2): the fd itself, the followed object, or the name.
 * A first step (REQ_GO_ON, REQ_ANSWERED or -errno) that sets w first. */
static int link_source(struct ctx *c, struct gofer_walk *w)
{
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	if (empty_path_obj(c)) {
		int r = check_mutable_fd(c->st, c->dir);
		return r < 0 ? r : REQ_GO_ON;
	}
	if (!(c->req->flags & AT_SYMLINK_FOLLOW))
		return req_parent(c, GOFER_WHICH_PATH, w);
	return req_name(c, GOFER_WHICH_PATH, GOFER_WALK_FOLLOW, true, w);
}

int op_link(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w1;
	int r = link_source(c, &w1);
	if (r != REQ_GO_ON)
		return r;
	_cleanup_walk_ struct gofer_walk w2;
	r = req_parent(c, GOFER_WHICH_PATH2, &w2);
	if (r != REQ_GO_ON)
		return r;
	if (empty_path_obj(c))
		r = decide_fd(c, c->dir, NEED_WRITE);
	else
		r = decide_name(c, w1.parent_fd, w1.last, NEED_WRITE);
	if (r == 0)
		r = decide_name(c, w2.parent_fd, w2.last, NEED_WRITE);
	if (r < 0)
		return r;
	if (empty_path_obj(c))
		r = linkat(c->dir, "", w2.parent_fd, w2.last, AT_EMPTY_PATH);
	else
		r = linkat(w1.parent_fd, w1.last, w2.parent_fd, w2.last, 0);
	r = r < 0 ? -errno : 0;
	return r;
}

int op_symlink(struct ctx *c)
{
	_cleanup_walk_ struct gofer_walk w;
	int r = req_parent_allowed(c, GOFER_WHICH_PATH2, NEED_WRITE, &w);
	if (r != REQ_GO_ON)
		return r;
	r = symlinkat(c->path, w.parent_fd, w.last) < 0 ? -errno : 0;
	if (r == 0)
		made_obj(c, w.parent_fd, w.last, 0);
	return r;
}
