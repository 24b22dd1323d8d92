/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer protocol: requests the sentry sends to the gofer over a
 * SOCK_SEQPACKET socket, one message per request and one per response, with
 * file descriptors passed as SCM_RIGHTS. The gofer re-validates every field. */
#ifndef RUNSC_COMMON_PROTO_H
#define RUNSC_COMMON_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define GOFER_PATH_MAX	 4096
#define GOFER_MAX_GROUPS 32

enum gofer_op {
	GOP_OPEN = 1, /* flags: open(2) flags, mode; returns an fd */
	GOP_STAT,     /* flags: AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH; u.st */
	GOP_STATX,    /* flags: AT_* flags, arg[0]: statx mask; u.stx */
	GOP_ACCESS,   /* mode: R_OK|W_OK|X_OK|F_OK, flags: AT_EACCESS|AT_SYMLINK_NOFOLLOW */
	GOP_READLINK, /* data: the link's target */
	GOP_MKDIR,    /* mode */
	GOP_MKNOD,    /* mode (S_IFIFO or S_IFREG only), arg[0]: dev */
	GOP_UNLINK,   /* flags: AT_REMOVEDIR */
	GOP_RENAME,   /* path at dirfd -> path2 at dirfd2, flags: renameat2 flags */
	GOP_LINK,     /* path at dirfd -> path2 at dirfd2, flags: AT_SYMLINK_FOLLOW|AT_EMPTY_PATH */
	GOP_SYMLINK,  /* path: target text (not resolved), path2 at dirfd2: the new link */
	GOP_CHMOD,    /* mode, flags: AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH */
	GOP_CHOWN,    /* arg[0]: uid, arg[1]: gid ((uint32)-1 keeps), flags: AT_* */
	GOP_TRUNCATE, /* arg[0]: length */
	GOP_UTIMENS,  /* arg[0..3]: atime sec, nsec, mtime sec, nsec; flags: AT_*;
			 mode GOFER_TIMES_NOW: NULL times */
	GOP_STATFS,   /* u.sfs */
	GOP_BIND,     /* obj fd: the guest's AF_UNIX socket; path: where */
	GOP_CONNECT,  /* obj fd: the guest's AF_UNIX socket; path: where (non-blocking) */
	GOP_INOTIFY_ADD, /* obj fd: the guest's inotify fd, arg[0]: mask; val: wd */
	GOP_EXEC_OPEN,	 /* open a file to execute: X permission for the caller,
			    regular file, not open for writing (ETXTBSY); returns a
			    read-only fd; data: the resolved path inside the view */
	GOP_GETXATTR,	 /* reserved: answered ENOTSUP */
	GOP_OP_MAX,
};

/* Which fds accompany a request, in this order. */
#define GOFER_FD_DIR  0x1 /* base directory (or object for AT_EMPTY_PATH) of path */
#define GOFER_FD_DIR2 0x2 /* base directory of path2 */
#define GOFER_FD_OBJ  0x4 /* socket or inotify fd the operation acts on */

struct gofer_req {
	uint32_t op;
	uint32_t flags;
	uint32_t mode;
	uint32_t uid; /* fsuid of the guest thread, as seen on the host */
	uint32_t gid; /* fsgid */
	uint32_t ngroups;
	uint32_t groups[GOFER_MAX_GROUPS];
	uint32_t fd_mask;
	uint32_t path_len;  /* bytes of path including its NUL; 0 when absent */
	uint32_t path2_len; /* bytes of path2 including its NUL; 0 when absent */
	uint32_t pad;
	uint64_t arg[4];
	char data[2 * GOFER_PATH_MAX]; /* path, then path2 */
};
#define GOFER_REQ_HDR_SIZE (offsetof(struct gofer_req, data))

/* The path crossed into a tree the sentry synthesizes; data holds the rest of
 * the path below that point (possibly empty). */
enum gofer_redirect {
	GOFER_REDIR_NONE = 0,
	GOFER_REDIR_PROC = 1, /* /proc */
	GOFER_REDIR_TTY = 2,  /* /dev/tty */
};

/* gofer_resp.val of GOP_OPEN: the object is a FIFO (with -ENXIO: a
 * non-blocking writer open found no reader, and the sentry waits for one). */
#define GOFER_OPEN_FIFO 1
/* gofer_req.mode of GOP_UTIMENS: which times to set. */
#define GOFER_TIMES_GIVEN 0 /* arg[0..3]: atime and mtime as timespecs */
#define GOFER_TIMES_NOW	  1 /* utimensat(..., NULL): both to the current time */

struct gofer_resp {
	int32_t err; /* 0 or -errno */
	uint32_t redirect;
	int64_t val;
	union {
		struct stat st;
		struct statx stx;
		struct statfs sfs;
	} u;
	uint32_t data_len; /* bytes in data, without a NUL */
	uint32_t rule;	   /* a refusal by the policy: 1 + the rule's index; 0 otherwise */
	char data[GOFER_PATH_MAX];
};
#define GOFER_RESP_HDR_SIZE (offsetof(struct gofer_resp, data))

/* Checks a request as received: op known, lengths in bounds, strings
 * NUL-terminated and free of embedded NULs, flags within what the op takes,
 * the fd count matching fd_mask, ids within the sandbox's mapped range.
 * Returns 0 or a negative errno to send back. Pure: no system calls. */
int gofer_req_check(const struct gofer_req *req, size_t len, int nfds);

#endif
