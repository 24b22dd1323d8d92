/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec loader: a static PIE without libc that the kernel runs in place of
 * every program the guest executes (the guest's mount namespace holds nothing
 * else). It asks the sentry for the program through its reserved call,
 * receives the program's and its interpreter's fds, maps them as Linux's
 * binfmt_elf would, builds the program's initial stack below its own, tells
 * the kernel where code, data, brk, argv, envp and auxv now are, and jumps to
 * the interpreter (or to the program when it is static).
 *
 * The exec that started the loader has already replaced the old program, so
 * nothing here can report an error: every failure ends in SIGKILL. The sentry
 * decided all errors Linux reports from execve before pointing the exec here.
 *
 * Where the result differs from a kernel exec, visibly to the program:
 * - the loader's own mapping stays and shows in /proc/self/maps as
 *   "/loader"; the loader's initial stack (with the original strings, which
 *   AT_RANDOM and AT_PLATFORM still point into) stays above the program's;
 * - PT_GNU_STACK asking for an executable stack is not honoured;
 * - /proc/self/exe is reported by the sentry, not by the kernel.
 *
 * No libc: raw system calls, no global data that would need relocating
 * (readelf -r on the binary must show nothing), memcpy/memset provided here
 * because the compiler may emit calls to them.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/unistd.h>
#include <linux/mman.h>
#include <linux/personality.h>
#include <linux/prctl.h>

#include "common/compat.h"
#include "common/loader_abi.h"

#define PAGE_SIZE    4096UL
#define PAGE_DOWN(x) ((uintptr_t)(x) & ~(PAGE_SIZE - 1))
#define PAGE_UP(x)   PAGE_DOWN((uintptr_t)(x) + PAGE_SIZE - 1)

/* Where x86-64 Linux puts a PIE that has an interpreter: two thirds of the
 * 47-bit address space, plus mmap_rnd_bits (28) of random pages. */
#define ELF_ET_DYN_BASE 0x555555554000UL
#define MMAP_RND_BITS	28
/* arch_randomize_brk() for 64-bit tasks: brk starts up to 1 GiB past bss. */
#define BRK_RND_RANGE (1UL << 30)
/* Linux's bound on the size of the program header table. */
#define PHDRS_MAX 65536UL
/* Read at once from an object's start: its header and, nearly always, its
 * program headers. */
#define HEAD_READ 2048
/* Alignments larger than this are not honoured (they are not sensible). */
#define ALIGN_MAX     (1UL << 30)
#define USER_ADDR_END (1UL << 47)
/* Room left between the program's new stack and the loader's frames, for the
 * calls the loader still makes after building that stack. */
#define STACK_GAP 16384UL
/* "#!" resolution adds at most three strings per level, five levels. */
#define PREFIX_MAX	   16
#define SIGKILL_NR	   9
#define GRND_NONBLOCK_FLAG 1

void loader_main(uintptr_t *sp) __attribute__((noreturn, used));
void loader_jump(uintptr_t sp, uintptr_t entry) __attribute__((noreturn));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

static inline long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall3(long nr, long a1, long a2, long a3)
{
	return syscall6(nr, a1, a2, a3, 0, 0, 0);
}

static inline int is_err(long ret)
{
	return (unsigned long)ret > -4096UL;
}

static _Noreturn void die(void)
{
	for (;;) {
		syscall3(__NR_kill, syscall3(__NR_getpid, 0, 0, 0), SIGKILL_NR, 0);
		syscall3(__NR_exit_group, 127, 0, 0);
	}
}

static inline void check(int ok)
{
	if (!ok)
		die();
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static long sys_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	return syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}

static void sys_munmap(uintptr_t addr, size_t len)
{
	if (len)
		syscall3(__NR_munmap, (long)addr, (long)len, 0);
}

