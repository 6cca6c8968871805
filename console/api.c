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
 *   POST /api/proposals/{id}/accept | /reject | /undo  (undo: before it takes effect)
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
#include "lib/log.h"
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

static void post_decide(struct console *c, const char *rest, struct response *rs)
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
	if (strcmp(slash, "/accept") == 0)
		action_decide(c, id, 1, &r);
	else if (strcmp(slash, "/reject") == 0)
		action_decide(c, id, 0, &r);
	else if (strcmp(slash, "/undo") == 0)
		action_undo(c, id, &r);
	else
		return resp_json_error(rs, 404, "no such API endpoint: use .../accept, .../reject or .../undo");
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
		post_decide(c, url + 11, rs);
	} else if (strcmp(url, "/reports/render") == 0) {
		post_render(c, rq, rs);
	} else {
		rs->allow = "GET, HEAD";
		resp_json_error(rs, 405, "use GET for this endpoint");
	}
	return 1;
}
