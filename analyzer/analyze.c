/*
 * analyze: reads the marts, runs the estimators, backtests and the flow, and
 * writes the analytics snapshot in one transaction (analyze.h).
 *
 * Reading happens before the transaction opens and all arithmetic is done in
 * memory, so the write transaction is short.  Every number written is checked
 * to be finite first: a NaN in an input row is treated as a missing day, never
 * passed through to the tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "analyzer/analyze.h"
#include "analyzer/estimators.h"
#include "analyzer/flow.h"
#include "buf.h"
#include "db.h"
#include "resource.h"
#include "timeutil.h"

#define COPY_FLUSH_BYTES (1 << 20)

struct flow_row {
	int month;                      /* 0 = day, 1 = month */
	int32_t start;
	int from, to;                   /* indexes into flow_names */
	double minutes;
};

/* Everything computed before writing. */
struct work {
	int32_t first_day;              /* index 0 of every series */
	int n, origin, horizon;
	unsigned char *holiday;         /* n */
	double *y;                      /* ncategories * n */
	struct est_point *points;       /* ncategories * horizon */
	/* flows */
	char **flow_names;
	int nflow_names;
	struct flow_row *flows;
	size_t nflows, flows_cap;
};

void analyze_result_init(struct analyze_result *r)
{
	memset(r, 0, sizeof(*r));
}

void analyze_result_release(struct analyze_result *r)
{
	int i;

	for (i = 0; i < r->ncategories; i++)
		free(r->categories[i].name);
	free(r->categories);
	analyze_result_init(r);
}

static void work_release(struct work *w)
{
	int i;

	free(w->holiday);
	free(w->y);
	free(w->points);
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

static int32_t month_start(int32_t day)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	return time_days_from_civil(y, m, 1);
}

static int32_t next_month_start(int32_t day)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	return m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1);
}

static PGresult *query_file(PGconn *db, const char *path, int nparams,
			    const char *const *params, char *err, size_t errlen)
{
	char *sql = resource_read(path, NULL);
	PGresult *res;

	if (!sql) {
		snprintf(err, errlen, "resource '%s' is missing from this build", path);
		return NULL;
	}
	res = db_query(db, sql, nparams, params, err, errlen);
	free(sql);
	return res;
}

/* 1 when the relation exists, 0 when not, -1 on error. */
static int relation_exists(PGconn *db, const char *name, char *err, size_t errlen)
{
	const char *params[1] = { name };
	char out[8];

	if (db_query_value(db, "SELECT to_regclass($1) IS NOT NULL", 1, params,
			   out, sizeof(out), err, errlen) < 0)
		return -1;
	return out[0] == 't';
}

static double cell_double(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NAN;
	return strtod(PQgetvalue(res, row, col), NULL);
}

