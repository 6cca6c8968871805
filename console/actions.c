/*
 * actions: "sync now", accept/reject a proposal, render a report (see
 * actions.h).
 */
#include "console/actions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/db.h"
#include "console/form.h"
#include "lib/log.h"
#include "console/web.h"

static void fail(struct action_result *r, unsigned status, const char *fmt, const char *arg)
{
	r->http_status = status;
	r->status = NULL;
	snprintf(r->message, sizeof(r->message), fmt, arg);
}

void action_sync(struct console *c, const char *service, struct action_result *r)
{
	const struct service *s = jobs_service(service);
	char err[512];
	int rc;

	memset(r, 0, sizeof(*r));
	if (!s)
		return fail(r, 404, "unknown service '%s': use toggl, gcal or transform",
			    service ? service : "");
	if (jobs_dispatch_configured(c->cfg)) {
		int http = 0;
		if (jobs_dispatch(c->cfg, s->workflow, &http, err, sizeof(err)) < 0) {
			char *safe = log_redact(err);
			r->upstream_status = http;
			fail(r, 502, "%s", safe);
			free(safe);
			return;
		}
		r->http_status = 200;
		r->status = "triggered";
		snprintf(r->message, sizeof(r->message),
			 "GitHub workflow %s triggered; its run appears in ops.runs when it starts",
			 s->workflow);
		return;
	}
	rc = jobs_start(&c->jobs, c->db, s->job, s->args, &r->run_id, err, sizeof(err));
	if (rc < 0)
		return fail(r, 500, "%s", err);
	if (rc == 1) {
		r->http_status = 409;
		r->status = "running";
		snprintf(r->message, sizeof(r->message), "%s is already running", s->job);
		return;
	}
	r->http_status = 202;
	r->status = "started";
	if (r->run_id)
		snprintf(r->message, sizeof(r->message), "started %s (run %lld)", s->job,
			 (long long)r->run_id);
	else
		snprintf(r->message, sizeof(r->message), "started %s", s->job);
}

/* The last non-empty line of a command's output, redacted, into out. */
static void last_line(const char *text, char *out, size_t outlen)
{
	const char *end = text + strlen(text), *start;
	char *safe;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, outlen, "%.*s", (int)(end - start), start);
	safe = log_redact(out);
	snprintf(out, outlen, "%s", safe);
	free(safe);
}

void action_decide(struct console *c, int64_t proposal_id, int accept,
		   struct action_result *r)
{
	char id[32], state[32], err[512], line[400];
	const char *params[1] = { id };
	const char *args[4] = { "adjust", accept ? "accept" : "reject", id, NULL };
	struct buf out = BUF_INIT;
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(id, sizeof(id), "%lld", (long long)proposal_id);
	rc = db_query_value(c->db,
			    "SELECT state FROM analytics.goal_proposals WHERE proposal_id = $1",
			    1, params, state, sizeof(state), err, sizeof(err));
	if (rc < 0)
		return fail(r, 500, "%s", err);
	if (rc == 0)
		return fail(r, 404, "there is no proposal %s", id);
	if (strcmp(state, "pending") != 0) {
		r->http_status = 409;
		snprintf(r->message, sizeof(r->message), "proposal %s is already %s", id, state);
		return;
	}
	rc = jobs_run_wait(c->jobs.argv0, args, 60, &out, err, sizeof(err));
	if (rc < 0) {
		buf_release(&out);
		return fail(r, 500, "%s", err);
	}
	if (rc != 0) {
		last_line(out.data, line, sizeof(line));
		r->http_status = rc == 1 ? 409 : 500;
		snprintf(r->message, sizeof(r->message), "dwhbi adjust %s %s failed: %s",
			 args[1], id, line[0] ? line : "no message");
		buf_release(&out);
		return;
	}
	buf_release(&out);
	r->http_status = 200;
	r->status = accept ? "accepted" : "rejected";
	snprintf(r->message, sizeof(r->message), "proposal %s %s", id, r->status);
}

void action_render(struct console *c, const char *month, struct action_result *r)
{
	char path[1200], err[512];
	const char *args[6] = { "report", "--month", month, "-o", path, NULL };
	int rc;

	memset(r, 0, sizeof(*r));
	if (!form_valid_month(month))
		return fail(r, 400, "bad month '%s': use YYYY-MM, e.g. 2026-10",
			    month ? month : "");
	if (mkdir(c->reports_dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, sizeof(err), "cannot create the reports directory '%s': %s",
			 c->reports_dir, strerror(errno));
		return fail(r, 500, "%s", err);
	}
	snprintf(path, sizeof(path), "%s/report-%s.pdf", c->reports_dir, month);
	rc = jobs_start(&c->jobs, c->db, "report", args, &r->run_id, err, sizeof(err));
	if (rc < 0)
		return fail(r, 500, "%s", err);
	if (rc == 1) {
		r->http_status = 409;
		r->status = "running";
		snprintf(r->message, sizeof(r->message), "a report is being rendered already");
		return;
	}
	r->http_status = 202;
	r->status = "started";
	snprintf(r->message, sizeof(r->message), "rendering report-%s.pdf (run %lld)",
		 month, (long long)r->run_id);
}
