/* SPDX-License-Identifier: Apache-2.0 */
/* YAML policies: the glob matcher, parsing and its problems with their
 * exact positions, extends and merging, the compiled blob and its
 * validation, canonicalisation of rule paths inside a root. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "policy/compile.h"
#include "policy/policy.h"

#define HEAD "apiVersion: runsc-c/v1\nkind: Policy\n"

/* ---- helpers ---- */

static struct policy_doc *load(const char *text, struct policy_problems *pr)
{
	return policy_load_buffer("t.yaml", text, strlen(text), NULL, pr);
}

/* The text must fail with exactly one problem, this one. */
static void expect_problem(const char *text, const char *want)
{
	struct policy_problems pr = {0};
	struct policy_doc *doc = load(text, &pr);
	ck_assert_ptr_null(doc);
	ck_assert_msg(pr.n >= 1, "no problem for: %s", text);
	ck_assert_msg(strcmp(pr.lines[0], want) == 0, "\n got: %s\nwant: %s", pr.lines[0], want);
	ck_assert_msg(pr.n == 1, "%zu problems, second: %s", pr.n, pr.n > 1 ? pr.lines[1] : "");
	policy_problems_free(&pr);
}

struct compiled {
	struct policy_doc *doc;
	void *blob;
	size_t len;
	struct policy_view pv;
};

static void compile_text(struct compiled *c, const char *text, const struct policy_root *root)
{
	struct policy_problems pr = {0};
	c->doc = load(text, &pr);
	ck_assert_msg(c->doc, "problems: %s", pr.n ? pr.lines[0] : "?");
	policy_problems_free(&pr);
	ck_assert_int_eq(policy_compile(c->doc, root, &c->blob, &c->len), 0);
	ck_assert_int_eq(policy_view_init(&c->pv, c->blob, c->len), 0);
}

static void compiled_free(struct compiled *c)
{
	policy_doc_free(c->doc);
	free(c->blob);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/test_policy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* ---- the matcher ---- */

static const struct {
	const char *glob, *path;
	bool match, prefix;
} globs[] = {
	{"/", "/", true, true},
	{"/", "/a", false, true},
	{"/a", "/a", true, true},
	{"/a", "/ab", false, false},
	{"/a", "/a/b", false, true},
	{"/a/*", "/a/b", true, true},
	{"/a/*", "/a", false, false},
	{"/a/*", "/a/b/c", false, true},
	{"/a/*", "/a/.hidden", true, true},
	{"/a/b*", "/a/b", true, true},
	{"/a/b*", "/a/bcd", true, true},
	{"/a/*c", "/a/abc", true, true},
	{"/a/*c", "/a/abcd", false, false},
	{"/a/*b*c*", "/a/xbyczz", true, true},
	{"/a/?", "/a/b", true, true},
	{"/a/?", "/a/bc", false, false},
	{"/a/?", "/a", false, false},
	{"/a/x?z", "/a/xyz", true, true},
	/* '*' never crosses '/' */
	{"/a*", "/a/b", false, true},
	{"/*", "/a/b", false, true},
	{"/usr/bin/python3*", "/usr/bin/python3.11", true, true},
	{"/usr/bin/python3*", "/usr/bin/python3/x", false, true},
	/* "**" at the end: zero or more components */
	{"/**", "/", true, true},
	{"/**", "/a/b/c", true, true},
	{"/data/**", "/data", true, true},
	{"/data/**", "/data/x", true, true},
	{"/data/**", "/data/x/y/z", true, true},
	{"/data/**", "/database", false, false},
	{"/data/**", "/dat", false, false},
	/* at the start */
	{"/**/.git", "/.git", true, true},
	{"/**/.git", "/a/b/.git", true, true},
	{"/**/.git", "/a/b/.git/config", false, true},
	{"/**/.git", "/a/b/.gitx", false, false},
	/* in the middle */
	{"/a/**/b", "/a/b", true, true},
	{"/a/**/b", "/a/x/b", true, true},
	{"/a/**/b", "/a/x/y/b", true, true},
	{"/a/**/b", "/a/x/y/c", false, false},
	{"/a/**/b", "/a/b/x", false, true},
	{"/a/**/b/**", "/a/x/b/y/z", true, true},
	{"/a/**/b/*", "/a/x/b/y", true, true},
	{"/a/**/b/*", "/a/x/b", false, false},
	{"/a/**/**/b", "/a/b", true, true},
	{"/**/x/**/y", "/p/x/q/r/y", true, true},
	{"/**/x/**/y", "/p/x/q/r/z", false, false},
	{"/a/**/x*y", "/a/b/c/xzzy", true, true},
	/* escapes */
	{"/a/\\*", "/a/*", true, true},
	{"/a/\\*", "/a/b", false, false},
	{"/a/\\?", "/a/?", true, true},
	{"/a/b\\\\c", "/a/b\\c", true, true},
	/* reserved characters are literal for the matcher */
	{"/a/[x]", "/a/[x]", true, true},
	{"/etc/ssh/ssh_host_*_key", "/etc/ssh/ssh_host_rsa_key", true, true},
	{"/etc/ssh/ssh_host_*_key", "/etc/ssh/ssh_host_rsa_key.pub", false, false},
	{"/etc/sudoers*", "/etc/sudoers.d/README", false, true},
};

START_TEST(glob_table)
{
	for (size_t i = 0; i < sizeof(globs) / sizeof(globs[0]); i++) {
		ck_assert_msg(policy_glob_match(globs[i].glob, globs[i].path) == globs[i].match,
			      "%s ~ %s should be %d", globs[i].glob, globs[i].path, globs[i].match);
		ck_assert_msg(policy_glob_match_prefix(globs[i].glob, globs[i].path) ==
				      globs[i].prefix,
			      "prefix %s ~ %s should be %d", globs[i].glob, globs[i].path,
			      globs[i].prefix);
	}
}
END_TEST

START_TEST(glob_pathological)
{
	/* Backtracking stays polynomial: this would take ages with naive
	 * recursion. */
	char glob[600] = "", path[600] = "";
	for (int i = 0; i < 60; i++)
		strcat(glob, "/**/a");
	strcat(glob, "/b");
	for (int i = 0; i < 120; i++)
		strcat(path, "/a");
	ck_assert(!policy_glob_match(glob, path));
	char comp[300] = "/";
	for (int i = 0; i < 40; i++)
		strcat(comp, "*a");
	strcat(comp, "b");
	char name[300] = "/";
	for (int i = 0; i < 200; i++)
		strcat(name, "a");
	ck_assert(!policy_glob_match(comp, name));
}
END_TEST

START_TEST(glob_check_table)
{
	static const struct {
		const char *glob;
		bool ok;
	} t[] = {
		{"/", true},	     {"/a/b", true},	   {"/a/**", true},   {"/**/b", true},
		{"/a/*.py", true},   {"/a/\\[x\\]", true}, {"/a/\\*", true},  {"", false},
		{"a/b", false},	     {"/a/", false},	   {"/a//b", false},  {"/a/./b", false},
		{"/a/../b", false},  {"/a/b**", false},	   {"/a/***", false}, {"/a/[x]", false},
		{"/a/{b,c}", false}, {"/a/b\\", false},	   {"/..", false},    {"/a/.", false},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *why = NULL;
		int r = policy_glob_check(t[i].glob, &why);
		ck_assert_msg((r == 0) == t[i].ok, "'%s': %d (%s)", t[i].glob, r, why ? why : "");
	}
}
END_TEST

START_TEST(canonical_paths)
{
	ck_assert(policy_path_is_canonical("/"));
	ck_assert(policy_path_is_canonical("/a/b.c/..d"));
	ck_assert(!policy_path_is_canonical(""));
	ck_assert(!policy_path_is_canonical("a"));
	ck_assert(!policy_path_is_canonical("/a/"));
	ck_assert(!policy_path_is_canonical("//a"));
	ck_assert(!policy_path_is_canonical("/a/./b"));
	ck_assert(!policy_path_is_canonical("/a/.."));
	char long_path[POLICY_PATH_MAX + 2];
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	ck_assert(!policy_path_is_canonical(long_path));
}
END_TEST

START_TEST(env_names)
{
	ck_assert(policy_env_name_match("LANG", "LANG"));
	ck_assert(!policy_env_name_match("LANG", "LANGUAGE"));
	ck_assert(policy_env_name_match("LC_*", "LC_ALL"));
	ck_assert(policy_env_name_match("*_PROXY", "HTTPS_PROXY"));
	ck_assert(!policy_env_name_match("LC_*", "LANG"));
}
END_TEST

/* ---- lookups on compiled policies ---- */

START_TEST(last_match_wins)
{
	struct compiled c;
	compile_text(&c,
		     HEAD "filesystem:\n"
			  "  - {path: /**, access: read}\n"
			  "  - path: /data/**\n"
			  "    access: write\n"
			  "  - {path: /data/private/**, access: none}\n"
			  "  - {path: /data/private/ok, access: read}\n"
			  "hidden: [/etc/shadow, /srv/secret]\n",
		     NULL);
	uint32_t idx;
	const char *file;
	uint32_t line;
	ck_assert_int_eq(policy_file_access(&c.pv, "/usr/bin/ls", &idx), POLICY_ACCESS_READ);
	ck_assert_int_eq(policy_rule_origin(&c.pv, idx, &file, &line), 0);
	ck_assert_str_eq(file, "t.yaml");
	ck_assert_uint_eq(line, 4);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data", &idx), POLICY_ACCESS_WRITE);
	ck_assert_int_eq(policy_rule_origin(&c.pv, idx, &file, &line), 0);
	ck_assert_uint_eq(line, 5);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/x/y", NULL), POLICY_ACCESS_WRITE);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/private", &idx), POLICY_ACCESS_NONE);
	ck_assert_int_eq(policy_rule_origin(&c.pv, idx, NULL, &line), 0);
	ck_assert_uint_eq(line, 7);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/private/a/b", NULL), POLICY_ACCESS_NONE);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/private/ok", NULL), POLICY_ACCESS_READ);
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/private/ok/x", NULL), POLICY_ACCESS_NONE);
	/* Hidden: the path and everything below, whatever the rules say. */
	ck_assert_int_eq(policy_file_access(&c.pv, "/etc/shadow", &idx), POLICY_ACCESS_HIDDEN);
	ck_assert_str_eq(policy_rule_text(&c.pv, idx), "/etc/shadow");
	ck_assert_int_eq(policy_file_access(&c.pv, "/srv/secret/a/b", NULL), POLICY_ACCESS_HIDDEN);
	ck_assert_int_eq(policy_file_access(&c.pv, "/srv/secretx", NULL), POLICY_ACCESS_READ);
	ck_assert(policy_path_hidden(&c.pv, "/srv/secret", NULL));
	ck_assert(!policy_path_hidden(&c.pv, "/srv", NULL));
	/* Paths not in resolved form are refused. */
	ck_assert_int_eq(policy_file_access(&c.pv, "/data/../etc/shadow", &idx),
			 POLICY_ACCESS_NONE);
	ck_assert_uint_eq(idx, POLICY_NO_RULE);
	ck_assert_int_eq(policy_file_access(&c.pv, "data", NULL), POLICY_ACCESS_NONE);
	ck_assert_int_eq(policy_rule_origin(&c.pv, POLICY_NO_RULE, &file, &line), -ENOENT);
	compiled_free(&c);

	compile_text(&c, HEAD "filesystem: []\n", NULL);
	ck_assert_int_eq(policy_file_access(&c.pv, "/a", &idx), POLICY_ACCESS_UNSET);
	ck_assert_uint_eq(idx, POLICY_NO_RULE);
	compiled_free(&c);
}
END_TEST

