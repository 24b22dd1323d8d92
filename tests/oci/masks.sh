#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's linux.maskedPaths and linux.readonlyPaths (docs/oci.md),
# differential: the same bundle runs under crun and under runsc-c, and what
# `stat -c %F`, `cat`, `ls`, `echo >` and `echo > PATH/new` print for each
# masked and read-only path must be the same: files and directories of
# the rootfs, /proc/kcore, /proc/keys, /proc/acpi, /proc/timer_list
# (masked) and /proc/sys (read-only). Hostile paths are among them: a
# relative one, one climbing with "..", a symlink to /etc/passwd, a
# symlink out of the rootfs, a symlink into /proc (masking the container's
# /proc/loadavg); the host's files and mount table must stay as they were. Bad values are one error naming the field, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

# ---- the rootfs's fixtures ----
echo "root:x:0:0:root:/:/bin/sh" >"$ROOTFS/etc/passwd"
mkdir -p "$ROOTFS/mdir" "$ROOTFS/mdir2" "$ROOTFS/rodir"
echo secret >"$ROOTFS/mdir/f"
echo secret2 >"$ROOTFS/mdir2/f"
echo secret >"$ROOTFS/mfile"
echo secret >"$ROOTFS/mfile2"
echo ro >"$ROOTFS/rofile"
echo ro >"$ROOTFS/rodir/f"
echo ctl >"$ROOTFS/ctl"
ln -s /etc/passwd "$ROOTFS/plink"
# Into /proc: runc masks the container's /proc/loadavg.
ln -s /proc/loadavg "$ROOTFS/loadlink"
# Out of the rootfs: resolved inside the container's root, this is its
# own /etc.
ln -s ../../../../../../etc "$ROOTFS/outlink"
# What an O_PATH fd of a masked file is (the rootfs has no libc: static).
gcc -static -O2 "$here/../integration/data/opath_probe.c" -o "$ROOTFS/bin/opath_probe" ||
	not_ok "the O_PATH probe builds" "gcc -static failed (libc6-dev has libc.a)"

# Every path the probe looks at, and what the config says of them.
PATHS="/mdir /mfile /mfile2 /mdir2 /plink /etc/passwd /etc/hostname /rodir /rofile /etc /ctl
/nonexist /proc/kcore /proc/keys /proc/acpi /proc/timer_list /proc/cpuinfo /proc/sys /proc/loadavg"
MASKED="['/mdir', '/mfile', 'mfile2', '/../../mdir2', '/plink', '/outlink/hostname',
 '/nonexist', '/proc/kcore', '/proc/keys', '/proc/acpi', '/proc/timer_list', '/proc/scsi',
 '/proc/cpuinfo', '/sys/firmware', '/loadlink']"
READONLY="['/rodir', '/rofile', '/outlink', '/nonexist2', '/proc/sys', '/proc/bus']"
# The probe: one block per path. /proc/sys lists the sandbox's own subset
# of the host's, so its listing is left out.
PROBE='for p in '$(echo $PATHS)'; do
	echo "== $p"
	stat -c %F "$p" 2>&1
	cat "$p" 2>&1 | head -c 200
	[ "$p" = /proc/sys ] || ls "$p" 2>&1 | head -5
	(echo x > "$p") 2>&1
	(echo y > "$p/new") 2>&1
done
echo "== /proc/sys/kernel/hostname"
(echo box > /proc/sys/kernel/hostname) 2>&1
echo "== /proc/acpi (mkdir)"
mkdir /proc/acpi/d 2>&1
echo "== /proc/keys (chmod)"
chmod 600 /proc/keys 2>&1
echo "== /rodir (mkdir)"
mkdir /rodir/d 2>&1
echo "== O_PATH"
opath_probe --stat /mfile /proc/keys /proc/timer_list /rofile 2>&1
echo "== /proc listing"
ls /proc | grep -E "^(keys|acpi|timer_list|cpuinfo|kcore)$"
echo "== mountinfo"
cat /proc/self/mountinfo'
export PROBE

