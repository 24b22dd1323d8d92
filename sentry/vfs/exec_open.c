/* SPDX-License-Identifier: Apache-2.0 */
/* exec's open: the file an execve or execveat names, resolved by the walk
 * every path operation takes (sentry/vfs/walk.c). The gofer opens it for
 * exec (GOP_EXEC_OPEN) in the view, or redirects into /proc, where
 * <who>/exe leads back into the view and <who>/fd/<n> names a guest's fd.
 * Runs at the exec's ptrace stop. What Linux checks on an fd it is handed,
 * the policy's exec rules and the file's format are sentry/exec.c's. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/dcache.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"
#include "sentry/vfs/internal.h"

/* A guest fd of a thread held in a ptrace stop. guest_getfd() wants a
 * pending notification; here the stop itself keeps the tid from being
 * reused until the sentry reaps it. */
static int stopped_getfd(struct sentry *s, pid_t tid, int guest_fd)
{
	if (guest_fd < 0)
		return -EBADF;
	_cleanup_close_ int pidfd = sys_pidfd_open(tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -sentry_task_errno(errno);
	int fd = sys_pidfd_getfd(pidfd, guest_fd, 0);
	return fd < 0 ? -sentry_fd_errno(errno) : opath_resolve(s, fd);
}

/* A /proc path the gofer redirected, walked as any other /proc path ("."
 * and "..", self, thread-self and task/<tid> alike): a /proc/<pid>/fd/<n>
 * link takes the guest's fd (into out, 0); the exe link, and links that
 * lead back into the view, continue there at the path left in next
 * (PROCFS_REOPEN_PATH); every other file of /proc is a directory or has no
 * x bit (EACCES). With AT_SYMLINK_NOFOLLOW a final link is ELOOP. */
static int exec_proc(struct sc_ctx *c, const char *rest, int flags, struct vfs_exec_file *out,
		     char *next, size_t next_size)
{
	int r;
	if (flags & AT_SYMLINK_NOFOLLOW) {
		struct stat st;
		r = procfs_stat_ex(c, rest, true, &st, next, next_size);
		if (r == PROCFS_REOPEN_PATH || r < 0)
			return r;
		return S_ISLNK(st.st_mode) ? -ELOOP : -EACCES;
	}
	int fd = -1;
	r = procfs_link_object_ex(c, rest, &fd, next, next_size);
	if (r == PROCFS_REOPEN_PATH)
		return r;
	if (r == -EXDEV)
		return -EACCES;
	if (r < 0)
		return r;
	out->fd = fd;
	out->guest_fd = true;
	return 0;
}

/* ---- the exec open's steps (sentry/vfs/walk.c) ---- */

struct exec_walk {
	struct vfs_walk w;
	int flags;	 /* the exec's: AT_SYMLINK_NOFOLLOW */
	int fd;		 /* what the gofer handed over, or -1 */
	bool redirected; /* the path led into /proc: the file depends on the caller */
	struct vfs_exec_file *out;
};

/* GOP_EXEC_OPEN of w->path. */
static int exec_call(struct vfs_walk *w, struct gofer_resp *resp)
{
	struct exec_walk *e = (struct exec_walk *)w;
	struct gofer_req req;

	memset(&req, 0, sizeof(req));
	req.op = GOP_EXEC_OPEN;
	req.flags = (uint32_t)(e->flags & AT_SYMLINK_NOFOLLOW);
	e->fd = -1;
	resp->rule = GOFER_RULE_NONE;
	if (w->path[0] != '/' && w->guest_dirfd == AT_FDCWD && !w->c->t->fs)
		return -ENOENT;
	return gofer_path_call(w->c, w->guest_dirfd, w->path, &req, resp, &e->fd);
}

/* A refusal: the policy rule behind it, for exec's audit record. */
static int exec_failed(struct vfs_walk *w, int err, const struct gofer_resp *resp)
{
	((struct exec_walk *)w)->out->rule = resp->rule;
	return err;
}

static int exec_view(struct vfs_walk *w, const struct gofer_resp *resp)
{
	struct exec_walk *e = (struct exec_walk *)w;
	if (e->fd < 0)
		return -EIO;
	e->out->fd = e->fd;
	e->out->view_path = strndup(resp->data, resp->data_len);
	return e->out->view_path ? 0 : -ENOMEM;
}

/* /proc: a guest's fd, or the exec continues in the view at the exe path
 * exec_proc leaves in w->path. /dev/tty is a character device. */
static int exec_redirect(struct vfs_walk *w, const struct gofer_resp *resp, const char *where)
{
	struct exec_walk *e = (struct exec_walk *)w;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	e->redirected = true;
	if (resp->redirect != GOFER_REDIR_PROC)
		return -EACCES;
	int r = exec_proc(w->c, where, e->flags, e->out, w->path, PATH_MAX);
	if (r == PROCFS_REOPEN_PATH)
		w->guest_dirfd = AT_FDCWD;
	return r;
}

static const struct vfs_walk_ops exec_ops = {
	.call = exec_call,
	.failed = exec_failed,
	.view = exec_view,
	.redirect = exec_redirect,
};

/* ---- files exec opened before ----
 *
 * A shell loop runs the same binaries again and again, and nearly every
 * dynamic binary names the same interpreter: the files the gofer opened for
 * exec stay open in the sentry, keyed by the absolute path, the
 * AT_SYMLINK_NOFOLLOW flag and the caller's fs ids and groups (which decide
 * search and execute permission), and an exec by the same key takes a
 * reference to the kept fd (struct exec_fd) instead of a gofer round trip:
 * the loader's ADDFD installs that fd itself, and a slot dropped while an
 * exec is pending leaves the fd open until that exec lets go of it. Every check the
 * gofer's GOP_EXEC_OPEN made holds as long as nothing changed a file of the
 * view (files_gen: any request but lookups and read-only opens, which
 * includes every chmod, chown, rename, unlink and every open for writing,
 * whose writer would make an exec fail with ETXTBSY; the sentry's own
 * fchmod and fchown): the path leads to the same file, the file and its
 * directories have the same permissions, and no writer appeared. Under a
 * policy the gofer's open also decided the policy's file rules on the
 * file's path in the view, which stays the same with the key; the slots
 * belong to the compiled policy they were filled under (a sandbox's never
 * changes). The policy's exec rules and the audit record are not the
 * open's: sentry/exec.c applies them to the kept file's path at every
 * exec, as to an opened one. The dentry cache's rules for volumes apply
 * here too: nothing below a tree the host may change is kept, and with
 * such trees only a path that is the file's own path in the view, with no
 * symlink on the way. A path that led into /proc (/proc/self/exe,
 * /dev/fd/N) names a different file for each caller and is never kept.
 * The loader reads the file with pread and maps it, so execs may share one
 * open file description.
 *
 * A path that did not lead to a file (ENOENT, ENOTDIR) is kept too, by the
 * same key and for as long, in slots of its own: a PATH search (execvp, a
 * shell's lookup of a command) tries the same missing candidates before it
 * finds the file at every run. A missing name can appear only through a
 * request that changes the view (a creation, a rename, a link, a mkdir),
 * which ends the generation. A refusal by the policy is never kept (each
 * one has its audit record), nor any failure while trees the host may
 * change exist, as the dentry cache keeps none then. */
#define EXEC_CACHE_SLOTS  16
#define EXEC_CACHE_MISSES 16

struct exec_ids {
	uint32_t uid, gid, ngroups, caps;
	uint32_t groups[GOFER_MAX_GROUPS];
};

struct exec_cached {
	char *path; /* the key: an absolute path as the guest named it */
	int flags;  /* the key: AT_SYMLINK_NOFOLLOW */
	struct exec_ids ids;
	struct exec_fd *file; /* the gofer's read-only fd, or NULL for a free slot */
	char *view_path;      /* where the file is in the view */
};

/* A path that failed the same open with err. */
struct exec_missing {
	char *path; /* the key, as in struct exec_cached; NULL for a free slot */
	int flags;
	struct exec_ids ids;
	int err; /* -ENOENT or -ENOTDIR */
};

struct exec_cache {
	struct exec_cached slot[EXEC_CACHE_SLOTS];
	size_t next; /* the slot the next file takes */
	struct exec_missing miss[EXEC_CACHE_MISSES];
	size_t next_miss;
	uint64_t gen;			  /* the sentry's files_gen when the slots were filled */
	const struct policy_view *policy; /* the compiled policy they were filled under */
	uint64_t hits;			  /* counted for --debug */
};

static void exec_cache_flush(struct exec_cache *ec)
{
	for (size_t i = 0; i < EXEC_CACHE_SLOTS; i++) {
		struct exec_cached *e = &ec->slot[i];
		exec_fd_put(e->file);
		free(e->path);
		free(e->view_path);
		*e = (struct exec_cached){.file = NULL};
	}
	for (size_t i = 0; i < EXEC_CACHE_MISSES; i++) {
		free(ec->miss[i].path);
		ec->miss[i] = (struct exec_missing){.path = NULL};
	}
	ec->next = 0;
	ec->next_miss = 0;
}

/* The cache, valid for the sentry's files_gen, or NULL when exec's files
 * are not kept (see above) or path cannot be a key. */
static struct exec_cache *exec_cache_for(struct sc_ctx *c, int guest_dirfd, const char *path,
					 struct exec_ids *ids)
{
	struct sentry *s = c->s;
	struct dcache *d;
	struct dcache_key k;
	struct gofer_req req;

	if (guest_dirfd != AT_FDCWD || path[0] != '/' || !(d = dc_trees(s)) ||
	    !dcache_key_init(d, &k, path, 0, 0))
		return NULL;
	memset(&req, 0, sizeof(req));
	if (task_creds(c, &req) < 0)
		return NULL;
	memset(ids, 0, sizeof(*ids));
	ids->uid = req.uid;
	ids->gid = req.gid;
	ids->caps = req.caps;
	ids->ngroups = req.ngroups < GOFER_MAX_GROUPS ? req.ngroups : GOFER_MAX_GROUPS;
	memcpy(ids->groups, req.groups, ids->ngroups * sizeof(ids->groups[0]));
	if (!s->exec_cache)
		s->exec_cache = xcalloc(1, sizeof(*s->exec_cache));
	if (s->exec_cache->gen != s->files_gen || s->exec_cache->policy != s->policy) {
		exec_cache_flush(s->exec_cache);
		s->exec_cache->gen = s->files_gen;
		s->exec_cache->policy = s->policy;
	}
	return s->exec_cache;
}

static struct exec_cached *exec_cache_find(struct exec_cache *ec, const char *path, int flags,
					   const struct exec_ids *ids)
{
	for (size_t i = 0; i < EXEC_CACHE_SLOTS; i++) {
		struct exec_cached *e = &ec->slot[i];
		if (e->file && e->flags == flags && strcmp(e->path, path) == 0 &&
		    memcmp(&e->ids, ids, sizeof(*ids)) == 0)
			return e;
	}
	return NULL;
}

static const struct exec_missing *exec_cache_find_missing(const struct exec_cache *ec,
							  const char *path, int flags,
							  const struct exec_ids *ids)
{
	for (size_t i = 0; i < EXEC_CACHE_MISSES; i++) {
		const struct exec_missing *m = &ec->miss[i];
		if (m->path && m->flags == flags && strcmp(m->path, path) == 0 &&
		    memcmp(&m->ids, ids, sizeof(*ids)) == 0)
			return m;
	}
	return NULL;
}

/* Keeps a failure of the open (see above for which). */
static void exec_cache_put_missing(struct sentry *s, struct exec_cache *ec, const char *path,
				   int flags, const struct exec_ids *ids, int err,
				   const struct vfs_exec_file *f)
{
	if ((err != -ENOENT && err != -ENOTDIR) || f->rule != GOFER_RULE_NONE ||
	    dcache_has_volatile(s->dcache))
		return;
	struct exec_missing *m = &ec->miss[ec->next_miss];
	ec->next_miss = (ec->next_miss + 1) % EXEC_CACHE_MISSES;
	free(m->path);
	*m = (struct exec_missing){.path = xstrdup(path), .flags = flags, .ids = *ids, .err = err};
}

/* Keeps f's fd, which f then shares with the cache (f->shared). */
static void exec_cache_put(struct sentry *s, struct exec_cache *ec, const char *path, int flags,
			   const struct exec_ids *ids, struct vfs_exec_file *f)
{
	/* With trees the host may change, only a path without a symlink
	 * on the way (dentry.c keeps objects by the same rule). */
	if (dcache_has_volatile(s->dcache) && strcmp(path, f->view_path) != 0)
		return;
	struct exec_fd *file = xmalloc(sizeof(*file));
	*file = (struct exec_fd){.fd = f->fd, .refs = 2}; /* the slot's and f's */
	f->shared = file;
	struct exec_cached *e = &ec->slot[ec->next];
	ec->next = (ec->next + 1) % EXEC_CACHE_SLOTS;
	exec_fd_put(e->file);
	free(e->path);
	free(e->view_path);
	*e = (struct exec_cached){.path = xstrdup(path),
				  .flags = flags,
				  .ids = *ids,
				  .file = file,
				  .view_path = xstrdup(f->view_path)};
}

int vfs_exec_open(struct sc_ctx *c, int guest_dirfd, char *path, int flags,
		  struct vfs_exec_file *out)
{
	*out = (struct vfs_exec_file){.fd = -1,
				      .shared = NULL,
				      .view_path = NULL,
				      .guest_fd = false,
				      .rule = GOFER_RULE_NONE};
	if (path[0] == '\0') {
		if (guest_dirfd == AT_FDCWD)
			return -EACCES; /* the cwd: a directory */
		int fd = stopped_getfd(c->s, c->t->tid, guest_dirfd);
		if (fd < 0)
			return fd;
		out->fd = fd;
		out->guest_fd = true;
		return 0;
	}
	/* The dentry cache is neither asked nor taught: an exec's open goes
	 * to the gofer, which checks the file for exec itself, unless the
	 * same open was made since the view last changed. */
	struct exec_ids ids;
	int keep_flags = flags & AT_SYMLINK_NOFOLLOW;
	struct exec_cache *ec = exec_cache_for(c, guest_dirfd, path, &ids);
	_cleanup_free_ char *key = NULL;
	if (ec) {
		struct exec_cached *hit = exec_cache_find(ec, path, keep_flags, &ids);
		if (hit) {
			hit->file->refs++;
			out->shared = hit->file;
			out->fd = hit->file->fd;
			out->view_path = xstrdup(hit->view_path);
			return 0;
		}
		const struct exec_missing *miss =
			exec_cache_find_missing(ec, path, keep_flags, &ids);
		if (miss)
			return miss->err;
		key = xstrdup(path); /* the walk may rewrite path */
	}
	struct exec_walk e = {
		.w = {.ops = &exec_ops,
		      .c = c,
		      .guest_dirfd = guest_dirfd,
		      .path = path,
		      .q = NULL},
		.flags = flags,
		.fd = -1,
		.out = out,
	};
	int r = vfs_walk_run(&e.w);
	if (r == 0 && key && !e.redirected && out->fd >= 0 && !out->guest_fd && out->view_path)
		exec_cache_put(c->s, ec, key, keep_flags, &ids, out);
	else if (r < 0 && key && !e.redirected)
		exec_cache_put_missing(c->s, ec, key, keep_flags, &ids, r, out);
	return r;
}
