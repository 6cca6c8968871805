/*
 * goals: import, export and list of the versioned ref.goals (rules in
 * goals.h).
 */
#include "ref/goals.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/xalloc.h"

#define OPEN_END INT32_MAX
#define DAY_MINUTES 1440

struct goal_row {
	char category[256];
	char day_type[16], period[16], direction[16];
	long minutes;
	int32_t from, to;              /* to = OPEN_END when open */
	char from_s[16], to_s[16];     /* to_s "" when open */
	int line;
};

static const char *const goal_cols[] = {
	"category", "day_type", "period", "minutes", "direction", "valid_from", "valid_to",
};

static int one_of(const char *s, const char *a, const char *b, const char *c)
{
	return !strcmp(s, a) || !strcmp(s, b) || !strcmp(s, c);
}

static long period_days(const char *period)
{
	return !strcmp(period, "day") ? 1 : !strcmp(period, "week") ? 7 : 31;
}

static int same_key(const struct goal_row *a, const struct goal_row *b)
{
	return !strcmp(a->category, b->category) && !strcmp(a->day_type, b->day_type) &&
	       !strcmp(a->period, b->period);
}

/* What parse_goals gathers while the rows are read. */
struct goal_parse {
	const char *today;
	PGresult *categories;
	struct goal_row *rows;
	int n;
};

static int goal_csv_row(void *arg, const struct csv_record *rec, const struct csv_table *t,
			char *why, size_t whylen)
{
	struct goal_parse *gp = arg;
	const int *idx = t->idx;
	struct goal_row g;
	const char *cat = csv_field(rec, idx[0]), *mins = csv_field(rec, idx[3]);
	const char *from = csv_field(rec, idx[5]), *to = csv_field(rec, idx[6]);
	char *end;
	int known = 0;

	memset(&g, 0, sizeof(g));
	g.line = rec->line;
	if (rec->n < 5)
		CSV_ROW_FAIL("expected at least 5 fields, found %d", rec->n);
	if (rec->n > t->ncols)
		CSV_ROW_FAIL("%d fields but the header has %d columns (a value with a "
			     "comma needs double quotes)", rec->n, t->ncols);
	if (!*cat || strlen(cat) >= sizeof(g.category))
		CSV_ROW_FAIL("category is empty or too long");
	snprintf(g.category, sizeof(g.category), "%s", cat);
	for (int i = 0; i < PQntuples(gp->categories); i++)
		known |= !strcmp(PQgetvalue(gp->categories, i, 0), cat);
	if (!known)
		CSV_ROW_FAIL("unknown category '%s' (add it to categories.csv and run "
			     "'dwhbi seed')", cat);
	snprintf(g.day_type, sizeof(g.day_type), "%s", csv_field(rec, idx[1]));
	if (!one_of(g.day_type, "weekday", "holiday", "any"))
		CSV_ROW_FAIL("day_type must be weekday, holiday or any, not '%s'",
			     csv_field(rec, idx[1]));
	snprintf(g.period, sizeof(g.period), "%s", csv_field(rec, idx[2]));
	if (!one_of(g.period, "day", "week", "month"))
		CSV_ROW_FAIL("period must be day, week or month, not '%s'", csv_field(rec, idx[2]));
	errno = 0;
	g.minutes = strtol(mins, &end, 10);
	if (!*mins || *end || errno)
		CSV_ROW_FAIL("minutes must be a whole number, not '%s'", mins);
	if (g.minutes < 0)
		CSV_ROW_FAIL("minutes must be 0 or more, not %ld", g.minutes);
	if (g.minutes > DAY_MINUTES * period_days(g.period))
		CSV_ROW_FAIL("%ld minutes a %s is more than %d minutes a day", g.minutes,
			     g.period, DAY_MINUTES);
	snprintf(g.direction, sizeof(g.direction), "%s", csv_field(rec, idx[4]));
	if (!one_of(g.direction, "more", "less", "neutral"))
		CSV_ROW_FAIL("direction must be more, less or neutral, not '%s'",
			     csv_field(rec, idx[4]));
	if (!*from)
		from = gp->today;
	if (strlen(from) != 10 || time_parse_date(from, &g.from) < 0)
		CSV_ROW_FAIL("valid_from must be a date YYYY-MM-DD, not '%s'", from);
	snprintf(g.from_s, sizeof(g.from_s), "%s", from);
	g.to = OPEN_END;
	if (*to) {
		if (strlen(to) != 10 || time_parse_date(to, &g.to) < 0)
			CSV_ROW_FAIL("valid_to must be a date YYYY-MM-DD or empty, not '%s'", to);
		if (g.to <= g.from)
			CSV_ROW_FAIL("valid_to %s must be after valid_from %s", to, from);
		snprintf(g.to_s, sizeof(g.to_s), "%s", to);
	}
	for (int i = 0; i < gp->n; i++)
		if (same_key(&gp->rows[i], &g) && g.from < gp->rows[i].to && gp->rows[i].from < g.to)
			CSV_ROW_FAIL("this %s goal for %s (%s) overlaps the version on line %d",
				     g.period, g.category, g.day_type, gp->rows[i].line);
	gp->rows = xreallocarray(gp->rows, (size_t)gp->n + 1, sizeof(*gp->rows));
	gp->rows[gp->n++] = g;
	return 0;
}

