/*
 * typst: the JSON data and template copy behind `dwhbi report --format
 * typst` (see typst.h).  The JSON carries the derived figures too (tracked
 * time, coverage, goal counts), computed by the same functions as the PDF,
 * so the template only lays them out and both outputs agree.
 */
#include "reporter/typst.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/resource.h"
#include "lib/timeutil.h"

#define TEMPLATE "templates/monthly.typ"

static void add_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *minutes_array(const double *v, int n)
{
	cJSON *a = cJSON_CreateArray();
	int i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
	return a;
}

static void add_key_figures(cJSON *root, const struct report *r)
{
	cJSON *k = cJSON_AddObjectToObject(root, "key");
	cJSON *g;
	double total = report_total_actual(r);

	cJSON_AddNumberToObject(k, "tracked_minutes", report_tracked(r));
	cJSON_AddNumberToObject(k, "recorded_minutes", total);
	cJSON_AddNumberToObject(k, "untracked_minutes", report_untracked(r));
	if (total > 0)
		cJSON_AddNumberToObject(k, "coverage", report_tracked(r) / total);
	else
		cJSON_AddNullToObject(k, "coverage");
	cJSON_AddNumberToObject(k, "days_with_actual", report_days_with_actual(r));
	cJSON_AddNumberToObject(k, "planned_minutes", report_total_plan(r));
	if (r->has_adherence && r->planned_minutes > 0) {
		cJSON_AddNumberToObject(k, "adherence_planned_minutes", r->planned_minutes);
		cJSON_AddNumberToObject(k, "adherence_adhered_minutes", r->adhered_minutes);
		cJSON_AddNumberToObject(k, "adherence", r->adhered_minutes / r->planned_minutes);
	} else {
		cJSON_AddNullToObject(k, "adherence");
	}
	g = cJSON_AddObjectToObject(k, "goals");
	cJSON_AddNumberToObject(g, "hits", r->goal_hits);
	cJSON_AddNumberToObject(g, "periods", r->goal_periods);
	cJSON_AddNumberToObject(g, "judged", r->goals_met + r->goals_on_track +
				r->goals_at_risk + r->goals_off_track);
	cJSON_AddNumberToObject(g, "met_every_period", r->goals_met);
	cJSON_AddNumberToObject(g, "neutral", r->goals_neutral);
}

static void add_goals(cJSON *root, const struct report *r)
{
	cJSON *a = cJSON_AddArrayToObject(root, "goals");
	size_t i;

	for (i = 0; i < r->ngoals; i++) {
		const struct report_goal *g = &r->goals[i];
		cJSON *o = cJSON_CreateObject();
		char hits[64];

		report_hits_text(g, hits, sizeof(hits));
		add_str(o, "category", g->category);
		add_str(o, "display_name", report_display_name(r, g->category));
		add_str(o, "day_type", g->day_type);
		add_str(o, "period", g->period);
		add_str(o, "direction", g->direction);
		cJSON_AddNumberToObject(o, "minutes", g->minutes);
		cJSON_AddNumberToObject(o, "hits", g->hits);
		cJSON_AddNumberToObject(o, "periods", g->periods);
		add_str(o, "hits_text", hits);
		cJSON_AddNumberToObject(o, "streak", g->streak);
		if (g->periods > 0)
			cJSON_AddNumberToObject(o, "average", g->avg_actual);
		else
			cJSON_AddNullToObject(o, "average");
		add_str(o, "strip", g->strip);
		add_str(o, "status", goal_status_name(g->status));
		cJSON_AddItemToArray(a, o);
	}
}

