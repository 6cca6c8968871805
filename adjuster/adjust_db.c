/*
 * adjust_db: loading the adjuster's inputs and storing and deciding its
 * proposals (see adjust_db.h).  Queries live in the .sql files of adjuster/.
 */
#include "adjuster/adjust_db.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjuster/normal.h"
#include "lib/buf.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/resource.h"
#include "lib/timeutil.h"
#include "ref/goals.h"

static int day_of(const struct adjust_input *in, const char *date)
{
	int32_t d;

	if (time_parse_date(date, &d) < 0 || d < in->first_day ||
	    d >= in->first_day + in->ndays)
		return -1;
	return (int)(d - in->first_day);
}

static int load_days(PGconn *db, struct adjust_input *in, const char *from,
		     const char *to, int64_t *rows, char *err, size_t errlen)
{
	const char *p[2] = { from, to };
	PGresult *res = query_file(db, "adjuster/load_days.sql", 2, p, err, errlen);
	int r, i;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		enum day_type t;

		i = day_of(in, PQgetvalue(res, r, 0));
		if (i < 0 || day_type_parse(PQgetvalue(res, r, 1), &t) < 0 ||
		    t == DAYTYPE_ANY) {
			snprintf(err, errlen, "core.days: bad day '%s' (%s)",
				 PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
			PQclear(res);
			return -1;
		}
		in->day_type[i] = (unsigned char)t;
		in->in_data[i] = PQgetvalue(res, r, 2)[0] == 't';
	}
	*rows += PQntuples(res);
	PQclear(res);
	return 0;
}

static int load_categories(PGconn *db, struct adjust_input *in, int64_t *rows,
			   char *err, size_t errlen)
{
	PGresult *res = db_query(db, "SELECT category FROM ref.categories "
				 "ORDER BY sort_order, category", 0, NULL, err, errlen);
	int r;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++)
		adjust_input_add_category(in, PQgetvalue(res, r, 0));
	*rows += PQntuples(res);
	PQclear(res);
	return 0;
}

/* Categories that appear only in the marts or estimates still get a series. */
static size_t category_index(struct adjust_input *in, const char *name)
{
	long c = adjust_input_find_category(in, name);

	return c >= 0 ? (size_t)c : adjust_input_add_category(in, name);
}

static int load_actuals(PGconn *db, struct adjust_input *in, const char *from,
			const char *as_of, int64_t *rows, char *err, size_t errlen)
{
	const char *p[2] = { from, as_of };
	PGresult *res = query_file(db, "adjuster/load_actuals.sql", 2, p, err, errlen);
	int r, i;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		size_t c;

		i = day_of(in, PQgetvalue(res, r, 0));
		if (i < 0 || PQgetisnull(res, r, 2))
			continue;
		c = category_index(in, PQgetvalue(res, r, 1));
		in->cats[c].actual[i] = strtod(PQgetvalue(res, r, 2), NULL);
	}
	*rows += PQntuples(res);
	PQclear(res);
	return 0;
}

static int load_estimates(PGconn *db, struct adjust_input *in, const char *as_of,
			  const char *to, struct adjust_source *src, int64_t *rows,
			  char *err, size_t errlen)
{
	const char *p[2] = { as_of, to };
	PGresult *res = query_file(db, "adjuster/load_estimates.sql", 2, p, err, errlen);
	int r, i;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		double m = strtod(PQgetvalue(res, r, 7), NULL);   /* the mean */
		double lo = strtod(PQgetvalue(res, r, 3), NULL);
		double hi = strtod(PQgetvalue(res, r, 4), NULL);
		size_t c;

		i = day_of(in, PQgetvalue(res, r, 0));
		if (i < 0 || !isfinite(m))
			continue;
		c = category_index(in, PQgetvalue(res, r, 1));
		in->cats[c].est_mean[i] = m;
		in->cats[c].est_sd[i] = normal_sd_from_interval80(lo, hi);
		if (r == 0) {
			snprintf(src->estimates_as_of, sizeof(src->estimates_as_of), "%s",
				 PQgetvalue(res, r, 5));
			snprintf(src->estimates_calculated_at,
				 sizeof(src->estimates_calculated_at), "%s",
				 PQgetvalue(res, r, 6));
		}
	}
	src->estimate_rows = PQntuples(res);
	*rows += PQntuples(res);
	PQclear(res);
	return 0;
}

