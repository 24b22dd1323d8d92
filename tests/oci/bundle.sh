# SPDX-License-Identifier: Apache-2.0
# Sourced by the OCI tests after tests/integration/lib.sh: a rootfs from
# busybox-static under $TMP (the test is skipped without it), `oci` (runsc-c
# with --root $ROOT, bounded, noting sandbox ids), cfg/args to write
# bundles, crun_run (crun on a bundle, for comparison), and an exit trap
# that kills and deletes the containers a test left running.
BUSYBOX=/bin/busybox
if ! "$BUSYBOX" true 2>/dev/null || ldd "$BUSYBOX" >/dev/null 2>&1; then
	skip "OCI runtime" "busybox-static is not installed"
	done_testing
	exit $?
fi

ROOT=$TMP/state
ROOTFS=$TMP/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/etc"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for app in $("$BUSYBOX" --list); do
	[ "$app" = busybox ] || ln -s busybox "$ROOTFS/bin/$app"
done
# Every call of runsc-c is bounded: a hung one fails the test, not the suite.
# Before and after each, the sandbox ids of the containers then in a state
# directory are noted in $TMP/sandbox-ids: a test can check that none of
# them has a cgroup left.
oci() {
	note_sandboxes
	timeout -s KILL 60 "$RUNSC_C" --root "$ROOT" "$@" </dev/null
	set -- $?
	note_sandboxes
	return "$1"
}
note_sandboxes() {
	for f in "$ROOT"/*/state.json "$TMP"/state2/*/state.json; do
		[ -e "$f" ] && sed -n 's/.*"sandboxId":"\([0-9a-f]*\)".*/\1/p' "$f"
	done >>"$TMP/sandbox-ids" 2>/dev/null
	return 0
}
# Containers the test left running die with it, and are deleted.
cleanup_monitors() {
	for f in "$ROOT"/*/state.json "$TMP"/state2/*/state.json; do
		[ -e "$f" ] || continue
		pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$f")
		[ -n "$pid" ] && [ "$pid" -gt 0 ] && kill -9 "$pid" 2>/dev/null
		# delete removes the cgroups the killed monitor left.
		dir=$(dirname "$f")
		timeout -s KILL 60 "$RUNSC_C" --root "$(dirname "$dir")" delete --force \
			"$(basename "$dir")" >/dev/null 2>&1
	done
	return 0
}
trap 'cleanup_monitors; cleanup_hooks; rm -rf "$TMP"' EXIT
# rmdir_cgroups PATH...: in every hierarchy, each PATH below its root (a
# glob, expanded there) removed where it is an empty cgroup, in the order
# given (children first): what a test made at its own cgroup paths.
rmdir_cgroups() {
	for h in /sys/fs/cgroup/*/; do
		for p in "$@"; do
			# shellcheck disable=SC2086
			for d in $h$p; do
				[ -d "$d" ] && rmdir "$d" 2>/dev/null
			done
		done
	done
	return 0
}

# cfg DIR [PYTHON]: DIR/config.json is runsc-c spec's default with the
# shared rootfs, no terminal, and then PYTHON applied to it as d.
cfg() {
	mkdir -p "$1"
	python3 - "$TMP/spec/config.json" "$1/config.json" "$ROOTFS" "${2:-}" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["root"]["path"] = sys.argv[3]
d["process"]["terminal"] = False
exec(sys.argv[4])
open(sys.argv[2], "w").write(json.dumps(d))
EOF
}
# crun_run BUNDLE ID [RUN FLAGS...]: crun runs the bundle (the reference a
# test compares with); the state in $TMP/crun-state. The caller's fds
# above 2 reach crun (--preserve-fds).
crun_run() {
	: >"$TMP/empty"
	crun_bundle=$1 crun_id=$2
	shift 2
	# crun 1.8 refuses this hybrid cgroup layout unless the unified
	# hierarchy's controller list is masked (shared/MACHINE-NOTES.md).
	timeout -s KILL 60 unshare -m sh -c '[ -e /sys/fs/cgroup/unified/cgroup.controllers ] &&
		mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null
		c=$2 r=$3 b=$4 id=$5
		shift 5
		exec "$c" --root "$r" run "$@" --bundle "$b" "$id"' \
		sh "$TMP/empty" "$CRUN" "$TMP/crun-state" "$crun_bundle" "$crun_id" "$@" </dev/null
}
# crun_reference: crun runs the caller's `conf` bundle (conf DIR STATEMENT)
# as id c1 on a copy of $ROOTFS of its own (crun writes to its rootfs), its
# output in $TMP/crun.out; crun_reason says why not where it cannot run.
crun_reference() {
	CRUN=$(command -v crun)
	crun_reason=
	if [ -z "$CRUN" ]; then
		crun_reason="crun is not installed"
		return
	fi
	cp -a "$ROOTFS" "$TMP/rootfs-crun"
	conf "$TMP/c" "d['root']['path'] = '$TMP/rootfs-crun'"
	crun_run "$TMP/c" c1 >"$TMP/crun.out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || crun_reason="crun cannot run here (exit $rc: $(tail -1 "$TMP/crun.out"))"
}
# args PYTHON-LIST: the command as a config statement.
args() { echo "d['process']['args'] = $1"; }
# bad NAME EXPECTED-MESSAGE PYTHON: run refuses the config (cfg's default
# with PYTHON) with exit 1 and one line holding the message, and leaves
# nothing in --root; the error's JSON log line is in $TMP/bad.log.
bad() {
	cfg "$TMP/bad" "$3"
	rm -f "$TMP/bad.log"
	out=$(oci --log "$TMP/bad.log" --log-format json run --bundle "$TMP/bad" bad1 2>&1)
	rc=$?
	left=$(ls -A "$ROOT")
	if [ "$rc" = 1 ] && [ -z "$left" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		printf '%s' "$out" | grep -qF "$2"; then
		ok "bad config: $1"
	else
		not_ok "bad config: $1" "exit $rc, expected 1" "output: $out" "expected: $2" \
			"left in --root: $left"
	fi
}
