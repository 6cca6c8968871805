/*
 * test_report_fixture: in-memory reports for the reporter's unit tests and
 * benchmark, without a database.  fixture_report() builds a deterministic
 * month for a person with Japanese category names; the variant picks the
 * awkward cases the issue names (empty month, plan only, a 40-character
 * Japanese name).  Header-only so each test binary stays self-contained.
 */
#ifndef TEST_REPORT_FIXTURE_H
#define TEST_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporter/report.h"

enum fixture_variant { FIX_FULL, FIX_EMPTY, FIX_PLAN_ONLY, FIX_LONG_NAME };

#define FIX_LONG_JA "長い名前のカテゴリ名長い名前のカテゴリ名長い名前のカテゴリ名長い名前のカテゴリ名"

static const struct {
	const char *key, *name, *group, *color;
	int base;        /* typical minutes per day */
	int plan;        /* planned minutes per weekday */
} fixture_cats[] = {
	{ "Sleep", "睡眠", "Essentials", "#4a6fa5", 420, 450 },
	{ "Meals", "食事", "Essentials", "#e0a458", 90, 90 },
	{ "Work", "仕事", "Obligation", "#c0392b", 420, 480 },
	{ "Commute", "通勤", "Obligation", "#7f8c8d", 60, 60 },
	{ "Exercise", "運動", "Essentials", "#27ae60", 30, 45 },
	{ "Reading", "読書", "Leisure", "#8e44ad", 45, 30 },
	{ "Hobby", "趣味 (Hobby)", "Leisure", "#16a085", 60, 0 },
	{ "Uncategorized", "未分類", "Other", "#bdc3c7", 15, 0 },
	{ "Untracked", "未記録", "Other", "#ecf0f1", 0, 0 },
};
#define FIXTURE_NCATS (sizeof(fixture_cats) / sizeof(fixture_cats[0]))

static char *fixture_strdup(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	if (!d)
		abort();
	memcpy(d, s, strlen(s) + 1);
	return d;
}