/* The backtest errors of the estimates' snapshot: the engine's calibrated
 * P(met).  Without them (no snapshot, an analyzer from before 0115, too
 * little history) the engine uses the normal model and src->errors_note
 * says why. */
static int load_errors(PGconn *db, struct adjust_input *in, const char *as_of,
		       struct adjust_source *src, int64_t *rows, char *err, size_t errlen)
{
	const char *p[1] = { as_of };
	PGresult *res;
	double *buf = NULL;
	int r, start, h = 0, ex;
	int32_t est_as_of = 0;

	src->errors_note[0] = '\0';
	if (!src->estimate_rows) {
		snprintf(src->errors_note, sizeof(src->errors_note), "no estimates snapshot "
			 "(run 'dwhbi analyze')");
		return 0;
	}
	ex = query_relation_exists(db, "analytics.estimate_errors", err, errlen);
	if (ex < 0)
		return -1;
	if (!ex) {
		snprintf(src->errors_note, sizeof(src->errors_note), "analytics.estimate_errors "
			 "does not exist (run 'dwhbi migrate', then 'dwhbi analyze')");
		return 0;
	}
	res = query_file(db, "adjuster/load_errors.sql", 1, p, err, errlen);
	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++)
		if (atoi(PQgetvalue(res, r, 2)) > h)
			h = atoi(PQgetvalue(res, r, 2));
	if (PQntuples(res) == 0 || h < 1 ||
	    time_parse_date(PQgetvalue(res, 0, 1), &est_as_of) < 0) {
		snprintf(src->errors_note, sizeof(src->errors_note), "the estimates snapshot "
			 "as of %s has no backtest errors (too little history, or made before "
			 "they were stored: run 'dwhbi analyze' again)", src->estimates_as_of);
		PQclear(res);
		return 0;
	}
	buf = calloc((size_t)PQntuples(res) * h, sizeof(*buf));
	if (!buf)
		abort();
	for (start = 0; start < PQntuples(res); ) {
		const char *cat = PQgetvalue(res, start, 0);
		int end = start, k;

		while (end < PQntuples(res) && !strcmp(PQgetvalue(res, end, 0), cat))
			end++;
		for (r = start; r < end; r++) {
			const char *v = PQgetvalue(res, r, 3);
			double *row = buf + (size_t)(r - start) * h;

			for (k = 0; k < h; k++)
				row[k] = NAN;
			for (k = 0; k < h && *v; k++) {
				char *e;
				double x = strtod(v, &e);

				if (e == v) {
					snprintf(err, errlen, "analytics.estimate_errors: bad errors "
						 "array for %s", cat);
					free(buf);
					PQclear(res);
					return -1;
				}
				row[k] = isfinite(x) ? x : NAN;
				v = *e == ',' ? e + 1 : e;
			}
		}
		adjust_input_set_errors(in, category_index(in, cat), buf, end - start, h, est_as_of);
		src->error_categories++;
		start = end;
	}
	src->error_rows = PQntuples(res);
	*rows += PQntuples(res);
	free(buf);
	PQclear(res);
	return 0;
}

static int load_goals(PGconn *db, struct adjust_input *in, const char *as_of,
		      int64_t *rows, char *err, size_t errlen)
{
	const char *p[1] = { as_of };
	PGresult *res = query_file(db, "adjuster/load_goals.sql", 1, p, err, errlen);
	int r;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		struct adjust_goal g;

		memset(&g, 0, sizeof(g));
		g.goal_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		g.category = category_index(in, PQgetvalue(res, r, 1));
		g.minutes = atoi(PQgetvalue(res, r, 4));
		g.open = PQgetvalue(res, r, 6)[0] == 't';
		g.decided = PQgetvalue(res, r, 7)[0] == 't';
		g.newer_pending = PQgetvalue(res, r, 8)[0] == 't';
		if (!PQgetisnull(res, r, 9) &&
		    time_parse_date(PQgetvalue(res, r, 11), &g.rejected_as_of) == 0) {
			g.rejected_sign = atoi(PQgetvalue(res, r, 9));
			g.rejected_p = strtod(PQgetvalue(res, r, 10), NULL);
		}
		if (day_type_parse(PQgetvalue(res, r, 2), &g.day_type) < 0 ||
		    goal_period_parse(PQgetvalue(res, r, 3), &g.period) < 0 ||
		    goal_direction_parse(PQgetvalue(res, r, 5), &g.direction) < 0) {
			snprintf(err, errlen, "ref.goals: goal %" PRId64 " has an unknown "
				 "day type, period or direction", g.goal_id);
			PQclear(res);
			return -1;
		}
		adjust_input_add_goal(in, &g);
	}
	*rows += PQntuples(res);
	PQclear(res);
	return 0;
}

