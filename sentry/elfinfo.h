/* SPDX-License-Identifier: Apache-2.0 */
/* What exec must know about a file before committing to it: whether it is a
 * "#!" script (and its interpreter line) or an ELF object this machine runs
 * (and its PT_INTERP), decided as Linux's binfmt_script and binfmt_elf
 * decide, so that the sentry returns the errno Linux would. */
#ifndef RUNSC_SENTRY_ELFINFO_H
#define RUNSC_SENTRY_ELFINFO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How much of a file Linux reads to pick its binary format. */
#define BINPRM_BUF_SIZE 256

enum binfmt {
	BINFMT_ELF = 1,
	BINFMT_SCRIPT,
};

struct elfinfo {
	enum binfmt fmt;
	/* BINFMT_ELF */
	uint16_t e_type; /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint16_t phnum;
	bool has_interp;
	char interp[PATH_MAX]; /* PT_INTERP, up to its first NUL */
	/* BINFMT_SCRIPT: "#!interp arg" */
	char script_interp[BINPRM_BUF_SIZE];
	bool has_script_arg;
	char script_arg[BINPRM_BUF_SIZE];
};

/* Reads the head of an open file and classifies it. Returns 0, -ENOEXEC for
 * what Linux would not run here (neither ELF nor "#!", not x86-64 ELF64, not
 * ET_EXEC/ET_DYN, bad program headers, bad PT_INTERP, a "#!" line without an
 * interpreter or with a truncated one), -EIO for a PT_INTERP beyond the end
 * of the file, or another negative errno from reading. */
int elfinfo_inspect(int fd, struct elfinfo *info);

/* Parses the first len bytes of a file that starts with "#!" as
 * binfmt_script does: the interpreter is the first word, the rest of the
 * line (trimmed) is one optional argument. 0 or -ENOEXEC. */
int elfinfo_parse_script(const char *buf, size_t len, struct elfinfo *info);

/* Checks an ELF interpreter (a PT_INTERP target) as binfmt_elf does before
 * loading it: 0, -EIO when the file is shorter than an ELF header, or
 * -ELIBBAD when it is not an x86-64 ELF64 ET_EXEC/ET_DYN object with readable
 * program headers. Its own PT_INTERP is ignored, as
 * Linux ignores it. */
int elfinfo_check_interp(int fd);

#endif
