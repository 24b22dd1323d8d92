/* SPDX-License-Identifier: Apache-2.0 */
/* Paths of the guest's view that the sandbox masks or makes read-only (an
 * OCI config's linux.maskedPaths and linux.readonlyPaths), as runc applies
 * them: a masked directory shows empty and read-only, a masked file is
 * /dev/null (reads nothing, takes writes), a read-only path refuses
 * changes with EROFS; a path the view does not have is skipped.
 *
 * Paths are absolute and normal (no ".", "..", repeated or trailing
 * slashes; never "/"). Those at or below /proc are the sentry's to apply
 * (it serves /proc itself); the others are the gofer's, which resolves
 * each inside the view (symlinks too) and mounts over what it finds in its
 * own mount namespace. Plain data: the lists must outlive the sandbox. */
#ifndef RUNSC_COMMON_PATH_MASKS_H
#define RUNSC_COMMON_PATH_MASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct path_masks {
	const char *const *masked;
	size_t nmasked;
	const char *const *readonly;
	size_t nreadonly;
};

/* Whether path is /proc or lies below it; *rel is then the rest below
 * /proc ("" for /proc itself, "sys/kernel" for /proc/sys/kernel). */
static inline bool path_masks_in_proc(const char *path, const char **rel)
{
	if (strncmp(path, "/proc", 5) != 0 || (path[5] != '\0' && path[5] != '/'))
		return false;
	*rel = path[5] ? path + 6 : path + 5;
	return true;
}

#endif
