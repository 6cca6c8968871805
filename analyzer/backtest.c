/*
 * backtest: rolling-origin scoring, calibration and the choice of method
 * (backtest.h).
 *
 * A method that could not forecast some scored pair (too little history at
 * that origin, a singular fit) is not eligible: comparing its score over
 * fewer, easier days with another's over all days would be unfair.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/backtest.h"

static int bucket_of(int h)
{
	return h <= 7 ? 0 : h <= 14 ? 1 : h <= 21 ? 2 : 3;
}

static int fold_of(int row)
{
	return (row / 7) % 2;
}

/* Residual quantiles of method m from the rows not in fold `skip` (-1: all
 * rows) into cal; 0 when there were too few errors. */
static int skip_row(int skip, int i)
{
	return skip == BT_OLDER_HALF ? i >= BT_DAYS / 2 : skip >= 0 && fold_of(i) == skip;
}

/* The residual quantiles of one cell's sorted errors v[0..n-1]. */
static void cell_quantiles(const double *v, int n, double *cal)
{
	int j;

	for (j = 0; j < EST_NQ; j++) {
		/* split-conformal's finite-sample step: the tails a little
		 * wider, (n + 1) / n */
		double tau = est_q_levels[j], u;

		u = tau > 0.5 ? 0.5 + (tau - 0.5) * (n + 1.0) / n
			      : 0.5 - (0.5 - tau) * (n + 1.0) / n;
		cal[j] = est_sorted_quantile(v, n, u < 0 ? 0 : u > 1 ? 1 : u);
	}
}

static int calibrate_from(const struct bt_result *r, const struct est_series *s, int m,
			  int skip, double cal[BT_NBUCKETS][2][EST_NQ], double *buf)
{
	int b, t, i, h, n, pooled;
	int count[BT_NBUCKETS][2] = { { 0 } }, at[BT_NBUCKETS][2], all_full = 1, k, nall = 0;
	unsigned char where[BT_DAYS * BT_HORIZON];
	double all[BT_DAYS * BT_HORIZON];

	/* one pass over the errors: each kept with its cell (bucket, day type) */
	for (i = 0; i < BT_DAYS; i++) {
		int o = r->origin - BT_DAYS + i;

		if (skip_row(skip, i))
			continue;
		for (h = 1; h <= BT_HORIZON; h++) {
			float e = r->err[m][i][h - 1];

			if (!isfinite(e))
				continue;
			b = bucket_of(h);
			t = s->holiday[o + h] != 0;
			where[nall] = (unsigned char)(b * 2 + t);
			all[nall++] = e;
			count[b][t]++;
		}
	}
	for (n = 0, b = 0; b < BT_NBUCKETS; b++)
		for (t = 0; t < 2; t++) {
			at[b][t] = n;
			n += count[b][t];
			all_full &= count[b][t] >= BT_MIN_CAL;
		}
	if (all_full) {
		for (k = 0; k < nall; k++)
			buf[at[where[k] / 2][where[k] % 2]++] = all[k];
		for (b = 0; b < BT_NBUCKETS; b++)
			for (t = 0; t < 2; t++) {
				double *v = buf + at[b][t] - count[b][t];

				est_sort(v, count[b][t]);
				cell_quantiles(v, count[b][t], cal[b][t]);
			}
		return 1;
	}
	/* a cell with too few errors takes its bucket's, then all of them */
	for (b = 0; b < BT_NBUCKETS; b++)
		for (t = 0; t < 2; t++) {
			for (pooled = 0; pooled < 3; pooled++) {
				n = 0;
				for (k = 0; k < nall; k++)
					if (pooled == 2 || (pooled == 1 && where[k] / 2 == b) ||
					    where[k] == b * 2 + t)
						buf[n++] = all[k];
				if (n >= BT_MIN_CAL)
					break;
			}
			if (n < BT_MIN_CAL)
				return 0;
			est_sort(buf, n);
			cell_quantiles(buf, n, cal[b][t]);
		}
	return 1;
}

