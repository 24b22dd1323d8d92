/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's own DNS resolver, one per sandbox whose network mode is
 * egress: a small process listening on 127.0.0.53 port 53 (UDP and TCP)
 * inside the guest's network namespace, which the guest's /etc/resolv.conf
 * names (the gofer writes it). It answers only names the policy allows
 * (policy_net_name_allowed: a host entry, or an allow entry for every
 * address); any other name gets NXDOMAIN and an audit record, so the guest
 * never learns an address it may not reach by name.
 *
 * Allowed queries are asked again, as a fresh query the resolver makes
 * (res_nmkquery), of the host's resolver (the host's /etc/resolv.conf, or
 * RUNSC_C_DNS_UPSTREAM=ADDR, an IPv4 address) through libresolv's
 * res_nsend (which retries over TCP when an answer is truncated). For A and
 * AAAA queries the answer the guest gets is rebuilt from the CNAME chain
 * and the addresses, leaving out addresses no name may stand for
 * (policy_net_addr_bindable: loopback, private, link-local, ... and deny
 * cidr entries: DNS rebinding), and each address left is recorded as a
 * binding of the queried name (common/dns_bind.h), which the sentry reads
 * when the guest connects. Other query types get the answer section as the
 * host's resolver gave it (without the authority and additional sections)
 * and bind nothing.
 *
 * The process joins the sandbox's cgroup, binds its sockets inside the
 * guest's namespace and returns to the host's (queries leave from there),
 * then drops to uid and gid 65534 without capabilities, with
 * PR_SET_PDEATHSIG re-armed after the change of user (which clears it), so
 * a kill -9 of runsc-c takes it along; sandbox_destroy kills it on every
 * other exit path.
 *
 * Queries are answered concurrently: RESOLVER_WORKERS threads (made before
 * the filter, which then covers them all) each wait on the UDP socket and
 * the TCP listener and answer what they take, one query at a time, with a
 * libresolv state of their own; a TCP client stays with the thread that
 * accepted it. A slow upstream answer (libresolv's timeout: 2 s, 2 tries
 * per server) holds only the thread that asked, and only the queries of
 * its own TCP clients queue behind it. The table of bindings has one
 * writer at a time (a lock of the process; the sentry reads it without). */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/dns_bind.h"
#include "common/util.h"
#include "policy/policy.h"
#include "sandbox/internal.h"
#include "sandbox/resolver_filter.h"

#define RESOLVER_UID	   65534
#define DNS_UDP_MAX	   512 /* without EDNS: RFC 1035 */
#define DNS_MSG_MAX	   65535
#define TCP_CLIENTS	   8
#define TCP_IDLE_MS	   10000
#define CHAIN_MAX	   16  /* CNAMEs followed */
#define ANSWER_RECORDS_MAX 256 /* answer records looked at */
#define RESOLVER_WORKERS   4   /* queries answered at once */

int resolver_upstream(struct in_addr *addr, bool *set, struct rc_error *err)
{
	const char *v = getenv("RUNSC_C_DNS_UPSTREAM");
	*set = v && *v;
	if (*set && inet_pton(AF_INET, v, addr) != 1)
		return rc_error_set(err, EINVAL,
				    "RUNSC_C_DNS_UPSTREAM: expected an IPv4 address, got '%s'", v);
	return 0;
}

/* One thread's resolver: what all share, and its own state and buffers. */
struct resolver {
	struct sandbox *sb;
	const struct policy_view *pv;
	struct dns_bind_table *table;
	pthread_mutex_t *table_lock; /* the bindings' one writer at a time */
	struct __res_state res;
	int udp, tcp;
	struct tcp_client {
		int fd;
		size_t got;
		uint64_t idle_ns;
		uint8_t buf[2 + DNS_MSG_MAX];
	} * clients;
	uint8_t ask[DNS_MSG_MAX];
	uint8_t answer[DNS_MSG_MAX];
	uint8_t query[DNS_MSG_MAX];
	uint8_t out[2 + DNS_MSG_MAX];
	char chain[CHAIN_MAX][NS_MAXDNAME]; /* the CNAME chain of an answer */
	/* A thread made before the filter: it says it runs, then waits for
	 * the filter (in between only futex calls, which the filter allows). */
	pthread_barrier_t *running, *filtered;
};

/* ---- audit ---- */

