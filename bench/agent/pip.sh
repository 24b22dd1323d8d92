# SPDX-License-Identifier: Apache-2.0
# pip.sh WHEELS [DIR]: a venv in DIR (default /tmp), pip installs the 20
# local wheels of WHEELS into it, the venv imports them all; prints the sum
# they compute and the number of modules installed.
d=${2:-/tmp}/runsc-c-bench-pip.$$
/usr/bin/python3 -m venv --without-pip "$d/venv" &&
/usr/bin/python3 -m pip --python "$d/venv/bin/python" install -q --no-index --no-deps \
	--no-cache-dir --disable-pip-version-check "$1"/*.whl &&
"$d/venv/bin/python" -c 'import importlib
print(sum(importlib.import_module("benchpkg%02d" % i).total() for i in range(20)))' &&
find "$d/venv/lib" -name '*.py' -path '*benchpkg*' | wc -l
rc=$?; rm -rf "$d"; exit $rc
