/*
 * seed: checks categories.csv and category_rules.csv line by line, then
 * writes them and the holiday calendar into ref in one transaction (contract
 * in seed.h).  The SQL lives in ref/seed_*.sql.
 */
#include "ref/seed.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/db.h"
#include "lib/query.h"
#include "lib/log.h"
#include "lib/resource.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

#define MAX_NAME 200

struct category_row {
	char *category, *display_name, *coarse_group, *color, *sort_order;
};

struct rule_row {
	char *priority, *match_on, *pattern, *category;
	int line;
};

struct seed_data {
	struct category_row *cats;
	int ncats;
	struct rule_row *rules;
	int nrules;
};

static const char *const match_kinds[] = {
	"toggl_project", "toggl_client", "toggl_tag", "toggl_project_color",
	"gcal_summary", "gcal_color_id", "keyword",
};

static void seed_data_release(struct seed_data *d)
{
	for (int i = 0; i < d->ncats; i++) {
		free(d->cats[i].category);
		free(d->cats[i].display_name);
		free(d->cats[i].coarse_group);
		free(d->cats[i].color);
		free(d->cats[i].sort_order);
	}
	free(d->cats);
	for (int i = 0; i < d->nrules; i++) {
		free(d->rules[i].priority);
		free(d->rules[i].match_on);
		free(d->rules[i].pattern);
		free(d->rules[i].category);
	}
	free(d->rules);
	memset(d, 0, sizeof(*d));
}

