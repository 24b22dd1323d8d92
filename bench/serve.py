#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve.py [BUILD_DIR]: the sandbox service (runsc-c serve).

Starts a daemon on a unix socket with a warm pool and measures, through the
Python client over HTTP:
  - claim: POST /sandboxes from a ready pool (the id back)
  - claim + first exec: a claim and `true` run to its exit status
  - exec round trip: `true` in a running sandbox (the client's kept
    connection), and the same with a new connection per request
  - cold create: POST /sandboxes with limits (no pool), until its id
  - delete: DELETE until everything is torn down
  - sustained creations per second: claim, run `true`, delete, the pool
    refilling meanwhile
  - memory per idle sandbox, and the service's own per sandbox
  - native: subprocess.run(["true"]) from this script, for the ratios
Prints a markdown table. Measures; asserts nothing.

Knobs: BENCH_SERVE_RUNS (default 30), BENCH_SERVE_POOL (default 4),
BENCH_SERVE_POLICY (a shipped profile or a policy file: the sandboxes'
template's policy; default none)."""
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "clients", "python"))
import runsc_c  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
runs = int(os.environ.get("BENCH_SERVE_RUNS", "30"))
pool = int(os.environ.get("BENCH_SERVE_POOL", "4"))
policy = os.environ.get("BENCH_SERVE_POLICY", "")


def end_with_parent():
    """The service ends (and ends its sandboxes) when this script dies,
    also of SIGKILL, when its finally never runs."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def ms(x):
    return f"{x * 1000:.2f} ms"


def wait_pool(c, n):
    while c.pool()["ready"] < n:
        time.sleep(0.01)


def main():
    tmp = tempfile.mkdtemp(prefix="runsc-c-bench-serve.")
    sock = os.path.join(tmp, "s.sock")
    cfg = os.path.join(tmp, "c.yaml")
    with open(cfg, "w") as f:
        f.write(f"pool: {{size: {pool}}}\nmax_sandboxes: {pool * 2 + 32}\n")
        if policy:
            f.write(f"template: {{policy: {json.dumps(policy)}}}\n")
    log = open(os.path.join(tmp, "log"), "w")
    d = subprocess.Popen([os.path.join(build, "runsc-c"), "serve", "--listen", f"unix:{sock}",
                          "--config", cfg], stderr=log, start_new_session=True,
                         preexec_fn=end_with_parent)
    try:
        while not os.path.exists(sock):
            time.sleep(0.01)
        c = runsc_c.Client(f"unix:{sock}")
        once = runsc_c.Client(f"unix:{sock}", keep_alive=0)  # a new connection each time
        claim, first, rt, rt_new, cold, delete = [], [], [], [], [], []
        for _ in range(runs):
            wait_pool(c, pool)
            t0 = time.perf_counter()
            sb = c.create()
            t1 = time.perf_counter()
            sb.run(["true"])
            t2 = time.perf_counter()
            claim.append(t1 - t0)
            first.append(t2 - t0)
            for _ in range(5):
                t = time.perf_counter()
                sb.run(["true"])
                rt.append(time.perf_counter() - t)
            sb_new = runsc_c.Sandbox(once, sb.id)
            for _ in range(2):
                t = time.perf_counter()
                sb_new.run(["true"])
                rt_new.append(time.perf_counter() - t)
            t = time.perf_counter()
            sb.delete()
            delete.append(time.perf_counter() - t)
        for _ in range(max(5, runs // 3)):
            t = time.perf_counter()
            sb = c.create(limits={"pids": 512}, **({"policy": policy} if policy else {}))
            cold.append(time.perf_counter() - t)
            sb.delete()
        wait_pool(c, pool)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 10:
            sb = c.create()
            sb.run(["true"])
            sb.delete()
            n += 1
        rate = n / (time.perf_counter() - t0)
        # Memory of idle sandboxes: PSS of each one's monitor, sentry, gofer
        # and holder, and the service's own RSS growth, over 20 of them.
        def pss(pid):
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    return sum(int(l.split()[1]) for l in f if l.startswith("Pss:")) * 1024
            except OSError:
                return 0

        def rss(pid):
            with open(f"/proc/{pid}/status") as f:
                return int([l for l in f if l.startswith("VmRSS:")][0].split()[1]) * 1024

        c.pool(size=0)
        while c.pool()["sandboxes"]:
            time.sleep(0.05)
        rss0 = rss(d.pid)
        idle = [c.create() for _ in range(20)]
        pids = []
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if len(argv) > 2 and argv[1] == b"serve-monitor" or argv[0] == b"runsc-c-idle":
                pids.append(pid)
        per_sandbox = sum(pss(p) for p in pids) / len(idle)
        per_service = (rss(d.pid) - rss0) / len(idle)
        for sb in idle:
            sb.delete()
        native = []
        for _ in range(runs * 5):
            t = time.perf_counter()
            subprocess.run(["true"])
            native.append(time.perf_counter() - t)
        base = pct(native, 50)
        under = f", policy {policy}" if policy else ""
        print(f"| runsc-c serve (pool {pool}, {runs} runs{under}) | p50 | p99 | p50 / native `true` |")
        print("| --- | --- | --- | --- |")
        print(f"| native: fork + exec of `true` (subprocess) | {ms(base)} | {ms(pct(native, 99))} | 1.0 |")
        for name, xs in [("claim from the warm pool", claim),
                         ("claim + first exec of `true` to its exit", first),
                         ("exec round trip of `true`", rt),
                         ("exec round trip of `true`, a new connection each", rt_new),
                         ("cold create (limits given: no pool)", cold),
                         ("delete (all torn down)", delete)]:
            print(f"| {name} | {ms(pct(xs, 50))} | {ms(pct(xs, 99))} | {pct(xs, 50) / base:.1f} |")
        print(f"| claim, exec, delete sustained (pool refilling) | {rate:.1f} /s | | |")
        print(f"| memory per idle sandbox (PSS: monitor, sentry, gofer, holder) | {per_sandbox / 1024:.0f} KiB | | |")
        print(f"| the service's own memory per idle sandbox (RSS) | {per_service / 1024:.0f} KiB | | |")
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(60)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
