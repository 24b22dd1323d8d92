/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl: what runc applies, checked as runc checks it. A sysctl is
 * set only where it belongs to a namespace of the guest's own: net.* in
 * its network namespace (its own, or a joined one that is not the host's),
 * the IPC ones in its IPC namespace, kernel.domainname in its UTS names.
 * Every other one is host-global and refused with runc's message. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* runc's validSysctlMap: the IPC namespace's, besides fs.mqueue.*. */
static const char *const ipc_sysctls[] = {
	"kernel/msgmax", "kernel/msgmnb", "kernel/msgmni",	    "kernel/sem",
	"kernel/shmall", "kernel/shmmax", "kernel/shm_rmid_forced", "kernel/shmmni",
};

/* key as a path below /proc/sys: with '/' in it the key is one already
 * (dots then belong to names, "net/ipv4/conf/eth0.100/forwarding"), else
 * its dots separate the names, as sysctl(8) reads both. NULL when a name
 * is empty, "." or "..": nothing may lead out of the key's directory. */
static char *key_path(const char *key)
{
	char *p = xstrdup(key);
	if (!strchr(p, '/'))
		for (char *c = p; *c; c++)
			if (*c == '.')
				*c = '/';
	for (const char *c = p;;) {
		size_t k = strcspn(c, "/");
		if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.')) {
			free(p);
			return NULL;
		}
		if (!c[k])
			return p;
		c += k + 1;
	}
}

static bool prefixed(const char *path, const char *dir)
{
	size_t len = strlen(dir);
	return strncmp(path, dir, len) == 0 && path[len] == '/';
}

/* Whether the joined network namespace at path is runsc-c's own (the
 * host's): its sysctls would be the host's. */
static bool host_netns(const char *path)
{
	struct stat a, b;
	return stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The namespace of one sysctl, or an error with runc's message. */
static int classify(const struct oci_config *c, const char *field, const char *key,
		    const char *path, enum sysctl_ns *ns, struct rc_error *err)
{
	for (size_t i = 0; i < sizeof(ipc_sysctls) / sizeof(ipc_sysctls[0]); i++)
		if (strcmp(path, ipc_sysctls[i]) == 0) {
			*ns = SYSCTL_IPC;
			return 0;
		}
	if (prefixed(path, "fs/mqueue")) {
		*ns = SYSCTL_IPC;
		return 0;
	}
	if (prefixed(path, "net")) {
		if (c->netns && host_netns(c->netns))
			return oci_bad(err, field,
				       "sysctl \"%s\" not allowed in host network namespace", key);
		*ns = SYSCTL_NET;
		return 0;
	}
	if (strcmp(path, "kernel/domainname") == 0) {
		*ns = SYSCTL_DOMAINNAME;
		return 0;
	}
	if (strcmp(path, "kernel/hostname") == 0)
		return oci_bad(err, field,
			       "sysctl \"%s\" is not allowed as it conflicts with the OCI "
			       "\"hostname\" field",
			       key);
	return oci_bad(err, field, "sysctl \"%s\" is not in a separate kernel namespace", key);
}

int oci_sysctl_parse(struct oci_config *c, struct json_object *linux_, struct rc_error *err)
{
	struct json_object *sys;
	int r = oci_member(linux_, "sysctl", json_type_object, "linux.sysctl", false, &sys, err);
	if (r < 0 || !sys)
		return r;
	size_t n = (size_t)json_object_object_length(sys);
	c->sysctls = xcalloc(n + 1, sizeof(*c->sysctls));
	json_object_object_foreach(sys, key, val)
	{
		char field[320];
		snprintf(field, sizeof(field), "linux.sysctl.%s", key);
		if (!json_object_is_type(val, json_type_string))
			return oci_bad(err, field, "expected a string");
		char *path = key_path(key);
		if (!path)
			return oci_bad(err, field, "'%s': not a sysctl name", key);
		struct sysctl_set *s = &c->sysctls[c->nsysctls++];
		*s = (struct sysctl_set){
			.key = key, .path = path, .value = json_object_get_string(val)};
		r = classify(c, field, key, path, &s->ns, err);
		if (r < 0)
			return r;
		if (s->ns == SYSCTL_DOMAINNAME && strlen(s->value) > 64)
			return oci_bad(err, field, "longer than 64 characters");
	}
	return 0;
}

void oci_sysctl_free(struct oci_config *c)
{
	for (size_t i = 0; i < c->nsysctls; i++)
		free((char *)c->sysctls[i].path);
	free(c->sysctls);
	c->sysctls = NULL;
	c->nsysctls = 0;
}
