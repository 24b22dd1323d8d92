#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `runsc-c policy check` and `runsc-c policy show`: every shipped profile is
# valid, a bad file gets one line per problem naming FILE:LINE:COLUMN and
# exit status 1, and what `show` prints is itself a valid policy.
. "$(dirname "$0")/lib.sh"

PROFILES="default strict python-data-analysis web-scraper coding-agent"
HEAD='apiVersion: runsc-c/v1
kind: Policy'

policy() { timeout -s KILL 30 "$RUNSC_C" policy "$@" </dev/null; }

for p in $PROFILES; do
	out=$(policy check "$p" 2>&1)
	check_rc "check $p: valid" 0 "$?" "$out"
done
# shellcheck disable=SC2046
out=$(policy check $(for p in $PROFILES; do echo "$SOURCE_ROOT/policies/$p.yaml"; done) 2>&1)
check_rc "check every shipped file at once" 0 "$?" "$out"
check "a valid policy prints nothing" "" "$out"

# bad NAME CONTENT EXPECTED_LINE: check exits 1 and prints exactly that line.
bad() {
	name=$1
	printf '%s\n' "$2" >"$TMP/$name.yaml"
	out=$(policy check "$TMP/$name.yaml" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "$TMP/$name.yaml:$3" ]; then
		ok "check: $name"
	else
		not_ok "check: $name" "exit $rc (expected 1)" "expected: $TMP/$name.yaml:$3" "got:      $out"
	fi
}

