/*
 * evaluate: as-of evaluations of the analyzer and the adjuster over a range
 * of dates (evaluate.h).
 *
 * The history is read once, for the earliest as-of's window up to the last
 * day any as-of can be scored on.  Each as-of works on its own copy of the
 * series in which every day after the as-of is NAN: the estimators only
 * ever see that copy, so what lies after the as-of cannot reach them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjuster/adjust.h"
#include "analyzer/analyze.h"
#include "analyzer/backtest.h"
#include "analyzer/evaluate.h"
#include "analyzer/store.h"
#include "lib/query.h"
#include "lib/timeutil.h"

/* Days after TO that can still be scored: the longest horizon, and the
 * adjuster's next month. */
#define EVAL_AFTER 75

struct eval_goal {
	struct adjust_goal g;
	int32_t valid_from, valid_to;   /* valid_to INT32_MAX = open */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

void eval_summary_release(struct eval_summary *s)
{
	int k;

	for (k = 0; k < s->ncategories; k++)
		free(s->names[k]);
	free(s->names);
	free(s->cat);
	memset(s, 0, sizeof(*s));
}

static int load_goals(PGconn *db, struct eval_goal **out, int *n, char **names, int ncat,
		      char *err, size_t errlen)
{
	PGresult *res;
	int r, k;

	*out = NULL;
	*n = 0;
	if (query_relation_exists(db, "ref.goals", err, errlen) != 1)
		return 0;       /* no goals: no Brier score */
	res = query_file(db, "analyzer/eval_goals.sql", 0, NULL, err, errlen);
	if (!res)
		return -1;
	*out = xcalloc(PQntuples(res), sizeof(**out));
	for (r = 0; r < PQntuples(res); r++) {
		struct eval_goal *e = &(*out)[*n];

		for (k = 0; k < ncat; k++)
			if (!strcmp(names[k], PQgetvalue(res, r, 1)))
				break;
		if (k == ncat)
			continue;       /* a goal on a category without data */
		memset(e, 0, sizeof(*e));
		e->g.goal_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		e->g.category = (size_t)k;
		e->g.minutes = atoi(PQgetvalue(res, r, 4));
		e->g.open = 1;
		if (day_type_parse(PQgetvalue(res, r, 2), &e->g.day_type) < 0 ||
		    goal_period_parse(PQgetvalue(res, r, 3), &e->g.period) < 0 ||
		    goal_direction_parse(PQgetvalue(res, r, 5), &e->g.direction) < 0) {
			snprintf(err, errlen, "ref.goals: goal %s has an unknown day type, "
				 "period or direction", PQgetvalue(res, r, 0));
			PQclear(res);
			free(*out);
			*out = NULL;
			return -1;
		}
		e->valid_from = atoi(PQgetvalue(res, r, 6));
		e->valid_to = PQgetisnull(res, r, 7) ? INT32_MAX : atoi(PQgetvalue(res, r, 7));
		(*n)++;
	}
	PQclear(res);
	return 0;
}

/* The data of the whole evaluation: index 0 = first_day. */
struct eval_data {
	int32_t first_day;
	int n;
	unsigned char *holiday;
	double *y;              /* ncat * n */
	unsigned char *any;     /* n: the marts hold the day (some category known) */
	int ncat;
	char **names;
};

static void score_pairs(const struct eval_data *D, const struct analyze_work *w,
			const struct analyze_result *r, int k, const struct est_point *method_pts,
			const int *method_ok, int base, struct eval_acc *a, struct eval_acc *pool)
{
	const struct est_point *pts = w->points + (size_t)k * w->horizon;
	int h, m;

	for (h = 1; h <= w->horizon; h++) {
		int g = r->as_of + h - D->first_day;
		double act, e;
		const struct est_point *p = &pts[h - 1];

		if (g < 0 || g >= D->n)
			continue;
		act = D->y[(size_t)k * D->n + g];
		if (!isfinite(act))
			continue;
		e = fabs(act - p->minutes);
		if (getenv("DWHBI_EVAL_PAIRS"))
			fprintf(stderr, "pair %s h %d m %s hol %d act %.1f pt %.1f l80 %.1f u80 %.1f l95 %.1f u95 %.1f mean %.1f\n",
				D->names[k], h, backtest_method_name(r->categories[k].method),
				D->holiday[g], act, p->minutes, p->lower80, p->upper80, p->lower95, p->upper95, p->mean);
		a->n++;
		a->abs_chosen += e;
		a->in80 += act >= p->lower80 - 1e-9 && act <= p->upper80 + 1e-9;
		a->in95 += act >= p->lower95 - 1e-9 && act <= p->upper95 + 1e-9;
		a->is80 += (p->upper80 - p->lower80) +
			   (act < p->lower80 ? 10.0 * (p->lower80 - act) : 0) +
			   (act > p->upper80 ? 10.0 * (act - p->upper80) : 0);
		for (m = 0; m < EST_NMETHODS; m++) {
			if (!method_ok[m])
				continue;
			a->n_m[m]++;
			a->abs_m[m] += fabs(act - method_pts[(size_t)m * w->horizon + h - 1].minutes);
		}
		/* the baseline chosen in advance; the chosen method itself when the
		 * backtest had no baseline to offer (then the ratio is 1) */
		if (base >= 0 && method_ok[base])
			a->abs_base += fabs(act - method_pts[(size_t)base * w->horizon + h - 1].minutes);
		else
			a->abs_base += e;
	}
	(void)pool;
}

static void acc_add(struct eval_acc *to, const struct eval_acc *a)
{
	int m;

	to->n += a->n;
	to->abs_chosen += a->abs_chosen;
	to->abs_base += a->abs_base;
	for (m = 0; m < EST_NMETHODS; m++) {
		to->n_m[m] += a->n_m[m];
		to->abs_m[m] += a->abs_m[m];
	}
	to->in80 += a->in80;
	to->in95 += a->in95;
	to->is80 += a->is80;
	to->month_n += a->month_n;
	to->month80 += a->month80;
	to->month95 += a->month95;
}

/* The month-end projection against the month's actual total, when every day
 * of the month is complete in the data. */
static void score_month(const struct eval_data *D, const struct analyze_result *r, int k,
			struct eval_acc *a)
{
	const struct analyze_category *c = &r->categories[k];
	double total = 0;
	int32_t d;

