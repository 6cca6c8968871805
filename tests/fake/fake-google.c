/*
 * fake-google: a local Google Calendar API v3 and OAuth token endpoint for
 * the connector's tests and the demo, on the shared fake core (core.h).
 *
 * It serves calendars built from the synthetic person (--person
 * SEED:FROM:DAYS --tz ZONE) and/or a scenario file (--scenario FILE, see
 * tests/fake/scenarios/google-*.json), with the awkward parts of the real
 * service (docs/upstream-apis.md): timeMin bounds an event's end and
 * timeMax its start; singleEvents=true expands recurring series into
 * instances, singleEvents=false gives series masters plus exceptions;
 * orderBy=startTime without singleEvents is a 400; maxResults is capped at
 * 2500 and pages are deliberately short or empty while a nextPageToken
 * follows; nextSyncToken only on the last page; a syncToken returns only the
 * changes since, cancelled items in their minimal form, and refuses to be
 * combined with timeMin/timeMax/orderBy/q/updatedMin; an expired token is a
 * 410 fullSyncRequired; access tokens come from POST /token and can expire
 * mid-run; the refresh token can be revoked.  The installed-app flow of
 * `dwhbi auth google`: GET /o/oauth2/v2/auth (the consent page) redirects to
 * the loopback redirect_uri with code and state at once (the person always
 * consents, unless --auth-mode/auth-mode says otherwise), and POST /token
 * with grant_type=authorization_code checks the client, the code (once,
 * ten minutes, the same redirect_uri) and the PKCE code_verifier against the
 * S256 code_challenge before it gives the refresh token.
 *
 * Control endpoints (not logged), for tests to change the world:
 *   POST /__control/google/events?calendarId=C   create, or edit by "id"
 *        (body: event JSON; "recurrence": ["RRULE:FREQ=DAILY|WEEKLY;COUNT=n"]
 *        creates a series)
 *   POST /__control/google/cancel?calendarId=C&id=E    cancel (a series
 *        master cancels every instance)
 *   POST /__control/google/purge?calendarId=C&id=E     delete without a
 *        tombstone (a later incremental sync never hears of it)
 *   POST /__control/google/raw?calendarId=C&id=E   list the event as the
 *        body's bytes (hostile content); an empty body undoes it
 *   POST /__control/google/raw-master?calendarId=C | ?color=KIND:N   list
 *        the calendar list entry (or the color, KIND calendar|event) as the
 *        body's bytes; an empty body undoes it
 *   POST /__control/google/expire-sync-tokens[?calendarId=C]   next use 410
 *   POST /__control/google/expire-access-tokens
 *   POST /__control/google/revoke               refresh token now invalid
 *   POST /__control/google/auth-mode?mode=M     how the consent page answers:
 *        consent (default: redirect with a code), deny (error=access_denied),
 *        expire-codes (codes are already expired when exchanged)
 *   GET  /__control/google/dump[?calendarId=C]  what raw must hold, as COPY
 *        text: source_id, the last full payload, 't' when cancelled
 *   GET  /__control/google/stats                counters (JSON)
 * Faults (403/429/500 with Google's error bodies) use the core's queue.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/buf.h"
#include "tests/fake/core.h"
#include "tests/fake/person.h"
#include "connectors/http.h"
#include "lib/hex.h"
#include "lib/sha256.h"
#include "lib/timeutil.h"

#define MAX_CALENDARS 16
#define MAX_TOKENS 256
#define MAX_PAGE 2500
#define LIST_PAGE 2             /* calendar list entries per page */

struct fcal {
	char id[128];
	char summary[128];
	char tz[64];
	char color_id[8];
	int primary;
	int64_t token_floor;    /* sync tokens older than this answer 410 */
};

struct fevent {
	int cal;
	char id[160];
	char recurring_id[128]; /* "" unless an instance */
	int is_master;
	int exception;          /* an instance changed on its own */
	int cancelled;
	int purged;             /* gone without a tombstone */
	int64_t start_usec, end_usec;
	int64_t seq;            /* the change that last touched it */
	cJSON *body;            /* the full payload */
	char *raw;              /* served verbatim instead of body (hostile
	                           content, POST /__control/google/raw) */
	size_t raw_len;
};

struct ftoken {
	char value[64];
	int uses_left;          /* -1 = until expired */
	int valid;
};

#define MAX_CODES 32
#define CODE_LIFE_USEC (600 * USEC_PER_SEC)

struct fcode {
	char value[64];
	char challenge[PKCE_CHALLENGE_LEN + 1];
	char redirect_uri[256];
	int64_t issued_usec;
	int used;
	int expired;            /* issued in expire-codes mode */
};

struct gfake {
	struct fake_server *server;
	struct fcal cals[MAX_CALENDARS];
	int ncals;
	struct fevent *ev;
	size_t nev, cap;
	int64_t seq;
	struct ftoken tokens[MAX_TOKENS];
	int ntokens;
	int64_t token_serial;
	/* options */
	const char *person_spec;
	const char *tz;
	const char *scenario;
	const char *client_id, *client_secret, *refresh_token;
	int revoked;
	int page_cap;
	int expire_after;       /* the first access token dies after n calls */
	const char *auth_mode;  /* consent | deny | expire-codes */
	struct fcode codes[MAX_CODES];
	int ncodes;
	/* statistics */
	int64_t auth_requests, code_grants;
	int64_t grants, api_calls, unauthorized, items_served, list_calls;
};

static struct gfake G;

/* ---- small helpers ------------------------------------------------------ */

static void google_error(struct fake_response *r, int status, const char *reason,
			 const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	cJSON *errs = cJSON_AddArrayToObject(e, "errors"), *one = cJSON_CreateObject();

	cJSON_AddStringToObject(one, "domain", "global");
	cJSON_AddStringToObject(one, "reason", reason);
	cJSON_AddStringToObject(one, "message", message);
	cJSON_AddItemToArray(errs, one);
	cJSON_AddNumberToObject(e, "code", status);
	cJSON_AddStringToObject(e, "message", message);
	fake_reply_json(r, status, o);
}

static void fmt_utc(int64_t usec, char *out, size_t outlen)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(usec % USEC_PER_SEC / 1000));
}

/* "2026-11-27T09:00:00+09:00": the instant as wall time in zone. */
static void fmt_local(int64_t usec, const char *zone, char *out, size_t outlen)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	long off;

	setenv("TZ", zone && *zone ? zone : "UTC", 1);
	tzset();
	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60,
		 labs(off) % 60);
}

