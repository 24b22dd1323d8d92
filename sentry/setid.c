/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's set-user-id and set-group-id bits (sentry/setid.h): a small
 * array searched in order. It holds only objects the guest made set-id,
 * which are few; an empty one costs a comparison. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/proto.h"
#include "sentry/sentry.h"
#include "sentry/setid.h"

#define SETID_BITS (S_ISUID | S_ISGID)

struct setid_rec {
	uint64_t dev, ino;
	mode_t bits;
	bool dir;
};

struct setid_table {
	struct setid_rec *recs;
	size_t n, cap;
	size_t ndirs;
};

static struct setid_rec *find(const struct setid_table *t, uint64_t dev, uint64_t ino)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->recs[i].dev == dev && t->recs[i].ino == ino)
			return &t->recs[i];
	return NULL;
}

mode_t setid_bits(const struct sentry *s, uint64_t dev, uint64_t ino)
{
	const struct setid_rec *r = find(s->setid, dev, ino);
	return r ? r->bits : 0;
}

bool setid_any(const struct sentry *s)
{
	return s->setid && s->setid->n > 0;
}

bool setid_any_dirs(const struct sentry *s)
{
	return s->setid && s->setid->ndirs > 0;
}

static void drop(struct setid_table *t, struct setid_rec *r)
{
	if (r->dir)
		t->ndirs--;
	*r = t->recs[--t->n];
}

int setid_set(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode, mode_t bits)
{
	bits &= SETID_BITS;
	struct setid_rec *r = find(s->setid, dev, ino);
	if (r && bits == 0) {
		drop(s->setid, r);
		return 0;
	}
	if (r) {
		r->bits = bits;
		return 0;
	}
	if (bits == 0)
		return 0;
	if (!s->setid) {
		s->setid = calloc(1, sizeof(*s->setid));
		if (!s->setid)
			return -ENOMEM;
	}
	struct setid_table *t = s->setid;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct setid_rec *recs = realloc(t->recs, cap * sizeof(*recs));
		if (!recs)
			return -ENOMEM;
		t->recs = recs;
		t->cap = cap;
	}
	t->recs[t->n++] =
		(struct setid_rec){.dev = dev, .ino = ino, .bits = bits, .dir = S_ISDIR(mode)};
	if (S_ISDIR(mode))
		t->ndirs++;
	return 0;
}

void setid_show_stat(const struct sentry *s, struct stat *st)
{
	if (setid_any(s))
		st->st_mode |= setid_bits(s, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
}

void setid_show_statx(const struct sentry *s, struct statx *sx)
{
	if (!setid_any(s) || (sx->stx_mask & STATX_INO) == 0)
		return;
	uint64_t dev = (uint64_t)makedev(sx->stx_dev_major, sx->stx_dev_minor);
	sx->stx_mode |= (uint16_t)setid_bits(s, dev, sx->stx_ino);
}

void setid_chowned(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode)
{
	struct setid_rec *r = find(s->setid, dev, ino);
	if (!r || S_ISDIR(mode))
		return;
	mode_t bits = r->bits & ~(mode_t)S_ISUID;
	if (mode & S_IXGRP)
		bits &= ~(mode_t)S_ISGID;
	(void)setid_set(s, dev, ino, mode, bits);
}

void setid_written(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode)
{
	setid_chowned(s, dev, ino, mode);
}

void setid_free(struct sentry *s)
{
	if (!s->setid)
		return;
	free(s->setid->recs);
	free(s->setid);
	s->setid = NULL;
}

void setid_answered(struct sentry *s, const struct gofer_req *req, const struct gofer_resp *resp)
{
	size_t n = resp->data_len / sizeof(struct gofer_gone);
	if (resp->err != 0 || resp->redirect || n == 0 || n > GOFER_GONE_MAX ||
	    resp->data_len != n * sizeof(struct gofer_gone))
		return;
	const struct gofer_gone *g = (const struct gofer_gone *)(const void *)resp->data;
	switch (req->op) {
	case GOP_CHMOD:
		(void)setid_set(s, g[0].dev, g[0].ino, g[0].mode, g[0].mode);
		break;
	case GOP_CHOWN:
		setid_chowned(s, g[0].dev, g[0].ino, g[0].mode);
		break;
	case GOP_UNLINK:
		/* Its last name: the inode number may come back. */
		if (g[0].nlink <= 1 || S_ISDIR(g[0].mode))
			(void)setid_set(s, g[0].dev, g[0].ino, g[0].mode, 0);
		break;
	case GOP_RENAME:
		/* The object the target name held, unless exchanged. */
		if (n == 2 && !(req->flags & RENAME_EXCHANGE) &&
		    (g[1].nlink <= 1 || S_ISDIR(g[1].mode)))
			(void)setid_set(s, g[1].dev, g[1].ino, g[1].mode, 0);
		break;
	default:
		break;
	}
}
