/*
 * report: the monthly report as plain data, independent of how it is drawn.
 *
 * report_load() (report_load.c) fills a struct report from the marts and
 * analytics tables; the PDF renderer (pdf.c) and the Typst emitter (typst.c)
 * only read it, so both outputs show the same numbers, and unit tests can
 * build a report in memory without a database.  All minutes are doubles
 * (the marts keep exact numerics; a report shows whole minutes).
 * Lifecycle: report_init(), fill, report_release().  Every string in the
 * struct is owned by it (malloc'ed) and freed by report_release().
 */
#ifndef DWHBI_REPORT_H
#define DWHBI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_MAX_DAYS 31

struct report_category {
	char *category;          /* English key, e.g. "Sleep" */
	char *display_name;      /* e.g. "睡眠" */
	char *coarse_group;
	char *color;             /* "#rrggbb" */
	int sort_order;
	double actual;           /* minutes this month */
	double plan;             /* minutes this month */
	double goal;             /* minutes this month; valid when has_goal */
	int has_goal;
	char *goal_direction;    /* "more" | "less" | "neutral", or NULL */
	double prev_actual;      /* minutes previous month; valid when has_prev */
	int has_prev;
	double daily_actual[REPORT_MAX_DAYS];   /* by day of month - 1 */
	double daily_plan[REPORT_MAX_DAYS];
};

struct report_freshness {
	char *source;
	char *last_synced_at;    /* "YYYY-MM-DD HH:MM" local, or NULL */
	char *last_changed_at;
	int64_t row_count;
};

/* Where planned time of one category went: parts are actual categories. */
struct report_flow_part {
	char *category;
	double minutes;
};
struct report_flow {
	char *plan_category;
	double planned;          /* total planned minutes */
	double actual;           /* minutes actually spent on it (fallback mode) */
	struct report_flow_part *parts;
	size_t nparts;
};

struct report_projection {
	char *category;
	double actual_to_date;
	double projected;        /* month-end minutes */
	double lower80, upper80;
	double goal;             /* month goal; valid when has_goal */
	int has_goal;
};

struct report_proposal {
	char *category;
	char *day_type, *period, *direction;
	int current_minutes, proposed_minutes;
	double probability_before, probability_after;
	char *reason;
};

enum goal_status { GOAL_MET, GOAL_AT_RISK, GOAL_OFF_TRACK, GOAL_NEUTRAL };

struct report {
	int year, month;                 /* the report's month */
	int32_t first_day;               /* day number of the 1st */
	int ndays;                       /* days in the month */
	char *timezone;
	char *generated_at;              /* RFC 3339, UTC */

	struct report_category *cats;    /* in sort order */
	size_t ncats;
	char day_type[REPORT_MAX_DAYS];  /* 'w' weekday, 'h' holiday, 0 unknown */
	int day_has_actual[REPORT_MAX_DAYS];
	int day_has_plan[REPORT_MAX_DAYS];

	double planned_minutes;          /* from marts.plan_adherence */
	double adhered_minutes;
	int has_adherence;

	int goals_met, goals_at_risk, goals_off_track, goals_neutral;

	struct report_freshness *freshness;
	size_t nfreshness;

	int flows_exact;                 /* 1: analytics.plan_flows; 0: fallback */
	struct report_flow *flows;
	size_t nflows;

	char *estimates_as_of;           /* NULL when no estimates */
	int projections_exact;           /* 1: analytics.month_projections
	                                    (independent days); 0: summed daily
	                                    estimates (a wide band) */
	struct report_projection *projections;
	size_t nprojections;

	struct report_proposal *proposals;
	size_t nproposals;
};

void report_init(struct report *r);
void report_release(struct report *r);

/* Sets year, month, first_day and ndays from "YYYY-MM"; -1 on bad input. */
int report_set_month(struct report *r, const char *month);

/* Appends a category and returns it (zeroed, strings copied). */
struct report_category *report_add_category(struct report *r, const char *category,
					    const char *display_name,
					    const char *coarse_group,
					    const char *color, int sort_order);
/* The category with key, or NULL. */
struct report_category *report_find_category(const struct report *r,
					     const char *category);
/* The display name of a category key (the key itself when unknown). */
const char *report_display_name(const struct report *r, const char *category);

/* Derived figures used by both outputs. */
double report_total_actual(const struct report *r);     /* all categories */
double report_untracked(const struct report *r);        /* category "Untracked" */
double report_tracked(const struct report *r);          /* total - untracked */
double report_total_plan(const struct report *r);
int report_days_with_actual(const struct report *r);
/* Average actual minutes of a category on a weekday (0 = Monday) over the
 * days of the month with actual data; -1 when no such day. */
double report_weekday_average(const struct report *r, size_t cat, int weekday);

/* Classifies a goal from its summed goal and actual minutes: "more" is met
 * at >= 100 %, at risk from 90 %, else off track; "less" is met at <= 100 %,
 * at risk up to 110 %; "neutral" is never judged. */
enum goal_status report_goal_status(const char *direction, double goal_minutes,
				    double actual_minutes);

/* Whole minutes as "H:MM" (rounded half away from zero), e.g. 9127.4 ->
 * "152:07", -65 -> "-1:05". */
void report_format_hm(double minutes, char *out, size_t outlen);
/* Parses "#rrggbb" into 0..1 components; grey when malformed.  Returns 0 if
 * the color was valid, -1 otherwise. */
int report_parse_color(const char *hex, double rgb[3]);
/* "YYYY-MM" of the report. */
void report_month_label(const struct report *r, char *out, size_t outlen);

#endif
