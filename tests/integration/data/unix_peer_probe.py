# getpeername(2) of unix sockets connected by path: the name the listener
# was bound to (absolute, relative, through a symlink or ..), whatever path
# the client connected by, for stream, seqpacket and datagram sockets; after
# dup, fork, SCM_RIGHTS and the listener's close; and its errors, through
# libc so lengths are exactly the kernel's. A datagram sent by path
# arrives. argv[1]: a scratch directory. Paths print relative to it.
import ctypes
import errno
import os
import socket
import sys

top = os.path.realpath(sys.argv[1])
os.chdir(top)
libc = ctypes.CDLL(None, use_errno=True)
os.mkdir("dir")
os.symlink("dir", "link")


def peer_of(fd, buflen=128):
    buf = ctypes.create_string_buffer(buflen)
    ln = ctypes.c_int(buflen)
    r = libc.getpeername(fd, buf, ctypes.byref(ln))
    if r < 0:
        return errno.errorcode[ctypes.get_errno()]
    raw = buf.raw[:min(ln.value, buflen)]
    text = raw[2:].replace(top.encode(), b"TOP")
    # The scratch directory's own length differs between runs.
    length = ln.value - len(top) if top.encode() in raw else ln.value
    return "len %s%d family %d name %r" % ("TOP+" if top.encode() in raw else "", length,
                                           int.from_bytes(raw[:2], "little"), text)


def listener(kind, name):
    s = socket.socket(socket.AF_UNIX, kind)
    s.bind(name)
    if kind != socket.SOCK_DGRAM:
        s.listen(8)
    return s


def client(kind, name):
    c = socket.socket(socket.AF_UNIX, kind)
    c.connect(name)
    return c


cases = [("absolute", top + "/abs.sock", top + "/abs.sock"),
         ("relative", "rel.sock", "rel.sock"),
         ("relative, reached by its absolute path", "rel2.sock", top + "/rel2.sock"),
         ("in a directory, reached through a symlink", "dir/in.sock", "link/in.sock"),
         ("through ..", "dir/../up.sock", "up.sock"),
         ("through a symlink, reached directly", "link/via.sock", top + "/dir/via.sock"),
         ("with a double slash", "dir//dbl.sock", "dir/dbl.sock")]
keep = []
for what, bound, reached in cases:
    for kind, kname in ((socket.SOCK_STREAM, "stream"), (socket.SOCK_SEQPACKET, "seqpacket"),
                        (socket.SOCK_DGRAM, "dgram")):
        name = bound.replace(".sock", "-" + kname + ".sock")
        srv = listener(kind, name)
        c = client(kind, reached.replace(".sock", "-" + kname + ".sock"))
        keep += [srv, c]
        print("%s (%s): %s" % (what, kname, peer_of(c.fileno())))
        if kind != socket.SOCK_DGRAM:
            a, addr = srv.accept()
            keep.append(a)
            print("  accepted's peer, unbound:", peer_of(a.fileno()), repr(addr))

srv = listener(socket.SOCK_STREAM, "dir/x.sock")
c = client(socket.SOCK_STREAM, top + "/link/x.sock")
print("a short buffer (10):", peer_of(c.fileno(), 10))
print("a zero buffer:", peer_of(c.fileno(), 0))
print("dup:", peer_of(os.dup(c.fileno())))
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    print("in a child:", peer_of(c.fileno()), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
a, b = socket.socketpair()
socket.send_fds(a, [b"x"], [c.fileno()])
_, fds, _, _ = socket.recv_fds(b, 1, 1)
print("passed over SCM_RIGHTS:", peer_of(fds[0]))
print("socketpair:", peer_of(a.fileno()))
srv.close()
print("after the listener's close:", peer_of(c.fileno()))
# The socket file unlinked and a plain name bound and reached again.
os.unlink("dir/x.sock")
os.chdir("dir")
srv = listener(socket.SOCK_STREAM, "x.sock")
c2 = client(socket.SOCK_STREAM, top + "/dir/x.sock")
print("rebound plain:", peer_of(c2.fileno()))
os.chdir(top)
unconnected = socket.socket(socket.AF_UNIX)
print("unconnected:", peer_of(unconnected.fileno()))
print("a listener:", peer_of(srv.fileno()))
print("a file:", peer_of(os.open(".", os.O_RDONLY)))
print("a closed fd:", peer_of(999))
ln = ctypes.c_int(-1)
buf = ctypes.create_string_buffer(128)
r = libc.getpeername(c.fileno(), buf, ctypes.byref(ln))
print("a negative length:", r if r == 0 else errno.errorcode[ctypes.get_errno()])
ln = ctypes.c_int(128)
r = libc.getpeername(c.fileno(), ctypes.c_void_p(8), ctypes.byref(ln))
print("a bad buffer:", r if r == 0 else errno.errorcode[ctypes.get_errno()])
# A datagram sent by path to a socket bound by a relative path, from an
# unbound sender: the receiver sees no name.
rcv = listener(socket.SOCK_DGRAM, "dir/rcv.sock")
snd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print("sendto by path:", snd.sendto(b"hello", top + "/link/rcv.sock"))
print("received:", rcv.recvfrom(16))
print("sendto a missing path:", end=" ")
try:
    snd.sendto(b"x", top + "/missing.sock")
except OSError as e:
    print(errno.errorcode[e.errno])
