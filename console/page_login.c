/*
 * page_login: GET /login (the token form), POST /login (a session cookie,
 * then back to where the person came from, a local path only), POST
 * /logout, and the 401 answer of an action that needs the token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/pages.h"
#include "console/form.h"
#include "console/page.h"
#include "console/state.h"
#include "console/web.h"
#include "lib/timeutil.h"

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

void page_login_post(struct console *c, struct request *rq, struct response *rs)
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

void page_unauthorized(struct console *c, struct request *rq, struct response *rs)
{
	login_form(c, rq, rs, 401, "This action needs the console token: log in first.", "/");
}

void page_login(struct console *c, struct request *rq, struct response *rs, const char *next)
{
	login_form(c, rq, rs, 200, NULL, next);
}

void page_logout_post(struct console *c, struct request *rq, struct response *rs)
{
	(void)c;
	if (rq->session)
		auth_logout(rq->session);
	snprintf(rs->cookie, sizeof(rs->cookie),
		 "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", AUTH_COOKIE);
	resp_redirect(rs, "/login");
}
