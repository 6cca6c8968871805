/*
 * cmd_doctor: `dwhbi doctor` checks everything a night needs — database,
 * migrations, rights, pooler, time zone, Toggl, Google, GitHub, last runs —
 * and prints one line per check with what to do when it fails.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "connectors/probe.h"
#include "lib/buf.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/query.h"
#include "lib/resource.h"
#include "ref/settings.h"

const char cmd_doctor_summary[] = "check the setup: database, zone, tokens, calendars, runs";
const char cmd_doctor_usage[] =
	"usage: dwhbi doctor [--json]\n"
	"\n"
	"Checks, one line each: the database is reachable and migrated, the role\n"
	"may create tables, the connection is not a transaction pooler, the time\n"
	"zone is set and agrees with the warehouse's, the Toggl token (and\n"
	"workspace) works, the Google client and refresh token work and the\n"
	"configured calendars can be read (the visible calendars are listed, so\n"
	"GCAL_CALENDAR_IDS can be copied), the GitHub token can read workflow\n"
	"runs, and no source is failing or stale.  A failing check says what to\n"
	"do; 'warn' marks a part that is optional.  Every variable is explained\n"
	"in dwhbi.env.example.\n"
	"\n"
	"  --json   the checks as JSON on stdout\n"
	"\n"
	"Exit status: 0 when no check fails, 1 otherwise.\n";

enum { OK, WARN, FAIL };
static const char *const status_name[] = { "ok", "warn", "FAIL" };

struct report {
	cJSON *checks;
	int failed;
	int json;
};

static void check(struct report *r, const char *name, int status, const char *detail,
		  const char *fix)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "status", status == OK ? "ok" : status == WARN ? "warn" : "fail");
	cJSON_AddStringToObject(c, "detail", detail);
	if (fix)
		cJSON_AddStringToObject(c, "fix", fix);
	cJSON_AddItemToArray(r->checks, c);
	if (status == FAIL)
		r->failed++;
	if (!r->json)
		printf("%-5s %-12s %s%s%s\n", status_name[status], name, detail, fix ? " — " : "",
		       fix ? fix : "");
}

static int count_files(const char *prefix)
{
	char **files = resource_list(prefix);
	int n = 0;

	for (char **f = files; f && *f; f++)
		n++;
	resource_list_free(files);
	return n;
}

/* Returns 1 when the database is migrated. */
static int check_database(struct report *r, PGconn *db, const struct config *cfg)
{
	char err[1024], out[512], where[256];
	int rc;

	db_redact_conninfo(cfg->database_url, where, sizeof(where));
	check(r, "database", OK, where, NULL);
	if (PQport(db) && !strcmp(PQport(db), "6543"))
		check(r, "pooler", FAIL, "port 6543 is a transaction pooler (Supabase's): advisory "
		      "locks and temporary tables do not survive a transaction there",
		      "use the session pooler (port 5432) or a direct connection");
	else
		check(r, "pooler", OK, "not a transaction pooler", NULL);

	rc = db_query_value(db, "SELECT count(*) FROM ops.schema_migrations", 0, NULL, out,
			    sizeof(out), err, sizeof(err));
	int want = count_files("sql/");
	if (rc < 0 && db_missing_object()) {
		check(r, "migrations", FAIL, "the database has no dwhbi tables", "run 'dwhbi migrate'");
		return 0;
	} else if (rc < 0) {
		check(r, "migrations", FAIL, err, NULL);
		return 0;
	}
	snprintf(where, sizeof(where), "%s of %d migrations applied", out, want);
	check(r, "migrations", atoi(out) >= want ? OK : FAIL, where,
	      atoi(out) >= want ? NULL : "run 'dwhbi migrate'");

	rc = db_query_value(db,
			    "SELECT coalesce(string_agg(n, ', ' ORDER BY n), '') FROM unnest(ARRAY["
			    "'raw','staging','core','marts','analytics','ref','ops']) AS n "
			    "WHERE to_regnamespace(n) IS NOT NULL "
			    "AND NOT has_schema_privilege(n, 'CREATE')",
			    0, NULL, out, sizeof(out), err, sizeof(err));
	if (rc < 0)
		check(r, "rights", FAIL, err, NULL);
	else if (*out) {
		snprintf(where, sizeof(where), "the role may not create tables in %s", out);
		check(r, "rights", FAIL, where,
		      "GRANT CREATE ON SCHEMA ... TO the role DATABASE_URL uses (or connect as the "
		      "schemas' owner)");
	} else
		check(r, "rights", OK, "the role may create tables in every dwhbi schema", NULL);
	return 1;
}

