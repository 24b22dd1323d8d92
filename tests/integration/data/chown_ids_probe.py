# chown, fchown, lchown and fchownat with ids low and high (the sandbox's
# user namespace maps every id but -1, which means "keep"), on files
# the caller owns, through symlinks and on fds. argv[1]: a scratch
# directory. Prints only results.
import ctypes
import errno
import os
import sys

# Through libc, so that ids are passed exactly (Python refuses some).
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100


def call(r):
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))

os.chdir(sys.argv[1])
with open("f", "w"):
    pass
os.symlink("f", "lnk")
os.mkdir("d")


def show(name, f):
    try:
        f()
        st = os.lstat("lnk") if name.startswith("lchown") else os.stat("f")
        print(name, "ok", st.st_uid, st.st_gid)
    except OSError as e:
        print(name, errno.errorcode[e.errno])


IDS = [(1000, 1000), (65535, 65535), (65536, -1), (-1, 65536), (70000, 70000),
       (100000, 0), (0, 100000), (0x7fffffff, -1), (0xfffffffe, -1), (-1, -1), (0, 0)]
for uid, gid in IDS:
    tag = "%d:%d" % (uid, gid)
    u, g = ctypes.c_uint(uid & 0xffffffff), ctypes.c_uint(gid & 0xffffffff)
    show("chown " + tag, lambda: call(libc.chown(b"f", u, g)))
    show("lchown " + tag, lambda: call(libc.lchown(b"lnk", u, g)))
    fd = os.open("f", os.O_RDONLY)
    try:
        show("fchown " + tag, lambda: call(libc.fchown(fd, u, g)))
    finally:
        os.close(fd)
    show("fchownat " + tag, lambda: call(libc.fchownat(AT_FDCWD, b"f", u, g, 0)))
