/*
 * runs: the ops.runs history.  run_start() inserts a 'running' row outside any
 * transaction of the caller (it must be called when no transaction is open)
 * and returns its id; run_finish() sets status 'success' or 'failed',
 * finished_at, counts, detail and the (redacted) error text.
 * run_start() first marks as failed ("interrupted") the runs whose database
 * session ended without finishing them (a killed or crashed process).
 * Between the two, the log lines this process keeps (lib/log.h) land in
 * ops.run_logs as they come (redacted, within log.h's bounds), on a second
 * connection while the caller's is inside a transaction, so a killed run
 * keeps what it had logged.
 * args must already be free of secrets (main builds it from argv, which never
 * holds secrets: they come from the environment).
 */
#ifndef DWHBI_RUNS_H
#define DWHBI_RUNS_H

#include <libpq-fe.h>
#include <stdint.h>

int64_t run_start(PGconn *db, const char *job, const char *args,
		  int64_t parent_id, char *err, size_t errlen);
int run_finish(PGconn *db, int64_t id, int ok, int64_t rows_read,
	       int64_t rows_written, int64_t rows_deleted,
	       const char *detail_json, const char *error_text,
	       char *err, size_t errlen);
/* Removes a run that never started its work (a usage error: a bad option
 * or date is not a failed job, and must not turn a source "failing").
 * Runs that already have children are kept. */
int run_discard(PGconn *db, int64_t id, char *err, size_t errlen);

#endif
