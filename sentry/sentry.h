/* SPDX-License-Identifier: Apache-2.0 */
/* The sentry: holds the seccomp listener of every guest task, is their
 * ptracer, and emulates the syscalls the guest filter sends it. */
#ifndef RUNSC_SENTRY_SENTRY_H
#define RUNSC_SENTRY_SENTRY_H

#include <errno.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include "common/path_masks.h"
#include "common/proto.h"

/* The kernel release the guest sees in uname(2), /proc/version and
 * /proc/sys/kernel/osrelease, whatever the host runs: programs gate
 * features on it, so it names the release whose calls the table offers
 * (6.6: clone3, fchmodat2; newer calls fail with ENOSYS unless offered). */
#ifndef RUNSC_UNAME_RELEASE
#define RUNSC_UNAME_RELEASE "6.6.0-runsc-c"
#endif
/* uname(2)'s version field, also in /proc/version. */
#ifndef RUNSC_UNAME_VERSION
#define RUNSC_UNAME_VERSION "#1 SMP PREEMPT runsc-c"
#endif

struct dcache;
struct setid_table;
struct opath_state;
struct dns_bind_table;
struct saved_call;
struct exec_fd;
struct gofer_shared;

/* The cwd of one fs_struct (shared by tasks cloned with CLONE_FS). A
 * cwd_fd of -1 means the sentry had no fd free for it when the task
 * appeared: calls relative to the cwd then fail with ENOMEM (as Linux's
 * do when it lacks the memory) until a chdir gives the task a cwd again;
 * they are never resolved from another directory. */
struct fsinfo {
	int refs;
	int cwd_fd; /* O_PATH directory from the gofer, or -1 (see above) */
	/* cwd_fd's reference when fs_structs copied from one another (fork,
	 * unshare) share it until one of them changes directory; NULL: the
	 * fd is this one's own. */
	struct exec_fd *cwd_shared;
	/* cwd_fd is a directory of the sentry's /proc (its mirror tmpfs, see
	 * procfs_owns_fd): relative paths resolve from its /proc path, never
	 * from the fd, which must not reach the gofer. */
	bool cwd_proc;
	/* The cwd's path in the view while the sentry's names_gen is cwd_gen,
	 * or NULL: the dentry cache keys relative paths with it, and getcwd
	 * answers with it outside volumes. */
	char *cwd_path;
	uint64_t cwd_gen;
};

/* A read-only fd exec opened, shared by the exec cache
 * (sentry/vfs/exec_open.c) and the execs that use it: whoever holds a
 * reference may use fd (and hand it to ADDFD, where the kernel takes its
 * own reference at the ioctl), and the last exec_fd_put() closes it. An
 * exec pending between its TRACE stop and its loader call thus keeps its
 * files open when the cache drops them. A cwd that fs_structs copied from
 * one another share is held the same way (struct fsinfo). */
struct exec_fd {
	int fd;
	unsigned int refs;
};
void exec_fd_put(struct exec_fd *f);

/* What an exec decided at its TRACE stop, handed to the loader. */
struct exec_image {
	int exe_fd;		       /* sentry-held read-only fd of the ELF to map */
	int interp_fd;		       /* its PT_INTERP, or -1 */
	struct exec_fd *exe_shared;    /* exe_fd's reference when the exec cache shares it */
	struct exec_fd *interp_shared; /* interp_fd's, likewise; NULL: the fd is img's own */
	char *exe_path;		       /* path inside the view: /proc/self/exe */
	char *execfn;		       /* AT_EXECFN: the filename execve was given */
	char *comm;		       /* process name */
	char **argv_prefix;	       /* "#!" interpreter, optional arg, script path */
	int argv_prefix_count;
};

/* A thread's last wait with a timeout that Linux never restarts
 * (rt_sigtimedwait, epoll_pwait2), noted at its stop (sentry/timed_wait.c). */
struct timed_wait {
	bool armed;
	uint64_t nr;
	uint64_t rip;		  /* where the call returns to */
	uint64_t timeout_addr;	  /* the guest's timeout argument */
	struct timespec deadline; /* CLOCK_MONOTONIC */
};

