/*
 * github: the two GitHub REST calls dwhbi makes (docs/upstream-apis.md,
 * "GitHub Actions"): start a workflow by workflow_dispatch
 * and list the repository's recent workflow runs.  Used by `dwhbi dispatch`
 * and by the console's "sync now".
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

#endif
