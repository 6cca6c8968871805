/*
 * data: the console's queries (the .sql files beside it) turned into JSON (see
 * data.h).
 */
#include "console/data.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

#include "lib/db.h"
#include "lib/query.h"
#include "console/form.h"
#include "lib/log.h"
#include "lib/resource.h"
#include "lib/timeutil.h"
#include "console/state.h"

/* PostgreSQL type OIDs (pg_type.h) the JSON conversion cares about. */
enum {
	OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
	OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
	OID_TIMESTAMPTZ = 1184, OID_NUMERIC = 1700, OID_JSONB = 3802,
};

/* "2026-11-27 15:10:06.123+00" -> "2026-11-27T15:10:06Z"; anything else is
 * kept as it is (e.g. "infinity"). */
static void iso_from_pg(const char *pg, char *out, size_t outlen)
{
	size_t n = strlen(pg);
	const char *off;

	if (n < 22 || pg[10] != ' ' || outlen < 32) {
		snprintf(out, outlen, "%s", pg);
		return;
	}
	off = pg + 19;
	if (*off == '.')
		while (*++off >= '0' && *off <= '9')
			;
	if (strcmp(off, "+00") == 0)
		snprintf(out, outlen, "%.10sT%.8sZ", pg, pg + 11);
	else if (strlen(off) == 3)
		snprintf(out, outlen, "%.10sT%.8s%s:00", pg, pg + 11, off);
	else
		snprintf(out, outlen, "%.10sT%.8s%s", pg, pg + 11, off);
}

cJSON *data_rows(PGresult *res)
{
	cJSON *rows = cJSON_CreateArray();
	int nf = PQnfields(res);

	for (int r = 0; r < PQntuples(res); r++) {
		cJSON *row = cJSON_CreateObject();
		for (int f = 0; f < nf; f++) {
			const char *name = PQfname(res, f);
			const char *v = PQgetvalue(res, r, f);
			Oid t = PQftype(res, f);

			if (PQgetisnull(res, r, f)) {
				cJSON_AddNullToObject(row, name);
			} else if (t == OID_BOOL) {
				cJSON_AddBoolToObject(row, name, v[0] == 't');
			} else if (t == OID_INT8 || t == OID_INT2 || t == OID_INT4 ||
				   t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC) {
				cJSON_AddNumberToObject(row, name, strtod(v, NULL));
			} else if (t == OID_TIMESTAMPTZ) {
				char iso[64];
				iso_from_pg(v, iso, sizeof(iso));
				cJSON_AddStringToObject(row, name, iso);
			} else if (t == OID_JSON || t == OID_JSONB) {
				char *safe = log_redact(v);
				cJSON *j = cJSON_Parse(safe);
				free(safe);
				if (j)
					cJSON_AddItemToObject(row, name, j);
				else
					cJSON_AddNullToObject(row, name);
			} else {
				char *safe = log_redact(v);
				cJSON_AddStringToObject(row, name, safe);
				free(safe);
			}
		}
		cJSON_AddItemToArray(rows, row);
	}
	return rows;
}

/* Runs console/NAME (an embedded query file). */
static PGresult *console_query(struct console *c, const char *name, int n,
			       const char *const *params, char *err, size_t errlen)
{
	char path[128];

	snprintf(path, sizeof(path), "console/%s", name);
	return query_file(c->db, path, n, params, err, errlen);
}

static cJSON *query_rows(struct console *c, const char *name, int n,
			 const char *const *params, char *err, size_t errlen)
{
	PGresult *res = console_query(c, name, n, params, err, errlen);
	cJSON *rows;

	if (!res)
		return NULL;
	rows = data_rows(res);
	PQclear(res);
	return rows;
}


static void add_note(cJSON *obj, const char *note)
{
	cJSON *notes = cJSON_GetObjectItemCaseSensitive(obj, "notes");
	if (!notes)
		notes = cJSON_AddArrayToObject(obj, "notes");
	cJSON_AddItemToArray(notes, cJSON_CreateString(note));
}

int data_snapshot_begin(struct console *c, char *err, size_t errlen)
{
	if (PQtransactionStatus(c->db) != PQTRANS_IDLE)
		db_rollback(c->db);   /* never read inside a leftover transaction */
	return db_exec(c->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen);
}

