/*
 * config: the environment variables (README.md, "Configuration"), read and validated once.
 *
 * config_load() reads the environment into a struct config (pointers into the
 * environment, not copies), validates formats (time zone exists, ids are
 * numbers, URLs start with http:// or https://, GITHUB_REPOSITORY is
 * owner/repo) and registers every secret with log_add_secret().  It fails
 * with -1 and a one-line reason in err naming the variable.
 * config_require() checks that a variable needed by a command is set.
 */
#ifndef DWHBI_CONFIG_H
#define DWHBI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config {
	const char *database_url;       /* DATABASE_URL, NULL = libpq PG* vars */
	const char *timezone;           /* DWHBI_TIMEZONE, default "UTC" */
	const char *toggl_api_token;    /* TOGGL_API_TOKEN (secret) */
	int64_t toggl_workspace_id;     /* TOGGL_WORKSPACE_ID, 0 = default ws */
	const char *toggl_api_base;     /* TOGGL_API_BASE, default https://api.track.toggl.com
	                                   (v9 under /api/v9, Reports under /reports/api/v3) */
	const char *google_client_id;   /* GOOGLE_CLIENT_ID */
	const char *google_client_secret; /* GOOGLE_CLIENT_SECRET (secret) */
	const char *google_refresh_token; /* GOOGLE_REFRESH_TOKEN (secret) */
	const char *gcal_calendar_ids;  /* GCAL_CALENDAR_IDS, comma list, default "primary" */
	const char *gcal_holiday_calendar_id; /* GCAL_HOLIDAY_CALENDAR_ID, optional */
	const char *google_api_base;    /* GOOGLE_API_BASE, default https://www.googleapis.com/calendar/v3 */
	const char *google_oauth_url;   /* GOOGLE_OAUTH_URL, default https://oauth2.googleapis.com/token */
	const char *google_auth_url;    /* GOOGLE_AUTH_URL, default https://accounts.google.com/o/oauth2/v2/auth
	                                   (the consent page of `dwhbi auth google`) */
	const char *github_token;       /* GITHUB_TOKEN (secret) */
	const char *github_repository;  /* GITHUB_REPOSITORY, owner/repo */
	const char *github_api_base;    /* GITHUB_API_BASE, default https://api.github.com */
	const char *console_token;      /* DWHBI_CONSOLE_TOKEN (secret) */
	int http_wait_budget;           /* DWHBI_HTTP_WAIT_BUDGET seconds, default 300 */
	int http_timeout;               /* DWHBI_HTTP_TIMEOUT seconds per request, default 60 */
};

int config_load(struct config *cfg, char *err, size_t errlen);
/* name is the environment variable name, e.g. "TOGGL_API_TOKEN". */
int config_require(const struct config *cfg, const char *name, char *err, size_t errlen);

#endif
