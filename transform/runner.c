/*
 * runner: loads the embedded models, orders them by their dependencies,
 * builds the selected ones in one transaction and runs the data tests
 * (contract and atomicity rules in runner.h).
 */
#include "transform/runner.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "lib/buf.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/resource.h"

static const char *const layers[] = { "staging", "core", "marts" };
#define NLAYERS 3
#define TEST_DIR "transform/tests/"
#define LOCK_NAME "dwhbi.transform"
#define TEST_SHOW_ROWS 5
#define TEST_FETCH_ROWS 101
#define CHANGES_FILE "transform/changes.sql"
#define INCREMENTAL_MARK "--incremental:"

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d)
		abort();
	memcpy(d, s, n);
	return d;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void model_release(struct model *m)
{
	free(m->name);
	free(m->path);
	free(m->sql);
	free(m->unique_key);
	free(m->incremental);
	free(m->index);
	free(m->deps);
	memset(m, 0, sizeof(*m));
}

void model_set_init(struct model_set *ms)
{
	ms->models = NULL;
	ms->n = 0;
}

void model_set_release(struct model_set *ms)
{
	for (int i = 0; i < ms->n; i++)
		model_release(&ms->models[i]);
	free(ms->models);
	model_set_init(ms);
}

void model_set_add(struct model_set *ms, struct model *m)
{
	struct model *grown = realloc(ms->models, sizeof(*ms->models) * (size_t)(ms->n + 1));
	if (!grown)
		abort();
	ms->models = grown;
	ms->models[ms->n++] = *m;
	memset(m, 0, sizeof(*m));
}

/* The value of a header line "-- key: value" anywhere in the file's leading
 * comment block, trimmed; NULL when absent. */
static char *header_value(const char *sql, const char *key)
{
	size_t klen = strlen(key);
	const char *p = sql;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *q = p;
		while (q < p + len && isspace((unsigned char)*q))
			q++;
		if (q == p + len) {
			/* blank line inside the header */
		} else if (len - (size_t)(q - p) >= 2 && q[0] == '-' && q[1] == '-') {
			q += 2;
			while (q < p + len && *q == ' ')
				q++;
			if ((size_t)(p + len - q) > klen && !strncmp(q, key, klen) && q[klen] == ':') {
				const char *v = q + klen + 1, *end = p + len;
				while (v < end && isspace((unsigned char)*v))
					v++;
				while (end > v && isspace((unsigned char)end[-1]))
					end--;
				return xstrndup(v, (size_t)(end - v));
			}
		} else {
			break;          /* the SELECT starts: header over */
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return NULL;
}

int model_parse(struct model *m, const char *path, const char *sql,
		char *err, size_t errlen)
{
	const char *prefix = "transform/";
	const char *rest, *slash, *base;
	char *kind;
	size_t blen;

	memset(m, 0, sizeof(*m));
	if (strncmp(path, prefix, strlen(prefix))) {
		snprintf(err, errlen, "model '%s' is not under transform/", path);
		return -1;
	}
	rest = path + strlen(prefix);
	slash = strchr(rest, '/');
	if (!slash || strchr(slash + 1, '/')) {
		snprintf(err, errlen, "model '%s' must be transform/<layer>/<name>.sql", path);
		return -1;
	}
	m->layer = -1;
	for (int i = 0; i < NLAYERS; i++)
		if (strlen(layers[i]) == (size_t)(slash - rest) &&
		    !strncmp(rest, layers[i], (size_t)(slash - rest)))
			m->layer = i;
	base = slash + 1;
	blen = strlen(base);
	if (m->layer < 0 || blen <= 4 || strcmp(base + blen - 4, ".sql")) {
		snprintf(err, errlen, "model '%s' must be transform/{staging,core,marts}/<name>.sql",
			 path);
		return -1;
	}
	for (size_t i = 0; i < blen - 4; i++) {
		if (!(islower((unsigned char)base[i]) || isdigit((unsigned char)base[i]) ||
		      base[i] == '_')) {
			snprintf(err, errlen,
				 "model '%s': a model name has only a-z, 0-9 and '_'", path);
			return -1;
		}
	}
	{
		struct buf name = BUF_INIT;
		buf_printf(&name, "%s.%.*s", layers[m->layer], (int)(blen - 4), base);
		m->name = buf_detach(&name);
	}
	m->path = xstrdup(path);
	m->sql = xstrdup(sql);
	m->kind = m->layer == 0 ? MODEL_VIEW : MODEL_TABLE;
	kind = header_value(sql, "materialized");
	if (kind) {
		if (!strcmp(kind, "view")) {
			m->kind = MODEL_VIEW;
		} else if (!strcmp(kind, "table")) {
			m->kind = MODEL_TABLE;
		} else {
			snprintf(err, errlen, "model '%s': materialized must be view or table, not '%s'",
				 path, kind);
			free(kind);
			model_release(m);
			return -1;
		}
		free(kind);
	}
	m->rebuild = m->layer == 1;
	kind = header_value(sql, "refresh");
	if (kind) {
		if (!strcmp(kind, "delete") || !strcmp(kind, "rebuild")) {
			m->rebuild = !strcmp(kind, "rebuild");
		} else {
			snprintf(err, errlen, "model '%s': refresh must be delete or rebuild, not '%s'",
				 path, kind);
			free(kind);
			model_release(m);
			return -1;
		}
		free(kind);
	}
	m->incremental = header_value(sql, "incremental");
	if (m->incremental && !*m->incremental) {
		snprintf(err, errlen, "model '%s': incremental needs a condition on the "
			 "model's columns or 'unchanged'", path);
		model_release(m);
		return -1;
	}
	m->unique_key = header_value(sql, "unique_key");
	m->index = header_value(sql, "index");
	for (int k = 0; k < 2; k++) {
		const char *cols = k ? m->index : m->unique_key;
		/* Pasted into ALTER TABLE ... PRIMARY KEY and CREATE INDEX: only
		 * plain column names. */
		for (const char *c = cols; c && *c; c++) {
			if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
			      *c == '_' || *c == ',' || *c == ' ' || (k && *c == ';'))) {
				snprintf(err, errlen, "model '%s': %s must be column names "
					 "separated by commas%s", path, k ? "index" : "unique_key",
					 k ? " (indexes by ';')" : "");
				model_release(m);
				return -1;
			}
		}
	}
	return 0;
}

