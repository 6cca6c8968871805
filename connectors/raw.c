/*
 * raw: COPY a page into a stage, merge it into raw.*, read and write
 * ops.sync_state (see raw.h).
 */
#include "connectors/raw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/validate.h"
#include "lib/db.h"
#include "lib/query.h"

/* The raw tables a merge file may be pointed at with {{target}}. */
static const char *const RAW_TARGETS[] = {
	"raw.toggl_track__me",
	"raw.toggl_track__workspaces",
	"raw.toggl_track__projects",
	"raw.toggl_track__clients",
	"raw.toggl_track__tags",
	"raw.toggl_track__time_entries",
};

void raw_page_init(struct raw_page *p)
{
	buf_init(&p->copy);
	p->rows = 0;
	p->col = 0;
	p->marked = 0;
}

void raw_page_release(struct raw_page *p)
{
	buf_release(&p->copy);
	p->rows = 0;
	p->col = 0;
	p->marked = 0;
}

void raw_page_reset(struct raw_page *p)
{
	buf_reset(&p->copy);
	p->rows = 0;
	p->col = 0;
	p->marked = 0;
}

void raw_copy_escape(struct buf *b, const char *s, size_t n)
{
	const char *e = s + n, *run = s;

	buf_grow(b, n + 16);
	for (; s < e; s++) {
		char esc;
		switch (*s) {
		case '\\': esc = '\\'; break;
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_putc(b, '\\');
		buf_putc(b, esc);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(e - run));
}

static void next_col(struct raw_page *p)
{
	if (p->col++)
		buf_putc(&p->copy, '\t');
}

void raw_page_field(struct raw_page *p, const char *s, size_t n)
{
	next_col(p);
	raw_copy_escape(&p->copy, s, n);
}

void raw_page_str(struct raw_page *p, const char *s)
{
	if (!s)
		raw_page_null(p);
	else
		raw_page_field(p, s, strlen(s));
}

void raw_page_begin_field(struct raw_page *p)
{
	next_col(p);
}

void raw_page_append(struct raw_page *p, const char *s, size_t n)
{
	raw_copy_escape(&p->copy, s, n);
}

void raw_page_null(struct raw_page *p)
{
	next_col(p);
	buf_append(&p->copy, "\\N", 2);
}

void raw_page_end_row(struct raw_page *p)
{
	buf_putc(&p->copy, '\n');
	p->rows++;
	p->col = 0;
}

/* Members beyond this many are looked up one by one (jv_member). */
#define PICK_MAX_MEMBERS 64

int raw_json_pick(struct jv_span obj, const char *const *names, int n,
		  struct jv_span *vals, int *found)
{
	struct jv_span keys[PICK_MAX_MEMBERS], v[PICK_MAX_MEMBERS];
	size_t nm;
	int rc = jv_members(obj, keys, v, PICK_MAX_MEMBERS, &nm);

	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		found[i] = 0;
		if (rc == 1) {          /* too many members: the slow way */
			found[i] = jv_member(obj, names[i], &vals[i]) == 1;
			continue;
		}
		for (size_t k = nm; k-- > 0;) {
			if (keys[k].n == len && memcmp(keys[k].p, names[i], len) == 0) {
				vals[i] = v[k];
				found[i] = 1;
				break;
			}
		}
	}
	return 0;
}

int raw_json_scalar(struct jv_span v, struct jv_span *out)
{
	const char *p = v.p, *e = v.p + v.n;

	if (v.n == 4 && memcmp(p, "null", 4) == 0)
		return 0;
	if (v.n >= 2 && p[0] == '"' && e[-1] == '"') {
		if (memchr(p + 1, '\\', v.n - 2))
			return -1;
		out->p = p + 1;
		out->n = v.n - 2;
		return 1;
	}
	/* An integer jsonb prints as written: 0, or digits without a leading
	 * zero, optionally negative (but not -0). */
	const char *d = p < e && *p == '-' ? p + 1 : p;
	if (d == e || (*d == '0' && (e - d != 1 || d != p)))
		return -1;
	for (const char *q = d; q < e; q++)
		if (*q < '0' || *q > '9')
			return -1;
	*out = v;
	return 1;
}

