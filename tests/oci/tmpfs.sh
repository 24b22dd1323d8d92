#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's tmpfs mounts (docs/oci.md): each a tmpfs of its own, with
# its size=, nr_inodes=, mode=, uid=, gid= and its mount flags; the one at
# /dev (runc's default config has it) is the container's /dev, writable,
# with the default devices and links in it. What the
# container sees is compared with crun's for the same config: writing past
# size= (ENOSPC), past nr_inodes=, executing from a noexec one (EACCES),
# writing to a read-only one (EROFS), stat of each root (mode, owner), and
# each one's row of /proc/self/mountinfo (flags, type, source, options).
# A tmpfs without size= counts against the sandbox's memory limit. Bad
# options are one error naming the field, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

# /small exists in the rootfs with a file the tmpfs covers; /deep/er does not.
mkdir -p "$ROOTFS/small"
echo covered >"$ROOTFS/small/f"

TPATHS="/small /noexec /ro /deep/er /few /opts /dev/shm /dev"
MOUNTS="[
 {'destination': '/small', 'type': 'tmpfs', 'source': 'tmpfs',
  'options': ['nosuid', 'nodev', 'size=1m', 'mode=1777', 'uid=1000', 'gid=1001']},
 {'destination': '/noexec', 'type': 'tmpfs', 'source': 'scratch',
  'options': ['noexec', 'size=4m', 'mode=755']},
 {'destination': '/ro', 'type': 'tmpfs', 'source': 'tmpfs',
  'options': ['ro', 'nosuid', 'rprivate', 'strictatime']},
 {'destination': '/deep/er', 'type': 'tmpfs', 'source': 'tmpfs',
  'options': ['size=65536k', 'nodev', 'noatime']},
 {'destination': '/few', 'type': 'tmpfs', 'source': 'tmpfs',
  'options': ['nr_inodes=3', 'mode=777', 'gid=7']},
 {'destination': '/opts', 'type': 'tmpfs', 'source': 'tmpfs',
  'options': ['huge=within_size', 'mpol=default', 'nr_blocks=100', 'inode32', 'inode64']},
]"
PROBE='for p in '$TPATHS'; do
	echo "== stat $p"
	stat -c "%a %u %g %F" "$p"
	ls "$p"
done
echo "== size"
dd if=/dev/zero of=/small/f bs=4k count=512 2>&1 | grep -v records
ls -l /small/f | awk "{print \$5 <= 1048576}"
echo "== noexec"
cp /bin/busybox /noexec/bb && /noexec/bb true 2>&1; echo "exit $?"
echo "== ro"
touch /ro/x 2>&1
echo "== nr_inodes"
for f in a b c d; do touch /few/$f 2>&1; done
ls /few
echo "== writable"
echo hi >/deep/er/x && cat /deep/er/x
echo "== dev"
ls /dev
stat -c "%n %F %t,%T" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
for l in fd stdin stdout stderr ptmx core; do readlink /dev/$l; done
echo to-null >/dev/null && head -c 4 /dev/zero | od -An -tx1
touch /dev/made && ls /dev/made && rm /dev/made && echo removed
echo "== mountinfo"
cat /proc/self/mountinfo'
export PROBE

conf() {
	cfg "$1" "import os
d['root']['readonly'] = False
d['process']['args'] = ['sh', '-c', os.environ['PROBE']]
d['mounts'] += $MOUNTS
$2"
}

B=$TMP/b
conf "$B"
oci run --bundle "$B" t1 >"$TMP/runsc.out" 2>&1
check_rc "run: the probe of tmpfs mounts runs" 0 "$?" "$(tail -5 "$TMP/runsc.out")"

# block FILE NAME: the probe's lines about NAME.
block() { sed -n "\\|^== $2\$|,\\|^== |p" "$1" | sed '$!b;/^== /d'; }
check "mode, uid and gid of a tmpfs's root; what it covers is hidden" "== stat /small
1777 1000 1001 directory" "$(block "$TMP/runsc.out" "stat /small")"
check_contains "writing past size= fails with ENOSPC" "No space left on device" \
	"$(block "$TMP/runsc.out" size)"
check_contains "executing from a noexec tmpfs fails with EACCES" "Permission denied" \
	"$(block "$TMP/runsc.out" noexec)"
check_contains "a ro tmpfs refuses writes with EROFS" "Read-only file system" \
	"$(block "$TMP/runsc.out" ro)"
check_contains "files past nr_inodes= fail with ENOSPC" "No space left on device" \
	"$(block "$TMP/runsc.out" nr_inodes)"
check "a tmpfs below a path the rootfs lacks is made and writable" "== writable
hi" "$(block "$TMP/runsc.out" writable)"
check "the rootfs's file under a tmpfs is untouched" "covered" "$(cat "$ROOTFS/small/f")"

