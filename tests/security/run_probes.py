#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the hostile probes of tests/security inside `runsc-c do` and checks
what they report; runs each one natively too and checks that it refuses.
Prints TAP. Usage: run_probes.py PROBE_DIR (the build directory holding the
probe-* executables). Every run is bounded in time."""
import errno
import hashlib
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile

RUNSC_C = os.environ.get("RUNSC_C", "runsc-c")
PROBES = ["race", "paths", "denied", "kill", "net", "x32", "fds", "stall", "hostdir",
          "stdio_attr", "loader"]
REFUSED = 77
# A sanitizer build runs everything a few times slower (tests/meson.build).
TIME_SCALE = max(1, int(os.environ.get("RUNSC_TIME_SCALE", "1") or 1))
RUN_TIMEOUT_S = 60 * TIME_SCALE
# Owner of the host files and directories handed to a guest as stdio: not
# root, so that a chown or chmod through the sandbox would show.
NOBODY = 65534

results = []


def tap(ok, name, diag=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}", flush=True)
    if not ok and diag:
        for line in str(diag).splitlines()[-30:]:
            print(f"#   {line}", flush=True)


class Run:
    """stdin defaults to /dev/null, stdout to a pipe; either may be a host fd."""
    def __init__(self, argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        kwargs.setdefault("stdout", subprocess.PIPE)
        try:
            p = subprocess.run(argv, stderr=subprocess.PIPE, text=True, timeout=RUN_TIMEOUT_S,
                               **kwargs)
            self.rc, self.out, self.err = p.returncode, p.stdout or "", p.stderr
        except subprocess.TimeoutExpired as e:
            self.rc = "timeout"
            self.out = (e.stdout or b"").decode(errors="replace") if isinstance(
                e.stdout, bytes) else (e.stdout or "")
            self.err = "timed out"
        if isinstance(self.rc, int) and self.rc < 0:
            self.rc = 128 - self.rc

    def diag(self):
        return f"exit status {self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err[-3000:]}"


def sandbox(probe_dir, probe, args=(), flags=(), **kwargs):
    argv = [RUNSC_C, "do", "--quiet", "-v", f"{probe_dir}:/probes:ro", *flags, "--",
            f"/probes/probe-{probe}", *args]
    return Run(argv, **kwargs)


def check_probe_lines(probe, run, expect_rc=0, output=None):
    """One TAP result per PASS/FAIL line, and one for a clean finish. The
    lines are read from the probe's stdout unless output says otherwise."""
    output = run.out if output is None else output
    lines = [l for l in output.splitlines() if l.startswith(("PASS ", "FAIL "))]
    for line in lines:
        tap(line.startswith("PASS "), f"{probe}: {line[5:]}")
    tap(bool(lines) and "DONE" in output.splitlines() and run.rc == expect_rc,
        f"{probe}: ran to the end inside the sandbox (exit {expect_rc})", run.diag())


def native_refusal(probe_dir):
    for probe in PROBES:
        path = os.path.join(probe_dir, f"probe-{probe}")
        args = {"kill": ["1"], "x32": ["int80"], "net": ["1", "-", "1", "x", "/x"]}.get(probe, [])
        r = Run([path, *args])
        tap(r.rc == REFUSED and "refusing to run" in r.err and r.out == "",
            f"{probe}: refuses to run natively (exit 77)", r.diag())


