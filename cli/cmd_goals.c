/*
 * cmd_goals: front end of `dwhbi goals import|export|list`; the work is in
 * ref/goals.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/log.h"
#include "lib/resource.h"
#include "lib/csv.h"
#include "lib/timeutil.h"
#include "lib/utf8.h"
#include "ref/goals.h"

const char cmd_goals_summary[] = "goals as CSV <-> versioned ref.goals";
const char cmd_goals_usage[] =
	"usage: dwhbi goals import [--encoding NAME] [--replace-from DATE] FILE\n"
	"       dwhbi goals import --example\n"
	"       dwhbi goals export [FILE]\n"
	"       dwhbi goals list [--all]\n"
	"\n"
	"Goals are minutes per category for a day type (weekday, holiday, any)\n"
	"and period (day, week, month), with a direction (more, less, neutral).\n"
	"goals.csv columns: category,day_type,period,minutes,direction and\n"
	"optionally valid_from (default today in DWHBI_TIMEZONE), valid_to.\n"
	"\n"
	"  import FILE    load FILE; a changed goal closes its current version and\n"
	"                 opens a new one (history kept); an unchanged one is left\n"
	"                 alone.  A bad line (unknown category, negative minutes,\n"
	"                 more than 1440 minutes a day, overlapping versions) is\n"
	"                 reported as FILE:LINE and nothing of FILE is loaded; so\n"
	"                 is a line with more fields than the header, or a file\n"
	"                 that is not UTF-8.\n"
	"  --encoding NAME  FILE is in NAME, not UTF-8 (e.g. CP932, what Excel\n"
	"                 saves for Japanese; any iconv name)\n"
	"                 A file older than the database (a goal got a newer version\n"
	"                 since, e.g. an accepted proposal) is refused with what to do:\n"
	"                 'goals export FILE' refreshes the file, or\n"
	"  --replace-from DATE  the file's changed goals apply from DATE (after the\n"
	"                 current version's start) instead of their valid_from\n"
	"  import --example  load the example goals built into dwhbi\n"
	"  export [FILE]  write every version as goals.csv (stdout by default)\n"
	"  list [--all]   the goals valid today (--all: every version)\n";

static int do_import(struct cmd_ctx *ctx, const char *path, const char *replace_from,
		     const char *encoding)
{
	struct goals_import_result res;
	char err[1024];
	const char *name = path;
	size_t len;
	char *text;
	int rc;

	if (!strcmp(path, "--example")) {
		name = "config/goals.csv";
		text = resource_read(name, &len);
		if (!text) {
			log_error("'%s' is not built into this dwhbi", name);
			return 1;
		}
	} else {
		text = csv_read_file(path, &len);
		if (!text) {
			log_error("cannot read '%s': %s", path, strerror(errno));
			return 1;
		}
		if (utf8_prepare_text(path, &text, &len, encoding, err, sizeof(err))) {
			free(text);
			log_error("goals import failed: %s; nothing was loaded", err);
			return 1;
		}
	}
	rc = goals_import(ctx->db, name, text, len, ctx->cfg.timezone ? ctx->cfg.timezone : "UTC",
			  replace_from, &res, err, sizeof(err));
	free(text);
	if (rc) {
		log_error("goals import failed: %s", err);
		return 1;
	}
	ctx->rows_read = res.rows;
	ctx->rows_written = res.inserted + res.closed;
	ctx->detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(ctx->detail, "inserted", res.inserted);
	cJSON_AddNumberToObject(ctx->detail, "closed", res.closed);
	cJSON_AddNumberToObject(ctx->detail, "unchanged", res.unchanged);
	printf("%d goals read: %d new versions, %d closed, %d unchanged\n", res.rows,
	       res.inserted, res.closed, res.unchanged);
	return 0;
}

int cmd_goals(struct cmd_ctx *ctx, int argc, char **argv)
{
	char err[1024];

	if (argc < 2)
		return cmd_bad_usage("goals", "say import, export or list");
	if (!strcmp(argv[1], "import")) {
		const char *from = NULL, *encoding = NULL, *file = NULL;
		int32_t day;

		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--replace-from") && i + 1 < argc) {
				from = argv[++i];
				if (opt_date("goals", "--replace-from", from, &day))
					return 2;
			} else if (!strcmp(argv[i], "--encoding") && i + 1 < argc) {
				encoding = argv[++i];
				if (!utf8_encoding_known(encoding))
					return cmd_bad_usage("goals", "unknown encoding '%s' (e.g. "
							     "CP932, SHIFT_JIS, EUC-JP, UTF-8)",
							     encoding);
			} else if (!file && (strcmp(argv[i], "--example") == 0 ||
					     argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
				file = argv[i];
			} else {
				return cmd_bad_usage("goals", "import takes one FILE (or --example), "
						     "optionally with --encoding NAME and "
						     "--replace-from DATE; not '%s'", argv[i]);
			}
		}
		if (!file)
			return cmd_bad_usage("goals", "import takes one FILE (or --example), "
					     "optionally with --encoding NAME and --replace-from DATE");
		if (encoding && !strcmp(file, "--example"))
			return cmd_bad_usage("goals", "--encoding is for your FILE, not --example");
		return do_import(ctx, file, from, encoding);
	}
	if (!strcmp(argv[1], "export")) {
		FILE *out = stdout;
		int rc;
		if (argc > 3)
			return cmd_bad_usage("goals", "export takes at most one FILE");
		if (argc == 3 && strcmp(argv[2], "-")) {
			out = fopen(argv[2], "w");
			if (!out) {
				log_error("cannot write '%s': %s", argv[2], strerror(errno));
				return 1;
			}
		}
		rc = goals_export(ctx->db, out, err, sizeof(err));
		if (out != stdout && fclose(out) && !rc) {
			snprintf(err, sizeof(err), "cannot write '%s': %s", argv[2], strerror(errno));
			rc = -1;
		}
		if (rc) {
			log_error("goals export failed: %s", err);
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		int all = 0;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--all"))
				all = 1;
			else
				return cmd_bad_usage("goals", "unknown option '%s'", argv[i]);
		}
		if (goals_list(ctx->db, stdout, all, ctx->cfg.timezone ? ctx->cfg.timezone : "UTC",
			       err, sizeof(err))) {
			log_error("goals list failed: %s", err);
			return 1;
		}
		return 0;
	}
	return cmd_bad_usage("goals", "unknown subcommand '%s'", argv[1]);
}
