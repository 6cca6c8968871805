/*
 * toggl: the Toggl Track connector (see toggl.h for the contract and the
 * sync_state keys).  API facts it relies on are in docs/upstream-apis.md:
 * v9 for masters, date windows and `since` (the only way to see deletions),
 * Reports v3 for history older than about three months.
 */
#include "connectors/toggl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "connectors/http.h"
#include "connectors/quarantine.h"
#include "connectors/raw.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/timeutil.h"

/* Each page's items go through the session's stage (connectors/toggl_stage.sql)
 * and the merge query files beside this one (connectors/raw.h). */
static const char SQL_LOAD_TAGS[] =
	"SELECT source_id, to_jsonb(data->>'name')::text FROM raw.toggl_track__tags";
/* A workspace with more tags than this is refused rather than held. */
#define TOGGL_MAX_TAGS 200000

/* Overlap of consecutive `since` runs: changes stamped just before the
 * server answered are fetched again rather than risked (merging is
 * idempotent). */
#define SINCE_OVERLAP_SEC 300
/* A server Date further than this from the local clock is logged. */
#define TOGGL_CLOCK_SKEW_WARN_SEC 600
#define MAX_MASTER_PAGES 500
#define MAX_WORKSPACES 32
/* Reports accepts at most a year per request. */
#define BACKFILL_CHUNK_DAYS 365

struct sync {
	PGconn *db;
	const struct config *cfg;
	const struct toggl_options *opt;
	struct toggl_stats *st;
	struct http_client http;
	char base[512];                 /* TOGGL_API_BASE without a trailing slash */
	char user_id[32];
	char default_wid[32];
	char wids[MAX_WORKSPACES][32];
	int nwids;
};

int toggl_parse_range(const char *s, int32_t *from, int32_t *to)
{
	return time_parse_date_range(s, from, to);
}

/* A 402 with quota headers is "wait until the quota resets"; without them it
 * is a plan limitation that no retry fixes (handed back to fail at once). */
static enum http_action classify(void *arg, const struct http_response *r,
				 int64_t *wait_ms, char *why, size_t whylen)
{
	(void)arg;
	if (r->status != 402)
		return HTTP_DEFAULT;
	const char *remaining = http_response_header(r, "X-Toggl-Quota-Remaining");
	const char *resets = http_response_header(r, "X-Toggl-Quota-Resets-In");
	if (!resets && !(remaining && strtol(remaining, NULL, 10) == 0))
		return HTTP_ACCEPT;
	long long secs = resets ? strtoll(resets, NULL, 10) : 3600;
	if (secs < 1)
		secs = 1;
	*wait_ms = secs * 1000;
	snprintf(why, whylen, "Toggl quota exhausted, resets in %lld s", secs);
	return HTTP_RETRY;
}

/* An id from cJSON as decimal text.  cJSON keeps numbers as doubles, exact
 * up to 2^53; anything else is refused rather than rounded. */
static int json_id_text(const cJSON *v, char *out, size_t outlen)
{
	if (cJSON_IsString(v)) {
		const char *p = v->valuestring;
		long long ignored;
		/* Digits only, as an id prints: no "0", "00012" or beyond int64. */
		if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) >= outlen ||
		    toggl_parse_paging_header(p, &ignored) < 0)
			return -1;
		snprintf(out, outlen, "%s", p);
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return -1;
	double d = v->valuedouble;
	if (d < 1 || d > 9007199254740992.0 || d != floor(d))
		return -1;
	snprintf(out, outlen, "%.0f", d);
	return 0;
}

/* The path of url after the base, for messages. */
static const char *url_path(const struct sync *s, const char *url)
{
	size_t n = strlen(s->base);
	return strncmp(url, s->base, n) == 0 ? url + n : url;
}

/* Sends one request and turns every non-2xx answer into a message that
 * says what to do. */
static int call_with(struct sync *s, const char *method, const char *url,
		     const char *body, int (*body_check)(const char *, size_t),
		     struct http_response *resp, char *err, size_t errlen)
{
	struct http_request req = { 0 };
	const char *json_headers[] = { "Content-Type: application/json", NULL };
	char path[256], excerpt[200];

	req.method = method;
	req.url = url;
	req.body = body;
	req.headers = body ? json_headers : NULL;
	req.basic_user = s->cfg->toggl_api_token;
	req.basic_password = "api_token";
	req.want_json = body_check == NULL;
	req.body_check = body_check;
	if (http_send(&s->http, &req, resp, err, errlen) < 0)
		return -1;
	if (resp->status >= 200 && resp->status < 300)
		return 0;

	snprintf(path, sizeof(path), "%s", url_path(s, url));
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	http_body_excerpt(resp, excerpt, sizeof(excerpt));
	if (resp->status == 401 || (resp->status == 403 && strstr(path, "/workspace") == NULL))
		snprintf(err, errlen, "bad Toggl token (HTTP %ld from %s %s); check "
			 "TOGGL_API_TOKEN (Toggl profile page, API token)",
			 resp->status, method, path);
	else if (resp->status == 403)
		snprintf(err, errlen, "Toggl refused %s %s (HTTP 403: %s); the workspace "
			 "is not accessible with this token, check TOGGL_WORKSPACE_ID",
			 method, path, excerpt);
	else if (resp->status == 402)
		snprintf(err, errlen, "Toggl refused %s %s (HTTP 402: %s); this is a plan "
			 "limitation, not a rate limit, so retrying will not help",
			 method, path, excerpt);
	else if (resp->status == 400 && strstr(excerpt, "must not be earlier"))
		snprintf(err, errlen, "Toggl refused %s %s (HTTP 400: %s); fetch older "
			 "history with 'dwhbi sync toggl --backfill FROM..TO'",
			 method, path, excerpt);
	else
		snprintf(err, errlen, "Toggl refused %s %s (HTTP %ld: %s)", method, path,
			 resp->status, excerpt);
	return -1;
}

static int call(struct sync *s, const char *method, const char *url,
		const char *body, struct http_response *resp, char *err, size_t errlen)
{
	return call_with(s, method, url, body, NULL, resp, err, errlen);
}

/* A Reports page is read without a cJSON tree (it can be megabytes): the
 * answer must be well-formed JSON, a list the scanner can split; another
 * answer is parsed whole, only to tell malformed from "not a list". */
static int reports_body_check(const char *body, size_t len)
{
	struct jv_span page = { body, len }, *rows;
	size_t n;
	const char *p = body, *e = body + len;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p < e && *p == '[') {
		if (jv_array_items(page, &rows, &n) < 0)
			return -1;
		free(rows);
		return 0;
	}
	cJSON *j = cJSON_ParseWithLength(body, len);
	cJSON_Delete(j);
	return j ? 0 : -1;
}

/* ---- staging ---- */

static const char *const ITEM_KEYS[] = { "id", "server_deleted_at" };

/* One row: the item's text as data, its id and server_deleted_at when C
 * can read them for sure, else odd (SQL reads them). */
