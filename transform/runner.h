/*
 * runner: builds the transform models (transform/staging, core, marts) and
 * runs the data tests (transform/tests), a small dbt-like runner over .sql
 * files embedded in the binary (see lib/resource.h).
 *
 * A model is one SELECT in transform/<layer>/<name>.sql and becomes
 * <layer>.<name>.  Its header comment may say `-- materialized: view|table`
 * (default: staging views, core and marts tables) and `-- unique_key: a, b`
 * (the primary key given to a table the runner creates) and `-- refresh:
 * delete|rebuild` (default: core rebuild, marts delete; see below).  Dependencies are
 * found in the text: a model depends on every other model it names as
 * schema.name.  Build order: dependencies first, otherwise layer, then file
 * name.  Models read the local zone from the setting dwhbi.timezone and the
 * holiday calendar from dwhbi.holiday_calendar_id, which the runner sets for
 * its transaction (never the session's TimeZone).
 *
 * Atomicity: the whole build, and the data tests when asked for, run in one
 * transaction.  A mart is refilled in place (DELETE, then INSERT of the
 * model's rows), so a concurrent reader sees the previous rows until the
 * commit and the new rows after it — never an empty or partial table, and it
 * is never blocked.  A core table is rebuilt instead: dropped and created
 * again with CREATE TABLE AS, then given its key (a third faster for a
 * million records; its readers wait for the commit), unless its header says
 * `-- refresh: delete` (core.days, which others read).  A failing test rolls
 * everything back: the previous marts stay.  A mart whose columns changed
 * (an upgrade) is rebuilt the same way.
 *
 * Incremental builds (transform/changes.sql): a build without --select and
 * --full starts from ops.transform_state, what the last committed build
 * read.  When only raw time entries, calendar events and the sync clock
 * changed, it computes the local days those changes touch and rebuilds only
 * the rows of those days: a model whose header says `-- incremental: COND`
 * deletes its rows matching COND and inserts the model's rows matching COND,
 * its `--incremental:` lines (filters on the changed days) switched on; a
 * model with `-- incremental: unchanged` reads only what the fingerprint
 * covers and is left as it is, and so are the views; one with
 * `-- incremental: merge` (small, read whole) is computed whole and only its
 * rows that differ are deleted and inserted; any other model is rebuilt
 * whole.  The data tests switch on their `--incremental:` lines too
 * (the changed days plus the global invariants).  A change of the models,
 * time zone, holiday calendar, categories, rules, goals, holidays or Toggl
 * projects/clients/tags, or raw rows removed, rebuilds everything.
 */
#ifndef DWHBI_TRANSFORM_RUNNER_H
#define DWHBI_TRANSFORM_RUNNER_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

enum model_kind { MODEL_VIEW, MODEL_TABLE };

struct model {
	char *name;          /* "core.actual_records" */
	char *path;          /* "transform/core/actual_records.sql" */
	char *sql;           /* the SELECT, as in the file */
	int layer;           /* 0 staging, 1 core, 2 marts */
	enum model_kind kind;
	char *unique_key;    /* "date, category" or NULL */
	char *index;         /* "-- index: a, b": one more index the runner creates, or NULL */
	int rebuild;         /* drop and create again (else DELETE + INSERT) */
	char *incremental;   /* "-- incremental:" condition on its rows, "unchanged", or NULL */
	int *deps;           /* indexes into the set's models */
	int ndeps;
	int selected;        /* set by model_set_select() */
};

struct model_set {
	struct model *models;   /* in build order after model_set_load() */
	int n;
};

void model_set_init(struct model_set *ms);
void model_set_release(struct model_set *ms);

/* Parses one model file into m (fields owned by m).  path must be
 * transform/<layer>/<name>.sql.  Returns 0, or -1 with a reason. */
int model_parse(struct model *m, const char *path, const char *sql,
		char *err, size_t errlen);

/* Adds a parsed model (takes ownership of its fields). */
void model_set_add(struct model_set *ms, struct model *m);

/* Finds dependencies between the models and sorts them into build order.
 * Fails on a dependency cycle. */
int model_set_resolve(struct model_set *ms, char *err, size_t errlen);

/* Loads every embedded model (transform/staging, core, marts) and resolves
 * them.  Returns 0, or -1 with a reason. */
int model_set_load(struct model_set *ms, char *err, size_t errlen);

/* Index of the model called name ("daily_category", "marts.daily_category"
 * or "transform/marts/daily_category.sql"), or -1. */
int model_set_find(const struct model_set *ms, const char *name);

/* Marks the named models and everything downstream of them as selected;
 * names == NULL (n == 0) selects all.  Returns -1 with the unknown name in
 * err. */
int model_set_select(struct model_set *ms, const char *const *names, int n,
		     char *err, size_t errlen);

struct transform_opts {
	const char *timezone;              /* IANA zone for local days */
	const char *holiday_calendar_id;   /* may be NULL */
	const char *const *select;         /* model names, may be NULL */
	int nselect;
	int build;                         /* build the selected models */
	int test;                          /* run the data tests (after the build) */
	int lock_wait_seconds;             /* wait for a concurrent transform */
	int full;                          /* rebuild everything, even if few days changed */
};

struct transform_result {
	int64_t rows_written;     /* rows inserted into tables */
	int64_t rows_deleted;     /* rows replaced */
	int models_built;
	int tests_run;
	int tests_failed;
	int tests_warned;        /* `-- severity: warn` tests that found rows */
	int incremental;          /* only the changed days were rebuilt (and tested) */
	int64_t changed_days;     /* how many, when incremental */
	struct cJSON *detail;     /* {"models": [...], "tests": [...]}; caller frees */
};

/* Builds and/or tests in one transaction on db (which must be idle).
 * Returns 0 on success; -1 with a one-line reason in err when a model or a
 * test failed (nothing is committed then).  Failing tests are also printed
 * with their first offending rows on stderr. */
int transform_run(PGconn *db, const struct transform_opts *opts,
		  struct transform_result *res, char *err, size_t errlen);

#endif
