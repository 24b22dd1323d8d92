/* SPDX-License-Identifier: Apache-2.0 */
/* A policy made ready for one sandbox's view: loaded, checked and compiled
 * against the rootfs and volumes it is enforced on, as `runsc-c do
 * --policy` and an OCI container's dev.runsc-c.policy annotation name it. */
#ifndef RUNSC_CLI_POLICY_SETUP_H
#define RUNSC_CLI_POLICY_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "gofer/gofer.h"
#include "policy/compile.h"

struct policy_view;

/* REF is a shipped profile's name or a file. The rule paths are resolved
 * in the view of ROOTFS with VOLUMES mounted on it. learn: every allowed
 * decision is audited too. 0 and *out (policy_setup_free), or -1 with at
 * least one line in pr, each naming the file, line and column where it
 * can. */
int policy_setup_view(const char *ref, const char *rootfs, const struct gofer_volume *volumes,
		      size_t nvolumes, bool learn, struct policy_view **out,
		      struct policy_problems *pr);
void policy_setup_free(struct policy_view *pv);

#endif
