#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Network mode egress: a route out, every destination decided by the sentry.
# The test builds its own small internet: a network namespace joined to the
# host by a veth pair on documentation addresses (198.51.100.0/24,
# 2001:db8:1::/64), an HTTP server, a UDP echo and a small DNS server
# (data/dnsd.py, the sandbox resolver's upstream) in it.
#
# Every egress and names test runs with each engine, pasta and slirp4netns
# (forced with RUNSC_C_NET_ENGINE; slirp4netns has no -p here, which
# tests/integration/publish.sh covers): allowed destinations are reached
# over TCP (IPv4 and IPv6) and UDP; refused ones fail with EPERM on
# connect, sendto, sendmsg, one element of sendmmsg and MSG_FASTOPEN, each
# audited with its rule; the host's own loopback stays out of reach;
# `policy learn` writes entries for UDP destinations. Names: allowed names
# resolve (UDP, TCP, CNAME chains, truncated answers asked again over TCP)
# and connect, other names get NXDOMAIN and their addresses stay refused,
# answers with private or loopback addresses (rebinding) are emptied, a
# query to another DNS server is refused, hostile queries change nothing, a
# query whose upstream is slow does not hold up another one, a burst of
# lookups from many threads is answered in full, curl, git
# clone over HTTP, pip download and Node's fetch work by name (and fail for
# a refused name or address), and `policy learn` writes host entries. The
# engine and the resolver (as nobody, under its filter) are gone after a
# normal exit, a timeout, a kill -9 of runsc-c and a killed resolver; the
# engine sits in the sandbox's cgroup and, without -p, listens on no host
# port. Per engine: `ip addr` inside shows the host's interface and address
# (pasta), or tap0 with 10.0.2.100/24 and fd00::100/64 set before the guest
# runs, a gateway that does not lead to the host's loopback, a DNS
# forwarder (10.0.2.3) that is refused (slirp4netns). With each engine a
# closed port of an allowed host refuses a blocking connect at once, twice
# on one socket, over IPv4 and IPv6, as it does natively.
#
# Without the engine: mode none is unchanged; a bad RUNSC_C_NET_ENGINE or
# RUNSC_C_DNS_UPSTREAM is a usage error (exit 2, one line naming it and its
# value, nothing written by policy learn); slirp4netns is taken when pasta
# is not in PATH; with neither an egress sandbox does not start (one
# message naming both and their packages, exit 125) and mode none still
# runs. The namespace, the veth pair and the servers are removed at the end.
. "$(dirname "$0")/lib.sh"

if ! command -v pasta >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
	skip "network tests" "pasta (passt) or ip (iproute2) missing"
	done_testing
	exit
fi

NS=rcnet$$
HV=rcn${$}h
GV=rcn${$}g
. "$(dirname "$0")/netlab.sh"
cleanup_net() {
	cleanup_hooks
	netlab_down "$NS" "$HV"
	rm -rf "$TMP"
}
trap cleanup_net EXIT

netlab_up "$NS" "$HV" "$GV" || {
	not_ok "building the test's internet" "ip netns/veth failed"
	done_testing
	exit
}
V6=$NETLAB_V6

mkdir -p "$TMP/www" "$TMP/t"
echo "hello from the test internet" >"$TMP/www/hello.txt"
ip netns exec "$NS" python3 -m http.server --bind :: --directory "$TMP/www" 8080 \
	>/dev/null 2>&1 &
cleanup_later $!
cat >"$TMP/t/echo.py" <<'EOP'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
EOP
ip netns exec "$NS" python3 "$TMP/t/echo.py" &
cleanup_later $!
# The DNS server of the test's internet: the sandbox resolver's upstream.
{
	echo "www.web.test CNAME edge.cdn.test"
	echo "edge.cdn.test A 198.51.100.2"
	echo "edge.cdn.test AAAA 2001:db8:1::2"
	echo "other.web.test A 198.51.100.3"
	echo "slow.web.test A 198.51.100.2"
	echo "slow.web.test DELAY 1.5"
	echo "rebind.web.test A 10.1.2.3"
	echo "rebind.web.test A 127.0.0.1"
	echo "rebind.web.test A 169.254.169.254"
	for i in $(seq 2 45); do echo "big.web.test A 198.51.100.$i"; done
} >"$TMP/zone"
: >"$TMP/dns.log"
ip netns exec "$NS" python3 "$(dirname "$0")/data/dnsd.py" 198.51.100.2 53 "$TMP/zone" \
	"$TMP/dns.log" >/dev/null 2>&1 &
cleanup_later $!
export RUNSC_C_DNS_UPSTREAM=198.51.100.2
# A listener on the host's own loopback: never reachable from a sandbox.
cat >"$TMP/t/listen.py" <<'EOP'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.sendall(b"host loopback\n")
    c.close()
EOP
python3 "$TMP/t/listen.py" "$TMP/port" &
cleanup_later $!
i=0
while [ $i -lt 100 ]; do
	[ -s "$TMP/port" ] && curl -s -o /dev/null --max-time 1 http://198.51.100.2:8080/ 2>/dev/null && break
	[ -s "$TMP/port" ] && ! command -v curl >/dev/null && python3 -c 'import urllib.request; urllib.request.urlopen("http://198.51.100.2:8080/", timeout=1)' 2>/dev/null && break
	sleep 0.1
	i=$((i + 1))
done
HOSTPORT=$(cat "$TMP/port")

