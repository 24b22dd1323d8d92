/* SPDX-License-Identifier: Apache-2.0 */
/* Credential switching: every request runs with the guest thread's groups,
 * fs ids and capabilities over files; the gofer's own ids and capabilities
 * come back only for the steps it takes as itself, and connect(2) borrows
 * the guest's effective ids too. The ids and capabilities are per thread,
 * which is one reason the gofer serves one request at a time. */
#include "gofer/creds.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

_Static_assert(GOFER_CAPS_FS ==
		       ((1u << CAP_CHOWN) | (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) |
			(1u << CAP_FOWNER) | (1u << CAP_FSETID)),
	       "GOFER_CAPS_FS names the capabilities that follow the fsuid");

int creds_init(struct gofer_state *st)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	st->cap_permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	st->cap_inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
	st->fs_caps = data[0].effective & GOFER_CAPS_FS;
	st->caps = st->fs_caps;
	st->fs_uid = (uint32_t)setfsuid((uid_t)-1);
	st->fs_gid = (uint32_t)setfsgid((gid_t)-1);
	return 0;
}

/* The fs ids decide permission checks and the owner of new files. They
 * are only switched when they change (a guest running as root costs no
 * system call); groups likewise, and with fsuid 0 they do not matter.
 * The kernel clears the capabilities over files from the effective set
 * when the fsuid leaves 0 and raises the permitted ones again when it
 * comes back (capabilities(7)): fs_caps follows. */
static int creds_fs(struct gofer_state *st, uint32_t uid, uint32_t gid)
{
	if (st->fs_uid == uid && st->fs_gid == gid)
		return 0;
	uint32_t was = st->fs_uid;
	setfsgid(gid);
	setfsuid(uid);
	st->fs_gid = (uint32_t)setfsgid((gid_t)-1);
	st->fs_uid = (uint32_t)setfsuid((uid_t)-1);
	if (was == 0 && st->fs_uid != 0)
		st->fs_caps = 0;
	else if (was != 0 && st->fs_uid == 0)
		st->fs_caps |= (uint32_t)st->cap_permitted & GOFER_CAPS_FS;
	return st->fs_uid == uid && st->fs_gid == gid ? 0 : -EPERM;
}

/* Makes caps (GOFER_CAPS_FS bits, within the permitted set) the
 * capabilities over files in the effective set; the gofer's other
 * effective capabilities (setting ids, leases) stay. Only when they
 * change: a guest with all of them, or none as a user other than root,
 * costs no system call. */
static int creds_caps(struct gofer_state *st, uint32_t caps)
{
	caps &= (uint32_t)st->cap_permitted & GOFER_CAPS_FS;
	if (st->fs_caps == caps)
		return 0;
	uint64_t eff = (st->cap_permitted & ~(uint64_t)GOFER_CAPS_FS) | caps;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{.effective = (uint32_t)eff,
		 .permitted = (uint32_t)st->cap_permitted,
		 .inheritable = (uint32_t)st->cap_inheritable},
		{.effective = (uint32_t)(eff >> 32),
		 .permitted = (uint32_t)(st->cap_permitted >> 32),
		 .inheritable = (uint32_t)(st->cap_inheritable >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	st->fs_caps = caps;
	return 0;
}

/* Back to the gofer's own ids, for the work it does as itself. */
void creds_root(struct gofer_state *st)
{
	if (creds_fs(st, 0, 0) < 0)
		die("cannot return to fsuid 0");
	if (creds_caps(st, GOFER_CAPS_FS) < 0)
		die_errno("restoring the gofer's capabilities");
}

/* ... and to the ids of the request being served. */
int creds_back(struct gofer_state *st)
{
	int r = creds_fs(st, st->uid, st->gid);
	return r < 0 ? r : creds_caps(st, st->caps);
}

int creds_guest(struct gofer_state *st, const struct gofer_req *req)
{
	st->uid = req->uid;
	st->gid = req->gid;
	st->caps = req->caps & GOFER_CAPS_FS;
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
			   socklen_t len, gid_t tag)
{
	/* (gid_t)-1 would leave the effective gid as it is. */
	if (tag == (gid_t)-1)
		return -EINVAL;
	if (syscall(SYS_setresgid, -1, tag ? tag : st->gid, -1) < 0)
		return -errno;
	/* The fs gid followed the effective one: back to the guest's, with
	 * CAP_SETGID while the effective uid is still 0. */
	if (tag)
		setfsgid(st->gid);
	if ((uint32_t)setfsgid((gid_t)-1) != st->gid) {
		if (syscall(SYS_setresgid, -1, 0, -1) < 0)
			die_errno("restoring the effective gid");
		st->fs_gid = 0;
		return -EPERM;
	}
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
	/* Setting the effective ids set the fs ids along: they are 0 again,
	 * and an effective uid back from another to 0 has the permitted
	 * capabilities effective again (from 0 to 0 nothing changed). */
	st->fs_uid = 0;
	st->fs_gid = 0;
	if (st->uid != 0)
		st->fs_caps = (uint32_t)st->cap_permitted & GOFER_CAPS_FS;
	int e = creds_back(st);
	return r < 0 ? r : e;
}
