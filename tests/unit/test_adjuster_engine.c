/*
 * Unit tests of the adjuster's engine (adjuster/adjust.c) on a hand-built
 * person: as of Friday 2026-11-20, weekends are holidays, actuals are the
 * same every day of a type and the estimates repeat them with known spreads,
 * so every expected value below is computed by hand from Phi:
 * Phi(2/3) = 0.747507, Phi(0.5) = 0.691462, Phi(1/sqrt 2) = 0.760250,
 * Phi^-1(0.7) = 0.524401.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "adjuster/adjust.h"
#include "adjuster/budget.h"
#include "lib/timeutil.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

struct series { const char *name; double weekday, holiday, sd; };

/* Fills in with days around as_of: actuals for the 60 days up to as_of,
 * estimates (mean = the actual of the type, given sd) after it. */
static void build(struct adjust_input *in, const struct adjust_options *o,
		  const struct series *s, size_t n)
{
	int32_t as_of = time_days_from_civil(2026, 11, 20), first;
	int ndays, i;
	size_t c;

	adjust_input_init(in);
	adjust_input_range(as_of, o, &first, &ndays);
	adjust_input_set_range(in, as_of, first, ndays);
	for (i = 0; i < ndays; i++) {
		in->day_type[i] = time_weekday(first + i) >= 5 ? DAYTYPE_HOLIDAY : DAYTYPE_WEEKDAY;
		in->in_data[i] = first + i <= as_of && first + i > as_of - 60;
	}
	for (c = 0; c < n; c++) {
		size_t k = adjust_input_add_category(in, s[c].name);

		for (i = 0; i < ndays; i++) {
			double v = in->day_type[i] == DAYTYPE_HOLIDAY ? s[c].holiday : s[c].weekday;

			if (in->in_data[i])
				in->cats[k].actual[i] = v;
			else if (first + i > as_of) {
				in->cats[k].est_mean[i] = v;
				in->cats[k].est_sd[i] = s[c].sd;
			}
		}
	}
}

static void goal(struct adjust_input *in, int64_t id, const char *cat, enum day_type t,
		 enum goal_period p, int minutes, enum goal_direction d)
{
	struct adjust_goal g;

	memset(&g, 0, sizeof(g));
	g.goal_id = id;
	g.category = (size_t)adjust_input_find_category(in, cat);
	g.day_type = t;
	g.period = p;
	g.minutes = minutes;
	g.direction = d;
	g.open = 1;
	adjust_input_add_goal(in, &g);
}

static const struct series person[] = {
	{ "Sleep", 400, 480, 30 },
	{ "Work", 600, 0, 20 },
	{ "Other", 420, 930, 10 },
	{ "Exercise", 20, 30, 10 },
	{ "Untracked", 0, 0, 0 },
};

static void test_day_goal_too_hard(void **state)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	const struct goal_result *g;
	char err[300];

	(void)state;
	build(&in, &o, person, 5);
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 420, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	g = &r.goals[0];
	/* as_of + 1 is a Saturday: a weekday goal's period is Monday 23rd. */
	assert_int_equal(g->start, time_days_from_civil(2026, 11, 23));
	near(g->mean, 400, 1e-9);
	near(g->sd, 30, 1e-9);
	near(g->prob, 1 - 0.747507, 1e-5);
	assert_int_equal(g->status, STATUS_OFF_TRACK);
	assert_int_equal(g->periods, 8);
	assert_int_equal(g->hits, 0);
	/* Too hard: 400 - 30 * 0.524401 = 384.27 -> 385, p after Phi(0.5). */
	assert_int_equal(g->calc.kind, PROPOSAL_TOO_HARD);
	assert_int_equal(g->proposed, 385);
	near(g->p_after, 0.691462, 1e-5);
	assert_true(g->propose);
	assert_int_equal(r.nproposals, 1);
	assert_non_null(strstr(g->reason, "Too hard: met in 0 of the last 8 days"));
	/* Weekday budget: the goal 420 plus the measured unmanaged minimum,
	 * 600 (Work) + 420 (Other) + 20 (Exercise) every weekday; Untracked
	 * does not count.  Holidays have no `more` goal: all unmanaged. */
	near(r.budget[DAYTYPE_WEEKDAY].unmanaged, 1040, 1e-9);
	assert_int_equal(r.budget[DAYTYPE_WEEKDAY].unmanaged_days, 40);
	near(r.budget[DAYTYPE_WEEKDAY].current, 1460, 1e-9);
	assert_true(r.budget[DAYTYPE_WEEKDAY].over);
	near(r.budget[DAYTYPE_WEEKDAY].fitted, 1425, 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].more_fitted, 385, 1e-9);
	near(r.budget[DAYTYPE_HOLIDAY].current, 480 + 0 + 930 + 30, 1e-9);
	near(r.budget[DAYTYPE_HOLIDAY].more_current, 0, 0);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