cat >"$TMP/t/egress.yaml" <<'EOP'
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
  allow:
    - {cidr: 198.51.100.0/24}
    - {cidr: "2001:db8::/32"}
    - {cidr: 203.0.113.0/24}
    - {cidr: 127.0.0.0/8}
  deny:
    - {cidr: 203.0.113.0/24}
EOP
POL=$TMP/t/egress.yaml
# slirp4netns's own network allowed: its gateway must still not lead to the
# host's loopback (--disable-host-loopback).
sed 's|    - {cidr: 127.0.0.0/8}|    - {cidr: 127.0.0.0/8}\n    - {cidr: 10.0.2.0/24}|' "$POL" >"$TMP/t/slirp-gw.yaml"
DENY_LINE=$(grep -n 'deny:' "$POL" | cut -d: -f1)
DENY_LINE=$((DENY_LINE + 1))

# The probe: first that it runs inside a sandbox (seccomp filter mode), then
# each path a packet can take.
cat >"$TMP/t/probe.py" <<'EOP'
import ctypes, errno, os, socket, sys, urllib.request

def seccomp_mode():
    for line in open("/proc/self/status"):
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return 0

if seccomp_mode() != 2:
    print("not in a sandbox")
    sys.exit(3)

def err(f):
    try:
        r = f()
        return "ok %s" % (r,)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))

def get(url):
    return urllib.request.urlopen(url, timeout=10).read().decode().strip()

what = sys.argv[1]
if what == "http4":
    print(get("http://198.51.100.2:8080/hello.txt"))
elif what == "http6":
    print(get("http://[2001:db8:1::2]:8080/hello.txt"))
elif what == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(b"echo me", ("198.51.100.2", 9999))
    print(s.recvfrom(100)[0].decode())
elif what == "refused":
    bad = ("203.0.113.9", 80)
    print("connect", err(lambda: socket.socket().connect(bad)))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print("sendto", err(lambda: u.sendto(b"x", bad)))
    print("sendmsg", err(lambda: u.sendmsg([b"x"], [], 0, bad)))
    print("fastopen", err(lambda: socket.socket().sendto(b"x", socket.MSG_FASTOPEN, bad)))
    # One fd number, a stream socket's (whose address a send ignores) and
    # then a datagram socket's, dup2'd over it: the second send is decided.
    t = socket.socket()
    print("stream", err(lambda: t.sendmsg([b"x"], [], 0, bad)))
    d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    os.dup2(d.fileno(), t.fileno())
    print("reused", err(lambda: t.sendmsg([b"x"], [], 0, bad)))
    # sendmmsg: an allowed datagram, then a refused one: one is sent.
    libc = ctypes.CDLL(None, use_errno=True)
    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    class msghdr(ctypes.Structure):
        _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                    ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                    ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                    ("flags", ctypes.c_int)]
    class mmsghdr(ctypes.Structure):
        _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]
    def sin(host, port):
        b = (2).to_bytes(2, "little") + port.to_bytes(2, "big") + socket.inet_aton(host) + bytes(8)
        return ctypes.create_string_buffer(b, 16)
    names = [sin("198.51.100.2", 9999), sin("203.0.113.9", 9999)]
    data = ctypes.create_string_buffer(b"mm", 2)
    iovs = [iovec(ctypes.cast(data, ctypes.c_void_p), 2) for _ in names]
    vec = (mmsghdr * 2)()
    for i in range(2):
        vec[i].hdr.name = ctypes.cast(names[i], ctypes.c_void_p)
        vec[i].hdr.namelen = 16
        vec[i].hdr.iov = ctypes.pointer(iovs[i])
        vec[i].hdr.iovlen = 1
    n = libc.sendmmsg(u.fileno(), vec, 2, 0)
    print("sendmmsg", n, vec[0].len)
    n = libc.sendmmsg(u.fileno(), ctypes.byref(vec[1]), 1, 0)
    print("sendmmsg-refused", n, errno.errorcode.get(ctypes.get_errno(), "?"))
elif what == "loopback":
    port = int(sys.argv[2])
    s = socket.socket()
    s.settimeout(5)
    print("loopback", err(lambda: s.connect(("127.0.0.1", port))))
elif what == "gateway":
    # slirp4netns's gateway, which leads to the host's loopback unless
    # slirp4netns is told otherwise.
    gw, port = sys.argv[2], int(sys.argv[3])
    s = socket.socket()
    s.settimeout(5)
    print("gateway", err(lambda: s.connect((gw, port))))
elif what == "none":
    s = socket.socket()
    s.settimeout(5)
    print("none", err(lambda: s.connect(("198.51.100.2", 8080))))
    print("interfaces", " ".join(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])))
EOP

probe() { runsc -v "$TMP/t:/t" "$@"; }

# A blocking connect to an address whose port is closed, twice on the same
# socket: refused each time on Linux. Run natively and in the sandbox; its
# send timeout (which bounds a blocking connect: EINPROGRESS) only keeps a
# connect that is never answered from holding the test for minutes.
cat >"$TMP/t/closed.py" <<'EOP'
import errno, socket, struct, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 30, 0))
out = []
for _ in range(2):
    try:
        s.connect((sys.argv[1], int(sys.argv[2])))
        out.append("connected")
    except OSError as e:
        out.append(errno.errorcode.get(e.errno, str(e.errno)))