	for (d = r->month; d <= r->month_end; d++) {
		int g = d - D->first_day;
		double v = g >= 0 && g < D->n ? D->y[(size_t)k * D->n + g] : NAN;

		if (d > r->as_of && !isfinite(v))
			return;
		if (isfinite(v))
			total += v;
	}
	a->month_n++;
	a->month80 += total >= c->month_lower80 - 1e-6 && total <= c->month_upper80 + 1e-6;
	a->month95 += total >= c->month_lower95 - 1e-6 && total <= c->month_upper95 + 1e-6;
}

/* The adjuster on this as-of's in-memory estimates: Brier scores of P(met)
 * of each goal's next period and of its hit rate. */
static int score_adjuster(const struct eval_data *D, const struct analyze_work *w,
			  const struct analyze_result *r, const struct eval_goal *goals,
			  int ngoals, struct eval_summary *s, char *err, size_t errlen)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result res;
	int32_t first;
	int nd, i, k, gi, any = 0;

	for (gi = 0; gi < ngoals; gi++)
		any += goals[gi].valid_from <= r->as_of && goals[gi].valid_to > r->as_of &&
		       goals[gi].g.direction != DIR_NEUTRAL;
	if (!any)
		return 0;
	adjust_input_init(&in);
	adjust_input_range(r->as_of, &o, &first, &nd);
	adjust_input_set_range(&in, r->as_of, first, nd);
	for (i = 0; i < nd; i++) {
		int32_t d = first + i;
		int g = d - D->first_day;

		in.day_type[i] = g >= 0 && g < D->n ? D->holiday[g] : time_weekday(d) >= 5;
		in.in_data[i] = d <= r->as_of && g >= 0 && g < D->n && D->any[g];
	}
	for (k = 0; k < D->ncat; k++) {
		struct adjust_category *c;

		adjust_input_add_category(&in, D->names[k]);
		if (r->categories[k].errors)
			adjust_input_set_errors(&in, k, r->categories[k].errors, BT_DAYS, BT_HORIZON,
						r->as_of);
		c = &in.cats[k];
		for (i = 0; i < nd; i++) {
			int32_t d = first + i;
			int g = d - D->first_day, h = (int)(d - r->as_of);

			if (d <= r->as_of && g >= 0 && g < D->n)
				c->actual[i] = D->y[(size_t)k * D->n + g];
			if (h >= 1 && h <= w->horizon) {
				const struct est_point *p = &w->points[(size_t)k * w->horizon + h - 1];

				c->est_mean[i] = p->mean;
				c->est_sd[i] = normal_sd_from_interval80(p->lower80, p->upper80);
			}
		}
	}
	for (gi = 0; gi < ngoals; gi++)
		if (goals[gi].valid_from <= r->as_of && goals[gi].valid_to > r->as_of)
			adjust_input_add_goal(&in, &goals[gi].g);
	if (adjust_compute(&in, &o, &res, err, errlen) < 0) {
		adjust_input_release(&in);
		return -1;
	}
	for (gi = 0; gi < (int)res.ngoals; gi++) {
		const struct goal_result *gr = &res.goals[gi];
		const struct adjust_goal *g = gr->goal;
		double sum = 0, p = gr->calc.p_before, hit;
		int32_t d;
		int known = 1, met;

		if (g->direction == DIR_NEUTRAL || !isfinite(p) || gr->periods == 0)
			continue;
		for (d = gr->next_start; d < gr->next_end && known; d++) {
			int gidx = d - D->first_day;
			double v;

			if (gidx < 0 || gidx >= D->n) {
				known = 0;
				break;
			}
			if (!day_type_matches(g->day_type, (enum day_type)D->holiday[gidx]))
				continue;
			v = D->y[(size_t)g->category * D->n + gidx];
			if (!isfinite(v))
				known = 0;
			else
				sum += v;
		}
		if (!known)
			continue;
		met = goal_period_met(g->direction, g->minutes, sum);
		hit = (double)gr->hits / gr->periods;
		s->brier_n++;
		s->brier += (p - met) * (p - met);
		s->brier_hit += (hit - met) * (hit - met);
		s->cat[g->category].brier_n++;
		s->cat[g->category].brier += (p - met) * (p - met);
		s->cat[g->category].brier_hit += (hit - met) * (hit - met);
		if (getenv("DWHBI_EVAL_TRACE"))
			fprintf(stderr, "goal %s %s as_of %d p %.3f hit %.3f met %d cal %d mean %.0f sd %.0f\n",
				D->names[g->category], goal_period_name(g->period), r->as_of, p, hit,
				met, gr->calibrated, gr->next_mean, gr->next_sd);
	}
	adjust_result_release(&res);
	adjust_input_release(&in);
	return 0;
}

