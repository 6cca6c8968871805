/*
 * pages: the console's server-rendered HTML — overview, runs, goals,
 * reports, login — and the form posts behind their buttons.  Each page
 * renders the JSON of data.c, so it shows exactly what the API returns.
 * Markup is appended literally; every value goes through html.c's escaping.
 * Forms post to the same paths the buttons name and answer with 303 to a
 * page (post/redirect/get), carrying the outcome as the session's flash
 * message.
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adjuster/period.h"
#include "console/actions.h"
#include "console/data.h"
#include "console/form.h"
#include "console/html.h"
#include "lib/goal_status.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "console/web.h"

#define P(b, s) buf_puts((b), (s))
#define E(b, s) html_escape((b), (s))

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void page_begin(struct console *c, struct request *rq, struct buf *b,
		       const char *title, const char *active)
{
	static const struct { const char *path, *name, *label; } nav[] = {
		{ "/", "overview", "Overview" },
		{ "/runs", "runs", "Runs" },
		{ "/goals", "goals", "Goals" },
		{ "/reports", "reports", "Reports" },
	};

	(void)c;
	P(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	     "<link rel=\"icon\" href=\"data:,\">"
	     "<title>");
	E(b, title);
	P(b, " · dwhbi</title><link rel=\"stylesheet\" href=\"/static/console.css\">"
	     "<script src=\"/static/console.js\" defer></script></head>\n<body data-page=\"");
	E(b, active);
	P(b, "\"><header class=\"top\"><a class=\"brand\" href=\"/\">dwhbi</a><nav>");
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		P(b, "<a href=\"");
		P(b, nav[i].path);
		P(b, strcmp(nav[i].name, active) == 0 ? "\" class=\"active\">" : "\">");
		P(b, nav[i].label);
		P(b, "</a>");
	}
	P(b, "</nav><div class=\"who\">");
	if (rq->session) {
		P(b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
		E(b, rq->session->csrf);
		P(b, "\"><button class=\"link\" type=\"submit\">Log out</button></form>");
	} else if (strcmp(active, "login") != 0) {
		P(b, "<a href=\"/login\">Log in</a>");
	}
	P(b, "</div></header>\n<main>\n");
	if (rq->session && rq->session->flash[0]) {
		P(b, rq->session->flash_error ? "<p class=\"flash error\" role=\"alert\">"
					       : "<p class=\"flash\" role=\"status\">");
		E(b, rq->session->flash);
		P(b, "</p>\n");
		rq->session->flash[0] = '\0';
	}
}

static void page_end(struct console *c, struct buf *b)
{
	P(b, "</main>\n<footer>dwhbi console · times in ");
	E(b, c->zone);
	P(b, "</footer>\n</body></html>\n");
}

static void notes(struct buf *b, const cJSON *data)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, item(data, "notes")) {
		P(b, "<p class=\"note\">");
		E(b, n->valuestring);
		P(b, "</p>\n");
	}
}

static void csrf_field(struct request *rq, struct buf *b)
{
	if (!rq->session)
		return;
	P(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	E(b, rq->session->csrf);
	P(b, "\">");
}

/* A POST button; nothing when there is no session to post with (the page
 * shows one login link instead, login_hint). */
static void action_button(struct request *rq, struct buf *b, const char *action,
			  const char *label, const char *cls, const char *testid)
{
	if (!rq->session && !rq->bearer)
		return;
	P(b, "<form method=\"post\" class=\"inline\" action=\"");
	E(b, action);
	P(b, "\">");
	csrf_field(rq, b);
	P(b, "<button type=\"submit\" class=\"");
	E(b, cls);
	P(b, "\" data-testid=\"");
	E(b, testid);
	P(b, "\">");
	E(b, label);
	P(b, "</button></form>");
}

/* A GET link styled as a button (the first step of an action that asks
 * for confirmation); nothing when logged out. */
static void link_button(struct request *rq, struct buf *b, const char *href,
			const char *label, const char *cls, const char *testid)
{
	if (!rq->session && !rq->bearer)
		return;
	P(b, "<a class=\"button ");
	E(b, cls);
	P(b, "\" href=\"");
	E(b, href);
	P(b, "\" data-testid=\"");
	E(b, testid);
	P(b, "\">");
	E(b, label);
	P(b, "</a>");
}

/* The one login link of a section whose actions need a session. */
static void login_hint(struct request *rq, struct buf *b, const char *next,
		       const char *what)
{
	if (rq->session || rq->bearer)
		return;
	P(b, "<p class=\"login-hint\"><a class=\"button ghost\" data-testid=\"login-to-act\" href=\"/login?next=");
	html_urlencode(b, next);
	P(b, "\">Log in</a> <span class=\"muted\">to ");
	E(b, what);
	P(b, "</span></p>\n");
}

static void when(struct console *c, struct buf *b, const char *iso)
{
	if (!iso) {
		P(b, "<span class=\"muted\">never</span>");
		return;
	}
	P(b, "<span class=\"when\"><time datetime=\"");
	E(b, iso);
	P(b, "\">");
	html_local_time(b, iso, c->zone);
	P(b, "</time> <span class=\"muted\">");
	html_age(b, iso, time_now_usec());
	P(b, "</span></span>");
}

/* A coloured word; the class is the word with spaces as dashes, so
 * "not met" never picks up the style of "met". */
static void badge(struct buf *b, const char *word)
{
	P(b, "<span class=\"badge ");
	for (const char *p = word; p && *p; p++) {
		char ch[2] = { *p == ' ' ? '-' : *p, '\0' };
		E(b, ch);
	}
	P(b, "\">");
	E(b, word);
	P(b, "</span>");
}

static void swatch(struct buf *b, const char *color)
{
	if (!color || strlen(color) != 7 || color[0] != '#' ||
	    strspn(color + 1, "0123456789abcdefABCDEF") != 6)
		return;
	/* An SVG fill, not a style attribute: the CSP forbids inline styles. */
	P(b, "<svg class=\"swatch\" width=\"10\" height=\"10\" aria-hidden=\"true\">"
	     "<rect width=\"10\" height=\"10\" rx=\"2\" fill=\"");
	E(b, color);
	P(b, "\"/></svg>");
}

static void count(struct buf *b, const cJSON *o, const char *key)
{
	double v = num_of(o, key);
	if (isnan(v))
		P(b, "<span class=\"muted\">—</span>");
	else
		buf_printf(b, "%.0f", v);
}

