/* SPDX-License-Identifier: Apache-2.0 */
/* sentry/maps_query.c: the mapping that holds an address, asked of
 * /proc/self/maps by PROCMAP_QUERY and by its text (the fallback for
 * kernels before 6.11), which must give the same answers; and the fallback
 * taken when the fd does not know the ioctl. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sentry/maps_query.h"

static int self_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Linux 6.11 or later: PROCMAP_QUERY must work. */
static bool kernel_has_query(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_ge(sscanf(u.release, "%d.%d", &major, &minor), 2);
	return major > 6 || (major == 6 && minor >= 11);
}

/* Both ways agree on addr; returns their answer. */
static int both(uint64_t addr, struct maps_vma *vma)
{
	int fd = self_maps();
	struct maps_vma by_text = {0}, by_ioctl = {0};
	int rt = maps_query_text(fd, addr, &by_text);
	int ri = maps_query_ioctl(fd, addr, &by_ioctl);

	close(fd);
	if (!kernel_has_query() && (ri == -ENOTTY || ri == -EINVAL)) {
		*vma = by_text;
		return rt;
	}
	ck_assert_msg(ri == rt, "addr %#llx: ioctl %d, text %d", (unsigned long long)addr, ri, rt);
	if (rt == 0) {
		ck_assert_uint_eq(by_ioctl.start, by_text.start);
		ck_assert_uint_eq(by_ioctl.end, by_text.end);
		ck_assert_int_eq(by_ioctl.writable, by_text.writable);
	}
	*vma = by_text;
	return rt;
}

START_TEST(test_ioctl_present)
{
	if (!kernel_has_query())
		return;
	int fd = self_maps();
	struct maps_vma vma;
	int local = 0;

	ck_assert_int_eq(maps_query_ioctl(fd, (uint64_t)(uintptr_t)&local, &vma), 0);
	close(fd);
}
END_TEST

START_TEST(test_agree)
{
	struct maps_vma vma;
	int local = 0;
	char *heap = malloc(100);
	long page = sysconf(_SC_PAGESIZE);
	char *three = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(three, MAP_FAILED);
	ck_assert_int_eq(mprotect(three + 2 * page, (size_t)page, PROT_READ), 0);
	ck_assert_int_eq(munmap(three + page, (size_t)page), 0);

	/* The stack and the heap: writable. */
	ck_assert_int_eq(both((uint64_t)(uintptr_t)&local, &vma), 0);
	ck_assert(vma.writable);
	ck_assert_uint_le(vma.start, (uint64_t)(uintptr_t)&local);
	ck_assert_uint_gt(vma.end, (uint64_t)(uintptr_t)&local);
	ck_assert_int_eq(both((uint64_t)(uintptr_t)heap, &vma), 0);
	ck_assert(vma.writable);
	/* Code: not writable. */
	ck_assert_int_eq(both((uint64_t)(uintptr_t)&both, &vma), 0);
	ck_assert(!vma.writable);
	/* A mapping's first and last byte, the hole after it, the
	 * read-only page after the hole. */
	ck_assert_int_eq(both((uint64_t)(uintptr_t)three, &vma), 0);
	ck_assert_uint_eq(vma.start, (uint64_t)(uintptr_t)three);
	ck_assert_uint_eq(vma.end, (uint64_t)(uintptr_t)(three + page));
	ck_assert(vma.writable);
	ck_assert_int_eq(both((uint64_t)(uintptr_t)(three + page - 1), &vma), 0);
	ck_assert_int_eq(both((uint64_t)(uintptr_t)(three + page), &vma), -ENOENT);
	ck_assert_int_eq(both((uint64_t)(uintptr_t)(three + 2 * page - 1), &vma), -ENOENT);
	ck_assert_int_eq(both((uint64_t)(uintptr_t)(three + 2 * page), &vma), 0);
	ck_assert_uint_eq(vma.start, (uint64_t)(uintptr_t)(three + 2 * page));
	ck_assert(!vma.writable);
	/* Nothing is mapped at 0. */
	ck_assert_int_eq(both(0, &vma), -ENOENT);
	munmap(three, (size_t)page);
	munmap(three + 2 * page, (size_t)page);
	free(heap);
}
END_TEST

/* maps text in a memfd, which knows no PROCMAP_QUERY (ENOTTY):
 * maps_query() reads the text. Lines longer than a page, and a last line
 * without a newline. */
START_TEST(test_fallback)
{
	int fd = memfd_create("maps", MFD_CLOEXEC);
	struct maps_vma vma;
	char name[4000];

	ck_assert_int_ge(fd, 0);
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	FILE *f = fdopen(dup(fd), "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 8; i++)
		fprintf(f, "%x-%x r-xp 00000000 08:01 12 /%s\n", 0x100000 + i * 0x2000,
			0x101000 + i * 0x2000, name);
	fprintf(f, "7ff000-800000 rw-p 00000000 00:00 0 [stack]\n");
	fprintf(f, "900000-901000 rw-p 00000000 00:00 0");
	fclose(f);

	ck_assert_int_eq(maps_query_ioctl(fd, 0x7ff000, &vma), -ENOTTY);
	ck_assert_int_eq(maps_query(fd, 0x7fffff, &vma), 0);
	ck_assert_uint_eq(vma.start, 0x7ff000);
	ck_assert_uint_eq(vma.end, 0x800000);
	ck_assert(vma.writable);
	ck_assert_int_eq(maps_query(fd, 0x10e000, &vma), 0);
	ck_assert_uint_eq(vma.start, 0x10e000);
	ck_assert(!vma.writable);
	ck_assert_int_eq(maps_query(fd, 0x101000, &vma), -ENOENT);
	ck_assert_int_eq(maps_query(fd, 0x800000, &vma), -ENOENT);
	ck_assert_int_eq(maps_query(fd, 0x900fff, &vma), 0);
	ck_assert_uint_eq(vma.start, 0x900000);
	close(fd);
}
END_TEST

static Suite *maps_query_suite(void)
{
	Suite *s = suite_create("maps_query");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ioctl_present);
	tcase_add_test(tc, test_agree);
	tcase_add_test(tc, test_fallback);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(maps_query_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
