# TAP helpers for tests that drive the real runsc-c binary.
# shellcheck shell=sh
: "${RUNSC_C:?RUNSC_C must name the runsc-c binary}"
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d /tmp/runsc-c-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# runsc [do flags] -- cmd...: runs under the sandbox, quietly.
runsc() { "$RUNSC_C" do --quiet "$@"; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "got:      $3"; fi
}

# differential NAME CMD...: same stdout and exit status natively and under
# runsc-c do (stdin from /dev/null, cwd /).
differential() {
	name=$1
	shift
	(cd / && "$@") </dev/null >"$TMP/native.out" 2>"$TMP/native.err"
	native_rc=$?
	"$RUNSC_C" do --quiet -- "$@" </dev/null >"$TMP/sandbox.out" 2>"$TMP/sandbox.err"
	sandbox_rc=$?
	if [ "$native_rc" = "$sandbox_rc" ] && cmp -s "$TMP/native.out" "$TMP/sandbox.out"; then
		ok "$name"
	else
		not_ok "$name" "native exit $native_rc, sandbox exit $sandbox_rc" \
			"$(diff "$TMP/native.out" "$TMP/sandbox.out" | head -20)" \
			"sandbox stderr: $(head -c 2000 "$TMP/sandbox.err")"
	fi
}
