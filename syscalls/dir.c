/* SPDX-License-Identifier: Apache-2.0 */
/* Directory listings. Implements Linux syscall getdents64(2).
 *
 * The writable layer is an overlayfs whose layers lie on different file
 * systems (a tmpfs over the host's disk). There, stat of a directory gives
 * the overlay's own inode number, while a listing gives each directory
 * entry's number in the layer that holds it (the kernel translates them
 * only with xino, which sets high bits of every lower inode number). The
 * sentry lists such a directory itself, on the guest's own open file (the
 * offset is shared), and gives each directory entry the number stat gives,
 * as Linux does on one file system. Any other directory is listed natively
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"

#define ARG(i) (c->req->data.args[i])

/* At most this much of a listing per call: a caller loops until 0. */
#define GETDENTS_MAX 32768

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Gives each directory entry of buf (n bytes listed from dir_fd) the inode
 * number stat(2) gives it. An entry that is a mount point keeps its own:
 * Linux gives the covered directory's there, which stat cannot see. */
static void fix_dir_inos(int dir_fd, const struct stat *dir, char *buf, size_t n)
{
	for (size_t off = 0; off + offsetof(struct linux_dirent64, d_name) < n;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
		if (d->d_reclen == 0 || off + d->d_reclen > n)
			break;
		off += d->d_reclen;
		if (d->d_type != DT_DIR)
			continue;
		struct stat st;
		if (strcmp(d->d_name, ".") == 0)
			st = *dir;
		else if (fstatat(dir_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) < 0)
			continue; /* gone since: the listing's number stands */
		if (st.st_dev == dir->st_dev && S_ISDIR(st.st_mode))
			d->d_ino = st.st_ino;
	}
}

/* Is dir_fd (attributes dir) a directory of an overlayfs? The devices
 * found to be one are remembered, which spares the statfs of every later
 * call on them. A device number stays an overlay's while it is mounted,
 * and the view's are for the sandbox's life; should one outside the view
 * be reused for another file system, its directories are listed by the
 * sentry, which gives what Linux gives there: on one file system a
 * directory entry's number is the one stat gives. */
static bool on_overlay(struct sentry *s, int dir_fd, const struct stat *dir)
{
	for (size_t i = 0; i < s->noverlay_devs; i++) {
		if (s->overlay_devs[i] == (uint64_t)dir->st_dev)
			return true;
	}
	struct statfs sfs;
	if (fstatfs(dir_fd, &sfs) < 0 || sfs.f_type != OVERLAYFS_SUPER_MAGIC)
		return false;
	if (s->noverlay_devs < sizeof(s->overlay_devs) / sizeof(s->overlay_devs[0]))
		s->overlay_devs[s->noverlay_devs++] = (uint64_t)dir->st_dev;
	return true;
}

int sys_getdents64(struct sc_ctx *c)
{
	int guest_fd = (int)ARG(0);
	/* An O_PATH placeholder is listed natively, which fails as Linux's
	 * O_PATH fd does not (see syscalls/table.c). */
	if (opath_guest_flags(c->s, (pid_t)c->req->pid, guest_fd) >= 0) {
		c->cont = true;
		return 0;
	}
	int fd = guest_getfd(c, guest_fd);
	if (fd < 0) {
		c->error = fd;
		return 0;
	}
	_cleanup_close_ int fd_owned = fd;
	struct stat dir;
	if (fstat(fd, &dir) < 0 || !S_ISDIR(dir.st_mode) || !on_overlay(c->s, fd, &dir)) {
		c->cont = true;
		return 0;
	}
	uint64_t count = (uint32_t)ARG(2); /* the kernel's unsigned int */
	if (count > GETDENTS_MAX)
		count = GETDENTS_MAX;
	_cleanup_free_ char *buf = xmalloc(GETDENTS_MAX);
	/* Checked before the listing moves the shared offset. */
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		return 0;
	}
	off_t pos = lseek(fd, 0, SEEK_CUR);
	ssize_t n = getdents64(fd, buf, (size_t)count);
	if (n < 0) {
		c->error = -errno;
		return 0;
	}
	fix_dir_inos(fd, &dir, buf, (size_t)n);
	if (n > 0 && guest_write(c->req->pid, ARG(1), buf, (size_t)n) < 0) {
		/* Linux lists nothing into a bad buffer, and the entries stay
		 * for the next call. */
		if (pos >= 0)
			lseek(fd, pos, SEEK_SET);
		c->error = -EFAULT;
		return 0;
	}
	c->val = n;
	return 0;
}
