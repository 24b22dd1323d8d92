/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer's checks on what it receives (gofer_req_check), its path walk
 * over a scratch directory standing in for the view (redirects, symlinks,
 * ".." at the root, trailing slashes), and a few whole requests. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/gofer_shared.h"
#include "common/proto.h"
#include "gofer/gofer.h"
#include "gofer/walk.h"

/* ---- building requests ---- */

static struct gofer_req req;
static size_t req_len;

/* A request with path (and path2 when not NULL); fd_mask as given. */
static void build(uint32_t op, uint32_t flags, const char *path, const char *path2,
		  uint32_t fd_mask)
{
	memset(&req, 0, sizeof(req));
	req.op = op;
	req.flags = flags;
	req.fd_mask = fd_mask;
	size_t off = 0;
	if (path) {
		req.path_len = (uint32_t)strlen(path) + 1;
		memcpy(req.data, path, req.path_len);
		off = req.path_len;
	}
	if (path2) {
		req.path2_len = (uint32_t)strlen(path2) + 1;
		memcpy(req.data + off, path2, req.path2_len);
	}
	req_len = GOFER_REQ_HDR_SIZE + req.path_len + req.path2_len;
}

static int check_nfds(int nfds)
{
	return gofer_req_check(&req, req_len, nfds);
}

static int check0(void)
{
	return check_nfds(0);
}

/* ---- gofer_req_check ---- */

START_TEST(test_valid)
{
	build(GOP_STAT, 0, "/etc/passwd", NULL, 0);
	ck_assert_int_eq(check0(), 0);
	build(GOP_OPEN, O_RDONLY | O_CLOEXEC | O_DIRECTORY, "etc", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_OPEN, O_CREAT | O_WRONLY | O_TRUNC, "/tmp/x", NULL, 0);
	req.mode = 0644;
	ck_assert_int_eq(check0(), 0);
	build(GOP_RENAME, RENAME_NOREPLACE, "a", "b", GOFER_FD_DIR | GOFER_FD_DIR2);
	ck_assert_int_eq(check_nfds(2), 0);
	build(GOP_SYMLINK, 0, "../target", "/tmp/link", 0);
	ck_assert_int_eq(check0(), 0);
	build(GOP_BIND, 0, "/tmp/sock", NULL, GOFER_FD_OBJ);
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_INOTIFY_ADD, 0, "/tmp", NULL, GOFER_FD_OBJ);
	req.arg[GOFER_ARG_INOTIFY_MASK] = IN_CREATE | IN_ONLYDIR;
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_STAT, AT_EMPTY_PATH, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_READLINK, 0, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_EXEC_OPEN, AT_EMPTY_PATH, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), 0);
	build(GOP_CHOWN, 0, "/x", NULL, 0);
	req.arg[GOFER_ARG_UID] = 65535;
	req.arg[GOFER_ARG_GID] = 0xffffffffu;
	ck_assert_int_eq(check0(), 0);
	build(GOP_STAT, 0, "/", NULL, 0);
	req.uid = 65535;
	req.gid = 65535;
	req.ngroups = GOFER_MAX_GROUPS;
	for (int i = 0; i < GOFER_MAX_GROUPS; i++)
		req.groups[i] = (uint32_t)i * 1000;
	ck_assert_int_eq(check0(), 0);
}
END_TEST

START_TEST(test_bad_op)
{
	build(0, 0, "/", NULL, 0);
	ck_assert_int_eq(check0(), -ENOSYS);
	build(GOP_OP_MAX, 0, "/", NULL, 0);
	ck_assert_int_eq(check0(), -ENOSYS);
	build(0xffffffffu, 0, "/", NULL, 0);
	ck_assert_int_eq(check0(), -ENOSYS);
}
END_TEST

