/*
 * RFC 3339 parsing in every form the APIs use, and local-day arithmetic
 * across midnight and DST in Asia/Tokyo and America/New_York.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/timeutil.h"

static int64_t at(const char *s)
{
	int64_t u = 0;
	assert_int_equal(time_parse_rfc3339(s, &u, NULL), 0);
	return u;
}

static void toggl_three_forms(void **state)
{
	(void)state;
	int off = 99;
	int64_t u;
	/* 2024-12-16T17:05:25Z = 1734368725 */
	assert_int_equal(time_parse_rfc3339("2024-12-16T17:05:25+00:00", &u, &off), 0);
	assert_true(u == INT64_C(1734368725) * USEC_PER_SEC);
	assert_int_equal(off, 0);
	assert_true(at("2024-12-16T01:55:24Z") == INT64_C(1734314124) * USEC_PER_SEC);
	assert_true(at("2024-12-16T18:07:05.694469Z") ==
		    INT64_C(1734372425) * USEC_PER_SEC + 694469);
	/* fractions of other lengths */
	assert_true(at("2024-12-16T18:07:05.5Z") == INT64_C(1734372425) * USEC_PER_SEC + 500000);
	assert_true(at("2024-12-16T18:07:05.123456789Z") ==
		    INT64_C(1734372425) * USEC_PER_SEC + 123456);
}

static void offsets(void **state)
{
	(void)state;
	int off;
	int64_t u;
	assert_int_equal(time_parse_rfc3339("2024-12-17T02:05:25+09:00", &u, &off), 0);
	assert_int_equal(off, 540);
	assert_true(u == at("2024-12-16T17:05:25Z"));
	assert_int_equal(time_parse_rfc3339("2024-12-16T12:05:25-05:00", &u, &off), 0);
	assert_int_equal(off, -300);
	assert_true(u == at("2024-12-16T17:05:25Z"));
	assert_true(at("2024-12-16T22:35:25+0530") == at("2024-12-16T17:05:25Z"));
	assert_true(at("2024-12-16t17:05:25z") == at("2024-12-16T17:05:25Z"));
	/* before the epoch */
	assert_true(at("1969-12-31T23:59:59Z") == -USEC_PER_SEC);
}

static void rejects(void **state)
{
	(void)state;
	const char *bad[] = {
		"", "2024-12-16", "2024-12-16T17:05:25", "2024-13-16T17:05:25Z",
		"2024-02-30T00:00:00Z", "2024-12-16T24:00:00Z", "2024-12-16T17:05:25+9:00",
		"2024-12-16T17:05:25Zjunk", "2024-12-16T17:05:25.Z", "yesterday",
		"2024-12-16T17:05:25+25:00",
	};
	int64_t u;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse_rfc3339(bad[i], &u, NULL), -1);
	int32_t d;
	assert_int_equal(time_parse_date("2024-02-29", &d), 0);
	assert_int_equal(time_parse_date("2023-02-29", &d), -1);
	assert_int_equal(time_parse_date("2024-1-01", &d), -1);
	assert_int_equal(time_parse_date("2024-01-01x", &d), -1);
}

static void calendar(void **state)
{
	(void)state;
	int y, m, d;
	assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
	time_civil_from_days(time_days_from_civil(2026, 11, 27), &y, &m, &d);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(d, 27);
	/* 2026-11-27 is a Friday (4 when Monday is 0) */
	assert_int_equal(time_weekday(time_days_from_civil(2026, 11, 27)), 4);
	char buf[32];
	time_format_rfc3339(at("2024-12-16T18:07:05.694469Z"), buf, sizeof(buf));
	assert_string_equal(buf, "2024-12-16T18:07:05Z");
	time_format_date(time_days_from_civil(2024, 2, 29), buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29");
}

static void tokyo_midnight(void **state)
{
	(void)state;
	struct day_piece p[4];
	int32_t day;
	/* 23:30 to 01:00 Tokyo time on 2026-11-26/27 = 14:30Z to 16:00Z */
	int n = tz_split("Asia/Tokyo", at("2026-11-26T14:30:00Z"), at("2026-11-26T16:00:00Z"), p, 4);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].day, time_days_from_civil(2026, 11, 26));
	assert_true(p[0].stop == at("2026-11-26T15:00:00Z"));
	assert_int_equal(p[1].day, time_days_from_civil(2026, 11, 27));
	assert_true(p[1].start == at("2026-11-26T15:00:00Z"));
	assert_true(p[1].stop - p[1].start == 60 * 60 * USEC_PER_SEC);
	assert_int_equal(tz_local_day("Asia/Tokyo", at("2026-11-26T15:00:00Z"), &day), 0);
	assert_int_equal(day, time_days_from_civil(2026, 11, 27));
	assert_int_equal(tz_local_day("UTC", at("2026-11-26T15:00:00Z"), &day), 0);
	assert_int_equal(day, time_days_from_civil(2026, 11, 26));
}

static void new_york_dst(void **state)
{
	(void)state;
	int64_t a, b;
	/* 2026-03-08: clocks go forward, the local day has 23 hours */
	int32_t spring = time_days_from_civil(2026, 3, 8);
	assert_int_equal(tz_day_start("America/New_York", spring, &a), 0);
	assert_int_equal(tz_day_start("America/New_York", spring + 1, &b), 0);
	assert_true(a == at("2026-03-08T05:00:00Z"));
	assert_true(b - a == 23 * 3600 * USEC_PER_SEC);
	/* 2026-11-01: clocks go back, 25 hours */
	int32_t fall = time_days_from_civil(2026, 11, 1);
	assert_int_equal(tz_day_start("America/New_York", fall, &a), 0);
	assert_int_equal(tz_day_start("America/New_York", fall + 1, &b), 0);
	assert_true(b - a == 25 * 3600 * USEC_PER_SEC);
	/* a whole DST day split into one piece of 25 h, plus neighbours */
	struct day_piece p[4];
	int n = tz_split("America/New_York", a - 3600 * USEC_PER_SEC, b + 3600 * USEC_PER_SEC, p, 4);
	assert_int_equal(n, 3);
	assert_int_equal(p[1].day, fall);
	assert_true(p[1].stop - p[1].start == 25 * 3600 * USEC_PER_SEC);
	assert_true(p[0].stop - p[0].start == 3600 * USEC_PER_SEC);
	assert_true(p[2].stop - p[2].start == 3600 * USEC_PER_SEC);
}

static void split_edges(void **state)
{
	(void)state;
	struct day_piece p[2];
	int64_t s = at("2026-01-01T00:00:00Z");
	assert_int_equal(tz_split("UTC", s, s, p, 2), 0);
	assert_int_equal(tz_split("UTC", s, s - 1, p, 2), -1);
	/* more pieces than room: the count tells the caller */
	assert_int_equal(tz_split("UTC", s, s + 3 * 86400 * USEC_PER_SEC, p, 2), 3);
	assert_int_equal(tz_valid("Asia/Tokyo"), 0);
	assert_int_equal(tz_valid("Mars/Olympus"), -1);
	assert_int_equal(tz_valid("../etc/passwd"), -1);
	assert_int_equal(tz_split("Mars/Olympus", s, s + 1, p, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(toggl_three_forms),
		cmocka_unit_test(offsets),
		cmocka_unit_test(rejects),
		cmocka_unit_test(calendar),
		cmocka_unit_test(tokyo_midnight),
		cmocka_unit_test(new_york_dst),
		cmocka_unit_test(split_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