struct task {
	pid_t tid;  /* host tid */
	pid_t tgid; /* host tgid */
	pid_t vtid; /* tid inside the guest's pid namespace (0: unknown yet, task_vids) */
	pid_t vtgid;
	uint64_t serial; /* this task's alone in the sentry's life: a reused tid is another */
	struct fsinfo *fs;
	char *exe;		 /* virtual /proc/self/exe */
	struct exec_image *exec; /* between the exec TRACE stop and the loader call */
	bool loader_expected;	 /* the loader was exec'd; its reserved call is due */
	bool attached;		 /* has been seen by ptrace */
	bool held;		 /* first stop seen before its parent's clone event */
	bool creds_valid;	 /* creds below is current (see task_read_creds) */
	int pidfd;		 /* PIDFD_THREAD of tid, opened on first use, or -1 */
	struct creds *creds;
	struct saved_call *saved_call; /* registers to put back (sentry/clone3.h) */
	struct timed_wait wait;
	struct task *hnext;
};

/* What a gofer request did to the names of the view (gofer_client.c). */
enum names_change {
	NAMES_KEPT,
	NAMES_ADDED,	    /* names were only added */
	NAMES_MOVED,	    /* names of the objects in gone went or moved, none of them
			       a directory or a symlink */
	NAMES_DIRS,	    /* the same, or a chmod or chown of the directory in gone,
			       with a directory or symlink among them */
	NAMES_DIRS_REMOVED, /* an unlink of the directory or symlink in gone */
	NAMES_CHANGED,	    /* removed, renamed, or permissions changed: not known what */
};

struct sentry {
	int listener;	    /* seccomp user-notification fd */
	int gofer;	    /* SOCK_SEQPACKET to the gofer */
	bool gofer_fd_held; /* the gofer has yet to close an fd it sent */
	pid_t gofer_pid;    /* for keeping it on the sentry's CPU, or 0 */
	int gofer_cpu;	    /* the CPU the gofer is pinned to, or -1 */
	int host_procfd;    /* the host's /proc, opened before isolation */
	int diag_fd;	    /* NETLINK_SOCK_DIAG in the guest's network namespace, or -1 */
	int guest_procfd;   /* a procfs of the guest's pid namespace (subset=pid) */
	int root_fd;	    /* O_PATH of the view's root, from the gofer */
	int tty_fd;	    /* the guest's terminal (for /dev/tty), or -1 */
	pid_t init_pid;	    /* host pid of the guest's init */
	int init_status;    /* wait status of init once it exited, else -1 */
	/* The counts of the fds the gofer sent and closed (common/gofer_shared.h). */
	struct gofer_shared *gofer_shared;
	bool init_exited;
	struct seccomp_notif_sizes sizes;
	char hostname[65];
	char domainname[65];
	/* The device of the sandbox's /sys once the guest opened a file there
	 * (GOFER_OPEN_SYSFS), for fstatfs(2) of its fds (syscalls/fs.c). */
	bool sysfs_opened;
	dev_t sysfs_dev;
	/* The config's sysctls the guest's /proc/sys shows (sentry/sysctl.c):
	 * each with the value Linux read back, and the directories above them
	 * that procfs_sys_entries lacks. */
	struct pent *sysctl_ents;
	size_t nsysctl_ents;
	/* net.ipv4.ip_unprivileged_port_start of the guest's network
	 * namespace: 1024 in a new one (the guest cannot change it), read
	 * from a joined one at start. */
	unsigned int unpriv_port_start;
	struct task *tasks[1024];
	size_t ntasks;
	void *procfs;			  /* state of sentry/procfs.c */
	struct opath_state *opath;	  /* sentry/opath.c's placeholders, or NULL */
	const struct policy_view *policy; /* the compiled policy, or NULL */
	int audit_fd;			  /* JSON lines of decisions, or -1 */
	/* Names the sandbox's resolver bound to addresses (egress), or NULL. */
	const struct dns_bind_table *dns_table;
	char sandbox_id[65];
	const struct sentry_hooks *hooks; /* from the config; never NULL */
	/* The paths in the view the host may change while the guest runs
	 * (volumes). The dentry cache stays off unless whoever starts the
	 * sentry sets volumes_known: only then is the list complete. */
	const char *const *volume_paths;
	size_t nvolume_paths;
	bool volumes_known;
	/* Moves on every gofer request that may remove or rename a name or
	 * change what a name's permissions allow. names_changed, if set, runs
	 * right after such a request and after one that only adds names
	 * (enum names_change); gone lists the objects of NAMES_MOVED and
	 * NAMES_DIRS(_REMOVED). */
	uint64_t names_gen;
	void (*names_changed)(struct sentry *s, enum names_change change,
			      const struct gofer_gone *gone, size_t ngone);
	struct dcache *dcache; /* sentry/dcache.h, made on first use */
	bool dcache_off;       /* could not be set up */
	/* Moves on every gofer request that may change a file of the view or
	 * what a name leads to (all but lookups, exec's opens and opens that
	 * write no regular file) and on the sentry's own fchmod or fchown of
	 * one: the files exec keeps open are valid while it stands still. */
	uint64_t files_gen;
	struct exec_cache *exec_cache; /* sentry/vfs/exec_open.c, made on first use */
	struct setid_table *setid;     /* sentry/setid.h, made on first use */
	/* The regular file the guest's last open(O_CREAT) made, kept by the
	 * dentry cache at its path (sentry/vfs/dentry.c): while files_gen is
	 * still created_gen it is linked there and no other object has its
	 * ids, so a futimens of an fd with these ids (tar's right after the
	 * open) needs no look at the fd's path (sentry/vfs/fd_attr.c). */
	uint64_t created_dev, created_ino, created_gen;
	bool created_known;
	/* Devices seen to hold an overlayfs, for getdents64 (syscalls/dir.c). */
	uint64_t overlay_devs[16];
	size_t noverlay_devs;
};