int adjust_db_load(PGconn *db, int32_t as_of, const struct adjust_options *o,
		   struct adjust_input *in, struct adjust_source *src,
		   int64_t *rows_read, char *err, size_t errlen)
{
	char from[16], to[16], asof[16];
	int32_t first;
	int ndays;

	memset(src, 0, sizeof(*src));
	if (query_require_relation(db, "ref.goals", "run 'dwhbi migrate' first", err, errlen) < 0 ||
	    query_require_relation(db, "marts.daily_category", "run 'dwhbi transform' first",
			  err, errlen) < 0 ||
	    query_require_relation(db, "core.days", "run 'dwhbi transform' first", err, errlen) < 0)
		return -1;
	adjust_input_range(as_of, o, &first, &ndays);
	adjust_input_set_range(in, as_of, first, ndays);
	time_format_date(first, from, sizeof(from));
	time_format_date(first + ndays - 1, to, sizeof(to));
	time_format_date(as_of, asof, sizeof(asof));
	if (load_days(db, in, from, to, rows_read, err, errlen) < 0 ||
	    load_categories(db, in, rows_read, err, errlen) < 0 ||
	    load_actuals(db, in, from, asof, rows_read, err, errlen) < 0 ||
	    load_estimates(db, in, asof, to, src, rows_read, err, errlen) < 0 ||
	    load_errors(db, in, asof, src, rows_read, err, errlen) < 0 ||
	    load_goals(db, in, asof, rows_read, err, errlen) < 0)
		return -1;
	return 0;
}

/* Replaces the goal_status snapshot of as_of with one row per goal of r
 * (inside the caller's transaction). */
static int store_status(PGconn *db, const struct adjust_input *in,
			const struct adjust_result *r, const char *asof,
			char *err, size_t errlen)
{
	char *sql = query_text("adjuster/store_goal_status.sql", err, errlen);
	const char *del[1] = { asof };
	size_t i;

	if (!sql)
		return -1;
	if (db_exec_params(db, "DELETE FROM analytics.goal_status WHERE as_of = $1::date",
			   1, del, err, errlen) < 0)
		goto fail;
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];
		char id[24], min[16], start[16], end[16], sofar[32], mean[32], sd[32],
		     prob[32], hits[16], periods[16];
		int neutral = g->goal->direction == DIR_NEUTRAL;
		const char *p[16];

		snprintf(id, sizeof(id), "%" PRId64, g->goal->goal_id);
		snprintf(min, sizeof(min), "%d", g->goal->minutes);
		time_format_date(g->start, start, sizeof(start));
		time_format_date(g->end, end, sizeof(end));
		snprintf(sofar, sizeof(sofar), "%.17g", g->actual_so_far);
		snprintf(mean, sizeof(mean), "%.17g", g->mean);
		snprintf(sd, sizeof(sd), "%.17g", g->sd);
		snprintf(prob, sizeof(prob), "%.17g", g->prob);
		snprintf(hits, sizeof(hits), "%d", g->hits);
		snprintf(periods, sizeof(periods), "%d", g->periods);
		p[0] = asof;
		p[1] = id;
		p[2] = in->cats[g->goal->category].name;
		p[3] = day_type_name(g->goal->day_type);
		p[4] = goal_period_name(g->goal->period);
		p[5] = goal_direction_name(g->goal->direction);
		p[6] = min;
		p[7] = start;
		p[8] = end;
		p[9] = sofar;
		p[10] = mean;
		p[11] = sd;
		p[12] = isnan(g->prob) ? NULL : prob;
		p[13] = goal_status_name(g->status);
		p[14] = neutral ? NULL : hits;
		p[15] = periods;
		if (db_exec_params(db, sql, 16, p, err, errlen) < 0)
			goto fail;
	}
	free(sql);
	return 0;