static void stage_row(struct raw_rows *rows, struct jv_span item)
{
	struct jv_span v[2], id = { 0 }, del = { 0 };
	int found[2], odd = 0, has_id = 0, has_del = 0;

	if (raw_json_pick(item, ITEM_KEYS, 2, v, found) == 0) {
		int r;
		if (found[0] && (r = raw_json_scalar(v[0], &id)) != 0) {
			has_id = r > 0;
			odd |= r < 0;
		}
		if (found[1] && (r = raw_json_scalar(v[1], &del)) != 0) {
			has_del = r > 0;
			odd |= r < 0 || !(v[1].n && v[1].p[0] == '"');
		}
	}
	raw_rows_begin(rows, has_id && !odd ? id.p : NULL, id.n);
	raw_rows_data(rows, item.p, item.n);
	raw_rows_end(rows, has_del && !odd ? del.p : NULL, del.n, odd);
}

static const char *first_char(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

int toggl_stage_items(struct raw_rows *rows, const char *body, size_t len)
{
	struct jv_span page = { body, len }, item;
	const char *p = first_char(body, body + len), *pos = NULL;
	size_t mark = rows->n, start = rows->text.len;
	int n = 0, r;

	if (p < body + len && *p == '{') {
		stage_row(rows, page);
		return 1;
	}
	if (p == body + len || *p != '[')
		return 0;       /* null (or not a listing): no items */
	while ((r = raw_json_next(page, &pos, &item)) == 1) {
		stage_row(rows, item);
		n++;
	}
	if (r < 0) {            /* drop what this page added */
		rows->n = mark;
		rows->text.len = start;
		rows->text.data[start] = '\0';
		return -1;
	}
	return n;
}

void toggl_tags_release(struct toggl_tags *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].name_json);
	}
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct toggl_tag *)a)->id, ((const struct toggl_tag *)b)->id);
}

void toggl_tags_sort(struct toggl_tags *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), tag_cmp);
}

static const char *tag_name(const struct toggl_tags *t, const char *id, size_t n)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = t->v[mid].id;
		int c = strncmp(k, id, n);
		if (c == 0 && k[n])
			c = 1;
		if (c == 0)
			return t->v[mid].name_json;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Reports row members, then time-entry members, that the flattening reads. */
enum { R_PROJECT, R_TASK, R_BILLABLE, R_DESC, R_TAG_IDS, R_USER, R_ENTRIES, R_N };
static const char *const ROW_KEYS[R_N] = { "project_id", "task_id", "billable",
	"description", "tag_ids", "user_id", "time_entries" };
enum { E_ID, E_START, E_STOP, E_SECONDS, E_AT, E_N };
static const char *const ENTRY_KEYS[E_N] = { "id", "start", "stop", "seconds", "at" };

static void put(struct raw_rows *pg, const char *s)
{
	raw_rows_data(pg, s, strlen(s));
}

/* ,"key":value — a member that is missing is null (jsonb_build_object
 * of a missing member). */
static void put_member(struct raw_rows *pg, const char *key, const struct jv_span *v,
		       int found)
{
	put(pg, key);
	if (found)
		raw_rows_data(pg, v->p, v->n);
	else
		put(pg, "null");
}

/* The "tags" of a flattened entry: the names of the row's tag_ids that
 * are known, in their order, or null when none is. */
static void put_tags(struct raw_rows *pg, const struct toggl_tags *tags,
		     const struct jv_span *tag_ids, int found)
{
	struct jv_span id;
	const char *pos = NULL;
	int any = 0;

	while (found && tags->n && raw_json_next(*tag_ids, &pos, &id) == 1) {
		struct jv_span t;
		const char *name;
		if (raw_json_scalar(id, &t) <= 0 || !(name = tag_name(tags, t.p, t.n)))
			continue;
		put(pg, any++ ? "," : ",\"tags\":[");
		put(pg, name);
	}
	put(pg, any ? "]" : ",\"tags\":null");
}

int toggl_stage_report_page(struct raw_rows *pg, const char *body, size_t len,
			    const char *wid, const struct toggl_tags *tags, int32_t *last_day)
{
	struct jv_span page = { body, len }, row;
	const char *rpos = NULL;
	int count = 0, rr;

	while ((rr = raw_json_next(page, &rpos, &row)) == 1) {
		struct jv_span r[R_N], te;
		const char *tpos = NULL;
		int rf[R_N];

		if (raw_json_pick(row, ROW_KEYS, R_N, r, rf) < 0)
			return -1;
		if (!rf[R_ENTRIES])
			continue;       /* no list of entries: nothing to flatten */
		/* pid only with a project, as in v9. */
		int pid = rf[R_PROJECT] && r[R_PROJECT].n &&
			  (r[R_PROJECT].p[0] == '-' ||
			   (r[R_PROJECT].p[0] >= '0' && r[R_PROJECT].p[0] <= '9'));
		while (raw_json_next(r[R_ENTRIES], &tpos, &te) == 1) {
			struct jv_span e[E_N], id = { 0 };
			int ef[E_N], idr = 0;

			if (raw_json_pick(te, ENTRY_KEYS, E_N, e, ef) < 0)
				memset(ef, 0, sizeof(ef));
			if (ef[E_ID])
				idr = raw_json_scalar(e[E_ID], &id);
			/* The latest start day ("start" begins with the local date). */
			struct jv_span st;
			int32_t d;
			char day[11];
			if (last_day && ef[E_START] && raw_json_scalar(e[E_START], &st) > 0 &&
			    st.n >= 10) {
				memcpy(day, st.p, 10);
				day[10] = '\0';
				if (time_parse_date(day, &d) == 0 && d > *last_day)
					*last_day = d;
			}
			/* An id only SQL can read (or none): odd. */
			raw_rows_begin(pg, idr > 0 ? id.p : NULL, id.n);
			put_member(pg, "{\"id\":", &e[E_ID], ef[E_ID]);
			put(pg, ",\"workspace_id\":");
			put(pg, wid);
			put(pg, ",\"wid\":");
			put(pg, wid);
			put_member(pg, ",\"project_id\":", &r[R_PROJECT], rf[R_PROJECT]);
			if (pid)
				put_member(pg, ",\"pid\":", &r[R_PROJECT], 1);
			put_member(pg, ",\"task_id\":", &r[R_TASK], rf[R_TASK]);
			put_member(pg, ",\"billable\":", &r[R_BILLABLE], rf[R_BILLABLE]);
			put_member(pg, ",\"description\":", &r[R_DESC], rf[R_DESC]);
			put_member(pg, ",\"tag_ids\":", &r[R_TAG_IDS], rf[R_TAG_IDS]);
			put_tags(pg, tags, &r[R_TAG_IDS], rf[R_TAG_IDS]);
			put_member(pg, ",\"user_id\":", &r[R_USER], rf[R_USER]);
			put_member(pg, ",\"uid\":", &r[R_USER], rf[R_USER]);
			put_member(pg, ",\"start\":", &e[E_START], ef[E_START]);
			put_member(pg, ",\"stop\":", &e[E_STOP], ef[E_STOP]);
			put_member(pg, ",\"duration\":", &e[E_SECONDS], ef[E_SECONDS]);
			put_member(pg, ",\"at\":", &e[E_AT], ef[E_AT]);
			put(pg, ",\"server_deleted_at\":null}");
			raw_rows_end(pg, NULL, 0, 0);
			count++;
		}
	}
	return rr < 0 ? -1 : count;
}