int raw_exec_file(PGconn *db, const char *path, char *err, size_t errlen)
{
	char *sql = query_text(path, err, errlen);
	int rc;

	if (!sql)
		return -1;
	rc = db_exec(db, sql, err, errlen);
	free(sql);
	return rc;
}

int raw_page_copy(PGconn *db, const char *copy_sql, const struct raw_page *p,
		  char *err, size_t errlen)
{
	if (db_copy_begin(db, copy_sql, err, errlen) < 0)
		return -1;
	if (p->copy.len &&
	    db_copy_data(db, p->copy.data, p->copy.len, err, errlen) < 0) {
		char ignore[64];

		db_copy_end(db, ignore, sizeof(ignore));
		return -1;
	}
	return db_copy_end(db, err, errlen);
}

/* sql with every {{target}} replaced by target (a name from RAW_TARGETS). */
static char *with_target(const char *sql, const char *target)
{
	static const char mark[] = "{{target}}";
	struct buf out = BUF_INIT;
	const char *p = sql, *hit;

	while ((hit = strstr(p, mark))) {
		buf_append(&out, p, (size_t)(hit - p));
		buf_puts(&out, target);
		p = hit + sizeof(mark) - 1;
	}
	buf_puts(&out, p);
	return buf_detach(&out);
}

int raw_merge(PGconn *db, const char *path, const char *target, int nparams,
	      const char *const *params, int64_t *out, int nout,
	      char *err, size_t errlen)
{
	char *sql, *text;
	PGresult *res;

	if (target) {
		size_t i, n = sizeof(RAW_TARGETS) / sizeof(RAW_TARGETS[0]);
		for (i = 0; i < n && strcmp(RAW_TARGETS[i], target) != 0; i++)
			;
		if (i == n) {
			snprintf(err, errlen, "internal error: '%s' is not a raw table "
				 "the connectors write", target);
			return -1;
		}
	}
	if (!(text = query_text(path, err, errlen)))
		return -1;
	sql = target ? with_target(text, target) : text;
	if (sql != text)
		free(text);
	res = db_query(db, sql, nparams, params, err, errlen);
	free(sql);
	if (!res)
		return -1;
	for (int i = 0; i < nout; i++)
		out[i] = PQntuples(res) > 0 && i < PQnfields(res) && !PQgetisnull(res, 0, i) ?
			strtoll(PQgetvalue(res, 0, i), NULL, 10) : 0;
	PQclear(res);
	return 0;
}

static char *dup_or_null(PGresult *res, int col)
{
	char *s;

	if (PQgetisnull(res, 0, col))
		return NULL;
	if (!(s = strdup(PQgetvalue(res, 0, col))))
		abort();
	return s;
}

int raw_state_load(PGconn *db, const char *source, struct raw_state *st,
		   char *err, size_t errlen)
{
	const char *params[1] = { source };
	PGresult *res;

	memset(st, 0, sizeof(*st));
	if (!(res = query_file(db, "connectors/raw_load_state.sql", 1, params, err, errlen)))
		return -1;
	if (PQntuples(res) == 1) {
		st->found = 1;
		st->cursor = dup_or_null(res, 0);
		st->checkpoint = dup_or_null(res, 1);
		st->saved_epoch = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	}
	PQclear(res);
	return 0;
}

void raw_state_release(struct raw_state *st)
{
	free(st->cursor);
	free(st->checkpoint);
	memset(st, 0, sizeof(*st));
}

int raw_state_save(PGconn *db, const char *source, const char *cursor,
		   const char *checkpoint, int changed, int completed,
		   char *err, size_t errlen)
{
	const char *params[5] = {
		source, cursor, checkpoint, changed ? "true" : "false",
		completed ? "true" : "false"
	};

	return query_file_exec(db, "connectors/raw_save_state.sql", 5, params, err, errlen);
}
