/*
 * gcal: the Google Calendar connector (contract in gcal.h).  This file talks
 * to the API (auth retry, error classification, paging) and drives the load
 * path: each page goes into pg_temp.gcal_stage with COPY and is merged into
 * raw by the embedded connectors/gcal_*.sql statements, one transaction per
 * page, the sync token saved with the last page (and dropped when a full
 * sync starts, so a cut full sync is redone in full by the next run).
 */
#include "connectors/gcal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "connectors/http.h"
#include "connectors/oauth.h"
#include "connectors/quarantine.h"
#include "connectors/raw.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#define GCAL_API_VERSION "v3"
/* Google's page size limits: events up to 2500, the calendar list 250. */
#define GCAL_EVENTS_PAGE 2500
#define GCAL_LIST_PAGE 250
/* Bounds on paging, so a server that keeps sending nextPageToken cannot
 * hold a run forever (2500 * 4000 events is far beyond one person). */
#define GCAL_MAX_PAGES 4000
#define GCAL_MAX_CALENDARS 64
#define GCAL_STATE_PREFIX "google_calendar.events:"

struct gcal {
	PGconn *db;
	const struct config *cfg;
	const struct gcal_options *opt;
	struct gcal_counts *counts;
	struct http_client http;
	struct oauth oauth;
	char *primary_id;       /* the primary calendar's real id, or NULL */
	int list_ok;            /* the calendar list synced */
	int revoked;            /* stop everything: the grant is gone */
};

/* What happened to one calendar, for ops.runs.detail. */
struct cal_report {
	const char *mode;       /* "full", "incremental", "resync" */
	int pages;
	int64_t read, written, deleted;
};

/* ---- API errors -------------------------------------------------------- */

/* Google's error body {"error": {"errors": [{"reason"}], "message"}} or the
 * OAuth style {"error": "..."}: copies the first reason (or "") into reason
 * and the message into msg. */
static void api_error(const struct http_response *r, char *reason,
		      size_t reasonlen, char *msg, size_t msglen)
{
	cJSON *j = cJSON_ParseWithLength(r->body.data, r->body.len);
	const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
	const cJSON *errs, *first, *rs, *m;

	reason[0] = '\0';
	msg[0] = '\0';
	if (cJSON_IsObject(e)) {
		errs = cJSON_GetObjectItemCaseSensitive(e, "errors");
		first = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
		rs = first ? cJSON_GetObjectItemCaseSensitive(first, "reason") : NULL;
		m = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsString(rs))
			snprintf(reason, reasonlen, "%s", rs->valuestring);
		if (cJSON_IsString(m))
			snprintf(msg, msglen, "%s", m->valuestring);
	} else if (cJSON_IsString(e)) {
		snprintf(reason, reasonlen, "%s", e->valuestring);
	}
	if (!msg[0])
		http_body_excerpt(r, msg, msglen);
	cJSON_Delete(j);
}

/* The shared retry policy retries 429 and 5xx by itself; Google also sends
 * its rate limits as 403 rateLimitExceeded / userRateLimitExceeded (the same
 * thing as a 429: backoff with jitter), and 403 quotaExceeded means the project's quota is gone,
 * which no backoff within a run fixes. */
static enum http_action gcal_classify(void *arg,
				      const struct http_response *resp,
				      int64_t *wait_ms, char *why,
				      size_t whylen)
{
	char reason[64], msg[200];

	(void)arg;
	(void)wait_ms;
	/* A 429 is retried by the default policy, which honours Retry-After. */
	if (resp->status != 403)
		return HTTP_DEFAULT;
	api_error(resp, reason, sizeof(reason), msg, sizeof(msg));
	if (strcmp(reason, "rateLimitExceeded") == 0 ||
	    strcmp(reason, "userRateLimitExceeded") == 0) {
		snprintf(why, whylen, "google rate limit (403 %s)", reason);
		return HTTP_RETRY;
	}
	if (strcmp(reason, "quotaExceeded") == 0 ||
	    strcmp(reason, "dailyLimitExceeded") == 0) {
		snprintf(why, whylen, "google calendar api quota exceeded (%s): "
			 "wait until the quota resets or raise it in the "
			 "google cloud console", reason);
		return HTTP_FAIL;
	}
	return HTTP_DEFAULT;
}

/* GET url with the access token.  A 401 gets one token refresh and one
 * more try (the token may have expired mid-run).  Returns 0 with any other
 * response in resp (the caller checks the status), -1 with err, or
 * OAUTH_REVOKED. */
