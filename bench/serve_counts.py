#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_counts.py [BUILD_DIR]: what one exec of `true` in a running
sandbox of `runsc-c serve` costs its sentry and gofer, in counts that a
loaded machine does not move: system calls and context switches per exec
(perf stat on the sandbox's runsc-c-sentry and runsc-c-gofer), with the
round trip's p50 for the direction only. Needs perf.

Knobs: BENCH_SERVE_RUNS (execs counted, default 50), BENCH_SERVE_POLICY
(the template's policy, as in bench/serve.py; default none)."""
import os
import signal
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import serve_paired  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
runs = int(os.environ.get("BENCH_SERVE_RUNS", "50"))
policy = os.environ.get("BENCH_SERVE_POLICY", "")
COUNTED = ("runsc-c-sentry", "runsc-c-gofer")


def descendants(root):
    """{pid: comm} of every process below root."""
    parent = {}
    for p in os.listdir("/proc"):
        try:
            with open(f"/proc/{p}/stat") as f:
                parent[int(p)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        for k, pp in parent.items():
            if pp == pid:
                todo.append(k)
                try:
                    with open(f"/proc/{k}/comm") as f:
                        found[k] = f.read().strip()
                except OSError:
                    pass
    return found


def main():
    tmp = tempfile.mkdtemp(prefix="runsc-c-bench-counts.")
    # The service with one sandbox claimed and warmed up (serve_paired.py).
    d, sb = serve_paired.start(build, tmp, 0)
    try:
        procs = descendants(d.pid)
        perfs = {}
        for name in COUNTED:
            pids = ",".join(str(p) for p, comm in procs.items() if comm == name)
            perfs[name] = subprocess.Popen(
                ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter,context-switches",
                 "-p", pids], stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        rt = []
        for _ in range(runs):
            t = time.perf_counter()
            sb.run(["true"])
            rt.append(time.perf_counter() - t)
        counts = {}
        for name, p in perfs.items():
            p.send_signal(signal.SIGINT)
            for line in p.communicate()[1].splitlines():
                f = line.split(",")
                if len(f) > 2 and f[0].replace(".", "").isdigit():
                    counts[(name, f[2])] = float(f[0]) / runs
        rt.sort()
        print(f"| per exec of `true` ({runs} execs, policy {policy or 'none'}, "
              f"load {os.getloadavg()[0]:.1f}) | system calls | context switches |")
        print("| --- | --- | --- |")
        for name in COUNTED:
            print(f"| {name} | {counts.get((name, 'raw_syscalls:sys_enter'), 0):.1f} | "
                  f"{counts.get((name, 'context-switches'), 0):.1f} |")
        print(f"| exec round trip p50 (loaded: direction only) | {rt[len(rt) // 2] * 1000:.2f} ms | |")
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(60)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
