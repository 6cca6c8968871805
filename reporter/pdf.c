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
#include <stdlib.h>
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

/* Sections are numbered in the order they are drawn. */
static int section_no;

/* A numbered section heading with a rule; returns the y below it. */
static double section(struct canvas *cv, double y, const char *title,
		      const char *aside)
{
	char numbered[160];

	snprintf(numbered, sizeof(numbered), "%d  %s", ++section_no, title);
	canvas_text(cv, MARGIN, y, CONTENT_W * (aside ? 0.6 : 1.0), 18, numbered, 11.5, TEXT_HEADING,
		    ACCENT);
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
	snprintf(left, sizeof(left), TR(r, "dwhbi · monthly report %s · %s", "dwhbi · 月次レポート %s · %s"),
		 month, r->timezone ? r->timezone : "UTC");
	snprintf(right, sizeof(right), TR(r, "page %d of %d", "%d / %d ページ"), page, REPORT_PDF_PAGES);
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
	const char *const head[] = { TR(r, "source", "ソース"), TR(r, "last sync", "最終同期"),
				     TR(r, "last change", "最終変更"),
				     TR(r, "entries / events", "記録・予定の件数") };
	static const double colw[] = { 190, 120, 120, 81 };
	size_t i, shown = 0;
	int top_level = 0;
	double x;

	report_month_label(r, month, sizeof(month));
	snprintf(title, sizeof(title), TR(r, "Monthly time report · %s", "月次レポート · %s"), month);
	canvas_text(cv, MARGIN, y, CONTENT_W, 30, title, 20, TEXT_HEADING, NULL);
	/* The generation time in the warehouse's zone, like every time here. */
	snprintf(sub, sizeof(sub), TR(r, "%d年%d月 · time zone %s · generated %s",
				      "%d年%d月 · タイムゾーン %s · 作成 %s"), r->year,
		 r->month, r->timezone ? r->timezone : "UTC",
		 r->generated_local ? r->generated_local :
		 r->generated_at ? r->generated_at : "");
	canvas_text(cv, MARGIN, y + 30, CONTENT_W, 14, sub, 9, 0, GREY);
	y += 50;
	if (r->partial) {
		snprintf(sub, sizeof(sub), TR(r, "Partial month: %d of %d days are over (data through "
			 "%s); goals count complete periods only.",
			 "途中の月: %d / %d 日が経過（%s までのデータ）。目標は完了した期間だけを数えます。"),
			 r->days_complete, r->ndays,
			 r->last_complete ? r->last_complete : TR(r, "no complete day yet", "完了した日はまだありません"));
		canvas_text(cv, MARGIN, y - 6, CONTENT_W, 13, sub, 8.5, TEXT_BOLD, ACCENT);
		y += 10;
	}

	canvas_text(cv, MARGIN, y, CONTENT_W, 13, TR(r, "Data freshness", "データの鮮度"), 8.5,
		    TEXT_BOLD, NULL);
	y += 14;
	/* Per-source rows ('toggl_track'), not per raw table, when there are any. */
	for (i = 0; i < r->nfreshness; i++)
		top_level |= !strchr(r->freshness[i].source, '.');
	if (!r->nfreshness) {
		canvas_text(cv, MARGIN, y, CONTENT_W, 12,
			    TR(r, "No source has been synced yet (marts.source_freshness is empty).",
			       "まだどのソースも同期されていません（marts.source_freshness が空）。"),
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
		if (f->row_count >= 0)
			snprintf(rows, sizeof(rows), "%lld", (long long)f->row_count);
		else
			snprintf(rows, sizeof(rows), "—");
		x = MARGIN;
		canvas_text(cv, x, y, colw[0] - 6, 12, f->source, 8, 0, NULL);
		x += colw[0];
		canvas_text(cv, x, y, colw[1] - 6, 12, f->last_synced_at ? f->last_synced_at : TR(r, "never", "なし"), 8, 0, NULL);
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
	char value[64], sub[200], a[32], b[32];
	int goals = r->goals_met + r->goals_on_track + r->goals_at_risk + r->goals_off_track;

	report_format_hm(tracked, a, sizeof(a));
	snprintf(value, sizeof(value), "%s h", a);
	if (total > 0) {
		report_format_hm(total, b, sizeof(b));
		format_pct(tracked, total, a, sizeof(a));
		snprintf(sub, sizeof(sub), TR(r, "%s of %s h recorded; %d of %d days",
					      "記録 %2$s h の %1$s、%3$d / %4$d 日"), a, b,
			 report_days_with_actual(r), r->ndays);
	} else {
		snprintf(sub, sizeof(sub), TR(r, "nothing recorded this month", "この月の記録なし"));
	}
	tile(cv, MARGIN, y, w, h, TR(r, "Tracked time", "記録した時間"), value, sub);

	if (r->has_adherence && r->planned_minutes > 0) {
		format_pct(r->adhered_minutes, r->planned_minutes, value, sizeof(value));
		report_format_hm(r->adhered_minutes, a, sizeof(a));
		report_format_hm(r->planned_minutes, b, sizeof(b));
		snprintf(sub, sizeof(sub), TR(r, "%s of %s planned h spent as planned",
					      "予定 %2$s h のうち %1$s h が予定どおり"), a, b);
	} else {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), TR(r, "no plan this month", "この月の予定なし"));
	}
	tile(cv, MARGIN + (w + 8), y, w, h, TR(r, "Plan adherence", "予定の実行率"), value, sub);

	report_format_hm(plan, a, sizeof(a));
	snprintf(value, sizeof(value), "%s h", a);
	if (plan > 0) {
		report_format_signed_hm(tracked - plan, b, sizeof(b));
		snprintf(sub, sizeof(sub), TR(r, "tracked vs plan: %s h", "記録と予定の差: %s h"), b);
	} else {
		snprintf(sub, sizeof(sub), TR(r, "no calendar events with time",
					      "時間のある予定はありません"));
	}
	tile(cv, MARGIN + 2 * (w + 8), y, w, h, TR(r, "Planned time", "予定した時間"), value, sub);

	if (goals && r->goal_periods) {
		snprintf(value, sizeof(value), TR(r, "%d of %d", "%d / %d"), r->goal_hits,
			 r->goal_periods);
		if (r->lang_ja)
			snprintf(sub, sizeof(sub), "%d 個の目標の%s期間（各目標の日の種類）。毎回達成 %d 個",
				 goals, r->partial ? "完了した" : "すべての", r->goals_met);
		else
			snprintf(sub, sizeof(sub), "%s periods of %d goals, on their own days; %d "
				 "met every time", r->partial ? "complete" : "all", goals, r->goals_met);
	} else if (goals) {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), TR(r, "no goal period is over yet", "終わった目標期間はまだありません"));
	} else {
		snprintf(value, sizeof(value), "—");
		snprintf(sub, sizeof(sub), TR(r, "no goals apply to this month", "この月の目標はありません"));
	}
	tile(cv, MARGIN + 3 * (w + 8), y, w, h, TR(r, "Goal periods met", "達成した目標期間"), value, sub);
}

