#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_paired.py BASELINE_BUILD_DIR [BUILD_DIR]: the exec round trip
of `true` in a running sandbox of `runsc-c serve`, paired against a
baseline build: one daemon of each, execs alternating between them (the
order swapped every round), so that a slow stretch of a loaded machine
weighs on both. Prints both p50s and the median of the paired differences
with its distribution-free 95 % confidence interval (order statistics).
Measures; asserts nothing.

Every daemon it starts is stopped on every way out: an error, Ctrl-C,
SIGTERM or SIGHUP (each stops the daemons, then exits), and its own death
by SIGKILL (each daemon gets SIGTERM from the kernel then:
PR_SET_PDEATHSIG). A daemon stopped so destroys its sandboxes; the
temporary directory is left behind only after a SIGKILL.

Knobs: BENCH_SERVE_RUNS (pairs, default 200), BENCH_SERVE_POLICY (the
templates' policy, as in bench/serve.py; default none)."""
import contextlib
import ctypes
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
START_DEADLINE_S = 120
STOP_DEADLINE_S = 60
PR_SET_PDEATHSIG = 1

# Every daemon started and not yet stopped: stop_all() ends them.
daemons = []


def _die_with(parent):
    """For the daemon's child before its exec: SIGTERM (the daemon's own
    clean stop) when this script dies, even of SIGKILL, which no handler
    here sees; a script already gone ends the child at once."""
    def set_pdeathsig():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0 or os.getppid() != parent:
            os._exit(1)
    return set_pdeathsig


def stop(d):
    """Ends daemon d and, with it, every sandbox it keeps: SIGTERM (the
    daemon destroys its sandboxes), SIGKILL of its process group after
    STOP_DEADLINE_S (its monitors end their sandboxes when it is gone)."""
    if d.poll() is None:
        d.send_signal(signal.SIGTERM)
        try:
            d.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(d.pid, signal.SIGKILL)
            d.wait()
    if d in daemons:
        daemons.remove(d)


def stop_all():
    """Stops every daemon started, with SIGINT, SIGTERM and SIGHUP held
    off meanwhile so that a second Ctrl-C cannot leave one running."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        for d in list(daemons):
            stop(d)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exit_on_signal(sig, frame):
    raise SystemExit(128 + sig)


@contextlib.contextmanager
def daemons_stopped():
    """Runs the body with SIGTERM and SIGHUP turned into SystemExit (SIGINT
    is KeyboardInterrupt already), and stops every daemon on the way out,
    however the body ends."""
    old = {s: signal.signal(s, _exit_on_signal) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        stop_all()
        for s, h in old.items():
            signal.signal(s, h)


def _ready(cond):
    try:
        return cond()
    except (ConnectionRefusedError, FileNotFoundError):
        return False  # the socket is made before the daemon listens on it


def _until(cond, d, what):
    end = time.monotonic() + START_DEADLINE_S
    while not _ready(cond):
        if d.poll() is not None:
            raise RuntimeError(f"the daemon exited ({d.returncode}) before {what}")
        if time.monotonic() > end:
            raise RuntimeError(f"gave up waiting {START_DEADLINE_S} s for {what}")
        time.sleep(0.02)


def start(build, tmp, i):
    """A daemon of build with one sandbox claimed and warmed up. The daemon
    is in daemons (for stop_all) from its start on."""
    sock, cfg = os.path.join(tmp, f"s{i}.sock"), os.path.join(tmp, f"c{i}.yaml")
    with open(cfg, "w") as f:
        f.write("pool: {size: 1}\nmax_sandboxes: 8\n")
        if policy:
            f.write(f"template: {{policy: {json.dumps(policy)}}}\n")
    with open(os.path.join(tmp, f"log{i}"), "w") as log:
        d = subprocess.Popen([os.path.join(build, "runsc-c"), "serve", "--listen",
                              f"unix:{sock}", "--config", cfg],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                             start_new_session=True, preexec_fn=_die_with(os.getpid()))
    daemons.append(d)
    _until(lambda: os.path.exists(sock), d, "its socket")
    c = runsc_c.Client(f"unix:{sock}")
    _until(lambda: c.pool()["ready"] >= 1, d, "its warm pool")
    sb = c.create()
    for _ in range(5):  # warm-up: the files exec opens are kept from here on
        sb.run(["true"])
    return d, sb


def main():
    builds = [sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "build"]
    tmp = tempfile.mkdtemp(prefix="runsc-c-bench-paired.")
    try:
        with daemons_stopped():
            sbs = [start(b, tmp, i)[1] for i, b in enumerate(builds)]
            rt = [[], []]
            load0 = os.getloadavg()[0]
            for k in range(runs):
                for i in ((0, 1) if k % 2 == 0 else (1, 0)):
                    t = time.perf_counter()
                    sbs[i].run(["true"])
                    rt[i].append(time.perf_counter() - t)
    finally:
        subprocess.run(["rm", "-rf", tmp])
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


if __name__ == "__main__":
    main()
