/* SPDX-License-Identifier: Apache-2.0 */
/* Binary format checks for exec, following fs/binfmt_elf.c and
 * fs/binfmt_script.c so that every error is the one Linux gives. ELF headers
 * are read with libelf. */
#include "sentry/elfinfo.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Linux refuses program header tables larger than this. */
#define PHDRS_MAX 65536
/* Read at once from a file's start: its header and, for nearly every ELF
 * object, its program headers and PT_INTERP string too. */
#define HEAD_READ 4096

static pthread_once_t libelf_once = PTHREAD_ONCE_INIT;

static void libelf_init(void)
{
	elf_version(EV_CURRENT);
}

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static char *next_terminator(char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

int elfinfo_parse_script(const char *buf, size_t len, struct elfinfo *info)
{
	/* The kernel's bprm->buf: the first bytes, NUL-padded; one extra
	 * byte so that every string below is terminated. */
	char b[BINPRM_BUF_SIZE + 1] = {0};
	char *buf_end = b + BINPRM_BUF_SIZE - 1;
	char *i_name, *i_sep, *i_arg = NULL, *i_end;

	memcpy(b, buf, len < BINPRM_BUF_SIZE ? len : BINPRM_BUF_SIZE);
	if (b[0] != '#' || b[1] != '!')
		return -ENOEXEC;

	/* Without a newline the interpreter path may be truncated: accept
	 * the line only if a blank or NUL follows the interpreter's name. */
	i_end = memchr(b, '\n', BINPRM_BUF_SIZE);
	if (!i_end) {
		i_end = next_non_spacetab(b + 2, buf_end);
		if (!i_end || !next_terminator(i_end, buf_end))
			return -ENOEXEC;
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;

	i_name = next_non_spacetab(b + 2, i_end);
	if (!i_name || i_name == i_end)
		return -ENOEXEC;
	i_sep = next_terminator(i_name, i_end);
	if (i_sep && *i_sep != '\0')
		i_arg = next_non_spacetab(i_sep, i_end);

	*i_end = '\0';
	if (i_arg) {
		*i_sep = '\0';
		strcpy(info->script_arg, i_arg);
	}
	info->has_script_arg = i_arg != NULL;
	strcpy(info->script_interp, i_name);
	info->fmt = BINFMT_SCRIPT;
	return 0;
}

/* The checks load_elf_binary and load_elf_interp make on the header and
 * the program header table; err is what a failure returns. */
static int check_elf(Elf *e, int err, Elf64_Ehdr **ehdr_out, Elf64_Phdr **phdr_out)
{
	size_t idlen;
	const char *ident;
	Elf64_Ehdr *eh;

	if (elf_kind(e) != ELF_K_ELF)
		return err;
	ident = elf_getident(e, &idlen);
	if (!ident || idlen < EI_NIDENT || ident[EI_CLASS] != ELFCLASS64 ||
	    ident[EI_DATA] != ELFDATA2LSB)
		return err;
	eh = elf64_getehdr(e);
	if (!eh || eh->e_machine != EM_X86_64)
		return err;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return err;
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return err;
	if (eh->e_phnum == 0 || (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > PHDRS_MAX)
		return err;
	*phdr_out = elf64_getphdr(e);
	if (!*phdr_out)
		return err;
	*ehdr_out = eh;
	return 0;
}

/* A libelf handle on the header and program headers. When both lie in the
 * bytes already read (head, n of them), libelf parses a copy of those with
 * the section header table dropped (exec never looks at sections): no
 * further reads. Otherwise it reads them from fd itself. */
static Elf *elf_open(int fd, const char *head, size_t n, char *copy)
{
	Elf64_Ehdr eh;

	pthread_once(&libelf_once, libelf_init);
	if (n < sizeof(eh))
		return elf_begin(fd, ELF_C_READ, NULL);
	memcpy(&eh, head, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phoff > n || (size_t)eh.e_phnum * eh.e_phentsize > n - eh.e_phoff)
		return elf_begin(fd, ELF_C_READ, NULL);
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shstrndx = SHN_UNDEF;
	memcpy(copy, head, n);
	memcpy(copy, &eh, sizeof(eh));
	return elf_memory(copy, n);
}

static int read_interp(int fd, const char *head, size_t n, const Elf64_Phdr *ph,
		       struct elfinfo *info)
{
	char buf[PATH_MAX];
	ssize_t got;

	if (ph->p_filesz > PATH_MAX || ph->p_filesz < 2)
		return -ENOEXEC;
	if (ph->p_offset <= n && ph->p_filesz <= n - ph->p_offset) {
		memcpy(buf, head + ph->p_offset, ph->p_filesz);
	} else {
		got = pread(fd, buf, ph->p_filesz, (off_t)ph->p_offset);
		if (got < 0)
			return -errno;
		if ((size_t)got != ph->p_filesz)
			return -EIO;
	}
	if (buf[ph->p_filesz - 1] != '\0')
		return -ENOEXEC;
	memcpy(info->interp, buf, ph->p_filesz);
	info->has_interp = true;
	return 0;
}

static int inspect_elf(int fd, const char *head, size_t n, struct elfinfo *info)
{
	char copy[HEAD_READ];
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	Elf *e;
	int err;
	bool has_load = false;

	e = elf_open(fd, head, n, copy);
	if (!e)
		return -ENOEXEC;
	err = check_elf(e, -ENOEXEC, &eh, &ph);
	if (err < 0)
		goto out;
	info->fmt = BINFMT_ELF;
	info->e_type = eh->e_type;
	info->entry = eh->e_entry;
	info->phnum = eh->e_phnum;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			has_load = true;
		/* Linux uses the first PT_INTERP. */
		if (ph[i].p_type == PT_INTERP && !info->has_interp) {
			err = read_interp(fd, head, n, &ph[i], info);
			if (err < 0)
				goto out;
		}
	}
	/* Linux would map nothing and fault after the point of no return;
	 * refusing it here is kinder and changes nothing that works. */
	if (!has_load)
		err = -ENOEXEC;
out:
	elf_end(e);
	return err;
}

int elfinfo_inspect(int fd, struct elfinfo *info)
{
	char head[HEAD_READ];
	ssize_t n;

	memset(info, 0, sizeof(*info));
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return -errno;
	if (n >= SELFMAG && memcmp(head, ELFMAG, SELFMAG) == 0)
		return inspect_elf(fd, head, (size_t)n, info);
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return elfinfo_parse_script(head, (size_t)n, info);
	return -ENOEXEC;
}

int elfinfo_check_interp(int fd)
{
	char head[HEAD_READ], copy[HEAD_READ];
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	Elf *e;
	ssize_t n;
	int err;

	/* Linux reads the whole header first: a shorter file is EIO. */
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(*eh))
		return -EIO;
	e = elf_open(fd, head, (size_t)n, copy);
	if (!e)
		return -ELIBBAD;
	err = check_elf(e, -ELIBBAD, &eh, &ph);
	elf_end(e);
	return err;
}
