/*
 * fake-toggl: a local Toggl Track (API v9 and Reports API v3) for the tests,
 * the demo and the benchmark, built on the fake core (core.h).  It behaves
 * as docs/upstream-apis.md says the real service does, awkward parts
 * included: Basic auth (401 with X-Authorization-Missing, 403 for a wrong
 * token), start-date windows that refuse old ranges, `since` listing deleted
 * entries, `since` + `before` refused, project paging capped at 200 per page,
 * clients active-only unless status=both, running entries with a duration of
 * -1 or -start, three timestamp forms, Reports rows holding several entries
 * and paged by X-Next-ID / X-Next-Row-Number, optional leaky-bucket 429s and
 * an hourly quota answered with 402 and quota headers.
 *
 * Data: --person SEED:FROM:DAYS (the synthetic person of person.h, in --tz,
 * as of the fake's clock), --scenario FILE (a JSON file of me/workspaces/projects/clients/tags/
 * time_entries in v9 shape), --bulk N[:FROM] (N synthetic back-to-back
 * entries from date FROM, for the benchmark), or both.  Control endpoints
 * (POST /__control/edit, /__control/delete, /__control/add, GET
 * /__control/dump) change and show the data between runs; POST
 * /__control/raw?id=N[&api=reports] serves an entry as given bytes
 * (hostile content); POST /__control/raw-master?entity=E&id=N does the same
 * for a project, client or tag (E projects|clients|tags).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "tests/fake/core.h"
#include "tests/fake/person.h"
#include "lib/timeutil.h"

struct entry {
	int64_t id, wid, pid, tid, uid;
	char *description;              /* NULL = null */
	int64_t start, stop;            /* usec; stop 0 = running */
	int64_t at, deleted;            /* usec; deleted 0 = live */
	int billable;
	int ntags;
	int64_t tag_ids[4];
	int32_t lday;                   /* local day of start (Reports rows) */
	char *raw_v9, *raw_report;      /* served instead of the generated v9
	                                   object / Reports time entry (hostile
	                                   content, POST /__control/raw) */
	size_t raw_v9_len, raw_report_len;
};

struct project {
	int64_t id, wid, cid;
	char *name, *color;
	int active;
	int64_t at;
};

struct client {
	int64_t id, wid;
	char *name;
	int archived;
	int64_t at;
};

struct tag {
	int64_t id, wid;
	char *name;
	int64_t at;
};

struct toggl {
	const char *token;
	const char *tz;
	const char *scenario;
	const char *bulk;
	const char *person;             /* SEED:FROM:DAYS */
	int history_days;               /* start_date limit */
	int rate;                       /* requests per second, 0 = unlimited */
	int quota;                      /* requests per hour, 0 = unlimited */
	int64_t user_id, wid;
	char *fullname, *email;
	struct entry *entries;          /* sorted by start */
	size_t nentries, capentries;
	struct project *projects;
	size_t nprojects;
	struct client *clients;
	size_t nclients;
	struct tag *tags;
	size_t ntags;
	int64_t recent[64];             /* request times for the leaky bucket */
	int nrecent;
	int64_t quota_hour;
	int quota_used;
	int64_t nrate_limited;
};

static struct toggl T = {
	.token = "fake-toggl-token",
	.tz = "UTC",
	.history_days = 90,
	.user_id = INT64_C(6543210987),
	.wid = INT64_C(4567890123),
};

/* ---- JSON writing (by hand: fast for the benchmark's million entries) ---- */

