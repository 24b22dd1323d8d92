/* SPDX-License-Identifier: Apache-2.0 */
/* config.json (the OCI runtime spec's bundle config) read with json-c and
 * mapped to a sandbox's config:
 *
 *	root.path, root.readonly     the rootfs (relative to the bundle)
 *	process.args, env, cwd       the command, its environment, its cwd
 *	process.user.uid, gid        the user (0..4294967294: the guest's id map);
 *	process.user.additionalGids  checked; honoured for exec'd processes
 *	process.terminal             a terminal of its own (when runsc-c has one)
 *	hostname                     the sandbox's host name
 *	mounts                       bind mounts become volumes (ro/rw), tmpfs
 *	                             mounts tmpfs volumes (oci/tmpfs.c); the
 *	                             kernel file systems (proc, sysfs, devpts,
 *	                             mqueue, cgroup) are the ones the
 *	                             sandbox provides itself
 *	annotations                  kept for `state`; dev.runsc-c.policy
 *	                             (a profile name or policy file) and
 *	                             dev.runsc-c.audit (its decisions' file),
 *	                             files relative to the bundle
 *	linux.resources              memory.limit, pids.limit, cpu.quota and
 *	                             cpu.period: the sandbox's limits (without
 *	                             them, runsc-c do's defaults: 4096 tasks,
 *	                             half of the host's memory)
 *	linux.sysctl                 the namespaced ones (oci/sysctl.c)
 *	linux.maskedPaths,           masked and read-only paths of the view
 *	linux.readonlyPaths          (common/path_masks.h), made normal
 *
 * Every value read is checked; a bad one is one error naming the field as
 * a JSON path ("mounts[2].destination: must be an absolute path"). Fields
 * not listed are ignored, as the spec asks of a runtime. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/proto.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/policy_setup.h"

#define HOSTNAME_MAX 64

/* Mount types the sandbox provides on its own: accepted, not mounted. */
static const char *const kernel_fs[] = {"proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"};

/* path names dest, give or take repeated and trailing slashes. */
static bool path_is(const char *path, const char *dest)
{
	while (*path && *dest) {
		if (*path != *dest)
			return false;
		bool slash = *path == '/';
		path++;
		dest++;
		while (slash && *path == '/')
			path++;
	}
	while (*path == '/')
		path++;
	return *path == '\0' && *dest == '\0';
}

static const char *type_name(enum json_type t)
{
	switch (t) {
	case json_type_boolean:
		return "a boolean";
	case json_type_int:
		return "an integer";
	case json_type_string:
		return "a string";
	case json_type_array:
		return "an array";
	case json_type_object:
		return "an object";
	case json_type_double:
	case json_type_null:
	default:
		return "a value";
	}
}

int oci_bad(struct rc_error *err, const char *field, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return rc_error_set(err, EINVAL, "%s: %s", field, why);
}

/* obj's member key of the given type, or NULL when absent (or null);
 * -EINVAL naming field when of another type or absent and required. */
int oci_member(struct json_object *obj, const char *key, enum json_type type, const char *field,
	       bool required, struct json_object **out, struct rc_error *err)
{
	struct json_object *v = NULL;
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return required ? oci_bad(err, field, "missing") : 0;
	if (!json_object_is_type(v, type))
		return oci_bad(err, field, "expected %s", type_name(type));
	*out = v;
	return 0;
}

/* An absolute path without "." or ".." components. */
static bool clean_absolute(const char *p)
{
	if (p[0] != '/' || strlen(p) >= PATH_MAX)
		return false;
	for (const char *c = p; *c;) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
	}
	return true;
}

/* An array of strings as a NULL-terminated vector (the strings stay in the
 * document). Elements must be non-empty when nonempty_items. */
static int string_array(struct json_object *arr, const char *field, bool nonempty_items,
			char ***out, struct rc_error *err)
{
	size_t n = json_object_array_length(arr);
	char **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char name[128];
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		if (!json_object_is_type(e, json_type_string)) {
			free(v);
			return oci_bad(err, name, "expected a string");
		}
		v[i] = (char *)json_object_get_string(e);
		if (nonempty_items && v[i][0] == 0) {
			free(v);
			return oci_bad(err, name, "must not be empty");
		}
	}
	*out = v;
	return 0;
}

