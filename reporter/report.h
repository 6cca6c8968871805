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

#include "lib/goal_status.h"

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
	double goal_actual;      /* actual and goal minutes on the complete days */
	double goal_sum;         /* with a goal (its own day type); valid when */
	int has_goal_days;       /* has_goal_days */
	double per_day;          /* actual minutes per complete day; valid when */
	double prev_per_day;     /* has_per_day / has_prev_per_day */
	int has_per_day, has_prev_per_day;
	double daily_actual[REPORT_MAX_DAYS];   /* by day of month - 1 */
	double daily_plan[REPORT_MAX_DAYS];
	/* Twelve-month trend (load_trend.sql): index 0 = 12 months before the
	 * report's month, REPORT_TREND_MONTHS - 1 = the month itself.  Minutes
	 * and complete days with data; per day = minutes / days. */
	double trend_minutes[13];
	int trend_days[13];
	/* Hour of day x weekday (0 = Monday): minutes summed over the complete
	 * days of the month (marts.hourly_category); valid when r->has_hourly. */
	double hourly[7][24];
	double hourly_total;
	double hourly_prev[24];  /* the previous month: minutes per clock hour */
	double hourly_prev_total;
	char color_note[160];    /* why the configured color was replaced, or "" */
};

#define REPORT_TREND_MONTHS 13
#define REPORT_MAX_TOP 10

/* One line of a top list (load_top.sql). */
struct report_top_item {
	char *name;              /* "" = no project / tag / description */
	double minutes;
};
struct report_top {
	char *category;
	double total;            /* tracked minutes of the category in the month */
	struct report_top_item items[3][REPORT_MAX_TOP]; /* projects, tags, descriptions */
	int nitems[3];
};

/* Forecast accuracy of a closed month (load_forecast.sql). */
struct report_forecast {
	char *category;
	double estimated, lower80, upper80, actual;
	int calibrated;          /* 1: the snapshot's month projection (an
	                            interval calibrated on whole-period sums);
	                            0: sums of the daily estimates and bounds */
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

/* One goal judged per period on its own day type (marts.goal_achievement;
 * rules in lib/goal_status.h). */
#define REPORT_MAX_STRIP 32
struct report_goal {
	char *category, *day_type, *period, *direction;
	double minutes;          /* the goal of the month's last period */
	int hits, periods;       /* met / complete periods of the month */
	int streak;              /* met periods in a row up to the last complete one */
	double avg_actual;       /* per complete period; valid when periods > 0 */
	char strip[REPORT_MAX_STRIP]; /* per period: '1' met, '0' missed, '-' not
	                                 over, '.' neutral */
	char *best_start, *worst_start;  /* first day of the best / worst complete
	                                    period, NULL when none */
	double best_actual, worst_actual;
	enum goal_status status; /* goal_status_of_hits */
};

struct report {
	int year, month;                 /* the report's month */
	int32_t first_day;               /* day number of the 1st */
	int ndays;                       /* days in the month */
	char *timezone;
	char *generated_at;              /* RFC 3339, UTC */
	char *generated_local;           /* "YYYY-MM-DD HH:MM" in timezone, or NULL */
	int lang_ja;                     /* labels in Japanese (report_pick_lang) */
	int top_depth;                   /* lines per top list (1..REPORT_MAX_TOP) */

	struct report_category *cats;    /* in sort order */
	size_t ncats;
	char day_type[REPORT_MAX_DAYS];  /* 'w' weekday, 'h' holiday, 0 unknown */
	int day_has_actual[REPORT_MAX_DAYS];
	int day_has_plan[REPORT_MAX_DAYS];

	double planned_minutes;          /* from marts.plan_adherence */
	double adhered_minutes;
	int has_adherence;

	int days_complete;               /* days of the month that are over */
	char *last_complete;             /* the last of them, or NULL */
	int partial;                     /* days_complete < ndays */

	struct report_goal *goals;
	size_t ngoals;
	int goal_hits, goal_periods;     /* summed over the goals */
	int goals_met, goals_on_track, goals_at_risk, goals_off_track, goals_neutral;

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

