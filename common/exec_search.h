/* SPDX-License-Identifier: Apache-2.0 */
/* execvp's PATH search in one call (RUNSC_NR_EXEC_SEARCH, common/compat.h):
 * the sentry answers it (sentry/exec.c), the guest's init asks it for the
 * processes it starts (guest/spawn.c). */
#ifndef RUNSC_COMMON_EXEC_SEARCH_H
#define RUNSC_COMMON_EXEC_SEARCH_H

#include <errno.h>
#include <stdbool.h>

/* glibc's execvpe goes on to the next candidate after these errnos (and
 * ends with EACCES if one gave it, else with the last one's); any other
 * ends its search. The sentry's answer stands for glibc's in these cases
 * alone. */
static inline bool exec_search_goes_on(int err)
{
	return err == EACCES || err == ENOENT || err == ESTALE || err == ENOTDIR || err == ENODEV ||
	       err == ETIMEDOUT;
}

#endif
