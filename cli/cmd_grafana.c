/*
 * cmd_grafana: `dwhbi grafana dashboards [-o DIR]` writes the Grafana
 * dashboards of this warehouse: its categories (one colour override per
 * category, equal to ref.categories.color, on every per-category panel),
 * its time zone (the dashboards' timezone and every local-day or
 * hour-of-day query), and an `__inputs` datasource with a datasource
 * variable, so the same files work when provisioned (the variable falls back
 * to the default PostgreSQL datasource) and when imported through Grafana's
 * UI (which asks for the datasource).  Every query reads marts.* only; the
 * estimate panels read marts.estimate_bands, a view over the analyzer's
 * latest estimates that nothing upstream of the marts reads
 * (docs/contracts.md).
 * The files are written whole (temporary file, then rename) and the output
 * depends only on the warehouse, so regenerating is idempotent.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "lib/buf.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xalloc.h"

const char cmd_grafana_summary[] = "generate the Grafana dashboards for this warehouse";
const char cmd_grafana_usage[] =
	"usage: dwhbi grafana dashboards [-o DIR]\n"
	"\n"
	"Writes the Grafana dashboards of this warehouse as JSON files into DIR\n"
	"(default grafana/dashboards; created when missing):\n"
	"  dwhbi-overview.json  today / this week, goal hit rates, freshness per\n"
	"                       source; minutes per day by category (stacked, in\n"
	"                       the categories' colours); per-day averages by week\n"
	"                       and month; an hour-of-day x weekday heat map\n"
	"  dwhbi-goals.json     goal achievement and hit/miss over time, plan vs\n"
	"                       actual, plan adherence, estimates with their 80 %\n"
	"                       and 95 % bands\n"
	"  dwhbi-runs.json      run history, durations and failures, freshness\n"
	"\n"
	"The categories (names, colours, order) come from ref.categories and the\n"
	"time zone from the warehouse (ref.settings), so run it again after\n"
	"'dwhbi seed' changes them.  The files work with Grafana's file\n"
	"provisioning (grafana/provisioning/) and with Dashboards > Import, which\n"
	"asks for the PostgreSQL datasource (__inputs).  Every query reads only\n"
	"marts.* (the estimates through the view marts.estimate_bands).\n";

#define DS "${ds}"

struct category {
	char *key, *name, *color;
};

struct gen {
	const char *zone;      /* IANA name */
	char zq[160];          /* the zone as a SQL literal: 'Asia/Tokyo' */
	struct category *cats;
	int ncats;
	int next_id;
};

static cJSON *datasource(void)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "type", "postgres");
	cJSON_AddStringToObject(d, "uid", DS);
	return d;
}

static cJSON *panel(struct gen *g, cJSON *panels, const char *type, const char *title,
		    int x, int y, int w, int h)
{
	cJSON *p = cJSON_CreateObject(), *pos = cJSON_CreateObject();

	cJSON_AddNumberToObject(p, "id", ++g->next_id);
	cJSON_AddStringToObject(p, "type", type);
	cJSON_AddStringToObject(p, "title", title);
	cJSON_AddItemToObject(p, "datasource", datasource());
	cJSON_AddNumberToObject(pos, "h", h);
	cJSON_AddNumberToObject(pos, "w", w);
	cJSON_AddNumberToObject(pos, "x", x);
	cJSON_AddNumberToObject(pos, "y", y);
	cJSON_AddItemToObject(p, "gridPos", pos);
	cJSON_AddItemToArray(panels, p);
	return p;
}

static void row(struct gen *g, cJSON *panels, const char *title, int y)
{
	cJSON *p = cJSON_CreateObject(), *pos = cJSON_CreateObject();

	cJSON_AddNumberToObject(p, "id", ++g->next_id);
	cJSON_AddStringToObject(p, "type", "row");
	cJSON_AddStringToObject(p, "title", title);
	cJSON_AddBoolToObject(p, "collapsed", 0);
	cJSON_AddItemToObject(p, "panels", cJSON_CreateArray());
	cJSON_AddNumberToObject(pos, "h", 1);
	cJSON_AddNumberToObject(pos, "w", 24);
	cJSON_AddNumberToObject(pos, "x", 0);
	cJSON_AddNumberToObject(pos, "y", y);
	cJSON_AddItemToObject(p, "gridPos", pos);
	cJSON_AddItemToArray(panels, p);
}

/* Adds a raw-SQL target; %Z in sql becomes the zone literal. */
static void target(struct gen *g, cJSON *p, const char *ref, const char *format,
		   const char *sql)
{
	cJSON *targets = cJSON_GetObjectItemCaseSensitive(p, "targets");
	cJSON *t = cJSON_CreateObject();
	struct buf b = BUF_INIT;

	for (const char *s = sql; *s; s++) {
		if (s[0] == '%' && s[1] == 'Z') {
			buf_puts(&b, g->zq);
			s++;
		} else {
			buf_putc(&b, *s);
		}
	}
	if (!targets)
		targets = cJSON_AddArrayToObject(p, "targets");
	cJSON_AddStringToObject(t, "refId", ref);
	cJSON_AddItemToObject(t, "datasource", datasource());
	cJSON_AddStringToObject(t, "editorMode", "code");
	cJSON_AddStringToObject(t, "format", format);
	cJSON_AddBoolToObject(t, "rawQuery", 1);
	cJSON_AddStringToObject(t, "rawSql", b.data);
	cJSON_AddItemToArray(targets, t);
	buf_release(&b);
}