fail:
	free(sql);
	return -1;
}

int adjust_db_store(PGconn *db, const struct adjust_input *in,
		    const struct adjust_options *o, const struct adjust_result *r,
		    int64_t *ids, int64_t *written, int64_t *deleted, int64_t *superseded,
		    int64_t *expired, char *err, size_t errlen)
{
	struct buf keep = BUF_INIT;
	char *sql = query_text("adjuster/store_proposal.sql", err, errlen);
	char asof[16];
	size_t i;
	PGresult *res;

	*written = *deleted = *superseded = *expired = 0;
	if (!sql)
		return -1;
	time_format_date(in->as_of, asof, sizeof(asof));
	if (db_begin(db, err, errlen) < 0) {
		free(sql);
		return -1;
	}
	/* Pending proposals left over from more than expire_days before this
	 * as-of expire. */
	{
		char days[16];
		const char *p[2] = { asof, days };

		snprintf(days, sizeof(days), "%d", o->expire_days);
		res = db_query(db, "UPDATE analytics.goal_proposals SET state = 'expired', "
			       "decided_at = now() WHERE state = 'pending' "
			       "AND as_of < $1::date - $2::int", 2, p, err, errlen);
		if (!res)
			goto fail;
		*expired = strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	buf_putc(&keep, '{');
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];
		char id[24], cur[16], prop[16], pb[32], pa[32], newid[24];
		const char *p[11];
		PGresult *old;

		ids[i] = 0;
		if (!g->propose)
			continue;
		snprintf(id, sizeof(id), "%" PRId64, g->goal->goal_id);
		snprintf(cur, sizeof(cur), "%d", g->goal->minutes);
		snprintf(prop, sizeof(prop), "%d", g->proposed);
		snprintf(pb, sizeof(pb), "%.17g", g->calc.p_before);
		snprintf(pa, sizeof(pa), "%.17g", g->p_after);
		p[0] = asof;
		p[1] = id;
		/* The goal's pending proposal of an earlier as-of gives way. */
		old = db_query(db, "UPDATE analytics.goal_proposals SET state = 'superseded', "
			       "decided_at = now() WHERE goal_id = $2::bigint AND state = 'pending' "
			       "AND as_of < $1::date RETURNING proposal_id", 2, p, err, errlen);
		if (!old)
			goto fail;
		p[2] = in->cats[g->goal->category].name;
		p[3] = day_type_name(g->goal->day_type);
		p[4] = goal_period_name(g->goal->period);
		p[5] = goal_direction_name(g->goal->direction);
		p[6] = cur;
		p[7] = prop;
		p[8] = pb;
		p[9] = pa;
		p[10] = g->reason;
		res = db_query(db, sql, 11, p, err, errlen);
		if (!res) {
			PQclear(old);
			goto fail;
		}
		if (PQntuples(res) == 1)
			ids[i] = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		snprintf(newid, sizeof(newid), "%" PRId64, ids[i]);
		for (int k = 0; ids[i] && k < PQntuples(old); k++) {
			const char *q[2] = { PQgetvalue(old, k, 0), newid };

			if (db_exec_params(db, "UPDATE analytics.goal_proposals SET superseded_by = "
					   "$2::bigint WHERE proposal_id = $1::bigint", 2, q,
					   err, errlen) < 0) {
				PQclear(old);
				goto fail;
			}
		}
		*superseded += PQntuples(old);
		PQclear(old);
		if (!ids[i])
			continue;
		(*written)++;
		buf_printf(&keep, "%s%s", keep.len > 1 ? "," : "", id);
	}
	buf_putc(&keep, '}');
	if (store_status(db, in, r, asof, err, errlen) < 0)
		goto fail;
	{
		const char *p[2] = { asof, keep.data };

		/* This as-of no longer makes these: gone.  Earlier ones this
		 * as-of does not confirm: superseded (by nothing). */
		res = db_query(db, "DELETE FROM analytics.goal_proposals WHERE as_of = $1::date "
			       "AND state = 'pending' AND goal_id <> ALL ($2::bigint[])",
			       2, p, err, errlen);
		if (!res)
			goto fail;
		*deleted = strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		res = db_query(db, "UPDATE analytics.goal_proposals SET state = 'superseded', "
			       "decided_at = now() WHERE as_of < $1::date AND state = 'pending' "
			       "AND goal_id <> ALL ($2::bigint[])", 2, p, err, errlen);
		if (!res)
			goto fail;
		*superseded += strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
	}
	if (db_commit(db, err, errlen) < 0)
		goto fail;
	free(sql);
	buf_release(&keep);
	return 0;
