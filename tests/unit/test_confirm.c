/*
 * The confirmation tokens of the console API's accept/reject
 * (console/confirm.c): good once, only for their proposal and decision,
 * only until they expire; a full table drops the oldest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "console/confirm.h"

#define SEC 1000000LL

static void test_once(void **state)
{
	struct confirms t;
	char tok[33];
	int64_t exp, now = 1000 * SEC;
	(void)state;

	memset(&t, 0, sizeof(t));
	assert_int_equal(confirm_issue(&t, 7, 1, now, tok, &exp), 0);
	assert_int_equal(strlen(tok), 32);
	assert_int_equal(exp, now + CONFIRM_TTL_SECONDS * SEC);
	assert_int_equal(confirm_take(&t, tok, 7, 1, now + SEC), 0);
	assert_int_equal(confirm_take(&t, tok, 7, 1, now + SEC), -1);   /* used up */
}

static void test_wrong_use(void **state)
{
	struct confirms t;
	char tok[33], other[33];
	int64_t exp, now = 1000 * SEC;
	(void)state;

	memset(&t, 0, sizeof(t));
	assert_int_equal(confirm_issue(&t, 7, 1, now, tok, &exp), 0);
	assert_int_equal(confirm_take(&t, tok, 7, 0, now), -1);          /* reject with accept's */
	assert_int_equal(confirm_take(&t, tok, 7, 1, now), -1);          /* and it is gone */
	assert_int_equal(confirm_issue(&t, 7, 1, now, tok, &exp), 0);
	assert_int_equal(confirm_take(&t, tok, 8, 1, now), -1);          /* another proposal */
	assert_int_equal(confirm_issue(&t, 7, 1, now, tok, &exp), 0);
	assert_int_equal(confirm_take(&t, tok, 7, 1, exp), -1);          /* expired */
	assert_int_equal(confirm_issue(&t, 7, 1, now, tok, &exp), 0);
	memcpy(other, tok, sizeof(other));
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(confirm_take(&t, other, 7, 1, now), -1);        /* not issued */
	assert_int_equal(confirm_take(&t, "", 7, 1, now), -1);
	assert_int_equal(confirm_take(&t, NULL, 7, 1, now), -1);
	assert_int_equal(confirm_take(&t, tok, 7, 1, now), 0);           /* still good */
}

static void test_full_table(void **state)
{
	struct confirms t;
	char first[33], tok[33];
	int64_t exp;
	(void)state;

	memset(&t, 0, sizeof(t));
	assert_int_equal(confirm_issue(&t, 1, 1, 1 * SEC, first, &exp), 0);
	for (int i = 0; i < CONFIRM_SLOTS - 1; i++)
		assert_int_equal(confirm_issue(&t, 2 + i, 1, (2 + i) * SEC, tok, &exp), 0);
	/* The table is full; one more drops the oldest (the first). */
	assert_int_equal(confirm_issue(&t, 99, 0, 100 * SEC, tok, &exp), 0);
	assert_int_equal(confirm_take(&t, first, 1, 1, 101 * SEC), -1);
	assert_int_equal(confirm_take(&t, tok, 99, 0, 101 * SEC), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_wrong_use),
		cmocka_unit_test(test_full_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
