/*
 * pdf: page layout of the monthly report (see pdf.h).  This file places the
 * sections on A4 pages and draws the text-only parts (header, key figures,
 * category table, proposals); the charts live in charts.c.  Positions are
 * fixed so the page count never depends on the data: lists that could grow
 * past their space are cut with a note saying how many were left out.
 */
#include "reporter/pdf.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reporter/canvas.h"
#include "reporter/charts.h"
#include "lib/timeutil.h"

#define PAGE_W 595.276   /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOTER_Y (PAGE_H - 30)

static const double GREY[3] = { 0.42, 0.42, 0.45 };
static const double RULE[3] = { 0.80, 0.80, 0.83 };
static const double ACCENT[3] = { 0.16, 0.32, 0.55 };

static void hline(cairo_t *cr, double x0, double x1, double y, double width,
		  const double *c)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y);
	cairo_line_to(cr, x1, y);
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* A numbered section heading with a rule; returns the y below it. */
static double section(struct canvas *cv, double y, const char *title,
		      const char *aside)
{
	canvas_text(cv, MARGIN, y, CONTENT_W * 0.6, 18, title, 11.5, TEXT_BOLD, ACCENT);
	if (aside)
		canvas_text(cv, MARGIN + CONTENT_W * 0.6, y + 3, CONTENT_W * 0.4, 12, aside, 7.5,
			    TEXT_RIGHT, GREY);
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y + 20, 0.6, RULE);
	return y + 26;
}

static void footer(struct canvas *cv, const struct report *r, int page)
{
	char left[96], right[32], month[16];

	report_month_label(r, month, sizeof(month));
	snprintf(left, sizeof(left), "dwhbi · monthly report %s · %s", month,
		 r->timezone ? r->timezone : "UTC");
	snprintf(right, sizeof(right), "page %d of %d", page, REPORT_PDF_PAGES);
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, FOOTER_Y - 4, 0.5, RULE);
	canvas_text(cv, MARGIN, FOOTER_Y, CONTENT_W / 2, 11, left, 7, 0, GREY);
	canvas_text(cv, MARGIN + CONTENT_W / 2, FOOTER_Y, CONTENT_W / 2, 11, right, 7,
		    TEXT_RIGHT, GREY);
}

static void format_pct(double num, double den, char *out, size_t len)
{
	if (den > 0)
		snprintf(out, len, "%.1f %%", num / den * 100);
	else
		snprintf(out, len, "—");
}

/* Header: title, zone, generation time and the freshness of each source. */
static double draw_header(struct canvas *cv, const struct report *r, double y)
{
	char title[96], sub[256], month[16];
	static const char *const head[] = { "source", "last sync", "last change", "rows" };
	static const double colw[] = { 190, 120, 120, 81 };
	size_t i, shown = 0;
	int top_level = 0;
	double x;

	report_month_label(r, month, sizeof(month));
	snprintf(title, sizeof(title), "Monthly time report · %s", month);
	canvas_text(cv, MARGIN, y, CONTENT_W, 30, title, 20, TEXT_BOLD, NULL);
	snprintf(sub, sizeof(sub), "%d年%d月 · time zone %s · generated %s", r->year,
		 r->month, r->timezone ? r->timezone : "UTC",
		 r->generated_at ? r->generated_at : "");
	canvas_text(cv, MARGIN, y + 30, CONTENT_W, 14, sub, 9, 0, GREY);
	y += 50;
	if (r->partial) {
		snprintf(sub, sizeof(sub), "Partial month: %d of %d days are over (data through "
			 "%s); goals count complete periods only.", r->days_complete, r->ndays,
			 r->last_complete ? r->last_complete : "no complete day yet");
		canvas_text(cv, MARGIN, y - 6, CONTENT_W, 13, sub, 8.5, TEXT_BOLD, ACCENT);
		y += 10;
	}

	canvas_text(cv, MARGIN, y, CONTENT_W, 13, "Data freshness", 8.5, TEXT_BOLD, NULL);
	y += 14;
	/* Per-source rows ('toggl_track'), not per raw table, when there are any. */
	for (i = 0; i < r->nfreshness; i++)
		top_level |= !strchr(r->freshness[i].source, '.');
	if (!r->nfreshness) {
		canvas_text(cv, MARGIN, y, CONTENT_W, 12,
			    "No source has been synced yet (marts.source_freshness is empty).",
			    8, 0, GREY);
		return y + 14;
	}
	for (x = MARGIN, i = 0; i < 4; x += colw[i], i++)
		canvas_text(cv, x, y, colw[i] - 6, 11, head[i], 7.5, i == 3 ? TEXT_RIGHT : 0, GREY);
	y += 12;
	for (i = 0; i < r->nfreshness && shown < 4; i++) {
		const struct report_freshness *f = &r->freshness[i];
		char rows[32];

		if (top_level && strchr(f->source, '.'))
			continue;
		snprintf(rows, sizeof(rows), "%lld", (long long)f->row_count);
		x = MARGIN;
		canvas_text(cv, x, y, colw[0] - 6, 12, f->source, 8, 0, NULL);
		x += colw[0];
		canvas_text(cv, x, y, colw[1] - 6, 12, f->last_synced_at ? f->last_synced_at : "never", 8, 0, NULL);
		x += colw[1];
		canvas_text(cv, x, y, colw[2] - 6, 12, f->last_changed_at ? f->last_changed_at : "—", 8, 0, NULL);
		x += colw[2];
		canvas_text(cv, x, y, colw[3] - 6, 12, rows, 8, TEXT_RIGHT, NULL);
		y += 12;
		shown++;
	}
	return y;
}