START_TEST(test_lengths)
{
	build(GOP_STAT, 0, "/", NULL, 0);
	ck_assert_int_eq(gofer_req_check(&req, GOFER_REQ_HDR_SIZE - 1, 0), -EPROTO);
	ck_assert_int_eq(gofer_req_check(&req, 0, 0), -EPROTO);
	ck_assert_int_eq(gofer_req_check(&req, req_len + 1, 0), -EPROTO);
	ck_assert_int_eq(gofer_req_check(&req, req_len - 1, 0), -EPROTO);

	/* A path of GOFER_PATH_MAX bytes with its NUL fits; one more does not. */
	char *p = malloc(GOFER_PATH_MAX + 1);
	memset(p, 'a', GOFER_PATH_MAX);
	p[0] = '/';
	p[GOFER_PATH_MAX - 1] = '\0';
	build(GOP_STAT, 0, p, NULL, 0);
	ck_assert_int_eq(check0(), 0);
	build(GOP_RENAME, 0, p, p, 0);
	ck_assert_int_eq(check0(), 0);
	req.path_len = GOFER_PATH_MAX + 1;
	ck_assert_int_eq(gofer_req_check(&req, GOFER_REQ_HDR_SIZE + 2 * GOFER_PATH_MAX + 1, 0),
			 -ENAMETOOLONG);
	build(GOP_RENAME, 0, "/a", "/b", 0);
	req.path2_len = 0x7fffffff;
	ck_assert_int_eq(check0(), -ENAMETOOLONG);
	/* lengths whose sum wraps around */
	build(GOP_STAT, 0, "/", NULL, 0);
	req.path_len = 0xffffffffu;
	ck_assert_int_eq(check0(), -ENAMETOOLONG);
	free(p);
}
END_TEST

START_TEST(test_strings)
{
	/* missing NUL */
	build(GOP_STAT, 0, "/etc", NULL, 0);
	req.data[req.path_len - 1] = 'x';
	ck_assert_int_eq(check0(), -EPROTO);
	/* embedded NUL */
	build(GOP_STAT, 0, "/etc/passwd", NULL, 0);
	req.data[4] = '\0';
	ck_assert_int_eq(check0(), -EPROTO);
	build(GOP_RENAME, 0, "/a", "/b/c", 0);
	req.data[req.path_len + 2] = '\0';
	ck_assert_int_eq(check0(), -EPROTO);
	build(GOP_RENAME, 0, "/a", "/b", 0);
	req.data[req.path_len + req.path2_len - 1] = 'x';
	ck_assert_int_eq(check0(), -EPROTO);
	/* a path where the op takes none, none where it needs one */
	build(GOP_STAT, 0, "/a", "/b", 0);
	ck_assert_int_eq(check0(), -EPROTO);
	build(GOP_RENAME, 0, "/a", NULL, 0);
	ck_assert_int_eq(check0(), -EPROTO);
	build(GOP_STAT, 0, NULL, NULL, 0);
	ck_assert_int_eq(check0(), -EPROTO);
}
END_TEST

START_TEST(test_empty_paths)
{
	build(GOP_STAT, 0, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), -ENOENT);
	build(GOP_STAT, AT_EMPTY_PATH, "", NULL, 0);
	ck_assert_int_eq(check0(), -EBADF);
	build(GOP_OPEN, O_RDONLY, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), -ENOENT);
	build(GOP_MKDIR, 0, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), -ENOENT);
	build(GOP_RENAME, 0, "/a", "", 0);
	ck_assert_int_eq(check0(), -ENOENT);
	build(GOP_SYMLINK, 0, "", "/tmp/l", 0);
	ck_assert_int_eq(check0(), -ENOENT);
	build(GOP_LINK, AT_EMPTY_PATH, "", "/tmp/l", GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), 0);
}
END_TEST

START_TEST(test_fds)
{
	build(GOP_STAT, 0, "etc", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(0), -EPROTO);
	ck_assert_int_eq(check_nfds(2), -EPROTO);
	build(GOP_STAT, 0, "/etc", NULL, 0);
	ck_assert_int_eq(check_nfds(1), -EPROTO);
	build(GOP_STAT, 0, "etc", NULL, GOFER_FD_DIR | GOFER_FD_DIR2);
	ck_assert_int_eq(check_nfds(2), -EPROTO);
	build(GOP_STAT, 0, "etc", NULL, 0x8);
	ck_assert_int_eq(check_nfds(1), -EPROTO);
	build(GOP_BIND, 0, "/tmp/sock", NULL, 0);
	ck_assert_int_eq(check0(), -EPROTO);
	build(GOP_CONNECT, 0, "/tmp/sock", NULL, GOFER_FD_DIR | GOFER_FD_OBJ);
	ck_assert_int_eq(check_nfds(1), -EPROTO);
	ck_assert_int_eq(check_nfds(2), 0);
	build(GOP_SYMLINK, 0, "t", "l", GOFER_FD_DIR);
	ck_assert_int_eq(check_nfds(1), -EPROTO);
	build(GOP_MKDIR, 0, "/d", NULL, GOFER_FD_OBJ);
	ck_assert_int_eq(check_nfds(1), -EPROTO);
}
END_TEST

