/*
 * cmd_adjust: front end of `dwhbi adjust`: parses the options, loads the
 * inputs through adjuster/adjust_db, runs the engine (adjuster/adjust),
 * stores the proposals and prints the result; `adjust accept|reject ID`
 * decides a proposal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "adjuster/adjust.h"
#include "adjuster/adjust_db.h"
#include "adjuster/adjust_output.h"
#include "lib/buf.h"
#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/log.h"
#include "lib/timeutil.h"

const char cmd_adjust_summary[] = "goal status, probabilities and proposals";
const char cmd_adjust_usage[] =
	"usage: dwhbi adjust [--as-of DATE] [--format text|json] [options]\n"
	"       dwhbi adjust accept ID\n"
	"       dwhbi adjust reject ID\n"
	"       dwhbi adjust list [--state STATE] [--limit N]\n"
	"\n"
	"For every goal valid on the as-of date: the current period (the day, week\n"
	"or month holding the day after as-of; a day goal's next day of its type),\n"
	"actual minutes so far, the expected value and spread from the actuals plus\n"
	"the analyzer's estimates, the probability of meeting the goal, a status\n"
	"(met, on_track, at_risk, off_track; neutral goals have none) and the hit\n"
	"rate of the goal over the last complete periods.  Probabilities come from\n"
	"the analyzer's calibrated predictive distribution of the period: the\n"
	"actual minutes so far plus the estimates' means plus one backtest origin's\n"
	"errors summed over the same horizons (analytics.estimate_errors of the\n"
	"same snapshot; one sample per origin, so the days' correlation is kept),\n"
	"kernel-smoothed.  Where the snapshot has no backtest errors, or they do not\n"
	"reach a period's days, a normal model stands in (sd of an estimate = width\n"
	"of its 80% interval / 2.563; days independent) and the output says so.\n"
	"Week and month goals are broken down into minutes per\n"
	"weekday and holiday, weighted by the category's usual minutes.\n"
	"\n"
	"A goal whose probability of being met next period is outside the band gets\n"
	"a proposal: the value met with the target probability, at most one step\n"
	"away, rounded; it is stored only when its probability lies in the band\n"
	"(else the output says why the goal is out of reach, with the steps it\n"
	"would take).  Raised `more` goals must fit a 1440-minute day per day type\n"
	"(largest `more` goal per category plus the measured unmanaged minimum:\n"
	"the categories without a `more` goal on that day type, Untracked\n"
	"excluded, summed per day over the complete days of the type in the last\n"
	"--unmanaged-days days; the minimum is the --unmanaged-quantile quantile\n"
	"of those daily totals, the ceil(q*n)-th smallest, i.e. what the person\n"
	"spent on them on at least 90 % of those days by default; `less` and\n"
	"neutral goals manage no minimum); increases that do not fit are cut by\n"
	"water-filling and the reason says so.  When the current goals already\n"
	"ask for more than a day, the `more` goals above what the person usually\n"
	"spends come down (shared equally, first no lower than the usual minutes,\n"
	"further only if that is not enough), and such a proposal is stored even\n"
	"outside the band.  Proposals are stored\n"
	"as pending in analytics.goal_proposals; running again for the same as-of\n"
	"updates them (same ids) instead of adding duplicates.  A goal has at\n"
	"most one pending proposal: a new one supersedes the older (kept as\n"
	"superseded); a pending proposal expires when adjust runs more than\n"
	"--expire-days after its as-of.  A rejected change is not proposed again\n"
	"in the same direction until the probability of meeting the current goal\n"
	"has moved by at least --material since the rejection.  A proposal whose\n"
	"value would not change that probability (to 2 decimals) is not stored:\n"
	"the goal is out of reach.\n"
	"\n"
	"  --as-of DATE       last day with complete actuals (default: yesterday in\n"
	"                     DWHBI_TIMEZONE); estimates come from the newest\n"
	"                     analyzer snapshot made as of this date or earlier\n"
	"  --format text|json output (default text)\n"
	"  --on-track P       status on_track when P(met) >= P (default 0.7)\n"
	"  --at-risk P        at_risk when P(met) >= P, else off_track (default 0.4)\n"
	"  --band-low P       propose a lower/easier goal below P (default 0.3)\n"
	"  --band-high P      propose a harder goal above P (default 0.9)\n"
	"  --target P         probability a proposal aims at (default 0.7)\n"
	"  --step F           largest change per proposal, a fraction of the goal,\n"
	"                     at least one rounding unit (default: ref.settings\n"
	"                     adjust.step, else 0.5)\n"
	"  --round-to N       round proposals to N minutes (default 5)\n"
	"  --history N        periods for the hit rate (default 8)\n"
	"  --model-days N     days of actuals for days without an estimate (default 28)\n"
	"  --unmanaged-quantile Q  low quantile of the daily minutes of unmanaged\n"
	"                     categories that the day budget keeps free (0..0.5,\n"
	"                     default 0.1)\n"
	"  --unmanaged-days N days of history it is measured on (default 56)\n"
	"  --expire-days N    pending proposals expire N days after their as-of\n"
	"                     (default: ref.settings adjust.expire_days, else 7)\n"
	"  --material F       move of the probability that re-opens a rejected change\n"
	"                     (default: ref.settings adjust.material, else 0.15)\n"
	"\n"
	"accept ID: closes the goal version and inserts the proposed one, valid from\n"
	"the next period that has not started yet (tomorrow in DWHBI_TIMEZONE for day\n"
	"goals, the next Monday for week goals, the next 1st for month goals; never\n"
	"before the proposal's as-of + 1), so no past or running period changes, and\n"
	"marks the proposal accepted, in one transaction.  reject ID marks it\n"
	"rejected.  An unknown or already decided ID changes nothing (exit 1).\n"
	"list: proposals newest first with state (pending, accepted, rejected,\n"
	"superseded, expired), as-of, made and decided dates and what became of them.\n";

static int parse_prob(const char *opt, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v > 0 && v < 1))
		return cmd_bad_usage("adjust", "%s needs a probability between 0 and 1, got '%s'",
				     opt, s);
	*out = v;
	return 0;
}

static int today_local(struct cmd_ctx *ctx, int32_t *today)
{
	if (tz_local_day(ctx->cfg.timezone, time_now_usec(), today) < 0) {
		log_error("cannot find today's date in zone '%s': check DWHBI_TIMEZONE",
			  ctx->cfg.timezone);
		return -1;
	}
	return 0;
}

static int list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const states[] = { "pending", "accepted", "rejected",
					      "superseded", "expired" };
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	const char *state = NULL;
	struct buf out = BUF_INIT;
	char err[512];
	int i, k, limit = 50;

	for (i = 2; i < argc; i += 2) {	/* every option takes a value */
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return cmd_bad_usage("adjust", "option '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "--state")) {
			for (k = 0; k < 5 && strcmp(v, states[k]); k++)
				;
			if (k == 5)
				return cmd_bad_usage("adjust", "--state must be pending, accepted, "
						     "rejected, superseded or expired, got '%s'", v);
			state = v;
		} else if (!strcmp(argv[i], "--limit")) {
			if (opt_int("adjust", "--limit", v, 1, 10000, NULL, &limit))
				return 2;
		} else {
			return cmd_bad_usage("adjust", "unknown option '%s'", argv[i]);
		}
	}
	if (adjust_db_settings(ctx->db, &o, 1, 0, 0, err, sizeof(err)) < 0 ||
	    adjust_db_list(ctx->db, state, limit, o.expire_days, &out, err, sizeof(err)) < 0) {
		log_error("adjust list: %s", err);
		buf_release(&out);
		return 1;
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	return 0;
}