/* Key figures per category: per day this month, the change against last
 * month and against the 12-month average (minutes per day and percent). */
static double draw_change_table(struct canvas *cv, const struct report *r, double y,
				double maxh)
{
	const char *const head[] = { TR(r, "category", "カテゴリ"),
				     TR(r, "per day", "1日あたり"),
				     TR(r, "last month", "先月"),
				     TR(r, "change", "先月比"),
				     TR(r, "12-month avg", "12か月平均"),
				     TR(r, "change", "平均比") };
	static const double colw[] = { 131, 70, 70, 80, 80, 80 };
	double rowh = 13, x, y0 = y;
	size_t idx[64], n = report_compared_categories(r, idx, 64), i, j, omitted = 0;
	char cell[6][64];

	if (!n)
		return chart_note(cv, MARGIN, y, CONTENT_W, TR(r,
			"No complete day with data in this month or the 12 before it.",
			"この月と前の12か月に完了した日のデータがありません。"));
	for (x = MARGIN, j = 0; j < 6; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 6, 12, head[j], 7.5,
			    TEXT_BOLD | (j ? TEXT_RIGHT : 0), NULL);
	y += 13;
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	for (i = 0; i < n; i++) {
		const struct report_category *c = &r->cats[idx[i]];
		double cur = report_trend_per_day(c, REPORT_TREND_MONTHS - 1);
		double prev = report_trend_per_day(c, REPORT_TREND_MONTHS - 2);
		double avg = report_trend_average(c);
		char d[32], p[32];

		if (y + rowh > y0 + maxh - 24) {
			omitted++;
			continue;
		}
		snprintf(cell[0], sizeof(cell[0]), "%s", c->display_name);
		if (cur >= 0)
			report_format_hm(cur, cell[1], sizeof(cell[1]));
		else
			snprintf(cell[1], sizeof(cell[1]), "—");
		if (prev >= 0)
			report_format_hm(prev, cell[2], sizeof(cell[2]));
		else
			snprintf(cell[2], sizeof(cell[2]), "—");
		if (cur >= 0 && prev >= 0) {
			report_format_signed_hm(cur - prev, d, sizeof(d));
			report_format_change_pct(cur, prev, p, sizeof(p));
			snprintf(cell[3], sizeof(cell[3]), "%s (%s)", d, p);
		} else {
			snprintf(cell[3], sizeof(cell[3]), "—");
		}
		if (avg >= 0)
			report_format_hm(avg, cell[4], sizeof(cell[4]));
		else
			snprintf(cell[4], sizeof(cell[4]), "—");
		if (cur >= 0 && avg >= 0) {
			report_format_signed_hm(cur - avg, d, sizeof(d));
			report_format_change_pct(cur, avg, p, sizeof(p));
			snprintf(cell[5], sizeof(cell[5]), "%s (%s)", d, p);
		} else {
			snprintf(cell[5], sizeof(cell[5]), "—");
		}
		for (x = MARGIN, j = 0; j < 6; x += colw[j], j++)
			canvas_text(cv, x, y, colw[j] - 6, rowh, cell[j], 7.8,
				    TEXT_MIDDLE | (j ? TEXT_RIGHT : 0),
				    !strcmp(cell[j], "—") ? GREY : NULL);
		y += rowh;
		hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.3, RULE);
	}
	if (omitted) {
		snprintf(cell[0], sizeof(cell[0]), TR(r, "(%zu more categories)", "（ほか %zu カテゴリ）"),
			 omitted);
		canvas_text(cv, MARGIN, y, CONTENT_W, rowh, cell[0], 7.5, TEXT_MIDDLE, GREY);
		y += rowh;
	}
	y += 3;
	canvas_text(cv, MARGIN, y, CONTENT_W, 20, TR(r,
		"h:mm per complete day with data (months differ in length). 12-month average: "
		"the 12 months before this one, their minutes over their days.",
		"完了したデータのある日の1日あたり h:mm（月の長さの違いを除く）。12か月平均: "
		"この月の前の12か月の分の合計 ÷ 日数。"), 6.8, TEXT_WRAP, GREY);
	return y + 22 - y0;
}

