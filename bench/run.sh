#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh [BUILD_DIR]: the runsc-c benchmark suite.
#
# Runs native, runsc-c, crun (a static busybox bundle built here) and bubblewrap side
# by side, alternating, and prints a markdown table that is also written to
# bench/results/latest.md and bench/results/YYYY-MM-DD.md. Benchmarks measure; they
# assert nothing. A runner that is missing or fails shows as "n/a (reason)".
#
# Knobs (environment): BENCH_SECTIONS (default: all of "start cgroup syscall python
# exec file make agent net oci memory density rate serve"), BENCH_NET_ROUNDS, BENCH_RUNS, BENCH_PY_RUNS, BENCH_EXEC_RUNS,
# BENCH_FILE_RUNS, BENCH_MAKE_RUNS, BENCH_AGENT_RUNS, BENCH_SYSCALL_ROUNDS, BENCH_SYSCALL_CALLS,
# BENCH_CGROUP_RUNS and BENCH_CGROUP_DEBUG_RUNS (the cgroup section's), BENCH_IDLE, BENCH_IDLE_CG, BENCH_DENSITY_MAX, BENCH_DENSITY_BUDGET_S, BENCH_RATE_COUNT,
# BENCH_SERVE_RUNS and BENCH_SERVE_POOL (bench/serve.py's), BENCH_OCI_RUNS, BENCH_OCI_IDLE,
# BENCH_CRUN and BENCH_BWRAP (the peers' binaries; default: from PATH),
# BENCH_RESULTS (output directory; "-" writes no file), BENCH_BASELINE (another
# runsc-c binary, e.g. a build of the commit before a change: the start, cgroup,
# python, exec and file sections then time it too, alternating with this one, and add its row).
set -u -o pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
build_dir=${1:-build}
runsc=$(realpath "$build_dir/runsc-c" 2>/dev/null || true)
if [ -z "$runsc" ] || [ ! -x "$runsc" ]; then
	echo "bench: no runsc-c binary in $build_dir (build it first)" >&2
	exit 1
fi

all_sections="start cgroup syscall python exec file make agent net oci memory density rate serve"
: "${BENCH_SECTIONS:=$all_sections}"
: "${BENCH_RUNS:=30}" "${BENCH_PY_RUNS:=15}" "${BENCH_EXEC_RUNS:=10}"
: "${BENCH_FILE_RUNS:=8}" "${BENCH_MAKE_RUNS:=7}" "${BENCH_AGENT_RUNS:=5}"
: "${BENCH_SYSCALL_ROUNDS:=5}" "${BENCH_SYSCALL_CALLS:=20000}"
: "${BENCH_IDLE:=100}" "${BENCH_DENSITY_MAX:=2000}" "${BENCH_DENSITY_BUDGET_S:=150}"
: "${BENCH_CGROUP_RUNS:=200}" "${BENCH_CGROUP_DEBUG_RUNS:=50}" "${BENCH_IDLE_CG:=20}"
: "${BENCH_RATE_COUNT:=50}" "${BENCH_OCI_RUNS:=10}" "${BENCH_OCI_IDLE:=5}"
: "${BENCH_RESULTS:=$bench_dir/results}"
: "${BENCH_CRUN:=$(command -v crun || true)}" "${BENCH_BWRAP:=$(command -v bwrap || true)}"
: "${BENCH_BASELINE:=}"
baseline=
if [ -n "$BENCH_BASELINE" ]; then
	baseline=$(realpath "$BENCH_BASELINE" 2>/dev/null || true)
	if [ -z "$baseline" ] || [ ! -x "$baseline" ]; then
		echo "bench: BENCH_BASELINE=$BENCH_BASELINE is not an executable" >&2
		exit 1
	fi
fi

python=/usr/bin/python3
bwrap_args=(--ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent)
# shellcheck disable=SC2016
exec_loop='i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done'
py_imports='import json, email.parser, http.client, sqlite3, decimal, argparse, subprocess, tempfile, pathlib, csv, logging'

work=$(mktemp -d /tmp/runsc-c-bench.XXXXXX)
bin=$work/bin
inputs=$work/in
report=$work/report.md
current_job=
declare -A missing # runner name -> why it cannot run here

