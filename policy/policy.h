/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled policy: what the CLI makes of a YAML profile once, and what
 * the gofer and the sentry load (from a sealed memfd) without parsing YAML.
 *
 * The blob is flat and position-independent: a header, then arrays of
 * fixed-size records, then a string table. Records name strings by their
 * offset in the string table; there are no pointers. The receiving side
 * treats the blob as hostile input: policy_view_init() bounds-checks every
 * offset, count and enum before any lookup reads it, so a lookup on a view
 * that initialised successfully never reads outside the blob.
 *
 * Layout (all offsets from the start of the blob, all sections 8-aligned):
 *
 *   struct policy_header
 *   struct policy_rule      rules[]      grouped by kind, in enum order
 *   struct policy_syscall   syscalls[]   syscalls.deny, by number
 *   struct policy_env       env[]        env.pass entries, then env.set
 *   struct policy_net_rule  net[]        network.allow, one per port range
 *   struct policy_publish   publish[]    network.publish
 *   char                    strings[]    NUL-terminated; strings[0] == '\0'
 *                                        and the last byte is '\0'
 *
 * Paths. Every lookup takes a path as resolved inside the sandbox's view:
 * absolute, no "." or ".." component, no empty component ("//"), no
 * trailing '/' (except "/" itself), shorter than PATH_MAX. A path that is
 * not in that form is refused (POLICY_ACCESS_NONE, exec not allowed): the
 * caller resolves first, the policy never guesses.
 *
 * Globs. A glob is a path in the same form whose components may use:
 *   *    any run of characters (possibly empty) inside one component; it
 *        never matches '/'. Names starting with '.' are matched too.
 *   ?    exactly one byte inside one component
 *   **   as a whole component only: any number of components, including
 *        none. A glob ending in a "**" component after "/data" matches
 *        "/data", "/data/x" and "/data/x/y"; one that is "**" alone
 *        after the root matches every path including "/"; "**" between
 *        "/a" and "b" matches "/a/b" and "/a/x/y/b"; "**" first and
 *        ".git" after it matches a ".git" at any depth. (policies/README.md
 *        spells these out as globs.)
 *   \c   the character c itself (so "\*" is a literal star)
 * Everything else matches itself. '[', ']', '{' and '}' are reserved (the
 * parser refuses them unescaped); the matcher takes them literally.
 * Matching is on bytes: '?' matches one byte of a multi-byte UTF-8 name. */
#ifndef RUNSC_POLICY_POLICY_H
#define RUNSC_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/publish.h"

#define POLICY_MAGIC	0x4c4f5052u /* "RPOL" in a little-endian dump */
#define POLICY_VERSION	2
#define POLICY_BLOB_MAX (16u << 20)
/* A rule index meaning "no rule" (no rule matched, or none applies). */
#define POLICY_NO_RULE UINT32_MAX
/* Longest path or glob, including its NUL (PATH_MAX). */
#define POLICY_PATH_MAX 4096

/* What the filesystem rules say about a path. */
enum policy_access {
	POLICY_ACCESS_UNSET = 0, /* no rule matched: the view alone decides
				  * (file modes, read-only volumes, the
				  * writable layer) */
	POLICY_ACCESS_NONE,	 /* visible, but opening, executing or
				  * changing it fails with EACCES */
	POLICY_ACCESS_READ,	 /* read, list, execute (if exec allows) */
	POLICY_ACCESS_WRITE,	 /* also create, change, remove, rename */
	POLICY_ACCESS_HIDDEN,	 /* absent from the view: ENOENT */
};

/* Kinds of path rules. The rules array holds them grouped in this order. */
enum policy_rule_kind {
	POLICY_RULE_FILE = 0,	    /* filesystem: ordered, the last match wins */
	POLICY_RULE_HIDDEN,	    /* hidden: a match on the path or on any
				     * of its ancestors hides it */
	POLICY_RULE_TMPFS,	    /* tmpfs: literal mount points */
	POLICY_RULE_EXEC_ALLOW,	    /* exec.allow globs */
	POLICY_RULE_EXEC_DENY,	    /* exec.deny globs */
	POLICY_RULE_EXEC_ALLOWLIST, /* zero or one record: present when the
				     * policy has an exec.allow list (even an
				     * empty one); it is the rule a refusal
				     * for "not in exec.allow" names */
	POLICY_RULE_NKINDS,
};

/* struct policy_rule.flags */
#define POLICY_RULE_F_ALIAS                            \
	0x1 /* a rule naming a symlink: this record    \
	     * holds the link's own path, the next one \
	     * the path it resolves to */

