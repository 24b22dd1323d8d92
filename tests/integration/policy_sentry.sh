#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The policy's sentry side: exec rules (with "#!" interpreters), syscalls.deny
# stacked on the guest filter, env.pass/env.set with -e on top, the audit
# records (--audit FILE), and each shipped agent profile running its
# workload while a forbidden action is refused.
. "$(dirname "$0")/lib.sh"

if ! "$RUNSC_C" do --help 2>&1 | grep -q -- '--policy'; then
	echo "1..0 # SKIP runsc-c do has no --policy"
	exit 0
fi
HEAD='apiVersion: runsc-c/v1
kind: Policy
extends: default'
have_python=false
command -v python3 >/dev/null 2>&1 && have_python=true

# line_of FILE TEXT: the line number of the first line containing TEXT.
line_of() { grep -n -F -- "$2" "$1" | head -1 | cut -d: -f1; }

mkdir -p "$TMP/bin" "$TMP/out" "$TMP/data" "$TMP/work"
cp /usr/bin/true "$TMP/bin/mytrue"
printf '#!/usr/bin/wc -c\nfive\n' >"$TMP/bin/counted"
printf '#!/bin/cat\ncatted\n' >"$TMP/bin/catted"
printf '#!/opt/bin/counted\n' >"$TMP/bin/nested"
chmod +x "$TMP/bin/"*

# ---- exec rules ----
cat >"$TMP/exec.yaml" <<EOP
$HEAD
exec:
  allow: [/usr/bin/*, /bin/*, /opt/bin/catted, /opt/bin/counted, /opt/bin/nested]
  deny: [/usr/bin/wc]
EOP
P="--policy $TMP/exec.yaml -v $TMP/bin:/opt/bin:ro"
# shellcheck disable=SC2086
out=$(runsc $P -- cat /etc/passwd 2>&1)
check_rc "exec: an allowed program runs" 0 "$?" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- sh -c 'echo x | wc -c' 2>&1)
check_rc "exec: a denied program is refused (126)" 126 "$?" "$out"
check_contains "exec: the refusal is EACCES" "Permission denied" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- sh -c 'echo x | /bin/wc -c' 2>&1)
check_rc "exec: a rule on /usr/bin/wc holds for /bin/wc" 126 "$?" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- /opt/bin/mytrue 2>&1)
check_rc "exec: a program outside exec.allow is refused" 126 "$?" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- /opt/bin/catted 2>&1)
check "exec: a script with an allowed interpreter runs" "$(printf '#!/bin/cat\ncatted')" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- /opt/bin/counted 2>&1)
check_rc "exec: a script whose interpreter is denied is refused" 126 "$?" "$out"
# shellcheck disable=SC2086
out=$(runsc $P -- /opt/bin/nested 2>&1)
check_rc "exec: a denied interpreter two levels down is refused" 126 "$?" "$out"
out=$(runsc -v "$TMP/bin:/opt/bin:ro" -- /opt/bin/counted 2>&1)
check "exec: without a policy the same script runs" "$(wc -c <"$TMP/bin/counted") /opt/bin/counted" "$out"

# The files exec opened are kept under a policy too: a loop of one binary
# asks the gofer for neither it nor its interpreter again, and the exec
# rules still decide at every exec, whether the file was kept or not.
gofer_outside() {
	timeout -s KILL "$RUNSC_BOUND" "$RUNSC_C" do --debug "$@" 2>&1 </dev/null |
		sed -n 's/.*gofer requests (\([0-9]*\) outside a call).*/\1/p'
}
# (Without volumes: with trees the host may change, a path through a
# symlink, as /bin/true and ld.so's, is not kept.)
once=$(gofer_outside --policy "$TMP/exec.yaml" -- sh -c /bin/true)
check "exec: ten runs of /bin/true under a policy: the gofer opens it and its interpreter once" \
	"$once" "$(gofer_outside --policy "$TMP/exec.yaml" -- sh -c \
		'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done')"
