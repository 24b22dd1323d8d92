# SPDX-License-Identifier: Apache-2.0
"""Set-user-id and set-group-id bits, as root in a scratch directory: who
may set them, what shows them, what clears them, and a set-group-id
directory's inheritance. Prints one line per fact; run natively and in the
sandbox, the outputs must be the same."""
import ctypes
import os
import stat
import struct
import subprocess
import sys

top = sys.argv[1]
os.chmod(top, 0o755)
os.chdir(top)
os.umask(0o022)
libc = ctypes.CDLL(None, use_errno=True)
USER, GROUP, OTHER_GROUP = 4321, 4322, 4323


def mode(path):
    return oct(stat.S_IMODE(os.lstat(path).st_mode))


def raw_fstat(fd):
    """fstat(2) itself (syscall 5), not glibc's newfstatat(fd, "")."""
    buf = ctypes.create_string_buffer(144)
    if libc.syscall(5, fd, buf) != 0:
        return "errno %d" % ctypes.get_errno()
    return oct(stat.S_IMODE(struct.unpack_from("I", buf.raw, 24)[0]))


def show(what, path):
    fd = os.open(path, os.O_RDONLY)
    fstat = oct(stat.S_IMODE(os.fstat(fd).st_mode))
    print(what, mode(path), "stat", oct(stat.S_IMODE(os.stat(path).st_mode)),
          "fstatat", fstat, "fstat", raw_fstat(fd))
    os.close(fd)


def try_chmod(path, m):
    try:
        os.chmod(path, m)
        return "ok"
    except OSError as e:
        return "errno %d" % e.errno


