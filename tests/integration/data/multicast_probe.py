# SPDX-License-Identifier: Apache-2.0
"""Multicast group joins, by any interface and by lo's address, IPv4 and
IPv6: what Linux gives in a network namespace whose only interface is lo
(ENODEV where no route names an interface) is what the sandbox gives
without network access."""
import errno
import socket
import struct


def join4(group, ifaddr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(group) + socket.inet_aton(ifaddr))
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
    finally:
        s.close()


def join6(group, ifindex):
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    except OSError:
        return "no IPv6"
    try:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(socket.AF_INET6, group) + struct.pack("I", ifindex))
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
    finally:
        s.close()


print("IPv4 any interface", join4("224.0.0.1", "0.0.0.0"))
print("IPv4 lo", join4("239.1.2.3", "127.0.0.1"))
print("IPv6 any interface", join6("ff02::1", 0))
print("IPv6 lo", join6("ff02::1", socket.if_nametoindex("lo")))
