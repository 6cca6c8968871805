/*
 * utf8: UTF-8 checks and iconv conversion (utf8.h).
 */
#include "lib/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/xalloc.h"

/* Length of the valid sequence at s (n bytes left), or 0 when invalid. */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0x01 && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)           /* overlong */
			return 0;
		if (c == 0xed && s[1] >= 0xa0)          /* surrogates */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)           /* overlong */
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)          /* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = seq_len(p + i, len - i);

		if (!n)
			break;
		i += n;
	}
	return i;
}

void utf8_sanitize(char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		size_t n = seq_len((unsigned char *)s + i, len - i);

		if (!n) {
			s[i++] = '?';
			continue;
		}
		i += n;
	}
}

int utf8_line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int utf8_is_utf8_name(const char *e)
{
	return !strcasecmp(e, "UTF-8") || !strcasecmp(e, "UTF8");
}

int utf8_encoding_known(const char *encoding)
{
	iconv_t cd;

	if (!encoding || !*encoding)
		return 0;
	if (utf8_is_utf8_name(encoding))
		return 1;
	cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* Converts text from encoding into a new UTF-8 buffer.  Returns it, or NULL
 * with *bad_off at the first byte that is not valid in encoding. */
static char *convert(const char *text, size_t len, const char *encoding, size_t *outlen,
		     size_t *bad_off, int *eno)
{
	iconv_t cd = iconv_open("UTF-8", encoding);
	size_t cap = len * 3 + 16, left_in = len, left_out;
	char *out, *in = (char *)text, *o;

	*eno = 0;
	if (cd == (iconv_t)-1) {
		*eno = -1;      /* the encoding is unknown */
		*bad_off = 0;
		return NULL;
	}
	/* 3 bytes out per byte in fits CP932 and the single-byte encodings;
	 * E2BIG grows the buffer for anything else. */
	out = xmalloc(cap + 1);
	o = out;
	left_out = cap;
	while (left_in > 0) {
		size_t r = iconv(cd, &in, &left_in, &o, &left_out);

		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(o - out);

			cap = cap * 2;
			out = xreallocarray(out, cap + 1, 1);
			o = out + used;
			left_out = cap - used;
			continue;
		}
		/* EILSEQ (invalid) or EINVAL (cut at the end) */
		*eno = errno;
		*bad_off = (size_t)(in - text);
		free(out);
		iconv_close(cd);
		return NULL;
	}
	/* Flush any shift state. */
	iconv(cd, NULL, NULL, &o, &left_out);
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	out[*outlen] = '\0';
	return out;
}

int utf8_prepare_text(const char *name, char **text, size_t *len, const char *encoding,
		      char *err, size_t errlen)
{
	size_t ok;

	if (encoding && *encoding && !utf8_is_utf8_name(encoding)) {
		size_t outlen = 0, bad = 0;
		int eno;
		char *utf = convert(*text, *len, encoding, &outlen, &bad, &eno);

		if (!utf) {
			if (eno == -1)
				snprintf(err, errlen, "%s: unknown encoding '%s' (e.g. CP932, "
					 "SHIFT_JIS, EUC-JP, UTF-8)", name, encoding);
			else
				snprintf(err, errlen, "%s:%d: not valid %s (check the file's encoding)",
					 name, utf8_line_of(*text, bad), encoding);
			return -1;
		}
		free(*text);
		*text = utf;
		*len = outlen;
	}
	ok = utf8_valid_prefix(*text, *len);
	if (ok < *len) {
		snprintf(err, errlen, "%s:%d: not UTF-8 (save as UTF-8, or pass --encoding CP932)",
			 name, utf8_line_of(*text, ok));
		return -1;
	}
	return 0;
}