/* fieldConfig with defaults (unit, min) and an empty overrides list. */
static cJSON *field_config(cJSON *p, const char *unit)
{
	cJSON *fc = cJSON_AddObjectToObject(p, "fieldConfig");
	cJSON *d = cJSON_AddObjectToObject(fc, "defaults");
	if (unit)
		cJSON_AddStringToObject(d, "unit", unit);
	cJSON_AddArrayToObject(fc, "overrides");
	return d;
}

static cJSON *custom(cJSON *defaults)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(defaults, "custom");
	return c ? c : cJSON_AddObjectToObject(defaults, "custom");
}

static void add_override(cJSON *p, const char *matcher, const char *name, const char *prop,
			 cJSON *value)
{
	cJSON *ov = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "fieldConfig"), "overrides");
	cJSON *o = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(o, "matcher");
	cJSON *props = cJSON_AddArrayToObject(o, "properties"), *pr = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "id", matcher);
	cJSON_AddStringToObject(m, "options", name);
	cJSON_AddStringToObject(pr, "id", prop);
	cJSON_AddItemToObject(pr, "value", value);
	cJSON_AddItemToArray(props, pr);
	cJSON_AddItemToArray(ov, o);
}

/* The series or column named name in a fixed colour. */
static void fixed_color(cJSON *p, const char *name, const char *color)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "mode", "fixed");
	cJSON_AddStringToObject(c, "fixedColor", color);
	add_override(p, "byName", name, "color", c);
}

/* The table column named name drawn as a cell of type (auto, color-text). */
static void cell_type(cJSON *p, const char *name, const char *type)
{
	cJSON *cell = cJSON_CreateObject();
	cJSON_AddStringToObject(cell, "type", type);
	add_override(p, "byName", name, "custom.cellOptions", cell);
}

/* One override per category: its series (named by display name) in its
 * ref.categories colour. */
static void category_colors(struct gen *g, cJSON *p)
{
	for (int i = 0; i < g->ncats; i++)
		fixed_color(p, g->cats[i].name, g->cats[i].color);
}

static void thresholds(cJSON *defaults, const char *const *colors, const double *steps, int n)
{
	cJSON *t = cJSON_AddObjectToObject(defaults, "thresholds");
	cJSON *s = cJSON_AddArrayToObject(t, "steps");

	cJSON_AddStringToObject(t, "mode", "absolute");
	for (int i = 0; i < n; i++) {
		cJSON *st = cJSON_CreateObject();
		cJSON_AddStringToObject(st, "color", colors[i]);
		if (i == 0)
			cJSON_AddNullToObject(st, "value");
		else
			cJSON_AddNumberToObject(st, "value", steps[i]);
		cJSON_AddItemToArray(s, st);
	}
	cJSON *color = cJSON_AddObjectToObject(defaults, "color");
	cJSON_AddStringToObject(color, "mode", "thresholds");
}

static void stat_options(cJSON *p, int all_values)
{
	cJSON *o = cJSON_AddObjectToObject(p, "options");
	cJSON *r = cJSON_AddObjectToObject(o, "reduceOptions");
	cJSON *calcs = cJSON_AddArrayToObject(r, "calcs");

	cJSON_AddItemToArray(calcs, cJSON_CreateString("lastNotNull"));
	cJSON_AddBoolToObject(r, "values", all_values);
	cJSON_AddStringToObject(o, "colorMode", "background");
	cJSON_AddStringToObject(o, "graphMode", "none");
	cJSON_AddStringToObject(o, "textMode", "value_and_name");
}

/* A time series panel: bars or lines, stacked or not. */
static cJSON *series(struct gen *g, cJSON *panels, const char *title, int x, int y, int w,
		     int h, const char *unit, int bars, int stacked)
{
	cJSON *p = panel(g, panels, "timeseries", title, x, y, w, h);
	cJSON *d = field_config(p, unit), *c = custom(d);
	cJSON *o = cJSON_AddObjectToObject(p, "options");
	cJSON *legend = cJSON_AddObjectToObject(o, "legend");
	cJSON *tooltip = cJSON_AddObjectToObject(o, "tooltip");

	cJSON_AddStringToObject(c, "drawStyle", bars ? "bars" : "line");
	cJSON_AddNumberToObject(c, "fillOpacity", bars ? 85 : 10);
	cJSON_AddNumberToObject(c, "lineWidth", bars ? 1 : 2);
	cJSON *stack = cJSON_AddObjectToObject(c, "stacking");
	cJSON_AddStringToObject(stack, "mode", stacked ? "normal" : "none");
	cJSON_AddStringToObject(stack, "group", "A");
	cJSON_AddNumberToObject(d, "min", 0);
	cJSON_AddStringToObject(legend, "displayMode", "list");
	cJSON_AddStringToObject(legend, "placement", "bottom");
	cJSON_AddBoolToObject(legend, "showLegend", 1);
	cJSON_AddStringToObject(tooltip, "mode", stacked ? "multi" : "single");
	cJSON_AddStringToObject(tooltip, "sort", stacked ? "desc" : "none");
	return p;
}

