# SPDX-License-Identifier: Apache-2.0
"""What the root of a user namespace may do to a network namespace that the
host's user namespace owns, through calls the sandbox's sentry performs for
the guest: netlink messages sent with an address (an address added to lo),
netlink sends and connects to a process or a group, and the control
messages that take CAP_NET_RAW or CAP_NET_ADMIN (SO_MARK, SO_PRIORITY above
6, IPv6 hop-by-hop and destination options). Prints one line per case: the
errno's name, the netlink acknowledgement's, or "ok".

It asks the kernel to change a network namespace: it runs only in the
sandbox (seccomp filter mode) or in a user namespace whose id map is not
the initial one's, and refuses to run as the host's root, where the request
would succeed on the host's own loopback. (The sandbox's map is the
initial one's too: every id to itself.)"""
import ctypes
import errno
import os
import socket
import struct
import sys

PR_GET_SECCOMP = 21
in_sandbox = ctypes.CDLL(None).prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2
with open("/proc/self/uid_map") as f:
    if not in_sandbox and f.read().split() == ["0", "0", "4294967295"]:
        sys.exit("net_caps_probe: refusing to run as the host's root")

RTM_NEWADDR, RTM_GETLINK = 20, 18
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFA_ADDRESS, IFA_LOCAL = 1, 2


def name(e):
    return errno.errorcode.get(e, str(e))


def new_addr(seq):
    """RTM_NEWADDR of 192.0.2.5/32 on lo."""
    addr = socket.inet_aton("192.0.2.5")
    rta = b"".join(struct.pack("HH", 8, t) + addr for t in (IFA_LOCAL, IFA_ADDRESS))
    body = struct.pack("BBBBI", socket.AF_INET, 32, 0, 0, socket.if_nametoindex("lo")) + rta
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("IHHII", 16 + len(body), RTM_NEWADDR, flags, seq, 0) + body


def ack(s):
    data = s.recv(65536)
    length, kind = struct.unpack_from("IH", data)
    if kind != NLMSG_ERROR:
        return "no acknowledgement (type %d)" % kind
    (err,) = struct.unpack_from("i", data, 16)
    return "ack " + ("ok" if err == 0 else name(-err))


def nl():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.settimeout(5)
    s.bind((0, 0))
    return s


def case(label, fn):
    try:
        out = fn()
    except OSError as e:
        out = name(e.errno)
    print("%s: %s" % (label, out or "ok"))


def nl_sendto_kernel():
    s = nl()
    s.sendto(new_addr(1), (0, 0))
    return ack(s)


def nl_sendmsg_kernel():
    s = nl()
    s.sendmsg([new_addr(2)], [], 0, (0, 0))
    return ack(s)


def nl_send():
    s = nl()
    s.send(new_addr(3))
    return ack(s)


def nl_sendto(pid, groups):
    return lambda: nl().sendto(new_addr(4), (pid, groups)) and None


def nl_connect(pid, groups):
    return lambda: nl().connect((pid, groups))


def nl_dump_links():
    s = nl()
    msg = struct.pack("IHHII", 32, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5, 0) + bytes(16)
    s.sendto(msg, (0, 0))
    data = s.recv(65536)
    (kind,) = struct.unpack_from("H", data, 4)
    return "a link" if kind == 16 else "type %d" % kind  # RTM_NEWLINK


def udp_cmsg(family, host, level, kind, data):
    def run():
        r = socket.socket(family, socket.SOCK_DGRAM)
        r.bind((host, 0))
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.sendmsg([b"x"], [(level, kind, data)], 0, r.getsockname())
    return run


case("netlink sendto the kernel, RTM_NEWADDR", nl_sendto_kernel)
case("netlink sendmsg to the kernel, RTM_NEWADDR", nl_sendmsg_kernel)
case("netlink send, RTM_NEWADDR", nl_send)
case("netlink sendto the kernel, RTM_GETLINK dump", nl_dump_links)
case("netlink sendto port 4242", nl_sendto(4242, 0))
case("netlink sendto group 1", nl_sendto(0, 1))
case("netlink connect port 4242", nl_connect(4242, 0))
case("netlink connect group 1", nl_connect(0, 1))
case("netlink connect the kernel", nl_connect(0, 0))
u32 = struct.pack("I", 1)
case("udp sendmsg SO_MARK", udp_cmsg(socket.AF_INET, "127.0.0.1", socket.SOL_SOCKET, socket.SO_MARK, u32))
case("udp sendmsg SO_PRIORITY 7", udp_cmsg(socket.AF_INET, "127.0.0.1", socket.SOL_SOCKET,
                                            socket.SO_PRIORITY, struct.pack("I", 7)))
case("udp sendmsg SO_PRIORITY 3", udp_cmsg(socket.AF_INET, "127.0.0.1", socket.SOL_SOCKET,
                                            socket.SO_PRIORITY, struct.pack("I", 3)))
if socket.has_ipv6 and os.path.exists("/proc/net/if_inet6"):
    padn = bytes([0, 0, 1, 4, 0, 0, 0, 0])  # next header, length 0, PadN of 4
    for opt in ("IPV6_HOPOPTS", "IPV6_DSTOPTS", "IPV6_RTHDRDSTOPTS"):
        case("udp6 sendmsg " + opt, udp_cmsg(socket.AF_INET6, "::1", socket.IPPROTO_IPV6,
                                              getattr(socket, opt, {"IPV6_RTHDRDSTOPTS": 55}.get(opt)), padn))
