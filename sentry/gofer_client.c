/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's side of the gofer protocol. */
#include "sentry/sentry.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/gofer_shared.h"
#include "common/util.h"
#include "sentry/audit.h"
#include "sentry/counters.h"
#include "sentry/procfs.h"
#include "sentry/setid.h"

/* A wake-up across CPUs costs ten times a round trip on one CPU here. The
 * guest's notification wakes the sentry on the guest's CPU (SYNC_WAKE_UP);
 * the gofer follows it there, so that the request and its answer are plain
 * context switches. */
static void gofer_follow(struct sentry *s)
{
	if (s->gofer_pid <= 0)
		return;
	int cpu = sched_getcpu();
	if (cpu < 0 || cpu == s->gofer_cpu)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(s->gofer_pid, sizeof(set), &set) == 0)
		s->gofer_cpu = cpu;
}

/* The objects whose names an unlink or rename that succeeded removed or
 * moved, as the gofer saw them just before, or that a chmod or chown
 * changed: their number, or 0 when the answer does not list them. */
static size_t objs_of(const struct gofer_resp *resp)
{
	size_t n = resp->data_len / sizeof(struct gofer_gone);
	if (resp->err != 0 || resp->redirect || n == 0 || n > GOFER_GONE_MAX ||
	    resp->data_len != n * sizeof(struct gofer_gone))
		return 0;
	return n;
}

/* Is one of the objects a directory (paths run through those) or a
 * symlink (paths run through their targets)? */
static bool objs_lead(const struct gofer_resp *resp, size_t n)
{
	const struct gofer_gone *g = (const struct gofer_gone *)(const void *)resp->data;
	for (size_t i = 0; i < n; i++)
		if (S_ISDIR(g[i].mode) || S_ISLNK(g[i].mode))
			return true;
	return false;
}

/* The permissions of a regular file decide no lookup: a directory's
 * chmod or chown can change where a path leads, and so can a symlink's
 * owner (fs.protected_symlinks follows one in a sticky world-writable
 * directory only for its owner or the directory's). */
static enum names_change attrs_change(const struct gofer_resp *resp)
{
	size_t n = objs_of(resp);
	if (resp->err != 0 && !resp->redirect)
		return NAMES_KEPT; /* refused: nothing changed */
	if (n == 0)
		return NAMES_CHANGED;
	const struct gofer_gone *g = (const struct gofer_gone *)(const void *)resp->data;
	return S_ISDIR(g[0].mode) || S_ISLNK(g[0].mode) ? NAMES_DIRS : NAMES_KEPT;
}

/* An open that made a name: O_CREAT or O_TMPFILE (without the O_DIRECTORY
 * bit it includes), unless the answer shows it found what was there:
 * O_CREAT makes regular files only, so another type existed (the everyday
 * "2>/dev/null"), and a redirect never reached the view. A pty master
 * makes a /dev/pts entry. */
static bool open_adds_names(const struct gofer_req *req, const struct gofer_resp *resp, int fd)
{
	if (req->flags & (O_TMPFILE & ~O_DIRECTORY))
		return true;
	if (resp->redirect || (req->flags & O_PATH))
		return false;
	if (fd < 0 || resp->err != 0)
		return (req->flags & O_CREAT) != 0;
	/* The gofer's fstat of the fd it opened (GOP_OPEN). */
	const struct stat *st = &resp->u.st;
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 5 && minor(st->st_rdev) == 2)
		return true;
	return (req->flags & O_CREAT) && S_ISREG(st->st_mode);
}

/* What the request may have done to the names of the view and what their
 * permissions allow. Every such change a guest makes comes through here
 * (native calls create or remove no names: every path call is trapped), so
 * the dentry cache follows each. Whether the request succeeded does not
 * matter, except for a chmod or chown the gofer refused (an attribute
 * change is one system call, done or not): assuming the change is always
 * exact. */
static enum names_change names_change(const struct gofer_req *req, const struct gofer_resp *resp,
				      int fd)
{
	switch (req->op) {
	case GOP_OPEN:
		return open_adds_names(req, resp, fd) ? NAMES_ADDED : NAMES_KEPT;
	case GOP_MKDIR:
	case GOP_MKNOD:
	case GOP_LINK:
	case GOP_SYMLINK:
	case GOP_BIND:
		return NAMES_ADDED;
	case GOP_UNLINK:
	case GOP_RENAME: {
		size_t n = objs_of(resp);
		if (n == 0)
			return NAMES_CHANGED;
		if (!objs_lead(resp, n))
			return NAMES_MOVED;
		return req->op == GOP_UNLINK ? NAMES_DIRS_REMOVED : NAMES_DIRS;
	}
	case GOP_CHMOD:
	case GOP_CHOWN:
		return attrs_change(resp);
	default:
		return NAMES_KEPT;
	}
}

