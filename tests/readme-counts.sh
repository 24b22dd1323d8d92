#!/bin/sh
# The README's syscall support counts are what the table says.
: "${RUNSC_C:?}" "${SOURCE_ROOT:?}"
counts=$("$RUNSC_C" syscalls --counts)
if grep -qxF "$counts" "$SOURCE_ROOT/README.md"; then
	echo "ok 1 - README counts match: $counts"
else
	echo "not ok 1 - README counts differ from the table"
	echo "#   table: $counts"
	echo "#   README: $(grep '^native ' "$SOURCE_ROOT/README.md")"
fi
echo "1..1"
