/* SPDX-License-Identifier: Apache-2.0 */
/* Hidden paths are absent from the view, not refused on request (a
 * directory listing runs natively on a real fd): each is a whiteout in the
 * upper layer of the overlay that holds it, made before the overlay is
 * mounted. The host's secrets when the rootfs is the host's root, or the
 * policy's hidden globs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "gofer/view_build.h"
#include "policy/policy.h"

static const char *const secret_files[] = {
	"etc/shadow",
	"etc/shadow-",
	"etc/gshadow",
	"etc/gshadow-",
};

/* Makes parent directories of rel in an upper dir, like the lower ones
 * (owner and mode when it creates one). times: only give the parents the
 * lower ones' times again, after an entry was made in them. */
static int upper_parents(int upper_fd, int lower_fd, const char *rel, bool times)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		struct stat s;
		if (fstatat(lower_fd, buf, &s, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISDIR(s.st_mode))
			return -ENOTDIR;
		int r = 0;
		if (times) {
			struct timespec ts[2] = {s.st_atim, s.st_mtim};
			r = utimensat(upper_fd, buf, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
		} else if (mkdirat(upper_fd, buf, 0700) == 0) {
			r = copy_dir_attrs(upper_fd, buf, &s);
		} else if (errno != EEXIST) {
			r = -errno;
		}
		if (r < 0)
			return r;
		*p = '/';
	}
	return 0;
}

/* Hides rel (relative to the layer) with a whiteout: the view then has no
 * such entry, neither for lookups nor in directory listings. */
static int whiteout(struct view *v, int upper_fd, int lower_fd, const char *rel)
{
	struct stat s;
	if (fstatat(lower_fd, rel, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : view_fail(v, -errno, "hiding %s", rel);
	int r = upper_parents(upper_fd, lower_fd, rel, false);
	if (r < 0)
		return view_fail(v, r, "hiding %s: making its parents", rel);
	if (mknodat(upper_fd, rel, S_IFCHR, makedev(0, 0)) < 0 && errno != EEXIST)
		return view_fail(v, -errno, "hiding %s", rel);
	/* The parents' times changed with the new entry: copy them again. */
	r = upper_parents(upper_fd, lower_fd, rel, true);
	return r < 0 ? view_fail(v, r, "hiding %s", rel) : 0;
}

/* Whiteouts for the entries of lower dir `dir` (relative to the layer)
 * whose names match pattern. */
static int whiteout_matching(struct view *v, int upper_fd, int lower_fd, const char *dir,
			     const char *pattern)
{
	int fd = openat(lower_fd, dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : view_fail(v, -errno, "reading %s", dir);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return view_fail(v, -ENOMEM, "reading %s", dir);
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		if (fnmatch(pattern, de->d_name, FNM_PERIOD) != 0)
			continue;
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "%s%s%s", dir, dir[0] ? "/" : "", de->d_name);
		r = whiteout(v, upper_fd, lower_fd, rel);
	}
	closedir(d);
	return r;
}

/* The host's secrets that fall inside the layer whose lower is the host
 * path `layer_rel` ("" for the root). */
int hide_secrets(struct view *v, int upper_fd, int lower_fd, const char *layer_rel)
{
	static const struct {
		const char *dir;
		const char *pattern;
	} globs[] = {{"etc", "sudoers*"}, {"etc/ssh", "ssh_host_*_key"}};
	size_t skip = layer_rel[0] ? strlen(layer_rel) + 1 : 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(secret_files); i++)
		if (!layer_rel[0] || under(secret_files[i], layer_rel))
			if (strlen(secret_files[i]) > skip)
				r = whiteout(v, upper_fd, lower_fd, secret_files[i] + skip);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(globs); i++) {
		if (layer_rel[0] && !under(globs[i].dir, layer_rel))
			continue;
		const char *dir = strlen(globs[i].dir) >= skip ? globs[i].dir + skip : "";
		r = whiteout_matching(v, upper_fd, lower_fd, dir, globs[i].pattern);
	}
	return r;
}

/* The policy's hidden globs: whiteouts for what they match in a layer
 * whose lower is the host path layer_rel. The walk reads only directories
 * a glob may match below, stays on the layer's own mount, and is bounded:
 * past the bound, paths are still refused by the policy but may be
 * listed. */
#define HIDE_WALK_MAX 100000

struct hide_walk {
	struct view *v;
	int upper_fd, lower_fd;
	const char *glob;
	size_t entries;
};

