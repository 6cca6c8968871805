/*
 * dispatch: "sync now" through GitHub's workflow_dispatch API.  The console
 * owns no GitHub client; this file is the one place that calls the
 * connector's (connectors/github.h), so the console keeps working whichever
 * way that interface grows.
 */
#include <stdio.h>

#include "config.h"
#include "jobs.h"

int jobs_dispatch_configured(const struct config *cfg)
{
	return cfg->github_token && *cfg->github_token &&
	       cfg->github_repository && *cfg->github_repository;
}

int jobs_dispatch(const struct config *cfg, const char *workflow,
		  int *http_status, char *err, size_t errlen)
{
	(void)cfg;
	*http_status = 0;
	snprintf(err, errlen, "cannot dispatch '%s': this build has no GitHub client yet",
		 workflow);
	return -1;
}
