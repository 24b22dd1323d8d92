# sendmsg and sendmmsg with a unix path address on unconnected datagram
# sockets (sd_notify's way), with SCM_CREDENTIALS and SCM_RIGHTS, and the
# errors of names that reach no socket. argv[1]: a scratch directory.
# Prints no path, only results.
import array
import ctypes
import errno
import os
import socket
import struct
import subprocess
import sys

os.chdir(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
DGRAM = socket.SOCK_DGRAM


def show(name, f):
    try:
        print(name, f())
    except OSError as e:
        print(name, errno.errorcode[e.errno])


def creds(pid, uid, gid):
    return [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, struct.pack("3i", pid, uid, gid))]


def received(rx):
    try:
        data, anc, _, _ = rx.recvmsg(64, 256, socket.MSG_DONTWAIT)
    except BlockingIOError:
        return "nothing"
    out = [data.decode()]
    for level, kind, payload in anc:
        if kind == socket.SCM_CREDENTIALS:
            pid, uid, gid = struct.unpack("3i", payload)
            out.append("creds pid %s uid %d gid %d" %
                       ("mine" if pid == os.getpid() else pid, uid, gid))
        elif kind == socket.SCM_RIGHTS:
            fds = array.array("i", payload[:len(payload) - len(payload) % 4])
            for fd in fds:
                out.append("fd of a %s" % ("pipe" if os.path.stat.S_ISFIFO(os.fstat(fd).st_mode)
                                           else "file"))
                os.close(fd)
    return " ".join(out)


rx = socket.socket(socket.AF_UNIX, DGRAM)
rx.bind(os.path.join(os.getcwd(), "notify.sock"))
rx.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
os.mkdir("sub")
os.symlink("notify.sock", "link.sock")
tx = socket.socket(socket.AF_UNIX, DGRAM)
absolute = os.path.join(os.getcwd(), "notify.sock")
for what, name in [("absolute", absolute), ("relative", "notify.sock"),
                   ("through ..", "sub/../notify.sock"), ("through a symlink", "link.sock")]:
    show("sendmsg " + what, lambda: tx.sendmsg([b"READY=1"], [], 0, name))
    print("  received:", received(rx))
for what, name in [("a missing name", "missing.sock"), ("a directory", "sub"),
                   ("below a missing directory", "nodir/x.sock")]:
    show("sendmsg to " + what, lambda: tx.sendmsg([b"x"], [], 0, name))

show("sendmsg with my credentials",
     lambda: tx.sendmsg([b"creds"], creds(os.getpid(), os.getuid(), os.getgid()), 0, absolute))
print("  received:", received(rx))
show("sendmsg with an unmapped uid", lambda: tx.sendmsg(
    [b"x"], creds(os.getpid(), 70000, os.getgid()), 0, absolute))
show("sendmsg with a short SCM_CREDENTIALS", lambda: tx.sendmsg(
    [b"x"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, b"1234")], 0, absolute))
r, w = os.pipe()
show("sendmsg with SCM_RIGHTS",
     lambda: tx.sendmsg([b"fds"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))],
                        0, absolute))
print("  received:", received(rx))
show("sendmsg with a closed fd in SCM_RIGHTS",
     lambda: tx.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [999]))],
                        0, absolute))

# sendmmsg through libc: two messages, each to the path.
class MsgHdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.c_void_p), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class MMsgHdr(ctypes.Structure):
    _fields_ = [("hdr", MsgHdr), ("len", ctypes.c_uint)]


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


sun = struct.pack("H", socket.AF_UNIX) + b"notify.sock\0"
name = ctypes.create_string_buffer(sun, len(sun))
bufs = [ctypes.create_string_buffer(b"one"), ctypes.create_string_buffer(b"two")]
iovs = (IoVec * 2)(*[IoVec(ctypes.addressof(b), 3) for b in bufs])
msgs = (MMsgHdr * 2)(*[MMsgHdr(MsgHdr(ctypes.addressof(name), len(sun),
                                      ctypes.addressof(iovs[i]), 1, None, 0, 0), 0)
                       for i in range(2)])
n = libc.sendmmsg(tx.fileno(), msgs, 2, 0)
print("sendmmsg:", n if n >= 0 else errno.errorcode[ctypes.get_errno()],
      "lengths", msgs[0].len, msgs[1].len)
print("  received:", received(rx), "/", received(rx))

# sd_notify from a child process: the receiver sees the child's pid.
child = subprocess.Popen([sys.executable, "-c", """
import os, socket, struct
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendmsg([b"READY=1"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
           struct.pack("3i", os.getpid(), os.getuid(), os.getgid()))], 0, os.environ["NOTIFY_SOCKET"])
"""], env={"NOTIFY_SOCKET": absolute})
child.wait()
data, anc, _, _ = rx.recvmsg(64, 256)
pid = [struct.unpack("3i", p)[0] for _, k, p in anc if k == socket.SCM_CREDENTIALS]
print("sd_notify from a child:", data.decode(), "pid is the child's:", pid == [child.pid])