# Each tmpfs's row: mount point, per-mount flags, type, source, the file
# system's options.
rows() {
	sed -n '/^== mountinfo$/,$p' "$1" | awk -v paths="$TPATHS" '
		BEGIN { n = split(paths, p, " "); for (i = 1; i <= n; i++) want[p[i]] = 1 }
		$5 in want {
			sep = 0
			for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
			print $5, $6, $(sep + 1), $(sep + 2), $(sep + 3)
		}' | ${SORT:-sort}
}
check "the mount table has a tmpfs row for each" "$(echo $TPATHS | tr ' ' '\n' | sort)" \
	"$(rows "$TMP/runsc.out" | awk '$3 == "tmpfs" { print $1 }')"

# ---- crun, the reference ----
crun_reference
for p in $TPATHS; do
	set -- "stat $p"
	[ -n "$crun_reason" ] && { skip "same as crun: $1" "$crun_reason"; continue; }
	check "same as crun: $1" "$(block "$TMP/crun.out" "$1")" "$(block "$TMP/runsc.out" "$1")"
done
for p in size noexec ro nr_inodes writable dev; do
	[ -n "$crun_reason" ] && { skip "same as crun: $p" "$crun_reason"; continue; }
	check "same as crun: $p" "$(block "$TMP/crun.out" "$p")" "$(block "$TMP/runsc.out" "$p")"
done
if [ -n "$crun_reason" ]; then
	skip "same as crun: the tmpfs rows of the mount table" "$crun_reason"
else
	check "same as crun: the tmpfs rows of the mount table" "$(rows "$TMP/crun.out")" \
		"$(rows "$TMP/runsc.out")"
fi

# The config's order (the runtime spec's: mounts are made in the order
# given), not the paths'.
if [ -n "$crun_reason" ]; then
	skip "same as crun: the tmpfs rows in the config's order" "$crun_reason"
else
	check "same as crun: the tmpfs rows in the config's order" \
		"$(SORT=cat rows "$TMP/crun.out" | cut -d' ' -f1)" \
		"$(SORT=cat rows "$TMP/runsc.out" | cut -d' ' -f1)"
fi

# A mount listed before a tmpfs over its parent is made after it, on top
# (the view never hides a mount the config asks for).
mkdir -p "$TMP/nest/in" && echo inner >"$TMP/nest/in/i"
cfg "$TMP/nest" "d['process']['args'] = ['sh', '-c', 'cat /n/in/i; touch /n/t && echo made']
d['mounts'] += [{'destination': '/n/in', 'type': 'bind', 'source': 'in', 'options': ['rbind']},
	{'destination': '/n', 'type': 'tmpfs', 'options': []}]"
check "a bind below a later tmpfs stays visible, the tmpfs writable" "inner
made" "$(oci run --bundle "$TMP/nest" t4 2>&1)"

# /dev: the config's tmpfs with the devices and links, writable (as
# crun's, below); read-only with ro; without the mount, the sandbox's own
# read-only /dev.
check "/dev: the devices and links, a file made and removed" "== dev
core
fd
full
mqueue
null
ptmx
pts
random
shm
stderr
stdin
stdout
tty
urandom
zero
/dev/null character special file 1,3
/dev/zero character special file 1,5
/dev/full character special file 1,7
/dev/random character special file 1,8
/dev/urandom character special file 1,9
/dev/tty character special file 5,0
/proc/self/fd
/proc/self/fd/0
/proc/self/fd/1
/proc/self/fd/2
pts/ptmx
/proc/kcore
 00 00 00 00
/dev/made
removed" "$(block "$TMP/runsc.out" dev)"
cfg "$TMP/devro" "d['process']['args'] = ['sh', '-c', 'touch /dev/x 2>&1; grep \" /dev \" /proc/self/mountinfo | cut -d\" \" -f5,6']
for m in d['mounts']:
    if m['destination'] == '/dev':
        m['options'].append('ro')"
check "/dev with ro: writes fail with EROFS, the row says ro" "touch: /dev/x: Read-only file system
/dev ro,nosuid" "$(oci run --bundle "$TMP/devro" t6 2>&1)"
cfg "$TMP/nodev" "d['process']['args'] = ['sh', '-c', 'touch /dev/x 2>&1; readlink /dev/core 2>&1']
d['mounts'] = [m for m in d['mounts'] if m['destination'] != '/dev']"
check "no tmpfs at /dev: the sandbox's own, read-only, with runc's /dev/core link" \
	"touch: /dev/x: Read-only file system
/proc/kcore" "$(oci run --bundle "$TMP/nodev" t7 2>&1)"

