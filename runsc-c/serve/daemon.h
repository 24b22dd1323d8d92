/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox service's daemon, runsc-c-serve (serve.h has the whole
 * picture): its config, the sandbox table and the HTTP side. */
#ifndef RUNSC_SERVE_DAEMON_H
#define RUNSC_SERVE_DAEMON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define SERVE_BODY_MAX (1u << 20) /* bytes of a request body */
/* Connections served at once (a thread each); the next
 * SERVE_CONN_REFUSED get a 503, later ones are closed unanswered. */
#define SERVE_CONN_MAX	   1024u
#define SERVE_CONN_REFUSED 64u
#define SERVE_ID_LEN	   19  /* "sb-" + 16 hex digits */
#define SERVE_START_WAIT_S 120 /* a monitor must be ready by then */

/* What a sandbox is made from: `runsc-c do` flags (NULL: not given), and
 * for a template of the config its name and warm pool. */
struct serve_template {
	const char *name;
	char *policy;
	char *memory;
	char *pids;
	char *cpus;
	char *disk;	/* the writable layer's size */
	char *rootfs;	/* absolute and resolved; NULL: the host's root */
	char **volumes; /* `runsc-c do --volume` specs, the host path resolved */
	unsigned nvolumes;
	unsigned pool_size;	  /* warm sandboxes to keep */
	unsigned ready, starting; /* the pool now (under the table's lock) */
};

#define SERVE_TEMPLATES_MAX 64
#define SERVE_VOLUMES_MAX   64 /* of one template, as `runsc-c do` takes */

struct serve_config {
	unsigned max_sandboxes; /* running ones, the pool included */
	/* tmpl[0] is "default": POST /sandboxes without a template. */
	struct serve_template tmpl[SERVE_TEMPLATES_MAX];
	unsigned ntmpl;
};

/* The template of that name, or -1. */
int serve_template_find(const struct serve_config *cfg, const char *name);

/* A limit's value for runsc-c do's flag of that name (memory, pids,
 * cpus, disk), checked by the parser the flag uses (sandbox_limit_parse);
 * false with why ("limits.KEY: 'TEXT': expected ..."). */
bool serve_limit_ok(const char *key, const char *text, char *why, size_t why_size);

/* Loads the YAML config file; a problem is one "FILE:LINE:COL: ..." line
 * on stderr and -1. */
int serve_config_load(const char *path, struct serve_config *cfg);

/* One sandbox: a monitor process and its control connection. */
struct sbx {
	char id[SERVE_ID_LEN + 1];
	pid_t pid; /* the monitor */
	int ctl;
	int refs;	 /* under the table's lock */
	bool pooled;	 /* waiting in the warm pool */
	int tmpl;	 /* the config's template it was made from, or -1 */
	bool listed;	 /* in the table */
	bool gone;	 /* the monitor exited */
	bool ending;	 /* told to end: no longer handed out or listed */
	bool paused;	 /* under the table's lock: paused through the API */
	int wait_status; /* once gone */
	struct timespec created, claimed;
	double timeout_s;
	double idle_s;	  /* idle timeout; 0: none */
	int active_execs; /* streams running */
	struct timespec last_active;
	char *policy; /* as asked for, for GET */
	struct json_object *limits;
	struct json_object *env; /* object: the sandbox's env over base_env */
	char *cwd;
	struct json_object *base_env; /* array: what the monitor said */
	char *base_cwd;
	struct sbx *next;
};

struct serve_create {
	const struct serve_template *tmpl;
	int tmpl_index; /* the pool to claim from, or -1 */
	double timeout_s;
	double idle_s;
	char *policy;			  /* copied */
	struct json_object *limits, *env; /* references taken */
	const char *cwd;
};

/* nofile: the soft RLIMIT_NOFILE the daemon was started with, which its
 * monitors (and so its sandboxes) get back. */
void sbx_init(const char *runsc_c, int log_fd, struct serve_config *cfg, unsigned long nofile);
/* The HTTP status for a failure of errno e: 503 for what runs out (fds,
 * memory, processes: retry later), else 500. */
int serve_errno_status(int e);
/* Creates a sandbox (from the pool when it may): 0 and *out (a
 * reference), or an HTTP status with *msg (malloc'd). */
int sbx_create(const struct serve_create *req, struct sbx **out, char **msg);
struct sbx *sbx_get(const char *id); /* a reference, or NULL */
void sbx_put(struct sbx *s);
/* An exec starts or ends in s (the idle timeout counts from the last end). */
void sbx_exec_begin(struct sbx *s);
void sbx_exec_end(struct sbx *s);
/* Ends it and waits until its monitor is gone: 0, or -ENOENT. */
int sbx_delete(const char *id);
/* Pauses (freezes the guest, sandbox_pause) or resumes sandbox id: 0,
 * or an HTTP status with *msg (malloc'd): 404 no such sandbox, 409 ended,
 * already paused or not paused, 501 no freezer on this host, 503 the
 * guest did not freeze in time (it was thawed again). */
int sbx_freeze(const char *id, bool pause, char **msg);
/* Whether s is paused through the API (the daemon alone pauses its
 * sandboxes): what an exec checks, without reading the freezer. */
bool sbx_paused(struct sbx *s);
/* What s uses now, from its cgroups (JSON), or NULL. */
struct json_object *sbx_usage_json(const struct sbx *s);
/* The claimed sandboxes, as JSON objects. */
struct json_object *sbx_list(void);
struct json_object *sbx_json(const struct sbx *s);
struct json_object *sbx_pool_json(void);
/* Sets a template's pool size: 0, or -E2BIG over max_sandboxes. */
int sbx_pool_resize(int tmpl, unsigned size);
/* Ends every sandbox and waits for their monitors. */
void sbx_shutdown(void);

/* The HTTP side (http.c). */
struct serve_http;
struct serve_http *http_start(int listen_fd, const char *token, const struct serve_config *cfg,
			      char **msg);
void http_stop(struct serve_http *h);

void serve_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