# shellcheck disable=SC2086
out=$(runsc $P -- sh -c '/usr/bin/true; echo x | wc -c; echo $?; echo x | wc -c; echo $?
/usr/bin/true; echo x | /bin/wc -c; echo $?' 2>/dev/null)
check "exec: a denied program is refused at every exec, kept or not" "$(printf '126\n126\n126')" "$out"

# ---- syscalls.deny ----
cat >"$TMP/sys.yaml" <<EOP
$HEAD
syscalls:
  deny: [personality, uname]
EOP
if $have_python; then
	prog='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
print(libc.personality(0xffffffff), os.strerror(ctypes.get_errno()))'
	out=$(runsc --policy "$TMP/sys.yaml" -- python3 -c "$prog" 2>&1)
	check "syscalls.deny: personality fails with EPERM" "-1 Operation not permitted" "$out"
	# What the query answers is the host's persona (0 on most hosts, not
	# under setarch or a container runtime's profile): ask it natively.
	native=$(cd / && guest_env python3 -c "$prog" 2>&1)
	out=$(runsc -- python3 -c "$prog" 2>&1)
	check "syscalls.deny: personality works without the policy (as natively)" "$native" "$out"
else
	skip "syscalls.deny: personality fails with EPERM" "no python3"
	skip "syscalls.deny: personality works without the policy" "no python3"
fi
out=$(runsc --policy "$TMP/sys.yaml" -- uname 2>&1)
check_rc "syscalls.deny: a sentry-answered call (uname) is refused too" 1 "$?" "$out"
check_contains "syscalls.deny: uname says EPERM" "Operation not permitted" "$out"
printf '%s\nsyscalls:\n  deny: [no_such_call]\n' "$HEAD" >"$TMP/badsys.yaml"
out=$("$RUNSC_C" policy check "$TMP/badsys.yaml" 2>&1)
check_rc "syscalls.deny: policy check refuses an unknown name" 1 "$?" "$out"
out=$(runsc --policy "$TMP/badsys.yaml" -- true 2>&1)
rc=$?
if [ "$rc" != 0 ]; then ok "syscalls.deny: do refuses a policy with an unknown name"; else
	not_ok "syscalls.deny: do refuses a policy with an unknown name" "exit 0"; fi

# ---- env ----
cat >"$TMP/env.yaml" <<EOP
$HEAD
env:
  pass: [RUNSC_T_PASS*]
  set: {RUNSC_T_SET: fromset, RUNSC_T_OVER: fromset, RUNSC_T_PASSED: fromset}
EOP
out=$(RUNSC_T_PASSED=host RUNSC_T_SECRET=leak RUNSC_T_PASS_2=two \
	runsc --policy "$TMP/env.yaml" -e RUNSC_T_OVER=flag -- env 2>&1)
check_contains "env: a set value is there" "RUNSC_T_SET=fromset" "$out"
check_contains "env: a passed host variable replaces a set one" "RUNSC_T_PASSED=host" "$out"
check_contains "env: pass takes globs" "RUNSC_T_PASS_2=two" "$out"
check_lacks "env: a host variable not in pass is absent" "RUNSC_T_SECRET" "$out"
check_contains "env: -e overrides the policy" "RUNSC_T_OVER=flag" "$out"
check_contains "env: the defaults stay" "PATH=$GUEST_PATH" "$out"

# ---- audit ----
cat >"$TMP/audit.yaml" <<EOP
$HEAD
exec:
  deny:
    - /usr/bin/wc
    - /usr/bin/tr
EOP
runsc --policy "$TMP/audit.yaml" --audit "$TMP/audit.log" -- sh -c 'wc </dev/null; tr </dev/null' \
	>/dev/null 2>&1
wc_line=$(line_of "$TMP/audit.yaml" /usr/bin/wc)
tr_line=$(line_of "$TMP/audit.yaml" /usr/bin/tr)
if $have_python; then
	out=$(python3 - "$TMP/audit.log" "$TMP/audit.yaml" "$wc_line" "$tr_line" <<'EOP' 2>&1
import json, re, sys
log, policy, wc_line, tr_line = sys.argv[1:]
lines = open(log, encoding="utf-8").read().splitlines()
assert lines, "no records"
seen = set()
for text in lines:
    r = json.loads(text)
    assert set(r) == {"time", "sandbox", "pid", "comm", "syscall", "object", "access",
                      "decision", "rule"}, sorted(r)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]), r["time"]
    assert re.fullmatch(r"[0-9a-f]{16}", r["sandbox"]), r["sandbox"]
    assert isinstance(r["pid"], int) and r["pid"] > 1, r["pid"]
    assert r["comm"] == "sh", r["comm"]
    assert r["syscall"] == "execve", r["syscall"]
    assert r["access"] == "exec" and r["decision"] == "deny", r
    want = {"/usr/bin/wc": wc_line, "/usr/bin/tr": tr_line}[r["object"]]
    assert r["rule"] == policy + ":" + want, (r["rule"], want)
    seen.add(r["object"])
