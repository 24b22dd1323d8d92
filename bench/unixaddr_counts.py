#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/unixaddr_counts.py RUNSC_C WORK: what trapping the calls that
return a peer's address would cost. Linux fills in the address a unix
socket's peer was bound to for accept(2)/accept4(2) (addr), recvfrom(2)
(src_addr) and recvmsg(2)/recvmmsg(2) (msg_name); they run natively in the
sandbox. A seccomp filter sees neither the socket's family nor recvmsg's
msg_name, so the least a filter could trap is: accept, accept4 and
recvfrom when their address pointer is not NULL, and every recvmsg and
recvmmsg. For each workload (the bench's agent workloads, its network client
against a server on loopback in the same sandbox, and three Python servers
of HTTP, UDP and unix datagrams), prints
the sandbox's notifications today (runsc-c do --debug's counters) and the
calls such a filter would add, counted natively with strace -f -yy, split
by the socket's kind (those on unix sockets are the only ones whose answer
would change). Counts, not times: a loaded machine does not move them.
Needs strace, python3; git, node and npm for their rows. UNIXADDR_ONLY=
PREFIX runs only the workloads whose title starts with it. Calls that
never returned (their task killed inside them, as a server's last accept)
show in the detail rows only: their address arguments are unknown.
bench/unixaddr_counts.py --check WORK counts calls made while other
threads wait inside theirs and exits 1 unless the counts are exact."""
import collections
import os
import re
import shutil
import subprocess
import sys

RUNSC, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
BENCH = os.path.dirname(os.path.abspath(__file__))
INPUTS = WORK + "/inputs"
CALLS = "accept,accept4,recvfrom,recvmsg,recvmmsg"


def setup():
    os.makedirs(INPUTS, exist_ok=True)
    gen = [sys.executable, BENCH + "/gen_inputs.py"]
    if not os.path.exists(INPUTS + "/wheels"):
        subprocess.run(gen + ["wheels", INPUTS + "/wheels", "20"], check=True)
    if not os.path.exists(INPUTS + "/npm"):
        subprocess.run(gen + ["npm", INPUTS + "/npm", "20"], check=True)
    for f in ("pip.sh", "git.sh", "npm.sh"):
        shutil.copy(BENCH + "/agent/" + f, INPUTS)
    if shutil.which("git") and not os.path.exists(INPUTS + "/repo.git"):
        src = WORK + "/repo-src"
        subprocess.run(gen + ["tree", src, "2000"], check=True)
        git = ["git", "-C", src, "-c", "user.name=bench", "-c", "user.email=bench@runsc-c.invalid"]
        subprocess.run(["git", "init", "-q", src], check=True)
        subprocess.run(git + ["add", "-A"], check=True)
        subprocess.run(git + ["commit", "-qm", "tree"], check=True)
        subprocess.run(["git", "clone", "-q", "--bare", src, INPUTS + "/repo.git"], check=True)
        shutil.rmtree(src)
    for name, text in PY.items():
        with open(INPUTS + "/" + name, "w") as f:
            f.write(text)
    subprocess.run(["cc", "-O2", "-D_GNU_SOURCE", "-o", INPUTS + "/netprobe", BENCH + "/netprobe.c"], check=True)


# Servers and clients in one Python process each run: HTTP on loopback
# (socket.accept asks for the address), UDP datagrams (recvfrom with one),
# and syslog-style datagrams to a unix socket bound by path.
PY = {
    "pyhttp.py": r"""
import http.client, http.server, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=s.serve_forever, daemon=True).start()
for i in range(1000):
    c = http.client.HTTPConnection("127.0.0.1", s.server_port); c.request("GET", "/")
    c.getresponse().read(); c.close()
""",
    "udp.py": r"""
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(10000):
    s.sendto(b"x", r.getsockname()); r.recvfrom(64)
""",
    "syslog.py": r"""
import logging, logging.handlers, os, socket, tempfile
d = tempfile.mkdtemp(); os.chdir(d)
r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); r.bind(d + "/log")
h = logging.handlers.SysLogHandler(address=d + "/log")
log = logging.getLogger("b"); log.addHandler(h)
for i in range(10000):
    log.warning("m%d", i); r.recvfrom(256)
