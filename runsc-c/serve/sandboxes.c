/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's sandbox table: monitors spawned and reaped, the warm pool
 * and its refill. One lock guards the table; nothing slow (a spawn, a
 * wait for a monitor) happens under it, so one sandbox never holds up the
 * API calls of another. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/serve.h"
#include "sandbox/sandbox.h"

extern char **environ;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER; /* a monitor went, a slot freed */
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER; /* stopping */
static struct sbx *table;
static unsigned nsandboxes; /* spawned and not yet reaped */
static bool stopping;
static const char *runsc_path;
static int log_fd;
static struct serve_config *config;
static char nofile_arg[48]; /* --nofile=SOFT: the caller's, for the monitors */
/* After a claim the pool waits this long before it starts a replacement:
 * starting a sandbox keeps a CPU busy for several milliseconds, which on a
 * small host would delay the claim's answer and the caller's first
 * command. Claims during the wait do not extend it. */
#define REFILL_DELAY_NS (20 * 1000000L)
static struct timespec refill_after; /* CLOCK_MONOTONIC, under lock */

/* Nanoseconds from now until t (CLOCK_MONOTONIC); <= 0 once passed. */
static long long ns_until(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(t->tv_sec - now.tv_sec) * 1000000000LL + (t->tv_nsec - now.tv_nsec);
}

static void sbx_free(struct sbx *s)
{
	if (s->ctl >= 0)
		close(s->ctl);
	free(s->policy);
	json_object_put(s->limits);
	json_object_put(s->env);
	free(s->cwd);
	json_object_put(s->base_env);
	free(s->base_cwd);
	free(s);
}

static void unref_locked(struct sbx *s)
{
	if (--s->refs == 0)
		sbx_free(s);
}

void sbx_put(struct sbx *s)
{
	pthread_mutex_lock(&lock);
	unref_locked(s);
	pthread_mutex_unlock(&lock);
}

static void unlist_locked(struct sbx *s)
{
	if (!s->listed)
		return;
	for (struct sbx **p = &table; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	s->listed = false;
	if (s->pooled) {
		s->pooled = false;
		config->tmpl[s->tmpl].ready--;
		pthread_cond_signal(&pool_cond);
	}
	unref_locked(s);
}

/* A monitor killed (by wait_gone_locked, or from outside) did not remove
 * its sandbox's cgroups: they go, with what is left in them, before the
 * sandbox is told gone, in every hierarchy. */
static void reclaim_killed(pid_t pid)
{
	char id[SERVE_ID_LEN + 1] = "";
	pthread_mutex_lock(&lock);
	for (struct sbx *s = table; s; s = s->next)
		if (s->pid == pid)
			memcpy(id, s->id, sizeof(id));
	pthread_mutex_unlock(&lock);
	if (id[0] && sandbox_remove_leftovers(id, NULL) < 0)
		serve_log("sandbox %s: its cgroups could not all be removed", id);
}

/* Reaps monitors: the one thread that calls waitpid. */
static void *reaper(void *arg)
{
	(void)arg;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid > 0 && WIFSIGNALED(st))
			reclaim_killed(pid);
		pthread_mutex_lock(&lock);
		if (pid < 0) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_sec += 1;
			pthread_cond_timedwait(&changed, &lock, &t);
			pthread_mutex_unlock(&lock);
			continue;
		}
		for (struct sbx *s = table; s; s = s->next) {
			if (s->pid == pid) {
				s->gone = true;
				s->wait_status = st;
				if (!s->pooled && s->base_env)
					serve_log("sandbox %s ended", s->id);
				unlist_locked(s);
				break;
			}
		}
		nsandboxes--;
		pthread_cond_broadcast(&changed);
		pthread_cond_signal(&pool_cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void new_id(char *id)
{
	uint8_t b[8];
	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		abort();
	snprintf(id, SERVE_ID_LEN + 1, "sb-%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7]);
}

/* An fd above the monitor's 0..4, close-on-exec. */
static int high_fd(int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return r;
}

/* Reads what a monitor that failed said on its stderr. */
static char *read_reason(int fd)
{
	char buf[4096];
	size_t len = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 10000) <= 0)
			break;
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = 0;
	return xstrdup(len ? buf : "the sandbox could not be started");
}

