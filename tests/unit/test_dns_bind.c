/* SPDX-License-Identifier: Apache-2.0 */
/* The DNS bindings shared by a sandbox's resolver and its sentry: adding,
 * refreshing, TTL bounds and expiry, a full table forgetting the binding
 * that expires first, a torn slot never read, a reader bounded by what it
 * mapped; and the policy's decisions with names (which names resolve,
 * which answers may be bound, connects allowed through a binding). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/dns_bind.h"
#include "policy/compile.h"
#include "policy/policy.h"

#define S(n) ((uint64_t)(n)*1000000000ull)

static struct dns_bind_table *table_new(uint32_t nslots)
{
	struct dns_bind_table *t = calloc(1, dns_bind_size(nslots));
	ck_assert_ptr_nonnull(t);
	dns_bind_init(t, nslots);
	return t;
}

static const uint8_t *v4(const char *text)
{
	static uint8_t buf[4][16];
	static int next;
	uint8_t *b = buf[next++ % 4];
	ck_assert_int_eq(inet_pton(AF_INET, text, b), 1);
	return b;
}

static const uint8_t *v6(const char *text)
{
	static uint8_t buf[4][16];
	static int next;
	uint8_t *b = buf[next++ % 4];
	ck_assert_int_eq(inet_pton(AF_INET6, text, b), 1);
	return b;
}

/* The names bound to an address, joined with ' '. */
struct names {
	char s[1024];
};

static bool collect(const char *name, void *arg)
{
	struct names *n = arg;
	size_t l = strlen(n->s);
	snprintf(n->s + l, sizeof(n->s) - l, "%s%s", l ? " " : "", name);
	return false;
}

static const char *names_of(const struct dns_bind_table *t, int family, const uint8_t *addr,
			    uint64_t now_ns)
{
	static struct names n;
	n.s[0] = '\0';
	ck_assert(!dns_bind_lookup(t, dns_bind_size(t->nslots), family, addr, now_ns, collect, &n));
	return n.s;
}

START_TEST(test_add_lookup)
{
	struct dns_bind_table *t = table_new(8);
	ck_assert_int_eq(dns_bind_add(t, "pypi.org", AF_INET, v4("151.101.0.223"), 600, S(10)), 0);
	ck_assert_int_eq(
		dns_bind_add(t, "files.pythonhosted.org", AF_INET, v4("151.101.0.223"), 600, S(10)),
		0);
	ck_assert_int_eq(dns_bind_add(t, "pypi.org", AF_INET6, v6("2a04:4e42::223"), 600, S(10)),
			 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("151.101.0.223"), S(11)),
			 "pypi.org files.pythonhosted.org");
	ck_assert_str_eq(names_of(t, AF_INET6, v6("2a04:4e42::223"), S(11)), "pypi.org");
	ck_assert_str_eq(names_of(t, AF_INET, v4("151.101.0.224"), S(11)), "");
	/* The same family only: 4 bytes of an IPv6 address are not an IPv4 one. */
	ck_assert_str_eq(names_of(t, AF_INET6, v6("9765:df::"), S(11)), "");
	/* The same binding again takes no new slot. */
	ck_assert_int_eq(dns_bind_add(t, "pypi.org", AF_INET, v4("151.101.0.223"), 600, S(20)), 0);
	ck_assert_uint_eq(t->used, 3);
	/* Bad input. */
	ck_assert_int_eq(dns_bind_add(t, "", AF_INET, v4("1.2.3.4"), 600, 0), -EINVAL);
	ck_assert_int_eq(dns_bind_add(t, "x", AF_UNIX, v4("1.2.3.4"), 600, 0), -EINVAL);
	char longname[DNS_BIND_NAME_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(dns_bind_add(t, longname, AF_INET, v4("1.2.3.4"), 600, 0), -EINVAL);
	longname[DNS_BIND_NAME_MAX] = '\0';
	ck_assert_int_eq(dns_bind_add(t, longname, AF_INET, v4("1.2.3.4"), 600, 0), 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("1.2.3.4"), 1), longname);
	free(t);
}
END_TEST

