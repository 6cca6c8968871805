/*
 * analyze: reads the marts, runs the estimators, backtests and the flow, and
 * has store.c write the snapshot (analyze.h).
 *
 * Reading happens before the write transaction opens and all arithmetic is
 * done in memory, so that transaction is short.  A NaN or NULL in an input
 * row is a missing day, never passed through to the tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "analyzer/analyze.h"
#include "analyzer/estimators.h"
#include "analyzer/flow.h"
#include "analyzer/store.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/resource.h"
#include "lib/timeutil.h"

#define ANALYZE_LOCK "dwhbi.analyze"
#define ANALYZE_LOCK_WAIT 60   /* seconds; a run takes well under one */

void analyze_result_init(struct analyze_result *r)
{
	memset(r, 0, sizeof(*r));
}

void analyze_result_release(struct analyze_result *r)
{
	int i;

	for (i = 0; i < r->ncategories; i++) {
		free(r->categories[i].name);
		free(r->categories[i].errors);
	}
	free(r->categories);
	analyze_result_init(r);
}

void analyze_work_release(struct analyze_work *w)
{
	int i;

	free(w->holiday);
	free(w->y);
	free(w->points);
	for (i = 0; i < w->ncaches; i++)
		est_fit_cache_free(w->caches[i]);
	free(w->caches);
	for (i = 0; i < w->nflow_names; i++)
		free(w->flow_names[i]);
	free(w->flow_names);
	free(w->flows);
	memset(w, 0, sizeof(*w));
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();        /* as buf.h: out of memory is not recoverable here */
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

#define MONTH_MIN_SAMPLES 12     /* origins a window of sums needs to count */

/* The variance of the error of a sum over the next L days, from the
 * backtest's errors of sums over every window 1..L that has
 * MONTH_MIN_SAMPLES origins: it grows like a * l + b * l^2 (independent
 * noise plus an error of the level that every day shares: the days'
 * correlation), fitted by least squares with a, b >= 0 and read off at L.
 * The windows' mean error does not move the centre: from overlapping
 * windows of a few weeks it is mostly noise (measured with --evaluate:
 * moving the centre by it cut the month-end coverage by 0.05-0.09).  It is
 * kept in the spread instead: the "variance" of a window is the mean square
 * of its sums around 0 (the error of the unmoved centre), not around their
 * mean (measured: month-end 95 % coverage 0.882 -> 0.907 and 0.872 -> 0.898
 * on two sets of three persons, 0.911 -> 0.938 on the demo person).  0
 * without enough windows. */
static int month_sum_model(const double *errors, int L, double *var)
{
	double sums[BT_DAYS], s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
	double a, b, det;
	int l, k, n, used = 0;

	for (l = 1; l <= L; l++) {
		double v = 0;

		n = backtest_sum_errors(errors, l, sums);
		if (n < MONTH_MIN_SAMPLES)
			continue;
		for (k = 0; k < n; k++)
			v += sums[k] * sums[k];
		v /= n;
		s11 += (double)l * l;
		s12 += (double)l * l * l;
		s22 += (double)l * l * l * l;
		t1 += v * l;
		t2 += v * l * l;
		used++;
	}
	if (used < 3)
		return 0;
	det = s11 * s22 - s12 * s12;
	a = det > 0 ? (t1 * s22 - t2 * s12) / det : -1;
	b = det > 0 ? (s11 * t2 - s12 * t1) / det : -1;
	if (a < 0 || b < 0) {
		/* one term only: the one the fit kept positive */
		if (b < 0) {
			a = t1 / s11;
			b = 0;
		} else {
			a = 0;
			b = t2 / s22;
		}
	}
	*var = a * L + b * (double)L * L;
	return *var > 0;
}

int32_t analyze_month_start(int32_t day)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	return time_days_from_civil(y, m, 1);
}

int32_t analyze_next_month_start(int32_t day)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	return m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1);
}

static double cell_double(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NAN;
	return strtod(PQgetvalue(res, row, col), NULL);
}

int analyze_load_days(PGconn *db, struct analyze_work *w, char *err, size_t errlen)
{
	char from[16], to[16];
	const char *params[2] = { from, to };
	PGresult *res;
	int i;

	time_format_date(w->first_day, from, sizeof(from));
	time_format_date(w->first_day + w->n - 1, to, sizeof(to));
	res = query_file(db, "analyzer/days.sql", 2, params, err, errlen);
	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		int off = atoi(PQgetvalue(res, i, 0));

		if (off >= 0 && off < w->n)
			w->holiday[off] = PQgetvalue(res, i, 1)[0] == 't';
	}
	PQclear(res);
	return 0;
}

