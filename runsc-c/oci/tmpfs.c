/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's tmpfs mounts: each a tmpfs of its own in the gofer's view
 * (gofer/view.c), with the options Linux's tmpfs takes and the mount
 * flags, as runc and crun mount it:
 *
 *	size=N[kmgtpe] | N%   bound of its contents (no size: Linux's default,
 *	                      half of the memory; the sandbox's memory limit
 *	                      bounds it too, its pages being the sandbox's)
 *	nr_inodes=N[kmg...]   bound of its files
 *	nr_blocks=N[kmg...]   bound of its contents in pages
 *	huge=never|always|within_size|advise   its transparent huge pages
 *	mpol=POLICY[=FLAGS][:NODES]            its NUMA memory policy
 *	inode64, inode32      its inode numbers' width
 *	mode=OCTAL            its root's mode (default 1777)
 *	uid=N, gid=N          its root's owner
 *	ro rw nosuid suid nodev dev noexec exec
 *	relatime norelatime strictatime nostrictatime noatime atime
 *	nodiratime diratime   the mount's flags (later ones win)
 *	defaults, private rprivate shared rshared slave rslave unbindable
 *	runbindable           accepted, nothing to do: the view's mount
 *	                      namespace is the sandbox's own, nothing
 *	                      propagates in or out of it
 *
 * Anything else is refused, naming the field and the option. A tmpfs at
 * /dev/shm is the sandbox's /dev/shm with these options, one at /dev
 * (runc's default config has one) the sandbox's /dev, holding its devices
 * and links as before, writable unless ro (the last such mount counts);
 * one at or below /proc, /sys or elsewhere in /dev is the sandbox's own
 * file system there. */
#include <errno.h>
#include <json-c/json.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

/* digits then one of Linux's memparse suffixes (or, with pct, a '%'). */
static bool mem_value(const char *s, bool pct)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 19)
		return false;
	if (s[n] == '\0')
		return true;
	if (s[n + 1] != '\0')
		return false;
	return strchr("kKmMgGtTpPeE", s[n]) || (pct && s[n] == '%');
}

static bool octal_mode(const char *s)
{
	size_t n = strspn(s, "01234567");
	return n > 0 && s[n] == '\0' && strtoul(s, NULL, 8) <= 07777;
}

/* huge=: what Linux's tmpfs takes at mount (deny and force are sysfs's). */
static bool huge_value(const char *s)
{
	static const char *const v[] = {"never", "always", "within_size", "advise"};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

/* mpol=: a policy Linux names, its optional =static or =relative, its
 * optional :NODELIST; Linux checks the nodes when the tmpfs is made. */
static bool mpol_value(const char *s)
{
	static const char *const v[] = {"default",    "prefer", "bind",
					"interleave", "local",	"weighted_interleave"};
	size_t n = strcspn(s, "=:");
	bool known = false;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		known |= strlen(v[i]) == n && strncmp(s, v[i], n) == 0;
	if (!known)
		return false;
	s += n;
	if (*s == '=') {
		s++;
		n = strcspn(s, ":");
		if (!((n == 6 && strncmp(s, "static", 6) == 0) ||
		      (n == 8 && strncmp(s, "relative", 8) == 0)))
			return false;
		s += n;
	}
	if (*s == ':')
		return s[1] && strspn(s + 1, "0123456789,-") == strlen(s + 1);
	return *s == '\0';
}

static bool id_value(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n > 0 && n <= 10 && s[n] == '\0' && strtoull(s, NULL, 10) <= 4294967294ull;
}

struct flag_opt {
	const char *name;
	uint64_t set;	/* MOUNT_ATTR_* bits it sets */
	uint64_t clear; /* ... and clears */
};

#define ATIME_BITS (MOUNT_ATTR__ATIME)
static const struct flag_opt flags[] = {
	{"ro", MOUNT_ATTR_RDONLY, 0},
	{"rw", 0, MOUNT_ATTR_RDONLY},
	{"nosuid", MOUNT_ATTR_NOSUID, 0},
	{"suid", 0, MOUNT_ATTR_NOSUID},
	{"nodev", MOUNT_ATTR_NODEV, 0},
	{"dev", 0, MOUNT_ATTR_NODEV},
	{"noexec", MOUNT_ATTR_NOEXEC, 0},
	{"exec", 0, MOUNT_ATTR_NOEXEC},
	{"relatime", MOUNT_ATTR_RELATIME, ATIME_BITS},
	{"norelatime", 0, 0}, /* without strictatime, Linux keeps relatime */
	{"strictatime", MOUNT_ATTR_STRICTATIME, ATIME_BITS},
	{"nostrictatime", MOUNT_ATTR_RELATIME, ATIME_BITS},
	{"noatime", MOUNT_ATTR_NOATIME, ATIME_BITS},
	{"atime", MOUNT_ATTR_RELATIME, ATIME_BITS},
	{"nodiratime", MOUNT_ATTR_NODIRATIME, 0},
	{"diratime", 0, MOUNT_ATTR_NODIRATIME},
	{"defaults", 0, 0},
	{"private", 0, 0},
	{"rprivate", 0, 0},
	{"shared", 0, 0},
	{"rshared", 0, 0},
	{"slave", 0, 0},
	{"rslave", 0, 0},
	{"unbindable", 0, 0},
	{"runbindable", 0, 0},
};

/* key=value: checks value and sets it in t (a later one replaces it). */
static int fs_option(struct gofer_tmpfs *t, const char *opt, const char *field,
		     struct rc_error *err)
{
	static const char *const keys[GOFER_TMPFS_OPTS] = {
		"size", "nr_inodes", "mode", "uid", "gid", "nr_blocks", "huge", "mpol", "inode64"};
	/* inode64 and inode32 are one setting, stored as a flag (no value). */
	bool flag = strcmp(opt, "inode64") == 0 || strcmp(opt, "inode32") == 0;
	const char *eq = flag ? opt + strlen(opt) : strchr(opt, '=');
	size_t klen = (size_t)(eq - opt);
	const char *val = flag ? NULL : eq + 1;
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		if (flag ? k != 8 : strlen(keys[k]) != klen || strncmp(opt, keys[k], klen) != 0)
			continue;
		bool ok = k == 0	     ? mem_value(val, true)
			  : k == 1 || k == 5 ? mem_value(val, false)
			  : k == 2	     ? octal_mode(val)
			  : k == 6	     ? huge_value(val)
			  : k == 7	     ? mpol_value(val)
			  : k == 8	     ? true
					     : id_value(val);
		if (!ok)
			return oci_bad(err, field, "'%s': %s", opt,
				       k == 0 ? "expected a size (bytes, k, m, g... or a %)"
				       : k == 1 || k == 5 ? "expected a count (k, m, g... allowed)"
				       : k == 2		  ? "expected an octal mode up to 7777"
				       : k == 6 ? "expected never, always, within_size or advise"
				       : k == 7
					       ? "expected a memory policy (default, prefer, bind, "
						 "interleave, local, weighted_interleave; "
						 "[=static|=relative][:NODES])"
					       : "expected an id from 0 to 4294967294");
		size_t i = 0;
		while (i < t->nopts && strcmp(t->opts[i].key, keys[k]) != 0 &&
		       !(flag && strncmp(t->opts[i].key, "inode", 5) == 0))
			i++;
		if (i == t->nopts)
			t->nopts++;
		else
			free((char *)t->opts[i].value);
		t->opts[i].key = flag ? (opt[5] == '6' ? "inode64" : "inode32") : keys[k];
		t->opts[i].value = flag ? NULL : xstrdup(val);
		return 0;
	}
	return oci_bad(err, field,
		       "'%s': not a tmpfs option (size, nr_inodes, nr_blocks, mode, uid, gid, "
		       "huge, mpol, inode64, inode32 are)",
		       opt);
}

