/*
 * raw: the one loader of raw.* for the connectors (Toggl and Google).
 *
 * A connector turns each API page into rows in C — the source id, the
 * item's JSON text exactly as the API sent it (or as the connector
 * flattened it), and the few columns the merge needs — and hands them here:
 *
 *   1. raw_page_* (Google) or raw_rows_* (Toggl, keyed by source_id): the
 *      rows are written in COPY text format into one buffer (backslash,
 *      tab, newline and CR escaped; NULL as \N);
 *   2. raw_page_copy / raw_rows_load: COPY ... FROM STDIN sends them to
 *      the session's temporary stage table (keyed rows whose ids are new go
 *      straight into the raw table, see below);
 *   3. raw_merge: one set-based statement from a query file beside the
 *      connector (connectors/<name>.sql) merges the stage into raw.*,
 *      skipping unchanged rows;
 *   4. raw_state_save: the cursor or checkpoint in ops.sync_state,
 *
 * all in the caller's transaction, so rows and cursor commit together.
 * raw_state_load reads a cursor back.  No PL/pgSQL is involved; the JSON
 * text is parsed once, by PostgreSQL's jsonb input, during the COPY.
 */
#ifndef DWHBI_RAW_H
#define DWHBI_RAW_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/validate.h"
#include "lib/buf.h"

/* The rows of one stage load, in COPY text format. */
struct raw_page {
	struct buf copy;
	int64_t rows;
	int col;                /* columns written in the current row */
};

void raw_page_init(struct raw_page *p);
void raw_page_release(struct raw_page *p);
/* The next column of the current row: n bytes of text (s may hold any
 * byte but NUL), escaped for COPY. */
void raw_page_field(struct raw_page *p, const char *s, size_t n);
/* Like raw_page_field with a NUL-terminated string; NULL gives \N. */
void raw_page_str(struct raw_page *p, const char *s);
/* The next column is SQL NULL. */
void raw_page_null(struct raw_page *p);
/* Ends the current row. */
void raw_page_end_row(struct raw_page *p);

/* Appends n bytes escaped for COPY text format (the escaping of
 * raw_page_field and raw_rows_data). */
void raw_copy_escape(struct buf *b, const char *s, size_t n);

/* JSON the connector has checked already (connectors/validate.h), walked
 * fast: nothing is validated again, but nothing past the span is read. */
/* Picks members of a JSON object in one pass: vals[i] gets the value of
 * names[i] (the last one when repeated, as in jsonb) and found[i] says
 * whether it is there.  Returns 0, or -1 when obj is not an object. */
int raw_json_pick(struct jv_span obj, const char *const *names, int n,
		  struct jv_span *vals, int *found);
/* The elements of a JSON array one by one: *pos = NULL first; 1 with the
 * next element in *item, 0 at the end, -1 when arr is not an array. */
int raw_json_next(struct jv_span arr, const char **pos, struct jv_span *item);
/* The text PostgreSQL's ->> gives for a JSON scalar, when C can tell it
 * for sure without parsing (a string without escapes, a canonical integer):
 * 1 with the text in *out (not NUL-terminated), 0 for null, -1 when only
 * jsonb can tell (the caller lets SQL derive it). */
int raw_json_scalar(struct jv_span v, struct jv_span *out);

/* Runs an embedded query file (a statement without parameters, e.g. the
 * CREATE TEMP TABLE of a stage) outside or inside a transaction. */
int raw_exec_file(PGconn *db, const char *path, char *err, size_t errlen);

/* Sends the rows of p with copy_sql ("COPY pg_temp.x
 * (cols) FROM STDIN").  Returns 0 or -1 with err. */
int raw_page_copy(PGconn *db, const char *copy_sql, const struct raw_page *p,
		  char *err, size_t errlen);

