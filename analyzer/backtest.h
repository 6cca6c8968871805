/*
 * backtest: rolling-origin evaluation of every estimator on the recent past
 * of one series, the calibration of its predictive distributions from the
 * backtest's own errors, and the per-category choice of method.
 *
 * For each origin in the last BT_DAYS days before the final origin, every
 * method forecasts the next BT_HORIZON days (never past the final origin), so
 * a target day is only ever predicted from days strictly before it (a
 * regression fitted at an earlier origin is reused for up to BT_REFIT_DAYS
 * origins: it has seen even less).  The origins start where the regressions
 * can first be fitted, so every method predicts the same pairs.
 *
 * Calibration (split-conformal on the rolling origins): a method's
 * predictive quantile at level tau for a target h days ahead is
 * max(0, forecast + r_tau), r_tau the tau-quantile of that method's backtest
 * errors (actual - forecast) in the same horizon bucket (1-7, 8-14, 15-31
 * days) and day type.  The hurdle model keeps its own mixture distribution.
 * Each method is scored out of fold: the origins are split by week into two
 * folds and a pair is scored with the quantiles calibrated on the other
 * fold.  The score is the mean quantile loss over est_q_levels (a proper
 * score of the whole distribution, ~ CRPS / 2); MAE of the calibrated median
 * and the 80 % / 95 % coverage are reported too.
 */
#ifndef DWHBI_BACKTEST_H
#define DWHBI_BACKTEST_H

#include <stddef.h>

#include "analyzer/estimators.h"

#define BT_DAYS 84      /* twelve weeks of origins */
#define BT_HORIZON 31   /* the longest horizon analyze estimates (to a month's end) */
#define BT_REFIT_DAYS 7 /* regressions are refitted weekly during a backtest */
#define BT_NBUCKETS 4   /* horizons 1-7, 8-14, 15-21, 22-31 */
#define BT_MIN_CAL 8    /* fewer errors in a cell: the cell pools its neighbours */
#define BT_OLDER_HALF 2 /* calibration from the older half of the origins only */
#define BT_SCALE_MIN 0.5
#define BT_SCALE_MAX 3.0
#define BT_MIN_FORWARD 100  /* newer-half pairs the forward check needs */

struct bt_score {
	int n;                  /* predictions made */
	double mae;             /* NAN when n == 0 */
	double coverage80;      /* NAN when n == 0 */
	double coverage95;
	double qscore;          /* mean quantile loss, NAN when n == 0 */
};

struct bt_result {
	struct bt_score score[EST_NMETHODS];
	int n_scored;           /* (origin, target) pairs with a known actual and a prior day */
	int history_days;       /* known days <= the final origin */
	int origin;             /* the final origin */
	/* err[m][i][h-1]: actual - raw forecast of method m from origin
	 * origin - BT_DAYS + i, h days ahead (NAN: not predicted or unknown) */
	float err[EST_NMETHODS][BT_DAYS][BT_HORIZON];
	/* cal[m][bucket][day type][j]: r at est_q_levels[j], from all origins */
	double cal[EST_NMETHODS][BT_NBUCKETS][2][EST_NQ];
	int cal_ok[EST_NMETHODS];
	/* the forward check's scales of the calibrated intervals (1: none);
	 * set for the chosen method by backtest_estimate */
	double scale80[EST_NMETHODS], scale95[EST_NMETHODS];
};

/* Scores every method on s up to origin.  Returns 0, or -1 with a reason in
 * err (bad arguments, out of memory). */
int backtest_run(const struct est_series *s, int origin, struct bt_result *r,
		 char *err, size_t errlen);

/* The same with the regressions' fits served from (and added to) cache:
 * identical results, less work when the cache holds the fits. */
int backtest_run_cached(const struct est_series *s, int origin, struct est_fit_cache *cache,
			struct bt_result *r, char *err, size_t errlen);

/* The method with the lowest quantile score among those that predicted
 * every scored pair (regressions only with EST_MIN_HISTORY known days);
 * ties go to the simpler method.  Returns -1 when no method qualifies. */
int backtest_choose(const struct bt_result *r);

/* The baseline with the lowest MAE among those that predicted every scored
 * pair, or -1: the yardstick chosen in advance. */
int backtest_best_baseline(const struct bt_result *r);

#define BT_NO_HISTORY (-1)     /* method of the zero forecast */

/* Turns method m's raw forecast p for a target h days after the origin, on
 * a day of type holiday, into the calibrated predictive distribution (q,
 * intervals, minutes = the raw forecast kept inside the 80 % interval, or
 * the median when the distribution has an atom at 0); p->mean becomes the
 * raw forecast, the mean that sums of days add up. */
void backtest_calibrate(const struct bt_result *r, int m, int h, int holiday,
			struct est_point *p);

/* The whole per-category job: backtests s up to origin, chooses a method,
 * and forecasts origin+1 .. origin+horizon with it into out, calibrated.
 * When the chosen regression cannot be fitted at the final origin it falls
 * back to the best baseline, then to the mean of the last 7 days, then to
 * zero (no history at all).  *method receives the method used or
 * BT_NO_HISTORY.  Returns 0, or -1 with a reason in err. */
int backtest_estimate(const struct est_series *s, int origin, int horizon,
		      struct bt_result *r, int *method, struct est_point *out,
		      char *err, size_t errlen);

int backtest_estimate_cached(const struct est_series *s, int origin, int horizon,
			     struct est_fit_cache *cache, struct bt_result *r, int *method,
			     struct est_point *out, char *err, size_t errlen);

/* The backtest errors of method m against its raw forecast (actual - the
 * mean analyze writes), out[i * BT_HORIZON + h - 1] for origin row i
 * (BT_DAYS rows), NAN where unknown.  Sums of a row over the days of a
 * period are that period's joint errors. */
void backtest_point_errors(const struct bt_result *r, const struct est_series *s, int m,
			   double *out);

/* Error samples of the sum over horizons 1..L: one per origin whose L
 * targets are all known; returns how many (at most BT_DAYS) into out. */
int backtest_sum_errors(const double *errors, int L, double *out);

/* est_method_name(), plus "no_history" for BT_NO_HISTORY. */
const char *backtest_method_name(int method);

#endif
