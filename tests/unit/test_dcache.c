/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's dentry cache alone: keys, the kinds of entries, bounds, the
 * ids in keys and the trees the host may change. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proto.h"
#include "sentry/dcache.h"

static int object(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static struct dcache_key key(struct dcache *d, const char *path, uint32_t cred, uint8_t flags)
{
	struct dcache_key k;
	ck_assert_msg(dcache_key_init(d, &k, path, cred, flags), "no key for %s", path);
	return k;
}

START_TEST(test_normalize)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"/", "/"},
		{"//", "/"},
		{"/a", "/a"},
		{"/a/", "/a"},
		{"/a//b", "/a/b"},
		{"/./a/./b/.", "/a/b"},
		{"///a///", "/a"},
		{"/.a/..b", "/.a/..b"},
		{"/a/.../b", "/a/.../b"},
	};
	char out[PATH_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = dcache_normalize(cases[i].in, out, sizeof(out));
		ck_assert_int_eq(n, (int)strlen(cases[i].out));
		ck_assert_str_eq(out, cases[i].out);
	}
	ck_assert_int_eq(dcache_normalize("a/b", out, sizeof(out)), -1);
	ck_assert_int_eq(dcache_normalize("", out, sizeof(out)), -1);
	ck_assert_int_eq(dcache_normalize("/a/../b", out, sizeof(out)), -1);
	ck_assert_int_eq(dcache_normalize("/..", out, sizeof(out)), -1);
	ck_assert_int_eq(dcache_normalize("/abcdef", out, 4), -1);
}
END_TEST

START_TEST(test_keys)
{
	struct dcache *d = dcache_new(64, 16);
	struct dcache_key k;
	ck_assert(dcache_key_init(d, &k, "/", 0, 0));
	ck_assert(dcache_key_init(d, &k, "/usr/lib", 0, DCACHE_FOLLOW));
	ck_assert_uint_eq(k.len, 8);
	ck_assert(dcache_key_init(d, &k, "/usr/../etc", 0, 0)); /* no volatile tree yet */
	ck_assert(!dcache_key_init(d, &k, "usr/lib", 0, 0));
	ck_assert(!dcache_key_init(d, &k, "", 0, 0));
	ck_assert(!dcache_key_init(d, &k, "/usr/lib/", 0, 0));
	char *longp = malloc(PATH_MAX + 2);
	memset(longp, 'a', PATH_MAX + 1);
	longp[0] = '/';
	longp[PATH_MAX + 1] = '\0';
	ck_assert(!dcache_key_init(d, &k, longp, 0, 0));
	free(longp);
	dcache_free(d);
}
END_TEST

START_TEST(test_kinds)
{
	struct dcache *d = dcache_new(64, 16);
	int val = 0;
	struct dcache_key k = key(d, "/usr/lib", 0, DCACHE_FOLLOW);
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_MISS);
	dcache_put_seen(d, &k);
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_SEEN);
	int fd = object();
	ck_assert(dcache_put_pos(d, &k, fd, NULL));
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_POS);
	ck_assert_int_eq(val, fd);

	/* Another flag, another key. */
	struct dcache_key nofollow = key(d, "/usr/lib", 0, 0);
	ck_assert_int_eq(dcache_lookup(d, &nofollow, &val), DCACHE_MISS);
	struct dcache_key rel = key(d, "/usr/lib", 0, DCACHE_FOLLOW | DCACHE_RELATIVE);
	ck_assert_int_eq(dcache_lookup(d, &rel, &val), DCACHE_MISS);

	struct dcache_stats st;
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_uint_eq(st.fds, 1);

	/* A dropped object is closed. */
	dcache_drop(d, &k);
	ck_assert(!is_open(fd));
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_MISS);

	/* Failures: ENOENT and ENOTDIR only. */
	struct dcache_key missing = key(d, "/nonexistent", 0, DCACHE_FOLLOW);
	dcache_put_neg(d, &missing, -ENOENT);
	ck_assert_int_eq(dcache_lookup(d, &missing, &val), DCACHE_NEG);
	ck_assert_int_eq(val, -ENOENT);
	struct dcache_key notdir = key(d, "/etc/passwd/x", 0, DCACHE_FOLLOW);
	dcache_put_neg(d, &notdir, -ENOTDIR);
	ck_assert_int_eq(dcache_lookup(d, &notdir, &val), DCACHE_NEG);
	ck_assert_int_eq(val, -ENOTDIR);
	struct dcache_key denied = key(d, "/root/x", 0, DCACHE_FOLLOW);
	dcache_put_neg(d, &denied, -EACCES);
	ck_assert_int_eq(dcache_lookup(d, &denied, &val), DCACHE_MISS);

	/* An object replacing a failure, and a failure replacing an object. */
	fd = object();
	ck_assert(dcache_put_pos(d, &missing, fd, NULL));
	ck_assert_int_eq(dcache_lookup(d, &missing, &val), DCACHE_POS);
	dcache_put_neg(d, &missing, -ENOENT);
	ck_assert(!is_open(fd));
	ck_assert_int_eq(dcache_lookup(d, &missing, &val), DCACHE_NEG);
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.fds, 0);
	dcache_free(d);
}
END_TEST

