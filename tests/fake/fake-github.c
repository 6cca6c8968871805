/*
 * fake-github: a local stand-in for the two GitHub REST endpoints dwhbi uses
 * (docs/upstream-apis.md, "GitHub Actions"), on the shared fake
 * core (request log, faults, clock).
 *
 *   POST /repos/{owner}/{repo}/actions/workflows/{file}/dispatches
 *     401 without a token ("Requires authentication") or with a wrong one
 *     ("Bad credentials"); 404 for another repository or an unknown workflow;
 *     400 for a body that is not JSON; 422 when "ref" is missing, when the
 *     workflow has no workflow_dispatch trigger, or for inputs the workflow
 *     does not declare; else 204 with no body, and a queued run appears in
 *     the list.
 *   GET /repos/{owner}/{repo}/actions/runs?per_page=N
 *     {"total_count", "workflow_runs": [...]} newest first (per_page default
 *     30, at most 100).
 *
 *   GET /repos/{owner}/{repo}/releases/tags/{tag}
 *     the release of a tag, or 404 {"message": "Not Found"}.
 *   POST /repos/{owner}/{repo}/releases {"tag_name", "name", "body", ...}
 *     201 with the release; 422 "Validation Failed" with errors [{resource
 *     Release, code already_exists, field tag_name}] when the tag has one,
 *     code missing_field without tag_name; 400 for a body that is not JSON.
 *     A release's upload_url is the uploads host, which this fake serves
 *     under the path prefix /uploads (GitHub: https://uploads.github.com),
 *     as a URI template "...{?name,label}".
 *   DELETE /repos/{owner}/{repo}/releases/assets/{id}: 204, or 404.
 *   POST /uploads/repos/{owner}/{repo}/releases/{id}/assets?name=N[&label=L]
 *     the raw bytes as the body: 201 with the asset; 400 "Bad Content-Type
 *     header value" without a Content-Type; 422 "Validation Failed"
 *     (ReleaseAsset, missing_field name) without ?name=, (already_exists,
 *     name) when the release has an asset of that name; 404 for an unknown
 *     release.  Uploads are not served on the API paths (404 there).
 *   GET /__control/assets/{id}: the stored bytes of an asset (for tests).
 *
 * Workflows: --workflow FILE[:INPUT,INPUT...] declares one that accepts those
 * inputs (FILE: alone = no inputs), --workflow FILE:! one without a
 * workflow_dispatch trigger.  Without --workflow, the project's own five
 * are declared (ci.yml without a dispatch trigger).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tests/fake/core.h"
#include "lib/timeutil.h"

#define MAX_WORKFLOWS 16
#define MAX_INPUTS 10
#define MAX_RUNS 512
#define MAX_RELEASES 16
#define MAX_ASSETS 8

struct workflow {
	char file[128];
	int dispatchable;
	int ninputs;
	char inputs[MAX_INPUTS][64];
};

struct run {
	int64_t id;
	char name[128];
	char event[32];
	char status[32];
	char conclusion[32];
	int64_t created;
};

struct asset {
	int64_t id;
	char name[256];
	char label[256];
	char content_type[128];
	char *data;
	size_t size;
};

struct release {
	int64_t id;
	char tag[128];
	char name[256];
	char *body;
	struct asset assets[MAX_ASSETS];
	int nassets;
};

static struct {
	struct release releases[MAX_RELEASES];
	int nreleases;
	int64_t next_release_id, next_asset_id;
	const char *token;
	const char *repo;
	const char *upload_origin;      /* --upload-origin: a foreign uploads host */
	struct workflow wf[MAX_WORKFLOWS];
	int nwf;
	struct run runs[MAX_RUNS];
	int nruns;
	int64_t next_id;
} G;

static void reply_message(struct fake_response *resp, int status, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddStringToObject(o, "documentation_url",
				"https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event");
	char code[8];
	snprintf(code, sizeof(code), "%d", status);
	cJSON_AddStringToObject(o, "status", code);
	fake_reply_json(resp, status, o);
}

