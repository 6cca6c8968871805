/*
 * config: reads and validates the environment variables of the README's Configuration table.
 */
#include "lib/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timeutil.h"

static const char *env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return (v && *v) ? v : def;
}

static int check_url(const char *name, const char *v, char *err, size_t errlen)
{
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
		snprintf(err, errlen, "%s must start with http:// or https:// (got '%s')", name, v);
		return -1;
	}
	return 0;
}

static int parse_int(const char *name, const char *v, long long min, long long max,
		     long long *out, char *err, size_t errlen)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		snprintf(err, errlen, "%s must be a whole number between %lld and %lld (got '%s')",
			 name, min, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

int config_load(struct config *cfg, char *err, size_t errlen)
{
	const char *v;
	long long n;

	memset(cfg, 0, sizeof(*cfg));
	cfg->database_url = env("DATABASE_URL", NULL);
	cfg->timezone = env("DWHBI_TIMEZONE", "UTC");
	cfg->toggl_api_token = env("TOGGL_API_TOKEN", NULL);
	cfg->toggl_api_base = env("TOGGL_API_BASE", "https://api.track.toggl.com");
	cfg->google_client_id = env("GOOGLE_CLIENT_ID", NULL);
	cfg->google_client_secret = env("GOOGLE_CLIENT_SECRET", NULL);
	cfg->google_refresh_token = env("GOOGLE_REFRESH_TOKEN", NULL);
	cfg->gcal_calendar_ids = env("GCAL_CALENDAR_IDS", "primary");
	cfg->gcal_holiday_calendar_id = env("GCAL_HOLIDAY_CALENDAR_ID", NULL);
	cfg->google_api_base = env("GOOGLE_API_BASE", "https://www.googleapis.com/calendar/v3");
	cfg->google_oauth_url = env("GOOGLE_OAUTH_URL", "https://oauth2.googleapis.com/token");
	cfg->google_auth_url = env("GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth");
	cfg->github_token = env("GITHUB_TOKEN", NULL);
	cfg->github_repository = env("GITHUB_REPOSITORY", NULL);
	cfg->github_api_base = env("GITHUB_API_BASE", "https://api.github.com");
	cfg->console_token = env("DWHBI_CONSOLE_TOKEN", NULL);
	cfg->http_wait_budget = 300;
	cfg->http_timeout = 60;

	/* Secrets first, so that nothing below can print them. */
	log_add_secret(cfg->toggl_api_token);
	log_add_secret(cfg->google_client_secret);
	log_add_secret(cfg->google_refresh_token);
	log_add_secret(cfg->github_token);
	log_add_secret(cfg->console_token);
	log_add_secret(getenv("PGPASSWORD"));
	/* Toggl's HTTP Basic pair, raw and base64, as a server might echo it. */
	if (cfg->toggl_api_token && *cfg->toggl_api_token)
		log_add_basic_secret(cfg->toggl_api_token, "api_token");

	if (tz_valid(cfg->timezone)) {
		snprintf(err, errlen, "DWHBI_TIMEZONE '%s' is not a known IANA time zone (e.g. Asia/Tokyo)",
			 cfg->timezone);
		return -1;
	}
	v = env("TOGGL_WORKSPACE_ID", NULL);
	if (v) {
		if (parse_int("TOGGL_WORKSPACE_ID", v, 1, INT64_MAX, &n, err, errlen))
			return -1;
		cfg->toggl_workspace_id = n;
	}
	v = env("DWHBI_HTTP_WAIT_BUDGET", NULL);
	if (v) {
		if (parse_int("DWHBI_HTTP_WAIT_BUDGET", v, 0, 86400, &n, err, errlen))
			return -1;
		cfg->http_wait_budget = (int)n;
	}
	v = env("DWHBI_HTTP_TIMEOUT", NULL);
	if (v) {
		if (parse_int("DWHBI_HTTP_TIMEOUT", v, 1, 3600, &n, err, errlen))
			return -1;
		cfg->http_timeout = (int)n;
	}
	if (check_url("TOGGL_API_BASE", cfg->toggl_api_base, err, errlen) ||
	    check_url("GOOGLE_API_BASE", cfg->google_api_base, err, errlen) ||
	    check_url("GOOGLE_OAUTH_URL", cfg->google_oauth_url, err, errlen) ||
	    check_url("GOOGLE_AUTH_URL", cfg->google_auth_url, err, errlen) ||
	    check_url("GITHUB_API_BASE", cfg->github_api_base, err, errlen))
		return -1;
	if (cfg->github_repository) {
		const char *slash = strchr(cfg->github_repository, '/');
		if (!slash || slash == cfg->github_repository || !slash[1] || strchr(slash + 1, '/')) {
			snprintf(err, errlen, "GITHUB_REPOSITORY must be owner/repo (got '%s')",
				 cfg->github_repository);
			return -1;
		}
	}
	if (!*cfg->gcal_calendar_ids || cfg->gcal_calendar_ids[0] == ',') {
		snprintf(err, errlen, "GCAL_CALENDAR_IDS must be a comma-separated list of calendar ids");
		return -1;
	}
	return 0;
}

int config_require(const struct config *cfg, const char *name, char *err, size_t errlen)
{
	const char *v = NULL;

	if (!strcmp(name, "TOGGL_API_TOKEN"))
		v = cfg->toggl_api_token;
	else if (!strcmp(name, "GOOGLE_CLIENT_ID"))
		v = cfg->google_client_id;
	else if (!strcmp(name, "GOOGLE_CLIENT_SECRET"))
		v = cfg->google_client_secret;
	else if (!strcmp(name, "GOOGLE_REFRESH_TOKEN"))
		v = cfg->google_refresh_token;
	else if (!strcmp(name, "GITHUB_TOKEN"))
		v = cfg->github_token;
	else if (!strcmp(name, "GITHUB_REPOSITORY"))
		v = cfg->github_repository;
	else if (!strcmp(name, "DWHBI_CONSOLE_TOKEN"))
		v = cfg->console_token;
	else if (!strcmp(name, "DATABASE_URL"))
		v = cfg->database_url;
	else if (!strcmp(name, "GCAL_HOLIDAY_CALENDAR_ID"))
		v = cfg->gcal_holiday_calendar_id;
	else
		v = getenv(name);
	if (!v || !*v) {
		snprintf(err, errlen, "%s is not set: export it (see README, Configuration)", name);
		return -1;
	}
	return 0;
}