/* A time series panel with a description and one query (refId A). */
static cJSON *series_of(struct gen *g, cJSON *panels, const char *title, int x, int y, int w,
			int h, const char *unit, int bars, int stacked, const char *description,
			const char *sql)
{
	cJSON *p = series(g, panels, title, x, y, w, h, unit, bars, stacked);
	cJSON_AddStringToObject(p, "description", description);
	target(g, p, "A", "time_series", sql);
	return p;
}

/* Stacked bars of minutes, one series per category in its colour. */
static void category_bars(struct gen *g, cJSON *panels, const char *title, int x, int y, int w,
			  int h, const char *description, const char *sql)
{
	cJSON *p = series(g, panels, title, x, y, w, h, "m", 1, 1);
	cJSON_AddStringToObject(p, "description", description);
	category_colors(g, p);
	target(g, p, "A", "time_series", sql);
}

/* The stat panels along the top of the overview, 5 high. */
struct stat_spec {
	const char *title, *description, *unit;
	int x, w;
	int percent;                   /* min 0, max 100 */
	int decimals;                  /* -1: Grafana's choice */
	const char *const *colors;     /* thresholds: colors[i] from steps[i] */
	const double *steps;
	int nsteps;
	const char *format, *sql;
};

static void stat_panel(struct gen *g, cJSON *panels, const struct stat_spec *s)
{
	cJSON *p = panel(g, panels, "stat", s->title, s->x, 0, s->w, 5), *d;

	if (s->description)
		cJSON_AddStringToObject(p, "description", s->description);
	d = field_config(p, s->unit);
	if (s->percent) {
		cJSON_AddNumberToObject(d, "min", 0);
		cJSON_AddNumberToObject(d, "max", 100);
	}
	if (s->decimals >= 0)
		cJSON_AddNumberToObject(d, "decimals", s->decimals);
	thresholds(d, s->colors, s->steps, s->nsteps);
	stat_options(p, 0);
	target(g, p, "A", s->format, s->sql);
}

/* ---- the three dashboards ------------------------------------------------ */