char *oci_bundle_path(const struct oci_config *c, const char *p)
{
	char *out;
	if (p[0] == '/')
		return xstrdup(p);
	xasprintf(&out, "%s/%s", c->bundle, p);
	return out;
}

static int parse_root(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *root, *path, *ro;
	int r = oci_member(doc, "root", json_type_object, "root", true, &root, err);
	if (r == 0)
		r = oci_member(root, "path", json_type_string, "root.path", true, &path, err);
	if (r == 0)
		r = oci_member(root, "readonly", json_type_boolean, "root.readonly", false, &ro,
			       err);
	if (r < 0)
		return r;
	const char *p = json_object_get_string(path);
	if (p[0] == 0)
		return oci_bad(err, "root.path", "must not be empty");
	_cleanup_free_ char *full = oci_bundle_path(c, p);
	struct stat st;
	if (stat(full, &st) < 0)
		return oci_bad(err, "root.path", "'%s': %s", p, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return oci_bad(err, "root.path", "'%s': not a directory", p);
	c->rootfs = realpath(full, NULL);
	if (!c->rootfs)
		return oci_bad(err, "root.path", "'%s': %s", p, strerror(errno));
	c->root_readonly = ro && json_object_get_boolean(ro);
	return 0;
}

/* The name of field key of a process object in errors: prefix + key. */
static const char *pfield(char *buf, size_t size, const char *prefix, const char *key)
{
	snprintf(buf, size, "%s%s", prefix, key);
	return buf;
}

static int parse_env(struct oci_process *p, struct json_object *env, const char *prefix,
		     struct rc_error *err)
{
	char name[96];
	if (!env) {
		p->envp = xcalloc(1, sizeof(*p->envp));
		return 0;
	}
	int r = string_array(env, pfield(name, sizeof(name), prefix, "env"), false, &p->envp, err);
	for (size_t i = 0; r == 0 && p->envp[i]; i++) {
		const char *eq = strchr(p->envp[i], '=');
		if (!eq || eq == p->envp[i]) {
			snprintf(name, sizeof(name), "%senv[%zu]", prefix, i);
			r = oci_bad(err, name, "'%s': expected NAME=VALUE", p->envp[i]);
		}
	}
	return r;
}

/* An id of process.user: an integer the guest's id map holds. */
static int id_value(struct json_object *v, const char *field, unsigned int *out,
		    struct rc_error *err)
{
	if (!json_object_is_type(v, json_type_int))
		return oci_bad(err, field, "expected an integer");
	int64_t id = json_object_get_int64(v);
	if (id < 0 || id > GUEST_ID_MAX)
		return oci_bad(err, field, "%lld: must be in 0..%u", (long long)id, GUEST_ID_MAX);
	*out = (unsigned int)id;
	return 0;
}

/* process.user.uid or gid. */
static int parse_id(struct json_object *user, const char *key, const char *field, unsigned int *out,
		    struct rc_error *err)
{
	struct json_object *v;
	int r = oci_member(user, key, json_type_int, field, false, &v, err);
	if (r < 0 || !v)
		return r;
	return id_value(v, field, out, err);
}

/* process.user.additionalGids: at most OCI_GROUPS_MAX ids. */
static int parse_groups(struct oci_process *p, struct json_object *user, const char *prefix,
			struct rc_error *err)
{
	char field[96];
	struct json_object *arr;
	pfield(field, sizeof(field), prefix, "user.additionalGids");
	int r = oci_member(user, "additionalGids", json_type_array, field, false, &arr, err);
	if (r < 0 || !arr)
		return r;
	size_t n = json_object_array_length(arr);
	if (n > OCI_GROUPS_MAX)
		return oci_bad(err, field, "more than %d groups", OCI_GROUPS_MAX);
	p->groups = xcalloc(n + 1, sizeof(*p->groups));
	for (size_t i = 0; i < n; i++) {
		char name[128];
		unsigned int gid;
		snprintf(name, sizeof(name), "%s[%zu]", field, i);
		r = id_value(json_object_array_get_idx(arr, i), name, &gid, err);
		if (r < 0)
			return r;
		p->groups[p->ngroups++] = gid;
	}
	return 0;
}

static int parse_user(struct oci_process *p, struct json_object *proc, const char *prefix,
		      struct rc_error *err)
{
	char f1[96], f2[96];
	struct json_object *user;
	unsigned int uid = 0, gid = 0;
	int r = oci_member(proc, "user", json_type_object, pfield(f1, sizeof(f1), prefix, "user"),
			   false, &user, err);
	if (r == 0 && user)
		r = parse_id(user, "uid", pfield(f1, sizeof(f1), prefix, "user.uid"), &uid, err);
	if (r == 0 && user)
		r = parse_id(user, "gid", pfield(f2, sizeof(f2), prefix, "user.gid"), &gid, err);
	if (r == 0 && user)
		r = parse_groups(p, user, prefix, err);
	if (r < 0)
		return r;
	p->user_set = true;
	p->uid = uid;
	p->gid = gid;
	return 0;
}

/* process.consoleSize {height, width}: the terminal's size at start. */
static int parse_console_size(struct oci_process *p, struct json_object *proc, const char *prefix,
			      struct rc_error *err)
{
	char f1[96], f2[96];
	struct json_object *size, *h = NULL, *w = NULL;
	unsigned int rows = 0, cols = 0;
	int r = oci_member(proc, "consoleSize", json_type_object,
			   pfield(f1, sizeof(f1), prefix, "consoleSize"), false, &size, err);
	if (r == 0 && size)
		r = oci_member(size, "height", json_type_int,
			       pfield(f1, sizeof(f1), prefix, "consoleSize.height"), true, &h, err);
	if (r == 0 && size)
		r = oci_member(size, "width", json_type_int,
			       pfield(f2, sizeof(f2), prefix, "consoleSize.width"), true, &w, err);
	if (r == 0 && h)
		r = id_value(h, f1, &rows, err);
	if (r == 0 && w)
		r = id_value(w, f2, &cols, err);
	p->console_rows = (unsigned short)rows;
	p->console_cols = (unsigned short)cols;
	return r;
}

int oci_process_parse(struct json_object *proc, const char *prefix, struct oci_process *p,
		      struct rc_error *err)
{
	char f[96];
	struct json_object *args, *env, *cwd, *term;
	memset(p, 0, sizeof(*p));
	int r = oci_member(proc, "args", json_type_array, pfield(f, sizeof(f), prefix, "args"),
			   true, &args, err);
	if (r == 0 && json_object_array_length(args) == 0)
		r = oci_bad(err, f, "must not be empty");
	if (r == 0)
		r = string_array(args, f, false, &p->argv, err);
	if (r == 0 && p->argv[0][0] == 0)
		r = oci_bad(err, pfield(f, sizeof(f), prefix, "args[0]"), "must not be empty");
	if (r == 0)
		r = oci_member(proc, "env", json_type_array, pfield(f, sizeof(f), prefix, "env"),
			       false, &env, err);
	if (r == 0)
		r = parse_env(p, env, prefix, err);
	if (r == 0)
		r = oci_member(proc, "cwd", json_type_string, pfield(f, sizeof(f), prefix, "cwd"),
			       true, &cwd, err);
	if (r == 0 && !clean_absolute(json_object_get_string(cwd)))
		r = oci_bad(err, f, "'%s': must be an absolute path without . or ..",
			    json_object_get_string(cwd));
	if (r == 0)
		r = oci_member(proc, "terminal", json_type_boolean,
			       pfield(f, sizeof(f), prefix, "terminal"), false, &term, err);
	if (r == 0)
		r = parse_user(p, proc, prefix, err);
	if (r == 0)
		r = parse_console_size(p, proc, prefix, err);
	if (r == 0)
		r = oci_process_attrs_parse(proc, prefix, &p->attrs, err);
	if (r < 0) {
		oci_process_free(p);
		return r;
	}
	p->cwd = json_object_get_string(cwd);
	p->terminal = term && json_object_get_boolean(term);
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	free(p->argv);
	free(p->envp);
	free(p->groups);
	memset(p, 0, sizeof(*p));
}

static int parse_process(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *proc;
	int r = oci_member(doc, "process", json_type_object, "process", true, &proc, err);
	return r < 0 ? r : oci_process_parse(proc, "process.", &c->process, err);
}

static bool has_option(char **opts, const char *name)
{
	for (size_t i = 0; opts && opts[i]; i++)
		if (strcmp(opts[i], name) == 0)
			return true;
	return false;
}

/* A bind mount's read-only flag: the last of "ro" and "rw" wins. */
static bool bind_ro(char **opts)
{
	bool ro = false;
	for (size_t i = 0; opts && opts[i]; i++) {
		if (strcmp(opts[i], "ro") == 0)
			ro = true;
		else if (strcmp(opts[i], "rw") == 0)
			ro = false;
	}
	return ro;
}

static int parse_bind(struct oci_config *c, struct json_object *m, const char *field,
		      const char *dest, char **opts, struct rc_error *err)
{
	struct json_object *src;
	char name[64];
	snprintf(name, sizeof(name), "%s.source", field);
	int r = oci_member(m, "source", json_type_string, name, true, &src, err);
	if (r < 0)
		return r;
	const char *s = json_object_get_string(src);
	if (s[0] == 0)
		return oci_bad(err, name, "must not be empty");
	if (strcmp(dest, "/") == 0) {
		snprintf(name, sizeof(name), "%s.destination", field);
		return oci_bad(err, name, "a bind mount over / is not supported (use root.path)");
	}
	_cleanup_free_ char *full = oci_bundle_path(c, s);
	char *real = realpath(full, NULL);
	if (!real)
		return oci_bad(err, name, "'%s': %s", s, strerror(errno));
	struct gofer_volume *v = &c->volumes[c->nvolumes++];
	v->host = real;
	v->guest = dest;
	v->ro = bind_ro(opts);
	return 0;
}

static int parse_mount(struct oci_config *c, struct json_object *m, size_t i, struct rc_error *err)
{
	char field[32], name[64];
	snprintf(field, sizeof(field), "mounts[%zu]", i);
	if (!json_object_is_type(m, json_type_object))
		return oci_bad(err, field, "expected an object");
	struct json_object *dest, *type, *options;
	_cleanup_free_ char **opts = NULL;
	snprintf(name, sizeof(name), "%s.destination", field);
	int r = oci_member(m, "destination", json_type_string, name, true, &dest, err);
	if (r == 0 && !clean_absolute(json_object_get_string(dest)))
		r = oci_bad(err, name, "'%s': must be an absolute path without . or ..",
			    json_object_get_string(dest));
	snprintf(name, sizeof(name), "%s.type", field);
	if (r == 0)
		r = oci_member(m, "type", json_type_string, name, false, &type, err);
	snprintf(name, sizeof(name), "%s.options", field);
	if (r == 0)
		r = oci_member(m, "options", json_type_array, name, false, &options, err);
	if (r == 0 && options)
		r = string_array(options, name, false, &opts, err);
	if (r < 0)
		return r;
	const char *t = type ? json_object_get_string(type) : "";
	const char *d = json_object_get_string(dest);
	if (strcmp(t, "bind") == 0 || has_option(opts, "bind") || has_option(opts, "rbind"))
		return parse_bind(c, m, field, d, opts, err);
	if (strcmp(t, "tmpfs") == 0)
		return oci_parse_tmpfs(c, m, field, d, opts, err);
	/* The sandbox's /sys and /dev/mqueue are its own, there alone. */
	static const struct {
		const char *type, *dest;
	} fixed[] = {{"sysfs", "/sys"}, {"mqueue", "/dev/mqueue"}};
	for (size_t k = 0; k < ARRAY_SIZE(fixed); k++) {
		if (strcmp(t, fixed[k].type) != 0)
			continue;
		snprintf(name, sizeof(name), "%s.destination", field);
		if (!path_is(d, fixed[k].dest))
			return oci_bad(err, name,
				       "'%s': the sandbox has its %s at %s only, not elsewhere", d,
				       fixed[k].type, fixed[k].dest);
		if (strcmp(t, "mqueue") == 0)
			c->mqueue = true;
	}
	for (size_t k = 0; k < ARRAY_SIZE(kernel_fs); k++) {
		if (strcmp(t, kernel_fs[k]) == 0) {
			oci_debug("%s: %s at %s: provided by the sandbox itself", field, t, d);
			return 0;
		}
	}
	snprintf(name, sizeof(name), "%s.type", field);
	if (!type)
		return oci_bad(err, name, "missing (and no bind option)");
	return oci_bad(err, name,
		       "'%s' is not supported (bind, proc, sysfs, devpts, mqueue, "
		       "cgroup, tmpfs are)",
		       t);
}

static int parse_mounts(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *mounts;
	int r = oci_member(doc, "mounts", json_type_array, "mounts", false, &mounts, err);
	if (r < 0 || !mounts)
		return r;
	size_t n = json_object_array_length(mounts);
	c->volumes = xcalloc(n + 1, sizeof(*c->volumes));
	for (size_t i = 0; r == 0 && i < n; i++)
		r = parse_mount(c, json_object_array_get_idx(mounts, i), i, err);
	return r;
}

static int parse_misc(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *version, *host, *ann;
	int r = oci_member(doc, "ociVersion", json_type_string, "ociVersion", true, &version, err);
	if (r == 0)
		r = oci_member(doc, "hostname", json_type_string, "hostname", false, &host, err);
	if (r == 0)
		r = oci_member(doc, "annotations", json_type_object, "annotations", false, &ann,
			       err);
	if (r < 0)
		return r;
	c->hostname = host ? json_object_get_string(host) : "";
	if (strlen(c->hostname) > HOSTNAME_MAX)
		return oci_bad(err, "hostname", "longer than %d characters", HOSTNAME_MAX);
	if (c->hostname[0] == 0)
		c->hostname = "runsc-c";
	c->annotations = ann;
	if (!ann)
		return 0;
	json_object_object_foreach(ann, key, val)
	{
		if (!json_object_is_type(val, json_type_string))
			return oci_bad(err, "annotations", "'%s': expected a string value", key);
	}
	return 0;
}

/* A path of linux.maskedPaths or readonlyPaths made normal, as runc and
 * crun resolve it in the container's root: relative to "/", "." dropped,
 * ".." never above "/", slashes made single. NULL for "/" itself (and for
 * a path too long). */
static char *normal_path(const char *p)
{
	size_t len = strlen(p);
	if (len >= PATH_MAX)
		return NULL;
	char *out = xmalloc(len + 2);
	size_t n = 0;
	for (const char *c = p; *c;) {
		while (*c == '/')
			c++;
		size_t k = strcspn(c, "/");
		if (k == 0 || (k == 1 && c[0] == '.')) {
			c += k;
			continue;
		}
		if (k == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the slash before the dropped component */
			c += k;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, c, k);
		n += k;
		c += k;
	}
	out[n] = 0;
	if (n == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Where path (normal) leads in the rootfs when one of its symlinks points
 * into /proc (/link -> /proc/keys): the normal path below /proc it names
 * there, which the sentry's /proc then covers, as runc resolves the path
 * in the container's root and reaches its procfs. NULL when the walk stays
 * out of /proc (the gofer resolves those in the view) or ends at a name
 * the rootfs does not have. Each symlink is read inside the rootfs: an
 * absolute target starts again at its root, ".." never climbs above it. */
static char *proc_target(int root_fd, const char *path)
{
	char cur[PATH_MAX] = "", rest[PATH_MAX], target[PATH_MAX], joined[2 * PATH_MAX + 2];
	snprintf(rest, sizeof(rest), "%s", path);
	for (int links = 0;;) {
		const char *r = rest + strspn(rest, "/");
		if (!*r)
			return NULL;
		size_t k = strcspn(r, "/");
		const char *after = r + k;
		char cand[PATH_MAX + NAME_MAX + 2];
		if (k == 2 && r[0] == '.' && r[1] == '.') {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = 0;
			memmove(rest, after, strlen(after) + 1);
			continue;
		}
		if (k > NAME_MAX ||
		    snprintf(cand, sizeof(cand), "%s/%.*s", cur, (int)k, r) >= PATH_MAX)
			return NULL;
		const char *rel;
		if (path_masks_in_proc(cand, &rel)) {
			snprintf(joined, sizeof(joined), "%s%s", cand, after);
			return normal_path(joined);
		}
		ssize_t n = readlinkat(root_fd, cand + 1, target, sizeof(target) - 1);
		if (n < 0 && errno == EINVAL) {		     /* not a symlink: go on below it */
			memcpy(cur, cand, strlen(cand) + 1); /* cand is below PATH_MAX */
			memmove(rest, after, strlen(after) + 1);
			continue;
		}
		if (n < 0 || ++links > 40)
			return NULL;
		target[n] = 0;
		if (target[0] == '/')
			cur[0] = 0;
		int len = snprintf(joined, sizeof(joined), "%s%s%s", target, *after ? "/" : "",
				   after);
		if (len < 0 || len >= (int)sizeof(rest))
			return NULL;
		memcpy(rest, joined, (size_t)len + 1);
	}
}

/* Rewrites the entries of list whose rootfs symlinks lead into /proc to
 * the /proc path they reach (proc_target). */
static void resolve_proc_links(const char *rootfs, char **list, size_t n)
{
	_cleanup_close_ int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *rel;
		if (path_masks_in_proc(list[i], &rel))
			continue;
		char *proc = proc_target(root_fd, list[i]);
		if (proc) {
			free(list[i]);
			list[i] = proc;
		}
	}
}

/* linux.maskedPaths or linux.readonlyPaths: strings, each made normal
 * into *out (owned, NULL-terminated). */
static int parse_path_list(struct json_object *linux_, const char *key, char ***out, size_t *count,
			   struct rc_error *err)
{
	char field[64];
	struct json_object *arr;
	snprintf(field, sizeof(field), "linux.%s", key);
	int r = oci_member(linux_, key, json_type_array, field, false, &arr, err);
	if (r < 0 || !arr)
		return r;
	size_t n = json_object_array_length(arr);
	*out = xcalloc(n + 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		snprintf(field, sizeof(field), "linux.%s[%zu]", key, i);
		if (!json_object_is_type(e, json_type_string))
			return oci_bad(err, field, "expected a string");
		const char *p = json_object_get_string(e);
		if (p[0] == 0)
			return oci_bad(err, field, "must not be empty");
		if (strlen(p) >= PATH_MAX)
			return oci_bad(err, field, "longer than %d bytes", PATH_MAX - 1);
		char *norm = normal_path(p);
		if (!norm)
			return oci_bad(err, field,
				       "'%s' names the root itself (root.readonly makes it "
				       "read-only)",
				       p);
		(*out)[(*count)++] = norm;
	}
	return 0;
}

/* linux.namespaces: each type at most once, of Linux's; a path only for
 * the network namespace, which the guest joins in place of a new one (how
 * containerd's CNI and podman hand over a container's network). The
 * sandbox makes every other namespace itself, whatever the list says:
 * joining another's would share what the sentry must own (its pid
 * namespace, mounts, user ids), and leaving one out does not put the guest
 * in the host's. */
static int parse_namespaces(struct oci_config *c, struct json_object *linux_, struct rc_error *err)
{
	static const char *const types[] = {"pid", "network", "mount",	"ipc",
					    "uts", "user",    "cgroup", "time"};
	struct json_object *arr;
	int r = oci_member(linux_, "namespaces", json_type_array, "linux.namespaces", false, &arr,
			   err);
	if (r < 0 || !arr)
		return r;
	bool seen[ARRAY_SIZE(types)] = {false};
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *type, *path;
		char field[64];
		snprintf(field, sizeof(field), "linux.namespaces[%zu]", i);
		if (!json_object_is_type(e, json_type_object))
			return oci_bad(err, field, "expected an object");
		snprintf(field, sizeof(field), "linux.namespaces[%zu].type", i);
		r = oci_member(e, "type", json_type_string, field, true, &type, err);
		if (r < 0)
			return r;
		const char *t = json_object_get_string(type);
		size_t k = 0;
		while (k < ARRAY_SIZE(types) && strcmp(types[k], t) != 0)
			k++;
		if (k == ARRAY_SIZE(types))
			return oci_bad(err, field, "unknown namespace type '%s'", t);
		if (seen[k])
			return oci_bad(err, field, "'%s' is named twice", t);
		seen[k] = true;
		snprintf(field, sizeof(field), "linux.namespaces[%zu].path", i);
		r = oci_member(e, "path", json_type_string, field, false, &path, err);
		if (r < 0)
			return r;
		const char *p = path ? json_object_get_string(path) : "";
		if (p[0] == 0)
			continue;
		if (strcmp(t, "network") != 0)
			return oci_bad(err, field,
				       "joining a %s namespace is not supported: the sandbox makes "
				       "its own",
				       t);
		if (p[0] != '/')
			return oci_bad(err, field, "'%s' is not an absolute path", p);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return oci_bad(err, field, "'%s': %s", p, strerror(errno));
		int ns = ioctl(fd, NS_GET_NSTYPE);
		close(fd);
		if (ns != CLONE_NEWNET)
			return oci_bad(err, field, "'%s' is not a network namespace", p);
		c->netns = p;
	}
	return 0;
}

/* linux.namespaces, linux.seccomp, linux.sysctl, linux.maskedPaths and
 * readonlyPaths. */
static int parse_linux_rest(struct oci_config *c, struct json_object *doc, struct rc_error *err)
{
	struct json_object *linux_;
	int r = oci_member(doc, "linux", json_type_object, "linux", false, &linux_, err);
	if (r == 0 && linux_)
		r = parse_namespaces(c, linux_, err);
	if (r == 0 && linux_)
		r = oci_cgroups_path_parse(c, linux_, err);
	if (r == 0)
		r = oci_seccomp_parse(linux_, &c->seccomp, err);
	if (r == 0 && linux_)
		r = oci_sysctl_parse(c, linux_, err);
	if (r == 0 && linux_)
		r = parse_path_list(linux_, "maskedPaths", &c->masked, &c->nmasked, err);
	if (r == 0 && linux_)
		r = parse_path_list(linux_, "readonlyPaths", &c->readonly, &c->nreadonly, err);
	if (r == 0 && c->rootfs) {
		resolve_proc_links(c->rootfs, c->masked, c->nmasked);
		resolve_proc_links(c->rootfs, c->readonly, c->nreadonly);
	}
	return r;
}

int oci_json_parse(const char *path, const char *text, size_t len, struct json_object **out,
		   struct rc_error *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_success && strspn(text + end, " \t\r\n") != len - end) {
		json_object_put(doc);
		doc = NULL;
		jerr = json_tokener_error_parse_unexpected;
	}
	if (!doc || jerr != json_tokener_success) {
		size_t line = 1, col = 1;
		for (size_t i = 0; i < end && i < len; i++, col++) {
			if (text[i] == '\n') {
				line++;
				col = 0;
			}
		}
		const char *why = jerr == json_tokener_continue ? "unexpected end of file"
								: json_tokener_error_desc(jerr);
		return rc_error_set(err, EINVAL, "%s:%zu:%zu: invalid JSON: %s", path, line, col,
				    why);
	}
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return rc_error_set(err, EINVAL, "%s: expected a JSON object", path);
	}
	*out = doc;
	return 0;
}

