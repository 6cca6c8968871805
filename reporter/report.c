/*
 * report: lifecycle of struct report and the derived figures that the PDF and
 * the Typst data share, so the two outputs can never disagree on a number.
 */
#include "reporter/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
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
	free(r->generated_local);
	for (i = 0; i < r->ntops; i++) {
		int k, n;
		free(r->tops[i].category);
		for (k = 0; k < 3; k++)
			for (n = 0; n < r->tops[i].nitems[k]; n++)
				free(r->tops[i].items[k][n].name);
	}
	free(r->tops);
	free(r->forecast_as_of);
	for (i = 0; i < r->nforecasts; i++)
		free(r->forecasts[i].category);
	free(r->forecasts);
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
		free(r->goals[i].best_start);
		free(r->goals[i].worst_start);
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

const char *report_day_type_word(const struct report *r, const char *day_type)
{
	if (!r->lang_ja || !day_type)
		return day_type ? day_type : "";
	return !strcmp(day_type, "any") ? "すべての日" : !strcmp(day_type, "weekday") ? "平日" :
	       !strcmp(day_type, "holiday") ? "休日" : day_type;
}

const char *report_period_word(const struct report *r, const char *period)
{
	if (!r->lang_ja || !period)
		return period ? period : "";
	return !strcmp(period, "day") ? "日" : !strcmp(period, "week") ? "週" :
	       !strcmp(period, "month") ? "月" : period;
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

int report_parse_color(const char *hex, double rgb[3])
{
	int i, v[3];

	rgb[0] = rgb[1] = rgb[2] = 0.6;
	if (!hex || hex[0] != '#' || strlen(hex) != 7)
		return -1;
	for (i = 0; i < 3; i++)
		if ((v[i] = hex_byte(hex + 1 + 2 * i)) < 0)
			return -1;
	for (i = 0; i < 3; i++)
		rgb[i] = v[i] / 255.0;
	return 0;
}

void report_month_label(const struct report *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d", r->year, r->month);
}

double report_trend_per_day(const struct report_category *c, int i)
{
	if (i < 0 || i >= REPORT_TREND_MONTHS || c->trend_days[i] <= 0)
		return -1;
	return c->trend_minutes[i] / c->trend_days[i];
}

double report_trend_average(const struct report_category *c)
{
	double m = 0;
	int i, days = 0;

	for (i = 0; i < REPORT_TREND_MONTHS - 1; i++) {
		m += c->trend_minutes[i];
		days += c->trend_days[i];
	}
	return days > 0 ? m / days : -1;
}

void report_format_change_pct(double cur, double base, char *out, size_t outlen)
{
	long long p;

	if (!(base > 0)) {
		snprintf(out, outlen, "—");
		return;
	}
	p = llround((cur - base) / base * 100);
	if (p == 0)
		snprintf(out, outlen, "0 %%");
	else
		snprintf(out, outlen, "%+lld %%", p);
}

void report_format_signed_hm(double minutes, char *out, size_t outlen)
{
	char hm[32];
	long long m = llround(minutes);

	report_format_hm((double)m, hm, sizeof(hm));
	snprintf(out, outlen, "%s%s", m > 0 ? "+" : "", hm);
}

/* 1 if s has a kana or kanji character (UTF-8: U+3040..U+30FF, U+4E00..U+9FFF). */
static int has_japanese(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p && *p; p++) {
		if (p[0] == 0xe3 && p[1] >= 0x81 && p[1] <= 0x83)
			return 1;
		if (p[0] >= 0xe4 && p[0] <= 0xe9 && p[1] >= 0x80)
			return 1;
	}
	return 0;
}

int report_default_lang_ja(const struct report *r)
{
	size_t i;

	if (r->timezone && !strcmp(r->timezone, "Asia/Tokyo"))
		return 1;
	for (i = 0; i < r->ncats; i++)
		if (has_japanese(r->cats[i].display_name))
			return 1;
	return 0;
}

