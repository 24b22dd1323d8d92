#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Exec of /proc paths: the exe link and fd/N links reached through ".",
# "..", self and thread-self; /proc's own files and directories, a missing
# fd, a trailing slash. Prints what each exec gave.
import subprocess

PATHS = [
    "/proc/self/exe",
    "/proc/self/./exe",
    "/proc/self/fd/../exe",
    "/proc/thread-self/exe",
    "/proc/self/task/../exe",
    "/proc/self/fd/0",
    "/proc/self/fd/99",
    "/proc/self/status",
    "/proc/self",
    "/proc/self/exe/",
]
for p in PATHS:
    try:
        r = subprocess.run([p, "-c", "print(1)"], capture_output=True, text=True)
        print(p, r.returncode, r.stdout.strip())
    except OSError as e:
        print(p, e.strerror)