int model_set_find(const struct model_set *ms, const char *name)
{
	char buf[256];

	for (int i = 0; i < ms->n; i++) {
		const struct model *m = &ms->models[i];
		const char *dot = strchr(m->name, '.');
		if (!strcmp(m->name, name) || !strcmp(m->path, name) ||
		    (dot && !strcmp(dot + 1, name)))
			return i;
		/* "marts/daily_category.sql" or "marts/daily_category" */
		snprintf(buf, sizeof(buf), "%s/%s", layers[m->layer], dot ? dot + 1 : m->name);
		if (!strcmp(buf, name))
			return i;
		snprintf(buf, sizeof(buf), "%s/%s.sql", layers[m->layer], dot ? dot + 1 : m->name);
		if (!strcmp(buf, name))
			return i;
	}
	return -1;
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* Adds to deps (if new) every model named as schema.name in sql, skipping
 * comments and string literals. */
static int find_deps(const struct model_set *ms, int self, int *deps)
{
	const char *s = ms->models[self].sql;
	int n = 0;

	for (const char *p = s; *p; p++) {
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			if (!*p)
				break;
			continue;
		}
		if (*p == '\'') {
			p++;
			while (*p && *p != '\'')
				p++;
			if (!*p)
				break;
			continue;
		}
		if (p > s && is_ident((unsigned char)p[-1]))
			continue;
		for (int l = 0; l < NLAYERS; l++) {
			size_t ll = strlen(layers[l]);
			if (strncmp(p, layers[l], ll) || p[ll] != '.')
				continue;
			const char *q = p + ll + 1;
			size_t len = 0;
			while (is_ident((unsigned char)q[len]))
				len++;
			char name[256];
			if (!len || len + ll + 1 >= sizeof(name))
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(len + ll + 1), p);
			for (int i = 0; i < ms->n; i++) {
				if (i == self || strcmp(ms->models[i].name, name))
					continue;
				int seen = 0;
				for (int k = 0; k < n; k++)
					seen |= deps[k] == i;
				if (!seen)
					deps[n++] = i;
			}
		}
	}
	return n;
}

static int cmp_model(const void *a, const void *b)
{
	const struct model *x = a, *y = b;
	if (x->layer != y->layer)
		return x->layer - y->layer;
	return strcmp(x->path, y->path);
}

int model_set_resolve(struct model_set *ms, char *err, size_t errlen)
{
	int n = ms->n, placed = 0;
	int *order, *pos, *done;
	int **deps;
	int *ndeps;
	struct model *sorted;

	if (n == 0)
		return 0;
	qsort(ms->models, (size_t)n, sizeof(*ms->models), cmp_model);
	deps = calloc((size_t)n, sizeof(*deps));
	ndeps = calloc((size_t)n, sizeof(*ndeps));
	order = calloc((size_t)n, sizeof(*order));
	pos = calloc((size_t)n, sizeof(*pos));
	done = calloc((size_t)n, sizeof(*done));
	if (!deps || !ndeps || !order || !pos || !done)
		abort();
	for (int i = 0; i < n; i++) {
		deps[i] = calloc((size_t)n, sizeof(int));
		if (!deps[i])
			abort();
		ndeps[i] = find_deps(ms, i, deps[i]);
	}
	/* Kahn's algorithm, always taking the first ready model in (layer,
	 * path) order, so unrelated models keep the documented order. */
	while (placed < n) {
		int pick = -1;
		for (int i = 0; i < n && pick < 0; i++) {
			if (done[i])
				continue;
			int ready = 1;
			for (int k = 0; k < ndeps[i]; k++)
				ready &= done[deps[i][k]];
			if (ready)
				pick = i;
		}
		if (pick < 0) {
			for (int i = 0; i < n; i++)
				if (!done[i]) {
					snprintf(err, errlen, "models form a dependency cycle through '%s'",
						 ms->models[i].name);
					break;
				}
			for (int i = 0; i < n; i++)
				free(deps[i]);
			free(deps);
			free(ndeps);
			free(order);
			free(pos);
			free(done);
			return -1;
		}
		done[pick] = 1;
		pos[pick] = placed;
		order[placed++] = pick;
	}
	sorted = calloc((size_t)n, sizeof(*sorted));
	if (!sorted)
		abort();
	for (int j = 0; j < n; j++) {
		int i = order[j];
		sorted[j] = ms->models[i];
		free(sorted[j].deps);
		sorted[j].deps = malloc(sizeof(int) * (size_t)(ndeps[i] ? ndeps[i] : 1));
		if (!sorted[j].deps)
			abort();
		sorted[j].ndeps = ndeps[i];
		for (int k = 0; k < ndeps[i]; k++)
			sorted[j].deps[k] = pos[deps[i][k]];
	}
	free(ms->models);
	ms->models = sorted;
	for (int i = 0; i < n; i++)
		free(deps[i]);
	free(deps);
	free(ndeps);
	free(order);
	free(pos);
	free(done);
	return 0;
}

