/* SPDX-License-Identifier: Apache-2.0 */
/* The gofer: the only process of a sandbox that touches host paths. It builds
 * the sandbox's file view in a mount namespace of its own, pivot_roots into
 * it, locks itself down with a seccomp filter and then serves the sentry's
 * requests (common/proto.h), one SOCK_SEQPACKET message each.
 *
 * Request semantics that go beyond the comments in common/proto.h:
 *
 * - Credentials: each request runs with the guest thread's supplementary
 *   groups, fsgid and fsuid (setgroups, setfsgid, setfsuid), so permission
 *   checks and the owner of new files match Linux for that user. The gofer's
 *   umask is 0: modes in requests are final, the sentry applies the guest's
 *   umask. GOP_ACCESS always checks with the ids in the request (AT_EACCESS
 *   semantics): for access(2) the sentry puts the real ids there. The ids
 *   stay in force between requests (the gofer then only receives and sends
 *   messages) until a request needs others. GOP_CONNECT also switches the
 *   effective ids, so SO_PEERCRED of the peer reports the guest's uid and
 *   gid (its pid is the gofer's).
 * - Paths are resolved inside the view only: relative to the dirfd (or to the
 *   view's root when the request has none), absolute paths and ".." bounded
 *   by the view's root, no magic links. A trailing slash, ".", ".." and
 *   final symlinks behave as on Linux ("/proc/.." is "/"). Every dirfd must be a directory on a
 *   view mount; with AT_EMPTY_PATH and an empty path any fd but procfs and
 *   nsfs ones is accepted and is itself the object.
 * - Redirects: a walk that enters /proc or reaches /dev/tty stops there and
 *   answers err 0, redirect GOFER_REDIR_PROC or GOFER_REDIR_TTY, data = the
 *   rest of the path below that point with the symlinks before it already
 *   expanded ("/dev/fd/3" gives PROC "self/fd/3"). For the two-path
 *   operations, val says which path was redirected (GOFER_WHICH_*).
 * - GOP_OPEN never blocks the gofer. Every open is made with O_NONBLOCK. A
 *   FIFO is answered with val = GOFER_OPEN_FIFO and an fd that keeps O_NONBLOCK: when the
 *   guest did not ask for it, the sentry waits for the peer (readers) and then
 *   clears the flag. An O_WRONLY open of a FIFO without a reader answers
 *   -ENXIO with val = GOFER_OPEN_FIFO ("FIFO, retry later"). For every other file the
 *   returned fd has the guest's own O_NONBLOCK setting. A file with a lease
 *   another process holds answers -EWOULDBLOCK instead of waiting for the
 *   lease break. An empty path is ENOENT, as for open(2).
 * - GOP_OPEN flags are open(2) flags; unknown bits are EINVAL (the sentry
 *   masks what open(2) ignores). O_CLOEXEC and O_NOCTTY are implied.
 *   arg[GOFER_ARG_RESOLVE] holds the guest's openat2(2) RESOLVE_* flags, applied as Linux does;
 *   RESOLVE_BENEATH and RESOLVE_IN_ROOT bound even absolute paths by the
 *   dirfd.
 * - GOP_TRUNCATE acts by name (truncate(2)): no open, Linux's errors.
 * - GOP_READLINK with AT_EMPTY_PATH and an empty path on a directory fd
 *   answers the directory's absolute path inside the view (for getcwd); on a
 *   symlink fd, its target.
 * - GOP_STATFS accepts AT_EMPTY_PATH (fstatfs of the fd).
 * - GOP_BIND: mode is the guest's umask, applied to the socket file.
 * - GOP_MKNOD creates FIFOs, regular files and socket files; device nodes are
 *   EPERM.
 * - GOP_EXEC_OPEN: follows symlinks (unless AT_SYMLINK_NOFOLLOW), requires a
 *   regular file (EACCES), execute permission for the request's ids (EACCES;
 *   root needs one x bit), a mount without noexec (EACCES) and no writer
 *   (ETXTBSY, checked with a read lease). The fd is opened read-only by the
 *   gofer itself, so execute-only files load; data is the file's absolute
 *   path inside the view. With AT_EMPTY_PATH and an empty path the object is
 *   the request's fd: the answer is a duplicate of it (sharing its offset:
 *   load with pread/mmap) when it is readable, EACCES when it is not (an
 *   O_PATH fd cannot be reopened without procfs).
 * - GOP_INOTIFY_ADD follows a final symlink unless its mask has IN_DONT_FOLLOW.
 * - GOP_GETXATTR answers -ENOTSUP.
 * - GOP_MOUNTS answers a duplicate of mounts_fd (the sentry reads it with
 *   pread: the offset is shared), -ENOENT without one.
 * - The policy (gofer_config.policy): every request is decided on the path
 *   of its object as resolved inside the view, so "..", symlinks, an fd
 *   reopened by name and paths relative to a dirfd all meet the rule of the
 *   object they reach. That path is the kernel's d_path of the object's fd,
 *   read as readlinkat(host_procfd, "self/fd/N"): host_procfd is the host's
 *   /proc opened before pivot_root, used for that readlink only (no walk of
 *   a request ever starts there), and after pivot_root d_path is relative to
 *   the view's root. A name about to be created is its parent's path, "/"
 *   and the last component. Hidden (a hidden rule on the path or an
 *   ancestor): ENOENT. access none: EACCES for anything but stat, statx,
 *   statfs and O_PATH opens (visible, not readable). access read: EACCES for
 *   every request that writes: an open for writing or with O_TRUNC, an open
 *   that creates, mkdir, mknod, unlink, rmdir, rename and link (both
 *   names), symlink, chmod, chown, utimens, truncate, bind and connect (a
 *   write to the socket, as Linux checks it). Renaming a directory also
 *   needs that no rule other than write (and no hidden rule) can apply below
 *   either name, unless a later write rule covers the whole subtree.
 *   GOP_EXEC_OPEN needs read. A refusal by the policy sets resp.rule to
 *   gofer_rule_of(the rule's index) (GOFER_RULE_NONE when no rule decided:
 *   a path that is not canonical).
 *   Without a policy none of this runs.
 * - Learning (gofer_config.learn, for `runsc-c policy learn`): every access
 *   the policy allows for reading or writing (not stat) appends one JSON
 *   line to learn_fd: {"source": "gofer", "object": PATH, "access": "read"
 *   or "write", "decision": "allow"}, PATH as resolved inside the view and
 *   escaped as the sentry's audit records are (a PATH that is not valid
 *   UTF-8 adds "object_invalid_utf8": true).
 */