def sha256(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except FileNotFoundError:
        return None


def probe_fds(probe_dir):
    # Extra fds in runsc-c itself must not reach the guest.
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    try:
        run = sandbox(probe_dir, "fds", pass_fds=(r1, w1, r2, w2))
    finally:
        for fd in (r1, w1, r2, w2):
            os.close(fd)
    check_probe_lines("fds", run)


def probe_paths(probe_dir):
    check_probe_lines("paths", sandbox(probe_dir, "paths"))


def probe_loader(probe_dir):
    check_probe_lines("loader", sandbox(probe_dir, "loader"))


def probe_stall(probe_dir):
    run = sandbox(probe_dir, "stall")
    check_probe_lines("stall", run)


def probe_race(probe_dir):
    with tempfile.TemporaryDirectory(prefix="runsc-c-test.") as d:
        rw, ro = os.path.join(d, "rw"), os.path.join(d, "ro")
        os.mkdir(rw)
        os.mkdir(ro)
        with open(os.path.join(ro, "f"), "w") as f:
            f.write("read-only\n")
        before = {p: sha256(p) for p in ("/etc/shadow", "/etc/gshadow", os.path.join(ro, "f"))}
        etc_before = sorted(os.listdir("/etc"))
        run = sandbox(probe_dir, "race", flags=["-v", f"{rw}:/rw", "-v", f"{ro}:/ro:ro"])
        check_probe_lines("race", run)
        after = {p: sha256(p) for p in before}
        tap(after == before, "race: /etc/shadow, /etc/gshadow and the read-only volume are "
            "unchanged on the host", f"before {before}\nafter {after}")
        tap(sorted(os.listdir("/etc")) == etc_before, "race: nothing was created in the host's /etc",
            str(set(os.listdir("/etc")) ^ set(etc_before)))
        tap(os.listdir(ro) == ["f"], "race: nothing was created in the read-only volume",
            str(os.listdir(ro)))
        w = os.path.join(rw, "w")
        tap(os.path.exists(w) and set(open(w).read()) <= {"x"},
            "race: the writable volume got the writes", str(os.listdir(rw)))


def host_attrs(path):
    st = os.lstat(path)
    return {"mode": oct(stat.S_IMODE(st.st_mode)), "uid": st.st_uid, "gid": st.st_gid,
            "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "size": st.st_size}


def probe_hostdir(probe_dir):
    # The host's "/" as stdin: lookups relative to it must not reach host files.
    root_fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        run = sandbox(probe_dir, "hostdir", stdin=root_fd)
    finally:
        os.close(root_fd)
    check_probe_lines("hostdir", run)
    # Changes are tried on a scratch directory of the host, never on "/".
    with tempfile.TemporaryDirectory(prefix="runsc-c-test.") as d:
        scratch = os.path.join(d, "scratch")
        os.mkdir(scratch, 0o700)
        open(os.path.join(scratch, "keep"), "w").close()
        os.chown(scratch, NOBODY, NOBODY)
        before = host_attrs(scratch)
        dir_fd = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
        try:
            run = sandbox(probe_dir, "hostdir", ["--mutate"], stdin=dir_fd)
        finally:
            os.close(dir_fd)
        check_probe_lines("hostdir --mutate", run)
        tap(os.listdir(scratch) == ["keep"], "hostdir: nothing was created, removed or renamed in "
            "the host directory given as stdin", str(os.listdir(scratch)))
        after = host_attrs(scratch)
        tap(after == before, "hostdir: the host directory's mode, owner and times are unchanged",
            f"before {before}\nafter {after}")


def probe_stdio_attr(probe_dir):
    with tempfile.TemporaryDirectory(prefix="runsc-c-test.") as d:
        path = os.path.join(d, "stdout")
        with open(path, "w"):
            pass
        os.chown(path, NOBODY, NOBODY)
        os.chmod(path, 0o600)
        out_fd = os.open(path, os.O_WRONLY)
        try:
            before = host_attrs(path)
            run = sandbox(probe_dir, "stdio_attr", stdout=out_fd)
        finally:
            os.close(out_fd)
        # The probe reports on stderr: its stdout is the file under attack.
        check_probe_lines("stdio_attr", run, output=run.err)
        after = host_attrs(path)
        tap(after == before, "stdio_attr: the host file given as stdout keeps its mode, owner, "
            "times and size", f"before {before}\nafter {after}")


def syscall_table():
    """name -> (errno column, reason column) from `runsc-c syscalls`."""
    out = subprocess.run([RUNSC_C, "syscalls"], capture_output=True, text=True,
                         timeout=RUN_TIMEOUT_S).stdout
    table = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+(\w+)\s+(\w+)\s+(\w+)\s+(\S+)\s+(.*)$", line)
        if m:
            table[m.group(2)] = (m.group(5), m.group(6))
    return table


# Where a row's errno column is "-" (a partly native call), the refusal's
# errno is in its note: "[CLONE_NEW* flags: EPERM]", "[... TIOCSTI ...: EPERM]".
NOTE_ERRNO = {
    "unshare": r"CLONE_NEW\S* flags: (E[A-Z0-9]+)",
    "ioctl": r"TIOCSTI[^:\]]*: (E[A-Z0-9]+)",
}


def expected_errno(table, name):
    if name not in table:
        return None
    col, reason = table[name]
    if col.startswith("E"):
        return col
    m = re.search(NOTE_ERRNO.get(name, r"(?!)"), reason)
    return m.group(1) if m else None


def probe_denied(probe_dir):
    table = syscall_table()
    tap(len(table) > 300, "denied: `runsc-c syscalls` lists the table", f"{len(table)} rows")
    run = sandbox(probe_dir, "denied")
    seen = 0
    for line in run.out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        label, name, got = parts
        seen += 1
        want = expected_errno(table, name)
        same = (want is not None and got != "OK" and hasattr(errno, want) and hasattr(errno, got)
                and getattr(errno, want) == getattr(errno, got))
        tap(same, f"denied: {label} fails with {want} (as `runsc-c syscalls` says)",
            f"got {got}, the table says {table.get(name)}")
    tap(seen >= 30 and "DONE" in run.out.splitlines() and run.rc == 0,
        "denied: ran to the end inside the sandbox", run.diag())


def probe_kill(probe_dir):
    host = subprocess.Popen(["sleep", "300"])
    try:
        run = sandbox(probe_dir, "kill", [str(host.pid)])
        check_probe_lines("kill", run)
        alive = host.poll() is None
        tap(alive, "kill: the host's sleep survives kill(-1, SIGKILL) from the guest",
            f"host sleep status {host.returncode}")
    finally:
        host.kill()
        host.wait()


def host_address():
    """The host's own (non-loopback) address, without sending a packet."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("10.255.255.255", 9))
        addr = s.getsockname()[0]
        s.close()
        return None if addr.startswith("127.") else addr
    except OSError:
        return None


def pending_connection(listener):
    listener.setblocking(False)
    try:
        c, _ = listener.accept()
        c.close()
        return True
    except (BlockingIOError, OSError):
        return False


def probe_net(probe_dir):
    listeners = []

    def listen(family, addr):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.bind(addr)
        s.listen(8)
        listeners.append(s)
        return s

    try:
        lo = listen(socket.AF_INET, ("127.0.0.1", 0))
        addr = host_address()
        anyaddr = listen(socket.AF_INET, ("0.0.0.0", 0))
        # The host's abstract namespace is shared with every other run
        # on this machine: the pid and random bits make the name this
        # run's own.
        abstract_name = f"runsc-c-test-{os.getpid()}-{os.urandom(4).hex()}"
        abstract = listen(socket.AF_UNIX, "\0" + abstract_name)
        with tempfile.TemporaryDirectory(prefix="runsc-c-test.") as d:
            os.chmod(d, 0o755)
            path = os.path.join(d, "sock")
            unix = listen(socket.AF_UNIX, path)
            run = sandbox(probe_dir, "net", [str(lo.getsockname()[1]), addr or "-",
                                             str(anyaddr.getsockname()[1]), abstract_name, path])
            check_probe_lines("net", run)
            reached = [n for n, s in (("tcp 127.0.0.1", lo), ("tcp host address", anyaddr),
                                      ("abstract", abstract), ("unix path", unix))
                       if pending_connection(s)]
            tap(not reached, "net: no host listener received a connection", str(reached))
            if addr is None:
                tap(True, "net: tcp to the host's address # SKIP no non-loopback address")
            # The positive control: a volume exposes the socket.
            run = sandbox(probe_dir, "net", ["--connect", "/s/sock"], flags=["-v", f"{d}:/s"])
            check_probe_lines("net (socket in a volume)", run)
    finally:
        for s in listeners:
            s.close()


def probe_x32(probe_dir):
    # What the host does with int $0x80 decides how a sandboxed one ends: where
    # the host runs it, the guest filter must kill it with SIGSYS (159); where
    # the host itself refuses it (IA-32 emulation off: SIGSEGV), it dies the
    # same way before seccomp sees it. Either way it never executes.
    host = Run([os.path.join(probe_dir, "probe-x32"), "host-int80"])
    host_runs_int80 = host.rc == 0 and "returned" in host.out
    tap(host_runs_int80 or (isinstance(host.rc, int) and host.rc > 128),
        "x32: the host either runs int $0x80 or kills the caller", host.diag())
    for mode in ("int80", "x32"):
        run = sandbox(probe_dir, "x32", [mode])
        allowed = {159}
        if mode == "int80" and not host_runs_int80:
            allowed.add(host.rc)
        what = "a 32-bit int $0x80" if mode == "int80" else "an x32"
        tap(run.rc in allowed and "calling" in run.out and "SURVIVED" not in run.out,
            f"x32: {what} syscall never executes (exit {' or '.join(map(str, sorted(allowed)))};"
            f" host int $0x80: {'runs' if host_runs_int80 else f'exit {host.rc}'})",
            run.diag())


def main():
    if len(sys.argv) < 2:
        print("usage: run_probes.py PROBE_DIR", file=sys.stderr)
        return 2
    probe_dir = os.path.abspath(sys.argv[1])
    native_refusal(probe_dir)
    for f in (probe_fds, probe_paths, probe_race, probe_denied, probe_kill, probe_net, probe_x32,
              probe_stall, probe_hostdir, probe_stdio_attr, probe_loader):
        try:
            f(probe_dir)
        except Exception as e:  # a broken probe run fails, the others still run
            tap(False, f"{f.__name__}: {type(e).__name__}: {e}")
    print(f"1..{len(results)}", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