fail:
	db_rollback(db);
	free(sql);
	buf_release(&keep);
	*written = *deleted = *superseded = *expired = 0;
	return -1;
}

/* Locks the proposal; fails unless it exists and is pending. */
static PGresult *lock_pending(PGconn *db, int64_t proposal_id, const char *id,
			      struct adjust_decision *d, char *err, size_t errlen)
{
	const char *p[1] = { id };
	PGresult *res = query_file(db, "adjuster/lock_proposal.sql", 1, p, err, errlen);

	if (!res)
		return NULL;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "no proposal %" PRId64 ": see the ids in 'dwhbi adjust'",
			 proposal_id);
		PQclear(res);
		return NULL;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "pending") != 0) {
		snprintf(err, errlen, "proposal %" PRId64 " is already %s: nothing changed",
			 proposal_id, PQgetvalue(res, 0, 0));
		PQclear(res);
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->goal_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	snprintf(d->period, sizeof(d->period), "%s", PQgetvalue(res, 0, 2));
	d->to_minutes = atoi(PQgetvalue(res, 0, 4));
	snprintf(d->category, sizeof(d->category), "%s", PQgetvalue(res, 0, 7));
	snprintf(d->day_type, sizeof(d->day_type), "%s", PQgetvalue(res, 0, 8));
	d->from_minutes = atoi(PQgetvalue(res, 0, 10));
	return res;
}

static int decide(PGconn *db, int64_t proposal_id, const char *state,
		  char *err, size_t errlen)
{
	char id[24];
	const char *p[2] = { id, state };

	snprintf(id, sizeof(id), "%" PRId64, proposal_id);
	return db_exec_params(db, "UPDATE analytics.goal_proposals SET state = $2, "
			      "decided_at = now() WHERE proposal_id = $1::bigint", 2, p,
			      err, errlen);
}

