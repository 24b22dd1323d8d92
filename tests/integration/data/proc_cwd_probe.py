#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A working directory inside /proc: chdir and fchdir there, then getcwd,
# relative opens, stat, readlink, listings, "..", calls that change names,
# exec and fork from it, symlinks into /proc and loops. Pids and tids print
# as <pid> and <tid>, so the output is the same natively and in the sandbox.
import errno
import os
import socket
import stat
import subprocess
import sys

SCRATCH = sys.argv[1]
PID = str(os.getpid())


def norm(text):
    text = str(text)
    tid = str(os.gettid()) if hasattr(os, "gettid") else None
    if tid and tid != PID:
        text = text.replace("/task/" + tid, "/task/<tid>")
    return text.replace("/" + PID, "/<pid>").replace("task/" + PID, "task/<tid>")


def show(what, fn):
    try:
        r = fn()
        out = "ok" if r is None else "ok %s" % norm(r)
    except OSError as e:
        out = errno.errorcode.get(e.errno, str(e.errno))
    print("%s: %s" % (what, out))


def first_line(name):
    with open(name) as f:
        return f.readline().strip()


def kind(name):
    m = os.lstat(name).st_mode
    return "dir" if stat.S_ISDIR(m) else "link" if stat.S_ISLNK(m) else "file"


def unix_call(what, name):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sk:
        getattr(sk, what)(name)


def chdir_cwd(path):
    os.chdir(path)
    return os.getcwd()