assert seen == {"/usr/bin/wc", "/usr/bin/tr"}, seen
assert len({json.loads(t)["sandbox"] for t in lines}) == 1
print("good")
EOP
)
	check "audit: one valid JSON record per refusal, naming the rule" "good" "$out"
else
	skip "audit: one valid JSON record per refusal, naming the rule" "no python3"
fi
printf '%s\naudit:\n  denied: false\n' "$(cat "$TMP/audit.yaml")" >"$TMP/quiet.yaml"
runsc --policy "$TMP/quiet.yaml" --audit "$TMP/quiet.log" -- sh -c 'wc </dev/null' >/dev/null 2>&1
check "audit: denied: false writes nothing" "0" "$(wc -c <"$TMP/quiet.log")"
printf '%s\naudit:\n  allowed: true\n' "$(cat "$TMP/audit.yaml")" >"$TMP/loud.yaml"
runsc --policy "$TMP/loud.yaml" --audit "$TMP/loud.log" -- sh -c 'cat </dev/null' >/dev/null 2>&1
check_contains "audit: allowed: true records allowed execs" \
	'"object": "/usr/bin/cat", "access": "exec", "decision": "allow", "rule": null' \
	"$(cat "$TMP/loud.log")"
runsc --policy "$TMP/loud.yaml" --audit "$TMP/loud3.log" -- \
	sh -c 'cat </dev/null; cat </dev/null; cat </dev/null; /usr/bin/wc </dev/null
/usr/bin/wc </dev/null' \
	>/dev/null 2>&1
check "audit: a record for each exec of the same file (kept after the first)" "3 2" \
	"$(grep -c '"object": "/usr/bin/cat", "access": "exec", "decision": "allow"' "$TMP/loud3.log") \
$(grep -c '"object": "/usr/bin/wc", "access": "exec", "decision": "deny"' "$TMP/loud3.log")"
check "audit: the file is created 0600" "600" "$(stat -c %a "$TMP/quiet.log")"
out=$(runsc --audit "$TMP/nodir/x.log" -- true 2>&1)
check_rc "audit: an unwritable --audit file is a usage error" 2 "$?" "$out"

# ---- shipped profiles ----
# strict: programs from /usr/bin and /bin only; personality refused.
out=$(runsc --policy strict -- sh -c 'd=$(mktemp -d) && echo fine >"$d/x" && cat "$d/x"' 2>&1)
check "strict: a shell pipeline in /tmp runs" "fine" "$out"
out=$(runsc --policy strict -v "$TMP/bin:/opt/bin:ro" -- /opt/bin/mytrue 2>&1)
check_rc "strict: a program outside /usr/bin is refused" 126 "$?" "$out"
if $have_python; then
	out=$(runsc --policy strict -- python3 -c "$prog" 2>&1)
	check "strict: personality is refused" "-1 Operation not permitted" "$out"
