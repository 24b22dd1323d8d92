/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c features: what this runtime supports, as runc's JSON says it (the
 * runtime spec's features document), for clients that ask before they
 * build a config. It tells what runsc-c honours today, not what it
 * accepts and ignores: cgroups v1 and v2 through cgroupfs (no systemd
 * unit), mounts only as binds (docs/oci.md). */
#include <json-c/json.h>
#include <stdio.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

static struct json_object *strings(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *enabled(bool on)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	return o;
}

static struct json_object *linux_features(void)
{
	static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network",
						 "pid",	   "user", "uts"};
	struct json_object *cg = json_object_new_object();
	json_object_object_add(cg, "v1", json_object_new_boolean(true));
	json_object_object_add(cg, "v2", json_object_new_boolean(true));
	json_object_object_add(cg, "systemd", json_object_new_boolean(false));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
	struct json_object *l = json_object_new_object();
	json_object_object_add(l, "namespaces", strings(namespaces, ARRAY_SIZE(namespaces)));
	json_object_object_add(l, "capabilities", oci_caps_honoured());
	json_object_object_add(l, "cgroup", cg);
	json_object_object_add(l, "seccomp", oci_seccomp_features());
	json_object_object_add(l, "apparmor", enabled(false));
	json_object_object_add(l, "selinux", enabled(false));
	return l;
}

int oci_cmd_features(int argc, char **argv)
{
	static const char *const mount_options[] = {"bind", "rbind", "ro", "rw"};
	if (argc != 1) {
		oci_error("%s: takes no arguments", argv[0]);
		return OCI_EXIT_ERROR;
	}
	struct json_object *ann = json_object_new_object();
	json_object_object_add(ann, "dev.runsc-c.version", json_object_new_string("0.1.0"));
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string(OCI_VERSION));
	json_object_object_add(o, "hooks", strings(oci_hook_names, OCI_HOOK_KINDS));
	json_object_object_add(o, "mountOptions",
			       strings(mount_options, ARRAY_SIZE(mount_options)));
	json_object_object_add(o, "linux", linux_features());
	json_object_object_add(o, "annotations", ann);
	printf("%s\n",
	       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
