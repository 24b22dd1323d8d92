#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Set-user-id and set-group-id bits: the guest sets and sees them as on
# Linux (a differential probe run natively and in the sandbox: chmod rules,
# every stat call, hard links, renames, chown, writes, set-group-id
# directories, cp -p, tar), the host never gets them, and executing a
# set-user-id file grants no ids (no_new_privs).
. "$(dirname "$0")/lib.sh"

requires "set-id bits: the differential probe" python3 &&
	differential_data "set-id bits: chmod, stat, links, chown, writes, set-group-id directories, cp, tar" \
		'python3 "$1/setid_probe.py" "$2"'

# A volume shows the host's own set-id bits; what the guest sets stays in
# the sandbox.
vol=$(mktemp -d "$TMP/vol.XXXXXX")
printf '#!/bin/sh\n' >"$vol/host-suid"
chmod 4755 "$vol/host-suid"
printf '#!/bin/sh\n' >"$vol/plain"
chmod 0755 "$vol/plain"
mkdir "$vol/dir"
out=$(runsc -v "$vol:/vol" -- sh -c '
	chmod 6755 /vol/plain && chmod 2775 /vol/dir &&
	python3 -c "import os; os.close(os.open(\"/vol/created\", os.O_CREAT | os.O_WRONLY, 0o4755))" &&
	python3 -c "import os, stat; os.mknod(\"/vol/node\", stat.S_IFREG | 0o6755)" &&
	mkdir /vol/dir/sub && stat -c "%n %a" /vol/host-suid /vol/plain /vol/dir /vol/created /vol/node /vol/dir/sub' 2>&1)
check "the guest sees the host's bits and its own" \
	"/vol/host-suid 4755
/vol/plain 6755
/vol/dir 2775
/vol/created 4755
/vol/node 6755
/vol/dir/sub 2755" "$out"
check "the host never gets the guest's set-id bits" \
	"$vol/host-suid 4755
$vol/plain 755
$vol/dir 775
$vol/created 755
$vol/node 755
$vol/dir/sub 755" "$(stat -c '%n %a' "$vol/host-suid" "$vol/plain" "$vol/dir" "$vol/created" "$vol/node" "$vol/dir/sub")"
leaked=$(find "$vol" -perm /6000 ! -name host-suid)
check "no file of the volume has set-id bits on the host" "" "$leaked"

# Executing a set-user-id root file as another user grants nothing: the
# guest runs with no_new_privs.
out=$(runsc -- sh -c '
	cp /usr/bin/id /tmp/id-suid && chmod 4755 /tmp/id-suid &&
	stat -c "%a %u" /tmp/id-suid &&
	python3 -c "import os; os.setgid(1000); os.setuid(1000); os.execv(\"/tmp/id-suid\", [\"id\", \"-u\"])" &&
	grep NoNewPrivs /proc/self/status' 2>&1)
check "a set-user-id root file runs with the caller's ids" "4755 0
1000" "$(printf '%s\n' "$out" | head -n 2)"

done_testing
