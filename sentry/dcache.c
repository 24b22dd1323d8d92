/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's dentry cache (see dcache.h): a hash table of path keys,
 * with positive entries also chained by object, so that a change to some
 * objects drops their entries (and, for directories, what lies below
 * them) without emptying the rest. */
#include "sentry/dcache.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proto.h"
#include "common/util.h"

struct dentry {
	struct dentry *next; /* hash chain */
	/* DCACHE_POS: the chain of entries of objects with the same hash of
	 * (dev, ino), so that an object's entries are found without a scan */
	struct dentry *obj_next, **obj_pprev;
	/* DCACHE_POS and not direct: the chain of such entries */
	struct dentry *nd_next, **nd_pprev;
	uint32_t hash;
	uint16_t cred;
	uint8_t flags;
	uint8_t kind;	   /* enum dcache_kind */
	bool direct;	   /* DCACHE_POS: the key is the object's path in the view */
	int val;	   /* fd or negative errno */
	uint64_t dev, ino; /* DCACHE_POS: the object's */
	uint32_t neg_gen;  /* DCACHE_NEG: valid while the cache's neg_gen is this */
	uint32_t len;
	char path[];
};

struct cred_set {
	uint32_t uid, gid, ngroups, caps;
	uint32_t groups[GOFER_MAX_GROUPS];
};

struct dcache {
	struct dentry **buckets;
	struct dentry **obj_buckets; /* nbuckets of them, by object */
	struct dentry *nondirect;    /* the positive entries that are not direct */
	size_t nbuckets;	     /* a power of two */
	size_t nentries, nfds;
	size_t max_entries, max_fds;
	struct cred_set creds[DCACHE_MAX_CREDS];
	size_t ncreds;
	char **vol; /* volatile trees, normalized */
	size_t nvol;
	uint64_t hits, misses, clears;
	uint32_t neg_gen; /* moves when names were added: failures may be stale */
	/* Devices mounted more than once in the view, where a directory may
	 * have more than one path; all of them while not known (NULL). */
	uint64_t *aliased;
	size_t naliased;
	bool aliases_known;
	/* Objects kept, and lookups they answered since (both halved now
	 * and then, so that they describe recent work). */
	uint32_t kept, reused;
};

struct dcache *dcache_new(size_t max_entries, size_t max_fds)
{
	struct dcache *d = xcalloc(1, sizeof(*d));
	d->max_entries = max_entries ? max_entries : 1;
	d->max_fds = max_fds;
	d->nbuckets = 16;
	while (d->nbuckets < d->max_entries / 2)
		d->nbuckets *= 2;
	d->buckets = xcalloc(d->nbuckets, sizeof(*d->buckets));
	d->obj_buckets = xcalloc(d->nbuckets, sizeof(*d->obj_buckets));
	return d;
}

void dcache_free(struct dcache *d)
{
	if (!d)
		return;
	dcache_clear(d);
	for (size_t i = 0; i < d->nvol; i++)
		free(d->vol[i]);
	free(d->vol);
	free(d->aliased);
	free(d->buckets);
	free(d->obj_buckets);
	free(d);
}

static size_t obj_bucket(const struct dcache *d, uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ (dev << 32) ^ (dev >> 32)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (d->nbuckets - 1);
}

static void obj_link(struct dcache *d, struct dentry *e)
{
	struct dentry **head = &d->obj_buckets[obj_bucket(d, e->dev, e->ino)];
	e->obj_next = *head;
	if (*head)
		(*head)->obj_pprev = &e->obj_next;
	e->obj_pprev = head;
	*head = e;
	if (!e->direct) {
		e->nd_next = d->nondirect;
		if (d->nondirect)
			d->nondirect->nd_pprev = &e->nd_next;
		e->nd_pprev = &d->nondirect;
		d->nondirect = e;
	}
}

/* A positive entry stops being one: its fd is closed. */
static void pos_end(struct dcache *d, struct dentry *e)
{
	if (e->kind != DCACHE_POS)
		return;
	*e->obj_pprev = e->obj_next;
	if (e->obj_next)
		e->obj_next->obj_pprev = e->obj_pprev;
	if (!e->direct) {
		*e->nd_pprev = e->nd_next;
		if (e->nd_next)
			e->nd_next->nd_pprev = e->nd_pprev;
	}
	close(e->val);
	d->nfds--;
	e->kind = DCACHE_SEEN;
}

static void entry_free(struct dcache *d, struct dentry *e)
{
	pos_end(d, e);
	d->nentries--;
	free(e);
}

