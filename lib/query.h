/*
 * query: the one way to run a query file embedded in the binary and to ask
 * the catalog whether a relation exists.  Errors follow lib/db.h: a one-line
 * reason in err (the server's message with DETAIL and HINT), the SQLSTATE in
 * db_last_sqlstate().
 */
#ifndef DWHBI_QUERY_H
#define DWHBI_QUERY_H

#include <libpq-fe.h>
#include <stddef.h>

/* The text of the embedded file path (e.g. "analyzer/days.sql"), the
 * caller's to free; NULL with a reason naming the file when it is missing. */
char *query_text(const char *path, char *err, size_t errlen);

/* Runs the embedded query file path with text parameters and returns its
 * result (the caller's to PQclear); NULL on error. */
PGresult *query_file(PGconn *db, const char *path, int nparams,
		     const char *const *params, char *err, size_t errlen);

/* Like query_file for statements whose rows are not needed: 0 or -1. */
int query_file_exec(PGconn *db, const char *path, int nparams,
		    const char *const *params, char *err, size_t errlen);

/* 1 when the relation ("schema.name") exists, 0 when not, -1 on error. */
int query_relation_exists(PGconn *db, const char *name, char *err, size_t errlen);

/* 0 when the relation exists; otherwise -1 with "NAME does not exist yet:
 * HINT" in err (or the query's error). */
int query_require_relation(PGconn *db, const char *name, const char *hint,
			   char *err, size_t errlen);

#endif
