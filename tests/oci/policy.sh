#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A container's policy (docs/oci.md): the annotation dev.runsc-c.policy
# names a shipped profile or a policy file (relative to the bundle), which
# the sandbox enforces on the program and on every exec'd process as
# `runsc-c do --policy` does; dev.runsc-c.audit names the file its
# decisions go to. The policy's resources bound what linux.resources
# leaves. Hostile paths (a symlink and ".." into the denied directory)
# meet the same rule; bad values are one error naming the annotation, with
# nothing left behind.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

mkdir -p "$ROOTFS/secret" "$ROOTFS/pub"
echo classified >"$ROOTFS/secret/f"
echo open >"$ROOTFS/pub/f"
ln -s /secret/f "$ROOTFS/pub/link"

B=$TMP/b
mkdir -p "$B"
passwd=$(sha256sum /etc/passwd)
cat >"$B/pol.yaml" <<'YAML'
apiVersion: runsc-c/v1
kind: Policy
name: octest
extends: default
filesystem:
  - path: /secret/**
    access: none
resources:
  memory: 64Mi
  pids: 48
audit:
  denied: true
YAML
PROBE='cat /pub/f; cat /secret/f 2>&1; cat /pub/link 2>&1; cat /pub/../secret/f 2>&1
grep MemTotal /proc/meminfo; echo done'

# conf DIR ANNOTATIONS [PYTHON]
conf() {
	cfg "$1" "d['process']['args'] = ['sh', '-c', '''$PROBE''']
d['annotations'] = $2
${3:-}"
}

# ---- a policy file, relative to the bundle ----
conf "$B" "{'dev.runsc-c.policy': 'pol.yaml', 'dev.runsc-c.audit': 'audit.jsonl'}"
out=$(oci run --bundle "$B" p1 2>&1)
check_rc "run with dev.runsc-c.policy: exit 0" 0 "$?" "$out"
check "the policy decides: allowed, denied, through a symlink, through .." "open
cat: can't open '/secret/f': Permission denied
cat: can't open '/pub/link': Permission denied
cat: can't open '/pub/../secret/f': Permission denied" "$(echo "$out" | sed -n 1,4p)"
check "the policy's memory limit is the container's (linux.resources gives none)" \
	"MemTotal:          65536 kB" "$(echo "$out" | grep MemTotal)"
check_contains "dev.runsc-c.audit: the denial is recorded with its path" '"/secret/f"' \
	"$(cat "$B/audit.jsonl" 2>/dev/null)"
check_contains "... and the rule that denied it, by file and line" '/pol.yaml:6"' \
	"$(cat "$B/audit.jsonl" 2>/dev/null)"
check "nothing is left in the state directory" "" "$(ls -A "$ROOT")"

# ---- linux.resources wins over the policy's resources ----
conf "$B" "{'dev.runsc-c.policy': '$B/pol.yaml'}" \
	"d['linux']['resources'] = {'memory': {'limit': 128 * 1024 * 1024}}"
out=$(oci run --bundle "$B" p2 2>&1)
check "linux.resources' memory limit overrides the policy's (absolute policy path)" \
	"MemTotal:         131072 kB" "$(echo "$out" | grep MemTotal)"

# ---- an exec'd process is under the same policy ----
conf "$B" "{'dev.runsc-c.policy': 'pol.yaml'}" "$(args "['sleep', '60']")"
oci create --bundle "$B" p3 >/dev/null 2>&1 && oci start p3 >/dev/null 2>&1
check_rc "create + start of a long-running container" 0 "$?"
out=$(oci exec p3 cat /secret/f 2>&1)
check_contains "exec: a denied file stays denied" "Permission denied" "$out"
out=$(oci exec p3 cat /pub/f 2>&1)
check "exec: an allowed file reads" "open" "$out"
oci kill p3 KILL >/dev/null 2>&1
for i in $(seq 50); do
	oci state p3 2>/dev/null | grep -q '"stopped"' && break
	sleep 0.1
done
oci delete p3 >/dev/null 2>&1
check "kill + delete leave nothing" "" "$(ls -A "$ROOT")"

# ---- a shipped profile by name ----
conf "$B" "{'dev.runsc-c.policy': 'strict'}" \
	"$(args "['sh', '-c', 'echo x > /etc/new 2>&1; echo y > /tmp/new && cat /tmp/new']")
d['root']['readonly'] = False"
out=$(oci run --bundle "$B" p4 2>&1)
check "the shipped profile 'strict': /etc is read-only, /tmp writable" \
	"sh: can't create /etc/new: Permission denied
y" "$out"

# ---- without the annotation, no policy: the same file reads ----
conf "$B" "{}" "$(args "['cat', '/secret/f']")"
out=$(oci run --bundle "$B" p5 2>&1)
check "no annotation: no policy" "classified" "$out"

# ---- bad values: one error naming the annotation, nothing left ----
bad() {
	rm -f "$B/audit.jsonl"
	conf "$B" "$1"
	out=$(oci run --bundle "$B" p6 2>&1)
	rc=$?
	check_rc "bad annotation ($2): exit 1" 1 "$rc" "$out"
	check_contains "bad annotation ($2): the error names it" "$2" "$out"
	check "bad annotation ($2): no state left" "" "$(ls -A "$ROOT")"
	check "bad annotation ($2): no audit file made" "no" \
		"$([ -e "$B/audit.jsonl" ] && echo yes || echo no)"
}
bad "{'dev.runsc-c.policy': ''}" "annotations: dev.runsc-c.policy: expected a policy name or file"
bad "{'dev.runsc-c.policy': 'no-such-profile', 'dev.runsc-c.audit': 'audit.jsonl'}" \
	"no shipped profile named 'no-such-profile'"
printf 'apiVersion: runsc-c/v1\nkind: Policy\nfilesystem:\n  - path: /x\n    access: rw\n' \
	>"$B/broken.yaml"
bad "{'dev.runsc-c.policy': 'broken.yaml', 'dev.runsc-c.audit': 'audit.jsonl'}" \
	"broken.yaml:5:13: access: expected none, read or write, got 'rw'"
bad "{'dev.runsc-c.policy': 'missing.yaml'}" "missing.yaml: cannot read"
bad "{'dev.runsc-c.audit': 'audit.jsonl'}" \
	"annotations: dev.runsc-c.audit: needs a policy (dev.runsc-c.policy)"
bad "{'dev.runsc-c.policy': 'pol.yaml', 'dev.runsc-c.audit': ''}" \
	"annotations: dev.runsc-c.audit: expected a file name"
bad "{'dev.runsc-c.policy': 'pol.yaml', 'dev.runsc-c.audit': '/nonexistent-dir/a'}" \
	"annotations: dev.runsc-c.audit: '/nonexistent-dir/a'"
ln -s /etc/passwd "$B/audit-link"
bad "{'dev.runsc-c.policy': 'pol.yaml', 'dev.runsc-c.audit': 'audit-link'}" \
	"annotations: dev.runsc-c.audit: '$B/audit-link': Too many levels of symbolic links"
bad "{'dev.runsc-c.policy': 'pol.yaml', 'dev.runsc-c.audit': '/dev/null'}" \
	"annotations: dev.runsc-c.audit: '/dev/null': not a regular file"
check "the host's /etc/passwd is untouched" "$passwd" "$(sha256sum /etc/passwd)"

done_testing
