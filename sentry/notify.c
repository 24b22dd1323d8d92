/* SPDX-License-Identifier: Apache-2.0 */
/* What handlers need from a notification: its validity, the caller's fds,
 * identity and path arguments; and the cache of each thread's ids, which the
 * traced rows' handler drops. */
#include "sentry/sentry.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/perm.h"

bool notif_valid(const struct sc_ctx *c)
{
	if (c->at_trace_stop)
		return true;
	uint64_t id = c->req->id;
	return ioctl(c->s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int guest_getfd(const struct sc_ctx *c, int guest_fd)
{
	if (guest_fd < 0)
		return -EBADF;
	/* The pidfd is kept for the task's life: it names that thread, not
	 * whoever reuses its tid later. The tid may have been recycled between
	 * the notification and the pidfd's open: the pidfd is kept only if the
	 * notification is still pending after it, which proves that it names
	 * the caller. Later fetches through it need no such check. */
	if (c->t->pidfd < 0) {
		int pidfd = sys_pidfd_open(c->req->pid, PIDFD_THREAD);
		if (pidfd < 0)
			return -sentry_task_errno(errno);
		if (!notif_valid(c)) {
			close(pidfd);
			return -ESRCH;
		}
		c->t->pidfd = pidfd;
	}
	int fd = sys_pidfd_getfd(c->t->pidfd, guest_fd, 0);
	if (fd < 0)
		return -sentry_fd_errno(errno);
	/* An O_PATH fd's placeholder: the object it stands for. */
	return opath_resolve(c->s, fd);
}

int guest_dirfd_pinned(struct sc_ctx *c, int guest_fd, bool *owned)
{
	*owned = false;
	if (c->pinned && c->pin_guest_fd == guest_fd)
		return c->pin_fd;
	int fd = guest_getfd(c, guest_fd);
	if (fd < 0 || !c->pin_ok || c->pinned) {
		*owned = fd >= 0;
		return fd;
	}
	c->pinned = true;
	c->pin_guest_fd = guest_fd;
	c->pin_fd = fd;
	return fd;
}

void sc_ctx_unpin(struct sc_ctx *c)
{
	if (c->pinned)
		close(c->pin_fd);
	c->pinned = false;
	c->pin_st_ok = false;
}

int sc_ctx_fstat(struct sc_ctx *c, int fd, struct stat *st)
{
	bool pin = c->pinned && fd == c->pin_fd;
	if (pin && c->pin_st_ok && c->pin_st_gen == c->s->names_gen) {
		*st = c->pin_st;
		return 0;
	}
	if (fstat(fd, st) < 0)
		return -1;
	if (pin) {
		c->pin_st = *st;
		c->pin_st_gen = c->s->names_gen;
		c->pin_st_ok = true;
	}
	return 0;
}

ssize_t task_status_read(struct sentry *s, pid_t tid, char *buf, size_t size)
{
	char path[32];
	snprintf(path, sizeof(path), "%d/status", tid);
	_cleanup_close_ int fd = openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -ESRCH : -sentry_fd_errno(errno);
	ssize_t n = read(fd, buf, size - 1);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	return n;
}

/* The rows of /proc/<tid>/limits, for a kernel that refuses the sentry
 * prlimit(2) on the thread. */
static const char *limits_row(int resource)
{
	switch (resource) {
	case RLIMIT_FSIZE:
		return "Max file size";
	case RLIMIT_STACK:
		return "Max stack size";
	default:
		return NULL;
	}
}

rlim_t task_rlimit(struct sentry *s, pid_t tid, int resource, rlim_t fallback)
{
	struct rlimit rl;
	if (prlimit(tid, (enum __rlimit_resource)resource, NULL, &rl) == 0)
		return rl.rlim_cur;
	const char *row = limits_row(resource);
	_cleanup_free_ char *text = NULL;
	char path[32];
	snprintf(path, sizeof(path), "%d/limits", tid);
	const char *line;
	if (!row || read_file_at(s->host_procfd, path, &text) < 0 ||
	    (line = strstr(text, row)) == NULL)
		return fallback;
	line += strlen(row);
	while (*line == ' ')
		line++;
	return strncmp(line, "unlimited", 9) == 0 ? RLIM_INFINITY : strtoull(line, NULL, 10);
}

static int parse_ids(const char *line, unsigned long out[4])
{
	return sscanf(line, "%lu %lu %lu %lu", &out[0], &out[1], &out[2], &out[3]) == 4 ? 0 : -EIO;
}

static int read_creds(struct sentry *s, pid_t tid, struct creds *cr)
{
	char buf[4096];
	ssize_t n = task_status_read(s, tid, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(cr, 0, sizeof(*cr));
	bool have_uid = false, have_gid = false;
	for (char *line = buf; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		unsigned long v[4];
		if (strncmp(line, "Umask:", 6) == 0) {
			cr->umask = (mode_t)strtoul(line + 6, NULL, 8);
		} else if (strncmp(line, "CapEff:", 7) == 0) {
			cr->cap_eff = strtoull(line + 7, NULL, 16);
		} else if (strncmp(line, "CapPrm:", 7) == 0) {
			cr->cap_prm = strtoull(line + 7, NULL, 16);
		} else if (strncmp(line, "Uid:", 4) == 0 && parse_ids(line + 4, v) == 0) {
			cr->ruid = (uid_t)v[0];
			cr->euid = (uid_t)v[1];
			cr->fsuid = (uid_t)v[3];
			have_uid = true;
		} else if (strncmp(line, "Gid:", 4) == 0 && parse_ids(line + 4, v) == 0) {
			cr->rgid = (gid_t)v[0];
			cr->egid = (gid_t)v[1];
			cr->fsgid = (gid_t)v[3];
			have_gid = true;
		} else if (strncmp(line, "Groups:", 7) == 0) {
			char *p = line + 7, *end;
			for (;;) {
				unsigned long g = strtoul(p, &end, 10);
				if (end == p)
					break;
				if (cr->ngroups < GOFER_MAX_GROUPS)
					cr->groups[cr->ngroups++] = (gid_t)g;
				p = end;
			}
		}
		line = next;
	}
	return have_uid && have_gid ? 0 : -EIO;
}

int task_read_creds(struct sentry *s, pid_t tid, struct creds *cr)
{
	struct task *t = task_find(s, tid);
	if (t && t->creds_valid) {
		*cr = *t->creds;
		return 0;
	}
	int r = read_creds(s, tid, cr);
	if (r < 0 || !t)
		return r;
	if (!t->creds)
		t->creds = xmalloc(sizeof(*t->creds));
	*t->creds = *cr;
	t->creds_valid = true;
	return 0;
}

static int invalidate(struct task *t, void *arg)
{
	(void)arg;
	t->creds_valid = false;
	return 0;
}

void task_creds_invalidate_all(struct sentry *s)
{
	task_foreach(s, invalidate, NULL);
}

/* What exec does to the ids of a thread under no_new_privs (the whole
 * guest runs with it): set-id bits and file capabilities do not apply, the
 * real, effective, saved and supplementary ids stay, the fs ids become the
 * effective ones, and the capabilities are computed afresh. A thread whose
 * real, effective and fs ids were all one uid and one gid keeps them all
 * (the kernel's id_changed test is false), so only its effective and
 * permitted capabilities need reading: one capget(2) instead of the text of
 * /proc/<tid>/status. Any other thread's cache is dropped. */
void task_creds_after_exec(struct task *t)
{
	struct creds *cr = t->creds;
	if (!t->creds_valid || !cr)
		return;
	t->creds_valid = false;
	if (cr->ruid != cr->euid || cr->euid != cr->fsuid || cr->rgid != cr->egid ||
	    cr->egid != cr->fsgid)
		return;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3,
					       .pid = t->tid};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return;
	cr->cap_eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	cr->cap_prm = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	t->creds_valid = true;
}

/* The stop comes before the call: an identity change then runs, and a
 * thread sharing the ids (umask, a CLONE_FS sibling) could cache the old
 * ones in between, hence the second drop at the call's exit. */
int creds_trace_stop(struct sc_ctx *c)
{
	task_creds_invalidate_all(c->s);
	return SC_TRACE_EXIT;
}

void creds_to_req(const struct creds *cr, bool real_ids, struct gofer_req *req)
{
	req->uid = real_ids ? cr->ruid : cr->fsuid;
	req->gid = real_ids ? cr->rgid : cr->fsgid;
	req->ngroups = (uint32_t)cr->ngroups;
	for (int i = 0; i < cr->ngroups; i++)
		req->groups[i] = cr->groups[i];
	req->caps = creds_file_caps(cr, real_ids);
}

int task_creds(const struct sc_ctx *c, struct gofer_req *req)
{
	struct creds cr;
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0)
		return r;
	creds_to_req(&cr, false, req);
	return 0;
}

ssize_t ctx_read_path(const struct sc_ctx *c, uint64_t addr, char *buf)
{
	return guest_read_str(c->req->pid, addr, buf, PATH_MAX);
}

int sentry_addfds(struct sentry *s, struct seccomp_notif_addfd *a, size_t n, int *guest_fds,
		  int (*before_last)(void *arg, const int *guest_fds), void *arg)
{
	gofer_settle(s);
	bool send = false;
	for (size_t i = 0; i < n; i++)
		send |= (a[i].flags & SECCOMP_ADDFD_FLAG_SEND) != 0;
	sigset_t chld, old;
	if (send) {
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, &old);
	}
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (i == n - 1 && before_last) {
			r = before_last(arg, guest_fds);
			if (r < 0) {
				errno = -r;
				r = -1;
				break;
			}
		}
		/* Without SECCOMP_ADDFD_FLAG_SEND an ADDFD that a signal ends
		 * either installed its fd (and returns it), was taken back off
		 * the call's queue (-ERESTARTSYS), or was never queued (its
		 * wait for the notification lock interrupted, -EINTR): made
		 * again, it installs the fd once. SA_RESTART restarts the
		 * second for SIGCHLD; this loop covers the third, and any
		 * other signal. */
		do
			r = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a[i]);
		while (r < 0 && errno == EINTR && !(a[i].flags & SECCOMP_ADDFD_FLAG_SEND));
		guest_fds[i] = r;
	}
	if (send) {
		int err = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = err;
	}
	return r < 0 ? -1 : 0;
}

int sentry_addfd(struct sentry *s, struct seccomp_notif_addfd *a)
{
	int fd;
	return sentry_addfds(s, a, 1, &fd, NULL, NULL) < 0 ? -1 : fd;
}
