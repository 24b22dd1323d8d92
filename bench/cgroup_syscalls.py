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
the kernel, leaving out calls that wait (read, epoll_wait, wait4, recvmsg,
ioctl, ...: their time is someone else's work). The difference of the two
modes is what the cgroups add; it depends far less on the machine's load
than wall time does. Measures, asserts nothing.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# Calls whose time is mostly waiting for another process or the clock.
WAITING = {
    "read", "epoll_wait", "epoll_pwait", "wait4", "waitid", "recvmsg", "recvfrom",
    "poll", "ppoll", "pselect6", "futex", "nanosleep", "clock_nanosleep", "ioctl",
    "rt_sigtimedwait", "pause", "umount2", "accept4", "execve", "exit_group",
}
# Process names as the sandbox sets them; the launcher keeps its binary's.
ROLES = {"runsc-c-gofer": "gofer", "runsc-c-sentry": "sentry", "runsc-c-init": "guest",
         "true": "guest"}
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


def parse(path, calls, kernel_ms):
    role = None
    head = re.compile(r"^\s*(\S+) \((\d+)\), \d+ events")
    row = re.compile(r"^\s+(\w+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s")
    with open(path) as f:
        for line in f:
            m = head.match(line)
            if m:
                role = ROLES.get(m.group(1), "launcher")
                continue
            m = row.match(line)
            if m and role:
                name, n, ms = m.group(1), int(m.group(2)), float(m.group(4))
                calls[role] += n
                if name not in WAITING:
                    kernel_ms[role] += ms


def measure(runsc, cgroups, runs, tmp):
    calls, kernel_ms = collections.Counter(), collections.Counter()
    for i in range(runs):
        out = os.path.join(tmp, "trace-%d" % i)
        trace_once(runsc, cgroups, out)
        parse(out, calls, kernel_ms)
    return {r: calls[r] / runs for r in calls}, {r: kernel_ms[r] / runs for r in kernel_ms}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--runs", type=int, default=10)
    ap.add_argument("runsc", nargs="+")
    a = ap.parse_args()
    roles = ["launcher", "gofer", "sentry"]
    print("| binary | cgroups | " + " | ".join("%s calls" % r for r in roles) +
          " | calls | kernel ms (not waiting) |")
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
