#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_paired.py BASELINE_BUILD_DIR [BUILD_DIR]: the exec round trip
of `true` in a running sandbox of `runsc-c serve`, paired against a
baseline build: one daemon of each, execs alternating between them (the
order swapped every round), so that a slow stretch of a loaded machine
weighs on both. Prints both p50s and the median of the paired differences
with its distribution-free 95 % confidence interval (order statistics).
Measures; asserts nothing.

Knobs: BENCH_SERVE_RUNS (pairs, default 200), BENCH_SERVE_POLICY (the
templates' policy, as in bench/serve.py; default none)."""
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "clients", "python"))
import runsc_c  # noqa: E402

runs = int(os.environ.get("BENCH_SERVE_RUNS", "200"))
policy = os.environ.get("BENCH_SERVE_POLICY", "")


def start(build, tmp, i):
    sock, cfg = os.path.join(tmp, f"s{i}.sock"), os.path.join(tmp, f"c{i}.yaml")
    with open(cfg, "w") as f:
        f.write("pool: {size: 1}\nmax_sandboxes: 8\n")
        if policy:
            f.write(f"template: {{policy: {json.dumps(policy)}}}\n")
    d = subprocess.Popen([os.path.join(build, "runsc-c"), "serve", "--listen", f"unix:{sock}",
                          "--config", cfg], stderr=open(os.path.join(tmp, f"log{i}"), "w"),
                         start_new_session=True)
    while not os.path.exists(sock):
        time.sleep(0.01)
    c = runsc_c.Client(f"unix:{sock}")
    while c.pool()["ready"] < 1:
        time.sleep(0.05)
    sb = c.create()
    for _ in range(5):  # warm-up: the files exec opens are kept from here on
        sb.run(["true"])
    return d, sb


def main():
    builds = [sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "build"]
    tmp = tempfile.mkdtemp(prefix="runsc-c-bench-paired.")
    daemons = []
    try:
        sbs = []
        for i, b in enumerate(builds):
            d, sb = start(b, tmp, i)
            daemons.append(d)
            sbs.append(sb)
        rt = [[], []]
        load0 = os.getloadavg()[0]
        for k in range(runs):
            for i in ((0, 1) if k % 2 == 0 else (1, 0)):
                t = time.perf_counter()
                sbs[i].run(["true"])
                rt[i].append(time.perf_counter() - t)
        diffs = sorted(b - a for a, b in zip(rt[0], rt[1]))
        n = len(diffs)
        lo = max(0, int(n / 2 - 1.96 * n ** 0.5 / 2))
        hi = min(n - 1, int(n / 2 + 1.96 * n ** 0.5 / 2))
        ms = lambda x: f"{x * 1000:.2f} ms"  # noqa: E731
        print(f"| exec round trip of `true`, {runs} pairs, policy {policy or 'none'}, "
              f"load {load0:.1f} to {os.getloadavg()[0]:.1f} | p50 |")
        print("| --- | --- |")
        print(f"| baseline ({builds[0]}) | {ms(statistics.median(rt[0]))} |")
        print(f"| {builds[1]} | {ms(statistics.median(rt[1]))} |")
        print(f"| median of paired differences (95 % CI) | {ms(statistics.median(diffs))} "
              f"({ms(diffs[lo])} to {ms(diffs[hi])}) |")
    finally:
        for d in daemons:
            d.send_signal(signal.SIGTERM)
        for d in daemons:
            d.wait(60)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