static int hide_dir(struct hide_walk *h, const char *rel, const char *vdir)
{
	if (!policy_glob_may_match_below(h->glob, vdir))
		return 0;
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH,
	};
	int fd = (int)raw_openat2(h->lower_fd, rel[0] ? rel : ".", &how, sizeof(how));
	if (fd < 0)
		return 0;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return view_fail(h->v, -ENOMEM, "reading %s", vdir);
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++h->entries > HIDE_WALK_MAX) {
			log_msg("view: hidden %s: more than %d entries to look at; the rest is "
				"refused but may be listed",
				h->glob, HIDE_WALK_MAX);
			break;
		}
		char crel[PATH_MAX], cv[PATH_MAX];
		if (snprintf(crel, sizeof(crel), "%s%s%s", rel, rel[0] ? "/" : "", de->d_name) >=
			    (int)sizeof(crel) ||
		    snprintf(cv, sizeof(cv), "%s%s%s", vdir, vdir[1] ? "/" : "", de->d_name) >=
			    (int)sizeof(cv))
			continue;
		if (policy_glob_match(h->glob, cv))
			r = whiteout(h->v, h->upper_fd, h->lower_fd, crel);
		else if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
			r = hide_dir(h, crel, cv);
	}
	closedir(d);
	return r;
}

int hide_policy(struct view *v, int upper_fd, int lower_fd, const char *layer_rel)
{
	const struct policy_view *pv = v->cfg->policy;
	char vroot[PATH_MAX];
	snprintf(vroot, sizeof(vroot), "/%s", layer_rel);
	uint32_t first = policy_rule_first(pv, POLICY_RULE_HIDDEN);
	int r = 0;
	for (uint32_t i = 0; r == 0 && i < policy_rule_count(pv, POLICY_RULE_HIDDEN); i++) {
		struct hide_walk h = {
			.v = v,
			.upper_fd = upper_fd,
			.lower_fd = lower_fd,
			.glob = policy_rule_glob(pv, first + i),
		};
		r = hide_dir(&h, "", vroot);
	}
	return r;
}

/* Does the layer whose lower is the host path rel hold any of them? */
bool has_secrets(const char *rel)
{
	return rel[0] == '\0' || under("etc", rel) || under("etc/ssh", rel);
}

/* Under network mode egress the guest's /etc/resolv.conf names the
 * sandbox's own resolver (sandbox/resolver.c), whatever the root file
 * system has there (a file, a symlink into /run, nothing): a file in the
 * upper layer of the overlay holding /etc, made before it is mounted. */
#define SANDBOX_RESOLV_CONF                                                 \
	"# The sandbox's own resolver (runsc-c): it answers the names the " \
	"policy allows.\nnameserver 127.0.0.53\n"

bool wants_resolv_conf(const struct view *v, const char *layer_rel)
{
	return v->cfg->policy && policy_net_mode(v->cfg->policy) == POLICY_NET_EGRESS &&
	       (layer_rel[0] == '\0' || strcmp(layer_rel, "etc") == 0);
}

int write_resolv_conf(struct view *v, int upper_fd, int lower_fd, const char *layer_rel)
{
	const char *rel = layer_rel[0] ? "resolv.conf" : "etc/resolv.conf";
	struct stat s;
	if (!layer_rel[0] && fstatat(lower_fd, "etc", &s, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return view_fail(v, -errno, "writing /etc/resolv.conf");
		if (mkdirat(upper_fd, "etc", 0755) < 0 && errno != EEXIST)
			return view_fail(v, -errno, "writing /etc/resolv.conf: making /etc");
	} else {
		int r = upper_parents(upper_fd, lower_fd, rel, false);
		if (r < 0)
			return view_fail(v, r, "writing /etc/resolv.conf: making its parents");
	}
	/* The upper layer is the gofer's own tmpfs: nothing else made it. */
	int fd = openat(upper_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return 0; /* a whiteout: the policy hides it */
	if (fd < 0)
		return view_fail(v, -errno, "writing /etc/resolv.conf");
	int r = write_all(fd, SANDBOX_RESOLV_CONF, strlen(SANDBOX_RESOLV_CONF));
	close(fd);
	if (r < 0)
		return view_fail(v, r, "writing /etc/resolv.conf");
	if (!layer_rel[0] && fstatat(lower_fd, "etc", &s, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	r = upper_parents(upper_fd, lower_fd, rel, true);
	return r < 0 ? view_fail(v, r, "writing /etc/resolv.conf") : 0;
}
