#!/usr/bin/env python3
"""Counts results in meson's test log: every TAP "ok"/"not ok" line of a TAP
test, one result for any other test. Prints what failed (each "not ok" line
with the first line of its diagnostics, at most MAX_SHOWN of them), then
"N passed, N failed" as the last line. A TAP "not ok ... # TODO" is a known
difference (README, "Known differences"), counted apart, not as a failure; an
"ok ... # TODO" is a failure: the difference is gone and its TODO is stale."""
import json
import os
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")
PLAN = re.compile(r"^1\.\.\d+", re.M)
# A TAP directive: "# TODO ..." or "# SKIP ..." ending the line.
TODO = re.compile(r"(?:^|\s)#\s*todo\b[^#]*$", re.I)
SKIP = re.compile(r"(?:^|\s)#\s*skip\b[^#]*$", re.I)
MAX_SHOWN = 20


def diagnostic(lines, i):
    """The first "#" line after TAP line i, if it belongs to it."""
    for l in lines[i + 1:i + 4]:
        if TAP.match(l):
            return ""
        if l.startswith("#") and l.strip("# "):
            return l.strip()[:160]
    return ""


def main():
    passed = failed = skipped = known = 0
    shown = []
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
            name = t.get("name", "?")
            out_lines = out.splitlines()
            tap = [(i, m) for i, m in ((i, TAP.match(l)) for i, l in enumerate(out_lines)) if m]
            is_tap = t.get("protocol") == "tap" or PLAN.search(out)
            if is_tap and tap:
                stale = False
                for i, m in tap:
                    rest = m.group(2)
                    if SKIP.search(rest):
                        skipped += 1
                    elif TODO.search(rest):
                        if m.group(1) == "not ok":
                            known += 1
                        else:
                            failed += 1
                            stale = True
                            shown.append(f"{name}: ok{rest[:120]} (agrees with Linux now: remove its TODO)")
                    elif m.group(1) == "ok":
                        passed += 1
                    else:
                        failed += 1
                        why = diagnostic(out_lines, i)
                        shown.append(f"{name}: not ok{rest[:120]}" + (f" {why}" if why else ""))
                # meson fails a test for a stale TODO; anything else after its
                # last result (a crash, a timeout, no plan) is a failure of
                # its own.
                if result not in ("OK", "SKIP", "EXPECTEDFAIL") and not (
                        stale and result == "FAIL" and PLAN.search(out)) and not any(
                        m.group(1) == "not ok" and not TODO.search(m.group(2)) for _, m in tap):
                    failed += 1  # crashed or timed out after its last result
                    shown.append(f"{name}: {result} after its last result")
            elif result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
                shown.append(f"{name}: {result}")
    if shown:
        print("What failed:")
        for s in shown[:MAX_SHOWN]:
            print("  " + s)
        if len(shown) > MAX_SHOWN:
            print(f"  ... and {len(shown) - MAX_SHOWN} more")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    if known:
        line += f", {known} known differences"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