/* 0 when the request carries the right token; else answers 401. */
static int check_auth(const struct fake_request *req, struct fake_response *resp)
{
	const char *h = fake_header(req, "Authorization");
	const char *tok = NULL;

	if (!h) {
		reply_message(resp, 401, "Requires authentication");
		return -1;
	}
	if (!strncmp(h, "Bearer ", 7))
		tok = h + 7;
	else if (!strncmp(h, "token ", 6))
		tok = h + 6;
	if (!tok || strcmp(tok, G.token)) {
		reply_message(resp, 401, "Bad credentials");
		return -1;
	}
	return 0;
}

/* 0 when args[0]/args[1] name the served repository; else answers 404. */
static int check_repo(const struct fake_request *req, struct fake_response *resp)
{
	char full[256];
	snprintf(full, sizeof(full), "%s/%s", req->args[0], req->args[1]);
	if (strcmp(full, G.repo)) {
		reply_message(resp, 404, "Not Found");
		return -1;
	}
	return 0;
}

static struct workflow *find_workflow(const char *file)
{
	for (int i = 0; i < G.nwf; i++)
		if (!strcmp(G.wf[i].file, file))
			return &G.wf[i];
	return NULL;
}

static void add_run(const char *file, const char *event, const char *status,
		    const char *conclusion, int64_t created)
{
	if (G.nruns == MAX_RUNS) {
		memmove(&G.runs[0], &G.runs[1], sizeof(G.runs[0]) * (MAX_RUNS - 1));
		G.nruns--;
	}
	struct run *r = &G.runs[G.nruns++];
	memset(r, 0, sizeof(*r));
	r->id = G.next_id++;
	/* The run's name is the workflow's file name without .yml. */
	snprintf(r->name, sizeof(r->name), "%s", file);
	char *dot = strrchr(r->name, '.');
	if (dot)
		*dot = '\0';
	snprintf(r->event, sizeof(r->event), "%s", event);
	snprintf(r->status, sizeof(r->status), "%s", status);
	snprintf(r->conclusion, sizeof(r->conclusion), "%s", conclusion ? conclusion : "");
	r->created = created;
}

static void h_dispatch(struct fake_server *s, const struct fake_request *req,
		       struct fake_response *resp, void *app)
{
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	struct workflow *wf = find_workflow(req->args[2]);
	if (!wf) {
		reply_message(resp, 404, "Not Found");
		return;
	}
	cJSON *body = fake_body_json(req);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		reply_message(resp, 400, "Problems parsing JSON");
		return;
	}
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(body, "ref");
	const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(body, "inputs");
	if (!cJSON_IsString(ref) || !ref->valuestring[0]) {
		reply_message(resp, 422, "Invalid request.\n\n\"ref\" wasn't supplied.");
	} else if (!wf->dispatchable) {
		reply_message(resp, 422, "Workflow does not have 'workflow_dispatch' trigger");
	} else {
		struct buf unexpected = BUF_INIT;
		const cJSON *in;
		cJSON_ArrayForEach(in, inputs) {
			int known = 0;
			for (int i = 0; i < wf->ninputs; i++)
				known |= !strcmp(wf->inputs[i], in->string);
			if (!known)
				buf_printf(&unexpected, "%s\"%s\"", unexpected.len ? ", " : "", in->string);
		}
		if (unexpected.len) {
			struct buf msg = BUF_INIT;
			buf_printf(&msg, "Unexpected inputs provided: [%s]", unexpected.data);
			reply_message(resp, 422, msg.data);
			buf_release(&msg);
		} else {
			add_run(wf->file, "workflow_dispatch", "queued", NULL, fake_now(s));
			resp->status = 204;
			resp->content_type = "text/plain";
		}
		buf_release(&unexpected);
	}
	cJSON_Delete(body);
}

