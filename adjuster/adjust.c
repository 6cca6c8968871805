/*
 * adjust: the engine behind `dwhbi adjust` (see adjust.h): goal status and
 * probabilities, hit rates, breakdowns, proposals and the day budget, all in
 * memory so unit tests can drive it without a database.
 */
#include "adjuster/adjust.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adjuster/breakdown.h"
#include "adjuster/budget.h"
#include "lib/timeutil.h"

/* A category's daily value on a day of one type when no estimate names the
 * day. */
struct type_model {
	double mean, var;
	int n;          /* estimates or actual days behind it; 0 = no data */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

void adjust_input_range(int32_t as_of, const struct adjust_options *o,
			int32_t *first_day, int *ndays)
{
	/* History: `history` months at most, plus the model window; future:
	 * the month holding as_of + 1 and the next one (at most 62 days). */
	int back = o->model_days > o->unmanaged_days ? o->model_days : o->unmanaged_days;
	int32_t first = as_of - 31 * (o->history + 1) - back - 7;
	int32_t last = as_of + 70;

	*first_day = first;
	*ndays = (int)(last - first + 1);
}

void adjust_input_init(struct adjust_input *in)
{
	memset(in, 0, sizeof(*in));
}

void adjust_input_set_range(struct adjust_input *in, int32_t as_of,
			    int32_t first_day, int ndays)
{
	in->as_of = as_of;
	in->first_day = first_day;
	in->ndays = ndays;
	free(in->day_type);
	free(in->in_data);
	in->day_type = xcalloc((size_t)ndays, 1);
	in->in_data = xcalloc((size_t)ndays, 1);
}

static double *nan_series(int n)
{
	double *v = xcalloc((size_t)n, sizeof(*v));
	int i;

	for (i = 0; i < n; i++)
		v[i] = NAN;
	return v;
}

size_t adjust_input_add_category(struct adjust_input *in, const char *name)
{
	struct adjust_category *c;

	in->cats = realloc(in->cats, (in->ncats + 1) * sizeof(*in->cats));
	if (!in->cats)
		abort();
	c = &in->cats[in->ncats];
	c->name = strdup(name);
	if (!c->name)
		abort();
	c->actual = nan_series(in->ndays);
	c->est_mean = nan_series(in->ndays);
	c->est_sd = nan_series(in->ndays);
	c->errors = NULL;
	c->nerr = 0;
	return in->ncats++;
}

void adjust_input_set_errors(struct adjust_input *in, size_t c, const double *errors,
			     int nerr, int err_h, int32_t est_as_of)
{
	struct adjust_category *cat = &in->cats[c];

	free(cat->errors);
	cat->errors = NULL;
	cat->nerr = 0;
	if (nerr < 1 || err_h < 1)
		return;
	cat->errors = xcalloc((size_t)nerr * err_h, sizeof(double));
	memcpy(cat->errors, errors, (size_t)nerr * err_h * sizeof(double));
	cat->nerr = nerr;
	in->err_h = err_h;
	in->est_as_of = est_as_of;
}

long adjust_input_find_category(const struct adjust_input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->ncats; i++)
		if (!strcmp(in->cats[i].name, name))
			return (long)i;
	return -1;
}

void adjust_input_add_goal(struct adjust_input *in, const struct adjust_goal *g)
{
	in->goals = realloc(in->goals, (in->ngoals + 1) * sizeof(*in->goals));
	if (!in->goals)
		abort();
	in->goals[in->ngoals++] = *g;
}

void adjust_input_release(struct adjust_input *in)
{
	size_t i;

	for (i = 0; i < in->ncats; i++) {
		free(in->cats[i].name);
		free(in->cats[i].actual);
		free(in->cats[i].est_mean);
		free(in->cats[i].est_sd);
		free(in->cats[i].errors);
	}
	free(in->cats);
	free(in->goals);
	free(in->day_type);
	free(in->in_data);
	adjust_input_init(in);
}

void adjust_result_release(struct adjust_result *r)
{
	free(r->goals);
	memset(r, 0, sizeof(*r));
}

int adjust_options_check(const struct adjust_options *o, char *err, size_t errlen)
{
	if (proposal_options_check(&o->prop, err, errlen) < 0)
		return -1;
	if (!(o->at_risk > 0 && o->at_risk < o->on_track && o->on_track < 1)) {
		snprintf(err, errlen, "thresholds must satisfy 0 < at-risk < on-track < 1 "
			 "(got %g, %g)", o->at_risk, o->on_track);
		return -1;
	}
	if (o->history < 1 || o->history > 60) {
		snprintf(err, errlen, "history must be 1..60 periods (got %d)", o->history);
		return -1;
	}
	if (!(o->material >= 0 && o->material < 1)) {
		snprintf(err, errlen, "material must be 0 <= F < 1 (got %g)", o->material);
		return -1;
	}
	if (o->expire_days < 1 || o->expire_days > 366) {
		snprintf(err, errlen, "expire-days must be 1..366 (got %d)", o->expire_days);
		return -1;
	}
	if (o->model_days < 7 || o->model_days > 366) {
		snprintf(err, errlen, "model-days must be 7..366 (got %d)", o->model_days);
		return -1;
	}
	if (!(o->unmanaged_q >= 0 && o->unmanaged_q <= 0.5)) {
		snprintf(err, errlen, "unmanaged-quantile must be 0..0.5 (got %g)", o->unmanaged_q);
		return -1;
	}
	if (o->unmanaged_days < 7 || o->unmanaged_days > 366) {
		snprintf(err, errlen, "unmanaged-days must be 7..366 (got %d)", o->unmanaged_days);
		return -1;
	}
	return 0;
}

