/*
 * page: the shared frame and widgets of the console's pages (page.h).
 */
#include "console/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/actions.h"
#include "console/pages.h"
#include "console/state.h"
#include "console/web.h"
#include "lib/log.h"
#include "lib/timeutil.h"

void page_begin(struct console *c, struct request *rq, struct buf *b,
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

void page_end(struct console *c, struct buf *b)
{
	P(b, "</main>\n<footer>dwhbi console · times in ");
	E(b, c->zone);
	P(b, "</footer>\n</body></html>\n");
}

void page_notes(struct buf *b, const cJSON *data)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, item(data, "notes")) {
		P(b, "<p class=\"note\">");
		E(b, n->valuestring);
		P(b, "</p>\n");
	}
}

void page_csrf_field(struct request *rq, struct buf *b)
{
	if (!rq->session)
		return;
	P(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	E(b, rq->session->csrf);
	P(b, "\">");
}

void page_action_button(struct request *rq, struct buf *b, const char *action,
			  const char *label, const char *cls, const char *testid)
{
	if (!rq->session && !rq->bearer)
		return;
	P(b, "<form method=\"post\" class=\"inline\" action=\"");
	E(b, action);
	P(b, "\">");
	page_csrf_field(rq, b);
	P(b, "<button type=\"submit\" class=\"");
	E(b, cls);
	P(b, "\" data-testid=\"");
	E(b, testid);
	P(b, "\">");
	E(b, label);
	P(b, "</button></form>");
}

void page_link_button(struct request *rq, struct buf *b, const char *href,
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

void page_login_hint(struct request *rq, struct buf *b, const char *next,
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

void page_when(struct console *c, struct buf *b, const char *iso)
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

void page_badge(struct buf *b, const char *word)
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

void page_swatch(struct buf *b, const char *color)
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

void page_count(struct buf *b, const cJSON *o, const char *key)
{
	double v = num_of(o, key);
	if (isnan(v))
		P(b, "<span class=\"muted\">—</span>");
	else
		buf_printf(b, "%.0f", v);
}

void page_error(struct console *c, struct request *rq, struct response *rs,
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

void page_percent(struct buf *b, double p)
{
	if (isnan(p))
		P(b, "<span class=\"muted\">—</span>");
	else
		buf_printf(b, "%.0f%%", p * 100);
}

void page_flash_result(struct request *rq, const struct action_result *r)
{
	auth_flash(rq->session, r->status == NULL || r->http_status >= 400, "%s", r->message);
}

void page_not_found(struct console *c, struct request *rq, struct response *rs)
{
	buf_reset(&rs->body);
	page_error(c, rq, rs, 404, "Not found", "There is no such page.");
}
