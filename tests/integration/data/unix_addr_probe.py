# The peer address the kernel fills in for accept(2), accept4(2),
# recvfrom(2) and recvmsg(2) on unix sockets: stream, seqpacket and
# datagram peers bound by absolute and relative path, through .. and a
# symlink, paths of 107 and 108 bytes (sizeof(sun_path) - 1 and
# sizeof(sun_path), no NUL) with and without a directory, abstract (a name
# of the run's own, abstract_names.py), autobound and unbound ones; a peer
# closed before the call; a buffer too short for the address (truncation,
# and the full length written back). All through libc, so
# lengths are exactly the kernel's. Truncated names are relative ones,
# the same whatever the directory. argv[1]: a directory (scratch, or a
# volume's); paths print relative to it. argv[2]: "same" prints only the
# cases the sandbox answers as Linux does, "differ" only the others (a
# peer bound by a path with a directory in it), "all" both.
import ctypes
import errno
import os
import re
import socket
import sys

sys.dont_write_bytecode = True  # the probe's directory may be read-only
from abstract_names import abstract, shown as run_shown  # noqa: E402

top = os.path.realpath(sys.argv[1])
which = sys.argv[2] if len(sys.argv) > 2 else "all"
os.chdir(top)
libc = ctypes.CDLL(None, use_errno=True)
os.mkdir("addr")
os.chdir("addr")
here = top + "/addr"
os.mkdir("d")
os.symlink("d", "link")


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


def shown(buf, buflen, ln):
    raw = buf.raw[:min(ln, buflen)]
    name = run_shown(raw[2:])
    length = "%d" % ln
    if top.encode() in name:
        length = "TOP+%d" % (ln - len(top))
        name = name.replace(top.encode(), b"TOP")
    family = int.from_bytes(raw[:2], "little") if len(raw) >= 2 else "-"
    return "len %s family %s name %r" % (length, family, name)


def call_accept(fd, buflen, four):
    buf = ctypes.create_string_buffer(b"\xee" * 128, 128)
    ln = ctypes.c_uint32(buflen)
    if four:
        r = libc.accept4(fd, buf, ctypes.byref(ln), socket.SOCK_CLOEXEC)
    else:
        r = libc.accept(fd, buf, ctypes.byref(ln))
    if r < 0:
        return None, errno.errorcode[ctypes.get_errno()]
    return r, shown(buf, buflen, ln.value)


def call_recvfrom(fd, buflen):
    data = ctypes.create_string_buffer(64)
    buf = ctypes.create_string_buffer(b"\xee" * 128, 128)
    ln = ctypes.c_uint32(buflen)
    n = libc.recvfrom(fd, data, 64, 0, buf, ctypes.byref(ln))
    if n < 0:
        return errno.errorcode[ctypes.get_errno()]
    return "%r %s" % (data.raw[:n], shown(buf, buflen, ln.value))


def call_recvmsg(fd, buflen):
    data = ctypes.create_string_buffer(64)
    buf = ctypes.create_string_buffer(b"\xee" * 128, 128)
    iov = iovec(ctypes.cast(data, ctypes.c_void_p), 64)
    m = msghdr(ctypes.cast(buf, ctypes.c_void_p), buflen, ctypes.pointer(iov), 1, None, 0, 0)
    n = libc.recvmsg(fd, ctypes.byref(m), 0)
    if n < 0:
        return errno.errorcode[ctypes.get_errno()]
    return "%r flags %#x %s" % (data.raw[:n], m.flags, shown(buf, buflen, m.namelen))


long_rel = "d/" + "r" * 105  # 107 bytes
# The peers: (label, the name they bind or None, whether the sandbox gives
# Linux's answer for it today).
peers = [("unbound", None, True), ("autobound", b"", True),
         ("abstract", abstract("addr-peer").encode(), True), ("relative", "rel.sock", True),
         ("absolute", here + "/abs.sock", False), ("relative in a directory", "d/in.sock", False),
         ("through ..", "d/../up.sock", False), ("through a symlink", "link/via.sock", False),
         ("absolute through a symlink", here + "/link/absvia.sock", False),
         ("107 bytes, relative", long_rel, False),
         ("107 bytes, absolute", here + "/" + "a" * (106 - len(here)), False),
         ("108 bytes, relative", "d/" + "q" * 106, False),
         ("108 bytes, absolute", here + "/" + "b" * (107 - len(here)), False),
         # sizeof(sun_path) - 1 and sizeof(sun_path) bytes without a
         # directory (and without a NUL: bound through libc below), which
         # the kernel records as given.
         ("107 bytes, no directory", "n" * 107, True),
         ("108 bytes, no directory", "m" * 108, True)]
serial = 0


