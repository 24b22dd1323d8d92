/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c policy check NAME|FILE...` and `runsc-c policy show NAME|FILE`.
 * A NAME is a shipped profile (policies/NAME.yaml); anything with a '/' or
 * ending in .yaml or .yml is a file. */
#include "runsc-c/policy.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/policy_parse.h"

#define USAGE                                                                               \
	"usage: runsc-c policy check NAME|FILE...   exit 0 when every policy is valid;\n"   \
	"                                           else one line per problem and exit 1\n" \
	"       runsc-c policy show NAME|FILE       the effective policy after extends, as YAML\n"

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

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("a subcommand is needed");
	const char *sub = argv[1];
	if (strcmp(sub, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fputs(USAGE, stdout);
		return 0;
	}
	return usage_error("'%s': unknown subcommand", sub);
}
