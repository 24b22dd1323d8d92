/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of a gofer request as received, before anything acts on it.
 * The sentry is trusted to send well-formed requests, but the gofer is the
 * process that holds the host's files: like bubblewrap's privileged half, it
 * re-checks every field. Pure: no system calls, so the unit tests cover it
 * completely. */
#include "common/proto.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

/* The kernel's O_LARGEFILE: 0 in the headers of 64-bit libcs, and set by
 * the kernel itself on every open there. */
#define KERNEL_O_LARGEFILE 0100000
#define OPEN_FLAGS                                                                             \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | \
	 O_SYNC | O_DIRECT | KERNEL_O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME |       \
	 O_CLOEXEC | O_PATH | O_TMPFILE | FASYNC)
#define RESOLVE_FLAGS                                                                      \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)
/* O_TMPFILE without the O_DIRECTORY bit it includes. */
#define TMPFILE_BIT   (O_TMPFILE & ~O_DIRECTORY)
#define AT_STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)
#define INOTIFY_MASK                                                                               \
	(IN_ALL_EVENTS | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_ONESHOT | IN_ONLYDIR | \
	 IN_MASK_CREATE)

enum { PATH1 = 0x1, PATH2 = 0x2, EMPTY_OK = 0x4, NO_PATH = 0x8 };

struct op_rule {
	uint32_t flags;	  /* flag bits the op takes */
	uint8_t paths;	  /* PATH1, PATH2: which are required; EMPTY_OK: path with AT_EMPTY_PATH;
			     NO_PATH: neither path may be given */
	uint8_t fds_ok;	  /* fd_mask bits allowed */
	uint8_t fds_need; /* fd_mask bits required */
};

static const struct op_rule op_rules[GOP_OP_MAX] = {
	[GOP_OPEN] = {OPEN_FLAGS, PATH1, GOFER_FD_DIR, 0},
	[GOP_STAT] = {AT_STAT_FLAGS, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_STATX] = {AT_STAT_FLAGS | AT_STATX_SYNC_TYPE, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_ACCESS] = {AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, PATH1 | EMPTY_OK,
			GOFER_FD_DIR, 0},
	[GOP_READLINK] = {AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_MKDIR] = {0, PATH1, GOFER_FD_DIR, 0},
	[GOP_MKNOD] = {0, PATH1, GOFER_FD_DIR, 0},
	[GOP_UNLINK] = {AT_REMOVEDIR, PATH1, GOFER_FD_DIR, 0},
	[GOP_RENAME] = {RENAME_NOREPLACE | RENAME_EXCHANGE, PATH1 | PATH2,
			GOFER_FD_DIR | GOFER_FD_DIR2, 0},
	[GOP_LINK] = {AT_SYMLINK_FOLLOW | AT_EMPTY_PATH, PATH1 | PATH2 | EMPTY_OK,
		      GOFER_FD_DIR | GOFER_FD_DIR2, 0},
	[GOP_SYMLINK] = {0, PATH1 | PATH2, GOFER_FD_DIR2, 0},
	[GOP_CHMOD] = {AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_CHOWN] = {AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_TRUNCATE] = {0, PATH1, GOFER_FD_DIR, 0},
	[GOP_UTIMENS] = {AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_STATFS] = {AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_BIND] = {0, PATH1, GOFER_FD_DIR | GOFER_FD_OBJ, GOFER_FD_OBJ},
	[GOP_CONNECT] = {GOFER_CONNECT_DEST, PATH1, GOFER_FD_DIR | GOFER_FD_OBJ, GOFER_FD_OBJ},
	[GOP_INOTIFY_ADD] = {0, PATH1, GOFER_FD_DIR | GOFER_FD_OBJ, GOFER_FD_OBJ},
	[GOP_EXEC_OPEN] = {AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_GETXATTR] = {AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, PATH1 | EMPTY_OK, GOFER_FD_DIR, 0},
	[GOP_MOUNTS] = {0, NO_PATH, 0, 0},
};

/* A string field of len bytes (including its NUL) at s: NUL-terminated, no
 * NUL inside. */
static bool string_ok(const char *s, uint32_t len)
{
	if (len == 0 || s[len - 1] != '\0')
		return false;
	return memchr(s, '\0', len - 1) == NULL;
}

static bool id_ok(uint64_t id, bool keep_ok)
{
	if (keep_ok && id == GOFER_ID_KEEP)
		return true;
	return id <= GUEST_ID_MAX;
}

static int check_ids(const struct gofer_req *req)
{
	if (!id_ok(req->uid, false) || !id_ok(req->gid, false))
		return -EINVAL;
	if (req->ngroups > GOFER_MAX_GROUPS || (req->caps & ~GOFER_CAPS_FS))
		return -EINVAL;
	for (uint32_t i = 0; i < req->ngroups; i++)
		if (!id_ok(req->groups[i], false))
			return -EINVAL;
	return 0;
}

static int popcount3(uint32_t mask)
{
	return !!(mask & 1) + !!(mask & 2) + !!(mask & 4);
}

static int check_fds(const struct gofer_req *req, const struct op_rule *rule, int nfds)
{
	if (req->fd_mask & ~(uint32_t)rule->fds_ok)
		return -EPROTO;
	if ((req->fd_mask & rule->fds_need) != rule->fds_need)
		return -EPROTO;
	if (nfds != popcount3(req->fd_mask))
		return -EPROTO;
	return 0;
}

static bool nsec_ok(uint64_t nsec)
{
	return nsec < 1000000000u || nsec == UTIME_NOW || nsec == UTIME_OMIT;
}

