/* SPDX-License-Identifier: Apache-2.0 */
/* Entry points of the exec loader. The kernel starts _start with the
 * initial stack it built for the loader's own exec (argc, argv, envp, auxv);
 * loader_main maps the real program and never returns. */

	.text

	.globl	_start
	.type	_start, @function
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	loader_main
	hlt
	.size	_start, . - _start

/* loader_jump(sp, entry): enters the program on its new stack with the
 * registers as the kernel leaves them after exec: all zero (rdx = 0 means no
 * finalizer for the program to register), direction flag clear. */
	.globl	loader_jump
	.hidden	loader_jump
	.type	loader_jump, @function
loader_jump:
	mov	%rdi, %rsp
	push	%rsi
	cld
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	ret
	.size	loader_jump, . - loader_jump

	.section .note.GNU-stack, "", @progbits
