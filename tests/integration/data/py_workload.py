# SPDX-License-Identifier: Apache-2.0
"""A Python workload for the differential test: sqlite3 in memory, four
threads, subprocess, tempfile, pathlib and symlinks. Deterministic output."""
import hashlib
import os
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import threading


def say(*args):
    print(*args, flush=True)


def sqlite_part():
    db = sqlite3.connect(":memory:")
    db.execute("create table t (k integer primary key, v text, n real)")
    db.executemany("insert into t (v, n) values (?, ?)",
                   [(f"row{i:04d}", i / 7) for i in range(2000)])
    db.execute("create index t_v on t (v)")
    row = db.execute("select count(*), sum(k), max(v), round(sum(n), 3) from t").fetchone()
    say("sqlite", row)
    say("sqlite like", db.execute("select count(*) from t where v like 'row1%'").fetchone())
    db.close()


def threads_part():
    results = [None] * 4
    lock = threading.Lock()
    shared = []

    def work(i):
        h = hashlib.sha256()
        for j in range(20000):
            h.update(f"{i}:{j}".encode())
        results[i] = h.hexdigest()[:16]
        with lock:
            shared.append(i)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    say("threads", results, sorted(shared))


def subprocess_part():
    r = subprocess.run(["ls", "/usr/share/doc/bash"], capture_output=True, text=True)
    say("ls", r.returncode, r.stdout.split())
    r = subprocess.run(["ls", "/nonexistent-runsc-c"], capture_output=True, text=True)
    say("ls missing", r.returncode, "No such file" in r.stderr)
    r = subprocess.run(["sh", "-c", "echo $((6 * 7)); exit 3"], capture_output=True, text=True)
    say("sh", r.returncode, r.stdout.strip())


def files_part():
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d)
        (p / "a" / "b").mkdir(parents=True)
        (p / "a" / "f.txt").write_text("hello\n")
        (p / "link").symlink_to("a/f.txt")
        (p / "dirlink").symlink_to("a")
        (p / "dangling").symlink_to("nowhere")
        say("readlink", os.readlink(p / "link"), os.readlink(p / "dangling"))
        say("through link", repr((p / "link").read_text()))
        say("resolve", (p / "link").resolve() == (p / "a" / "f.txt").resolve())
        say("is_symlink", (p / "link").is_symlink(), (p / "a").is_symlink())
        say("exists", (p / "dirlink" / "f.txt").exists(), (p / "dangling").exists())
        say("listing", sorted(x.name for x in p.iterdir()))
        say("walk", sorted(str(x.relative_to(p)) for x in p.rglob("*")))
        with tempfile.NamedTemporaryFile("w", dir=d, delete=False) as f:
            f.write("x" * 100)
        os.rename(f.name, p / "renamed")
        st = os.stat(p / "renamed")
        say("renamed", st.st_size, oct(st.st_mode & 0o777))
        os.chmod(p / "renamed", 0o640)
        say("chmod", oct(os.stat(p / "renamed").st_mode & 0o777))
        os.unlink(p / "link")
        say("unlinked", sorted(x.name for x in p.iterdir()))
        sys.stdout.flush()
        subprocess.run(["ls", "-1", d])


def main():
    sqlite_part()
    threads_part()
    subprocess_part()
    files_part()
    say("done")


main()