static void h_runs(struct fake_server *s, const struct fake_request *req,
		   struct fake_response *resp, void *app)
{
	(void)s;
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	const char *pp = fake_query(req, "per_page");
	int per_page = pp ? atoi(pp) : 30;
	if (per_page < 1)
		per_page = 30;
	if (per_page > 100)
		per_page = 100;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "total_count", G.nruns);
	cJSON *list = cJSON_AddArrayToObject(o, "workflow_runs");
	for (int i = G.nruns - 1; i >= 0 && G.nruns - 1 - i < per_page; i--) {
		const struct run *r = &G.runs[i];
		char when[32], url[320];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "id", (double)r->id);
		cJSON_AddStringToObject(j, "name", r->name);
		cJSON_AddStringToObject(j, "event", r->event);
		cJSON_AddStringToObject(j, "status", r->status);
		if (r->conclusion[0])
			cJSON_AddStringToObject(j, "conclusion", r->conclusion);
		else
			cJSON_AddNullToObject(j, "conclusion");
		time_format_rfc3339(r->created, when, sizeof(when));
		cJSON_AddStringToObject(j, "created_at", when);
		snprintf(url, sizeof(url), "https://github.com/%s/actions/runs/%lld", G.repo,
			 (long long)r->id);
		cJSON_AddStringToObject(j, "html_url", url);
		cJSON_AddItemToArray(list, j);
	}
	fake_reply_json(resp, 200, o);
}

/* "Validation Failed" with one entry in errors, as GitHub answers a 422. */
static void reply_invalid(struct fake_response *resp, const char *resource, const char *code,
			  const char *field)
{
	cJSON *o = cJSON_CreateObject(), *errs, *e;
	cJSON_AddStringToObject(o, "message", "Validation Failed");
	errs = cJSON_AddArrayToObject(o, "errors");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "resource", resource);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "field", field);
	cJSON_AddItemToArray(errs, e);
	cJSON_AddStringToObject(o, "documentation_url",
				"https://docs.github.com/rest/releases/releases");
	cJSON_AddStringToObject(o, "status", "422");
	fake_reply_json(resp, 422, o);
}

static cJSON *asset_json(const struct release *r, const struct asset *a)
{
	cJSON *j = cJSON_CreateObject();
	char url[768];
	cJSON_AddNumberToObject(j, "id", (double)a->id);
	cJSON_AddStringToObject(j, "name", a->name);
	if (a->label[0])
		cJSON_AddStringToObject(j, "label", a->label);
	else
		cJSON_AddNullToObject(j, "label");
	cJSON_AddStringToObject(j, "state", "uploaded");
	cJSON_AddStringToObject(j, "content_type", a->content_type);
	cJSON_AddNumberToObject(j, "size", (double)a->size);
	snprintf(url, sizeof(url), "https://github.com/%s/releases/download/%s/%s", G.repo, r->tag,
		 a->name);
	cJSON_AddStringToObject(j, "browser_download_url", url);
	return j;
}

static cJSON *release_json(const struct fake_request *req, const struct release *r)
{
	cJSON *j = cJSON_CreateObject(), *list;
	const char *host = fake_header(req, "Host");
	char url[768];

	cJSON_AddNumberToObject(j, "id", (double)r->id);
	cJSON_AddStringToObject(j, "tag_name", r->tag);
	cJSON_AddStringToObject(j, "name", r->name);
	cJSON_AddStringToObject(j, "body", r->body ? r->body : "");
	cJSON_AddBoolToObject(j, "draft", 0);
	cJSON_AddBoolToObject(j, "prerelease", 0);
	snprintf(url, sizeof(url), "https://github.com/%s/releases/tag/%s", G.repo, r->tag);
	cJSON_AddStringToObject(j, "html_url", url);
	/* The uploads host: this fake under /uploads. */
	if (G.upload_origin)
		snprintf(url, sizeof(url), "%s/uploads/repos/%s/releases/%lld/assets{?name,label}",
			 G.upload_origin, G.repo, (long long)r->id);
	else
		snprintf(url, sizeof(url), "http://%s/uploads/repos/%s/releases/%lld/assets{?name,label}",
			 host ? host : "127.0.0.1", G.repo, (long long)r->id);
	cJSON_AddStringToObject(j, "upload_url", url);
	list = cJSON_AddArrayToObject(j, "assets");
	for (int i = 0; i < r->nassets; i++)
		cJSON_AddItemToArray(list, asset_json(r, &r->assets[i]));
	return j;
}

static struct release *release_by_tag(const char *tag)
{
	for (int i = 0; i < G.nreleases; i++)
		if (!strcmp(G.releases[i].tag, tag))
			return &G.releases[i];
	return NULL;
}

static void h_release_by_tag(struct fake_server *s, const struct fake_request *req,
			     struct fake_response *resp, void *app)
{
	(void)s;
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	struct release *r = release_by_tag(req->args[2]);
	if (!r) {
		reply_message(resp, 404, "Not Found");
		return;
	}
	fake_reply_json(resp, 200, release_json(req, r));
}