static void read_exact(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		long n = syscall6(__NR_pread64, fd, (long)p, (long)len, (long)off, 0, 0);

		if (n == -4 /* EINTR */)
			continue;
		check(n > 0);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
}

/* Reads what there is of len bytes at off (less only at the end of the
 * file). */
static size_t read_some(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		long n = syscall6(__NR_pread64, fd, (long)(p + got), (long)(len - got),
				  (long)(off + got), 0, 0);

		if (n == -4 /* EINTR */)
			continue;
		check(!is_err(n));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* The random bits of one exec: where the program goes, where brk starts. */
struct randomness {
	uint64_t base;
	uint64_t brk;
};

static void get_random(struct randomness *r)
{
	syscall3(__NR_getrandom, (long)r, sizeof(*r), GRND_NONBLOCK_FLAG);
}

/* What the sentry sent: the loader_info header and its strings, split. */
struct request {
	int exe_fd;
	int interp_fd;
	uint32_t prefix_count;
	const char *prefix[PREFIX_MAX];
	const char *execfn;
	const char *comm;
};

static void ask_sentry(struct loader_info *info, size_t bufsize, struct request *req)
{
	long ret = syscall3(RUNSC_NR_LOADER, (long)info, (long)bufsize, 0);

	check(ret >= 0 && ret <= 0x7fffffff);
	check(info->version == LOADER_INFO_VERSION);
	check(info->interp_fd >= -1);
	check(info->argv_prefix_count <= PREFIX_MAX);
	check(info->strings_len > 0 &&
	      info->strings_len <= bufsize - offsetof(struct loader_info, strings));
	check(info->strings[info->strings_len - 1] == '\0');

	uint32_t want = info->argv_prefix_count + 2, n = 0;
	const char *s = info->strings, *end = info->strings + info->strings_len;

	while (s < end && n < want) {
		if (n < info->argv_prefix_count)
			req->prefix[n] = s;
		else if (n == info->argv_prefix_count)
			req->execfn = s;
		else
			req->comm = s;
		n++;
		s += str_len(s) + 1;
	}
	check(n == want);
	req->exe_fd = (int)ret;
	req->interp_fd = info->interp_fd;
	req->prefix_count = info->argv_prefix_count;
}

/* One ELF object once mapped, with what auxv and PR_SET_MM_MAP need. */
struct image {
	uint16_t type;
	uintptr_t bias;
	uintptr_t entry;
	uintptr_t phdr;
	uint64_t phnum;
	uintptr_t start_code, end_code, start_data, end_data, end_bss;
};

static int seg_prot(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? PROT_READ : 0) | ((p_flags & PF_W) ? PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? PROT_EXEC : 0);
}

/* Maps one PT_LOAD as binfmt_elf does: the file-backed part, the rest of its
 * last file page zeroed, anonymous zero pages beyond (bss). */
static void map_segment(int fd, const Elf64_Phdr *ph, uintptr_t bias)
{
	int prot = seg_prot(ph->p_flags);
	uintptr_t vaddr = bias + ph->p_vaddr;
	uintptr_t start = PAGE_DOWN(vaddr);
	uintptr_t file_end = vaddr + ph->p_filesz;
	uintptr_t mem_end = vaddr + ph->p_memsz;
	uintptr_t anon_start = start;

	if (ph->p_filesz) {
		int zero_tail = mem_end > file_end && (file_end & (PAGE_SIZE - 1));
		int map_prot = zero_tail ? prot | PROT_WRITE : prot;
		uint64_t off = ph->p_offset - (vaddr - start);
		long ret;

		anon_start = PAGE_UP(file_end);
		ret = sys_mmap(start, anon_start - start, map_prot, MAP_PRIVATE | MAP_FIXED, fd,
			       off);
		check(!is_err(ret) && (uintptr_t)ret == start);
		if (zero_tail) {
			memset((void *)file_end, 0, anon_start - file_end);
			if (map_prot != prot)
				check(syscall3(__NR_mprotect, (long)start,
					       (long)(anon_start - start), prot) == 0);
		}
	}
	if (PAGE_UP(mem_end) > anon_start) {
		long ret = sys_mmap(anon_start, PAGE_UP(mem_end) - anon_start, prot,
				    MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);

		check(!is_err(ret));
	}
}