static int decide(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct adjust_decision d;
	char err[512];
	int64_t id;
	int accept = !strcmp(argv[1], "accept"), rc;

	if (argc != 3)
		return cmd_bad_usage("adjust", "'%s' needs exactly one proposal ID", argv[1]);
	if (opt_parse_id(argv[2], &id) < 0)
		return cmd_bad_usage("adjust", "proposal ID must be a whole number from 1 "
				     "to 9223372036854775807, got '%s' (see 'dwhbi adjust list')",
				     argv[2]);
	if (accept) {
		int32_t today;

		if (today_local(ctx, &today) < 0)
			return 2;
		rc = adjust_db_accept(ctx->db, id, today, &d, err, sizeof(err));
	} else {
		rc = adjust_db_reject(ctx->db, id, &d, err, sizeof(err));
	}
	if (rc < 0) {
		log_error("adjust %s %s: %s", argv[1], argv[2], err);
		return 1;
	}
	if (accept) {
		printf("accepted proposal %" PRId64 ": %s %s %s goal %d -> %d min from %s "
		       "(goal %" PRId64 " closed, new goal %" PRId64 ")\n", id, d.category,
		       d.day_type, d.period, d.from_minutes, d.to_minutes, d.valid_from,
		       d.goal_id, d.new_goal_id);
		ctx->rows_written = 3;
	} else {
		printf("rejected proposal %" PRId64 ": %s %s %s goal stays %d min\n", id,
		       d.category, d.day_type, d.period, d.from_minutes);
		ctx->rows_written = 1;
	}
	return 0;
}

