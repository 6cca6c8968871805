/*
 * test_report: the reporter without a database: number formatting, month
 * arithmetic, goal classification, the text-box check of the canvas, and
 * whole PDF renders of in-memory reports (full, empty, plan only, a
 * 40-character Japanese name) asserting pages, no overflow, no tofu and
 * byte-identical output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cairo.h>
#include <cjson/cJSON.h>

#include "reporter/canvas.h"
#include "reporter/charts.h"
#include "reporter/pdf.h"
#include "reporter/report.h"
#include "reporter/typst.h"
#include "tests/unit/test_report_fixture.h"
#include "lib/timeutil.h"

static void test_format_hm(void **state)
{
	char out[32];
	(void)state;

	report_format_hm(9127.4, out, sizeof(out));
	assert_string_equal(out, "152:07");
	report_format_hm(59.5, out, sizeof(out));
	assert_string_equal(out, "1:00");
	report_format_hm(0, out, sizeof(out));
	assert_string_equal(out, "0:00");
	report_format_hm(-65, out, sizeof(out));
	assert_string_equal(out, "-1:05");
	report_format_hm(1440 * 31, out, sizeof(out));
	assert_string_equal(out, "744:00");
}

static void test_set_month(void **state)
{
	struct report r;
	(void)state;

	report_init(&r);
	assert_int_equal(report_set_month(&r, "2026-02"), 0);
	assert_int_equal(r.ndays, 28);
	assert_int_equal(report_set_month(&r, "2024-02"), 0);
	assert_int_equal(r.ndays, 29);
	assert_int_equal(report_set_month(&r, "2026-12"), 0);
	assert_int_equal(r.ndays, 31);
	assert_int_equal(r.first_day, time_days_from_civil(2026, 12, 1));
	assert_int_equal(report_set_month(&r, "2026-13"), -1);
	assert_int_equal(report_set_month(&r, "2026-1"), -1);
	assert_int_equal(report_set_month(&r, "2026-01x"), -1);
	assert_int_equal(report_set_month(&r, "abcd-ef"), -1);
	assert_int_equal(report_set_month(&r, NULL), -1);
	report_release(&r);
}

static void test_goal_status(void **state)
{
	struct report r;
	struct report_goal g[2];
	char text[64];
	enum goal_status st;

	(void)state;
	/* The period rule and the one status vocabulary (lib/goal_status.h). */
	assert_true(goal_period_met(DIR_MORE, 100, 100));
	assert_false(goal_period_met(DIR_MORE, 100, 99.5));
	assert_true(goal_period_met(DIR_LESS, 0, 0));
	assert_false(goal_period_met(DIR_LESS, 0, 5));
	assert_false(goal_period_met(DIR_NEUTRAL, 100, 100));
	assert_int_equal(goal_status_of_period(DIR_MORE, 1, 100, 100, NAN, 0.7, 0.4), STATUS_MET);
	assert_int_equal(goal_status_of_period(DIR_MORE, 1, 100, 95, NAN, 0.7, 0.4), STATUS_OFF_TRACK);
	/* Running: a reached `more` goal is met; a `less` goal under its limit
	 * so far is not met yet, it goes by its probability. */
	assert_int_equal(goal_status_of_period(DIR_MORE, 0, 100, 120, 1.0, 0.7, 0.4), STATUS_MET);
	assert_int_equal(goal_status_of_period(DIR_LESS, 0, 100, 20, 0.8, 0.7, 0.4), STATUS_ON_TRACK);
	assert_int_equal(goal_status_of_period(DIR_LESS, 0, 100, 20, 0.5, 0.7, 0.4), STATUS_AT_RISK);
	assert_int_equal(goal_status_of_period(DIR_LESS, 0, 100, 20, 0.1, 0.7, 0.4), STATUS_OFF_TRACK);
	assert_int_equal(goal_status_of_period(DIR_NEUTRAL, 1, 100, 20, 0.1, 0.7, 0.4), STATUS_NEUTRAL);
	assert_int_equal(goal_status_of_hits(DIR_MORE, 30, 30, 0.7, 0.4), STATUS_MET);
	assert_int_equal(goal_status_of_hits(DIR_MORE, 17, 30, 0.7, 0.4), STATUS_AT_RISK);
	assert_int_equal(goal_status_of_hits(DIR_MORE, 21, 30, 0.7, 0.4), STATUS_ON_TRACK);
	assert_int_equal(goal_status_of_hits(DIR_LESS, 2, 30, 0.7, 0.4), STATUS_OFF_TRACK);
	assert_int_equal(goal_status_of_hits(DIR_LESS, 0, 0, 0.7, 0.4), STATUS_NEUTRAL);
	assert_int_equal(goal_status_parse("on_track", &st), 0);
	assert_int_equal(st, STATUS_ON_TRACK);
	assert_string_equal(goal_status_label(st), "on track");
	assert_int_equal(goal_status_parse("on track", &st), -1);

	/* A category's status sums the periods of its goals. */
	report_init(&r);
	memset(g, 0, sizeof(g));
	g[0].category = "Sleep"; g[0].direction = "more"; g[0].period = "day";
	g[0].hits = 17; g[0].periods = 30;
	g[1].category = "Sleep"; g[1].direction = "more"; g[1].period = "week";
	g[1].hits = 4; g[1].periods = 4;
	r.goals = g;
	r.ngoals = 2;
	assert_int_equal(report_category_status(&r, "Sleep"), STATUS_AT_RISK); /* 21/34 */
	assert_int_equal(report_category_status(&r, "Work"), STATUS_NEUTRAL);
	report_hits_text(&g[0], text, sizeof(text));
	assert_string_equal(text, "17 of 30 days");
	g[1].periods = 1;
	g[1].hits = 1;
	report_hits_text(&g[1], text, sizeof(text));
	assert_string_equal(text, "1 of 1 week");
	r.goals = NULL;
	r.ngoals = 0;
	report_release(&r);
}

