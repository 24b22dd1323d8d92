/* SPDX-License-Identifier: Apache-2.0 */
/* The pure half of the sentry's /proc: path walks over a fake guest, the
 * mount table, and the rewritten texts; and the permission-bit check that
 * procfs shares with exec (sentry/perm.c). */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sentry/perm.h"
#include "sentry/procfs.h"
#include "sentry/sentry.h"

/* ---- a fake guest: thread group 12 with threads 12 and 13, and pid 1 ---- */

struct fake_node {
	const char *path;
	enum pn_type type;
	const char *text; /* links */
};

static const struct fake_node fake[] = {
	{"1", PT_DIR, NULL},
	{"12", PT_DIR, NULL},
	{"13", PT_DIR, NULL}, /* a thread: reachable, though not listed */
	{"12/task/12", PT_DIR, NULL},
	{"12/task/13", PT_DIR, NULL},
	{"12/fd/0", PT_LNK, "pipe:[123]"},
	{"12/fd/1", PT_LNK, "/tmp/out.txt"},
	{"12/fd/3", PT_LNK, "/proc/12/fd"},
	{"12/fd/4", PT_LNK, "/proc/12/fd/4"},
	{"12/fdinfo/0", PT_REG, NULL},
	{"12/task/13/fd/0", PT_LNK, "/dev/pts/0"},
	{"12/net/dev", PT_REG, NULL},
	{"12/net/stat", PT_DIR, NULL},
	{"12/net/stat/arp_cache", PT_REG, NULL},
};

static const struct fake_node *fake_find(const char *path)
{
	for (size_t i = 0; i < sizeof(fake) / sizeof(fake[0]); i++)
		if (strcmp(fake[i].path, path) == 0)
			return &fake[i];
	return NULL;
}

static int fake_type(void *arg, const char *path)
{
	(void)arg;
	const struct fake_node *f = fake_find(path);
	return f ? (int)f->type : -ENOENT;
}

static int fake_link(void *arg, const struct pnode *n, char *buf, size_t size)
{
	(void)arg;
	const char *text = NULL;
	if (n->kind == PN_FD) {
		const struct fake_node *f = fake_find(n->path);
		text = f ? f->text : NULL;
	} else if (n->ent->what == PW_EXE) {
		text = "/usr/bin/python3";
	} else if (n->ent->what == PW_CWD) {
		text = "/home/u";
	}
	if (!text)
		return -ENOENT;
	int len = snprintf(buf, size, "%s", text);
	return (size_t)len >= size ? -ENAMETOOLONG : len;
}

static const struct procfs_world world = {
	.arg = NULL,
	.self_tgid = 12,
	.self_tid = 13,
	.guest_type = fake_type,
	.link_text = fake_link,
};

static struct pnode node;
static char view[PATH_MAX];

static int walk(const char *rest, bool follow)
{
	memset(&node, 0, sizeof(node));
	view[0] = 0;
	return procfs_walk(&world, rest, follow, &node, view, sizeof(view));
}

/* Walks to a node, checking its kind and path. */
static void expect_node(const char *rest, bool follow, enum pn_kind kind, const char *path)
{
	int r = walk(rest, follow);
	ck_assert_msg(r == 0, "%s: %d", rest, r);
	ck_assert_msg(node.kind == kind, "%s: kind %d, want %d", rest, node.kind, kind);
	ck_assert_msg(strcmp(node.path, path) == 0, "%s: path '%s', want '%s'", rest, node.path,
		      path);
}

static void expect_err(const char *rest, bool follow, int err)
{
	int r = walk(rest, follow);
	ck_assert_msg(r == err, "%s: %d, want %d", rest, r, err);
}

static void expect_view(const char *rest, bool follow, const char *want)
{
	int r = walk(rest, follow);
	ck_assert_msg(r == PROCFS_WALK_VIEW, "%s: %d, want the view", rest, r);
	ck_assert_msg(strcmp(view, want) == 0, "%s: view '%s', want '%s'", rest, view, want);
}

START_TEST(test_name_to_int)
{
	ck_assert_int_eq(procfs_name_to_int("0"), 0);
	ck_assert_int_eq(procfs_name_to_int("12"), 12);
	ck_assert_int_eq(procfs_name_to_int("4194304"), 4194304);
	ck_assert_int_eq(procfs_name_to_int("012"), -1);
	ck_assert_int_eq(procfs_name_to_int(""), -1);
	ck_assert_int_eq(procfs_name_to_int("1a"), -1);
	ck_assert_int_eq(procfs_name_to_int("-1"), -1);
	ck_assert_int_eq(procfs_name_to_int("99999999999"), -1);
}
END_TEST