static void fmt_compact_utc(int64_t usec, int all_day, char *out, size_t outlen)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (all_day)
		snprintf(out, outlen, "%04d%02d%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
	else
		snprintf(out, outlen, "%04d%02d%02dT%02d%02d%02dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static struct fcal *cal_find(const char *id)
{
	for (int i = 0; i < G.ncals; i++)
		if (strcmp(G.cals[i].id, id) == 0 ||
		    (G.cals[i].primary && strcmp(id, "primary") == 0))
			return &G.cals[i];
	return NULL;
}

static struct fcal *cal_add(const char *id, const char *summary, const char *tz,
			    int primary)
{
	struct fcal *c = cal_find(id);

	if (c)
		return c;
	if (G.ncals >= MAX_CALENDARS)
		return NULL;
	c = &G.cals[G.ncals];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->summary, sizeof(c->summary), "%s", summary ? summary : id);
	snprintf(c->tz, sizeof(c->tz), "%s", tz ? tz : "UTC");
	snprintf(c->color_id, sizeof(c->color_id), "%d", 1 + G.ncals * 7 % 24);
	c->primary = primary;
	G.ncals++;
	return c;
}

static struct fevent *ev_find(int cal, const char *id)
{
	for (size_t i = 0; i < G.nev; i++)
		if (G.ev[i].cal == cal && !G.ev[i].purged &&
		    strcmp(G.ev[i].id, id) == 0)
			return &G.ev[i];
	return NULL;
}

static struct fevent *ev_new(void)
{
	if (G.nev == G.cap) {
		G.cap = G.cap ? G.cap * 2 : 256;
		G.ev = realloc(G.ev, G.cap * sizeof(*G.ev));
		if (!G.ev)
			abort();
	}
	memset(&G.ev[G.nev], 0, sizeof(G.ev[0]));
	return &G.ev[G.nev++];
}

/* Reads start/end of the payload into the bounds used by timeMin/timeMax
 * (an all-day date is local midnight in the calendar's zone). */
static int ev_bounds(struct fevent *e)
{
	const char *which[2] = { "start", "end" };
	int64_t *out[2] = { &e->start_usec, &e->end_usec };

	for (int k = 0; k < 2; k++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(e->body, which[k]);
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(o, "dateTime");
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "date");
		int32_t day;

		if (cJSON_IsString(dt)) {
			if (time_parse_rfc3339(dt->valuestring, out[k], NULL) < 0)
				return -1;
		} else if (cJSON_IsString(d)) {
			if (time_parse_date(d->valuestring, &day) < 0 ||
			    tz_day_start(G.cals[e->cal].tz, day, out[k]) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* Stamps a change: a new sequence number, etag and updated time. */
static void ev_touch(struct fevent *e)
{
	char when[40], etag[40];

	e->seq = ++G.seq;
	fmt_utc(fake_now(G.server), when, sizeof(when));
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)(3300000000000000LL + e->seq));
	cJSON_DeleteItemFromObjectCaseSensitive(e->body, "etag");
	cJSON_AddStringToObject(e->body, "etag", etag);
	cJSON_DeleteItemFromObjectCaseSensitive(e->body, "updated");
	cJSON_AddStringToObject(e->body, "updated", when);
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "created"))
		cJSON_AddStringToObject(e->body, "created", when);
	cJSON_DeleteItemFromObjectCaseSensitive(e->body, "status");
	cJSON_AddStringToObject(e->body, "status", e->cancelled ? "cancelled" : "confirmed");
}

static void set_string(cJSON *o, const char *name, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	if (value)
		cJSON_AddStringToObject(o, name, value);
}

/* The payload fields every event has, around what the caller gave. */
static void ev_defaults(struct fevent *e)
{
	const struct fcal *c = &G.cals[e->cal];
	char link[256];
	cJSON *who;

	set_string(e->body, "kind", "calendar#event");
	set_string(e->body, "id", e->id);
	snprintf(link, sizeof(link), "https://www.google.com/calendar/event?eid=%s", e->id);
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "htmlLink"))
		cJSON_AddStringToObject(e->body, "htmlLink", link);
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "organizer")) {
		who = cJSON_AddObjectToObject(e->body, "organizer");
		cJSON_AddStringToObject(who, "email", c->id);
		cJSON_AddStringToObject(who, "displayName", c->summary);
		cJSON_AddBoolToObject(who, "self", 1);
	}
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "iCalUID")) {
		char uid[200];

		snprintf(uid, sizeof(uid), "%s@google.com",
			 e->recurring_id[0] ? e->recurring_id : e->id);
		cJSON_AddStringToObject(e->body, "iCalUID", uid);
	}
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "eventType"))
		cJSON_AddStringToObject(e->body, "eventType", "default");
	if (!cJSON_GetObjectItemCaseSensitive(e->body, "reminders")) {
		who = cJSON_AddObjectToObject(e->body, "reminders");
		cJSON_AddBoolToObject(who, "useDefault", 1);
	}
}

/* ---- building the calendars -------------------------------------------- */

static cJSON *when_json(int all_day, int64_t usec, int32_t day, const char *zone)
{
	cJSON *o = cJSON_CreateObject();
	char text[40];

	if (all_day) {
		time_format_date(day, text, sizeof(text));
		cJSON_AddStringToObject(o, "date", text);
	} else {
		fmt_local(usec, zone, text, sizeof(text));
		cJSON_AddStringToObject(o, "dateTime", text);
		cJSON_AddStringToObject(o, "timeZone", zone);
	}
	return o;
}

static int load_person(char *err, size_t errlen)
{
	struct person p;
	uint64_t seed;
	unsigned flags;
	int days;
	int32_t first;

	if (person_spec_parse(G.person_spec, &seed, &first, &days, &flags) < 0 || days > 3660) {
		snprintf(err, errlen, "--person wants SEED:YYYY-MM-DD:DAYS[:PROFILE], not '%s'",
			 G.person_spec);
		return -1;
	}
	if (person_generate_profile(&p, seed, flags, first, days, G.tz, fake_now(G.server),
				    err, errlen) < 0)
		return -1;
	cal_add(p.primary_calendar_id, p.fullname, G.tz, 1);
	cal_add(p.holiday_calendar_id, "日本の祝日", G.tz, 0);
	for (size_t i = 0; i < p.nevents; i++) {
		const struct person_event *pe = &p.events[i];
		struct fcal *c = cal_find(pe->calendar_id);
		const char *zone = pe->time_zone ? pe->time_zone : G.tz;
		struct fevent *e;
		char when[40];

		if (!c)
			c = cal_add(pe->calendar_id, pe->calendar_id, G.tz, 0);
		if (!c) {
			snprintf(err, errlen, "too many calendars");
			person_release(&p);
			return -1;
		}
		e = ev_new();
		e->cal = (int)(c - G.cals);
		snprintf(e->id, sizeof(e->id), "%s", pe->id);
		snprintf(e->recurring_id, sizeof(e->recurring_id), "%s", pe->recurring_id);
		e->cancelled = pe->cancelled;
		e->exception = pe->cancelled;
		e->body = cJSON_CreateObject();
		if (pe->summary)
			cJSON_AddStringToObject(e->body, "summary", pe->summary);
		if (pe->color_id)
			cJSON_AddStringToObject(e->body, "colorId", pe->color_id);
		if (pe->all_day)
			cJSON_AddStringToObject(e->body, "transparency", "transparent");
		cJSON_AddItemToObject(e->body, "start",
				      when_json(pe->all_day, pe->start_usec, pe->start_day, zone));
		cJSON_AddItemToObject(e->body, "end",
				      when_json(pe->all_day, pe->end_usec, pe->end_day, zone));
		if (pe->recurring_id[0]) {
			cJSON_AddStringToObject(e->body, "recurringEventId", pe->recurring_id);
			cJSON_AddItemToObject(e->body, "originalStartTime",
					      when_json(pe->all_day,
							pe->original_start_usec ?
							pe->original_start_usec : pe->start_usec,
							pe->start_day, zone));
		}
		ev_defaults(e);
		fmt_utc(pe->updated_usec ? pe->updated_usec : fake_now(G.server),
			when, sizeof(when));
		cJSON_AddStringToObject(e->body, "created", when);
		ev_touch(e);
		set_string(e->body, "updated", when);
		if (ev_bounds(e) < 0) {
			snprintf(err, errlen, "person event '%s' has bad times", pe->id);
			person_release(&p);
			return -1;
		}
	}
	person_release(&p);
	return 0;
}

/* Series masters for singleEvents=false: one per recurring id, made from
 * its first instance, with a rule naming how many instances there are. */
