/*
 * The CSV reader behind dwhbi seed and dwhbi goals: quoting, line numbers
 * for error messages (also across quoted newlines), CRLF, a byte order mark,
 * skipped blank and comment lines, and the header mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_and_quotes),
		cmocka_unit_test(malformed),
		cmocka_unit_test(header_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