#ifndef RUNSC_GOFER_GOFER_H
#define RUNSC_GOFER_GOFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/gofer_shared.h"
#include "common/path_masks.h"
#include "common/proto.h"

/* A volume of the view: a bind of a host path, or (host NULL, tmpfs set)
 * a tmpfs instance of its own, as config.json's tmpfs mounts are. */
struct gofer_volume {
	const char *host;
	const char *guest;
	bool ro;
	const struct gofer_tmpfs *tmpfs;
};

/* A tmpfs volume: what the mount table shows as its source, the options
 * its file system takes (fsconfig keys and values, checked by whoever
 * made them: size, nr_inodes, nr_blocks, mode, uid, gid, huge, mpol, and
 * the flags inode64 and inode32 with a NULL value) and its mount's
 * MOUNT_ATTR_* flags (ro, nosuid, nodev, noexec, the atime ones). Its
 * pages are the gofer's and the guest's writes, so they count against the
 * sandbox's memory cgroup as the writable layer's do. */
#define GOFER_TMPFS_OPTS 9
struct gofer_tmpfs {
	const char *source;
	struct {
		const char *key;
		const char *value;
	} opts[GOFER_TMPFS_OPTS];
	size_t nopts;
	uint64_t attrs;
};

struct policy_view;

struct gofer_config {
	const char *rootfs;	/* host directory; "/" means the host's root */
	bool root_readonly;	/* the root refuses writes (EROFS); volumes as given */
	bool hide_host_secrets; /* true for the host's root */
	const struct gofer_volume *volumes;
	size_t nvolumes;
	/* Masked and read-only paths (common/path_masks.h); those of /proc
	 * are the sentry's and left alone here. */
	struct path_masks masks;
	uint64_t upper_size; /* bytes of the private writable layer (tmpfs); 0: 64 MiB */
	int sock;	     /* SOCK_SEQPACKET to the sentry */
	int ready_fd;	     /* "" then close when serving; else one line "what: why", exit 1 */
	/* The page shared with the gofer's client (common/gofer_shared.h),
	 * mapped. */
	struct gofer_shared *shared;
	/* The compiled policy (policy/policy.h), or NULL: no rules. */
	const struct policy_view *policy;
	/* With a policy: record allowed accesses to learn_fd (see above). */
	bool learn;
	int learn_fd;
	/* An mqueue file system at /dev/mqueue: the gofer's IPC namespace's,
	 * which is the guest's (sandbox/sandbox.c). */
	bool mqueue;
	/* The directory of the host's shared /sys trees (view_sys_cache.c),
	 * or NULL: the sandbox's /sys is its own. */
	const char *sys_cache;
	/* The options and flags of /dev/shm (an OCI config's tmpfs there), or
	 * NULL: the sandbox's own (nosuid, nodev, mode 1777, sized as the
	 * writable layer). */
	const struct gofer_tmpfs *shm;
	/* The options and flags of /dev (an OCI config's tmpfs there: /dev is
	 * then that tmpfs, writable unless it says ro), or NULL: the sandbox's
	 * own, read-only. */
	const struct gofer_tmpfs *dev;
	/* /dev/core links to /proc/kcore, as runc and crun make it in a
	 * container's /dev (a host's /dev, which `runsc-c do` mirrors, may
	 * have none). */
	bool dev_core;
};