START_TEST(exec_rules)
{
	struct compiled c;
	uint32_t idx, line;
	compile_text(&c, HEAD "exec:\n  deny: [/usr/bin/curl]\n", NULL);
	ck_assert(policy_exec_allowed(&c.pv, "/usr/bin/ls", &idx));
	ck_assert_uint_eq(idx, POLICY_NO_RULE);
	ck_assert(!policy_exec_allowed(&c.pv, "/usr/bin/curl", &idx));
	ck_assert_str_eq(policy_rule_text(&c.pv, idx), "/usr/bin/curl");
	compiled_free(&c);

	compile_text(&c,
		     HEAD "exec:\n"
			  "  allow:\n"
			  "    - /usr/bin/*\n"
			  "    - /opt/tools/**\n"
			  "  deny: [/usr/bin/curl, /opt/tools/bad/**]\n",
		     NULL);
	ck_assert(policy_exec_allowed(&c.pv, "/usr/bin/ls", &idx));
	ck_assert_str_eq(policy_rule_text(&c.pv, idx), "/usr/bin/*");
	ck_assert(policy_exec_allowed(&c.pv, "/opt/tools/x/y", NULL));
	ck_assert(!policy_exec_allowed(&c.pv, "/opt/tools/bad/y", NULL));
	ck_assert(!policy_exec_allowed(&c.pv, "/usr/bin/curl", NULL));
	/* Not in the allow list: the list itself is the rule. */
	ck_assert(!policy_exec_allowed(&c.pv, "/usr/sbin/x", &idx));
	ck_assert_int_eq(policy_rule(&c.pv, idx)->kind, POLICY_RULE_EXEC_ALLOWLIST);
	ck_assert_int_eq(policy_rule_origin(&c.pv, idx, NULL, &line), 0);
	ck_assert_uint_eq(line, 4);
	ck_assert(!policy_exec_allowed(&c.pv, "/usr/bin/../bin/ls", NULL));
	compiled_free(&c);

	/* An empty allow list allows nothing. */
	compile_text(&c, HEAD "exec:\n  allow: []\n", NULL);
	ck_assert(!policy_exec_allowed(&c.pv, "/usr/bin/ls", NULL));
	compiled_free(&c);
}
END_TEST