/* 16 random hex digits; where the kernel gives no random bytes, the pid
 * and the time, which no other live sandbox shares either. */
static void sandbox_id_new(char *buf, size_t size)
{
	uint64_t v;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)getpid() << 40) ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec;
	}
	snprintf(buf, size, "%016llx", (unsigned long long)v);
}

int oci_config_load(const char *bundle, struct oci_config *c, struct rc_error *err)
{
	memset(c, 0, sizeof(*c));
	c->audit_fd = -1;
	sandbox_id_new(c->sandbox_id, sizeof(c->sandbox_id));
	c->bundle = realpath(bundle, NULL);
	if (!c->bundle)
		return rc_error_set_errno(err, errno, "--bundle: '%s'", bundle);
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *text = NULL;
	xasprintf(&path, "%s/config.json", c->bundle);
	ssize_t n = read_file_at(AT_FDCWD, path, &text);
	if (n < 0)
		return rc_error_set_errno(err, (int)-n, "%s", path);
	int r = oci_json_parse(path, text, (size_t)n, &c->doc, err);
	if (r == 0)
		r = parse_misc(c, c->doc, err);
	if (r == 0)
		r = parse_root(c, c->doc, err);
	if (r == 0)
		r = parse_process(c, c->doc, err);
	if (r == 0)
		r = oci_rlimits_reach(&c->process.attrs, "process.", err);
	if (r == 0)
		r = parse_mounts(c, c->doc, err);
	if (r == 0)
		r = oci_policy_annotation(c, err);
	if (r == 0)
		r = oci_config_resources(c, c->doc, err);
	if (r == 0)
		r = parse_linux_rest(c, c->doc, err);
	if (r == 0)
		r = oci_hooks_parse(c->doc, c->hooks, err);
	if (r == 0)
		r = oci_audit_annotation(c, err);
	if (r < 0)
		oci_config_free(c);
	return r;
}

