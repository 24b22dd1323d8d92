/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timer: runs several commands in alternation and reports the wall time of each
 * fork+exec+wait, so that no shell sits between the clock and the command.
 *
 *   timer [-n RUNS] [-w WARMUP] [-l LOGDIR] NAME CMD [ARG...] [::: NAME CMD [ARG...]]...
 *   timer -P WORKERS -c COUNT [-l LOGDIR] NAME CMD [ARG...] [::: ...]
 *   timer [-n RUNS] ... -d A,B [-d C,D]... NAME CMD ... (the first form, paired)
 *
 * The first form runs round r of every command before round r + 1 of any, rotating
 * the order each round so that no command always follows the same neighbour. It
 * prints one line per command:
 *   NAME ok=N fail=N median_ms=X p90_ms=X min_ms=X mean_ms=X status=S
 * With -d A,B it then prints, for commands A and B, the difference of their
 * times within each round (the two ran a few seconds apart at most, so a
 * slow minute of the machine weighs on both) as
 *   pair A-B n=N median_diff_ms=X ci95_lo_ms=L ci95_hi_ms=H
 * with a distribution-free 95 % confidence interval of that median from the
 * order statistics (the binomial rank bounds, as a sign test's), and the
 * difference of the two medians beside it as median_of_each_ms.
 * The second form runs COUNT executions in each of WORKERS parallel workers, for
 * each command in turn, and prints NAME ok=N fail=N wall_ms=X rate_per_s=X status=S.
 *
 * Every command runs with the same minimal environment (that of `runsc-c do`), stdin
 * from /dev/null, stdout to LOGDIR/NAME.out (the last run's) and stderr appended to
 * LOGDIR/NAME.err. An argument "@ID@" becomes a name unique to the execution, for
 * runtimes that need a container id.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS    16
#define MAX_WORKERS 64
#define MAX_PAIRS   8

struct cmd {
	const char *name;
	char **argv;
	double *times_ms;
	double *round_ms; /* per measured round; NAN where it failed */
	int ok;
	int fail;
	int last_status;
};

static char *const child_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"TERM=dumb",
	"LANG=C.UTF-8",
	NULL,
};

static const char *log_dir = ".";
static volatile sig_atomic_t stop_requested;
static volatile pid_t current_child;
static pid_t worker_pids[MAX_WORKERS];
static volatile sig_atomic_t nworkers;

/* A benchmark interrupted from outside stops at once and passes the signal on. */
static void on_signal(int sig)
{
	stop_requested = 1;
	if (current_child > 0)
		kill(current_child, sig);
	for (int i = 0; i < nworkers; i++)
		kill(worker_pids[i], sig);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: timer [-n RUNS] [-w WARMUP] [-d A,B]... [-P WORKERS -c COUNT] [-l LOGDIR] "
		"NAME CMD [ARG...] [::: NAME CMD...]...\n");
	exit(2);
}

static int open_log(const char *name, const char *suffix, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.%s", log_dir, name, suffix);
	return open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
}

/* Replaces every "@ID@" argument with a name unique to this execution. */
static void substitute_id(char **argv, long seq)
{
	static char id[64];

	snprintf(id, sizeof(id), "runsc-c-bench-%ld-%ld", (long)getpid(), seq);
	for (int i = 0; argv[i]; i++) {
		if (strcmp(argv[i], "@ID@") == 0)
			argv[i] = id;
	}
}

static void exec_child(const struct cmd *c, long seq)
{
	int in_fd = open("/dev/null", O_RDONLY);
	int out_fd = open_log(c->name, "out", O_TRUNC);
	int err_fd = open_log(c->name, "err", O_APPEND);

	if (in_fd < 0 || out_fd < 0 || err_fd < 0)
		_exit(126);
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	substitute_id(c->argv, seq);
	execvpe(c->argv[0], c->argv, child_env);
	dprintf(2, "timer: exec %s: %s\n", c->argv[0], strerror(errno));
	_exit(127);
}

