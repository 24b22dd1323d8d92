/* SPDX-License-Identifier: Apache-2.0 */
/* Unix permission bits against a caller's ids, the one check the sentry
 * makes itself for an object the gofer does not open for it: exec of an fd
 * the guest hands over (sentry/exec.c) and a reopen or access(2) of what a
 * /proc/<pid>/fd/N link names (procfs). */
#ifndef RUNSC_SENTRY_PERM_H
#define RUNSC_SENTRY_PERM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct creds;
struct stat;

/* Whose ids a check compares with the object's owner and group. */
enum perm_ids {
	PERM_FS_IDS,   /* fsuid, fsgid: opening and executing */
	PERM_REAL_IDS, /* ruid, rgid: access(2) */
};

/* Linux's generic_permission on the mode bits (ACLs are not consulted):
 * may cr have want (R_OK|W_OK|X_OK) on an object with st's mode, owner and
 * group? The owner's bits apply to the owner, the group's to a member of
 * the group (the fs or real gid, or a supplementary one), the others' to
 * the rest. CAP_DAC_OVERRIDE grants everything except executing a
 * non-directory that has no x bit at all; CAP_DAC_READ_SEARCH grants
 * reading anything and searching a directory. Returns 0 or -EACCES. */
int perm_check(const struct stat *st, const struct creds *cr, int want, enum perm_ids ids);

/* The capabilities over files (GOFER_CAPS_FS bits) a check by cr runs with:
 * the effective ones; with real_ids (access(2) without AT_EACCESS), as
 * Linux's faccessat decides: the permitted ones for a real uid 0, none
 * for another. */
uint32_t creds_file_caps(const struct creds *cr, bool real_ids);

/* Is gid the caller's group: its fs or real gid (by ids), or one of its
 * supplementary groups? */
bool perm_in_group(const struct creds *cr, gid_t gid, enum perm_ids ids);

#endif