/* ---- database steps ---- */

/* Adds the items of bodies[0..n-1] (v9 answers) to rows. */
static void stage_bodies(struct raw_rows *rows, struct buf *const *bodies,
			 const cJSON *const *json, int n, int64_t *read)
{
	for (int i = 0; i < n; i++) {
		int k = toggl_stage_items(rows, bodies[i]->data, bodies[i]->len);
		if (k >= 0) {
			*read += k;
			continue;
		}
		/* Text the scanner cannot split (nesting beyond its bound):
		 * cJSON's print of each item, read by SQL (odd). */
		const cJSON *it;
		cJSON_ArrayForEach(it, json[i]) {
			char *text = cJSON_PrintUnformatted(it);
			if (!text)
				abort();
			raw_rows_begin(rows, NULL, 0);
			raw_rows_data(rows, text, strlen(text));
			raw_rows_end(rows, NULL, 0, 1);
			free(text);
			(*read)++;
		}
	}
}

/* Writes the rows into table (connectors/raw.h); direct = 0 keeps every
 * row in the stage for a reconcile that reads it. */
static int load_rows(struct sync *s, const struct raw_rows *rows, const char *table,
		     const char *version, int direct, int64_t read, int64_t *written,
		     char *err, size_t errlen)
{
	const struct raw_target t = {
		table, version,
		"COPY pg_temp.toggl_stage (source_id, data, deleted_at, ord, odd) FROM STDIN",
		"connectors/toggl_stage_fix.sql", "connectors/toggl_merge.sql"
	};
	int64_t w, d;

	if (raw_rows_load(s->db, rows, &t, direct, &w, &d, err, errlen) < 0)
		return -1;
	s->st->rows_read += read;
	s->st->rows_written += w;
	s->st->rows_deleted += d;
	*written = w;
	return 0;
}

static int save_state(struct sync *s, const char *source, const char *cursor,
		      const char *checkpoint, int changed, char *err, size_t errlen)
{
	return raw_state_save(s->db, source, cursor, checkpoint, changed, 1, err, errlen);
}

static int load_state(struct sync *s, const char *source, char *cursor, size_t clen,
		      struct buf *checkpoint, char *err, size_t errlen)
{
	struct raw_state st;

	if (raw_state_load(s->db, source, &st, err, errlen) < 0)
		return -1;
	snprintf(cursor, clen, "%s", st.cursor ? st.cursor : "");
	buf_reset(checkpoint);
	if (st.checkpoint)
		buf_puts(checkpoint, st.checkpoint);
	raw_state_release(&st);
	return 0;
}

/* Stores a complete listing of one master entity in one transaction:
 * merge, mark what vanished as deleted (reconcile: NULL = no, "" = whole
 * table, else a workspace id), stamp the source. */
static int store_listing(struct sync *s, const char *table, const char *source,
			 struct buf *const *bodies, const cJSON *const *json, int n,
			 const char *reconcile, char *err, size_t errlen)
{
	struct raw_rows rows;
	int64_t written = 0, gone = 0, read = 0;
	struct quarantine q;    /* bad items of the listing (validate.h) */
	struct buf kept = BUF_INIT;

	raw_rows_init(&rows);
	quarantine_screen_listing(&q, "toggl_track", table, bodies, n);
	stage_bodies(&rows, bodies, json, n, &read);
	if (db_begin(s->db, err, errlen) < 0)
		goto out;
	/* Every row in the stage: the reconcile reads it. */
	if (load_rows(s, &rows, table, "v9", 0, read, &written, err, errlen) < 0 ||
	    quarantine_store(s->db, &q, err, errlen) < 0)
		goto fail;
	if (reconcile) {
		quarantine_ids_literal(&q, &kept);
		const char *params[2] = { reconcile[0] ? reconcile : NULL, kept.data };
		if (raw_merge(s->db, "connectors/toggl_reconcile_master.sql", table, 2,
			      params, &gone, 1, err, errlen) < 0)
			goto fail;
		s->st->rows_deleted += gone;
	}
	if (save_state(s, source, NULL, NULL, written + gone > 0, err, errlen) < 0 ||
	    db_commit(s->db, err, errlen) < 0)
		goto fail;
	s->st->pages += n;
	s->st->rows_quarantined += (int64_t)q.n;
	quarantine_warn(&q, "sync toggl");
	quarantine_release(&q);
	buf_release(&kept);
	raw_rows_release(&rows);
	return 0;
fail:
	db_rollback(s->db);
out:
	quarantine_release(&q);
	buf_release(&kept);
	raw_rows_release(&rows);
	return -1;
}

/* ---- masters ---- */

static void url_start(struct sync *s, struct buf *url, const char *path)
{
	buf_reset(url);
	buf_puts(url, s->base);
	buf_puts(url, path);
}

/* GET one endpoint whose whole answer is one page. */
static int get_one(struct sync *s, const char *url, struct http_response *resp,
		   char *err, size_t errlen)
{
	return call(s, "GET", url, NULL, resp, err, errlen);
}

static int sync_me(struct sync *s, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct http_response resp;
	struct buf *pages[1] = { &resp.body };
	const cJSON *json[1];
	int rc = -1;

	http_response_init(&resp);
	url_start(s, &url, "/api/v9/me");
	if (get_one(s, url.data, &resp, err, errlen) < 0)
		goto out;
	if (!cJSON_IsObject(resp.json) ||
	    json_id_text(cJSON_GetObjectItemCaseSensitive(resp.json, "id"),
			 s->user_id, sizeof(s->user_id)) < 0) {
		snprintf(err, errlen, "Toggl's /me answer has no usable user id");
		goto out;
	}
	if (json_id_text(cJSON_GetObjectItemCaseSensitive(resp.json, "default_workspace_id"),
			 s->default_wid, sizeof(s->default_wid)) < 0)
		s->default_wid[0] = '\0';
	json[0] = resp.json;
	rc = store_listing(s, "raw.toggl_track__me", "toggl_track.me", pages, json, 1,
			   NULL, err, errlen);
out:
	http_response_release(&resp);
	buf_release(&url);
	return rc;
}

