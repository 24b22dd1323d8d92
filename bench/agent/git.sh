# SPDX-License-Identifier: Apache-2.0
# git.sh REPO [DIR]: clones the bare repository REPO into DIR (default /tmp)
# through git's pack protocol (--no-local: no hard links, as for a remote),
# then git status; prints the changed and the tracked file counts.
d=${2:-/tmp}/runsc-c-bench-git.$$
git clone -q --no-local "file://$1" "$d/repo" &&
git -C "$d/repo" status --porcelain | wc -l &&
git -C "$d/repo" ls-files | wc -l
rc=$?; rm -rf "$d"; exit $rc
