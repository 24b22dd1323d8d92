/* SPDX-License-Identifier: Apache-2.0 */
/* A sandbox's resource limits: its cgroups (sandbox/cgroup.h) made by the
 * launcher while the sentry starts (or, for a caller that needs them before
 * the start, while the gofer builds the view), the gofer and the sentry
 * moved into the kernel part by the launcher meanwhile, the guest part
 * handed to the sentry, which moves the guest's init into it before the
 * init runs anything of the guest (the init waits for its id maps), what
 * the sandbox used read at its end, and the cgroups removed with it. What
 * dead sandboxes left is swept while the sentry starts.
 *
 * Where the host offers no cgroup a sandbox can use, a limit that was asked
 * for stops the sandbox from starting; default limits are dropped with a
 * warning for the caller to show. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/internal.h"
#include "sentry/sentry.h"

void sandbox_limits_default(struct cg_limits *limits)
{
	struct sysinfo si;
	*limits = (struct cg_limits){.pids = SANDBOX_PIDS_DEFAULT};
	if (sysinfo(&si) == 0)
		limits->memory_bytes = (uint64_t)si.totalram * si.mem_unit / 2;
}

const char *sandbox_warning(const struct sandbox *sb)
{
	return sb->warning[0] ? sb->warning : NULL;
}

bool sandbox_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > SANDBOX_ID_MAX || id[0] == '.' || id[0] == '-')
		return false;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* 16 random hex digits. */
static void id_random(char *buf, size_t size)
{
	uint8_t raw[8] = {0};
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		memset(raw, 0, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw) && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, size - 2 * i, "%02x", raw[i]);
}

/* ---- a limit's text ---- */

/* 1.5: a quota of 150 ms per 100 ms period, as docker run's --cpus. */
static int cpus_limit(const char *text, struct cg_limits *limits, struct rc_error *err)
{
	double v;
	if (limit_cpus_parse(text, &v, err) < 0)
		return -EINVAL;
	limits->cpu_period_us = SANDBOX_CPU_PERIOD_US;
	limits->cpu_quota_us = (uint64_t)llround(v * SANDBOX_CPU_PERIOD_US);
	return 0;
}

int sandbox_limit_parse(const char *name, const char *text, struct cg_limits *limits,
			uint64_t *disk_bytes, struct rc_error *err)
{
	if (strcmp(name, "memory") == 0)
		return limit_size_parse(text, LIMIT_MEMORY_MIN, &limits->memory_bytes, err);
	if (strcmp(name, "pids") == 0)
		return limit_pids_parse(text, &limits->pids, err);
	if (strcmp(name, "cpus") == 0)
		return cpus_limit(text, limits, err);
	if (strcmp(name, "disk") == 0)
		return limit_size_parse(text, LIMIT_DISK_MIN, disk_bytes, err);
	return rc_error_set(err, ENOENT, "unknown limit '%s' (memory, pids, cpus, disk)", name);
}

static int limits_check(const struct cg_limits *l, struct rc_error *err)
{
	if (l->memory_bytes && l->memory_bytes < LIMIT_MEMORY_MIN)
		return rc_error_set(err, EINVAL,
				    "a memory limit of %llu bytes is below what a sandbox needs "
				    "to start: at least 16 MiB",
				    (unsigned long long)l->memory_bytes);
	if (l->memory_swap && l->memory_swap != UINT64_MAX && l->memory_swap < l->memory_bytes)
		return rc_error_set(err, EINVAL,
				    "a memory+swap limit of %llu bytes is below the memory limit "
				    "(%llu)",
				    (unsigned long long)l->memory_swap,
				    (unsigned long long)l->memory_bytes);
	if (l->pids && l->pids < LIMIT_PIDS_MIN)
		return rc_error_set(err, EINVAL,
				    "a limit of %llu tasks is below what a sandbox needs to "
				    "start: at least %llu",
				    (unsigned long long)l->pids, LIMIT_PIDS_MIN);
	if (l->cpu_quota_us &&
	    (!l->cpu_period_us || l->cpu_quota_us * 1000 < l->cpu_period_us * LIMIT_CPU_MILLI_MIN))
		return rc_error_set(
			err, EINVAL, "a CPU quota of %llu us per %llu us is below 0.01 CPU",
			(unsigned long long)l->cpu_quota_us, (unsigned long long)l->cpu_period_us);
	return 0;
}