static void test_budget_violation_fitted(void **state)
{
	static const struct series crowded[] = {
		{ "Sleep", 400, 480, 30 },
		{ "Work", 600, 0, 20 },
		{ "Other", 600, 900, 10 },
	};
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];

	(void)state;
	o.prop.step = 0.15;   /* the step under test (the default is 0.5) */
	build(&in, &o, crowded, 3);
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 300, DIR_MORE);
	goal(&in, 2, "Work", DAYTYPE_WEEKDAY, PERIOD_DAY, 500, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* Both too easy; step-limited proposals 345 and 575 make the weekday
	 * 345 + 575 + 600 = 1520, 80 over.  Water-filling cuts 40 from each
	 * increase (45 and 75): 305 and 535, exactly 1440. */
	assert_int_equal(r.goals[0].calc.proposed, 345);
	assert_int_equal(r.goals[1].calc.proposed, 575);
	near(r.budget[DAYTYPE_WEEKDAY].current, 1400, 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].proposed, 1520, 1e-9);
	assert_int_equal(r.goals[0].proposed, 305);
	assert_int_equal(r.goals[1].proposed, 535);
	assert_int_equal(r.goals[0].budget_cut, 40);
	assert_int_equal(r.goals[1].budget_cut, 40);
	/* The fitted figure counts stored proposals only: none is stored
	 * (below), so it is the current 1400. */
	near(r.budget[DAYTYPE_WEEKDAY].fitted, 1400, 1e-9);
	assert_true(r.budget[DAYTYPE_WEEKDAY].fitted <= DAY_MINUTES);
	assert_true(r.budget[DAYTYPE_HOLIDAY].fitted <= DAY_MINUTES);
	/* The smallest total change: what was removed equals the excess. */
	assert_int_equal(r.goals[0].budget_cut + r.goals[1].budget_cut,
			 (int)(r.budget[DAYTYPE_WEEKDAY].proposed - DAY_MINUTES));
	assert_non_null(strstr(r.goals[0].reason, "day budget"));
	/* P(X >= 305) for N(400, 30) = 0.5 erfc((305 - 400) / (30 sqrt 2)). */
	near(r.goals[0].p_after, 0.5 * erfc((305 - 400) / (30.0 * sqrt(2))), 1e-9);
	/* Both fitted values leave the chance near 100 %, outside the band a
	 * proposal must reach, so neither is stored, and the reason says why. */
	assert_true(r.goals[0].p_after > 0.99 && r.goals[1].p_after > 0.99);
	assert_non_null(strstr(r.goals[0].reason, "Not stored: the day budget"));
	assert_non_null(strstr(r.goals[1].reason, "Not stored: the day budget"));
	assert_int_equal(r.goals[0].propose, 0);
	assert_int_equal(r.nproposals, 0);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