/* One notification being answered. */
struct sc_ctx {
	struct sentry *s;
	struct task *t;
	struct seccomp_notif *req;
	int64_t val;
	int error;		/* negative errno to return, or 0 */
	int install_fd;		/* an fd to install as the result (ADDFD, then the answer), or -1 */
	uint32_t install_flags; /* O_CLOEXEC */
	/* The handler answered the call itself (an ADDFD with
	 * SECCOMP_ADDFD_FLAG_SEND): nothing more is sent. */
	bool answered;
	/* Let the call run natively (SECCOMP_USER_NOTIF_FLAG_CONTINUE): only
	 * for calls whose arguments are registers and that the filter traps
	 * for a kind of fd it cannot tell apart (syscalls/table.c). */
	bool cont;
	/* The call is held in a ptrace stop, not a notification (exec): the
	 * task cannot go away before the sentry continues it. */
	bool at_trace_stop;
	/* At a trace stop: the thread's registers, read once by the ptrace
	 * dispatcher (NULL: the handler reads them itself). */
	const struct user_regs_struct *regs;
	/* The guest's dirfd this call fetched first (guest_dirfd_pinned),
	 * kept for the call: the dentry cache's key and the gofer's request
	 * then name the same directory, whatever another guest thread does
	 * with the fd number meanwhile. Only notifications pin (dispatch
	 * closes it). */
	bool pin_ok, pinned;
	int pin_guest_fd, pin_fd;
	/* The pinned fd's attributes once fetched (sc_ctx_fstat), while the
	 * sentry's names_gen is pin_st_gen. */
	bool pin_st_ok;
	uint64_t pin_st_gen;
	struct stat pin_st;
	/* In a deferred answer's poll: the events its watch
	 * (sentry_defer_watch) reported since the last poll, or 0 (a tick). */
	uint32_t watch_events;
};

/* The guest's memory as its cgroup counts it, for /proc/meminfo (bytes). */
struct sentry_memory {
	uint64_t limit; /* UINT64_MAX: none */
	uint64_t usage;
	uint64_t cache;		/* page cache, part of usage */
	uint64_t inactive_file; /* reclaimable cache */
};

/* What the library that made the sandbox does for the sentry, in the
 * sentry's process. Each hook may be NULL (nothing to do). */