/* ---- per-day distributions ------------------------------------------- */

#define CAL_MIN_SAMPLES 12
#define CAL_MAX_DAYS 62

struct period_cal {
	int n;
	double v[512];          /* samples of the period's value */
	double bw;              /* kernel bandwidth */
	double mean, sd;
};

struct engine {
	const struct adjust_input *in;
	const struct adjust_options *o;
	struct type_model (*model)[2];   /* [category][day type] */
	double (*coef)[2];               /* [goal][day type]: daily minutes per goal minute */
	char *err;
	size_t errlen;
	struct period_cal cal_cur;       /* the goal being evaluated, current period */
	struct period_cal *cal_next;     /* [goal]: next period */
	double unmanaged[2];             /* measured unmanaged minimum per day type */
	int unmanaged_days[2];           /* ... measured on that many days (0: expected) */
	unsigned char *frozen;           /* [goal]: a lowered value cannot be stored, so
	                                    the budget never counts it below its
	                                    current value */
};

static int day_index(const struct engine *e, int32_t date)
{
	int32_t i = date - e->in->first_day;

	if (i < 0 || i >= e->in->ndays)
		return -1;
	return (int)i;
}

static int actual_known(const struct adjust_input *in, const struct adjust_category *c, int i)
{
	return in->first_day + i <= in->as_of && in->in_data[i] && !isnan(c->actual[i]);
}

static void build_models(struct engine *e)
{
	const struct adjust_input *in = e->in;
	size_t c;
	int i, t;

	for (c = 0; c < in->ncats; c++) {
		const struct adjust_category *cat = &in->cats[c];

		for (t = 0; t < 2; t++) {
			double sum = 0, sumv = 0, sumsq = 0, mean;
			int n = 0;

			for (i = 0; i < in->ndays; i++) {
				if (in->first_day + i <= in->as_of || in->day_type[i] != t ||
				    isnan(cat->est_mean[i]))
					continue;
				sum += cat->est_mean[i];
				sumv += isnan(cat->est_sd[i]) ? 0 : cat->est_sd[i] * cat->est_sd[i];
				n++;
			}
			if (n > 0) {
				e->model[c][t].mean = sum / n;
				e->model[c][t].var = sumv / n;
				e->model[c][t].n = n;
				continue;
			}
			for (i = 0; i < in->ndays; i++) {
				int32_t d = in->first_day + i;

				if (d > in->as_of || d <= in->as_of - e->o->model_days ||
				    in->day_type[i] != t || !actual_known(in, cat, i))
					continue;
				sum += cat->actual[i];
				n++;
			}
			mean = n ? sum / n : 0;
			for (i = 0; i < in->ndays && n > 1; i++) {
				int32_t d = in->first_day + i;

				if (d > in->as_of || d <= in->as_of - e->o->model_days ||
				    in->day_type[i] != t || !actual_known(in, cat, i))
					continue;
				sumsq += (cat->actual[i] - mean) * (cat->actual[i] - mean);
			}
			e->model[c][t].mean = mean;
			e->model[c][t].var = n > 1 ? sumsq / (n - 1) : 0;
			e->model[c][t].n = n;
		}
	}
}

/* Mean and variance of category c on day index i; *known = 1 for an actual. */
static void day_value(const struct engine *e, size_t c, int i, double *mean,
		      double *var, int *known)
{
	const struct adjust_input *in = e->in;
	const struct adjust_category *cat = &in->cats[c];

	*known = 0;
	if (actual_known(in, cat, i)) {
		*mean = cat->actual[i];
		*var = 0;
		*known = 1;
	} else if (in->first_day + i > in->as_of && !isnan(cat->est_mean[i])) {
		*mean = cat->est_mean[i];
		*var = isnan(cat->est_sd[i]) ? 0 : cat->est_sd[i] * cat->est_sd[i];
	} else {
		*mean = e->model[c][in->day_type[i]].mean;
		*var = e->model[c][in->day_type[i]].var;
	}
}

struct period_sum {
	double mean, var, so_far;
	int days[2], remaining[2];
};

static int period_sum(const struct engine *e, const struct adjust_goal *g,
		      int32_t start, int32_t end, struct period_sum *s)
{
	int32_t d;

	memset(s, 0, sizeof(*s));
	for (d = start; d < end; d++) {
		int i = day_index(e, d), known, t;
		double m, v;

		if (i < 0) {
			snprintf(e->err, e->errlen, "day %d outside the loaded range", (int)d);
			return -1;
		}
		t = e->in->day_type[i];
		if (!day_type_matches(g->day_type, (enum day_type)t))
			continue;
		day_value(e, g->category, i, &m, &v, &known);
		s->mean += m;
		s->var += v;
		s->days[t]++;
		if (known)
			s->so_far += m;
		if (d > e->in->as_of)
			s->remaining[t]++;
	}
	return 0;
}

static int goal_met(const struct adjust_goal *g, double value)
{
	return goal_period_met(g->direction, g->minutes, value);
}

/* ---- the calibrated period value -------------------------------------- */


static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Samples of the value of g's period [start, end) from the backtest errors;
 * 0 when they do not cover it (then the normal model applies). */
