/* SPDX-License-Identifier: Apache-2.0 */
/* A container's state directory, ROOT/ID: its lock and its state file.
 *
 * The lock is a flock on the directory itself, so it needs no file of its
 * own and goes with the directory. A command that waited for the lock
 * checks afterwards that the directory it locked is still the one at
 * ROOT/ID (a delete may have removed it meanwhile); create retries then.
 * state.json is written to a temporary file and renamed over the old one,
 * so a reader sees the old state or the new one, never half of one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/util.h"
#include "runsc-c/oci/oci.h"

#define STATE_TMP "state.json.tmp"

bool oci_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > OCI_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' ||
			  ch == '.';
		if (!ok)
			return false;
	}
	return true;
}

/* mkdir -p of the root, mode 0711 for what it creates. */
static int root_make(struct rc_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", oci_globals.root);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char saved = *p;
		*p = 0;
		if (mkdir(path, 0711) < 0 && errno != EEXIST)
			return rc_error_set_errno(err, errno, "--root: creating %s", path);
		*p = saved;
		if (!saved)
			return 0;
	}
}

static int root_open(struct rc_error *err)
{
	int fd = open(oci_globals.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && err)
		rc_error_set_errno(err, errno, "--root: %s", oci_globals.root);
	return fd < 0 ? -errno : fd;
}