static void audit_name(struct resolver *r, const char *name, bool allow, uint32_t rule,
		       const char *why)
{
	const struct policy_view *pv = r->pv;
	int fd = r->sb->cfg->audit_fd;
	if (fd < 0 || !(allow ? policy_audit_allowed(pv) : policy_audit_denied(pv)))
		return;
	char obj[DNS_BIND_NAME_MAX + 1], when[64], where[POLICY_PATH_MAX + 16] = "null";
	size_t n = 0;
	for (const char *p = name; *p && n + 1 < sizeof(obj); p++)
		obj[n++] = (strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.", *p) ? *p : '?');
	obj[n] = '\0';
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* Not strftime: it may read the time zone's file, which the filter
	 * refuses (and the record is in UTC anyway). */
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	const char *file;
	uint32_t line;
	if (policy_net_rule_origin(pv, rule, &file, &line) == 0) {
		/* Policy file names come from the command line: escape them. */
		size_t k = 0;
		where[k++] = '"';
		for (const char *p = file; *p && k + 24 < sizeof(where); p++) {
			if (*p == '"' || *p == '\\')
				where[k++] = '\\';
			if ((unsigned char)*p < 0x20)
				continue;
			where[k++] = *p;
		}
		snprintf(where + k, sizeof(where) - k, ":%u\"", line);
	}
	char rec[1024];
	int len = snprintf(rec, sizeof(rec),
			   "{\"time\": \"%s\", \"sandbox\": \"%s\", \"pid\": 0, \"comm\": "
			   "\"runsc-c-dns\", \"syscall\": \"dns\", \"object\": \"%s\", \"access\": "
			   "\"resolve\", \"decision\": \"%s\", \"rule\": %s%s%s%s}\n",
			   when, r->sb->id, obj, allow ? "allow" : "deny", where,
			   why ? ", \"reason\": \"" : "", why ? why : "", why ? "\"" : "");
	if (len > 0 && (size_t)len < sizeof(rec))
		(void)!write(fd, rec, (size_t)len);
}

/* ---- answers ---- */

/* A DNS message of its own: the header, the question and what follows. */
struct dns_out {
	uint8_t *p;
	size_t len, cap;
	const uint8_t *dnptrs[64]; /* dn_comp's compression table */
	bool full;
};

static void out_init(struct dns_out *o, uint8_t *buf, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->p = buf;
	o->cap = cap;
	o->dnptrs[0] = buf;
	o->dnptrs[1] = NULL;
}

static void out_bytes(struct dns_out *o, const void *b, size_t n)
{
	if (o->full || o->cap - o->len < n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, b, n);
	o->len += n;
}

static void out_u16(struct dns_out *o, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	out_bytes(o, b, 2);
}

static void out_u32(struct dns_out *o, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	out_bytes(o, b, 4);
}

static void out_name(struct dns_out *o, const char *name)
{
	if (o->full)
		return;
	int n = dn_comp(name, o->p + o->len, (int)(o->cap - o->len), (unsigned char **)o->dnptrs,
			(unsigned char **)&o->dnptrs[63]);
	if (n < 0)
		o->full = true;
	else
		o->len += (size_t)n;
}

/* The header: id, flags, and the counts (answers fixed up later). */
static void out_header(struct dns_out *o, unsigned id, bool rd, int rcode, bool question)
{
	out_u16(o, id);
	out_u16(o, 0x8000u | (rd ? 0x0100u : 0) | 0x0080u | ((unsigned)rcode & 0xf));
	out_u16(o, question ? 1 : 0);
	out_u16(o, 0);
	out_u16(o, 0);
	out_u16(o, 0);
}

static void out_question(struct dns_out *o, const char *name, unsigned type, unsigned cls)
{
	out_name(o, name);
	out_u16(o, type);
	out_u16(o, cls);
}

static void set_u16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An answer of only a header and the question (when name is given). */
static size_t short_answer(uint8_t *buf, size_t cap, unsigned id, bool rd, int rcode,
			   const char *name, unsigned type, unsigned cls)
{
	struct dns_out o;
	out_init(&o, buf, cap);
	out_header(&o, id, rd, rcode, name != NULL);
	if (name)
		out_question(&o, name, type, cls);
	return o.full ? 0 : o.len;
}

/* The query's name in the policy's form: lower case, no last dot, only
 * the bytes a host name has. False for anything else. */
static bool query_name(const char *in, char *out, size_t size)
{
	size_t n = strlen(in);
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_BIND_NAME_MAX || n >= size)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.", c))
			return false;
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

/* Two names in text form, as DNS compares them: ASCII case and a last dot
 * do not matter. */
static bool name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static bool in_chain(char chain[][NS_MAXDNAME], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (name_eq(chain[i], name))
			return true;
	return false;
}

/* An A or AAAA answer rebuilt: the CNAME chain from the queried name and
 * the addresses at its end that may be bound, each bound to key. */
static size_t rebuild(struct resolver *r, ns_msg *am, unsigned id, bool rd, const char *qname,
		      const char *key, unsigned qtype, uint8_t *buf, size_t cap, int *stripped)
{
	struct dns_out o;
	out_init(&o, buf, cap);
	out_header(&o, id, rd, ns_msg_getflag(*am, ns_f_rcode), true);
	out_question(&o, qname, qtype, ns_c_in);
	char(*chain)[NS_MAXDNAME] = r->chain;
	int nchain = 1;
	snprintf(chain[0], sizeof(chain[0]), "%s", qname);
	int count = ns_msg_count(*am, ns_s_an);
	if (count > ANSWER_RECORDS_MAX)
		count = ANSWER_RECORDS_MAX;
	bool done[ANSWER_RECORDS_MAX] = {false};
	unsigned answers = 0;
	uint64_t now_ns = dns_bind_now_ns();
	/* Chains come in order, but need not: go round until nothing new. */
	for (bool more = true; more;) {
		more = false;
		for (int i = 0; i < count; i++) {
			ns_rr rr;
			if (done[i] || ns_parserr(am, ns_s_an, i, &rr) < 0)
				continue;
			if (ns_rr_class(rr) != ns_c_in || !in_chain(chain, nchain, ns_rr_name(rr)))
				continue;
			unsigned type = ns_rr_type(rr);
			char target[NS_MAXDNAME];
			if (type == ns_t_cname) {
				if (nchain == CHAIN_MAX ||
				    ns_name_uncompress(ns_msg_base(*am), ns_msg_end(*am),
						       ns_rr_rdata(rr), target, sizeof(target)) < 0)
					continue;
				done[i] = true;
				more = true;
				if (!in_chain(chain, nchain, target))
					snprintf(chain[nchain++], sizeof(chain[0]), "%s", target);
				size_t at = 0;
				out_name(&o, ns_rr_name(rr));
				out_u16(&o, type);
				out_u16(&o, ns_c_in);
				out_u32(&o, ns_rr_ttl(rr));
				at = o.len;
				out_u16(&o, 0);
				out_name(&o, target);
				if (!o.full)
					set_u16(o.p + at, (unsigned)(o.len - at - 2));
				answers++;
				continue;
			}
			int family = type == ns_t_a ? AF_INET : type == ns_t_aaaa ? AF_INET6 : 0;
			size_t alen = family == AF_INET ? 4 : 16;
			if (!family || type != qtype || ns_rr_rdlen(rr) != alen)
				continue;
			done[i] = true;
			if (!policy_net_addr_bindable(r->pv, family, ns_rr_rdata(rr))) {
				(*stripped)++;
				continue;
			}
			out_name(&o, ns_rr_name(rr));
			out_u16(&o, type);
			out_u16(&o, ns_c_in);
			out_u32(&o, ns_rr_ttl(rr));
			out_u16(&o, (unsigned)alen);
			out_bytes(&o, ns_rr_rdata(rr), alen);
			answers++;
			pthread_mutex_lock(r->table_lock);
			dns_bind_add(r->table, key, family, ns_rr_rdata(rr), ns_rr_ttl(rr), now_ns);
			pthread_mutex_unlock(r->table_lock);
		}
	}
	if (o.full)
		return 0;
	set_u16(o.p + 6, answers);
	return o.len;
}

/* Any other type: the host resolver's answer up to the end of its answer
 * section, with the guest's id. */
static size_t pass_through(ns_msg *am, unsigned id, bool rd, uint8_t *buf, size_t cap)
{
	const uint8_t *base = ns_msg_base(*am), *end = ns_msg_end(*am);
	const uint8_t *p = base + NS_HFIXEDSZ;
	int n = ns_skiprr(p, end, ns_s_qd, ns_msg_count(*am, ns_s_qd));
	if (n < 0)
		return 0;
	p += n;
	n = ns_skiprr(p, end, ns_s_an, ns_msg_count(*am, ns_s_an));
	if (n < 0)
		return 0;
	p += n;
	size_t len = (size_t)(p - base);
	if (len > cap)
		return 0;
	memcpy(buf, base, len);
	set_u16(buf, id);
	buf[2] = (uint8_t)((buf[2] & ~0x01u) | (rd ? 0x01u : 0));
	set_u16(buf + 8, 0);
	set_u16(buf + 10, 0);
	return len;
}

/* The answer to one query of the guest into buf: its length, or 0 to say
 * nothing (not a query). limit: what the transport carries. */
static size_t answer_query(struct resolver *r, const uint8_t *q, size_t qlen, uint8_t *buf,
			   size_t limit)
{
	if (qlen < NS_HFIXEDSZ)
		return 0;
	unsigned id = ns_get16(q);
	bool rd = q[2] & 0x01;
	ns_msg qm;
	if ((q[2] & 0x80) != 0)
		return 0; /* an answer, not a query */
	if (((q[2] >> 3) & 0xf) != ns_o_query)
		return short_answer(buf, limit, id, rd, ns_r_notimpl, NULL, 0, 0);
	ns_rr qr;
	if (ns_initparse(q, (int)qlen, &qm) < 0 || ns_msg_count(qm, ns_s_qd) != 1 ||
	    ns_parserr(&qm, ns_s_qd, 0, &qr) < 0)
		return short_answer(buf, limit, id, rd, ns_r_formerr, NULL, 0, 0);
	const char *qname = ns_rr_name(qr);
	unsigned qtype = ns_rr_type(qr), qclass = ns_rr_class(qr);
	char key[DNS_BIND_NAME_MAX + 1];
	uint32_t rule = POLICY_NO_RULE;
	if (qclass != ns_c_in)
		return short_answer(buf, limit, id, rd, ns_r_refused, qname, qtype, qclass);
	if (!query_name(qname, key, sizeof(key)) || !policy_net_name_allowed(r->pv, key, &rule)) {
		audit_name(r, query_name(qname, key, sizeof(key)) ? key : qname, false, rule, NULL);
		return short_answer(buf, limit, id, rd, ns_r_nxdomain, qname, qtype, qclass);
	}
	int n = res_nmkquery(&r->res, ns_o_query, qname, ns_c_in, (int)qtype, NULL, 0, NULL, r->ask,
			     sizeof(r->ask));
	int alen = n < 0 ? -1 : res_nsend(&r->res, r->ask, n, r->answer, sizeof(r->answer));
	ns_msg am;
	if (alen < 0 || ns_initparse(r->answer, alen, &am) < 0) {
		audit_name(r, key, true, rule, "no answer from the host's resolver");
		return short_answer(buf, limit, id, rd, ns_r_servfail, qname, qtype, qclass);
	}
	int stripped = 0;
	size_t len;
	if (qtype == ns_t_a || qtype == ns_t_aaaa)
		len = rebuild(r, &am, id, rd, qname, key, qtype, buf, DNS_MSG_MAX, &stripped);
	else
		len = pass_through(&am, id, rd, buf, DNS_MSG_MAX);
	audit_name(r, key, true, rule,
		   stripped ? "addresses no name may stand for were left out" : NULL);
	if (len == 0)
		return short_answer(buf, limit, id, rd, ns_r_servfail, qname, qtype, qclass);
	if (len > limit) {
		len = short_answer(buf, limit, id, rd, ns_msg_getflag(am, ns_f_rcode), qname, qtype,
				   qclass);
		if (len)
			buf[2] |= 0x02; /* TC: ask again over TCP */
	}
	return len;
}

/* ---- transports ---- */

/* One datagram, if no other thread took it first: a thread takes one
 * query per wake-up, so that the next one goes to a thread that is free. */
static void serve_udp(struct resolver *r)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	ssize_t got = recvfrom(r->udp, r->query, sizeof(r->query), MSG_DONTWAIT,
			       (struct sockaddr *)&peer, &plen);
	if (got < 0)
		return;
	size_t len = answer_query(r, r->query, (size_t)got, r->out, DNS_UDP_MAX);
	if (len)
		(void)!sendto(r->udp, r->out, len, MSG_DONTWAIT, (struct sockaddr *)&peer, plen);
}