static void test_parse_color_and_ticks(void **state)
{
	double rgb[3], top;
	(void)state;

	assert_int_equal(report_parse_color("#ff8000", rgb), 0);
	assert_true(rgb[0] == 1.0 && rgb[2] == 0.0);
	assert_true(rgb[1] > 0.50 && rgb[1] < 0.51);
	assert_int_equal(report_parse_color("red", rgb), -1);
	assert_true(rgb[0] == rgb[1] && rgb[1] == rgb[2]);   /* grey fallback */
	assert_int_equal(report_parse_color("#12345g", rgb), -1);

	assert_true(chart_nice_step(24, 6, &top) == 5 && top == 25);
	assert_true(chart_nice_step(19.5, 6, &top) == 5 && top == 20);
	assert_true(chart_nice_step(0.7, 6, &top) > 0 && top >= 0.7);
	assert_true(chart_nice_step(0, 6, &top) > 0 && top > 0);
}

static void test_derived_figures(void **state)
{
	struct report r;
	double total;
	(void)state;

	fixture_report(&r, FIX_FULL);
	total = report_total_actual(&r);
	/* Every fixture day sums to 24 hours with Untracked. */
	assert_true(total == 1440.0 * r.ndays);
	assert_true(report_tracked(&r) == total - report_untracked(&r));
	assert_int_equal(report_days_with_actual(&r), 31);
	/* 2026-10-05 is a Monday: the Monday average of Work is its mean over
	 * the Mondays of October. */
	{
		double sum = 0;
		int n = 0, d;
		for (d = 0; d < r.ndays; d++)
			if (time_weekday(r.first_day + d) == 0) {
				sum += r.cats[2].daily_actual[d];
				n++;
			}
		assert_int_equal(n, 4);
		assert_true(report_weekday_average(&r, 2, 0) == sum / n);
	}
	assert_string_equal(report_display_name(&r, "Sleep"), "睡眠");
	assert_string_equal(report_display_name(&r, "Nope"), "Nope");
	report_release(&r);
}