START_TEST(test_seen_and_plain)
{
	struct dcache *d = dcache_new(64, 16);
	int val;
	struct dcache_key k = key(d, "/usr/bin", 0, DCACHE_FOLLOW);
	int fd = object();
	ck_assert(dcache_put_pos(d, &k, fd, NULL));
	/* A later "it resolved" (an open of the path) keeps the object. */
	dcache_put_seen(d, &k);
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_POS);
	ck_assert(is_open(fd));

	struct dcache_key p = key(d, "/proc/self", 0, DCACHE_FOLLOW);
	dcache_put_plain(d, &p);
	ck_assert_int_eq(dcache_lookup(d, &p, &val), DCACHE_PLAIN);
	dcache_put_seen(d, &p);
	ck_assert_int_eq(dcache_lookup(d, &p, &val), DCACHE_PLAIN);
	dcache_put_neg(d, &p, -ENOENT);
	ck_assert_int_eq(dcache_lookup(d, &p, &val), DCACHE_NEG);
	dcache_free(d);
}
END_TEST

START_TEST(test_eager)
{
	/* Kept objects that answer later lookups keep it eager; a scan of
	 * distinct paths soon stops it. */
	struct dcache *d = dcache_new(4096, 1024);
	char path[32];
	int val;
	ck_assert(dcache_eager(d));
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/hot%d", i);
		struct dcache_key k = key(d, path, 0, 0);
		ck_assert(dcache_put_pos(d, &k, object(), NULL));
		for (int j = 0; j < 3; j++)
			ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_POS);
	}
	ck_assert(dcache_eager(d));
	int scanned = 0;
	for (int i = 0; i < 2000 && dcache_eager(d); i++, scanned++) {
		snprintf(path, sizeof(path), "/cold%d", i);
		struct dcache_key k = key(d, path, 0, 0);
		ck_assert(dcache_put_pos(d, &k, object(), NULL));
	}
	ck_assert(!dcache_eager(d));
	ck_assert_int_lt(scanned, 1000);
	dcache_free(d);
}
END_TEST

START_TEST(test_names_added)
{
	/* Added names leave objects where they are and make failures stale. */
	struct dcache *d = dcache_new(64, 16);
	int val;
	struct dcache_key pos = key(d, "/usr", 0, DCACHE_FOLLOW);
	struct dcache_key neg = key(d, "/usr/new", 0, DCACHE_FOLLOW);
	int fd = object();
	ck_assert(dcache_put_pos(d, &pos, fd, NULL));
	dcache_put_neg(d, &neg, -ENOENT);
	dcache_names_added(d);
	ck_assert_int_eq(dcache_lookup(d, &pos, &val), DCACHE_POS);
	ck_assert_int_eq(val, fd);
	ck_assert_int_eq(dcache_lookup(d, &neg, &val), DCACHE_SEEN);
	dcache_put_neg(d, &neg, -ENOENT);
	ck_assert_int_eq(dcache_lookup(d, &neg, &val), DCACHE_NEG);
	dcache_free(d);
	ck_assert(!is_open(fd));
}
END_TEST

