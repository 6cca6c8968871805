/*
 * store: the COPY writers of one analyzer snapshot (store.h).
 *
 * Every number is checked before the first COPY starts (store_check_finite),
 * so a COPY only ever fails on the connection, never half-way through on bad
 * data; doubles travel as %.15g text, enough for minutes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/store.h"
#include "lib/buf.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/timeutil.h"

#define COPY_FLUSH_BYTES (1 << 20)
#define STORE_STR_(x) #x
#define STORE_STR(x) STORE_STR_(x)

int store_check_finite(const struct analyze_work *w, const struct analyze_result *r,
			char *err, size_t errlen)
{
	size_t i, n = (size_t)r->ncategories * w->horizon;
	int k;

	for (i = 0; i < n; i++) {
		const struct est_point *p = &w->points[i];

		if (!isfinite(p->minutes) || !isfinite(p->lower80) || !isfinite(p->upper80) ||
		    !isfinite(p->lower95) || !isfinite(p->upper95) || !isfinite(p->sd) ||
		    !isfinite(p->mean))
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

static int write_estimates(PGconn *db, const struct analyze_work *w, const struct analyze_result *r,
			   const char *calc, const char *as_of, struct buf *b,
			   int64_t *count, char *err, size_t errlen)
{
	int k, h, failed = 0;

	if (db_copy_begin(db, "COPY analytics.estimates (calculated_at, as_of, target_date, "
			  "category, method, minutes, lower80, upper80, lower95, upper95, "
			  "mean_minutes) FROM STDIN", err, errlen) < 0)
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
			put_num(b, p->mean);
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
			  "method, mae, coverage80, coverage95, n_predictions, chosen, quantile_score) "
			  "FROM STDIN",
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
			buf_printf(b, "\t%d\t%s", s->n, c->method == m ? "t" : "f");
			if (s->n > 0 && isfinite(s->qscore))
				put_num(b, s->qscore);
			else
				buf_puts(b, "\t\\N");
			buf_putc(b, '\n');
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
	int days_remaining = r->month_end - r->as_of;

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

/* The backtest errors of the written points, one array per origin that has
 * any (analytics.estimate_errors). */
static int write_errors(PGconn *db, const struct analyze_result *r, const char *calc,
			const char *as_of, struct buf *b, int64_t *count, char *err, size_t errlen)
{
	int k, i, h, failed = 0;

	if (db_copy_begin(db, "COPY analytics.estimate_errors (calculated_at, as_of, category, "
			  "method, origin, errors) FROM STDIN", err, errlen) < 0)
		return -1;
	for (k = 0; k < r->ncategories && !failed; k++) {
		const struct analyze_category *c = &r->categories[k];

		if (!c->errors || c->method < 0)
			continue;
		for (i = 0; i < BT_DAYS && !failed; i++) {
			const double *e = c->errors + (size_t)i * BT_HORIZON;
			char origin[16];
			int any = 0;

			for (h = 0; h < BT_HORIZON; h++)
				any |= isfinite(e[h]);
			if (!any)
				continue;
			time_format_date(r->as_of - BT_DAYS + i, origin, sizeof(origin));
			put_prefix(b, calc, as_of);
			put_text(b, c->name);
			put_text(b, backtest_method_name(c->method));
			put_text(b, origin);
			buf_puts(b, "\t{");
			for (h = 0; h < BT_HORIZON; h++) {
				if (h)
					buf_putc(b, ',');
				if (isfinite(e[h]))
					buf_printf(b, "%.15g", e[h]);
				else
					buf_puts(b, "NULL");
			}
			buf_puts(b, "}\n");
			(*count)++;
			failed = copy_flush(db, b, 0, err, errlen) < 0;
		}
	}
	return copy_finish(db, b, failed, err, errlen);
}

static int write_flows(PGconn *db, const struct analyze_work *w, const char *calc, const char *as_of,
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

/* Fits older than this many days before the as-of are not used again. */
#define FIT_CACHE_KEEP_DAYS (BT_DAYS + 14)

int store_load_fit_cache(PGconn *db, struct analyze_work *w, const struct analyze_result *r,
			 char *err, size_t errlen)
{
	char as_of[16];
	const char *params[1] = { as_of };
	PGresult *res;
	int have, k, i;

	have = query_relation_exists(db, "analytics.fit_cache", err, errlen);
	if (have <= 0)
		return have;    /* an older warehouse: no cache */
	w->caches = calloc((size_t)(r->ncategories ? r->ncategories : 1), sizeof(*w->caches));
	if (!w->caches) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->ncaches = r->ncategories;
	for (k = 0; k < r->ncategories; k++)
		if (!(w->caches[k] = est_fit_cache_new())) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	time_format_date(r->as_of, as_of, sizeof(as_of));
	/* The backtest refits weekly from its first origin, so the fits it asks
	 * for are at a whole number of weeks before the as-of; after a fit that
	 * did not apply it tries the next day (those entries are short).  Other
	 * rows would rarely be used: not reading them saves most of the read,
	 * and a fit not read is only made again. */
	res = db_query(db, "SELECT category, model FROM analytics.fit_cache "
			      "WHERE origin BETWEEN $1::date - " STORE_STR(BT_DAYS) " AND $1::date "
			      "AND (($1::date - origin) % 7 = 0 OR model LIKE '% -')",
		       1, params, err, errlen);
	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		const char *cat = PQgetvalue(res, i, 0);

		for (k = 0; k < r->ncategories; k++)
			if (!strcmp(r->categories[k].name, cat)) {
				/* a malformed row is ignored: that fit is made again */
				est_fit_cache_add(w->caches[k], PQgetvalue(res, i, 1));
				break;
			}
	}
	PQclear(res);
	return 0;
}

