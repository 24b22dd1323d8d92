/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's hooks, run on the host as runc runs them: each its path
 * (absolute) with its args (or just the path) and exactly its env, the
 * container's state as JSON on stdin ({ociVersion, id, status, pid,
 * bundle, annotations}), its stdout and stderr kept for the error, killed
 * after its timeout (seconds) when it has one.
 *
 *	prestart, createRuntime,   create, once the sandbox exists, before
 *	createContainer            create returns (status "creating"): a
 *	                           failure fails create, nothing left
 *	startContainer             start, before the program (status
 *	                           "created"): a failure fails start
 *	poststart                  start, once the program runs (status
 *	                           "running"): a failure is a warning
 *	poststop                   delete (or run's end), status "stopped":
 *	                           a failure is a warning
 *
 * The pid in the state is the container's process (the monitor). */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

#define HOOK_OUTPUT_MAX 400 /* bytes of a failed hook's output in its error */

const char *const oci_hook_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

/* An array of strings (each non-empty unless empty_ok): checked only. */
static int strings_check(struct json_object *arr, const char *field, bool env, struct rc_error *err)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char f[160];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!json_object_is_type(e, json_type_string))
			return oci_bad(err, f, "expected a string");
		const char *s = json_object_get_string(e);
		if (env && (!strchr(s, '=') || s[0] == '='))
			return oci_bad(err, f, "'%s': expected NAME=VALUE", s);
	}
	return 0;
}

static int hook_check(struct json_object *h, const char *field, struct rc_error *err)
{
	char f[160];
	struct json_object *path, *args, *env, *timeout;
	if (!json_object_is_type(h, json_type_object))
		return oci_bad(err, field, "expected an object");
	snprintf(f, sizeof(f), "%s.path", field);
	int r = oci_member(h, "path", json_type_string, f, true, &path, err);
	if (r == 0 && json_object_get_string(path)[0] != '/')
		r = oci_bad(err, f, "'%s': must be an absolute path", json_object_get_string(path));
	snprintf(f, sizeof(f), "%s.args", field);
	if (r == 0)
		r = oci_member(h, "args", json_type_array, f, false, &args, err);
	if (r == 0 && args)
		r = strings_check(args, f, false, err);
	snprintf(f, sizeof(f), "%s.env", field);
	if (r == 0)
		r = oci_member(h, "env", json_type_array, f, false, &env, err);
	if (r == 0 && env)
		r = strings_check(env, f, true, err);
	snprintf(f, sizeof(f), "%s.timeout", field);
	if (r == 0)
		r = oci_member(h, "timeout", json_type_int, f, false, &timeout, err);
	if (r == 0 && timeout &&
	    (json_object_get_int64(timeout) <= 0 || json_object_get_int64(timeout) > 86400))
		r = oci_bad(err, f, "expected 1 to 86400 (seconds)");
	return r;
}

int oci_hooks_parse(struct json_object *doc, struct json_object **hooks, struct rc_error *err)
{
	struct json_object *obj;
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		hooks[k] = NULL;
	int r = oci_member(doc, "hooks", json_type_object, "hooks", false, &obj, err);
	for (int k = 0; r == 0 && obj && k < OCI_HOOK_KINDS; k++) {
		char f[64];
		snprintf(f, sizeof(f), "hooks.%s", oci_hook_names[k]);
		r = oci_member(obj, oci_hook_names[k], json_type_array, f, false, &hooks[k], err);
		for (size_t i = 0; r == 0 && hooks[k] && i < json_object_array_length(hooks[k]);
		     i++) {
			char hf[96];
			snprintf(hf, sizeof(hf), "%s[%zu]", f, i);
			r = hook_check(json_object_array_get_idx(hooks[k], i), hf, err);
		}
	}
	return r;
}

/* A NULL-terminated vector of the strings of arr (or of first alone). */
static char **vector(struct json_object *arr, const char *first)
{
	size_t n = arr ? json_object_array_length(arr) : 0;
	char **v = xcalloc(n + 2, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (char *)json_object_get_string(json_object_array_get_idx(arr, i));
	if (n == 0 && first)
		v[0] = (char *)first;
	return v;
}

_Noreturn static void hook_child(const char *path, char **args, char **env, int in_fd, int out_fd)
{
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, ~0U, 0);
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, args, env);
	fprintf(stderr, "%s: %s", path, strerror(errno));
	_exit(127);
}

/* Waits for pid, at most timeout_s (0: no limit): its wait status, or -1
 * when it was killed for its timeout. */
static int hook_wait(pid_t pid, int timeout_s)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int timed_out = 0;
	if (pidfd >= 0) {
		if (!pidfd_wait_exit(pidfd, timeout_s > 0 ? timeout_s * 1000 : -1)) {
			kill(pid, SIGKILL);
			timed_out = 1;
		}
		close(pidfd);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return timed_out ? -1 : status;
}

