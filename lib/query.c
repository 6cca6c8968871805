/*
 * query: embedded query files and catalog checks, written once for every
 * layer (see lib/query.h).
 */
#include "lib/query.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/db.h"
#include "lib/resource.h"

char *query_text(const char *path, char *err, size_t errlen)
{
	char *sql = resource_read(path, NULL);

	if (!sql)
		snprintf(err, errlen, "query file '%s' is missing from this build: rebuild dwhbi",
			 path);
	return sql;
}

PGresult *query_file(PGconn *db, const char *path, int nparams,
		     const char *const *params, char *err, size_t errlen)
{
	char *sql = query_text(path, err, errlen);
	PGresult *res;

	if (!sql)
		return NULL;
	res = db_query(db, sql, nparams, params, err, errlen);
	free(sql);
	return res;
}

int query_file_exec(PGconn *db, const char *path, int nparams,
		    const char *const *params, char *err, size_t errlen)
{
	PGresult *res = query_file(db, path, nparams, params, err, errlen);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int query_relation_exists(PGconn *db, const char *name, char *err, size_t errlen)
{
	const char *params[1] = { name };
	char out[8];

	if (db_query_value(db, "SELECT to_regclass($1) IS NOT NULL", 1, params, out,
			   sizeof(out), err, errlen) < 0)
		return -1;
	return out[0] == 't';
}

int query_require_relation(PGconn *db, const char *name, const char *hint,
			   char *err, size_t errlen)
{
	int have = query_relation_exists(db, name, err, errlen);

	if (have < 0)
		return -1;
	if (!have) {
		snprintf(err, errlen, "%s does not exist yet: %s", name, hint);
		return -1;
	}
	return 0;
}
