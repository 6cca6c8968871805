/*
 * gcal: the Google Calendar connector.  gcal_sync() makes
 * raw.google_calendar__calendar_list, __colors and __events an exact mirror
 * of the person's calendars (the plan), deletions included.
 *
 * Events are synced per calendar (GCAL_CALENDAR_IDS, then
 * GCAL_HOLIDAY_CALENDAR_ID), each with its own cursor in ops.sync_state under
 * `google_calendar.events:<calendarId>` (`primary` resolved to the real id
 * through the calendar list, so source ids stay stable).  A calendar without
 * a cursor gets a full sync (singleEvents, showDeleted, every page); one
 * with a cursor an incremental sync with its syncToken.  Every page is
 * merged in its own transaction; the new syncToken is stored in the
 * transaction of the last page, so a cursor never points past rows that are
 * not committed, and a killed run simply starts that calendar's sync again.
 * A full sync reconciles: rows of that calendar it did not return are marked
 * deleted (that is how deletions lost behind a 410 are caught).  Cancelled
 * events set deleted_at and keep the last full payload; nothing is ever
 * hard-deleted.  A failure in one calendar leaves the others' rows and
 * cursors right.
 */
#ifndef DWHBI_GCAL_H
#define DWHBI_GCAL_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct cJSON;

struct gcal_options {
	int full;               /* --full: ignore stored sync tokens */
	int has_since;          /* --since DATE: full sync of events ending
	                           after local midnight of since_day */
	int32_t since_day;
};

struct gcal_counts {
	int64_t read;           /* items received from the API */
	int64_t written;        /* raw rows inserted or changed */
	int64_t deleted;        /* raw rows newly marked deleted */
	int64_t quarantined;    /* items kept out of raw (ops.quarantine) */
	int calendars_ok;
	int calendars_failed;
};

/* Syncs the calendar list, the colors and the events of every configured
 * calendar.  Adds to *counts and, when detail is a JSON object, adds
 * "calendars" (one object per calendar: id, mode, pages, read, written,
 * deleted, status, error) and "token_refreshes".  Returns 0 when everything
 * synced; -1 when anything failed (each failure is logged with log_error;
 * err holds a one-line summary).  A revoked refresh token stops the run
 * before anything is written, with OAUTH_REVOKED_MESSAGE in err. */
int gcal_sync(PGconn *db, const struct config *cfg,
	      const struct gcal_options *opt, struct gcal_counts *counts,
	      struct cJSON *detail, char *err, size_t errlen);

/* Checks the shape of one list page (events.list with need_end set,
 * calendarList without) before anything of it is stored: an object whose
 * `items` is a list and, with need_end, that carries either a
 * nextPageToken or a nextSyncToken.  A page that fails is an error that
 * changes nothing (a full listing that is not a list would otherwise
 * reconcile as "everything deleted").  Returns 0, or -1 with a message
 * naming what (e.g. "events.list") in err. */
int gcal_check_page(const struct cJSON *page, const char *what, int need_end,
		    char *err, size_t errlen);

#endif