START_TEST(test_walk_root)
{
	expect_node("", true, PN_ROOT, "");
	expect_node("/", true, PN_ROOT, "");
	expect_node("//", false, PN_ROOT, "");
	expect_node(".", true, PN_ROOT, "");
	expect_node("./self/..", true, PN_ROOT, "");
	ck_assert_int_eq(node.type, PT_DIR);
}
END_TEST

START_TEST(test_walk_self)
{
	expect_node("self", false, PN_TOP, "self");
	ck_assert_int_eq(node.type, PT_LNK);
	ck_assert_int_eq(node.ent->what, PW_SELF);
	expect_node("self", true, PN_PID, "12");
	ck_assert_int_eq(node.pid, 12);
	ck_assert_int_eq(node.tid, 0);
	expect_node("self/", false, PN_PID, "12");
	expect_node("self/status", false, PN_ENTRY, "12/status");
	ck_assert_str_eq(node.ent->name, "status");
	expect_node("self//status", false, PN_ENTRY, "12/status");
	expect_node("self/./fd/../status", false, PN_ENTRY, "12/status");
	expect_node("thread-self", true, PN_PID, "12/task/13");
	ck_assert_int_eq(node.tid, 13);
	expect_node("thread-self/status", true, PN_ENTRY, "12/task/13/status");
	ck_assert_int_eq(node.pid, 12);
	ck_assert_int_eq(node.tid, 13);
	expect_node("thread-self/..", true, PN_ENTRY, "12/task");
}
END_TEST

START_TEST(test_walk_pids)
{
	expect_node("1/stat", true, PN_ENTRY, "1/stat");
	ck_assert_int_eq(node.pid, 1);
	expect_node("13/status", true, PN_ENTRY, "13/status");
	expect_node("12/task/13", true, PN_PID, "12/task/13");
	expect_err("abc", true, -ENOENT);
	expect_err("012", true, -ENOENT);
	expect_err("0", true, -ENOENT);
	expect_err("99", true, -ENOENT);
	expect_err("12/nonexistent", true, -ENOENT);
	expect_err("12/mem", true, -ENOENT);
	expect_err("12/task/14", true, -ENOENT);
	expect_err("12/task/13/task", true, -ENOENT); /* only in the group's directory */
	expect_err("12/task/013", true, -ENOENT);
}
END_TEST

START_TEST(test_walk_files)
{
	expect_err("self/status/", true, -ENOTDIR);
	expect_err("self/status/.", true, -ENOTDIR);
	expect_err("self/status/x", true, -ENOTDIR);
	expect_err("cpuinfo/x", true, -ENOTDIR);
	expect_node("cpuinfo", true, PN_TOP, "cpuinfo");
	ck_assert_int_eq(node.type, PT_REG);
	expect_node("mounts", false, PN_TOP, "mounts");
	ck_assert_int_eq(node.type, PT_LNK);
	expect_node("mounts", true, PN_ENTRY, "12/mounts");
	expect_err("mounts/", true, -ENOTDIR);
	expect_node("self/fdinfo/0", true, PN_FDINFO, "12/fdinfo/0");
	expect_node("net/dev", true, PN_NET, "12/net/dev");
	ck_assert_int_eq(node.type, PT_REG);
	expect_node("net/stat/arp_cache", true, PN_NET, "12/net/stat/arp_cache");
	expect_node("net/stat", true, PN_NET, "12/net/stat");
	ck_assert_int_eq(node.type, PT_DIR);
	expect_err("net/nonexistent", true, -ENOENT);
}
END_TEST

/* The host's procfs as the masked walk asks it: keys and acpi are there,
 * kcore is not. */
static int fake_host_type(void *arg, const char *path)
{
	(void)arg;
	if (strcmp(path, "keys") == 0 || strcmp(path, "sys/kernel/secret") == 0)
		return PT_REG;
	if (strcmp(path, "acpi") == 0)
		return PT_DIR;
	if (strcmp(path, "12") == 0 || strcmp(path, "self") == 0)
		return PT_DIR; /* never asked: pids and the tree's links */
	return -ENOENT;
}

