#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Paired A/B of `runsc-c do --quiet -- /bin/true` starts, by counts as well
as by wall time, for a machine other work loads.

    bench/start_ab.py [-n ROUNDS] [-o FILE] NAME=CMD [NAME=CMD]...

Each CMD is a shell word list (`env X=1 /path/runsc-c`) to which
`do --quiet -- /bin/true` is appended. Round r runs every runner once, in an
order that rotates, each under `perf stat` (inherited into every process
of the start, the guest included): the CPU time of all of them
(task-clock), the system calls they made (raw_syscalls:sys_enter) and the
wall time. It prints, and writes to FILE, one table of medians and one of
the paired differences of each runner against the first (the two runs of
a round are seconds apart, so a slow stretch of the machine weighs on
both), with a 95 % bootstrap confidence interval of the median difference.
CPU time and system calls depend far less on the machine's load than wall
time does; no test asserts any of them.
"""
import argparse
import random
import shlex
import statistics
import subprocess
import time

EVENTS = ("task-clock", "raw_syscalls:sys_enter")


def run_once(argv):
    cmd = ["perf", "stat", "-x,", "-e", ",".join(EVENTS), "--"] + argv
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = (time.perf_counter() - t0) * 1e3
    if p.returncode != 0:
        raise SystemExit("%s: exit %d: %s" % (shlex.join(argv), p.returncode, p.stderr[-400:]))
    vals = {}
    for line in p.stderr.splitlines():
        f = line.split(",")
        if len(f) > 2 and f[2] in EVENTS:
            vals[f[2]] = float(f[0])
    return {"wall_ms": wall, "cpu_ms": vals["task-clock"],
            "syscalls": vals["raw_syscalls:sys_enter"]}


def boot_ci(diffs, reps=2000):
    rng = random.Random(1)
    meds = sorted(statistics.median(rng.choices(diffs, k=len(diffs))) for _ in range(reps))
    return meds[int(0.025 * reps)], meds[int(0.975 * reps) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("-o")
    ap.add_argument("runners", nargs="+")
    a = ap.parse_args()
    names, argvs = [], []
    for r in a.runners:
        name, cmd = r.split("=", 1)
        names.append(name)
        argvs.append(shlex.split(cmd) + ["do", "--quiet", "--", "/bin/true"])
    res = {n: [] for n in names}
    for i, argv in enumerate(argvs):  # warm-up: caches, the shared /sys tree
        run_once(argv)
    for r in range(a.n):
        k = r % len(names)
        for j in list(range(k, len(names))) + list(range(k)):
            res[names[j]].append(run_once(argvs[j]))
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    out = ["| runner | wall ms | CPU ms (all processes) | system calls | rounds |",
           "|---|---:|---:|---:|---:|"]
    for n in names:
        m = {k: statistics.median(x[k] for x in res[n]) for k in ("wall_ms", "cpu_ms", "syscalls")}
        out.append("| %s | %.2f | %.2f | %.0f | %d |" % (n, m["wall_ms"], m["cpu_ms"],
                                                       m["syscalls"], len(res[n])))
    out += ["", "| runner − %s | wall ms (95 %% CI) | CPU ms (95 %% CI) | system calls (95 %% CI) |"
            % names[0], "|---|---:|---:|---:|"]
    for n in names[1:]:
        cells = []
        for k, fmt in (("wall_ms", "%.2f"), ("cpu_ms", "%.2f"), ("syscalls", "%.0f")):
            d = [x[k] - y[k] for x, y in zip(res[n], res[names[0]])]
            lo, hi = boot_ci(d)
            cells.append((fmt + " (" + fmt + " to " + fmt + ")") % (statistics.median(d), lo, hi))
        out.append("| %s | %s |" % (n, " | ".join(cells)))
    out += ["", "Load average at the end: %s." % load]
    text = "\n".join(out) + "\n"
    print(text, end="")
    if a.o:
        with open(a.o, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