struct sentry_hooks {
	/* Moves the guest's init (host pid) into the guest's cgroups, before
	 * it runs anything (the init waits for its id maps meanwhile). 0, or
	 * -errno with err filled. Runs before the sentry is isolated. */
	int (*guest_attach)(void *arg, pid_t pid, char *err, size_t err_size);
	/* The guest's memory now; 0, or -errno: /proc/meminfo is the host's.
	 * Runs isolated (only fds opened before work). */
	int (*memory_read)(void *arg, struct sentry_memory *m);
	void *arg;
};

/* What the sentry's process is started with (sentry_run): the library that
 * creates a sandbox fills it, the sentry fills its own struct sentry. */
struct sentry_config {
	int gofer_sock;	 /* SOCK_SEQPACKET to the gofer */
	pid_t gofer_pid; /* for keeping it on the sentry's CPU, or 0 */
	/* The page shared with the gofer (common/gofer_shared.h), mapped. */
	struct gofer_shared *gofer_shared;
	/* The guest's command and environment (argv[0] is looked up in the
	 * guest's PATH), its user and its working directory in the view. */
	char **argv;
	uint32_t builtin; /* enum exec_builtin in place of argv[0], or 0 */
	char **envp;
	bool user_set;
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups with user_set; none: gid alone */
	size_t ngroups;
	/* rlimits, umask and capabilities of the command and the container's
	 * seccomp filter, for it and for exec'd processes; or NULL. */
	const struct proc_attrs *attrs;
	const struct sock_fprog *filter;
	const char *cwd;
	const char *hostname;
	const struct sysctl_set *sysctls; /* common/sysctl.h */
	size_t nsysctls;
	int netns_fd; /* a network namespace for the guest to join, or -1 */
	int ipcns_fd; /* the IPC namespace for the guest to join, or -1 */
	/* Fds 3 to 2 + preserve_fds go to the command (the caller's, which
	 * the sentry closes once the guest has them). */
	unsigned int preserve_fds;
	bool listen_pid; /* the command gets LISTEN_PID=<its pid> (sandbox.h) */
	/* Masked and read-only paths; the sentry applies those of /proc. */
	const struct path_masks *masks;
	int tty_fd; /* the guest's terminal, its fds 0..2; -1: it inherits 0..2 */
	/* The guest init's end of the exec channel (common/exec_proto.h),
	 * handed to it and closed here; or -1. */
	int control_fd;
	const struct policy_view *policy; /* the compiled policy, or NULL */
	int audit_fd;			  /* JSON lines of decisions, or -1 */
	/* The volumes' paths in the view: what the host may change there. */
	const char *const *volume_paths;
	size_t nvolume_paths;
	/* Receives the guest init's host pid once the guest is seized and the
	 * sentry isolated, then is closed: the sandbox is running. */
	int report_fd;
	const struct sentry_hooks *hooks; /* or NULL */
	const char *sandbox_id;		  /* for audit records; NULL: random */
	/* The resolver's bindings (common/dns_bind.h), read-only, or NULL. */
	const struct dns_bind_table *dns_table;
};

/* sentry/sysctl.c: sets the n sysctls of set in the namespaces of the
 * guest whose init is init (host pid), before the sentry isolates itself;
 * the first that fails is err, naming its field and the file. */
struct sysctl_set;
struct rc_error;
int sentry_sysctls_apply(struct sentry *s, const struct sysctl_set *set, size_t n, pid_t init,
			 struct rc_error *err);

/* sentry/sentry.c */
/* Starts the guest, isolates the sentry and runs its loop until the guest's
 * init exits; exits with the init's status (128+N for signal N). Runs in a
 * forked child; a setup failure is one message and exit 125. */
_Noreturn void sentry_run(const struct sentry_config *cfg);

/* A handler whose answer must wait (a FIFO open without a peer) returns
 * SC_DEFER after sentry_defer(): the loop calls poll every tick until it
 * returns true (answer in the ctx it is given) and ends the wait early with a
 * restart code when the thread gets a signal (a poll that finds the wait
 * over answers first), or drops it if the thread died. poll and drop own
 * arg. */
#define SC_DEFER 1
typedef bool (*sc_poll_fn)(struct sc_ctx *c, void *arg);
/* A handler at a PTRACE_EVENT_SECCOMP stop (the row's trace handler)
 * returns 0 to let the thread go on, or SC_TRACE_EXIT to have it stop again
 * when the call has run, where the ptrace dispatcher drops every task's
 * cached ids once more. */
