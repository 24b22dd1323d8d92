/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's /proc tree without its system calls: walking a path over the
 * synthesized nodes, the tables of entries, and the text of the files the
 * sentry writes itself. Pure (no system calls), so unit tests drive it with
 * a fake world; sentry/procfs_world.c supplies the real one. The walk is in
 * procfs_path.c, the text in procfs_text.c. */
#ifndef RUNSC_SENTRY_PROCFS_H
#define RUNSC_SENTRY_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/path_masks.h"

/* Longest path of a node below /proc ("12/task/13/fdinfo/7"). */
#define PROCFS_NODE_PATH 256
/* Linux's MAXSYMLINKS: links followed in one walk. */
#define PROCFS_MAX_LINKS 40
/* Nodes on a walk's stack: /proc, <pid>, task, <tid>, net, ... */
#define PROCFS_MAX_DEPTH 12
/* Prefix of the name of the memfds that hold the sentry's /proc files; the
 * name goes on with the file's /proc path ("/proc/12/status"), so that
 * readlink of /proc/<pid>/fd/N and a reopen through it find the file again. */
#define PROCFS_MEMFD_PREFIX "runsc-proc:"

enum pn_type {
	PT_DIR = 1,
	PT_REG,
	PT_LNK,
};

/* What an entry of the tables is and where its content comes from. */
enum pe_what {
	/* /proc/<name> */
	PW_HOST,	/* the host's procfs file, as is */
	PW_LOADAVG,	/* the host's, with the guest's thread counts */
	PW_VERSION,	/* synthesized: the runsc-c kernel release */
	PW_CMDLINE,	/* synthesized boot command line */
	PW_SWAPS,	/* synthesized: no swap */
	PW_MEMINFO,	/* the host's, with the guest's memory cgroup's numbers */
	PW_SELF,	/* link to "<tgid>" */
	PW_THREAD_SELF, /* link to "<tgid>/task/<tid>" */
	PW_TEXT_LINK,	/* link with fixed text (pent.text) */
	PW_SYS_DIR,	/* sys/ and the directories below it */
	/* /proc/sys/<path> (besides PW_HOST: the host's file at that path) */
	PW_SYS_HOSTNAME,     /* the sandbox's host name */
	PW_SYS_DOMAINNAME,   /* the sandbox's NIS domain name */
	PW_SYS_SET,	     /* a sysctl the config set: pent.text, read back */
	PW_SYS_OSRELEASE,    /* the runsc-c kernel release, as uname says */
	PW_SYS_OSTYPE,	     /* "Linux" */
	PW_SYS_CORE_PATTERN, /* the kernel's default: the host's names a host path or program */
	/* /proc/<pid>/<name> */
	PW_GUEST,      /* the guest procfs's file, as is */
	PW_PAGEMAP,    /* the guest procfs's pagemap, frame numbers cleared */
	PW_CGROUP,     /* synthesized: "0::/" */
	PW_MOUNTS,     /* synthesized mount table */
	PW_MOUNTINFO,  /* synthesized mount table */
	PW_EXE,	       /* link: the exe path the sentry recorded at exec */
	PW_CWD,	       /* link: the task's cwd in the view */
	PW_ROOT,       /* link: "/" */
	PW_FD_DIR,     /* fd/ */
	PW_FDINFO_DIR, /* fdinfo/ */
	PW_TASK_DIR,   /* task/ */
	PW_NET_DIR,    /* net/, every node below it from the guest procfs */
};

#define PE_PTRACE    0x1 /* reading it needs ptrace access to the process */
#define PE_TGID_ONLY 0x2 /* absent from task/<tid>/ */

struct pent {
	const char *name;
	enum pn_type type;
	enum pe_what what;
	unsigned int flags;
	const char *text; /* PW_TEXT_LINK; PW_SYS_SET: the value */
};

extern const struct pent procfs_top_entries[];
extern const size_t procfs_top_count;
extern const struct pent procfs_pid_entries[];
extern const size_t procfs_pid_count;
/* /proc/sys: names are paths below it ("kernel/pid_max"), parents first. */
extern const struct pent procfs_sys_entries[];
extern const size_t procfs_sys_count;

enum pn_kind {
	PN_ROOT,   /* /proc */
	PN_TOP,	   /* /proc/<name>, ent set */
	PN_PID,	   /* /proc/<pid>, or /proc/<pid>/task/<tid> when tid != 0 */
	PN_ENTRY,  /* an entry of procfs_pid_entries below a PN_PID, ent set */
	PN_FD,	   /* .../fd/<n>: a link */
	PN_FDINFO, /* .../fdinfo/<n> */
	PN_NET,	   /* a node below .../net/ */
	PN_SYS,	   /* a node below /proc/sys/, ent set */
	PN_MASKED, /* a masked path (procfs_world.masks): an empty directory,
		    * or a file that is the null device; ent NULL */
};

