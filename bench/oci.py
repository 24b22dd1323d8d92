#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench/oci.py RUNSC_C WORKDIR RUNS IDLE: runsc-c as the OCI runtime of
containerd and podman, next to runc and crun, with the same client, image and
machine. Prints a markdown section on stdout; progress and errors on stderr.

- Start: `ctr run --rm IMAGE ID /bin/true` and `podman run --rm IMAGE
  /bin/true`, the runtimes alternating in rotating order, RUNS timed runs each
  after 2 warm-up runs; wall time of the client command.
- Memory: IDLE containers of `sleep 3600` per runtime at once under
  containerd; per container, the PSS (and USS) of every process below the
  container's shim, the shim itself excluded: what the runtime leaves running
  beside the container's program (for runc and crun, nothing but the program).

A private containerd (its root, state and sockets under WORKDIR) and podman
storage under WORKDIR; everything is removed at the end. bench/run.sh runs this
in the private mount namespace where crun accepts the machine's cgroup layout.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MKIMAGE = os.path.join(HERE, "..", "tests", "oci", "mkimage.py")
IMAGE = "localhost/runsc-c-bench:latest"


def log(*a):
    print("oci:", *a, file=sys.stderr, flush=True)


def which(prog):
    return shutil.which(prog, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")


class Containerd:
    def __init__(self, work):
        self.dir = os.path.join(work, "containerd")
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, "c.sock")
        self.ns = "runsc-c-bench-%d" % os.getpid()
        conf = os.path.join(self.dir, "config.toml")
        with open(conf, "w") as f:
            f.write('version = 2\nroot = "%s/root"\nstate = "%s/state"\n'
                    'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
                    '[grpc]\n  address = "%s"\n[ttrpc]\n  address = "%s.ttrpc"\n'
                    % (self.dir, self.dir, self.sock, self.sock))
        self.log = open(os.path.join(self.dir, "containerd.log"), "w")
        self.proc = subprocess.Popen(["containerd", "--config", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for _ in range(300):
            if self.ctr("version").returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("the private containerd did not start")

    def ctr(self, *args, timeout=120):
        try:
            return subprocess.run(["ctr", "-a", self.sock, "-n", self.ns, *args],
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 124, "", "timed out")

    def stop(self):
        for t in self.ctr("task", "ls", "-q").stdout.split():
            self.ctr("task", "kill", "-s", "KILL", t)
            self.ctr("task", "delete", "-f", t)
        for c in self.ctr("containers", "ls", "-q").stdout.split():
            self.ctr("containers", "rm", c)
        self.ctr("images", "rm", IMAGE)
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def podman_cmd(work, runtime):
    return ["podman", "--root", os.path.join(work, "podman", "storage"),
            "--runroot", os.path.join(work, "podman", "runroot"),
            "--storage-driver", "vfs", "--tmpdir", os.path.join(work, "podman", "tmp"),
            "--runtime", runtime]


def podman_setup(work):
    d = os.path.join(work, "podman")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    conf = os.path.join(d, "containers.conf")
    nofile = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 1048576)
    # podman lowers its own hard RLIMIT_NPROC to 32768 before starting conmon.
    nproc = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 32768)
    with open(conf, "w") as f:
        f.write('[containers]\nnetns = "none"\n'
                # The host's hard limits may be below podman's defaults.
                'default_ulimits = ["nofile=%d:%d", "nproc=%d:%d"]\n[engine]\ncgroup_manager = "cgroupfs"\n'
                'events_logger = "file"\nevents_logfile_path = "%s/events.log"\n'
                '[network]\nnetwork_config_dir = "%s/networks"\n' % (nofile, nofile, nproc, nproc, d, d))
    os.environ["CONTAINERS_CONF"] = conf


def timed(cmd, timeout=120):
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        rc, err = 124, "timed out"
    return (time.perf_counter() - t0) * 1000.0, rc, err