static int api_get(struct gcal *g, const char *url, struct http_response *resp,
		   char *err, size_t errlen)
{
	struct buf auth = BUF_INIT;
	const char *token;
	int attempt, rc = -1;

	for (attempt = 0; attempt < 2; attempt++) {
		const char *headers[3];

		rc = attempt == 0 ?
			oauth_access_token(&g->oauth, &token, err, errlen) :
			oauth_refresh(&g->oauth, err, errlen);
		if (rc < 0)
			break;
		if (attempt > 0)
			token = g->oauth.access_token;
		buf_reset(&auth);
		buf_printf(&auth, "Authorization: Bearer %s", token);
		headers[0] = auth.data;
		headers[1] = "Accept: application/json";
		headers[2] = NULL;
		rc = http_get_json(&g->http, url, headers, resp, err, errlen);
		if (rc < 0 || resp->status != 401)
			break;
		log_info("google answered 401: refreshing the access token");
	}
	if (rc == 0 && resp->status == 401) {
		snprintf(err, errlen, "google refused a fresh access token (401): "
			 "check that GOOGLE_REFRESH_TOKEN has the calendar scope");
		rc = -1;
	}
	if (rc == OAUTH_REVOKED)
		g->revoked = 1;
	buf_release(&auth);
	return rc;
}

/* Writes "google <what> failed: <status> <reason>: <message>" into err. */
static void api_fail(const struct http_response *r, const char *what,
		     char *err, size_t errlen)
{
	char reason[64], msg[200];

	api_error(r, reason, sizeof(reason), msg, sizeof(msg));
	snprintf(err, errlen, "google %s answered %ld%s%s: %s", what, r->status,
		 reason[0] ? " " : "", reason, msg);
}

int gcal_check_page(const cJSON *page, const char *what, int need_end,
		    char *err, size_t errlen)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
	const cJSON *next, *sync;

	if (!cJSON_IsObject(page)) {
		snprintf(err, errlen, "google %s answered 200 with a body that is not "
			 "an object; nothing was changed", what);
		return -1;
	}
	if (!cJSON_IsArray(items)) {
		snprintf(err, errlen, "google %s answered 200 with %s `items`; nothing "
			 "was changed (a listing is trusted only when items is a list)",
			 what, items ? "a non-list" : "no");
		return -1;
	}
	/* Single items are judged one by one where they are stored. */
	if (!need_end)
		return 0;
	next = cJSON_GetObjectItemCaseSensitive(page, "nextPageToken");
	sync = cJSON_GetObjectItemCaseSensitive(page, "nextSyncToken");
	if ((cJSON_IsString(next) && *next->valuestring) ||
	    (cJSON_IsString(sync) && *sync->valuestring))
		return 0;
	snprintf(err, errlen, "google %s: the page has neither nextPageToken nor "
		 "nextSyncToken; nothing was changed", what);
	return -1;
}

/* ---- database helpers -------------------------------------------------- */

/* Runs an embedded SQL file with parameters; returns its result. */
static PGresult *sql_file(PGconn *db, const char *name, int nparams,
			  const char *const *params, char *err, size_t errlen)
{
	char path[96];

	snprintf(path, sizeof(path), "connectors/%s.sql", name);
	return query_file(db, path, nparams, params, err, errlen);
}

static int64_t result_int(PGresult *res, int col)
{
	if (PQntuples(res) < 1 || PQgetisnull(res, 0, col))
		return 0;
	return strtoll(PQgetvalue(res, 0, col), NULL, 10);
}

/* Loads the rows of one page into pg_temp.gcal_stage (connectors/raw.h),
 * after emptying it. */
static int stage_rows(PGconn *db, const struct raw_page *page, int events,
		      char *err, size_t errlen)
{
	if (db_exec(db, "TRUNCATE pg_temp.gcal_stage", err, errlen) < 0)
		return -1;
	return raw_page_copy(db, events ?
			     "COPY pg_temp.gcal_stage (source_id, data, cancelled) FROM STDIN" :
			     "COPY pg_temp.gcal_stage (source_id, data) FROM STDIN",
			     page, err, errlen);
}

/* One stage row of the calendar list or the colors: source_id and the
 * item as cJSON prints it (these answers are small and hold no ids that
 * a double would round). */
static void copy_row(struct raw_page *page, const char *source_id, const cJSON *item)
{
	char *json = cJSON_PrintUnformatted(item);

	if (!json)
		abort();
	raw_page_str(page, source_id);
	raw_page_str(page, json);
	raw_page_end_row(page);
	free(json);
}

/* One stage row of an event: source_id, the item's bytes as sent (when the
 * page could be split, else cJSON's print) and whether it is cancelled
 * (NULL when only SQL can tell: an escaped status). */