/* The summary: sentences built from the numbers only (report_summary). */
static double draw_summary(struct canvas *cv, const struct report *r, double y)
{
	char text[2048];

	report_summary(r, text, sizeof(text));
	canvas_text(cv, MARGIN, y, CONTENT_W, 76, text, 8.5, TEXT_WRAP, NULL);
	return 78;
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
				  TR(r, "No actual time this month, so there is no split by group.",
				     "この月の実績がないため、グループ別の内訳はありません。"));
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
			 groups[g][0] ? groups[g] : TR(r, "(no group)", "（グループなし）"), hm,
			 minutes[g] / total * 100);
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

	y = section(cv, y + 10, TR(r, "Key figures", "主な数字"), NULL);
	draw_key_figures(cv, r, y);
	y += 64 + 14;
	y = section(cv, y, TR(r, "Summary", "まとめ"), TR(r, "from the numbers of this report",
							   "このレポートの数字から"));
	y += draw_summary(cv, r, y) + 6;
	y = section(cv, y, TR(r, "Per day vs last month and 12-month average",
			       "1日あたりの先月比・12か月平均比"), NULL);
	draw_change_table(cv, r, y, FOOTER_Y - 10 - y);
	footer(cv, r, 1);
}

static void page2(struct canvas *cv, const struct report *r)
{
	double y = 36;

	y = section(cv, y, TR(r, "Actual time per day by category", "カテゴリ別の1日の実績"),
		    TR(r, "bars: actual hours · line: planned hours", "棒: 実績時間 · 線: 予定時間"));
	y += chart_daily_stacked(cv, r, MARGIN, y + 4, CONTENT_W, 560) + 14;
	y = section(cv, y, TR(r, "Actual time by group", "グループ別の実績"),
		    TR(r, "share of all recorded time", "記録した全時間に占める割合"));
	draw_groups(cv, r, y);
	footer(cv, r, 2);
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

/* "+0:07/day (+2 %)": the change of actual minutes per day (never "-0 %"). */
static void per_day_change(const struct report *r, double cur, double prev, char *out,
			   size_t len)
{
	char a[32], p[32];

	report_format_signed_hm(cur - prev, a, sizeof(a));
	if (prev > 0) {
		report_format_change_pct(cur, prev, p, sizeof(p));
		snprintf(out, len, TR(r, "%s/day (%s)", "%s/日 (%s)"), a, p);
	} else {
		snprintf(out, len, TR(r, "%s/day", "%s/日"), a);
	}
}

/* Category table: actual, plan, goal, achievement, change. */
static double draw_category_table(struct canvas *cv, const struct report *r,
				  double y, double maxh)
{
	const char *const head[] = { TR(r, "category", "カテゴリ"), TR(r, "group", "グループ"),
				     TR(r, "actual", "実績"), TR(r, "plan", "予定"),
				     TR(r, "goal", "目標"), TR(r, "achieved", "達成率"),
				     TR(r, "vs previous month", "先月比") };
	static const double colw[] = { 124, 66, 56, 56, 56, 52, 101 };
	double rowh = 15, x, y0 = y, tot_a = 0, tot_p = 0, tot_day = 0, tot_prev = 0;
	size_t i, j, omitted = 0;
	int any_prev = 0;
	char cell[7][96], note[512];
	const char *text[7];

	for (x = MARGIN, j = 0; j < 7; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 6, 12, head[j], 7.5,
			    TEXT_BOLD | (j >= 2 ? TEXT_RIGHT : 0), NULL);
	y += 14;
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];

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
			snprintf(cell[3], sizeof(cell[3]), "%s", TR(r, "no plan", "予定なし"));
		if (c->has_goal)
			report_format_hm(c->goal, cell[4], sizeof(cell[4]));
		else
			snprintf(cell[4], sizeof(cell[4]), "—");
		/* On the complete days on which the goal applies only. */
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
			per_day_change(r, c->per_day, c->prev_per_day, cell[6], sizeof(cell[6]));
		else
			snprintf(cell[6], sizeof(cell[6]), "%s", TR(r, "no data", "データなし"));
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
		snprintf(cell[0], sizeof(cell[0]), TR(r, "(%zu more categories in the total)",
						      "（ほか %zu カテゴリは合計に含む）"), omitted);
		canvas_text(cv, MARGIN, y, CONTENT_W, rowh, cell[0], 7.5, TEXT_MIDDLE, GREY);
		y += rowh;
	}
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	snprintf(cell[0], sizeof(cell[0]), "%s", TR(r, "Total", "合計"));
	report_format_hm(tot_a, cell[2], sizeof(cell[2]));
	report_format_hm(tot_p, cell[3], sizeof(cell[3]));
	if (any_prev)
		per_day_change(r, tot_day, tot_prev, cell[6], sizeof(cell[6]));
	else
		snprintf(cell[6], sizeof(cell[6]), "%s", TR(r, "no data", "データなし"));
	x = MARGIN;
	canvas_text(cv, x, y, colw[0] - 6, rowh, cell[0], 8, TEXT_BOLD | TEXT_MIDDLE, NULL);
	x += colw[0] + colw[1];
	canvas_text(cv, x, y, colw[2] - 6, rowh, cell[2], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	x += colw[2];
	canvas_text(cv, x, y, colw[3] - 6, rowh, cell[3], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	x += colw[3] + colw[4] + colw[5];
	canvas_text(cv, x, y, colw[6] - 6, rowh, cell[6], 8, TEXT_BOLD | TEXT_MIDDLE | TEXT_RIGHT, NULL);
	y += rowh + 3;
	if (r->lang_ja)
		snprintf(note, sizeof(note), "時間は h:mm。目標: 月の各日に有効な目標の合計。達成率: "
			 "目標が適用される%s日（各目標の日の種類）の実績 ÷ 目標。≥ は多く、≤ は少なく"
			 "することを目指す。色は達成した期間の割合（目標のセクション）。先月比: 1日あたり"
			 "の実績の変化。", r->partial ? "完了した" : "");
	else
		snprintf(note, sizeof(note),
			 "Hours as h:mm. Goal: the sum of the goals valid on each day of the month. "
			 "Achieved: actual ÷ goal on the %sdays on which the goal applies (its own day "
			 "type); ≥ aims at more, ≤ at less; colored by the share of periods met (the "
			 "goals section). Previous month: change of actual time per day.",
			 r->partial ? "complete " : "");
	canvas_text(cv, MARGIN, y, CONTENT_W, 27, note, 7, TEXT_WRAP, GREY);
	return y + 29 - y0;
}

/* The goal's own words: "睡眠 · weekday, per day, ≥ 7:00". */
static void goal_label(const struct report *r, const struct report_goal *g, char *out,
		       size_t len)
{
	char m[32];

	report_format_hm(g->minutes, m, sizeof(m));
	snprintf(out, len, TR(r, "%s · %s, per %s, %s %s", "%s · %s・%sごと %s %s"),
		 report_display_name(r, g->category), report_day_type_word(r, g->day_type),
		 report_period_word(r, g->period),
		 !strcmp(g->direction, "less") ? "≤" : !strcmp(g->direction, "more") ? "≥" : "~",
		 m);
}

/* "11-03 7:41": the day a period starts (month-day) and its actual. */
static void period_text(const char *start, double actual, char *out, size_t len)
{
	char hm[32];

	report_format_hm(actual, hm, sizeof(hm));
	snprintf(out, len, "%s %s", start && strlen(start) >= 10 ? start + 5 : "—", hm);
}

/* Per goal: hits this month on its own days, the hit rate, a hit strip, the
 * current streak and the best and worst period. */
static double draw_goal_table(struct canvas *cv, const struct report *r, double y,
			      double maxh)
{
	const char *const head[] = { TR(r, "goal", "目標"), TR(r, "met", "達成"),
				     TR(r, "rate", "達成率"), TR(r, "per period", "期間ごと"),
				     TR(r, "streak", "連続"), TR(r, "best", "最良"),
				     TR(r, "worst", "最悪") };
	static const double colw[] = { 150, 70, 38, 94, 35, 62, 62 };
	static const double hit[3] = { 0.20, 0.60, 0.30 }, miss[3] = { 0.85, 0.30, 0.30 },
			    open_[3] = { 0.85, 0.85, 0.88 };
	double rowh = 14, x, y0 = y;
	size_t i, j, shown = 0;
	char cell[7][128];

	if (!r->ngoals)
		return chart_note(cv, MARGIN, y, CONTENT_W,
				  TR(r, "No goal applies to this month (or the marts have no "
				     "goal_achievement yet).",
				     "この月に適用される目標はありません（または marts に goal_achievement "
				     "がまだありません）。"));
	for (x = MARGIN, j = 0; j < 7; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 5, 12, head[j], 7.5,
			    TEXT_BOLD | (j == 1 || j == 2 || j >= 4 ? TEXT_RIGHT : 0), NULL);
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
			snprintf(cell[1], sizeof(cell[1]), "%s", TR(r, "not judged", "判定なし"));
		else if (r->lang_ja)
			snprintf(cell[1], sizeof(cell[1]), "%d / %d %s", g->hits, g->periods,
				 report_period_word(r, g->period));
		else
			report_hits_text(g, cell[1], sizeof(cell[1]));
		if (!neutral && g->periods > 0)
			snprintf(cell[2], sizeof(cell[2]), "%lld %%", llround(100.0 * g->hits / g->periods));
		else
			snprintf(cell[2], sizeof(cell[2]), "—");
		snprintf(cell[4], sizeof(cell[4]), "%d", g->streak);
		if (!neutral && g->best_start) {
			period_text(g->best_start, g->best_actual, cell[5], sizeof(cell[5]));
			period_text(g->worst_start, g->worst_actual, cell[6], sizeof(cell[6]));
		} else {
			snprintf(cell[5], sizeof(cell[5]), "—");
			snprintf(cell[6], sizeof(cell[6]), "—");
		}
		x = MARGIN;
		canvas_text(cv, x, y, colw[0] - 5, rowh, cell[0], 7.3, TEXT_MIDDLE, NULL);
		x += colw[0];
		canvas_text(cv, x, y, colw[1] - 5, rowh, cell[1], 7.3, TEXT_MIDDLE | TEXT_RIGHT,
			    status_ink(g->status));
		x += colw[1];
		canvas_text(cv, x, y, colw[2] - 5, rowh, cell[2], 7.3, TEXT_MIDDLE | TEXT_RIGHT, NULL);
		x += colw[2];
		/* The strip: one square per period of the month. */
		cw = n > 0 ? (colw[3] - 6) / n : 0;
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
		x += colw[3];
		canvas_text(cv, x, y, colw[4] - 5, rowh, neutral ? "—" : cell[4], 7.3,
			    TEXT_MIDDLE | TEXT_RIGHT, NULL);
		x += colw[4];
		canvas_text(cv, x, y, colw[5] - 5, rowh, cell[5], 7.3, TEXT_MIDDLE | TEXT_RIGHT, NULL);
		x += colw[5];
		canvas_text(cv, x, y, colw[6] - 5, rowh, cell[6], 7.3, TEXT_MIDDLE | TEXT_RIGHT, NULL);
		y += rowh;
		hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.3, RULE);
		shown++;
	}
	if (shown < r->ngoals) {
		snprintf(cell[0], sizeof(cell[0]), TR(r, "(%zu more goals: see 'dwhbi goals list')",
						      "（ほか %zu 個の目標: 'dwhbi goals list'）"),
			 r->ngoals - shown);
		canvas_text(cv, MARGIN, y, CONTENT_W, rowh, cell[0], 7.5, TEXT_MIDDLE, GREY);
		y += rowh;
	}
	y += 3;
	canvas_text(cv, MARGIN, y, CONTENT_W, 20,
		    r->lang_ja ?
		    "各目標は期間（日・週・月）ごとに、その目標の日の種類の日で判定します"
		    "（marts.goal_achievement）。緑は達成、赤は未達、灰色はまだ終わっていない期間。"
		    "連続: 直近まで続けて達成した期間の数。最良・最悪: 完了した期間の開始日（月-日）と実績。" :
		    "Each goal is judged per period (day, week, month) on the days of its own day "
		    "type, as in marts.goal_achievement (green met, red missed, grey not over). "
		    "Streak: met periods in a row up to the last complete one. Best / worst: the "
		    "complete period's first day (month-day) and its actual.",
		    6.8, TEXT_WRAP, GREY);
	return y + 22 - y0;
}

