/*
 * utf8: checking and repairing UTF-8 text, and converting a file's text
 * from another encoding with iconv (glibc).  Config CSVs must be UTF-8
 * (PostgreSQL stores text as UTF-8 and refuses anything else); a file saved
 * in another encoding (Excel writes CP932 for Japanese users) is read with
 * --encoding NAME.
 */
#ifndef DWHBI_UTF8_H
#define DWHBI_UTF8_H

#include <stddef.h>

/* Length of the longest valid UTF-8 prefix of s[0..len) (well-formed per
 * RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 * Equal to len when the whole text is valid.  A NUL byte counts as invalid
 * (no config value may hold one). */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Replaces every byte of s that is not part of valid UTF-8 with '?', in
 * place, so the text can go into a PostgreSQL text column or a message. */
void utf8_sanitize(char *s);

/* The line (from 1) that byte offset off of text lies on. */
int utf8_line_of(const char *text, size_t off);

/* Whether encoding names UTF-8 (UTF-8, utf8, ...). */
int utf8_is_utf8_name(const char *encoding);

/* Whether iconv knows encoding (converting it to UTF-8). */
int utf8_encoding_known(const char *encoding);

/* Makes *text valid UTF-8 for file name: converted from encoding when it is
 * given and not UTF-8 (the buffer is replaced; the caller frees *text as
 * before), then checked.  Returns 0, or -1 with err set to
 * "NAME:LINE: not UTF-8 (save as UTF-8, or pass --encoding CP932)" or
 * "NAME:LINE: not valid ENCODING". */
int utf8_prepare_text(const char *name, char **text, size_t *len, const char *encoding,
		      char *err, size_t errlen);

#endif