int model_set_load(struct model_set *ms, char *err, size_t errlen)
{
	for (int l = 0; l < NLAYERS; l++) {
		char prefix[64];
		char **files;

		snprintf(prefix, sizeof(prefix), "transform/%s/", layers[l]);
		files = resource_list(prefix);
		for (char **f = files; f && *f; f++) {
			size_t len = strlen(*f);
			struct model m;
			char *sql;

			if (len < 4 || strcmp(*f + len - 4, ".sql"))
				continue;
			sql = resource_read(*f, NULL);
			if (!sql) {
				snprintf(err, errlen, "cannot read model '%s'", *f);
				resource_list_free(files);
				return -1;
			}
			if (model_parse(&m, *f, sql, err, errlen)) {
				free(sql);
				resource_list_free(files);
				return -1;
			}
			free(sql);
			model_set_add(ms, &m);
		}
		resource_list_free(files);
	}
	if (ms->n == 0) {
		snprintf(err, errlen, "no models found under transform/");
		return -1;
	}
	return model_set_resolve(ms, err, errlen);
}

int model_set_select(struct model_set *ms, const char *const *names, int n,
		     char *err, size_t errlen)
{
	for (int i = 0; i < ms->n; i++)
		ms->models[i].selected = n == 0;
	for (int k = 0; k < n; k++) {
		int i = model_set_find(ms, names[k]);
		if (i < 0) {
			snprintf(err, errlen, "unknown model '%s'", names[k]);
			return -1;
		}
		ms->models[i].selected = 1;
	}
	/* Build order puts dependencies first, so one pass carries the
	 * selection downstream. */
	for (int i = 0; i < ms->n; i++)
		for (int k = 0; k < ms->models[i].ndeps; k++)
			if (ms->models[ms->models[i].deps[k]].selected)
				ms->models[i].selected = 1;
	return 0;
}

/* ---- building --------------------------------------------------------- */

/* "core.days" -> "core"."days" (escaped by libpq). */
static int quoted_name(PGconn *db, const char *name, struct buf *out)
{
	const char *dot = strchr(name, '.');
	char *schema, *rel;

	if (!dot)
		return -1;
	schema = PQescapeIdentifier(db, name, (size_t)(dot - name));
	rel = PQescapeIdentifier(db, dot + 1, strlen(dot + 1));
	if (!schema || !rel) {
		PQfreemem(schema);
		PQfreemem(rel);
		return -1;
	}
	buf_printf(out, "%s.%s", schema, rel);
	PQfreemem(schema);
	PQfreemem(rel);
	return 0;
}

static int exec_counted(PGconn *db, const char *sql, int64_t *count, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_result_error(db, res, err, errlen);
		PQclear(res);
		return -1;
	}
	if (count)
		*count = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static int build_view(PGconn *db, const struct model *m, const char *qname,
		      char *err, size_t errlen)
{
	struct buf sql = BUF_INIT;
	int rc;

	if (exec_counted(db, "SAVEPOINT dwhbi_view", NULL, err, errlen))
		return -1;
	buf_printf(&sql, "CREATE OR REPLACE VIEW %s AS\n%s", qname, m->sql);
	rc = exec_counted(db, sql.data, NULL, err, errlen);
	if (rc) {
		/* CREATE OR REPLACE cannot drop or retype columns: recreate. */
		char first[512];
		snprintf(first, sizeof(first), "%s", err);
		buf_reset(&sql);
		buf_printf(&sql, "ROLLBACK TO SAVEPOINT dwhbi_view; DROP VIEW IF EXISTS %s; "
			   "CREATE VIEW %s AS\n%s", qname, qname, m->sql);
		rc = exec_counted(db, sql.data, NULL, err, errlen);
		if (rc) {
			char second[512];
			snprintf(second, sizeof(second), "%s", err);
			snprintf(err, errlen, "%s", strstr(second, "depend") ? second : first);
		}
	}
	buf_release(&sql);
	if (!rc)
		rc = exec_counted(db, "RELEASE SAVEPOINT dwhbi_view", NULL, err, errlen);
	return rc;
}

/* 1 when every column the model returns exists in the table with the same
 * type, 0 when not (or no table), -1 on error. */
static int table_fits(PGconn *db, const struct model *m, const char *qname,
		      const char *body, char *err, size_t errlen)
{
	const char *params[1] = { qname };
	PGresult *desc, *cols;
	int fits = 1;

	cols = db_query(db,
		"SELECT a.attname, a.atttypid::text FROM pg_attribute a "
		"JOIN pg_class c ON c.oid = a.attrelid "
		"WHERE a.attrelid = to_regclass($1) AND c.relkind = 'r' "
		"AND a.attnum > 0 AND NOT a.attisdropped", 1, params, err, errlen);
	if (!cols)
		return -1;
	if (PQntuples(cols) == 0) {
		PQclear(cols);
		return 0;
	}
	desc = PQprepare(db, "", body, 0, NULL);
	if (PQresultStatus(desc) != PGRES_COMMAND_OK) {
		db_result_error(db, desc, err, errlen);
		PQclear(desc);
		PQclear(cols);
		return -1;
	}
	PQclear(desc);
	desc = PQdescribePrepared(db, "");
	if (PQresultStatus(desc) != PGRES_COMMAND_OK) {
		char reason[512];
		db_result_error(db, desc, reason, sizeof(reason));
		snprintf(err, errlen, "cannot describe model '%s': %s", m->name, reason);
		PQclear(desc);
		PQclear(cols);
		return -1;
	}
	for (int f = 0; f < PQnfields(desc) && fits; f++) {
		char type[32];
		int found = 0;
		snprintf(type, sizeof(type), "%u", (unsigned)PQftype(desc, f));
		for (int r = 0; r < PQntuples(cols); r++)
			if (!strcmp(PQgetvalue(cols, r, 0), PQfname(desc, f)) &&
			    !strcmp(PQgetvalue(cols, r, 1), type))
				found = 1;
		fits = found;
	}
	PQclear(desc);
	PQclear(cols);
	return fits;
}

