/*
 * pages: the console's server-rendered HTML, one file per page —
 * page_overview.c (sources, marts, "sync now"), page_runs.c (the run list
 * and one run), page_goals.c (goals, proposals, estimates),
 * page_proposals.c (the confirmation page and the decisions),
 * page_reports.c (the PDFs, rendering one), page_login.c (log in and out).
 * Their shared chrome and widgets are in page.h.  server.c routes each
 * request to one of these after its checks.
 *
 * Each page renders the JSON of data.c, so it shows exactly what the API
 * returns; every GET (page or API) reads in one REPEATABLE READ READ ONLY
 * snapshot (data_snapshot_begin, started by server.c), so a transform
 * committing meanwhile never shows half of its change.
 * Form posts answer with 303 to a page (post/redirect/get), carrying the
 * outcome as the session's flash message.
 */
#ifndef DWHBI_CONSOLE_PAGES_H
#define DWHBI_CONSOLE_PAGES_H

#include <stdint.h>

struct console;
struct request;
struct response;

/* GET / */
void page_overview(struct console *c, struct request *rq, struct response *rs);
/* POST /sync/{service} */
void page_sync_post(struct console *c, struct request *rq, struct response *rs,
		    const char *service);

/* GET /runs?job=&status=&before= */
void page_runs(struct console *c, struct request *rq, struct response *rs);
/* GET /runs/{id} (id_s as it came in the path) */
void page_run(struct console *c, struct request *rq, struct response *rs, const char *id_s);

/* GET /goals */
void page_goals(struct console *c, struct request *rq, struct response *rs);

/* GET /proposals/{id}/confirm?action=accept|reject */
void page_proposal_confirm(struct console *c, struct request *rq, struct response *rs,
			   int64_t id, const char *action);
/* POST /proposals/{id}/{accept|reject|undo} (what is "accept", "reject" or
 * "undo"); accept and reject need confirm=yes, else they redirect to the
 * confirmation page. */
void page_proposal_post(struct console *c, struct request *rq, struct response *rs,
			int64_t id, const char *what);

/* GET /reports */
void page_reports(struct console *c, struct request *rq, struct response *rs);
/* GET /reports/files/{name} */
void page_report_file(struct console *c, struct request *rq, struct response *rs,
		      const char *name);
/* POST /reports/render (form field month) */
void page_report_render_post(struct console *c, struct request *rq, struct response *rs);

/* GET /login?next= */
void page_login(struct console *c, struct request *rq, struct response *rs, const char *next);
/* POST /login, POST /logout */
void page_login_post(struct console *c, struct request *rq, struct response *rs);
void page_logout_post(struct console *c, struct request *rq, struct response *rs);
/* The HTML answers of the server's own checks: 401 with the login form,
 * and 404. */
void page_unauthorized(struct console *c, struct request *rq, struct response *rs);
void page_not_found(struct console *c, struct request *rq, struct response *rs);

#endif
