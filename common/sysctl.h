/* SPDX-License-Identifier: Apache-2.0 */
/* Sysctls an OCI config sets (linux.sysctl), each in one of the guest's
 * own namespaces, as runc applies them: the CLI checks them
 * (runsc-c/oci/sysctl.c), the sentry writes them in the guest's namespace
 * before its command runs and shows the values in its /proc/sys
 * (sentry/sysctl.c). A host-global sysctl is never among them. */
#ifndef RUNSC_COMMON_SYSCTL_H
#define RUNSC_COMMON_SYSCTL_H

#include <stddef.h>

enum sysctl_ns {
	SYSCTL_NET,	   /* net.*: the guest's network namespace */
	SYSCTL_IPC,	   /* kernel.msg*, sem, shm*, fs.mqueue.*: its IPC namespace */
	SYSCTL_DOMAINNAME, /* kernel.domainname: the sentry's UTS names */
};

struct sysctl_set {
	const char *key; /* as the config names it, for messages */
	/* Below /proc/sys ("net/ipv4/ping_group_range"): components neither
	 * empty nor "." or "..". */
	const char *path;
	const char *value;
	enum sysctl_ns ns;
};

#endif