/* The model's column list, quoted, for INSERT INTO t (cols). */
static int model_columns(PGconn *db, struct buf *out, char *err, size_t errlen)
{
	PGresult *desc = PQdescribePrepared(db, "");
	if (PQresultStatus(desc) != PGRES_COMMAND_OK) {
		db_result_error(db, desc, err, errlen);
		PQclear(desc);
		return -1;
	}
	for (int f = 0; f < PQnfields(desc); f++) {
		const char *name = PQfname(desc, f);
		char *q = PQescapeIdentifier(db, name, strlen(name));
		if (!q) {
			PQclear(desc);
			snprintf(err, errlen, "cannot quote column '%s'", name);
			return -1;
		}
		buf_printf(out, "%s%s", f ? ", " : "", q);
		PQfreemem(q);
	}
	PQclear(desc);
	return 0;
}

/* ---- incremental builds ------------------------------------------------ */

/* Switches on the "--incremental:" lines of a model or test (in place: the
 * mark becomes blanks, so the rest of the line is SQL). */
static void enable_incremental_lines(char *sql)
{
	size_t mlen = strlen(INCREMENTAL_MARK);

	for (char *p = sql; (p = strstr(p, INCREMENTAL_MARK)) != NULL; p += mlen) {
		const char *q = p;
		while (q > sql && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == sql || q[-1] == '\n')
			memset(p, ' ', mlen);
	}
}

/* The text of "-- step: NAME" in transform/changes.sql, up to the next step;
 * NULL when there is no such step. */
static char *changes_step(const char *text, const char *name)
{
	const char *mark = "-- step: ";
	size_t nlen = strlen(name);

	for (const char *p = text; (p = strstr(p, mark)) != NULL; p++) {
		const char *n = p + strlen(mark);
		if ((p == text || p[-1] == '\n') && !strncmp(n, name, nlen) &&
		    (n[nlen] == '\n' || n[nlen] == '\0')) {
			const char *body = n + nlen, *end = strstr(body, "\n-- step: ");
			return xstrndup(body, end ? (size_t)(end - body + 1) : strlen(body));
		}
	}
	return NULL;
}

/* Runs a step of transform/changes.sql if it exists; 0 or -1. */
static int run_changes_step(PGconn *db, const char *text, const char *name,
			    struct cJSON *list, char *err, size_t errlen)
{
	char *step = changes_step(text, name);
	char reason[512];
	int rc;

	if (!step)
		return 0;
	double t0 = now_ms();
	rc = db_exec(db, step, reason, sizeof(reason));
	free(step);
	if (rc)
		snprintf(err, errlen, "%s, step '%s': %s", CHANGES_FILE, name, reason);
	double ms_taken = now_ms() - t0;
	log_debug("%s, step '%s': %.1f ms", CHANGES_FILE, name, ms_taken);
	if (list && !rc) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "step", name);
		cJSON_AddNumberToObject(o, "ms", (double)(int64_t)(ms_taken * 10 + 0.5) / 10);
		cJSON_AddItemToArray(list, o);
	}
	return rc;
}

/* A merge refill (`-- incremental: merge`, for small models read whole): the
 * model's rows go to a temporary table, then only the rows that differ are
 * deleted and inserted (by the model's unique_key). */
static int refill_merge(PGconn *db, const struct model *m, const char *qname,
			int64_t *written, int64_t *deleted, char *err, size_t errlen)
{
	const char *params[1] = { qname };
	struct buf sql = BUF_INIT;
	PGresult *cols;
	const char *c, *dot = strchr(m->name, '.');
	char merged[128];
	int rc = -1;

	if (!m->unique_key) {
		snprintf(err, errlen, "'-- incremental: merge' needs a unique_key");
		return -1;
	}
	snprintf(merged, sizeof(merged), "dwhbi_merged_%s", dot ? dot + 1 : m->name);
	cols = db_query(db,
		"SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a "
		"JOIN pg_class c ON c.oid = a.attrelid WHERE a.attrelid = to_regclass($1) "
		"AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped", 1, params, err, errlen);
	if (!cols)
		return -1;
	if (PQgetisnull(cols, 0, 0)) {
		snprintf(err, errlen, "its table is missing; run 'dwhbi transform --full'");
		PQclear(cols);
		return -1;
	}
	c = PQgetvalue(cols, 0, 0);
	buf_printf(&sql, "CREATE TEMP TABLE dwhbi_merge ON COMMIT DROP AS SELECT %s FROM (\n%s\n) AS model",
		   c, m->sql);
	if (exec_counted(db, sql.data, NULL, err, errlen))
		goto out;
	/* What changed stays for the steps of transform/changes.sql:
	 * dwhbi_merged_<table>(<unique_key>, old): the key of every row
	 * deleted (old) and inserted (not old). */
	buf_reset(&sql);
	buf_printf(&sql, "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s, true AS old FROM "
		   "(SELECT %s FROM %s EXCEPT SELECT %s FROM dwhbi_merge) AS gone",
		   merged, m->unique_key, c, qname, c);
	if (exec_counted(db, sql.data, NULL, err, errlen))
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s)",
		   qname, m->unique_key, m->unique_key, merged);
	if (exec_counted(db, sql.data, deleted, err, errlen))
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "CREATE TEMP TABLE dwhbi_merge_added ON COMMIT DROP AS "
		   "SELECT %s FROM dwhbi_merge EXCEPT SELECT %s FROM %s", c, c, qname);
	if (exec_counted(db, sql.data, NULL, err, errlen))
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "INSERT INTO %s (%s) SELECT %s FROM dwhbi_merge_added", qname, c, c);
	if (exec_counted(db, sql.data, written, err, errlen))
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "INSERT INTO %s SELECT %s, false FROM dwhbi_merge_added; "
		   "DROP TABLE dwhbi_merge_added; DROP TABLE dwhbi_merge", merged, m->unique_key);
	rc = exec_counted(db, sql.data, NULL, err, errlen);
