/*
 * adjust: the adjuster's engine.  From the days around the as-of date (day
 * types, actual minutes per category, the analyzer's estimates) and the goals
 * valid on the as-of date it computes, without touching the database:
 *
 * - per goal, the current period (the day/week/month that holds as_of + 1,
 *   the first day without complete actuals; a day goal's period is the first
 *   such day of its day type), its expected value and spread (actual so far
 *   plus estimates; days independent), the probability of meeting it under a
 *   normal model, a status (met, on_track, at_risk, off_track; neutral goals
 *   have no probability) and the hit rate of the current goal value over the
 *   last complete periods with data;
 * - the breakdown of week/month goals into minutes per day of each day type
 *   and the re-balanced remainder per remaining day;
 * - proposals for the next period (the first period that starts after as_of),
 *   see proposal.h, fitted into the day budget, see budget.h.
 *
 * When the analyzer left its backtest errors (adjust_category.errors), the
 * value of a period whose remaining days all have estimates within the
 * errors' horizon is calibrated instead: sum of the estimates + the sum of
 * one backtest origin's errors on the same horizons, one sample per origin
 * (so the days' correlation is kept), smoothed with a Gaussian kernel;
 * P(met) is the share of that distribution that meets the goal, and the
 * proposals see its mean and standard deviation.
 *
 * A day without an estimate uses the category's model for its day type: the
 * mean estimate (and mean variance) of that day type over the snapshot, else
 * the mean and variance of the actuals of the last model_days days of that
 * type.
 *
 * Day budget per day type: the daily-equivalent `more` goals (for each
 * category the largest of its `more` goals valid on that day type; week and
 * month goals through their breakdown over the next period) plus the
 * measured unmanaged minimum: the categories without a `more` goal on that
 * day type (Untracked excluded; `less` and neutral goals do not manage a
 * minimum) are summed per day over the complete days of the type among the
 * last unmanaged_days days up to as_of, and the minimum is the unmanaged_q
 * quantile of those totals, taken as the ceil(q * n)-th smallest (what SQL's
 * percentile_disc(q) gives): on at least 90 % of such days (q = 0.1) the
 * person spent at least that much on them.  Without a single such day the
 * sum of those categories' expected minutes stands in (unmanaged_days = 0 in
 * the budget says so).  The `more` goals after the stored proposals must fit
 * in 1440 minus that minimum.
 */
#ifndef DWHBI_ADJUSTER_ADJUST_H
#define DWHBI_ADJUSTER_ADJUST_H

#include <stddef.h>
#include <stdint.h>

#include "adjuster/normal.h"
#include "adjuster/period.h"
#include "adjuster/proposal.h"
#include "lib/goal_status.h"

struct adjust_options {
	struct proposal_options prop;
	double on_track;   /* status on_track when P >= this (default 0.7) */
	double at_risk;    /* at_risk when P >= this, else off_track (default 0.4) */
	int history;       /* periods for the hit rate (default 8) */
	int model_days;    /* days of actuals behind the fallback model (default 28) */
	double material;   /* a rejected change is proposed again only when the
	                      probability of meeting the current goal moved by at
	                      least this much since (default 0.15) */
	int expire_days;   /* a pending proposal expires when a later adjust runs
	                      more than this many days after its as-of (default 7) */
	double unmanaged_q; /* the measured unmanaged minimum of a day type is this
	                       low quantile of its per-day totals (default 0.1) */
	int unmanaged_days; /* ... over the complete days of the type among the
	                       last this many days up to as_of (default 56) */
};

#define ADJUST_OPTIONS_INIT { PROPOSAL_OPTIONS_INIT, GOAL_STATUS_ON_TRACK, \
			      GOAL_STATUS_AT_RISK, 8, 28, 0.15, 7, 0.1, 56 }

/* Per-day series of one category over the input range; NAN = unknown. */
struct adjust_category {
	char *name;
	double *actual;
	double *est_mean;
	double *est_sd;
	/* The analyzer's backtest errors of its points (analytics.
	 * estimate_errors): nerr rows of err_h values, errors[r * err_h + h - 1]
	 * = actual - point h days after that row's origin (NAN unknown).  NULL:
	 * none, the period's value is then N(sum of means, sum of variances). */
	double *errors;
	int nerr;
};

