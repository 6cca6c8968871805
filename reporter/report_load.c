/*
 * report_load: the database side of the report (see report_load.h).  Each
 * section has its own query file; this code only moves rows into struct
 * report and decides what an absent optional table means (an empty section).
 */
#include "reporter/report_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db.h"
#include "lib/query.h"
#include "lib/resource.h"
#include "lib/timeutil.h"

struct loader {
	PGconn *db;
	struct report *r;
	const char *params[2];      /* first day of the month, of the next one */
	char first[16], next[16];
	int64_t rows;
	char *err;
	size_t errlen;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();   /* out of memory is not recoverable for a CLI job */
	return p;
}

static char *xstrdup_or_null(PGresult *res, int row, int col)
{
	char *s;

	if (PQgetisnull(res, row, col))
		return NULL;
	s = strdup(PQgetvalue(res, row, col));
	if (!s)
		abort();
	return s;
}

static double num(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtod(PQgetvalue(res, row, col), NULL);
}

/* Runs reporter/<name>.sql; NULL on error (reason in ld->err). */
static PGresult *query(struct loader *ld, const char *name, int nparams,
		       const char *const *params)
{
	char path[96], qerr[512];
	PGresult *res;

	snprintf(path, sizeof(path), "reporter/%s.sql", name);
	res = query_file(ld->db, path, nparams, params, qerr, sizeof(qerr));
	if (!res) {
		snprintf(ld->err, ld->errlen, "report query '%s' failed: %s", path, qerr);
		return NULL;
	}
	ld->rows += PQntuples(res);
	return res;
}

/* 1 if the table exists, 0 if not, -1 on error. */
static int table_exists(struct loader *ld, const char *table)
{
	char qerr[256];
	int rc = query_relation_exists(ld->db, table, qerr, sizeof(qerr));

	if (rc < 0)
		snprintf(ld->err, ld->errlen, "cannot look up '%s': %s", table, qerr);
	return rc;
}

static int load_categories(struct loader *ld)
{
	const char *p[1] = { ld->first };
	PGresult *res = query(ld, "load_categories", 1, p);
	int i;

	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct report_category *c = report_add_category(
			ld->r, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			atoi(PQgetvalue(res, i, 4)));
		c->actual = num(res, i, 5);
		c->plan = num(res, i, 6);
		c->has_goal = !PQgetisnull(res, i, 7);
		c->goal = num(res, i, 7);
		c->has_prev = !PQgetisnull(res, i, 8);
		c->prev_actual = num(res, i, 8);
		c->goal_direction = xstrdup_or_null(res, i, 9);
		c->has_goal_days = !PQgetisnull(res, i, 10) && !PQgetisnull(res, i, 11);
		c->goal_actual = num(res, i, 10);
		c->goal_sum = num(res, i, 11);
		c->has_per_day = !PQgetisnull(res, i, 12);
		c->per_day = num(res, i, 12);
		c->has_prev_per_day = !PQgetisnull(res, i, 13);
		c->prev_per_day = num(res, i, 13);
	}
	PQclear(res);
	return 0;
}

static int load_daily(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res = query(ld, "load_daily", 2, ld->params);
	int i;

	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		int d = atoi(PQgetvalue(res, i, 0));
		struct report_category *c = report_find_category(r, PQgetvalue(res, i, 1));
		double actual = num(res, i, 2), plan = num(res, i, 3);

		if (d < 0 || d >= r->ndays || !c)
			continue;
		c->daily_actual[d] = actual;
		c->daily_plan[d] = plan;
		if (actual > 0)
			r->day_has_actual[d] = 1;
		if (plan > 0)
			r->day_has_plan[d] = 1;
		r->day_type[d] = !strcmp(PQgetvalue(res, i, 4), "holiday") ? 'h' : 'w';
	}
	PQclear(res);
	return 0;
}

