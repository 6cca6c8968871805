/*
 * The transform runner's model handling: file names and headers, the
 * dependencies found in the SQL text, build order, --select with everything
 * downstream, and the embedded models themselves (every mart of
 * docs/contracts.md is there and is built after what it reads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "transform/runner.h"

static void add(struct model_set *ms, const char *path, const char *sql)
{
	struct model m;
	char err[256];
	assert_int_equal(model_parse(&m, path, sql, err, sizeof(err)), 0);
	model_set_add(ms, &m);
}

static int pos(const struct model_set *ms, const char *name)
{
	int i = model_set_find(ms, name);
	assert_true(i >= 0);
	return i;
}

static void parse_names_and_headers(void **state)
{
	(void)state;
	struct model m;
	char err[256];

	assert_int_equal(model_parse(&m, "transform/staging/stg_x.sql", "select 1", err,
				     sizeof(err)), 0);
	assert_string_equal(m.name, "staging.stg_x");
	assert_int_equal(m.kind, MODEL_VIEW);
	assert_null(m.unique_key);
	free(m.name); free(m.path); free(m.sql); free(m.unique_key); free(m.deps);

	assert_int_equal(model_parse(&m, "transform/marts/daily.sql",
		"-- marts.daily: what it is\n--\n-- materialized: table\n"
		"-- unique_key: date, category\n-- refresh: delete\nselect 1 as date", err,
		sizeof(err)), 0);
	assert_string_equal(m.name, "marts.daily");
	assert_int_equal(m.kind, MODEL_TABLE);
	assert_string_equal(m.unique_key, "date, category");
	assert_int_equal(m.rebuild, 0);
	free(m.name); free(m.path); free(m.sql); free(m.unique_key); free(m.deps);

	/* core tables are rebuilt unless they say otherwise */
	assert_int_equal(model_parse(&m, "transform/core/c.sql", "-- materialized: table\nselect 1",
				     err, sizeof(err)), 0);
	assert_int_equal(m.rebuild, 1);
	free(m.name); free(m.path); free(m.sql); free(m.unique_key); free(m.deps);

	/* a header line after the SELECT has started is SQL, not a header */
	assert_int_equal(model_parse(&m, "transform/core/d.sql",
		"select 1\n-- materialized: view\n", err, sizeof(err)), 0);
	assert_int_equal(m.kind, MODEL_TABLE);
	free(m.name); free(m.path); free(m.sql); free(m.unique_key); free(m.deps);
}