struct adjust_goal {
	int64_t goal_id;
	size_t category;           /* index into adjust_input.cats */
	enum day_type day_type;
	enum goal_period period;
	int minutes;
	enum goal_direction direction;
	int open;                  /* valid_to IS NULL: may get a proposal */
	int decided;               /* a proposal for this as_of was accepted or rejected */
	int newer_pending;         /* a pending proposal of a later as-of exists */
	int rejected_sign;         /* latest rejected change: +1 up, -1 down, 0 none */
	double rejected_p;         /* its probability with the current goal */
	int32_t rejected_as_of;
};

struct adjust_input {
	int32_t as_of;
	int32_t first_day;         /* range [first_day, first_day + ndays) */
	int ndays;
	unsigned char *day_type;   /* per day: DAYTYPE_WEEKDAY or DAYTYPE_HOLIDAY */
	unsigned char *in_data;    /* per day: 1 when the marts hold the day */
	size_t ncats;
	struct adjust_category *cats;
	int32_t est_as_of;         /* the as-of of the estimates and their errors */
	int err_h;                 /* horizons per row of adjust_category.errors */
	size_t ngoals;
	struct adjust_goal *goals;
};

/* The range a loader must fill for as_of and options. */
void adjust_input_range(int32_t as_of, const struct adjust_options *o,
			int32_t *first_day, int *ndays);
void adjust_input_init(struct adjust_input *in);
/* Allocates the day arrays (weekday, not in data) for the range. */
void adjust_input_set_range(struct adjust_input *in, int32_t as_of,
			    int32_t first_day, int ndays);
/* Gives category c the backtest errors (copied): nerr rows of err_h. */
void adjust_input_set_errors(struct adjust_input *in, size_t c, const double *errors,
			     int nerr, int err_h, int32_t est_as_of);
/* Appends a category with all-NAN series; returns its index. */
size_t adjust_input_add_category(struct adjust_input *in, const char *name);
/* Index of the category called name, or -1. */
long adjust_input_find_category(const struct adjust_input *in, const char *name);
void adjust_input_add_goal(struct adjust_input *in, const struct adjust_goal *g);
void adjust_input_release(struct adjust_input *in);

/* enum goal_status and its rules: lib/goal_status.h. */

struct goal_result {
	const struct adjust_goal *goal;
	int32_t start, end;           /* current period [start, end) */
	double actual_so_far;         /* actual minutes of its days <= as_of */
	double mean, sd;              /* the period's value */
	double prob;                  /* NAN for neutral */
	enum goal_status status;
	int days[2];                  /* matching days of each type in the current period */
	int remaining[2];             /* ... of them after as_of */
	double per_day[2];            /* goal minutes per day of each type (next period) */
	double remainder_per_day[2];  /* (goal - so far) per remaining day of each type */
	int hits, periods;            /* hit rate over the last complete periods */
	int zeros;                    /* ... of them with no time at all */
	int32_t next_start, next_end; /* the period a proposal applies to */
	double next_mean, next_sd;
	struct proposal_calc calc;    /* before the day budget */
	int proposed;                 /* after the day budget */
	double p_after;               /* P(proposed met next period) */
	int calibrated;               /* bit 0: the current period's P from the backtest
	                                 errors, bit 1: the next one's */
	int budget_cut;               /* minutes removed to fit the day budget */
	int budget_cut_types;         /* bit t set: cut for day type t */
	int budget_lowered;           /* minutes below the current goal so the
				       * goals fit the day (current goals over 1440) */
	int budget_lowered_types;     /* bit t set: lowered for day type t */
	int propose;                  /* a proposal to store */
	int no_data;                  /* no actuals or estimates for the next period */
	char reason[768];
};

struct day_budget {
	double current;         /* minutes a day with the current goals */
	double proposed;        /* with the proposals as computed */
	double fitted;          /* with the stored proposals only (after fitting) */
	int over;               /* over 1440 even with the current goals */
	double unmanaged;       /* measured unmanaged minimum (see above) */
	int unmanaged_days;     /* days it was measured on; 0: expected minutes */
	double more_current;    /* daily-equivalent `more` goals: current goals */
	double more_fitted;     /* ... with the stored proposals */
};

struct adjust_result {
	size_t ngoals;
	struct goal_result *goals;   /* same order as the input goals */
	struct day_budget budget[2]; /* weekday, holiday */
	int nproposals;
};

void adjust_result_release(struct adjust_result *r);

/* Checks option ranges; -1 with a reason naming the option. */
int adjust_options_check(const struct adjust_options *o, char *err, size_t errlen);

/* Runs the engine.  Returns 0, or -1 with a reason (bad input or a GSL
 * failure); the result is then empty. */
int adjust_compute(const struct adjust_input *in, const struct adjust_options *o,
		   struct adjust_result *out, char *err, size_t errlen);

#endif