START_TEST(test_flags)
{
	build(GOP_OPEN, 0x80000000u, "/x", NULL, 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_OPEN, O_ACCMODE, "/x", NULL, 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_OPEN, O_CREAT | O_WRONLY, "/x", NULL, 0);
	req.mode = 010644;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_OPEN, O_RDONLY, "/x", NULL, 0);
	req.mode = 010644; /* ignored without O_CREAT, as open(2) does */
	ck_assert_int_eq(check0(), 0);
	build(GOP_STAT, AT_REMOVEDIR, "/x", NULL, 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_UNLINK, AT_SYMLINK_NOFOLLOW, "/x", NULL, 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_RENAME, RENAME_NOREPLACE | RENAME_EXCHANGE, "/a", "/b", 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_RENAME, RENAME_WHITEOUT, "/a", "/b", 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_STATX, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, "/x", NULL, 0);
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_STATX, 0, "/x", NULL, 0);
	req.arg[GOFER_ARG_STATX_MASK] = STATX__RESERVED;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_ACCESS, 0, "/x", NULL, 0);
	req.mode = 8;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_MKDIR, 0, "/x", NULL, 0);
	req.mode = 0100755;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_MKNOD, 0, "/x", NULL, 0);
	req.mode = S_IFCHR | 0666;
	ck_assert_int_eq(check0(), -EPERM);
	req.mode = S_IFBLK | 0666;
	ck_assert_int_eq(check0(), -EPERM);
	req.mode = S_IFDIR | 0755;
	ck_assert_int_eq(check0(), -EINVAL);
	req.mode = S_IFIFO | 0644;
	ck_assert_int_eq(check0(), 0);
	build(GOP_TRUNCATE, 0, "/x", NULL, 0);
	req.arg[GOFER_ARG_LENGTH] = (uint64_t)-1;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_UTIMENS, 0, "/x", NULL, 0);
	req.arg[GOFER_ARG_ATIME_NSEC] = 1000000000;
	ck_assert_int_eq(check0(), -EINVAL);
	req.arg[GOFER_ARG_ATIME_NSEC] = UTIME_OMIT;
	ck_assert_int_eq(check0(), 0);
	req.mode = 2;
	ck_assert_int_eq(check0(), -EINVAL);
	build(GOP_INOTIFY_ADD, 0, "/x", NULL, GOFER_FD_OBJ);
	req.arg[GOFER_ARG_INOTIFY_MASK] = 0;
	ck_assert_int_eq(check_nfds(1), -EINVAL);
	req.arg[GOFER_ARG_INOTIFY_MASK] = IN_MODIFY | 0x00100000; /* an unknown bit */
	ck_assert_int_eq(check_nfds(1), -EINVAL);
	build(GOP_BIND, 0, "/tmp/s", NULL, GOFER_FD_OBJ);
	req.mode = 01000; /* a umask */
	ck_assert_int_eq(check_nfds(1), -EINVAL);
}
END_TEST

START_TEST(test_ids)
{
	/* The guest's map holds every id but (uid_t)-1. */
	build(GOP_STAT, 0, "/", NULL, 0);
	req.uid = 0xfffffffeu;
	req.gid = 100000;
	req.ngroups = 2;
	req.groups[1] = 0xfffffffeu;
	ck_assert_int_eq(check0(), 0);
	req.uid = (uint32_t)-1;
	ck_assert_int_eq(check0(), -EINVAL);
	req.uid = 0;
	req.gid = (uint32_t)-1;
	ck_assert_int_eq(check0(), -EINVAL);
	req.gid = 0;
	req.ngroups = GOFER_MAX_GROUPS + 1;
	ck_assert_int_eq(check0(), -EINVAL);
	req.ngroups = 2;
	req.groups[1] = (uint32_t)-1;
	ck_assert_int_eq(check0(), -EINVAL);
	req.groups[1] = 0;
	/* Capabilities: those over files alone. */
	req.caps = GOFER_CAPS_FS;
	ck_assert_int_eq(check0(), 0);
	req.caps = 1u << 5; /* CAP_KILL */
	ck_assert_int_eq(check0(), -EINVAL);
	req.caps = 0;
	build(GOP_CHOWN, 0, "/x", NULL, 0);
	req.arg[GOFER_ARG_UID] = 0xfffffffeu;
	req.arg[GOFER_ARG_GID] = 70000;
	ck_assert_int_eq(check0(), 0);
	req.arg[GOFER_ARG_UID] = 0x100000000ull;
	ck_assert_int_eq(check0(), -EINVAL);
	req.arg[GOFER_ARG_UID] = (uint64_t)-1; /* only the 32-bit -1 keeps */
	ck_assert_int_eq(check0(), -EINVAL);
	req.arg[GOFER_ARG_UID] = 0xffffffffu;
	req.arg[GOFER_ARG_GID] = 0x1fffffffeull;
	ck_assert_int_eq(check0(), -EINVAL);
}
END_TEST

