/* SPDX-License-Identifier: Apache-2.0 */
/* An OCI config's sysctls (common/sysctl.h), set as runc sets them: each
 * written in the guest's own namespace before its command runs, by the
 * sentry while it still holds its privileges and the host's /proc, and
 * read back for the sentry's /proc/sys, which shows what Linux keeps
 * (ping_group_range "0 2147483647" reads "0\t2147483647"). /proc/sys shows
 * the namespace of the thread that looks a name up, so the sentry enters
 * the guest's namespace for the open and goes back. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/error.h"
#include "common/sysctl.h"
#include "common/util.h"
#include "sentry/procfs.h"
#include "sentry/sentry.h"

/* Opens /proc/sys/<path> in the namespaces the thread is in: never
 * leaving /proc/sys, no symlink followed. */
static int open_sysctl(int sys_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	long fd = raw_openat2(sys_fd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* Writes one sysctl and reads its value back into text (owned). */
static int write_one(int sys_fd, const struct sysctl_set *k, char **text, struct rc_error *err)
{
	int fd = open_sysctl(sys_fd, k->path, O_WRONLY);
	if (fd < 0)
		return rc_error_set(err, -fd, "linux.sysctl.%s: open /proc/sys/%s: %s", k->key,
				    k->path, strerror(-fd));
	int r = write_all(fd, k->value, strlen(k->value));
	close(fd);
	if (r < 0)
		return rc_error_set(err, -r, "linux.sysctl.%s: write /proc/sys/%s: %s", k->key,
				    k->path, strerror(-r));
	fd = open_sysctl(sys_fd, k->path, O_RDONLY);
	if (fd < 0)
		return rc_error_set(err, -fd, "linux.sysctl.%s: reading /proc/sys/%s: %s", k->key,
				    k->path, strerror(-fd));
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return rc_error_set(err, e, "linux.sysctl.%s: reading /proc/sys/%s: %s", k->key,
				    k->path, strerror(e));
	buf[n] = 0;
	free(*text);
	*text = xstrdup(buf);
	return 0;
}

/* Enters the guest's namespace of type (its init's, pid), runs write_one,
 * and goes back to the sentry's own. */
static int write_in_ns(struct sentry *s, pid_t pid, const struct sysctl_set *k, char **text,
		       struct rc_error *err)
{
	const char *name = k->ns == SYSCTL_NET ? "net" : "ipc";
	int type = k->ns == SYSCTL_NET ? CLONE_NEWNET : CLONE_NEWIPC;
	char path[64];
	snprintf(path, sizeof(path), "self/ns/%s", name);
	int own = openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%d/ns/%s", pid, name);
	int guest = openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);
	int sys_fd = openat(s->host_procfd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = 0;
	if (own < 0 || guest < 0 || sys_fd < 0)
		r = rc_error_set_errno(err, errno, "linux.sysctl.%s: the guest's %s namespace",
				       k->key, name);
	else if (setns(guest, type) < 0)
		r = rc_error_set_errno(err, errno,
				       "linux.sysctl.%s: entering the guest's %s "
				       "namespace",
				       k->key, name);
	else {
		r = write_one(sys_fd, k, text, err);
		if (setns(own, type) < 0)
			die_errno("returning to the sentry's %s namespace", name);
	}
	if (own >= 0)
		close(own);
	if (guest >= 0)
		close(guest);
	if (sys_fd >= 0)
		close(sys_fd);
	return r;
}

/* The entry of path among n, or NULL. */
static struct pent *find(struct pent *ents, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ents[i].name, path) == 0)
			return &ents[i];
	return NULL;
}

/* An entry for path (its value text, owned, or NULL for a directory), and
 * one for each directory above it that the sentry's table lacks. */
static void add_entry(struct sentry *s, const char *path, char *text)
{
	struct pent *ents = s->sysctl_ents;
	char *dir = xstrdup(path);
	for (char *slash = strchr(dir, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		bool known = find(ents, s->nsysctl_ents, dir);
		for (size_t i = 0; !known && i < procfs_sys_count; i++)
			known = strcmp(procfs_sys_entries[i].name, dir) == 0;
		if (!known) {
			ents[s->nsysctl_ents++] =
				(struct pent){xstrdup(dir), PT_DIR, PW_SYS_DIR, 0, NULL};
		}
		*slash = '/';
	}
	free(dir);
	struct pent *e = find(ents, s->nsysctl_ents, path);
	if (e) {
		free((char *)e->text);
		e->text = text;
		return;
	}
	ents[s->nsysctl_ents++] = (struct pent){xstrdup(path), PT_REG, PW_SYS_SET, 0, text};
}

int sentry_sysctls_apply(struct sentry *s, const struct sysctl_set *set, size_t n, pid_t init,
			 struct rc_error *err)
{
	if (!n)
		return 0;
	/* Each path and its parents: at most as many entries as slashes and
	 * paths. */
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		cap++;
		for (const char *c = set[i].path; *c; c++)
			cap += *c == '/';
	}
	s->sysctl_ents = xcalloc(cap, sizeof(struct pent));
	for (size_t i = 0; i < n; i++) {
		const struct sysctl_set *k = &set[i];
		char *text = NULL;
		if (k->ns == SYSCTL_DOMAINNAME) {
			snprintf(s->domainname, sizeof(s->domainname), "%s", k->value);
			continue;
		}
		int r = write_in_ns(s, init, k, &text, err);
		if (r < 0)
			return r;
		if (k->ns == SYSCTL_NET &&
		    strcmp(k->path, "net/ipv4/ip_unprivileged_port_start") == 0)
			s->unpriv_port_start = (unsigned int)strtoul(text, NULL, 10);
		add_entry(s, k->path, text);
	}
	return 0;
}