static int wide_tail(int j)
{
	return j <= 1 || j >= EST_NQ - 2;       /* 0.025, 0.05, 0.95, 0.975 */
}

/* The quantiles at scale lam80 / lam95: the offsets from the median
 * offset stretched, lam95 for the levels of the 95 % interval, lam80 for
 * the others. */
static void apply_cal_scaled(const double cal[BT_NBUCKETS][2][EST_NQ], double lam80,
			     double lam95, int h, int holiday, struct est_point *p)
{
	double raw = p->minutes;
	const double *c = cal[bucket_of(h)][holiday != 0];
	int j;

	for (j = 0; j < EST_NQ; j++)
		p->q[j] = raw + c[EST_Q_MEDIAN] +
			  (wide_tail(j) ? lam95 : lam80) * (c[j] - c[EST_Q_MEDIAN]);
	est_point_from_quantiles(p);
	/* The point stays the method's forecast (its median shift is mostly
	 * noise), kept inside the 80 % interval; a distribution with an atom at
	 * 0 (lumpy days) gets its median, which is what minimises the MAE. */
	if (p->lower80 > 0)
		p->minutes = raw < p->lower80 ? p->lower80 : raw > p->upper80 ? p->upper80 : raw;
}

static void apply_cal(const double cal[BT_NBUCKETS][2][EST_NQ], int h, int holiday,
		      struct est_point *p)
{
	apply_cal_scaled(cal, 1, 1, h, holiday, p);
}

/* The forward check of method m's calibration: quantiles calibrated on the
 * older half of the origins, applied to the newer half's pairs (all of them
 * later in time), cover less than their level when the errors grow or the
 * behaviour drifts.  The smallest scale (steps of 0.05 from
 * BT_SCALE_MIN to BT_SCALE_MAX) at which the newer half's 80 % and 95 %
 * intervals reach 80 % and 95 % goes into r->scale80 / scale95[m], applied
 * to the calibration from all origins: the intervals widen (or narrow) as
 * much as the recent past says the step forward needs. */
static void forward_scale(struct bt_result *r, const struct est_series *s, int m, double *buf)
{
	double cal[BT_NBUCKETS][2][EST_NQ];
	/* the newer half's pairs: actual, raw forecast, calibration cell */
	double act[BT_DAYS / 2 * BT_HORIZON], raw[BT_DAYS / 2 * BT_HORIZON];
	const double *cell[BT_DAYS / 2 * BT_HORIZON];
	int lvl, i, h, n = 0;

	r->scale80[m] = r->scale95[m] = 1;
	if (!calibrate_from(r, s, m, BT_OLDER_HALF, cal, buf))
		return;
	for (i = BT_DAYS / 2; i < BT_DAYS; i++) {
		int o = r->origin - BT_DAYS + i;

		for (h = 1; h <= BT_HORIZON; h++) {
			float e = r->err[m][i][h - 1];

			if (!isfinite(e))
				continue;
			act[n] = s->y[o + h];
			raw[n] = act[n] - e;
			cell[n] = cal[bucket_of(h)][s->holiday[o + h] != 0];
			n++;
		}
	}
	if (n < BT_MIN_FORWARD)
		return;
	for (lvl = 0; lvl < 2; lvl++) {
		/* the interval's levels (est_point_from_quantiles): central
		 * [lo, hi], or [0, mid] when the lower end is at 0; the sorted
		 * calibration keeps the stretched quantiles sorted, so these are
		 * exactly the bounds apply_cal_scaled gives */
		int lo = lvl ? 0 : 2, mid = lvl ? 11 : 9, hi = lvl ? 12 : 10;
		double want = lvl ? 0.95 : 0.80, lam;

		for (lam = BT_SCALE_MIN; lam < BT_SCALE_MAX + 1e-9; lam += 0.05) {
			long in = 0;
			int k;

			for (k = 0; k < n; k++) {
				const double *c = cell[k];
				double base = raw[k] + c[EST_Q_MEDIAN], l, u;

				l = base + lam * (c[lo] - c[EST_Q_MEDIAN]);
				l = l > 0 ? l : 0;
				u = base + lam * ((l > 0 ? c[hi] : c[mid]) - c[EST_Q_MEDIAN]);
				u = u > 0 ? u : 0;
				in += act[k] >= l - 1e-9 && act[k] <= u + 1e-9;
			}
			if (in >= want * n)
				break;
		}
		if (lam > BT_SCALE_MAX)
			lam = BT_SCALE_MAX;
		if (lvl)
			r->scale95[m] = lam;
		else
			r->scale80[m] = lam;
	}
}