START_TEST(test_ttl)
{
	struct dns_bind_table *t = table_new(8);
	const uint64_t t0 = S(1000);
	ck_assert_int_eq(dns_bind_add(t, "a.example", AF_INET, v4("192.0.2.1"), 1000, t0), 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.1"), t0 + S(999)), "a.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.1"), t0 + S(1000)), "");
	/* A TTL of 0 lasts the least a binding lasts; a huge one the most. */
	ck_assert_int_eq(dns_bind_add(t, "b.example", AF_INET, v4("192.0.2.2"), 0, t0), 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.2"), t0 + S(DNS_BIND_TTL_MIN_S) - 1),
			 "b.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.2"), t0 + S(DNS_BIND_TTL_MIN_S)), "");
	ck_assert_int_eq(dns_bind_add(t, "c.example", AF_INET, v4("192.0.2.3"), UINT32_MAX, t0), 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.3"), t0 + S(DNS_BIND_TTL_MAX_S) - 1),
			 "c.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.3"), t0 + S(DNS_BIND_TTL_MAX_S)), "");
	/* A new answer extends a binding, a shorter one does not shorten it. */
	ck_assert_int_eq(dns_bind_add(t, "a.example", AF_INET, v4("192.0.2.1"), 1000, t0 + S(500)),
			 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.1"), t0 + S(1499)), "a.example");
	ck_assert_int_eq(dns_bind_add(t, "a.example", AF_INET, v4("192.0.2.1"), 300, t0 + S(600)),
			 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.1"), t0 + S(1499)), "a.example");
	/* An expired slot is taken again before the table grows. */
	uint32_t used = t->used;
	ck_assert_int_eq(dns_bind_add(t, "d.example", AF_INET, v4("192.0.2.4"), 600, t0 + S(2000)),
			 0);
	ck_assert_uint_eq(t->used, used);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.4"), t0 + S(2001)), "d.example");
	free(t);
}
END_TEST

START_TEST(test_full)
{
	enum { N = 4 };
	struct dns_bind_table *t = table_new(N);
	char name[32];
	/* Four bindings expiring at 1000+i*100 s... */
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		uint8_t a[4] = {192, 0, 2, (uint8_t)(10 + i)};
		ck_assert_int_eq(dns_bind_add(t, name, AF_INET, a, 1000 + (uint32_t)i * 100, 0), 0);
	}
	ck_assert_uint_eq(t->used, N);
	/* ... a fifth takes the place of the one that expires first (n0),
	 * whatever order they were added in. */
	ck_assert_int_eq(
		dns_bind_add(t, "n2.example", AF_INET, (uint8_t[]){192, 0, 2, 12}, 5000, 0), 0);
	ck_assert_int_eq(dns_bind_add(t, "new.example", AF_INET, v4("192.0.2.99"), 600, S(1)), 0);
	ck_assert_uint_eq(t->used, N);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.99"), S(2)), "new.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.10"), S(2)), "");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.11"), S(2)), "n1.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.12"), S(2)), "n2.example");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.13"), S(2)), "n3.example");
	/* Next goes new.example (expires at 601 s, before n1 at 1100 s). */
	ck_assert_int_eq(dns_bind_add(t, "newer.example", AF_INET, v4("192.0.2.98"), 600, S(2)), 0);
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.99"), S(3)), "");
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.11"), S(3)), "n1.example");
	free(t);
}
END_TEST

START_TEST(test_reader_distrusts)
{
	struct dns_bind_table *t = table_new(4);
	ck_assert_int_eq(dns_bind_add(t, "a.example", AF_INET, v4("192.0.2.1"), 600, 0), 0);
	ck_assert_int_eq(dns_bind_add(t, "b.example", AF_INET, v4("192.0.2.1"), 600, 0), 0);
	/* A slot being written (odd count) is skipped. */
	t->slot[0].seq |= 1;
	ck_assert_str_eq(names_of(t, AF_INET, v4("192.0.2.1"), 1), "b.example");
	t->slot[0].seq++;
	/* A name without its NUL is cut at the slot's end. */
	memset(t->slot[1].name, 'x', sizeof(t->slot[1].name));
	ck_assert_uint_eq(strlen(names_of(t, AF_INET, v4("192.0.2.1"), 1)),
			  strlen("a.example ") + DNS_BIND_NAME_MAX);
	/* A count beyond what the reader mapped is bounded by the mapping. */
	t->used = 1000000;
	struct names n = {{0}};
	ck_assert(!dns_bind_lookup(t, dns_bind_size(2), AF_INET, v4("192.0.2.1"), 1, collect, &n));
	ck_assert_uint_eq(strlen(n.s), strlen("a.example ") + DNS_BIND_NAME_MAX);
	ck_assert(!dns_bind_lookup(t, sizeof(*t) - 1, AF_INET, v4("192.0.2.1"), 1, collect, &n));
	ck_assert(!dns_bind_lookup(NULL, 0, AF_INET, v4("192.0.2.1"), 1, collect, &n));
	free(t);
}
END_TEST