void dcache_clear(struct dcache *d)
{
	if (d->nentries == 0)
		return;
	for (size_t i = 0; i < d->nbuckets; i++) {
		for (struct dentry *e = d->buckets[i], *n; e; e = n) {
			n = e->next;
			entry_free(d, e);
		}
		d->buckets[i] = NULL;
		d->obj_buckets[i] = NULL;
	}
	d->nondirect = NULL;
	d->clears++;
}

void dcache_names_added(struct dcache *d)
{
	d->neg_gen++;
}

/* Unlinks e from its hash chain and frees it. */
static void entry_drop(struct dcache *d, struct dentry *e)
{
	struct dentry **pp = &d->buckets[e->hash & (d->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	entry_free(d, e);
}

/* Drops the positive entries of object (dev, ino). */
static void drop_object(struct dcache *d, uint64_t dev, uint64_t ino)
{
	struct dentry *e = d->obj_buckets[obj_bucket(d, dev, ino)];
	while (e) {
		struct dentry *n = e->obj_next;
		if (e->dev == dev && e->ino == ino)
			entry_drop(d, e);
		e = n;
	}
}

void dcache_objects_moved(struct dcache *d, const uint64_t (*ids)[2], size_t n)
{
	d->neg_gen++;
	for (size_t i = 0; i < n; i++)
		drop_object(d, ids[i][0], ids[i][1]);
}

void dcache_set_aliased(struct dcache *d, const uint64_t *devs, size_t n)
{
	free(d->aliased);
	d->aliased = n ? xmalloc(n * sizeof(*devs)) : NULL;
	if (n)
		memcpy(d->aliased, devs, n * sizeof(*devs));
	d->naliased = n;
	d->aliases_known = true;
}

static bool dev_aliased(const struct dcache *d, uint64_t dev)
{
	if (!d->aliases_known)
		return true;
	for (size_t i = 0; i < d->naliased; i++)
		if (d->aliased[i] == dev)
			return true;
	return false;
}

/* Is norm (normalized) at or below one of the n paths? */
static bool below_any(const char *norm, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(paths[i]);
		if (strcmp(paths[i], "/") == 0 ||
		    (strncmp(norm, paths[i], len) == 0 && (norm[len] == '\0' || norm[len] == '/')))
			return true;
	}
	return false;
}

/* The path of directory (dev, ino) in the view, from one of its direct
 * entries; NULL when none is kept. */
static char *dir_path(struct dcache *d, uint64_t dev, uint64_t ino)
{
	for (struct dentry *e = d->obj_buckets[obj_bucket(d, dev, ino)]; e; e = e->obj_next)
		if (e->dev == dev && e->ino == ino && e->direct)
			return xstrdup(e->path);
	return NULL;
}

/* Drops the positive entries at or below one of the n paths. */
static void drop_below(struct dcache *d, char *const *paths, size_t n)
{
	for (size_t b = 0; b < d->nbuckets; b++) {
		for (struct dentry *e = d->buckets[b], *next; e; e = next) {
			next = e->next;
			if (e->kind == DCACHE_POS && below_any(e->path, paths, n))
				entry_drop(d, e);
		}
	}
}

/* Drops what a change of the directories among objs could have moved;
 * false when their paths are not known. emptied: they were removed (an
 * rmdir, which only an empty directory passes): no entry below them is
 * left, each went with its object. */
static bool drop_subtrees(struct dcache *d, const struct dcache_obj *objs, size_t n, bool emptied)
{
	char *paths[DCACHE_MAX_OBJS];
	size_t npaths = 0;
	bool known = n <= DCACHE_MAX_OBJS;
	for (size_t i = 0; i < n && known && !emptied; i++) {
		if (!S_ISDIR(objs[i].mode))
			continue;
		paths[npaths] =
			dev_aliased(d, objs[i].dev) ? NULL : dir_path(d, objs[i].dev, objs[i].ino);
		known = paths[npaths] != NULL;
		if (known)
			npaths++;
	}
	if (known) {
		while (d->nondirect)
			entry_drop(d, d->nondirect);
		if (npaths > 0)
			drop_below(d, paths, npaths);
		for (size_t i = 0; i < n; i++)
			drop_object(d, objs[i].dev, objs[i].ino);
	}
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	return known;
}

void dcache_dirs_changed(struct dcache *d, const struct dcache_obj *objs, size_t n, bool emptied)
{
	d->neg_gen++;
	if (!drop_subtrees(d, objs, n, emptied))
		dcache_clear(d);
}

int dcache_normalize(const char *path, char *out, size_t size)
{
	if (path[0] != '/' || size < 2)
		return -1;
	size_t n = 0;
	const char *p = path;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		size_t clen = strcspn(p, "/");
		if (clen == 1 && p[0] == '.') {
			p += clen;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (n + 1 + clen + 1 > size)
			return -1;
		out[n++] = '/';
		memcpy(out + n, p, clen);
		n += clen;
		p += clen;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return (int)n;
}

int dcache_add_volatile(struct dcache *d, const char *path)
{
	char norm[PATH_MAX];
	if (dcache_normalize(path, norm, sizeof(norm)) < 0)
		return -EINVAL;
	for (size_t i = 0; i < d->nvol; i++)
		if (strcmp(d->vol[i], norm) == 0)
			return 0;
	char **n = realloc(d->vol, (d->nvol + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	d->vol = n;
	d->vol[d->nvol++] = xstrdup(norm);
	/* Entries made before the tree was known may lie below it. */
	dcache_clear(d);
	return 0;
}

bool dcache_has_volatile(const struct dcache *d)
{
	return d->nvol > 0;
}

bool dcache_volatile(const struct dcache *d, const char *norm)
{
	for (size_t i = 0; i < d->nvol; i++) {
		const char *v = d->vol[i];
		if (strcmp(v, "/") == 0)
			return true;
		size_t n = strlen(v);
		if (strncmp(norm, v, n) == 0 && (norm[n] == '\0' || norm[n] == '/'))
			return true;
	}
	return false;
}

int dcache_cred(struct dcache *d, uint32_t uid, uint32_t gid, uint32_t ngroups,
		const uint32_t *groups, uint32_t caps)
{
	if (ngroups > GOFER_MAX_GROUPS)
		ngroups = GOFER_MAX_GROUPS;
	for (size_t i = 0; i < d->ncreds; i++) {
		const struct cred_set *c = &d->creds[i];
		if (c->uid == uid && c->gid == gid && c->ngroups == ngroups && c->caps == caps &&
		    (ngroups == 0 || memcmp(c->groups, groups, ngroups * sizeof(*groups)) == 0))
			return (int)i;
	}
	if (d->ncreds == DCACHE_MAX_CREDS) {
		/* Ids are reused below: nothing may still carry them. */
		dcache_clear(d);
		d->ncreds = 0;
	}
	struct cred_set *c = &d->creds[d->ncreds];
	c->uid = uid;
	c->gid = gid;
	c->ngroups = ngroups;
	c->caps = caps;
	if (ngroups)
		memcpy(c->groups, groups, ngroups * sizeof(*groups));
	return (int)d->ncreds++;
}

static uint32_t hash_path(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

bool dcache_key_init(const struct dcache *d, struct dcache_key *k, const char *path, uint32_t cred,
		     uint8_t flags)
{
	size_t len = strlen(path);
	if (path[0] != '/' || len >= PATH_MAX)
		return false;
	/* A trailing slash asks for a directory and follows a final symlink
	 * whatever the flags say: not worth keys of their own. */
	if (len > 1 && path[len - 1] == '/')
		return false;
	if (d->nvol) {
		char norm[PATH_MAX];
		if (dcache_normalize(path, norm, sizeof(norm)) < 0 || dcache_volatile(d, norm))
			return false;
	}
	k->path = path;
	k->len = len;
	k->hash = hash_path(path, len);
	k->cred = cred;
	k->flags = flags;
	return true;
}

static struct dentry **find(struct dcache *d, const struct dcache_key *k)
{
	struct dentry **pp = &d->buckets[k->hash & (d->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->next) {
		const struct dentry *e = *pp;
		if (e->hash == k->hash && e->len == k->len && e->cred == k->cred &&
		    e->flags == k->flags && memcmp(e->path, k->path, k->len) == 0)
			return pp;
	}
	return pp;
}

enum dcache_kind dcache_lookup(struct dcache *d, const struct dcache_key *k, int *val)
{
	struct dentry *e = *find(d, k);
	/* A failure from before names were added: looked up, no more. */
	if (e && e->kind == DCACHE_NEG && e->neg_gen != d->neg_gen)
		e->kind = DCACHE_SEEN;
	if (!e || e->kind == DCACHE_SEEN || e->kind == DCACHE_PLAIN) {
		d->misses++;
		return e ? (enum dcache_kind)e->kind : DCACHE_MISS;
	}
	d->hits++;
	if (e->kind == DCACHE_POS)
		d->reused++;
	*val = e->val;
	return (enum dcache_kind)e->kind;
}

bool dcache_obj_is(struct dcache *d, const struct dcache_key *k, uint64_t dev, uint64_t ino)
{
	const struct dentry *e = *find(d, k);
	return e && e->kind == DCACHE_POS && e->dev == dev && e->ino == ino;
}

void dcache_drop(struct dcache *d, const struct dcache_key *k)
{
	struct dentry **pp = find(d, k);
	struct dentry *e = *pp;
	if (!e)
		return;
	*pp = e->next;
	entry_free(d, e);
}

/* The entry for k, made if missing: when entries run out the cache starts
 * over; when fds do, NULL (the objects kept stay until the next change: a
 * scan of more paths than fit would only churn them). */
static struct dentry *get(struct dcache *d, const struct dcache_key *k, bool needs_fd)
{
	struct dentry **pp = find(d, k);
	if (*pp) {
		struct dentry *e = *pp;
		pos_end(d, e);
		return needs_fd && d->nfds >= d->max_fds ? NULL : e;
	}
	if (needs_fd && d->nfds >= d->max_fds)
		return NULL;
	if (d->nentries >= d->max_entries) {
		dcache_clear(d);
		pp = find(d, k);
	}
	struct dentry *e = xmalloc(sizeof(*e) + k->len + 1);
	e->next = NULL;
	e->hash = k->hash;
	e->cred = (uint16_t)k->cred;
	e->flags = k->flags;
	e->kind = DCACHE_SEEN;
	e->direct = false;
	e->obj_next = NULL;
	e->obj_pprev = NULL;
	e->nd_next = NULL;
	e->nd_pprev = NULL;
	e->val = 0;
	e->dev = 0;
	e->ino = 0;
	e->neg_gen = 0;
	e->len = (uint32_t)k->len;
	memcpy(e->path, k->path, k->len);
	e->path[k->len] = '\0';
	*pp = e;
	d->nentries++;
	return e;
}

void dcache_put_seen(struct dcache *d, const struct dcache_key *k)
{
	/* What is known already stays. */
	if (!*find(d, k))
		get(d, k, false);
}

void dcache_put_plain(struct dcache *d, const struct dcache_key *k)
{
	get(d, k, false)->kind = DCACHE_PLAIN;
}

bool dcache_put_pos(struct dcache *d, const struct dcache_key *k, int fd, const char *view_path)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	return dcache_put_pos_st(d, k, fd, view_path, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
}

bool dcache_put_pos_st(struct dcache *d, const struct dcache_key *k, int fd, const char *view_path,
		       uint64_t dev, uint64_t ino)
{
	if (fd < 0 || d->max_fds == 0)
		return false;
	/* No symlink and no ".." was followed on the way, or the view path
	 * would differ from the key. */
	char norm[PATH_MAX];
	bool direct = view_path && strcmp(k->path, view_path) == 0;
	/* With volatile trees, the lookup stayed out of every one of them
	 * (the key is not in one). */
	if (d->nvol &&
	    !(direct || (view_path && dcache_normalize(k->path, norm, sizeof(norm)) > 0 &&
			 strcmp(norm, view_path) == 0)))
		return false;
	struct dentry *e = get(d, k, true);
	if (!e)
		return false;
	e->kind = DCACHE_POS;
	e->direct = direct;
	e->val = fd;
	e->dev = dev;
	e->ino = ino;
	obj_link(d, e);
	d->nfds++;
	if (++d->kept >= 512) {
		d->kept /= 2;
		d->reused /= 2;
	}
	return true;
}

bool dcache_direct(struct dcache *d, const char *path, size_t len)
{
	uint32_t hash = hash_path(path, len);
	for (const struct dentry *e = d->buckets[hash & (d->nbuckets - 1)]; e; e = e->next)
		if (e->hash == hash && e->len == len && e->kind == DCACHE_POS && e->direct &&
		    (e->flags & DCACHE_FOLLOW) && memcmp(e->path, path, len) == 0)
			return true;
	return false;
}

bool dcache_room(const struct dcache *d)
{
	return d->nfds < d->max_fds;
}

bool dcache_eager(const struct dcache *d)
{
	return 2 * (uint64_t)d->reused + 16 >= d->kept;
}

void dcache_put_neg(struct dcache *d, const struct dcache_key *k, int err)
{
	if (err != -ENOENT && err != -ENOTDIR)
		return;
	/* Which way did the lookup go? Through a symlink into a volatile
	 * tree, perhaps: a missing name does not say. */
	if (d->nvol)
		return;
	struct dentry *e = get(d, k, false);
	e->kind = DCACHE_NEG;
	e->val = err;
	e->neg_gen = d->neg_gen;
}

void dcache_get_stats(const struct dcache *d, struct dcache_stats *st)
{
	st->hits = d->hits;
	st->misses = d->misses;
	st->clears = d->clears;
	st->entries = d->nentries;
	st->fds = d->nfds;
}
