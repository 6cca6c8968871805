/*
 * settings: ref.settings (see settings.h).
 */
#include "ref/settings.h"

#include <stdio.h>

#include "lib/db.h"

int settings_zone(PGconn *db, char *out, size_t outlen, char *err, size_t errlen)
{
	int rc = db_query_value(db, "SELECT value FROM ref.settings WHERE key = 'timezone'", 0,
				NULL, out, outlen, err, errlen);

	if (rc < 0)
		return db_missing_object() ? 0 : -1;
	return rc == 1 && *out;
}

int settings_set_zone(PGconn *db, const char *zone, int replace, char *err, size_t errlen)
{
	const char *p[1] = { zone };

	return db_exec_params(db,
			      replace ? "INSERT INTO ref.settings (key, value) VALUES ('timezone', $1) "
					"ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
				      : "INSERT INTO ref.settings (key, value) VALUES ('timezone', $1) "
					"ON CONFLICT (key) DO NOTHING",
			      1, p, err, errlen);
}