print("closed port", " ".join(out))
EOP
closed() {
	probe --policy "$POL" -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status &&
		python3 /t/closed.py "$@"' closed "$@" 2>&1
}

# A query of the guest's own to a DNS server by address (slirp4netns's
# forwarder, or the test's): refused like any other destination.
cat >>"$TMP/t/probe.py" <<'EOP'
elif what == "dnsdirect":
    import struct
    q = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x03www\x03web\x04test\x00" + struct.pack("!HH", 1, 1)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print("dnsdirect", err(lambda: u.sendto(q, (sys.argv[2], 53))))
EOP

# ---- names: the sandbox's own resolver ----
cat >"$TMP/t/dns.yaml" <<'EOP'
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
  allow:
    - {host: www.web.test, ports: [8080]}
    - {host: rebind.web.test}
    - {host: "*.web.test", ports: [8080]}
  deny:
    - {host: other.web.test}
audit:
  allowed: true
EOP
DNSPOL=$TMP/t/dns.yaml
OTHER_LINE=$(grep -n 'other.web.test' "$DNSPOL" | cut -d: -f1)
cat >"$TMP/t/dns.py" <<'EOP'
import errno, os, socket, struct, sys, urllib.request

def seccomp_mode():
    for line in open("/proc/self/status"):
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return 0

if seccomp_mode() != 2:
    print("not in a sandbox")
    sys.exit(3)

def addrs(name, family=socket.AF_INET):
    try:
        return " ".join(sorted(set(a[4][0] for a in socket.getaddrinfo(name, 8080, family, socket.SOCK_STREAM))))
    except socket.gaierror as e:
        return {socket.EAI_NONAME: "NONAME", socket.EAI_NODATA: "NODATA"}.get(e.errno, str(e))

def connect(addr, port=8080):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.settimeout(10)
    try:
        s.connect((addr, port))
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))

what = sys.argv[1]
if what == "tcp":
    # Every query over TCP (glibc's use-vc), read at the first lookup.
    os.environ["RES_OPTIONS"] = "use-vc"
if what in ("names", "tcp"):
    print("www", addrs("www.web.test"))
    print(urllib.request.urlopen("http://www.web.test:8080/hello.txt", timeout=10).read().decode().strip())
if what == "v6":
    print("www6", addrs("www.web.test", socket.AF_INET6))
    print("connect6", connect("2001:db8:1::2"))
elif what == "refused":
    print("other", addrs("other.web.test"))
    print("unknown", addrs("nothing.example"))
    print("connect", connect("198.51.100.3"))
    print("connect-unresolved", connect("198.51.100.2"))
    # A query of its own to another DNS server: refused like any address.
    q = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x05other\x03web\x04test\x00" + struct.pack("!HH", 1, 1)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.sendto(q, ("198.51.100.2", 53))
        print("direct ok")
    except OSError as e:
        print("direct", errno.errorcode.get(e.errno, str(e.errno)))