/* Parses and checks the whole file; rows must be freed by the caller. */
static int parse_goals(const char *name, const char *text, size_t len, const char *today,
		       PGresult *categories, struct goal_row **out, int *nout,
		       char *err, size_t errlen)
{
	struct csv_table table = { .names = goal_cols, .n = 7, .nrequired = 5 };
	struct goal_parse gp = { .today = today, .categories = categories };
	const struct goal_row *rows;
	size_t used;

	if (csv_read_table(name, text, len, &table, goal_csv_row, &gp, err, errlen))
		goto fail;
	rows = gp.rows;

	/* Minimums must fit in a day: the daily 'more' goals of a day type (its
	 * own and 'any'), checked on every date where one starts. */
	for (int i = 0; i < gp.n; i++) {
		static const char *const types[] = { "weekday", "holiday" };
		for (int t = 0; t < 2; t++) {
			long sum = 0;
			int culprit = 0;
			for (int k = 0; k < gp.n; k++) {
				const struct goal_row *g = &rows[k];
				if (strcmp(g->period, "day") || strcmp(g->direction, "more") ||
				    (strcmp(g->day_type, types[t]) && strcmp(g->day_type, "any")))
					continue;
				if (g->from <= rows[i].from && rows[i].from < g->to) {
					sum += g->minutes;
					if (g->line > culprit)
						culprit = g->line;
				}
			}
			if (sum > DAY_MINUTES) {
				snprintf(err, errlen, "%s:%d: the daily 'more' goals for %s days add up "
					 "to %ld minutes from %s, more than the %d minutes of a day",
					 name, culprit, types[t], sum, rows[i].from_s, DAY_MINUTES);
				goto fail;
			}
		}
	}
	*out = gp.rows;
	*nout = gp.n;
	return 0;
fail:
	used = strlen(err);
	snprintf(err + used, errlen - used, "; nothing was loaded from %s", name);
	free(gp.rows);
	return -1;
}

/* The two writes of ref.goals; every change of a goal goes through them. */
static int close_version(PGconn *db, const char *goal_id, const char *valid_to,
			 char *err, size_t errlen)
{
	const char *p[2] = { goal_id, valid_to };

	return db_exec_params(db, "UPDATE ref.goals SET valid_to = $2::date "
			      "WHERE goal_id = $1::bigint", 2, p, err, errlen);
}

