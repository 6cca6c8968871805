/*
 * charts: the drawing of the report's charts (see charts.h).  Shapes are
 * cairo paths; every label goes through canvas_text() so it is checked
 * against its box.  Hours are the unit on time axes (minutes would give
 * four-digit tick labels); cell and bar labels show H:MM.
 */
#include "reporter/charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

static const double GREY[3] = { 0.42, 0.42, 0.45 };
static const double LIGHT[3] = { 0.85, 0.85, 0.87 };
static const char *const WEEKDAYS[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const WEEKDAYS_JA[7] = { "月", "火", "水", "木", "金", "土", "日" };
#define WEEKDAY(r, i) ((r)->lang_ja ? WEEKDAYS_JA[i] : WEEKDAYS[i])

static void set_rgb(cairo_t *cr, const double *c)
{
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1,
		 double width, const double *c)
{
	cairo_save(cr);
	cairo_set_line_width(cr, width);
	set_rgb(cr, c);
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void fill_rect(cairo_t *cr, double x, double y, double w, double h,
		      const double *c)
{
	if (w <= 0 || h <= 0)
		return;
	cairo_save(cr);
	set_rgb(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	cairo_restore(cr);
}

static double luminance(const double *c)
{
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

double chart_nice_step(double max, int maxticks, double *top)
{
	static const double mult[] = { 1, 2, 2.5, 5, 10 };
	double base, step = 1;
	size_t i;

	if (!(max > 0))
		max = 1;
	if (maxticks < 1)
		maxticks = 1;
	base = pow(10, floor(log10(max / maxticks)));
	for (i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
		step = base * mult[i];
		if (step * maxticks >= max)
			break;
	}
	if (top)
		*top = ceil(max / step - 1e-9) * step;
	return step;
}

double chart_hours_step(double max, int maxticks, double *top)
{
	/* Steps that divide a day, so a full day ends the axis at 24, not 25. */
	static const double steps[] = { 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 48, 96, 168 };
	size_t i;

	if (!(max > 0))
		max = 1;
	if (maxticks < 1)
		maxticks = 1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * maxticks >= max - 1e-9)
			break;
	if (i == sizeof(steps) / sizeof(steps[0]))
		return chart_nice_step(max, maxticks, top);
	if (top)
		*top = ceil(max / steps[i] - 1e-9) * steps[i];
	return steps[i];
}

static void format_tick(double v, char *out, size_t len)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "%.1f", v);
}

double chart_note(struct canvas *cv, double x, double y, double w,
		  const char *text)
{
	static const double bg[3] = { 0.96, 0.96, 0.97 };
	double h = 30;

	fill_rect(cv->cr, x, y, w, h, bg);
	canvas_text(cv, x + 8, y, w - 16, h, text, 8.5, TEXT_MIDDLE | TEXT_WRAP, GREY);
	return h;
}

/* One legend cell: a color swatch (or a line sample) and a name. */
static void legend_cell(struct canvas *cv, double x, double y, double colw,
			const double *rgb, int is_line, const char *text)
{
	if (is_line) {
		cairo_save(cv->cr);
		set_rgb(cv->cr, rgb);
		cairo_set_line_width(cv->cr, 1.2);
		cairo_move_to(cv->cr, x, y + 6);
		cairo_line_to(cv->cr, x + 9, y + 6);
		cairo_stroke(cv->cr);
		cairo_arc(cv->cr, x + 4.5, y + 6, 1.6, 0, 2 * M_PI);
		cairo_fill(cv->cr);
		cairo_restore(cv->cr);
	} else {
		fill_rect(cv->cr, x, y + 2.5, 8, 7, rgb);
	}
	canvas_text(cv, x + 11, y, colw - 14, 12, text, 7.5, TEXT_MIDDLE, NULL);
}

/* Lays out cells left to right in columns of colw, starting at cell first. */
static double legend_cells(struct canvas *cv, const struct report *r,
			   const size_t *cats, size_t ncats, size_t first,
			   double x, double y, double w, double colw)
{
	size_t cols = w / colw >= 1 ? (size_t)(w / colw) : 1, i;

	for (i = 0; i < ncats; i++) {
		const struct report_category *c = &r->cats[cats[i]];
		size_t cell = first + i;
		double rgb[3];

		report_parse_color(c->color, rgb);
		legend_cell(cv, x + (double)(cell % cols) * colw,
			    y + (double)(cell / cols) * 12, colw, rgb, 0, c->display_name);
	}
	return first + ncats ? (double)((first + ncats + cols - 1) / cols) * 12 : 0;
}

double chart_legend(struct canvas *cv, const struct report *r,
		    const size_t *cats, size_t ncats, double x, double y,
		    double w, double colw)
{
	return legend_cells(cv, r, cats, ncats, 0, x, y, w, colw);
}

/* Draws a vertical value axis with ticks in hours at the left of a plot. */
static void hours_axis(struct canvas *cv, double px, double py, double pw,
		       double ph, double top, double step, const char *unit)
{
	double v;
	char label[32];

	for (v = 0; v <= top + 1e-9; v += step) {
		double ty = py + ph - v / top * ph;
		line(cv->cr, px, ty, px + pw, ty, 0.4, LIGHT);
		format_tick(v, label, sizeof(label));
		canvas_text(cv, px - 30, ty - 5.5, 26, 11, label, 7, TEXT_RIGHT | TEXT_MIDDLE, GREY);
	}
	line(cv->cr, px, py, px, py + ph, 0.8, GREY);
	line(cv->cr, px, py + ph, px + pw, py + ph, 0.8, GREY);
	canvas_text(cv, px - 30, py - 14, 80, 11, unit, 7, 0, GREY);
}

double chart_daily_stacked(struct canvas *cv, const struct report *r,
			   double x, double y, double w, double h)
{
	cairo_t *cr = cv->cr;
	double maxv = 0, top, step, px = x + 32, py = y + 14, pw, ph, slot;
	double plan_total[REPORT_MAX_DAYS], used, legend_h;
	size_t legend[256], nlegend = 0, i;
	int d, any_actual = 0, any_plan = 0, prev_plan = 0;
	char label[16], note[200];

	for (d = 0; d < r->ndays; d++) {
		double sum = 0;
		plan_total[d] = 0;
		for (i = 0; i < r->ncats; i++) {
			sum += r->cats[i].daily_actual[d];
			plan_total[d] += r->cats[i].daily_plan[d];
		}
		any_actual |= sum > 0;
		any_plan |= r->day_has_plan[d] && plan_total[d] > 0;
		/* Whole minutes: a day of 1440.0001 minutes is 24 h, not 30. */
		if (round(sum) / 60 > maxv)
			maxv = round(sum) / 60;
		if (round(plan_total[d]) / 60 > maxv)
			maxv = round(plan_total[d]) / 60;
	}
	if (!any_actual && !any_plan) {
		snprintf(note, sizeof(note), TR(r,
			 "No actual or planned time for %04d-%02d yet. Run 'dwhbi sync' and "
			 "'dwhbi transform', then render the report again.",
			 "%04d-%02d の実績も予定もまだありません。'dwhbi sync' と 'dwhbi transform' "
			 "を実行してからもう一度作成してください。"), r->year, r->month);
		return chart_note(cv, x, y, w, note);
	}
	for (i = 0; i < r->ncats && nlegend < sizeof(legend) / sizeof(legend[0]); i++)
		if (r->cats[i].actual > 0)
			legend[nlegend++] = i;
	legend_h = ceil((double)(nlegend + 1) / 4) * 12;   /* + the plan line entry */

	pw = w - 34;
	ph = h - 14 - 28 - legend_h - 8;
	if (ph < 40)
		ph = 40;
	step = chart_hours_step(maxv, 6, &top);
	slot = pw / r->ndays;

	/* Weekends and holidays shaded, so the weekly rhythm is visible. */
	for (d = 0; d < r->ndays; d++)
		if (r->day_type[d] == 'h') {
			static const double shade[3] = { 0.95, 0.95, 0.97 };
			fill_rect(cr, px + d * slot, py, slot, ph, shade);
		}
	hours_axis(cv, px, py, pw, ph, top, step, TR(r, "hours per day", "1日あたり時間"));

	for (d = 0; d < r->ndays; d++) {
		double base = py + ph, bx = px + d * slot + slot * 0.14, bw = slot * 0.72;
		for (i = 0; i < r->ncats; i++) {
			double m = r->cats[i].daily_actual[d], bh, rgb[3];
			if (m <= 0)
				continue;
			bh = m / 60 / top * ph;
			report_parse_color(r->cats[i].color, rgb);
			fill_rect(cr, bx, base - bh, bw, bh, rgb);
			base -= bh;
		}
		if (slot >= 11 || d % 2 == 0) {
			snprintf(label, sizeof(label), "%d", d + 1);
			canvas_text(cv, px + d * slot - 4, py + ph + 2, slot + 8, 10, label, 6.5,
				    TEXT_CENTER, r->day_type[d] == 'h' ? (const double[3]){ 0.75, 0.2, 0.2 } : GREY);
		}
	}
	/* The planned total: a line broken where a day has no plan. */
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
	cairo_set_line_width(cr, 1.2);
	for (d = 0; d < r->ndays; d++) {
		double cx = px + (d + 0.5) * slot, cy = py + ph - plan_total[d] / 60 / top * ph;
		if (!r->day_has_plan[d]) {
			prev_plan = 0;
			continue;
		}
		if (prev_plan)
			cairo_line_to(cr, cx, cy);
		else
			cairo_move_to(cr, cx, cy);
		prev_plan = 1;
	}
	cairo_stroke(cr);
	for (d = 0; d < r->ndays; d++) {
		if (!r->day_has_plan[d])
			continue;
		cairo_arc(cr, px + (d + 0.5) * slot, py + ph - plan_total[d] / 60 / top * ph,
			  1.6, 0, 2 * M_PI);
		cairo_fill(cr);
	}
	cairo_restore(cr);
	canvas_text(cv, px, py + ph + 13, pw, 11,
		    TR(r, "day of month (red: weekend or holiday, shaded)", "日付（赤・網掛け: 週末・祝日）"), 7, TEXT_CENTER, GREY);
	used = 14 + ph + 28;

	if (!any_actual) {
		snprintf(note, sizeof(note), TR(r, "No actual time was tracked in %04d-%02d; "
			 "only the plan is shown.", "%04d-%02d の実績はありません。予定だけを示します。"),
			 r->year, r->month);
		chart_note(cv, px + 10, py + ph - 40, pw - 20, note);
	}

	/* Legend: the plan line first, then the categories with time. */
	legend_cell(cv, x, y + used, w / 4, (const double[3]){ 0.1, 0.1, 0.12 }, 1,
		    TR(r, "planned total per day", "1日の予定合計"));
	used += legend_cells(cv, r, legend, nlegend, 1, x, y + used, w, w / 4);
	return used;
}

double chart_weekday_heatmap(struct canvas *cv, const struct report *r,
			     double x, double y, double w, double h)
{
	double namew = 130, cellw = (w - namew) / 7, rowh = 15, cy;
	int wd, counts[7] = { 0 }, d;
	size_t i, nrows = 0;
	char label[32], note[200];

	for (d = 0; d < r->ndays; d++)
		if (r->day_has_actual[d])
			counts[time_weekday(r->first_day + d)]++;
	if (!report_days_with_actual(r)) {
		snprintf(note, sizeof(note), TR(r, "No actual time in %04d-%02d, so there are no "
			 "weekday averages.", "%04d-%02d の実績がないため曜日別平均はありません。"),
			 r->year, r->month);
		return chart_note(cv, x, y, w, note);
	}
	canvas_text(cv, x, y, namew - 6, 12, TR(r, "average h:mm per day", "1日平均 h:mm"), 7, TEXT_MIDDLE, GREY);
	for (wd = 0; wd < 7; wd++) {
		snprintf(label, sizeof(label), "%s (%d)", WEEKDAY(r, wd), counts[wd]);
		canvas_text(cv, x + namew + wd * cellw, y, cellw, 12, label, 7.5,
			    TEXT_CENTER | TEXT_MIDDLE | TEXT_BOLD, NULL);
	}
	cy = y + 14;
	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		double avg[7], rowmax = 0, rgb[3];

		if (c->actual <= 0)
			continue;
		if (cy + rowh > y + h - 14) {
			canvas_text(cv, x, cy, w, 12, TR(r, "(more categories omitted: page full)", "（ほかのカテゴリは省略）"), 7,
				    0, GREY);
			cy += 12;
			break;
		}
		report_parse_color(c->color, rgb);
		for (wd = 0; wd < 7; wd++) {
			avg[wd] = report_weekday_average(r, i, wd);
			if (avg[wd] > rowmax)
				rowmax = avg[wd];
		}
		canvas_text(cv, x, cy, namew - 6, rowh, c->display_name, 8, TEXT_MIDDLE, NULL);
		for (wd = 0; wd < 7; wd++) {
			double t = rowmax > 0 && avg[wd] > 0 ? avg[wd] / rowmax : 0, fill[3];
			int k;

			for (k = 0; k < 3; k++)
				fill[k] = 1 - t * 0.9 * (1 - rgb[k]);
			fill_rect(cv->cr, x + namew + wd * cellw + 0.5, cy + 0.5, cellw - 1,
				  rowh - 1, fill);
			if (avg[wd] < 0)
				snprintf(label, sizeof(label), "–");
			else
				report_format_hm(avg[wd], label, sizeof(label));
			canvas_text(cv, x + namew + wd * cellw, cy, cellw, rowh, label, 7.5,
				    TEXT_CENTER | TEXT_MIDDLE,
				    luminance(fill) < 0.5 ? (const double[3]){ 1, 1, 1 } : NULL);
		}
		cy += rowh;
		nrows++;
	}
	canvas_text(cv, x, cy + 3, w, 11,
		    TR(r, "Shade: relative to the category's busiest weekday. (n) = days with "
		    "data on that weekday; categories with no time are left out.",
		    "濃さ: そのカテゴリの最も多い曜日に対する割合。(n) = その曜日のデータのある日数。"
		    "時間のないカテゴリは省略。"),
		    7, 0, GREY);
	return cy + 14 - y;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct report_flow *fa = a, *fb = b;
	if (fa->planned != fb->planned)
		return fa->planned < fb->planned ? 1 : -1;
	return strcmp(fa->plan_category, fb->plan_category);
}