static void make_masters(void)
{
	size_t n = G.nev;

	for (size_t i = 0; i < n; i++) {
		struct fevent *inst = &G.ev[i], *m;
		int count = 0;
		char rule[64];
		cJSON *rec;

		if (!inst->recurring_id[0] || ev_find(inst->cal, inst->recurring_id))
			continue;
		for (size_t j = 0; j < n; j++)
			count += G.ev[j].cal == inst->cal &&
				 strcmp(G.ev[j].recurring_id, inst->recurring_id) == 0;
		m = ev_new();
		inst = &G.ev[i];        /* ev_new may move the array */
		m->cal = inst->cal;
		m->is_master = 1;
		snprintf(m->id, sizeof(m->id), "%s", inst->recurring_id);
		m->body = cJSON_Duplicate(inst->body, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(m->body, "recurringEventId");
		cJSON_DeleteItemFromObjectCaseSensitive(m->body, "originalStartTime");
		set_string(m->body, "id", m->id);
		snprintf(rule, sizeof(rule), "RRULE:FREQ=WEEKLY;COUNT=%d", count);
		rec = cJSON_AddArrayToObject(m->body, "recurrence");
		cJSON_AddItemToArray(rec, cJSON_CreateString(rule));
		m->cancelled = 0;
		m->start_usec = inst->start_usec;
		m->end_usec = inst->end_usec;
		m->seq = inst->seq;
		set_string(m->body, "status", "confirmed");
	}
}

/* Shifts a start/end object by n steps of a rule (days for all-day events,
 * seconds otherwise) and writes the instance's slot into id_suffix. */
static cJSON *shift_when(const cJSON *when, int64_t step_sec, int n,
			 const char *zone, char *suffix, size_t suffixlen)
{
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(when, "dateTime");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(when, "date");
	const cJSON *tz = cJSON_GetObjectItemCaseSensitive(when, "timeZone");
	int64_t usec;
	int32_t day;

	if (cJSON_IsString(dt) && time_parse_rfc3339(dt->valuestring, &usec, NULL) == 0) {
		usec += (int64_t)n * step_sec * USEC_PER_SEC;
		if (suffix)
			fmt_compact_utc(usec, 0, suffix, suffixlen);
		return when_json(0, usec, 0, cJSON_IsString(tz) ? tz->valuestring : zone);
	}
	if (cJSON_IsString(d) && time_parse_date(d->valuestring, &day) == 0) {
		day += (int32_t)(n * step_sec / 86400);
		if (suffix) {
			int y, m, dd;

			time_civil_from_days(day, &y, &m, &dd);
			snprintf(suffix, suffixlen, "%04d%02d%02d", y, m, dd);
		}
		return when_json(1, 0, day, zone);
	}
	return NULL;
}

/* Adds an event from a JSON payload (scenario or control).  A payload with
 * "recurrence" RRULE:FREQ=DAILY|WEEKLY;COUNT=n becomes a master and its
 * instances.  Returns the master/single event, or NULL with err. */
static struct fevent *add_event(int cal, const cJSON *src, char *err, size_t errlen)
{
	const cJSON *idj = cJSON_GetObjectItemCaseSensitive(src, "id");
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(src, "recurrence");
	const cJSON *rule = cJSON_IsArray(rec) ? cJSON_GetArrayItem(rec, 0) : NULL;
	struct fevent *e;
	char id[160];
	size_t idx;

	if (cJSON_IsString(idj))
		snprintf(id, sizeof(id), "%s", idj->valuestring);
	else
		snprintf(id, sizeof(id), "ev%05lldfake%03zu", (long long)G.seq + 1, G.nev);
	if (ev_find(cal, id)) {
		snprintf(err, errlen, "event '%s' exists", id);
		return NULL;
	}
	e = ev_new();
	e->cal = cal;
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->body = cJSON_Duplicate(src, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(e->body, "calendarId");
	ev_defaults(e);
	ev_touch(e);
	if (ev_bounds(e) < 0) {
		snprintf(err, errlen, "event '%s' needs start and end with dateTime "
			 "(with an offset) or date", id);
		cJSON_Delete(e->body);
		G.nev--;
		return NULL;
	}
	if (!rule)
		return e;

	/* A series: the master plus its instances. */
	int count = 0;
	int64_t step;
	const char *r = cJSON_IsString(rule) ? rule->valuestring : "";
	const char *c = strstr(r, "COUNT=");

	if (strstr(r, "FREQ=DAILY"))
		step = 86400;
	else if (strstr(r, "FREQ=WEEKLY"))
		step = 7 * 86400;
	else
		step = 0;
	if (c)
		count = atoi(c + 6);
	if (!step || count < 1 || count > 1000) {
		snprintf(err, errlen, "recurrence must be RRULE:FREQ=DAILY|WEEKLY;COUNT=n");
		cJSON_Delete(e->body);
		G.nev--;
		return NULL;
	}
	e->is_master = 1;
	idx = (size_t)(e - G.ev);
	for (int i = 0; i < count; i++) {
		const struct fevent *m = &G.ev[idx];
		const char *zone = G.cals[cal].tz;
		char suffix[32];
		cJSON *body = cJSON_Duplicate(m->body, 1);
		cJSON *start = shift_when(cJSON_GetObjectItemCaseSensitive(m->body, "start"),
					  step, i, zone, suffix, sizeof(suffix));
		cJSON *end = shift_when(cJSON_GetObjectItemCaseSensitive(m->body, "end"),
					step, i, zone, NULL, 0);
		struct fevent *inst;

		cJSON_DeleteItemFromObjectCaseSensitive(body, "recurrence");
		cJSON_ReplaceItemInObjectCaseSensitive(body, "start", start);
		cJSON_ReplaceItemInObjectCaseSensitive(body, "end", end);
		cJSON_AddStringToObject(body, "recurringEventId", m->id);
		cJSON_AddItemToObject(body, "originalStartTime", cJSON_Duplicate(start, 1));
		inst = ev_new();
		m = &G.ev[idx];
		inst->cal = cal;
		snprintf(inst->id, sizeof(inst->id), "%s_%s", m->id, suffix);
		snprintf(inst->recurring_id, sizeof(inst->recurring_id), "%s", m->id);
		inst->body = body;
		set_string(body, "id", inst->id);
		set_string(body, "htmlLink", NULL);
		ev_defaults(inst);
		ev_touch(inst);
		ev_bounds(inst);
	}
	return &G.ev[idx];
}

static int load_scenario(char *err, size_t errlen)
{
	struct buf text = BUF_INIT;
	cJSON *root, *item;
	int rc = -1;

	if (buf_read_file(&text, G.scenario, 0) < 0) {
		snprintf(err, errlen, "cannot open scenario '%s'", G.scenario);
		buf_release(&text);
		return -1;
	}
	root = cJSON_ParseWithLength(text.data, text.len);
	buf_release(&text);
	if (!root) {
		snprintf(err, errlen, "scenario '%s' is not JSON", G.scenario);
		return -1;
	}
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "calendars")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
		const cJSON *sum = cJSON_GetObjectItemCaseSensitive(item, "summary");
		const cJSON *tz = cJSON_GetObjectItemCaseSensitive(item, "timeZone");

		if (!cJSON_IsString(id) ||
		    !cal_add(id->valuestring, cJSON_IsString(sum) ? sum->valuestring : NULL,
			     cJSON_IsString(tz) ? tz->valuestring : G.tz,
			     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "primary")))) {
			snprintf(err, errlen, "scenario: bad or too many calendars");
			goto out;
		}
	}
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "events")) {
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(item, "calendarId");
		struct fcal *c = cJSON_IsString(cid) ? cal_find(cid->valuestring) : NULL;

		if (!c) {
			snprintf(err, errlen, "scenario: event without a known calendarId");
			goto out;
		}
		if (!add_event((int)(c - G.cals), item, err, errlen))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

/* ---- OAuth --------------------------------------------------------------- */

/* Finds name in an x-www-form-urlencoded body and decodes its value. */
static int form_value(const char *body, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = body;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t o = 0;

			for (size_t i = nlen + 1; i < len && o + 1 < outlen; i++) {
				int v;

				if (p[i] == '+') {
					out[o++] = ' ';
				} else if (p[i] == '%' && i + 2 < len + 1 &&
					   (v = hex_byte(p + i + 1)) >= 0) {
					out[o++] = (char)v;
					i += 2;
				} else {
					out[o++] = p[i];
				}
			}
			out[o] = '\0';
			return 0;
		}
		p = amp ? amp + 1 : NULL;
	}
	return -1;
}