START_TEST(test_objects_moved)
{
	/* Only the paths to the objects whose names went or moved are
	 * forgotten (with their fds), and failures become stale; a kept
	 * object whose ids changed is no longer the one kept. */
	struct dcache *d = dcache_new(64, 16);
	int val;
	struct dcache_key a = key(d, "/a", 0, 0);
	struct dcache_key a_link = key(d, "/link-to-a", 0, DCACHE_FOLLOW);
	struct dcache_key b = key(d, "/b", 0, 0);
	struct dcache_key neg = key(d, "/c", 0, 0);
	int fa = open("/dev/null", O_PATH | O_CLOEXEC);
	int fa2 = open("/dev/null", O_PATH | O_CLOEXEC);
	int fb = object();
	ck_assert_int_ge(fa, 0);
	ck_assert_int_ge(fa2, 0);
	ck_assert(dcache_put_pos(d, &a, fa, NULL));
	ck_assert(dcache_put_pos(d, &a_link, fa2, NULL));
	ck_assert(dcache_put_pos(d, &b, fb, NULL));
	dcache_put_neg(d, &neg, -ENOENT);
	struct stat sa, sb;
	ck_assert_int_eq(fstat(fa, &sa), 0);
	ck_assert_int_eq(fstat(fb, &sb), 0);
	ck_assert(dcache_obj_is(d, &a, (uint64_t)sa.st_dev, (uint64_t)sa.st_ino));
	ck_assert(!dcache_obj_is(d, &a, (uint64_t)sb.st_dev, (uint64_t)sb.st_ino));
	const uint64_t ids[1][2] = {{(uint64_t)sa.st_dev, (uint64_t)sa.st_ino}};
	dcache_objects_moved(d, ids, 1);
	ck_assert_int_eq(dcache_lookup(d, &a, &val), DCACHE_MISS);
	ck_assert_int_eq(dcache_lookup(d, &a_link, &val), DCACHE_MISS);
	ck_assert(!is_open(fa));
	ck_assert(!is_open(fa2));
	ck_assert_int_eq(dcache_lookup(d, &b, &val), DCACHE_POS);
	ck_assert_int_eq(val, fb);
	ck_assert_int_eq(dcache_lookup(d, &neg, &val), DCACHE_SEEN);
	dcache_free(d);
	ck_assert(!is_open(fb));
}
END_TEST

/* Keeps path's object under key path (direct) and returns its fd. */
static int keep_direct(struct dcache *d, const char *path, struct stat *st)
{
	struct dcache_key k = key(d, path, 0, 0);
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, st), 0);
	ck_assert(dcache_put_pos_st(d, &k, fd, path, (uint64_t)st->st_dev, (uint64_t)st->st_ino));
	return fd;
}

static enum dcache_kind kind_of(struct dcache *d, const char *path)
{
	struct dcache_key k = key(d, path, 0, 0);
	int val;
	return dcache_lookup(d, &k, &val);
}

