/*
 * estimators: forecasts of one category's daily minutes, each a point
 * estimate with 80% and 95% prediction intervals, from a series of past days.
 *
 * A series is indexed by day (index 0 = first_day); y[i] is NAN when the value
 * is missing or not yet known.  Every estimator forecasts the days after an
 * origin index and reads y only at indexes <= origin, so a backtest can cut a
 * series anywhere without copying it.  Estimates and bounds are floored at 0
 * minutes.  Three baselines (mean of the last 7 days, mean of the same weekday
 * over the last 4 weeks, mean of the same day type over the last 30 days) and
 * two regressions on the same design (intercept, day-of-week indicators, a
 * public-holiday-on-a-weekday indicator, a linear trend and the lag-7 value):
 * ordinary least squares and a bisquare robust fit; and a hurdle model for
 * lumpy categories: the chance of any time on the target's weekday (the last
 * 8 such days, shrunk towards the last 28 days) times the minutes of the
 * days with time (the last 56 days), as a mixture of an atom at 0 and the
 * empirical distribution of those minutes.  Regressions train on at
 * most EST_TRAIN_DAYS days before the origin and need EST_MIN_HISTORY rows.
 */
#ifndef DWHBI_ESTIMATORS_H
#define DWHBI_ESTIMATORS_H

#include <stddef.h>
#include <stdint.h>

enum est_method {
	EST_MEAN_7D = 0,
	EST_SAME_WEEKDAY_4W,
	EST_SAME_DAYTYPE_30D,
	EST_OLS,
	EST_ROBUST,
	EST_HURDLE,             /* P(any time) x minutes when present */
	EST_NMETHODS
};

#define EST_TRAIN_DAYS 182   /* regression window: recent enough to follow habits */
#define EST_MIN_HISTORY 28   /* fewer training rows than this: baselines only */

struct est_series {
	int32_t first_day;              /* day number (timeutil) of index 0 */
	int n;                          /* length of y and holiday */
	const double *y;                /* minutes; NAN = missing or unknown */
	const unsigned char *holiday;   /* 1 = day type 'holiday' (weekend or public) */
};

/* Quantile levels of every predictive distribution (est_point.q). */
#define EST_NQ 13
#define EST_Q_MEDIAN 6                  /* index of 0.5 */
extern const double est_q_levels[EST_NQ];

struct est_point {
	double minutes;                 /* point estimate, >= 0 */
	double sd;                      /* predictive standard deviation (unfloored) */
	double mean;                    /* unfloored point estimate */
	double lower80, upper80;        /* >= 0 */
	double lower95, upper95;
	double q[EST_NQ];               /* predictive quantiles at est_q_levels, >= 0, sorted */
};

/* Sets minutes to the median of p->q and the intervals from p->q: the
 * central ones (q 0.1..0.9, 0.025..0.975) unless the distribution has an
 * atom at 0 that holds the lower tail, then [0, q 0.8] and [0, q 0.95], so
 * an interval holds 80 % / 95 % of the mass either way. */
void est_point_from_quantiles(struct est_point *p);

/* The mean quantile (pinball) loss of p->q for the value y: a proper score
 * of the whole predictive distribution (twice it approximates the CRPS). */
double est_quantile_loss(const struct est_point *p, double y);

/* Sorts v[0..n-1] ascending; the linear-interpolated quantile u (0..1) of
 * a sorted v[0..n-1], n >= 1 (the hurdle's amounts, the backtest's
 * calibration errors). */
void est_sort(double *v, int n);
double est_sorted_quantile(const double *v, int n, double u);

/* Calls gsl_set_error_handler_off() once; every entry point below does it
 * too, so callers need not. */
void est_init(void);

/* "mean_7d", "same_weekday_4w", "same_daytype_30d", "ols", "robust". */
const char *est_method_name(enum est_method m);
int est_is_baseline(enum est_method m);

/* Forecasts days origin+1 .. origin+horizon (indexes may run past s->n - 1
 * only when s->holiday covers them: origin + horizon < s->n is required) from
 * y at indexes <= origin only.  Returns 0 with out[0..horizon-1] filled; 1
 * when the method does not apply (too little history, ill-conditioned or
 * failed fit; reason in err); -1 on bad arguments (reason in err). */
int est_forecast(enum est_method m, const struct est_series *s, int origin,
		 int horizon, struct est_point *out, char *err, size_t errlen);

/* A fitted regression (EST_OLS or EST_ROBUST), so a backtest can reuse one
 * fit for several later origins instead of refitting every day. */
struct est_model;

/* Fits method m on the days <= origin.  Returns 0 with *model set (free it
 * with est_model_free), 1 when the method does not apply (reason in err), -1
 * on bad arguments or out of memory. */
int est_fit(enum est_method m, const struct est_series *s, int origin,
	    struct est_model **model, char *err, size_t errlen);
/* Forecasts origin+1 .. origin+horizon with a model fitted at an origin <=
 * origin, reading y at indexes <= origin only (for the lag-7 values).
 * Returns like est_forecast. */
int est_predict(const struct est_model *model, const struct est_series *s, int origin,
		int horizon, struct est_point *out, char *err, size_t errlen);
void est_model_free(struct est_model *model);

/* A cache of regression fits, so that work is reused across backtest
 * origins and across runs (the nightly analyze of the next day refits at
 * origins a week apart from tonight's, which the nights before fitted).  An
 * entry is keyed on the method, the origin's day number and a 64-bit hash
 * of everything the fit reads (the training rows' offsets, values, lag
 * values and day types): a fit is served only for exactly the inputs it was
 * made from, so the results are the same with or without the cache. */
struct est_fit_cache;
struct buf;

struct est_fit_cache *est_fit_cache_new(void);  /* NULL when out of memory */
void est_fit_cache_free(struct est_fit_cache *c);
/* Like est_fit, served from c when it holds the same fit, else fitted and
 * added; the model belongs to c (valid until c is freed; do not free it). */
int est_fit_cached(struct est_fit_cache *c, enum est_method m, const struct est_series *s,
		   int origin, const struct est_model **model, char *err, size_t errlen);
void est_fit_cache_stats(const struct est_fit_cache *c, long *hits, long *misses);
/* Storage across runs: entry i as one line of text into out (its method,
 * origin day, and whether it was fitted in this process rather than
 * loaded), and an entry back from such text (0, or -1 when malformed or of
 * another version: then it is ignored). */
size_t est_fit_cache_size(const struct est_fit_cache *c);
int est_fit_cache_entry(const struct est_fit_cache *c, size_t i, int32_t *origin_day,
			enum est_method *m, int *fresh, struct buf *out);
int est_fit_cache_add(struct est_fit_cache *c, const char *text);

/* The zero forecast for a category without history. */
void est_zero(struct est_point *p);

#endif