static void oauth_error(struct fake_response *r, int status, const char *error,
			const char *desc)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "error", error);
	cJSON_AddStringToObject(o, "error_description", desc);
	fake_reply_json(r, status, o);
}

/* Whether the form body names this fake's client with its secret. */
static int client_ok(const struct fake_request *req)
{
	char cid[256], secret[256];

	return form_value(req->body, "client_id", cid, sizeof(cid)) == 0 &&
	       form_value(req->body, "client_secret", secret, sizeof(secret)) == 0 &&
	       strcmp(cid, G.client_id) == 0 && strcmp(secret, G.client_secret) == 0;
}

/* A granted access token, with the refresh token when one is issued. */
static void token_reply(struct fake_response *resp, const char *access, const char *refresh)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "access_token", access);
	cJSON_AddNumberToObject(o, "expires_in", 3599);
	if (refresh)
		cJSON_AddStringToObject(o, "refresh_token", refresh);
	cJSON_AddStringToObject(o, "scope", "https://www.googleapis.com/auth/calendar.readonly");
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	fake_reply_json(resp, 200, o);
}

/* The consent page of the installed-app flow.  Like Google's, it shows an
 * error page (no redirect) for an unknown client or a redirect_uri a
 * Desktop client may not use, and redirects to redirect_uri otherwise. */
static void h_auth(struct fake_server *s, const struct fake_request *req,
		   struct fake_response *resp, void *app)
{
	const char *cid = fake_query(req, "client_id");
	const char *redirect = fake_query(req, "redirect_uri");
	const char *rtype = fake_query(req, "response_type");
	const char *scope = fake_query(req, "scope");
	const char *state = fake_query(req, "state");
	const char *challenge = fake_query(req, "code_challenge");
	const char *method = fake_query(req, "code_challenge_method");
	struct buf loc = BUF_INIT;
	struct fcode *c;

	(void)s;
	(void)app;
	G.auth_requests++;
	if (!cid || strcmp(cid, G.client_id) != 0) {
		fake_reply_text(resp, 401, "Error 401: invalid_client\nThe OAuth client was not found.");
		return;
	}
	if (!redirect || (strncmp(redirect, "http://127.0.0.1:", 17) != 0 &&
			  strncmp(redirect, "http://localhost:", 17) != 0)) {
		fake_reply_text(resp, 400, "Error 400: redirect_uri_mismatch\n"
				"A Desktop app client accepts loopback redirects only.");
		return;
	}
	if (!rtype || strcmp(rtype, "code") != 0 || !scope || !*scope) {
		fake_reply_text(resp, 400, "Error 400: invalid_request\n"
				"Required parameter is missing: response_type or scope");
		return;
	}
	if (!challenge || strlen(challenge) != PKCE_CHALLENGE_LEN ||
	    !method || strcmp(method, "S256") != 0) {
		fake_reply_text(resp, 400, "Error 400: invalid_request\n"
				"This fake wants code_challenge_method=S256 and a code_challenge.");
		return;
	}
	buf_puts(&loc, redirect);
	if (strcmp(G.auth_mode, "deny") == 0) {
		http_query_add(&loc, "error", "access_denied");
		if (state)
			http_query_add(&loc, "state", state);
	} else {
		c = &G.codes[G.ncodes % MAX_CODES];
		G.ncodes++;
		memset(c, 0, sizeof(*c));
		snprintf(c->value, sizeof(c->value), "4/fake-code-%d-%08llx", G.ncodes,
			 (unsigned long long)(fake_now(G.server) ^ ((uint64_t)G.ncodes * 2654435761u)) &
			 0xffffffffu);
		snprintf(c->challenge, sizeof(c->challenge), "%s", challenge);
		snprintf(c->redirect_uri, sizeof(c->redirect_uri), "%s", redirect);
		c->issued_usec = fake_now(G.server);
		c->expired = strcmp(G.auth_mode, "expire-codes") == 0;
		if (state)
			http_query_add(&loc, "state", state);
		http_query_add(&loc, "code", c->value);
		http_query_add(&loc, "scope", scope);
	}
	resp->status = 302;
	fake_set_header(resp, "Location", loc.data);
	resp->content_type = "text/html; charset=utf-8";
	buf_reset(&resp->body);
	buf_puts(&resp->body, "<html><body>Moved</body></html>");
	buf_release(&loc);
}

/* grant_type=authorization_code: the code once, within its life, with the
 * redirect_uri it was issued for and the verifier of its challenge. */
static void code_grant(const struct fake_request *req, struct fake_response *resp)
{
	char code[128], redirect[256], verifier[256];
	char challenge[PKCE_CHALLENGE_LEN + 1];
	struct fcode *c = NULL;

	if (!client_ok(req)) {
		oauth_error(resp, 401, "invalid_client", "Unauthorized");
		return;
	}
	if (form_value(req->body, "code", code, sizeof(code)) < 0) {
		oauth_error(resp, 400, "invalid_request", "Missing required parameter: code");
		return;
	}
	for (int i = 0; i < MAX_CODES && i < G.ncodes; i++)
		if (strcmp(G.codes[i].value, code) == 0)
			c = &G.codes[i];
	if (!c || c->used || c->expired ||
	    fake_now(G.server) - c->issued_usec > CODE_LIFE_USEC) {
		oauth_error(resp, 400, "invalid_grant", "Bad Request");
		return;
	}
	if (form_value(req->body, "redirect_uri", redirect, sizeof(redirect)) < 0 ||
	    strcmp(redirect, c->redirect_uri) != 0) {
		oauth_error(resp, 400, "redirect_uri_mismatch", "Bad Request");
		return;
	}
	if (form_value(req->body, "code_verifier", verifier, sizeof(verifier)) < 0) {
		oauth_error(resp, 400, "invalid_grant", "Missing code verifier.");
		return;
	}
	pkce_challenge(verifier, challenge);
	if (strlen(verifier) < 43 || strlen(verifier) > 128 ||
	    strcmp(challenge, c->challenge) != 0) {
		oauth_error(resp, 400, "invalid_grant", "Invalid code verifier.");
		return;
	}
	c->used = 1;
	G.code_grants++;
	token_reply(resp, "ya29.fake-from-code", G.refresh_token);
}

static void h_token(struct fake_server *s, const struct fake_request *req,
		    struct fake_response *resp, void *app)
{
	char grant[64], refresh[512];
	struct ftoken *t;

	(void)s;
	(void)app;
	if (form_value(req->body, "grant_type", grant, sizeof(grant)) == 0 &&
	    strcmp(grant, "authorization_code") == 0) {
		code_grant(req, resp);
		return;
	}
	if (form_value(req->body, "grant_type", grant, sizeof(grant)) < 0 ||
	    strcmp(grant, "refresh_token") != 0) {
		oauth_error(resp, 400, "unsupported_grant_type", "Invalid grant_type: ");
		return;
	}
	if (!client_ok(req)) {
		oauth_error(resp, 401, "invalid_client", "The OAuth client was not found.");
		return;
	}
	if (form_value(req->body, "refresh_token", refresh, sizeof(refresh)) < 0 ||
	    G.revoked || strcmp(refresh, G.refresh_token) != 0) {
		oauth_error(resp, 400, "invalid_grant", "Token has been expired or revoked.");
		return;
	}
	t = &G.tokens[G.ntokens % MAX_TOKENS];
	G.ntokens++;
	G.token_serial++;
	snprintf(t->value, sizeof(t->value), "ya29.fake-%lld-%08llx",
		 (long long)G.token_serial,
		 (unsigned long long)(fake_now(G.server) ^ (G.token_serial * 2654435761u)) & 0xffffffffu);
	t->valid = 1;
	t->uses_left = G.token_serial == 1 && G.expire_after > 0 ? G.expire_after : -1;
	G.grants++;
	token_reply(resp, t->value, NULL);
}