static void overview(struct gen *g, cJSON *panels)
{
	static const char *const goal_colors[] = { "red", "orange", "green" };
	static const double goal_steps[] = { 0, 50, 80 };
	static const char *const fresh_colors[] = { "green", "orange", "red" };
	static const double fresh_steps[] = { 0, 24, 36 };
	static const char *const blue[] = { "blue" };
	static const double none[] = { 0 };
	static const struct stat_spec stats[] = {
		{ "Tracked today", NULL, "m", 0, 4, 0, -1, blue, none, 1, "table",
		  "SELECT coalesce(sum(actual_minutes), 0) AS \"tracked today\"\n"
		  "FROM marts.daily_category\n"
		  "WHERE date = (now() AT TIME ZONE %Z)::date\n"
		  "  AND category <> 'Untracked'\n"
		  "  AND category IN ($category)" },
		{ "Tracked this week", NULL, "m", 4, 4, 0, -1, blue, none, 1, "table",
		  "SELECT coalesce(sum(actual_minutes), 0) AS \"tracked this week\"\n"
		  "FROM marts.daily_category\n"
		  "WHERE date >= date_trunc('week', now() AT TIME ZONE %Z)::date\n"
		  "  AND date <= (now() AT TIME ZONE %Z)::date\n"
		  "  AND category <> 'Untracked'\n"
		  "  AND category IN ($category)" },
		{ "Goals hit this week", NULL, "percent", 8, 4, 1, -1, goal_colors, goal_steps, 3,
		  "table",
		  "SELECT 100.0 * avg(CASE WHEN met THEN 1 ELSE 0 END) AS \"goals hit this week\"\n"
		  "FROM marts.goal_achievement\n"
		  "WHERE complete AND met IS NOT NULL\n"
		  "  AND period_start >= date_trunc('week', now() AT TIME ZONE %Z)::date\n"
		  "  AND category IN ($category)" },
		{ "Goals hit this month", NULL, "percent", 12, 4, 1, -1, goal_colors, goal_steps, 3,
		  "table",
		  "SELECT 100.0 * avg(CASE WHEN met THEN 1 ELSE 0 END) AS \"goals hit this month\"\n"
		  "FROM marts.goal_achievement\n"
		  "WHERE complete AND met IS NOT NULL\n"
		  "  AND period_start >= date_trunc('month', now() AT TIME ZONE %Z)::date\n"
		  "  AND category IN ($category)" },
		{ "Hours since the last sync",
		  "From marts.source_freshness (as of the last transform): orange "
		  "after 24 h, red after 36 h, when a source counts as stale.",
		  "h", 16, 8, 0, 1, fresh_colors, fresh_steps, 3, "time_series",
		  "SELECT now() AS \"time\",\n"
		  "       source AS metric,\n"
		  "       extract(epoch FROM now() - last_synced_at) / 3600 AS value\n"
		  "FROM marts.source_freshness\n"
		  "WHERE source NOT LIKE '%.%' AND last_synced_at IS NOT NULL\n"
		  "ORDER BY source" },
	};
	cJSON *p, *d;

	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		stat_panel(g, panels, &stats[i]);

	row(g, panels, "Time per category", 5);
	category_bars(g, panels, "Minutes per day by category (stacked)", 0, 6, 24, 10,
		      "One bar per local day (marts.daily_category), in the categories' colours.",
		      "SELECT \"time\",\n"
		      "       display_name AS metric,\n"
		      "       actual_minutes AS value\n"
		      "FROM marts.daily_category\n"
		      "WHERE $__timeFilter(\"time\")\n"
		      "  AND actual_minutes IS NOT NULL\n"
		      "  AND category IN ($category)\n"
		      "ORDER BY 1, sort_order");
	category_bars(g, panels, "Per-day average by week (minutes)", 0, 16, 12, 9,
		      "Minutes per day with data, averaged over each ISO week (marts.weekly_category).",
		      "SELECT \"time\",\n"
		      "       display_name AS metric,\n"
		      "       actual_minutes / actual_days AS value\n"
		      "FROM marts.weekly_category\n"
		      "WHERE $__timeFilter(\"time\")\n"
		      "  AND actual_days > 0\n"
		      "  AND category IN ($category)\n"
		      "ORDER BY 1, sort_order");
	category_bars(g, panels, "Per-day average by month (minutes)", 12, 16, 12, 9,
		      "Minutes per day with data, averaged over each month (marts.monthly_category).",
		      "SELECT \"time\",\n"
		      "       display_name AS metric,\n"
		      "       actual_minutes / actual_days AS value\n"
		      "FROM marts.monthly_category\n"
		      "WHERE $__timeFilter(\"time\")\n"
		      "  AND actual_days > 0\n"
		      "  AND category IN ($category)\n"
		      "ORDER BY 1, sort_order");

	/* The heat map: a table whose cells are coloured by value. */
	struct buf sql = BUF_INIT;
	buf_puts(&sql,
		 "WITH h AS (\n"
		 "    SELECT extract(isodow FROM \"time\" AT TIME ZONE %Z)::int AS dow,\n"
		 "           extract(hour FROM \"time\" AT TIME ZONE %Z)::int AS hour,\n"
		 "           sum(actual_minutes) AS minutes\n"
		 "    FROM marts.hourly_category\n"
		 "    WHERE $__timeFilter(\"time\")\n"
		 "      AND category <> 'Untracked'\n"
		 "      AND category IN ($category)\n"
		 "    GROUP BY 1, 2\n"
		 "), days AS (\n"
		 "    SELECT extract(isodow FROM date)::int AS dow, count(DISTINCT date) AS n\n"
		 "    FROM marts.daily_category\n"
		 "    WHERE $__timeFilter(\"time\") AND actual_minutes IS NOT NULL\n"
		 "    GROUP BY 1\n"
		 ")\n"
		 "SELECT (ARRAY['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])[d.dow] AS weekday");
	for (int hr = 0; hr < 24; hr++)
		buf_printf(&sql, ",\n       round(coalesce(sum(h.minutes) FILTER (WHERE h.hour = %d), 0) / d.n, 1) AS \"%02d\"",
			   hr, hr);
	buf_puts(&sql, "\nFROM days d\nLEFT JOIN h ON h.dow = d.dow\nGROUP BY d.dow, d.n\nORDER BY d.dow");
	p = panel(g, panels, "table", "Hour of day x weekday (average minutes tracked per hour)",
		  0, 25, 24, 9);
	cJSON_AddStringToObject(p, "description",
				"Average minutes tracked in each local clock hour, per weekday, over the days "
				"with data in the time range (marts.hourly_category, marts.daily_category).");
	d = field_config(p, "m");
	cJSON_AddNumberToObject(d, "min", 0);
	cJSON_AddNumberToObject(d, "max", 60);
	cJSON_AddNumberToObject(d, "decimals", 0);
	{
		cJSON *color = cJSON_AddObjectToObject(d, "color");
		cJSON_AddStringToObject(color, "mode", "continuous-BlPu");
		cJSON *cell = cJSON_AddObjectToObject(custom(d), "cellOptions");
		cJSON_AddStringToObject(cell, "type", "color-background");
		cJSON_AddStringToObject(custom(d), "align", "center");
		cell_type(p, "weekday", "auto");
	}
	target(g, p, "A", "table", sql.data);
	buf_release(&sql);
}

