/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the policy parser. Each input is parsed as a policy
 * file; `extends` may name the shipped profiles only (FUZZ_POLICY_DIR). A
 * valid input must also print as YAML that parses again to the same
 * printout, compile into a blob that validates, and answer lookups; and the
 * blob with one byte changed (chosen by the input) must be refused or be
 * safe to use. Anything else aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/policy.h"
#include "syscalls/table.h"

/* A few rows of the syscall table: the parser only needs names. */
#define ROW(n, s, c)                               \
	{                                          \
		.nr = (n), .name = (s), .cls = (c) \
	}
const struct sc_row sc_table[] = {
	ROW(0, "read", SC_NATIVE),
	ROW(15, "rt_sigreturn", SC_NATIVE),
	ROW(59, "execve", SC_EXEC),
	ROW(60, "exit", SC_NATIVE),
	ROW(101, "ptrace", SC_DENIED),
	ROW(135, "personality", SC_NATIVE),
	ROW(165, "mount", SC_DENIED),
	ROW(170, "sethostname", SC_SENTRY),
	ROW(171, "setdomainname", SC_SENTRY),
	ROW(231, "exit_group", SC_NATIVE),
	ROW(237, "mbind", SC_NATIVE),
	ROW(238, "set_mempolicy", SC_NATIVE),
	ROW(279, "move_pages", SC_NATIVE),
};
const size_t sc_table_len = sizeof(sc_table) / sizeof(sc_table[0]);

const struct sc_row *sc_lookup_name(const char *name)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		if (strcmp(sc_table[i].name, name) == 0)
			return &sc_table[i];
	}
	return NULL;
}

static const char *search_dir(void)
{
	const char *dir = getenv("FUZZ_POLICY_DIR");
	return dir ? dir : "policies";
}

static char *print(const struct policy_doc *doc, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f || policy_doc_print(doc, NULL, f) < 0)
		abort();
	fclose(f);
	return buf;
}

/* What `show` prints without its comments, to compare two printouts. */
static void strip_comments(char *s)
{
	char *o = s;
	for (char *line = s; *line;) {
		char *nl = strchrnul(line, '\n');
		char *hash = strstr(line, "  # ");
		size_t n = (size_t)(nl - line);
		if (line[0] == '#')
			n = 0;
		else if (hash && hash < nl)
			n = (size_t)(hash - line);
		memmove(o, line, n);
		o += n;
		if (n)
			*o++ = '\n';
		line = *nl ? nl + 1 : nl;
	}
	*o = '\0';
}

static void lookups(const struct policy_view *pv)
{
	static const char *const paths[] = {"/",	"/etc/shadow", "/usr/bin/python3",
					    "/tmp/x/y", "/data/a/b/c", "/work/.git/config",
					    "/a/../b"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		uint32_t idx;
		const char *file;
		uint32_t line;
		policy_file_access(pv, paths[i], &idx);
		policy_rule_origin(pv, idx, &file, &line);
		policy_exec_allowed(pv, paths[i], &idx);
		policy_rule_origin(pv, idx, &file, &line);
		policy_path_hidden(pv, paths[i], NULL);
	}
	policy_env_pass_allows(pv, "LANG");
	for (uint32_t i = 0; i < policy_env_set_count(pv); i++)
		policy_env_set(pv, i, NULL);
	for (uint32_t i = 0; i < policy_net_rule_count(pv); i++)
		policy_net_rule_host(pv, i);
	for (uint32_t i = 0; i < policy_publish_count(pv); i++) {
		struct publish p;
		policy_publish(pv, i, &p);
	}
	for (uint32_t i = 0; i < policy_syscall_deny_count(pv); i++)
		policy_syscall_deny_nr(pv, i);
	policy_name(pv);
}

static void check_blob(const struct policy_doc *doc, const uint8_t *data, size_t size)
{
	void *blob;
	size_t len;
	if (policy_compile(doc, NULL, &blob, &len) < 0)
		return;
	struct policy_view pv;
	if (policy_view_init(&pv, blob, len) != 0)
		abort();
	lookups(&pv);
	if (size >= 2) {
		uint8_t *b = blob;
		size_t at = ((size_t)data[0] << 8 | data[1]) % len;
		b[at] ^= data[size - 1] | 1;
		if (policy_view_init(&pv, blob, len) == 0)
			lookups(&pv);
	}
	free(blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dirs[] = {search_dir()};
	struct policy_load_opts opts = {
		.search_dirs = dirs, .nsearch_dirs = 1, .shipped_only = true};
	struct policy_problems pr = {0};
	struct policy_doc *doc =
		policy_load_buffer("fuzz.yaml", (const char *)data, size, &opts, &pr);
	policy_problems_free(&pr);
	if (!doc)
		return 0;

	size_t len1, len2;
	char *first = print(doc, &len1);
	struct policy_doc *again = policy_load_buffer("shown.yaml", first, len1, &opts, &pr);
	if (!again) {
		fprintf(stderr, "the printout does not parse: %s\n%s\n", pr.lines[0], first);
		abort();
	}
	char *second = print(again, &len2);
	strip_comments(first);
	strip_comments(second);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "the printout changes when parsed again:\n%s\n---\n%s\n", first,
			second);
		abort();
	}
	check_blob(doc, data, size);
	free(first);
	free(second);
	policy_doc_free(again);
	policy_doc_free(doc);
	return 0;
}
