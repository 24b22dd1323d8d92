/* SPDX-License-Identifier: Apache-2.0 */
/* open(2): a path the dentry cache knows not to resolve fails at once;
 * anything else goes through the gofer (or the sentry's /proc and
 * /dev/tty), and a blocking open of a FIFO waits for its peer without
 * holding up the sentry. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proto.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* ---- FIFOs ---- */

struct fifo_wait {
	int fd;		/* reader: the FIFO opened non-blocking */
	int want_flags; /* the guest's flags */
	int guest_dirfd;
	struct gofer_req req; /* writer: the open to retry */
	char path[PATH_MAX];
};

static void fifo_drop(void *arg)
{
	struct fifo_wait *w = arg;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

/* Hands the FIFO over with the guest's blocking mode. */
static void fifo_finish(struct sc_ctx *c, struct fifo_wait *w)
{
	if (!(w->want_flags & O_NONBLOCK)) {
		int fl = fcntl(w->fd, F_GETFL);
		if (fl >= 0)
			fcntl(w->fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	c->install_fd = take_fd(&w->fd);
	c->install_flags = (w->want_flags & O_CLOEXEC) ? O_CLOEXEC : 0;
}

/* A blocking read open of a FIFO returns once a writer is there. tee(2)
 * tells without consuming anything: 0 means no writer (end of file),
 * EAGAIN a writer with nothing written yet, > 0 data. A writer that came and
 * left without writing before the next tick is missed. */
static bool fifo_reader_poll(struct sc_ctx *c, void *arg)
{
	struct fifo_wait *w = arg;
	int scratch[2];
	if (pipe2(scratch, O_CLOEXEC | O_NONBLOCK) < 0)
		return false;
	ssize_t n = tee(w->fd, scratch[1], 1, SPLICE_F_NONBLOCK);
	int err = errno;
	close(scratch[0]);
	close(scratch[1]);
	if (n == 0 || (n < 0 && err != EAGAIN))
		return false;
	fifo_finish(c, w);
	fifo_drop(w);
	return true;
}

/* A blocking write open of a FIFO retries until a reader exists. */
static bool fifo_writer_poll(struct sc_ctx *c, void *arg)
{
	struct fifo_wait *w = arg;
	struct gofer_resp resp;
	int fd = -1;
	struct gofer_req req = w->req;
	int r = gofer_path_call(c, w->guest_dirfd, w->path, &req, &resp, &fd);
	if (r == -ENXIO && resp.val == GOFER_OPEN_FIFO)
		return false;
	if (r < 0) {
		c->error = r;
	} else {
		w->fd = fd;
		fifo_finish(c, w);
	}
	fifo_drop(w);
	return true;
}

/* ---- the open's steps (sentry/vfs/walk.c) ---- */

struct open_walk {
	struct vfs_walk w;
	int flags; /* as sent to the gofer */
	mode_t mode;
	uint64_t resolve;
	bool opath;	      /* the guest asked for O_PATH */
	struct gofer_req req; /* the request last sent (a FIFO writer retries it) */
	int fd;		      /* what the gofer handed over, or -1 */
	int *fd_out;
	int calls; /* requests sent: 1 while the guest's own path is asked */
};

static int open_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct open_walk *o = (struct open_walk *)w;
	/* As a {.op = ...} initializer would: the whole request zeroed. */
	memset(&o->req, 0, sizeof(o->req));
	o->req.op = GOP_OPEN;
	o->req.flags = (uint32_t)o->flags;
	o->req.mode = o->mode & ~(mode_t)VFS_SETID_BITS; /* kept by the sentry */
	o->req.arg[GOFER_ARG_RESOLVE] = o->resolve;
	o->fd = -1;
	o->calls++;
	resp->rule = GOFER_RULE_NONE;
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &o->req, resp, &o->fd);
}

/* A blocking write open of a FIFO without a reader waits for one. */
static int open_failed(struct vfs_walk *w, int err, const struct gofer_resp *resp)
{
	struct open_walk *o = (struct open_walk *)w;
	if (err != -ENXIO || resp->val != GOFER_OPEN_FIFO || (o->flags & O_NONBLOCK))
		return err;
	struct fifo_wait *fw = xcalloc(1, sizeof(*fw));
	fw->fd = -1;
	fw->want_flags = o->flags;
	fw->guest_dirfd = w->guest_dirfd;
	fw->req = o->req;
	memcpy(fw->path, w->path, sizeof(fw->path));
	sentry_defer(w->c, fifo_writer_poll, fifo_drop, fw);
	return SC_DEFER;
}

static int open_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct open_walk *o = (struct open_walk *)w;
	int fd = o->fd;
	if (fd < 0)
		return -EIO;
	if (resp->val == GOFER_OPEN_FIFO && !(o->flags & O_NONBLOCK) &&
	    (o->flags & O_ACCMODE) == O_RDONLY) {
		struct fifo_wait *fw = xcalloc(1, sizeof(*fw));
		fw->fd = fd;
		fw->want_flags = o->flags;
		sentry_defer(w->c, fifo_reader_poll, fifo_drop, fw);
		return SC_DEFER;
	}
	/* A creation through the guest's own path (no /proc link on the
	 * way, no openat2 resolve flags, no policy rule) names fd's object:
	 * lookups of that path that follow are answered from the cache. */
	if ((o->flags & O_CREAT) && o->calls == 1 && o->resolve == 0 &&
	    resp->rule == GOFER_RULE_NONE)
		dc_learn_created(w->c, w->guest_dirfd, w->path,
				 (o->flags & (O_EXCL | O_NOFOLLOW)) != 0, fd, &resp->u.st);
	/* A write (here: an open for it) by a caller without CAP_FSETID
	 * clears set-id bits. */
	if (((o->flags & O_ACCMODE) != O_RDONLY || (o->flags & O_TRUNC)) && setid_any(w->c->s))
		setid_fd_written(w->c, fd);
	/* Set-id bits asked for and a set-group-id directory's group; a new
	 * file's number forgets what a freed one meant. */
	if ((o->flags & O_CREAT) && ((o->mode & VFS_SETID_BITS) || setid_any(w->c->s)))
		setid_created(w->c, w->guest_dirfd, w->path, fd, o->mode);
	else if ((o->flags & __O_TMPFILE) == __O_TMPFILE &&
		 ((o->mode & VFS_SETID_BITS) || setid_any(w->c->s)))
		setid_made_tmpfile(w->c, w->guest_dirfd, w->path, fd, o->mode);
	if (resp->val == GOFER_OPEN_SYSFS) {
		w->c->s->sysfs_opened = true;
		w->c->s->sysfs_dev = resp->u.st.st_dev;
	}
	if (o->opath)
		return opath_placeholder(w->c->s, fd, o->flags, o->fd_out);
	*o->fd_out = fd;
	return 0;
}

