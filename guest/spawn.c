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
#include <unistd.h>

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

/* The search skips a candidate that fails with these (glibc's execvpe
 * goes on after ENOENT, ENOTDIR and EACCES alike: the last remembered). */
static bool skipped(int err)
{
	return err == ENOENT || err == ENOTDIR || err == EACCES;
}

void spawn_execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH");
	size_t flen = strlen(file);
	/* A name with a slash is not searched; without PATH, an empty
	 * element (the cwd) or a name too long, glibc decides alone. */
	if (!strchr(file, '/') && path && flen > 0 && flen <= NAME_MAX) {
		char cand[PATH_MAX];
		for (const char *p = path;; p++) {
			const char *end = strchrnul(p, ':');
			size_t dlen = (size_t)(end - p);
			if (dlen == 0 || dlen + 1 + flen >= sizeof(cand))
				break;
			memcpy(cand, p, dlen);
			cand[dlen] = '/';
			memcpy(cand + dlen + 1, file, flen + 1);
			if (access(cand, X_OK) == 0) {
				execve(cand, argv, envp);
				break; /* glibc's search gives the error */
			}
			if (!skipped(errno) || *end == 0)
				break;
			p = end;
		}
	}
	execvpe(file, argv, envp);
}
