/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer protocol: requests the sentry sends to the gofer over a
 * SOCK_SEQPACKET socket, one message per request and one per response, with
 * file descriptors passed as SCM_RIGHTS. The gofer re-validates every field. */
#ifndef RUNSC_COMMON_PROTO_H
#define RUNSC_COMMON_PROTO_H

#include <linux/magic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define GOFER_PATH_MAX	 4096
#define GOFER_MAX_GROUPS 32

/* The operations. Per op: which fields of struct gofer_req carry what
 * (arg[] by the GOFER_ARG_* slots below), and what the answer holds. */
enum gofer_op {
	GOP_OPEN = 1, /* flags: open(2) flags; mode: the new file's mode (O_CREAT,
			 O_TMPFILE); arg[GOFER_ARG_RESOLVE]; returns an fd, val:
			 GOFER_OPEN_FIFO, GOFER_OPEN_SYSFS or 0, u.st: the fd's fstat at the open
			 (its type, ids, device and link count hold) */
	GOP_STAT,     /* flags: AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH; u.st */
	GOP_STATX,    /* flags: AT_* flags; arg[GOFER_ARG_STATX_MASK]; u.stx */
	GOP_ACCESS,   /* mode: R_OK|W_OK|X_OK|F_OK, flags: AT_EACCESS|AT_SYMLINK_NOFOLLOW */
	GOP_READLINK, /* data: the link's target */
	GOP_MKDIR,    /* mode: the permission bits, the guest's umask applied; the
			 answer carries an O_PATH fd of the new directory */
	GOP_MKNOD,    /* mode: the type (S_IFREG, S_IFIFO or S_IFSOCK) and permission
			 bits, umask applied; arg[GOFER_ARG_DEV]; the answer
			 carries an O_PATH fd of the new object */
	GOP_UNLINK,   /* flags: AT_REMOVEDIR */
	GOP_RENAME,   /* path at dirfd -> path2 at dirfd2, flags: renameat2 flags */
	GOP_LINK,     /* path at dirfd -> path2 at dirfd2, flags: AT_SYMLINK_FOLLOW|AT_EMPTY_PATH */
	GOP_SYMLINK,  /* path: target text (not resolved), path2 at dirfd2: the new
			 link; the answer carries an O_PATH fd of it */
	GOP_CHMOD,    /* mode: the permission bits, flags: AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH */
	GOP_CHOWN,    /* arg[GOFER_ARG_UID], arg[GOFER_ARG_GID] (GOFER_ID_KEEP
			 keeps), flags: AT_* */
	GOP_TRUNCATE, /* arg[GOFER_ARG_LENGTH], arg[GOFER_ARG_FSIZE] */
	GOP_UTIMENS,  /* mode: GOFER_TIMES_*; with GOFER_TIMES_GIVEN
			 arg[GOFER_ARG_ATIME_SEC..GOFER_ARG_MTIME_NSEC]; flags: AT_* */
	GOP_STATFS,   /* u.sfs */
	GOP_BIND,     /* obj fd: the guest's AF_UNIX socket; path: where; mode:
			 the guest's umask (within GOFER_UMASK_BITS) */
	GOP_CONNECT,  /* obj fd: the guest's AF_UNIX socket; path: where (non-blocking);
			 arg[GOFER_ARG_PEER_TAG]; flags GOFER_CONNECT_DEST: no connect, the answer is
			 an  O_PATH fd of the socket file (a datagram's destination) */
	GOP_INOTIFY_ADD, /* obj fd: the guest's inotify fd,
			    arg[GOFER_ARG_INOTIFY_MASK]; val: the watch descriptor */
	GOP_EXEC_OPEN,	 /* open a file to execute: X permission for the caller,
			    regular file, not open for writing (ETXTBSY); returns a
			    read-only fd; data: the resolved path inside the view */
	GOP_GETXATTR,	 /* reserved: answered ENOTSUP */
	GOP_MOUNTS,	 /* no path, no fds: the answer carries a read-only fd of
			    the view's mount table, as /proc/<pid>/mountinfo
			    rows relative to the view's root (gofer/view_mounts.c) */
	GOP_OP_MAX,
};