void backtest_calibrate(const struct bt_result *r, int m, int h, int holiday,
			struct est_point *p)
{
	double raw = p->minutes;

	if (m == EST_HURDLE || !r->cal_ok[m])
		est_point_from_quantiles(p);    /* the model's own distribution */
	else
		apply_cal_scaled(r->cal[m], r->scale80[m], r->scale95[m], h, holiday, p);
	/* sums of days add the raw forecasts (the mean) and the backtest's
	 * errors against them */
	p->mean = raw;
}

/* The first origin at which a regression has EST_MIN_HISTORY training rows. */
static int first_fit_origin(const struct est_series *s, int origin)
{
	int t, rows = 0;

	for (t = 7; t <= origin; t++) {
		rows += isfinite(s->y[t]) && isfinite(s->y[t - 7]);
		if (rows >= EST_MIN_HISTORY)
			return t;
	}
	return origin + 1;
}

int backtest_run(const struct est_series *s, int origin, struct bt_result *r,
		 char *err, size_t errlen)
{
	return backtest_run_cached(s, origin, NULL, r, err, errlen);
}

int backtest_run_cached(const struct est_series *s, int origin, struct est_fit_cache *cache,
			struct bt_result *r, char *err, size_t errlen)
{
	double abs_sum[EST_NMETHODS] = { 0 }, qsum[EST_NMETHODS] = { 0 };
	int in80[EST_NMETHODS] = { 0 }, in95[EST_NMETHODS] = { 0 };
	struct est_point pts[BT_HORIZON];
	struct est_model *model[EST_NMETHODS] = { NULL };     /* owned (no cache) */
	const struct est_model *use[EST_NMETHODS] = { NULL };
	double fold_cal[2][BT_NBUCKETS][2][EST_NQ];
	int fold_ok[2];
	int fit_at[EST_NMETHODS] = { 0 };
	double *buf;
	char why[256];
	int o, h, m, i, start, fit0;

	if (origin >= s->n) {
		snprintf(err, errlen, "backtest origin %d outside the series of %d days", origin, s->n);
		return -1;
	}
	r->origin = origin;
	for (m = 0; m < EST_NMETHODS; m++) {
		r->score[m].n = 0;
		r->cal_ok[m] = 0;
		r->scale80[m] = r->scale95[m] = 1;
		for (i = 0; i < BT_DAYS; i++)
			for (h = 0; h < BT_HORIZON; h++)
				r->err[m][i][h] = NAN;
	}
	r->n_scored = 0;
	r->history_days = 0;
	for (i = 0; i <= origin; i++)
		r->history_days += isfinite(s->y[i]) != 0;

