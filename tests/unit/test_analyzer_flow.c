/*
 * test_analyzer_flow: the plan -> actual flow of one day (analyzer/flow.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analyzer/flow.h"

static double edge(const struct flow_edge *e, int n, int from, int to)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].from == from && e[i].to == to)
			return e[i].minutes;
	return 0;
}

/* Work fell 120 minutes short; Leisure ran 90 over, Untracked 30: Work's
 * shortfall splits 3:1 between them, and what was kept stays on the diagonal. */
static void test_shortfall_split_by_excess(void **state)
{
	/*                 Work Sleep Leisure Untracked */
	double plan[4] = { 480, 420, 60, 0 };
	double actual[4] = { 360, 420, 150, 30 };
	struct flow_edge e[20];
	double out_of_work = 0;
	int n, i;

	(void)state;
	n = flow_day(plan, actual, 4, e, 20);
	assert_true(n > 0 && n <= 20);
	assert_true(fabs(edge(e, n, 0, 2) - 90) < 1e-9);
	assert_true(fabs(edge(e, n, 0, 3) - 30) < 1e-9);
	assert_true(fabs(edge(e, n, 0, 0) - 360) < 1e-9);
	assert_true(fabs(edge(e, n, 1, 1) - 420) < 1e-9);
	assert_true(fabs(edge(e, n, 2, 2) - 60) < 1e-9);
	assert_true(edge(e, n, 1, 2) == 0);     /* Sleep kept to plan: nothing moved */
	for (i = 0; i < n; i++)
		if (e[i].from == 0)
			out_of_work += e[i].minutes;
	assert_true(fabs(out_of_work - plan[0]) < 1e-9);
}

/* Two short categories share the excess in proportion. */
static void test_flows_proportional(void **state)
{
	double plan[3] = { 100, 50, 0 };
	double actual[3] = { 40, 20, 90 };
	struct flow_edge e[12];
	int n;

	(void)state;
	n = flow_day(plan, actual, 3, e, 12);
	assert_true(fabs(edge(e, n, 0, 2) - 60) < 1e-9);
	assert_true(fabs(edge(e, n, 1, 2) - 30) < 1e-9);
}

static void test_no_plan_no_flow_and_bad_input(void **state)
{
	double zero[2] = { 0, 0 }, actual[2] = { 10, 20 }, bad[2] = { NAN, 1 };
	struct flow_edge e[6];

	(void)state;
	assert_int_equal(flow_day(zero, actual, 2, e, 6), 0);
	assert_int_equal(flow_day(bad, actual, 2, e, 6), -1);
	/* too small an array: the count says how big it must be */
	assert_int_equal(flow_day(actual, actual, 2, e, 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shortfall_split_by_excess),
		cmocka_unit_test(test_flows_proportional),
		cmocka_unit_test(test_no_plan_no_flow_and_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