static void copy_event(struct raw_page *page, const char *source_id,
		       const struct jv_span *span, const cJSON *item)
{
	static const char *const keys[1] = { "status" };
	struct jv_span v, st;
	int found = 0, r = 0;

	if (!span) {
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");
		char *json = cJSON_PrintUnformatted(item);
		if (!json)
			abort();
		raw_page_str(page, source_id);
		raw_page_str(page, json);
		raw_page_str(page, cJSON_IsString(status) &&
			     strcmp(status->valuestring, "cancelled") == 0 ? "t" : "f");
		raw_page_end_row(page);
		free(json);
		return;
	}
	if (raw_json_pick(*span, keys, 1, &v, &found) == 0 && found)
		r = raw_json_scalar(v, &st);
	raw_page_str(page, source_id);
	raw_page_field(page, span->p, span->n);
	if (r < 0)
		raw_page_null(page);
	else
		raw_page_str(page, r > 0 && st.n == 9 && memcmp(st.p, "cancelled", 9) == 0 ?
			     "t" : "f");
	raw_page_end_row(page);
}

static int save_state(PGconn *db, const char *source, const char *cursor,
		      const char *checkpoint, int changed, int completed,
		      char *err, size_t errlen)
{
	return raw_state_save(db, source, cursor, checkpoint, changed, completed,
			      err, errlen);
}

/* ---- calendar list and colors ------------------------------------------ */

/* The bytes as sent of each element of the top-level member key of the
 * page (a list, or an object of colors), for the checks (validate.h); NULL
 * when they cannot be matched with cJSON's elements one to one (the parsed
 * element is then checked as printed). */
static void gcal_item_spans(const struct http_response *resp, const char *key,
			    const cJSON *parsed, struct jv_span **spans, size_t *n)
{
	struct jv_span body = { resp->body.data, resp->body.len }, text, k, v;
	const char *pos = NULL;
	size_t cap = 0;
	int rc;

	*spans = NULL;
	*n = 0;
	if (!parsed || jv_member(body, key, &text) != 1)
		return;
	if (cJSON_IsArray(parsed)) {
		if (jv_array_items(text, spans, n) < 0)
			*n = 0;
	} else {
		while ((rc = jv_object_next(text, &pos, &k, &v)) == 1) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 32;
				*spans = realloc(*spans, cap * sizeof(**spans));
				if (!*spans)
					abort();
			}
			(*spans)[(*n)++] = v;
		}
		if (rc < 0)
			*n = 0;
	}
	if (*n != (size_t)cJSON_GetArraySize(parsed)) {
		free(*spans);
		*spans = NULL;
		*n = 0;
	}
}

static int sync_calendar_list(struct gcal *g, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct raw_page copy;
	struct http_response resp;
	char *page_token = NULL;
	const char *params[1] = { GCAL_API_VERSION };
	int pages = 0, rc = -1;
	int64_t written = 0, deleted = 0;
	PGresult *res;
	struct quarantine q;    /* bad entries of the list (validate.h) */
	struct buf kept = BUF_INIT;

	http_response_init(&resp);
	quarantine_init(&q, "google_calendar", "calendar_list");
	raw_page_init(&copy);
	for (;;) {
		const cJSON *items, *item, *next;
		struct jv_span *spans = NULL;
		size_t nspans = 0, idx = 0;

		if (++pages > GCAL_MAX_PAGES) {
			snprintf(err, errlen, "google calendar list did not end after %d pages",
				 GCAL_MAX_PAGES);
			goto out;
		}
		buf_reset(&url);
		buf_printf(&url, "%s/users/me/calendarList", g->cfg->google_api_base);
		http_query_add_int(&url, "maxResults", GCAL_LIST_PAGE);
		http_query_add(&url, "showHidden", "true");
		if (page_token)
			http_query_add(&url, "pageToken", page_token);
		if (api_get(g, url.data, &resp, err, errlen) < 0)
			goto out;
		if (resp.status != 200 || !resp.json) {
			api_fail(&resp, "calendarList", err, errlen);
			goto out;
		}
		if (gcal_check_page(resp.json, "calendarList", 0, err, errlen) < 0)
			goto out;
		items = cJSON_GetObjectItemCaseSensitive(resp.json, "items");
		gcal_item_spans(&resp, "items", items, &spans, &nspans);
		cJSON_ArrayForEach(item, items) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
			const cJSON *primary = cJSON_GetObjectItemCaseSensitive(item, "primary");
			const struct jv_span *span = spans ? &spans[idx] : NULL;

			idx++;
			if (!cJSON_IsString(id))
				continue;
			if (!quarantine_screen_gcal_master(&q, span, item, id->valuestring))
				continue;
			copy_row(&copy, id->valuestring, item);
			g->counts->read++;
			if (cJSON_IsTrue(primary)) {
				free(g->primary_id);
				g->primary_id = strdup(id->valuestring);
			}
		}
		free(spans);
		next = cJSON_GetObjectItemCaseSensitive(resp.json, "nextPageToken");
		free(page_token);
		page_token = cJSON_IsString(next) && *next->valuestring ?
			strdup(next->valuestring) : NULL;
		if (!page_token)
			break;
	}

	/* The list is small: every page is merged in one transaction, which
	 * also lets the reconcile trust that it saw the whole list. */
	if (db_begin(g->db, err, errlen) < 0)
		goto out;
	if (stage_rows(g->db, &copy, 0, err, errlen) < 0)
		goto rollback;
	res = sql_file(g->db, "gcal_merge_list", 1, params, err, errlen);
	if (!res)
		goto rollback;
	written = result_int(res, 0);
	PQclear(res);
	if (quarantine_store(g->db, &q, err, errlen) < 0)
		goto rollback;
	if (q.n) {
		/* A quarantined calendar was listed: not gone (merged already,
		 * so these rows only count for the reconcile). */
		quarantine_ids_literal(&q, &kept);
		params[0] = kept.data;
		if (db_exec_params(g->db, "INSERT INTO pg_temp.gcal_stage (source_id, data) "
				   "SELECT unnest($1::text[]), '{}'", 1, params, err, errlen) < 0)
			goto rollback;
	}
	res = sql_file(g->db, "gcal_reconcile_list", 0, NULL, err, errlen);
	if (!res)
		goto rollback;
	deleted = result_int(res, 0);
	PQclear(res);
	if (save_state(g->db, "google_calendar.calendar_list", NULL, NULL,
		       written + deleted > 0, 1, err, errlen) < 0)
		goto rollback;
	if (db_commit(g->db, err, errlen) < 0)
		goto out;
	g->counts->written += written;
	g->counts->deleted += deleted;
	g->counts->quarantined += (int64_t)q.n;
	quarantine_warn(&q, "sync gcal");
	g->list_ok = 1;
	rc = 0;
	goto out;
