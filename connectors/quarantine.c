/*
 * quarantine: screening of API pages and the ops.quarantine writes (see
 * quarantine.h and sql/0101_quarantine.sql).
 */
#include "connectors/quarantine.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/db.h"
#include "lib/log.h"
#include "lib/timeutil.h"

static char *xstrdup_or_null(const char *s)
{
	char *d;
	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

void quarantine_init(struct quarantine *q, const char *source, const char *entity)
{
	memset(q, 0, sizeof(*q));
	q->source = source;
	q->entity = entity;
	buf_init(&q->landed);
	validate_window_at(time_now_usec(), &q->window);
}

void quarantine_release(struct quarantine *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->items[i].id);
		free(q->items[i].reason);
		free(q->items[i].raw);
	}
	free(q->items);
	buf_release(&q->landed);
	q->items = NULL;
	q->n = q->cap = 0;
}

void quarantine_add(struct quarantine *q, const char *id, const char *reason,
		    struct jv_span raw)
{
	struct quarantine_item *it;
	char *text, *red;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->items = realloc(q->items, q->cap * sizeof(*q->items));
		if (!q->items)
			abort();
	}
	it = &q->items[q->n++];
	it->id = xstrdup_or_null(id);
	it->dismissed = 0;
	it->reason = log_redact(reason && *reason ? reason : "failed the checks");
	it->raw_bytes = raw.n;
	/* Redaction works on C strings: a NUL byte (never valid JSON text)
	 * becomes '?'; then the secrets go, then the size is bounded. */
	text = malloc(raw.n + 1);
	if (!text)
		abort();
	for (size_t i = 0; i < raw.n; i++)
		text[i] = raw.p[i] ? raw.p[i] : '?';
	text[raw.n] = '\0';
	validate_unmark_lone_surrogates(text, raw.n);    /* the escapes as sent */
	red = log_redact(text);
	free(text);
	it->raw_len = strlen(red);
	if (it->raw_len > QUARANTINE_MAX_RAW) {
		it->raw_len = QUARANTINE_MAX_RAW;
		red[it->raw_len] = '\0';
	}
	it->raw = red;
}