static int load_freshness(struct loader *ld)
{
	const char *p[1] = { ld->r->timezone };
	PGresult *res;
	int i, n, exists = table_exists(ld, "marts.source_freshness");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_freshness", 1, p);
	if (!res)
		return -1;
	n = PQntuples(res);
	ld->r->freshness = xcalloc((size_t)n, sizeof(*ld->r->freshness));
	for (i = 0; i < n; i++) {
		struct report_freshness *f = &ld->r->freshness[i];
		f->source = xstrdup_or_null(res, i, 0);
		f->last_synced_at = xstrdup_or_null(res, i, 1);
		f->last_changed_at = xstrdup_or_null(res, i, 2);
		f->row_count = PQgetisnull(res, i, 3) ? -1 : strtoll(PQgetvalue(res, i, 3), NULL, 10);
	}
	ld->r->nfreshness = (size_t)n;
	PQclear(res);
	return 0;
}

static int load_adherence(struct loader *ld)
{
	PGresult *res;
	int exists = table_exists(ld, "marts.plan_adherence");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_adherence", 2, ld->params);
	if (!res)
		return -1;
	ld->r->planned_minutes = num(res, 0, 0);
	ld->r->adhered_minutes = num(res, 0, 1);
	ld->r->has_adherence = atoi(PQgetvalue(res, 0, 2)) > 0;
	PQclear(res);
	return 0;
}

/* How much of the month is over (core.days). */
static int load_month_days(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res;
	int exists = table_exists(ld, "core.days");

	if (exists < 0)
		return -1;
	r->days_complete = r->ndays;
	if (exists) {
		res = query(ld, "load_month_days", 2, ld->params);
		if (!res)
			return -1;
		r->days_complete = atoi(PQgetvalue(res, 0, 0));
		r->last_complete = xstrdup_or_null(res, 0, 1);
		PQclear(res);
	}
	r->partial = r->days_complete < r->ndays;
	return 0;
}

static int load_goals(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res;
	int i, n, exists = table_exists(ld, "marts.goal_achievement");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_goals", 2, ld->params);
	if (!res)
		return -1;
	n = PQntuples(res);
	r->goals = xcalloc((size_t)n, sizeof(*r->goals));
	for (i = 0; i < n; i++) {
		struct report_goal *g = &r->goals[i];
		enum goal_direction d = DIR_NEUTRAL;

		g->category = xstrdup_or_null(res, i, 0);
		g->day_type = xstrdup_or_null(res, i, 1);
		g->period = xstrdup_or_null(res, i, 2);
		g->direction = xstrdup_or_null(res, i, 3);
		g->minutes = num(res, i, 4);
		g->hits = atoi(PQgetvalue(res, i, 5));
		g->periods = atoi(PQgetvalue(res, i, 6));
		snprintf(g->strip, sizeof(g->strip), "%s", PQgetvalue(res, i, 7));
		g->streak = atoi(PQgetvalue(res, i, 8));
		g->avg_actual = num(res, i, 9);
		g->best_start = xstrdup_or_null(res, i, 10);
		g->best_actual = num(res, i, 11);
		g->worst_start = xstrdup_or_null(res, i, 12);
		g->worst_actual = num(res, i, 13);
		goal_direction_parse(g->direction, &d);
		g->status = goal_status_of_hits(d, g->hits, g->periods, GOAL_STATUS_ON_TRACK,
						GOAL_STATUS_AT_RISK);
		if (d != DIR_NEUTRAL) {
			r->goal_hits += g->hits;
			r->goal_periods += g->periods;
		}
		switch (g->status) {
		case STATUS_MET: r->goals_met++; break;
		case STATUS_ON_TRACK: r->goals_on_track++; break;
		case STATUS_AT_RISK: r->goals_at_risk++; break;
		case STATUS_OFF_TRACK: r->goals_off_track++; break;
		default: r->goals_neutral++; break;
		}
	}
	r->ngoals = (size_t)n;
	PQclear(res);
	return 0;
}

