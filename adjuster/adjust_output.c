/*
 * adjust_output: text and JSON views of an adjuster result (see
 * adjust_output.h).  Numbers are rounded for people: minutes to 0.1,
 * probabilities to 4 places in JSON and 2 in text.
 */
#include "adjuster/adjust_output.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "lib/timeutil.h"

static const char model_normal[] =
	"probabilities come from a normal model: actual minutes so far plus the "
	"analyzer's estimates (sd from the 80% interval), days independent";
static const char model_calibrated[] =
	"probabilities come from the analyzer's calibrated predictive distribution: "
	"actual minutes so far plus the estimates' means plus the summed backtest "
	"errors of one origin over the same horizons, one sample per origin (so the "
	"days' correlation is kept), kernel-smoothed; a period the errors do not "
	"cover (marked [normal]) uses the normal model (sd from the 80% interval, "
	"days independent)";

static int calibrated_input(const struct adjust_report *rep)
{
	return rep->src->error_rows > 0;
}

static const char *model_text(const struct adjust_report *rep)
{
	return calibrated_input(rep) ? model_calibrated : model_normal;
}

static const char *category_name(const struct adjust_report *rep, const struct goal_result *g)
{
	return rep->in->cats[g->goal->category].name;
}

static void period_text(const struct goal_result *g, char *out, size_t len)
{
	char a[16], b[16];

	time_format_date(g->start, a, sizeof(a));
	if (g->end - g->start == 1) {
		snprintf(out, len, "%s", a);
		return;
	}
	time_format_date(g->end - 1, b, sizeof(b));
	snprintf(out, len, "%s..%s", a, b);
}

static void options_line(const struct adjust_options *o, struct buf *out)
{
	buf_printf(out, "status: on_track p >= %.2f, at_risk p >= %.2f, else off_track; "
		   "proposals outside p %.2f..%.2f aim at p %.2f, step <= %.0f%%, "
		   "rounded to %d min\n", o->on_track, o->at_risk, o->prop.band_low,
		   o->prop.band_high, o->prop.target, o->prop.step * 100, o->prop.round_to);
}

