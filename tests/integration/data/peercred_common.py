# What peercred_probe.py and peercred_gone_probe.py share: the peer
# socket options read as Python sees them, the switch of a connecting
# child to uid and gid 1000 (groups 1000 and 1001), and the listeners the
# children connect to.
import errno
import os
import socket
import struct

from abstract_names import abstract

SO_PEERPIDFD = 77
SO_PEERGROUPS = 59


def peercred(s):
    return struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))


def peergroups(s, size=64):
    try:
        g = s.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, size)
        return struct.unpack("%di" % (len(g) // 4), g)
    except OSError as e:
        return errno.errorcode[e.errno]


def peer_pidfd(s):
    """SO_PEERPIDFD's fd, or -errno."""
    try:
        return struct.unpack("i", s.getsockopt(socket.SOL_SOCKET, SO_PEERPIDFD, 4))[0]
    except OSError as e:
        return -e.errno


def become_user_1000():
    os.setgroups([1000, 1001])
    os.setresgid(1000, 1000, 1000)
    os.setresuid(1000, 1000, 1000)


def listeners(path, abstract_tag):
    """Yields (name, addr, kind, srv) for a unix socket listening by path
    (relative to the working directory) and one by the abstract name
    runsc-c-<abstract_tag>-<RUN> (abstract_names.py), each as stream and as seqpacket: name is
    "path stream", "abstract seqpacket" and so on. Once the caller moves on
    the socket is closed and its path removed."""
    for what, addr in (("path", path), ("abstract", abstract(abstract_tag))):
        for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET):
            name = "%s %s" % (what, "stream" if kind == socket.SOCK_STREAM else "seqpacket")
            srv = socket.socket(socket.AF_UNIX, kind)
            srv.bind(addr)
            srv.listen(4)
            try:
                yield name, addr, kind, srv
            finally:
                srv.close()
                if what == "path":
                    os.unlink(addr)
