#!/bin/sh
# Writes an assembler file that embeds the exec loader in runsc-c.
set -eu
in=$(realpath "$1")
cat >"$2" <<ASM
	.section .rodata
	.balign 16
	.globl runsc_loader_blob
runsc_loader_blob:
	.incbin "$in"
	.globl runsc_loader_blob_end
runsc_loader_blob_end:
	.section .note.GNU-stack,"",@progbits
ASM
