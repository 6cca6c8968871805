/*
 * cmd_transform: front end of `dwhbi transform`.  Parses the options and
 * hands the work to transform/runner.c; the per-model and per-test timings
 * go to ops.runs.detail through ctx->detail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "lib/db.h"
#include "lib/log.h"
#include "transform/runner.h"

#define MAX_SELECT 32

const char cmd_transform_summary[] = "build staging, core and marts; run data tests";
const char cmd_transform_usage[] =
	"usage: dwhbi transform [--select MODEL]... [--full] [--test | --test-only] [--list]\n"
	"\n"
	"Builds the models shipped in the binary: staging views over raw, core\n"
	"tables (actual and plan records split at local midnight in DWHBI_TIMEZONE,\n"
	"days with their day type, categories, goals) and the marts that Grafana,\n"
	"the analyzer, the adjuster and the reporter read.  Everything is built in\n"
	"one transaction: readers of a mart see the previous rows until the new\n"
	"ones are committed, never an empty or half-built table.\n"
	"\n"
	"A build of every model rebuilds only the local days that changed since\n"
	"the last one (raw time entries and calendar events synced or deleted\n"
	"since, the sync clock) and runs the data tests on those days plus the\n"
	"global checks.  A change of the models, DWHBI_TIMEZONE, the holiday\n"
	"calendar, categories, rules, goals, holidays or Toggl projects, clients\n"
	"or tags rebuilds everything.\n"
	"\n"
	"  --full          rebuild every day of every model (and test them all)\n"
	"  --select MODEL  build only MODEL and the models downstream of it\n"
	"                  (e.g. core.actual_records, daily_category); repeatable\n"
	"  --test          run the data tests (transform/tests) after the build;\n"
	"                  a failing test names itself and its first offending rows,\n"
	"                  nothing is committed and the command exits 1\n"
	"  --test-only     run the data tests against what is built, build nothing\n"
	"  --list          print the models in build order and exit\n"
	"\n"
	"Every run is recorded in ops.runs with the time each model and test took.\n";

static int list_models(void)
{
	struct model_set ms;
	char err[512];

	model_set_init(&ms);
	if (model_set_load(&ms, err, sizeof(err))) {
		model_set_release(&ms);
		log_error("%s", err);
		return 1;
	}
	for (int i = 0; i < ms.n; i++) {
		const struct model *m = &ms.models[i];
		printf("%-42s %-5s", m->name, m->kind == MODEL_VIEW ? "view" : "table");
		for (int k = 0; k < m->ndeps; k++)
			printf("%s%s", k ? ", " : "  <- ", ms.models[m->deps[k]].name);
		putchar('\n');
	}
	model_set_release(&ms);
	return 0;
}

int cmd_transform(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *select[MAX_SELECT];
	struct transform_opts opts = { 0 };
	struct transform_result res;
	char err[1024];
	int rc;

	opts.build = 1;
	opts.lock_wait_seconds = 120;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--select") || !strcmp(a, "-s")) {
			if (i + 1 >= argc)
				return cmd_bad_usage("transform", "--select needs a model name");
			if (opts.nselect >= MAX_SELECT)
				return cmd_bad_usage("transform", "at most %d --select options", MAX_SELECT);
			select[opts.nselect++] = argv[++i];
		} else if (!strncmp(a, "--select=", 9)) {
			if (opts.nselect >= MAX_SELECT)
				return cmd_bad_usage("transform", "at most %d --select options", MAX_SELECT);
			select[opts.nselect++] = a + 9;
		} else if (!strcmp(a, "--full")) {
			opts.full = 1;
		} else if (!strcmp(a, "--test")) {
			opts.test = 1;
		} else if (!strcmp(a, "--test-only")) {
			opts.test = 1;
			opts.build = 0;
		} else if (!strcmp(a, "--list")) {
			return list_models();
		} else {
			return cmd_bad_usage("transform", "unknown option '%s'", a);
		}
	}
	if (!opts.build && opts.nselect)
		return cmd_bad_usage("transform", "--test-only builds nothing; drop --select");
	if (!opts.build && opts.full)
		return cmd_bad_usage("transform", "--test-only builds nothing; drop --full");
	opts.select = select;
	opts.timezone = ctx->cfg.timezone ? ctx->cfg.timezone : "UTC";
	opts.holiday_calendar_id = ctx->cfg.gcal_holiday_calendar_id;

	/* An unknown model is a usage error (exit 2), caught before any work. */
	if (opts.nselect) {
		struct model_set ms;
		model_set_init(&ms);
		rc = model_set_load(&ms, err, sizeof(err));
		if (!rc)
			rc = model_set_select(&ms, select, opts.nselect, err, sizeof(err));
		model_set_release(&ms);
		if (rc) {
			if (!strncmp(err, "unknown model", 13))
				return cmd_bad_usage("transform", "%s; 'dwhbi transform --list' shows them",
						     err);
			log_error("%s", err);
			return 1;
		}
	}

	rc = transform_run(ctx->db, &opts, &res, err, sizeof(err));
	ctx->rows_written = res.rows_written;
	ctx->rows_deleted = res.rows_deleted;
	ctx->detail = res.detail;
	if (rc) {
		/* A missing raw/ref/ops object or schema means an unmigrated
		 * database; the relation name is quoted in any language. */
		if (db_missing_object() &&
		    (db_failed_with(DB_INVALID_SCHEMA) || strstr(err, "\"raw.") ||
		     strstr(err, "\"ref.") || strstr(err, "\"ops.")))
			log_error("transform failed: %s (run 'dwhbi migrate' first)", err);
		else
			log_error("transform failed: %s", err);
		return 1;
	}
	if (opts.build && res.incremental)
		printf("built %d model%s for %lld changed day%s (%lld rows)", res.models_built,
		       res.models_built == 1 ? "" : "s", (long long)res.changed_days,
		       res.changed_days == 1 ? "" : "s", (long long)res.rows_written);
	else if (opts.build)
		printf("built %d model%s (%lld rows)", res.models_built,
		       res.models_built == 1 ? "" : "s", (long long)res.rows_written);
	if (opts.test)
		printf("%s%d data test%s passed", opts.build ? "; " : "", res.tests_run,
		       res.tests_run == 1 ? "" : "s");
	putchar('\n');
	return 0;
}