/* Checks the bearer token; answers 401 authError and returns 0 when bad. */
static int authorized(const struct fake_request *req, struct fake_response *resp)
{
	const char *h = fake_header(req, "Authorization");

	G.api_calls++;
	if (h && strncmp(h, "Bearer ", 7) == 0) {
		for (int i = 0; i < MAX_TOKENS && i < G.ntokens; i++) {
			struct ftoken *t = &G.tokens[i];

			if (!t->valid || strcmp(t->value, h + 7) != 0)
				continue;
			if (t->uses_left == 0) {
				t->valid = 0;
				break;
			}
			if (t->uses_left > 0)
				t->uses_left--;
			return 1;
		}
	}
	G.unauthorized++;
	google_error(resp, 401, "authError", "Invalid Credentials");
	return 0;
}

/* ---- hostile master content (POST /__control/google/raw-master) -------- */

#define MAX_RAW_MASTERS 16

static struct raw_master {
	char key[160];          /* "calendar:<id>" or "color:<kind>:<n>" */
	char *raw;
	size_t len;
} raw_masters[MAX_RAW_MASTERS];

static int raw_master_find(const char *key)
{
	for (int i = 0; i < MAX_RAW_MASTERS; i++)
		if (raw_masters[i].raw && strcmp(raw_masters[i].key, key) == 0)
			return i;
	return -1;
}

/* A string that reply_raw_masters replaces by override i's bytes. */
static cJSON *raw_master_marker(int i)
{
	char text[48];
	snprintf(text, sizeof(text), "\001fake-master:%d", i);
	return cJSON_CreateString(text);
}

/* Replies o, with each marker replaced by its override's bytes. */
static void reply_raw_masters(struct fake_response *resp, cJSON *o)
{
	static const char marker[] = "\"\\u0001fake-master:";
	char *json = cJSON_PrintUnformatted(o), *p = json, *m;

	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json; charset=UTF-8";
	buf_reset(&resp->body);
	while ((m = strstr(p, marker)) != NULL) {
		char *end;
		long k = strtol(m + sizeof(marker) - 1, &end, 10);
		buf_append(&resp->body, p, (size_t)(m - p));
		if (k >= 0 && k < MAX_RAW_MASTERS && raw_masters[k].raw)
			buf_append(&resp->body, raw_masters[k].raw, raw_masters[k].len);
		p = end + 1;
	}
	buf_puts(&resp->body, p);
	free(json);
}

/* ---- API ----------------------------------------------------------------- */

static void h_colors(struct fake_server *s, const struct fake_request *req,
		     struct fake_response *resp, void *app)
{
	static const char *const cal_bg[24] = {
		"#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46",
		"#42d692", "#16a765", "#7bd148", "#b3dc6c", "#fbe983", "#fad165",
		"#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7", "#9a9cff", "#b99aff",
		"#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2"
	};
	static const char *const ev_bg[11] = {
		"#a4bdfc", "#7ae7bf", "#dbadff", "#ff887c", "#fbd75b", "#ffb878",
		"#46d6db", "#e1e1e1", "#5484ed", "#51b749", "#dc2127"
	};
	cJSON *o, *set, *c;
	char key[8];

	(void)s;
	(void)app;
	if (!authorized(req, resp))
		return;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "calendar#colors");
	cJSON_AddStringToObject(o, "updated", "2012-02-14T00:00:00.000Z");
	int nraw = 0;
	char rkey[48];
	set = cJSON_AddObjectToObject(o, "calendar");
	for (int i = 0; i < 24; i++) {
		snprintf(key, sizeof(key), "%d", i + 1);
		snprintf(rkey, sizeof(rkey), "color:calendar:%d", i + 1);
		int r = raw_master_find(rkey);
		if (r >= 0) {
			cJSON_AddItemToObject(set, key, raw_master_marker(r));
			nraw++;
			continue;
		}
		c = cJSON_AddObjectToObject(set, key);
		cJSON_AddStringToObject(c, "background", cal_bg[i]);
		cJSON_AddStringToObject(c, "foreground", "#1d1d1d");
	}
	set = cJSON_AddObjectToObject(o, "event");
	for (int i = 0; i < 11; i++) {
		snprintf(key, sizeof(key), "%d", i + 1);
		snprintf(rkey, sizeof(rkey), "color:event:%d", i + 1);
		int r = raw_master_find(rkey);
		if (r >= 0) {
			cJSON_AddItemToObject(set, key, raw_master_marker(r));
			nraw++;
			continue;
		}
		c = cJSON_AddObjectToObject(set, key);
		cJSON_AddStringToObject(c, "background", ev_bg[i]);
		cJSON_AddStringToObject(c, "foreground", "#1d1d1d");
	}
	if (nraw)
		reply_raw_masters(resp, o);
	else
		fake_reply_json(resp, 200, o);
}

static void h_calendar_list(struct fake_server *s, const struct fake_request *req,
			    struct fake_response *resp, void *app)
{
	const char *mr = fake_query(req, "maxResults");
	const char *pt = fake_query(req, "pageToken");
	int max = mr ? atoi(mr) : 100, offset = 0, i;
	cJSON *o, *items;

	(void)s;
	(void)app;
	if (!authorized(req, resp))
		return;
	if (max < 1) {
		google_error(resp, 400, "invalid", "Invalid value for: maxResults");
		return;
	}
	if (max > 250)
		max = 250;
	if (max > LIST_PAGE)
		max = LIST_PAGE;
	if (pt && (sscanf(pt, "cl%d", &offset) != 1 || offset < 0 || offset > G.ncals)) {
		google_error(resp, 400, "invalid", "Invalid page token value.");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "calendar#calendarList");
	cJSON_AddStringToObject(o, "etag", "\"p33k9lxqsm7ugc0o\"");
	items = cJSON_AddArrayToObject(o, "items");
	int nraw = 0;
	for (i = offset; i < G.ncals && i < offset + max; i++) {
		const struct fcal *c = &G.cals[i];
		cJSON *e;
		char etag[32], rkey[160];

		snprintf(rkey, sizeof(rkey), "calendar:%s", c->id);
		int r = raw_master_find(rkey);
		if (r >= 0) {
			cJSON_AddItemToArray(items, raw_master_marker(r));
			nraw++;
			continue;
		}
		e = cJSON_CreateObject();

		snprintf(etag, sizeof(etag), "\"16%011d\"", i + 1);
		cJSON_AddStringToObject(e, "kind", "calendar#calendarListEntry");
		cJSON_AddStringToObject(e, "etag", etag);
		cJSON_AddStringToObject(e, "id", c->id);
		cJSON_AddStringToObject(e, "summary", c->summary);
		cJSON_AddStringToObject(e, "timeZone", c->tz);
		cJSON_AddStringToObject(e, "colorId", c->color_id);
		cJSON_AddStringToObject(e, "backgroundColor", "#9fe1e7");
		cJSON_AddStringToObject(e, "foregroundColor", "#000000");
		cJSON_AddBoolToObject(e, "selected", 1);
		cJSON_AddStringToObject(e, "accessRole", c->primary ? "owner" : "reader");
		cJSON_AddItemToObject(e, "defaultReminders", cJSON_CreateArray());
		if (c->primary)
			cJSON_AddBoolToObject(e, "primary", 1);
		cJSON_AddItemToArray(items, e);
	}
	if (i < G.ncals) {
		char next[32];

		snprintf(next, sizeof(next), "cl%d", i);
		cJSON_AddStringToObject(o, "nextPageToken", next);
	}
	if (nraw)
		reply_raw_masters(resp, o);
	else
		fake_reply_json(resp, 200, o);
}