/* Fills r->categories and w->y from history.sql. */
int analyze_load_history(PGconn *db, struct analyze_work *w, struct analyze_result *r,
			 char *err, size_t errlen)
{
	char from[16], to[16];
	const char *params[2] = { from, to };
	PGresult *res;
	int i, rows, k = -1, j;

	time_format_date(w->first_day, from, sizeof(from));
	time_format_date(r->as_of, to, sizeof(to));
	res = query_file(db, "analyzer/history.sql", 2, params, err, errlen);
	if (!res)
		return -1;
	rows = PQntuples(res);
	/* rows are ordered by category: count the categories first */
	r->ncategories = 0;
	for (i = 0; i < rows; i++)
		if (i == 0 || strcmp(PQgetvalue(res, i, 0), PQgetvalue(res, i - 1, 0)))
			r->ncategories++;
	r->categories = xcalloc(r->ncategories, sizeof(*r->categories));
	w->y = xcalloc((size_t)r->ncategories * w->n, sizeof(double));
	for (j = 0; j < r->ncategories * w->n; j++)
		w->y[j] = NAN;
	for (i = 0; i < rows; i++) {
		int off;

		if (i == 0 || strcmp(PQgetvalue(res, i, 0), PQgetvalue(res, i - 1, 0))) {
			k++;
			r->categories[k].name = xstrdup(PQgetvalue(res, i, 0));
			r->categories[k].method = BT_NO_HISTORY;
		}
		if (PQgetisnull(res, i, 1))
			continue;
		r->rows_read++;
		off = atoi(PQgetvalue(res, i, 1));
		if (off < 0 || off > w->origin)
			continue;
		/* the marts' own day type wins over the calendar guess */
		if (!PQgetisnull(res, i, 2))
			w->holiday[off] = PQgetvalue(res, i, 2)[0] == 't';
		w->y[(size_t)k * w->n + off] = cell_double(res, i, 3);
		if (!isfinite(w->y[(size_t)k * w->n + off]))
			w->y[(size_t)k * w->n + off] = NAN;   /* NaN or NULL: a missing day */
	}
	PQclear(res);
	return 0;
}

void analyze_estimate(struct analyze_work *w, struct analyze_result *r, char *err, size_t errlen,
		      int *rc)
{
	int k, h;

	w->points = xcalloc((size_t)r->ncategories * w->horizon, sizeof(struct est_point));
	for (k = 0; k < r->ncategories && *rc == 0; k++) {
		struct analyze_category *c = &r->categories[k];
		struct est_series s = { w->first_day, w->n, w->y + (size_t)k * w->n, w->holiday };
		struct est_point *pts = w->points + (size_t)k * w->horizon;
		double var = 0, remaining = 0, q, sum_var;
		int32_t d;
		int L;

		if (backtest_estimate_cached(&s, w->origin, w->horizon,
					     k < w->ncaches ? w->caches[k] : NULL, &c->backtest,
					     &c->method, pts, err, errlen) < 0) {
			*rc = -1;
			break;
		}
		if (getenv("DWHBI_FIT_CACHE_TRACE") && k < w->ncaches) {
			long hits, misses;

			est_fit_cache_stats(w->caches[k], &hits, &misses);
			fprintf(stderr, "fit cache %s: %ld hits, %ld misses, %zu entries\n", c->name,
				hits, misses, est_fit_cache_size(w->caches[k]));
		}
		/* month-end projection: actual so far + the means of the remaining
		 * days, with the spread of the backtest's errors of whole
		 * remaining-period sums (their correlation included) */
		c->month_actual = 0;
		for (d = r->month; d <= r->as_of; d++) {
			double v = s.y[d - w->first_day];

			if (isfinite(v))
				c->month_actual += v;
		}
		c->errors = xcalloc((size_t)BT_DAYS * BT_HORIZON, sizeof(double));
		backtest_point_errors(&c->backtest, &s, c->method, c->errors);
		L = 0;
		for (h = 1; h <= w->horizon && r->as_of + h < analyze_next_month_start(r->month); h++) {
			remaining += pts[h - 1].mean;
			var += pts[h - 1].sd * pts[h - 1].sd;
			L = h;
		}
		if (month_sum_model(c->errors, L, &sum_var)) {
			double sd = sqrt(sum_var), base = remaining;

			c->month_projected = c->month_actual + fmax(0, base);
			c->month_lower80 = c->month_actual + fmax(0, base - 1.2815515655446004 * sd);
			c->month_upper80 = c->month_actual + fmax(0, base + 1.2815515655446004 * sd);
			c->month_lower95 = c->month_actual + fmax(0, base - 1.959963984540054 * sd);
			c->month_upper95 = c->month_actual + fmax(0, base + 1.959963984540054 * sd);
			continue;
		}
		/* too little backtest: independent days, normal */
		c->month_projected = c->month_actual + remaining;
		q = 1.2815515655446004 * sqrt(var);
		c->month_lower80 = fmax(c->month_actual, c->month_projected - q);
		c->month_upper80 = c->month_projected + q;
		q = 1.959963984540054 * sqrt(var);
		c->month_lower95 = fmax(c->month_actual, c->month_projected - q);
		c->month_upper95 = c->month_projected + q;
	}
}

