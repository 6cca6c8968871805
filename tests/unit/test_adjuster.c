/*
 * Unit tests of the adjuster's math with hand-computed values: normal-model
 * probabilities and their inverses, proposals (band, target, step limit,
 * rounding), water-filling of the day budget, breakdowns and periods.
 * Reference values: Phi(0.5) = 0.691462, Phi(2/3) = 0.747507,
 * Phi(0.8) = 0.788145, Phi(1.5) = 0.933193, Phi(2) = 0.977250,
 * Phi^-1(0.7) = 0.524401, Phi^-1(0.9) = 1.281552.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "adjuster/breakdown.h"
#include "adjuster/budget.h"
#include "adjuster/normal.h"
#include "adjuster/period.h"
#include "adjuster/proposal.h"
#include "lib/timeutil.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static void test_prob_known_values(void **state)
{
	char err[200];
	double p;

	(void)state;
	normal_init();
	/* mean 400, sd 30, goal 420: z = 2/3. */
	assert_int_equal(normal_prob_meet(DIR_MORE, 400, 30, 420, &p, err, sizeof(err)), 0);
	near(p, 1 - 0.747507, 1e-5);
	assert_int_equal(normal_prob_meet(DIR_LESS, 400, 30, 420, &p, err, sizeof(err)), 0);
	near(p, 0.747507, 1e-5);
	/* At the mean it is a coin toss either way. */
	assert_int_equal(normal_prob_meet(DIR_MORE, 100, 10, 100, &p, err, sizeof(err)), 0);
	near(p, 0.5, 1e-12);
	/* less: 120 against N(180, 40): z = -1.5. */
	assert_int_equal(normal_prob_meet(DIR_LESS, 180, 40, 120, &p, err, sizeof(err)), 0);
	near(p, 1 - 0.933193, 1e-5);
	/* A point mass (sd 0) is certain one way or the other. */
	assert_int_equal(normal_prob_meet(DIR_MORE, 50, 0, 50, &p, err, sizeof(err)), 0);
	near(p, 1, 0);
	assert_int_equal(normal_prob_meet(DIR_MORE, 49, 0, 50, &p, err, sizeof(err)), 0);
	near(p, 0, 0);
	/* Neutral goals and negative spreads have no probability. */
	assert_int_equal(normal_prob_meet(DIR_NEUTRAL, 1, 1, 1, &p, err, sizeof(err)), -1);
	assert_int_equal(normal_prob_meet(DIR_MORE, 1, -1, 1, &p, err, sizeof(err)), -1);
	assert_int_equal(normal_prob_meet(DIR_MORE, NAN, 1, 1, &p, err, sizeof(err)), -1);
}

static void test_prob_inverse_and_interval(void **state)
{
	char err[200];
	double g, p;

	(void)state;
	near(normal_z80(), 1.281552, 1e-6);
	/* An 80% interval of 100 +- 1.281552 * 25 has sd 25. */
	near(normal_sd_from_interval80(100 - 1.2815516 * 25, 100 + 1.2815516 * 25), 25, 1e-5);
	near(normal_sd_from_interval80(10, 10), 0, 0);
	near(normal_sd_from_interval80(10, 5), 0, 0);
	/* more: P(X >= g) = 0.7 -> g = 400 - 30 * 0.524401. */
	assert_int_equal(normal_goal_for_prob(DIR_MORE, 400, 30, 0.7, &g, err, sizeof(err)), 0);
	near(g, 400 - 30 * 0.524401, 1e-4);
	assert_int_equal(normal_prob_meet(DIR_MORE, 400, 30, g, &p, err, sizeof(err)), 0);
	near(p, 0.7, 1e-9);
	assert_int_equal(normal_goal_for_prob(DIR_LESS, 400, 30, 0.7, &g, err, sizeof(err)), 0);
	near(g, 400 + 30 * 0.524401, 1e-4);
	assert_int_equal(normal_goal_for_prob(DIR_MORE, 400, 0, 0.7, &g, err, sizeof(err)), 0);
	near(g, 400, 0);
	assert_int_equal(normal_goal_for_prob(DIR_MORE, 400, 30, 1.0, &g, err, sizeof(err)), -1);
	assert_int_equal(normal_goal_for_prob(DIR_NEUTRAL, 400, 30, 0.5, &g, err, sizeof(err)), -1);
}