START_TEST(test_dirs_changed)
{
	/* A directory's change drops the entries at and below its path,
	 * those whose lookup may have crossed a symlink or "..", and makes
	 * failures stale; the rest stays. Where the directory's path is not
	 * known, or its device is mounted twice, the cache starts over. */
	char top[] = "/tmp/runsc-c-dcache.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(top));
	char a[PATH_MAX], af[PATH_MAX], b[PATH_MAX], bg[PATH_MAX], alias[PATH_MAX];
	snprintf(a, sizeof(a), "%s/a", top);
	snprintf(af, sizeof(af), "%s/a/f", top);
	snprintf(b, sizeof(b), "%s/b", top);
	snprintf(bg, sizeof(bg), "%s/b/g", top);
	snprintf(alias, sizeof(alias), "%s/link/f", top);
	ck_assert_int_eq(mkdir(a, 0755), 0);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	close(open(af, O_WRONLY | O_CREAT, 0644));
	close(open(bg, O_WRONLY | O_CREAT, 0644));

	for (int round = 0; round < 4; round++) {
		struct dcache *d = dcache_new(64, 16);
		if (round > 0)
			dcache_set_aliased(d, NULL, 0);
		struct stat sa, saf, sb, sbg;
		int fa = round == 2 ? -1 : keep_direct(d, a, &sa);
		if (round == 2)
			ck_assert_int_eq(stat(a, &sa), 0);
		int faf = keep_direct(d, af, &saf);
		int fb = keep_direct(d, b, &sb);
		int fbg = keep_direct(d, bg, &sbg);
		if (round == 3) {
			uint64_t dev = (uint64_t)sa.st_dev;
			dcache_set_aliased(d, &dev, 1);
		}
		/* The same file reached through a symlink: not direct. */
		struct dcache_key ka = key(d, alias, 0, DCACHE_FOLLOW);
		int falias = open(af, O_PATH | O_CLOEXEC);
		ck_assert(dcache_put_pos_st(d, &ka, falias, af, (uint64_t)saf.st_dev,
					    (uint64_t)saf.st_ino));
		struct dcache_key neg = key(d, "/nonexistent-dcache-name", 0, 0);
		dcache_put_neg(d, &neg, -ENOENT);

		struct dcache_obj obj = {(uint64_t)sa.st_dev, (uint64_t)sa.st_ino, sa.st_mode};
		dcache_dirs_changed(d, &obj, 1, false);
		bool kept = round == 1;
		if (fa >= 0)
			ck_assert(!is_open(fa));
		ck_assert_int_eq(kind_of(d, a), DCACHE_MISS);
		ck_assert(!is_open(faf));
		ck_assert_int_eq(kind_of(d, af), DCACHE_MISS);
		ck_assert(!is_open(falias));
		ck_assert_int_eq(is_open(fb), kept);
		ck_assert_int_eq(is_open(fbg), kept);
		ck_assert_int_eq(kind_of(d, b), kept ? DCACHE_POS : DCACHE_MISS);
		ck_assert_int_eq(kind_of(d, bg), kept ? DCACHE_POS : DCACHE_MISS);
		int val;
		ck_assert_int_ne(dcache_lookup(d, &neg, &val), DCACHE_NEG);
		dcache_free(d);
	}
	unlink(af);
	unlink(bg);
	rmdir(a);
	rmdir(b);
	rmdir(top);
}
END_TEST

START_TEST(test_clear_closes)
{
	struct dcache *d = dcache_new(64, 16);
	int fds[3];
	char path[32];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/p%d", i);
		struct dcache_key k = key(d, path, 0, 0);
		fds[i] = object();
		ck_assert(dcache_put_pos(d, &k, fds[i], NULL));
	}
	dcache_clear(d);
	for (int i = 0; i < 3; i++)
		ck_assert(!is_open(fds[i]));
	struct dcache_stats st;
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.fds, 0);
	ck_assert_uint_eq(st.clears, 1);
	dcache_free(d);
}
END_TEST