static int flow_name_index(struct analyze_work *w, const char *name)
{
	int i;

	for (i = 0; i < w->nflow_names; i++)
		if (!strcmp(w->flow_names[i], name))
			return i;
	return -1;
}

static void flow_push(struct analyze_work *w, int month, int32_t start, int from, int to, double minutes)
{
	if (w->nflows == w->flows_cap) {
		w->flows_cap = w->flows_cap ? 2 * w->flows_cap : 1024;
		w->flows = realloc(w->flows, w->flows_cap * sizeof(*w->flows));
		if (!w->flows)
			abort();
	}
	w->flows[w->nflows].month = month;
	w->flows[w->nflows].start = start;
	w->flows[w->nflows].from = from;
	w->flows[w->nflows].to = to;
	w->flows[w->nflows].minutes = minutes;
	w->nflows++;
}

static void flush_month(struct analyze_work *w, int32_t month, double *mat)
{
	int k = w->nflow_names, i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			if (mat[i * k + j] >= FLOW_MIN_MINUTES)
				flow_push(w, 1, month, i, j, mat[i * k + j]);
	memset(mat, 0, (size_t)k * k * sizeof(double));
}

/* Day and month flows from plan_actual.sql (rows ordered by date). */
static int load_flows(PGconn *db, struct analyze_work *w, struct analyze_result *r,
		      char *err, size_t errlen)
{
	char as_of[16];
	const char *params[1] = { as_of };
	PGresult *res;
	double *plan = NULL, *actual = NULL, *mat = NULL;
	struct flow_edge *edges = NULL;
	int rows, i, k, e, n, maxedges, rc = 0;
	int32_t day = 0, month = 0;

	time_format_date(r->as_of, as_of, sizeof(as_of));
	res = query_file(db, "analyzer/plan_actual.sql", 1, params, err, errlen);
	if (!res)
		return -1;
	rows = PQntuples(res);
	r->rows_read += rows;
	for (i = 0; i < rows; i++)
		if (flow_name_index(w, PQgetvalue(res, i, 1)) < 0) {
			w->flow_names = realloc(w->flow_names, (w->nflow_names + 1) * sizeof(char *));
			if (!w->flow_names)
				abort();
			w->flow_names[w->nflow_names++] = xstrdup(PQgetvalue(res, i, 1));
		}
	k = w->nflow_names;
	plan = xcalloc(k, sizeof(double));
	actual = xcalloc(k, sizeof(double));
	mat = xcalloc((size_t)k * k, sizeof(double));
	maxedges = k + k * k;
	edges = xcalloc(maxedges, sizeof(*edges));

	for (i = 0; i <= rows; i++) {
		int32_t d = i < rows ? r->as_of + atoi(PQgetvalue(res, i, 0)) : 0;

		if (i > 0 && (i == rows || d != day)) {
			/* the day before this row is complete */
			n = flow_day(plan, actual, k, edges, maxedges);
			if (n < 0) {
				char date[16];

				time_format_date(day, date, sizeof(date));
				snprintf(err, errlen, "marts.plan_actual_daily has negative or "
					 "non-finite minutes on %s: rebuild it with 'dwhbi transform'",
					 date);
				rc = -1;
				break;
			}
			for (e = 0; e < n; e++) {
				flow_push(w, 0, day, edges[e].from, edges[e].to, edges[e].minutes);
				mat[edges[e].from * k + edges[e].to] += edges[e].minutes;
			}
			r->plan_days++;
			memset(plan, 0, k * sizeof(double));
			memset(actual, 0, k * sizeof(double));
		}
		if (i == rows)
			break;
		if (i > 0 && analyze_month_start(d) != month)
			flush_month(w, month, mat);
		day = d;
		month = analyze_month_start(d);
		e = flow_name_index(w, PQgetvalue(res, i, 1));
		plan[e] += cell_double(res, i, 2);
		actual[e] += cell_double(res, i, 3);
	}
	if (rc == 0 && rows > 0)
		flush_month(w, month, mat);
	PQclear(res);
	free(plan);
	free(actual);
	free(mat);
	free(edges);
	return rc;
}