START_TEST(other_sections)
{
	struct compiled c;
	compile_text(&c,
		     HEAD
		     "name: all-of-it\n"
		     "syscalls:\n  deny: [ptrace, personality, ptrace]\n"
		     "env:\n  pass: [LANG, LC_*]\n  set: {A: \"1\", B: two, C: \"\"}\n"
		     "audit: {denied: false, allowed: true}\n"
		     "resources: {memory: 512Mi, pids: 100, cpu: 1.5, timeout: 10m, disk: 2G}\n"
		     "network:\n"
		     "  mode: egress\n"
		     "  allow:\n"
		     "    - {host: \"*.Example.com\", ports: [443, 8000-8100]}\n"
		     "    - {cidr: 10.1.0.0/16}\n"
		     "  deny:\n"
		     "    - {cidr: \"fd00::/8\", ports: [53]}\n",
		     NULL);
	ck_assert_str_eq(policy_name(&c.pv), "all-of-it");
	ck_assert_uint_eq(policy_syscall_deny_count(&c.pv), 2);
	ck_assert_int_eq(policy_syscall_deny_nr(&c.pv, 0), 101);
	ck_assert_int_eq(policy_syscall_deny_nr(&c.pv, 1), 135);
	ck_assert_int_eq(policy_syscall_deny_nr(&c.pv, 2), -ENOENT);
	ck_assert_uint_eq(policy_env_pass_count(&c.pv), 2);
	ck_assert(policy_env_pass_allows(&c.pv, "LC_ALL"));
	ck_assert(!policy_env_pass_allows(&c.pv, "OPENAI_API_KEY"));
	ck_assert_uint_eq(policy_env_set_count(&c.pv), 3);
	const char *v;
	ck_assert_str_eq(policy_env_set(&c.pv, 1, &v), "B");
	ck_assert_str_eq(v, "two");
	ck_assert_str_eq(policy_env_set(&c.pv, 2, &v), "C");
	ck_assert_str_eq(v, "");
	ck_assert_ptr_null(policy_env_set(&c.pv, 3, &v));
	ck_assert(!policy_audit_denied(&c.pv));
	ck_assert(policy_audit_allowed(&c.pv));
	const struct policy_resources *res = policy_resources(&c.pv);
	ck_assert_uint_eq(res->set, POLICY_RES_ALL);
	ck_assert_uint_eq(res->memory_bytes, 512ULL << 20);
	ck_assert_uint_eq(res->pids, 100);
	ck_assert_uint_eq(res->cpu_millicores, 1500);
	ck_assert_uint_eq(res->timeout_ms, 600000);
	ck_assert_uint_eq(res->disk_bytes, 2000000000ULL);
	ck_assert_int_eq(policy_net_mode(&c.pv), POLICY_NET_EGRESS);
	ck_assert_uint_eq(policy_net_rule_count(&c.pv), 4);
	const struct policy_net_rule *n = policy_net_rule(&c.pv, 1);
	ck_assert_int_eq(n->kind, POLICY_NET_HOST);
	ck_assert_int_eq(n->flags, POLICY_NET_F_WILDCARD);
	ck_assert_str_eq(policy_net_rule_host(&c.pv, 1), "example.com");
	ck_assert_uint_eq(n->port_lo, 8000);
	ck_assert_uint_eq(n->port_hi, 8100);
	n = policy_net_rule(&c.pv, 2);
	ck_assert_int_eq(n->kind, POLICY_NET_CIDR);
	ck_assert_uint_eq(n->prefix_len, 16);
	ck_assert_uint_eq(n->addr[0], 10);
	ck_assert_uint_eq(n->addr[1], 1);
	ck_assert_uint_eq(n->port_lo, 1);
	ck_assert_uint_eq(n->port_hi, 65535);
	n = policy_net_rule(&c.pv, 3);
	ck_assert_int_eq(n->flags, POLICY_NET_F_DENY);
	ck_assert_ptr_null(policy_net_rule(&c.pv, 4));
	compiled_free(&c);

	/* Defaults. */
	compile_text(&c, HEAD, NULL);
	ck_assert(policy_audit_denied(&c.pv));
	ck_assert(!policy_audit_allowed(&c.pv));
	ck_assert_int_eq(policy_net_mode(&c.pv), POLICY_NET_NONE);
	ck_assert_uint_eq(policy_resources(&c.pv)->set, 0);
	ck_assert_str_eq(policy_name(&c.pv), "t");
	compiled_free(&c);
}
END_TEST

/* ---- problems ---- */

static bool net_ok(const struct policy_view *pv, const char *addr, uint16_t port, uint32_t *rule)
{
	uint8_t a[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(family, addr, a), 1);
	return policy_net_allows(pv, family, a, port, rule);
}

static uint32_t net_line(const struct policy_view *pv, uint32_t rule)
{
	uint32_t line = 0;
	ck_assert_int_eq(policy_net_rule_origin(pv, rule, NULL, &line), 0);
	return line;
}

START_TEST(network_decisions)
{
	struct compiled c;
	compile_text(&c,
		     HEAD "network:\n"
			  "  mode: egress\n"
			  "  allow:\n"
			  "    - {cidr: 0.0.0.0/0, ports: [80, 443]}\n"
			  "    - {cidr: \"::/0\", ports: [443]}\n"
			  "    - {host: pypi.org}\n"
			  "    - {cidr: 169.254.10.0/24, ports: [8080]}\n"
			  "  deny:\n"
			  "    - {cidr: 10.0.0.0/8}\n"
			  "    - {cidr: 192.0.2.128/25, ports: [443]}\n",
		     NULL);
	uint32_t rule;
	/* rules as the lines that wrote them (one record per port range) */
	ck_assert(net_ok(&c.pv, "192.0.2.7", 443, &rule));
	ck_assert_uint_eq(net_line(&c.pv, rule), 6);
	ck_assert(!net_ok(&c.pv, "192.0.2.7", 22, &rule));
	ck_assert_uint_eq(rule, POLICY_NO_RULE);
	/* deny wins over allow, also through an IPv4-mapped IPv6 address */
	ck_assert(!net_ok(&c.pv, "10.9.8.7", 443, &rule));
	ck_assert_uint_eq(net_line(&c.pv, rule), 11);
	ck_assert(!net_ok(&c.pv, "::ffff:10.9.8.7", 443, &rule));
	ck_assert_uint_eq(net_line(&c.pv, rule), 11);
	ck_assert(net_ok(&c.pv, "::ffff:192.0.2.7", 80, NULL));
	/* a deny entry's ports limit it */
	ck_assert(!net_ok(&c.pv, "192.0.2.200", 443, &rule));
	ck_assert_uint_eq(net_line(&c.pv, rule), 12);
	ck_assert(net_ok(&c.pv, "192.0.2.200", 80, NULL));
	ck_assert(net_ok(&c.pv, "192.0.2.127", 443, NULL));
	/* link-local: 0.0.0.0/0 does not name it; an entry inside it does */
	ck_assert(!net_ok(&c.pv, "169.254.169.254", 80, NULL));
	ck_assert(!net_ok(&c.pv, "fe80::1", 443, NULL));
	ck_assert(net_ok(&c.pv, "169.254.10.1", 8080, &rule));
	ck_assert_uint_eq(net_line(&c.pv, rule), 9);
	ck_assert(net_ok(&c.pv, "2001:db8::1", 443, NULL));
	ck_assert(!net_ok(&c.pv, "2001:db8::1", 80, NULL));
	/* port 0 is nobody's */
	ck_assert(!net_ok(&c.pv, "192.0.2.7", 0, NULL));
	const char *file;
	uint32_t line;
	ck_assert_int_eq(policy_net_rule_origin(&c.pv, 0, &file, &line), 0);
	ck_assert_str_eq(file, "t.yaml");
	ck_assert_int_eq(policy_net_rule_origin(&c.pv, 99, &file, &line), -ENOENT);
	compiled_free(&c);

	/* Rules written in IPv4-mapped form are the IPv4 ranges they map. */
	compile_text(&c,
		     HEAD "network:\n"
			  "  mode: egress\n"
			  "  allow:\n"
			  "    - {cidr: \"::ffff:0.0.0.0/96\"}\n"
			  "  deny:\n"
			  "    - {cidr: \"::ffff:10.0.0.0/104\"}\n",
		     NULL);
	ck_assert(net_ok(&c.pv, "192.0.2.7", 443, NULL));
	ck_assert(net_ok(&c.pv, "::ffff:192.0.2.7", 443, NULL));
	ck_assert(!net_ok(&c.pv, "10.1.2.3", 443, NULL));
	ck_assert(!net_ok(&c.pv, "::ffff:10.1.2.3", 443, NULL));
	/* a mapped 0.0.0.0/0 does not name the link either */
	ck_assert(!net_ok(&c.pv, "169.254.169.254", 80, NULL));
	ck_assert(!net_ok(&c.pv, "2001:db8::1", 443, NULL));
	compiled_free(&c);

	compile_text(&c, HEAD "network:\n  mode: none\n", NULL);
	ck_assert(!net_ok(&c.pv, "192.0.2.7", 443, &rule));
	ck_assert_uint_eq(rule, POLICY_NO_RULE);
	compiled_free(&c);
}
END_TEST

