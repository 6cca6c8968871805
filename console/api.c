/*
 * api: the console's JSON API under /api/ (the same data as the pages, from
 * data.c, and the same actions, from actions.c).
 *
 *   GET  /api/status                  sources, freshness, marts
 *   GET  /api/runs?job=&status=&before=&limit=
 *   GET  /api/runs/{id}              the run, its steps and its log lines
 *   GET  /api/goals                   current goals, this period, estimates
 *   GET  /api/proposals?state=
 *   GET  /api/reports
 *   POST /api/sync/{service}          toggl | gcal | transform
 *   POST /api/proposals/{id}/accept | /reject   two steps: without confirm
 *        it changes nothing and answers 428 with the change and a token
 *        (confirm.h); again with confirm=<token> it decides
 *   POST /api/proposals/{id}/undo     (before the accepted change takes effect)
 *   POST /api/reports/render?month=YYYY-MM   (or a JSON body {"month": ...})
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/api.h"
#include "console/actions.h"
#include "console/data.h"
#include "console/form.h"
#include "console/state.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "console/web.h"

static void answer(struct response *rs, cJSON *data, const char *err)
{
	if (!data) {
		char *safe = log_redact(err);
		resp_json_error(rs, 500, safe);
		free(safe);
		return;
	}
	resp_json(rs, 200, data);
	cJSON_Delete(data);
}

static void answer_action(struct response *rs, const struct action_result *r)
{
	cJSON *o = cJSON_CreateObject();

	if (r->status)
		cJSON_AddStringToObject(o, "status", r->status);
	else
		cJSON_AddStringToObject(o, "error", r->message);
	if (r->status)
		cJSON_AddStringToObject(o, "message", r->message);
	if (r->run_id)
		cJSON_AddNumberToObject(o, "run_id", (double)r->run_id);
	else if (r->status && (strcmp(r->status, "started") == 0 ||
			       strcmp(r->status, "running") == 0))
		cJSON_AddNullToObject(o, "run_id");
	if (r->upstream_status)
		cJSON_AddNumberToObject(o, "upstream_status", r->upstream_status);
	resp_json(rs, r->http_status, o);
	cJSON_Delete(o);
}

/* A status filter is one of the three states, anything else is refused. */
static int valid_state(const char *s, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(s, *allowed) == 0)
			return 1;
	return 0;
}

static void get_runs(struct console *c, struct request *rq, struct response *rs)
{
	static const char *const states[] = { "running", "success", "failed", NULL };
	const char *job = req_arg(rq, "job"), *status = req_arg(rq, "status");
	const char *before_s = req_arg(rq, "before"), *limit_s = req_arg(rq, "limit");
	int64_t before = 0, limit = 50;
	char err[512];

	if (job && !*job)
		job = NULL;
	if (status && !*status)
		status = NULL;
	if (status && !valid_state(status, states))
		return resp_json_error(rs, 400, "bad status: use running, success or failed");
	if (before_s && *before_s && form_parse_id(before_s, &before) < 0)
		return resp_json_error(rs, 400, "bad before: use a run id");
	if (limit_s && *limit_s && (form_parse_id(limit_s, &limit) < 0 || limit > 500))
		return resp_json_error(rs, 400, "bad limit: use 1 to 500");
	answer(rs, data_runs(c, job, status, before, (int)limit, err, sizeof(err)), err);
}

static void get_run(struct console *c, const char *id_s, struct response *rs)
{
	int64_t id;
	char err[512];
	cJSON *data;

	if (form_parse_id(id_s, &id) < 0)
		return resp_json_error(rs, 400, "bad run id");
	data = data_run(c, id, err, sizeof(err));
	if (data && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "run"))) {
		cJSON_Delete(data);
		return resp_json_error(rs, 404, "no such run");
	}
	answer(rs, data, err);
}

/* The confirm field of a decision: form field or query argument, else a
 * JSON body's "confirm" (caller frees), or NULL. */
static char *confirm_field(const struct request *rq)
{
	char *v = req_form(rq, "confirm");
	cJSON *body;
	const cJSON *f;

	if (v || !rq->body.len)
		return v;
	body = cJSON_ParseWithLength(rq->body.data, rq->body.len);
	f = cJSON_GetObjectItemCaseSensitive(body, "confirm");
	if (cJSON_IsString(f))
		v = strdup(f->valuestring);
	cJSON_Delete(body);
	return v;
}

/* The first step of accept/reject: 428 with what the decision would change
 * and a token to send back (confirm.h); nothing changes. */
