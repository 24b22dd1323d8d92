/* SPDX-License-Identifier: Apache-2.0 */
/* Building the sandbox's file view in the gofer's own mount namespace.
 *
 * Nothing is created on the host: every mount below is made in a private
 * mount namespace, the scratch space is a tmpfs mounted over an existing
 * directory of that namespace, and everything the view needs from the host
 * (the rootfs, its submounts, volumes) is opened before anything is covered.
 *
 *   /             overlayfs: lower = the rootfs, upper = a private tmpfs of
 *                 bounded size; hidden host secrets are whiteouts in it
 *   /<submount>   for each host mount below the rootfs (the host's root
 *                 only): an overlay of its own, or a read-only bind
 *   /root /home   empty private tmpfs (host's root only), modes as the host's
 *   /run /var/run
 *   /proc         an empty read-only tmpfs: the sentry synthesizes /proc and
 *                 the gofer redirects walks that reach it
 *   /sys          the sandbox's own sysfs, a read-only tmpfs with the
 *                 sandbox's CPUs and a few host values (view_sys.c)
 *   /dev          a read-only tmpfs: null zero full random urandom bound from
 *                 the host (read-only binds: the device works, its inode is
 *                 safe), tty (placeholder, redirected), fd/stdin/stdout/
 *                 stderr/ptmx symlinks, pts (a devpts instance of its own),
 *                 shm (writable tmpfs)
 *   volumes       bind mounts, read-only when asked; tmpfs volumes
 *                 (config.json's) file systems of their own
 *   masked and    over all of the above: an empty read-only tmpfs, the
 *   read-only     host's /dev/null, or a read-only bind (view_mask.c)
 *   paths
 *
 * Then the gofer pivot_roots into the view and detaches the old root: no
 * host path is reachable any more, and there is no procfs.
 *
 * This file holds the build's order and the mounts; hidden paths are in
 * view_hide.c, /dev in view_dev.c, /sys in view_sys.c, masked paths in
 * view_mask.c. Every step reports a failure the one way view_build.h
 * describes (view_fail). */
#include "gofer/view_build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "policy/policy.h"

/* Where the scratch tmpfs is mounted in the gofer's namespace: the first of
 * these that is a directory. It covers that directory only there. */
static const char *const staging_dirs[] = {"/tmp", "/mnt", "/var/tmp", "/opt"};

/* Host mounts of these types are kernel interfaces, not files. */
static const char *const pseudo_fs[] = {
	"proc",	      "sysfs",	    "devtmpfs",	 "devpts",    "cgroup",	     "cgroup2",
	"securityfs", "debugfs",    "tracefs",	 "bpf",	      "pstore",	     "configfs",
	"fusectl",    "mqueue",	    "hugetlbfs", "autofs",    "binfmt_misc", "nsfs",
	"efivarfs",   "rpc_pipefs", "nfsd",	 "selinuxfs",
};

/* Below the rootfs, never taken from the host. */
static const char *const excluded_always[] = {"proc", "sys", "dev"};
/* ... and when the rootfs is the host's root: private tmpfs instead. */
static const char *const private_dirs[] = {"root", "home", "run", "var/run"};