static void client_close(struct tcp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->got = 0;
}

static void serve_accept(struct resolver *r)
{
	int fd = accept4(r->tcp, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < TCP_CLIENTS; i++) {
		struct tcp_client *c = &r->clients[i];
		if (c->fd < 0) {
			c->fd = fd;
			c->got = 0;
			c->idle_ns = dns_bind_now_ns() + (uint64_t)TCP_IDLE_MS * 1000000;
			return;
		}
	}
	close(fd); /* too many at once: the guest asks again */
}

static void serve_client(struct resolver *r, struct tcp_client *c)
{
	ssize_t got = recv(c->fd, c->buf + c->got, sizeof(c->buf) - c->got, MSG_DONTWAIT);
	if (got <= 0) {
		if (got == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(c);
		return;
	}
	c->got += (size_t)got;
	c->idle_ns = dns_bind_now_ns() + (uint64_t)TCP_IDLE_MS * 1000000;
	while (c->got >= 2) {
		size_t qlen = ns_get16(c->buf);
		if (c->got < 2 + qlen)
			return;
		size_t len = answer_query(r, c->buf + 2, qlen, r->out + 2, DNS_MSG_MAX);
		memmove(c->buf, c->buf + 2 + qlen, c->got - 2 - qlen);
		c->got -= 2 + qlen;
		if (!len) {
			client_close(c);
			return;
		}
		set_u16(r->out, (unsigned)len);
		if (write_all(c->fd, r->out, len + 2) < 0) {
			client_close(c);
			return;
		}
	}
}

static void *serve(void *arg)
{
	struct resolver *r = arg;
	if (r->running) {
		pthread_barrier_wait(r->running);
		pthread_barrier_wait(r->filtered);
	}
	for (;;) {
		struct pollfd p[2 + TCP_CLIENTS];
		p[0] = (struct pollfd){.fd = r->udp, .events = POLLIN};
		p[1] = (struct pollfd){.fd = r->tcp, .events = POLLIN};
		uint64_t now_ns = dns_bind_now_ns();
		for (int i = 0; i < TCP_CLIENTS; i++) {
			struct tcp_client *c = &r->clients[i];
			if (c->fd >= 0 && c->idle_ns <= now_ns)
				client_close(c);
			p[2 + i] = (struct pollfd){.fd = c->fd, .events = POLLIN};
		}
		if (poll(p, 2 + TCP_CLIENTS, 1000) < 0 && errno != EINTR)
			_exit(1);
		/* Every thread's poll wakes for a query; the first to read it
		 * answers it, the others find nothing and wait again. */
		if (p[0].revents)
			serve_udp(r);
		if (p[1].revents)
			serve_accept(r);
		for (int i = 0; i < TCP_CLIENTS; i++)
			if (r->clients[i].fd >= 0 && p[2 + i].revents)
				serve_client(r, &r->clients[i]);
	}
}

/* ---- the process ---- */

static void loopback_up(void)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
	close(sock);
}