# Everything this script starts runs in the background of `run`, so that a signal
# reaches the trap at once; the trap stops that job (each helper tears down its own
# sandboxes on SIGTERM), removes crun cgroups an interrupted run left behind and the
# temporary directory. Mounts live only in private mount namespaces that die with
# their processes.
cleanup() {
	if [ -n "$current_job" ]; then
		kill -TERM "$current_job" 2>/dev/null
		wait "$current_job" 2>/dev/null
	fi
	net_teardown
	rmdir /sys/fs/cgroup/*/runsc-c-bench-* 2>/dev/null
	umount "$work/ns/cg" "$work/ns/nocg" "$work/ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run() {
	"$@" &
	current_job=$!
	wait "$current_job"
	local rc=$?
	current_job=
	return $rc
}

say() { printf '%s\n' "$*" >&2; }
md() { printf '%s\n' "$*" >>"$report"; }

have_section() { case " $BENCH_SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- helpers and inputs

cflags=(-std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra)

build_helpers() {
	mkdir -p "$bin" "$inputs"
	cc "${cflags[@]}" -o "$bin/timer" "$bench_dir/timer.c" -lm &&
		cc "${cflags[@]}" -o "$bin/notif" "$bench_dir/notif.c" &&
		cc "${cflags[@]}" -o "$bin/sandboxes" "$bench_dir/sandboxes.c" || return 1
	cc "${cflags[@]}" -static -o "$bin/netprobe" "$bench_dir/netprobe.c" 2>/dev/null ||
		cc "${cflags[@]}" -o "$bin/netprobe" "$bench_dir/netprobe.c" || return 1
	# Static, so that the probe runs the same in any rootfs.
	cc "${cflags[@]}" -static -o "$bin/sysprobe" "$bench_dir/sysprobe.c" 2>/dev/null ||
		cc "${cflags[@]}" -o "$bin/sysprobe" "$bench_dir/sysprobe.c"
}

# A busybox-static rootfs and crun bundles from `crun spec`: /bin/true, and the
# exec loop under busybox sh.
crun_reason=
make_bundles() {
	local busybox
	busybox=$(command -v busybox || true)
	if [ -z "$busybox" ] || ! file_is_static "$busybox"; then
		crun_reason="no static busybox"
		missing[runsc-c-busybox]=$crun_reason
		return
	fi
	mkdir -p "$work/rootfs/bin" "$work/crun-state"
	cp "$busybox" "$work/rootfs/bin/busybox"
	for applet in true sh sleep; do
		ln -s busybox "$work/rootfs/bin/$applet"
	done
	: >"$work/empty"
	if [ -z "$BENCH_CRUN" ] || [ ! -x "$BENCH_CRUN" ]; then
		crun_reason="crun not installed"
		return
	fi
	make_bundle true '["/bin/true"]' || crun_reason="crun spec failed"
	make_bundle exec "[\"/bin/sh\", \"-c\", \"$exec_loop\"]" || crun_reason="crun spec failed"
}

file_is_static() {
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'
}

make_bundle() {
	local dir=$work/bundle-$1
	mkdir -p "$dir"
	ln -s ../rootfs "$dir/rootfs"
	(cd "$dir" && "$BENCH_CRUN" spec) || return 1
	"$python" - "$dir/config.json" "$2" <<-'EOF'
		import json, sys
		path, args = sys.argv[1], json.loads(sys.argv[2])
		with open(path) as f:
		    config = json.load(f)
		config["process"]["args"] = args
		config["process"]["terminal"] = False
		with open(path, "w") as f:
		    json.dump(config, f, indent=1)
	EOF
}

crun_cmd() {
	local bundle=$1
	shift
	echo "$BENCH_CRUN" --root "$work/crun-state" "$@" run --bundle "$work/bundle-$bundle" @ID@
}

# crun 1.8 refuses the hybrid cgroup layout of machines whose cgroup2 mount has a
# controller enabled; in a private mount namespace with cgroup.controllers of the
# v2 mount masked by an empty file it sees plain v1. Every runner of a section runs
# in that one namespace, so that they alternate under the same conditions. Runs as a
# job of `run`, which it replaces (exec), so that `run` signals the command itself.
in_crun_ns() {
	if ! unshare -m --propagation private true 2>/dev/null; then
		exec "$@"
	fi
	# shellcheck disable=SC2016
	exec unshare -m --propagation private sh -c '
		f=/sys/fs/cgroup/unified/cgroup.controllers
		[ -e "$f" ] && mount --bind "$0" "$f" 2>/dev/null
		exec "$@"' "$work/empty" "$@"
}

make_inputs() {
	"$python" "$bench_dir/gen_inputs.py" tree "$work/tree-src" 5000 &&
		tar -cf "$inputs/tree.tar" -C "$work/tree-src" . &&
		rm -rf "$work/tree-src" &&
		"$python" "$bench_dir/gen_inputs.py" cproject "$inputs/proj" 40 || return 1
	# shellcheck disable=SC2016
	printf '%s\n' 'd=${2:-/tmp}/runsc-c-bench-untar.$$' \
		'mkdir "$d" && tar --no-same-owner --no-same-permissions -xf "$1" -C "$d" &&' \
		'find "$d" | wc -l &&' \
		'find "$d" -type f -exec stat -c %s {} + | awk "{ s += \$1 } END { print NR, s }"' \
		'rc=$?; rm -rf "$d"; exit $rc' >"$inputs/untar.sh"
	# shellcheck disable=SC2016
	printf '%s\n' 'd=${2:-/tmp}/runsc-c-bench-make.$$' \
		'make -s -j2 -f "$1/Makefile" SRC="$1" OUT="$d" && "$d/prog"' \
		'rc=$?; rm -rf "$d"; exit $rc' >"$inputs/make.sh"
	mkdir -p "$work/tmpfs"
}

# The agent workloads' inputs: 20 wheels, 20 npm tarballs, a bare git
# repository of 2,000 files, and the scripts that use them.
make_agent_inputs() {
	mkdir -p "$work/tmpfs" &&
		"$python" "$bench_dir/gen_inputs.py" wheels "$inputs/wheels" 20 &&
		"$python" "$bench_dir/gen_inputs.py" npm "$inputs/npm" 20 &&
		cp "$bench_dir"/agent/*.sh "$inputs/" || return 1
	command -v git >/dev/null || return 0
	"$python" "$bench_dir/gen_inputs.py" tree "$work/repo-src" 2000 &&
		git init -q "$work/repo-src" &&
		git -C "$work/repo-src" add -A &&
		git -C "$work/repo-src" -c user.name=bench -c user.email=bench@runsc-c.invalid \
			commit -qm tree &&
		git clone -q --bare "$work/repo-src" "$inputs/repo.git" &&
		rm -rf "$work/repo-src"
}

# ---------------------------------------------------------------- result formatting

# Value of KEY in the result line of NAME ("NAME k=v k=v ...").
val() {
	awk -v n="$2" -v k="$3" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "=");
		if (a[1] == k) { print a[2]; exit } } }' "$1" 2>/dev/null
}

# KEY of timer's "pair A-B" line.
pair_val() {
	awk -v n="$2" -v k="$3" '$1 == "pair" && $2 == n { for (i = 3; i <= NF; i++) {
		split($i, a, "="); if (a[1] == k) { print a[2]; exit } } }' "$1" 2>/dev/null
}

# Nearest-rank percentile P over the lines of NAME of KEY.
pctl_of() {
	awk -v n="$2" -v k="$3" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "=");
		if (a[1] == k) print a[2] } }' "$1" 2>/dev/null |
		sort -g | awk -v p="$4" '{ v[NR] = $1 } END { if (NR) { r = int(p * NR + 0.999999); if (r < 1) r = 1; print v[r] } }'
}

# Median over the lines of NAME of KEY (several rounds of one measurement).
median_of() {
	awk -v n="$2" -v k="$3" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "=");
		if (a[1] == k) print a[2] } }' "$1" 2>/dev/null |
		sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

fmt() { awk -v v="$1" -v d="${2:-}" 'BEGIN { if (d == "") d = (v < 10 ? 2 : 1);
	printf "%.*f", d, v }'; }

# Why NAME produced nothing: its last line on stderr, or its exit status.
reason() {
	local log=$1 name=$2 status=${3:-}
	local line
	line=$(grep -v '^[[:space:]]*$' "$log/$name.err" 2>/dev/null | tail -n 1 | tr '|' '/' | cut -c1-120)
	echo "n/a (${line:-${status:-no result}})"
}

# Cell of a timed series: the KEY (median_ms) of NAME or n/a with the reason.
cell() {
	local res=$1 log=$2 name=$3 key=${4:-median_ms} digits=${5:-}
	if [ -n "${missing[$name]:-}" ]; then
		if [ "$key" = median_ms ] || [ "$key" = rate_per_s ]; then
			echo "n/a (${missing[$name]})"
		else
			echo "–"
		fi
		return
	fi
	local ok
	ok=$(val "$res" "$name" ok)
	if [ -z "$ok" ] || [ "$ok" = 0 ]; then
		if [ "$key" = median_ms ] || [ "$key" = rate_per_s ]; then
			reason "$log" "$name" "$(val "$res" "$name" status)"
		else
			echo "–"
		fi
		return
	fi
	fmt "$(val "$res" "$name" "$key")" "$digits"
}

ok_runs() {
	local res=$1 name=$2
	local ok fail
	ok=$(val "$res" "$name" ok)
	fail=$(val "$res" "$name" fail)
	[ -z "$ok" ] && { echo "-"; return; }
	if [ "${fail:-0}" != 0 ]; then echo "$ok ($fail failed)"; else echo "$ok"; fi
}

# A / B of KEY, or n/a.
ratio() {
	local res=$1 a=$2 b=$3 key=${4:-median_ms}
	local va vb
	[ -n "${missing[$a]:-}" ] || [ -n "${missing[$b]:-}" ] && { echo "n/a"; return; }
	[ "$(val "$res" "$a" ok)" = 0 ] || [ "$(val "$res" "$b" ok)" = 0 ] && { echo "n/a"; return; }
	va=$(val "$res" "$a" "$key")
	vb=$(val "$res" "$b" "$key")
	ratio_of "$va" "$vb"
}

ratio_of() {
	[ -z "$1" ] || [ -z "$2" ] && { echo "n/a"; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a == a + 0) printf "%.2f×", a / b;
		else printf "n/a" }'
}

# Do the outputs of two runners agree (a fast wrong answer is no answer)?
same_output() {
	local log=$1 a=$2 b=$3
	if [ ! -s "$log/$a.out" ] || [ ! -s "$log/$b.out" ]; then
		echo "n/a"
	elif cmp -s "$log/$a.out" "$log/$b.out"; then
		echo "same"
	else
		echo "DIFFERS"
	fi
}

# sentry_counters BINARY DO-ARGS...: one more run under `do --debug`, untimed; the
# sentry's counters of it (notifications, gofer requests, CPU time, the busiest
# calls) as a line of the report, so that results say what the sandbox did.
sentry_counters() {
	local bin=$1 out
	shift
	out=$(run "$bin" "do" --debug "$@" </dev/null 2>&1 >/dev/null | sed -n 's/^.*sentry: counters: //p')
	if [ -z "$out" ]; then
		echo "n/a (no counters from \`do --debug\`)"
		return
	fi
	printf '%s\n' "$out" | awk 'NR == 1 { head = $0; next }
		NR <= 7 { calls = calls (calls ? ", " : "") $1 " " $2 " (" $4 " to the gofer)" }
		END { print head "; " calls }'
}

# Runner lists for the timer: "NAME CMD ARG... ::: NAME CMD ...".
runners=()
add_runner() {
	[ ${#runners[@]} -gt 0 ] && runners+=(":::")
	runners+=("$@")
}
add_crun() {
	local name=$1 bundle=$2
	shift 2
	if [ -n "$crun_reason" ]; then
		missing[$name]=$crun_reason
		return
	fi
	# shellcheck disable=SC2046
	add_runner "$name" $(crun_cmd "$bundle" "$@")
}
add_bwrap() {
	local name=$1
	shift
	if [ -z "$BENCH_BWRAP" ] || [ ! -x "$BENCH_BWRAP" ]; then
		missing[$name]="bubblewrap not installed"
		return
	fi
	add_runner "$name" "$BENCH_BWRAP" "${bwrap_args[@]}" "$@"
}

timed() {
	local log=$1 res=$2
	shift 2
	mkdir -p "$log"
	run in_crun_ns "$bin/timer" -l "$log" "$@" "${runners[@]}" >"$res" 2>>"$log/timer.err"
	runners=()
}

# Two mount namespaces kept as files, entered per run with nsenter: in
# ns/cg the cgroup hierarchies are as on the host, in ns/nocg they are
# read-only, so that runsc-c starts without cgroups (its defaults cannot
# apply). Both mask the v2 mount's controllers as in_crun_ns does, so crun
# runs in ns/cg too. The same nsenter wraps every runner of the comparison.
ns_reason=
make_cgroup_namespaces() {
	local ns=$work/ns
	[ -e "$ns/nocg" ] || [ -n "$ns_reason" ] && return
	mkdir -p "$ns"
	if ! command -v nsenter >/dev/null || ! mount --bind "$ns" "$ns" ||
		! mount --make-private "$ns"; then
		ns_reason="no nsenter or private mounts"
		return
	fi
	: >"$ns/cg"
	: >"$ns/nocg"
	# shellcheck disable=SC2016
	local mask='f=/sys/fs/cgroup/unified/cgroup.controllers
		[ -e "$f" ] && mount --bind "$0" "$f" 2>/dev/null'
	# shellcheck disable=SC2016
	unshare --mount="$ns/cg" --propagation private sh -c "$mask; true" "$work/empty" &&
		unshare --mount="$ns/nocg" --propagation private sh -c "$mask"'
		for m in $(awk '\''$3 == "cgroup" || $3 == "cgroup2" {print $2}'\'' /proc/self/mounts); do
			mount -o remount,bind,ro "$m" || exit 1
		done' "$work/empty" || ns_reason="cannot make the mount namespaces"
}

add_ns() {
	local name=$1 ns=$2
	shift 2
	if [ -n "$ns_reason" ]; then
		missing[$name]=$ns_reason
		return
	fi
	add_runner "$name" nsenter --mount="$work/ns/$ns" "$@"
}

# ---------------------------------------------------------------- sections

section_start() {
	local log=$work/log/start res=$work/start.txt
	say "start: /bin/true, $BENCH_RUNS runs per runner, alternating"
	add_runner native /bin/true
	add_runner runsc-c "$runsc" "do" -- /bin/true
	[ -n "$baseline" ] && add_runner baseline "$baseline" "do" -- /bin/true
	[ -z "${missing[runsc-c-busybox]:-}" ] &&
		add_runner runsc-c-busybox "$runsc" "do" --rootfs "$work/rootfs" -- /bin/true
	add_crun crun true
	add_crun crun-nocg true --cgroup-manager=disabled
	add_bwrap bwrap /bin/true
	timed "$log" "$res" -n "$BENCH_RUNS" -w 3

	md "## 1. Start: \`/bin/true\` to exit"
	md ""
	md "Wall time of fork + exec + wait, measured by a C timer; $BENCH_RUNS runs per runner after 3 warm-up rounds, runners alternating in rotating order."
	md ""
	md "| runner | median ms | p90 ms | × native | × crun | runs |"
	md "|---|---:|---:|---:|---:|---:|"
	local row
	for row in "native|native \`/bin/true\`" \
		"runsc-c|\`runsc-c do -- /bin/true\` (host \`/\` as rootfs)" \
		"baseline|baseline runsc-c (\`BENCH_BASELINE\`) \`do -- /bin/true\`" \
		"runsc-c-busybox|\`runsc-c do --rootfs\` busybox rootfs \`-- /bin/true\`" \
		"crun|\`crun run\`, busybox bundle, v1 cgroups" \
		"crun-nocg|\`crun --cgroup-manager=disabled run\`, same bundle" \
		"bwrap|\`bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all /bin/true\`"; do
		local name=${row%%|*} label=${row#*|}
		[ "$name" = baseline ] && [ -z "$baseline" ] && continue
		md "| $label | $(cell "$res" "$log" "$name") | $(cell "$res" "$log" "$name" p90_ms) | $(ratio "$res" "$name" native) | $(ratio "$res" "$name" crun) | $(ok_runs "$res" "$name") |"
	done
	md ""
}

# What a sandbox's cgroups add to its start: the same runsc-c with its
# cgroups (default limits; all three controllers) and where the cgroup
# hierarchies are read-only (none), next to crun with and without its own.
section_cgroup() {
	local log=$work/log/cgroup res=$work/cgroup.txt n=$BENCH_CGROUP_RUNS
	say "start: cgroup setup, $n runs per runner, alternating"
	make_cgroup_namespaces
	add_ns native-ns cg /bin/true
	add_ns runsc-c-cg cg "$runsc" do --quiet -- /bin/true
	add_ns runsc-c-limits cg "$runsc" do --quiet --memory 256M --pids 256 --cpus 1 -- /bin/true
	add_ns runsc-c-nocg nocg "$runsc" do --quiet -- /bin/true
	local pairs=(-d "runsc-c-cg,runsc-c-nocg" -d "runsc-c-limits,runsc-c-nocg" -d "crun-ns,crun-ns-nocg")
	if [ -n "$baseline" ]; then
		add_ns baseline-cg cg "$baseline" do --quiet -- /bin/true
		add_ns baseline-nocg nocg "$baseline" do --quiet -- /bin/true
		pairs+=(-d "baseline-cg,baseline-nocg" -d "runsc-c-cg,baseline-cg")
	fi
	if [ -n "$crun_reason" ]; then
		missing[crun-ns]=$crun_reason
		missing[crun-ns-nocg]=$crun_reason
	else
		# shellcheck disable=SC2046
		add_ns crun-ns cg $(crun_cmd true)
		# shellcheck disable=SC2046
		add_ns crun-ns-nocg cg $(crun_cmd true --cgroup-manager=disabled)
	fi
	mkdir -p "$log"
	run "$bin/timer" -l "$log" -n "$n" -w 3 "${pairs[@]}" "${runners[@]}" >"$res" 2>>"$log/timer.err"
	runners=()
	[ -z "$ns_reason" ] && cgroup_direct "$log" "$work/cgroup-direct.txt"

	md "### Cgroup setup"
	md ""
	md "Every runner entered through \`nsenter --mount\` into a mount namespace kept for the run: one where the cgroup hierarchies are the host's, one where they are read-only, so that runsc-c starts without cgroups (its default limits cannot apply; it says so, silenced by \`--quiet\`). $n runs per runner after 3 warm-up rounds, runners alternating in rotating order; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	md ""
	md "| runner | median ms | p90 ms | × runsc-c without cgroups | runs |"
	md "|---|---:|---:|---:|---:|"
	for row in "native-ns|native \`/bin/true\`" \
		"runsc-c-cg|\`runsc-c do\`, default limits (memory and pids cgroups)" \
		"runsc-c-limits|\`runsc-c do --memory 256M --pids 256 --cpus 1\` (memory, pids and cpu cgroups)" \
		"runsc-c-nocg|\`runsc-c do\`, cgroup hierarchies read-only: no cgroups" \
		"crun-ns|\`crun run\`, v1 cgroups" \
		"crun-ns-nocg|\`crun --cgroup-manager=disabled run\`"; do
		local name=${row%%|*} label=${row#*|}
		md "| $label | $(cell "$res" "$log" "$name") | $(cell "$res" "$log" "$name" p90_ms) | $(ratio "$res" "$name" runsc-c-nocg) | $(ok_runs "$res" "$name") |"
	done
	if [ -n "$baseline" ]; then
		md "| baseline ($baseline) \`do\`, default limits | $(cell "$res" "$log" baseline-cg) | $(cell "$res" "$log" baseline-cg p90_ms) | $(ratio "$res" baseline-cg runsc-c-nocg) | $(ok_runs "$res" baseline-cg) |"
		md "| baseline, no cgroups | $(cell "$res" "$log" baseline-nocg) | $(cell "$res" "$log" baseline-nocg p90_ms) | $(ratio "$res" baseline-nocg runsc-c-nocg) | $(ok_runs "$res" baseline-nocg) |"
	fi
	md ""
	md "What cgroups add, from the same rounds: the median of the differences within each round (the two runs of a round are seconds apart at most, so a slow stretch of the machine weighs on both), with its distribution-free 95 % confidence interval (order statistics), and the difference of the two medians beside it."
	md ""
	md "| with − without | median of paired differences, ms | 95 % CI, ms | difference of medians, ms | pairs |"
	md "|---|---:|---:|---:|---:|"
	local p label
	for row in "runsc-c-cg-runsc-c-nocg|runsc-c, default limits" \
		"runsc-c-limits-runsc-c-nocg|runsc-c, memory, pids and cpu limits" \
		"crun-ns-crun-ns-nocg|crun" \
		"baseline-cg-baseline-nocg|baseline runsc-c, default limits" \
		"runsc-c-cg-baseline-cg|runsc-c − baseline, both with cgroups"; do
		p=${row%%|*} label=${row#*|}
		[ -z "$(pair_val "$res" "$p" n)" ] && continue
		md "| $label | $(fmt "$(pair_val "$res" "$p" median_diff_ms)" 2) | $(fmt "$(pair_val "$res" "$p" ci95_lo_ms)" 2) to $(fmt "$(pair_val "$res" "$p" ci95_hi_ms)" 2) | $(fmt "$(pair_val "$res" "$p" median_of_each_ms)" 2) | $(pair_val "$res" "$p" n) |"
	done
	if [ -s "$work/cgroup-direct.txt" ]; then
		local d=$work/cgroup-direct.txt
		md ""
		md "Measured inside runsc-c (\`do --debug\`, $(grep -c '^direct ' "$d") starts with default limits and $(grep -c '^direct-limits ' "$d") with \`--memory 256M --pids 256 --cpus 1\`, alternating, in the namespace with cgroups): the time the start and the end wait for cgroup work, summed per start — the guest's init waiting for its cgroups (for the launcher's word that they are made, then its own move; it waits for its id maps meanwhile, so nothing of the guest runs outside them) and the launcher removing them at the end. The launcher makes them beside the sentry's start, after its fork: finding the hierarchies, making the cgroups and writing the limits, moving the gofer and the sentry, and the sweep of dead sandboxes' cgroups are shown apart, not waited for."
		md ""
		md "| part | default limits: median ms | p90 ms | memory, pids, cpu: median ms | p90 ms |"
		md "|---|---:|---:|---:|---:|"
		for row in "total|waited for, in all" "init|the guest's init: waited" \
			"init_wait|… for the launcher's word" "init_move|… for its own move" \
			"remove|launcher: removing" "find|beside: finding the hierarchies" \
			"make|beside: making, limiting" "move|beside: moving the gofer and the sentry" \
			"sweep|beside: the sweep" "looked|the sweep: sandbox cgroups looked into (a count)"; do
			p=${row%%|*} label=${row#*|}
			md "| $label | $(fmt "$(median_of "$d" direct "$p")" 3) | $(fmt "$(pctl_of "$d" direct "$p" 0.9)" 3) | $(fmt "$(median_of "$d" direct-limits "$p")" 3) | $(fmt "$(pctl_of "$d" direct-limits "$p" 0.9)" 3) |"
		done
	fi
	md ""
}

# Runs of `runsc-c do --debug` whose cgroup lines (sandbox/limits.c) give
# what the start and the end waited for: one "TAG k=v ..." line each, TAG
# "direct" with default limits, "direct-limits" with memory, pids and cpu
# limits (the runners alternate).
cgroup_direct() {
	local log=$1 out=$2 i tag
	: >"$out"
	for ((i = 0; i < 2 * BENCH_CGROUP_DEBUG_RUNS; i++)); do
		local limits=()
		tag=direct
		if ((i % 2)); then
			limits=(--memory 256M --pids 256 --cpus 1)
			tag=direct-limits
		fi
		run nsenter --mount="$work/ns/cg" "$runsc" "do" --quiet --debug "${limits[@]}" -- /bin/true \
			2>&1 >/dev/null | awk -v tag="$tag" '
			function after(key,   i, t) {
				i = index($0, key); if (!i) return ""
				t = substr($0, i + length(key)); sub(/ .*/, "", t); return t }
			/cgroups: the launcher waited/ { l = after("launcher waited ")
				r = after("(removing "); f = after("hierarchies in ")
				m = after("cgroups in "); v = after("sentry in "); s = after("took ")
				k = after("looked into ") }
			/cgroups: the guest.s init waited/ { w = after("init waited ")
				c = after("launcher\047s cgroups "); mv = after("its move ") }
			END { if (l != "" && w != "")
				printf "%s total=%.3f launcher=%.3f remove=%s init=%s init_wait=%s init_move=%s find=%s make=%s move=%s sweep=%s looked=%s\n",
					tag, l + w, l, r, w, c, mv, f, m, v, s, k }' >>"$out" 2>>"$log/direct.err"
	done
}

