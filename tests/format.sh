#!/bin/sh
# The C sources match the repository's .clang-format (skipped where
# clang-format is not installed).
: "${SOURCE_ROOT:?}"
cd "$SOURCE_ROOT" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "ok 1 - sources match .clang-format # SKIP clang-format not installed"
	echo "1..1"
	exit 0
fi
bad=""
for f in common/*.[ch] policy/*.[ch] sentry/*.[ch] guest/*.[ch] guest/loader/*.c sentry/vfs/*.[ch] \
	syscalls/*.[ch] runsc-c/*.[ch] gofer/*.[ch] sandbox/*.[ch] runsc-c/oci/*.[ch] runsc-c/serve/*.[ch] \
	tests/unit/*.c; do
	if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
		bad="$bad $f"
	fi
done
if [ -z "$bad" ]; then
	echo "ok 1 - sources match .clang-format"
else
	echo "not ok 1 - sources match .clang-format"
	echo "#   differ:$bad"
fi
echo "1..1"