/* The listening sockets, made inside the guest's namespace ns_fd. */
static int listen_in(int ns_fd, int *udp, int *tcp)
{
	_cleanup_close_ int host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_ns < 0 || setns(ns_fd, CLONE_NEWNET) < 0)
		return -1;
	loopback_up();
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(53)};
	inet_pton(AF_INET, "127.0.0.53", &sin.sin_addr);
	int one = 1;
	*udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	*tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool ok = *udp >= 0 && *tcp >= 0 &&
		  setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
		  bind(*udp, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		  bind(*tcp, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(*tcp, 16) == 0;
	/* Back to the host's: the queries the resolver asks leave from there. */
	if (setns(host_ns, CLONE_NEWNET) < 0)
		return -1;
	return ok ? 0 : -1;
}

_Noreturn static void resolver_main(struct sandbox *sb, struct dns_bind_table *table, pid_t parent,
				    int ns_fd, int ready_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	prctl(PR_SET_NAME, "runsc-c-dns");
	struct rc_error err = {0};
	if (limits_enter_kernel(sb, &err) < 0)
		_exit(125);
	setpgid(0, 0); /* the terminal's signals are the supervisor's to pass on */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	int udp, tcp;
	if (listen_in(ns_fd, &udp, &tcp) < 0)
		_exit(125);
	close(ns_fd);
	struct in_addr up;
	bool set = false;
	if (resolver_upstream(&up, &set, &err) < 0)
		_exit(125);
	static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
	struct resolver *workers = xcalloc(RESOLVER_WORKERS, sizeof(*workers));
	for (int w = 0; w < RESOLVER_WORKERS; w++) {
		struct resolver *r = &workers[w];
		r->sb = sb;
		r->pv = sb->cfg->policy;
		r->table = table;
		r->table_lock = &table_lock;
		r->udp = udp;
		r->tcp = tcp;
		r->clients = xcalloc(TCP_CLIENTS, sizeof(*r->clients));
		for (int i = 0; i < TCP_CLIENTS; i++)
			r->clients[i].fd = -1;
		/* res_ninit reads the host's /etc/resolv.conf: before the filter. */
		if (res_ninit(&r->res) < 0)
			_exit(125);
		if (set) {
			r->res.nscount = 1;
			r->res.nsaddr_list[0] = (struct sockaddr_in){
				.sin_family = AF_INET, .sin_port = htons(53), .sin_addr = up};
		}
		r->res.retrans = 2;
		r->res.retry = 2;
		r->res.options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH);
	}

	/* Not the caller's terminal (the filter has no ioctl, but still). */
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(125);
	/* Nothing of the library's but what it serves with. */
	int audit_fd = sb->cfg->audit_fd;
	for (int fd = 3; fd < 1024; fd++)
		if (fd != udp && fd != tcp && fd != ready_fd && fd != audit_fd)
			close(fd);
	gid_t gid = RESOLVER_UID;
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(RESOLVER_UID, RESOLVER_UID, RESOLVER_UID) < 0)
		_exit(125);
	/* The change of user cleared the death signal. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	/* The first gmtime_r reads the time zone's file: before the filter. */
	time_t t0 = 0;
	struct tm tm0;
	gmtime_r(&t0, &tm0);
	/* The other threads before the filter, which is then installed on
	 * all of them at once: none ever serves without it, and the filter
	 * need not allow making threads. Once they all run (a thread's start
	 * makes calls the filter refuses), they wait for it. */
	static pthread_barrier_t running, filtered;
	if (pthread_barrier_init(&running, NULL, RESOLVER_WORKERS) != 0 ||
	    pthread_barrier_init(&filtered, NULL, RESOLVER_WORKERS) != 0)
		_exit(125);
	for (int w = 1; w < RESOLVER_WORKERS; w++) {
		pthread_t th;
		workers[w].running = &running;
		workers[w].filtered = &filtered;
		if (pthread_create(&th, NULL, serve, &workers[w]) != 0)
			_exit(125);
	}
	pthread_barrier_wait(&running);
	if (resolver_filter_apply() < 0)
		_exit(125);
	pthread_barrier_wait(&filtered);
	if (write(ready_fd, "", 1) != 1)
		_exit(125);
	close(ready_fd);
	serve(&workers[0]);
	_exit(1);
}