def as_user(fn, uid=USER, gid=USER, groups=()):
    """fn() in a child with those ids and no capabilities."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups(list(groups))
            os.setgid(gid)
            os.setuid(uid)
            fn()
        except OSError as e:
            print("child errno", e.errno)
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)


def touch(path, m=0o755):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"#!/bin/sh\necho hi\n")
    os.close(fd)
    os.chmod(path, m)


# Setting and showing, by the owner (root).
touch("f")
for m in (0o4755, 0o2755, 0o6755, 0o6711, 0o2745, 0o755, 0o7777, 0o4000):
    print("chmod", oct(m), try_chmod("f", m), mode("f"))
os.chmod("f", 0o4755)
show("shown", "f")
print("stat -c", subprocess.run(["stat", "-c", "%A %a", "f"], capture_output=True,
                                text=True).stdout.strip())
print("find -perm -4000", subprocess.run(["find", ".", "-perm", "-4000"], capture_output=True,
                                          text=True).stdout.split())
print("ls -l", subprocess.run(["ls", "-l", "f"], capture_output=True, text=True).stdout[:10])
fd = os.open("f", os.O_RDONLY)
os.fchmod(fd, 0o2755)
print("fchmod", mode("f"), raw_fstat(fd))
os.fchmod(fd, 0o755)
print("fchmod clears", mode("f"), raw_fstat(fd))
os.close(fd)

# Hard links share them; a rename keeps them; a new file at a reused name
# or inode has none.
os.chmod("f", 0o6755)
os.link("f", "g")
print("link", mode("g"))
os.chmod("g", 0o4700)
print("chmod through the link", mode("f"))
os.rename("g", "g2")
print("rename", mode("g2"))
os.unlink("f")
print("unlink one link", mode("g2"))
os.unlink("g2")
for i in range(5):
    touch("n%d" % i, 0o755)
print("recreated", [mode("n%d" % i) for i in range(5)])
touch("r1", 0o4755)
touch("r2", 0o755)
os.rename("r2", "r1")
print("renamed over", mode("r1"))

# chown clears them on files (set-group-id only with group exec), also for root.
for m in (0o6755, 0o6745, 0o4755):
    for ids in ((0, 0), (-1, -1), (USER, -1), (-1, GROUP)):
        touch("c", m)
        os.chown("c", *ids)
        print("chown", oct(m), ids, mode("c"))
    os.unlink("c")

# A write or truncate by root keeps them; by the owner without
# capabilities clears them.
touch("w", 0o6755)
fd = os.open("w", os.O_WRONLY | os.O_APPEND)
os.write(fd, b"x")
os.close(fd)
print("root write", mode("w"))
os.truncate("w", 3)
print("root truncate", mode("w"))
os.chown("w", USER, USER)
os.chmod("w", 0o6775)


def user_write():
    fd = os.open("w", os.O_WRONLY | os.O_APPEND)
    os.write(fd, b"y")
    os.close(fd)


as_user(user_write)
print("owner write", mode("w"))
os.chmod("w", 0o6775)
as_user(lambda: os.truncate("w", 1))
print("owner truncate", mode("w"))

# The owner may set set-group-id only for a group of its own.
touch("u", 0o755)
os.chown("u", USER, GROUP)
as_user(lambda: print("owner chmod g+s, other group", try_chmod("u", 0o2755), mode("u")))
as_user(lambda: print("owner chmod g+s, own group", try_chmod("u", 0o2755), mode("u")),
        groups=(GROUP,))
as_user(lambda: print("owner chmod u+s", try_chmod("u", 0o4755), mode("u")))
as_user(lambda: print("not the owner", try_chmod("u", 0o4755), mode("u")), uid=USER + 10)

# A set-group-id directory: new files take its group, new directories
# its group and the bit.
os.mkdir("d", 0o777)
os.chown("d", 0, GROUP)
os.chmod("d", 0o2777)
print("dir", mode("d"))
touch("d/file", 0o644)
os.mkdir("d/sub")
os.mkdir("d/sub2", 0o2700)
os.mkdir("plain", 0o2755)
for p in ("d/file", "d/sub", "d/sub2", "plain"):
    st = os.lstat(p)
    print("in dir", p, mode(p), st.st_gid)
os.symlink("file", "d/link")
print("symlink", os.lstat("d/link").st_gid)
as_user(lambda: (os.mkdir("d/usub"), touch("d/ufile", 0o2755),
                 print("user in dir", mode("d/usub"), os.lstat("d/usub").st_gid,
                       mode("d/ufile"), os.lstat("d/ufile").st_gid)))
as_user(lambda: (touch("d/gfile", 0o644), os.chmod("d/gfile", 0o2755),
                 print("user chmod in dir", mode("d/gfile"))))
os.chmod("d", 0o777)
touch("d/after", 0o644)
print("after clearing", mode("d"), os.lstat("d/after").st_gid)

# cp -p and tar keep them.
touch("t", 0o4755)
subprocess.run(["cp", "-p", "t", "t.cp"], check=True)
print("cp -p", mode("t.cp"))
subprocess.run(["cp", "t", "t.plain"], check=True)
print("cp", mode("t.plain"))
subprocess.run(["tar", "cf", "t.tar", "t", "d"], check=True)
os.mkdir("x")
subprocess.run(["tar", "xpf", "../t.tar"], check=True, cwd="x")
print("tar", mode("x/t"), mode("x/d"))
print("tar tv", sorted(line.split()[0] for line in subprocess.run(
    ["tar", "tvf", "t.tar"], capture_output=True, text=True).stdout.splitlines()))

# An O_TMPFILE file and mknod keep the set-id bits of their mode; in a
# set-group-id directory they take its group, and S_ISGID of a
# group-executable mode is dropped for a caller outside that group.
def tmpfile(directory, m):
    return os.open(directory, os.O_TMPFILE | os.O_RDWR, m)


fd = tmpfile(".", 0o7755)
print("tmpfile", oct(stat.S_IMODE(os.fstat(fd).st_mode)), "fstat", raw_fstat(fd))
# linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N puts it into place.
if libc.linkat(-100, b"/proc/self/fd/%d" % fd, -100, b"linked", 0x400) == 0:
    print("tmpfile linked", mode("linked"))
else:
    print("tmpfile link errno", ctypes.get_errno())
os.close(fd)
os.mknod("node", stat.S_IFREG | 0o7755)
os.mknod("fifo", stat.S_IFIFO | 0o6755)
print("mknod", mode("node"), mode("fifo"))
os.mkdir("g", 0o777)
os.chown("g", 0, GROUP)
os.chmod("g", 0o2777)
fd = tmpfile("g", 0o2755)
print("tmpfile in dir", oct(stat.S_IMODE(os.fstat(fd).st_mode)), os.fstat(fd).st_gid)
os.close(fd)
os.mknod("g/node", stat.S_IFREG | 0o2755)
print("mknod in dir", mode("g/node"), os.lstat("g/node").st_gid)


def user_made(who):
    fd = tmpfile("g", 0o2755)
    print(who, "tmpfile in dir", oct(stat.S_IMODE(os.fstat(fd).st_mode)), os.fstat(fd).st_gid)
    os.close(fd)
    os.mknod("g/%s-node" % who, stat.S_IFREG | 0o2755)
    os.mknod("g/%s-fifo" % who, stat.S_IFIFO | 0o2755)
    print(who, "mknod in dir", mode("g/%s-node" % who), os.lstat("g/%s-node" % who).st_gid,
          mode("g/%s-fifo" % who), os.lstat("g/%s-fifo" % who).st_gid)


as_user(lambda: user_made("user"))
as_user(lambda: user_made("member"), groups=(GROUP,))

# A set-id file that is gone (an O_TMPFILE never linked, a file unlinked)
# leaves nothing behind for new files that reuse its number.
os.mkdir("reuse")
for i in range(20):
    os.close(tmpfile("reuse", 0o6755))
    touch("reuse/gone%d" % i, 0o4755)
    os.unlink("reuse/gone%d" % i)
    touch("reuse/f%d" % i, 0o755)
    os.mknod("reuse/n%d" % i, stat.S_IFREG | 0o644)
    os.mkdir("reuse/d%d" % i)
print("new objects with set-id bits",
      sum(1 for n in os.listdir("reuse") if os.lstat("reuse/" + n).st_mode & 0o6000))