static void add_categories(cJSON *root, const struct report *r)
{
	cJSON *a = cJSON_AddArrayToObject(root, "categories");
	size_t i;
	int wd;

	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		cJSON *o = cJSON_CreateObject(), *avg;

		add_str(o, "category", c->category);
		add_str(o, "display_name", c->display_name);
		add_str(o, "group", c->coarse_group);
		add_str(o, "color", c->color);
		cJSON_AddNumberToObject(o, "actual", c->actual);
		cJSON_AddNumberToObject(o, "plan", c->plan);
		if (c->has_goal)
			cJSON_AddNumberToObject(o, "goal", c->goal);
		else
			cJSON_AddNullToObject(o, "goal");
		add_str(o, "goal_direction", c->goal_direction);
		if (c->has_prev)
			cJSON_AddNumberToObject(o, "previous_actual", c->prev_actual);
		else
			cJSON_AddNullToObject(o, "previous_actual");
		if (c->has_goal_days && c->goal_sum > 0) {
			cJSON_AddNumberToObject(o, "goal_days_actual", c->goal_actual);
			cJSON_AddNumberToObject(o, "goal_days_goal", c->goal_sum);
		} else {
			cJSON_AddNullToObject(o, "goal_days_actual");
			cJSON_AddNullToObject(o, "goal_days_goal");
		}
		add_str(o, "goal_status", goal_status_name(report_category_status(r, c->category)));
		if (c->has_per_day && c->has_prev_per_day) {
			cJSON_AddNumberToObject(o, "per_day", c->per_day);
			cJSON_AddNumberToObject(o, "previous_per_day", c->prev_per_day);
		} else {
			cJSON_AddNullToObject(o, "per_day");
			cJSON_AddNullToObject(o, "previous_per_day");
		}
		cJSON_AddItemToObject(o, "daily_actual", minutes_array(c->daily_actual, r->ndays));
		cJSON_AddItemToObject(o, "daily_plan", minutes_array(c->daily_plan, r->ndays));
		avg = cJSON_AddArrayToObject(o, "weekday_average");
		for (wd = 0; wd < 7; wd++) {
			double v = report_weekday_average(r, i, wd);
			cJSON_AddItemToArray(avg, v < 0 ? cJSON_CreateNull() : cJSON_CreateNumber(v));
		}
		cJSON_AddItemToArray(a, o);
	}
}

static void add_days(cJSON *root, const struct report *r)
{
	cJSON *a = cJSON_AddArrayToObject(root, "days");
	int d;

	for (d = 0; d < r->ndays; d++) {
		cJSON *o = cJSON_CreateObject();
		char date[16];

		time_format_date(r->first_day + d, date, sizeof(date));
		cJSON_AddStringToObject(o, "date", date);
		cJSON_AddNumberToObject(o, "day", d + 1);
		cJSON_AddNumberToObject(o, "weekday", time_weekday(r->first_day + d));
		add_str(o, "day_type", r->day_type[d] == 'h' ? "holiday"
				      : r->day_type[d] == 'w' ? "weekday" : NULL);
		cJSON_AddBoolToObject(o, "has_actual", r->day_has_actual[d] != 0);
		cJSON_AddBoolToObject(o, "has_plan", r->day_has_plan[d] != 0);
		cJSON_AddItemToArray(a, o);
	}
}