static void test_week_goal_breakdown_and_hits(void **state)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	const struct goal_result *g;
	char err[300];

	(void)state;
	build(&in, &o, person, 5);
	goal(&in, 7, "Exercise", DAYTYPE_ANY, PERIOD_WEEK, 150, DIR_MORE);
	goal(&in, 8, "Other", DAYTYPE_ANY, PERIOD_DAY, 500, DIR_NEUTRAL);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	g = &r.goals[0];
	/* Week Mon 16 .. Sun 22: 5 weekdays done (100), the weekend estimated
	 * at 30 +- 10 each: N(160, sqrt 200); P(X >= 150) = Phi(1/sqrt 2). */
	assert_int_equal(g->start, time_days_from_civil(2026, 11, 16));
	near(g->actual_so_far, 100, 1e-9);
	near(g->mean, 160, 1e-9);
	near(g->sd, sqrt(200), 1e-9);
	near(g->prob, 0.760250, 1e-5);
	assert_int_equal(g->status, STATUS_ON_TRACK);
	/* Every complete week with data had 160 >= 150; the 60 days of data
	 * (Tue 2026-09-22 .. Fri 11-20) hold 7 complete weeks before the 16th
	 * (Sep 28 .. Nov 9); the week of Sep 21 is where tracking started. */
	assert_int_equal(g->periods, 7);
	assert_int_equal(g->hits, 7);
	/* Remainder 50 over the 2 weekend days. */
	near(g->remainder_per_day[DAYTYPE_HOLIDAY], 25, 1e-9);
	near(g->remainder_per_day[DAYTYPE_WEEKDAY], 0, 0);
	/* Next week: 5 * 20 + 2 * 30 = 160 weight; 150 * 20/160 and 150 * 30/160. */
	near(g->per_day[DAYTYPE_WEEKDAY], 18.75, 1e-9);
	near(g->per_day[DAYTYPE_HOLIDAY], 28.125, 1e-9);
	/* Next week N(160, sqrt 700): p = 0.647 is inside the band. */
	near(g->next_sd, sqrt(700), 1e-9);
	assert_int_equal(g->calc.kind, PROPOSAL_NONE);
	assert_false(g->propose);
	/* Neutral: no probability, no proposal. */
	assert_int_equal(r.goals[1].status, STATUS_NEUTRAL);
	assert_true(isnan(r.goals[1].prob));
	assert_false(r.goals[1].propose);
	assert_int_equal(r.nproposals, 0);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

static void test_closed_goal_gets_no_proposal(void **state)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];

	(void)state;
	build(&in, &o, person, 5);
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 420, DIR_MORE);
	in.goals[0].open = 0;
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.goals[0].calc.kind, PROPOSAL_TOO_HARD);
	assert_false(r.goals[0].propose);
	assert_non_null(strstr(r.goals[0].reason, "newer version"));
	adjust_result_release(&r);
	/* Bad options are refused with the option named. */
	o.on_track = 0.2;
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "on-track"));
	adjust_input_release(&in);
}

static void test_week_goal_budget_over_already(void **state)
{
	static const struct series two[] = {
		{ "A", 600, 700, 10 },
		{ "B", 700, 1000, 10 },
	};
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];
	double cw = 600.0 / 4400, ch = 700.0 / 4400;

	(void)state;
	o.prop.step = 0.15;   /* the step under test (the default is 0.5) */
	build(&in, &o, two, 2);
	goal(&in, 1, "A", DAYTYPE_ANY, PERIOD_WEEK, 3000, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* Next week N(4400, sqrt 700): far too easy; one step up is 3450.
	 * The week splits by 5 * 600 : 2 * 700, so a goal minute is 600/4400
	 * minutes a weekday and 700/4400 a holiday. */
	assert_int_equal(r.goals[0].calc.kind, PROPOSAL_TOO_EASY);
	assert_int_equal(r.goals[0].calc.proposed, 3450);
	near(r.goals[0].per_day[DAYTYPE_WEEKDAY], 3000 * cw, 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].current, 3000 * cw + 700, 1e-9);
	near(r.budget[DAYTYPE_HOLIDAY].current, 3000 * ch + 1000, 1e-9);
	near(r.budget[DAYTYPE_HOLIDAY].proposed, 3450 * ch + 1000, 1e-9);
	/* Holidays are over 1440 already: the whole increase goes, nothing is
	 * stored, and the reason names the holiday budget.  (Lowering the goal
	 * to fit would leave its chance at 100 % either way, so that cannot be
	 * stored; the day stays flagged.) */
	assert_true(r.budget[DAYTYPE_HOLIDAY].over);
	assert_int_equal(r.goals[0].proposed, 3000);
	assert_int_equal(r.goals[0].budget_cut, 450);
	assert_false(r.goals[0].propose);
	near(r.budget[DAYTYPE_HOLIDAY].fitted, r.budget[DAYTYPE_HOLIDAY].current, 1e-9);
	assert_non_null(strstr(r.goals[0].reason, "holiday goals fit in the 1440-minute day budget"));
	adjust_result_release(&r);
	adjust_input_release(&in);
}

