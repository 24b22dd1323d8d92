/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 decoding, for code that writes text another reader checks: the
 * policy printer's YAML escapes what a YAML reader would not take as it
 * is, and the audit and learn records escape their JSON strings alike. */
#include "common/utf8.h"

#include <stdio.h>
#include <string.h>

size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
	size_t n;
	uint32_t c;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t utf8_json_escape(const char *s, char *out, bool *valid)
{
	size_t n = 0;
	*valid = true;
	for (const unsigned char *u = (const unsigned char *)s; *u;) {
		uint32_t cp;
		size_t len = utf8_decode(u, &cp);
		if (*u == '"' || *u == '\\') {
			out[n++] = '\\';
			out[n++] = (char)*u++;
		} else if (len == 0 || *u < 0x20 || *u == 0x7f) {
			*valid &= len != 0;
			n += (size_t)snprintf(out + n, 7, "\\u%04x", *u++);
		} else {
			memcpy(out + n, u, len);
			n += len;
			u += len;
		}
	}
	out[n] = '\0';
	return n;
}