rollback:
	db_rollback(g->db);
out:
	quarantine_release(&q);
	buf_release(&kept);
	free(page_token);
	http_response_release(&resp);
	buf_release(&url);
	raw_page_release(&copy);
	return rc;
}

static int sync_colors(struct gcal *g, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct raw_page copy;
	struct http_response resp;
	const char *params[1] = { GCAL_API_VERSION };
	const char *kinds[] = { "calendar", "event" };
	int64_t written = 0;
	PGresult *res;
	size_t k;
	int rc = -1;
	struct quarantine q;    /* bad colors (validate.h) */

	http_response_init(&resp);
	quarantine_init(&q, "google_calendar", "colors");
	raw_page_init(&copy);
	buf_printf(&url, "%s/colors", g->cfg->google_api_base);
	if (api_get(g, url.data, &resp, err, errlen) < 0)
		goto out;
	if (resp.status != 200 || !resp.json) {
		api_fail(&resp, "colors", err, errlen);
		goto out;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const cJSON *set = cJSON_GetObjectItemCaseSensitive(resp.json, kinds[k]);
		const cJSON *color;
		struct jv_span *spans = NULL;
		size_t nspans = 0, idx = 0;

		gcal_item_spans(&resp, kinds[k], set, &spans, &nspans);
		cJSON_ArrayForEach(color, set) {
			char source_id[96];
			const struct jv_span *span = spans ? &spans[idx] : NULL;

			idx++;
			if (!cJSON_IsObject(color) || !color->string)
				continue;
			snprintf(source_id, sizeof(source_id), "%s:%s", kinds[k],
				 color->string);
			if (!quarantine_screen_gcal_master(&q, span, color, source_id))
				continue;
			copy_row(&copy, source_id, color);
			g->counts->read++;
		}
		free(spans);
	}
	if (db_begin(g->db, err, errlen) < 0)
		goto out;
	if (stage_rows(g->db, &copy, 0, err, errlen) < 0)
		goto rollback;
	res = sql_file(g->db, "gcal_merge_colors", 1, params, err, errlen);
	if (!res)
		goto rollback;
	written = result_int(res, 0);
	PQclear(res);
	if (quarantine_store(g->db, &q, err, errlen) < 0)
		goto rollback;
	if (save_state(g->db, "google_calendar.colors", NULL, NULL, written > 0,
		       1, err, errlen) < 0)
		goto rollback;
	if (db_commit(g->db, err, errlen) < 0)
		goto out;
	g->counts->written += written;
	g->counts->quarantined += (int64_t)q.n;
	quarantine_warn(&q, "sync gcal");
	rc = 0;
	goto out;
rollback:
	db_rollback(g->db);
out:
	quarantine_release(&q);
	http_response_release(&resp);
	buf_release(&url);
	raw_page_release(&copy);
	return rc;
}