# One measurement of the trapped-syscall section: "VARIANT k=v ..." into $res.
probe() {
	local res=$1 log=$2 variant=$3
	shift 3
	local rc=0
	run "$@" >"$work/probe.out" 2>"$work/probe.err" || rc=$?
	if [ "$rc" = 0 ]; then
		echo "$variant $(cat "$work/probe.out")" >>"$res"
	elif [ -s "$work/probe.err" ]; then
		cat "$work/probe.err" >>"$log/$variant.err"
	else
		echo "exit status $rc" >>"$log/$variant.err"
	fi
}

section_syscall() {
	local log=$work/log/syscall res=$work/syscall.txt n=$BENCH_SYSCALL_CALLS
	local pin=(taskset -c 0)
	mkdir -p "$log"
	: >"$res"
	say "trapped syscall: $BENCH_SYSCALL_ROUNDS rounds of $n calls per variant"
	command -v taskset >/dev/null || pin=(false)
	for _ in $(seq "$BENCH_SYSCALL_ROUNDS"); do
		probe "$res" "$log" native "$bin/sysprobe" "$n"
		probe "$res" "$log" native-pin "${pin[@]}" "$bin/sysprobe" "$n"
		probe "$res" "$log" bare "$bin/notif" -n "$n"
		probe "$res" "$log" bare-pin "${pin[@]}" "$bin/notif" -n "$n"
		probe "$res" "$log" bare-epoll "$bin/notif" -e -n "$n"
		probe "$res" "$log" bare-epoll-pin "${pin[@]}" "$bin/notif" -e -n "$n"
		probe "$res" "$log" bare-write "$bin/notif" -w -n "$n"
		probe "$res" "$log" bare-write-pin "${pin[@]}" "$bin/notif" -w -n "$n"
		probe "$res" "$log" bare-copy "$bin/notif" -e -w -n "$n"
		probe "$res" "$log" bare-copy-pin "${pin[@]}" "$bin/notif" -e -w -n "$n"
		probe "$res" "$log" bare-async "$bin/notif" -a -n "$n"
		probe "$res" "$log" bare-async-pin "${pin[@]}" "$bin/notif" -a -n "$n"
		probe "$res" "$log" runsc-c "$runsc" "do" -v "$bin:/b:ro" -- /b/sysprobe "$n"
		probe "$res" "$log" runsc-c-pin "${pin[@]}" "$runsc" "do" -v "$bin:/b:ro" -- /b/sysprobe "$n"
	done

	md "## 2. Trapped system call"
	md ""
	md "µs per call, median of $BENCH_SYSCALL_ROUNDS rounds of $n calls (after 1000 warm-up calls), measured inside the calling process. \"Pinned\": the whole run under \`taskset -c 0\`. The bare round trip is a minimal supervisor that answers every \`uname\` notification with 0."
	md ""
	md "| call | where | pinned to CPU 0 | unpinned |"
	md "|---|---|---:|---:|"
	syscall_row "$res" "$log" "\`uname\`" "native" native uname_us
	syscall_row "$res" "$log" "\`getppid\`" "native" native getppid_us
	syscall_row "$res" "$log" "\`uname\`" "bare notification round trip (SYNC_WAKE_UP, blocking receive)" bare notif_us
	syscall_row "$res" "$log" "\`uname\`" "bare, \`epoll_wait\` before each receive" bare-epoll notif_us
	syscall_row "$res" "$log" "\`uname\`" "bare + \`process_vm_writev\` of the result (what a uname answer needs; blocking receive, as the sentry waits)" bare-write notif_us
	syscall_row "$res" "$log" "\`uname\`" "bare, \`epoll_wait\` + \`process_vm_writev\`" bare-copy notif_us
	syscall_row "$res" "$log" "\`uname\`" "bare, without SYNC_WAKE_UP" bare-async notif_us
	syscall_row "$res" "$log" "\`uname\`" "**runsc-c** (sentry-class: traps)" runsc-c uname_us
	syscall_row "$res" "$log" "\`getppid\`" "**runsc-c** (native-class)" runsc-c getppid_us
	local r_pin r_free
	r_pin=$(ratio_of "$(median_of "$res" runsc-c-pin uname_us)" "$(median_of "$res" bare-pin notif_us)")
	r_free=$(ratio_of "$(median_of "$res" runsc-c uname_us)" "$(median_of "$res" bare notif_us)")
	md "| \`uname\` | runsc-c ÷ bare round trip | $r_pin | $r_free |"
	r_pin=$(ratio_of "$(median_of "$res" runsc-c-pin uname_us)" "$(median_of "$res" bare-write-pin notif_us)")
	r_free=$(ratio_of "$(median_of "$res" runsc-c uname_us)" "$(median_of "$res" bare-write notif_us)")
	md "| \`uname\` | runsc-c ÷ bare + \`process_vm_writev\` | $r_pin | $r_free |"
	md ""
}

