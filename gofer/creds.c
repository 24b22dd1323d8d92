/* SPDX-License-Identifier: Apache-2.0 */
/* Credential switching: every request runs with the guest thread's groups
 * and fs ids; the gofer's own ids come back only for the steps it takes as
 * itself, and connect(2) borrows the guest's effective ids too. The ids are
 * per thread, which is one reason the gofer serves one request at a time. */
#include "gofer/creds.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

/* The fs ids decide permission checks and the owner of new files. They
 * are only switched when they change (a guest running as root costs no
 * system call); groups likewise, and with fsuid 0 they do not matter. */
static int creds_fs(struct gofer_state *st, uint32_t uid, uint32_t gid)
{
	if (st->fs_uid == uid && st->fs_gid == gid)
		return 0;
	setfsgid(gid);
	setfsuid(uid);
	st->fs_gid = (uint32_t)setfsgid((gid_t)-1);
	st->fs_uid = (uint32_t)setfsuid((uid_t)-1);
	return st->fs_uid == uid && st->fs_gid == gid ? 0 : -EPERM;
}

/* Back to the gofer's own ids, for the work it does as itself. */
void creds_root(struct gofer_state *st)
{
	if (creds_fs(st, 0, 0) < 0)
		die("cannot return to fsuid 0");
}

/* ... and to the ids of the request being served. */
int creds_back(struct gofer_state *st)
{
	return creds_fs(st, st->uid, st->gid);
}

int creds_guest(struct gofer_state *st, const struct gofer_req *req)
{
	st->uid = req->uid;
	st->gid = req->gid;
	if (!st->groups_set || st->ngroups != req->ngroups ||
	    memcmp(st->groups, req->groups, req->ngroups * sizeof(uint32_t)) != 0) {
		gid_t groups[GOFER_MAX_GROUPS];
		for (uint32_t i = 0; i < req->ngroups; i++)
			groups[i] = req->groups[i];
		st->groups_set = false;
		if (syscall(SYS_setgroups, (size_t)req->ngroups, groups) < 0)
			return -errno;
		memcpy(st->groups, req->groups, req->ngroups * sizeof(uint32_t));
		st->ngroups = req->ngroups;
		st->groups_set = true;
	}
	int r = creds_back(st);
	if (r < 0)
		creds_root(st);
	return r;
}

bool creds_root_lacks_caps_over(const struct gofer_state *st, const struct stat *inode)
{
	return st->fs_uid == 0 &&
	       (inode->st_uid >= GUEST_ID_COUNT || inode->st_gid >= GUEST_ID_COUNT);
}

int creds_root_may(const struct gofer_state *st, const struct stat *inode, int want)
{
	if (!creds_root_lacks_caps_over(st, inode))
		return 0;
	unsigned int bits = inode->st_mode & 07;
	bool in_group = inode->st_gid == st->fs_gid;
	for (uint32_t i = 0; i < st->ngroups && !in_group; i++)
		in_group = inode->st_gid == st->groups[i];
	if (inode->st_uid == st->fs_uid)
		bits = (inode->st_mode >> 6) & 07;
	else if (in_group)
		bits = (inode->st_mode >> 3) & 07;
	return ((unsigned int)want & ~bits) ? -EACCES : 0;
}

/* connect(2) records the caller's credentials for the peer's SO_PEERCRED:
 * run it with the guest's effective ids, not only its fs ids. */
int creds_connect_as_guest(struct gofer_state *st, int sock_fd, const struct sockaddr_un *sa,
			   socklen_t len)
{
	if (syscall(SYS_setresgid, -1, st->gid, -1) < 0)
		return -errno;
	if (syscall(SYS_setresuid, -1, st->uid, -1) < 0) {
		int e = errno;
		if (syscall(SYS_setresgid, -1, 0, -1) < 0)
			die_errno("restoring the effective gid");
		st->fs_gid = 0;
		return -e;
	}
	int r = connect(sock_fd, (const struct sockaddr *)sa, len) < 0 ? -errno : 0;
	if (syscall(SYS_setresuid, -1, 0, -1) < 0 || syscall(SYS_setresgid, -1, 0, -1) < 0)
		die_errno("restoring the effective ids");
	/* Setting the effective ids set the fs ids along: they are 0 again. */
	st->fs_uid = 0;
	st->fs_gid = 0;
	int e = creds_back(st);
	return r < 0 ? r : e;
}
