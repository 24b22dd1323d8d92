#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# runsc-c pause, resume, update and events (docs/oci.md) with runc's flags
# and statuses: a paused container's counter stops and goes on after
# resume, state says paused, exec into it is refused, kill -9 and
# delete --force end it (its guest thawed to die); a lowered pids limit makes
# fork fail with EAGAIN; events --stats gives numbers that move, events
# streams them until the container stops. Bundles from busybox-static.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"
status() { oci state "$1" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
lines() { wc -l <"$1" | tr -d ' '; }
# The guest's processes, from the sandbox's cgroups (every hierarchy).
sandbox_of() { sed 's/.*"sandboxId":"\([^"]*\)".*/\1/' "$ROOT/$1/state.json"; }
guest_procs() { cat /sys/fs/cgroup/*/runsc-c/"$1"/guest/cgroup.procs /sys/fs/cgroup/runsc-c/"$1"/guest/cgroup.procs 2>/dev/null; }
no_guest_procs() { [ -z "$(guest_procs "$1")" ]; }
grows() { [ "$(lines "$1")" -gt "$2" ]; }
json() { python3 -c "import json,sys; d=json.loads(sys.stdin.readline()); print($1)"; }

# ---- pause and resume: a counter ----
cfg "$TMP/count" "$(args '["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; usleep 10000; done"]')"
oci create --bundle "$TMP/count" c1 >"$TMP/c1.out" 2>&1
oci start c1
wait_until 20 grows "$TMP/c1.out" 3
check "the counter runs" running "$(status c1)"
out=$(oci resume c1 2>&1)
check_rc "resume of a running container fails" 1 "$?" "$out"
check_contains "... with runc's message" "container not paused" "$out"
out=$(oci pause c1 2>&1)
check_rc "pause" 0 "$?" "$out"
check "state says paused" paused "$(status c1)"
check_contains "list says paused" "paused" "$(oci list)"
sleep 0.3 # output written before the freeze lands
n1=$(lines "$TMP/c1.out")
sleep 0.5
n2=$(lines "$TMP/c1.out")
check "a paused container's counter stops" "$n1" "$n2"
out=$(oci pause c1 2>&1)
check_rc "pause of a paused container fails" 1 "$?" "$out"
check_contains "... with runc's message" "container not running" "$out"
out=$(oci exec c1 true 2>&1)
check_rc "exec into a paused container fails as runc's (255)" 255 "$?" "$out"
check_contains "... and says how to override" "--ignore-paused" "$out"
out=$(oci delete c1 2>&1)
check_rc "delete of a paused container without --force fails" 1 "$?" "$out"
check_contains "... saying it is paused" "paused" "$out"
out=$(oci ps c1 2>&1)
check_rc "ps of a paused container works" 0 "$?" "$out"
out=$(oci resume c1 2>&1)
check_rc "resume" 0 "$?" "$out"
check "state says running again" running "$(status c1)"
wait_until 20 grows "$TMP/c1.out" $((n2 + 3))
check_rc "after resume the counter goes on" 0 "$?"

# ---- events --stats ----
s1=$(oci events --stats c1)
check "events --stats: one stats event of the container" "stats c1" \
	"$(echo "$s1" | json 'd["type"], d["id"]' | tr -d "(),'")"
check "events --stats: runc's fields (cpu, memory, pids)" "True" \
	"$(echo "$s1" | json 'd["data"]["cpu"]["usage"]["total"] > 0 and d["data"]["memory"]["usage"]["usage"] > 0 and d["data"]["pids"]["current"] >= 2')"
cpu1=$(echo "$s1" | json 'd["data"]["cpu"]["usage"]["total"]')
cpu_moves() {
	c=$(oci events --stats c1 | json 'd["data"]["cpu"]["usage"]["total"]')
	[ "$c" -gt "$cpu1" ]
}
wait_until 20 cpu_moves
check_rc "events --stats: cpu usage moves" 0 "$?"
out=$(oci events --stats --interval 2x c1 2>&1)
check_rc "events: a bad --interval fails" 1 "$?" "$out"
check_contains "... naming the flag" "--interval" "$out"

# ---- update ----
out=$(oci update --memory 64m --cpu-quota 50000 c1 2>&1)
check_rc "update --memory --cpu-quota" 0 "$?" "$out"
check "update: the new memory limit shows in events" 67108864 \
	"$(oci events --stats c1 | json 'd["data"]["memory"]["usage"]["limit"]')"
echo '{"pids": {"limit": 1000}}' >"$TMP/res.json"
out=$(oci update -r "$TMP/res.json" c1 2>&1)
check_rc "update -r resources.json" 0 "$?" "$out"
check "update -r: the pids limit shows in events" 1000 \
	"$(oci events --stats c1 | json 'd["data"]["pids"]["limit"]')"
printf '{"pids": {"limit": "x"}}' >"$TMP/bad.json"
out=$(oci update -r "$TMP/bad.json" c1 2>&1)
check_rc "update -r with a wrong type fails" 1 "$?" "$out"
check_contains "... naming the field" "resources.pids.limit" "$out"
printf '{"pids": \n' >"$TMP/bad.json"
out=$(oci update -r "$TMP/bad.json" c1 2>&1)
check_rc "update -r with broken JSON fails" 1 "$?" "$out"
check_contains "... naming the file and line" "bad.json:2" "$out"
for flag in "--cpu-share 1" "--cpu-idle 1" "--memory lots" "--pids-limit 0" "--memory 1k" "--no-such 1"; do
	# shellcheck disable=SC2086 # the flag and its value are two words
	out=$(oci update $flag c1 2>&1)
	check_rc "update $flag fails" 1 "$?" "$out"
	check_contains "... naming the flag" "${flag%% *}" "$out"
done
out=$(oci update --pids-limit 10 nosuch 2>&1)
check_rc "update of an unknown container fails" 1 "$?" "$out"

# ---- a lowered pids limit holds: fork fails with EAGAIN ----
cfg "$TMP/idle" "$(args '["sleep", "1000"]')"
oci create --bundle "$TMP/idle" c2 >/dev/null 2>&1
oci start c2
forks='for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo forked; kill $(jobs -p) 2>/dev/null'
out=$(oci exec c2 sh -c "$forks" 2>&1)
check "before update, the forks succeed" "forked" "$out"
oci update --pids-limit 6 c2
out=$(oci exec c2 sh -c "$forks" 2>&1)
check_contains "after update --pids-limit 6, fork fails with EAGAIN" \
	"Resource temporarily unavailable" "$out"
oci update --pids-limit 100 c2
out=$(oci exec c2 sh -c "$forks" 2>&1)
check "after raising it again, the forks succeed" "forked" "$out"

# ---- events streams until the container stops ----
timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" events --interval 100ms c2 >"$TMP/ev" 2>&1 &
ev=$!
cleanup_later "$ev"
wait_until 20 grows "$TMP/ev" 2
check "events: stats every --interval" "stats stats" \
	"$(head -2 "$TMP/ev" | while read -r l; do echo "$l" | json 'd["type"]'; done | tr '\n' ' ' | sed 's/ $//')"

# ---- kill and delete of paused containers ----
oci pause c2
sid2=$(sandbox_of c2)
oci kill c2 KILL
wait_until 20 no_guest_procs "$sid2"
check_rc "kill KILL of a paused container: its guest dies" 0 "$?" "$(guest_procs "$sid2")"
wait "$ev"
check_rc "events ends when the container stops" 0 "$?"
check "state says stopped" stopped "$(status c2)"
oci delete c2
sid1=$(sandbox_of c1)
oci pause c1
out=$(oci delete --force c1 2>&1)
check_rc "delete --force of a paused container" 0 "$?" "$out"
wait_until 20 no_guest_procs "$sid1"
check_rc "... its guest is gone" 0 "$?" "$(guest_procs "$sid1")"
check "... and its state" "" "$(ls -A "$ROOT")"
out=$(oci pause c1 2>&1)
check_rc "pause of an unknown container fails" 1 "$?" "$out"

done_testing