static void add_flag(char **argv, int *n, const char *flag, const char *value)
{
	if (!value)
		return;
	argv[(*n)++] = (char *)flag;
	argv[(*n)++] = (char *)value;
}

/* Waits for the new monitor's SERVE_READY: 0, or an HTTP status with
 * *msg after the failed sandbox is gone. */
static int wait_ready(struct sbx *s, bool pooled, int err_r, struct sbx **out, char **msg)
{
	struct pollfd p = {.fd = s->ctl, .events = POLLIN};
	char *buf = xmalloc(SERVE_MSG_MAX);
	ssize_t got = -1;
	if (poll(&p, 1, SERVE_START_WAIT_S * 1000) > 0)
		got = recv(s->ctl, buf, SERVE_MSG_MAX, 0);
	struct json_object *ready = NULL;
	if (got > 1 && buf[0] == SERVE_READY) {
		struct json_tokener *tok = json_tokener_new();
		ready = json_tokener_parse_ex(tok, buf + 1, (int)got - 1);
		json_tokener_free(tok);
	}
	free(buf);
	struct json_object *env, *cwd;
	if (ready && json_object_object_get_ex(ready, "env", &env) &&
	    json_object_object_get_ex(ready, "cwd", &cwd)) {
		pthread_mutex_lock(&lock);
		s->base_env = json_object_get(env);
		s->base_cwd = xstrdup(json_object_get_string(cwd));
		if (pooled && !s->gone) {
			s->pooled = true;
			config->tmpl[s->tmpl].ready++;
		}
		if (pooled)
			config->tmpl[s->tmpl].starting--;
		pthread_mutex_unlock(&lock);
		json_object_put(ready);
		close(err_r);
		*out = s;
		return 0;
	}
	json_object_put(ready);
	*msg = got < 0 ? xstrdup("the sandbox did not start in time") : read_reason(err_r);
	close(err_r);
	/* It failed: end it, wait for the reaper, and tell bad input (the
	 * flags, exit 2) from a failure. */
	pthread_mutex_lock(&lock);
	s->ending = true;
	shutdown(s->ctl, SHUT_RDWR);
	if (got < 0)
		kill(s->pid, SIGKILL);
	while (!s->gone)
		pthread_cond_wait(&changed, &lock);
	int st = s->wait_status;
	unlist_locked(s);
	unref_locked(s);
	pthread_mutex_unlock(&lock);
	return WIFEXITED(st) && WEXITSTATUS(st) == 2 ? 400 : 500;
}

/* Spawns a monitor for tmpl and waits until its sandbox runs. 0, or an
 * HTTP status with *msg. The new sandbox is in the table (one reference
 * for the table, one returned). */
