/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's record of set-user-id and set-group-id bits (sentry/setid.c):
 * a hash table checked against a plain list through long runs of random
 * sets and removals over a key space small enough to collide, and the
 * rules chown and writes apply to the bits. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sentry/sentry.h"
#include "sentry/setid.h"

static struct sentry *new_sentry(void)
{
	struct sentry *s = calloc(1, sizeof(*s));
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_empty)
{
	struct sentry *s = new_sentry();
	ck_assert(!setid_any(s));
	ck_assert(!setid_any_dirs(s));
	ck_assert_uint_eq(setid_bits(s, 1, 2), 0);
	/* Forgetting what is not there makes no table. */
	ck_assert_int_eq(setid_set(s, 1, 2, S_IFREG, 0), 0);
	ck_assert(!setid_any(s));
	struct stat st = {.st_dev = 1, .st_ino = 2, .st_mode = S_IFREG | 0755};
	setid_show_stat(s, &st);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 0755);
	setid_free(s);
	free(s);
}
END_TEST

/* The reference: bits per (dev, ino) in a plain array. */
#define NDEV 3
#define NINO 700

START_TEST(test_random_against_list)
{
	struct sentry *s = new_sentry();
	static mode_t ref[NDEV][NINO];
	static bool refdir[NDEV][NINO];
	memset(ref, 0, sizeof(ref));
	memset(refdir, 0, sizeof(refdir));
	srandom(12345);
	const mode_t choice[] = {0, S_ISUID, S_ISGID, S_ISUID | S_ISGID, S_ISUID | 0777};
	for (int round = 0; round < 200000; round++) {
		/* Devices far apart and inode numbers in a run, as the host
		 * gives them. */
		int d = (int)(random() % NDEV), i = (int)(random() % NINO);
		uint64_t dev = (uint64_t)d << 40 | 0x803, ino = 1000 + (uint64_t)i;
		mode_t bits = choice[random() % 5];
		/* Filling fast and emptying slowly, then the other way. */
		if ((round / 50000) % 2 == 1 && random() % 3 != 0)
			bits = 0;
		bool dir = random() % 4 == 0;
		if (ref[d][i] != 0)
			dir = refdir[d][i]; /* an object keeps its type */
		ck_assert_int_eq(setid_set(s, dev, ino, dir ? S_IFDIR : S_IFREG, bits), 0);
		ref[d][i] = bits & (S_ISUID | S_ISGID);
		refdir[d][i] = dir;
		if (round % 997 == 0 || round == 199999) {
			size_t n = 0, ndirs = 0;
			for (int a = 0; a < NDEV; a++)
				for (int b = 0; b < NINO; b++) {
					uint64_t da = (uint64_t)a << 40 | 0x803,
						 ib = 1000 + (uint64_t)b;
					ck_assert_uint_eq(setid_bits(s, da, ib), ref[a][b]);
					n += ref[a][b] != 0;
					ndirs += ref[a][b] != 0 && refdir[a][b];
				}
			ck_assert(setid_any(s) == (n > 0));
			ck_assert(setid_any_dirs(s) == (ndirs > 0));
			/* Keys never recorded. */
			ck_assert_uint_eq(setid_bits(s, 0x803, 999), 0);
			ck_assert_uint_eq(setid_bits(s, 7, 1000), 0);
		}
	}
	/* Everything forgotten: nothing left, for files or directories. */
	for (int a = 0; a < NDEV; a++)
		for (int b = 0; b < NINO; b++)
			ck_assert_int_eq(setid_set(s, (uint64_t)a << 40 | 0x803, 1000 + (uint64_t)b,
						   refdir[a][b] ? S_IFDIR : S_IFREG, 0),
					 0);
	ck_assert(!setid_any(s));
	ck_assert(!setid_any_dirs(s));
	setid_free(s);
	free(s);
}
END_TEST

START_TEST(test_many)
{
	/* More records than a list could search per stat: each still found. */
	struct sentry *s = new_sentry();
	for (uint64_t ino = 1; ino <= 100000; ino++)
		ck_assert_int_eq(setid_set(s, 42, ino, S_IFREG, S_ISUID), 0);
	for (uint64_t ino = 1; ino <= 100000; ino += 2)
		ck_assert_int_eq(setid_set(s, 42, ino, S_IFREG, 0), 0);
	for (uint64_t ino = 1; ino <= 100000; ino++)
		ck_assert_uint_eq(setid_bits(s, 42, ino), ino % 2 ? 0 : S_ISUID);
	ck_assert(!setid_any_dirs(s));
	setid_free(s);
	free(s);
}
END_TEST

START_TEST(test_chown_and_write_rules)
{
	struct sentry *s = new_sentry();
	ck_assert_int_eq(setid_set(s, 1, 10, S_IFREG, S_ISUID | S_ISGID), 0);
	ck_assert_int_eq(setid_set(s, 1, 11, S_IFREG, S_ISUID | S_ISGID), 0);
	ck_assert_int_eq(setid_set(s, 1, 12, S_IFDIR, S_ISGID), 0);
	ck_assert_int_eq(setid_set(s, 1, 13, S_IFREG, S_ISUID), 0);
	/* chown: S_ISUID goes; S_ISGID goes only with group execute. */
	setid_chowned(s, 1, 10, S_IFREG | 06750);
	ck_assert_uint_eq(setid_bits(s, 1, 10), 0);
	setid_chowned(s, 1, 11, S_IFREG | 06740);
	ck_assert_uint_eq(setid_bits(s, 1, 11), S_ISGID);
	/* A directory keeps its bit. */
	setid_chowned(s, 1, 12, S_IFDIR | 02775);
	ck_assert_uint_eq(setid_bits(s, 1, 12), S_ISGID);
	/* A write clears what chown clears. */
	setid_written(s, 1, 13, S_IFREG | 04755);
	ck_assert_uint_eq(setid_bits(s, 1, 13), 0);
	/* stat and statx show the recorded bits on top of the host's. */
	struct stat st = {.st_dev = 1, .st_ino = 11, .st_mode = S_IFREG | 0740};
	setid_show_stat(s, &st);
	ck_assert_uint_eq(st.st_mode, S_IFREG | 02740);
	struct statx sx = {.stx_mask = STATX_INO,
			   .stx_dev_major = 0,
			   .stx_dev_minor = 1,
			   .stx_ino = 12,
			   .stx_mode = S_IFDIR | 0775};
	setid_show_statx(s, &sx);
	ck_assert_uint_eq(sx.stx_mode, S_IFDIR | 02775);
	setid_free(s);
	free(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("setid");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_random_against_list);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_chown_and_write_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