/* The item as the API shows it: cancelled events in their minimal form. */
static cJSON *ev_item(const struct fevent *e)
{
	cJSON *o;
	const cJSON *v;

	if (!e->cancelled)
		return cJSON_Duplicate(e->body, 1);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "calendar#event");
	v = cJSON_GetObjectItemCaseSensitive(e->body, "etag");
	if (cJSON_IsString(v))
		cJSON_AddStringToObject(o, "etag", v->valuestring);
	cJSON_AddStringToObject(o, "id", e->id);
	cJSON_AddStringToObject(o, "status", "cancelled");
	if (e->recurring_id[0]) {
		cJSON_AddStringToObject(o, "recurringEventId", e->recurring_id);
		v = cJSON_GetObjectItemCaseSensitive(e->body, "originalStartTime");
		if (v)
			cJSON_AddItemToObject(o, "originalStartTime", cJSON_Duplicate(v, 1));
	}
	return o;
}

static int is_true(const char *v)
{
	return v && strcmp(v, "true") == 0;
}

static const struct fevent *sort_base;

static int by_start(const void *a, const void *b)
{
	const struct fevent *x = &sort_base[*(const size_t *)a];
	const struct fevent *y = &sort_base[*(const size_t *)b];

	if (x->start_usec != y->start_usec)
		return x->start_usec < y->start_usec ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int by_seq(const void *a, const void *b)
{
	const struct fevent *x = &sort_base[*(const size_t *)a];
	const struct fevent *y = &sort_base[*(const size_t *)b];

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void h_events(struct fake_server *s, const struct fake_request *req,
		     struct fake_response *resp, void *app)
{
	const char *single = fake_query(req, "singleEvents");
	const char *show_deleted = fake_query(req, "showDeleted");
	const char *mr = fake_query(req, "maxResults");
	const char *tmin = fake_query(req, "timeMin");
	const char *tmax = fake_query(req, "timeMax");
	const char *order = fake_query(req, "orderBy");
	const char *sync = fake_query(req, "syncToken");
	const char *pt = fake_query(req, "pageToken");
	int se = is_true(single), max = 250, cal, pageno = 0, size;
	long long offset = 0, snap, since = 0;
	int64_t min_usec = 0, max_usec = 0;
	struct fcal *c;
	size_t *list = NULL, n = 0, i;
	cJSON *o, *items;
	char text[96];

	(void)s;
	(void)app;
	if (!authorized(req, resp))
		return;
	c = cal_find(req->args[0]);
	if (!c) {
		google_error(resp, 404, "notFound", "Not Found");
		return;
	}
	cal = (int)(c - G.cals);
	if (mr) {
		char *end;

		max = (int)strtol(mr, &end, 10);
		if (*end || max < 1) {
			google_error(resp, 400, "invalid", "Invalid value for: maxResults");
			return;
		}
		if (max > MAX_PAGE)
			max = MAX_PAGE;
	}
	if (order && strcmp(order, "startTime") == 0 && !se) {
		google_error(resp, 400, "badRequest",
			     "The requested ordering is not available for the particular query.");
		return;
	}
	if (order && strcmp(order, "startTime") != 0 && strcmp(order, "updated") != 0) {
		google_error(resp, 400, "invalid", "Invalid value for: orderBy");
		return;
	}
	if (sync && (tmin || tmax || order || fake_query(req, "q") ||
		     fake_query(req, "updatedMin"))) {
		google_error(resp, 400, "invalid",
			     "Sync token cannot be used with other request restrictions.");
		return;
	}
	if ((tmin && time_parse_rfc3339(tmin, &min_usec, NULL) < 0) ||
	    (tmax && time_parse_rfc3339(tmax, &max_usec, NULL) < 0)) {
		google_error(resp, 400, "badRequest", "Bad Request");
		return;
	}
	if (sync) {
		int tcal, tse;

		if (sscanf(sync, "CPj%d_%lld_%d", &tcal, &since, &tse) != 3 || tcal != cal) {
			google_error(resp, 400, "invalid", "Invalid sync token value.");
			return;
		}
		if (since < c->token_floor) {
			google_error(resp, 410, "fullSyncRequired",
				     "Sync token is no longer valid, a full sync is required.");
			return;
		}
	}
	snap = G.seq;
	if (pt && (sscanf(pt, "EkP%lld_%d_%lld", &offset, &pageno, &snap) != 3 ||
		   offset < 0 || pageno < 0)) {
		google_error(resp, 400, "invalid", "Invalid page token value.");
		return;
	}

	list = malloc((G.nev + 1) * sizeof(*list));
	if (!list)
		abort();
	for (i = 0; i < G.nev; i++) {
		const struct fevent *e = &G.ev[i];

		if (e->cal != cal || e->purged)
			continue;
		if (se ? e->is_master : (e->recurring_id[0] && !e->exception))
			continue;
		if (sync) {
			if (e->seq <= since)
				continue;
		} else {
			if (e->cancelled && !is_true(show_deleted))
				continue;
			if (tmin && e->end_usec <= min_usec)
				continue;
			if (tmax && e->start_usec >= max_usec)
				continue;
		}
		list[n++] = i;
	}
	sort_base = G.ev;
	if (sync)
		qsort(list, n, sizeof(*list), by_seq);
	else if (order && strcmp(order, "startTime") == 0)
		qsort(list, n, sizeof(*list), by_start);

	/* Real pages are often shorter than maxResults, even empty, while
	 * more follow: every second page is empty, every third half full. */
	size = max < G.page_cap ? max : G.page_cap;
	if (pageno % 3 == 1)
		size = 0;
	else if (pageno % 3 == 2)
		size = size / 2 > 0 ? size / 2 : 1;
	if ((size_t)offset > n)
		offset = (long long)n;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "calendar#events");
	snprintf(text, sizeof(text), "\"%lld\"", 3300000000000000LL + snap);
	cJSON_AddStringToObject(o, "etag", text);
	cJSON_AddStringToObject(o, "summary", c->summary);
	fmt_utc(fake_now(G.server), text, sizeof(text));
	cJSON_AddStringToObject(o, "updated", text);
	cJSON_AddStringToObject(o, "timeZone", c->tz);
	cJSON_AddStringToObject(o, "accessRole", c->primary ? "owner" : "reader");
	cJSON_AddItemToObject(o, "defaultReminders", cJSON_CreateArray());
	items = cJSON_AddArrayToObject(o, "items");
	int nraw = 0;
	for (i = (size_t)offset; i < n && i < (size_t)offset + (size_t)size; i++) {
		const struct fevent *e = &G.ev[list[i]];
		if (e->raw && !e->cancelled) {
			/* A marker, replaced by the raw bytes once printed. */
			snprintf(text, sizeof(text), "\001fake-raw:%zu", list[i]);
			cJSON_AddItemToArray(items, cJSON_CreateString(text));
			nraw++;
		} else {
			cJSON_AddItemToArray(items, ev_item(e));
		}
		G.items_served++;
	}
	if (i < n) {
		snprintf(text, sizeof(text), "EkP%zu_%d_%lld", i, pageno + 1, snap);
		cJSON_AddStringToObject(o, "nextPageToken", text);
	} else {
		snprintf(text, sizeof(text), "CPj%d_%lld_%d", cal, snap, se);
		cJSON_AddStringToObject(o, "nextSyncToken", text);
	}
	G.list_calls++;
	free(list);
	if (!nraw) {
		fake_reply_json(resp, 200, o);
		return;
	}
	char *json = cJSON_PrintUnformatted(o), *p = json, *m;
	static const char marker[] = "\"\\u0001fake-raw:";
	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json; charset=UTF-8";
	buf_reset(&resp->body);
	while ((m = strstr(p, marker)) != NULL) {
		char *end;
		size_t k = strtoul(m + sizeof(marker) - 1, &end, 10);
		buf_append(&resp->body, p, (size_t)(m - p));
		if (k < G.nev && G.ev[k].raw)
			buf_append(&resp->body, G.ev[k].raw, G.ev[k].raw_len);
		p = end + 1;    /* past the closing quote */
	}
	buf_puts(&resp->body, p);
	free(json);
}

/* ---- control ------------------------------------------------------------- */

static struct fcal *control_cal(const struct fake_request *req,
				struct fake_response *resp)
{
	const char *id = fake_query(req, "calendarId");
	struct fcal *c = cal_find(id ? id : "primary");

	if (!c)
		fake_reply_text(resp, 404, "no such calendar in the fake");
	return c;
}

/* The event ?calendarId=C&id=E of a control request, or NULL once 404 is
 * answered. */
static struct fevent *control_event(const struct fake_request *req,
				    struct fake_response *resp)
{
	struct fcal *c = control_cal(req, resp);
	const char *id = fake_query(req, "id");
	struct fevent *e;

	if (!c)
		return NULL;
	e = id ? ev_find((int)(c - G.cals), id) : NULL;
	if (!e)
		fake_reply_text(resp, 404, "no such event");
	return e;
}

static void reply_event(struct fake_response *resp, const struct fevent *e)
{
	fake_reply_json(resp, 200, cJSON_Duplicate(e->body, 1));
}

static void h_ctl_events(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	struct fcal *c = control_cal(req, resp);
	cJSON *body, *field;
	const cJSON *id;
	struct fevent *e;
	char err[200];

	(void)s;
	(void)app;
	if (!c)
		return;
	body = fake_body_json(req);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		fake_reply_text(resp, 400, "body must be an event object");
		return;
	}
	id = cJSON_GetObjectItemCaseSensitive(body, "id");
	e = cJSON_IsString(id) ? ev_find((int)(c - G.cals), id->valuestring) : NULL;
	if (!e) {
		e = add_event((int)(c - G.cals), body, err, sizeof(err));
		cJSON_Delete(body);
		if (!e)
			fake_reply_text(resp, 400, err);
		else
			reply_event(resp, e);
		return;
	}
	if (e->is_master) {
		cJSON_Delete(body);
		fake_reply_text(resp, 400, "editing a whole series is not supported by the fake");
		return;
	}
	/* An edit: the given fields replace the old ones. */
	cJSON_ArrayForEach(field, body) {
		if (strcmp(field->string, "id") == 0)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(e->body, field->string);
		cJSON_AddItemToObject(e->body, field->string, cJSON_Duplicate(field, 1));
	}
	cJSON_Delete(body);
	e->cancelled = 0;
	if (e->recurring_id[0])
		e->exception = 1;
	ev_touch(e);
	if (ev_bounds(e) < 0) {
		fake_reply_text(resp, 400, "bad start or end");
		return;
	}
	reply_event(resp, e);
}