static int spawn(const struct serve_template *tmpl, int tmpl_index, bool pooled, struct sbx **out,
		 char **msg)
{
	struct sbx *s = xcalloc(1, sizeof(*s));
	s->ctl = -1;
	s->tmpl = tmpl_index;
	new_id(s->id);
	int sv[2], errp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		int e = errno;
		free(s);
		xasprintf(msg, "socketpair: %s", strerror(e));
		return serve_errno_status(e);
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		free(s);
		xasprintf(msg, "pipe: %s", strerror(e));
		return serve_errno_status(e);
	}
	s->ctl = sv[0];
	int child_ctl = high_fd(sv[1]);
	int err_w = high_fd(errp[1]);
	int err_r = errp[0];

	_cleanup_free_ char **argv = xcalloc(28 + 2 * tmpl->nvolumes, sizeof(char *));
	int n = 0;
	argv[n++] = (char *)runsc_path;
	argv[n++] = "serve-monitor";
	argv[n++] = s->id;
	argv[n++] = nofile_arg;
	argv[n++] = "--quiet";
	add_flag(argv, &n, "--policy", tmpl->policy);
	add_flag(argv, &n, "--memory", tmpl->memory);
	add_flag(argv, &n, "--pids", tmpl->pids);
	add_flag(argv, &n, "--cpus", tmpl->cpus);
	add_flag(argv, &n, "--disk", tmpl->disk);
	add_flag(argv, &n, "--rootfs", tmpl->rootfs);
	for (unsigned i = 0; i < tmpl->nvolumes; i++)
		add_flag(argv, &n, "--volume", tmpl->volumes[i]);
	argv[n++] = "--";
	/* The idle holder: the sandbox's first process, which only waits
	 * (the guest init's idle builtin; this is its name). */
	argv[n++] = "runsc-c-idle";
	argv[n] = NULL;

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	posix_spawn_file_actions_adddup2(&fa, child_ctl, SERVE_CTL_FD);
	posix_spawn_file_actions_adddup2(&fa, log_fd, SERVE_LOG_FD);
	posix_spawnattr_init(&attr);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	pthread_mutex_lock(&lock);
	int r = posix_spawn(&s->pid, runsc_path, &fa, &attr, argv, environ);
	if (r == 0) {
		nsandboxes++;
		s->refs = 2;
		s->listed = true;
		clock_gettime(CLOCK_MONOTONIC, &s->created);
		s->next = table;
		table = s;
	}
	pthread_mutex_unlock(&lock);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(child_ctl);
	close(err_w);
	if (r != 0) {
		close(err_r);
		close(s->ctl);
		free(s);
		xasprintf(msg, "%s: %s", runsc_path, strerror(r));
		return serve_errno_status(r);
	}
	return wait_ready(s, pooled, err_r, out, msg);
}