static void add_sections(cJSON *root, const struct report *r)
{
	cJSON *a, *o, *parts;
	size_t i, j;

	a = cJSON_AddArrayToObject(root, "freshness");
	for (i = 0; i < r->nfreshness; i++) {
		o = cJSON_CreateObject();
		add_str(o, "source", r->freshness[i].source);
		add_str(o, "last_synced_at", r->freshness[i].last_synced_at);
		add_str(o, "last_changed_at", r->freshness[i].last_changed_at);
		if (r->freshness[i].row_count >= 0)
			cJSON_AddNumberToObject(o, "row_count", (double)r->freshness[i].row_count);
		else
			cJSON_AddNullToObject(o, "row_count");
		cJSON_AddItemToArray(a, o);
	}

	o = cJSON_AddObjectToObject(root, "flows");
	cJSON_AddBoolToObject(o, "exact", r->flows_exact != 0);
	a = cJSON_AddArrayToObject(o, "rows");
	for (i = 0; i < r->nflows; i++) {
		cJSON *f = cJSON_CreateObject();
		add_str(f, "plan_category", r->flows[i].plan_category);
		cJSON_AddNumberToObject(f, "planned", r->flows[i].planned);
		cJSON_AddNumberToObject(f, "actual", r->flows[i].actual);
		parts = cJSON_AddArrayToObject(f, "parts");
		for (j = 0; j < r->flows[i].nparts; j++) {
			cJSON *p = cJSON_CreateObject();
			add_str(p, "category", r->flows[i].parts[j].category);
			cJSON_AddNumberToObject(p, "minutes", r->flows[i].parts[j].minutes);
			cJSON_AddItemToArray(parts, p);
		}
		cJSON_AddItemToArray(a, f);
	}

	add_str(root, "estimates_as_of", r->estimates_as_of);
	cJSON_AddBoolToObject(root, "projections_exact", r->projections_exact != 0);
	a = cJSON_AddArrayToObject(root, "projections");
	for (i = 0; i < r->nprojections; i++) {
		const struct report_projection *p = &r->projections[i];
		o = cJSON_CreateObject();
		add_str(o, "category", p->category);
		cJSON_AddNumberToObject(o, "actual_to_date", p->actual_to_date);
		cJSON_AddNumberToObject(o, "projected", p->projected);
		cJSON_AddNumberToObject(o, "lower80", p->lower80);
		cJSON_AddNumberToObject(o, "upper80", p->upper80);
		if (p->has_goal)
			cJSON_AddNumberToObject(o, "goal", p->goal);
		else
			cJSON_AddNullToObject(o, "goal");
		cJSON_AddItemToArray(a, o);
	}

	a = cJSON_AddArrayToObject(root, "proposals");
	for (i = 0; i < r->nproposals; i++) {
		const struct report_proposal *p = &r->proposals[i];
		o = cJSON_CreateObject();
		add_str(o, "category", p->category);
		add_str(o, "day_type", p->day_type);
		add_str(o, "period", p->period);
		add_str(o, "direction", p->direction);
		cJSON_AddNumberToObject(o, "current_minutes", p->current_minutes);
		cJSON_AddNumberToObject(o, "proposed_minutes", p->proposed_minutes);
		cJSON_AddNumberToObject(o, "probability_before", p->probability_before);
		cJSON_AddNumberToObject(o, "probability_after", p->probability_after);
		add_str(o, "reason", p->reason);
		cJSON_AddItemToArray(a, o);
	}
}

cJSON *report_to_json(const struct report *r)
{
	cJSON *root = cJSON_CreateObject();
	char month[16];

	report_month_label(r, month, sizeof(month));
	cJSON_AddStringToObject(root, "format", "dwhbi-monthly-report/1");
	cJSON_AddStringToObject(root, "month", month);
	cJSON_AddNumberToObject(root, "year", r->year);
	cJSON_AddNumberToObject(root, "month_number", r->month);
	cJSON_AddNumberToObject(root, "days_in_month", r->ndays);
	add_str(root, "timezone", r->timezone ? r->timezone : "UTC");
	add_str(root, "generated_at", r->generated_at);
	cJSON_AddBoolToObject(root, "partial", r->partial);
	cJSON_AddNumberToObject(root, "days_complete", r->days_complete);
	add_str(root, "last_complete", r->last_complete);
	add_key_figures(root, r);
	add_categories(root, r);
	add_goals(root, r);
	add_days(root, r);
	add_sections(root, r);
	return root;
}

static int write_file(const char *path, const char *data, size_t len, char *err,
		      size_t errlen)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int report_write_typst(const struct report *r, const char *dir, char *err,
		       size_t errlen)
{
	char path[4096], *json, *template;
	size_t tlen;
	cJSON *root;
	int rc;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	template = resource_read(TEMPLATE, &tlen);
	if (!template) {
		snprintf(err, errlen, "missing '%s' in this build", TEMPLATE);
		return -1;
	}
	root = report_to_json(r);
	json = cJSON_Print(root);
	cJSON_Delete(root);
	if (!json)
		abort();   /* cJSON fails only when out of memory */
	snprintf(path, sizeof(path), "%s/report.json", dir);
	rc = write_file(path, json, strlen(json), err, errlen);
	cJSON_free(json);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/monthly.typ", dir);
		rc = write_file(path, template, tlen, err, errlen);
	}
	free(template);
	return rc;
}
