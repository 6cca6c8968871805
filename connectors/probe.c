/*
 * probe: read-only requests that check credentials (see probe.h).  A probe
 * gets a short wait budget: a person waiting for doctor should not sit
 * through a night's retries.
 */
#include "connectors/probe.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/github.h"
#include "connectors/http.h"
#include "connectors/oauth.h"
#include "lib/buf.h"
#include "lib/config.h"

static void short_budget(const struct config *in, struct config *out)
{
	*out = *in;
	out->http_wait_budget = 5;
	if (out->http_timeout <= 0 || out->http_timeout > 20)
		out->http_timeout = 20;
}

static int toggl_get(struct http_client *c, const struct config *cfg, const char *path,
		     struct http_response *resp, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct http_request req = { 0 };
	int rc;

	buf_printf(&url, "%s/api/v9/%s", cfg->toggl_api_base, path);
	req.url = url.data;
	req.basic_user = cfg->toggl_api_token;
	req.basic_password = "api_token";
	req.want_json = 1;
	rc = http_send(c, &req, resp, err, errlen);
	buf_release(&url);
	if (rc == 0 && (resp->status == 401 || resp->status == 403)) {
		snprintf(err, errlen, "Toggl refused the token (HTTP %ld): copy TOGGL_API_TOKEN "
			 "again from your Toggl profile page", resp->status);
		return -1;
	}
	if (rc == 0 && (resp->status < 200 || resp->status > 299 || !resp->json)) {
		char body[160];
		http_body_excerpt(resp, body, sizeof(body));
		snprintf(err, errlen, "Toggl answered HTTP %ld to /%s: %s", resp->status, path, body);
		return -1;
	}
	return rc;
}

int probe_toggl(const struct config *in, char *info, size_t infolen, char *err, size_t errlen)
{
	struct config cfg;
	struct http_client c;
	struct http_response resp;
	int rc = -1;

	if (!in->toggl_api_token) {
		snprintf(err, errlen, "TOGGL_API_TOKEN is not set: copy the API token from the "
			 "bottom of your Toggl profile page");
		return -1;
	}
	short_budget(in, &cfg);
	if (http_client_init(&c, "toggl", &cfg, err, errlen) < 0)
		return -1;
	http_response_init(&resp);
	if (toggl_get(&c, &cfg, "me", &resp, err, errlen) < 0)
		goto out;
	const cJSON *ws = cJSON_GetObjectItemCaseSensitive(resp.json, "default_workspace_id");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(resp.json, "id");
	snprintf(info, infolen, "token works (user %.0f, default workspace %.0f)",
		 cJSON_IsNumber(id) ? id->valuedouble : 0, cJSON_IsNumber(ws) ? ws->valuedouble : 0);
	if (cfg.toggl_workspace_id > 0) {
		const cJSON *w;
		int found = 0;
		if (toggl_get(&c, &cfg, "me/workspaces", &resp, err, errlen) < 0)
			goto out;
		cJSON_ArrayForEach(w, resp.json) {
			const cJSON *wid = cJSON_GetObjectItemCaseSensitive(w, "id");
			if (cJSON_IsNumber(wid) && (int64_t)wid->valuedouble == cfg.toggl_workspace_id)
				found = 1;
		}
		if (!found) {
			snprintf(err, errlen, "TOGGL_WORKSPACE_ID=%" PRId64 " is not one of this "
				 "token's workspaces: unset it to use the default one",
				 cfg.toggl_workspace_id);
			goto out;
		}
		snprintf(info, infolen, "token works, workspace %" PRId64 " found",
			 cfg.toggl_workspace_id);
	}
	rc = 0;
out:
	http_response_release(&resp);
	http_client_release(&c);
	return rc;
}

/* GET url with the access token: 0 with resp, -1 with err. */
static int google_get(struct http_client *c, struct oauth *o, const char *url,
		      struct http_response *resp, char *err, size_t errlen)
{
	const char *token;
	struct buf auth = BUF_INIT;
	int rc;

