/*
 * cmd_seed: front end of `dwhbi seed`; the work is in ref/seed.c.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "lib/log.h"
#include "lib/utf8.h"
#include "ref/seed.h"

const char cmd_seed_summary[] = "load categories, rules and holidays into ref";
const char cmd_seed_usage[] =
	"usage: dwhbi seed [--config DIR [--encoding NAME]]\n"
	"\n"
	"Loads your categories (categories.csv: category, display_name,\n"
	"coarse_group, color, sort_order), the rules that map Toggl projects,\n"
	"clients, tags, project colors and calendar event summaries, color ids or\n"
	"keywords onto them (category_rules.csv: priority, match_on, pattern,\n"
	"category; a lower priority is tried first) and the public holidays of\n"
	"GCAL_HOLIDAY_CALENDAR_ID (from the synced calendar) into ref.\n"
	"\n"
	"  --config DIR   read DIR/categories.csv and DIR/category_rules.csv\n"
	"                 (default: the example files built into dwhbi)\n"
	"  --encoding NAME  the files are in NAME, not UTF-8 (e.g. CP932, what\n"
	"                 Excel saves for Japanese; any iconv name)\n"
	"\n"
	"Both files are checked before anything is written: a bad line is reported\n"
	"as FILE:LINE and nothing is loaded (a file that is not UTF-8, too).  Running it again with the same files\n"
	"changes nothing.  Run 'dwhbi transform' afterwards to apply the rules.\n";

int cmd_seed(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct seed_opts opts = { 0 };
	struct seed_result res;
	char err[1024];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return cmd_bad_usage("seed", "--config needs a directory");
			opts.config_dir = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			opts.config_dir = argv[i] + 9;
		} else if (!strcmp(argv[i], "--encoding")) {
			if (i + 1 >= argc)
				return cmd_bad_usage("seed", "--encoding needs a name, e.g. CP932");
			opts.encoding = argv[++i];
		} else {
			return cmd_bad_usage("seed", "unknown option '%s'", argv[i]);
		}
	}
	if (opts.encoding && !opts.config_dir)
		return cmd_bad_usage("seed", "--encoding is for your files: pass --config DIR too");
	if (opts.encoding && !utf8_encoding_known(opts.encoding))
		return cmd_bad_usage("seed", "unknown encoding '%s' (e.g. CP932, SHIFT_JIS, "
				     "EUC-JP, UTF-8)", opts.encoding);
	opts.holiday_calendar_id = ctx->cfg.gcal_holiday_calendar_id;
	if (seed_run(ctx->db, &opts, &res, err, sizeof(err))) {
		log_error("seed failed: %s", err);
		return 1;
	}
	ctx->rows_written = res.rows_written;
	ctx->rows_deleted = res.rows_deleted;
	ctx->detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->detail, "categories", res.categories);
	cJSON_AddNumberToObject(ctx->detail, "rules", res.rules);
	if (res.holidays >= 0)
		cJSON_AddNumberToObject(ctx->detail, "holidays", res.holidays);
	printf("seeded %d categories and %d rules", res.categories, res.rules);
	if (res.holidays >= 0)
		printf(", %d holidays", res.holidays);
	printf(" (%lld rows changed)\n", (long long)(res.rows_written + res.rows_deleted));
	return 0;
}