/* ---- events ------------------------------------------------------------ */

/* The stored cursor of one calendar: the sync token and the lower bound of
 * the full sync that produced it (checkpoint {"time_min": ...}), so a
 * resync after a 410 covers the same window. */
struct cursor {
	char token[2048];
	char time_min[40];
	int has_token;
};

static int load_cursor(struct gcal *g, const char *source, struct cursor *c,
		       char *err, size_t errlen)
{
	struct raw_state st;

	memset(c, 0, sizeof(*c));
	if (raw_state_load(g->db, source, &st, err, errlen) < 0)
		return -1;
	if (st.cursor && *st.cursor) {
		snprintf(c->token, sizeof(c->token), "%s", st.cursor);
		c->has_token = 1;
	}
	if (st.checkpoint) {
		cJSON *cp = cJSON_Parse(st.checkpoint);
		const cJSON *tm = cJSON_GetObjectItemCaseSensitive(cp, "time_min");
		if (cJSON_IsString(tm))
			snprintf(c->time_min, sizeof(c->time_min), "%s", tm->valuestring);
		cJSON_Delete(cp);
	}
	raw_state_release(&st);
	return 0;
}

/* Result of fetching and merging one page. */
enum page_result { PAGE_ERROR = -1, PAGE_MORE = 0, PAGE_LAST = 1, PAGE_GONE = 2 };

/* Fetches one events page and merges it in its own transaction.  On the
 * last page (nextSyncToken, no nextPageToken) a full sync also reconciles,
 * and the new token is stored in the same transaction.  *page_token is
 * replaced by the next one.  PAGE_GONE: the sync token expired (410). */
static enum page_result events_page(struct gcal *g, const char *cal_id,
				    const char *source, int full,
				    const struct cursor *cur, char **page_token,
				    struct cal_report *rep, int *changed,
				    char *err, size_t errlen)
{
	struct buf url = BUF_INIT, prefix = BUF_INIT;
	struct buf checkpoint = BUF_INIT, kept = BUF_INIT;
	struct raw_page copy;
	struct http_response resp;
	struct quarantine q;
	struct jv_span *spans = NULL;
	size_t nspans = 0;
	const cJSON *items, *item, *next, *sync;
	const char *params[2];
	enum page_result rc = PAGE_ERROR;
	int64_t written, deleted;
	PGresult *res;
	char *next_token = NULL;

	http_response_init(&resp);
	raw_page_init(&copy);
	quarantine_init(&q, "google_calendar", "events");
	buf_printf(&url, "%s/calendars/", g->cfg->google_api_base);
	http_url_encode(&url, cal_id);
	buf_puts(&url, "/events");
	http_query_add_int(&url, "maxResults", GCAL_EVENTS_PAGE);
	http_query_add(&url, "singleEvents", "true");
	http_query_add(&url, "showDeleted", "true");
	if (!full)
		http_query_add(&url, "syncToken", cur->token);
	else if (cur->time_min[0])
		http_query_add(&url, "timeMin", cur->time_min);
	if (*page_token)
		http_query_add(&url, "pageToken", *page_token);

	if (api_get(g, url.data, &resp, err, errlen) < 0)
		goto out;
	if (resp.status == 410 && !full) {
		rc = PAGE_GONE;
		goto out;
	}
	if (resp.status != 200 || !resp.json) {
		api_fail(&resp, "events.list", err, errlen);
		goto out;
	}
	if (gcal_check_page(resp.json, "events.list", 1, err, errlen) < 0)
		goto out;

	buf_printf(&prefix, "%s:", cal_id);
	items = cJSON_GetObjectItemCaseSensitive(resp.json, "items");
	/* The items' bytes as sent, for the checks (validate.h). */
	struct jv_span body = { resp.body.data, resp.body.len }, items_text;
	if (jv_member(body, "items", &items_text) != 1 ||
	    jv_array_items(items_text, &spans, &nspans) < 0 ||
	    nspans != (size_t)cJSON_GetArraySize(items)) {
		free(spans);
		spans = NULL;
		nspans = 0;
	}
	size_t idx = 0;
	cJSON_ArrayForEach(item, items) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		struct buf sid = BUF_INIT;
		const struct jv_span *span = spans ? &spans[idx] : NULL;

		idx++;
		if (!cJSON_IsString(id) || !*id->valuestring) {
			/* Quarantined under the hash of its bytes. */
			quarantine_screen_gcal_event(&q, span, item, NULL);
			continue;
		}
		buf_printf(&sid, "%s%s", prefix.data, id->valuestring);
		if (quarantine_screen_gcal_event(&q, span, item, sid.data))
			copy_event(&copy, sid.data, span, item);
		buf_release(&sid);
		rep->read++;
	}
	next = cJSON_GetObjectItemCaseSensitive(resp.json, "nextPageToken");
	sync = cJSON_GetObjectItemCaseSensitive(resp.json, "nextSyncToken");
	if (cJSON_IsString(next) && *next->valuestring) {
		next_token = strdup(next->valuestring);
	} else if (!cJSON_IsString(sync) || !*sync->valuestring) {
		snprintf(err, errlen, "google events.list: the last page has no "
			 "nextSyncToken");
		goto out;
	}

	if (db_begin(g->db, err, errlen) < 0)
		goto out;
	if (stage_rows(g->db, &copy, 1, err, errlen) < 0)
		goto rollback;
	params[0] = GCAL_API_VERSION;
	res = sql_file(g->db, "gcal_merge_events", 1, params, err, errlen);
	if (!res)
		goto rollback;
	written = result_int(res, 0);
	deleted = result_int(res, 1);
	PQclear(res);
	if (quarantine_store(g->db, &q, err, errlen) < 0)
		goto rollback;
	if (q.n) {
		/* A quarantined event was listed: the reconcile must not take
		 * it for gone (its raw row keeps the last valid version). */
		quarantine_ids_literal(&q, &kept);
		params[0] = kept.data;
		if (db_exec_params(g->db, "INSERT INTO pg_temp.gcal_seen (source_id) "
				   "SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
				   1, params, err, errlen) < 0)
			goto rollback;
	}
	if (!next_token) {
		if (full) {
			params[0] = prefix.data;
			params[1] = cur->time_min[0] ? cur->time_min : NULL;
			res = sql_file(g->db, "gcal_reconcile_events", 2, params,
				       err, errlen);
			if (!res)
				goto rollback;
			deleted += result_int(res, 0);
			PQclear(res);
		}
		if (cur->time_min[0])
			buf_printf(&checkpoint, "{\"time_min\": \"%s\"}", cur->time_min);
		if (save_state(g->db, source, sync->valuestring,
			       checkpoint.len ? checkpoint.data : NULL,
			       *changed || written + deleted > 0, 1,
			       err, errlen) < 0)
			goto rollback;
	}
	if (db_commit(g->db, err, errlen) < 0)
		goto out;
	rep->written += written;
	rep->deleted += deleted;
	g->counts->quarantined += (int64_t)q.n;
	quarantine_warn(&q, "sync gcal");
	if (written + deleted > 0)
		*changed = 1;
	free(*page_token);
	*page_token = next_token;
	next_token = NULL;
	rc = *page_token ? PAGE_MORE : PAGE_LAST;
	goto out;