static int sync_workspaces(struct sync *s, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	struct http_response resp;
	struct buf *pages[1] = { &resp.body };
	const cJSON *json[1];
	int rc = -1;

	http_response_init(&resp);
	url_start(s, &url, "/api/v9/me/workspaces");
	if (get_one(s, url.data, &resp, err, errlen) < 0)
		goto out;
	if (!cJSON_IsArray(resp.json)) {
		snprintf(err, errlen, "Toggl's /me/workspaces answer is not a list");
		goto out;
	}
	s->nwids = 0;
	if (s->cfg->toggl_workspace_id > 0) {
		snprintf(s->wids[0], sizeof(s->wids[0]), "%lld",
			 (long long)s->cfg->toggl_workspace_id);
		s->nwids = 1;
	} else {
		const cJSON *w;
		cJSON_ArrayForEach(w, resp.json) {
			if (s->nwids < MAX_WORKSPACES &&
			    json_id_text(cJSON_GetObjectItemCaseSensitive(w, "id"),
					 s->wids[s->nwids], sizeof(s->wids[0])) == 0)
				s->nwids++;
		}
	}
	json[0] = resp.json;
	rc = store_listing(s, "raw.toggl_track__workspaces", "toggl_track.workspaces",
			   pages, json, 1, "", err, errlen);
out:
	http_response_release(&resp);
	buf_release(&url);
	return rc;
}

/* Projects come in pages of at most 200 (active=both adds the archived
 * ones); a short page is the last. */
static int sync_projects(struct sync *s, const char *wid, char *err, size_t errlen)
{
	struct buf url = BUF_INIT, path = BUF_INIT;
	struct http_response *resp = NULL;
	struct buf **pages = NULL;
	const cJSON **json = NULL;
	int n = 0, rc = -1;
	const int per_page = 200;

	buf_printf(&path, "/api/v9/workspaces/%s/projects", wid);
	for (int page = 1; page <= MAX_MASTER_PAGES; page++) {
		resp = realloc(resp, (size_t)(n + 1) * sizeof(*resp));
		pages = realloc(pages, (size_t)(n + 1) * sizeof(*pages));
		if (!resp || !pages)
			abort();
		http_response_init(&resp[n]);
		n++;
		url_start(s, &url, path.data);
		http_query_add(&url, "active", "both");
		http_query_add_int(&url, "page", page);
		http_query_add_int(&url, "per_page", per_page);
		if (get_one(s, url.data, &resp[n - 1], err, errlen) < 0)
			goto out;
		if (!cJSON_IsArray(resp[n - 1].json)) {
			snprintf(err, errlen, "Toggl's projects page %d is not a list", page);
			goto out;
		}
		if (cJSON_GetArraySize(resp[n - 1].json) < per_page)
			break;
		if (page == MAX_MASTER_PAGES) {
			snprintf(err, errlen, "more than %d pages of Toggl projects; "
				 "giving up", MAX_MASTER_PAGES);
			goto out;
		}
	}
	json = calloc((size_t)n, sizeof(*json));
	if (!json)
		abort();
	for (int i = 0; i < n; i++) {
		pages[i] = &resp[i].body;
		json[i] = resp[i].json;
	}
	rc = store_listing(s, "raw.toggl_track__projects", "toggl_track.projects",
			   pages, json, n, wid, err, errlen);
out:
	for (int i = 0; i < n; i++)
		http_response_release(&resp[i]);
	free(resp);
	free(pages);
	free(json);
	buf_release(&url);
	buf_release(&path);
	return rc;
}

static int sync_simple_master(struct sync *s, const char *wid, const char *entity,
			      const char *param, const char *value, char *err,
			      size_t errlen)
{
	struct buf url = BUF_INIT, path = BUF_INIT, table = BUF_INIT, source = BUF_INIT;
	struct http_response resp;
	struct buf *pages[1] = { &resp.body };
	const cJSON *json[1];
	int rc = -1;

	http_response_init(&resp);
	buf_printf(&path, "/api/v9/workspaces/%s/%s", wid, entity);
	buf_printf(&table, "raw.toggl_track__%s", entity);
	buf_printf(&source, "toggl_track.%s", entity);
	url_start(s, &url, path.data);
	if (param)
		http_query_add(&url, param, value);
	if (get_one(s, url.data, &resp, err, errlen) < 0)
		goto out;
	if (!cJSON_IsArray(resp.json) && !cJSON_IsNull(resp.json)) {
		snprintf(err, errlen, "Toggl's %s answer is not a list", entity);
		goto out;
	}
	json[0] = resp.json;
	rc = store_listing(s, table.data, source.data, pages, json, 1, wid, err, errlen);
out:
	http_response_release(&resp);
	buf_release(&url);
	buf_release(&path);
	buf_release(&table);
	buf_release(&source);
	return rc;
}

static int sync_masters(struct sync *s, char *err, size_t errlen)
{
	if (sync_me(s, err, errlen) < 0 || sync_workspaces(s, err, errlen) < 0)
		return -1;
	for (int i = 0; i < s->nwids; i++) {
		log_progress("toggl: masters of workspace %s", s->wids[i]);
		if (sync_projects(s, s->wids[i], err, errlen) < 0 ||
		    sync_simple_master(s, s->wids[i], "clients", "status", "both",
				       err, errlen) < 0 ||
		    sync_simple_master(s, s->wids[i], "tags", NULL, NULL, err, errlen) < 0)
			return -1;
	}
	log_progress_done();
	return 0;
}

/* ---- time entries: v9 (days window, since) ---- */

/* The next `since` cursor: the server's clock when it answered, less an
 * overlap, so it never passes a change the answer might not hold.  The
 * server's clock is not trusted beyond the local one: a Date ahead of local
 * time (a server or proxy clock gone wrong) would move the cursor past
 * changes not yet made, so the cursor is never later than local time less
 * the overlap, and a Date far off either way is reported. */
static void next_cursor(const struct http_response *resp, char *out, size_t outlen)
{
	int64_t now = time_now_usec();
	int64_t at = http_response_date(resp);
	if (at < 0)
		at = now;
	int64_t skew = at - now;
	if (skew > (int64_t)TOGGL_CLOCK_SKEW_WARN_SEC * USEC_PER_SEC ||
	    skew < -(int64_t)TOGGL_CLOCK_SKEW_WARN_SEC * USEC_PER_SEC) {
		char server[40], local[40];
		time_format_rfc3339(at, server, sizeof(server));
		time_format_rfc3339(now, local, sizeof(local));
		log_warn("toggl: the server's Date (%s) is %lld s %s the local clock "
			 "(%s); the since cursor %s", server,
			 (long long)((skew < 0 ? -skew : skew) / USEC_PER_SEC),
			 skew > 0 ? "ahead of" : "behind", local,
			 skew > 0 ? "stays at local time" : "follows the server");
	}
	if (at > now)
		at = now;
	snprintf(out, outlen, "%lld",
		 (long long)(at / USEC_PER_SEC - SINCE_OVERLAP_SEC));
}

