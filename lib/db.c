/*
 * db: libpq helpers with caller-owned error buffers.  Server messages are
 * reduced to their primary line; connection errors never echo the password.
 */
#include "lib/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/log.h"

/* SQLSTATE of the last failure in this thread ("" when it did not come
 * from the server).  Callers branch on it, never on message text, which the
 * server translates (lc_messages). */
static _Thread_local char last_sqlstate[6];

const char *db_last_sqlstate(void)
{
	return last_sqlstate;
}

int db_failed_with(const char *code)
{
	size_t n = strlen(code);

	return n && n <= 5 && !strncmp(last_sqlstate, code, n);
}

int db_missing_object(void)
{
	return db_failed_with(DB_UNDEFINED_TABLE) || db_failed_with(DB_UNDEFINED_FUNCTION) ||
	       db_failed_with(DB_UNDEFINED_COLUMN) || db_failed_with(DB_UNDEFINED_OBJECT) ||
	       db_failed_with(DB_INVALID_SCHEMA);
}

/* Copies s into out on one line (newlines become spaces, "ERROR:  " goes). */
static void one_line(char *out, size_t outlen, const char *s)
{
	size_t n;

	snprintf(out, outlen, "%s", s ? s : "");
	if (!strncmp(out, "ERROR:  ", 8))
		memmove(out, out + 8, strlen(out + 8) + 1);
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
}

static void put_err(char *err, size_t errlen, const char *prefix, const char *line)
{
	char *clean;

	if (!err || !errlen)
		return;
	clean = log_redact(line);
	if (prefix)
		snprintf(err, errlen, "%s: %s", prefix, clean);
	else
		snprintf(err, errlen, "%s", clean);
	free(clean);
}

/* A failure without a server result (connection, COPY transport): the
 * primary line of libpq's message. */
static void set_err(char *err, size_t errlen, const char *prefix, const char *msg)
{
	char line[1024];

	last_sqlstate[0] = '\0';
	one_line(line, sizeof(line), msg ? msg : "unknown error");
	line[strcspn(line, "\n")] = '\0';
	put_err(err, errlen, prefix, line);
}

/* A failure the server reported: its primary message, then DETAIL and HINT
 * when it sent them ("msg (detail); hint: ..."); the SQLSTATE is kept for
 * db_failed_with. */
static void set_res_err(char *err, size_t errlen, const char *prefix, const PGresult *res,
			PGconn *db)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[1024], detail[512], hint[512], line[2100];

	if (!primary) {
		set_err(err, errlen, prefix, res && *PQresultErrorMessage(res)
					     ? PQresultErrorMessage(res) : PQerrorMessage(db));
		return;
	}
	snprintf(last_sqlstate, sizeof(last_sqlstate), "%s", state ? state : "");
	one_line(msg, sizeof(msg), primary);
	one_line(detail, sizeof(detail), PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	one_line(hint, sizeof(hint), PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
	snprintf(line, sizeof(line), "%s%s%s%s%s%s", msg, *detail ? " (" : "", detail,
		 *detail ? ")" : "", *hint ? "; hint: " : "", hint);
	put_err(err, errlen, prefix, line);
}

void db_result_error(PGconn *db, const PGresult *res, char *err, size_t errlen)
{
	set_res_err(err, errlen, NULL, res, db);
}

void db_redact_conninfo(const char *conninfo, char *out, size_t outlen)
{
	PQconninfoOption *opts;
	char *errmsg = NULL;
	size_t used = 0;

	if (!conninfo) {
		snprintf(out, outlen, "(PG* environment)");
		return;
	}
	opts = PQconninfoParse(conninfo, &errmsg);
	if (!opts) {
		PQfreemem(errmsg);
		snprintf(out, outlen, "(unparsable connection string)");
		return;
	}
	out[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "host") && strcmp(o->keyword, "port") &&
		    strcmp(o->keyword, "dbname") && strcmp(o->keyword, "user"))
			continue;
		int n = snprintf(out + used, outlen > used ? outlen - used : 0, "%s%s=%s",
				 used ? " " : "", o->keyword, o->val);
		if (n > 0)
			used += (size_t)n;
		if (used >= outlen)
			break;
	}
	PQconninfoFree(opts);
}