def series(runtimes, make_cmd, runs):
    """{name: [ms...]} and {name: last error}, alternating in rotating order."""
    times = {n: [] for n in runtimes}
    errors = {}
    order = list(runtimes)
    for i in range(runs + 2):
        for n in order:
            ms, rc, err = timed(make_cmd(n, i))
            if rc != 0:
                errors[n] = (err.strip().splitlines() or ["exit %d" % rc])[-1][:120]
            elif i >= 2:
                times[n].append(ms)
        order = order[1:] + order[:1]
    return times, errors


def children_map():
    kids = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(p))
    return kids


def descendants(pid, kids):
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss_uss_kb(pid):
    pss = uss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k == "Pss":
                    pss = int(v.split()[0])
                elif k in ("Private_Clean", "Private_Dirty"):
                    uss += int(v.split()[0])
    except OSError:
        pass
    return pss, uss


def ppid_of(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def idle_memory(cd, runtimes, idle):
    """{name: (pss_kb per container, uss_kb per container, processes per container)}"""
    result, errors = {}, {}
    for n, binary in runtimes.items():
        ids = []
        for i in range(idle):
            cid = "mem-%s-%d" % (n, i)
            r = cd.ctr("run", "-d", "--runc-binary", binary, IMAGE, cid, "sleep", "3600")
            if r.returncode != 0:
                errors[n] = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1][:120]
                break
            ids.append(cid)
        time.sleep(1.5)
        pids = {}
        for line in cd.ctr("task", "ls").stdout.splitlines()[1:]:
            f = line.split()
            if len(f) >= 3 and f[0] in ids and f[2] == "RUNNING":
                pids[f[0]] = int(f[1])
        if ids and len(pids) == len(ids):
            kids = children_map()
            pss = uss = procs = 0
            for pid in pids.values():
                shim = ppid_of(pid)
                for p in descendants(shim, kids):
                    a, b = pss_uss_kb(p)
                    pss, uss, procs = pss + a, uss + b, procs + 1
            result[n] = (pss / len(ids), uss / len(ids), procs / len(ids))
        elif n not in errors:
            errors[n] = "%d of %d containers running" % (len(pids), len(ids))
        for cid in ids:
            cd.ctr("task", "kill", "-s", "KILL", cid)
        for cid in ids:
            for _ in range(50):
                if cd.ctr("task", "delete", cid).returncode == 0:
                    break
                time.sleep(0.1)
            cd.ctr("containers", "rm", cid)
    return result, errors


def fmt_row(label, times, errors, name, base):
    t = times.get(name) or []
    if not t:
        return "| %s | n/a (%s) | – | – | 0 |" % (label, errors.get(name, "no run"))
    med = statistics.median(t)
    p90 = sorted(t)[max(0, int(round(0.9 * len(t))) - 1)]
    b = times.get(base) or []
    ratio = "%.2f×" % (med / statistics.median(b)) if b else "n/a"
    fails = " (%s failed)" % errors[name] if name in errors else ""
    return "| %s | %.1f | %.1f | %s | %d%s |" % (label, med, p90, ratio, len(t), fails)


def main():
    runsc, work, runs, idle = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    # What containerd, its shims and podman make outside WORKDIR whatever
    # their configuration says: removed afterwards if this run made it.
    made = [d for d in ("/run/containerd", "/var/lib/containers", "/run/containers",
                        "/run/runsc-c") if not os.path.exists(d)]
    try:
        return bench(runsc, work, runs, idle)
    finally:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)


