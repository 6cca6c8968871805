/*
 * transform_person: loads raw tables with the synthetic person of
 * tests/fake/person.c, as the connectors would store them, for the transform
 * benchmarks (bench/b-transform.sh).  With --users K it loads K people into
 * one workspace (ids made distinct, only the first one's calendar), which is
 * how a large workspace's Reports backfill looks.
 *
 * usage: transform_person --days N [--users K] [--first YYYY-MM-DD]
 *                         [--tz ZONE] [--seed S]
 * Connects with DATABASE_URL or the PG* variables; prints the rows loaded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "lib/buf.h"
#include "tests/fake/person.h"
#include "lib/timeutil.h"

#define ID_STRIDE INT64_C(1000000000000)   /* per extra user: keeps ids apart */

static void json_str(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

static void json_time(struct buf *b, int64_t usec)
{
	char t[40];
	time_format_rfc3339(usec, t, sizeof(t));
	buf_printf(b, "\"%s\"", t);
}

/* One COPY row: source_id, data, synced_at, deleted_at. */
static void row(struct buf *out, const char *id, const struct buf *data, const char *synced,
		const char *deleted)
{
	const char *f[4] = { id, data->data, synced, deleted };

	buf_copy_row(out, 4, f);
}

static int copy(PGconn *db, const char *table, const struct buf *rows)
{
	char sql[160];
	PGresult *r;

	snprintf(sql, sizeof(sql), "COPY %s (source_id, data, synced_at, deleted_at) FROM STDIN",
		 table);
	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (PQputCopyData(db, rows->data, (int)rows->len) != 1 || PQputCopyEnd(db, NULL) != 1) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		return -1;
	}
	r = PQgetResult(db);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static void load_masters(const struct person *p, const char *synced, struct buf *me,
			 struct buf *projects, struct buf *clients, struct buf *tags)
{
	struct buf d = BUF_INIT;
	char id[32];

	snprintf(id, sizeof(id), "%" PRId64, p->user_id);
	buf_printf(&d, "{\"id\":%" PRId64 ",\"fullname\":", p->user_id);
	json_str(&d, p->fullname);
	buf_printf(&d, ",\"default_workspace_id\":%" PRId64 ",\"timezone\":", p->workspace_id);
	json_str(&d, p->timezone);
	buf_putc(&d, '}');
	row(me, id, &d, synced, NULL);
	for (size_t i = 0; i < p->nprojects; i++) {
		const struct person_project *pr = &p->projects[i];
		buf_reset(&d);
		snprintf(id, sizeof(id), "%" PRId64, pr->id);
		buf_printf(&d, "{\"id\":%" PRId64 ",\"workspace_id\":%" PRId64 ",\"client_id\":",
			   pr->id, p->workspace_id);
		if (pr->client_id)
			buf_printf(&d, "%" PRId64, pr->client_id);
		else
			buf_puts(&d, "null");
		buf_puts(&d, ",\"name\":");
		json_str(&d, pr->name);
		buf_puts(&d, ",\"color\":");
		json_str(&d, pr->color);
		buf_printf(&d, ",\"active\":%s}", pr->active ? "true" : "false");
		row(projects, id, &d, synced, NULL);
	}
	for (size_t i = 0; i < p->nclients; i++) {
		buf_reset(&d);
		snprintf(id, sizeof(id), "%" PRId64, p->clients[i].id);
		buf_printf(&d, "{\"id\":%" PRId64 ",\"wid\":%" PRId64 ",\"name\":", p->clients[i].id,
			   p->workspace_id);
		json_str(&d, p->clients[i].name);
		buf_printf(&d, ",\"archived\":%s}", p->clients[i].active ? "false" : "true");
		row(clients, id, &d, synced, NULL);
	}
	for (size_t i = 0; i < p->ntags; i++) {
		buf_reset(&d);
		snprintf(id, sizeof(id), "%" PRId64, p->tags[i].id);
		buf_printf(&d, "{\"id\":%" PRId64 ",\"workspace_id\":%" PRId64 ",\"name\":",
			   p->tags[i].id, p->workspace_id);
		json_str(&d, p->tags[i].name);
		buf_putc(&d, '}');
		row(tags, id, &d, synced, NULL);
	}
	buf_release(&d);
}

static void load_entries(const struct person *p, int64_t offset, int64_t user_id,
			 const char *synced, struct buf *out, size_t *n)
{
	struct buf d = BUF_INIT;
	char id[32], deleted[40];

	for (size_t i = 0; i < p->nentries; i++) {
		const struct person_entry *e = &p->entries[i];
		int64_t eid = e->id + offset;
		buf_reset(&d);
		snprintf(id, sizeof(id), "%" PRId64, eid);
		buf_printf(&d, "{\"id\":%" PRId64 ",\"workspace_id\":%" PRId64 ",\"project_id\":",
			   eid, p->workspace_id);
		if (e->project_id)
			buf_printf(&d, "%" PRId64, e->project_id);
		else
			buf_puts(&d, "null");
		buf_puts(&d, ",\"start\":");
		json_time(&d, e->start_usec);
		buf_puts(&d, ",\"stop\":");
		if (e->stop_usec)
			json_time(&d, e->stop_usec);
		else
			buf_puts(&d, "null");
		buf_printf(&d, ",\"duration\":%" PRId64 ",\"description\":",
			   e->stop_usec ? (e->stop_usec - e->start_usec) / USEC_PER_SEC
					: -(e->start_usec / USEC_PER_SEC));
		json_str(&d, e->description);
		buf_puts(&d, ",\"tag_ids\":[");
		for (int t = 0; t < e->ntags; t++)
			buf_printf(&d, "%s%" PRId64, t ? "," : "", e->tag_ids[t]);
		buf_printf(&d, "],\"user_id\":%" PRId64 ",\"at\":", user_id);
		json_time(&d, e->at_usec);
		buf_puts(&d, ",\"server_deleted_at\":");
		if (e->deleted_usec)
			json_time(&d, e->deleted_usec);
		else
			buf_puts(&d, "null");
		buf_putc(&d, '}');
		time_format_rfc3339(e->deleted_usec, deleted, sizeof(deleted));
		row(out, id, &d, synced, e->deleted_usec ? deleted : NULL);
		(*n)++;
	}
	buf_release(&d);
}

static void load_events(const struct person *p, const char *synced, struct buf *out, size_t *n)
{
	struct buf d = BUF_INIT, id = BUF_INIT;

	for (size_t i = 0; i < p->nevents; i++) {
		const struct person_event *e = &p->events[i];
		char day[16];
		buf_reset(&d);
		buf_reset(&id);
		buf_printf(&id, "%s:%s", e->calendar_id, e->id);
		buf_puts(&d, "{\"id\":");
		json_str(&d, e->id);
		buf_printf(&d, ",\"status\":\"%s\",\"summary\":", e->cancelled ? "cancelled" : "confirmed");
		json_str(&d, e->summary);
		if (e->color_id) {
			buf_puts(&d, ",\"colorId\":");
			json_str(&d, e->color_id);
		}
		if (e->all_day) {
			time_format_date(e->start_day, day, sizeof(day));
			buf_printf(&d, ",\"start\":{\"date\":\"%s\"}", day);
			time_format_date(e->end_day, day, sizeof(day));
			buf_printf(&d, ",\"end\":{\"date\":\"%s\"}", day);
		} else {
			buf_puts(&d, ",\"start\":{\"dateTime\":");
			json_time(&d, e->start_usec);
			buf_puts(&d, ",\"timeZone\":");
			json_str(&d, e->time_zone);
			buf_puts(&d, "},\"end\":{\"dateTime\":");
			json_time(&d, e->end_usec);
			buf_puts(&d, ",\"timeZone\":");
			json_str(&d, e->time_zone);
			buf_putc(&d, '}');
		}
		if (e->recurring_id[0]) {
			buf_puts(&d, ",\"recurringEventId\":");
			json_str(&d, e->recurring_id);
		}
		buf_puts(&d, ",\"updated\":");
		json_time(&d, e->updated_usec);
		buf_putc(&d, '}');
		row(out, id.data, &d, synced, NULL);
		(*n)++;
	}
	buf_release(&d);
	buf_release(&id);
}

int main(int argc, char **argv)
{
	const char *tz = "Asia/Tokyo", *first_s = NULL;
	int days = 0, users = 1;
	uint64_t seed = 42;
	int32_t first;
	struct buf me = BUF_INIT, projects = BUF_INIT, clients = BUF_INIT, tags = BUF_INIT;
	struct buf entries = BUF_INIT, events = BUF_INIT;
	size_t nentries = 0, nevents = 0;
	char err[256], synced[40];
	int64_t now, midnight;
	PGconn *db;
	int rc = 1;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--days"))
			days = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--users"))
			users = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--first"))
			first_s = argv[i + 1];
		else if (!strcmp(argv[i], "--tz"))
			tz = argv[i + 1];
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 10);
	}
	if (days < 1 || users < 1) {
		fprintf(stderr, "usage: transform_person --days N [--users K] [--first YYYY-MM-DD] "
			"[--tz ZONE] [--seed S]\n");
		return 2;
	}
	if (first_s) {
		if (time_parse_date(first_s, &first) < 0) {
			fprintf(stderr, "transform_person: bad --first '%s'\n", first_s);
			return 2;
		}
	} else {
		first = time_days_from_civil(2026, 11, 1) - days;
	}
	/* The sync ran at 20:00 on the last day: its last entry is running. */
	if (tz_day_start(tz, first + days - 1, &midnight) < 0) {
		fprintf(stderr, "transform_person: unknown zone '%s'\n", tz);
		return 2;
	}
	now = midnight + INT64_C(20) * 3600 * USEC_PER_SEC;
	time_format_rfc3339(now, synced, sizeof(synced));

	db = PQconnectdb(getenv("DATABASE_URL") ? getenv("DATABASE_URL") : "");
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		PQfinish(db);
		return 1;
	}
	/* Entries are streamed person by person: a million of them would not
	 * fit comfortably in one buffer. */
	PGresult *r = PQexec(db, "COPY raw.toggl_track__time_entries "
			     "(source_id, data, synced_at, deleted_at) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		PQclear(r);
		PQfinish(db);
		return 1;
	}
	PQclear(r);
	for (int k = 0; k < users; k++) {
		struct person p;
		if (person_generate(&p, seed + (uint64_t)k, first, days, tz, now, err, sizeof(err))) {
			fprintf(stderr, "transform_person: %s\n", err);
			PQfinish(db);
			return 1;
		}
		if (k == 0) {
			load_masters(&p, synced, &me, &projects, &clients, &tags);
			load_events(&p, synced, &events, &nevents);
		}
		buf_reset(&entries);
		load_entries(&p, (int64_t)k * ID_STRIDE, p.user_id + k, synced, &entries, &nentries);
		person_release(&p);
		if (PQputCopyData(db, entries.data, (int)entries.len) != 1) {
			fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
			PQfinish(db);
			return 1;
		}
	}
	r = NULL;
	if (PQputCopyEnd(db, NULL) == 1) {
		r = PQgetResult(db);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			PQclear(r);
			r = NULL;
		}
	}
	if (!r) {
		fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		PQfinish(db);
		return 1;
	}
	PQclear(r);
	/* A workspace of several people has no single "me": every user counts. */
	if ((users > 1 || copy(db, "raw.toggl_track__me", &me) == 0) &&
	    copy(db, "raw.toggl_track__projects", &projects) == 0 &&
	    copy(db, "raw.toggl_track__clients", &clients) == 0 &&
	    copy(db, "raw.toggl_track__tags", &tags) == 0 &&
	    copy(db, "raw.google_calendar__events", &events) == 0) {
		const char *params[1] = { synced };
		r = PQexecParams(db,
			"INSERT INTO ops.sync_state (source, last_synced_at, last_changed_at) "
			"VALUES ('toggl_track.time_entries', $1, $1) ON CONFLICT (source) DO UPDATE "
			"SET last_synced_at = excluded.last_synced_at", 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			printf("loaded %zu time entries of %d %s and %zu calendar events over %d days\n",
			       nentries, users, users == 1 ? "person" : "people", nevents, days);
			rc = 0;
		} else {
			fprintf(stderr, "transform_person: %s", PQerrorMessage(db));
		}
		PQclear(r);
	}
	PQfinish(db);
	buf_release(&me);
	buf_release(&projects);
	buf_release(&clients);
	buf_release(&tags);
	buf_release(&entries);
	buf_release(&events);
	return rc;
}
