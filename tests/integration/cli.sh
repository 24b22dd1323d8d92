#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line: bad input gets one clear message naming the flag and a
# non-zero exit status; a command that cannot run gets the shell's 126/127.
. "$(dirname "$0")/lib.sh"

# bad_input NAME NEEDLE FLAGS...: exit status 2 and a message containing NEEDLE.
bad_input() {
	name=$1 needle=$2
	shift 2
	timeout -s KILL 30 "$RUNSC_C" do "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	case "$msg" in
	*"$needle"*)
		if [ "$rc" = 2 ] && [ ! -s "$TMP/out" ]; then ok "$name"; else
			not_ok "$name" "exit $rc (expected 2)" "$msg"; fi ;;
	*) not_ok "$name" "exit $rc, expected a message naming $needle" "got: $msg" ;;
	esac
}

bad_input "--volume with a missing host path" "--volume" -v /nonexistent-runsc-c:/x -- true
bad_input "--volume without a guest path" "--volume" -v /tmp -- true
bad_input "--volume with a relative guest path" "--volume" -v /tmp:rel -- true
bad_input "--volume with a .. guest path" "--volume" -v /tmp:/a/../b -- true
bad_input "--volume with a bad mode" "--volume" -v /tmp:/x:rx -- true
bad_input "--timeout abc" "--timeout" --timeout abc -- true
bad_input "--timeout -1" "--timeout" --timeout -1 -- true
bad_input "--user bob" "--user" --user bob -- true
bad_input "--user 4294967295" "--user" --user 4294967295 -- true
bad_input "--env without =" "--env" -e NOEQUALS -- true
bad_input "--cwd relative" "--cwd" --cwd rel -- true
bad_input "--rootfs missing" "--rootfs" --rootfs /nonexistent-runsc-c -- true
bad_input "--hostname empty" "--hostname" --hostname= -- true
bad_input "an unknown flag" "--bogus" --bogus -- true
bad_input "no command" "COMMAND"

out=$(runsc --cwd /nonexistent-runsc-c -- true 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 127 ]; then
	check_contains "--cwd of a missing directory fails naming --cwd" "--cwd" "$out"
else
	not_ok "--cwd of a missing directory fails naming --cwd" "exit $rc" "$out"
fi

out=$(runsc -- /nonexistent-runsc-c 2>&1)
check_rc "a missing command: exit status 127" 127 "$?" "$out"
check_contains "a missing command: the message names it" "/nonexistent-runsc-c" "$out"
out=$(runsc -- /etc/passwd 2>&1)
check_rc "a command that is not executable: exit status 126" 126 "$?" "$out"
out=$(runsc -- /etc 2>&1)
check_rc "a directory as the command: exit status 126" 126 "$?" "$out"
out=$(runsc -- nonexistent-runsc-c-command 2>&1)
check_rc "a command not found in PATH: exit status 127" 127 "$?" "$out"

# --quiet: nothing from runsc-c itself; the guest's stderr still passes.
# The limit leaves a loaded machine (or a sanitizer build) time to start the
# sandbox, and the command outlasts it by far: the run always times out.
limit=$((3 * TIME_SCALE))
out=$(timeout -s KILL $((limit + 60)) "$RUNSC_C" do --quiet --timeout "$limit" -- sh -c 'echo guest-err >&2; sleep 30' </dev/null 2>&1)
check "--quiet --timeout: only the guest's own stderr" "guest-err" "$out"
out=$(timeout -s KILL $((limit + 60)) "$RUNSC_C" do --timeout "$limit" -- sleep 30 </dev/null 2>&1)
check_contains "--timeout without --quiet says so" "timed out" "$out"
out=$(runsc -- sh -c 'echo out; echo err >&2' 2>"$TMP/err")
check "stdout and stderr are passed through separately" "out err" "$out $(cat "$TMP/err")"
out=$(printf 'line1\nline2\n' | timeout -s KILL 30 "$RUNSC_C" do --quiet -- sh -c 'wc -l')
check "stdin is passed through" "2" "$out"
out=$(head -c 3000000 /dev/zero | timeout -s KILL 60 "$RUNSC_C" do --quiet -- sh -c 'wc -c')
check "3 MB through stdin and stdout" "3000000" "$out"

# --debug ends with the sentry's counters: a getcwd answered without the
# gofer, an open that needed it.
out=$(timeout -s KILL $((60 * TIME_SCALE)) "$RUNSC_C" do --debug -- sh -c ': </etc/hostname' </dev/null 2>&1 >/dev/null)
line=$(printf '%s\n' "$out" | grep 'counters: getcwd ')
case "$line" in
*" 0 calls "* | "") not_ok "--debug counts getcwd without a gofer request" "got: $line" ;;
*" calls "*" 0 gofer "*) ok "--debug counts getcwd without a gofer request" ;;
*) not_ok "--debug counts getcwd without a gofer request" "got: $line" ;;
esac
line=$(printf '%s\n' "$out" | grep -E 'counters: open(at)? ' | head -n 1)
case "$line" in
*" calls "*" 0 gofer "* | "") not_ok "--debug counts the gofer requests of an open" "got: $line" ;;
*" gofer "*) ok "--debug counts the gofer requests of an open" ;;
*) not_ok "--debug counts the gofer requests of an open" "got: $line" ;;
esac