static void test_current_goals_over_the_day_lowered(void **state)
{
	static const struct series full[] = {
		{ "Sleep", 400, 480, 30 },
		{ "Work", 480, 0, 20 },
		{ "Other", 540, 900, 10 },
	};
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];

	(void)state;
	o.prop.band_low = 0.15;   /* both goals are inside the band as they are */
	build(&in, &o, full, 3);
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 420, DIR_MORE);
	goal(&in, 2, "Work", DAYTYPE_WEEKDAY, PERIOD_DAY, 500, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* 420 + 500 + 540 = 1460 a weekday, 20 over, with both goals above
	 * what the person spends (400, 480): each comes down by 10, to 1440. */
	assert_int_equal(r.goals[0].calc.proposed, 420);
	assert_int_equal(r.goals[1].calc.proposed, 500);
	assert_true(r.budget[DAYTYPE_WEEKDAY].over);
	near(r.budget[DAYTYPE_WEEKDAY].current, 1460, 1e-9);
	assert_int_equal(r.goals[0].proposed, 410);
	assert_int_equal(r.goals[1].proposed, 490);
	assert_int_equal(r.goals[0].budget_lowered, 10);
	near(r.budget[DAYTYPE_WEEKDAY].fitted, 1440, 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].more_fitted, 900, 1e-9);
	assert_true(r.budget[DAYTYPE_WEEKDAY].more_fitted <=
		    DAY_MINUTES - r.budget[DAYTYPE_WEEKDAY].unmanaged + 1e-9);
	/* Stored, with a reason a person understands. */
	assert_int_equal(r.goals[0].propose, 1);
	assert_int_equal(r.goals[1].propose, 1);
	assert_int_equal(r.nproposals, 2);
	assert_non_null(strstr(r.goals[0].reason, "Does not fit the day"));
	assert_non_null(strstr(r.goals[0].reason, "10 min less here makes the goals fit"));
	near(r.goals[0].p_after, 0.5 * erfc((410 - 400) / (30.0 * sqrt(2))), 1e-9);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

static void test_no_data_no_proposal(void **state)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];

	(void)state;
	build(&in, &o, person, 5);
	adjust_input_add_category(&in, "Reading");
	goal(&in, 3, "Reading", DAYTYPE_ANY, PERIOD_DAY, 30, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* Nothing known: the model is a point at 0, so P = 0, but that is no
	 * reason to lower the goal. */
	near(r.goals[0].prob, 0, 0);
	assert_true(r.goals[0].no_data);
	assert_int_equal(r.goals[0].calc.kind, PROPOSAL_NONE);
	assert_false(r.goals[0].propose);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

/* The budget keeps free the measured unmanaged minimum: the ceil(0.1 n)-th
 * smallest daily total of the categories without a `more` goal over the
 * days of the type in the last 56 days, not their expected minutes. */
static void test_unmanaged_minimum_is_a_low_quantile(void **state)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	int32_t as_of = time_days_from_civil(2026, 11, 20);
	long other;
	int i, low = 0;
	char err[300];

	(void)state;
	build(&in, &o, person, 5);
	other = adjust_input_find_category(&in, "Other");
	/* Weekdays in the window: Other 120 on three of them, 220 on one,
	 * 420 on the other 36; and 0 on the Friday just outside it. */
	for (i = in.ndays - 1; i >= 0; i--) {
		int32_t d = in.first_day + i;

		if (d > as_of || in.day_type[i] != DAYTYPE_WEEKDAY)
			continue;
		if (d == as_of - 56)
			in.cats[other].actual[i] = 0;
		else if (d > as_of - 56 && low < 4)
			in.cats[other].actual[i] = low++ < 3 ? 120 : 220;
	}
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 420, DIR_MORE);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* 40 weekdays: totals 740 (x3), 840, 1040 (x36); ceil(4) = the 4th
	 * smallest is 840.  With the expected minutes (mean of Other ~ 397)
	 * the weekday would look over. */
	assert_int_equal(r.budget[DAYTYPE_WEEKDAY].unmanaged_days, 40);
	near(r.budget[DAYTYPE_WEEKDAY].unmanaged, 600 + 220 + 20, 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].current, 420 + 840, 1e-9);
	assert_false(r.budget[DAYTYPE_WEEKDAY].over);
	/* Holidays: Sleep's goal is for weekdays, so all of it is unmanaged. */
	near(r.budget[DAYTYPE_HOLIDAY].unmanaged, 480 + 930 + 30, 1e-9);
	assert_int_equal(r.budget[DAYTYPE_HOLIDAY].unmanaged_days, 16);
	adjust_result_release(&r);
	/* The median instead: 1040. */
	o.unmanaged_q = 0.5;
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	near(r.budget[DAYTYPE_WEEKDAY].unmanaged, 1040, 1e-9);
	adjust_result_release(&r);
	o.unmanaged_q = 0.6;
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unmanaged-quantile"));
	adjust_input_release(&in);
}