int cmd_adjust(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct adjust_options o = ADJUST_OPTIONS_INIT;
	struct adjust_input in;
	struct adjust_result r;
	struct adjust_source src;
	struct adjust_report rep;
	struct buf out = BUF_INIT;
	const char *as_of_s = NULL, *format = "text";
	int64_t *ids = NULL, written = 0, deleted = 0, superseded = 0, expired = 0;
	int32_t as_of;
	char err[512];
	int i, rc = 1, set_expire = 0, set_material = 0, set_step = 0;

	if (argc >= 2 && (!strcmp(argv[1], "accept") || !strcmp(argv[1], "reject")))
		return decide(ctx, argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(ctx, argc, argv);
	for (i = 1; i < argc; i += 2) {	/* every option takes a value */
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (!v && !strncmp(a, "--", 2))
			return cmd_bad_usage("adjust", "option '%s' needs a value", a);
		if (!strcmp(a, "--as-of"))
			as_of_s = v;
		else if (!strcmp(a, "--format"))
			format = v;
		else if (!strcmp(a, "--on-track"))
			bad = parse_prob(a, v, &o.on_track);
		else if (!strcmp(a, "--at-risk"))
			bad = parse_prob(a, v, &o.at_risk);
		else if (!strcmp(a, "--band-low"))
			bad = parse_prob(a, v, &o.prop.band_low);
		else if (!strcmp(a, "--band-high"))
			bad = parse_prob(a, v, &o.prop.band_high);
		else if (!strcmp(a, "--target"))
			bad = parse_prob(a, v, &o.prop.target);
		else if (!strcmp(a, "--step")) {
			char *end;
			o.prop.step = strtod(v, &end);
			if (!*v || *end || !(o.prop.step > 0 && o.prop.step <= 10))
				return cmd_bad_usage("adjust", "--step needs a fraction above 0 and "
						     "at most 10 (0.5 = 50 %%), got '%s'", v);
			set_step = 1;
		}
		else if (!strcmp(a, "--round-to"))
			bad = opt_int("adjust", a, v, 1, 60, "minutes", &o.prop.round_to);
		else if (!strcmp(a, "--history"))
			bad = opt_int("adjust", a, v, 1, 60, "periods", &o.history);
		else if (!strcmp(a, "--model-days"))
			bad = opt_int("adjust", a, v, 7, 366, "days", &o.model_days);
		else if (!strcmp(a, "--unmanaged-days"))
			bad = opt_int("adjust", a, v, 7, 366, "days", &o.unmanaged_days);
		else if (!strcmp(a, "--unmanaged-quantile")) {
			char *end;
			o.unmanaged_q = strtod(v, &end);
			if (!*v || *end || !(o.unmanaged_q >= 0 && o.unmanaged_q <= 0.5))
				return cmd_bad_usage("adjust", "--unmanaged-quantile needs a "
						     "fraction from 0 to 0.5, got '%s'", v);
		}
		else if (!strcmp(a, "--expire-days")) {
			bad = opt_int("adjust", a, v, 1, 366, "days", &o.expire_days);
			set_expire = 1;
		} else if (!strcmp(a, "--material")) {
			char *end;
			o.material = strtod(v, &end);
			if (!*v || *end || !(o.material >= 0 && o.material < 1))
				return cmd_bad_usage("adjust", "--material needs a probability "
						     "change from 0 to below 1, got '%s'", v);
			set_material = 1;
		}
		else
			return cmd_bad_usage("adjust", "unknown option '%s'", a);
		if (bad)
			return bad;
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cmd_bad_usage("adjust", "--format must be text or json, got '%s'", format);
	if (adjust_options_check(&o, err, sizeof(err)) < 0)
		return cmd_bad_usage("adjust", "%s", err);
	if (adjust_db_settings(ctx->db, &o, !set_expire, !set_material, !set_step,
			       err, sizeof(err)) < 0) {
		log_error("adjust: %s", err);
		return 2;
	}
	if (as_of_s) {
		if (opt_date("adjust", "--as-of", as_of_s, &as_of))
			return 2;
	} else {
		int32_t today;

		if (today_local(ctx, &today) < 0)
			return 2;
		as_of = today - 1;
	}

	adjust_input_init(&in);
	memset(&r, 0, sizeof(r));
	if (adjust_db_load(ctx->db, as_of, &o, &in, &src, &ctx->rows_read,
			   err, sizeof(err)) < 0) {
		log_error("adjust: cannot read the inputs: %s", err);
		goto done;
	}
	if (adjust_compute(&in, &o, &r, err, sizeof(err)) < 0) {
		log_error("adjust: %s", err);
		goto done;
	}
	ids = calloc(r.ngoals ? r.ngoals : 1, sizeof(*ids));
	if (!ids)
		abort();
	if (adjust_db_store(ctx->db, &in, &o, &r, ids, &written, &deleted, &superseded,
			    &expired, err, sizeof(err)) < 0) {
		log_error("adjust: cannot store the proposals: %s", err);
		goto done;
	}
	ctx->rows_written = written;
	ctx->rows_deleted = deleted;
	rep.in = &in;
	rep.o = &o;
	rep.r = &r;
	rep.src = &src;
	rep.proposal_ids = ids;
	if (!strcmp(format, "json"))
		adjust_output_json(&rep, &out);
	else
		adjust_output_text(&rep, &out);
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	{
		char d[16];

		time_format_date(as_of, d, sizeof(d));
		ctx->detail = cJSON_CreateObject();
		cJSON_AddStringToObject(ctx->detail, "as_of", d);
		cJSON_AddNumberToObject(ctx->detail, "goals", (double)r.ngoals);
		cJSON_AddNumberToObject(ctx->detail, "proposals", r.nproposals);
		cJSON_AddNumberToObject(ctx->detail, "superseded", (double)superseded);
		cJSON_AddNumberToObject(ctx->detail, "expired", (double)expired);
	}
	rc = 0;
done:
	free(ids);
	buf_release(&out);
	adjust_result_release(&r);
	adjust_input_release(&in);
	return rc;
}
