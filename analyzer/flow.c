/*
 * flow: the plan -> actual flow of one day (flow.h).  Pure arithmetic; the
 * month's flow is the sum of its days' flows (analyze.c), so minutes that moved
 * on one day are not cancelled by opposite moves on another.
 */
#include <math.h>

#include "analyzer/flow.h"

static void put(struct flow_edge *out, int max, int *n, int from, int to, double minutes)
{
	if (minutes < FLOW_MIN_MINUTES)
		return;
	if (*n < max) {
		out[*n].from = from;
		out[*n].to = to;
		out[*n].minutes = minutes;
	}
	(*n)++;
}

int flow_day(const double *plan, const double *actual, int k,
	     struct flow_edge *out, int max)
{
	double total_excess = 0;
	int i, j, n = 0;

	for (i = 0; i < k; i++) {
		if (!isfinite(plan[i]) || !isfinite(actual[i]) || plan[i] < 0 || actual[i] < 0)
			return -1;
		if (actual[i] > plan[i])
			total_excess += actual[i] - plan[i];
	}
	for (i = 0; i < k; i++) {
		double shortfall = plan[i] - actual[i];

		if (plan[i] > 0)
			put(out, max, &n, i, i, fmin(plan[i], actual[i]));
		if (shortfall <= 0 || total_excess <= 0)
			continue;
		for (j = 0; j < k; j++) {
			double excess = actual[j] - plan[j];

			if (excess > 0)
				put(out, max, &n, i, j, shortfall * excess / total_excess);
		}
	}
	return n;
}