/* Whether fd is still the directory at root/id. */
static bool still_linked(int root_fd, const char *id, int fd)
{
	struct stat a, b;
	return fstatat(root_fd, id, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int lock(int fd, bool exclusive)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int oci_dir_create(const char *id, struct oci_dir *d, struct rc_error *err)
{
	d->fd = -1;
	snprintf(d->id, sizeof(d->id), "%s", id);
	int r = root_make(err);
	if (r < 0)
		return r;
	_cleanup_close_ int root_fd = root_open(err);
	if (root_fd < 0)
		return root_fd;
	for (;;) {
		if (mkdirat(root_fd, id, 0711) < 0) {
			if (errno == EEXIST)
				return rc_error_set(err, EEXIST, "container '%s' already exists",
						    id);
			return rc_error_set_errno(err, errno, "creating %s/%s", oci_globals.root,
						  id);
		}
		int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* removed at once by a delete of a stale directory */
		if ((r = lock(fd, true)) < 0) {
			close(fd);
			return rc_error_set_errno(err, -r, "locking %s/%s", oci_globals.root, id);
		}
		if (still_linked(root_fd, id, fd)) {
			d->fd = fd;
			return 0;
		}
		close(fd);
	}
}

int oci_dir_open(const char *id, bool exclusive, struct oci_dir *d, struct rc_error *err)
{
	d->fd = -1;
	snprintf(d->id, sizeof(d->id), "%s", id);
	if (!oci_id_valid(id))
		return rc_error_set(err, EINVAL, "'%s': invalid container id", id);
	_cleanup_close_ int root_fd = root_open(NULL);
	int fd = root_fd < 0 ? -1
			     : openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rc_error_set(err, ENOENT, "container '%s' does not exist", id);
	int r = lock(fd, exclusive);
	if (r < 0) {
		close(fd);
		return rc_error_set_errno(err, -r, "locking %s/%s", oci_globals.root, id);
	}
	if (!still_linked(root_fd, id, fd)) {
		close(fd);
		return rc_error_set(err, ENOENT, "container '%s' does not exist", id);
	}
	d->fd = fd;
	return 0;
}

void oci_dir_close(struct oci_dir *d)
{
	/* Unlocked explicitly: a sandbox forked while the lock was held
	 * (run's sentry) shares the locked descriptor, and a close alone
	 * would leave the lock with it. */
	if (d->fd >= 0) {
		flock(d->fd, LOCK_UN);
		close(d->fd);
	}
	d->fd = -1;
}

void oci_dir_remove(struct oci_dir *d)
{
	if (d->fd < 0)
		return;
	int dup_fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *e;
	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(d->fd, e->d_name, 0);
	if (dir)
		closedir(dir);
	else if (dup_fd >= 0)
		close(dup_fd);
	int root_fd = root_open(NULL);
	if (root_fd >= 0) {
		if (still_linked(root_fd, d->id, d->fd))
			unlinkat(root_fd, d->id, AT_REMOVEDIR);
		close(root_fd);
	}
	oci_dir_close(d);
}

/* ---- state.json ---- */

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

int oci_state_write(const struct oci_dir *d, const struct oci_state *st, struct rc_error *err)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", jstr(OCI_VERSION));
	json_object_object_add(o, "id", jstr(st->id));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(o, "pidStartTime", json_object_new_uint64(st->pid_start_time));
	json_object_object_add(o, "started", json_object_new_boolean(st->started));
	json_object_object_add(o, "sandboxId", jstr(st->sandbox_id));
	if (st->cgroup_path[0])
		json_object_object_add(o, "cgroupsPath", jstr(st->cgroup_path));
	json_object_object_add(o, "bundle", jstr(st->bundle));
	json_object_object_add(o, "rootfs", jstr(st->rootfs));
	json_object_object_add(o, "created", jstr(st->created));
	if (st->annotations)
		json_object_object_add(o, "annotations", json_object_get(st->annotations));
	if (st->poststop)
		json_object_object_add(o, "poststop", json_object_get(st->poststop));
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int r = 0;
	int fd = openat(d->fd, STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		r = -errno;
	else if ((r = write_all(fd, text, strlen(text))) == 0 && close(fd) < 0)
		r = -errno;
	else if (r < 0)
		close(fd);
	if (r == 0 && renameat(d->fd, STATE_TMP, d->fd, OCI_STATE_FILE) < 0)
		r = -errno;
	json_object_put(o);
	if (r < 0) {
		unlinkat(d->fd, STATE_TMP, 0);
		return rc_error_set_errno(err, -r, "writing %s/%s/%s", oci_globals.root, d->id,
					  OCI_STATE_FILE);
	}
	return 0;
}

static char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

int oci_state_read(const struct oci_dir *d, struct oci_state *st, struct rc_error *err)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", d->id);
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_file_at(d->fd, OCI_STATE_FILE, &text);
	if (n == -ENOENT)
		return rc_error_set(err, ENOENT, "container '%s' does not exist", d->id);
	if (n < 0)
		return rc_error_set_errno(err, (int)-n, "reading the state of '%s'", d->id);
	struct json_object *o = json_tokener_parse(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return rc_error_set(err, EINVAL, "the state of '%s' is corrupt", d->id);
	}
	st->pid = (pid_t)get_int(o, "pid");
	struct json_object *v;
	if (json_object_object_get_ex(o, "pidStartTime", &v))
		st->pid_start_time = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "started", &v))
		st->started = json_object_get_boolean(v);
	_cleanup_free_ char *sid = get_string(o, "sandboxId");
	snprintf(st->sandbox_id, sizeof(st->sandbox_id), "%s", sid ? sid : "");
	/* Checked again: delete kills what is in the cgroup it names. */
	_cleanup_free_ char *cgpath = get_string(o, "cgroupsPath");
	const char *why = NULL;
	if (cgpath && cg_path_normal(cgpath, st->cgroup_path, sizeof(st->cgroup_path), &why) < 0) {
		json_object_put(o);
		return rc_error_set(err, EINVAL, "the state of '%s' is corrupt: cgroupsPath: %s",
				    d->id, why);
	}
	st->bundle = get_string(o, "bundle");
	st->rootfs = get_string(o, "rootfs");
	_cleanup_free_ char *created = get_string(o, "created");
	snprintf(st->created, sizeof(st->created), "%s", created ? created : "");
	if (json_object_object_get_ex(o, "annotations", &v) &&
	    json_object_is_type(v, json_type_object))
		st->annotations = json_object_get(v);
	if (json_object_object_get_ex(o, "poststop", &v) && json_object_is_type(v, json_type_array))
		st->poststop = json_object_get(v);
	json_object_put(o);
	return 0;
}

void oci_state_free(struct oci_state *st)
{
	free(st->bundle);
	free(st->rootfs);
	json_object_put(st->annotations);
	json_object_put(st->poststop);
	st->bundle = st->rootfs = NULL;
	st->annotations = st->poststop = NULL;
}

