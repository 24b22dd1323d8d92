#!/bin/sh
# The guest's mount table (/proc/<pid>/mountinfo and /proc/<pid>/mounts)
# is the view's own: every row is checked against what the kernel shows for
# the gofer's mount namespace, read from the host (/proc/<gofer>/mountinfo:
# the gofer's root is the view's), with volumes (read-only, writable, a
# name with a space) and the policy's tmpfs among the mounts. Devices
# agree with what stat(2) says inside.
. "$(dirname "$0")/lib.sh"

ro=$TMP/ro
rw="$TMP/rw dir"
mkdir -p "$ro" "$rw"
m=47$$
"$RUNSC_C" do --quiet -v "$ro:/data:ro" -v "$rw:/rw dir" -- sh -c '
	cat /proc/self/mountinfo >"/rw dir/mountinfo"
	cat /proc/1/mounts >"/rw dir/mounts"
	python3 -c "
import os
for p in (\"/\", \"/proc\", \"/data\", \"/dev/pts\"):
    d = os.stat(p).st_dev
    print(p, \"%d:%d\" % (os.major(d), os.minor(d)))
" >"/rw dir/devs"
	exec sleep '"$m" </dev/null >"$TMP/out" 2>&1 &
pid=$!
cleanup_later "$pid"
if ! wait_until 30 pgrep -f "^sleep $m\$" >/dev/null; then
	not_ok "the sandbox starts" "$(cat "$TMP/out")"
	done_testing
	exit $?
fi
gofer=$(pgrep -P "$pid" -x runsc-c-gofer)
kernel=$(cat "/proc/$gofer/mountinfo" 2>&1)
kill -9 "$pid" 2>/dev/null
guest=$(cat "$rw/mountinfo")

# id parent dev root mount-point options type source super-options, the
# way the gofer hands them over: a volume's root is "/", an overlay's
# options name no host path (left out of the comparison here).
rows() {
	awk '{
		sep = 0
		for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
		root = ($5 == "/data" || $5 == "/rw\\040dir") ? "/" : $4
		sup = $(sep + 1) == "overlay" ? "-" : $(sep + 3)
		# /sys: the overlay the gofer made, shown as the sysfs it stands for
		if ($5 == "/sys") print $1, $2, $3, root, $5, $6
		else if ($5 != "/proc" && $5 !~ "^/proc/") print $1, $2, $3, root, $5, $6, $(sep + 1), $(sep + 2), sup
	}' | sort
}
check "every row but /proc is the kernel's row of the gofer's mount namespace" \
	"$(printf '%s\n' "$kernel" | rows)" "$(printf '%s\n' "$guest" | rows)"
check "the view's root is the first row" "/" "$(printf '%s\n' "$guest" | awk 'NR == 1 { print $5 }')"
check_contains "/data: read-only" " / /data ro,nosuid,nodev," "$guest"
check_contains "/rw dir: writable, its name escaped" " / /rw\\040dir rw,nosuid,nodev," "$guest"
check_contains "the policy's tmpfs /root" " /root rw,nosuid,nodev,relatime - tmpfs " "$guest"
check_contains "/sys is the sandbox's sysfs, read-only" " /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs rw" "$guest"
check "under the kernel's table, /sys is the overlay the gofer made" "overlay sysfs" \
	"$(printf '%s\n' "$kernel" | awk '$5 == "/sys" { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1), $(i + 2); exit } }')"
check_lacks "no host path of the gofer's staging space" "upperdir" "$guest"
check_lacks "no host path of /sys's layers" "lowerdir" "$guest"
# A row's device is what stat says of its mount point.
while read -r path dev; do
	row=$(printf '%s\n' "$guest" | awk -v p="$path" '$5 == p { print $3 }' | tail -n 1)
	check "$path: mountinfo's device is stat's ($dev)" "$dev" "$row"
done <"$rw/devs"
check "/proc is the sentry's procfs" "proc proc rw" \
	"$(printf '%s\n' "$guest" | awk '$5 == "/proc" { print $(NF - 2), $(NF - 1), $NF }')"
# Ids: each unique, each parent a row (the root's is outside the view).
check "mount ids are unique" "" "$(printf '%s\n' "$guest" | awk '{ print $1 }' | sort | uniq -d)"
check "every parent but the root's is a row" "" "$(printf '%s\n' "$guest" | awk '
	{ id[$1] = 1; parent[NR] = $2 }
	END { for (i = 2; i <= NR; i++) if (!(parent[i] in id)) print parent[i] }')"
# /proc/<pid>/mounts: the same mounts, in the same order.
check "mounts lists the mount points of mountinfo, in order" \
	"$(printf '%s\n' "$guest" | awk '{ print $5 }')" "$(awk '{ print $2 }' "$rw/mounts")"
check_contains "mounts: the read-only volume" "/dev/vda /data ext4 ro,nosuid,nodev," \
	"$(sed 's|^[^ ]* /data|/dev/vda /data|' "$rw/mounts")"
done_testing