rollback:
	db_rollback(g->db);
out:
	free(spans);
	quarantine_release(&q);
	buf_release(&kept);
	free(next_token);
	http_response_release(&resp);
	buf_release(&url);
	raw_page_release(&copy);
	buf_release(&prefix);
	buf_release(&checkpoint);
	return rc;
}

/* Drops a calendar's sync token, keeping its bound (the one in cur): after
 * a 410, and when a full sync starts.  With no token stored, any later run
 * does a full sync with its reconcile, so a full sync cut short is resumed
 * as one instead of silently falling back to the old token. */
static int drop_token(struct gcal *g, const char *source, const struct cursor *cur,
		      char *err, size_t errlen)
{
	struct buf checkpoint = BUF_INIT;
	int rc;

	if (cur->time_min[0])
		buf_printf(&checkpoint, "{\"time_min\": \"%s\"}", cur->time_min);
	rc = save_state(g->db, source, NULL, checkpoint.len ? checkpoint.data : NULL,
			0, 0, err, errlen);
	buf_release(&checkpoint);
	return rc;
}

static int sync_events(struct gcal *g, const char *cal_id,
		       struct cal_report *rep, char *err, size_t errlen)
{
	struct buf source = BUF_INIT;
	struct cursor cur;
	char *page_token = NULL;
	int full, changed = 0, rc = -1;
	enum page_result pr;

