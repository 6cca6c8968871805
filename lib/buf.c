/*
 * buf: growing byte buffer; see buf.h for the invariants.
 */
#include "lib/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	char *p;

	if (need <= b->cap)
		return;
	if (need < b->len) {
		fputs("fatal: buffer size overflow\n", stderr);
		abort();
	}
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2;
	p = realloc(b->cap ? b->data : NULL, cap);
	if (!p) {
		fputs("fatal: out of memory\n", stderr);
		abort();
	}
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->cap && (size_t)n < b->cap - b->len) {
		b->len += (size_t)n;
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *buf_detach(struct buf *b)
{
	char *s;

	if (!b->cap)
		buf_grow(b, 0);
	s = b->data;
	buf_init(b);
	return s;
}

void buf_copy_field(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "\\N");
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_putc(b, *s);
		}
	}
}

void buf_copy_row(struct buf *b, int n, const char *const *fields)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, '\t');
		buf_copy_field(b, fields[i]);
	}
	buf_putc(b, '\n');
}

int buf_read_file(struct buf *b, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t start = b->len, n;
	char chunk[8192];
	int saved;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(b, chunk, n);
		if (max && b->len - start > max) {
			saved = EFBIG;
			goto fail;
		}
	}
	if (ferror(f)) {
		saved = errno ? errno : EIO;
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	b->len = start;
	b->data[start] = '\0';
	errno = saved;
	return -1;
}
