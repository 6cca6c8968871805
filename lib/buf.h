/*
 * buf: a growing, always NUL-terminated byte buffer (modelled on git's strbuf).
 *
 * Invariants: after buf_init() (or BUF_INIT) data is never NULL and
 * data[len] == '\0'.  A buffer may hold NUL bytes.  Allocation failure aborts
 * the process (out of memory is not a recoverable condition for a CLI job).
 * Callers that read untrusted input bound it themselves (see buf_append's
 * users in connectors/http.c).
 */
#ifndef DWHBI_BUF_H
#define DWHBI_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
/* Frees the contents; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Detaches the string; the caller frees it.  The buffer is left empty. */
char *buf_detach(struct buf *b);

/* Appends the whole file at path.  Returns 0, or -1 with errno set (and b
 * as it was): ENOENT and the like from fopen, EFBIG when the file holds
 * more than max bytes (max 0: no bound), EIO or read's errno on a read
 * error. */
int buf_read_file(struct buf *b, const char *path, size_t max);

/* Appends s escaped for PostgreSQL COPY text format (tab, newline, CR,
 * backslash).  s == NULL appends \N. */
void buf_copy_field(struct buf *b, const char *s);
/* Appends one COPY text row: the n fields escaped, tab-separated, then a
 * newline. */
void buf_copy_row(struct buf *b, int n, const char *const *fields);

#endif