int analyze_evaluate(PGconn *db, int32_t from, int32_t to, int every,
		     struct eval_summary *s, char *err, size_t errlen)
{
	struct analyze_work big;
	struct analyze_result all;
	struct eval_data D;
	struct eval_goal *goals = NULL;
	struct est_fit_cache **caches = NULL;
	int ngoals = 0, k, i, rc = 0;
	int32_t as_of, adj_first;
	int adj_n;
	struct adjust_options ao = ADJUST_OPTIONS_INIT;

	memset(s, 0, sizeof(*s));
	if (from > to || every < 1) {
		snprintf(err, errlen, "bad evaluation range");
		return -1;
	}
	if (query_require_relation(db, "marts.daily_category", "run 'dwhbi transform' first",
				   err, errlen) < 0 ||
	    query_require_relation(db, "core.days", "run 'dwhbi transform' first", err,
				   errlen) < 0)
		return -1;
	est_init();
	/* one read: the earliest window (the analysis or the adjuster's history,
	 * whichever reaches further back) to EVAL_AFTER days after TO */
	adjust_input_range(from, &ao, &adj_first, &adj_n);
	memset(&big, 0, sizeof(big));
	analyze_result_init(&all);
	big.first_day = from - ANALYZE_HISTORY_DAYS + 1;
	if (adj_first < big.first_day)
		big.first_day = adj_first;
	big.n = (int)(to + EVAL_AFTER - big.first_day + 1);
	big.origin = big.n - 1;
	all.as_of = to + EVAL_AFTER;
	big.holiday = xcalloc(big.n, 1);
	if (analyze_load_days(db, &big, err, errlen) < 0 ||
	    analyze_load_history(db, &big, &all, err, errlen) < 0) {
		analyze_work_release(&big);
		analyze_result_release(&all);
		return -1;
	}
	D.first_day = big.first_day;
	D.n = big.n;
	D.holiday = big.holiday;
	D.y = big.y;
	D.ncat = all.ncategories;
	D.any = xcalloc(D.n, 1);
	D.names = xcalloc(D.ncat, sizeof(char *));
	for (k = 0; k < D.ncat; k++)
		D.names[k] = all.categories[k].name;
	for (i = 0; i < D.n; i++)
		for (k = 0; k < D.ncat; k++)
			if (isfinite(D.y[(size_t)k * D.n + i]))
				D.any[i] = 1;
	if (load_goals(db, &goals, &ngoals, D.names, D.ncat, err, errlen) < 0) {
		rc = -1;
		goto out;
	}

