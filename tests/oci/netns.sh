#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# config.json's linux.namespaces (docs/oci.md): a network namespace given
# by path is the container's network, as containerd's CNI and podman hand
# it over. The test makes a namespace with an address of its own on its
# loopback (no other link type is sure to exist in every kernel), and a
# listener inside it; the container must see that
# interface (differential: the same as under crun), reach the listener
# through the sentry's connect, keep it in processes started with exec,
# and be unable to change it (its root has no capability over a namespace
# of the host's user namespace). Without a path the container's network is
# its own loopback. Bad values are one error naming the field, nothing
# left.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"

. "$here/bundle.sh"

NS=runsc-c-test-$$
ADDR=192.0.2.77
if ! command -v ip >/dev/null 2>&1 || ! ip netns add "$NS" 2>/dev/null; then
	skip "network namespace by path" "cannot make a network namespace here (ip netns add)"
	done_testing
	exit $?
fi
trap 'cleanup_monitors; cleanup_hooks; ip netns delete "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
ip -n "$NS" link set lo up &&
	ip -n "$NS" addr add "$ADDR/32" dev lo || {
	not_ok "the test's network namespace is set up"
	done_testing
	exit 1
}

mkdir -p "$TMP/spec"
oci spec --bundle "$TMP/spec"

# conf DIR COMMAND [PYTHON]: the default config, running COMMAND with sh,
# its network namespace the test's.
conf() {
	cfg "$1" "import os
d['process']['args'] = ['sh', '-c', '''$2''']
ns = [n for n in d['linux']['namespaces'] if n['type'] != 'network']
d['linux']['namespaces'] = ns + [{'type': 'network', 'path': '/run/netns/$NS'}]
${3:-}"
}

# A listener in the namespace, answering one connection.
ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 7777))
s.listen(4)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    c.sendall(b"hello from the namespace\n")
    c.close()
' "$ADDR" "$TMP/listening" >/dev/null 2>&1 &
cleanup_later $!
wait_until 10 test -e "$TMP/listening" || not_ok "the listener in the namespace starts"

PROBE='ip -o addr show | sed "s/ *valid_lft.*//"; grep -c lo: /proc/net/dev'
conf "$TMP/b" "$PROBE"
oci run --bundle "$TMP/b" n1 >"$TMP/runsc.out" 2>&1
check_rc "run: a container in a network namespace given by path" 0 "$?" \
	"$(tail -5 "$TMP/runsc.out")"
check_contains "its addresses are the namespace's" "inet $ADDR/32 scope global lo" \
	"$(tr -s ' ' <"$TMP/runsc.out")"

# crun, the reference: the same bundle, the same namespace.
CRUN=$(command -v crun)
if [ -z "$CRUN" ]; then
	skip "same interfaces as under crun" "crun is not installed"
else
	cp -a "$ROOTFS" "$TMP/rootfs-crun"
	conf "$TMP/c" "$PROBE" "d['root']['path'] = '$TMP/rootfs-crun'"
	crun_run "$TMP/c" c1 >"$TMP/crun.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		skip "same interfaces as under crun" "crun cannot run here (exit $rc: $(tail -1 "$TMP/crun.out"))"
	else
		check "same interfaces as under crun" "$(cat "$TMP/crun.out")" "$(cat "$TMP/runsc.out")"
	fi
fi

conf "$TMP/b" "nc $ADDR 7777"
check "connect reaches a listener of the namespace" "hello from the namespace" \
	"$(oci run --bundle "$TMP/b" n2 2>&1)"

# The guest's root has no capability over the namespace.
conf "$TMP/b" "ip link set lo down 2>&1; ip addr add 192.0.2.99/32 dev lo 2>&1; ip link add x0 type veth peer name x1 2>&1; true"
out=$(oci run --bundle "$TMP/b" n3 2>&1)
check_contains "the guest cannot bring the namespace's interface down" \
	"Operation not permitted" "$out"
check "... which stays up, with its addresses, and no interface added" \
	"UP 127.0.0.1/8 $ADDR/32 none" \
	"$(ip -n "$NS" -o link show lo | grep -q ',UP' && echo UP) $(ip -n "$NS" -o -4 addr show dev lo | awk '{print $4}' | tr '\n' ' ' | sed 's/ $//') $(ip -n "$NS" link show x0 >/dev/null 2>&1 && echo x0 || echo none)"

