/*
 * page_proposals: deciding a proposal.  GET /proposals/{id}/confirm says
 * what accepting or rejecting changes and from when, and holds the form;
 * POST /proposals/{id}/accept|reject decides only with confirm=yes from
 * that form (else it redirects to the confirmation page); POST
 * /proposals/{id}/undo takes an accepted change back before it starts.
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

/* GET /proposals/{id}/confirm?action=accept|reject: what the decision
 * changes, and the form that makes it. */
void page_proposal_confirm(struct console *c, struct request *rq, struct response *rs,
			   int64_t id, const char *action)
{
	char err[512], path[96], title[64];
	struct buf *b = &rs->body;
	int accept = action && strcmp(action, "accept") == 0;
	cJSON *data;
	const cJSON *p;

	if (!accept && !(action && strcmp(action, "reject") == 0))
		return page_not_found(c, rq, rs);
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
		return page_error(c, rq, rs, 500, "Database error", err);
	p = item(data, "proposal");
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(data);
		return page_error(c, rq, rs, 404, "Not found", "There is no such proposal.");
	}
	snprintf(title, sizeof(title), "%s proposal %lld", accept ? "Accept" : "Reject", (long long)id);
	page_begin(c, rq, b, title, "goals");
	buf_printf(b, "<h1>%s proposal #%lld?</h1>\n", accept ? "Accept" : "Reject", (long long)id);
	P(b, "<section class=\"confirm\" data-testid=\"confirm\"><h2>");
	page_swatch(b, str_of(p, "color"));
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
		char effs[16] = "";
		if (accept && action_takes_effect(c, str_of(p, "period"), str_of(p, "as_of"),
						  effs, sizeof(effs)) < 0)
			effs[0] = '\0';
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
		page_csrf_field(rq, b);
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

void page_proposal_post(struct console *c, struct request *rq, struct response *rs,
			int64_t id, const char *what)
{
	struct action_result r;

	if (strcmp(what, "undo") == 0) {
		action_undo(c, id, &r);
	} else {
		/* A form decides only from the confirmation page. */
		char *confirm = req_form(rq, "confirm");
		int ok = confirm && strcmp(confirm, "yes") == 0;
		free(confirm);
		if (!ok) {
			char to[96];
			snprintf(to, sizeof(to), "/proposals/%lld/confirm?action=%s",
				 (long long)id, what);
			resp_redirect(rs, to);
			return;
		}
		action_decide(c, id, strcmp(what, "accept") == 0, &r);
	}
	page_flash_result(rq, &r);
	resp_redirect(rs, "/goals");
}
