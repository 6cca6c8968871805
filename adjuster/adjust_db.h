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

/* Where the estimates came from (empty strings when no snapshot). */
struct adjust_source {
	char estimates_as_of[16];
	char estimates_calculated_at[32];
	int estimate_rows;
};

/* Fills in (initialised by the caller) for as_of; *rows_read counts the rows
 * read.  Fails when the marts do not exist yet (run 'dwhbi transform'). */
int adjust_db_load(PGconn *db, int32_t as_of, const struct adjust_options *o,
		   struct adjust_input *in, struct adjust_source *src,
		   int64_t *rows_read, char *err, size_t errlen);

/* In one transaction: upserts a pending proposal for every result with
 * propose set (ids[i] receives its proposal_id, 0 for the others), deletes
 * the pending proposals of as_of that this run no longer makes, and replaces
 * the analytics.goal_status rows of as_of with one row per goal. */
int adjust_db_store(PGconn *db, const struct adjust_input *in,
		    const struct adjust_result *r, int64_t *ids,
		    int64_t *written, int64_t *deleted, char *err, size_t errlen);

struct adjust_decision {
	int64_t goal_id;        /* the goal the proposal was for */
	int64_t new_goal_id;    /* accept: the new version */
	char category[128];
	char day_type[16];
	char period[16];
	int from_minutes, to_minutes;
	char valid_from[16];    /* accept: first day of the new version */
};

/* Accepts a pending proposal: closes its goal at the start of the first
 * period after the proposal's as-of date, inserts the new version from that
 * day (source 'proposal'), marks the proposal accepted. */
int adjust_db_accept(PGconn *db, int64_t proposal_id, struct adjust_decision *d,
		     char *err, size_t errlen);
/* Marks a pending proposal rejected. */
int adjust_db_reject(PGconn *db, int64_t proposal_id, struct adjust_decision *d,
		     char *err, size_t errlen);

#endif
