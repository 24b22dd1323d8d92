/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandboxes: starts idle sandboxes one after another, measures what they cost while
 * they all stay up, then tears every one of them down.
 *
 *   sandboxes [-n MAX] [-l LIMIT_MS] [-t BUDGET_S] [-m MIN_AVAIL_PCT] -- CMD [ARG...]
 *
 * CMD must write one byte to stdout once the guest runs (e.g. `runsc-c do -- sh -c
 * 'echo r; exec sleep 3600'`); the time from fork to that byte is the creation time.
 * Starting stops at MAX sandboxes, at the first creation slower than LIMIT_MS or that
 * fails, when the time budget is spent, or when MemAvailable falls below
 * MIN_AVAIL_PCT of its value at the start. Then, after a short settle, it prints
 * key=value lines: the count reached, why it stopped, creation times, the drop in
 * MemAvailable, the growth of the kernel's unreclaimable slab and per-CPU memory
 * (kernel_kb: where a cgroup's structures go), and per sandbox the PSS, USS (Private_Clean +
 * Private_Dirty) and page tables of each kind of process, found by walking the process tree:
 *   launcher  the direct child (runsc-c, which stays while the guest runs)
 *   sentry    comm runsc-c-sentry        gofer  comm runsc-c-gofer
 *   guest     every process below the sentry (the guest's init and its command)
 *   other     anything else (another runtime's processes)
 * All sandboxes are then sent SIGTERM, and whatever is left after a grace period
 * SIGKILL; the helper is a child subreaper, so nothing escapes it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS     65536
#define SETTLE_MS     1500
#define GRACE_MS      5000
#define READY_WAIT_MS 15000

enum kind { K_LAUNCHER, K_SENTRY, K_GOFER, K_GUEST, K_OTHER, K_COUNT };

static const char *const kind_name[K_COUNT] = {"launcher", "sentry", "gofer", "guest", "other"};

struct proc {
	pid_t pid;
	pid_t ppid;
	char comm[32];
};

struct usage {
	long pss_kb;
	long uss_kb;
	long pte_kb;
	long procs;
	long tasks;
};

struct sandbox {
	pid_t pid;
	int ready_fd;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_requested)
		;
}

/* Reads "Key:  N kB" from a /proc file; returns -1 if absent. */
static long read_kb(const char *path, const char *key)
{
	char line[256];
	size_t key_len = strlen(key);
	long value = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
			value = strtol(line + key_len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* Folds the per-CPU vmstat deltas into the global counters first (root only), so
 * that MemAvailable is not up to a few MiB stale. */
static long mem_available_kb(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) {
			/* Unprivileged: the counters are merely a little stale. */
		}
		close(fd);
	}
	return read_kb("/proc/meminfo", "MemAvailable");
}

/* The kernel's own memory that no process's PSS shows: unreclaimable slab and
 * per-CPU allocations (a cgroup's structures are mostly these). */
static long kernel_kb(void)
{
	return read_kb("/proc/meminfo", "SUnreclaim") + read_kb("/proc/meminfo", "Percpu");
}

/* Reads pid, ppid and comm from /proc/PID/stat (comm may hold spaces). */
static int read_proc(pid_t pid, struct proc *p)
{
	char path[64], buf[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *open_paren = strchr(buf, '(');
	char *close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren[1] == '\0')
		return -1;
	size_t len = (size_t)(close_paren - open_paren - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open_paren + 1, len);
	p->comm[len] = '\0';
	p->pid = pid;
	p->ppid = (pid_t)strtol(close_paren + 4, NULL, 10);
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Every process on the host, sorted by pid. */
static int list_procs(struct proc *procs, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (read_proc((pid_t)atoi(e->d_name), &procs[n]) == 0)
			n++;
	}
	closedir(d);
	qsort(procs, (size_t)n, sizeof(*procs), cmp_proc);
	return n;
}

static const struct proc *find_proc(const struct proc *procs, int n, pid_t pid)
{
	struct proc key = {.pid = pid};

	return bsearch(&key, procs, (size_t)n, sizeof(*procs), cmp_proc);
}

/* Classifies a descendant of `root`; returns -1 for processes outside the tree. */
static int classify(const struct proc *procs, int n, const struct proc *p, pid_t root)
{
	int below_sentry = 0;
	const struct proc *q = p;

	for (int depth = 0; q && depth < 64; depth++) {
		const struct proc *parent = find_proc(procs, n, q->ppid);

		if (q != p && strcmp(q->comm, "runsc-c-sentry") == 0)
			below_sentry = 1;
		if (q->ppid == root) {
			if (q != p)
				break;
			return strcmp(p->comm, "runsc-c") == 0 ? K_LAUNCHER : K_OTHER;
		}
		q = parent;
	}
	if (!q || q->ppid != root)
		return -1;
	if (below_sentry)
		return K_GUEST;
	if (strcmp(p->comm, "runsc-c-sentry") == 0)
		return K_SENTRY;
	if (strcmp(p->comm, "runsc-c-gofer") == 0)
		return K_GOFER;
	return K_OTHER;
}

static void add_usage(struct usage *u, pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	long pss = read_kb(path, "Pss");
	long clean = read_kb(path, "Private_Clean");
	long dirty = read_kb(path, "Private_Dirty");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	long pte = read_kb(path, "VmPTE");
	long threads = read_kb(path, "Threads");

	u->pss_kb += pss > 0 ? pss : 0;
	u->uss_kb += (clean > 0 ? clean : 0) + (dirty > 0 ? dirty : 0);
	u->pte_kb += pte > 0 ? pte : 0;
	u->tasks += threads > 0 ? threads : 1;
	u->procs++;
}

static void measure_tree(struct usage *usage, pid_t root)
{
	static struct proc procs[MAX_PROCS];
	int n = list_procs(procs, MAX_PROCS);

	memset(usage, 0, sizeof(struct usage) * K_COUNT);
	for (int i = 0; i < n; i++) {
		int k = classify(procs, n, &procs[i], root);

		if (k >= 0)
			add_usage(&usage[k], procs[i].pid);
	}
}

/* Every process below `root`, including orphans reparented to it. */
static int descendants(pid_t root, pid_t *out, int max)
{
	static struct proc procs[MAX_PROCS];
	int n = list_procs(procs, MAX_PROCS), count = 0;

	for (int i = 0; i < n && count < max; i++) {
		const struct proc *q = &procs[i];

		for (int depth = 0; q && depth < 64; depth++) {
			if (q->ppid == root) {
				out[count++] = procs[i].pid;
				break;
			}
			q = find_proc(procs, n, q->ppid);
		}
	}
	return count;
}

static struct rlimit nofile_at_start;

/* Holding one pipe per sandbox needs more descriptors than the usual soft limit. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	nofile_at_start = rl;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static pid_t start_sandbox(char **argv, int *ready_fd)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		setrlimit(RLIMIT_NOFILE, &nofile_at_start);
		dup2(null_fd, 0);
		dup2(fds[1], 1);
		dup2(null_fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	*ready_fd = fds[0];
	return pid;
}

/* Waits for the ready byte; returns the creation time in ms, or -1. */
static double wait_ready(int fd, double t0)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char byte;

	for (;;) {
		int left_ms = (int)(t0 + READY_WAIT_MS - now_ms());

		if (left_ms <= 0 || stop_requested)
			return -1;
		int n = poll(&pfd, 1, left_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		return read(fd, &byte, 1) == 1 ? now_ms() - t0 : -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_times(double *times, int n)
{
	if (n == 0)
		return;
	qsort(times, (size_t)n, sizeof(double), cmp_double);
	printf("create_median_ms=%.2f\ncreate_p90_ms=%.2f\ncreate_max_ms=%.2f\n", times[n / 2],
	       times[(n * 9 + 9) / 10 - 1], times[n - 1]);
}

static void print_usage(const struct usage *usage, int count)
{
	for (int k = 0; k < K_COUNT; k++) {
		const struct usage *u = &usage[k];

		printf("%s_procs=%.2f\n%s_pss_kb=%.0f\n%s_uss_kb=%.0f\n%s_pte_kb=%.0f\n",
		       kind_name[k], (double)u->procs / count, kind_name[k],
		       (double)u->pss_kb / count, kind_name[k], (double)u->uss_kb / count,
		       kind_name[k], (double)u->pte_kb / count);
	}
	long tasks = 0;
	for (int k = 0; k < K_COUNT; k++)
		tasks += usage[k].tasks;
	printf("tasks_per_sandbox=%.2f\n", (double)tasks / count);
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* SIGTERM to every launcher, then SIGKILL to whatever is still below us. */
static void teardown(const struct sandbox *boxes, int count)
{
	static pid_t left[MAX_PROCS];
	double t0 = now_ms();
	int n;

	for (int i = 0; i < count; i++) {
		kill(boxes[i].pid, SIGTERM);
		close(boxes[i].ready_fd);
	}
	do {
		reap_all();
		n = descendants(getpid(), left, MAX_PROCS);
		if (n == 0)
			break;
		sleep_ms(50);
	} while (now_ms() - t0 < GRACE_MS);
	printf("teardown_ms=%.0f\nkilled_after_grace=%d\n", now_ms() - t0, n);
	for (int round = 0; n > 0 && round < 20; round++) {
		for (int i = 0; i < n; i++)
			kill(left[i], SIGKILL);
		sleep_ms(50);
		reap_all();
		n = descendants(getpid(), left, MAX_PROCS);
	}
	printf("left_after_kill=%d\n", n);
}

static void usage_exit(void)
{
	fprintf(stderr, "usage: sandboxes [-n MAX] [-l LIMIT_MS] [-t BUDGET_S] [-m MIN_AVAIL_PCT] "
			"-- CMD [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long max = 1, limit_ms = 1000, budget_s = 120, min_avail_pct = 40;
	int opt;

	while ((opt = getopt(argc, argv, "+n:l:t:m:")) != -1) {
		switch (opt) {
		case 'n':
			max = atol(optarg);
			break;
		case 'l':
			limit_ms = atol(optarg);
			break;
		case 't':
			budget_s = atol(optarg);
			break;
		case 'm':
			min_avail_pct = atol(optarg);
			break;
		default:
			usage_exit();
		}
	}
	if (optind >= argc || max < 1)
		usage_exit();
	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	raise_nofile();
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	struct sandbox *boxes = calloc((size_t)max, sizeof(*boxes));
	double *times = calloc((size_t)max, sizeof(double));
	long avail_start_kb = mem_available_kb();
	long kernel_start_kb = kernel_kb();
	double t_start = now_ms();
	const char *reason = "max";
	int count = 0;

	while (count < max) {
		if (stop_requested) {
			reason = "interrupted";
			break;
		}
		if (now_ms() - t_start > budget_s * 1e3) {
			reason = "time-budget";
			break;
		}
		if (mem_available_kb() < avail_start_kb * min_avail_pct / 100) {
			reason = "memory-guard";
			break;
		}
		double t0 = now_ms();
		int fd;
		pid_t pid = start_sandbox(&argv[optind], &fd);
		if (pid < 0) {
			reason = "fork-failed";
			break;
		}
		boxes[count] = (struct sandbox){.pid = pid, .ready_fd = fd};
		double ms = wait_ready(fd, t0);
		count++;
		if (ms < 0) {
			reason = "creation-failed";
			count--;
			kill(pid, SIGTERM);
			close(fd);
			break;
		}
		times[count - 1] = ms;
		if (ms > limit_ms) {
			reason = "creation-over-limit";
			break;
		}
	}
	printf("count=%d\nstop=%s\nstart_wall_ms=%.0f\n", count, reason, now_ms() - t_start);
	print_times(times, count);
	long avail_up_kb = -1;
	if (count > 0 && !stop_requested) {
		struct usage usage[K_COUNT];

		sleep_ms(SETTLE_MS);
		avail_up_kb = mem_available_kb();
		measure_tree(usage, getpid());
		printf("avail_drop_kb=%.0f\n", (double)(avail_start_kb - avail_up_kb) / count);
		printf("kernel_kb=%.0f\n", (double)(kernel_kb() - kernel_start_kb) / count);
		print_usage(usage, count);
	}
	teardown(boxes, count);
	/* The rise after teardown is a second estimate of the same cost: where the two
	 * disagree, something else on the machine moved MemAvailable meanwhile. */
	if (avail_up_kb >= 0 && !stop_requested) {
		sleep_ms(SETTLE_MS);
		printf("avail_rise_kb=%.0f\n", (double)(mem_available_kb() - avail_up_kb) / count);
	}
	return count > 0 ? 0 : 1;
}