	if (oauth_access_token(o, &token, err, errlen) != 0)
		return -1;
	buf_printf(&auth, "Authorization: Bearer %s", token);
	const char *headers[2] = { auth.data, NULL };
	rc = http_get_json(c, url, headers, resp, err, errlen);
	buf_release(&auth);
	return rc;
}

int probe_google(const struct config *in, struct buf *calendars, char *info, size_t infolen,
		 char *err, size_t errlen)
{
	struct config cfg;
	struct http_client c;
	struct http_response resp;
	struct oauth o;
	struct buf url = BUF_INIT, ids = BUF_INIT;
	int rc = -1, n = 0;
	const char *missing = !in->google_client_id ? "GOOGLE_CLIENT_ID" :
			      !in->google_client_secret ? "GOOGLE_CLIENT_SECRET" :
			      !in->google_refresh_token ? "GOOGLE_REFRESH_TOKEN" : NULL;

	if (missing) {
		snprintf(err, errlen, "%s is not set (see dwhbi.env.example)", missing);
		return -1;
	}
	short_budget(in, &cfg);
	if (http_client_init(&c, "google", &cfg, err, errlen) < 0)
		return -1;
	http_response_init(&resp);
	oauth_init(&o, &c, &cfg);
	if (oauth_refresh(&o, err, errlen) != 0)
		goto out;
	buf_printf(&url, "%s/users/me/calendarList", cfg.google_api_base);
	if (google_get(&c, &o, url.data, &resp, err, errlen) < 0)
		goto out;
	if (resp.status != 200 || !resp.json) {
		snprintf(err, errlen, "Google answered HTTP %ld to calendarList", resp.status);
		goto out;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(resp.json, "items")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		const cJSON *sum = cJSON_GetObjectItemCaseSensitive(item, "summary");
		if (!cJSON_IsString(id))
			continue;
		buf_printf(calendars, "%s%s%s\n", id->valuestring, cJSON_IsString(sum) ? "  " : "",
			   cJSON_IsString(sum) ? sum->valuestring : "");
		n++;
	}
	/* Every calendar the sync will read must answer. */
	buf_puts(&ids, cfg.gcal_calendar_ids ? cfg.gcal_calendar_ids : "primary");
	if (cfg.gcal_holiday_calendar_id) {
		buf_putc(&ids, ',');
		buf_puts(&ids, cfg.gcal_holiday_calendar_id);
	}
	for (char *save = NULL, *id = strtok_r(ids.data, ",", &save); id;
	     id = strtok_r(NULL, ",", &save)) {
		while (*id == ' ')
			id++;
		if (!*id)
			continue;
		buf_reset(&url);
		buf_printf(&url, "%s/calendars/", cfg.google_api_base);
		http_url_encode(&url, id);
		buf_puts(&url, "/events?maxResults=1");
		if (google_get(&c, &o, url.data, &resp, err, errlen) < 0)
			goto out;
		if (resp.status != 200) {
			snprintf(err, errlen, "calendar '%s' cannot be read (HTTP %ld): fix "
				 "GCAL_CALENDAR_IDS or GCAL_HOLIDAY_CALENDAR_ID (the ids are listed "
				 "below)", id, resp.status);
			goto out;
		}
	}
	snprintf(info, infolen, "refresh token works; %d calendar%s visible, the configured ones "
		 "can be read", n, n == 1 ? "" : "s");
	rc = 0;
out:
	oauth_release(&o);
	http_response_release(&resp);
	http_client_release(&c);
	buf_release(&url);
	buf_release(&ids);
	return rc;
}

int probe_github(const struct config *in, char *info, size_t infolen, char *err, size_t errlen)
{
	struct config cfg;
	struct github_client gh;
	struct github_run *runs = NULL;
	size_t nruns = 0;
	long status = 0;
	int rc;

	short_budget(in, &cfg);
	if (github_init(&gh, &cfg, err, errlen) < 0)
		return -1;
	rc = github_list_runs(&gh, 1, &runs, &nruns, &status, err, errlen);
	free(runs);
	github_release(&gh);
	if (rc < 0)
		return -1;
	snprintf(info, infolen, "token can read %s's workflow runs", cfg.github_repository);
	return 0;
}
