/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry's table of guest tasks, keyed by host tid. */
#include "sentry/sentry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <unistd.h>

#include "common/util.h"

static size_t bucket(pid_t tid)
{
	return (size_t)tid % ARRAY_SIZE(((struct sentry *)0)->tasks);
}

struct task *task_find(struct sentry *s, pid_t tid)
{
	for (struct task *t = s->tasks[bucket(tid)]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct task *task_get(struct sentry *s, pid_t tid)
{
	struct task *t = task_find(s, tid);
	if (t)
		return t;
	static uint64_t serials;
	t = xcalloc(1, sizeof(*t));
	t->serial = ++serials;
	t->tid = tid;
	t->tgid = tid;
	t->pidfd = -1;
	t->hnext = s->tasks[bucket(tid)];
	s->tasks[bucket(tid)] = t;
	s->ntasks++;
	return t;
}

static void task_free(struct task *t)
{
	if (t->fs)
		fsinfo_put(t->fs);
	exec_image_free(t->exec);
	free(t->exe);
	free(t->creds);
	free(t->saved_call);
	if (t->pidfd >= 0)
		close(t->pidfd);
	free(t);
}

/* Unlinks without freeing. */
static struct task *task_unlink(struct sentry *s, pid_t tid)
{
	for (struct task **p = &s->tasks[bucket(tid)]; *p; p = &(*p)->hnext) {
		if ((*p)->tid == tid) {
			struct task *t = *p;
			*p = t->hnext;
			t->hnext = NULL;
			s->ntasks--;
			return t;
		}
	}
	return NULL;
}

void task_remove(struct sentry *s, pid_t tid)
{
	struct task *t = task_unlink(s, tid);
	if (t)
		task_free(t);
}

void task_rekey(struct sentry *s, pid_t old_tid, pid_t new_tid)
{
	if (old_tid == new_tid)
		return;
	task_remove(s, new_tid);
	struct task *t = task_unlink(s, old_tid);
	if (!t)
		return;
	t->tid = new_tid;
	t->vtid = t->vtgid;
	if (t->pidfd >= 0) {
		close(t->pidfd);
		t->pidfd = -1;
	}
	t->hnext = s->tasks[bucket(new_tid)];
	s->tasks[bucket(new_tid)] = t;
	s->ntasks++;
}

void task_vids(struct sentry *s, struct task *t)
{
	if (t->vtid > 0 && t->vtgid > 0)
		return;
	char buf[4096];
	if (task_status_read(s, t->tid, buf, sizeof(buf)) < 0)
		return;
	char *p = strstr(buf, "\nTgid:");
	if (p)
		t->tgid = (pid_t)strtol(p + 6, NULL, 10);
	const char *keys[2] = {"\nNStgid:", "\nNSpid:"};
	pid_t *out[2] = {&t->vtgid, &t->vtid};
	for (int k = 0; k < 2; k++) {
		p = strstr(buf, keys[k]);
		if (!p)
			continue;
		p += strlen(keys[k]);
		char *eol = strchr(p, '\n');
		if (eol)
			*eol = 0;
		char *last = strrchr(p, '\t');
		*out[k] = (pid_t)strtol(last ? last + 1 : p, NULL, 10);
		if (eol)
			*eol = '\n';
	}
}

void task_vids_all(struct sentry *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(s->tasks); i++)
		for (struct task *t = s->tasks[i]; t; t = t->hnext)
			task_vids(s, t);
}

struct task *task_find_vtid(struct sentry *s, pid_t vtid)
{
	for (size_t i = 0; i < ARRAY_SIZE(s->tasks); i++)
		for (struct task *t = s->tasks[i]; t; t = t->hnext) {
			task_vids(s, t);
			if (t->vtid == vtid)
				return t;
		}
	return NULL;
}

int task_foreach(struct sentry *s, int (*fn)(struct task *t, void *arg), void *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(s->tasks); i++) {
		for (struct task *t = s->tasks[i], *n; t; t = n) {
			n = t->hnext;
			int r = fn(t, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

struct fsinfo *fsinfo_new(int cwd_fd)
{
	struct fsinfo *fs = xcalloc(1, sizeof(*fs));
	fs->refs = 1;
	fs->cwd_fd = cwd_fd;
	return fs;
}

/* A fork's child used to get its own dup of the cwd (and closed it at its
 * exit), though most children exec or exit without changing directory.
 * The fd is an O_PATH directory that nothing changes (no offset, no
 * flags): two fs_structs naming the same directory may hold one fd. */
struct fsinfo *fsinfo_copy(struct fsinfo *fs)
{
	struct fsinfo *copy = fsinfo_new(-1);

	copy->cwd_proc = fs->cwd_proc;
	if (fs->cwd_fd < 0) {
		errno = EBADF;
		return copy;
	}
	if (!fs->cwd_shared) {
		fs->cwd_shared = xmalloc(sizeof(*fs->cwd_shared));
		*fs->cwd_shared = (struct exec_fd){.fd = fs->cwd_fd, .refs = 1};
	}
	fs->cwd_shared->refs++;
	copy->cwd_shared = fs->cwd_shared;
	copy->cwd_fd = fs->cwd_fd;
	return copy;
}

void fsinfo_cwd_release(struct fsinfo *fs)
{
	if (fs->cwd_shared)
		exec_fd_put(fs->cwd_shared);
	else if (fs->cwd_fd >= 0)
		close(fs->cwd_fd);
	fs->cwd_shared = NULL;
	fs->cwd_fd = -1;
}

void fsinfo_put(struct fsinfo *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	fsinfo_cwd_release(fs);
	free(fs->cwd_path);
	free(fs);
}

void exec_fd_put(struct exec_fd *f)
{
	if (f && --f->refs == 0) {
		close(f->fd);
		free(f);
	}
}

void exec_image_free(struct exec_image *img)
{
	if (!img)
		return;
	if (img->exe_shared)
		exec_fd_put(img->exe_shared);
	else if (img->exe_fd >= 0)
		close(img->exe_fd);
	if (img->interp_shared)
		exec_fd_put(img->interp_shared);
	else if (img->interp_fd >= 0)
		close(img->interp_fd);
	free(img->exe_path);
	free(img->execfn);
	free(img->comm);
	for (int i = 0; i < img->argv_prefix_count; i++)
		free(img->argv_prefix[i]);
	free(img->argv_prefix);
	free(img);
}

void task_fail_call(pid_t tid, const struct user_regs_struct *regs, int err)
{
	struct user_regs_struct failed = *regs;

	failed.orig_rax = (unsigned long long)-1;
	failed.rax = (unsigned long long)(long long)err;
	if (ptrace(PTRACE_SETREGS, tid, 0, &failed) < 0 && errno != ESRCH)
		log_debug("%d: PTRACE_SETREGS: %s", tid, strerror(errno));
}
