/*
 * cmd_migrate: `dwhbi migrate` applies the versioned migrations of sql/
 * (embedded in the binary) that the database has not seen yet, each in its
 * own transaction together with its row in ops.schema_migrations.  Two
 * concurrent runs are serialized by an advisory lock, so the second finds
 * nothing left to do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/resource.h"
#include "lib/timeutil.h"
#include "ref/settings.h"

const char cmd_migrate_summary[] = "create or upgrade the database schemas (idempotent)";
const char cmd_migrate_usage[] =
	"usage: dwhbi migrate [--list] [--set-timezone ZONE]\n"
	"\n"
	"Creates or upgrades the schemas raw, ops, ref, staging, core, marts and\n"
	"analytics by applying the migrations shipped in the binary (sql/NNNN_*.sql)\n"
	"that the database has not applied yet.  Safe to run again: a second run\n"
	"does nothing and says so.  Concurrent runs wait for each other.\n"
	"\n"
	"  --list   show each migration and whether it is applied\n"
	"  --set-timezone ZONE\n"
	"           change the warehouse's time zone (an IANA name such as\n"
	"           Asia/Tokyo) on purpose; the next transform rebuilds the marts\n"
	"           on days of ZONE.  The first command run with DWHBI_TIMEZONE\n"
	"           set stores the zone; later ones must agree with it.\n"
	"\n"
	"The role needs CREATE on the database; no superuser, no extensions.\n";

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS ops;"
	"CREATE TABLE IF NOT EXISTS ops.schema_migrations ("
	"  version    text PRIMARY KEY,"
	"  checksum   text NOT NULL,"
	"  applied_at timestamptz NOT NULL DEFAULT now())";

#define MIGRATE_LOCK "dwhbi.migrate"

/* FNV-1a, to notice a migration that was edited after it was applied. */
static void checksum(const char *s, size_t len, char *out, size_t outlen)
{
	unsigned long long h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, outlen, "%016llx", h);
}

/* "sql/0001_foundation.sql" -> "0001_foundation"; NULL if not a migration. */
static int version_of(const char *path, char *out, size_t outlen)
{
	const char *base = path + 4;
	size_t n = strlen(base);

	if (n < 10 || strcmp(base + n - 4, ".sql"))
		return -1;
	for (int i = 0; i < 4; i++)
		if (base[i] < '0' || base[i] > '9')
			return -1;
	if (base[4] != '_')
		return -1;
	snprintf(out, outlen, "%.*s", (int)(n - 4), base);
	return 0;
}

static int apply_one(PGconn *db, const char *path, const char *version, int *applied,
		     char *err, size_t errlen)
{
	const char *params[2] = { version, NULL };
	char have[64], sum[32];
	size_t len;
	char *sql;
	int rc;

	sql = resource_read(path, &len);
	if (!sql) {
		snprintf(err, errlen, "cannot read migration '%s'", path);
		return -1;
	}
	checksum(sql, len, sum, sizeof(sum));
	rc = db_query_value(db, "SELECT checksum FROM ops.schema_migrations WHERE version = $1",
			    1, params, have, sizeof(have), err, errlen);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		if (strcmp(have, sum))
			log_warn("migration '%s' changed after it was applied; it is not applied again",
				 version);
		free(sql);
		return 0;
	}
	params[1] = sum;
	if (db_begin(db, err, errlen))
		goto fail;
	if (db_exec(db, sql, err, errlen) ||
	    db_exec_params(db, "INSERT INTO ops.schema_migrations (version, checksum) VALUES ($1, $2)",
			   2, params, err, errlen) ||
	    db_commit(db, err, errlen)) {
		char reason[768];
		db_rollback(db);
		snprintf(reason, sizeof(reason), "%s", err);
		snprintf(err, errlen, "migration '%s' failed, nothing of it was applied: %s",
			 version, reason);
		goto fail;
	}
	printf("applied %s\n", version);
	(*applied)++;
	free(sql);
	return 0;
fail:
	free(sql);
	return -1;
}

static int list_migrations(PGconn *db, char **files, char *err, size_t errlen)
{
	for (char **f = files; *f; f++) {
		char version[256], at[64];
		const char *params[1] = { version };
		int rc;

		if (version_of(*f, version, sizeof(version)))
			continue;
		rc = db_query_value(db, "SELECT to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') "
				    "FROM ops.schema_migrations WHERE version = $1",
				    1, params, at, sizeof(at), err, errlen);
		if (rc < 0)
			return -1;
		printf("%-40s %s\n", version, rc ? at : "pending");
	}
	return 0;
}

int cmd_migrate(struct cmd_ctx *ctx, int argc, char **argv)
{
	char err[1024];
	char **files;
	int applied = 0, total = 0, list = 0, rc = 0;
	const char *set_zone = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list"))
			list = 1;
		else if (!strcmp(argv[i], "--set-timezone") && i + 1 < argc) {
			set_zone = argv[++i];
			if (tz_valid(set_zone))
				return cmd_bad_usage("migrate", "--set-timezone: unknown time zone '%s' "
						     "(an IANA name such as Asia/Tokyo)", set_zone);
		} else
			return cmd_bad_usage("migrate", "unknown option '%s'", argv[i]);
	}
	files = resource_list("sql/");
	if (!files) {
		log_error("no migrations found in this build (sql/*.sql)");
		return 1;
	}
	if (db_lock(ctx->db, MIGRATE_LOCK, 1, err, sizeof(err)) < 0) {
		resource_list_free(files);
		log_error("cannot take the migration lock: %s", err);
		return 1;
	}
	if (db_exec(ctx->db, bootstrap_sql, err, sizeof(err))) {
		log_error("cannot create ops.schema_migrations: %s", err);
		rc = 1;
		goto out;
	}
	if (list) {
		if (list_migrations(ctx->db, files, err, sizeof(err))) {
			log_error("%s", err);
			rc = 1;
		}
		goto out;
	}
	for (char **f = files; *f; f++) {
		char version[256];
		if (version_of(*f, version, sizeof(version)))
			continue;
		total++;
		if (apply_one(ctx->db, *f, version, &applied, err, sizeof(err))) {
			log_error("%s", err);
			rc = 1;
			goto out;
		}
	}
	if (applied == 0)
		printf("database is up to date (%d migrations already applied)\n", total);
	else
		printf("applied %d of %d migrations\n", applied, total);
	ctx->rows_written = applied;
	if (set_zone || getenv("DWHBI_TIMEZONE")) {
		const char *zone = set_zone ? set_zone : getenv("DWHBI_TIMEZONE");
		char have[128];
		int stored = settings_zone(ctx->db, have, sizeof(have), err, sizeof(err));
		if (stored < 0 || (*zone && settings_set_zone(ctx->db, zone, set_zone != NULL, err,
							     sizeof(err)) < 0)) {
			log_error("cannot store the warehouse's time zone: %s", err);
			rc = 1;
			goto out;
		}
		if (set_zone && (stored == 0 || strcmp(have, set_zone)))
			printf("the warehouse's time zone is now %s; run 'dwhbi transform' to rebuild "
			       "the marts on its days\n", set_zone);
		else if (!set_zone && stored == 1 && strcmp(have, zone))
			log_warn("DWHBI_TIMEZONE=%s differs from the warehouse's zone %s: other "
				 "commands will refuse to run (see 'dwhbi migrate --help')", zone, have);
	}
out:
	db_unlock(ctx->db, MIGRATE_LOCK, err, sizeof(err));
	resource_list_free(files);
	return rc;
}