void data_snapshot_end(struct console *c)
{
	char err[256];

	switch (PQtransactionStatus(c->db)) {
	case PQTRANS_INTRANS:
		if (db_commit(c->db, err, sizeof(err)) < 0)
			log_warn("console: cannot end a page's snapshot: %s", err);
		break;
	case PQTRANS_INERROR:
		db_rollback(c->db);
		break;
	default:
		break;
	}
}

static const char *str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void copy_item(cJSON *to, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
	cJSON_AddItemToObject(to, key, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

/* fresh / stale / failing / never for one service, from its rows. */
static const char *freshness(const cJSON *svc, int stale_hours, int64_t now)
{
	const char *finished = str_of(svc, "last_finished_status");
	const char *synced = str_of(svc, "last_synced_at");
	int64_t usec;

	if (finished && strcmp(finished, "failed") == 0)
		return "failing";
	if (!synced || time_parse_rfc3339(synced, &usec, NULL) < 0)
		return "never";
	if (now - usec > (int64_t)stale_hours * 3600 * USEC_PER_SEC)
		return "stale";
	return "fresh";
}

/* Builds one service entry from its freshness rows and its job's runs: the
 * row named exactly like the service is its summary; without one (no mart
 * yet) the tables are summed. */
static cJSON *service_entry(struct console *c, const struct service *s,
			    cJSON *rows, const cJSON *runs, int64_t now)
{
	cJSON *svc = cJSON_CreateObject();
	cJSON *tables = cJSON_CreateArray();
	const cJSON *summary = NULL, *row;
	const char *max_synced = NULL, *max_changed = NULL;
	double count = 0, deleted = 0;
	int have_count = 0;

	cJSON_AddStringToObject(svc, "name", s->name);
	cJSON_AddStringToObject(svc, "label", s->label);
	cJSON_AddStringToObject(svc, "job", s->job);
	cJSON_AddStringToObject(svc, "workflow", s->workflow);
	cJSON_ArrayForEach(row, rows) {
		const char *src = str_of(row, "source");
		const char *ls = str_of(row, "last_synced_at");
		const char *lc = str_of(row, "last_changed_at");
		const cJSON *rc = cJSON_GetObjectItemCaseSensitive(row, "row_count");
		const cJSON *dc = cJSON_GetObjectItemCaseSensitive(row, "deleted_count");

		if (src && strcmp(src, s->source) == 0) {
			summary = row;
			continue;
		}
		/* RFC 3339 UTC strings of one format sort as text. */
		if (ls && (!max_synced || strcmp(ls, max_synced) > 0))
			max_synced = ls;
		if (lc && (!max_changed || strcmp(lc, max_changed) > 0))
			max_changed = lc;
		if (cJSON_IsNumber(rc)) {
			count += rc->valuedouble;
			have_count = 1;
		}
		if (cJSON_IsNumber(dc))
			deleted += dc->valuedouble;
		cJSON_AddItemToArray(tables, cJSON_Duplicate(row, 1));
	}
	if (summary) {
		copy_item(svc, summary, "last_synced_at");
		copy_item(svc, summary, "last_changed_at");
		copy_item(svc, summary, "row_count");
		copy_item(svc, summary, "deleted_count");
	} else {
		cJSON_AddItemToObject(svc, "last_synced_at", max_synced ?
			cJSON_CreateString(max_synced) : cJSON_CreateNull());
		cJSON_AddItemToObject(svc, "last_changed_at", max_changed ?
			cJSON_CreateString(max_changed) : cJSON_CreateNull());
		cJSON_AddItemToObject(svc, "row_count", have_count ?
			cJSON_CreateNumber(count) : cJSON_CreateNull());
		cJSON_AddItemToObject(svc, "deleted_count", have_count ?
			cJSON_CreateNumber(deleted) : cJSON_CreateNull());
	}
	copy_item(svc, runs, "last_run_id");
	copy_item(svc, runs, "last_run_status");
	copy_item(svc, runs, "last_run_started_at");
	copy_item(svc, runs, "last_finished_status");
	copy_item(svc, runs, "last_finished_error");
	cJSON_AddStringToObject(svc, "state", freshness(svc, c->stale_hours, now));
	const char *st = str_of(runs, "last_run_status");
	cJSON_AddBoolToObject(svc, "running", jobs_find(&c->jobs, s->job) != NULL ||
			      (st && strcmp(st, "running") == 0));
	cJSON_AddItemToObject(svc, "tables", tables);
	return svc;
}

/* One row of last_runs.sql for job, as an object (the caller frees). */
static cJSON *job_runs(struct console *c, const char *job, char *err, size_t errlen)
{
	const char *params[1] = { job };
	cJSON *rows = query_rows(c, "last_runs.sql", 1, params, err, errlen);
	cJSON *row;

	if (!rows)
		return NULL;
	row = cJSON_DetachItemFromArray(rows, 0);
	cJSON_Delete(rows);
	return row ? row : cJSON_CreateObject();
}

cJSON *data_status(struct console *c, char *err, size_t errlen)
{
	cJSON *out = cJSON_CreateObject();
	cJSON *services = cJSON_AddArrayToObject(out, "services");
	int64_t now = time_now_usec();
	char iso[32];
	PGresult *built;

	time_format_rfc3339(now, iso, sizeof(iso));
	cJSON_AddStringToObject(out, "generated_at", iso);
	cJSON_AddStringToObject(out, "sync_mode",
				jobs_dispatch_configured(c->cfg) ? "github" : "local");
	cJSON_AddNumberToObject(out, "stale_hours", c->stale_hours);
	/* Sync times are live (sources.sql); the freshness mart's own build
	 * time is shown beside them, so a person sees both. */
	cJSON_AddStringToObject(out, "freshness_from", "ops.sync_state");
	built = db_query(c->db, "SELECT built_at FROM ops.model_builds "
			 "WHERE model = 'marts.source_freshness'", 0, NULL, err, errlen);
	if (!built)
		goto fail;
	{
		cJSON *rows = data_rows(built);
		const cJSON *row = cJSON_GetArrayItem(rows, 0);
		const char *at = row ? str_of(row, "built_at") : NULL;
		cJSON_AddItemToObject(out, "freshness_mart_built_at",
				      at ? cJSON_CreateString(at) : cJSON_CreateNull());
		cJSON_Delete(rows);
	}
	PQclear(built);
	for (const struct service *s = jobs_services; s->name; s++) {
		const char *params[1] = { s->source };
		cJSON *rows, *runs;

		if (!s->source)
			continue;
		rows = query_rows(c, "sources.sql", 1, params, err, errlen);
		if (!rows)
			goto fail;
		runs = job_runs(c, s->job, err, errlen);
		if (!runs) {
			cJSON_Delete(rows);
			goto fail;
		}
		cJSON_AddItemToArray(services, service_entry(c, s, rows, runs, now));
		cJSON_Delete(rows);
		cJSON_Delete(runs);
	}

	cJSON *marts = query_rows(c, "marts.sql", 0, NULL, err, errlen);
	if (!marts)
		goto fail;
	if (cJSON_GetArraySize(marts) == 0)
		add_note(out, "no marts yet: run 'dwhbi transform' to build them");
	cJSON_AddItemToObject(out, "marts", marts);

	cJSON *transform = job_runs(c, "transform", err, errlen);
	if (!transform)
		goto fail;
	cJSON_AddItemToObject(out, "transform", transform);
	cJSON_AddBoolToObject(transform, "running",
			      jobs_find(&c->jobs, "transform") != NULL);
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

cJSON *data_runs(struct console *c, const char *job, const char *status,
		 int64_t before, int limit, char *err, size_t errlen)
{
	char before_s[32], limit_s[16];
	const char *params[4] = { job, status, NULL, limit_s };
	cJSON *out, *runs, *jobs;
	PGresult *res;

	if (before > 0) {
		snprintf(before_s, sizeof(before_s), "%lld", (long long)before);
		params[2] = before_s;
	}
	snprintf(limit_s, sizeof(limit_s), "%d", limit);
	runs = query_rows(c, "runs.sql", 4, params, err, errlen);
	if (!runs)
		return NULL;
	res = db_query(c->db, "SELECT DISTINCT job FROM ops.runs ORDER BY job", 0, NULL,
		       err, errlen);
	if (!res) {
		cJSON_Delete(runs);
		return NULL;
	}
	out = cJSON_CreateObject();
	jobs = cJSON_AddArrayToObject(out, "jobs");
	for (int i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(jobs, cJSON_CreateString(PQgetvalue(res, i, 0)));
	PQclear(res);
	cJSON_AddItemToObject(out, "job", job ? cJSON_CreateString(job) : cJSON_CreateNull());
	cJSON_AddItemToObject(out, "status", status ? cJSON_CreateString(status) : cJSON_CreateNull());
	cJSON_AddItemToObject(out, "runs", runs);
	return out;
}

cJSON *data_run(struct console *c, int64_t id, char *err, size_t errlen)
{
	char id_s[32];
	const char *params[2] = { id_s, "2000" };
	cJSON *rows, *out, *run, *steps, *log;
	int have_log;

	snprintf(id_s, sizeof(id_s), "%lld", (long long)id);
	rows = query_rows(c, "run.sql", 1, params, err, errlen);
	if (!rows)
		return NULL;
	out = cJSON_CreateObject();
	run = cJSON_DetachItemFromArray(rows, 0);
	cJSON_Delete(rows);
	cJSON_AddItemToObject(out, "run", run ? run : cJSON_CreateNull());
	if (!run)
		return out;
	have_log = query_relation_exists(c->db, "ops.run_logs", err, errlen);
	if (have_log < 0)
		goto fail;
	if (have_log) {
		steps = query_rows(c, "run_steps.sql", 1, params, err, errlen);
		log = steps ? query_rows(c, "run_log.sql", 2, params, err, errlen) : NULL;
		if (!log) {
			cJSON_Delete(steps);
			goto fail;
		}
	} else {
		/* Before migration 0130: steps without their log counts. */
		PGresult *res = db_query(c->db,
			"SELECT id, job, args, started_at, finished_at, status, rows_read, "
			"rows_written, rows_deleted, extract(epoch FROM coalesce(finished_at, "
			"clock_timestamp()) - started_at)::float8 AS duration_seconds, error "
			"FROM ops.runs WHERE parent_id = $1::bigint ORDER BY started_at, id",
			1, params, err, errlen);
		if (!res)
			goto fail;
		steps = data_rows(res);
		PQclear(res);
		log = cJSON_CreateArray();
		add_note(out, "ops.run_logs does not exist yet: run 'dwhbi migrate' to keep "
			      "each run's log lines");
	}
	cJSON_AddItemToObject(out, "steps", steps);
	cJSON_AddItemToObject(out, "log", log);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(run, "status");
	if (have_log && cJSON_GetArraySize(log) == 0)
		add_note(out, cJSON_IsString(st) && strcmp(st->valuestring, "running") == 0 ?
			 "no log lines yet (they are stored as the run logs them)" :
			 "this run kept no log lines");
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

/* Sets each goal's "goal_status" (the adjuster's row for it in
 * analytics.latest_goal_status, or null), "status" and, when there is a row, its
 * "probability" for this period in place of the proposal's (which is about
 * the next period); "probability_source" says which one is shown.  Without
 * the view, or when reading it fails, the goals keep the proposals'
 * probability and a note says why: the page never fails for it. */
static int add_goal_status(struct console *c, cJSON *out, cJSON *goals,
			   char *err, size_t errlen)
{
	cJSON *rows = NULL, *goal;
	int have = query_relation_exists(c->db, "analytics.latest_goal_status", err, errlen);

	if (have < 0)
		return -1;
	if (!have) {
		add_note(out, "analytics.latest_goal_status does not exist yet: run 'dwhbi migrate' "
			      "and 'dwhbi adjust' to see each goal's status");
	} else {
		char qerr[512];

		rows = query_rows(c, "goal_status.sql", 0, NULL, qerr, sizeof(qerr));
		if (!rows)
			add_note(out, "cannot read analytics.latest_goal_status: run 'dwhbi migrate'");
		else if (cJSON_GetArraySize(rows) == 0)
			add_note(out, "no goal status yet: run 'dwhbi adjust'");
	}
	cJSON_ArrayForEach(goal, goals) {
		const cJSON *gid = cJSON_GetObjectItemCaseSensitive(goal, "goal_id");
		const cJSON *prob = cJSON_GetObjectItemCaseSensitive(goal, "probability");
		cJSON *row, *found = NULL;

		cJSON_ArrayForEach(row, rows) {
			const cJSON *rid = cJSON_GetObjectItemCaseSensitive(row, "goal_id");
			if (cJSON_IsNumber(gid) && cJSON_IsNumber(rid) &&
			    gid->valuedouble == rid->valuedouble)
				found = row;
		}
		if (found) {
			cJSON *st = cJSON_Duplicate(found, 1);
			cJSON_DeleteItemFromObjectCaseSensitive(st, "goal_id");
			cJSON_DeleteItemFromObjectCaseSensitive(goal, "probability");
			cJSON_DeleteItemFromObjectCaseSensitive(goal, "probability_as_of");
			copy_item(goal, found, "probability");
			cJSON_AddItemToObject(goal, "probability_as_of",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(found, "as_of"), 1));
			copy_item(goal, found, "status");
			cJSON_AddStringToObject(goal, "probability_source", "goal_status");
			cJSON_AddItemToObject(goal, "goal_status", st);
		} else {
			cJSON_AddNullToObject(goal, "status");
			if (cJSON_IsNumber(prob))
				cJSON_AddStringToObject(goal, "probability_source", "proposal");
			else
				cJSON_AddNullToObject(goal, "probability_source");
			cJSON_AddNullToObject(goal, "goal_status");
		}
	}
	cJSON_Delete(rows);
	return 0;
}

cJSON *data_goals(struct console *c, char *err, size_t errlen)
{
	const char *params[1] = { c->zone };
	cJSON *out = cJSON_CreateObject(), *goals, *goal;
	int have = query_relation_exists(c->db, "marts.goal_achievement", err, errlen);

	if (have < 0)
		goto fail;
	cJSON_AddStringToObject(out, "timezone", c->zone);
	goals = query_rows(c, "goals.sql", 1, params, err, errlen);
	if (!goals)
		goto fail;
	cJSON_AddItemToObject(out, "goals", goals);
	if (have) {
		cJSON *ach = query_rows(c, "goal_achievement.sql", 1, params, err, errlen);
		if (!ach)
			goto fail;
		cJSON_ArrayForEach(goal, goals) {
			const cJSON *gid = cJSON_GetObjectItemCaseSensitive(goal, "goal_id");
			cJSON *a, *found = NULL;
			cJSON_ArrayForEach(a, ach) {
				const cJSON *aid = cJSON_GetObjectItemCaseSensitive(a, "goal_id");
				if (cJSON_IsNumber(gid) && cJSON_IsNumber(aid) &&
				    gid->valuedouble == aid->valuedouble)
					found = a;
			}
			cJSON *period = cJSON_CreateObject();
			if (found) {
				copy_item(period, found, "period_start");
				copy_item(period, found, "period_goal_minutes");
				copy_item(period, found, "actual_minutes");
				copy_item(period, found, "achievement_rate");
				copy_item(period, found, "met");
				copy_item(period, found, "complete");
				cJSON_AddItemToObject(goal, "current_period", period);
			} else {
				cJSON_Delete(period);
				cJSON_AddNullToObject(goal, "current_period");
			}
		}
		cJSON_Delete(ach);
	} else {
		cJSON_ArrayForEach(goal, goals)
			cJSON_AddNullToObject(goal, "current_period");
		add_note(out, "marts.goal_achievement does not exist yet: run 'dwhbi transform' "
			      "to see how each goal is doing");
	}
	if (add_goal_status(c, out, goals, err, errlen) < 0)
		goto fail;
	cJSON *est = query_rows(c, "estimates.sql", 1, params, err, errlen);
	if (!est)
		goto fail;
	if (cJSON_GetArraySize(est) == 0)
		add_note(out, "no estimates yet: run 'dwhbi analyze'");
	cJSON_AddItemToObject(out, "estimates", est);
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

cJSON *data_proposals(struct console *c, const char *state, int limit,
		      char *err, size_t errlen)
{
	char limit_s[16];
	const char *params[2] = { state, limit_s };
	cJSON *rows, *out;

	snprintf(limit_s, sizeof(limit_s), "%d", limit);
	rows = query_rows(c, "proposals.sql", 2, params, err, errlen);
	if (!rows)
		return NULL;
	out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "state", state ? cJSON_CreateString(state) : cJSON_CreateNull());
	cJSON_AddItemToObject(out, "proposals", rows);
	return out;
}

cJSON *data_proposal(struct console *c, int64_t id, char *err, size_t errlen)
{
	char id_s[32];
	const char *params[1] = { id_s };
	cJSON *rows, *out = NULL;

	snprintf(id_s, sizeof(id_s), "%lld", (long long)id);
	rows = query_rows(c, "proposal.sql", 1, params, err, errlen);
	if (!rows)
		return NULL;
	out = cJSON_CreateObject();
	cJSON *p = cJSON_DetachItemFromArray(rows, 0);
	cJSON_AddItemToObject(out, "proposal", p ? p : cJSON_CreateNull());
	cJSON_Delete(rows);
	return out;
}

static int by_modified_desc(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	const char *mx = str_of(x, "modified_at"), *my = str_of(y, "modified_at");
	int c = strcmp(my ? my : "", mx ? mx : "");
	return c ? c : strcmp(str_of(x, "name"), str_of(y, "name"));
}

/* 1 when the PDF at path is complete: not empty and its last kilobyte holds
 * the "%%EOF" trailer, which a PDF writer appends last — so a file still
 * being rendered is never listed. */
int data_pdf_complete(const char *path, long long size)
{
	char tail[1025];
	FILE *f;
	size_t n;
	long from = size > 1024 ? (long)(size - 1024) : 0L;

	if (size < 8 || !(f = fopen(path, "rb")))
		return 0;
	if (fseek(f, from, SEEK_SET) != 0) {
		fclose(f);
		return 0;
	}
	n = fread(tail, 1, sizeof(tail) - 1, f);
	fclose(f);
	tail[n] = '\0';
	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(tail + i, "%%EOF", 5) == 0)
			return 1;
	return 0;
}

cJSON *data_reports(struct console *c, char *err, size_t errlen)
{
	cJSON *out = cJSON_CreateObject();
	cJSON *files = cJSON_AddArrayToObject(out, "files");
	cJSON *list[500];
	size_t n = 0;
	unsigned skipped = 0;
	DIR *d;
	struct dirent *e;
	char real[PATH_MAX];

	cJSON_AddStringToObject(out, "directory", c->reports_dir);
	cJSON_AddStringToObject(out, "directory_path",
				realpath(c->reports_dir, real) ? real : c->reports_dir);
	const struct job *rj = jobs_find(&c->jobs, "report");
	cJSON_AddBoolToObject(out, "rendering", rj != NULL);
	/* Where report runs really wrote (ops.runs detail.output), so a PDF
	 * written elsewhere (the demo's out/, a workflow's -o) is findable. */
	cJSON *written = query_rows(c, "report_runs.sql", 0, NULL, err, errlen);
	if (!written)
		goto fail;
	cJSON_AddItemToObject(out, "written_by_runs", written);
	d = opendir(c->reports_dir);
	if (!d) {
		add_note(out, "no reports yet: the reports directory does not exist; render a month below");
		return out;
	}
	/* Bounded: a directory with more files shows the first 500 read. */
	while ((e = readdir(d)) && n < sizeof(list) / sizeof(list[0])) {
		char path[2048], iso[32];
		struct stat st;

		if (!form_valid_report_name(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->reports_dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!data_pdf_complete(path, (long long)st.st_size)) {
			skipped++;
			continue;
		}
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "name", e->d_name);
		cJSON_AddNumberToObject(f, "size", (double)st.st_size);
		time_format_rfc3339((int64_t)st.st_mtime * USEC_PER_SEC, iso, sizeof(iso));
		cJSON_AddStringToObject(f, "modified_at", iso);
		list[n++] = f;
	}
	closedir(d);
	qsort(list, n, sizeof(list[0]), by_modified_desc);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(files, list[i]);
	cJSON_AddNumberToObject(out, "incomplete", skipped);
	if (n == 0)
		add_note(out, "no reports yet: render a month below");
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}
