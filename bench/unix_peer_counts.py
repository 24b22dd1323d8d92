#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/unix_peer_counts.py [RUNSC_C...]: system calls the sentry and the
gofer make per unix stream connection inside `runsc-c do`: connect (by path
and by abstract name), accept, getsockopt(SO_PEERCRED) and getsockname of
the accepted socket, and both closes, 1000 times; counted with `strace -c`
attached to the sandbox's runsc-c-sentry and runsc-c-gofer for the whole
loop. Counts, not times: a loaded machine does not move them. Prints a
table per runsc-c binary given (default build/runsc-c). Needs strace."""
import os
import re
import subprocess
import sys
import tempfile
import time

RUNS = 1000
LOOP = r"""
import os, socket, sys, tempfile, time
os.chdir(tempfile.mkdtemp(dir=sys.argv[1])); os.mkdir("d")
addr = "d/b.sock" if sys.argv[2] == "path" else "\0bench-%d-%s" % (os.getpid(), os.urandom(4).hex())
L = socket.socket(socket.AF_UNIX); L.bind(addr); L.listen(64)
time.sleep(1.5)  # strace attaches meanwhile
for i in range(int(sys.argv[3])):
    c = socket.socket(socket.AF_UNIX); c.connect(addr); a, _ = L.accept()
    a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12); a.getsockname()
    c.close(); a.close()
time.sleep(0.5)
"""


def total(path):
    with open(path) as f:
        m = re.search(r"^\S+\s+\S+\s+\S+\s+(\d+)(\s+\d+)?\s+total$", f.read(), re.M)
    return int(m.group(1)) if m else 0


def count(runsc, kind, tmp):
    sandbox = subprocess.Popen([runsc, "do", "--quiet", "--", "python3", "-c", LOOP,
                                "/tmp", kind, str(RUNS)], stdin=subprocess.DEVNULL)
    time.sleep(0.7)
    children = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(sandbox.pid)],
                              capture_output=True, text=True).stdout.split("\n")
    tracers, out = [], {}
    for line in children:
        if line.split()[1:] in (["runsc-c-sentry"], ["runsc-c-gofer"]):
            pid, comm = line.split()
            out[comm] = os.path.join(tmp, "%s.%s" % (comm, kind))
            tracers.append(subprocess.Popen(["strace", "-c", "-p", pid, "-o", out[comm]],
                                            stderr=subprocess.DEVNULL))
    sandbox.wait()
    for t in tracers:
        t.wait()
    return [total(out[c]) / RUNS if c in out else 0 for c in ("runsc-c-sentry", "runsc-c-gofer")]


print("| runsc-c | listener | sentry calls / connection | gofer calls / connection |")
print("| --- | --- | ---: | ---: |")
with tempfile.TemporaryDirectory() as tmp:
    for runsc in sys.argv[1:] or ["build/runsc-c"]:
        for kind in ("path", "abstract"):
            sentry, gofer = count(runsc, kind, tmp)
            print("| %s | %s | %.2f | %.2f |" % (runsc, kind, sentry, gofer))