/* The canvas check itself: a text in a too small box is counted. */
static void test_canvas_detects_overflow(void **state)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 200);
	cairo_t *cr = cairo_create(s);
	struct canvas cv;
	(void)state;

	canvas_init(&cv, cr);
	canvas_text(&cv, 0, 0, 150, 20, "睡眠 7:00", 9, 0, NULL);
	assert_int_equal(cv.noverflow, 0);
	canvas_text(&cv, 0, 0, 150, 4, "睡眠 7:00", 9, 0, NULL);      /* too low */
	assert_int_equal(cv.noverflow, 1);
	assert_string_equal(cv.first_overflow, "睡眠 7:00");
	canvas_text(&cv, 0, 0, 20, 20, "長い名前のカテゴリ名", 9, TEXT_NO_ELLIPSIZE, NULL);
	assert_int_equal(cv.noverflow, 2);                             /* too wide */
	canvas_text(&cv, 0, 0, 20, 20, "長い名前のカテゴリ名", 9, 0, NULL);
	assert_int_equal(cv.noverflow, 2);                             /* shortened */
	assert_int_equal(cv.nellipsized, 1);
	canvas_text(&cv, 0, 0, 60, 40, "長い名前のカテゴリ名長い名前のカテゴリ名", 9, TEXT_WRAP, NULL);
	assert_int_equal(cv.noverflow, 2);                             /* wrapped, cut */
	canvas_text(&cv, 0, 0, 60, 40, "\xe7\x9d", 9, 0, NULL);        /* bad UTF-8 */
	assert_int_equal(cv.nunknown, 1);
	assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	assert_int_equal(canvas_check_fonts(cr, (char[256]){ 0 }, 256), 0);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* Ink of a text drawn black on white: the sum of 1 - luminance over the
 * pixels of a 400x60 image. */
static double ink_of(const char *text, int flags)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 60);
	cairo_t *cr = cairo_create(s);
	struct canvas cv;
	const unsigned char *px;
	double ink = 0;
	int x, y, stride;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	canvas_init(&cv, cr);
	canvas_text(&cv, 5, 5, 390, 50, text, 24, flags, (const double[3]){ 0, 0, 0 });
	assert_int_equal(cv.noverflow, 0);
	canvas_release(&cv);
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = 0; y < 60; y++)
		for (x = 0; x < 400; x++)
			ink += 1 - px[y * stride + 4 * x] / 255.0;  /* blue = grey here */
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return ink;
}

/* Headings: their Japanese is emboldened (one CJK face, stroked outlines),
 * visibly more ink than the same text in a bold label, whose Japanese
 * stays regular; Latin is bold in both, so it gains nothing. */
static void test_canvas_heading_bold_japanese(void **state)
{
	double heading = ink_of("主な数字と期間ごとの目標", TEXT_HEADING);
	double bold = ink_of("主な数字と期間ごとの目標", TEXT_BOLD);
	double regular = ink_of("主な数字と期間ごとの目標", 0);
	double latin_h = ink_of("Key figures", TEXT_HEADING);
	double latin_b = ink_of("Key figures", TEXT_BOLD);
	(void)state;

	assert_true(bold > 0.99 * regular && bold < 1.01 * regular);
	assert_true(heading > 1.15 * bold);
	assert_true(latin_h > 0.99 * latin_b && latin_h < 1.01 * latin_b);
}

/* The summary in a buffer too small for it: cut at a UTF-8 character
 * boundary, a prefix of the whole text, never past the buffer. */
