/*
 * estimators: the baselines and the two regressions of estimators.h.
 *
 * Intervals: a baseline treats its k sample days as draws from the target
 * day's distribution, so the predictive interval is mean +- t(k-1) * s *
 * sqrt(1 + 1/k).  A regression uses the fit's parameter covariance and
 * residual variance (x' C x + sigma^2, t quantile on the residual degrees of
 * freedom); when the lag-7 value of a target is itself a forecast, its
 * variance is carried along (times the lag coefficient squared).  GSL runs
 * with its error handler off; every status is checked and a failed fit makes
 * the method "not applicable" so the caller falls back to a baseline.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>

#include "analyzer/estimators.h"
#include "lib/timeutil.h"

/* Columns of the full regression design; unused ones are dropped per fit. */
enum {
	COL_INTERCEPT = 0,
	COL_DOW1,               /* Tuesday .. Sunday indicators (Monday is the base) */
	COL_DOW6 = COL_DOW1 + 5,
	COL_WEEKDAY_HOLIDAY,    /* public holiday falling on Monday..Friday */
	COL_TREND,              /* (day - origin) / 365 */
	COL_LAG7,
	NCOLS
};

#define RCOND_MIN 1e-9          /* below: the design is treated as singular */
#define MIN_DUMMY_ONES 2        /* an indicator seen fewer times is dropped */

static const char *const method_names[EST_NMETHODS] = {
	"mean_7d", "same_weekday_4w", "same_daytype_30d", "ols", "robust", "hurdle",
};

const double est_q_levels[EST_NQ] = {
	0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975,
};
#define Q_LO95 0
#define Q_LO80 2
#define Q_80 9
#define Q_HI80 10
#define Q_95 11
#define Q_HI95 12

void est_point_from_quantiles(struct est_point *p)
{
	int j;

	for (j = 0; j < EST_NQ; j++) {
		if (!(p->q[j] > 0))
			p->q[j] = 0;
		if (j > 0 && p->q[j] < p->q[j - 1])
			p->q[j] = p->q[j - 1];
	}
	p->minutes = p->q[EST_Q_MEDIAN];
	p->lower80 = p->q[Q_LO80];
	p->upper80 = p->q[Q_LO80] > 0 ? p->q[Q_HI80] : p->q[Q_80];
	p->lower95 = p->q[Q_LO95];
	p->upper95 = p->q[Q_LO95] > 0 ? p->q[Q_HI95] : p->q[Q_95];
	if (p->upper95 < p->upper80)
		p->upper95 = p->upper80;
}