	buf_printf(&source, "%s%s", GCAL_STATE_PREFIX, cal_id);
	if (load_cursor(g, source.data, &cur, err, errlen) < 0)
		goto out;
	if (g->opt->has_since) {
		int64_t usec;

		if (tz_day_start(g->cfg->timezone, g->opt->since_day, &usec) < 0) {
			snprintf(err, errlen, "cannot find local midnight of --since in '%s'",
				 g->cfg->timezone);
			goto out;
		}
		time_format_rfc3339(usec, cur.time_min, sizeof(cur.time_min));
	}
	full = !cur.has_token || g->opt->full || g->opt->has_since;
	rep->mode = full ? "full" : "incremental";
	/* Record that a full sync is pending before its first page, in its own
	 * transaction: if this run dies mid-way, the next one finds no token and
	 * does the full sync (and reconcile) again, within the same bound.
	 * Without a token and without a new bound the state already says so. */
	if (full && (cur.has_token || g->opt->has_since) &&
	    drop_token(g, source.data, &cur, err, errlen) < 0)
		goto out;
	if (db_exec(g->db, "TRUNCATE pg_temp.gcal_seen", err, errlen) < 0)
		goto out;

	for (;;) {
		if (rep->pages >= GCAL_MAX_PAGES) {
			snprintf(err, errlen, "google events.list did not end after "
				 "%d pages", GCAL_MAX_PAGES);
			goto out;
		}
		rep->pages++;
		pr = events_page(g, cal_id, source.data, full, &cur, &page_token,
				 rep, &changed, err, errlen);
		if (pr == PAGE_ERROR)
			goto out;
		if (pr == PAGE_LAST)
			break;
		if (pr == PAGE_GONE) {
			/* The token expired: events deleted since may have left
			 * no tombstone, so start over with a full sync, which
			 * reconciles at its end.  Rows already merged from
			 * earlier incremental pages are right and stay. */
			log_info("google calendar '%s': sync token expired (410), "
				 "doing a full sync", cal_id);
			if (drop_token(g, source.data, &cur, err, errlen) < 0)
				goto out;
			full = 1;
			rep->mode = "resync";
			free(page_token);
			page_token = NULL;
			if (db_exec(g->db, "TRUNCATE pg_temp.gcal_seen", err, errlen) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(page_token);
	buf_release(&source);
	return rc;
}

/* ---- the run ----------------------------------------------------------- */

/* Splits GCAL_CALENDAR_IDS (comma list, blanks trimmed) and appends the
 * holiday calendar; duplicates are dropped.  Returns the count. */
static int calendar_ids(const struct config *cfg, char ids[][256], int max)
{
	const char *lists[2] = {
		cfg->gcal_calendar_ids && *cfg->gcal_calendar_ids ?
			cfg->gcal_calendar_ids : "primary",
		cfg->gcal_holiday_calendar_id
	};
	int n = 0, l, i;

	for (l = 0; l < 2; l++) {
		const char *p = lists[l];

		while (p && *p) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			int dup = 0;

			while (len && (*p == ' ' || *p == '\t')) {
				p++;
				len--;
			}
			while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			if (len && len < 256 && n < max) {
				char id[256];

				memcpy(id, p, len);
				id[len] = '\0';
				for (i = 0; i < n; i++)
					dup |= strcmp(ids[i], id) == 0;
				if (!dup)
					memcpy(ids[n++], id, len + 1);
			} else if (len >= 256) {
				log_warn("calendar id longer than 255 bytes skipped");
			}
			p = end ? end + 1 : NULL;
		}
	}
	return n;
}

/* Whether an earlier entry of ids (with `primary` resolved) names cal_id,
 * so "primary,taro@example.com" syncs that calendar once. */
static int already_synced(char ids[][256], int upto, const char *cal_id,
			  const char *primary_id)
{
	for (int j = 0; j < upto; j++) {
		const char *id = strcmp(ids[j], "primary") == 0 ? primary_id : ids[j];

		if (id && strcmp(id, cal_id) == 0)
			return 1;
	}
	return 0;
}

static void report_calendar(cJSON *list, const char *id,
			    const struct cal_report *rep, const char *error)
{
	cJSON *o;

	if (!list)
		return;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "mode", rep->mode ? rep->mode : "none");
	cJSON_AddNumberToObject(o, "pages", rep->pages);
	cJSON_AddNumberToObject(o, "read", (double)rep->read);
	cJSON_AddNumberToObject(o, "written", (double)rep->written);
	cJSON_AddNumberToObject(o, "deleted", (double)rep->deleted);
	cJSON_AddStringToObject(o, "status", error ? "failed" : "ok");
	if (error) {
		char *red = log_redact(error);

		cJSON_AddStringToObject(o, "error", red);
		free(red);
	}
	cJSON_AddItemToArray(list, o);
}

int gcal_sync(PGconn *db, const struct config *cfg,
	      const struct gcal_options *opt, struct gcal_counts *counts,
	      cJSON *detail, char *err, size_t errlen)
{
	char ids[GCAL_MAX_CALENDARS][256];
	struct gcal g;
	cJSON *cal_list = NULL;
	char first_err[512] = "";
	const char *token;
	int n, i, failed_meta = 0, rc, locked = 0;

	memset(&g, 0, sizeof(g));
	g.db = db;
	g.cfg = cfg;
	g.opt = opt;
	g.counts = counts;
	if (http_client_init(&g.http, "google", cfg, err, errlen) < 0)
		return -1;
	g.http.classify = gcal_classify;
	g.http.json_prepare = validate_mark_lone_surrogates;
	g.http.classify_arg = &g;
	oauth_init(&g.oauth, &g.http, cfg);

	/* One sync of the calendars at a time, like 'sync toggl': two would
	 * interleave their pages, tokens and reconciles. */
	locked = db_lock(db, "dwhbi.sync.gcal", 0, err, errlen);
	if (locked <= 0) {
		if (locked == 0)
			snprintf(err, errlen, "another 'dwhbi sync gcal' is running on this "
				 "database; try again when it has finished");
		rc = -1;
		goto done;
	}

	/* The grant first: a revoked token must stop the run before anything
	 * is written. */
	rc = oauth_access_token(&g.oauth, &token, err, errlen);
	if (rc < 0)
		goto done;
	/* Two statements: run whole, not the parameterised path. */
	rc = raw_exec_file(db, "connectors/gcal_stage.sql", err, errlen);
	if (rc < 0)
		goto done;
	if (detail)
		cal_list = cJSON_AddArrayToObject(detail, "calendars");

	if (sync_calendar_list(&g, err, errlen) < 0 && !g.revoked) {
		log_error("%s", err);
		snprintf(first_err, sizeof(first_err), "%s", err);
		failed_meta++;
	}
	if (!g.revoked && sync_colors(&g, err, errlen) < 0 && !g.revoked) {
		log_error("%s", err);
		if (!first_err[0])
			snprintf(first_err, sizeof(first_err), "%s", err);
		failed_meta++;
	}

	n = calendar_ids(cfg, ids, GCAL_MAX_CALENDARS);
	for (i = 0; i < n && !g.revoked; i++) {
		struct cal_report rep = { 0 };
		const char *cal_id = ids[i];

		if (strcmp(cal_id, "primary") == 0) {
			if (!g.primary_id) {
				snprintf(err, errlen, "cannot resolve calendar 'primary': "
					 "the calendar list %s; set GCAL_CALENDAR_IDS to "
					 "the calendar's real id",
					 g.list_ok ? "has no primary calendar" :
					 "could not be read");
				goto calendar_failed;
			}
			cal_id = g.primary_id;
		}
		if (already_synced(ids, i, cal_id, g.primary_id))
			continue;
		if (sync_events(&g, cal_id, &rep, err, errlen) == 0) {
			counts->calendars_ok++;
			counts->read += rep.read;
			counts->written += rep.written;
			counts->deleted += rep.deleted;
			log_info("google calendar '%s': %s sync, %d page%s, %lld read, "
				 "%lld written, %lld deleted", cal_id, rep.mode,
				 rep.pages, rep.pages == 1 ? "" : "s", (long long)rep.read,
				 (long long)rep.written, (long long)rep.deleted);
			report_calendar(cal_list, cal_id, &rep, NULL);
			continue;
		}
		/* Committed pages stay; their rows are counted as well. */
		counts->read += rep.read;
		counts->written += rep.written;
		counts->deleted += rep.deleted;
		if (g.revoked)
			break;
calendar_failed:
		report_calendar(cal_list, cal_id, &rep, err);
		log_error("google calendar '%s': %s", cal_id, err);
		if (!first_err[0])
			snprintf(first_err, sizeof(first_err), "calendar '%s': %s",
				 cal_id, err);
		counts->calendars_failed++;
	}
	if (g.revoked) {
		snprintf(err, errlen, "%s", OAUTH_REVOKED_MESSAGE);
		rc = OAUTH_REVOKED;
	} else if (counts->calendars_failed || failed_meta) {
		snprintf(err, errlen, "sync gcal: %d of %d calendars failed%s (the "
			 "others are synced; rerun to retry); first error: %s",
			 counts->calendars_failed, n,
			 failed_meta ? ", and the calendar list or colors" : "",
			 first_err);
		rc = -1;
	} else {
		rc = 0;
	}
done:
	if (locked > 0) {
		char ignored[128];

		db_unlock(db, "dwhbi.sync.gcal", ignored, sizeof(ignored));
	}
	if (detail) {
		cJSON_AddNumberToObject(detail, "token_refreshes", g.oauth.refreshes);
		cJSON_AddNumberToObject(detail, "http_retries", (double)g.http.retries);
	}
	oauth_release(&g.oauth);
	free(g.primary_id);
	http_client_release(&g.http);
	return rc;
}