struct policy_origin {
	uint32_t file; /* string: the policy file as it was opened */
	uint32_t line; /* 1-based */
	uint32_t column;
};

struct policy_rule {
	uint8_t kind;	/* enum policy_rule_kind */
	uint8_t access; /* enum policy_access: POLICY_RULE_FILE (NONE, READ,
			 * WRITE) and POLICY_RULE_HIDDEN (HIDDEN); 0 for others */
	uint16_t flags; /* POLICY_RULE_F_* */
	uint32_t glob;	/* string: canonical glob, matched against paths */
	uint32_t text;	/* string: the glob as written in the policy */
	struct policy_origin origin;
};

struct policy_syscall {
	uint32_t nr; /* x86-64 syscall number */
	struct policy_origin origin;
};

enum policy_env_kind {
	POLICY_ENV_PASS = 0, /* name: a variable name, '*' as a wildcard */
	POLICY_ENV_SET,	     /* name=value */
};

struct policy_env {
	uint32_t kind; /* enum policy_env_kind */
	uint32_t name;
	uint32_t value; /* string; "" for POLICY_ENV_PASS */
	struct policy_origin origin;
};

enum policy_net_mode {
	POLICY_NET_NONE = 0, /* own network namespace, loopback only */
	POLICY_NET_EGRESS,   /* outgoing connections to the allow list */
};

enum policy_net_kind {
	POLICY_NET_HOST = 1, /* host: a DNS name (lower case) */
	POLICY_NET_CIDR,     /* cidr: an address range */
};

/* struct policy_net_rule.flags */
#define POLICY_NET_F_WILDCARD                       \
	0x1 /* host "*.example.com": any name below \
	     * example.com, not example.com itself; \
	     * the host string holds "example.com" */
#define POLICY_NET_F_DENY                             \
	0x2 /* network.deny: refuses what it matches, \
	     * whatever the allow entries say */

struct policy_net_rule {
	uint8_t kind;	    /* enum policy_net_kind */
	uint8_t family;	    /* POLICY_NET_CIDR: AF_INET or AF_INET6 */
	uint8_t prefix_len; /* POLICY_NET_CIDR: 0..32 or 0..128 */
	uint8_t flags;	    /* POLICY_NET_F_* */
	uint16_t port_lo;   /* 1..65535, port_lo <= port_hi */
	uint16_t port_hi;
	uint8_t addr[16]; /* POLICY_NET_CIDR: network byte order, host bits 0 */
	uint32_t host;	  /* string: POLICY_NET_HOST; "" otherwise */
	struct policy_origin origin;
};

/* network.publish: a guest port published on the host (common/publish.h). */
struct policy_publish {
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family; /* 0: every host address; AF_INET or AF_INET6 */
	uint16_t host_port;
	uint16_t guest_port;
	uint16_t reserved;
	uint8_t addr[16]; /* family's address; zero for 0 */
	struct policy_origin origin;
	uint32_t reserved2;
};

/* struct policy_resources.set */
#define POLICY_RES_MEMORY  0x01
#define POLICY_RES_PIDS	   0x02
#define POLICY_RES_CPU	   0x04
#define POLICY_RES_TIMEOUT 0x08
#define POLICY_RES_DISK	   0x10
#define POLICY_RES_ALL	   0x1f

struct policy_resources {
	uint32_t set; /* POLICY_RES_*: which fields the policy gives */
	uint32_t reserved;
	uint64_t memory_bytes;
	uint64_t pids;
	uint64_t cpu_millicores; /* 1500: one and a half CPUs */
	uint64_t timeout_ms;	 /* wall clock */
	uint64_t disk_bytes;	 /* size of the private writable layer */
};

/* struct policy_header.flags */
#define POLICY_F_AUDIT_DENIED  0x1
#define POLICY_F_AUDIT_ALLOWED 0x2

struct policy_section {
	uint32_t off;	/* from the start of the blob, 8-aligned */
	uint32_t count; /* records */
};

struct policy_header {
	uint32_t magic;	      /* POLICY_MAGIC */
	uint16_t version;     /* POLICY_VERSION */
	uint16_t header_size; /* sizeof(struct policy_header) */
	uint32_t total_size;  /* the whole blob */
	uint32_t flags;	      /* POLICY_F_* */
	uint32_t name;	      /* string */
	uint32_t net_mode;    /* enum policy_net_mode */
	struct policy_section rules, syscalls, env, net, publish;
	uint32_t rule_count[POLICY_RULE_NKINDS]; /* sums to rules.count */
	uint32_t env_pass_count;		 /* the first env records */
	uint32_t strings_off;
	uint32_t strings_size;
	uint32_t reserved;
	struct policy_resources resources;
};

