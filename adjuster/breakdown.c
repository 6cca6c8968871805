/*
 * breakdown: daily allocation of week/month goals by day type (see
 * breakdown.h).
 */
#include "adjuster/breakdown.h"

#include <math.h>

int breakdown_allocate(double total, const int days[2], const double weight[2],
		       double per_day[2])
{
	double w[2], denom;
	int t;

	per_day[0] = per_day[1] = 0;
	if (days[0] + days[1] <= 0)
		return -1;
	for (t = 0; t < 2; t++)
		w[t] = (days[t] > 0 && isfinite(weight[t]) && weight[t] > 0) ? weight[t] : 0;
	denom = days[0] * w[0] + days[1] * w[1];
	if (denom <= 0) {
		w[0] = w[1] = 1;
		denom = days[0] + days[1];
	}
	for (t = 0; t < 2; t++)
		if (days[t] > 0)
			per_day[t] = total * w[t] / denom;
	return 0;
}