def bench(runsc, work, runs, idle):
    runtimes = {"runsc-c": runsc}
    for n in ("runc", "crun"):
        p = which(n)
        if p:
            runtimes[n] = p
    print("## OCI runtime: containerd and podman")
    print()
    print("The same client, image (a busybox-static image built here) and machine; only "
          "the runtime differs. containerd %s (a private instance, `ctr run --rm "
          "--runc-binary RUNTIME`), podman %s (`podman --runtime RUNTIME run --rm`, vfs "
          "storage, no network). %d timed runs per runtime after 2 warm-up runs, runtimes "
          "alternating in rotating order; wall time of the client command."
          % (version(["containerd", "--version"], 2), version(["podman", "--version"], 2), runs))
    print()
    missing = [p for p in ("containerd", "ctr", "containerd-shim-runc-v2") if not which(p)]
    cd = None
    if missing:
        print("containerd: n/a (%s not installed)" % ", ".join(missing))
    else:
        try:
            cd = Containerd(work)
            subprocess.run([sys.executable, MKIMAGE, "/bin/busybox",
                            os.path.join(work, "image.tar"), IMAGE], check=True)
            r = cd.ctr("images", "import", os.path.join(work, "image.tar"))
            if r.returncode != 0:
                raise RuntimeError("ctr images import: " + r.stderr.strip()[-120:])
            log("ctr run --rm /bin/true, %d runs per runtime" % runs)
            times, errors = series(runtimes, lambda n, i: [
                "ctr", "-a", cd.sock, "-n", cd.ns, "run", "--rm", "--runc-binary",
                runtimes[n], IMAGE, "t-%s-%d" % (n, i), "/bin/true"], runs)
            print("| `ctr run --rm IMAGE ID /bin/true` | median ms | p90 ms | × crun | runs |")
            print("|---|---:|---:|---:|---:|")
            for n in runtimes:
                print(fmt_row(n, times, errors, n, "crun"))
            print()
            log("idle memory, %d containers per runtime" % idle)
            mem, merr = idle_memory(cd, runtimes, idle)
            print("Memory of an idle container (`sleep 3600`), %d per runtime at once under "
                  "containerd: per container, MiB, PSS / USS of every process below the "
                  "container's shim (the shim excluded), and the number of those processes."
                  % idle)
            print()
            print("| runtime | PSS / USS MiB per container | processes | PSS beyond crun's MiB |")
            print("|---|---:|---:|---:|")
            for n in runtimes:
                if n not in mem:
                    print("| %s | n/a (%s) | – | – |" % (n, merr.get(n, "no run")))
                    continue
                pss, uss, procs = mem[n]
                extra = "%.2f" % ((pss - mem["crun"][0]) / 1024) if "crun" in mem else "n/a"
                print("| %s | %.2f / %.2f | %.0f | %s |" % (n, pss / 1024, uss / 1024, procs, extra))
            print()
        except (RuntimeError, subprocess.CalledProcessError) as e:
            print("containerd: n/a (%s)" % e)
            print()
        finally:
            if cd:
                cd.stop()
    if not which("podman") or not which("conmon"):
        print("podman: n/a (podman or conmon not installed)")
        print()
        return 0
    podman_setup(work)
    try:
        subprocess.run([sys.executable, MKIMAGE, "/bin/busybox",
                        os.path.join(work, "podman", "image.tar"), IMAGE], check=True)
        r = subprocess.run(podman_cmd(work, runsc) + ["load", "-q", "-i",
                           os.path.join(work, "podman", "image.tar")],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError("podman load: " + r.stderr.strip()[-120:])
        log("podman run --rm /bin/true, %d runs per runtime" % runs)
        times, errors = series(runtimes, lambda n, i: podman_cmd(work, runtimes[n]) + [
            "run", "--rm", IMAGE, "/bin/true"], runs)
        print("| `podman run --rm IMAGE /bin/true` | median ms | p90 ms | × crun | runs |")
        print("|---|---:|---:|---:|---:|")
        for n in runtimes:
            print(fmt_row(n, times, errors, n, "crun"))
        print()
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print("podman: n/a (%s)" % e)
        print()
    finally:
        subprocess.run(podman_cmd(work, runsc) + ["rm", "-af", "-t", "0"],
                       capture_output=True, stdin=subprocess.DEVNULL)
        subprocess.run(podman_cmd(work, runsc) + ["rmi", "-af"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    return 0


def version(cmd, field):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.split()
        return out[field] if len(out) > field else "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
