#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Published ports (runsc-c do -p, a policy's network.publish): a server in an
# egress sandbox reached from the host. Without -p pasta listens on nothing
# of the host and the guest's server is out of reach; with it, exactly the
# published ports are forwarded: TCP (on every address, or one IPv4 or IPv6
# host address only), UDP, and no UDP twin of a TCP port. Exit codes, with
# either engine: a usage error (a bad value, a host port twice, publishing
# without egress or on a port the policy publishes) is one line naming the
# flag and exit 2; a valid request the host cannot carry out (a taken port,
# an address not the host's, slirp4netns as the route out) is one line
# naming the flag's value or the policy's entry and exit 125. pasta is
# gone, with its ports, after the sandbox ends. Free ports are asked of
# the kernel, never assumed.
. "$(dirname "$0")/lib.sh"

if ! command -v pasta >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1 ||
	! command -v curl >/dev/null 2>&1 || ! command -v ss >/dev/null 2>&1; then
	skip "published ports" "pasta (passt), python3, curl or ss (iproute2) missing"
	done_testing
	exit
fi

mkdir -p "$TMP/t" "$TMP/www"
echo "hello from the sandbox" >"$TMP/www/hello.txt"
cat >"$TMP/t/egress.yaml" <<'EOP'
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
EOP
POL=$TMP/t/egress.yaml
# The guest's servers: HTTP on 8000 (IPv4 and IPv6) and a UDP server on 9000
# that writes what it receives to /t/udp.log, on every address of the
# sandbox's own namespace.
cat >"$TMP/t/serve.py" <<'EOP'
import functools, http.server, socket, threading
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 9000))
    while True:
        data, peer = s.recvfrom(2048)
        with open("/t/udp.log", "a") as f:
            f.write(data.decode(errors="replace") + "\n")
threading.Thread(target=udp, daemon=True).start()
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
try:
    srv = Server(("::", 8000), functools.partial(Quiet, directory="/www"))
except OSError:
    Server.address_family = socket.AF_INET
    Server.server_bind = http.server.ThreadingHTTPServer.server_bind
    srv = Server(("0.0.0.0", 8000), functools.partial(Quiet, directory="/www"))
srv.serve_forever()
EOP

# A port the kernel says is free on every address, for TCP and UDP.
free_port() {
	python3 - <<'EOP'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("0.0.0.0", 0))
    port = t.getsockname()[1]
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("0.0.0.0", port))
        u.close()
    except OSError:
        t.close()
        continue
    t.close()
    print(port)
    break
EOP
}
V6=no
have_ipv6 && python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null && V6=yes

# serve ARGS...: the servers in a sandbox with these -p flags, in the
# background; SPID is runsc-c's pid.
serve() {
	"$RUNSC_C" do --quiet --policy "$POL" -v "$TMP/t:/t" -v "$TMP/www:/www:ro" "$@" -- \
		python3 /t/serve.py </dev/null >"$TMP/serve.log" 2>&1 &
	SPID=$!
	cleanup_later $SPID
}
stop() {
	kill -9 "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
}
pasta_of() {
	i=0
	while [ $i -lt 100 ]; do
		p=$(pgrep -P "$1" -f -- --config-net | head -1)
		[ -n "$p" ] && echo "$p" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# The host sockets pasta listens on or has bound: "tcp 127.0.0.1:PORT" lines.
pasta_sockets() {
	ss -Htulnp 2>/dev/null | grep "pid=$1," | awk '{print $1, $5}' | sort
}
get() { curl -s --max-time 3 "$1" 2>&1; }
# udp_send ADDR PORT TEXT: one datagram from the host.
udp_send() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' "$@"
}

# ---- exit codes: 2 for a usage error (a bad value, a host port twice, a
# flag the policy contradicts), found before anything starts; 125 for a
# valid request the host cannot carry out (below). The same with either
# engine: the flags are checked before one is picked. ----
ENGINES=pasta
if command -v slirp4netns >/dev/null 2>&1; then
	ENGINES="pasta slirp4netns"