def main():
    os.chdir(SCRATCH)
    show("chdir /proc", lambda: chdir_cwd("/proc"))
    show("listing has self, sys, own pid", lambda: all(n in os.listdir(".") for n in ("self", "sys", PID)))
    show("stat self", lambda: kind("self"))
    show("stat self (followed)", lambda: stat.S_ISDIR(os.stat("self").st_mode))
    show("readlink self is the pid", lambda: os.readlink("self") == PID)
    show("read version's first word", lambda: first_line("version").split()[0])

    show("chdir self", lambda: chdir_cwd("self"))
    show("read status", lambda: first_line("status").split(":")[0])
    show("read comm", lambda: first_line("comm"))
    show("listing fd has 0 1 2", lambda: {"0", "1", "2"} <= set(os.listdir("fd")))
    show("scandir kinds", lambda: sorted((e.name, e.is_dir(follow_symlinks=False)) for e in os.scandir(".") if e.name in ("fd", "status", "cwd")))
    show("readlink cwd", lambda: os.readlink("cwd"))
    show("readlink /proc/self/cwd", lambda: os.readlink("/proc/self/cwd"))
    show("readlink root", lambda: os.readlink("root"))
    show("readlink exe is python", lambda: "python" in os.readlink("exe"))
    show("stat . is a directory", lambda: stat.S_ISDIR(os.stat(".").st_mode))
    show("stat . is /proc/self", lambda: os.stat(".").st_ino == os.stat("/proc/self").st_ino)
    show("access . X_OK", lambda: os.access(".", os.X_OK))
    show("access status R_OK", lambda: os.access("status", os.R_OK))
    show("open . as a directory", lambda: len(os.listdir(os.open(".", os.O_RDONLY | os.O_DIRECTORY))) > 10)
    show("open ./fd/0 O_PATH", lambda: os.close(os.open("fd/0", os.O_PATH)))
    show("stat missing", lambda: os.stat("no-such-file"))
    show("status as a directory", lambda: os.chdir("status"))
    show("readlink of a file", lambda: os.readlink("status"))
    # Names cannot be made in /proc, nor moved or linked out of it. (What
    # Linux's procfs does with unlink, chmod, truncate or utimes of its own
    # files, the sandbox does not follow: see the README.)
    show("create a file", lambda: os.close(os.open("newfile", os.O_CREAT | os.O_WRONLY, 0o644)))
    show("mkdir", lambda: os.mkdir("newdir"))
    show("symlink", lambda: os.symlink("status", "newlink"))
    show("mkfifo", lambda: os.mkfifo("fifo"))
    show("rename status into the scratch directory", lambda: os.rename("status", os.path.join(SCRATCH, "moved")))
    show("link status into the scratch directory", lambda: os.link("status", os.path.join(SCRATCH, "hard")))
    show("bind a unix socket", lambda: unix_call("bind", "sock"))
    show("bind a unix socket at status", lambda: unix_call("bind", "status"))
    show("connect a unix socket to status", lambda: unix_call("connect", "status"))
    show("connect a unix socket to a missing name", lambda: unix_call("connect", "sock"))

    # Children share nothing but start from the cwd: a fork, an exec.
    pid = os.fork()
    if pid == 0:
        try:
            ok = os.getcwd() == "/proc/" + PID and first_line("status").startswith("Name:")
            os._exit(0 if ok else 1)
        except OSError:
            os._exit(2)
    show("a forked child starts there", lambda: os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    show("exec a program by absolute path", lambda: subprocess.run(["/bin/sh", "-c", "pwd; cat comm"], capture_output=True, text=True).stdout.split())
    show("exec ./exe (the interpreter, through /proc)", lambda: subprocess.run(["./exe", "-c", "print('hi')"], capture_output=True, text=True).stdout.strip())

    show("chdir fd", lambda: chdir_cwd("fd"))
    show("chdir ..", lambda: chdir_cwd(".."))
    show("chdir task", lambda: chdir_cwd("task"))
    show("chdir ../..", lambda: chdir_cwd("../.."))
    show("chdir /proc/self/fd", lambda: chdir_cwd("/proc/self/fd"))
    show("chdir ../../..", lambda: chdir_cwd("../../.."))
    show("listing of / has proc and etc", lambda: {"proc", "etc"} <= set(os.listdir(".")))
    show("chdir /proc/self/fd/../../../etc", lambda: chdir_cwd("/proc/self/fd/../../../etc"))
    show("chdir /proc/thread-self", lambda: chdir_cwd("/proc/thread-self"))
    show("chdir /proc/sys/kernel", lambda: chdir_cwd("/proc/sys/kernel"))
    show("read ostype", lambda: first_line("ostype"))
    show("chdir /proc/self/status", lambda: chdir_cwd("/proc/self/status"))
    show("chdir /proc/no-such-dir", lambda: chdir_cwd("/proc/no-such-dir"))
    show("chdir /proc/self/fd/0", lambda: chdir_cwd("/proc/self/fd/0"))

    # fchdir to a directory fd of /proc, O_PATH too.
    fd = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)
    show("fchdir /proc/self", lambda: (os.fchdir(fd), os.getcwd())[1])
    os.close(fd)
    fd = os.open("/proc/self/fd", os.O_PATH | os.O_DIRECTORY)
    show("fchdir O_PATH /proc/self/fd", lambda: (os.fchdir(fd), os.getcwd())[1])
    os.close(fd)
    fd = os.open("/proc/self/status", os.O_RDONLY)
    show("fchdir a /proc file", lambda: os.fchdir(fd))
    os.close(fd)

    # Links out of /proc lead back into the view.
    show("chdir /proc/self/cwd", lambda: chdir_cwd("/proc/self/cwd"))
    os.chdir(SCRATCH)
    show("chdir /proc/self/cwd from the scratch directory is it",
         lambda: chdir_cwd("/proc/self/cwd") == SCRATCH)
    dfd = os.open(SCRATCH, os.O_RDONLY | os.O_DIRECTORY)
    show("chdir /proc/self/fd/N of a directory is it",
         lambda: chdir_cwd("/proc/self/fd/%d" % dfd) == SCRATCH)
    os.close(dfd)
    show("chdir /proc/self/root", lambda: chdir_cwd("/proc/self/root"))
    show("chdir /proc/self/root/..", lambda: chdir_cwd("/proc/self/root/.."))

    # Symlinks into /proc, and loops.
    os.chdir(SCRATCH)
    os.symlink("/proc/self", "to-self")
    os.symlink("loop-b", "loop-a")
    os.symlink("loop-a", "loop-b")
    os.symlink("/proc/self/cwd/loop-a", "loop-via-proc")
    show("chdir to-self", lambda: chdir_cwd(os.path.join(SCRATCH, "to-self")))
    show("chdir a loop", lambda: chdir_cwd(os.path.join(SCRATCH, "loop-a")))
    os.chdir(SCRATCH)
    show("chdir a loop through /proc/self/cwd", lambda: chdir_cwd("loop-via-proc"))
    show("chdir cwd/cwd/cwd from /proc/self", lambda: (os.chdir("/proc/self"), chdir_cwd("cwd/cwd/cwd"))[1])

    # A cwd in a process that exits.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    os.close(r)
    show("chdir /proc/<child>", lambda: chdir_cwd("/proc/%d" % pid).replace(str(pid), "<child>"))
    os.close(w)
    os.waitpid(pid, 0)
    show("getcwd after the child is gone", lambda: os.getcwd().replace(str(pid), "<child>"))
    show("read status after the child is gone", lambda: first_line("status"))
    show("chdir .. after the child is gone", lambda: chdir_cwd(".."))


main()