static void h_ctl_cancel(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	struct fevent *e = control_event(req, resp);
	int n = 0;

	(void)s;
	(void)app;
	if (!e)
		return;
	for (size_t i = 0; i < G.nev; i++) {
		struct fevent *x = &G.ev[i];

		if (x->cal != e->cal || x->purged || x->cancelled)
			continue;
		if (x == e || (e->is_master && strcmp(x->recurring_id, e->id) == 0)) {
			x->cancelled = 1;
			if (x->recurring_id[0] && !e->is_master)
				x->exception = 1;
			ev_touch(x);
			n++;
		}
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "cancelled", n);
	fake_reply_json(resp, 200, o);
}

static void h_ctl_purge(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	struct fevent *e = control_event(req, resp);

	(void)s;
	(void)app;
	if (!e)
		return;
	e->purged = 1;
	fake_reply_text(resp, 200, "ok");
}

/* POST /__control/google/raw?calendarId=C&id=E: from now on the event is
 * listed as the request body's bytes, verbatim (hostile content such as a
 * start.dateTime of "2026-99-99T99:99:99Z"); an empty body lists its
 * payload again.  Either way it counts as a change (incremental syncs see
 * it); timeMin/timeMax keep using its last good bounds. */
static void h_ctl_raw(struct fake_server *s, const struct fake_request *req,
		      struct fake_response *resp, void *app)
{
	struct fevent *e = control_event(req, resp);

	(void)s;
	(void)app;
	if (!e)
		return;
	free(e->raw);
	e->raw = NULL;
	e->raw_len = 0;
	if (req->body_len > 0) {
		e->raw = malloc(req->body_len);
		if (!e->raw)
			abort();
		memcpy(e->raw, req->body, req->body_len);
		e->raw_len = req->body_len;
	}
	ev_touch(e);
	fake_reply_text(resp, 200, "ok");
}

/* POST /__control/google/raw-master?calendarId=C (a calendar list entry)
 * or ?color=KIND:N (a color of the palette): from now on it is listed as
 * the request body's bytes, verbatim; an empty body undoes it. */
static void h_ctl_raw_master(struct fake_server *s, const struct fake_request *req,
			     struct fake_response *resp, void *app)
{
	const char *cal = fake_query(req, "calendarId");
	const char *color = fake_query(req, "color");
	char key[160];
	int i;

	(void)s;
	(void)app;
	if (cal && cal_find(cal)) {
		snprintf(key, sizeof(key), "calendar:%s", cal);
	} else if (color && strlen(color) < 32) {
		snprintf(key, sizeof(key), "color:%s", color);
	} else {
		fake_reply_text(resp, 404, "no such calendar or color in the fake");
		return;
	}
	i = raw_master_find(key);
	if (i >= 0) {
		free(raw_masters[i].raw);
		raw_masters[i].raw = NULL;
	}
	if (req->body_len > 0) {
		for (i = 0; i < MAX_RAW_MASTERS && raw_masters[i].raw; i++)
			;
		if (i == MAX_RAW_MASTERS) {
			fake_reply_text(resp, 400, "too many raw masters");
			return;
		}
		snprintf(raw_masters[i].key, sizeof(raw_masters[i].key), "%s", key);
		raw_masters[i].raw = malloc(req->body_len);
		if (!raw_masters[i].raw)
			abort();
		memcpy(raw_masters[i].raw, req->body, req->body_len);
		raw_masters[i].len = req->body_len;
	}
	fake_reply_text(resp, 200, "ok");
}

static void h_ctl_expire_sync(struct fake_server *s, const struct fake_request *req,
			      struct fake_response *resp, void *app)
{
	const char *id = fake_query(req, "calendarId");

	(void)s;
	(void)app;
	/* Every token issued so far is older than the new floor; tokens issued
	 * from now on are not. */
	G.seq++;
	for (int i = 0; i < G.ncals; i++)
		if (!id || &G.cals[i] == cal_find(id))
			G.cals[i].token_floor = G.seq;
	fake_reply_text(resp, 200, "ok");
}

static void h_ctl_expire_access(struct fake_server *s, const struct fake_request *req,
				struct fake_response *resp, void *app)
{
	(void)s;
	(void)req;
	(void)app;
	for (int i = 0; i < MAX_TOKENS; i++)
		G.tokens[i].valid = 0;
	fake_reply_text(resp, 200, "ok");
}

