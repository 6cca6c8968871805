/*
 * goal_status: the one vocabulary of goals for the whole program (adjuster,
 * reporter, console; marts.goal_achievement.met follows the same period rule
 * in SQL).  A goal is judged per period (its day, week or month) on the days
 * of its own day type:
 *
 * - period rule: a `more` goal is met when the period's actual minutes are
 *   >= the goal, a `less` goal when they are <= the goal; `neutral` goals are
 *   never judged;
 * - status of one period:
 *     neutral    the goal is neutral;
 *     met        the period is over and the rule holds, or (`more` only) the
 *                period is still running and the goal is already reached;
 *     on_track   the period is running and P(met at its end) >= on_track;
 *     at_risk    ... P >= at_risk;
 *     off_track  ... P < at_risk, or the period is over and the rule fails.
 *   A `less` goal is never `met` before its period is over: "met so far" is
 *   not "met".
 * - status of several periods (a month in the report): met when every period
 *   is met, else by the hit rate against the same two thresholds.
 */
#ifndef DWHBI_LIB_GOAL_STATUS_H
#define DWHBI_LIB_GOAL_STATUS_H

/* A goal's direction: more = value >= goal, less = value <= goal. */
enum goal_direction { DIR_MORE, DIR_LESS, DIR_NEUTRAL };

enum goal_status { STATUS_MET, STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK,
		   STATUS_NEUTRAL };

/* Default thresholds (the adjuster's --on-track and --at-risk). */
#define GOAL_STATUS_ON_TRACK 0.7
#define GOAL_STATUS_AT_RISK 0.4

/* Parses "more" | "less" | "neutral"; -1 for anything else. */
int goal_direction_parse(const char *s, enum goal_direction *out);
const char *goal_direction_name(enum goal_direction d);

/* "met", "on_track", ... as stored in analytics.goal_status. */
const char *goal_status_name(enum goal_status s);
/* The name as a person reads it: "met", "on track", "at risk", ... */
const char *goal_status_label(enum goal_status s);
/* Parses a stored name; -1 for anything else. */
int goal_status_parse(const char *s, enum goal_status *out);

/* The period rule: 1 when value meets goal in direction d (a tolerance of
 * 1e-9 keeps a sum of 419.9999999999 from missing 420), 0 otherwise and for
 * neutral goals. */
int goal_period_met(enum goal_direction d, double goal, double value);

/* Status of one period.  over: the period has ended; value: actual minutes
 * (so far when running); prob: P(met at the end), ignored when over or for
 * neutral goals (NaN when unknown: a running period without one is at_risk
 * unless already met). */
enum goal_status goal_status_of_period(enum goal_direction d, int over, double goal,
				       double value, double prob, double on_track,
				       double at_risk);

/* Status of `periods` complete periods of which `hits` were met; neutral when
 * the goal is neutral or there is no complete period. */
enum goal_status goal_status_of_hits(enum goal_direction d, int hits, int periods,
				     double on_track, double at_risk);

#endif
