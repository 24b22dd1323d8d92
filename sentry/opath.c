/* SPDX-License-Identifier: Apache-2.0 */
/* O_PATH fds of the guest: placeholders and what they stand for (see
 * sentry/opath.h).
 *
 * Why a placeholder is safe: it is an empty memfd of the sentry's, opened
 * through /proc with access mode 3, so the file has neither FMODE_READ nor
 * FMODE_WRITE. The native calls the guest can make on it touch only that
 * empty memfd: read, write, pread, pwrite, readv, writev, sendfile,
 * splice, fallocate and ftruncate fail (EBADF, or EINVAL for ftruncate),
 * mmap fails (EACCES); fchmod and fchown trap, and the sentry answers them
 * for the object, which fails with EBADF as on Linux. The object itself is
 * never in the guest's fd table: only the sentry holds its O_PATH fd, and a
 * trapped call gets it in the placeholder's place (opath_resolve), where
 * the sentry and the gofer already refuse what an O_PATH fd may not do.
 *
 * A placeholder is known by its memfd's inode; the sentry keeps a second
 * fd of that memfd, so the inode, and with it its number, stays the
 * placeholder's as long as the record lives. When the table fills, the
 * records whose placeholder no guest task's fd table holds any more are
 * dropped (a sweep of /proc/<tid>/fd). A placeholder in flight in a unix
 * socket's queue at that moment is not seen and loses its record: it then
 * stays an fd that cannot be read or written, and the calls that would
 * have used the object act on the empty memfd. */
#include "sentry/opath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/sentry.h"

/* The table is swept when it holds this many records, and again when it
 * holds twice what the last sweep kept. */
#define OPATH_SWEEP_MIN 64

struct opath_rec {
	ino_t ino;   /* the placeholder memfd's inode */
	int hold_fd; /* the sentry's fd of that memfd: keeps the inode */
	int obj_fd;  /* O_PATH fd of the object */
	int flags;   /* what F_GETFL shows: O_PATH and the open's O_DIRECTORY, O_NOFOLLOW */
	bool seen;   /* found in a guest fd table by the current sweep */
};

struct opath_state {
	dev_t dev; /* the memfds' device, once one was made */
	bool have_dev;
	struct opath_rec *recs;
	size_t n, cap;
	size_t sweep_at;
};

static struct opath_state *state(struct sentry *s)
{
	if (!s->opath) {
		struct opath_state *st = xcalloc(1, sizeof(*st));
		st->sweep_at = OPATH_SWEEP_MIN;
		s->opath = st;
	}
	return s->opath;
}

static struct opath_rec *find(struct opath_state *st, const struct stat *sb)
{
	if (!st || !st->have_dev || sb->st_dev != st->dev || !S_ISREG(sb->st_mode))
		return NULL;
	for (size_t i = 0; i < st->n; i++)
		if (st->recs[i].ino == sb->st_ino)
			return &st->recs[i];
	return NULL;
}

/* Marks the records whose placeholder the fd table of tid holds. */
static void mark_task(struct sentry *s, struct opath_state *st, pid_t tid)
{
	char path[32];
	snprintf(path, sizeof(path), "%d/fd", (int)tid);
	int dfd = openat(s->host_procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat sb;
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &sb, 0) < 0)
			continue;
		struct opath_rec *r = find(st, &sb);
		if (r)
			r->seen = true;
	}
	closedir(d);
}

/* Drops the records no guest task holds the placeholder of. */
static void sweep(struct sentry *s, struct opath_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		st->recs[i].seen = false;
	for (size_t b = 0; b < ARRAY_SIZE(s->tasks); b++)
		for (struct task *t = s->tasks[b]; t; t = t->hnext)
			mark_task(s, st, t->tid);
	size_t kept = 0;
	for (size_t i = 0; i < st->n; i++) {
		struct opath_rec *r = &st->recs[i];
		if (r->seen) {
			st->recs[kept++] = *r;
			continue;
		}
		close(r->hold_fd);
		close(r->obj_fd);
	}
	st->n = kept;
	st->sweep_at = kept * 2 > OPATH_SWEEP_MIN ? kept * 2 : OPATH_SWEEP_MIN;
}

int opath_placeholder(struct sentry *s, int obj, int open_flags, int *placeholder_out)
{
	_cleanup_close_ int own_obj = obj;
	struct opath_state *st = state(s);
	if (st->n >= st->sweep_at)
		sweep(s, st);
	if (st->n >= OPATH_MAX)
		return -ENFILE;
	_cleanup_close_ int hold = memfd_create("O_PATH", MFD_CLOEXEC);
	if (hold < 0)
		return -sentry_fd_errno(errno);
	struct stat sb;
	if (fstat(hold, &sb) < 0)
		return -errno;
	/* Access mode 3: the file is opened for neither reading nor writing
	 * (the kernel's "ioctl-only" open). */
	char path[32];
	snprintf(path, sizeof(path), "self/fd/%d", hold);
	int placeholder = openat(s->host_procfd, path, O_ACCMODE | O_CLOEXEC);
	if (placeholder < 0)
		return -sentry_fd_errno(errno);
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct opath_rec *recs = realloc(st->recs, cap * sizeof(*recs));
		if (!recs) {
			close(placeholder);
			return -ENOMEM;
		}
		st->recs = recs;
		st->cap = cap;
	}
	st->dev = sb.st_dev;
	st->have_dev = true;
	st->recs[st->n++] = (struct opath_rec){
		.ino = sb.st_ino,
		.hold_fd = take_fd(&hold),
		.obj_fd = take_fd(&own_obj),
		.flags = O_PATH | (open_flags & (O_DIRECTORY | O_NOFOLLOW)),
	};
	*placeholder_out = placeholder;
	return 0;
}

int opath_object(struct sentry *s, const struct stat *st)
{
	struct opath_rec *r = find(s->opath, st);
	return r ? r->obj_fd : -1;
}

int opath_resolve(struct sentry *s, int fd)
{
	struct opath_state *st = s->opath;
	if (fd < 0 || !st || st->n == 0)
		return fd;
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return fd;
	struct opath_rec *r = find(st, &sb);
	if (!r)
		return fd;
	close(fd);
	int obj = fcntl(r->obj_fd, F_DUPFD_CLOEXEC, 0);
	return obj < 0 ? -sentry_fd_errno(errno) : obj;
}

bool opath_any(const struct sentry *s)
{
	const struct opath_state *st = s->opath;
	return st && st->n > 0;
}

int opath_guest_flags(struct sentry *s, pid_t tid, int guest_fd)
{
	struct opath_state *st = s->opath;
	if (guest_fd < 0 || !st || st->n == 0)
		return -1;
	char link[48];
	snprintf(link, sizeof(link), "%d/fd/%d", (int)tid, guest_fd);
	struct stat sb;
	if (fstatat(s->host_procfd, link, &sb, 0) < 0)
		return -1;
	struct opath_rec *r = find(st, &sb);
	return r ? r->flags : -1;
}
