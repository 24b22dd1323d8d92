/* SPDX-License-Identifier: Apache-2.0 */
/* What sandboxes whose launcher died left under CG_BASE, removed
 * (cg_sweep), and the count of living sandboxes that spares a start the
 * look into every sandbox cgroup when nothing was left.
 *
 * A living sandbox holds a lock on its sandbox cgroup; telling a dead one
 * from a living one costs an open and a flock of each. Done at every
 * start, that look grew with the number of sandboxes alive (~140 living
 * ones: 20 to 140 ms per start on a loaded 2-CPU host). So each sandbox
 * also holds a unit of a System V semaphore per hierarchy it has a cgroup
 * in, taken with SEM_UNDO: the kernel gives the units back when its
 * launcher exits, SIGKILL included, and a semaphore's value is the number
 * of living sandboxes counted there, read for all hierarchies in one call.
 * A hierarchy's CG_BASE holds as many subdirectories as its link count
 * says (one stat); only where that is more than the living count can a
 * dead sandbox's cgroup be there, and only then is it listed and each
 * sandbox's lock tried. The units are taken before the cgroups are made
 * and given back after they are removed, so a living sandbox's cgroup is
 * always counted. A removal that failed (a cgroup left behind with its
 * units given back) is swept the same way.
 *
 * The count only ever decides whether to look: the locks alone decide
 * what is removed. A count that cannot be trusted (no semaphore set, one
 * owned by another user, launchers of an older runsc-c or of another IPC
 * namespace that hold no unit) makes the sweep look, as it always did. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/cgroup_impl.h"

/* The set's key: one set per cgroup root (a unit test's tree has its
 * own), "RC" and 16 bits of the root's FNV-1a hash. */