static inline void fixture_report(struct report *r, enum fixture_variant v)
{
	size_t i;
	int d;

	report_init(r);
	report_set_month(r, "2026-10");
	r->timezone = fixture_strdup("Asia/Tokyo");
	r->generated_at = fixture_strdup("2026-11-01T06:00:00Z");
	for (i = 0; i < FIXTURE_NCATS; i++) {
		const char *name = fixture_cats[i].name;
		if (v == FIX_LONG_NAME && i == 5)
			name = FIX_LONG_JA;
		report_add_category(r, fixture_cats[i].key, name, fixture_cats[i].group,
				    fixture_cats[i].color, (int)i + 1);
	}
	for (d = 0; d < r->ndays; d++) {
		int weekday = (d + 3) % 7;          /* 2026-10-01 is a Thursday */
		int holiday = weekday >= 5;
		double sum = 0;

		r->day_type[d] = holiday ? 'h' : 'w';
		if (v == FIX_EMPTY)
			continue;
		for (i = 0; i < FIXTURE_NCATS; i++) {
			struct report_category *c = &r->cats[i];
			double plan = holiday ? 0 : fixture_cats[i].plan;
			double act = fixture_cats[i].base;

			/* A deterministic wobble so the chart has texture. */
			act += (double)(((d * 37 + (int)i * 11) % 41) - 20);
			if (holiday && i == 2)
				act = 0;
			if (holiday && i == 6)
				act += 180;
			if (act < 0 || !strcmp(c->category, "Untracked"))
				act = 0;
			if (v == FIX_PLAN_ONLY)
				act = 0;
			c->daily_plan[d] = plan;
			c->plan += plan;
			if (plan > 0)
				r->day_has_plan[d] = 1;
			c->daily_actual[d] = act;
			sum += act;
		}
		if (v != FIX_PLAN_ONLY) {
			/* Untracked fills the day to 24 hours. */
			struct report_category *u = &r->cats[FIXTURE_NCATS - 1];
			u->daily_actual[d] = sum < 1440 ? 1440 - sum : 0;
			r->day_has_actual[d] = 1;
		}
		for (i = 0; i < FIXTURE_NCATS; i++)
			r->cats[i].actual += r->cats[i].daily_actual[d];
	}
	if (v == FIX_EMPTY)
		return;
	for (i = 0; i < FIXTURE_NCATS; i++) {
		struct report_category *c = &r->cats[i];
		if (fixture_cats[i].plan > 0) {
			c->has_goal = 1;
			c->goal = fixture_cats[i].plan * 22.0;
		}
		c->has_prev = i != 6;
		c->prev_actual = c->actual * (0.9 + 0.03 * (double)i);
	}
	r->has_adherence = 1;
	r->planned_minutes = report_total_plan(r);
	r->adhered_minutes = v == FIX_PLAN_ONLY ? 0 : r->planned_minutes * 0.71;
	r->goals_met = 3;
	r->goals_at_risk = 1;
	r->goals_off_track = 2;

	r->nfreshness = 2;
	r->freshness = calloc(2, sizeof(*r->freshness));
	r->freshness[0].source = fixture_strdup("google_calendar");
	r->freshness[0].last_synced_at = fixture_strdup("2026-11-01 05:10");
	r->freshness[0].last_changed_at = fixture_strdup("2026-10-31 22:00");
	r->freshness[0].row_count = 812;
	r->freshness[1].source = fixture_strdup("toggl_track");
	r->freshness[1].last_synced_at = fixture_strdup("2026-11-01 05:00");
	r->freshness[1].last_changed_at = fixture_strdup("2026-10-31 23:58");
	r->freshness[1].row_count = 2431;

	/* Flows: each planned category keeps most of its time. */
	r->flows_exact = 1;
	for (i = 0; i < FIXTURE_NCATS; i++) {
		struct report_flow *f;
		if (!r->cats[i].plan)
			continue;
		r->flows = realloc(r->flows, (r->nflows + 1) * sizeof(*r->flows));
		f = &r->flows[r->nflows++];
		memset(f, 0, sizeof(*f));
		f->plan_category = fixture_strdup(r->cats[i].category);
		f->planned = r->cats[i].plan;
		f->nparts = 3;
		f->parts = calloc(3, sizeof(*f->parts));
		f->parts[0].category = fixture_strdup(r->cats[i].category);
		f->parts[0].minutes = f->planned * 0.7;
		f->parts[1].category = fixture_strdup("Hobby");
		f->parts[1].minutes = f->planned * 0.2;
		f->parts[2].category = fixture_strdup("Untracked");
		f->parts[2].minutes = f->planned * 0.1;
	}
	r->estimates_as_of = fixture_strdup("2026-10-20");
	for (i = 0; i < 6; i++) {
		struct report_projection *p;
		r->projections = realloc(r->projections,
					 (r->nprojections + 1) * sizeof(*r->projections));
		p = &r->projections[r->nprojections++];
		memset(p, 0, sizeof(*p));
		p->category = fixture_strdup(r->cats[i].category);
		p->actual_to_date = r->cats[i].actual * 0.65;
		p->projected = r->cats[i].actual;
		p->lower80 = r->cats[i].actual * 0.92;
		p->upper80 = r->cats[i].actual * 1.08;
		p->has_goal = r->cats[i].has_goal;
		p->goal = r->cats[i].goal;
	}
	r->nproposals = 2;
	r->proposals = calloc(2, sizeof(*r->proposals));
	r->proposals[0].category = fixture_strdup("Exercise");
	r->proposals[0].day_type = fixture_strdup("weekday");
	r->proposals[0].period = fixture_strdup("day");
	r->proposals[0].direction = fixture_strdup("more");
	r->proposals[0].current_minutes = 45;
	r->proposals[0].proposed_minutes = 30;
	r->proposals[0].probability_before = 0.18;
	r->proposals[0].probability_after = 0.62;
	r->proposals[0].reason = fixture_strdup(
		"met on 4 of the last 22 weekdays; 30 minutes is met on 14 of them, a goal "
		"that stretches without being out of reach");
	r->proposals[1].category = fixture_strdup("Sleep");
	r->proposals[1].day_type = fixture_strdup("any");
	r->proposals[1].period = fixture_strdup("day");
	r->proposals[1].direction = fixture_strdup("more");
	r->proposals[1].current_minutes = 420;
	r->proposals[1].proposed_minutes = 450;
	r->proposals[1].probability_before = 0.97;
	r->proposals[1].probability_after = 0.71;
	r->proposals[1].reason = fixture_strdup("睡眠の目標は毎日達成されています。少し高い目標を提案します。");
}

#endif