unsigned long long oci_pid_start_time(pid_t pid)
{
	if (pid <= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, path, &text) < 0)
		return 0;
	/* After the name (which may hold anything): state, then fields 4..22. */
	char *p = strrchr(text, ')');
	char state;
	unsigned long long start = 0;
	if (!p || sscanf(p + 1,
			 " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			 "%*d %*d %llu",
			 &state, &start) != 2)
		return 0;
	return state == 'Z' || state == 'X' ? 0 : start;
}

enum oci_status oci_state_status(const struct oci_state *st)
{
	unsigned long long start = oci_pid_start_time(st->pid);
	if (start == 0 || start != st->pid_start_time)
		return OCI_STOPPED;
	if (!st->started)
		return OCI_CREATED;
	return st->sandbox_id[0] && sandbox_paused(st->sandbox_id, oci_cgroup_path(st)) == 1
		       ? OCI_PAUSED
		       : OCI_RUNNING;
}

/* How long a monitor told to kill its guest may take to end. */
#define MONITOR_END_MS 5000

/* SIGKILL of a started container: its monitor kills the guest while the
 * sentry still answers (SANDBOX_SIGNAL_KILL) and ends once the guest is
 * gone; a monitor not gone after MONITOR_END_MS is killed. A SIGKILL of
 * the monitor alone would close the guest's seccomp listener before the
 * guest dies, and its last calls would get ENOSYS from the kernel. */
static int kill_started(const struct oci_state *st, bool paused)
{
	int pidfd = sys_pidfd_open(st->pid, 0);
	if (pidfd < 0)
		return -errno;
	int r = 0;
	if (sys_pidfd_send_signal(pidfd, SANDBOX_SIGNAL_KILL, NULL, 0) < 0)
		r = -errno;
	struct rc_error err;
	if (paused && sandbox_resume(st->sandbox_id, oci_cgroup_path(st), &err) < 0)
		oci_warn("thawing the killed container: %s", err.msg);
	if (r == 0 && !pidfd_wait_exit(pidfd, MONITOR_END_MS) &&
	    sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		r = -errno;
	close(pidfd);
	return r;
}

int oci_signal(const struct oci_state *st, int sig)
{
	enum oci_status status = oci_state_status(st);
	bool paused = status == OCI_PAUSED;
	if (sig == SIGKILL && (status == OCI_RUNNING || paused))
		return kill_started(st, paused);
	return kill(st->pid, sig) < 0 ? -errno : 0;
}

int oci_state_load(const char *id, bool exclusive, struct oci_dir *d, struct oci_state *st)
{
	struct rc_error err;
	memset(st, 0, sizeof(*st));
	if (oci_dir_open(id, exclusive, d, &err) < 0 || oci_state_read(d, st, &err) < 0) {
		oci_dir_close(d);
		oci_error("%s", err.msg);
		return -1;
	}
	return 0;
}

const char *oci_status_name(enum oci_status s)
{
	switch (s) {
	case OCI_CREATED:
		return "created";
	case OCI_RUNNING:
		return "running";
	case OCI_PAUSED:
		return "paused";
	case OCI_STOPPED:
	default:
		return "stopped";
	}
}

struct json_object *oci_state_json(const struct oci_state *st, const char *owner)
{
	enum oci_status s = oci_state_status(st);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", jstr(OCI_VERSION));
	json_object_object_add(o, "id", jstr(st->id));
	json_object_object_add(o, "pid", json_object_new_int64(s == OCI_STOPPED ? 0 : st->pid));
	json_object_object_add(o, "status", jstr(oci_status_name(s)));
	json_object_object_add(o, "bundle", jstr(st->bundle));
	json_object_object_add(o, "rootfs", jstr(st->rootfs));
	json_object_object_add(o, "created", jstr(st->created));
	json_object_object_add(o, "owner", jstr(owner));
	json_object_object_add(o, "annotations",
			       st->annotations ? json_object_get(st->annotations)
					       : json_object_new_object());
	return o;
}

int oci_pid_file_write(const char *path, pid_t pid, struct rc_error *err)
{
	_cleanup_free_ char *tmp = NULL;
	char text[32];
	snprintf(text, sizeof(text), "%d", (int)pid);
	xasprintf(&tmp, "%s.%d.tmp", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = fd < 0 ? -errno : write_all(fd, text, strlen(text));
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return rc_error_set_errno(err, -r, "--pid-file: %s", path);
	}
	return 0;
}