static key_t live_key(const char *root)
{
	uint32_t h = 2166136261u;
	for (const char *p = root; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return (key_t)(0x52430000u | ((h ^ (h >> 16)) & 0xffffu));
}

union live_arg {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The host's set, made if missing, or -1. A set that is not exactly the
 * one runsc-c makes (another owner, mode or size: another program's, or
 * one that could be made to lie) is not used. */
static int live_open(const struct cg_host *host)
{
	int id = semget(live_key(host->root), CG_NCONTROLLERS, IPC_CREAT | 0600);
	if (id < 0)
		return -1;
	struct semid_ds ds;
	if (semctl(id, 0, IPC_STAT, (union live_arg){.buf = &ds}) < 0)
		return -1;
	uid_t me = geteuid();
	if (ds.sem_perm.uid != me || ds.sem_perm.cuid != me || (ds.sem_perm.mode & 0777) != 0600 ||
	    ds.sem_nsems != CG_NCONTROLLERS)
		return -1;
	return id;
}

/* The slot of hierarchy h: the first controller the host keeps there. */
static int live_slot(const struct cg_host *host, const struct cg_hierarchy *h)
{
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (host->version[c] == h->version && strlen(host->mount[c]) == h->mount_len &&
		    strncmp(host->mount[c], h->path, h->mount_len) == 0)
			return c;
	return -1;
}

/* SEM_UNDO units belong to the IPC namespace the process is in: a change
 * of namespace (sandbox.c's ipcns_new, before the gofer's fork) gives back
 * at once the units of every sandbox the process holds. Each launcher and
 * service monitor makes one sandbox and holds after that change; a caller
 * that made a second sandbox in one process while holding the first's
 * would leave the count wrong (above the living sandboxes at its exit,
 * which stops the sweep of dead ones). */
void cg_live_hold(const struct cg_host *host, struct cgroup *cg)
{
	cg->live_id = -1;
	cg->nlive = 0;
	struct sembuf op[CG_NCONTROLLERS];
	for (int i = 0; i < cg->nh; i++) {
		int slot = live_slot(host, &cg->h[i]);
		if (slot < 0)
			return;
		op[i] = (struct sembuf){
			.sem_num = (unsigned short)slot, .sem_op = 1, .sem_flg = SEM_UNDO};
	}
	int id = live_open(host);
	if (id < 0 || semop(id, op, (size_t)cg->nh) < 0)
		return;
	cg->live_id = id;
	cg->nlive = cg->nh;
	for (int i = 0; i < cg->nh; i++)
		cg->live_slot[i] = op[i].sem_num;
}

void cg_live_release(struct cgroup *cg)
{
	if (cg->live_id < 0)
		return;
	struct sembuf op[CG_NCONTROLLERS];
	for (int i = 0; i < cg->nlive; i++)
		op[i] = (struct sembuf){.sem_num = cg->live_slot[i],
					.sem_op = -1,
					.sem_flg = SEM_UNDO | IPC_NOWAIT};
	/* Failing (the set was removed meanwhile), the units go at exit. */
	(void)semop(cg->live_id, op, (size_t)cg->nlive);
	cg->live_id = -1;
	cg->nlive = 0;
}

/* Whether fd is still the directory name in base_fd lists: a launcher
 * removes its cgroup before it lets go of the lock, so a lock taken just
 * after that is on a directory already gone. */
static bool still_listed(int base_fd, const char *name, int fd)
{
	struct stat listed, held;
	return fstatat(base_fd, name, &listed, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &held) == 0 &&
	       listed.st_dev == held.st_dev && listed.st_ino == held.st_ino;
}

/* One hierarchy's leftovers: the sandbox cgroups in it whose lock nobody
 * holds, removed under the base folder's lock (hierarchy_create holds it
 * shared from mkdir until the new cgroup is locked, so a cgroup being made
 * is never taken for a dead one). living: how many living sandboxes count
 * a cgroup here (-1: unknown). Returns how many it removed, or -EBUSY
 * when a sandbox being made holds the base; adds to *looked the sandbox
 * cgroups whose lock it tried. */
static int sweep_base(const char *mount, long living, unsigned *looked)
{
	char base[PATH_MAX];
	int n = snprintf(base, sizeof(base), "%s/%s", mount, CG_BASE);
	if (n < 0 || (size_t)n >= sizeof(base))
		return 0;
	/* A directory's link count is 2 plus its subdirectories on cgroupfs
	 * (and on the file systems of the unit tests' trees): no more
	 * sandbox cgroups than living sandboxes, none of them is dead. */
	struct stat st;
	if (stat(base, &st) < 0 || (long)st.st_nlink - 2 <= (living > 0 ? living : 0))
		return 0;
	DIR *d = opendir(base);
	int base_fd = d ? dirfd(d) : -1;
	if (base_fd < 0 || flock(base_fd, LOCK_EX | LOCK_NB) < 0) {
		int r = base_fd < 0 ? 0 : -EBUSY; /* nothing there, or next time */
		if (d)
			closedir(d);
		return r;
	}
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		_cleanup_close_ int fd =
			openat(base_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		(*looked)++;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* its sandbox lives */
		if (still_listed(base_fd, e->d_name, fd) &&
		    cg_remove_sandbox_dir(base_fd, e->d_name) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

int cg_sweep(const struct cg_host *host, unsigned *looked)
{
	unsigned looked_here = 0;
	if (!looked)
		looked = &looked_here;
	unsigned short living[CG_NCONTROLLERS];
	int id = live_open(host);
	bool counted = id >= 0 && semctl(id, 0, GETALL, (union live_arg){.array = living}) == 0;
	/* Every hierarchy on its own: a launcher killed while it made or
	 * removed its cgroups leaves them in any subset of the hierarchies.
	 * The freezer's first, as cg_remove() does, so that a frozen
	 * leftover is thawed and killed before the others are emptied. */
	int removed = 0;
	for (int c = CG_NCONTROLLERS - 1; c >= 0; c--) {
		if (!cg_first_in_mount(host, c))
			continue;
		int r = sweep_base(host->mount[c], counted ? living[c] : -1, looked);
		/* A v1 freezer left for next time may hold a frozen leftover:
		 * its tasks die only once thawed there, and until then every
		 * other hierarchy's removal of it would wait out its bound
		 * (seconds). They wait for the next sweep too. */
		if (r == -EBUSY && c == CG_FREEZER && host->version[c] == CG_V1)
			break;
		removed += r > 0 ? r : 0;
	}
	return removed;
}