/* Appends s to an array literal body, quoted. */
static void literal_add(struct buf *b, const char *s)
{
	if (b->len)
		buf_putc(b, ',');
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void quarantine_landed(struct quarantine *q, const char *id)
{
	if (!id || !*id)
		return;
	literal_add(&q->landed, id);
	q->nlanded++;
}

void quarantine_ids_literal(const struct quarantine *q, struct buf *out)
{
	struct buf body = BUF_INIT;
	for (size_t i = 0; i < q->n; i++)
		if (q->items[i].id)
			literal_add(&body, q->items[i].id);
	buf_reset(out);
	buf_putc(out, '{');
	if (body.len)
		buf_append(out, body.data, body.len);
	buf_putc(out, '}');
	buf_release(&body);
}

static void put_span(struct buf *b, struct jv_span s)
{
	buf_append(b, s.p, s.n);
}

void quarantine_screen_toggl_v9(struct quarantine *q, const struct buf *body,
				struct buf *clean)
{
	struct jv_span page = { body->data, body->len }, *items;
	size_t n, kept = 0;

	buf_reset(clean);
	if (jv_array_items(page, &items, &n) < 0) {
		/* cJSON read it as a list, the scanner could not (nesting beyond
		 * its bound): merged unscreened, as before screening existed. */
		log_warn("%s: a page of %s could not be screened item by item",
			 q->source, q->entity);
		buf_append(clean, body->data, body->len);
		return;
	}
	buf_putc(clean, '[');
	for (size_t i = 0; i < n; i++) {
		struct validate_result r;
		if (validate_toggl_entry(items[i], &q->window, &r) == 0) {
			if (kept++)
				buf_putc(clean, ',');
			put_span(clean, items[i]);
			quarantine_landed(q, r.id);
		} else {
			quarantine_add(q, r.id, r.reason, items[i]);
		}
	}
	buf_putc(clean, ']');
	free(items);
}

void quarantine_screen_toggl_reports(struct quarantine *q, const struct buf *body,
				     struct buf *clean)
{
	struct jv_span page = { body->data, body->len }, *rows;
	size_t nrows, kept = 0;

	buf_reset(clean);
	if (jv_array_items(page, &rows, &nrows) < 0) {
		log_warn("%s: a Reports page could not be screened item by item", q->source);
		buf_append(clean, body->data, body->len);
		return;
	}
	buf_putc(clean, '[');
	for (size_t i = 0; i < nrows; i++) {
		struct jv_span row = rows[i], tes, *te = NULL;
		struct validate_result rr, r;
		size_t nte = 0;
		int row_ok = validate_toggl_report_row(row, &q->window, &rr) == 0;
		int has_tes = jv_member(row, "time_entries", &tes) == 1 &&
			      jv_array_items(tes, &te, &nte) == 0;

		if (!row_ok) {
			char why[200];
			snprintf(why, sizeof(why), "its Reports row: %s", rr.reason);
			if (!has_tes || nte == 0)
				quarantine_add(q, NULL, why, row);
			for (size_t k = 0; k < nte; k++) {
				validate_toggl_report_entry(te[k], &q->window, &r);
				quarantine_add(q, r.id, why, row);
			}
			free(te);
			continue;
		}
		/* The row with only its good entries: the bytes before and after
		 * its time_entries list are kept as they are. */
		if (kept++)
			buf_putc(clean, ',');
		buf_append(clean, row.p, (size_t)(tes.p - row.p));
		buf_putc(clean, '[');
		for (size_t k = 0, good = 0; k < nte; k++) {
			if (validate_toggl_report_entry(te[k], &q->window, &r) == 0) {
				if (good++)
					buf_putc(clean, ',');
				put_span(clean, te[k]);
				quarantine_landed(q, r.id);
			} else {
				quarantine_add(q, r.id, r.reason, te[k]);
			}
		}
		buf_putc(clean, ']');
		buf_append(clean, tes.p + tes.n, (size_t)(row.p + row.n - (tes.p + tes.n)));
		free(te);
	}
	buf_putc(clean, ']');
	free(rows);
}

typedef int (*gcal_check)(struct jv_span item, const struct validate_window *w,
			  struct validate_result *r);

/* Screens one Google item with check, from the bytes as sent (span) or, when
 * they could not be matched, cJSON's print of it.  A rejected item is kept
 * under source_id when keyed (the colors' keys are the API's own), else only
 * when its id read as clean text. */
static int screen_gcal(struct quarantine *q, const struct jv_span *span, const cJSON *item,
		       const char *source_id, gcal_check check, int keyed)
{
	struct validate_result r;
	struct jv_span text;
	char *printed = NULL;
	int ok;

	if (span) {
		text = *span;
	} else {
		printed = cJSON_PrintUnformatted(item);
		if (!printed)
			abort();
		text.p = printed;
		text.n = strlen(printed);
	}
	ok = check(text, &q->window, &r) == 0;
	if (ok)
		quarantine_landed(q, source_id);
	else
		quarantine_add(q, keyed || r.id[0] ? source_id : NULL, r.reason, text);
	free(printed);
	return ok;
}

int quarantine_screen_gcal_event(struct quarantine *q, const struct jv_span *span,
				 const cJSON *item, const char *source_id)
{
	return screen_gcal(q, span, item, source_id, validate_gcal_event, 0);
}

void quarantine_screen_listing(struct quarantine *q, const char *source,
			       const char *table, struct buf *const *bodies, int n)
{
	const char *dot = strstr(table, "__");
	const char *entity = dot ? dot + 2 : table;
	struct buf clean = BUF_INIT;

	quarantine_init(q, source, entity);
	if (strcmp(entity, "projects") != 0 && strcmp(entity, "clients") != 0 &&
	    strcmp(entity, "tags") != 0 && strcmp(entity, "workspaces") != 0)
		return;
	for (int b = 0; b < n; b++) {
		struct jv_span page = { bodies[b]->data, bodies[b]->len }, *items;
		size_t nitems, kept = 0, bad = q->n;

		if (jv_array_items(page, &items, &nitems) < 0)
			continue;       /* null (none) or not a list: as before */
		buf_reset(&clean);
		buf_putc(&clean, '[');
		for (size_t i = 0; i < nitems; i++) {
			struct validate_result r;
			if (validate_toggl_master(entity, items[i], &q->window, &r) == 0) {
				if (kept++)
					buf_putc(&clean, ',');
				put_span(&clean, items[i]);
				quarantine_landed(q, r.id);
			} else {
				quarantine_add(q, r.id, r.reason, items[i]);
			}
		}
		buf_putc(&clean, ']');
		free(items);
		if (q->n > bad) {
			buf_reset(bodies[b]);
			buf_append(bodies[b], clean.data, clean.len);
		}
	}
	buf_release(&clean);
}

int quarantine_screen_gcal_master(struct quarantine *q, const struct jv_span *span,
				  const cJSON *item, const char *source_id)
{
	if (strcmp(q->entity, "colors") == 0)
		return screen_gcal(q, span, item, source_id, validate_gcal_color, 1);
	return screen_gcal(q, span, item, source_id, validate_gcal_calendar, 0);
}

int quarantine_store(PGconn *db, struct quarantine *q, char *err, size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	struct buf raw = BUF_INIT, lit = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < q->n && rc == 0; i++) {
		const struct quarantine_item *it = &q->items[i];
		char len[32];
		buf_reset(&raw);
		buf_puts(&raw, "\\x");
		for (size_t k = 0; k < it->raw_len; k++) {
			unsigned char c = (unsigned char)it->raw[k];
			buf_putc(&raw, hex[c >> 4]);
			buf_putc(&raw, hex[c & 15]);
		}
		snprintf(len, sizeof(len), "%zu", it->raw_bytes);
		const char *params[6] = { q->source, q->entity, it->id, it->reason, raw.data, len };
		char state[16];
		rc = db_query_value(db, "SELECT ops.quarantine_item($1, $2, $3, $4, "
				    "$5::bytea, $6::bigint)", 6, params, state, sizeof(state),
				    err, errlen);
		if (rc >= 0) {
			q->items[i].dismissed = rc == 1 && strcmp(state, "dismissed") == 0;
			rc = 0;
		}
	}
	if (rc == 0 && q->nlanded > 0) {
		buf_putc(&lit, '{');
		buf_append(&lit, q->landed.data, q->landed.len);
		buf_putc(&lit, '}');
		const char *params[3] = { q->source, q->entity, lit.data };
		rc = db_exec_params(db, "SELECT ops.quarantine_resolve($1, $2, $3::text[])",
				    3, params, err, errlen);
	}
	buf_release(&raw);
	buf_release(&lit);
	return rc;
}

void quarantine_warn(const struct quarantine *q, const char *what)
{
	for (size_t i = 0; i < q->n; i++) {
		if (q->items[i].dismissed)      /* same bytes as when dismissed */
			log_info("%s: %s %s still fails the checks and stays dismissed: %s",
				 what, q->entity, q->items[i].id ? q->items[i].id :
				 "(id unreadable)", q->items[i].reason);
		else
			log_warn("%s: quarantined %s %s: %s (kept out of raw; see "
				 "'dwhbi quarantine list')", what, q->entity,
				 q->items[i].id ? q->items[i].id : "(id unreadable)",
				 q->items[i].reason);
	}
}