double chart_plan_flows(struct canvas *cv, const struct report *r,
			double x, double y, double w, double h)
{
	struct report_flow *flows;
	double namew = 120, labelw = 120, barw = w - namew - labelw - 8, rowh = 18, cy = y;
	size_t i, j, nlegend = 0, legend[256];
	char label[96], a[48], b[32], note[240];

	if (!r->nflows) {
		snprintf(note, sizeof(note), TR(r, "No planned time in %04d-%02d, so there is no "
			 "plan to compare with. Plans come from Google Calendar "
			 "('dwhbi sync gcal').", "%04d-%02d の予定がないため比較できません。予定は "
			 "Google カレンダーから取り込みます（'dwhbi sync gcal'）。"), r->year, r->month);
		return chart_note(cv, x, y, w, note);
	}
	flows = malloc(r->nflows * sizeof(*flows));
	if (!flows)
		abort();
	memcpy(flows, r->flows, r->nflows * sizeof(*flows));
	qsort(flows, r->nflows, sizeof(*flows), flow_cmp);

	if (!r->flows_exact) {
		/* Without flow data: plan versus actual on the planned days. */
		const char *const head[] = { TR(r, "planned", "予定"), TR(r, "actual", "実績"),
					     TR(r, "difference", "差") };
		double colw = (w - namew) / 3;
		for (j = 0; j < 3; j++)
			canvas_text(cv, x + namew + j * colw, cy, colw - 6, 12, head[j], 7.5,
				    TEXT_RIGHT | TEXT_BOLD, NULL);
		cy += 14;
		for (i = 0; i < r->nflows && cy + 13 < y + h - 30; i++) {
			canvas_text(cv, x, cy, namew - 6, 13,
				    report_display_name(r, flows[i].plan_category), 8, 0, NULL);
			report_format_hm(flows[i].planned, a, sizeof(a));
			canvas_text(cv, x + namew, cy, colw - 6, 13, a, 8, TEXT_RIGHT, NULL);
			report_format_hm(flows[i].actual, a, sizeof(a));
			canvas_text(cv, x + namew + colw, cy, colw - 6, 13, a, 8, TEXT_RIGHT, NULL);
			report_format_hm(flows[i].actual - flows[i].planned, b, sizeof(b));
			snprintf(a, sizeof(a), "%s%s", flows[i].actual >= flows[i].planned ? "+" : "", b);
			canvas_text(cv, x + namew + 2 * colw, cy, colw - 6, 13, a, 8, TEXT_RIGHT, NULL);
			cy += 13;
		}
		cy += 4;
		cy += chart_note(cv, x, cy, w,
				 TR(r, "Minutes per category (h:mm) on days with a plan. The exact flow "
				 "(which category planned time went to) appears once 'dwhbi analyze' "
				 "has written analytics.plan_flows.",
				 "予定のある日のカテゴリ別時間（h:mm）。予定がどのカテゴリに使われたかは "
				 "'dwhbi analyze' が analytics.plan_flows を書くと表示されます。"));
		free(flows);
		return cy - y;
	}

	canvas_text(cv, x + namew, cy, barw, 12, TR(r, "share of the planned time spent on each category (0–100 %)",
		    "予定時間が実際に使われたカテゴリの割合（0–100 %）"),
		    7, TEXT_MIDDLE, GREY);
	canvas_text(cv, x + namew + barw + 8, cy, labelw, 12, TR(r, "planned · kept as planned", "予定 · 予定どおり"), 7,
		    TEXT_MIDDLE, GREY);
	cy += 14;
	for (i = 0; i < r->nflows; i++) {
		double bx = x + namew, kept = 0;
		if (cy + rowh > y + h - 40) {
			canvas_text(cv, x, cy, w, 12, TR(r, "(smaller planned categories omitted: page full)", "（小さい予定カテゴリは省略）"),
				    7, 0, GREY);
			cy += 12;
			break;
		}
		canvas_text(cv, x, cy, namew - 6, rowh,
			    report_display_name(r, flows[i].plan_category), 8, TEXT_MIDDLE, NULL);
		for (j = 0; j < flows[i].nparts; j++) {
			const struct report_flow_part *p = &flows[i].parts[j];
			const struct report_category *c = report_find_category(r, p->category);
			double rgb[3], pw = flows[i].planned > 0 ? p->minutes / flows[i].planned * barw : 0;
			size_t k;

			report_parse_color(c ? c->color : NULL, rgb);
			fill_rect(cv->cr, bx, cy + 2, pw, rowh - 4, rgb);
			if (pw >= 34 && c)
				canvas_text(cv, bx + 2, cy + 2, pw - 4, rowh - 4, c->display_name, 6.5,
					    TEXT_MIDDLE, luminance(rgb) < 0.5 ? (const double[3]){ 1, 1, 1 } : NULL);
			bx += pw;
			if (!strcmp(p->category, flows[i].plan_category))
				kept += p->minutes;
			for (k = 0; c && k < nlegend; k++)
				if (!strcmp(r->cats[legend[k]].category, c->category))
					break;
			if (c && k == nlegend && nlegend < sizeof(legend) / sizeof(legend[0]))
				legend[nlegend++] = (size_t)(c - r->cats);
		}
		report_format_hm(flows[i].planned, a, sizeof(a));
		snprintf(label, sizeof(label), "%s h · %.0f %%", a,
			 flows[i].planned > 0 ? kept / flows[i].planned * 100 : 0.0);
		canvas_text(cv, x + namew + barw + 8, cy, labelw, rowh, label, 7.5, TEXT_MIDDLE, NULL);
		cy += rowh;
	}
	cy += 4;
	/* Legend entries in the order of the categories. */
	for (i = 1; i < nlegend; i++) {
		size_t v = legend[i];
		for (j = i; j > 0 && legend[j - 1] > v; j--)
			legend[j] = legend[j - 1];
		legend[j] = v;
	}
	cy += chart_legend(cv, r, legend, nlegend, x, cy, w, w / 5);
	free(flows);
	return cy - y;
}

