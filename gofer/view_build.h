/* SPDX-License-Identifier: Apache-2.0 */
/* The view being built (gofer/view.c, view_hide.c, view_dev.c): its state,
 * the one way its steps report an error, and the mount helpers they share.
 * Only the files that build the view include this. */
#ifndef RUNSC_GOFER_VIEW_BUILD_H
#define RUNSC_GOFER_VIEW_BUILD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "gofer/gofer.h"

struct host_mount {
	char *rel; /* path below the rootfs */
	int fd;	   /* O_PATH of the mount's root, opened before staging */
	bool is_dir;
	bool noexec;
};

struct volume_src {
	const struct gofer_volume *vol;
	const char *rel; /* guest path without its leading slashes */
	int fd;		 /* a detached clone of the host path's mount tree */
	bool is_dir;
};

struct sys_tree {
	int tree_fd;  /* what /sys shows */
	int empty_fd; /* an empty directory on the same file system */
	/* The shared tree's lock, held shared (view_sys_cache.c), or -1: a
	 * tree of the sandbox's own. */
	int lock_fd;
};
struct sys_host; /* gofer/view_sys.c */

struct view {
	const struct gofer_config *cfg;
	uint64_t size; /* bound of the scratch tmpfs (the writable layer) */
	char *err;
	size_t err_size;
	int rootfs_fd;
	char rootfs_real[PATH_MAX];
	bool host_root;
	struct host_mount *mounts;
	size_t nmounts;
	struct volume_src *vols;
	const char *staging;
	int staging_fd;
	int upper_fd; /* staging/upper, holding one upper dir per overlay */
	int work_fd;
	unsigned int nlayers;
	int root_fd;	/* the view's root: staging/root */
	int private_fd; /* staging/private, one directory per private dir */
	unsigned int nprivate;
	int empty_fd;	     /* the empty read-only tmpfs of /proc */
	uint64_t sys_mnt_id; /* /sys's mount (view_sys.c), shown as sysfs */
	char root_path[PATH_MAX];
	struct gofer_state *st;
	struct sys_tree sys;	   /* the shared /sys tree (sys_prepare), or -1s */
	struct sys_host *sys_host; /* what the host gives /sys (sys_prepare) */
	double sys_ms, mqueue_ms;  /* spent on /sys and /dev/mqueue (--debug) */
};

struct fs_opt {
	const char *key;
	const char *value; /* NULL: a flag */
};

/* ---- gofer/view.c ---- */

/* Every failed step of the build: writes "what: strerror(-err)" into
 * v->err and returns err (a -errno), which the caller passes up as is. */
__attribute__((format(printf, 3, 4))) int view_fail(struct view *v, int err, const char *fmt, ...);

/* rel is dir or lies below it (paths relative to the root). */
static inline bool under(const char *rel, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(rel, dir, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

/* Creates a detached mount of a new file system instance. Returns its fd
 * or a view_fail()ed -errno. */
int fs_new(struct view *v, const char *type, const struct fs_opt *opts, size_t nopts,
	   unsigned int attrs, const char *what);
/* mount_setattr(2) of the mount at mnt_fd (and below, when recursive). */
int set_attrs(int mnt_fd, uint64_t attrs, bool recursive);
/* Attaches the detached mount mnt_fd over target_fd. */
int attach(int mnt_fd, int target_fd);
/* A bind mount of what fd refers to, detached, with attrs. */
int bind_clone(int fd, bool recursive, uint64_t attrs);
/* Opens rel inside the view; symlinks resolve inside it too. */
int open_in_view(struct view *v, const char *rel, int flags, uint64_t resolve);
/* mkdir -p rel inside the view (new directories 0755, owned by root). */
int mkdirs_in_view(struct view *v, const char *rel);
/* Calls fn(arg, prefix) for each leading part of rel ("a", "a/b",
 * "a/b/c"), empty components skipped; stops at the first negative
 * return, which it returns (0 at the end; -ENAMETOOLONG). */
int path_prefixes(const char *rel, int (*fn)(void *arg, const char *prefix), void *arg);
/* Gives a directory of the upper layer the owner, mode and times of its
 * lower twin. */
int copy_dir_attrs(int dir_fd, const char *name, const struct stat *like);

/* ---- gofer/view_hide.c: hidden paths, as whiteouts in a layer's upper ---- */

/* The host's secrets that fall inside the layer whose lower is the host
 * path layer_rel ("" for the root). */
int hide_secrets(struct view *v, int upper_fd, int lower_fd, const char *layer_rel);
/* The policy's hidden globs, in the same layer. */
int hide_policy(struct view *v, int upper_fd, int lower_fd, const char *layer_rel);
/* Does the layer whose lower is the host path rel hold any secrets? */
bool has_secrets(const char *rel);
/* Under network mode egress: whether the layer whose lower is the host path
 * layer_rel holds /etc/resolv.conf, and writing the sandbox's own there (it
 * names the sandbox's resolver, 127.0.0.53). */
bool wants_resolv_conf(const struct view *v, const char *layer_rel);
int write_resolv_conf(struct view *v, int upper_fd, int lower_fd, const char *layer_rel);

/* ---- gofer/view_mask.c ---- */

/* The config's masked and read-only paths outside /proc, mounted over
 * what they name in the view (see there). */
int mask_view(struct view *v);

/* ---- gofer/view_mounts.c ---- */

/* Records the view's rows of the kernel's mountinfo text (read before the
 * pivot_root) for the guest, in v->st->mounts_fd. */
int record_view_mounts(struct view *v, const char *mountinfo);

/* ---- gofer/view_sys.c ---- */

/* The view's /sys: the sandbox's own sysfs (see there). sys_prepare reads
 * the host and opens the shared tree, before anything is covered;
 * mount_sys mounts it, or a tree of the sandbox's own. sys_release frees
 * what sys_prepare kept. */
int sys_prepare(struct view *v);
int mount_sys(struct view *v);
void sys_release(struct view *v);

/* ---- gofer/view_sys_cache.c: the host's shared /sys trees ---- */

/* Fills the directory tree_fd with what /sys shows. */
typedef int (*sys_tree_fill_fn)(void *arg, int tree_fd);
/* Opens the shared tree named key (its name begins with keep_prefix, the
 * host's boot) in the cache directory cache, building it with fill when it
 * is missing or not to be trusted, and takes its lock shared: t->lock_fd,
 * to be kept open as long as a sandbox shows the tree. -EBUSY: another
 * start is building it; any -errno: no shared tree this time. why: what
 * the user should hear (a cache refused or rebuilt), or "". */
int sys_tree_shared(const char *cache, const char *key, const char *keep_prefix,
		    sys_tree_fill_fn fill, void *arg, struct sys_tree *t, char *why,
		    size_t why_size);

/* ---- gofer/view_dev.c ---- */

/* The view's /dev (see the top of view.c). */
int mount_dev(struct view *v);

#endif
