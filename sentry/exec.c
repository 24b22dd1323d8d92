/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Implements Linux syscalls execve(2) and execveat(2).
 *
 * The guest filter stops both with SECCOMP_RET_TRACE. At that
 * PTRACE_EVENT_SECCOMP stop the sentry does, on its own copies of the
 * arguments, what Linux's do_execveat_common does before the point of no
 * return: it opens the file through the VFS (sentry/vfs/exec_open.c: the
 * gofer, or the guest's fd for fexecve and /proc/<pid>/fd/N), checks the
 * argument space, follows "#!" lines and PT_INTERP with libelf, and fails
 * the call with Linux's errno by skipping it. When all
 * holds, it writes LOADER_PATH below the thread's red zone, points the call
 * at it (an execveat becomes an execve) and keeps what it decided in t->exec.
 * The kernel re-runs the filter after a TRACE stop, lets the call through,
 * and execs the loader, the only file in the guest's mount namespace. The
 * loader's reserved call then fetches the decision (exec_loader_call).
 *
 * A policy's exec rules apply to the file as resolved in the view, and for a
 * "#!" script to each interpreter too; an ELF's PT_INTERP is a library and is
 * not checked (policies/README.md).
 *
 * Differences from Linux: ETXTBSY is seen for files the gofer opens and for
 * a guest fd that is itself open for writing, not for a file some other
 * process holds open for writing when it is run through an fd; ACLs are not
 * consulted for an fd the guest hands over (mode bits and CAP_DAC_OVERRIDE
 * are).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/exec_search.h"
#include "common/loader_abi.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sentry/audit.h"
#include "sentry/elfinfo.h"
#include "sentry/exec_args.h"
#include "sentry/maps_query.h"
#include "sentry/perm.h"
#include "sentry/sentry.h"
#include "sentry/vfs.h"

/* exec_binprm follows this many "#!" rewrites; one more is ELOOP. */
#define SCRIPT_LEVELS_MAX 5
#define RED_ZONE	  128
#define TASK_COMM_LEN	  16
#define PAGE		  4096UL
/* statfs.f_flags holds mount flags (ST_NOEXEC, ...) when this bit is set. */
#define STATFS_FLAGS_VALID 0x0020

/* A file opened for exec. */
struct exec_file {
	int fd;			/* read-only (or a shared description of a memfd) */
	struct exec_fd *shared; /* fd's reference when the exec cache keeps it too */
	char *path;		/* where it is in the view, for /proc/self/exe */
};

static void exec_file_close(struct exec_file *f)
{
	if (f->shared)
		exec_fd_put(f->shared);
	else if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	f->fd = -1;
	f->shared = NULL;
	f->path = NULL;
}

static bool call_from_regs(const struct user_regs_struct *r, struct exec_call *call)
{
	switch (r->orig_rax) {
	case SYS_execve:
		*call = (struct exec_call){.at = false,
					   .dirfd = AT_FDCWD,
					   .flags = 0,
					   .path_addr = r->rdi,
					   .argv_addr = r->rsi,
					   .envp_addr = r->rdx};
		return true;
	case SYS_execveat:
		*call = (struct exec_call){.at = true,
					   .dirfd = (int)r->rdi,
					   .flags = (int)r->r8,
					   .path_addr = r->rsi,
					   .argv_addr = r->rdx,
					   .envp_addr = r->r10};
		return true;
	default:
		/* A guest-installed filter may return TRACE for anything. */
		return false;
	}
}

static bool guest_fd_cloexec(struct sentry *s, pid_t tid, int guest_fd)
{
	_cleanup_free_ char *text = NULL;
	char path[64];
	const char *flags;

	snprintf(path, sizeof(path), "%d/fdinfo/%d", tid, guest_fd);
	if (read_file_at(s->host_procfd, path, &text) < 0)
		return false;
	flags = strstr(text, "flags:");
	return flags && (strtoul(flags + 6, NULL, 8) & O_CLOEXEC);
}

/* Whether the loader will find the fds it receives: the sentry installs
 * the program's fd (and its interpreter's) with ADDFD, which takes the
 * lowest free fd below the process's RLIMIT_NOFILE, after the exec, when a
 * failure can only end in SIGKILL. Linux's own exec needs no fd, so here
 * alone an exec with every fd below the limit taken cannot go on: it fails
 * with EMFILE, one of execve's errors, where it would otherwise die with
 * no word. The fast test is one stat: /proc/TID/fd's size is the number of
 * open fds (Linux 6.2+). Only near the limit are the fds that the exec
 * will close (close-on-exec) and those at or above the limit left out of
 * the count, one fdinfo read each. */
static bool loader_fds_free(struct sentry *s, pid_t tid, unsigned int need)
{
	struct rlimit rl;
	struct stat st;
	char path[64];

	if (prlimit(tid, RLIMIT_NOFILE, NULL, &rl) < 0 || rl.rlim_cur >= INT_MAX)
		return true;
	snprintf(path, sizeof(path), "%d/fd", tid);
	if (fstatat(s->host_procfd, path, &st, 0) < 0)
		return true;
	if ((uint64_t)st.st_size + need <= rl.rlim_cur)
		return true;

	int dfd = openat(s->host_procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return true;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return true;
	}
	uint64_t kept = 0;
	const struct dirent *e;

	while ((e = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || fd >= rl.rlim_cur)
			continue;
		if (!guest_fd_cloexec(s, tid, (int)fd))
			kept++;
	}
	closedir(d);
	return kept + need <= rl.rlim_cur;
}

/* An fd the guest hands over (fexecve, /proc/self/fd/N): the checks
 * do_open_execat makes, and a readable fd for libelf and the loader. */
static const char *exec_syscall_name(const struct sc_ctx *c);

static int use_guest_file(struct sc_ctx *c, int host_fd, struct exec_file *out)
{
	_cleanup_close_ int fd = host_fd;
	struct stat st;
	struct statfs sfs;
	struct creds cr;
	char path[PATH_MAX];
	int fl, r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (fstatfs(fd, &sfs) == 0 && (sfs.f_flags & STATFS_FLAGS_VALID) &&
	    (sfs.f_flags & ST_NOEXEC))
		return -EACCES;
	r = task_read_creds(c->s, c->t->tid, &cr);
	if (r < 0)
		return r;
	/* generic_permission(MAY_EXEC) on mode bits. */
	r = perm_check(&st, &cr, X_OK, PERM_FS_IDS);
	if (r < 0)
		return r;
	r = vfs_fd_path(c->s, fd, path, sizeof(path));
	if (r < 0)
		return r;
	/* A memfd's writers do not count against exec (its file is not
	 * opened through a path); any other file open for writing does. */
	bool memfd = strncmp(path, "/memfd:", 7) == 0;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (!(fl & O_PATH) && (fl & O_ACCMODE) != O_RDONLY && !memfd)
		return -ETXTBSY;
	/* An O_PATH fd needed only to see its file (the gofer's NEED_SEE):
	 * executing also needs the filesystem rules to let it be read, as an
	 * exec by path does. Other fds of the view were opened for reading or
	 * writing, which the rules decided then. */
	if ((fl & O_PATH) && c->s->policy) {
		uint32_t rule = POLICY_NO_RULE;
		enum policy_access a = policy_file_access(c->s->policy, path, &rule);
		if (a == POLICY_ACCESS_NONE || a == POLICY_ACCESS_HIDDEN) {
			audit_decision(c, exec_syscall_name(c), path, "exec", false, rule);
			return -EACCES;
		}
	}
	if ((fl & O_PATH) || (fl & O_ACCMODE) == O_WRONLY) {
		/* Reopen for reading, as exec reopens the fd's file. */
		char link[64];

		snprintf(link, sizeof(link), "self/fd/%d", fd);
		int ro = openat(c->s->host_procfd, link, O_RDONLY | O_CLOEXEC);

		if (ro < 0)
			return -sentry_fd_errno(errno);
		close(fd);
		fd = ro;
	}
	out->fd = take_fd(&fd);
	out->path = xstrdup(path);
	return 0;
}

static const char *exec_syscall_name(const struct sc_ctx *c)
{
	return c->req->data.nr == SYS_execveat ? "execveat" : "execve";
}

/* Opens what an exec names, as do_open_execat would: the VFS resolves the
 * path (sentry/vfs/exec_open.c), a guest's fd is checked here. */
static int exec_open(struct sc_ctx *c, int guest_dirfd, const char *path, int flags,
		     struct exec_file *out)
{
	struct vfs_exec_file f;
	char cur[PATH_MAX];
	int r;

	out->fd = -1;
	out->shared = NULL;
	out->path = NULL;
	snprintf(cur, sizeof(cur), "%s", path);
	r = vfs_exec_open(c, guest_dirfd, cur, flags, &f);
	if (r < 0 && f.rule != GOFER_RULE_NONE)
		audit_decision(c, exec_syscall_name(c), cur, "exec", false,
			       gofer_rule_index(f.rule));
	if (r == 0 && f.guest_fd)
		return use_guest_file(c, f.fd, out);
	out->fd = f.fd;
	out->shared = f.shared;
	out->path = f.view_path;
	return r;
}

static bool policy_has_exec_rules(const struct policy_view *pv)
{
	return policy_rule_count(pv, POLICY_RULE_EXEC_ALLOW) ||
	       policy_rule_count(pv, POLICY_RULE_EXEC_DENY) ||
	       policy_rule_count(pv, POLICY_RULE_EXEC_ALLOWLIST);
}

/* The policy's exec rules on a file exec_open() resolved. A file without a
 * path in the view (a memfd, a deleted file) matches no rule and is refused
 * when there are rules. A refusal is always recorded; an allowed exec only
 * when audit_allowed (audit.allowed then records it). */
static int exec_policy_decide(struct sc_ctx *c, const struct exec_file *f, bool audit_allowed)
{
	const struct policy_view *pv = c->s->policy;
	uint32_t rule = POLICY_NO_RULE;

	if (!pv)
		return 0;
	if (!policy_has_exec_rules(pv)) {
		/* Allowed by no rule. */
		if (audit_allowed)
			audit_decision(c, exec_syscall_name(c), f->path, "exec", true, rule);
		return 0;
	}
	bool ok = f->path && policy_exec_allowed(pv, f->path, &rule);

	if (!ok || audit_allowed)
		audit_decision(c, exec_syscall_name(c), f->path, "exec", ok, rule);
	return ok ? 0 : -EACCES;
}

static int exec_policy_check(struct sc_ctx *c, const struct exec_file *f)
{
	return exec_policy_decide(c, f, true);
}

/* bprm->filename: what AT_EXECFN, comm and a script's argv name. */
static char *exec_filename(const struct exec_call *call, const char *path)
{
	char *name;

	if (call->dirfd == AT_FDCWD || path[0] == '/')
		return xstrdup(path);
	if (path[0] == '\0')
		xasprintf(&name, "/dev/fd/%d", call->dirfd);
	else
		xasprintf(&name, "/dev/fd/%d/%s", call->dirfd, path);
	return name;
}

/* What binfmt_script does to argv: drop argv[0], put interpreter,
 * optional argument and the script's name (bprm->interp) in front. */
static int script_argv(struct exec_image *img, const struct elfinfo *info, const char *script,
		       struct arg_space *a)
{
	const char *add[3];
	int nadd = 0;
	int r;

	add[nadd++] = info->script_interp;
	if (info->has_script_arg)
		add[nadd++] = info->script_arg;
	add[nadd++] = script;
	a->used -= a->argv0_len + 1;
	for (int i = 0; i < nadd; i++) {
		if (strlen(add[i]) + 1 > MAX_ARG_STRLEN)
			return -E2BIG;
		r = exec_arg_add(a, strlen(add[i]) + 1);
		if (r < 0)
			return r;
	}
	a->argv0_len = strlen(info->script_interp);

	/* The old prefix's first string is the argv[0] being dropped. */
	int keep = img->argv_prefix_count ? img->argv_prefix_count - 1 : 0;
	char **prefix = xcalloc((size_t)(nadd + keep), sizeof(char *));

	for (int i = 0; i < nadd; i++)
		prefix[i] = xstrdup(add[i]);
	for (int i = 0; i < keep; i++)
		prefix[nadd + i] = img->argv_prefix[i + 1];
	if (img->argv_prefix_count)
		free(img->argv_prefix[0]);
	free(img->argv_prefix);
	img->argv_prefix = prefix;
	img->argv_prefix_count = nadd + keep;
	return 0;
}

/* Follows "#!" lines from f until an ELF object, which it leaves in f. */
static int resolve_scripts(struct sc_ctx *c, struct exec_file *f, struct exec_image *img,
			   struct arg_space *a, bool path_inaccessible, struct elfinfo *info)
{
	_cleanup_free_ char *script = xstrdup(img->execfn); /* bprm->interp */
	int r;

	for (int depth = 0;; depth++) {
		r = elfinfo_inspect(f->fd, info);
		if (r < 0 || info->fmt == BINFMT_ELF)
			return r;
		/* The interpreter would have to open a /dev/fd path whose fd
		 * the exec closes. */
		if (path_inaccessible)
			return -ENOENT;
		r = script_argv(img, info, script, a);
		if (r < 0)
			return r;
		free(script);
		script = xstrdup(info->script_interp);

		struct exec_file next;

		r = exec_open(c, AT_FDCWD, info->script_interp, 0, &next);
		if (r == 0)
			r = exec_policy_check(c, &next);
		if (r < 0) {
			exec_file_close(&next);
			return r;
		}
		exec_file_close(f);
		*f = next;
		if (depth + 1 > SCRIPT_LEVELS_MAX)
			return -ELOOP;
	}
}

/* The process name: the filename's last component, or for fexecve the
 * name of the file itself (Linux 6.14+). */
static char *exec_comm(const char *filename, const char *file_path, bool from_file)
{
	const char *src = from_file ? file_path : filename;
	const char *base = strrchr(src, '/');
	char comm[TASK_COMM_LEN];
	size_t n;

	base = base ? base + 1 : src;
	n = strlen(base);
	if (from_file && n > 10 && strcmp(base + n - 10, " (deleted)") == 0)
		n -= 10;
	if (n > TASK_COMM_LEN - 1)
		n = TASK_COMM_LEN - 1;
	memcpy(comm, base, n);
	comm[n] = '\0';
	return xstrdup(comm);
}

static size_t info_size(const struct exec_image *img)
{
	size_t n = offsetof(struct loader_info, strings);

	for (int i = 0; i < img->argv_prefix_count; i++)
		n += strlen(img->argv_prefix[i]) + 1;
	return n + strlen(img->execfn) + 1 + strlen(img->comm) + 1;
}

/* Everything up to the point of no return. Fills img or returns -errno. */
static int exec_decide(struct sc_ctx *c, const struct exec_call *call, struct exec_image *img)
{
	char path[PATH_MAX];
	struct exec_file bin = {-1, NULL, NULL}, interp = {-1, NULL, NULL};
	struct arg_space args;
	bool fexec, inaccessible = false;
	ssize_t n;
	int r;

	if (call->flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	n = guest_read_str(c->t->tid, call->path_addr, path, sizeof(path));
	if (n < 0)
		return (int)n;
	if (n == 0 && !(call->flags & AT_EMPTY_PATH))
		return -ENOENT;
	fexec = n == 0 && call->dirfd != AT_FDCWD;
	img->execfn = exec_filename(call, path);
	if (call->dirfd != AT_FDCWD && path[0] != '/')
		inaccessible = guest_fd_cloexec(c->s, c->t->tid, call->dirfd);

	_cleanup_free_ struct elfinfo *info = xmalloc(sizeof(*info));

	r = exec_open(c, call->dirfd, path, call->flags, &bin);
	if (r == 0)
		r = exec_policy_check(c, &bin);
	if (r == 0)
		r = exec_check_args(c, call, img->execfn, &args);
	if (r == 0)
		r = resolve_scripts(c, &bin, img, &args, inaccessible, info);
	if (r == 0 && info->has_interp) {
		r = exec_open(c, AT_FDCWD, info->interp, 0, &interp);
		if (r == 0)
			r = elfinfo_check_interp(interp.fd);
	}
	if (r < 0) {
		exec_file_close(&bin);
		exec_file_close(&interp);
		return r;
	}
	if (!loader_fds_free(c->s, c->t->tid, interp.fd >= 0 ? 2 : 1)) {
		exec_file_close(&bin);
		exec_file_close(&interp);
		return -EMFILE;
	}
	img->comm = exec_comm(img->execfn, bin.path, fexec);
	img->exe_fd = take_fd(&bin.fd);
	img->exe_shared = take_ptr(&bin.shared);
	img->exe_path = take_ptr(&bin.path);
	img->interp_fd = take_fd(&interp.fd);
	img->interp_shared = take_ptr(&interp.shared);
	exec_file_close(&interp);
	/* Only absurd path lengths get here. */
	return info_size(img) > LOADER_INFO_MAX ? -ENAMETOOLONG : 0;
}

/* The start of the writable mapping that holds the bytes just below rsp.
 * A remote write does not grow a stack (Linux 6.5+), and posix_spawn and
 * thread stacks are plain mappings: only what is mapped can be written. */
static int stack_vma_start(struct sentry *s, pid_t tid, uint64_t rsp, uint64_t *vma_start)
{
	char path[64];
	struct maps_vma vma;

	snprintf(path, sizeof(path), "%d/maps", tid);
	_cleanup_close_ int fd = openat(s->host_procfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -sentry_task_errno(errno);
	/* Unmapped, read-only, or a task whose memory is gone. */
	if (maps_query(fd, rsp - 1, &vma) < 0 || !vma.writable)
		return -EFAULT;
	*vma_start = vma.start;
	return 0;
}

/* Where the loader's path goes: below the red zone; or, for a thread at
 * the very bottom of its stack mapping, inside it (at the stop of an exec
 * call nothing live is there: the call is libc's leaf wrapper, and what
 * lies below a vfork child's rsp is free for its parent as well). */
static int loader_path_addr(struct sentry *s, pid_t tid, uint64_t rsp, size_t len, uint64_t *addr)
{
	uint64_t vma_start;
	int r;

	if (rsp < RED_ZONE + len + 16)
		return -EFAULT;
	*addr = (rsp - RED_ZONE - len) & ~15ULL;
	/* In rsp's own page (rsp not at a page start, so the bytes just below
	 * it share that page and mapping): the write itself then tells whether
	 * that mapping is writable (a remote write needs VM_WRITE and grows no
	 * stack), without the text of /proc/<tid>/maps, which the kernel
	 * builds for every mapping. */
	if ((rsp & (PAGE - 1)) != 0 && (*addr & ~(PAGE - 1)) == (rsp & ~(PAGE - 1)))
		return 0;
	r = stack_vma_start(s, tid, rsp, &vma_start);
	if (r < 0)
		return r;
	if (*addr >= vma_start)
		return 0;
	*addr = (rsp - len) & ~15ULL;
	return *addr >= vma_start ? 0 : -EFAULT;
}

/* Rewrites the stopped call into execve(LOADER_PATH, argv, envp). */
static int point_at_loader(struct sentry *s, struct task *t, const struct user_regs_struct *orig,
			   bool at)
{
	static const char loader[] = LOADER_PATH;
	struct user_regs_struct regs = *orig;
	uint64_t addr;
	int r;

	r = loader_path_addr(s, t->tid, regs.rsp, sizeof(loader), &addr);
	if (r < 0)
		return r;
	r = guest_write(t->tid, addr, loader, sizeof(loader));
	if (r < 0)
		return r;
	if (at) {
		regs.orig_rax = SYS_execve;
		regs.rsi = orig->rdx;
		regs.rdx = orig->r10;
	}
	regs.rdi = addr;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0)
		return -errno;
	return 0;
}

int exec_trace_stop(struct sc_ctx *trace)
{
	struct sentry *s = trace->s;
	struct task *t = trace->t;
	struct user_regs_struct regs;
	struct exec_call call;

	/* The ptrace dispatcher routes only execve/execveat here; a thread
	 * whose registers cannot be read, or name another call, is treated as
	 * any other TRACE stop: the cached ids are dropped (the next request
	 * reads them afresh). An exec changes only its own thread's, which the
	 * exec event drops. */
	if (trace->regs)
		regs = *trace->regs;
	else if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) < 0)
		return creds_trace_stop(trace);
	if (!call_from_regs(&regs, &call))
		return creds_trace_stop(trace);

	/* Helpers take a notification context; this one stands for the
	 * stopped call (there is no notification, so no id to validate). */
	struct seccomp_notif req = {
		.id = 0,
		.pid = (uint32_t)t->tid,
		.data = {.nr = (int)regs.orig_rax,
			 .arch = AUDIT_ARCH_X86_64,
			 .args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9}},
	};
	struct sc_ctx c = {.s = s, .t = t, .req = &req, .install_fd = -1, .at_trace_stop = true};
	struct exec_image *img = xcalloc(1, sizeof(*img));
	int r;

	img->exe_fd = img->interp_fd = -1;
	r = exec_decide(&c, &call, img);
	if (r == 0)
		r = point_at_loader(s, t, &regs, call.at);
	if (r < 0) {
		log_debug("exec by %d: %s", t->tid, strerror(-r));
		exec_image_free(img);
		task_fail_call(t->tid, &regs, r);
		return 0;
	}
	exec_image_free(t->exec);
	t->exec = img;
	return 0;
}