/* Runs the command once; returns its wait status, or -1 if fork failed. */
static int run_once(const struct cmd *c, long seq)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0)
		exec_child(c, seq);
	current_child = pid;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	current_child = 0;
	return status;
}

static void record(struct cmd *c, int status, double ms, int keep)
{
	c->last_status = status;
	if (status != 0) {
		c->fail++;
		return;
	}
	if (keep)
		c->times_ms[c->ok++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *v, int n, double p)
{
	int rank = (int)ceil(p * n);

	if (n == 0)
		return NAN;
	if (rank < 1)
		rank = 1;
	return v[rank - 1];
}

static const char *status_text(int status, char *buf, size_t len)
{
	if (status == -1)
		snprintf(buf, len, "fork-failed");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exit-%d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal-%d", WTERMSIG(status));
	else
		snprintf(buf, len, "status-%d", status);
	return buf;
}

static void report_series(struct cmd *c)
{
	double sum = 0;
	char buf[32];

	qsort(c->times_ms, (size_t)c->ok, sizeof(double), cmp_double);
	for (int i = 0; i < c->ok; i++)
		sum += c->times_ms[i];
	printf("%s ok=%d fail=%d median_ms=%.3f p90_ms=%.3f min_ms=%.3f mean_ms=%.3f status=%s\n",
	       c->name, c->ok, c->fail, percentile(c->times_ms, c->ok, 0.5),
	       percentile(c->times_ms, c->ok, 0.9), c->ok ? c->times_ms[0] : NAN,
	       c->ok ? sum / c->ok : NAN, status_text(c->last_status, buf, sizeof(buf)));
}

/* The largest l (1-based rank) with P(B <= l - 1) <= alpha / 2 for B of
 * Binomial(n, 1/2): [x_(l), x_(n+1-l)] then holds the median with at least
 * 1 - alpha; 0 when n is too small for any. */
static int rank_bound(int n, double alpha)
{
	double cdf = 0;
	int l = 0;

	for (int i = 0; i < n; i++) {
		cdf += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) - n * log(2.0));
		if (cdf > alpha / 2)
			break;
		l = i + 1;
	}
	return l;
}

static void report_pair(const struct cmd *a, const struct cmd *b, int runs)
{
	double *d = calloc((size_t)runs + 1, sizeof(double));
	int n = 0;

	for (int r = 0; r < runs; r++) {
		if (!isnan(a->round_ms[r]) && !isnan(b->round_ms[r]))
			d[n++] = a->round_ms[r] - b->round_ms[r];
	}
	qsort(d, (size_t)n, sizeof(double), cmp_double);
	int l = rank_bound(n, 0.05);
	double med = NAN;

	if (n > 0)
		med = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	printf("pair %s-%s n=%d median_diff_ms=%.3f ci95_lo_ms=%.3f ci95_hi_ms=%.3f "
	       "median_of_each_ms=%.3f\n",
	       a->name, b->name, n, med, l ? d[l - 1] : NAN, l ? d[n - l] : NAN,
	       percentile(a->times_ms, a->ok, 0.5) - percentile(b->times_ms, b->ok, 0.5));
	free(d);
}

static const char *pairs[MAX_PAIRS];
static int npairs;

static struct cmd *find_cmd(struct cmd *cmds, int ncmds, const char *name, size_t len)
{
	for (int i = 0; i < ncmds; i++) {
		if (strlen(cmds[i].name) == len && strncmp(cmds[i].name, name, len) == 0)
			return &cmds[i];
	}
	return NULL;
}