static void page3(struct canvas *cv, const struct report *r)
{
	double y = 36, used;

	y = section(cv, y, TR(r, "Categories", "カテゴリ"),
		    TR(r, "actual, plan and goal for the month", "月の実績・予定・目標"));
	if (!r->ncats) {
		y += chart_note(cv, MARGIN, y, CONTENT_W,
				TR(r, "No categories in the marts yet: run 'dwhbi seed' and "
				   "'dwhbi transform'.", "marts にカテゴリがまだありません: "
				   "'dwhbi seed' と 'dwhbi transform' を実行してください。")) + 12;
	} else {
		used = draw_category_table(cv, r, y, 300);
		y += used + 10;
	}
	y = section(cv, y, TR(r, "Twelve-month trend", "12か月の推移"),
		    TR(r, "per-day averages, this month dark", "1日平均、濃い棒がこの月"));
	chart_trend(cv, r, MARGIN, y, CONTENT_W, FOOTER_Y - 10 - y);
	footer(cv, r, 3);
}

static void page4(struct canvas *cv, const struct report *r)
{
	double y = 36;

	y = section(cv, y, TR(r, "Goals per period", "期間ごとの目標"),
		    r->partial ? TR(r, "complete periods of the month so far", "これまでに完了した期間")
			       : TR(r, "periods of the month", "月の期間"));
	y += draw_goal_table(cv, r, y, 420) + 8;
	y = section(cv, y, TR(r, "Weekday pattern", "曜日のパターン"),
		    TR(r, "average actual time per weekday", "曜日ごとの平均実績"));
	chart_weekday_heatmap(cv, r, MARGIN, y, CONTENT_W, FOOTER_Y - 10 - y);
	footer(cv, r, 4);
}