/* ---- the time cgroup work takes (--debug) ---- */

/* The launcher's cgroup work of one sandbox, in ms: what its start and its
 * end wait for (finding the hierarchies, making the cgroups and writing the
 * limits, removing them), and the sweep that runs beside the sentry's
 * start. Logged when the sandbox ends, with what the sentry logs of the
 * moves, so that what cgroups cost a start can be read from one run
 * instead of from the difference of two noisy wall-clock medians. */
static struct {
	double find, make, move, remove, sweep;
	unsigned looked; /* sandbox cgroups the sweep looked into */
} spent;

/* The host's layout, found once per process. */
static const struct cg_host *host_find(struct rc_error *err)
{
	static struct cg_host host;
	static int state; /* 0: not looked, 1: found, -errno: none */
	static struct rc_error why;
	if (state == 0) {
		double t0 = mono_ms();
		state = cg_host_detect(NULL, &host, &why) == 0 ? 1 : -why.errno_value;
		spent.find += mono_ms() - t0;
	}
	if (state < 0) {
		*err = why;
		return NULL;
	}
	return &host;
}

int limits_prepare(struct sandbox *sb, struct rc_error *err)
{
	const struct sandbox_config *cfg = sb->cfg;
	if (cfg->id && !sandbox_id_valid(cfg->id))
		return rc_error_set(err, EINVAL,
				    "sandbox id '%s': expected 1 to %d of A-Z a-z 0-9 _ . - "
				    "(not first . or -)",
				    cfg->id, SANDBOX_ID_MAX);
	if (cfg->id)
		snprintf(sb->id, sizeof(sb->id), "%s", cfg->id);
	else
		id_random(sb->id, sizeof(sb->id));
	int r = limits_check(&cfg->limits, err);
	if (r < 0)
		return r;
	if (cfg->disk_bytes && cfg->disk_bytes < LIMIT_DISK_MIN)
		return rc_error_set(err, EINVAL,
				    "a disk size of %llu bytes is below what a sandbox needs to "
				    "start: at least 1 MiB",
				    (unsigned long long)cfg->disk_bytes);
	return 0;
}

int limits_create(struct sandbox *sb, struct rc_error *err)
{
	const struct sandbox_config *cfg = sb->cfg;
	struct cg_limits limits = cfg->limits;
	limits.no_freezer = cfg->no_control_by_id;
	limits.no_cpu_stats = cfg->no_control_by_id && !cfg->want_stats;
	struct rc_error why;
	int r = 0;
	const struct cg_host *host = host_find(&why);
	if (host) {
		double t0 = mono_ms();
		r = cg_create(host, sb->id, cfg->cgroup_path, &limits, &sb->cg, &why);
		/* A given id may be a dead sandbox's whose cgroups are left:
		 * the sweep that limits_sweep() leaves for later comes now. */
		if (r == -EEXIST && !cfg->cgroup_path && cg_sweep(host, &spent.looked) > 0)
			r = cg_create(host, sb->id, NULL, &limits, &sb->cg, &why);
		spent.make += mono_ms() - t0;
	}
	if (r == -EEXIST && cfg->cgroup_path)
		return rc_error_set(err, EEXIST, "cgroup path '%s' is in use: %s", cfg->cgroup_path,
				    why.msg);
	if (r == -EEXIST)
		return rc_error_set(err, EEXIST, "sandbox id '%s' is in use: %s", sb->id, why.msg);
	if (!host || r < 0) {
		sb->cg = NULL;
		if (cfg->cgroup_path)
			return rc_error_set(err, why.errno_value ? why.errno_value : EOPNOTSUPP,
					    "cgroup path '%s': %s", cfg->cgroup_path, why.msg);
		if (cfg->limits_required)
			return rc_error_set(err, why.errno_value ? why.errno_value : EOPNOTSUPP,
					    "resource limits cannot be enforced here: %s", why.msg);
		snprintf(sb->warning, sizeof(sb->warning),
			 "the default resource limits could not be applied, the sandbox runs "
			 "without them: %s",
			 why.msg);
	}
	return 0;
}