static void json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p);
		} else if (*p == '\n') {
			buf_puts(b, "\\n");
		} else if (*p == '\t') {
			buf_puts(b, "\\t");
		} else if (*p < 0x20) {
			buf_puts(b, "\\u00");
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		} else {
			buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

static void json_id(struct buf *b, int64_t id)
{
	if (id == 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%lld", (long long)id);
}

/* "2024-12-16T17:05:25+00:00" or with another offset (minutes). */
static void ts_offset(struct buf *b, int64_t usec, int offset_min)
{
	int64_t secs = usec / USEC_PER_SEC + (int64_t)offset_min * 60;
	int32_t day = (int32_t)(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
	int64_t rem = secs - (int64_t)day * 86400;
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	int off = offset_min < 0 ? -offset_min : offset_min;
	buf_printf(b, "\"%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d\"", y, m, d,
		   (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
		   offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

/* "2024-12-16T18:07:05.694469Z": the form `at` takes. */
static void ts_micro(struct buf *b, int64_t usec)
{
	int64_t secs = usec / USEC_PER_SEC;
	int32_t day = (int32_t)(secs / 86400);
	int64_t rem = secs % 86400;
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	buf_printf(b, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ\"", y, m, d,
		   (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
		   (int)(usec % USEC_PER_SEC));
}

/* The user's UTC offset at an instant, in minutes (Reports writes times in
 * it). */
static int user_offset(int64_t usec)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	return (int)(tm.tm_gmtoff / 60);
}

static const struct project *find_project(int64_t id)
{
	for (size_t i = 0; i < T.nprojects; i++)
		if (T.projects[i].id == id)
			return &T.projects[i];
	return NULL;
}

static const struct client *find_client(int64_t id)
{
	for (size_t i = 0; i < T.nclients; i++)
		if (T.clients[i].id == id)
			return &T.clients[i];
	return NULL;
}

static const char *tag_name(int64_t id)
{
	for (size_t i = 0; i < T.ntags; i++)
		if (T.tags[i].id == id)
			return T.tags[i].name;
	return NULL;
}

static void entry_json(struct buf *b, const struct entry *e, int meta)
{
	if (e->raw_v9) {
		buf_append(b, e->raw_v9, e->raw_v9_len);
		return;
	}
	buf_printf(b, "{\"id\":%lld,\"workspace_id\":%lld,\"project_id\":",
		   (long long)e->id, (long long)e->wid);
	json_id(b, e->pid);
	buf_puts(b, ",\"task_id\":");
	json_id(b, e->tid);
	buf_printf(b, ",\"billable\":%s,\"start\":", e->billable ? "true" : "false");
	ts_offset(b, e->start, 0);
	buf_puts(b, ",\"stop\":");
	if (e->stop)
		ts_offset(b, e->stop, 0);
	else
		buf_puts(b, "null");
	/* A running entry's duration is negative: -1 or -start (both are seen
	 * in the wild), chosen by the id so the data set has both. */
	long long duration = e->stop ? (long long)((e->stop - e->start) / USEC_PER_SEC) :
		(e->id % 2 ? -(long long)(e->start / USEC_PER_SEC) : -1LL);
	buf_printf(b, ",\"duration\":%lld,\"description\":", duration);
	json_str(b, e->description);
	buf_puts(b, ",\"tags\":[");
	for (int i = 0; i < e->ntags; i++) {
		if (i)
			buf_putc(b, ',');
		json_str(b, tag_name(e->tag_ids[i]));
	}
	buf_puts(b, "],\"tag_ids\":[");
	for (int i = 0; i < e->ntags; i++)
		buf_printf(b, "%s%lld", i ? "," : "", (long long)e->tag_ids[i]);
	buf_puts(b, "],\"duronly\":true,\"at\":");
	ts_micro(b, e->at);
	buf_puts(b, ",\"server_deleted_at\":");
	if (e->deleted)
		ts_micro(b, e->deleted);
	else
		buf_puts(b, "null");
	buf_printf(b, ",\"user_id\":%lld,\"uid\":%lld,\"wid\":%lld",
		   (long long)e->uid, (long long)e->uid, (long long)e->wid);
	if (e->pid)
		buf_printf(b, ",\"pid\":%lld", (long long)e->pid);
	if (meta) {
		const struct project *p = e->pid ? find_project(e->pid) : NULL;
		const struct client *c = p && p->cid ? find_client(p->cid) : NULL;
		buf_puts(b, ",\"project_name\":");
		json_str(b, p ? p->name : NULL);
		buf_puts(b, ",\"project_color\":");
		json_str(b, p ? p->color : NULL);
		buf_printf(b, ",\"project_active\":%s,\"client_name\":",
			   p ? (p->active ? "true" : "false") : "null");
		json_str(b, c ? c->name : NULL);
	}
	buf_putc(b, '}');
}

/* ---- hostile master content (POST /__control/raw-master) ---- */

#define MAX_RAW_MASTERS 16

static struct raw_master {
	char entity[16];
	int64_t id;
	char *raw;
	size_t len;
} raw_masters[MAX_RAW_MASTERS];

static struct raw_master *raw_master_find(const char *entity, int64_t id)
{
	for (int i = 0; i < MAX_RAW_MASTERS; i++)
		if (raw_masters[i].raw && raw_masters[i].id == id &&
		    strcmp(raw_masters[i].entity, entity) == 0)
			return &raw_masters[i];
	return NULL;
}

/* Appends the override of a master, if there is one: 1, else 0. */
static int raw_master_json(struct buf *b, const char *entity, int64_t id)
{
	const struct raw_master *m = raw_master_find(entity, id);
	if (!m)
		return 0;
	buf_append(b, m->raw, m->len);
	return 1;
}

static void project_json(struct buf *b, const struct project *p)
{
	if (raw_master_json(b, "projects", p->id))
		return;
	buf_printf(b, "{\"id\":%lld,\"workspace_id\":%lld,\"client_id\":",
		   (long long)p->id, (long long)p->wid);
	json_id(b, p->cid);
	buf_puts(b, ",\"name\":");
	json_str(b, p->name);
	buf_puts(b, ",\"is_private\":false,\"active\":");
	buf_puts(b, p->active ? "true" : "false");
	buf_puts(b, ",\"at\":");
	ts_offset(b, p->at, 0);
	buf_puts(b, ",\"color\":");
	json_str(b, p->color);
	buf_printf(b, ",\"billable\":false,\"template\":false,\"server_deleted_at\":null,"
		   "\"wid\":%lld,\"cid\":", (long long)p->wid);
	json_id(b, p->cid);
	buf_putc(b, '}');
}

static void client_json(struct buf *b, const struct client *c)
{
	if (raw_master_json(b, "clients", c->id))
		return;
	buf_printf(b, "{\"id\":%lld,\"wid\":%lld,\"archived\":%s,\"name\":",
		   (long long)c->id, (long long)c->wid, c->archived ? "true" : "false");
	json_str(b, c->name);
	buf_puts(b, ",\"at\":");
	ts_offset(b, c->at, 0);
	buf_puts(b, "}");
}

static void tag_json(struct buf *b, const struct tag *t)
{
	if (raw_master_json(b, "tags", t->id))
		return;
	buf_printf(b, "{\"id\":%lld,\"workspace_id\":%lld,\"name\":",
		   (long long)t->id, (long long)t->wid);
	json_str(b, t->name);
	buf_puts(b, ",\"at\":");
	ts_micro(b, t->at);
	buf_puts(b, "}");
}

static void me_json(struct buf *b)
{
	buf_printf(b, "{\"id\":%lld,\"email\":", (long long)T.user_id);
	json_str(b, T.email);
	buf_puts(b, ",\"fullname\":");
	json_str(b, T.fullname);
	buf_puts(b, ",\"timezone\":");
	json_str(b, T.tz);
	buf_printf(b, ",\"default_workspace_id\":%lld,\"beginning_of_week\":1,"
		   "\"image_url\":\"https://assets.track.toggl.com/images/profile.png\","
		   "\"at\":\"2024-12-16T01:55:24Z\",\"created_at\":\"2023-04-01T00:00:00Z\","
		   "\"has_password\":true}", (long long)T.wid);
}

static void workspace_json(struct buf *b)
{
	buf_printf(b, "[{\"id\":%lld,\"organization_id\":%lld,\"name\":",
		   (long long)T.wid, (long long)T.wid + 1);
	json_str(b, T.fullname ? "個人ワークスペース" : "Workspace");
	buf_puts(b, ",\"premium\":false,\"admin\":true,\"default_currency\":\"JPY\","
		 "\"at\":\"2024-12-16T01:55:24+00:00\",\"server_deleted_at\":null}]");
}

/* ---- data loading ---- */

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void sort_entries(void)
{
	for (size_t i = 0; i < T.nentries; i++)
		tz_local_day(T.tz, T.entries[i].start, &T.entries[i].lday);
	qsort(T.entries, T.nentries, sizeof(T.entries[0]), cmp_entry);
}

static struct entry *new_entry(void)
{
	if (T.nentries == T.capentries) {
		T.capentries = T.capentries ? T.capentries * 2 : 1024;
		T.entries = realloc(T.entries, T.capentries * sizeof(T.entries[0]));
		if (!T.entries)
			abort();
	}
	struct entry *e = &T.entries[T.nentries++];
	memset(e, 0, sizeof(*e));
	e->wid = T.wid;
	e->uid = T.user_id;
	return e;
}

static struct entry *find_entry(int64_t id)
{
	for (size_t i = 0; i < T.nentries; i++)
		if (T.entries[i].id == id)
			return &T.entries[i];
	return NULL;
}

/* A JSON number or numeric string as int64 (ids in scenario files may be
 * written either way). */
static int64_t get_i64(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	if (cJSON_IsNumber(v))
		return (int64_t)v->valuedouble;
	return 0;
}

static char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static int64_t get_time(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	int64_t usec;
	if (cJSON_IsString(v) && time_parse_rfc3339(v->valuestring, &usec, NULL) == 0)
		return usec;
	return 0;
}

/* Applies the fields present in o to e (used by scenarios, add and edit). */
static void apply_entry(struct entry *e, const cJSON *o)
{
	if (cJSON_HasObjectItem(o, "id"))
		e->id = get_i64(o, "id");
	if (cJSON_HasObjectItem(o, "project_id"))
		e->pid = get_i64(o, "project_id");
	if (cJSON_HasObjectItem(o, "description")) {
		free(e->description);
		e->description = get_str(o, "description");
	}
	if (cJSON_HasObjectItem(o, "start"))
		e->start = get_time(o, "start");
	if (cJSON_HasObjectItem(o, "stop"))
		e->stop = get_time(o, "stop");
	if (cJSON_HasObjectItem(o, "at"))
		e->at = get_time(o, "at");
	if (cJSON_HasObjectItem(o, "server_deleted_at"))
		e->deleted = get_time(o, "server_deleted_at");
	if (cJSON_HasObjectItem(o, "billable"))
		e->billable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "billable"));
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tag_ids");
	if (cJSON_IsArray(tags)) {
		const cJSON *t;
		e->ntags = 0;
		cJSON_ArrayForEach(t, tags) {
			if (e->ntags < 4)
				e->tag_ids[e->ntags++] = cJSON_IsString(t) ?
					strtoll(t->valuestring, NULL, 10) : (int64_t)t->valuedouble;
		}
	}
}

static int load_scenario(const char *path)
{
	struct buf text = BUF_INIT;
	if (buf_read_file(&text, path, 0) < 0) {
		fprintf(stderr, "fake-toggl: cannot open scenario '%s': %s\n", path,
			strerror(errno));
		buf_release(&text);
		return -1;
	}
	cJSON *root = cJSON_Parse(text.data);
	buf_release(&text);
	if (!root) {
		fprintf(stderr, "fake-toggl: scenario '%s' is not JSON\n", path);
		return -1;
	}
	const cJSON *me = cJSON_GetObjectItemCaseSensitive(root, "me");
	if (me) {
		if (get_i64(me, "id"))
			T.user_id = get_i64(me, "id");
		if (get_i64(me, "default_workspace_id"))
			T.wid = get_i64(me, "default_workspace_id");
		T.fullname = get_str(me, "fullname");
		T.email = get_str(me, "email");
		char *tz = get_str(me, "timezone");
		if (tz)
			T.tz = tz;
	}
	const cJSON *o;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "projects");
	T.nprojects = 0;
	T.projects = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*T.projects));
	cJSON_ArrayForEach(o, arr) {
		struct project *p = &T.projects[T.nprojects++];
		p->id = get_i64(o, "id");
		p->wid = T.wid;
		p->cid = get_i64(o, "client_id");
		p->name = get_str(o, "name");
		p->color = get_str(o, "color");
		p->active = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "active"));
		p->at = get_time(o, "at");
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "clients");
	T.clients = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*T.clients));
	cJSON_ArrayForEach(o, arr) {
		struct client *c = &T.clients[T.nclients++];
		c->id = get_i64(o, "id");
		c->wid = T.wid;
		c->name = get_str(o, "name");
		c->archived = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "archived"));
		c->at = get_time(o, "at");
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "tags");
	T.tags = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*T.tags));
	cJSON_ArrayForEach(o, arr) {
		struct tag *t = &T.tags[T.ntags++];
		t->id = get_i64(o, "id");
		t->wid = T.wid;
		t->name = get_str(o, "name");
		t->at = get_time(o, "at");
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "time_entries");
	cJSON_ArrayForEach(o, arr) {
		struct entry *e = new_entry();
		apply_entry(e, o);
		if (!e->at)
			e->at = e->stop ? e->stop : e->start;
	}
	cJSON_Delete(root);
	return 0;
}

