#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sandbox service at scale, end to end on a real `runsc-c serve` with
the Python client. Two parts, one per meson test (the argument names it):

  files   a 1 GiB file, generated as it is sent (never stored on the
          host), PUT into a sandbox whose writable layer the request sizes
          (limits.disk), checked in the guest (sha256sum), and read back
          with GET, its hash compared; the daemon's peak memory (VmHWM)
          must grow by less than 16 MiB for it. Also: a file larger than
          the writable layer is refused with 507, and the daemon goes on.
  many    1,000 sandboxes alive at once (a sanitizer build: 200, said in
          the output; SERVE_SCALE_SANDBOXES overrides), created through
          the API by 4 clients at once with the daemon started under a
          soft RLIMIT_NOFILE of 1024: all listed and running, an exec in
          each answers; then all deleted, and nothing is left: no process
          of theirs, no cgroup or mount naming them, the daemon's fds and
          threads as before. Host memory is watched: creation stops (and
          the test fails) before MemAvailable falls under a floor.

Prints TAP. Every daemon the test starts is killed on the way out."""
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as base  # noqa: E402  (the daemon helpers, the TAP output)
from serve import logtext, start_daemon, stop_daemon, tap, until  # noqa: E402

runsc_c = base.runsc_c
TMP = base.TMP


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int([ln for ln in f if ln.startswith(field + ":")][0].split()[1])


def meminfo_kib(field):
    with open("/proc/meminfo") as f:
        return int([ln for ln in f if ln.startswith(field + ":")][0].split()[1])


# ---- files: 1 GiB up and down ----

FILE_SIZE = 1 << 30
CHUNK = 64 << 10
# What the service may hold for one transfer is one 64 KiB chunk of the
# file, libmicrohttpd's 64 KiB connection pool and the connection thread's
# 256 KiB stack: under 1 MiB. 16 MiB leaves room for the allocator's
# arenas and stays 1/64 of the file: a daemon that kept even 2 % of it
# fails.
GROWTH_MAX = 16 << 20


def generated(h):
    """FILE_SIZE bytes in 64 KiB chunks, each a random block (seeded)
    with its own index in front, so that a chunk lost, repeated or
    reordered changes the hash; h hashes what was sent."""
    block = random.Random(15).randbytes(CHUNK)
    for i in range(FILE_SIZE // CHUNK):
        chunk = i.to_bytes(8, "little") + block[8:]
        h.update(chunk)
        yield chunk


def test_files():
    sock = os.path.join(TMP, "files.sock")
    d = start_daemon("--listen", f"unix:{sock}")
    c = runsc_c.Client(f"unix:{sock}", timeout=300 * base.TIME_SCALE)
    # The writable layer is a tmpfs of limits.disk bytes (512 MiB by
    # default): 1.5 GiB holds the file.
    with c.create(limits={"disk": "1536M"}) as sb:
        r = sb.run(["stat", "-f", "-c", "%S %b", "/tmp"])
        block, blocks = (int(x) for x in r.stdout.split())
        tap(block * blocks == 1536 << 20, "limits.disk sizes the sandbox's writable layer",
            repr(r))
        # Warm up: the connection threads, their stacks and the
        # allocator's arenas are in place before the mark is taken.
        sb.write("/tmp/warm", os.urandom(4 << 20))
        sb.read("/tmp/warm")
        hwm0, rss0 = status_kib(d.pid, "VmHWM"), status_kib(d.pid, "VmRSS")

        sent = hashlib.sha256()
        t0 = time.monotonic()
        r = sb.write("/tmp/big", generated(sent))
        up_s = time.monotonic() - t0
        tap(r == {"path": "/tmp/big", "size": FILE_SIZE}, "PUT 1 GiB, streamed: the size is right",
            json.dumps(r))
        r = sb.run(["sha256sum", "/tmp/big"])
        tap(r.stdout.split()[:1] == [sent.hexdigest()],
            "the guest's sha256sum of the file is the one sent", repr(r))

        got = hashlib.sha256()
        n = 0
        t0 = time.monotonic()
        resp = c.request("GET", sb._files("/tmp/big"), raw=True)
        try:
            while True:
                piece = resp.read(1 << 20)
                if not piece:
                    break
                got.update(piece)
                n += len(piece)
        finally:
            resp.close()
        down_s = time.monotonic() - t0
        tap(n == FILE_SIZE and got.hexdigest() == sent.hexdigest(),
            "GET 1 GiB, streamed: the same bytes come back", f"{n} bytes")
        grew = (status_kib(d.pid, "VmHWM") - hwm0) * 1024
        rss = status_kib(d.pid, "VmRSS")
        print(f"# 1 GiB up in {up_s:.1f} s, down in {down_s:.1f} s; the daemon's peak memory "
              f"grew by {grew >> 10} KiB (VmHWM), its RSS {rss0} KiB before, {rss} KiB after",
              flush=True)
        tap(grew < GROWTH_MAX, f"the daemon's peak memory grew by less than {GROWTH_MAX >> 20} MiB "
            "for the 2 GiB it passed on", f"grew by {grew} bytes")
        sb.run(["rm", "/tmp/big"])

    # A file larger than the writable layer: 507, the tool's reason, and
    # the service goes on.
    with c.create(limits={"disk": "8M"}) as sb:
        try:
            sb.write("/tmp/too-big", (b"z" * CHUNK for _ in range((16 << 20) // CHUNK)))
            tap(False, "a file larger than the writable layer -> 507", "no error")
        except runsc_c.ServiceError as e:
            tap(e.status == 507 and "No space left" in e.message,
                "a file larger than the writable layer -> 507", f"{e.status}: {e.message}")
        tap(sb.run(["echo", "on"]).stdout == "on\n", "... and the sandbox goes on")
    tap(d.poll() is None, "the daemon is up at the end", logtext(d))
    stop_daemon(d)


# ---- many: 1,000 sandboxes at once ----

CLIENTS = 4


def descendants(roots):
    """Every process under the roots (pids), with its start time (field 22
    of /proc/PID/stat), so that a pid used again later is not taken for
    it."""
    parent, start = {}, {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(p)] = int(fields[1])
        start[int(p)] = fields[19]
    found = {}
    todo = [r for r in roots if r in start]
    while todo:
        p = todo.pop()
        found[p] = start[p]
        todo += [c for c, pp in parent.items() if pp == p and c not in found]
    return found


def alive(procs):
    left = []
    for p, st in procs.items():
        try:
            with open(f"/proc/{p}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[19] == st:
                    left.append(p)
        except OSError:
            pass
    return left


SANDBOX_ID = re.compile(r"sb-[0-9a-f]{16}")


def traces(ids):
    """Cgroup directories and host mounts that name one of the ids."""
    found = []
    for root, dirs, _ in os.walk("/sys/fs/cgroup"):
        found += [os.path.join(root, x) for x in dirs
                  if any(i in ids for i in SANDBOX_ID.findall(x))]
        if root.count("/") > 6:
            dirs[:] = []
    with open("/proc/self/mountinfo") as f:
        found += [ln for ln in f if any(i in ids for i in SANDBOX_ID.findall(ln))]
    return found


def monitors_of(daemon, ids):
    """The serve-monitor processes of those sandboxes: the daemon's
    children (the sentry and gofer, forks of a monitor, keep its
    command line)."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if (ppid == daemon and len(argv) > 2 and argv[1] == b"serve-monitor"
                and argv[2].decode() in ids):
            out.append(int(p))
    return out