	caches = xcalloc(D.ncat, sizeof(*caches));
	for (k = 0; k < D.ncat; k++)
		if (!(caches[k] = est_fit_cache_new()))
			abort();        /* out of memory, as xcalloc */
	s->ncategories = D.ncat;
	s->names = xcalloc(D.ncat, sizeof(char *));
	s->cat = xcalloc(D.ncat, sizeof(*s->cat));
	for (k = 0; k < D.ncat; k++)
		s->names[k] = xstrdup(D.names[k]);

	for (as_of = from; as_of <= to && rc == 0; as_of += every) {
		struct analyze_work w;
		struct analyze_result r;
		int32_t month_end;
		int off;

		memset(&w, 0, sizeof(w));
		analyze_result_init(&r);
		r.as_of = as_of;
		r.first_target = as_of + 1;
		r.month = analyze_month_start(as_of + 1);
		month_end = analyze_next_month_start(r.month) - 1;
		r.month_end = month_end;
		r.last_target = month_end > as_of + ANALYZE_MIN_HORIZON ? month_end
									 : as_of + ANALYZE_MIN_HORIZON;
		w.first_day = as_of - ANALYZE_HISTORY_DAYS + 1;
		w.origin = ANALYZE_HISTORY_DAYS - 1;
		w.horizon = r.last_target - as_of;
		w.n = ANALYZE_HISTORY_DAYS + w.horizon;
		off = w.first_day - D.first_day;
		w.holiday = xcalloc(w.n, 1);
		w.y = xcalloc((size_t)D.ncat * w.n, sizeof(double));
		memcpy(w.holiday, D.holiday + off, w.n);
		for (k = 0; k < D.ncat; k++)
			for (i = 0; i < w.n; i++)
				/* the future is missing */
				w.y[(size_t)k * w.n + i] = i <= w.origin ? D.y[(size_t)k * D.n + off + i]
									 : NAN;
		r.ncategories = D.ncat;
		r.categories = xcalloc(D.ncat, sizeof(*r.categories));
		for (k = 0; k < D.ncat; k++)
			r.categories[k].name = xstrdup(D.names[k]);
		/* the fits of one as-of's backtest origins serve the later as-ofs
		 * (same inputs, same fits: the results are those without it) */
		w.caches = caches;
		w.ncaches = D.ncat;
		analyze_estimate(&w, &r, err, errlen, &rc);
		w.caches = NULL;
		w.ncaches = 0;
		for (k = 0; k < D.ncat && rc == 0; k++) {
			struct est_series ser = { w.first_day, w.n, w.y + (size_t)k * w.n, w.holiday };
			struct est_point *mp = xcalloc((size_t)EST_NMETHODS * w.horizon, sizeof(*mp));
			int ok[EST_NMETHODS], m, base;
			struct eval_acc a;
			char why[256];

			if (r.categories[k].method == BT_NO_HISTORY) {
				free(mp);
				continue;
			}
			for (m = 0; m < EST_NMETHODS; m++) {
				int frc = est_forecast(m, &ser, w.origin, w.horizon,
						       mp + (size_t)m * w.horizon, why, sizeof(why));

				if (frc < 0) {
					snprintf(err, errlen, "%s", why);
					rc = -1;
				}
				ok[m] = frc == 0;
			}
			base = backtest_best_baseline(&r.categories[k].backtest);
			memset(&a, 0, sizeof(a));
			score_pairs(&D, &w, &r, k, mp, ok, base, &a, &s->pooled);
			score_month(&D, &r, k, &a);
			acc_add(&s->cat[k], &a);
			acc_add(&s->pooled, &a);
			free(mp);
		}
		if (rc == 0)
			rc = score_adjuster(&D, &w, &r, goals, ngoals, s, err, errlen);
		s->nasof++;
		analyze_work_release(&w);
		analyze_result_release(&r);
	}
out:
	for (k = 0; caches && k < D.ncat; k++)
		est_fit_cache_free(caches[k]);
	free(caches);
	free(goals);
	free(D.any);
	free(D.names);
	analyze_work_release(&big);
	analyze_result_release(&all);
	if (rc < 0)
		eval_summary_release(s);
	return rc;
}