void limits_sweep(struct sandbox *sb)
{
	struct rc_error why;
	const struct cg_host *host = sb->cg ? host_find(&why) : NULL;
	double t0 = mono_ms();
	if (host)
		cg_sweep(host, &spent.looked);
	spent.sweep += mono_ms() - t0;
}

int limits_enter_kernel(struct sandbox *sb, struct rc_error *err)
{
	return sb->cg ? cg_attach(sb->cg, CG_PART_KERNEL, getpid(), err) : 0;
}

/* ---- handing the cgroups to the sentry ---- */

/* What limits_start sends the sentry: with it, the guest part's
 * cgroup.procs in each hierarchy (nprocs fds), then, where memory_version
 * is not CG_ABSENT, the guest's memory cgroup directory. */
struct cg_handover {
	uint8_t with_cgroups; /* 0: the sandbox runs without (a warning says why) */
	uint8_t nprocs;
	uint8_t memory_version; /* enum cg_version */
};

int limits_channel_open(struct sandbox *sb, struct rc_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sb->cg_chan) < 0)
		return rc_error_set_errno(err, errno, "creating the sandbox's sockets");
	return 0;
}

/* A process of the sandbox that is gone (a gofer whose view failed, a
 * sentry that failed) is no error here: its own failure is the one the
 * caller hears of. */
static int kernel_move(const struct cg_procs *procs, pid_t pid, struct rc_error *err)
{
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	int r = cg_procs_attach(procs, pid, err);
	return r == -ESRCH ? 0 : r;
}

/* Moves the gofer and the sentry into the kernel part and sends the
 * sentry the guest part. What the gofer and the sentry allocated before
 * stays with the launcher's cgroup. */
static int handover(struct sandbox *sb, struct rc_error *err)
{
	struct cg_handover h = {0};
	int fds[CG_NCONTROLLERS + 1];
	int nfds = 0;
	struct cg_procs guest = {0};
	int memory_dir = -1;
	if (sb->cg) {
		double t0 = mono_ms();
		struct cg_procs kernel = {0};
		int r = cg_procs_open(sb->cg, CG_PART_KERNEL, &kernel, err);
		if (r == 0 && (r = kernel_move(&kernel, sb->gofer_pid, err)) == 0)
			r = kernel_move(&kernel, sb->sentry_pid, err);
		cg_procs_close(&kernel);
		if (r == 0)
			r = cg_procs_open(sb->cg, CG_PART_GUEST, &guest, err);
		spent.move += mono_ms() - t0;
		if (r < 0)
			return r;
		enum cg_version version = CG_ABSENT;
		memory_dir = cg_guest_memory_dir(sb->cg, &version);
		h = (struct cg_handover){.with_cgroups = 1,
					 .nprocs = (uint8_t)guest.n,
					 .memory_version =
						 (uint8_t)(memory_dir >= 0 ? version : CG_ABSENT)};
		for (int i = 0; i < guest.n; i++)
			fds[nfds++] = guest.fd[i];
		if (memory_dir >= 0)
			fds[nfds++] = memory_dir;
	}
	int r = send_msg_fds_raised(sb->cg_chan[0], &h, sizeof(h), fds, nfds);
	cg_procs_close(&guest);
	if (memory_dir >= 0)
		close(memory_dir);
	/* A sentry that is gone failed on its own: it, or the gofer's view,
	 * says why. */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return rc_error_set_errno(err, -r, "handing the sandbox's cgroups to its sentry");
	return 0;
}

int limits_start(struct sandbox *sb, struct rc_error *err)
{
	close(sb->cg_chan[1]);
	sb->cg_chan[1] = -1;
	int r = sb->cfg->cgroups_at_create ? 0 : limits_create(sb, err);
	if (r == 0)
		r = handover(sb, err);
	close(sb->cg_chan[0]);
	sb->cg_chan[0] = -1;
	return r;
}

