/*
 * html: building HTML text safely.  Every value that comes from the database,
 * a request or the environment goes through html_escape() (or one of the
 * formatters below, which escape what they print); literal markup is the
 * only thing appended raw.  The formatters turn the JSON values of data.h
 * into what a person reads: local times in the configured zone, ages,
 * durations and minutes.
 */
#ifndef DWHBI_CONSOLE_HTML_H
#define DWHBI_CONSOLE_HTML_H

#include <stdint.h>

#include "lib/buf.h"

struct cJSON;

/* Appends s with & < > " ' escaped; NULL appends nothing. */
void html_escape(struct buf *b, const char *s);
/* Appends s percent-encoded for a URL query value. */
void html_urlencode(struct buf *b, const char *s);
/* Appends the string value of item (escaped), a number as text, "yes"/"no"
 * for a boolean, or dash for null/missing. */
void html_value(struct buf *b, const struct cJSON *item, const char *dash);

/* An RFC 3339 UTC instant shown as "YYYY-MM-DD HH:MM" in zone, or dash when
 * it does not parse. */
void html_local_time(struct buf *b, const char *iso, const char *zone);
/* "3 min ago", "2 h ago", "4 d ago" relative to now_usec. */
void html_age(struct buf *b, const char *iso, int64_t now_usec);
/* "0.4 s", "42 s", "3 min 5 s", "1 h 02 min". */
void html_duration(struct buf *b, double seconds);
/* "7 h 30 min", "45 min". */
void html_minutes(struct buf *b, double minutes);

#endif