static void test_summary_truncates_cleanly(void **state)
{
	struct report r;
	char full[2048], small[64];
	size_t n;
	(void)state;

	fixture_report(&r, FIX_FULL);
	r.lang_ja = 1;
	for (size_t i = 0; i < 3 && i < r.ncats; i++) {
		r.cats[i].trend_minutes[11] = 600 + 100.0 * (double)i;
		r.cats[i].trend_days[11] = 30;
		r.cats[i].trend_minutes[12] = 900;
		r.cats[i].trend_days[12] = 31;
	}
	report_summary(&r, full, sizeof(full));
	assert_true(strlen(full) > 80);
	assert_non_null(strstr(full, "先月と比べて"));
	for (n = 2; n <= sizeof(small); n++) {
		size_t len;
		memset(small, 'x', sizeof(small));
		report_summary(&r, small, n);
		len = strlen(small);
		assert_true(len < n);
		assert_memory_equal(small, full, len);
		assert_true((full[len] & 0xc0) != 0x80);
	}
	report_release(&r);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

static void render_variant(enum fixture_variant v, struct render_stats *st, char *path,
			   size_t pathlen)
{
	struct report r;
	char err[512];
	int fd;

	snprintf(path, pathlen, "/tmp/test_report_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	fixture_report(&r, v);
	if (report_render_pdf(&r, path, st, err, sizeof(err)) != 0)
		fail_msg("render failed: %s", err);
	report_release(&r);
	assert_int_equal(st->pages, REPORT_PDF_PAGES);
	if (st->noverflow)
		fail_msg("%zu texts overflow, first '%s' by %.2f pt", st->noverflow,
			 st->first_overflow, st->max_overflow);
	assert_int_equal(st->nunknown, 0);
	assert_true(st->ntexts > 50);
}

static void test_render_full(void **state)
{
	struct render_stats st;
	char path[64];
	size_t len;
	char *pdf;
	(void)state;

	render_variant(FIX_FULL, &st, path, sizeof(path));
	pdf = read_all(path, &len);
	assert_non_null(pdf);
	assert_true(len > 1000 && !memcmp(pdf, "%PDF-", 5));
	/* Creation date from generated_at (2026-11-01T06:00:00Z). */
	assert_non_null(memmem(pdf, len, "/CreationDate (20261101060000", 29));
	free(pdf);
	unlink(path);
}

static void test_render_empty_and_plan_only(void **state)
{
	struct render_stats st;
	char path[64];
	(void)state;

	render_variant(FIX_EMPTY, &st, path, sizeof(path));
	unlink(path);
	render_variant(FIX_PLAN_ONLY, &st, path, sizeof(path));
	unlink(path);
}

static void test_render_long_japanese_name(void **state)
{
	struct render_stats st;
	char path[64];
	(void)state;

	render_variant(FIX_LONG_NAME, &st, path, sizeof(path));
	/* The name is shortened wherever it does not fit (legend, table, ...). */
	assert_true(st.nellipsized >= 3);
	unlink(path);
}

static void test_render_is_deterministic(void **state)
{
	struct render_stats st;
	char a[64], b[64];
	char *da, *db;
	size_t la, lb;
	(void)state;

	render_variant(FIX_FULL, &st, a, sizeof(a));
	render_variant(FIX_FULL, &st, b, sizeof(b));
	da = read_all(a, &la);
	db = read_all(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
	unlink(a);
	unlink(b);
}

static void test_render_unwritable_path(void **state)
{
	struct report r;
	char err[512];
	(void)state;

	fixture_report(&r, FIX_FULL);
	assert_int_equal(report_render_pdf(&r, "/nonexistent-dir/x.pdf", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x.pdf"));
	report_release(&r);
}

static void test_json(void **state)
{
	struct report r;
	cJSON *root, *cats, *key;
	char *a, *b;
	(void)state;

	fixture_report(&r, FIX_FULL);
	root = report_to_json(&r);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "month")->valuestring, "2026-10");
	cats = cJSON_GetObjectItemCaseSensitive(root, "categories");
	assert_int_equal(cJSON_GetArraySize(cats), (int)r.ncats);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cats, 0),
							      "display_name")->valuestring, "睡眠");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetArrayItem(cats, 0), "daily_actual")), r.ndays);
	key = cJSON_GetObjectItemCaseSensitive(root, "key");
	assert_true(cJSON_GetObjectItemCaseSensitive(key, "tracked_minutes")->valuedouble ==
		    report_tracked(&r));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "days")), 31);
	a = cJSON_Print(root);
	cJSON_Delete(root);
	root = report_to_json(&r);
	b = cJSON_Print(root);
	assert_string_equal(a, b);
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(root);
	report_release(&r);
}

