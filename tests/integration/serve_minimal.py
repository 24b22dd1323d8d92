#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The sandbox service on a root file system with no program the service
could use: a directory holding one static binary (busybox-static, under
its own name, without its applets' links), so no sleep, cat, sh, find or
python3. The sandbox starts (its idle holder is the guest init's), and
the files and watch endpoints work through the guest init's builtins,
each a guest process under the sandbox's filters and policy: read, write
(1 MiB and empty, a truncation), list, watch, a path with '..',
symlinks that point out of the view (relative and absolute, made on the
host and in the guest) resolved in the guest's view, paths the policy
denies (403, also through a symlink), hidden (404) and missing (404)
ones, a directory read and a file listed (400). The static binary checks
from inside what the API did. Prints TAP.

Every daemon the test starts is killed on the way out, whatever happens."""
import hashlib
import json
import os
import shutil
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as base  # noqa: E402  (the daemon helpers, the TAP output)
from serve import curl, expect_error, logtext, start_daemon, stop_daemon, tap  # noqa: E402

runsc_c = base.runsc_c
TMP = base.TMP
BB = "/bin/busybox"


def minimal_rootfs(root):
    """The root: /bin/busybox alone as a program, a few files and
    symlinks that lead out of the view if resolved on the host."""
    for d in ("bin", "etc", "tmp", "data/secret"):
        os.makedirs(os.path.join(root, d))
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    shutil.copyfile(BB, os.path.join(root, "bin", "busybox"))
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:guest:/root:/bin/busybox\n")
    with open(os.path.join(root, "data", "hello"), "w") as f:
        f.write("hello from the rootfs\n")
    with open(os.path.join(root, "data", "secret", "key"), "w") as f:
        f.write("k\n")
    depth = "../" * (root.count("/") + 4)
    links = {
        "esc-rel": depth + "etc/passwd",  # on the host: the host's /etc/passwd
        "esc-abs": "/etc/passwd",
        "esc-root": depth.rstrip("/"),  # on the host: the host's /
        "esc-shadow": "/etc/shadow",  # the host's secret; absent here
        "to-secret": "secret",
    }
    for name, target in links.items():
        os.symlink(target, os.path.join(root, "data", name))


def test_files(sb, root):
    guest_passwd = b"root:x:0:0:guest:/root:/bin/busybox\n"
    r = sb.run([BB, "echo", "static"])
    tap(r.stdout == "static\n" and r.exit_code == 0, "an exec of the static binary runs", repr(r))
    for prog in ("cat", "sh", "find", "python3", "sleep"):
        expect_error(f"the rootfs has no {prog}: its exec is 400",
                     lambda p=prog: sb.run([p, "/data/hello"]), 400)
    r = sb.run([BB, "ps", "-o", "pid,args"])
    tap(r.exit_code == 0 and "runsc-c-idle" in r.stdout and "serve-monitor" not in r.stdout,
        "the idle holder is init's builtin, shown by its name", repr(r))

    # Read.
    tap(sb.read("/data/hello") == b"hello from the rootfs\n", "read: a file of the rootfs")
    expect_error("read: a missing file: 404", lambda: sb.read("/data/nope"), 404)
    expect_error("read: a directory: 400", lambda: sb.read("/data"), 400)

    # Write: 1 MiB, checked from inside; empty; a truncation.
    one = os.urandom(1 << 20)
    sb.write("/tmp/one.bin", one)
    tap(sb.read("/tmp/one.bin") == one, "write then read: 1 MiB intact")
    r = sb.run([BB, "sha256sum", "/tmp/one.bin"])
    tap(r.stdout.split()[:1] == [hashlib.sha256(one).hexdigest()],
        "write: the guest reads the same 1 MiB", repr(r))
    sb.write("/tmp/empty", b"")
    r = sb.run([BB, "stat", "-c", "%s %F", "/tmp/empty"])
    tap(sb.read("/tmp/empty") == b"" and r.stdout == "0 regular empty file\n",
        "write: an empty file", repr(r))
    sb.write("/tmp/one.bin", b"short\n")
    tap(sb.read("/tmp/one.bin") == b"short\n", "write: an existing file is truncated")
    sb.write("/data/hello", b"changed\n")
    with open(os.path.join(root, "data", "hello"), "rb") as f:
        tap(sb.read("/data/hello") == b"changed\n" and f.read() == b"hello from the rootfs\n",
            "write: a rootfs file changes in the sandbox's layer, not on the host")
    expect_error("write: into a missing directory: 404", lambda: sb.write("/nope/x", b"x"), 404)
    expect_error("write: over a directory: 400", lambda: sb.write("/data", b"x"), 400)

    # List.
    entries = {e["name"]: e for e in sb.listdir("/data")}
    st = os.lstat(os.path.join(root, "data", "to-secret"))
    tap(set(entries) == {"hello", "secret", "esc-rel", "esc-abs", "esc-root", "esc-shadow",
                         "to-secret"}
        and entries["hello"]["type"] == "file" and entries["hello"]["size"] == 8
        and entries["secret"]["type"] == "dir" and entries["esc-rel"]["type"] == "symlink"
        and abs(entries["to-secret"]["mtime"] - st.st_mtime) < 1e-3,
        "list: names, types, sizes and mtimes, symlinks not followed", json.dumps(entries))
    sb.run([BB, "mkdir", "/tmp/d"])
    sb.run([BB, "mkfifo", "/tmp/d/fifo"])
    kinds = {e["name"]: e["type"] for e in sb.listdir("/tmp/d")}
    tap(kinds == {"fifo": "fifo"}, "list: a fifo", json.dumps(kinds))
    tap(sb.listdir("/tmp/d/../d/.") == sb.listdir("/tmp/d"), "list: a path with . and ..")
    expect_error("list: a missing directory: 404", lambda: sb.listdir("/nope"), 404)
    expect_error("list: a file: 400", lambda: sb.listdir("/data/hello"), 400)

    # '..' and symlinks that lead out of the view on the host lead nowhere
    # out of it in the guest.
    tap(sb.read("/../../../data/../../tmp/../data/hello") == b"changed\n",
        "'..' stops at the guest's root")
    tap(sb.read("/data/esc-rel") == guest_passwd,
        "read: a relative symlink past the root is the guest's file, not the host's")
    tap(sb.read("/data/esc-abs") == guest_passwd,
        "read: an absolute symlink is resolved in the guest's view")
    names = {e["name"] for e in sb.listdir("/data/esc-root")}
    tap({"bin", "data", "etc", "tmp"} <= names and "usr" not in names and "lib" not in names,
        "list: a symlink to '../../..' lists the guest's root", sorted(names))
    expect_error("read: a symlink to the host's /etc/shadow: 404",
                 lambda: sb.read("/data/esc-shadow"), 404)
    sb.run([BB, "ln", "-s", "../../../../../../../../etc", "/tmp/up"])
    names = {e["name"] for e in sb.listdir("/tmp/up")}
    tap("passwd" in names and "os-release" not in names and "shadow" not in names,
        "list: a symlink the guest made past the root is the guest's /etc", sorted(names))
    with open("/etc/passwd", "rb") as f:
        host = f.read()
    sb.write("/tmp/up/passwd", b"tenant\n")
    with open("/etc/passwd", "rb") as f, open(os.path.join(root, "etc", "passwd"), "rb") as g:
        tap(f.read() == host and g.read() == guest_passwd
            and sb.read("/data/esc-abs") == b"tenant\n",
            "write: through a symlink out of the view lands in the sandbox only")

    # The policy's denials: 403, also through a symlink.
    for what, fn in [
        ("read", lambda: sb.read("/data/secret/key")),
        ("read through a symlink", lambda: sb.read("/data/to-secret/key")),
        ("list", lambda: sb.listdir("/data/secret")),
        ("write", lambda: sb.write("/data/secret/new", b"x")),
    ]:
        expect_error(f"{what} of a path the policy denies: 403", fn, 403)


def test_watch(sb, sock):
    watch = sb.watch("/tmp")
    first = next(watch)
    tap(first == {"watching": "/tmp"}, "watch: in place", json.dumps(first))
    events = []
    done = threading.Event()

    def drain():
        for ev in watch:
            events.append(ev)
            if ev.get("name") == "w.txt" and "close_write" in ev.get("events", []):
                break
        done.set()

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    r = sb.run([BB, "ps", "-o", "args"])
    tap("runsc-c-watch" in r.stdout.split("\n"),
        "watch: a guest process of init's, shown by its builtin's name", repr(r))
    sb.write("/tmp/w.txt", b"watched\n")
    tap(done.wait(base.DEADLINE_S)
        and [e["events"] for e in events if e.get("name") == "w.txt"][:1] == [["create"]],
        "watch: a file the files API writes: create ... close_write", json.dumps(events))
    watch.close()
    for q, status, what in (("path=/nope", 404, "a missing directory"),
                            ("path=/data/secret", 403, "a directory the policy denies"),
                            ("path=/data/to-secret", 403, "a symlink to a denied directory"),
                            ("path=/data/hello", 400, "a file")):
        code, text = curl(sock, "GET", f"/sandboxes/{sb.id}/watch?{q}")
        tap(code == status, f"watch of {what} -> {status}", f"{code} {text}")


def main():
    def body():
        root = os.path.join(TMP, "min-root")
        minimal_rootfs(root)
        pol = os.path.join(TMP, "secret.yaml")
        with open(pol, "w") as f:
            f.write("apiVersion: runsc-c/v1\nkind: Policy\nname: deny-secret\n"
                    "extends: default\nfilesystem:\n"
                    "  - path: /data/secret/**\n    access: none\n"
                    "  - path: /data/secret\n    access: none\n")
        cfg = os.path.join(TMP, "minimal.yaml")
        with open(cfg, "w") as f:
            f.write(f"templates:\n  min:\n    rootfs: {root}\n    policy: {pol}\n")
        sock = os.path.join(TMP, "min.sock")
        d = start_daemon("--listen", f"unix:{sock}", "--config", cfg)
        c = runsc_c.Client(f"unix:{sock}")
        with c.create(template="min") as sb:
            tap(True, "a sandbox on a rootfs without sleep starts")
            test_files(sb, root)
            test_watch(sb, sock)
        tap(d.poll() is None, "the daemon is up at the end", logtext(d))
        stop_daemon(d)

    return base.run_tests(body)


if __name__ == "__main__":
    sys.exit(main())