/* The fits made by this run into analytics.fit_cache (replacing rows of the
 * same category, method and origin), and the rows too old to be used again
 * removed. */
static int write_fit_cache(PGconn *db, const struct analyze_work *w, const struct analyze_result *r,
			   const char *as_of, struct buf *b, char *err, size_t errlen)
{
	const char *params[1] = { as_of };
	int k, failed = 0;
	size_t i;

	if (w->ncaches == 0)
		return 0;
	if (db_exec_params(db, "CREATE TEMP TABLE fit_cache_new (LIKE analytics.fit_cache "
			   "INCLUDING DEFAULTS) ON COMMIT DROP", 0, NULL, err, errlen) < 0 ||
	    db_copy_begin(db, "COPY fit_cache_new (category, method, origin, model) FROM STDIN",
			  err, errlen) < 0)
		return -1;
	for (k = 0; k < w->ncaches && !failed; k++) {
		const struct est_fit_cache *c = w->caches[k];

		for (i = 0; i < est_fit_cache_size(c) && !failed; i++) {
			struct buf line = BUF_INIT;
			enum est_method m;
			int32_t day;
			int fresh;
			char origin[16];

			if (est_fit_cache_entry(c, i, &day, &m, &fresh, NULL) < 0 || !fresh ||
			    est_fit_cache_entry(c, i, &day, &m, &fresh, &line) < 0) {
				buf_release(&line);
				continue;
			}
			time_format_date(day, origin, sizeof(origin));
			buf_copy_field(b, r->categories[k].name);
			put_text(b, est_method_name(m));
			put_text(b, origin);
			buf_putc(b, '\t');
			buf_append(b, line.data, line.len);
			buf_putc(b, '\n');
			buf_release(&line);
			failed = copy_flush(db, b, 0, err, errlen) < 0;
		}
	}
	if (copy_finish(db, b, failed, err, errlen) < 0)
		return -1;
	if (db_exec_params(db, "DELETE FROM analytics.fit_cache f USING fit_cache_new n "
			   "WHERE (f.category, f.method, f.origin) = (n.category, n.method, n.origin)",
			   0, NULL, err, errlen) < 0 ||
	    db_exec_params(db, "INSERT INTO analytics.fit_cache SELECT * FROM fit_cache_new",
			   0, NULL, err, errlen) < 0 ||
	    db_exec_params(db, "DELETE FROM analytics.fit_cache WHERE origin < $1::date - "
			   STORE_STR(FIT_CACHE_KEEP_DAYS), 1, params, err, errlen) < 0)
		return -1;
	return 0;
}

int store_load_keep(PGconn *db, struct store_keep *k, char *err, size_t errlen)
{
	PGresult *res;
	int i;

	k->days = STORE_KEEP_DAYS;
	k->months = STORE_KEEP_MONTHS;
	res = db_query(db, "SELECT key, value FROM ref.settings WHERE key IN "
			   "('analyze.keep_days', 'analyze.keep_months')", 0, NULL, err, errlen);
	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		const char *key = PQgetvalue(res, i, 0), *v = PQgetvalue(res, i, 1);
		int days = !strcmp(key, "analyze.keep_days");
		char *end;
		long n = strtol(v, &end, 10);

		if (!*v || *end || n < (days ? 1 : 0) || n > (days ? 3660 : 120)) {
			snprintf(err, errlen, "ref.settings %s must be a whole number of %s, not '%s' "
				 "(change it with UPDATE ref.settings)", key,
				 days ? "days from 1 to 3660" : "months from 0 to 120", v);
			PQclear(res);
			return -2;
		}
		if (days)
			k->days = (int)n;
		else
			k->months = (int)n;
	}
	PQclear(res);
	return 0;
}

/* The snapshots kept (docs/contracts.md, "Analyzer retention"): this run's;
 * the newest of each as-of day among the last keep.days as-of days up to
 * the newest as-of stored, with their backtest errors; and for each month
 * from keep.months months before that as-of's month to the month after
 * it, the snapshots the report reads for that month
 * (reporter/load_forecast.sql: the newest made before the month, else the
 * earliest made during it, with targets in the month;
 * load_month_projections.sql: the newest projection of the month;
 * load_projections.sql: the newest with targets in the month), without
 * their errors.  Every other row of analytics.estimates, model_scores,
 * month_projections and estimate_errors is deleted in the run's
 * transaction.  "The newest as-of" is the newest one not after tomorrow
 * (the database's date), so a run for a date in the future (a typo) does
 * not remove the recent snapshots; its own snapshot goes with the next run
 * (so does a past date's, unless a report month needs it).  A snapshot's targets run from as_of + 1 to its last target
 * without a gap, so "has a target in the month" is t0 < next and t1 >= m. */
