#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The host kernel features runsc-c cannot work without, probed natively
before the suite runs: on a kernel that lacks one, one message names what is
missing instead of a failure of nearly every test. Exit status 1 if any is."""
import os
import sys

# PIDFD_THREAD is O_EXCL (linux/pidfd.h; Debian 12's headers lack it).
PIDFD_THREAD = os.O_EXCL


def user_notif():
    try:
        with open("/proc/sys/kernel/seccomp/actions_avail") as f:
            return "user_notif" in f.read().split()
    except OSError:
        return False


def pidfd_thread():
    # The sentry names guest threads by pidfds of their own (Linux 6.9).
    try:
        os.close(os.pidfd_open(os.getpid(), PIDFD_THREAD))
        return True
    except OSError:
        return False


def user_namespaces():
    try:
        with open("/proc/sys/user/max_user_namespaces") as f:
            return int(f.read()) > 0
    except (OSError, ValueError):
        return os.path.exists("/proc/self/ns/user")


CHECKS = [
    ("seccomp user notification (Linux 5.0; CONFIG_SECCOMP_FILTER)", user_notif),
    ("pidfd_open with PIDFD_THREAD (Linux 6.9)", pidfd_thread),
    ("user namespaces (CONFIG_USER_NS, user.max_user_namespaces > 0)", user_namespaces),
]


def main():
    missing = [name for name, probe in CHECKS if not probe()]
    if not missing:
        return 0
    release = os.uname().release
    print(f"runsc-c cannot run on this kernel ({release}); it lacks:", file=sys.stderr)
    for name in missing:
        print(f"  - {name}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