/* The benchmark's data: n back-to-back entries of 9 minutes every 10
 * minutes from local midnight of from, over ten projects (names partly
 * Japanese), consecutive triples sharing a description so Reports rows hold
 * several entries. */
static int make_bulk(const char *spec)
{
	static const char *const names[] = { "睡眠", "Deep Work", "会議", "運動",
		"読書", "Commute", "家事", "食事", "Email", "ゲーム" };
	static const char *const colors[] = { "#06aaf5", "#c56bff", "#ea468d",
		"#fb8b14", "#06a893", "#4dc3ff", "#bc2d07", "#465bb3", "#990099",
		"#2da608" };
	char *colon = strchr(spec, ':');
	long long n = strtoll(spec, NULL, 10);
	int32_t from;
	int64_t t0;

	if (n <= 0 || (colon && time_parse_date(colon + 1, &from) < 0)) {
		fprintf(stderr, "fake-toggl: bad --bulk '%s' (want N[:YYYY-MM-DD])\n", spec);
		return -1;
	}
	if (!colon)
		time_parse_date("2010-01-01", &from);
	if (tz_day_start(T.tz, from, &t0) < 0)
		return -1;
	if (T.nprojects == 0) {
		T.projects = calloc(10, sizeof(*T.projects));
		for (int i = 0; i < 10; i++) {
			struct project *p = &T.projects[T.nprojects++];
			p->id = INT64_C(3000000000) + i;
			p->wid = T.wid;
			p->name = strdup(names[i]);
			p->color = strdup(colors[i]);
			p->active = 1;
			p->at = t0;
		}
	}
	int64_t base_id = INT64_C(3900000000);
	for (long long i = 0; i < n; i++) {
		struct entry *e = new_entry();
		char desc[64];
		e->id = base_id + i;
		e->pid = T.projects[(i / 3) % (long long)T.nprojects].id;
		snprintf(desc, sizeof(desc), "作業 %lld", i / 3);
		e->description = strdup(desc);
		e->start = t0 + (int64_t)i * 600 * USEC_PER_SEC;
		e->stop = e->start + 540 * USEC_PER_SEC;
		e->at = e->stop + 60 * USEC_PER_SEC + 123456;
	}
	return 0;
}