static void check_zone(struct report *r, PGconn *db)
{
	const char *env_zone = getenv("DWHBI_TIMEZONE");
	char stored[128] = "", err[512], line[512];
	int have = db ? settings_zone(db, stored, sizeof(stored), err, sizeof(err)) : 0;

	if (env_zone && !*env_zone)
		env_zone = NULL;
	if (have < 0)
		check(r, "time zone", FAIL, err, NULL);
	else if (have && env_zone && strcmp(env_zone, stored)) {
		snprintf(line, sizeof(line), "DWHBI_TIMEZONE=%s but the warehouse's days are in %s",
			 env_zone, stored);
		check(r, "time zone", FAIL, line,
		      "unset DWHBI_TIMEZONE, or 'dwhbi migrate --set-timezone ZONE' on purpose");
	} else if (have) {
		snprintf(line, sizeof(line), "the warehouse's days are in %s", stored);
		check(r, "time zone", OK, line, NULL);
	} else if (env_zone) {
		snprintf(line, sizeof(line), "DWHBI_TIMEZONE=%s (stored by the first command that "
			 "writes)", env_zone);
		check(r, "time zone", OK, line, NULL);
	} else
		check(r, "time zone", FAIL, "DWHBI_TIMEZONE is not set: days would be UTC days",
		      "set DWHBI_TIMEZONE to your zone, e.g. Asia/Tokyo");
}