static int check_inotify_mask(uint64_t mask)
{
	if (mask > UINT32_MAX || (mask & ~(uint64_t)INOTIFY_MASK))
		return -EINVAL;
	if (!(mask & IN_ALL_EVENTS))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	return 0;
}

/* The mode field and the op-specific arguments. */
static int check_args(const struct gofer_req *req)
{
	uint32_t type;
	uint64_t resolve;

	switch (req->op) {
	case GOP_OPEN:
		if ((req->flags & O_ACCMODE) == O_ACCMODE)
			return -EINVAL;
		if ((req->flags & (O_CREAT | TMPFILE_BIT)) && (req->mode & ~07777u))
			return -EINVAL;
		resolve = req->arg[GOFER_ARG_RESOLVE];
		if (resolve & ~(uint64_t)RESOLVE_FLAGS)
			return -EINVAL;
		if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
			return -EINVAL;
		return 0;
	case GOP_STATX:
		if ((req->flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
			return -EINVAL;
		if (req->arg[GOFER_ARG_STATX_MASK] > UINT32_MAX ||
		    (req->arg[GOFER_ARG_STATX_MASK] & STATX__RESERVED))
			return -EINVAL;
		return 0;
	case GOP_ACCESS:
		return (req->mode & ~(uint32_t)(R_OK | W_OK | X_OK)) ? -EINVAL : 0;
	case GOP_MKDIR:
	case GOP_CHMOD:
		return (req->mode & ~07777u) ? -EINVAL : 0;
	case GOP_MKNOD:
		if (req->mode & ~(S_IFMT | 07777u))
			return -EINVAL;
		type = req->mode & S_IFMT;
		if (type == S_IFCHR || type == S_IFBLK)
			return -EPERM;
		if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
			return -EINVAL;
		return 0;
	case GOP_RENAME:
		if ((req->flags & RENAME_EXCHANGE) && (req->flags & RENAME_NOREPLACE))
			return -EINVAL;
		return 0;
	case GOP_CHOWN:
		if (!id_ok(req->arg[GOFER_ARG_UID], true) || !id_ok(req->arg[GOFER_ARG_GID], true))
			return -EINVAL;
		return 0;
	case GOP_TRUNCATE:
		return req->arg[GOFER_ARG_LENGTH] > INT64_MAX ? -EINVAL : 0;
	case GOP_BIND:
		return (req->mode & ~GOFER_UMASK_BITS) ? -EINVAL : 0; /* the guest's umask */
	case GOP_UTIMENS:
		if (req->mode != GOFER_TIMES_GIVEN && req->mode != GOFER_TIMES_NOW)
			return -EINVAL;
		if (req->mode == GOFER_TIMES_GIVEN && (!nsec_ok(req->arg[GOFER_ARG_ATIME_NSEC]) ||
						       !nsec_ok(req->arg[GOFER_ARG_MTIME_NSEC])))
			return -EINVAL;
		return 0;
	case GOP_INOTIFY_ADD:
		return check_inotify_mask(req->arg[GOFER_ARG_INOTIFY_MASK]);
	case GOP_CONNECT:
		/* A gid, not (gid_t)-1 ("unchanged"). */
		return req->arg[GOFER_ARG_PEER_TAG] >= UINT32_MAX ? -EINVAL : 0;
	default:
		return 0;
	}
}

/* Which strings the request carries, and whether they may be empty. */
static int check_paths(const struct gofer_req *req, const struct op_rule *rule)
{
	const char *path = req->data;
	const char *path2 = req->data + req->path_len;

	if (rule->paths & NO_PATH)
		return req->path_len || req->path2_len ? -EPROTO : 0;
	if (!(rule->paths & PATH2) && req->path2_len != 0)
		return -EPROTO;
	if (req->path_len == 0 || ((rule->paths & PATH2) && req->path2_len == 0))
		return -EPROTO;
	if (!string_ok(path, req->path_len))
		return -EPROTO;
	if (req->path2_len && !string_ok(path2, req->path2_len))
		return -EPROTO;
	if (req->path2_len == 1)
		return -ENOENT;
	if (req->path_len > 1)
		return 0;
	/* An empty path: the object is the fd, if the op and its flags say so. */
	if (req->op == GOP_SYMLINK || !(rule->paths & EMPTY_OK))
		return -ENOENT;
	/* readlinkat(2) takes an empty path without a flag. */
	if (req->op != GOP_READLINK && !(req->flags & AT_EMPTY_PATH))
		return -ENOENT;
	if (!(req->fd_mask & GOFER_FD_DIR))
		return -EBADF;
	return 0;
}

int gofer_req_check(const struct gofer_req *req, size_t len, int nfds)
{
	if (len < GOFER_REQ_HDR_SIZE)
		return -EPROTO;
	if (req->op == 0 || req->op >= GOP_OP_MAX)
		return -ENOSYS;
	if (req->path_len > GOFER_PATH_MAX || req->path2_len > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	if (len != GOFER_REQ_HDR_SIZE + (size_t)req->path_len + req->path2_len)
		return -EPROTO;

	const struct op_rule *rule = &op_rules[req->op];
	int r = check_fds(req, rule, nfds);
	if (r < 0)
		return r;
	r = check_ids(req);
	if (r < 0)
		return r;
	if (req->flags & ~rule->flags)
		return -EINVAL;
	r = check_args(req);
	if (r < 0)
		return r;
	return check_paths(req, rule);
}