/* Runs the merge query file path with text parameters; target, when not
 * NULL, names the raw table the file writes: it must be one of the raw.*
 * tables the connectors own (checked against a fixed list, never taken
 * from input) and replaces the file's {{target}}.  The counts of the
 * file's one result row go to out[0..nout-1] (missing or NULL = 0). */
int raw_merge(PGconn *db, const char *path, const char *target, int nparams,
	      const char *const *params, int64_t *out, int nout,
	      char *err, size_t errlen);

/* One source's row of ops.sync_state. */
struct raw_state {
	int found;
	char *cursor;           /* NULL when none stored */
	char *checkpoint;       /* jsonb as text, NULL when none */
	int64_t saved_epoch;    /* when it was written (never after now()), s */
};

/* Reads source's state (found = 0 when it has none).  Release with
 * raw_state_release. */
int raw_state_load(PGconn *db, const char *source, struct raw_state *st,
		   char *err, size_t errlen);
void raw_state_release(struct raw_state *st);

/* Writes source's cursor and checkpoint (both replaced; NULL clears),
 * stamps last_changed_at when changed and last_synced_at when completed.
 * In the caller's transaction. */
int raw_state_save(PGconn *db, const char *source, const char *cursor,
		   const char *checkpoint, int changed, int completed,
		   char *err, size_t errlen);

/* ---- keyed rows: (source_id, data, deleted_at) for one raw.* table ----
 *
 * The rows of one page (or one listing) for a raw table keyed by
 * source_id.  raw_rows_load writes them in the caller's transaction:
 *
 *   - with direct, the rows go by one COPY straight into the table
 *     (synced_at takes its default, now()), the fastest way in, inside a
 *     savepoint: when one of their ids is there already (a unique
 *     violation), the savepoint is rolled back and
 *   - the rows (every row without direct) are COPYed into the stage and
 *     merged by a query file that skips unchanged rows.
 *
 * Of an id given twice the last copy wins, as in jsonb.  A row whose id C
 * could not read (odd) is left to the stage's fix-up query, and then the
 * whole load goes through the stage. */
struct raw_row {
	size_t off, len;        /* its COPY fields "source_id\tdata\tdeleted_at" */
	size_t id_len;          /* the id is the first id_len bytes (plain text) */
	int ord;                /* position in the page */
	unsigned odd : 1, deleted : 1;
};

struct raw_rows {
	struct buf text;
	struct raw_row *v;
	size_t n, cap;
	int64_t odd;            /* rows whose id or deleted_at SQL must read */
};

/* What raw_rows_load writes with. */
struct raw_target {
	const char *table;      /* one of the raw tables raw_merge accepts */
	const char *api_version;
	const char *stage_copy; /* "COPY pg_temp.x (source_id, data, deleted_at, ord, odd) FROM STDIN" */
	const char *fix_path;   /* query file that reads the odd rows' id and deleted_at */
	const char *merge_path; /* query file: $1 = api_version; returns (written, deleted) */
};

void raw_rows_init(struct raw_rows *r);
void raw_rows_release(struct raw_rows *r);
void raw_rows_reset(struct raw_rows *r);
/* Starts a row: id (plain text, NULL when only SQL can read it: odd). */
void raw_rows_begin(struct raw_rows *r, const char *id, size_t id_len);
/* Appends to the row's data (JSON text, escaped here). */
void raw_rows_data(struct raw_rows *r, const char *s, size_t n);
/* Ends the row: deleted_at as text (NULL for none); odd = only SQL can
 * read its deleted_at (or its id). */
void raw_rows_end(struct raw_rows *r, const char *deleted, size_t deleted_len, int odd);

/* Loads the rows (see above); *written and *deleted count raw rows written
 * and how many of them are deleted.  direct = 0 stages every row (a
 * reconcile that reads the stage afterwards needs them all there). */
int raw_rows_load(PGconn *db, const struct raw_rows *r, const struct raw_target *t,
		  int direct, int64_t *written, int64_t *deleted,
		  char *err, size_t errlen);

#endif