double est_quantile_loss(const struct est_point *p, double y)
{
	double sum = 0;
	int j;

	for (j = 0; j < EST_NQ; j++) {
		double d = y - p->q[j];

		sum += d >= 0 ? est_q_levels[j] * d : (est_q_levels[j] - 1) * d;
	}
	return sum / EST_NQ;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void est_sort(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
}

double est_sorted_quantile(const double *v, int n, double u)
{
	double pos = u * (n - 1);
	int i = (int)floor(pos);

	if (i >= n - 1)
		return v[n - 1];
	if (i < 0)
		return v[0];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

void est_init(void)
{
	static int done;

	if (!done) {
		gsl_set_error_handler_off();
		done = 1;
	}
}

const char *est_method_name(enum est_method m)
{
	if (m < 0 || m >= EST_NMETHODS)
		return "unknown";
	return method_names[m];
}

int est_is_baseline(enum est_method m)
{
	return m == EST_MEAN_7D || m == EST_SAME_WEEKDAY_4W || m == EST_SAME_DAYTYPE_30D;
}

void est_zero(struct est_point *p)
{
	memset(p, 0, sizeof(*p));
}

static double floor0(double v)
{
	return v > 0 ? v : 0;
}

/* Fills the bounds from mean, sd and the two quantile multipliers. */
static void set_point(struct est_point *p, double mean, double sd, double q80, double q95)
{
	int j;

	/* the model's own quantiles (normal, floored): what calibration starts from */
	for (j = 0; j < EST_NQ; j++)
		p->q[j] = floor0(mean + gsl_cdf_ugaussian_Pinv(est_q_levels[j]) * sd);
	p->mean = mean;
	p->sd = sd;
	p->minutes = floor0(mean);
	p->lower80 = floor0(mean - q80 * sd);
	p->upper80 = floor0(mean + q80 * sd);
	p->lower95 = floor0(mean - q95 * sd);
	p->upper95 = floor0(mean + q95 * sd);
}

static int finite_point(const struct est_point *p)
{
	return isfinite(p->minutes) && isfinite(p->sd) && isfinite(p->lower80) &&
	       isfinite(p->upper80) && isfinite(p->lower95) && isfinite(p->upper95);
}

/* ---- baselines ---------------------------------------------------------- */

/* Predictive point from k sample values.  One value: we know nothing of the
 * spread, so its own size serves as the standard deviation (an interval of
 * roughly [0, 2x]) rather than a false certainty. */
static void sample_point(const double *v, int k, struct est_point *p)
{
	double mean = 0, ss = 0, sd, q80, q95;
	int i;

	for (i = 0; i < k; i++)
		mean += v[i];
	mean /= k;
	if (k < 2) {
		set_point(p, mean, fabs(mean), 1.2815515655446004, 1.959963984540054);
		return;
	}
	for (i = 0; i < k; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	sd = sqrt(ss / (k - 1)) * sqrt(1.0 + 1.0 / k);
	q80 = gsl_cdf_tdist_Pinv(0.90, k - 1);
	q95 = gsl_cdf_tdist_Pinv(0.975, k - 1);
	set_point(p, mean, sd, q80, q95);
}

static int baseline(enum est_method m, const struct est_series *s, int origin,
		    int horizon, struct est_point *out, char *err, size_t errlen)
{
	double v[32];
	int h, i, k;

	for (h = 1; h <= horizon; h++) {
		int t = origin + h;
		int wd = time_weekday(s->first_day + t);

		k = 0;
		switch (m) {
		case EST_MEAN_7D:
			for (i = origin; i > origin - 7 && i >= 0; i--)
				if (isfinite(s->y[i]))
					v[k++] = s->y[i];
			break;
		case EST_SAME_WEEKDAY_4W:
			/* the most recent day <= origin with the target's weekday */
			i = origin - ((origin - t) % 7 + 7) % 7;
			for (; i > origin - 28 && i >= 0; i -= 7)
				if (isfinite(s->y[i]) && time_weekday(s->first_day + i) == wd)
					v[k++] = s->y[i];
			break;
		case EST_SAME_DAYTYPE_30D:
			for (i = origin; i > origin - 30 && i >= 0; i--)
				if (isfinite(s->y[i]) && s->holiday[i] == s->holiday[t])
					v[k++] = s->y[i];
			break;
		default:
			snprintf(err, errlen, "not a baseline method");
			return -1;
		}
		if (k == 0) {
			snprintf(err, errlen, "%s: no comparable day before the origin",
				 est_method_name(m));
			return 1;
		}
		sample_point(v, k, &out[h - 1]);
	}
	return 0;
}

/* ---- hurdle ------------------------------------------------------------- */

#define HURDLE_WEEKS 8
#define HURDLE_PRIOR_DAYS 28
#define HURDLE_AMOUNT_DAYS 56
#define HURDLE_MIN_DAYS 14
#define HURDLE_ANY 0.5          /* minutes: less than this is no time */

static int hurdle(const struct est_series *s, int origin, int horizon, struct est_point *out,
		  char *err, size_t errlen)
{
	double v[HURDLE_AMOUNT_DAYS], sum = 0, sumsq = 0;
	int i, h, j, nv = 0, known = 0, n_all = 0, k_all = 0;

	for (i = origin; i > origin - HURDLE_AMOUNT_DAYS && i >= 0; i--) {
		if (!isfinite(s->y[i]))
			continue;
		known++;
		if (s->y[i] >= HURDLE_ANY) {
			v[nv++] = s->y[i];
			sum += s->y[i];
			sumsq += s->y[i] * s->y[i];
		}
		if (i > origin - HURDLE_PRIOR_DAYS) {
			n_all++;
			k_all += s->y[i] >= HURDLE_ANY;
		}
	}
	if (known < HURDLE_MIN_DAYS) {
		snprintf(err, errlen, "hurdle: %d days of history, %d needed", known,
			 HURDLE_MIN_DAYS);
		return 1;
	}
	est_sort(v, nv);
	for (h = 1; h <= horizon; h++) {
		int t = origin + h, n_wd = 0, k_wd = 0;
		double p_all = (k_all + 0.5) / (n_all + 1.0), p, mean;
		struct est_point *o = &out[h - 1];

		/* the same weekday, and the same day type (a holiday on a weekday
		 * is not a working day) */
		i = origin - ((origin - t) % 7 + 7) % 7;
		for (; i > origin - 7 * HURDLE_WEEKS && i >= 0; i -= 7)
			if (isfinite(s->y[i]) && s->holiday[i] == s->holiday[t]) {
				n_wd++;
				k_wd += s->y[i] >= HURDLE_ANY;
			}
		p = nv ? (k_wd + 2.0 * p_all) / (n_wd + 2.0) : 0;
		mean = nv ? p * sum / nv : 0;
		memset(o, 0, sizeof(*o));
		o->mean = mean;
		o->sd = nv ? sqrt(fmax(0, p * sumsq / nv - mean * mean)) : 0;
		for (j = 0; j < EST_NQ; j++) {
			double tau = est_q_levels[j];

			o->q[j] = nv && tau > 1 - p ? est_sorted_quantile(v, nv, (tau - (1 - p)) / p) : 0;
		}
		est_point_from_quantiles(o);
		o->minutes = mean;      /* the raw point is the mean; calibration may change it */
	}
	return 0;
}

/* ---- regressions -------------------------------------------------------- */

/* Value of full-design column c for day index t with lag value lag; the
 * trend counts from the fit's origin. */
static double design_value(const struct est_series *s, int origin, int t, int c, double lag)
{
	int wd = time_weekday(s->first_day + t);

	if (c == COL_INTERCEPT)
		return 1;
	if (c >= COL_DOW1 && c <= COL_DOW6)
		return wd == c - COL_DOW1 + 1 ? 1 : 0;
	if (c == COL_WEEKDAY_HOLIDAY)
		return s->holiday[t] && wd < 5 ? 1 : 0;
	if (c == COL_TREND)
		return (t - origin) / 365.0;
	return lag;
}

struct fit {
	enum est_method method;
	int origin;             /* the fit saw days <= origin; the trend is 0 there */
	int cols[NCOLS];        /* full-design column of each fitted column */
	int p;                  /* fitted columns */
	int lag_col;            /* index of the lag column among cols, -1 if dropped */
	gsl_vector *c;
	gsl_matrix *cov;
	double sigma;           /* residual standard deviation */
	double dof;
	double lag_mean, lag_var;   /* of the training lag values: stand-in for a missing lag */
};

static void fit_release(struct fit *f)
{
	gsl_vector_free(f->c);
	gsl_matrix_free(f->cov);
	f->c = NULL;
	f->cov = NULL;
}

/* Training rows: days in the window with a known value and a known lag. */
static int training_rows(const struct est_series *s, int origin, int *rows)
{
	int t, n = 0, start = origin - EST_TRAIN_DAYS + 1;

	if (start < 7)
		start = 7;
	for (t = start; t <= origin; t++)
		if (isfinite(s->y[t]) && isfinite(s->y[t - 7]))
			rows[n++] = t;
	return n;
}

/* One fit of the chosen columns; 0 ok, 1 singular or failed. */
static int fit_columns(enum est_method m, const struct est_series *s, int origin,
		       const int *rows, int n, struct fit *f, char *err, size_t errlen)
{
	gsl_matrix *X = gsl_matrix_alloc(n, f->p);
	gsl_vector *y = gsl_vector_alloc(n);
	int i, j, status, rc = 1;
	double chisq;

	f->c = gsl_vector_alloc(f->p);
	f->cov = gsl_matrix_alloc(f->p, f->p);
	if (!X || !y || !f->c || !f->cov) {
		snprintf(err, errlen, "out of memory for a %dx%d fit", n, f->p);
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int t = rows[i];

		for (j = 0; j < f->p; j++)
			gsl_matrix_set(X, i, j, design_value(s, origin, t, f->cols[j], s->y[t - 7]));
		gsl_vector_set(y, i, s->y[t]);
	}

	/* OLS first, also for the robust method: its conditioning decides
	 * whether the design is usable at all. */
	{
		gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, f->p);
		double rcond;

		if (!w) {
			snprintf(err, errlen, "out of memory for a %dx%d fit", n, f->p);
			rc = -1;
			goto out;
		}
		status = gsl_multifit_linear(X, y, f->c, f->cov, &chisq, w);
		rcond = status == GSL_SUCCESS ? gsl_multifit_linear_rcond(w) : 0;
		gsl_multifit_linear_free(w);
		if (status != GSL_SUCCESS) {
			snprintf(err, errlen, "least squares fit failed: %s", gsl_strerror(status));
			goto out;
		}
		if (!(rcond >= RCOND_MIN)) {
			snprintf(err, errlen, "design is ill-conditioned (rcond %.3g)", rcond);
			goto out;
		}
		f->dof = n - f->p;
		f->sigma = sqrt(chisq / f->dof);
	}

	if (m == EST_ROBUST) {
		gsl_multifit_robust_workspace *w =
			gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, n, f->p);
		gsl_multifit_robust_stats st;

		if (!w) {
			snprintf(err, errlen, "out of memory for a %dx%d robust fit", n, f->p);
			rc = -1;
			goto out;
		}
		status = gsl_multifit_robust_maxiter(100, w);
		if (status == GSL_SUCCESS)
			status = gsl_multifit_robust(X, y, f->c, f->cov, w);
		st = gsl_multifit_robust_statistics(w);
		gsl_multifit_robust_free(w);
		/* GSL_EMAXITER still leaves the last iterate, good enough for a
		 * forecast; anything else is a failed fit. */
		if (status != GSL_SUCCESS && status != GSL_EMAXITER) {
			snprintf(err, errlen, "robust fit failed: %s", gsl_strerror(status));
			goto out;
		}
		f->sigma = st.sigma;
		f->dof = (double)st.dof;
	}

	for (j = 0; j < f->p; j++) {
		if (!isfinite(gsl_vector_get(f->c, j))) {
			snprintf(err, errlen, "fit gave a non-finite coefficient");
			goto out;
		}
		for (i = 0; i < f->p; i++)
			if (!isfinite(gsl_matrix_get(f->cov, i, j))) {
				snprintf(err, errlen, "fit gave a non-finite covariance");
				goto out;
			}
	}
	if (!isfinite(f->sigma) || f->sigma < 0 || !(f->dof >= 1)) {
		snprintf(err, errlen, "fit has no usable residual variance");
		goto out;
	}
	rc = 0;
out:
	gsl_matrix_free(X);
	gsl_vector_free(y);
	if (rc != 0)
		fit_release(f);
	return rc;
}

/* Chooses the columns, fits, and drops the lag column when it is collinear
 * with the calendar columns (a perfectly repeating week). */
static int fit_design(enum est_method m, const struct est_series *s, int origin,
		      const int *rows, int n, struct fit *f, char *err, size_t errlen)
{
	int c, i, rc, ones;
	double sum = 0, ss = 0;

	memset(f, 0, sizeof(*f));
	f->lag_col = -1;
	for (c = 0; c < NCOLS; c++) {
		if ((c >= COL_DOW1 && c <= COL_DOW6) || c == COL_WEEKDAY_HOLIDAY) {
			ones = 0;
			for (i = 0; i < n; i++)
				ones += design_value(s, origin, rows[i], c, 0) != 0;
			if (ones < MIN_DUMMY_ONES || ones == n)
				continue;
		}
		if (c == COL_LAG7)
			f->lag_col = f->p;
		f->cols[f->p++] = c;
	}
	for (i = 0; i < n; i++)
		sum += s->y[rows[i] - 7];
	f->lag_mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (s->y[rows[i] - 7] - f->lag_mean) * (s->y[rows[i] - 7] - f->lag_mean);
	f->lag_var = n > 1 ? ss / (n - 1) : 0;

	if (n - f->p < 1) {
		snprintf(err, errlen, "too few days for the regression (%d)", n);
		return 1;
	}
	rc = fit_columns(m, s, origin, rows, n, f, err, errlen);
	if (rc == 1 && f->lag_col >= 0) {
		f->p--;         /* the lag is the last column */
		f->lag_col = -1;
		rc = fit_columns(m, s, origin, rows, n, f, err, errlen);
	}
	return rc;
}

int est_fit(enum est_method m, const struct est_series *s, int origin,
	    struct est_model **model, char *err, size_t errlen)
{
	int rows[EST_TRAIN_DAYS];
	struct fit *f;
	int n, rc;

	est_init();
	*model = NULL;
	if (m != EST_OLS && m != EST_ROBUST) {
		snprintf(err, errlen, "%s is not a regression", est_method_name(m));
		return -1;
	}
	if (origin >= s->n) {
		snprintf(err, errlen, "fit origin %d outside the series of %d days", origin, s->n);
		return -1;
	}
	n = origin >= 0 ? training_rows(s, origin, rows) : 0;
	if (n < EST_MIN_HISTORY) {
		snprintf(err, errlen, "%s: %d days of history, %d needed",
			 est_method_name(m), n, EST_MIN_HISTORY);
		return 1;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = fit_design(m, s, origin, rows, n, f, err, errlen);
	if (rc != 0) {
		free(f);
		return rc;
	}
	f->method = m;
	f->origin = origin;
	*model = (struct est_model *)f;
	return 0;
}

void est_model_free(struct est_model *model)
{
	struct fit *f = (struct fit *)model;

	if (!f)
		return;
	fit_release(f);
	free(f);
}

int est_predict(const struct est_model *model, const struct est_series *s, int origin,
		int horizon, struct est_point *out, char *err, size_t errlen)
{
	const struct fit *f = (const struct fit *)model;
	gsl_vector *x;
	double q80, q95;
	int h, j, rc = 0;

	if (origin < f->origin || horizon < 1 || origin + horizon >= s->n) {
		snprintf(err, errlen, "prediction range %d+%d does not fit the model or series",
			 origin, horizon);
		return -1;
	}
	x = gsl_vector_alloc(f->p);
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	q80 = gsl_cdf_tdist_Pinv(0.90, f->dof);
	q95 = gsl_cdf_tdist_Pinv(0.975, f->dof);
	for (h = 1; h <= horizon; h++) {
		int t = origin + h, l = t - 7;
		double lag, lag_var, yhat, yerr, var;
		int status;

		if (l <= origin && l >= 0 && isfinite(s->y[l])) {
			lag = s->y[l];
			lag_var = 0;
		} else if (l > origin) {
			lag = out[l - origin - 1].minutes;
			lag_var = out[l - origin - 1].sd * out[l - origin - 1].sd;
		} else {
			lag = f->lag_mean;
			lag_var = f->lag_var;
		}
		for (j = 0; j < f->p; j++)
			gsl_vector_set(x, j, design_value(s, f->origin, t, f->cols[j], lag));
		if (f->method == EST_ROBUST)
			status = gsl_multifit_robust_est(x, f->c, f->cov, &yhat, &yerr);
		else
			status = gsl_multifit_linear_est(x, f->c, f->cov, &yhat, &yerr);
		if (status != GSL_SUCCESS) {
			snprintf(err, errlen, "%s: prediction failed: %s",
				 est_method_name(f->method), gsl_strerror(status));
			rc = 1;
			break;
		}
		var = yerr * yerr + f->sigma * f->sigma;
		if (f->lag_col >= 0)
			var += gsl_vector_get(f->c, f->lag_col) * gsl_vector_get(f->c, f->lag_col) * lag_var;
		set_point(&out[h - 1], yhat, sqrt(var), q80, q95);
		if (!finite_point(&out[h - 1])) {
			snprintf(err, errlen, "%s: non-finite prediction", est_method_name(f->method));
			rc = 1;
			break;
		}
	}
	gsl_vector_free(x);
	return rc;
}

static int regression(enum est_method m, const struct est_series *s, int origin,
		      int horizon, struct est_point *out, char *err, size_t errlen)
{
	struct est_model *model;
	int rc = est_fit(m, s, origin, &model, err, errlen);

	if (rc != 0)
		return rc;
	rc = est_predict(model, s, origin, horizon, out, err, errlen);
	est_model_free(model);
	return rc;
}

int est_forecast(enum est_method m, const struct est_series *s, int origin,
		 int horizon, struct est_point *out, char *err, size_t errlen)
{
	est_init();
	if (origin < -1 || horizon < 1 || origin + horizon >= s->n) {
		snprintf(err, errlen, "forecast range %d+%d outside the series of %d days",
			 origin, horizon, s->n);
		return -1;
	}
	if (origin < 0) {
		snprintf(err, errlen, "no history before the origin");
		return 1;
	}
	if (est_is_baseline(m))
		return baseline(m, s, origin, horizon, out, err, errlen);
	if (m == EST_OLS || m == EST_ROBUST)
		return regression(m, s, origin, horizon, out, err, errlen);
	if (m == EST_HURDLE)
		return hurdle(s, origin, horizon, out, err, errlen);
	snprintf(err, errlen, "unknown method %d", (int)m);
	return -1;
}
