/*
 * cmd_sync_toggl: front end of `dwhbi sync toggl` — parses the options,
 * calls toggl_sync() (connectors/toggl.c) and reports its counts to ops.runs.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "connectors/toggl.h"
#include "lib/log.h"
#include "lib/timeutil.h"

const char cmd_sync_toggl_usage[] =
	"usage: dwhbi sync toggl [--days N | --since DATE | --backfill FROM..TO]\n"
	"                        [--page-size N] [--max-pages N]\n"
	"\n"
	"Mirrors Toggl Track into raw.toggl_track__*: first the masters (me,\n"
	"workspaces, projects incl. archived, clients, tags), then time entries:\n"
	"\n"
	"  (default)           the nightly mode: entries changed since the last run\n"
	"                      (edits and deletions), when that run is less than 60\n"
	"                      days ago; else the --days window\n"
	"  --days N            entries that started in the last N local days\n"
	"                      (default 3); entries of the window that Toggl no\n"
	"                      longer lists are marked deleted\n"
	"  --since DATE        entries changed since DATE (YYYY-MM-DD or RFC 3339),\n"
	"                      deletions included\n"
	"  --backfill FROM..TO history through the Reports API, e.g.\n"
	"                      2024-01-01..2025-12-31; a year per request, a\n"
	"                      checkpoint after every page: rerun the same command\n"
	"                      to resume an interrupted backfill.  On a terminal\n"
	"                      a progress line shows pages and entries done, the\n"
	"                      day reached in the range, the rate and the time\n"
	"                      left (DWHBI_PROGRESS=1 prints it as lines where\n"
	"                      stderr is not a terminal, DWHBI_PROGRESS=0 hides it)\n"
	"  --page-size N       Reports rows per page (default 1000)\n"
	"  --max-pages N       Reports pages one run fetches at most (default 5000);\n"
	"                      the checkpoint stays, rerun to continue\n"
	"\n"
	"Environment: TOGGL_API_TOKEN (required), TOGGL_WORKSPACE_ID (default: the\n"
	"user's default workspace for --backfill, every workspace for masters),\n"
	"TOGGL_API_BASE, DWHBI_HTTP_WAIT_BUDGET (seconds of waiting on rate limits\n"
	"and quotas before giving up, default 300), DWHBI_TIMEZONE (local days).\n"
	"Rows are never removed: deleted entries keep their row with deleted_at.\n";

int cmd_sync_toggl(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct toggl_options opt;
	struct toggl_stats st;
	char err[1024];
	int modes = 0;

	memset(&opt, 0, sizeof(opt));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--days") || !strcmp(a, "--since") ||
		    !strcmp(a, "--backfill") || !strcmp(a, "--page-size") ||
		    !strcmp(a, "--max-pages")) {
			if (!v)
				return cmd_bad_usage("sync toggl", "option '%s' needs a value", a);
			i++;
		}
		if (!strcmp(a, "--days")) {
			if (opt_int("sync toggl", a, v, 1, 3660, "days", &opt.days))
				return 2;
			opt.mode = TOGGL_DAYS;
			modes++;
		} else if (!strcmp(a, "--since")) {
			int32_t day;
			if (time_parse_rfc3339(v, &opt.since_usec, NULL) < 0) {
				if (time_parse_date(v, &day) < 0 ||
				    tz_day_start(ctx->cfg.timezone, day, &opt.since_usec) < 0)
					return cmd_bad_usage("sync toggl", "--since: '%s' is not "
							     "a date YYYY-MM-DD or an RFC 3339 "
							     "time", v);
			}
			opt.mode = TOGGL_SINCE;
			modes++;
		} else if (!strcmp(a, "--backfill")) {
			if (opt_date_range("sync toggl", a, v, 0, &opt.backfill_from,
					   &opt.backfill_to))
				return 2;
			opt.mode = TOGGL_BACKFILL;
			modes++;
		} else if (!strcmp(a, "--page-size")) {
			if (opt_int("sync toggl", a, v, 1, 100000, NULL, &opt.page_size))
				return 2;
		} else if (!strcmp(a, "--max-pages")) {
			if (opt_int("sync toggl", a, v, 1, 1000000, NULL, &opt.max_pages))
				return 2;
		} else {
			return cmd_bad_usage("sync toggl", "unknown option '%s'", a);
		}
	}
	if (modes > 1)
		return cmd_bad_usage("sync toggl", "choose one of --days, --since, --backfill");
	if (config_require(&ctx->cfg, "TOGGL_API_TOKEN", err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 2;
	}

	int rc = toggl_sync(ctx->db, &ctx->cfg, &opt, &st, err, sizeof(err));
	ctx->rows_read = st.rows_read;
	ctx->rows_written = st.rows_written;
	ctx->rows_deleted = st.rows_deleted;
	ctx->detail = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->detail, "mode", st.mode[0] ? st.mode : "masters");
	cJSON_AddNumberToObject(ctx->detail, "pages", (double)st.pages);
	cJSON_AddNumberToObject(ctx->detail, "requests", (double)st.requests);
	cJSON_AddNumberToObject(ctx->detail, "retries", (double)st.retries);
	if (st.rows_quarantined)
		cJSON_AddNumberToObject(ctx->detail, "quarantined", (double)st.rows_quarantined);
	if (st.cursor[0])
		cJSON_AddStringToObject(ctx->detail, "cursor", st.cursor);
	if (st.resumed)
		cJSON_AddBoolToObject(ctx->detail, "resumed", 1);
	if (rc < 0) {
		/* HTTP failures already name the service ("toggl: GET ..."). */
		log_error("%s%s", strncmp(err, "toggl: ", 7) == 0 ? "sync " : "sync toggl: ", err);
		return 1;
	}
	log_info("sync toggl: %s: %lld read, %lld written, %lld deleted, %lld pages, "
		 "%lld requests", st.mode, (long long)st.rows_read,
		 (long long)st.rows_written, (long long)st.rows_deleted,
		 (long long)st.pages, (long long)st.requests);
	if (st.rows_quarantined)
		log_warn("sync toggl: %lld item%s quarantined (see 'dwhbi status')",
			 (long long)st.rows_quarantined, st.rows_quarantined == 1 ? "" : "s");
	return 0;
}