static int sync_entries_v9(struct sync *s, const char *url, int64_t lo, int64_t hi,
			   char *err, size_t errlen)
{
	struct http_response resp;
	struct buf clean = BUF_INIT, kept = BUF_INIT;
	struct buf *pages[1] = { &clean };
	const cJSON *json[1];
	struct raw_rows rows;
	struct quarantine q;
	char cursor[32];
	int64_t written = 0, gone = 0, read = 0;
	int rc = -1;

	http_response_init(&resp);
	raw_rows_init(&rows);
	quarantine_init(&q, "toggl_track", "time_entries");
	if (get_one(s, url, &resp, err, errlen) < 0)
		goto out;
	if (!cJSON_IsArray(resp.json)) {
		snprintf(err, errlen, "Toggl's time entries answer is not a list");
		goto out;
	}
	next_cursor(&resp, cursor, sizeof(cursor));
	quarantine_screen_toggl_v9(&q, &resp.body, &clean);
	json[0] = resp.json;    /* what a page the scanner cannot split falls back to */
	stage_bodies(&rows, pages, json, 1, &read);
	if (db_begin(s->db, err, errlen) < 0)
		goto out;
	/* A window reconcile reads the stage: then every row goes there. */
	if (load_rows(s, &rows, "raw.toggl_track__time_entries", "v9", !(lo || hi), read,
		      &written, err, errlen) < 0 ||
	    quarantine_store(s->db, &q, err, errlen) < 0)
		goto fail;
	if (lo || hi) {
		char a[40], b[40];
		time_format_rfc3339(lo, a, sizeof(a));
		time_format_rfc3339(hi, b, sizeof(b));
		quarantine_ids_literal(&q, &kept);
		const char *params[3] = { a, b, kept.data };
		if (raw_merge(s->db, "connectors/toggl_reconcile_window.sql", NULL, 3, params,
			      &gone, 1, err, errlen) < 0)
			goto fail;
		s->st->rows_deleted += gone;
	}
	if (save_state(s, "toggl_track.time_entries", cursor, NULL, written + gone > 0,
		       err, errlen) < 0 ||
	    db_commit(s->db, err, errlen) < 0)
		goto fail;
	s->st->pages++;
	s->st->rows_quarantined += (int64_t)q.n;
	quarantine_warn(&q, "sync toggl");
	snprintf(s->st->cursor, sizeof(s->st->cursor), "%s", cursor);
	rc = 0;
	goto out;
fail:
	db_rollback(s->db);
out:
	quarantine_release(&q);
	raw_rows_release(&rows);
	buf_release(&clean);
	buf_release(&kept);
	http_response_release(&resp);
	return rc;
}

static int sync_days(struct sync *s, int days, char *err, size_t errlen)
{
	int32_t today;
	int64_t now = time_now_usec(), lo, hi;
	char a[40], b[40];
	struct buf url = BUF_INIT;

	if (tz_local_day(s->cfg->timezone, now, &today) < 0 ||
	    tz_day_start(s->cfg->timezone, today - (days - 1), &lo) < 0 ||
	    tz_day_start(s->cfg->timezone, today + 2, &hi) < 0) {
		snprintf(err, errlen, "cannot compute the --days window in zone '%s'",
			 s->cfg->timezone);
		return -1;
	}
	snprintf(s->st->mode, sizeof(s->st->mode), "days");
	time_format_rfc3339(lo, a, sizeof(a));
	time_format_rfc3339(hi, b, sizeof(b));
	url_start(s, &url, "/api/v9/me/time_entries");
	http_query_add(&url, "start_date", a);
	http_query_add(&url, "end_date", b);
	log_info("toggl: time entries starting %s .. %s", a, b);
	int rc = sync_entries_v9(s, url.data, lo, hi, err, errlen);
	buf_release(&url);
	return rc;
}

static int sync_since(struct sync *s, int64_t since_sec, char *err, size_t errlen)
{
	struct buf url = BUF_INIT;
	snprintf(s->st->mode, sizeof(s->st->mode), "since");
	url_start(s, &url, "/api/v9/me/time_entries");
	/* `since` alone: Toggl refuses it together with `before`. */
	http_query_add_int(&url, "since", since_sec);
	log_info("toggl: time entries changed since %lld", (long long)since_sec);
	int rc = sync_entries_v9(s, url.data, 0, 0, err, errlen);
	buf_release(&url);
	return rc;
}

/* ---- time entries: Reports v3 backfill ---- */

int toggl_parse_paging_header(const char *value, long long *out)
{
	*out = 0;
	if (!value)
		return 0;
	size_t n = strlen(value);
	/* Canonical decimal only: "09" is not taken for 9. */
	if (n == 0 || n > 19 || strspn(value, "0123456789") != n || value[0] == '0')
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(value, &end, 10);
	if (errno || *end || v < 1)
		return -1;
	*out = v;
	return 0;
}

int toggl_page_starts_with(const cJSON *page, const char *id)
{
	const cJSON *row = cJSON_IsArray(page) ? cJSON_GetArrayItem(page, 0) : NULL;
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(row, "time_entries");
	const cJSON *e;
	char have[32];

	if (!id || !*id || !cJSON_IsArray(entries))
		return 0;
	cJSON_ArrayForEach(e, entries) {
		if (json_id_text(cJSON_GetObjectItemCaseSensitive(e, "id"), have,
				 sizeof(have)) == 0 && strcmp(have, id) == 0)
			return 1;
	}
	return 0;
}

int toggl_page_text_starts_with(const char *body, size_t len, const char *id)
{
	static const char *const te_key[1] = { "time_entries" }, *const id_key[1] = { "id" };
	struct jv_span page = { body, len }, row, tes, te, v, t;
	const char *pos = NULL;
	int found;

	if (!id || !*id || raw_json_next(page, &pos, &row) != 1 ||
	    raw_json_pick(row, te_key, 1, &tes, &found) < 0 || !found)
		return 0;
	pos = NULL;
	while (raw_json_next(tes, &pos, &te) == 1) {
		if (raw_json_pick(te, id_key, 1, &v, &found) == 0 && found &&
		    raw_json_scalar(v, &t) > 0 && t.n == strlen(id) && memcmp(t.p, id, t.n) == 0)
			return 1;
	}
	return 0;
}

int toggl_json_id(const cJSON *v, char *out, size_t outlen)
{
	return json_id_text(v, out, outlen);
}

struct checkpoint {
	int32_t from, to;               /* the requested range, inclusive */
	int32_t chunk_start;            /* current chunk's start_date */
	long long next_row;             /* 0 = the chunk's first page */
	char next_id[32];
	int32_t reached;                /* the last day fetched, for the progress
	                                   line of a resumed run; 0 = not known */
};

static void checkpoint_text(const struct checkpoint *c, struct buf *out)
{
	char from[16], to[16], cs[16];
	time_format_date(c->from, from, sizeof(from));
	time_format_date(c->to, to, sizeof(to));
	time_format_date(c->chunk_start, cs, sizeof(cs));
	buf_reset(out);
	buf_printf(out, "{\"from\":\"%s\",\"to\":\"%s\",\"chunk_start\":\"%s\"", from, to, cs);
	if (c->next_row > 0)
		buf_printf(out, ",\"next_row\":%lld,\"next_id\":\"%s\"", c->next_row, c->next_id);
	if (c->reached > c->from) {
		char r[16];

		time_format_date(c->reached, r, sizeof(r));
		buf_printf(out, ",\"reached\":\"%s\"", r);
	}
	buf_putc(out, '}');
}