/* The main categories of the hour-of-day section: the most tracked time,
 * Untracked and Uncategorized left out.  Returns how many (at most max). */
static size_t main_categories(const struct report *r, size_t *idx, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		if (!strcmp(c->category, "Untracked") || !strcmp(c->category, "Uncategorized") ||
		    c->hourly_total <= 0)
			continue;
		for (j = n; j > 0 && r->cats[idx[j - 1]].hourly_total < c->hourly_total; j--)
			if (j < max)
				idx[j] = idx[j - 1];
		if (j < max)
			idx[j] = i;
		if (n < max)
			n++;
	}
	return n;
}

static const char *top_name(const struct report *r, int kind, const char *name)
{
	if (name && *name)
		return name;
	return kind == 0 ? TR(r, "(no project)", "（プロジェクトなし）") :
	       kind == 1 ? TR(r, "(no tag)", "（タグなし）") :
			   TR(r, "(no description)", "（説明なし）");
}

/* Top projects, tags and descriptions per category. */
static double draw_tops(struct canvas *cv, const struct report *r, double y, double maxh)
{
	const char *const kinds[3] = { TR(r, "projects", "プロジェクト"), TR(r, "tags", "タグ"),
				       TR(r, "descriptions", "説明") };
	double colw = CONTENT_W / 3, y0 = y, lineh = 10;
	size_t i, shown = 0;
	char label[200], hm[32];

	if (!r->has_top || !r->ntops)
		return chart_note(cv, MARGIN, y, CONTENT_W, !r->has_top ?
			TR(r, "No core.actual_records yet: run 'dwhbi transform'.",
			   "core.actual_records がまだありません: 'dwhbi transform' を実行してください。") :
			TR(r, "No tracked time this month.", "この月の記録はありません。"));
	for (i = 0; i < r->ntops; i++) {
		const struct report_top *t = &r->tops[i];
		int k, n, rows = 0;
		double blockh;

		for (k = 0; k < 3; k++)
			if (t->nitems[k] > rows)
				rows = t->nitems[k];
		blockh = 12 + rows * lineh + 5;
		if (y + blockh > y0 + maxh - 12)
			break;
		report_format_hm(t->total, hm, sizeof(hm));
		snprintf(label, sizeof(label), TR(r, "%s · %s h tracked", "%s · 記録 %s h"),
			 report_display_name(r, t->category), hm);
		canvas_text(cv, MARGIN, y, CONTENT_W, 12, label, 8, TEXT_BOLD, NULL);
		for (k = 0; k < 3; k++) {
			for (n = 0; n < t->nitems[k]; n++) {
				const struct report_top_item *it = &t->items[k][n];
				double x = MARGIN + k * colw, ly = y + 12 + n * lineh;
				char v[64];

				report_format_hm(it->minutes, hm, sizeof(hm));
				snprintf(v, sizeof(v), "%s %lld %%", hm,
					 llround(t->total > 0 ? it->minutes / t->total * 100 : 0.0));
				canvas_text(cv, x, ly, colw - 66, lineh, top_name(r, k, it->name), 6.8,
					    TEXT_MIDDLE, n == 0 ? NULL : GREY);
				canvas_text(cv, x + colw - 66, ly, 60, lineh, v, 6.8,
					    TEXT_MIDDLE | TEXT_RIGHT, NULL);
			}
		}
		y += blockh;
		shown++;
	}
	if (shown < r->ntops) {
		snprintf(label, sizeof(label), TR(r, "(%zu more categories: page full)",
						  "（ほか %zu カテゴリは省略）"), r->ntops - shown);
		canvas_text(cv, MARGIN, y, CONTENT_W, 11, label, 7, 0, GREY);
		y += 12;
	}
	snprintf(label, sizeof(label), TR(r, "Columns: %s, %s, %s (h:mm and share of the "
					  "category's tracked time; an entry with several tags counts for each).",
					  "列: %s・%s・%s（h:mm とカテゴリの記録時間に占める割合。"
					  "複数のタグのある記録はそれぞれに数える）。"),
		 kinds[0], kinds[1], kinds[2]);
	canvas_text(cv, MARGIN, y, CONTENT_W, 11, label, 6.8, 0, GREY);
	return y + 12 - y0;
}