static int walk_masked(const char *rest, bool follow)
{
	static const char *const masked[] = {
		"keys", "kcore", "acpi", "cpuinfo", "12/environ", "self", "sys/kernel/secret"};
	static const char *const readonly[] = {"sys", "12/comm"};
	static const struct path_masks masks = {masked, 7, readonly, 2};
	struct procfs_world w = world;
	w.masks = &masks;
	w.host_type = fake_host_type;
	memset(&node, 0, sizeof(node));
	view[0] = 0;
	return procfs_walk(&w, rest, follow, &node, view, sizeof(view));
}

START_TEST(test_walk_masked)
{
	/* A masked file of the tree, and one only the host has. */
	ck_assert_int_eq(walk_masked("cpuinfo", true), 0);
	ck_assert_int_eq(node.kind, PN_MASKED);
	ck_assert_int_eq(node.type, PT_REG);
	ck_assert(node.readonly);
	ck_assert_int_eq(walk_masked("keys", true), 0);
	ck_assert_int_eq(node.kind, PN_MASKED);
	ck_assert_int_eq(node.type, PT_REG);
	ck_assert_int_eq(walk_masked("sys/kernel/secret", true), 0);
	ck_assert_int_eq(node.kind, PN_MASKED);
	/* Neither the tree nor the host has it: skipped, as runc does. */
	ck_assert_int_eq(walk_masked("kcore", true), -ENOENT);
	/* A masked directory is empty. */
	ck_assert_int_eq(walk_masked("acpi", true), 0);
	ck_assert_int_eq(node.kind, PN_MASKED);
	ck_assert_int_eq(node.type, PT_DIR);
	ck_assert_int_eq(walk_masked("acpi/x", true), -ENOENT);
	ck_assert_int_eq(walk_masked("keys/x", true), -ENOTDIR);
	/* A link is never masked; what it leads to is looked up anew. */
	ck_assert_int_eq(walk_masked("self", false), 0);
	ck_assert_int_eq(node.kind, PN_TOP);
	ck_assert_int_eq(walk_masked("self/environ", true), 0);
	ck_assert_int_eq(node.kind, PN_MASKED);
	ck_assert_str_eq(node.path, "12/environ");
	/* Read-only: the path and everything below it. */
	ck_assert_int_eq(walk_masked("sys", true), 0);
	ck_assert(node.readonly);
	ck_assert_int_eq(node.kind, PN_TOP);
	ck_assert_int_eq(walk_masked("sys/kernel/hostname", true), 0);
	ck_assert(node.readonly);
	ck_assert_int_eq(node.kind, PN_SYS);
	ck_assert_int_eq(walk_masked("self/comm", true), 0);
	ck_assert(node.readonly);
	ck_assert_int_eq(walk_masked("self/status", true), 0);
	ck_assert(!node.readonly);
	ck_assert_int_eq(walk_masked("cmdline", true), 0);
	ck_assert(!node.readonly);
	/* A pid is never taken from the host. */
	ck_assert_int_eq(walk_masked("99", true), -ENOENT);
}
END_TEST

START_TEST(test_walk_fds)
{
	expect_node("self/fd/1", true, PN_FD, "12/fd/1");
	ck_assert(node.followed);
	ck_assert_int_eq(node.fd, 1);
	expect_node("self/fd/1", false, PN_FD, "12/fd/1");
	ck_assert(!node.followed);
	expect_node("self/fd/1/", false, PN_FD, "12/fd/1");
	ck_assert(node.followed && node.must_dir);
	expect_node("self/fd/0", true, PN_FD, "12/fd/0");
	expect_err("self/fd/01", true, -ENOENT);
	expect_err("self/fd/9", true, -ENOENT);
	expect_view("self/fd/1/x", true, "/tmp/out.txt/x");
	expect_err("self/fd/0/x", true, -ENOTDIR);
	/* An fd of a /proc directory leads back into the tree. */
	expect_node("self/fd/3/0", true, PN_FD, "12/fd/0");
	expect_node("self/fd/3/..", true, PN_PID, "12");
	expect_err("self/fd/4/x", true, -ELOOP);
	expect_node("thread-self/fd/0", false, PN_FD, "12/task/13/fd/0");
}
END_TEST