syscall_row() {
	local res=$1 log=$2 call=$3 where=$4 variant=$5 key=$6
	md "| $call | $where | $(syscall_cell "$res" "$log" "$variant-pin" "$key") | $(syscall_cell "$res" "$log" "$variant" "$key") |"
}

syscall_cell() {
	local v
	v=$(median_of "$1" "$3" "$4")
	if [ -n "$v" ]; then fmt "$v" 2; else reason "$2" "$3"; fi
}

section_python() {
	local log=$work/log/python res=$work/python.txt
	say "python: imports, $BENCH_PY_RUNS runs per runner"
	if [ ! -x "$python" ]; then
		md "## 3. Python imports"$'\n\n'"n/a ($python missing)"$'\n'
		return
	fi
	add_runner native "$python" -c "$py_imports"
	add_runner runsc-c "$runsc" "do" -- "$python" -c "$py_imports"
	add_runner native-pin taskset -c 0 "$python" -c "$py_imports"
	add_runner runsc-c-pin taskset -c 0 "$runsc" "do" -- "$python" -c "$py_imports"
	if [ -n "$baseline" ]; then
		add_runner baseline "$baseline" "do" -- "$python" -c "$py_imports"
		add_runner baseline-pin taskset -c 0 "$baseline" "do" -- "$python" -c "$py_imports"
	fi
	timed "$log" "$res" -n "$BENCH_PY_RUNS" -w 2

	md "## 3. Python imports"
	md ""
	md "\`$python -c '$py_imports'\`, $BENCH_PY_RUNS runs per runner, alternating; both with the same minimal environment."
	md ""
	md "| runner | median ms | p90 ms | × native | runs |"
	md "|---|---:|---:|---:|---:|"
	md "| native | $(cell "$res" "$log" native) | $(cell "$res" "$log" native p90_ms) | 1.00× | $(ok_runs "$res" native) |"
	md "| runsc-c | $(cell "$res" "$log" runsc-c) | $(cell "$res" "$log" runsc-c p90_ms) | $(ratio "$res" runsc-c native) | $(ok_runs "$res" runsc-c) |"
	md "| native, \`taskset -c 0\` | $(cell "$res" "$log" native-pin) | $(cell "$res" "$log" native-pin p90_ms) | $(ratio "$res" native-pin native) | $(ok_runs "$res" native-pin) |"
	md "| runsc-c, \`taskset -c 0\` (launcher, sentry, gofer and guest on one CPU) | $(cell "$res" "$log" runsc-c-pin) | $(cell "$res" "$log" runsc-c-pin p90_ms) | $(ratio "$res" runsc-c-pin native) | $(ok_runs "$res" runsc-c-pin) |"
	local counters
	counters=$(sentry_counters "$runsc" -- "$python" -c "$py_imports")
	if [ -n "$baseline" ]; then
		md "| baseline runsc-c (\`$BENCH_BASELINE\`) | $(cell "$res" "$log" baseline) | $(cell "$res" "$log" baseline p90_ms) | $(ratio "$res" baseline native) | $(ok_runs "$res" baseline) |"
		md "| baseline runsc-c, \`taskset -c 0\` | $(cell "$res" "$log" baseline-pin) | $(cell "$res" "$log" baseline-pin p90_ms) | $(ratio "$res" baseline-pin native) | $(ok_runs "$res" baseline-pin) |"
	fi
	md ""
	md "The sentry's counters of one more run (\`runsc-c do --debug\`): $counters."
	md ""
}