conf() {
	cfg "$1" "import os
d['root']['readonly'] = False
d['process']['args'] = ['sh', '-c', os.environ['PROBE']]
d['linux']['maskedPaths'] = $MASKED
d['linux']['readonlyPaths'] = $READONLY
$2"
}

# The host side, before: what no run may change.
host_passwd=$(sha256sum /etc/passwd)
# Mounts elsewhere come and go with the rest of the suite (podman, containerd):
# only this test's directories and the places runsc-c stages its views on
# (gofer/view.c: /tmp, /mnt, /var/tmp, /opt, the view below <dir>/root) count.
our_mounts() {
	awk -v t="$TMP" -v re='^/(tmp|mnt|var/tmp|opt)(/root(/.*)?)?$' \
		'index($5, t) == 1 || $5 ~ re { print $5, $9, $10 }' /proc/self/mountinfo | sort
}
host_mounts=$(our_mounts)

B=$TMP/b
conf "$B"
oci run --bundle "$B" m1 >"$TMP/runsc.out" 2>&1
check_rc "run: the probe of masked and read-only paths runs" 0 "$?" \
	"$(tail -5 "$TMP/runsc.out")"

# ---- runsc-c alone: what must hold whatever crun does ----
# block FILE NAME: the probe's lines about NAME.
block() { sed -n "\\|^== $2\$|,\\|^== |p" "$1" | sed '$!b;/^== /d'; }
check "masked directory: empty, read-only" "== /mdir
directory
cat: read error: Is a directory
sh: can't create /mdir: Is a directory
sh: can't create /mdir/new: Read-only file system" "$(block "$TMP/runsc.out" /mdir)"
check "masked file: the null device, reads nothing, takes writes" "== /mfile
character special file
/mfile
sh: can't create /mfile/new: nonexistent directory" "$(block "$TMP/runsc.out" /mfile)"
check "read-only file: writes fail with EROFS" "== /rofile
regular file
ro
/rofile
sh: can't create /rofile: Read-only file system
sh: can't create /rofile/new: nonexistent directory" "$(block "$TMP/runsc.out" /rofile)"
check_contains "a symlink to /etc/passwd masks the container's /etc/passwd" "== /etc/passwd
character special file
/etc/passwd" "$(block "$TMP/runsc.out" /etc/passwd)"
check_contains "a symlink out of the rootfs is the container's /etc (read-only)" \
	"sh: can't create /etc/new: Read-only file system" "$(block "$TMP/runsc.out" /etc)"
check_contains "... and a name the rootfs's /etc lacks is skipped" \
	"stat: can't stat '/etc/hostname': No such file or directory" \
	"$(block "$TMP/runsc.out" /etc/hostname)"
check_contains "an unmasked file stays writable" "== /ctl
regular file
ctl
/ctl
sh: can't create /ctl/new" "$(block "$TMP/runsc.out" /ctl)"
check "/proc/sys (read-only): writes fail with EROFS" "== /proc/sys/kernel/hostname
sh: can't create /proc/sys/kernel/hostname: Read-only file system" \
	"$(block "$TMP/runsc.out" /proc/sys/kernel/hostname)"
check "/proc/keys (masked): the null device" "== /proc/keys
character special file
/proc/keys
sh: can't create /proc/keys/new: nonexistent directory" "$(block "$TMP/runsc.out" /proc/keys)"
check "O_PATH of a masked file: the null device, refusing I/O" "== O_PATH
/mfile: fstat: type 20000, same file yes
/mfile: read: EBADF
/proc/keys: fstat: type 20000, same file yes
/proc/keys: read: EBADF
/proc/timer_list: fstat: type 20000, same file yes
/proc/timer_list: read: EBADF
/rofile: fstat: type 100000, same file yes
/rofile: read: EBADF" "$(block "$TMP/runsc.out" O_PATH)"
check "the host's /etc/passwd is untouched" "$host_passwd" "$(sha256sum /etc/passwd)"
check "the host's mount table is as it was" "$host_mounts" "$(our_mounts)"
check "the rootfs's masked and read-only files are untouched" "secret secret ro root" \
	"$(cat "$ROOTFS/mfile" "$ROOTFS/mfile2" "$ROOTFS/rofile" | tr '\n' ' ')$(cut -d: -f1 "$ROOTFS/etc/passwd")"