else
	skip "strict: personality is refused" "no python3"
fi

# python-data-analysis: python3 reads /data and writes /out; nothing else runs.
if $have_python; then
	echo "1,2,3" >"$TMP/data/in.csv"
	out=$(runsc --policy python-data-analysis -v "$TMP/data:/data:ro" -v "$TMP/out:/out" \
		-- python3 -c 'import os
s = sum(int(x) for x in open("/data/in.csv").read().split(","))
open("/out/sum.txt", "w").write(str(s))
print(os.environ.get("PYTHONDONTWRITEBYTECODE"), os.environ.get("MPLBACKEND"))' 2>&1)
	check "python-data-analysis: the job runs with its environment" "1 Agg" "$out"
	check "python-data-analysis: the result is in /out" "6" "$(cat "$TMP/out/sum.txt" 2>&1)"
	out=$(runsc --policy python-data-analysis -- python3 -c 'import subprocess
print(subprocess.run(["sh", "-c", "echo shell"]).returncode)
try:
    subprocess.run(["wc", "-c"])
except PermissionError as e:
    print("refused", e.errno)' 2>&1)
	check "python-data-analysis: sh runs, other programs are refused" "$(printf 'shell\n0\nrefused 13')" "$out"
else
	skip "python-data-analysis: the job runs with its environment" "no python3"
	skip "python-data-analysis: the result is in /out" "no python3"
	skip "python-data-analysis: sh runs, other programs are refused" "no python3"
fi
if [ -x /usr/bin/curl ]; then
	out=$(runsc --policy python-data-analysis -- curl --version 2>&1)
	check_rc "python-data-analysis: curl is refused" 126 "$?" "$out"
else
	skip "python-data-analysis: curl is refused" "no curl"
fi

# web-scraper: the HTTP clients run; ssh and nc do not, nor anything else.
if [ -x /usr/bin/curl ]; then
	out=$(runsc --policy web-scraper -- curl --version 2>&1)
	check_rc "web-scraper: curl runs" 0 "$?" "$out"
else
	skip "web-scraper: curl runs" "no curl"
fi
if [ -x /usr/bin/ssh ]; then
	out=$(runsc --policy web-scraper -- ssh -V 2>&1)
	check_rc "web-scraper: ssh is refused" 126 "$?" "$out"
else
	skip "web-scraper: ssh is refused" "no ssh"
fi
out=$(runsc --policy web-scraper -- sh -c 'ls /' 2>&1)
check_rc "web-scraper: a program outside its list is refused" 126 "$?" "$out"
# web-scraper's network: public addresses on 80 and 443 are allowed (the
# route out takes them: a non-blocking connect is under way, EINPROGRESS;
# nothing answers on these test addresses), the private ranges, other ports,
# an IPv4-mapped private address and the metadata address are refused with
# EPERM and audited with the rule that refused.
if command -v python3 >/dev/null 2>&1; then
	conn='import errno, socket, sys
for a in sys.argv[1:]:
    h, p = a.rsplit(":", 1)
    h = h.strip("[]")
    s = socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
    s.setblocking(False)
    try:
        s.connect((h, int(p))); print("ok", end=" ")
    except OSError as e:
        print(errno.errorcode[e.errno], end=" ")'
	out=$(runsc --policy web-scraper --audit "$TMP/net.audit" -- python3 -c "$conn" \
		192.0.2.7:443 192.0.2.7:22 10.1.2.3:443 169.254.169.254:80 2>&1)
	check "web-scraper: IPv4 connects decided by the network rules" \
		"$(route_errno 4) EPERM EPERM EPERM " "$out"
	if have_ipv6; then
		out=$(runsc --policy web-scraper -- python3 -c "$conn" \
			"[2001:db8::1]:80" "[::ffff:10.1.2.3]:443" "[fc00::1]:443" 2>&1)
		check "web-scraper: IPv6 connects decided by the network rules" \
			"$(route_errno 6) EPERM EPERM " "$out"
	else
		skip "web-scraper: IPv6 connects decided by the network rules" "no IPv6 on this host"
	fi
	line=$(grep -n '10.0.0.0/8' "$SOURCE_ROOT/policies/web-scraper.yaml" | cut -d: -f1)
	check_contains "web-scraper: a refused connect names its rule" \
		"\"object\": \"10.1.2.3:443\", \"access\": \"connect\", \"decision\": \"deny\", \"rule\": \"$SOURCE_ROOT/policies/web-scraper.yaml:$line\"" \
		"$(cat "$TMP/net.audit")"
	# The 24-byte sockaddr_in6 of RFC 2133, which Linux accepts, is decided too.
	short6='import ctypes, errno, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket(socket.AF_INET6)
sa = struct.pack("<H", socket.AF_INET6) + struct.pack("!HI16s", 443, 0, socket.inet_pton(socket.AF_INET6, "fc00::1"))
r = libc.connect(s.fileno(), sa, 24)
print("ok" if r == 0 else errno.errorcode[ctypes.get_errno()])'
	if have_ipv6; then
		out=$(runsc --policy web-scraper -- python3 -c "$short6" 2>&1)
		check "web-scraper: a 24-byte IPv6 address is decided as well" "EPERM" "$out"
	else
		skip "web-scraper: a 24-byte IPv6 address is decided as well" "no IPv6 on this host"
	fi
	out=$(runsc --policy default --audit "$TMP/none.audit" -- python3 -c "$conn" 192.0.2.7:443 2>&1)
	check "default: no network, a connect finds no route" "ENETUNREACH " "$out"
	check_contains "default: the connect is audited as refused" \
		'"object": "192.0.2.7:443", "access": "connect", "decision": "deny", "rule": null}' \
		"$(cat "$TMP/none.audit")"
else
	for t in "IPv4 connects decided" "IPv6 connects decided" "a refused connect names its rule" \
		"24-byte IPv6" "no network" "audited"; do
		skip "network: $t" "no python3"
	done
fi
out=$(HTTPS_PROXY=http://proxy.example:3128 OPENAI_API_KEY=sk-secret \
	runsc --policy web-scraper -- sh -c 'echo "$HTTPS_PROXY:${OPENAI_API_KEY:-none}"' 2>&1)
check "web-scraper: the proxy goes through, an API key does not" "http://proxy.example:3128:none" "$out"

# coding-agent: builds and runs code in /work; su and ssh are refused.
if command -v cc >/dev/null 2>&1; then
	out=$(runsc --policy coding-agent -v "$TMP/work:/work" --cwd /work -- sh -c \
		'printf "int main(void){return 7;}\n" >t.c && cc t.c -o t && ./t; echo $?' 2>&1)
	check "coding-agent: compiles and runs a program in /work" "7" "$out"
else
	skip "coding-agent: compiles and runs a program in /work" "no cc"
fi
out=$(runsc --policy coding-agent -v "$TMP/work:/work" --cwd /work -- sh -c \
	'echo "#!/bin/sh
echo built" >b.sh && chmod +x b.sh && ./b.sh' 2>&1)
check "coding-agent: a script the agent writes in /work runs" "built" "$out"
if [ -x /usr/bin/su ]; then
	out=$(runsc --policy coding-agent -- su -c true 2>&1)
	check_rc "coding-agent: su is refused" 126 "$?" "$out"
else
	skip "coding-agent: su is refused" "no su"
fi
out=$(runsc --policy coding-agent -v "$TMP/bin:/opt/bin:ro" -- /opt/bin/mytrue 2>&1)
check_rc "coding-agent: a program outside its list is refused" 126 "$?" "$out"
out=$(runsc --policy coding-agent -- sh -c 'echo "$GIT_TERMINAL_PROMPT"' 2>&1)
check "coding-agent: its environment is set" "0" "$out"

done_testing
