/*
 * runs: writes the ops.runs history rows.
 */
#include "lib/runs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "lib/db.h"
#include "lib/log.h"
#include "lib/utf8.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static void live_begin(PGconn *db, int64_t id);

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
		live_begin(db, strtoll(id, NULL, 10));
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
	live_begin(db, strtoll(id, NULL, 10));
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

/*
 * The run's log lines land in ops.run_logs while the run goes on, so a run
 * that is killed (SIGKILL, a crash) keeps what it had logged.  Each line
 * kept by lib/log.c gets seq = its number in the run (from 1) for the first
 * LOG_KEEP_HEAD lines and number + 1 after them; seq LOG_KEEP_HEAD + 1 is
 * the note counting the lines dropped between head and tail, and the tail
 * lines that fall out of the last LOG_KEEP_TAIL are deleted again, so the
 * table never holds more than the bounds of log.h.  Lines are written on
 * the run's own connection when it is idle (raw libpq, so lib/db's last
 * error is left alone), else on a second connection with the same
 * parameters (a transform or a sync holds a transaction open for long).
 * The head lines, warnings and errors are written at once; after the head
 * at most every LIVE_FLUSH_USEC, and everything at run_finish.
 */
#define LIVE_FLUSH_USEC 250000LL
#define NOTE_SEQ (LOG_KEEP_HEAD + 1)

static struct {
	PGconn *db;              /* the run's connection */
	PGconn *side;            /* opened when db is busy */
	int off;                 /* no table, or it failed: only run_finish writes */
	int side_failed;
	char sid[32];
	unsigned long written;   /* lines (numbered in the run) already stored */
	long long last_usec;
} live;

static long long now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The second connection, made from the parameters of the first (TLS
 * settings, password and all); NULL when it cannot be made. */
static PGconn *side_connection(void)
{
	PQconninfoOption *opts, *o;
	const char *keys[64], *vals[64];
	int n = 0, have_timeout = 0;

	if (live.side && PQstatus(live.side) == CONNECTION_OK)
		return live.side;
	if (live.side_failed)
		return NULL;
	opts = PQconninfo(live.db);
	if (!opts) {
		live.side_failed = 1;
		return NULL;
	}
	for (o = opts; o->keyword && n < 62; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "connect_timeout"))
			have_timeout = 1;
		keys[n] = o->keyword;
		vals[n++] = o->val;
	}
	if (!have_timeout) {
		keys[n] = "connect_timeout";
		vals[n++] = "10";
	}
	keys[n] = NULL;
	vals[n] = NULL;
	if (live.side)
		PQfinish(live.side);
	live.side = PQconnectdbParams(keys, vals, 0);
	PQconninfoFree(opts);
	if (PQstatus(live.side) != CONNECTION_OK) {
		fprintf(stderr, "warning: run %s: cannot open a second connection for its log "
			"lines; they are stored when the run ends\n", live.sid);
		PQfinish(live.side);
		live.side = NULL;
		live.side_failed = 1;
	} else {
		/* A log line never holds the run up for long. */
		PQclear(PQexec(live.side, "SET statement_timeout = '5s'"));
	}
	return live.side;
}

/* One statement on conn; 0, or -1 (and the feature off when the table is
 * missing or the write fails, with one warning). */