""",
}
NET = ("/b/netprobe serve 7000 & sleep 0.5; /b/netprobe connect 127.0.0.1 7000 1000; "
       "/b/netprobe get 127.0.0.1 7000 268435456; kill $!")
WORKLOADS = [
    ("pip: install 20 wheels", None, "/bin/sh /b/pip.sh /b/wheels"),
    ("git: clone 2,000 files + status", "git", "/bin/sh /b/git.sh /b/repo.git"),
    ("npm: install 20 tarballs + node", "npm", "/bin/sh /b/npm.sh /b/npm"),
    ("net: 1000 connects + 256 MiB on loopback", None, NET),
    ("python: 1000 HTTP requests on loopback", None, "python3 /b/pyhttp.py"),
    ("python: 10,000 UDP datagrams", None, "python3 /b/udp.py"),
    ("python: 10,000 syslog datagrams to a unix path", None, "python3 /b/syslog.py"),
]


def traced_calls(prefix):
    """The calls strace -ff -o PREFIX wrote, one line each. Each task has
    its own file, so no other task's line comes between a call's start and
    its end; a call still split there ("<unfinished ...>" then "<... NAME
    resumed>") is joined, and one never resumed (its task killed inside
    it) comes back alone, its output arguments unknown."""
    d, base = os.path.split(prefix)
    for name in sorted(os.listdir(d)):
        if not name.startswith(base + "."):
            continue
        pending = None
        with open(os.path.join(d, name), errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                m = re.match(r"<\.\.\. (\w+) resumed>(.*)$", line)
                if m and pending is not None:
                    yield pending[0] + m.group(2)
                    pending = None
                    continue
                if pending is not None:
                    yield pending[0] + " <unfinished ...>"
                    pending = None
                m = re.match(r"(\w+)\((.*) <unfinished \.\.\.>$", line)
                if m:
                    pending = (line[:-len(" <unfinished ...>")], m.group(1))
                else:
                    yield line
        if pending is not None:
            yield pending[0] + " <unfinished ...>"
        os.unlink(os.path.join(d, name))


def native(cmd, env=None):
    """The would-be-trapped calls of cmd run natively: Counter of (call,
    socket kind, address asked for: True, False, or None where the call
    never returned and its arguments are unknown)."""
    prefix = WORK + "/strace"
    r = subprocess.run(["strace", "-ff", "-yy", "-qq", "-e", "trace=" + CALLS, "-o", prefix, "sh", "-c",
                        cmd.replace("/b/", INPUTS + "/")], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL,
                       env=env or {"PATH": os.environ["PATH"], "HOME": WORK})
    if r.returncode != 0:
        sys.exit("%s: exit status %d natively" % (cmd, r.returncode))
    calls = collections.Counter()
    for line in traced_calls(prefix):
        m = re.match(r"(accept4?|recvfrom|recvmsg|recvmmsg)\(\d+<([A-Za-z0-9]+)", line)
        if not m:
            continue
        call, kind = m.groups()
        if "<unfinished ...>" in line:
            asked = None  # strace prints the address arguments at the return
        elif call in ("accept", "accept4"):
            asked = not re.search(r"\(\d+<[^>]*>+, NULL", line)
        elif call == "recvfrom":
            asked = not re.search(r"NULL, NULL\) = ", line)
        else:
            asked = "msg_name=NULL" not in line
        calls[(call, kind, asked)] += 1
    return calls


def sandboxed(cmd):
    r = subprocess.run([RUNSC, "do", "--debug", "-v", INPUTS + ":/b:ro", "--", "sh", "-c", cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        sys.exit("%s: exit status %d in the sandbox" % (cmd, r.returncode))
    m = re.search(r"counters: (\d+) notifications", r.stderr)
    return int(m.group(1)) if m else None


def main():
    setup()
    print("| workload | notifications today | calls a filter would trap | of them on unix sockets "
          "| with the address asked for, on unix sockets | + % notifications |")
    print("|---|---:|---:|---:|---:|---:|")
    for title, needs, cmd in WORKLOADS:
        if not title.startswith(os.environ.get("UNIXADDR_ONLY", "")):
            continue
        if needs and not shutil.which(needs):
            print("| %s | n/a (%s missing) | | | | |" % (title, needs))
            continue
        calls = native(cmd)
        notif = sandboxed(cmd)
        # A filter sees the address pointer of accept* and recvfrom only.
        trap = sum(n for (c, k, a), n in calls.items() if a or c in ("recvmsg", "recvmmsg"))
        unix = sum(n for (c, k, a), n in calls.items()
                   if k == "UNIX" and (a or c in ("recvmsg", "recvmmsg")))
        unix_asked = sum(n for (c, k, a), n in calls.items() if k == "UNIX" and a)
        pct = "%.0f%%" % (100.0 * trap / notif) if notif else "n/a"
        print("| %s | %s | %d | %d | %d | %s |" % (title, notif if notif is not None else "n/a",
                                                  trap, unix, unix_asked, pct))
        detail = ", ".join("%s %s%s: %d" % (c, k, {True: " addr", False: "", None: " never returned"}[a], n)
                           for (c, k, a), n in sorted(calls.items(), key=lambda i: str(i[0])))
        print("|  ↳ natively: %s | | | | | |" % (detail or "none"))


# --check: calls whose count is known, made while others wait inside
# theirs (the interleaving that splits strace's lines): two threads each
# receive N datagrams with recvfrom and one N with recvmsg, all asking for
# the sender's address, on unix sockets, from a main thread that sends.
CHECK_N = 300
CHECK = r"""
import os, socket, sys, tempfile, threading
n = int(sys.argv[1])
d = tempfile.mkdtemp()
rx = []
for i in range(3):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(d + "/r%d" % i); rx.append(s)
def recv(s, how):
    for _ in range(n):
        s.recvfrom(16) if how == "recvfrom" else s.recvmsg(16)
ts = [threading.Thread(target=recv, args=(rx[i], h)) for i, h in enumerate(("recvfrom", "recvfrom", "recvmsg"))]
for t in ts: t.start()
tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); tx.bind(d + "/tx")
for _ in range(n):
    for i in range(3): tx.sendto(b"x", d + "/r%d" % i)
for t in ts: t.join()
"""


def check():
    """Exits 1 unless native() counts CHECK's calls exactly."""
    os.makedirs(WORK, exist_ok=True)
    with open(WORK + "/check.py", "w") as f:
        f.write(CHECK)
    got = native("python3 %s/check.py %d" % (WORK, CHECK_N), env={"PATH": os.environ["PATH"]})
    want = collections.Counter({("recvfrom", "UNIX", True): 2 * CHECK_N, ("recvmsg", "UNIX", True): CHECK_N})
    print("counted:", dict(got))
    print("made:   ", dict(want))
    sys.exit(0 if got == want else 1)


if sys.argv[1] == "--check":
    check()
main()
