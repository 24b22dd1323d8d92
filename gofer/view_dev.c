/* SPDX-License-Identifier: Apache-2.0 */
/* The view's /dev: a read-only tmpfs with the host's harmless device nodes
 * bound read-only, the /dev/tty placeholder the walk redirects, the usual
 * symlinks (in a container also runc's and crun's /dev/core), a devpts
 * instance of the sandbox's own, a writable shm and, unless the config has
 * none, the guest's IPC namespace's mqueue file system at /dev/mqueue. An
 * OCI config's tmpfs at /dev (runc's default has one) makes it that tmpfs,
 * with its options and flags, and writable unless they say ro, as runc and
 * crun mount it: the guest may then add, rename and remove files there as
 * in any tmpfs. The devices stay bind mounts, which it can neither remove nor
 * rename (EBUSY), and the placeholder of /dev/tty is known by its identity:
 * moved or linked under another name in /dev it opens the guest's own
 * terminal there, removed it is gone, as a guest may do with a crun
 * container's /dev/tty. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_build.h"

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom"};

/* The files of /dev, made in its tmpfs before it is attached. */
static int populate_dev(struct view *v, int dev_fd)
{
	static const struct {
		const char *name;
		const char *target;
	} links[] = {
		{"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
		{"ptmx", "pts/ptmx"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++)
		if (mknodat(dev_fd, dev_nodes[i], S_IFREG | 0666, 0) < 0)
			return view_fail(v, -errno, "creating /dev/%s", dev_nodes[i]);
	/* The placeholder whose identity marks /dev/tty for redirects. */
	if (mknodat(dev_fd, "tty", S_IFREG | 0666, 0) < 0)
		return view_fail(v, -errno, "creating /dev/tty");
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i].target, dev_fd, links[i].name) < 0)
			return view_fail(v, -errno, "creating /dev/%s", links[i].name);
	if (v->cfg->dev_core && symlinkat("/proc/kcore", dev_fd, "core") < 0)
		return view_fail(v, -errno, "creating /dev/core");
	if (mkdirat(dev_fd, "pts", 0755) < 0 || mkdirat(dev_fd, "shm", 01777) < 0 ||
	    (v->cfg->mqueue && mkdirat(dev_fd, "mqueue", 01777) < 0))
		return view_fail(v, -errno, "creating /dev directories");
	return 0;
}

/* A host device node, bound read-only: I/O on the device works, its inode
 * on the host cannot be changed. */
static int mount_dev_node(struct view *v, int dev_fd, const char *name)
{
	char host[64];
	snprintf(host, sizeof(host), "/dev/%s", name);
	_cleanup_close_ int src = open(host, O_PATH | O_CLOEXEC);
	if (src < 0)
		return view_fail(v, -errno, "opening the host's %s", host);
	struct stat s;
	if (fstat(src, &s) < 0 || !S_ISCHR(s.st_mode))
		return view_fail(v, -ENODEV, "the host's %s", host);
	_cleanup_close_ int target = openat(dev_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return view_fail(v, -errno, "opening /dev/%s", name);
	int mnt_fd =
		bind_clone(src, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (mnt_fd < 0)
		return view_fail(v, mnt_fd, "binding %s", host);
	int r = attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "attaching /dev/%s", name) : 0;
}

static int mount_sub(struct view *v, int dev_fd, const char *name, int mnt_fd)
{
	if (mnt_fd < 0)
		return mnt_fd;
	_cleanup_close_ int target =
		openat(dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = target < 0 ? -errno : attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "attaching /dev/%s", name) : 0;
}

int mount_dev(struct view *v)
{
	int r = mkdirs_in_view(v, "dev");
	if (r < 0)
		return view_fail(v, r, "creating /dev");
	_cleanup_close_ int target = open_in_view(v, "dev", O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return view_fail(v, target, "opening /dev");
	struct fs_opt dev_opts[GOFER_TMPFS_OPTS + 1] = {{"mode", "755"}, {"size", "64k"}};
	size_t ndev = 2;
	uint64_t dev_attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const struct gofer_tmpfs *dt = v->cfg->dev;
	if (dt) {
		/* The config's, as runc mounts it: its options alone. Read-only
		 * for a moment, while the devices are bound in, only if asked. */
		dev_opts[0] = (struct fs_opt){"source", dt->source ? dt->source : "tmpfs"};
		ndev = 1;
		for (size_t i = 0; i < dt->nopts && i < GOFER_TMPFS_OPTS; i++)
			dev_opts[ndev++] = (struct fs_opt){dt->opts[i].key, dt->opts[i].value};
		dev_attrs = dt->attrs & ~(uint64_t)MOUNT_ATTR_RDONLY;
	}
	_cleanup_close_ int dev_mnt =
		fs_new(v, "tmpfs", dev_opts, ndev, (unsigned int)dev_attrs, "/dev");
	if (dev_mnt < 0)
		return dev_mnt;
	r = attach(dev_mnt, target);
	if (r < 0)
		return view_fail(v, r, "attaching /dev");
	_cleanup_close_ int dev_fd = open_in_view(v, "dev", O_PATH | O_DIRECTORY, 0);
	if (dev_fd < 0)
		return view_fail(v, dev_fd, "opening /dev");
	r = populate_dev(v, dev_fd);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dev_nodes); i++)
		r = mount_dev_node(v, dev_fd, dev_nodes[i]);
	if (r < 0)
		return r;

	const struct fs_opt pts_opts[] = {
		{"newinstance", NULL}, {"ptmxmode", "0666"}, {"mode", "0620"}, {"gid", "5"}};
	r = mount_sub(v, dev_fd, "pts",
		      fs_new(v, "devpts", pts_opts, ARRAY_SIZE(pts_opts),
			     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts"));
	if (r < 0)
		return r;
	char size[32];
	snprintf(size, sizeof(size), "%llu", (unsigned long long)v->size);
	struct fs_opt shm_opts[GOFER_TMPFS_OPTS + 1] = {
		{"source", "shm"}, {"mode", "1777"}, {"size", size}};
	size_t nshm = 3;
	uint64_t shm_attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	const struct gofer_tmpfs *t = v->cfg->shm;
	if (t) {
		/* The config's, as runc mounts it: its options alone. */
		shm_opts[0].value = t->source ? t->source : "shm";
		nshm = 1;
		for (size_t i = 0; i < t->nopts && i < GOFER_TMPFS_OPTS; i++)
			shm_opts[nshm++] = (struct fs_opt){t->opts[i].key, t->opts[i].value};
		shm_attrs = t->attrs;
	}
	r = mount_sub(v, dev_fd, "shm",
		      fs_new(v, "tmpfs", shm_opts, nshm, (unsigned int)shm_attrs, "/dev/shm"));
	if (r < 0)
		return r;
	/* The message queues of the gofer's IPC namespace, which the guest
	 * joins: what mq_open(3) makes there shows here, as on Linux. */
	if (v->cfg->mqueue) {
		double t0 = mono_ms();
		r = mount_sub(v, dev_fd, "mqueue",
			      fs_new(v, "mqueue", NULL, 0,
				     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				     "/dev/mqueue"));
		v->mqueue_ms = mono_ms() - t0;
		if (r < 0)
			return r;
	}
	/* The sandbox's own /dev: nothing may be created, renamed or linked
	 * there, which keeps the placeholder's name the only way to /dev/tty. */
	if (dt && !(dt->attrs & MOUNT_ATTR_RDONLY))
		return 0;
	r = set_attrs(dev_mnt, MOUNT_ATTR_RDONLY, false);
	return r < 0 ? view_fail(v, r, "making /dev read-only") : 0;
}