/* Reads a stored checkpoint; 0 when it is one for [from, to]. */
static int checkpoint_parse(const char *text, struct checkpoint *c)
{
	cJSON *o = cJSON_Parse(text);
	int rc = -1;
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(o, "from");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(o, "to");
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(o, "chunk_start");
	const cJSON *row = cJSON_GetObjectItemCaseSensitive(o, "next_row");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "next_id");
	if (cJSON_IsString(from) && cJSON_IsString(to) && cJSON_IsString(cs) &&
	    time_parse_date(from->valuestring, &c->from) == 0 &&
	    time_parse_date(to->valuestring, &c->to) == 0 &&
	    time_parse_date(cs->valuestring, &c->chunk_start) == 0) {
		/* A stored value that is not a row number or an id is dropped
		 * (the chunk is then read again from its start). */
		c->next_row = cJSON_IsNumber(row) && row->valuedouble >= 1 &&
			      row->valuedouble < 1e15 ? (long long)row->valuedouble : 0;
		long long idv = 0;
		snprintf(c->next_id, sizeof(c->next_id), "%s",
			 cJSON_IsString(id) &&
			 toggl_parse_paging_header(id->valuestring, &idv) == 0 ?
			 id->valuestring : "");
		const cJSON *reached = cJSON_GetObjectItemCaseSensitive(o, "reached");
		if (!cJSON_IsString(reached) ||
		    time_parse_date(reached->valuestring, &c->reached) < 0)
			c->reached = 0;
		rc = 0;
	}
	cJSON_Delete(o);
	return rc;
}

/* The tag names Reports rows are flattened with (the masters were synced
 * just before, so they are current). */
static int load_tags(struct sync *s, struct toggl_tags *t, char *err, size_t errlen)
{
	PGresult *res = db_query(s->db, SQL_LOAD_TAGS, 0, NULL, err, errlen);
	int n;

	if (!res)
		return -1;
	n = PQntuples(res);
	if (n > TOGGL_MAX_TAGS) {
		snprintf(err, errlen, "raw.toggl_track__tags holds %d tags, more than the "
			 "%d a backfill flattens with", n, TOGGL_MAX_TAGS);
		PQclear(res);
		return -1;
	}
	t->v = n ? calloc((size_t)n, sizeof(*t->v)) : NULL;
	if (n && !t->v)
		abort();
	for (int i = 0; i < n; i++) {
		t->v[t->n].id = strdup(PQgetvalue(res, i, 0));
		t->v[t->n].name_json = strdup(PQgetisnull(res, i, 1) ? "null" :
					      PQgetvalue(res, i, 1));
		if (!t->v[t->n].id || !t->v[t->n].name_json)
			abort();
		t->n++;
	}
	PQclear(res);
	toggl_tags_sort(t);
	return 0;
}

/* One Reports page on its way: the request for a position, the answer,
 * and what the connector makes of it before the database sees it
 * (screened, flattened).  The next page is fetched by a second thread
 * while the current one is written, so the network, the fake's or the
 * server's work and the parsing overlap the database's; nothing of a page
 * reaches the database before the page before it has committed. */
struct fetch {
	struct sync *s;
	const char *url, *wid;
	const struct toggl_tags *tags;
	struct checkpoint cp;           /* the position asked for */
	int32_t chunk_end;
	char sd[16], ed[16];
	struct buf body;
	struct http_response resp;
	struct buf clean;
	struct raw_rows rows;
	struct quarantine q;
	int rc;                         /* the request: 0 or -1 with err */
	int read;                       /* entries flattened, -1 = unreadable */
	int32_t last_day;               /* latest start day of its entries, or -1 */
	char err[1024];
	pthread_t thread;
	int running;
};

static void fetch_init(struct fetch *f, struct sync *s, const char *url, const char *wid,
		       const struct toggl_tags *tags)
{
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->url = url;
	f->wid = wid;
	f->tags = tags;
	buf_init(&f->body);
	buf_init(&f->clean);
	http_response_init(&f->resp);
	raw_rows_init(&f->rows);
	quarantine_init(&f->q, "toggl_track", "time_entries");
}

static void fetch_release(struct fetch *f)
{
	buf_release(&f->body);
	buf_release(&f->clean);
	http_response_release(&f->resp);
	raw_rows_release(&f->rows);
	quarantine_release(&f->q);
}

/* The request for position cp: one chunk covers at most a year.  The
 * chunk's end is sent as the next chunk's start as well: whether Reports
 * treats end_date as inclusive or not, no day falls between chunks (a day
 * seen twice merges to the same rows). */
static void fetch_prepare(struct fetch *f, const struct checkpoint *cp, int page_size)
{
	f->cp = *cp;
	f->chunk_end = cp->chunk_start + BACKFILL_CHUNK_DAYS;
	if (f->chunk_end > cp->to + 1)
		f->chunk_end = cp->to + 1;
	time_format_date(cp->chunk_start, f->sd, sizeof(f->sd));
	time_format_date(f->chunk_end, f->ed, sizeof(f->ed));
	buf_reset(&f->body);
	buf_printf(&f->body, "{\"start_date\":\"%s\",\"end_date\":\"%s\","
		   "\"page_size\":%d,\"order_by\":\"date\",\"order_dir\":\"ASC\"",
		   f->sd, f->ed, page_size);
	/* Only first_row_number: both paging values together reportedly
	 * return nothing. */
	if (cp->next_row > 0)
		buf_printf(&f->body, ",\"first_row_number\":%lld", cp->next_row);
	buf_putc(&f->body, '}');
	http_response_release(&f->resp);
	http_response_init(&f->resp);
	quarantine_release(&f->q);
	quarantine_init(&f->q, "toggl_track", "time_entries");
	buf_reset(&f->clean);
	raw_rows_reset(&f->rows);
	f->rc = 0;
	f->read = 0;
	f->last_day = -1;
	f->err[0] = '\0';
}

/* Whether an answer is a JSON list (its first byte past blanks is '['),
 * and an empty one. */
static const char *page_start(const struct buf *b)
{
	const char *p = b->data, *e = b->data + b->len;
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p < e ? p : NULL;
}

static int page_is_list(const struct buf *b)
{
	const char *p = page_start(b);
	return p && *p == '[';
}

