#!/bin/sh
# Writes an assembler file that embeds a file in runsc-c as SYMBOL ..
# SYMBOL_end: embed-blob.sh INPUT OUTPUT SYMBOL
set -eu
in=$(realpath "$1")
cat >"$2" <<ASM
	.section .rodata
	.balign 16
	.globl $3
$3:
	.incbin "$in"
	.globl $3_end
$3_end:
	.section .note.GNU-stack,"",@progbits
ASM
