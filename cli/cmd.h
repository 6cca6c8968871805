/*
 * cmd: the contract between cli/main.c (the command-line front) and every
 * command.  main parses the global flags, loads the configuration, handles
 * `--help`, connects to the database when the command needs it, records the
 * command in ops.runs (start, finish, status, counts, detail, error text) and
 * exits with the command's return value:
 *   0 success, 1 failure of the job, 2 usage or configuration error.
 * A command reports a failure by logging the reason with log_error() (main
 * copies the last error into ops.runs.error) and returning 1; bad usage is
 * `return cmd_bad_usage(...)` (2).  Commands never call exit().
 *
 * Each command lives in cli/cmd_<name>.c, parses its own argv (argv[0] is the
 * command name; for `sync toggl` argv[0] is "toggl") and calls into the
 * library folder that does the work (connectors/, transform/, ...).
 */
#ifndef DWHBI_CMD_H
#define DWHBI_CMD_H

#include <libpq-fe.h>
#include <stdint.h>

#include "lib/config.h"

struct cJSON;

struct cmd_ctx {
	struct config cfg;
	PGconn *db;             /* connected when the command has needs_db */
	int64_t run_id;         /* this command's ops.runs id, 0 if none */
	int64_t parent_run_id;  /* DWHBI_PARENT_RUN_ID, 0 if none */
	int64_t rows_read;      /* counts stored in ops.runs */
	int64_t rows_written;
	int64_t rows_deleted;
	struct cJSON *detail;   /* optional JSON object stored in ops.runs.detail;
	                           main frees it */
	const char *argv0;      /* path of the running dwhbi binary */
};

typedef int (*cmd_fn)(struct cmd_ctx *ctx, int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn fn;
	const char *usage;      /* full --help text */
	const char *summary;    /* one line for `dwhbi help` */
	int needs_db;
	int record_run;         /* write an ops.runs row */
};

/* Shared option helpers for commands. */
/* Returns 1 if argv has --help or -h (before a "--"). */
int cmd_wants_help(int argc, char **argv);
/* Prints "dwhbi CMD: unknown option 'X'" plus "try 'dwhbi CMD --help'"; returns 2. */
int cmd_bad_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set by cmd_bad_usage: the command stopped on its arguments, so main does
 * not keep its run in ops.runs. */
extern int cmd_usage_error;

#define CMD_DECLARE(n) \
	int cmd_##n(struct cmd_ctx *ctx, int argc, char **argv); \
	extern const char cmd_##n##_usage[]; \
	extern const char cmd_##n##_summary[]

CMD_DECLARE(migrate);
CMD_DECLARE(grafana);
CMD_DECLARE(status);
CMD_DECLARE(seed);
CMD_DECLARE(goals);
CMD_DECLARE(sync);
CMD_DECLARE(transform);
CMD_DECLARE(analyze);
CMD_DECLARE(adjust);
CMD_DECLARE(report);
CMD_DECLARE(run);
CMD_DECLARE(dispatch);
CMD_DECLARE(serve);
CMD_DECLARE(demo);
CMD_DECLARE(rules);
CMD_DECLARE(doctor);
CMD_DECLARE(auth);
CMD_DECLARE(quarantine);

/* `dwhbi sync toggl|gcal` are dispatched by cmd_sync to these. */
int cmd_sync_toggl(struct cmd_ctx *ctx, int argc, char **argv);
extern const char cmd_sync_toggl_usage[];
int cmd_sync_gcal(struct cmd_ctx *ctx, int argc, char **argv);
extern const char cmd_sync_gcal_usage[];

#endif