static void ask_confirmation(struct console *c, int64_t id, int accept, struct response *rs)
{
	char err[512], token[33], when[32], effs[16], msg[300];
	int64_t expires;
	cJSON *data = data_proposal(c, id, err, sizeof(err)), *o, *ch;
	const cJSON *p;
	const char *state;

	if (!data)
		return answer(rs, NULL, err);
	p = cJSON_GetObjectItemCaseSensitive(data, "proposal");
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(data);
		return resp_json_error(rs, 404, "no such proposal");
	}
	state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "state"));
	if (!state || strcmp(state, "pending") != 0) {
		snprintf(msg, sizeof(msg), "proposal %lld is %s, not pending: nothing to decide",
			 (long long)id, state ? state : "unknown");
		cJSON_Delete(data);
		return resp_json_error(rs, 409, msg);
	}
	if (confirm_issue(&c->confirms, id, accept, time_now_usec(), token, &expires) < 0) {
		cJSON_Delete(data);
		return resp_json_error(rs, 500, "cannot make a confirmation token (no randomness)");
	}
	time_format_rfc3339(expires, when, sizeof(when));
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "confirm");
	snprintf(msg, sizeof(msg), "nothing changed yet: POST again with confirm=%s (form field, "
		 "query or JSON body) before %s to %s proposal %lld", token, when,
		 accept ? "accept" : "reject", (long long)id);
	cJSON_AddStringToObject(o, "error", msg);
	cJSON_AddStringToObject(o, "action", accept ? "accept" : "reject");
	cJSON_AddNumberToObject(o, "proposal_id", (double)id);
	ch = cJSON_AddObjectToObject(o, "change");
	static const char *const keys[] = { "category", "display_name", "period", "day_type",
					    "direction", "current_minutes", "proposed_minutes",
					    "probability_before", "probability_after", "reason" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, keys[i]);
		cJSON_AddItemToObject(ch, keys[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	if (accept && action_takes_effect(c, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "period")),
					  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "as_of")),
					  effs, sizeof(effs)) == 0)
		cJSON_AddStringToObject(o, "takes_effect", effs);
	else
		cJSON_AddNullToObject(o, "takes_effect");
	cJSON_AddStringToObject(o, "confirm", token);
	cJSON_AddStringToObject(o, "confirm_expires_at", when);
	resp_json(rs, 428, o);
	cJSON_Delete(o);
	cJSON_Delete(data);
}

static void post_decide(struct console *c, struct request *rq, const char *rest,
			struct response *rs)
{
	char id_s[32];
	const char *slash = strchr(rest, '/');
	struct action_result r;
	int64_t id;

	if (!slash || (size_t)(slash - rest) >= sizeof(id_s))
		return resp_json_error(rs, 404, "no such API endpoint");
	snprintf(id_s, sizeof(id_s), "%.*s", (int)(slash - rest), rest);
	if (form_parse_id(id_s, &id) < 0)
		return resp_json_error(rs, 400, "bad proposal id");
	if (strcmp(slash, "/accept") == 0 || strcmp(slash, "/reject") == 0) {
		int accept = strcmp(slash, "/accept") == 0;
		char *confirm = confirm_field(rq);
		int ok;

		if (!confirm)
			return ask_confirmation(c, id, accept, rs);
		ok = confirm_take(&c->confirms, confirm, id, accept, time_now_usec()) == 0;
		free(confirm);
		if (!ok)
			return resp_json_error(rs, 409, "that confirmation token is unknown, used, "
					       "expired or for another decision: POST without "
					       "confirm for a new one");
		action_decide(c, id, accept, &r);
	} else if (strcmp(slash, "/undo") == 0) {
		action_undo(c, id, &r);
	} else {
		return resp_json_error(rs, 404, "no such API endpoint: use .../accept, .../reject or .../undo");
	}
	answer_action(rs, &r);
}

static void post_render(struct console *c, struct request *rq, struct response *rs)
{
	struct action_result r;
	char *month = req_form(rq, "month");
	cJSON *body = NULL;

	if (!month && rq->body.len) {
		body = cJSON_ParseWithLength(rq->body.data, rq->body.len);
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(body, "month");
		if (cJSON_IsString(m))
			month = strdup(m->valuestring);
		cJSON_Delete(body);
	}
	action_render(c, month, &r);
	free(month);
	answer_action(rs, &r);
}

int api_handle(struct console *c, struct request *rq, struct response *rs)
{
	const char *url = rq->url + 4;   /* after "/api" */
	int post = strcmp(rq->method, "POST") == 0;
	char err[512];

	if (!post) {
		if (strcmp(url, "/status") == 0) {
			answer(rs, data_status(c, err, sizeof(err)), err);
		} else if (strcmp(url, "/runs") == 0) {
			get_runs(c, rq, rs);
		} else if (strncmp(url, "/runs/", 6) == 0) {
			get_run(c, url + 6, rs);
		} else if (strcmp(url, "/goals") == 0) {
			answer(rs, data_goals(c, err, sizeof(err)), err);
		} else if (strcmp(url, "/proposals") == 0) {
			static const char *const states[] = { "pending", "accepted", "rejected",
							      "superseded", "expired", NULL };
			const char *state = req_arg(rq, "state");
			if (state && *state && !valid_state(state, states))
				resp_json_error(rs, 400, "bad state: use pending, accepted, rejected, "
						"superseded or expired");
			else
				answer(rs, data_proposals(c, state && *state ? state : NULL, 200,
							  err, sizeof(err)), err);
		} else if (strcmp(url, "/reports") == 0) {
			answer(rs, data_reports(c, err, sizeof(err)), err);
		} else if (strncmp(url, "/sync/", 6) == 0 ||
			   strncmp(url, "/proposals/", 11) == 0 ||
			   strcmp(url, "/reports/render") == 0) {
			rs->allow = "POST";
			resp_json_error(rs, 405, "use POST for this endpoint");
		} else {
			return 0;
		}
		return 1;
	}
	if (strncmp(url, "/sync/", 6) == 0) {
		struct action_result r;
		action_sync(c, url + 6, &r);
		answer_action(rs, &r);
	} else if (strncmp(url, "/proposals/", 11) == 0) {
		post_decide(c, rq, url + 11, rs);
	} else if (strcmp(url, "/reports/render") == 0) {
		post_render(c, rq, rs);
	} else {
		rs->allow = "GET, HEAD";
		resp_json_error(rs, 405, "use GET for this endpoint");
	}
	return 1;
}
