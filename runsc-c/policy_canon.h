/* SPDX-License-Identifier: Apache-2.0 */
/* Canonicalising rule paths through the view's symlinks when a policy is
 * loaded, so that a rule and a request are compared in the same resolved
 * form (on Debian 12 /bin is a link to usr/bin: a rule on the files in /bin
 * becomes a rule on the files in /usr/bin).
 *
 * Only the literal leading components of a glob are resolved; from the
 * first component with a wildcard on, the glob is kept as written (a link
 * below a wildcard cannot be followed for every name it may match).
 * Resolution happens inside the view as RESOLVE_IN_ROOT would do it: an
 * absolute link target starts again at the view's root, ".." never climbs
 * above it, and every step is one name looked up with O_NOFOLLOW relative
 * to a directory fd already inside the view, so no link leads out of the
 * rootfs. Names that do not exist (yet) are kept as written, as is
 * everything below a mount that has nothing to resolve (a synthesized or
 * empty file system). Resolved names with glob characters in them are
 * escaped, so they match only themselves. */
#ifndef RUNSC_CLI_POLICY_CANON_H
#define RUNSC_CLI_POLICY_CANON_H

#include <stdbool.h>
#include <stddef.h>

/* A mount of the view that does not come from the rootfs. */
struct policy_mount {
	const char *guest_path; /* canonical absolute path inside the view */
	int host_fd;		/* directory fd of what is mounted there, or
				 * -1: synthesized or empty, nothing below it
				 * is resolved */
};

struct policy_root {
	int rootfs_fd; /* directory fd (O_PATH will do) of the view's root */
	const struct policy_mount *mounts;
	size_t nmounts;
};

/* Canonicalises a checked glob (policy_glob_check()). follow_last: resolve
 * the last component too when it is literal (what an open or exec of that
 * path would reach); without it, the last component is kept (the name
 * itself: hidden paths). 0 with a malloc'd result in *out, or -ENOMEM. */
int policy_canon_glob(const struct policy_root *root, const char *glob, bool follow_last,
		      char **out);

#endif