/* gofer_req.arg[]: the slot each op's argument travels in (enum gofer_op
 * says which op takes which). */
enum gofer_arg {
	GOFER_ARG_RESOLVE = 0,	    /* GOP_OPEN: the guest's openat2(2) RESOLVE_* flags */
	GOFER_ARG_STATX_MASK = 0,   /* GOP_STATX: statx(2)'s mask */
	GOFER_ARG_DEV = 0,	    /* GOP_MKNOD: mknod(2)'s dev (no device is made) */
	GOFER_ARG_UID = 0,	    /* GOP_CHOWN: the new owner */
	GOFER_ARG_GID = 1,	    /* GOP_CHOWN: the new group */
	GOFER_ARG_LENGTH = 0,	    /* GOP_TRUNCATE: the new size */
	GOFER_ARG_FSIZE = 1,	    /* GOP_TRUNCATE: the caller's RLIMIT_FSIZE (soft) */
	GOFER_ARG_ATIME_SEC = 0,    /* GOP_UTIMENS: the access time, */
	GOFER_ARG_ATIME_NSEC = 1,   /* its nanoseconds (or UTIME_NOW, UTIME_OMIT), */
	GOFER_ARG_MTIME_SEC = 2,    /* the modification time */
	GOFER_ARG_MTIME_NSEC = 3,   /* and its nanoseconds */
	GOFER_ARG_INOTIFY_MASK = 0, /* GOP_INOTIFY_ADD: inotify_add_watch(2)'s mask */
	GOFER_ARG_PEER_TAG = 0,	    /* GOP_CONNECT: the effective gid to connect with, or 0 */
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
	uint32_t caps;	    /* the guest thread's capabilities over files that the
			       request runs with: GOFER_CAPS_FS bits (below) */
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

/* gofer_resp.val with a redirect: which of the request's paths reached it. */
#define GOFER_WHICH_ONLY  0 /* the path of an op that takes one */
#define GOFER_WHICH_PATH  1 /* path of GOP_RENAME or GOP_LINK */
#define GOFER_WHICH_PATH2 2 /* path2 of GOP_RENAME, GOP_LINK or GOP_SYMLINK */

/* gofer_resp.val of GOP_OPEN: the object is a FIFO (with -ENXIO: a
 * non-blocking writer open found no reader, and the sentry waits for one). */
#define GOFER_OPEN_FIFO 1
/* gofer_resp.val of GOP_OPEN: the object is in the sandbox's /sys (an
 * overlay that statfs(2) shows as a sysfs: gofer_statfs_as_sysfs). */
#define GOFER_OPEN_SYSFS 2

/* A statfs(2) answer of the sandbox's /sys (gofer/view_sys.c), as a sysfs
 * gives it: its own fsid and mount flags kept. */
static inline void gofer_statfs_as_sysfs(struct statfs *sfs)
{
	__fsid_t fsid = sfs->f_fsid;
	long flags = sfs->f_flags;

	memset(sfs, 0, sizeof(*sfs));
	sfs->f_type = SYSFS_MAGIC;
	sfs->f_bsize = sfs->f_frsize = 4096;
	sfs->f_namelen = 255;
	sfs->f_fsid = fsid;
	sfs->f_flags = flags;
}
/* gofer_req.flags of GOP_CONNECT: resolve and check the destination of a
 * datagram the guest sends by name, and answer an O_PATH fd of it. */
#define GOFER_CONNECT_DEST 1
/* gofer_req.mode of GOP_UTIMENS: which times to set. */
#define GOFER_TIMES_GIVEN 0 /* arg[GOFER_ARG_ATIME_SEC..]: atime and mtime as timespecs */
#define GOFER_TIMES_NOW	  1 /* utimensat(..., NULL): both to the current time */
/* GOP_CHOWN's uid or gid that leaves it as it is: chown(2)'s (uid_t)-1 and
 * (gid_t)-1, as 32 bits. */
#define GOFER_ID_KEEP 0xffffffffu
/* The guest's user namespace maps ids 0..GUEST_ID_COUNT-1 to the same host
 * ids (sentry/guest.c writes the map): every id but (uid_t)-1, which no
 * file, process or request may hold, as in the host's own namespace. The
 * guest's root is the host's root, whose ids these already are. */
#define GUEST_ID_COUNT 4294967295u
#define GUEST_ID_MAX   (GUEST_ID_COUNT - 1u)
/* gofer_req.caps: the capabilities that decide file operations, as bits
 * of their capability numbers (1 << CAP_CHOWN ...): CAP_CHOWN,
 * CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER and CAP_FSETID, the
 * set the kernel clears and restores with the fsuid. The gofer serves the
 * request with these of its own capabilities and no others. */
#define GOFER_CAPS_FS 0x1fu
/* gofer_req.mode of GOP_BIND: the bits a umask holds. */
#define GOFER_UMASK_BITS 0777u

struct gofer_resp {
	int32_t err; /* 0 or -errno */
	uint32_t redirect;
	int64_t val; /* GOP_OPEN: GOFER_OPEN_FIFO; GOP_INOTIFY_ADD: the watch
			descriptor; a redirect: GOFER_WHICH_* */
	union {
		struct stat st;
		struct statx stx;
		struct statfs sfs;
	} u;
	uint32_t data_len; /* bytes in data, without a NUL */
	uint32_t rule;	   /* a refusal by the policy: gofer_rule_of(the rule's index);
			      GOFER_RULE_NONE otherwise */
	char data[GOFER_PATH_MAX];
};
#define GOFER_RESP_HDR_SIZE (offsetof(struct gofer_resp, data))
/* An answer that carries an fd is counted in the page the gofer shares
 * with its client, and so is the gofer's close of its own copy after the
 * send (common/gofer_shared.h): the client answers the guest only once the
 * two counts agree, so that the guest's close of the file is the last one
 * (close events, OFD locks, exec's ETXTBSY). */

/* GOP_UNLINK and GOP_RENAME answered 0 carry in data what their names
 * named just before (lstat): the source, then for a rename the object the
 * target name held, if any. GOP_CHMOD and GOP_CHOWN answered 0 carry the
 * object they changed (after the change). The sentry's dentry cache forgets these objects
 * (and, for directories and symlinks, the paths through them: see
 * sentry/dcache.h); an answer without them (data_len 0) makes it forget
 * everything. */
struct gofer_gone {
	uint64_t dev, ino;
	uint32_t mode;	/* GOP_CHMOD: with the set-id bits the guest keeps (setid.h) */
	uint32_t nlink; /* its link count (before an unlink or rename) */
	uint32_t gid;
	uint32_t pad;
};
#define GOFER_GONE_MAX 2

/* gofer_resp.rule names a policy rule as 1 + its index, so that the zeroed
 * answer's 0 says that no rule refused. */
#define GOFER_RULE_NONE 0u
static inline uint32_t gofer_rule_of(uint32_t rule_index)
{
	return rule_index + 1;
}
/* The index of the rule a gofer_resp.rule other than GOFER_RULE_NONE names. */
static inline uint32_t gofer_rule_index(uint32_t rule)
{
	return rule - 1;
}

/* Checks a request as received: op known, lengths in bounds, strings
 * NUL-terminated and free of embedded NULs, flags within what the op takes,
 * the fd count matching fd_mask, ids within the sandbox's mapped range,
 * caps within GOFER_CAPS_FS.
 * Returns 0 or a negative errno to send back. Pure: no system calls. */
int gofer_req_check(const struct gofer_req *req, size_t len, int nfds);

#endif