/* ---- in the sentry ---- */

/* The guest cgroup's memory directory, from the launcher, for
 * /proc/meminfo. */
struct sentry_side {
	int chan;
	int memory_dir;
	enum cg_version memory_version;
};

/* The init waits for its id maps meanwhile, and so for this: nothing of
 * the guest runs outside its cgroups. The launcher makes them while the
 * sentry starts; its word (or its hang-up, when they could not be made:
 * it then reports why and kills the sentry) comes here. */
static int guest_attach(void *arg, pid_t pid, char *msg, size_t size)
{
	struct sentry_side *side = arg;
	double t0 = mono_ms();
	struct cg_handover h;
	int fds[CG_NCONTROLLERS + 1];
	int nfds = 0;
	ssize_t n;
	do
		n = recv_msg_fds(side->chan, &h, sizeof(h), fds, (int)ARRAY_SIZE(fds), &nfds);
	while (n == -EINTR);
	close(side->chan);
	side->chan = -1;
	double t1 = mono_ms();
	if (n != (ssize_t)sizeof(h) || h.nprocs + (h.memory_version != CG_ABSENT) != nfds) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		snprintf(msg, size, "the sandbox's cgroups were not made");
		return -EIO;
	}
	if (!h.with_cgroups)
		return 0;
	struct cg_procs guest = {.part = CG_PART_GUEST, .n = h.nprocs};
	memcpy(guest.fd, fds, (size_t)h.nprocs * sizeof(int));
	struct rc_error err;
	int r = cg_procs_attach(&guest, pid, &err);
	cg_procs_close(&guest);
	if (h.memory_version != CG_ABSENT) {
		side->memory_dir = fds[h.nprocs];
		side->memory_version = (enum cg_version)h.memory_version;
	}
	if (r < 0) {
		snprintf(msg, size, "%s", err.msg);
		return r;
	}
	/* When the sandbox as a whole runs out of memory, the kernel kills
	 * in the guest first: the sentry and the gofer keep serving (or
	 * end the sandbox cleanly). The guest inherits this and cannot
	 * lower it (that needs CAP_SYS_RESOURCE on the host). */
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	r = write_file_at(AT_FDCWD, path, "1000");
	if (r < 0) {
		snprintf(msg, size, "setting the guest's OOM score: %s", strerror(-r));
		return r;
	}
	double t2 = mono_ms();
	log_debug("cgroups: the guest's init waited %.3f ms (for the launcher's cgroups %.3f ms, "
		  "its move %.3f ms)",
		  t2 - t0, t1 - t0, t2 - t1);
	return 0;
}

static int memory_read(void *arg, struct sentry_memory *m)
{
	struct sentry_side *side = arg;
	if (side->memory_dir < 0)
		return -ENOENT;
	int r = cg_memory_read(side->memory_dir, side->memory_version, &m->limit, &m->usage);
	if (r < 0)
		return r;
	cg_memory_cache_read(side->memory_dir, side->memory_version, &m->cache, &m->inactive_file);
	return 0;
}

const struct sentry_hooks *limits_sentry_hooks(struct sandbox *sb)
{
	static struct sentry_side side;
	static struct sentry_hooks hooks;
	close(sb->cg_chan[0]);
	sb->cg_chan[0] = -1;
	side = (struct sentry_side){.chan = sb->cg_chan[1], .memory_dir = -1};
	sb->cg_chan[1] = -1;
	hooks = (struct sentry_hooks){
		.guest_attach = guest_attach, .memory_read = memory_read, .arg = &side};
	return &hooks;
}

/* ---- a living sandbox by id ---- */

const char *sandbox_id(const struct sandbox *sb)
{
	return sb->id;
}

static void cg_closep(struct cgroup **cg)
{
	cg_close(*cg);
}