START_TEST(test_bounds)
{
	/* Entries: the cache starts over when full. */
	struct dcache *d = dcache_new(8, 4);
	char path[32];
	int val;
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/e%d", i);
		struct dcache_key k = key(d, path, 0, 0);
		dcache_put_seen(d, &k);
	}
	struct dcache_stats st;
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.entries, 8);
	struct dcache_key k9 = key(d, "/e9", 0, 0);
	dcache_put_neg(d, &k9, -ENOENT);
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_int_eq(dcache_lookup(d, &k9, &val), DCACHE_NEG);

	/* Fds: at most 4 held; the fifth is refused, the four stay. */
	int fds[5];
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		struct dcache_key k = key(d, path, 0, 0);
		fds[i] = object();
		ck_assert(dcache_room(d) == (i < 4));
		ck_assert(dcache_put_pos(d, &k, fds[i], NULL) == (i < 4));
		dcache_get_stats(d, &st);
		ck_assert_uint_le(st.fds, 4);
	}
	for (int i = 0; i < 5; i++)
		ck_assert(is_open(fds[i]));
	close(fds[4]);
	/* An object of a key already known replaces it. */
	struct dcache_key k0 = key(d, "/f0", 0, 0);
	int again = object();
	ck_assert(dcache_put_pos(d, &k0, again, NULL));
	ck_assert(!is_open(fds[0]));
	dcache_free(d);
	for (int i = 1; i < 4; i++)
		ck_assert(!is_open(fds[i]));
	ck_assert(!is_open(again));

	/* No fds allowed: objects are refused and stay the caller's. */
	d = dcache_new(8, 0);
	int fd = object();
	struct dcache_key k = key(d, "/x", 0, 0);
	ck_assert(!dcache_put_pos(d, &k, fd, NULL));
	ck_assert(is_open(fd));
	close(fd);
	dcache_free(d);
}
END_TEST

START_TEST(test_creds)
{
	struct dcache *d = dcache_new(64, 16);
	uint32_t g1[] = {10, 20}, g2[] = {10, 21};
	int root = dcache_cred(d, 0, 0, 0, NULL, 0);
	int user = dcache_cred(d, 1000, 1000, 2, g1, 0);
	ck_assert_int_ne(root, user);
	ck_assert_int_eq(dcache_cred(d, 1000, 1000, 2, g1, 0), user);
	ck_assert_int_ne(dcache_cred(d, 1000, 1000, 2, g2, 0), user);
	ck_assert_int_ne(dcache_cred(d, 1000, 1000, 1, g1, 0), user);
	ck_assert_int_ne(dcache_cred(d, 1000, 1001, 2, g1, 0), user);
	ck_assert_int_ne(dcache_cred(d, 1001, 1000, 2, g1, 0), user);
	/* Root without CAP_DAC_READ_SEARCH resolves less than root. */
	ck_assert_int_ne(dcache_cred(d, 0, 0, 0, NULL, GOFER_CAPS_FS & ~4u), root);
	ck_assert_int_eq(dcache_cred(d, 0, 0, 0, NULL, 0), root);

	/* What root resolved is not what 1000 resolved. */
	int val;
	struct dcache_key kr = key(d, "/root/f", (uint32_t)root, DCACHE_FOLLOW);
	struct dcache_key ku = key(d, "/root/f", (uint32_t)user, DCACHE_FOLLOW);
	int fd = object();
	ck_assert(dcache_put_pos(d, &kr, fd, NULL));
	ck_assert_int_eq(dcache_lookup(d, &ku, &val), DCACHE_MISS);

	/* A full table starts over: no entry may keep a reused id. */
	for (uint32_t uid = 2000; uid < 2000 + DCACHE_MAX_CREDS; uid++)
		dcache_cred(d, uid, uid, 0, NULL, 0);
	ck_assert(!is_open(fd));
	struct dcache_stats st;
	dcache_get_stats(d, &st);
	ck_assert_uint_eq(st.entries, 0);
	dcache_free(d);
}
END_TEST

