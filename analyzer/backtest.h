/*
 * backtest: rolling-origin evaluation of every estimator on the recent past
 * of one series, and the per-category choice of method.
 *
 * For each origin in the last BT_DAYS days before the final origin, every
 * method forecasts the next BT_HORIZON days (never past the final origin), so
 * a target day is only ever predicted from days strictly before it (a
 * regression fitted at an earlier origin is reused for up to BT_REFIT_DAYS
 * origins: it has seen even less).  Each
 * method is scored by mean absolute error and by how often the 80% and 95%
 * intervals hold the actual value.
 */
#ifndef DWHBI_BACKTEST_H
#define DWHBI_BACKTEST_H

#include <stddef.h>

#include "analyzer/estimators.h"

#define BT_DAYS 56      /* eight weeks of origins */
#define BT_HORIZON 14   /* the shortest horizon analyze estimates */
#define BT_REFIT_DAYS 7 /* regressions are refitted weekly during a backtest */

struct bt_score {
	int n;                  /* predictions made */
	double mae;             /* NAN when n == 0 */
	double coverage80;      /* NAN when n == 0 */
	double coverage95;
};

struct bt_result {
	struct bt_score score[EST_NMETHODS];
	int n_scored;           /* (origin, target) pairs with a known actual and a prior day */
	int history_days;       /* known days <= the final origin */
};

/* Scores every method on s up to origin.  Returns 0, or -1 with a reason in
 * err (bad arguments, out of memory). */
int backtest_run(const struct est_series *s, int origin, struct bt_result *r,
		 char *err, size_t errlen);

/* The method with the lowest MAE among those that predicted every scored
 * pair (regressions only with EST_MIN_HISTORY known days); ties go to the
 * simpler method.  Returns -1 when no method qualifies. */
int backtest_choose(const struct bt_result *r);

/* The best baseline by the same rule, or -1. */
int backtest_best_baseline(const struct bt_result *r);

#define BT_NO_HISTORY (-1)     /* method of the zero forecast */

/* The whole per-category job: backtests s up to origin, chooses a method,
 * and forecasts origin+1 .. origin+horizon with it into out.  When the chosen
 * regression cannot be fitted at the final origin it falls back to the best
 * baseline, then to the mean of the last 7 days, then to zero (no history at
 * all).  *method receives the method used or BT_NO_HISTORY.  Returns 0, or
 * -1 with a reason in err. */
int backtest_estimate(const struct est_series *s, int origin, int horizon,
		      struct bt_result *r, int *method, struct est_point *out,
		      char *err, size_t errlen);

/* est_method_name(), plus "no_history" for BT_NO_HISTORY. */
const char *backtest_method_name(int method);

#endif