/* The synthetic person of person.h: SEED:FROM:DAYS local days in --tz,
 * generated as of the fake's clock. */
static int load_person(const char *spec, int64_t now)
{
	uint64_t seed;
	unsigned flags;
	int ndays;
	int32_t first;
	struct person p;
	char err[256];

	if (person_spec_parse(spec, &seed, &first, &ndays, &flags) < 0) {
		fprintf(stderr, "fake-toggl: bad --person '%s' (want "
			"SEED:YYYY-MM-DD:DAYS[:PROFILE])\n", spec);
		return -1;
	}
	if (person_generate_profile(&p, seed, flags, first, ndays, T.tz, now, err,
				    sizeof(err)) < 0) {
		fprintf(stderr, "fake-toggl: person: %s\n", err);
		return -1;
	}
	T.user_id = p.user_id;
	T.wid = p.workspace_id;
	T.fullname = strdup(p.fullname);
	T.email = strdup(p.email);
	T.clients = calloc(p.nclients + 1, sizeof(*T.clients));
	for (size_t i = 0; i < p.nclients; i++) {
		struct client *c = &T.clients[T.nclients++];
		c->id = p.clients[i].id;
		c->wid = T.wid;
		c->name = strdup(p.clients[i].name);
		c->archived = !p.clients[i].active;
		c->at = (int64_t)first * 86400 * USEC_PER_SEC;
	}
	T.tags = calloc(p.ntags + 1, sizeof(*T.tags));
	for (size_t i = 0; i < p.ntags; i++) {
		struct tag *t = &T.tags[T.ntags++];
		t->id = p.tags[i].id;
		t->wid = T.wid;
		t->name = strdup(p.tags[i].name);
		t->at = (int64_t)first * 86400 * USEC_PER_SEC + 654321;
	}
	T.projects = calloc(p.nprojects + 1, sizeof(*T.projects));
	for (size_t i = 0; i < p.nprojects; i++) {
		struct project *q = &T.projects[T.nprojects++];
		q->id = p.projects[i].id;
		q->wid = T.wid;
		q->cid = p.projects[i].client_id;
		q->name = strdup(p.projects[i].name);
		q->color = strdup(p.projects[i].color);
		q->active = p.projects[i].active;
		q->at = (int64_t)first * 86400 * USEC_PER_SEC;
	}
	for (size_t i = 0; i < p.nentries; i++) {
		const struct person_entry *pe = &p.entries[i];
		struct entry *e = new_entry();
		e->id = pe->id;
		e->pid = pe->project_id;
		e->description = pe->description ? strdup(pe->description) : NULL;
		e->start = pe->start_usec;
		e->stop = pe->stop_usec;
		e->at = pe->at_usec;
		e->deleted = pe->deleted_usec;
		e->ntags = pe->ntags < 4 ? pe->ntags : 4;
		for (int k = 0; k < e->ntags; k++)
			e->tag_ids[k] = pe->tag_ids[k];
	}
	person_release(&p);
	return 0;
}

/* ---- options and setup ---- */

static int option(void *data, int argc, char **argv, int *i)
{
	(void)data;
	const char *a = argv[*i];
	if (*i + 1 >= argc)
		return 0;
	const char *v = argv[*i + 1];
	if (strcmp(a, "--token") == 0)
		T.token = v;
	else if (strcmp(a, "--tz") == 0)
		T.tz = v;
	else if (strcmp(a, "--scenario") == 0)
		T.scenario = v;
	else if (strcmp(a, "--person") == 0)
		T.person = v;
	else if (strcmp(a, "--bulk") == 0)
		T.bulk = v;
	else if (strcmp(a, "--history-days") == 0)
		T.history_days = atoi(v);
	else if (strcmp(a, "--rate") == 0)
		T.rate = atoi(v);
	else if (strcmp(a, "--quota") == 0)
		T.quota = atoi(v);
	else
		return 0;
	(*i)++;
	return 1;
}

static int setup(struct fake_server *s, void *data)
{
	(void)s;
	(void)data;
	if (tz_valid(T.tz) != 0) {
		fprintf(stderr, "fake-toggl: unknown time zone '%s'\n", T.tz);
		return -1;
	}
	if (T.scenario && T.person) {
		fprintf(stderr, "fake-toggl: --scenario and --person each give the whole "
			"account's data; pass one of them\n");
		return -1;
	}
	if (T.scenario && load_scenario(T.scenario) < 0)
		return -1;
	if (T.person && load_person(T.person, fake_now(s)) < 0)
		return -1;
	/* Reports writes times in the user's offset: let localtime_r use the
	 * user's zone (this process only serves one user). */
	setenv("TZ", T.tz, 1);
	tzset();
	if (T.bulk && make_bulk(T.bulk) < 0)
		return -1;
	if (!T.fullname)
		T.fullname = strdup("山田 太郎");
	if (!T.email)
		T.email = strdup("taro@example.com");
	sort_entries();
	return 0;
}