START_TEST(problem_positions)
{
	expect_problem("", "t.yaml:1:1: an empty policy: expected a mapping with apiVersion: "
			   "runsc-c/v1 and kind: Policy");
	expect_problem("kind: Policy\n", "t.yaml:1:1: missing apiVersion (runsc-c/v1)");
	expect_problem("apiVersion: runsc-c/v2\nkind: Policy\n",
		       "t.yaml:1:13: apiVersion: expected runsc-c/v1, got 'runsc-c/v2'");
	expect_problem(HEAD "filesytem: []\n",
		       "t.yaml:3:1: unknown key 'filesytem' in the policy (did you mean "
		       "'filesystem'?)");
	expect_problem(HEAD "exec:\n  permit: []\n",
		       "t.yaml:4:3: unknown key 'permit' in exec (expected allow, deny)");
	expect_problem(HEAD "name: a\nname: b\n",
		       "t.yaml:4:1: duplicate key 'name' (first at line 3, column 1)");
	expect_problem(HEAD "filesystem: {path: /a}\n",
		       "t.yaml:3:13: filesystem: expected a list, got a mapping");
	expect_problem(HEAD "filesystem:\n  - path: /a\n    access: rw\n",
		       "t.yaml:5:13: access: expected none, read or write, got 'rw'");
	expect_problem(HEAD "filesystem:\n  - path: /a\n",
		       "t.yaml:4:5: a filesystem rule without access (none, read or write)");
	expect_problem(HEAD "filesystem:\n  - {path: a/b, access: read}\n",
		       "t.yaml:4:12: path: bad path 'a/b': a path must be absolute (start with "
		       "'/')");
	expect_problem(HEAD "filesystem:\n  - {path: '/a/b**', access: read}\n",
		       "t.yaml:4:12: path: bad path '/a/b**': '**' must be a whole path component");
	expect_problem(HEAD "hidden:\n  - /etc/[ab]\n",
		       "t.yaml:4:5: hidden: bad path '/etc/[ab]': '[', ']', '{' and '}' are "
		       "reserved; escape them with '\\' to match the character");
	expect_problem(HEAD "hidden: [/**]\n",
		       "t.yaml:3:10: hidden: '/**' would hide the root and everything in it");
	expect_problem(HEAD "tmpfs: [/x/*]\n",
		       "t.yaml:3:9: tmpfs: '/x/*' must be a plain path, without wildcards");
	expect_problem(HEAD "syscalls:\n  deny: [ptrace, ptrac]\n",
		       "t.yaml:4:18: syscalls.deny: unknown syscall 'ptrac' (did you mean "
		       "'ptrace'?)");
	expect_problem(HEAD "syscalls:\n  deny: [exit_group]\n",
		       "t.yaml:4:10: syscalls.deny: exit_group cannot be denied: every program "
		       "needs it");
	expect_problem(HEAD "audit:\n  denied: yes\n",
		       "t.yaml:4:11: audit.denied: expected true or false, got 'yes'");
	expect_problem(HEAD "resources:\n  memory: 12 MB\n",
		       "t.yaml:4:11: memory: expected a size such as 512Mi or 2G, got '12 MB'");
	/* pids: the parser of --pids (common/limits.h), its messages. */
	expect_problem(HEAD "resources:\n  pids: many\n",
		       "t.yaml:4:9: pids: 'many': expected a number of tasks from 2 to 4194304");
	expect_problem(HEAD "resources:\n  pids: 0\n",
		       "t.yaml:4:9: pids: '0': expected a number of tasks from 2 to 4194304");
	expect_problem(HEAD "resources:\n  pids: 1\n",
		       "t.yaml:4:9: pids: '1' is below what a sandbox needs to start: at least 2");
	expect_problem(HEAD "resources:\n  pids: 4194305\n",
		       "t.yaml:4:9: pids: '4194305': expected a number of tasks from 2 to 4194304");
	expect_problem(HEAD "resources:\n  pids: -5\n",
		       "t.yaml:4:9: pids: '-5': expected a number of tasks from 2 to 4194304");
	expect_problem(HEAD "resources:\n  pids: 1.5\n",
		       "t.yaml:4:9: pids: '1.5': expected a number of tasks from 2 to 4194304");
	expect_problem(HEAD "resources:\n  pids: \"12\\t\"\n",
		       "t.yaml:4:9: pids: '12\\x09': expected a number of tasks from 2 to "
		       "4194304");
	/* Sizes are Kubernetes quantities: the flags' 1.5G, 64m or 2GB are not. */
	expect_problem(HEAD "resources:\n  memory: 1.5G\n",
		       "t.yaml:4:11: memory: expected a size such as 512Mi or 2G, got '1.5G'");
	expect_problem(HEAD "resources:\n  disk: 64m\n",
		       "t.yaml:4:9: disk: expected a size such as 512Mi or 2G, got '64m'");
	expect_problem(HEAD "resources:\n  memory: 15Mi\n",
		       "t.yaml:4:11: memory: '15Mi' is below what a sandbox needs to start: at "
		       "least 16Mi");
	expect_problem(HEAD "resources:\n  timeout: 1d\n",
		       "t.yaml:4:12: timeout: expected a duration such as 30, 90s, 10m or 2h, got "
		       "'1d'");
	expect_problem(HEAD "network:\n  mode: egress\n  allow:\n    - {cidr: 10.0.0.1/8}\n",
		       "t.yaml:6:14: cidr: '10.0.0.1/8': bits are set below the prefix length");
	expect_problem(HEAD "network:\n  mode: egress\n  allow:\n    - {host: 'a..b'}\n",
		       "t.yaml:6:14: host: 'a..b' is not a DNS name (letters, digits and '-' in "
		       "labels separated by '.', optionally after '*.')");
	expect_problem(HEAD "network:\n  allow:\n    - {host: a.b}\n",
		       "t.yaml:5:7: network: allow entries need mode: egress");
	expect_problem(HEAD "env:\n  set: {A: 1, A: 2}\n",
		       "t.yaml:4:15: duplicate key 'A' (first at line 4, column 9)");
	expect_problem(HEAD "env:\n  pass: [A-B]\n",
		       "t.yaml:4:10: env.pass: 'A-B' is not a variable name (letters, digits, '_', "
		       "and '*' as a wildcard)");
	expect_problem(HEAD "name: [x]\n", "t.yaml:3:7: name: expected a string, got a list");
	expect_problem(HEAD "filesystem:\n  - {path: /a, access: read\n",
		       "t.yaml:5:1: syntax error: did not find expected ',' or '}' while parsing a "
		       "flow mapping");
	expect_problem(HEAD "x: &a 1\ny: *a\n",
		       "t.yaml:4:4: YAML aliases are not supported: write the value out");
	expect_problem(HEAD "---\n" HEAD,
		       "t.yaml:3:1: more than one YAML document in a policy file");
	expect_problem(HEAD "name: !!str x\n", "t.yaml:3:7: YAML tags are not supported");
	expect_problem("- a\n", "t.yaml:1:1: a policy is a mapping (apiVersion, kind, filesystem, "
				"...), got a list");
}
END_TEST

