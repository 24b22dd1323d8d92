/* SPDX-License-Identifier: Apache-2.0 */
/* Unix permission bits against a caller's ids and capabilities
 * (sentry/perm.h): shared by exec and procfs, so that both decide as
 * Linux's generic_permission. */
#include "sentry/perm.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/sentry.h"

#define CAP_DAC_OVERRIDE_BIT	(1ULL << 1)
#define CAP_DAC_READ_SEARCH_BIT (1ULL << 2)

bool perm_in_group(const struct creds *cr, gid_t gid, enum perm_ids ids)
{
	if (gid == (ids == PERM_REAL_IDS ? cr->rgid : cr->fsgid))
		return true;
	for (int i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == gid)
			return true;
	return false;
}

uint32_t creds_file_caps(const struct creds *cr, bool real_ids)
{
	uint64_t caps = !real_ids ? cr->cap_eff : cr->ruid == 0 ? cr->cap_prm : 0;
	return (uint32_t)caps & GOFER_CAPS_FS;
}

int perm_check(const struct stat *st, const struct creds *cr, int want, enum perm_ids ids)
{
	bool is_dir = S_ISDIR(st->st_mode);
	uint32_t caps = creds_file_caps(cr, ids == PERM_REAL_IDS);
	if (caps & CAP_DAC_OVERRIDE_BIT) {
		if (!(want & X_OK) || is_dir || (st->st_mode & 0111))
			return 0;
	}
	uid_t uid = ids == PERM_REAL_IDS ? cr->ruid : cr->fsuid;
	mode_t bits = st->st_mode;
	if (uid == st->st_uid)
		bits >>= 6;
	else if (perm_in_group(cr, st->st_gid, ids))
		bits >>= 3;
	bits &= 7;
	if ((caps & CAP_DAC_READ_SEARCH_BIT) && !(want & W_OK) && (!(want & X_OK) || is_dir))
		return 0;
	return ((mode_t)want & bits) == (mode_t)want ? 0 : -EACCES;
}
