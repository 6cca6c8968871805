/*
 * budget: water-filling of goal increases into the day (see budget.h).
 */
#include "adjuster/budget.h"

#include <math.h>
#include <stdlib.h>

struct level { double ratio; size_t i; };

static int by_ratio(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	if (x->ratio < y->ratio)
		return -1;
	if (x->ratio > y->ratio)
		return 1;
	/* Equal ratios: keep input order so results never depend on qsort. */
	return x->i < y->i ? -1 : x->i > y->i;
}

int budget_waterfill(size_t n, const double *increase, const double *weight,
		     double excess, double *cut, double *lambda)
{
	struct level *lv;
	size_t m = 0, k;
	double remaining = excess, wsum = 0, total = 0, lam = 0;

	if (!isfinite(excess) || excess < 0)
		return -1;
	for (k = 0; k < n; k++) {
		cut[k] = 0;
		if (!isfinite(increase[k]) || !isfinite(weight[k]))
			return -1;
	}
	if (lambda)
		*lambda = 0;
	if (excess == 0 || n == 0)
		return excess == 0 ? 0 : 1;
	lv = calloc(n, sizeof(*lv));
	if (!lv)
		abort();
	for (k = 0; k < n; k++) {
		if (increase[k] <= 0 || weight[k] <= 0)
			continue;
		lv[m].ratio = increase[k] / weight[k];
		lv[m].i = k;
		wsum += weight[k];
		total += increase[k];
		m++;
	}
	if (total <= excess) {
		for (k = 0; k < m; k++)
			cut[lv[k].i] = increase[lv[k].i];
		if (lambda && m)
			*lambda = INFINITY;
		free(lv);
		return total < excess ? 1 : 0;
	}
	qsort(lv, m, sizeof(*lv), by_ratio);
	/* Raise the level; an item whose whole increase is below the level is
	 * cut fully and leaves the pool. */
	for (k = 0; k < m; k++) {
		lam = remaining / wsum;
		if (lam <= lv[k].ratio)
			break;
		cut[lv[k].i] = increase[lv[k].i];
		remaining -= increase[lv[k].i];
		wsum -= weight[lv[k].i];
	}
	for (; k < m; k++)
		cut[lv[k].i] = lam * weight[lv[k].i];
	if (lambda)
		*lambda = lam;
	free(lv);
	return 0;
}
