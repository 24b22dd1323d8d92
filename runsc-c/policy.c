/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c policy check NAME|FILE...`, `runsc-c policy show NAME|FILE` and
 * `runsc-c policy learn -o OUT.yaml [--from BASE] -- CMD`.
 * A NAME is a shipped profile (policies/NAME.yaml); anything with a '/' or
 * ending in .yaml or .yml is a file. */
#include "runsc-c/policy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/utf8.h"
#include "common/util.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "runsc-c/do.h"
#include "syscalls/table.h"

#define USAGE                                                                                      \
	"usage: runsc-c policy check NAME|FILE...   exit 0 when every policy is valid;\n"          \
	"                                           else one line per problem and exit 1\n"        \
	"       runsc-c policy show NAME|FILE       the effective policy after extends, as YAML\n" \
	"       runsc-c policy learn -o OUT.yaml [--from BASE] [DO-OPTIONS] -- CMD [ARG...]\n"     \
	"                                           run CMD under BASE (default: default) and\n"   \
	"                                           write the narrowest policy that run needs\n"

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("runsc-c policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n" USAGE, stderr);
	return 2;
}

static void print_problems(const struct policy_problems *pr)
{
	for (size_t i = 0; i < pr->n; i++)
		fprintf(stderr, "%s\n", pr->lines[i]);
}

/* Loads and compiles one policy; problems go to pr. */
static struct policy_doc *load_checked(const char *ref, struct policy_problems *pr)
{
	struct policy_doc *doc = policy_load(ref, NULL, pr);
	if (!doc)
		return NULL;
	void *blob;
	size_t len;
	int r = policy_compile(doc, NULL, &blob, &len);
	if (r < 0) {
		policy_problem_add(pr, "%s: cannot compile: %s", ref, strerror(-r));
		policy_doc_free(doc);
		return NULL;
	}
	free(blob);
	return doc;
}

static int cmd_check(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("check needs at least one NAME or FILE");
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct policy_problems pr = {0};
		struct policy_doc *doc = load_checked(argv[i], &pr);
		if (!doc)
			status = 1;
		print_problems(&pr);
		policy_problems_free(&pr);
		policy_doc_free(doc);
	}
	return status;
}

static int cmd_show(int argc, char **argv)
{
	if (argc != 2)
		return usage_error("show needs exactly one NAME or FILE");
	struct policy_problems pr = {0};
	struct policy_doc *doc = load_checked(argv[1], &pr);
	print_problems(&pr);
	policy_problems_free(&pr);
	if (!doc)
		return 1;
	/* Comments say where a rule path resolves differently on this host. */
	int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct policy_root root = {.rootfs_fd = root_fd};
	int r = policy_doc_print(doc, root_fd >= 0 ? &root : NULL, stdout);
	if (root_fd >= 0)
		close(root_fd);
	policy_doc_free(doc);
	if (r < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "runsc-c policy show: writing the policy failed\n");
		return 1;
	}
	return 0;
}

/* A path the run used, and how. */
struct learned {
	char *path;
	bool write;
};

static void *grow(void *p, size_t size)
{
	void *q = realloc(p, size);
	if (!q)
		die("out of memory");
	return q;
}

/* A destination a connect went to: a name the sandbox's resolver answered
 * for it (host), else the address as inet_ntop writes it. */
struct learned_net {
	char addr[254];
	bool host;
	bool v6;
	uint16_t port;
};

struct learn_set {
	struct learned *v;
	size_t n, cap;
	char **exec;
	size_t nexec, cap_exec;
	struct learned_net *net;
	size_t nnet, cap_net;
};

static void learn_add(struct learn_set *ls, const char *path, bool write)
{
	for (size_t i = 0; i < ls->n; i++) {
		if (strcmp(ls->v[i].path, path) == 0) {
			ls->v[i].write |= write;
			return;
		}
	}
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 64;
		ls->v = grow(ls->v, ls->cap * sizeof(*ls->v));
	}
	ls->v[ls->n++] = (struct learned){.path = xstrdup(path), .write = write};
}

static void learn_add_exec(struct learn_set *ls, const char *path)
{
	for (size_t i = 0; i < ls->nexec; i++)
		if (strcmp(ls->exec[i], path) == 0)
			return;
	if (ls->nexec == ls->cap_exec) {
		ls->cap_exec = ls->cap_exec ? ls->cap_exec * 2 : 16;
		ls->exec = grow(ls->exec, ls->cap_exec * sizeof(*ls->exec));
	}
	ls->exec[ls->nexec++] = xstrdup(path);
}

/* A name a host entry can carry: lower-case labels of letters, digits and
 * '-', joined by dots (a name with '_' is learned as its address). */
static bool learned_host_ok(const char *host)
{
	size_t n = strlen(host);
	return n > 0 && n < sizeof(((struct learned_net *)0)->addr) && host[0] != '.' &&
	       host[n - 1] != '.' && !strstr(host, "..") &&
	       strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789-.") == n;
}

/* An audit object "192.0.2.7:443" or "[2001:db8::1]:443", checked by
 * parsing the address back, and the name the address was bound to (the
 * record's "host"), if any: the entry is then that name. */
static void learn_add_net(struct learn_set *ls, const char *object, const char *host)
{
	struct learned_net n = {.v6 = object[0] == '['};
	const char *colon = strrchr(object, ':');
	if (!colon)
		return;
	size_t alen = (size_t)(colon - object);
	if (n.v6) {
		if (alen < 3 || object[alen - 1] != ']')
			return;
		object++;
		alen -= 2;
	}
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	uint8_t bin[16];
	if (alen >= sizeof(n.addr) || *end || port == 0 || port > 65535)
		return;
	memcpy(n.addr, object, alen);
	n.addr[alen] = '\0';
	if (inet_pton(n.v6 ? AF_INET6 : AF_INET, n.addr, bin) != 1)
		return;
	n.port = (uint16_t)port;
	if (host && learned_host_ok(host)) {
		snprintf(n.addr, sizeof(n.addr), "%s", host);
		n.host = true;
		n.v6 = false;
	}
	for (size_t i = 0; i < ls->nnet; i++)
		if (ls->net[i].port == n.port && ls->net[i].host == n.host &&
		    strcmp(ls->net[i].addr, n.addr) == 0)
			return;
	if (ls->nnet == ls->cap_net) {
		ls->cap_net = ls->cap_net ? ls->cap_net * 2 : 16;
		ls->net = grow(ls->net, ls->cap_net * sizeof(*ls->net));
	}
	ls->net[ls->nnet++] = n;
}

/* The string "key" of one audit record, or NULL. */
static const char *record_str(struct json_object *rec, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The allowed accesses of the audit log (sentry/audit.c's JSON lines). An
 * object that was not valid UTF-8 is left out: a YAML policy cannot name
 * it, and its escaped form names another path. */
static int learn_read(const char *log_path, struct learn_set *ls)
{
	FILE *f = fopen(log_path, "re");
	if (!f)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		struct json_object *rec = json_tokener_parse(line), *bad;
		const char *obj = record_str(rec, "object"), *access = record_str(rec, "access"),
			   *decision = record_str(rec, "decision");
		if (!obj || !access || !decision || strcmp(decision, "allow") != 0 ||
		    strlen(obj) >= POLICY_PATH_MAX * 2 ||
		    json_object_object_get_ex(rec, "object_invalid_utf8", &bad)) {
			json_object_put(rec);
			continue;
		}
		/* A connect, or a datagram sent to an address (sendto,
		 * sendmsg, sendmmsg, MSG_FASTOPEN): both need an entry. */
		if (strcmp(access, "connect") == 0 || strcmp(access, "send") == 0) {
			learn_add_net(ls, obj, record_str(rec, "host"));
		} else if (policy_path_is_canonical(obj)) {
			if (strcmp(access, "exec") == 0)
				learn_add_exec(ls, obj);
			else if (strcmp(access, "read") == 0 || strcmp(access, "write") == 0)
				learn_add(ls, obj, strcmp(access, "write") == 0);
		}
		json_object_put(rec);
	}
	free(line);
	fclose(f);
	return 0;
}

/* A name a program invented at random (mkstemp, Python's tempfile): a run
 * of 6 or more letters, digits and '_' mixing at least two of lower case,
 * upper case and digits, or a "tmp" prefix before 6 or more such bytes. */
static bool name_looks_random(const char *name)
{
	if (strncmp(name, "tmp", 3) == 0 &&
	    strspn(name + 3, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") >= 6)
		return true;
	const char *p = name;
	while (*p) {
		int lower = 0, upper = 0, digit = 0;
		size_t n = 0;
		for (; isalnum((unsigned char)*p) || *p == '_'; p++, n++) {
			lower |= islower((unsigned char)*p) != 0;
			upper |= isupper((unsigned char)*p) != 0;
			digit |= isdigit((unsigned char)*p) != 0;
		}
		if (n >= 6 && lower + upper + digit >= 2 && (digit || upper))
			return true;
		if (*p)
			p++;
	}
	return false;
}

/* The path as a glob matching itself only, for a single-quoted YAML
 * scalar: wildcard characters escaped, a quote doubled, UTF-8 as it is, and
 * bytes YAML cannot carry (controls, invalid UTF-8) matched by '?'. */
static void glob_literal(const char *path, char *out, size_t size)
{
	size_t n = 0;
	for (const unsigned char *u = (const unsigned char *)path; *u && n + 5 < size;) {
		uint32_t cp;
		size_t len = utf8_decode(u, &cp);
		if (strchr("*?\\[]{}", *u))
			out[n++] = '\\';
		if (*u == '\'')
			out[n++] = '\'';
		if (len > 1 && n + len + 1 < size) {
			memcpy(out + n, u, len);
			n += len;
			u += len;
			continue;
		}
		out[n++] = (len == 0 || *u < 0x20 || *u == 0x7f) ? '?' : (char)*u;
		u++;
	}
	out[n] = '\0';
}

static char *dir_of(const char *path)
{
	char *d = xstrdup(path);
	char *slash = strrchr(d, '/');
	if (slash == d)
		d[1] = '\0';
	else if (slash)
		*slash = '\0';
	return d;
}

/* Globs DIR/<star> for directories where many files were used, or where a
 * program wrote names it invented; the files they cover leave the exact
 * list. write: which kind of use. */
#define LEARN_DIR_GLOB_MIN 8

static size_t learn_dir_globs(struct learn_set *ls, bool write, char ***globs)
{
	size_t nglobs = 0;
	*globs = NULL;
	for (size_t i = 0; i < ls->n; i++) {
		if (!ls->v[i].path || ls->v[i].write != write || strcmp(ls->v[i].path, "/") == 0)
			continue;
		_cleanup_free_ char *dir = dir_of(ls->v[i].path);
		size_t count = 0;
		bool random = false;
		for (size_t j = 0; j < ls->n; j++) {
			if (!ls->v[j].path || ls->v[j].write != write)
				continue;
			_cleanup_free_ char *d = dir_of(ls->v[j].path);
			if (strcmp(d, dir) != 0 || strcmp(ls->v[j].path, "/") == 0)
				continue;
			count++;
			if (write && name_looks_random(strrchr(ls->v[j].path, '/') + 1))
				random = true;
		}
		if (count < LEARN_DIR_GLOB_MIN && !random)
			continue;
		char lit[POLICY_PATH_MAX * 2];
		glob_literal(dir, lit, sizeof(lit));
		*globs = grow(*globs, (nglobs + 1) * sizeof(**globs));
		xasprintf(&(*globs)[nglobs++], "%s%s*", lit, strcmp(dir, "/") ? "/" : "");
		for (size_t j = 0; j < ls->n; j++) {
			if (!ls->v[j].path || ls->v[j].write != write)
				continue;
			_cleanup_free_ char *d = dir_of(ls->v[j].path);
			if (strcmp(d, dir) == 0 && strcmp(ls->v[j].path, "/") != 0) {
				free(ls->v[j].path);
				ls->v[j].path = NULL;
			}
		}
	}
	return nglobs;
}

static int cmp_learned(const void *a, const void *b)
{
	const struct learned *x = a, *y = b;
	if (!x->path || !y->path)
		return !x->path - !y->path;
	return strcmp(x->path, y->path);
}

static void emit_rule(FILE *out, const char *glob, const char *access)
{
	fprintf(out, "  - {path: '%s', access: %s}\n", glob, access);
}

static void emit_list(FILE *out, const struct policy_view *pv, enum policy_rule_kind kind,
		      const char *indent, const char *key)
{
	uint32_t first = policy_rule_first(pv, kind), n = policy_rule_count(pv, kind);
	if (!n)
		return;
	fprintf(out, "%s%s:\n", indent, key);
	for (uint32_t i = 0; i < n; i++)
		fprintf(out, "%s  - '%s'\n", indent, policy_rule_text(pv, first + i));
}

static int cmp_learned_net(const void *a, const void *b)
{
	const struct learned_net *x = a, *y = b;
	int r = y->host - x->host;
	if (!r)
		r = x->v6 - y->v6;
	if (!r)
		r = strcmp(x->addr, y->addr);
	return r ? r : x->port - y->port;
}

/* The ports a run published: BASE's network.publish, then the -p flags. */
struct learn_publish {
	struct publish v[2 * PUBLISH_MAX];
	size_t n;
};

static void emit_publish(FILE *out, const struct learn_publish *lp)
{
	if (!lp->n)
		return;
	fputs("  publish:\n", out);
	for (size_t i = 0; i < lp->n; i++) {
		char text[PUBLISH_TEXT_MAX];
		publish_format(&lp->v[i], text, sizeof(text));
		fprintf(out, "    - '%s'\n", text);
	}
}

/* network: one allow entry per name (the sandbox's resolver answered for
 * the address) or else per address a connect or a datagram went to (every
 * one the run made was one BASE allowed), with the ports used; and the
 * ports the run published, which keep the mode egress. */
static void emit_net(FILE *out, struct learn_set *ls, const struct learn_publish *lp)
{
	fprintf(out, "network:\n  mode: %s\n", ls->nnet || lp->n ? "egress" : "none");
	emit_publish(out, lp);
	if (!ls->nnet)
		return;
	qsort(ls->net, ls->nnet, sizeof(*ls->net), cmp_learned_net);
	fputs("  allow:\n", out);
	for (size_t i = 0; i < ls->nnet;) {
		fprintf(out, "    - {%s: '%s', ports: [", ls->net[i].host ? "host" : "cidr",
			ls->net[i].addr);
		size_t j = i;
		for (; j < ls->nnet && ls->net[j].host == ls->net[i].host &&
		       strcmp(ls->net[j].addr, ls->net[i].addr) == 0;
		     j++)
			fprintf(out, "%s%u", j > i ? ", " : "", ls->net[j].port);
		fputs("]}\n", out);
		i = j;
	}
}

static void emit_base(FILE *out, const struct policy_view *pv, struct learn_set *ls,
		      const struct learn_publish *lp)
{
	emit_list(out, pv, POLICY_RULE_HIDDEN, "", "hidden");
	emit_list(out, pv, POLICY_RULE_TMPFS, "", "tmpfs");
	emit_net(out, ls, lp);
	const struct policy_resources *res = policy_resources(pv);
	if (res->set) {
		fputs("resources:\n", out);
		if (res->set & POLICY_RES_MEMORY)
			fprintf(out, "  memory: %" PRIu64 "\n", res->memory_bytes);
		if (res->set & POLICY_RES_PIDS)
			fprintf(out, "  pids: %" PRIu64 "\n", res->pids);
		if (res->set & POLICY_RES_CPU)
			fprintf(out, "  cpu: %g\n", (double)res->cpu_millicores / 1000);
		if (res->set & POLICY_RES_TIMEOUT)
			fprintf(out, "  timeout: %" PRIu64 "ms\n", res->timeout_ms);
		if (res->set & POLICY_RES_DISK)
			fprintf(out, "  disk: %" PRIu64 "\n", res->disk_bytes);
	}
	if (policy_syscall_deny_count(pv)) {
		fputs("syscalls:\n  deny:\n", out);
		for (uint32_t i = 0; i < policy_syscall_deny_count(pv); i++) {
			const struct sc_row *row = sc_lookup(policy_syscall_deny_nr(pv, i));
			if (row)
				fprintf(out, "    - %s\n", row->name);
		}
	}
	fputs("env:\n  pass:\n", out);
	for (uint32_t i = 0; i < policy_env_pass_count(pv); i++)
		fprintf(out, "    - '%s'\n", policy_env_pass(pv, i));
	fputs("  set:\n", out);
	for (uint32_t i = 0; i < policy_env_set_count(pv); i++) {
		const char *value, *name = policy_env_set(pv, i, &value);
		fprintf(out, "    %s: '", name);
		for (const char *p = value; *p; p++)
			fputs(*p == '\'' ? "''" : (char[]){*p, 0}, out);
		fputs("'\n", out);
	}
	fprintf(out, "audit:\n  denied: %s\n  allowed: false\n",
		policy_audit_denied(pv) ? "true" : "false");
}

static int learn_write(FILE *out, const char *base, const struct policy_view *pv,
		       struct learn_set *ls, const struct learn_publish *lp)
{
	fputs("# Learned by `runsc-c policy learn`: what one run used, and nothing else.\n", out);
	fputs("apiVersion: runsc-c/v1\nkind: Policy\n", out);
	fprintf(out, "description: 'Learned from a run under %s.'\n", base);
	fputs("filesystem:\n", out);
	emit_rule(out, "/**", "none");
	char **rg, **wg;
	size_t nrg = learn_dir_globs(ls, false, &rg);
	size_t nwg = learn_dir_globs(ls, true, &wg);
	for (size_t i = 0; i < nrg; i++)
		emit_rule(out, rg[i], "read");
	for (size_t i = 0; i < nwg; i++)
		emit_rule(out, wg[i], "write");
	qsort(ls->v, ls->n, sizeof(*ls->v), cmp_learned);
	for (int w = 0; w < 2; w++) {
		for (size_t i = 0; i < ls->n; i++) {
			if (!ls->v[i].path || ls->v[i].write != w)
				continue;
			char lit[POLICY_PATH_MAX * 2];
			glob_literal(ls->v[i].path, lit, sizeof(lit));
			emit_rule(out, lit, w ? "write" : "read");
		}
	}
	fputs("exec:\n  allow:\n", out);
	for (size_t i = 0; i < ls->nexec; i++) {
		char lit[POLICY_PATH_MAX * 2];
		glob_literal(ls->exec[i], lit, sizeof(lit));
		fprintf(out, "    - '%s'\n", lit);
	}
	if (!ls->nexec)
		fputs("    []\n", out);
	emit_list(out, pv, POLICY_RULE_EXEC_DENY, "  ", "deny");
	emit_base(out, pv, ls, lp);
	for (size_t i = 0; i < nrg; i++)
		free(rg[i]);
	for (size_t i = 0; i < nwg; i++)
		free(wg[i]);
	free(rg);
	free(wg);
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}

/* One run of the command under BASE, with `do`'s flags (do_argv, "do"
 * first) and every allowed access recorded in log_path. Returns what `do`
 * would exit with, and in *started whether the command ran at all (a
 * sandbox that could not start exits 125 as a command may). The sandbox
 * runs in a child: `do`'s flags and policy are checked there, and a bad
 * one exits it with 2, after which learn still removes its log. */
static int learn_run(int n, char **do_argv, const char *base, const char *log_path, bool *started)
{
	*started = false;
	/* Non-blocking: the byte, if any, is there once the child is reaped,
	 * whatever else may still hold the pipe's other end. */
	int sp[2];
	if (pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	if (pid == 0) {
		static struct do_opts o;
		struct sandbox_config cfg;

		/* A learn killed outright takes its run with it: SIGTERM is
		 * what `do` ends a sandbox on, cleaning up as it goes. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(125);
		close(sp[0]);
		do_parse(&o, n, do_argv);
		o.policy_ref = base;
		o.audit_path = log_path;
		o.learn = true;
		o.started_fd = sp[1];
		do_config(&o, &cfg);
		_exit(do_run(&o, &cfg));
	}
	close(sp[1]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			close(sp[0]);
			return -errno;
		}
	char c;
	ssize_t got;
	do
		got = read(sp[0], &c, 1);
	while (got < 0 && errno == EINTR);
	*started = got == 1;
	close(sp[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_learn(int argc, char **argv)
{
	const char *out_path = NULL, *base = "default";
	int i = 1;
	/* -o and --from are learn's; anything else before "--" goes to `do`. */
	_cleanup_free_ char **do_argv = xcalloc((size_t)argc + 2, sizeof(*do_argv));
	int n = 0;
	do_argv[n++] = "do";
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--from") == 0) &&
		    i + 1 < argc) {
			if (argv[i][1] == 'o')
				out_path = argv[++i];
			else
				base = argv[++i];
		} else {
			do_argv[n++] = argv[i];
		}
	}
	if (!out_path)
		return usage_error("learn needs -o OUT.yaml");
	if (i + 1 >= argc)
		return usage_error("learn needs a command after --");
	/* BASE's own lists (hidden, tmpfs, env...) carry over as written. */
	struct policy_problems pr = {0};
	struct policy_doc *doc = policy_load(base, NULL, &pr);
	void *blob = NULL;
	size_t len = 0;
	struct policy_view pv;
	if (doc && policy_compile(doc, NULL, &blob, &len) == 0 &&
	    policy_view_init(&pv, blob, len) == 0) {
		policy_doc_free(doc);
	} else {
		print_problems(&pr);
		fprintf(stderr, "runsc-c policy learn: %s: cannot be loaded\n", base);
		policy_problems_free(&pr);
		policy_doc_free(doc);
		return 2;
	}
	policy_problems_free(&pr);

	for (; i < argc; i++)
		do_argv[n++] = argv[i];
	do_argv[n] = NULL;
	/* The ports the run publishes go into the learned policy as they
	 * are: BASE's, then the -p flags, refused here as `do` would. */
	static struct do_opts flags;
	static struct learn_publish lp;
	do_parse(&flags, n, do_argv);
	do_publish(&flags, &pv);
	memcpy(lp.v, flags.publish, flags.npublish * sizeof(*lp.v));
	lp.n = flags.npublish;
	const char *tmpdir = getenv("TMPDIR");
	_cleanup_free_ char *log_path = NULL;
	xasprintf(&log_path, "%s/runsc-c-learn-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
	int log_fd = mkostemp(log_path, O_CLOEXEC);
	if (log_fd < 0) {
		fprintf(stderr, "runsc-c policy learn: %s: %s\n", log_path, strerror(errno));
		return 2;
	}
	/* The log has no name from here on: a learn killed outright leaves
	 * nothing in TMPDIR. The run and the reader reach it through the fd. */
	unlink(log_path);
	free(log_path);
	xasprintf(&log_path, "/proc/self/fd/%d", log_fd);
	bool started;
	int status = learn_run(n, do_argv, base, log_path, &started);
	if (status >= 0 && !started) {
		/* The sandbox never ran (the run said why): nothing learned,
		 * nothing written. */
		close(log_fd);
		free(blob);
		return status ? status : 125;
	}

	struct learn_set ls = {0};
	int r = status < 0 ? status : learn_read(log_path, &ls);
	close(log_fd);
	FILE *out = r < 0 ? NULL : fopen(out_path, "we");
	if (r == 0 && !out)
		r = -errno;
	if (out) {
		r = learn_write(out, base, &pv, &ls, &lp);
		if (fclose(out) != 0 && r == 0)
			r = -errno;
	}
	for (size_t k = 0; k < ls.n; k++)
		free(ls.v[k].path);
	for (size_t k = 0; k < ls.nexec; k++)
		free(ls.exec[k]);
	free(ls.v);
	free(ls.exec);
	free(ls.net);
	free(blob);
	if (r < 0) {
		fprintf(stderr, "runsc-c policy learn: %s: %s\n", out_path, strerror(-r));
		return 2;
	}
	if (status != 0)
		fprintf(stderr,
			"runsc-c policy learn: the command exited with %d; %s holds "
			"what it used\n",
			status, out_path);
	return status;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("a subcommand is needed");
	const char *sub = argv[1];
	if (strcmp(sub, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(sub, "learn") == 0)
		return cmd_learn(argc - 1, argv + 1);
	if (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(USAGE, stdout);
		return 0;
	}
	return usage_error("'%s': unknown subcommand", sub);
}
