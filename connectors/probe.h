/*
 * probe: one cheap, read-only request per service, to tell a person whether
 * their credentials work before the first night runs (`dwhbi doctor`).
 * Each returns 0 with a one-line description in info, or -1 with the
 * reason in err (secrets never appear in either).
 */
#ifndef DWHBI_PROBE_H
#define DWHBI_PROBE_H

#include <stddef.h>

struct buf;
struct config;

/* GET /api/v9/me (and /me/workspaces when TOGGL_WORKSPACE_ID is set: the
 * workspace must be one of the token's). */
int probe_toggl(const struct config *cfg, char *info, size_t infolen, char *err,
		size_t errlen);

/* Refreshes the access token, lists the calendars the account sees (one
 * "id  summary" line each into calendars), and checks that every calendar
 * of GCAL_CALENDAR_IDS and the holiday calendar can be read; the first one
 * that cannot is the error. */
int probe_google(const struct config *cfg, struct buf *calendars, char *info, size_t infolen,
		 char *err, size_t errlen);

/* Lists the repository's workflow runs (needs actions: read). */
int probe_github(const struct config *cfg, char *info, size_t infolen, char *err,
		 size_t errlen);

#endif