START_TEST(all_problems_of_a_file)
{
	struct policy_problems pr = {0};
	const char *text = HEAD "bogus: 1\n"
				"filesystem:\n  - {path: rel, access: read}\n"
				"syscalls: {deny: [nosuchcall]}\n";
	ck_assert_ptr_null(load(text, &pr));
	ck_assert_uint_eq(pr.n, 3);
	ck_assert_str_eq(
		pr.lines[0],
		"t.yaml:3:1: unknown key 'bogus' in the policy (expected apiVersion, kind, "
		"name, description, extends, filesystem, hidden, tmpfs, exec, network, "
		"resources, syscalls, env, audit)");
	ck_assert(strncmp(pr.lines[1], "t.yaml:5:12: ", 13) == 0);
	ck_assert(strncmp(pr.lines[2], "t.yaml:6:19: ", 13) == 0);
	policy_problems_free(&pr);

	/* A file full of problems stops at a bound. */
	char *big = malloc(200000);
	strcpy(big, HEAD);
	for (int i = 0; i < 500; i++)
		sprintf(big + strlen(big), "k%d: 1\n", i);
	ck_assert_ptr_null(load(big, &pr));
	ck_assert_uint_eq(pr.n, 101);
	ck_assert(strstr(pr.lines[100], "too many problems"));
	policy_problems_free(&pr);
	free(big);
}
END_TEST

START_TEST(deep_nesting)
{
	char text[4096] = HEAD "x: ";
	for (int i = 0; i < 100; i++)
		strcat(text, "[");
	struct policy_problems pr = {0};
	ck_assert_ptr_null(load(text, &pr));
	ck_assert_uint_eq(pr.n, 1);
	ck_assert(strstr(pr.lines[0], "nested more than 32 levels deep"));
	policy_problems_free(&pr);
}
END_TEST

/* ---- extends ---- */

START_TEST(extends_merge)
{
	make_tmpdir();
	write_file("base.yaml", HEAD "name: base\ndescription: the base\n"
				     "filesystem:\n  - {path: /**, access: read}\n"
				     "hidden: [/secret]\n"
				     "exec: {deny: [/usr/bin/curl]}\n"
				     "resources: {memory: 1Gi, pids: 10}\n"
				     "env: {pass: [TERM], set: {A: a, B: b}}\n"
				     "audit: {allowed: true}\n"
				     "network: {mode: egress, allow: [{host: pypi.org}]}\n");
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	write_file("sub/child.yaml", HEAD "extends: ../base.yaml\n"
					  "filesystem:\n  - {path: /tmp/**, access: write}\n"
					  "exec: {allow: [/usr/bin/*]}\n"
					  "resources: {pids: 20}\n"
					  "env: {pass: [LANG], set: {B: bb, C: c}}\n"
					  "network: {allow: [{host: github.com}]}\n");
	char path[256];
	snprintf(path, sizeof(path), "%s/sub/child.yaml", tmpdir);
	struct policy_problems pr = {0};
	struct policy_doc *doc = policy_load(path, NULL, &pr);
	ck_assert_msg(doc, "%s", pr.n ? pr.lines[0] : "");
	ck_assert_str_eq(policy_doc_name(doc), "child");
	void *blob;
	size_t len;
	ck_assert_int_eq(policy_compile(doc, NULL, &blob, &len), 0);
	struct policy_view pv;
	ck_assert_int_eq(policy_view_init(&pv, blob, len), 0);
	/* Rule lists append, the parent's first. */
	ck_assert_uint_eq(policy_rule_count(&pv, POLICY_RULE_FILE), 2);
	ck_assert_str_eq(policy_rule_text(&pv, 0), "/**");
	ck_assert_str_eq(policy_rule_text(&pv, 1), "/tmp/**");
	const char *file;
	uint32_t line;
	ck_assert_int_eq(policy_rule_origin(&pv, 0, &file, &line), 0);
	ck_assert(strstr(file, "/sub/../base.yaml"));
	ck_assert_uint_eq(line, 6);
	ck_assert_int_eq(policy_file_access(&pv, "/tmp/x", NULL), POLICY_ACCESS_WRITE);
	ck_assert_int_eq(policy_file_access(&pv, "/etc/x", NULL), POLICY_ACCESS_READ);
	ck_assert(policy_path_hidden(&pv, "/secret", NULL));
	ck_assert(!policy_exec_allowed(&pv, "/usr/bin/curl", NULL));
	ck_assert(policy_exec_allowed(&pv, "/usr/bin/ls", NULL));
	/* Scalars and mappings override key by key. */
	const struct policy_resources *res = policy_resources(&pv);
	ck_assert_uint_eq(res->memory_bytes, 1ULL << 30);
	ck_assert_uint_eq(res->pids, 20);
	ck_assert(policy_audit_denied(&pv));
	ck_assert(policy_audit_allowed(&pv));
	ck_assert_uint_eq(policy_env_pass_count(&pv), 2);
	ck_assert_uint_eq(policy_env_set_count(&pv), 3);
	const char *v;
	ck_assert_str_eq(policy_env_set(&pv, 0, &v), "A");
	ck_assert_str_eq(v, "a");
	ck_assert_str_eq(policy_env_set(&pv, 1, &v), "B");
	ck_assert_str_eq(v, "bb");
	ck_assert_str_eq(policy_env_set(&pv, 2, &v), "C");
	ck_assert_int_eq(policy_net_mode(&pv), POLICY_NET_EGRESS);
	ck_assert_uint_eq(policy_net_rule_count(&pv), 2);
	free(blob);
	policy_doc_free(doc);

	/* A child that turns the network off drops its parent's entries. */
	write_file("off.yaml", HEAD "extends: base.yaml\nnetwork: {mode: none}\n");
	snprintf(path, sizeof(path), "%s/off.yaml", tmpdir);
	doc = policy_load(path, NULL, &pr);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(policy_compile(doc, NULL, &blob, &len), 0);
	ck_assert_int_eq(policy_view_init(&pv, blob, len), 0);
	ck_assert_int_eq(policy_net_mode(&pv), POLICY_NET_NONE);
	ck_assert_uint_eq(policy_net_rule_count(&pv), 0);
	free(blob);
	policy_doc_free(doc);
	rm_tmpdir();
}
END_TEST

