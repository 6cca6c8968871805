/*
 * dispatch: "sync now" through GitHub's workflow_dispatch API.  The console
 * owns no GitHub client; this file is the one place that calls the
 * connector (connectors/github.h).  The workflow runs on the default branch
 * (main) with its own default inputs, like a scheduled run.
 */
#include <stdio.h>

#include "lib/config.h"
#include "connectors/github.h"
#include "console/jobs.h"

int jobs_dispatch_configured(const struct config *cfg)
{
	return cfg->github_token && *cfg->github_token &&
	       cfg->github_repository && *cfg->github_repository;
}

int jobs_dispatch(const struct config *cfg, const char *workflow,
		  int *http_status, char *err, size_t errlen)
{
	struct github_client gh;
	long status = 0;
	int rc;

	*http_status = 0;
	if (github_init(&gh, cfg, err, errlen) < 0)
		return -1;
	rc = github_dispatch(&gh, workflow, "main", NULL, NULL, 0, &status, err, errlen);
	github_release(&gh);
	*http_status = (int)status;
	return rc < 0 ? -1 : 0;
}