# ---- crun, the reference ----
crun_reference
for p in $PATHS /proc/sys/kernel/hostname "/proc/acpi (mkdir)" "/proc/keys (chmod)" \
	"/rodir (mkdir)" O_PATH "/proc listing"; do
	name="same as crun: $p"
	if [ -n "$crun_reason" ]; then
		skip "$name" "$crun_reason"
		continue
	fi
	want=$(block "$TMP/crun.out" "$p")
	if [ -z "$want" ]; then
		not_ok "$name" "crun's output has no block for $p" "$(tail -5 "$TMP/crun.out")"
		continue
	fi
	check "$name" "$want" "$(block "$TMP/runsc.out" "$p")"
done

# The mount table shows each cover as crun's does: where (masked symlinks
# and ".." resolved) and of which type (a masked directory a tmpfs, a
# masked file the null device's devtmpfs, a read-only path its own file
# system's, /proc's too); of mounts stacked on one path, the one on top
# (the last listed). Every cover is read-only (crun 1.8 leaves the mask of
# a rootfs symlink to a file writable, which the comparison leaves out). Paths the sandbox's /proc or /sys does not have
# are not covered (/proc/bus, /sys/firmware: its /sys is an empty tmpfs).
covers() {
	sed -n '/^== mountinfo$/,$p' "$1" | awk -v paths="$(echo $PATHS)" '
		BEGIN { n = split(paths, p, " "); for (i = 1; i <= n; i++) want[p[i]] = 1 }
		$5 in want {
			sep = 0
			for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
			split($6, o, ",")
			fs = $(sep + 1)
			if (fs == "ext4" || fs == "overlay") fs = "(rootfs)"
			top[$5] = o[1] " " fs
		}
		END { for (m in top) print m, top[m] }' | sort
}
if [ -n "$crun_reason" ]; then
	skip "same as crun: the mount table's covers" "$crun_reason"
else
	check "same as crun: the mount table's covers" \
		"$(covers "$TMP/crun.out" | cut -d' ' -f1,3)" "$(covers "$TMP/runsc.out" | cut -d' ' -f1,3)"
fi
check "the mount table shows every cover read-only" "" \
	"$(covers "$TMP/runsc.out" | awk '$2 != "ro"')"

# ---- bad values: one error naming the field, nothing left ----
bad() {
	conf "$B" "$1"
	out=$(oci run --bundle "$B" m2 2>&1)
	rc=$?
	check_rc "bad value ($2): exit 1" 1 "$rc"
	check_contains "bad value ($2): the error names it" "$2" "$out"
	check "bad value ($2): no state left" "" "$(ls -A "$ROOT")"
}
bad "d['linux']['maskedPaths'] = '/proc'" "linux.maskedPaths: expected an array"
bad "d['linux']['maskedPaths'] = ['/a', 3]" "linux.maskedPaths[1]: expected a string"
bad "d['linux']['readonlyPaths'] = ['']" "linux.readonlyPaths[0]: must not be empty"
bad "d['linux']['readonlyPaths'] = ['/a/../..']" \
	"linux.readonlyPaths[0]: '/a/../..' names the root itself"
bad "d['linux']['maskedPaths'] = ['/']" "linux.maskedPaths[0]: '/' names the root itself"
# A symlink to the root is found out when the view is built.
ln -s / "$ROOTFS/rootlink"
bad "d['linux']['maskedPaths'] = ['/rootlink']" "/rootlink resolves to the root of the view"
rm "$ROOTFS/rootlink"

done_testing