/* One node of the tree. Its path is also where the guest's procfs (for
 * per-process nodes) and the sentry's mirror tmpfs hold it. */
struct pnode {
	enum pn_kind kind;
	enum pn_type type;
	const struct pent *ent;
	pid_t pid;     /* the number of /proc/<pid>, guest numbering */
	pid_t tid;     /* the number of task/<tid>, or 0 */
	int fd;	       /* PN_FD, PN_FDINFO */
	bool followed; /* PN_FD reached as the last component, its link to be followed */
	bool must_dir; /* a trailing slash asked for a directory */
	/* At or below a read-only path, or masked: changes fail with EROFS. */
	bool readonly;
	char path[PROCFS_NODE_PATH]; /* below /proc without a leading slash; "" is /proc */
};

/* The dynamic facts a walk needs; the sentry answers them from the guest's
 * procfs and its task table, tests from a table. */
struct procfs_world {
	void *arg;
	pid_t self_tgid; /* the calling thread, guest numbering */
	pid_t self_tid;
	/* Type (PT_DIR, PT_REG, PT_LNK) of a node of the guest's procfs at a
	 * path like "12", "12/task/13", "12/fd/3", "12/net/dev"; -ENOENT if
	 * there is none. */
	int (*guest_type)(void *arg, const char *path);
	/* Text of a PW_EXE, PW_CWD or PN_FD link: its length (NUL-terminated
	 * in buf), or -errno. Absolute texts under "/proc" name nodes of this
	 * tree; other absolute texts name paths in the view. */
	int (*link_text)(void *arg, const struct pnode *n, char *buf, size_t size);
	/* The config's masked and read-only paths below /proc ("keys",
	 * "sys", "" for /proc itself), or NULL. A masked directory or file
	 * the tree has becomes a PN_MASKED node, and so does one the tree
	 * leaves out but the host's procfs has (/proc/kcore, /proc/keys):
	 * host_type answers its type there (PT_DIR, PT_REG, or -ENOENT).
	 * Links are never masked. */
	const struct path_masks *masks;
	int (*host_type)(void *arg, const char *path);
	/* Entries of /proc/sys beside procfs_sys_entries, first looked up
	 * (the config's sysctls, with their directories), or NULL. */
	const struct pent *sys_extra;
	size_t nsys_extra;
};

/* Returned by procfs_walk when the path leaves /proc for the view. */
#define PROCFS_WALK_VIEW 1

/* Walks rest (a path below /proc, as the gofer hands it over) the way
 * Linux's path walk would: "." and "..", repeated and trailing slashes,
 * links followed when more components come, or at the end when
 * follow_last. Returns 0 with the node in *out; PROCFS_WALK_VIEW with the
 * view path in view when a link or ".." leads out of /proc; or -errno
 * (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, or an error of link_text). A /proc
 * /<pid>/fd/<n> reached last with follow_last is returned as the node with
 * followed set: the object behind it decides what an operation does. */
int procfs_walk(const struct procfs_world *w, const char *rest, bool follow_last, struct pnode *out,
		char *view, size_t view_size);

/* The text of any link node (self, thread-self, mounts, exe, ...): its
 * length, NUL-terminated in buf, or -errno (-EINVAL for non-links). */
int procfs_link_text(const struct procfs_world *w, const struct pnode *n, char *buf, size_t size);

/* Linux's name_to_int: a decimal number without a leading zero, or -1. */
long procfs_name_to_int(const char *name);

/* Whether path (below /proc) is one of list's n paths, or lies below one
 * when or_below. */
bool procfs_path_listed(const char *const *list, size_t n, const char *path, bool or_below);

/* Is table entry e listed in the directory dir (a PN_PID)? */
bool procfs_pent_visible(const struct pent *e, const struct pnode *dir);

/* A line of the synthesized mount table. */
struct procfs_mount {
	int id;
	int parent_id;
	unsigned int major, minor;
	const char *root;
	const char *mountpoint;
	const char *mount_opts; /* "rw,nosuid,..." */
	const char *fstype;
	const char *source;
	const char *super_opts; /* "rw,size=..." */
};

/* A stand-in mount table, for a gofer without a view's table (GOP_MOUNTS
 * answered an error): the
 * view's root (overlay), /proc, /dev, /dev/pts, /dev/shm, /sys and the
 * private tmpfs of /root, /home and /run. root_dev and proc_dev are the
 * st_dev the guest's stat reports for "/" and "/proc". Returns the count
 * written (at most max). */
