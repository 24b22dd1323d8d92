/* SPDX-License-Identifier: Apache-2.0 */
/* What every handler shares: where a request's path starts, its object or
 * its parent, and the answer it gets. Operations act on the resolved
 * (parent directory, final name) with the *at() system calls, or on an
 * O_PATH fd of the final object, so the kernel never follows a final
 * symlink the walk did not decide to follow. */
#include "gofer/request.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "gofer/view_state.h"

int set_data(struct gofer_resp *resp, const char *s, size_t n)
{
	if (n > sizeof(resp->data))
		return -ENAMETOOLONG;
	memcpy(resp->data, s, n);
	resp->data_len = (uint32_t)n;
	return 0;
}

int answer_redirect(struct ctx *c, const struct gofer_walk *w, int which)
{
	c->resp->redirect = w->redirect;
	c->resp->val = which;
	return set_data(c->resp, w->rest, w->rest_len);
}

static bool op_mutates(uint32_t op)
{
	return op == GOP_CHMOD || op == GOP_CHOWN || op == GOP_UTIMENS || op == GOP_LINK ||
	       op == GOP_TRUNCATE;
}

/* Where a path starts: its dirfd (validated) or, for absolute paths and
 * requests without one, the root (-1). */
int start_of(struct ctx *c, int dirfd, const char *path, int *start)
{
	*start = -1;
	if (path[0] == '/' || dirfd < 0)
		return 0;
	int r = check_dirfd(c->st, dirfd);
	if (r < 0)
		return r;
	*start = dirfd;
	return 0;
}

bool empty_path_obj(const struct ctx *c)
{
	return c->path[0] == '\0';
}

/* The object of a path request that may name its fd (AT_EMPTY_PATH). */
int ctx_obj(struct ctx *c, bool follow, struct gofer_walk *w, struct obj *o)
{
	w->redirect = GOFER_REDIR_NONE;
	w->parent_fd = -1;
	o->fd = -1; /* nothing to release on the early returns */
	o->owned = false;
	if (empty_path_obj(c)) {
		int r = op_mutates(c->req->op) ? check_mutable_fd(c->st, c->dir)
					       : check_anyfd(c->dir);
		if (r < 0)
			return r;
		o->fd = c->dir;
		o->owned = false;
		return fstat(o->fd, &o->st) < 0 ? -errno : 0;
	}
	int start;
	int r = start_of(c, c->dir, c->path, &start);
	if (r < 0)
		return r;
	return resolve_obj(c->st, start, c->path, follow, w, o);
}

bool follows(const struct gofer_req *req)
{
	return !(req->flags & AT_SYMLINK_NOFOLLOW);
}

/* A parent-shaped path of the request: (parent, last). */
int ctx_parent(struct ctx *c, int dirfd, const char *path, struct gofer_walk *w)
{
	int start;
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	int r = start_of(c, dirfd, path, &start);
	if (r < 0)
		return r;
	return gofer_walk(c->st, start, path, GOFER_WALK_PARENT, 0, w);
}

/* Makes the object's directory the cwd, so its name is a relative path: the
 * way to hand a path to calls that take no dirfd (truncate, bind, connect,
 * inotify_add_watch) without procfs. */
int in_dir(const struct gofer_walk *w)
{
	if (fchdir(w->parent_fd) < 0)
		return -errno;
	return 0;
}

void back_to_root(struct ctx *c)
{
	if (fchdir(c->st->root_fd) < 0)
		die_errno("returning to the view's root");
}