out:
	PQclear(cols);
	buf_release(&sql);
	return rc;
}

/* An incremental refill: DELETE the rows matching the model's condition,
 * INSERT the model's rows matching it.  Both run in the transform's
 * transaction, so readers see the old days until the commit. */
static int refill_incremental(PGconn *db, const struct model *m, const char *qname,
			      int64_t *written, int64_t *deleted, char *err, size_t errlen)
{
	const char *params[1] = { qname };
	struct buf sql = BUF_INIT;
	char *body = xstrdup(m->sql);
	PGresult *cols;
	double tuples;
	int rc = -1;

	enable_incremental_lines(body);
	cols = db_query(db,
		"SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), "
		"max(c.reltuples) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
		"WHERE a.attrelid = to_regclass($1) AND c.relkind = 'r' "
		"AND a.attnum > 0 AND NOT a.attisdropped", 1, params, err, errlen);
	if (!cols)
		goto out;
	if (PQgetisnull(cols, 0, 0)) {
		snprintf(err, errlen, "its table is missing; run 'dwhbi transform --full'");
		PQclear(cols);
		goto out;
	}
	tuples = strtod(PQgetvalue(cols, 0, 1), NULL);
	buf_printf(&sql, "DELETE FROM %s WHERE %s", qname, m->incremental);
	if (exec_counted(db, sql.data, deleted, err, errlen)) {
		PQclear(cols);
		goto out;
	}
	buf_reset(&sql);
	buf_printf(&sql, "INSERT INTO %s (%s) SELECT %s FROM (\n%s\n) AS model WHERE %s",
		   qname, PQgetvalue(cols, 0, 0), PQgetvalue(cols, 0, 0), body, m->incremental);
	PQclear(cols);
	if (exec_counted(db, sql.data, written, err, errlen))
		goto out;
	rc = 0;
	/* A few days of a big table leave its statistics good enough; a
	 * bigger change gets them refreshed. */
	if ((double)(*written + *deleted) > 0.1 * tuples + 1000) {
		buf_reset(&sql);
		buf_printf(&sql, "ANALYZE %s", qname);
		rc = exec_counted(db, sql.data, NULL, err, errlen);
	}
out:
	if (rc) {
		char reason[512];
		snprintf(reason, sizeof(reason), "%s", err);
		snprintf(err, errlen, "incremental refill: %s", reason);
	}
	buf_release(&sql);
	free(body);
	return rc;
}

/* The model's "-- index: a, b; c" (each named <table>_by_<columns>),
 * unless they exist. */
static int create_index(PGconn *db, const struct model *m, const char *qname,
			char *err, size_t errlen)
{
	const char *dot = strchr(m->name, '.');
	int rc = 0;

	for (const char *p = m->index; *p && !rc;) {
		struct buf name = BUF_INIT, sql = BUF_INIT;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *q;

		buf_printf(&name, "%s_by_", dot ? dot + 1 : m->name);
		for (size_t i = 0; i < len; i++)
			if (p[i] != ' ')
				buf_putc(&name, p[i] == ',' ? '_' : p[i]);
		q = PQescapeIdentifier(db, name.data, name.len > 63 ? 63 : name.len);
		buf_release(&name);
		if (!q) {
			snprintf(err, errlen, "cannot quote an index name");
			return -1;
		}
		buf_printf(&sql, "CREATE INDEX IF NOT EXISTS %s ON %s (%.*s)", q, qname, (int)len, p);
		PQfreemem(q);
		rc = exec_counted(db, sql.data, NULL, err, errlen);
		buf_release(&sql);
		p += len;
		if (*p == ';')
			p++;
	}
	return rc;
}