/* Goals in the report's category order (an insertion sort: a dozen rows). */
static size_t category_rank(const struct report *r, const char *category);
static void sort_goals(struct report *r)
{
	size_t i, j;

	for (i = 1; i < r->ngoals; i++) {
		struct report_goal g = r->goals[i];
		size_t rank = category_rank(r, g.category);
		for (j = i; j > 0 && category_rank(r, r->goals[j - 1].category) > rank; j--)
			r->goals[j] = r->goals[j - 1];
		r->goals[j] = g;
	}
}

/* Exact flows from analytics.plan_flows; 0 rows leaves r->nflows at 0. */
static int load_exact_flows(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res;
	int i, n, exists = table_exists(ld, "analytics.plan_flows");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_flows", 2, ld->params);
	if (!res)
		return -1;
	n = PQntuples(res);
	/* Rows come grouped by from_category: one flow per group. */
	r->flows = xcalloc((size_t)n, sizeof(*r->flows));
	for (i = 0; i < n; i++) {
		const char *from = PQgetvalue(res, i, 0);
		struct report_flow *f = r->nflows ? &r->flows[r->nflows - 1] : NULL;
		struct report_flow_part *p;

		if (!f || strcmp(f->plan_category, from)) {
			f = &r->flows[r->nflows++];
			f->plan_category = xstrdup_or_null(res, i, 0);
			f->parts = xcalloc((size_t)n, sizeof(*f->parts));
		}
		p = &f->parts[f->nparts++];
		p->category = xstrdup_or_null(res, i, 1);
		p->minutes = num(res, i, 2);
		f->planned += p->minutes;
		if (!strcmp(p->category, f->plan_category))
			f->actual += p->minutes;
	}
	r->flows_exact = n > 0;
	PQclear(res);
	return 0;
}

/* Plan versus actual per category, when the analyzer has no flows yet. */
static int load_flows(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res;
	int i, n, exists;

	if (load_exact_flows(ld) < 0)
		return -1;
	if (r->nflows)
		return 0;
	exists = table_exists(ld, "marts.plan_actual_daily");
	if (exists <= 0)
		return exists;
	res = query(ld, "load_plan_vs_actual", 2, ld->params);
	if (!res)
		return -1;
	n = PQntuples(res);
	r->flows_exact = 0;
	free(r->flows);
	r->flows = xcalloc((size_t)n, sizeof(*r->flows));
	for (i = 0; i < n; i++) {
		r->flows[i].plan_category = xstrdup_or_null(res, i, 0);
		r->flows[i].planned = num(res, i, 1);
		r->flows[i].actual = num(res, i, 2);
	}
	r->nflows = (size_t)n;
	PQclear(res);
	return 0;
}

/* Position of a category in the report's order; unknown ones go last. */
static size_t category_rank(const struct report *r, const char *category)
{
	const struct report_category *c = report_find_category(r, category);
	return c ? (size_t)(c - r->cats) : r->ncats;
}

/* The query orders by key; the report shows categories in their own order
 * everywhere (an insertion sort: a dozen rows). */
static void sort_projections(struct report *r)
{
	size_t i, j;

	for (i = 1; i < r->nprojections; i++) {
		struct report_projection p = r->projections[i];
		size_t rank = category_rank(r, p.category);
		for (j = i; j > 0 && category_rank(r, r->projections[j - 1].category) > rank; j--)
			r->projections[j] = r->projections[j - 1];
		r->projections[j] = p;
	}
}

/* Month-end projections: the analyzer's own (analytics.month_projections)
 * when it has some for the month, else summed from analytics.estimates. */
