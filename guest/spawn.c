/* SPDX-License-Identifier: Apache-2.0 */
/* A command's user and exec in the process init forked for it
 * (guest/spawn.h). */
#include "guest/spawn.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/exec_search.h"

/* Longer lists are set without a look at what the process has. */
#define SPAWN_GROUPS_CHECKED 64

/* Each of a[0..n) is among b[0..n). */
static bool all_among(const gid_t *a, const gid_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = b[j] == a[i];
		if (!found)
			return false;
	}
	return true;
}

/* The supplementary groups are groups[0..n), in any order. */
static bool groups_are(const gid_t *groups, size_t n)
{
	gid_t have[SPAWN_GROUPS_CHECKED];
	if (n > SPAWN_GROUPS_CHECKED)
		return false;
	int nhave = getgroups(SPAWN_GROUPS_CHECKED, have);
	return nhave >= 0 && (size_t)nhave == n && all_among(groups, have, n) &&
	       all_among(have, groups, n);
}

int spawn_set_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (!groups_are(groups, ngroups) && setgroups(ngroups, groups) < 0)
		return -1;
	if ((getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid) &&
	    setresgid(gid, gid, gid) < 0)
		return -1;
	if ((getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid) &&
	    setresuid(uid, uid, uid) < 0)
		return -1;
	return 0;
}

void spawn_execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH");
	size_t flen = strlen(file);
	/* A name with a slash is not searched; without PATH or with a name
	 * too long, glibc decides alone. Else the sentry tries every
	 * candidate in one call, as exec would, where glibc makes an exec
	 * (a ptrace stop of the sentry's) per candidate. */
	if (!strchr(file, '/') && path && flen > 0 && flen <= NAME_MAX) {
		char found[PATH_MAX];
		long n = syscall(RUNSC_NR_EXEC_SEARCH, file, path, found, sizeof(found));
		if (n > 0) {
			execve(found, argv, envp);
			/* A file its format or arguments fail (ENOEXEC: glibc
			 * runs a script without "#!" with the shell): glibc
			 * searches again and decides. */
		} else if (n < 0 && exec_search_goes_on(errno)) {
			return;
		}
	}
	execvpe(file, argv, envp);
}