double chart_projections(struct canvas *cv, const struct report *r,
			 double x, double y, double w, double h)
{
	double namew = 110, labelw = 118, pw = w - namew - labelw - 6, rowh = 15;
	double maxv = 0, top, step, cy, v, px = x + namew;
	size_t i;
	char label[128], a[32], b[32], c2[32], note[200];

	if (!r->nprojections) {
		snprintf(note, sizeof(note), TR(r, "No estimates cover %04d-%02d: 'dwhbi analyze' projects "
			 "the month it runs in (or the month of --as-of DATE).",
			 "%04d-%02d の推定はありません。'dwhbi analyze' は実行した月（または --as-of "
			 "の月）を推定します。"), r->year, r->month);
		return chart_note(cv, x, y, w, note);
	}
	for (i = 0; i < r->nprojections; i++) {
		const struct report_projection *p = &r->projections[i];
		double m = fmax(fmax(p->upper80, p->projected), p->actual_to_date);
		if (p->has_goal && p->goal > m)
			m = p->goal;
		if (m / 60 > maxv)
			maxv = m / 60;
	}
	step = chart_nice_step(maxv, 6, &top);
	canvas_text(cv, px + pw + 6, y, labelw, 12, TR(r, "projected (80 % interval)", "月末見込み（80 % 区間）"), 7,
		    TEXT_MIDDLE, GREY);
	cy = y + 14;
	for (i = 0; i < r->nprojections; i++) {
		const struct report_projection *p = &r->projections[i];
		const struct report_category *c = report_find_category(r, p->category);
		double rgb[3], mid = cy + rowh / 2;
		static const double ink[3] = { 0.1, 0.1, 0.12 };
		static const double goal_rgb[3] = { 0.8, 0.1, 0.1 };

		if (cy + rowh > y + h - 40) {
			canvas_text(cv, x, cy, w, 12, TR(r, "(more categories omitted: page full)", "（ほかのカテゴリは省略）"), 7, 0, GREY);
			cy += 12;
			break;
		}
		report_parse_color(c ? c->color : NULL, rgb);
		canvas_text(cv, x, cy, namew - 6, rowh, report_display_name(r, p->category), 8,
			    TEXT_MIDDLE, NULL);
		fill_rect(cv->cr, px, cy + 3, p->actual_to_date / 60 / top * pw, rowh - 6, rgb);
		line(cv->cr, px + p->lower80 / 60 / top * pw, mid, px + p->upper80 / 60 / top * pw,
		     mid, 1, ink);
		line(cv->cr, px + p->lower80 / 60 / top * pw, mid - 3, px + p->lower80 / 60 / top * pw,
		     mid + 3, 1, ink);
		line(cv->cr, px + p->upper80 / 60 / top * pw, mid - 3, px + p->upper80 / 60 / top * pw,
		     mid + 3, 1, ink);
		cairo_save(cv->cr);
		set_rgb(cv->cr, ink);
		cairo_arc(cv->cr, px + p->projected / 60 / top * pw, mid, 2.2, 0, 2 * M_PI);
		cairo_fill(cv->cr);
		cairo_restore(cv->cr);
		if (p->has_goal)
			line(cv->cr, px + p->goal / 60 / top * pw, cy + 1, px + p->goal / 60 / top * pw,
			     cy + rowh - 1, 1.6, goal_rgb);
		report_format_hm(p->projected, a, sizeof(a));
		report_format_hm(p->lower80, b, sizeof(b));
		report_format_hm(p->upper80, c2, sizeof(c2));
		snprintf(label, sizeof(label), "%s (%s–%s)", a, b, c2);
		canvas_text(cv, px + pw + 6, cy, labelw, rowh, label, 7.5, TEXT_MIDDLE, NULL);
		cy += rowh;
	}
	/* The hour axis below the rows. */
	line(cv->cr, px, cy + 1, px + pw, cy + 1, 0.8, GREY);
	for (v = 0; v <= top + 1e-9; v += step) {
		double tx = px + v / top * pw;
		line(cv->cr, tx, cy + 1, tx, cy + 4, 0.6, GREY);
		format_tick(v, a, sizeof(a));
		canvas_text(cv, tx - 15, cy + 4, 30, 11, a, 7, TEXT_CENTER, GREY);
	}
	canvas_text(cv, px, cy + 14, pw, 11, TR(r, "hours in the month", "月の時間"), 7, TEXT_CENTER, GREY);
	cy += 26;
	canvas_text(cv, x, cy, w, 11, r->projections_exact ?
		    TR(r, "Bar: actual so far · dot: projected month end · whisker: 80 % interval "
		    "(days taken as independent) · red tick: month goal",
		    "棒: これまでの実績 · 点: 月末見込み · ひげ: 80 % 区間（日を独立とみなす）· 赤線: 月の目標") :
		    TR(r, "Bar: actual so far · dot: projected month end · whisker: 80 % interval "
		    "(the sum of the daily intervals: on the wide side) · red tick: month goal",
		    "棒: これまでの実績 · 点: 月末見込み · ひげ: 80 % 区間（日ごとの区間の和: 広め）· 赤線: 月の目標"),
		    7, 0, GREY);
	return cy + 12 - y;
}