/* Two runs at once would both replace analytics.plan_flows; the second
 * waits (bounded) rather than failing on a duplicate key. */
static int take_lock(PGconn *db, char *err, size_t errlen)
{
	int waited;

	for (waited = 0;; waited++) {
		int got = db_lock(db, ANALYZE_LOCK, 0, err, errlen);

		if (got != 0)
			return got > 0 ? 0 : -1;
		if (waited >= ANALYZE_LOCK_WAIT) {
			snprintf(err, errlen, "another 'dwhbi analyze' is running (waited %d s); "
				 "try again when it has finished", waited);
			return -1;
		}
		sleep(1);
	}
}

static void release_lock(PGconn *db)
{
	char ignored[256];

	db_unlock(db, ANALYZE_LOCK, ignored, sizeof(ignored));
}

int analyze_run(PGconn *db, int32_t as_of, struct analyze_result *r,
		char *err, size_t errlen)
{
	struct analyze_work w;
	int rc = 0, have_plan;
	int32_t month_end;

	est_init();
	memset(&w, 0, sizeof(w));
	r->as_of = as_of;
	r->first_target = as_of + 1;
	r->month = analyze_month_start(as_of + 1);
	month_end = analyze_next_month_start(r->month) - 1;
	r->month_end = month_end;
	r->last_target = month_end > as_of + ANALYZE_MIN_HORIZON ? month_end
								 : as_of + ANALYZE_MIN_HORIZON;
	w.first_day = as_of - ANALYZE_HISTORY_DAYS + 1;
	w.origin = ANALYZE_HISTORY_DAYS - 1;
	w.horizon = r->last_target - as_of;
	w.n = ANALYZE_HISTORY_DAYS + w.horizon;

	if (query_require_relation(db, "marts.daily_category", "run 'dwhbi transform' first",
				   err, errlen) < 0 ||
	    query_require_relation(db, "core.days", "run 'dwhbi transform' first", err,
				   errlen) < 0)
		return -1;
	have_plan = query_relation_exists(db, "marts.plan_actual_daily", err, errlen);
	if (have_plan < 0)
		return -1;

	rc = store_load_keep(db, &w.keep, err, errlen);
	if (rc < 0)
		return rc;
	rc = take_lock(db, err, errlen);
	if (rc < 0)
		return -1;
	w.holiday = xcalloc(w.n, 1);
	if (analyze_load_days(db, &w, err, errlen) < 0 ||
	    analyze_load_history(db, &w, r, err, errlen) < 0 ||
	    (have_plan && load_flows(db, &w, r, err, errlen) < 0) ||
	    store_load_fit_cache(db, &w, r, err, errlen) < 0) {
		analyze_work_release(&w);
		release_lock(db);
		return -1;
	}
	analyze_estimate(&w, r, err, errlen, &rc);
	if (rc == 0)
		rc = store_check_finite(&w, r, err, errlen);
	if (rc == 0)
		rc = store_snapshot(db, &w, r, have_plan, err, errlen);
	analyze_work_release(&w);
	release_lock(db);
	return rc;
}

struct cJSON *analyze_result_json(const struct analyze_result *r)
{
	cJSON *o = cJSON_CreateObject(), *chosen;
	char day[16];
	int k;

	if (!o)
		return NULL;
	time_format_date(r->as_of, day, sizeof(day));
	cJSON_AddStringToObject(o, "as_of", day);
	time_format_date(r->first_target, day, sizeof(day));
	cJSON_AddStringToObject(o, "first_target", day);
	time_format_date(r->last_target, day, sizeof(day));
	cJSON_AddStringToObject(o, "last_target", day);
	time_format_date(r->month, day, sizeof(day));
	cJSON_AddStringToObject(o, "projected_month", day);
	cJSON_AddNumberToObject(o, "categories", r->ncategories);
	cJSON_AddNumberToObject(o, "estimates", (double)r->estimates);
	cJSON_AddNumberToObject(o, "model_scores", (double)r->scores);
	cJSON_AddNumberToObject(o, "month_projections", (double)r->projections);
	cJSON_AddNumberToObject(o, "plan_flows", (double)r->flows);
	cJSON_AddNumberToObject(o, "estimate_errors", (double)r->errors);
	cJSON_AddNumberToObject(o, "pruned", (double)r->pruned);
	cJSON_AddNumberToObject(o, "plan_days", r->plan_days);
	chosen = cJSON_AddObjectToObject(o, "chosen");
	for (k = 0; chosen && k < r->ncategories; k++)
		cJSON_AddStringToObject(chosen, r->categories[k].name,
					backtest_method_name(r->categories[k].method));
	return o;
}