# Ports below the joined namespace's net.ipv4.ip_unprivileged_port_start
# take CAP_NET_BIND_SERVICE, which the program here lacks: with the
# namespace's value at 80, port 81 binds and port 79 does not, as under
# crun (the sandbox's own namespaces keep Linux's default, 1024).
ip netns exec "$NS" sh -c 'echo 80 >/proc/sys/net/ipv4/ip_unprivileged_port_start'
BINDS='for port in 79 81; do
	nc -l -p $port 2>&1 &
	p=$!
	hex=$(printf %04X $port)
	i=0
	while [ $i -lt 100 ]; do
		if grep -q ":$hex 0*:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			echo "$port bound"; kill $p; break
		fi
		kill -0 $p 2>/dev/null || { wait $p; echo "$port not bound"; break; }
		sleep 0.1
		i=$((i + 1))
	done
done'
NOBIND="for k in ('bounding', 'effective', 'permitted', 'inheritable', 'ambient'):
    d['process']['capabilities'][k] = [x for x in d['process']['capabilities'].get(k, []) if x != 'CAP_NET_BIND_SERVICE']"
conf "$TMP/b" "$BINDS" "$NOBIND"
out=$(oci run --bundle "$TMP/b" n6 2>&1)
check "the joined namespace's unprivileged port start decides which ports need CAP_NET_BIND_SERVICE" \
	"nc: bind: Permission denied
79 not bound
81 bound" "$out"
if [ -n "$CRUN" ]; then
	conf "$TMP/c" "$BINDS" "d['root']['path'] = '$TMP/rootfs-crun'
$NOBIND"
	crun_run "$TMP/c" c2 >"$TMP/crun2.out" 2>&1
	check "... as under crun" "$(cat "$TMP/crun2.out")" "$out"
fi

# exec'd processes are in the same namespace.
conf "$TMP/b" "sleep 60"
oci create --bundle "$TMP/b" n4 >/dev/null 2>&1 && oci start n4 >/dev/null 2>&1
check "exec: a process started in the container is in the namespace" "hello from the namespace" \
	"$(oci exec n4 nc "$ADDR" 7777 2>&1)"
oci kill n4 KILL >/dev/null 2>&1
wait_until 10 sh -c "! '$RUNSC_C' --root '$ROOT' state n4 2>/dev/null | grep -q running"
oci delete --force n4 >/dev/null 2>&1

# Without a path the container has its own network: loopback alone.
cfg "$TMP/own" "d['process']['args'] = ['sh', '-c', 'ip -o link show | cut -d: -f2']"
check "without a path: the container's own namespace, loopback alone" " lo" \
	"$(oci run --bundle "$TMP/own" n5 2>&1)"

# ---- bad values: one error naming the field, nothing left ----
bad() {
	cfg "$TMP/bad" "d['process']['args'] = ['true']
$1"
	out=$(oci run --bundle "$TMP/bad" nb 2>&1)
	rc=$?
	check_rc "bad value ($2): exit 1" 1 "$rc"
	check_contains "bad value ($2): the error names it" "$2" "$out"
	check "bad value ($2): no state left" "" "$(ls -A "$ROOT")"
}
bad "d['linux']['namespaces'] = {'type': 'network'}" "linux.namespaces: expected an array"
bad "d['linux']['namespaces'] = [{'type': 'net'}]" \
	"linux.namespaces[0].type: unknown namespace type 'net'"
bad "d['linux']['namespaces'] = [{'type': 'pid'}, {'type': 'pid'}]" \
	"linux.namespaces[1].type: 'pid' is named twice"
bad "d['linux']['namespaces'] = [{'type': 'network', 'path': 'run/netns/$NS'}]" \
	"linux.namespaces[0].path: 'run/netns/$NS' is not an absolute path"
bad "d['linux']['namespaces'] = [{'type': 'network', 'path': '/nonexistent'}]" \
	"linux.namespaces[0].path: '/nonexistent': No such file or directory"
bad "d['linux']['namespaces'] = [{'type': 'network', 'path': '/proc/self/ns/pid'}]" \
	"linux.namespaces[0].path: '/proc/self/ns/pid' is not a network namespace"
bad "d['linux']['namespaces'] = [{'type': 'network', 'path': '/etc/passwd'}]" \
	"linux.namespaces[0].path: '/etc/passwd' is not a network namespace"
bad "d['linux']['namespaces'] = [{'type': 'pid', 'path': '/proc/1/ns/pid'}]" \
	"linux.namespaces[0].path: joining a pid namespace is not supported"

done_testing
