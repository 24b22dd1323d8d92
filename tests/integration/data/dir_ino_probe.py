# getdents64's d_ino against stat's st_ino, for directories, files and
# symlinks made in a scratch directory (the sandbox's writable layer) and
# for directories of the system (/usr/lib, /etc), with ".", ".." and
# mount points apart; a listing in small pieces and one into a bad buffer
# lose no entry. argv[1]: a scratch directory.
import ctypes
import errno
import os
import struct
import sys

top = os.path.realpath(sys.argv[1])
os.chdir(top)
for d in ("a", "a/b", "a/b/c", "e"):
    os.mkdir(d)
for i in range(40):
    open("a/f%02d" % i, "w").close()
    os.mkdir("a/d%02d" % i)
os.symlink("a", "l")
libc = ctypes.CDLL(None, use_errno=True)
SYS_getdents64 = 217


def getdents(fd, size, addr=None):
    buf = ctypes.create_string_buffer(size)
    n = libc.syscall(SYS_getdents64, fd, addr if addr is not None else buf, size)
    if n < 0:
        return errno.errorcode[ctypes.get_errno()], []
    out, off = [], 0
    while off < n:
        ino, _, reclen, dtype = struct.unpack_from("QqHB", buf.raw, off)
        name = buf.raw[off + 19:off + reclen].split(b"\0")[0].decode()
        out.append((name, ino, dtype))
        off += reclen
    return n, out


def listing(path, size):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    entries = []
    while True:
        n, part = getdents(fd, size)
        if n == 0 or isinstance(n, str):
            break
        entries += part
    os.close(fd)
    return entries


def check(path, size=32768):
    differ, kinds = [], set()
    for name, ino, dtype in listing(path, size):
        full = os.path.join(path, name)
        if name == ".." or os.path.ismount(full):
            continue
        if os.lstat(full).st_ino != ino:
            differ.append(name)
        kinds.add(dtype)
    print("%s: %d entries differ%s" % (path.replace(top, "TOP"), len(differ),
                                     ": " + " ".join(sorted(differ)[:5]) if differ else ""))


for where in (top, top + "/a", top + "/a/b", top + "/e", "/usr/lib", "/etc"):
    check(where)
check(top + "/a", 64)
# "." is the directory itself.
print("'.' is the directory:", [i for n, i, _ in listing(top + "/a", 32768) if n == "."]
      == [os.stat(top + "/a").st_ino])
# A bad buffer lists nothing and loses nothing.
fd = os.open(top + "/a", os.O_RDONLY | os.O_DIRECTORY)
first = getdents(fd, 256)[1]
print("a bad buffer:", getdents(fd, 4096, ctypes.c_void_p(8))[0])
rest = []
while True:
    n, part = getdents(fd, 4096)
    if not part:
        break
    rest += part
print("entries after it:", len(first) + len(rest), "of", len(os.listdir(top + "/a")) + 2)
os.close(fd)
fd = os.open(top + "/a", os.O_RDONLY | os.O_DIRECTORY)
print("a buffer too small:", getdents(fd, 8)[0])
os.close(fd)
print("a file:", getdents(os.open(top + "/a/f00", os.O_RDONLY), 4096)[0])
print("a closed fd:", getdents(999, 4096)[0])