static void check_services(struct report *r, const struct config *cfg, cJSON *cal_out)
{
	char info[512], err[1024];
	struct buf cals = BUF_INIT;

	if (probe_toggl(cfg, info, sizeof(info), err, sizeof(err)) == 0)
		check(r, "toggl", OK, info, NULL);
	else
		check(r, "toggl", FAIL, err, NULL);

	if (!cfg->google_client_id && !cfg->google_client_secret && !cfg->google_refresh_token) {
		check(r, "google", WARN, "Google Calendar is not configured: the plan will be empty",
		      "set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (a Desktop app client), then "
		      "'dwhbi auth google --env-file FILE' writes GOOGLE_REFRESH_TOKEN");
	} else if (probe_google(cfg, &cals, info, sizeof(info), err, sizeof(err)) == 0) {
		check(r, "google", OK, info, NULL);
	} else {
		check(r, "google", FAIL, err,
		      strstr(err, "expired or revoked")
			      ? "authorize again with 'dwhbi auth google'; while the OAuth consent "
				"screen is in Testing, Google's refresh tokens expire after 7 days: "
				"publish the app"
			      : strstr(err, "GOOGLE_REFRESH_TOKEN is not set")
			      ? "'dwhbi auth google --env-file FILE' gets it"
			      : NULL);
	}
	if (cals.len) {
		if (!r->json)
			printf("      calendars you can use in GCAL_CALENDAR_IDS:\n");
		for (char *save = NULL, *l = strtok_r(cals.data, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			if (!r->json)
				printf("        %s\n", l);
			cJSON_AddItemToArray(cal_out, cJSON_CreateString(l));
		}
	}
	buf_release(&cals);
	if (!cfg->gcal_holiday_calendar_id)
		check(r, "holidays", WARN, "no holiday calendar: only weekends are holidays",
		      "set GCAL_HOLIDAY_CALENDAR_ID (e.g. ja.japanese#holiday@group.v.calendar.google.com)");
	else
		check(r, "holidays", OK, cfg->gcal_holiday_calendar_id, NULL);

	if (!cfg->github_token && !cfg->github_repository)
		check(r, "github", WARN, "not configured (only dispatch and the console's Actions "
		      "trigger need it)", NULL);
	else if (probe_github(cfg, info, sizeof(info), err, sizeof(err)) == 0)
		check(r, "github", OK, info, NULL);
	else
		check(r, "github", FAIL, err, "a token with actions: read and write on the repository");
}

static void check_runs(struct report *r, PGconn *db)
{
	char err[1024], line[512];
	const char *p[1] = { "36" };
	PGresult *res = query_file(db, "cli/status_sources.sql", 1, p, err, sizeof(err));
	int bad = 0, never = 0;

	if (!res) {
		check(r, "sources", FAIL, err, NULL);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *state = PQgetvalue(res, i, 5);
		if (!strcmp(state, "failing") || !strcmp(state, "stale")) {
			snprintf(line, sizeof(line), "%s is %s (last sync %s)", PQgetvalue(res, i, 0),
				 state, PQgetvalue(res, i, 3));
			check(r, "sources", FAIL, line, "see 'dwhbi status' and the run's error");
			bad++;
		} else if (!strcmp(state, "never")) {
			never++;
		}
	}
	if (!bad) {
		snprintf(line, sizeof(line), "no source failing or stale%s",
			 never ? " (some were never synced)" : "");
		check(r, "sources", never && PQntuples(res) == never ? WARN : OK, line,
		      never ? "run 'dwhbi run daily' once" : NULL);
	}
	PQclear(res);

	/* Items kept out of raw by the connectors' checks (sql/0101). */
	res = query_file(db, "cli/status_quarantine.sql", 0, NULL, err, sizeof(err));
	if (!res) {
		check(r, "quarantine", FAIL, err, NULL);
		return;
	}
	long long open = 0;
	for (int i = 0; i < PQntuples(res); i++)
		open += strtoll(PQgetvalue(res, i, 1), NULL, 10);
	if (open == 0) {
		check(r, "quarantine", OK, "no upstream item is quarantined", NULL);
	} else {
		snprintf(line, sizeof(line), "%lld open item%s kept out of raw; e.g. %s %s: %s",
			 open, open == 1 ? "" : "s", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 3),
			 PQgetvalue(res, 0, 4));
		check(r, "quarantine", WARN, line, "fix the value upstream (the next sync brings "
		      "it in), or see ops.quarantine");
	}
	PQclear(res);
}

int cmd_doctor(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct report r = { cJSON_CreateArray(), 0, 0 };
	cJSON *cals = cJSON_CreateArray();
	char err[1024];
	PGconn *db = NULL;
	int migrated = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			r.json = 1;
		else {
			cJSON_Delete(r.checks);
			cJSON_Delete(cals);
			return cmd_bad_usage("doctor", "unknown option '%s'", argv[i]);
		}
	}
	if (!ctx->cfg.database_url && !getenv("PGHOST") && !getenv("PGDATABASE") &&
	    !getenv("PGSERVICE")) {
		check(&r, "database", FAIL, "DATABASE_URL is not set",
		      "set it to your PostgreSQL, e.g. postgresql://user@host:5432/dwhbi");
	} else if (!(db = db_connect(&ctx->cfg, err, sizeof(err)))) {
		check(&r, "database", FAIL, err, NULL);
	} else {
		migrated = check_database(&r, db, &ctx->cfg);
	}
	check_zone(&r, db);
	check_services(&r, &ctx->cfg, cals);
	if (migrated)
		check_runs(&r, db);
	if (r.json) {
		cJSON *out = cJSON_CreateObject();
		char *text;
		cJSON_AddBoolToObject(out, "ok", r.failed == 0);
		cJSON_AddItemToObject(out, "checks", r.checks);
		cJSON_AddItemToObject(out, "calendars", cals);
		text = cJSON_Print(out);
		puts(text ? text : "{}");
		free(text);
		cJSON_Delete(out);
	} else {
		printf("\n%s\n", r.failed ? "some checks failed: fix them from the top"
					  : "all is well: 'dwhbi run daily' can run");
		cJSON_Delete(r.checks);
		cJSON_Delete(cals);
	}
	if (db)
		PQfinish(db);
	return r.failed ? 1 : 0;
}