static void *pool_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		/* The first template whose pool is short. */
		struct serve_template *t = NULL;
		unsigned i;
		for (i = 0; i < config->ntmpl && !t; i++)
			if (config->tmpl[i].ready + config->tmpl[i].starting <
			    config->tmpl[i].pool_size)
				t = &config->tmpl[i];
		if (!t || nsandboxes >= config->max_sandboxes) {
			pthread_cond_wait(&pool_cond, &lock);
			continue;
		}
		long long wait_ns = ns_until(&refill_after);
		if (wait_ns > 0) {
			/* The cond's clock is CLOCK_REALTIME: the wait is made
			 * from the monotonic deadline, so a clock step cannot
			 * stretch it. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			long long ns = until.tv_nsec +
				       (wait_ns > REFILL_DELAY_NS ? REFILL_DELAY_NS : wait_ns);
			until.tv_sec += (time_t)(ns / 1000000000LL);
			until.tv_nsec = (long)(ns % 1000000000LL);
			pthread_cond_timedwait(&pool_cond, &lock, &until);
			continue;
		}
		t->starting++;
		pthread_mutex_unlock(&lock);
		struct sbx *s = NULL;
		char *msg = NULL;
		int r = spawn(t, (int)(t - config->tmpl), true, &s, &msg);
		if (r == 0) {
			/* The pool shrank while it started: it is not needed. */
			pthread_mutex_lock(&lock);
			if (s->pooled && t->ready > t->pool_size) {
				s->pooled = false;
				t->ready--;
				s->ending = true;
				shutdown(s->ctl, SHUT_RDWR);
			}
			unref_locked(s);
			pthread_mutex_unlock(&lock);
		} else {
			serve_log("warm pool of template '%s': %s", t->name, msg);
			free(msg);
		}
		pthread_mutex_lock(&lock);
		if (r != 0) {
			t->starting--;
			/* Not in a loop: a template that cannot start is retried
			 * every few seconds. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 5;
			pthread_cond_timedwait(&pool_cond, &lock, &until);
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *idle_thread(void *arg);

int serve_errno_status(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == EAGAIN ? 503 : 500;
}

void sbx_init(const char *runsc_c, int logfd, struct serve_config *cfg, unsigned long nofile)
{
	runsc_path = runsc_c;
	snprintf(nofile_arg, sizeof(nofile_arg), "--nofile=%lu", nofile);
	log_fd = logfd;
	config = cfg;
	pthread_t t;
	if (pthread_create(&t, NULL, reaper, NULL) != 0 ||
	    pthread_create(&t, NULL, pool_thread, NULL) != 0 ||
	    pthread_create(&t, NULL, idle_thread, NULL) != 0) {
		serve_log("cannot start threads");
		exit(125);
	}
}

/* A sandbox of the pool, now claimed; or NULL. */
static struct sbx *claim_locked(int tmpl)
{
	for (struct sbx *s = table; s; s = s->next) {
		if (s->pooled && s->tmpl == tmpl && s->base_env && !s->gone) {
			s->pooled = false;
			config->tmpl[tmpl].ready--;
			s->refs++;
			if (ns_until(&refill_after) <= 0) {
				clock_gettime(CLOCK_MONOTONIC, &refill_after);
				refill_after.tv_nsec += REFILL_DELAY_NS;
				if (refill_after.tv_nsec >= 1000000000L) {
					refill_after.tv_sec++;
					refill_after.tv_nsec -= 1000000000L;
				}
			}
			pthread_cond_signal(&pool_cond);
			return s;
		}
	}
	return NULL;
}

int sbx_create(const struct serve_create *req, struct sbx **out, char **msg)
{
	struct sbx *s = NULL;
	pthread_mutex_lock(&lock);
	if (req->tmpl_index >= 0)
		s = claim_locked(req->tmpl_index);
	bool full = !s && nsandboxes >= config->max_sandboxes;
	pthread_mutex_unlock(&lock);
	if (full) {
		xasprintf(msg, "at most %u sandboxes run at once (max_sandboxes)",
			  config->max_sandboxes);
		return 503;
	}
	if (!s) {
		int r = spawn(req->tmpl, req->tmpl_index, false, &s, msg);
		if (r)
			return r;
	}
	s->policy = req->policy ? xstrdup(req->policy) : NULL;
	s->limits = json_object_get(req->limits);
	s->env = json_object_get(req->env);
	s->cwd = req->cwd ? xstrdup(req->cwd) : NULL;
	s->timeout_s = req->timeout_s;
	s->idle_s = req->idle_s;
	clock_gettime(CLOCK_MONOTONIC, &s->claimed);
	s->last_active = s->claimed;
	char m[64];
	int len = snprintf(m, sizeof(m), "%c%.3f", SERVE_CLAIM, req->timeout_s);
	if (send(s->ctl, m, (size_t)len, MSG_NOSIGNAL) < 0) {
		sbx_put(s);
		xasprintf(msg, "the sandbox ended as it was claimed");
		return 500;
	}
	*out = s;
	return 0;
}

void sbx_exec_begin(struct sbx *s)
{
	pthread_mutex_lock(&lock);
	s->active_execs++;
	pthread_mutex_unlock(&lock);
}

void sbx_exec_end(struct sbx *s)
{
	pthread_mutex_lock(&lock);
	s->active_execs--;
	clock_gettime(CLOCK_MONOTONIC, &s->last_active);
	pthread_mutex_unlock(&lock);
}

static double since(const struct timespec *t);

/* Ends the sandboxes idle for longer than their idle timeout: no exec
 * running, none ended for that long. Looked at every second. */
static void *idle_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&idle_cond, &lock, &t);
		for (struct sbx *s = table; s; s = s->next) {
			if (!s->pooled && s->base_env && s->idle_s > 0 && s->active_execs == 0 &&
			    since(&s->last_active) >= s->idle_s) {
				serve_log("sandbox %s: idle for %.0f s, ended", s->id, s->idle_s);
				s->idle_s = 0;
				s->ending = true;
				shutdown(s->ctl, SHUT_RDWR);
			}
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

struct sbx *sbx_get(const char *id)
{
	pthread_mutex_lock(&lock);
	struct sbx *s;
	for (s = table; s; s = s->next) {
		if (!s->pooled && !s->ending && s->base_env && strcmp(s->id, id) == 0) {
			s->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return s;
}

/* Waits until s's monitor is gone; SIGKILLs its process group (the
 * monitor, and the sentry and gofer die with it) if it takes too long. */
static void wait_gone_locked(struct sbx *s)
{
	for (int round = 0; !s->gone; round++) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 10;
		if (pthread_cond_timedwait(&changed, &lock, &t) == ETIMEDOUT && round >= 1) {
			serve_log("sandbox %s: its monitor does not end, killed", s->id);
			kill(-s->pid, SIGKILL);
			kill(s->pid, SIGKILL);
		}
	}
}

int sbx_delete(const char *id)
{
	struct sbx *s = sbx_get(id);
	if (!s)
		return -ENOENT;
	pthread_mutex_lock(&lock);
	s->ending = true;
	shutdown(s->ctl, SHUT_RDWR);
	wait_gone_locked(s);
	unref_locked(s);
	pthread_mutex_unlock(&lock);
	return 0;
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

struct json_object *sbx_json(const struct sbx *s)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(s->id));
	const char *state = s->gone			       ? "ended"
			    : sandbox_paused(s->id, NULL) == 1 ? "paused"
							       : "running";
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "age", json_object_new_double(since(&s->claimed)));
	json_object_object_add(o, "timeout", json_object_new_double(s->timeout_s));
	json_object_object_add(o, "idle_timeout", json_object_new_double(s->idle_s));
	json_object_object_add(o, "template",
			       s->tmpl >= 0 ? json_object_new_string(config->tmpl[s->tmpl].name)
					    : NULL);
	json_object_object_add(o, "policy", s->policy ? json_object_new_string(s->policy) : NULL);
	json_object_object_add(o, "limits", json_object_get(s->limits));
	json_object_object_add(o, "env", json_object_get(s->env));
	json_object_object_add(o, "cwd", json_object_new_string(s->cwd ? s->cwd : s->base_cwd));
	return o;
}