static int live_exec(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (!state || strcmp(state, "42P01") != 0) {
			char *safe = log_redact(PQresultErrorMessage(res));
			if (safe)
				safe[strcspn(safe, "\n")] = '\0';
			fprintf(stderr, "warning: cannot store the log of run %s: %s\n", live.sid,
				safe ? safe : "out of memory");
			free(safe);
		}
		live.off = 1;
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/* Writes the lines not stored yet, the note and the deletion of tail lines
 * that fell out; conn must be idle. */
static void live_write(PGconn *conn)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	unsigned n = log_kept_count(), head = log_kept_head();
	unsigned long dropped = log_kept_dropped(), total = n + dropped;
	cJSON *lines;
	char *json;

	if (live.off || (total <= live.written && !dropped))
		return;
	lines = cJSON_CreateArray();
	for (unsigned i = 0; i < n; i++) {
		unsigned long num = i < head ? i : i + dropped;   /* 0-based in the run */
		const struct log_line *l;
		char *safe, *clean;
		cJSON *o;

		if (num < live.written)
			continue;
		l = log_kept_line(i);
		safe = log_redact(l->text);
		clean = safe ? clean_utf8(safe) : NULL;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)(num < LOG_KEEP_HEAD ? num + 1 : num + 2));
		cJSON_AddNumberToObject(o, "usec", (double)l->usec);
		cJSON_AddStringToObject(o, "level", l->level >= LOG_ERROR && l->level <= LOG_DEBUG ?
					names[l->level] : "info");
		cJSON_AddStringToObject(o, "message", clean ? clean : "");
		cJSON_AddItemToArray(lines, o);
		free(safe);
		free(clean);
	}
	json = cJSON_GetArraySize(lines) ? cJSON_PrintUnformatted(lines) : NULL;
	cJSON_Delete(lines);
	if (json) {
		const char *params[2] = { live.sid, json };
		int rc = live_exec(conn,
				   "INSERT INTO ops.run_logs (run_id, seq, at, level, message) "
				   "SELECT $1::bigint, (e.v->>'seq')::int, "
				   "       to_timestamp((e.v->>'usec')::float8 / 1e6), "
				   "       e.v->>'level', e.v->>'message' "
				   "FROM jsonb_array_elements($2::jsonb) AS e(v) "
				   "ON CONFLICT (run_id, seq) DO NOTHING", 2, params);
		free(json);
		if (rc < 0)
			return;
	}
	live.written = total;
	if (dropped && n > head) {
		char note[128], first_tail[32], at[32];
		const char *params[4] = { live.sid, note, first_tail, at };

		snprintf(note, sizeof(note), "%lu lines not kept here (a run keeps its "
			 "first %d and last %d lines)", dropped, LOG_KEEP_HEAD, LOG_KEEP_TAIL);
		/* The oldest tail line still kept; those before it went. */
		snprintf(first_tail, sizeof(first_tail), "%lu", (unsigned long)head + dropped + 2);
		snprintf(at, sizeof(at), "%lld", log_kept_line(head)->usec);
		live_exec(conn,
			  "WITH gone AS (DELETE FROM ops.run_logs WHERE run_id = $1::bigint "
			  "              AND seq > " STRINGIFY(NOTE_SEQ) " AND seq < $3::int) "
			  "INSERT INTO ops.run_logs (run_id, seq, at, level, message) "
			  "VALUES ($1::bigint, " STRINGIFY(NOTE_SEQ) ", to_timestamp($4::float8 / 1e6), "
			  "        'note', $2) "
			  "ON CONFLICT (run_id, seq) DO UPDATE SET message = EXCLUDED.message, "
			  "    at = EXCLUDED.at", 4, params);
	}
}

static void live_hook(enum log_level l)
{
	unsigned long total = log_kept_count() + log_kept_dropped();
	long long now = now_usec();
	PGconn *conn;

	if (!live.db || live.off)
		return;
	if (l > LOG_WARN && total > LOG_KEEP_HEAD && now - live.last_usec < LIVE_FLUSH_USEC)
		return;
	if (PQstatus(live.db) == CONNECTION_OK && PQtransactionStatus(live.db) == PQTRANS_IDLE)
		conn = live.db;
	else
		conn = side_connection();
	if (!conn)
		return;
	live.last_usec = now;
	live_write(conn);
}

/* From run_start: this run's lines go to ops.run_logs as they come. */
static void live_begin(PGconn *db, int64_t id)
{
	if (live.side)
		PQfinish(live.side);
	memset(&live, 0, sizeof(live));
	live.db = db;
	snprintf(live.sid, sizeof(live.sid), "%" PRId64, id);
	log_set_keep_hook(live_hook);
}

/* From run_finish: the rest of the lines on db (idle by then), then the
 * second connection is closed. */
static void live_end(PGconn *db, int64_t id)
{
	char sid[32];

	snprintf(sid, sizeof(sid), "%" PRId64, id);
	if (!live.db || strcmp(live.sid, sid) != 0) {
		/* A run this process did not start (or started on another
		 * connection): store all of its kept lines now. */
		if (live.side)
			PQfinish(live.side);
		memset(&live, 0, sizeof(live));
		snprintf(live.sid, sizeof(live.sid), "%s", sid);
	}
	log_set_keep_hook(NULL);
	live.off = 0;    /* one last try, on the run's own connection */
	live_write(db);
	if (live.side)
		PQfinish(live.side);
	memset(&live, 0, sizeof(live));
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
		live_end(db, id);
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