static int load_projections(struct loader *ld)
{
	struct report *r = ld->r;
	const char *p1[1] = { ld->first };
	PGresult *res = NULL;
	int i, n, exact = 0, exists = table_exists(ld, "analytics.month_projections");

	if (exists < 0)
		return -1;
	if (exists) {
		res = query(ld, "load_month_projections", 1, p1);
		if (!res)
			return -1;
		exact = PQntuples(res) > 0;
		if (!exact) {
			PQclear(res);
			res = NULL;
		}
	}
	if (!res)
		res = query(ld, "load_projections", 2, ld->params);
	if (!res)
		return -1;
	n = PQntuples(res);
	r->projections_exact = exact;
	r->projections = xcalloc((size_t)n, sizeof(*r->projections));
	for (i = 0; i < n; i++) {
		struct report_projection *p = &r->projections[i];
		const struct report_category *c;

		p->category = xstrdup_or_null(res, i, 0);
		if (!r->estimates_as_of)
			r->estimates_as_of = xstrdup_or_null(res, i, 1);
		p->actual_to_date = num(res, i, 2);
		if (exact) {
			/* Columns: projected, lower80, upper80 of the month end. */
			p->projected = num(res, i, 3);
			p->lower80 = num(res, i, 4);
			p->upper80 = num(res, i, 5);
		} else {
			/* Columns: sums over the remaining days. */
			p->projected = p->actual_to_date + num(res, i, 3);
			p->lower80 = p->actual_to_date + num(res, i, 4);
			p->upper80 = p->actual_to_date + num(res, i, 5);
		}
		c = report_find_category(r, p->category);
		p->has_goal = c && c->has_goal;
		p->goal = c ? c->goal : 0;
	}
	r->nprojections = (size_t)n;
	PQclear(res);
	sort_projections(r);
	return 0;
}


/* The generation time in the report's zone. */
static int load_generated(struct loader *ld)
{
	struct report *r = ld->r;
	const char *p[2] = { r->generated_at, r->timezone };
	PGresult *res;

	if (!r->generated_at || !r->timezone)
		return 0;
	res = query(ld, "load_generated", 2, p);
	if (!res)
		return -1;
	r->generated_local = xstrdup_or_null(res, 0, 0);
	PQclear(res);
	return 0;
}

static int load_trend(struct loader *ld)
{
	struct report *r = ld->r;
	const char *p[1] = { ld->first };
	PGresult *res = query(ld, "load_trend", 1, p);
	int i;

	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct report_category *c = report_find_category(r, PQgetvalue(res, i, 0));
		int m = atoi(PQgetvalue(res, i, 1));

		if (!c || m < 0 || m >= REPORT_TREND_MONTHS)
			continue;
		c->trend_minutes[m] = num(res, i, 2);
		c->trend_days[m] = atoi(PQgetvalue(res, i, 3));
		r->has_trend = 1;
	}
	PQclear(res);
	return 0;
}

static int load_hourly(struct loader *ld)
{
	struct report *r = ld->r;
	const char *p[3] = { ld->first, ld->next, r->timezone ? r->timezone : "UTC" };
	PGresult *res;
	int i, exists = table_exists(ld, "marts.hourly_category");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_hourly", 3, p);
	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		struct report_category *c = report_find_category(r, PQgetvalue(res, i, 0));
		int wd = atoi(PQgetvalue(res, i, 1)) - 1, h = atoi(PQgetvalue(res, i, 2));

		if (!c || wd < 0 || wd > 6 || h < 0 || h > 23)
			continue;
		c->hourly[wd][h] += num(res, i, 3);
		c->hourly_total += num(res, i, 3);
	}
	PQclear(res);
	res = query(ld, "load_hourly_days", 2, ld->params);
	if (!res)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		int wd = atoi(PQgetvalue(res, i, 0)) - 1;
		if (wd >= 0 && wd <= 6)
			r->hourly_days[wd] = atoi(PQgetvalue(res, i, 1));
	}
	PQclear(res);
	/* The previous month, for the shift of the busiest hour. */
	{
		char prev[16];
		const char *pp[3] = { prev, ld->first, p[2] };
		time_format_date(r->month == 1 ? time_days_from_civil(r->year - 1, 12, 1)
					       : time_days_from_civil(r->year, r->month - 1, 1),
				 prev, sizeof(prev));
		res = query(ld, "load_hourly", 3, pp);
		if (!res)
			return -1;
		for (i = 0; i < PQntuples(res); i++) {
			struct report_category *c = report_find_category(r, PQgetvalue(res, i, 0));
			int h = atoi(PQgetvalue(res, i, 2));
			if (!c || h < 0 || h > 23)
				continue;
			c->hourly_prev[h] += num(res, i, 3);
			c->hourly_prev_total += num(res, i, 3);
		}
		PQclear(res);
		res = query(ld, "load_hourly_days", 2, pp);
		if (!res)
			return -1;
		for (i = 0; i < PQntuples(res); i++)
			r->hourly_prev_days += atoi(PQgetvalue(res, i, 1));
		PQclear(res);
	}
	r->has_hourly = 1;
	return 0;
}