int view_fail(struct view *v, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(v->err, v->err_size, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < v->err_size)
		snprintf(v->err + n, v->err_size - (size_t)n, ": %s", strerror(-err));
	return err;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* ---- helpers on the new mount API ---- */

/* The kernel explains a failed fs_context in the context's log. */
static void fs_log(int fs_fd, char *buf, size_t size)
{
	buf[0] = '\0';
	ssize_t n = read(fs_fd, buf, size - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
}

/* Creates a detached mount of a new file system instance. */
int fs_new(struct view *v, const char *type, const struct fs_opt *opts, size_t nopts,
	   unsigned int attrs, const char *what)
{
	_cleanup_close_ int fs_fd = fsopen(type, FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		return view_fail(v, -errno, "%s: creating a %s", what, type);
	/* The source the mount table shows: the type, as runc's mounts
	 * name theirs, unless the options give one. */
	bool sourced = false;
	for (size_t i = 0; i < nopts; i++)
		sourced |= strcmp(opts[i].key, "source") == 0;
	if (!sourced && fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", type, 0) < 0)
		return view_fail(v, -errno, "%s: naming the %s's source", what, type);
	for (size_t i = 0; i < nopts; i++) {
		int r = opts[i].value ? fsconfig(fs_fd, FSCONFIG_SET_STRING, opts[i].key,
						 opts[i].value, 0)
				      : fsconfig(fs_fd, FSCONFIG_SET_FLAG, opts[i].key, NULL, 0);
		if (r < 0) {
			int e = errno;
			char log[256];
			fs_log(fs_fd, log, sizeof(log));
			return view_fail(v, -e, "%s: %s option %s %s", what, type, opts[i].key,
					 log);
		}
	}
	if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		char log[256];
		fs_log(fs_fd, log, sizeof(log));
		return view_fail(v, -e, "%s: creating the %s %s", what, type, log);
	}
	int mnt_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, attrs);
	if (mnt_fd < 0)
		return view_fail(v, -errno, "%s: mounting the %s", what, type);
	return mnt_fd;
}

int set_attrs(int mnt_fd, uint64_t attrs, bool recursive)
{
	struct mount_attr attr = {.attr_set = attrs};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	return mount_setattr(mnt_fd, "", flags, &attr, sizeof(attr)) < 0 ? -errno : 0;
}

int attach(int mnt_fd, int target_fd)
{
	if (move_mount(mnt_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* A bind mount of what fd refers to, detached, with attrs. */
int bind_clone(int fd, bool recursive, uint64_t attrs)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			     (recursive ? AT_RECURSIVE : 0);
	int mnt_fd = open_tree(fd, "", flags);
	if (mnt_fd < 0)
		return -errno;
	int r = set_attrs(mnt_fd, attrs, recursive);
	if (r < 0) {
		close(mnt_fd);
		return r;
	}
	return mnt_fd;
}

/* ---- paths inside the view ---- */

/* Opens rel inside the view; symlinks resolve inside it too. */
int open_in_view(struct view *v, const char *rel, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	if (flags & O_CREAT)
		how.mode = 0644;
	int fd = (int)raw_openat2(v->root_fd, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* mkdir rel inside the view, its parent existing. */
static int mkdir_in_view(struct view *v, const char *rel)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	int parent_fd;
	if (slash) {
		size_t n = (size_t)(slash - rel);
		memcpy(parent, rel, n);
		parent[n] = '\0';
		parent_fd = open_in_view(v, parent, O_PATH | O_DIRECTORY, 0);
	} else {
		parent_fd = fcntl(v->root_fd, F_DUPFD_CLOEXEC, 3);
		if (parent_fd < 0)
			parent_fd = -errno;
	}
	if (parent_fd < 0)
		return parent_fd;
	int r = mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST ? -errno : 0;
	close(parent_fd);
	return r;
}

int path_prefixes(const char *rel, int (*fn)(void *arg, const char *prefix), void *arg)
{
	char buf[PATH_MAX];
	if (strlen(rel) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, rel);
	for (char *p = buf;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (p > buf && p[-1] != '/') {
			int r = fn(arg, buf);
			if (r < 0)
				return r;
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

static int dir_in_view(void *arg, const char *prefix)
{
	struct view *v = arg;
	int fd = open_in_view(v, prefix, O_PATH | O_DIRECTORY, 0);
	if (fd == -ENOENT) {
		int r = mkdir_in_view(v, prefix);
		if (r < 0)
			return r;
		fd = open_in_view(v, prefix, O_PATH | O_DIRECTORY, 0);
	}
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* mkdir -p rel inside the view (new directories 0755, owned by root). */
int mkdirs_in_view(struct view *v, const char *rel)
{
	return path_prefixes(rel, dir_in_view, v);
}

/* ---- the host, read before anything is covered ---- */

static bool has_option(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = opts; p && *p;) {
		if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* The path of a mount point below the rootfs, or NULL. */
static const char *rel_below_rootfs(const struct view *v, const char *mp)
{
	if (v->host_root)
		return mp[1] ? mp + 1 : NULL;
	size_t n = strlen(v->rootfs_real);
	if (strncmp(mp, v->rootfs_real, n) != 0 || mp[n] != '/' || mp[n + 1] == '\0')
		return NULL;
	return mp + n + 1;
}

/* The policy's tmpfs paths, without the leading '/'; "" for one that is
 * not a plain path below the root. */
static const char *policy_tmpfs_rel(const struct policy_view *pv, uint32_t i)
{
	const char *g = policy_rule_glob(pv, policy_rule_first(pv, POLICY_RULE_TMPFS) + i);
	if (!g || g[0] != '/' || strpbrk(g, "*?\\"))
		return "";
	return g + 1;
}

static bool skip_rel_policy(const struct policy_view *pv, const char *rel)
{
	for (uint32_t i = 0; i < policy_rule_count(pv, POLICY_RULE_TMPFS); i++) {
		const char *t = policy_tmpfs_rel(pv, i);
		if (t[0] && under(rel, t))
			return true;
	}
	char vpath[PATH_MAX];
	snprintf(vpath, sizeof(vpath), "/%s", rel);
	return policy_path_hidden(pv, vpath, NULL);
}

static bool skip_rel(const struct view *v, const char *rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(excluded_always); i++)
		if (under(rel, excluded_always[i]))
			return true;
	if (v->cfg->policy)
		return skip_rel_policy(v->cfg->policy, rel);
	if (v->cfg->hide_host_secrets)
		for (size_t i = 0; i < ARRAY_SIZE(private_dirs); i++)
			if (under(rel, private_dirs[i]))
				return true;
	return false;
}

static void add_host_mount(struct view *v, const char *rel, const char *mp, bool noexec)
{
	/* A later line mounted over an earlier one at the same place. */
	for (size_t i = 0; i < v->nmounts; i++) {
		if (strcmp(v->mounts[i].rel, rel) == 0) {
			close(v->mounts[i].fd);
			free(v->mounts[i].rel);
			v->mounts[i] = v->mounts[--v->nmounts];
			break;
		}
	}
	int fd = open(mp, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	struct stat s;
	if (fd < 0 || fstat(fd, &s) < 0) {
		log_msg("view: not showing host mount %s: %s", mp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	v->mounts = realloc(v->mounts, (v->nmounts + 1) * sizeof(*v->mounts));
	if (!v->mounts)
		die("out of memory");
	v->mounts[v->nmounts++] = (struct host_mount){
		.rel = xstrdup(rel),
		.fd = fd,
		.is_dir = S_ISDIR(s.st_mode),
		.noexec = noexec,
	};
}

static int cmp_mount(const void *a, const void *b)
{
	return strcmp(((const struct host_mount *)a)->rel, ((const struct host_mount *)b)->rel);
}

/* Lists the host's mounts below the rootfs that the view reproduces. */
static int collect_host_mounts(struct view *v)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf);
	if (n < 0)
		return view_fail(v, (int)n, "reading /proc/self/mountinfo");
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* id parent dev root mountpoint options [optional] - type source super */
		char mp[PATH_MAX], opts[1024], type[64];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*d %*d %*s %*s %4095s %1023s", mp, opts) != 2 ||
		    sscanf(sep + 3, "%63s", type) != 1)
			continue;
		unescape_octal(mp);
		const char *rel = rel_below_rootfs(v, mp);
		if (!rel || skip_rel(v, rel) || in_list(type, pseudo_fs, ARRAY_SIZE(pseudo_fs)))
			continue;
		add_host_mount(v, rel, mp, has_option(opts, "noexec"));
	}
	if (v->nmounts)
		qsort(v->mounts, v->nmounts, sizeof(*v->mounts), cmp_mount);
	return 0;
}

/* The volumes in the order given (a later one on the same path covers an
 * earlier one, and the mount table lists them as the config does), except
 * that one moves before any earlier one below it, which it would hide. */
static void order_volumes(struct volume_src *vols, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = 0;
		while (j < i &&
		       !(under(vols[j].rel, vols[i].rel) && strcmp(vols[j].rel, vols[i].rel) != 0))
			j++;
		if (j == i)
			continue;
		struct volume_src s = vols[i];
		memmove(&vols[j + 1], &vols[j], (i - j) * sizeof(*vols));
		vols[j] = s;
	}
}

static int open_volumes(struct view *v)
{
	size_t n = v->cfg->nvolumes;
	v->vols = xcalloc(n ? n : 1, sizeof(*v->vols));
	for (size_t i = 0; i < n; i++) {
		const struct gofer_volume *vol = &v->cfg->volumes[i];
		struct volume_src *s = &v->vols[i];
		s->vol = vol;
		s->fd = -1;
		s->rel = vol->guest;
		while (*s->rel == '/')
			s->rel++;
		if (vol->guest[0] != '/' || *s->rel == '\0')
			return view_fail(v, -EINVAL,
					 "volume %s:%s: the guest path must be absolute and not /",
					 vol->host, vol->guest);
		if (vol->tmpfs) {
			s->is_dir = true;
			continue;
		}
		/* Cloned now, with the mounts below it: a volume of the very
		 * directory the scratch tmpfs will cover shows the host's. */
		s->fd = open_tree(AT_FDCWD, vol->host,
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		struct stat st;
		if (s->fd < 0 || fstat(s->fd, &st) < 0)
			return view_fail(v, -errno, "volume %s", vol->host);
		s->is_dir = S_ISDIR(st.st_mode);
	}
	if (n)
		order_volumes(v->vols, n);
	return 0;
}

/* ---- the writable layer ---- */

static int mount_staging(struct view *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(staging_dirs); i++) {
		struct stat s;
		if (lstat(staging_dirs[i], &s) == 0 && S_ISDIR(s.st_mode)) {
			v->staging = staging_dirs[i];
			break;
		}
	}
	if (!v->staging)
		return view_fail(v, -ENOENT, "finding a directory for the scratch tmpfs");
	char opts[64];
	snprintf(opts, sizeof(opts), "size=%llu,mode=0700", (unsigned long long)v->size);
	/* Not nodev: the whiteouts in the upper layers are device nodes. */
	if (mount("tmpfs", v->staging, "tmpfs", MS_NOSUID, opts) < 0)
		return view_fail(v, -errno, "mounting the scratch tmpfs on %s", v->staging);
	v->staging_fd = open(v->staging, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->staging_fd < 0)
		return view_fail(v, -errno, "opening the scratch tmpfs");
	if (mkdirat(v->staging_fd, "upper", 0700) < 0 || mkdirat(v->staging_fd, "work", 0700) < 0 ||
	    mkdirat(v->staging_fd, "root", 0755) < 0)
		return view_fail(v, -errno, "creating the scratch directories");
	v->upper_fd = openat(v->staging_fd, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	v->work_fd = openat(v->staging_fd, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->upper_fd < 0 || v->work_fd < 0)
		return view_fail(v, -errno, "opening the scratch directories");
	snprintf(v->root_path, sizeof(v->root_path), "%s/root", v->staging);
	return 0;
}

/* Gives a directory of the upper layer the owner, mode and times of its
 * lower twin: overlayfs shows a merged directory with the upper's. */
int copy_dir_attrs(int dir_fd, const char *name, const struct stat *like)
{
	struct timespec ts[2] = {like->st_atim, like->st_mtim};
	if (fchownat(dir_fd, name, like->st_uid, like->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir_fd, name, like->st_mode & 07777, 0) < 0 ||
	    utimensat(dir_fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/* upper/<n> and work/<n> for a new overlay whose lower root is lower_fd. */
static int new_layer(struct view *v, int lower_fd, unsigned int *layer)
{
	struct stat s;
	if (fstat(lower_fd, &s) < 0)
		return -errno;
	char name[16];
	*layer = v->nlayers++;
	snprintf(name, sizeof(name), "%u", *layer);
	if (mkdirat(v->upper_fd, name, 0700) < 0 || mkdirat(v->work_fd, name, 0700) < 0)
		return -errno;
	return copy_dir_attrs(v->upper_fd, name, &s);
}

/* A detached overlay: lower = lower_fd, with a fresh upper and work. */
static int overlay_new(struct view *v, int lower_fd, const char *layer_rel, unsigned int attrs,
		       const char *what)
{
	unsigned int layer = 0;
	int r = new_layer(v, lower_fd, &layer);
	if (r < 0)
		return view_fail(v, r, "%s: creating its writable layer", what);
	char name[16];
	snprintf(name, sizeof(name), "%u", layer);
	_cleanup_close_ int upper = openat(v->upper_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int work = openat(v->work_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (upper < 0 || work < 0)
		return view_fail(v, -errno, "%s: opening its writable layer", what);
	if (v->cfg->policy) {
		r = hide_policy(v, upper, lower_fd, layer_rel);
		if (r < 0)
			return r;
	} else if (v->cfg->hide_host_secrets && has_secrets(layer_rel)) {
		r = hide_secrets(v, upper, lower_fd, layer_rel);
		if (r < 0)
			return r;
	}
	if (wants_resolv_conf(v, layer_rel) &&
	    (r = write_resolv_conf(v, upper, lower_fd, layer_rel)) < 0)
		return r;
	/* Paths through our own fds: no escaping, and the lower may be covered. */
	char lower_path[64], upper_path[64], work_path[64];
	snprintf(lower_path, sizeof(lower_path), "/proc/self/fd/%d", lower_fd);
	snprintf(upper_path, sizeof(upper_path), "/proc/self/fd/%d", upper);
	snprintf(work_path, sizeof(work_path), "/proc/self/fd/%d", work);
	const struct fs_opt opts[] = {
		{"lowerdir", lower_path},
		{"upperdir", upper_path},
		{"workdir", work_path},
		/* Renaming a directory of the lower layer works as on Linux
		 * (without it, EXDEV). */
		{"redirect_dir", "on"},
	};
	return fs_new(v, "overlay", opts, ARRAY_SIZE(opts), attrs, what);
}

static int mount_root(struct view *v)
{
	int mnt_fd = overlay_new(v, v->rootfs_fd, "", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
				 "the root overlay");
	if (mnt_fd < 0)
		return mnt_fd;
	int r = move_mount(mnt_fd, "", AT_FDCWD, v->root_path, MOVE_MOUNT_F_EMPTY_PATH);
	close(mnt_fd);
	if (r < 0)
		return view_fail(v, -errno, "attaching the root overlay");
	v->root_fd = open(v->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->root_fd < 0)
		return view_fail(v, -errno, "opening the view's root");
	return 0;
}

/* One host mount below the rootfs: a private overlay of it, or else a
 * read-only bind. Mounts that cannot be reproduced are left out, said so. */
static void mount_host_mount(struct view *v, const struct host_mount *m)
{
	if (strcmp(m->rel, "etc/resolv.conf") == 0 && wants_resolv_conf(v, ""))
		return; /* the sandbox's own is in the root's layer */
	int flags = O_PATH | (m->is_dir ? O_DIRECTORY : 0);
	_cleanup_close_ int target = open_in_view(v, m->rel, flags, RESOLVE_NO_SYMLINKS);
	if (target < 0) {
		log_msg("view: not showing host mount /%s: %s", m->rel, strerror(-target));
		return;
	}
	unsigned int attrs =
		MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->noexec ? MOUNT_ATTR_NOEXEC : 0);
	int mnt_fd = -1;
	if (m->is_dir) {
		char what[PATH_MAX + 32];
		snprintf(what, sizeof(what), "host mount /%s", m->rel);
		mnt_fd = overlay_new(v, m->fd, m->rel, attrs, what);
		if (mnt_fd < 0)
			log_msg("%s; showing it read-only", v->err);
	}
	if (mnt_fd < 0) {
		mnt_fd = bind_clone(m->fd, false, attrs | MOUNT_ATTR_RDONLY);
		if (mnt_fd < 0) {
			log_msg("view: not showing host mount /%s: %s", m->rel, strerror(-mnt_fd));
			return;
		}
		if (v->cfg->hide_host_secrets && has_secrets(m->rel))
			log_msg("view: host mount /%s is read-only; its secrets stay visible",
				m->rel);
	}
	int r = attach(mnt_fd, target);
	close(mnt_fd);
	if (r < 0)
		log_msg("view: not showing host mount /%s: %s", m->rel, strerror(-r));
}

/* An empty private directory at rel with the mode and owner the directory
 * there has: a directory of the scratch tmpfs, bound there. No file system
 * is made for it (each one would cost a superblock, whose shrinker every
 * memory cgroup on the host pays for), and --disk bounds it together with
 * the writable layer. */
static int mount_private_dir(struct view *v, const char *rel)
{
	_cleanup_close_ int target =
		open_in_view(v, rel, O_PATH | O_DIRECTORY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	if (target == -ENOENT || target == -ENOTDIR || target == -ELOOP)
		return 0; /* absent or a symlink (/var/run -> /run) */
	if (target < 0)
		return view_fail(v, target, "opening /%s", rel);
	struct stat s;
	if (fstat(target, &s) < 0)
		return view_fail(v, -errno, "stat /%s", rel);
	if (v->private_fd < 0) {
		if (mkdirat(v->staging_fd, "private", 0700) < 0)
			return view_fail(v, -errno, "creating the private directories");
		v->private_fd = openat(v->staging_fd, "private", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (v->private_fd < 0)
			return view_fail(v, -errno, "opening the private directories");
	}
	char name[16];
	snprintf(name, sizeof(name), "%u", v->nprivate++);
	if (mkdirat(v->private_fd, name, 0700) < 0)
		return view_fail(v, -errno, "private /%s: creating it", rel);
	int r = copy_dir_attrs(v->private_fd, name, &s);
	if (r < 0)
		return view_fail(v, r, "private /%s: setting its owner and mode", rel);
	_cleanup_close_ int dir = openat(v->private_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return view_fail(v, -errno, "private /%s: opening it", rel);
	int mnt_fd = bind_clone(dir, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (mnt_fd < 0)
		return view_fail(v, mnt_fd, "private /%s: binding it", rel);
	r = attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "attaching private /%s", rel) : 0;
}

/* The policy's tmpfs entries, each once. */
static int mount_policy_tmpfs(struct view *v)
{
	const struct policy_view *pv = v->cfg->policy;
	uint32_t n = policy_rule_count(pv, POLICY_RULE_TMPFS);
	int r = 0;
	for (uint32_t i = 0; r == 0 && i < n; i++) {
		const char *rel = policy_tmpfs_rel(pv, i);
		bool seen = !rel[0];
		for (uint32_t j = 0; !seen && j < i; j++)
			seen = strcmp(rel, policy_tmpfs_rel(pv, j)) == 0;
		if (!seen)
			r = mount_private_dir(v, rel);
	}
	return r;
}

/* An empty read-only tmpfs at rel (created if missing). */
static int mount_empty_ro(struct view *v, const char *rel)
{
	int r = mkdirs_in_view(v, rel);
	if (r < 0)
		return view_fail(v, r, "creating /%s", rel);
	_cleanup_close_ int target = open_in_view(v, rel, O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return view_fail(v, target, "opening /%s", rel);
	const struct fs_opt opts[] = {{"mode", "555"}, {"size", "4k"}, {"nr_inodes", "1"}};
	char what[64];
	snprintf(what, sizeof(what), "empty /%s", rel);
	const unsigned int attrs =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	/* One file system for all of them (read-only, and nothing fits in
	 * it): the second and later are binds of the first. */
	int mnt_fd = v->empty_fd < 0 ? fs_new(v, "tmpfs", opts, ARRAY_SIZE(opts), attrs, what)
				     : bind_clone(v->empty_fd, false, attrs);
	if (mnt_fd < 0)
		return v->empty_fd < 0 ? mnt_fd : view_fail(v, mnt_fd, "%s: binding it", what);
	r = attach(mnt_fd, target);
	if (r == 0 && v->empty_fd < 0) {
		v->empty_fd = mnt_fd;
		mnt_fd = -1;
	}
	if (mnt_fd >= 0)
		close(mnt_fd);
	return r < 0 ? view_fail(v, r, "attaching empty /%s", rel) : 0;
}

/* A tmpfs volume: a file system of its own, with its options and flags. */
static int mount_tmpfs_volume(struct view *v, const struct volume_src *s)
{
	const struct gofer_tmpfs *t = s->vol->tmpfs;
	char what[PATH_MAX + 16];
	snprintf(what, sizeof(what), "tmpfs %s", s->vol->guest);
	int r = mkdirs_in_view(v, s->rel);
	if (r < 0)
		return view_fail(v, r, "%s: creating its mount point", what);
	_cleanup_close_ int target = open_in_view(v, s->rel, O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return view_fail(v, target, "%s: opening its mount point", what);
	struct fs_opt opts[GOFER_TMPFS_OPTS + 1] = {{"source", t->source ? t->source : "tmpfs"}};
	size_t n = 1;
	for (size_t i = 0; i < t->nopts && i < GOFER_TMPFS_OPTS; i++)
		opts[n++] = (struct fs_opt){t->opts[i].key, t->opts[i].value};
	int mnt_fd = fs_new(v, "tmpfs", opts, n, (unsigned int)t->attrs, what);
	if (mnt_fd < 0)
		return mnt_fd;
	r = attach(mnt_fd, target);
	close(mnt_fd);
	return r < 0 ? view_fail(v, r, "%s: attaching it", what) : 0;
}

static int mount_volume(struct view *v, struct volume_src *s)
{
	const struct gofer_volume *vol = s->vol;
	int r;
	if (vol->tmpfs)
		return mount_tmpfs_volume(v, s);
	if (s->is_dir) {
		r = mkdirs_in_view(v, s->rel);
	} else {
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%s", s->rel);
		char *slash = strrchr(parent, '/');
		r = 0;
		if (slash) {
			*slash = '\0';
			r = mkdirs_in_view(v, parent);
		}
		if (r == 0) {
			int fd = open_in_view(v, s->rel, O_CREAT | O_RDONLY | O_NONBLOCK, 0);
			if (fd >= 0)
				close(fd);
			r = fd < 0 ? fd : 0;
		}
	}
	if (r < 0)
		return view_fail(v, r, "volume %s: creating its mount point %s", vol->host,
				 vol->guest);
	_cleanup_close_ int target =
		open_in_view(v, s->rel, O_PATH | (s->is_dir ? O_DIRECTORY : 0), 0);
	if (target < 0)
		return view_fail(v, target, "volume %s: opening %s", vol->host, vol->guest);
	uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (vol->ro ? MOUNT_ATTR_RDONLY : 0);
	r = set_attrs(s->fd, attrs, true);
	if (r < 0)
		return view_fail(v, r, "volume %s: setting its mount flags", vol->host);
	r = attach(s->fd, target);
	return r < 0 ? view_fail(v, r, "volume %s: attaching it at %s", vol->host, vol->guest) : 0;
}

/* The st_dev of every mount of the view, for checking dirfds. */
static int collect_view_devs(struct view *v)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf);
	if (n < 0)
		return view_fail(v, (int)n, "reading /proc/self/mountinfo");
	int r = record_view_mounts(v, buf);
	if (r < 0)
		return r;
	size_t rlen = strlen(v->root_path);
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char mp[PATH_MAX];
		if (sscanf(line, "%*d %*d %*s %*s %4095s", mp) != 1)
			continue;
		unescape_octal(mp);
		if (strncmp(mp, v->root_path, rlen) != 0 || (mp[rlen] != '/' && mp[rlen] != '\0'))
			continue;
		/* The mount on top at mp: one it covers is not in the view. */
		(void)gofer_state_add_mount(v->st, AT_FDCWD, mp);
	}
	return 0;
}

static int enter_view(struct view *v)
{
	/* The policy's paths are read as d_path through the host's procfs,
	 * kept open from here on (see gofer.h). */
	v->st->policy = v->cfg->policy;
	v->st->host_procfd = -1;
	v->st->learn = v->cfg->policy && v->cfg->learn && v->cfg->learn_fd >= 0;
	v->st->learn_fd = v->cfg->learn_fd;
	if (v->cfg->policy) {
		v->st->host_procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (v->st->host_procfd < 0)
			return view_fail(v, -errno, "opening /proc");
	}
	if (chdir(v->root_path) < 0)
		return view_fail(v, -errno, "entering the view");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return view_fail(v, -errno, "pivot_root into the view");
	/* The old root now sits on top of the new one: detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return view_fail(v, -errno, "detaching the host's root");
	if (chdir("/") < 0)
		return view_fail(v, -errno, "chdir /");
	int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return view_fail(v, -errno, "opening the view's root");
	int r = gofer_state_init(v->st, root_fd, true);
	return r < 0 ? view_fail(v, r, "reading the view") : 0;
}

static int open_host(struct view *v)
{
	const char *rootfs = v->cfg->rootfs;
	if (!realpath(rootfs, v->rootfs_real))
		return view_fail(v, -errno, "rootfs %s", rootfs);
	v->host_root = strcmp(v->rootfs_real, "/") == 0;
	v->rootfs_fd = open(v->rootfs_real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->rootfs_fd < 0)
		return view_fail(v, -errno, "rootfs %s", rootfs);
	int r = collect_host_mounts(v);
	if (r == 0)
		r = open_volumes(v);
	if (r == 0) {
		double t0 = mono_ms();
		r = sys_prepare(v);
		v->sys_ms += mono_ms() - t0;
	}
	return r;
}

static int build(struct view *v)
{
	if (unshare(CLONE_NEWNS) < 0)
		return view_fail(v, -errno, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return view_fail(v, -errno, "making / private");
	int r = open_host(v);
	if (r == 0)
		r = mount_staging(v);
	if (r == 0)
		r = mount_root(v);
	for (size_t i = 0; r == 0 && i < v->nmounts; i++)
		mount_host_mount(v, &v->mounts[i]);
	if (v->cfg->policy)
		r = r == 0 ? mount_policy_tmpfs(v) : r;
	for (size_t i = 0;
	     r == 0 && !v->cfg->policy && v->cfg->hide_host_secrets && i < ARRAY_SIZE(private_dirs);
	     i++)
		r = mount_private_dir(v, private_dirs[i]);
	if (r == 0)
		r = mount_empty_ro(v, "proc");
	if (r == 0)
		r = mount_dev(v);
	/* After /dev, in the order of runc's default mounts. */
	double sys_t0 = mono_ms();
	if (r == 0)
		r = mount_sys(v);
	v->sys_ms += mono_ms() - sys_t0;
	for (size_t i = 0; r == 0 && i < v->cfg->nvolumes; i++)
		r = mount_volume(v, &v->vols[i]);
	/* Over everything else, as runc applies them. */
	if (r == 0)
		r = mask_view(v);
	/* Last: the mount points above were made in the root's layer. */
	if (r == 0 && v->cfg->root_readonly &&
	    (r = set_attrs(v->root_fd, MOUNT_ATTR_RDONLY, false)) < 0)
		r = view_fail(v, r, "making the root read-only");
	if (r == 0)
		r = collect_view_devs(v);
	if (r == 0)
		r = enter_view(v);
	return r;
}

static void view_free(struct view *v)
{
	for (size_t i = 0; i < v->nmounts; i++) {
		close(v->mounts[i].fd);
		free(v->mounts[i].rel);
	}
	free(v->mounts);
	for (size_t i = 0; v->vols && i < v->cfg->nvolumes; i++)
		if (v->vols[i].fd >= 0)
			close(v->vols[i].fd);
	free(v->vols);
	sys_release(v);
	int fds[] = {v->rootfs_fd, v->staging_fd, v->upper_fd, v->work_fd,
		     v->root_fd,   v->private_fd, v->empty_fd};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int gofer_view_build(const struct gofer_config *cfg, struct gofer_state *st, char *err,
		     size_t err_size)
{
	struct view v = {
		.cfg = cfg,
		.size = cfg->upper_size ? cfg->upper_size : 64ull << 20,
		.err = err,
		.err_size = err_size,
		.rootfs_fd = -1,
		.staging_fd = -1,
		.upper_fd = -1,
		.work_fd = -1,
		.root_fd = -1,
		.private_fd = -1,
		.empty_fd = -1,
		.sys = {-1, -1, -1},
		.st = st,
	};
	err[0] = '\0';
	double t0 = mono_ms();
	int r = build(&v);
	if (r == 0)
		log_debug("view: built in %.3f ms (/sys %.3f ms, /dev/mqueue %.3f ms)",
			  mono_ms() - t0, v.sys_ms, v.mqueue_ms);
	view_free(&v);
	return r;
}