static void h_release_create(struct fake_server *s, const struct fake_request *req,
			     struct fake_response *resp, void *app)
{
	(void)s;
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	cJSON *body = fake_body_json(req);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		reply_message(resp, 400, "Problems parsing JSON");
		return;
	}
	const cJSON *tag = cJSON_GetObjectItemCaseSensitive(body, "tag_name");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(body, "body");
	if (!cJSON_IsString(tag) || !tag->valuestring[0] || strlen(tag->valuestring) >= 128) {
		reply_invalid(resp, "Release", "missing_field", "tag_name");
	} else if (release_by_tag(tag->valuestring)) {
		reply_invalid(resp, "Release", "already_exists", "tag_name");
	} else if (G.nreleases == MAX_RELEASES) {
		reply_message(resp, 422, "fake-github: too many releases");
	} else {
		struct release *r = &G.releases[G.nreleases++];
		memset(r, 0, sizeof(*r));
		r->id = G.next_release_id++;
		snprintf(r->tag, sizeof(r->tag), "%s", tag->valuestring);
		snprintf(r->name, sizeof(r->name), "%s",
			 cJSON_IsString(name) ? name->valuestring : r->tag);
		r->body = cJSON_IsString(text) ? strdup(text->valuestring) : NULL;
		fake_reply_json(resp, 201, release_json(req, r));
	}
	cJSON_Delete(body);
}

static void h_asset_delete(struct fake_server *s, const struct fake_request *req,
			   struct fake_response *resp, void *app)
{
	int64_t id = strtoll(req->args[2], NULL, 10);
	(void)s;
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	for (int i = 0; i < G.nreleases; i++) {
		struct release *r = &G.releases[i];
		for (int k = 0; k < r->nassets; k++) {
			if (r->assets[k].id != id)
				continue;
			free(r->assets[k].data);
			memmove(&r->assets[k], &r->assets[k + 1],
				sizeof(r->assets[0]) * (size_t)(r->nassets - k - 1));
			r->nassets--;
			resp->status = 204;
			resp->content_type = "text/plain";
			return;
		}
	}
	reply_message(resp, 404, "Not Found");
}

static void h_upload(struct fake_server *s, const struct fake_request *req,
		     struct fake_response *resp, void *app)
{
	int64_t id = strtoll(req->args[2], NULL, 10);
	struct release *r = NULL;
	const char *name = fake_query(req, "name"), *label = fake_query(req, "label");
	const char *ctype = fake_header(req, "Content-Type");
	(void)s;
	(void)app;
	if (check_auth(req, resp) || check_repo(req, resp))
		return;
	for (int i = 0; i < G.nreleases; i++)
		if (G.releases[i].id == id)
			r = &G.releases[i];
	if (!r) {
		reply_message(resp, 404, "Not Found");
		return;
	}
	if (!ctype || !ctype[0]) {
		reply_message(resp, 400, "Bad Content-Type header value");
		return;
	}
	if (!name || !name[0] || strlen(name) >= sizeof(r->assets[0].name)) {
		reply_invalid(resp, "ReleaseAsset", "missing_field", "name");
		return;
	}
	for (int k = 0; k < r->nassets; k++)
		if (!strcmp(r->assets[k].name, name)) {
			reply_invalid(resp, "ReleaseAsset", "already_exists", "name");
			return;
		}
	if (r->nassets == MAX_ASSETS) {
		reply_message(resp, 422, "fake-github: too many assets");
		return;
	}
	struct asset *a = &r->assets[r->nassets++];
	memset(a, 0, sizeof(*a));
	a->id = G.next_asset_id++;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->label, sizeof(a->label), "%s", label ? label : "");
	snprintf(a->content_type, sizeof(a->content_type), "%s", ctype);
	a->size = req->body_len;
	a->data = malloc(a->size ? a->size : 1);
	if (!a->data)
		abort();
	memcpy(a->data, req->body, a->size);
	fake_reply_json(resp, 201, asset_json(r, a));
}