section_exec() {
	local log=$work/log/exec res=$work/exec.txt
	say "exec-heavy: 200 × /bin/true from sh, $BENCH_EXEC_RUNS runs per runner"
	add_runner native /bin/sh -c "$exec_loop"
	add_runner runsc-c "$runsc" "do" -- /bin/sh -c "$exec_loop"
	[ -n "$baseline" ] && add_runner baseline "$baseline" "do" -- /bin/sh -c "$exec_loop"
	add_bwrap bwrap /bin/sh -c "$exec_loop"
	add_crun crun exec
	timed "$log" "$res" -n "$BENCH_EXEC_RUNS" -w 1

	md "## 4. Exec-heavy: a shell loop running \`/bin/true\` 200 times"
	md ""
	md "\`sh -c '$exec_loop'\`, $BENCH_EXEC_RUNS runs per runner, alternating. The host's \`/bin/sh\` (dash) and coreutils \`true\`, except crun: busybox \`sh\` and \`true\` of the bundle."
	md ""
	md "| runner | median ms | p90 ms | per exec µs | × native | runs |"
	md "|---|---:|---:|---:|---:|---:|"
	local name
	for name in native runsc-c baseline bwrap crun; do
		[ "$name" = baseline ] && [ -z "$baseline" ] && continue
		local per=n/a med
		med=$(val "$res" "$name" median_ms)
		[ -n "$med" ] && [ "$(val "$res" "$name" ok)" != 0 ] && per=$(awk -v m="$med" 'BEGIN { printf "%.0f", m * 1000 / 200 }')
		[ -n "${missing[$name]:-}" ] && per=n/a
		md "| $name | $(cell "$res" "$log" "$name") | $(cell "$res" "$log" "$name" p90_ms) | $per | $(ratio "$res" "$name" native) | $(ok_runs "$res" "$name") |"
	done
	md ""
}

section_file() {
	local log=$work/log/file res=$work/file.txt
	say "file-heavy: untar 5,000 files, find, stat; $BENCH_FILE_RUNS runs per runner"
	add_runner native /bin/sh "$inputs/untar.sh" "$inputs/tree.tar"
	# shellcheck disable=SC2016
	add_runner native-tmpfs unshare -m --propagation private /bin/sh -c \
		'mount -t tmpfs tmpfs "$2" && exec /bin/sh "$0" "$1" "$2"' \
		"$inputs/untar.sh" "$inputs/tree.tar" "$work/tmpfs"
	add_runner runsc-c "$runsc" "do" -v "$inputs:/b:ro" -- /bin/sh /b/untar.sh /b/tree.tar
	[ -n "$baseline" ] &&
		add_runner baseline "$baseline" "do" -v "$inputs:/b:ro" -- /bin/sh /b/untar.sh /b/tree.tar
	timed "$log" "$res" -n "$BENCH_FILE_RUNS" -w 1

	local fs
	fs=$(findmnt -n -o FSTYPE -T /tmp 2>/dev/null || echo "?")
	md "## 5. File-heavy"
	md ""
	md "Untar a tree of 5,000 files (250 directories, 16 B–4 KiB each, 10 MiB; the tarball on a read-only volume in the sandbox) into \`/tmp\` with \`tar --no-same-owner --no-same-permissions -xf\`, then \`find | wc -l\` and \`find -type f -exec stat -c %s {} +\` over it, then \`rm -rf\` it; $BENCH_FILE_RUNS runs per runner, alternating. The host's \`/tmp\` is $fs; the sandbox's \`/tmp\` is its private writable layer (a tmpfs upper), so the tmpfs row is the like-for-like baseline."
	md ""
	md "| runner | median ms | p90 ms | × native | × native on tmpfs | output | runs |"
	md "|---|---:|---:|---:|---:|---|---:|"
	md "| native (\`/tmp\` on $fs) | $(cell "$res" "$log" native) | $(cell "$res" "$log" native p90_ms) | 1.00× | $(ratio "$res" native native-tmpfs) | $(head -c 40 "$log/native.out" 2>/dev/null | tr '\n' ' ') | $(ok_runs "$res" native) |"
	md "| native, \`/tmp\` on tmpfs | $(cell "$res" "$log" native-tmpfs) | $(cell "$res" "$log" native-tmpfs p90_ms) | $(ratio "$res" native-tmpfs native) | 1.00× | $(same_output "$log" native native-tmpfs) | $(ok_runs "$res" native-tmpfs) |"
	md "| runsc-c | $(cell "$res" "$log" runsc-c) | $(cell "$res" "$log" runsc-c p90_ms) | $(ratio "$res" runsc-c native) | $(ratio "$res" runsc-c native-tmpfs) | $(same_output "$log" native runsc-c) | $(ok_runs "$res" runsc-c) |"
	[ -n "$baseline" ] &&
		md "| baseline runsc-c (\`$BENCH_BASELINE\`) | $(cell "$res" "$log" baseline) | $(cell "$res" "$log" baseline p90_ms) | $(ratio "$res" baseline native) | $(ratio "$res" baseline native-tmpfs) | $(same_output "$log" native baseline) | $(ok_runs "$res" baseline) |"
	md ""
	md "Every runner extracts with \`--no-same-owner --no-same-permissions\`, so that the file system work, not the restoring of owners, is compared. The sentry's counters of one more run (\`runsc-c do --debug\`): $(sentry_counters "$runsc" -v "$inputs:/b:ro" -- /bin/sh /b/untar.sh /b/tree.tar)."
	md ""
}

section_make() {
	local log=$work/log/make res=$work/make.txt
	say "make -j2: 41 C files with gcc -O2, $BENCH_MAKE_RUNS runs per runner"
	add_runner native /bin/sh "$inputs/make.sh" "$inputs/proj"
	add_runner runsc-c "$runsc" "do" -v "$inputs:/b:ro" -- /bin/sh /b/make.sh /b/proj
	timed "$log" "$res" -n "$BENCH_MAKE_RUNS" -w 1

	md "### \`make -j2\` of a C project"
	md ""
	md "41 generated C files (source on a read-only volume in the sandbox), \`gcc -O2\`, objects and binary in \`/tmp\`, then the program runs; $BENCH_MAKE_RUNS runs per runner, alternating."
	md ""
	md "| runner | median ms | p90 ms | × native | output | runs |"
	md "|---|---:|---:|---:|---|---:|"
	md "| native | $(cell "$res" "$log" native) | $(cell "$res" "$log" native p90_ms) | 1.00× | | $(ok_runs "$res" native) |"
	md "| runsc-c | $(cell "$res" "$log" runsc-c) | $(cell "$res" "$log" runsc-c p90_ms) | $(ratio "$res" runsc-c native) | $(same_output "$log" native runsc-c) | $(ok_runs "$res" runsc-c) |"
	md ""
}