/* Can the request change a file of the view, its attributes or what a
 * name leads to (or add a writer, which exec's ETXTBSY looks for)? */
static bool request_changes_files(const struct gofer_req *req)
{
	switch (req->op) {
	case GOP_STAT:
	case GOP_STATX:
	case GOP_ACCESS:
	case GOP_READLINK:
	case GOP_STATFS:
	case GOP_EXEC_OPEN:
	case GOP_GETXATTR:
	case GOP_MOUNTS:
	case GOP_INOTIFY_ADD:
	case GOP_CONNECT:
		return false;
	case GOP_OPEN:
		if (req->flags & O_PATH)
			return false;
		return (req->flags & O_ACCMODE) != O_RDONLY ||
		       (req->flags & (O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY)));
	default:
		return true;
	}
}

void gofer_settle(struct sentry *s)
{
	if (!s->gofer_fd_held)
		return;
	s->gofer_fd_held = false;
	int r = gofer_shared_settle(s->gofer_shared, s->gofer);
	if (r == -EPROTO)
		die("malformed answer from the gofer");
	if (r < 0)
		die("the gofer died; stopping the sandbox");
}

int gofer_call(struct sentry *s, struct gofer_req *req, const int *fds, int nfds,
	       struct gofer_resp *resp, int *fd_out)
{
	gofer_settle(s);
	gofer_follow(s);
	counters_gofer(req->op);
	bool changes = request_changes_files(req);
	size_t len = GOFER_REQ_HDR_SIZE + req->path_len + req->path2_len;
	int r = send_msg_fds(s->gofer, req, len, fds, nfds);
	if (r < 0)
		die("the gofer died (send: %s); stopping the sandbox", strerror(-r));
	int got_fds[1], ngot = 0;
	ssize_t n = recv_msg_fds(s->gofer, resp, sizeof(*resp), got_fds, 1, &ngot);
	/* An fd that did not fit (MSG_CTRUNC) was sent too. */
	s->gofer_fd_held = ngot > 0 || n == -EPROTO;
	if (n == -EPROTO && (req->op == GOP_MKDIR || req->op == GOP_SYMLINK)) {
		/* The fd of what was made is only the dentry cache's: the
		 * answer stands without it. */
		n = (ssize_t)(GOFER_RESP_HDR_SIZE + resp->data_len);
	} else if (n == -EPROTO) {
		/* The gofer answered, but the sentry's fd table had no room
		 * for the fd the answer carried (MSG_CTRUNC). What the
		 * request changed is not known: the dentry cache forgets. */
		s->names_gen++;
		if (changes)
			s->files_gen++;
		if (s->names_changed)
			s->names_changed(s, NAMES_CHANGED, NULL, 0);
		return -ENOMEM;
	}
	if (n <= 0)
		die("the gofer died; stopping the sandbox");
	if ((size_t)n < GOFER_RESP_HDR_SIZE || resp->data_len > sizeof(resp->data) ||
	    (size_t)n != GOFER_RESP_HDR_SIZE + resp->data_len)
		die("malformed answer from the gofer");
	int fd = ngot ? got_fds[0] : -1;
	/* Opening a device, FIFO or socket for writing ("2>/dev/null")
	 * changes no file exec could run. */
	if (changes && !(req->op == GOP_OPEN && fd >= 0 && resp->err == 0 && !resp->redirect &&
			 !S_ISREG(resp->u.st.st_mode)))
		s->files_gen++;
	if (changes)
		setid_answered(s, req, resp);
	enum names_change change = names_change(req, resp, fd);
	if (change != NAMES_KEPT && change != NAMES_ADDED)
		s->names_gen++;
	if (change != NAMES_KEPT && s->names_changed) {
		const struct gofer_gone *gone = NULL;
		size_t ngone = 0;
		if (change == NAMES_MOVED || change == NAMES_DIRS || change == NAMES_DIRS_REMOVED) {
			gone = (const struct gofer_gone *)(const void *)resp->data;
			ngone = objs_of(resp);
		}
		s->names_changed(s, change, gone, ngone);
	}
	if (fd_out)
		*fd_out = fd;
	else if (fd >= 0)
		close(fd);
	return resp->err;
}

/* Resolves the base directory of a relative path. Returns an fd (or -1 for
 * "the view's root"), which the caller closes when *owned says so: the
 * cwd is the sentry's own fd. May rewrite path into an absolute one for
 * directories the sentry synthesizes. */
