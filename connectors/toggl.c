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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/config.h"
#include "connectors/http.h"
#include "connectors/quarantine.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/progress.h"
#include "lib/timeutil.h"

/* One temporary table per session holds the pages of the current
 * transaction (emptied at commit); sql/0010_toggl.sql reads it. */
static const char SQL_PAGE_TABLE[] =
	"CREATE TEMP TABLE IF NOT EXISTS toggl_page (body jsonb) ON COMMIT DELETE ROWS";
static const char SQL_PAGE_COPY[] = "COPY pg_temp.toggl_page (body) FROM STDIN";
static const char SQL_MERGE[] =
	"SELECT read, written, deleted FROM ops.toggl_merge_page($1::regclass, $2, $3::bigint)";
static const char SQL_RECONCILE_MASTER[] =
	"SELECT ops.toggl_reconcile_master($1::regclass, $2)";
static const char SQL_RECONCILE_WINDOW[] =
	"SELECT ops.toggl_reconcile_window($1::timestamptz, $2::timestamptz)";
static const char SQL_SAVE_STATE[] =
	"SELECT ops.toggl_save_state($1, $2, $3::jsonb, $4::boolean)";
/* Quarantined ids count as listed for a window reconcile (their raw rows,
 * if any, keep their last valid version rather than being marked deleted). */
static const char SQL_PAGE_KEEP_IDS[] =
	"INSERT INTO pg_temp.toggl_page (body) SELECT COALESCE(jsonb_agg("
	"jsonb_build_object('id', i)), '[]') FROM unnest($1::text[]) AS i";
static const char SQL_LOAD_STATE[] =
	"SELECT COALESCE(cursor, ''), COALESCE(checkpoint::text, '') "
	"FROM ops.sync_state WHERE source = $1";

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
static int call(struct sync *s, const char *method, const char *url,
		const char *body, struct http_response *resp, char *err, size_t errlen)
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
	req.want_json = 1;
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

/* ---- database steps ---- */

static int copy_pages(struct sync *s, struct buf *const *bodies, int n,
		      char *err, size_t errlen)
{
	struct buf line = BUF_INIT;
	if (db_exec(s->db, SQL_PAGE_TABLE, err, errlen) < 0)
		return -1;
	if (db_copy_begin(s->db, SQL_PAGE_COPY, err, errlen) < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		buf_reset(&line);
		buf_copy_field(&line, bodies[i]->data);
		buf_putc(&line, '\n');
		rc = db_copy_data(s->db, line.data, line.len, err, errlen);
	}
	buf_release(&line);
	if (db_copy_end(s->db, rc == 0 ? err : NULL, rc == 0 ? errlen : 0) < 0)
		rc = -1;
	return rc;
}

static int merge(struct sync *s, const char *table, const char *version,
		 const char *report_wid, int64_t *written, char *err, size_t errlen)
{
	const char *params[3] = { table, version, report_wid };
	PGresult *res = db_query(s->db, SQL_MERGE, 3, params, err, errlen);
	if (!res)
		return -1;
	int64_t r = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	int64_t w = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	int64_t d = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	s->st->rows_read += r;
	s->st->rows_written += w;
	s->st->rows_deleted += d;
	*written = w;
	return 0;
}

static int count_query(struct sync *s, const char *sql, int n, const char *const *params,
		       int64_t *out, char *err, size_t errlen)
{
	char v[32];
	if (db_query_value(s->db, sql, n, params, v, sizeof(v), err, errlen) < 0)
		return -1;
	*out = strtoll(v, NULL, 10);
	return 0;
}

static int save_state(struct sync *s, const char *source, const char *cursor,
		      const char *checkpoint, int changed, char *err, size_t errlen)
{
	const char *params[4] = { source, cursor, checkpoint, changed ? "true" : "false" };
	return db_exec_params(s->db, SQL_SAVE_STATE, 4, params, err, errlen);
}

