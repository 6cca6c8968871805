/*
 * runs: writes the ops.runs history rows.
 */
#include "lib/runs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db.h"
#include "lib/log.h"
#include "lib/utf8.h"

int64_t run_start(PGconn *db, const char *job, const char *args,
		  int64_t parent_id, char *err, size_t errlen)
{
	char parent[32], id[32];
	const char *params[3] = { job, args ? args : "", NULL };

	if (parent_id > 0) {
		snprintf(parent, sizeof(parent), "%" PRId64, parent_id);
		params[2] = parent;
	}
	/* Runs left 'running' by a process that died are closed first, so the
	 * history never shows a run as going on forever.  A database migrated
	 * before 0002 lacks the function: then this is skipped. */
	if (db_query_value(db, "SELECT ops.reap_interrupted_runs()", 0, NULL, id, sizeof(id),
			   err, errlen) < 0) {
		if (!db_failed_with(DB_UNDEFINED_FUNCTION) && !db_failed_with(DB_INVALID_SCHEMA))
			return -1;
		if (db_query_value(db,
				   "INSERT INTO ops.runs (job, args, parent_id) "
				   "VALUES ($1, $2, (SELECT id FROM ops.runs WHERE id = $3::bigint)) "
				   "RETURNING id",
				   3, params, id, sizeof(id), err, errlen) != 1)
			return -1;
		return strtoll(id, NULL, 10);
	}
	if (db_query_value(db,
			   "INSERT INTO ops.runs (job, args, parent_id, backend_pid, backend_start) "
			   "SELECT $1, $2, (SELECT id FROM ops.runs WHERE id = $3::bigint), "
			   "       pid, backend_start "
			   "FROM pg_stat_activity WHERE pid = pg_backend_pid() "
			   "RETURNING id",
			   3, params, id, sizeof(id), err, errlen) != 1)
		return -1;
	return strtoll(id, NULL, 10);
}

int run_finish(PGconn *db, int64_t id, int ok, int64_t rows_read,
	       int64_t rows_written, int64_t rows_deleted,
	       const char *detail_json, const char *error_text,
	       char *err, size_t errlen)
{
	char sid[32], r[32], w[32], d[32];
	char *clean = error_text ? log_redact(error_text) : NULL;
	char *detail = detail_json ? log_redact(detail_json) : NULL;
	int rc;

	/* Text from a file in another encoding must not keep the run from
	 * being closed: PostgreSQL refuses invalid UTF-8. */
	if (clean)
		utf8_sanitize(clean);
	if (detail)
		utf8_sanitize(detail);
	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(r, sizeof(r), "%" PRId64, rows_read);
	snprintf(w, sizeof(w), "%" PRId64, rows_written);
	snprintf(d, sizeof(d), "%" PRId64, rows_deleted);
	const char *params[7] = { sid, ok ? "success" : "failed", r, w, d, detail, clean };
	rc = db_exec_params(db,
			    "UPDATE ops.runs SET finished_at = clock_timestamp(), status = $2, "
			    "rows_read = $3, rows_written = $4, rows_deleted = $5, "
			    "detail = $6::jsonb, error = $7 WHERE id = $1",
			    7, params, err, errlen);
	if (rc && PQstatus(db) == CONNECTION_OK && PQtransactionStatus(db) == PQTRANS_IDLE) {
		/* Whatever the text held, the run still gets its end. */
		const char *plain[7] = { sid, ok ? "success" : "failed", r, w, d, NULL,
					 "failed (its error text could not be stored)" };

		if (ok)
			plain[6] = NULL;
		log_warn("cannot store the detail or error text of run %s (%s): storing the "
			 "run's end without it", sid, err);
		rc = db_exec_params(db,
				    "UPDATE ops.runs SET finished_at = clock_timestamp(), status = $2, "
				    "rows_read = $3, rows_written = $4, rows_deleted = $5, "
				    "detail = $6::jsonb, error = $7 WHERE id = $1",
				    7, plain, err, errlen);
	}
	free(clean);
	free(detail);
	return rc;
}

int run_discard(PGconn *db, int64_t id, char *err, size_t errlen)
{
	char ids[32];
	const char *params[1] = { ids };

	snprintf(ids, sizeof(ids), "%" PRId64, id);
	return db_exec_params(db,
			      "DELETE FROM ops.runs r WHERE r.id = $1::bigint AND NOT EXISTS "
			      "(SELECT 1 FROM ops.runs c WHERE c.parent_id = r.id)",
			      1, params, err, errlen);
}
