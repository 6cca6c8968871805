/*
 * test_analyzer: the estimators and the backtest on synthetic series whose
 * truth is known (no database).  Noise comes from a seeded GSL generator, so
 * every run sees the same numbers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "analyzer/backtest.h"
#include "analyzer/estimators.h"
#include "lib/timeutil.h"

/* Minutes per weekday (Monday first): a person who works on weekdays. */
static const double week[7] = { 480, 500, 470, 510, 420, 60, 30 };

struct synth {
	struct est_series s;
	double *y;
	unsigned char *holiday;
};

/* n days from 2024-01-01 (a Monday): week pattern + trend per year + N(0, sd). */
static void synth_make(struct synth *x, int n, double trend_per_year, double sd,
		       unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int i;

	assert_non_null(rng);
	gsl_rng_set(rng, seed);
	x->y = calloc(n, sizeof(double));
	x->holiday = calloc(n, 1);
	assert_non_null(x->y);
	assert_non_null(x->holiday);
	x->s.first_day = time_days_from_civil(2024, 1, 1);
	x->s.n = n;
	x->s.y = x->y;
	x->s.holiday = x->holiday;
	for (i = 0; i < n; i++) {
		int wd = time_weekday(x->s.first_day + i);

		x->holiday[i] = wd >= 5;
		x->y[i] = week[wd] + trend_per_year * i / 365.0 +
			  (sd > 0 ? gsl_ran_gaussian(rng, sd) : 0);
	}
	gsl_rng_free(rng);
}

static void synth_release(struct synth *x)
{
	free(x->y);
	free(x->holiday);
}

static void test_weekday_pattern_recovered_exactly(void **state)
{
	struct synth x;
	struct est_point p[21];
	char err[256];
	int origin = 199, h;

	(void)state;
	synth_make(&x, 221, 0, 0, 1);
	assert_int_equal(est_forecast(EST_OLS, &x.s, origin, 21, p, err, sizeof(err)), 0);
	for (h = 1; h <= 21; h++) {
		double truth = week[time_weekday(x.s.first_day + origin + h)];

		assert_true(fabs(p[h - 1].minutes - truth) < 1e-6);
		assert_true(p[h - 1].upper95 - p[h - 1].lower95 < 1e-6);
	}
	synth_release(&x);
}

static void test_robust_resists_outliers(void **state)
{
	struct synth x;
	struct est_point ols[7], rob[7];
	char err[256];
	int origin = 181, i, h, outliers = 0;
	double ols_err = 0, rob_err = 0;

	(void)state;
	synth_make(&x, 200, 0, 5, 2);
	/* three odd Wednesdays in the recent weeks: a conference, say */
	for (i = origin; i > origin - 60 && outliers < 3; i--)
		if (time_weekday(x.s.first_day + i) == 2 && (origin - i) % 14 < 7) {
			x.y[i] += 600;
			outliers++;
		}
	assert_int_equal(outliers, 3);
	assert_int_equal(est_forecast(EST_OLS, &x.s, origin, 7, ols, err, sizeof(err)), 0);
	assert_int_equal(est_forecast(EST_ROBUST, &x.s, origin, 7, rob, err, sizeof(err)), 0);
	for (h = 1; h <= 7; h++) {
		double truth = week[time_weekday(x.s.first_day + origin + h)];

		ols_err = fmax(ols_err, fabs(ols[h - 1].minutes - truth));
		rob_err = fmax(rob_err, fabs(rob[h - 1].minutes - truth));
	}
	print_message("max error: robust %.1f, ols %.1f minutes\n", rob_err, ols_err);
	assert_true(rob_err < 10);
	assert_true(ols_err > 25 && ols_err > 2 * rob_err);
	synth_release(&x);
}

/* Perturbing the target day and every later day changes no estimate. */
static void test_target_day_never_read(void **state)
{
	struct synth x;
	struct est_point a[14], b[14];
	char err[256];
	int m, origin = 150, i;

	(void)state;
	for (m = 0; m < EST_NMETHODS; m++) {
		synth_make(&x, 200, 40, 20, 3);
		assert_int_equal(est_forecast(m, &x.s, origin, 14, a, err, sizeof(err)), 0);
		for (i = origin + 1; i < x.s.n; i++)
			x.y[i] = i % 2 ? 9999 : NAN;
		assert_int_equal(est_forecast(m, &x.s, origin, 14, b, err, sizeof(err)), 0);
		assert_memory_equal(a, b, sizeof(a));
		synth_release(&x);
	}
}

/* The backtest of a day never sees that day: scores are unchanged when the
 * days after the origin change. */
static void test_backtest_uses_only_the_past(void **state)
{
	struct synth x;
	struct bt_result r1, r2;
	char err[256];
	int origin = 300, i, m;

	(void)state;
	synth_make(&x, 330, 20, 25, 4);
	assert_int_equal(backtest_run(&x.s, origin, &r1, err, sizeof(err)), 0);
	for (i = origin + 1; i < x.s.n; i++)
		x.y[i] = -500;
	assert_int_equal(backtest_run(&x.s, origin, &r2, err, sizeof(err)), 0);
	assert_int_equal(r1.n_scored, r2.n_scored);
	assert_int_equal(r1.history_days, r2.history_days);
	for (m = 0; m < EST_NMETHODS; m++) {
		assert_int_equal(r1.score[m].n, r2.score[m].n);
		assert_true(r1.score[m].n > 0);
		assert_true(r1.score[m].mae == r2.score[m].mae);
		assert_true(r1.score[m].coverage80 == r2.score[m].coverage80);
		assert_true(r1.score[m].coverage95 == r2.score[m].coverage95);
	}
	synth_release(&x);
}