START_TEST(extends_problems)
{
	make_tmpdir();
	char path[256], want[512];
	struct policy_problems pr = {0};

	write_file("a.yaml", HEAD "extends: b.yaml\n");
	write_file("b.yaml", HEAD "name: b\nextends: ./a.yaml\n");
	snprintf(path, sizeof(path), "%s/a.yaml", tmpdir);
	ck_assert_ptr_null(policy_load(path, NULL, &pr));
	ck_assert_uint_eq(pr.n, 1);
	snprintf(want, sizeof(want),
		 "%s/b.yaml:4:10: extends: a cycle: %s/a.yaml -> %s/b.yaml -> %s/./a.yaml", tmpdir,
		 tmpdir, tmpdir, tmpdir);
	ck_assert_str_eq(pr.lines[0], want);
	policy_problems_free(&pr);

	write_file("self.yaml", HEAD "extends: self.yaml\n");
	snprintf(path, sizeof(path), "%s/self.yaml", tmpdir);
	ck_assert_ptr_null(policy_load(path, NULL, &pr));
	ck_assert_uint_eq(pr.n, 1);
	ck_assert(strstr(pr.lines[0], "self.yaml:3:10: extends: a cycle: "));
	policy_problems_free(&pr);

	write_file("m.yaml", HEAD "extends: missing.yaml\n");
	snprintf(path, sizeof(path), "%s/m.yaml", tmpdir);
	ck_assert_ptr_null(policy_load(path, NULL, &pr));
	ck_assert_uint_eq(pr.n, 1);
	snprintf(want, sizeof(want),
		 "%s/m.yaml:3:10: extends: cannot read '%s/missing.yaml': No such file or "
		 "directory",
		 tmpdir, tmpdir);
	ck_assert_str_eq(pr.lines[0], want);
	policy_problems_free(&pr);

	/* A shipped name that does not exist, with a search path of our own. */
	const char *dirs[] = {tmpdir};
	struct policy_load_opts opts = {.search_dirs = dirs, .nsearch_dirs = 1};
	const char *text = HEAD "extends: nosuch\n";
	ck_assert_ptr_null(policy_load_buffer("x.yaml", text, strlen(text), &opts, &pr));
	snprintf(want, sizeof(want),
		 "x.yaml:3:10: extends: no shipped profile named 'nosuch' (looked in %s)", tmpdir);
	ck_assert_str_eq(pr.lines[0], want);
	policy_problems_free(&pr);

	/* Problems of the parent name the parent; the child's own come first. */
	write_file("badparent.yaml", HEAD "filesystem: 3\n");
	write_file("kid.yaml", HEAD "extends: badparent.yaml\nbogus: 1\n");
	snprintf(path, sizeof(path), "%s/kid.yaml", tmpdir);
	ck_assert_ptr_null(policy_load(path, NULL, &pr));
	ck_assert_uint_eq(pr.n, 2);
	ck_assert(strstr(pr.lines[0], "/kid.yaml:4:1: unknown key 'bogus'"));
	ck_assert(strstr(pr.lines[1], "/badparent.yaml:3:13: filesystem: expected a list"));
	policy_problems_free(&pr);

	/* Only shipped names where asked. */
	opts.shipped_only = true;
	text = HEAD "extends: /etc/passwd\n";
	ck_assert_ptr_null(policy_load_buffer("x.yaml", text, strlen(text), &opts, &pr));
	ck_assert(strstr(pr.lines[0], "only shipped profile names"));
	policy_problems_free(&pr);

	/* Not a regular file. */
	text = HEAD "extends: /dev/zero\n";
	ck_assert_ptr_null(policy_load_buffer("x.yaml", text, strlen(text), NULL, &pr));
	ck_assert_str_eq(pr.lines[0], "x.yaml:3:10: extends: cannot read '/dev/zero': not a "
				      "regular file");
	policy_problems_free(&pr);
	rm_tmpdir();
}
END_TEST

START_TEST(shipped_profiles)
{
	const char *names[] = {"default", "strict", "python-data-analysis", "web-scraper",
			       "coding-agent"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct policy_problems pr = {0};
		struct policy_doc *doc = policy_load(names[i], NULL, &pr);
		ck_assert_msg(doc, "%s: %s", names[i], pr.n ? pr.lines[0] : "");
		ck_assert_str_eq(policy_doc_name(doc), names[i]);
		void *blob;
		size_t len;
		ck_assert_int_eq(policy_compile(doc, NULL, &blob, &len), 0);
		struct policy_view pv;
		ck_assert_int_eq(policy_view_init(&pv, blob, len), 0);
		/* Every profile keeps the host's secrets out of the view. */
		ck_assert_int_eq(policy_file_access(&pv, "/etc/shadow", NULL),
				 POLICY_ACCESS_HIDDEN);
		ck_assert_int_eq(policy_file_access(&pv, "/etc/sudoers.d/x", NULL),
				 POLICY_ACCESS_HIDDEN);
		ck_assert(!policy_env_pass_allows(&pv, "OPENAI_API_KEY"));
		free(blob);
		policy_doc_free(doc);
	}
	struct policy_problems pr = {0};
	struct policy_doc *doc = policy_load("strict", NULL, &pr);
	void *blob;
	size_t len;
	struct policy_view pv;
	ck_assert_int_eq(policy_compile(doc, NULL, &blob, &len), 0);
	ck_assert_int_eq(policy_view_init(&pv, blob, len), 0);
	ck_assert_int_eq(policy_file_access(&pv, "/usr/bin/ls", NULL), POLICY_ACCESS_READ);
	ck_assert_int_eq(policy_file_access(&pv, "/tmp/x", NULL), POLICY_ACCESS_WRITE);
	ck_assert(policy_exec_allowed(&pv, "/usr/bin/ls", NULL));
	ck_assert(!policy_exec_allowed(&pv, "/usr/local/bin/x", NULL));
	ck_assert(!policy_exec_allowed(&pv, "/tmp/a.out", NULL));
	free(blob);
	policy_doc_free(doc);
}
END_TEST

/* Strips the comments `show` adds, to compare two outputs. */
static char *strip_comments(const char *text)
{
	char *out = strdup(text);
	char *o = out;
	for (const char *line = text; *line;) {
		const char *nl = strchrnul(line, '\n');
		const char *hash = strstr(line, "  # ");
		size_t n = (size_t)(nl - line);
		if (line[0] == '#')
			n = 0;
		else if (hash && hash < nl)
			n = (size_t)(hash - line);
		memcpy(o, line, n);
		o += n;
		if (n)
			*o++ = '\n';
		line = *nl ? nl + 1 : nl;
	}
	*o = '\0';
	return out;
}

static char *show(struct policy_doc *doc)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	ck_assert_int_eq(policy_doc_print(doc, NULL, f), 0);
	fclose(f);
	return buf;
}

START_TEST(show_reparses)
{
	const char *names[] = {"default", "strict", "python-data-analysis", "web-scraper",
			       "coding-agent"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct policy_problems pr = {0};
		struct policy_doc *doc = policy_load(names[i], NULL, &pr);
		ck_assert_ptr_nonnull(doc);
		char *first = show(doc);
		struct policy_doc *again =
			policy_load_buffer("shown.yaml", first, strlen(first), NULL, &pr);
		ck_assert_msg(again, "%s: %s", names[i], pr.n ? pr.lines[0] : "");
		char *second = show(again);
		char *a = strip_comments(first), *b = strip_comments(second);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		free(first);
		free(second);
		policy_doc_free(doc);
		policy_doc_free(again);
	}

	/* Strings that need quoting survive. */
	struct policy_problems pr = {0};
	struct policy_doc *doc = load(HEAD "description: \"a: b # c\\n\\\"d\\\"\"\n"
					   "env: {set: {A: 'yes', B: '1.5', C: '', D: \"x\\ty\", "
					   "E: \"\\x85\\u2028\\xe9\\U0001F600\\x9f\"}}\n"
					   "filesystem: [{path: '/a b/c\\*', access: none}]\n",
				      &pr);
	ck_assert_ptr_nonnull(doc);
	char *first = show(doc);
	struct policy_doc *again = policy_load_buffer("s.yaml", first, strlen(first), NULL, &pr);
	ck_assert_msg(again, "%s\n%s", first, pr.n ? pr.lines[0] : "");
	char *second = show(again);
	char *a = strip_comments(first), *b = strip_comments(second);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	free(first);
	free(second);
	policy_doc_free(doc);
	policy_doc_free(again);
}
END_TEST

