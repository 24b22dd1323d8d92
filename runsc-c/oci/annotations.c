/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c's own annotations of config.json (docs/oci.md):
 *
 *	dev.runsc-c.policy   a policy the sandbox enforces, a shipped
 *	                     profile's name or a file relative to the bundle
 *	dev.runsc-c.audit    the file the policy's decisions go to
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/policy.h"
#include "runsc-c/oci/oci.h"
#include "runsc-c/policy_setup.h"

/* An annotation's value, or NULL when it is not there. */
static const char *annotation(const struct oci_config *c, const char *key)
{
	struct json_object *v;
	if (!c->annotations || !json_object_object_get_ex(c->annotations, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* dev.runsc-c.policy: a shipped profile's name or a policy file, compiled
 * for the container's view (rootfs and mounts), as `runsc-c do --policy`
 * compiles it; its problems are the error. The policy's env section does
 * not apply: process.env is the program's whole environment. */
int oci_policy_annotation(struct oci_config *c, struct rc_error *err)
{
	static const char field[] = "annotations: dev.runsc-c.policy";
	const char *ref = annotation(c, "dev.runsc-c.policy");
	if (!ref)
		return 0;
	if (!*ref)
		return oci_bad(err, field, "expected a policy name or file");
	_cleanup_free_ char *path =
		policy_ref_is_name(ref) ? xstrdup(ref) : oci_bundle_path(c, ref);
	struct policy_problems pr = {0};
	if (policy_setup_view(path, c->rootfs, c->volumes, c->nvolumes, false, &c->policy, &pr) <
	    0) {
		char why[1024] = "";
		size_t n = 0;
		for (size_t i = 0; i < pr.n && n + 3 < sizeof(why); i++)
			n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s", i ? "; " : "",
					      pr.lines[i]);
		policy_problems_free(&pr);
		return rc_error_set(err, EINVAL, "%s: %s", field, why);
	}
	policy_problems_free(&pr);
	uint32_t n = policy_publish_count(c->policy);
	for (uint32_t i = 0; i < n && c->npublish < PUBLISH_MAX; i++)
		policy_publish(c->policy, i, &c->publish[c->npublish++]);
	return 0;
}

/* The policy's resources for the limits linux.resources leaves (given),
 * as `runsc-c do`'s flags override a policy's. */
void oci_policy_resources(struct oci_config *c, struct cg_limits *given)
{
	const struct policy_resources *res = c->policy ? policy_resources(c->policy) : NULL;
	if (!res)
		return;
	if ((res->set & POLICY_RES_MEMORY) && !given->memory_bytes)
		given->memory_bytes = res->memory_bytes;
	if ((res->set & POLICY_RES_PIDS) && !given->pids)
		given->pids = res->pids;
	if ((res->set & POLICY_RES_CPU) && !given->cpu_quota_us) {
		given->cpu_period_us = SANDBOX_CPU_PERIOD_US;
		given->cpu_quota_us = res->cpu_millicores * SANDBOX_CPU_PERIOD_US / 1000;
	}
	if (res->set & POLICY_RES_DISK)
		c->disk_bytes = res->disk_bytes;
	if (res->set & POLICY_RES_TIMEOUT)
		c->timeout_s = (double)res->timeout_ms / 1000.0;
}

/* dev.runsc-c.audit: the file the policy's decisions are appended to (JSON
 * lines), opened with the runtime's rights once the config is valid. */
int oci_audit_annotation(struct oci_config *c, struct rc_error *err)
{
	static const char field[] = "annotations: dev.runsc-c.audit";
	const char *file = annotation(c, "dev.runsc-c.audit");
	if (!file)
		return 0;
	if (!*file)
		return oci_bad(err, field, "expected a file name");
	if (!c->policy)
		return oci_bad(
			err, field,
			"needs a policy (dev.runsc-c.policy): without one nothing is decided");
	_cleanup_free_ char *path = oci_bundle_path(c, file);
	/* A regular file, not followed through a last symlink: the
	 * runtime's rights must not append records to a device, a FIFO or
	 * a file a link points at. */
	c->audit_fd =
		open(path,
		     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK,
		     0600);
	if (c->audit_fd < 0)
		return rc_error_set_errno(err, errno, "%s: '%s'", field, path);
	struct stat st;
	if (fstat(c->audit_fd, &st) < 0 || !S_ISREG(st.st_mode))
		return rc_error_set(err, EINVAL, "%s: '%s': not a regular file", field, path);
	return 0;
}
