/* SPDX-License-Identifier: Apache-2.0 */
/* One request being served: its context, the steps every handler shares
 * (where a path starts, its object or its parent, the answer), and the
 * handlers the dispatcher (gofer/dispatch.c) calls, one per GOP_* op. */
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
/* The object of a path request that may name its fd (AT_EMPTY_PATH). Sets
 * o first, so a _cleanup_obj_ o is released on any return; w only carries
 * a redirect and holds no fd afterwards. */
int ctx_obj(struct ctx *c, bool follow, struct gofer_walk *w, struct obj *o);
/* A parent-shaped path of the request: (parent, last). */
int ctx_parent(struct ctx *c, int dirfd, const char *path, struct gofer_walk *w);
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
/* gofer/handlers_guest_fd.c */
int op_bind(struct ctx *c);
int op_connect(struct ctx *c);
int op_inotify_add(struct ctx *c);

#endif