static void test_proposal_rounding(void **state)
{
	struct proposal_options o = PROPOSAL_OPTIONS_INIT;
	struct proposal_calc c;
	char err[200];

	(void)state;
	/* more 100 against N(92, 10): p = 1 - Phi(0.8) = 0.2119, too hard.
	 * Target 92 - 5.244 = 86.756, inside the 15-minute step; rounds to 85;
	 * p after = Phi(0.7) = 0.758036. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 100, 92, 10, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_TOO_HARD);
	near(c.p_before, 1 - 0.788145, 1e-5);
	near(c.target_value, 86.75599, 1e-4);
	assert_int_equal(c.proposed, 85);
	assert_false(c.step_limited);
	assert_true(c.changed);
	near(c.p_after, 0.758036, 1e-5);

	assert_int_equal((int)proposal_round_within(86.76, 5, 85, 115), 85);
	assert_int_equal((int)proposal_round_within(87.5, 5, 85, 115), 90);
	/* The nearest multiple (70) is outside [51, 69]: one unit inward. */
	assert_int_equal((int)proposal_round_within(69, 5, 51, 69), 65);
	assert_int_equal((int)proposal_round_within(51, 5, 51, 69), 55);
	/* No multiple of 5 inside: the nearer bound, unrounded. */
	near(proposal_round_within(21.5, 5, 21, 24), 21, 0);
}

