#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The syscall table as a guest meets it (docs/syscalls.md): a number the
# table has no row for gets ENOSYS, as on Linux, and an audit record when an
# audit file is open, with or without a policy (unless the policy turns
# records of refusals off); a denied row is answered by the seccomp filter
# alone, so the sentry never hears of it and writes nothing.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
	echo "1..0 # SKIP no python3 (the probe and the record check use it)"
	exit 0
fi
# probe NR: makes syscall NR without arguments; prints its result and errno.
probe='import ctypes, errno, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(int(sys.argv[1]))
print(r, errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno()))'
HEAD='apiVersion: runsc-c/v1
kind: Policy
extends: default'

# records LOG NR: "good" when LOG holds exactly one record, the refusal of
# syscall NR by the table; else what is wrong.
records() {
	python3 - "$1" "$2" <<'EOP' 2>&1
import json, re, sys
log, nr = sys.argv[1:]
lines = open(log, encoding="utf-8").read().splitlines()
assert len(lines) == 1, lines
r = json.loads(lines[0])
assert set(r) == {"time", "sandbox", "pid", "comm", "syscall", "object", "access",
                  "decision", "rule"}, sorted(r)
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]), r["time"]
assert re.fullmatch(r"[0-9a-f]{16}", r["sandbox"]), r["sandbox"]
assert isinstance(r["pid"], int) and r["pid"] > 1, r["pid"]
assert r["comm"].startswith("python3"), r["comm"]
assert r["syscall"] == nr and r["object"] == "nr " + nr, r
assert r["access"] == "syscall" and r["decision"] == "deny" and r["rule"] is None, r
print("good")
EOP
}

# ---- an unknown number: ENOSYS, as natively ----
native=$(guest_env python3 -c "$probe" 1000 2>&1)
check "native: syscall 1000 fails with ENOSYS" "-1 ENOSYS" "$native"
out=$(runsc --audit "$TMP/unknown.log" -- python3 -c "$probe" 1000 2>&1)
check "sandbox: syscall 1000 fails with ENOSYS, as natively" "$native" "$out"
check "--audit without a policy: the refusal is recorded" "good" \
	"$(records "$TMP/unknown.log" 1000)"

out=$(runsc -- python3 -c "$probe" 1000 2>&1)
check "without --audit: ENOSYS all the same" "-1 ENOSYS" "$out"

printf '%s\n' "$HEAD" >"$TMP/loud.yaml"
out=$(runsc --policy "$TMP/loud.yaml" --audit "$TMP/policy.log" -- python3 -c "$probe" 1000 2>&1)
check "policy: syscall 1000 fails with ENOSYS" "-1 ENOSYS" "$out"
check "policy (audit.denied true by default): the refusal is recorded" "good" \
	"$(records "$TMP/policy.log" 1000)"

printf '%s\naudit:\n  denied: false\n' "$HEAD" >"$TMP/quiet.yaml"
out=$(runsc --policy "$TMP/quiet.yaml" --audit "$TMP/quiet.log" -- python3 -c "$probe" 1000 2>&1)
check "audit.denied false: ENOSYS" "-1 ENOSYS" "$out"
check "audit.denied false: nothing is recorded" "0" "$(wc -c <"$TMP/quiet.log")"

# ---- a denied row: the filter answers, the sentry records nothing ----
out=$(runsc --audit "$TMP/denied.log" -- python3 -c "$probe" 321 2>&1)
check "denied row (bpf): EPERM from the filter" "-1 EPERM" "$out"
check "denied row (bpf): no record (the sentry never hears of it)" "0" \
	"$(wc -c <"$TMP/denied.log")"

# ---- uname: the sandbox's own kernel release, never the host's ----
# shellcheck disable=SC2016
ident='echo "$(uname -r) $(cat /proc/sys/kernel/osrelease) $(cut -d" " -f3 /proc/version)"'
check "uname -r, /proc/sys/kernel/osrelease and /proc/version name 6.6.0-runsc-c" \
	"6.6.0-runsc-c 6.6.0-runsc-c 6.6.0-runsc-c" "$(runsc -- sh -c "$ident" 2>&1)"
check "uname -v is the sandbox's" "#1 SMP PREEMPT runsc-c" "$(runsc -- uname -v 2>&1)"
check "uname -s -m -o as natively" "$(guest_env uname -s -m -o 2>&1)" \
	"$(runsc -- uname -s -m -o 2>&1)"
out=$(runsc -- python3 -c 'import os, platform; print(os.uname().release == platform.release())' 2>&1)
check "python3's os.uname and platform agree" "True" "$out"

done_testing