/* Reserves the object's whole span with one PROT_NONE mapping, so that its
 * segments land together and nothing else is clobbered. Returns the bias. */
static uintptr_t reserve_span(uint16_t type, uintptr_t lo, uintptr_t hi, uintptr_t align,
			      uintptr_t hint)
{
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t span = hi - lo;
	long ret;

	if (type == ET_EXEC) {
		ret = sys_mmap(lo, span, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		check(!is_err(ret) && (uintptr_t)ret == lo);
		return 0;
	}
	if (hint) {
		uintptr_t bias = hint & ~(align - 1);

		ret = sys_mmap(bias + lo, span, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (!is_err(ret) && (uintptr_t)ret == bias + lo)
			return bias;
		if (!is_err(ret))
			sys_munmap((uintptr_t)ret, span);
	}
	/* Anywhere the kernel likes, aligned as the segments ask. */
	size_t extra = (align - PAGE_SIZE) + (lo & (align - 1));

	ret = sys_mmap(0, span + extra, PROT_NONE, flags, -1, 0);
	check(!is_err(ret));
	uintptr_t got = (uintptr_t)ret;
	uintptr_t start = ((got + align - 1) & ~(align - 1)) + (lo & (align - 1));

	sys_munmap(got, start - got);
	sys_munmap(start + span, got + span + extra - (start + span));
	return start - lo;
}

static void image_layout(const Elf64_Phdr *ph, size_t phnum, const Elf64_Ehdr *eh,
			 struct image *img)
{
	uintptr_t start_code = UINTPTR_MAX, end_code = 0, start_data = 0, end_data = 0;
	uintptr_t end_bss = 0, phdr = 0;

	/* The same bounds binfmt_elf computes for mm->start_code and friends. */
	for (size_t i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			phdr = ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if ((ph[i].p_flags & PF_X) && ph[i].p_vaddr < start_code)
			start_code = ph[i].p_vaddr;
		if (start_data < ph[i].p_vaddr)
			start_data = ph[i].p_vaddr;
		uintptr_t k = ph[i].p_vaddr + ph[i].p_filesz;

		if ((ph[i].p_flags & PF_X) && end_code < k)
			end_code = k;
		if (end_data < k)
			end_data = k;
		k = ph[i].p_vaddr + ph[i].p_memsz;
		if (end_bss < k)
			end_bss = k;
		if (!phdr && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			phdr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
	}
	if (start_code >= end_code) {
		/* No executable segment: the program faults on entry, as on
		 * Linux; keep the bounds PR_SET_MM_MAP accepts. */
		start_code = eh->e_entry;
		end_code = eh->e_entry + 1;
	}
	img->type = eh->e_type;
	img->entry = img->bias + eh->e_entry;
	img->phdr = phdr ? img->bias + phdr : 0;
	img->phnum = phnum;
	img->start_code = img->bias + start_code;
	img->end_code = img->bias + end_code;
	img->start_data = img->bias + start_data;
	img->end_data = img->bias + end_data;
	img->end_bss = img->bias + end_bss;
}

/* Maps an ELF object from fd. hint: where an ET_DYN program goes (0: where
 * the kernel's mmap puts it, as for interpreters and static PIEs). */
static void load_elf(int fd, uintptr_t hint, struct image *img)
{
	union {
		Elf64_Ehdr eh;
		uint64_t words[HEAD_READ / sizeof(uint64_t)];
	} head;
	size_t got = read_some(fd, &head, sizeof(head), 0);
	Elf64_Ehdr eh;

	check(got >= sizeof(eh));
	eh = head.eh;
	check(eh.e_ident[EI_MAG0] == ELFMAG0 && eh.e_ident[EI_MAG1] == ELFMAG1 &&
	      eh.e_ident[EI_MAG2] == ELFMAG2 && eh.e_ident[EI_MAG3] == ELFMAG3);
	check(eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_ident[EI_DATA] == ELFDATA2LSB);
	check(eh.e_machine == EM_X86_64 && (eh.e_type == ET_EXEC || eh.e_type == ET_DYN));
	check(eh.e_phentsize == sizeof(Elf64_Phdr));

	size_t ph_size = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);

	check(ph_size > 0 && ph_size <= PHDRS_MAX);
	Elf64_Phdr *ph;
	uintptr_t ph_map = 0;

	if (eh.e_phoff <= got && ph_size <= got - eh.e_phoff &&
	    eh.e_phoff % sizeof(uint64_t) == 0) {
		ph = (Elf64_Phdr *)((char *)&head + eh.e_phoff);
	} else {
		long ret = sys_mmap(0, PAGE_UP(ph_size), PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		check(!is_err(ret));
		ph_map = (uintptr_t)ret;
		ph = (Elf64_Phdr *)ph_map;
		read_exact(fd, ph, ph_size, eh.e_phoff);
	}

	uintptr_t lo = UINTPTR_MAX, hi = 0, align = PAGE_SIZE;

	for (size_t i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		check(p->p_filesz <= p->p_memsz);
		check(((p->p_vaddr - p->p_offset) & (PAGE_SIZE - 1)) == 0);
		check(p->p_vaddr < USER_ADDR_END && p->p_memsz < USER_ADDR_END - p->p_vaddr);
		if (PAGE_DOWN(p->p_vaddr) < lo)
			lo = PAGE_DOWN(p->p_vaddr);
		if (PAGE_UP(p->p_vaddr + p->p_memsz) > hi)
			hi = PAGE_UP(p->p_vaddr + p->p_memsz);
		if (p->p_align > align && p->p_align <= ALIGN_MAX &&
		    (p->p_align & (p->p_align - 1)) == 0)
			align = p->p_align;
	}
	check(hi > lo);

	img->bias = reserve_span(eh.e_type, lo, hi, align, hint);
	for (size_t i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			map_segment(fd, &ph[i], img->bias);
	image_layout(ph, eh.e_phnum, &eh, img);
	if (ph_map)
		sys_munmap(ph_map, PAGE_UP(ph_size));
}

/* The initial stack the kernel built for the loader. */
struct initial_stack {
	size_t argc;
	char **argv;
	size_t envc;
	char **envp;
	size_t auxc; /* entries before AT_NULL */
	Elf64_auxv_t *auxv;
};

static void parse_stack(uintptr_t *sp, struct initial_stack *st)
{
	st->argc = sp[0];
	st->argv = (char **)(sp + 1);
	st->envp = st->argv + st->argc + 1;
	st->envc = 0;
	while (st->envp[st->envc])
		st->envc++;
	st->auxv = (Elf64_auxv_t *)(st->envp + st->envc + 1);
	st->auxc = 0;
	while (st->auxv[st->auxc].a_type != AT_NULL)
		st->auxc++;
}

/* The auxv entries the loader sets; everything else is the kernel's. */
enum { AUX_PHDR, AUX_PHENT, AUX_PHNUM, AUX_ENTRY, AUX_BASE, AUX_EXECFN, AUX_SECURE, AUX_N };

static uint64_t aux_type(int i)
{
	switch (i) {
	case AUX_PHDR:
		return AT_PHDR;
	case AUX_PHENT:
		return AT_PHENT;
	case AUX_PHNUM:
		return AT_PHNUM;
	case AUX_ENTRY:
		return AT_ENTRY;
	case AUX_BASE:
		return AT_BASE;
	case AUX_EXECFN:
		return AT_EXECFN;
	case AUX_SECURE:
		return AT_SECURE;
	default:
		return AT_IGNORE;
	}
}

static size_t fill_auxv(Elf64_auxv_t *out, const struct initial_stack *st, const uint64_t *val)
{
	int seen[AUX_N] = {0};
	size_t n = 0;

	for (size_t i = 0; i < st->auxc; i++) {
		out[n] = st->auxv[i];
		for (int k = 0; k < AUX_N; k++) {
			if (out[n].a_type == aux_type(k)) {
				out[n].a_un.a_val = val[k];
				seen[k] = 1;
			}
		}
		n++;
	}
	for (int k = 0; k < AUX_N; k++) {
		if (seen[k])
			continue;
		out[n].a_type = aux_type(k);
		out[n].a_un.a_val = val[k];
		n++;
	}
	out[n].a_type = AT_NULL;
	out[n].a_un.a_val = 0;
	return n + 1;
}

static char *copy_str(char *dst, const char *src)
{
	size_t n = str_len(src) + 1;

	memcpy(dst, src, n);
	return dst + n;
}

/*
 * Builds the program's stack STACK_GAP below the current stack pointer, on
 * the same (main thread, growing) stack mapping:
 *   argc, argv[], NULL, envp[], NULL, auxv[], AT_NULL, padding,
 *   [argv strings: "#!" prefix + argv[1..], scripts only], AT_EXECFN string.
 * Without a prefix argv points at the kernel's strings above. Fills the
 * stack, argument and auxv fields of map; returns the new stack pointer.
 */
static __attribute__((noinline)) uintptr_t build_stack(const struct initial_stack *st,
						       const struct request *req,
						       const uint64_t *aux_val,
						       struct prctl_mm_map *map)
{
	uintptr_t cur_sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(cur_sp));
	uintptr_t top = (cur_sp - STACK_GAP) & ~15UL;
	int script = req->prefix_count > 0;
	size_t argc = st->argc;
	size_t str_size = str_len(req->execfn) + 1;

	if (script) {
		argc = req->prefix_count + (st->argc ? st->argc - 1 : 0);
		for (uint32_t i = 0; i < req->prefix_count; i++)
			str_size += str_len(req->prefix[i]) + 1;
		for (size_t i = 1; i < st->argc; i++)
			str_size += str_len(st->argv[i]) + 1;
	}
	size_t words = 1 + (argc + 1) + (st->envc + 1) + 2 * (st->auxc + 1 + AUX_N);
	uintptr_t strings = top - str_size;
	uintptr_t *sp = (uintptr_t *)((strings - words * sizeof(uintptr_t)) & ~15UL);
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char *s = (char *)strings;

	sp[0] = argc;
	if (script) {
		size_t n = 0;

		map->arg_start = (uintptr_t)s;
		for (uint32_t i = 0; i < req->prefix_count; i++) {
			argv[n++] = s;
			s = copy_str(s, req->prefix[i]);
		}
		for (size_t i = 1; i < st->argc; i++) {
			argv[n++] = s;
			s = copy_str(s, st->argv[i]);
		}
		map->arg_end = (uintptr_t)s;
	} else {
		for (size_t i = 0; i < argc; i++)
			argv[i] = st->argv[i];
		map->arg_start = argc ? (uintptr_t)st->argv[0] : (uintptr_t)s;
		map->arg_end =
			argc ? (uintptr_t)st->argv[argc - 1] + str_len(st->argv[argc - 1]) + 1
			     : (uintptr_t)s;
	}
	argv[argc] = NULL;

	for (size_t i = 0; i < st->envc; i++)
		envp[i] = st->envp[i];
	envp[st->envc] = NULL;
	if (st->envc) {
		const char *last = st->envp[st->envc - 1];

		map->env_start = (uintptr_t)st->envp[0];
		map->env_end = (uintptr_t)last + str_len(last) + 1;
	} else {
		map->env_start = map->env_end = map->arg_end;
	}

	uint64_t val[AUX_N];

	memcpy(val, aux_val, sizeof(val));
	val[AUX_EXECFN] = (uintptr_t)s;
	copy_str(s, req->execfn);

	Elf64_auxv_t *auxv = (Elf64_auxv_t *)(envp + st->envc + 1);
	size_t auxn = fill_auxv(auxv, st, val);
	size_t auxv_bytes = auxn * sizeof(Elf64_auxv_t);

	map->auxv = (__u64 *)auxv;
	/* The kernel keeps at most AT_VECTOR_SIZE words (416 bytes on x86-64). */
	map->auxv_size = auxv_bytes > 416 ? 416 : (uint32_t)auxv_bytes;
	map->start_stack = (uintptr_t)sp;
	return (uintptr_t)sp;
}

/* Where brk starts, as binfmt_elf places it (randomized unless the
 * personality asks for ADDR_NO_RANDOMIZE). */
static uintptr_t brk_start(const struct image *prog, int has_interp, const struct randomness *rnd)
{
	uintptr_t brk = PAGE_UP(prog->end_bss);

	if (!rnd)
		return brk;
	if (prog->type == ET_DYN && !has_interp)
		brk = ELF_ET_DYN_BASE;
	else
		brk += PAGE_SIZE;
	return brk + (rnd->brk % (BRK_RND_RANGE / PAGE_SIZE)) * PAGE_SIZE;
}

void loader_main(uintptr_t *sp0)
{
	uint64_t buf[LOADER_INFO_MAX / sizeof(uint64_t)];
	struct loader_info *info = (struct loader_info *)buf;
	struct request req = {0};
	struct initial_stack st;
	struct image prog = {0}, interp = {0};
	struct prctl_mm_map map = {0};
	long persona = syscall3(__NR_personality, 0xffffffff, 0, 0);
	int randomize = is_err(persona) || !(persona & ADDR_NO_RANDOMIZE);
	int has_interp;

	parse_stack(sp0, &st);
	ask_sentry(info, sizeof(buf), &req);
	has_interp = req.interp_fd >= 0;

	uintptr_t hint = 0;
	struct randomness rnd = {0};

	if (randomize)
		get_random(&rnd);
	if (has_interp) {
		hint = ELF_ET_DYN_BASE;
		if (randomize)
			hint += (rnd.base & ((1UL << MMAP_RND_BITS) - 1)) * PAGE_SIZE;
	}
	load_elf(req.exe_fd, hint, &prog);
	if (has_interp)
		load_elf(req.interp_fd, 0, &interp);

	uint64_t aux_val[AUX_N] = {
		[AUX_PHDR] = prog.phdr,
		[AUX_PHENT] = sizeof(Elf64_Phdr),
		[AUX_PHNUM] = prog.phnum,
		[AUX_ENTRY] = prog.entry,
		[AUX_BASE] = has_interp ? interp.bias : 0,
		[AUX_EXECFN] = 0,
		[AUX_SECURE] = 0,
	};
	uintptr_t sp = build_stack(&st, &req, aux_val, &map);

	map.start_code = prog.start_code;
	map.end_code = prog.end_code;
	map.start_data = prog.start_data;
	map.end_data = prog.end_data;
	map.start_brk = map.brk = brk_start(&prog, has_interp, randomize ? &rnd : NULL);
	map.exe_fd = (uint32_t)-1;
	check(syscall6(__NR_prctl, PR_SET_MM, PR_SET_MM_MAP, (long)&map, sizeof(map), 0, 0) == 0);
	syscall3(__NR_prctl, PR_SET_NAME, (long)req.comm, 0);
	syscall3(__NR_close, req.exe_fd, 0, 0);
	if (has_interp)
		syscall3(__NR_close, req.interp_fd, 0, 0);
	loader_jump(sp, has_interp ? interp.entry : prog.entry);
}