static void error_page(struct console *c, struct request *rq, struct response *rs,
		       unsigned status, const char *title, const char *msg)
{
	char *safe = log_redact(msg);

	page_begin(c, rq, &rs->body, title, "error");
	P(&rs->body, "<h1>");
	E(&rs->body, title);
	P(&rs->body, "</h1><p class=\"flash error\">");
	E(&rs->body, safe);
	free(safe);
	P(&rs->body, "</p>");
	page_end(c, &rs->body);
	resp_html(rs, status);
}

/* ---- overview ---------------------------------------------------------- */

static void overview(struct console *c, struct request *rq, struct response *rs)
{
	char err[512];
	cJSON *st = data_status(c, err, sizeof(err));
	struct buf *b = &rs->body;
	const cJSON *svc, *mart;
	int github;

	if (!st)
		return error_page(c, rq, rs, 500, "Database error", err);
	github = strcmp(str_of(st, "sync_mode"), "github") == 0;
	page_begin(c, rq, b, "Overview", "overview");
	P(b, "<h1>Overview</h1>\n");
	notes(b, st);
	P(b, "<section><h2>Sources</h2><p class=\"hint\">");
	P(b, github ? "“Sync now” dispatches the source’s GitHub Actions workflow."
		    : "“Sync now” runs the sync on this machine in the background.");
	buf_printf(b, " A source is stale when its last sync is older than %.0f hours.</p>\n",
		   num_of(st, "stale_hours"));
	P(b, "<p class=\"hint\" data-testid=\"freshness-source\">Sync times are read live from "
	     "<code>ops.sync_state</code>; <code>marts.source_freshness</code> was built ");
	if (str_of(st, "freshness_mart_built_at"))
		when(c, b, str_of(st, "freshness_mart_built_at"));
	else
		P(b, "<span class=\"muted\">never</span>");
	P(b, ".</p>\n");
	login_hint(rq, b, "/", "sync a source or refresh the marts");
	P(b, "<table class=\"sources stack\"><thead><tr><th>Source</th><th>State</th><th>Last sync</th>"
	     "<th>Last change</th><th class=\"num\">Rows</th><th class=\"num\">Deleted</th>"
	     "<th>Last run</th><th></th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(svc, item(st, "services")) {
		const char *name = str_of(svc, "name");
		const char *lrs = str_of(svc, "last_run_status");
		const char *lerr = str_of(svc, "last_finished_error");
		const cJSON *t;
		char action[64];

		P(b, "<tr class=\"service\" data-service=\"");
		E(b, name);
		P(b, "\"><td data-label=\"Source\"><strong>");
		E(b, str_of(svc, "label"));
		P(b, "</strong></td><td data-label=\"State\">");
		badge(b, str_of(svc, "state"));
		if (cJSON_IsTrue(item(svc, "running")))
			P(b, " <span class=\"badge running\" data-status=\"running\">syncing</span>");
		P(b, "</td><td data-label=\"Last sync\" data-testid=\"last-sync\">");
		when(c, b, str_of(svc, "last_synced_at"));
		P(b, "</td><td data-label=\"Last change\">");
		when(c, b, str_of(svc, "last_changed_at"));
		P(b, "</td><td class=\"num\" data-label=\"Rows\">");
		count(b, svc, "row_count");
		P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
		count(b, svc, "deleted_count");
		P(b, "</td><td class=\"nowrap\" data-label=\"Last run\">");
		if (lrs) {
			buf_printf(b, "<a href=\"/runs/%.0f\">#%.0f</a> ", num_of(svc, "last_run_id"),
				   num_of(svc, "last_run_id"));
			badge(b, lrs);
		} else {
			P(b, "<span class=\"muted\">none</span>");
		}
		P(b, "</td><td class=\"actions\">");
		snprintf(action, sizeof(action), "/sync/%s", name);
		char testid[64];
		snprintf(testid, sizeof(testid), "sync-%s", name);
		action_button(rq, b, action, "Sync now", "primary", testid);
		P(b, "</td></tr>\n");
		if (lerr && strcmp(str_of(svc, "state"), "failing") == 0) {
			P(b, "<tr class=\"error-row\"><td></td><td colspan=\"7\"><pre class=\"error\">");
			E(b, lerr);
			P(b, "</pre></td></tr>\n");
		}
		cJSON_ArrayForEach(t, item(svc, "tables")) {
			P(b, "<tr class=\"table-row\"><td class=\"sub\" data-label=\"Table\">");
			E(b, str_of(t, "source"));
			P(b, "</td><td></td><td data-label=\"Last sync\">");
			when(c, b, str_of(t, "last_synced_at"));
			P(b, "</td><td data-label=\"Last change\">");
			when(c, b, str_of(t, "last_changed_at"));
			P(b, "</td><td class=\"num\" data-label=\"Rows\">");
			count(b, t, "row_count");
			P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
			count(b, t, "deleted_count");
			P(b, "</td><td></td><td></td></tr>\n");
		}
	}
	P(b, "</tbody></table></section>\n");

	const cJSON *tr = item(st, "transform");
	P(b, "<section><h2>Marts</h2><div class=\"row\"><p class=\"hint\">Last transform: ");
	if (str_of(tr, "last_run_status")) {
		buf_printf(b, "<a href=\"/runs/%.0f\">#%.0f</a> ",
			   num_of(tr, "last_run_id"), num_of(tr, "last_run_id"));
		badge(b, str_of(tr, "last_run_status"));
		P(b, " ");
		when(c, b, str_of(tr, "last_run_started_at"));
	} else {
		P(b, "never");
	}
	P(b, "</p>");
	action_button(rq, b, "/sync/transform", "Refresh marts", "", "sync-transform");
	P(b, "</div>\n<table class=\"marts stack\"><thead><tr><th>Mart</th><th>Kind</th>"
	     "<th class=\"num\">Rows</th><th>Last refresh</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(mart, item(st, "marts")) {
		P(b, "<tr><td data-label=\"Mart\"><code>marts.");
		E(b, str_of(mart, "name"));
		P(b, "</code></td><td data-label=\"Kind\">");
		E(b, str_of(mart, "kind"));
		P(b, "</td><td class=\"num\" data-label=\"Rows\">");
		count(b, mart, "row_count");
		P(b, "</td><td data-label=\"Last refresh\">");
		if (strcmp(str_of(mart, "kind"), "view") == 0)
			P(b, "<span class=\"muted\">—</span>");
		else
			when(c, b, str_of(mart, "last_refresh"));
		P(b, "</td></tr>\n");
	}
	if (cJSON_GetArraySize(item(st, "marts")) == 0)
		P(b, "<tr><td colspan=\"4\" class=\"muted\">No marts yet.</td></tr>\n");
	P(b, "</tbody></table></section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(st);
}

/* ---- runs -------------------------------------------------------------- */

static void select_options(struct buf *b, const cJSON *values, const char *chosen)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, values) {
		P(b, "<option value=\"");
		E(b, v->valuestring);
		P(b, chosen && strcmp(chosen, v->valuestring) == 0 ? "\" selected>" : "\">");
		E(b, v->valuestring);
		P(b, "</option>");
	}
}

