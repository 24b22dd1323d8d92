/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP side of the sandbox service: libmicrohttpd with a thread per
 * connection, so that a connection streaming one exec's output, or
 * waiting for a sandbox to start, holds up no other. Requests and answers
 * are JSON (json-c); every error is {"error": "..."} with an HTTP status.
 * The routes are in docs/api.md. */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "runsc-c/serve/daemon.h"
#include "runsc-c/serve/http.h"

struct serve_http {
	struct MHD_Daemon *mhd;
	char *token;
};

enum MHD_Result reply_bytes(struct MHD_Connection *c, unsigned status, const char *type,
			    const char *bytes, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)bytes, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", type);
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	if (status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answers with o (taken). */
enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct json_object *o)
{
	char *text;
	xasprintf(&text, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	enum MHD_Result r = reply_bytes(c, status, "application/json", text, strlen(text));
	free(text);
	return r;
}

enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	return reply(c, status, o);
}

/* ---- request bodies ---- */

/* The body as a JSON object whose members are all in allowed (an empty
 * body is {}); NULL after an answer was queued into *ret. */
struct json_object *body_object(struct MHD_Connection *c, const struct req *rq,
				const char *const *allowed, enum MHD_Result *ret)
{
	if (rq->len == 0)
		return json_object_new_object();
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, rq->body, (int)rq->len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (e != json_tokener_success || !o) {
		json_object_put(o);
		*ret = fail(c, 400, "the body is not JSON: %s at byte %zu",
			    json_tokener_error_desc(
				    e == json_tokener_success ? json_tokener_continue : e),
			    end);
		return NULL;
	}
	for (; end < rq->len && strchr(" \t\r\n", rq->body[end]); end++)
		;
	if (end != rq->len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*ret = fail(c, 400, "the body must be one JSON object");
		return NULL;
	}
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			known = known || strcmp(*a, key) == 0;
		if (!known) {
			*ret = fail(c, 400, "unknown field '%.64s'", key);
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

/* Checks member name of o is of type t (when present): its value or NULL;
 * false after an answer was queued. */
bool member(struct MHD_Connection *c, struct json_object *o, const char *name, json_type t,
	    struct json_object **out, enum MHD_Result *ret)
{
	*out = NULL;
	if (!json_object_object_get_ex(o, name, out) || *out == NULL) {
		*out = NULL;
		return true;
	}
	bool ok = json_object_is_type(*out, t) ||
		  (t == json_type_double && json_object_is_type(*out, json_type_int));
	if (!ok) {
		*ret = fail(c, 400, "'%s' must be %s", name,
			    t == json_type_string    ? "a string"
			    : t == json_type_object  ? "an object"
			    : t == json_type_array   ? "an array"
			    : t == json_type_int     ? "an integer"
			    : t == json_type_boolean ? "true or false"
						     : "a number");
		return false;
	}
	return true;
}

/* A string with no NUL and at most max bytes. */
bool plain_string(struct json_object *v, size_t max)
{
	size_t n = (size_t)json_object_get_string_len(v);
	return n <= max && strlen(json_object_get_string(v)) == n;
}

/* env: an object of NAME: "value" strings. */
bool check_env(struct MHD_Connection *c, struct json_object *env, enum MHD_Result *ret)
{
	if (!env)
		return true;
	if (json_object_object_length(env) > 256) {
		*ret = fail(c, 400, "'env': more than 256 variables");
		return false;
	}
	json_object_object_foreach(env, k, v)
	{
		bool name_ok = *k && !strchr(k, '=') && strlen(k) <= 256;
		if (!name_ok || !json_object_is_type(v, json_type_string) ||
		    !plain_string(v, 64 << 10)) {
			*ret = fail(c, 400, "'env': '%.64s' must be a NAME: \"value\" string", k);
			return false;
		}
	}
	return true;
}

bool check_cwd(struct MHD_Connection *c, struct json_object *cwd, enum MHD_Result *ret)
{
	if (cwd && (!plain_string(cwd, 4096) || json_object_get_string(cwd)[0] != '/')) {
		*ret = fail(c, 400, "'cwd' must be an absolute path");
		return false;
	}
	return true;
}

/* ---- POST /sandboxes ---- */

/* A limit as a do flag's text: a string as given, or a number as the
 * request wrote it; checked by the parser `runsc-c do` uses for the flag,
 * so that a bad one is this request's 400 and no sandbox is started. */
static bool limit_text(struct MHD_Connection *c, struct json_object *limits, const char *name,
		       char **out, enum MHD_Result *ret)
{
	struct json_object *v;
	*out = NULL;
	if (!json_object_object_get_ex(limits, name, &v) || !v)
		return true;
	enum json_type type = json_object_get_type(v);
	if (type != json_type_string && type != json_type_int && type != json_type_double) {
		*ret = fail(c, 400, "limits.%s: expected a number or a string, got %s", name,
			    json_type_to_name(type));
		return false;
	}
	const char *text = json_object_get_string(v);
	if (type == json_type_string && !plain_string(v, 64)) {
		*ret = fail(c, 400, "limits.%s: '%.64s...': expected at most 64 bytes, without NUL",
			    name, text);
		return false;
	}
	char why[600];
	if (!serve_limit_ok(name, text, why, sizeof(why))) {
		*ret = fail(c, 400, "%s", why);
		return false;
	}
	*out = xstrdup(text);
	return true;
}

static enum MHD_Result create(struct MHD_Connection *c, const struct req *rq,
			      const struct serve_config *cfg)
{
	static const char *const allowed[] = {"template", "policy",  "limits",	     "env",
					      "cwd",	  "timeout", "idle_timeout", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct json_object *tname, *policy, *limits, *env, *cwd, *timeout, *idle;
	char *mem = NULL, *pids = NULL, *cpus = NULL, *disk = NULL; /* the request's limits */
	int index = 0;
	bool ok = member(c, o, "template", json_type_string, &tname, &ret) &&
		  member(c, o, "policy", json_type_string, &policy, &ret) &&
		  member(c, o, "limits", json_type_object, &limits, &ret) &&
		  member(c, o, "env", json_type_object, &env, &ret) &&
		  member(c, o, "cwd", json_type_string, &cwd, &ret) &&
		  member(c, o, "timeout", json_type_double, &timeout, &ret) &&
		  member(c, o, "idle_timeout", json_type_double, &idle, &ret) &&
		  check_env(c, env, &ret) && check_cwd(c, cwd, &ret);
	if (ok && tname && (index = serve_template_find(cfg, json_object_get_string(tname))) < 0) {
		ret = fail(c, 400, "no template named '%.64s'", json_object_get_string(tname));
		ok = false;
	}
	if (ok && policy &&
	    (!plain_string(policy, 4096) || !*json_object_get_string(policy) ||
	     json_object_get_string(policy)[0] == '-')) {
		ret = fail(c, 400, "'policy' must name a policy");
		ok = false;
	}
	if (ok && timeout &&
	    !(json_object_get_double(timeout) >= 0 && json_object_get_double(timeout) <= 1e9)) {
		ret = fail(c, 400, "'timeout' must be seconds, 0 to 1e9");
		ok = false;
	}
	if (ok && idle &&
	    !(json_object_get_double(idle) >= 0 && json_object_get_double(idle) <= 1e9)) {
		ret = fail(c, 400, "'idle_timeout' must be seconds, 0 to 1e9");
		ok = false;
	}
	if (ok && limits) {
		json_object_object_foreach(limits, k, v)
		{
			(void)v;
			if (strcmp(k, "memory") && strcmp(k, "pids") && strcmp(k, "cpus") &&
			    strcmp(k, "disk")) {
				ret = fail(c, 400, "unknown field 'limits.%s'", k);
				ok = false;
				break;
			}
		}
		ok = ok && limit_text(c, limits, "memory", &mem, &ret) &&
		     limit_text(c, limits, "pids", &pids, &ret) &&
		     limit_text(c, limits, "cpus", &cpus, &ret) &&
		     limit_text(c, limits, "disk", &disk, &ret);
	}
	if (ok) {
		/* The template, with what the request gives over it. A
		 * sandbox of its own (policy or limits given) is started for
		 * the request; else one comes from the template's pool. */
		const struct serve_template *base = &cfg->tmpl[index];
		struct serve_template t = *base;
		if (policy)
			t.policy = (char *)json_object_get_string(policy);
		t.memory = mem ? mem : base->memory;
		t.pids = pids ? pids : base->pids;
		t.cpus = cpus ? cpus : base->cpus;
		t.disk = disk ? disk : base->disk;
		bool own = policy || limits;
		struct serve_create req = {
			.tmpl = &t,
			.tmpl_index = own ? -1 : index,
			.timeout_s = timeout ? json_object_get_double(timeout) : 0,
			.idle_s = idle ? json_object_get_double(idle) : 0,
			.policy = t.policy,
			.limits = limits,
			.env = env,
			.cwd = cwd ? json_object_get_string(cwd) : NULL,
		};
		struct sbx *s;
		char *msg = NULL;
		int status = sbx_create(&req, &s, &msg);
		if (status) {
			ret = fail(c, (unsigned)status, "%s", msg);
			free(msg);
		} else {
			struct json_object *a = json_object_new_object();
			json_object_object_add(a, "id", json_object_new_string(s->id));
			sbx_put(s);
			ret = reply(c, 201, a);
		}
	}
	free(mem);
	free(pids);
	free(cpus);
	free(disk);
	json_object_put(o);
	return ret;
}

/* ---- routing ---- */

/* PUT /pool {"size": N, "template": NAME} */
static enum MHD_Result pool_put(struct MHD_Connection *c, const struct req *rq,
				const struct serve_config *cfg)
{
	static const char *const allowed[] = {"size", "template", NULL};
	enum MHD_Result ret = MHD_NO;
	struct json_object *o = body_object(c, rq, allowed, &ret);
	if (!o)
		return ret;
	struct json_object *v = NULL, *tname = NULL;
	json_object_object_get_ex(o, "size", &v);
	json_object_object_get_ex(o, "template", &tname);
	int64_t n = v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
	int index = 0;
	if (tname && !json_object_is_type(tname, json_type_string)) {
		json_object_put(o);
		return fail(c, 400, "'template' must be a string");
	}
	if (tname && (index = serve_template_find(cfg, json_object_get_string(tname))) < 0) {
		ret = fail(c, 400, "no template named '%.64s'", json_object_get_string(tname));
		json_object_put(o);
		return ret;
	}
	json_object_put(o);
	if (n < 0 || n > 100000)
		return fail(c, 400, "'size' must be an integer, 0 or more");
	if (sbx_pool_resize(index, (unsigned)n) < 0)
		return fail(c, 400, "'size' %lld is over max_sandboxes", (long long)n);
	return reply(c, 200, sbx_pool_json());
}

static bool id_valid(const char *s, size_t n)
{
	if (n != SERVE_ID_LEN || strncmp(s, "sb-", 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static bool authorized(struct MHD_Connection *c, const char *token)
{
	if (!token)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	size_t a = strlen(h), b = strlen(token);
	unsigned char diff = a != b;
	for (size_t i = 0; i < a && i < b; i++)
		diff |= (unsigned char)(h[i] ^ token[i]);
	return diff == 0;
}

/* POST /sandboxes/ID/pause and /resume. */
static enum MHD_Result freeze(struct MHD_Connection *c, const char *sid, bool pause)
{
	char *msg = NULL;
	int status = sbx_freeze(sid, pause, &msg);
	if (status) {
		enum MHD_Result r = fail(c, (unsigned)status, "%s", msg);
		free(msg);
		return r;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(sid));
	json_object_object_add(o, "state", json_object_new_string(pause ? "paused" : "running"));
	return reply(c, 200, o);
}

static enum MHD_Result route(struct MHD_Connection *c, const char *url, const char *method,
			     const struct req *rq, const struct serve_config *cfg)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0,
	     del = strcmp(method, "DELETE") == 0;
	if (strcmp(url, "/sandboxes") == 0) {
		if (post)
			return create(c, rq, cfg);
		if (get)
			return reply(c, 200, sbx_list());
		return fail(c, 405, "%s /sandboxes: only GET and POST", method);
	}
	if (strcmp(url, "/pool") == 0) {
		if (get)
			return reply(c, 200, sbx_pool_json());
		if (strcmp(method, "PUT") == 0)
			return pool_put(c, rq, cfg);
		return fail(c, 405, "%s /pool: only GET and PUT", method);
	}
	if (strncmp(url, "/sandboxes/", 11) != 0)
		return fail(c, 404, "no such endpoint: %.200s", url);
	const char *id = url + 11;
	size_t n = strcspn(id, "/");
	const char *rest = id + n;
	if (!id_valid(id, n))
		return fail(c, 404, "no sandbox '%.*s'", (int)(n > 64 ? 64 : n), id);
	char sid[SERVE_ID_LEN + 1];
	memcpy(sid, id, n);
	sid[n] = 0;
	if (*rest == 0) {
		if (get) {
			struct sbx *s = sbx_get(sid);
			if (!s)
				return fail(c, 404, "no sandbox '%s'", sid);
			struct json_object *o = sbx_json(s);
			json_object_object_add(o, "usage", sbx_usage_json(s));
			sbx_put(s);
			return reply(c, 200, o);
		}
		if (del) {
			if (sbx_delete(sid) < 0)
				return fail(c, 404, "no sandbox '%s'", sid);
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(sid));
			json_object_object_add(o, "deleted", json_object_new_boolean(1));
			return reply(c, 200, o);
		}
		return fail(c, 405, "%s /sandboxes/ID: only GET and DELETE", method);
	}
	if (strcmp(rest, "/exec") == 0) {
		if (post)
			return http_exec(c, rq, sid);
		return fail(c, 405, "%s /sandboxes/ID/exec: only POST", method);
	}
	if (strcmp(rest, "/pause") == 0 || strcmp(rest, "/resume") == 0) {
		if (!post)
			return fail(c, 405, "%s /sandboxes/ID%s: only POST", method, rest);
		return freeze(c, sid, strcmp(rest, "/pause") == 0);
	}
	if (strcmp(rest, "/watch") == 0) {
		if (get)
			return http_watch(c, sid);
		return fail(c, 405, "%s /sandboxes/ID/watch: only GET", method);
	}
	if (strcmp(rest, "/files") == 0) {
		if (get)
			return http_files_get(c, sid);
		return fail(c, 405, "%s /sandboxes/ID/files: only GET and PUT", method);
	}
	if (strncmp(rest, "/exec/", 6) == 0) {
		char no[24];
		size_t len = strcspn(rest + 6, "/");
		const char *what = rest + 6 + len;
		bool signal = strcmp(what, "/signal") == 0, resize = strcmp(what, "/resize") == 0;
		if (len < sizeof(no) && (signal || resize || strcmp(what, "/stdin") == 0)) {
			memcpy(no, rest + 6, len);
			no[len] = 0;
			if (!post)
				return fail(c, 405, "%s /sandboxes/ID/exec/N%s: only POST", method,
					    what);
			if (signal)
				return http_exec_signal(c, rq, sid, no);
			return http_exec_resize(c, rq, sid, no);
		}
	}
	return fail(c, 404, "no such endpoint: %.200s", url);
}

static const struct serve_config *http_config;

/* Connections open now; each is marked at its start as one over
 * SERVE_CONN_MAX or not (its socket context). */
static unsigned connections;
static pthread_mutex_t connections_lock = PTHREAD_MUTEX_INITIALIZER;
static char over_mark;

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls, (void)c;
	pthread_mutex_lock(&connections_lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = ++connections > SERVE_CONN_MAX ? &over_mark : NULL;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		connections--;
	}
	pthread_mutex_unlock(&connections_lock);
}

static bool connection_over(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci && ci->socket_context == &over_mark;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	(void)version;
	struct serve_http *h = cls;
	struct req *rq = *con_cls;
	/* Over the bound: answered at once, the body unread, and closed. */
	if (!rq && connection_over(c))
		return fail(c, 503, "more than %u connections are open: retry later",
			    SERVE_CONN_MAX);
	if (!rq) {
		rq = xcalloc(1, sizeof(struct req));
		*con_cls = rq;
		/* A file upload is streamed to its writer, not buffered. */
		size_t n = strncmp(url, "/sandboxes/", 11) == 0 ? strcspn(url + 11, "/") : 0;
		if (strcmp(method, "PUT") == 0 && n && id_valid(url + 11, n) &&
		    strcmp(url + 11 + n, "/files") == 0) {
			rq->is_upload = true;
			memcpy(rq->sid, url + 11, n);
		}
		/* So is a process's stdin. */
		const char *no = url + 11 + n;
		size_t len = strncmp(no, "/exec/", 6) == 0 ? strcspn(no + 6, "/") : 0;
		if (strcmp(method, "POST") == 0 && n && id_valid(url + 11, n) && len &&
		    len < sizeof(rq->exec_no) && strcmp(no + 6 + len, "/stdin") == 0) {
			rq->is_stdin = true;
			memcpy(rq->sid, url + 11, n);
			memcpy(rq->exec_no, no + 6, len);
		}
		return MHD_YES;
	}
	if (*data_size && rq->is_stdin) {
		if (authorized(c, h->token))
			http_stdin_data(c, rq, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (*data_size && rq->is_upload) {
		if (authorized(c, h->token))
			http_files_put_data(c, rq, rq->sid, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (*data_size) {
		if (!rq->too_big && rq->len + *data_size <= SERVE_BODY_MAX) {
			rq->body = realloc(rq->body, rq->len + *data_size + 1);
			if (!rq->body)
				abort();
			memcpy(rq->body + rq->len, data, *data_size);
			rq->len += *data_size;
		} else {
			rq->too_big = true;
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (!authorized(c, h->token))
		return fail(c, 401, "a bearer token is required (Authorization: Bearer TOKEN)");
	if (rq->is_upload)
		return http_files_put_end(c, rq, rq->sid);
	if (rq->is_stdin)
		return http_stdin_end(c, rq);
	if (rq->too_big)
		return fail(c, 413, "the body is larger than %u bytes", SERVE_BODY_MAX);
	return route(c, url, method, rq, http_config);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)c, (void)code;
	struct req *rq = *con_cls;
	if (rq) {
		http_files_put_free(rq);
		http_stdin_free(rq);
		free(rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	serve_log("http: %s", msg);
}

struct serve_http *http_start(int listen_fd, const char *token, const struct serve_config *cfg,
			      char **msg)
{
	struct serve_http *h = xcalloc(1, sizeof(*h));
	h->token = token ? xstrdup(token) : NULL;
	http_config = cfg;
	h->mhd = MHD_start_daemon(
		/* poll(), not select(): with a control connection per
		 * sandbox the daemon's fds go past FD_SETSIZE. */
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0,
		NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
		MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_CONNECTION_LIMIT,
		SERVE_CONN_MAX + SERVE_CONN_REFUSED,
		/* A connection's thread needs little: one 32 KiB chunk on its stack. */
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 << 10),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 << 10), MHD_OPTION_END);
	if (!h->mhd) {
		xasprintf(msg, "libmicrohttpd could not start on the listening socket");
		free(h->token);
		free(h);
		return NULL;
	}
	return h;
}

void http_stop(struct serve_http *h)
{
	MHD_stop_daemon(h->mhd);
	free(h->token);
	free(h);
}
