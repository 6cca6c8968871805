/*
 * adjust_db: the adjuster's database side.  Reads the inputs of the engine
 * (core.days, marts.daily_category, one analytics.estimates snapshot,
 * ref.goals), stores proposals in analytics.goal_proposals and each goal's
 * current status in analytics.goal_status, and decides proposals
 * (accept writes a new goal version).  Every function returns 0 or -1 with a
 * one-line reason in err that says what to do next; accept and reject change
 * nothing when they fail.
 */
#ifndef DWHBI_ADJUSTER_ADJUST_DB_H
#define DWHBI_ADJUSTER_ADJUST_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "adjuster/adjust.h"
#include "lib/buf.h"

/* Where the estimates came from (empty strings when no snapshot). */
struct adjust_source {
	char estimates_as_of[16];
	char estimates_calculated_at[32];
	int estimate_rows;
	int error_rows;             /* analytics.estimate_errors rows loaded */
	int error_categories;       /* categories that got backtest errors */
	char errors_note[192];      /* why there are none ("" when loaded) */
};

/* Fills in (initialised by the caller) for as_of; *rows_read counts the rows
 * read.  Fails when the marts do not exist yet (run 'dwhbi transform'). */
int adjust_db_load(PGconn *db, int32_t as_of, const struct adjust_options *o,
		   struct adjust_input *in, struct adjust_source *src,
		   int64_t *rows_read, char *err, size_t errlen);

/* In one transaction: expires the pending proposals whose as-of is more
 * than o->expire_days before as_of; for every result with propose set,
 * supersedes the goal's pending proposal of an earlier as-of and upserts the
 * new pending one (ids[i] receives its proposal_id, 0 for the others);
 * deletes the pending proposals of as_of that this run no longer makes and
 * supersedes (by nothing) earlier pending ones it does not make again; and
 * replaces the analytics.goal_status rows of as_of with one row per goal.
 * At most one proposal per goal is pending afterwards. */
int adjust_db_store(PGconn *db, const struct adjust_input *in,
		    const struct adjust_options *o, const struct adjust_result *r,
		    int64_t *ids, int64_t *written, int64_t *deleted, int64_t *superseded,
		    int64_t *expired, char *err, size_t errlen);

/* Reads the adjuster's settings from ref.settings into o (only the wanted
 * ones: a command-line option wins): adjust.expire_days, adjust.material and
 * adjust.step (see docs/contracts.md); absent keys keep o's values.  -1 with
 * a reason naming the key when a value is bad. */
int adjust_db_settings(PGconn *db, struct adjust_options *o, int want_expire,
		       int want_material, int want_step, char *err, size_t errlen);

/* Prints the proposals (newest first; state NULL = all, limit rows) with
 * their dates: as-of, made, decided, expiry of pending ones, first day of
 * accepted ones, the successor of superseded ones. */
int adjust_db_list(PGconn *db, const char *state, int limit, int expire_days,
		   struct buf *out, char *err, size_t errlen);

struct adjust_decision {
	int64_t goal_id;        /* the goal the proposal was for */
	int64_t new_goal_id;    /* accept: the new version */
	char category[128];
	char day_type[16];
	char period[16];
	int from_minutes, to_minutes;
	char valid_from[16];    /* accept: first day of the new version */
};

/* Accepts a pending proposal: the new version (through ref/goals.c's
 * goals_new_version, source 'proposal') starts with the first period that
 * has not started on `today` (local date) and that starts after the
 * proposal's as-of (tomorrow for a day goal, the next Monday, the next 1st),
 * so no period that has begun changes; marks the proposal accepted with that
 * valid_from and the new goal_id. */
int adjust_db_accept(PGconn *db, int64_t proposal_id, int32_t today,
		     struct adjust_decision *d, char *err, size_t errlen);
/* Marks a pending proposal rejected. */
int adjust_db_reject(PGconn *db, int64_t proposal_id, struct adjust_decision *d,
		     char *err, size_t errlen);

#endif