static int load_state(struct sync *s, const char *source, char *cursor, size_t clen,
		      struct buf *checkpoint, char *err, size_t errlen)
{
	const char *params[1] = { source };
	PGresult *res = db_query(s->db, SQL_LOAD_STATE, 1, params, err, errlen);
	if (!res)
		return -1;
	cursor[0] = '\0';
	buf_reset(checkpoint);
	if (PQntuples(res) == 1) {
		snprintf(cursor, clen, "%s", PQgetvalue(res, 0, 0));
		buf_puts(checkpoint, PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return 0;
}

/* Stores a complete listing of one master entity in one transaction:
 * merge, mark what vanished as deleted (reconcile: NULL = no, "" = whole
 * table, else a workspace id), stamp the source. */
static int store_listing(struct sync *s, const char *table, const char *source,
			 struct buf *const *bodies, int n, const char *reconcile,
			 char *err, size_t errlen)
{
	int64_t written = 0, gone = 0;
	if (db_begin(s->db, err, errlen) < 0)
		return -1;
	if (copy_pages(s, bodies, n, err, errlen) < 0 ||
	    merge(s, table, "v9", NULL, &written, err, errlen) < 0)
		goto fail;
	if (reconcile) {
		const char *params[2] = { table, reconcile[0] ? reconcile : NULL };
		if (count_query(s, SQL_RECONCILE_MASTER, 2, params, &gone, err, errlen) < 0)
			goto fail;
		s->st->rows_deleted += gone;
	}
	if (save_state(s, source, NULL, NULL, written + gone > 0, err, errlen) < 0 ||
	    db_commit(s->db, err, errlen) < 0)
		goto fail;
	s->st->pages += n;
	return 0;
fail:
	db_rollback(s->db);
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
	rc = store_listing(s, "raw.toggl_track__me", "toggl_track.me", pages, 1, NULL,
			   err, errlen);
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
	rc = store_listing(s, "raw.toggl_track__workspaces", "toggl_track.workspaces",
			   pages, 1, "", err, errlen);
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
	for (int i = 0; i < n; i++)
		pages[i] = &resp[i].body;
	rc = store_listing(s, "raw.toggl_track__projects", "toggl_track.projects",
			   pages, n, wid, err, errlen);
out:
	for (int i = 0; i < n; i++)
		http_response_release(&resp[i]);
	free(resp);
	free(pages);
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
	rc = store_listing(s, table.data, source.data, pages, 1, wid, err, errlen);
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
	struct quarantine q;
	char cursor[32];
	int64_t written = 0, gone = 0;
	int rc = -1;

	http_response_init(&resp);
	quarantine_init(&q, "toggl_track", "time_entries");
	if (get_one(s, url, &resp, err, errlen) < 0)
		goto out;
	if (!cJSON_IsArray(resp.json)) {
		snprintf(err, errlen, "Toggl's time entries answer is not a list");
		goto out;
	}
	next_cursor(&resp, cursor, sizeof(cursor));
	quarantine_screen_toggl_v9(&q, &resp.body, &clean);
	if (db_begin(s->db, err, errlen) < 0)
		goto out;
	if (copy_pages(s, pages, 1, err, errlen) < 0 ||
	    merge(s, "raw.toggl_track__time_entries", "v9", NULL, &written, err, errlen) < 0 ||
	    quarantine_store(s->db, &q, err, errlen) < 0)
		goto fail;
	if (lo || hi) {
		char a[40], b[40];
		time_format_rfc3339(lo, a, sizeof(a));
		time_format_rfc3339(hi, b, sizeof(b));
		const char *params[2] = { a, b };
		quarantine_ids_literal(&q, &kept);
		const char *keep[1] = { kept.data };
		if (q.n && db_exec_params(s->db, SQL_PAGE_KEEP_IDS, 1, keep, err, errlen) < 0)
			goto fail;
		if (count_query(s, SQL_RECONCILE_WINDOW, 2, params, &gone, err, errlen) < 0)
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

/* The latest start day among a Reports page's entries (rows hold their
 * entries in "time_entries"; "start" begins with the local date), or -1. */
static int32_t page_last_day(const cJSON *rows)
{
	const cJSON *row, *te;
	int32_t last = -1, d;
	char day[11];

	cJSON_ArrayForEach(row, rows) {
		cJSON_ArrayForEach(te, cJSON_GetObjectItemCaseSensitive(row, "time_entries")) {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(te, "start");

			if (!cJSON_IsString(st) || strlen(st->valuestring) < 10)
				continue;
			memcpy(day, st->valuestring, 10);
			day[10] = '\0';
			if (time_parse_date(day, &d) == 0 && d > last)
				last = d;
		}
	}
	return last;
}

static int sync_backfill(struct sync *s, char *err, size_t errlen)
{
	struct range_progress prog;
	const char *wid = s->cfg->toggl_workspace_id > 0 ? s->wids[0] : s->default_wid;
	int page_size = s->opt->page_size > 0 ? s->opt->page_size : TOGGL_DEFAULT_PAGE_SIZE;
	struct checkpoint cp = { s->opt->backfill_from, s->opt->backfill_to,
				 s->opt->backfill_from, 0, "", 0 };
	struct buf cptext = BUF_INIT, url = BUF_INIT, body = BUF_INIT;
	struct http_response resp;
	struct buf clean = BUF_INIT;
	struct buf *pages[1] = { &clean };
	char cursor[32];
	int rc = -1;
	int max_pages = s->opt->max_pages > 0 ? s->opt->max_pages : TOGGL_DEFAULT_MAX_PAGES;
	int fetched = 0, rereads = 0;

	snprintf(s->st->mode, sizeof(s->st->mode), "backfill");
	http_response_init(&resp);
	if (!wid[0]) {
		snprintf(err, errlen, "no Toggl workspace to backfill: set TOGGL_WORKSPACE_ID");
		goto out;
	}
	if (load_state(s, "toggl_track.backfill", cursor, sizeof(cursor), &cptext,
		       err, errlen) < 0)
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
	url_start(s, &url, "/reports/api/v3/workspace/");
	buf_puts(&url, wid);
	buf_puts(&url, "/search/time_entries");
	while (cp.chunk_start <= cp.to) {
		/* One request covers at most a year.  The chunk's end is sent as
		 * the next chunk's start as well: whether Reports treats
		 * end_date as inclusive or not, no day falls between chunks (a
		 * day seen twice merges to the same rows). */
		int32_t chunk_end = cp.chunk_start + BACKFILL_CHUNK_DAYS;
		if (chunk_end > cp.to + 1)
			chunk_end = cp.to + 1;
		char sd[16], ed[16];
		time_format_date(cp.chunk_start, sd, sizeof(sd));
		time_format_date(chunk_end, ed, sizeof(ed));
		buf_reset(&body);
		buf_printf(&body, "{\"start_date\":\"%s\",\"end_date\":\"%s\","
			   "\"page_size\":%d,\"order_by\":\"date\",\"order_dir\":\"ASC\"",
			   sd, ed, page_size);
		/* Only first_row_number: both paging values together reportedly
		 * return nothing. */
		if (cp.next_row > 0)
			buf_printf(&body, ",\"first_row_number\":%lld", cp.next_row);
		buf_putc(&body, '}');
		if (++fetched > max_pages) {
			snprintf(err, errlen, "the backfill stopped after %d Reports pages "
				 "(--max-pages); the checkpoint is kept: rerun the same "
				 "command to continue", max_pages);
			goto out;
		}
		range_progress_show(&prog);
		if (call(s, "POST", url.data, body.data, &resp, err, errlen) < 0)
			goto out;
		if (!cJSON_IsArray(resp.json)) {
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
		    !toggl_page_starts_with(resp.json, cp.next_id)) {
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
		const char *next_row = http_response_header(&resp, "X-Next-Row-Number");
		const char *next_id = http_response_header(&resp, "X-Next-ID");
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
		if (nr > 0 && cJSON_GetArraySize(resp.json) == 0) {
			snprintf(err, errlen, "Toggl's Reports page for %s..%s is empty but "
				 "announces row %lld; stopping", sd, ed, nr);
			goto out;
		}
		if (nr > 0 && nr <= cp.next_row) {
			snprintf(err, errlen, "Toggl's Reports paging went backwards "
				 "(row %lld after %lld); stopping", nr, cp.next_row);
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
			next.chunk_start = chunk_end;
			next.next_row = 0;
			next.next_id[0] = '\0';
			if (chunk_end >= cp.to + 1)
				next.chunk_start = cp.to + 1;
		}
		int done = next.chunk_start > cp.to;
		/* Reached: the end of a finished chunk, else the page's last day. */
		int32_t reached = next.chunk_start > cp.chunk_start ? next.chunk_start - 1 :
			page_last_day(resp.json);
		int64_t rows_before = s->st->rows_read;
		if (reached > next.reached)
			next.reached = reached;
		checkpoint_text(&next, &cptext);

		int64_t written = 0;
		struct quarantine q;
		quarantine_init(&q, "toggl_track", "time_entries");
		quarantine_screen_toggl_reports(&q, &resp.body, &clean);
		if (db_begin(s->db, err, errlen) < 0) {
			quarantine_release(&q);
			goto out;
		}
		if (copy_pages(s, pages, 1, err, errlen) < 0 ||
		    merge(s, "raw.toggl_track__time_entries", "reports/v3", wid, &written,
			  err, errlen) < 0 ||
		    quarantine_store(s->db, &q, err, errlen) < 0 ||
		    save_state(s, "toggl_track.backfill", NULL, done ? NULL : cptext.data,
			       written > 0, err, errlen) < 0 ||
		    db_commit(s->db, err, errlen) < 0) {
			db_rollback(s->db);
			quarantine_release(&q);
			goto out;
		}
		s->st->rows_quarantined += (int64_t)q.n;
		quarantine_warn(&q, "sync toggl");
		quarantine_release(&q);
		s->st->pages++;
		range_progress_page(&prog, s->st->rows_read - rows_before, reached);
		cp = next;
		/* Without X-Next-ID the next page cannot be checked: the API gave
		 * nothing to check it by (within one run rows rarely move). */
	}
	range_progress_show(&prog);
	log_progress_done();
	rc = 0;
out:
	http_response_release(&resp);
	buf_release(&clean);
	buf_release(&cptext);
	buf_release(&url);
	buf_release(&body);
	return rc;
}

/* ---- the run ---- */

/* A stored cursor is never later than the moment it was saved less the
 * overlap (the database's clock, not the server's): one written before
 * cursors were bounded by the local clock, from a reply with a Date in the
 * future, would otherwise ask for changes "since" a time not reached yet. */
static int clamp_stored_cursor(struct sync *s, long long *since, char *err, size_t errlen)
{
	static const char sql[] =
		"SELECT floor(extract(epoch FROM least(updated_at, now())))::bigint "
		"FROM ops.sync_state WHERE source = 'toggl_track.time_entries'";
	char v[32];
	if (db_query_value(s->db, sql, 0, NULL, v, sizeof(v), err, errlen) < 0)
		return -1;
	long long bound = strtoll(v, NULL, 10) - SINCE_OVERLAP_SEC;
	if (v[0] && *since > bound) {
		log_warn("toggl: the stored since cursor %lld is later than when it was "
			 "saved; using %lld", *since, bound);
		*since = bound;
	}
	return 0;
}

static int sync_auto(struct sync *s, char *err, size_t errlen)
{
	struct buf cp = BUF_INIT;
	char cursor[32];
	int days = s->opt->days > 0 ? s->opt->days : TOGGL_DEFAULT_DAYS;

	if (load_state(s, "toggl_track.time_entries", cursor, sizeof(cursor), &cp,
		       err, errlen) < 0) {
		buf_release(&cp);
		return -1;
	}
	buf_release(&cp);
	long long since = cursor[0] ? strtoll(cursor, NULL, 10) : 0;
	if (since > 0 && clamp_stored_cursor(s, &since, err, errlen) < 0)
		return -1;
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