static void to_lab(const char *hex, double lab[3])
{
	double rgb[3], lin[3], xyz[3], f[3];
	static const double white[3] = { 0.95047, 1.0, 1.08883 };
	int i;

	report_parse_color(hex, rgb);
	for (i = 0; i < 3; i++)
		lin[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow((rgb[i] + 0.055) / 1.055, 2.4);
	xyz[0] = 0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2];
	xyz[1] = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
	xyz[2] = 0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2];
	for (i = 0; i < 3; i++) {
		double t = xyz[i] / white[i];
		f[i] = t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116;
	}
	lab[0] = 116 * f[1] - 16;
	lab[1] = 500 * (f[0] - f[1]);
	lab[2] = 200 * (f[1] - f[2]);
}

double report_color_distance(const char *a, const char *b)
{
	double la[3], lb[3];

	to_lab(a, la);
	to_lab(b, lb);
	return sqrt((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
		    (la[2] - lb[2]) * (la[2] - lb[2]));
}

/* Palette color k: hues a golden angle apart, two lightness levels. */
static void palette_color(int k, char out[8])
{
	double h = fmod(k * 137.508, 360) / 60, s = 0.55, l = k % 2 ? 0.62 : 0.45;
	double c = (1 - fabs(2 * l - 1)) * s, x = c * (1 - fabs(fmod(h, 2) - 1)), m = l - c / 2;
	double rgb[3] = { 0, 0, 0 };

	switch ((int)h) {
	case 0: rgb[0] = c; rgb[1] = x; break;
	case 1: rgb[0] = x; rgb[1] = c; break;
	case 2: rgb[1] = c; rgb[2] = x; break;
	case 3: rgb[1] = x; rgb[2] = c; break;
	case 4: rgb[0] = x; rgb[2] = c; break;
	default: rgb[0] = c; rgb[2] = x; break;
	}
	snprintf(out, 8, "#%02x%02x%02x", (int)lround((rgb[0] + m) * 255),
		 (int)lround((rgb[1] + m) * 255), (int)lround((rgb[2] + m) * 255));
}

int report_distinct_colors(struct report *r)
{
	size_t i;
	int replaced = 0;

	for (i = 1; i < r->ncats; i++) {
		struct report_category *c = &r->cats[i], *prev = &r->cats[i - 1];
		const char *next = i + 1 < r->ncats ? r->cats[i + 1].color : NULL;
		double d = report_color_distance(c->color, prev->color);
		char pick[8];
		int k;

		if (d >= REPORT_MIN_COLOR_DISTANCE)
			continue;
		/* First the configured color made lighter or darker (the hue the
		 * person chose), then the palette. */
		for (k = 0; k < 6 + 64; k++) {
			if (k < 6) {
				static const double mix[6] = { -0.3, 0.45, -0.5, 0.7, -0.7, 0.9 };
				double rgb[3], t = fabs(mix[k]), target = mix[k] < 0 ? 0 : 1;
				int j;
				report_parse_color(c->color, rgb);
				for (j = 0; j < 3; j++)
					rgb[j] = rgb[j] + (target - rgb[j]) * t;
				snprintf(pick, sizeof(pick), "#%02x%02x%02x", (int)lround(rgb[0] * 255),
					 (int)lround(rgb[1] * 255), (int)lround(rgb[2] * 255));
			} else {
				palette_color(k - 6, pick);
			}
			if (report_color_distance(pick, prev->color) >= REPORT_MIN_COLOR_DISTANCE &&
			    (!next || report_color_distance(pick, next) >= REPORT_MIN_COLOR_DISTANCE))
				break;
		}
		snprintf(c->color_note, sizeof(c->color_note),
			 "the color %s of %s is too close to %s of %s (distance %.1f < %.0f); "
			 "the report uses %s", c->color, c->category, prev->color, prev->category,
			 d, REPORT_MIN_COLOR_DISTANCE, pick);
		free(c->color);
		c->color = strdup(pick);
		if (!c->color)
			abort();
		replaced++;
	}
	return replaced;
}

/* Categories for the per-day comparisons: those with time this month or in
 * the trend, in report order.  Returns how many were written to idx. */
size_t report_compared_categories(const struct report *r, size_t *idx, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < r->ncats && n < max; i++) {
		const struct report_category *c = &r->cats[i];
		if (report_trend_per_day(c, REPORT_TREND_MONTHS - 1) >= 0 ||
		    report_trend_average(c) >= 0)
			idx[n++] = i;
	}
	return n;
}

/* Appends s to text (capacity textlen, used *len), cut at a UTF-8
 * character boundary when it does not fit; after a cut *len is textlen - 1
 * so nothing more is appended. */
