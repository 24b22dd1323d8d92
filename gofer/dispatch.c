/* SPDX-License-Identifier: Apache-2.0 */
/* One request, start to end: checked as received (check.c), the guest's
 * credentials taken on, its handler found by op and run, and a failure
 * turned into the answer's err. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gofer/creds.h"
#include "gofer/gofer.h"
#include "gofer/request.h"

typedef int (*op_fn)(struct ctx *c);

static const op_fn ops[GOP_OP_MAX] = {
	[GOP_OPEN] = op_open,
	[GOP_STAT] = op_stat,
	[GOP_STATX] = op_statx,
	[GOP_ACCESS] = op_access,
	[GOP_READLINK] = op_readlink,
	[GOP_MKDIR] = op_mkdir,
	[GOP_MKNOD] = op_mknod,
	[GOP_UNLINK] = op_unlink,
	[GOP_RENAME] = op_rename,
	[GOP_LINK] = op_link,
	[GOP_SYMLINK] = op_symlink,
	[GOP_CHMOD] = op_chmod,
	[GOP_CHOWN] = op_chown,
	[GOP_TRUNCATE] = op_truncate,
	[GOP_UTIMENS] = op_utimens,
	[GOP_STATFS] = op_statfs,
	[GOP_BIND] = op_bind,
	[GOP_CONNECT] = op_connect,
	[GOP_INOTIFY_ADD] = op_inotify_add,
	[GOP_EXEC_OPEN] = op_exec_open,
	[GOP_MOUNTS] = op_mounts,
};

size_t gofer_handle(struct gofer_state *st, const struct gofer_req *req, size_t len, const int *fds,
		    int nfds, struct gofer_resp *resp, int *fd_out)
{
	memset(resp, 0, GOFER_RESP_HDR_SIZE);
	*fd_out = -1;
	st->checked_fd = -1; /* the last request's fds are closed */
	int r = gofer_req_check(req, len, nfds);
	if (r < 0) {
		resp->err = r;
		return GOFER_RESP_HDR_SIZE;
	}

	struct ctx c = {
		.st = st,
		.req = req,
		.path = req->data,
		.path2 = req->data + req->path_len,
		.dir = -1,
		.dir2 = -1,
		.obj = -1,
		.resp = resp,
		.fd_out = fd_out,
	};
	int i = 0;
	if (req->fd_mask & GOFER_FD_DIR)
		c.dir = fds[i++];
	if (req->fd_mask & GOFER_FD_DIR2)
		c.dir2 = fds[i++];
	if (req->fd_mask & GOFER_FD_OBJ)
		c.obj = fds[i++];

	if (!ops[req->op]) {
		resp->err = -ENOTSUP;
		return GOFER_RESP_HDR_SIZE;
	}
	/* The ids stay in force after the request: between requests the gofer
	 * only receives and sends messages, and a guest running as one user
	 * then costs no credential switch at all. */
	r = creds_guest(st, req);
	if (r == 0)
		r = ops[req->op](&c);
	if (r < 0) {
		resp->err = r;
		if (*fd_out >= 0) {
			close(*fd_out);
			*fd_out = -1;
		}
		if (!resp->redirect)
			resp->data_len = 0;
	}
	return GOFER_RESP_HDR_SIZE + resp->data_len;
}