double chart_trend(struct canvas *cv, const struct report *r,
		   double x, double y, double w, double h)
{
	const int cols = 3;
	double cellw = (w - (cols - 1) * 10) / cols, cellh = 64, cy = y;
	size_t i, shown = 0, omitted = 0;
	char label[160], a[32], b[32];

	if (!r->has_trend)
		return chart_note(cv, x, y, w, TR(r,
			"No complete day with data in this month or the 12 before it, so there "
			"is no trend yet.", "この月と前の12か月に完了した日のデータがないため、"
			"推移はまだありません。"));
	for (i = 0; i < r->ncats; i++) {
		const struct report_category *c = &r->cats[i];
		double maxv = 0, rgb[3], pale[3], bw, bx, by, ph = 30, cur, avg;
		int m, any = 0, k;

		for (m = 0; m < REPORT_TREND_MONTHS; m++) {
			double v = report_trend_per_day(c, m);
			any |= v >= 0;
			if (v > maxv)
				maxv = v;
		}
		if (!any)
			continue;
		if (cy + cellh > y + h) {
			omitted++;
			continue;
		}
		bx = x + (double)(shown % cols) * (cellw + 10);
		by = cy;
		report_parse_color(c->color, rgb);
		for (k = 0; k < 3; k++)
			pale[k] = 1 - 0.35 * (1 - rgb[k]);
		canvas_text(cv, bx, by, cellw * 0.55, 12, c->display_name, 8, TEXT_BOLD, NULL);
		cur = report_trend_per_day(c, REPORT_TREND_MONTHS - 1);
		avg = report_trend_average(c);
		if (cur >= 0)
			report_format_hm(cur, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "—");
		snprintf(label, sizeof(label), TR(r, "%s /day", "1日 %s"), a);
		canvas_text(cv, bx + cellw * 0.55, by, cellw * 0.45, 12, label, 7.5, TEXT_RIGHT, NULL);
		bw = cellw / REPORT_TREND_MONTHS;
		line(cv->cr, bx, by + 14 + ph, bx + cellw, by + 14 + ph, 0.5, GREY);
		for (m = 0; m < REPORT_TREND_MONTHS; m++) {
			double v = report_trend_per_day(c, m), bh;
			if (v <= 0 || maxv <= 0)
				continue;
			bh = v / maxv * ph;
			fill_rect(cv->cr, bx + m * bw + bw * 0.15, by + 14 + ph - bh, bw * 0.7, bh,
				  m == REPORT_TREND_MONTHS - 1 ? rgb : pale);
		}
		if (avg >= 0) {
			double ay = by + 14 + ph - (maxv > 0 ? avg / maxv * ph : 0);
			line(cv->cr, bx, ay, bx + cellw, ay, 0.6, (const double[3]){ 0.1, 0.1, 0.12 });
			report_format_hm(avg, b, sizeof(b));
			if (cur >= 0) {
				char d[32];
				report_format_signed_hm(cur - avg, d, sizeof(d));
				snprintf(label, sizeof(label), TR(r, "12-month avg %s · %s", "12か月平均 %s · %s"),
					 b, d);
			} else {
				snprintf(label, sizeof(label), TR(r, "12-month avg %s", "12か月平均 %s"), b);
			}
		} else {
			snprintf(label, sizeof(label), TR(r, "no earlier month", "以前の月なし"));
		}
		canvas_text(cv, bx, by + 16 + ph, cellw, 11, label, 6.8, 0, GREY);
		shown++;
		if (shown % cols == 0)
			cy += cellh;
	}
	if (shown % cols)
		cy += cellh;
	if (omitted) {
		snprintf(label, sizeof(label), TR(r, "(%zu more categories: page full)",
						  "（ほか %zu カテゴリは省略）"), omitted);
		canvas_text(cv, x, cy, w, 11, label, 7, 0, GREY);
		cy += 12;
	}
	canvas_text(cv, x, cy, w, 20, TR(r,
		"Per-day averages over the complete days of each month, oldest left; the "
		"month of the report is the dark bar; the line is the average of the 12 months "
		"before it (their minutes over their days), with this month's difference.",
		"各月の完了日の1日平均（左が古い月）。濃い棒がこの月、線はその前の12か月の平均"
		"（分の合計 ÷ 日数）、右はこの月との差。"), 6.8, TEXT_WRAP, GREY);
	return cy + 22 - y;
}

