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
#include "lib/buf.h"
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

/* Quicksort (median of three, the smaller side first so the stack stays
 * O(log n)) with insertion sort below 16: no comparison callback, several
 * times quicker than qsort on the backtest's calibration cells.  Any
 * correct sort gives the same sorted array, so the same quantiles. */
static void sort_doubles(double *v, int n)
{
	while (n > 16) {
		double pivot, t;
		int i = 0, j = n - 1, mid = n / 2;

		if (v[mid] < v[0]) { t = v[mid]; v[mid] = v[0]; v[0] = t; }
		if (v[n - 1] < v[0]) { t = v[n - 1]; v[n - 1] = v[0]; v[0] = t; }
		if (v[n - 1] < v[mid]) { t = v[n - 1]; v[n - 1] = v[mid]; v[mid] = t; }
		pivot = v[mid];
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		/* [0, j] <= pivot <= [i, n - 1] */
		if (j + 1 < n - i) {
			sort_doubles(v, j + 1);
			v += i;
			n -= i;
		} else {
			sort_doubles(v + i, n - i);
			n = j + 1;
		}
	}
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i - 1;

		while (j >= 0 && v[j] > x) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
}

void est_sort(double *v, int n)
{
	if (n > 1)
		sort_doubles(v, n);
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

/* Quantiles that every forecast needs, computed once (the same GSL calls,
 * so the same values): the standard normal at est_q_levels, and Student's
 * t at 0.90 / 0.975 for the small whole degrees of freedom of the
 * baselines' samples. */
#define T_TABLE_DOF 64
static double z_levels[EST_NQ];
static double t80_table[T_TABLE_DOF], t95_table[T_TABLE_DOF];

void est_init(void)
{
	static int done;
	int j;

	if (!done) {
		gsl_set_error_handler_off();
		for (j = 0; j < EST_NQ; j++)
			z_levels[j] = gsl_cdf_ugaussian_Pinv(est_q_levels[j]);
		for (j = 1; j < T_TABLE_DOF; j++) {
			t80_table[j] = gsl_cdf_tdist_Pinv(0.90, j);
			t95_table[j] = gsl_cdf_tdist_Pinv(0.975, j);
		}
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
		p->q[j] = floor0(mean + z_levels[j] * sd);
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
	if (k - 1 < T_TABLE_DOF) {
		q80 = t80_table[k - 1];
		q95 = t95_table[k - 1];
	} else {
		q80 = gsl_cdf_tdist_Pinv(0.90, k - 1);
		q95 = gsl_cdf_tdist_Pinv(0.975, k - 1);
	}
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

/* ---- the fit cache ------------------------------------------------------ */

/* Bump when anything a fit computes changes (design, constants, GSL calls):
 * entries of another version never match. */
#define FIT_CACHE_VERSION 1

struct cache_entry {
	enum est_method method;
	int32_t origin_day;     /* the fit's origin as a day number */
	uint64_t key;           /* hash of everything the fit read */
	int fresh;              /* fitted in this process (not loaded) */
	struct fit *fit;        /* NULL: the fit did not apply, or not parsed yet */
	char *text;             /* loaded and not parsed yet: the rest of its text */
};

struct est_fit_cache {
	struct cache_entry *e;
	size_t n, cap;
	long hits, misses;
};

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Everything est_fit reads for (m, origin): the training rows' offsets from
 * the origin, their values and lag values (bit patterns), day types, and the
 * origin's day number (the weekdays follow from it). */
static uint64_t fit_key(enum est_method m, const struct est_series *s, int origin,
			const int *rows, int n)
{
	uint64_t h = 14695981039346656037ULL;
	int32_t day = s->first_day + origin;
	int v[5] = { FIT_CACHE_VERSION, (int)m, EST_TRAIN_DAYS, EST_MIN_HISTORY, n };
	int i;

	h = fnv(h, v, sizeof(v));
	h = fnv(h, &day, sizeof(day));
	for (i = 0; i < n; i++) {
		int t = rows[i], off = origin - t;

		h = fnv(h, &off, sizeof(off));
		h = fnv(h, &s->y[t], sizeof(double));
		h = fnv(h, &s->y[t - 7], sizeof(double));
		h = fnv(h, &s->holiday[t], 1);
	}
	return h;
}

struct est_fit_cache *est_fit_cache_new(void)
{
	return calloc(1, sizeof(struct est_fit_cache));
}

static void fit_free(struct fit *f)
{
	if (f) {
		fit_release(f);
		free(f);
	}
}

void est_fit_cache_free(struct est_fit_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		fit_free(c->e[i].fit);
		free(c->e[i].text);
	}
	free(c->e);
	free(c);
}

static struct cache_entry *cache_find(struct est_fit_cache *c, enum est_method m, int32_t day)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].method == m && c->e[i].origin_day == day)
			return &c->e[i];
	return NULL;
}