void adjust_output_text(const struct adjust_report *rep, struct buf *out)
{
	const struct adjust_result *r = rep->r;
	char asof[16], per[32];
	size_t i;
	int t, any;

	time_format_date(rep->in->as_of, asof, sizeof(asof));
	buf_printf(out, "adjust as of %s\n%s\n", asof, model_text(rep));
	if (calibrated_input(rep))
		buf_printf(out, "backtest errors: %d origins over %d categories, same snapshot\n",
			   rep->src->error_rows, rep->src->error_categories);
	else
		buf_printf(out, "backtest errors: none, so the normal model throughout: %s\n",
			   rep->src->errors_note);
	if (rep->src->estimate_rows)
		buf_printf(out, "estimates: snapshot as of %s (%d rows)\n",
			   rep->src->estimates_as_of, rep->src->estimate_rows);
	else
		buf_puts(out, "estimates: none; every future day uses the mean and "
			 "variance of recent actuals of its day type\n");
	options_line(rep->o, out);
	if (!r->ngoals) {
		buf_puts(out, "\nno goals are valid on this date: import some with "
			 "'dwhbi goals import'\n");
		return;
	}
	buf_printf(out, "\ngoals\n%6s  %-16s %-8s %-6s %-7s %6s  %-22s %7s %16s %6s  %-9s %s\n",
		   "id", "category", "type", "period", "dir", "goal", "current period",
		   "so far", "expected", "P(met)", "status", "hit rate");
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];
		char exp[40], prob[16], hits[24];

		period_text(g, per, sizeof(per));
		snprintf(exp, sizeof(exp), "%.1f ± %.1f", g->mean, g->sd);
		if (isnan(g->prob))
			snprintf(prob, sizeof(prob), "-");
		else
			snprintf(prob, sizeof(prob), "%.2f", g->prob);
		if (g->goal->direction == DIR_NEUTRAL)
			snprintf(hits, sizeof(hits), "- (%d periods)", g->periods);
		else
			snprintf(hits, sizeof(hits), "%d/%d", g->hits, g->periods);
		buf_printf(out, "%6" PRId64 "  %-16s %-8s %-6s %-7s %6d  %-22s %7.1f %17s %6s  %-9s %s%s%s\n",
			   g->goal->goal_id, category_name(rep, g),
			   day_type_name(g->goal->day_type), goal_period_name(g->goal->period),
			   goal_direction_name(g->goal->direction), g->goal->minutes, per,
			   g->actual_so_far, exp, prob, goal_status_name(g->status), hits,
			   g->no_data ? "  (no data: no proposal)" : "",
			   calibrated_input(rep) && g->goal->direction != DIR_NEUTRAL &&
			   !(g->calibrated & 1) ? "  [normal]" : "");
	}

	any = 0;
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];

		if (g->goal->period == PERIOD_DAY)
			continue;
		if (!any++)
			buf_puts(out, "\nbreakdown (goal minutes per day over the next period; "
				 "what is left per remaining day of the current one)\n");
		buf_printf(out, "%6" PRId64 "  %s %s: weekday %.1f, holiday %.1f; remaining "
			   "%d weekdays, %d holidays: weekday %.1f, holiday %.1f\n",
			   g->goal->goal_id, category_name(rep, g),
			   goal_period_name(g->goal->period), g->per_day[0], g->per_day[1],
			   g->remaining[0], g->remaining[1], g->remainder_per_day[0],
			   g->remainder_per_day[1]);
	}

	buf_printf(out, "\nday budget (minutes a day: the largest `more` goal per category "
		   "plus the measured unmanaged minimum, the %.0f %% quantile of the daily "
		   "minutes of the categories without a `more` goal over the last %d days of "
		   "the type; Untracked excluded)\n", rep->o->unmanaged_q * 100,
		   rep->o->unmanaged_days);
	for (t = 0; t < 2; t++) {
		const struct day_budget *b = &r->budget[t];
		char um[64];

		if (b->unmanaged_days)
			snprintf(um, sizeof(um), "%.1f (%d days)", b->unmanaged, b->unmanaged_days);
		else
			snprintf(um, sizeof(um), "%.1f (no days measured: expected minutes)",
				 b->unmanaged);
		buf_printf(out, "  %-8s `more` goals %.1f -> %.1f with the stored proposals, "
			   "unmanaged minimum %s; total: current %.1f, with proposals %.1f, "
			   "fitted %.1f of 1440%s%s\n",
			   day_type_name((enum day_type)t), b->more_current, b->more_fitted, um,
			   b->current, b->proposed, b->fitted,
			   b->over ? " (over already with the current goals)" : "",
			   b->fitted > 1440.05 ? "; still over: the goals that would have to "
			   "come down cannot get a stored proposal (see their reasons)" : "");
	}

	buf_puts(out, "\nproposals\n");
	any = 0;
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];

		if (g->calc.kind == PROPOSAL_NONE)
			continue;
		if (g->propose && rep->proposal_ids && rep->proposal_ids[i])
			buf_printf(out, "%6" PRId64, rep->proposal_ids[i]);
		else
			buf_printf(out, "%6s", "-");
		buf_printf(out, "  goal %" PRId64 " %s %s %s %s: %d -> %d min "
			   "(p %.2f -> %.2f; if accepted, from the next period not yet started, %s at the earliest)\n        %s\n",
			   g->goal->goal_id, category_name(rep, g),
			   day_type_name(g->goal->day_type), goal_period_name(g->goal->period),
			   goal_direction_name(g->goal->direction), g->goal->minutes, g->proposed,
			   g->calc.p_before, g->p_after,
			   (time_format_date(period_next_start(g->goal->period, rep->in->as_of),
					     per, sizeof(per)), per), g->reason);
		any++;
	}
	if (!any)
		buf_puts(out, "  none: every goal is inside the band\n");
	else if (r->nproposals)
		buf_puts(out, "decide with 'dwhbi adjust accept ID' or 'dwhbi adjust reject ID'\n");
}

