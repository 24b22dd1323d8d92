/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's stdout is a file (or terminal) of the host, opened by the
 * launching user. fchmod, fchown, and fchownat/utimensat on the fd itself
 * (served by the gofer) must not change that host object: e.g. a chmod 666
 * of the user's pty would let any local user type into it. The sandbox
 * refuses them with EPERM.
 *
 * Run as: runsc-c do -v PROBES:/probes -- /probes/probe-stdio_attr > HOSTFILE
 * with HOSTFILE owned by a user other than root, mode 0600. Results go to
 * stderr (stdout is the target); the driver checks HOSTFILE on the host. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

struct attempt {
	const char *what;
	int r;
	int err;
};

static struct attempt tries[8];
static size_t ntries;

/* Records one call's outcome (errno is read after the call). */
static void record(const char *what, int r)
{
	tries[ntries++] = (struct attempt){what, r, errno};
}

#define ATTEMPT(call) record(#call, (call))

static bool same_attrs(const struct stat *a, const struct stat *b)
{
	return (a->st_mode & 07777) == (b->st_mode & 07777) && a->st_uid == b->st_uid &&
	       a->st_gid == b->st_gid && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int main(void)
{
	probe_guard("stdio_attr");
	struct stat before, after;
	if (fstat(1, &before) < 0 || !S_ISREG(before.st_mode)) {
		dup2(2, 1);
		probe_result(false, "setup", "run with stdout redirected to a host file");
		return probe_done();
	}
	const struct timespec epoch[2] = {{0, 0}, {0, 0}};
	/* All attempts first: nothing may be written to fd 1 (its mtime is
	 * checked), so the results are printed afterwards, to stderr. */
	ATTEMPT(fchmod(1, 0666));
	ATTEMPT(fchmod(1, 04755));
	ATTEMPT(fchown(1, 0, 0));
	ATTEMPT(fchownat(1, "", 0, 0, AT_EMPTY_PATH));
	ATTEMPT(futimens(1, epoch)); /* utimensat(1, NULL, ...) */
	ATTEMPT(utimensat(1, "", epoch, AT_EMPTY_PATH));
	int st_r = fstat(1, &after);
	int st_err = errno;
	if (dup2(2, 1) < 0)
		return 1;
	for (size_t i = 0; i < ntries; i++) {
		const struct attempt *t = &tries[i];
		probe_result(t->r < 0 && t->err == EPERM, t->what, "%s",
			     t->r < 0 ? errno_name(t->err) : "succeeded");
	}
	if (st_r < 0) {
		probe_result(false, "fstat(1) afterwards", "%s", errno_name(st_err));
		return probe_done();
	}
	probe_result(before.st_uid != 0, "host stdout is not root's", "uid %u", before.st_uid);
	probe_result(same_attrs(&before, &after), "host stdout unchanged",
		     "mode %o->%o uid %u->%u gid %u->%u mtime %lld->%lld", before.st_mode & 07777,
		     after.st_mode & 07777, before.st_uid, after.st_uid, before.st_gid,
		     after.st_gid, (long long)before.st_mtim.tv_sec,
		     (long long)after.st_mtim.tv_sec);
	return probe_done();
}