/* Puts f in c for (m, day), replacing an older entry; 0, or -1 out of memory. */
static int cache_put(struct est_fit_cache *c, enum est_method m, int32_t day, uint64_t key,
		     int fresh, struct fit *f)
{
	struct cache_entry *e = cache_find(c, m, day);

	if (!e) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 32;
			struct cache_entry *ne = realloc(c->e, cap * sizeof(*ne));

			if (!ne)
				return -1;
			c->e = ne;
			c->cap = cap;
		}
		e = &c->e[c->n++];
		e->fit = NULL;
		e->text = NULL;
	}
	fit_free(e->fit);
	free(e->text);
	e->text = NULL;
	e->method = m;
	e->origin_day = day;
	e->key = key;
	e->fresh = fresh;
	e->fit = f;
	return 0;
}

static int parse_fit(struct cache_entry *e);
static void cache_drop(struct est_fit_cache *c, struct cache_entry *e);

int est_fit_cached(struct est_fit_cache *c, enum est_method m, const struct est_series *s,
		   int origin, const struct est_model **model, char *err, size_t errlen)
{
	int rows[EST_TRAIN_DAYS];
	struct cache_entry *e;
	struct est_model *fitted;
	uint64_t key;
	int n, rc;

	*model = NULL;
	if (m != EST_OLS && m != EST_ROBUST) {
		snprintf(err, errlen, "%s is not a regression", est_method_name(m));
		return -1;
	}
	if (origin < 0 || origin >= s->n)
		return est_fit(m, s, origin, &fitted, err, errlen);   /* its own error */
	n = training_rows(s, origin, rows);
	key = fit_key(m, s, origin, rows, n);
	e = cache_find(c, m, s->first_day + origin);
	if (e && e->key == key && e->text && parse_fit(e) < 0) {
		cache_drop(c, e);       /* malformed: fitted again */
		e = NULL;
	}
	if (e && e->key == key) {
		c->hits++;
		if (!e->fit) {
			snprintf(err, errlen, "%s: the fit did not apply at this origin",
				 est_method_name(m));
			return 1;
		}
		e->fit->origin = origin;        /* the index in this series */
		*model = (const struct est_model *)e->fit;
		return 0;
	}
	c->misses++;
	rc = est_fit(m, s, origin, &fitted, err, errlen);
	if (rc < 0)
		return rc;
	/* a fit that does not apply (rc 1) is remembered as such */
	if (cache_put(c, m, s->first_day + origin, key, 1, (struct fit *)fitted) < 0) {
		est_model_free(fitted);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*model = fitted;
	return rc;
}

void est_fit_cache_stats(const struct est_fit_cache *c, long *hits, long *misses)
{
	*hits = c->hits;
	*misses = c->misses;
}

size_t est_fit_cache_size(const struct est_fit_cache *c)
{
	return c->n;
}

/* Text form: "fit1 METHOD DAY KEY -" for a fit that did not apply, else
 * "fit1 METHOD DAY KEY P LAG_COL COLS... DOUBLES..." with the doubles (dof,
 * sigma, lag mean and variance, the p coefficients, the p x p covariance)
 * as the 16 hex digits of their IEEE bit patterns: exact, and quick to read. */
static void put_bits(struct buf *out, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	buf_printf(out, " %016llx", (unsigned long long)u);
}

int est_fit_cache_entry(const struct est_fit_cache *c, size_t i, int32_t *origin_day,
			enum est_method *m, int *fresh, struct buf *out)
{
	const struct cache_entry *e;
	const struct fit *f;
	int j, k;

	if (i >= c->n)
		return -1;
	e = &c->e[i];
	f = e->fit;
	*origin_day = e->origin_day;
	*m = e->method;
	*fresh = e->fresh;
	if (!out)
		return 0;
	buf_printf(out, "fit%d %d %d %llu", FIT_CACHE_VERSION, (int)e->method,
		   (int)e->origin_day, (unsigned long long)e->key);
	if (!f) {
		buf_puts(out, e->text ? e->text : " -");       /* not parsed yet, or did not apply */
		return 0;
	}
	buf_printf(out, " %d %d", f->p, f->lag_col);
	for (j = 0; j < f->p; j++)
		buf_printf(out, " %d", f->cols[j]);
	put_bits(out, f->dof);
	put_bits(out, f->sigma);
	put_bits(out, f->lag_mean);
	put_bits(out, f->lag_var);
	for (j = 0; j < f->p; j++)
		put_bits(out, gsl_vector_get(f->c, j));
	for (j = 0; j < f->p; j++)
		for (k = 0; k < f->p; k++)
			put_bits(out, gsl_matrix_get(f->cov, j, k));
	return 0;
}

static int next_bits(const char **p, double *v)
{
	const char *q = *p;
	uint64_t u = 0;
	int i;

	if (*q++ != ' ')
		return -1;
	for (i = 0; i < 16; i++, q++) {
		int d = *q >= '0' && *q <= '9' ? *q - '0' : *q >= 'a' && *q <= 'f' ? *q - 'a' + 10 : -1;

		if (d < 0)
			return -1;
		u = u << 4 | (uint64_t)d;
	}
	memcpy(v, &u, sizeof(*v));
	*p = q;
	return 0;
}

static int next_long(const char **p, long long *v)
{
	char *end;

	*v = strtoll(*p, &end, 10);
	if (end == *p)
		return -1;
	*p = end;
	return 0;
}

/* Parses the pending text of e into e->fit; 0, or -1 when malformed. */
static int parse_fit(struct cache_entry *e)
{
	const char *p = e->text;
	struct fit *f;
	long long p_cols, lag_col, col;
	double v;
	int j, k;

	if (next_long(&p, &p_cols) < 0 || next_long(&p, &lag_col) < 0 || p_cols < 1 ||
	    p_cols > NCOLS || lag_col < -1 || lag_col >= p_cols)
		return -1;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->method = e->method;
	f->p = (int)p_cols;
	f->lag_col = (int)lag_col;
	f->c = gsl_vector_alloc(f->p);
	f->cov = gsl_matrix_alloc(f->p, f->p);
	if (!f->c || !f->cov)
		goto bad;
	for (j = 0; j < f->p; j++) {
		if (next_long(&p, &col) < 0 || col < 0 || col >= NCOLS)
			goto bad;
		f->cols[j] = (int)col;
	}
	if (next_bits(&p, &f->dof) < 0 || next_bits(&p, &f->sigma) < 0 ||
	    next_bits(&p, &f->lag_mean) < 0 || next_bits(&p, &f->lag_var) < 0)
		goto bad;
	for (j = 0; j < f->p; j++) {
		if (next_bits(&p, &v) < 0)
			goto bad;
		gsl_vector_set(f->c, j, v);
	}
	for (j = 0; j < f->p; j++)
		for (k = 0; k < f->p; k++) {
			if (next_bits(&p, &v) < 0)
				goto bad;
			gsl_matrix_set(f->cov, j, k, v);
		}
	if (*p != '\0')
		goto bad;
	free(e->text);
	e->text = NULL;
	e->fit = f;
	return 0;
bad:
	fit_free(f);
	return -1;
}

static void cache_drop(struct est_fit_cache *c, struct cache_entry *e)
{
	fit_free(e->fit);
	free(e->text);
	*e = c->e[--c->n];
}

/* Reads the head (version, method, day, key) now; the fit itself is parsed
 * when it is first served (most loaded entries are not). */
int est_fit_cache_add(struct est_fit_cache *c, const char *text)
{
	const char *p = text;
	long long method, day;
	unsigned long long key;
	struct cache_entry *e;
	char *end, *rest;

	if (strncmp(p, "fit", 3) != 0 || strtol(p + 3, &end, 10) != FIT_CACHE_VERSION ||
	    *end != ' ')
		return -1;      /* another version: not used */
	p = end;
	if (next_long(&p, &method) < 0 || next_long(&p, &day) < 0 ||
	    (method != EST_OLS && method != EST_ROBUST))
		return -1;
	key = strtoull(p, &end, 10);
	if (end == p)
		return -1;
	p = end;
	if (!strcmp(p, " -"))
		return cache_put(c, (enum est_method)method, (int32_t)day, key, 0, NULL);
	rest = strdup(p);
	if (!rest || cache_put(c, (enum est_method)method, (int32_t)day, key, 0, NULL) < 0) {
		free(rest);
		return -1;
	}
	e = cache_find(c, (enum est_method)method, (int32_t)day);
	e->text = rest;
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