START_TEST(test_walk_view)
{
	expect_node("self/cwd", false, PN_ENTRY, "12/cwd");
	ck_assert_int_eq(node.type, PT_LNK);
	expect_view("self/cwd", true, "/home/u");
	expect_view("self/cwd/", false, "/home/u/");
	expect_view("self/cwd/a/../b", false, "/home/u/a/../b");
	expect_view("self/exe", true, "/usr/bin/python3");
	expect_view("self/root", true, "/");
	expect_view("self/root/etc//passwd", true, "/etc/passwd");
	expect_view("..", true, "/");
	expect_view("../etc", true, "/etc");
	expect_view("self/../../etc/", true, "/etc/");
	expect_view("12/task/13/cwd/x", true, "/home/u/x");
}
END_TEST

START_TEST(test_walk_limits)
{
	char name[300];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	expect_err(name, true, -ENAMETOOLONG);
	char *longpath = malloc(PATH_MAX + 10);
	memset(longpath, '/', PATH_MAX + 9);
	longpath[PATH_MAX + 9] = 0;
	expect_err(longpath, true, -ENAMETOOLONG);
	free(longpath);
}
END_TEST

START_TEST(test_link_text)
{
	char buf[64];
	walk("self", false);
	ck_assert_int_eq(procfs_link_text(&world, &node, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "12");
	walk("thread-self", false);
	procfs_link_text(&world, &node, buf, sizeof(buf));
	ck_assert_str_eq(buf, "12/task/13");
	walk("mounts", false);
	procfs_link_text(&world, &node, buf, sizeof(buf));
	ck_assert_str_eq(buf, "self/mounts");
	walk("1/root", false);
	procfs_link_text(&world, &node, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/");
	walk("self/exe", false);
	procfs_link_text(&world, &node, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/usr/bin/python3");
	walk("self/status", false);
	ck_assert_int_eq(procfs_link_text(&world, &node, buf, sizeof(buf)), -EINVAL);
	walk("thread-self", false);
	ck_assert_int_eq(procfs_link_text(&world, &node, buf, 4), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_tables)
{
	struct pnode group = {.kind = PN_PID, .pid = 12};
	struct pnode thread = {.kind = PN_PID, .pid = 12, .tid = 13};
	bool saw_task = false;
	for (size_t i = 0; i < procfs_pid_count; i++) {
		const struct pent *e = &procfs_pid_entries[i];
		ck_assert(procfs_pent_visible(e, &group));
		if (strcmp(e->name, "task") == 0) {
			saw_task = true;
			ck_assert(!procfs_pent_visible(e, &thread));
		}
		if (i > 0)
			ck_assert_msg(strcmp(procfs_pid_entries[i - 1].name, e->name) < 0,
				      "pid entries sorted at %s", e->name);
	}
	ck_assert(saw_task);
	for (size_t i = 1; i < procfs_top_count; i++)
		ck_assert(strcmp(procfs_top_entries[i - 1].name, procfs_top_entries[i].name) < 0);
}
END_TEST

/* ---- the mount table ---- */

START_TEST(test_mountinfo)
{
	struct procfs_mount m[16];
	size_t n = procfs_default_mounts(m, 16, makedev(8, 1), makedev(0, 42));
	ck_assert_uint_ge(n, 6);
	char buf[4096];
	size_t len = procfs_render_mounts(m, n, true, buf, sizeof(buf));
	ck_assert_uint_eq(len, strlen(buf));
	ck_assert_msg(strncmp(buf, "1 0 8:1 / / rw,relatime - overlay overlay rw\n", 45) == 0,
		      "first line: %s", buf);
	ck_assert_msg(
		strstr(buf, "2 1 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"),
		"%s", buf);
	ck_assert(strstr(buf, " /dev/pts ") && strstr(buf, " /dev/shm ") && strstr(buf, " /sys "));
	/* Every line has the ten fields and the separator. */
	int lines = 0;
	for (char *l = buf; *l; lines++) {
		char *e = strchr(l, '\n');
		ck_assert(e);
		*e = 0;
		char mp[256], sep[4], fstype[64];
		int id, parent;
		unsigned int maj, min;
		ck_assert_int_eq(sscanf(l, "%d %d %u:%u %*s %255s %*s %3s %63s", &id, &parent, &maj,
					&min, mp, sep, fstype),
				 7);
		ck_assert_str_eq(sep, "-");
		ck_assert(parent < id);
		l = e + 1;
	}
	ck_assert_int_eq(lines, (int)n);
}
END_TEST

START_TEST(test_mounts)
{
	struct procfs_mount m[16];
	size_t n = procfs_default_mounts(m, 16, makedev(8, 1), makedev(0, 42));
	char buf[4096];
	procfs_render_mounts(m, n, false, buf, sizeof(buf));
	ck_assert_msg(strncmp(buf, "overlay / overlay rw,relatime 0 0\n", 34) == 0, "%s", buf);
	ck_assert_msg(strstr(buf, "\ntmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0\n"), "%s",
		      buf);
	ck_assert_msg(strstr(buf, "\nsysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n"), "%s",
		      buf);
	ck_assert_msg(strstr(buf, "\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"), "%s",
		      buf);
}
END_TEST

START_TEST(test_mounts_escaping_and_truncation)
{
	struct procfs_mount m = {3, 1, 0, 50, "/", "/mnt/a b\\c", "rw", "tmpfs", "my\tvol", "rw"};
	char buf[128];
	procfs_render_mounts(&m, 1, true, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3 1 0:50 / /mnt/a\\040b\\134c rw - tmpfs my\\011vol rw\n");
	char small[10];
	size_t len = procfs_render_mounts(&m, 1, false, small, sizeof(small));
	ck_assert_uint_eq(len, strlen("my\\011vol /mnt/a\\040b\\134c tmpfs rw 0 0\n"));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_uint_eq(procfs_default_mounts(&m, 1, 0, 0), 1);
}
END_TEST

/* The gofer's table of a view: parsed (escapes undone, propagation
 * fields dropped), its /proc row made the sentry's procfs, the /proc covers
 * added below it as crun shows them, and rendered back as the kernel does. */
START_TEST(test_view_mounts)
{
	char text[] = "75 72 0:40 / / rw,nosuid,nodev,relatime - overlay none rw,uuid=on\n"
		      "70 75 254:0 / /my\\040dir ro,nosuid,nodev,relatime shared:3 - ext4 /dev/vda "
		      "rw\n"
		      "garbage line\n"
		      "128 75 0:48 / /proc ro,nosuid,nodev,relatime - tmpfs none ro,size=4k\n"
		      "130 75 0:49 / /dev ro,nosuid,nodev,noexec,relatime - tmpfs none rw\n"
		      "131 130 0:6 /null /dev/null ro,nosuid,noexec,relatime - devtmpfs udev "
		      "rw,mode=755\n";
	struct procfs_mount m[16];
	size_t n = procfs_parse_mountinfo(text, m, 16);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(m[1].mountpoint, "/my dir");
	ck_assert_str_eq(m[1].fstype, "ext4");
	ck_assert_int_eq(m[1].parent_id, 75);
	struct procfs_cover_row covers[3] = {{.rel = "sys", .what = PROCFS_COVER_READONLY},
					     {.rel = "keys", .what = PROCFS_COVER_MASKED_FILE},
					     {.rel = "acpi", .what = PROCFS_COVER_MASKED_DIR}};
	n = procfs_add_proc_mounts(m, n, 16, makedev(0, 43), makedev(0, 44), covers, 3);
	ck_assert_uint_eq(n, 8);
	char buf[2048];
	procfs_render_mounts(m, n, true, buf, sizeof(buf));
	ck_assert_str_eq(
		buf, "75 72 0:40 / / rw,nosuid,nodev,relatime - overlay none rw,uuid=on\n"
		     "70 75 254:0 / /my\\040dir ro,nosuid,nodev,relatime - ext4 /dev/vda rw\n"
		     "128 75 0:43 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
		     "130 75 0:49 / /dev ro,nosuid,nodev,noexec,relatime - tmpfs none rw\n"
		     "131 130 0:6 /null /dev/null ro,nosuid,noexec,relatime - devtmpfs udev "
		     "rw,mode=755\n"
		     "132 128 0:43 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
		     "133 128 0:6 /null /proc/keys ro,relatime - devtmpfs udev rw,mode=755\n"
		     "134 128 0:44 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n");
	procfs_render_mounts(m, 3, false, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none / overlay rw,nosuid,nodev,relatime,uuid=on 0 0\n"
			      "/dev/vda /my\\040dir ext4 ro,nosuid,nodev,relatime 0 0\n"
			      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
	/* A cover below another hangs from it; no room leaves it out. */
	struct procfs_cover_row nested[2] = {
		{.rel = "sys", .what = PROCFS_COVER_READONLY},
		{.rel = "sys/kernel", .what = PROCFS_COVER_MASKED_DIR}};
	n = procfs_add_proc_mounts(m, 5, 16, makedev(0, 43), makedev(0, 44), nested, 2);
	ck_assert_int_eq(m[6].parent_id, m[5].id);
	ck_assert_uint_eq(procfs_add_proc_mounts(m, 5, 6, makedev(0, 43), 0, nested, 2), 6);
}
END_TEST

/* Without a /proc row there is nothing to cover. */
START_TEST(test_view_mounts_no_proc)
{
	char text[] = "5 1 0:40 / / rw - overlay none rw\n";
	struct procfs_mount m[4];
	size_t n = procfs_parse_mountinfo(text, m, 4);
	struct procfs_cover_row c = {.rel = "keys", .what = PROCFS_COVER_MASKED_FILE};
	ck_assert_uint_eq(procfs_add_proc_mounts(m, n, 4, 0, 0, &c, 1), 1);
}
END_TEST

/* ---- rewrites ---- */

/* /proc/self/cgroup from the guest's cgroup namespace: the host's
 * hierarchies, each at "/", as runc and crun show it. */
START_TEST(test_cgroup_text)
{
	char *out = NULL;
	/* v2 alone */
	ck_assert_int_eq(procfs_rewrite_cgroup("0::/runsc-c/abc/kernel\n", &out), 5);
	ck_assert_str_eq(out, "0::/\n");
	free(out);
	/* the hybrid layout */
	const char *hybrid = "9:name=systemd:/user.slice\n8:pids:/runsc-c/x\n"
			     "4:memory:/a/b\n1:cpu,cpuacct:/\n0::/runsc-c/x/kernel\n";
	ck_assert_int_gt(procfs_rewrite_cgroup(hybrid, &out), 0);
	ck_assert_str_eq(out, "9:name=systemd:/\n8:pids:/\n4:memory:/\n1:cpu,cpuacct:/\n0::/\n");
	free(out);
	/* v1 alone, the last line without its newline, an empty path */
	ck_assert_int_gt(procfs_rewrite_cgroup("3:freezer:\n2:memory:/x", &out), 0);
	ck_assert_str_eq(out, "3:freezer:/\n2:memory:/\n");
	free(out);
	/* nothing readable: v2's answer */
	ck_assert_int_eq(procfs_rewrite_cgroup("garbage\n", &out), 5);
	ck_assert_str_eq(out, "0::/\n");
	free(out);
}
END_TEST

START_TEST(test_loadavg)
{
	char out[64];
	int n = procfs_rewrite_loadavg("0.10 0.20 0.30 5/678 91011\n", 1, 3, 42, out, sizeof(out));
	ck_assert_str_eq(out, "0.10 0.20 0.30 1/3 42\n");
	ck_assert_int_eq(n, (int)strlen(out));
	ck_assert_int_eq(procfs_rewrite_loadavg("garbage", 1, 1, 1, out, sizeof(out)), -EINVAL);
}
END_TEST

START_TEST(test_meminfo)
{
	static const char host[] = "MemTotal:       24683748 kB\n"
				   "MemFree:        23914304 kB\n"
				   "MemAvailable:   24223908 kB\n"
				   "Buffers:           12345 kB\n"
				   "Cached:           500000 kB\n"
				   "SwapCached:            0 kB\n"
				   "Active:          1000000 kB\n"
				   "Shmem:             70000 kB\n"
				   "SwapTotal:       1000000 kB\n"
				   "SwapFree:        1000000 kB\n"
				   "SReclaimable:     100000 kB\n"
				   "HugePages_Total:       0\n";
	char *out = NULL;
	/* 256 MiB limit, 64 MiB used of which 16 MiB cache, 8 MiB of it
	 * inactive. */
	ssize_t n = procfs_rewrite_meminfo(host, 256ULL << 20, 64ULL << 20, 16ULL << 20, 8ULL << 20,
					   &out);
	ck_assert_int_eq(n, (ssize_t)strlen(out));
	ck_assert_str_eq(out, "MemTotal:         262144 kB\n"
			      "MemFree:          196608 kB\n"
			      "MemAvailable:     204800 kB\n"
			      "Buffers:               0 kB\n"
			      "Cached:            16384 kB\n"
			      "SwapCached:            0 kB\n"
			      "Active:          1000000 kB\n"
			      "Shmem:             65536 kB\n"
			      "SwapTotal:             0 kB\n"
			      "SwapFree:              0 kB\n"
			      "SReclaimable:          0 kB\n"
			      "HugePages_Total:       0\n");
	free(out);
	/* Use over the limit (the kernel lets it pass briefly): nothing free. */
	n = procfs_rewrite_meminfo(host, 32ULL << 20, 40ULL << 20, 0, 0, &out);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(out, "MemFree:               0 kB\n"));
	ck_assert_ptr_nonnull(strstr(out, "MemAvailable:          0 kB\n"));
	ck_assert_ptr_nonnull(strstr(out, "Shmem:             32768 kB\n"));
	free(out);
	ck_assert_int_eq(procfs_rewrite_meminfo("", 1, 0, 0, 0, &out), -EINVAL);
}
END_TEST

START_TEST(test_fix_fd_link)
{
	char buf[64];
	strcpy(buf, "/");
	ck_assert_int_eq(procfs_fix_fd_link(buf, sizeof(buf), FD_MIRROR), 5);
	ck_assert_str_eq(buf, "/proc");
	strcpy(buf, "/12/fd");
	procfs_fix_fd_link(buf, sizeof(buf), FD_MIRROR);
	ck_assert_str_eq(buf, "/proc/12/fd");
	strcpy(buf, "/12/fd (deleted)");
	procfs_fix_fd_link(buf, sizeof(buf), FD_MIRROR);
	ck_assert_str_eq(buf, "/proc/12/fd (deleted)");
	strcpy(buf, "/ (deleted)");
	procfs_fix_fd_link(buf, sizeof(buf), FD_MIRROR);
	ck_assert_str_eq(buf, "/proc (deleted)");
	strcpy(buf, "/memfd:" PROCFS_MEMFD_PREFIX "/proc/12/status (deleted)");
	ck_assert_int_eq(procfs_fix_fd_link(buf, sizeof(buf), FD_MEMFD), 15);
	ck_assert_str_eq(buf, "/proc/12/status");
	strcpy(buf, "/memfd:jit (deleted)");
	procfs_fix_fd_link(buf, sizeof(buf), FD_MEMFD);
	ck_assert_str_eq(buf, "/memfd:jit (deleted)");
	strcpy(buf, "/12/fd");
	procfs_fix_fd_link(buf, sizeof(buf), FD_OTHER);
	ck_assert_str_eq(buf, "/12/fd");
	char tight[8] = "/12/fd";
	ck_assert_int_eq(procfs_fix_fd_link(tight, sizeof(tight), FD_MIRROR), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_parse_status)
{
	const char *status = "Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t12\n"
			     "Ngid:\t0\nPid:\t13\nPPid:\t1\nTracerPid:\t0\n"
			     "Uid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\n";
	struct procfs_ids ids;
	ck_assert_int_eq(procfs_parse_status(status, &ids), 0);
	ck_assert_int_eq(ids.tgid, 12);
	ck_assert_int_eq(ids.uid[0], 1000);
	ck_assert_int_eq(ids.uid[3], 1003);
	ck_assert_int_eq(ids.gid[1], 101);
	ck_assert_int_eq(procfs_parse_status("Name:\tx\n", &ids), -EINVAL);
}
END_TEST

/* ---- permission bits (sentry/perm.c) ---- */

#define CAP_DAC_OVERRIDE_BIT	(1ULL << 1)
#define CAP_DAC_READ_SEARCH_BIT (1ULL << 2)

static struct stat object(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_uid = uid;
	st.st_gid = gid;
	return st;
}

/* A caller whose real ids are 1000:100 and fs ids 2000:200, in group 300. */
static struct creds caller(uint64_t caps)
{
	struct creds cr;
	memset(&cr, 0, sizeof(cr));
	cr.ruid = cr.euid = 1000;
	cr.rgid = cr.egid = 100;
	cr.fsuid = 2000;
	cr.fsgid = 200;
	cr.ngroups = 1;
	cr.groups[0] = 300;
	cr.cap_eff = caps;
	return cr;
}

START_TEST(test_perm_classes)
{
	struct creds cr = caller(0);
	/* Owner, group and others each get their own bits, and only those. */
	struct stat st = object(S_IFREG | 0740, 2000, 0);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK | W_OK | X_OK, PERM_FS_IDS), 0);
	st = object(S_IFREG | 0047, 2000, 200);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFREG | 0450, 1, 200);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK | X_OK, PERM_FS_IDS), 0);
	ck_assert_int_eq(perm_check(&st, &cr, W_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFREG | 0050, 1, 300); /* a supplementary group */
	ck_assert_int_eq(perm_check(&st, &cr, X_OK, PERM_FS_IDS), 0);
	st = object(S_IFREG | 0704, 1, 2);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK, PERM_FS_IDS), 0);
	ck_assert_int_eq(perm_check(&st, &cr, X_OK, PERM_FS_IDS), -EACCES);
}
END_TEST

