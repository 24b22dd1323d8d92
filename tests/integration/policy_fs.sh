#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `runsc-c do --policy`: the gofer enforces the filesystem rules on the path
# each request resolves to inside the view, whatever name reached it
# (symlinks, "..", a dirfd, /proc/self/fd/N); hidden globs are absent; the
# shipped `default` reproduces the built-in view and `strict` keeps all but
# /tmp read-only; a bad policy stops everything before anything starts.
. "$(dirname "$0")/lib.sh"

vol=$TMP/data
mkdir -p "$vol/private" "$vol/sub"
echo hello >"$vol/x"
echo secret >"$vol/private/y"
# Files of the root file system itself (not of a volume), made here: a
# host's /usr/share/doc may be empty (minimal images exclude it from dpkg).
# Not under /tmp, where the gofer mounts its scratch space.
doc=$(mktemp -d /var/tmp/runsc-c-test.XXXXXX) || exit 1
cleanup_dir_later "$doc"
mkdir -p "$doc/pkg-a" "$doc/pkg-b"
echo 'Copyright: the runsc-c tests' >"$doc/pkg-a/copyright"
echo 'Copyright: the runsc-c tests' >"$doc/pkg-b/copyright"
pol=$TMP/data-policy.yaml
cat >"$pol" <<YAML
apiVersion: runsc-c/v1
kind: Policy
extends: default
filesystem:
  - path: /data/**
    access: read
  - path: /data/private/**
    access: none
hidden:
  - $doc/*
YAML

# ---- read, none and the names that lead there ----
out=$(runsc --policy "$pol" -v "$vol:/data" -- cat /data/x 2>&1)
check "read rule: /data/x can be read" "hello" "$out"
out=$(runsc --policy "$pol" -v "$vol:/data" -- sh -c 'echo w >>/data/x' 2>&1)
check_contains "read rule: appending to /data/x is EACCES" "Permission denied" "$out"
check "read rule: the host file is unchanged" "hello" "$(cat "$vol/x")"
out=$(runsc --policy "$pol" -v "$vol:/data" -- cat /data/private/y 2>&1)
check "none rule: /data/private/y is EACCES" "cat: /data/private/y: Permission denied" "$out"
# The guest's scratch names are in a directory of its own (mktemp): the host's
# /tmp, which the guest sees, may hold anything.
out=$(runsc --policy "$pol" -v "$vol:/data" -- sh -c 'd=$(mktemp -d) && ln -s /data/private/y "$d/l" && cat "$d/l" 2>&1 | sed "s|$d|/tmp/D|"' 2>&1)
check "a symlink /tmp/D/l -> /data/private/y is EACCES" "cat: /tmp/D/l: Permission denied" "$out"
out=$(runsc --policy "$pol" -v "$vol:/data" -- sh -c 'cd /data/sub && cat ../private/y; cat /data/sub/../private/./y; cat /tmp/../data/private/y' 2>&1)
check ".. tricks reach the none rule" "cat: ../private/y: Permission denied
cat: /data/sub/../private/./y: Permission denied
cat: /tmp/../data/private/y: Permission denied" "$out"
ln -s y "$vol/private/lnk"
out=$(runsc --policy "$pol" -v "$vol:/data" -- python3 -c '
import os
for _ in range(3):
    try:
        print(os.readlink("/data/private/lnk"))
    except PermissionError:
        print("refused")' 2>&1)
check "readlink of a link under a none rule is EACCES, every time" "refused
refused
refused" "$out"
out=$(runsc --policy "$pol" -v "$vol:/data" -- ls /data/private 2>&1)
check_contains "none rule: listing /data/private is EACCES" "Permission denied" "$out"
out=$(runsc --policy "$pol" -v "$vol:/data" -- sh -c 'ls /data; stat -c %s /data/private/y' 2>&1)
check "none rule: the path is visible (listed, stat works)" "private
sub
x
7" "$out"

out=$(runsc --policy "$pol" -v "$vol:/data" -- python3 -c '
import errno, os, tempfile
w = tempfile.mkdtemp()
def t(name, f):
    try:
        f()
        print(name, "ok")
    except OSError as e:
        print(name, errno.errorcode[e.errno])
d = os.open("/data", os.O_RDONLY | os.O_DIRECTORY)
t("openat read", lambda: os.close(os.open("x", os.O_RDONLY, dir_fd=d)))
t("openat write", lambda: os.open("x", os.O_WRONLY, dir_fd=d))
t("openat trunc", lambda: os.open("x", os.O_RDONLY | os.O_TRUNC, dir_fd=d))
t("openat none", lambda: os.open("private/y", os.O_RDONLY, dir_fd=d))
t("openat dotdot", lambda: os.open("sub/../private/y", os.O_RDONLY, dir_fd=d))
t("create", lambda: os.open("/data/new", os.O_WRONLY | os.O_CREAT, 0o644))
t("mkdir", lambda: os.mkdir("/data/nd"))
t("chmod", lambda: os.chmod("/data/x", 0o600))
t("utime", lambda: os.utime("/data/x"))
t("truncate", lambda: os.truncate("/data/x", 0))
t("unlink", lambda: os.unlink("/data/x"))
t("symlink in data", lambda: os.symlink("x", "/data/l"))
t("hard link out", lambda: os.link("/data/x", w + "/hl"))
t("hard link private out", lambda: os.link("/data/private/y", w + "/hl"))
t("rename out", lambda: os.rename("/data/x", w + "/mv"))
t("rename in", lambda: (open(w + "/f", "w").close(), os.rename(w + "/f", "/data/f")))
fd = os.open("/data/x", os.O_RDONLY)
t("reopen fd for writing", lambda: os.open("/proc/self/fd/%d" % fd, os.O_WRONLY))
t("reopen fd for reading", lambda: os.close(os.open("/proc/self/fd/%d" % fd, os.O_RDONLY)))
t("access W_OK", lambda: os.access("/data/x", os.W_OK) or (_ for _ in ()).throw(OSError(errno.EACCES, "")))
t("write in /tmp", lambda: open(w + "/ok", "w").write("x"))
t("rename dir in /tmp", lambda: (os.mkdir(w + "/d1"), os.rename(w + "/d1", w + "/d2")))
' 2>&1)
check "every way to the objects meets their rule" "openat read ok
openat write EACCES
openat trunc EACCES
openat none EACCES
openat dotdot EACCES
create EACCES
mkdir EACCES
chmod EACCES
utime EACCES
truncate EACCES
unlink EACCES
symlink in data EACCES
hard link out EACCES
hard link private out EACCES
rename out EACCES
rename in EACCES
reopen fd for writing EACCES
reopen fd for reading ok
access W_OK EACCES
write in /tmp ok
rename dir in /tmp ok" "$out"
check "the volume is unchanged on the host" "hello
private sub x" "$(cat "$vol/x"; ls "$vol" | tr '\n' ' ' | sed 's/ $//')"

# O_PATH needs only to see a file (a none rule lets it open): through the
# O_PATH fd nothing reads or executes what the rule refuses.
cp /bin/true "$vol/private/prog"
out=$(runsc --policy "$pol" -v "$vol:/data" -- python3 -c '
import errno, os, sys
def t(name, f):
    try:
        f()
        print(name, "ok")
    except OSError as e:
        print(name, errno.errorcode[e.errno])
    sys.stdout.flush()
fd = os.open("/data/private/prog", os.O_PATH)
t("fstat", lambda: os.fstat(fd))
t("reopen for reading", lambda: os.open("/proc/self/fd/%d" % fd, os.O_RDONLY))
d = os.open("/data/private", os.O_PATH | os.O_DIRECTORY)
t("openat relative to it", lambda: os.open("y", os.O_RDONLY, dir_fd=d))
t("exec by path", lambda: os.execv("/data/private/prog", ["prog"]))
t("fexecve", lambda: os.execve(fd, ["prog"], {}))
t("exec of /proc/self/fd/N", lambda: os.execv("/proc/self/fd/%d" % fd, ["prog"]))
' 2>&1)
check "none rule: an O_PATH fd opens, and reads or executes nothing" "fstat ok
reopen for reading EACCES
openat relative to it EACCES
exec by path EACCES
fexecve EACCES
exec of /proc/self/fd/N EACCES" "$out"
rm -f "$vol/private/prog"

# A directory renamed would carry its none subtree to a laxer name.
wpol=$TMP/work-policy.yaml
w=$TMP/w
cat >"$wpol" <<YAML
apiVersion: runsc-c/v1
kind: Policy
extends: default
filesystem:
  - path: $w/**
    access: write
  - path: $w/locked/*
    access: none
YAML
out=$(runsc --policy "$wpol" -- sh -c 'mkdir -p "$1/locked" "$1/a"; mv "$1/locked" "$1/open" 2>&1 | sed "s/.*: //"; mv "$1/a" "$1/b" && echo plain-dir-ok' sh "$w" 2>&1)
check "renaming a directory with a stricter rule below is refused" "Permission denied
plain-dir-ok" "$out"

# ---- hidden globs ----
out=$(runsc --policy "$pol" -- sh -c 'ls -A "$1" | wc -l; ls -d "$1"' sh "$doc" 2>&1)
check "hidden $doc/*: nothing listed, the directory stays" "0
$doc" "$out"
out=$(runsc --policy "$pol" -- sh -c 'cat "$1/pkg-a/copyright"; mkdir "$1/new"' sh "$doc" 2>&1)
check_contains "hidden: a matching path is ENOENT" "No such file or directory" "$out"
check_lacks "hidden: nothing of it is read" "Copyright" "$out"

# ---- --policy default is the built-in view ----
out=$(runsc --policy default -- ls -a /etc 2>&1)
hidden=$(printf '%s\n' "$out" | grep -xE 'shadow-?|gshadow-?|sudoers(\..*)?|sudoers\.d' | tr '\n' ' ')
check "default: ls /etc lists no shadow, gshadow or sudoers" "" "$hidden"
check_contains "default: ls /etc still lists passwd" "passwd" "$out"
out=$(runsc --policy default -- cat /etc/shadow 2>&1)
check "default: cat /etc/shadow: No such file or directory" \
	"cat: /etc/shadow: No such file or directory" "$out"
out=$(runsc --policy default -- sh -c 'for f in /etc/shadow- /etc/gshadow /etc/gshadow- /etc/sudoers /etc/sudoers.d; do
	[ -e "$f" ] && echo "$f is visible"; done; ls /etc/ssh 2>/dev/null | grep "^ssh_host_.*_key$"; true' 2>&1)
check "default: shadow-, gshadow, sudoers and ssh host keys are absent" "" "$out"
out=$(runsc --policy default -- ls -A /root /home /run 2>&1)
check "default: /root, /home and /run are empty" "/home:

/root:

/run:" "$out"
tag=policy-fs-$$
out=$(runsc --policy default -- sh -c "echo a >/etc/$tag && echo b >/tmp/$tag && echo c >/usr/$tag && cat /etc/$tag /tmp/$tag /usr/$tag" 2>&1)
check "default: writes to /etc, /tmp and /usr succeed inside" "a
b
c" "$out"
check "default: nothing reaches the host" "" "$(ls /etc/$tag /usr/$tag 2>/dev/null)"
out=$(runsc --policy default -- sh -c 'echo "$HOME"; echo note >"$HOME/.note" && cat "$HOME/.note"' 2>&1)
check "default: HOME=/root is writable" "/root
note" "$out"

# ---- strict ----
out=$(runsc --policy strict -- sh -c 'echo x >/etc/x' 2>&1)
check_contains "strict: writing /etc/x is EACCES" "Permission denied" "$out"
out=$(runsc --policy strict -- sh -c 'd=$(mktemp -d) && echo x >"$d/x" && cat "$d/x" && echo y >/dev/null && cat /etc/passwd >/dev/null && echo read-ok' 2>&1)
check "strict: /tmp is writable, the rest readable" "x
read-ok" "$out"

# ---- a bad policy: one line, exit 2, nothing started ----
bad=$TMP/bad.yaml
printf 'apiVersion: runsc-c/v1\nkind: Policy\nfilesystem:\n  - path: /data/**\n    access: rw\n' >"$bad"
out=$(runsc --policy "$bad" -- sh -c 'echo started' 2>&1)
rc=$?
check_rc "bad policy: exit 2" 2 "$rc" "$out"
check "bad policy: one FILE:LINE:COLUMN line" "1 $bad:5:13" \
	"$(printf '%s\n' "$out" | wc -l) $(printf '%s\n' "$out" | cut -d: -f1-3)"
check_lacks "bad policy: the command did not run" "started" "$out"
out=$(runsc --policy no-such-profile -- true 2>&1)
check_rc "unknown profile name: exit 2" 2 "$?" "$out"

# ---- files of the root file system itself (an overlay: its files carry
# their lower layer's st_dev, not the view's) ----
rootpol="$TMP/root-none.yaml"
printf '%s\n' 'apiVersion: runsc-c/v1' 'kind: Policy' 'name: root-none' 'filesystem:' \
	'  - path: /**' '    access: read' "  - path: $doc/**" '    access: none' >"$rootpol"
out=$(runsc --policy "$rootpol" -- python3 -c '
import os, sys
for p in (sys.argv[1] + "/pkg-a/copyright", sys.argv[1] + "/pkg-a"):
    try:
        os.close(os.open(p, os.O_RDONLY)); print("open", p)
    except PermissionError:
        print("refused", p)
print(len(open("/etc/os-release").read()) > 0)' "$doc" 2>&1)
check "rootfs: none on an overlay file and directory refuses the open; read elsewhere works" \
	"refused $doc/pkg-a/copyright
refused $doc/pkg-a
True" "$out"

etcpol="$TMP/etc-none.yaml"
printf '%s\n' 'apiVersion: runsc-c/v1' 'kind: Policy' 'name: etc-none' 'filesystem:' \
	'  - path: /**' '    access: read' '  - path: /etc/**' '    access: none' >"$etcpol"
out=$(runsc --policy "$etcpol" -- python3 -c '
import os
for _ in range(2):
    try:
        print(os.readlink("/etc/os-release"))
    except PermissionError:
        print("refused")' 2>&1)
check "rootfs: readlink of /etc/os-release under /etc/** none is EACCES" "refused
refused" "$out"

# ---- every refusal of a path call is audited, not only opens ----
auditf="$TMP/audit.jsonl"
runsc --policy "$rootpol" --audit "$auditf" -- mkdir "$doc/newdir" >/dev/null 2>&1
out=$(python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print([(r["syscall"], r["object"], r["access"], r["decision"], r["rule"].endswith(":7"))
       for r in recs if r["syscall"] == "mkdir"])' "$auditf" 2>&1)
check "a refused mkdir writes one audit record naming its rule" \
	"[('mkdir', '$doc/newdir', 'write', 'deny', True)]" "$out"

# ---- without --policy: no YAML on the way ----
if command -v strace >/dev/null 2>&1; then
	out=$(strace -f -e trace=openat "$RUNSC_C" do --quiet -- true 2>&1 </dev/null | grep -c '\.yaml' || true)
	check "do without --policy opens no policy file" "0" "$out"
else
	skip "do without --policy opens no policy file" "no strace"
fi

done_testing