int adjust_db_accept(PGconn *db, int64_t proposal_id, int32_t today,
		     struct adjust_decision *d, char *err, size_t errlen)
{
	char id[24], newid[24], gerr[400];
	enum goal_period period;
	int32_t as_of, from, eff;
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, proposal_id);
	if (db_begin(db, err, errlen) < 0)
		return -1;
	res = lock_pending(db, proposal_id, id, d, err, errlen);
	if (!res)
		goto fail;
	if (goal_period_parse(d->period, &period) < 0 ||
	    time_parse_date(PQgetvalue(res, 0, 3), &as_of) < 0 ||
	    time_parse_date(PQgetvalue(res, 0, 6), &from) < 0) {
		snprintf(err, errlen, "proposal %s: bad period or dates", id);
		PQclear(res);
		goto fail;
	}
	/* The next period that has not started yet, whatever the as-of: an
	 * acceptance never changes a period that has begun, so past
	 * achievement stays as it was. */
	eff = period_next_start(period, as_of > today ? as_of : today);
	if (PQgetvalue(res, 0, 5)[0] != 't' || from >= eff) {
		snprintf(err, errlen, "goal %" PRId64 " of proposal %s has changed since it "
			 "was made: reject it and run 'dwhbi adjust' again", d->goal_id, id);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	time_format_date(eff, d->valid_from, sizeof(d->valid_from));
	if (goals_new_version(db, d->goal_id, d->to_minutes, d->valid_from, "proposal",
			      &d->new_goal_id, gerr, sizeof(gerr)) < 0) {
		snprintf(err, errlen, "%s", gerr);
		goto fail;
	}
	snprintf(newid, sizeof(newid), "%" PRId64, d->new_goal_id);
	{
		const char *p[3] = { id, d->valid_from, newid };

		if (db_exec_params(db, "UPDATE analytics.goal_proposals SET state = 'accepted', "
				   "decided_at = now(), valid_from = $2::date, "
				   "new_goal_id = $3::bigint WHERE proposal_id = $1::bigint",
				   3, p, err, errlen) < 0)
			goto fail;
	}
	if (db_commit(db, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int adjust_db_reject(PGconn *db, int64_t proposal_id, struct adjust_decision *d,
		     char *err, size_t errlen)
{
	char id[24];
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, proposal_id);
	if (db_begin(db, err, errlen) < 0)
		return -1;
	res = lock_pending(db, proposal_id, id, d, err, errlen);
	if (!res)
		goto fail;
	PQclear(res);
	if (decide(db, proposal_id, "rejected", err, errlen) < 0 ||
	    db_commit(db, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int adjust_db_settings(PGconn *db, struct adjust_options *o, int want_expire,
		       int want_material, int want_step, char *err, size_t errlen)
{
	PGresult *res = db_query(db, "SELECT key, value FROM ref.settings WHERE key IN "
				 "('adjust.expire_days', 'adjust.material', 'adjust.step')",
				 0, NULL, err, errlen);
	int r;

	if (!res)
		return -1;
	for (r = 0; r < PQntuples(res); r++) {
		const char *k = PQgetvalue(res, r, 0), *v = PQgetvalue(res, r, 1);
		char *end;

		if (!strcmp(k, "adjust.expire_days") && want_expire) {
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > 366) {
				snprintf(err, errlen, "ref.settings adjust.expire_days must be a "
					 "whole number of days from 1 to 366, not '%s'", v);
				PQclear(res);
				return -1;
			}
			o->expire_days = (int)n;
		} else if (!strcmp(k, "adjust.material") && want_material) {
			double f = strtod(v, &end);

			if (!*v || *end || !(f >= 0 && f < 1)) {
				snprintf(err, errlen, "ref.settings adjust.material must be a "
					 "probability change from 0 to below 1, not '%s'", v);
				PQclear(res);
				return -1;
			}
			o->material = f;
		} else if (!strcmp(k, "adjust.step") && want_step) {
			double f = strtod(v, &end);

			if (!*v || *end || !(f > 0 && f <= 10)) {
				snprintf(err, errlen, "ref.settings adjust.step must be a fraction "
					 "above 0 (0.5 = 50 %%), not '%s'", v);
				PQclear(res);
				return -1;
			}
			o->prop.step = f;
		}
	}
	PQclear(res);
	return 0;
}

int adjust_db_list(PGconn *db, const char *state, int limit, int expire_days,
		   struct buf *out, char *err, size_t errlen)
{
	char lim[16], days[16];
	const char *p[3] = { state, lim, days };
	PGresult *res;
	int r;

	snprintf(lim, sizeof(lim), "%d", limit);
	snprintf(days, sizeof(days), "%d", expire_days);
	res = query_file(db, "adjuster/list_proposals.sql", 3, p, err, errlen);
	if (!res)
		return -1;
	buf_printf(out, "%6s  %-10s %6s  %-14s %-7s %-6s %-11s %-11s %-10s %-10s %-10s %s\n",
		   "id", "state", "goal", "category", "type", "period", "minutes", "p(met)",
		   "as of", "made", "decided", "note");
	for (r = 0; r < PQntuples(res); r++) {
		char mins[32], prob[32];

		snprintf(mins, sizeof(mins), "%s -> %s", PQgetvalue(res, r, 7),
			 PQgetvalue(res, r, 8));
		snprintf(prob, sizeof(prob), "%.2f -> %.2f", strtod(PQgetvalue(res, r, 9), NULL),
			 strtod(PQgetvalue(res, r, 10), NULL));
		buf_printf(out, "%6s  %-10s %6s  %-14s %-7s %-6s %-11s %-11s %-10s %-10s %-10s %s\n",
			   PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2),
			   PQgetvalue(res, r, 3), PQgetvalue(res, r, 4), PQgetvalue(res, r, 5),
			   mins, prob, PQgetvalue(res, r, 6), PQgetvalue(res, r, 11),
			   PQgetisnull(res, r, 12) ? "-" : PQgetvalue(res, r, 12),
			   PQgetvalue(res, r, 13));
	}
	if (PQntuples(res) == 0)
		buf_printf(out, "(no %s%sproposals; 'dwhbi adjust' makes them)\n",
			   state ? state : "", state ? " " : "");
	PQclear(res);
	return 0;
}
