#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The measuring tools behind bench/results/unixaddr-*: each must say when it
# measured less than it was asked to, or counted wrong, rather than print
# a table of what it happened to see.
. "$(dirname "$0")/lib.sh"
BENCH=$SOURCE_ROOT/bench

# bench/unixbind_spelling.c DIR COUNT prints "plan: COUNT binds" first and
# "ran: N binds" last, N the binds that completed and were checked: a run
# with every bind checked, one that stops early (a file in DIR takes the
# 8th bind's name) and COUNTs that are no number of binds.
if requires "unixbind_spelling: the binds planned all ran" gcc; then
	gcc -O2 -Wall -Werror -o "$TMP/unixbind_spelling" "$BENCH/unixbind_spelling.c"
	# plan_ran OUT: "plan P, ran R" from the tool's output.
	plan_ran() {
		printf 'plan %s, ran %s' "$(sed -n 's/^plan: \([0-9]*\) binds$/\1/p' "$1")" \
			"$(sed -n 's/^ran: \([0-9]*\) binds$/\1/p' "$1")"
	}
	mkdir "$TMP/binds"
	"$TMP/unixbind_spelling" "$TMP/binds" 20 >"$TMP/binds.out" 2>"$TMP/binds.err"
	check_rc "unixbind_spelling: 20 binds exit 0" 0 $? "$(cat "$TMP/binds.err")"
	check "unixbind_spelling: the binds planned all ran" "plan 20, ran 20" "$(plan_ran "$TMP/binds.out")"
	check "unixbind_spelling: the kernel recorded the spelling; the socket files are in DIR" \
		"recorded: /tmp/x/s-0.sock (len 18), 20 sockets" \
		"$(grep '^recorded:' "$TMP/binds.out"), $(find "$TMP/binds" -type s | wc -l) sockets"
	mkdir "$TMP/taken"
	: >"$TMP/taken/s-7.sock"
	"$TMP/unixbind_spelling" "$TMP/taken" 20 >"$TMP/taken.out" 2>"$TMP/taken.err"
	check_rc "unixbind_spelling: a run that stops early exits 1" 1 $? "$(cat "$TMP/taken.out")"
	check "unixbind_spelling: a run that stops early says how far it got" "plan 20, ran 7" \
		"$(plan_ran "$TMP/taken.out")"
	for count in 0 -5 abc 20x 99999999999; do
		"$TMP/unixbind_spelling" "$TMP/binds" "$count" >"$TMP/bad.out" 2>"$TMP/bad.err"
		check "unixbind_spelling: COUNT $count is refused, naming COUNT" \
			"2, nothing ran, COUNT named" \
			"$?, $(grep -c . "$TMP/bad.out" | sed 's/^0$/nothing ran/'), $(grep -q '^unixbind_spelling: COUNT: ' "$TMP/bad.err" && echo COUNT named)"
	done
fi

# bench/unixaddr_counts.py counts calls in strace's per-task files; calls
# made while other threads wait inside theirs (which split a line of a
# single strace file in two) count exactly.
requires "unixaddr_counts: calls interleaved across threads count exactly" strace &&
	requires "unixaddr_counts: calls interleaved across threads count exactly" python3 && {
	python3 "$BENCH/unixaddr_counts.py" --check "$TMP/counts" >"$TMP/counts.out" 2>&1
	check_rc "unixaddr_counts: calls interleaved across threads count exactly" 0 $? \
		"$(cat "$TMP/counts.out")"
}

done_testing