/* Builds the view, applies the gofer's seccomp filter and serves requests
 * until the sentry closes the socket (exit 0). Runs in a forked child. */
_Noreturn void gofer_main(const struct gofer_config *cfg);

/* ---- Inside the gofer (its sources and the unit tests) ---- */

/* What the serving side knows about the view. */
struct gofer_state {
	int root_fd; /* the view's root (O_PATH) */
	/* The process root is the view's root: relative fast-path lookups may
	 * rely on it to bound ".." and absolute symlinks. False in unit tests,
	 * where the view is a plain directory. */
	bool root_is_process_root;
	struct gofer_ident {
		bool valid;
		dev_t dev;
		ino_t ino;
	} root, proc, tty, devdir, sysdir; /* "/", "/proc", "/dev/tty", "/dev", "/sys" */
	dev_t *view_devs;		   /* st_dev of every mount of the view */
	size_t nview_devs;
	/* Mount ids (statx STATX_MNT_ID) of the view's mounts: a directory
	 * of the host's own mount of a file system the view also mounts has
	 * a view st_dev, but lies outside the view. */
	uint64_t *view_mnts;
	size_t nview_mnts;
	/* Credentials (see gofer/creds.c): the request's, and the fs ids
	 * currently in force; the request's capabilities over files
	 * (GOFER_CAPS_FS bits), those of them in the gofer's effective set
	 * now, and its permitted and inheritable sets (bit N: capability N). */
	uint32_t uid, gid;
	uint32_t fs_uid, fs_gid;
	uint32_t caps, fs_caps;
	uint64_t cap_permitted, cap_inheritable;
	bool groups_set; /* groups[] is what the kernel has */
	uint32_t ngroups;
	uint32_t groups[GOFER_MAX_GROUPS];
	/* The compiled policy, or NULL; with one, host_procfd is the host's
	 * /proc (O_PATH), read only as self/fd/N (see the top of this file). */
	const struct policy_view *policy;
	int host_procfd;
	/* The lock of the host's shared /sys tree the view shows
	 * (gofer/view_sys_cache.c), held shared for the gofer's life so that
	 * no start removes the tree while this sandbox shows it; or -1. An
	 * empty regular file opened read-only: no way into host directories. */
	int sys_lock_fd;
	bool learn; /* gofer_config.learn: allowed accesses go to learn_fd */
	int learn_fd;
	/* The request's dirfd as check_dirfd found it, so that the walk
	 * starting there needs no fstat of its own: valid for the request
	 * being served only (gofer_handle clears it), while its fds stay
	 * open and their numbers name the same files. */
	int checked_fd; /* -1: none */
	struct stat checked_st;
	/* The view's mount table (gofer/view_mounts.c), a sealed memfd that
	 * GOP_MOUNTS hands out; -1 when there is no view (unit tests). */
	int mounts_fd;
};

/* gofer/view.c: builds the view and pivot_roots into it. Fills st (root_fd,
 * redirect inodes, view mounts). On failure returns -errno and writes "what
 * failed: why" into err. */
int gofer_view_build(const struct gofer_config *cfg, struct gofer_state *st, char *err,
		     size_t err_size);

/* gofer/view_state.c */
/* Sets root_fd (owned by st) and reads the identities of the root, "proc",
 * "dev" and "dev/tty" below it (those missing never match). */
int gofer_state_init(struct gofer_state *st, int root_fd, bool root_is_process_root);
/* Records the st_dev of a mount of the view (for dirfd validation). */
void gofer_state_add_dev(struct gofer_state *st, dev_t dev);
/* Records the mount of the view that path (absolute, or relative to dir_fd)
 * is on, with its st_dev (for dirfd validation). */
int gofer_state_add_mount(struct gofer_state *st, int dir_fd, const char *path);

/* gofer/dispatch.c: answers one request as received (len bytes, fds in
 * fd_mask order; they stay owned by the caller). Fills resp; *fd_out
 * receives an fd to send back or -1. Returns the number of bytes of resp to
 * send. */
size_t gofer_handle(struct gofer_state *st, const struct gofer_req *req, size_t len, const int *fds,
		    int nfds, struct gofer_resp *resp, int *fd_out);

/* The path walk (gofer/walk.h) and the request handlers (gofer/request.h)
 * have headers of their own. */

/* gofer/self_filter.c: the gofer's own seccomp filter, installed after the
 * view is built. Returns 0 or -errno. */
int gofer_self_filter_apply(void);
/* Writes the filter as BPF to fd (for the build, which embeds it). */
int gofer_self_filter_export(int fd);
/* The allowlist, for reports: name and reason of entry i, false past the end. */
bool gofer_self_filter_entry(size_t i, const char **name, const char **why);

#endif