elif what == "burst":
    # Many lookups at once (A and AAAA each): the resolver's workers
    # answer them side by side, and every one gets its answer.
    import threading
    failed = []
    def lookups():
        for _ in range(25):
            try:
                socket.getaddrinfo("www.web.test", 8080, socket.AF_UNSPEC, socket.SOCK_STREAM)
            except socket.gaierror as e:
                failed.append(str(e))
    threads = [threading.Thread(target=lookups) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("lookups failed:", len(failed), " ".join(sorted(set(failed))))
    print("after", addrs("www.web.test"))
elif what == "rebind":
    print("rebind", addrs("rebind.web.test"))
    print("connect", connect("10.1.2.3"))
    print("metadata", connect("169.254.169.254", 80))
elif what == "hostile":
    # Malformed and hostile messages to the resolver, over UDP and TCP;
    # it must keep answering.
    hdr = lambda ident, flags, qd, an=0: struct.pack("!HHHHHH", ident, flags, qd, an, 0, 0)
    q = lambda name: b"".join(bytes([len(l)]) + l for l in name) + b"\x00" + struct.pack("!HH", 1, 1)
    bad = [
        b"",
        b"\x00",
        hdr(1, 0x0100, 1)[:11],
        hdr(2, 0x0100, 1),                                   # a question count, no question
        hdr(3, 0x0100, 2) + q([b"www", b"web", b"test"]) * 2, # two questions
        hdr(4, 0x8100, 1) + q([b"www", b"web", b"test"]),     # an answer, not a query
        hdr(5, 0x2900, 1) + q([b"www", b"web", b"test"]),     # opcode 5 (update)
        hdr(6, 0x0100, 1) + b"\xc0\x0c" + struct.pack("!HH", 1, 1),  # a pointer to itself
        hdr(7, 0x0100, 1) + b"\x3f" + b"a" * 10,                 # a label past the end
        hdr(8, 0x0100, 1) + q([b"w\x00w", b"web", b"test"]),   # a NUL inside a label
        hdr(9, 0x0100, 1) + q([b"a" * 63] * 5),                # a name too long
        hdr(10, 0x0100, 1) + q([b"www", b"web", b"test"])[:-4] + struct.pack("!HH", 1, 3),  # class CH
        b"\xff" * 512,                                      # garbage (QR set: dropped)
    ]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    answers = []
    for m in bad:
        u.sendto(m, ("127.0.0.53", 53))
        try:
            a = u.recv(4096)
            answers.append("%d:%d" % (struct.unpack("!H", a[:2])[0], a[3] & 0xf))
        except socket.timeout:
            answers.append("-")
    print("udp", " ".join(answers))
    for m in [struct.pack("!H", 65535) + b"x" * 100, struct.pack("!H", 5) + b"abcde", b"\x00"]:
        t = socket.create_connection(("127.0.0.53", 53), timeout=5)
        t.sendall(m)
        t.shutdown(socket.SHUT_WR)
        try:
            t.recv(100)
        except OSError:
            pass
        t.close()
    print("after", addrs("www.web.test"))
elif what == "concurrent":
    # A name whose upstream answer is slow, then another: the resolver
    # answers the second while the first still waits upstream.
    import threading, time
    done = []
    def look(name):
        done.append("%s %s" % (name.split(".")[0], addrs(name)))
    slow = threading.Thread(target=look, args=("slow.web.test",))
    slow.start()
    time.sleep(0.3)  # the slow query reaches the resolver first
    look("www.web.test")
    slow.join()
    print("\n".join(done))
elif what == "big":
    a = addrs("big.web.test").split()
    print("big", len(a))
    print("connect", connect("198.51.100.2"))
    print("connect-port", connect("198.51.100.2", 8081))
EOP

# Node's fetch, git clone over HTTP (a bare repository served by the test's
# web server) and pip download from a package index there: real programs
# that reach their servers by name.
HAVE_NODE=no
if command -v node >/dev/null 2>&1 && node -e 'process.exit(typeof fetch === "function" ? 0 : 1)' 2>/dev/null; then
	HAVE_NODE=yes
	cat >"$TMP/t/fetch.js" <<'EOP'
const fs = require("fs");
const mode = (fs.readFileSync("/proc/self/status", "utf8").match(/^Seccomp:\s*(\d+)/m) || [])[1];
if (mode !== "2") { console.log("not in a sandbox"); process.exit(3); }
async function get(url) {
  try {
    const r = await fetch(url);
    return "ok " + (await r.text()).trim();
  } catch (e) {
    return "failed " + ((e.cause && e.cause.code) || e.message);
  }
}
(async () => {
  for (const url of process.argv.slice(2)) console.log(await get(url));
})();
EOP
fi
HAVE_REPO=no
if command -v git >/dev/null 2>&1 &&
	git init -q --bare "$TMP/www/repo.git" && git init -q "$TMP/work" &&
	echo "cloned by name" >"$TMP/work/README" &&
	git -C "$TMP/work" add README &&
	git -C "$TMP/work" -c user.name=t -c user.email=t@example.com commit -q -m init &&
	git -C "$TMP/work" push -q "$TMP/www/repo.git" HEAD:refs/heads/main 2>/dev/null &&
	git -C "$TMP/www/repo.git" symbolic-ref HEAD refs/heads/main &&
	git -C "$TMP/www/repo.git" update-server-info; then
	HAVE_REPO=yes
fi
python3 - "$TMP/www" <<'EOP'
import base64, hashlib, os, sys, zipfile
www = sys.argv[1]
os.makedirs(www + "/files", exist_ok=True)
os.makedirs(www + "/simple/demo-pkg", exist_ok=True)
name = "demo_pkg-1.0-py3-none-any.whl"
files = {
    "demo_pkg/__init__.py": b"VALUE = 1\n",
    "demo_pkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n",
    "demo_pkg-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = ""
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record += "%s,sha256=%s,%d\n" % (path, digest, len(data))
record += "demo_pkg-1.0.dist-info/RECORD,,\n"
with zipfile.ZipFile(www + "/files/" + name, "w") as z:
    for path, data in files.items():
        z.writestr(path, data)
    z.writestr("demo_pkg-1.0.dist-info/RECORD", record)
open(www + "/simple/demo-pkg/index.html", "w").write(
    '<html><body><a href="../../files/%s">%s</a></body></html>\n' % (name, name))
EOP

ifaddrs() { awk '$2 != "lo" { print $2, $4 }'; }
dns() { probe --policy "$DNSPOL" "$@"; }
to=$(command -v timeout)

# ---- what does not depend on the engine ----

out=$(probe -- python3 /t/probe.py none 2>&1)
check "mode none: unchanged, loopback only and no route" "none ENETUNREACH
interfaces lo" "$out"

# The route out's variables: a bad value is a usage error, found before
# anything starts (exit 2, one line naming the variable and its value,
# nothing written by policy learn); mode none does not read them.
out=$(RUNSC_C_NET_ENGINE=nonsense runsc --policy "$POL" -- true 2>&1)
check_rc "a bad RUNSC_C_NET_ENGINE exits 2" 2 $? "$out"
check "a bad RUNSC_C_NET_ENGINE: one line naming the variable and its value" \
	"runsc-c do: RUNSC_C_NET_ENGINE: expected pasta or slirp4netns, got 'nonsense'" "$out"
out=$(RUNSC_C_DNS_UPSTREAM=nonsense runsc --policy "$DNSPOL" -- true 2>&1)
check_rc "a bad RUNSC_C_DNS_UPSTREAM exits 2" 2 $? "$out"
check "a bad RUNSC_C_DNS_UPSTREAM: one line naming the variable and its value" \
	"runsc-c do: RUNSC_C_DNS_UPSTREAM: expected an IPv4 address, got 'nonsense'" "$out"
echo "kept" >"$TMP/learn-kept.yaml"
out=$(RUNSC_C_NET_ENGINE=pasta2 timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn \
	-o "$TMP/learn-kept.yaml" --from "$POL" -- true </dev/null 2>&1)
check_rc "policy learn with a bad RUNSC_C_NET_ENGINE exits 2" 2 $? "$out"
check "policy learn with a bad RUNSC_C_NET_ENGINE: the same line, the output untouched" \
	"runsc-c do: RUNSC_C_NET_ENGINE: expected pasta or slirp4netns, got 'pasta2'
kept" "$out
$(cat "$TMP/learn-kept.yaml")"
out=$(RUNSC_C_NET_ENGINE=nonsense RUNSC_C_DNS_UPSTREAM=nonsense runsc -- true 2>&1)
check_rc "mode none: the route out's variables are not read" 0 $? "$out"

# No engine: a PATH holding neither (nothing is uninstalled).
mkdir -p "$TMP/noengine"
noengine() {
	PATH=$TMP/noengine "$to" -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet "$@" </dev/null
}
out=$(noengine --policy "$POL" -- /bin/true 2>&1)
check_rc "egress without pasta or slirp4netns: the sandbox does not start" 125 $? "$out"
check "egress without pasta or slirp4netns: one line naming both and their packages" \
	"runsc-c: network mode egress needs a route out: pasta (Debian package passt) or slirp4netns (Debian package slirp4netns), and neither is installed: they are in no directory of PATH" "$out"
out=$(RUNSC_C_NET_ENGINE=slirp4netns noengine --policy "$POL" -- /bin/true 2>&1)
check_rc "RUNSC_C_NET_ENGINE=slirp4netns, not installed: exit 125" 125 $? "$out"
check "RUNSC_C_NET_ENGINE=slirp4netns, not installed: one line naming it and its package" \
	"runsc-c: RUNSC_C_NET_ENGINE=slirp4netns: slirp4netns (Debian package slirp4netns) is not installed: it is in no directory of PATH" "$out"
out=$(noengine -- /bin/true 2>&1)
check_rc "mode none needs no engine: it runs without pasta or slirp4netns" 0 $? "$out"
if command -v slirp4netns >/dev/null 2>&1; then
	mkdir -p "$TMP/nopasta"
	ln -s "$(command -v slirp4netns)" "$TMP/nopasta/slirp4netns"
	out=$(PATH=$TMP/nopasta "$to" -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet --policy "$POL" \
		-- /usr/sbin/ip -o -4 addr show </dev/null 2>&1)
	check "slirp4netns: taken when pasta is not installed" "tap0 10.0.2.100/24" \
		"$(printf '%s\n' "$out" | ifaddrs)"
fi

# ---- egress: the same tests with each engine ----

# E: the engine, prefixing each test's name.
egress_tests() {
	out=$(probe --policy "$POL" -- python3 /t/probe.py http4 2>&1)
	check "$E: egress: an allowed cidr reaches its HTTP server over IPv4" "hello from the test internet" "$out"
	if [ "$V6" = yes ]; then
		out=$(probe --policy "$POL" -- python3 /t/probe.py http6 2>&1)
		check "$E: egress: an allowed cidr reaches its HTTP server over IPv6" "hello from the test internet" "$out"
	else
		skip "$E: egress: IPv6" "the host has no IPv6 default route"
	fi
	out=$(probe --policy "$POL" -- python3 /t/probe.py udp 2>&1)
	check "$E: egress: an allowed cidr answers a UDP datagram" "echo me" "$out"

	rm -f "$TMP/audit.jsonl"
	out=$(probe --policy "$POL" --audit "$TMP/audit.jsonl" -- python3 /t/probe.py refused 2>&1)
	check "$E: egress: refused connect, sendto, sendmsg (also on an fd number a stream socket had), MSG_FASTOPEN and a sendmmsg element" \
		"connect EPERM
sendto EPERM
sendmsg EPERM
fastopen EPERM
stream EPIPE
reused EPERM
sendmmsg 1 2
sendmmsg-refused -1 EPERM" "$out"
	audit=$(cat "$TMP/audit.jsonl" 2>/dev/null)
	for call in connect:connect sendto:send sendmsg:send sendmmsg:send; do
		sc=${call%%:*} access=${call#*:}
		check_contains "$E: egress: the refused $sc is audited with its rule" \
			"\"syscall\": \"$sc\", \"object\": \"203.0.113.9:" "$audit"
		check_contains "$E: egress: the $sc record names $POL:$DENY_LINE" \
			"\"access\": \"$access\", \"decision\": \"deny\", \"rule\": \"$POL:$DENY_LINE\"" \
			"$(printf '%s\n' "$audit" | grep "\"syscall\": \"$sc\"")"
	done

	# A closed port of an allowed host: refused at once, as natively (pasta
	# answers with a reset the guest would drop without the classifier
	# network.c adds).
	out=$(python3 "$TMP/t/closed.py" 198.51.100.2 7999 2>&1)
	check "$E: egress: a closed port refuses a blocking connect, twice on one socket, as natively" \
		"closed port ECONNREFUSED ECONNREFUSED
closed port ECONNREFUSED ECONNREFUSED" "$out
$(closed 198.51.100.2 7999)"
	if [ "$V6" = yes ]; then
		out=$(python3 "$TMP/t/closed.py" 2001:db8:1::2 7999 2>&1)
		check "$E: egress: a closed port refuses a blocking IPv6 connect, as natively" \
			"closed port ECONNREFUSED ECONNREFUSED
closed port ECONNREFUSED ECONNREFUSED" "$out
$(closed 2001:db8:1::2 7999)"
	fi

	out=$(probe --policy "$POL" -- python3 /t/probe.py loopback "$HOSTPORT" 2>&1)
	check "$E: egress: a listener on the host's 127.0.0.1 is unreachable" "loopback ECONNREFUSED" "$out"

	# policy learn: datagrams sent to an address need an entry too.
	rm -f "$TMP/learned-udp.yaml"
	out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn -o "$TMP/learned-udp.yaml" \
		--from "$POL" -v "$TMP/t:/t" -- python3 /t/probe.py udp </dev/null 2>&1)
	check_contains "$E: egress: policy learn writes an entry for a UDP sendto destination" \
		"- {cidr: '198.51.100.2', ports: [9999]}" "$(cat "$TMP/learned-udp.yaml" 2>&1)"
	out=$(probe --policy "$TMP/learned-udp.yaml" -- python3 /t/probe.py udp 2>&1)
	check "$E: egress: the learned policy sends the datagram again" "echo me" "$out"
}

# What the guest sees of pasta's network: the interface of the host's
# default route, with the host's address on it.
pasta_tests() {
	dev=$(ip -o -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
	if [ -n "$dev" ]; then
		want=$(ip -o -4 addr show dev "$dev" | ifaddrs | head -1)
		out=$(probe --policy "$POL" -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status && ip -o -4 addr show' 2>&1)
		check "pasta: egress: ip addr inside shows the host's interface and address" "$want" \
			"$(printf '%s\n' "$out" | ifaddrs)"
	else
		skip "pasta: egress: ip addr inside shows the host's interface and address" "no IPv4 default route"
	fi
}

# What the guest sees of slirp4netns's network: tap0 on 10.0.2.0/24, with
# IPv6 set before it runs; its gateway and its DNS forwarder (which leads to
# the host's resolver) are destinations like any other.
slirp_tests() {
	out=$(probe --policy "$POL" -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status && ip -o -4 addr show' 2>&1)
	check "slirp4netns: egress: ip addr inside shows tap0 and its address" "tap0 10.0.2.100/24" \
		"$(printf '%s\n' "$out" | ifaddrs)"
	# IPv6 is configured before the guest runs (not left to a router
	# advertisement that comes later), so the IPv6 connect of egress_tests,
	# made at the guest's first instant, finds its route.
	out=$(probe --policy "$POL" -- sh -c 'grep -q "^Seccomp:.*2" /proc/self/status &&
		ip -o -6 addr show dev tap0 scope global && ip -6 route show default' 2>&1)
	# (A router advertisement may have added its own address and route.)
	check_contains "slirp4netns: egress: tap0 has fd00::100/64 from the start" "tap0 fd00::100/64" \
		"$(printf '%s\n' "$out" | ifaddrs)"
	check_contains "slirp4netns: egress: and a default route via fd00::2" \
		"default via fd00::2 dev tap0 proto static" "$out"
	out=$(probe --policy "$POL" -- python3 /t/probe.py gateway 10.0.2.2 "$HOSTPORT" 2>&1)
	check "slirp4netns: egress: its gateway is refused by a policy that does not name it" \
		"gateway EPERM" "$out"
	out=$(probe --policy "$TMP/t/slirp-gw.yaml" -- python3 /t/probe.py gateway 10.0.2.2 "$HOSTPORT" 2>&1)
	check "slirp4netns: egress: its gateway leads not to the host's loopback, even when allowed" \
		"gateway ENETUNREACH" "$out"
	out=$(dns -- python3 /t/probe.py dnsdirect 10.0.2.3 2>&1)
	check "slirp4netns: names: a query to its own DNS forwarder (10.0.2.3) is refused" \
		"dnsdirect EPERM" "$out"
}

# The sandbox's own resolver.
names_tests() {
	: >"$TMP/dns.log"
	rm -f "$TMP/dns-audit.jsonl"
	out=$(dns --audit "$TMP/dns-audit.jsonl" -- python3 /t/dns.py names 2>&1)
	check "$E: names: an allowed name behind a CNAME resolves and its server is reached" \
		"www 198.51.100.2
hello from the test internet" "$out"
	check_contains "$E: names: the resolver asked the test's DNS server" "udp www.web.test 1" \
		"$(cat "$TMP/dns.log")"
	audit=$(cat "$TMP/dns-audit.jsonl" 2>/dev/null)
	check_contains "$E: names: the connect record names the host it was resolved for" \
		'"object": "198.51.100.2:8080", "host": "www.web.test", "access": "connect", "decision": "allow"' \
		"$audit"
	out=$(dns -- cat /etc/resolv.conf 2>&1)
	check_contains "$E: names: the sandbox's /etc/resolv.conf names its own resolver" \
		"nameserver 127.0.0.53" "$out"

	if [ "$V6" = yes ]; then
		out=$(dns -- python3 /t/dns.py v6 2>&1)
		check "$E: names: AAAA answers bind IPv6 addresses" "www6 2001:db8:1::2
connect6 ok" "$out"
	else
		skip "$E: names: AAAA" "the host has no IPv6 default route"
	fi

	if command -v curl >/dev/null 2>&1; then
		out=$(dns -- curl -sS --max-time 10 http://www.web.test:8080/hello.txt 2>&1)
		check "$E: names: curl fetches by name" "hello from the test internet" "$out"
	else
		skip "$E: names: curl fetches by name" "curl missing"
	fi
	if [ $HAVE_NODE = yes ]; then
		out=$(dns -- node /t/fetch.js http://www.web.test:8080/hello.txt \
			http://other.web.test:8080/hello.txt http://203.0.113.9:8080/hello.txt 2>&1)
		check "$E: names: Node's fetch reaches an allowed host; a refused name and address fail" \
			"ok hello from the test internet
failed ENOTFOUND
failed EPERM" "$out"
	else
		skip "$E: names: Node's fetch" "node (18 or later, with fetch) is not installed"
	fi
	if [ $HAVE_REPO = yes ]; then
		out=$(dns -- sh -c 'git clone -q http://www.web.test:8080/repo.git /tmp/clone && cat /tmp/clone/README' 2>&1)
		check "$E: names: git clone over HTTP by name" "cloned by name" "$out"
	else
		skip "$E: names: git clone over HTTP by name" "git missing or the repository could not be made"
	fi
	if /usr/bin/python3 -m pip --version >/dev/null 2>&1; then
		out=$(dns -- sh -c '/usr/bin/python3 -m pip download -q --disable-pip-version-check --no-deps \
			--trusted-host www.web.test --index-url http://www.web.test:8080/simple/ -d /tmp/dl demo-pkg &&
			ls /tmp/dl' 2>&1)
		check "$E: names: pip download from a package index by name" "demo_pkg-1.0-py3-none-any.whl" "$out"
	else
		skip "$E: names: pip download from a package index by name" "pip missing"
	fi

	: >"$TMP/dns.log"
	out=$(dns -- python3 /t/dns.py tcp 2>&1)
	check "$E: names: queries over TCP" "www 198.51.100.2
hello from the test internet" "$out"

	: >"$TMP/dns.log"
	rm -f "$TMP/dns-audit.jsonl"
	out=$(dns --audit "$TMP/dns-audit.jsonl" -- python3 /t/dns.py refused 2>&1)
	check "$E: names: other names get NXDOMAIN and their addresses stay refused" \
		"other NONAME
unknown NONAME
connect EPERM
connect-unresolved EPERM
direct EPERM" "$out"
	check "$E: names: a refused name never reaches the upstream resolver" "" "$(cat "$TMP/dns.log")"
	audit=$(cat "$TMP/dns-audit.jsonl" 2>/dev/null)
	check_contains "$E: names: the refused name is audited with the deny entry" \
		"\"syscall\": \"dns\", \"object\": \"other.web.test\", \"access\": \"resolve\", \"decision\": \"deny\", \"rule\": \"$DNSPOL:$OTHER_LINE\"" \
		"$audit"
	check_contains "$E: names: a name no entry matches is audited" \
		'"object": "nothing.example", "access": "resolve", "decision": "deny", "rule": null' "$audit"

	: >"$TMP/dns.log"
	out=$(dns -- python3 /t/dns.py hostile 2>&1)
	check "$E: names: malformed and hostile queries get FORMERR, NOTIMP, REFUSED, NXDOMAIN or nothing" \
		"udp - - - 2:1 3:1 - 5:4 6:1 7:1 8:3 9:1 10:5 -
after 198.51.100.2" "$out"
	check "$E: names: none of them reached the upstream resolver" "udp www.web.test 1" "$(cat "$TMP/dns.log")"

	out=$(dns -- python3 /t/dns.py burst 2>&1)
	check "$E: names: 300 lookups from 12 threads at once all get their answer" \
		"lookups failed: 0 
after 198.51.100.2" "$out"

	out=$(dns -- python3 /t/dns.py rebind 2>&1)
	check "$E: names: an allowed name answering loopback, private and metadata addresses binds none" \
		"rebind NODATA
connect EPERM
metadata EPERM" "$out"

	: >"$TMP/dns.log"
	out=$(dns -- python3 /t/dns.py concurrent 2>&1)
	check "$E: names: a query whose upstream is slow does not hold up another one" "www 198.51.100.2
slow 198.51.100.2" "$out"
	check_contains "$E: names: both queries reached the upstream resolver" "udp slow.web.test 1" \
		"$(cat "$TMP/dns.log")"

	: >"$TMP/dns.log"
	out=$(dns -- python3 /t/dns.py big 2>&1)
	check "$E: names: a large answer comes through truncation and TCP; ports still decide" "big 44
connect ok
connect-port EPERM" "$out"
	check_contains "$E: names: the resolver asked again over TCP upstream" "tcp big.web.test 1" \
		"$(cat "$TMP/dns.log")"

	rm -f "$TMP/learned.yaml"
	out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn -o "$TMP/learned.yaml" \
	--from "$DNSPOL" -v "$TMP/t:/t" -- python3 /t/dns.py names </dev/null 2>&1)
	learned=$(sed -n '/^network:/,/^[a-z]/p' "$TMP/learned.yaml" 2>/dev/null)
	check_contains "$E: names: policy learn writes a host entry for a resolved name" \
		"- {host: 'www.web.test', ports: [8080]}" "$learned"
	case $learned in
	*198.51.100.2*) not_ok "$E: names: policy learn writes no cidr entry for it" "$learned" ;;
	*) ok "$E: names: policy learn writes no cidr entry for it" ;;
	esac
	out=$(probe --policy "$TMP/learned.yaml" -- python3 /t/dns.py names 2>&1)
	check "$E: names: the learned policy runs the program again" "www 198.51.100.2
hello from the test internet" "$out"
}

# The engine and the resolver, children of runsc-c, gone after each kind of
# exit.
resolver_of() {
	i=0
	while [ $i -lt 100 ]; do
		p=$(pgrep -P "$1" -x runsc-c-dns | head -1)
		[ -n "$p" ] && echo "$p" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# engine_of PID: the engine child of runsc-c PID (pasta's --config-net,
# slirp4netns's --configure).
engine_of() {
	case $E in
	pasta) flag=--config-net ;;
	*) flag=--configure ;;
	esac
	i=0
	while [ $i -lt 100 ]; do
		p=$(pgrep -P "$1" -f -- "$flag" | head -1)
		[ -n "$p" ] && echo "$p" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
gone() {
	i=0
	while [ $i -lt 100 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# The exit and resolver-killed runs end when the test says so (a file
# appears in /gate), not after a time a slow start could outlast.
mkdir -p "$TMP/gate"
gated='while [ ! -e /gate/go ]; do sleep 0.05; done'
# The guest starts only once the resolver is ready: a file it writes first
# tells the test that killing the resolver now kills a running one, not one
# still starting (which stops the sandbox's start).
started=': >/up/started && '"$gated"
mkdir -p "$TMP/up"
lifecycle_tests() {
	for how in exit timeout kill resolver-killed; do
		rm -f "$TMP/gate/go"
		case $how in
		exit)
			"$RUNSC_C" do --quiet --policy "$POL" -v "$TMP/gate:/gate:ro" -- sh -c "$gated" </dev/null &
			;;
		resolver-killed)
			rm -f "$TMP/up/started"
			"$RUNSC_C" do --quiet --policy "$POL" -v "$TMP/gate:/gate:ro" -v "$TMP/up:/up" \
				-- sh -c "$started" </dev/null &
			;;
		timeout) "$RUNSC_C" do --quiet --timeout $((2 * TIME_SCALE)) --policy "$POL" -- sleep 30 </dev/null & ;;
		kill) "$RUNSC_C" do --quiet --policy "$POL" -- sleep 30 </dev/null & ;;
		esac
		rpid=$!
		cleanup_later $rpid
		pp=$(engine_of $rpid)
		rp=$(resolver_of $rpid)
		if [ -z "$pp" ]; then
			not_ok "$E: egress: $E runs and is gone after $how" "no $E child of runsc-c"
			kill -9 $rpid 2>/dev/null
			wait $rpid 2>/dev/null
			continue
		fi
		if [ $how = exit ]; then
			# The engine counts against the sandbox's limits: it is in the
			# sandbox's cgroup (the part of the sentry and the gofer), where
			# cgroups exist.
			if [ -d /sys/fs/cgroup/memory ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
				check_contains "$E: egress: $E is in the sandbox's cgroup" "/runsc-c/" \
					"$(grep -E '^[0-9]+:(memory|):' "/proc/$pp/cgroup" 2>&1)"
			else
				skip "$E: egress: $E is in the sandbox's cgroup" "no memory cgroup here"
			fi
			# Nothing published: the engine has no socket of its own on
			# the host.
			check "$E: egress: without -p $E listens on no host port" "" \
				"$(ss -Htulnp 2>/dev/null | grep "pid=$pp,")"
			check "$E: names: the resolver runs as nobody, without capabilities, under its filter" \
				"Uid:	65534	65534	65534	65534
CapEff:	0000000000000000
Seccomp:	2" \
				"$(grep -E '^(Uid|CapEff|Seccomp):' "/proc/$rp/status" 2>&1)"
		fi
		[ $how = kill ] && kill -9 $rpid
		if [ $how = resolver-killed ] && [ -n "$rp" ]; then
			i=0
			while [ ! -e "$TMP/up/started" ] && [ $i -lt $((600 * TIME_SCALE)) ]; do
				sleep 0.05
				i=$((i + 1))
			done
			kill -9 "$rp"
		fi
		touch "$TMP/gate/go"
		wait $rpid 2>/dev/null
		st=$?
		[ $how = resolver-killed ] && check "$E: names: a sandbox whose resolver was killed ends normally" 0 "$st"
		if gone "$pp"; then ok "$E: egress: $E is gone after $how"; else
			not_ok "$E: egress: $E is gone after $how" "$E $pp still runs"
			kill -9 "$pp" 2>/dev/null
		fi
		if [ -n "$rp" ] && gone "$rp"; then ok "$E: names: the resolver is gone after $how"; else
			not_ok "$E: names: the resolver is gone after $how" "resolver '$rp' still runs or never ran"
			[ -n "$rp" ] && kill -9 "$rp" 2>/dev/null
		fi
	done
}

# Every test of a route out with each engine: pasta, and slirp4netns (which
# has no -p here: tests/integration/publish.sh covers that refusal).
ENGINES=pasta
if command -v slirp4netns >/dev/null 2>&1; then
	ENGINES="pasta slirp4netns"
else
	skip "slirp4netns: every egress and names test" "slirp4netns not installed"
fi
for E in $ENGINES; do
	export RUNSC_C_NET_ENGINE=$E
	egress_tests
	case $E in
	pasta) pasta_tests ;;
	slirp4netns) slirp_tests ;;
	esac
	names_tests
	lifecycle_tests
done
unset RUNSC_C_NET_ENGINE

done_testing