static int period_calibrate(const struct engine *e, const struct adjust_goal *g,
			    int32_t start, int32_t end, struct period_cal *pc)
{
	const struct adjust_input *in = e->in;
	const struct adjust_category *cat = &in->cats[g->category];
	int hs[CAL_MAX_DAYS], nh = 0, r, k;
	double so_far = 0, base = 0, sum = 0, ss = 0, iqr, spread;
	int32_t d;

	pc->n = 0;
	if (!cat->errors || cat->nerr < CAL_MIN_SAMPLES)
		return 0;
	for (d = start; d < end; d++) {
		int i = day_index(e, d), h = (int)(d - in->est_as_of);

		if (i < 0)
			return 0;
		if (!day_type_matches(g->day_type, (enum day_type)in->day_type[i]))
			continue;
		if (actual_known(in, cat, i)) {
			so_far += cat->actual[i];
			continue;
		}
		if (d <= in->as_of || isnan(cat->est_mean[i]) || h < 1 || h > in->err_h ||
		    nh >= CAL_MAX_DAYS)
			return 0;
		base += cat->est_mean[i];
		hs[nh++] = h;
	}
	if (nh == 0)
		return 0;
	for (r = 0; r < cat->nerr && pc->n < (int)(sizeof(pc->v) / sizeof(pc->v[0])); r++) {
		double s = 0;

		for (k = 0; k < nh; k++) {
			double x = cat->errors[(size_t)r * in->err_h + hs[k] - 1];

			if (isnan(x))
				break;
			s += x;
		}
		if (k < nh)
			continue;
		pc->v[pc->n++] = so_far + (base + s > 0 ? base + s : 0);
	}
	if (pc->n < CAL_MIN_SAMPLES)
		return 0;
	for (k = 0; k < pc->n; k++)
		sum += pc->v[k];
	pc->mean = sum / pc->n;
	for (k = 0; k < pc->n; k++)
		ss += (pc->v[k] - pc->mean) * (pc->v[k] - pc->mean);
	pc->sd = sqrt(ss / (pc->n - 1));
	{
		double sorted[512];

		memcpy(sorted, pc->v, pc->n * sizeof(double));
		qsort(sorted, pc->n, sizeof(double), cmp_double);
		iqr = sorted[(3 * (pc->n - 1)) / 4] - sorted[(pc->n - 1) / 4];
	}
	/* Silverman's rule; at least a minute */
	spread = iqr / 1.34 < pc->sd && iqr > 0 ? iqr / 1.34 : pc->sd;
	pc->bw = 0.9 * spread * pow(pc->n, -0.2);
	if (!(pc->bw >= 1))
		pc->bw = 1;
	return 1;
}

/* P(the calibrated value meets goal). */
static double period_cal_prob(const struct period_cal *pc, enum goal_direction dir, double goal)
{
	double p = 0, x;
	int k;

	for (k = 0; k < pc->n; k++) {
		x = (pc->v[k] - goal) / pc->bw;
		/* P(V >= goal) for more, P(V <= goal) for less, V ~ N(v_k, bw) */
		p += 0.5 * erfc((dir == DIR_MORE ? -x : x) / sqrt(2.0));
	}
	return p / pc->n;
}

/* ---- per goal --------------------------------------------------------- */

static void hit_rate(const struct engine *e, const struct goal_result *r)
{
	const struct adjust_input *in = e->in;
	const struct adjust_goal *g = r->goal;
	const struct adjust_category *cat = &in->cats[g->category];
	struct goal_result *w = (struct goal_result *)r;
	int32_t s, end;
	int i;

	w->hits = w->periods = w->zeros = 0;
	if (g->period == PERIOD_DAY) {
		for (i = day_index(e, in->as_of); i >= 0 && w->periods < e->o->history; i--) {
			if (!day_type_matches(g->day_type, (enum day_type)in->day_type[i]) ||
			    !actual_known(in, cat, i))
				continue;
			w->periods++;
			w->hits += goal_met(g, cat->actual[i]);
			w->zeros += cat->actual[i] <= 0;
		}
		return;
	}
	s = period_start(g->period, in->as_of + 1);
	while (w->periods < e->o->history) {
		double sum = 0;
		int ok = 1, matching = 0;
		int32_t d;

		end = s;
		s = period_start(g->period, end - 1);
		if (day_index(e, s) < 0)
			break;
		for (d = s; d < end && ok; d++) {
			i = day_index(e, d);
			if (!day_type_matches(g->day_type, (enum day_type)in->day_type[i]))
				continue;
			matching++;
			if (!actual_known(in, cat, i))
				ok = 0;
			else
				sum += cat->actual[i];
		}
		/* Stop at the first period the data does not cover completely:
		 * that is where tracking started. */
		if (!ok || matching == 0)
			break;
		w->periods++;
		w->hits += goal_met(g, sum);
		w->zeros += sum <= 0;
	}
}