/* ---- request gate: auth, leaky bucket, hourly quota ---- */

static int gate(struct fake_server *s, const struct fake_request *req,
		struct fake_response *resp)
{
	char user[256], pass[256];
	if (!fake_header(req, "Authorization")) {
		resp->status = 401;
		fake_set_header(resp, "X-Authorization-Missing", "true");
		return 1;
	}
	if (fake_basic_auth(req, user, sizeof(user), pass, sizeof(pass)) < 0 ||
	    strcmp(user, T.token) != 0 || strcmp(pass, "api_token") != 0) {
		fake_reply_text(resp, 403, "Incorrect username and/or password");
		return 1;
	}
	int64_t now = fake_now(s);
	if (T.quota > 0) {
		int64_t hour = now / (3600 * USEC_PER_SEC);
		if (hour != T.quota_hour) {
			T.quota_hour = hour;
			T.quota_used = 0;
		}
		if (T.quota_used >= T.quota) {
			char secs[32];
			snprintf(secs, sizeof(secs), "%lld", (long long)
				 (((hour + 1) * 3600 * USEC_PER_SEC - now) / USEC_PER_SEC + 1));
			fake_reply_text(resp, 402, "You have hit your hourly limit for API calls.");
			fake_set_header(resp, "X-Toggl-Quota-Remaining", "0");
			fake_set_header(resp, "X-Toggl-Quota-Resets-In", secs);
			return 1;
		}
		T.quota_used++;
	}
	if (T.rate > 0) {
		/* Leaky bucket of about `rate` requests per second. */
		int n = 0;
		for (int i = 0; i < T.nrecent; i++)
			if (now - T.recent[i] < USEC_PER_SEC)
				T.recent[n++] = T.recent[i];
		T.nrecent = n;
		if (n >= T.rate || n >= 64) {
			/* With or without Retry-After: the real service does both. */
			T.nrate_limited++;
			fake_reply_text(resp, 429, "Too Many Requests");
			if (T.nrate_limited % 2)
				fake_set_header(resp, "Retry-After", "1");
			return 1;
		}
		T.recent[T.nrecent++] = now;
	}
	return 0;
}

/* ---- v9 endpoints ---- */

static void send_buf(struct fake_response *resp, int status, struct buf *b)
{
	resp->status = status;
	buf_release(&resp->body);
	resp->body = *b;
	buf_init(b);
	resp->content_type = "application/json";
}

static void get_me(struct fake_server *s, const struct fake_request *req,
		   struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp))
		return;
	struct buf b = BUF_INIT;
	me_json(&b);
	send_buf(resp, 200, &b);
}

static void get_workspaces(struct fake_server *s, const struct fake_request *req,
			   struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp))
		return;
	struct buf b = BUF_INIT;
	workspace_json(&b);
	send_buf(resp, 200, &b);
}

/* A query time: RFC 3339 or YYYY-MM-DD (midnight UTC). */
static int parse_query_time(const char *v, int64_t *usec)
{
	int32_t day;
	if (time_parse_rfc3339(v, usec, NULL) == 0)
		return 0;
	if (strlen(v) == 10 && time_parse_date(v, &day) == 0) {
		*usec = (int64_t)day * 86400 * USEC_PER_SEC;
		return 0;
	}
	return -1;
}

static void get_time_entries(struct fake_server *s, const struct fake_request *req,
			     struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp))
		return;
	const char *since = fake_query(req, "since");
	const char *before = fake_query(req, "before");
	const char *start_date = fake_query(req, "start_date");
	const char *end_date = fake_query(req, "end_date");
	const char *meta = fake_query(req, "meta");
	int with_meta = meta && strcmp(meta, "true") == 0;
	int64_t now = fake_now(s);
	int64_t lo = INT64_MIN, hi = INT64_MAX, since_usec = 0;

	if (since && before) {
		fake_reply_json(resp, 400, cJSON_CreateString(
			"'since' and 'before' can not be present simultaneously"));
		return;
	}
	if (since) {
		char *end;
		long long v = strtoll(since, &end, 10);
		if (end == since || *end) {
			fake_reply_json(resp, 400, cJSON_CreateString(
				"since must be a UNIX timestamp"));
			return;
		}
		since_usec = (int64_t)v * USEC_PER_SEC;
	}
	if (start_date || end_date) {
		if ((start_date && parse_query_time(start_date, &lo) < 0) ||
		    (end_date && parse_query_time(end_date, &hi) < 0)) {
			fake_reply_text(resp, 400, "invalid start_date or end_date");
			return;
		}
		int32_t today;
		tz_local_day("UTC", now, &today);
		int32_t limit = today - T.history_days;
		if (start_date && lo < (int64_t)limit * 86400 * USEC_PER_SEC) {
			char date[16], msg[80];
			time_format_date(limit, date, sizeof(date));
			snprintf(msg, sizeof(msg), "start_date must not be earlier than %s", date);
			fake_reply_text(resp, 400, msg);
			return;
		}
		if (start_date && end_date && hi < lo) {
			fake_reply_text(resp, 400, "end_date must not be earlier than start_date");
			return;
		}
	} else if (before) {
		if (parse_query_time(before, &hi) < 0) {
			fake_reply_text(resp, 400, "invalid before");
			return;
		}
	} else if (!since) {
		/* No filter: the recent entries only. */
		lo = now - 9 * 86400 * USEC_PER_SEC;
	}

	struct buf b = BUF_INIT;
	int first = 1;
	buf_putc(&b, '[');
	/* Newest first. */
	for (size_t k = T.nentries; k-- > 0;) {
		const struct entry *e = &T.entries[k];
		if (since) {
			if (e->at < since_usec)
				continue;
		} else {
			if (e->deleted || e->start < lo || e->start >= hi)
				continue;
		}
		if (!first)
			buf_putc(&b, ',');
		first = 0;
		entry_json(&b, e, with_meta);
	}
	buf_putc(&b, ']');
	send_buf(resp, 200, &b);
}

