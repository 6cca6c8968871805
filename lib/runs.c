/*
 * runs: writes the ops.runs history rows.
 */
#include "lib/runs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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

/* text with every byte that is not part of valid UTF-8 (and every control
 * character but tab) replaced by '?', as a new string. */
static char *clean_utf8(const char *text)
{
	size_t n = strlen(text), i = 0, o = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	while (i < n) {
		unsigned char c = (unsigned char)text[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 :
			     (c >> 3) == 30 ? 4 : 0;
		int ok = len > 0 && i + len <= n && !(len == 2 && c < 0xc2) &&
			 !(len == 4 && c > 0xf4);
		for (size_t k = 1; ok && k < len; k++)
			ok = ((unsigned char)text[i + k] >> 6) == 2;
		if (ok && len == 3) {
			unsigned char d = (unsigned char)text[i + 1];
			ok = !(c == 0xe0 && d < 0xa0) && !(c == 0xed && d >= 0xa0);
		}
		if (ok && len == 4) {
			unsigned char d = (unsigned char)text[i + 1];
			ok = !(c == 0xf0 && d < 0x90) && !(c == 0xf4 && d >= 0x90);
		}
		if (!ok || (len == 1 && c < 0x20 && c != '\t')) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, text + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
	return out;
}

/* Stores the kept log lines of this process (log.h) as the run's log.  A
 * database without ops.run_logs (before migration 0130) keeps none. */
static void store_log(PGconn *db, const char *sid)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	cJSON *lines = cJSON_CreateArray();
	char err[256], *json;
	unsigned n = log_kept_count();

	for (unsigned i = 0; i < n; i++) {
		const struct log_line *l = log_kept_line(i);
		char *safe = log_redact(l->text), *clean = safe ? clean_utf8(safe) : NULL;
		cJSON *o = cJSON_CreateObject();

		if (i == log_kept_head() && log_kept_dropped()) {
			char note[96];
			cJSON *d = cJSON_CreateObject();
			snprintf(note, sizeof(note), "%lu lines not kept here (a run keeps its "
				 "first %d and last %d lines)", log_kept_dropped(),
				 LOG_KEEP_HEAD, LOG_KEEP_TAIL);
			cJSON_AddNumberToObject(d, "usec", (double)l->usec);
			cJSON_AddStringToObject(d, "level", "note");
			cJSON_AddStringToObject(d, "message", note);
			cJSON_AddItemToArray(lines, d);
		}
		cJSON_AddNumberToObject(o, "usec", (double)l->usec);
		cJSON_AddStringToObject(o, "level", l->level >= LOG_ERROR && l->level <= LOG_DEBUG ?
					names[l->level] : "info");
		cJSON_AddStringToObject(o, "message", clean ? clean : "");
		cJSON_AddItemToArray(lines, o);
		free(safe);
		free(clean);
	}
	json = n ? cJSON_PrintUnformatted(lines) : NULL;
	cJSON_Delete(lines);
	if (!json)
		return;
	const char *params[2] = { sid, json };
	if (db_exec_params(db,
			   "INSERT INTO ops.run_logs (run_id, seq, at, level, message) "
			   "SELECT $1::bigint, e.n, to_timestamp((e.v->>'usec')::float8 / 1e6), "
			   "       e.v->>'level', e.v->>'message' "
			   "FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n) "
			   "ON CONFLICT (run_id, seq) DO NOTHING",
			   2, params, err, sizeof(err)) < 0 && !db_failed_with(DB_UNDEFINED_TABLE))
		fprintf(stderr, "warning: cannot store the log of run %s: %s\n", sid, err);
	free(json);
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
	if (rc == 0)
		store_log(db, sid);
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