# One agent workload: native (host /tmp), native with /tmp on a tmpfs (the
# like-for-like baseline: the sandbox's /tmp is a tmpfs upper) and runsc-c.
agent_workload() {
	local name=$1 script=$2 input=$3 needs=$4 title=$5 what=$6
	local log=$work/log/$name res=$work/$name.txt tool why=
	for tool in $needs; do
		command -v "$tool" >/dev/null || why="$tool not installed"
	done
	[ -e "$inputs/$input" ] || why=${why:-"no input $input"}
	if [ -n "$why" ]; then
		missing[$name-native]=$why missing[$name-native-tmpfs]=$why missing[$name-runsc-c]=$why
	else
		say "agent: $title, $BENCH_AGENT_RUNS runs per runner"
		add_runner "$name-native" /bin/sh "$inputs/$script" "$inputs/$input"
		# shellcheck disable=SC2016
		add_runner "$name-native-tmpfs" unshare -m --propagation private /bin/sh -c \
			'mount -t tmpfs tmpfs "$2" && exec /bin/sh "$0" "$1" "$2"' \
			"$inputs/$script" "$inputs/$input" "$work/tmpfs"
		add_runner "$name-runsc-c" "$runsc" "do" -v "$inputs:/b:ro" -- /bin/sh "/b/$script" "/b/$input"
		timed "$log" "$res" -n "$BENCH_AGENT_RUNS" -w 1
	fi
	md "### $title"
	md ""
	md "$what $BENCH_AGENT_RUNS runs per runner after one warm-up round, alternating."
	md ""
	md "| runner | median ms | p90 ms | × native | × native on tmpfs | output | runs |"
	md "|---|---:|---:|---:|---:|---|---:|"
	md "| native (\`/tmp\` on $(findmnt -n -o FSTYPE -T /tmp 2>/dev/null || echo "?")) | $(cell "$res" "$log" "$name-native") | $(cell "$res" "$log" "$name-native" p90_ms) | 1.00× | $(ratio "$res" "$name-native" "$name-native-tmpfs") | $(head -c 40 "$log/$name-native.out" 2>/dev/null | tr '\n' ' ') | $(ok_runs "$res" "$name-native") |"
	md "| native, \`/tmp\` on tmpfs | $(cell "$res" "$log" "$name-native-tmpfs") | $(cell "$res" "$log" "$name-native-tmpfs" p90_ms) | $(ratio "$res" "$name-native-tmpfs" "$name-native") | 1.00× | $(same_output "$log" "$name-native" "$name-native-tmpfs") | $(ok_runs "$res" "$name-native-tmpfs") |"
	md "| runsc-c | $(cell "$res" "$log" "$name-runsc-c") | $(cell "$res" "$log" "$name-runsc-c" p90_ms) | $(ratio "$res" "$name-runsc-c" "$name-native") | $(ratio "$res" "$name-runsc-c" "$name-native-tmpfs") | $(same_output "$log" "$name-native" "$name-runsc-c") | $(ok_runs "$res" "$name-runsc-c") |"
	md ""
}

section_agent() {
	md "## 5b. Agent workloads"
	md ""
	md "What agents spend their time on, with every input built locally (no index, registry or remote): the inputs on a read-only volume in the sandbox, the work in \`/tmp\`."
	md ""
	agent_workload pip pip.sh wheels "" "\`pip install\` of 20 local wheels into a venv" \
		"\`python3 -m venv --without-pip\`, then the system's pip installs 20 generated pure-Python wheels (12 modules each) into it with \`--no-index\`, then the venv imports all 20; the venv is removed."
	agent_workload git git.sh repo.git git "\`git clone\` of a 2,000-file repository + \`git status\`" \
		"\`git clone --no-local file://…\` of a bare repository of 2,000 files (250 directories, 16 B–4 KiB), then \`git status\` and \`git ls-files\` in the clone; the clone is removed."
	agent_workload npm npm.sh npm "npm node" "\`npm install\` of 20 local package tarballs" \
		"\`npm install --offline\` of 20 generated package tarballs (12 modules each) into a new project with a fresh cache, then \`node\` requires all 20; the project is removed."
}

# One run of the sandboxes helper, flattened to "NAME k=v k=v ..." in $res.
# hold_prefix: a command the sandboxes start through (nsenter into ns/cg).
hold_prefix=()
hold() {
	local res=$1 log=$2 name=$3
	shift 3
	run "$bin/sandboxes" "$@" -- "${hold_prefix[@]}" "$runsc" "do" --quiet -- /bin/sh -c 'echo r; exec sleep 3600' \
		>"$work/hold.out" 2>>"$log/$name.err"
	echo "$name $(tr '\n' ' ' <"$work/hold.out")" >>"$res"
	grep -q '^count=0' "$work/hold.out" && grep '^stop=' "$work/hold.out" >>"$log/$name.err"
	return 0
}

mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }' || echo "n/a"; }

# "PSS / USS" MiB of one kind of process, per sandbox, median over the runs of NAME.
mem_cell() {
	local res=$1 name=$2 kind=$3
	local pss uss
	pss=$(median_of "$res" "$name" "${kind}_pss_kb")
	uss=$(median_of "$res" "$name" "${kind}_uss_kb")
	[ -z "$pss" ] && { echo "n/a"; return; }
	echo "$(mib "$pss") / $(mib "$uss")"
}

# "drop / rise" of MemAvailable, MiB per sandbox, for the runs of NAME.
avail_cell() {
	echo "$(mib "$(median_of "$1" "$2" avail_drop_kb)") / $(mib "$(median_of "$1" "$2" avail_rise_kb)")"
}

mem_total_cell() {
	local res=$1 name=$2
	local pss=0 uss=0 k v
	for k in launcher sentry gofer; do
		v=$(median_of "$res" "$name" "${k}_pss_kb")
		[ -z "$v" ] && { echo "n/a"; return; }
		pss=$((pss + v))
		uss=$((uss + $(median_of "$res" "$name" "${k}_uss_kb")))
	done
	echo "**$(mib $pss) / $(mib $uss)**"
}

section_memory() {
	local log=$work/log/memory res=$work/memory.txt
	mkdir -p "$log"
	: >"$res"
	say "memory: 1 idle sandbox (3 times), then $BENCH_IDLE at once"
	for _ in 1 2 3; do
		hold "$res" "$log" one -n 1 -l 10000 -t 60
	done
	hold "$res" "$log" many -n "$BENCH_IDLE" -l 10000 -t 120
	# The same with and without the sandboxes' cgroups, alternating.
	make_cgroup_namespaces
	if [ -z "$ns_reason" ]; then
		for _ in 1 2 3; do
			hold_prefix=(nsenter --mount="$work/ns/cg")
			hold "$res" "$log" cg -n "$BENCH_IDLE_CG" -l 10000 -t 60
			hold_prefix=(nsenter --mount="$work/ns/nocg")
			hold "$res" "$log" nocg -n "$BENCH_IDLE_CG" -l 10000 -t 60
		done
		hold_prefix=()
	fi

	local many_count
	many_count=$(median_of "$res" many count)
	md "## 6. Memory of an idle sandbox"
	md ""
	md "Guest: \`sh -c 'echo r; exec sleep 3600'\`; measured 1.5 s after the last sandbox is up. Per sandbox, MiB, PSS / USS (USS = Private_Clean + Private_Dirty, from \`/proc/PID/smaps_rollup\`); the 1-sandbox column is the median of 3 runs. MemAvailable drop is the fall of \`/proc/meminfo\` MemAvailable (per-CPU counters folded in first) from before the first start to 1.5 s after the last, divided by the count; the rise after teardown is a second estimate. Both include anything else the machine did meanwhile: for one sandbox that noise (a few MiB) exceeds the signal, so read the many-sandbox column."
	md ""
	md "| per sandbox | 1 idle sandbox | ${many_count:-$BENCH_IDLE} idle sandboxes |"
	md "|---|---:|---:|"
	md "| launcher (\`runsc-c\`, stays while the guest runs) | $(mem_cell "$res" one launcher) | $(mem_cell "$res" many launcher) |"
	md "| sentry (\`runsc-c-sentry\`) | $(mem_cell "$res" one sentry) | $(mem_cell "$res" many sentry) |"
	md "| gofer (\`runsc-c-gofer\`) | $(mem_cell "$res" one gofer) | $(mem_cell "$res" many gofer) |"
	md "| **launcher + sentry + gofer** | $(mem_total_cell "$res" one) | $(mem_total_cell "$res" many) |"
	md "| guest processes (init + \`sleep\`), for reference | $(mem_cell "$res" one guest) | $(mem_cell "$res" many guest) |"
	local row
	md "| page tables, all processes (VmPTE), MiB | $(mib "$(median_of "$res" one launcher_pte_kb)")+$(mib "$(median_of "$res" one sentry_pte_kb)")+$(mib "$(median_of "$res" one gofer_pte_kb)")+$(mib "$(median_of "$res" one guest_pte_kb)") | $(mib "$(median_of "$res" many launcher_pte_kb)")+$(mib "$(median_of "$res" many sentry_pte_kb)")+$(mib "$(median_of "$res" many gofer_pte_kb)")+$(mib "$(median_of "$res" many guest_pte_kb)") |"
	md "| **MemAvailable drop** at start / rise at teardown, MiB | $(avail_cell "$res" one) | $(avail_cell "$res" many) |"
	md "| tasks | $(median_of "$res" one tasks_per_sandbox) | $(median_of "$res" many tasks_per_sandbox) |"
	md "| creation time, median ms | $(median_of "$res" one create_median_ms) | $(median_of "$res" many create_median_ms) |"
	md "| left behind after SIGTERM to the launchers | $(median_of "$res" one left_after_kill) | $(median_of "$res" many left_after_kill) |"
	if grep -q '^cg ' "$res"; then
		md ""
		md "With and without the sandboxes' cgroups: $BENCH_IDLE_CG idle sandboxes at once, entered through \`nsenter --mount\` into the namespace with the host's cgroup hierarchies (default limits: memory and pids cgroups) or with them read-only (no cgroups), alternating, 3 runs each; medians, MiB per sandbox. The kernel's own memory for a cgroup is in no process's PSS: the kernel memory row (SUnreclaim + Percpu of \`/proc/meminfo\`, growth per sandbox while they are up) and MemAvailable show it, with whatever else the machine did meanwhile."
		md ""
		md "| per sandbox | with cgroups | without |"
		md "|---|---:|---:|"
		md "| **launcher + sentry + gofer**, PSS / USS | $(mem_total_cell "$res" cg) | $(mem_total_cell "$res" nocg) |"
		md "| guest processes, PSS / USS | $(mem_cell "$res" cg guest) | $(mem_cell "$res" nocg guest) |"
		md "| MemAvailable drop at start / rise at teardown | $(avail_cell "$res" cg) | $(avail_cell "$res" nocg) |"
		md "| kernel memory (unreclaimable slab + per-CPU) growth | $(mib "$(median_of "$res" cg kernel_kb)") | $(mib "$(median_of "$res" nocg kernel_kb)") |"
		md "| creation time, median ms | $(median_of "$res" cg create_median_ms) | $(median_of "$res" nocg create_median_ms) |"
	fi
	if grep -q 'stop=' "$res" && ! grep -q 'many .*stop=max' "$res"; then
		md ""
		md "The $BENCH_IDLE-sandbox run stopped early: $(val "$res" many stop) ($(tail -n 2 "$log/many.err" 2>/dev/null | tr '\n' ' '))."
	fi
	md ""
}

