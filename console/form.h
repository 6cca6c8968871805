/*
 * form: parsing what a browser or an API client sends to the console, and the
 * small validators the console applies before it trusts a value.  Every
 * function here is pure (no I/O), bounded by its inputs and unit-tested, so
 * the request handlers stay readable and the parsing rules live in one place.
 */
#ifndef DWHBI_CONSOLE_FORM_H
#define DWHBI_CONSOLE_FORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Percent-decodes s[0..len) ('+' is a space) into a new string that the
 * caller frees.  Returns NULL on a malformed escape or an embedded NUL. */
char *form_decode(const char *s, size_t len);

/* Looks up name in an application/x-www-form-urlencoded body (or a query
 * string) and returns its decoded value (caller frees), or NULL when absent
 * or malformed.  The first occurrence wins. */
char *form_get(const char *body, size_t len, const char *name);

/* Copies the value of cookie name from a Cookie header into out.  Returns 1
 * when found (and it fits), 0 otherwise. */
int form_cookie(const char *header, const char *name, char *out, size_t outlen);

/* Parses "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080", "localhost:0",
 * "0.0.0.0:80") into ss.  Returns 0, or -1 with a reason in err. */
int form_parse_listen(const char *s, struct sockaddr_storage *ss,
		      socklen_t *sslen, char *err, size_t errlen);
/* 1 when the address is loopback (127.0.0.0/8, ::1, ::ffff:127.x). */
int form_is_loopback(const struct sockaddr *sa);

/* 1 when s is "YYYY-MM" with a month 01..12 and a year 2000..2999. */
int form_valid_month(const char *s);
/* 1 when name is a plain report file name: [A-Za-z0-9._-], not starting
 * with '.', ending in ".pdf", at most 128 bytes. */
int form_valid_report_name(const char *name);
/* 1 when next is a local path safe to redirect to ("/..." but not "//" or
 * "/\", no control characters). */
int form_safe_redirect(const char *next);
/* Parses a positive decimal id (at most 18 digits).  Returns 0 or -1. */
int form_parse_id(const char *s, int64_t *id);

/* Constant-time comparison of two NUL-terminated secrets; 1 when equal. */
int form_secret_equal(const char *a, const char *b);

#endif
