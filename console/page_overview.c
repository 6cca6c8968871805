/*
 * page_overview: GET / — each source's freshness (read live), its last run
 * and "Sync now"; the marts with their last refresh and "Refresh marts";
 * and POST /sync/{service} behind those buttons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/pages.h"
#include "console/actions.h"
#include "console/data.h"
#include "console/page.h"
#include "console/state.h"
#include "console/web.h"

void page_overview(struct console *c, struct request *rq, struct response *rs)
{
	char err[512];
	cJSON *st = data_status(c, err, sizeof(err));
	struct buf *b = &rs->body;
	const cJSON *svc, *mart;
	int github;

	if (!st)
		return page_error(c, rq, rs, 500, "Database error", err);
	github = strcmp(str_of(st, "sync_mode"), "github") == 0;
	page_begin(c, rq, b, "Overview", "overview");
	P(b, "<h1>Overview</h1>\n");
	page_notes(b, st);
	P(b, "<section><h2>Sources</h2><p class=\"hint\">");
	P(b, github ? "“Sync now” dispatches the source’s GitHub Actions workflow."
		    : "“Sync now” runs the sync on this machine in the background.");
	buf_printf(b, " A source is stale when its last sync is older than %.0f hours.</p>\n",
		   num_of(st, "stale_hours"));
	P(b, "<p class=\"hint\" data-testid=\"freshness-source\">Sync times are read live from "
	     "<code>ops.sync_state</code>; <code>marts.source_freshness</code> ");
	if (str_of(st, "freshness_mart_built_at")) {
		P(b, "was built ");
		page_when(c, b, str_of(st, "freshness_mart_built_at"));
	} else {
		P(b, "<span class=\"muted\">has not been built yet</span>");
	}
	P(b, ".</p>\n");
	page_login_hint(rq, b, "/", "sync a source or refresh the marts");
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
		page_badge(b, str_of(svc, "state"));
		if (cJSON_IsTrue(item(svc, "running")))
			P(b, " <span class=\"badge running\" data-status=\"running\">syncing</span>");
		P(b, "</td><td data-label=\"Last sync\" data-testid=\"last-sync\">");
		page_when(c, b, str_of(svc, "last_synced_at"));
		P(b, "</td><td data-label=\"Last change\">");
		page_when(c, b, str_of(svc, "last_changed_at"));
		P(b, "</td><td class=\"num\" data-label=\"Rows\">");
		page_count(b, svc, "row_count");
		P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
		page_count(b, svc, "deleted_count");
		P(b, "</td><td class=\"nowrap\" data-label=\"Last run\">");
		if (lrs) {
			buf_printf(b, "<a href=\"/runs/%.0f\">#%.0f</a> ", num_of(svc, "last_run_id"),
				   num_of(svc, "last_run_id"));
			page_badge(b, lrs);
		} else {
			P(b, "<span class=\"muted\">none</span>");
		}
		P(b, "</td><td class=\"actions\">");
		snprintf(action, sizeof(action), "/sync/%s", name);
		char testid[64];
		snprintf(testid, sizeof(testid), "sync-%s", name);
		page_action_button(rq, b, action, "Sync now", "primary", testid);
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
			page_when(c, b, str_of(t, "last_synced_at"));
			P(b, "</td><td data-label=\"Last change\">");
			page_when(c, b, str_of(t, "last_changed_at"));
			P(b, "</td><td class=\"num\" data-label=\"Rows\">");
			page_count(b, t, "row_count");
			P(b, "</td><td class=\"num\" data-label=\"Deleted\">");
			page_count(b, t, "deleted_count");
			P(b, "</td><td></td><td></td></tr>\n");
		}
	}
	P(b, "</tbody></table></section>\n");

	const cJSON *tr = item(st, "transform");
	P(b, "<section><h2>Marts</h2><div class=\"row\"><p class=\"hint\">Last transform: ");
	if (str_of(tr, "last_run_status")) {
		buf_printf(b, "<a href=\"/runs/%.0f\">#%.0f</a> ",
			   num_of(tr, "last_run_id"), num_of(tr, "last_run_id"));
		page_badge(b, str_of(tr, "last_run_status"));
		P(b, " ");
		page_when(c, b, str_of(tr, "last_run_started_at"));
	} else {
		P(b, "never");
	}
	P(b, "</p>");
	page_action_button(rq, b, "/sync/transform", "Refresh marts", "", "sync-transform");
	P(b, "</div>\n<table class=\"marts stack\"><thead><tr><th>Mart</th><th>Kind</th>"
	     "<th class=\"num\">Rows</th><th>Last refresh</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(mart, item(st, "marts")) {
		P(b, "<tr><td data-label=\"Mart\"><code>marts.");
		E(b, str_of(mart, "name"));
		P(b, "</code></td><td data-label=\"Kind\">");
		E(b, str_of(mart, "kind"));
		P(b, "</td><td class=\"num\" data-label=\"Rows\">");
		page_count(b, mart, "row_count");
		P(b, "</td><td data-label=\"Last refresh\">");
		if (strcmp(str_of(mart, "kind"), "view") == 0)
			P(b, "<span class=\"muted\">—</span>");
		else
			page_when(c, b, str_of(mart, "last_refresh"));
		P(b, "</td></tr>\n");
	}
	if (cJSON_GetArraySize(item(st, "marts")) == 0)
		P(b, "<tr><td colspan=\"4\" class=\"muted\">No marts yet.</td></tr>\n");
	P(b, "</tbody></table></section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(st);
}

void page_sync_post(struct console *c, struct request *rq, struct response *rs,
		    const char *service)
{
	const struct service *s = jobs_service(service);
	struct action_result r;

	action_sync(c, service, &r);
	page_flash_result(rq, &r);
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
}
