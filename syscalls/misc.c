/* SPDX-License-Identifier: Apache-2.0 */
/* Identity of the sandbox and the answers for calls the BPF argument checks
 * did not allow. Implements Linux syscalls uname(2), sysinfo(2),
 * sethostname(2), setdomainname(2), and the fallbacks of ioctl(2), clone(2), unshare(2),
 * seccomp(2), plus the exec loader's reserved call. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "common/util.h"
#include "sentry/opath.h"
#include "sentry/sentry.h"
#include "syscalls/handlers.h"

#define ARG(i)		  (c->req->data.args[i])
#define CAP_SYS_ADMIN_BIT (1ULL << 21)

int sys_uname(struct sc_ctx *c)
{
	struct utsname u;
	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	memcpy(u.nodename, c->s->hostname, sizeof(c->s->hostname));
	strcpy(u.release, RUNSC_UNAME_RELEASE);
	strcpy(u.version, RUNSC_UNAME_VERSION);
	strcpy(u.machine, "x86_64");
	memcpy(u.domainname, c->s->domainname, sizeof(c->s->domainname));
	int r = guest_write(c->req->pid, ARG(0), &u, sizeof(u));
	if (r < 0)
		c->error = r;
	return 0;
}

/* A "Key:   123 kB" line of meminfo text, in bytes (0 if absent). */
static unsigned long meminfo_bytes(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long kb;
		if (strncmp(line, key, klen) == 0 && line[klen] == ':' &&
		    sscanf(line + klen + 1, "%lu", &kb) == 1)
			return kb << 10;
	}
	return 0;
}

/* Memory as the guest's /proc/meminfo tells it (the same text: the memory
 * cgroup's bound where it has one, no swap then), threads as many as the
 * guest has; uptime and loads are the host's, as /proc/uptime and
 * /proc/loadavg show them. Counted in bytes (mem_unit 1), as Linux does
 * while the totals fit. */
int sys_sysinfo(struct sc_ctx *c)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0) {
		c->error = -errno;
		return 0;
	}
	_cleanup_free_ char *text = NULL;
	if (procfs_meminfo(c->s, &text) >= 0) {
		si.totalram = meminfo_bytes(text, "MemTotal");
		si.freeram = meminfo_bytes(text, "MemFree");
		si.sharedram = meminfo_bytes(text, "Shmem");
		si.bufferram = meminfo_bytes(text, "Buffers");
		si.totalswap = meminfo_bytes(text, "SwapTotal");
		si.freeswap = meminfo_bytes(text, "SwapFree");
		si.totalhigh = 0;
		si.freehigh = 0;
		si.mem_unit = 1;
	}
	si.procs = (unsigned short)procfs_task_count(c->s, NULL);
	int r = guest_write(c->req->pid, ARG(0), &si, sizeof(si));
	if (r < 0)
		c->error = r;
	return 0;
}

/* The name lives in the sentry only: the host's UTS namespace is untouched. */
static int set_name(struct sc_ctx *c, char *dst, size_t dst_size)
{
	uint64_t len = ARG(1);
	char buf[65];
	struct creds cr;
	if (len > dst_size - 1) {
		c->error = -EINVAL;
		return 0;
	}
	int r = task_read_creds(c->s, c->req->pid, &cr);
	if (r < 0) {
		c->error = r;
		return 0;
	}
	if (!(cr.cap_eff & CAP_SYS_ADMIN_BIT)) {
		c->error = -EPERM;
		return 0;
	}
	r = guest_read(c->req->pid, ARG(0), buf, (size_t)len);
	if (r < 0) {
		c->error = r;
		return 0;
	}
	if (!notif_valid(c)) {
		c->error = -ESRCH;
		return 0;
	}
	memset(dst, 0, dst_size);
	memcpy(dst, buf, (size_t)len);
	return 0;
}

int sys_sethostname(struct sc_ctx *c)
{
	return set_name(c, c->s->hostname, sizeof(c->s->hostname));
}

int sys_setdomainname(struct sc_ctx *c)
{
	return set_name(c, c->s->domainname, sizeof(c->s->domainname));
}

int sys_ioctl_other(struct sc_ctx *c)
{
	/* An O_PATH fd refuses every ioctl with EBADF, before the command. */
	if (opath_guest_flags(c->s, (pid_t)c->req->pid, (int)ARG(0)) >= 0)
		c->error = -EBADF;
	else
		c->error = -ENOTTY;
	return 0;
}

/* Calls that run natively on any fd but an O_PATH placeholder, which
 * Linux refuses with EBADF (syncfs, listen). */
int sys_fd_not_opath(struct sc_ctx *c)
{
	if (opath_guest_flags(c->s, (pid_t)c->req->pid, (int)ARG(0)) >= 0)
		c->error = -EBADF;
	else
		c->cont = true;
	return 0;
}

/* fcntl commands the filter does not let run natively: those an O_PATH fd
 * refuses (EBADF) and F_GETFL, which shows O_PATH. On any other fd they go
 * on natively; F_GETFL of a placeholder is what Linux shows for the O_PATH
 * fd it stands for. */
int sys_fcntl_other(struct sc_ctx *c)
{
	int flags = opath_guest_flags(c->s, (pid_t)c->req->pid, (int)ARG(0));
	if (flags < 0)
		c->cont = true;
	else if ((int)ARG(1) == F_GETFL)
		c->val = flags;
	else
		c->error = -EBADF;
	return 0;
}

int sys_clone_ns(struct sc_ctx *c)
{
	c->error = -EPERM;
	return 0;
}

/* unshare(CLONE_FS) alone: the thread's cwd stops being shared. The guest's
 * kernel-side fs_struct does not matter (paths are resolved here), so the
 * sentry only splits its own record. Namespaces are refused. */
int sys_unshare_ns(struct sc_ctx *c)
{
	uint64_t flags = ARG(0);
	if (flags != CLONE_FS) {
		c->error = -EPERM;
		return 0;
	}
	struct fsinfo *old = c->t->fs;
	if (old && old->refs > 1) {
		struct fsinfo *fs = fsinfo_copy(old);
		if (fs->cwd_fd < 0) {
			c->error = -sentry_fd_errno(errno);
			fsinfo_put(fs);
			return 0;
		}
		c->t->fs = fs;
		fsinfo_put(old);
	}
	c->val = 0;
	return 0;
}

int sys_seccomp_other(struct sc_ctx *c)
{
	c->error = -EPERM;
	return 0;
}

int sys_loader(struct sc_ctx *c)
{
	return exec_loader_call(c);
}

int sys_exec_search(struct sc_ctx *c)
{
	return exec_search_call(c);
}
