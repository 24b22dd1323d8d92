# SPDX-License-Identifier: Apache-2.0
# npm.sh TARBALLS [DIR]: npm installs the 20 package tarballs of TARBALLS
# into a project in DIR (default /tmp) with no registry (--offline, a fresh
# cache), then node requires them all; prints their sum and the .js count.
d=${2:-/tmp}/runsc-c-bench-npm.$$
mkdir -p "$d/app" && cd "$d/app" &&
printf '{"name": "app", "version": "1.0.0", "private": true}\n' >package.json &&
npm_config_cache="$d/cache" npm install --offline --no-audit --no-fund --no-update-notifier \
	--loglevel=error "$1"/*.tgz >/dev/null &&
node -e 'let s = 0; for (let i = 0; i < 20; i++) s += require("benchpkg" + String(i).padStart(2, "0")).total(); console.log(s)' &&
find node_modules -name '*.js' | wc -l
rc=$?; cd / && rm -rf "$d"; exit $rc