/* ---- the blob ---- */

START_TEST(blob_validation)
{
	struct compiled c;
	compile_text(&c,
		     HEAD "filesystem: [{path: /**, access: read}, {path: /w/**, access: write}]\n"
			  "hidden: [/h]\nexec: {allow: [/usr/bin/*], deny: [/usr/bin/x]}\n"
			  "env: {pass: [A], set: {B: c}}\nsyscalls: {deny: [ptrace]}\n"
			  "network: {mode: egress, allow: [{host: a.b}, {cidr: 1.0.0.0/8}]}\n",
		     NULL);
	/* Every truncation is refused. */
	for (size_t n = 0; n < c.len; n++)
		ck_assert_int_ne(policy_blob_validate(c.blob, n), 0);
	/* So is a longer buffer: total_size must match. */
	uint8_t *copy = malloc(c.len + 8);
	memcpy(copy, c.blob, c.len);
	ck_assert_int_eq(policy_blob_validate(copy, c.len), 0);
	ck_assert_int_eq(policy_blob_validate(copy, c.len + 8), -EINVAL);
	/* A misaligned blob is refused. */
	memmove(copy + 1, copy, c.len);
	ck_assert_int_eq(policy_blob_validate(copy + 1, c.len), -EINVAL);
	memmove(copy, copy + 1, c.len);

	struct policy_header *h = (void *)copy;
	struct policy_header saved = *h;
	h->magic ^= 1;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->version = POLICY_VERSION + 1;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EPROTO);
	*h = saved;
	h->rules.count += 1;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->rules.off = 0xfffffff8u;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->rules.off += 4;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->strings_size += 1;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->net_mode = 7;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->rule_count[POLICY_RULE_FILE]--;
	h->rule_count[POLICY_RULE_HIDDEN]++;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	h->env_pass_count = 5;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	*h = saved;
	/* The string table must end in a NUL. */
	copy[c.len - 1] = 'x';
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	copy[c.len - 1] = '\0';
	/* A string offset out of range, an unknown access. */
	struct policy_rule *r = (void *)(copy + h->rules.off);
	uint32_t glob = r[0].glob;
	r[0].glob = h->strings_size;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	r[0].glob = glob;
	r[0].access = POLICY_ACCESS_HIDDEN;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), -EINVAL);
	r[0].access = POLICY_ACCESS_READ;
	ck_assert_int_eq(policy_blob_validate(copy, c.len), 0);

	/* Any single corrupted byte: refused, or accepted and safe to use. */
	for (size_t i = 0; i < c.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			copy[i] ^= (uint8_t)(1u << bit);
			struct policy_view pv;
			if (policy_view_init(&pv, copy, c.len) == 0) {
				policy_file_access(&pv, "/w/x", NULL);
				policy_exec_allowed(&pv, "/usr/bin/x", NULL);
				policy_env_pass_allows(&pv, "A");
				for (uint32_t k = 0; k < pv.hdr->rules.count; k++)
					policy_rule_origin(&pv, k, NULL, NULL);
				policy_net_rule_host(&pv, 0);
				policy_env_set(&pv, 0, NULL);
			}
			copy[i] ^= (uint8_t)(1u << bit);
		}
	}
	free(copy);
	compiled_free(&c);
}
END_TEST

/* ---- published ports ---- */

