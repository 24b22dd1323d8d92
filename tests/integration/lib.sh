# TAP helpers for tests that drive the real runsc-c binary.
# shellcheck shell=sh
: "${RUNSC_C:?RUNSC_C must name the runsc-c binary}"
: "${SOURCE_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
DATA=$SOURCE_ROOT/tests/integration/data
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d /tmp/runsc-c-test.XXXXXX)
trap 'cleanup_hooks; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
CLEANUP_PIDS=""
CLEANUP_DIRS=""

# The environment the sandbox gives a guest by default: native runs of a
# differential test get exactly the same one.
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
guest_env() { env -i PATH="$GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 "$@"; }

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
# known_difference NAME REASON SED: like compare, for a case where the sandbox
# is known to differ from Linux (README, "Known differences from Linux"): a
# TAP TODO, "not ok" while it differs only as documented, "ok" once it
# agrees (which meson counts as an unexpected pass: the TODO is then to be
# removed). SED takes the documented difference out of both outputs; any
# other difference (exit status, a line more or less, a line that differs
# elsewhere) is a plain failure.
known_difference() {
	if [ "$(cat "$TMP/native.rc")" = "$(cat "$TMP/sandbox.rc")" ] &&
		cmp -s "$TMP/native.out" "$TMP/sandbox.out"; then
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # TODO $2"
	elif [ "$(cat "$TMP/native.rc")" = "$(cat "$TMP/sandbox.rc")" ] &&
		[ "$(sed "$3" "$TMP/native.out")" = "$(sed "$3" "$TMP/sandbox.out")" ]; then
		TAP_N=$((TAP_N + 1))
		echo "not ok $TAP_N - $1 # TODO $2"
		diff "$TMP/native.out" "$TMP/sandbox.out" | head -6 | cut -c1-160 | sed 's/^/#   /'
	else
		not_ok "$1 (beyond the known difference)" \
			"native exit $(cat "$TMP/native.rc"), sandbox exit $(cat "$TMP/sandbox.rc")" \
			"$(diff "$TMP/native.out" "$TMP/sandbox.out" | head -20)" \
			"sandbox stderr: $(head -c 2000 "$TMP/sandbox.err")"
	fi
}
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# Background processes a test started: killed on exit, whatever happens.
cleanup_later() { CLEANUP_PIDS="$CLEANUP_PIDS $1"; }
# Directories a test made outside $TMP: removed on exit.
cleanup_dir_later() { CLEANUP_DIRS="$CLEANUP_DIRS $1"; }
cleanup_hooks() {
	for pid in $CLEANUP_PIDS; do kill -9 "$pid" 2>/dev/null; done
	for dir in $CLEANUP_DIRS; do rm -rf "$dir"; done
	return 0
}

# Deadlines: a sanitizer build runs everything a few times slower, so every
# fixed deadline is multiplied by TIME_SCALE (tests/meson.build sets
# RUNSC_TIME_SCALE to the asan setup's timeout multiplier).
TIME_SCALE=${RUNSC_TIME_SCALE:-1}

# runsc [do flags] -- cmd...: runs under the sandbox, quietly, with stdin
# from /dev/null and a hard upper bound on its run time so that a hung
# sandbox fails the test instead of the whole suite.
RUNSC_BOUND=${RUNSC_BOUND:-$((120 * TIME_SCALE))}
runsc() { timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet "$@" </dev/null; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got:      $3"; fi
}

# check_rc NAME EXPECTED_STATUS ACTUAL_STATUS [DIAGNOSTIC...]
check_rc() {
	name=$1 want=$2 got=$3
	shift 3
	if [ "$want" = "$got" ]; then ok "$name"; else not_ok "$name" "expected exit $want, got $got" "$@"; fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
	case "$3" in
	*"$2"*) ok "$1" ;;
	*) not_ok "$1" "expected to contain: $2" "got: $(printf '%s' "$3" | head -c 2000)" ;;
	esac
}

# check_lacks NAME NEEDLE HAYSTACK
check_lacks() {
	case "$3" in
	*"$2"*) not_ok "$1" "must not contain: $2" "got: $(printf '%s' "$3" | head -c 2000)" ;;
	*) ok "$1" ;;
	esac
}