static double r4(double v)
{
	return round(v * 1e4) / 1e4;
}

static double r1(double v)
{
	return round(v * 10) / 10;
}

static void add_date(cJSON *o, const char *key, int32_t day)
{
	char s[16];

	time_format_date(day, s, sizeof(s));
	cJSON_AddStringToObject(o, key, s);
}

static void add_prob(cJSON *o, const char *key, double p)
{
	if (isnan(p))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, r4(p));
}

static cJSON *by_type(const double v[2])
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "weekday", r1(v[0]));
	cJSON_AddNumberToObject(o, "holiday", r1(v[1]));
	return o;
}

void adjust_output_json(const struct adjust_report *rep, struct buf *out)
{
	const struct adjust_result *r = rep->r;
	const struct adjust_options *o = rep->o;
	cJSON *root = cJSON_CreateObject(), *opt, *goals, *props, *budget, *est;
	char *text;
	size_t i;
	int t;

	add_date(root, "as_of", rep->in->as_of);
	cJSON_AddStringToObject(root, "model", model_text(rep));
	cJSON_AddBoolToObject(root, "calibrated", calibrated_input(rep));
	cJSON_AddNumberToObject(root, "error_rows", rep->src->error_rows);
	if (!calibrated_input(rep))
		cJSON_AddStringToObject(root, "calibration_note", rep->src->errors_note);
	est = cJSON_AddObjectToObject(root, "estimates");
	if (rep->src->estimate_rows) {
		cJSON_AddStringToObject(est, "as_of", rep->src->estimates_as_of);
		cJSON_AddStringToObject(est, "calculated_at", rep->src->estimates_calculated_at);
	}
	cJSON_AddNumberToObject(est, "rows", rep->src->estimate_rows);
	opt = cJSON_AddObjectToObject(root, "options");
	cJSON_AddNumberToObject(opt, "on_track", o->on_track);
	cJSON_AddNumberToObject(opt, "at_risk", o->at_risk);
	cJSON_AddNumberToObject(opt, "band_low", o->prop.band_low);
	cJSON_AddNumberToObject(opt, "band_high", o->prop.band_high);
	cJSON_AddNumberToObject(opt, "target", o->prop.target);
	cJSON_AddNumberToObject(opt, "step", o->prop.step);
	cJSON_AddNumberToObject(opt, "round_to", o->prop.round_to);
	cJSON_AddNumberToObject(opt, "history", o->history);
	cJSON_AddNumberToObject(opt, "model_days", o->model_days);
	cJSON_AddNumberToObject(opt, "unmanaged_quantile", o->unmanaged_q);
	cJSON_AddNumberToObject(opt, "unmanaged_days", o->unmanaged_days);

	goals = cJSON_AddArrayToObject(root, "goals");
	props = cJSON_AddArrayToObject(root, "proposals");
	for (i = 0; i < r->ngoals; i++) {
		const struct goal_result *g = &r->goals[i];
		cJSON *j = cJSON_CreateObject(), *rem;

		cJSON_AddNumberToObject(j, "goal_id", (double)g->goal->goal_id);
		cJSON_AddStringToObject(j, "category", category_name(rep, g));
		cJSON_AddStringToObject(j, "day_type", day_type_name(g->goal->day_type));
		cJSON_AddStringToObject(j, "period", goal_period_name(g->goal->period));
		cJSON_AddStringToObject(j, "direction", goal_direction_name(g->goal->direction));
		cJSON_AddNumberToObject(j, "minutes", g->goal->minutes);
		add_date(j, "period_start", g->start);
		add_date(j, "period_end", g->end);
		cJSON_AddNumberToObject(j, "actual_so_far", r1(g->actual_so_far));
		cJSON_AddNumberToObject(j, "expected", r1(g->mean));
		cJSON_AddNumberToObject(j, "sd", r1(g->sd));
		add_prob(j, "probability", g->prob);
		cJSON_AddStringToObject(j, "status", goal_status_name(g->status));
		if (g->goal->direction == DIR_NEUTRAL)
			cJSON_AddNullToObject(j, "hits");
		else
			cJSON_AddNumberToObject(j, "hits", g->hits);
		cJSON_AddNumberToObject(j, "periods", g->periods);
		cJSON_AddItemToObject(j, "per_day", by_type(g->per_day));
		rem = cJSON_AddObjectToObject(j, "remaining");
		cJSON_AddNumberToObject(rem, "weekdays", g->remaining[0]);
		cJSON_AddNumberToObject(rem, "holidays", g->remaining[1]);
		cJSON_AddItemToObject(rem, "per_day", by_type(g->remainder_per_day));
		add_date(j, "next_period_start", g->next_start);
		cJSON_AddNumberToObject(j, "next_expected", r1(g->next_mean));
		cJSON_AddNumberToObject(j, "next_sd", r1(g->next_sd));
		add_prob(j, "next_probability", g->calc.p_before);
		cJSON_AddStringToObject(j, "model", g->goal->direction == DIR_NEUTRAL ? "none" :
					(g->calibrated & 1) ? "calibrated" : "normal");
		cJSON_AddStringToObject(j, "next_model", g->goal->direction == DIR_NEUTRAL ?
					"none" : (g->calibrated & 2) ? "calibrated" : "normal");
		cJSON_AddBoolToObject(j, "no_data", g->no_data);
		cJSON_AddItemToArray(goals, j);

		if (g->calc.kind == PROPOSAL_NONE)
			continue;
		j = cJSON_CreateObject();
		if (g->propose && rep->proposal_ids && rep->proposal_ids[i])
			cJSON_AddNumberToObject(j, "proposal_id", (double)rep->proposal_ids[i]);
		else
			cJSON_AddNullToObject(j, "proposal_id");
		cJSON_AddNumberToObject(j, "goal_id", (double)g->goal->goal_id);
		cJSON_AddStringToObject(j, "category", category_name(rep, g));
		cJSON_AddStringToObject(j, "kind", g->calc.kind == PROPOSAL_TOO_HARD ?
					"too_hard" : "too_easy");
		cJSON_AddNumberToObject(j, "current_minutes", g->goal->minutes);
		cJSON_AddNumberToObject(j, "proposed_minutes", g->proposed);
		cJSON_AddNumberToObject(j, "budget_cut", g->budget_cut);
		cJSON_AddNumberToObject(j, "budget_lowered", g->budget_lowered);
		add_prob(j, "probability_before", g->calc.p_before);
		add_prob(j, "probability_after", g->p_after);
		add_date(j, "valid_from", period_next_start(g->goal->period, rep->in->as_of));
		cJSON_AddBoolToObject(j, "stored", g->propose);
		cJSON_AddStringToObject(j, "reason", g->reason);
		cJSON_AddItemToArray(props, j);
	}
	budget = cJSON_AddObjectToObject(root, "day_budget");
	for (t = 0; t < 2; t++) {
		cJSON *b = cJSON_AddObjectToObject(budget, day_type_name((enum day_type)t));

		cJSON_AddNumberToObject(b, "current", r1(r->budget[t].current));
		cJSON_AddNumberToObject(b, "with_proposals", r1(r->budget[t].proposed));
		cJSON_AddNumberToObject(b, "fitted", r1(r->budget[t].fitted));
		cJSON_AddBoolToObject(b, "over_with_current_goals", r->budget[t].over);
		cJSON_AddNumberToObject(b, "more_goals_current", r1(r->budget[t].more_current));
		cJSON_AddNumberToObject(b, "more_goals_fitted", r1(r->budget[t].more_fitted));
		cJSON_AddNumberToObject(b, "unmanaged_minimum", r1(r->budget[t].unmanaged));
		cJSON_AddNumberToObject(b, "unmanaged_days", r->budget[t].unmanaged_days);
	}
	text = cJSON_Print(root);
	if (!text)
		abort();
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	cJSON_Delete(root);
}
