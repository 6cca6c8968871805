/*
 * proposal: the value a goal should move to.  A goal whose probability of
 * being met next period lies outside the band [band_low, band_high] is too
 * hard (below) or too easy (above); the proposal is the value met with
 * probability `target`, limited to a step of max(step * current, round_to)
 * minutes from the current value (so a goal of 0 or 20 minutes can still
 * move), kept within [0, cap], and rounded to a multiple of round_to that
 * stays inside the step limit.  Neutral goals get no proposal.
 */
#ifndef DWHBI_ADJUSTER_PROPOSAL_H
#define DWHBI_ADJUSTER_PROPOSAL_H

#include <stddef.h>

#include "adjuster/normal.h"

struct proposal_options {
	double band_low;    /* below: too hard (default 0.3) */
	double band_high;   /* above: too easy (default 0.9) */
	double target;      /* probability aimed at (default 0.7) */
	double step;        /* max relative change per proposal (default 0.5) */
	int round_to;       /* minutes (default 5) */
};

#define PROPOSAL_OPTIONS_INIT { 0.3, 0.9, 0.7, 0.5, 5 }

enum proposal_kind { PROPOSAL_NONE, PROPOSAL_TOO_HARD, PROPOSAL_TOO_EASY };

struct proposal_calc {
	enum proposal_kind kind;  /* NONE: inside the band or neutral */
	double p_before;          /* P(current value met next period) */
	double target_value;      /* unrounded value met with p = target */
	int proposed;             /* rounded proposal; == current when none */
	double p_after;           /* P(proposed met next period) */
	int step_limited;         /* the step limit moved the value */
	int changed;              /* proposed != current */
};

/* Checks that 0 < band_low < target < band_high < 1, step > 0 and
 * round_to >= 1; -1 with a reason otherwise. */
int proposal_options_check(const struct proposal_options *o, char *err, size_t errlen);

/* Rounds v to a multiple of unit inside [lo, hi] (lo <= hi): the nearest
 * multiple, moved one unit inward when it falls outside; when no multiple
 * lies inside, the one of lo/hi nearer to v, unrounded.  Exposed for tests. */
double proposal_round_within(double v, int unit, double lo, double hi);

/* Computes the proposal for a goal of current minutes (cap = the most
 * minutes the period can hold) whose next-period value is N(mean, sd).
 * For neutral goals: kind NONE, p_before/p_after NaN.  -1 on bad input. */
int proposal_compute(const struct proposal_options *o, enum goal_direction dir,
		     int current, double mean, double sd, double cap,
		     struct proposal_calc *out, char *err, size_t errlen);

#endif
