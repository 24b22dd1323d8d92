#!/usr/bin/env python3
"""Checks tests/summary.py's count on made-up meson logs: a "not ok # TODO"
is a known difference, not a failure; an "ok # TODO" (meson: unexpected
pass) is one failure; plain "not ok", skips and non-TAP results as before."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    ([("t", "OK", "ok 1 - a\nnot ok 2 - b # TODO differs\n1..2\n")],
     "1 passed, 0 failed, 1 known differences"),
    ([("t", "FAIL", "ok 1 - a\nok 2 - b # TODO differs\n1..2\n")],
     "1 passed, 1 failed"),
    ([("t", "FAIL", "ok 1 - a\nnot ok 2 - b\nnot ok 3 - c # TODO x\n1..3\n")],
     "1 passed, 1 failed, 1 known differences"),
    ([("t", "OK", "ok 1 - a # SKIP no\n1..1\n"), ("u", "OK", "")],
     "1 passed, 0 failed, 1 skipped"),
    ([("t", "TIMEOUT", "ok 1 - a\nnot ok 2 - b # TODO x\n")],
     "1 passed, 1 failed, 1 known differences"),
    ([("t", "TIMEOUT", "ok 1 - a\nnot ok 2 - b # todo x\n")],
     "1 passed, 1 failed, 1 known differences"),
    ([("t", "TIMEOUT", "ok 1 - a # TODO x\n")],
     "0 passed, 2 failed"),
    ([("t", "FAIL", "ok 1 - a # TODO x\n")],
     "0 passed, 2 failed"),
    ([("t", "OK", "ok 1 - parses #skip-lists # and more\nok 2 - b # todo-ish #\n1..2\n")],
     "2 passed, 0 failed"),
]


def main():
    n = 0
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for tests, want in CASES:
            n += 1
            log = os.path.join(d, "log%d.json" % n)
            with open(log, "w") as f:
                for name, result, out in tests:
                    f.write(json.dumps({"name": name, "result": result,
                                        "protocol": "tap" if out else "exitcode",
                                        "stdout": out}) + "\n")
            got = subprocess.run([sys.executable, os.path.join(HERE, "summary.py"), log],
                                 capture_output=True, text=True).stdout.splitlines()
            last = got[-1] if got else ""
            if last == want:
                print("ok %d - %s" % (n, want))
            else:
                bad += 1
                print("not ok %d - want %r, got %r" % (n, want, last))
    print("1..%d" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