static void goals(struct gen *g, cJSON *panels)
{
	cJSON *p, *d;

	series_of(g, panels, "Goal achievement over time (% of goal)", 0, 0, 24, 9, "percent", 0, 0,
		  "Actual / goal per period (marts.goal_achievement), for periods that are over.",
		  "SELECT \"time\",\n"
		  "       category || ' ' || day_type || ' / ' || period AS metric,\n"
		  "       100 * achievement_rate AS value\n"
		  "FROM marts.goal_achievement\n"
		  "WHERE $__timeFilter(period_start)\n"
		  "  AND complete\n"
		  "  AND achievement_rate IS NOT NULL\n"
		  "  AND category IN ($category)\n"
		  "ORDER BY 1, 2");

	p = panel(g, panels, "status-history", "Goals hit or missed", 0, 9, 24, 8);
	cJSON_AddStringToObject(p, "description",
				"Each complete period: hit (the goal's rule held) or missed — the same rule as "
				"the report and the console.");
	d = field_config(p, NULL);
	{
		cJSON *maps = cJSON_AddArrayToObject(d, "mappings");
		cJSON *m = cJSON_CreateObject(), *opts = cJSON_AddObjectToObject(m, "options");
		cJSON *hit = cJSON_AddObjectToObject(opts, "1"), *miss = cJSON_AddObjectToObject(opts, "0");
		cJSON_AddStringToObject(m, "type", "value");
		cJSON_AddStringToObject(hit, "text", "hit");
		cJSON_AddStringToObject(hit, "color", "green");
		cJSON_AddNumberToObject(hit, "index", 0);
		cJSON_AddStringToObject(miss, "text", "missed");
		cJSON_AddStringToObject(miss, "color", "red");
		cJSON_AddNumberToObject(miss, "index", 1);
		cJSON_AddItemToArray(maps, m);
		cJSON *color = cJSON_AddObjectToObject(d, "color");
		cJSON_AddStringToObject(color, "mode", "fixed");
	}
	target(g, p, "A", "time_series",
	       "SELECT \"time\",\n"
	       "       category || ' ' || day_type || ' / ' || period AS metric,\n"
	       "       CASE WHEN met THEN 1 ELSE 0 END AS value\n"
	       "FROM marts.goal_achievement\n"
	       "WHERE $__timeFilter(period_start)\n"
	       "  AND complete\n"
	       "  AND met IS NOT NULL\n"
	       "  AND category IN ($category)\n"
	       "ORDER BY 1, 2");

	series_of(g, panels, "Plan vs actual (minutes per day)", 0, 17, 16, 9, "m", 1, 0,
		  "Days with both a plan and actual data (marts.plan_actual_daily), summed over "
		  "the selected categories.",
		  "SELECT \"time\",\n"
		  "       sum(plan_minutes) AS plan,\n"
		  "       sum(actual_minutes) AS actual\n"
		  "FROM marts.plan_actual_daily\n"
		  "WHERE $__timeFilter(date)\n"
		  "  AND category IN ($category)\n"
		  "GROUP BY 1\n"
		  "ORDER BY 1");
	p = series(g, panels, "Plan adherence (%)", 16, 17, 8, 9, "percent", 0, 0);
	cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "fieldConfig"), "defaults"), "max", 100);
	target(g, p, "A", "time_series",
	       "SELECT \"time\",\n"
	       "       100 * adherence AS \"adherence %\"\n"
	       "FROM marts.plan_adherence\n"
	       "WHERE $__timeFilter(\"time\")\n"
	       "  AND adherence IS NOT NULL\n"
	       "ORDER BY 1");

	/* Estimates: one panel per selected category (intervals of several
	 * categories do not add up), the 95 % band around the 80 % band. */
	p = series(g, panels, "Estimate for $category (minutes, 80 % and 95 % bands)", 0, 26, 8, 9,
		   "m", 0, 0);
	cJSON_AddStringToObject(p, "repeat", "category");
	cJSON_AddStringToObject(p, "repeatDirection", "h");
	cJSON_AddNumberToObject(p, "maxPerRow", 3);
	cJSON_AddStringToObject(p, "description",
				"The analyzer's latest estimates (marts.estimate_bands) with their "
				"80 % and 95 % intervals, and the actual minutes (marts.daily_category).");
	{
		static const struct { const char *name, *fill_to; int hide; } bands[] = {
			{ "high 95%", "low 95%", 0 }, { "low 95%", NULL, 1 },
			{ "high 80%", "low 80%", 0 }, { "low 80%", NULL, 1 },
		};
		for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++) {
			if (bands[i].fill_to)
				add_override(p, "byName", bands[i].name, "custom.fillBelowTo",
					     cJSON_CreateString(bands[i].fill_to));
			add_override(p, "byName", bands[i].name, "custom.lineWidth",
				     cJSON_CreateNumber(0));
			add_override(p, "byName", bands[i].name, "custom.fillOpacity",
				     cJSON_CreateNumber(i < 2 ? 12 : 25));
			if (bands[i].hide) {
				cJSON *hide = cJSON_CreateObject();
				cJSON_AddBoolToObject(hide, "legend", 1);
				cJSON_AddBoolToObject(hide, "tooltip", 0);
				cJSON_AddBoolToObject(hide, "viz", 0);
				add_override(p, "byName", bands[i].name, "custom.hideFrom", hide);
			}
		}
	}
	target(g, p, "A", "time_series",
	       "SELECT (e.date::timestamp AT TIME ZONE %Z) AS \"time\",\n"
	       "       e.minutes AS estimate,\n"
	       "       e.lower80 AS \"low 80%\",\n"
	       "       e.upper80 AS \"high 80%\",\n"
	       "       e.lower95 AS \"low 95%\",\n"
	       "       e.upper95 AS \"high 95%\"\n"
	       "FROM marts.estimate_bands e\n"
	       "WHERE $__timeFilter(e.date)\n"
	       "  AND e.category IN ($category)\n"
	       "ORDER BY 1");
	target(g, p, "B", "time_series",
	       "SELECT \"time\",\n"
	       "       actual_minutes AS actual\n"
	       "FROM marts.daily_category\n"
	       "WHERE $__timeFilter(\"time\")\n"
	       "  AND actual_minutes IS NOT NULL\n"
	       "  AND category IN ($category)\n"
	       "ORDER BY 1");
}