START_TEST(test_perm_real_ids)
{
	struct creds cr = caller(0);
	/* access(2) compares the real ids, open and exec the fs ids. */
	struct stat st = object(S_IFREG | 0600, 1000, 0);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK, PERM_REAL_IDS), 0);
	ck_assert_int_eq(perm_check(&st, &cr, R_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFREG | 0060, 1, 100);
	ck_assert_int_eq(perm_check(&st, &cr, W_OK, PERM_REAL_IDS), 0);
	ck_assert_int_eq(perm_check(&st, &cr, W_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFREG | 0060, 1, 300);
	ck_assert_int_eq(perm_check(&st, &cr, W_OK, PERM_REAL_IDS), 0);
}
END_TEST

START_TEST(test_perm_capabilities)
{
	struct creds root = caller(CAP_DAC_OVERRIDE_BIT);
	struct stat st = object(S_IFREG | 0000, 1, 2);
	ck_assert_int_eq(perm_check(&st, &root, R_OK | W_OK, PERM_FS_IDS), 0);
	/* Executing a file needs an x bit, anyone's, even with the override. */
	ck_assert_int_eq(perm_check(&st, &root, X_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFREG | 0001, 1, 2);
	ck_assert_int_eq(perm_check(&st, &root, X_OK, PERM_FS_IDS), 0);
	st = object(S_IFDIR | 0000, 1, 2);
	ck_assert_int_eq(perm_check(&st, &root, X_OK, PERM_FS_IDS), 0);

	struct creds reader = caller(CAP_DAC_READ_SEARCH_BIT);
	st = object(S_IFREG | 0000, 1, 2);
	ck_assert_int_eq(perm_check(&st, &reader, R_OK, PERM_FS_IDS), 0);
	ck_assert_int_eq(perm_check(&st, &reader, W_OK, PERM_FS_IDS), -EACCES);
	ck_assert_int_eq(perm_check(&st, &reader, X_OK, PERM_FS_IDS), -EACCES);
	st = object(S_IFDIR | 0000, 1, 2);
	ck_assert_int_eq(perm_check(&st, &reader, R_OK | X_OK, PERM_FS_IDS), 0);
}
END_TEST

static Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *paths = tcase_create("paths");
	TCase *text = tcase_create("text");
	TCase *perm = tcase_create("perm");

	tcase_add_test(paths, test_name_to_int);
	tcase_add_test(paths, test_walk_root);
	tcase_add_test(paths, test_walk_self);
	tcase_add_test(paths, test_walk_pids);
	tcase_add_test(paths, test_walk_files);
	tcase_add_test(paths, test_walk_fds);
	tcase_add_test(paths, test_walk_view);
	tcase_add_test(paths, test_walk_limits);
	tcase_add_test(paths, test_walk_masked);
	tcase_add_test(paths, test_link_text);
	tcase_add_test(paths, test_tables);
	suite_add_tcase(s, paths);

	tcase_add_test(text, test_mountinfo);
	tcase_add_test(text, test_mounts);
	tcase_add_test(text, test_mounts_escaping_and_truncation);
	tcase_add_test(text, test_view_mounts);
	tcase_add_test(text, test_view_mounts_no_proc);
	tcase_add_test(text, test_cgroup_text);
	tcase_add_test(text, test_loadavg);
	tcase_add_test(text, test_meminfo);
	tcase_add_test(text, test_fix_fd_link);
	tcase_add_test(text, test_parse_status);
	suite_add_tcase(s, text);

	tcase_add_test(perm, test_perm_classes);
	tcase_add_test(perm, test_perm_real_ids);
	tcase_add_test(perm, test_perm_capabilities);
	suite_add_tcase(s, perm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(procfs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