static void put(char *text, size_t textlen, size_t *len, const char *s)
{
	size_t n = strlen(s), room;

	if (*len + 1 >= textlen)
		return;
	room = textlen - 1 - *len;
	if (n > room) {
		/* cut at a UTF-8 character boundary of s */
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(text + *len, s, n);
	text[*len + n] = 0;
	/* after a cut nothing more is appended (the text stays a prefix) */
	*len = n < strlen(s) ? textlen - 1 : *len + n;
}

static int goal_judged(const struct report_goal *g)
{
	return strcmp(g->direction, "neutral") && g->periods > 0;
}

void report_summary(const struct report *r, char *text, size_t textlen)
{
	char part[320], a[32], b[32], p[32];
	size_t idx[64], n = report_compared_categories(r, idx, 64), i, j, best[3];
	size_t nbest = 0, len = 0;

	text[0] = 0;
	/* The three largest changes per day against last month. */
	for (i = 0; i < n; i++) {
		const struct report_category *c = &r->cats[idx[i]];
		double cur = report_trend_per_day(c, REPORT_TREND_MONTHS - 1);
		double prev = report_trend_per_day(c, REPORT_TREND_MONTHS - 2);
		size_t k;

		if (cur < 0 || prev < 0 || llround(cur - prev) == 0)
			continue;
		for (k = 0; k < nbest; k++) {
			const struct report_category *o = &r->cats[best[k]];
			double od = fabs(report_trend_per_day(o, REPORT_TREND_MONTHS - 1) -
					 report_trend_per_day(o, REPORT_TREND_MONTHS - 2));
			if (fabs(cur - prev) > od)
				break;
		}
		if (k >= 3)
			continue;
		for (j = nbest < 3 ? nbest : 2; j > k; j--)
			best[j] = best[j - 1];
		best[k] = idx[i];
		if (nbest < 3)
			nbest++;
	}
	if (nbest) {
		put(text, textlen, &len, TR(r, "Largest changes per day against last month: ",
					   "先月と比べて1日あたり最も変わったのは "));
		for (i = 0; i < nbest && len < textlen; i++) {
			const struct report_category *c = &r->cats[best[i]];
			double cur = report_trend_per_day(c, REPORT_TREND_MONTHS - 1);
			double prev = report_trend_per_day(c, REPORT_TREND_MONTHS - 2);

			report_format_hm(prev, a, sizeof(a));
			report_format_hm(cur, b, sizeof(b));
			report_format_change_pct(cur, prev, p, sizeof(p));
			snprintf(part, sizeof(part), TR(r, "%s%s %s from %s to %s a day (%s)",
							"%s%s（%s: %s → %s、%s）"),
				 i ? (r->lang_ja ? "、" : ", ") : "", c->display_name,
				 cur > prev ? TR(r, "up", "増加") : TR(r, "down", "減少"), a, b, p);
			put(text, textlen, &len, part);
		}
		put(text, textlen, &len, TR(r, ". ", "です。"));
	} else if (len < textlen) {
		put(text, textlen, &len, TR(r, "No category can be compared with last month yet. ",
					   "先月と比べられるカテゴリはまだありません。"));
	}
	/* Goals: hits and the running streaks. */
	if (r->goal_periods && len < textlen) {
		snprintf(part, sizeof(part), TR(r, "Goals were met in %d of %d periods. ",
						"目標は %2$d 期間中 %1$d 期間で達成しました。"),
			 r->goal_hits, r->goal_periods);
		put(text, textlen, &len, part);
	}
	for (i = 0; i < r->ngoals && len < textlen; i++) {
		const struct report_goal *g = &r->goals[i];
		const char *unit;

		if (!goal_judged(g) || g->streak < 2)
			continue;
		unit = !strcmp(g->period, "day") ? TR(r, "days", "日") :
		       !strcmp(g->period, "week") ? TR(r, "weeks", "週") : TR(r, "months", "か月");
		snprintf(part, sizeof(part), TR(r, "%s (%s, per %s): met %d %s in a row. ",
						"%s（%s・%sごと）は %d %s連続で達成中。"),
			 report_display_name(r, g->category), report_day_type_word(r, g->day_type),
			 report_period_word(r, g->period), g->streak, unit);
		put(text, textlen, &len, part);
	}
}