else
	skip "-p usage errors exit 2 with slirp4netns too" "slirp4netns not installed"
fi
printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "extends: default" "network:" \
	"  mode: egress" "  publish: ['127.0.0.1:8080:80']" >"$TMP/t/takes8080.yaml"
for eng in $ENGINES; do
	export RUNSC_C_NET_ENGINE=$eng
	for case in \
		"80|expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp]" \
		"0:80|the host port must be a number from 1 to 65535" \
		"65536:80|the host port must be a number from 1 to 65535" \
		"8080:0|the guest port must be a number from 1 to 65535" \
		"8080:-1|the guest port must be a number from 1 to 65535" \
		"x:80|the host port must be a number from 1 to 65535" \
		"8080:80/sctp|the protocol must be tcp or udp" \
		"1.2.3:8080:80|the host address is not an IPv4 address" \
		"::1:8080:80|an IPv6 host address is written in brackets" \
		"[::1]8080:80|an IPv6 host address is written in brackets" \
		"[1.2.3.4]:8080:80|the host address is not an IPv6 address" \
		"|expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp]"; do
		val=${case%%|*} msg=${case#*|}
		out=$("$RUNSC_C" do --policy "$POL" -p "$val" -- true 2>&1)
		rc=$?
		check_rc "$eng: -p '$val' is refused with exit 2" 2 $rc "$out"
		check "$eng: -p '$val': one line naming the flag and why" \
			"runsc-c do: --publish: '$val': $msg" "$(printf '%s\n' "$out" | cut -c1-$((${#val} + 27 + ${#msg})))"
	done
	out=$("$RUNSC_C" do --policy "$POL" -p 8080:80 -p 127.0.0.1:8080:81 -- true 2>&1)
	check_rc "$eng: -p: the same host port twice is refused" 2 $? "$out"
	check "$eng: -p: the message names both" \
		"runsc-c do: --publish: '127.0.0.1:8080:81': host port 8080/tcp is already published by '8080:80'" "$out"
	out=$("$RUNSC_C" do --policy "$POL" -p 127.0.0.1:8080:80 -p '[::1]:8080:81' -- true 2>&1)
	check_rc "$eng: -p: one host port on two host addresses is refused (one forward per port)" 2 $? "$out"
	check "$eng: -p: the message names both" \
		"runsc-c do: --publish: '[::1]:8080:81': host port 8080/tcp is already published by '127.0.0.1:8080:80'" "$out"
	out=$("$RUNSC_C" do -p 8080:80 -- true 2>&1)
	check_rc "$eng: -p without a policy (no network) is refused" 2 $? "$out"
	check "$eng: -p without a policy: one line saying egress is needed" \
		"runsc-c do: --publish: '8080:80': publishing needs a policy with network mode egress (--policy); without one the sandbox has no network" "$out"
	out=$("$RUNSC_C" do --policy default -p 8080:80 -- true 2>&1)
	check_rc "$eng: -p with network mode none is refused" 2 $? "$out"
	check "$eng: -p with mode none: one line saying so" \
		"runsc-c do: --publish: '8080:80': publishing needs a policy with network mode egress (--policy); this policy's mode none gives the sandbox no network" "$out"
	out=$("$RUNSC_C" do --policy "$TMP/t/takes8080.yaml" -p 8080:90 -- true 2>&1)
	check_rc "$eng: -p taking a host port of the policy's list is refused" 2 $? "$out"
	check "$eng: -p taking the policy's port: one line naming the policy's entry" \
		"runsc-c do: --publish: '8080:90': host port 8080/tcp is already published by the policy's network.publish entry '127.0.0.1:8080:80/tcp'" "$out"
done
unset RUNSC_C_NET_ENGINE
P1=$(free_port)
out=$("$RUNSC_C" do --quiet --policy "$POL" -p "127.0.0.1:$P1:80" -p "$P1:80/udp" -- true 2>&1)
check_rc "-p: one host port as TCP and as UDP is accepted" 0 $? "$out"
if ss -Htuln | grep -q ":$P1 "; then
	not_ok "-p: after a normal exit the host port is free again" "$(ss -Htulnp | grep ":$P1 ")"
else
	ok "-p: after a normal exit the host port is free again"
fi

# ---- the policy's list ----
cat >"$TMP/t/pub.yaml" <<'EOP'
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
  publish:
    - "127.0.0.1:8080:80"
    - "[::1]:8081:80"
    - 5353:53/udp
EOP
out=$("$RUNSC_C" policy check "$TMP/t/pub.yaml" 2>&1)
check_rc "policy check: network.publish entries are valid" 0 $? "$out"
out=$("$RUNSC_C" policy show "$TMP/t/pub.yaml" 2>&1 | sed -n '/^  publish:/,/^[a-z]/p')
check "policy show: network.publish in canonical form, with origins" "  publish:
    - \"127.0.0.1:8080:80/tcp\"  # $TMP/t/pub.yaml:7
    - \"[::1]:8081:80/tcp\"  # $TMP/t/pub.yaml:8
    - \"5353:53/udp\"  # $TMP/t/pub.yaml:9
resources:" "$out"
"$RUNSC_C" policy show "$TMP/t/pub.yaml" >"$TMP/t/shown.yaml" 2>&1
out=$("$RUNSC_C" policy check "$TMP/t/shown.yaml" 2>&1)
check_rc "policy show: what it prints checks again" 0 $? "$out"
printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "network:" "  mode: egress" \
	"  publish:" "    - 8080:80" "    - 99999:80" "    - {host: 8080}" "    - '[::1]:8080:81'" \
	>"$TMP/t/bad.yaml"
out=$("$RUNSC_C" policy check "$TMP/t/bad.yaml" 2>&1)
check_rc "policy check: bad network.publish entries are refused" 1 $? "$out"
check "policy check: each bad entry at its file:line:column" \
	"$TMP/t/bad.yaml:7:7: network.publish: '99999:80': the host port must be a number from 1 to 65535
$TMP/t/bad.yaml:8:7: network.publish: expected [HOSTIP:]HOSTPORT:GUESTPORT[/udp] such as \"8080:80\", got a mapping
$TMP/t/bad.yaml:9:7: network.publish: '[::1]:8080:81': the host port is already published by the entry at line 6" \
	"$(printf '%s\n' "$out" | grep publish)"
printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "network:" "  mode: none" \
	"  publish: [8080:80]" >"$TMP/t/none.yaml"
out=$("$RUNSC_C" policy check "$TMP/t/none.yaml" 2>&1)
check_rc "policy check: publish with mode none is refused" 1 $? "$out"
check_contains "policy check: publish with mode none names the entry" \
	"$TMP/t/none.yaml:5:13: network: publish entries need mode: egress" "$out"

{
	printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "network:" "  mode: egress" "  publish:"
	for p in $(seq 1001 1065); do echo "    - $p:80"; done
} >"$TMP/t/many.yaml"
out=$("$RUNSC_C" policy check "$TMP/t/many.yaml" 2>&1)
check_rc "policy check: more than 64 network.publish entries are refused" 1 $? "$out"
check "policy check: the message says how many may be" \
	"$TMP/t/many.yaml:6:5: network.publish: more than 64 entries" "$out"
args=
for p in $(seq 1001 1065); do args="$args -p $p:80"; done
# shellcheck disable=SC2086
out=$("$RUNSC_C" do --policy "$POL" $args -- true 2>&1)
check_rc "-p: more than 64 flags are refused" 2 $? "$out"
check "-p: the message says how many may be" \
	"runsc-c do: --publish: too many published ports (at most 64)" "$out"

# ---- policy learn keeps what the run published ----
HP=$(free_port)
L1=$(free_port)
printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "extends: default" "network:" \
	"  mode: egress" "  publish: ['127.0.0.1:$L1:80', '$L1:53/udp']" >"$TMP/t/lbase.yaml"
out=$(timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn -o "$TMP/t/learned.yaml" \
	--from "$TMP/t/lbase.yaml" -p "$HP:8000" -- true </dev/null 2>&1)
check_rc "policy learn -p: the run succeeds" 0 $? "$out"
check "policy learn -p: the learned policy publishes BASE's ports and the flag's" "network:
  mode: egress
  publish:
    - '127.0.0.1:$L1:80/tcp'
    - '$L1:53/udp'
    - '$HP:8000/tcp'" "$(sed -n '/^network:/,/^[a-z]/p' "$TMP/t/learned.yaml" | sed '$d')"
out=$("$RUNSC_C" policy check "$TMP/t/learned.yaml" 2>&1)
check_rc "policy learn -p: the learned policy checks" 0 $? "$out"
out=$("$RUNSC_C" policy learn -o "$TMP/t/learned2.yaml" -p 8080:80 -- true </dev/null 2>&1)
check_rc "policy learn -p under mode none is refused as do refuses it" 2 $? "$out"
if [ -e "$TMP/t/learned2.yaml" ]; then not_ok "policy learn -p refused: no policy written"; else
	ok "policy learn -p refused: no policy written"
fi

# ---- nothing published by default ----
serve
pp=$(pasta_of $SPID)
if [ -n "$pp" ] && wait_until 10 sh -c "grep -q . /proc/$pp/status"; then
	sleep 1
	check "without -p: pasta listens on no host port, TCP or UDP" "" "$(pasta_sockets "$pp")"
	check_lacks "without -p: nothing on the host reaches the guest's server" "hello from the sandbox" \
		"$(get "http://127.0.0.1:8000/hello.txt")"
else
	not_ok "without -p: pasta runs" "no pasta child of runsc-c"
fi
stop

# ---- TCP on one IPv4 host address ----
HP=$(free_port)
serve -p "127.0.0.1:$HP:8000"
if wait_until 15 sh -c "curl -s --max-time 1 http://127.0.0.1:$HP/hello.txt | grep -q hello"; then
	ok "-p 127.0.0.1:PORT:8000: the host reaches the guest's server"
else
	not_ok "-p 127.0.0.1:PORT:8000: the host reaches the guest's server" "$(cat "$TMP/serve.log")"
fi
check "-p 127.0.0.1:PORT:8000: curl gets the file" "hello from the sandbox" \
	"$(get "http://127.0.0.1:$HP/hello.txt")"
pp=$(pasta_of $SPID)
check "-p 127.0.0.1:PORT:8000: pasta listens on that address and port only" \
	"tcp 127.0.0.1:$HP" "$(pasta_sockets "$pp")"
ADDR=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
if [ -n "$ADDR" ]; then
	check_lacks "-p 127.0.0.1:...: the host's other address $ADDR does not reach it" "hello from the sandbox" \
		"$(get "http://$ADDR:$HP/hello.txt")"
else
	skip "-p 127.0.0.1:...: another host address does not reach it" "no global IPv4 address"
fi
stop
if wait_until 5 sh -c "! ss -Htln | grep -q ':$HP '"; then
	ok "-p: the host port is free again after the sandbox"
else
	not_ok "-p: the host port is free again after the sandbox" "$(ss -Htlnp | grep ":$HP ")"
fi
if [ -n "$pp" ] && wait_until 5 sh -c "! kill -0 $pp 2>/dev/null"; then
	ok "-p: pasta is gone after the sandbox"
else
	not_ok "-p: pasta is gone after the sandbox" "pasta '$pp'"
fi

# ---- every address, IPv6, UDP (from the policy's list plus a flag) ----
HP=$(free_port)
HU=$(free_port)
cat >"$TMP/t/pol2.yaml" <<EOP
apiVersion: runsc-c/v1
kind: Policy
extends: default
network:
  mode: egress
  publish:
    - "127.0.0.1:$HU:9000/udp"
EOP
"$RUNSC_C" do --quiet --policy "$TMP/t/pol2.yaml" -v "$TMP/t:/t" -v "$TMP/www:/www:ro" \
	-p "$HP:8000" -- python3 /t/serve.py </dev/null >"$TMP/serve.log" 2>&1 &
SPID=$!
cleanup_later $SPID
if wait_until 15 sh -c "curl -s --max-time 1 http://127.0.0.1:$HP/hello.txt | grep -q hello"; then
	ok "-p PORT:8000: the host reaches the guest's server on 127.0.0.1"
else
	not_ok "-p PORT:8000: the host reaches the guest's server on 127.0.0.1" "$(cat "$TMP/serve.log")"
fi
if [ -n "$ADDR" ]; then
	check "-p PORT:8000: and on the host's address $ADDR (through pasta's interface)" \
		"hello from the sandbox" "$(get "http://$ADDR:$HP/hello.txt")"
else
	skip "-p PORT:8000: and on another host address" "no global IPv4 address"
fi
if [ $V6 = yes ]; then
	check "-p PORT:8000: and on [::1]" "hello from the sandbox" "$(get "http://[::1]:$HP/hello.txt")"
else
	skip "-p PORT:8000: and on [::1]" "no IPv6 here"
fi
rm -f "$TMP/t/udp.log"
n=0
while [ $n -lt 30 ] && ! grep -q "ping" "$TMP/t/udp.log" 2>/dev/null; do
	udp_send 127.0.0.1 "$HU" ping
	sleep 0.2
	n=$((n + 1))
done
check_contains "network.publish 127.0.0.1:PORT:9000/udp: a datagram from the host reaches the guest" \
	"ping" "$(cat "$TMP/t/udp.log" 2>&1)"
pp=$(pasta_of $SPID)
socks=$(pasta_sockets "$pp")
check_contains "-p PORT:8000: pasta listens on every address" "tcp *:$HP" "$socks"
check_lacks "-p PORT:8000 (TCP): no UDP twin of the TCP port" "udp *:$HP" "$socks"
check_lacks "-p PORT:8000 (TCP): no UDP twin on any address" "udp 0.0.0.0:$HP" "$socks"
check_contains "network.publish .../udp: pasta has the UDP port on 127.0.0.1" "udp 127.0.0.1:$HU" "$socks"
stop

# ---- IPv6 host address only ----
if [ $V6 = yes ]; then
	HP=$(free_port)
	serve -p "[::1]:$HP:8000"
	if wait_until 15 sh -c "curl -s --max-time 1 'http://[::1]:$HP/hello.txt' | grep -q hello"; then
		ok "-p [::1]:PORT:8000: the host reaches the guest's server over IPv6"
	else
		not_ok "-p [::1]:PORT:8000: the host reaches the guest's server over IPv6" "$(cat "$TMP/serve.log")"
	fi
	check_lacks "-p [::1]:PORT:8000: 127.0.0.1 does not reach it" "hello from the sandbox" \
		"$(get "http://127.0.0.1:$HP/hello.txt")"
	stop
else
	skip "-p [::1]:PORT:8000" "no IPv6 here"
	skip "-p [::1]:PORT:8000: IPv4 does not reach it" "no IPv6 here"
fi

# ---- exit 125: a valid request the host cannot carry out stops the
# sandbox before it starts, with one line naming the flag or entry ----
cat >"$TMP/t/hold.py" <<'EOP'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(60)
EOP
python3 "$TMP/t/hold.py" "$TMP/held" &
cleanup_later $!
wait_until 5 test -s "$TMP/held"
BUSY=$(cat "$TMP/held")
export RUNSC_C_NET_ENGINE=pasta
out=$(runsc --policy "$POL" -p "$BUSY:8000" -- true 2>&1)
check_rc "-p on a host port another program holds: the sandbox does not start" 125 $? "$out"
check "-p on a taken port: one line naming the flag's value" \
	"runsc-c: --publish: '$BUSY:8000': host port $BUSY/tcp is taken: Address already in use" "$out"
printf '%s\n' "apiVersion: runsc-c/v1" "kind: Policy" "extends: default" "network:" \
	"  mode: egress" "  publish: ['127.0.0.1:$BUSY:80']" >"$TMP/t/busy.yaml"
out=$(runsc --policy "$TMP/t/busy.yaml" -- true 2>&1)
check_rc "network.publish on a taken port: the sandbox does not start" 125 $? "$out"
check "network.publish on a taken port: one line naming the entry" \
	"runsc-c: network.publish: '127.0.0.1:$BUSY:80/tcp': host port $BUSY/tcp is taken: Address already in use" "$out"
P2=$(free_port)
out=$(runsc --policy "$POL" -p "203.0.113.77:$P2:8000" -- true 2>&1)
check_rc "-p on an address the host does not have: the sandbox does not start" 125 $? "$out"
check "-p on an address the host does not have: one line naming the flag's value" \
	"runsc-c: --publish: '203.0.113.77:$P2:8000': 203.0.113.77 is not an address of this host: Cannot assign requested address" "$out"
if command -v slirp4netns >/dev/null 2>&1; then
	export RUNSC_C_NET_ENGINE=slirp4netns
	out=$(runsc --policy "$POL" -p "$P2:8000/udp" -- true 2>&1)
	check_rc "slirp4netns: a valid -p cannot be carried out: exit 125" 125 $? "$out"
	check "slirp4netns: -p: one line naming the flag's value and what publishing needs" \
		"runsc-c: --publish: '$P2:8000/udp': the route out here is slirp4netns, which cannot publish ports; publishing needs pasta (Debian package passt)" "$out"
	out=$(runsc --policy "$TMP/t/busy.yaml" -- true 2>&1)
	check_rc "slirp4netns: a network.publish entry: exit 125" 125 $? "$out"
	check "slirp4netns: network.publish: one line naming the entry" \
		"runsc-c: network.publish: '127.0.0.1:$BUSY:80/tcp': the route out here is slirp4netns, which cannot publish ports; publishing needs pasta (Debian package passt)" "$out"
else
	skip "slirp4netns: a valid -p exits 125" "slirp4netns not installed"
fi
unset RUNSC_C_NET_ENGINE

# policy learn: a run that could not start writes no policy (an existing
# file stays as it was); a command that itself exits 125 still gets one.
learn() {
	timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" policy learn --quiet "$@" </dev/null
}
export RUNSC_C_NET_ENGINE=pasta
echo "kept as it was" >"$TMP/t/kept.yaml"
out=$(learn -o "$TMP/t/kept.yaml" --from "$POL" -p "$BUSY:8000" -- true 2>&1)
check_rc "policy learn -p on a taken port: exit 125" 125 $? "$out"
check "policy learn -p on a taken port: the run's one line, nothing more" \
	"runsc-c: --publish: '$BUSY:8000': host port $BUSY/tcp is taken: Address already in use" "$out"
check "policy learn -p on a taken port: the output file is left as it was" "kept as it was" \
	"$(cat "$TMP/t/kept.yaml")"
if command -v slirp4netns >/dev/null 2>&1; then
	export RUNSC_C_NET_ENGINE=slirp4netns
	out=$(learn -o "$TMP/t/never.yaml" --from "$POL" -p "$P2:8000" -- true 2>&1)
	check_rc "slirp4netns: policy learn -p: exit 125" 125 $? "$out"
	check "slirp4netns: policy learn -p: the run's one line, nothing more" \
		"runsc-c: --publish: '$P2:8000': the route out here is slirp4netns, which cannot publish ports; publishing needs pasta (Debian package passt)" "$out"
	if [ -e "$TMP/t/never.yaml" ]; then
		not_ok "slirp4netns: policy learn -p: no policy written" "$(cat "$TMP/t/never.yaml")"
	else
		ok "slirp4netns: policy learn -p: no policy written"
	fi
else
	skip "slirp4netns: policy learn -p writes nothing" "slirp4netns not installed"
fi
unset RUNSC_C_NET_ENGINE
out=$(learn -o "$TMP/t/own125.yaml" -- sh -c 'exit 125' 2>&1)
check_rc "policy learn: a command exiting 125 by itself: its status" 125 $? "$out"
check_contains "policy learn: a command exiting 125 by itself: its policy is written" \
	"kind: Policy" "$(cat "$TMP/t/own125.yaml" 2>&1)"

done_testing