static void tile(struct canvas *cv, double x, double y, double w, double h,
		 const char *label, const char *value, const char *sub)
{
	static const double bg[3] = { 0.95, 0.96, 0.98 };

	cairo_save(cv->cr);
	cairo_set_source_rgb(cv->cr, bg[0], bg[1], bg[2]);
	cairo_rectangle(cv->cr, x, y, w, h);
	cairo_fill(cv->cr);
	cairo_restore(cv->cr);
	canvas_text(cv, x + 8, y + 5, w - 16, 12, label, 7.5, 0, GREY);
	canvas_text(cv, x + 8, y + 18, w - 16, 22, value, 15, TEXT_BOLD, NULL);
	canvas_text(cv, x + 8, y + 40, w - 16, h - 42, sub, 6.8, TEXT_WRAP, GREY);
}

static void draw_key_figures(struct canvas *cv, const struct report *r, double y)
{
	double w = (CONTENT_W - 3 * 8) / 4, h = 64, total = report_total_actual(r);
	double tracked = report_tracked(r), plan = report_total_plan(r);
	char value[64], sub[160], a[32], b[32];
	int goals = r->goals_met + r->goals_on_track + r->goals_at_risk + r->goals_off_track;

	report_format_hm(tracked, a, sizeof(a));
	snprintf(value, sizeof(value), "%s h", a);
	if (total > 0) {
		report_format_hm(total, b, sizeof(b));
		format_pct(tracked, total, a, sizeof(a));
		snprintf(sub, sizeof(sub), "%s of %s h recorded; %d of %d days", a, b,
			 report_days_with_actual(r), r->ndays);
	} else {
		snprintf(sub, sizeof(sub), "nothing recorded this month");
	}
	tile(cv, MARGIN, y, w, h, "Tracked time", value, sub);

	if (r->has_adherence && r->planned_minutes > 0) {
		format_pct(r->adhered_minutes, r->planned_minutes, value, sizeof(value));
		report_format_hm(r->adhered_minutes, a, sizeof(a));
		report_format_hm(r->planned_minutes, b, sizeof(b));
		snprintf(sub, sizeof(sub), "%s of %s planned h spent as planned", a, b);
	} else {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), "no plan this month");
	}
	tile(cv, MARGIN + (w + 8), y, w, h, "Plan adherence", value, sub);

	report_format_hm(plan, a, sizeof(a));
	snprintf(value, sizeof(value), "%s h", a);
	if (plan > 0) {
		report_format_hm(total - report_untracked(r) - plan, b, sizeof(b));
		snprintf(sub, sizeof(sub), "tracked vs plan: %s%s h",
			 tracked - plan >= 0 ? "+" : "", b);
	} else {
		snprintf(sub, sizeof(sub), "no calendar events with time");
	}
	tile(cv, MARGIN + 2 * (w + 8), y, w, h, "Planned time", value, sub);

	if (goals && r->goal_periods) {
		snprintf(value, sizeof(value), "%d of %d", r->goal_hits, r->goal_periods);
		snprintf(sub, sizeof(sub), "%s periods of %d goals, on their own days; %d "
			 "met every time", r->partial ? "complete" : "all", goals, r->goals_met);
	} else if (goals) {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), "no goal period is over yet");
	} else {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), "no goals apply to this month");
	}
	tile(cv, MARGIN + 3 * (w + 8), y, w, h, "Goal periods met", value, sub);
}

