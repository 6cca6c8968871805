/*
 * page_goals: GET /goals — the pending proposals (each with Accept… and
 * Reject…, which open the confirmation page), the current goals with this
 * period's status and bar from the one goal-status rule (lib/goal_status),
 * the latest estimates, and the decided proposals with Undo while an
 * accepted change has not taken effect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/pages.h"
#include "console/data.h"
#include "console/page.h"
#include "console/state.h"
#include "console/web.h"
#include "lib/goal_status.h"
#include "lib/timeutil.h"

void page_goals(struct console *c, struct request *rq, struct response *rs)
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
		return page_error(c, rq, rs, 500, "Database error", err);
	}
	page_begin(c, rq, b, "Goals", "goals");
	P(b, "<h1>Goals</h1>\n");
	page_notes(b, goals);

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
		page_percent(b, num_of(p, "probability_before"));
		P(b, " → ");
		page_percent(b, num_of(p, "probability_after"));
		P(b, "</span></p><p class=\"reason\">");
		E(b, str_of(p, "reason"));
		P(b, "</p></div><div class=\"actions\">");
		/* Both decisions ask for confirmation first (a GET page). */
		snprintf(action, sizeof(action), "/proposals/%.0f/confirm?action=accept", id);
		char testid[64];
		snprintf(testid, sizeof(testid), "accept-%.0f", id);
		page_link_button(rq, b, action, "Accept…", "primary", testid);
		snprintf(action, sizeof(action), "/proposals/%.0f/confirm?action=reject", id);
		snprintf(testid, sizeof(testid), "reject-%.0f", id);
		page_link_button(rq, b, action, "Reject…", "", testid);
		P(b, "</div></article>\n");
	}
	if (!pending)
		P(b, "<p class=\"muted\">No pending proposals.</p>\n");
	else
		page_login_hint(rq, b, "/goals", "accept or reject a proposal");
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
		page_swatch(b, str_of(g, "color"));
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
		page_percent(b, num_of(g, "probability"));
		P(b, "</td><td class=\"nowrap\" data-label=\"Status\" data-testid=\"goal-status\">");
		if (have_status)
			page_badge(b, goal_status_label(gs));
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
		page_badge(b, str_of(p, "state"));
		if (str_of(p, "valid_from")) {
			P(b, " <span class=\"muted small\">from ");
			E(b, str_of(p, "valid_from"));
			P(b, "</span>");
		}
		P(b, "</td><td data-label=\"Decided\">");
		page_when(c, b, str_of(p, "decided_at"));
		P(b, "</td><td class=\"actions\">");
		if (strcmp(str_of(p, "state"), "accepted") == 0 && str_of(p, "valid_from") &&
		    !isnan(num_of(p, "new_goal_id")) && today[0] &&
		    strcmp(str_of(p, "valid_from"), today) > 0) {
			char action[64], testid[64];
			snprintf(action, sizeof(action), "/proposals/%.0f/undo", num_of(p, "proposal_id"));
			snprintf(testid, sizeof(testid), "undo-%.0f", num_of(p, "proposal_id"));
			page_action_button(rq, b, action, "Undo", "", testid);
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