PGconn *db_connect(const struct config *cfg, char *err, size_t errlen)
{
	PGconn *db;
	const char *conninfo = cfg->database_url ? cfg->database_url : "";
	char where[256];
	PQconninfoOption *opts;
	char *perr = NULL;

	/* Register the password of the URL as a secret before anything can
	 * print it (libpq messages may echo parts of the conninfo). */
	opts = PQconninfoParse(conninfo, &perr);
	if (!opts) {
		snprintf(err, errlen, "DATABASE_URL is not a valid connection string");
		PQfreemem(perr);
		return NULL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val)
			log_add_secret(o->val);
	PQconninfoFree(opts);

	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		char msg[512];
		db_redact_conninfo(cfg->database_url, where, sizeof(where));
		set_err(msg, sizeof(msg), NULL, PQerrorMessage(db));
		snprintf(err, errlen, "cannot connect to the database (%s): %s; check DATABASE_URL",
			 where, msg);
		PQfinish(db);
		return NULL;
	}
	PQsetNoticeProcessor(db, NULL, NULL);
	if (db_exec(db, "SET TIME ZONE 'UTC'; SET application_name = 'dwhbi'; "
			"SET client_min_messages = warning", err, errlen)) {
		PQfinish(db);
		return NULL;
	}
	return db;
}

int db_exec(PGconn *db, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_res_err(err, errlen, NULL, res, db);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

PGresult *db_query(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *err, size_t errlen)
{
	PGresult *res = PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_res_err(err, errlen, NULL, res, db);
		PQclear(res);
		return NULL;
	}
	return res;
}

int db_exec_params(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *err, size_t errlen)
{
	PGresult *res = db_query(db, sql, nparams, params, err, errlen);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int db_query_value(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *out, size_t outlen,
		   char *err, size_t errlen)
{
	PGresult *res = db_query(db, sql, nparams, params, err, errlen);
	int rc;

	if (!res)
		return -1;
	if (PQntuples(res) < 1 || PQnfields(res) < 1) {
		if (outlen)
			out[0] = '\0';
		rc = 0;
	} else {
		snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
		rc = 1;
	}
	PQclear(res);
	return rc;
}

int db_begin(PGconn *db, char *err, size_t errlen)
{
	return db_exec(db, "BEGIN", err, errlen);
}

int db_commit(PGconn *db, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, "COMMIT");
	int rc = 0;

	/* A COMMIT of an aborted transaction reports ROLLBACK, not an error. */
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT")) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			set_err(err, errlen, "commit failed", "transaction was rolled back");
		else
			set_res_err(err, errlen, "commit failed", res, db);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

void db_rollback(PGconn *db)
{
	PGresult *res = PQexec(db, "ROLLBACK");
	PQclear(res);
}

int db_copy_begin(PGconn *db, const char *copy_sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, copy_sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		set_res_err(err, errlen, NULL, res, db);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int db_copy_data(PGconn *db, const char *data, size_t len, char *err, size_t errlen)
{
	while (len > 0) {
		int chunk = len > (1 << 30) ? (1 << 30) : (int)len;
		if (PQputCopyData(db, data, chunk) != 1) {
			set_err(err, errlen, "copy failed", PQerrorMessage(db));
			return -1;
		}
		data += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

int db_copy_end(PGconn *db, char *err, size_t errlen)
{
	PGresult *res;
	int rc = 0;

	if (PQputCopyEnd(db, NULL) != 1) {
		set_err(err, errlen, "copy failed", PQerrorMessage(db));
		rc = -1;
	}
	while ((res = PQgetResult(db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			set_res_err(err, errlen, "copy failed", res, db);
			rc = -1;
		}
		PQclear(res);
	}
	return rc;
}

int db_lock(PGconn *db, const char *name, int wait, char *err, size_t errlen)
{
	const char *params[1] = { name };
	char out[8];
	int rc;

	if (wait) {
		rc = db_query_value(db, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1,
				    params, out, sizeof(out), err, errlen);
		return rc < 0 ? -1 : 1;
	}
	rc = db_query_value(db, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1,
			    params, out, sizeof(out), err, errlen);
	if (rc < 0)
		return -1;
	return out[0] == 't' ? 1 : 0;
}

int db_unlock(PGconn *db, const char *name, char *err, size_t errlen)
{
	const char *params[1] = { name };
	char out[8];

	return db_query_value(db, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1,
			      params, out, sizeof(out), err, errlen) < 0 ? -1 : 0;
}