/* The claimed sandboxes are taken (a reference each) under the lock and
 * described after it is released: sbx_json reads each one's freezer state
 * from its cgroup, a file read that must not hold up creates, deletes and
 * claims of every other caller. */
struct json_object *sbx_list(void)
{
	struct json_object *a = json_object_new_array();
	pthread_mutex_lock(&lock);
	size_t n = 0;
	for (struct sbx *s = table; s; s = s->next)
		n += !s->pooled && !s->ending && s->base_env;
	struct sbx **snap = xcalloc(n ? n : 1, sizeof(*snap));
	size_t k = 0;
	for (struct sbx *s = table; s && k < n; s = s->next) {
		if (!s->pooled && !s->ending && s->base_env) {
			s->refs++;
			snap[k++] = s;
		}
	}
	pthread_mutex_unlock(&lock);
	for (size_t i = 0; i < k; i++)
		json_object_array_add(a, sbx_json(snap[i]));
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < k; i++)
		unref_locked(snap[i]);
	pthread_mutex_unlock(&lock);
	free(snap);
	return a;
}

struct json_object *sbx_pool_json(void)
{
	struct json_object *o = json_object_new_object();
	pthread_mutex_lock(&lock);
	const struct serve_template *d = &config->tmpl[0];
	json_object_object_add(o, "size", json_object_new_int64(d->pool_size));
	json_object_object_add(o, "ready", json_object_new_int64(d->ready));
	json_object_object_add(o, "starting", json_object_new_int64(d->starting));
	struct json_object *all = json_object_new_object();
	for (unsigned i = 0; i < config->ntmpl; i++) {
		const struct serve_template *t = &config->tmpl[i];
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "size", json_object_new_int64(t->pool_size));
		json_object_object_add(e, "ready", json_object_new_int64(t->ready));
		json_object_object_add(e, "starting", json_object_new_int64(t->starting));
		json_object_object_add(all, t->name, e);
	}
	json_object_object_add(o, "templates", all);
	json_object_object_add(o, "sandboxes", json_object_new_int64(nsandboxes));
	pthread_mutex_unlock(&lock);
	return o;
}

