/*
 * goals: goals.csv <-> the versioned ref.goals.
 *
 * goals.csv columns: category, day_type (weekday|holiday|any), period
 * (day|week|month), minutes, direction (more|less|neutral), and optionally
 * valid_from (YYYY-MM-DD, default: today in DWHBI_TIMEZONE) and valid_to
 * (exclusive; empty = open).  A goal is identified by (category, day_type,
 * period).  Import rules:
 *   - a row equal to a stored version changes nothing (so importing an
 *     export again is a no-op);
 *   - an open row whose minutes or direction differ from the open version
 *     closes that version at the row's valid_from and opens a new one
 *     (history is kept; valid_from must be after the open version's);
 *   - a row with valid_to adds a closed version, which must not overlap a
 *     stored one;
 *   - goals not in the file stay as they are.
 * The whole file is checked first (fields, unknown categories, negative
 * minutes, more than 1440 minutes a day, overlapping versions of one goal,
 * daily 'more' goals of a day type adding up to more than a day) and applied
 * in one transaction; any bad line fails the import with "FILE:LINE: reason"
 * and nothing of the file is loaded.
 */
#ifndef DWHBI_TRANSFORM_GOALS_H
#define DWHBI_TRANSFORM_GOALS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct goals_import_result {
	int rows;          /* goal rows in the file */
	int inserted;      /* new versions */
	int closed;        /* versions closed by a newer one */
	int unchanged;
};

/* name is used in messages (the file's path); text/len its contents;
 * timezone decides "today" for rows without valid_from.  A file older than
 * the database (an open row whose values differ from the open version and
 * whose valid_from is not after it, e.g. after a proposal was accepted) fails
 * with a message saying what happened and what to do: `goals export` to
 * refresh the file, or replace_from (YYYY-MM-DD, NULL normally): open rows
 * whose values differ from the open version close it at replace_from and
 * apply from replace_from instead of their own valid_from. */
int goals_import(PGconn *db, const char *name, const char *text, size_t len,
		 const char *timezone, const char *replace_from,
		 struct goals_import_result *res, char *err, size_t errlen);

/* The one writer of goal versions outside import (the adjuster's accept
 * calls it): inside the caller's transaction, closes the open version goal_id
 * at valid_from and inserts a version with the same category, day type,
 * period and direction, `minutes`, valid from valid_from, open, with source
 * (e.g. 'proposal'); *new_id receives its goal_id.  Fails, changing nothing,
 * when goal_id is unknown, already closed, or does not start before
 * valid_from. */
int goals_new_version(PGconn *db, int64_t goal_id, int minutes, const char *valid_from,
		      const char *source, int64_t *new_id, char *err, size_t errlen);

/* Undoes goals_new_version before the new version takes effect: inside the
 * caller's transaction, removes version new_id — which must be open and
 * start after today (YYYY-MM-DD) — and reopens the version it replaced
 * (same category, day type and period, closed where new_id starts);
 * *restored_id receives that version's goal_id.  Fails, changing nothing,
 * otherwise (or when something still refers to new_id). */
int goals_undo_version(PGconn *db, int64_t new_id, const char *today,
		       int64_t *restored_id, char *err, size_t errlen);

/* Writes every version (history included) as goals.csv to out. */
int goals_export(PGconn *db, FILE *out, char *err, size_t errlen);

/* Prints the goals valid today (all versions with all != 0) as a table. */
int goals_list(PGconn *db, FILE *out, int all, const char *timezone,
	       char *err, size_t errlen);

#endif
