/*
 * github: the GitHub REST calls dwhbi makes (docs/upstream-apis.md,
 * "GitHub Actions" and "GitHub Releases"): start a workflow by
 * workflow_dispatch and list the repository's recent workflow runs (`dwhbi
 * dispatch`, the console's "sync now"), and publish a file as a release
 * asset (`dwhbi run monthly --release`).
 *
 * Every request carries `Authorization: Bearer <GITHUB_TOKEN>`, `Accept:
 * application/vnd.github+json` and `X-GitHub-Api-Version: 2022-11-28`, goes
 * to cfg->github_api_base (GITHUB_API_BASE, for tests) and uses the shared
 * retry policy of connectors/http.h (5xx and transport errors are retried;
 * 4xx answers are not).  Functions return 0 on success, or -1 with a one-line
 * reason in err that quotes GitHub's own `message` and never the token;
 * *status (may be NULL) receives the final HTTP status, 0 when none came.
 */
#ifndef DWHBI_GITHUB_H
#define DWHBI_GITHUB_H

#include <stddef.h>
#include <stdint.h>

#include "connectors/http.h"

struct config;

struct github_client {
	struct http_client http;
	const char *api_base;       /* no trailing slash needed */
	const char *token;
	const char *repository;     /* owner/repo */
};

/* Needs GITHUB_TOKEN and GITHUB_REPOSITORY in cfg: without them it fails
 * with a message naming the variable (a configuration error: exit 2). */
int github_init(struct github_client *gh, const struct config *cfg,
		char *err, size_t errlen);
void github_release(struct github_client *gh);

/* The workflow file for a name: "sync-toggl" -> "sync-toggl.yml"; names that
 * already end in .yml/.yaml and numeric workflow ids are kept. */
void github_workflow_file(const char *name, char *out, size_t outlen);

/* POST /repos/{repo}/actions/workflows/{workflow}/dispatches with
 * {"ref": ref, "inputs": {names[i]: values[i], ...}}.  Success is 204. */
int github_dispatch(struct github_client *gh, const char *workflow, const char *ref,
		    const char *const *names, const char *const *values, int ninputs,
		    long *status, char *err, size_t errlen);

struct github_run {
	int64_t id;
	char name[128];
	char event[32];
	char status[32];            /* queued | in_progress | completed | ... */
	char conclusion[32];        /* "" while not completed */
	char created_at[32];
	char html_url[256];
};

/* GET /repos/{repo}/actions/runs?per_page=N (1..100), newest first.  *runs
 * is the caller's to free(). */
int github_list_runs(struct github_client *gh, int per_page, struct github_run **runs,
		     size_t *nruns, long *status, char *err, size_t errlen);

/* What github_publish_asset did. */
struct github_published {
	int64_t release_id;
	int created_release;        /* 1: the release for the tag was made now */
	int replaced;               /* 1: an asset of that name was deleted first */
	char release_url[512];      /* the release's html_url */
	char download_url[512];     /* the asset's browser_download_url */
};

/* Publishes a file as an asset of the release of tag (docs/upstream-apis.md,
 * "GitHub Releases"): GET /repos/{repo}/releases/tags/{tag}; on 404 POST
 * /repos/{repo}/releases {"tag_name", "name", "body"} (a 422 "already
 * exists" there, i.e. made meanwhile, reads it again); an asset of the same
 * name is deleted first (DELETE /repos/{repo}/releases/assets/{id}), so a
 * rerun replaces it; then the bytes go as the request body to the release's
 * upload_url (the uploads host) with ?name= and Content-Type.  The
 * upload_url must be on https://uploads.github.com for api.github.com, or
 * on GITHUB_API_BASE's own scheme, host and port (GitHub Enterprise, tests);
 * anything else is refused before the token is sent. */
int github_publish_asset(struct github_client *gh, const char *tag, const char *release_name,
			 const char *release_body, const char *asset_name,
			 const char *content_type, const char *data, size_t len,
			 struct github_published *out, long *status, char *err, size_t errlen);

#endif