START_TEST(test_volatile)
{
	struct dcache *d = dcache_new(64, 16);
	struct dcache_key k = key(d, "/etc/passwd", 0, 0);
	dcache_put_seen(d, &k);
	ck_assert_int_eq(dcache_add_volatile(d, "/data//"), 0);
	ck_assert_int_eq(dcache_add_volatile(d, "/data/../x"), -EINVAL);
	ck_assert(dcache_has_volatile(d));
	/* Entries made before the tree was known are gone. */
	int val;
	ck_assert_int_eq(dcache_lookup(d, &k, &val), DCACHE_MISS);

	ck_assert(dcache_volatile(d, "/data"));
	ck_assert(dcache_volatile(d, "/data/x/y"));
	ck_assert(!dcache_volatile(d, "/database"));
	ck_assert(!dcache_volatile(d, "/"));

	struct dcache_key no;
	ck_assert(!dcache_key_init(d, &no, "/data", 0, 0));
	ck_assert(!dcache_key_init(d, &no, "/data/f", 0, 0));
	ck_assert(!dcache_key_init(d, &no, "//data/./f", 0, 0));
	ck_assert(!dcache_key_init(d, &no, "/etc/../data/f", 0, 0)); /* ".." with volatile trees */
	ck_assert(dcache_key_init(d, &no, "/database/f", 0, 0));

	/* An object is kept only when its path in the view is the key's. */
	struct dcache_key direct = key(d, "/usr//lib", 0, DCACHE_FOLLOW);
	int fd = object();
	ck_assert(!dcache_put_pos(d, &direct, fd, NULL));
	ck_assert(!dcache_put_pos(d, &direct, fd, "/usr/lib64"));
	ck_assert(is_open(fd));
	ck_assert(dcache_put_pos(d, &direct, fd, "/usr/lib"));
	ck_assert_int_eq(dcache_lookup(d, &direct, &val), DCACHE_POS);

	/* Failures are not kept: which way did the lookup go? */
	struct dcache_key missing = key(d, "/tmp/link/x", 0, DCACHE_FOLLOW);
	dcache_put_neg(d, &missing, -ENOENT);
	ck_assert_int_eq(dcache_lookup(d, &missing, &val), DCACHE_MISS);

	/* A volume at "/" makes everything volatile. */
	ck_assert_int_eq(dcache_add_volatile(d, "/"), 0);
	ck_assert(!dcache_key_init(d, &no, "/usr/lib", 0, 0));
	dcache_free(d);
}
END_TEST

/* dcache_direct: a path kept as its object's own view path by a lookup
 * that follows a final symlink, for any ids, while the entry lasts. */
START_TEST(test_direct)
{
	struct dcache *d = dcache_new(64, 16);
	const char *path = "/a/b/c";
	struct dcache_key follow = key(d, "/a/b", 3, DCACHE_FOLLOW);
	struct dcache_key nofollow = key(d, "/a/l", 0, 0);
	struct dcache_key moved = key(d, "/a/m", 0, DCACHE_FOLLOW);
	ck_assert(!dcache_direct(d, path, 4));
	ck_assert(dcache_put_pos(d, &follow, object(), "/a/b"));
	ck_assert(dcache_put_pos(d, &nofollow, object(), "/a/l"));
	ck_assert(dcache_put_pos(d, &moved, object(), "/x/m"));
	ck_assert(dcache_direct(d, path, 4));	  /* "/a/b", kept for other ids */
	ck_assert(!dcache_direct(d, path, 2));	  /* "/a": not kept */
	ck_assert(!dcache_direct(d, "/a/b/", 5)); /* another key */
	ck_assert(!dcache_direct(d, "/a/l", 4));  /* perhaps a symlink */
	ck_assert(!dcache_direct(d, "/a/m", 4));  /* led elsewhere */
	struct dcache_obj dir = {.mode = S_IFDIR};
	dcache_dirs_changed(d, &dir, 1, false); /* path unknown: starts over */
	ck_assert(!dcache_direct(d, path, 4));
	dcache_free(d);
}
END_TEST

static Suite *dcache_suite(void)
{
	Suite *s = suite_create("dcache");
	TCase *tc = tcase_create("dcache");
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_seen_and_plain);
	tcase_add_test(tc, test_eager);
	tcase_add_test(tc, test_names_added);
	tcase_add_test(tc, test_objects_moved);
	tcase_add_test(tc, test_dirs_changed);
	tcase_add_test(tc, test_clear_closes);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_creds);
	tcase_add_test(tc, test_volatile);
	tcase_add_test(tc, test_direct);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dcache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
