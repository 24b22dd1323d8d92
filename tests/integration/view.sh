#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The guest's view: a private writable layer over the read-only host, volumes,
# hidden secrets, empty /root /home /run, identity and environment.
. "$(dirname "$0")/lib.sh"

tag=runsc-c-view-$$

# ---- writes inside never reach the host ----
# (/etc/passwd is on every host, /etc/hostname not in every image; whether
# the deleted file is gone is asked without ls, whose message varies.)
passwd_sum=$(sha256sum /etc/passwd)
out=$(runsc -- sh -c "echo in-etc >/etc/$tag && echo in-tmp >/tmp/$tag && echo in-root >/$tag &&
	echo appended >>/etc/passwd && mkdir /usr/$tag && rm -f /etc/issue.net &&
	cat /etc/$tag /tmp/$tag /$tag && tail -n1 /etc/passwd && ls -d /usr/$tag &&
	if [ -e /etc/issue.net ]; then echo issue.net is still there; else echo issue.net is gone; fi" 2>&1)
check "writes to /etc, /tmp, / and /usr succeed inside" \
	"in-etc
in-tmp
in-root
appended
/usr/$tag
issue.net is gone" "$out"
leaked=""
for f in /etc/$tag /tmp/$tag /$tag /usr/$tag; do [ -e "$f" ] && leaked="$leaked $f"; done
check "files written inside do not exist on the host" "" "$leaked"
check "a file changed inside is unchanged on the host" "$passwd_sum" "$(sha256sum /etc/passwd)"
if [ -e /etc/issue.net ]; then ok "a file deleted inside still exists on the host"; else
	skip "a file deleted inside still exists on the host" "no /etc/issue.net here"; fi
out=$(runsc -- sh -c "ls /etc/$tag /tmp/$tag 2>&1 | wc -l")
check "writes are gone in the next sandbox" "2" "$out"

# ---- volumes ----
vol=$TMP/vol
mkdir -m 0777 "$vol"
echo from-host >"$vol/host-file"
out=$(runsc -v "$vol:/data" -- sh -c 'cat /data/host-file; echo from-guest >/data/guest-file; mkdir /data/dir; echo nested >/data/dir/f' 2>&1)
check "-v DIR:/data shows the host's files" "from-host" "$out"
check "-v DIR:/data writes land in DIR" "from-guest" "$(cat "$vol/guest-file" 2>&1)"
check "-v DIR:/data: a nested write lands in DIR" "nested" "$(cat "$vol/dir/f" 2>&1)"
check "a file created by the guest's root belongs to root on the host" "0:0" \
	"$(stat -c %u:%g "$vol/guest-file" 2>&1)"
out=$(runsc --user 1000:1000 -v "$vol:/data" -- sh -c 'echo by-1000 >/data/user-file && id -u' 2>&1)
check "--user 1000:1000 writes to a volume" "1000" "$out"
check "--user 1000:1000: the new file belongs to 1000:1000 on the host" "1000:1000" \
	"$(stat -c %u:%g "$vol/user-file" 2>&1)"
out=$(runsc -v "$vol:/data" -- sh -c 'rm /data/host-file && mv /data/guest-file /data/moved' 2>&1)
if [ ! -e "$vol/host-file" ] && [ -e "$vol/moved" ] && [ ! -e "$vol/guest-file" ]; then
	ok "-v DIR:/data: unlink and rename act on DIR"
else
	not_ok "-v DIR:/data: unlink and rename act on DIR" "$out" "$(ls -la "$vol")"
fi
ro=$TMP/ro
mkdir "$ro"
echo readonly >"$ro/file"
out=$(runsc -v "$ro:/data:ro" -- python3 -c 'open("/data/new", "w")' 2>&1)
check_contains "-v DIR:/data:ro refuses to create a file with EROFS" "OSError: [Errno 30] Read-only file system" "$out"
out=$(runsc -v "$ro:/data:ro" -- python3 -c 'open("/data/file", "a").write("x")' 2>&1)
check_contains "-v DIR:/data:ro refuses to append with EROFS" "[Errno 30]" "$out"
out=$(runsc -v "$ro:/data:ro" -- python3 -c 'import os; os.unlink("/data/file")' 2>&1)
check_contains "-v DIR:/data:ro refuses unlink with EROFS" "[Errno 30]" "$out"
out=$(runsc -v "$ro:/data:ro" -- python3 -c 'import os; os.mkdir("/data/d")' 2>&1)
check_contains "-v DIR:/data:ro refuses mkdir with EROFS" "[Errno 30]" "$out"
out=$(runsc -v "$ro:/data:ro" -- cat /data/file 2>&1)
check "-v DIR:/data:ro can be read" "readonly" "$out"
check "-v DIR:/data:ro: the host directory is unchanged" "file" "$(ls "$ro")"

# A volume of a directory the view itself uses (the host's /tmp, with this
# test's directory in it) shows the host's directory, nothing of runsc-c's.
out=$(runsc -v "/tmp:/hosttmp:ro" -- ls "/hosttmp/$(basename "$TMP")" 2>&1)
check "-v /tmp:/hosttmp:ro shows the host's /tmp" "$(ls "$TMP")" "$out"
out=$(runsc -v "$vol:/tmp" -- sh -c 'echo via-tmp >/tmp/at-tmp && cat /tmp/moved >/dev/null && echo ok' 2>&1)
check "-v DIR:/tmp works and writes land in DIR" "ok via-tmp" "$out $(cat "$vol/at-tmp" 2>&1)"

# ---- hidden secrets ----
out=$(runsc -- ls -a /etc 2>&1)
hidden=$(printf '%s\n' "$out" | grep -xE 'shadow-?|gshadow-?|sudoers(\..*)?|sudoers\.d' | tr '\n' ' ')
check "ls /etc lists no shadow, gshadow or sudoers" "" "$hidden"
check_contains "ls /etc still lists passwd" "passwd" "$out"
out=$(runsc -- cat /etc/shadow 2>&1)
check "cat /etc/shadow: No such file or directory" \
	"cat: /etc/shadow: No such file or directory" "$out"
out=$(runsc -- sh -c 'for f in /etc/shadow- /etc/gshadow /etc/gshadow- /etc/sudoers /etc/sudoers.d; do
	[ -e "$f" ] && echo "$f is visible"; done; ls /etc/ssh 2>/dev/null | grep "^ssh_host_.*_key$"; true' 2>&1)
check "shadow-, gshadow, sudoers and ssh host keys are absent" "" "$out"
out=$(runsc -- ls -A /root /home /run 2>&1)
check "/root, /home and /run are empty" "/home:

/root:

/run:" "$out"
if [ -e /var/run ]; then
	out=$(runsc -- ls -A /var/run/ 2>&1)
	check "/var/run is empty" "" "$out"
fi
out=$(runsc -- sh -c 'echo "$HOME"; echo note >"$HOME/.note" && cat "$HOME/.note"; mkdir -p "$HOME/.cache/pip" && echo cache-ok' 2>&1)
check "HOME=/root is writable" "/root
note
cache-ok" "$out"

# ---- /proc, /sys and /dev are the sandbox's own ----
out=$(runsc -- ls /dev 2>&1 | tr '\n' ' ')
missing=""
for d in null zero full random urandom tty ptmx pts fd stdin stdout stderr shm; do
	case " $out " in *" $d "*) ;; *) missing="$missing $d" ;; esac