# ls -l /dev, row by row (type and mode, owner, name and a link's target),
# as crun's, with the config's tmpfs at /dev and without one (the
# sandbox's own; crun's is the rootfs's /dev then). Times differ (the
# devices are the host's nodes) and so does /dev/tty's group (the host's
# node's, tty).
cat >"$TMP/devls.sh" <<'EOF'
ls -l /dev | sed 1d | awk '{ if ($1 ~ /^l/) print $1, $3, $(NF-2), "->", $NF; else print $1, $3, $NF }'
EOF
cp "$TMP/devls.sh" "$ROOTFS/devls.sh"
for dev in tmpfs none; do
	drop=
	[ "$dev" = none ] && drop="d['mounts'] = [m for m in d['mounts'] if m['destination'] != '/dev']"
	cfg "$TMP/ls-$dev" "d['process']['args'] = ['sh', '/devls.sh']
$drop"
	oci run --bundle "$TMP/ls-$dev" ls-$dev >"$TMP/ls-$dev.out" 2>&1
	check_contains "ls -l /dev, /dev $dev: core links to /proc/kcore" \
		"lrwxrwxrwx 0 core -> /proc/kcore" "$(cat "$TMP/ls-$dev.out")"
	if [ -n "$crun_reason" ]; then
		skip "ls -l /dev, /dev $dev: the same rows as crun's" "$crun_reason"
		continue
	fi
	cp -a "$ROOTFS" "$TMP/rootfs-crun-$dev"
	cfg "$TMP/cls-$dev" "d['process']['args'] = ['sh', '/devls.sh']
d['root']['path'] = '$TMP/rootfs-crun-$dev'
$drop"
	crun_run "$TMP/cls-$dev" cls-$dev >"$TMP/cls-$dev.out" 2>&1
	check "ls -l /dev, /dev $dev: the same rows as crun's" "$(cat "$TMP/cls-$dev.out")" \
		"$(cat "$TMP/ls-$dev.out")"
done

# ---- a tmpfs without size= is bounded by the sandbox's memory ----
# Its pages are charged to the sandbox's memory cgroup, as runc's are to
# the container's: a 200 MiB write under a 64 MiB limit never completes.
cfg "$TMP/mem" "d['process']['args'] = ['sh', '-c',
	'dd if=/dev/zero of=/big/f bs=1M count=200 2>/dev/null; echo dd=\$?']
d['mounts'].append({'destination': '/big', 'type': 'tmpfs', 'options': ['nosuid']})
d['linux']['resources'] = {'memory': {'limit': 67108864}}"
out=$(oci run --bundle "$TMP/mem" t3 2>&1)
check_lacks "a tmpfs without size= holds no more than the memory limit" "dd=0" "$out"

# ---- bad options: one error naming the field, nothing left ----
bad() {
	cfg "$B" "d['mounts'].append({'destination': '/t', 'type': 'tmpfs', 'options': $1})"
	out=$(oci run --bundle "$B" t2 2>&1)
	rc=$?
	n=$(python3 -c "import json; print(len(json.load(open('$B/config.json'))['mounts']) - 1)")
	check_rc "bad option $1: exit 1" 1 "$rc"
	check_contains "bad option $1: the error names it" "mounts[$n].options: $2" "$out"
	check "bad option $1: no state left" "" "$(ls -A "$ROOT")"
}
bad "['size=abc']" "'size=abc': expected a size"
bad "['size=10q']" "'size=10q': expected a size"
bad "['mode=999']" "'mode=999': expected an octal mode"
bad "['mode=17777']" "'mode=17777': expected an octal mode"
bad "['uid=-1']" "'uid=-1': expected an id"
bad "['gid=4294967295']" "'gid=4294967295': expected an id"
bad "['nr_inodes=x']" "'nr_inodes=x': expected a count"
bad "['huge=deny']" "'huge=deny': expected never, always, within_size or advise"
bad "['mpol=fast']" "'mpol=fast': expected a memory policy"
bad "['mpol=bind:x']" "'mpol=bind:x': expected a memory policy"
bad "['nr_blocks=x']" "'nr_blocks=x': expected a count"
bad "['inode16']" "'inode16': not a tmpfs option"
bad "['nosuid', 'bogus']" "'bogus': not a tmpfs mount option"
bad "'size=1m'" "expected an array"
# A destination the kernel refuses (a file) fails when the view is built,
# naming it; nothing is left either.
cfg "$B" "d['mounts'].append({'destination': '/bin/busybox', 'type': 'tmpfs', 'options': []})"
out=$(oci run --bundle "$B" t5 2>&1)
check_rc "a tmpfs over a file: exit 1" 1 "$?"
check_contains "a tmpfs over a file: the error names it" "tmpfs /bin/busybox: " "$out"
check "a tmpfs over a file: no state left" "" "$(ls -A "$ROOT")"

done_testing