def peer_socket(kind, name, tag):
    s = socket.socket(socket.AF_UNIX, kind)
    if name is None:
        return s
    if name == b"":
        s.bind(b"")
        return s
    if isinstance(name, bytes):
        s.bind(name + tag.encode())
        return s
    if len(name) < 100:
        name = name.replace(".sock", tag + ".sock")
    elif os.path.lexists(name):
        os.unlink(name)  # a long name, made again
    # Through libc: Python refuses a sun_path of 108 bytes, which Linux
    # takes (no terminating NUL).
    raw = socket.AF_UNIX.to_bytes(2, "little") + name.encode()
    if libc.bind(s.fileno(), raw, len(raw)) < 0:
        raise OSError(ctypes.get_errno(), "bind " + name)
    return s


def out(same, line):
    if which == "all" or (which == "same") == same:
        print(line)


def autobound(line):
    # An autobound name is five hex digits the kernel picks: only its length.
    return line.split(" name ")[0] if re.search(r"family 1 name b'\\x00[0-9a-f]{5}'$", line) else line


for kind, kname in ((socket.SOCK_STREAM, "stream"), (socket.SOCK_SEQPACKET, "seqpacket")):
    srv = socket.socket(socket.AF_UNIX, kind)
    srv.bind("srv-%s.sock" % kname)
    srv.listen(8)
    for label, name, same in peers:
        for call in ("accept", "accept4"):
            serial += 1
            c = peer_socket(kind, name, "-%d" % serial)
            c.connect("srv-%s.sock" % kname)
            c.send(b"hi")
            fd, text = call_accept(srv.fileno(), 128, call == "accept4")
            out(same, "%s %s, peer %s: %s" % (kname, call, label, autobound(text)))
            if fd is not None:
                for rcall in ("recvfrom", "recvmsg"):
                    c.send(b"hi")
                    got = call_recvfrom(fd, 128) if rcall == "recvfrom" else call_recvmsg(fd, 128)
                    out(same, "%s %s of the accepted socket, peer %s: %s" %
                        (kname, rcall, label, autobound(got)))
                os.close(fd)
            c.close()
    # A peer that connected and closed before the accept.
    for label, name, same in peers[3:6]:
        serial += 1
        c = peer_socket(kind, name, "-%d" % serial)
        c.connect("srv-%s.sock" % kname)
        c.close()
        fd, text = call_accept(srv.fileno(), 128, False)
        out(same, "%s accept, peer %s closed first: %s" % (kname, label, text))
        if fd is not None:
            os.close(fd)
    # Buffers too short for the address: truncated, the full length back.
    for buflen in (0, 1, 2, 5, 12):
        serial += 1
        c = peer_socket(kind, "d/short.sock", "-%d" % serial)
        c.connect("srv-%s.sock" % kname)
        fd, text = call_accept(srv.fileno(), buflen, True)
        out(False, "%s accept4, buffer of %d: %s" % (kname, buflen, text))
        os.close(fd)
        c.close()
    srv.close()

rcv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
rcv.bind("rcv.sock")
for label, name, same in peers:
    for call in ("recvfrom", "recvmsg"):
        serial += 1
        s = peer_socket(socket.SOCK_DGRAM, name, "-%d" % serial)
        s.sendto(b"dg", "rcv.sock")
        got = call_recvfrom(rcv.fileno(), 128) if call == "recvfrom" else call_recvmsg(rcv.fileno(), 128)
        out(same, "dgram %s, sender %s: %s" % (call, label, autobound(got)))
        s.close()
# A sender that closes, and one whose socket file is gone, before the recv.
for label, name, same in peers[3:6]:
    serial += 1
    s = peer_socket(socket.SOCK_DGRAM, name, "-%d" % serial)
    s.sendto(b"gone", "rcv.sock")
    s.close()
    out(same, "dgram recvfrom, sender %s closed first: %s" % (label, call_recvfrom(rcv.fileno(), 128)))
    serial += 1
    s = peer_socket(socket.SOCK_DGRAM, name, "-%d" % serial)
    s.sendto(b"unlinked", "rcv.sock")
    os.unlink(s.getsockname())
    out(same, "dgram recvmsg, sender %s unlinked first: %s" % (label, call_recvmsg(rcv.fileno(), 128)))
    s.close()
# Short buffers: the name truncated, the full length written back.
for buflen in (0, 1, 2, 5, 12):
    for call in ("recvfrom", "recvmsg"):
        serial += 1
        s = peer_socket(socket.SOCK_DGRAM, "d/short.sock", "-%d" % serial)
        s.sendto(b"short", "rcv.sock")
        got = call_recvfrom(rcv.fileno(), buflen) if call == "recvfrom" else call_recvmsg(rcv.fileno(), buflen)
        out(False, "dgram %s, buffer of %d: %s" % (call, buflen, got))
        s.close()
# Short buffers on a name without a directory, which the kernel records
# as given.
for buflen in (3, 6):
    serial += 1
    s = peer_socket(socket.SOCK_DGRAM, "short.sock", "-%d" % serial)
    s.sendto(b"short", "rcv.sock")
    out(True, "dgram recvfrom, relative sender, buffer of %d: %s" % (buflen, call_recvfrom(rcv.fileno(), buflen)))
    s.close()
