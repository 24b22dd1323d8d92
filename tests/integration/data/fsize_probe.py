#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# RLIMIT_FSIZE on every call that grows a file: write, pwrite, pwritev,
# truncate, ftruncate, fallocate, copy_file_range, sendfile. Growing past the
# soft limit gives EFBIG and SIGXFSZ to the caller (a handler sees it, an
# ignored one still gives EFBIG, the default action kills); shrinking a file
# already above the limit, or a write that fits, does not. Prints what each
# call gave; run natively and in the sandbox, the outputs must match.
import errno
import os
import resource
import signal
import sys

LIMIT = 4096
DIR = sys.argv[1]
caught = []


def on_xfsz(sig, frame):
    caught.append(sig)


def path(name):
    return os.path.join(DIR, name)


def make(name, size):
    with open(path(name), "wb") as f:
        f.write(b"x" * size)


def call(what, fn):
    del caught[:]
    try:
        r = fn()
        out = "ok" if r is None else "ok %s" % (r,)
    except OSError as e:
        out = errno.errorcode.get(e.errno, str(e.errno))
    print("%s: %s, SIGXFSZ %d" % (what, out, len(caught)))


def size(name):
    return os.stat(path(name)).st_size


def fd_of(name, flags=os.O_RDWR):
    return os.open(path(name), flags)


def ops():
    """The calls, each a (name, function) that runs against fresh files."""
    os.makedirs(path("dir"), exist_ok=True)

    def write_within():
        fd = fd_of("f")
        try:
            return os.write(fd, b"abc")
        finally:
            os.close(fd)

    def write_past():
        fd = fd_of("f")
        os.lseek(fd, LIMIT, os.SEEK_SET)
        try:
            return os.write(fd, b"y")
        finally:
            os.close(fd)

    def write_across():
        fd = fd_of("f")
        os.lseek(fd, LIMIT - 6, os.SEEK_SET)
        try:
            return os.write(fd, b"0123456789")
        finally:
            os.close(fd)

    def pwrite_past():
        fd = fd_of("f")
        try:
            return os.pwrite(fd, b"y", LIMIT + 100)
        finally:
            os.close(fd)

    def pwritev_past():
        fd = fd_of("f")
        try:
            return os.pwritev(fd, [b"a", b"b"], LIMIT)
        finally:
            os.close(fd)

    def append_past():
        fd = fd_of("big", os.O_WRONLY | os.O_APPEND)
        try:
            return os.write(fd, b"y")
        finally:
            os.close(fd)

    def ftruncate_to(n):
        def f():
            fd = fd_of("f")
            try:
                os.ftruncate(fd, n)
            finally:
                os.close(fd)
            return size("f")
        return f

    def truncate_to(name, n):
        def f():
            os.truncate(path(name), n)
            return size(name)
        return f

    def fallocate_to(n):
        def f():
            fd = fd_of("f")
            try:
                os.posix_fallocate(fd, 0, n)
            finally:
                os.close(fd)
            return size("f")
        return f

    def copy_range_at(off):
        def f():
            src, dst = fd_of("big", os.O_RDONLY), fd_of("f")
            try:
                return os.copy_file_range(src, dst, 100, 0, off)
            finally:
                os.close(src)
                os.close(dst)
        return f

    def sendfile_at(off):
        def f():
            src, dst = fd_of("big", os.O_RDONLY), fd_of("f")
            os.lseek(dst, off, os.SEEK_SET)
            try:
                return os.sendfile(dst, src, 0, 100)
            finally:
                os.close(src)
                os.close(dst)
        return f

    return [
        ("write within", write_within),
        ("write past the limit", write_past),
        ("write across the limit (short)", write_across),
        ("pwrite past", pwrite_past),
        ("pwritev at the limit", pwritev_past),
        ("append to a file above the limit", append_past),
        ("truncate to the limit", truncate_to("f", LIMIT)),
        ("truncate one past the limit", truncate_to("f", LIMIT + 1)),
        ("truncate a file above the limit, shrinking", truncate_to("big", 10000)),
        ("truncate a file above the limit, growing", truncate_to("big", 20000)),
        ("truncate a file above the limit to its size", truncate_to("big", 16384)),
        ("truncate through a symlink", truncate_to("link", 8192)),
        ("truncate a directory past the limit", truncate_to("dir", 8192)),
        ("truncate a missing file past the limit", truncate_to("missing", 8192)),
        ("truncate to a negative length", truncate_to("f", -1)),
        ("ftruncate within", ftruncate_to(2000)),
        ("ftruncate past", ftruncate_to(8192)),
        ("fallocate within", fallocate_to(3000)),
        ("fallocate past", fallocate_to(8192)),
        ("copy_file_range within", copy_range_at(0)),
        ("copy_file_range past", copy_range_at(LIMIT)),
        ("sendfile within", sendfile_at(0)),
        ("sendfile past", sendfile_at(LIMIT + 1)),
    ]


def fresh():
    make("f", 100)
    make("big", 16384)
    try:
        os.unlink(path("link"))
    except FileNotFoundError:
        pass
    os.symlink("f", path("link"))


def lower():
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, hard))
    print("limit now", resource.getrlimit(resource.RLIMIT_FSIZE)[0])


def main():
    # No core files from the children below, natively or inside.
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    the_ops = ops()
    fresh()

    # A handler for SIGXFSZ: the call fails with EFBIG and the handler runs.
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGXFSZ, on_xfsz)
        lower()
        for name, fn in the_ops:
            call("handled: " + name, fn)
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)

    # Ignored: EFBIG alone.
    fresh()
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        lower()
        for name, fn in the_ops:
            call("ignored: " + name, fn)
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)

    # The default action ends the process, one child per call.
    for name, fn in the_ops:
        fresh()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, hard))
            try:
                fn()
            except OSError:
                os._exit(3)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            print("default: %s: killed by %s" % (name, signal.Signals(os.WTERMSIG(status)).name))
        else:
            print("default: %s: exit %d" % (name, os.WEXITSTATUS(status)))


main()
