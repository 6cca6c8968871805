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
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"

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

/* Version 2: the sections of the monthly review, with the same figures the
 * PDF prints (docs/report-json.md). */
static void add_review(cJSON *root, const struct report *r)
{
	cJSON *a, *o, *t;
	size_t i;
	int m, wd, h, k, n;

	a = cJSON_AddArrayToObject(root, "trend");
	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		double avg = report_trend_average(c);
		o = cJSON_CreateObject();
		add_str(o, "category", c->category);
		t = cJSON_AddArrayToObject(o, "per_day");
		for (m = 0; m < REPORT_TREND_MONTHS; m++) {
			double v = report_trend_per_day(c, m);
			cJSON_AddItemToArray(t, v < 0 ? cJSON_CreateNull() : cJSON_CreateNumber(v));
		}
		t = cJSON_AddArrayToObject(o, "days");
		for (m = 0; m < REPORT_TREND_MONTHS; m++)
			cJSON_AddItemToArray(t, cJSON_CreateNumber(c->trend_days[m]));
		if (avg >= 0)
			cJSON_AddNumberToObject(o, "average_12_months", avg);
		else
			cJSON_AddNullToObject(o, "average_12_months");
		cJSON_AddItemToArray(a, o);
	}

	o = cJSON_AddObjectToObject(root, "hourly");
	cJSON_AddBoolToObject(o, "available", r->has_hourly != 0);
	t = cJSON_AddArrayToObject(o, "days_per_weekday");
	for (wd = 0; wd < 7; wd++)
		cJSON_AddItemToArray(t, cJSON_CreateNumber(r->hourly_days[wd]));
	t = cJSON_AddArrayToObject(o, "categories");
	for (i = 0; r->has_hourly && i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		cJSON *cat, *rows;
		if (c->hourly_total <= 0)
			continue;
		cat = cJSON_CreateObject();
		add_str(cat, "category", c->category);
		cJSON_AddNumberToObject(cat, "minutes", c->hourly_total);
		rows = cJSON_AddArrayToObject(cat, "minutes_per_day");
		for (wd = 0; wd < 7; wd++) {
			cJSON *row = cJSON_CreateArray();
			for (h = 0; h < 24; h++)
				cJSON_AddItemToArray(row, r->hourly_days[wd] ?
					cJSON_CreateNumber(c->hourly[wd][h] / r->hourly_days[wd]) :
					cJSON_CreateNull());
			cJSON_AddItemToArray(rows, row);
		}
		/* Version 3: per clock hour over all weekdays (the busiest hour of
		 * the PDF), and the same for the previous month (the shift). */
		{
			int days = 0;
			for (wd = 0; wd < 7; wd++)
				days += r->hourly_days[wd];
			rows = cJSON_AddArrayToObject(cat, "minutes_per_hour");
			for (h = 0; h < 24; h++) {
				double m = 0;
				for (wd = 0; wd < 7; wd++)
					m += c->hourly[wd][h];
				cJSON_AddItemToArray(rows, days ? cJSON_CreateNumber(m / days) : cJSON_CreateNull());
			}
			rows = cJSON_AddArrayToObject(cat, "previous_minutes_per_hour");
			for (h = 0; h < 24; h++)
				cJSON_AddItemToArray(rows, r->hourly_prev_days > 0 ?
					cJSON_CreateNumber(c->hourly_prev[h] / r->hourly_prev_days) :
					cJSON_CreateNull());
		}
		cJSON_AddItemToArray(t, cat);
	}
	cJSON_AddNumberToObject(o, "previous_days", r->hourly_prev_days);

	o = cJSON_AddObjectToObject(root, "top");
	cJSON_AddBoolToObject(o, "available", r->has_top != 0);
	cJSON_AddNumberToObject(o, "depth", r->top_depth);
	t = cJSON_AddArrayToObject(o, "categories");
	for (i = 0; i < r->ntops; i++) {
		static const char *const kinds[3] = { "projects", "tags", "descriptions" };
		const struct report_top *tp = &r->tops[i];
		cJSON *cat = cJSON_CreateObject();
		add_str(cat, "category", tp->category);
		cJSON_AddNumberToObject(cat, "total_minutes", tp->total);
		for (k = 0; k < 3; k++) {
			cJSON *list = cJSON_AddArrayToObject(cat, kinds[k]);
			for (n = 0; n < tp->nitems[k]; n++) {
				cJSON *it = cJSON_CreateObject();
				add_str(it, "name", tp->items[k][n].name);
				cJSON_AddNumberToObject(it, "minutes", tp->items[k][n].minutes);
				cJSON_AddNumberToObject(it, "share", tp->total > 0 ?
							tp->items[k][n].minutes / tp->total : 0);
				cJSON_AddItemToArray(list, it);
			}
		}
		cJSON_AddItemToArray(t, cat);
	}

	o = cJSON_AddObjectToObject(root, "forecast");
	add_str(o, "as_of", r->forecast_as_of);
	t = cJSON_AddArrayToObject(o, "rows");
	for (i = 0; i < r->nforecasts; i++) {
		const struct report_forecast *f = &r->forecasts[i];
		cJSON *row = cJSON_CreateObject();
		add_str(row, "category", f->category);
		cJSON_AddNumberToObject(row, "estimated", f->estimated);
		cJSON_AddNumberToObject(row, "lower80", f->lower80);
		cJSON_AddNumberToObject(row, "upper80", f->upper80);
		cJSON_AddNumberToObject(row, "actual", f->actual);
		cJSON_AddBoolToObject(row, "inside80", f->actual >= f->lower80 - 1e-9 &&
				      f->actual <= f->upper80 + 1e-9);
		cJSON_AddBoolToObject(row, "calibrated", f->calibrated != 0);
		cJSON_AddItemToArray(t, row);
	}
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
		add_str(o, "best_start", g->best_start);
		add_str(o, "worst_start", g->worst_start);
		if (g->best_start) {
			cJSON_AddNumberToObject(o, "best_actual", g->best_actual);
			cJSON_AddNumberToObject(o, "worst_actual", g->worst_actual);
		} else {
			cJSON_AddNullToObject(o, "best_actual");
			cJSON_AddNullToObject(o, "worst_actual");
		}
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
	{
		char fmt[48];
		snprintf(fmt, sizeof(fmt), "dwhbi-monthly-report/%d", REPORT_JSON_VERSION);
		cJSON_AddStringToObject(root, "format", fmt);
	}
	cJSON_AddNumberToObject(root, "schema_version", REPORT_JSON_VERSION);
	cJSON_AddStringToObject(root, "lang", r->lang_ja ? "ja" : "en");
	add_str(root, "generated_local", r->generated_local);
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
	{
		char summary[2048];
		report_summary(r, summary, sizeof(summary));
		cJSON_AddStringToObject(root, "summary", summary);
	}
	add_review(root, r);
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