static void test_proposal_step_limit(void **state)
{
	struct proposal_options o = PROPOSAL_OPTIONS_INIT;
	struct proposal_calc c;
	char err[200];

	o.step = 0.15;   /* the limit under test (the default is 0.5) */

	(void)state;
	/* more 420 against N(300, 30): p = Q(4) ~ 3.2e-5.  Target 284.27 lies
	 * past the 15% step (63 min): clamp to 357, round to 360 (355 would
	 * exceed the step).  p after = Q(2) = 0.022750. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 420, 300, 30, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_TOO_HARD);
	near(c.p_before, 3.167e-5, 1e-7);
	near(c.target_value, 284.268, 1e-3);
	assert_true(c.step_limited);
	assert_int_equal(c.proposed, 360);
	near(c.p_after, 1 - 0.977250, 1e-5);

	/* Too easy: more 60 against N(100, 20), p = Phi(2).  Target 89.5, step
	 * max(9, 5) = 9 -> 69 -> rounded inside the limit to 65. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 60, 100, 20, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_TOO_EASY);
	near(c.p_before, 0.977250, 1e-5);
	assert_true(c.step_limited);
	assert_int_equal(c.proposed, 65);

	/* less 120 against N(180, 40): p = 0.0668, too hard; the allowance goes
	 * up towards 200.98 but only by 18 -> 138 -> 135. */
	assert_int_equal(proposal_compute(&o, DIR_LESS, 120, 180, 40, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_TOO_HARD);
	near(c.target_value, 180 + 40 * 0.524401, 1e-3);
	assert_int_equal(c.proposed, 135);

	/* A goal of 0 can still move: the step is at least one rounding unit. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 0, 100, 20, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_TOO_EASY);
	assert_int_equal(c.proposed, 5);

	/* Inside the band (p = Phi(-0.5)... = 0.691): nothing proposed. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 385, 400, 30, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_NONE);
	near(c.p_before, 0.691462, 1e-5);
	assert_int_equal(c.proposed, 385);
	assert_false(c.changed);

	/* Neutral goals never get one. */
	assert_int_equal(proposal_compute(&o, DIR_NEUTRAL, 60, 100, 20, 1440, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, PROPOSAL_NONE);
	assert_true(isnan(c.p_before));

	/* The cap (minutes the period holds) wins over the target. */
	assert_int_equal(proposal_compute(&o, DIR_MORE, 1430, 1500, 5, 1440, &c, err, sizeof(err)), 0);
	assert_true(c.proposed <= 1440);
}

static void test_proposal_options(void **state)
{
	struct proposal_options o = PROPOSAL_OPTIONS_INIT;
	char err[200];

	(void)state;
	assert_int_equal(proposal_options_check(&o, err, sizeof(err)), 0);
	o.target = 0.95;
	assert_int_equal(proposal_options_check(&o, err, sizeof(err)), -1);
	o.target = 0.7;
	o.round_to = 0;
	assert_int_equal(proposal_options_check(&o, err, sizeof(err)), -1);
}

static void test_waterfill(void **state)
{
	double inc[3] = { 30, 10, 50 }, w[3] = { 1, 1, 1 }, cut[3], lam;

	(void)state;
	/* Excess 45: a level of 15 would cut more than 10 from the second, so it
	 * is cut fully; the other two share 35 -> 17.5 each. */
	assert_int_equal(budget_waterfill(3, inc, w, 45, cut, &lam), 0);
	near(cut[0], 17.5, 1e-12);
	near(cut[1], 10, 1e-12);
	near(cut[2], 17.5, 1e-12);
	near(lam, 17.5, 1e-12);
	near(cut[0] + cut[1] + cut[2], 45, 1e-12);

	/* Weights 1:3 share a cut of 40 as 10:30. */
	{
		double i2[2] = { 40, 40 }, w2[2] = { 1, 3 }, c2[2];

		assert_int_equal(budget_waterfill(2, i2, w2, 40, c2, NULL), 0);
		near(c2[0], 10, 1e-12);
		near(c2[1], 30, 1e-12);
	}
	/* Not enough to cut: everything goes and the caller is told. */
	{
		double i3[2] = { 10, 10 }, w3[2] = { 1, 1 }, c3[2];

		assert_int_equal(budget_waterfill(2, i3, w3, 30, c3, NULL), 1);
		near(c3[0], 10, 0);
		near(c3[1], 10, 0);
	}
	/* No excess: no cut; zero increases are never cut. */
	assert_int_equal(budget_waterfill(3, inc, w, 0, cut, NULL), 0);
	near(cut[0] + cut[1] + cut[2], 0, 0);
	assert_int_equal(budget_waterfill(3, inc, w, -1, cut, NULL), -1);
}

static void test_breakdown(void **state)
{
	int days[2] = { 5, 2 };
	double w[2] = { 30, 60 }, per[2];

	(void)state;
	/* 300 minutes over 5 weekdays (weight 30) and 2 holidays (weight 60):
	 * denominator 5*30 + 2*60 = 270. */
	assert_int_equal(breakdown_allocate(300, days, w, per), 0);
	near(per[0], 300.0 * 30 / 270, 1e-9);
	near(per[1], 300.0 * 60 / 270, 1e-9);
	near(5 * per[0] + 2 * per[1], 300, 1e-9);
	/* No history: every day counts the same. */
	w[0] = w[1] = 0;
	assert_int_equal(breakdown_allocate(350, days, w, per), 0);
	near(per[0], 50, 1e-12);
	near(per[1], 50, 1e-12);
	days[0] = days[1] = 0;
	assert_int_equal(breakdown_allocate(350, days, w, per), -1);
}

static void test_periods(void **state)
{
	int32_t fri = time_days_from_civil(2026, 11, 27);
	enum goal_period p;
	enum day_type t;

	(void)state;
	assert_int_equal(period_start(PERIOD_WEEK, fri), time_days_from_civil(2026, 11, 23));
	assert_int_equal(period_start(PERIOD_MONTH, fri), time_days_from_civil(2026, 11, 1));
	assert_int_equal(period_end(PERIOD_MONTH, time_days_from_civil(2026, 12, 1)),
			 time_days_from_civil(2027, 1, 1));
	assert_int_equal(period_next_start(PERIOD_MONTH, time_days_from_civil(2026, 11, 30)),
			 time_days_from_civil(2026, 12, 1));
	assert_int_equal(period_next_start(PERIOD_WEEK, time_days_from_civil(2026, 11, 29)),
			 time_days_from_civil(2026, 11, 30));
	assert_int_equal(period_next_start(PERIOD_DAY, fri), fri + 1);
	assert_int_equal(goal_period_parse("week", &p), 0);
	assert_int_equal(p, PERIOD_WEEK);
	assert_int_equal(goal_period_parse("year", &p), -1);
	assert_int_equal(day_type_parse("any", &t), 0);
	assert_true(day_type_matches(DAYTYPE_ANY, DAYTYPE_HOLIDAY));
	assert_false(day_type_matches(DAYTYPE_WEEKDAY, DAYTYPE_HOLIDAY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prob_known_values),
		cmocka_unit_test(test_prob_inverse_and_interval),
		cmocka_unit_test(test_proposal_rounding),
		cmocka_unit_test(test_proposal_step_limit),
		cmocka_unit_test(test_proposal_options),
		cmocka_unit_test(test_waterfill),
		cmocka_unit_test(test_breakdown),
		cmocka_unit_test(test_periods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
