/*
 * csv: the RFC 4180 reader of csv.h.
 */
#include "lib/csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		r->pos = 3;
}

void csv_record_init(struct csv_record *rec)
{
	rec->fields = NULL;
	rec->n = 0;
	rec->line = 0;
}

void csv_record_release(struct csv_record *rec)
{
	for (int i = 0; i < rec->n; i++)
		free(rec->fields[i]);
	free(rec->fields);
	csv_record_init(rec);
}

static void push_field(struct csv_record *rec, struct buf *f, int quoted)
{
	char *s;

	rec->fields = xreallocarray(rec->fields, (size_t)rec->n + 1, sizeof(*rec->fields));
	if (!quoted) {
		/* trim surrounding blanks of an unquoted field */
		size_t start = 0, end = f->len;
		while (start < end && (f->data[start] == ' ' || f->data[start] == '\t'))
			start++;
		while (end > start && (f->data[end - 1] == ' ' || f->data[end - 1] == '\t'))
			end--;
		s = xstrndup(f->data + start, end - start);
	} else {
		s = xmalloc(f->len + 1);
		memcpy(s, f->data, f->len + 1);
	}
	rec->fields[rec->n++] = s;
	buf_reset(f);
}

/* Skips blank and '#' lines; returns 0 at end of data. */
static int skip_ignored_lines(struct csv_reader *r)
{
	while (r->pos < r->len) {
		size_t p = r->pos;
		while (p < r->len && (r->data[p] == ' ' || r->data[p] == '\t' || r->data[p] == '\r'))
			p++;
		if (p < r->len && r->data[p] != '\n' && r->data[p] != '#')
			return 1;
		while (p < r->len && r->data[p] != '\n')
			p++;
		if (p < r->len)
			p++;
		r->pos = p;
		r->line++;
	}
	return 0;
}

int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen)
{
	struct buf f = BUF_INIT;
	int quoted = 0;

	csv_record_release(rec);
	if (!skip_ignored_lines(r))
		return 0;
	rec->line = r->line;
	for (;;) {
		char c;
		if (r->pos >= r->len) {
			push_field(rec, &f, quoted);
			break;
		}
		c = r->data[r->pos];
		if (c == '"' && !quoted && f.len == strspn(f.data, " \t")) {
			/* a quoted field: up to the closing quote */
			int closed = 0;
			buf_reset(&f);
			quoted = 1;
			r->pos++;
			while (r->pos < r->len) {
				c = r->data[r->pos++];
				if (c == '"') {
					if (r->pos < r->len && r->data[r->pos] == '"') {
						buf_putc(&f, '"');
						r->pos++;
						continue;
					}
					closed = 1;
					break;
				}
				if (c == '\n')
					r->line++;
				buf_putc(&f, c);
			}
			if (!closed) {
				snprintf(err, errlen, "a quoted field is not closed");
				buf_release(&f);
				return -1;
			}
			/* only blanks may follow up to the separator */
			while (r->pos < r->len && (r->data[r->pos] == ' ' || r->data[r->pos] == '\t'))
				r->pos++;
			if (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n' &&
			    r->data[r->pos] != '\r') {
				snprintf(err, errlen, "text after a closing quote");
				rec->line = r->line;
				buf_release(&f);
				return -1;
			}
			continue;
		}
		if (c == ',') {
			push_field(rec, &f, quoted);
			quoted = 0;
			r->pos++;
			continue;
		}
		if (c == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n') {
			r->pos++;
			continue;
		}
		if (c == '\n') {
			push_field(rec, &f, quoted);
			r->pos++;
			r->line++;
			break;
		}
		buf_putc(&f, c);
		r->pos++;
	}
	buf_release(&f);
	return 1;
}

int csv_header(const struct csv_record *rec, const char *const *names, int n,
	       int nrequired, int *idx, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++)
		idx[i] = -1;
	for (int f = 0; f < rec->n; f++) {
		int known = -1;
		for (int i = 0; i < n; i++)
			if (!strcmp(rec->fields[f], names[i]))
				known = i;
		if (known < 0) {
			snprintf(err, errlen, "unknown column '%s' in the header", rec->fields[f]);
			return -1;
		}
		if (idx[known] >= 0) {
			snprintf(err, errlen, "column '%s' appears twice in the header", names[known]);
			return -1;
		}
		idx[known] = f;
	}
	for (int i = 0; i < nrequired; i++) {
		if (idx[i] < 0) {
			snprintf(err, errlen, "the header lacks the column '%s'", names[i]);
			return -1;
		}
	}
	return 0;
}

const char *csv_field(const struct csv_record *rec, int idx)
{
	if (idx < 0 || idx >= rec->n)
		return "";
	return rec->fields[idx];
}

char *csv_read_file(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path, 0) < 0) {
		int saved = errno;
		buf_release(&b);
		errno = saved;
		return NULL;
	}
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

int csv_read_table(const char *name, const char *text, size_t len, struct csv_table *t,
		   csv_row_fn row, void *arg, char *err, size_t errlen)
{
	struct csv_reader r;
	struct csv_record rec;
	char why[512];
	int rc, line;

	csv_reader_init(&r, text, len);
	csv_record_init(&rec);
	if (t->n < 0 || t->n > CSV_MAX_COLUMNS || t->nrequired > t->n) {
		snprintf(why, sizeof(why), "the reader expects at most %d columns", CSV_MAX_COLUMNS);
		line = 1;
		goto fail;
	}
	rc = csv_next(&r, &rec, why, sizeof(why));
	if (rc <= 0) {
		if (rc == 0)
			snprintf(why, sizeof(why), "the file is empty");
		line = rc < 0 ? rec.line : 1;
		goto fail;
	}
	line = rec.line;
	if (csv_header(&rec, t->names, t->n, t->nrequired, t->idx, why, sizeof(why)))
		goto fail;
	t->ncols = rec.n;
	while ((rc = csv_next(&r, &rec, why, sizeof(why))) > 0) {
		line = rec.line;
		if (row(arg, &rec, t, why, sizeof(why)))
			goto fail;
	}
	if (rc < 0) {
		line = rec.line;
		goto fail;
	}
	csv_record_release(&rec);
	return 0;
fail:
	snprintf(err, errlen, "%s:%d: %s", name, line, why);
	csv_record_release(&rec);
	return -1;
}