done
check "/dev holds null zero full random urandom tty ptmx pts fd stdin stdout stderr shm" "" "$missing"
check_lacks "/dev holds no host disk" "sda" "$out"
out=$(runsc -- sh -c 'for f in /proc/kcore /proc/sysrq-trigger /proc/kallsyms \
	/sys/firmware/efi /sys/module/kvm /sys/class/net /sys/block/vda /sys/kernel/debug \
	/sys/kernel/security /sys/fs/cgroup/memory /dev/mem /dev/kmsg /dev/vda /dev/sda; do
	[ -e "$f" ] && echo "$f"; done; true' 2>&1)
check "host-only files of /proc, /sys and /dev are absent" "" "$out"
check "/sys's firmware, module, class and block directories are empty" "" \
	"$(runsc -- find /sys/firmware /sys/module /sys/class /sys/block -mindepth 1 2>&1)"
# The guest's core_pattern is its own (the kernel's default), never the
# host's, which may name a host path or a host program.
check "/proc/sys/kernel/core_pattern is the sandbox's own" "core" \
	"$(runsc -- cat /proc/sys/kernel/core_pattern 2>&1)"
out=$(runsc -- cat /proc/self/mountinfo 2>&1)
check_lacks "the guest's mount table does not show the host's cgroups" "cgroup" "$out"
check "/dev/shm is writable" "shm-ok" "$(runsc -- sh -c 'echo shm-ok >/dev/shm/x && cat /dev/shm/x' 2>&1)"

# ---- cwd and rootfs ----
check "--cwd /usr: pwd prints /usr" "/usr" "$(runsc --cwd /usr -- pwd 2>&1)"
check "--cwd /usr: relative paths resolve there" "/usr/share" "$(runsc --cwd /usr -- sh -c 'cd share && pwd -P' 2>&1)"
check "the default cwd is /" "/" "$(runsc -- pwd 2>&1)"
bb=$(command -v busybox)
root=$TMP/rootfs
mkdir -p "$root/bin"
if [ -n "$bb" ] && ldd "$bb" 2>&1 | grep -qE 'not a dynamic|statically linked'; then
	cp "$bb" "$root/bin/busybox"
	for t in sh ls cat echo; do ln -s busybox "$root/bin/$t"; done
	out=$(runsc --rootfs "$root" -- /bin/sh -c 'ls /bin' 2>&1)
	check "--rootfs with a busybox rootfs runs sh -c 'ls /bin'" "busybox
cat
echo
ls
sh" "$out"
	out=$(runsc --rootfs "$root" -- /bin/sh -c 'echo x >/bin/new && cat /bin/new; ls /usr 2>&1' 2>&1)
	check "--rootfs: the host's / is not visible, writes stay inside" "x
ls: /usr: No such file or directory" "$out"
	check "--rootfs: writes do not reach the rootfs directory" "" "$(ls "$root/bin" | grep new)"
else
	skip "--rootfs with a busybox rootfs runs sh -c 'ls /bin'" "no static busybox"
	skip "--rootfs: the host's / is not visible, writes stay inside" "no static busybox"
	skip "--rootfs: writes do not reach the rootfs directory" "no static busybox"
fi

# ---- environment ----
out=$(SECRET_API_KEY=x OPENAI_API_KEY=y runsc -- env 2>&1 | cut -d= -f1 | sort | tr '\n' ' ')
check "only PATH, HOME, TERM and LANG are set" "HOME LANG PATH TERM " "$out"
out=$(SECRET_API_KEY=x runsc -e FOO=bar -e 'WITH_SPACE=a b' -- env 2>&1)
check_lacks "a variable of the caller does not leak in" "SECRET_API_KEY" "$out"
check_contains "-e FOO=bar is set" "FOO=bar" "$out"
check_contains "-e keeps spaces in values" "WITH_SPACE=a b" "$out"
check "-e can override PATH" "/bin" "$(runsc -e PATH=/bin -- /bin/sh -c 'echo $PATH' 2>&1)"

# ---- UTS ----
check "--hostname box: uname -n" "box" "$(runsc --hostname box -- uname -n 2>&1)"
check "--hostname box: hostname" "box" "$(runsc --hostname box -- hostname 2>&1)"
host_name=$(uname -n)
out=$(runsc -- sh -c 'hostname other && uname -n' 2>&1)
check "sethostname inside changes the sandbox's name" "other" "$out"
check "sethostname inside leaves the host's name" "$host_name" "$(uname -n)"

# ---- identity ----
check "--user 1000:1000: id -u" "1000" "$(runsc --user 1000:1000 -- id -u 2>&1)"
check "--user 1000:1000: id -g" "1000" "$(runsc --user 1000:1000 -- id -g 2>&1)"
check "the default user is root" "0 0" "$(runsc -- sh -c 'echo $(id -u) $(id -g)' 2>&1)"
probe='import os
for p in ("/etc/new-file", "/usr/new-file"):
    try:
        open(p, "w")
        print(p, "created")
    except OSError as e:
        print(p, e.errno, e.strerror)
try:
    os.mkdir("/var/lib/new-dir")
except OSError as e:
    print("mkdir", e.errno, e.strerror)
try:
    os.listdir("/etc/ssl/private")
    print("listed private")
except OSError as e:
    print("listdir", e.errno, e.strerror)'
if command -v setpriv >/dev/null; then
	native=$(cd / && guest_env setpriv --reuid 1000 --regid 1000 --clear-groups python3 -c "$probe" 2>&1)
	out=$(runsc --user 1000:1000 -- python3 -c "$probe" 2>&1)
	check "--user 1000:1000: permission errors match Linux's" "$native" "$out"
else
	skip "--user 1000:1000: permission errors match Linux's" "no setpriv"
	out=$(runsc --user 1000:1000 -- python3 -c "$probe" 2>&1)
fi
check_contains "--user 1000:1000: writing to a root-owned dir fails with EACCES" "13 Permission denied" "$out"
check "stat -c %U /etc/passwd is root" "root" "$(runsc -- stat -c %U /etc/passwd 2>&1)"
# Files owned by someone other than root: ownership inside matches the host.
pick=$(find /usr /var /etc /opt -xdev -maxdepth 4 \( -path /var/run -o -path /etc/ssl/private \
	-o -name 'shadow*' -o -name 'gshadow*' -o -name 'sudoers*' -o -path /var/tmp \) -prune \
	-o ! -user root -print 2>/dev/null | head -3)
gpick=$(find /usr /var /etc -xdev -maxdepth 4 \( -path /var/run -o -name 'shadow*' \
	-o -name 'gshadow*' -o -name 'sudoers*' -o -path /var/tmp \) -prune \
	-o ! -group root -print 2>/dev/null | head -3)
if [ -n "$pick$gpick" ]; then
	# shellcheck disable=SC2086
	native=$(stat -c '%n %u %g %U %G %a' $pick $gpick 2>&1)
	# shellcheck disable=SC2086
	out=$(runsc -- stat -c '%n %u %g %U %G %a' $pick $gpick 2>&1)
	check "owners of files not owned by root match the host" "$native" "$out"
else
	skip "owners of files not owned by root match the host" "every file belongs to root:root"
fi
# shellcheck disable=SC2016
out=$(runsc -- sh -c 'ls -ln /usr/bin/passwd /usr/bin/chage /usr/bin/expiry 2>/dev/null | cut -d" " -f1-4' 2>&1)
native=$(ls -ln /usr/bin/passwd /usr/bin/chage /usr/bin/expiry 2>/dev/null | cut -d" " -f1-4)
check "ls -ln of setuid/setgid programs matches the host" "$native" "$out"
# A name of this run's own: the guest sees the host's /tmp, which may hold anything.
out=$(runsc --user 1000:1000 -- sh -c 'touch "$1" && stat -c %u:%g "$1"' sh "/tmp/runsc-c-mine.$$" 2>&1)
check "--user 1000:1000: a new file in /tmp belongs to 1000:1000" "1000:1000" "$out"

done_testing