static void runs(struct gen *g, cJSON *panels)
{
	cJSON *p;

	p = series(g, panels, "Longest run per day by job (seconds)", 0, 0, 12, 8, "s", 0, 0);
	target(g, p, "A", "time_series",
	       "SELECT $__timeGroupAlias(started_at, '1d'),\n"
	       "       job AS metric,\n"
	       "       max(duration_seconds) AS value\n"
	       "FROM marts.run_history\n"
	       "WHERE $__timeFilter(started_at)\n"
	       "  AND parent_id IS NULL\n"
	       "GROUP BY 1, 2\n"
	       "ORDER BY 1, 2");
	p = series(g, panels, "Runs and failures per day", 12, 0, 12, 8, "short", 1, 0);
	fixed_color(p, "failed", "red");
	target(g, p, "A", "time_series",
	       "SELECT $__timeGroupAlias(started_at, '1d'),\n"
	       "       count(*) AS runs,\n"
	       "       count(*) FILTER (WHERE status = 'failed') AS failed\n"
	       "FROM marts.run_history\n"
	       "WHERE $__timeFilter(started_at)\n"
	       "GROUP BY 1\n"
	       "ORDER BY 1");
	p = panel(g, panels, "table", "Run history", 0, 8, 24, 12);
	field_config(p, NULL);
	{
		cJSON *m = cJSON_CreateObject(), *opts = cJSON_AddObjectToObject(m, "options");
		cJSON *ok = cJSON_AddObjectToObject(opts, "success");
		cJSON *bad = cJSON_AddObjectToObject(opts, "failed");
		cJSON *run = cJSON_AddObjectToObject(opts, "running");
		cJSON *maps = cJSON_CreateArray();
		cJSON_AddStringToObject(m, "type", "value");
		cJSON_AddStringToObject(ok, "color", "green");
		cJSON_AddStringToObject(bad, "color", "red");
		cJSON_AddStringToObject(run, "color", "blue");
		cJSON_AddItemToArray(maps, m);
		add_override(p, "byName", "status", "mappings", maps);
		cell_type(p, "status", "color-text");
		add_override(p, "byName", "duration_seconds", "unit", cJSON_CreateString("s"));
	}
	target(g, p, "A", "table",
	       "SELECT started_at AS \"time\",\n"
	       "       id,\n"
	       "       parent_id,\n"
	       "       job,\n"
	       "       args,\n"
	       "       status,\n"
	       "       duration_seconds,\n"
	       "       rows_read,\n"
	       "       rows_written,\n"
	       "       rows_deleted,\n"
	       "       error\n"
	       "FROM marts.run_history\n"
	       "WHERE $__timeFilter(started_at)\n"
	       "ORDER BY started_at DESC, id DESC\n"
	       "LIMIT 500");
	p = panel(g, panels, "table", "Source freshness (as of the last transform)", 0, 20, 24, 8);
	field_config(p, NULL);
	target(g, p, "A", "table",
	       "SELECT source,\n"
	       "       last_synced_at,\n"
	       "       last_changed_at,\n"
	       "       round(extract(epoch FROM now() - last_synced_at) / 3600, 1) AS hours_since_sync,\n"
	       "       row_count,\n"
	       "       deleted_count\n"
	       "FROM marts.source_freshness\n"
	       "ORDER BY source");
}

/* The category variable (multi-select, all selected by default) and the
 * datasource variable. */