static int evaluate_goal(struct engine *e, size_t gi, struct goal_result *r)
{
	const struct adjust_input *in = e->in;
	const struct adjust_goal *g = &in->goals[gi];
	struct period_sum cur, next;
	double w[2], unit[2], rem;
	int t, i;

	r->goal = g;
	if (g->category >= in->ncats) {
		snprintf(e->err, e->errlen, "goal %lld names no loaded category",
			 (long long)g->goal_id);
		return -1;
	}
	if (g->period == PERIOD_DAY) {
		int32_t d = in->as_of + 1;

		for (i = day_index(e, d); i >= 0 && i < in->ndays; i++, d++)
			if (day_type_matches(g->day_type, (enum day_type)in->day_type[i]))
				break;
		if (i < 0 || i >= in->ndays) {
			snprintf(e->err, e->errlen, "no %s day after the as-of date in range",
				 day_type_name(g->day_type));
			return -1;
		}
		r->start = d;
		r->end = d + 1;
		/* A changed day goal takes effect on the same first open day. */
		r->next_start = r->start;
		r->next_end = r->end;
	} else {
		r->start = period_start(g->period, in->as_of + 1);
		r->end = period_end(g->period, r->start);
		r->next_start = period_next_start(g->period, in->as_of);
		r->next_end = period_end(g->period, r->next_start);
	}
	if (period_sum(e, g, r->start, r->end, &cur) < 0 ||
	    period_sum(e, g, r->next_start, r->next_end, &next) < 0)
		return -1;
	r->actual_so_far = cur.so_far;
	r->mean = cur.mean;
	r->sd = sqrt(cur.var);
	r->next_mean = next.mean;
	r->next_sd = sqrt(next.var);
	r->calibrated = 0;
	if (g->direction != DIR_NEUTRAL) {
		if (period_calibrate(e, g, r->start, r->end, &e->cal_cur)) {
			r->calibrated |= 1;
			r->mean = e->cal_cur.mean;
			r->sd = e->cal_cur.sd;
		}
		if (period_calibrate(e, g, r->next_start, r->next_end, &e->cal_next[gi])) {
			r->calibrated |= 2;
			r->next_mean = e->cal_next[gi].mean;
			r->next_sd = e->cal_next[gi].sd;
		}
	}
	for (t = 0; t < 2; t++) {
		r->days[t] = cur.days[t];
		r->remaining[t] = cur.remaining[t];
		w[t] = e->model[g->category][t].mean;
	}

	/* Daily minutes per goal minute by day type, over the next period. */
	if (g->period == PERIOD_DAY) {
		for (t = 0; t < 2; t++)
			unit[t] = day_type_matches(g->day_type, (enum day_type)t) ? 1 : 0;
	} else {
		breakdown_allocate(1.0, next.days, w, unit);
	}
	for (t = 0; t < 2; t++) {
		e->coef[gi][t] = unit[t];
		r->per_day[t] = g->minutes * unit[t];
	}
	rem = g->minutes - cur.so_far;
	if (rem < 0)
		rem = 0;
	if (g->period == PERIOD_DAY) {
		for (t = 0; t < 2; t++)
			r->remainder_per_day[t] = r->remaining[t] ? rem : 0;
	} else {
		breakdown_allocate(rem, cur.remaining, w, r->remainder_per_day);
	}

	/* Status of the current period (rules in lib/goal_status.h). */
	r->prob = NAN;
	if (g->direction == DIR_NEUTRAL) {
		r->status = STATUS_NEUTRAL;
	} else if (g->direction == DIR_MORE && goal_met(g, cur.so_far)) {
		r->status = STATUS_MET;
		r->prob = 1.0;
	} else {
		int over = r->remaining[0] + r->remaining[1] == 0;

		if (r->calibrated & 1)
			r->prob = period_cal_prob(&e->cal_cur, g->direction, g->minutes);
		else if (normal_prob_meet(g->direction, r->mean, r->sd, g->minutes, &r->prob,
					  e->err, e->errlen) < 0)
			return -1;
		r->status = goal_status_of_period(g->direction, over, g->minutes,
						  over ? cur.mean : cur.so_far, r->prob,
						  e->o->on_track, e->o->at_risk);
	}
	hit_rate(e, r);

	if (proposal_compute(&e->o->prop, g->direction, g->minutes, r->next_mean,
			     r->next_sd, DAY_MINUTES * (next.days[0] + next.days[1]),
			     &r->calc, e->err, e->errlen) < 0)
		return -1;
	/* Without a single actual day or estimate behind the next period the
	 * model is a guess of zero: no proposal rather than a confident one. */
	r->no_data = 1;
	for (t = 0; t < 2; t++)
		if (next.days[t] > 0 && e->model[g->category][t].n > 0)
			r->no_data = 0;
	if (r->no_data) {
		r->calc.kind = PROPOSAL_NONE;
		r->calc.proposed = g->minutes;
		r->calc.changed = 0;
	}
	if (r->calibrated & 2) {
		/* the proposal's value comes from the normal with the calibrated
		 * mean and sd; its probabilities from the calibrated distribution */
		r->calc.p_before = period_cal_prob(&e->cal_next[gi], g->direction, g->minutes);
		r->calc.p_after = period_cal_prob(&e->cal_next[gi], g->direction,
						  r->calc.proposed);
	}
	r->proposed = r->calc.proposed;
	r->p_after = r->calc.p_after;
	return 0;
}

/* ---- day budget ------------------------------------------------------- */

enum budget_mode {
	BUDGET_CURRENT,    /* the current goals */
	BUDGET_PROPOSED,   /* the proposals as they stand (frozen goals: current) */
	BUDGET_STORED      /* only the proposals that are stored */
};

/* The daily minutes goal gi asks for on day type t in mode m. */
static double goal_eq(const struct engine *e, const struct adjust_result *res, size_t gi,
		      int t, enum budget_mode m)
{
	const struct adjust_goal *g = &e->in->goals[gi];
	const struct goal_result *r = &res->goals[gi];
	double v = g->minutes;

	if (m == BUDGET_PROPOSED && (!e->frozen[gi] || r->proposed > v))
		v = r->proposed;
	else if (m == BUDGET_STORED && r->propose)
		v = r->proposed;
	return v * e->coef[gi][t];
}

