/* SPDX-License-Identifier: Apache-2.0 */
/* Canonicalising rule paths inside the view (see policy/compile.h). */
#include "policy/compile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy.h"

/* As Linux: at most 40 links followed in one resolution. */
#define CANON_MAX_LINKS 40
/* Bound on the components still to walk after link expansion. */
#define CANON_PENDING_MAX (16 * POLICY_PATH_MAX)

struct frame {
	size_t path_len; /* length of raw before this component */
	int fd;		 /* directory fd of this component, or -1 */
	bool own;
};

struct walk {
	const struct policy_root *root;
	char raw[POLICY_PATH_MAX]; /* resolved so far, unescaped; "" is "/" */
	size_t len;
	struct frame *frames; /* frames[0] is the root */
	size_t depth, cap;
	unsigned int links;
};

static int top_fd(const struct walk *w)
{
	return w->frames[w->depth - 1].fd;
}

static void pop(struct walk *w)
{
	struct frame *f = &w->frames[w->depth - 1];
	if (f->own && f->fd >= 0)
		close(f->fd);
	w->len = f->path_len;
	w->raw[w->len] = '\0';
	w->depth--;
}

/* Appends "/name" to the resolved path and pushes its directory fd. False
 * when the path would be too long or memory is short. */
static bool push(struct walk *w, const char *name, size_t n, int fd, bool own)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap * 2;
		struct frame *f = realloc(w->frames, cap * sizeof(*f));
		if (!f)
			goto fail;
		w->frames = f;
		w->cap = cap;
	}
	if (w->len + 1 + n >= sizeof(w->raw))
		goto fail;
	w->frames[w->depth++] = (struct frame){.path_len = w->len, .fd = fd, .own = own};
	w->raw[w->len++] = '/';
	memcpy(w->raw + w->len, name, n);
	w->len += n;
	w->raw[w->len] = '\0';
	return true;
fail:
	if (own && fd >= 0)
		close(fd);
	return false;
}

static const struct policy_mount *find_mount(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->root->nmounts; i++) {
		if (strcmp(w->root->mounts[i].guest_path, path) == 0)
			return &w->root->mounts[i];
	}
	return NULL;
}

/* Replaces the pending components with "target/rest". */
static int expand(char **pending, size_t *pos, const char *target)
{
	const char *rest = *pending + *pos;
	size_t tlen = strlen(target), rlen = strlen(rest);
	if (tlen + 1 + rlen >= CANON_PENDING_MAX)
		return -ELOOP;
	char *n = malloc(tlen + 1 + rlen + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n, target, tlen);
	n[tlen] = '/';
	memcpy(n + tlen + 1, rest, rlen + 1);
	free(*pending);
	*pending = n;
	*pos = 0;
	return 0;
}