	/* origins before the first known day cannot be forecast from by any
	 * method; scoring them would only make every method ineligible.  Nor
	 * can the regressions forecast before they can be fitted: start there
	 * when that leaves a few weeks of origins. */
	start = origin - BT_DAYS;
	for (i = 0; i <= origin && !isfinite(s->y[i]); i++)
		;
	if (start < i)
		start = i;
	fit0 = first_fit_origin(s, origin);
	if (fit0 > start && fit0 <= origin - 21)
		start = fit0;
	if (start < 0)
		start = 0;
	for (o = start; o < origin; o++) {
		int horizon = origin - o < BT_HORIZON ? origin - o : BT_HORIZON;
		int row = o - (origin - BT_DAYS);

		for (h = 1; h <= horizon; h++)
			r->n_scored += isfinite(s->y[o + h]) != 0;
		for (m = 0; m < EST_NMETHODS; m++) {
			int rc;

			if (est_is_baseline(m) || m == EST_HURDLE) {
				rc = est_forecast(m, s, o, horizon, pts, why, sizeof(why));
			} else {
				/* refit weekly; a failed fit is retried at the next origin */
				if (!use[m] || o - fit_at[m] >= BT_REFIT_DAYS) {
					est_model_free(model[m]);
					model[m] = NULL;
					use[m] = NULL;
					fit_at[m] = o;
					if (cache) {
						rc = est_fit_cached(cache, m, s, o, &use[m], why,
								    sizeof(why));
					} else {
						rc = est_fit(m, s, o, &model[m], why, sizeof(why));
						use[m] = model[m];
					}
					if (rc < 0)
						goto fail;
				}
				rc = use[m] ? est_predict(use[m], s, o, horizon, pts, why,
							  sizeof(why)) : 1;
			}
			if (rc < 0)
				goto fail;
			if (rc > 0)
				continue;
			for (h = 1; h <= horizon; h++) {
				double a = s->y[o + h];
				struct est_point *p = &pts[h - 1];

				if (!isfinite(a))
					continue;
				if (m == EST_HURDLE) {
					/* its own distribution: scored here, its point is its
					 * median; the error kept is against its mean */
					double mean = p->minutes;

					r->err[m][row][h - 1] = (float)(a - mean);
					est_point_from_quantiles(p);
					r->score[m].n++;
					abs_sum[m] += fabs(a - p->minutes);
					in80[m] += a >= p->lower80 && a <= p->upper80;
					in95[m] += a >= p->lower95 && a <= p->upper95;
					qsum[m] += est_quantile_loss(p, a);
					continue;
				}
				r->err[m][row][h - 1] = (float)(a - p->minutes);
			}
		}
	}
	for (m = 0; m < EST_NMETHODS; m++)
		est_model_free(model[m]);

	/* calibration, and the out-of-fold scores of the calibrated methods */
	buf = malloc(sizeof(double) * BT_DAYS * BT_HORIZON);
	if (!buf) {
		snprintf(err, errlen, "backtest: out of memory");
		return -1;
	}
	for (m = 0; m < EST_NMETHODS; m++) {
		if (m == EST_HURDLE)
			continue;
		r->cal_ok[m] = calibrate_from(r, s, m, -1, r->cal[m], buf);
		fold_ok[0] = calibrate_from(r, s, m, 0, fold_cal[0], buf);
		fold_ok[1] = calibrate_from(r, s, m, 1, fold_cal[1], buf);
		for (i = 0; i < BT_DAYS; i++) {
			int f = !fold_of(i);   /* the other fold's calibration */

			o = origin - BT_DAYS + i;
			for (h = 1; h <= BT_HORIZON; h++) {
				float e = r->err[m][i][h - 1];
				struct est_point p;
				double a;
				int j;

				if (!isfinite(e))
					continue;
				a = s->y[o + h];
				memset(&p, 0, sizeof(p));
				p.minutes = a - e;
				if (fold_ok[f])
					apply_cal(fold_cal[f], h, s->holiday[o + h], &p);
				else if (r->cal_ok[m])
					apply_cal(r->cal[m], h, s->holiday[o + h], &p);
				else {
					for (j = 0; j < EST_NQ; j++)
						p.q[j] = p.minutes;
					est_point_from_quantiles(&p);
				}
				r->score[m].n++;
				abs_sum[m] += fabs(a - p.minutes);
				in80[m] += a >= p.lower80 - 1e-9 && a <= p.upper80 + 1e-9;
				in95[m] += a >= p.lower95 - 1e-9 && a <= p.upper95 + 1e-9;
				qsum[m] += est_quantile_loss(&p, a);
			}
		}
	}
	free(buf);
	for (m = 0; m < EST_NMETHODS; m++) {
		struct bt_score *sc = &r->score[m];

		if (sc->n == 0) {
			sc->mae = sc->coverage80 = sc->coverage95 = sc->qscore = NAN;
			continue;
		}
		sc->mae = abs_sum[m] / sc->n;
		sc->coverage80 = (double)in80[m] / sc->n;
		sc->coverage95 = (double)in95[m] / sc->n;
		sc->qscore = qsum[m] / sc->n;
	}
	return 0;
fail:
	for (m = 0; m < EST_NMETHODS; m++)
		est_model_free(model[m]);
	snprintf(err, errlen, "backtest: %s", why);
	return -1;
}