int report_write_json(const struct report *r, const char *json_path, char *err,
		      size_t errlen)
{
	cJSON *root = report_to_json(r);
	char *json = cJSON_Print(root);
	int rc;

	cJSON_Delete(root);
	if (!json)
		abort();   /* cJSON fails only when out of memory */
	rc = write_file(json_path, json, strlen(json), err, errlen);
	cJSON_free(json);
	return rc;
}

int report_init_template(const char *path, char *err, size_t errlen)
{
	char *template;
	size_t tlen;
	int fd, rc = 1;
	FILE *f;

	template = resource_read(TEMPLATE, &tlen);
	if (!template) {
		snprintf(err, errlen, "missing '%s' in this build", TEMPLATE);
		return -1;
	}
	/* O_EXCL: a file that is there (a person's template) is never touched. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0) {
		free(template);
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "wb");
	if (!f || fwrite(template, 1, tlen, f) != tlen) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (f && fclose(f) != 0 && rc == 1) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		rc = -1;
	} else if (!f) {
		close(fd);
	}
	free(template);
	return rc;
}

int report_write_typst(const struct report *r, const char *dir, int *kept, char *err,
		       size_t errlen)
{
	char path[4096];
	int rc;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/report.json", dir);
	if (report_write_json(r, path, err, errlen) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/monthly.typ", dir);
	rc = report_init_template(path, err, errlen);
	if (rc < 0)
		return -1;
	if (kept)
		*kept = rc == 0;
	return 0;
}

/* The folder of path ("." when it has none). */
static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int report_render_typst_pdf(const struct report *r, const char *template,
			    const char *typst, const char *out, int timeout_s,
			    char *err, size_t errlen)
{
	char dir[4096], json[4200], tmp[64] = "", tpl[4200], cerr[256];
	const char *args[8];
	struct child_opts co = { .out = CHILD_KEEP, .who = "dwhbi report" };
	int status = 0, rc = -1, w;
	pid_t pid;

	if (template) {
		dir_of(template, dir, sizeof(dir));
		snprintf(tpl, sizeof(tpl), "%s", template);
	} else {
		snprintf(tmp, sizeof(tmp), "/tmp/dwhbi-typst.XXXXXX");
		if (!mkdtemp(tmp)) {
			snprintf(err, errlen, "cannot create a temporary folder: %s", strerror(errno));
			return -1;
		}
		snprintf(dir, sizeof(dir), "%s", tmp);
		snprintf(tpl, sizeof(tpl), "%s/monthly.typ", tmp);
		if (report_init_template(tpl, err, errlen) < 0)
			goto out;
	}
	snprintf(json, sizeof(json), "%s/report.json", dir);
	if (report_write_json(r, json, err, errlen) < 0)
		goto out;
	args[0] = "compile";
	args[1] = tpl;
	args[2] = out;
	args[3] = NULL;
	pid = child_start(typst, args, &co, cerr, sizeof(cerr));
	if (pid < 0) {
		snprintf(err, errlen, "cannot run the Typst compiler '%s': %s (install it, e.g. "
			 "scripts/install-deps reporter, and set DWHBI_TYPST to its path)", typst, cerr);
		goto out;
	}
	w = child_wait(pid, timeout_s, 5, &status, cerr, sizeof(cerr));
	if (w != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "'%s compile %s' %s", typst, tpl,
			 w == 1 ? "took too long and was stopped" :
			 w < 0 ? cerr : "failed (its message is above)");
		goto out;
	}
	rc = 0;
out:
	if (tmp[0]) {
		snprintf(json, sizeof(json), "%s/report.json", tmp);
		remove(json);
		remove(tpl);
		rmdir(tmp);
	}
	return rc;
}