/* Category c has a `more` goal on day type t: its minimum is the goal's. */
static int managed(const struct engine *e, size_t c, int t)
{
	size_t gi;

	for (gi = 0; gi < e->in->ngoals; gi++)
		if (e->in->goals[gi].category == c && e->in->goals[gi].direction == DIR_MORE &&
		    e->coef[gi][t] > 0)
			return 1;
	return 0;
}

static int is_untracked(const struct adjust_category *c)
{
	return !strcmp(c->name, "Untracked");
}

/* The measured unmanaged minimum of each day type (see adjust.h). */
static void measure_unmanaged(struct engine *e)
{
	const struct adjust_input *in = e->in;
	double *tot = xcalloc((size_t)e->o->unmanaged_days, sizeof(*tot));
	size_t c;
	int t, i, n;

	for (t = 0; t < 2; t++) {
		n = 0;
		for (i = day_index(e, in->as_of); i >= 0 &&
		     in->first_day + i > in->as_of - e->o->unmanaged_days; i--) {
			double sum = 0;

			if (in->day_type[i] != t || !in->in_data[i])
				continue;
			for (c = 0; c < in->ncats; c++)
				if (!is_untracked(&in->cats[c]) && !managed(e, c, t) &&
				    !isnan(in->cats[c].actual[i]))
					sum += in->cats[c].actual[i];
			tot[n++] = sum;
		}
		e->unmanaged_days[t] = n;
		if (n > 0) {
			int k = (int)ceil(e->o->unmanaged_q * n - 1e-9);

			qsort(tot, (size_t)n, sizeof(*tot), cmp_double);
			e->unmanaged[t] = tot[k > 0 ? k - 1 : 0];
		} else {
			e->unmanaged[t] = 0;
			for (c = 0; c < in->ncats; c++)
				if (!is_untracked(&in->cats[c]) && !managed(e, c, t))
					e->unmanaged[t] += e->model[c][t].mean;
		}
	}
	free(tot);
}

/* Daily-equivalent `more` goals of day type t: per category the largest. */
static double budget_more(const struct engine *e, const struct adjust_result *res, int t,
			  enum budget_mode m)
{
	const struct adjust_input *in = e->in;
	double total = 0;
	size_t c, gi;

	for (c = 0; c < in->ncats; c++) {
		double more = 0;

		if (is_untracked(&in->cats[c]))
			continue;
		for (gi = 0; gi < in->ngoals; gi++) {
			double eq;

			if (in->goals[gi].category != c || in->goals[gi].direction != DIR_MORE ||
			    e->coef[gi][t] <= 0)
				continue;
			eq = goal_eq(e, res, gi, t, m);
			if (eq > more)
				more = eq;
		}
		total += more;
	}
	return total;
}

static double budget_total(const struct engine *e, const struct adjust_result *res,
			   int t, enum budget_mode m)
{
	return budget_more(e, res, t, m) + e->unmanaged[t];
}

static int fit_budget(struct engine *e, struct adjust_result *res, int t)
{
	const struct adjust_input *in = e->in;
	double limit, excess, *inc, *wt, *cut;
	size_t gi, gj, n = in->ngoals;
	int rc;

	limit = res->budget[t].current > DAY_MINUTES ? res->budget[t].current : DAY_MINUTES;
	excess = budget_total(e, res, t, BUDGET_PROPOSED) - limit;
	if (excess <= 1e-9)
		return 0;
	inc = xcalloc(n, sizeof(*inc));
	wt = xcalloc(n, sizeof(*wt));
	cut = xcalloc(n, sizeof(*cut));
	for (gi = 0; gi < n; gi++) {
		const struct adjust_goal *g = &in->goals[gi];
		const struct goal_result *r = &res->goals[gi];
		double eq_new, floor_eq;

		wt[gi] = 1;
		if (g->direction != DIR_MORE || r->proposed <= g->minutes || e->coef[gi][t] <= 0)
			continue;
		eq_new = r->proposed * e->coef[gi][t];
		floor_eq = g->minutes * e->coef[gi][t];
		/* Only the part above the category's other minimums adds to the
		 * day: the budget counts the largest `more` goal per category. */
		for (gj = 0; gj < n; gj++) {
			const struct adjust_goal *h = &in->goals[gj];
			double other;

			if (gj == gi || h->category != g->category || h->direction != DIR_MORE ||
			    e->coef[gj][t] <= 0)
				continue;
			other = goal_eq(e, res, gj, t, BUDGET_PROPOSED);
			if (other > floor_eq)
				floor_eq = other;
		}
		inc[gi] = eq_new > floor_eq ? eq_new - floor_eq : 0;
	}
	rc = budget_waterfill(n, inc, wt, excess, cut, NULL);
	if (rc < 0) {
		free(inc);
		free(wt);
		free(cut);
		snprintf(e->err, e->errlen, "day budget: bad excess %g", excess);
		return -1;
	}
	for (gi = 0; gi < n; gi++) {
		struct goal_result *r = &res->goals[gi];
		int unit = e->o->prop.round_to, newv;

		if (cut[gi] <= 0)
			continue;
		/* Round down to the unit so the fitted value stays inside the
		 * budget; never below the current goal. */
		newv = (int)floor((r->proposed - cut[gi] / e->coef[gi][t]) / unit + 1e-9) * unit;
		if (newv < r->goal->minutes)
			newv = r->goal->minutes;
		r->budget_cut += r->proposed - newv;
		r->budget_cut_types |= 1 << t;
		r->proposed = newv;
	}
	free(inc);
	free(wt);
	free(cut);
	return 0;
}

