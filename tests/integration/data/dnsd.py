#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small authoritative DNS server for the network tests' own internet.

    dnsd.py ADDR PORT ZONE LOG

ZONE has one record a line: "NAME TYPE VALUE" with TYPE A, AAAA or CNAME,
or "NAME DELAY SECONDS": the answers for NAME leave that much later (a slow
upstream; the other names are answered meanwhile).
Queries over UDP and TCP are answered from it (CNAME chains followed, the
records of the asked type at the end); unknown names get NXDOMAIN. A UDP
answer above 512 bytes is truncated (TC) so the client asks again over TCP.
Every query is logged to LOG as "udp|tcp NAME TYPE". Standard library only.
"""
import socket
import socketserver
import struct
import sys
import threading
import time

TYPES = {"A": 1, "CNAME": 5, "AAAA": 28}


def load(path):
    zone = {}
    for line in open(path):
        parts = line.split()
        if len(parts) != 3:
            continue
        name, rtype, value = parts[0].lower().rstrip("."), parts[1].upper(), parts[2]
        if rtype == "DELAY":
            zone.setdefault("delay", {})[name] = float(value)
            continue
        zone.setdefault(name, []).append((TYPES[rtype], value))
    return zone


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(msg):
    pos, labels = 12, []
    while True:
        n = msg[pos]
        pos += 1
        if n == 0:
            break
        labels.append(msg[pos:pos + n].decode("ascii", "replace"))
        pos += n
    qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
    return ".".join(labels), qtype, qclass, msg[12:pos + 4]


def rdata(rtype, value):
    if rtype == 1:
        return socket.inet_pton(socket.AF_INET, value)
    if rtype == 28:
        return socket.inet_pton(socket.AF_INET6, value)
    return encode_name(value)


def delay_of(zone, msg):
    try:
        return zone.get("delay", {}).get(parse_question(msg)[0].lower(), 0)
    except (IndexError, struct.error, UnicodeDecodeError):
        return 0


def answer(zone, msg, udp, log):
    ident, flags, qd = struct.unpack("!HHH", msg[:6])
    name, qtype, _, question = parse_question(msg)
    with open(log, "a") as f:
        f.write("%s %s %d\n" % ("udp" if udp else "tcp", name.lower(), qtype))
    records, cur, rcode = [], name.lower(), 3
    for _ in range(8):
        recs = zone.get(cur)
        if not recs:
            break
        rcode = 0
        cname = [v for t, v in recs if t == 5]
        if cname and qtype != 5:
            records.append((cur, 5, cname[0]))
            cur = cname[0].lower()
            continue
        records += [(cur, t, v) for t, v in recs if t == qtype]
        break
    body = b""
    for owner, rtype, value in records:
        data = rdata(rtype, value)
        body += encode_name(owner) + struct.pack("!HHIH", rtype, 1, 60, len(data)) + data
    out_flags = 0x8400 | (flags & 0x0100) | 0x0080 | rcode
    out = struct.pack("!HHHHHH", ident, out_flags, 1, len(records), 0, 0) + question + body
    if udp and len(out) > 512:
        out = struct.pack("!HHHHHH", ident, out_flags | 0x0200, 1, 0, 0, 0) + question
    return out


def main():
    addr, port, zone_path, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    zone = load(zone_path)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET

    class TCPHandler(socketserver.BaseRequestHandler):
        def handle(self):
            while True:
                head = self.request.recv(2)
                if len(head) < 2:
                    return
                (n,) = struct.unpack("!H", head)
                msg = b""
                while len(msg) < n:
                    part = self.request.recv(n - len(msg))
                    if not part:
                        return
                    msg += part
                time.sleep(delay_of(zone, msg))
                out = answer(zone, msg, False, log)
                self.request.sendall(struct.pack("!H", len(out)) + out)

    class TCPServer(socketserver.ThreadingTCPServer):
        address_family = family
        allow_reuse_address = True
        daemon_threads = True

    tcp = TCPServer((addr, port), TCPHandler)
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.bind((addr, port))
    def reply(msg, peer):
        try:
            udp.sendto(answer(zone, msg, True, log), peer)
        except (IndexError, struct.error, UnicodeDecodeError):
            pass

    while True:
        msg, peer = udp.recvfrom(4096)
        delay = delay_of(zone, msg)
        if delay:
            threading.Timer(delay, reply, (msg, peer)).start()
        else:
            reply(msg, peer)


if __name__ == "__main__":
    main()
