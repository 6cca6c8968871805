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

/* ---- releases ---------------------------------------------------------- */

/* The error line of a failed release call, with the next step. */
static void explain_release(const struct github_client *gh, const char *what,
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
	case 404:
		hint = "the token needs the contents:write permission on GITHUB_REPOSITORY";
		break;
	case 422:
		hint = "GitHub refused the request as it stands (see its message)";
		break;
	default:
		hint = "try again later";
		break;
	}
	snprintf(err, errlen, "github: %s in %s failed: %ld %s; %s", what, gh->repository,
		 resp->status, msg, hint);
}

/* One call: the usual headers plus extra (may be NULL), an optional body. */
static int release_call(struct github_client *gh, const char *method, const char *url,
			const char *extra, const char *body, size_t body_len,
			struct http_response *resp, char *err, size_t errlen)
{
	struct buf auth = BUF_INIT;
	const char *lines[7];
	struct http_request req;
	int rc;

	auth_headers(gh, &auth, lines, 0);
	if (extra) {
		lines[3] = extra;
		lines[4] = NULL;
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = lines;
	req.body = body;
	req.body_len = body_len;
	rc = http_send(&gh->http, &req, resp, err, errlen);
	buf_release(&auth);
	return rc;
}

/* The JSON object of a 2xx answer, or NULL. */
static cJSON *answer_json(const struct http_response *resp)
{
	cJSON *j = cJSON_ParseWithLength(resp->body.data ? resp->body.data : "", resp->body.len);

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* scheme://host[:port] of url: its length, 0 when url has no "//". */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return 0;
	p += 3;
	while (*p && *p != '/' && *p != '?' && *p != '#')
		p++;
	return (size_t)(p - url);
}

/* 1 when the token may go to upload_url (see github.h). */
static int upload_host_ok(const struct github_client *gh, const char *upload)
{
	size_t a = origin_len(gh->api_base), u = origin_len(upload);

	if (!strcmp(gh->api_base, "https://api.github.com") ||
	    !strcmp(gh->api_base, "https://api.github.com/"))
		return !strncmp(upload, "https://uploads.github.com/", 27);
	return a && a == u && !strncmp(gh->api_base, upload, a) && upload[u] == '/';
}

/* GET the release of tag: 0 with *rel, 1 when there is none (404), -1. */
static int get_release(struct github_client *gh, const char *tag, cJSON **rel,
		       long *status, char *err, size_t errlen)
{
	struct buf url = BUF_INIT, path = BUF_INIT;
	struct http_response resp;
	char what[300];
	int rc = -1;

	*rel = NULL;
	buf_puts(&path, "/releases/tags/");
	http_url_encode(&path, tag);
	repo_url(gh, &url, path.data);
	http_response_init(&resp);
	snprintf(what, sizeof(what), "reading the release of tag '%s'", tag);
	if (release_call(gh, "GET", url.data, NULL, NULL, 0, &resp, err, errlen) == 0) {
		if (status)
			*status = resp.status;
		if (resp.status == 404) {
			rc = 1;
		} else if (resp.status != 200) {
			explain_release(gh, what, &resp, err, errlen);
		} else if (!(*rel = answer_json(&resp))) {
			snprintf(err, errlen, "github: the release of tag '%s' in %s is not a JSON object",
				 tag, gh->repository);
		} else {
			rc = 0;
		}
	}
	http_response_release(&resp);
	buf_release(&url);
	buf_release(&path);
	return rc;
}

/* POST a release for tag: 0 with *rel, 1 when one exists already (422
 * already_exists), -1. */
static int create_release(struct github_client *gh, const char *tag, const char *name,
			  const char *body, cJSON **rel, long *status, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct http_response resp;
	cJSON *o = cJSON_CreateObject();
	char *text, what[300];
	int rc = -1;

	*rel = NULL;
	cJSON_AddStringToObject(o, "tag_name", tag);
	cJSON_AddStringToObject(o, "name", name && *name ? name : tag);
	if (body)
		cJSON_AddStringToObject(o, "body", body);
	cJSON_AddBoolToObject(o, "draft", 0);
	cJSON_AddBoolToObject(o, "prerelease", 0);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	repo_url(gh, &url, "/releases");
	http_response_init(&resp);
	snprintf(what, sizeof(what), "creating the release of tag '%s'", tag);
	if (release_call(gh, "POST", url.data, "Content-Type: application/json", text,
			 strlen(text), &resp, err, errlen) == 0) {
		if (status)
			*status = resp.status;
		if (resp.status == 422 && resp.body.len &&
		    strstr(resp.body.data, "already_exists")) {
			rc = 1;
		} else if (resp.status != 201) {
			explain_release(gh, what, &resp, err, errlen);
		} else if (!(*rel = answer_json(&resp))) {
			snprintf(err, errlen, "github: the new release of tag '%s' is not a JSON object", tag);
		} else {
			rc = 0;
		}
	}
	http_response_release(&resp);
	free(text);
	buf_release(&url);
	return rc;
}

static int delete_asset(struct github_client *gh, int64_t id, const char *name,
			long *status, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct http_response resp;
	char rest[64], what[300];
	int rc = -1;

	snprintf(rest, sizeof(rest), "/releases/assets/%lld", (long long)id);
	repo_url(gh, &url, rest);
	http_response_init(&resp);
	snprintf(what, sizeof(what), "deleting the previous asset '%s'", name);
	if (release_call(gh, "DELETE", url.data, NULL, NULL, 0, &resp, err, errlen) == 0) {
		if (status)
			*status = resp.status;
		if (resp.status == 204 || resp.status == 404)  /* 404: gone meanwhile */
			rc = 0;
		else
			explain_release(gh, what, &resp, err, errlen);
	}
	http_response_release(&resp);
	buf_release(&url);
	return rc;
}

int github_publish_asset(struct github_client *gh, const char *tag, const char *release_name,
			 const char *release_body, const char *asset_name,
			 const char *content_type, const char *data, size_t len,
			 struct github_published *out, long *status, char *err, size_t errlen)
{
	cJSON *rel = NULL, *asset = NULL;
	const cJSON *v, *assets, *a;
	struct buf url = BUF_INIT, ctype = BUF_INIT;
	struct http_response resp;
	char what[300];
	int rc = -1, got;