/* Actual time by coarse group as one 100 % bar with labels below. */
static double draw_groups(struct canvas *cv, const struct report *r, double y)
{
	static const double palette[][3] = {
		{ 0.30, 0.45, 0.65 }, { 0.85, 0.55, 0.25 }, { 0.40, 0.65, 0.45 },
		{ 0.60, 0.45, 0.65 }, { 0.55, 0.55, 0.58 }, { 0.75, 0.40, 0.40 },
	};
	const char *groups[16];
	double minutes[16] = { 0 }, total = report_total_actual(r), x = MARGIN;
	size_t n = 0, i, g;

	for (i = 0; i < r->ncats; i++) {
		for (g = 0; g < n; g++)
			if (!strcmp(groups[g], r->cats[i].coarse_group))
				break;
		if (g == n) {
			if (n == 16)
				continue;
			groups[n++] = r->cats[i].coarse_group;
		}
		minutes[g] += r->cats[i].actual;
	}
	if (total <= 0) {
		return chart_note(cv, MARGIN, y, CONTENT_W,
				  "No actual time this month, so there is no split by group.");
	}
	for (g = 0; g < n; g++) {
		double w = minutes[g] / total * CONTENT_W;
		char label[128], hm[32];
		const double *c = palette[g % 6];

		cairo_save(cv->cr);
		cairo_set_source_rgb(cv->cr, c[0], c[1], c[2]);
		cairo_rectangle(cv->cr, x, y, w, 14);
		cairo_fill(cv->cr);
		cairo_restore(cv->cr);
		report_format_hm(minutes[g], hm, sizeof(hm));
		snprintf(label, sizeof(label), "%s %s h (%.0f %%)",
			 groups[g][0] ? groups[g] : "(no group)", hm, minutes[g] / total * 100);
		/* Labels in equal columns below the bar, colored like their part. */
		{
			double colw = CONTENT_W / (double)n;
			cairo_save(cv->cr);
			cairo_set_source_rgb(cv->cr, c[0], c[1], c[2]);
			cairo_rectangle(cv->cr, MARGIN + g * colw, y + 20, 8, 7);
			cairo_fill(cv->cr);
			cairo_restore(cv->cr);
			canvas_text(cv, MARGIN + g * colw + 11, y + 17, colw - 14, 12, label, 7.5,
				    TEXT_MIDDLE, NULL);
		}
		x += w;
	}
	return 32;
}

static void page1(struct canvas *cv, const struct report *r)
{
	double y = draw_header(cv, r, 36);

	y = section(cv, y + 10, "1  Key figures", NULL);
	draw_key_figures(cv, r, y);
	y += 64 + 14;
	y = section(cv, y, "2  Actual time per day by category",
		    "bars: actual hours · line: planned hours");
	y += chart_daily_stacked(cv, r, MARGIN, y + 4, CONTENT_W, 400) + 10;
	y = section(cv, y, "Actual time by group", "share of all recorded time");
	draw_groups(cv, r, y);
	footer(cv, r, 1);
}

/* Ink of a goal status (lib/goal_status.h): green met or on track, amber
 * at risk, red off track, default ink for neutral. */
static const double *status_ink(enum goal_status st)
{
	static const double met[3] = { 0.10, 0.50, 0.20 };
	static const double risk[3] = { 0.75, 0.45, 0.00 };
	static const double off[3] = { 0.78, 0.12, 0.12 };

	switch (st) {
	case STATUS_MET:
	case STATUS_ON_TRACK: return met;
	case STATUS_AT_RISK: return risk;
	case STATUS_OFF_TRACK: return off;
	default: return NULL;
	}
}

/* A category's achievement is colored by how its goals did per period. */
static const double *status_color(const struct report *r, const struct report_category *c)
{
	return status_ink(report_category_status(r, c->category));
}