static void get_current(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp))
		return;
	struct buf b = BUF_INIT;
	for (size_t k = T.nentries; k-- > 0;) {
		if (!T.entries[k].stop && !T.entries[k].deleted) {
			entry_json(&b, &T.entries[k], 0);
			break;
		}
	}
	if (b.len == 0)
		buf_puts(&b, "null");
	send_buf(resp, 200, &b);
}

static int check_workspace(const struct fake_request *req, struct fake_response *resp)
{
	if (req->nargs < 1 || strtoll(req->args[0], NULL, 10) != T.wid) {
		fake_reply_json(resp, 403, cJSON_CreateString(
			"Incorrect workspace or no access to it"));
		return 1;
	}
	return 0;
}

static void get_projects(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp) || check_workspace(req, resp))
		return;
	const char *active = fake_query(req, "active");
	const char *page_s = fake_query(req, "page");
	const char *per_s = fake_query(req, "per_page");
	int page = page_s ? atoi(page_s) : 1;
	int per = per_s ? atoi(per_s) : 151;
	if (page < 1)
		page = 1;
	if (per < 1)
		per = 151;
	if (per > 200)
		per = 200;
	int want_active = 1, want_archived = 0;
	if (active && strcmp(active, "both") == 0)
		want_archived = 1;
	else if (active && strcmp(active, "false") == 0) {
		want_active = 0;
		want_archived = 1;
	}
	struct buf b = BUF_INIT;
	int skip = (page - 1) * per, n = 0;
	buf_putc(&b, '[');
	for (size_t i = 0; i < T.nprojects; i++) {
		const struct project *p = &T.projects[i];
		if ((p->active && !want_active) || (!p->active && !want_archived))
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		if (n == per)
			break;
		if (n++)
			buf_putc(&b, ',');
		project_json(&b, p);
	}
	buf_putc(&b, ']');
	send_buf(resp, 200, &b);
}

static void get_clients(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp) || check_workspace(req, resp))
		return;
	const char *status = fake_query(req, "status");
	int both = status && strcmp(status, "both") == 0;
	int archived_only = status && strcmp(status, "archived") == 0;
	struct buf b = BUF_INIT;
	int n = 0;
	buf_putc(&b, '[');
	for (size_t i = 0; i < T.nclients; i++) {
		const struct client *c = &T.clients[i];
		if (!both && (archived_only ? !c->archived : c->archived))
			continue;
		if (n++)
			buf_putc(&b, ',');
		client_json(&b, c);
	}
	buf_putc(&b, ']');
	send_buf(resp, 200, &b);
}

static void get_tags(struct fake_server *s, const struct fake_request *req,
		     struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp) || check_workspace(req, resp))
		return;
	struct buf b = BUF_INIT;
	buf_putc(&b, '[');
	for (size_t i = 0; i < T.ntags; i++) {
		if (i)
			buf_putc(&b, ',');
		tag_json(&b, &T.tags[i]);
	}
	buf_putc(&b, ']');
	send_buf(resp, 200, &b);
}

/* ---- Reports v3 ---- */

static int same_row(const struct entry *a, const struct entry *b)
{
	if (a->pid != b->pid || a->billable != b->billable || a->ntags != b->ntags)
		return 0;
	if ((a->description == NULL) != (b->description == NULL))
		return 0;
	if (a->description && strcmp(a->description, b->description) != 0)
		return 0;
	for (int i = 0; i < a->ntags; i++)
		if (a->tag_ids[i] != b->tag_ids[i])
			return 0;
	return a->lday == b->lday;
}

