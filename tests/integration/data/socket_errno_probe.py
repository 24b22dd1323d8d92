# socket(2) and socketpair(2) errnos for families, types and protocols that
# do not make a socket, through ctypes (the arguments exactly as given).
# "common" prints cases whose answer is the same on every Linux host for a
# process without CAP_NET_RAW in the host's network namespace; "sandbox"
# prints what the sandbox refuses on purpose, where the host may offer more
# (run only inside it).
import ctypes
import errno
import os
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
AF_ALG, AF_VSOCK = 38, 40
IPPROTO_MPTCP, IPPROTO_SCTP = 262, 132
NETLINK_ROUTE, NETLINK_NETFILTER = 0, 12
SOCK_PACKET = 10
S, D, R = socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW
INET, INET6, UNIX, NETLINK = socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.AF_NETLINK
PACKET = 17


def result(r):
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]


def sock(family, type_, proto):
    r = libc.socket(family, type_, proto)
    if r >= 0:
        os.close(r)
    return result(r)


def pair(family, type_, proto):
    fds = (ctypes.c_int * 2)()
    r = libc.socketpair(family, type_, proto, fds)
    if r >= 0:
        os.close(fds[0])
        os.close(fds[1])
    return result(r)


COMMON_SOCKET = [
    ("inet, type 11", INET, 11, 0),
    ("inet, type 15", INET, 15, 0),
    ("inet stream, unknown flag bit", INET, S | 0x10, 0),
    ("family 1000", 1000, S, 0),
    ("family -1", -1, S, 0),
    ("family 46", 46, S, 0),
    ("family 1000, type 11", 1000, 11, 0),
    ("inet, type 0", INET, 0, 0),
    ("inet, type 9", INET, 9, 0),
    ("inet6, type 9", INET6, 9, 0),
    ("inet stream, UDP", INET, S, socket.IPPROTO_UDP),
    ("inet dgram, TCP", INET, D, socket.IPPROTO_TCP),
    ("inet6 stream, UDP", INET6, S, socket.IPPROTO_UDP),
    ("inet6 dgram, ICMP", INET6, D, socket.IPPROTO_ICMP),
    ("inet dgram, ICMPv6", INET, D, socket.IPPROTO_ICMPV6),
    ("inet stream, protocol 300", INET, S, 300),
    ("inet stream, protocol -1", INET, S, -1),
    ("inet6 dgram, protocol 263", INET6, D, 263),
    ("inet raw, ICMP", INET, R, socket.IPPROTO_ICMP),
    ("inet raw, protocol 0", INET, R, 0),
    ("inet6 raw, protocol 0", INET6, R, 0),
    ("inet raw, protocol 300", INET, R, 300),
    ("inet6 raw, ICMPv6", INET6, R, socket.IPPROTO_ICMPV6),
    ("inet, SOCK_PACKET", INET, SOCK_PACKET, 0),
    ("inet6, SOCK_PACKET", INET6, SOCK_PACKET, 0),
    ("packet raw", PACKET, R, 0),
    ("packet dgram", PACKET, D, 0),
    ("packet stream", PACKET, S, 0),
    ("netlink stream, route", NETLINK, S, NETLINK_ROUTE),
    ("netlink stream, protocol 40", NETLINK, S, 40),
    ("netlink raw, protocol 40", NETLINK, R, 40),
    ("netlink raw, protocol -1", NETLINK, R, -1),
    ("unix stream, protocol 5", UNIX, S, 5),
    ("unix, type 9", UNIX, 9, 0),
    ("inet stream, TCP", INET, S | socket.SOCK_CLOEXEC, socket.IPPROTO_TCP),
    ("netlink dgram, route", NETLINK, D, NETLINK_ROUTE),
]
COMMON_PAIR = [
    ("inet stream", INET, S, 0),
    ("inet dgram", INET, D, 0),
    ("inet6 stream", INET6, S, 0),
    ("inet, type 11", INET, 11, 0),
    ("inet stream, UDP", INET, S, socket.IPPROTO_UDP),
    ("inet stream, protocol 300", INET, S, 300),
    ("inet raw", INET, R, 1),
    ("inet raw, protocol 0", INET, R, 0),
    ("inet, type 9", INET, 9, 0),
    ("netlink raw, route", NETLINK, R, NETLINK_ROUTE),
    ("netlink stream", NETLINK, S, 0),
    ("packet raw", PACKET, R, 0),
    ("family 1000", 1000, S, 0),
    ("unix stream", UNIX, S, 0),
    ("unix, type 9", UNIX, 9, 0),
    ("unix stream, unknown flag bit", UNIX, S | 0x10, 0),
]
SANDBOX_SOCKET = [
    ("inet stream, MPTCP", INET, S, IPPROTO_MPTCP),
    ("inet stream, SCTP", INET, S, IPPROTO_SCTP),
    ("inet seqpacket", INET, socket.SOCK_SEQPACKET, 0),
    ("inet dgram, UDP-Lite", INET, D, 136),
    ("netlink raw, netfilter", NETLINK, R, NETLINK_NETFILTER),
    ("alg seqpacket", AF_ALG, socket.SOCK_SEQPACKET, 0),
    ("vsock stream", AF_VSOCK, S, 0),
]

if sys.argv[1:] == ["common"]:
    for name, *args in COMMON_SOCKET:
        print("socket", name + ":", sock(*args))
    for name, *args in COMMON_PAIR:
        print("socketpair", name + ":", pair(*args))
elif sys.argv[1:] == ["sandbox"]:
    PR_GET_SECCOMP = 21
    if libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2:
        sys.exit("socket_errno_probe sandbox: not inside the sandbox")
    for name, *args in SANDBOX_SOCKET:
        print("socket", name + ":", sock(*args))
    print("socketpair inet stream, SCTP:", pair(INET, S, IPPROTO_SCTP))
else:
    sys.exit("usage: socket_errno_probe common|sandbox")
