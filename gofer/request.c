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
#include "gofer/decide.h"
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

/* The object of a path request that may name its fd (AT_EMPTY_PATH). Sets
 * o first; w only carries a redirect and holds no fd afterwards. */
static int ctx_obj(struct ctx *c, bool follow, struct gofer_walk *w, struct obj *o)
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
static int ctx_parent(struct ctx *c, int dirfd, const char *path, struct gofer_walk *w)
{
	int start;
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	int r = start_of(c, dirfd, path, &start);
	if (r < 0)
		return r;
	return gofer_walk(c->st, start, path, GOFER_WALK_PARENT, 0, w);
}

/* ---- a handler's first step ---- */

/* A walk's result as a first step: the redirect answered, or go on. */
static int go_on_unless_redirected(struct ctx *c, int r, const struct gofer_walk *w, int which)
{
	if (r < 0)
		return r;
	if (w->redirect) {
		r = answer_redirect(c, w, which);
		return r < 0 ? r : REQ_ANSWERED;
	}
	return REQ_GO_ON;
}

/* The policy's decision as a first step. */
static int go_on_if_allowed(int r)
{
	return r < 0 ? r : REQ_GO_ON;
}

int req_obj(struct ctx *c, bool follow, struct obj *o)
{
	struct gofer_walk w; /* only a redirect */
	int r = ctx_obj(c, follow, &w, o);
	return go_on_unless_redirected(c, r, &w, GOFER_WHICH_ONLY);
}

int req_obj_allowed(struct ctx *c, bool follow, enum need need, struct obj *o)
{
	int r = req_obj(c, follow, o);
	return r != REQ_GO_ON ? r : go_on_if_allowed(decide_obj(c, o, need));
}

int req_parent(struct ctx *c, int which, struct gofer_walk *w)
{
	int r = which == GOFER_WHICH_PATH2 ? ctx_parent(c, c->dir2, c->path2, w)
					   : ctx_parent(c, c->dir, c->path, w);
	return go_on_unless_redirected(c, r, w, which);
}

int req_parent_allowed(struct ctx *c, int which, enum need need, struct gofer_walk *w)
{
	int r = req_parent(c, which, w);
	return r != REQ_GO_ON ? r : go_on_if_allowed(decide_name(c, w->parent_fd, w->last, need));
}

int req_name(struct ctx *c, int which, enum gofer_walk_mode mode, bool must_exist,
	     struct gofer_walk *w)
{
	int start;
	w->parent_fd = -1;
	w->redirect = GOFER_REDIR_NONE;
	int r = start_of(c, c->dir, c->path, &start);
	if (r == 0)
		r = gofer_walk(c->st, start, c->path, mode, 0, w);
	r = go_on_unless_redirected(c, r, w, which);
	if (r == REQ_GO_ON && must_exist && !w->exists)
		return -ENOENT;
	return r;
}

int req_name_allowed(struct ctx *c, enum gofer_walk_mode mode, bool must_exist, enum need need,
		     struct gofer_walk *w)
{
	int r = req_name(c, GOFER_WHICH_ONLY, mode, must_exist, w);
	return r != REQ_GO_ON ? r : go_on_if_allowed(decide_name(c, w->parent_fd, w->last, need));
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
