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

# Network: every connect the base allowed is learned as an address with its
# ports; loopback is the sandbox's own and not learned. An allowed connect
# takes the route out (non-blocking: EINPROGRESS, nothing answers on these
# test addresses), a refused one ends in EPERM at once.
cat >"$TMP/data/conn.py" <<'EOP'
import errno, socket, sys
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
for a in [('127.0.0.1', srv.getsockname()[1])] + [x.rsplit(':', 1) for x in sys.argv[1:]]:
    h = a[0].strip('[]')
    s = socket.socket(socket.AF_INET6 if ':' in h else socket.AF_INET)
    s.setblocking(h == '127.0.0.1')
    try:
        s.connect((h, int(a[1]))); print('ok', end=' ')
    except OSError as e:
        print(errno.errorcode[e.errno], end=' ')
print()
EOP
cat >"$TMP/egress.yaml" <<'EOP'
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
  allow:
    - {cidr: 0.0.0.0/0}
    - {cidr: "::/0"}
EOP
# Where the host has no IPv6 (the sandbox then has none either) the run
# connects over IPv4 only, and what is learned for IPv6 goes untested.
if have_ipv6; then
	dests6="[2001:db8::1]:443" other6="[2001:db8::2]:443"
	learned6="\n    - {cidr: '2001:db8::1', ports: [443]}" unreach6="$(route_errno 6) " eperm6="EPERM "
else
	dests6="" other6="" learned6="" unreach6="" eperm6=""
	skip "IPv6 addresses are learned" "no IPv6 on this host"
fi
dests="192.0.2.7:443 192.0.2.7:80 $dests6"
r4=$(route_errno 4)
# shellcheck disable=SC2086
out=$(learn -o "$TMP/net.yaml" --from "$TMP/egress.yaml" --quiet -v "$VOL" -- \
	python3 /data/conn.py $dests 2>&1)
check "learning a run that connects" "ok $r4 $r4 $unreach6" "$out"
"$RUNSC_C" policy check "$TMP/net.yaml" >"$TMP/check.out" 2>&1
check_rc "the learned network policy passes policy check" 0 $?
net=$(sed -n '/^network:/,/^[a-z]/p' "$TMP/net.yaml")
expect=$(printf "network:\n  mode: egress\n  allow:\n    - {cidr: '192.0.2.7', ports: [80, 443]}$learned6")
check "the addresses and ports connected to are learned" "$expect" "$(echo "$net" | sed '$d')"
# shellcheck disable=SC2086
out=$(runsc --policy "$TMP/net.yaml" --audit "$TMP/net.audit" -v "$VOL" -- \
	python3 /data/conn.py $dests 192.0.2.7:22 192.0.2.8:443 $other6 2>&1)
check "the same connects pass the learned policy; others are refused" \
	"ok $r4 $r4 ${unreach6}EPERM EPERM $eperm6" "$out"
check_contains "a refused connect is audited" \
	'"object": "192.0.2.8:443", "access": "connect", "decision": "deny", "rule": null}' \
	"$(cat "$TMP/net.audit")"
learn -o "$TMP/nonet.yaml" --quiet -v "$VOL" -- python3 /data/conn.py 192.0.2.7:443 >/dev/null 2>&1
check "under a base without network nothing is learned" "  mode: none" \
	"$(sed -n '/^network:/{n;p}' "$TMP/nonet.yaml")"

# Names that need escaping in the audit log: a quote comes back as it is,
# bytes that are not UTF-8 (which no YAML policy can name) are left out.
mkdir -p "$TMP/odd"
printf q >"$TMP/odd/q\"uote.txt"
printf a >"$TMP/odd/it's.txt"
printf c >"$TMP/odd/$(printf 'caf\303\251.txt')"
printf b >"$TMP/odd/$(printf 'bad\351.txt')"
out=$(learn -o "$TMP/odd.yaml" --quiet -v "$TMP/odd:/odd:ro" -- \
	sh -c 'cat /odd/q\"uote.txt /odd/it*.txt /odd/caf*.txt /odd/bad*.txt' 2>/dev/null)
check "the run reads every odd name" qacb "$out"
check_contains "a name with a double quote is learned" "'/odd/q\"uote.txt'" "$(cat "$TMP/odd.yaml")"
check_contains "a name with a single quote is learned" "'/odd/it''s.txt'" "$(cat "$TMP/odd.yaml")"
check_contains "a UTF-8 name is learned as it is" "'/odd/$(printf 'caf\303\251.txt')'" \
	"$(cat "$TMP/odd.yaml")"
runsc --policy "$TMP/odd.yaml" -v "$TMP/odd:/odd:ro" -- \
	sh -c 'cat /odd/q\"uote.txt /odd/it*.txt /odd/caf*.txt' >"$TMP/odd.out" 2>&1
check "the odd names read under the learned policy" qac "$(cat "$TMP/odd.out")"
check "a name that is not UTF-8 is not" "" "$(grep bad "$TMP/odd.yaml")"
"$RUNSC_C" policy check "$TMP/odd.yaml" >/dev/null 2>&1
check_rc "the policy learned from odd names passes policy check" 0 $?
cp /bin/true "$TMP/odd/$(printf 'run\351')"
sed 's/allowed: false/allowed: true/' "$SOURCE_ROOT/policies/default.yaml" >"$TMP/all.yaml"
runsc --policy "$TMP/all.yaml" --audit "$TMP/odd.jsonl" -v "$TMP/odd:/odd:ro" -- \
	sh -c '/odd/run*' >/dev/null 2>&1
check_rc "a program whose name is not UTF-8 runs" 0 $?
check_contains "the audit log marks an object that is not UTF-8" '"object_invalid_utf8": true' \
	"$(cat "$TMP/odd.jsonl")"

# A learn killed outright takes its sandbox with it.
mark="sleep 4$$"
TMPDIR="$TMP" "$RUNSC_C" policy learn -o "$TMP/killed.yaml" --quiet -- $mark </dev/null >/dev/null 2>&1 &
learn_pid=$!
cleanup_later "$learn_pid"
wait_until 10 pgrep -f -x "$mark" >/dev/null
check_rc "the learning run has started" 0 $?
kill -KILL "$learn_pid"
wait_until 10 sh -c "! pgrep -f -x '$mark' >/dev/null"
check_rc "its command ends when learn is killed" 0 $?
check "a killed learn leaves no log in TMPDIR" "" "$(ls "$TMP" | grep runsc-c-learn)"

learn -o "$TMP/bad.yaml" --from no-such-profile -- true >/dev/null 2>&1
check_rc "an unknown base is refused" 2 $?
learn --quiet -- true >/dev/null 2>&1
check_rc "learn without -o is a usage error" 2 $?

done_testing
