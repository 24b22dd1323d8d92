/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of the sentry's /proc share among themselves, and nothing
 * outside them uses (the rest of the sentry calls the procfs_* functions of
 * sentry/sentry.h; the pure tree is sentry/procfs.h):
 *
 *   procfs.c          open, stat, readlink and access of a path, the
 *                     guest's fds of the tree, setup
 *   procfs_world.c    one call's context and the facts the walk asks
 *   procfs_perm.c     who may see what: ptrace access, permission bits
 *   procfs_list.c     what a directory holds
 *   procfs_mirror.c   the detached tmpfs of directories, and node metadata
 *   procfs_content.c  the text of files, sealed into memfds
 */
#ifndef RUNSC_SENTRY_PROCFS_INTERNAL_H
#define RUNSC_SENTRY_PROCFS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sentry/perm.h"
#include "sentry/procfs.h"

struct sc_ctx;
struct sentry;
struct task;

struct procfs_state {
	int mirror_rw; /* root of the detached tmpfs, for the sentry's changes */
	int mirror_ro; /* a read-only clone: the fds the guest gets come from it */
	dev_t mirror_dev;
	dev_t memfd_dev;
	unsigned int pid_dirs_made; /* pid and tid directories, since the last prune */
	bool warned_full;
	pthread_mutex_t lock; /* the mirror's contents */
	/* The config's masked and read-only paths of /proc, below it
	 * (procfs_world.masks), and the host's null device that a masked
	 * file is (O_PATH, opened before isolation; -1 without masks). */
	struct path_masks masks;
	int null_fd;
	/* The view's mount table from the gofer (GOP_MOUNTS), fetched at the
	 * first read of a mount table: mountinfo rows, or NULL when the gofer
	 * has none (the fixed table stands in). */
	pthread_mutex_t mounts_lock;
	bool mounts_fetched;
	char *view_mounts;
};

/* One call into procfs: the caller, and the world the walk asks. */
struct pctx {
	struct sc_ctx *c;
	struct sentry *s;
	struct procfs_state *ps;
	struct procfs_world w;
	int depth;
};

/* ---- procfs_world.c: the call's context, and the host's procfs ---- */

int procfs_pctx_init(struct pctx *pc, struct sc_ctx *c);
/* PT_DIR, PT_REG or PT_LNK for a file mode, else 0. */
int procfs_type_of(mode_t mode);
/* -errno, where a process that went away (ESRCH) reads as -ENOENT. */
int procfs_gone(int err);
/* readlinkat into a NUL-terminated buffer; -ENAMETOOLONG if it did not fit. */
int procfs_read_link_at(int dirfd, const char *path, char *buf, size_t size);
/* The kernel's text of the link of one of the sentry's own fds. */
int procfs_fd_link(struct sentry *s, int fd, char *buf, size_t size);
int procfs_magic_reopen(struct sentry *s, int fd, int flags);
/* A memfd for a synthesized file (sealable, not executable), or -errno;
 * procfs_node_memfd names it after the node. */
int procfs_new_memfd(const char *name);
int procfs_node_memfd(const struct pnode *n);
/* Gives a filled memfd mode, seals it and returns a read-only fd of it
 * (flags: the guest's open flags, of which O_NONBLOCK counts), or -errno. */
int procfs_seal_reopen(struct pctx *pc, int fd, mode_t mode, int flags);
/* procfs_pagemap.c: /proc/<pid>/pagemap as a reader without
 * CAP_SYS_ADMIN sees it, in a sealed memfd; a read-only fd, or -errno. */
int procfs_pagemap_open(struct pctx *pc, const struct pnode *n, int flags);
/* The task a node's pid (or tid) names, or NULL. */
struct task *procfs_task_of(struct pctx *pc, const struct pnode *n);
/* The world's guest_type: the type of a node of the guest's procfs. */
int procfs_guest_type(void *arg, const char *path);
/* The world's host_type: the type of a node of the host's procfs. */
int procfs_host_type(void *arg, const char *path);
int procfs_fd_link_text(struct pctx *pc, const char *path, char *buf, size_t size);

/* ---- procfs_perm.c: who may see what ---- */

bool procfs_wants_write(int flags);
bool procfs_access_subset(int flags, int have);
int procfs_flags_to_want(int flags);
int procfs_may_ptrace(struct pctx *pc, pid_t pid);
bool procfs_needs_ptrace(const struct pnode *n);
int procfs_dac_check(struct pctx *pc, const struct stat *st, int want, enum perm_ids ids);

/* ---- procfs_list.c: what a directory holds ---- */

struct dent {
	char *name;
	enum pn_type type;
};

struct dlist {
	struct dent *v;
	size_t n, cap;
};

void procfs_dlist_free(struct dlist *l);
void procfs_dlist_sort(struct dlist *l);
int procfs_read_dir(int dirfd, bool numeric_only, enum pn_type force_type, struct dlist *l);
/* The entries of directory node n, unsorted; -ENOTDIR for other nodes. */
int procfs_list_node(struct pctx *pc, const struct pnode *n, struct dlist *l);

/* ---- procfs_mirror.c: the tmpfs of directories, and node metadata ---- */

/* A mirror path for *at calls: "." for /proc itself. */
const char *procfs_mpath(const char *path);
int procfs_make_mirror(struct procfs_state *ps);
/* An fd of n's node in the read-only mirror, opened with oflags. */
int procfs_open_mirror(struct pctx *pc, const struct pnode *n, int oflags);
int procfs_fill_dir(struct pctx *pc, const struct pnode *n);
void procfs_synth_stat(enum pn_type type, struct stat *st);
int procfs_node_stat(struct pctx *pc, const struct pnode *n, struct stat *st);

/* ---- procfs_content.c: the text of files ---- */

ssize_t procfs_node_content(struct pctx *pc, const struct pnode *n, char **out);
int procfs_seal_content(struct pctx *pc, const struct pnode *n, const char *data, size_t len,
			int flags);
/* Learns the st_dev of memfds, which tells the sentry's files apart in fd
 * links (ps->memfd_dev). */
int procfs_probe_memfd_dev(struct procfs_state *ps);

#endif