/* The cgroups of sandbox id (at path, or NULL), opened for one call. */
static int open_by_id(const char *id, const char *path, struct cgroup **cg, struct rc_error *err)
{
	struct rc_error why;
	const struct cg_host *host = host_find(&why);
	if (!host)
		return rc_error_set(err, why.errno_value, "sandbox %s: %s", id, why.msg);
	if (!sandbox_id_valid(id))
		return rc_error_set(err, EINVAL, "sandbox id '%s' is not valid", id);
	return cg_open(host, id, path, cg, err);
}

static int freeze(const char *id, const char *path, bool frozen, struct rc_error *err)
{
	__attribute__((cleanup(cg_closep))) struct cgroup *cg = NULL;
	int r = open_by_id(id, path, &cg, err);
	return r < 0 ? r : cg_freeze(cg, frozen, CG_FREEZE_TIMEOUT_MS, err);
}

int sandbox_pause(const char *id, const char *cgroup_path, struct rc_error *err)
{
	return freeze(id, cgroup_path, true, err);
}

int sandbox_resume(const char *id, const char *cgroup_path, struct rc_error *err)
{
	return freeze(id, cgroup_path, false, err);
}

int sandbox_paused(const char *id, const char *cgroup_path)
{
	__attribute__((cleanup(cg_closep))) struct cgroup *cg = NULL;
	struct rc_error err;
	if (open_by_id(id, cgroup_path, &cg, &err) < 0)
		return 0;
	return cg_frozen(cg) == 1;
}

int sandbox_update(const char *id, const char *cgroup_path, const struct cg_limits *limits,
		   struct rc_error *err)
{
	__attribute__((cleanup(cg_closep))) struct cgroup *cg = NULL;
	int r = limits_check(limits, err);
	if (r < 0)
		return r;
	r = open_by_id(id, cgroup_path, &cg, err);
	return r < 0 ? r : cg_update(cg, limits, err);
}

int sandbox_usage(const char *id, const char *cgroup_path, struct cg_usage *usage,
		  struct rc_error *err)
{
	__attribute__((cleanup(cg_closep))) struct cgroup *cg = NULL;
	int r = open_by_id(id, cgroup_path, &cg, err);
	if (r < 0)
		return r;
	cg_usage_read(cg, usage);
	return 0;
}

/* ---- the end ---- */

void limits_status(struct sandbox *sb, struct sandbox_status *status)
{
	if (!sb->cg)
		return;
	bool killed = status->exit_code == 128 + SIGKILL && !status->timed_out;
	uint64_t oom_kills = 0;
	if (sb->cfg->want_stats) {
		cg_stats_read(sb->cg, &status->stats);
		status->have_stats = true;
		oom_kills = status->stats.oom_kills;
	} else if (killed) {
		oom_kills = cg_oom_kills(sb->cg);
	}
	status->oom_killed = killed && oom_kills > 0;
}

int sandbox_remove_leftovers(const char *id, const char *cgroup_path)
{
	struct rc_error why;
	const struct cg_host *host = host_find(&why);
	if (!sandbox_id_valid(id))
		return -EINVAL;
	return host ? cg_remove(host, id, cgroup_path) : 0;
}

void limits_destroy(struct sandbox *sb)
{
	if (!sb->cg)
		return;
	double t0 = mono_ms();
	cg_destroy(sb->cg);
	sb->cg = NULL;
	spent.remove += mono_ms() - t0;
	/* Made by sandbox_create, the cgroups are waited for; made while
	 * the sentry starts, they are waited for only as long as the
	 * guest's init says it waited (the sentry logs it). */
	double before = sb->cfg->cgroups_at_create ? spent.find + spent.make + spent.move : 0;
	log_debug(
		"cgroups: the launcher waited %.3f ms (removing %.3f ms); %s it found the "
		"hierarchies in %.3f ms, made and limited the cgroups in %.3f ms, moved the "
		"gofer and the sentry in %.3f ms; the sweep took %.3f ms beside the sentry's start "
		"and looked into %u sandbox cgroups",
		before + spent.remove, spent.remove,
		sb->cfg->cgroups_at_create ? "before the start" : "beside the sentry's start",
		spent.find, spent.make, spent.move, spent.sweep, spent.looked);
	spent.find = spent.make = spent.move = spent.remove = spent.sweep = 0;
	spent.looked = 0;
}