bad unknown-key "$HEAD
filesytem: []" "3:1: unknown key 'filesytem' in the policy (did you mean 'filesystem'?)"
bad wrong-type "$HEAD
exec:
  allow: /usr/bin/*" "4:10: exec.allow: expected a list, got a scalar"
bad bad-glob "$HEAD
filesystem:
  - path: /data/x**
    access: read" "4:11: path: bad path '/data/x**': '**' must be a whole path component"
bad relative-path "$HEAD
exec:
  deny: [bin/curl]" "4:10: exec.deny: bad path 'bin/curl': a path must be absolute (start with '/')"
bad bad-access "$HEAD
filesystem:
  - {path: /a, access: rw}" "4:24: access: expected none, read or write, got 'rw'"
bad unknown-syscall "$HEAD
syscalls:
  deny: [ptrace, personalty]" "4:18: syscalls.deny: unknown syscall 'personalty' (did you mean 'personality'?)"
bad duplicate-key "$HEAD
audit:
  denied: true
  denied: false" "5:3: duplicate key 'denied' (first at line 4, column 3)"
bad missing-kind "apiVersion: runsc-c/v1
name: x" "1:1: missing kind (Policy)"
bad syntax "$HEAD
filesystem:
  - path: /a
   access: read" "5:4: syntax error: did not find expected '-' indicator while parsing a block collection"
bad extends-missing "$HEAD
extends: ./nothere.yaml" "3:10: extends: cannot read '$TMP/./nothere.yaml': No such file or directory"
printf '%s\nextends: no-such-profile\n' "$HEAD" >"$TMP/unknown-name.yaml"
out=$(policy check "$TMP/unknown-name.yaml" 2>&1)
check_rc "check: extends of an unknown name" 1 "$?" "$out"
check_contains "check: the unknown name's line" \
	"$TMP/unknown-name.yaml:3:10: extends: no shipped profile named 'no-such-profile' (looked in $SOURCE_ROOT/policies, " "$out"

# A cycle: a -> b -> a, reported where it closes.
printf '%s\nextends: cycle-b.yaml\n' "$HEAD" >"$TMP/cycle-a.yaml"
printf '%s\nname: b\nextends: cycle-a.yaml\n' "$HEAD" >"$TMP/cycle-b.yaml"
out=$(policy check "$TMP/cycle-a.yaml" 2>&1)
rc=$?
check_rc "check: an extends cycle fails" 1 "$rc" "$out"
check "check: the cycle's line" \
	"$TMP/cycle-b.yaml:4:10: extends: a cycle: $TMP/cycle-a.yaml -> $TMP/cycle-b.yaml -> $TMP/cycle-a.yaml" "$out"

# Every problem of a file, one line each; good files among bad ones are quiet.
printf '%s\nbogus: 1\nfilesystem:\n  - {path: rel, access: read}\nnetwork: {mode: open}\n' \
	"$HEAD" >"$TMP/many.yaml"
out=$(policy check default "$TMP/many.yaml" strict 2>&1)
rc=$?
check_rc "check: several files, one bad" 1 "$rc" "$out"
check "check: one line per problem" 3 "$(printf '%s\n' "$out" | wc -l)"
check_contains "check: the last problem" "$TMP/many.yaml:6:17: network.mode: expected none or egress, got 'open'" "$out"

out=$(policy check "$TMP/nonexistent.yaml" 2>&1)
check_rc "check: a missing file" 1 "$?" "$out"
check "check: a missing file's message" "$TMP/nonexistent.yaml: cannot read: No such file or directory" "$out"

# show: the effective policy, valid in its turn.
for p in $PROFILES; do
	policy show "$p" >"$TMP/show-$p.yaml" 2>"$TMP/show.err"
	rc=$?
	check_rc "show $p" 0 "$rc" "$(cat "$TMP/show.err")"
	out=$(policy check "$TMP/show-$p.yaml" 2>&1)
	check_rc "show $p: the output passes check" 0 "$?" "$out"
	check_contains "show $p: its name" "name: $p" "$(cat "$TMP/show-$p.yaml")"
done
shown=$(cat "$TMP/show-strict.yaml")
check_contains "show: entries name their origin" "- /etc/shadow  # $SOURCE_ROOT/policies/default.yaml:" "$shown"
check_contains "show: the parent's rules come first" \
	"$(printf '%s\n%s' "  - {path: /**, access: write}  # $SOURCE_ROOT/policies/default.yaml:12" \
		"  - {path: /**, access: read}  # $SOURCE_ROOT/policies/strict.yaml:10")" "$shown"
if [ "$(readlink /bin)" = usr/bin ]; then
	check_contains "show: /bin/* resolves to /usr/bin/* on this host" \
		"- /bin/*  # $SOURCE_ROOT/policies/strict.yaml:34; resolves to /usr/bin/*" "$shown"
else
	skip "show: /bin/* resolves to /usr/bin/*" "/bin is not a link to usr/bin here"
fi

# A profile of one's own extending a shipped one, and one extending that by path.
printf '%s\nname: mine\nextends: strict\nresources: {pids: 64}\nenv: {set: {LANG: C}}\n' \
	"$HEAD" >"$TMP/mine.yaml"
mkdir -p "$TMP/sub"
printf '%s\nextends: ../mine.yaml\nfilesystem: [{path: /work/**, access: write}]\n' \
	"$HEAD" >"$TMP/sub/leaf.yaml"
out=$(policy show "$TMP/sub/leaf.yaml" 2>&1)
check_rc "show: a chain of three" 0 "$?" "$out"
check_contains "show: the chain in the header" "which extends $TMP/sub/../mine.yaml, then $SOURCE_ROOT/policies/strict.yaml, then $SOURCE_ROOT/policies/default.yaml" "$out"
check_contains "show: a scalar overridden" "  pids: 64  # $TMP/sub/../mine.yaml:5" "$out"
check_contains "show: a map overridden key by key" "    LANG: C  # $TMP/sub/../mine.yaml:6" "$out"
check_contains "show: the leaf's rule last" "$(printf '%s\nhidden:' "  - {path: /work/**, access: write}  # $TMP/sub/leaf.yaml:4")" "$out"
check "show: name defaults to the file's" "name: leaf" "$(printf '%s\n' "$out" | grep '^name:')"

out=$(policy show no-such-profile 2>&1)
check_rc "show: an unknown name" 1 "$?" "$out"
check_contains "show: an unknown name's message" "no shipped profile named 'no-such-profile'" "$out"

out=$(policy 2>&1)
check_rc "policy without a subcommand" 2 "$?" "$out"
out=$(policy frobnicate 2>&1)
check_rc "policy with an unknown subcommand" 2 "$?" "$out"
check_contains "unknown subcommand named" "'frobnicate': unknown subcommand" "$out"
out=$(policy show 2>&1)
check_rc "show without an argument" 2 "$?" "$out"

done_testing
