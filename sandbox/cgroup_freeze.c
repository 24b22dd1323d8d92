/* SPDX-License-Identifier: Apache-2.0 */
/* Pausing a sandbox: its guest part frozen with v1's freezer or v2's
 * cgroup.freeze (sandbox/cgroup.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_impl.h"

/* Where the guest's freezer is: its directory fd, or -1. */
static int freezer_dir(const struct cgroup *cg, bool *v2)
{
	if (cg->of[CG_FREEZER] < 0)
		return -1;
	*v2 = cg->h[cg->of[CG_FREEZER]].version == CG_V2;
	return cg_ctl_dir(cg, CG_FREEZER, "guest");
}

static int frozen_at(int dirfd, bool v2)
{
	if (v2) {
		uint64_t v;
		if (!cg_read_key(dirfd, "cgroup.events", "frozen", &v))
			return -EIO;
		return v == 1;
	}
	_cleanup_free_ char *state = NULL;
	if (read_file_at(dirfd, "freezer.state", &state) < 0)
		return -EIO;
	return strncmp(state, "FROZEN", 6) == 0;
}

int cg_frozen(struct cgroup *cg)
{
	bool v2 = false;
	_cleanup_close_ int fd = freezer_dir(cg, &v2);
	if (fd < 0)
		return 0;
	if (!v2) {
		_cleanup_free_ char *state = NULL;
		if (read_file_at(fd, "freezer.state", &state) < 0)
			return -EIO;
		return strncmp(state, "THAWED", 6) != 0;
	}
	uint64_t want = 0;
	return cg_read_u64(fd, "cgroup.freeze", &want) && want == 1;
}

int cg_freeze(struct cgroup *cg, bool frozen, int timeout_ms, struct rc_error *err)
{
	bool v2 = false;
	_cleanup_close_ int fd = freezer_dir(cg, &v2);
	if (fd < 0)
		return rc_error_set(err, EOPNOTSUPP,
				    "pausing needs cgroup v1's freezer controller or cgroup v2's "
				    "cgroup.freeze, and the sandbox's cgroups have neither");
	const char *file = v2 ? "cgroup.freeze" : "freezer.state";
	const char *value = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
	/* Thawing takes effect at once; freezing waits for every task to stop.
	 * v1 is asked again each round, as a task forked meanwhile can leave
	 * the cgroup FREEZING. */
	for (int waited_ms = 0;; waited_ms++) {
		int r = cg_write_at(fd, file, value);
		if (r < 0)
			return rc_error_set_errno(err, -r, "writing %s/guest/%s",
						  cg_path(cg, CG_FREEZER), file);
		if (!frozen)
			return 0;
		r = frozen_at(fd, v2);
		if (r == 1)
			return 0;
		if (r < 0 || waited_ms >= timeout_ms)
			break;
		struct timespec ts = {0, 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	cg_write_at(fd, file, v2 ? "0" : "THAWED");
	return rc_error_set(err, EBUSY,
			    "the sandbox's guest did not freeze within %d ms (%s/guest/%s); it "
			    "was thawed again",
			    timeout_ms, cg_path(cg, CG_FREEZER), v2 ? "cgroup.events" : file);
}
