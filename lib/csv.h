/*
 * csv: a small RFC 4180 reader for the files a person edits under config/
 * (categories.csv, category_rules.csv, goals.csv).
 *
 * Fields are separated by commas; a field in double quotes may hold commas,
 * newlines and doubled quotes ("").  Lines end in LF or CRLF.  A UTF-8 byte
 * order mark at the start is skipped.  Blank lines and lines whose first
 * character is '#' are skipped.  Unquoted fields are trimmed of surrounding
 * spaces.  Every record knows the line it started on, for error messages.
 */
#ifndef DWHBI_TRANSFORM_CSV_H
#define DWHBI_TRANSFORM_CSV_H

#include <stddef.h>
#include <stdio.h>          /* snprintf, for CSV_ROW_FAIL */

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;
	int line;              /* line of the next unread byte, from 1 */
};

struct csv_record {
	char **fields;         /* n strings, owned by the record */
	int n;
	int line;              /* line the record starts on */
};

void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
void csv_record_init(struct csv_record *rec);
/* Frees the fields; the record can be reused. */
void csv_record_release(struct csv_record *rec);

/* Reads the next record into rec (its previous fields are released first).
 * Returns 1 when a record was read, 0 at the end of the data, -1 on
 * malformed input (an unterminated quote, text after a closing quote) with
 * the reason in err and rec->line set to the offending line. */
int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen);

/* Maps a header record onto the expected column names: idx[i] receives the
 * field index of names[i], or -1 when the file lacks it.  The first nrequired
 * names must be present; an unknown or repeated column is an error. */
int csv_header(const struct csv_record *rec, const char *const *names, int n,
	       int nrequired, int *idx, char *err, size_t errlen);

/* Field idx of rec, or "" when idx < 0 or the record is shorter. */
const char *csv_field(const struct csv_record *rec, int idx);

/* Reads a whole file (NUL-terminated, caller frees), or NULL with errno set. */
char *csv_read_file(const char *path, size_t *len);

/* ---- a table: a header, then one row a record ---- */

#define CSV_MAX_COLUMNS 16

/* The columns of a table file.  The caller sets names, n (at most
 * CSV_MAX_COLUMNS) and nrequired (the first nrequired names must be in the
 * header); csv_read_table fills idx (idx[i] is the field of names[i], -1
 * when the file lacks it) and ncols (the fields in the header). */
struct csv_table {
	const char *const *names;
	int n, nrequired;
	int idx[CSV_MAX_COLUMNS];
	int ncols;
};

/* Checks one record after the header (its line is rec->line): returns 0,
 * or -1 with the reason in why. */
typedef int (*csv_row_fn)(void *arg, const struct csv_record *rec,
			  const struct csv_table *t, char *why, size_t whylen);

/* In a csv_row_fn whose parameters are named why and whylen: fail the row
 * with a printf-style reason. */
#define CSV_ROW_FAIL(...) do { \
	snprintf(why, whylen, __VA_ARGS__); \
	return -1; \
} while (0)

/* Reads text as a table: the first record is the header (mapped with
 * csv_header onto t), every later record goes to row(arg, ...), in order.
 * Returns 0, or -1 with err "NAME:LINE: reason", name being the file's name
 * in messages, for an empty file, a malformed record, a bad header or the
 * first row that row() refuses (nothing after it is read). */
int csv_read_table(const char *name, const char *text, size_t len, struct csv_table *t,
		   csv_row_fn row, void *arg, char *err, size_t errlen);

#endif