static void runs_page(struct console *c, struct request *rq, struct response *rs)
{
	const char *job = req_arg(rq, "job"), *status = req_arg(rq, "status");
	const char *before_s = req_arg(rq, "before");
	int64_t before = 0;
	char err[512];
	struct buf *b = &rs->body;
	cJSON *data, *states;
	const cJSON *run;
	double last_id = 0;
	int n = 0;

	if (job && !*job)
		job = NULL;
	if (status && strcmp(status, "running") != 0 && strcmp(status, "success") != 0 &&
	    strcmp(status, "failed") != 0)
		status = NULL;
	if (before_s && form_parse_id(before_s, &before) < 0)
		before = 0;
	data = data_runs(c, job, status, before, 100, err, sizeof(err));
	if (!data)
		return error_page(c, rq, rs, 500, "Database error", err);
	page_begin(c, rq, b, "Runs", "runs");
	P(b, "<h1>Runs</h1>\n<form class=\"filters\" method=\"get\" action=\"/runs\">"
	     "<label>Job <select name=\"job\"><option value=\"\">all jobs</option>");
	select_options(b, item(data, "jobs"), job);
	P(b, "</select></label> <label>Status <select name=\"status\"><option value=\"\">any</option>");
	states = cJSON_CreateArray();
	cJSON_AddItemToArray(states, cJSON_CreateString("running"));
	cJSON_AddItemToArray(states, cJSON_CreateString("success"));
	cJSON_AddItemToArray(states, cJSON_CreateString("failed"));
	select_options(b, states, status);
	cJSON_Delete(states);
	P(b, "</select></label> <button type=\"submit\">Filter</button></form>\n");
	P(b, "<section><table class=\"runs stack\"><thead><tr><th class=\"num\">Run</th><th>Job</th><th>Started</th>"
	     "<th>Duration</th><th>Status</th><th class=\"num\">Read</th><th class=\"num\">Written</th>"
	     "<th class=\"num\">Deleted</th><th>Error</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(run, item(data, "runs")) {
		const char *st = str_of(run, "status");
		const char *args = str_of(run, "args");
		n++;
		last_id = num_of(run, "id");
		buf_printf(b, "<tr id=\"run-%.0f\" data-run-id=\"%.0f\" data-status=\"", last_id, last_id);
		E(b, st);
		buf_printf(b, "\"><td class=\"num\" data-label=\"Run\"><a href=\"/runs/%.0f\">#%.0f</a></td>"
			   "<td data-label=\"Job\">", last_id, last_id);
		if (!isnan(num_of(run, "parent_id")))
			buf_printf(b, "<span class=\"muted\" title=\"step of run %.0f\">↳</span> ",
				   num_of(run, "parent_id"));
		P(b, "<a class=\"nowrap\" href=\"/runs?job=");
		html_urlencode(b, str_of(run, "job"));
		P(b, "\">");
		E(b, str_of(run, "job"));
		P(b, "</a>");
		if (args && *args) {
			P(b, " <code class=\"args\">");
			E(b, args);
			P(b, "</code>");
		}
		P(b, "</td><td data-label=\"Started\">");
		when(c, b, str_of(run, "started_at"));
		P(b, "</td><td data-label=\"Duration\">");
		html_duration(b, num_of(run, "duration_seconds"));
		P(b, "</td><td data-label=\"Status\">");
		badge(b, st);
		P(b, "</td><td class=\"num\" data-label=\"Read\">");
		count(b, run, "rows_read");
		P(b, "</td><td class=\"num\" data-label=\"Written\">");
		count(b, run, "rows_written");
		P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
		count(b, run, "rows_deleted");
		P(b, "</td><td class=\"error\" data-label=\"Error\">");
		E(b, str_of(run, "error"));
		P(b, "</td></tr>\n");
	}
	if (n == 0)
		P(b, "<tr><td colspan=\"9\" class=\"muted\">No runs match.</td></tr>\n");
	P(b, "</tbody></table></section>\n");
	if (n == 100) {
		P(b, "<p><a class=\"button ghost\" href=\"/runs?");
		if (job) {
			P(b, "job=");
			html_urlencode(b, job);
			P(b, "&amp;");
		}
		if (status) {
			P(b, "status=");
			html_urlencode(b, status);
			P(b, "&amp;");
		}
		buf_printf(b, "before=%.0f\">Older runs →</a></p>\n", last_id);
	}
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(data);
}

/* ---- one run ----------------------------------------------------------- */

static void rows_cells(struct buf *b, const cJSON *run)
{
	P(b, "<td class=\"num\" data-label=\"Read\">");
	count(b, run, "rows_read");
	P(b, "</td><td class=\"num\" data-label=\"Written\">");
	count(b, run, "rows_written");
	P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
	count(b, run, "rows_deleted");
	P(b, "</td>");
}

/* "HH:MM:SS" of an RFC 3339 instant in the console's zone. */
static void clock_time(struct console *c, struct buf *b, const char *iso)
{
	struct buf t = BUF_INIT;
	html_local_time(&t, iso, c->zone);
	/* "YYYY-MM-DD HH:MM": keep the time, then the seconds from iso. */
	if (t.len >= 16 && iso && strlen(iso) >= 19) {
		buf_append(b, t.data + 11, 5);
		buf_append(b, iso + 16, 3);
	} else {
		buf_append(b, t.data, t.len);
	}
	buf_release(&t);
}