START_TEST(publish_grammar)
{
	static const struct {
		const char *text, *canon; /* canon NULL: refused */
	} cases[] = {
		{"8080:80", "8080:80/tcp"},
		{"8080:80/tcp", "8080:80/tcp"},
		{"53:5353/udp", "53:5353/udp"},
		{"127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp"},
		{"[::1]:8080:80/udp", "[::1]:8080:80/udp"},
		{"[2001:DB8::1]:1:65535", "[2001:db8::1]:1:65535/tcp"},
		{"65535:1", "65535:1/tcp"},
		{"", NULL},
		{"80", NULL},
		{":80", NULL},
		{"80:", NULL},
		{"0:80", NULL},
		{"80:0", NULL},
		{"65536:80", NULL},
		{"080000:80", NULL},
		{"+80:80", NULL},
		{"-1:80", NULL},
		{"80:80/", NULL},
		{"80:80/TCP", NULL},
		{"80:80/sctp", NULL},
		{"80:80/udp/udp", NULL},
		{"1.2.3:80:80", NULL},
		{"1.2.3.4.5:80:80", NULL},
		{"::1:80:80", NULL},
		{"[::1]80:80", NULL},
		{"[::1:80:80", NULL},
		{"[1.2.3.4]:80:80", NULL},
		{"[fe80::1%eth0]:80:80", NULL},
		{"localhost:80:80", NULL},
		{"1.2.3.4:80:80:80", NULL},
		{" 80:80", NULL},
		{"80:80 ", NULL},
		{"0000000000000000000000000000000000000000000000000000000000000000000000080:80",
		 NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct publish p;
		const char *why = publish_parse(cases[i].text, &p);
		if (!cases[i].canon) {
			ck_assert_msg(why, "'%s' accepted", cases[i].text);
			continue;
		}
		ck_assert_msg(!why, "'%s': %s", cases[i].text, why);
		char text[PUBLISH_TEXT_MAX], again[PUBLISH_TEXT_MAX];
		publish_format(&p, text, sizeof(text));
		ck_assert_str_eq(text, cases[i].canon);
		/* The canonical form reads back the same. */
		struct publish q;
		ck_assert_ptr_null(publish_parse(text, &q));
		publish_format(&q, again, sizeof(again));
		ck_assert_str_eq(again, text);
	}
	struct publish a, b;
	publish_parse("127.0.0.1:8080:80", &a);
	publish_parse("[::1]:8080:81", &b);
	ck_assert(publish_conflict(&a, &b));
	publish_parse("8080:80/udp", &b);
	ck_assert(!publish_conflict(&a, &b));
	char spec[PUBLISH_TEXT_MAX];
	publish_parse("[::1]:8080:80/udp", &a);
	publish_pasta_spec(&a, spec, sizeof(spec));
	ck_assert_str_eq(spec, "::1/8080:80");
}
END_TEST

START_TEST(publish_section)
{
	struct compiled c;
	compile_text(&c,
		     HEAD "network:\n  mode: egress\n  publish: ['127.0.0.1:8080:80', 53:53/udp]\n",
		     NULL);
	ck_assert_uint_eq(policy_publish_count(&c.pv), 2);
	struct publish p;
	ck_assert_int_eq(policy_publish(&c.pv, 1, &p), 0);
	ck_assert_uint_eq(p.proto, IPPROTO_UDP);
	ck_assert_uint_eq(p.host_port, 53);
	ck_assert_int_eq(policy_publish(&c.pv, 2, &p), -ENOENT);
	/* A corrupted record is refused. */
	struct policy_header *h = c.blob;
	struct policy_publish *rec = (void *)((uint8_t *)c.blob + h->publish.off);
	rec[0].proto = 1;
	ck_assert_int_eq(policy_blob_validate(c.blob, c.len), -EINVAL);
	rec[0].proto = IPPROTO_TCP;
	rec[0].host_port = 0;
	ck_assert_int_eq(policy_blob_validate(c.blob, c.len), -EINVAL);
	rec[0].host_port = 8080;
	rec[0].family = AF_UNIX;
	ck_assert_int_eq(policy_blob_validate(c.blob, c.len), -EINVAL);
	rec[0].family = AF_INET;
	ck_assert_int_eq(policy_blob_validate(c.blob, c.len), 0);
	/* Publishing without egress is not a valid blob. */
	h->net_mode = POLICY_NET_NONE;
	ck_assert_int_eq(policy_blob_validate(c.blob, c.len), -EINVAL);
	compiled_free(&c);

	expect_problem(HEAD "network:\n  mode: egress\n  publish: [8080:80, '[::1]:8080:81']\n",
		       "t.yaml:5:22: network.publish: '[::1]:8080:81': the host port is already "
		       "published by the entry at line 5");
}
END_TEST

/* ---- canonicalisation ---- */

static int open_dir(const char *sub)
{
	char path[256];
	snprintf(path, sizeof(path), "%s%s", tmpdir, sub);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void expect_canon(const struct policy_root *root, const char *glob, bool follow,
			 const char *want)
{
	char *out = NULL;
	ck_assert_int_eq(policy_canon_glob(root, glob, follow, &out), 0);
	ck_assert_msg(strcmp(out, want) == 0, "%s -> %s, want %s", glob, out, want);
	free(out);
}

static void sh(const char *script)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", tmpdir, script);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(canonicalise)
{
	make_tmpdir();
	sh("mkdir -p root/usr/bin root/usr/lib64 root/etc/ssh root/vol-target root/data "
	   "other/dir && ln -s usr/bin root/bin && ln -s /usr/lib64 root/lib64 && "
	   "ln -s ../../../../../../usr root/etc/up && ln -s loop2 root/loop1 && "
	   "ln -s loop1 root/loop2 && touch root/usr/bin/dash && ln -s dash root/usr/bin/sh && "
	   "ln -s /etc/../usr/bin root/etc/abs && ln -s 'we*rd' root/data/link && "
	   "mkdir 'root/data/we*rd' && ln -s /outside root/data/out && "
	   "ln -s /vol/x root/data/tovol && ln -s sub other/dir/lnk");
	int root_fd = open_dir("/root");
	int vol_fd = open_dir("/other");
	struct policy_mount mounts[] = {{"/vol", vol_fd}, {"/proc", -1}};
	struct policy_root root = {.rootfs_fd = root_fd, .mounts = mounts, .nmounts = 2};

	expect_canon(&root, "/bin/*", true, "/usr/bin/*");
	expect_canon(&root, "/bin", true, "/usr/bin");
	expect_canon(&root, "/bin/**", true, "/usr/bin/**");
	expect_canon(&root, "/bin/sh", true, "/usr/bin/dash");
	expect_canon(&root, "/bin/sh", false, "/usr/bin/sh");
	expect_canon(&root, "/lib64/x.so", true, "/usr/lib64/x.so");
	/* ".." and absolute targets stay inside the root. */
	expect_canon(&root, "/etc/up/bin/*", true, "/usr/bin/*");
	expect_canon(&root, "/etc/abs/x", true, "/usr/bin/x");
	expect_canon(&root, "/data/out/x", true, "/outside/x");
	/* Loops are left as written. */
	expect_canon(&root, "/loop1/x", true, "/loop1/x");
	/* Missing names are kept, wildcards end the resolution. */
	expect_canon(&root, "/nonexistent/a/b", true, "/nonexistent/a/b");
	expect_canon(&root, "/*/bin", true, "/*/bin");
	expect_canon(&root, "/", true, "/");
	expect_canon(&root, "/**", true, "/**");
	/* A resolved name with glob characters matches only itself. */
	expect_canon(&root, "/data/link/x", true, "/data/we\\*rd/x");
	/* Mounts of the view: a volume resolves in its own directory, a
	 * synthesized file system not at all. */
	expect_canon(&root, "/vol/dir/lnk/f", true, "/vol/dir/sub/f");
	expect_canon(&root, "/data/tovol/dir/lnk", true, "/vol/x/dir/lnk");
	expect_canon(&root, "/proc/self/x", true, "/proc/self/x");

	/* Compiled: a rule on a link holds for the link and its target. */
	struct compiled c;
	compile_text(&c,
		     HEAD "filesystem:\n  - {path: /bin/sh, access: none}\n"
			  "  - {path: /bin/*, access: read}\n"
			  "hidden: [/bin/sh]\nexec: {allow: [/bin/*]}\n",
		     &root);
	ck_assert_uint_eq(policy_rule_count(&c.pv, POLICY_RULE_FILE), 3);
	ck_assert_str_eq(policy_rule_glob(&c.pv, 0), "/usr/bin/sh");
	ck_assert_int_eq(policy_rule(&c.pv, 0)->flags, POLICY_RULE_F_ALIAS);
	ck_assert_str_eq(policy_rule_glob(&c.pv, 1), "/usr/bin/dash");
	ck_assert_str_eq(policy_rule_text(&c.pv, 1), "/bin/sh");
	ck_assert_str_eq(policy_rule_glob(&c.pv, 2), "/usr/bin/*");
	uint32_t first = policy_rule_first(&c.pv, POLICY_RULE_HIDDEN);
	ck_assert_str_eq(policy_rule_glob(&c.pv, first), "/usr/bin/sh");
	ck_assert(policy_exec_allowed(&c.pv, "/usr/bin/dash", NULL));
	ck_assert_int_eq(policy_file_access(&c.pv, "/usr/bin/ls", NULL), POLICY_ACCESS_READ);
	compiled_free(&c);

	close(root_fd);
	close(vol_fd);
	rm_tmpdir();
}
END_TEST

START_TEST(canonicalise_host)
{
	/* On Debian 12 /bin is a link to usr/bin. */
	char target[64];
	ssize_t n = readlink("/bin", target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	if (strcmp(target, "usr/bin") != 0 && strcmp(target, "/usr/bin") != 0)
		return;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct policy_root root = {.rootfs_fd = fd};
	expect_canon(&root, "/bin/*", true, "/usr/bin/*");
	expect_canon(&root, "/bin/python3*", true, "/usr/bin/python3*");
	close(fd);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("glob");
	tcase_add_test(t, glob_table);
	tcase_add_test(t, glob_pathological);
	tcase_add_test(t, glob_check_table);
	tcase_add_test(t, canonical_paths);
	tcase_add_test(t, env_names);
	suite_add_tcase(s, t);

	t = tcase_create("lookups");
	tcase_add_test(t, last_match_wins);
	tcase_add_test(t, exec_rules);
	tcase_add_test(t, other_sections);
	tcase_add_test(t, network_decisions);
	suite_add_tcase(s, t);

	t = tcase_create("parse");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, problem_positions);
	tcase_add_test(t, all_problems_of_a_file);
	tcase_add_test(t, deep_nesting);
	tcase_add_test(t, extends_merge);
	tcase_add_test(t, extends_problems);
	tcase_add_test(t, shipped_profiles);
	tcase_add_test(t, show_reparses);
	suite_add_tcase(s, t);

	t = tcase_create("blob");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, blob_validation);
	tcase_add_test(t, publish_grammar);
	tcase_add_test(t, publish_section);
	tcase_add_test(t, canonicalise);
	tcase_add_test(t, canonicalise_host);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
