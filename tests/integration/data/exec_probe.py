# SPDX-License-Identifier: Apache-2.0
"""Exec paths and exec errors for the differential test: the errno of each
failed exec, through fork+execve, posix_spawn and subprocess (vfork), a `#!`
script, exec from a non-leader thread, and fexecve of a memfd. Usage:
exec_probe.py SCRATCH_DIR (an empty writable directory)."""
import errno
import os
import subprocess
import sys
import threading

scratch = sys.argv[1]


def path(name):
    return os.path.join(scratch, name)


def write(name, data, mode):
    with open(path(name), "wb") as f:
        f.write(data)
    os.chmod(path(name), mode)


def say(*args):
    print(*args, flush=True)


def fork_exec(argv, env=None):
    """errno name of a failed execve in a forked child, or its exit status."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.execve(argv[0], argv, env if env is not None else os.environ)
        except OSError as e:
            os.write(w, errno.errorcode[e.errno].encode())
        os._exit(127)
    os.close(w)
    err = os.read(r, 100).decode()
    os.close(r)
    _, st = os.waitpid(pid, 0)
    return err or f"status {os.waitstatus_to_exitcode(st)}"


def spawn(argv):
    try:
        pid = os.posix_spawn(argv[0], argv, os.environ)
    except OSError as e:
        return errno.errorcode[e.errno]
    _, st = os.waitpid(pid, 0)
    return f"status {os.waitstatus_to_exitcode(st)}"


def run(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True)
    except OSError as e:
        return errno.errorcode[e.errno]
    return f"status {r.returncode} {r.stdout.strip()!r}"


def main():
    write("noexec", b"#!/bin/sh\necho hi\n", 0o644)
    write("garbage", b"\x01\x02\x03\x04 not a program\n", 0o755)
    write("script", b"#!/bin/sh\necho \"script ${0##*/} ${1##*/}\"\n", 0o755)
    write("script-args", b"#!/usr/bin/env -S sh -e\necho \"env-S $1\"\n", 0o755)
    write("bad-interp", b"#!/nonexistent/interpreter\n", 0o755)
    write("nested", b"#!" + path("script").encode() + b"\n", 0o755)
    os.mkdir(path("dir"))
    os.symlink("loop2", path("loop1"))
    os.symlink("loop1", path("loop2"))
    os.symlink("/bin/true", path("true-link"))
    with open("/bin/true", "rb") as src:
        write("busy", src.read(), 0o755)
    busy_fd = os.open(path("busy"), os.O_WRONLY)

    cases = [
        ("missing", [path("missing")]),
        ("no x bit", [path("noexec")]),
        ("garbage", [path("garbage")]),
        ("directory", [path("dir")]),
        ("symlink loop", [path("loop1")]),
        ("open for writing", [path("busy")]),
        ("bad interpreter", [path("bad-interp")]),
        ("through a symlink", [path("true-link")]),
        ("script", [path("script"), "arg1"]),
        ("nested script", [path("nested"), "arg2"]),
        ("env -S script", [path("script-args"), "arg3"]),
        ("component not a dir", [path("garbage") + "/x"]),
    ]
    for name, argv in cases:
        say(f"{name}: fork+execve {fork_exec(argv)}; posix_spawn {spawn(argv)}; "
            f"subprocess {run(argv)}")
    os.close(busy_fd)
    say("no longer busy:", fork_exec([path("busy")]))
    # One argument over MAX_ARG_STRLEN (32 pages), and 8 MB of arguments in all.
    say("E2BIG:", fork_exec(["/bin/true", "x" * (200 * 1024)]),
        fork_exec(["/bin/true"] + ["y" * 4096] * 2048))
    say("big but fine:", fork_exec(["/bin/true"] + ["z" * 100] * 1000))
    say("env passed:", fork_exec(["/bin/sh", "-c", "test \"$ONLY_HERE\" = yes"],
                                 {"ONLY_HERE": "yes"}))

    # exec from a non-leader thread: the thread becomes the process.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)

        def go():
            os.execv("/bin/echo", ["echo", "exec from a thread"])

        t = threading.Thread(target=go)
        t.start()
        t.join()
        os._exit(99)
    os.close(w)
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    _, st = os.waitpid(pid, 0)
    say("thread exec:", out.decode().strip(), os.waitstatus_to_exitcode(st))

    # fexecve of a memfd holding /bin/echo's bytes.
    mfd = os.memfd_create("prog", 0)
    with open("/bin/echo", "rb") as src:
        os.write(mfd, src.read())
    pid = os.fork()
    if pid == 0:
        os.execve(mfd, ["echo", "from a memfd"], os.environ)
    _, st = os.waitpid(pid, 0)
    say("memfd exec status", os.waitstatus_to_exitcode(st))


main()