double chart_hour_heatmap(struct canvas *cv, const struct report *r, size_t cat,
			  double x, double y, double w)
{
	const struct report_category *c = &r->cats[cat];
	double namew = 26, cellw = (w - namew) / 24, rowh = 9, rgb[3], best = -1;
	int wd, hr, best_h = 0;
	char label[200], v[16];

	report_parse_color(c->color, rgb);
	/* The busiest clock hour over the month (minutes per day of data). */
	for (hr = 0; hr < 24; hr++) {
		double m = 0;
		int days = 0;
		for (wd = 0; wd < 7; wd++) {
			m += c->hourly[wd][hr];
			days += r->hourly_days[wd];
		}
		if (days && m / days > best) {
			best = m / days;
			best_h = hr;
		}
	}
	{
		/* The shift: last month's busiest hour on its complete days. */
		double pbest = -1;
		int pbest_h = 0;
		char shift[96];

		for (hr = 0; r->hourly_prev_days > 0 && hr < 24; hr++)
			if (c->hourly_prev[hr] / r->hourly_prev_days > pbest) {
				pbest = c->hourly_prev[hr] / r->hourly_prev_days;
				pbest_h = hr;
			}
		if (pbest > 0)
			snprintf(shift, sizeof(shift), TR(r, "; last month %02d:00–%02d:00 (%lld min)",
							  "、先月 %02d:00–%02d:00（%lld 分）"),
				 pbest_h, (pbest_h + 1) % 24, llround(pbest));
		else
			snprintf(shift, sizeof(shift), "%s", TR(r, "; no data last month", "、先月はデータなし"));
		snprintf(label, sizeof(label), TR(r, "%s · busiest hour %02d:00–%02d:00 (%lld min per day%s)",
						  "%s · 最も多い時間帯 %02d:00–%02d:00（1日平均 %lld 分%s）"),
			 c->display_name, best_h, (best_h + 1) % 24, llround(best < 0 ? 0.0 : best), shift);
	}
	canvas_text(cv, x, y, w, 11, label, 7.5, TEXT_BOLD, NULL);
	y += 12;
	for (hr = 0; hr < 24; hr++) {
		snprintf(v, sizeof(v), "%d", hr);
		canvas_text(cv, x + namew + hr * cellw, y, cellw, 8, v, 5.5, TEXT_CENTER, GREY);
	}
	y += 8;
	for (wd = 0; wd < 7; wd++) {
		snprintf(label, sizeof(label), "%s (%d)", WEEKDAY(r, wd), r->hourly_days[wd]);
		canvas_text(cv, x, y, namew - 2, rowh, label, 5.8, TEXT_MIDDLE, NULL);
		for (hr = 0; hr < 24; hr++) {
			double avg = r->hourly_days[wd] ? c->hourly[wd][hr] / r->hourly_days[wd] : -1;
			double t = avg > 0 ? fmin(avg / 60, 1) : 0, fill[3];
			int k;

			for (k = 0; k < 3; k++)
				fill[k] = 1 - t * 0.9 * (1 - rgb[k]);
			fill_rect(cv->cr, x + namew + hr * cellw + 0.3, y + 0.3, cellw - 0.6, rowh - 0.6,
				  avg < 0 ? (const double[3]){ 0.97, 0.97, 0.97 } : fill);
			if (avg < 0)
				snprintf(v, sizeof(v), "–");
			else
				snprintf(v, sizeof(v), "%lld", llround(avg));
			canvas_text(cv, x + namew + hr * cellw, y, cellw, rowh, v, 5.5,
				    TEXT_CENTER | TEXT_MIDDLE,
				    luminance(fill) < 0.5 ? (const double[3]){ 1, 1, 1 } : NULL);
		}
		y += rowh;
	}
	return 12 + 8 + 7 * rowh;
}