size_t procfs_default_mounts(struct procfs_mount *out, size_t max, dev_t root_dev, dev_t proc_dev);

/* Parses /proc/<pid>/mountinfo rows (the gofer's table of the view,
 * GOP_MOUNTS) in place: the strings of out point into text, unescaped;
 * optional fields are dropped, unreadable rows skipped. Returns the count
 * written (at most max). */
size_t procfs_parse_mountinfo(char *text, struct procfs_mount *out, size_t max);

/* A mount of the sentry's over a path of its /proc: a read-only path (a
 * read-only bind of /proc's own file system), or a masked directory (an
 * empty read-only tmpfs) or file (the null device, bound read-only), as
 * runc and crun show them. rel is below /proc; mountpoint and root are
 * storage procfs_add_proc_mounts fills. */
enum procfs_cover { PROCFS_COVER_READONLY, PROCFS_COVER_MASKED_DIR, PROCFS_COVER_MASKED_FILE };
struct procfs_cover_row {
	const char *rel;
	enum procfs_cover what;
	char mountpoint[PROCFS_NODE_PATH + 8];
	char root[PROCFS_NODE_PATH + 2];
};

/* The view's table (m, n rows, room for max) as the guest sees it: the
 * view's /proc row becomes the sentry's procfs (device proc_dev), and the
 * covers follow as its children, with new ids; a masked file takes the
 * type, source, options and device of the view's /dev/null row (the same
 * null device), a masked directory the device masked_dev. Returns the new
 * count (at most max). */
size_t procfs_add_proc_mounts(struct procfs_mount *m, size_t n, size_t max, dev_t proc_dev,
			      dev_t masked_dev, struct procfs_cover_row *covers, size_t ncovers);

/* Renders a table as /proc/<pid>/mountinfo (mountinfo) or /proc/<pid>/
 * mounts. Returns the length of the whole text (snprintf semantics). */
size_t procfs_render_mounts(const struct procfs_mount *m, size_t n, bool mountinfo, char *buf,
			    size_t size);

/* Rewrites the host's /proc/loadavg ("0.1 0.2 0.3 2/345 6789") to show
 * the guest's thread counts and last pid. Returns the length (snprintf
 * semantics) or -EINVAL if in is malformed. */
/* /proc/meminfo as the guest's memory cgroup tells it (bytes): MemTotal
 * is the limit, MemFree what is left of it, MemAvailable adds the
 * reclaimable cache; no swap (as /proc/swaps says); Shmem no more than
 * the guest uses. Other lines stay the host's. The text is malloc'd into *out; its length, or
 * -EINVAL. */
ssize_t procfs_rewrite_meminfo(const char *in, uint64_t limit, uint64_t usage, uint64_t cache,
			       uint64_t inactive_file, char **out);
/* /proc/PID/cgroup as the guest sees it from its own cgroup namespace,
 * whose root is its cgroup in every hierarchy, as runc and crun show it:
 * the host's lines (in: a /proc/self/cgroup of the host, "ID:CONTROLLERS:PATH"
 * each) with every path "/": one line per v1 hierarchy on v1, those and
 * "0::/" on the hybrid layout, a single "0::/" on v2. "0::/" alone when in
 * has no line. Returns the length of the malloc'd *out, or -errno. */
ssize_t procfs_rewrite_cgroup(const char *in, char **out);
int procfs_rewrite_loadavg(const char *in, int running, int threads, pid_t last_pid, char *out,
			   size_t size);

/* Where the object behind an fd link lives, for procfs_fix_fd_link. */
enum fd_origin {
	FD_OTHER,  /* anything the kernel names by itself */
	FD_MIRROR, /* a node of the sentry's mirror tmpfs */
	FD_MEMFD,  /* a memfd */
};

/* Turns the kernel's text of an fd link, as the sentry reads it, into what
 * the guest should see: mirror nodes become their /proc path ("/12/fd" ->
 * "/proc/12/fd"); the sentry's own memfds ("/memfd:runsc-proc:/proc/12/
 * status (deleted)") the /proc file they hold. In place; returns the new
 * length or -ENAMETOOLONG. */
int procfs_fix_fd_link(char *text, size_t size, enum fd_origin origin);

/* The ids a /proc/<pid>/status names. */
struct procfs_ids {
	pid_t tgid;
	uid_t uid[4]; /* real, effective, saved, fs */
	gid_t gid[4];
};
int procfs_parse_status(const char *status, struct procfs_ids *ids);

#endif