static void page5(struct canvas *cv, const struct report *r)
{
	double y = 36;
	size_t idx[4], n, i;
	char aside[96];

	y = section(cv, y, TR(r, "Hours of the day", "時間帯"),
		    TR(r, "average minutes per day in each clock hour", "各時間の1日平均（分）"));
	n = r->has_hourly ? main_categories(r, idx, 4) : 0;
	if (!n) {
		y += chart_note(cv, MARGIN, y, CONTENT_W, r->has_hourly ?
			TR(r, "No tracked time on the complete days of this month.",
			   "この月の完了した日に記録はありません。") :
			TR(r, "No marts.hourly_category yet: run 'dwhbi transform'.",
			   "marts.hourly_category がまだありません: 'dwhbi transform' を実行してください。")) + 10;
	} else {
		for (i = 0; i < n; i++)
			y += chart_hour_heatmap(cv, r, idx[i], MARGIN, y, CONTENT_W) + 6;
		canvas_text(cv, MARGIN, y, CONTENT_W, 11, TR(r,
			"Rows: weekday (n = complete days with data); columns: local clock hour; "
			"cells: minutes per day, rounded.", "行: 曜日（n = 完了したデータのある日数）、"
			"列: 現地時刻、セル: 1日あたりの分（四捨五入）。"), 6.8, 0, GREY);
		y += 16;
	}
	snprintf(aside, sizeof(aside), TR(r, "the %d largest per list", "各リストの上位 %d"),
		 r->top_depth);
	y = section(cv, y, TR(r, "What the time consisted of", "時間の内訳"), aside);
	draw_tops(cv, r, y, FOOTER_Y - 8 - y);
	footer(cv, r, 5);
}

