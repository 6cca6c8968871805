/*
 * cli/opt: the commands' option value parsing (whole numbers, ids, dates,
 * FROM..TO ranges) and its one wording, plus lib/hex's digit decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/hex.h"
#include "lib/log.h"
#include "lib/timeutil.h"

static int setup(void **state)
{
	(void)state;
	log_set_level(LOG_QUIET);   /* the messages are read back, not shown */
	return 0;
}

static void whole_numbers(void **state)
{
	long long v = 7;

	(void)state;
	assert_int_equal(opt_parse_int("1", 1, 100, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(opt_parse_int("100", 1, 100, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(opt_parse_int("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	v = 7;
	const char *bad[] = { "", "0", "101", "+5", " 5", "5 ", "5x", "0x10", "-",
			      "-5", "1e2", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(opt_parse_int(bad[i], 1, 100, &v), -1);
		assert_int_equal(v, 7);
	}
	assert_int_equal(opt_parse_int(NULL, 1, 100, &v), -1);
	assert_int_equal(opt_parse_int("--", -10, 10, &v), -1);
}

static void ids(void **state)
{
	int64_t id = 0;

	(void)state;
	assert_int_equal(opt_parse_id("9223372036854775807", &id), 0);
	assert_true(id == INT64_MAX);
	assert_int_equal(opt_parse_id("42", &id), 0);
	assert_true(id == 42);
	const char *bad[] = { "9223372036854775808", "99999999999999999999", "0", "-1",
			      "+5", " 7", "12abc", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = 3;
		assert_int_equal(opt_parse_id(bad[i], &id), -1);
		assert_true(id == 3);
	}
}

static void one_wording(void **state)
{
	int n = 5;
	int32_t day = 0, from = 0, to = 0;

	(void)state;
	cmd_usage_error = 0;
	assert_int_equal(opt_int("dispatch", "--limit", "12", 1, 100, NULL, &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(cmd_usage_error, 0);

	assert_int_equal(opt_int("dispatch", "--limit", "0", 1, 100, NULL, &n), 2);
	assert_int_equal(n, 12);
	assert_int_equal(cmd_usage_error, 1);
	assert_string_equal(log_last_error(), "dwhbi dispatch: --limit: '0' is not a whole "
			    "number from 1 to 100 (try 'dwhbi dispatch --help')");
	assert_int_equal(opt_int("run", "--wait", "9x", 1, 86400, "seconds", &n), 2);
	assert_string_equal(log_last_error(), "dwhbi run: --wait: '9x' is not a whole number "
			    "of seconds from 1 to 86400 (try 'dwhbi run --help')");

	assert_int_equal(opt_date("rules", "--from", "2026-02-28", &day), 0);
	assert_int_equal(day, time_days_from_civil(2026, 2, 28));
	assert_int_equal(opt_date("rules", "--from", "2026-02-29", &day), 2);
	assert_string_equal(log_last_error(), "dwhbi rules: --from: '2026-02-29' is not a date; "
			    "--from needs a date YYYY-MM-DD (try 'dwhbi rules --help')");

	assert_int_equal(opt_date_range("analyze", "--evaluate", "2026-01-01..2026-01-31", 3660,
					&from, &to), 0);
	assert_int_equal(to - from, 30);
	assert_int_equal(opt_date_range("analyze", "--evaluate", "2000-01-01..2026-01-31", 3660,
					&from, &to), 2);
	assert_string_equal(log_last_error(), "dwhbi analyze: --evaluate: '2000-01-01..2026-01-31' "
			    "is not a range FROM..TO of dates YYYY-MM-DD with FROM <= TO, at most "
			    "3660 days apart (e.g. 2024-01-01..2024-12-31) (try 'dwhbi analyze --help')");
	/* Without a bound any ordered range will do. */
	assert_int_equal(opt_date_range("sync toggl", "--backfill", "2000-01-01..2026-01-31", 0,
					&from, &to), 0);
	assert_int_equal(opt_date_range("sync toggl", "--backfill", "2024-02-01..2024-01-01", 0,
					&from, &to), 2);
	assert_non_null(strstr(log_last_error(), "--backfill: '2024-02-01..2024-01-01' is not a "
			       "range FROM..TO of dates YYYY-MM-DD with FROM <= TO (e.g."));
	cmd_usage_error = 0;
}

static void date_ranges(void **state)
{
	int32_t from = 0, to = 0;

	(void)state;
	assert_int_equal(time_parse_date_range("2024-03-05..2024-03-05", &from, &to), 0);
	assert_int_equal(from, to);
	assert_int_equal(from, time_days_from_civil(2024, 3, 5));
	const char *bad[] = { "2024-01-01", "2024-01-01..", "..2024-01-01",
			      "2024-01-01...2024-02-01", "2024-01-01..2024-2-01",
			      "2024-1-01..2024-02-01", "2024-13-01..2024-12-01",
			      "2025-01-01..2024-01-01", "2024-01-01--2024-02-01",
			      "2024-01-01..2024-02-01x", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse_date_range(bad[i], &from, &to), -1);
	assert_int_equal(time_parse_date_range(NULL, &from, &to), -1);
}

static void hex(void **state)
{
	(void)state;
	const char digits[] = "0123456789abcdefABCDEF";
	for (int i = 0; digits[i]; i++)
		assert_int_equal(hex_digit(digits[i]), i < 16 ? i : i - 6);
	for (int c = 0; c < 256; c++)
		if (!strchr(digits, c) || c == 0)
			assert_int_equal(hex_digit(c), -1);
	assert_int_equal(hex_byte("ff"), 255);
	assert_int_equal(hex_byte("0A"), 10);
	assert_int_equal(hex_byte("7f!"), 127);
	assert_int_equal(hex_byte("g0"), -1);
	assert_int_equal(hex_byte("0g"), -1);
	assert_int_equal(hex_byte("f"), -1);   /* stops at the NUL */
	assert_int_equal(hex_byte(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_numbers),
		cmocka_unit_test(ids),
		cmocka_unit_test(one_wording),
		cmocka_unit_test(date_ranges),
		cmocka_unit_test(hex),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