void oci_config_sandbox(const struct oci_config *c, struct sandbox_config *cfg)
{
	*cfg = (struct sandbox_config){
		.argv = c->process.argv,
		.envp = c->process.envp,
		.cwd = c->process.cwd,
		.rootfs = c->rootfs,
		.root_readonly = c->root_readonly,
		.volumes = c->volumes,
		.nvolumes = c->nvolumes,
		.user_set = c->process.user_set,
		.uid = c->process.uid,
		.gid = c->process.gid,
		.groups = c->process.groups,
		.ngroups = c->process.ngroups,
		.attrs = &c->process.attrs,
		.filter = c->seccomp.len ? &c->seccomp : NULL,
		.hostname = c->hostname,
		.sysctls = c->sysctls,
		.nsysctls = c->nsysctls,
		.netns = c->netns,
		.no_mqueue = !c->mqueue,
		.shm = c->shm,
		.dev = c->dev,
		.dev_core = true,
		.preserve_fds = c->preserve_fds,
		.listen_pid = c->listen_pid,
		.policy = c->policy,
		.audit_fd = c->audit_fd,
		.publish = c->publish,
		.npublish = c->npublish,
		.disk_bytes = c->disk_bytes,
		.timeout_s = c->timeout_s,
		.terminal = c->process.terminal &&
			    (c->console_socket || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))),
		.terminal_detached = c->process.terminal && c->console_socket,
		.exec_terminals = true, /* exec --tty */
		.limits = c->limits,
		.limits_required = c->limits_given,
		.masks =
			{
				.masked = (const char *const *)c->masked,
				.nmasked = c->nmasked,
				.readonly = (const char *const *)c->readonly,
				.nreadonly = c->nreadonly,
			},
		.id = c->sandbox_id,
		.cgroup_path = c->cgroup_path[0] ? c->cgroup_path : NULL,
		.cgroups_at_create = true,
	};
}

void oci_config_free(struct oci_config *c)
{
	for (size_t i = 0; i < c->nvolumes; i++) {
		free((char *)c->volumes[i].host);
		oci_tmpfs_free(c->volumes[i].tmpfs);
	}
	for (size_t i = 0; i < c->nmasked; i++)
		free(c->masked[i]);
	free(c->masked);
	for (size_t i = 0; i < c->nreadonly; i++)
		free(c->readonly[i]);
	free(c->readonly);
	oci_sysctl_free(c);
	oci_tmpfs_free(c->shm);
	oci_tmpfs_free(c->dev);
	free(c->volumes);
	oci_process_free(&c->process);
	free(c->seccomp.filter);
	policy_setup_free(c->policy);
	if (c->audit_fd >= 0)
		close(c->audit_fd);
	free(c->rootfs);
	free(c->bundle);
	json_object_put(c->doc);
	memset(c, 0, sizeof(*c));
	c->audit_fd = -1;
}