static void row_json(struct buf *b, const struct entry *es, size_t n, long row_number)
{
	const struct entry *e = &es[0];
	buf_printf(b, "{\"user_id\":%lld,\"username\":", (long long)e->uid);
	json_str(b, T.fullname);
	buf_puts(b, ",\"project_id\":");
	json_id(b, e->pid);
	buf_printf(b, ",\"task_id\":null,\"billable\":%s,\"description\":",
		   e->billable ? "true" : "false");
	json_str(b, e->description ? e->description : "");
	buf_puts(b, ",\"tag_ids\":[");
	for (int i = 0; i < e->ntags; i++)
		buf_printf(b, "%s%lld", i ? "," : "", (long long)e->tag_ids[i]);
	buf_printf(b, "],\"hourly_rate_in_cents\":null,\"currency\":\"USD\","
		   "\"row_number\":%ld,\"time_entries\":[", row_number);
	for (size_t i = 0; i < n; i++) {
		const struct entry *x = &es[i];
		if (i)
			buf_putc(b, ',');
		if (x->raw_report) {
			buf_append(b, x->raw_report, x->raw_report_len);
			continue;
		}
		buf_printf(b, "{\"id\":%lld,\"seconds\":%lld,\"start\":", (long long)x->id,
			   (long long)((x->stop - x->start) / USEC_PER_SEC));
		ts_offset(b, x->start, user_offset(x->start));
		buf_puts(b, ",\"stop\":");
		ts_offset(b, x->stop, user_offset(x->stop));
		buf_puts(b, ",\"at\":");
		ts_offset(b, x->at, 0);
		buf_puts(b, ",\"at_tz\":");
		ts_offset(b, x->at, user_offset(x->at));
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

/* Reports rows hold only live, stopped entries whose start is on
 * [start_date, end_date] (local days, end inclusive). */
static int reportable(const struct entry *e)
{
	return !e->deleted && e->stop;
}

static void search_time_entries(struct fake_server *s, const struct fake_request *req,
				struct fake_response *resp, void *app)
{
	(void)app;
	if (gate(s, req, resp))
		return;
	if (req->nargs < 1 || strtoll(req->args[0], NULL, 10) != T.wid) {
		fake_reply_json(resp, 403, cJSON_CreateString("Workspace not accessible"));
		return;
	}
	cJSON *body = fake_body_json(req);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		fake_reply_json(resp, 400, cJSON_CreateString("Invalid JSON body"));
		return;
	}
	const cJSON *sd = cJSON_GetObjectItemCaseSensitive(body, "start_date");
	const cJSON *ed = cJSON_GetObjectItemCaseSensitive(body, "end_date");
	int32_t d0, d1;
	if (!cJSON_IsString(sd) || !cJSON_IsString(ed) ||
	    time_parse_date(sd->valuestring, &d0) < 0 ||
	    time_parse_date(ed->valuestring, &d1) < 0) {
		cJSON_Delete(body);
		fake_reply_json(resp, 400, cJSON_CreateString(
			"start_date and end_date are required (YYYY-MM-DD)"));
		return;
	}
	if (d1 <= d0) {
		cJSON_Delete(body);
		fake_reply_json(resp, 400, cJSON_CreateString("end_date must be after start_date"));
		return;
	}
	if (d1 - d0 > 366) {
		cJSON_Delete(body);
		fake_reply_json(resp, 400, cJSON_CreateString(
			"The maximum date range is one year"));
		return;
	}
	int64_t page_size = get_i64(body, "page_size");
	int64_t first_row = get_i64(body, "first_row_number");
	int64_t first_id = get_i64(body, "first_id");
	cJSON_Delete(body);
	if (page_size <= 0)
		page_size = 50;
	if (page_size > 1000)
		page_size = 1000;

	int64_t lo, hi;
	tz_day_start(T.tz, d0, &lo);
	tz_day_start(T.tz, d1 + 1, &hi);

	/* Binary search for the first entry starting at or after lo. */
	size_t a = 0, z = T.nentries;
	while (a < z) {
		size_t mid = a + (z - a) / 2;
		if (T.entries[mid].start < lo)
			a = mid + 1;
		else
			z = mid;
	}
	/* Walk the rows up to the end of the requested page. */
	struct buf b = BUF_INIT;
	long row = 0, sent = 0;
	int started = first_row <= 0 && first_id <= 0;
	int64_t next_id = 0;
	long next_row = 0;
	struct entry *group = NULL;
	size_t ngroup = 0, capgroup = 0;
	buf_putc(&b, '[');
	for (size_t i = a; i <= T.nentries; i++) {
		const struct entry *e = i < T.nentries && T.entries[i].start < hi ?
			&T.entries[i] : NULL;
		if (e && !reportable(e))
			continue;
		if (e && ngroup > 0 && same_row(&group[0], e)) {
			if (ngroup == capgroup) {
				capgroup *= 2;
				group = realloc(group, capgroup * sizeof(*group));
			}
			group[ngroup++] = *e;
			continue;
		}
		if (ngroup > 0) {
			row++;
			if (!started) {
				/* first_row_number wins; first_id alone finds its row;
				 * both must agree or the page is empty (as reported of
				 * the real service). */
				if (first_row > 0)
					started = row == first_row &&
						  (first_id <= 0 || group[0].id == first_id);
				else
					started = group[0].id == first_id;
				if (first_row > 0 && row >= first_row && !started)
					break;
			}
			if (started) {
				if (sent == page_size) {
					next_id = group[0].id;
					next_row = row;
					break;
				}
				if (sent++)
					buf_putc(&b, ',');
				row_json(&b, group, ngroup, row);
			}
			ngroup = 0;
		}
		if (!e)
			break;
		if (capgroup == 0) {
			capgroup = 16;
			group = malloc(capgroup * sizeof(*group));
		}
		group[ngroup++] = *e;
	}
	free(group);
	buf_putc(&b, ']');
	if (next_row > 0) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)next_id);
		fake_set_header(resp, "X-Next-ID", v);
		snprintf(v, sizeof(v), "%ld", next_row);
		fake_set_header(resp, "X-Next-Row-Number", v);
	}
	send_buf(resp, 200, &b);
}

/* ---- control: change and show the data between runs ---- */

static void control_edit(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	(void)app;
	cJSON *o = fake_body_json(req);
	struct entry *e = o ? find_entry(get_i64(o, "id")) : NULL;
	if (!e) {
		cJSON_Delete(o);
		fake_reply_text(resp, 404, "no such time entry");
		return;
	}
	apply_entry(e, o);
	e->at = fake_now(s);
	int64_t id = e->id;
	cJSON_Delete(o);
	sort_entries();
	struct buf b = BUF_INIT;
	entry_json(&b, find_entry(id), 0);
	send_buf(resp, 200, &b);
}

static void control_delete(struct fake_server *s, const struct fake_request *req,
			   struct fake_response *resp, void *app)
{
	(void)app;
	cJSON *o = fake_body_json(req);
	struct entry *e = o ? find_entry(get_i64(o, "id")) : NULL;
	cJSON_Delete(o);
	if (!e) {
		fake_reply_text(resp, 404, "no such time entry");
		return;
	}
	e->deleted = e->at = fake_now(s);
	struct buf b = BUF_INIT;
	entry_json(&b, e, 0);
	send_buf(resp, 200, &b);
}

static void control_add(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	(void)app;
	cJSON *o = fake_body_json(req);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		fake_reply_text(resp, 400, "want a JSON object");
		return;
	}
	int64_t max = 0;
	for (size_t i = 0; i < T.nentries; i++)
		if (T.entries[i].id > max)
			max = T.entries[i].id;
	struct entry *e = new_entry();
	e->id = max + 1;
	apply_entry(e, o);
	e->at = fake_now(s);
	int64_t id = e->id;
	cJSON_Delete(o);
	sort_entries();
	struct buf b = BUF_INIT;
	entry_json(&b, find_entry(id), 0);
	send_buf(resp, 200, &b);
}

