/*
 * report_load: fills a struct report from the database, reading only the
 * marts.* and analytics.* tables (docs/contracts.md).
 *
 * marts.daily_category and marts.monthly_category are required (without
 * them there is nothing to report: the error says to run the transform).
 * Every other source is optional: a missing table leaves its section empty,
 * and the report draws a note there instead.  The queries live in
 * reporter/load_*.sql.
 */
#ifndef DWHBI_REPORT_LOAD_H
#define DWHBI_REPORT_LOAD_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "reporter/report.h"

/* r must have its month set (report_set_month) and timezone set.  Returns 0,
 * or -1 with a one-line reason in err.  *rows_read (may be NULL) receives
 * the number of rows read. */
int report_load(PGconn *db, struct report *r, int64_t *rows_read,
		char *err, size_t errlen);

#endif