START_TEST(test_shared)
{
	struct dns_bind_table *t = dns_bind_new();
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nslots, DNS_BIND_SLOTS);
	for (uint32_t i = 0; i < DNS_BIND_SLOTS + 10; i++) {
		uint8_t a[4] = {198, 51, (uint8_t)(i >> 8), (uint8_t)i};
		ck_assert_int_eq(dns_bind_add(t, "many.example", AF_INET, a, 600 + i, S(1)), 0);
	}
	ck_assert_uint_eq(t->used, DNS_BIND_SLOTS);
	ck_assert_str_eq(names_of(t, AF_INET, (uint8_t[]){198, 51, 4, 9}, S(2)), "many.example");
	ck_assert_str_eq(names_of(t, AF_INET, (uint8_t[]){198, 51, 0, 0}, S(2)), "");
	dns_bind_free(t);
}
END_TEST

/* ---- the policy's decisions with names ---- */

struct compiled {
	struct policy_doc *doc;
	void *blob;
	size_t len;
	struct policy_view pv;
};

static void compile_text(struct compiled *c, const char *text)
{
	struct policy_problems pr = {0};
	c->doc = policy_load_buffer("t.yaml", text, strlen(text), NULL, &pr);
	ck_assert_msg(c->doc, "problems: %s", pr.n ? pr.lines[0] : "?");
	policy_problems_free(&pr);
	ck_assert_int_eq(policy_compile(c->doc, NULL, &c->blob, &c->len), 0);
	ck_assert_int_eq(policy_view_init(&c->pv, c->blob, c->len), 0);
}

static void compiled_free(struct compiled *c)
{
	policy_doc_free(c->doc);
	free(c->blob);
}

#define POLICY_TEXT                                      \
	"apiVersion: runsc-c/v1\nkind: Policy\n"         \
	"network:\n"                                     \
	"  mode: egress\n"                               \
	"  allow:\n"                                     \
	"    - {host: pypi.org, ports: [443]}\n"         \
	"    - {host: \"*.example.com\", ports: [80]}\n" \
	"    - {cidr: 192.0.2.0/24, ports: [22]}\n"      \
	"  deny:\n"                                      \
	"    - {host: bad.example.com}\n"                \
	"    - {cidr: 203.0.113.0/24}\n"                 \
	"    - {cidr: 198.51.100.0/24, ports: [25]}\n"

START_TEST(test_policy_names)
{
	struct compiled c;
	compile_text(&c, POLICY_TEXT);
	const struct policy_view *pv = &c.pv;
	uint32_t rule;
	ck_assert(policy_net_name_allowed(pv, "pypi.org", &rule));
	ck_assert_uint_eq(rule, 0);
	ck_assert(policy_net_name_allowed(pv, "a.b.example.com", &rule));
	ck_assert_uint_eq(rule, 1);
	ck_assert(!policy_net_name_allowed(pv, "example.com", &rule));
	ck_assert_uint_eq(rule, POLICY_NO_RULE);
	ck_assert(!policy_net_name_allowed(pv, "xexample.com", NULL));
	ck_assert(!policy_net_name_allowed(pv, "pypi.org.evil", NULL));
	ck_assert(!policy_net_name_allowed(pv, "bad.example.com", &rule));
	ck_assert_uint_eq(rule, 3);
	/* Ports decide connections, not names. */
	ck_assert(policy_net_host_allows(pv, "pypi.org", 443, &rule));
	ck_assert(!policy_net_host_allows(pv, "pypi.org", 80, &rule));
	ck_assert(policy_net_host_allows(pv, "x.example.com", 80, &rule));
	ck_assert_uint_eq(rule, 1);
	ck_assert(!policy_net_host_allows(pv, "bad.example.com", 80, &rule));
	ck_assert_uint_eq(rule, 3);
	/* Answers a name may not stand for. */
	ck_assert(policy_net_addr_bindable(pv, AF_INET, v4("151.101.0.223")));
	ck_assert(policy_net_addr_bindable(pv, AF_INET,
					   v4("198.51.100.7"))); /* a deny for port 25 only */
	const char *never4[] = {"127.0.0.1",	   "10.1.2.3",	 "172.16.0.1", "192.168.1.1",
				"169.254.169.254", "100.64.0.1", "0.0.0.0",    "224.0.0.1",
				"255.255.255.255", "203.0.113.9"};
	for (size_t i = 0; i < sizeof(never4) / sizeof(never4[0]); i++)
		ck_assert_msg(!policy_net_addr_bindable(pv, AF_INET, v4(never4[i])), "%s",
			      never4[i]);
	const char *never6[] = {"::1",
				"::",
				"fe80::1",
				"fd00::1",
				"ff02::1",
				"::ffff:10.0.0.1",
				"::ffff:127.0.0.1"};
	for (size_t i = 0; i < sizeof(never6) / sizeof(never6[0]); i++)
		ck_assert_msg(!policy_net_addr_bindable(pv, AF_INET6, v6(never6[i])), "%s",
			      never6[i]);
	ck_assert(policy_net_addr_bindable(pv, AF_INET6, v6("2a04:4e42::223")));
	compiled_free(&c);

	/* An allow entry for every address: every name resolves (but a denied one). */
	compile_text(&c, "apiVersion: runsc-c/v1\nkind: Policy\nnetwork:\n  mode: egress\n"
			 "  allow:\n    - {cidr: \"::/0\", ports: [443]}\n"
			 "  deny:\n    - {host: bad.example}\n");
	ck_assert(policy_net_name_allowed(&c.pv, "anything.example", &rule));
	ck_assert_uint_eq(rule, 0);
	ck_assert(!policy_net_name_allowed(&c.pv, "bad.example", NULL));
	compiled_free(&c);
	/* Mode none: no name resolves. */
	compile_text(&c, "apiVersion: runsc-c/v1\nkind: Policy\nnetwork:\n  mode: none\n");
	ck_assert(!policy_net_name_allowed(&c.pv, "pypi.org", NULL));
	compiled_free(&c);
}
END_TEST

