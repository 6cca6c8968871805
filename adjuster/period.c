/*
 * period: calendar arithmetic for goal periods (see period.h).
 */
#include "adjuster/period.h"

#include <string.h>

#include "lib/timeutil.h"

int goal_period_parse(const char *s, enum goal_period *out)
{
	if (!s)
		return -1;
	if (!strcmp(s, "day"))
		*out = PERIOD_DAY;
	else if (!strcmp(s, "week"))
		*out = PERIOD_WEEK;
	else if (!strcmp(s, "month"))
		*out = PERIOD_MONTH;
	else
		return -1;
	return 0;
}

const char *goal_period_name(enum goal_period p)
{
	switch (p) {
	case PERIOD_DAY: return "day";
	case PERIOD_WEEK: return "week";
	default: return "month";
	}
}

int day_type_parse(const char *s, enum day_type *out)
{
	if (!s)
		return -1;
	if (!strcmp(s, "weekday"))
		*out = DAYTYPE_WEEKDAY;
	else if (!strcmp(s, "holiday"))
		*out = DAYTYPE_HOLIDAY;
	else if (!strcmp(s, "any"))
		*out = DAYTYPE_ANY;
	else
		return -1;
	return 0;
}

const char *day_type_name(enum day_type t)
{
	switch (t) {
	case DAYTYPE_WEEKDAY: return "weekday";
	case DAYTYPE_HOLIDAY: return "holiday";
	default: return "any";
	}
}

int day_type_matches(enum day_type goal_type, enum day_type day)
{
	return goal_type == DAYTYPE_ANY || goal_type == day;
}

int32_t period_start(enum goal_period p, int32_t day)
{
	int y, m, d;

	switch (p) {
	case PERIOD_DAY:
		return day;
	case PERIOD_WEEK:
		return day - time_weekday(day);
	default:
		time_civil_from_days(day, &y, &m, &d);
		return time_days_from_civil(y, m, 1);
	}
}

int32_t period_end(enum goal_period p, int32_t start)
{
	int y, m, d;

	switch (p) {
	case PERIOD_DAY:
		return start + 1;
	case PERIOD_WEEK:
		return start + 7;
	default:
		time_civil_from_days(start, &y, &m, &d);
		if (m == 12)
			return time_days_from_civil(y + 1, 1, 1);
		return time_days_from_civil(y, m + 1, 1);
	}
}

int32_t period_next_start(enum goal_period p, int32_t as_of)
{
	return period_end(p, period_start(p, as_of));
}
