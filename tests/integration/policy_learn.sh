#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `runsc-c policy learn`: a run under the base profile is recorded and turned
# into a policy that passes `policy check`, lets the same run succeed with
# the same output, and refuses what the run did not do.
. "$(dirname "$0")/lib.sh"

if ! "$RUNSC_C" policy help 2>&1 | grep -q 'policy learn'; then
	echo "1..0 # SKIP runsc-c policy has no learn"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP no python3"
	exit 0
fi

mkdir -p "$TMP/data"
printf 'a,b\n1,2\n3,4\n' >"$TMP/data/in.csv"
cat >"$TMP/data/job.py" <<'EOP'
import subprocess, tempfile
rows = open('/data/in.csv').read().splitlines()
with tempfile.NamedTemporaryFile('w', dir='/tmp') as t:
    t.write('scratch')
with open('/tmp/result.txt', 'w') as f:
    f.write('rows=%d\n' % (len(rows) - 1))
print(open('/tmp/result.txt').read(), end='')
print(subprocess.run(['ls', '/data'], capture_output=True, text=True).stdout, end='')
EOP
VOL="$TMP/data:/data:ro"
learn() {
	timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn "$@" </dev/null
}

out=$(learn -o "$TMP/out.yaml" --quiet -v "$VOL" -- python3 /data/job.py 2>"$TMP/learn.err")
check_rc "learn runs the command" 0 $?
expect=$(printf 'rows=2\nin.csv\njob.py')
check "the learning run's output" "$expect" "$out"
"$RUNSC_C" policy check "$TMP/out.yaml" >"$TMP/check.out" 2>&1
check_rc "the learned policy passes policy check" 0 $?
check_contains "the base's hidden paths carry over" "/etc/shadow" "$(cat "$TMP/out.yaml")"
check_contains "everything else starts refused" "{path: '/**', access: none}" \
	"$(cat "$TMP/out.yaml")"
check_contains "the programs that ran are allowed" "/usr/bin/ls" \
	"$(sed -n '/^exec:/,/^[a-z]/p' "$TMP/out.yaml")"
check_contains "the temporary file's directory is a glob" "{path: '/tmp/*', access: write}" \
	"$(cat "$TMP/out.yaml")"

out=$(runsc --policy "$TMP/out.yaml" -v "$VOL" -- python3 /data/job.py 2>&1)
check_rc "the same run passes under the learned policy" 0 $?
check "the same output under the learned policy" "$expect" "$out"

peek="try:
    open('/etc/os-release').read(); print('read')
except PermissionError:
    print('refused')"
out=$(runsc --policy "$TMP/out.yaml" -v "$VOL" -- python3 -c "$peek" 2>&1)
check "a file the run did not read is refused" refused "$out"
runsc --policy "$TMP/out.yaml" -v "$VOL" -- cat /data/in.csv >/dev/null 2>&1
check_rc "a program the run did not execute is refused" 126 $?

learn -o "$TMP/bad.yaml" --from no-such-profile -- true >/dev/null 2>&1
check_rc "an unknown base is refused" 2 $?
learn --quiet -- true >/dev/null 2>&1
check_rc "learn without -o is a usage error" 2 $?

done_testing
