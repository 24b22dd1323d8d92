#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The host's shared /sys trees (docs/oci.md, "The sandbox's /sys"): the
# first start builds one (immutable, root's, in a root-only directory) and
# later starts show it; every start sees the same /sys as one with a tree
# of its own; it is read-only from inside, ".." of /sys is the view's root,
# statfs says sysfs; a tree not as runsc-c makes it (its flag cleared and a
# symlink planted, another owner or mode, a symlink in its place) is built
# again, a cache directory others could write is refused; concurrent first
# starts all work and leave one tree; trees of earlier boots are swept;
# of this boot's trees at most KEPT stay, never one a sandbox shows or
# whose lock another process holds, the least recently used first, and
# names not runsc-c's stay.
# Everything runs on a cache directory of the test's own.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

C=$TMP/cache/sys
export RUNSC_C_SYS_CACHE="$C"
# The trees are immutable: their flags go before lib.sh removes $TMP.
trap 'chattr -R -i "$TMP/cache" 2>/dev/null; cleanup_hooks; rm -rf "$TMP"' EXIT

mkdir "$TMP/probe" && touch "$TMP/probe/f"
if ! chattr +i "$TMP/probe/f" 2>/dev/null; then
	skip "shared /sys trees" "$TMP's file system has no immutable files"
	done_testing
	exit $?
fi
chattr -i "$TMP/probe/f"

# What a guest sees of /sys: every path with its type and mode, and what
# programs read.
SHOW='find /sys -printf "%y %m %u %p\n" | sort
cat /sys/devices/system/cpu/online /sys/kernel/mm/transparent_hugepage/enabled'
boot=$(cat /proc/sys/kernel/random/boot_id)
trees() { (cd "$C" && ls -A); }
untouch() { chattr -R -i "$1" 2>/dev/null; rm -rf "$1"; }

# ---- the first start builds the tree, the next ones show it ----
first=$(runsc -- sh -c "$SHOW" 2>&1)
check_rc "the first start works" 0 "$?" "$first"
key=$(trees)
check "one tree, named for this boot" "1 $boot" \
	"$(trees | wc -l) $(echo "$key" | cut -d. -f1)"
T=$C/$key/tree
check "the cache directory is root's, mode 0700" "700 root" "$(stat -c '%a %U' "$C")"
check "the tree, its files and its lock are immutable" "i i i i" \
	"$(lsattr -d "$T" "$T/devices/system/cpu" "$T/devices/system/cpu/online" "$C/$key/lock" |
		cut -c5 | tr '\n' ' ' | sed 's/ $//')"
check "the next start shows the same /sys" "$first" "$(runsc -- sh -c "$SHOW" 2>&1)"
check_contains "it lists the sandbox's CPUs" "$(cat /sys/devices/system/cpu/online)" "$first"

# ---- a cache directory others could write: refused, /sys the sandbox's own ----
mkdir -m 0755 "$TMP/open"
out=$(RUNSC_C_SYS_CACHE=$TMP/open timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do -- \
	sh -c "$SHOW" 2>"$TMP/err" </dev/null)
check "a refused cache: the same /sys, a tree of the sandbox's own" "$first" "$out"
check_contains "a refused cache: said so" "is not root's own or is writable by others" \
	"$(cat "$TMP/err")"
check "a refused cache: nothing made in it" "" "$(ls -A "$TMP/open")"
# The host's root as the cache: 0755, so refused as any other directory
# of that mode; nothing is built or swept there.
out=$(RUNSC_C_SYS_CACHE=/ timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do -- \
	sh -c "$SHOW" 2>"$TMP/err" </dev/null)
check "/ as the cache: refused, the same /sys" "$first" "$out"
check_contains "/ as the cache: said so" "is not root's own or is writable by others" \
	"$(cat "$TMP/err")"
check "/ as the cache: nothing made in it" "" \
	"$(ls -d /.runsc-c-build /.runsc-c-remove 2>/dev/null)"

