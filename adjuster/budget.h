/*
 * budget: fitting goal increases into a day of 1440 minutes.
 *
 * When the proposed increases of `more` goals push a day type's budget over
 * 1440 minutes by `excess`, the increases are reduced by water-filling: the
 * cut of increase i is min(increase[i], lambda * weight[i]) with one level
 * lambda chosen so the cuts add up to exactly `excess`.  This is the smallest
 * change in the weighted least-squares sense (minimise sum cut^2 / weight
 * subject to sum cut = excess, 0 <= cut <= increase), and the total change
 * equals the excess, which no smaller total change can remove.
 */
#ifndef DWHBI_ADJUSTER_BUDGET_H
#define DWHBI_ADJUSTER_BUDGET_H

#include <stddef.h>

/* The length of a day in minutes. */
#define DAY_MINUTES 1440.0

/* Writes the cuts into cut[0..n) and the level into *lambda (may be NULL).
 * Items with increase <= 0 or weight <= 0 are never cut.  Returns 0 when the
 * cuts remove the whole excess, 1 when even cutting every increase fully does
 * not (then cut[i] = increase[i] for the cuttable items), -1 on bad input
 * (negative or non-finite excess). */
int budget_waterfill(size_t n, const double *increase, const double *weight,
		     double excess, double *cut, double *lambda);

#endif
