#!/usr/bin/env python3
"""Counts results in meson's test log: every TAP "ok"/"not ok" line of a TAP
test, one result for any other test. Prints "N passed, N failed"."""
import json
import os
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")
PLAN = re.compile(r"^1\.\.\d+", re.M)


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        if not os.path.exists(path):
            print("no meson test log at %s" % path, file=sys.stderr)
            failed += 1
            continue
        with open(path) as f:
            lines = f.readlines()
        for line in lines:
            t = json.loads(line)
            result = t.get("result")
            out = t.get("stdout") or ""
            tap = [m for m in (TAP.match(l) for l in out.splitlines()) if m]
            is_tap = t.get("protocol") == "tap" or PLAN.search(out)
            if is_tap and tap:
                for m in tap:
                    rest = m.group(2)
                    if "# SKIP" in rest or "# skip" in rest:
                        skipped += 1
                    elif m.group(1) == "ok":
                        passed += 1
                    else:
                        failed += 1
                if result not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(
                        m.group(1) == "not ok" for m in tap):
                    failed += 1  # crashed or timed out after its last result
            elif result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