static int choose(const struct bt_result *r, int baselines_only)
{
	int m, best = -1;

	if (r->n_scored == 0)
		return -1;
	for (m = 0; m < EST_NMETHODS; m++) {
		const struct bt_score *sc = &r->score[m];
		double v, bv;

		if (baselines_only && !est_is_baseline(m))
			continue;
		if (!est_is_baseline(m) && r->history_days < EST_MIN_HISTORY)
			continue;
		if (sc->n != r->n_scored)
			continue;
		v = baselines_only ? sc->mae : sc->qscore;
		bv = best < 0 ? 0 : baselines_only ? r->score[best].mae : r->score[best].qscore;
		/* strictly better only: ties stay with the simpler, earlier method */
		if (best < 0 || v < bv - 1e-9)
			best = m;
	}
	return best;
}

int backtest_choose(const struct bt_result *r)
{
	return choose(r, 0);
}

int backtest_best_baseline(const struct bt_result *r)
{
	return choose(r, 1);
}

const char *backtest_method_name(int method)
{
	if (method == BT_NO_HISTORY)
		return "no_history";
	return est_method_name(method);
}

void backtest_point_errors(const struct bt_result *r, const struct est_series *s, int m,
			   double *out)
{
	int i, h;

	(void)s;
	for (i = 0; i < BT_DAYS; i++)
		for (h = 1; h <= BT_HORIZON; h++) {
			float e = m >= 0 ? r->err[m][i][h - 1] : NAN;

			out[i * BT_HORIZON + h - 1] = isfinite(e) ? e : NAN;
		}
}

int backtest_sum_errors(const double *errors, int L, double *out)
{
	int i, h, n = 0;

	if (L < 1 || L > BT_HORIZON)
		return 0;
	for (i = 0; i < BT_DAYS; i++) {
		double sum = 0;

		for (h = 1; h <= L; h++) {
			double e = errors[i * BT_HORIZON + h - 1];

			if (!isfinite(e))
				break;
			sum += e;
		}
		if (h > L)
			out[n++] = sum;
	}
	return n;
}

int backtest_estimate(const struct est_series *s, int origin, int horizon,
		      struct bt_result *r, int *method, struct est_point *out,
		      char *err, size_t errlen)
{
	return backtest_estimate_cached(s, origin, horizon, NULL, r, method, out, err, errlen);
}

/* The forecast of method m from origin (the cached fit for the regressions):
 * est_forecast's return (0, 1 = does not apply, -1 = error in why). */
static int forecast_with(int m, const struct est_series *s, int origin, int horizon,
			 struct est_fit_cache *cache, struct est_point *out, char *why, size_t whylen)
{
	if (cache && (m == EST_OLS || m == EST_ROBUST)) {
		const struct est_model *fit;
		int rc = est_fit_cached(cache, m, s, origin, &fit, why, whylen);

		return rc == 0 ? est_predict(fit, s, origin, horizon, out, why, whylen) : rc;
	}
	return est_forecast(m, s, origin, horizon, out, why, whylen);
}