static int build_table(PGconn *db, const struct model *m, const char *qname,
		       int64_t *written, int64_t *deleted, int *recreated,
		       char *err, size_t errlen)
{
	struct buf body = BUF_INIT, sql = BUF_INIT, cols = BUF_INIT;
	int fits, rc = -1;

	*written = *deleted = 0;
	*recreated = 0;
	buf_printf(&body, "SELECT * FROM (\n%s\n) AS model", m->sql);
	fits = m->rebuild ? 0 : table_fits(db, m, qname, body.data, err, errlen);
	if (fits < 0)
		goto out;
	if (fits) {
		/* Refill in place: MVCC keeps the old rows visible to readers
		 * until this transaction commits. */
		if (model_columns(db, &cols, err, errlen))
			goto out;
		/* a table built before the model had its index gets it */
		if (m->index && create_index(db, m, qname, err, errlen))
			goto out;
		buf_printf(&sql, "DELETE FROM %s", qname);
		if (exec_counted(db, sql.data, deleted, err, errlen))
			goto out;
		buf_reset(&sql);
		buf_printf(&sql, "INSERT INTO %s (%s) %s", qname, cols.data, body.data);
		if (exec_counted(db, sql.data, written, err, errlen))
			goto out;
	} else {
		const char *params[1] = { qname };
		char kind[8];
		int k = db_query_value(db, "SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)",
				       1, params, kind, sizeof(kind), err, errlen);
		if (k < 0)
			goto out;
		*recreated = !m->rebuild;
		if (k == 1) {
			buf_printf(&sql, "DROP %s %s", !strcmp(kind, "v") ? "VIEW" : "TABLE", qname);
			if (exec_counted(db, sql.data, NULL, err, errlen)) {
				char reason[512];
				snprintf(reason, sizeof(reason), "%s", err);
				snprintf(err, errlen, "its columns changed and it must be recreated, "
					 "but that failed: %s", reason);
				goto out;
			}
			buf_reset(&sql);
		}
		buf_printf(&sql, "CREATE TABLE %s AS %s", qname, body.data);
		if (exec_counted(db, sql.data, written, err, errlen))
			goto out;
		if (m->unique_key) {
			buf_reset(&sql);
			buf_printf(&sql, "ALTER TABLE %s ADD PRIMARY KEY (%s)", qname, m->unique_key);
			if (exec_counted(db, sql.data, NULL, err, errlen))
				goto out;
		}
		if (m->index && create_index(db, m, qname, err, errlen))
			goto out;
	}
	buf_reset(&sql);
	buf_printf(&sql, "ANALYZE %s", qname);
	rc = exec_counted(db, sql.data, NULL, err, errlen);
out:
	buf_release(&body);
	buf_release(&sql);
	buf_release(&cols);
	return rc;
}

/* ops.model_builds: what `dwhbi status` and the console show as the last
 * refresh of each model; committed together with the model's rows. */
static int record_build(PGconn *db, const struct model *m, int64_t rows, double ms_taken,
			int64_t incr_deleted, int incremental, char *err, size_t errlen)
{
	char rows_s[32], ms_s[32], del_s[32];
	const char *params[4] = { m->name, rows_s, ms_s, del_s };

	snprintf(rows_s, sizeof(rows_s), "%lld", (long long)rows);
	snprintf(ms_s, sizeof(ms_s), "%.1f", ms_taken);
	snprintf(del_s, sizeof(del_s), "%lld", (long long)incr_deleted);
	if (m->kind == MODEL_VIEW)
		params[1] = NULL;
	if (incremental)        /* rows: the table's, not this refill's */
		return db_exec_params(db,
			"INSERT INTO ops.model_builds (model, built_at, rows, duration_ms) "
			"VALUES ($1, now(), $2, $3) ON CONFLICT (model) DO UPDATE "
			"SET built_at = excluded.built_at, "
			"rows = ops.model_builds.rows - $4::bigint + excluded.rows, "
			"duration_ms = excluded.duration_ms", 4, params, err, errlen);
	return db_exec_params(db,
		"INSERT INTO ops.model_builds (model, built_at, rows, duration_ms) "
		"VALUES ($1, now(), $2, $3) ON CONFLICT (model) DO UPDATE "
		"SET built_at = excluded.built_at, rows = excluded.rows, "
		"duration_ms = excluded.duration_ms", 3, params, err, errlen);
}

static int build_models(PGconn *db, const struct model_set *ms, struct transform_result *res,
			cJSON *list, const char *changes, char *err, size_t errlen)
{
	for (int i = 0; i < ms->n; i++) {
		const struct model *m = &ms->models[i];
		struct buf qname = BUF_INIT;
		int64_t written = 0, deleted = 0;
		int recreated = 0, rc;
		char reason[768];
		double t0;
		/* what an incremental build does with this model */
		enum { WHOLE, DAYS, KEEP, MERGE } how = WHOLE;

		if (!m->selected)
			continue;
		if (res->incremental)
			how = m->kind == MODEL_VIEW ? KEEP
			    : !m->incremental ? WHOLE
			    : !strcmp(m->incremental, "unchanged") ? KEEP
			    : !strcmp(m->incremental, "merge") ? MERGE : DAYS;
		if (how == KEEP) {
			/* its text and inputs are those of the last build */
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "model", m->name);
			cJSON_AddStringToObject(o, "materialized", m->kind == MODEL_VIEW ? "view" : "table");
			cJSON_AddStringToObject(o, "refresh", "unchanged");
			cJSON_AddNumberToObject(o, "ms", 0);
			cJSON_AddItemToArray(list, o);
			continue;
		}
		if (quoted_name(db, m->name, &qname)) {
			snprintf(err, errlen, "cannot quote model name '%s'", m->name);
			return -1;
		}
		log_debug("building %s", m->name);
		log_progress("transform: %s", m->name);
		t0 = now_ms();
		if (m->kind == MODEL_VIEW)
			rc = build_view(db, m, qname.data, reason, sizeof(reason));
		else if (how == DAYS)
			rc = refill_incremental(db, m, qname.data, &written, &deleted,
						reason, sizeof(reason));
		else if (how == MERGE)
			rc = refill_merge(db, m, qname.data, &written, &deleted,
					  reason, sizeof(reason));
		else
			rc = build_table(db, m, qname.data, &written, &deleted, &recreated,
					 reason, sizeof(reason));
		buf_release(&qname);
		if (rc) {
			log_progress_done();
			snprintf(err, errlen, "model '%s' (%s) failed: %s", m->name, m->path, reason);
			return -1;
		}
		if (res->incremental) {
			char step[300];
			snprintf(step, sizeof(step), "after %s", m->name);
			if (run_changes_step(db, changes, step,
					     cJSON_GetObjectItem(res->detail, "steps"), err, errlen))
				return -1;
		}
		double ms_taken = now_ms() - t0;
		if (record_build(db, m, written, ms_taken, deleted, how == DAYS || how == MERGE,
				 reason, sizeof(reason))) {
			log_progress_done();
			snprintf(err, errlen, "cannot record the build of '%s': %s", m->name, reason);
			return -1;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "model", m->name);
		cJSON_AddStringToObject(o, "materialized", m->kind == MODEL_VIEW ? "view" : "table");
		if (res->incremental)
			cJSON_AddStringToObject(o, "refresh", how == DAYS ? "changed days"
						: how == MERGE ? "changed rows" : "whole");
		if (m->kind == MODEL_TABLE) {
			cJSON_AddNumberToObject(o, "rows", (double)written);
			if (recreated)
				cJSON_AddBoolToObject(o, "recreated", 1);
		}
		cJSON_AddNumberToObject(o, "ms", (double)(int64_t)(ms_taken * 10 + 0.5) / 10);
		cJSON_AddItemToArray(list, o);
		res->rows_written += written;
		res->rows_deleted += deleted;
		res->models_built++;
		log_debug("built %s (%s, %lld rows) in %.0f ms", m->name,
			  m->kind == MODEL_VIEW ? "view" : "table", (long long)written, ms_taken);
	}
	log_progress_done();
	return 0;
}

