/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c state ID and runsc-c list [--format text|json] [--quiet]: runc's
 * JSON of one container, and a table (or JSON array) of every container
 * under --root. list reads each state file without its lock (state files
 * are replaced atomically), so a long create does not hold it up; a
 * directory without a state file (a create under way) is left out. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

int oci_cmd_state(int argc, char **argv)
{
	const char *id = oci_only_id_arg(argc, argv);
	struct oci_dir d;
	struct oci_state st;
	if (!id || oci_state_load(id, false, &d, &st) < 0)
		return OCI_EXIT_ERROR;
	oci_dir_close(&d);
	struct json_object *o = oci_state_json(&st, "");
	printf("%s\n",
	       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	oci_state_free(&st);
	return 0;
}

/* The owner's name from /etc/passwd as runc's list shows it. Read with
 * fgetpwent, not getpwuid: runsc-c is linked statically, where NSS modules
 * cannot be loaded. */
static void owner_name(uid_t uid, char *buf, size_t size)
{
	snprintf(buf, size, "#%u", (unsigned int)uid);
	FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return;
	struct passwd *pw;
	while ((pw = fgetpwent(f)))
		if (pw->pw_uid == uid) {
			snprintf(buf, size, "%s", pw->pw_name);
			break;
		}
	fclose(f);
}

/* Every container's runc JSON, in name order. */
static struct json_object *list_all(void)
{
	struct json_object *all = json_object_new_array();
	struct dirent **names = NULL;
	int n = scandir(oci_globals.root, &names, NULL, alphasort);
	int root_fd = open(oci_globals.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < n; i++) {
		const char *id = names[i]->d_name;
		struct oci_dir d = {.fd = -1};
		struct oci_state st;
		struct stat sb;
		if (root_fd >= 0 && oci_id_valid(id) && id[0] != '.')
			d.fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		snprintf(d.id, sizeof(d.id), "%s", id);
		if (d.fd >= 0 && fstat(d.fd, &sb) == 0 && oci_state_read(&d, &st, NULL) == 0) {
			char owner[64];
			owner_name(sb.st_uid, owner, sizeof(owner));
			json_object_array_add(all, oci_state_json(&st, owner));
			oci_state_free(&st);
		}
		oci_dir_close(&d);
		free(names[i]);
	}
	free(names);
	if (root_fd >= 0)
		close(root_fd);
	return all;
}

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/* runc's table: ID PID STATUS BUNDLE CREATED OWNER, columns padded. */
static void list_text(struct json_object *all, bool quiet)
{
	static const char *const keys[] = {"id", "pid", "status", "bundle", "created", "owner"};
	static const char *const heads[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	size_t n = json_object_array_length(all);
	size_t width[ARRAY_SIZE(keys)];
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		width[k] = strlen(heads[k]) + 1 > 12 ? strlen(heads[k]) + 1 : 12;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(field(json_object_array_get_idx(all, i), keys[k])) + 1;
			width[k] = len > width[k] ? len : width[k];
		}
	}
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", field(json_object_array_get_idx(all, i), "id"));
		return;
	}
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		printf(k + 1 < ARRAY_SIZE(keys) ? "%-*s" : "%.*s\n", (int)width[k], heads[k]);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			printf(k + 1 < ARRAY_SIZE(keys) ? "%-*s" : "%.*s\n", (int)width[k],
			       field(json_object_array_get_idx(all, i), keys[k]));
}

int oci_cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	bool json = false, quiet = false;
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+f:q", longopts, NULL)) != -1) {
		if (ch == 'q') {
			quiet = true;
		} else if (ch == 'f' &&
			   (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0 ||
			    strcmp(optarg, "text") == 0)) {
			json = strcmp(optarg, "json") == 0;
		} else if (ch == 'f') {
			oci_error("list: --format: '%s': expected table or json", optarg);
			return OCI_EXIT_ERROR;
		} else {
			return oci_bad_flag(argv);
		}
	}
	if (optind != argc) {
		oci_error("list: takes no arguments");
		return OCI_EXIT_ERROR;
	}
	struct json_object *all = list_all();
	if (json)
		printf("%s\n",
		       json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		list_text(all, quiet);
	json_object_put(all);
	return 0;
}
