/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 decoding shared by the processes (see utf8.c). */
#ifndef RUNSC_COMMON_UTF8_H
#define RUNSC_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at p (NUL-terminated input: a NUL ends it) into
 * *cp. Its length (1 to 4), or 0 when it is not valid UTF-8: overlong
 * forms, surrogates and code points beyond U+10FFFF are not. */
size_t utf8_decode(const unsigned char *p, uint32_t *cp);

/* s as the inside of a JSON string, into out (6 * strlen(s) + 1 bytes at
 * least): '"' and '\\' escaped, control bytes and bytes that are not valid
 * UTF-8 as \u00XX, valid UTF-8 as it is. Returns the length written;
 * *valid: whether s was valid UTF-8 (a reader cannot tell an escaped byte
 * from the character \u00XX otherwise). */
size_t utf8_json_escape(const char *s, char *out, bool *valid);

#endif