/* "+0:07/day (+2 %)": the change of actual minutes per day. */
static void per_day_change(double cur, double prev, char *out, size_t len)
{
	char a[32];

	report_format_hm(cur - prev, a, sizeof(a));
	if (prev > 0)
		snprintf(out, len, "%s%s/day (%+.0f %%)", cur >= prev ? "+" : "", a,
			 (cur - prev) / prev * 100);
	else
		snprintf(out, len, "%s%s/day", cur >= prev ? "+" : "", a);
}

/* Category table: actual, plan, goal, achievement, change. */
static double draw_category_table(struct canvas *cv, const struct report *r,
				  double y, double maxh)
{
	static const char *const head[] = { "category", "group", "actual", "plan", "goal",
					     "achieved", "vs previous month" };
	static const double colw[] = { 124, 66, 56, 56, 56, 52, 101 };
	double rowh = 15, x, y0 = y, tot_a = 0, tot_p = 0, tot_day = 0, tot_prev = 0;
	size_t i, j, omitted = 0;
	int any_prev = 0;
	char cell[7][96];
	const char *text[7];

	for (x = MARGIN, j = 0; j < 7; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 6, 12, head[j], 7.5,
			    TEXT_BOLD | (j >= 2 ? TEXT_RIGHT : 0), NULL);
	y += 14;
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		char a[32];

		tot_a += c->actual;
		tot_p += c->plan;
		if (c->has_per_day && c->has_prev_per_day) {
			tot_day += c->per_day;
			tot_prev += c->prev_per_day;
			any_prev = 1;
		}
		if (y + rowh > y0 + maxh - 3 * rowh) {
			omitted++;
			continue;
		}
		for (j = 0; j < 7; j++)
			text[j] = cell[j];
		text[0] = c->display_name;
		text[1] = c->coarse_group;
		report_format_hm(c->actual, cell[2], sizeof(cell[2]));
		if (c->plan > 0)
			report_format_hm(c->plan, cell[3], sizeof(cell[3]));
		else
			snprintf(cell[3], sizeof(cell[3]), "no plan");
		if (c->has_goal)
			report_format_hm(c->goal, cell[4], sizeof(cell[4]));
		else
			snprintf(cell[4], sizeof(cell[4]), "—");
		/* On the complete days on which the goal applies only. */
		(void)a;
		if (c->has_goal_days && c->goal_sum > 0 && c->goal_direction &&
		    strcmp(c->goal_direction, "neutral"))
			snprintf(cell[5], sizeof(cell[5]), "%.0f %% %s",
				 c->goal_actual / c->goal_sum * 100,
				 !strcmp(c->goal_direction, "less") ? "≤" : "≥");
		else if (c->has_goal_days && c->goal_sum > 0)
			snprintf(cell[5], sizeof(cell[5]), "%.0f %%", c->goal_actual / c->goal_sum * 100);
		else
			snprintf(cell[5], sizeof(cell[5]), "—");
		if (c->has_per_day && c->has_prev_per_day)
			per_day_change(c->per_day, c->prev_per_day, cell[6], sizeof(cell[6]));
		else
			snprintf(cell[6], sizeof(cell[6]), "no data");
		{
			double rgb[3];
			report_parse_color(c->color, rgb);
			cairo_save(cv->cr);
			cairo_set_source_rgb(cv->cr, rgb[0], rgb[1], rgb[2]);
			cairo_rectangle(cv->cr, MARGIN, y + 4, 6, 7);
			cairo_fill(cv->cr);
			cairo_restore(cv->cr);
		}
		for (x = MARGIN, j = 0; j < 7; x += colw[j], j++) {
			double off = j == 0 ? 9 : 0;
			const double *ink = (j == 3 && c->plan <= 0) ||
					    (j >= 4 && !strcmp(text[j], "—")) ||
					    (j == 6 && !c->has_prev_per_day) ? GREY : NULL;
			if (j == 5 && c->has_goal_days && c->goal_sum > 0)
				ink = status_color(r, c);
			canvas_text(cv, x + off, y, colw[j] - 6 - off, rowh, text[j], 8,
				    TEXT_MIDDLE | (j >= 2 ? TEXT_RIGHT : 0), ink);
		}
		y += rowh;
		hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.3, RULE);
	}
	if (omitted) {
		snprintf(cell[0], sizeof(cell[0]), "(%zu more categories in the total)", omitted);
		canvas_text(cv, MARGIN, y, CONTENT_W, rowh, cell[0], 7.5, TEXT_MIDDLE, GREY);
		y += rowh;
	}
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	snprintf(cell[0], sizeof(cell[0]), "Total");
	report_format_hm(tot_a, cell[2], sizeof(cell[2]));
	report_format_hm(tot_p, cell[3], sizeof(cell[3]));
	if (any_prev) {
		per_day_change(tot_day, tot_prev, cell[6], sizeof(cell[6]));
	} else {
		snprintf(cell[6], sizeof(cell[6]), "no data");
	}
	x = MARGIN;
	canvas_text(cv, x, y, colw[0] - 6, rowh, cell[0], 8, TEXT_BOLD | TEXT_MIDDLE, NULL);
	x += colw[0] + colw[1];
	canvas_text(cv, x, y, colw[2] - 6, rowh, cell[2], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	x += colw[2];
	canvas_text(cv, x, y, colw[3] - 6, rowh, cell[3], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	x += colw[3] + colw[4] + colw[5];
	canvas_text(cv, x, y, colw[6] - 6, rowh, cell[6], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	y += rowh + 3;
	snprintf(cell[0], sizeof(cell[0]),
		 "Hours as h:mm. Goal: the sum of the goals valid on each day of the month. "
		 "Achieved: actual ÷ goal on the %sdays on which the goal applies (its own day "
		 "type); ≥ aims at more, ≤ at less; colored by the share of periods met (section "
		 "4). Previous month: change of actual time per day.",
		 r->partial ? "complete " : "");
	canvas_text(cv, MARGIN, y, CONTENT_W, 27, cell[0], 7, TEXT_WRAP, GREY);
	return y + 29 - y0;
}

/* The goal's own words: "睡眠 · weekday days ≥ 7:00". */
static void goal_label(const struct report *r, const struct report_goal *g, char *out,
		       size_t len)
{
	char m[32];

	report_format_hm(g->minutes, m, sizeof(m));
	snprintf(out, len, "%s · %s, per %s, %s %s", report_display_name(r, g->category),
		 g->day_type, g->period,
		 !strcmp(g->direction, "less") ? "≤" : !strcmp(g->direction, "more") ? "≥" : "~",
		 m);
}

/* Per goal: hits this month on its own days, a hit strip, the current
 * streak and the average per period against the goal. */
static double draw_goal_table(struct canvas *cv, const struct report *r, double y,
			      double maxh)
{
	static const char *const head[] = { "goal", "met", "per period", "streak",
					     "average" };
	static const double colw[] = { 190, 78, 118, 50, 75 };
	static const double hit[3] = { 0.20, 0.60, 0.30 }, miss[3] = { 0.85, 0.30, 0.30 },
			    open_[3] = { 0.85, 0.85, 0.88 };
	double rowh = 14, x, y0 = y;
	size_t i, j, shown = 0;
	char cell[5][128];

	if (!r->ngoals)
		return chart_note(cv, MARGIN, y, CONTENT_W,
				  "No goal applies to this month (or the marts have no "
				  "goal_achievement yet).");
	for (x = MARGIN, j = 0; j < 5; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 6, 12, head[j], 7.5,
			    TEXT_BOLD | (j == 1 || j >= 3 ? TEXT_RIGHT : 0), NULL);
	y += 14;
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	for (i = 0; i < r->ngoals; i++) {
		const struct report_goal *g = &r->goals[i];
		int neutral = !strcmp(g->direction, "neutral"), k, n = (int)strlen(g->strip);
		double cw;

		if (y + rowh > y0 + maxh - 26)
			break;
		goal_label(r, g, cell[0], sizeof(cell[0]));
		if (neutral)
			snprintf(cell[1], sizeof(cell[1]), "not judged");
		else
			report_hits_text(g, cell[1], sizeof(cell[1]));
		snprintf(cell[3], sizeof(cell[3]), "%d", g->streak);
		if (g->periods > 0) {
			char a[32], b[32];
			report_format_hm(g->avg_actual, a, sizeof(a));
			report_format_hm(g->minutes, b, sizeof(b));
			snprintf(cell[4], sizeof(cell[4]), "%s vs %s", a, b);
		} else {
			snprintf(cell[4], sizeof(cell[4]), "—");
		}
		x = MARGIN;
		canvas_text(cv, x, y, colw[0] - 6, rowh, cell[0], 7.5, TEXT_MIDDLE, NULL);
		x += colw[0];
		canvas_text(cv, x, y, colw[1] - 6, rowh, cell[1], 7.5, TEXT_MIDDLE | TEXT_RIGHT,
			    status_ink(g->status));
		x += colw[1];
		/* The strip: one square per period of the month. */
		cw = n > 0 ? (colw[2] - 8) / n : 0;
		if (cw > 8)
			cw = 8;
		for (k = 0; k < n; k++) {
			const double *c = g->strip[k] == '1' ? hit : g->strip[k] == '0' ? miss : open_;
			cairo_save(cv->cr);
			cairo_set_source_rgb(cv->cr, c[0], c[1], c[2]);
			cairo_rectangle(cv->cr, x + k * cw, y + 4, cw * 0.8, 6);
			cairo_fill(cv->cr);
			cairo_restore(cv->cr);
		}
		x += colw[2];
		canvas_text(cv, x, y, colw[3] - 6, rowh, neutral ? "—" : cell[3], 7.5,
			    TEXT_MIDDLE | TEXT_RIGHT, NULL);
		x += colw[3];
		canvas_text(cv, x, y, colw[4] - 6, rowh, cell[4], 7.5, TEXT_MIDDLE | TEXT_RIGHT,
			    NULL);
		y += rowh;
		hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.3, RULE);
		shown++;
	}
	if (shown < r->ngoals) {
		snprintf(cell[0], sizeof(cell[0]), "(%zu more goals: see 'dwhbi goals list')",
			 r->ngoals - shown);
		canvas_text(cv, MARGIN, y, CONTENT_W, rowh, cell[0], 7.5, TEXT_MIDDLE, GREY);
		y += rowh;
	}
	y += 3;
	canvas_text(cv, MARGIN, y, CONTENT_W, 20,
		    r->partial ?
		    "Each goal is judged per period (day, week, month) on the days of its own day "
		    "type, as in marts.goal_achievement. Partial month: only periods that are over "
		    "count; grey squares are not over yet. Streak: met periods in a row. Average: "
		    "actual per complete period vs the goal." :
		    "Each goal is judged per period (day, week, month) on the days of its own day "
		    "type, as in marts.goal_achievement (green met, red missed). Streak: met periods "
		    "in a row up to the month's end. Average: actual per period vs the goal.",
		    6.8, TEXT_WRAP, GREY);
	return y + 22 - y0;
}

static void page2(struct canvas *cv, const struct report *r)
{
	double y = 36, used;
	char note[200];

	y = section(cv, y, "3  Categories", "actual, plan and goal for the month");
	if (!r->ncats) {
		snprintf(note, sizeof(note), "No categories in the marts yet: run 'dwhbi seed' "
			 "and 'dwhbi transform'.");
		y += chart_note(cv, MARGIN, y, CONTENT_W, note) + 12;
	} else {
		used = draw_category_table(cv, r, y, 330);
		y += used + 10;
	}
	y = section(cv, y, "4  Goals per period", r->partial ? "complete periods of the month so far"
						      : "periods of the month");
	y += draw_goal_table(cv, r, y, 230) + 8;
	y = section(cv, y, "Weekday pattern", "average actual time per weekday");
	chart_weekday_heatmap(cv, r, MARGIN, y, CONTENT_W, FOOTER_Y - 10 - y);
	footer(cv, r, 2);
}

static double draw_proposals(struct canvas *cv, const struct report *r, double y,
			     double maxh)
{
	double y0 = y, blockh = 44;
	size_t i, shown = 0;
	char line[512], a[32], b[32];

	if (!r->nproposals)
		return chart_note(cv, MARGIN, y, CONTENT_W,
				  "No pending goal proposals. 'dwhbi adjust' suggests new goals "
				  "when the current ones are too easy or out of reach.");
	for (i = 0; i < r->nproposals; i++) {
		const struct report_proposal *p = &r->proposals[i];

		if (y + blockh > y0 + maxh - 14)
			break;
		report_format_hm(p->current_minutes, a, sizeof(a));
		report_format_hm(p->proposed_minutes, b, sizeof(b));
		snprintf(line, sizeof(line), "%s · %s, per %s, %s: %s → %s h",
			 report_display_name(r, p->category), p->day_type, p->period,
			 p->direction, a, b);
		canvas_text(cv, MARGIN, y, CONTENT_W, 13, line, 8.5, TEXT_BOLD, NULL);
		snprintf(line, sizeof(line),
			 "chance of meeting it: %.0f %% with the current goal, %.0f %% with the proposal",
			 p->probability_before * 100, p->probability_after * 100);
		canvas_text(cv, MARGIN + 10, y + 13, CONTENT_W - 10, 11, line, 7.5, 0, GREY);
		canvas_text(cv, MARGIN + 10, y + 24, CONTENT_W - 10, 19, p->reason, 7.5,
			    TEXT_WRAP, NULL);
		y += blockh;
		shown++;
	}
	if (shown < r->nproposals) {
		snprintf(line, sizeof(line), "%zu more pending proposals: see 'dwhbi adjust'.",
			 r->nproposals - shown);
		canvas_text(cv, MARGIN, y, CONTENT_W, 12, line, 7.5, 0, GREY);
		y += 12;
	}
	return y - y0;
}

static void page3(struct canvas *cv, const struct report *r)
{
	double y = 36;
	char aside[96];

	y = section(cv, y, "5  Where planned time went",
		    r->flows_exact ? "plan shortfalls spread over overruns" : "plan versus actual");
	y += chart_plan_flows(cv, r, MARGIN, y, CONTENT_W, 300) + 12;
	if (r->estimates_as_of)
		snprintf(aside, sizeof(aside), "estimates as of %s", r->estimates_as_of);
	else
		aside[0] = 0;
	y = section(cv, y, "6  Month-end projections", aside[0] ? aside : NULL);
	y += chart_projections(cv, r, MARGIN, y, CONTENT_W, 250) + 12;
	y = section(cv, y, "7  Pending goal proposals", "accept or reject with 'dwhbi adjust'");
	draw_proposals(cv, r, y, FOOTER_Y - 8 - y);
	footer(cv, r, 3);
}

/* cairo wants "YYYY-MM-DDThh:mm:ss" with an optional zone; generated_at is
 * RFC 3339 already, minus fractions. */
static void pdf_date(const char *generated_at, char *out, size_t len)
{
	int64_t usec;

	if (generated_at && time_parse_rfc3339(generated_at, &usec, NULL) == 0)
		time_format_rfc3339(usec, out, len);
	else
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

int report_render_pdf(const struct report *r, const char *path,
		      struct render_stats *st, char *err, size_t errlen)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	struct canvas cv;
	cairo_status_t status;
	char date[40], title[64], month[16];

	surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	status = cairo_surface_status(surface);
	if (status != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot create '%s': %s", path,
			 cairo_status_to_string(status));
		cairo_surface_destroy(surface);
		return -1;
	}
	/* Fixed metadata: the same data gives the same bytes. */
	pdf_date(r->generated_at, date, sizeof(date));
	report_month_label(r, month, sizeof(month));
	snprintf(title, sizeof(title), "dwhbi monthly report %s", month);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "dwhbi report");

	cr = cairo_create(surface);
	if (canvas_check_fonts(cr, err, errlen) < 0) {
		cairo_destroy(cr);
		cairo_surface_finish(surface);
		cairo_surface_destroy(surface);
		remove(path);
		return -1;
	}
	canvas_init(&cv, cr);
	page1(&cv, r);
	cairo_show_page(cr);
	page2(&cv, r);
	cairo_show_page(cr);
	page3(&cv, r);
	cairo_show_page(cr);

	canvas_release(&cv);
	status = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);

	if (st) {
		memset(st, 0, sizeof(*st));
		st->pages = REPORT_PDF_PAGES;
		st->ntexts = cv.ntexts;
		st->noverflow = cv.noverflow;
		st->nellipsized = cv.nellipsized;
		st->nunknown = cv.nunknown;
		st->max_overflow = cv.max_overflow;
		snprintf(st->first_overflow, sizeof(st->first_overflow), "%s", cv.first_overflow);
	}
	if (status != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
			 cairo_status_to_string(status));
		remove(path);
		return -1;
	}
	if (cv.nunknown) {
		snprintf(err, errlen, "no installed font has glyphs for '%s'; install a font "
			 "that covers it (e.g. fonts-noto-cjk) and check with fc-list",
			 cv.first_unknown);
		remove(path);
		return -1;
	}
	return 0;
}
