/* SPDX-License-Identifier: Apache-2.0 */
/* The walk every path operation takes: the gofer resolves the path in the
 * view and does the operation there, or redirects it into the sentry's own
 * files (/proc, /dev/tty) with the rest of the path. A /proc link can lead
 * back into the view (/proc/<pid>/cwd, root, exe, a file's fd/N, or ".." out
 * of /proc): the operation is then redone at that path through the gofer,
 * up to VFS_MAX_HOPS times. The operation's own steps come as a
 * struct vfs_walk_ops (sentry/vfs/internal.h). */
#include <errno.h>
#include <string.h>

#include "sentry/sentry.h"
#include "sentry/vfs/internal.h"

/* The first answer teaches the dentry cache whether the path resolves. */
static void walk_learn(const struct vfs_walk *w, int r, const struct gofer_resp *resp)
{
	const struct vfs_walk_ops *ops = w->ops;
	if (!w->q || (ops->learn_skip && r == ops->learn_skip))
		return;
	dc_learn(w->q, r, r == 0 || (ops->learn_found && r == ops->learn_found), resp);
}

int vfs_walk_run(struct vfs_walk *w)
{
	const struct vfs_walk_ops *ops = w->ops;
	for (int hop = 0; hop < VFS_MAX_HOPS; hop++) {
		struct gofer_resp resp;
		int r = ops->call(w, &resp);
		if (hop == 0)
			walk_learn(w, r, &resp);
		if (r < 0)
			return ops->failed ? ops->failed(w, r, &resp) : r;
		if (!resp.redirect)
			return ops->view(w, &resp);
		char rest[GOFER_PATH_MAX + 1];
		memcpy(rest, resp.data, resp.data_len);
		rest[resp.data_len] = 0;
		r = ops->redirect(w, &resp, resp.redirect == GOFER_REDIR_TTY ? PROCFS_TTY : rest);
		if (r != PROCFS_REOPEN_PATH)
			return r;
	}
	return -ELOOP;
}
