# The tests' small internet, shared by tests/integration/network.sh and the
# network benchmark (bench/run.sh): a network namespace joined to the host
# by a veth pair on documentation addresses, 198.51.100.1 on the host's
# side and 198.51.100.2 inside (2001:db8:1::1 and ::2 where the host has
# an IPv6 default route: NETLAB_V6=yes then).
# shellcheck shell=sh

# netlab_up NS HOST_VETH NS_VETH: 0, or non-zero with nothing left behind.
netlab_up() {
	NETLAB_V6=no
	if ! { ip netns add "$1" && ip link add "$2" type veth peer name "$3" &&
		ip link set "$3" netns "$1" &&
		ip addr add 198.51.100.1/24 dev "$2" && ip link set "$2" up &&
		ip -n "$1" addr add 198.51.100.2/24 dev "$3" && ip -n "$1" link set "$3" up &&
		ip -n "$1" link set lo up; }; then
		netlab_down "$1" "$2"
		return 1
	fi
	if ip -6 route show default 2>/dev/null | grep -q . &&
		ip -6 addr add 2001:db8:1::1/64 dev "$2" nodad 2>/dev/null &&
		ip -6 -n "$1" addr add 2001:db8:1::2/64 dev "$3" nodad 2>/dev/null; then
		NETLAB_V6=yes
	fi
	return 0
}

# netlab_down NS HOST_VETH: removes both (deleting one end of a veth pair
# deletes the other).
netlab_down() {
	ip netns del "$1" 2>/dev/null
	ip link del "$2" 2>/dev/null
	return 0
}