static int is_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_int(const char *s, long min, long max)
{
	char *end;
	long v;

	if (!*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	return !*end && !errno && v >= min && v <= max;
}

/* Reads DIR/FILE, or config/FILE built into the binary; name receives the
 * path used in messages. */
static char *read_config(const char *dir, const char *file, size_t *len, struct buf *name,
			 char *err, size_t errlen)
{
	char *text;

	if (dir) {
		buf_printf(name, "%s/%s", dir, file);
		text = csv_read_file(name->data, len);
		if (!text)
			snprintf(err, errlen, "cannot read '%s': %s", name->data, strerror(errno));
		return text;
	}
	buf_printf(name, "config/%s", file);
	text = resource_read(name->data, len);
	if (!text)
		snprintf(err, errlen, "'%s' is not built into this dwhbi; pass --config DIR",
			 name->data);
	return text;
}

/* Appends one category row (copies of the strings). */
static void append_category(struct seed_data *d, const char *cat, const char *disp,
			    const char *group, const char *color, const char *order)
{
	d->cats = xreallocarray(d->cats, (size_t)d->ncats + 1, sizeof(*d->cats));
	d->cats[d->ncats].category = xstrdup(cat);
	d->cats[d->ncats].display_name = xstrdup(disp);
	d->cats[d->ncats].coarse_group = xstrdup(group);
	d->cats[d->ncats].color = xstrdup(color);
	d->cats[d->ncats].sort_order = xstrdup(order);
	d->ncats++;
}

static const char *const category_cols[] = {
	"category", "display_name", "coarse_group", "color", "sort_order",
};

static int category_row(void *arg, const struct csv_record *rec, const struct csv_table *t,
			char *why, size_t whylen)
{
	struct seed_data *d = arg;
	const char *cat = csv_field(rec, t->idx[0]), *disp = csv_field(rec, t->idx[1]);
	const char *group = csv_field(rec, t->idx[2]), *color = csv_field(rec, t->idx[3]);
	const char *order = csv_field(rec, t->idx[4]);

	if (rec->n != 5)
		CSV_ROW_FAIL("expected 5 fields, found %d", rec->n);
	if (!*cat || strlen(cat) > MAX_NAME)
		CSV_ROW_FAIL("category must be 1 to %d bytes", MAX_NAME);
	if (!*disp)
		CSV_ROW_FAIL("display_name of '%s' is empty", cat);
	if (!*group)
		CSV_ROW_FAIL("coarse_group of '%s' is empty", cat);
	if (!is_color(color))
		CSV_ROW_FAIL("color must look like #rrggbb, not '%s'", color);
	if (!is_int(order, -1000000, 1000000))
		CSV_ROW_FAIL("sort_order must be a whole number, not '%s'", order);
	for (int i = 0; i < d->ncats; i++)
		if (!strcmp(d->cats[i].category, cat))
			CSV_ROW_FAIL("category '%s' is listed twice", cat);
	append_category(d, cat, disp, group, color, order);
	return 0;
}

static void add_default_category(struct seed_data *d, const char *cat, const char *disp,
				 const char *color, const char *order)
{
	for (int i = 0; i < d->ncats; i++)
		if (!strcmp(d->cats[i].category, cat))
			return;
	append_category(d, cat, disp, "Other", color, order);
	log_info("categories: added '%s' (every mart needs it)", cat);
}

static const char *const rule_cols[] = { "priority", "match_on", "pattern", "category" };

static int rule_row(void *arg, const struct csv_record *rec, const struct csv_table *t,
		    char *why, size_t whylen)
{
	struct seed_data *d = arg;
	const char *prio = csv_field(rec, t->idx[0]), *kind = csv_field(rec, t->idx[1]);
	const char *pattern = csv_field(rec, t->idx[2]), *cat = csv_field(rec, t->idx[3]);
	int known = 0;

	if (rec->n != 4)
		CSV_ROW_FAIL("expected 4 fields, found %d", rec->n);
	if (!is_int(prio, -1000000, 1000000))
		CSV_ROW_FAIL("priority must be a whole number, not '%s'", prio);
	for (size_t k = 0; k < sizeof(match_kinds) / sizeof(match_kinds[0]); k++)
		known |= !strcmp(kind, match_kinds[k]);
	if (!known)
		CSV_ROW_FAIL("match_on must be one of toggl_project, toggl_client, "
			     "toggl_tag, toggl_project_color, gcal_summary, gcal_color_id, "
			     "keyword; not '%s'", kind);
	if (!*pattern)
		CSV_ROW_FAIL("pattern is empty");
	if (!strcmp(kind, "toggl_project_color") && !is_color(pattern))
		CSV_ROW_FAIL("a toggl_project_color pattern looks like #rrggbb, not '%s'", pattern);
	known = 0;
	for (int i = 0; i < d->ncats; i++)
		known |= !strcmp(d->cats[i].category, cat);
	if (!known)
		CSV_ROW_FAIL("unknown category '%s' (add it to categories.csv)", cat);
	d->rules = xreallocarray(d->rules, (size_t)d->nrules + 1, sizeof(*d->rules));
	d->rules[d->nrules].priority = xstrdup(prio);
	d->rules[d->nrules].match_on = xstrdup(kind);
	d->rules[d->nrules].pattern = xstrdup(pattern);
	d->rules[d->nrules].category = xstrdup(cat);
	d->rules[d->nrules].line = rec->line;
	d->nrules++;
	return 0;
}

static int copy_rows(PGconn *db, const char *copy_sql, struct buf *rows, char *err, size_t errlen)
{
	if (db_copy_begin(db, copy_sql, err, errlen))
		return -1;
	if (db_copy_data(db, rows->data, rows->len, err, errlen)) {
		char ignored[128];
		db_copy_end(db, ignored, sizeof(ignored));
		return -1;
	}
	return db_copy_end(db, err, errlen);
}

static int load_temp_tables(PGconn *db, const struct seed_data *d, char *err, size_t errlen)
{
	struct buf rows = BUF_INIT;
	int rc;

	if (db_exec(db,
		    "CREATE TEMP TABLE seed_categories (category text, display_name text, "
		    "coarse_group text, color text, sort_order integer) ON COMMIT DROP; "
		    "CREATE TEMP TABLE seed_rules (line integer, priority integer, match_on text, "
		    "pattern text, category text) ON COMMIT DROP", err, errlen))
		return -1;
	for (int i = 0; i < d->ncats; i++) {
		const struct category_row *c = &d->cats[i];
		const char *f[5] = { c->category, c->display_name, c->coarse_group, c->color,
				     c->sort_order };
		buf_copy_row(&rows, 5, f);
	}
	rc = copy_rows(db, "COPY seed_categories FROM STDIN", &rows, err, errlen);
	buf_reset(&rows);
	for (int i = 0; !rc && i < d->nrules; i++) {
		const struct rule_row *r = &d->rules[i];
		char line[16];
		const char *f[5] = { line, r->priority, r->match_on, r->pattern, r->category };
		snprintf(line, sizeof(line), "%d", r->line);
		buf_copy_row(&rows, 5, f);
	}
	if (!rc)
		rc = copy_rows(db, "COPY seed_rules FROM STDIN", &rows, err, errlen);
	buf_release(&rows);
	return rc;
}

/* Runs ref/NAME.sql and returns its one row (caller clears). */
static PGresult *run_ref_sql(PGconn *db, const char *file, int nparams,
			     const char *const *params, char *err, size_t errlen)
{
	char path[128];
	PGresult *res;

	snprintf(path, sizeof(path), "ref/%s.sql", file);
	res = query_file(db, path, nparams, params, err, errlen);
	if (res && PQntuples(res) != 1) {
		snprintf(err, errlen, "'%s' returned no row", path);
		PQclear(res);
		return NULL;
	}
	return res;
}

static int apply(PGconn *db, const struct seed_data *d, const struct seed_opts *opts,
		 struct seed_result *res, char *err, size_t errlen)
{
	PGresult *r;

	if (load_temp_tables(db, d, err, errlen))
		return -1;
	r = run_ref_sql(db, "seed_categories", 0, NULL, err, errlen);
	if (!r)
		return -1;
	res->rows_written += strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	r = run_ref_sql(db, "seed_rules", 0, NULL, err, errlen);
	if (!r)
		return -1;
	res->rows_written += strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	res->rows_deleted += strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	r = run_ref_sql(db, "seed_prune", 0, NULL, err, errlen);
	if (!r)
		return -1;
	res->rows_deleted += strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	if (!PQgetisnull(r, 0, 1))
		log_warn("categories kept although they left categories.csv (goals still name "
			 "them): %s", PQgetvalue(r, 0, 1));
	PQclear(r);

	res->holidays = -1;
	if (opts->holiday_calendar_id && *opts->holiday_calendar_id) {
		const char *params[1] = { opts->holiday_calendar_id };
		char n[32];
		int got = db_query_value(db,
			"SELECT count(*) FROM raw.google_calendar__events "
			"WHERE substring(source_id from '^(.*):[^:]*$') = $1",
			1, params, n, sizeof(n), err, errlen);
		if (got < 0)
			return -1;
		if (!strcmp(n, "0")) {
			log_warn("no events of the holiday calendar '%s' in raw yet: holidays not "
				 "loaded (run 'dwhbi sync gcal', then 'dwhbi seed')",
				 opts->holiday_calendar_id);
		} else {
			r = run_ref_sql(db, "seed_holidays", 1, params, err, errlen);
			if (!r)
				return -1;
			res->holidays = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
			res->rows_deleted += strtoll(PQgetvalue(r, 0, 1), NULL, 10);
			res->rows_written += strtoll(PQgetvalue(r, 0, 2), NULL, 10);
			PQclear(r);
		}
	}
	return 0;
}

/* Reads one config file, makes it UTF-8 (converted from opts->encoding for
 * files of --config DIR; the built-in ones are UTF-8) and hands its rows to
 * row; any failure is "FILE:LINE: reason; nothing was loaded". */
static int load_table(const struct seed_opts *opts, const char *file,
		      const char *const *cols, int ncols, csv_row_fn row, struct seed_data *d,
		      char *err, size_t errlen)
{
	struct csv_table t = { .names = cols, .n = ncols, .nrequired = ncols };
	struct buf name = BUF_INIT;
	char *text;
	size_t len, n;
	int rc = -1;

	text = read_config(opts->config_dir, file, &len, &name, err, errlen);
	if (!text)
		goto out;
	if (utf8_prepare_text(name.data, &text, &len, opts->config_dir ? opts->encoding : NULL,
			      err, errlen) ||
	    csv_read_table(name.data, text, len, &t, row, d, err, errlen)) {
		n = strlen(err);
		snprintf(err + n, errlen - n, "; nothing was loaded");
		goto out;
	}
	rc = 0;
out:
	free(text);
	buf_release(&name);
	return rc;
}

int seed_run(PGconn *db, const struct seed_opts *opts, struct seed_result *res,
	     char *err, size_t errlen)
{
	struct seed_data d = { 0 };
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->holidays = -1;
	if (load_table(opts, "categories.csv", category_cols, 5, category_row, &d, err, errlen))
		goto out;
	add_default_category(&d, "Untracked", "未記録", "#bdbdbd", "9998");
	add_default_category(&d, "Uncategorized", "未分類", "#9e9e9e", "9999");
	if (load_table(opts, "category_rules.csv", rule_cols, 4, rule_row, &d, err, errlen))
		goto out;
	res->categories = d.ncats;
	res->rules = d.nrules;

	if (db_begin(db, err, errlen))
		goto out;
	if (apply(db, &d, opts, res, err, errlen) || db_commit(db, err, errlen)) {
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	seed_data_release(&d);
	return rc;
}