static double draw_proposals(struct canvas *cv, const struct report *r, double y,
			     double maxh)
{
	double y0 = y, blockh = 44;
	size_t i, shown = 0;
	char line[512], a[32], b[32];

	if (!r->nproposals)
		return chart_note(cv, MARGIN, y, CONTENT_W,
				  TR(r, "No pending goal proposals. 'dwhbi adjust' suggests new goals "
				     "when the current ones are too easy or out of reach.",
				     "保留中の目標の提案はありません。'dwhbi adjust' は目標が易しすぎる"
				     "か届かないときに新しい目標を提案します。"));
	for (i = 0; i < r->nproposals; i++) {
		const struct report_proposal *p = &r->proposals[i];

		if (y + blockh > y0 + maxh - 14)
			break;
		report_format_hm(p->current_minutes, a, sizeof(a));
		report_format_hm(p->proposed_minutes, b, sizeof(b));
		snprintf(line, sizeof(line), TR(r, "%s · %s, per %s, %s: %s → %s h",
						"%s · %s・%sごと・%s: %s → %s h"),
			 report_display_name(r, p->category), report_day_type_word(r, p->day_type),
			 report_period_word(r, p->period),
			 r->lang_ja ? (!strcmp(p->direction, "less") ? "≤" : "≥") : p->direction, a, b);
		canvas_text(cv, MARGIN, y, CONTENT_W, 13, line, 8.5, TEXT_BOLD, NULL);
		snprintf(line, sizeof(line),
			 TR(r, "chance of meeting it: %.0f %% with the current goal, %.0f %% with the proposal",
			    "達成の見込み: 今の目標で %.0f %%、提案の目標で %.0f %%"),
			 p->probability_before * 100, p->probability_after * 100);
		canvas_text(cv, MARGIN + 10, y + 13, CONTENT_W - 10, 11, line, 7.5, 0, GREY);
		canvas_text(cv, MARGIN + 10, y + 24, CONTENT_W - 10, 19, p->reason, 7.5,
			    TEXT_WRAP, NULL);
		y += blockh;
		shown++;
	}
	if (shown < r->nproposals) {
		snprintf(line, sizeof(line), TR(r, "%zu more pending proposals: see 'dwhbi adjust'.",
						"ほか %zu 件の提案: 'dwhbi adjust' を参照。"),
			 r->nproposals - shown);
		canvas_text(cv, MARGIN, y, CONTENT_W, 12, line, 7.5, 0, GREY);
		y += 12;
	}
	return y - y0;
}

