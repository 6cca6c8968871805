/*
 * proposal: band check, target value, step limit and rounding of a goal
 * proposal (see proposal.h).
 */
#include "adjuster/proposal.h"

#include <math.h>
#include <stdio.h>

int proposal_options_check(const struct proposal_options *o, char *err, size_t errlen)
{
	if (!(o->band_low > 0 && o->band_low < o->target && o->target < o->band_high &&
	      o->band_high < 1)) {
		snprintf(err, errlen,
			 "band and target must satisfy 0 < band-low < target < band-high < 1 "
			 "(got %g, %g, %g)", o->band_low, o->target, o->band_high);
		return -1;
	}
	if (!(o->step > 0 && o->step <= 10)) {
		snprintf(err, errlen, "step must be a fraction above 0 (got %g)", o->step);
		return -1;
	}
	if (o->round_to < 1 || o->round_to > 1440) {
		snprintf(err, errlen, "round-to must be 1..1440 minutes (got %d)", o->round_to);
		return -1;
	}
	return 0;
}

double proposal_round_within(double v, int unit, double lo, double hi)
{
	double r = round(v / unit) * unit;

	if (r > hi)
		r -= unit;
	if (r < lo)
		r += unit;
	if (r < lo || r > hi)
		return fabs(v - lo) <= fabs(v - hi) ? lo : hi;
	return r;
}

int proposal_compute(const struct proposal_options *o, enum goal_direction dir,
		     int current, double mean, double sd, double cap,
		     struct proposal_calc *out, char *err, size_t errlen)
{
	double maxstep, lo, hi, v;

	out->kind = PROPOSAL_NONE;
	out->proposed = current;
	out->step_limited = 0;
	out->changed = 0;
	out->target_value = NAN;
	out->p_before = out->p_after = NAN;
	if (dir == DIR_NEUTRAL)
		return 0;
	if (normal_prob_meet(dir, mean, sd, current, &out->p_before, err, errlen) < 0)
		return -1;
	out->p_after = out->p_before;
	if (out->p_before < o->band_low)
		out->kind = PROPOSAL_TOO_HARD;
	else if (out->p_before > o->band_high)
		out->kind = PROPOSAL_TOO_EASY;
	else
		return 0;
	if (normal_goal_for_prob(dir, mean, sd, o->target, &out->target_value,
				 err, errlen) < 0)
		return -1;
	maxstep = o->step * current;
	if (maxstep < o->round_to)
		maxstep = o->round_to;
	lo = current - maxstep;
	hi = current + maxstep;
	if (lo < 0)
		lo = 0;
	if (hi > cap)
		hi = cap;
	if (hi < lo)
		hi = lo;
	v = out->target_value;
	if (v < lo || v > hi) {
		out->step_limited = (v < current - maxstep || v > current + maxstep);
		v = v < lo ? lo : hi;
	}
	v = proposal_round_within(v, o->round_to, lo, hi);
	out->proposed = (int)lround(v);
	out->changed = out->proposed != current;
	if (normal_prob_meet(dir, mean, sd, out->proposed, &out->p_after, err, errlen) < 0)
		return -1;
	return 0;
}
