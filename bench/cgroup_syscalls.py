#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""What a sandbox's cgroups cost at start and end, counted in system calls.

    bench/cgroup_syscalls.py [-n RUNS] RUNSC [BASELINE_RUNSC]

Runs `RUNSC do --quiet -- /bin/true` RUNS times under `perf trace -s` (which
sees every process of the sandbox without ptrace, so the sentry can still
trace its guest), once where the cgroup hierarchies are the host's and once
in a private mount namespace where they are read-only (runsc-c then starts
without cgroups). For each binary and mode it prints the system calls per
run of the launcher, the gofer and the sentry, and the time they spent in
the kernel in the calls cgroup code makes (CGROUP_CALLS: mkdir, unlinkat,
openat, write, ...; a write to cgroup.procs includes the wait for the
kernel's cgroup writer lock). The difference of the two modes is what the
cgroups add; it depends less on the machine's load than wall time does.
The binary's file must be named runsc-c (process names tell the launcher,
gofer and sentry apart). Measures, asserts nothing.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# The calls cgroup code makes (finding the hierarchies, the sweep, making,
# filling, joining, reading and removing cgroups). Their time in the kernel
# includes the wait of a move into a cgroup (write to cgroup.procs), and
# leaves out the calls whose time is waiting for other processes.
CGROUP_CALLS = {
    "access", "faccessat2", "readlink", "mkdir", "mkdirat", "unlinkat", "flock",
    "getdents64", "open", "openat", "write", "close", "newfstatat",
}
# Process names as the sandbox sets them; the launcher is runsc-c; others
# (the guest, and the shell that makes the read-only mount namespace) are
# not counted.
ROLES = {"runsc-c": "launcher", "runsc-c-gofer": "gofer", "runsc-c-sentry": "sentry"}
READ_ONLY = r"""
for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts); do
	mount -o remount,bind,ro "$m" || exit 1
done
exec "$@"
"""


def trace_once(runsc, cgroups, out):
    cmd = ["perf", "trace", "-s", "-o", out, "--", runsc, "do", "--quiet", "--", "/bin/true"]
    if not cgroups:
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY, "sh"] + cmd
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def parse(path, calls, kernel_ms, seen):
    role = None
    head = re.compile(r"^\s*(\S+) \((\d+)\), \d+ events")
    row = re.compile(r"^\s+(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s")
    with open(path) as f:
        for line in f:
            m = head.match(line)
            if m:
                role = ROLES.get(m.group(1))
                if role:
                    seen[role] += 1
                continue
            m = row.match(line)
            if m and role:
                name, n, ms = m.group(1), int(m.group(2)), float(m.group(4))
                calls[role] += n
                if name in CGROUP_CALLS:
                    kernel_ms[role] += ms


def measure(runsc, cgroups, runs, tmp):
    calls, kernel_ms, seen = collections.Counter(), collections.Counter(), collections.Counter()
    for i in range(runs):
        out = os.path.join(tmp, "trace-%d" % i)
        trace_once(runsc, cgroups, out)
        parse(out, calls, kernel_ms, seen)
    # perf trace now and then prints no summary for a process killed at the
    # sandbox's end: average over the runs that have one.
    return ({r: calls[r] / seen[r] for r in seen}, {r: kernel_ms[r] / seen[r] for r in seen})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=10)
    ap.add_argument("runsc", nargs="+")
    a = ap.parse_args()
    roles = ["launcher", "gofer", "sentry"]
    print("| binary | cgroups | " + " | ".join("%s calls" % r for r in roles) +
          " | calls | kernel ms in file and cgroup calls |")
    print("|---|---|" + "---:|" * (len(roles) + 2))
    with tempfile.TemporaryDirectory(prefix="runsc-c-bench-") as tmp:
        for binary in a.runsc:
            res = {}
            for cg in (True, False):
                calls, ms = measure(binary, cg, a.runs, tmp)
                res[cg] = (calls, ms)
                total = sum(calls.get(r, 0) for r in roles)
                kms = sum(ms.get(r, 0) for r in roles)
                print("| %s | %s | %s | %.0f | %.3f |" % (
                    binary, "yes" if cg else "none",
                    " | ".join("%.0f" % calls.get(r, 0) for r in roles), total, kms))
            d_calls = {r: res[True][0].get(r, 0) - res[False][0].get(r, 0) for r in roles}
            d_ms = sum(res[True][1].get(r, 0) - res[False][1].get(r, 0) for r in roles)
            print("| %s | added | %s | %.0f | %.3f |" % (
                binary, " | ".join("%+.0f" % d_calls[r] for r in roles),
                sum(d_calls.values()), d_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