static const char PRUNE_KEEP_SQL[] =
	"INSERT INTO analyze_keep "
	"SELECT calculated_at, bool_or(errors) FROM ("
	" WITH snaps AS (SELECT calculated_at, as_of, min(target_date) AS t0, "
	"                max(target_date) AS t1 FROM analytics.estimates "
	"                GROUP BY calculated_at, as_of),"
	" anchors AS (SELECT coalesce(max(as_of) FILTER (WHERE as_of <= current_date + 1), "
	"                             max(as_of)) AS r FROM snaps),"
	" months AS (SELECT m::date AS m, (m + interval '1 month')::date AS n "
	"            FROM anchors a, generate_series(date_trunc('month', a.r::timestamp) "
	"                 - make_interval(months => $3::int), "
	"                 date_trunc('month', a.r::timestamp) + interval '1 month', "
	"                 interval '1 month') m)"
	" SELECT $1::timestamptz AS calculated_at, true AS errors"
	" UNION ALL SELECT max(s.calculated_at), true FROM snaps s "
	"   WHERE EXISTS (SELECT 1 FROM anchors a WHERE s.as_of > a.r - $2::int "
	"                 AND s.as_of <= a.r) GROUP BY s.as_of"
	" UNION ALL SELECT (SELECT s.calculated_at FROM snaps s WHERE s.t0 < mo.n AND s.t1 >= mo.m "
	"   ORDER BY (s.as_of < mo.m) DESC, CASE WHEN s.as_of < mo.m THEN s.as_of END DESC NULLS LAST, "
	"   s.as_of, s.calculated_at DESC LIMIT 1), false FROM months mo"
	" UNION ALL SELECT (SELECT max(s.calculated_at) FROM snaps s "
	"   WHERE s.t0 < mo.n AND s.t1 >= mo.m), false FROM months mo"
	" UNION ALL SELECT (SELECT max(p.calculated_at) FROM analytics.month_projections p "
	"   WHERE p.month = mo.m), false FROM months mo"
	") k WHERE calculated_at IS NOT NULL GROUP BY calculated_at";

static int prune_one(PGconn *db, const char *sql, int64_t *count, char *err, size_t errlen)
{
	PGresult *res = db_query(db, sql, 0, NULL, err, errlen);

	if (!res)
		return -1;
	*count += atoll(PQcmdTuples(res));
	PQclear(res);
	return 0;
}

static int prune_snapshots(PGconn *db, const struct store_keep *keep, const char *calc,
			   int64_t *count, char *err, size_t errlen)
{
	char days[16], months[16];
	const char *params[3] = { calc, days, months };

	snprintf(days, sizeof(days), "%d", keep->days);
	snprintf(months, sizeof(months), "%d", keep->months);
	if (db_exec_params(db, "CREATE TEMP TABLE analyze_keep (calculated_at timestamptz "
			   "PRIMARY KEY, errors boolean NOT NULL) ON COMMIT DROP",
			   0, NULL, err, errlen) < 0 ||
	    db_exec_params(db, PRUNE_KEEP_SQL, 3, params, err, errlen) < 0)
		return -1;
	return prune_one(db, "DELETE FROM analytics.estimates t WHERE NOT EXISTS "
			 "(SELECT 1 FROM analyze_keep k WHERE k.calculated_at = t.calculated_at)",
			 count, err, errlen) < 0 ||
	       prune_one(db, "DELETE FROM analytics.model_scores t WHERE NOT EXISTS "
			 "(SELECT 1 FROM analyze_keep k WHERE k.calculated_at = t.calculated_at)",
			 count, err, errlen) < 0 ||
	       prune_one(db, "DELETE FROM analytics.month_projections t WHERE NOT EXISTS "
			 "(SELECT 1 FROM analyze_keep k WHERE k.calculated_at = t.calculated_at)",
			 count, err, errlen) < 0 ||
	       prune_one(db, "DELETE FROM analytics.estimate_errors t WHERE NOT EXISTS "
			 "(SELECT 1 FROM analyze_keep k WHERE k.calculated_at = t.calculated_at "
			 "AND k.errors)", count, err, errlen) < 0 ? -1 : 0;
}

int store_snapshot(PGconn *db, const struct analyze_work *w, struct analyze_result *r,
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
	    write_errors(db, r, calc, as_of, &b, &r->errors, err, errlen) < 0 ||
	    (with_flows && write_flows(db, w, calc, as_of, &b, &r->flows, err, errlen) < 0) ||
	    write_fit_cache(db, w, r, as_of, &b, err, errlen) < 0 ||
	    prune_snapshots(db, &w->keep, calc, &r->pruned, err, errlen) < 0 ||
	    db_commit(db, err, errlen) < 0) {
		buf_release(&b);
		db_rollback(db);
		r->estimates = r->scores = r->projections = r->flows = r->errors = r->pruned = 0;
		return -1;
	}
	buf_release(&b);
	return 0;
}