static int page_is_empty(const struct buf *b)
{
	const char *p = page_start(b), *e = b->data + b->len;
	if (!p || *p != '[')
		return 0;
	for (p++; p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'); p++)
		;
	return p < e && *p == ']';
}

/* Fetches, screens and flattens (no database). */
static void fetch_run(struct fetch *f)
{
	f->rc = call_with(f->s, "POST", f->url, f->body.data, reports_body_check, &f->resp,
			  f->err, sizeof(f->err));
	if (f->rc < 0 || !page_is_list(&f->resp.body))
		return;
	quarantine_screen_toggl_reports(&f->q, &f->resp.body, &f->clean);
	f->read = toggl_stage_report_page(&f->rows, f->clean.data, f->clean.len, f->wid,
					  f->tags, &f->last_day);
	buf_release(&f->clean);         /* the rows hold what is needed */
}

static void *fetch_thread(void *arg)
{
	fetch_run(arg);
	return NULL;
}

static void fetch_start(struct fetch *f)
{
	f->running = pthread_create(&f->thread, NULL, fetch_thread, f) == 0;
	if (!f->running)
		fetch_run(f);           /* no thread: fetch it now */
}

static void fetch_wait(struct fetch *f)
{
	if (f->running)
		pthread_join(f->thread, NULL);
	f->running = 0;
}

static int sync_backfill(struct sync *s, char *err, size_t errlen)
{
	struct range_progress prog;
	const char *wid = s->cfg->toggl_workspace_id > 0 ? s->wids[0] : s->default_wid;
	int page_size = s->opt->page_size > 0 ? s->opt->page_size : TOGGL_DEFAULT_PAGE_SIZE;
	struct checkpoint cp = { s->opt->backfill_from, s->opt->backfill_to,
				 s->opt->backfill_from, 0, "", 0 };
	struct buf cptext = BUF_INIT, url = BUF_INIT;
	struct toggl_tags tags = { NULL, 0 };
	struct fetch slot[2];
	char cursor[32];
	int rc = -1, cur = 0;
	int max_pages = s->opt->max_pages > 0 ? s->opt->max_pages : TOGGL_DEFAULT_MAX_PAGES;
	int fetched = 0, rereads = 0;

	snprintf(s->st->mode, sizeof(s->st->mode), "backfill");
	url_start(s, &url, "/reports/api/v3/workspace/");
	buf_puts(&url, wid);
	buf_puts(&url, "/search/time_entries");
	fetch_init(&slot[0], s, url.data, wid, &tags);
	fetch_init(&slot[1], s, url.data, wid, &tags);
	if (!wid[0]) {
		snprintf(err, errlen, "no Toggl workspace to backfill: set TOGGL_WORKSPACE_ID");
		goto out;
	}
	if (load_state(s, "toggl_track.backfill", cursor, sizeof(cursor), &cptext,
		       err, errlen) < 0 ||
	    load_tags(s, &tags, err, errlen) < 0)
		goto out;
	if (cptext.len > 0) {
		struct checkpoint old;
		if (checkpoint_parse(cptext.data, &old) == 0 && old.from == cp.from &&
		    old.to == cp.to && old.chunk_start >= cp.from &&
		    old.chunk_start <= cp.to + 1) {
			cp = old;
			s->st->resumed = 1;
			char d[16];
			time_format_date(cp.chunk_start, d, sizeof(d));
			/* A resumed page is checked against the entry the checkpoint
			 * names; one that names none cannot be, so its chunk is read
			 * from the first row, the one position that cannot move. */
			if (cp.next_row > 0 && !cp.next_id[0]) {
				log_info("toggl: the checkpoint at row %lld of the chunk from %s "
					 "names no entry to check it by; reading the chunk "
					 "from its first row", cp.next_row, d);
				cp.next_row = 0;
			}
			log_info("toggl: resuming the backfill at %s, row %lld", d,
				 cp.next_row > 0 ? cp.next_row : 1);
		} else {
			log_info("toggl: an unfinished backfill of another range is "
				 "dropped; starting this one from the beginning");
		}
	}

	/* The progress line shows the asked range, not the chunk's. */
	range_progress_init(&prog, "toggl: backfill", cp.from, cp.to,
			    cp.reached >= cp.chunk_start ? cp.reached + 1 : cp.chunk_start,
			    time_now_usec());
	int have = 0;                   /* slot[cur] holds the page for cp */
	while (cp.chunk_start <= cp.to) {
		struct fetch *f = &slot[cur];
		if (!have) {
			if (++fetched > max_pages) {
				snprintf(err, errlen, "the backfill stopped after %d Reports "
					 "pages (--max-pages); the checkpoint is kept: rerun "
					 "the same command to continue", max_pages);
				goto out;
			}
			range_progress_show(&prog);
			fetch_prepare(f, &cp, page_size);
			fetch_run(f);
		}
		have = 0;
		const char *sd = f->sd, *ed = f->ed;
		if (f->rc < 0) {
			snprintf(err, errlen, "%s", f->err);
			goto out;
		}
		if (!page_is_list(&f->resp.body)) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s is not a list", sd, ed);
			goto out;
		}
		/* Identity: the page asked for by row number must start with the
		 * entry the previous page (or the checkpoint) announced in
		 * X-Next-ID.  Rows are numbered afresh on every request, so entries
		 * deleted (or added) upstream before that row since it was
		 * announced shift it: reading on by number would skip rows.  On a
		 * mismatch the chunk is read again from its first row, the one
		 * position that cannot have moved (merging is idempotent). */
		if (cp.next_row > 0 && cp.next_id[0] &&
		    !toggl_page_text_starts_with(f->resp.body.data, f->resp.body.len,
						 cp.next_id)) {
			if (++rereads > TOGGL_MAX_REREADS) {
				snprintf(err, errlen, "Toggl's Reports rows for %s..%s kept moving "
					 "while paging (%d re-reads); the checkpoint is kept, "
					 "rerun later", sd, ed, TOGGL_MAX_REREADS);
				goto out;
			}
			log_warn("toggl: the Reports page at row %lld of %s..%s does not "
				 "start with entry %s (entries were deleted or added "
				 "upstream); reading %s..%s again from its first row",
				 cp.next_row, sd, ed, cp.next_id, sd, ed);
			cp.next_row = 0;
			cp.next_id[0] = '\0';
			continue;
		}
		const char *next_row = http_response_header(&f->resp, "X-Next-Row-Number");
		const char *next_id = http_response_header(&f->resp, "X-Next-ID");
		long long nr = 0, nid = 0;
		if (toggl_parse_paging_header(next_row, &nr) < 0) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s has an "
				 "X-Next-Row-Number that is not a row number ('%.40s'); stopping",
				 sd, ed, next_row);
			goto out;
		}
		if (toggl_parse_paging_header(next_id, &nid) < 0) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s has an "
				 "X-Next-ID that is not an id ('%.40s'); stopping", sd, ed, next_id);
			goto out;
		}
		/* Paging must move forward, or the loop would never end. */
		if (nr > 0 && page_is_empty(&f->resp.body)) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s is empty but "
				 "announces row %lld; stopping", sd, ed, nr);
			goto out;
		}
		if (nr > 0 && nr <= cp.next_row) {
			snprintf(err, errlen, "Toggl's Reports paging went backwards "
				 "(row %lld after %lld); stopping", nr, cp.next_row);
			goto out;
		}
		if (f->read < 0) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s cannot be read "
				 "row by row (not a list of rows, or nested too deep); "
				 "stopping", sd, ed);
			goto out;
		}
		struct checkpoint next = cp;
		if (nr > 0) {
			next.next_row = nr;
			if (nid > 0)
				snprintf(next.next_id, sizeof(next.next_id), "%lld", nid);
			else
				next.next_id[0] = '\0';
		} else {
			next.chunk_start = f->chunk_end;
			next.next_row = 0;
			next.next_id[0] = '\0';
			if (f->chunk_end >= cp.to + 1)
				next.chunk_start = cp.to + 1;
		}
		int done = next.chunk_start > cp.to;
		/* Reached: the end of a finished chunk, else the page's last day. */
		int32_t reached = next.chunk_start > cp.chunk_start ? next.chunk_start - 1 :
			f->last_day;
		/* The answer is read: only its rows are kept (two pages are in
		 * memory at a time, the next one arriving). */
		http_response_release(&f->resp);
		http_response_init(&f->resp);
		int64_t rows_before = s->st->rows_read;
		if (reached > next.reached)
			next.reached = reached;
		checkpoint_text(&next, &cptext);

		/* The next page is asked for while this one is written; it is
		 * looked at only once this one has committed. */
		struct fetch *nf = &slot[!cur];
		int capped = 0;
		if (!done) {
			if (++fetched > max_pages) {
				capped = 1;
			} else {
				fetch_prepare(nf, &next, page_size);
				fetch_start(nf);
				have = 1;
			}
		}
		int64_t written = 0;
		if (db_begin(s->db, err, errlen) < 0)
			goto out;
		if (load_rows(s, &f->rows, "raw.toggl_track__time_entries", "reports/v3", 1,
			      f->read, &written, err, errlen) < 0 ||
		    quarantine_store(s->db, &f->q, err, errlen) < 0 ||
		    save_state(s, "toggl_track.backfill", NULL, done ? NULL : cptext.data,
			       written > 0, err, errlen) < 0 ||
		    db_commit(s->db, err, errlen) < 0) {
			db_rollback(s->db);
			goto out;
		}
		fetch_wait(nf);
		s->st->rows_quarantined += (int64_t)f->q.n;
		quarantine_warn(&f->q, "sync toggl");
		s->st->pages++;
		range_progress_page(&prog, s->st->rows_read - rows_before, reached);
		cp = next;
		/* Without X-Next-ID the next page cannot be checked: the API gave
		 * nothing to check it by (within one run rows rarely move). */
		if (capped) {
			snprintf(err, errlen, "the backfill stopped after %d Reports pages "
				 "(--max-pages); the checkpoint is kept: rerun the same "
				 "command to continue", max_pages);
			goto out;
		}
		if (have) {
			range_progress_show(&prog);
			cur = !cur;
		}
	}
	range_progress_show(&prog);
	log_progress_done();
	rc = 0;