/* Review helpers: never "-0 %", an hour axis ending at 24, neighbouring
 * colors kept apart (the configured one wins when distinct), the default
 * language rule. */
static void test_review_helpers(void **state)
{
	struct report r;
	char out[32];
	double top;
	size_t i;
	(void)state;

	report_format_change_pct(99.7, 100, out, sizeof(out));
	assert_string_equal(out, "0 %");
	report_format_change_pct(100.3, 100, out, sizeof(out));
	assert_string_equal(out, "0 %");
	report_format_change_pct(94, 100, out, sizeof(out));
	assert_string_equal(out, "-6 %");
	report_format_change_pct(112, 100, out, sizeof(out));
	assert_string_equal(out, "+12 %");
	report_format_change_pct(5, 0, out, sizeof(out));
	assert_string_equal(out, "—");
	report_format_signed_hm(-0.4, out, sizeof(out));
	assert_string_equal(out, "0:00");
	report_format_signed_hm(7.2, out, sizeof(out));
	assert_string_equal(out, "+0:07");
	report_format_signed_hm(-65, out, sizeof(out));
	assert_string_equal(out, "-1:05");

	assert_true(chart_hours_step(24, 6, &top) == 4);
	assert_true(top == 24);
	assert_true(chart_hours_step(25, 6, &top) == 6);
	assert_true(top == 30);
	assert_true(chart_hours_step(9.5, 6, &top) == 2);
	assert_true(top == 10);

	report_init(&r);
	report_add_category(&r, "Sleep", "睡眠", "Essentials", "#9e5bd9", 10);
	report_add_category(&r, "Meals", "食事", "Essentials", "#e36a00", 20);
	report_add_category(&r, "Housework", "家事", "Essentials", "#bf7000", 30);
	report_add_category(&r, "Work", "仕事", "Obligation", "#00a0e9", 40);
	assert_true(report_color_distance("#e36a00", "#bf7000") < REPORT_MIN_COLOR_DISTANCE);
	assert_int_equal(report_distinct_colors(&r), 1);
	assert_string_equal(r.cats[0].color, "#9e5bd9");   /* distinct: kept */
	assert_string_equal(r.cats[1].color, "#e36a00");
	assert_string_not_equal(r.cats[2].color, "#bf7000");
	assert_true(r.cats[2].color_note[0] != 0);
	assert_true(r.cats[3].color_note[0] == 0);
	for (i = 1; i < r.ncats; i++)
		assert_true(report_color_distance(r.cats[i].color, r.cats[i - 1].color) >=
			    REPORT_MIN_COLOR_DISTANCE);
	/* Japanese names: Japanese labels by default, whatever the zone. */
	r.timezone = strdup("Europe/Berlin");
	assert_int_equal(report_default_lang_ja(&r), 1);
	report_release(&r);

	report_init(&r);
	report_add_category(&r, "Sleep", "Sleep", "Essentials", "#9e5bd9", 10);
	r.timezone = strdup("Europe/Berlin");
	assert_int_equal(report_default_lang_ja(&r), 0);
	free(r.timezone);
	r.timezone = strdup("Asia/Tokyo");
	assert_int_equal(report_default_lang_ja(&r), 1);
	report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_hm),
		cmocka_unit_test(test_set_month),
		cmocka_unit_test(test_goal_status),
		cmocka_unit_test(test_parse_color_and_ticks),
		cmocka_unit_test(test_derived_figures),
		cmocka_unit_test(test_canvas_detects_overflow),
		cmocka_unit_test(test_render_full),
		cmocka_unit_test(test_render_empty_and_plan_only),
		cmocka_unit_test(test_render_long_japanese_name),
		cmocka_unit_test(test_render_is_deterministic),
		cmocka_unit_test(test_render_unwritable_path),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_review_helpers),
		cmocka_unit_test(test_canvas_heading_bold_japanese),
		cmocka_unit_test(test_summary_truncates_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