/* ---- the walk, over a scratch directory ---- */

static char root_path[PATH_MAX];
static struct gofer_state st;

static int scratch_fd = -1;

static void mk(const char *rel, mode_t mode)
{
	if (S_ISDIR(mode))
		ck_assert_int_eq(mkdirat(scratch_fd, rel, mode & 07777), 0);
	else
		ck_assert_int_eq(mknodat(scratch_fd, rel, mode, 0), 0);
	ck_assert_int_eq(fchmodat(scratch_fd, rel, mode & 07777, 0), 0);
}

static void ln(const char *target, const char *rel)
{
	ck_assert_int_eq(symlinkat(target, scratch_fd, rel), 0);
}

static void view_setup(void)
{
	snprintf(root_path, sizeof(root_path), "%s/gofer-walk-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root_path));
	ck_assert_int_eq(chmod(root_path, 0755), 0); /* a view's root is searchable */
	scratch_fd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(scratch_fd, 0);
	mk("proc", S_IFDIR | 0555);
	mk("dev", S_IFDIR | 0755);
	mk("dev/tty", S_IFREG | 0666);
	ln("/proc/self/fd", "dev/fd");
	ln("/proc/self/fd/0", "dev/stdin");
	mk("etc", S_IFDIR | 0755);
	mk("etc/passwd", S_IFREG | 0644);
	mk("b", S_IFDIR | 0755);
	mk("b/c", S_IFREG | 0644);
	mk("w", S_IFDIR | 01777);
	ln("b", "a");
	ln("/etc", "abs");
	ln("../../../..", "up");
	ln("loop2", "loop1");
	ln("loop1", "loop2");
	ln("nowhere", "dangling");
	/* a chain of 40 links ends at etc/passwd; one more is too many */
	for (int i = 1; i <= 40; i++) {
		char name[16], target[32];
		snprintf(name, sizeof(name), "l%d", i);
		if (i == 40)
			snprintf(target, sizeof(target), "etc/passwd");
		else
			snprintf(target, sizeof(target), "l%d", i + 1);
		ln(target, name);
	}
	ln("l1", "l0");

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(gofer_state_init(&st, scratch_fd, false), 0);
}

static void view_teardown(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root_path);
	ck_assert_int_eq(system(cmd), 0);
	close(st.root_fd);
	scratch_fd = -1;
	free(st.view_devs);
	free(st.view_mnts);
}

static struct gofer_walk w;

static int walk(const char *path, enum gofer_walk_mode mode)
{
	return gofer_walk(&st, -1, path, mode, GOFER_WALK_WANT_PATH, &w);
}

/* The walk ended on an existing object named `last`, at vpath. */
static void expect_obj(const char *last, const char *vpath)
{
	ck_assert_uint_eq(w.redirect, GOFER_REDIR_NONE);
	ck_assert_int_ge(w.parent_fd, 0);
	ck_assert_str_eq(w.last, last);
	if (vpath)
		ck_assert_str_eq(w.vpath, vpath);
	gofer_walk_release(&w);
}

static void expect_redirect(uint32_t kind, const char *rest)
{
	ck_assert_uint_eq(w.redirect, kind);
	ck_assert_int_eq(w.parent_fd, -1);
	ck_assert_str_eq(w.rest, rest);
	ck_assert_uint_eq(w.rest_len, strlen(rest));
}

