#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The OCI runtime-tools validation suite (github.com/opencontainers/
# runtime-tools, validation/*.go), run against runsc-c, crun and runc side
# by side: each test program creates containers with the runtime named in
# RUNTIME and prints TAP. Prints one TAP line per test program and runtime,
# then a table of ok / not ok / skipped checks per runtime.
#
#   RUNTIME_TOOLS=DIR  a checkout of runtime-tools, built here with Debian's
#                      Go (1.19: a checkout whose go.mod asks for go 1.19,
#                      e.g. v0.9.0-120-g260e151; later ones need Go 1.21)
#   RUNSC_C=PATH       the runsc-c binary
#   RUNTIMES="..."     which runtimes (default: runsc-c crun runc)
#   TESTS="a b"        which validation programs (default: all)
#
# crun refuses this hybrid cgroup layout (hugetlb sits on the unified
# hierarchy): it runs with the unified hierarchy's controller list masked in
# a private mount namespace, as shared/MACHINE-NOTES.md describes.
set -u
: "${RUNTIME_TOOLS:?set RUNTIME_TOOLS to a runtime-tools checkout}"
: "${RUNSC_C:?set RUNSC_C to the runsc-c binary}"
RUNTIMES=${RUNTIMES:-runsc-c crun runc}
PER_TEST_TIMEOUT=${PER_TEST_TIMEOUT:-120}

if ! command -v go >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null ||
		{ echo "runtime_tools: cannot install golang-go" >&2; exit 1; }
fi
cd "$RUNTIME_TOOLS" || exit 1
GOFLAGS=-mod=vendor GOCACHE="${GOCACHE:-$RUNTIME_TOOLS/.gocache}" \
	make runtimetest validation-executables >build.log 2>&1 ||
	{ tail -5 build.log >&2; echo "runtime_tools: the suite does not build (see $RUNTIME_TOOLS/build.log)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/runtime-tools.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
: >"$TMP/empty"
cat >"$TMP/crun" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "$TMP/empty" /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; exec crun "\$@"' crun "\$@"
EOF
chmod +x "$TMP/crun"

runtime_path() {
	case $1 in
	runsc-c) echo "$RUNSC_C" ;;
	crun) if [ -e /sys/fs/cgroup/unified/cgroup.controllers ]; then echo "$TMP/crun"; else command -v crun; fi ;;
	*) command -v "$1" ;;
	esac
}

# The programs make their bundles in /tmp/ocitest*; one that fails midway
# leaves its bundle, and a runtime that propagates mounts back to the host
# (rootfs propagation "shared") leaves the container's mounts on it. Both
# are removed after each program, those that were there before are kept.
ls -d /tmp/ocitest* >"$TMP/before" 2>/dev/null
leftovers() {
	for d in /tmp/ocitest*; do
		[ -e "$d" ] || continue
		grep -qxF "$d" "$TMP/before" && continue
		umount -R "$d" 2>/dev/null
		rm -rf "$d"
	done
}

tests=${TESTS:-$(ls validation | while read -r t; do [ -x "validation/$t/$t.t" ] && echo "$t"; done)}
n=0
for rt in $RUNTIMES; do
	path=$(runtime_path "$rt")
	if [ -z "$path" ]; then
		echo "# $rt: not installed"
		continue
	fi
	for t in $tests; do
		out="$TMP/$rt.$t.tap"
		RUNTIME="$path" timeout -s KILL "$PER_TEST_TIMEOUT" "./validation/$t/$t.t" \
			>"$out" 2>&1 </dev/null
		rc=$?
		leftovers
		okc=$(grep -c '^ok [0-9]*\( -\|$\)' "$out")
		skip=$(grep -c '^ok [0-9]* # SKIP' "$out")
		bad=$(grep -c '^not ok' "$out")
		# A program that died before its plan counts as one failure.
		grep -q '^1\.\.[0-9]' "$out" || bad=$((bad + 1))
		n=$((n + 1))
		if [ "$bad" -eq 0 ]; then
			echo "ok $n - $rt $t: $okc ok, $skip skipped"
		else
			echo "not ok $n - $rt $t: $okc ok, $bad not ok, $skip skipped (exit $rc)"
			grep '^not ok' "$out" | head -5 | sed 's/^/#   /'
		fi
		echo "$rt $okc $bad $skip" >>"$TMP/counts"
	done
done
echo "1..$n"
echo
echo "| runtime | checks ok | not ok | skipped | programs fully passing |"
echo "|---|---:|---:|---:|---:|"
for rt in $RUNTIMES; do
	awk -v rt="$rt" '$1 == rt { ok += $2; bad += $3; skip += $4; progs++; if ($3 == 0) full++ }
		END { if (progs) printf "| %s | %d | %d | %d | %d of %d |\n", rt, ok, bad, skip, full, progs }' \
		"$TMP/counts"
done