/*
 * The current goals themselves do not fit the day: after fit_budget the
 * `more` goals of day type t still ask for more than 1440 minutes minus the
 * measured unmanaged minimum.  Lowers the counted `more` goals, sharing the
 * excess equally (water-filling): first each down to at most the category's
 * expected minutes of that day type, then, if that is not enough, further
 * (to zero at the most); never below what the category's other `more` goals
 * ask.  Goals whose proposal cannot be stored (frozen) stay as they are.
 * What cannot be lowered that way stays flagged in the budget.
 */
static int restore_budget(struct engine *e, struct adjust_result *res, int t)
{
	const struct adjust_input *in = e->in;
	double excess, *room, *wt, *cut;
	size_t gi, gj, n = in->ngoals;
	int rc = 0, pass;

	room = xcalloc(n, sizeof(*room));
	wt = xcalloc(n, sizeof(*wt));
	cut = xcalloc(n, sizeof(*cut));
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		excess = budget_total(e, res, t, BUDGET_PROPOSED) - DAY_MINUTES;
		if (excess <= 1e-9)
			break;
		for (gi = 0; gi < n; gi++) {
			const struct adjust_goal *g = &in->goals[gi];
			const struct goal_result *r = &res->goals[gi];
			double eq, floor_eq, expected = e->model[g->category][t].mean;
			int counted = 1;

			wt[gi] = 1;
			room[gi] = 0;
			if (g->direction != DIR_MORE || e->coef[gi][t] <= 0 || !g->open ||
			    r->no_data || e->frozen[gi])
				continue;
			eq = r->proposed * e->coef[gi][t];
			floor_eq = pass == 0 && expected < eq ? expected : pass == 0 ? eq : 0;
			if (floor_eq < 0)
				floor_eq = 0;
			/* Only the category's largest `more` goal counts in the day;
			 * the others bound how far it can come down. */
			for (gj = 0; gj < n; gj++) {
				const struct adjust_goal *h = &in->goals[gj];
				double other;

				if (gj == gi || h->category != g->category ||
				    h->direction != DIR_MORE || e->coef[gj][t] <= 0)
					continue;
				other = goal_eq(e, res, gj, t, BUDGET_PROPOSED);
				if (other > eq || (other == eq && gj < gi))
					counted = 0;
				else if (other > floor_eq)
					floor_eq = other;
			}
			if (counted && eq > floor_eq)
				room[gi] = eq - floor_eq;
		}
		rc = budget_waterfill(n, room, wt, excess, cut, NULL);
		if (rc < 0) {
			snprintf(e->err, e->errlen, "day budget: bad excess %g", excess);
			break;
		}
		rc = 0;
		for (gi = 0; gi < n; gi++) {
			struct goal_result *r = &res->goals[gi];
			int unit = e->o->prop.round_to, newv;

			if (cut[gi] <= 0)
				continue;
			/* Round down so the day fits. */
			newv = (int)floor((r->proposed - cut[gi] / e->coef[gi][t]) / unit + 1e-9) *
			       unit;
			if (newv < 0)
				newv = 0;
			if (newv >= r->proposed)
				continue;
			if (newv < r->goal->minutes)
				r->budget_lowered = r->goal->minutes - newv;
			r->budget_lowered_types |= 1 << t;
			r->proposed = newv;
			if (r->calc.kind == PROPOSAL_NONE)
				r->calc.kind = PROPOSAL_TOO_HARD;
		}
	}
	free(room);
	free(wt);
	free(cut);
	return rc;
}

/* Minutes as "H:MM" for the reasons. */
static void hm(double minutes, char *out, size_t len)
{
	long m = lround(minutes < 0 ? 0 : minutes);

	snprintf(out, len, "%ld:%02ld", m / 60, m % 60);
}

static int pct(double p)
{
	return (int)lround(p * 100);
}

/* The steps from the current goal to the target value, each at most one
 * step (o->prop.step of the value before it, at least one rounding unit):
 * "3:00 → 4:30 → 6:45 → 10:10".  At most 6 steps; "…" when more follow. */
static void step_path(const struct engine *e, const struct goal_result *r, char *out,
		      size_t len)
{
	const struct proposal_options *o = &e->o->prop;
	double v = r->goal->minutes, target = r->calc.target_value;
	size_t n;
	int k;

	hm(v, out, len);
	for (k = 0; k < 6 && fabs(target - v) >= o->round_to / 2.0; k++) {
		double step = o->step * v < o->round_to ? o->round_to : o->step * v;
		char t[16];

		if (fabs(target - v) <= step)
			v = target;
		else
			v += target > v ? step : -step;
		v = round(v / o->round_to) * o->round_to;
		if (v < 0)
			v = 0;
		hm(v, t, sizeof(t));
		n = strlen(out);
		snprintf(out + n, len - n, " → %s", t);
	}
	if (fabs(target - v) >= o->round_to / 2.0) {
		n = strlen(out);
		snprintf(out + n, len - n, " → …");
	}
}

static int in_band(const struct adjust_options *o, double p)
{
	return p >= o->prop.band_low - 1e-9 && p <= o->prop.band_high + 1e-9;
}

