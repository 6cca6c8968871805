/*
 * cmd_status: `dwhbi status` prints the freshness of every source, the state
 * of every mart and the last runs, from the database alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/log.h"
#include "lib/resource.h"

const char cmd_status_summary[] = "freshness of every source and mart, last runs";
const char cmd_status_usage[] =
	"usage: dwhbi status [--runs N] [--stale-hours H]\n"
	"\n"
	"Prints one line per source (raw table) with live and deleted rows, the\n"
	"last sync, the last change and a state (fresh, stale, failing, never),\n"
	"one line per mart with its rows and last build, then the last runs.\n"
	"\n"
	"  --runs N          how many recent runs to show (default 10)\n"
	"  --stale-hours H   a source not synced for H hours is stale (default 36)\n";

static PGresult *run_file(PGconn *db, const char *path, int n, const char *const *params)
{
	char err[1024];
	PGresult *res = query_file(db, path, n, params, err, sizeof(err));

	if (!res) {
		if (db_missing_object())
			log_error("the database has no dwhbi tables yet: run 'dwhbi migrate' first");
		else
			log_error("status query failed: %s", err);
	}
	return res;
}

static int positive(const char *s, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	int nruns = 10, stale = 36;
	char runs_s[16], stale_s[16];
	PGresult *res;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			if (positive(argv[++i], 1000, &nruns))
				return cmd_bad_usage("status", "--runs needs a number from 1 to 1000, got '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--stale-hours") && i + 1 < argc) {
			if (positive(argv[++i], 100000, &stale))
				return cmd_bad_usage("status", "--stale-hours needs a positive number, got '%s'", argv[i]);
		} else {
			return cmd_bad_usage("status", "unknown option '%s'", argv[i]);
		}
	}
	snprintf(runs_s, sizeof(runs_s), "%d", nruns);
	snprintf(stale_s, sizeof(stale_s), "%d", stale);

	const char *p1[1] = { stale_s };
	res = run_file(ctx->db, "cli/status_sources.sql", 1, p1);
	if (!res)
		return 1;
	printf("%-38s %9s %8s  %-16s  %-16s  %s\n", "source", "rows", "deleted",
	       "last sync (UTC)", "last change", "state");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-38s %9s %8s  %-16s  %-16s  %s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5));
	PQclear(res);

	res = run_file(ctx->db, "cli/status_marts.sql", 0, NULL);
	if (!res)
		return 1;
	printf("\n%-38s %9s  %s\n", "mart", "rows", "built (UTC)");
	if (PQntuples(res) == 0)
		printf("(no marts yet: run 'dwhbi transform')\n");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-38s %9s  %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		       PQgetvalue(res, i, 2));
	PQclear(res);

	const char *p2[1] = { runs_s };
	res = run_file(ctx->db, "cli/status_runs.sql", 1, p2);
	if (!res)
		return 1;
	printf("\n%6s  %-16s %-8s %-19s %8s %8s  %s\n", "run", "job", "status", "started (UTC)",
	       "seconds", "written", "error");
	if (PQntuples(res) == 0)
		printf("(no runs yet)\n");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%6s  %-16s %-8s %-19s %8s %8s  %s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6));
	PQclear(res);
	return 0;
}
