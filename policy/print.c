/* SPDX-License-Identifier: Apache-2.0 */
/* The effective policy printed as YAML (`runsc-c policy show`): valid
 * input for `policy check` again, each entry with a comment naming the file
 * and line it comes from. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "common/util.h"
#include "policy/compile.h"
#include "policy/doc.h"
#include "policy/policy.h"

static bool reserved_word(const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no",   "on",
					    "off",  "y",     "n",   "null", "~"};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcasecmp(s, words[i]) == 0)
			return true;
	}
	return false;
}

/* Whether s can be written as a plain scalar, in block and flow context
 * alike, and reads back as the same string. */
static bool plain_ok(const char *s)
{
	char c0 = s[0];
	if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_' || c0 == '/'))
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || strchr("_./*?+@%=^\\-", ch);
		if (!ok)
			return false;
	}
	return !reserved_word(s);
}

/* Characters a YAML reader takes as they are inside a quoted scalar: the
 * printable set less the line breaks U+0085, U+2028 and U+2029 (which it
 * would fold) and the byte-order mark. */
static bool yaml_literal_ok(uint32_t c)
{
	if (c >= 0x20 && c <= 0x7e)
		return true;
	if (c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff)
		return false;
	return (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

static void emit_str(FILE *out, const char *s)
{
	if (plain_ok(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t c;
		size_t n = utf8_decode(p, &c);
		if (n == 0) {
			/* Cannot come from a YAML file; keep the output valid. */
			fputs("\\ufffd", out);
			p++;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", (int)c);
		else if (c < 0x80 && !yaml_literal_ok(c))
			fprintf(out, "\\x%02x", c);
		else if (!yaml_literal_ok(c) && c > 0xffff)
			fprintf(out, "\\U%08x", c);
		else if (!yaml_literal_ok(c))
			fprintf(out, "\\u%04x", c);
		else
			fwrite(p, 1, n, out);
		p += n;
	}
	fputc('"', out);
}

/* A comment holds printable characters only, and no line break. */
static void emit_comment_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t c;
		size_t n = utf8_decode(p, &c);
		if (n == 0 || !yaml_literal_ok(c)) {
			fputc('?', out);
			p += n ? n : 1;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
}

struct printer {
	FILE *out;
	const struct policy_doc *d;
	const struct policy_root *root;
};

static void emit_origin(const struct printer *p, const struct pd_origin *o, const char *resolved)
{
	fputs("  # ", p->out);
	emit_comment_text(p->out, p->d->files[o->file]);
	fprintf(p->out, ":%u", o->line);
	if (resolved) {
		fputs("; resolves to ", p->out);
		emit_comment_text(p->out, resolved);
	}
	fputc('\n', p->out);
}

/* The resolved form of a glob when a root is given and it differs. */
static char *resolved(const struct printer *p, const char *text, bool follow)
{
	char *r = NULL;
	if (!p->root || policy_canon_glob(p->root, text, follow, &r) < 0)
		return NULL;
	if (strcmp(r, text) == 0) {
		free(r);
		return NULL;
	}
	return r;
}

static void emit_glob_list(const struct printer *p, const char *indent, const struct pd_list *l,
			   bool follow)
{
	for (size_t i = 0; i < l->n; i++) {
		fprintf(p->out, "%s- ", indent);
		emit_str(p->out, l->v[i].text);
		char *r = resolved(p, l->v[i].text, follow);
		emit_origin(p, &l->v[i].at, r);
		free(r);
	}
}

static const char *access_name(int access)
{
	switch (access) {
	case POLICY_ACCESS_NONE:
		return "none";
	case POLICY_ACCESS_READ:
		return "read";
	case POLICY_ACCESS_WRITE:
		return "write";
	default:
		return "?";
	}
}

static void fmt_size(char *buf, size_t size, uint64_t v)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {
		{"Ti", 1ULL << 40}, {"Gi", 1ULL << 30},	     {"Mi", 1ULL << 20},
		{"Ki", 1ULL << 10}, {"T", 1000000000000ULL}, {"G", 1000000000ULL},
		{"M", 1000000ULL},  {"K", 1000ULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (v % units[i].mult == 0) {
			snprintf(buf, size, "%llu%s", (unsigned long long)(v / units[i].mult),
				 units[i].suffix);
			return;
		}
	}
	snprintf(buf, size, "%llu", (unsigned long long)v);
}

static void fmt_res(char *buf, size_t size, enum pd_res k, uint64_t v)
{
	unsigned long long u = v;
	switch (k) {
	case RES_MEMORY:
	case RES_DISK:
		fmt_size(buf, size, v);
		break;
	case RES_CPU:
		if (u % 1000 == 0)
			snprintf(buf, size, "%llu", u / 1000);
		else if (u % 100 == 0)
			snprintf(buf, size, "%llu.%llu", u / 1000, u % 1000 / 100);
		else if (u % 10 == 0)
			snprintf(buf, size, "%llu.%02llu", u / 1000, u % 1000 / 10);
		else
			snprintf(buf, size, "%llu.%03llu", u / 1000, u % 1000);
		break;
	case RES_TIMEOUT:
		if (u % 3600000 == 0)
			snprintf(buf, size, "%lluh", u / 3600000);
		else if (u % 60000 == 0)
			snprintf(buf, size, "%llum", u / 60000);
		else if (u % 1000 == 0)
			snprintf(buf, size, "%llus", u / 1000);
		else
			snprintf(buf, size, "%llums", u);
		break;
	case RES_PIDS:
	default:
		snprintf(buf, size, "%llu", u);
		break;
	}
}

static void print_header(const struct printer *p)
{
	const struct policy_doc *d = p->d;
	fputs("# The effective policy of ", p->out);
	emit_comment_text(p->out, d->files[d->chain[0]]);
	for (size_t i = 1; i < d->nchain; i++) {
		fputs(i == 1 ? ", which extends " : ", then ", p->out);
		emit_comment_text(p->out, d->files[d->chain[i]]);
	}
	fputs(".\n# Each entry names the file and line it comes from.\n", p->out);
	fprintf(p->out, "apiVersion: %s\nkind: Policy\nname: ", POLICY_API_VERSION);
	emit_str(p->out, d->name);
	fputc('\n', p->out);
	if (d->description) {
		fputs("description: ", p->out);
		emit_str(p->out, d->description);
		fputc('\n', p->out);
	}
}

static void print_files(const struct printer *p)
{
	const struct policy_doc *d = p->d;
	if (d->fs.n) {
		fputs("filesystem:\n", p->out);
		for (size_t i = 0; i < d->fs.n; i++) {
			const struct pd_item *it = &d->fs.v[i];
			fputs("  - {path: ", p->out);
			emit_str(p->out, it->text);
			fprintf(p->out, ", access: %s}", access_name(it->access));
			char *r = resolved(p, it->text, true);
			emit_origin(p, &it->at, r);
			free(r);
		}
	}
	if (d->hidden.n) {
		fputs("hidden:\n", p->out);
		emit_glob_list(p, "  ", &d->hidden, false);
	}
	if (d->tmpfs.n) {
		fputs("tmpfs:\n", p->out);
		emit_glob_list(p, "  ", &d->tmpfs, true);
	}
	if (d->exec_allow_set || d->exec_deny.n) {
		fputs("exec:\n", p->out);
		if (d->exec_allow_set && d->exec_allow.n == 0) {
			fputs("  allow: []", p->out);
			emit_origin(p, &d->exec_allow_at, NULL);
		} else if (d->exec_allow_set) {
			fputs("  allow:", p->out);
			emit_origin(p, &d->exec_allow_at, NULL);
			emit_glob_list(p, "    ", &d->exec_allow, true);
		}
		if (d->exec_deny.n) {
			fputs("  deny:\n", p->out);
			emit_glob_list(p, "    ", &d->exec_deny, true);
		}
	}
}

static void print_net_rule(const struct printer *p, const struct pd_net_rule *r)
{
	if (r->host)
		fprintf(p->out, "    - {host: %s%s%s", r->wildcard ? "\"*." : "", r->host,
			r->wildcard ? "\"" : "");
	else
		fputs("    - {cidr: ", p->out);
	if (!r->host)
		emit_str(p->out, r->cidr);
	if (r->nports) {
		fputs(", ports: [", p->out);
		for (size_t k = 0; k < r->nports; k++) {
			const struct pd_port_range *pr = &r->ports[k];
			fputs(k ? ", " : "", p->out);
			if (pr->lo == pr->hi)
				fprintf(p->out, "%u", pr->lo);
			else
				fprintf(p->out, "%u-%u", pr->lo, pr->hi);
		}
		fputc(']', p->out);
	}
	fputc('}', p->out);
	emit_origin(p, &r->at, NULL);
}

static void print_network(const struct printer *p)
{
	const struct policy_doc *d = p->d;
	fprintf(p->out, "network:\n  mode: %s\n",
		d->net_mode == POLICY_NET_EGRESS ? "egress" : "none");
	for (int deny = 0; deny <= 1; deny++) {
		bool any = false;
		for (size_t i = 0; i < d->nnet; i++) {
			if (d->net[i].deny != deny)
				continue;
			if (!any)
				fputs(deny ? "  deny:\n" : "  allow:\n", p->out);
			any = true;
			print_net_rule(p, &d->net[i]);
		}
	}
	if (d->npublish)
		fputs("  publish:\n", p->out);
	for (size_t i = 0; i < d->npublish; i++) {
		char text[PUBLISH_TEXT_MAX];
		publish_format(&d->publish[i].p, text, sizeof(text));
		fputs("    - ", p->out);
		emit_str(p->out, text);
		emit_origin(p, &d->publish[i].at, NULL);
	}
}

static void print_rest(const struct printer *p)
{
	const struct policy_doc *d = p->d;
	if (d->res_set) {
		fputs("resources:\n", p->out);
		for (size_t k = 0; k < RES_N; k++) {
			if (!(d->res_set & (1u << k)))
				continue;
			char buf[64];
			fmt_res(buf, sizeof(buf), (enum pd_res)k, d->res[k]);
			fprintf(p->out, "  %s: %s", pd_res_names[k], buf);
			emit_origin(p, &d->res_at[k], NULL);
		}
	}
	if (d->sc_deny.n) {
		fputs("syscalls:\n  deny:\n", p->out);
		emit_glob_list(p, "    ", &d->sc_deny, false);
	}
	if (d->env_pass.n || d->env_set.n) {
		fputs("env:\n", p->out);
		if (d->env_pass.n) {
			fputs("  pass:\n", p->out);
			emit_glob_list(p, "    ", &d->env_pass, false);
		}
		if (d->env_set.n)
			fputs("  set:\n", p->out);
		for (size_t i = 0; i < d->env_set.n; i++) {
			fprintf(p->out, "    %s: ", d->env_set.v[i].text);
			emit_str(p->out, d->env_set.v[i].value);
			emit_origin(p, &d->env_set.v[i].at, NULL);
		}
	}
	fprintf(p->out, "audit:\n  denied: %s", d->audit_denied ? "true" : "false");
	if (d->audit_at[0].line)
		emit_origin(p, &d->audit_at[0], NULL);
	else
		fputc('\n', p->out);
	fprintf(p->out, "  allowed: %s", d->audit_allowed ? "true" : "false");
	if (d->audit_at[1].line)
		emit_origin(p, &d->audit_at[1], NULL);
	else
		fputc('\n', p->out);
}

int policy_doc_print(const struct policy_doc *doc, const struct policy_root *root, FILE *out)
{
	struct printer p = {.out = out, .d = doc, .root = root};
	print_header(&p);
	print_files(&p);
	print_network(&p);
	print_rest(&p);
	return ferror(out) ? -EIO : 0;
}
