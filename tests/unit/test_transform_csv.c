/*
 * The CSV reader behind dwhbi seed and dwhbi goals: quoting, line numbers
 * for error messages (also across quoted newlines), CRLF, a byte order mark,
 * skipped blank and comment lines, the header mapping, and the table
 * reader that hands each row to a callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/csv.h"

static int next(struct csv_reader *r, struct csv_record *rec)
{
	char err[128];
	return csv_next(r, rec, err, sizeof(err));
}

static void fields_and_quotes(void **state)
{
	(void)state;
	const char *t = "\xEF\xBB\xBF" "a,b , c\n"
			"\"x, y\",\"say \"\"hi\"\"\",\n"
			"\r\n# a comment\n\n"
			"睡眠,\"two\nlines\",last\r\n"
			"tail";
	struct csv_reader r;
	struct csv_record rec;

	csv_reader_init(&r, t, strlen(t));
	csv_record_init(&rec);
	assert_int_equal(next(&r, &rec), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.fields[0], "a");
	assert_string_equal(rec.fields[1], "b");    /* unquoted fields are trimmed */
	assert_string_equal(rec.fields[2], "c");

	assert_int_equal(next(&r, &rec), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.fields[0], "x, y");
	assert_string_equal(rec.fields[1], "say \"hi\"");
	assert_string_equal(rec.fields[2], "");

	assert_int_equal(next(&r, &rec), 1);
	assert_int_equal(rec.line, 6);              /* blank and comment lines skipped */
	assert_string_equal(rec.fields[0], "睡眠");
	assert_string_equal(rec.fields[1], "two\nlines");
	assert_string_equal(rec.fields[2], "last");   /* CRLF */

	assert_int_equal(next(&r, &rec), 1);
	assert_int_equal(rec.line, 8);              /* the quoted newline counted */
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.fields[0], "tail");
	assert_int_equal(next(&r, &rec), 0);
	csv_record_release(&rec);
}

static void malformed(void **state)
{
	(void)state;
	struct csv_reader r;
	struct csv_record rec;
	char err[128];
	const char *open = "ok,1\nbad,\"never closed\n";
	const char *after = "a,\"b\"c,d\n";

	csv_record_init(&rec);
	csv_reader_init(&r, open, strlen(open));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), -1);
	assert_int_equal(rec.line, 2);
	assert_string_equal(err, "a quoted field is not closed");

	csv_reader_init(&r, after, strlen(after));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), -1);
	assert_string_equal(err, "text after a closing quote");
	assert_int_equal(rec.line, 1);
	csv_record_release(&rec);
}