/* Why a computed proposal is not stored ("" when it is). */
static const char *not_stored(const struct engine *e, const struct goal_result *r,
			      char *buf, size_t len)
{
	const struct adjust_options *o = e->o;
	const struct adjust_goal *g = r->goal;
	const char *per = goal_period_name(g->period);
	char d[16], path[160], tv[16];

	buf[0] = '\0';
	if (r->proposed == g->minutes)
		return "No change is left to propose.";
	/* Lowering goals so that they fit the day is worth storing even when
	 * the chance leaves the band: the day has 24 hours either way. */
	if ((!in_band(o, r->p_after) && !r->budget_lowered) ||
	    round(r->calc.p_before * 100) == round(r->p_after * 100)) {
		hm(r->calc.target_value, tv, sizeof(tv));
		if (g->direction == DIR_MORE && r->calc.kind == PROPOSAL_TOO_HARD &&
		    r->periods > 0 && r->zeros * 2 > r->periods)
			snprintf(buf, len, "Out of reach: you spent no time on %s in %d of the "
				 "last %d %ss, so no goal above zero would be met with a %d %% "
				 "chance; not stored.", e->in->cats[g->category].name, r->zeros,
				 r->periods, per, pct(o->prop.target));
		else if (r->budget_cut > 0)
			snprintf(buf, len, "Not stored: the day budget leaves room only for a "
				 "change that keeps the chance at %d %%, outside the %d-%d %% band.",
				 pct(r->p_after), pct(o->prop.band_low), pct(o->prop.band_high));
		else if (r->calc.step_limited) {
			step_path(e, r, path, sizeof(path));
			snprintf(buf, len, "Too far for one step: a %d %% chance needs about "
				 "%s, and one step (at most %.0f %%) gets only to %d %%; the steps "
				 "would be %s. Not stored: raise the step (--step, adjust.step) or "
				 "set the goal yourself.", pct(o->prop.target), tv,
				 o->prop.step * 100, pct(r->p_after), path);
		} else
			snprintf(buf, len, "Out of reach: no value moves the chance of meeting "
				 "it into the %d-%d %% band; not stored.", pct(o->prop.band_low),
				 pct(o->prop.band_high));
		return buf;
	}
	if (!g->open)
		return "Not stored: the goal already has a newer version.";
	if (g->decided)
		return "Not stored: a proposal for this as-of was already decided.";
	if (g->newer_pending)
		return "Not stored: a proposal made as of a later date is pending.";
	if (g->rejected_sign != 0 &&
	    g->rejected_sign == (r->proposed > g->minutes ? 1 : -1) &&
	    fabs(r->calc.p_before - g->rejected_p) < o->material) {
		time_format_date(g->rejected_as_of, d, sizeof(d));
		snprintf(buf, len, "Not stored: you rejected this change as of %s and the "
			 "chance of meeting the current goal has barely moved since "
			 "(%d %% then, %d %% now; a new proposal needs a move of %d points).",
			 d, pct(g->rejected_p), pct(r->calc.p_before), pct(o->material));
		return buf;
	}
	return "";
}

static void describe(const struct engine *e, struct goal_result *r)
{
	const struct adjust_options *o = e->o;
	const struct adjust_goal *g = r->goal;
	const char *per = goal_period_name(g->period), *why, *what;
	char cur[16], prop[16], exp[16], full[16], note[400], um[16];
	size_t len;
	int up = r->proposed > g->minutes;

	r->reason[0] = '\0';
	r->propose = 0;
	if (r->calc.kind == PROPOSAL_NONE)
		return;
	hm(g->minutes, cur, sizeof(cur));
	hm(r->proposed, prop, sizeof(prop));
	hm(r->next_mean, exp, sizeof(exp));
	hm(r->calc.target_value, full, sizeof(full));
	hm(e->unmanaged[(r->budget_lowered_types & 1) ? 0 : 1], um, sizeof(um));
	what = r->budget_lowered > 0 && in_band(o, r->calc.p_before) ? "Does not fit the day" :
	       r->calc.kind == PROPOSAL_TOO_HARD ? "Too hard" : "Too easy";
	if (r->periods > 0)
		snprintf(r->reason, sizeof(r->reason), "%s: met in %d of the last %d %ss; "
			 "about %s expected next %s against a goal of %s. ",
			 what, r->hits, r->periods, per, exp, per, cur);
	else
		snprintf(r->reason, sizeof(r->reason), "%s: about %s expected next %s "
			 "against a goal of %s. ", what, exp, per, cur);
	len = strlen(r->reason);
	if (r->proposed != g->minutes)
		snprintf(r->reason + len, sizeof(r->reason) - len, "%s it to %s changes the "
			 "chance of meeting it from %d %% to %d %%.", up ? "Raising" : "Lowering",
			 prop, pct(r->calc.p_before), pct(r->p_after));
	len = strlen(r->reason);
	if (r->calc.step_limited && in_band(o, r->p_after)) {
		char path[160];

		step_path(e, r, path, sizeof(path));
		snprintf(r->reason + len, sizeof(r->reason) - len, " A %d %% chance needs "
			 "%s; one step changes a goal by at most %.0f %%, so this is the first "
			 "of the steps %s, one per %s.", pct(o->prop.target), full,
			 o->prop.step * 100, path, per);
	}
	len = strlen(r->reason);
	if (r->budget_cut > 0)
		snprintf(r->reason + len, sizeof(r->reason) - len,
			 " The increase is %d min smaller so that the %s goals fit in the "
			 "1440-minute day budget.", r->budget_cut,
			 r->budget_cut_types == 3 ? "weekday and holiday" :
			 r->budget_cut_types == 2 ? "holiday" : "weekday");
	len = strlen(r->reason);
	if (r->budget_lowered > 0)
		snprintf(r->reason + len, sizeof(r->reason) - len,
			 " With the current goals a %s needs more than 24 hours: the `more` "
			 "goals plus the %s that the categories without one take on at "
			 "least %d %% of recent %ss; %d min less here makes the goals fit "
			 "the 1440-minute day.",
			 r->budget_lowered_types == 3 ? "weekday and a holiday each" :
			 r->budget_lowered_types == 2 ? "holiday" : "weekday", um,
			 100 - pct(o->unmanaged_q),
			 r->budget_lowered_types == 2 ? "holiday" : "weekday",
			 r->budget_lowered);
	why = not_stored(e, r, note, sizeof(note));
	len = strlen(r->reason);
	if (*why)
		snprintf(r->reason + len, sizeof(r->reason) - len, " %s", why);
	else
		r->propose = 1;
}

