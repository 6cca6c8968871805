/*
 * cmd_analyze: front end of `dwhbi analyze`.  Parses --as-of (default: the
 * day before today in DWHBI_TIMEZONE, the last complete local day), runs
 * analyze_run() and prints one line per category: the method chosen, its
 * backtest MAE and the month-end projection.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "analyzer/analyze.h"
#include "analyzer/evaluate.h"
#include "lib/buf.h"
#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/log.h"
#include "lib/timeutil.h"

const char cmd_analyze_summary[] = "estimate minutes per category for the coming days";
const char cmd_analyze_usage[] =
	"usage: dwhbi analyze [--as-of DATE]\n"
	"       dwhbi analyze --evaluate FROM..TO [--every N]\n"
	"\n"
	"Estimates the minutes of every category for each day from the day after\n"
	"DATE to the end of that day's month (and at least 14 days), with 80% and\n"
	"95% prediction intervals; backtests every method over the last 8 weeks\n"
	"and keeps the best per category (the distribution by its quantile score,\n"
	"the point by its MAE); projects the month's total; and splits\n"
	"each day's plan shortfalls over the categories that ran over plan.\n"
	"Reads marts.daily_category and marts.plan_actual_daily (run 'dwhbi\n"
	"transform' first); writes analytics.estimates, analytics.model_scores,\n"
	"analytics.month_projections (snapshots) and analytics.plan_flows.\n"
	"The regression fits go into analytics.fit_cache, which later nights\n"
	"reuse while the history they were fitted on is unchanged (the results\n"
	"are the same with or without it; emptying it only costs time).\n"
	"Older snapshots are deleted in the same transaction, except the newest\n"
	"of each of the last analyze.keep_days as-of days (ref.settings, default\n"
	"35; with their backtest errors) and the ones the monthly report reads for\n"
	"each of the last analyze.keep_months months (default 13).\n"
	"\n"
	"  --as-of DATE   use only data up to DATE (YYYY-MM-DD); the results for a\n"
	"                 past DATE are reproducible.  Default: yesterday in\n"
	"                 DWHBI_TIMEZONE.\n"
	"  --evaluate FROM..TO\n"
	"                 writes nothing: recomputes the analysis as of FROM, FROM+N,\n"
	"                 ... <= TO, each from the days up to its as-of only, and\n"
	"                 compares it with the complete days in the marts: MAE of\n"
	"                 every method and of the chosen one, its ratio to the\n"
	"                 baseline the backtest picked, 80/95% interval coverage,\n"
	"                 the 80% interval score, month-end coverage, and the\n"
	"                 Brier score of the adjuster's P(met) for each goal's next\n"
	"                 period against the goal's hit rate.\n"
	"  --every N      days between as-of dates (default 7).\n";

static void print_result(const struct analyze_result *r)
{
	char as_of[16], first[16], last[16], month[16];
	int k;

	time_format_date(r->as_of, as_of, sizeof(as_of));
	time_format_date(r->first_target, first, sizeof(first));
	time_format_date(r->last_target, last, sizeof(last));
	time_format_date(r->month, month, sizeof(month));
	printf("as of %s: estimates %s..%s for %d categories; month %.7s projected\n",
	       as_of, first, last, r->ncategories, month);
	printf("%-24s %-17s %9s %11s %23s\n", "category", "method", "mae", "month",
	       "80% interval");
	for (k = 0; k < r->ncategories; k++) {
		const struct analyze_category *c = &r->categories[k];
		char mae[32] = "-";

		if (c->method >= 0 && c->backtest.score[c->method].n > 0)
			snprintf(mae, sizeof(mae), "%.1f", c->backtest.score[c->method].mae);
		printf("%-24s %-17s %9s %11.0f %11.0f..%-11.0f\n", c->name,
		       backtest_method_name(c->method), mae, c->month_projected,
		       c->month_lower80, c->month_upper80);
	}
	printf("wrote %lld estimates, %lld model scores, %lld month projections, "
	       "%lld plan flows (%d plan days); deleted %lld rows of older snapshots\n",
	       (long long)r->estimates, (long long)r->scores, (long long)r->projections,
	       (long long)r->flows, r->plan_days, (long long)r->pruned);
}

int cmd_analyze(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct analyze_result r;
	char err[512] = "";
	int32_t as_of = 0;
	int have_as_of = 0, i, every = 7, evaluate = 0, rc;
	int32_t ev_from = 0, ev_to = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--as-of") && i + 1 < argc) {
			if (opt_date("analyze", "--as-of", argv[++i], &as_of))
				return 2;
			have_as_of = 1;
		} else if (!strncmp(argv[i], "--as-of=", 8)) {
			if (opt_date("analyze", "--as-of", argv[i] + 8, &as_of))
				return 2;
			have_as_of = 1;
		} else if (!strcmp(argv[i], "--evaluate") && i + 1 < argc) {
			if (opt_date_range("analyze", "--evaluate", argv[++i], 3660 /* ten years */,
					   &ev_from, &ev_to))
				return 2;
			evaluate = 1;
		} else if (!strcmp(argv[i], "--every") && i + 1 < argc) {
			if (opt_int("analyze", "--every", argv[++i], 1, 366, "days", &every))
				return 2;
		} else if (!strcmp(argv[i], "--evaluate") || !strcmp(argv[i], "--every")) {
			return cmd_bad_usage("analyze", "%s needs a value", argv[i]);
		} else if (!strcmp(argv[i], "--as-of")) {
			return cmd_bad_usage("analyze", "--as-of needs a date YYYY-MM-DD");
		} else {
			return cmd_bad_usage("analyze", "unknown option '%s'", argv[i]);
		}
	}
	if (evaluate) {
		struct eval_summary es;
		struct buf out = BUF_INIT;

		if (have_as_of)
			return cmd_bad_usage("analyze", "--evaluate and --as-of do not go together");
		if (analyze_evaluate(ctx->db, ev_from, ev_to, every, &es, err, sizeof(err)) < 0) {
			log_error("analyze --evaluate: %s", err);
			return 1;
		}
		eval_summary_print(&es, ev_from, ev_to, every, &out);
		fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
		eval_summary_release(&es);
		return 0;
	}
	if (!have_as_of) {
		int32_t today;

		if (tz_local_day(ctx->cfg.timezone, time_now_usec(), &today) < 0)
			return log_error("cannot tell today's date in time zone '%s': "
					 "check DWHBI_TIMEZONE", ctx->cfg.timezone) ? 1 : 1;
		as_of = today - 1;
	}

	analyze_result_init(&r);
	rc = analyze_run(ctx->db, as_of, &r, err, sizeof(err));
	if (rc < 0) {
		analyze_result_release(&r);
		log_error("analyze: %s", err);
		return rc == -2 ? 2 : 1;
	}
	ctx->rows_read = r.rows_read;
	ctx->rows_written = r.estimates + r.scores + r.projections + r.flows + r.errors;
	ctx->detail = analyze_result_json(&r);
	print_result(&r);
	analyze_result_release(&r);
	return 0;
}