START_TEST(test_policy_bound)
{
	struct compiled c;
	compile_text(&c, POLICY_TEXT);
	const struct policy_view *pv = &c.pv;
	struct dns_bind_table *t = table_new(16);
	size_t size = dns_bind_size(16);
	char host[DNS_BIND_NAME_MAX + 1];
	uint32_t rule;
	const uint8_t *pypi = v4("151.101.0.223");
	/* Before any answer: refused. */
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, pypi, 443, S(1), &rule, host,
					   sizeof(host)));
	ck_assert_str_eq(host, "");
	dns_bind_add(t, "pypi.org", AF_INET, pypi, 600, S(1));
	ck_assert(policy_net_allows_bound(pv, t, size, AF_INET, pypi, 443, S(2), &rule, host,
					  sizeof(host)));
	ck_assert_uint_eq(rule, 0);
	ck_assert_str_eq(host, "pypi.org");
	/* As an IPv4-mapped address too. */
	ck_assert(policy_net_allows_bound(pv, t, size, AF_INET6, v6("::ffff:151.101.0.223"), 443,
					  S(2), &rule, host, sizeof(host)));
	/* Another port: refused, the name still in the record. */
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, pypi, 80, S(2), &rule, host,
					   sizeof(host)));
	ck_assert_str_eq(host, "pypi.org");
	/* Expired: refused. */
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, pypi, 443, S(1 + 600), &rule, host,
					   sizeof(host)));
	/* Several names on one address: the one a rule allows decides. */
	const uint8_t *cdn = v4("151.101.1.1");
	dns_bind_add(t, "bad.example.com", AF_INET, cdn, 600, S(1));
	dns_bind_add(t, "www.example.com", AF_INET, cdn, 600, S(1));
	ck_assert(policy_net_allows_bound(pv, t, size, AF_INET, cdn, 80, S(2), &rule, host,
					  sizeof(host)));
	ck_assert_uint_eq(rule, 1);
	ck_assert_str_eq(host, "www.example.com");
	/* A binding never opens a denied range, a private or a link-local
	 * address (a resolver that bound one anyway changes nothing). */
	dns_bind_add(t, "pypi.org", AF_INET, v4("203.0.113.5"), 600, S(1));
	dns_bind_add(t, "pypi.org", AF_INET, v4("10.0.0.5"), 600, S(1));
	dns_bind_add(t, "pypi.org", AF_INET, v4("169.254.169.254"), 600, S(1));
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, v4("203.0.113.5"), 443, S(2),
					   &rule, host, sizeof(host)));
	ck_assert_uint_eq(rule, 4);
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, v4("10.0.0.5"), 443, S(2), &rule,
					   host, sizeof(host)));
	ck_assert(!policy_net_allows_bound(pv, t, size, AF_INET, v4("169.254.169.254"), 443, S(2),
					   &rule, host, sizeof(host)));
	/* A cidr entry decides first; the bound name goes along. */
	dns_bind_add(t, "ssh.example.com", AF_INET, v4("192.0.2.7"), 600, S(1));
	ck_assert(policy_net_allows_bound(pv, t, size, AF_INET, v4("192.0.2.7"), 22, S(2), &rule,
					  host, sizeof(host)));
	ck_assert_uint_eq(rule, 2);
	ck_assert_str_eq(host, "ssh.example.com");
	/* Without a table: the cidr entries alone. */
	ck_assert(!policy_net_allows_bound(pv, NULL, 0, AF_INET, pypi, 443, S(2), &rule, host,
					   sizeof(host)));
	free(t);
	compiled_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dns_bind");
	TCase *tc = tcase_create("dns_bind");
	tcase_add_test(tc, test_add_lookup);
	tcase_add_test(tc, test_ttl);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_reader_distrusts);
	tcase_add_test(tc, test_shared);
	tcase_add_test(tc, test_policy_names);
	tcase_add_test(tc, test_policy_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