static cJSON *templating(struct gen *g, int with_category)
{
	cJSON *t = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(t, "list");
	cJSON *ds = cJSON_CreateObject(), *cur;

	cJSON_AddStringToObject(ds, "name", "ds");
	cJSON_AddStringToObject(ds, "label", "Warehouse");
	cJSON_AddStringToObject(ds, "type", "datasource");
	cJSON_AddStringToObject(ds, "query", "postgres");
	cJSON_AddStringToObject(ds, "regex", "");
	cJSON_AddNumberToObject(ds, "hide", 0);
	cJSON_AddBoolToObject(ds, "includeAll", 0);
	cJSON_AddBoolToObject(ds, "multi", 0);
	cur = cJSON_AddObjectToObject(ds, "current");
	cJSON_AddStringToObject(cur, "text", "dwhbi");
	cJSON_AddStringToObject(cur, "value", "${DS_DWHBI}");
	cJSON_AddItemToArray(list, ds);
	if (!with_category)
		return t;

	cJSON *v = cJSON_CreateObject(), *text = cJSON_CreateArray(), *value = cJSON_CreateArray();
	cJSON *opts = cJSON_CreateArray();
	const char *q = "SELECT category AS __value, display_name AS __text\n"
			"FROM marts.daily_category\n"
			"GROUP BY category, display_name, sort_order\n"
			"ORDER BY sort_order, category";
	cJSON_AddStringToObject(v, "name", "category");
	cJSON_AddStringToObject(v, "label", "Category");
	cJSON_AddStringToObject(v, "type", "query");
	cJSON_AddItemToObject(v, "datasource", datasource());
	cJSON_AddStringToObject(v, "definition", q);
	cJSON_AddStringToObject(v, "query", q);
	cJSON_AddNumberToObject(v, "refresh", 1);
	cJSON_AddNumberToObject(v, "sort", 0);
	cJSON_AddBoolToObject(v, "multi", 1);
	cJSON_AddBoolToObject(v, "includeAll", 1);
	for (int i = 0; i < g->ncats; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(text, cJSON_CreateString(g->cats[i].name));
		cJSON_AddItemToArray(value, cJSON_CreateString(g->cats[i].key));
		cJSON_AddBoolToObject(o, "selected", 1);
		cJSON_AddStringToObject(o, "text", g->cats[i].name);
		cJSON_AddStringToObject(o, "value", g->cats[i].key);
		cJSON_AddItemToArray(opts, o);
	}
	cur = cJSON_AddObjectToObject(v, "current");
	cJSON_AddItemToObject(cur, "text", text);
	cJSON_AddItemToObject(cur, "value", value);
	cJSON_AddItemToObject(v, "options", opts);
	cJSON_AddItemToArray(list, v);
	return t;
}

static cJSON *dashboard(struct gen *g, const char *uid, const char *title, const char *from,
			const char *to,
			int with_category, void (*build)(struct gen *, cJSON *))
{
	cJSON *d = cJSON_CreateObject(), *in = cJSON_AddArrayToObject(d, "__inputs");
	cJSON *input = cJSON_CreateObject(), *req = cJSON_AddArrayToObject(d, "__requires");
	cJSON *r = cJSON_CreateObject(), *time, *tags, *ann;
	char desc[300];

	cJSON_AddStringToObject(input, "name", "DS_DWHBI");
	cJSON_AddStringToObject(input, "label", "dwhbi warehouse");
	cJSON_AddStringToObject(input, "description", "the PostgreSQL datasource of the dwhbi warehouse");
	cJSON_AddStringToObject(input, "type", "datasource");
	cJSON_AddStringToObject(input, "pluginId", "postgres");
	cJSON_AddStringToObject(input, "pluginName", "PostgreSQL");
	cJSON_AddItemToArray(in, input);
	cJSON_AddStringToObject(r, "type", "datasource");
	cJSON_AddStringToObject(r, "id", "postgres");
	cJSON_AddStringToObject(r, "name", "PostgreSQL");
	cJSON_AddStringToObject(r, "version", "1.0.0");
	cJSON_AddItemToArray(req, r);
	cJSON_AddStringToObject(d, "uid", uid);
	cJSON_AddStringToObject(d, "title", title);
	snprintf(desc, sizeof(desc), "Generated by 'dwhbi grafana dashboards' for a warehouse in %s "
		 "with %d categories; run it again after changing them.", g->zone, g->ncats);
	cJSON_AddStringToObject(d, "description", desc);
	tags = cJSON_AddArrayToObject(d, "tags");
	cJSON_AddItemToArray(tags, cJSON_CreateString("dwhbi"));
	cJSON_AddStringToObject(d, "timezone", g->zone);
	cJSON_AddStringToObject(d, "weekStart", "monday");
	cJSON_AddNumberToObject(d, "schemaVersion", 39);
	cJSON_AddNumberToObject(d, "version", 1);
	cJSON_AddBoolToObject(d, "editable", 1);
	cJSON_AddNumberToObject(d, "graphTooltip", 1);
	time = cJSON_AddObjectToObject(d, "time");
	cJSON_AddStringToObject(time, "from", from);
	cJSON_AddStringToObject(time, "to", to);
	cJSON_AddStringToObject(d, "refresh", "");
	cJSON_AddItemToObject(d, "templating", templating(g, with_category));
	ann = cJSON_AddObjectToObject(d, "annotations");
	cJSON_AddArrayToObject(ann, "list");
	g->next_id = 0;
	build(g, cJSON_AddArrayToObject(d, "panels"));
	return d;
}