START_TEST(test_walk_plain)
{
	ck_assert_int_eq(walk("/etc/passwd", GOFER_WALK_FOLLOW), 0);
	ck_assert(w.exists && S_ISREG(w.st.st_mode));
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("etc//./passwd", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("/", GOFER_WALK_FOLLOW), 0);
	ck_assert(w.exists && w.parent_is_root);
	expect_obj(".", "/");
	ck_assert_int_eq(walk("/etc/missing", GOFER_WALK_FOLLOW), 0);
	ck_assert(!w.exists);
	expect_obj("missing", "/etc/missing");
	ck_assert_int_eq(walk("/etc/missing/x", GOFER_WALK_FOLLOW), -ENOENT);
	ck_assert_int_eq(walk("/etc/passwd/x", GOFER_WALK_FOLLOW), -ENOTDIR);
	ck_assert_int_eq(walk("", GOFER_WALK_FOLLOW), -ENOENT);
	char name[300];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(walk(name, GOFER_WALK_FOLLOW), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_walk_dotdot_stays_in_root)
{
	ck_assert_int_eq(walk("/../../etc/passwd", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("/up/etc/passwd", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("/etc/..", GOFER_WALK_FOLLOW), 0);
	ck_assert(w.parent_is_root);
	expect_obj(".", "/");
	ck_assert_int_eq(walk("..", GOFER_WALK_NOFOLLOW), 0);
	ck_assert(w.parent_is_root);
	expect_obj(".", "/");
}
END_TEST

START_TEST(test_walk_symlinks)
{
	ck_assert_int_eq(walk("/a/c", GOFER_WALK_FOLLOW), 0);
	expect_obj("c", "/b/c");
	ck_assert_int_eq(walk("/abs/passwd", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	/* the final link: followed or not */
	ck_assert_int_eq(walk("/abs", GOFER_WALK_NOFOLLOW), 0);
	ck_assert(w.exists && S_ISLNK(w.st.st_mode));
	expect_obj("abs", "/abs");
	ck_assert_int_eq(walk("/abs", GOFER_WALK_FOLLOW), 0);
	ck_assert(S_ISDIR(w.st.st_mode));
	expect_obj("etc", "/etc");
	/* a trailing slash follows even without FOLLOW */
	ck_assert_int_eq(walk("/abs/", GOFER_WALK_NOFOLLOW), 0);
	expect_obj("etc/", "/etc");
	ck_assert_int_eq(walk("/etc/passwd/", GOFER_WALK_FOLLOW), -ENOTDIR);
	/* PARENT mode never looks at the last component */
	ck_assert_int_eq(walk("/abs/", GOFER_WALK_PARENT), 0);
	expect_obj("abs/", NULL);
	ck_assert_int_eq(walk("/dangling", GOFER_WALK_FOLLOW), 0);
	ck_assert(!w.exists);
	expect_obj("nowhere", "/nowhere");
	ck_assert_int_eq(walk("/loop1", GOFER_WALK_FOLLOW), -ELOOP);
	ck_assert_int_eq(walk("/loop1/x", GOFER_WALK_NOFOLLOW), -ELOOP);
	ck_assert_int_eq(walk("/loop1", GOFER_WALK_NOFOLLOW), 0);
	expect_obj("loop1", "/loop1");
	ck_assert_int_eq(walk("/l1", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("/l0", GOFER_WALK_FOLLOW), -ELOOP);
}
END_TEST

START_TEST(test_walk_redirects)
{
	ck_assert_int_eq(walk("/proc", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "");
	ck_assert_int_eq(walk("/proc/self/status", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "self/status");
	ck_assert_int_eq(walk("proc/1/fd/", GOFER_WALK_NOFOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "1/fd/");
	ck_assert_int_eq(walk("/dev/fd/3", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "self/fd/3");
	ck_assert_int_eq(walk("/dev/stdin", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "self/fd/0");
	ck_assert_int_eq(walk("/dev/stdin", GOFER_WALK_NOFOLLOW), 0);
	expect_obj("stdin", "/dev/stdin");
	ck_assert_int_eq(walk("/dev/tty", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_TTY, "");
	ck_assert_int_eq(walk("/etc/../dev/./tty", GOFER_WALK_NOFOLLOW), 0);
	expect_redirect(GOFER_REDIR_TTY, "");
	ck_assert_int_eq(walk("/dev/tty/", GOFER_WALK_FOLLOW), -ENOTDIR);
	ck_assert_int_eq(walk("/dev/tty", GOFER_WALK_PARENT), 0);
	expect_redirect(GOFER_REDIR_TTY, "");
	ck_assert_int_eq(walk("/proc", GOFER_WALK_PARENT), 0);
	expect_redirect(GOFER_REDIR_PROC, "");
	ck_assert_int_eq(walk("/proc/new", GOFER_WALK_PARENT), 0);
	expect_redirect(GOFER_REDIR_PROC, "new");
	/* leaving /proc by ".." right away is the root again */
	ck_assert_int_eq(walk("/proc/../etc/passwd", GOFER_WALK_FOLLOW), 0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(walk("/proc/./../etc", GOFER_WALK_FOLLOW), 0);
	expect_obj("etc", "/etc");
	ck_assert_int_eq(walk("proc/..", GOFER_WALK_FOLLOW), 0);
	expect_obj(".", "/");
	ck_assert_int_eq(walk("/proc/./self", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "self");
	ck_assert_int_eq(walk("/dev/fd/../x", GOFER_WALK_FOLLOW), 0);
	expect_redirect(GOFER_REDIR_PROC, "self/fd/../x");
}
END_TEST

START_TEST(test_walk_relative)
{
	int b = openat(st.root_fd, "b", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(gofer_walk(&st, b, "c", GOFER_WALK_FOLLOW, GOFER_WALK_WANT_PATH, &w), 0);
	expect_obj("c", "/b/c");
	ck_assert_int_eq(
		gofer_walk(&st, b, "../../etc/passwd", GOFER_WALK_FOLLOW, GOFER_WALK_WANT_PATH, &w),
		0);
	expect_obj("passwd", "/etc/passwd");
	ck_assert_int_eq(gofer_walk(&st, b, "/etc", GOFER_WALK_FOLLOW, GOFER_WALK_WANT_PATH, &w),
			 0);
	expect_obj("etc", "/etc");
	ck_assert_int_eq(gofer_walk(&st, b, "../proc/x", GOFER_WALK_FOLLOW, 0, &w), 0);
	expect_redirect(GOFER_REDIR_PROC, "x");

	char buf[PATH_MAX];
	ck_assert_int_eq(gofer_dir_path(&st, b, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "/b");
	ck_assert_int_eq(gofer_dir_path(&st, st.root_fd, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(gofer_dir_path(&st, b, buf, 2), -ENAMETOOLONG);
	close(b);

	int c = openat(st.root_fd, "b/c", O_PATH | O_CLOEXEC);
	ck_assert_int_eq(gofer_walk(&st, c, "x", GOFER_WALK_FOLLOW, 0, &w), -ENOTDIR);
	close(c);
}
END_TEST

/* ---- whole requests (the credential switches need root) ---- */

static struct gofer_resp resp;

static int handle(int *fds, int nfds, int *fd_out)
{
	size_t n = gofer_handle(&st, &req, req_len, fds, nfds, &resp, fd_out);
	ck_assert_uint_eq(n, GOFER_RESP_HDR_SIZE + resp.data_len);
	return resp.err;
}

START_TEST(test_requests)
{
	if (geteuid() != 0)
		return;
	int fd = -1;
	build(GOP_STAT, 0, "/etc/passwd", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	ck_assert(S_ISREG(resp.u.st.st_mode));
	ck_assert_int_eq(fd, -1);

	build(GOP_OPEN, O_RDONLY, "/dev/fd/7", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	ck_assert_uint_eq(resp.redirect, GOFER_REDIR_PROC);
	ck_assert_uint_eq(resp.data_len, strlen("self/fd/7"));
	ck_assert_int_eq(memcmp(resp.data, "self/fd/7", resp.data_len), 0);
	ck_assert_int_eq(fd, -1);

	build(GOP_OPEN, O_RDONLY, "/dev/tty", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	ck_assert_uint_eq(resp.redirect, GOFER_REDIR_TTY);

	build(GOP_OPEN, O_CREAT | O_WRONLY | O_EXCL, "/w/new", NULL, 0);
	req.mode = 0640;
	req.uid = 1234;
	req.gid = 4321;
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	ck_assert_int_ge(fd, 0);
	struct stat s;
	ck_assert_int_eq(fstat(fd, &s), 0);
	ck_assert_uint_eq(s.st_uid, 1234);
	ck_assert_uint_eq(s.st_gid, 4321);
	ck_assert_uint_eq(s.st_mode & 07777, 0640);
	close(fd);

	/* a user cannot create in a root-owned 0755 directory */
	build(GOP_MKDIR, 0, "/etc/d", NULL, 0);
	req.mode = 0755;
	req.uid = 1000;
	req.gid = 1000;
	ck_assert_int_eq(handle(NULL, 0, &fd), -EACCES);

	build(GOP_READLINK, 0, "/abs", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	ck_assert_uint_eq(resp.data_len, 4);
	ck_assert_int_eq(memcmp(resp.data, "/etc", 4), 0);

	int b = openat(st.root_fd, "w", O_PATH | O_DIRECTORY | O_CLOEXEC);
	build(GOP_READLINK, AT_EMPTY_PATH, "", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(handle(&b, 1, &fd), 0);
	ck_assert_uint_eq(resp.data_len, 2);
	ck_assert_int_eq(memcmp(resp.data, "/w", 2), 0);
	build(GOP_RENAME, 0, "new", "/proc/x", GOFER_FD_DIR);
	ck_assert_int_eq(handle(&b, 1, &fd), 0);
	ck_assert_uint_eq(resp.redirect, GOFER_REDIR_PROC);
	ck_assert_int_eq(resp.val, GOFER_WHICH_PATH2);
	close(b);

	/* a malformed request is answered, not acted on */
	build(GOP_UNLINK, 0, "/b/c", NULL, 0);
	req.uid = (uint32_t)-1;
	ck_assert_int_eq(handle(NULL, 0, &fd), -EINVAL);
	ck_assert_int_eq(faccessat(st.root_fd, "b/c", F_OK, 0), 0);
}
END_TEST

/* A walk whose parent is where it started (the request's dirfd, or the
 * view's root for a name at the top) uses that fd itself: the request's
 * fd and the root stay open after the handler, and a second request
 * with another directory under the same fd number resolves from that
 * one. */
START_TEST(test_requests_at_start_dir)
{
	if (geteuid() != 0)
		return;
	int fd = -1;
	int w_dir = openat(st.root_fd, "w", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(w_dir, 0);
	ck_assert_int_eq(mknodat(w_dir, "f", S_IFREG | 0644, 0), 0);
	build(GOP_UNLINK, 0, "f", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(handle(&w_dir, 1, &fd), 0);
	ck_assert_int_eq(faccessat(w_dir, "f", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	ck_assert_int_ge(fcntl(w_dir, F_GETFD), 0);

	build(GOP_MKDIR, 0, "d", NULL, GOFER_FD_DIR);
	req.mode = 0755;
	ck_assert_int_eq(handle(&w_dir, 1, &fd), 0);
	if (fd >= 0)
		close(fd);
	build(GOP_UNLINK, AT_REMOVEDIR, "d", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(handle(&w_dir, 1, &fd), 0);
	ck_assert_int_ge(fcntl(w_dir, F_GETFD), 0);
	ck_assert_int_eq(close(w_dir), 0);

	/* The same fd number, another directory. */
	int b_dir = openat(st.root_fd, "b", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(b_dir, w_dir);
	build(GOP_STAT, AT_SYMLINK_NOFOLLOW, "c", NULL, GOFER_FD_DIR);
	ck_assert_int_eq(handle(&b_dir, 1, &fd), 0);
	struct stat c;
	ck_assert_int_eq(fstatat(st.root_fd, "b/c", &c, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(resp.u.st.st_ino, c.st_ino);
	close(b_dir);

	ck_assert_int_eq(mknodat(st.root_fd, "top", S_IFREG | 0644, 0), 0);
	build(GOP_UNLINK, 0, "/top", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
	struct stat root;
	ck_assert_int_eq(fstat(st.root_fd, &root), 0);
	build(GOP_STAT, 0, "/etc/passwd", NULL, 0);
	ck_assert_int_eq(handle(NULL, 0, &fd), 0);
}
END_TEST

/* ---- the page shared with the gofer's client (common/gofer_shared.h) ---- */

/* A gofer in a child process, mapping the page from its memfd as the real
 * one does: it counts an fd sent, answers over sock, and, unless it dies
 * first, closes its copy after delay_ms (writing 'c' to closed_fd first). */
static pid_t fake_gofer(int shared_fd, int sock, int closed_fd, int delay_ms, bool dies)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	struct gofer_shared *sh = gofer_shared_map(shared_fd);
	if (!sh)
		_exit(2);
	gofer_shared_sent(sh);
	if (send(sock, "a", 1, 0) != 1)
		_exit(3);
	if (dies)
		_exit(0);
	usleep((useconds_t)delay_ms * 1000);
	if (write(closed_fd, "c", 1) != 1)
		_exit(4);
	gofer_shared_released(sh);
	_exit(0);
}

START_TEST(test_shared_settle_waits_for_close)
{
	int fd = gofer_shared_create();
	ck_assert_int_ge(fd, 0);
	struct gofer_shared *sh = gofer_shared_map(fd);
	ck_assert_ptr_nonnull(sh);
	int sv[2], closed[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(closed, O_CLOEXEC), 0);
	pid_t pid = fake_gofer(fd, sv[1], closed[1], 200, false);
	close(sv[1]);
	close(closed[1]);
	char c;
	ck_assert_int_eq(recv(sv[0], &c, 1, 0), 1);
	ck_assert_int_eq(gofer_shared_settle(sh, sv[0]), 0);
	/* The gofer's close came before settle returned. */
	struct pollfd p = {.fd = closed[0], .events = POLLIN};
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_uint_eq(atomic_load(&sh->fds_sent), 1);
	ck_assert_uint_eq(atomic_load(&sh->fds_released), 1);
	ck_assert_uint_eq(atomic_load(&sh->waiting), 0);
	/* Nothing held: at once. */
	ck_assert_int_eq(gofer_shared_settle(sh, sv[0]), 0);
	close(sv[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(closed[0]);
	gofer_shared_unmap(sh);
	close(fd);
}
END_TEST

START_TEST(test_shared_settle_gofer_gone)
{
	int fd = gofer_shared_create();
	ck_assert_int_ge(fd, 0);
	struct gofer_shared *sh = gofer_shared_map(fd);
	ck_assert_ptr_nonnull(sh);
	int sv[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid_t pid = fake_gofer(fd, sv[1], -1, 0, true);
	close(sv[1]);
	char c;
	ck_assert_int_eq(recv(sv[0], &c, 1, 0), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* A gofer that died without its close wakes no one: noticed. */
	ck_assert_int_eq(gofer_shared_settle(sh, sv[0]), -EPIPE);
	ck_assert_uint_eq(atomic_load(&sh->waiting), 0);
	close(sv[0]);
	gofer_shared_unmap(sh);
	close(fd);
}
END_TEST

/* A gofer that breaks the protocol ends the wait with -EPROTO: more closes
 * than answers, or a message it was not asked for; and no holder of the
 * page can change its size under the others' mappings. */
START_TEST(test_shared_settle_protocol_errors)
{
	int fd = gofer_shared_create();
	ck_assert_int_ge(fd, 0);
	struct gofer_shared *sh = gofer_shared_map(fd);
	ck_assert_ptr_nonnull(sh);
	ck_assert_int_eq(ftruncate(fd, 0), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), -1);
	ck_assert_int_eq(errno, EPERM);
	int sv[2];
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	atomic_store(&sh->fds_sent, 1);
	atomic_store(&sh->fds_released, 2);
	ck_assert_int_eq(gofer_shared_settle(sh, sv[0]), -EPROTO);
	ck_assert_uint_eq(atomic_load(&sh->waiting), 0);
	atomic_store(&sh->fds_sent, 3);
	ck_assert_int_eq(send(sv[1], "x", 1, 0), 1);
	ck_assert_int_eq(gofer_shared_settle(sh, sv[0]), -EPROTO);
	close(sv[0]);
	close(sv[1]);
	gofer_shared_unmap(sh);
	close(fd);
}
END_TEST

/* No child of a process that maps the page has it: the guest, which the
 * sentry forks, never sees it. */
START_TEST(test_shared_not_inherited)
{
	int fd = gofer_shared_create();
	ck_assert_int_ge(fd, 0);
	struct gofer_shared *sh = gofer_shared_map(fd);
	ck_assert_ptr_nonnull(sh);
	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec;
	ck_assert_int_eq(mincore(sh, (size_t)page, &vec), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(mincore(sh, (size_t)page, &vec) < 0 && errno == ENOMEM ? 0 : 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	gofer_shared_unmap(sh);
	close(fd);
}
END_TEST

static Suite *proto_suite(void)
{
	Suite *s = suite_create("gofer");
	TCase *check = tcase_create("check");
	TCase *walks = tcase_create("walk");

	tcase_add_test(check, test_valid);
	tcase_add_test(check, test_bad_op);
	tcase_add_test(check, test_lengths);
	tcase_add_test(check, test_strings);
	tcase_add_test(check, test_empty_paths);
	tcase_add_test(check, test_fds);
	tcase_add_test(check, test_flags);
	tcase_add_test(check, test_ids);
	suite_add_tcase(s, check);

	tcase_add_checked_fixture(walks, view_setup, view_teardown);
	tcase_add_test(walks, test_walk_plain);
	tcase_add_test(walks, test_walk_dotdot_stays_in_root);
	tcase_add_test(walks, test_walk_symlinks);
	tcase_add_test(walks, test_walk_redirects);
	tcase_add_test(walks, test_walk_relative);
	tcase_add_test(walks, test_requests);
	tcase_add_test(walks, test_requests_at_start_dir);
	suite_add_tcase(s, walks);

	TCase *shared = tcase_create("shared");
	tcase_add_test(shared, test_shared_settle_waits_for_close);
	tcase_add_test(shared, test_shared_settle_gofer_gone);
	tcase_add_test(shared, test_shared_settle_protocol_errors);
	tcase_add_test(shared, test_shared_not_inherited);
	suite_add_tcase(s, shared);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