int adjust_compute(const struct adjust_input *in, const struct adjust_options *o,
		   struct adjust_result *out, char *err, size_t errlen)
{
	struct engine e = { in, o, NULL, NULL, err, errlen, { 0 }, NULL, { 0, 0 }, { 0, 0 }, NULL };
	struct proposal_calc *calc0 = NULL;
	size_t gi;
	int t, rc = -1, round, again;

	memset(out, 0, sizeof(*out));
	normal_init();
	if (adjust_options_check(o, err, errlen) < 0)
		return -1;
	if (day_index(&e, in->as_of) < 0 || day_index(&e, in->as_of + 63) < 0) {
		snprintf(err, errlen, "the loaded days do not cover the as-of date");
		return -1;
	}
	e.model = xcalloc(in->ncats, sizeof(*e.model));
	e.cal_next = xcalloc(in->ngoals, sizeof(*e.cal_next));
	e.coef = xcalloc(in->ngoals, sizeof(*e.coef));
	e.frozen = xcalloc(in->ngoals, 1);
	calc0 = xcalloc(in->ngoals, sizeof(*calc0));
	out->ngoals = in->ngoals;
	out->goals = xcalloc(in->ngoals, sizeof(*out->goals));
	build_models(&e);
	for (gi = 0; gi < in->ngoals; gi++) {
		if (evaluate_goal(&e, gi, &out->goals[gi]) < 0)
			goto done;
		calc0[gi] = out->goals[gi].calc;
	}
	measure_unmanaged(&e);
	for (t = 0; t < 2; t++) {
		out->budget[t].current = budget_total(&e, out, t, BUDGET_CURRENT);
		out->budget[t].proposed = budget_total(&e, out, t, BUDGET_PROPOSED);
		out->budget[t].over = out->budget[t].current > DAY_MINUTES + 1e-9;
		out->budget[t].unmanaged = e.unmanaged[t];
		out->budget[t].unmanaged_days = e.unmanaged_days[t];
		out->budget[t].more_current = budget_more(&e, out, t, BUDGET_CURRENT);
	}
	/* Fit the proposals into the day; when a proposal the fit counted on
	 * (a lowered `more` goal) cannot be stored and the stored ones leave
	 * the day over, that goal keeps its current value and the fit runs
	 * again without it (at most once per goal). */
	for (round = 0; round <= (int)in->ngoals; round++) {
		for (gi = 0; gi < in->ngoals; gi++) {
			struct goal_result *r = &out->goals[gi];

			r->calc = calc0[gi];
			r->proposed = r->calc.proposed;
			r->p_after = r->calc.p_after;
			r->budget_cut = r->budget_cut_types = 0;
			r->budget_lowered = r->budget_lowered_types = 0;
			r->propose = 0;
			r->reason[0] = '\0';
		}
		for (t = 0; t < 2; t++)
			if (fit_budget(&e, out, t) < 0)
				goto done;
		for (t = 0; t < 2; t++)
			if (restore_budget(&e, out, t) < 0)
				goto done;
		for (gi = 0; gi < in->ngoals; gi++) {
			struct goal_result *r = &out->goals[gi];
			const struct adjust_goal *g = r->goal;

			if (r->proposed != r->calc.proposed && (r->calibrated & 2))
				r->p_after = period_cal_prob(&e.cal_next[gi], g->direction,
							     r->proposed);
			else if (r->proposed != r->calc.proposed &&
				 normal_prob_meet(g->direction, r->next_mean, r->next_sd,
						  r->proposed, &r->p_after, err, errlen) < 0)
				goto done;
			describe(&e, r);
		}
		again = 0;
		for (t = 0; t < 2; t++) {
			if (budget_total(&e, out, t, BUDGET_STORED) <= DAY_MINUTES + 1e-9)
				continue;
			for (gi = 0; gi < in->ngoals; gi++) {
				const struct goal_result *r = &out->goals[gi];

				if (!r->propose && !e.frozen[gi] && r->goal->direction == DIR_MORE &&
				    e.coef[gi][t] > 0 && r->proposed < r->goal->minutes) {
					e.frozen[gi] = 1;
					again = 1;
				}
			}
		}
		if (!again)
			break;
	}
	for (t = 0; t < 2; t++) {
		out->budget[t].fitted = budget_total(&e, out, t, BUDGET_STORED);
		out->budget[t].more_fitted = budget_more(&e, out, t, BUDGET_STORED);
	}
	for (gi = 0; gi < in->ngoals; gi++)
		out->nproposals += out->goals[gi].propose;
	rc = 0;
done:
	free(e.model);
	free(e.coef);
	free(e.cal_next);
	free(e.frozen);
	free(calc0);
	if (rc < 0)
		adjust_result_release(out);
	return rc;
}