	memset(out, 0, sizeof(*out));
	if (status)
		*status = 0;
	http_response_init(&resp);
	got = get_release(gh, tag, &rel, status, err, errlen);
	if (got == 1) {
		got = create_release(gh, tag, release_name, release_body, &rel, status, err, errlen);
		if (got == 0)
			out->created_release = 1;
		else if (got == 1)  /* made meanwhile */
			got = get_release(gh, tag, &rel, status, err, errlen);
		if (got == 1)
			snprintf(err, errlen, "github: the release of tag '%s' in %s is neither there "
				 "nor can be created; try again later", tag, gh->repository);
	}
	if (got != 0)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(rel, "id");
	out->release_id = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
	copy_string(rel, "html_url", out->release_url, sizeof(out->release_url));
	/* A rerun replaces the asset: GitHub refuses a second one of a name. */
	assets = cJSON_GetObjectItemCaseSensitive(rel, "assets");
	cJSON_ArrayForEach(a, assets) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "name");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(a, "id");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, asset_name) && cJSON_IsNumber(id)) {
			if (delete_asset(gh, (int64_t)id->valuedouble, asset_name, status, err, errlen) < 0)
				goto out;
			out->replaced = 1;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(rel, "upload_url");
	if (!cJSON_IsString(v) || !v->valuestring[0]) {
		snprintf(err, errlen, "github: the release of tag '%s' has no upload_url", tag);
		goto out;
	}
	/* "https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}" */
	buf_append(&url, v->valuestring, strcspn(v->valuestring, "{"));
	if (!upload_host_ok(gh, url.data)) {
		snprintf(err, errlen, "github: the release's upload_url is on another host than "
			 "GitHub's uploads host; not sending the token there (check GITHUB_API_BASE)");
		goto out;
	}
	http_query_add(&url, "name", asset_name);
	buf_printf(&ctype, "Content-Type: %s", content_type);
	snprintf(what, sizeof(what), "uploading '%s' to the release of tag '%s'", asset_name, tag);
	if (len == 0) {
		snprintf(err, errlen, "github: '%s' is empty; nothing to upload", asset_name);
		goto out;
	}
	if (release_call(gh, "POST", url.data, ctype.data, data, len, &resp, err, errlen) < 0)
		goto out;
	if (status)
		*status = resp.status;
	if (resp.status != 201) {
		explain_release(gh, what, &resp, err, errlen);
		goto out;
	}
	asset = answer_json(&resp);
	if (asset)
		copy_string(asset, "browser_download_url", out->download_url, sizeof(out->download_url));
	rc = 0;
out:
	cJSON_Delete(asset);
	cJSON_Delete(rel);
	http_response_release(&resp);
	buf_release(&url);
	buf_release(&ctype);
	return rc;
}
