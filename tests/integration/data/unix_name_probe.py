# getsockname(2) of unix sockets bound by path (absolute, relative, through
# a symlink and .., of 107 and 108 bytes without a NUL), abstract (a name
# of the run's own, abstract_names.py), autobound and unbound ones, and
# its errors and truncation, through libc so lengths are exactly the
# kernel's.
# argv[1]: a scratch directory. Paths print relative to it.
import ctypes
import errno
import os
import socket
import sys

sys.dont_write_bytecode = True  # the probe's directory may be read-only
from abstract_names import abstract, shown  # noqa: E402

top = os.path.realpath(sys.argv[1])
os.chdir(top)
libc = ctypes.CDLL(None, use_errno=True)
os.mkdir("dir")
os.symlink("dir", "link")


def name_of(fd, buflen=128, absolute=False):
    buf = ctypes.create_string_buffer(buflen)
    ln = ctypes.c_int(buflen)
    r = libc.getsockname(fd, buf, ctypes.byref(ln))
    if r < 0:
        return errno.errorcode[ctypes.get_errno()]
    raw = buf.raw[:min(ln.value, buflen)]
    text = shown(raw[2:].replace(top.encode(), b"TOP"))
    # The scratch directory's own length differs between runs.
    length = "TOP+%d" % (ln.value - len(top)) if absolute else "%d" % ln.value
    return "len %s family %d name %r" % (length, int.from_bytes(raw[:2], "little"), text)


def bound(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(name)
    except OSError as e:
        print("bind", name.replace(top, "TOP"), errno.errorcode[e.errno])
    return s


cases = [("absolute", top + "/abs.sock"), ("relative", "rel.sock"),
         ("relative in a directory", "dir/in.sock"), ("through ..", "dir/../up.sock"),
         ("through a symlink", "link/via.sock"), ("absolute through a symlink", top + "/link/a.sock"),
         ("with a double slash", "dir//dbl.sock")]
socks = []
for what, name in cases:
    s = bound(name)
    socks.append(s)
    print(what + ":", name_of(s.fileno(), absolute=name.startswith("/")))


def bound_raw(name):
    """A socket bound to name through libc, with no NUL after it: Python
    refuses a sun_path of 108 bytes, which Linux takes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw = socket.AF_UNIX.to_bytes(2, "little") + name.encode()
    if libc.bind(s.fileno(), raw, len(raw)) < 0:
        print("bind", name.replace(top, "TOP"), errno.errorcode[ctypes.get_errno()])
    return s


# Names of sizeof(sun_path) - 1 and sizeof(sun_path) bytes without a NUL:
# without a directory, in one, and absolute (whose filler's length depends
# on the scratch directory's: only whether the whole path comes back).
for size in (107, 108):
    for what, name in (("no directory", "n" * size), ("in a directory", "dir/" + "d" * (size - 4)),
                       ("absolute", top + "/dir/" + "a" * (size - len(top) - 5))):
        s = bound_raw(name)
        socks.append(s)
        got = name_of(s.fileno())
        if what == "absolute":
            whole = "name b'%s'" % name.replace(top, "TOP") in got.replace("\\x00'", "'")
            got = "%s, the whole path: %s" % (got.split(" name ")[0], whole)
        print("%d bytes, %s: %s" % (size, what, got))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(abstract("name").encode())
print("abstract:", name_of(s.fileno()))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(b"")
print("autobind: len", name_of(s.fileno()).split()[1])
unbound = socket.socket(socket.AF_UNIX)
print("unbound:", name_of(unbound.fileno()))
abs_fd = socks[0].fileno()
print("a short buffer (10):", name_of(abs_fd, 10, True).split(" name ")[0])
print("a zero buffer:", name_of(abs_fd, 0, True))
ln = ctypes.c_int(-1)
buf = ctypes.create_string_buffer(128)
r = libc.getsockname(abs_fd, buf, ctypes.byref(ln))
print("a negative length:", r if r == 0 else errno.errorcode[ctypes.get_errno()])
ln = ctypes.c_int(128)
r = libc.getsockname(abs_fd, ctypes.c_void_p(8), ctypes.byref(ln))
print("a bad buffer:", r if r == 0 else errno.errorcode[ctypes.get_errno()])
r = libc.getsockname(abs_fd, buf, ctypes.c_void_p(8))
print("a bad length pointer:", r if r == 0 else errno.errorcode[ctypes.get_errno()])
r = libc.getsockname(999, buf, ctypes.c_void_p(8))
print("a closed fd and a bad length pointer:", errno.errorcode[ctypes.get_errno()])
r = libc.getsockname(os.open(".", os.O_RDONLY), buf, ctypes.c_void_p(8))
print("a file and a bad length pointer:", errno.errorcode[ctypes.get_errno()])
print("a file:", name_of(os.open(".", os.O_RDONLY)))
print("a closed fd:", name_of(999))
# A child that inherited the socket, and one it got through SCM_RIGHTS.
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    print("in a child:", name_of(socks[2].fileno()), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
a, b = socket.socketpair()
socket.send_fds(a, [b"x"], [socks[3].fileno()])
_, fds, _, _ = socket.recv_fds(b, 1, 1)
print("passed over SCM_RIGHTS:", name_of(fds[0]))
# The same inode number is not trusted after its socket is gone: a new
# socket bound to a plain name shows that name.
socks[1].close()
os.unlink("rel.sock")
again = bound("rel.sock")
print("rebound plain:", name_of(again.fileno()))