/* fd (taken) as an O_PATH fd of the same object. */
static int as_opath(struct sentry *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_PATH))
		return fd;
	char link[32];
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	int obj = openat(s->host_procfd, link, O_PATH | O_CLOEXEC);
	int err = errno;
	close(fd);
	return obj < 0 ? -sentry_fd_errno(err) : obj;
}

/* /proc or /dev/tty: the sentry's fd, or the open continues in the view at
 * the path procfs leaves in w->path. An O_PATH open gets a placeholder of
 * the sentry's object, as one of the view does. */
static int open_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct open_walk *o = (struct open_walk *)w;
	int fd = -1;
	(void)resp;
	int r = procfs_open_ex(w->c, where, o->flags, &fd, w->path, PATH_MAX);
	if (r == PROCFS_REOPEN_PATH || r < 0)
		return r;
	if (o->opath) {
		fd = as_opath(w->c->s, fd);
		if (fd < 0)
			return fd;
		return opath_placeholder(w->c->s, fd, o->flags, o->fd_out);
	}
	*o->fd_out = fd;
	return 0;
}

static const struct vfs_walk_ops open_ops = {
	.call = open_call,
	.failed = open_failed,
	.view = open_view,
	.redirect = open_redirect,
	.learn_skip = -ENOTDIR, /* may be O_DIRECTORY's: not the name's */
};

/* Runs the open walk. Set field by field: an initializer would zero the
 * request too, which open_call does before each send. */
static int open_walk_run(struct sc_ctx *c, int guest_dirfd, char *path, struct dc_query *q,
			 int flags, mode_t mode, uint64_t resolve, bool opath, int *fd_out)
{
	struct open_walk o;
	o.w.ops = &open_ops;
	o.w.c = c;
	o.w.guest_dirfd = guest_dirfd;
	o.w.path = path;
	o.w.q = q;
	o.flags = flags;
	o.mode = mode;
	o.resolve = resolve;
	o.opath = opath;
	o.fd = -1;
	o.fd_out = fd_out;
	o.calls = 0;
	return vfs_walk_run(&o.w);
}

int vfs_open(struct sc_ctx *c, int guest_dirfd, char *path, int flags, mode_t mode,
	     uint64_t resolve, int *fd_out)
{
	struct creds cr;
	bool opath = false;
	int r;
	mode &= 07777;
	if (flags & O_PATH) {
		/* Linux ignores every other flag with O_PATH. The gofer opens
		 * the object O_PATH; the guest gets a placeholder of it
		 * (sentry/opath.h). */
		flags = O_PATH | (flags & (O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC));
		opath = true;
	}
	if ((flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE) {
		r = task_read_creds(c->s, c->req->pid, &cr);
		if (r < 0)
			return r;
		mode &= ~cr.umask;
	}
	/* A path known not to resolve fails an open that creates nothing
	 * with the same error, before any flag could matter. */
	struct dc_query q = {.d = NULL};
	if (!(flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))) && resolve == 0) {
		struct dc_hit hit;
		dc_query(c, guest_dirfd, path, !(flags & O_NOFOLLOW), false, &q);
		r = dc_find(c, guest_dirfd, path, &q, false, &hit);
		if (r < 0)
			return r;
	}
	return open_walk_run(c, guest_dirfd, path, &q, flags, mode, resolve, opath, fd_out);
}

int vfs_open_object(struct sc_ctx *c, int guest_dirfd, char *path, int flags, int *fd_out)
{
	*fd_out = -1;
	struct dc_query q = {.d = NULL};
	struct dc_hit hit;
	dc_query(c, guest_dirfd, path, !(flags & O_NOFOLLOW), false, &q);
	int r = dc_find(c, guest_dirfd, path, &q, false, &hit);
	if (r < 0)
		return r;
	return open_walk_run(c, guest_dirfd, path, &q,
			     O_PATH | O_CLOEXEC | (flags & (O_NOFOLLOW | O_DIRECTORY)), 0, 0, false,
			     fd_out);
}
