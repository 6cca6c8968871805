/*
 * github: workflow_dispatch and the list of recent workflow runs over the
 * GitHub REST API (contract in github.h).  GitHub's error bodies are JSON
 * objects with a `message`; that message is what the person sees, prefixed
 * with what dwhbi was doing and what to check.
 */
#include "connectors/github.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lib/buf.h"
#include "lib/config.h"

int github_init(struct github_client *gh, const struct config *cfg,
		char *err, size_t errlen)
{
	memset(gh, 0, sizeof(*gh));
	if (config_require(cfg, "GITHUB_TOKEN", err, errlen) ||
	    config_require(cfg, "GITHUB_REPOSITORY", err, errlen))
		return -1;
	gh->api_base = cfg->github_api_base ? cfg->github_api_base : "https://api.github.com";
	gh->token = cfg->github_token;
	gh->repository = cfg->github_repository;
	return http_client_init(&gh->http, "github", cfg, err, errlen);
}

void github_release(struct github_client *gh)
{
	if (gh->http.curl)
		http_client_release(&gh->http);
	memset(gh, 0, sizeof(*gh));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

void github_workflow_file(const char *name, char *out, size_t outlen)
{
	int numeric = *name != '\0';
	for (const char *c = name; *c; c++)
		if (*c < '0' || *c > '9')
			numeric = 0;
	if (numeric || ends_with(name, ".yml") || ends_with(name, ".yaml"))
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%s.yml", name);
}

/* base + "/repos/" + owner/repo (each part encoded) + rest. */
static void repo_url(const struct github_client *gh, struct buf *url, const char *rest)
{
	const char *slash = strchr(gh->repository, '/');
	struct buf owner = BUF_INIT;

	buf_puts(url, gh->api_base);
	while (url->len && url->data[url->len - 1] == '/')
		url->data[--url->len] = '\0';
	buf_append(&owner, gh->repository, (size_t)(slash - gh->repository));
	buf_puts(url, "/repos/");
	http_url_encode(url, owner.data);
	buf_putc(url, '/');
	http_url_encode(url, slash + 1);
	buf_puts(url, rest);
	buf_release(&owner);
}

static const char *const *auth_headers(const struct github_client *gh, struct buf *auth,
				       const char **lines, int with_body)
{
	int n = 0;
	buf_printf(auth, "Authorization: Bearer %s", gh->token);
	lines[n++] = auth->data;
	lines[n++] = "Accept: application/vnd.github+json";
	lines[n++] = "X-GitHub-Api-Version: 2022-11-28";
	if (with_body)
		lines[n++] = "Content-Type: application/json";
	lines[n] = NULL;
	return lines;
}

/* GitHub's `message`, or an excerpt of the body. */
static void api_message(const struct http_response *resp, char *out, size_t outlen)
{
	cJSON *j = cJSON_ParseWithLength(resp->body.data, resp->body.len);
	const cJSON *m = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;

	if (cJSON_IsString(m) && m->valuestring[0]) {
		/* one line: GitHub's 422 messages can hold newlines */
		size_t k = 0;
		for (const char *c = m->valuestring; *c && k + 1 < outlen; c++)
			out[k++] = (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c;
		out[k] = '\0';
	} else {
		http_body_excerpt(resp, out, outlen);
	}
	cJSON_Delete(j);
}

/* The error line for a failed answer, with the next step for each status. */
static void explain(const struct github_client *gh, const char *what,
		    const struct http_response *resp, char *err, size_t errlen)
{
	char msg[512];
	const char *hint;

	api_message(resp, msg, sizeof(msg));
	switch (resp->status) {
	case 401:
		hint = "check GITHUB_TOKEN (expired or revoked?)";
		break;
	case 403:
		hint = "the token needs the actions:write permission on the repository";
		break;
	case 404:
		hint = "check the workflow name and GITHUB_REPOSITORY, and that the token can see the repository";
		break;
	case 422:
		hint = "check the inputs and that the workflow has a workflow_dispatch trigger on that ref";
		break;
	default:
		hint = "try again later";
		break;
	}
	snprintf(err, errlen, "github: %s in %s failed: %ld %s; %s", what, gh->repository,
		 resp->status, msg, hint);
}

int github_dispatch(struct github_client *gh, const char *workflow, const char *ref,
		    const char *const *names, const char *const *values, int ninputs,
		    long *status, char *err, size_t errlen)
{
	char file[256], what[320];
	struct buf url = BUF_INIT, auth = BUF_INIT, path = BUF_INIT;
	const char *lines[6];
	struct http_request req;
	struct http_response resp;
	cJSON *body = cJSON_CreateObject(), *inputs;
	char *text;
	int rc = -1;

	if (status)
		*status = 0;
	github_workflow_file(workflow, file, sizeof(file));
	buf_puts(&path, "/actions/workflows/");
	http_url_encode(&path, file);
	buf_puts(&path, "/dispatches");
	repo_url(gh, &url, path.data);

	cJSON_AddStringToObject(body, "ref", ref && *ref ? ref : "main");
	inputs = cJSON_AddObjectToObject(body, "inputs");
	for (int i = 0; i < ninputs; i++)
		cJSON_AddStringToObject(inputs, names[i], values[i]);
	text = cJSON_PrintUnformatted(body);

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url.data;
	req.headers = auth_headers(gh, &auth, lines, 1);
	req.body = text;
	http_response_init(&resp);
	snprintf(what, sizeof(what), "dispatch of workflow '%s'", file);
	if (http_send(&gh->http, &req, &resp, err, errlen) == 0) {
		if (status)
			*status = resp.status;
		if (resp.status == 204 || resp.status == 200)
			rc = 0;
		else
			explain(gh, what, &resp, err, errlen);
	}
	http_response_release(&resp);
	free(text);
	cJSON_Delete(body);
	buf_release(&url);
	buf_release(&auth);
	buf_release(&path);
	return rc;
}

static void copy_string(const cJSON *obj, const char *name, char *out, size_t outlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	snprintf(out, outlen, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

int github_list_runs(struct github_client *gh, int per_page, struct github_run **runs,
		     size_t *nruns, long *status, char *err, size_t errlen)
{
	struct buf url = BUF_INIT, auth = BUF_INIT;
	const char *lines[6];
	struct http_response resp;
	int rc = -1;

	*runs = NULL;
	*nruns = 0;
	if (status)
		*status = 0;
	if (per_page < 1)
		per_page = 1;
	if (per_page > 100)
		per_page = 100;
	repo_url(gh, &url, "/actions/runs");
	http_query_add_int(&url, "per_page", per_page);
	http_response_init(&resp);
	if (http_get_json(&gh->http, url.data, auth_headers(gh, &auth, lines, 0), &resp,
			  err, errlen) < 0)
		goto out;
	if (status)
		*status = resp.status;
	if (resp.status != 200) {
		explain(gh, "listing workflow runs", &resp, err, errlen);
		goto out;
	}
	const cJSON *list = resp.json ? cJSON_GetObjectItemCaseSensitive(resp.json, "workflow_runs") : NULL;
	if (!cJSON_IsArray(list)) {
		snprintf(err, errlen, "github: the list of runs of %s has no workflow_runs array",
			 gh->repository);
		goto out;
	}
	int n = cJSON_GetArraySize(list);
	*runs = calloc(n > 0 ? (size_t)n : 1, sizeof(**runs));
	if (!*runs) {
		snprintf(err, errlen, "github: out of memory");
		goto out;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, list) {
		struct github_run *r = &(*runs)[*nruns];
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		/* run ids pass 2^31; doubles hold them exactly up to 2^53 */
		r->id = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
		copy_string(item, "name", r->name, sizeof(r->name));
		copy_string(item, "event", r->event, sizeof(r->event));
		copy_string(item, "status", r->status, sizeof(r->status));
		copy_string(item, "conclusion", r->conclusion, sizeof(r->conclusion));
		copy_string(item, "created_at", r->created_at, sizeof(r->created_at));
		copy_string(item, "html_url", r->html_url, sizeof(r->html_url));
		(*nruns)++;
	}
	rc = 0;
out:
	http_response_release(&resp);
	buf_release(&url);
	buf_release(&auth);
	return rc;
}
