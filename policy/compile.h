/* SPDX-License-Identifier: Apache-2.0 */
/* The policy compiler, as the CLI uses it: loading a YAML profile with its
 * `extends` chain, printing the effective policy, and compiling it into the
 * blob of policy/policy.h that the gofer and the sentry load.
 * policies/README.md is the reference of the format. */
#ifndef RUNSC_POLICY_COMPILE_H
#define RUNSC_POLICY_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- canonicalisation ---- */

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

/* ---- loading, printing, compiling ---- */

/* Problems found while loading, one line each: "FILE:LINE:COLUMN: message". */
struct policy_problems {
	char **lines;
	size_t n;
	size_t cap;
};
void policy_problems_free(struct policy_problems *pr);
void policy_problem_add(struct policy_problems *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct policy_load_opts {
	/* Where shipped profiles are looked up by name; NULL: the built-in
	 * list (see policy_search_dirs()). */
	const char *const *search_dirs;
	size_t nsearch_dirs;
	/* `extends` may name shipped profiles only, never a file path. */
	bool shipped_only;
};

/* The built-in list of shipped-profile directories, NULL-terminated: the
 * source tree's policies/ (RUNSC_POLICY_DIR, for a binary run from its build
 * directory), then the installed ones (RUNSC_POLICY_INSTALL_DIR and
 * /usr/share/runsc-c/policies). */
const char *const *policy_search_dirs(void);

/* Whether a NAME|FILE argument names a shipped profile (a bare name such as
 * "default") rather than a file (anything with a '/' or ending in .yaml or
 * .yml). */
bool policy_ref_is_name(const char *ref);

struct policy_doc;

/* Loads a profile by shipped name or file path, follows its `extends`
 * chain and merges it. Returns the effective policy, or NULL with every
 * problem found appended to pr. opts may be NULL. */
struct policy_doc *policy_load(const char *ref, const struct policy_load_opts *opts,
			       struct policy_problems *pr);
/* The same for a policy held in memory; file is the name its problems and
 * rule origins carry, and the directory relative `extends` paths start
 * from. */
struct policy_doc *policy_load_buffer(const char *file, const char *buf, size_t len,
				      const struct policy_load_opts *opts,
				      struct policy_problems *pr);
void policy_doc_free(struct policy_doc *doc);

const char *policy_doc_name(const struct policy_doc *doc);

/* Writes the effective policy as YAML that `policy check` accepts, each
 * entry with a comment naming the file and line it comes from. With root,
 * rule paths that resolve differently inside it say so in a comment. */
int policy_doc_print(const struct policy_doc *doc, const struct policy_root *root, FILE *out);

/* Compiles the effective policy into a blob (malloc'd, 8-aligned) that
 * policy_blob_validate() accepts. With root, rule paths are canonicalised
 * inside it (see policy_canon_glob() above); without, they are taken as written.
 * 0, or -ENOMEM, -E2BIG (larger than POLICY_BLOB_MAX), or an error of
 * the canonicalisation. */
int policy_compile(const struct policy_doc *doc, const struct policy_root *root, void **blob,
		   size_t *len);

#endif
