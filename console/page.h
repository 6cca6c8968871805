/*
 * page: what the console's HTML pages (page_*.c) share — the page frame
 * (head, navigation, flash message, footer), the error page, and small
 * widgets: times, badges, counts, action buttons and the one login link.
 * Markup is appended literally (P); every value goes through html.c's
 * escaping (E, or a widget that escapes what it prints).
 */
#ifndef DWHBI_CONSOLE_PAGE_H
#define DWHBI_CONSOLE_PAGE_H

#include <cjson/cJSON.h>
#include <math.h>

#include "console/html.h"
#include "lib/buf.h"

struct console;
struct request;
struct response;
struct action_result;

#define P(b, s) buf_puts((b), (s))
#define E(b, s) html_escape((b), (s))

/* Members of data.c's JSON: a string (NULL when not a string), a number
 * (NaN when not a number), any item. */
static inline const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static inline const cJSON *item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The page up to <main> (active names the navigation entry) and from
 * </main>; page_begin also shows and clears the session's flash. */
void page_begin(struct console *c, struct request *rq, struct buf *b,
		const char *title, const char *active);
void page_end(struct console *c, struct buf *b);
/* A whole error page with status (msg is redacted). */
void page_error(struct console *c, struct request *rq, struct response *rs,
		unsigned status, const char *title, const char *msg);

/* The "notes" array of a data.c object, one paragraph each. */
void page_notes(struct buf *b, const cJSON *data);
/* The hidden csrf field of the session (nothing without one). */
void page_csrf_field(struct request *rq, struct buf *b);
/* A POST button; nothing when there is no session to post with (the page
 * shows one login link instead, page_login_hint). */
void page_action_button(struct request *rq, struct buf *b, const char *action,
			const char *label, const char *cls, const char *testid);
/* A GET link styled as a button (the first step of an action that asks
 * for confirmation); nothing when logged out. */
void page_link_button(struct request *rq, struct buf *b, const char *href,
		      const char *label, const char *cls, const char *testid);
/* The one login link of a section whose actions need a session. */
void page_login_hint(struct request *rq, struct buf *b, const char *next,
		     const char *what);
/* An instant in the console's zone and its age; "never" for NULL. */
void page_when(struct console *c, struct buf *b, const char *iso);
/* A coloured word; the class is the word with spaces as dashes, so
 * "not met" never picks up the style of "met". */
void page_badge(struct buf *b, const char *word);
/* A small square in a "#rrggbb" colour (nothing for anything else). */
void page_swatch(struct buf *b, const char *color);
/* A number member as an integer, or a muted dash. */
void page_count(struct buf *b, const cJSON *o, const char *key);
/* p (0..1) as "42%", or a muted dash for NaN. */
void page_percent(struct buf *b, double p);
/* The outcome of an action as the session's flash message. */
void page_flash_result(struct request *rq, const struct action_result *r);

#endif