/* A validated blob. The blob must outlive the view and stay unchanged
 * (map the memfd read-only, or seal it). */
struct policy_view {
	const struct policy_header *hdr;
	const struct policy_rule *rules;
	const struct policy_syscall *syscalls;
	const struct policy_env *env;
	const struct policy_net_rule *net;
	const struct policy_publish *publish;
	const char *strings;
	uint32_t strings_size;
	uint32_t first[POLICY_RULE_NKINDS]; /* index of each kind's first rule */
};

/* Checks every field of a blob received across a trust boundary: magic,
 * version, sizes, alignment (the blob must be 8-aligned, as malloc and mmap
 * give), every section within bounds, every string offset inside the string
 * table, every enum and flag known. 0, or -EINVAL (malformed), -EPROTO
 * (another version), -E2BIG (larger than POLICY_BLOB_MAX). */
int policy_blob_validate(const void *blob, size_t len);

/* Validates and fills pv. Same return values as policy_blob_validate(). */
int policy_view_init(struct policy_view *pv, const void *blob, size_t len);

/* The access the policy gives a resolved path, and in *rule_index (may be
 * NULL) the rule that decided it or POLICY_NO_RULE:
 *   - a hidden rule matching the path or one of its ancestors: HIDDEN;
 *   - else the last filesystem rule whose glob matches: its access;
 *   - else UNSET.
 * A path that is not canonical: NONE, POLICY_NO_RULE. */
enum policy_access policy_file_access(const struct policy_view *pv, const char *resolved_path,
				      uint32_t *rule_index);

/* Whether a hidden rule matches the path or one of its ancestors. */
bool policy_path_hidden(const struct policy_view *pv, const char *resolved_path,
			uint32_t *rule_index);

/* Whether the exec rules let the resolved path (the binary, and for a #!
 * script each interpreter too) be executed. A matching exec.deny glob
 * refuses (*rule_index: the last such rule); otherwise, without an
 * exec.allow list anything is allowed (POLICY_NO_RULE); with one, the last
 * matching allow glob allows, and no match refuses with the
 * POLICY_RULE_EXEC_ALLOWLIST record as the rule. The filesystem rules are
 * separate: executing also needs policy_file_access() to give READ, WRITE
 * or UNSET. A path that is not canonical is refused with POLICY_NO_RULE. */
bool policy_exec_allowed(const struct policy_view *pv, const char *resolved_path,
			 uint32_t *rule_index);

/* Rules by kind: count and index of the first; indexes are global. */
uint32_t policy_rule_count(const struct policy_view *pv, enum policy_rule_kind kind);
uint32_t policy_rule_first(const struct policy_view *pv, enum policy_rule_kind kind);
/* NULL for an index out of range. */
const struct policy_rule *policy_rule(const struct policy_view *pv, uint32_t index);
const char *policy_rule_glob(const struct policy_view *pv, uint32_t index);
const char *policy_rule_text(const struct policy_view *pv, uint32_t index);
/* Where a rule was written, for audit messages ("file:line"). 0, or
 * -ENOENT for an index out of range (POLICY_NO_RULE included). */
int policy_rule_origin(const struct policy_view *pv, uint32_t index, const char **file,
		       uint32_t *line);

const char *policy_name(const struct policy_view *pv);
bool policy_audit_denied(const struct policy_view *pv);
bool policy_audit_allowed(const struct policy_view *pv);

/* syscalls.deny, resolved to numbers (no duplicates). nr: -ENOENT when i is
 * out of range. */
uint32_t policy_syscall_deny_count(const struct policy_view *pv);
int policy_syscall_deny_nr(const struct policy_view *pv, uint32_t i);

/* env: the caller's variables whose names match a pass pattern go through;
 * set entries are applied first and a passed variable replaces one of the
 * same name (command-line -e flags override both). */
uint32_t policy_env_pass_count(const struct policy_view *pv);
const char *policy_env_pass(const struct policy_view *pv, uint32_t i);
bool policy_env_pass_allows(const struct policy_view *pv, const char *name);
uint32_t policy_env_set_count(const struct policy_view *pv);
/* Returns the name and stores the value, or NULL when i is out of range. */
const char *policy_env_set(const struct policy_view *pv, uint32_t i, const char **value);

/* network: the sentry decides every connect(2) to an address with
 * policy_net_allows(); resources: `runsc-c do` turns them into the
 * sandbox's limits (sandbox/sandbox.h). */
