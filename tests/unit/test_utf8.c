/*
 * test_utf8: lib/utf8 — the well-formedness rules of RFC 3629 (overlongs,
 * surrogates, the U+10FFFF ceiling, cut sequences, NUL), the repair that
 * keeps messages and ops.runs storable, line numbers, and the iconv
 * conversion of CP932 text (with its errors as FILE:LINE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

static size_t vp(const char *s)
{
	return utf8_valid_prefix(s, strlen(s));
}

static void test_valid_prefix(void **state)
{
	(void)state;
	assert_int_equal(vp(""), 0);
	assert_int_equal(vp("plain ascii"), 11);
	assert_int_equal(vp("睡眠,食事"), strlen("睡眠,食事"));
	assert_int_equal(vp("\xc2\x80"), 2);                 /* U+0080 */
	assert_int_equal(vp("\xf0\x9f\x98\x80"), 4);         /* U+1F600 */
	assert_int_equal(vp("\xf4\x8f\xbf\xbf"), 4);         /* U+10FFFF */
	assert_int_equal(vp("ab\xc0\xaf"), 2);               /* overlong '/' */
	assert_int_equal(vp("ab\xe0\x80\xaf"), 2);           /* overlong, 3 bytes */
	assert_int_equal(vp("ab\xf0\x80\x80\xaf"), 2);       /* overlong, 4 bytes */
	assert_int_equal(vp("ab\xed\xa0\x80"), 2);           /* surrogate U+D800 */
	assert_int_equal(vp("ab\xf4\x90\x80\x80"), 2);       /* above U+10FFFF */
	assert_int_equal(vp("ab\xe3\x81"), 2);               /* cut at the end */
	assert_int_equal(vp("ab\x80"), 2);                   /* lone continuation */
	assert_int_equal(vp("ab\xff"), 2);
	/* Shift-JIS 睡眠 */
	assert_int_equal(vp("x,\x90\x87\x96\xb0"), 2);
	/* NUL is refused too */
	assert_int_equal(utf8_valid_prefix("ab\0cd", 5), 2);
}

static void test_sanitize(void **state)
{
	char s[] = "ok \x90\x87 睡眠 \xe3\x81";

	(void)state;
	utf8_sanitize(s);
	assert_string_equal(s, "ok ?? 睡眠 ??");
	assert_int_equal(vp(s), strlen(s));
}

static void test_line_of(void **state)
{
	const char *t = "a\nb\nc";

	(void)state;
	assert_int_equal(utf8_line_of(t, 0), 1);
	assert_int_equal(utf8_line_of(t, 2), 2);
	assert_int_equal(utf8_line_of(t, 4), 3);
}

static void test_prepare_utf8(void **state)
{
	char err[256];
	char *t = strdup("category,display_name\nSleep,睡眠\n");
	char *bad = strdup("category,display_name\nSleep,\x90\x87\x96\xb0\n");
	size_t len = strlen(t), blen = strlen(bad);

	(void)state;
	assert_int_equal(utf8_prepare_text("c.csv", &t, &len, NULL, err, sizeof(err)), 0);
	assert_int_equal(utf8_prepare_text("c.csv", &t, &len, "utf-8", err, sizeof(err)), 0);
	assert_int_equal(utf8_prepare_text("dir/c.csv", &bad, &blen, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "dir/c.csv:2: not UTF-8 (save as UTF-8, or pass --encoding CP932)");
	free(t);
	free(bad);
}

static void test_prepare_cp932(void **state)
{
	char err[256];
	/* "Sleep,睡眠\nMeals,食事\n" in CP932, and one with a bad second line */
	char *t = strdup("Sleep,\x90\x87\x96\xb0\nMeals,\x90\x48\x8e\x96\n");
	char *bad = strdup("Sleep,\x90\x87\x96\xb0\nMeals,\x90\n");
	size_t len = strlen(t), blen = strlen(bad);

	(void)state;
	assert_int_equal(utf8_prepare_text("c.csv", &t, &len, "CP932", err, sizeof(err)), 0);
	assert_string_equal(t, "Sleep,睡眠\nMeals,食事\n");
	assert_int_equal(len, strlen("Sleep,睡眠\nMeals,食事\n"));
	assert_int_equal(utf8_prepare_text("c.csv", &bad, &blen, "CP932", err, sizeof(err)), -1);
	assert_string_equal(err, "c.csv:2: not valid CP932 (check the file's encoding)");
	free(t);
	free(bad);
}

static void test_encoding_names(void **state)
{
	(void)state;
	assert_true(utf8_encoding_known("CP932"));
	assert_true(utf8_encoding_known("SHIFT_JIS"));
	assert_true(utf8_encoding_known("utf8"));
	assert_false(utf8_encoding_known("NO-SUCH-ENCODING"));
	assert_false(utf8_encoding_known(""));
	assert_true(utf8_is_utf8_name("UTF-8"));
	assert_false(utf8_is_utf8_name("CP932"));
}

/* A big file converts whole (every byte doubles in UTF-8). */
static void test_prepare_large_latin1(void **state)
{
	size_t n = 100000, len = n;
	char *t = malloc(n + 1), err[128];

	(void)state;
	memset(t, '\xe9', n);                   /* é in ISO-8859-1: 2 bytes in UTF-8 */
	t[n] = '\0';
	assert_int_equal(utf8_prepare_text("l.csv", &t, &len, "ISO-8859-1", err, sizeof(err)), 0);
	assert_int_equal(len, 2 * n);
	assert_memory_equal(t + 2 * n - 2, "é", 2);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_prefix),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_line_of),
		cmocka_unit_test(test_prepare_utf8),
		cmocka_unit_test(test_prepare_cp932),
		cmocka_unit_test(test_encoding_names),
		cmocka_unit_test(test_prepare_large_latin1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
