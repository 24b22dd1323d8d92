/* SPDX-License-Identifier: Apache-2.0 */
/* Applying a process's attributes (common/proc_attrs.h) and the
 * container's own seccomp filter in the process the guest's init forked,
 * between its fork and its exec. The order is runc's:
 *
 *	attrs_apply_limits     rlimits and umask
 *	attrs_caps_before_user the bounding set; keep the permitted set
 *	                       across the change of user
 *	(setgroups, setresgid, setresuid)
 *	attrs_caps_after_user  effective, permitted, inheritable, ambient
 *	attrs_filter_install   the container's filter, last: it may deny
 *	                       calls the steps above make
 *
 * Each returns 0 or -1 with errno set. */
#ifndef RUNSC_GUEST_ATTRS_H
#define RUNSC_GUEST_ATTRS_H

#include <linux/filter.h>

#include "common/proc_attrs.h"

int attrs_apply_limits(const struct proc_attrs *a);
int attrs_caps_before_user(const struct proc_attrs *a);
int attrs_caps_after_user(const struct proc_attrs *a);
/* prog may be NULL or empty: no filter. */
int attrs_filter_install(const struct sock_fprog *prog);

#endif