/* Reads a link's target; -errno when there is none to follow. */
static int read_link(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size);
	if (n < 0)
		return -errno;
	if (n == 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/* One name below the current directory. Returns 1 when it was a link whose
 * target now heads *pending, 0 when it was appended, -errno on failure. */
static int step(struct walk *w, const char *name, size_t n, char **pending, size_t *pos)
{
	char cname[POLICY_PATH_MAX];
	if (n >= sizeof(cname))
		return -ENAMETOOLONG;
	memcpy(cname, name, n);
	cname[n] = '\0';

	int dirfd = top_fd(w);
	if (dirfd < 0)
		return push(w, name, n, -1, false) ? 0 : -ENAMETOOLONG;

	/* A mount of the view covers whatever the rootfs has there. */
	char cand[POLICY_PATH_MAX];
	if (w->len + 1 + n >= sizeof(cand))
		return -ENAMETOOLONG;
	memcpy(cand, w->raw, w->len);
	cand[w->len] = '/';
	memcpy(cand + w->len + 1, name, n);
	cand[w->len + 1 + n] = '\0';
	const struct policy_mount *m = find_mount(w, cand);
	if (m)
		return push(w, name, n, m->host_fd, false) ? 0 : -ENAMETOOLONG;

	struct stat st;
	if (fstatat(dirfd, cname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return push(w, name, n, -1, false) ? 0 : -ENAMETOOLONG;
	if (S_ISLNK(st.st_mode) && w->links < CANON_MAX_LINKS) {
		char target[POLICY_PATH_MAX];
		if (read_link(dirfd, cname, target, sizeof(target)) == 0) {
			int r = expand(pending, pos, target);
			if (r == -ENOMEM)
				return r;
			if (r == 0) {
				w->links++;
				if (target[0] == '/') {
					while (w->depth > 1)
						pop(w);
				}
				return 1;
			}
		}
	}
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(dirfd, cname, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return push(w, name, n, fd, fd >= 0) ? 0 : -ENAMETOOLONG;
	}
	/* A file, a link not followed, a device: nothing below it resolves. */
	return push(w, name, n, -1, false) ? 0 : -ENAMETOOLONG;
}

/* Walks the components of *pending from the root. */
static int walk_all(struct walk *w, char **pending)
{
	size_t pos = 0;
	for (;;) {
		const char *p = *pending;
		while (p[pos] == '/')
			pos++;
		if (p[pos] == '\0')
			return 0;
		const char *name = p + pos;
		size_t n = strcspn(name, "/");
		pos += n;
		if (n == 1 && name[0] == '.')
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			if (w->depth > 1)
				pop(w);
			continue;
		}
		int r = step(w, name, n, pending, &pos);
		if (r < 0)
			return r;
	}
}

static bool glob_special(char c)
{
	return strchr("*?\\[]{}", c) != NULL;
}

/* raw (unescaped, "" for the root) + tail (a glob, starting with '/' or
 * empty) as one glob. */
static char *assemble(const char *raw, const char *tail)
{
	size_t n = 0;
	for (const char *s = raw; *s; s++)
		n += glob_special(*s) ? 2 : 1;
	size_t tlen = strlen(tail);
	char *out = malloc(n + tlen + 2);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *s = raw; *s; s++) {
		if (glob_special(*s))
			*o++ = '\\';
		*o++ = *s;
	}
	memcpy(o, tail, tlen + 1);
	if (out[0] == '\0') {
		out[0] = '/';
		out[1] = '\0';
	}
	return out;
}

/* Where the part of the glob that is kept as written starts: at the '/'
 * before the first component with a wildcard, or before the last literal
 * component when that one is not followed; the end otherwise. */
static const char *tail_start(const char *glob, bool follow_last)
{
	const char *p = glob;
	const char *last = NULL;
	while (*p) {
		const char *s = p + 1;
		size_t n = strcspn(s, "/");
		if (!policy_glob_component_is_literal(s, n))
			return p;
		last = p;
		p = s + n;
	}
	return follow_last || !last ? p : last;
}

int policy_canon_glob(const struct policy_root *root, const char *glob, bool follow_last,
		      char **out)
{
	*out = NULL;
	const char *tail = tail_start(glob, follow_last);
	char *pending = strndup(glob, (size_t)(tail - glob));
	struct walk w = {.root = root, .cap = 16};
	w.frames = malloc(w.cap * sizeof(*w.frames));
	if (!pending || !w.frames) {
		free(pending);
		free(w.frames);
		return -ENOMEM;
	}
	w.frames[0] = (struct frame){.path_len = 0, .fd = root->rootfs_fd, .own = false};
	w.depth = 1;

	int r = walk_all(&w, &pending);
	/* A path too long to resolve stays as written. */
	if (r != -ENOMEM)
		*out = r < 0 ? strdup(glob) : assemble(w.raw, tail);
	while (w.depth > 1)
		pop(&w);
	free(w.frames);
	free(pending);
	return *out ? 0 : -ENOMEM;
}