section_density() {
	local log=$work/log/density res=$work/density.txt
	mkdir -p "$log"
	: >"$res"
	say "density: idle sandboxes until creation > 1 s or fails (at most $BENCH_DENSITY_MAX, ${BENCH_DENSITY_BUDGET_S} s)"
	hold "$res" "$log" density -n "$BENCH_DENSITY_MAX" -l 1000 -t "$BENCH_DENSITY_BUDGET_S" -m 30

	md "## 7. Density and creation rate"
	md ""
	md "Idle sandboxes started one after another, each kept running, until a creation takes over 1 s or fails, $BENCH_DENSITY_MAX are up, ${BENCH_DENSITY_BUDGET_S} s have passed, or MemAvailable falls to 30 % of its start (pid_max is $(cat /proc/sys/kernel/pid_max))."
	md ""
	md "| idle sandboxes up | stopped by | time to start them all s | creation median / p90 / max ms | tasks per sandbox | PSS launcher+sentry+gofer MiB | MemAvailable drop / rise MiB | teardown of all ms |"
	md "|---:|---|---:|---:|---:|---:|---:|---:|"
	if [ -z "$(val "$res" density count)" ]; then
		md "n/a ($(tail -n 1 "$log/density.err" 2>/dev/null || echo 'no result'))"
		md ""
		return
	fi
	local pss=n/a
	local l s g
	l=$(val "$res" density launcher_pss_kb)
	s=$(val "$res" density sentry_pss_kb)
	g=$(val "$res" density gofer_pss_kb)
	[ -n "$l" ] && [ -n "$s" ] && [ -n "$g" ] && pss=$(mib $((l + s + g)))
	md "| $(val "$res" density count) | $(val "$res" density stop) | $(awk -v v="$(val "$res" density start_wall_ms)" 'BEGIN { if (v == "") printf "n/a"; else printf "%.1f", v / 1000 }') | $(val "$res" density create_median_ms) / $(val "$res" density create_p90_ms) / $(val "$res" density create_max_ms) | $(val "$res" density tasks_per_sandbox) | $pss | $(mib "$(val "$res" density avail_drop_kb)") / $(mib "$(val "$res" density avail_rise_kb)") | $(val "$res" density teardown_ms) |"
	md ""
}

section_rate() {
	local log=$work/log/rate res=$work/rate.txt
	say "rate: 2 parallel launchers × $BENCH_RATE_COUNT creations"
	add_runner native /bin/true
	add_runner runsc-c "$runsc" "do" -- /bin/true
	add_crun crun true
	add_bwrap bwrap /bin/true
	timed "$log" "$res" -P 2 -c "$BENCH_RATE_COUNT"

	md "### Creation rate"
	md ""
	md "Two launchers in parallel, each running \`/bin/true\` in a new sandbox $BENCH_RATE_COUNT times in a row."
	md ""
	md "| runner | sandboxes / s | wall ms | ok |"
	md "|---|---:|---:|---:|"
	local name
	for name in native runsc-c crun bwrap; do
		md "| $name | $(cell "$res" "$log" "$name" rate_per_s 0) | $(cell "$res" "$log" "$name" wall_ms 0) | $(ok_runs "$res" "$name") |"
	done
	md ""
}

section_serve() {
	local log=$work/log/serve out=$work/serve.md
	mkdir -p "$work/log"
	say "serve: the sandbox service (bench/serve.py)"
	md "### Sandbox service"
	md ""
	md "\`runsc-c serve\` on a unix socket, driven by the Python client (\`bench/serve.py\`): claims from a warm pool, cold creates, execs of \`true\` in a running sandbox, the sustained rate of claim + exec + delete with the pool refilling, and memory per idle sandbox. The native row is the same script's \`subprocess.run(['true'])\`, for the ratio."
	md ""
	if run "$python" "$bench_dir/serve.py" "$(dirname "$runsc")" >"$out" 2>"$log"; then
		cat "$out" >>"$report"
	else
		md "n/a (bench/serve.py failed: $(tail -n 1 "$log" 2>/dev/null))"
	fi
}

# runsc-c as containerd's and podman's runtime next to runc and crun
# (bench/oci.py), in the mount namespace where crun accepts the cgroup layout.
section_oci() {
	local log=$work/log/oci out=$work/oci.md
	mkdir -p "$log" "$work/oci"
	say "oci: ctr run and podman run with runsc-c, runc and crun, $BENCH_OCI_RUNS runs each"
	if run in_crun_ns "$python" "$bench_dir/oci.py" "$runsc" "$work/oci" "$BENCH_OCI_RUNS" \
		"$BENCH_OCI_IDLE" >"$out" 2>"$log/oci.err"; then
		cat "$out" >>"$report"
	else
		md "## OCI runtime: containerd and podman"
		md ""
		md "n/a (bench/oci.py failed: $(tail -n 1 "$log/oci.err" 2>/dev/null))"
		md ""
	fi
}

# ---------------------------------------------------------------- network

# The network section: a TCP server (bench/netprobe.c) in the tests' small
# internet (tests/integration/netlab.sh: a network namespace behind a veth
# pair, 198.51.100.2), reached from the host natively, from `runsc-c do`
# with an egress policy (its route out is pasta), and from a network
# namespace behind plain pasta started with runsc-c's own options: the
# anchor, since Debian's podman 4.3.1 has no pasta mode.
net_ns=
net_pasta_pid=
net_teardown() {
	[ -n "$net_pasta_pid" ] && kill "$net_pasta_pid" 2>/dev/null && wait "$net_pasta_pid" 2>/dev/null
	net_pasta_pid=
	if [ -n "$net_ns" ]; then
		ip netns pids "$net_ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		netlab_down "$net_ns" "${net_ns}h"
		ip netns del "${net_ns}p" 2>/dev/null
	fi
	net_ns=
}