/* The day is over with the current goals, and the goal that would come
 * down has a rejected lowering: its cut cannot be stored, so the other
 * goal takes the whole reduction, and the stored proposals fit the day. */
static void test_lowering_that_cannot_be_stored_goes_elsewhere(void **state)
{
	static const struct series full[] = {
		{ "Sleep", 400, 480, 30 },
		{ "Work", 480, 0, 20 },
		{ "Other", 540, 900, 10 },
	};
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	char err[300];

	(void)state;
	o.prop.band_low = 0.15;
	build(&in, &o, full, 3);
	goal(&in, 1, "Sleep", DAYTYPE_WEEKDAY, PERIOD_DAY, 420, DIR_MORE);
	goal(&in, 2, "Work", DAYTYPE_WEEKDAY, PERIOD_DAY, 500, DIR_MORE);
	in.goals[0].rejected_sign = -1;
	in.goals[0].rejected_p = 0.25;
	in.goals[0].rejected_as_of = time_days_from_civil(2026, 11, 19);
	assert_int_equal(adjust_compute(&in, &o, &r, err, sizeof(err)), 0);
	/* 420 + 500 + 540 = 1460: 20 over 1440 - 540. */
	assert_true(r.budget[DAYTYPE_WEEKDAY].over);
	near(r.budget[DAYTYPE_WEEKDAY].unmanaged, 540, 1e-9);
	assert_int_equal(r.goals[0].propose, 0);
	assert_int_equal(r.goals[0].proposed, 420);
	assert_int_equal(r.goals[1].propose, 1);
	assert_int_equal(r.goals[1].proposed, 480);
	assert_int_equal(r.goals[1].budget_lowered, 20);
	near(r.goals[1].p_after, 0.5, 1e-9);
	assert_non_null(strstr(r.goals[1].reason, "20 min less here makes the goals fit"));
	/* The inequality, with the stored proposals only. */
	near(r.budget[DAYTYPE_WEEKDAY].more_fitted, 900, 1e-9);
	assert_true(r.budget[DAYTYPE_WEEKDAY].more_fitted <=
		    DAY_MINUTES - r.budget[DAYTYPE_WEEKDAY].unmanaged + 1e-9);
	near(r.budget[DAYTYPE_WEEKDAY].fitted, 1440, 1e-9);
	adjust_result_release(&r);
	adjust_input_release(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_goal_too_hard),
		cmocka_unit_test(test_budget_violation_fitted),
		cmocka_unit_test(test_week_goal_breakdown_and_hits),
		cmocka_unit_test(test_closed_goal_gets_no_proposal),
		cmocka_unit_test(test_no_data_no_proposal),
		cmocka_unit_test(test_week_goal_budget_over_already),
		cmocka_unit_test(test_current_goals_over_the_day_lowered),
		cmocka_unit_test(test_unmanaged_minimum_is_a_low_quantile),
		cmocka_unit_test(test_lowering_that_cannot_be_stored_goes_elsewhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
