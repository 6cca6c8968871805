/*
 * page_runs: GET /runs (the run history, filtered by job and status, 100 a
 * page) and GET /runs/{id} (one run: its facts, its child steps and its
 * log lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/pages.h"
#include "console/data.h"
#include "console/form.h"
#include "console/page.h"
#include "console/state.h"
#include "console/web.h"

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

void page_runs(struct console *c, struct request *rq, struct response *rs)
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
		return page_error(c, rq, rs, 500, "Database error", err);
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
		page_when(c, b, str_of(run, "started_at"));
		P(b, "</td><td data-label=\"Duration\">");
		html_duration(b, num_of(run, "duration_seconds"));
		P(b, "</td><td data-label=\"Status\">");
		page_badge(b, st);
		P(b, "</td><td class=\"num\" data-label=\"Read\">");
		page_count(b, run, "rows_read");
		P(b, "</td><td class=\"num\" data-label=\"Written\">");
		page_count(b, run, "rows_written");
		P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
		page_count(b, run, "rows_deleted");
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

static void rows_cells(struct buf *b, const cJSON *run)
{
	P(b, "<td class=\"num\" data-label=\"Read\">");
	page_count(b, run, "rows_read");
	P(b, "</td><td class=\"num\" data-label=\"Written\">");
	page_count(b, run, "rows_written");
	P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
	page_count(b, run, "rows_deleted");
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

void page_run(struct console *c, struct request *rq, struct response *rs, const char *id_s)
{
	char err[512], title[64];
	struct buf *b = &rs->body;
	int64_t id;
	cJSON *data;
	const cJSON *run, *step, *line;
	int nsteps = 0, nlines = 0;

	if (form_parse_id(id_s, &id) < 0)
		return page_not_found(c, rq, rs);
	data = data_run(c, id, err, sizeof(err));
	if (!data)
		return page_error(c, rq, rs, 500, "Database error", err);
	run = item(data, "run");
	if (!cJSON_IsObject(run)) {
		cJSON_Delete(data);
		return page_error(c, rq, rs, 404, "Not found", "There is no such run.");
	}
	snprintf(title, sizeof(title), "Run %lld", (long long)id);
	page_begin(c, rq, b, title, "runs");
	buf_printf(b, "<h1>Run #%lld <span class=\"muted\">", (long long)id);
	E(b, str_of(run, "job"));
	P(b, "</span></h1>\n");
	page_notes(b, data);
	P(b, "<section class=\"run\" data-run-id=\"");
	buf_printf(b, "%lld", (long long)id);
	P(b, "\" data-status=\"");
	E(b, str_of(run, "status"));
	P(b, "\"><dl class=\"facts\"><div><dt>Status</dt><dd data-testid=\"run-status\">");
	page_badge(b, str_of(run, "status"));
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
	page_when(c, b, str_of(run, "started_at"));
	P(b, "</dd></div><div><dt>Finished</dt><dd>");
	if (str_of(run, "finished_at"))
		page_when(c, b, str_of(run, "finished_at"));
	else
		P(b, "<span class=\"muted\">not yet</span>");
	P(b, "</dd></div><div><dt>Duration</dt><dd>");
	html_duration(b, num_of(run, "duration_seconds"));
	P(b, "</dd></div><div><dt>Rows read</dt><dd class=\"num\">");
	page_count(b, run, "rows_read");
	P(b, "</dd></div><div><dt>Written</dt><dd class=\"num\">");
	page_count(b, run, "rows_written");
	P(b, "</dd></div><div><dt>Deleted</dt><dd class=\"num\">");
	page_count(b, run, "rows_deleted");
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
		page_when(c, b, str_of(step, "started_at"));
		P(b, "</td><td data-label=\"Duration\">");
		html_duration(b, num_of(step, "duration_seconds"));
		P(b, "</td><td data-label=\"Status\">");
		page_badge(b, str_of(step, "status"));
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
		page_badge(b, lv);
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