/* path below prefix, a directory of the sentry's /proc, as an absolute
 * path in abs; the directory itself for an empty path (AT_EMPTY_PATH).
 * Returns -1 (resolve from the view's root) or -ENAMETOOLONG. */
static int proc_relative(const char *prefix, const char *path, char *abs, size_t abs_size,
			 const char **use_path)
{
	int n = snprintf(abs, abs_size, path[0] ? "%s/%s" : "%s", prefix, path);
	if (n < 0 || (size_t)n >= abs_size)
		return -ENAMETOOLONG;
	*use_path = abs;
	return -1;
}

static int base_dir(struct sc_ctx *c, int guest_dirfd, const char *path, char *abs, size_t abs_size,
		    const char **use_path, bool *owned)
{
	char prefix[PROCFS_NODE_PATH + 8];
	*use_path = path;
	*owned = false;
	if (path[0] == '/')
		return -1;
	if (guest_dirfd == AT_FDCWD) {
		const struct fsinfo *fs = c->t->fs;
		if (fs->cwd_fd < 0)
			return -ENOMEM;
		if (!fs->cwd_proc)
			return fs->cwd_fd;
		procfs_owns_fd(c->s, fs->cwd_fd, NULL, prefix, sizeof(prefix));
		if (procfs_prefix_gone(c->s, prefix))
			return -ESRCH;
		return proc_relative(prefix, path, abs, abs_size, use_path);
	}
	bool own;
	int fd = guest_dirfd_pinned(c, guest_dirfd, &own);
	if (fd < 0)
		return fd;
	struct stat st;
	if (sc_ctx_fstat(c, fd, &st) == 0 &&
	    procfs_owns_fd(c->s, fd, &st, prefix, sizeof(prefix))) {
		if (own)
			close(fd);
		if (procfs_prefix_gone(c->s, prefix))
			return -ESRCH;
		return proc_relative(prefix, path, abs, abs_size, use_path);
	}
	*owned = own;
	return fd;
}