static void parse_rejects(void **state)
{
	(void)state;
	struct model m;
	char err[256];

	assert_int_equal(model_parse(&m, "transform/other/x.sql", "select 1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "staging,core,marts"));
	assert_int_equal(model_parse(&m, "transform/core/X-y.sql", "select 1", err, sizeof(err)), -1);
	assert_int_equal(model_parse(&m, "transform/core/a/b.sql", "select 1", err, sizeof(err)), -1);
	assert_int_equal(model_parse(&m, "transform/core/x.txt", "select 1", err, sizeof(err)), -1);
	assert_int_equal(model_parse(&m, "transform/core/x.sql",
		"-- materialized: matview\nselect 1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "view or table"));
	/* the key is pasted into ALTER TABLE: nothing but column names */
	assert_int_equal(model_parse(&m, "transform/core/x.sql",
		"-- unique_key: a); drop table x; --\nselect 1", err, sizeof(err)), -1);
	assert_int_equal(model_parse(&m, "transform/core/x.sql",
		"-- refresh: sometimes\nselect 1", err, sizeof(err)), -1);
}

static void parse_incremental_headers(void **state)
{
	(void)state;
	struct model_set ms;
	struct model m;
	char err[256];

	model_set_init(&ms);
	assert_int_equal(model_parse(&m, "transform/marts/h.sql",
		"-- unique_key: time, category\n"
		"-- index: date; category, time\n"
		"-- incremental: date in (select date from dwhbi_changed_days)\n"
		"select 1\n--incremental: where false\n", err, sizeof(err)), 0);
	assert_string_equal(m.index, "date; category, time");
	assert_string_equal(m.incremental, "date in (select date from dwhbi_changed_days)");
	model_set_add(&ms, &m);
	assert_int_equal(model_parse(&m, "transform/core/u.sql",
		"-- incremental: unchanged\nselect 1", err, sizeof(err)), 0);
	assert_string_equal(m.incremental, "unchanged");
	assert_null(m.index);
	model_set_add(&ms, &m);
	model_set_release(&ms);

	/* pasted into CREATE INDEX: column names, commas and ';' only */
	assert_int_equal(model_parse(&m, "transform/core/x.sql",
		"-- index: a); drop table x; --\nselect 1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "index must be column names"));
	assert_int_equal(model_parse(&m, "transform/core/x.sql",
		"-- incremental:\nselect 1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "incremental needs a condition"));
}

static void dependencies_and_order(void **state)
{
	(void)state;
	struct model_set ms;
	char err[256];

	model_set_init(&ms);
	/* file order alone would build b before its dependency c */
	add(&ms, "transform/marts/m.sql", "select * from core.b join core.c using (x)");
	add(&ms, "transform/core/b.sql",
	    "-- core.a is only named in a comment\nselect * from core.c, "
	    "staging.s where s.t = 'core.a'");
	add(&ms, "transform/core/c.sql", "select * from staging.s");
	add(&ms, "transform/core/a.sql", "select 1 from core.abc");
	add(&ms, "transform/staging/s.sql", "select 1 from raw.x");
	assert_int_equal(model_set_resolve(&ms, err, sizeof(err)), 0);
	assert_string_equal(ms.models[0].name, "staging.s");
	assert_true(pos(&ms, "core.c") < pos(&ms, "core.b"));
	assert_true(pos(&ms, "core.b") < pos(&ms, "marts.m"));
	/* unrelated models keep layer, then file order */
	assert_true(pos(&ms, "core.a") < pos(&ms, "core.c"));
	/* comments, strings and longer names are not dependencies */
	const struct model *b = &ms.models[pos(&ms, "core.b")];
	assert_int_equal(b->ndeps, 2);
	assert_int_equal(ms.models[pos(&ms, "core.a")].ndeps, 0);
	model_set_release(&ms);
}

static void cycles_fail(void **state)
{
	(void)state;
	struct model_set ms;
	char err[256];

	model_set_init(&ms);
	add(&ms, "transform/core/a.sql", "select * from core.b");
	add(&ms, "transform/core/b.sql", "select * from core.a");
	assert_int_equal(model_set_resolve(&ms, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cycle"));
	model_set_release(&ms);
}

static void select_downstream(void **state)
{
	(void)state;
	struct model_set ms;
	char err[256];
	const char *one[] = { "b" };
	const char *path[] = { "transform/staging/s.sql" };
	const char *bad[] = { "nope" };

	model_set_init(&ms);
	add(&ms, "transform/staging/s.sql", "select 1");
	add(&ms, "transform/core/b.sql", "select * from staging.s");
	add(&ms, "transform/core/c.sql", "select 1");
	add(&ms, "transform/marts/m.sql", "select * from core.b");
	add(&ms, "transform/marts/n.sql", "select * from core.c");
	assert_int_equal(model_set_resolve(&ms, err, sizeof(err)), 0);

	assert_int_equal(model_set_select(&ms, one, 1, err, sizeof(err)), 0);
	assert_false(ms.models[pos(&ms, "staging.s")].selected);
	assert_true(ms.models[pos(&ms, "core.b")].selected);
	assert_true(ms.models[pos(&ms, "marts.m")].selected);
	assert_false(ms.models[pos(&ms, "core.c")].selected);
	assert_false(ms.models[pos(&ms, "marts.n")].selected);

	assert_int_equal(model_set_select(&ms, path, 1, err, sizeof(err)), 0);
	assert_true(ms.models[pos(&ms, "marts.m")].selected);
	assert_false(ms.models[pos(&ms, "marts.n")].selected);

	assert_int_equal(model_set_select(&ms, NULL, 0, err, sizeof(err)), 0);
	for (int i = 0; i < ms.n; i++)
		assert_true(ms.models[i].selected);

	assert_int_equal(model_set_select(&ms, bad, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown model 'nope'");
	assert_int_equal(pos(&ms, "marts/m.sql"), pos(&ms, "marts.m"));
	model_set_release(&ms);
}

static void embedded_models(void **state)
{
	(void)state;
	static const char *const contract[] = {
		"marts.daily_category", "marts.weekly_category", "marts.monthly_category",
		"marts.goal_achievement", "marts.plan_adherence", "marts.plan_actual_daily",
		"marts.source_freshness", "core.days",
	};
	struct model_set ms;
	char err[256];

	model_set_init(&ms);
	assert_int_equal(model_set_load(&ms, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
		int k = model_set_find(&ms, contract[i]);
		assert_true(k >= 0);
		assert_int_equal(ms.models[k].kind, MODEL_TABLE);
		assert_non_null(ms.models[k].unique_key);
		/* and each says how an incremental build refreshes it */
		assert_non_null(ms.models[k].incremental);
	}
	/* readers never wait on the contract tables: they are refilled with DELETE */
	assert_int_equal(ms.models[model_set_find(&ms, "core.days")].rebuild, 0);
	assert_int_equal(ms.models[model_set_find(&ms, "marts.daily_category")].rebuild, 0);
	for (int i = 0; i < ms.n; i++) {
		for (int k = 0; k < ms.models[i].ndeps; k++)
			assert_true(ms.models[i].deps[k] < i);
		if (!strncmp(ms.models[i].name, "staging.", 8))
			assert_int_equal(ms.models[i].kind, MODEL_VIEW);
	}
	model_set_release(&ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_names_and_headers),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(parse_incremental_headers),
		cmocka_unit_test(dependencies_and_order),
		cmocka_unit_test(cycles_fail),
		cmocka_unit_test(select_downstream),
		cmocka_unit_test(embedded_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
