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

#include "adjuster/period.h"
#include "lib/db.h"
#include "console/form.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "ref/goals.h"
#include "console/state.h"

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

int action_takes_effect(const struct console *c, const char *period, const char *as_of,
			char *out, size_t outlen)
{
	enum goal_period per;
	int32_t today, day;

	if (!period || !as_of || goal_period_parse(period, &per) < 0 ||
	    tz_local_day(c->zone, time_now_usec(), &today) < 0 ||
	    time_parse_date(as_of, &day) < 0)
		return -1;
	time_format_date(period_next_start(per, day > today ? day : today), out, outlen);
	return 0;
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

void action_undo(struct console *c, int64_t proposal_id, struct action_result *r)
{
	char id[32], today[16], newid[24], err[512];
	const char *params[2] = { id, today };
	PGresult *res;
	int32_t day;
	int64_t restored = 0;

	memset(r, 0, sizeof(*r));
	snprintf(id, sizeof(id), "%lld", (long long)proposal_id);
	if (tz_local_day(c->zone, time_now_usec(), &day) < 0)
		return fail(r, 500, "cannot tell today's date in %s", c->zone);
	time_format_date(day, today, sizeof(today));
	if (db_begin(c->db, err, sizeof(err)) < 0)
		return fail(r, 500, "%s", err);
	res = db_query(c->db, "SELECT state, new_goal_id, valid_from::text, "
		       "valid_from > $2::date FROM analytics.goal_proposals "
		       "WHERE proposal_id = $1::bigint FOR UPDATE", 2, params, err, sizeof(err));
	if (!res) {
		db_rollback(c->db);
		return fail(r, 500, "%s", err);
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		db_rollback(c->db);
		return fail(r, 404, "there is no proposal %s", id);
	}
	if (strcmp(PQgetvalue(res, 0, 0), "accepted") != 0 || PQgetisnull(res, 0, 1)) {
		snprintf(r->message, sizeof(r->message), "proposal %s is %s, not accepted: "
			 "nothing to undo", id, PQgetvalue(res, 0, 0));
		r->http_status = 409;
		PQclear(res);
		db_rollback(c->db);
		return;
	}
	if (PQgetvalue(res, 0, 3)[0] != 't') {
		snprintf(r->message, sizeof(r->message), "proposal %s took effect on %s: it can "
			 "no longer be undone (change the goal with 'dwhbi goals import')",
			 id, PQgetvalue(res, 0, 2));
		r->http_status = 409;
		PQclear(res);
		db_rollback(c->db);
		return;
	}
	int64_t new_goal = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	/* The proposal first lets go of the version, then ref/goals.c (the
	 * one writer of goal versions) restores the previous one. */
	if (db_exec_params(c->db, "UPDATE analytics.goal_proposals SET new_goal_id = NULL, "
			   "valid_from = NULL WHERE proposal_id = $1::bigint", 1, params,
			   err, sizeof(err)) < 0 ||
	    goals_undo_version(c->db, new_goal, today, &restored, err, sizeof(err)) < 0) {
		db_rollback(c->db);
		char *safe = log_redact(err);
		r->http_status = 409;
		snprintf(r->message, sizeof(r->message), "cannot undo proposal %s: %s", id, safe);
		free(safe);
		return;
	}
	/* Back to pending, unless the adjuster has proposed something newer
	 * for the goal meanwhile: then this one is superseded by it. */
	if (db_exec_params(c->db,
			   "UPDATE analytics.goal_proposals p SET "
			   "state = CASE WHEN n.proposal_id IS NULL THEN 'pending' ELSE 'superseded' END, "
			   "superseded_by = n.proposal_id, "
			   "decided_at = CASE WHEN n.proposal_id IS NULL THEN NULL ELSE now() END "
			   "FROM (SELECT $1::bigint AS id) x "
			   "LEFT JOIN LATERAL (SELECT o.proposal_id FROM analytics.goal_proposals o, "
			   "  analytics.goal_proposals me WHERE me.proposal_id = x.id "
			   "  AND o.goal_id = me.goal_id AND o.state = 'pending' LIMIT 1) n ON true "
			   "WHERE p.proposal_id = x.id", 1, params, err, sizeof(err)) < 0 ||
	    db_commit(c->db, err, sizeof(err)) < 0) {
		db_rollback(c->db);
		return fail(r, 500, "%s", err);
	}
	snprintf(newid, sizeof(newid), "%lld", (long long)restored);
	r->http_status = 200;
	r->status = "undone";
	snprintf(r->message, sizeof(r->message), "proposal %s undone: goal %s is in effect "
		 "again, unchanged", id, newid);
	log_info("console: undid the acceptance of proposal %s (restored goal %s)", id, newid);
}