# compare NAME: compares $TMP/native.{out,rc} with $TMP/sandbox.{out,rc}.
compare() {
	native_rc=$(cat "$TMP/native.rc")
	sandbox_rc=$(cat "$TMP/sandbox.rc")
	if [ "$native_rc" = "$sandbox_rc" ] && cmp -s "$TMP/native.out" "$TMP/sandbox.out"; then
		ok "$1"
	else
		not_ok "$1" "native exit $native_rc, sandbox exit $sandbox_rc" \
			"$(diff "$TMP/native.out" "$TMP/sandbox.out" | head -20)" \
			"sandbox stderr: $(head -c 2000 "$TMP/sandbox.err")"
	fi
}

# differential NAME CMD...: same stdout and exit status natively and under
# runsc-c do (stdin from /dev/null, cwd /, the guest's default environment).
differential() {
	name=$1
	shift
	(cd / && guest_env "$@") </dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	runsc -- "$@" >"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "$name"
}

# differential_data NAME SCRIPT: runs `sh -c SCRIPT sh DATA SCRATCH` natively
# and in the sandbox. DATA is tests/integration/data (mounted read-only at
# /data inside, since the source tree may live where the view hides it, e.g.
# under /root); SCRATCH is an empty writable directory (/tmp inside).
differential_data() {
	run_data "$2"
	compare "$1"
}

# run_data SCRIPT: differential_data's runs, without the comparison.
run_data() {
	script=$1
	scratch=$(mktemp -d "$TMP/scratch.XXXXXX")
	(cd / && guest_env TMPDIR="$scratch" sh -c "$script" sh "$DATA" "$scratch") \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	# A fresh scratch directory inside too: the sandbox's /tmp shows the
	# host's underneath its writable layer.
	runsc -v "$DATA:/data:ro" -- \
		sh -c "set -- /data \"\$(mktemp -d /tmp/scratch.XXXXXX)\" && $script" sh \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds, for
# SECONDS times TIME_SCALE.
wait_until() {
	tries=$(($1 * 10 * TIME_SCALE))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# have_ipv6: whether this host's kernel has IPv6, asked natively (it can be
# built without it or disabled at boot with ipv6.disable=1; the sandbox's
# network namespace then has none either).
have_ipv6() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; socket.socket(socket.AF_INET6).close()' 2>/dev/null
	else
		[ -e /proc/net/if_inet6 ]
	fi
}

# route_errno 4|6: what a non-blocking connect to an allowed public address
# gives in an egress sandbox. The route out copies the host's routes: where
# the host has a default route the connect is under way (EINPROGRESS; nothing
# answers on the test addresses), where it has none the network is
# unreachable, natively and in the sandbox alike.
route_errno() {
	if ip -"$1" route show default 2>/dev/null | grep -q .; then
		echo EINPROGRESS
	else
		echo ENETUNREACH
	fi
}

# requires NAME PROGRAM: succeeds if PROGRAM is installed; otherwise fails
# the test NAME saying so. A differential of a missing program would pass
# (it fails alike natively and in the sandbox) and prove nothing.
requires() {
	command -v "$2" >/dev/null 2>&1 && return 0
	not_ok "$1" "$2 is not installed (scripts/install-deps.sh installs it)"
	return 1
}

# differential_userns NAME SCRIPT: as differential_data, but natively as the
# root of a user namespace made by an unprivileged user (what the guest's
# root is), so that the native answer is what Linux gives such a root.
differential_userns() {
	name=$1 script=$2
	scratch=$(mktemp -d "$TMP/scratch.XXXXXX")
	# The unprivileged user must reach its scratch directory.
	chmod 711 "$TMP"
	chmod 777 "$scratch"
	(cd / && guest_env TMPDIR="$scratch" setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -U -r sh -c "$script" sh "$DATA" "$scratch") \
		</dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	echo $? >"$TMP/native.rc"
	# A fresh scratch directory inside too: the sandbox's /tmp shows the
	# host's underneath its writable layer.
	runsc -v "$DATA:/data:ro" -- \
		sh -c "set -- /data \"\$(mktemp -d /tmp/scratch.XXXXXX)\" && $script" sh \
		>"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	echo $? >"$TMP/sandbox.rc"
	compare "$name"
}
