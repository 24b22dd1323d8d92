/* SPDX-License-Identifier: Apache-2.0 */
/* Who may see what in the sentry's /proc: the ptrace access check that
 * guards another process's environ, maps, fd/, exe, ... (simplified, see
 * procfs.c), and the permission bits of an object reached through a
 * /proc/<pid>/fd/N link, decided by sentry/perm.c as exec decides. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/procfs_internal.h"
#include "sentry/sentry.h"

#define CAP_SYS_PTRACE_BIT (1ULL << 19)

/* ---- what an open asks for ---- */

bool procfs_wants_write(int flags)
{
	int acc = flags & O_ACCMODE;
	return acc == O_WRONLY || acc == O_RDWR || acc == O_ACCMODE || (flags & O_TRUNC);
}

static bool wants_read(int flags)
{
	int acc = flags & O_ACCMODE;
	return acc == O_RDONLY || acc == O_RDWR || acc == O_ACCMODE;
}

/* Would an open with flags get nothing the fd opened with have lacks? */
bool procfs_access_subset(int flags, int have)
{
	if (flags & O_PATH)
		return true;
	if (have & O_PATH)
		return false;
	int hacc = have & O_ACCMODE;
	bool hr = hacc == O_RDONLY || hacc == O_RDWR;
	bool hw = hacc == O_WRONLY || hacc == O_RDWR;
	return (!wants_read(flags) || hr) && (!procfs_wants_write(flags) || hw);
}

int procfs_flags_to_want(int flags)
{
	return (wants_read(flags) ? R_OK : 0) | (procfs_wants_write(flags) ? W_OK : 0);
}

/* ---- the caller's rights over a process ---- */

static int caller_creds(struct pctx *pc, struct creds *cr)
{
	int r = task_read_creds(pc->s, pc->c->t->tid, cr);
	/* A full fd table of the sentry is ENOMEM, as everywhere. */
	if (r == -ENOMEM)
		return r;
	return r < 0 ? -ESRCH : 0;
}

/* Linux's PTRACE_MODE_READ_FSCREDS check, simplified (see procfs.c). */
int procfs_may_ptrace(struct pctx *pc, pid_t pid)
{
	if (pid == pc->w.self_tgid || pid == pc->w.self_tid)
		return 0;
	char path[32];
	_cleanup_free_ char *text = NULL;
	snprintf(path, sizeof(path), "%d/status", (int)pid);
	if (pc->s->guest_procfd < 0)
		return -ENOENT;
	ssize_t n = read_file_at(pc->s->guest_procfd, path, &text);
	if (n < 0)
		return procfs_gone((int)-n);
	struct procfs_ids ids;
	if (procfs_parse_status(text, &ids) < 0)
		return -EACCES;
	if (ids.tgid == pc->w.self_tgid)
		return 0;
	struct creds cr;
	int r = caller_creds(pc, &cr);
	if (r < 0)
		return r;
	if (cr.cap_eff & CAP_SYS_PTRACE_BIT)
		return 0;
	for (int i = 0; i < 3; i++)
		if (ids.uid[i] != cr.fsuid || ids.gid[i] != cr.fsgid)
			return -EACCES;
	return 0;
}

/* Entries Linux guards with a ptrace access check of the process. */
bool procfs_needs_ptrace(const struct pnode *n)
{
	if (n->kind == PN_FD || n->kind == PN_FDINFO)
		return true;
	return n->kind == PN_ENTRY && (n->ent->flags & PE_PTRACE);
}

/* Unix permission bits of an object the guest reaches through an fd it
 * holds, for the caller. want: R_OK|W_OK|X_OK. */
int procfs_dac_check(struct pctx *pc, const struct stat *st, int want, enum perm_ids ids)
{
	struct creds cr;
	int r = caller_creds(pc, &cr);
	if (r < 0)
		return r;
	return perm_check(st, &cr, want, ids);
}