static int put_path(struct gofer_req *req, size_t off, const char *path, uint32_t *len_out)
{
	size_t len = strlen(path) + 1;
	if (len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(req->data + off, path, len);
	*len_out = (uint32_t)len;
	return 0;
}

/* Fills the ids and then checks that the notification is still pending:
 * the path and ids were read by tid, and a tid that died meanwhile could
 * belong to another process now. Nothing is done for a stale request. */
static int fill_creds(struct sc_ctx *c, struct gofer_req *req)
{
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	bool real_ids = req->op == GOP_ACCESS && !(req->flags & AT_EACCESS);
	creds_to_req(&cr, real_ids, req);
	return notif_valid(c) ? 0 : -ESRCH;
}

/* A refusal by a policy rule, whatever the path call: one audit record.
 * Exec audits its own decisions (with "exec" as the access). */
static void audit_refusal(struct sc_ctx *c, const struct gofer_req *req, const char *path, int r,
			  const struct gofer_resp *resp)
{
	if (r >= 0 || resp->rule == GOFER_RULE_NONE || req->op == GOP_EXEC_OPEN)
		return;
	const char *access;
	switch (req->op) {
	case GOP_OPEN:
		access = audit_open_access((int)req->flags);
		break;
	case GOP_STAT:
	case GOP_STATX:
	case GOP_ACCESS:
	case GOP_READLINK:
	case GOP_STATFS:
		access = "read";
		break;
	default:
		access = "write";
		break;
	}
	audit_decision(c, NULL, path, access, false, gofer_rule_index(resp->rule));
}

int gofer_cwd_base(struct sc_ctx *c, const char *path, char *abs, size_t abs_size,
		   const char **use_path)
{
	bool owned; /* never for the cwd: the sentry's own fd */
	return base_dir(c, AT_FDCWD, path, abs, abs_size, use_path, &owned);
}

int gofer_path_call(struct sc_ctx *c, int guest_dirfd, const char *path, struct gofer_req *req,
		    struct gofer_resp *resp, int *fd_out)
{
	char abs[PATH_MAX + 64];
	const char *use;
	if (fd_out)
		*fd_out = -1;
	if (path[0] == 0 && !(req->flags & AT_EMPTY_PATH))
		return -ENOENT;
	bool owned;
	int dirfd = base_dir(c, guest_dirfd, path, abs, sizeof(abs), &use, &owned);
	if (dirfd < 0 && dirfd != -1)
		return dirfd;
	_cleanup_close_ int dir_owned = owned ? dirfd : -1;
	int r = put_path(req, 0, use, &req->path_len);
	if (r < 0)
		return r;
	req->path2_len = 0;
	req->fd_mask = dirfd >= 0 ? GOFER_FD_DIR : 0;
	r = fill_creds(c, req);
	if (r < 0)
		return r;
	r = gofer_call(c->s, req, &dirfd, dirfd >= 0 ? 1 : 0, resp, fd_out);
	audit_refusal(c, req, use, r, resp);
	return r;
}

int gofer_fd_path_call(struct sc_ctx *c, int host_dirfd, const char *path, struct gofer_req *req,
		       struct gofer_resp *resp, int *fd_out)
{
	if (fd_out)
		*fd_out = -1;
	int r = put_path(req, 0, path, &req->path_len);
	if (r < 0)
		return r;
	req->path2_len = 0;
	req->fd_mask = GOFER_FD_DIR;
	r = fill_creds(c, req);
	if (r < 0)
		return r;
	r = gofer_call(c->s, req, &host_dirfd, 1, resp, fd_out);
	if (r < 0 && resp->rule != GOFER_RULE_NONE) {
		/* The record names the directory by its path in the view. */
		char link[32], where[PATH_MAX];
		snprintf(link, sizeof(link), "self/fd/%d", host_dirfd);
		ssize_t n = readlinkat(c->s->host_procfd, link, where, sizeof(where) - 1);
		if (n > 0)
			where[n] = 0;
		audit_refusal(c, req, n > 0 ? where : path, r, resp);
	}
	return r;
}

/* The second half of both path2 calls: path1 as use at dirfd (-1: the
 * view's root), path2 relative to the guest's dirfd2. */
static int path2_send(struct sc_ctx *c, int dirfd, const char *use, int guest_dirfd2,
		      const char *path2, struct gofer_req *req, struct gofer_resp *resp,
		      int *fd_out)
{
	char abs2[PATH_MAX + 64];
	const char *use2;
	int fds[2], nfds = 0;
	bool owned2;
	if (path2[0] == 0)
		return -ENOENT;
	int dirfd2 = base_dir(c, guest_dirfd2, path2, abs2, sizeof(abs2), &use2, &owned2);
	if (dirfd2 < 0 && dirfd2 != -1)
		return dirfd2;
	_cleanup_close_ int own2 = owned2 ? dirfd2 : -1;
	int r = put_path(req, 0, use, &req->path_len);
	if (r < 0)
		return r;
	r = put_path(req, req->path_len, use2, &req->path2_len);
	if (r < 0)
		return r;
	req->fd_mask = 0;
	if (dirfd >= 0) {
		req->fd_mask |= GOFER_FD_DIR;
		fds[nfds++] = dirfd;
	}
	if (dirfd2 >= 0) {
		req->fd_mask |= GOFER_FD_DIR2;
		fds[nfds++] = dirfd2;
	}
	r = fill_creds(c, req);
	if (r < 0)
		return r;
	r = gofer_call(c->s, req, fds, nfds, resp, fd_out);
	bool on_path2 = resp->rule != GOFER_RULE_NONE && resp->val == GOFER_WHICH_PATH2;
	audit_refusal(c, req, on_path2 ? use2 : use, r, resp);
	return r;
}

int gofer_path2_call(struct sc_ctx *c, int guest_dirfd, const char *path, int guest_dirfd2,
		     const char *path2, struct gofer_req *req, struct gofer_resp *resp, int *fd_out)
{
	if (fd_out)
		*fd_out = -1;
	char abs[PATH_MAX + 64];
	const char *use = path; /* a symlink's text is never resolved */
	int dirfd = -1;
	bool owned = false;
	if (path[0] == 0 && !(req->flags & AT_EMPTY_PATH) && req->op != GOP_SYMLINK)
		return -ENOENT;
	if (path2[0] == 0)
		return -ENOENT;
	if (req->op != GOP_SYMLINK) {
		dirfd = base_dir(c, guest_dirfd, path, abs, sizeof(abs), &use, &owned);
		if (dirfd < 0 && dirfd != -1)
			return dirfd;
	}
	_cleanup_close_ int own1 = owned ? dirfd : -1;
	return path2_send(c, dirfd, use, guest_dirfd2, path2, req, resp, fd_out);
}

int gofer_link_fd_call(struct sc_ctx *c, int obj_fd, int guest_dirfd2, const char *path2,
		       struct gofer_req *req, struct gofer_resp *resp)
{
	req->flags = AT_EMPTY_PATH;
	return path2_send(c, obj_fd, "", guest_dirfd2, path2, req, resp, NULL);
}
