/* SPDX-License-Identifier: Apache-2.0 */
/* The ids the gofer acts with: each request runs with the guest thread's
 * groups, fsuid and fsgid (see gofer.h); a few steps run with the gofer's
 * own ids and switch back. */
#ifndef RUNSC_GOFER_CREDS_H
#define RUNSC_GOFER_CREDS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "gofer/gofer.h"

/* Reads the gofer's own capabilities and ids, once its capabilities are
 * final (before its seccomp filter). Returns 0 or -errno. */
int creds_init(struct gofer_state *st);
/* Takes on the request's groups, fs ids and capabilities over files (and records its uid and gid
 * in st). Returns 0 or -errno. */
int creds_guest(struct gofer_state *st, const struct gofer_req *req);
/* Back to the gofer's own ids and capabilities, for the work it does as
 * itself (dies if it cannot). */
void creds_root(struct gofer_state *st);
/* ... and to the ids and capabilities of the request being served.
 * Returns 0 or -errno. */
int creds_back(struct gofer_state *st);
/* The request runs as the guest's root (fsuid 0) on an inode whose owner
 * or group the guest's user namespace does not map: Linux then grants the
 * root of that namespace no capability over it (capable_wrt_inode_uidgid),
 * while the gofer, root of the host, would have them all. */
bool creds_root_lacks_caps_over(const struct gofer_state *st, const struct stat *inode);
/* When the request runs as the guest's root without capabilities over the
 * inode (creds_root_lacks_caps_over), whether its mode bits grant the
 * access wanted (R_OK, W_OK, X_OK bits), as generic_permission decides
 * for a caller without CAP_DAC_OVERRIDE: 0 or -EACCES. 0 otherwise. */
int creds_root_may(const struct gofer_state *st, const struct stat *inode, int want);
/* connect(2) of sock_fd to sa with the guest's effective uid as well, so
 * that the peer's SO_PEERCRED names the guest, and tag as the effective
 * gid when not 0 (the sentry's key to its record of the connect,
 * syscalls/peercred.c; the fs ids stay the guest's, so the checks the
 * connect makes are the guest's). Returns 0 or -errno. */
int creds_connect_as_guest(struct gofer_state *st, int sock_fd, const struct sockaddr_un *sa,
			   socklen_t len, gid_t tag);

#endif
