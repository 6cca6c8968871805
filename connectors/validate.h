/*
 * validate: checks one upstream item (a Toggl time entry, a Reports row, a
 * Google event) against what the transform needs, on the item's raw bytes,
 * before it may reach raw.*.  A failing item is quarantined by the connector
 * (connectors/quarantine.h) instead of failing the page.
 *
 * The checks work on the JSON text as the API sent it, not on a parsed tree:
 * cJSON keeps numbers as doubles (3600.0 and 3600 look alike, 64-bit ids
 * round) and cuts strings at an escaped NUL, while PostgreSQL's jsonb refuses
 * \u0000, lone surrogates and invalid UTF-8, and `::bigint` refuses "3600.0".
 *
 * What every item must satisfy (docs/contracts.md, "Quarantine"):
 *   - the whole item is well-formed JSON whose strings are valid UTF-8, with
 *     no \u0000 and no unpaired surrogate escape;
 *   - ids are integer literals (or strings of digits) in 1 .. 2^63-1;
 *   - durations are integer literals; a stopped entry lasts 0 ..
 *     VALIDATE_MAX_DURATION seconds;
 *   - timestamps are RFC 3339 (dates YYYY-MM-DD) with valid fields, within
 *     [VALIDATE_MIN_DATE, now + VALIDATE_FUTURE_DAYS days]; a stop or end is
 *     not before its start;
 *   - lists hold the right type (tag_ids integers, tags strings).
 */
#ifndef DWHBI_VALIDATE_H
#define DWHBI_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* The sane window for every timestamp: nothing before this day (UTC) ... */
#define VALIDATE_MIN_DATE "1990-01-01"
/* ... and nothing later than this many days after the local clock. */
#define VALIDATE_FUTURE_DAYS 1830
/* The longest stopped time entry accepted: 31 days. */
#define VALIDATE_MAX_DURATION (31 * 86400)
/* How deep JSON may nest inside one item. */
#define VALIDATE_MAX_DEPTH 64

/* A piece of JSON text (not NUL-terminated). */
struct jv_span {
	const char *p;
	size_t n;
};

struct validate_window {
	int64_t min_usec, max_usec;
};

/* Why an item failed, and its id when it could be read ("" if not). */
struct validate_result {
	char id[256];
	char reason[160];
};

/* The window for a sync that runs at now_usec. */
void validate_window_at(int64_t now_usec, struct validate_window *w);

/* Splits a JSON array into the spans of its elements (malloc'd array in
 * *items, freed by the caller; *n elements).  Returns 0, or -1 when text is
 * not one JSON array.  Text problems inside strings (bad UTF-8, \u0000) do
 * not stop the split, so one bad item does not hide the others; check each
 * item with jv_check_text or a validate_* function. */
int jv_array_items(struct jv_span text, struct jv_span **items, size_t *n);
/* Finds member key of a JSON object (the last one when repeated, as in
 * jsonb): 1 with its value in *val, 0 when absent, -1 when obj is not an
 * object.  Reads past text problems like jv_array_items. */
int jv_member(struct jv_span obj, const char *key, struct jv_span *val);
/* 0 when span is one well-formed JSON value that jsonb accepts (UTF-8, no
 * \u0000, surrogates paired), else -1 with a reason. */
int jv_check_text(struct jv_span span, char *why, size_t whylen);

/* A v9 time entry (also the shape raw.toggl_track__time_entries holds). */
int validate_toggl_entry(struct jv_span item, const struct validate_window *w,
			 struct validate_result *r);
/* The row-level fields of a Reports v3 search row (user, project, task,
 * description, tag_ids, time_entries being a list); r->id stays "". */
int validate_toggl_report_row(struct jv_span row, const struct validate_window *w,
			      struct validate_result *r);
/* One element of a Reports row's time_entries (id, seconds, start, stop,
 * at). */
int validate_toggl_report_entry(struct jv_span te, const struct validate_window *w,
				struct validate_result *r);
/* A Google Calendar event (events.list item); a cancelled item needs only
 * its id. */
int validate_gcal_event(struct jv_span item, const struct validate_window *w,
			struct validate_result *r);

#endif
