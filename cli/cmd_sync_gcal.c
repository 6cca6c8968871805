/*
 * cmd_sync_gcal: front end of `dwhbi sync gcal`.  Parses the options,
 * checks the Google configuration and hands the work to gcal_sync()
 * (connectors/gcal.c); the counts and per-calendar outcome go to ops.runs.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "connectors/gcal.h"
#include "lib/log.h"
#include "lib/timeutil.h"

const char cmd_sync_gcal_usage[] =
	"usage: dwhbi sync gcal [--full] [--since DATE]\n"
	"\n"
	"Mirrors Google Calendar into raw.google_calendar__calendar_list,\n"
	"__colors and __events: the calendars in GCAL_CALENDAR_IDS (comma list,\n"
	"default 'primary') and GCAL_HOLIDAY_CALENDAR_ID when set, each with its\n"
	"own sync token in ops.sync_state.  The first run of a calendar is a full\n"
	"sync, later runs fetch only changes.  Deleted events keep their row with\n"
	"deleted_at set.\n"
	"\n"
	"  --full        ignore the stored sync tokens: full sync of every calendar,\n"
	"                marking rows it no longer returns as deleted\n"
	"  --since DATE  full sync of the events that end after DATE (YYYY-MM-DD,\n"
	"                local midnight in DWHBI_TIMEZONE); later syncs keep the bound\n"
	"\n"
	"Needs GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN.\n"
	"Exit status: 0 all calendars synced, 1 any failed, 2 usage.\n";

int cmd_sync_gcal(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const required[] = {
		"GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN"
	};
	struct gcal_options opt = { 0 };
	struct gcal_counts counts = { 0 };
	char err[1024];
	size_t k;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0) {
			opt.full = 1;
		} else if (strcmp(argv[i], "--since") == 0) {
			if (i + 1 >= argc)
				return cmd_bad_usage("sync gcal", "--since needs a date YYYY-MM-DD");
			if (opt_date("sync gcal", "--since", argv[++i], &opt.since_day))
				return 2;
			opt.has_since = 1;
		} else {
			return cmd_bad_usage("sync gcal", "unknown option '%s'", argv[i]);
		}
	}
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
		if (config_require(&ctx->cfg, required[k], err, sizeof(err)) < 0) {
			log_error("%s", err);
			return 2;
		}
	}

	if (!ctx->detail)
		ctx->detail = cJSON_CreateObject();
	rc = gcal_sync(ctx->db, &ctx->cfg, &opt, &counts, ctx->detail, err,
		       sizeof(err));
	ctx->rows_read += counts.read;
	ctx->rows_written += counts.written;
	ctx->rows_deleted += counts.deleted;
	if (counts.quarantined)
		cJSON_AddNumberToObject(ctx->detail, "quarantined", (double)counts.quarantined);
	if (rc < 0) {
		log_error("%s", err);
		return 1;
	}
	log_info("sync gcal: %d calendar%s, %lld read, %lld written, %lld deleted",
		 counts.calendars_ok, counts.calendars_ok == 1 ? "" : "s", (long long)counts.read,
		 (long long)counts.written, (long long)counts.deleted);
	if (counts.quarantined)
		log_warn("sync gcal: %lld item%s quarantined (see 'dwhbi status')",
			 (long long)counts.quarantined, counts.quarantined == 1 ? "" : "s");
	return 0;
}