/* Forecast accuracy of a closed month: estimate, 80 % band, actual, error. */
static double draw_forecast(struct canvas *cv, const struct report *r, double y, double maxh)
{
	const char *const head[] = { TR(r, "category", "カテゴリ"), TR(r, "estimated", "推定"),
				     TR(r, "80 % interval", "80 % 区間"), TR(r, "actual", "実績"),
				     TR(r, "error", "誤差"), TR(r, "in interval", "区間内") };
	static const double colw[] = { 121, 70, 110, 70, 80, 60 };
	double rowh = 13, x, y0 = y;
	size_t i, j, inside = 0, shown = 0, calibrated = 0;
	char cell[6][64], note[480], how[128];

	if (!r->nforecasts) {
		snprintf(note, sizeof(note), TR(r, "No estimates were made for %04d-%02d, so there is "
			 "nothing to check: 'dwhbi analyze --as-of DATE' with a DATE before or in the "
			 "month makes some.", "%04d-%02d の推定はないため確かめられません。月の前か月中の "
			 "DATE で 'dwhbi analyze --as-of DATE' を実行すると作られます。"), r->year, r->month);
		return chart_note(cv, MARGIN, y, CONTENT_W, note);
	}
	for (x = MARGIN, j = 0; j < 6; x += colw[j], j++)
		canvas_text(cv, x, y, colw[j] - 6, 12, head[j], 7.5,
			    TEXT_BOLD | (j ? TEXT_RIGHT : 0), NULL);
	y += 13;
	hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.6, GREY);
	for (i = 0; i < r->nforecasts; i++) {
		const struct report_forecast *f = &r->forecasts[i];
		char a[32], b[32];
		int in = f->actual >= f->lower80 - 1e-9 && f->actual <= f->upper80 + 1e-9;

		inside += in;
		if (y + rowh > y0 + maxh - 26)
			continue;
		snprintf(cell[0], sizeof(cell[0]), "%s", report_display_name(r, f->category));
		report_format_hm(f->estimated, cell[1], sizeof(cell[1]));
		report_format_hm(f->lower80, a, sizeof(a));
		report_format_hm(f->upper80, b, sizeof(b));
		snprintf(cell[2], sizeof(cell[2]), "%s–%s", a, b);
		report_format_hm(f->actual, cell[3], sizeof(cell[3]));
		report_format_signed_hm(f->actual - f->estimated, a, sizeof(a));
		report_format_change_pct(f->actual, f->estimated, b, sizeof(b));
		snprintf(cell[4], sizeof(cell[4]), "%s (%s)", a, b);
		snprintf(cell[5], sizeof(cell[5]), "%s", in ? TR(r, "yes", "はい") : TR(r, "no", "いいえ"));
		for (x = MARGIN, j = 0; j < 6; x += colw[j], j++)
			canvas_text(cv, x, y, colw[j] - 6, rowh, cell[j], 7.8,
				    TEXT_MIDDLE | (j ? TEXT_RIGHT : 0), NULL);
		y += rowh;
		shown++;
		hline(cv->cr, MARGIN, MARGIN + CONTENT_W, y, 0.3, RULE);
	}
	y += 3;
	for (i = 0; i < r->nforecasts; i++)
		calibrated += r->forecasts[i].calibrated != 0;
	if (calibrated == r->nforecasts)
		snprintf(how, sizeof(how), "%s", TR(r, "calibrated intervals: the backtest's errors of "
			 "whole-period sums", "較正済みの区間: 期間の合計のバックテスト誤差から"));
	else if (!calibrated)
		snprintf(how, sizeof(how), "%s", TR(r, "a sum of daily intervals: on the wide side",
						    "日ごとの区間の和: 広め"));
	else
		snprintf(how, sizeof(how), TR(r, "%zu calibrated, the others sums of daily intervals",
					      "%zu カテゴリは較正済み、ほかは日ごとの区間の和"), calibrated);
	snprintf(note, sizeof(note), TR(r, "Estimates as of %s (actual up to that day plus the "
		 "estimates of the rest of the month) against the month's actual; %zu of %zu "
		 "categories ended inside their 80 %% interval (%s).",
		 "%s 時点の推定（その日までの実績と月の残りの推定の和）と月の実績。%zu / %zu "
		 "カテゴリが 80 %% 区間に入りました（%s）。"),
		 r->forecast_as_of ? r->forecast_as_of : "?", inside, r->nforecasts, how);
	canvas_text(cv, MARGIN, y, CONTENT_W, 20, note, 6.8, TEXT_WRAP, GREY);
	(void)shown;
	return y + 22 - y0;
}

static void page6(struct canvas *cv, const struct report *r)
{
	double y = 36;
	char aside[96];

	y = section(cv, y, TR(r, "Where planned time went", "予定した時間の行き先"),
		    r->flows_exact ? TR(r, "plan shortfalls spread over overruns", "予定の不足を超過分に配分")
				   : TR(r, "plan versus actual", "予定と実績"));
	y += chart_plan_flows(cv, r, MARGIN, y, CONTENT_W, 270) + 12;
	if (r->partial) {
		/* A running month: the projection, marked as partial. */
		if (r->estimates_as_of)
			snprintf(aside, sizeof(aside), TR(r, "partial month · estimates as of %s",
							  "途中の月 · %s 時点の推定"), r->estimates_as_of);
		else
			snprintf(aside, sizeof(aside), "%s", TR(r, "partial month", "途中の月"));
		y = section(cv, y, TR(r, "Month-end projections", "月末の見込み"), aside);
		y += chart_projections(cv, r, MARGIN, y, CONTENT_W, 250) + 12;
	} else {
		if (r->forecast_as_of)
			snprintf(aside, sizeof(aside), TR(r, "estimates as of %s", "%s 時点の推定"),
				 r->forecast_as_of);
		else
			aside[0] = 0;
		y = section(cv, y, TR(r, "Forecast accuracy", "推定の精度"), aside[0] ? aside : NULL);
		y += draw_forecast(cv, r, y, 250) + 12;
	}
	y = section(cv, y, TR(r, "Pending goal proposals", "保留中の目標の提案"),
		    TR(r, "accept or reject with 'dwhbi adjust'", "'dwhbi adjust' で採用・却下"));
	draw_proposals(cv, r, y, FOOTER_Y - 8 - y);
	footer(cv, r, 6);
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
	section_no = 0;
	page1(&cv, r);
	cairo_show_page(cr);
	page2(&cv, r);
	cairo_show_page(cr);
	page3(&cv, r);
	cairo_show_page(cr);
	page4(&cv, r);
	cairo_show_page(cr);
	page5(&cv, r);
	cairo_show_page(cr);
	page6(&cv, r);
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
