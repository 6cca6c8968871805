/*
 * db: libpq helpers.  Every function that can fail returns -1 (or NULL) and
 * writes a one-line reason into the caller's err buffer: the server's primary
 * message, with its DETAIL and HINT when it sent them, never the connection
 * password; db_last_sqlstate() keeps the SQLSTATE for the code to branch on.  Every PGresult returned
 * to the caller is the caller's to PQclear.  Values always travel as
 * parameters ($1, $2, ...), never pasted into SQL text.
 */
#ifndef DWHBI_DB_H
#define DWHBI_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct config;

/* Connects from cfg->database_url, or from libpq's PG* variables when it is
 * NULL.  Sets the session to UTC (timestamps are stored as timestamptz; local
 * days are computed with the configured zone explicitly, never the session's)
 * and application_name=dwhbi. */
PGconn *db_connect(const struct config *cfg, char *err, size_t errlen);

/* Runs one or more statements without parameters (e.g. a .sql file). */
int db_exec(PGconn *db, const char *sql, char *err, size_t errlen);
/* Runs one statement with text parameters (NULL entries are SQL NULL). */
int db_exec_params(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *err, size_t errlen);
/* Like db_exec_params but returns the result (tuples or command ok); NULL on
 * error. */
PGresult *db_query(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *err, size_t errlen);
/* Runs a query and copies the first column of the first row into out
 * (empty string for NULL).  Returns 1 if a row came back, 0 if none, -1. */
int db_query_value(PGconn *db, const char *sql, int nparams,
		   const char *const *params, char *out, size_t outlen,
		   char *err, size_t errlen);

int db_begin(PGconn *db, char *err, size_t errlen);
int db_commit(PGconn *db, char *err, size_t errlen);
/* Never fails from the caller's point of view (errors are ignored). */
void db_rollback(PGconn *db);

/* COPY ... FROM STDIN: begin, send data (text format, see buf_copy_field),
 * end.  After a failed db_copy_data the copy is aborted by db_copy_end. */
int db_copy_begin(PGconn *db, const char *copy_sql, char *err, size_t errlen);
int db_copy_data(PGconn *db, const char *data, size_t len, char *err, size_t errlen);
int db_copy_end(PGconn *db, char *err, size_t errlen);

/* Session-level advisory lock keyed by a name.  wait=0: returns 1 if taken,
 * 0 if someone else holds it, -1 on error.  wait=1 blocks. */
int db_lock(PGconn *db, const char *name, int wait, char *err, size_t errlen);
int db_unlock(PGconn *db, const char *name, char *err, size_t errlen);

/* Writes the reason of a failed result (as every db_* call does) into err and
 * keeps its SQLSTATE: for code that runs PQexec itself. */
void db_result_error(PGconn *db, const PGresult *res, char *err, size_t errlen);

/* SQLSTATE of the last failed call in this thread: "" when the failure did
 * not come from the server (connection, missing file).  Branch on it, never
 * on message text: the server translates its messages. */
const char *db_last_sqlstate(void);
/* 1 when the last failure's SQLSTATE is code (5 characters) or lies in the
 * class code (2 characters, e.g. "42"). */
int db_failed_with(const char *code);
/* 1 when the last failure says a table, view, column, function, schema or
 * other named object does not exist (the database is not migrated, or a
 * model was not built). */
int db_missing_object(void);

#define DB_UNDEFINED_TABLE "42P01"
#define DB_UNDEFINED_FUNCTION "42883"
#define DB_UNDEFINED_COLUMN "42703"
#define DB_UNDEFINED_OBJECT "42704"
#define DB_INVALID_SCHEMA "3F000"
#define DB_UNIQUE_VIOLATION "23505"
#define DB_LOCK_NOT_AVAILABLE "55P03"
#define DB_QUERY_CANCELED "57014"

/* Removes the password from a conninfo/URL for messages: the result is
 * written to out. */
void db_redact_conninfo(const char *conninfo, char *out, size_t outlen);

#endif