static void header_mapping(void **state)
{
	(void)state;
	static const char *const names[] = { "category", "minutes", "valid_to" };
	struct csv_reader r;
	struct csv_record rec;
	char err[128];
	int idx[3];
	const char *ok = "minutes,category\n30,Sleep\n";
	const char *unknown = "category,minutes,colour\n";
	const char *missing = "category\n";
	const char *twice = "category,minutes,category\n";

	csv_record_init(&rec);
	csv_reader_init(&r, ok, strlen(ok));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_int_equal(csv_header(&rec, names, 3, 2, idx, err, sizeof(err)), 0);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], -1);               /* optional, absent */
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_string_equal(csv_field(&rec, idx[0]), "Sleep");
	assert_string_equal(csv_field(&rec, idx[2]), "");
	assert_string_equal(csv_field(&rec, 7), "");

	csv_reader_init(&r, unknown, strlen(unknown));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_int_equal(csv_header(&rec, names, 3, 2, idx, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown column 'colour' in the header");

	csv_reader_init(&r, missing, strlen(missing));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_int_equal(csv_header(&rec, names, 3, 2, idx, err, sizeof(err)), -1);
	assert_string_equal(err, "the header lacks the column 'minutes'");

	csv_reader_init(&r, twice, strlen(twice));
	assert_int_equal(csv_next(&r, &rec, err, sizeof(err)), 1);
	assert_int_equal(csv_header(&rec, names, 3, 2, idx, err, sizeof(err)), -1);
	csv_record_release(&rec);
}

/* csv_read_table: the header mapped once, each row handed over with its
 * line, and every failure reported as NAME:LINE: reason. */
struct seen {
	int rows, lines[4];
	char cats[4][16];
};

static int take_row(void *arg, const struct csv_record *rec, const struct csv_table *t,
		    char *why, size_t whylen)
{
	struct seen *s = arg;
	const char *cat = csv_field(rec, t->idx[0]);

	if (!strcmp(cat, "bad"))
		CSV_ROW_FAIL("'%s' is refused (%d fields, header %d)", cat, rec->n, t->ncols);
	if (s->rows < 4) {
		s->lines[s->rows] = rec->line;
		snprintf(s->cats[s->rows], sizeof(s->cats[0]), "%s", cat);
	}
	s->rows++;
	return 0;
}

static void table_rows_and_errors(void **state)
{
	(void)state;
	static const char *const names[] = { "category", "minutes", "note" };
	struct csv_table t = { .names = names, .n = 3, .nrequired = 2 };
	struct seen s;
	char err[256];
	const char *ok = "minutes,category\n30,Sleep\n# skipped\n\n45,\"Read\"\n";
	const char *refused = "category,minutes\nSleep,1\nbad,2,3\nnever,4\n";
	const char *open_quote = "category,minutes\nSleep,1\n\"cut,2\n";

	memset(&s, 0, sizeof(s));
	assert_int_equal(csv_read_table("c.csv", ok, strlen(ok), &t, take_row, &s, err,
					sizeof(err)), 0);
	assert_int_equal(s.rows, 2);
	assert_string_equal(s.cats[0], "Sleep");
	assert_int_equal(s.lines[0], 2);
	assert_string_equal(s.cats[1], "Read");
	assert_int_equal(s.lines[1], 5);
	assert_int_equal(t.idx[0], 1);
	assert_int_equal(t.idx[2], -1);
	assert_int_equal(t.ncols, 2);

	memset(&s, 0, sizeof(s));
	assert_int_equal(csv_read_table("dir/c.csv", refused, strlen(refused), &t, take_row, &s,
					err, sizeof(err)), -1);
	assert_string_equal(err, "dir/c.csv:3: 'bad' is refused (3 fields, header 2)");
	assert_int_equal(s.rows, 1);                /* nothing after the refused row */

	assert_int_equal(csv_read_table("c.csv", open_quote, strlen(open_quote), &t, take_row, &s,
					err, sizeof(err)), -1);
	assert_string_equal(err, "c.csv:3: a quoted field is not closed");
	assert_int_equal(csv_read_table("c.csv", "", 0, &t, take_row, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "c.csv:1: the file is empty");
	assert_int_equal(csv_read_table("c.csv", "# only\nminutes\n", 15, &t, take_row, &s, err,
					sizeof(err)), -1);
	assert_string_equal(err, "c.csv:2: the header lacks the column 'category'");
}

/* The whole-file reading under csv_read_file (and resource_read): all the
 * bytes, NULs included; a bound that is passed or a missing file leaves the
 * buffer as it was, with errno saying why. */
static void read_file_bounds(void **state)
{
	(void)state;
	char path[] = "/tmp/dwhbi-test-csv-XXXXXX";
	int fd = mkstemp(path);
	struct buf b = BUF_INIT;
	size_t len = 0;
	char *text;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a,b\n\0x\n", 7), 7);
	close(fd);
	text = csv_read_file(path, &len);
	assert_non_null(text);
	assert_int_equal(len, 7);
	assert_memory_equal(text, "a,b\n\0x\n", 7);
	free(text);

	buf_puts(&b, "kept");
	assert_int_equal(buf_read_file(&b, path, 7), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "kepta,b\n\0x\n", 11);
	buf_reset(&b);
	buf_puts(&b, "kept");
	errno = 0;
	assert_int_equal(buf_read_file(&b, path, 6), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(b.data, "kept");
	unlink(path);
	assert_int_equal(buf_read_file(&b, path, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(b.data, "kept");
	assert_null(csv_read_file(path, &len));
	assert_int_equal(errno, ENOENT);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_and_quotes),
		cmocka_unit_test(malformed),
		cmocka_unit_test(header_mapping),
		cmocka_unit_test(table_rows_and_errors),
		cmocka_unit_test(read_file_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