static int load_top(struct loader *ld)
{
	struct report *r = ld->r;
	char depth[16];
	const char *p[3] = { ld->first, ld->next, depth };
	PGresult *res;
	int i, n, exists = table_exists(ld, "core.actual_records");

	if (exists == 1)
		exists = table_exists(ld, "core.time_entries");
	if (exists <= 0)
		return exists;
	if (r->top_depth < 1 || r->top_depth > REPORT_MAX_TOP)
		r->top_depth = 3;
	snprintf(depth, sizeof(depth), "%d", r->top_depth);
	res = query(ld, "load_top", 3, p);
	if (!res)
		return -1;
	n = PQntuples(res);
	r->tops = xcalloc(r->ncats, sizeof(*r->tops));
	for (i = 0; i < n; i++) {
		const char *cat = PQgetvalue(res, i, 0);
		int kind = atoi(PQgetvalue(res, i, 1)) - 1;
		struct report_top *t = NULL;
		size_t k;

		for (k = 0; k < r->ntops; k++)
			if (!strcmp(r->tops[k].category, cat))
				t = &r->tops[k];
		if (!t) {
			if (r->ntops == r->ncats || !report_find_category(r, cat))
				continue;
			t = &r->tops[r->ntops++];
			t->category = xstrdup_or_null(res, i, 0);
			t->total = num(res, i, 4);
		}
		if (kind < 0 || kind > 2 || t->nitems[kind] >= REPORT_MAX_TOP)
			continue;
		t->items[kind][t->nitems[kind]].name = xstrdup_or_null(res, i, 2);
		t->items[kind][t->nitems[kind]].minutes = num(res, i, 3);
		t->nitems[kind]++;
	}
	PQclear(res);
	r->has_top = 1;
	/* In the report's category order. */
	for (i = 1; i < (int)r->ntops; i++) {
		struct report_top t = r->tops[i];
		size_t rank = category_rank(r, t.category);
		int j;
		for (j = i; j > 0 && category_rank(r, r->tops[j - 1].category) > rank; j--)
			r->tops[j] = r->tops[j - 1];
		r->tops[j] = t;
	}
	return 0;
}

static int load_forecast(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res;
	int i, n, exists = table_exists(ld, "analytics.estimates");

	if (exists <= 0)
		return exists;
	res = query(ld, "load_forecast", 2, ld->params);
	if (!res)
		return -1;
	n = PQntuples(res);
	r->forecasts = xcalloc((size_t)n, sizeof(*r->forecasts));
	for (i = 0; i < n; i++) {
		struct report_forecast *f = &r->forecasts[i];
		f->category = xstrdup_or_null(res, i, 0);
		if (!r->forecast_as_of)
			r->forecast_as_of = xstrdup_or_null(res, i, 1);
		f->estimated = num(res, i, 2);
		f->lower80 = num(res, i, 3);
		f->upper80 = num(res, i, 4);
		f->actual = num(res, i, 5);
		f->calibrated = !strcmp(PQgetvalue(res, i, 6), "t");
	}
	r->nforecasts = (size_t)n;
	PQclear(res);
	/* In the report's category order. */
	for (i = 1; i < n; i++) {
		struct report_forecast f = r->forecasts[i];
		size_t rank = category_rank(r, f.category);
		int j;
		for (j = i; j > 0 && category_rank(r, r->forecasts[j - 1].category) > rank; j--)
			r->forecasts[j] = r->forecasts[j - 1];
		r->forecasts[j] = f;
	}
	return 0;
}