# Starts the server and the plain pasta (in this shell: the teardown needs
# their names): 0, or the reason on stdout.
net_setup() {
	# shellcheck source=../tests/integration/netlab.sh
	. "$bench_dir/../tests/integration/netlab.sh"
	command -v ip >/dev/null || { echo "ip (iproute2) missing"; return 1; }
	command -v pasta >/dev/null || { echo "pasta (passt) missing"; return 1; }
	net_ns=rcbench$$
	netlab_up "$net_ns" "${net_ns}h" "${net_ns}g" || { echo "ip netns/veth failed"; return 1; }
	ip netns exec "$net_ns" "$bin/netprobe" serve 7000 >/dev/null 2>"$work/netserver.err" &
	ip netns add "${net_ns}p" || { echo "ip netns add failed"; return 1; }
	pasta --config-net --no-map-gw --quiet --foreground --runas 0 -T none -U none -t none \
		-u none --netns "/run/netns/${net_ns}p" --netns-only >/dev/null 2>&1 &
	net_pasta_pid=$!
	local i=0
	while [ $i -lt 100 ]; do
		ip netns exec "${net_ns}p" "$bin/netprobe" connect 198.51.100.2 7000 1 >/dev/null 2>&1 &&
			"$bin/netprobe" connect 198.51.100.2 7000 1 >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "the server or plain pasta did not come up"
	return 1
}

# net_probe NAME ARGS...: netprobe ARGS by runner NAME, its result line
# prefixed with NAME into $res, its stderr into $log/NAME.err.
net_probe() {
	local name=$1 out
	shift
	case $name in
	native) out=$("$bin/netprobe" "$@" 2>>"$log/$name.err") ;;
	pasta) out=$(ip netns exec "${net_ns}p" "$bin/netprobe" "$@" 2>>"$log/$name.err") ;;
	runsc-c | baseline)
		local r=$runsc
		[ "$name" = baseline ] && r=$baseline
		out=$("$r" do --quiet --policy "$work/egress.yaml" -v "$bin:/bench:ro" -- \
			/bench/netprobe "$@" </dev/null 2>>"$log/$name.err")
		;;
	esac
	[ -n "$out" ] && echo "$name ${out#* }" >>"$res"
}

# System calls per connect of a whole sandbox (guest, sentry, gofer, pasta,
# resolver) under runsc-c binary $1: perf's count for 210 connects less the
# one for 10, over 200. Unlike the times, it does not depend on the load.
net_syscalls() {
	local n
	command -v perf >/dev/null || { echo "n/a (no perf)"; return; }
	for n in 10 210; do
		perf stat -x, -e raw_syscalls:sys_enter -o "$work/perf-$n.txt" -- \
			"$1" do --quiet --policy "$work/egress.yaml" -v "$bin:/bench:ro" -- \
			/bench/netprobe connect 198.51.100.2 7000 "$n" </dev/null >/dev/null 2>&1 ||
			{ echo "n/a (perf stat failed)"; return; }
	done
	awk -F, '/sys_enter/ { v[FILENAME] = $1 } END { a = v[ARGV[1]]; b = v[ARGV[2]];
		if (a == "" || b == "" || a !~ /^[0-9]+$/) print "n/a"; else printf "%.1f", (b - a) / 200 }' \
		"$work/perf-10.txt" "$work/perf-210.txt"
}

net_cell() {
	local v
	v=$(median_of "$res" "$1" "$2")
	if [ -z "$v" ]; then reason "$log" "$1"; else fmt "$v" "${3:-}"; fi
}

section_net() {
	local log=$work/log/net res=$work/net.txt conn=$work/net-connect.txt
	local rounds=${BENCH_NET_ROUNDS:-3} bytes=$((1 << 30)) why name r
	mkdir -p "$log"
	: >"$res"
	: >"$conn"
	say "net: $rounds rounds of 1000 connects and a 1 GiB download per runner"
	cat >"$work/egress.yaml" <<-'EOF'
		apiVersion: runsc-c/v1
		kind: Policy
		extends: default
		network:
		  mode: egress
		  allow:
		    - {cidr: 198.51.100.0/24}
	EOF
	local names="native runsc-c pasta"
	[ -n "$baseline" ] && names="native runsc-c baseline pasta"
	md "## Network"
	md ""
	if ! net_setup >"$work/net-why"; then
		why=$(cat "$work/net-why")
		net_teardown
		md "n/a ($why)"
		md ""
		return
	fi
	for ((r = 0; r < rounds; r++)); do
		for name in $names; do
			res=$conn run net_probe "$name" connect 198.51.100.2 7000 1000
			run net_probe "$name" get 198.51.100.2 7000 "$bytes"
		done
	done
	local calls base_calls=
	calls=$(net_syscalls "$runsc")
	[ -n "$baseline" ] && base_calls=$(net_syscalls "$baseline")
	net_teardown

	local passt
	passt=$(dpkg-query -W -f '${Version}' passt 2>/dev/null || echo "version unknown")
	md "A TCP server in a network namespace joined to the host by a veth pair (198.51.100.2, the network tests' setup). Runners: the host itself (native); \`runsc-c do\` with a policy of \`mode: egress\` allowing 198.51.100.0/24 (its route out is pasta)$([ -n "$baseline" ] && echo "; the same with the baseline binary (\`BENCH_BASELINE\`)"); a network namespace behind plain pasta (passt $passt) with runsc-c's options (\`pasta --config-net --no-map-gw -T none -U none -t none -u none --netns … --netns-only\`; Debian's podman 4.3.1 has no pasta mode, so plain pasta is the anchor). Connect: 1000 sequential \`socket\` + \`connect\` + \`close\`, each timed in the probe. Download: 1 GiB over one connection. Medians of $rounds rounds, runners alternating."
	md ""
	md "| runner | connect median µs | connect p99 µs | × pasta | download MiB/s | × pasta |"
	md "|---|---:|---:|---:|---:|---:|"
	for name in $names; do
		local cm cp mb
		cm=$(res=$conn net_cell "$name" median_us 1)
		cp=$(res=$conn net_cell "$name" p99_us 1)
		mb=$(net_cell "$name" mib_per_s 0)
		md "| $name | $cm | $cp | $(ratio_of "$(median_of "$conn" "$name" median_us)" "$(median_of "$conn" pasta median_us)") | $mb | $(ratio_of "$(median_of "$res" "$name" mib_per_s)" "$(median_of "$res" pasta mib_per_s)") |"
	done
	md ""
	md "System calls per connect + close of the whole sandbox (guest, sentry, pasta; \`perf stat -e raw_syscalls:sys_enter\`, 210 connects less 10, over 200; independent of the load): runsc-c $calls$([ -n "$baseline" ] && echo ", baseline $base_calls")."
	md ""
}

# ---------------------------------------------------------------- main

describe_machine() {
	local cpu mem os version commit
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	# shellcheck disable=SC1091
	os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")
	version=$("$runsc" version 2>/dev/null | head -n 1)
	commit=$(git -C "$bench_dir/.." rev-parse --short HEAD 2>/dev/null || echo "?")
	md "# runsc-c benchmarks"
	md ""
	local how='`make bench` (`bench/run.sh`)'
	[ "$BENCH_SECTIONS" = "$all_sections" ] || how="\`BENCH_SECTIONS=\"$BENCH_SECTIONS\" bench/run.sh\`"
	md "$(date -u '+%Y-%m-%d %H:%M UTC'), $how. Benchmarks measure; no test asserts a time."
	md ""
	md "| machine | |"
	md "|---|---|"
	md "| CPU | ${cpu:-?}, $(nproc) cores (nproc) |"
	md "| memory | $mem |"
	md "| kernel | $(uname -r) |"
	md "| OS | $os |"
	md "| runsc-c | ${version:-?} (commit $commit) |"
	md "| peers | $("${BENCH_CRUN:-false}" --version 2>/dev/null | head -n 1 || echo 'crun: none'); $("${BENCH_BWRAP:-false}" --version 2>/dev/null || echo 'bubblewrap: none'); $("$python" --version 2>&1) |"
	md ""
}

main() {
	local t0=$SECONDS load0 load1=
	load0=$(cut -d' ' -f1 /proc/loadavg)
	: >"$report"
	say "bench: building helpers and inputs in $work"
	if ! build_helpers; then
		say "bench: cannot build the helpers"
		exit 1
	fi
	make_bundles
	describe_machine
	if have_section file || have_section make || have_section agent; then
		make_inputs || say "bench: cannot generate inputs"
	fi
	if have_section agent; then
		make_agent_inputs || say "bench: cannot generate the agent workloads' inputs"
	fi
	local s
	for s in $all_sections; do
		# The sandboxes held from here on load the machine themselves.
		[ "$s" = memory ] && load1=$(cut -d' ' -f1 /proc/loadavg)
		have_section "$s" && "section_$s"
	done
	[ -z "$load1" ] && load1=$(cut -d' ' -f1 /proc/loadavg)
	md "Total benchmark time: $((SECONDS - t0)) s. Load average (1 min) at the start $load0, after the timed sections $load1, on $(nproc) cores: whatever else runs on the machine shows in the p90s first."


	cat "$report"
	if [ "$BENCH_RESULTS" != "-" ]; then
		mkdir -p "$BENCH_RESULTS"
		cp "$report" "$BENCH_RESULTS/latest.md"
		cp "$report" "$BENCH_RESULTS/$(date -u +%F).md"
		say "bench: written to $BENCH_RESULTS/latest.md"
	fi
}

main