/* Inserts a version; *new_id (when not NULL) receives its goal_id. */
static int insert_version(PGconn *db, const char *category, const char *day_type,
			  const char *period, const char *minutes, const char *direction,
			  const char *valid_from, const char *valid_to, const char *source,
			  int64_t *new_id, char *err, size_t errlen)
{
	const char *p[8] = { category, day_type, period, minutes, direction, valid_from,
			     valid_to, source };
	PGresult *r = db_query(db,
		"INSERT INTO ref.goals (category, day_type, period, minutes, direction, "
		"valid_from, valid_to, source) VALUES ($1, $2, $3, $4::int, $5, $6::date, "
		"$7::date, $8) RETURNING goal_id", 8, p, err, errlen);

	if (!r)
		return -1;
	if (new_id)
		*new_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int goals_new_version(PGconn *db, int64_t goal_id, int minutes, const char *valid_from,
		      const char *source, int64_t *new_id, char *err, size_t errlen)
{
	char id[24], mins[16];
	const char *p[2] = { id, valid_from };
	PGresult *g;
	int rc;

	snprintf(id, sizeof(id), "%lld", (long long)goal_id);
	snprintf(mins, sizeof(mins), "%d", minutes);
	g = db_query(db, "SELECT category, day_type, period, direction, "
		     "valid_to IS NULL, valid_from < $2::date FROM ref.goals "
		     "WHERE goal_id = $1::bigint FOR UPDATE", 2, p, err, errlen);
	if (!g)
		return -1;
	if (PQntuples(g) == 0) {
		snprintf(err, errlen, "there is no goal %s", id);
		PQclear(g);
		return -1;
	}
	if (PQgetvalue(g, 0, 4)[0] != 't' || PQgetvalue(g, 0, 5)[0] != 't') {
		snprintf(err, errlen, "goal %s has a newer version or starts on or after %s: "
			 "nothing changed", id, valid_from);
		PQclear(g);
		return -1;
	}
	rc = close_version(db, id, valid_from, err, errlen);
	if (rc == 0)
		rc = insert_version(db, PQgetvalue(g, 0, 0), PQgetvalue(g, 0, 1),
				    PQgetvalue(g, 0, 2), mins, PQgetvalue(g, 0, 3), valid_from,
				    NULL, source, new_id, err, errlen);
	PQclear(g);
	return rc;
}

int goals_undo_version(PGconn *db, int64_t new_id, const char *today,
		       int64_t *restored_id, char *err, size_t errlen)
{
	char id[24];
	const char *p[2] = { id, today };
	PGresult *g;
	int rc;

	snprintf(id, sizeof(id), "%lld", (long long)new_id);
	/* The version and the one it replaced (same key, closed where it
	 * starts), both locked. */
	g = db_query(db, "SELECT n.valid_to IS NULL, n.valid_from > $2::date, o.goal_id "
		     "FROM ref.goals n LEFT JOIN ref.goals o ON o.category = n.category "
		     "AND o.day_type = n.day_type AND o.period = n.period "
		     "AND o.valid_to = n.valid_from "
		     "WHERE n.goal_id = $1::bigint FOR UPDATE OF n", 2, p, err, errlen);
	if (!g)
		return -1;
	if (PQntuples(g) != 1 || PQgetisnull(g, 0, 2)) {
		snprintf(err, errlen, PQntuples(g) ? "goal %s replaced no earlier version: "
			 "nothing to restore" : "there is no goal %s", id);
		PQclear(g);
		return -1;
	}
	if (PQgetvalue(g, 0, 0)[0] != 't' || PQgetvalue(g, 0, 1)[0] != 't') {
		snprintf(err, errlen, "goal %s has already started (or has a newer version): "
			 "it can no longer be undone; change it with 'dwhbi goals import'", id);
		PQclear(g);
		return -1;
	}
	char old[24];
	snprintf(old, sizeof(old), "%s", PQgetvalue(g, 0, 2));
	PQclear(g);
	const char *q[1] = { id };
	rc = db_exec_params(db, "DELETE FROM ref.goals WHERE goal_id = $1::bigint", 1, q,
			    err, errlen);
	if (rc == 0)
		rc = close_version(db, old, NULL, err, errlen);
	if (rc == 0 && restored_id)
		*restored_id = strtoll(old, NULL, 10);
	return rc;
}

/* Applies one checked row against the stored versions of its goal. */
static int apply_row(PGconn *db, const char *name, const struct goal_row *g,
		     const char *replace_from, struct goals_import_result *res,
		     char *err, size_t errlen)
{
	const char *key[3] = { g->category, g->day_type, g->period };
	char mins[32];
	PGresult *v;
	int open_row = -1;

	snprintf(mins, sizeof(mins), "%ld", g->minutes);
	v = db_query(db,
		"SELECT goal_id, minutes, direction, valid_from::text, coalesce(valid_to::text, ''), "
		"source FROM ref.goals WHERE category = $1 AND day_type = $2 AND period = $3 "
		"ORDER BY valid_from", 3, key, err, errlen);
	if (!v)
		return -1;
	for (int i = 0; i < PQntuples(v); i++) {
		const char *vf = PQgetvalue(v, i, 3), *vt = PQgetvalue(v, i, 4);
		int32_t from, to = OPEN_END;
		int same_values = !strcmp(PQgetvalue(v, i, 1), mins) &&
				  !strcmp(PQgetvalue(v, i, 2), g->direction);

		time_parse_date(vf, &from);
		if (*vt)
			time_parse_date(vt, &to);
		if (same_values && from == g->from && to == g->to) {
			res->unchanged++;
			PQclear(v);
			return 0;
		}
		if (to == OPEN_END)
			open_row = i;
	}
	if (g->to == OPEN_END && open_row >= 0) {
		const char *vf = PQgetvalue(v, open_row, 3);
		int32_t from;
		time_parse_date(vf, &from);
		if (!strcmp(PQgetvalue(v, open_row, 1), mins) &&
		    !strcmp(PQgetvalue(v, open_row, 2), g->direction)) {
			res->unchanged++;
			PQclear(v);
			return 0;
		}
		const char *eff = g->from_s;
		int32_t eff_day = g->from;
		if (replace_from) {
			eff = replace_from;
			time_parse_date(replace_from, &eff_day);
			if (eff_day <= from) {
				snprintf(err, errlen, "%s:%d: --replace-from %s must be after %s, when "
					 "the current version of %s %s per %s (goal %s) started; nothing "
					 "was loaded from %s", name, g->line, replace_from, vf,
					 g->category, g->day_type, g->period,
					 PQgetvalue(v, open_row, 0), name);
				PQclear(v);
				return -1;
			}
		} else if (g->from <= from) {
			/* The file predates the database: a newer version was made
			 * since (an accepted proposal, or another file). */
			snprintf(err, errlen, "%s:%d: the file is older than the database: it says "
				 "%s %s per %s is %ld min (%s) from %s, but goal %s has been %s min "
				 "(%s) from %s%s. Run 'dwhbi goals export %s' to refresh the file "
				 "from the database, or 'dwhbi goals import --replace-from DATE %s' "
				 "to make the file's values apply from DATE; nothing was loaded from %s",
				 name, g->line, g->category, g->day_type, g->period, g->minutes,
				 g->direction, g->from_s, PQgetvalue(v, open_row, 0),
				 PQgetvalue(v, open_row, 1), PQgetvalue(v, open_row, 2), vf,
				 !strcmp(PQgetvalue(v, open_row, 5), "proposal") ?
				 ", accepted from a proposal" : "", name, name, name);
			PQclear(v);
			return -1;
		}
		if (close_version(db, PQgetvalue(v, open_row, 0), eff, err, errlen)) {
			PQclear(v);
			return -1;
		}
		res->closed++;
		PQclear(v);
		if (insert_version(db, g->category, g->day_type, g->period, mins, g->direction,
				   eff, NULL, "import", NULL, err, errlen))
			return -1;
		res->inserted++;
		(void)eff_day;
		return 0;
	} else {
		for (int i = 0; i < PQntuples(v); i++) {
			const char *vf = PQgetvalue(v, i, 3), *vt = PQgetvalue(v, i, 4);
			int32_t from, to = OPEN_END;
			time_parse_date(vf, &from);
			if (*vt)
				time_parse_date(vt, &to);
			if (g->from < to && from < g->to) {
				snprintf(err, errlen, "%s:%d: overlaps goal %s (%s to %s) already in "
					 "ref.goals; nothing was loaded from %s", name, g->line,
					 PQgetvalue(v, i, 0), vf, *vt ? vt : "open", name);
				PQclear(v);
				return -1;
			}
		}
	}
	PQclear(v);
	if (insert_version(db, g->category, g->day_type, g->period, mins, g->direction,
			   g->from_s, g->to == OPEN_END ? NULL : g->to_s, "import", NULL,
			   err, errlen))
		return -1;
	res->inserted++;
	return 0;
}

int goals_import(PGconn *db, const char *name, const char *text, size_t len,
		 const char *timezone, const char *replace_from,
		 struct goals_import_result *res, char *err, size_t errlen)
{
	const char *params[1] = { timezone };
	struct goal_row *rows = NULL;
	PGresult *cats;
	char today[16];
	int n = 0;

	memset(res, 0, sizeof(*res));
	if (utf8_valid_prefix(text, len) < len) {
		snprintf(err, errlen, "%s:%d: not UTF-8 (save as UTF-8, or pass --encoding CP932)",
			 name, utf8_line_of(text, utf8_valid_prefix(text, len)));
		return -1;
	}
	if (db_query_value(db, "SELECT (now() AT TIME ZONE $1)::date::text", 1, params,
			   today, sizeof(today), err, errlen) != 1)
		return -1;
	cats = db_query(db, "SELECT category FROM ref.categories", 0, NULL, err, errlen);
	if (!cats)
		return -1;
	if (parse_goals(name, text, len, today, cats, &rows, &n, err, errlen)) {
		PQclear(cats);
		return -1;
	}
	PQclear(cats);
	res->rows = n;
	if (db_begin(db, err, errlen)) {
		free(rows);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (apply_row(db, name, &rows[i], replace_from, res, err, errlen)) {
			db_rollback(db);
			free(rows);
			return -1;
		}
	}
	free(rows);
	if (db_commit(db, err, errlen)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void put_field(FILE *out, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '))) {
		fputc('"', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputc(last ? '\n' : ',', out);
}

int goals_export(PGconn *db, FILE *out, char *err, size_t errlen)
{
	PGresult *r = db_query(db,
		"SELECT category, day_type, period, minutes::text, direction, valid_from::text, "
		"coalesce(valid_to::text, '') FROM ref.goals "
		"ORDER BY category, day_type, period, valid_from, goal_id", 0, NULL, err, errlen);
	if (!r)
		return -1;
	for (int c = 0; c < 7; c++)
		put_field(out, goal_cols[c], c == 6);
	for (int i = 0; i < PQntuples(r); i++)
		for (int c = 0; c < 7; c++)
			put_field(out, PQgetvalue(r, i, c), c == 6);
	PQclear(r);
	if (fflush(out) || ferror(out)) {
		snprintf(err, errlen, "cannot write the goals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int goals_list(PGconn *db, FILE *out, int all, const char *timezone,
	       char *err, size_t errlen)
{
	const char *params[2] = { timezone, all ? "1" : "0" };
	PGresult *r = db_query(db,
		"SELECT g.goal_id::text, g.category, coalesce(c.display_name, ''), g.day_type, "
		"g.period, g.minutes::text, g.direction, g.valid_from::text, "
		"coalesce(g.valid_to::text, '-'), g.source "
		"FROM ref.goals g LEFT JOIN ref.categories c USING (category) "
		"WHERE $2 = '1' OR (g.valid_from <= (now() AT TIME ZONE $1)::date "
		"AND (g.valid_to IS NULL OR g.valid_to > (now() AT TIME ZONE $1)::date)) "
		"ORDER BY c.sort_order, g.category, g.day_type, g.period, g.valid_from",
		2, params, err, errlen);
	if (!r)
		return -1;
	fprintf(out, "%-6s %-16s %-8s %-7s %-6s %7s %-8s %-10s %-10s %s\n", "id", "category",
		"", "type", "period", "minutes", "dir", "from", "to", "source");
	for (int i = 0; i < PQntuples(r); i++)
		fprintf(out, "%-6s %-16s %-8s %-7s %-6s %7s %-8s %-10s %-10s %s\n",
			PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
			PQgetvalue(r, i, 6), PQgetvalue(r, i, 7), PQgetvalue(r, i, 8),
			PQgetvalue(r, i, 9));
	if (PQntuples(r) == 0)
		fprintf(out, "(no goals%s; import some with 'dwhbi goals import FILE')\n",
			all ? "" : " valid today");
	PQclear(r);
	return 0;
}
