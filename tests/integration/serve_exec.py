#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""How an exec finds its program and how it ends, end to end on a real
`runsc-c serve` (and `runsc-c do` for another user), against native Linux:
the name searched in PATH as glibc's execvp searches it (found late, after
missing directories, a file standing for a directory, a file without the
x bit, a directory of the name, a dangling symlink; through a symlinked
directory; in the cwd for an empty element; a script without "#!" run by
the shell), and when nothing is found the errno execvp gives (EACCES over
ENOENT, else the last candidate's), with the native result (coreutils
`env`, which calls execvp) as the expected one; exit statuses and deaths
by signal; execs running at once; the supplementary groups of a service
sandbox (group 0 alone for its init and every exec, whatever the
daemon's, so that no exec changes them) and of `runsc-c do`'s command
(the launcher's without --user, as natively). Prints TAP.

Every daemon the test starts is killed on the way out, whatever happens."""
import os
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as base  # noqa: E402  (the daemon helpers, the TAP output)
from serve import start_daemon, stop_daemon, tap, until  # noqa: E402

runsc_c = base.runsc_c
TMP = base.TMP
RUNSC_C = base.RUNSC_C
NAME = "rcprog"


def make_tree():
    """Directories of candidates for NAME, each a different case."""
    os.chmod(TMP, 0o755)  # searchable by the other user's cases
    root = os.path.join(TMP, "path")

    def mk(rel, content=None, mode=0o755):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if content is not None:
            with open(p, "w") as f:
                f.write(content)
            os.chmod(p, mode)
        return p

    mk("good/" + NAME, "#!/bin/sh\necho found in good\n")
    mk("other/" + NAME, "#!/bin/sh\necho found in other\n")
    mk("noexec/" + NAME, "#!/bin/sh\necho not runnable\n", 0o644)
    os.makedirs(os.path.join(root, "dir", NAME, "sub"))
    mk("afile", "just a file\n", 0o644)
    os.makedirs(os.path.join(root, "dangling"))
    os.symlink(os.path.join(root, "missing-target"), os.path.join(root, "dangling", NAME))
    os.symlink(os.path.join(root, "other"), os.path.join(root, "linkdir"))
    mk("noshebang/" + NAME, "echo run by the shell\n")
    mk("locked/" + NAME, "#!/bin/sh\necho locked\n")
    os.chmod(os.path.join(root, "locked"), 0o700)
    mk("cwd/" + NAME, "#!/bin/sh\necho found in the cwd\n")
    return root


def outcome(rc, out, err):
    """What a run came to: its output, or the errno's text of a failed
    search (the last ': ' part of the message)."""
    if rc in (126, 127) and ": " in err:
        return ("error", err.strip().rsplit(": ", 1)[1])
    return ("ran", rc, out)


def native(path, cwd, user=None):
    argv = ["env", "-i", f"PATH={path}", NAME]
    if user:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + argv
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return outcome(r.returncode, r.stdout, r.stderr)


def served(sb, path, cwd):
    try:
        r = sb.run([NAME], env={"PATH": path}, cwd=cwd)
    except runsc_c.ServiceError as e:
        if e.status != 400:
            return ("status", e.status, e.message)
        return ("error", e.message.rsplit(": ", 1)[1])
    return ("ran", r.exit_code, r.stdout)


def under_do(path, cwd, user):
    r = subprocess.run([RUNSC_C, "do", "--quiet", "--user", f"{user}:{user}", "--cwd", cwd,
                        "--env", f"PATH={path}", "--", NAME], capture_output=True, text=True)
    return outcome(r.returncode, r.stdout, r.stderr)


def test_search(sb, root):
    def d(*names):
        return ":".join(os.path.join(root, n) if n else "" for n in names)

    cases = [
        ("found late, after every kind of miss",
         d("missing", "afile", "noexec", "dir", "dangling", "good", "other"), root),
        ("through a symlinked directory", d("missing", "linkdir"), root),
        ("an empty element is the cwd", d("missing", "", "other"), os.path.join(root, "cwd")),
        ("a script without #! is run by the shell", d("missing", "noshebang"), root),
        ("nothing found: ENOENT", d("missing", "dangling"), root),
        ("nothing found, the last a file standing for a directory: ENOTDIR",
         d("missing", "afile"), root),
        ("nothing found, after a file standing for a directory: ENOENT",
         d("afile", "missing"), root),
        ("nothing found, one without x: EACCES wins", d("noexec", "missing"), root),
        ("a directory of the name: EACCES", d("missing", "dir"), root),
        ("EACCES is kept to the end", d("dir", "missing", "afile"), root),
    ]
    for name, path, cwd in cases:
        want = native(path, cwd)
        got = [served(sb, path, cwd) for _ in range(2)]  # the second from the sentry's cache
        tap(got == [want, want], f"PATH search: {name}", f"native {want!r}, served {got!r}")
    # A name that was missing is found once the sandbox made it (the
    # sentry keeps missing candidates only until the view changes).
    made = "/tmp/made-later"
    before = served(sb, f"{made}:/nonexistent", "/")
    sb.run(["sh", "-c", f"mkdir {made} && printf '#!/bin/sh\\necho made\\n' >{made}/{NAME}.new"
            f" && chmod 755 {made}/{NAME}.new && mv {made}/{NAME}.new {made}/{NAME}"])
    after = served(sb, f"{made}:/nonexistent", "/")
    tap(before == ("error", "No such file or directory") and after == ("ran", 0, "made\n"),
        "PATH search: a candidate missing before is found once made", f"{before!r} {after!r}")
    # Root searches every directory: another user's search stops at one
    # it may not search.
    for name, path in [
        ("another user: a directory it may not search gives EACCES",
         d("missing", "locked")),
        ("another user: found after a directory it may not search",
         d("locked", "good")),
        ("another user: a file without x and a missing one: EACCES",
         d("noexec", "missing")),
    ]:
        want = native(path, root, user=1000)
        got = under_do(path, root, 1000)
        tap(got == want, name, f"native {want!r}, runsc-c do {got!r}")


def test_status(sb):
    r = sb.run(["sh", "-c", "exit 3"])
    tap(r.exit_code == 3, "exit status 3", repr(r))
    r = sb.run(["sh", "-c", "kill -TERM $$"])
    tap(r.exit_code == 128 + 15, "death by SIGTERM: 143", repr(r))
    r = sb.run(["sh", "-c", "kill -KILL $$"])
    tap(r.exit_code == 128 + 9, "death by SIGKILL: 137", repr(r))
    stream = sb.exec_stream(["sleep", "60"])
    first = next(stream)
    sb.signal(first["exec"], "INT")
    rest = list(stream)
    tap(rest[-1:] == [{"exit": 128 + 2}], "a signal sent to a running exec ends it: 130", repr(rest))
    # A process too long to come in the request to the monitor, or in
    # the monitor's to init, comes in a memfd: the same process any way.
    for n in (100, 2000, 100000):
        r = sb.run(["sh", "-c", 'echo ${#1} "$2"', "sh", "x" * n, "end"])
        tap(r.stdout == f"{n} end\n", f"an argument of {n} bytes", repr(r)[:200])


def test_concurrent(sb):
    results = [None] * 12

    def one(i):
        try:
            r = sb.run(["sh", "-c", f"echo {i}; exit {i}"])
            results[i] = (r.exit_code, r.stdout)
        except Exception as e:  # noqa: BLE001  (reported below)
            results[i] = repr(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(results))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tap(results == [(i, f"{i}\n") for i in range(len(results))],
        "12 execs at once, each with its own output and status", repr(results))


GROUPS = ["sh", "-c", "grep ^Groups: /proc/self/status"]


def test_groups():
    """A daemon with groups of its own (7 and 8): none reach its sandboxes,
    whose init and execs have group 0 alone; `runsc-c do` keeps the
    launcher's groups without --user, as the command natively has them."""
    if not shutil.which("setpriv"):
        print("# setpriv is missing: the groups' cases need it")
        return
    sock = os.path.join(TMP, "groups.sock")
    cfg = os.path.join(TMP, "groups.yaml")
    with open(cfg, "w") as f:
        f.write("pool:\n  size: 1\nmax_sandboxes: 4\n")
    d = start_daemon("--listen", f"unix:{sock}", "--config", cfg, prefix=["setpriv", "--groups=7,8"])
    c = runsc_c.Client(f"unix:{sock}")
    tap(until(lambda: c.pool()["ready"] == 1, "the pool to fill"), "a daemon with groups 7 and 8 runs")
    with c.create() as sb:
        r = sb.run(["sh", "-c", "grep ^Groups: /proc/1/status"])
        tap(r.stdout == "Groups:\t0 \n", "the sandbox's init has group 0 alone", repr(r))
        r = sb.run(GROUPS)
        tap(r.stdout == "Groups:\t0 \n", "an exec runs as 0:0 with group 0 alone", repr(r))
        # An exec that changes its own groups leaves the next one's alone.
        r = sb.run(["python3", "-c", "import os; os.setgroups([5, 6]); print(os.getgroups())"])
        tap(r.stdout == "[5, 6]\n", "an exec sets its own groups", repr(r))
        r = sb.run(GROUPS)
        tap(r.stdout == "Groups:\t0 \n", "the next exec has group 0 alone", repr(r))
    c.close()
    stop_daemon(d)
    native = subprocess.run(["setpriv", "--groups=7,8"] + GROUPS, capture_output=True, text=True)
    for user, want in ((None, native.stdout), ("1000:1000", "Groups:\t1000 \n")):
        argv = [RUNSC_C, "do", "--quiet"] + (["--user", user] if user else []) + ["--"] + GROUPS
        r = subprocess.run(["setpriv", "--groups=7,8"] + argv, capture_output=True, text=True)
        tap(r.returncode == 0 and r.stdout == want,
            f"runsc-c do {'--user ' + user if user else 'as root'} under groups 7 and 8: "
            f"{want.strip()!r}", repr((r.returncode, r.stdout, r.stderr)))


def test_execs():
    if not shutil.which("setpriv"):
        print("# setpriv is missing: the other user's cases need it")
    root = make_tree()
    sock = os.path.join(TMP, "serve.sock")
    cfg = os.path.join(TMP, "serve.yaml")
    with open(cfg, "w") as f:
        f.write("pool:\n  size: 1\nmax_sandboxes: 8\n")
    d = start_daemon("--listen", f"unix:{sock}", "--config", cfg)
    c = runsc_c.Client(f"unix:{sock}")
    tap(until(lambda: c.pool()["ready"] == 1, "the pool to fill"), "the daemon runs")
    with c.create() as sb:
        test_search(sb, root)
        test_status(sb)
        test_concurrent(sb)
    c.close()
    stop_daemon(d)
    test_groups()


if __name__ == "__main__":
    sys.exit(base.run_tests(test_execs))
