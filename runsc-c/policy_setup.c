/* SPDX-License-Identifier: Apache-2.0 */
#include "runsc-c/policy_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/policy.h"

/* The paths of the view that are not the rootfs's, for canonicalising the
 * policy's rule paths: the volumes (their host directories), the sandbox's
 * own /proc, /sys and /dev and the policy's tmpfs entries (nothing below
 * them to resolve). */
static struct policy_mount *view_mounts(const struct gofer_volume *volumes, size_t nvolumes,
					const void *plain_blob, size_t plain_len, size_t *n)
{
	struct policy_view pv;
	uint32_t ntmpfs = 0;
	if (policy_view_init(&pv, plain_blob, plain_len) == 0)
		ntmpfs = policy_rule_count(&pv, POLICY_RULE_TMPFS);
	struct policy_mount *m = xcalloc(3 + ntmpfs + nvolumes, sizeof(*m));
	static const char *const own[] = {"/proc", "/sys", "/dev"};
	*n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		m[(*n)++] = (struct policy_mount){.guest_path = own[i], .host_fd = -1};
	for (uint32_t i = 0; i < ntmpfs; i++) {
		uint32_t idx = policy_rule_first(&pv, POLICY_RULE_TMPFS) + i;
		m[(*n)++] = (struct policy_mount){.guest_path = xstrdup(policy_rule_glob(&pv, idx)),
						  .host_fd = -1};
	}
	/* Later volumes mount over earlier ones and over tmpfs entries. */
	for (size_t i = 0; i < nvolumes; i++) {
		/* A tmpfs volume (no host path) is a fresh file system. */
		int fd = volumes[i].host ? open(volumes[i].host, O_PATH | O_CLOEXEC) : -1;
		struct stat st;
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
			close(fd);
			fd = -1;
		}
		m[(*n)++] = (struct policy_mount){.guest_path = volumes[i].guest, .host_fd = fd};
	}
	return m;
}

static void view_mounts_free(struct policy_mount *m, size_t n, size_t nvolumes)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].host_fd >= 0)
			close(m[i].host_fd);
	/* The tmpfs entries' paths are copies: after /proc, /sys and /dev,
	 * before the volumes. */
	for (size_t i = 3; i + nvolumes < n; i++)
		free((char *)m[i].guest_path);
	free(m);
}

int policy_setup_view(const char *ref, const char *rootfs, const struct gofer_volume *volumes,
		      size_t nvolumes, bool learn, struct policy_view **out,
		      struct policy_problems *pr)
{
	*out = NULL;
	size_t problems = pr->n;
	struct policy_doc *doc = policy_load(ref, NULL, pr);
	void *plain = NULL, *blob = NULL;
	size_t plain_len = 0, len = 0;
	int r = doc ? policy_compile(doc, NULL, &plain, &plain_len) : 0;
	if (doc && r == 0) {
		size_t n;
		struct policy_mount *mounts = view_mounts(volumes, nvolumes, plain, plain_len, &n);
		struct policy_root root = {
			.rootfs_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC),
			.mounts = mounts,
			.nmounts = n,
		};
		if (root.rootfs_fd < 0)
			r = -errno;
		else
			r = policy_compile(doc, &root, &blob, &len);
		if (root.rootfs_fd >= 0)
			close(root.rootfs_fd);
		view_mounts_free(mounts, n, nvolumes);
	}
	free(plain);
	if (doc && r < 0)
		policy_problem_add(pr, "%s: cannot compile: %s", ref, strerror(-r));
	/* Learning records allowed decisions whatever the policy says (and
	 * keeps the sentry's dentry cache, which would hide opens, off). */
	if (doc && r == 0 && learn)
		((struct policy_header *)blob)->flags |= POLICY_F_AUDIT_ALLOWED;
	struct policy_view *pv = xcalloc(1, sizeof(*pv));
	if (doc && r == 0 && (r = policy_view_init(pv, blob, len)) < 0)
		policy_problem_add(pr, "%s: compiled policy refused: %s", ref, strerror(-r));
	policy_doc_free(doc);
	if (!doc || r < 0 || pr->n > problems) {
		if (pr->n == problems)
			policy_problem_add(pr, "%s: cannot be loaded", ref);
		free(pv);
		free(blob);
		return -1;
	}
	*out = pv;
	return 0;
}

void policy_setup_free(struct policy_view *pv)
{
	if (!pv)
		return;
	free((void *)pv->hdr);
	free(pv);
}