static int load_proposals(struct loader *ld)
{
	struct report *r = ld->r;
	PGresult *res = query(ld, "load_proposals", 0, NULL);
	int i, n;

	if (!res)
		return -1;
	n = PQntuples(res);
	r->proposals = xcalloc((size_t)n, sizeof(*r->proposals));
	for (i = 0; i < n; i++) {
		struct report_proposal *p = &r->proposals[i];
		p->category = xstrdup_or_null(res, i, 0);
		p->day_type = xstrdup_or_null(res, i, 1);
		p->period = xstrdup_or_null(res, i, 2);
		p->direction = xstrdup_or_null(res, i, 3);
		p->current_minutes = atoi(PQgetvalue(res, i, 4));
		p->proposed_minutes = atoi(PQgetvalue(res, i, 5));
		p->probability_before = num(res, i, 6);
		p->probability_after = num(res, i, 7);
		p->reason = xstrdup_or_null(res, i, 8);   /* NOT NULL in the table */
	}
	r->nproposals = (size_t)n;
	PQclear(res);
	return 0;
}

static int load_all(PGconn *db, struct report *r, int64_t *rows_read,
		    char *err, size_t errlen)
{
	struct loader ld;
	int ok;

	memset(&ld, 0, sizeof(ld));
	ld.db = db;
	ld.r = r;
	ld.err = err;
	ld.errlen = errlen;
	time_format_date(r->first_day, ld.first, sizeof(ld.first));
	time_format_date(r->first_day + r->ndays, ld.next, sizeof(ld.next));
	ld.params[0] = ld.first;
	ld.params[1] = ld.next;

	ok = table_exists(&ld, "marts.daily_category");
	if (ok == 1)
		ok = table_exists(&ld, "marts.monthly_category");
	if (ok < 0)
		return -1;
	if (ok == 0) {
		snprintf(err, errlen, "the marts are not built yet (no marts.daily_category "
			 "or marts.monthly_category): run 'dwhbi transform' first");
		return -1;
	}
	if (load_categories(&ld) < 0 || load_daily(&ld) < 0 ||
	    load_freshness(&ld) < 0 || load_adherence(&ld) < 0 ||
	    load_month_days(&ld) < 0 || load_goals(&ld) < 0 || (sort_goals(r), 0) ||
	    load_flows(&ld) < 0 ||
	    load_projections(&ld) < 0 || load_proposals(&ld) < 0 ||
	    load_generated(&ld) < 0 || load_trend(&ld) < 0 || load_hourly(&ld) < 0 ||
	    load_top(&ld) < 0 || load_forecast(&ld) < 0)
		return -1;
	if (rows_read)
		*rows_read = ld.rows;
	return 0;
}

int report_load(PGconn *db, struct report *r, int64_t *rows_read,
		char *err, size_t errlen)
{
	char qerr[256];
	int rc;

	/* One snapshot for every query: a transform that commits while the
	 * report reads can never mix two states of the marts in one report. */
	if (PQtransactionStatus(db) != PQTRANS_IDLE) {
		snprintf(err, errlen, "report_load needs a connection outside a transaction "
			 "(it reads in a snapshot of its own)");
		return -1;
	}
	if (db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", qerr,
		    sizeof(qerr)) < 0) {
		snprintf(err, errlen, "cannot start the report's read-only snapshot: %s", qerr);
		return -1;
	}
	rc = load_all(db, r, rows_read, err, errlen);
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, qerr, sizeof(qerr)) < 0) {
		snprintf(err, errlen, "cannot end the report's snapshot: %s", qerr);
		return -1;
	}
	return 0;
}