/* ---- data tests ------------------------------------------------------- */

static void print_offending(const char *test, PGresult *r, int warn_only)
{
	int n = PQntuples(r);

	fprintf(stderr, "%sdata test '%s' %s: %s%d offending row%s; first rows:\n",
		warn_only ? "warning: " : "", test, warn_only ? "warns (severity warn)" : "failed",
		n >= TEST_FETCH_ROWS ? "at least " : "", n >= TEST_FETCH_ROWS ? n - 1 : n,
		n == 1 ? "" : "s");
	for (int i = 0; i < n && i < TEST_SHOW_ROWS; i++) {
		fputs("  ", stderr);
		for (int f = 0; f < PQnfields(r); f++)
			fprintf(stderr, "%s%s=%s", f ? " | " : "", PQfname(r, f),
				PQgetisnull(r, i, f) ? "NULL" : PQgetvalue(r, i, f));
		fputc('\n', stderr);
	}
}

static int run_tests(PGconn *db, struct transform_result *res, cJSON *list,
		     char *err, size_t errlen)
{
	char **files = resource_list(TEST_DIR);
	struct buf failed = BUF_INIT;
	int rc = 0;

	for (char **f = files; f && *f; f++) {
		size_t len = strlen(*f);
		const char *base = *f + strlen(TEST_DIR);
		char name[256];
		struct buf sql = BUF_INIT;
		char *text;
		PGresult *r;
		double t0;
		int bad;

		if (len < 4 || strcmp(*f + len - 4, ".sql"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 4), base);
		text = resource_read(*f, NULL);
		if (!text) {
			snprintf(err, errlen, "cannot read data test '%s'", *f);
			rc = -1;
			break;
		}
		/* `-- severity: warn`: offending rows are printed and recorded,
		 * but do not roll the run back. */
		char *severity = header_value(text, "severity");
		int warn_only = severity && !strcmp(severity, "warn");
		free(severity);
		if (res->incremental)   /* the changed days plus the global checks */
			enable_incremental_lines(text);
		buf_printf(&sql, "SAVEPOINT dwhbi_test; SELECT * FROM (\n%s\n) AS test LIMIT %d",
			   text, TEST_FETCH_ROWS);
		free(text);
		t0 = now_ms();
		r = PQexec(db, sql.data);
		buf_release(&sql);
		res->tests_run++;
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			char msg[512];
			db_result_error(db, r, msg, sizeof(msg));
			fprintf(stderr, "data test '%s' could not run: %s\n", name, msg);
			bad = -1;
			PQclear(r);
			r = PQexec(db, "ROLLBACK TO SAVEPOINT dwhbi_test");
		} else {
			bad = PQntuples(r);
			if (bad)
				print_offending(name, r, warn_only);
		}
		PQclear(r);
		r = PQexec(db, "RELEASE SAVEPOINT dwhbi_test");
		PQclear(r);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "test", name);
		cJSON_AddNumberToObject(o, "failures", bad < 0 ? -1 : bad);
		cJSON_AddNumberToObject(o, "ms", (double)(int64_t)((now_ms() - t0) * 10 + 0.5) / 10);
		if (warn_only)
			cJSON_AddStringToObject(o, "severity", "warn");
		cJSON_AddItemToArray(list, o);
		if (bad > 0 && warn_only) {
			res->tests_warned++;
		} else if (bad) {
			res->tests_failed++;
			buf_printf(&failed, "%s%s", failed.len ? ", " : "", name);
		}
	}
	resource_list_free(files);
	if (!rc && res->tests_failed) {
		snprintf(err, errlen, "%d data test%s failed (%s); nothing was committed, "
			 "the previous marts are in place", res->tests_failed,
			 res->tests_failed == 1 ? "" : "s", failed.data);
		rc = -1;
	}
	buf_release(&failed);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

static int take_lock(PGconn *db, int wait_seconds, char *err, size_t errlen)
{
	for (int waited = 0;; waited++) {
		int got = db_lock(db, LOCK_NAME, 0, err, errlen);
		if (got != 0)
			return got > 0 ? 0 : -1;
		if (waited >= wait_seconds) {
			snprintf(err, errlen, "another 'dwhbi transform' is running (waited %d s); "
				 "try again when it has finished", waited);
			return -1;
		}
		if (waited == 0)
			log_info("waiting for another transform to finish");
		sleep(1);
	}
}

/* Decides between an incremental and a full build of every model (see
 * runner.h) and prepares the changed days; res->incremental says which. */
