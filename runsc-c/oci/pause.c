/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c pause ID and runsc-c resume ID: freeze and thaw a running
 * container's guest through the sandbox library (sandbox_pause,
 * sandbox_resume: the cgroup v1 freezer or cgroup v2's cgroup.freeze).
 * pause returns once every guest process has stopped; state then says
 * "paused". The sentry and the gofer keep running, so a guest process
 * that waited on one of their answers gets it and then stops. As runc:
 * pausing a container that is not running fails with "container not
 * running", resuming one that is not paused with "container not paused",
 * both with status 1. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "runsc-c/oci/oci.h"

static int freeze_cmd(int argc, char **argv, bool pause)
{
	const char *id = oci_only_id_arg(argc, argv);
	struct oci_dir d;
	struct oci_state st;
	struct rc_error err;
	/* Exclusive: a delete waits until the freezer settled. */
	if (!id || oci_state_load(id, true, &d, &st) < 0)
		return OCI_EXIT_ERROR;
	enum oci_status s = oci_state_status(&st);
	int r = 0;
	if (pause && s != OCI_RUNNING)
		r = rc_error_set(&err, EINVAL, "container not running");
	else if (!pause && s != OCI_PAUSED)
		r = rc_error_set(&err, EINVAL, "container not paused");
	else if (pause)
		r = sandbox_pause(st.sandbox_id, oci_cgroup_path(&st), &err);
	else
		r = sandbox_resume(st.sandbox_id, oci_cgroup_path(&st), &err);
	if (r < 0)
		oci_error("%s: %s", argv[0], err.msg);
	oci_state_free(&st);
	oci_dir_close(&d);
	return r < 0 ? OCI_EXIT_ERROR : 0;
}

int oci_cmd_pause(int argc, char **argv)
{
	return freeze_cmd(argc, argv, true);
}

int oci_cmd_resume(int argc, char **argv)
{
	return freeze_cmd(argc, argv, false);
}
