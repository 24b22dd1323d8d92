/* SPDX-License-Identifier: Apache-2.0 */
/* The policy's file rules (see gofer.h): every request is decided on the
 * path of its object as resolved inside the view, read back from the
 * kernel (d_path through the host's procfs) rather than from the request,
 * and in learn mode every allowed access is recorded. */
#include "gofer/decide.h"
#include "common/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gofer/view_state.h"
#include "policy/policy.h"

bool has_policy(const struct ctx *c)
{
	return c->st->policy != NULL;
}

/* One line of the learn log (see gofer.h), its path escaped as the
 * sentry's audit records escape theirs (utf8_json_escape). */
static void learn_record(const struct gofer_state *st, const char *vpath, enum need need)
{
	static const char head[] = "{\"source\": \"gofer\", \"object\": \"";
	char line[sizeof(head) + 6 * GOFER_PATH_MAX + 96];
	size_t n = sizeof(head) - 1;
	bool valid;
	memcpy(line, head, n);
	n += utf8_json_escape(vpath, line + n, &valid);
	n += (size_t)snprintf(line + n, sizeof(line) - n,
			      "\", %s\"access\": \"%s\", \"decision\": \"allow\"}\n",
			      valid ? "" : "\"object_invalid_utf8\": true, ",
			      need == NEED_WRITE ? "write" : "read");
	ssize_t w;
	do
		w = write(st->learn_fd, line, n);
	while (w < 0 && errno == EINTR);
}

/* The answer names the rule that refused, if one did. */
static void refused_by(struct ctx *c, uint32_t rule)
{
	if (rule != POLICY_NO_RULE)
		c->resp->rule = gofer_rule_of(rule);
}

/* The decision on a path inside the view. */
static int decide(struct ctx *c, const char *vpath, enum need need)
{
	uint32_t rule = POLICY_NO_RULE;
	enum policy_access a = policy_file_access(c->st->policy, vpath, &rule);
	int r = 0;
	if (a == POLICY_ACCESS_HIDDEN)
		r = -ENOENT;
	else if (a == POLICY_ACCESS_NONE && need != NEED_SEE)
		r = -EACCES;
	else if (a == POLICY_ACCESS_READ && need == NEED_WRITE)
		r = -EACCES;
	if (r < 0)
		refused_by(c, rule);
	if (r == 0 && need != NEED_SEE && c->st->learn)
		learn_record(c->st, vpath, need);
	return r;
}

/* The path inside the view of what fd refers to (see gofer.h). -ENOENT
 * for what has no path (pipes, sockets, anonymous inodes). */
static int fd_vpath(const struct gofer_state *st, int fd, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char link[32];
	snprintf(link, sizeof(link), "self/fd/%d", fd);
	ssize_t n = readlinkat(st->host_procfd, link, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	if (buf[0] != '/')
		return -ENOENT;
	struct stat s;
	if ((size_t)n > dlen && strcmp(buf + n - dlen, deleted) == 0 && fstat(fd, &s) == 0 &&
	    s.st_nlink == 0)
		buf[n - dlen] = '\0';
	return 0;
}

/* The decision on the object of fd. Objects outside the view's mounts
 * (memfds, pipes, the launcher's stdio) are not the policy's. */
int decide_fd(struct ctx *c, int fd, enum need need)
{
	if (!has_policy(c))
		return 0;
	if (is_internal_mount(fd) || !fd_in_view(c->st, fd))
		return 0;
	char path[GOFER_PATH_MAX];
	int r = fd_vpath(c->st, fd, path, sizeof(path));
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : decide(c, path, need);
}

/* parent_fd's path, "/" and name, with a trailing "/", "." and ".." taken
 * as the kernel will. */
static int name_vpath(struct ctx *c, int parent_fd, const char *name, char *path, size_t size)
{
	int r = fd_vpath(c->st, parent_fd, path, size);
	if (r < 0)
		return r == -ENOENT ? -EACCES : r;
	char last[NAME_MAX_LEN + 2];
	snprintf(last, sizeof(last), "%s", name);
	size_t ln = strlen(last);
	while (ln > 0 && last[ln - 1] == '/')
		last[--ln] = '\0';
	if (ln == 0 || name_is(last, "."))
		return 0;
	size_t n = strlen(path);
	if (name_is(last, "..")) {
		while (n > 1 && path[n - 1] != '/')
			n--;
		path[n > 1 ? n - 1 : 1] = '\0';
		return 0;
	}
	if (n + 1 + ln >= size)
		return -ENAMETOOLONG;
	if (n > 1)
		path[n++] = '/';
	memcpy(path + n, last, ln + 1);
	return 0;
}

int decide_name(struct ctx *c, int parent_fd, const char *name, enum need need)
{
	if (!has_policy(c))
		return 0;
	char path[GOFER_PATH_MAX];
	int r = name_vpath(c, parent_fd, name, path, sizeof(path));
	return r < 0 ? r : decide(c, path, need);
}

int decide_obj(struct ctx *c, const struct obj *o, enum need need)
{
	return decide_fd(c, o->fd, need);
}

/* A rule other than write may apply below dir, and no later write rule
 * covers all of dir's subtree: moving dir would carry those paths out from
 * under it (or bring others under it). Hidden rules always count. */
static int subtree_rule(const struct policy_view *pv, const char *dir, uint32_t *rule)
{
	uint32_t hfirst = policy_rule_first(pv, POLICY_RULE_HIDDEN);
	for (uint32_t i = 0; i < policy_rule_count(pv, POLICY_RULE_HIDDEN); i++) {
		if (policy_glob_may_match_below(policy_rule_glob(pv, hfirst + i), dir)) {
			*rule = hfirst + i;
			return -EACCES;
		}
	}
	uint32_t first = policy_rule_first(pv, POLICY_RULE_FILE);
	uint32_t count = policy_rule_count(pv, POLICY_RULE_FILE);
	for (uint32_t i = count; i-- > 0;) {
		const struct policy_rule *pr = policy_rule(pv, first + i);
		const char *glob = policy_rule_glob(pv, first + i);
		if (pr->access == POLICY_ACCESS_WRITE) {
			/* P followed by a last component "**", with P matching dir or
			 * an ancestor, covers all below it. */
			char base[POLICY_PATH_MAX];
			size_t n = strlen(glob);
			if (n >= 3 && strcmp(glob + n - 3, "/**") == 0 && n < sizeof(base)) {
				memcpy(base, glob, n - 3);
				base[n - 3] = '\0';
				if (!base[0] || policy_glob_match_prefix(base, dir))
					return 0;
			}
			continue;
		}
		if (policy_glob_may_match_below(glob, dir)) {
			*rule = first + i;
			return -EACCES;
		}
	}
	return 0;
}

/* Renaming a directory moves everything below it. */
int decide_rename_dir(struct ctx *c, const struct gofer_walk *w1, const struct gofer_walk *w2)
{
	struct stat s;
	if (fstatat(w1->parent_fd, w1->last, &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(s.st_mode))
		return 0;
	const struct gofer_walk *ws[2] = {w1, w2};
	for (int i = 0; i < 2; i++) {
		char path[GOFER_PATH_MAX];
		int r = name_vpath(c, ws[i]->parent_fd, ws[i]->last, path, sizeof(path));
		uint32_t rule = POLICY_NO_RULE;
		if (r == 0)
			r = subtree_rule(c->st->policy, path, &rule);
		if (r < 0) {
			refused_by(c, rule);
			return r;
		}
	}
	return 0;
}
