#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Read-only opens of regular files and directories the dentry cache keeps
# (its lookups and stats are answered from it): the answers match Linux's,
# run natively with the same probe, after each change a cached entry must
# see (renames over it, symlinks swapped under it, its directory renamed,
# ".." out of a directory fd, a name made by another process, chmod,
# chown, a search permission taken away, a POSIX ACL), and a volume file
# the host replaces reads as the new file.
. "$(dirname "$0")/lib.sh"

probe=$(cat "$DATA/open_kept_probe.py")

# A host file whose ACL denies uid 1000 what its mode bits would grant
# (other: r): the view's /tmp is the host's beneath the writable layer.
acl=$TMP/acl/denied
mkdir -p "$TMP/acl" && chmod 0755 "$TMP" "$TMP/acl" && printf 'acl' >"$acl" && chmod 0644 "$acl"
if ! python3 -c 'import os, struct, sys
acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", t, p, i) for t, p, i in
    [(1, 6, 0xffffffff), (2, 0, 1000), (4, 4, 0xffffffff), (0x10, 4, 0xffffffff),
     (0x20, 4, 0xffffffff)])
os.setxattr(sys.argv[1], "system.posix_acl_access", acl)' "$acl" 2>/dev/null; then
	acl=-
fi

mkdir "$TMP/native"
(cd / && guest_env python3 -c "$probe" "$TMP/native" "$acl") >"$TMP/native.out" 2>&1
runsc -- sh -c 'd=$(mktemp -d) && exec python3 -c "$1" "$d" "$2"' sh "$probe" "$acl" \
	>"$TMP/sandbox.out" 2>&1
if cmp -s "$TMP/native.out" "$TMP/sandbox.out"; then
	ok "read-only opens of kept names match Linux ($(wc -l <"$TMP/sandbox.out") cases)"
else
	not_ok "read-only opens of kept names match Linux" \
		"$(diff "$TMP/native.out" "$TMP/sandbox.out" | head -40)"
fi
check_lacks "no open answered inconsistently" "inconsistent" "$(cat "$TMP/sandbox.out")"
if [ "$acl" = - ]; then
	skip "a file whose ACL denies the caller" "cannot set an ACL on $TMP"
else
	check_contains "a file whose ACL denies the caller stays refused" \
		"uid 1000, a file whose ACL denies it: EACCES" "$(cat "$TMP/sandbox.out")"
fi

# A volume the host changes is never kept: a file the guest has looked up
# and read, then replaced by the host (the old file moved aside, still
# linked, and a new one written in its place), reads as the new file.
vol=$TMP/vol
mkdir -p "$vol"
# shellcheck disable=SC2016
guest='r() { for i in 1 2 3; do cat /data/f; echo; done | uniq | tr "\n" " "; echo; }
stat /data/f >/dev/null; stat /data/f >/dev/null; r; touch /data/ready
i=0; while [ ! -e /data/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; r'
# The volume is a tmpfs of its own (in a private mount namespace, gone
# with it), so that no other mount of its file system hides the rule.
# shellcheck disable=SC2016
host='mount -t tmpfs tmpfs "$1" && printf one >"$1/f" || exit 1
timeout -s KILL "$4" "$3" do --quiet -v "$1:/data" -- sh -c "$2" >"$5" 2>&1 </dev/null &
i=0
while [ ! -e "$1/ready" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
mv "$1/f" "$1/f.old" && printf two >"$1/f" && touch "$1/go"
wait'
unshare -m --propagation private sh -c "$host" sh "$vol" "$guest" "$RUNSC_C" "$RUNSC_BOUND" \
	"$TMP/vol.out"
check "a volume file the host replaced reads as the new file" "one 
two " "$(cat "$TMP/vol.out")"

done_testing
