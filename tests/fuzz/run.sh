#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the policy parser's libFuzzer target with clang (-fsanitize=fuzzer,
# address,undefined) and runs it for a bounded time on a seed corpus of the
# shipped profiles: no crash, no leak, no hang. TAP; skips where clang with
# libFuzzer is not installed. FUZZ_SECONDS sets the run time (default 20).
: "${SOURCE_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD_ROOT:=$SOURCE_ROOT/build}"
SECONDS_TO_RUN=${FUZZ_SECONDS:-20}
OUT=$BUILD_ROOT/tests/fuzz
WORK=$(mktemp -d /tmp/runsc-c-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

CLANG=""
for c in clang-14 clang; do
	if command -v "$c" >/dev/null 2>&1; then
		CLANG=$c
		break
	fi
done
if [ -z "$CLANG" ]; then
	echo "ok 1 - fuzz_policy builds # SKIP clang is not installed"
	echo "ok 2 - fuzz_policy runs ${SECONDS_TO_RUN}s without a crash, leak or hang # SKIP clang is not installed"
	echo "1..2"
	exit 0
fi
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)n * 0; }' \
	>"$WORK/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address "$WORK/probe.c" -o "$WORK/probe" >/dev/null 2>&1; then
	echo "ok 1 - fuzz_policy builds # SKIP $CLANG cannot link libFuzzer"
	echo "ok 2 - fuzz_policy runs # SKIP $CLANG cannot link libFuzzer"
	echo "1..2"
	exit 0
fi

mkdir -p "$OUT"
S=$SOURCE_ROOT
CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I$S
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
WARN="-Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wstrict-prototypes -Wvla -Wformat=2"
# shellcheck disable=SC2086
if "$CLANG" $CFLAGS -c "$S/common/util.c" -o "$OUT/util.o" >"$WORK/build.log" 2>&1 &&
	"$CLANG" $CFLAGS -c "$S/common/error.c" -o "$OUT/error.o" >>"$WORK/build.log" 2>&1 &&
	"$CLANG" $CFLAGS $WARN "$S/tests/fuzz/fuzz_policy.c" "$S"/policy/*.c "$S/common/utf8.c" \
		"$S/common/publish.c" "$S/common/dns_bind.c" "$S/common/limits.c" "$OUT/util.o" "$OUT/error.o" -lyaml \
		-o "$OUT/fuzz_policy" >>"$WORK/build.log" 2>&1; then
	echo "ok 1 - fuzz_policy builds"
else
	echo "not ok 1 - fuzz_policy builds"
	sed 's/^/#   /' "$WORK/build.log" | head -40
	echo "not ok 2 - fuzz_policy runs # the build failed"
	echo "1..2"
	exit 1
fi

# The corpus grows in a scratch directory; the seeds stay as they are.
mkdir "$WORK/corpus"
cp "$S"/policies/*.yaml "$S"/tests/fuzz/corpus/*.yaml "$WORK/corpus/"
cd "$WORK" || exit 1
FUZZ_POLICY_DIR=$S/policies UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	timeout -s KILL $((SECONDS_TO_RUN + 120)) "$OUT/fuzz_policy" \
	-max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-dict="$S/tests/fuzz/policy.dict" -artifact_prefix="$WORK/" -print_final_stats=1 \
	"$WORK/corpus" >"$WORK/fuzz.log" 2>&1
rc=$?
if [ "$rc" = 0 ]; then
	echo "ok 2 - fuzz_policy runs ${SECONDS_TO_RUN}s without a crash, leak or hang"
	grep -E '^stat::number_of_executed_units' "$WORK/fuzz.log" | sed 's/^/# /'
	echo "1..2"
	exit 0
fi
echo "not ok 2 - fuzz_policy runs ${SECONDS_TO_RUN}s without a crash, leak or hang (exit $rc)"
grep -v '^#[0-9]' "$WORK/fuzz.log" | tail -60 | sed 's/^/#   /'
for f in "$WORK"/crash-* "$WORK"/leak-* "$WORK"/timeout-* "$WORK"/oom-*; do
	[ -e "$f" ] || continue
	mkdir -p "$OUT/artifacts"
	cp "$f" "$OUT/artifacts/"
	echo "#   input kept as $OUT/artifacts/$(basename "$f")"
done
echo "1..2"
exit 1
