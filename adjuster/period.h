/*
 * period: the calendar periods a goal is measured over (day, week Monday to
 * Sunday, calendar month) and the day types a goal applies to, on timeutil's
 * day numbers (days since 1970-01-01).
 */
#ifndef DWHBI_ADJUSTER_PERIOD_H
#define DWHBI_ADJUSTER_PERIOD_H

#include <stdint.h>

enum goal_period { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH };

/* Day types as stored in core.days / ref.goals.  DAYTYPE_ANY only appears
 * on goals. */
enum day_type { DAYTYPE_WEEKDAY = 0, DAYTYPE_HOLIDAY = 1, DAYTYPE_ANY = 2 };

int goal_period_parse(const char *s, enum goal_period *out);
const char *goal_period_name(enum goal_period p);
int day_type_parse(const char *s, enum day_type *out);
const char *day_type_name(enum day_type t);

/* 1 if a goal for goal_type applies to a day of type day. */
int day_type_matches(enum day_type goal_type, enum day_type day);

/* First day of the period that contains day. */
int32_t period_start(enum goal_period p, int32_t day);
/* First day after the period that starts at start (exclusive end). */
int32_t period_end(enum goal_period p, int32_t start);
/* First day of the first period that starts after as_of: the day a changed
 * goal takes effect (as_of + 1, the next Monday, the next 1st). */
int32_t period_next_start(enum goal_period p, int32_t as_of);

#endif
