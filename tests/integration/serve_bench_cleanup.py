#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_paired.py leaves no service behind, however a run ends: at
its end, at an error (a build without runsc-c after one daemon started),
at Ctrl-C (SIGINT), SIGTERM and SIGHUP in the middle of its round trips,
and when it is killed with SIGKILL. Every process that ran under it (the
daemons, their sandboxes' monitors, sentries, gofers and guests) must be
gone, with the sandboxes' cgroups and mounts, and its temporary directory
too except after SIGKILL. Prints TAP."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as base  # noqa: E402  (the TAP output, the traces helper)
from serve import tap  # noqa: E402

BENCH = os.path.join(base.SOURCE_ROOT, "bench", "serve_paired.py")
BUILD = os.path.dirname(os.path.abspath(base.RUNSC_C))
DEADLINE_S = base.DEADLINE_S


def procs():
    """{pid: (ppid, starttime, comm, argv)} of every process."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{p}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{p}/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0")]
        except (OSError, IndexError):
            continue
        out[int(p)] = (int(rest[1]), int(rest[19]), comm, argv)
    return out


def descendants(root, table):
    kids = {}
    for pid, (ppid, *_) in table.items():
        kids.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            found.append(k)
            todo.append(k)
    return found


def alive(seen):
    """The processes of seen ({(pid, starttime): comm}) still running."""
    table = procs()
    return {k: c for k, c in seen.items() if k[0] in table and table[k[0]][1] == k[1]}


def run(name, builds, sig=None, runs=100000):
    """Runs the bench (with sig sent once both daemons serve a claimed
    sandbox, if given) and checks that nothing it started is left."""
    tmpdir = os.path.join(base.TMP, name)
    os.makedirs(tmpdir)
    env = dict(os.environ, TMPDIR=tmpdir, BENCH_SERVE_RUNS=str(runs))
    # Its output goes to a file: a daemon left behind holding a pipe
    # would keep a reader waiting.
    log = open(os.path.join(base.TMP, f"{name}.out"), "w+b")
    b = subprocess.Popen([sys.executable, BENCH, *builds], env=env, stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True)
    seen, ids, signalled = {}, set(), sig is None
    end = time.monotonic() + 3 * DEADLINE_S
    while b.poll() is None and time.monotonic() < end:
        table = procs()
        for pid in descendants(b.pid, table):
            _, start, comm, argv = table[pid]
            seen[(pid, start)] = comm
            if len(argv) > 2 and argv[1] == "serve-monitor":
                ids.add(argv[2])
        daemons = [p for p in descendants(b.pid, table) if table[p][2] == "runsc-c-serve"]
        ready = len(daemons) == 2 and all(
            any(table[k][3][1:2] == ["serve-monitor"] for k in descendants(d, table))
            for d in daemons)
        if not signalled and ready:
            time.sleep(1)  # the round trips under way
            b.send_signal(sig)
            signalled = True
        time.sleep(0.02)
    if b.poll() is None:
        os.killpg(b.pid, signal.SIGKILL)
        tap(False, f"{name}: the bench ended", "it was still running at the deadline")
    b.wait()
    log.seek(0)
    out = log.read().decode(errors="replace")
    log.close()
    tap(signalled and any(c == "runsc-c-serve" for c in seen.values()),
        f"{name}: a service ran ({len(seen)} processes seen, status {b.returncode})", out)
    left = alive(seen)
    until_end = time.monotonic() + DEADLINE_S
    while left and time.monotonic() < until_end:
        time.sleep(0.1)
        left = alive(seen)
    tap(not left, f"{name}: no process of the run is left", repr(left) + "\n" + out)
    traces = [t for i in ids for t in base.traces(i)]
    tap(not traces, f"{name}: no cgroup or mount of its sandboxes is left", repr(traces))
    files = os.listdir(tmpdir)
    if sig != signal.SIGKILL:
        tap(not files, f"{name}: its temporary directory is removed", repr(files))
    return b.returncode, out


def test_cleanup():
    rc, out = run("finished", [BUILD, BUILD], runs=3)
    tap(rc == 0 and "median of paired differences" in out, "a run to its end prints its table", out)
    rc, out = run("error", [BUILD, "/nonexistent-runsc-c-build"], runs=3)
    tap(rc != 0 and "nonexistent-runsc-c-build" in out, "a build without runsc-c fails the run",
        out)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL):
        rc, out = run(sig.name, [BUILD, BUILD], sig)
        tap(rc != 0, f"{sig.name}: the run ends with a failure status ({rc})", out)


if __name__ == "__main__":
    sys.exit(base.run_tests(test_cleanup))
