/*
 * raw: COPY a page into a stage, merge it into raw.*, read and write
 * ops.sync_state (see raw.h).
 */
#include "connectors/raw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
}

void raw_page_release(struct raw_page *p)
{
	buf_release(&p->copy);
	p->rows = 0;
	p->col = 0;
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

/* ---- a fast walk over JSON the connector has already checked ----
 *
 * The items reaching the loader passed the checks of connectors/validate.h
 * (or cJSON parsed them), so they are well-formed: strings are skipped
 * with memchr and nothing is validated again.  The walk still never reads
 * past the end and gives up (-1) on anything it does not expect.  It has
 * no depth limit: containers are skipped by counting brackets. */

static const char *fw_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': the byte after the closing quote, or NULL. */
static const char *fw_string(const char *p, const char *e)
{
	const char *from = p + 1;

	for (;;) {
		const char *q = memchr(from, '"', (size_t)(e - from)), *b;
		if (!q)
			return NULL;
		for (b = q; b > from && b[-1] == '\\'; b--)
			;
		if (((q - b) & 1) == 0)
			return q + 1;
		from = q + 1;
	}
}

/* The end of the value at p, or NULL. */
static const char *fw_value(const char *p, const char *e)
{
	if (p >= e)
		return NULL;
	if (*p == '"')
		return fw_string(p, e);
	if (*p == '{' || *p == '[') {
		size_t depth = 0;
		while (p < e) {
			char c = *p;
			if (c == '"') {
				if (!(p = fw_string(p, e)))
					return NULL;
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	const char *start = p;
	while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' &&
	       *p != '\n' && *p != '\r')
		p++;
	return p > start ? p : NULL;
}

int raw_json_next(struct jv_span arr, const char **pos, struct jv_span *item)
{
	const char *e = arr.p + arr.n, *p = *pos;

	if (!p) {
		p = fw_ws(arr.p, e);
		if (p >= e || *p != '[')
			return -1;
		p = fw_ws(p + 1, e);
		if (p < e && *p == ']') {
			*pos = e;
			return 0;
		}
	} else {
		p = fw_ws(p, e);
		if (p >= e || *p == ']')
			return 0;
		if (*p != ',')
			return -1;
		p = fw_ws(p + 1, e);
	}
	const char *end = fw_value(p, e);
	if (!end)
		return -1;
	item->p = p;
	item->n = (size_t)(end - p);
	*pos = end;
	return 1;
}

int raw_json_pick(struct jv_span obj, const char *const *names, int n,
		  struct jv_span *vals, int *found)
{
	const char *e = obj.p + obj.n, *p = fw_ws(obj.p, e);

	for (int i = 0; i < n; i++)
		found[i] = 0;
	if (p >= e || *p != '{')
		return -1;
	p = fw_ws(p + 1, e);
	if (p < e && *p == '}')
		return 0;
	for (;;) {
		const char *k, *v;
		if (p >= e || *p != '"' || !(v = fw_string(p, e)))
			return -1;
		k = p + 1;
		size_t klen = (size_t)(v - k - 1);
		p = fw_ws(v, e);
		if (p >= e || *p != ':')
			return -1;
		p = fw_ws(p + 1, e);
		if (!(v = fw_value(p, e)))
			return -1;
		/* The last of repeated keys wins, as in jsonb. */
		for (int i = 0; i < n; i++) {
			if (strncmp(names[i], k, klen) == 0 && names[i][klen] == '\0') {
				vals[i].p = p;
				vals[i].n = (size_t)(v - p);
				found[i] = 1;
				break;
			}
		}
		p = fw_ws(v, e);
		if (p < e && *p == '}')
			return 0;
		if (p >= e || *p != ',')
			return -1;
		p = fw_ws(p + 1, e);
	}
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

static int check_target(const char *target, char *err, size_t errlen)
{
	size_t n = sizeof(RAW_TARGETS) / sizeof(RAW_TARGETS[0]);

	for (size_t i = 0; i < n; i++)
		if (strcmp(RAW_TARGETS[i], target) == 0)
			return 0;
	snprintf(err, errlen, "internal error: '%s' is not a raw table the "
		 "connectors write", target);
	return -1;
}

/* Runs query file path (with {{target}} replaced) and returns its result. */
static PGresult *query_target(PGconn *db, const char *path, const char *target,
			      int nparams, const char *const *params,
			      char *err, size_t errlen)
{
	char *sql, *text;
	PGresult *res;

	if (target && check_target(target, err, errlen) < 0)
		return NULL;
	if (!(text = query_text(path, err, errlen)))
		return NULL;
	sql = target ? with_target(text, target) : text;
	if (sql != text)
		free(text);
	res = db_query(db, sql, nparams, params, err, errlen);
	free(sql);
	return res;
}

int raw_merge(PGconn *db, const char *path, const char *target, int nparams,
	      const char *const *params, int64_t *out, int nout,
	      char *err, size_t errlen)
{
	PGresult *res = query_target(db, path, target, nparams, params, err, errlen);

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

/* ---- keyed rows ---- */

void raw_rows_init(struct raw_rows *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
}

void raw_rows_release(struct raw_rows *r)
{
	buf_release(&r->text);
	free(r->v);
	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
}

void raw_rows_reset(struct raw_rows *r)
{
	buf_reset(&r->text);
	r->n = 0;
	r->odd = 0;
}

void raw_rows_begin(struct raw_rows *r, const char *id, size_t id_len)
{
	struct raw_row *row;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		if (!(r->v = realloc(r->v, r->cap * sizeof(*r->v))))
			abort();
	}
	row = &r->v[r->n];
	memset(row, 0, sizeof(*row));
	row->off = r->text.len;
	row->ord = (int)r->n;
	if (id) {
		raw_copy_escape(&r->text, id, id_len);
		row->id_len = r->text.len - row->off;
		/* An id COPY must escape is not plain text: SQL reads it. */
		row->odd = row->id_len != id_len || id_len == 0;
	} else {
		buf_append(&r->text, "\\N", 2);
		row->odd = 1;
	}
	buf_putc(&r->text, '\t');
}

void raw_rows_data(struct raw_rows *r, const char *s, size_t n)
{
	raw_copy_escape(&r->text, s, n);
}

void raw_rows_end(struct raw_rows *r, const char *deleted, size_t deleted_len, int odd)
{
	struct raw_row *row = &r->v[r->n];

	buf_putc(&r->text, '\t');
	if (deleted)
		raw_copy_escape(&r->text, deleted, deleted_len);
	else
		buf_append(&r->text, "\\N", 2);
	row->deleted = deleted != NULL;
	row->odd |= odd != 0;
	row->len = r->text.len - row->off;
	r->odd += row->odd;
	r->n++;
}

/* COPY in chunks of about this many bytes. */
#define RAW_COPY_CHUNK (1 << 20)

/* A COPY of the chosen rows, each followed by its suffix. */
struct sender {
	PGconn *db;
	struct buf out;
	size_t rows;
	int failed;
	char *err;
	size_t errlen;
};

static int send_begin(struct sender *snd, PGconn *db, const char *copy_sql,
		      char *err, size_t errlen)
{
	memset(snd, 0, sizeof(*snd));
	snd->db = db;
	snd->err = err;
	snd->errlen = errlen;
	buf_init(&snd->out);
	return db_copy_begin(db, copy_sql, err, errlen);
}

static void send_flush(struct sender *snd)
{
	if (!snd->failed && snd->out.len &&
	    db_copy_data(snd->db, snd->out.data, snd->out.len, snd->err, snd->errlen) < 0)
		snd->failed = 1;
	buf_reset(&snd->out);
}

static void send_row(struct sender *snd, const struct raw_rows *r,
		     const struct raw_row *row, const char *suffix, size_t slen)
{
	buf_append(&snd->out, r->text.data + row->off, row->len);
	buf_append(&snd->out, suffix, slen);
	snd->rows++;
	if (snd->out.len >= RAW_COPY_CHUNK)
		send_flush(snd);
}

static int send_end(struct sender *snd)
{
	int rc;

	send_flush(snd);
	if (snd->failed) {
		char ignore[64];
		db_copy_end(snd->db, ignore, sizeof(ignore));
		rc = -1;
	} else {
		rc = db_copy_end(snd->db, snd->err, snd->errlen);
	}
	buf_release(&snd->out);
	return rc;
}

static int row_cmp_ids(const struct raw_rows *r, const struct raw_row *x,
		       const struct raw_row *y)
{
	return x->id_len == y->id_len &&
	       memcmp(r->text.data + x->off, r->text.data + y->off, x->id_len) == 0 ? 0 : 1;
}

/* By id, then by position: the last of a run of equal ids is the copy that
 * wins. */
static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct raw_rows *r = arg;
	const struct raw_row *x = &r->v[*(const size_t *)a];
	const struct raw_row *y = &r->v[*(const size_t *)b];
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	int c = memcmp(r->text.data + x->off, r->text.data + y->off, n);

	if (c == 0 && x->id_len != y->id_len)
		c = x->id_len < y->id_len ? -1 : 1;
	return c ? c : (x->ord > y->ord) - (x->ord < y->ord);
}

int raw_rows_load(PGconn *db, const struct raw_rows *r, const struct raw_target *t,
		  int direct, int64_t *written, int64_t *deleted,
		  char *err, size_t errlen)
{
	struct sender snd;
	struct buf suffix = BUF_INIT, sql = BUF_INIT;
	size_t *idx = NULL;
	char *route = NULL;             /* per row: 0 = an earlier copy, else staged */
	int rc = -1;

	*written = *deleted = 0;
	if (check_target(t->table, err, errlen) < 0)
		return -1;
	if (r->n == 0)
		return 0;
	if (!(route = malloc(r->n)))
		abort();
	memset(route, 2, r->n);
	if (r->odd)
		direct = 0;
	if (direct) {
		/* Only the last copy of each id goes. */
		if (!(idx = malloc(r->n * sizeof(*idx))))
			abort();
		for (size_t i = 0; i < r->n; i++)
			idx[i] = i;
		qsort_r(idx, r->n, sizeof(*idx), row_cmp, (void *)r);
		for (size_t k = 0; k + 1 < r->n; k++)
			if (row_cmp_ids(r, &r->v[idx[k]], &r->v[idx[k + 1]]) == 0)
				route[idx[k]] = 0;
		/* Optimistic: the rows go straight in, inside a savepoint; when
		 * one of their ids is there already (a unique violation), the
		 * savepoint is rolled back and they all go through the stage. */
		int64_t w = 0, d = 0;
		buf_printf(&sql, "COPY %s (source_id, data, deleted_at, api_version) "
			   "FROM STDIN", t->table);
		buf_putc(&suffix, '\t');
		raw_copy_escape(&suffix, t->api_version, strlen(t->api_version));
		buf_putc(&suffix, '\n');
		if (db_exec(db, "SAVEPOINT raw_direct", err, errlen) < 0 ||
		    send_begin(&snd, db, sql.data, err, errlen) < 0)
			goto out;
		for (size_t i = 0; i < r->n; i++) {
			if (!route[i])
				continue;
			send_row(&snd, r, &r->v[i], suffix.data, suffix.len);
			w++;
			d += r->v[i].deleted;
		}
		if (send_end(&snd) == 0) {
			if (db_exec(db, "RELEASE SAVEPOINT raw_direct", err, errlen) < 0)
				goto out;
			*written = w;
			*deleted = d;
			rc = 0;
			goto out;
		}
		if (!db_failed_with(DB_UNIQUE_VIOLATION))
			goto out;
		if (db_exec(db, "ROLLBACK TO SAVEPOINT raw_direct", err, errlen) < 0)
			goto out;
	}
	size_t nstage = 0;
	for (size_t i = 0; i < r->n; i++)
		nstage += route[i] != 0;
	if (nstage) {
		char tail[32];
		if (send_begin(&snd, db, t->stage_copy, err, errlen) < 0)
			goto out;
		for (size_t i = 0; i < r->n; i++) {
			if (!route[i])
				continue;
			int n = snprintf(tail, sizeof(tail), "\t%d\t%c\n", r->v[i].ord,
					 r->v[i].odd ? 't' : 'f');
			send_row(&snd, r, &r->v[i], tail, (size_t)n);
		}
		if (send_end(&snd) < 0)
			goto out;
		if (r->odd && raw_exec_file(db, t->fix_path, err, errlen) < 0)
			goto out;
		const char *params[1] = { t->api_version };
		int64_t out[2];
		if (raw_merge(db, t->merge_path, t->table, 1, params, out, 2, err, errlen) < 0)
			goto out;
		*written += out[0];
		*deleted += out[1];
	}
	rc = 0;
out:
	free(idx);
	free(route);
	buf_release(&suffix);
	buf_release(&sql);
	return rc;
}
