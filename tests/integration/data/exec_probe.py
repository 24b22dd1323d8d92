# SPDX-License-Identifier: Apache-2.0
"""Exec paths and exec errors for the differential test: the errno of each
failed exec, through fork+execve, posix_spawn and subprocess (vfork), a `#!`
script, exec from a non-leader thread, and fexecve of a memfd. Usage:
exec_probe.py SCRATCH_DIR (an empty writable directory)."""
import ctypes
import errno
import mmap
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


libc = ctypes.CDLL(None, use_errno=True)
libc.execve.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]


def raw_exec(make_args):
    """Like fork_exec, for argument vectors of raw pointers: make_args() runs
    in the child and returns (argv pointers, envp pointers); None ends a
    vector."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        argv, envp = make_args()
        argv_c = (ctypes.c_void_p * len(argv))(*argv)
        envp_c = (ctypes.c_void_p * len(envp))(*envp)
        libc.execve(b"/bin/true", argv_c, envp_c)
        os.write(w, errno.errorcode[ctypes.get_errno()].encode())
        os._exit(127)
    os.close(w)
    err = os.read(r, 100).decode()
    os.close(r)
    _, st = os.waitpid(pid, 0)
    return err or f"status {os.waitstatus_to_exitcode(st)}"


keep = []


def cstr(data):
    buf = ctypes.create_string_buffer(data)
    keep.append(buf)
    return ctypes.addressof(buf)


def page_end_str(nul):
    """A string that ends at the last byte of a page whose successor is
    unmapped: terminated there when nul, else running off the mapping."""
    m = mmap.mmap(-1, 2 * mmap.PAGESIZE)
    keep.append(m)
    base = ctypes.addressof(ctypes.c_char.from_buffer(m))
    libc.munmap(base + mmap.PAGESIZE, mmap.PAGESIZE)
    text = b"p" * 99 + (b"\0" if nul else b"q")
    start = mmap.PAGESIZE - len(text)
    m[start:mmap.PAGESIZE] = text
    return base + start


def arg_vectors():
    """Argument strings as exec measures them: many, long, at page ends,
    unreadable, and which error Linux reports first when there are two."""
    many = [cstr(b"e%d=" % i + b"v" * (i % 300)) for i in range(700)]
    sizes = [cstr(b"s" * n) for n in (0, 1, 255, 256, 257, 4095, 4096, 4097, 70000)]
    big = cstr(b"b" * (200 * 1024))
    true = cstr(b"true")
    cases = [
        ("many env strings", lambda: ([true, None], many + [None])),
        ("strings around the first read", lambda: ([true] + sizes + [None], [None])),
        ("ends at a page end", lambda: ([true, page_end_str(True), None], [None])),
        ("runs off the mapping", lambda: ([true, page_end_str(False), None], [None])),
        ("unreadable string", lambda: ([true, 8, None], [None])),
        ("unreadable env string", lambda: ([true, None], many[:100] + [8] + many[:100] + [None])),
        ("too long, then unreadable", lambda: ([true, big, 8, None], [None])),
        ("unreadable, then too long", lambda: ([true, 8, big, None], [None])),
        ("env unreadable, argv too long", lambda: ([true, big, None], [8, None])),
    ]
    for name, make in cases:
        say(f"{name}: {raw_exec(make)}")
    # The largest argv[1] that still fits, with a fixed environment.
    fill = ["f" * 4000] * 500
    lo, hi = 0, 200 * 1024
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fork_exec(["/bin/true"] + fill + ["x" * mid], {"A": "b"}) == "status 0":
            lo = mid
        else:
            hi = mid - 1
    say("largest fitting argument:", lo)


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
    arg_vectors()
    identities()
    replaced()

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


def identities():
    """Ids a child starts with, and the ids exec gives: a child forked after
    setuid (and after a request that read the new ids) cannot run a file
    only root may run; exec resets the fs uid to the effective one."""
    write("root-only", b"#!/bin/sh\necho root-only ran\n", 0o700)
    write("secret", b"secret read\n", 0o600)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        os.setgid(1000)
        os.setuid(1000)
        os.stat("/")
        print("after setuid, child:", fork_exec([path("root-only")]), flush=True)
        print("after setuid, own exec:", end=" ", flush=True)
        try:
            os.execv(path("root-only"), [path("root-only")])
        except OSError as e:
            print(errno.errorcode[e.errno], flush=True)
        os._exit(0)
    os.close(w)
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    os.waitpid(pid, 0)
    say(out.decode().strip())
    say("root, child:", fork_exec([path("root-only")]))

    libc.setfsuid.argtypes = [ctypes.c_uint]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.stat("/")
        libc.setfsuid(1000)
        try:
            open(path("secret")).close()
            print("fsuid 1000 reads the secret", flush=True)
        except OSError as e:
            print("fsuid 1000:", errno.errorcode[e.errno], flush=True)
        os.execv("/bin/cat", ["cat", path("secret")])
    os.close(w)
    out = b""
    while chunk := os.read(r, 4096):
        out += chunk
    _, st = os.waitpid(pid, 0)
    say(out.decode().strip(), os.waitstatus_to_exitcode(st))


def replaced():
    """An exec after the file was replaced (renamed over, rewritten in
    place, removed) runs what is there now."""
    write("prog", b"#!/bin/sh\necho first\n", 0o755)
    say("replaced:", run([path("prog")]))
    write("prog.new", b"#!/bin/sh\necho second\n", 0o755)
    os.rename(path("prog.new"), path("prog"))
    say("replaced:", run([path("prog")]))
    with open(path("prog"), "r+b") as f:
        f.write(b"#!/bin/sh\necho third!\n")
    say("replaced:", run([path("prog")]))
    os.chmod(path("prog"), 0o644)
    say("replaced:", run([path("prog")]))
    os.unlink(path("prog"))
    say("replaced:", run([path("prog")]))
    os.symlink("/bin/echo", path("prog"))
    say("replaced:", run([path("prog"), "fourth"]))
    os.unlink(path("prog"))
    os.symlink("/bin/true", path("prog"))
    say("replaced:", run([path("prog"), "fifth"]))


main()
