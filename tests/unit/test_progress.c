/*
 * test_progress: the backfill progress line (lib/progress) at fixed
 * moments: the asked range, pages and entries, the day reached and its
 * share of the range, the rate, the time left scaled from the days this run
 * covered (a resumed run measures from where it resumed), and the clamps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/progress.h"
#include "lib/timeutil.h"

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(time_parse_date(s, &d), 0);
	return d;
}

#define T0 ((int64_t)1700000000 * USEC_PER_SEC)

static void test_fresh_run(void **state)
{
	struct range_progress p;
	char line[256];

	(void)state;
	range_progress_init(&p, "toggl: backfill", day("2024-01-01"), day("2024-04-09"),
			    day("2024-01-01"), T0);
	range_progress_format(&p, T0, line, sizeof(line));
	assert_string_equal(line, "toggl: backfill 2024-01-01..2024-04-09: page 0, 0 entries, "
			    "at the start (0%), time left not known yet");
	/* 100 days; after 10 s the first 25 are done with 500 entries. */
	range_progress_page(&p, 200, day("2024-01-10"));
	range_progress_page(&p, 300, day("2024-01-25"));
	range_progress_format(&p, T0 + 10 * USEC_PER_SEC, line, sizeof(line));
	assert_string_equal(line, "toggl: backfill 2024-01-01..2024-04-09: page 2, 500 entries, "
			    "at 2024-01-25 (25%), 50 entries/s, about 30s left");
	/* Later pages: the day never moves back, the end is clamped. */
	range_progress_page(&p, 100, day("2024-01-20"));
	assert_int_equal(p.reached, day("2024-01-25"));
	range_progress_page(&p, 100, day("2024-12-31"));
	range_progress_format(&p, T0 + 40 * USEC_PER_SEC, line, sizeof(line));
	assert_string_equal(line, "toggl: backfill 2024-01-01..2024-04-09: page 4, 700 entries, "
			    "at 2024-04-09 (100%), 18 entries/s, done");
}

static void test_resumed_run(void **state)
{
	struct range_progress p;
	char line[256];

	(void)state;
	/* Resumed at day 51 of 100: 10 days in 60 s leave 40 days, 4 min. */
	range_progress_init(&p, "toggl: backfill", day("2024-01-01"), day("2024-04-09"),
			    day("2024-02-20"), T0);
	range_progress_format(&p, T0, line, sizeof(line));
	assert_string_equal(line, "toggl: backfill 2024-01-01..2024-04-09: page 0, 0 entries, "
			    "at 2024-02-19 (50%), time left not known yet");
	range_progress_page(&p, 600, day("2024-02-29"));
	range_progress_format(&p, T0 + 60 * USEC_PER_SEC, line, sizeof(line));
	assert_string_equal(line, "toggl: backfill 2024-01-01..2024-04-09: page 1, 600 entries, "
			    "at 2024-02-29 (60%), 10 entries/s, about 4m00s left");
}

static void test_long_and_tiny(void **state)
{
	struct range_progress p;
	char line[256], d[32];

	(void)state;
	/* Three years, one day done in 100 s: hours left. */
	range_progress_init(&p, "x", day("2024-01-01"), day("2026-12-31"), day("2024-01-01"), T0);
	range_progress_page(&p, 5, day("2024-01-01"));
	range_progress_format(&p, T0 + 100 * USEC_PER_SEC, line, sizeof(line));
	assert_non_null(strstr(line, "at 2024-01-01 (0%), 0 entries/s, about 30h25m left"));
	/* A small buffer is cut, never overrun. */
	range_progress_format(&p, T0 + 100 * USEC_PER_SEC, line, 20);
	assert_int_equal(strlen(line), 19);
	progress_duration(59, d, sizeof(d));
	assert_string_equal(d, "59s");
	progress_duration(3599, d, sizeof(d));
	assert_string_equal(d, "59m59s");
	progress_duration(7500, d, sizeof(d));
	assert_string_equal(d, "2h05m");
	progress_duration(-5, d, sizeof(d));
	assert_string_equal(d, "0s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_run),
		cmocka_unit_test(test_resumed_run),
		cmocka_unit_test(test_long_and_tiny),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