static void run_page(struct console *c, struct request *rq, struct response *rs,
		     const char *id_s)
{
	char err[512], title[64];
	struct buf *b = &rs->body;
	int64_t id;
	cJSON *data;
	const cJSON *run, *step, *line;
	int nsteps = 0, nlines = 0;

	if (form_parse_id(id_s, &id) < 0)
		return pages_not_found(c, rq, rs);
	data = data_run(c, id, err, sizeof(err));
	if (!data)
		return error_page(c, rq, rs, 500, "Database error", err);
	run = item(data, "run");
	if (!cJSON_IsObject(run)) {
		cJSON_Delete(data);
		return error_page(c, rq, rs, 404, "Not found", "There is no such run.");
	}
	snprintf(title, sizeof(title), "Run %lld", (long long)id);
	page_begin(c, rq, b, title, "runs");
	buf_printf(b, "<h1>Run #%lld <span class=\"muted\">", (long long)id);
	E(b, str_of(run, "job"));
	P(b, "</span></h1>\n");
	notes(b, data);
	P(b, "<section class=\"run\" data-run-id=\"");
	buf_printf(b, "%lld", (long long)id);
	P(b, "\" data-status=\"");
	E(b, str_of(run, "status"));
	P(b, "\"><dl class=\"facts\"><div><dt>Status</dt><dd data-testid=\"run-status\">");
	badge(b, str_of(run, "status"));
	P(b, "</dd></div><div><dt>Job</dt><dd><a href=\"/runs?job=");
	html_urlencode(b, str_of(run, "job"));
	P(b, "\">");
	E(b, str_of(run, "job"));
	P(b, "</a>");
	if (str_of(run, "args") && *str_of(run, "args")) {
		P(b, " <code class=\"args\">");
		E(b, str_of(run, "args"));
		P(b, "</code>");
	}
	P(b, "</dd></div>");
	if (!isnan(num_of(run, "parent_id"))) {
		buf_printf(b, "<div><dt>Step of</dt><dd><a href=\"/runs/%.0f\">#%.0f</a> ",
			   num_of(run, "parent_id"), num_of(run, "parent_id"));
		E(b, str_of(run, "parent_job"));
		P(b, "</dd></div>");
	}
	P(b, "<div><dt>Started</dt><dd>");
	when(c, b, str_of(run, "started_at"));
	P(b, "</dd></div><div><dt>Finished</dt><dd>");
	if (str_of(run, "finished_at"))
		when(c, b, str_of(run, "finished_at"));
	else
		P(b, "<span class=\"muted\">not yet</span>");
	P(b, "</dd></div><div><dt>Duration</dt><dd>");
	html_duration(b, num_of(run, "duration_seconds"));
	P(b, "</dd></div><div><dt>Rows read</dt><dd class=\"num\">");
	count(b, run, "rows_read");
	P(b, "</dd></div><div><dt>Written</dt><dd class=\"num\">");
	count(b, run, "rows_written");
	P(b, "</dd></div><div><dt>Deleted</dt><dd class=\"num\">");
	count(b, run, "rows_deleted");
	P(b, "</dd></div></dl>");
	if (str_of(run, "error")) {
		P(b, "<pre class=\"error\">");
		E(b, str_of(run, "error"));
		P(b, "</pre>");
	}
	P(b, "</section>\n");

	P(b, "<section><h2>Steps</h2><table class=\"steps stack\"><thead><tr><th class=\"num\">Run</th>"
	     "<th>Step</th><th>Started</th><th>Duration</th><th>Status</th><th class=\"num\">Read</th>"
	     "<th class=\"num\">Written</th><th class=\"num\">Deleted</th><th>Error</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(step, item(data, "steps")) {
		double sid = num_of(step, "id");
		nsteps++;
		buf_printf(b, "<tr class=\"step\" data-run-id=\"%.0f\" data-status=\"", sid);
		E(b, str_of(step, "status"));
		buf_printf(b, "\"><td class=\"num\" data-label=\"Run\"><a href=\"/runs/%.0f\">#%.0f</a></td>"
			   "<td data-label=\"Step\">", sid, sid);
		E(b, str_of(step, "job"));
		if (str_of(step, "args") && *str_of(step, "args")) {
			P(b, " <code class=\"args\">");
			E(b, str_of(step, "args"));
			P(b, "</code>");
		}
		P(b, "</td><td data-label=\"Started\">");
		when(c, b, str_of(step, "started_at"));
		P(b, "</td><td data-label=\"Duration\">");
		html_duration(b, num_of(step, "duration_seconds"));
		P(b, "</td><td data-label=\"Status\">");
		badge(b, str_of(step, "status"));
		P(b, "</td>");
		rows_cells(b, step);
		P(b, "<td class=\"error\" data-label=\"Error\">");
		E(b, str_of(step, "error"));
		P(b, "</td></tr>\n");
	}
	if (!nsteps)
		P(b, "<tr><td colspan=\"9\" class=\"muted\">This run has no steps.</td></tr>\n");
	P(b, "</tbody></table></section>\n");

	P(b, "<section><h2>Log</h2><table class=\"log\"><tbody>\n");
	cJSON_ArrayForEach(line, item(data, "log")) {
		const char *lv = str_of(line, "level");
		nlines++;
		P(b, "<tr class=\"log-line ");
		E(b, lv);
		P(b, "\"><td class=\"nowrap muted\">");
		clock_time(c, b, str_of(line, "at"));
		P(b, "</td><td>");
		badge(b, lv);
		P(b, "</td><td><code class=\"msg\">");
		E(b, str_of(line, "message"));
		P(b, "</code></td></tr>\n");
	}
	if (!nlines)
		P(b, "<tr><td class=\"muted\">No log lines.</td></tr>\n");
	P(b, "</tbody></table></section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(data);
}

/* ---- goals ------------------------------------------------------------- */

static void percent(struct buf *b, double p)
{
	if (isnan(p))
		P(b, "<span class=\"muted\">—</span>");
	else
		buf_printf(b, "%.0f%%", p * 100);
}

static void goals_page(struct console *c, struct request *rq, struct response *rs)
{
	char err[512];
	struct buf *b = &rs->body;
	cJSON *goals = data_goals(c, err, sizeof(err));
	cJSON *props = goals ? data_proposals(c, NULL, 50, err, sizeof(err)) : NULL;
	const cJSON *g, *p, *e;
	int pending = 0, decided = 0;
	char today[16] = "";
	int32_t day;

	if (tz_local_day(c->zone, time_now_usec(), &day) == 0)
		time_format_date(day, today, sizeof(today));
	if (!goals || !props) {
		cJSON_Delete(goals);
		return error_page(c, rq, rs, 500, "Database error", err);
	}
	page_begin(c, rq, b, "Goals", "goals");
	P(b, "<h1>Goals</h1>\n");
	notes(b, goals);

	P(b, "<section><h2>Proposals</h2>\n");
	cJSON_ArrayForEach(p, item(props, "proposals")) {
		char action[64];
		double id = num_of(p, "proposal_id");
		if (strcmp(str_of(p, "state"), "pending") != 0)
			continue;
		pending++;
		buf_printf(b, "<article class=\"proposal\" id=\"proposal-%.0f\" data-proposal-id=\"%.0f\">", id, id);
		P(b, "<div class=\"what\"><h3>");
		E(b, str_of(p, "display_name"));
		P(b, " <span class=\"muted\">");
		E(b, str_of(p, "period"));
		P(b, " · ");
		E(b, str_of(p, "day_type"));
		P(b, " · ");
		E(b, str_of(p, "direction"));
		P(b, "</span></h3><p class=\"change\">");
		html_minutes(b, num_of(p, "current_minutes"));
		P(b, " → <strong>");
		html_minutes(b, num_of(p, "proposed_minutes"));
		P(b, "</strong> <span class=\"muted\">chance of meeting it ");
		percent(b, num_of(p, "probability_before"));
		P(b, " → ");
		percent(b, num_of(p, "probability_after"));
		P(b, "</span></p><p class=\"reason\">");
		E(b, str_of(p, "reason"));
		P(b, "</p></div><div class=\"actions\">");
		/* Both decisions ask for confirmation first (a GET page). */
		snprintf(action, sizeof(action), "/proposals/%.0f/confirm?action=accept", id);
		char testid[64];
		snprintf(testid, sizeof(testid), "accept-%.0f", id);
		link_button(rq, b, action, "Accept…", "primary", testid);
		snprintf(action, sizeof(action), "/proposals/%.0f/confirm?action=reject", id);
		snprintf(testid, sizeof(testid), "reject-%.0f", id);
		link_button(rq, b, action, "Reject…", "", testid);
		P(b, "</div></article>\n");
	}
	if (!pending)
		P(b, "<p class=\"muted\">No pending proposals.</p>\n");
	else
		login_hint(rq, b, "/goals", "accept or reject a proposal");
	P(b, "</section>\n");

	P(b, "<section><h2>Current goals</h2>\n<p class=\"hint\">Status and bar colour follow the "
	     "one goal-status rule: <em>met</em> when the period's rule holds (a <em>less</em> goal only "
	     "once its period is over), else on track / at risk / off track by the chance of meeting it.</p>"
	     "<table class=\"goals stack\"><thead><tr><th>Category</th>"
	     "<th>Period</th><th>Day type</th><th>Direction</th><th class=\"num\">Goal</th>"
	     "<th>This period</th><th class=\"num\">Actual</th><th>Achievement</th>"
	     "<th class=\"num\" title=\"probability of meeting the goal this period, from the adjuster&#39;s latest run (else its latest proposal)\">Chance</th>"
	     "<th title=\"lib/goal_status: this period&#39;s status\">Status</th>"
	     "</tr></thead><tbody>\n");
	cJSON_ArrayForEach(g, item(goals, "goals")) {
		const cJSON *cp = item(g, "current_period");
		enum goal_direction dir;
		enum goal_status gs = STATUS_NEUTRAL;
		int have_status = 0;

		if (goal_direction_parse(str_of(g, "direction"), &dir) < 0)
			dir = DIR_NEUTRAL;
		if (cJSON_IsObject(cp) && !isnan(num_of(cp, "actual_minutes"))) {
			double goal = num_of(cp, "period_goal_minutes"), actual = num_of(cp, "actual_minutes");
			double prob = num_of(g, "probability");
			int over = !cJSON_IsFalse(item(cp, "complete"));
			if (isnan(goal))
				goal = num_of(g, "minutes");
			/* Minutes never go down: a `less` goal already exceeded
			 * cannot be met this period, whatever an older chance said. */
			if (dir == DIR_LESS && !goal_period_met(dir, goal, actual))
				prob = 0;
			gs = goal_status_of_period(dir, over, goal, actual, prob,
						   GOAL_STATUS_ON_TRACK, GOAL_STATUS_AT_RISK);
			have_status = 1;
		} else if (str_of(g, "status") && goal_status_parse(str_of(g, "status"), &gs) == 0) {
			have_status = 1;   /* no achievement row: the adjuster's status */
		}
		buf_printf(b, "<tr data-goal-id=\"%.0f\" data-status=\"%s\"><td data-label=\"Category\">",
			   num_of(g, "goal_id"), have_status ? goal_status_name(gs) : "none");
		swatch(b, str_of(g, "color"));
		P(b, " ");
		E(b, str_of(g, "display_name"));
		P(b, "</td><td data-label=\"Period\">");
		E(b, str_of(g, "period"));
		P(b, "</td><td data-label=\"Day type\">");
		E(b, str_of(g, "day_type"));
		P(b, "</td><td data-label=\"Direction\">");
		E(b, str_of(g, "direction"));
		P(b, "</td><td class=\"num\" data-label=\"Goal\">");
		html_minutes(b, num_of(g, "minutes"));
		if (str_of(g, "next_valid_from")) {
			/* An accepted proposal starts with the next period. */
			P(b, "<br><span class=\"muted small\">→ ");
			html_minutes(b, num_of(g, "next_minutes"));
			P(b, " from ");
			E(b, str_of(g, "next_valid_from"));
			P(b, "</span>");
		}
		P(b, "</td>");
		if (cJSON_IsObject(cp)) {
			double rate = num_of(cp, "achievement_rate");
			P(b, "<td class=\"nowrap\" data-label=\"This period\">");
			E(b, str_of(cp, "period_start"));
			if (cJSON_IsFalse(item(cp, "complete")))
				P(b, " <span class=\"muted\">(so far)</span>");
			P(b, "</td><td class=\"num nowrap\" data-label=\"Actual\">");
			html_minutes(b, num_of(cp, "actual_minutes"));
			P(b, "</td><td class=\"nowrap\" data-label=\"Achievement\">");
			if (!isnan(rate)) {
				/* An SVG bar (the CSP forbids inline styles): the scale
				 * reaches 100 %, or the rate when it is more (up to
				 * 300 %), with a tick at the goal. */
				double scale = rate > 1 ? (rate > 3 ? 3 : rate) : 1;
				double w = 88 * (rate > scale ? scale : rate) / scale;
				double tick = 88 / scale;
				buf_printf(b, "<svg class=\"bar %s\" width=\"90\" height=\"12\" role=\"img\" "
					   "aria-label=\"%.0f%%\"><rect class=\"track\" x=\"1\" y=\"2\" width=\"88\" "
					   "height=\"8\" rx=\"4\"/><rect class=\"fill\" x=\"1\" y=\"2\" width=\"%.1f\" "
					   "height=\"8\" rx=\"4\"/><rect class=\"goal\" x=\"%.1f\" y=\"0\" width=\"1.5\" "
					   "height=\"12\"/></svg> %.0f%%",
					   have_status ? goal_status_name(gs) : "none", rate * 100,
					   w < 0 ? 0 : w, tick, rate * 100);
			} else {
				P(b, "<span class=\"muted\">—</span>");
			}
			P(b, "</td>");
		} else {
			P(b, "<td colspan=\"3\" class=\"muted\">no achievement data</td>");
		}
		P(b, "<td class=\"num\" data-label=\"Chance\" data-probability-source=\"");
		E(b, str_of(g, "probability_source") ? str_of(g, "probability_source") : "none");
		P(b, "\">");
		percent(b, num_of(g, "probability"));
		P(b, "</td><td class=\"nowrap\" data-label=\"Status\" data-testid=\"goal-status\">");
		if (have_status)
			badge(b, goal_status_label(gs));
		else
			P(b, "<span class=\"muted\">—</span>");
		P(b, "</td></tr>\n");
	}
	if (cJSON_GetArraySize(item(goals, "goals")) == 0)
		P(b, "<tr><td colspan=\"10\" class=\"muted\">No goals: import them with "
		     "<code>dwhbi goals import</code>.</td></tr>\n");
	P(b, "</tbody></table></section>\n");

	const cJSON *est = item(goals, "estimates");
	if (cJSON_GetArraySize(est) > 0) {
		P(b, "<section><h2>Estimates for ");
		E(b, str_of(cJSON_GetArrayItem(est, 0), "target_date"));
		P(b, "</h2>\n<table class=\"estimates stack\"><thead><tr><th>Category</th>"
		     "<th class=\"num\">Estimate</th><th>80% interval</th><th>Method</th>"
		     "</tr></thead><tbody>\n");
		cJSON_ArrayForEach(e, est) {
			P(b, "<tr><td data-label=\"Category\">");
			E(b, str_of(e, "display_name"));
			P(b, "</td><td class=\"num\" data-label=\"Estimate\">");
			html_minutes(b, num_of(e, "minutes"));
			P(b, "</td><td data-label=\"80% interval\">");
			html_minutes(b, num_of(e, "lower80"));
			P(b, " – ");
			html_minutes(b, num_of(e, "upper80"));
			P(b, "</td><td data-label=\"Method\">");
			E(b, str_of(e, "method"));
			P(b, "</td></tr>\n");
		}
		P(b, "</tbody></table></section>\n");
	}

	P(b, "<section><h2>Decided proposals</h2>\n<p class=\"hint\">An accepted change can be "
	     "undone until it takes effect (the start of the next period).</p>"
	     "<table class=\"decided stack\"><thead><tr>"
	     "<th class=\"num\">#</th><th>Category</th><th>Change</th><th>State</th><th>Decided</th>"
	     "<th></th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(p, item(props, "proposals")) {
		if (strcmp(str_of(p, "state"), "pending") == 0)
			continue;
		decided++;
		buf_printf(b, "<tr data-proposal-id=\"%.0f\"><td class=\"num\" data-label=\"#\">%.0f</td>"
			   "<td data-label=\"Category\">", num_of(p, "proposal_id"), num_of(p, "proposal_id"));
		E(b, str_of(p, "display_name"));
		P(b, "</td><td data-label=\"Change\">");
		html_minutes(b, num_of(p, "current_minutes"));
		P(b, " → ");
		html_minutes(b, num_of(p, "proposed_minutes"));
		P(b, "</td><td data-label=\"State\">");
		badge(b, str_of(p, "state"));
		if (str_of(p, "valid_from")) {
			P(b, " <span class=\"muted small\">from ");
			E(b, str_of(p, "valid_from"));
			P(b, "</span>");
		}
		P(b, "</td><td data-label=\"Decided\">");
		when(c, b, str_of(p, "decided_at"));
		P(b, "</td><td class=\"actions\">");
		if (strcmp(str_of(p, "state"), "accepted") == 0 && str_of(p, "valid_from") &&
		    !isnan(num_of(p, "new_goal_id")) && today[0] &&
		    strcmp(str_of(p, "valid_from"), today) > 0) {
			char action[64], testid[64];
			snprintf(action, sizeof(action), "/proposals/%.0f/undo", num_of(p, "proposal_id"));
			snprintf(testid, sizeof(testid), "undo-%.0f", num_of(p, "proposal_id"));
			action_button(rq, b, action, "Undo", "", testid);
		}
		P(b, "</td></tr>\n");
	}
	if (!decided)
		P(b, "<tr><td colspan=\"6\" class=\"muted\">None yet.</td></tr>\n");
	P(b, "</tbody></table></section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(goals);
	cJSON_Delete(props);
}

/* GET /proposals/{id}/confirm?action=accept|reject: what the decision
 * changes, and the form that makes it. */
static void confirm_page(struct console *c, struct request *rq, struct response *rs,
			 int64_t id, const char *action)
{
	char err[512], path[96], title[64];
	struct buf *b = &rs->body;
	int accept = action && strcmp(action, "accept") == 0;
	cJSON *data;
	const cJSON *p;

	if (!accept && !(action && strcmp(action, "reject") == 0))
		return pages_not_found(c, rq, rs);
	if (!rq->session && !rq->bearer) {
		struct buf next = BUF_INIT;
		buf_printf(&next, "/login?next=/proposals/%lld/confirm%%3Faction%%3D%s",
			   (long long)id, accept ? "accept" : "reject");
		resp_redirect(rs, next.data);
		buf_release(&next);
		return;
	}
	data = data_proposal(c, id, err, sizeof(err));
	if (!data)
		return error_page(c, rq, rs, 500, "Database error", err);
	p = item(data, "proposal");
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(data);
		return error_page(c, rq, rs, 404, "Not found", "There is no such proposal.");
	}
	snprintf(title, sizeof(title), "%s proposal %lld", accept ? "Accept" : "Reject", (long long)id);
	page_begin(c, rq, b, title, "goals");
	buf_printf(b, "<h1>%s proposal #%lld?</h1>\n", accept ? "Accept" : "Reject", (long long)id);
	P(b, "<section class=\"confirm\" data-testid=\"confirm\"><h2>");
	swatch(b, str_of(p, "color"));
	P(b, " ");
	E(b, str_of(p, "display_name"));
	P(b, " <span class=\"muted\">");
	E(b, str_of(p, "period"));
	P(b, " · ");
	E(b, str_of(p, "day_type"));
	P(b, " · ");
	E(b, str_of(p, "direction"));
	P(b, "</span></h2><p class=\"change\">");
	html_minutes(b, num_of(p, "current_minutes"));
	P(b, " → <strong>");
	html_minutes(b, num_of(p, "proposed_minutes"));
	P(b, "</strong></p><p class=\"reason\">");
	E(b, str_of(p, "reason"));
	P(b, "</p>");
	if (strcmp(str_of(p, "state"), "pending") != 0) {
		P(b, "<p class=\"flash error\">This proposal is already ");
		E(b, str_of(p, "state"));
		P(b, ": there is nothing to decide.</p><p><a class=\"button\" href=\"/goals\">Back to goals</a></p>");
	} else {
		enum goal_period per;
		int32_t today, as_of, eff;
		char effs[16] = "";
		if (accept && goal_period_parse(str_of(p, "period"), &per) == 0 &&
		    tz_local_day(c->zone, time_now_usec(), &today) == 0 &&
		    time_parse_date(str_of(p, "as_of"), &as_of) == 0) {
			eff = period_next_start(per, as_of > today ? as_of : today);
			time_format_date(eff, effs, sizeof(effs));
		}
		if (accept) {
			P(b, "<p>The goal changes from the start of the next period");
			if (effs[0]) {
				P(b, ", <strong data-testid=\"takes-effect\">");
				E(b, effs);
				P(b, "</strong>");
			}
			P(b, "; the current period keeps the current goal. Until then you can undo it "
			     "on the goals page.</p>");
		} else {
			P(b, "<p>The goal stays as it is; the adjuster remembers the rejection and does not "
			     "propose the same change again until the evidence moves.</p>");
		}
		snprintf(path, sizeof(path), "/proposals/%lld/%s", (long long)id,
			 accept ? "accept" : "reject");
		P(b, "<form method=\"post\" class=\"confirm-form\" action=\"");
		E(b, path);
		P(b, "\">");
		csrf_field(rq, b);
		buf_printf(b, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
			   "<button type=\"submit\" class=\"primary\" data-testid=\"confirm-%s\">Yes, %s</button> "
			   "<a class=\"button ghost\" href=\"/goals\" data-testid=\"cancel\">Cancel</a></form>",
			   accept ? "accept" : "reject", accept ? "accept it" : "reject it");
	}
	P(b, "</section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(data);
}

/* ---- reports ----------------------------------------------------------- */

static void reports_page(struct console *c, struct request *rq, struct response *rs)
{
	char err[512], month[16];
	struct buf *b = &rs->body;
	cJSON *data = data_reports(c, err, sizeof(err));
	const cJSON *f;

	if (!data)
		return error_page(c, rq, rs, 500, "Cannot list reports", err);
	page_begin(c, rq, b, "Reports", "reports");
	P(b, "<h1>Reports</h1>\n");
	notes(b, data);
	P(b, "<section><h2>Monthly PDFs</h2><table class=\"reports stack\"><thead><tr><th>File</th>"
	     "<th class=\"num\">Size</th><th>Written</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(f, item(data, "files")) {
		P(b, "<tr><td data-label=\"File\"><a href=\"/reports/files/");
		html_urlencode(b, str_of(f, "name"));
		P(b, "\">");
		E(b, str_of(f, "name"));
		P(b, "</a></td><td class=\"num\">");
		buf_printf(b, "%.0f KiB", ceil(num_of(f, "size") / 1024));
		P(b, "</td><td>");
		when(c, b, str_of(f, "modified_at"));
		P(b, "</td></tr>\n");
	}
	if (cJSON_GetArraySize(item(data, "files")) == 0)
		P(b, "<tr><td colspan=\"3\" class=\"muted\">No reports yet.</td></tr>\n");
	P(b, "</tbody></table><p class=\"hint\" data-testid=\"reports-dir\">Directory: <code>");
	E(b, str_of(data, "directory_path"));
	P(b, "</code> <span class=\"muted\">(--reports-dir or DWHBI_REPORTS_DIR; by default the "
	     "directory serve runs in, where <code>dwhbi run monthly</code> writes)</span>");
	if (num_of(data, "incomplete") > 0)
		buf_printf(b, " · %.0f file(s) still being written (or not complete PDFs) are not listed",
			   num_of(data, "incomplete"));
	P(b, "</p></section>\n");
	if (cJSON_GetArraySize(item(data, "written_by_runs")) > 0) {
		P(b, "<section><h2>Written by report runs</h2><p class=\"hint\">Where each "
		     "<code>dwhbi report</code> run wrote its file (relative paths are relative to where "
		     "that run was started).</p><table class=\"written stack\"><thead><tr><th class=\"num\">Run</th>"
		     "<th>File</th><th>Finished</th></tr></thead><tbody>\n");
		cJSON_ArrayForEach(f, item(data, "written_by_runs")) {
			buf_printf(b, "<tr><td class=\"num\" data-label=\"Run\"><a href=\"/runs/%.0f\">#%.0f</a></td>"
				   "<td data-label=\"File\"><code>", num_of(f, "run_id"), num_of(f, "run_id"));
			E(b, str_of(f, "output"));
			P(b, "</code></td><td data-label=\"Finished\">");
			when(c, b, str_of(f, "finished_at"));
			P(b, "</td></tr>\n");
		}
		P(b, "</tbody></table></section>\n");
	}
	P(b, "<section><h2>Render a month</h2>");
	if (cJSON_IsTrue(item(data, "rendering")))
		P(b, "<p class=\"note\" data-status=\"running\">A report is being rendered…</p>");
	if (rq->session || rq->bearer) {
		time_last_month(c->zone, month, sizeof(month));
		P(b, "<form method=\"post\" action=\"/reports/render\" class=\"render\">");
		csrf_field(rq, b);
		P(b, "<label>Month <input type=\"month\" name=\"month\" required "
		     "pattern=\"[0-9]{4}-[0-9]{2}\" value=\"");
		E(b, month);
		P(b, "\"></label> <button type=\"submit\" class=\"primary\" data-testid=\"render\">"
		     "Render PDF</button></form>\n");
	} else {
		login_hint(rq, b, "/reports", "render a report");
	}
	P(b, "</section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(data);
}

static void report_file(struct console *c, struct request *rq, struct response *rs,
			const char *name)
{
	char path[1400];
	struct stat st;
	int fd;

	if (!form_valid_report_name(name))
		return error_page(c, rq, rs, 404, "Not found", "no such report");
	snprintf(path, sizeof(path), "%s/%s", c->reports_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return error_page(c, rq, rs, 404, "Not found", "no such report");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_page(c, rq, rs, 404, "Not found", "no such report");
	}
	if (!data_pdf_complete(path, (long long)st.st_size)) {
		close(fd);
		return error_page(c, rq, rs, 404, "Not found",
				  "this report is still being written: try again in a moment");
	}
	rs->status = 200;
	rs->content_type = "application/pdf";
	rs->file_fd = fd;
	rs->file_size = (long long)st.st_size;
	snprintf(rs->filename, sizeof(rs->filename), "%s", name);
}

/* ---- login ------------------------------------------------------------- */

static void login_form(struct console *c, struct request *rq, struct response *rs,
		       unsigned status, const char *message, const char *next)
{
	struct buf *b = &rs->body;

	buf_reset(b);
	page_begin(c, rq, b, "Log in", "login");
	P(b, "<section class=\"login\"><h1>Log in</h1>");
	if (message) {
		P(b, "<p class=\"flash error\" role=\"alert\">");
		E(b, message);
		P(b, "</p>");
	}
	P(b, "<form method=\"post\" action=\"/login\"><label>Console token "
	     "<input type=\"password\" name=\"token\" autocomplete=\"current-password\" "
	     "required autofocus></label><input type=\"hidden\" name=\"next\" value=\"");
	E(b, next && form_safe_redirect(next) ? next : "/");
	P(b, "\"><button type=\"submit\" class=\"primary\">Log in</button></form>"
	     "<p class=\"hint\">The token is <code>DWHBI_CONSOLE_TOKEN</code>, or the one "
	     "<code>dwhbi serve</code> printed when it started.</p></section>\n");
	page_end(c, b);
	resp_html(rs, status);
}

static void login_post(struct console *c, struct request *rq, struct response *rs)
{
	char *token = req_form(rq, "token"), *next = req_form(rq, "next");
	struct session *s;
	int limited;

	s = auth_login(&c->auth, token, time_now_usec(), &limited);
	free(token);
	if (!s) {
		login_form(c, rq, rs, limited ? 429 : 401,
			   limited ? "Too many failed attempts; wait a minute."
				   : "That token is not right.", next);
		free(next);
		return;
	}
	snprintf(rs->cookie, sizeof(rs->cookie),
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", AUTH_COOKIE, s->id,
		 AUTH_SESSION_HOURS * 3600);
	resp_redirect(rs, next && form_safe_redirect(next) ? next : "/");
	free(next);
}

void pages_unauthorized(struct console *c, struct request *rq, struct response *rs)
{
	login_form(c, rq, rs, 401, "This action needs the console token: log in first.", "/");
}

void pages_not_found(struct console *c, struct request *rq, struct response *rs)
{
	buf_reset(&rs->body);
	error_page(c, rq, rs, 404, "Not found", "There is no such page.");
}

/* ---- form posts -------------------------------------------------------- */

static void flash_result(struct request *rq, const struct action_result *r)
{
	auth_flash(rq->session, r->status == NULL || r->http_status >= 400, "%s", r->message);
}

static int post(struct console *c, struct request *rq, struct response *rs)
{
	const char *url = rq->url;
	struct action_result r;

	if (strcmp(url, "/login") == 0) {
		login_post(c, rq, rs);
	} else if (strcmp(url, "/logout") == 0) {
		if (rq->session)
			auth_logout(rq->session);
		snprintf(rs->cookie, sizeof(rs->cookie),
			 "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", AUTH_COOKIE);
		resp_redirect(rs, "/login");
	} else if (strncmp(url, "/sync/", 6) == 0) {
		const struct service *s = jobs_service(url + 6);
		action_sync(c, url + 6, &r);
		flash_result(rq, &r);
		if (s && r.status && strcmp(r.status, "triggered") != 0) {
			struct buf to = BUF_INIT;
			buf_puts(&to, "/runs?job=");
			html_urlencode(&to, s->job);
			if (r.run_id)
				buf_printf(&to, "#run-%lld", (long long)r.run_id);
			resp_redirect(rs, to.data);
			buf_release(&to);
		} else {
			resp_redirect(rs, "/");
		}
	} else if (strncmp(url, "/proposals/", 11) == 0) {
		char id_s[32];
		const char *slash = strchr(url + 11, '/');
		int64_t id;
		if (!slash || (size_t)(slash - url - 11) >= sizeof(id_s))
			return 0;
		snprintf(id_s, sizeof(id_s), "%.*s", (int)(slash - url - 11), url + 11);
		if (form_parse_id(id_s, &id) < 0 ||
		    (strcmp(slash, "/accept") != 0 && strcmp(slash, "/reject") != 0 &&
		     strcmp(slash, "/undo") != 0))
			return 0;
		if (strcmp(slash, "/undo") == 0) {
			action_undo(c, id, &r);
		} else {
			/* A form decides only from the confirmation page. */
			char *confirm = req_form(rq, "confirm");
			int ok = confirm && strcmp(confirm, "yes") == 0;
			free(confirm);
			if (!ok) {
				char to[96];
				snprintf(to, sizeof(to), "/proposals/%lld/confirm?action=%s",
					 (long long)id, slash + 1);
				resp_redirect(rs, to);
				return 1;
			}
			action_decide(c, id, strcmp(slash, "/accept") == 0, &r);
		}
		flash_result(rq, &r);
		resp_redirect(rs, "/goals");
	} else if (strcmp(url, "/reports/render") == 0) {
		char *month = req_form(rq, "month");
		action_render(c, month, &r);
		free(month);
		flash_result(rq, &r);
		resp_redirect(rs, "/reports");
	} else {
		return 0;
	}
	return 1;
}

int pages_handle(struct console *c, struct request *rq, struct response *rs)
{
	const char *url = rq->url;

	if (strcmp(rq->method, "POST") == 0)
		return post(c, rq, rs);
	if (strcmp(url, "/") == 0)
		overview(c, rq, rs);
	else if (strcmp(url, "/runs") == 0)
		runs_page(c, rq, rs);
	else if (strncmp(url, "/runs/", 6) == 0)
		run_page(c, rq, rs, url + 6);
	else if (strcmp(url, "/goals") == 0)
		goals_page(c, rq, rs);
	else if (strcmp(url, "/reports") == 0)
		reports_page(c, rq, rs);
	else if (strncmp(url, "/reports/files/", 15) == 0)
		report_file(c, rq, rs, url + 15);
	else if (strncmp(url, "/proposals/", 11) == 0 && strstr(url + 11, "/confirm") &&
		 strcmp(strstr(url + 11, "/confirm"), "/confirm") == 0) {
		char id_s[32];
		int64_t id;
		size_t n = (size_t)(strstr(url + 11, "/confirm") - (url + 11));
		if (n >= sizeof(id_s))
			return 0;
		snprintf(id_s, sizeof(id_s), "%.*s", (int)n, url + 11);
		if (form_parse_id(id_s, &id) < 0)
			return 0;
		confirm_page(c, rq, rs, id, req_arg(rq, "action"));
	} else if (strcmp(url, "/login") == 0)
		login_form(c, rq, rs, 200, NULL, req_arg(rq, "next"));
	else
		return 0;
	return 1;
}
