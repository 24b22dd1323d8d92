#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A shell workload for the differential test: pipes, subshells, command
# substitution, background jobs and wait, traps, here-documents and read
# loops. Its output is deterministic and it exits with status 5.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"; echo "cleanup done"' EXIT
trap 'echo "got USR1"' USR1

# pipes
printf '%s\n' banana apple cherry apple | sort | uniq -c | sed 's/^ *//'
seq 1 20 | grep -v 3 | tr '\n' ' ' | wc -w

# subshells
x=outer
(x=inner; echo "subshell sees $x")
echo "parent keeps $x"
( cd /usr/share && echo "subshell cwd $(basename "$PWD")" )
echo "parent cwd $PWD"

# command substitution
n=$(seq 1 100 | awk '{ s += $1 } END { print s }')
echo "sum=$n"
nested=$(echo "$(echo "$(echo deep)")")
echo "nested=$nested"

# background jobs and wait
for i in 1 2 3 4; do
	(sleep "0.0$i"; echo "job $i done" >"$work/job$i") &
done
wait
cat "$work"/job*
(exit 3) &
pid=$!
wait "$pid"
echo "background status=$?"
sleep 0.1 | cat &
wait $!
echo "pipeline in background: $?"

# a trap on a signal sent to ourselves
kill -USR1 $$
echo "after USR1"

# here-documents and read loops
count=0
while IFS=: read -r name value; do
	count=$((count + 1))
	echo "[$count] $name -> $value"
done <<EOT
alpha:1
beta:2
gamma:$((1 + 2))
EOT
cat <<'EOT'
literal $HOME and $(date) stay as written
EOT
mapfile -t lines < <(printf 'line%d\n' 1 2 3)
echo "lines=${#lines[@]} last=${lines[2]}"
printf 'a b\nc d\n' | while read -r first second; do echo "$second $first"; done
while read -r word; do echo "word: $word"; done <<<"here-string"

# functions and statuses
f() {
	local v=$1
	return $((v * 2))
}
f 4
echo "f returned $?"
case "$n" in
5050) echo "gauss ok" ;;
*) echo "gauss bad" ;;
esac
false || echo "or-list ran"
true && echo "and-list ran"
if ! grep -q nothing-like-this /etc/os-release; then echo "negation ok"; fi
exit 5