static void run_alternating(struct cmd *cmds, int ncmds, int runs, int warmup)
{
	long seq = 0;

	for (int r = 0; r < warmup + runs && !stop_requested; r++) {
		for (int k = 0; k < ncmds && !stop_requested; k++) {
			struct cmd *c = &cmds[(r + k) % ncmds];
			double t0 = now_ms();
			int status = run_once(c, seq++);
			double ms = now_ms() - t0;

			record(c, status, ms, r >= warmup);
			if (r >= warmup)
				c->round_ms[r - warmup] = status == 0 ? ms : NAN;
		}
	}
	for (int i = 0; i < ncmds; i++)
		report_series(&cmds[i]);
	for (int p = 0; p < npairs; p++) {
		const char *comma = strchr(pairs[p], ',');
		struct cmd *a = find_cmd(cmds, ncmds, pairs[p], (size_t)(comma - pairs[p]));
		struct cmd *b = find_cmd(cmds, ncmds, comma + 1, strlen(comma + 1));

		if (a && b)
			report_pair(a, b, runs);
		else
			fprintf(stderr, "timer: -d %s: no such command\n", pairs[p]);
	}
}

/* One worker of the parallel form: COUNT runs in sequence; exits with the failures. */
static int worker(const struct cmd *c, int worker_id, int count)
{
	int fails = 0;

	for (int i = 0; i < count && !stop_requested; i++) {
		if (run_once(c, (long)worker_id * 1000000 + i) != 0)
			fails++;
	}
	return fails > 255 ? 255 : fails;
}

static void run_parallel(struct cmd *c, int workers, int count)
{
	double t0 = now_ms();
	int fails = 0, status = 0;
	char buf[32];

	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid == 0) {
			nworkers = 0;
			_exit(worker(c, w, count));
		}
		if (pid < 0) {
			fails += count;
			continue;
		}
		worker_pids[nworkers] = pid;
		nworkers++;
	}
	for (;;) {
		if (wait(&status) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(status))
			fails += WEXITSTATUS(status);
		else
			fails += count;
	}
	nworkers = 0;
	double wall_ms = now_ms() - t0;
	int ok = workers * count - fails;

	printf("%s ok=%d fail=%d wall_ms=%.1f rate_per_s=%.1f status=%s\n", c->name, ok, fails,
	       wall_ms, ok / (wall_ms / 1e3),
	       fails ? status_text(256, buf, sizeof(buf)) : "exit-0");
}

static int parse_cmds(int argc, char **argv, struct cmd *cmds, int runs)
{
	int n = 0;

	for (int i = 0; i < argc;) {
		if (n == MAX_CMDS || i + 1 >= argc)
			usage();
		cmds[n].name = argv[i];
		cmds[n].argv = &argv[i + 1];
		cmds[n].times_ms = calloc((size_t)runs + 1, sizeof(double));
		cmds[n].round_ms = calloc((size_t)runs + 1, sizeof(double));
		for (int r = 0; r <= runs; r++)
			cmds[n].round_ms[r] = NAN;
		int j = i + 1;
		while (j < argc && strcmp(argv[j], ":::") != 0)
			j++;
		if (j == i + 1)
			usage();
		if (j < argc)
			argv[j] = NULL;
		n++;
		i = j + 1;
	}
	for (int k = 0; k < n; k++) {
		int fd = open_log(cmds[k].name, "err", O_TRUNC);

		if (fd >= 0)
			close(fd);
	}
	return n;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS] = {0};
	int runs = 30, warmup = 2, workers = 0, count = 0, opt;

	while ((opt = getopt(argc, argv, "+n:w:P:c:l:d:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'P':
			workers = atoi(optarg);
			break;
		case 'c':
			count = atoi(optarg);
			break;
		case 'l':
			log_dir = optarg;
			break;
		case 'd':
			if (npairs == MAX_PAIRS || !strchr(optarg, ','))
				usage();
			pairs[npairs++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (runs < 1 || warmup < 0 || optind >= argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int ncmds = parse_cmds(argc - optind, argv + optind, cmds, runs);

	if (workers > 0) {
		if (count < 1 || workers > MAX_WORKERS)
			usage();
		for (int i = 0; i < ncmds; i++)
			run_parallel(&cmds[i], workers, count);
		return 0;
	}
	run_alternating(cmds, ncmds, runs, warmup);
	return 0;
}