static size_t put_str(char *dst, size_t at, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(dst + at, s, n);
	return at + n;
}

/* The loader's buffer, written once the interpreter's fd number is known. */
struct loader_answer {
	pid_t tid;
	uint64_t buf_addr;
	struct loader_info *info;
	size_t len;
	bool interp;
};

static int write_info(void *arg, const int *guest_fds)
{
	struct loader_answer *w = arg;

	w->info->interp_fd = w->interp ? guest_fds[0] : -1;
	return guest_write(w->tid, w->buf_addr, w->info, w->len);
}

/* Answers the loader's call in as few ioctls as the kernel allows: the
 * interpreter's fd (if any) is installed first, its number goes into the
 * loader's buffer, and the binary's fd is installed with
 * SECCOMP_ADDFD_FLAG_SEND, which answers the call with that fd's number.
 * The ADDFD|SEND fails (ENOENT) when the call is no longer pending, so it
 * also stands for the ID_VALID check before the answer. */
static int answer_loader(struct sc_ctx *c, const struct exec_image *img)
{
	uint64_t buf_size = c->req->data.args[1];
	size_t len = info_size(img), at = 0;

	if (len > LOADER_INFO_MAX || len > buf_size)
		return -E2BIG;
	_cleanup_free_ struct loader_info *info = xcalloc(1, len);

	info->version = LOADER_INFO_VERSION;
	info->argv_prefix_count = (uint32_t)img->argv_prefix_count;
	for (int i = 0; i < img->argv_prefix_count; i++)
		at = put_str(info->strings, at, img->argv_prefix[i]);
	at = put_str(info->strings, at, img->execfn);
	at = put_str(info->strings, at, img->comm);
	info->strings_len = (uint32_t)at;

	struct loader_answer w = {.tid = (pid_t)c->req->pid,
				  .buf_addr = c->req->data.args[0],
				  .info = info,
				  .len = len,
				  .interp = img->interp_fd >= 0};
	struct seccomp_notif_addfd a[2];
	int host_fds[2] = {img->interp_fd, img->exe_fd}, guest_fds[2];
	size_t first = w.interp ? 0 : 1;

	for (size_t i = first; i < 2; i++)
		a[i] = (struct seccomp_notif_addfd){
			.id = c->req->id,
			.flags = i == 1 ? SECCOMP_ADDFD_FLAG_SEND : 0,
			.srcfd = (uint32_t)host_fds[i],
			.newfd = 0,
			.newfd_flags = O_CLOEXEC,
		};
	if (sentry_addfds(c->s, a + first, 2 - first, guest_fds, write_info, &w) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	c->answered = true;
	return 0;
}

struct exe_update {
	pid_t tgid;
	const char *path;
};

static int set_exe(struct task *t, void *arg)
{
	const struct exe_update *u = arg;

	if (t->tgid == u->tgid) {
		free(t->exe);
		t->exe = xstrdup(u->path);
	}
	return 0;
}

/* Why the kernel's PTRACE_EVENT_EXEC stop, and nothing cheaper, tells
 * that the call comes from the loader the sentry just exec'd
 * (loader_expected is set only there, ptrace.c on_exec). A pending
 * t->exec is no proof: after the TRACE stop pointed the call at the
 * loader, the kernel's exec can still fail and return to the old program
 * with the decision pending: the guest's own stacked filter runs again
 * after the stop and may refuse the rewritten call (tests/security
 * loader.c does), another thread may overwrite the loader's path or unmap
 * argv, RLIMIT_NPROC may give EAGAIN. That program could then make the
 * reserved call and receive the fds of a binary it may only execute (mode
 * --x, or a policy that allows exec but not reading). Nor does anything
 * the call's notification carries, or a few reads, tell the fresh loader
 * from such a program: every guest program keeps the loader's mapping
 * (so the instruction pointer can lie in the loader's text, and mremap
 * can move that text to a new address), and start_code, the argument
 * ranges and auxv are set by PR_SET_MM_MAP, which needs no privilege.
 * The exec event costs one ptrace stop per exec; a cheaper proof would
 * need the kernel to report the exec another way. */
int exec_loader_call(struct sc_ctx *c)
{
	struct task *t = c->t;

	/* Honoured once, right after the loader's own exec: a guest that
	 * runs the loader by itself gets nothing. */
	if (!t->loader_expected || !t->exec) {
		c->error = -EPERM;
		return 0;
	}
	t->loader_expected = false;

	struct exec_image *img = take_ptr(&t->exec);
	int r = answer_loader(c, img);

	if (r < 0) {
		c->error = r;
	} else {
		struct exe_update u = {.tgid = t->tgid, .path = img->exe_path};

		task_foreach(c->s, set_exe, &u);
		c->val = 0;
	}
	exec_image_free(img);
	return 0;
}

/* ---- execvp's PATH search in one call (RUNSC_NR_EXEC_SEARCH) ----
 *
 * syscall(RUNSC_NR_EXEC_SEARCH, const char *file, const char *path_list,
 * char *out, size_t out_size). glibc's execvpe tries execve on each
 * candidate of path_list in turn (an empty element is the cwd: the
 * candidate is file itself) and goes on after EACCES, ENOENT, ESTALE,
 * ENOTDIR, ENODEV and ETIMEDOUT, ending with EACCES if one gave it, else
 * with the last one's errno; any other errno ends the search. Here each
 * candidate is decided as its exec decides it up to the file's format:
 * exec's open (the gofer, or the exec cache, which keeps missing
 * candidates as well as found files) and the policy's exec rules, whose
 * refusals are recorded as an exec's are (an allowed file's record is its
 * exec's). The first candidate that passes is written to out, NUL
 * included, and its length returned; the process then execs it, and the
 * exec decides everything again. When every candidate fails with an errno
 * the search goes on after, the answer is glibc's errno. Any other errno
 * (one that ends glibc's search, a path list or name it would treat
 * specially) is answered as it is, and the caller then searches by itself:
 * only these two answers stand for glibc's. */
#define EXEC_SEARCH_LIST_MAX PATH_MAX

/* One candidate: 0 when its exec would get past the open and the rules. */
static int exec_search_try(struct sc_ctx *c, const char *cand)
{
	struct exec_file f;
	int r = exec_open(c, AT_FDCWD, cand, 0, &f);

	if (r == 0)
		r = exec_policy_decide(c, &f, false);
	exec_file_close(&f);
	return r;
}

static int exec_search(struct sc_ctx *c, size_t *len)
{
	pid_t tid = (pid_t)c->req->pid;
	char file[NAME_MAX + 2], cand[PATH_MAX];
	_cleanup_free_ char *list = xmalloc(EXEC_SEARCH_LIST_MAX);
	ssize_t flen = guest_read_str(tid, c->req->data.args[0], file, sizeof(file));
	ssize_t llen = guest_read_str(tid, c->req->data.args[1], list, EXEC_SEARCH_LIST_MAX);
	bool eacces = false;
	int last = ENOENT;

	if (flen < 0)
		return (int)flen;
	if (llen < 0)
		return (int)llen;
	/* glibc's own cases: no name, a path, a name too long, a list as
	 * long as PATH_MAX (whose long elements it skips). */
	if (flen == 0 || flen > NAME_MAX || strchr(file, '/') || llen >= PATH_MAX - 1)
		return -EINVAL;
	/* The strings were read from the caller's memory: before anything
	 * is done with them (the gofer's opens, audit records). */
	if (!notif_valid(c))
		return -ESRCH;
	for (const char *p = list;;) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		size_t n = dlen + (dlen > 0) + (size_t)flen;

		if (n >= sizeof(cand))
			return -ENAMETOOLONG;
		memcpy(cand, p, dlen);
		if (dlen > 0)
			cand[dlen] = '/';
		memcpy(cand + dlen + (dlen > 0), file, (size_t)flen + 1);
		int r = exec_search_try(c, cand);

		if (r == 0) {
			*len = n + 1;
			if (*len > c->req->data.args[3])
				return -ERANGE;
			r = guest_write(tid, c->req->data.args[2], cand, *len);
			return r;
		}
		if (!exec_search_goes_on(-r))
			return r;
		eacces = eacces || r == -EACCES;
		last = -r;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return eacces ? -EACCES : -last;
}

int exec_search_call(struct sc_ctx *c)
{
	size_t len = 0;
	int r = exec_search(c, &len);

	if (r < 0)
		c->error = r;
	else
		c->val = (int64_t)len;
	return 0;
}
