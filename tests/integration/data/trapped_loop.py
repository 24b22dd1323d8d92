# SPDX-License-Identifier: Apache-2.0
"""Makes calls the sentry answers (stat of /) in a loop, in eight processes,
until killed; writes "ready" once per process, then the errno of any call
that fails. Under runsc-c no such call fails: once the sentry has died the
calls wait until the guest is killed, and the kernel never answers one with
ENOSYS. Usage: python3 -c "$(cat trapped_loop.py)" MARKER (MARKER on the
command line for pgrep). Refuses to run outside a sandbox."""
import ctypes
import errno
import os
import sys

PR_GET_SECCOMP = 21
if ctypes.CDLL(None).prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2:
    sys.exit("trapped_loop: not inside a sandbox (PR_GET_SECCOMP != 2); refusing")

for _ in range(3):
    os.fork()
os.stat("/")
os.write(1, b"ready\n")
while True:
    try:
        os.stat("/")
    except OSError as e:
        os.write(1, ("%s\n" % errno.errorcode.get(e.errno, e.errno)).encode())