def in_parallel(items, fn):
    """fn(item) for every item, CLIENTS at a time; the errors."""
    errors = []
    lock = threading.Lock()
    it = iter(items)

    def worker():
        while True:
            with lock:
                item = next(it, None)
            if item is None:
                return
            try:
                fn(item)
            except Exception as e:  # noqa: BLE001  (reported by the caller)
                with lock:
                    errors.append(repr(e))

    th = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    return errors


def low_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE,
                       (1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def test_many():
    n = int(os.environ.get("SERVE_SCALE_SANDBOXES") or (1000 if base.TIME_SCALE == 1 else 200))
    if base.TIME_SCALE > 1:
        print(f"# a sanitizer build (RUNSC_TIME_SCALE={base.TIME_SCALE}): {n} sandboxes, "
              "not 1,000", flush=True)
    sock = os.path.join(TMP, "many.sock")
    cfg = os.path.join(TMP, "many.yaml")
    with open(cfg, "w") as f:
        f.write(f"max_sandboxes: {n}\n")
    # A hard limit that cannot hold max_sandboxes: refused at start.
    p = subprocess.run([base.RUNSC_C, "serve", "--listen", f"unix:{TMP}/refused.sock",
                        "--config", cfg], capture_output=True, text=True,
                       timeout=base.DEADLINE_S,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)))
    tap(p.returncode == 2 and f"max_sandboxes {n} needs {n + 512} open files" in p.stderr
        and not os.path.exists(f"{TMP}/refused.sock"),
        "a RLIMIT_NOFILE too low for max_sandboxes is refused at start", p.stderr)
    # The caller's soft RLIMIT_NOFILE is often 1024: the daemon must
    # raise its own to hold a connection per sandbox.
    log = open(os.path.join(TMP, "many.log"), "w+")
    d = subprocess.Popen([base.RUNSC_C, "serve", "--listen", f"unix:{sock}", "--config", cfg],
                         stdout=log, stderr=log, start_new_session=True, preexec_fn=low_nofile)
    d.log = log
    base.daemons.append(d)
    until(lambda: d.poll() is not None or "listening on" in logtext(d), "daemon up")
    c = runsc_c.Client(f"unix:{sock}", timeout=120 * base.TIME_SCALE)

    fds0 = len(os.listdir(f"/proc/{d.pid}/fd"))
    threads0 = status_kib(d.pid, "Threads")
    rss0 = status_kib(d.pid, "VmRSS")
    total = meminfo_kib("MemTotal")
    avail0 = meminfo_kib("MemAvailable")
    ptys0 = int(open("/proc/sys/kernel/pty/nr").read())
    # The host keeps at least a fifth of its memory (and 1 GiB) free.
    floor = max(total // 5, 1 << 20)
    made, low = [], []
    lock = threading.Lock()

    def create(_):
        if meminfo_kib("MemAvailable") < floor:
            low.append(len(made))
            return
        sb = c.create()
        with lock:
            made.append(sb)

    t0 = time.monotonic()
    errors = in_parallel(range(n), create)
    create_s = time.monotonic() - t0
    avail1 = meminfo_kib("MemAvailable")
    rss1 = status_kib(d.pid, "VmRSS")
    per_mib = (avail0 - avail1) / max(len(made), 1) / 1024
    print(f"# {len(made)} sandboxes created in {create_s:.1f} s by {CLIENTS} clients; "
          f"MemAvailable fell by {(avail0 - avail1) >> 10} MiB ({per_mib:.2f} MiB each), the "
          f"daemon's RSS went from {rss0} to {rss1} KiB, its fds from {fds0} to "
          f"{len(os.listdir(f'/proc/{d.pid}/fd'))}; the host's ptys in use went from {ptys0} "
          f"to {int(open('/proc/sys/kernel/pty/nr').read())}", flush=True)
    tap(not low, f"host memory stayed above {floor >> 10} MiB free",
        f"stopped at {low[:1]} sandboxes")
    tap(len(made) == n and not errors, f"{n} sandboxes created through the API", repr(errors[:5]))
    ids = {sb.id for sb in made}

    listed = c.list()
    states = {s["id"]: s["state"] for s in listed}
    tap(set(states) == ids and set(states.values()) == {"running"},
        f"GET /sandboxes lists all {n}, running",
        f"{len(states)} listed, {len(set(states) ^ ids)} differ, states {set(states.values())}")
    pool = c.pool()
    tap(pool["sandboxes"] == n, "GET /pool counts them", json.dumps(pool))
    ours = monitors_of(d.pid, ids)
    procs = descendants(ours)
    # Under each monitor: the sentry, the gofer, the guest's init and
    # the idle holder.
    tap(len(ours) == n and len(procs) >= 5 * n,
        "each has its monitor, with its sentry, gofer and guest under it",
        f"{len(ours)} monitors, {len(procs)} processes")

    r = made[0].run(["sh", "-c", "ulimit -n"]) if made else None
    tap(r and r.stdout == "1024\n", "a guest keeps the caller's RLIMIT_NOFILE, not the daemon's",
        repr(r))
    bad = []

    def check(sb):
        r = sb.run(["echo", sb.id])
        if r.stdout != sb.id + "\n" or r.exit_code != 0:
            bad.append(repr(r))

    t0 = time.monotonic()
    errors = in_parallel(made, check)
    exec_s = time.monotonic() - t0
    tap(not errors and not bad, f"an exec in each of the {n} answers", repr((errors + bad)[:5]))

    t0 = time.monotonic()
    errors = in_parallel(made, lambda sb: sb.delete())
    delete_s = time.monotonic() - t0
    print(f"# an exec in each in {exec_s:.1f} s, all deleted in {delete_s:.1f} s", flush=True)
    tap(not errors and c.list() == [] and c.pool()["sandboxes"] == 0,
        f"{n} deletes: none listed, none counted", repr(errors[:5]))
    left = alive(procs)
    tap(not left, "no process of theirs is left", f"{len(left)} left: {left[:10]}")
    found = traces(ids)
    tap(not found, "no cgroup or mount of theirs is left", "\n".join(found[:10]))
    # A connection the client closed may take a moment to be closed here.
    c.close()
    until(lambda: len(os.listdir(f"/proc/{d.pid}/fd")) == fds0, "the daemon's fds")
    fds = len(os.listdir(f"/proc/{d.pid}/fd"))
    tap(fds == fds0, "the daemon's fds are as before", f"{fds0} before, {fds} after")
    until(lambda: status_kib(d.pid, "Threads") == threads0, "the daemon's threads")
    threads = status_kib(d.pid, "Threads")
    tap(threads == threads0, "the daemon's threads are as before",
        f"{threads0} before, {threads} after")
    tap(d.poll() is None, "the daemon is up at the end", logtext(d))
    stop_daemon(d)


def main():
    parts = {"files": test_files, "many": test_many}
    if len(sys.argv) != 2 or sys.argv[1] not in parts:
        print(f"usage: {sys.argv[0]} files|many", file=sys.stderr)
        return 2
    return base.run_tests(parts[sys.argv[1]])


if __name__ == "__main__":
    sys.exit(main())
