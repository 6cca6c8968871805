/*
 * flow: where planned minutes went on one day.
 *
 * For categories 0..k-1 with plan and actual minutes, a category short of its
 * plan (shortfall_i = plan_i - actual_i > 0) hands its shortfall to the
 * categories over their plan in proportion to their excess:
 *   flow(i -> j) = shortfall_i * excess_j / total_excess.
 * The minutes a category kept (min(plan, actual), when its plan is > 0) are
 * reported as the flow i -> i, so the flows out of a category add up to its
 * plan whenever the total excess covers the total shortfall (the usual case:
 * a tracked day has 24 h, a plan fewer).  Flows below FLOW_MIN_MINUTES are
 * left out.
 */
#ifndef DWHBI_FLOW_H
#define DWHBI_FLOW_H

#include <stddef.h>

#define FLOW_MIN_MINUTES 1e-9

struct flow_edge {
	int from, to;           /* category indexes */
	double minutes;
};

/* Writes at most max edges into out and returns how many there are (at most
 * k + k*k; may exceed max, then nothing beyond max is written), or -1 on a
 * negative or non-finite input. */
int flow_day(const double *plan, const double *actual, int k,
	     struct flow_edge *out, int max);

#endif
