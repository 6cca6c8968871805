/*
 * toggl: the Toggl Track connector.  toggl_sync() mirrors the person's
 * Toggl data into raw.toggl_track__* (me, workspaces, projects, clients,
 * tags, time_entries) and keeps its cursors in ops.sync_state:
 *
 *   toggl_track.time_entries  cursor = the `since` value (UNIX seconds) for
 *                             the next incremental run
 *   toggl_track.backfill      checkpoint = where an unfinished Reports
 *                             backfill resumes ({"from","to","chunk_start",
 *                             "next_row"})
 *   toggl_track.<entity>      last_synced_at / last_changed_at of the masters
 *   toggl_track               the whole source, after a successful run
 *
 * The items of every API page are read in C (Reports rows flattened to the
 * v9 shape here) and written by the raw loader (connectors/raw.h: one COPY,
 * straight into the table or through a stage and connectors/toggl_merge.sql)
 * in the same transaction that moves the cursor or checkpoint, so an
 * interrupted run keeps whole pages only and resumes after the last
 * committed one.  Waits and retries
 * follow connectors/http.h; a Toggl quota (402 with quota headers) is waited
 * out when it fits the wait budget; 402 without them (a plan limitation) and
 * 401/403 (bad token) fail at once.
 */
#ifndef DWHBI_TOGGL_H
#define DWHBI_TOGGL_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct cJSON;

enum toggl_mode {
	TOGGL_AUTO = 0,     /* nightly: `since` from the cursor when it is recent
	                       enough (TOGGL_SINCE_MAX_DAYS), else the days window */
	TOGGL_DAYS,         /* entries whose start is in the last `days` local days */
	TOGGL_SINCE,        /* entries modified since since_usec (deletions too) */
	TOGGL_BACKFILL      /* Reports v3 over [backfill_from, backfill_to] */
};

/* How old a `since` cursor may be and still be used: Toggl refuses ranges
 * older than about three months, so stay well inside. */
#define TOGGL_SINCE_MAX_DAYS 60
/* Days of the nightly window when there is no usable cursor. */
#define TOGGL_DEFAULT_DAYS 3
/* Reports rows per page (the largest size used in practice). */
#define TOGGL_DEFAULT_PAGE_SIZE 1000
/* Reports pages one backfill run fetches at most (a server that never stops
 * announcing a next page cannot hold a run forever); the checkpoint stays,
 * so a rerun continues.  5000 pages of 1000 rows is far beyond one person. */
#define TOGGL_DEFAULT_MAX_PAGES 5000
/* How often one backfill run starts a chunk over because a page did not
 * start with the entry the previous page announced. */
#define TOGGL_MAX_REREADS 3

struct toggl_options {
	enum toggl_mode mode;
	int days;                   /* TOGGL_DAYS and the AUTO fallback; 0 = default */
	int64_t since_usec;         /* TOGGL_SINCE */
	int32_t backfill_from;      /* TOGGL_BACKFILL: local days, inclusive */
	int32_t backfill_to;
	int page_size;              /* Reports page size; 0 = default */
	int skip_masters;           /* do not refresh me/workspaces/projects/... */
	int max_pages;              /* Reports pages per run; 0 = TOGGL_DEFAULT_MAX_PAGES */
};

struct toggl_stats {
	int64_t rows_read;          /* objects received from the API */
	int64_t rows_written;       /* raw rows inserted or changed */
	int64_t rows_deleted;       /* raw rows newly marked deleted */
	int64_t rows_quarantined;   /* items kept out of raw (ops.quarantine) */
	int64_t pages;              /* pages committed */
	int64_t requests;           /* HTTP attempts */
	int64_t retries;
	char mode[16];              /* the mode actually used: days|since|backfill */
	char cursor[32];            /* the time-entry cursor after the run, "" if none */
	int resumed;                /* a backfill resumed from a checkpoint */
};

/* Runs one sync.  Returns 0, or -1 with a one-line reason in err (the token
 * never appears in it).  On failure every page committed so far stays, with
 * its cursor or checkpoint.  st is filled in both cases. */
int toggl_sync(PGconn *db, const struct config *cfg,
	       const struct toggl_options *opt, struct toggl_stats *st,
	       char *err, size_t errlen);

/* Parses a Reports paging header (X-Next-Row-Number, X-Next-ID): absent
 * (NULL) is 0, "no next page"; otherwise 1 to 19 decimal digits and nothing
 * else, without a leading zero, a positive value within int64.  Returns 0,
 * or -1 for anything else (empty, signs, spaces, trailing text, zero,
 * leading zeros, overflow). */
int toggl_parse_paging_header(const char *value, long long *out);

/* Whether the first row of a Reports v3 search page holds the time entry
 * id (decimal text): 1 yes, 0 no (or the page is empty or not rows). */
int toggl_page_starts_with(const struct cJSON *page, const char *id);
/* The same on the page's text (read without a cJSON tree). */
int toggl_page_text_starts_with(const char *body, size_t len, const char *id);

/* An id from a Toggl JSON value as decimal text (a positive integer up to
 * 2^53, or a string of digits without a leading zero up to INT64_MAX).
 * Returns 0, or -1 when it is not one. */
int toggl_json_id(const struct cJSON *v, char *out, size_t outlen);

/* Parses "FROM..TO" (YYYY-MM-DD, inclusive, FROM <= TO) into day numbers. */
int toggl_parse_range(const char *s, int32_t *from, int32_t *to);

/* ---- staging (connectors/raw.h) ---- */

struct raw_rows;

/* The names of the workspace's tags, by id, for flattening Reports rows
 * (as raw.toggl_track__tags holds them: the name as a JSON value). */
struct toggl_tag {
	char *id;
	char *name_json;
};
struct toggl_tags {
	struct toggl_tag *v;
	size_t n;
};
void toggl_tags_release(struct toggl_tags *t);
/* Sorts t by id (after filling it by hand or from the database). */
void toggl_tags_sort(struct toggl_tags *t);

/* Adds the items of a v9 answer (the elements of an array, an object as
 * itself, nothing for null) to rows (connectors/raw.h), their bytes as
 * sent, with their id and server_deleted_at.  Returns the number of items,
 * -1 when the text cannot be split (the caller adds cJSON's print of the
 * items). */
int toggl_stage_items(struct raw_rows *rows, const char *body, size_t len);
/* Adds a Reports v3 search page to rows: each entry of each row flattened to the
 * v9 shape (id, workspace_id/wid, project_id/pid, task_id, billable,
 * description, tag_ids, tags, user_id/uid, start, stop, duration, at,
 * server_deleted_at null).  *last_day (when not NULL) is raised to the
 * latest start day of the entries.  Returns the number of entries, -1 when
 * the page is not a list of objects the scanner can read. */
int toggl_stage_report_page(struct raw_rows *rows, const char *body, size_t len,
			    const char *wid, const struct toggl_tags *tags, int32_t *last_day);

#endif