pid_t resolver_start(struct sandbox *sb, struct dns_bind_table *table, pid_t init, char *msg,
		     size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)init);
	int ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	int ready[2] = {-1, -1};
	if (ns_fd < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		snprintf(msg, size, "the sandbox's resolver: %s", strerror(errno));
		if (ns_fd >= 0)
			close(ns_fd);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork_single_threaded();
	if (pid == 0) {
		close(ready[0]);
		resolver_main(sb, table, parent, ns_fd, ready[1]);
	}
	close(ns_fd);
	close(ready[1]);
	if (pid < 0) {
		snprintf(msg, size, "starting the sandbox's resolver: %s", strerror(errno));
		close(ready[0]);
		return -1;
	}
	/* No time limit: the resolver does no network work before it is
	 * ready, and if it dies its end of the pipe closes (a loaded machine
	 * can take seconds to run it). */
	char c;
	ssize_t got;
	do
		got = read(ready[0], &c, 1);
	while (got < 0 && errno == EINTR);
	close(ready[0]);
	if (got == 1) {
		msg[0] = '\0';
		return pid;
	}
	kill_wait(pid);
	snprintf(msg, size,
		 "the sandbox's resolver did not start (127.0.0.53 port 53 in the sandbox, the "
		 "host's /etc/resolv.conf)");
	return -1;
}