# The other commands.
check_rc "runsc-c version" 0 "$(timeout 30 "$RUNSC_C" version >/dev/null 2>&1; echo $?)"
rows=$(timeout 30 "$RUNSC_C" syscalls 2>/dev/null | grep -cE '^ *[0-9]+ ')
if [ "$rows" -ge 300 ]; then ok "runsc-c syscalls lists the table ($rows rows)"; else
	not_ok "runsc-c syscalls lists the table" "$rows rows"; fi
timeout 30 "$RUNSC_C" no-such-command >/dev/null 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ] && [ -s "$TMP/err" ]; then ok "an unknown command fails with a message"; else
	not_ok "an unknown command fails with a message" "exit $rc"; fi

# update's --memory and --pids-limit: the parser of do's --memory and
# --pids (sandbox_limit_parse), runc's syntax; a bad value is refused,
# naming the flag and the value, before any container is looked up.
mkdir -p "$TMP/oci-root"
update_bad() {
	flag=$1 value=$2 needle=$3
	timeout -s KILL 30 "$RUNSC_C" --root "$TMP/oci-root" update "$flag" "$value" nosuch \
		</dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	msg=$(cat "$TMP/err")
	case "$msg" in
	*"update: $flag: '$value'"*"$needle"*)
		if [ "$rc" = 1 ] && [ ! -s "$TMP/out" ]; then ok "update $flag '$value' is refused"; else
			not_ok "update $flag '$value' is refused" "exit $rc (expected 1)" "$msg"; fi ;;
	*) not_ok "update $flag '$value' is refused" "exit $rc, expected $flag, '$value' and $needle" \
		"got: $msg" ;;
	esac
}
update_bad --memory lots "expected a size such as 512M or 2G"
update_bad --memory 0 "expected a size"
update_bad --memory -5 "expected a size"
update_bad --memory 1.5x "expected a size"
update_bad --memory 1e9 "expected a size"
update_bad --memory 0x1p30 "expected a size"
update_bad --memory "" "expected a size"
update_bad --memory 1k "below what a sandbox needs to start: at least 16M"
update_bad --memory 15m "at least 16M"
update_bad --pids-limit abc "expected a number of tasks from 2 to 4194304"
update_bad --pids-limit 0 "expected a number of tasks"
update_bad --pids-limit 1 "below what a sandbox needs to start: at least 2"
update_bad --pids-limit 4194305 "expected a number of tasks"
update_bad --pids-limit 1.5 "expected a number of tasks"
# Good values get past the flags: the container is what is missing.
for good in "--memory 16m" "--memory 1G" "--memory 268435456" "--pids-limit 100"; do
	# shellcheck disable=SC2086 # the flag and its value are two words
	out=$(timeout -s KILL 30 "$RUNSC_C" --root "$TMP/oci-root" update $good nosuch 2>&1)
	check_contains "update $good: accepted, the container is what is missing" \
		"'nosuch' does not exist" "$out"
done

# runsc-c do started with fd 0, 1 or 2 closed (a caller with stdin closed):
# the command gets /dev/null there and the caller's other two fds as they
# were, and no file of runsc-c's own (--stats, a directory, a socket) takes
# the free number.
mkdir -p "$TMP/dv"
: >"$TMP/din"
PROBE='a=$(readlink /proc/$$/fd/0); b=$(readlink /proc/$$/fd/1); c=$(readlink /proc/$$/fd/2); echo "$a|$b|$c" >/dv/out'
for n in 0 1 2; do
	rm -f "$TMP/dv/out" "$TMP/stats"
	: >"$TMP/do1"
	: >"$TMP/do2"
	set -- "$RUNSC_C" do --debug --stats "$TMP/stats" -v "$TMP/dv:/dv" -- sh -c "$PROBE"
	case $n in
	0)
		timeout -s KILL 60 "$@" 0<&- >>"$TMP/do1" 2>>"$TMP/do2"
		fds_want="/dev/null|$TMP/do1|$TMP/do2"
		;;
	1)
		timeout -s KILL 60 "$@" <"$TMP/din" 1>&- 2>>"$TMP/do2"
		fds_want="$TMP/din|/dev/null|$TMP/do2"
		;;
	2)
		timeout -s KILL 60 "$@" <"$TMP/din" >>"$TMP/do1" 2>&-
		fds_want="$TMP/din|$TMP/do1|/dev/null"
		;;
	esac
	check_rc "do with fd $n closed: the command runs" 0 "$?" "$(tail -3 "$TMP/do2")"
	check "do with fd $n closed: the command's fd $n is /dev/null, the others the caller's" \
		"$fds_want" "$(cat "$TMP/dv/out" 2>&1)"
	check "do with fd $n closed: --stats is the stats, JSON" yes \
		"$(python3 -c 'import json,sys; json.load(open(sys.argv[1])); print("yes")' "$TMP/stats" 2>&1 | tail -1)"
done
set --

done_testing