static int auth_mode_ok(const char *m)
{
	return m && (strcmp(m, "consent") == 0 || strcmp(m, "deny") == 0 ||
		     strcmp(m, "expire-codes") == 0);
}

static void h_ctl_auth_mode(struct fake_server *s, const struct fake_request *req,
			    struct fake_response *resp, void *app)
{
	static char mode[16];
	const char *m = fake_query(req, "mode");

	(void)s;
	(void)app;
	if (!auth_mode_ok(m)) {
		fake_reply_text(resp, 400, "mode must be consent, deny or expire-codes");
		return;
	}
	snprintf(mode, sizeof(mode), "%s", m);
	G.auth_mode = mode;
	fake_reply_text(resp, 200, "ok");
}

static void h_ctl_revoke(struct fake_server *s, const struct fake_request *req,
			 struct fake_response *resp, void *app)
{
	(void)s;
	(void)req;
	(void)app;
	G.revoked = 1;
	fake_reply_text(resp, 200, "ok");
}

static void h_ctl_dump(struct fake_server *s, const struct fake_request *req,
		       struct fake_response *resp, void *app)
{
	const char *id = fake_query(req, "calendarId");
	const struct fcal *only = id ? cal_find(id) : NULL;

	(void)s;
	(void)app;
	if (id && !only) {
		fake_reply_text(resp, 404, "no such calendar in the fake");
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	for (size_t i = 0; i < G.nev; i++) {
		const struct fevent *e = &G.ev[i];
		struct buf sid = BUF_INIT;
		char *json;

		if (e->purged || e->is_master || (only && &G.cals[e->cal] != only))
			continue;
		buf_printf(&sid, "%s:%s", G.cals[e->cal].id, e->id);
		json = cJSON_PrintUnformatted(e->body);
		buf_copy_field(&resp->body, sid.data);
		buf_putc(&resp->body, '\t');
		buf_copy_field(&resp->body, json);
		buf_puts(&resp->body, e->cancelled ? "\tt\n" : "\tf\n");
		free(json);
		buf_release(&sid);
	}
}

static void h_ctl_stats(struct fake_server *s, const struct fake_request *req,
			struct fake_response *resp, void *app)
{
	cJSON *o = cJSON_CreateObject();

	(void)s;
	(void)req;
	(void)app;
	cJSON_AddNumberToObject(o, "token_grants", (double)G.grants);
	cJSON_AddNumberToObject(o, "api_calls", (double)G.api_calls);
	cJSON_AddNumberToObject(o, "unauthorized", (double)G.unauthorized);
	cJSON_AddNumberToObject(o, "items_served", (double)G.items_served);
	cJSON_AddNumberToObject(o, "list_calls", (double)G.list_calls);
	cJSON_AddNumberToObject(o, "auth_requests", (double)G.auth_requests);
	cJSON_AddNumberToObject(o, "code_grants", (double)G.code_grants);
	cJSON_AddNumberToObject(o, "events", (double)G.nev);
	cJSON_AddNumberToObject(o, "seq", (double)G.seq);
	fake_reply_json(resp, 200, o);
}

/* ---- setup --------------------------------------------------------------- */

static int option(void *data, int argc, char **argv, int *i)
{
	const char *name = argv[*i];

	(void)data;
	if (*i + 1 >= argc)
		return 0;
	if (strcmp(name, "--person") == 0)
		G.person_spec = argv[++*i];
	else if (strcmp(name, "--tz") == 0)
		G.tz = argv[++*i];
	else if (strcmp(name, "--scenario") == 0)
		G.scenario = argv[++*i];
	else if (strcmp(name, "--client-id") == 0)
		G.client_id = argv[++*i];
	else if (strcmp(name, "--client-secret") == 0)
		G.client_secret = argv[++*i];
	else if (strcmp(name, "--refresh-token") == 0)
		G.refresh_token = argv[++*i];
	else if (strcmp(name, "--page-cap") == 0)
		G.page_cap = atoi(argv[++*i]);
	else if (strcmp(name, "--expire-token-after") == 0)
		G.expire_after = atoi(argv[++*i]);
	else if (strcmp(name, "--auth-mode") == 0) {
		G.auth_mode = argv[++*i];
		if (!auth_mode_ok(G.auth_mode)) {
			fprintf(stderr, "fake-google: --auth-mode must be consent, deny or expire-codes\n");
			return -1;
		}
	}
	else
		return 0;
	return 1;
}

static int setup(struct fake_server *s, void *data)
{
	char err[256];

	(void)data;
	G.server = s;
	if (G.page_cap < 1 || G.page_cap > MAX_PAGE) {
		fprintf(stderr, "fake-google: --page-cap must be 1..%d\n", MAX_PAGE);
		return -1;
	}
	if (tz_valid(G.tz) < 0) {
		fprintf(stderr, "fake-google: unknown time zone '%s'\n", G.tz);
		return -1;
	}
	if (G.person_spec && load_person(err, sizeof(err)) < 0) {
		fprintf(stderr, "fake-google: %s\n", err);
		return -1;
	}
	if (G.scenario && load_scenario(err, sizeof(err)) < 0) {
		fprintf(stderr, "fake-google: %s\n", err);
		return -1;
	}
	if (G.ncals == 0)
		cal_add("primary@example.com", "primary@example.com", G.tz, 1);
	make_masters();
	return 0;
}

static const struct fake_route routes[] = {
	{ "POST", "/token", h_token },
	{ "GET", "/o/oauth2/v2/auth", h_auth },
	{ "GET", "/calendar/v3/colors", h_colors },
	{ "GET", "/calendar/v3/users/me/calendarList", h_calendar_list },
	{ "GET", "/calendar/v3/calendars/*/events", h_events },
	{ "POST", "/__control/google/events", h_ctl_events },
	{ "POST", "/__control/google/cancel", h_ctl_cancel },
	{ "POST", "/__control/google/purge", h_ctl_purge },
	{ "POST", "/__control/google/raw", h_ctl_raw },
	{ "POST", "/__control/google/raw-master", h_ctl_raw_master },
	{ "POST", "/__control/google/expire-sync-tokens", h_ctl_expire_sync },
	{ "POST", "/__control/google/expire-access-tokens", h_ctl_expire_access },
	{ "POST", "/__control/google/revoke", h_ctl_revoke },
	{ "POST", "/__control/google/auth-mode", h_ctl_auth_mode },
	{ "GET", "/__control/google/dump", h_ctl_dump },
	{ "GET", "/__control/google/stats", h_ctl_stats },
	{ NULL, NULL, NULL }
};

int main(int argc, char **argv)
{
	struct fake_app app = {
		.name = "google",
		.routes = routes,
		.data = &G,
		.option = option,
		.setup = setup,
		.usage =
		"  --person SEED:FROM:DAYS[:PROFILE]   serve the synthetic person's calendars\n"
		"  --tz ZONE                 the person's zone (default UTC)\n"
		"  --scenario FILE           calendars and events from a JSON file\n"
		"  --client-id ID --client-secret S --refresh-token T\n"
		"                            the credentials the token endpoint accepts\n"
		"  --page-cap N              at most N events per page (default 100)\n"
		"  --expire-token-after N    the first access token dies after N calls\n"
		"  --auth-mode M             the consent page: consent (default), deny,\n"
		"                            expire-codes\n",
	};

	G.tz = "UTC";
	G.client_id = "fake-client-id";
	G.client_secret = "fake-client-secret";
	G.refresh_token = "fake-refresh-token";
	G.page_cap = 100;
	G.auth_mode = "consent";
	return fake_main(&app, argc, argv);
}