static void check_calibration(enum est_method m)
{
	struct synth x;
	struct est_point p;
	char err[256];
	int t, n = 0, in80 = 0, in95 = 0;
	double c80, c95;

	synth_make(&x, 3 * 365, 30, 40, 5);
	for (t = 2 * 365; t < x.s.n; t++) {
		assert_int_equal(est_forecast(m, &x.s, t - 1, 1, &p, err, sizeof(err)), 0);
		n++;
		in80 += x.y[t] >= p.lower80 && x.y[t] <= p.upper80;
		in95 += x.y[t] >= p.lower95 && x.y[t] <= p.upper95;
	}
	c80 = (double)in80 / n;
	c95 = (double)in95 / n;
	print_message("%s coverage over %d held-out days: 80%% -> %.3f, 95%% -> %.3f\n",
		      est_method_name(m), n, c80, c95);
	assert_true(c80 >= 0.70 && c80 <= 0.90);
	assert_true(c95 >= 0.88 && c95 <= 0.99);
	synth_release(&x);
}

static void test_calibration_ols(void **state)
{
	(void)state;
	check_calibration(EST_OLS);
}

static void test_calibration_robust(void **state)
{
	(void)state;
	check_calibration(EST_ROBUST);
}

static void assert_point_sane(const struct est_point *p)
{
	assert_true(isfinite(p->minutes) && p->minutes >= 0);
	assert_true(isfinite(p->lower80) && isfinite(p->upper80));
	assert_true(isfinite(p->lower95) && isfinite(p->upper95));
	assert_true(p->lower95 <= p->lower80 && p->lower80 <= p->minutes + 1e-9);
	assert_true(p->minutes <= p->upper80 + 1e-9 && p->upper80 <= p->upper95);
	assert_true(p->lower95 >= 0);
}

/* Runs the whole per-category job on a series of nhist known days. */
static int estimate_short(const double *hist, int nhist, struct est_point *out, int horizon)
{
	double y[64];
	unsigned char holiday[64] = { 0 };
	struct est_series s = { time_days_from_civil(2024, 1, 1), nhist + horizon, y, holiday };
	struct bt_result r;
	char err[256];
	int i, method = -2;

	for (i = 0; i < nhist + horizon; i++)
		y[i] = i < nhist ? hist[i] : NAN;
	assert_int_equal(backtest_estimate(&s, nhist - 1, horizon, &r, &method, out,
					   err, sizeof(err)), 0);
	for (i = 0; i < horizon; i++)
		assert_point_sane(&out[i]);
	return method;
}

static void test_no_history_single_day_all_zeros(void **state)
{
	double zeros[40] = { 0 }, one = 90;
	struct est_point p[14];
	int m, i;

	(void)state;
	m = estimate_short(NULL, 0, p, 14);
	assert_int_equal(m, BT_NO_HISTORY);
	assert_string_equal(backtest_method_name(m), "no_history");
	for (i = 0; i < 14; i++)
		assert_true(p[i].minutes == 0 && p[i].upper95 == 0);

	m = estimate_short(&one, 1, p, 14);
	assert_true(m >= 0 && est_is_baseline(m));
	assert_true(fabs(p[0].minutes - 90) < 1e-9);

	m = estimate_short(zeros, 40, p, 14);
	assert_true(m >= 0);
	for (i = 0; i < 14; i++)
		assert_true(p[i].minutes == 0 && p[i].upper95 == 0);
}

/* Fewer than EST_MIN_HISTORY days: a baseline, even if a regression
 * happened to score well. */
static void test_short_history_uses_baseline(void **state)
{
	double hist[20];
	struct est_point p[7];
	int i, m;

	(void)state;
	for (i = 0; i < 20; i++)
		hist[i] = week[i % 7];
	m = estimate_short(hist, 20, p, 7);
	assert_true(est_is_baseline(m));
}

/* On a realistic series the chosen method scores no worse than the best
 * baseline (the quantile score it is chosen by), and the regression wins
 * when a trend makes baselines lag. */
static void test_choice_never_worse_than_baseline(void **state)
{
	struct synth x;
	struct bt_result r;
	struct est_point p[14];
	char err[256];
	int method, b;

	(void)state;
	synth_make(&x, 3 * 365 + 14, 120, 30, 6);
	assert_int_equal(backtest_estimate(&x.s, 3 * 365 - 1, 14, &r, &method, p,
					   err, sizeof(err)), 0);
	b = backtest_best_baseline(&r);
	assert_true(b >= 0 && method >= 0);
	print_message("chosen %s mae %.1f, best baseline %s mae %.1f\n",
		      est_method_name(method), r.score[method].mae,
		      est_method_name(b), r.score[b].mae);
	assert_true(r.score[method].qscore <= r.score[b].qscore + 1e-9);
	assert_false(est_is_baseline(method));
	synth_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekday_pattern_recovered_exactly),
		cmocka_unit_test(test_robust_resists_outliers),
		cmocka_unit_test(test_target_day_never_read),
		cmocka_unit_test(test_backtest_uses_only_the_past),
		cmocka_unit_test(test_calibration_ols),
		cmocka_unit_test(test_calibration_robust),
		cmocka_unit_test(test_no_history_single_day_all_zeros),
		cmocka_unit_test(test_short_history_uses_baseline),
		cmocka_unit_test(test_choice_never_worse_than_baseline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
