/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's set-user-id and set-group-id bits (sentry/setid.h): a hash
 * table with linear probing, keyed by device and inode. Every stat the
 * sentry answers looks here once anything is recorded, and the guest
 * decides how many records there are (one per file it makes set-id), so
 * a lookup must not grow with them. An empty table costs a comparison. */
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

/* A slot is free when bits is 0: a record always has a bit. */
struct setid_rec {
	uint64_t dev, ino;
	mode_t bits;
	bool dir;
};

struct setid_table {
	struct setid_rec *slots;
	size_t n, cap; /* cap: 0 or a power of two, at least twice n */
	size_t ndirs;
};

static size_t slot_of(const struct setid_table *t, uint64_t dev, uint64_t ino)
{
	/* A 64-bit mix (splitmix64's finaliser) of both keys: inode numbers
	 * of one file system are often consecutive. */
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL ^ dev;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)h & (t->cap - 1);
}

static struct setid_rec *find(const struct setid_table *t, uint64_t dev, uint64_t ino)
{
	if (!t || t->n == 0)
		return NULL;
	for (size_t i = slot_of(t, dev, ino);; i = (i + 1) & (t->cap - 1)) {
		struct setid_rec *r = &t->slots[i];
		if (r->bits == 0)
			return NULL;
		if (r->dev == dev && r->ino == ino)
			return r;
	}
}

/* Puts rec in its first free slot; the table has room. */
static void place(struct setid_table *t, const struct setid_rec *rec)
{
	size_t i = slot_of(t, rec->dev, rec->ino);
	while (t->slots[i].bits != 0)
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = *rec;
}

static int grow(struct setid_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 16;
	struct setid_rec *old = t->slots;
	size_t old_cap = t->cap;
	struct setid_rec *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	t->slots = slots;
	t->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].bits != 0)
			place(t, &old[i]);
	free(old);
	return 0;
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

/* Empties r's slot and moves later records of its probe run back, so
 * that every record stays reachable from its own slot (no tombstones). */
static void drop(struct setid_table *t, struct setid_rec *r)
{
	size_t mask = t->cap - 1;
	size_t hole = (size_t)(r - t->slots);
	if (r->dir)
		t->ndirs--;
	t->n--;
	for (size_t i = (hole + 1) & mask; t->slots[i].bits != 0; i = (i + 1) & mask) {
		size_t home = slot_of(t, t->slots[i].dev, t->slots[i].ino);
		/* The record at i may move to the hole unless its home lies
		 * cyclically in (hole, i]. */
		bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
		if (!stays) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole] = (struct setid_rec){0};
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
	if (2 * (t->n + 1) > t->cap) {
		int e = grow(t);
		if (e < 0)
			return e;
	}
	place(t, &(struct setid_rec){.dev = dev, .ino = ino, .bits = bits, .dir = S_ISDIR(mode)});
	t->n++;
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
	free(s->setid->slots);
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
