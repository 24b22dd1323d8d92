/* SPDX-License-Identifier: Apache-2.0 */
/* The view's mount table, as the guest's /proc/<pid>/mountinfo shows it.
 *
 * Once the view is complete, and before the gofer pivot_roots into it, the
 * kernel's own table (the gofer's /proc/self/mountinfo) holds every mount of
 * the view below its staging root: ids, parents, devices, options and types
 * as they really are. The rows below the view's root are kept, with their
 * mount points made relative to it ("/" for the root itself), and written
 * into a sealed memfd that GOP_MOUNTS hands to the sentry, which adds its
 * own /proc (sentry/procfs_content.c).
 *
 * The sandbox's /sys (view_sys.c) shows as the sysfs it stands for: type
 * sysfs, source sysfs, super block options "rw" as a sysfs has them.
 *
 * What would name host paths is left out: a volume's root within its host
 * file system shows as "/", and an overlay's lowerdir, upperdir and workdir
 * options are dropped. Propagation fields are dropped too: the view is one
 * private namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/util.h"
#include "gofer/view_build.h"

/* Overlay options whose values are paths of the gofer's staging space. */
static const char *const overlay_path_opts[] = {"lowerdir", "upperdir", "workdir", "lowerdir+",
						"datadir+"};

static bool overlay_path_opt(const char *opt, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(overlay_path_opts); i++) {
		size_t k = strlen(overlay_path_opts[i]);
		if (n > k && strncmp(opt, overlay_path_opts[i], k) == 0 && opt[k] == '=')
			return true;
	}
	return false;
}

/* Appends a super block's options to out, without those overlay_path_opt
 * names when the type is overlay. */
static void put_super_opts(FILE *out, const char *fstype, const char *opts)
{
	bool overlay = strcmp(fstype, "overlay") == 0;
	bool first = true;
	for (const char *p = opts; *p;) {
		size_t n = strcspn(p, ",");
		if (!overlay || !overlay_path_opt(p, n)) {
			fprintf(out, "%s%.*s", first ? "" : ",", (int)n, p);
			first = false;
		}
		p += n + (p[n] == ',' ? 1 : 0);
	}
}

/* Is mp (a mount point relative to the view's root, unescaped, without a
 * leading slash) where a volume is attached? */
static bool is_volume(const struct view *v, const char *mp)
{
	for (size_t i = 0; v->vols && i < v->cfg->nvolumes; i++)
		if (strcmp(v->vols[i].rel, mp) == 0)
			return true;
	return false;
}

struct row {
	long id, parent;
	char *text;   /* the row as the guest sees it, from its device on */
	bool at_root; /* mounted at the view's root */
	bool done;
};

/* One row of the kernel's mountinfo, rewritten for the guest, when it lies
 * in the view: a malloc'd line, else NULL. line is split in place. */
static char *view_row(const struct view *v, char *line, struct row *r)
{
	char *f[6], *save = NULL;
	for (int i = 0; i < 6; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return NULL;
	char *tok;
	while ((tok = strtok_r(NULL, " ", &save)) && strcmp(tok, "-") != 0)
		; /* optional fields: propagation */
	const char *fstype = strtok_r(NULL, " ", &save);
	const char *source = strtok_r(NULL, " ", &save);
	const char *super = strtok_r(NULL, " ", &save);
	if (!tok || !fstype || !source || !super)
		return NULL;
	size_t rlen = strlen(v->root_path);
	const char *mp = f[4];
	if (strncmp(mp, v->root_path, rlen) != 0 || (mp[rlen] != '/' && mp[rlen] != '\0'))
		return NULL;
	const char *rest = mp[rlen] ? mp + rlen : "/";
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s", rest + 1);
	unescape_octal(rel);
	const char *root = is_volume(v, rel) ? "/" : f[3];
	if (v->sys_mnt_id && strtoull(f[0], NULL, 10) == v->sys_mnt_id) {
		fstype = "sysfs";
		super = "rw";
	}
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	fprintf(out, "%s %s %s %s - %s %s ", f[2], root, rest, f[5], fstype, source);
	put_super_opts(out, fstype, super);
	fputc('\n', out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	r->id = strtol(f[0], NULL, 10);
	r->parent = strtol(f[1], NULL, 10);
	r->at_root = mp[rlen] == '\0';
	return text;
}

/* Writes rows[i] and then, depth first, the rows mounted below it, in
 * the order the kernel lists a namespace of its own. */
static void put_tree(FILE *out, struct row *rows, size_t n, size_t i)
{
	rows[i].done = true;
	fprintf(out, "%ld %ld %s", rows[i].id, rows[i].parent, rows[i].text);
	for (size_t j = 0; j < n; j++)
		if (!rows[j].done && rows[j].parent == rows[i].id)
			put_tree(out, rows, n, j);
}

int record_view_mounts(struct view *v, const char *mountinfo)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return view_fail(v, -errno, "recording the view's mounts");
	_cleanup_free_ char *copy = xstrdup(mountinfo);
	struct row *rows = NULL;
	size_t n = 0;
	long root_parent = -1; /* the parent of the namespace's first root */
	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		long parent;
		char mp[3];
		if (root_parent < 0 && sscanf(line, "%*d %ld %*s %*s %2s", &parent, mp) == 2 &&
		    strcmp(mp, "/") == 0)
			root_parent = parent;
		struct row r = {0};
		r.text = view_row(v, line, &r);
		if (!r.text)
			continue;
		struct row *grown = realloc(rows, (n + 1) * sizeof(*rows));
		if (!grown)
			die("out of memory");
		rows = grown;
		rows[n++] = r;
	}
	/* The view's root first (the lowest of those at "/"), then the rest
	 * below it; anything left over after (none is expected). pivot_root
	 * puts the root where the namespace's first root was, below that
	 * one's parent. */
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].done && rows[i].at_root) {
			if (root_parent >= 0)
				rows[i].parent = root_parent;
			put_tree(out, rows, n, i);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].done)
			put_tree(out, rows, n, i);
		free(rows[i].text);
	}
	free(rows);
	if (fclose(out) != 0) {
		free(text);
		return view_fail(v, -ENOMEM, "recording the view's mounts");
	}
	_cleanup_free_ char *owned = text;
	int fd = memfd_create("runsc-c-mounts", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return view_fail(v, -errno, "recording the view's mounts");
	int r = write_all(fd, text, len);
	if (r == 0 &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return view_fail(v, r, "recording the view's mounts");
	}
	if (v->st->mounts_fd >= 0)
		close(v->st->mounts_fd);
	v->st->mounts_fd = fd;
	return 0;
}