out:
	fetch_wait(&slot[0]);
	fetch_wait(&slot[1]);
	fetch_release(&slot[0]);
	fetch_release(&slot[1]);
	toggl_tags_release(&tags);
	buf_release(&cptext);
	buf_release(&url);
	return rc;
}

/* ---- the run ---- */

/* A stored cursor is never later than the moment it was saved less the
 * overlap (the database's clock, not the server's): one written before
 * cursors were bounded by the local clock, from a reply with a Date in the
 * future, would otherwise ask for changes "since" a time not reached yet. */
static void clamp_stored_cursor(const struct raw_state *st, long long *since)
{
	long long bound = (long long)st->saved_epoch - SINCE_OVERLAP_SEC;
	if (*since > bound) {
		log_warn("toggl: the stored since cursor %lld is later than when it was "
			 "saved; using %lld", *since, bound);
		*since = bound;
	}
}

static int sync_auto(struct sync *s, char *err, size_t errlen)
{
	struct raw_state st;
	int days = s->opt->days > 0 ? s->opt->days : TOGGL_DEFAULT_DAYS;

	if (raw_state_load(s->db, "toggl_track.time_entries", &st, err, errlen) < 0)
		return -1;
	long long since = st.cursor && st.cursor[0] ? strtoll(st.cursor, NULL, 10) : 0;
	if (since > 0)
		clamp_stored_cursor(&st, &since);
	raw_state_release(&st);
	long long oldest = time_now_usec() / USEC_PER_SEC -
			   (long long)TOGGL_SINCE_MAX_DAYS * 86400;
	if (since > 0 && since >= oldest)
		return sync_since(s, since, err, errlen);
	if (since > 0)
		log_info("toggl: the since cursor is older than %d days; syncing the "
			 "last %d days instead", TOGGL_SINCE_MAX_DAYS, days);
	return sync_days(s, days, err, errlen);
}

int toggl_sync(PGconn *db, const struct config *cfg, const struct toggl_options *opt,
	       struct toggl_stats *st, char *err, size_t errlen)
{
	struct sync s;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	s.db = db;
	s.cfg = cfg;
	s.opt = opt;
	s.st = st;
	if (!cfg->toggl_api_token || !cfg->toggl_api_token[0]) {
		snprintf(err, errlen, "TOGGL_API_TOKEN is not set; put your Toggl API token in it");
		return -1;
	}
	snprintf(s.base, sizeof(s.base), "%s", cfg->toggl_api_base);
	size_t n = strlen(s.base);
	while (n > 0 && s.base[n - 1] == '/')
		s.base[--n] = '\0';
	if (http_client_init(&s.http, "toggl", cfg, err, errlen) < 0)
		return -1;
	s.http.classify = classify;
	s.http.json_prepare = validate_mark_lone_surrogates;
	if (raw_exec_file(db, "connectors/toggl_stage.sql", err, errlen) < 0)
		goto out;

	int locked = db_lock(db, "dwhbi.sync.toggl", 0, err, errlen);
	if (locked < 0)
		goto out;
	if (locked == 0) {
		snprintf(err, errlen, "another 'dwhbi sync toggl' is running on this "
			 "database; try again when it has finished");
		goto out;
	}
	if (sync_masters(&s, err, errlen) < 0)
		goto unlock;
	switch (opt->mode) {
	case TOGGL_DAYS:
		rc = sync_days(&s, opt->days > 0 ? opt->days : TOGGL_DEFAULT_DAYS, err, errlen);
		break;
	case TOGGL_SINCE:
		rc = sync_since(&s, opt->since_usec / USEC_PER_SEC, err, errlen);
		break;
	case TOGGL_BACKFILL:
		rc = sync_backfill(&s, err, errlen);
		break;
	default:
		rc = sync_auto(&s, err, errlen);
		break;
	}
	if (rc == 0)
		rc = save_state(&s, "toggl_track", NULL, NULL,
				st->rows_written + st->rows_deleted > 0, err, errlen);
unlock:
	{
		char ignored[128];
		db_unlock(db, "dwhbi.sync.toggl", ignored, sizeof(ignored));
	}
out:
	log_progress_done();
	st->requests = s.http.requests;
	st->retries = s.http.retries;
	http_client_release(&s.http);
	return rc;
}
