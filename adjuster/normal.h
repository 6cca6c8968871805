/*
 * normal: the probability model of the adjuster.  A period's value (minutes
 * of one category over the days a goal covers) is modelled as a normal
 * random variable N(mean, sd); days are treated as independent, so means and
 * variances add.  The model ignores that minutes cannot be negative; the
 * output says that probabilities come from this model.
 *
 * Every function goes through GSL's Gaussian CDFs and their inverses.  GSL's
 * default error handler aborts the process, so normal_init() switches it off
 * once; every function that can fail returns -1 and writes a reason into err.
 */
#ifndef DWHBI_ADJUSTER_NORMAL_H
#define DWHBI_ADJUSTER_NORMAL_H

#include <stddef.h>

#include "lib/goal_status.h"   /* enum goal_direction */

/* Turns GSL's aborting error handler off (idempotent). */
void normal_init(void);

/* z such that P(|Z| <= z) = 0.80 for a standard normal Z (about 1.2816). */
double normal_z80(void);

/* Standard deviation of a normal whose central 80% interval is
 * [lower80, upper80]: (upper80 - lower80) / (2 * z80).  An empty or inverted
 * interval gives 0 (the estimate is taken as certain). */
double normal_sd_from_interval80(double lower80, double upper80);

/* Probability that a N(mean, sd) value meets goal in direction dir:
 * more: P(X >= goal), less: P(X <= goal).  sd == 0 is a point mass (1 or 0).
 * Returns -1 (with err) for neutral, a negative sd or non-finite input. */
int normal_prob_meet(enum goal_direction dir, double mean, double sd,
		     double goal, double *prob, char *err, size_t errlen);

/* The goal value that is met with probability p (0 < p < 1) by a
 * N(mean, sd) value: more: g with P(X >= g) = p, less: g with P(X <= g) = p.
 * sd == 0 gives mean.  Returns -1 (with err) for neutral or bad input. */
int normal_goal_for_prob(enum goal_direction dir, double mean, double sd,
			 double p, double *goal, char *err, size_t errlen);

#endif
