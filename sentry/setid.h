/* SPDX-License-Identifier: Apache-2.0 */
/* The set-user-id and set-group-id bits the guest gave files of its view.
 *
 * They never reach the host: the gofer changes a host file's mode without
 * them (gofer/handlers_change.c), so the host never sees a set-id file
 * appear, and exec grants no ids anyway (no_new_privs). The sentry keeps
 * them per object, keyed by the st_dev and st_ino the host reports, so
 * every hard link of a file shows the same bits and a rename keeps them;
 * a record goes when the object's last name does (an unlink, or a rename
 * over it), so an inode number the file system reuses starts without
 * bits. Everything that shows a mode adds the record's bits to what the
 * host has (a volume's file may have set-id bits of its own). */
#ifndef RUNSC_SENTRY_SETID_H
#define RUNSC_SENTRY_SETID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sentry;
struct stat;
struct statx;
struct gofer_req;
struct gofer_resp;

/* The bits recorded for the object (dev, ino): S_ISUID, S_ISGID or 0. */
mode_t setid_bits(const struct sentry *s, uint64_t dev, uint64_t ino);
/* Records bits (S_ISUID | S_ISGID; others ignored) for the object whose
 * mode (its type) is mode; 0 forgets it. Returns 0 or -ENOMEM. */
int setid_set(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode, mode_t bits);
/* Are any bits recorded (any for a directory)? Cheap. */
bool setid_any(const struct sentry *s);
bool setid_any_dirs(const struct sentry *s);
/* st_mode (stx_mode) with the recorded bits added. */
void setid_show_stat(const struct sentry *s, struct stat *st);
void setid_show_statx(const struct sentry *s, struct statx *sx);
/* What chown(2) of a non-directory clears: S_ISUID, and S_ISGID when the
 * group may execute (without it, S_ISGID means mandatory locking, which
 * stays), even for root. */
void setid_chowned(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode);
/* A write or truncate by a caller without CAP_FSETID (file_remove_privs):
 * the same bits as chown. */
void setid_written(struct sentry *s, uint64_t dev, uint64_t ino, mode_t mode);
/* After a gofer request: a chmod records the bits its answer carries, a
 * chown clears what chown(2) clears, an unlink or rename that removed an
 * object's last name forgets it. */
void setid_answered(struct sentry *s, const struct gofer_req *req, const struct gofer_resp *resp);
/* A directory the guest just made (obj: the sentry's O_PATH fd of it) in
 * a directory whose S_ISGID the sentry keeps takes that bit and the
 * parent's group, as Linux gives it (inode_init_owner). */
void setid_made_dir(struct sentry *s, int obj);
/* A regular file an open(O_CREAT) of path (relative to guest_dirfd)
 * handed over as fd, with the mode asked for (after the umask): when
 * this open made it (F_CREATED_QUERY), it keeps the set-id bits of mode
 * and, in a directory whose S_ISGID the sentry keeps, takes the
 * directory's group (S_ISGID of a group-executable mode is dropped when
 * the caller is neither in that group nor holds CAP_FSETID:
 * mode_strip_sgid). */
struct sc_ctx;
void setid_created(struct sc_ctx *c, int guest_dirfd, const char *path, int fd, mode_t mode);
/* The same for the file fd an O_TMPFILE open in the directory dir_path
 * (relative to guest_dirfd) made, which takes that directory's group. */
void setid_made_tmpfile(struct sc_ctx *c, int guest_dirfd, const char *dir_path, int fd,
			mode_t mode);
/* The same for a regular file or FIFO mknod just made at path (obj: the
 * sentry's O_PATH fd of it). */
void setid_made_node(struct sc_ctx *c, int guest_dirfd, const char *path, int obj, mode_t mode);
/* A symlink just made at path (obj: the sentry's O_PATH fd of it) takes
 * its set-group-id directory's group. */
void setid_made_link(struct sc_ctx *c, int guest_dirfd, const char *path, int obj);
/* What a write or truncate by the caller of c does to the set-id bits of
 * the file fd holds or path names (setid_written), for a caller without
 * CAP_FSETID. Linux clears them at the first write (file_remove_privs);
 * the guest's writes run natively, so an open for writing (or with
 * O_TRUNC) does it here. */
void setid_fd_written(struct sc_ctx *c, int fd);
void setid_path_written(struct sc_ctx *c, char *path);
void setid_free(struct sentry *s);

#endif
