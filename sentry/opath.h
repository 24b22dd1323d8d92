/* SPDX-License-Identifier: Apache-2.0 */
/* O_PATH fds of the guest. SECCOMP_IOCTL_NOTIF_ADDFD cannot install an
 * O_PATH file (the kernel looks the source fd up with fget, which skips
 * them), so the guest gets a placeholder instead: a memfd of the sentry's,
 * opened with access mode 3 (neither read nor write), on which the native
 * read, write and their kin fail with EBADF as on an O_PATH fd. The sentry
 * keeps what each placeholder stands for, the O_PATH fd of the object the
 * gofer opened, and every trapped call that takes a guest fd (fstat through
 * newfstatat and statx, openat relative to it, fchdir, readlinkat, fchmod,
 * /proc/self/fd/N, exec) sees that O_PATH fd in the placeholder's place. */
#ifndef RUNSC_SENTRY_OPATH_H
#define RUNSC_SENTRY_OPATH_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct sentry;

/* Most placeholders the sandbox holds at once (each costs the sentry two
 * fds); more opens fail with ENFILE, as when the system's file table is
 * full. */
#define OPATH_MAX 4096

/* A placeholder for obj (an O_PATH fd, taken) that the guest opened with
 * open_flags: 0 with *placeholder_out the fd to install in the guest, or a
 * negative errno (obj is then closed). */
int opath_placeholder(struct sentry *s, int obj, int open_flags, int *placeholder_out);
/* fd is a guest's fd the sentry fetched (taken). When it is a placeholder,
 * returns a new O_PATH fd of the object it stands for (fd is closed);
 * otherwise fd itself. Negative errno when the sentry's fd table is full. */
int opath_resolve(struct sentry *s, int fd);
/* The O_PATH fd (the table's, not to be closed) of the object the
 * placeholder st describes stands for, or -1 when st is no placeholder. */
int opath_object(struct sentry *s, const struct stat *st);

/* Whether the sandbox holds any placeholder: when it does not, the calls
 * trapped only for placeholders go on natively at once. */
bool opath_any(const struct sentry *s);
/* When guest_fd of task tid is a placeholder, what F_GETFL shows for it
 * (O_PATH and the open's O_DIRECTORY and O_NOFOLLOW, as on Linux); -1 when
 * it is not one (or is closed). Looks at the task's fd through the host's
 * /proc: no fd is fetched. */
int opath_guest_flags(struct sentry *s, pid_t tid, int guest_fd);

#endif
