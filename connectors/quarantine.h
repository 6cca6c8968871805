/*
 * quarantine: what a connector does with an item that fails its checks
 * (connectors/validate.h).  The connector screens each API page before it
 * touches the database: the good items make a clean page that is merged as
 * before, the bad ones are collected here and, in the same transaction as
 * the page and its cursor, stored in ops.quarantine (sql/0101) with the
 * reason and the redacted, truncated bytes; open quarantine rows of the ids
 * that did land are resolved.  After the commit each bad item is reported
 * as one warning line naming its id.  Never fails a page for a bad item.
 */
#ifndef DWHBI_QUARANTINE_H
#define DWHBI_QUARANTINE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "lib/buf.h"

struct cJSON;
#include "connectors/validate.h"

/* The stored bytes of one item are cut at this size. */
#define QUARANTINE_MAX_RAW (64 * 1024)

struct quarantine_item {
	char *id;               /* the raw source_id, or NULL when unreadable */
	char *reason;
	char *raw;              /* redacted, at most QUARANTINE_MAX_RAW bytes */
	size_t raw_len;
	size_t raw_bytes;       /* length as received */
	int dismissed;          /* stored: its row stays dismissed (sql/0160) */
};

struct quarantine {
	const char *source;     /* 'toggl_track', 'google_calendar' */
	const char *entity;     /* 'time_entries', 'events' */
	struct quarantine_item *items;
	size_t n, cap;
	struct buf landed;      /* ids that pass, as a text[] literal body */
	size_t nlanded;
	struct validate_window window;
};

void quarantine_init(struct quarantine *q, const char *source, const char *entity);
void quarantine_release(struct quarantine *q);
/* Adds a failing item (id may be NULL or ""). */
void quarantine_add(struct quarantine *q, const char *id, const char *reason,
		    struct jv_span raw);
/* Notes the raw source_id of an item that passed (resolves its quarantine
 * row when stored). */
void quarantine_landed(struct quarantine *q, const char *id);

/* Screens a v9 time-entries page (a JSON array): *clean gets the array of
 * the good items, their bytes unchanged. */
void quarantine_screen_toggl_v9(struct quarantine *q, const struct buf *body,
				struct buf *clean);
/* Screens a Reports v3 search page: rows with a bad row-level field are
 * dropped whole (each of their entries quarantined), bad entries are cut
 * out of their rows. */
void quarantine_screen_toggl_reports(struct quarantine *q, const struct buf *body,
				     struct buf *clean);

/* Screens one Google event: span is its bytes as sent (NULL when the page
 * could not be split, then the parsed item is checked as printed).
 * Returns 1 when it passes (noted as landed), 0 when quarantined under
 * source_id ('<calendarId>:<eventId>'). */
int quarantine_screen_gcal_event(struct quarantine *q, const struct jv_span *span,
				 const struct cJSON *item, const char *source_id);

/* Master listings (Toggl projects, clients, tags, workspaces): initialises
 * q for source and the entity named by table ("raw.toggl_track__projects"
 * -> "projects"; other tables are not screened) and rewrites each body in
 * place to the array of its good items (bytes unchanged).  The caller
 * stores q in the listing's transaction, counts q.n as listed for its
 * reconcile, warns and releases q. */
void quarantine_screen_listing(struct quarantine *q, const char *source,
			       const char *table, struct buf *const *bodies, int n);
/* One Google calendar list entry (q->entity "calendar_list") or color
 * ("colors"), like quarantine_screen_gcal_event. */
int quarantine_screen_gcal_master(struct quarantine *q, const struct jv_span *span,
				  const struct cJSON *item, const char *source_id);

/* In the caller's transaction: stores the bad items and resolves the
 * landed ids.  Returns 0 or -1 with err. */
int quarantine_store(PGconn *db, struct quarantine *q, char *err, size_t errlen);
/* The ids of the bad items, as a text[] literal ("{...}"), for a reconcile
 * that must treat them as listed. */
void quarantine_ids_literal(const struct quarantine *q, struct buf *out);
/* One warning line per bad item: "<what>: quarantined <entity> <id>: <reason>". */
void quarantine_warn(const struct quarantine *q, const char *what);

#endif