	int has_trend;                   /* marts.daily_category gave a trend */
	int has_hourly;                  /* marts.hourly_category exists */
	int hourly_days[7];              /* complete days with data per weekday */
	int hourly_prev_days;            /* the same, previous month, all weekdays */

	struct report_top *tops;         /* per category with tracked time, in */
	size_t ntops;                    /* category order; has_top: core exists */
	int has_top;

	char *forecast_as_of;            /* the snapshot of the forecast, or NULL */
	struct report_forecast *forecasts;
	size_t nforecasts;
};

/* Labels: r->lang_ja ? ja : en. */
#define TR(r, en, ja) ((r)->lang_ja ? (ja) : (en))

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
/* A goal's day type ('any', 'weekday', 'holiday') and period ('day',
 * 'week', 'month') in the report's language: the English keys as they
 * are, in Japanese すべての日・平日・休日 and 日・週・月 (unknown keys as
 * they are). */
const char *report_day_type_word(const struct report *r, const char *day_type);
const char *report_period_word(const struct report *r, const char *period);

/* Derived figures used by both outputs. */
double report_total_actual(const struct report *r);     /* all categories */
double report_untracked(const struct report *r);        /* category "Untracked" */
double report_tracked(const struct report *r);          /* total - untracked */
double report_total_plan(const struct report *r);
int report_days_with_actual(const struct report *r);
/* Average actual minutes of a category on a weekday (0 = Monday) over the
 * days of the month with actual data; -1 when no such day. */
double report_weekday_average(const struct report *r, size_t cat, int weekday);

/* Status of a category's goals over the month: goal_status_of_hits over
 * the summed hits and periods of its goals; neutral without any. */
enum goal_status report_category_status(const struct report *r, const char *category);
/* "17 of 30 days" (the unit of the goal's period, plural as needed). */
void report_hits_text(const struct report_goal *g, char *out, size_t outlen);

/* Whole minutes as "H:MM" (rounded half away from zero), e.g. 9127.4 ->
 * "152:07", -65 -> "-1:05". */
void report_format_hm(double minutes, char *out, size_t outlen);
/* Parses "#rrggbb" into 0..1 components; grey when malformed.  Returns 0 if
 * the color was valid, -1 otherwise. */
int report_parse_color(const char *hex, double rgb[3]);
/* "YYYY-MM" of the report. */
void report_month_label(const struct report *r, char *out, size_t outlen);

/* Per-day averages of the trend: month index i (0..12) of category c;
 * -1 when the month has no complete day with data. */
double report_trend_per_day(const struct report_category *c, int i);
/* The 12 months before the report's month as one per-day average (their
 * minutes over their days); -1 without data. */
double report_trend_average(const struct report_category *c);
/* "+5 %" / "-12 %" / "0 %" of cur against base (never "-0 %"); "—" when
 * base is not positive. */
void report_format_change_pct(double cur, double base, char *out, size_t outlen);
/* "+0:07" / "-1:05" / "0:00": a signed h:mm difference (never "-0:00"). */
void report_format_signed_hm(double minutes, char *out, size_t outlen);

/* The default language rule: Japanese when the zone is Asia/Tokyo or any
 * category's display name has kana or kanji; else English. */
int report_default_lang_ja(const struct report *r);

/* Categories for the per-day comparisons: those with a per-day figure this
 * month or a 12-month average, in report order (at most max indexes). */
size_t report_compared_categories(const struct report *r, size_t *idx, size_t max);
/* The summary paragraph, built from the report's numbers only: the three
 * largest per-day changes against last month, the goal periods met and the
 * running streaks, in r's language.  Shared by the PDF and report.json. */
void report_summary(const struct report *r, char *text, size_t textlen);

/* Colors: CIE76 distance in L*a*b* between two "#rrggbb" colors. */
double report_color_distance(const char *a, const char *b);
#define REPORT_MIN_COLOR_DISTANCE 20.0
/* Makes neighbouring categories (in report order) at least
 * REPORT_MIN_COLOR_DISTANCE apart: a configured color that is too close to
 * its predecessor is replaced by the first palette color far enough from
 * both neighbours, and the category's color_note says so.  Returns the
 * number of replaced colors. */
int report_distinct_colors(struct report *r);

#endif
