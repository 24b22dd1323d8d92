/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c ps [--format table|json] ID [PS_ARGS...]: the container's
 * processes, by their host pids: the guest's init and everything below it
 * (the sentry's children, under the container's monitor), not the sentry
 * and the gofer. json prints the pids as an array, as runc does; table
 * runs ps(1) with PS_ARGS (default -ef) and keeps its header and the lines
 * of those pids. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

struct proc {
	pid_t pid, ppid;
	char comm[32];
};

/* Every process of the host: pid, parent, name. */
static struct proc *procs_read(size_t *n)
{
	size_t cap = 256;
	struct proc *v = xcalloc(cap, sizeof(*v));
	*n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300];
		_cleanup_free_ char *text = NULL;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (read_file_at(AT_FDCWD, path, &text) < 0)
			continue;
		char *open = strchr(text, '('), *close = strrchr(text, ')');
		int ppid;
		if (!open || !close || sscanf(close + 1, " %*c %d", &ppid) != 1)
			continue;
		if (*n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		if (!v)
			die("out of memory");
		struct proc *p = &v[(*n)++];
		p->pid = atoi(e->d_name);
		p->ppid = ppid;
		snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close - open - 1), open + 1);
	}
	if (d)
		closedir(d);
	return v;
}

static bool in(const pid_t *set, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

/* The guest's processes under the monitor, in pid order. */
static pid_t *container_pids(pid_t monitor, size_t *count)
{
	size_t n;
	_cleanup_free_ struct proc *all = procs_read(&n);
	_cleanup_free_ pid_t *sentries = xcalloc(n + 1, sizeof(pid_t));
	pid_t *out = xcalloc(n + 1, sizeof(pid_t));
	size_t ns = 0, no = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].ppid == monitor && strcmp(all[i].comm, "runsc-c-sentry") == 0)
			sentries[ns++] = all[i].pid;
	/* Parents before children is not guaranteed by pid order: repeat
	 * until nothing is added. */
	for (bool added = true; added;) {
		added = false;
		for (size_t i = 0; i < n; i++) {
			if (in(out, no, all[i].pid))
				continue;
			if (in(sentries, ns, all[i].ppid) || in(out, no, all[i].ppid)) {
				out[no++] = all[i].pid;
				added = true;
			}
		}
	}
	*count = no;
	return out;
}

/* ps(1) with args, keeping the header and the lines of pids. */
static int ps_table(const pid_t *pids, size_t n, int argc, char **argv)
{
	_cleanup_free_ char *cmd = xstrdup("ps");
	for (int i = 0; i < argc; i++) {
		for (const char *c = argv[i]; *c; c++) {
			if (!isalnum((unsigned char)*c) && !strchr("-_=,:%", *c)) {
				oci_error("ps: '%s': not a ps option", argv[i]);
				return OCI_EXIT_ERROR;
			}
		}
		char *next;
		xasprintf(&next, "%s %s", cmd, argv[i]);
		free(cmd);
		cmd = next;
	}
	if (argc == 0) {
		free(cmd);
		cmd = xstrdup("ps -ef");
	}
	FILE *f = popen(cmd, "r");
	if (!f) {
		oci_error("ps: cannot run ps");
		return OCI_EXIT_ERROR;
	}
	char line[4096];
	int pid_col = -1;
	while (fgets(line, sizeof(line), f)) {
		char copy[sizeof(line)];
		snprintf(copy, sizeof(copy), "%s", line);
		int col = 0;
		bool keep = pid_col < 0;
		for (char *tok = strtok(copy, " \t\n"); tok; tok = strtok(NULL, " \t\n"), col++) {
			if (pid_col < 0 && strcmp(tok, "PID") == 0)
				pid_col = col;
			else if (col == pid_col)
				keep = in(pids, n, atoi(tok));
		}
		if (keep)
			fputs(line, stdout);
	}
	int st = pclose(f);
	if (pid_col < 0) {
		oci_error("ps: its output has no PID column");
		return OCI_EXIT_ERROR;
	}
	return st == 0 ? 0 : OCI_EXIT_ERROR;
}

int oci_cmd_ps(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+f:", longopts, NULL)) != -1) {
		if (ch != 'f')
			return oci_bad_flag(argv);
		if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0) {
			oci_error("ps: --format: '%s': expected table or json", optarg);
			return OCI_EXIT_ERROR;
		}
		json = strcmp(optarg, "json") == 0;
	}
	const char *id = oci_id_arg(argc, argv, optind, json ? 0 : argc);
	if (!id)
		return OCI_EXIT_ERROR;
	struct oci_dir d;
	struct oci_state st;
	struct rc_error err;
	if (oci_dir_open(id, false, &d, &err) < 0 || oci_state_read(&d, &st, &err) < 0) {
		oci_dir_close(&d);
		oci_error("%s", err.msg);
		return OCI_EXIT_ERROR;
	}
	oci_dir_close(&d);
	enum oci_status s = oci_state_status(&st);
	pid_t monitor = st.pid;
	oci_state_free(&st);
	if (s != OCI_RUNNING && s != OCI_PAUSED) {
		oci_error("container '%s' is not running", id);
		return OCI_EXIT_ERROR;
	}
	size_t n;
	_cleanup_free_ pid_t *pids = container_pids(monitor, &n);
	if (!json)
		return ps_table(pids, n, argc - optind - 1, argv + optind + 1);
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int(pids[i]));
	printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return 0;
}