int oci_parse_tmpfs(struct oci_config *c, struct json_object *m, const char *field,
		    const char *dest, char **opts, struct rc_error *err)
{
	char name[64];
	struct json_object *src;
	snprintf(name, sizeof(name), "%s.source", field);
	int r = oci_member(m, "source", json_type_string, name, false, &src, err);
	if (r < 0)
		return r;
	/* The sandbox's own /proc (the sentry's), /sys and /dev are what it
	 * provides there; /dev and /dev/shm take the config's options. */
	static const char *const own[] = {"/proc", "/sys", "/dev"};
	bool shm = strcmp(dest, "/dev/shm") == 0, dev = strcmp(dest, "/dev") == 0;
	for (size_t i = 0; i < ARRAY_SIZE(own) && !shm && !dev; i++) {
		size_t n = strlen(own[i]);
		if (strncmp(dest, own[i], n) == 0 && (dest[n] == '\0' || dest[n] == '/')) {
			oci_debug("%s: tmpfs at %s: provided by the sandbox itself", field, dest);
			return 0;
		}
	}
	snprintf(name, sizeof(name), "%s.destination", field);
	if (strcmp(dest, "/") == 0)
		return oci_bad(err, name, "a tmpfs over / is not supported (use root.path)");
	struct gofer_tmpfs *t = xcalloc(1, sizeof(*t));
	t->source = src && json_object_get_string(src)[0] ? json_object_get_string(src) : "tmpfs";
	snprintf(name, sizeof(name), "%s.options", field);
	for (size_t i = 0; r == 0 && opts && opts[i]; i++) {
		if (strchr(opts[i], '=') || strncmp(opts[i], "inode", 5) == 0) {
			r = fs_option(t, opts[i], name, err);
			continue;
		}
		size_t k = 0;
		while (k < ARRAY_SIZE(flags) && strcmp(flags[k].name, opts[i]) != 0)
			k++;
		if (k == ARRAY_SIZE(flags)) {
			r = oci_bad(err, name,
				    "'%s': not a tmpfs mount option (ro, rw, nosuid, nodev, "
				    "noexec, the atime ones and their opposites are)",
				    opts[i]);
			break;
		}
		t->attrs = (t->attrs & ~flags[k].clear) | flags[k].set;
	}
	if (r < 0) {
		oci_tmpfs_free(t);
		return r;
	}
	if (shm) {
		t->source = src && json_object_get_string(src)[0] ? t->source : "shm";
		oci_tmpfs_free(c->shm);
		c->shm = t;
		return 0;
	}
	if (dev) {
		oci_tmpfs_free(c->dev);
		c->dev = t;
		return 0;
	}
	struct gofer_volume *v = &c->volumes[c->nvolumes++];
	*v = (struct gofer_volume){.guest = dest, .ro = t->attrs & MOUNT_ATTR_RDONLY, .tmpfs = t};
	return 0;
}

void oci_tmpfs_free(const struct gofer_tmpfs *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nopts; i++)
		free((char *)t->opts[i].value);
	free((void *)t);
}