/* The method with the best backtest MAE (same rules as backtest_choose). */
static int choose_mae(const struct bt_result *r)
{
	int m, best = -1;

	if (r->n_scored == 0)
		return -1;
	for (m = 0; m < EST_NMETHODS; m++) {
		const struct bt_score *sc = &r->score[m];

		if (!est_is_baseline(m) && r->history_days < EST_MIN_HISTORY)
			continue;
		if (sc->n != r->n_scored)
			continue;
		if (best < 0 || sc->mae < r->score[best].mae - 1e-9)
			best = m;
	}
	return best;
}

/* The point and the distribution are chosen separately: the distribution
 * (quantiles, intervals, the mean that sums and the adjuster use) is the
 * method chosen by the quantile score, calibrated on its own backtest
 * errors; the point (minutes) is that of the method with the best backtest
 * MAE (calibrated the same way), kept inside the distribution's 80 %
 * interval.  One choice for both lost MAE: the method with the better
 * quantile score often has the worse point (issue 15). */
static int point_by_mae(const struct bt_result *r, const struct est_series *s, int origin,
			int horizon, struct est_fit_cache *cache, int chosen,
			struct est_point *out, char *err, size_t errlen)
{
	int p = choose_mae(r), h, rc;
	struct est_point *tmp;
	char why[256];

	if (p < 0 || p == chosen)
		return 0;
	tmp = calloc((size_t)horizon, sizeof(*tmp));
	if (!tmp) {
		snprintf(err, errlen, "backtest: out of memory");
		return -1;
	}
	rc = forecast_with(p, s, origin, horizon, cache, tmp, why, sizeof(why));
	if (rc < 0) {
		snprintf(err, errlen, "%s", why);
		free(tmp);
		return -1;
	}
	if (rc == 0)
		for (h = 1; h <= horizon; h++) {
			struct est_point *o = &out[h - 1];
			double v;

			backtest_calibrate(r, p, h, s->holiday[origin + h], &tmp[h - 1]);
			v = tmp[h - 1].minutes;
			o->minutes = v < o->lower80 ? o->lower80 : v > o->upper80 ? o->upper80 : v;
		}
	free(tmp);
	return 0;
}

int backtest_estimate_cached(const struct est_series *s, int origin, int horizon,
			     struct est_fit_cache *cache, struct bt_result *r, int *method,
			     struct est_point *out, char *err, size_t errlen)
{
	int tries[3], ntries = 0, i, h, rc;
	char why[256];

	if (backtest_run_cached(s, origin, cache, r, err, errlen) < 0)
		return -1;
	tries[ntries++] = backtest_choose(r);
	if (tries[0] >= 0 && tries[0] != EST_HURDLE && r->cal_ok[tries[0]]) {
		double *buf = malloc(sizeof(double) * BT_DAYS * BT_HORIZON);

		if (!buf) {
			snprintf(err, errlen, "backtest: out of memory");
			return -1;
		}
		forward_scale(r, s, tries[0], buf);
		free(buf);
	}
	tries[ntries++] = backtest_best_baseline(r);
	tries[ntries++] = EST_MEAN_7D;
	for (i = 0; i < ntries; i++) {
		if (tries[i] < 0)
			continue;
		if (cache && (tries[i] == EST_OLS || tries[i] == EST_ROBUST)) {
			const struct est_model *fit;

			rc = est_fit_cached(cache, tries[i], s, origin, &fit, why, sizeof(why));
			if (rc == 0)
				rc = est_predict(fit, s, origin, horizon, out, why, sizeof(why));
		} else {
			rc = est_forecast(tries[i], s, origin, horizon, out, why, sizeof(why));
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if (rc == 0) {
			*method = tries[i];
			for (h = 1; h <= horizon; h++)
				backtest_calibrate(r, tries[i], h, s->holiday[origin + h],
						   &out[h - 1]);
			return i == 0 ? point_by_mae(r, s, origin, horizon, cache, tries[i], out,
						     err, errlen) : 0;
		}
	}
	for (h = 0; h < horizon; h++)
		est_zero(&out[h]);
	*method = BT_NO_HISTORY;
	return 0;
}