#define SC_TRACE_EXIT 2
void sentry_defer(struct sc_ctx *c, sc_poll_fn poll, void (*drop)(void *arg), void *arg);
/* SECCOMP_IOCTL_NOTIF_ADDFD on the listener. Only one that carries
 * SECCOMP_ADDFD_FLAG_SEND is made with SIGCHLD blocked: the kernel marks
 * the call answered (with 0) when it queues such an ADDFD, so a signal
 * that ends the ioctl's wait before the caller took the fd would leave the
 * call returning 0 with no fd installed. Without the flag, an ADDFD that
 * a signal ends has either installed the fd (the ioctl returns it) or been
 * taken back (made again, it installs the fd once): no block is needed,
 * which spares every open two rt_sigprocmask calls. Returns the ioctl's
 * result, with errno set. */
int sentry_addfd(struct sentry *s, struct seccomp_notif_addfd *a);
/* The n ADDFDs of a, in order (under one block of SIGCHLD when one of
 * them carries SECCOMP_ADDFD_FLAG_SEND, see sentry_addfd); guest_fds[i]
 * gets each one's result. When before_last is given, it runs right before
 * the last ADDFD (which may carry SECCOMP_ADDFD_FLAG_SEND), with the
 * results so far; a negative return (-errno) stops there. 0, or -1 with
 * errno set by the first that failed (those after it are not made). */
int sentry_addfds(struct sentry *s, struct seccomp_notif_addfd *a, size_t n, int *guest_fds,
		  int (*before_last)(void *arg, const int *guest_fds), void *arg);
/* Right after sentry_defer(), or in its poll: the answer when a signal
 * ends the wait (default -ERESTARTSYS: EINTR, or the call restarted under
 * SA_RESTART). */
void sentry_defer_intr_error(int error);
/* Right after sentry_defer(): the poll acts on nothing but the sentry's
 * copy of the guest's object (a connect finishing on the guest's socket),
 * so it may run before the caller's liveness is checked; the check (one
 * ioctl) is then made only while the wait goes on. */
void sentry_defer_poll_first(void);
/* Right after sentry_defer(): the loop also polls as soon as fd is ready
 * for events (EPOLLOUT for a connect in progress), not only each tick; it
 * does so once (later polls come at ticks).
 * True when the fd was taken: it is then closed after the answer (or the
 * drop), and the handler's poll and drop must not close it; false leaves
 * it to the handler (the tick still polls). */
bool sentry_defer_watch(int fd, uint32_t events);

/* sentry/task.c */
struct task *task_find(struct sentry *s, pid_t tid);
/* Finds or creates the task for a host tid (fs copied from nothing: root). */
struct task *task_get(struct sentry *s, pid_t tid);
void task_remove(struct sentry *s, pid_t tid);
/* After an exec from a non-leader thread the thread takes the leader's tid. */
void task_rekey(struct sentry *s, pid_t old_tid, pid_t new_tid);
/* Fills in the task's tid and tgid inside the guest's pid namespace (and
 * its host tgid) from its /proc status, unless known: a new task's are
 * read when first needed, not at its creation. task_vids_all: for every
 * task, before a walk that reads them. */
void task_vids(struct sentry *s, struct task *t);
void task_vids_all(struct sentry *s);
/* Finds a task by its tid inside the guest's pid namespace. */
struct task *task_find_vtid(struct sentry *s, pid_t vtid);
/* Calls fn for every task; stops when fn returns non-zero. */
int task_foreach(struct sentry *s, int (*fn)(struct task *t, void *arg), void *arg);
/* Makes the call a thread is held at (its seccomp ptrace stop) fail with
 * err, a negative errno, without running: orig_rax -1 skips the call and
 * rax is its result. regs are the thread's registers at the stop. */
void task_fail_call(pid_t tid, const struct user_regs_struct *regs, int err);
struct fsinfo *fsinfo_new(int cwd_fd);
/* A new fs_struct with fs's cwd (a clone without CLONE_FS, unshare): both
 * share cwd_fd (cwd_shared) until one changes directory. */