int sbx_pool_resize(int tmpl, unsigned size)
{
	struct serve_template *t = &config->tmpl[tmpl];
	pthread_mutex_lock(&lock);
	if (size > config->max_sandboxes) {
		pthread_mutex_unlock(&lock);
		return -E2BIG;
	}
	t->pool_size = size;
	/* Sandboxes over the new size are destroyed (never handed out). */
	unsigned extra = t->ready > size ? t->ready - size : 0;
	for (struct sbx *s = table; s && extra; s = s->next) {
		if (s->pooled && s->tmpl == tmpl) {
			s->ending = true;
			shutdown(s->ctl, SHUT_RDWR);
			s->pooled = false;
			t->ready--;
			extra--;
		}
	}
	pthread_cond_signal(&pool_cond);
	pthread_mutex_unlock(&lock);
	return 0;
}

void sbx_shutdown(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&pool_cond);
	pthread_cond_broadcast(&idle_cond);
	for (struct sbx *s = table; s; s = s->next) {
		s->ending = true;
		shutdown(s->ctl, SHUT_RDWR);
	}
	for (int round = 0; nsandboxes > 0 && round < 30; round++) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&changed, &lock, &t);
		if (round == 20)
			for (struct sbx *s = table; s; s = s->next)
				kill(-s->pid, SIGKILL);
	}
	pthread_mutex_unlock(&lock);
}

int sbx_freeze(const char *id, bool pause, char **msg)
{
	struct sbx *s = sbx_get(id);
	if (!s) {
		xasprintf(msg, "no sandbox '%s'", id);
		return 404;
	}
	int status = 0;
	struct rc_error err;
	int paused = sandbox_paused(s->id, NULL);
	if (s->gone || s->ending)
		status = 409, xasprintf(msg, "sandbox '%s' has ended", id);
	else if (pause && paused == 1)
		status = 409, xasprintf(msg, "sandbox '%s' is already paused", id);
	else if (!pause && paused != 1)
		status = 409, xasprintf(msg, "sandbox '%s' is not paused", id);
	else if ((pause ? sandbox_pause(s->id, NULL, &err) : sandbox_resume(s->id, NULL, &err)) <
		 0) {
		status = err.errno_value == EOPNOTSUPP ? 501 : err.errno_value == EBUSY ? 503 : 500;
		xasprintf(msg, "%s: %s", pause ? "pause" : "resume", err.msg);
	} else {
		pthread_mutex_lock(&lock);
		s->paused = pause;
		pthread_mutex_unlock(&lock);
		/* The idle timeout counts from the resume, not across the pause. */
		if (!pause) {
			sbx_exec_begin(s);
			sbx_exec_end(s);
		}
	}
	sbx_put(s);
	return status;
}

bool sbx_paused(struct sbx *s)
{
	pthread_mutex_lock(&lock);
	bool paused = s->paused;
	pthread_mutex_unlock(&lock);
	return paused;
}

static struct json_object *u64_or_null(bool known, uint64_t v)
{
	return known ? json_object_new_uint64(v) : NULL;
}

static struct json_object *limit_json(uint64_t v)
{
	return v == UINT64_MAX ? NULL : json_object_new_uint64(v);
}

struct json_object *sbx_usage_json(const struct sbx *s)
{
	struct cg_usage u;
	struct rc_error err;
	if (s->gone || sandbox_usage(s->id, NULL, &u, &err) < 0)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "memory_bytes", u64_or_null(u.memory_known, u.memory_bytes));
	json_object_object_add(o, "memory_peak_bytes",
			       u64_or_null(u.memory_known, u.memory_peak_bytes));
	json_object_object_add(o, "memory_limit_bytes", limit_json(u.memory_limit_bytes));
	json_object_object_add(o, "pids", u64_or_null(u.pids_known, u.pids));
	json_object_object_add(o, "pids_limit", limit_json(u.pids_limit));
	json_object_object_add(o, "cpu_ns", u64_or_null(u.cpu_known, u.cpu_ns));
	json_object_object_add(o, "cpu_user_ns", u64_or_null(u.cpu_known, u.cpu_user_ns));
	json_object_object_add(o, "cpu_system_ns", u64_or_null(u.cpu_known, u.cpu_system_ns));
	json_object_object_add(o, "oom_kills", json_object_new_uint64(u.oom_kills));
	return o;
}
