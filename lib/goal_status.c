/*
 * goal_status: directions, statuses and the rules that judge a goal (see
 * goal_status.h).
 */
#include "lib/goal_status.h"

#include <math.h>
#include <string.h>

int goal_direction_parse(const char *s, enum goal_direction *out)
{
	if (!s)
		return -1;
	if (!strcmp(s, "more"))
		*out = DIR_MORE;
	else if (!strcmp(s, "less"))
		*out = DIR_LESS;
	else if (!strcmp(s, "neutral"))
		*out = DIR_NEUTRAL;
	else
		return -1;
	return 0;
}

const char *goal_direction_name(enum goal_direction d)
{
	switch (d) {
	case DIR_MORE: return "more";
	case DIR_LESS: return "less";
	default: return "neutral";
	}
}

static const char *const names[] = { "met", "on_track", "at_risk", "off_track", "neutral" };
static const char *const labels[] = { "met", "on track", "at risk", "off track", "neutral" };

const char *goal_status_name(enum goal_status s)
{
	return (unsigned)s < 5 ? names[s] : "neutral";
}

const char *goal_status_label(enum goal_status s)
{
	return (unsigned)s < 5 ? labels[s] : "neutral";
}

int goal_status_parse(const char *s, enum goal_status *out)
{
	int i;

	for (i = 0; s && i < 5; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum goal_status)i;
			return 0;
		}
	}
	return -1;
}

int goal_period_met(enum goal_direction d, double goal, double value)
{
	if (d == DIR_MORE)
		return value >= goal - 1e-9;
	if (d == DIR_LESS)
		return value <= goal + 1e-9;
	return 0;
}

static enum goal_status by_probability(double p, double on_track, double at_risk)
{
	if (isnan(p))
		return STATUS_AT_RISK;
	if (p >= on_track)
		return STATUS_ON_TRACK;
	if (p >= at_risk)
		return STATUS_AT_RISK;
	return STATUS_OFF_TRACK;
}

enum goal_status goal_status_of_period(enum goal_direction d, int over, double goal,
				       double value, double prob, double on_track,
				       double at_risk)
{
	if (d == DIR_NEUTRAL)
		return STATUS_NEUTRAL;
	if (over)
		return goal_period_met(d, goal, value) ? STATUS_MET : STATUS_OFF_TRACK;
	if (d == DIR_MORE && goal_period_met(d, goal, value))
		return STATUS_MET;
	return by_probability(prob, on_track, at_risk);
}

enum goal_status goal_status_of_hits(enum goal_direction d, int hits, int periods,
				     double on_track, double at_risk)
{
	if (d == DIR_NEUTRAL || periods <= 0)
		return STATUS_NEUTRAL;
	if (hits >= periods)
		return STATUS_MET;
	return by_probability((double)hits / periods, on_track, at_risk);
}
