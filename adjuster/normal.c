/*
 * normal: probabilities of meeting a goal under a normal model, through GSL
 * (see normal.h for the model and its limits).
 */
#include "adjuster/normal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

void normal_init(void)
{
	gsl_set_error_handler_off();
}

double normal_z80(void)
{
	/* The 90th percentile: 10% of the mass lies above the 80% interval. */
	return gsl_cdf_ugaussian_Pinv(0.90);
}

double normal_sd_from_interval80(double lower80, double upper80)
{
	if (!isfinite(lower80) || !isfinite(upper80) || upper80 <= lower80)
		return 0.0;
	return (upper80 - lower80) / (2.0 * normal_z80());
}

static int check_input(enum goal_direction dir, double mean, double sd,
		       double x, const char *what, char *err, size_t errlen)
{
	if (dir == DIR_NEUTRAL) {
		snprintf(err, errlen, "a neutral goal has no probability of being met");
		return -1;
	}
	if (!isfinite(mean) || !isfinite(sd) || !isfinite(x) || sd < 0) {
		snprintf(err, errlen, "bad normal model (mean %g, sd %g, %s %g)",
			 mean, sd, what, x);
		return -1;
	}
	return 0;
}

int normal_prob_meet(enum goal_direction dir, double mean, double sd,
		     double goal, double *prob, char *err, size_t errlen)
{
	if (check_input(dir, mean, sd, goal, "goal", err, errlen) < 0)
		return -1;
	if (sd == 0.0) {
		if (dir == DIR_MORE)
			*prob = mean >= goal ? 1.0 : 0.0;
		else
			*prob = mean <= goal ? 1.0 : 0.0;
		return 0;
	}
	/* Upper tail for "more" through Q rather than 1 - P keeps precision
	 * when the probability is tiny. */
	if (dir == DIR_MORE)
		*prob = gsl_cdf_gaussian_Q(goal - mean, sd);
	else
		*prob = gsl_cdf_gaussian_P(goal - mean, sd);
	if (!isfinite(*prob)) {
		snprintf(err, errlen, "gaussian cdf failed (mean %g, sd %g, goal %g)",
			 mean, sd, goal);
		return -1;
	}
	return 0;
}

int normal_goal_for_prob(enum goal_direction dir, double mean, double sd,
			 double p, double *goal, char *err, size_t errlen)
{
	double dx;

	if (check_input(dir, mean, sd, p, "probability", err, errlen) < 0)
		return -1;
	if (!(p > 0.0 && p < 1.0)) {
		snprintf(err, errlen, "target probability %g is not between 0 and 1", p);
		return -1;
	}
	if (sd == 0.0) {
		*goal = mean;
		return 0;
	}
	/* more: P(X >= g) = p  <=>  Q(g - mean) = p; less: P(g - mean) = p. */
	if (dir == DIR_MORE)
		dx = gsl_cdf_gaussian_Qinv(p, sd);
	else
		dx = gsl_cdf_gaussian_Pinv(p, sd);
	if (!isfinite(dx)) {
		snprintf(err, errlen, "inverse gaussian cdf failed (p %g, sd %g)", p, sd);
		return -1;
	}
	*goal = mean + dx;
	return 0;
}
