/* SPDX-License-Identifier: Apache-2.0 */
/* One request being served: its context, the steps every handler shares
 * (where a path starts, its object or its parent found and decided, the
 * answer), and the handlers the dispatcher (gofer/dispatch.c) calls, one
 * per GOP_* op. */
#ifndef RUNSC_GOFER_REQUEST_H
#define RUNSC_GOFER_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "gofer/gofer.h"
#include "gofer/walk.h"

struct ctx {
	struct gofer_state *st;
	const struct gofer_req *req;
	const char *path;
	const char *path2;
	int dir; /* the request's fds, -1 when absent */
	int dir2;
	int obj;
	struct gofer_resp *resp;
	int *fd_out;
};

/* What a request needs of the policy's file rules (gofer/decide.c). */
enum need {
	NEED_SEE,   /* stat: only hidden paths are refused */
	NEED_READ,  /* open for reading, list, readlink, exec */
	NEED_WRITE, /* anything that creates, changes or removes */
};

/* ---- gofer/request.c ---- */

/* The answer's data: n bytes of s. Returns 0 or -ENAMETOOLONG. */
int set_data(struct gofer_resp *resp, const char *s, size_t n);
/* Answers w's redirect; which: the path redirected (GOFER_WHICH_*). */
int answer_redirect(struct ctx *c, const struct gofer_walk *w, int which);
/* Where a path starts: its dirfd (validated) or, for absolute paths and
 * requests without one, the root (-1). */
int start_of(struct ctx *c, int dirfd, const char *path, int *start);
/* The request's path is empty: the object is its fd (AT_EMPTY_PATH). */
bool empty_path_obj(const struct ctx *c);

/* The first step of a handler: the object its path names, answering a
 * redirect. Each returns a negative errno, REQ_ANSWERED (the path was
 * redirected: the answer is made) or REQ_GO_ON (the handler acts). A
 * handler returns whatever is not REQ_GO_ON as its own result. Each sets
 * its o or w first, so a _cleanup_obj_ o or _cleanup_walk_ w declared right
 * before the call is released on any return. The _allowed forms also ask
 * the policy for need (gofer/decide.c). */
#define REQ_ANSWERED 0
#define REQ_GO_ON    1
/* The object of a path request that may name its fd (AT_EMPTY_PATH). */
int req_obj(struct ctx *c, bool follow, struct obj *o);
int req_obj_allowed(struct ctx *c, bool follow, enum need need, struct obj *o);
/* A parent-shaped path of the request, as (parent, last): path at dir, or
 * path2 at dir2 for which GOFER_WHICH_PATH2 (which also goes in a
 * redirect's answer). */
int req_parent(struct ctx *c, int which, struct gofer_walk *w);
int req_parent_allowed(struct ctx *c, int which, enum need need, struct gofer_walk *w);
/* The object of path at dir as a name in its directory, found with mode;
 * with must_exist, ENOENT when there is none. */
int req_name(struct ctx *c, int which, enum gofer_walk_mode mode, bool must_exist,
	     struct gofer_walk *w);
int req_name_allowed(struct ctx *c, enum gofer_walk_mode mode, bool must_exist, enum need need,
		     struct gofer_walk *w);
/* The request follows a final symlink (no AT_SYMLINK_NOFOLLOW). */
bool follows(const struct gofer_req *req);
/* Makes the object's directory the cwd, so its name is a relative path: the
 * way to hand a path to calls that take no dirfd (truncate, bind, connect,
 * inotify_add_watch) without procfs. back_to_root undoes it. */
int in_dir(const struct gofer_walk *w);
void back_to_root(struct ctx *c);

/* ---- the handlers: 0 or -errno, the answer in c->resp and c->fd_out ---- */

/* gofer/handlers_lookup.c */
int op_stat(struct ctx *c);
int op_statx(struct ctx *c);
int op_access(struct ctx *c);
int op_readlink(struct ctx *c);
int op_statfs(struct ctx *c);
/* gofer/handlers_change.c */
int op_chmod(struct ctx *c);
int op_chown(struct ctx *c);
int op_utimens(struct ctx *c);
int op_truncate(struct ctx *c);
int op_mkdir(struct ctx *c);
int op_mknod(struct ctx *c);
int op_unlink(struct ctx *c);
int op_rename(struct ctx *c);
int op_link(struct ctx *c);
int op_symlink(struct ctx *c);
/* gofer/handlers_open.c */
int op_open(struct ctx *c);
/* gofer/handlers_exec.c */
int op_exec_open(struct ctx *c);
/* GOP_MOUNTS: a duplicate of the view's mount table (gofer_state.mounts_fd). */
int op_mounts(struct ctx *c);
/* gofer/handlers_guest_fd.c */
int op_bind(struct ctx *c);
int op_connect(struct ctx *c);
int op_inotify_add(struct ctx *c);

#endif