static int plan_build(PGconn *db, const struct transform_opts *opts, const struct model_set *ms,
		      const char *changes, struct transform_result *res, char *err, size_t errlen)
{
	struct buf text = BUF_INIT, names = BUF_INIT;
	cJSON *steps = cJSON_AddArrayToObject(res->detail, "steps");
	char reason[512] = "";
	const char *params[1];
	int got;

	/* the fingerprint covers the models and this file */
	for (int i = 0; i < ms->n; i++)
		buf_printf(&text, "%s\n%s\n", ms->models[i].path, ms->models[i].sql);
	buf_puts(&text, changes);
	params[0] = text.data;
	got = db_exec_params(db, "SELECT set_config('dwhbi.models_md5', md5($1), true)",
			     1, params, err, errlen);
	buf_release(&text);
	if (got || run_changes_step(db, changes, "state", steps, err, errlen))
		return -1;
	if (opts->full) {
		snprintf(reason, sizeof(reason), "--full");
	} else {
		char *step = changes_step(changes, "decide");
		if (!step) {
			snprintf(err, errlen, "%s has no step 'decide'", CHANGES_FILE);
			return -1;
		}
		got = db_query_value(db, step, 0, NULL, reason, sizeof(reason), err, errlen);
		free(step);
		if (got < 0)
			return -1;
	}
	if (!reason[0]) {
		/* every table must be there to be refilled */
		buf_putc(&names, '{');
		for (int i = 0; i < ms->n; i++)
			if (ms->models[i].kind == MODEL_TABLE)
				buf_printf(&names, "%s%s", names.len > 1 ? "," : "", ms->models[i].name);
		buf_putc(&names, '}');
		params[0] = names.data;
		got = db_query_value(db, "SELECT 'no table ' || string_agg(n, ', ') FROM unnest($1::text[]) n "
				     "WHERE to_regclass(n) IS NULL", 1, params, reason, sizeof(reason),
				     err, errlen);
		buf_release(&names);
		if (got < 0)
			return -1;
	}
	res->incremental = !reason[0];
	params[0] = res->incremental ? "off" : "on";
	if (db_exec_params(db, "SELECT set_config('dwhbi.full_build', $1, true)", 1, params,
			   err, errlen))
		return -1;
	cJSON_AddStringToObject(res->detail, "refresh", res->incremental ? "incremental" : "full");
	if (!res->incremental) {
		cJSON_AddStringToObject(res->detail, "full_reason", reason);
		log_debug("full rebuild: %s", reason);
		return 0;
	}
	return run_changes_step(db, changes, "start", steps, err, errlen);
}

int transform_run(PGconn *db, const struct transform_opts *opts,
		  struct transform_result *res, char *err, size_t errlen)
{
	struct model_set ms;
	const char *params[2];
	cJSON *models, *tests;
	char *changes = NULL;
	/* a build of every model keeps ops.transform_state */
	int tracked = opts->build && opts->nselect == 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->detail = cJSON_CreateObject();
	cJSON_AddStringToObject(res->detail, "timezone", opts->timezone);
	models = cJSON_AddArrayToObject(res->detail, "models");
	tests = cJSON_AddArrayToObject(res->detail, "tests");

	model_set_init(&ms);
	if (model_set_load(&ms, err, errlen) ||
	    model_set_select(&ms, opts->select, opts->nselect, err, errlen))
		goto out_models;
	if (tracked && !(changes = resource_read(CHANGES_FILE, NULL))) {
		snprintf(err, errlen, "cannot read %s", CHANGES_FILE);
		goto out_models;
	}
	if (take_lock(db, opts->lock_wait_seconds, err, errlen))
		goto out_models;
	if (db_begin(db, err, errlen))
		goto out_lock;
	params[0] = opts->timezone;
	params[1] = opts->holiday_calendar_id ? opts->holiday_calendar_id : "";
	/* JIT is off: the models' generate_series() make the planner guess
	 * big costs, and compiling then takes longer than the queries.  A
	 * batch job may sort in memory (the server's default 4 MB spills a
	 * million entries to disk). */
	if (db_exec_params(db, "SELECT set_config('dwhbi.timezone', $1, true), "
			   "set_config('dwhbi.holiday_calendar_id', $2, true), "
			   "set_config('jit', 'off', true), "
			   "set_config('work_mem', '256MB', true), "
			   "now() AT TIME ZONE $1", 2, params, err, errlen))
		goto out_rollback;
	if (tracked && plan_build(db, opts, &ms, changes, res, err, errlen))
		goto out_rollback;
	if (opts->build && build_models(db, &ms, res, models, changes, err, errlen))
		goto out_rollback;
	if (res->incremental) {
		char n[32];
		if (db_query_value(db, "SELECT count(*) FROM dwhbi_changed_days", 0, NULL,
				   n, sizeof(n), err, errlen) < 0)
			goto out_rollback;
		res->changed_days = strtoll(n, NULL, 10);
		cJSON_AddNumberToObject(res->detail, "changed_days", (double)res->changed_days);
	}
	if (opts->test && run_tests(db, res, tests, err, errlen))
		goto out_rollback;
	if (tracked && run_changes_step(db, changes, "finish",
					cJSON_GetObjectItem(res->detail, "steps"), err, errlen))
		goto out_rollback;
	if (db_commit(db, err, errlen))
		goto out_lock;
	rc = 0;
	goto out_lock;
out_rollback:
	db_rollback(db);
out_lock:
	{
		char ignored[128];
		db_unlock(db, LOCK_NAME, ignored, sizeof(ignored));
	}
out_models:
	free(changes);
	model_set_release(&ms);
	return rc;
}