struct fsinfo *fsinfo_copy(struct fsinfo *fs);
/* Gives up fs's cwd_fd (closed once no copy shares it); cwd_fd is -1. */
void fsinfo_cwd_release(struct fsinfo *fs);
void fsinfo_put(struct fsinfo *fs);
void exec_image_free(struct exec_image *img);

/* sentry/mem.c: the guest's memory, through process_vm_readv/writev. */
int guest_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int guest_write(pid_t tid, uint64_t addr, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max-1 bytes; -ENAMETOOLONG if
 * longer, -EFAULT if unreadable. Returns its length. */
ssize_t guest_read_str(pid_t tid, uint64_t addr, char *buf, size_t max);

/* A thread's ids as the host sees them (the guest's mapping is identity). */
struct creds {
	uid_t ruid, euid, fsuid;
	gid_t rgid, egid, fsgid;
	int ngroups;
	gid_t groups[GOFER_MAX_GROUPS];
	mode_t umask;
	uint64_t cap_eff, cap_prm; /* effective and permitted (bit N: capability N) */
};
/* The ids of a thread, cached per task: a thread's ids change only by its
 * own set*id/capset/umask calls (SC_TRACED: each stops for the sentry first,
 * which drops every cache) or by exec, so a thread that is blocked in a
 * notification has the ids the cache holds. */
int task_read_creds(struct sentry *s, pid_t tid, struct creds *cr);
/* Reads the host's /proc/<tid>/status into buf (NUL-terminated). Returns its
 * length, -ESRCH, or -ENOMEM when the sentry has no fd free for it. */
ssize_t task_status_read(struct sentry *s, pid_t tid, char *buf, size_t size);
void task_creds_invalidate_all(struct sentry *s);
/* At a thread's exec event: its cached ids as exec left them (notify.c). */
void task_creds_after_exec(struct task *t);
/* The soft limit of a thread's process (RLIMIT_FSIZE or RLIMIT_STACK), read
 * with prlimit(2) or from the host's /proc/<tid>/limits; fallback when
 * neither answers. */
rlim_t task_rlimit(struct sentry *s, pid_t tid, int resource, rlim_t fallback);
/* The traced rows' handler (set*id, setgroups, capset, umask), at their
 * PTRACE_EVENT_SECCOMP stop: drops every task's cached ids and returns
 * SC_TRACE_EXIT, since the call has not run yet. */
int creds_trace_stop(struct sc_ctx *c);
/* real_ids: access(2) checks with the real ids, everything else with fs ids
 * (and the capabilities that go with them: creds_file_caps in perm.h). */
void creds_to_req(const struct creds *cr, bool real_ids, struct gofer_req *req);

/* sentry/notify.c helpers for handlers */
/* Is the notification still pending (the task alive, not interrupted)? */
bool notif_valid(const struct sc_ctx *c);
/* Duplicates the calling thread's fd into the sentry. -EBADF if none. */
int guest_getfd(const struct sc_ctx *c, int guest_fd);
/* guest_getfd of a dirfd, the same fd for the rest of the call (see
 * sc_ctx.pinned). Returns an fd the caller closes when *owned says so. */
int guest_dirfd_pinned(struct sc_ctx *c, int guest_fd, bool *owned);
void sc_ctx_unpin(struct sc_ctx *c);
/* fstat(2) of fd; of the pinned fd once per call: a directory's type, ids
 * and link count stay while no name goes or moves (names_gen), and every
 * name a guest removes or moves goes through the sentry, one call at a
 * time. */
int sc_ctx_fstat(struct sc_ctx *c, int fd, struct stat *st);
/* The answer to a call the sentry could not serve because its own fd table
 * is full (err EMFILE or ENFILE from a dup, pidfd or receipt): ENOMEM, as
 * the kernel answers a call it lacks the resources for. EMFILE would blame
 * the guest's own table; other errnos pass. */
static inline int sentry_fd_errno(int err)
{
	return err == EMFILE || err == ENFILE ? ENOMEM : err;
}
/* The answer when what names a thread (its pidfd, its /proc files) could
 * not be opened: ENOMEM for the sentry's full fd table, else the thread is
 * gone (ESRCH). */
static inline int sentry_task_errno(int err)
{
	return err == EMFILE || err == ENFILE ? ENOMEM : ESRCH;
}
/* Fills uid, gid and groups of a gofer request from the calling thread. */
int task_creds(const struct sc_ctx *c, struct gofer_req *req);
/* Reads a path argument (ctx's thread, up to PATH_MAX). */
ssize_t ctx_read_path(const struct sc_ctx *c, uint64_t addr, char *buf);

/* sentry/gofer_client.c */
/* Sends req with fds (in fd_mask order) and waits for the answer. A
 * returned fd (if any) is stored in *fd_out (else -1). Returns resp->err. */
/* Waits until the gofer has closed its copy of the last fd it sent, if it
 * has not yet: before the guest runs on with that fd, and before the next
 * request. */
void gofer_settle(struct sentry *s);
int gofer_call(struct sentry *s, struct gofer_req *req, const int *fds, int nfds,
	       struct gofer_resp *resp, int *fd_out);
/* Prepares and sends a path request relative to a guest dirfd (AT_FDCWD
 * means the task's cwd). path may be empty only with AT_EMPTY_PATH in
 * req->flags (or empty_ok). Fills creds. */
int gofer_path_call(struct sc_ctx *c, int guest_dirfd, const char *path, struct gofer_req *req,
		    struct gofer_resp *resp, int *fd_out);
/* The base directory of path, a name relative to the task's cwd when it
 * does not start with '/', for a request the caller makes itself (bind,
 * connect, inotify_add_watch on a guest's own fd): the cwd's fd (the
 * sentry's, not to be closed) to send as GOFER_FD_DIR with *use_path, or
 * -1 to send *use_path (path, or a path made absolute in abs for a cwd
 * the sentry synthesizes) from the view's root; another negative errno
 * when the cwd is gone. */
int gofer_cwd_base(struct sc_ctx *c, const char *path, char *abs, size_t abs_size,
		   const char **use_path);
/* Same relative to one of the sentry's own fds of a view directory. */
int gofer_fd_path_call(struct sc_ctx *c, int host_dirfd, const char *path, struct gofer_req *req,
		       struct gofer_resp *resp, int *fd_out);
/* Same for a second path (rename, link, symlink); fd_out may be NULL. */
int gofer_path2_call(struct sc_ctx *c, int guest_dirfd, const char *path, int guest_dirfd2,
		     const char *path2, struct gofer_req *req, struct gofer_resp *resp,
		     int *fd_out);
/* link(2) of the object behind the sentry's obj_fd (AT_EMPTY_PATH) at path2
 * relative to the guest's dirfd2. */
int gofer_link_fd_call(struct sc_ctx *c, int obj_fd, int guest_dirfd2, const char *path2,
		       struct gofer_req *req, struct gofer_resp *resp);

/* sentry/exec.c */
/* The exec rows' handler (execve, execveat), at their PTRACE_EVENT_SECCOMP
 * stop; uses c->s and c->t only and reads the stopped thread's registers
 * itself (the rewrite starts from them). Decides, and either makes the
 * syscall fail with an errno or points it at the loader; returns 0. A
 * thread whose registers name no exec (it could not be read) is handled as
 * a traced row's stop: every task's cached ids dropped, SC_TRACE_EXIT. */
int exec_trace_stop(struct sc_ctx *c);
/* The loader's reserved call. */
int exec_loader_call(struct sc_ctx *c);
/* execvp's PATH search in one call (RUNSC_NR_EXEC_SEARCH; sentry/exec.c). */
int exec_search_call(struct sc_ctx *c);

/* sentry/procfs.c: /proc and /dev/tty, after the gofer redirected there.
 * procfs_init runs before the sentry isolates itself (it may create a
 * detached tmpfs for synthesized directories). masks: the config's masked
 * and read-only paths, of which it applies those of /proc, or NULL. */
int procfs_init(struct sentry *s, const struct path_masks *masks);
/* The guest's /proc/meminfo: the host's, or the guest cgroup's numbers
 * where it has a memory limit below the host's memory (sysinfo(2) reads
 * the same text). Its length with the malloc'd text in *out, or -errno. */
ssize_t procfs_meminfo(struct sentry *s, char **out);
/* The guest's threads (at least 1, /proc/loadavg and sysinfo's procs) and,
 * if last_vtid is not NULL, the highest thread id in its pid namespace. */
int procfs_task_count(struct sentry *s, pid_t *last_vtid);

/* The rest handed to procfs_* for the guest's /dev/tty. */
#define PROCFS_TTY "\x01tty"
/* Is this guest fd one the sentry synthesized (a /proc directory, or an
 * O_PATH fd of a /proc file or link)? If so, *prefix receives its /proc path
 * (e.g. "/proc/12") for relative lookups; a node whose process has gone gets
 * a path that resolves nothing. Such fds must never reach the gofer. st:
 * host_fd's attributes when the caller has them, or NULL. */
bool procfs_owns_fd(struct sentry *s, int host_fd, const struct stat *st, char *prefix,
		    size_t size);
/* The prefix of such an fd whose node is gone. */
#define PROCFS_GONE_PATH "/proc/.gone"
/* Does prefix (procfs_owns_fd's) name a directory of a process or thread
 * that has gone (reaped), or a node that is gone? Linux fails lookups from
 * such a directory with ESRCH, and getcwd in it with ENOENT. */
bool procfs_prefix_gone(struct sentry *s, const char *prefix);
/* The _ex calls return PROCFS_REOPEN_PATH when rest leads back into the
 * view (through /proc/<pid>/cwd, exe, root, a file's fd/N, or ".." out of
 * /proc): view_path then holds the path in the view, with the rest of the
 * walk appended, and the caller redoes its operation through the gofer with
 * it (and the guest's original flags). Otherwise they return 0 or a
 * negative errno as Linux would.
 *
 * procfs_open_ex: *fd_out receives a sentry-held fd (O_CLOEXEC on the
 * sentry's side) to install. /proc/<pid>/fd/N and /dev/fd/N reopen the
 * object itself where that grants no more than the guest's fd already had,
 * and otherwise hand regular files and directories back as a view path.
 * procfs_stat_ex: follows links unless nofollow; fd/N links are stat'ed
 * through to their object.
 * procfs_readlink_ex: copies min(length, size) bytes (NUL-terminated when
 * they fit) and stores the whole length in *len_out; truncation is the
 * caller's. -EINVAL for anything but a link. */
#define PROCFS_REOPEN_PATH 1
int procfs_open_ex(struct sc_ctx *c, const char *rest, int flags, int *fd_out, char *view_path,
		   size_t size);
int procfs_stat_ex(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st,
		   char *view_path, size_t size);
int procfs_readlink_ex(struct sc_ctx *c, const char *rest, char *buf, size_t size, size_t *len_out,
		       char *view_path, size_t view_size);
int procfs_access_ex(struct sc_ctx *c, const char *rest, int mode, char *view_path, size_t size);
/* procfs_link_object_ex: what linkat(rest, AT_SYMLINK_FOLLOW) links. For
 * a /proc/<pid>/fd/N link, *fd_out receives a sentry-held fd of the object
 * itself (an O_TMPFILE file too), after the check opening it would make;
 * PROCFS_REOPEN_PATH as above; -EXDEV for a file of /proc itself. */
int procfs_link_object_ex(struct sc_ctx *c, const char *rest, int *fd_out, char *view_path,
			  size_t size);
/* The error a change of rest (chmod, unlink, mkdir, ...) gets for the
 * config's masked and read-only paths of /proc: -EROFS for a node at or
 * below a read-only path or masked, and when creates (mkdir, mknod) for a
 * new name in a masked directory; the lookup's error for a path that is
 * not there (unless creates); else 0 (the caller's usual answer). */
int procfs_change_error(struct sc_ctx *c, const char *rest, bool nofollow, bool creates);
/* The same without the way back into the view: such paths get -ENOENT.
 * procfs_readlink returns the link's length. */
int procfs_open(struct sc_ctx *c, const char *rest, int flags, int *fd_out);
int procfs_stat(struct sc_ctx *c, const char *rest, bool nofollow, struct stat *st);
int procfs_readlink(struct sc_ctx *c, const char *rest, char *buf, size_t size);
int procfs_access(struct sc_ctx *c, const char *rest, int mode);

#endif
