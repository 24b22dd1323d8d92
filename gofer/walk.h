/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution inside the view: the fast path (one openat2(2)), the
 * component-by-component walk that notices redirects, the final object of a
 * path, and the path of a directory found by climbing "..". */
#ifndef RUNSC_GOFER_WALK_H
#define RUNSC_GOFER_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/compat.h"
#include "gofer/gofer.h"

#define NAME_MAX_LEN 255

/* The guest's openat2(2) flags that bound a lookup by its dirfd. */
#define GUEST_ROOTED (RESOLVE_BENEATH | RESOLVE_IN_ROOT)

enum gofer_walk_mode {
	GOFER_WALK_PARENT,   /* resolve the parent; the final name is left as is */
	GOFER_WALK_FOLLOW,   /* resolve the final object, following a final symlink */
	GOFER_WALK_NOFOLLOW, /* ... not following it (a trailing slash still does) */
};
#define GOFER_WALK_WANT_PATH 0x1 /* compute w->vpath */

/* The result of a walk: the object is name `last` in directory `parent_fd`
 * ("." when the path named a directory itself, with a trailing "/" kept
 * when the path had one), or a redirect. */
struct gofer_walk {
	int parent_fd; /* -1 on redirect */
	/* parent_fd is the walk's own, closed by gofer_walk_release; else it
	 * is where the walk started (the request's dirfd or the view's
	 * root), which outlives the request's handler. */
	bool parent_owned;
	bool parent_is_root;
	char last[256 + 1];
	bool exists;	/* modes FOLLOW/NOFOLLOW: the final object exists */
	struct stat st; /* ... and its lstat */
	uint32_t redirect;
	char rest[GOFER_PATH_MAX]; /* on redirect: the path below the redirect point */
	size_t rest_len;
	char vpath[GOFER_PATH_MAX]; /* GOFER_WALK_WANT_PATH: absolute path of the object */
	size_t vpath_len;
};

/* ---- gofer/walk.c: the fast path ---- */

/* Failures that a walk into a redirect point could explain. */
bool fast_errno(int e);
/* The kernel can bound a lookup of path from start (-1: the root) by the
 * view's root, so one openat2(2) may serve it. */
bool fast_possible(const struct gofer_state *st, int start, const char *path, uint64_t resolve);
/* One openat2(2) of path from start (-1: the root), with the guest's own
 * RESOLVE_* flags added. Returns the fd or -errno. */
int fast_open(struct gofer_state *st, int start, const char *path, uint64_t flags, uint64_t mode,
	      uint64_t resolve);
/* s, found by the fast path, is a redirect point: fills w's redirect with
 * nothing of the path left and returns true. */
bool redirect_obj(const struct gofer_state *st, const struct stat *s, struct gofer_walk *w);

/* ---- gofer/walk.c: the component-by-component walk (the slow path of
 * every request) ---- */

/* start_fd: the directory relative paths start from (-1: the root).
 * Returns 0 (w filled; release with gofer_walk_release) or -errno. */
int gofer_walk(struct gofer_state *st, int start_fd, const char *path, enum gofer_walk_mode mode,
	       unsigned int wflags, struct gofer_walk *w);
void gofer_walk_release(struct gofer_walk *w);
/* Scope-exit release of a walk (common/util.h has the same for fds and
 * memory). The call that fills the walk sets parent_fd first: declare the
 * variable right before that call, with no return in between. */
#define _cleanup_walk_ __attribute__((cleanup(gofer_walk_release)))
/* The same for a walk on the heap (NULL or filled by gofer_walk): released
 * and freed. */
void gofer_walk_freep(struct gofer_walk **w);
#define _cleanup_walk_free_ __attribute__((cleanup(gofer_walk_freep)))

/* The target of symlink name in dir_fd ("" with an O_PATH fd of the link)
 * into buf, NUL-terminated, its length in *len. Returns 0 or -errno. */
int read_link(int dir_fd, const char *name, char *buf, size_t size, size_t *len);
/* The last component of path is [*begin, *end): trailing slashes are left
 * out, and a path of slashes alone keeps its first. */
void last_component(const char *path, size_t *begin, size_t *end);

static inline bool name_is(const char *comp, const char *name)
{
	return strcmp(comp, name) == 0;
}

/* ---- gofer/walk.c: the final object ---- */

/* Opens the final object found by a walk, never following a symlink. */
int open_final(const struct gofer_walk *w, uint64_t flags, uint64_t mode);

/* An object an operation acts on: an O_PATH fd (owned) or the request's
 * own fd (AT_EMPTY_PATH, borrowed). */
struct obj {
	int fd;
	bool owned;
	struct stat st;
};

void obj_release(struct obj *o);
/* Scope-exit release of an object; req_obj sets it first. */
#define _cleanup_obj_ __attribute__((cleanup(obj_release)))
/* Resolves path to its final object. Returns 0 with o filled, 0 with
 * w->redirect set, or -errno. */
int resolve_obj(struct gofer_state *st, int start, const char *path, bool follow,
		struct gofer_walk *w, struct obj *o);

/* ---- gofer/dir_path.c ---- */

/* The absolute path inside the view of directory dir_fd (at most size-1
 * bytes). Returns its length or -errno. */
ssize_t gofer_dir_path(struct gofer_state *st, int dir_fd, char *buf, size_t size);
/* The same, read with the gofer's own ids (the guest's may not allow
 * reading the ancestors). */
ssize_t dir_path_as_gofer(struct gofer_state *st, int dir_fd, char *buf, size_t size);

#endif