enum policy_net_mode policy_net_mode(const struct policy_view *pv);
uint32_t policy_net_rule_count(const struct policy_view *pv);
const struct policy_net_rule *policy_net_rule(const struct policy_view *pv, uint32_t i);
const char *policy_net_rule_host(const struct policy_view *pv, uint32_t i);
/* Whether an outgoing connection to addr (network byte order; 4 bytes for
 * AF_INET, 16 for AF_INET6, an IPv4-mapped IPv6 address deciding as its IPv4
 * one) and port may be made: mode egress, no deny entry matching, and an
 * allow entry matching (cidr entries; host entries name DNS names and match
 * no address). Link-local addresses (169.254.0.0/16, fe80::/10) need an
 * allow entry whose range lies inside theirs. *rule: the net rule that
 * decided, or POLICY_NO_RULE. Loopback is the caller's business. */
bool policy_net_allows(const struct policy_view *pv, int family, const uint8_t *addr, uint16_t port,
		       uint32_t *rule);
/* DNS names (lower case, no last dot), for the sandbox's resolver and the
 * bindings it records (common/dns_bind.h):
 * - policy_net_name_allowed: whether the resolver answers a query for the
 *   name: no deny host entry matching it, and an allow host entry matching
 *   it or an allow cidr entry of every address (0.0.0.0/0, ::/0, whose
 *   answers give nothing away). *rule: the entry that decided.
 * - policy_net_host_allows: whether a host entry allows a connection to
 *   the name on port (a deny host entry for the port refuses).
 * - policy_net_addr_bindable: whether an answer's address may be bound to
 *   a name: not loopback, unspecified, private, shared, link-local,
 *   multicast or reserved (the targets of DNS rebinding), and in no deny
 *   cidr entry for every port. */
bool policy_net_name_allowed(const struct policy_view *pv, const char *name, uint32_t *rule);
bool policy_net_host_allows(const struct policy_view *pv, const char *name, uint16_t port,
			    uint32_t *rule);
bool policy_net_addr_bindable(const struct policy_view *pv, int family, const uint8_t *addr);
struct dns_bind_table;
/* policy_net_allows(), and when no cidr entry decides, the host entries
 * through the names the resolver bound to addr in table (t_size bytes
 * mapped) at now_ns. A name bound to addr goes to host (size bytes, may be
 * NULL) whichever entry decided, so `policy learn` can write a host entry
 * instead of the address; "" when none. */
bool policy_net_allows_bound(const struct policy_view *pv, const struct dns_bind_table *table,
			     size_t t_size, int family, const uint8_t *addr, uint16_t port,
			     uint64_t now_ns, uint32_t *rule, char *host, size_t host_size);
/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) in its IPv4 form: *family
 * becomes AF_INET and *addr points at its last 4 bytes. Others unchanged. */
void policy_addr_unmap(int *family, const uint8_t **addr);
/* network.publish: the host's ports forwarded into the sandbox (only with
 * mode egress). policy_publish fills *out with entry i; 0, or -ENOENT. */
uint32_t policy_publish_count(const struct policy_view *pv);
int policy_publish(const struct policy_view *pv, uint32_t i, struct publish *out);
/* Where net rule i was written. 0, or -ENOENT. */
int policy_net_rule_origin(const struct policy_view *pv, uint32_t i, const char **file,
			   uint32_t *line);
const struct policy_resources *policy_resources(const struct policy_view *pv);

/* Any string of the view by offset; "" when out of range. */
const char *policy_string(const struct policy_view *pv, uint32_t off);

/* The matcher (see the top of this file). policy_glob_match_prefix() also
 * matches when the glob matches a leading run of the path's components (as
 * if the glob had a last component "**"), which is how hidden rules apply. */
bool policy_glob_match(const char *glob, const char *path);
bool policy_glob_match_prefix(const char *glob, const char *path);
/* Whether the glob may match some path strictly below directory dir (a
 * canonical path): false only when no name below dir can match. */
bool policy_glob_may_match_below(const char *glob, const char *dir);
/* Whether a path is in the resolved form every lookup takes. */
bool policy_path_is_canonical(const char *path);
/* Checks a glob as written in a policy. 0, or -EINVAL with *why set to a
 * static message naming the problem. */
int policy_glob_check(const char *glob, const char **why);
/* Whether the glob component [s, s+n) holds a wildcard or escape (so it is
 * not a plain name). */
bool policy_glob_component_is_literal(const char *s, size_t n);
/* Whether the len bytes at s are a variable name: letters, digits and '_',
 * not starting with a digit; with wildcards, '*' may stand anywhere (an
 * env.pass pattern). */
bool policy_env_name_valid(const char *s, size_t len, bool wildcards);
/* Matches an environment variable name against a pass pattern ('*' only). */
bool policy_env_name_match(const char *pattern, const char *name);

#endif