/* POST /__control/raw?id=N[&api=reports]: from now on the entry is served
 * as the request body's bytes, verbatim (hostile content: 3600.5, "", bad
 * dates, \u0000, invalid UTF-8...), in v9 listings or, with api=reports, as
 * its element of a Reports row's time_entries.  An empty body serves the
 * generated entry again.  Either way the entry counts as changed now, so a
 * `since` listing shows it. */
static void control_raw(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	(void)app;
	const char *id = fake_query(req, "id");
	const char *api = fake_query(req, "api");
	struct entry *e = id ? find_entry(strtoll(id, NULL, 10)) : NULL;
	if (!e) {
		fake_reply_text(resp, 404, "no such time entry");
		return;
	}
	int reports = api && strcmp(api, "reports") == 0;
	char **raw = reports ? &e->raw_report : &e->raw_v9;
	size_t *len = reports ? &e->raw_report_len : &e->raw_v9_len;
	free(*raw);
	*raw = NULL;
	*len = 0;
	if (req->body_len > 0) {
		*raw = malloc(req->body_len);
		if (!*raw)
			abort();
		memcpy(*raw, req->body, req->body_len);
		*len = req->body_len;
	}
	e->at = fake_now(s);
	fake_reply_text(resp, 200, "ok");
}

/* POST /__control/raw-master?entity=projects|clients|tags&id=N: from now on
 * that master is listed as the request body's bytes, verbatim; an empty
 * body serves the generated one again. */
static void control_raw_master(struct fake_server *s, const struct fake_request *req,
			       struct fake_response *resp, void *app)
{
	(void)s;
	(void)app;
	const char *entity = fake_query(req, "entity");
	const char *id_s = fake_query(req, "id");
	int64_t id = id_s ? strtoll(id_s, NULL, 10) : 0;
	int known = 0;
	if (entity && strcmp(entity, "projects") == 0)
		known = find_project(id) != NULL;
	else if (entity && strcmp(entity, "clients") == 0)
		known = find_client(id) != NULL;
	else if (entity && strcmp(entity, "tags") == 0)
		known = tag_name(id) != NULL;
	if (!known) {
		fake_reply_text(resp, 404, "no such project, client or tag");
		return;
	}
	struct raw_master *m = raw_master_find(entity, id);
	if (m) {
		free(m->raw);
		m->raw = NULL;
	}
	if (req->body_len > 0) {
		int i;
		for (i = 0; i < MAX_RAW_MASTERS && raw_masters[i].raw; i++)
			;
		if (i == MAX_RAW_MASTERS) {
			fake_reply_text(resp, 400, "too many raw masters");
			return;
		}
		m = &raw_masters[i];
		snprintf(m->entity, sizeof(m->entity), "%s", entity);
		m->id = id;
		m->raw = malloc(req->body_len);
		if (!m->raw)
			abort();
		memcpy(m->raw, req->body, req->body_len);
		m->len = req->body_len;
	}
	fake_reply_text(resp, 200, "ok");
}

/* Everything the fake holds, in v9 shape, deleted entries included. */
static void control_dump(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	(void)s;
	(void)req;
	(void)app;
	struct buf b = BUF_INIT;
	buf_puts(&b, "{\"me\":");
	me_json(&b);
	buf_puts(&b, ",\"workspaces\":");
	workspace_json(&b);
	buf_puts(&b, ",\"projects\":[");
	for (size_t i = 0; i < T.nprojects; i++) {
		if (i)
			buf_putc(&b, ',');
		project_json(&b, &T.projects[i]);
	}
	buf_puts(&b, "],\"clients\":[");
	for (size_t i = 0; i < T.nclients; i++) {
		if (i)
			buf_putc(&b, ',');
		client_json(&b, &T.clients[i]);
	}
	buf_puts(&b, "],\"tags\":[");
	for (size_t i = 0; i < T.ntags; i++) {
		if (i)
			buf_putc(&b, ',');
		tag_json(&b, &T.tags[i]);
	}
	buf_puts(&b, "],\"time_entries\":[");
	for (size_t i = 0; i < T.nentries; i++) {
		if (i)
			buf_putc(&b, ',');
		entry_json(&b, &T.entries[i], 0);
	}
	buf_puts(&b, "]}");
	send_buf(resp, 200, &b);
}

static const struct fake_route routes[] = {
	{ "GET", "/api/v9/me", get_me },
	{ "GET", "/api/v9/me/workspaces", get_workspaces },
	{ "GET", "/api/v9/me/time_entries", get_time_entries },
	{ "GET", "/api/v9/me/time_entries/current", get_current },
	{ "GET", "/api/v9/workspaces/*/projects", get_projects },
	{ "GET", "/api/v9/workspaces/*/clients", get_clients },
	{ "GET", "/api/v9/workspaces/*/tags", get_tags },
	{ "POST", "/reports/api/v3/workspace/*/search/time_entries", search_time_entries },
	{ "POST", "/__control/edit", control_edit },
	{ "POST", "/__control/delete", control_delete },
	{ "POST", "/__control/add", control_add },
	{ "GET", "/__control/dump", control_dump },
	{ "POST", "/__control/raw", control_raw },
	{ "POST", "/__control/raw-master", control_raw_master },
	{ NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct fake_app app = {
		.name = "toggl",
		.routes = routes,
		.option = option,
		.setup = setup,
		.usage =
		"  --token T          the API token the fake accepts (default fake-toggl-token)\n"
		"  --tz ZONE          the user's time zone (default UTC)\n"
		"  --person S:D:N[:P] data: the synthetic person of seed S, N days from date D\n"
		"                     (profile P: default, drift, life, messy, all)\n"
		"  --scenario FILE    data: JSON with me, projects, clients, tags, time_entries\n"
		"  --bulk N[:DATE]    add N synthetic entries from DATE (benchmark)\n"
		"  --history-days N   oldest start_date accepted, in days (default 90)\n"
		"  --rate N           leaky bucket: N requests per second, then 429\n"
		"  --quota N          N requests per hour, then 402 with quota headers\n",
	};
	return fake_main(&app, argc, argv);
}
