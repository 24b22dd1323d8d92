#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/serve_counts.py [BUILD_DIR]: what one exec of `true` in a running
sandbox of `runsc-c serve` costs each process on its path, in counts that a
loaded machine does not move: system calls and context switches per exec
(perf stat on the daemon, the claimed sandbox's monitor, sentry and gofer,
and its guest init with every process it starts), the sentry's ptrace
stops (its PTRACE_CONT, PTRACE_SYSCALL and PTRACE_LISTEN calls: one per
stop) and its SECCOMP_IOCTL_NOTIF_RECV calls (one per notification, and
one more for each wait in it that a ptrace stop's SIGCHLD cut short), with the round trip's p50 for the direction only. Needs perf.

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
COUNTED = ("daemon", "monitor", "runsc-c-sentry", "runsc-c-gofer", "init and its processes")
EVENTS = "raw_syscalls:sys_enter,context-switches"
# PTRACE_CONT (7), PTRACE_SYSCALL (24), PTRACE_LISTEN (0x4208): the sentry
# resumes a stopped tracee with one of them.
PTRACE_RESUME = "request == 7 || request == 24 || request == 16904"
NOTIF_RECV = "0xc0502100"


def tree():
    """{pid: (ppid, comm, cmdline)} of every process."""
    procs = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{p}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{p}/cmdline") as f:
                cmd = f.read()
        except (OSError, ValueError):
            continue
        procs[int(p)] = (ppid, comm, cmd)
    return procs


def sandbox_pids(daemon_pid, sandbox_id):
    """The claimed sandbox's processes by role."""
    procs = tree()
    monitor = next(p for p, (pp, _, cmd) in procs.items()
                   if pp == daemon_pid and f"\0{sandbox_id}\0" in cmd)
    child = {comm: p for p, (pp, comm, _) in procs.items() if pp == monitor}
    sentry = child["runsc-c-sentry"]
    init = next(p for p, (pp, comm, _) in procs.items() if pp == sentry and comm == "runsc-c-init")
    return {"daemon": daemon_pid, "monitor": monitor, "runsc-c-sentry": sentry,
            "runsc-c-gofer": child["runsc-c-gofer"], "init and its processes": init}


def perf(pid, events, flt=None):
    cmd = ["perf", "stat", "-x,", "-e", events]
    if flt:
        cmd += ["--filter", flt]
    return subprocess.Popen(cmd + ["-p", str(pid)], stderr=subprocess.PIPE, text=True)


def counts_of(p):
    p.send_signal(signal.SIGINT)
    out = {}
    for line in p.communicate()[1].splitlines():
        f = line.split(",")
        if len(f) > 2 and f[0].replace(".", "").isdigit():
            out[f[2]] = float(f[0]) / runs
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="runsc-c-bench-counts.")
    perfs = {}
    try:
        # The service with one sandbox claimed and warmed up
        # (serve_paired.py), stopped on every way out.
        with serve_paired.daemons_stopped():
            try:
                measure(perfs, tmp)
            finally:
                for p in perfs.values():
                    if p.poll() is None:
                        p.kill()
                        p.wait()
    finally:
        subprocess.run(["rm", "-rf", tmp])


def measure(perfs, tmp):
    d, sb = serve_paired.start(build, tmp, 0)
    pids = sandbox_pids(d.pid, sb.id)
    for name, pid in pids.items():
        perfs[name] = perf(pid, EVENTS)
    perfs["stops"] = perf(pids["runsc-c-sentry"], "syscalls:sys_enter_ptrace", PTRACE_RESUME)
    perfs["recvs"] = perf(pids["runsc-c-sentry"], "syscalls:sys_enter_ioctl",
                          f"cmd == {NOTIF_RECV}")
    time.sleep(1)
    rt = []
    for _ in range(runs):
        t = time.perf_counter()
        sb.run(["true"])
        rt.append(time.perf_counter() - t)
    counts = {name: counts_of(perfs[name]) for name in pids}
    n_stops = counts_of(perfs["stops"]).get("syscalls:sys_enter_ptrace", 0)
    n_recv = counts_of(perfs["recvs"]).get("syscalls:sys_enter_ioctl", 0)
    rt.sort()
    print(f"| per exec of `true` ({runs} execs, policy {policy or 'none'}, "
          f"load {os.getloadavg()[0]:.1f}) | system calls | context switches |")
    print("| --- | --- | --- |")
    for name in COUNTED:
        c = counts[name]
        print(f"| {name} | {c.get('raw_syscalls:sys_enter', 0):.1f} | "
              f"{c.get('context-switches', 0):.1f} |")
    total = sum(c.get("raw_syscalls:sys_enter", 0) for c in counts.values())
    total_cs = sum(c.get("context-switches", 0) for c in counts.values())
    print(f"| all of them | {total:.1f} | {total_cs:.1f} |")
    print(f"| the sentry's ptrace stops | {n_stops:.1f} | |")
    print(f"| the sentry's SECCOMP_IOCTL_NOTIF_RECV calls | {n_recv:.1f} | |")
    print(f"| exec round trip p50 (loaded: direction only) | {rt[len(rt) // 2] * 1000:.2f} ms | |")


if __name__ == "__main__":
    main()