# ---- read-only from inside, for root and for another user ----
WRITES='touch /sys/x; mkdir /sys/devices/y; rm /sys/devices/system/cpu/online
echo 0 >/sys/devices/system/cpu/online
python3 -c "
import os
for p in (\"/sys/devices/system/cpu/online\", \"/sys/kernel\"):
    try:
        os.close(os.open(p, os.O_WRONLY if p.endswith(\"online\") else os.O_RDONLY))
        if not p.endswith(\"online\"):
            os.chmod(p, 0o777)
        print(p, \"written\")
    except OSError as e:
        print(p, e.strerror)
"'
for user in 0 1000; do
	out=$(runsc --user "$user" -- sh -c "$WRITES" 2>&1)
	check "uid $user: writes to /sys fail with EROFS" "6 0" \
		"$(printf '%s\n' "$out" | grep -c 'Read-only file system') $(printf '%s\n' "$out" | grep -c written)"
done
check "the tree is as it was" "$first" "$(runsc -- sh -c "$SHOW" 2>&1)"

# ---- .. of /sys is the view's root; statfs says sysfs ----
check "/sys/.. is /, /sys/devices/system/cpu/../../../.. too" "$(runsc -- ls /)
$(runsc -- ls /)" "$(runsc -- sh -c 'cd /sys/.. && ls; ls /sys/devices/system/cpu/../../../..')"
check "/sys/.. and / are one directory" "same" \
	"$(runsc -- sh -c '[ "$(stat -c %d:%i /sys/..)" = "$(stat -c %d:%i /)" ] && echo same')"
STATFS='f=/sys/devices/system/cpu/online
echo $(stat -f -c %t /sys $f) $([ "$(stat -c %d /sys)" = "$(stat -c %d $f)" ] && echo same)'
check "statfs of /sys and of a file in it: sysfs; one device" "62656572 62656572 same" \
	"$(runsc -- sh -c "$STATFS" 2>&1)"

# ---- tampered trees ----
check_rc "a symlink cannot be planted in the tree" 1 \
	"$(ln -s / "$T/devices/evil" 2>/dev/null; echo $?)"
tamper() { # NAME COMMANDS: tamper, start, check it was built again
	chattr -i "$T"
	sh -c "$2"
	out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do -- sh -c "$SHOW" 2>"$TMP/err" </dev/null)
	check "$1: the same /sys" "$first" "$out"
	check_contains "$1: said so" "is not as runsc-c makes it: built again" "$(cat "$TMP/err")"
	check "$1: the tree is built again" "$key i 755 root:root" \
		"$(trees) $(lsattr -d "$T" | cut -c5) $(stat -c '%a %U:%G' "$T")"
}
tamper "a symlink planted" "ln -s / '$T/evil'"
check "a symlink planted: gone" "" "$(ls -A "$T" | grep evil)"
tamper "another owner" "chown 1000 '$T'"
tamper "another mode" "chmod 0777 '$T'"
mkdir "$TMP/elsewhere"
tamper "a symlink in the tree's place" "mv '$C/$key' '$TMP/elsewhere/' && ln -s '$TMP/elsewhere/$key' '$C/$key'"
check "a symlink in the tree's place: what it pointed to is left alone" "$key" \
	"$(ls "$TMP/elsewhere")"
untouch "$TMP/elsewhere"

# ---- concurrent first starts ----
untouch "$C"
for i in 1 2 3 4; do
	(runsc -- sh -c "$SHOW" >"$TMP/c$i" 2>&1; echo "$?" >"$TMP/rc$i") &
	cleanup_later "$!"
done
wait
for i in 1 2 3 4; do
	check "concurrent first start $i: works, the same /sys" "0 $first" "$(cat "$TMP/rc$i") $(cat "$TMP/c$i")"
done
check "concurrent first starts: one tree, nothing else" "$key" "$(trees)"

# ---- trees of earlier boots, a build left half done: swept by the next
# build; what runsc-c does not name so is left alone ----
old=00000000-0000-0000-0000-000000000000.0123456789abcdef
mkdir -p "$C/$old/tree/x" "$C/.runsc-c-build/tree" "$C/not-a-tree" && chattr -R +i "$C/$old/tree"
untouch "$C/$key"
runsc -- true
check_rc "after an earlier boot's tree: the start works" 0 "$?"
check "an earlier boot's tree and a half-built one are swept, nothing else" "$key
not-a-tree" "$(trees)"

# ---- a mount inside a tree of the cache or in the place of one, in the
# mount namespace of the start that sweeps: another file system, or a bind
# mount of the cache's own, is never walked into; its files stay, the start
# says so and works; a later start that does not see the mount removes
# what is left ----
across() { # WHAT DIR FS SAID: a start that builds and sweeps while DIR is,
	# in its mount namespace, a mount of a directory holding a file: FS
	# tmpfs, or "bind" (the cache's file system); SAID: what it says
	rm -rf "$TMP/m" && mkdir "$TMP/m"
	untouch "$C/$key"
	out=$(unshare -m --propagation private sh -c '
		if [ "$2" = tmpfs ]; then mount -t tmpfs none "$1" || exit; fi
		echo kept >"$1/f" && mount --bind "$1" "$3" &&
		timeout -s KILL "$4" "$5" do -- true && cat "$1/f"' sh \
		"$TMP/m" "$3" "$2" "$RUNSC_BOUND" "$RUNSC_C" </dev/null 2>"$TMP/err")
	check "$1: the start works, the mount's file stays" "0 kept" "$? $out"
	check_contains "$1: said so" \
		"$4 is another file system (a mount inside a tree of the cache): left alone" \
		"$(cat "$TMP/err")"
}
for fs in tmpfs bind; do
	mkdir -p "$C/$old/tree/x/m" && chattr -R +i "$C/$old/tree"
	across "a $fs mount inside an earlier boot's tree" "$C/$old/tree/x/m" "$fs" \
		"/.runsc-c-remove/tree/x/m"
done
mkdir "$C/.runsc-c-build"
across "a tmpfs mount in a half-built tree's place" "$C/.runsc-c-build" tmpfs \
	"$C/.runsc-c-build"
untouch "$C/$key"
runsc -- true
check "without the mounts: what was left is swept" "$key
not-a-tree" "$(trees)"

# A file bind-mounted over a regular file of a tree (a device in its
# place would be one): refused before it is opened. OPENS runs a command
# and counts the opens of FILE meanwhile (inotify).
cat >"$TMP/opens.py" <<'PY'
import ctypes, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0 or libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x20) < 0:
    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
rc = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL).returncode
try:
    n = len(os.read(fd, 65536)) // 16
except BlockingIOError:
    n = 0
print(rc, n)
PY
mkdir -p "$C/$old/tree/x" && echo tree >"$C/$old/tree/x/f" && chattr -R +i "$C/$old/tree"
echo kept >"$TMP/src"
untouch "$C/$key"
out=$(unshare -m --propagation private sh -c '
	mount --bind "$1" "$2" || exit
	python3 "$3" "$1" timeout -s KILL "$4" "$5" do -- true 2>"$6"' sh \
	"$TMP/src" "$C/$old/tree/x/f" "$TMP/opens.py" "$RUNSC_BOUND" "$RUNSC_C" "$TMP/err")
check "a file bound over a tree's file: the start works, the file is never opened" "0 0" "$out"
check_contains "a file bound over a tree's file: said so" \
	"/.runsc-c-remove/tree/x/f is another file system (a mount inside a tree of the cache): left alone" \
	"$(cat "$TMP/err")"
untouch "$C/$key"
runsc -- true
check "without the bound file: what was left is swept" "$key
not-a-tree" "$(trees)"

# ---- at most KEPT trees of this boot (docs/oci.md): the least recently
# used that no sandbox shows go when a start builds one or finds more than
# KEPT ----
KEPT=8
# Trees of other CPU sets: a copy of a real one under another name, its
# CPU list the name, built long ago (the cache's order of last use is the
# directory's mtime). This host has too few CPUs for KEPT + 2 real CPU
# sets; the ones it has are used below, through taskset.
fname() { echo "$boot.$(printf '%016x' "$1")"; }
fake() { # N: the tree fname N, N seconds after the oldest
	d=$C/$(fname "$1")
	cp -a "$C/$key" "$d" && echo "$1" >"$d/tree/devices/system/cpu/online" &&
		chattr -R +i "$d/tree" "$d/empty" "$d/lock" && touch -h -d "@$((1000000000 + $1))" "$d"
}
ours() { trees | grep -c "^$boot\."; }
cpus_of() { taskset -c "$1" grep Cpus_allowed_list /proc/self/status | cut -f2; }
key_of() { # CPU list: the tree that shows it
	for f in "$C/$boot".*/tree/devices/system/cpu/online; do
		[ "$(cat "$f")" = "$1" ] && basename "${f%/tree/*}"
	done
}
oldest() { (cd "$C" && ls -tr | grep "^$boot\." | grep -v -x "$1" | head -1); }
# What runsc-c does not name so, among them a lock-like file and a name
# one character off a tree's.
touch "$C/notes.lock"
mkdir "$C/x$(fname 1)"
foreign=$(trees | grep -v "^$boot\.")

sets="0"
[ "$(nproc)" -ge 2 ] && sets="0 1 0,1"
nsets=$(echo "$sets" | wc -w)
i=0
while [ "$((i + nsets))" -lt "$((KEPT + 2))" ]; do
	i=$((i + 1))
	fake "$i"
done
for set in $sets; do
	out=$(taskset -c "$set" timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -- \
		cat /sys/devices/system/cpu/online </dev/null 2>&1)
	check "CPUs $set: the start works and shows them" "$(cpus_of "$set")" "$out"
done
check "$((KEPT + 2)) CPU sets: $KEPT trees of this boot left" "$KEPT" "$(ours)"
check "the oldest that no sandbox shows went first" "" \
	"$(trees | grep -x -e "$(fname 1)" -e "$(fname 2)")"
check "the trees of the CPU sets just used stay" "$nsets" \
	"$(for set in $sets; do key_of "$(cpus_of "$set")"; done | wc -l)"
check "names not runsc-c's stay" "$foreign" "$(trees | grep -v "^$boot\.")"

# A start that builds nothing but finds more than KEPT trees.
fake 20
fake 21
runsc -- true
check_rc "more than $KEPT trees found: the start works" 0 "$?"
check "more than $KEPT trees found: $KEPT left, the oldest gone" "$KEPT " \
	"$(ours) $(trees | grep -x -e "$(fname 3)" -e "$(fname 4)")"

# A tree a running sandbox shows: kept, the oldest though, while others
# go; what the sandbox reads of it afterwards is still there.
key0=$(key_of "$(cpus_of 0)")
mkdir "$TMP/sig"
(
	taskset -c 0 timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -v "$TMP/sig:/sig" -- \
		sh -c 'touch /sig/up; while [ ! -e /sig/go ]; do sleep 0.1; done
			cat /sys/devices/system/cpu/online' >"$TMP/held.out" 2>&1 </dev/null
	echo "$?" >"$TMP/held.rc"
) &
held=$!
cleanup_later "$held"
n=0
while [ ! -e "$TMP/sig/up" ] && [ "$n" -lt "$((600 * TIME_SCALE))" ]; do
	sleep 0.1
	n=$((n + 1))
done
touch -h -d @1000000000 "$C/$key0"
gone=$(oldest "$key0")
fake 30
fake 31
runsc -- true
check "a tree a running sandbox shows: kept" "$key0" "$(trees | grep -x "$key0")"
check "a tree a running sandbox shows: the others go" "$KEPT " \
	"$(ours) $(trees | grep -x "$gone")"
touch "$TMP/sig/go"
wait "$held"
check "the running sandbox still reads its /sys" "0 $(cpus_of 0)" \
	"$(cat "$TMP/held.rc") $(cat "$TMP/held.out")"

# A tree whose lock another process holds: kept.
locked=$(oldest "")
sh -c 'exec 9<"$1" && flock -s 9 && touch "$2" && exec sleep 600' sh "$C/$locked/lock" "$TMP/locked" &
locker=$!
cleanup_later "$locker"
n=0
while [ ! -e "$TMP/locked" ] && [ "$n" -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
fake 40
fake 41
runsc -- true
check "a tree whose lock is held: kept" "$locked" "$(trees | grep -x "$locked")"
check "a tree whose lock is held: the others go" "$KEPT" "$(ours)"
kill "$locker"
wait "$locker" 2>/dev/null

# Ranked by last use: a start that shows a tree marks it used, so a tree
# built long ago and used lately outlives newer ones no start showed, when
# a start that shows another tree sweeps.
start_on() { taskset -c "$1" timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -- true </dev/null; }
if [ "$(nproc)" -ge 2 ]; then
	start_on 0
	used=$(key_of "$(cpus_of 0)")
	touch -h -d @1000000000 "$C/$used"
	fake 45
	start_on 0
	fake 46
	fake 47
	gone=$(oldest "$used")
	start_on 1
	check_rc "a tree built long ago, used since: the sweeping start works" 0 "$?"
	check "a tree built long ago, used since: kept, newer unused ones go" "$used $KEPT" \
		"$(trees | grep -x -e "$used" -e "$gone") $(ours)"
else
	skip "a tree built long ago, used since: kept" "one CPU: one CPU set"
fi

# Starts of every CPU set at once while the trees they show are swept (the
# oldest go): each start works and shows its CPUs, from a shared tree or
# one of its own.
for i in 50 51 52 53; do fake "$i"; done
for set in $sets; do touch -h -d @1000000000 "$C/$(key_of "$(cpus_of "$set")")"; done
for i in 1 2 3 4 5 6; do
	set=$(echo "$sets" | tr ' ' '\n' | sed -n "$(((i - 1) % nsets + 1))p")
	(taskset -c "$set" timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --quiet -- \
		cat /sys/devices/system/cpu/online >"$TMP/s$i" 2>&1 </dev/null
	echo "$? $(cpus_of "$set")" >>"$TMP/s$i") &
	cleanup_later "$!"
done
wait
for i in 1 2 3 4 5 6; do
	check "start $i during a sweep: works, shows its CPUs" "yes" \
		"$(awk 'NR == 1 { cpus = $0 } NR == 2 && $1 == 0 && $2 == cpus { print "yes" }' "$TMP/s$i")"
done
check "after the starts: at most $KEPT trees" "yes" "$([ "$(ours)" -le "$KEPT" ] && echo yes)"
check "names not runsc-c's still stay" "$foreign" "$(trees | grep -v "^$boot\.")"

# ---- a mount inside one of this boot's trees that a sweep removes, in
# the mount namespace of the starts: the removal stops at it (what it
# left stays, with its mount) and nothing more goes while it stays; every
# other tree keeps its lock, and starts still show them (each marks its
# tree used) ----
start_on 0
key0=$(key_of "$(cpus_of 0)")
key=$key0 # what fake copies
: >"$TMP/err"
for i in 60 61 62 63 64 65 66 67 68 69; do fake "$i"; done
touch -h -d @999999990 "$C/$(fname 60)"
touch -h -d @1000000000 "$C/$key0"
out=$(unshare -m --propagation private sh -c '
	mount -t tmpfs none "$1" && echo kept >"$1/f" || exit
	timeout -s KILL "$2" "$3" do -- true </dev/null 2>>"$4"; echo "sweep $?"
	timeout -s KILL "$2" "$3" do -- true </dev/null 2>>"$4"; echo "again $?"
	taskset -c 0 timeout -s KILL "$2" "$3" do -- cat /sys/devices/system/cpu/online </dev/null 2>>"$4"
	cd "$5" && for t in "$6".*; do [ -e "$t/lock" ] || echo "no lock: $t"; done
	cat .runsc-c-remove/tree/devices/system/f
	' sh "$C/$(fname 60)/tree/devices/system" "$RUNSC_BOUND" "$RUNSC_C" "$TMP/err" "$C" "$boot")
check "a mount inside a swept tree: the starts work, every other tree keeps its lock, the mount's file stays" \
	"sweep 0
again 0
$(cpus_of 0)
kept" "$out"
check_contains "a mount inside a swept tree: said so" \
	"$C/.runsc-c-remove/tree/devices/system is another file system (a mount inside a tree of the cache): left alone" \
	"$(cat "$TMP/err")"
check "a mount inside a swept tree: the start showed its tree and marked it used" "yes" \
	"$([ "$(stat -c %Y "$C/$key0")" -gt 1000000000 ] && echo yes)"
runsc -- true
check "without the mount: what was left is swept, at most $KEPT trees" "yes" \
	"$([ ! -e "$C/.runsc-c-remove" ] && [ "$(ours)" -le "$KEPT" ] && echo yes)"

done_testing
