/*
 * analyze: the database side of `dwhbi analyze`.
 *
 * analyze_run() reads the daily actual minutes per category of the
 * ANALYZE_HISTORY_DAYS days up to as_of from marts.daily_category (day types
 * from core.days / ref.holidays), backtests and chooses a method per
 * category, and writes one snapshot (one calculated_at) of
 * analytics.estimates (the days from as_of+1 to the end of that day's month,
 * and at least 14 days), analytics.model_scores and
 * analytics.month_projections, and replaces analytics.plan_flows up to as_of
 * from marts.plan_actual_daily — all in one transaction.  The numbers depend
 * only on data dated up to as_of, so a past as_of reproduces past results.
 */
#ifndef DWHBI_ANALYZE_H
#define DWHBI_ANALYZE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/backtest.h"

#define ANALYZE_HISTORY_DAYS (EST_TRAIN_DAYS + BT_DAYS + 14)
#define ANALYZE_MIN_HORIZON 14

struct cJSON;

struct analyze_category {
	char *name;
	int method;                     /* enum est_method or BT_NO_HISTORY */
	struct bt_result backtest;
	double month_actual;            /* month start .. as_of */
	double month_projected, month_lower80, month_upper80, month_lower95, month_upper95;
	/* backtest errors of the written points (backtest_point_errors),
	 * BT_DAYS x BT_HORIZON; NULL without history */
	double *errors;
};

struct analyze_result {
	int32_t as_of;
	int32_t first_target, last_target;  /* day numbers of the estimates */
	int32_t month;                      /* first day of the projected month */
	int32_t month_end;                  /* its last day */
	struct analyze_category *categories;
	int ncategories;
	int64_t rows_read;
	int64_t estimates, scores, projections, flows;
	int64_t errors;                     /* analytics.estimate_errors rows */
	int64_t pruned;                     /* rows of older snapshots deleted */
	int plan_days;                      /* days with plan data (flows) */
};

void analyze_result_init(struct analyze_result *r);
void analyze_result_release(struct analyze_result *r);

/* Runs the analysis for as_of (a day number) and commits it.  Returns 0, or
 * -1 with a one-line reason in err (nothing written then), -2 when a
 * ref.settings value is bad (a configuration error). */
int analyze_run(PGconn *db, int32_t as_of, struct analyze_result *r,
		char *err, size_t errlen);

/* A JSON summary for ops.runs.detail (caller frees), or NULL. */
struct cJSON *analyze_result_json(const struct analyze_result *r);

#endif