/* The first bytes of what the hook wrote, on one line. */
static void output_of(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	size_t len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = 0;
}

static int hook_run(struct json_object *h, const char *field, const char *state,
		    struct rc_error *err)
{
	struct json_object *path, *args, *env, *timeout;
	json_object_object_get_ex(h, "path", &path);
	args = json_object_object_get_ex(h, "args", &args) ? args : NULL;
	env = json_object_object_get_ex(h, "env", &env) ? env : NULL;
	timeout = json_object_object_get_ex(h, "timeout", &timeout) ? timeout : NULL;
	const char *p = json_object_get_string(path);
	int timeout_s = timeout ? (int)json_object_get_int64(timeout) : 0;
	int in_fd = memfd_create("runsc-c-hook-state", MFD_CLOEXEC);
	int out_fd = memfd_create("runsc-c-hook-output", MFD_CLOEXEC);
	if (in_fd < 0 || out_fd < 0 || write_all(in_fd, state, strlen(state)) < 0 ||
	    lseek(in_fd, 0, SEEK_SET) < 0) {
		int e = errno;
		if (in_fd >= 0)
			close(in_fd);
		if (out_fd >= 0)
			close(out_fd);
		return rc_error_set_errno(err, e, "%s: its stdin", field);
	}
	_cleanup_free_ char **argv = vector(args, p);
	_cleanup_free_ char **envp = vector(env, NULL);
	pid_t pid = fork_single_threaded();
	if (pid == 0)
		hook_child(p, argv, envp, in_fd, out_fd);
	int e = errno;
	close(in_fd);
	if (pid < 0) {
		close(out_fd);
		return rc_error_set_errno(err, e, "%s: fork", field);
	}
	int status = hook_wait(pid, timeout_s);
	char out[HOOK_OUTPUT_MAX];
	output_of(out_fd, out, sizeof(out));
	close(out_fd);
	if (status < 0)
		return rc_error_set(err, ETIMEDOUT, "%s: '%s' killed after its timeout of %d s",
				    field, p, timeout_s);
	if (WIFSIGNALED(status))
		return rc_error_set(err, EIO, "%s: '%s' died of signal %d%s%s", field, p,
				    WTERMSIG(status), out[0] ? ": " : "", out);
	if (WEXITSTATUS(status) != 0)
		return rc_error_set(err, EIO, "%s: '%s' exited with %d%s%s", field, p,
				    WEXITSTATUS(status), out[0] ? ": " : "", out);
	return 0;
}

static char *state_text(const struct oci_hook_state *hs)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(hs->id));
	json_object_object_add(o, "status", json_object_new_string(hs->status));
	json_object_object_add(o, "pid", json_object_new_int64(hs->pid));
	json_object_object_add(o, "bundle", json_object_new_string(hs->bundle ? hs->bundle : ""));
	json_object_object_add(o, "annotations",
			       hs->annotations ? json_object_get(hs->annotations)
					       : json_object_new_object());
	char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

int oci_hooks_run(struct json_object *const *hooks, enum oci_hook_kind kind,
		  const struct oci_hook_state *hs, struct rc_error *err)
{
	struct json_object *arr = hooks[kind];
	if (!arr || json_object_array_length(arr) == 0)
		return 0;
	_cleanup_free_ char *state = state_text(hs);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		char field[64];
		snprintf(field, sizeof(field), "hooks.%s[%zu]", oci_hook_names[kind], i);
		int r = hook_run(json_object_array_get_idx(arr, i), field, state, err);
		if (r < 0)
			return r;
	}
	return 0;
}

void oci_hooks_warn(struct json_object *const *hooks, enum oci_hook_kind kind,
		    const struct oci_hook_state *hs)
{
	struct json_object *arr = hooks[kind];
	if (!arr || json_object_array_length(arr) == 0)
		return;
	_cleanup_free_ char *state = state_text(hs);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		char field[64];
		struct rc_error err;
		snprintf(field, sizeof(field), "hooks.%s[%zu]", oci_hook_names[kind], i);
		if (hook_run(json_object_array_get_idx(arr, i), field, state, &err) < 0)
			oci_warn("%s", err.msg);
	}
}

struct oci_hook_state oci_hook_state_of(const struct oci_config *c, const char *status, pid_t pid)
{
	return (struct oci_hook_state){
		.id = c->id ? c->id : "",
		.status = status,
		.pid = pid,
		.bundle = c->bundle,
		.annotations = c->annotations,
	};
}

int oci_hooks_create(const struct oci_config *c, struct rc_error *err)
{
	static const enum oci_hook_kind kinds[] = {OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME,
						   OCI_HOOK_CREATE_CONTAINER};
	struct oci_hook_state hs = oci_hook_state_of(c, "creating", getpid());
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		int r = oci_hooks_run(c->hooks, kinds[i], &hs, err);
		if (r < 0)
			return r;
	}
	return 0;
}