static int load_days(PGconn *db, struct work *w, char *err, size_t errlen)
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
static int load_history(PGconn *db, struct work *w, struct analyze_result *r,
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

static void estimate_all(struct work *w, struct analyze_result *r, char *err, size_t errlen,
			 int *rc)
{
	int k, h;

	w->points = xcalloc((size_t)r->ncategories * w->horizon, sizeof(struct est_point));
	for (k = 0; k < r->ncategories && *rc == 0; k++) {
		struct analyze_category *c = &r->categories[k];
		struct est_series s = { w->first_day, w->n, w->y + (size_t)k * w->n, w->holiday };
		struct est_point *pts = w->points + (size_t)k * w->horizon;
		double var = 0, remaining = 0, q;
		int32_t d;

		if (backtest_estimate(&s, w->origin, w->horizon, &c->backtest, &c->method,
				      pts, err, errlen) < 0) {
			*rc = -1;
			break;
		}
		/* month-end projection: actual so far + the remaining estimates;
		 * the variance of a sum of independent days is the sum of theirs */
		c->month_actual = 0;
		for (d = r->month; d <= r->as_of; d++) {
			double v = s.y[d - w->first_day];

			if (isfinite(v))
				c->month_actual += v;
		}
		for (h = 1; h <= w->horizon && r->as_of + h < next_month_start(r->month); h++) {
			remaining += pts[h - 1].minutes;
			var += pts[h - 1].sd * pts[h - 1].sd;
		}
		c->month_projected = c->month_actual + remaining;
		q = 1.2815515655446004 * sqrt(var);
		c->month_lower80 = fmax(c->month_actual, c->month_projected - q);
		c->month_upper80 = c->month_projected + q;
		q = 1.959963984540054 * sqrt(var);
		c->month_lower95 = fmax(c->month_actual, c->month_projected - q);
		c->month_upper95 = c->month_projected + q;
	}
}

static int flow_name_index(struct work *w, const char *name)
{
	int i;

	for (i = 0; i < w->nflow_names; i++)
		if (!strcmp(w->flow_names[i], name))
			return i;
	return -1;
}

static void flow_push(struct work *w, int month, int32_t start, int from, int to, double minutes)
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

static void flush_month(struct work *w, int32_t month, double *mat)
{
	int k = w->nflow_names, i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			if (mat[i * k + j] >= FLOW_MIN_MINUTES)
				flow_push(w, 1, month, i, j, mat[i * k + j]);
	memset(mat, 0, (size_t)k * k * sizeof(double));
}

/* Day and month flows from plan_actual.sql (rows ordered by date). */
static int load_flows(PGconn *db, struct work *w, struct analyze_result *r,
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
		if (i > 0 && month_start(d) != month)
			flush_month(w, month, mat);
		day = d;
		month = month_start(d);
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

/* ---- writing ------------------------------------------------------------- */

/* Every number is checked before the first COPY starts, so a COPY only ever
 * fails on the connection, never half-way through on bad data. */
static int check_finite(const struct work *w, const struct analyze_result *r,
			char *err, size_t errlen)
{
	size_t i, n = (size_t)r->ncategories * w->horizon;
	int k;

	for (i = 0; i < n; i++) {
		const struct est_point *p = &w->points[i];

		if (!isfinite(p->minutes) || !isfinite(p->lower80) || !isfinite(p->upper80) ||
		    !isfinite(p->lower95) || !isfinite(p->upper95) || !isfinite(p->sd))
			goto bad;
	}
	for (k = 0; k < r->ncategories; k++) {
		const struct analyze_category *c = &r->categories[k];

		if (!isfinite(c->month_actual) || !isfinite(c->month_projected) ||
		    !isfinite(c->month_lower80) || !isfinite(c->month_upper80) ||
		    !isfinite(c->month_lower95) || !isfinite(c->month_upper95))
			goto bad;
	}
	for (i = 0; i < w->nflows; i++)
		if (!isfinite(w->flows[i].minutes))
			goto bad;
	return 0;
bad:
	snprintf(err, errlen, "internal error: a non-finite estimate was computed "
		 "(nothing was written); please report it with the --as-of date");
	return -1;
}

static void put_num(struct buf *b, double v)
{
	buf_printf(b, "\t%.15g", v);
}

static int copy_flush(PGconn *db, struct buf *b, int force, char *err, size_t errlen)
{
	if (b->len == 0 || (!force && b->len < COPY_FLUSH_BYTES))
		return 0;
	if (db_copy_data(db, b->data, b->len, err, errlen) < 0)
		return -1;
	buf_reset(b);
	return 0;
}

/* Sends what is left and ends the COPY; after a failed send the COPY is
 * ended anyway (db_copy_end aborts it) and the first error is kept. */
static int copy_finish(PGconn *db, struct buf *b, int failed, char *err, size_t errlen)
{
	char ignored[256];

	if (!failed && copy_flush(db, b, 1, err, errlen) < 0)
		failed = 1;
	buf_reset(b);
	if (failed) {
		db_copy_end(db, ignored, sizeof(ignored));
		return -1;
	}
	return db_copy_end(db, err, errlen);
}

/* Row prefix: calculated_at, as_of. */
static void put_prefix(struct buf *b, const char *calculated_at, const char *as_of)
{
	buf_copy_field(b, calculated_at);
	buf_putc(b, '\t');
	buf_copy_field(b, as_of);
}

static void put_text(struct buf *b, const char *s)
{
	buf_putc(b, '\t');
	buf_copy_field(b, s);
}

static int write_estimates(PGconn *db, const struct work *w, const struct analyze_result *r,
			   const char *calc, const char *as_of, struct buf *b,
			   int64_t *count, char *err, size_t errlen)
{
	int k, h, failed = 0;

	if (db_copy_begin(db, "COPY analytics.estimates (calculated_at, as_of, target_date, "
			  "category, method, minutes, lower80, upper80, lower95, upper95) "
			  "FROM STDIN", err, errlen) < 0)
		return -1;
	for (k = 0; k < r->ncategories && !failed; k++) {
		const struct analyze_category *c = &r->categories[k];

		for (h = 1; h <= w->horizon && !failed; h++) {
			const struct est_point *p = &w->points[(size_t)k * w->horizon + h - 1];
			char target[16];

			time_format_date(r->as_of + h, target, sizeof(target));
			put_prefix(b, calc, as_of);
			put_text(b, target);
			put_text(b, c->name);
			put_text(b, backtest_method_name(c->method));
			put_num(b, p->minutes);
			put_num(b, p->lower80);
			put_num(b, p->upper80);
			put_num(b, p->lower95);
			put_num(b, p->upper95);
			buf_putc(b, '\n');
			(*count)++;
			failed = copy_flush(db, b, 0, err, errlen) < 0;
		}
	}
	return copy_finish(db, b, failed, err, errlen);
}

static int write_scores(PGconn *db, const struct analyze_result *r, const char *calc,
			const char *as_of, struct buf *b, int64_t *count,
			char *err, size_t errlen)
{
	int k, m;

	if (db_copy_begin(db, "COPY analytics.model_scores (calculated_at, as_of, category, "
			  "method, mae, coverage80, coverage95, n_predictions, chosen) FROM STDIN",
			  err, errlen) < 0)
		return -1;
	for (k = 0; k < r->ncategories; k++) {
		const struct analyze_category *c = &r->categories[k];

		for (m = 0; m < EST_NMETHODS; m++) {
			const struct bt_score *s = &c->backtest.score[m];

			put_prefix(b, calc, as_of);
			put_text(b, c->name);
			put_text(b, est_method_name(m));
			if (s->n > 0 && isfinite(s->mae) && isfinite(s->coverage80) &&
			    isfinite(s->coverage95)) {
				put_num(b, s->mae);
				put_num(b, s->coverage80);
				put_num(b, s->coverage95);
			} else {
				buf_puts(b, "\t\\N\t\\N\t\\N");     /* no prediction: no score */
			}
			buf_printf(b, "\t%d\t%s\n", s->n, c->method == m ? "t" : "f");
			(*count)++;
		}
	}
	return copy_finish(db, b, 0, err, errlen);
}

static int write_projections(PGconn *db, const struct analyze_result *r,
			     const char *calc, const char *as_of, struct buf *b,
			     int64_t *count, char *err, size_t errlen)
{
	char month[16];
	int k, days_elapsed = r->as_of - r->month + 1;
	int days_remaining = next_month_start(r->month) - 1 - r->as_of;

	time_format_date(r->month, month, sizeof(month));
	if (db_copy_begin(db, "COPY analytics.month_projections (calculated_at, as_of, month, "
			  "category, method, actual_minutes, remaining_minutes, projected_minutes, "
			  "lower80, upper80, lower95, upper95, days_elapsed, days_remaining) "
			  "FROM STDIN", err, errlen) < 0)
		return -1;
	for (k = 0; k < r->ncategories; k++) {
		const struct analyze_category *c = &r->categories[k];

		put_prefix(b, calc, as_of);
		put_text(b, month);
		put_text(b, c->name);
		put_text(b, backtest_method_name(c->method));
		put_num(b, c->month_actual);
		put_num(b, c->month_projected - c->month_actual);
		put_num(b, c->month_projected);
		put_num(b, c->month_lower80);
		put_num(b, c->month_upper80);
		put_num(b, c->month_lower95);
		put_num(b, c->month_upper95);
		buf_printf(b, "\t%d\t%d\n", days_elapsed > 0 ? days_elapsed : 0, days_remaining);
		(*count)++;
	}
	return copy_finish(db, b, 0, err, errlen);
}

static int write_flows(PGconn *db, const struct work *w, const char *calc, const char *as_of,
		       struct buf *b, int64_t *count, char *err, size_t errlen)
{
	const char *params[1] = { as_of };
	size_t i;
	int failed = 0;

	if (db_exec_params(db, "DELETE FROM analytics.plan_flows WHERE period_start <= $1::date",
			   1, params, err, errlen) < 0)
		return -1;
	if (db_copy_begin(db, "COPY analytics.plan_flows (period, period_start, from_category, "
			  "to_category, minutes, calculated_at, as_of) FROM STDIN", err, errlen) < 0)
		return -1;
	for (i = 0; i < w->nflows && !failed; i++) {
		const struct flow_row *f = &w->flows[i];
		char start[16];

		time_format_date(f->start, start, sizeof(start));
		buf_puts(b, f->month ? "month" : "day");
		put_text(b, start);
		put_text(b, w->flow_names[f->from]);
		put_text(b, w->flow_names[f->to]);
		put_num(b, f->minutes);
		buf_putc(b, '\t');
		put_prefix(b, calc, as_of);
		buf_putc(b, '\n');
		(*count)++;
		failed = copy_flush(db, b, 0, err, errlen) < 0;
	}
	return copy_finish(db, b, failed, err, errlen);
}

static int write_all(PGconn *db, const struct work *w, struct analyze_result *r,
		     int with_flows, char *err, size_t errlen)
{
	char calc[64], as_of[16];
	struct buf b = BUF_INIT;

	time_format_date(r->as_of, as_of, sizeof(as_of));
	if (db_begin(db, err, errlen) < 0)
		return -1;
	/* one calculated_at for the whole snapshot */
	if (db_query_value(db, "SELECT now()::text", 0, NULL, calc, sizeof(calc),
			   err, errlen) < 0 ||
	    write_estimates(db, w, r, calc, as_of, &b, &r->estimates, err, errlen) < 0 ||
	    write_scores(db, r, calc, as_of, &b, &r->scores, err, errlen) < 0 ||
	    write_projections(db, r, calc, as_of, &b, &r->projections, err, errlen) < 0 ||
	    (with_flows && write_flows(db, w, calc, as_of, &b, &r->flows, err, errlen) < 0) ||
	    db_commit(db, err, errlen) < 0) {
		buf_release(&b);
		db_rollback(db);
		r->estimates = r->scores = r->projections = r->flows = 0;
		return -1;
	}
	buf_release(&b);
	return 0;
}

int analyze_run(PGconn *db, int32_t as_of, struct analyze_result *r,
		char *err, size_t errlen)
{
	struct work w;
	int rc = 0, have_plan;
	int32_t month_end;

	est_init();
	memset(&w, 0, sizeof(w));
	r->as_of = as_of;
	r->first_target = as_of + 1;
	r->month = month_start(as_of + 1);
	month_end = next_month_start(r->month) - 1;
	r->last_target = month_end > as_of + ANALYZE_MIN_HORIZON ? month_end
								 : as_of + ANALYZE_MIN_HORIZON;
	w.first_day = as_of - ANALYZE_HISTORY_DAYS + 1;
	w.origin = ANALYZE_HISTORY_DAYS - 1;
	w.horizon = r->last_target - as_of;
	w.n = ANALYZE_HISTORY_DAYS + w.horizon;

	for (int i = 0; i < 2; i++) {
		const char *need = i == 0 ? "marts.daily_category" : "core.days";
		int have = relation_exists(db, need, err, errlen);

		if (have < 0)
			return -1;
		if (!have) {
			snprintf(err, errlen, "%s does not exist: run 'dwhbi transform' first", need);
			return -1;
		}
	}
	have_plan = relation_exists(db, "marts.plan_actual_daily", err, errlen);
	if (have_plan < 0)
		return -1;

	w.holiday = xcalloc(w.n, 1);
	if (load_days(db, &w, err, errlen) < 0 || load_history(db, &w, r, err, errlen) < 0 ||
	    (have_plan && load_flows(db, &w, r, err, errlen) < 0)) {
		work_release(&w);
		return -1;
	}
	estimate_all(&w, r, err, errlen, &rc);
	if (rc == 0)
		rc = check_finite(&w, r, err, errlen);
	if (rc == 0)
		rc = write_all(db, &w, r, have_plan, err, errlen);
	work_release(&w);
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
	cJSON_AddNumberToObject(o, "plan_days", r->plan_days);
	chosen = cJSON_AddObjectToObject(o, "chosen");
	for (k = 0; chosen && k < r->ncategories; k++)
		cJSON_AddStringToObject(chosen, r->categories[k].name,
					backtest_method_name(r->categories[k].method));
	return o;
}
