#!/bin/sh
# Installs the Debian 12 packages runsc-c needs to build and test, if missing.
set -eu
pkgs="gcc make meson ninja-build pkg-config libseccomp-dev libelf-dev libjemalloc-dev \
check busybox-static python3 libc6-dev procps util-linux libyaml-dev libjson-c-dev libmicrohttpd-dev passt slirp4netns iproute2 curl \
git python3-pip containerd podman crun"
if [ "${1:-}" = "--bench" ]; then
	pkgs="$pkgs bubblewrap python3-venv"
fi
# Python's standard-library tests (make python-stdlib).
if [ "${1:-}" = "--python-stdlib" ]; then
	pkgs="$pkgs libpython3.11-testsuite"
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "runsc-c: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
fi
