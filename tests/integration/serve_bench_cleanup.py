#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_paired.py leaves no service behind, however a run ends: at
its end, at an error (a build without runsc-c after one daemon started),
at Ctrl-C (SIGINT), SIGTERM and SIGHUP in the middle of its round trips,
and when it is killed with SIGKILL. Every process that ran under it (the
daemons, their sandboxes' monitors, sentries, gofers and guests) must be
gone, with the sandboxes' cgroups and mounts, and its temporary directory
too except after SIGKILL. Prints TAP.

The test itself leaves nothing either, however it ends (its end, a
crash, SIGTERM from the test runner's timeout, SIGINT, SIGHUP): it is the
child subreaper of everything it starts, so that a process orphaned by a
bench that died is still its own; on every way out it kills the bench's
process group and each service's (SIGTERM, the service's clean stop, then
SIGKILL), then every process it saw, and fails if `pgrep` still finds a
runsc-c process it started. Should the test die of SIGKILL, the bench
gets SIGTERM from the kernel (PR_SET_PDEATHSIG) and stops its services."""
import atexit
import contextlib
import ctypes
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


PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)

# Every process seen under this test: {(pid, starttime): comm}.
everything = {}
# The bench runs under way (Popen): their status is theirs to reap.
benches = []


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
        if rest[0] != "Z":  # a zombie has ended: it is reaped below
            out[int(p)] = (int(rest[1]), int(rest[19]), comm, argv)
    return out


def reap():
    """Reaps the orphans that ended as this test's children (it is their
    subreaper); a bench's own status is left to its Popen."""
    own = {b.pid for b in benches}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        for k in kids:
            if k not in own:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(k, os.WNOHANG)


def look():
    """The process table, with every descendant of this test recorded."""
    reap()
    table = procs()
    for pid in descendants(os.getpid(), table):
        everything[(pid, table[pid][1])] = table[pid][2]
    return table


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
    reap()
    table = procs()
    return {k: c for k, c in seen.items() if k[0] in table and table[k[0]][1] == k[1]}


def kill_left(seen):
    """Ends what is left of seen: each service's process group with
    SIGTERM (it destroys its sandboxes) and, after the deadline, SIGKILL;
    then every process of seen still there with SIGKILL. SIGINT, SIGTERM
    and SIGHUP wait meanwhile, so that a second one cannot cut it short."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        for b in benches:
            if b.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(b.pid, signal.SIGKILL)
                b.wait()
        daemons = [pid for (pid, _), c in alive(seen).items() if c == "runsc-c-serve"]
        for pid in daemons:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(os.getpgid(pid), signal.SIGTERM)
        end = time.monotonic() + DEADLINE_S
        while any(c == "runsc-c-serve" for c in alive(seen).values()) and \
                time.monotonic() < end:
            time.sleep(0.1)
        for (pid, _), c in alive(seen).items():
            if c == "runsc-c-serve":
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
        for _ in range(50):
            left = alive(seen)
            if not left:
                break
            for pid, _ in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def started_here(pid, table):
    """Whether pid is a process this test started (seen under it, or
    under it now)."""
    if pid not in table:
        return False
    if (pid, table[pid][1]) in everything:
        return True
    while pid in table and pid > 1:
        pid = table[pid][0]
        if pid == os.getpid():
            return True
    return False


def runsc_c_left():
    """The runsc-c processes (pgrep -f runsc-c) this test started that
    still run: {pid: argv}."""
    out = subprocess.run(["pgrep", "-f", "runsc-c"], stdout=subprocess.PIPE, text=True).stdout
    reap()
    table = procs()
    return {int(p): table[int(p)][3] for p in out.split()
            if int(p) in table and int(p) != os.getpid() and started_here(int(p), table)}


cleaned = False


def cleanup():
    """Every way out: nothing the test started is left running."""
    global cleaned
    if cleaned:
        return
    cleaned = True
    kill_left(everything)


def run(name, builds, sig=None, runs=100000):
    """Runs the bench (with sig sent once both daemons serve a claimed
    sandbox, if given) and checks that nothing it started is left."""
    tmpdir = os.path.join(base.TMP, name)
    os.makedirs(tmpdir)
    env = dict(os.environ, TMPDIR=tmpdir, BENCH_SERVE_RUNS=str(runs))
    # Its output goes to a file: a daemon left behind holding a pipe
    # would keep a reader waiting.
    log = open(os.path.join(base.TMP, f"{name}.out"), "w+b")
    parent = os.getpid()

    def die_with_test():
        # SIGTERM, the bench's clean stop, should the test die first.
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0 or \
                os.getppid() != parent:
            os._exit(1)

    b = subprocess.Popen([sys.executable, BENCH, *builds], env=env, stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True,
                         preexec_fn=die_with_test)
    benches.append(b)
    before = set(everything)
    seen, ids, signalled = {}, set(), sig is None
    end = time.monotonic() + 3 * DEADLINE_S
    while b.poll() is None and time.monotonic() < end:
        table = look()
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
    benches.remove(b)
    # What the bench orphaned, under the test now.
    seen.update({k: c for k, c in everything.items() if k not in before})
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
    kill_left(seen)  # what the bench left is not left for the next run
    traces = [t for i in ids for t in base.traces(i)]
    tap(not traces, f"{name}: no cgroup or mount of its sandboxes is left", repr(traces))
    files = os.listdir(tmpdir)
    if sig != signal.SIGKILL:
        tap(not files, f"{name}: its temporary directory is removed", repr(files))
    return b.returncode, out


def test_cleanup():
    try:
        runs()
    finally:
        cleanup()
        left = runsc_c_left()
        tap(not left, "no runsc-c process started by the test is left (pgrep)", repr(left))


def runs():
    rc, out = run("finished", [BUILD, BUILD], runs=3)
    tap(rc == 0 and "median of paired differences" in out, "a run to its end prints its table", out)
    rc, out = run("error", [BUILD, "/nonexistent-runsc-c-build"], runs=3)
    tap(rc != 0 and "nonexistent-runsc-c-build" in out, "a build without runsc-c fails the run",
        out)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL):
        rc, out = run(sig.name, [BUILD, BUILD], sig)
        tap(rc != 0, f"{sig.name}: the run ends with a failure status ({rc})", out)


if __name__ == "__main__":
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")
    atexit.register(cleanup)
    # SIGHUP as SIGTERM (run_tests turns that into an exit): the cleanup
    # runs; SIGINT is KeyboardInterrupt already.
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    sys.exit(base.run_tests(test_cleanup))
