/*
 * data: what the console shows, read from the database as JSON.  The JSON
 * API returns these objects as they are and the HTML pages render them, so
 * both always say the same thing.  Every function returns a new cJSON object
 * (the caller frees it with cJSON_Delete) or NULL with a one-line reason in
 * err.  A mart or table that does not exist yet is not an error: the object
 * gets a "notes" array that says what to run.  Timestamps are RFC 3339 UTC
 * strings; every string from the database passes log_redact(), so a
 * configured secret is never shown.
 */
#ifndef DWHBI_CONSOLE_DATA_H
#define DWHBI_CONSOLE_DATA_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct console;
struct cJSON;

/* One REPEATABLE READ READ ONLY transaction around every read of one
 * page or one GET of the API, as `dwhbi status` and the report do: a
 * transform (or a sync, an analyze, an adjust) committing while a page is
 * read never shows half of its change.  begin returns -1 with the reason
 * when the snapshot cannot start (the page then reads without one and
 * reports its own database error); end commits it, or rolls it back when a
 * read failed. */
int data_snapshot_begin(struct console *c, char *err, size_t errlen);
void data_snapshot_end(struct console *c);

/* Sources with freshness state, marts with their last refresh. */
struct cJSON *data_status(struct console *c, char *err, size_t errlen);
/* Runs newest first; job/status NULL = all, before 0 = from the newest. */
struct cJSON *data_runs(struct console *c, const char *job, const char *status,
			int64_t before, int limit, char *err, size_t errlen);
/* One run (the "run" member is null when there is no such id). */
struct cJSON *data_run(struct console *c, int64_t id, char *err, size_t errlen);
/* Current goals with this period's achievement, probability and status
 * (analytics.latest_goal_status when it has the goal, else the latest proposal's
 * probability), and the latest estimates. */
struct cJSON *data_goals(struct console *c, char *err, size_t errlen);
/* Proposals, pending first; state NULL = all. */
struct cJSON *data_proposals(struct console *c, const char *state, int limit,
			     char *err, size_t errlen);
/* One proposal ("proposal" is null when there is no such id). */
struct cJSON *data_proposal(struct console *c, int64_t id, char *err, size_t errlen);
/* 1 when the PDF at path (size bytes) is complete: it ends with the
 * %%EOF trailer a PDF writer appends last, so a file being written is not
 * complete. */
int data_pdf_complete(const char *path, long long size);
/* PDF files in the reports directory, newest first. */
struct cJSON *data_reports(struct console *c, char *err, size_t errlen);

/* Turns every row of res into a JSON object keyed by column name: numbers
 * for integer, numeric and float columns, booleans, RFC 3339 strings for
 * timestamptz, parsed JSON for json/jsonb, strings otherwise, null for SQL
 * NULL.  Exposed for the unit tests. */
struct cJSON *data_rows(PGresult *res);

#endif