/* The stored bytes of an asset, so a test can compare them. */
static void h_asset_bytes(struct fake_server *s, const struct fake_request *req,
			  struct fake_response *resp, void *app)
{
	int64_t id = strtoll(req->args[0], NULL, 10);
	(void)s;
	(void)app;
	for (int i = 0; i < G.nreleases; i++)
		for (int k = 0; k < G.releases[i].nassets; k++) {
			const struct asset *a = &G.releases[i].assets[k];
			if (a->id != id)
				continue;
			resp->status = 200;
			resp->content_type = "application/octet-stream";
			buf_append(&resp->body, a->data, a->size);
			return;
		}
	fake_reply_text(resp, 404, "no such asset");
}

static int declare(const char *spec)
{
	struct workflow *wf;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	if (G.nwf == MAX_WORKFLOWS || n == 0 || n >= sizeof(wf->file))
		return -1;
	wf = &G.wf[G.nwf++];
	memset(wf, 0, sizeof(*wf));
	memcpy(wf->file, spec, n);
	wf->dispatchable = 1;
	if (!colon)
		return 0;
	if (!strcmp(colon + 1, "!")) {
		wf->dispatchable = 0;
		return 0;
	}
	const char *p = colon + 1;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (wf->ninputs == MAX_INPUTS || len == 0 || len >= sizeof(wf->inputs[0]))
			return -1;
		memcpy(wf->inputs[wf->ninputs], p, len);
		wf->inputs[wf->ninputs++][len] = '\0';
		p += len + (comma ? 1 : 0);
	}
	return 0;
}

static int option(void *data, int argc, char **argv, int *i)
{
	const char *name = argv[*i];
	(void)data;
	if (*i + 1 >= argc)
		return 0;
	if (!strcmp(name, "--token")) {
		G.token = argv[++*i];
	} else if (!strcmp(name, "--repo")) {
		G.repo = argv[++*i];
	} else if (!strcmp(name, "--upload-origin")) {
		G.upload_origin = argv[++*i];
	} else if (!strcmp(name, "--workflow")) {
		if (declare(argv[++*i]) < 0) {
			fprintf(stderr, "fake-github: bad --workflow '%s'\n", argv[*i]);
			return -1;
		}
	} else {
		return 0;
	}
	return 1;
}

static int setup(struct fake_server *s, void *data)
{
	(void)data;
	if (G.nwf == 0) {
		declare("sync-toggl.yml:days");
		declare("sync-gcal.yml:full");
		declare("transform.yml:");
		declare("report-monthly.yml:month");
		declare("ci.yml:!");
	}
	/* Two finished scheduled runs, so a listing is never empty. */
	int64_t now = fake_now(s);
	add_run(G.wf[0].file, "schedule", "completed", "success", now - INT64_C(86400000000));
	add_run(G.wf[G.nwf > 1 ? 1 : 0].file, "schedule", "completed", "failure",
		now - INT64_C(86100000000));
	return 0;
}

static const struct fake_route routes[] = {
	{ "POST", "/repos/*/*/actions/workflows/*/dispatches", h_dispatch },
	{ "GET", "/repos/*/*/actions/runs", h_runs },
	{ "GET", "/repos/*/*/releases/tags/*", h_release_by_tag },
	{ "POST", "/repos/*/*/releases", h_release_create },
	{ "DELETE", "/repos/*/*/releases/assets/*", h_asset_delete },
	{ "POST", "/uploads/repos/*/*/releases/*/assets", h_upload },
	{ "GET", "/__control/assets/*", h_asset_bytes },
	{ NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	struct fake_app app = {
		.name = "github",
		.routes = routes,
		.data = &G,
		.option = option,
		.setup = setup,
		.usage =
		"  --token T                 the token that is accepted (default fake-github-token)\n"
		"  --repo OWNER/REPO         the repository served (default octo/dwhbi)\n"
		"  --upload-origin URL       put releases' upload_url on another origin\n"
		"                            (tests: the client must not follow it)\n"
		"  --workflow FILE[:IN,...]  a workflow and its inputs; FILE:! has no\n"
		"                            workflow_dispatch trigger (repeatable)\n",
	};
	G.token = "fake-github-token";
	G.repo = "octo/dwhbi";
	G.next_id = INT64_C(9100000001);
	G.next_release_id = INT64_C(181000001);
	G.next_asset_id = INT64_C(241000001);
	return fake_main(&app, argc, argv);
}