static int write_json(const char *dir, const char *name, const cJSON *json)
{
	char path[1200], tmp[1300];
	char *text = cJSON_Print(json);
	FILE *f;
	int ok;

	if (!text)
		return log_error("out of memory");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		free(text);
		return log_error("cannot write '%s': %s", tmp, strerror(errno));
	}
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	ok = (fclose(f) == 0) && ok;
	free(text);
	if (!ok || rename(tmp, path) < 0) {
		remove(tmp);
		return log_error("cannot write '%s': %s", path, strerror(errno));
	}
	printf("%s\n", path);
	return 0;
}

static int load_categories(PGconn *db, struct gen *g)
{
	char err[512];
	PGresult *r = db_query(db, "SELECT category, display_name, lower(color) FROM ref.categories "
			       "ORDER BY sort_order, category", 0, NULL, err, sizeof(err));

	if (!r)
		return log_error("cannot read ref.categories: %s", err);
	g->ncats = PQntuples(r);
	g->cats = calloc((size_t)(g->ncats ? g->ncats : 1), sizeof(*g->cats));
	if (!g->cats) {
		PQclear(r);
		return log_error("out of memory");
	}
	for (int i = 0; i < g->ncats; i++) {
		g->cats[i].key = xstrdup(PQgetvalue(r, i, 0));
		g->cats[i].name = xstrdup(PQgetvalue(r, i, 1));
		g->cats[i].color = xstrdup(PQgetvalue(r, i, 2));
	}
	PQclear(r);
	return 0;
}

static void free_categories(struct gen *g)
{
	for (int i = 0; i < g->ncats; i++) {
		free(g->cats[i].key);
		free(g->cats[i].name);
		free(g->cats[i].color);
	}
	free(g->cats);
}

int cmd_grafana(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *dir = "grafana/dashboards";
	struct gen g;
	int rc = 0;
	static const struct {
		const char *file, *uid, *title, *from, *to;
		int with_category;
		void (*build)(struct gen *, cJSON *);
	} boards[] = {
		{ "dwhbi-overview.json", "dwhbi-overview", "dwhbi — overview", "now-30d", "now", 1, overview },
		{ "dwhbi-goals.json", "dwhbi-goals", "dwhbi — goals, plan and estimates", "now-90d", "now+14d", 1, goals },
		{ "dwhbi-runs.json", "dwhbi-runs", "dwhbi — runs and freshness", "now-14d", "now", 0, runs },
	};

	if (argc < 2 || strcmp(argv[1], "dashboards") != 0)
		return cmd_bad_usage("grafana", "%s", argc < 2 ? "say what to generate: 'dwhbi grafana dashboards'"
						   : "unknown subcommand: use 'dwhbi grafana dashboards'");
	for (int i = 2; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
			dir = argv[++i];
		else
			return cmd_bad_usage("grafana", "unknown option '%s'", argv[i]);
	}
	memset(&g, 0, sizeof(g));
	g.zone = ctx->cfg.timezone && *ctx->cfg.timezone ? ctx->cfg.timezone : "UTC";
	if (tz_valid(g.zone) != 0) {
		log_error("the warehouse's time zone '%s' is not a zone this machine knows", g.zone);
		return 2;
	}
	if (!ctx->cfg.timezone)
		log_warn("the warehouse has no time zone yet: the dashboards use UTC (set DWHBI_TIMEZONE "
			 "and run 'dwhbi migrate' or any command to store it)");
	{
		struct buf q = BUF_INIT;
		buf_putc(&q, '\'');
		for (const char *s = g.zone; *s; s++) {
			if (*s == '\'')
				buf_putc(&q, '\'');
			buf_putc(&q, *s);
		}
		buf_putc(&q, '\'');
		snprintf(g.zq, sizeof(g.zq), "%s", q.data);
		buf_release(&q);
	}
	if (load_categories(ctx->db, &g) < 0)
		return 1;
	if (g.ncats == 0) {
		free_categories(&g);
		log_error("ref.categories is empty: run 'dwhbi seed' first, then generate the dashboards");
		return 1;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		free_categories(&g);
		return log_error("cannot create '%s': %s (choose another -o DIR)", dir, strerror(errno)), 1;
	}
	for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]) && rc == 0; i++) {
		cJSON *d = dashboard(&g, boards[i].uid, boards[i].title, boards[i].from,
				     boards[i].to, boards[i].with_category, boards[i].build);
		if (write_json(dir, boards[i].file, d) < 0)
			rc = 1;
		cJSON_Delete(d);
	}
	free_categories(&g);
	return rc;
}