static void ratio(struct buf *out, double a, double b)
{
	if (b > 0)
		buf_printf(out, " %6.2f", a / b);
	else
		buf_printf(out, " %6s", "-");
}

static void frac(struct buf *out, long a, long n)
{
	if (n > 0)
		buf_printf(out, " %6.3f", (double)a / n);
	else
		buf_printf(out, " %6s", "-");
}

static void row(struct buf *out, const char *name, const struct eval_acc *a)
{
	int m;

	buf_printf(out, "%-16s %5ld", name, a->n);
	if (a->n > 0)
		buf_printf(out, " %7.1f %7.1f", a->abs_chosen / a->n, a->abs_base / a->n);
	else
		buf_printf(out, " %7s %7s", "-", "-");
	ratio(out, a->abs_chosen, a->abs_base);
	frac(out, a->in80, a->n);
	frac(out, a->in95, a->n);
	if (a->n > 0)
		buf_printf(out, " %7.1f", a->is80 / a->n);
	else
		buf_printf(out, " %7s", "-");
	frac(out, a->month80, a->month_n);
	frac(out, a->month95, a->month_n);
	buf_printf(out, " %3ld", a->month_n);
	for (m = 0; m < EST_NMETHODS; m++)
		if (a->n_m[m] > 0)
			buf_printf(out, " %7.1f", a->abs_m[m] / a->n_m[m]);
		else
			buf_printf(out, " %7s", "-");
	buf_putc(out, '\n');
}

void eval_summary_print(const struct eval_summary *s, int32_t from, int32_t to,
			int every, struct buf *out)
{
	char f[16], t[16];
	const struct eval_acc *p = &s->pooled;
	int k, m;

	time_format_date(from, f, sizeof(f));
	time_format_date(to, t, sizeof(t));
	buf_printf(out, "evaluation: %d as-of dates %s..%s every %d days; estimates "
		   "compared with complete days only\n", s->nasof, f, t, every);
	buf_printf(out, "%-16s %5s %7s %7s %6s %6s %6s %7s %6s %6s %3s", "category", "n",
		   "mae", "base", "ratio", "cov80", "cov95", "is80", "mon80", "mon95", "mn");
	for (m = 0; m < EST_NMETHODS; m++)
		buf_printf(out, " %7.7s", est_method_name(m));
	buf_putc(out, '\n');
	for (k = 0; k < s->ncategories; k++)
		if (s->cat[k].n > 0)
			row(out, s->names[k], &s->cat[k]);
	row(out, "(pooled)", p);
	for (k = 0; k < s->ncategories; k++)
		if (s->cat[k].brier_n > 0)
			buf_printf(out, "adjuster %-16s %4ld goal periods, Brier of P(met) %.3f, of the "
				   "hit rate %.3f\n", s->names[k], s->cat[k].brier_n,
				   s->cat[k].brier / s->cat[k].brier_n,
				   s->cat[k].brier_hit / s->cat[k].brier_n);
	if (s->brier_n > 0)
		buf_printf(out, "adjuster: %ld goal periods, Brier of P(met) %.3f, of the hit "
			   "rate %.3f (ratio %.2f)\n", s->brier_n, s->brier / s->brier_n,
			   s->brier_hit / s->brier_n,
			   s->brier_hit > 0 ? s->brier / s->brier_hit : NAN);
	else
		buf_printf(out, "adjuster: no goal period to score\n");
	buf_printf(out, "summary: n=%ld mae=%.2f mae_ratio=%.3f cov80=%.3f cov95=%.3f "
		   "month_n=%ld month80=%.3f month95=%.3f brier_n=%ld brier=%.4f brier_hit=%.4f "
		   "brier_ratio=%.3f\n", p->n, p->n ? p->abs_chosen / p->n : NAN,
		   p->abs_base > 0 ? p->abs_chosen / p->abs_base : NAN,
		   p->n ? (double)p->in80 / p->n : NAN, p->n ? (double)p->in95 / p->n : NAN,
		   p->month_n, p->month_n ? (double)p->month80 / p->month_n : NAN,
		   p->month_n ? (double)p->month95 / p->month_n : NAN, s->brier_n,
		   s->brier_n ? s->brier / s->brier_n : NAN,
		   s->brier_n ? s->brier_hit / s->brier_n : NAN,
		   s->brier_hit > 0 ? s->brier / s->brier_hit : NAN);
}
