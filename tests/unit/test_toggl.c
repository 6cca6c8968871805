/*
 * test_toggl: the connector's argument parsing that needs no server (the
 * sync itself is tested end to end by tests/integration/t1*.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "connectors/toggl.h"
#include "lib/timeutil.h"

static void test_parse_range(void **state)
{
	(void)state;
	int32_t from, to;
	assert_int_equal(toggl_parse_range("2024-01-01..2025-12-31", &from, &to), 0);
	assert_int_equal(from, time_days_from_civil(2024, 1, 1));
	assert_int_equal(to, time_days_from_civil(2025, 12, 31));
	assert_int_equal(toggl_parse_range("2024-03-05..2024-03-05", &from, &to), 0);
	assert_int_equal(from, to);
}

static void test_parse_range_rejects(void **state)
{
	(void)state;
	int32_t from, to;
	assert_int_equal(toggl_parse_range("2025-01-01..2024-01-01", &from, &to), -1);
	assert_int_equal(toggl_parse_range("2024-01-01", &from, &to), -1);
	assert_int_equal(toggl_parse_range("2024-01-01..", &from, &to), -1);
	assert_int_equal(toggl_parse_range("2024-13-01..2024-12-01", &from, &to), -1);
	assert_int_equal(toggl_parse_range("2024-01-01...2024-02-01", &from, &to), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_range_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
