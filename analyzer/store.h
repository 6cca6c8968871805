/*
 * store: writes one analyzer snapshot — analytics.estimates, model_scores
 * and month_projections with one calculated_at, and analytics.plan_flows
 * replaced up to as_of — with COPY, in one transaction.  Internal to
 * analyzer/ (analyze.c fills struct analyze_work).
 */
#ifndef DWHBI_ANALYZER_STORE_H
#define DWHBI_ANALYZER_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/analyze.h"
#include "analyzer/estimators.h"

struct flow_row {
	int month;                      /* 0 = day, 1 = month */
	int32_t start;
	int from, to;                   /* indexes into flow_names */
	double minutes;
};

/* Everything analyze_run() computes before writing. */
/* How many analyzer snapshots analyze keeps (ref.settings analyze.keep_days,
 * analyze.keep_months; docs/contracts.md "Analyzer retention"). */
#define STORE_KEEP_DAYS 35
#define STORE_KEEP_MONTHS 13
struct store_keep {
	int days;                       /* newest snapshot of each of the last N as-of days */
	int months;                     /* the report's snapshots of the last N months */
};

struct analyze_work {
	struct store_keep keep;         /* set by store_load_keep */
	int32_t first_day;              /* index 0 of every series */
	int n, origin, horizon;
	unsigned char *holiday;         /* n */
	double *y;                      /* ncategories * n */
	struct est_point *points;       /* ncategories * horizon */
	/* fit caches, one per category (ncaches); NULL: no cache */
	struct est_fit_cache **caches;
	int ncaches;
	/* flows */
	char **flow_names;
	int nflow_names;
	struct flow_row *flows;
	size_t nflows, flows_cap;
};

/* 0 when every number to be written is finite, else -1 with a reason in
 * err: nothing is written then. */
int store_check_finite(const struct analyze_work *w, const struct analyze_result *r,
		       char *err, size_t errlen);

/* The fit caches of r's categories from analytics.fit_cache (the rows near
 * r->as_of), into w->caches; without that table there is no cache (0). */
int store_load_fit_cache(PGconn *db, struct analyze_work *w, const struct analyze_result *r,
			 char *err, size_t errlen);

/* The retention settings into k (defaults when not set): 0, -2 for a bad
 * value (a configuration error, the key named in err), -1 on a database
 * error. */
int store_load_keep(PGconn *db, struct store_keep *k, char *err, size_t errlen);

/* Writes the snapshot, deletes the snapshots no reader needs any more
 * (w->keep; the count into r->pruned) and commits; counts go into r->estimates, scores,
 * projections and flows.  Returns 0, or -1 with a reason in err after rolling
 * back (counts are 0 then). */
int store_snapshot(PGconn *db, const struct analyze_work *w, struct analyze_result *r,
		   int with_flows, char *err, size_t errlen);

/* The pieces of analyze_run() that `analyze --evaluate` (evaluate.c) reuses.
 * analyze_load_days fills w->holiday for w->first_day .. + n - 1;
 * analyze_load_history fills r->categories and w->y from w->first_day to
 * r->as_of (indexes <= w->origin); analyze_estimate fills w->points and the
 * month projections from y at indexes <= w->origin only. */
int analyze_load_days(PGconn *db, struct analyze_work *w, char *err, size_t errlen);
int analyze_load_history(PGconn *db, struct analyze_work *w, struct analyze_result *r,
			 char *err, size_t errlen);
void analyze_estimate(struct analyze_work *w, struct analyze_result *r, char *err, size_t errlen,
		      int *rc);
void analyze_work_release(struct analyze_work *w);
/* The first day of day's month, and of the month after. */
int32_t analyze_month_start(int32_t day);
int32_t analyze_next_month_start(int32_t day);

#endif
