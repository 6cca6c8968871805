/*
 * report: lifecycle of struct report and the derived figures that the PDF and
 * the Typst data share, so the two outputs can never disagree on a number.
 */
#include "reporter/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();   /* out of memory is not recoverable for a CLI job */
	return q;
}

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
}

void report_release(struct report *r)
{
	size_t i, j;

	free(r->timezone);
	free(r->generated_at);
	for (i = 0; i < r->ncats; i++) {
		free(r->cats[i].category);
		free(r->cats[i].display_name);
		free(r->cats[i].coarse_group);
		free(r->cats[i].color);
		free(r->cats[i].goal_direction);
	}
	free(r->cats);
	for (i = 0; i < r->nfreshness; i++) {
		free(r->freshness[i].source);
		free(r->freshness[i].last_synced_at);
		free(r->freshness[i].last_changed_at);
	}
	free(r->freshness);
	for (i = 0; i < r->nflows; i++) {
		free(r->flows[i].plan_category);
		for (j = 0; j < r->flows[i].nparts; j++)
			free(r->flows[i].parts[j].category);
		free(r->flows[i].parts);
	}
	free(r->flows);
	free(r->estimates_as_of);
	for (i = 0; i < r->nprojections; i++)
		free(r->projections[i].category);
	free(r->projections);
	for (i = 0; i < r->nproposals; i++) {
		free(r->proposals[i].category);
		free(r->proposals[i].day_type);
		free(r->proposals[i].period);
		free(r->proposals[i].direction);
		free(r->proposals[i].reason);
	}
	free(r->proposals);
	for (i = 0; i < r->ngoals; i++) {
		free(r->goals[i].category);
		free(r->goals[i].day_type);
		free(r->goals[i].period);
		free(r->goals[i].direction);
	}
	free(r->goals);
	free(r->last_complete);
	report_init(r);
}

int report_set_month(struct report *r, const char *month)
{
	int y, m, n = 0;
	int32_t next;

	if (!month || strlen(month) != 7 || month[4] != '-' ||
	    sscanf(month, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 ||
	    y < 1970 || y > 9999 || m < 1 || m > 12)
		return -1;
	r->year = y;
	r->month = m;
	r->first_day = time_days_from_civil(y, m, 1);
	next = m == 12 ? time_days_from_civil(y + 1, 1, 1)
		       : time_days_from_civil(y, m + 1, 1);
	r->ndays = (int)(next - r->first_day);
	return 0;
}

struct report_category *report_add_category(struct report *r, const char *category,
					    const char *display_name,
					    const char *coarse_group,
					    const char *color, int sort_order)
{
	struct report_category *c;

	r->cats = xrealloc(r->cats, (r->ncats + 1) * sizeof(*r->cats));
	c = &r->cats[r->ncats++];
	memset(c, 0, sizeof(*c));
	c->category = dup_or_null(category ? category : "");
	c->display_name = dup_or_null(display_name && *display_name ? display_name
					   : c->category);
	c->coarse_group = dup_or_null(coarse_group ? coarse_group : "");
	c->color = dup_or_null(color ? color : "#999999");
	c->sort_order = sort_order;
	return c;
}

struct report_category *report_find_category(const struct report *r,
					     const char *category)
{
	size_t i;

	for (i = 0; category && i < r->ncats; i++)
		if (!strcmp(r->cats[i].category, category))
			return &r->cats[i];
	return NULL;
}

const char *report_display_name(const struct report *r, const char *category)
{
	const struct report_category *c = report_find_category(r, category);
	return c ? c->display_name : category;
}

double report_total_actual(const struct report *r)
{
	double t = 0;
	size_t i;

	for (i = 0; i < r->ncats; i++)
		t += r->cats[i].actual;
	return t;
}

double report_untracked(const struct report *r)
{
	const struct report_category *c = report_find_category(r, "Untracked");
	return c ? c->actual : 0;
}

double report_tracked(const struct report *r)
{
	return report_total_actual(r) - report_untracked(r);
}

double report_total_plan(const struct report *r)
{
	double t = 0;
	size_t i;

	for (i = 0; i < r->ncats; i++)
		t += r->cats[i].plan;
	return t;
}

int report_days_with_actual(const struct report *r)
{
	int d, n = 0;

	for (d = 0; d < r->ndays && d < REPORT_MAX_DAYS; d++)
		n += r->day_has_actual[d] != 0;
	return n;
}

double report_weekday_average(const struct report *r, size_t cat, int weekday)
{
	double sum = 0;
	int d, n = 0;

	if (cat >= r->ncats)
		return -1;
	for (d = 0; d < r->ndays && d < REPORT_MAX_DAYS; d++) {
		if (!r->day_has_actual[d] ||
		    time_weekday(r->first_day + d) != weekday)
			continue;
		sum += r->cats[cat].daily_actual[d];
		n++;
	}
	return n ? sum / n : -1;
}

enum goal_status report_category_status(const struct report *r, const char *category)
{
	enum goal_direction d = DIR_NEUTRAL;
	int hits = 0, periods = 0;
	size_t i;

	for (i = 0; i < r->ngoals; i++) {
		const struct report_goal *g = &r->goals[i];
		enum goal_direction gd;

		if (strcmp(g->category, category) || goal_direction_parse(g->direction, &gd) < 0 ||
		    gd == DIR_NEUTRAL)
			continue;
		d = gd;
		hits += g->hits;
		periods += g->periods;
	}
	return goal_status_of_hits(d, hits, periods, GOAL_STATUS_ON_TRACK, GOAL_STATUS_AT_RISK);
}

void report_hits_text(const struct report_goal *g, char *out, size_t outlen)
{
	const char *unit = !strcmp(g->period, "day") ? "day" :
			   !strcmp(g->period, "week") ? "week" : "month";

	snprintf(out, outlen, "%d of %d %s%s", g->hits, g->periods, unit,
		 g->periods == 1 ? "" : "s");
}

void report_format_hm(double minutes, char *out, size_t outlen)
{
	long long m = llround(minutes);
	const char *sign = m < 0 ? "-" : "";

	if (m < 0)
		m = -m;
	snprintf(out, outlen, "%s%lld:%02lld", sign, m / 60, m % 60);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int report_parse_color(const char *hex, double rgb[3])
{
	int i;

	rgb[0] = rgb[1] = rgb[2] = 0.6;
	if (!hex || hex[0] != '#' || strlen(hex) != 7)
		return -1;
	for (i = 0; i < 6; i++)
		if (hexval(hex[1 + i]) < 0)
			return -1;
	for (i = 0; i < 3; i++)
		rgb[i] = (hexval(hex[1 + 2 * i]) * 16 + hexval(hex[2 + 2 * i])) / 255.0;
	return 0;
}

void report_month_label(const struct report *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d", r->year, r->month);
}
